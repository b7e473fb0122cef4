using System.Management.Automation;
using XenPS.Operations;

namespace XenPS.Commands;

/// <summary>
/// <para type="synopsis">Gets XenStore nodes of Xen hosts (xenstore-read; with -Recurse every node below, as xenstore-ls does).</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "XenStoreItem")]
[OutputType(typeof(XenStoreItem))]
public sealed class GetXenStoreItemCommand : XenHostCmdlet
{
    /// <summary>Absolute XenStore paths, e.g. /local/domain/3/name. Checked before anything runs: absolute, no empty segment, xenstored's characters.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = [];

    /// <summary>Also every node below each path, with its value (xenstore-ls -f: one call per path).</summary>
    [Parameter]
    public SwitchParameter Recurse { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        IReadOnlyList<XenHostConnection> hosts = ResolveHosts();
        foreach (string path in Path)
        {
            try
            {
                Diagnostics.CheckXenStorePath(path);
            }
            catch (XenOperationException ex)
            {
                WriteXenError(ex, path);
                continue;
            }

            foreach (XenHostConnection host in hosts)
            {
                try
                {
                    WriteObject(Run(ct => ReadAsync(host, path, ct)), enumerateCollection: true);
                }
                catch (Exception ex) when (ex is not PipelineStoppedException)
                {
                    WriteXenError(ex, path);
                }
            }
        }
    }

    private async Task<IReadOnlyList<XenStoreItem>> ReadAsync(XenHostConnection host, string path, CancellationToken cancellationToken)
    {
        var items = new List<XenStoreItem>();
        if (path != "/")
        {
            string value = await host.Toolstack.XenStoreReadAsync(path, cancellationToken).ConfigureAwait(false);
            items.Add(new XenStoreItem(path, value) { HostName = host.Name, XenHost = host });
        }

        if (Recurse)
        {
            items.AddRange(await host.Toolstack.XenStoreTreeAsync(path, cancellationToken).ConfigureAwait(false));
        }

        return items;
    }
}

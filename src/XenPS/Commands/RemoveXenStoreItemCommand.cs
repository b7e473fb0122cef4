using System.Management.Automation;
using XenPS.Operations;

namespace XenPS.Commands;

/// <summary>
/// <para type="synopsis">Removes XenStore nodes, and everything below them, from Xen hosts (xenstore-rm). XenStore is the guests' control plane: confirm by default.</para>
/// </summary>
[Cmdlet(VerbsCommon.Remove, "XenStoreItem", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(void))]
public sealed class RemoveXenStoreItemCommand : XenHostCmdlet
{
    /// <summary>Absolute XenStore paths; each is removed with everything below it. Checked before anything runs; the root is refused.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = [];

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        IReadOnlyList<XenHostConnection> hosts = ResolveHosts();
        foreach (string path in Path)
        {
            try
            {
                Diagnostics.CheckXenStorePath(path, allowRoot: false);
            }
            catch (XenOperationException ex)
            {
                WriteXenError(ex, path);
                continue;
            }

            foreach (XenHostConnection host in hosts)
            {
                string sentence = $"Remove XenStore path '{path}' and everything below it on host '{host.Name}'.";
                if (!ShouldProcess(sentence, sentence.TrimEnd('.') + "?", "Confirm"))
                {
                    continue;
                }

                try
                {
                    Run(ct => host.Toolstack.XenStoreRemoveAsync(path, ct));
                }
                catch (Exception ex) when (ex is not PipelineStoppedException)
                {
                    WriteXenError(ex, path);
                }
            }
        }
    }
}

using System.Management.Automation;
using XenPS.Operations;

namespace XenPS.Commands;

/// <summary>
/// <para type="synopsis">Writes a value to a XenStore path of Xen hosts (xenstore-write), creating the node and its parents.</para>
/// </summary>
[Cmdlet(VerbsCommon.Set, "XenStoreItem", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(XenStoreItem))]
public sealed class SetXenStoreItemCommand : XenHostCmdlet
{
    /// <summary>The absolute XenStore path, e.g. /local/domain/3/data/role. Checked before anything runs.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    /// <summary>The value to write (may be empty).</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    public string Value { get; set; } = string.Empty;

    /// <summary>Write the item (as written) to the pipeline.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        try
        {
            Diagnostics.CheckXenStorePath(Path, allowRoot: false);
        }
        catch (XenOperationException ex)
        {
            WriteXenError(ex, Path);
            return;
        }

        foreach (XenHostConnection host in ResolveHosts())
        {
            string sentence = $"Write '{Value}' to XenStore path '{Path}' on host '{host.Name}'.";
            if (!ShouldProcess(sentence, sentence.TrimEnd('.') + "?", "Confirm"))
            {
                continue;
            }

            try
            {
                Run(ct => host.Toolstack.XenStoreWriteAsync(Path, Value, ct));
                if (PassThru)
                {
                    WriteObject(new XenStoreItem(Path, Value) { HostName = host.Name, XenHost = host });
                }
            }
            catch (Exception ex) when (ex is not PipelineStoppedException)
            {
                WriteXenError(ex, Path);
            }
        }
    }
}

using System.Management.Automation;
using XenPS.Operations;

namespace XenPS.Commands;

/// <summary>
/// <para type="synopsis">Restores Xen domains from save files on the host (xl restore).</para>
/// </summary>
[Cmdlet(VerbsData.Restore, "XenDomain", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(XenDomain))]
public sealed class RestoreXenDomainCommand : XenHostCmdlet
{
    /// <summary>Save files on the Xen host (from Save-XenDomain or xl save).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = [];

    /// <summary>Leave the restored domain paused (xl restore -p).</summary>
    [Parameter]
    public SwitchParameter Paused { get; set; }

    /// <summary>A config file on the host to use instead of the one embedded in the save file.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ConfigPath { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        foreach (XenHostConnection host in ResolveHosts())
        {
            foreach (string path in Path)
            {
                string sentence = $"Restore a domain on host '{host.Name}' from save file '{path}'{(Paused ? ", paused" : string.Empty)}.";
                if (!ShouldProcess(sentence, sentence.TrimEnd('.') + "?", "Confirm"))
                {
                    continue;
                }

                try
                {
                    WriteObject(Run(ct => host.Toolstack.RestoreAsync(path, Paused, ConfigPath, ct)));
                }
                catch (Exception ex) when (ex is not PipelineStoppedException)
                {
                    WriteXenError(ex, path);
                }
            }
        }
    }
}

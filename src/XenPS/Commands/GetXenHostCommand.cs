using System.Management.Automation;

namespace XenPS.Commands;

/// <summary>
/// <para type="synopsis">Gets Xen hosts' information (xl info): version, memory, CPUs, scheduler.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "XenHost")]
[OutputType(typeof(XenHostInfo))]
public sealed class GetXenHostCommand : XenHostCmdlet
{
    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        foreach (XenHostConnection host in ResolveHosts())
        {
            try
            {
                WriteObject(Run(ct => host.Toolstack.GetHostInfoAsync(ct)));
            }
            catch (Exception ex) when (ex is not PipelineStoppedException)
            {
                WriteXenError(ex, host);
            }
        }
    }
}

using System.Management.Automation;
using XenPS.Operations;

namespace XenPS.Commands;

/// <summary>
/// <para type="synopsis">Gets the virtual CPUs of Xen domains (xl vcpu-list): where each runs, its state, CPU time and affinity.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "XenVCpu", DefaultParameterSetName = ByInputObject)]
[OutputType(typeof(XenVCpu))]
public sealed class GetXenVCpuCommand : XenDomainCmdlet
{
    private readonly List<DomainTarget> _targets = new();

    /// <inheritdoc />
    protected override bool IncludeDom0WhenUnfiltered => true;

    /// <inheritdoc />
    protected override void ProcessRecord() => _targets.AddRange(ResolveTargets());

    /// <inheritdoc />
    /// <remarks>One <c>xl vcpu-list</c> per host for everything piped in, whatever the number of domains.</remarks>
    protected override void EndProcessing()
    {
        if (_targets.Count > 0)
        {
            VCpuListing listing = Run(ct => Diagnostics.GetVCpusAsync(_targets, ct));
            foreach (HostFailure f in listing.HostErrors)
            {
                WriteXenError(f.Error, f.Host);
            }

            foreach (XenVCpu v in listing.VCpus)
            {
                WriteObject(v);
            }
        }

        base.EndProcessing();
    }
}

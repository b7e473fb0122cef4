using System.Management.Automation;
using XenPS.Operations;

namespace XenPS.Commands;

/// <summary>
/// <para type="synopsis">Changes Xen domains' memory, vCPUs, scheduler weight and cap, and autostart; live, and in the config file with -Persist.</para>
/// </summary>
[Cmdlet(VerbsCommon.Set, "XenDomain", DefaultParameterSetName = ByInputObject, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(XenDomain))]
public sealed class SetXenDomainCommand : XenDomainActionCmdlet
{
    /// <summary>The memory target in MiB (xl mem-set).</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? MemoryMB { get; set; }

    /// <summary>The maximum memory in MiB (xl mem-max).</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? MaxMemoryMB { get; set; }

    /// <summary>Online vCPUs (xl vcpu-set), up to the domain's maximum.</summary>
    [Parameter]
    [ValidateRange(1, 4096)]
    public int? VCpu { get; set; }

    /// <summary>With -VCpu: allow more vCPUs than the host has physical CPUs (xl vcpu-set --ignore-host). Without it, xl refuses such a count (VCpuOvercommit).</summary>
    [Parameter]
    public SwitchParameter AllowOvercommit { get; set; }

    /// <summary>Scheduler weight (credit/credit2; default 256).</summary>
    [Parameter]
    [ValidateRange(1, 65535)]
    public int? Weight { get; set; }

    /// <summary>Scheduler cap in percent of one CPU (0 = no cap).</summary>
    [Parameter]
    [ValidateRange(0, 409600)]
    public int? Cap { get; set; }

    /// <summary>Start the domain when the host boots (the xendomains link in /etc/xen/auto).</summary>
    [Parameter]
    public bool? AutoStart { get; set; }

    /// <summary>Also write the changes into the domain's config file (comments and layout kept). An Off domain's file is always changed.</summary>
    [Parameter]
    public SwitchParameter Persist { get; set; }

    private DomainSettings Settings => new()
    {
        MemoryMB = MemoryMB,
        MaxMemoryMB = MaxMemoryMB,
        VCpu = VCpu,
        Weight = Weight,
        Cap = Cap,
        AutoStart = AutoStart,
        Persist = Persist,
        AllowOvercommit = AllowOvercommit,
    };

    /// <inheritdoc />
    protected override string ActionPhrase => "Set " + Settings.Describe();

    /// <inheritdoc />
    protected override string DescribeAction(DomainTarget target) =>
        $"Change domain '{target.Domain.Name}' on host '{target.Host.Name}': {Settings.Describe()}.";

    /// <inheritdoc />
    protected override void ValidateInvocation()
    {
        if (Settings.IsEmpty)
        {
            ThrowXenError(new XenOperationException("NothingToSet", XenErrorCategory.InvalidArgument, "Give at least one of -MemoryMB, -MaxMemoryMB, -VCpu, -Weight, -Cap, -AutoStart."), null);
        }

        if (AllowOvercommit && VCpu is null)
        {
            ThrowXenError(new XenOperationException("OvercommitWithoutVCpu", XenErrorCategory.InvalidArgument, "-AllowOvercommit applies to -VCpu: add -VCpu, or leave -AllowOvercommit out."), null);
        }

        if (MemoryMB is int m && MaxMemoryMB is int mx && m > mx)
        {
            ThrowXenError(new XenOperationException("MemoryAboveMaximum", XenErrorCategory.InvalidArgument, $"-MemoryMB {m} is above -MaxMemoryMB {mx}."), null);
        }

    }

    /// <inheritdoc />
    protected override async Task<XenDomain?> ActAsync(DomainTarget target, CancellationToken cancellationToken) =>
        await ConfigOperations.SetAsync(target, Settings, cancellationToken).ConfigureAwait(false);
}

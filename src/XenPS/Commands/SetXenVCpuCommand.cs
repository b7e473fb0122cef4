using System.Globalization;
using System.Management.Automation;
using XenPS.Operations;

namespace XenPS.Commands;

/// <summary>
/// <para type="synopsis">Pins virtual CPUs of Xen domains to physical CPUs (xl vcpu-pin): hard affinity, and soft affinity for the credit scheduler.</para>
/// </summary>
// The vCPU-object set is the default: PowerShell binds pipeline input in the default set first, and there a piped
// XenVCpu would otherwise bind -Name by property name (DomainName) and be looked up again by name (issue 12).
[Cmdlet(VerbsCommon.Set, "XenVCpu", DefaultParameterSetName = ByVCpuObject, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(XenDomain))]
public sealed class SetXenVCpuCommand : XenDomainActionCmdlet
{
    /// <summary>Parameter set: vCPU objects from Get-XenVCpu.</summary>
    private const string ByVCpuObject = "VCpuObject";

    private readonly Dictionary<XenHostConnection, int> _cpuCounts = new();

    /// <summary>The vCPU numbers to pin (xl's VCPU column). Binds by property name, so objects with a VCpu property pin that vCPU.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = ByName)]
    [Parameter(ParameterSetName = ById)]
    [Parameter(ParameterSetName = ByUuid)]
    [Parameter(ParameterSetName = ByInputObject)]
    [ValidateRange(0, 4095)]
    public int[]? VCpu { get; set; }

    /// <summary>Pin every vCPU of the domain (xl vcpu-pin DOMAIN all).</summary>
    [Parameter(ParameterSetName = ByName)]
    [Parameter(ParameterSetName = ById)]
    [Parameter(ParameterSetName = ByUuid)]
    [Parameter(ParameterSetName = ByInputObject)]
    public SwitchParameter All { get; set; }

    /// <summary>vCPUs from Get-XenVCpu: each pins exactly that vCPU of exactly its domain (by the domain's UUID on its own host).</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ByVCpuObject)]
    [ValidateNotNull]
    public XenVCpu[] VCpuObject { get; set; } = [];

    /// <summary>The physical CPUs the vCPUs may run on, in xl's syntax: N, N-M, ^N (all but N), all, nodes:N; comma-separated (e.g. 0-1,3). Checked against the host's CPUs before xl runs.</summary>
    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string HardAffinity { get; set; } = string.Empty;

    /// <summary>The CPUs the scheduler prefers within the hard affinity (same syntax). Only the credit scheduler uses soft affinity.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? SoftAffinity { get; set; }

    private string VCpuText => All || VCpu is null ? "all" : string.Join(',', VCpu.Select(v => v.ToString(CultureInfo.InvariantCulture)));

    /// <inheritdoc />
    protected override string ActionPhrase => "Pin vCPUs of";

    /// <inheritdoc />
    protected override string DescribeAction(DomainTarget target) =>
        Describe(target, VCpuText);

    private string Describe(DomainTarget target, string vcpus) =>
        $"Pin vCPU {vcpus} of domain '{target.Domain.Name}' on host '{target.Host.Name}' to CPUs {HardAffinity}{(SoftAffinity is null ? string.Empty : $" (soft affinity {SoftAffinity})")}.";

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        // Checked here, not in BeginProcessing: which set a piped object binds is known only now.
        if (ParameterSetName != ByVCpuObject)
        {
            if (All == (VCpu is { Length: > 0 }))
            {
                ThrowXenError(new XenOperationException("VCpuNotGiven", XenErrorCategory.InvalidArgument, "Say which vCPUs to pin: -VCpu with their numbers, or -All (not both)."), null);
            }

            base.ProcessRecord();
            return;
        }

        foreach (XenVCpu v in VCpuObject)
        {
            DomainTarget? target = FindDomainOf(v);
            if (target is null)
            {
                continue;
            }

            string vcpu = v.VCpu.ToString(CultureInfo.InvariantCulture);
            string sentence = Describe(target, vcpu);
            if (!ShouldProcess(sentence, sentence.TrimEnd('.') + "?", "Confirm"))
            {
                continue;
            }

            try
            {
                XenDomain? after = Run(ct => PinAsync(target, [vcpu], ct));
                if (PassThru && after is not null)
                {
                    WriteObject(after);
                }
            }
            catch (Exception ex) when (ex is not PipelineStoppedException)
            {
                WriteXenError(ex, v);
            }
        }
    }

    /// <inheritdoc />
    protected override Task<XenDomain?> ActAsync(DomainTarget target, CancellationToken cancellationToken) =>
        PinAsync(target, All || VCpu is null ? ["all"] : VCpu.Select(n => n.ToString(CultureInfo.InvariantCulture)).ToArray(), cancellationToken);

    private async Task<XenDomain?> PinAsync(DomainTarget target, IReadOnlyList<string> vcpus, CancellationToken cancellationToken)
    {
        if (target.Domain.Id is not int id)
        {
            throw new XenOperationException(
                "DomainNotRunning",
                XenErrorCategory.InvalidOperation,
                $"Domain '{target.Domain.Name}' on host '{target.Host.Name}' is Off: only a running domain's vCPUs can be pinned (its config's 'cpus' sets them at start).")
            {
                HostName = target.Host.Name,
                Domain = target.Domain.Name,
            };
        }

        int cpuCount = await CpuCountAsync(target.Host, cancellationToken).ConfigureAwait(false);
        Diagnostics.CheckCpuList(HardAffinity, cpuCount, nameof(HardAffinity), target.Host.Name);
        if (SoftAffinity is not null)
        {
            Diagnostics.CheckCpuList(SoftAffinity, cpuCount, nameof(SoftAffinity), target.Host.Name);
        }

        // The domid, never the name: no user word reaches xl where it could be read as an option.
        string domid = id.ToString(CultureInfo.InvariantCulture);
        foreach (string vcpu in vcpus)
        {
            await target.Host.Toolstack.PinVCpuAsync(domid, vcpu, HardAffinity, SoftAffinity, cancellationToken).ConfigureAwait(false);
        }

        return PassThru ? await target.Host.Toolstack.GetDomainAsync(domid, cancellationToken).ConfigureAwait(false) : null;
    }

    private async Task<int> CpuCountAsync(XenHostConnection host, CancellationToken cancellationToken)
    {
        lock (_cpuCounts)
        {
            if (_cpuCounts.TryGetValue(host, out int known))
            {
                return known;
            }
        }

        XenHostInfo info = await host.Toolstack.GetHostInfoAsync(cancellationToken).ConfigureAwait(false);
        lock (_cpuCounts)
        {
            _cpuCounts[host] = info.CpuCount;
        }

        return info.CpuCount;
    }

    // A vCPU object names its domain by UUID (set by Get-XenVCpu) on its own host, else by domid and name.
    private readonly Dictionary<(XenHostConnection, Guid?, int?), DomainTarget?> _domains = new();

    private DomainTarget? FindDomainOf(XenVCpu v)
    {
        XenHostConnection host = v.XenHost ?? ResolveHosts()[0];
        var key = (host, v.DomainUuid, v.DomainUuid is null ? v.DomainId : null);
        if (_domains.TryGetValue(key, out DomainTarget? known))
        {
            return known;
        }

        var selector = v.DomainUuid is Guid uuid
            ? new DomainSelector { Uuids = [uuid], IncludeDom0WhenUnfiltered = false }
            : new DomainSelector { Ids = v.DomainId is int id ? [id] : [], Names = v.DomainId is null ? [v.DomainName] : null, IncludeDom0WhenUnfiltered = false };
        // By UUID the domain is itself even renamed; a domid alone is trusted only with the same name.
        DomainTarget? found = SelectDomains([host], selector)
            .FirstOrDefault(t => v.DomainUuid is not null || string.Equals(t.Domain.Name, v.DomainName, StringComparison.Ordinal));
        if (found is null)
        {
            WriteXenError(new XenDomainNotFoundException(v.DomainName, host.Name, $"the domain of vCPU {v.VCpu} (id {v.DomainId}) is no longer there."), v);
        }

        _domains[key] = found;
        return found;
    }
}

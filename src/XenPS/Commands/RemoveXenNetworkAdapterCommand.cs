using System.Management.Automation;
using XenPS.Operations;

namespace XenPS.Commands;

/// <summary>
/// <para type="synopsis">Detaches network adapters (vifs) from running Xen domains (xl network-detach); with -Persist also removes them from their config files.</para>
/// </summary>
[Cmdlet(VerbsCommon.Remove, "XenNetworkAdapter", DefaultParameterSetName = ByAdapter, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(void))]
public sealed class RemoveXenNetworkAdapterCommand : XenDeviceCmdlet<XenNetworkAdapter>
{
    /// <summary>Parameter set: adapters from Get-XenNetworkAdapter.</summary>
    private const string ByAdapter = "NetworkAdapter";

    /// <summary>Adapters from Get-XenNetworkAdapter: each is detached from exactly its own domain on its own host.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ByAdapter)]
    [ValidateNotNull]
    public XenNetworkAdapter[] NetworkAdapter { get; set; } = [];

    /// <summary>The adapter's index (devid, Get-XenNetworkAdapter's Index), with -Name, -Id, -Uuid or a piped domain.</summary>
    [Parameter(ParameterSetName = ByName)]
    [Parameter(ParameterSetName = ById)]
    [Parameter(ParameterSetName = ByUuid)]
    [Parameter(ParameterSetName = ByInputObject)]
    [ValidateRange(0, int.MaxValue)]
    public int? Index { get; set; }

    /// <summary>The adapter's MAC address, instead of -Index.</summary>
    [Parameter(ParameterSetName = ByName)]
    [Parameter(ParameterSetName = ById)]
    [Parameter(ParameterSetName = ByUuid)]
    [Parameter(ParameterSetName = ByInputObject)]
    [ValidatePattern("^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$")]
    public string? Mac { get; set; }

    /// <summary>Also remove the adapter from the domain's config file (matched by MAC where the file sets one, else by index). Needed for an Off domain, whose file is then the only change.</summary>
    [Parameter]
    public SwitchParameter Persist { get; set; }

    /// <inheritdoc />
    protected override IReadOnlyList<XenNetworkAdapter>? PipedDevices => ParameterSetName == ByAdapter ? NetworkAdapter : null;

    /// <inheritdoc />
    protected override bool WriteResults => false;

    /// <inheritdoc />
    protected override bool PersistChange => Persist;

    /// <inheritdoc />
    protected override string RefusalPhrase => "detach a network adapter from";

    /// <inheritdoc />
    protected override string ActionPhrase => "Detach network adapter";

    /// <inheritdoc />
    protected override void ValidateInvocation()
    {
        if (ParameterSetName != ByAdapter && (Index is null) == (Mac is null))
        {
            ThrowXenError(new XenOperationException("IndexOrMac", XenErrorCategory.InvalidArgument, "Name the adapter with -Index or -Mac (one of the two), or pipe it from Get-XenNetworkAdapter."), null);
        }
    }

    private (int? Index, string? Mac) Which(DomainTarget target) =>
        PipedDeviceOf(target) is { } nic ? (nic.Index, nic.Mac) : (Index, Mac?.ToLowerInvariant());

    /// <inheritdoc />
    protected override string DescribeAction(DomainTarget target)
    {
        (int? index, string? mac) = Which(target);
        string name = index is int i ? $"{i}{(mac is null ? string.Empty : $" ({mac})")}" : mac!;
        return DeviceText.Sentence($"Detach network adapter {name} from", target, Persist);
    }

    /// <inheritdoc />
    protected override async Task<object?> WorkAsync(DomainTarget target, CancellationToken cancellationToken)
    {
        (int? index, string? mac) = Which(target);
        await Devices.RemoveNetworkAdapterAsync(target, index, mac, Persist, cancellationToken).ConfigureAwait(false);
        return null;
    }

    /// <inheritdoc />
    protected override DomainTarget TargetOf(XenNetworkAdapter device, Func<XenHostConnection> fallback) =>
        DeviceOperations.TargetOf(device, device.XenHost ?? fallback());
}

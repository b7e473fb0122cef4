using System.Management.Automation;
using XenPS.Operations;

namespace XenPS.Commands;

/// <summary>
/// <para type="synopsis">Detaches disks from running Xen domains (xl block-detach); with -Persist also removes them from their config files. Never deletes the image.</para>
/// </summary>
[Cmdlet(VerbsCommon.Remove, "XenDisk", DefaultParameterSetName = ByDisk, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(void))]
public sealed class RemoveXenDiskCommand : XenDeviceCmdlet<XenDisk>
{
    /// <summary>Parameter set: disks from Get-XenDisk.</summary>
    private const string ByDisk = "Disk";

    /// <summary>Disks from Get-XenDisk: each is detached from exactly its own domain on its own host.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ByDisk)]
    [ValidateNotNull]
    public XenDisk[] Disk { get; set; } = [];

    /// <summary>The virtual device to detach (xvdb, or the number xl prints), with -Name, -Id, -Uuid or a piped domain.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ByName)]
    [Parameter(Mandatory = true, ParameterSetName = ById)]
    [Parameter(Mandatory = true, ParameterSetName = ByUuid)]
    [Parameter(Mandatory = true, ParameterSetName = ByInputObject)]
    [ValidateNotNullOrEmpty]
    public string Vdev { get; set; } = string.Empty;

    /// <summary>Detach even if the guest does not release the disk (xl block-detach --force): for a guest that does not answer. Its writes in flight may be lost.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Also remove the disk from the domain's config file (comments and layout kept). Needed for an Off domain, whose file is then the only change.</summary>
    [Parameter]
    public SwitchParameter Persist { get; set; }

    /// <inheritdoc />
    protected override IReadOnlyList<XenDisk>? PipedDevices => ParameterSetName == ByDisk ? Disk : null;

    /// <inheritdoc />
    protected override bool WriteResults => false;

    /// <inheritdoc />
    protected override bool PersistChange => Persist;

    /// <inheritdoc />
    protected override string RefusalPhrase => "detach a disk from";

    /// <inheritdoc />
    protected override string ActionPhrase => "Detach disk";

    private string VdevOf(DomainTarget target) => PipedDeviceOf(target)?.Vdev ?? Vdev;

    /// <inheritdoc />
    protected override string DescribeAction(DomainTarget target)
    {
        XenDisk? disk = PipedDeviceOf(target);
        string what = $"Detach disk {VdevOf(target)}{(disk?.Target is { } t ? $" ('{t}', the image is kept)" : string.Empty)}{(Force ? " by force (xl block-detach --force)" : string.Empty)} from";
        return DeviceText.Sentence(what, target, Persist);
    }

    /// <inheritdoc />
    protected override async Task<object?> WorkAsync(DomainTarget target, CancellationToken cancellationToken)
    {
        await Devices.RemoveDiskAsync(target, VdevOf(target), Force, Persist, cancellationToken).ConfigureAwait(false);
        return null;
    }

    /// <inheritdoc />
    protected override DomainTarget TargetOf(XenDisk device, Func<XenHostConnection> fallback) =>
        DeviceOperations.TargetOf(device, device.XenHost ?? fallback());
}

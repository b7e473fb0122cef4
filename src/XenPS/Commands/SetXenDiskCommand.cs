using System.Management.Automation;
using XenPS.Operations;

namespace XenPS.Commands;

/// <summary>
/// <para type="synopsis">Changes or ejects the medium in a CD-ROM drive of running HVM Xen domains (xl cd-insert, xl cd-eject).</para>
/// </summary>
[Cmdlet(VerbsCommon.Set, "XenDisk", DefaultParameterSetName = ByDisk, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(XenDisk))]
public sealed class SetXenDiskCommand : XenDeviceCmdlet<XenDisk>
{
    /// <summary>Parameter set: CD-ROM drives from Get-XenDisk.</summary>
    private const string ByDisk = "Disk";

    /// <summary>CD-ROM drives from Get-XenDisk: each is changed in exactly its own domain on its own host.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ByDisk)]
    [ValidateNotNull]
    public XenDisk[] Disk { get; set; } = [];

    /// <summary>The CD-ROM drive (hdc, ...), with -Name, -Id, -Uuid or a piped domain.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ByName)]
    [Parameter(Mandatory = true, ParameterSetName = ById)]
    [Parameter(Mandatory = true, ParameterSetName = ByUuid)]
    [Parameter(Mandatory = true, ParameterSetName = ByInputObject)]
    [ValidateNotNullOrEmpty]
    public string Vdev { get; set; } = string.Empty;

    /// <summary>The ISO image (or device) on the Xen host to put in the drive (xl cd-insert). It must exist.</summary>
    [Parameter]
    [Alias("Target")]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    /// <summary>Empty the drive (xl cd-eject).</summary>
    [Parameter]
    public SwitchParameter Eject { get; set; }

    /// <summary>Write the drive as it is afterwards to the pipeline.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override IReadOnlyList<XenDisk>? PipedDevices => ParameterSetName == ByDisk ? Disk : null;

    /// <inheritdoc />
    protected override bool WriteResults => PassThru;

    /// <inheritdoc />
    protected override string RefusalPhrase => "change the CD-ROM of";

    /// <inheritdoc />
    protected override string ActionPhrase => Eject ? "Eject the CD-ROM of" : "Insert a CD-ROM into";

    private string VdevOf(DomainTarget target) => PipedDeviceOf(target)?.Vdev ?? Vdev;

    /// <inheritdoc />
    protected override string DescribeAction(DomainTarget target) => Eject
        ? $"Eject the medium of CD-ROM drive {VdevOf(target)} of domain '{target.Domain.Name}' on host '{target.Host.Name}' (the running domain only)."
        : $"Insert '{Path}' into CD-ROM drive {VdevOf(target)} of domain '{target.Domain.Name}' on host '{target.Host.Name}' (the running domain only).";

    /// <inheritdoc />
    protected override void ValidateInvocation()
    {
        if (Eject == (Path is not null))
        {
            ThrowXenError(new XenOperationException("PathOrEject", XenErrorCategory.InvalidArgument, "Give -Path (the ISO to insert) or -Eject, one of the two."), null);
        }
    }

    /// <inheritdoc />
    protected override async Task<object?> WorkAsync(DomainTarget target, CancellationToken cancellationToken) =>
        await Devices.SetCdAsync(target, VdevOf(target), Eject ? null : Path, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    protected override DomainTarget TargetOf(XenDisk device, Func<XenHostConnection> fallback) =>
        DeviceOperations.TargetOf(device, device.XenHost ?? fallback());
}

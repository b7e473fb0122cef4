using System.Management.Automation;
using XenPS.Operations;

namespace XenPS.Commands;

/// <summary>
/// <para type="synopsis">Attaches a disk to running Xen domains (xl block-attach); with -Persist also adds it to their config files, so it survives the next start from the file.</para>
/// </summary>
[Cmdlet(VerbsCommon.Add, "XenDisk", DefaultParameterSetName = ByInputObject, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(XenDisk))]
public sealed class AddXenDiskCommand : XenDeviceCmdlet<XenDisk>
{
    /// <summary>The backing file or block device on the Xen host (the disk's target). It must exist: make an image with New-XenDiskImage.</summary>
    [Parameter]
    [Alias("Target")]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    /// <summary>The virtual device the guest sees (xvdb, hdc, ...). Default: the next free xvd device of the domain (for an HVM CD-ROM: hdc, hdd, hdb).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Vdev { get; set; }

    /// <summary>The image format: raw (default), qcow2, qcow or vhd.</summary>
    [Parameter]
    [ValidateSet("raw", "qcow2", "qcow", "vhd")]
    public string? Format { get; set; }

    /// <summary>Attach read-only (access=ro).</summary>
    [Parameter]
    public SwitchParameter ReadOnly { get; set; }

    /// <summary>A CD-ROM drive (devtype=cdrom, read-only); without -Path an empty drive. HVM guests get CD-ROMs only from their config file: use -Persist on the Off domain.</summary>
    [Parameter]
    public SwitchParameter CdRom { get; set; }

    /// <summary>A whole xl disk specification (xl-disk-configuration(5)), e.g. 'format=raw, vdev=xvdc, access=ro, target=/srv/data.img', instead of -Path and its options. Without vdev= the next free one is used.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Spec { get; set; }

    /// <summary>Also add the disk to the domain's config file (comments and layout kept), so it is there when the domain is next created from the file. Needed for an Off domain, whose file is then the only change.</summary>
    [Parameter]
    public SwitchParameter Persist { get; set; }

    /// <summary>Write the new disk to the pipeline.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override bool WriteResults => PassThru;

    /// <inheritdoc />
    protected override bool PersistChange => Persist;

    /// <inheritdoc />
    protected override string RefusalPhrase => "attach a disk to";

    /// <inheritdoc />
    protected override string ActionPhrase => "Attach disk";

    private DiskRequest Request => new()
    {
        Path = Path,
        Vdev = Vdev,
        Format = Format?.ToLowerInvariant(),
        ReadOnly = ReadOnly,
        CdRom = CdRom,
        Spec = Spec,
        Persist = Persist,
    };

    /// <inheritdoc />
    protected override string DescribeAction(DomainTarget target)
    {
        string what = Spec is not null
            ? $"Attach disk '{Spec}'"
            : $"Attach {(CdRom ? "CD-ROM drive" : "disk")}{(Path is null ? string.Empty : $" '{Path}'")} as {Vdev ?? "the next free device"}";
        return DeviceText.Sentence(what + " to", target, Persist);
    }

    /// <inheritdoc />
    protected override void ValidateInvocation()
    {
        if (Spec is not null && (Path is not null || Vdev is not null || Format is not null || ReadOnly || CdRom))
        {
            ThrowXenError(new XenOperationException("SpecWithOptions", XenErrorCategory.InvalidArgument, "-Spec is the whole disk specification: give it alone, or use -Path with -Vdev, -Format, -ReadOnly and -CdRom."), Spec);
        }

        if (Spec is null && Path is null && !CdRom)
        {
            ThrowXenError(new XenOperationException("TargetMissing", XenErrorCategory.InvalidArgument, "Give -Path (the image or device on the host), or -Spec; only an empty CD-ROM drive (-CdRom) needs neither."), null);
        }
    }

    /// <inheritdoc />
    protected override async Task<object?> WorkAsync(DomainTarget target, CancellationToken cancellationToken) =>
        await Devices.AddDiskAsync(target, Request, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    protected override DomainTarget TargetOf(XenDisk device, Func<XenHostConnection> fallback) =>
        DeviceOperations.TargetOf(device, device.XenHost ?? fallback());
}

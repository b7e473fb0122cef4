using System.Globalization;
using System.Management.Automation;
using XenPS.Operations;

namespace XenPS.Commands;

/// <summary>
/// <para type="synopsis">Creates a disk image file on a Xen host: a sparse raw file (truncate), or qcow2 through qemu-img. Never overwrites a file.</para>
/// </summary>
[Cmdlet(VerbsCommon.New, "XenDiskImage", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(XenDiskImage))]
public sealed class NewXenDiskImageCommand : XenHostCmdlet
{
    /// <summary>The image's absolute path on the Xen host, e.g. /var/lib/xen/images/data.img. Its folder must exist; an existing file is never replaced.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    /// <summary>The virtual size in GiB (what the guest sees); fractions allowed (0.5 = 512 MiB), rounded up to whole MiB.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateRange(0.001, 65536)]
    public double SizeGB { get; set; }

    /// <summary>raw (default): a sparse file, made natively; qcow2: made with qemu-img on the host (which must have it).</summary>
    [Parameter]
    [ValidateSet("raw", "qcow2")]
    public string Format { get; set; } = "raw";

    /// <summary>Allocate the whole size now (raw: zeros are written; qcow2: preallocation=full) instead of a sparse file that grows as the guest writes.</summary>
    [Parameter]
    public SwitchParameter Preallocate { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        string format = Format.ToLowerInvariant();
        var operations = new DeviceOperations(LoggerFactory);
        foreach (XenHostConnection host in ResolveHosts())
        {
            string sentence = string.Format(CultureInfo.InvariantCulture, "Create a {0} GiB {1} disk image '{2}' on host '{3}'{4}.", SizeGB, format, Path, host.Name, Preallocate ? ", fully allocated" : string.Empty);
            if (!ShouldProcess(sentence, sentence.TrimEnd('.') + "?", "Confirm"))
            {
                continue;
            }

            try
            {
                WriteObject(Run(ct => operations.CreateDiskImageAsync(host, Path, SizeGB, format, Preallocate, ct)));
            }
            catch (Exception ex) when (ex is not PipelineStoppedException && !(ex is OperationCanceledException && CancellationToken.IsCancellationRequested))
            {
                WriteXenError(ex, Path);
            }
        }
    }
}

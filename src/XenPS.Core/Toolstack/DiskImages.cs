using System.Globalization;

namespace XenPS.Toolstack;

/// <summary>What both backends share about disk images: the checks before anything runs, the errors, and reading <c>stat</c>'s answer.</summary>
internal static class DiskImages
{
    /// <summary>The formats New-XenDiskImage makes.</summary>
    public static readonly IReadOnlyList<string> Formats = ["raw", "qcow2"];

    private const double BytesPerGiB = 1024d * 1024 * 1024;

    /// <summary>Bytes for a size in GiB, rounded up to whole MiB (what truncate and qemu-img are given).</summary>
    public static long BytesFor(double sizeGB)
    {
        if (double.IsNaN(sizeGB) || sizeGB <= 0 || sizeGB > 64 * 1024)
        {
            throw new XenOperationException("InvalidDiskSize", XenErrorCategory.InvalidArgument, $"-SizeGB {sizeGB.ToString(CultureInfo.InvariantCulture)} is not a disk size: give a number of GiB above 0 and up to 65536.");
        }

        const long mib = 1024 * 1024;
        long bytes = (long)Math.Ceiling(sizeGB * BytesPerGiB);
        return (bytes + mib - 1) / mib * mib;
    }

    /// <summary>Refuses what neither backend may be given: a relative path (paths are paths on the host), a control character, a size or format out of range.</summary>
    public static void Validate(string path, long sizeBytes, string format)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Length < 2 || path[0] != '/' || path.EndsWith('/') || path.Any(char.IsControl))
        {
            throw new XenOperationException("InvalidImagePath", XenErrorCategory.InvalidArgument, $"'{path}' is not an image path: give an absolute path on the Xen host, e.g. /var/lib/xen/images/data.img.");
        }

        if (sizeBytes <= 0)
        {
            throw new XenOperationException("InvalidDiskSize", XenErrorCategory.InvalidArgument, $"{sizeBytes} bytes is not a disk size.");
        }

        if (!Formats.Contains(format, StringComparer.Ordinal))
        {
            throw new XenOperationException("InvalidImageFormat", XenErrorCategory.InvalidArgument, $"'{format}' is not an image format XenPS makes: use raw or qcow2.");
        }
    }

    /// <summary>The image, from <c>stat -c '%s %b %B'</c>.</summary>
    public static XenDiskImage FromStat(string path, string format, long sizeBytes, string statOutput, string hostName, XenHostConnection? connection)
    {
        string[] f = statOutput.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (f.Length < 3 || !long.TryParse(f[0], NumberStyles.None, CultureInfo.InvariantCulture, out _)
            || !long.TryParse(f[1], NumberStyles.None, CultureInfo.InvariantCulture, out long blocks)
            || !long.TryParse(f[2], NumberStyles.None, CultureInfo.InvariantCulture, out long blockSize))
        {
            throw new FormatException($"Unexpected answer from stat for '{path}' on host '{hostName}': '{statOutput.Trim()}'.");
        }

        return Image(path, format, sizeBytes, blocks * blockSize, hostName, connection);
    }

    /// <summary>An image object: its virtual size (what the guest sees) and what it takes on the host.</summary>
    public static XenDiskImage Image(string path, string format, long sizeBytes, long allocatedBytes, string hostName, XenHostConnection? connection) =>
        new(path, format)
        {
            SizeGB = Math.Round(sizeBytes / BytesPerGiB, 4, MidpointRounding.AwayFromZero),
            AllocatedBytes = allocatedBytes,
            HostName = hostName,
            XenHost = connection,
        };

    public static XenOperationException Exists(string path, string hostName) =>
        new("DiskImageExists", XenErrorCategory.ResourceExists, $"'{path}' already exists on host '{hostName}': New-XenDiskImage never overwrites a file. Choose another path, or remove the file first.")
        {
            HostName = hostName,
        };

    public static XenOperationException ProgramMissing(string program, string format, string hostName) =>
        new("ProgramNotFound", XenErrorCategory.ObjectNotFound, $"'{program}' is not installed on host '{hostName}': a {format} image needs it (Debian/Ubuntu: apt-get install qemu-utils). A raw image (-Format raw) needs nothing more.")
        {
            HostName = hostName,
        };
}

using System.Globalization;
using System.Text;

namespace XenPS.Toolstack.Xl;

/// <summary>
/// Virtual disk names and the numbers xl prints for them, as libxl__device_disk_dev_number
/// (tools/libs/light/libxl_device.c) encodes them: <c>xvd</c> disks 0-15 with partitions 0-15 as
/// <c>202 &lt;&lt; 8 | disk &lt;&lt; 4 | partition</c> (51712 = xvda, 51728 = xvdb), larger ones as
/// <c>1 &lt;&lt; 28 | disk &lt;&lt; 8 | partition</c>; <c>hd</c> on majors 3 and 22, <c>sd</c> on major 8.
/// </summary>
internal static class XlVdev
{
    private const int XvdMajor = 202;
    private const int ExtendedFlag = 1 << 28;

    /// <summary>The name for a device number, e.g. 51712 → <c>xvda</c>; the number itself when it fits no known scheme.</summary>
    public static string ToName(int number)
    {
        if ((number & ExtendedFlag) != 0 && number >> 28 == 1)
        {
            int disk = (number >> 8) & 0xFFFFF;
            int partition = number & 0xFF;
            return "xvd" + Letters(disk) + PartitionSuffix(partition);
        }

        int major = number >> 8;
        switch (major)
        {
            case XvdMajor:
                return "xvd" + Letters((number >> 4) & 0xF) + PartitionSuffix(number & 0xF);
            case 3:
                return "hd" + Letters((number >> 6) & 1) + PartitionSuffix(number & 0x3F);
            case 22:
                return "hd" + Letters(2 + ((number >> 6) & 1)) + PartitionSuffix(number & 0x3F);
            case 8:
                return "sd" + Letters((number >> 4) & 0xF) + PartitionSuffix(number & 0xF);
            default:
                return number.ToString(CultureInfo.InvariantCulture);
        }
    }

    /// <summary>The device number for a name (<c>xvdb</c> → 51728, <c>xvdz</c> → 268441856, <c>hdc</c> → 5632, <c>d0p1</c>, or a plain number); null when it is not a disk name.</summary>
    public static int? ToNumber(string vdev)
    {
        if (TryDiskPartition(vdev, "d", out int d, out int p, digitsForm: true) && d < (1 << 20) && p < 256)
        {
            return Xvd(d, p);
        }

        if (TryDiskPartition(vdev, "xvd", out d, out p) && d <= (1 << 20) - 1 && p <= 255)
        {
            return Xvd(d, p);
        }

        if (vdev.Length > 0 && vdev.All(char.IsAsciiDigit) && int.TryParse(vdev, NumberStyles.None, CultureInfo.InvariantCulture, out int n))
        {
            return n;
        }

        if (TryDiskPartition(vdev, "hd", out d, out p) && d <= 3 && p <= 63)
        {
            return ((d < 2 ? 3 : 22) << 8) | ((d & 1) << 6) | p;
        }

        if (TryDiskPartition(vdev, "sd", out d, out p) && d <= 15 && p <= 15)
        {
            return (8 << 8) | (d << 4) | p;
        }

        return null;
    }

    private static int Xvd(int disk, int partition) =>
        disk <= 15 && partition <= 15 ? (XvdMajor << 8) | (disk << 4) | partition : ExtendedFlag | (disk << 8) | partition;

    // Drive letters are bijective base 26: a=0 ... z=25, aa=26, ab=27, ... (device_virtdisk_matches).
    internal static string Letters(int index)
    {
        var sb = new StringBuilder();
        int i = index;
        while (true)
        {
            sb.Insert(0, (char)('a' + (i % 26)));
            i = (i / 26) - 1;
            if (i < 0)
            {
                break;
            }
        }

        return sb.ToString();
    }

    private static string PartitionSuffix(int partition) => partition == 0 ? string.Empty : partition.ToString(CultureInfo.InvariantCulture);

    private static bool TryDiskPartition(string vdev, string prefix, out int disk, out int partition, bool digitsForm = false)
    {
        disk = -1;
        partition = 0;
        if (!vdev.StartsWith(prefix, StringComparison.Ordinal))
        {
            return false;
        }

        string rest = vdev[prefix.Length..];
        if (digitsForm)
        {
            // "d<disk>p<partition>"
            int pAt = rest.IndexOf('p', StringComparison.Ordinal);
            return pAt > 0 &&
                int.TryParse(rest[..pAt], NumberStyles.None, CultureInfo.InvariantCulture, out disk) &&
                int.TryParse(rest[(pAt + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out partition);
        }

        int at = 0;
        long index = -1;
        while (at < rest.Length && rest[at] >= 'a' && rest[at] <= 'z')
        {
            index = ((index + 1) * 26) + (rest[at] - 'a');
            if (index > int.MaxValue / 64)
            {
                return false;
            }

            at++;
        }

        if (at == 0)
        {
            return false;
        }

        disk = (int)index;
        if (at == rest.Length)
        {
            return true;
        }

        string digits = rest[at..];
        if (digits[0] == '0' || !digits.All(char.IsAsciiDigit))
        {
            return false;
        }

        return int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out partition);
    }
}

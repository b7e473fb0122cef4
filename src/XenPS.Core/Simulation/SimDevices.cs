using System.Globalization;
using XenPS.Config;

namespace XenPS.Simulation;

/// <summary>Device numbering and vif specs as libxl does them.</summary>
internal static class SimDevices
{
    /// <summary>libxl__device_disk_dev_number: <c>xvdb</c> → 51728; -1 when the name is not a vdev.</summary>
    public static int DiskDeviceNumber(string vdev)
    {
        if (Match(vdev, "xvd", (1 << 20) - 1, 255, out int disk, out int partition))
        {
            return disk <= 15 && partition <= 15
                ? (202 << 8) | (disk << 4) | partition
                : (1 << 28) | (disk << 8) | partition;
        }

        if (int.TryParse(vdev, NumberStyles.None, CultureInfo.InvariantCulture, out int number))
        {
            return number;
        }

        if (Match(vdev, "hd", 3, 63, out disk, out partition))
        {
            return ((disk < 2 ? 3 : 22) << 8) | ((disk & 1) << 6) | partition;
        }

        if (Match(vdev, "sd", 15, 15, out disk, out partition))
        {
            return (8 << 8) | (disk << 4) | partition;
        }

        return -1;
    }

    private static bool Match(string vdev, string prefix, int maxIndex, int maxPartition, out int index, out int partition)
    {
        index = -1;
        partition = 0;
        if (!vdev.StartsWith(prefix, StringComparison.Ordinal))
        {
            return false;
        }

        int p = prefix.Length;
        while (p < vdev.Length && vdev[p] is >= 'a' and <= 'z')
        {
            index = ((index + 1) * 26) + (vdev[p] - 'a');
            if (index > maxIndex)
            {
                return false;
            }

            p++;
        }

        if (index < 0)
        {
            return false;
        }

        if (p == vdev.Length)
        {
            return true;
        }

        if (vdev[p] == '0' || !int.TryParse(vdev.AsSpan(p), NumberStyles.None, CultureInfo.InvariantCulture, out partition) || partition > maxPartition)
        {
            return false;
        }

        return true;
    }

    /// <summary>
    /// A vif spec in config form (<c>bridge=xenbr0,mac=...</c>) read with the project's parser
    /// (<see cref="XenVifSpec"/>): a spec xl would refuse (a bad MAC: fixture 263) is a <see cref="XenConfigException"/>
    /// before anything reaches the host, as in the xl toolstack.
    /// </summary>
    public static NicState ToNic(string spec) => ToNic(XenVifSpec.Parse(spec));

    public static NicState ToNic(XenVifSpec vif) => new()
    {
        Mac = vif.Mac?.ToLowerInvariant() ?? string.Empty,
        Bridge = vif.Bridge ?? "xenbr0",
        Ip = vif.Ip,
        Model = vif.Model,
        Rate = vif.Rate,
        DevId = (int)(vif.DevId ?? 0),
    };

    /// <summary>A random MAC in Xen's 00:16:3e range, as libxl picks one.</summary>
    public static string RandomMac() =>
        string.Format(CultureInfo.InvariantCulture, "00:16:3e:{0:x2}:{1:x2}:{2:x2}", Random.Shared.Next(128), Random.Shared.Next(256), Random.Shared.Next(256));
}

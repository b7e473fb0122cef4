using System.Globalization;

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

    /// <summary>Parses a vif spec in config form (<c>bridge=xenbr0,mac=...</c>) as xl's parse_nic_config does; a bad MAC gives xl's words.</summary>
    public static NicState ParseVif(string spec, string commandLine, string? domain)
    {
        var nic = new NicState { Bridge = "xenbr0" };
        foreach (string raw in spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int eq = raw.IndexOf('=', StringComparison.Ordinal);
            string key = eq < 0 ? raw : raw[..eq];
            string value = eq < 0 ? string.Empty : raw[(eq + 1)..];
            switch (key)
            {
                case "mac":
                    nic.Mac = ParseMac(value) ?? throw new SimXlError(commandLine, 1, "Invalid parameter `mac'.\n", domain);
                    break;
                case "bridge":
                    nic.Bridge = value;
                    break;
                case "ip":
                    nic.Ip = value;
                    break;
                case "model":
                    nic.Model = value;
                    break;
                case "devid":
                    if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int devid))
                    {
                        nic.DevId = devid;
                    }

                    break;
                default:
                    break;
            }
        }

        return nic;
    }

    /// <summary>xl's MAC check: six hex octets (each at most 255) separated by ':' or '-'.</summary>
    private static string? ParseMac(string value)
    {
        string[] parts = value.Split(':', '-');
        if (parts.Length != 6)
        {
            return null;
        }

        var octets = new byte[6];
        for (int i = 0; i < 6; i++)
        {
            if (parts[i].Length is 0 or > 2 || !byte.TryParse(parts[i], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out octets[i]))
            {
                return null;
            }
        }

        return string.Join(':', octets.Select(o => o.ToString("x2", CultureInfo.InvariantCulture)));
    }

    /// <summary>A random MAC in Xen's 00:16:3e range, as libxl picks one.</summary>
    public static string RandomMac() =>
        string.Format(CultureInfo.InvariantCulture, "00:16:3e:{0:x2}:{1:x2}:{2:x2}", Random.Shared.Next(128), Random.Shared.Next(256), Random.Shared.Next(256));
}

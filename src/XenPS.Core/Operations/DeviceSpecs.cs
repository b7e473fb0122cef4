using System.Globalization;
using XenPS.Config;
using XenPS.Toolstack.Xl;

namespace XenPS.Operations;

/// <summary>What Add-XenDisk was asked for: a target with options, or a whole xl disk spec.</summary>
public sealed class DiskRequest
{
    /// <summary>The backing file or device on the host (<c>target=</c>); null for an empty CD-ROM drive or with <see cref="Spec"/>.</summary>
    public string? Path { get; init; }

    /// <summary>The virtual device; null: the next free one.</summary>
    public string? Vdev { get; init; }

    /// <summary>The image format; null: raw.</summary>
    public string? Format { get; init; }

    /// <summary>Read-only access.</summary>
    public bool ReadOnly { get; init; }

    /// <summary>A CD-ROM drive.</summary>
    public bool CdRom { get; init; }

    /// <summary>A whole xl disk spec (xl-disk-configuration(5)) instead of the options above.</summary>
    public string? Spec { get; init; }

    /// <summary>Also write the disk into the domain's config file.</summary>
    public bool Persist { get; init; }
}

/// <summary>What Add-XenNetworkAdapter was asked for: options, or a whole xl vif spec.</summary>
public sealed class NicRequest
{
    /// <summary>The bridge (<c>bridge=</c>); null: xl's default, <c>xenbr0</c>.</summary>
    public string? Bridge { get; init; }

    /// <summary>The MAC address; null: xl picks one in 00:16:3e.</summary>
    public string? Mac { get; init; }

    /// <summary>The emulated model (HVM).</summary>
    public string? Model { get; init; }

    /// <summary>The IP address(es) for the vif scripts.</summary>
    public string? Ip { get; init; }

    /// <summary>The bandwidth limit (<c>10MB/s</c>, <c>100Mb/s@20ms</c>).</summary>
    public string? Rate { get; init; }

    /// <summary>A whole xl vif spec (xl-network-configuration(5)) instead of the options above.</summary>
    public string? Spec { get; init; }

    /// <summary>Also write the adapter into the domain's config file.</summary>
    public bool Persist { get; init; }
}

/// <summary>
/// The pure decisions behind the device cmdlets: the next free vdev, disk and vif specs from parameters, the
/// disks and adapters an Off domain's config file describes, and the edits of its <c>disk</c>/<c>vif</c> lists.
/// </summary>
public static class DeviceSpecs
{
    /// <summary>xl's default bridge (libxl__device_nic_setdefault).</summary>
    public const string DefaultBridge = "xenbr0";

    /// <summary>
    /// The disk index a vdev names, whatever its prefix (<c>xvdb</c>, <c>hdb</c>, <c>sdb</c> → 1; partitions ignored;
    /// a device number as xl prints it is decoded first); null when it is no disk name. An HVM guest's <c>hda</c> and
    /// <c>xvda</c> are one disk to it (the PV drivers take over the emulated one), so one index is one disk.
    /// </summary>
    public static int? DiskIndex(string vdev)
    {
        ArgumentNullException.ThrowIfNull(vdev);
        string name = vdev.Length > 0 && vdev.All(char.IsAsciiDigit) && int.TryParse(vdev, NumberStyles.None, CultureInfo.InvariantCulture, out int n)
            ? XlVdev.ToName(n)
            : vdev;
        if (name.Contains(':', StringComparison.Ordinal))
        {
            name = name[..name.IndexOf(':', StringComparison.Ordinal)];
        }

        string? rest = name.StartsWith("xvd", StringComparison.Ordinal) ? name[3..]
            : name.StartsWith("hd", StringComparison.Ordinal) || name.StartsWith("sd", StringComparison.Ordinal) ? name[2..]
            : null;
        if (rest is null || rest.Length == 0 || rest[0] is < 'a' or > 'z')
        {
            return null;
        }

        long index = -1;
        foreach (char c in rest)
        {
            if (c is < 'a' or > 'z')
            {
                break;
            }

            index = ((index + 1) * 26) + (c - 'a');
            if (index > (1 << 20))
            {
                return null;
            }
        }

        return (int)index;
    }

    /// <summary>
    /// The first free vdev after the ones in use: <c>xvd</c> + the lowest letter no disk has (<c>xvda</c>, <c>xvdb</c>, ..., <c>xvdz</c>, <c>xvdaa</c>);
    /// for an HVM guest's CD-ROM the first free of <c>hda</c>–<c>hdd</c> (the emulated IDE drives), starting at <c>hdc</c> as installers expect.
    /// </summary>
    /// <exception cref="XenOperationException"><c>NoFreeVdev</c>: an HVM guest's four IDE drives are all used.</exception>
    public static string NextVdev(IEnumerable<string> used, bool hvmCdRom = false)
    {
        var taken = used.Select(DiskIndex).Where(i => i is not null).Select(i => i!.Value).ToHashSet();
        if (hvmCdRom)
        {
            foreach (int i in new[] { 2, 3, 1 })
            {
                if (!taken.Contains(i))
                {
                    return "hd" + XlVdev.Letters(i);
                }
            }

            throw new XenOperationException("NoFreeVdev", XenErrorCategory.LimitsExceeded, "Every emulated IDE drive (hda-hdd) of the domain is in use: give -Vdev, or remove a drive first.");
        }

        int next = 0;
        while (taken.Contains(next))
        {
            next++;
        }

        return "xvd" + XlVdev.Letters(next);
    }

    /// <summary>The disk spec for a request; without a vdev, the next free one after <paramref name="usedVdevs"/>.</summary>
    /// <exception cref="XenConfigException">The spec given is not one xl accepts.</exception>
    /// <exception cref="XenOperationException"><c>VdevInUse</c>: the vdev names a disk the domain has.</exception>
    public static XenDiskSpec BuildDisk(DiskRequest request, IReadOnlyCollection<string> usedVdevs, bool hvm)
    {
        ArgumentNullException.ThrowIfNull(request);
        XenDiskSpec disk;
        if (request.Spec is not null)
        {
            // xl requires a vdev; a spec without one gets the next free one put first (target= must stay last).
            disk = XenDiskSpec.TryParse(request.Spec, out XenDiskSpec? parsed, out XenConfigException? error) ? parsed!
                : error!.Message.Contains("no vdev specified", StringComparison.Ordinal)
                    ? XenDiskSpec.Parse($"vdev={NextVdev(usedVdevs, hvm && request.Spec.Contains("cdrom", StringComparison.Ordinal))}, {request.Spec}")
                    : throw error;
        }
        else
        {
            disk = new XenDiskSpec
            {
                Target = request.Path,
                Format = request.CdRom && string.IsNullOrEmpty(request.Path) ? "empty" : request.Format ?? "raw",
                IsCdrom = request.CdRom,
                ReadWrite = !request.ReadOnly && !request.CdRom,
                Vdev = request.Vdev,
            };
        }

        if (string.IsNullOrEmpty(disk.Vdev))
        {
            disk.Vdev = NextVdev(usedVdevs, hvm && disk.IsCdrom);
        }
        else if (DiskIndex(disk.Vdev) is int wanted && usedVdevs.Any(u => DiskIndex(u) == wanted))
        {
            throw new XenOperationException("VdevInUse", XenErrorCategory.ResourceExists, $"The domain already has a disk at {disk.Vdev} ({string.Join(", ", usedVdevs)} are in use): choose another -Vdev, or leave it out for the next free one.");
        }

        // Written and read back: what reaches xl and the config file is exactly this disk.
        disk.ToSpecString(check: true);
        return disk;
    }

    /// <summary>The vif spec for a request.</summary>
    /// <exception cref="XenConfigException">The spec (or a MAC, rate) is not one xl accepts.</exception>
    public static XenVifSpec BuildVif(NicRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Spec is not null)
        {
            return XenVifSpec.Parse(request.Spec);
        }

        var words = new List<string>();
        void Add(string key, string? value)
        {
            if (value is not null)
            {
                if (value.Contains(',', StringComparison.Ordinal) || value.Any(char.IsControl))
                {
                    throw new XenConfigException($"-{char.ToUpperInvariant(key[0])}{key[1..]} '{value}' cannot be written into a vif spec: it contains a comma or a control character", null, 1, 1);
                }

                words.Add(key + "=" + value);
            }
        }

        // xl's own default, written out: a vif spec with no setting at all is refused by the parser.
        Add("bridge", request.Bridge ?? DefaultBridge);
        Add("mac", request.Mac);
        Add("model", request.Model);
        Add("ip", request.Ip);
        Add("rate", request.Rate);
        return XenVifSpec.Parse(string.Join(",", words));
    }

    /// <summary>The bridge a vif is plugged into by the bridge script, or null when another script (vif-route, vif-nat) handles it.</summary>
    public static string? BridgeOf(XenVifSpec vif)
    {
        ArgumentNullException.ThrowIfNull(vif);
        if (vif.Script is { } script && !script.EndsWith("vif-bridge", StringComparison.Ordinal))
        {
            return null;
        }

        return string.IsNullOrEmpty(vif.Bridge) ? DefaultBridge : vif.Bridge;
    }

    /// <summary>The disks an Off domain's config file describes, as Get-XenDisk shows them.</summary>
    public static IReadOnlyList<XenDisk> DisksFromConfig(XenDomainConfig config, XenDomain domain, XenHostConnection host)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(domain);
        ArgumentNullException.ThrowIfNull(host);
        return config.Disks.Select(d => new XenDisk(domain.Name, d.Vdev ?? string.Empty)
        {
            Target = string.IsNullOrEmpty(d.Target) ? null : d.Target,
            Format = d.Format,
            Access = d.Access,
            IsCdRom = d.IsCdrom,
            DeviceId = d.Vdev is null ? null : XlVdev.ToNumber(d.Vdev),
            HostName = host.Name,
            XenHost = host,
        }).ToList();
    }

    /// <summary>The adapters an Off domain's config file describes: index = <c>devid</c>, else the position in the list (as libxl numbers them).</summary>
    public static IReadOnlyList<XenNetworkAdapter> AdaptersFromConfig(XenDomainConfig config, XenDomain domain, XenHostConnection host)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(domain);
        ArgumentNullException.ThrowIfNull(host);
        return config.Vifs.Select((v, i) => new XenNetworkAdapter(domain.Name, (int)(v.DevId ?? i))
        {
            Mac = v.Mac?.ToLowerInvariant(),
            Bridge = BridgeOf(v) ?? v.Bridge,
            Model = v.Model,
            Ip = v.Ip,
            Rate = v.Rate,
            HostName = host.Name,
            XenHost = host,
        }).ToList();
    }

    /// <summary>Appends one item to the <paramref name="key"/> list (<c>disk</c>, <c>vif</c>); every other byte of the file stays.</summary>
    public static void AddItem(XenConfigDocument document, string key, string item)
    {
        ArgumentNullException.ThrowIfNull(document);
        var items = Items(document, key);
        items.Add(XenConfigValue.FromString(item));
        document.Set(key, XenConfigValue.FromList(items));
    }

    /// <summary>Removes the first item of the <paramref name="key"/> list that <paramref name="match"/> (item text, position) accepts; false when none does.</summary>
    public static bool RemoveItem(XenConfigDocument document, string key, Func<string, int, bool> match)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(match);
        var items = Items(document, key);
        for (int i = 0; i < items.Count; i++)
        {
            if (items[i].AsString() is { } text && match(text, i))
            {
                items.RemoveAt(i);
                document.Set(key, XenConfigValue.FromList(items));
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether a <c>disk</c> item is the disk at <paramref name="vdev"/> (same disk index and partition: <c>xvdb</c> = <c>51728</c>).</summary>
    public static bool IsDisk(string item, string vdev) =>
        XenDiskSpec.TryParse(item, out XenDiskSpec? d, out _) && d!.Vdev is { } v && SameVdev(v, vdev);

    /// <summary>Whether two vdev names (or numbers) name one device.</summary>
    public static bool SameVdev(string a, string b) =>
        string.Equals(a, b, StringComparison.Ordinal)
        || (XlVdev.ToNumber(a) is int x && XlVdev.ToNumber(b) is int y && x == y);

    /// <summary>
    /// Whether a <c>vif</c> item at <paramref name="position"/> is the adapter: the same MAC when the item sets one (and a MAC is known),
    /// otherwise the same index (<c>devid</c>, else the position).
    /// </summary>
    public static bool IsAdapter(string item, int position, int? index, string? mac)
    {
        if (!XenVifSpec.TryParse(item, out XenVifSpec? v, out _))
        {
            return false;
        }

        if (v!.Mac is { } itemMac && mac is not null)
        {
            return string.Equals(itemMac, mac, StringComparison.OrdinalIgnoreCase);
        }

        return index is int i && (v.DevId ?? position) == i && (v.Mac is null || mac is null);
    }

    private static List<XenConfigValue> Items(XenConfigDocument document, string key) =>
        document.Get(key) switch
        {
            null => new List<XenConfigValue>(),
            { Kind: XenConfigValueKind.List } list => list.Items.ToList(),
            var single => new List<XenConfigValue> { single },
        };
}

using System.Globalization;
using System.Text;
using System.Text.Json;

namespace XenPS.Config;

/// <summary>
/// Turns libxl's JSON domain configuration (<c>xl list -l</c>, <c>xl -N create</c>) back into xl.cfg settings.
/// libxl prints only what differs from its defaults, and its booleans are the strings <c>"True"</c>/<c>"False"</c>.
/// </summary>
internal static class LibxlJsonImporter
{
    public static XenDomainConfig Import(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, MaxDepth = 256 });
        }
        catch (JsonException ex)
        {
            throw new XenConfigException($"not valid libxl JSON: {ex.Message}", null, (int)(ex.LineNumber ?? 0) + 1, (int)(ex.BytePositionInLine ?? 0) + 1);
        }

        using (doc)
        {
            try
            {
                var config = FindConfig(doc.RootElement);
                var c = XenDomainConfig.Create();
                Fill(c, config);
                return c;
            }
            catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or FormatException or OverflowException or KeyNotFoundException)
            {
                throw new XenConfigException($"libxl JSON has an unexpected shape: {ex.Message}", null, 1, 1);
            }
        }
    }

    private static JsonElement FindConfig(JsonElement root)
    {
        if (root.ValueKind == JsonValueKind.Array)
        {
            if (root.GetArrayLength() == 0)
            {
                throw new InvalidOperationException("the array is empty");
            }

            root = root[0];
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidOperationException("expected an object");
        }

        if (root.TryGetProperty("config", out var cfg) && cfg.ValueKind == JsonValueKind.Object)
        {
            return cfg;
        }

        if (root.TryGetProperty("c_info", out _) || root.TryGetProperty("b_info", out _))
        {
            return root;
        }

        throw new InvalidOperationException("no \"config\", \"c_info\" or \"b_info\" object");
    }

    private static void Fill(XenDomainConfig c, JsonElement config)
    {
        var d = c.Document;
        var cInfo = Obj(config, "c_info");
        var bInfo = Obj(config, "b_info");
        if (Str(cInfo, "name") is string name)
        {
            d.Set("name", XenConfigValue.FromString(name));
        }

        if (Str(cInfo, "uuid") is string uuid)
        {
            d.Set("uuid", XenConfigValue.FromString(uuid));
        }

        string? type = Str(cInfo, "type");
        if (type is not null)
        {
            d.Set("type", XenConfigValue.FromString(type));
        }

        long? target = Long(bInfo, "target_memkb");
        long? max = Long(bInfo, "max_memkb");
        if (target is long t && t >= 0)
        {
            d.Set("memory", XenConfigValue.FromNumber(t / 1024));
        }

        if (max is long m && m >= 0 && m / 1024 != (target ?? -1024) / 1024)
        {
            d.Set("maxmem", XenConfigValue.FromNumber(m / 1024));
        }

        int? vcpus = bInfo is { } bi && bi.TryGetProperty("avail_vcpus", out var av) && av.ValueKind == JsonValueKind.Array ? av.GetArrayLength() : null;
        long? maxVcpus = Long(bInfo, "max_vcpus");
        if (vcpus is int vc)
        {
            d.Set("vcpus", XenConfigValue.FromNumber(vc));
        }

        if (maxVcpus is long mv && mv >= 0 && mv != (vcpus ?? -1))
        {
            d.Set(vcpus is null ? "vcpus" : "maxvcpus", XenConfigValue.FromNumber(mv));
        }

        if (bInfo is { } b2 && b2.TryGetProperty("vcpu_hard_affinity", out var aff) && aff.ValueKind == JsonValueKind.Array && aff.GetArrayLength() > 0)
        {
            var ranges = aff.EnumerateArray().Select(a => CpuRange(a.EnumerateArray().Select(x => x.GetInt32()))).ToList();
            if (ranges.Distinct().Count() == 1)
            {
                d.Set("cpus", XenConfigValue.FromString(ranges[0]));
            }
            else
            {
                d.Set("cpus", XenConfigValue.FromStrings(ranges));
            }
        }

        foreach (var key in new[] { "kernel", "ramdisk", "cmdline", "bootloader" })
        {
            if (Str(bInfo, key) is string s)
            {
                d.Set(key, XenConfigValue.FromString(s));
            }
        }

        if (bInfo is { } b3 && b3.TryGetProperty("bootloader_args", out var ba) && ba.ValueKind == JsonValueKind.Array)
        {
            d.Set("bootloader_args", XenConfigValue.FromStrings(ba.EnumerateArray().Select(x => x.GetString() ?? string.Empty)));
        }

        foreach (var (json, key, dflt) in new[] { ("on_poweroff", "on_poweroff", "destroy"), ("on_reboot", "on_reboot", "restart"), ("on_watchdog", "on_watchdog", "destroy"), ("on_crash", "on_crash", "destroy"), ("on_soft_reset", "on_soft_reset", "soft-reset") })
        {
            if (Str(config, json) is string a)
            {
                string action = a.Replace('_', '-');
                if (action != dflt || key == "on_reboot")
                {
                    d.Set(key, XenConfigValue.FromString(action));
                }
            }
        }

        if (config.TryGetProperty("disks", out var disks) && disks.ValueKind == JsonValueKind.Array)
        {
            d.Set("disk", XenConfigValue.FromStrings(disks.EnumerateArray().Select(Disk)));
        }

        if (config.TryGetProperty("nics", out var nics) && nics.ValueKind == JsonValueKind.Array)
        {
            d.Set("vif", XenConfigValue.FromStrings(nics.EnumerateArray().Select(Nic)));
        }

        if (config.TryGetProperty("vfbs", out var vfbs) && vfbs.ValueKind == JsonValueKind.Array)
        {
            d.Set("vfb", XenConfigValue.FromStrings(vfbs.EnumerateArray().Select(Vfb)));
        }

        if (config.TryGetProperty("pcidevs", out var pcis) && pcis.ValueKind == JsonValueKind.Array)
        {
            d.Set("pci", XenConfigValue.FromStrings(pcis.EnumerateArray().Select(p => string.Format(
                CultureInfo.InvariantCulture, "{0:x4}:{1:x2}:{2:x2}.{3:x}", Long(p, "domain") ?? 0, Long(p, "bus") ?? 0, Long(p, "dev") ?? 0, Long(p, "func") ?? 0))));
        }

        if (bInfo is { } b4 && b4.TryGetProperty("type.hvm", out var hvm) && hvm.ValueKind == JsonValueKind.Object)
        {
            if (Obj(hvm, "vnc") is { } vnc)
            {
                if (Bool(vnc, "enable") is bool e)
                {
                    d.Set("vnc", XenConfigValue.FromNumber(e ? 1 : 0));
                }

                if (Str(vnc, "listen") is string l)
                {
                    d.Set("vnclisten", XenConfigValue.FromString(l));
                }

                if (Str(vnc, "passwd") is string pw)
                {
                    d.Set("vncpasswd", XenConfigValue.FromString(pw));
                }

                if (Long(vnc, "display") is long disp)
                {
                    d.Set("vncdisplay", XenConfigValue.FromNumber(disp));
                }

                if (Bool(vnc, "findunused") is bool fu)
                {
                    d.Set("vncunused", XenConfigValue.FromNumber(fu ? 1 : 0));
                }
            }

            if (Obj(hvm, "sdl") is { } sdl && Bool(sdl, "enable") is bool se)
            {
                d.Set("sdl", XenConfigValue.FromNumber(se ? 1 : 0));
            }

            if (Str(hvm, "boot") is string boot)
            {
                d.Set("boot", XenConfigValue.FromString(boot));
            }

            if (Str(hvm, "serial") is string serial)
            {
                d.Set("serial", XenConfigValue.FromString(serial));
            }
            else if (hvm.TryGetProperty("serial_list", out var sl) && sl.ValueKind == JsonValueKind.Array)
            {
                d.Set("serial", XenConfigValue.FromStrings(sl.EnumerateArray().Select(x => x.GetString() ?? string.Empty)));
            }
        }
    }

    private static string Disk(JsonElement e)
    {
        var s = new XenDiskSpec
        {
            Target = Str(e, "pdev_path"),
            Vdev = Str(e, "vdev"),
            Format = Str(e, "format") ?? "raw",
            IsCdrom = (Long(e, "is_cdrom") ?? 0) != 0,
            ReadWrite = (Long(e, "readwrite") ?? 0) != 0,
            Backend = Str(e, "backend_domname"),
            Script = Str(e, "script"),
            DirectIoSafe = Bool(e, "direct_io_safe") ?? false,
            Discard = Bool(e, "discard_enable"),
            Trusted = Bool(e, "trusted"),
        };
        if (Str(e, "backend") is string bt && bt is "phy" or "qdisk" or "tap" or "standalone")
        {
            s.BackendType = bt;
        }

        if (s.Format == "unknown")
        {
            s.Format = "raw";
        }

        return s.ToSpecString(true);
    }

    private static string Nic(JsonElement e)
    {
        var v = new XenVifSpec
        {
            Mac = Str(e, "mac"),
            Bridge = Str(e, "bridge"),
            Ip = Str(e, "ip"),
            Model = Str(e, "model"),
            VifName = Str(e, "ifname"),
            Script = Str(e, "script"),
            Backend = Str(e, "backend_domname"),
            GatewayDev = Str(e, "gatewaydev"),
            Mtu = Long(e, "mtu") is long mtu && mtu > 0 ? mtu : null,
            Trusted = Bool(e, "trusted"),
        };
        if (Str(e, "nictype") is string nt)
        {
            v.Type = nt == "vif_ioemu" ? "ioemu" : nt == "vif" ? "vif" : null;
        }

        if (Long(e, "rate_bytes_per_interval") is long bytes && Long(e, "rate_interval_usecs") is long usecs && bytes > 0 && usecs > 0)
        {
            v.Rate = RateText(bytes, usecs);
        }

        return v.ToSpecString(true);
    }

    private static string Vfb(JsonElement e)
    {
        var parts = new List<string>();
        if (Obj(e, "vnc") is { } vnc)
        {
            if (Bool(vnc, "enable") is bool en)
            {
                parts.Add("vnc=" + (en ? "1" : "0"));
            }

            if (Str(vnc, "listen") is string l)
            {
                parts.Add("vnclisten=" + l);
            }

            if (Str(vnc, "passwd") is string p)
            {
                parts.Add("vncpasswd=" + p);
            }

            if (Long(vnc, "display") is long disp)
            {
                parts.Add("vncdisplay=" + disp.ToString(CultureInfo.InvariantCulture));
            }

            if (Bool(vnc, "findunused") is bool fu)
            {
                parts.Add("vncunused=" + (fu ? "1" : "0"));
            }
        }

        if (Obj(e, "sdl") is { } sdl)
        {
            if (Bool(sdl, "enable") is bool en)
            {
                parts.Add("sdl=" + (en ? "1" : "0"));
            }

            if (Str(sdl, "display") is string disp)
            {
                parts.Add("display=" + disp);
            }
        }

        if (Str(e, "keymap") is string km)
        {
            parts.Add("keymap=" + km);
        }

        return string.Join(",", parts);
    }

    /// <summary>A rate text xl turns back into exactly these bytes per interval (<c>bytes*1e6/usecs</c> B/s @ usecs µs).</summary>
    internal static string RateText(long bytesPerInterval, long usecs)
    {
        decimal bps = decimal.Floor((decimal)bytesPerInterval * 1_000_000m / usecs);
        string unit = string.Empty;
        foreach (var (u, f) in new[] { ("G", 1_000_000_000m), ("M", 1_000_000m), ("K", 1000m) })
        {
            if (bps >= f && bps % f == 0)
            {
                bps /= f;
                unit = u;
                break;
            }
        }

        if (bps > uint.MaxValue && unit.Length == 0)
        {
            bps = decimal.Floor(bps / 1000m);
            unit = "K";
        }

        return string.Create(CultureInfo.InvariantCulture, $"{bps}{unit}B/s@{usecs}us");
    }

    internal static string CpuRange(IEnumerable<int> cpus)
    {
        var list = cpus.Distinct().Order().ToList();
        var sb = new StringBuilder();
        for (int i = 0; i < list.Count;)
        {
            int j = i;
            while (j + 1 < list.Count && list[j + 1] == list[j] + 1)
            {
                j++;
            }

            if (sb.Length > 0)
            {
                sb.Append(',');
            }

            sb.Append(list[i].ToString(CultureInfo.InvariantCulture));
            if (j > i)
            {
                sb.Append('-').Append(list[j].ToString(CultureInfo.InvariantCulture));
            }

            i = j + 1;
        }

        return sb.ToString();
    }

    private static JsonElement? Obj(JsonElement? e, string name) =>
        e is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Object ? v : null;

    private static string? Str(JsonElement? e, string name) =>
        e is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static long? Long(JsonElement? e, string name) =>
        e is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out long l) ? l : null;

    private static bool? Bool(JsonElement? e, string name)
    {
        if (e is not { ValueKind: JsonValueKind.Object } o || !o.TryGetProperty(name, out var v))
        {
            return null;
        }

        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.String when v.GetString() is "True" or "true" => true,
            JsonValueKind.String when v.GetString() is "False" or "false" => false,
            JsonValueKind.Number when v.TryGetInt64(out long n) => n != 0,
            _ => null,
        };
    }
}

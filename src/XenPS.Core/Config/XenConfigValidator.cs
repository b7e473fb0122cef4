namespace XenPS.Config;

/// <summary>How serious a validation finding is.</summary>
public enum XenConfigIssueSeverity
{
    /// <summary>xl would refuse the configuration (or create something other than what is written).</summary>
    Error,

    /// <summary>xl accepts it, but ignores or reinterprets something.</summary>
    Warning,
}

/// <summary>One finding of <see cref="XenConfigValidator"/>.</summary>
public sealed class XenConfigIssue
{
    internal XenConfigIssue(XenConfigIssueSeverity severity, string message, string? key, int? line, int? column)
    {
        Severity = severity;
        Message = message;
        Key = key;
        Line = line;
        Column = column;
    }

    /// <summary>Error or warning.</summary>
    public XenConfigIssueSeverity Severity { get; }

    /// <summary>What is wrong, in xl's words where xl has words for it.</summary>
    public string Message { get; }

    /// <summary>The key concerned, if any.</summary>
    public string? Key { get; }

    /// <summary>1-based line in the file, when known.</summary>
    public int? Line { get; }

    /// <summary>1-based column in the file, when known.</summary>
    public int? Column { get; }

    /// <inheritdoc />
    public override string ToString() =>
        $"{Severity}{(Line is int l ? $" at {l}:{Column}" : string.Empty)}{(Key is null ? string.Empty : $" ({Key})")}: {Message}";
}

/// <summary>The outcome of <see cref="XenConfigValidator.Validate(XenDomainConfig)"/>.</summary>
public sealed class XenConfigValidationResult
{
    internal XenConfigValidationResult(IReadOnlyList<XenConfigIssue> issues, string? sourcePath)
    {
        var ordered = issues.OrderBy(i => i.Line ?? int.MaxValue).ThenBy(i => i.Column ?? 0).ToArray();
        Errors = ordered.Where(i => i.Severity == XenConfigIssueSeverity.Error).ToArray();
        Warnings = ordered.Where(i => i.Severity == XenConfigIssueSeverity.Warning).ToArray();
        SourcePath = sourcePath;
    }

    /// <summary>True when there are no errors (warnings do not count).</summary>
    public bool IsValid => Errors.Count == 0;

    /// <summary>What xl would refuse.</summary>
    public IReadOnlyList<XenConfigIssue> Errors { get; }

    /// <summary>What xl accepts but ignores or reinterprets.</summary>
    public IReadOnlyList<XenConfigIssue> Warnings { get; }

    /// <summary>The file validated, if any.</summary>
    public string? SourcePath { get; }
}

/// <summary>
/// Semantic checks that catch, before xl runs, what <c>xl create</c> would refuse (errors) and what it would silently
/// ignore or reinterpret (warnings). The rule: an error is something xl (or libxl) refuses; everything xl accepts is
/// at most a warning (for example a duplicate MAC address, which xl accepts).
/// </summary>
public static class XenConfigValidator
{
    /// <summary>The actions xl accepts for <c>on_poweroff</c>, <c>on_reboot</c>, <c>on_watchdog</c>, <c>on_crash</c> and <c>on_soft_reset</c> (xl_parse.c).</summary>
    public static IReadOnlyList<string> ShutdownActions { get; } =
        ["destroy", "restart", "rename-restart", "preserve", "coredump-destroy", "coredump-restart", "soft-reset"];

    /// <summary>Keys xl reads only for HVM guests (xl_parse.c); on PV and PVH guests they are ignored.</summary>
    public static IReadOnlyList<string> HvmOnlyKeys { get; } =
    [
        "firmware_override", "bios_path_override", "bios", "pae", "acpi_s3", "acpi_s4", "acpi_laptop_slate", "nx",
        "hpet", "vpt_align", "viridian", "mmio_hole", "altp2mhvm", "smbios_firmware", "acpi_firmware", "ms_vm_genid",
        "rdm_mem_boundary", "mca_caps", "vga", "stdvga", "hdtype", "spice", "spiceport", "spicetls_port", "spicehost",
        "spicedisable_ticketing", "spicepasswd", "spiceagent_mouse", "spicevdagent", "spice_clipboard_sharing",
        "spiceusbredirection", "spice_image_compression", "spice_streaming_video", "nographic", "gfx_passthru",
        "serial", "boot", "usb", "usbversion", "usbdevice", "vkb_device", "soundhw", "xen_platform_pci", "vendor_device",
        "timer_mode",
    ];

    /// <summary>Validates text: a syntax error becomes the single error of the result (with its line and column).</summary>
    public static XenConfigValidationResult Validate(string text, string? fileName = null)
    {
        XenDomainConfig config;
        try
        {
            config = XenDomainConfig.Parse(text, fileName);
        }
        catch (XenConfigException ex)
        {
            return new XenConfigValidationResult([new XenConfigIssue(XenConfigIssueSeverity.Error, ex.Reason, null, ex.Line, ex.Column)], fileName);
        }

        return Validate(config);
    }

    /// <summary>Validates a configuration.</summary>
    public static XenConfigValidationResult Validate(XenDomainConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var issues = new List<XenConfigIssue>();
        var doc = config.Document;

        void Add(XenConfigIssueSeverity s, string key, string message)
        {
            var e = doc.GetEntry(key);
            issues.Add(new XenConfigIssue(s, message, key, e?.Value.Line ?? e?.Line, e?.Value.Column ?? e?.Column));
        }

        // Single values given as lists (xl warns and ignores them) and numbers xl cannot read.
        foreach (var key in new[] { "name", "uuid", "type", "builder", "memory", "maxmem", "vcpus", "maxvcpus", "kernel", "ramdisk", "bootloader", "on_poweroff", "on_reboot", "on_watchdog", "on_crash", "on_soft_reset", "extra", "root", "cmdline" })
        {
            if (doc.Get(key) is { Kind: XenConfigValueKind.List })
            {
                Add(XenConfigIssueSeverity.Warning, key, $"parameter `{key}' is a list but should be a single value (xl ignores it)");
            }
        }

        foreach (var key in new[] { "memory", "maxmem", "vcpus", "maxvcpus" })
        {
            if (doc.Get(key) is { Kind: not XenConfigValueKind.List } v && v.AsInt64() is null)
            {
                Add(XenConfigIssueSeverity.Warning, key, v.IsAppended
                    ? $"can't use += with numbers for parameter `{key}' (xl ignores it)"
                    : $"parameter `{key}' is not a valid number (xl ignores it)");
            }
        }

        // name, uuid
        string? name = doc.Get("name")?.AsString();
        if (name is null)
        {
            issues.Add(new XenConfigIssue(XenConfigIssueSeverity.Error, "Domain name must be specified.", "name", null, null));
        }
        else if (XenConfigNames.CheckDomainName(name) is string why)
        {
            Add(XenConfigIssueSeverity.Error, "name", why);
        }

        if (doc.Get("uuid")?.AsString() is string uuid && !Guid.TryParseExact(uuid, "D", out _))
        {
            Add(XenConfigIssueSeverity.Error, "uuid", $"Failed to parse UUID: {uuid}");
        }

        // type / builder
        XenDomainType? type = null;
        bool typeOk = true;
        if (doc.Get("type")?.AsString() is string t)
        {
            type = XenDomainConfig.ParseTypeName(t);
            if (type is null)
            {
                Add(XenConfigIssueSeverity.Error, "type", $"Invalid domain type {t}.");
                typeOk = false;
            }
        }

        if (doc.Get("builder")?.AsString() is string b)
        {
            var bt = XenDomainConfig.ParseBuilderName(b);
            if (bt is null)
            {
                Add(XenConfigIssueSeverity.Error, "builder", $"Invalid domain type {b}.");
                typeOk = false;
            }
            else if (type is not null && type != bt)
            {
                Add(XenConfigIssueSeverity.Error, "builder", "Contradicting \"builder\" and \"type\" options specified.");
                typeOk = false;
            }
            else
            {
                type = bt;
                Add(XenConfigIssueSeverity.Warning, "builder", "\"builder\" is deprecated since Xen 4.10: use \"type\"");
            }
        }

        type ??= XenDomainType.Pv;

        // memory / vcpus
        long? memory = doc.Get("memory")?.AsInt64();
        long? maxmem = doc.Get("maxmem")?.AsInt64();
        if (memory is long mem && maxmem is long mx && mem > mx)
        {
            Add(XenConfigIssueSeverity.Error, "memory", $"memory ({mem} MiB) is greater than maxmem ({mx} MiB): libxl refuses a target above the static maximum");
        }

        long? vcpus = doc.Get("vcpus")?.AsInt64();
        long? maxvcpus = doc.Get("maxvcpus")?.AsInt64();
        if (vcpus is long vc && maxvcpus is long mvc && mvc < vc)
        {
            Add(XenConfigIssueSeverity.Error, "maxvcpus", "xl: maxvcpus < vcpus");
        }

        // Scheduler parameters, as libxl's sched_credit_domain_set (and Xen's credit2) check them at create.
        if (doc.Get("cpu_weight")?.AsInt64() is long weight && weight is < 1 or > 65535)
        {
            Add(XenConfigIssueSeverity.Error, "cpu_weight", $"Cpu weight {weight} out of range, valid values are within range from 1 to 65535");
        }

        long domainVCpus = Math.Max(maxvcpus ?? 0, vcpus ?? 1);
        if (doc.Get("cap")?.AsInt64() is long cap && (cap < 0 || cap > 100 * domainVCpus))
        {
            Add(XenConfigIssueSeverity.Error, "cap", $"Cpu cap {cap} out of range, valid range is from 0 to {100 * domainVCpus} for specified number of vcpus");
        }

        // on_* actions
        foreach (var (key, what) in new[] { ("on_poweroff", "on_poweroff"), ("on_reboot", "on_reboot"), ("on_watchdog", "on_watchdog"), ("on_crash", "on_crash"), ("on_soft_reset", "on_soft_reset") })
        {
            if (doc.Get(key)?.AsString() is string action && !ShutdownActions.Contains(action))
            {
                Add(XenConfigIssueSeverity.Error, key, $"Unknown {what} action \"{action}\" specified");
            }
        }

        // kernel / bootloader for PV and PVH
        if (typeOk && type is XenDomainType.Pv or XenDomainType.Pvh)
        {
            string? kernel = doc.Get("kernel")?.AsString();
            string? bootloader = doc.Get("bootloader")?.AsString();
            string? firmware = doc.Get("firmware")?.AsString();
            if (firmware is not null)
            {
                if (kernel is not null)
                {
                    Add(XenConfigIssueSeverity.Error, "firmware", "ERROR: both kernel and firmware specified");
                }
                else if (!"pvgrub32".StartsWith(firmware, StringComparison.Ordinal) && !"pvgrub64".StartsWith(firmware, StringComparison.Ordinal))
                {
                    Add(XenConfigIssueSeverity.Error, "firmware", "ERROR: only pvgrub{32|64} supported as firmware options");
                }
            }
            else if (kernel is null && bootloader is null)
            {
                issues.Add(new XenConfigIssue(XenConfigIssueSeverity.Error, "Neither kernel nor bootloader specified", "kernel", null, null));
            }

            foreach (var key in HvmOnlyKeys)
            {
                if (!doc.Contains(key))
                {
                    continue;
                }

                if (key == "timer_mode")
                {
                    Add(XenConfigIssueSeverity.Error, key, "ERROR: \"timer_mode\" option is not supported for PV guests.");
                }
                else
                {
                    Add(XenConfigIssueSeverity.Warning, key, $"`{key}' is an HVM-only setting: xl ignores it for a {type.ToString()!.ToUpperInvariant()} guest");
                }
            }
        }

        // cpus
        if (doc.Get("cpus") is { } cpus)
        {
            var ranges = cpus.Kind == XenConfigValueKind.List ? cpus.Items.Where(i => i.Kind != XenConfigValueKind.List).Select(i => i.Text!) : [cpus.Text!];
            foreach (var r in ranges)
            {
                if (CheckCpuRange(r) is string bad)
                {
                    Add(XenConfigIssueSeverity.Error, "cpus", $"Invalid pcpu range: {bad}.");
                }
            }
        }

        CheckDisks(config, doc, issues);
        CheckVifs(config, doc, issues);
        return new XenConfigValidationResult(issues, config.SourcePath);
    }

    private static void CheckDisks(XenDomainConfig config, XenConfigDocument doc, List<XenConfigIssue> issues)
    {
        if (doc.Get("disk") is not { } disk)
        {
            return;
        }

        if (disk.Kind != XenConfigValueKind.List)
        {
            Pos(doc, "disk", issues, XenConfigIssueSeverity.Warning, "parameter `disk' is a single value but should be a list (xl ignores it)");
            return;
        }

        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        int index = 0;
        foreach (var item in disk.Items)
        {
            index++;
            if (item.Kind == XenConfigValueKind.List)
            {
                break;
            }

            if (!XenDiskSpec.TryParse(item.Text!, out var spec, out var error))
            {
                var ex = config.ItemError(item, error!);
                issues.Add(new XenConfigIssue(XenConfigIssueSeverity.Error, ex.Reason, "disk", ex.Line, ex.Column));
                continue;
            }

            if (spec!.DeprecatedPrefix is string prefix)
            {
                issues.Add(new XenConfigIssue(XenConfigIssueSeverity.Warning, $"disk {index}: the `{prefix}' prefix is deprecated (xl strips it); write `{spec.ToSpecString(false)}'", "disk", item.Line, item.Column));
            }

            if (XenPS.Toolstack.Xl.XlVdev.ToNumber(spec.Vdev!) is null)
            {
                // libxl_disk.c device_disk_add: xl create fails on it.
                issues.Add(new XenConfigIssue(XenConfigIssueSeverity.Error, $"disk {index}: Invalid or unsupported virtual disk identifier {spec.Vdev}", "disk", item.Line, item.Column));
            }

            if (seen.TryGetValue(spec.Vdev!, out int first))
            {
                issues.Add(new XenConfigIssue(XenConfigIssueSeverity.Error, $"duplicate vdev `{spec.Vdev}' (disks {first} and {index}): each disk needs its own virtual device", "disk", item.Line, item.Column));
            }
            else
            {
                seen[spec.Vdev!] = index;
            }
        }
    }

    private static void CheckVifs(XenDomainConfig config, XenConfigDocument doc, List<XenConfigIssue> issues)
    {
        if (doc.Get("vif") is not { } vif)
        {
            return;
        }

        if (vif.Kind != XenConfigValueKind.List)
        {
            Pos(doc, "vif", issues, XenConfigIssueSeverity.Warning, "parameter `vif' is a single value but should be a list (xl ignores it)");
            return;
        }

        var macs = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        int index = 0;
        foreach (var item in vif.Items)
        {
            index++;
            if (item.Kind == XenConfigValueKind.List)
            {
                break;
            }

            if (!XenVifSpec.TryParse(item.Text!, out var spec, out var error))
            {
                var ex = config.ItemError(item, error!);
                issues.Add(new XenConfigIssue(XenConfigIssueSeverity.Error, ex.Reason, "vif", ex.Line, ex.Column));
                continue;
            }

            foreach (var arg in spec!.UnrecognizedArguments)
            {
                issues.Add(new XenConfigIssue(XenConfigIssueSeverity.Warning, $"vif {index}: unrecognized argument `{arg}' (xl ignores it)", "vif", item.Line, item.Column));
            }

            if (spec.Mac is string mac)
            {
                string norm = string.Join(':', mac.Split(':').Select(o => o.PadLeft(2, '0')));
                if (macs.TryGetValue(norm, out int first))
                {
                    issues.Add(new XenConfigIssue(XenConfigIssueSeverity.Warning, $"duplicate MAC address {mac} (vifs {first} and {index}): xl accepts it, but the guests' network will misbehave", "vif", item.Line, item.Column));
                }
                else
                {
                    macs[norm] = index;
                }

                if (XenVifSpec.IsMulticast(mac))
                {
                    issues.Add(new XenConfigIssue(XenConfigIssueSeverity.Error, XenVifSpec.MulticastReason(mac), "vif", item.Line, item.Column));
                }
            }
        }
    }

    private static void Pos(XenConfigDocument doc, string key, List<XenConfigIssue> issues, XenConfigIssueSeverity s, string message)
    {
        var e = doc.GetEntry(key);
        issues.Add(new XenConfigIssue(s, message, key, e?.Value.Line, e?.Value.Column));
    }

    /// <summary>xl's parse_cpurange: comma-separated items, each <c>[^][node:|nodes:](all|N|N-M)</c>; returns the bad item or null.</summary>
    internal static string? CheckCpuRange(string text) => XenCpuList.Read(text, cpuCount: null, nodeCpus: null, out _);
}

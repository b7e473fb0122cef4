using System.Globalization;
using XenPS.Config;

namespace XenPS.Simulation;

/// <summary>
/// What the simulator needs from an xl.cfg: the values libxl would build the domain from.
/// All reading of config text goes through here so that the project's config parser
/// (<c>XenPS.XenDomainConfig</c>, branch <c>config</c>) is used in exactly one place.
/// </summary>
internal sealed class SimGuestConfig
{
    private static readonly string[] s_actions =
        ["destroy", "restart", "rename-restart", "preserve", "coredump-destroy", "coredump-restart", "soft-reset"];

    public string? Name { get; private init; }

    public Guid? Uuid { get; private init; }

    public string Type { get; private init; } = "pv";

    public long? MemoryMB { get; private init; }

    public long? MaxMemoryMB { get; private init; }

    public int? VCpus { get; private init; }

    public int? MaxVCpus { get; private init; }

    public string? Kernel { get; private init; }

    public string? Ramdisk { get; private init; }

    public string? Cmdline { get; private init; }

    public string? Bootloader { get; private init; }

    public string OnPoweroff { get; private init; } = "destroy";

    public string OnReboot { get; private init; } = "restart";

    public string OnCrash { get; private init; } = "destroy";

    public List<SimDiskSpec> Disks { get; } = new();

    public List<XenVifSpec> Vifs { get; } = new();

    /// <summary>Memory libxl gives the domain: <c>memory</c>, else <c>maxmem</c>, else libxl's default of 32 MiB.</summary>
    public long EffectiveMemoryMB => MemoryMB ?? MaxMemoryMB ?? 32;

    public long EffectiveMaxMemoryMB => Math.Max(MaxMemoryMB ?? EffectiveMemoryMB, EffectiveMemoryMB);

    public int EffectiveVCpus => VCpus ?? 1;

    public int EffectiveMaxVCpus => Math.Max(MaxVCpus ?? EffectiveVCpus, EffectiveVCpus);

    /// <summary>Parses xl.cfg text with the project's parser (<see cref="XenDomainConfig"/>). Syntax errors are <see cref="XenConfigException"/>; what xl refuses after parsing is a <see cref="SimXlError"/> with xl's words.</summary>
    public static SimGuestConfig Parse(string text, string? fileName, string commandLine)
    {
        XenDomainConfig parsed = XenDomainConfig.Parse(text, fileName);
        var config = new SimGuestConfig
        {
            Name = parsed.Name,
            Uuid = parsed.Uuid,
            Type = parsed.Type switch
            {
                XenDomainType.Pvh => "pvh",
                XenDomainType.Hvm => "hvm",
                XenDomainType.Pv => "pv",
                _ => throw new SimXlError(commandLine, 1, $"Invalid domain type {parsed.Document.Get("type")?.AsString() ?? parsed.Builder}.\n", parsed.Name),
            },
            MemoryMB = parsed.MemoryMB,
            MaxMemoryMB = parsed.MaxMemoryMB,
            VCpus = parsed.VCpu,
            MaxVCpus = parsed.MaxVCpu,
            Kernel = parsed.Kernel,
            Ramdisk = parsed.Ramdisk,
            Cmdline = parsed.Cmdline,
            Bootloader = parsed.Bootloader,
            OnPoweroff = Action(parsed.OnPoweroff, "poweroff", commandLine) ?? "destroy",
            OnReboot = Action(parsed.OnReboot, "reboot", commandLine) ?? "restart",
            OnCrash = Action(parsed.OnCrash, "crash", commandLine) ?? "destroy",
        };
        foreach (XenDiskSpec disk in parsed.Disks)
        {
            config.Disks.Add(SimDiskSpec.From(disk, commandLine));
        }

        config.Vifs.AddRange(parsed.Vifs);
        return config;
    }

    private static string? Action(string? value, string what, string commandLine)
    {
        if (value is null)
        {
            return null;
        }

        if (!s_actions.Contains(value, StringComparer.Ordinal))
        {
            // xl_parse.c: parse_action_on_shutdown.
            throw new SimXlError(commandLine, 1, $"Unknown on_{what} action \"{value}\" specified\n", domain: null);
        }

        return value;
    }
}

/// <summary>A disk spec (<c>xl-disk-configuration(5)</c>): the parts the simulator uses.</summary>
internal sealed class SimDiskSpec
{
    public string? Target { get; private init; }

    public string Format { get; private init; } = "raw";

    public string Vdev { get; private init; } = string.Empty;

    public string Access { get; private init; } = "rw";

    public bool IsCdRom { get; private init; }

    /// <summary>Parses a disk spec with the project's parser (<see cref="XenDiskSpec"/>); syntax errors are <see cref="XenConfigException"/>.</summary>
    public static SimDiskSpec Parse(string spec, string commandLine) => From(XenDiskSpec.Parse(spec), commandLine);

    public static SimDiskSpec From(XenDiskSpec disk, string commandLine)
    {
        if (string.IsNullOrEmpty(disk.Vdev))
        {
            throw new SimXlError(commandLine, 1, $"xl: error with disk configuration: vdev not specified ({disk.SourceText})\n", domain: null);
        }

        return new SimDiskSpec
        {
            Target = string.IsNullOrEmpty(disk.Target) ? null : disk.Target,
            Format = disk.Format,
            Vdev = disk.Vdev,
            Access = disk.Access,
            IsCdRom = disk.IsCdrom,
        };
    }
}


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

    public string? Name { get; private set; }

    public Guid? Uuid { get; private set; }

    public string Type { get; private set; } = "pv";

    public long? MemoryMB { get; private set; }

    public long? MaxMemoryMB { get; private set; }

    public int? VCpus { get; private set; }

    public int? MaxVCpus { get; private set; }

    public string? Kernel { get; private set; }

    public string? Ramdisk { get; private set; }

    public string? Cmdline { get; private set; }

    public string? Bootloader { get; private set; }

    public string OnPoweroff { get; private set; } = "destroy";

    public string OnReboot { get; private set; } = "restart";

    public string OnCrash { get; private set; } = "destroy";

    public List<SimDiskSpec> Disks { get; } = new();

    public List<string> Vifs { get; } = new();

    /// <summary>Memory libxl gives the domain: <c>memory</c>, else <c>maxmem</c>, else libxl's default of 32 MiB.</summary>
    public long EffectiveMemoryMB => MemoryMB ?? MaxMemoryMB ?? 32;

    public long EffectiveMaxMemoryMB => Math.Max(MaxMemoryMB ?? EffectiveMemoryMB, EffectiveMemoryMB);

    public int EffectiveVCpus => VCpus ?? 1;

    public int EffectiveMaxVCpus => Math.Max(MaxVCpus ?? EffectiveVCpus, EffectiveVCpus);

    /// <summary>Parses xl.cfg text. Syntax errors are <see cref="XenConfigException"/>; what xl refuses after parsing is a <see cref="SimXlError"/> with xl's words.</summary>
    public static SimGuestConfig Parse(string text, string? fileName, string commandLine)
    {
        ConfigValues values = ConfigValues.Read(text, fileName);
        var config = new SimGuestConfig();
        config.Name = values.GetString("name");
        if (values.GetString("uuid") is string uuid && Guid.TryParse(uuid, out Guid parsed))
        {
            config.Uuid = parsed;
        }

        string? type = values.GetString("type");
        string? builder = values.GetString("builder");
        config.Type = type ?? (string.Equals(builder, "hvm", StringComparison.Ordinal) ? "hvm" : "pv");
        config.MemoryMB = values.GetLong("memory");
        config.MaxMemoryMB = values.GetLong("maxmem");
        config.VCpus = (int?)values.GetLong("vcpus");
        config.MaxVCpus = (int?)values.GetLong("maxvcpus");
        config.Kernel = values.GetString("kernel");
        config.Ramdisk = values.GetString("ramdisk");
        config.Bootloader = values.GetString("bootloader");
        var cmdline = new List<string>();
        if (values.GetString("root") is string root)
        {
            cmdline.Add("root=" + root);
        }

        if (values.GetString("extra") is string extra)
        {
            cmdline.Add(extra);
        }

        config.Cmdline = values.GetString("cmdline") ?? (cmdline.Count > 0 ? string.Join(' ', cmdline) : null);
        config.OnPoweroff = Action(values, "on_poweroff", commandLine) ?? "destroy";
        config.OnReboot = Action(values, "on_reboot", commandLine) ?? "restart";
        config.OnCrash = Action(values, "on_crash", commandLine) ?? "destroy";
        foreach (string spec in values.GetList("disk"))
        {
            config.Disks.Add(SimDiskSpec.Parse(spec, commandLine));
        }

        config.Vifs.AddRange(values.GetList("vif"));
        return config;
    }

    private static string? Action(ConfigValues values, string key, string commandLine)
    {
        string? value = values.GetString(key);
        if (value is null)
        {
            return null;
        }

        if (!s_actions.Contains(value, StringComparer.Ordinal))
        {
            // xl_parse.c: parse_action_on_shutdown.
            string what = key["on_".Length..];
            throw new SimXlError(commandLine, 1, $"Unknown {what} action \"{value}\" specified\n", domain: null);
        }

        return value;
    }
}

/// <summary>A disk spec (<c>xl-disk-configuration(5)</c>): the parts the simulator uses.</summary>
internal sealed class SimDiskSpec
{
    public string? Target { get; private set; }

    public string Format { get; private set; } = "raw";

    public string Vdev { get; private set; } = string.Empty;

    public string Access { get; private set; } = "rw";

    public bool IsCdRom { get; private set; }

    public static SimDiskSpec Parse(string spec, string commandLine)
    {
        var disk = new SimDiskSpec();
        var positional = new List<string>();
        string rest = spec;
        while (rest.Length > 0)
        {
            string token;
            string trimmed = rest.TrimStart();
            if (trimmed.StartsWith("target=", StringComparison.Ordinal))
            {
                // target= swallows the rest of the spec, commas included.
                disk.Target = trimmed["target=".Length..];
                break;
            }

            int comma = rest.IndexOf(',', StringComparison.Ordinal);
            token = (comma < 0 ? rest : rest[..comma]).Trim();
            rest = comma < 0 ? string.Empty : rest[(comma + 1)..];
            int eq = token.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                string key = token[..eq];
                string value = token[(eq + 1)..];
                switch (key)
                {
                    case "format": disk.Format = value; break;
                    case "vdev": disk.Vdev = value; break;
                    case "access": disk.Access = value is "r" or "ro" ? "ro" : "rw"; break;
                    case "devtype": disk.IsCdRom = value == "cdrom"; break;
                    default: break;
                }
            }
            else if (token == "cdrom")
            {
                disk.IsCdRom = true;
            }
            else if (token is "discard" or "no-discard" or "direct-io-safe" or "trusted" or "untrusted")
            {
            }
            else
            {
                positional.Add(token);
            }
        }

        for (int i = 0; i < positional.Count; i++)
        {
            string value = positional[i];
            switch (i)
            {
                case 0:
                    disk.Target = StripPrefix(value);
                    if (value.StartsWith("file:", StringComparison.Ordinal) || value.StartsWith("phy:", StringComparison.Ordinal) || value.StartsWith("raw:", StringComparison.Ordinal) || value.StartsWith("tap:", StringComparison.Ordinal))
                    {
                        disk.Format = "raw";
                    }

                    break;
                case 1:
                    if (value.Length > 0)
                    {
                        disk.Format = value;
                    }

                    break;
                case 2:
                    disk.Vdev = value.EndsWith(":cdrom", StringComparison.Ordinal) ? value[..^":cdrom".Length] : value;
                    disk.IsCdRom |= value.EndsWith(":cdrom", StringComparison.Ordinal);
                    break;
                case 3:
                    disk.Access = value is "r" or "ro" ? "ro" : "rw";
                    break;
                default:
                    break;
            }
        }

        if (disk.Target is { Length: 0 })
        {
            disk.Target = null;
        }

        if (disk.Vdev.Length == 0)
        {
            throw new SimXlError(commandLine, 1, $"xl: error with disk configuration: vdev not specified ({spec})\n", domain: null);
        }

        return disk;
    }

    private static string StripPrefix(string target)
    {
        foreach (string prefix in new[] { "tap:aio:", "tap:qcow2:", "tap:qcow:", "tap:vhd:", "raw:", "phy:", "file:", "aio:" })
        {
            if (target.StartsWith(prefix, StringComparison.Ordinal))
            {
                return target[prefix.Length..];
            }
        }

        return target;
    }
}

/// <summary>Reads values from the project's xl.cfg parser (<see cref="XenConfigDocument"/>) with xl's typing.</summary>
internal sealed class ConfigValues
{
    private readonly XenConfigDocument _document;

    private ConfigValues(XenConfigDocument document) => _document = document;

    /// <summary>Parses the text; syntax errors are <see cref="XenConfigException"/> with file, line and column.</summary>
    public static ConfigValues Read(string text, string? fileName) => new(XenConfigDocument.Parse(text, fileName));

    public string? GetString(string key) => _document.Get(key) is { Kind: not XenConfigValueKind.List } value ? value.AsString() : null;

    public long? GetLong(string key) => _document.Get(key) is { Kind: not XenConfigValueKind.List } value
        ? value.AsInt64() ?? (long.TryParse(value.AsString(), NumberStyles.None, CultureInfo.InvariantCulture, out long parsed) ? parsed : null)
        : null;

    public IReadOnlyList<string> GetList(string key) => _document.Get(key) switch
    {
        { Kind: XenConfigValueKind.List } list => list.AsStringList().OfType<string>().ToList(),
        { } single when single.AsString() is string text => [text],
        _ => Array.Empty<string>(),
    };
}

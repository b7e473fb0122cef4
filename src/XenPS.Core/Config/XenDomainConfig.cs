using System.Collections;
using System.Globalization;
using XenPS.Config;

namespace XenPS;

/// <summary>
/// A domain configuration (an xl.cfg file) with typed, settable properties. Every property reads the underlying
/// lossless <see cref="Document"/> the way xl reads it, and every setter writes through to it, changing only that
/// key: <c>$c.MemoryMB = 4096</c> then <see cref="ToConfigText"/> gives the original file with one value changed.
/// Keys without a typed property are reachable through the indexer (<c>$c['vncpasswd']</c>).
/// </summary>
public sealed class XenDomainConfig
{
    private XenDomainConfig(XenConfigDocument document, string? sourcePath)
    {
        Document = document;
        SourcePath = sourcePath;
    }

    /// <summary>The lossless document behind this view.</summary>
    public XenConfigDocument Document { get; }

    /// <summary>The file the configuration was read from, if any.</summary>
    public string? SourcePath { get; set; }

    /// <summary>The host the configuration was read from (Get-XenDomainConfig), or <see langword="null"/> for a local file or text.</summary>
    public string? HostName { get; internal set; }

    /// <summary>The connection the configuration came from: piped to New-XenDomain it is created on that host.</summary>
    public XenHostConnection? XenHost { get; internal set; }

    /// <summary>The keys set in the file, in order of first appearance.</summary>
    public IReadOnlyList<string> Keys => Document.Keys;

    /// <summary>Parses xl.cfg text.</summary>
    /// <exception cref="XenConfigException">The text is not valid xl.cfg (with the line and column of the offending token).</exception>
    public static XenDomainConfig Parse(string text, string? fileName = null) =>
        new(XenConfigDocument.Parse(text, fileName), fileName);

    /// <summary>Parses the bytes of a file (UTF-8, or Latin-1 when they are not UTF-8), so that <see cref="ToConfigBytes"/> gives back the same bytes.</summary>
    /// <exception cref="XenConfigException">The text is not valid xl.cfg.</exception>
    public static XenDomainConfig Load(byte[] bytes, string? fileName = null) =>
        new(XenConfigDocument.Load(bytes, fileName), fileName);

    /// <summary>The configuration's bytes, in the encoding it was loaded with (UTF-8 otherwise).</summary>
    public byte[] ToConfigBytes() => Document.ToBytes();

    /// <summary>Wraps an existing document.</summary>
    public static XenDomainConfig FromDocument(XenConfigDocument document, string? sourcePath = null)
    {
        ArgumentNullException.ThrowIfNull(document);
        return new XenDomainConfig(document, sourcePath ?? document.FileName);
    }

    /// <summary>An empty configuration to fill in.</summary>
    public static XenDomainConfig Create() => new(XenConfigDocument.Parse(string.Empty), null);

    /// <summary>
    /// Builds a configuration from libxl's JSON: the output of <c>xl list -l</c> (an array of
    /// <c>{"domid":N,"config":{...}}</c>; the first element is used), one element of it, or the bare config object
    /// <c>xl -N create</c> prints.
    /// </summary>
    /// <exception cref="XenConfigException">The JSON cannot be read.</exception>
    public static XenDomainConfig FromLibxlJson(string json) => LibxlJsonImporter.Import(json);

    /// <summary>The configuration as xl.cfg text (the original text with any edits applied).</summary>
    public string ToConfigText() => Document.ToString();

    /// <inheritdoc />
    public override string ToString() => ToConfigText();

    /// <summary>The domain name (<c>name</c>). Setting it checks it with <see cref="XenConfigNames.ValidateNewDomainName"/> (reading keeps any name a file has).</summary>
    public string? Name
    {
        get => GetString("name");
        set
        {
            if (value is not null)
            {
                XenConfigNames.ValidateNewDomainName(value);
            }

            SetString("name", value);
        }
    }

    /// <summary>The domain UUID (<c>uuid</c>), or <see langword="null"/> when absent or not a UUID.</summary>
    public Guid? Uuid
    {
        get => Guid.TryParseExact(GetString("uuid"), "D", out var g) ? g : null;
        set => SetString("uuid", value?.ToString("D"));
    }

    /// <summary>
    /// The guest type as xl decides it: <c>type</c> (read as xl does: any prefix of <c>pv</c>, <c>pvh</c>, <c>hvm</c>),
    /// else the legacy <c>builder</c> (<c>hvm</c> or <c>generic</c> = PV), else PV (xl's default on x86);
    /// <see langword="null"/> when the value is invalid or <c>type</c> and <c>builder</c> contradict each other.
    /// Setting it writes <c>type</c> and removes <c>builder</c>.
    /// </summary>
    public XenDomainType? Type
    {
        get
        {
            XenDomainType? fromType = null;
            if (GetString("type") is string t)
            {
                fromType = ParseTypeName(t);
                if (fromType is null)
                {
                    return null;
                }
            }

            if (GetString("builder") is string b)
            {
                var fromBuilder = ParseBuilderName(b);
                if (fromBuilder is null || (fromType is not null && fromType != fromBuilder))
                {
                    return null;
                }

                return fromBuilder;
            }

            return fromType ?? XenDomainType.Pv;
        }

        set
        {
            if (value is null)
            {
                Document.Remove("type");
                Document.Remove("builder");
                return;
            }

            SetString("type", value.Value.ToString().ToLowerInvariant());
            Document.Remove("builder");
        }
    }

    /// <summary>The legacy <c>builder</c> as written (<c>hvm</c> or <c>generic</c>); prefer <see cref="Type"/>.</summary>
    public string? Builder
    {
        get => GetString("builder");
        set => SetString("builder", value);
    }

    /// <summary>The initial memory in MiB (<c>memory</c>), or <see langword="null"/> when absent or not a number xl accepts.</summary>
    public long? MemoryMB
    {
        get => GetLong("memory");
        set => SetLong("memory", value);
    }

    /// <summary>The maximum memory in MiB (<c>maxmem</c>); xl uses <see cref="MemoryMB"/> when absent.</summary>
    public long? MaxMemoryMB
    {
        get => GetLong("maxmem");
        set => SetLong("maxmem", value);
    }

    /// <summary>The vCPUs online at boot (<c>vcpus</c>).</summary>
    public int? VCpu
    {
        get => ToInt(GetLong("vcpus"));
        set => SetLong("vcpus", value);
    }

    /// <summary>The maximum vCPUs (<c>maxvcpus</c>); xl uses <see cref="VCpu"/> when absent.</summary>
    public int? MaxVCpu
    {
        get => ToInt(GetLong("maxvcpus"));
        set => SetLong("maxvcpus", value);
    }

    /// <summary>
    /// The vCPU hard affinity (<c>cpus</c>): one entry for the string form (<c>cpus = "0-2"</c>, every vCPU), one entry
    /// per vCPU for the list form (<c>cpus = ["0", "1"]</c>). Setting one entry writes the string form unless the file
    /// already uses the list form.
    /// </summary>
    public IReadOnlyList<string>? Cpus
    {
        get => GetStringOrList("cpus");
        set => SetStringOrList("cpus", value);
    }

    /// <summary>The kernel path (<c>kernel</c>).</summary>
    public string? Kernel
    {
        get => GetString("kernel");
        set => SetPath("kernel", value);
    }

    /// <summary>The initial ramdisk path (<c>ramdisk</c>).</summary>
    public string? Ramdisk
    {
        get => GetString("ramdisk");
        set => SetPath("ramdisk", value);
    }

    /// <summary>
    /// The kernel command line exactly as xl builds it (<c>parse_cmdline</c> in xl_parse.c): <c>cmdline</c> when set
    /// (xl then ignores <c>root</c> and <c>extra</c>), else <c>"root=ROOT EXTRA"</c>, <c>"root=ROOT"</c> or <c>EXTRA</c>.
    /// Setting it writes <c>cmdline</c> when the file has it or has neither <c>root</c> nor <c>extra</c>; otherwise it
    /// writes the whole command line into <c>extra</c> and removes <c>root</c>, so xl builds exactly the value set.
    /// </summary>
    public string? Cmdline
    {
        get
        {
            string? cmdline = GetString("cmdline");
            if (cmdline is not null)
            {
                return cmdline;
            }

            string? root = GetString("root");
            string? extra = GetString("extra");
            if (root is not null && extra is not null)
            {
                return $"root={root} {extra}";
            }

            return root is not null ? $"root={root}" : extra;
        }

        set
        {
            bool usesRootExtra = !Document.Contains("cmdline") && (Document.Contains("root") || Document.Contains("extra"));
            if (value is null)
            {
                Document.Remove("cmdline");
                Document.Remove("root");
                Document.Remove("extra");
                return;
            }

            if (usesRootExtra)
            {
                SetString("extra", value);
                Document.Remove("root");
            }
            else
            {
                SetString("cmdline", value);
            }
        }
    }

    /// <summary>The bootloader (<c>bootloader</c>, e.g. <c>pygrub</c>).</summary>
    public string? Bootloader
    {
        get => GetString("bootloader");
        set => SetPath("bootloader", value);
    }

    /// <summary>The action when the guest powers off (<c>on_poweroff</c>; xl's default <c>destroy</c>). See <see cref="XenConfigValidator.ShutdownActions"/>.</summary>
    public string? OnPoweroff
    {
        get => GetString("on_poweroff");
        set => SetString("on_poweroff", value);
    }

    /// <summary>The action when the guest reboots (<c>on_reboot</c>; xl's default <c>restart</c>).</summary>
    public string? OnReboot
    {
        get => GetString("on_reboot");
        set => SetString("on_reboot", value);
    }

    /// <summary>The action when the guest crashes (<c>on_crash</c>; xl's default <c>destroy</c>).</summary>
    public string? OnCrash
    {
        get => GetString("on_crash");
        set => SetString("on_crash", value);
    }

    /// <summary>
    /// The disks (<c>disk</c>), parsed as xl does. Setting writes only the items that changed; each new item is
    /// written in the modern keyed form.
    /// </summary>
    /// <exception cref="XenConfigException">(get) An item is not a disk specification xl accepts; the position is in the file.</exception>
    public IReadOnlyList<XenDiskSpec> Disks
    {
        get => ParseItems("disk", XenDiskSpec.Parse);
        set => SetSpecs("disk", value, d => d.ToSpecString(true), d => d.SourceText);
    }

    /// <summary>The network interfaces (<c>vif</c>), parsed as xl does. Setting writes only the items that changed.</summary>
    /// <exception cref="XenConfigException">(get) An item is not a vif specification xl accepts; the position is in the file.</exception>
    public IReadOnlyList<XenVifSpec> Vifs
    {
        get => ParseItems("vif", XenVifSpec.Parse);
        set => SetSpecs("vif", value, v => v.ToSpecString(true), v => v.SourceText);
    }

    /// <summary>The virtual framebuffers (<c>vfb</c>) as written, e.g. <c>vnc=1,vnclisten=0.0.0.0</c>.</summary>
    public IReadOnlyList<string> Vfb
    {
        get => GetList("vfb") ?? Array.Empty<string>();
        set => SetList("vfb", value);
    }

    /// <summary>
    /// VNC: the top-level <c>vnc</c> (HVM, or PV without a <c>vfb</c> list) when set, else <c>vnc=</c> of the first
    /// <c>vfb</c>. Setting writes the top-level <c>vnc = 0|1</c>.
    /// </summary>
    public bool? Vnc
    {
        get => GetFlag("vnc");
        set => SetLong("vnc", value is null ? null : value.Value ? 1 : 0);
    }

    /// <summary>SDL: like <see cref="Vnc"/> for <c>sdl</c>.</summary>
    public bool? Sdl
    {
        get => GetFlag("sdl");
        set => SetLong("sdl", value is null ? null : value.Value ? 1 : 0);
    }

    /// <summary>The PCI devices to pass through (<c>pci</c>), as written.</summary>
    public IReadOnlyList<string> Pci
    {
        get => GetList("pci") ?? Array.Empty<string>();
        set => SetList("pci", value);
    }

    /// <summary>The HVM serial ports (<c>serial</c>): one entry for the string form, several for the list form.</summary>
    public IReadOnlyList<string>? Serial
    {
        get => GetStringOrList("serial");
        set => SetStringOrList("serial", value);
    }

    /// <summary>
    /// Raw access to any key: a string, a <see cref="long"/> (a number xl accepts), the number's text (one it does not),
    /// or an <see cref="object"/> array for a list; <see langword="null"/> when absent. Setting accepts a string, an
    /// integer, a bool (written 0/1), a <see cref="XenConfigValue"/>, an enumerable (a list) or <see langword="null"/> (remove).
    /// </summary>
    public object? this[string key]
    {
        get => GetValue(key);
        set => SetValue(key, value);
    }

    /// <summary>The raw value of <paramref name="key"/> (see the indexer).</summary>
    public object? GetValue(string key)
    {
        var v = Document.Get(key);
        return v is null ? null : ToObject(v);
    }

    /// <summary>Sets the raw value of <paramref name="key"/> (see the indexer).</summary>
    /// <exception cref="ArgumentException">The key or the value cannot be written.</exception>
    public void SetValue(string key, object? value)
    {
        if (value is null)
        {
            Document.Remove(key);
            return;
        }

        var v = FromObject(value);
        if (v.Kind == XenConfigValueKind.String)
        {
            // The raw indexer obeys the same rules as the typed setters.
            if (key == "name")
            {
                XenConfigNames.ValidateNewDomainName(v.Text!);
            }
            else if (key is "kernel" or "ramdisk" or "bootloader")
            {
                XenConfigNames.ValidatePath(v.Text!, key);
            }
        }

        Document.Set(key, v);
    }

    internal static XenDomainType? ParseTypeName(string t)
    {
        // xl: strncmp(buf, "hvm", strlen(buf)) first, then "pv", then "pvh": any prefix, the empty string is hvm.
        if ("hvm".StartsWith(t, StringComparison.Ordinal))
        {
            return XenDomainType.Hvm;
        }

        if ("pv".StartsWith(t, StringComparison.Ordinal))
        {
            return XenDomainType.Pv;
        }

        if ("pvh".StartsWith(t, StringComparison.Ordinal))
        {
            return XenDomainType.Pvh;
        }

        return null;
    }

    internal static XenDomainType? ParseBuilderName(string b)
    {
        if ("hvm".StartsWith(b, StringComparison.Ordinal))
        {
            return XenDomainType.Hvm;
        }

        return "generic".StartsWith(b, StringComparison.Ordinal) ? XenDomainType.Pv : null;
    }

    internal static object ToObject(XenConfigValue v) => v.Kind switch
    {
        XenConfigValueKind.String => v.Text!,
        XenConfigValueKind.Number => v.AsInt64() is long l ? l : v.Text!,
        _ => v.Items.Select(ToObject).ToArray(),
    };

    internal static XenConfigValue FromObject(object value)
    {
        switch (value)
        {
            case XenConfigValue v:
                return v;
            case string s:
                return XenConfigValue.FromString(s);
            case bool b:
                return XenConfigValue.FromNumber(b ? 1 : 0);
            case byte or sbyte or short or ushort or int or uint or long:
                return XenConfigValue.FromNumber(Convert.ToInt64(value, CultureInfo.InvariantCulture));
            case ulong ul when ul <= long.MaxValue:
                return XenConfigValue.FromNumber((long)ul);
            case Guid g:
                return XenConfigValue.FromString(g.ToString("D"));
            case IEnumerable e:
                return XenConfigValue.FromList(e.Cast<object?>().Select(o => o is null
                    ? throw new ArgumentException("A list item cannot be null.", nameof(value))
                    : FromObject(o)));
            default:
                throw new ArgumentException($"A value of type {value.GetType().FullName} cannot be written to xl.cfg: use a string, an integer, a bool or a list.", nameof(value));
        }
    }

    private string? GetString(string key) => Document.Get(key)?.AsString();

    private long? GetLong(string key) => Document.Get(key)?.AsInt64();

    private static int? ToInt(long? v) => v is long l && l is >= int.MinValue and <= int.MaxValue ? (int)l : null;

    private void SetString(string key, string? value)
    {
        if (value is null)
        {
            Document.Remove(key);
        }
        else
        {
            Document.Set(key, XenConfigValue.FromString(value));
        }
    }

    private void SetPath(string key, string? value)
    {
        if (value is not null)
        {
            XenConfigNames.ValidatePath(value, key);
        }

        SetString(key, value);
    }

    private void SetLong(string key, long? value)
    {
        if (value is null)
        {
            Document.Remove(key);
        }
        else
        {
            Document.Set(key, XenConfigValue.FromNumber(value.Value));
        }
    }

    private bool? GetFlag(string key)
    {
        if (Document.Get(key) is { } top)
        {
            return top.AsInt64() is long l ? l != 0 : null;
        }

        foreach (var spec in Vfb)
        {
            foreach (var part in spec.Split(','))
            {
                var p = part.TrimStart(' ');
                if (p.StartsWith(key + "=", StringComparison.Ordinal))
                {
                    // xl: atoi(value)
                    string s = p[(key.Length + 1)..];
                    CNumbers.Scan(s, 0, s.Length, 10, out long n, out _);
                    return n != 0;
                }
            }
        }

        return null;
    }

    private IReadOnlyList<string>? GetList(string key)
    {
        var v = Document.Get(key);
        if (v is null || v.Kind != XenConfigValueKind.List)
        {
            return null;
        }

        return v.Items.Where(i => i.Kind != XenConfigValueKind.List).Select(i => i.Text!).ToArray();
    }

    private void SetList(string key, IReadOnlyList<string>? value)
    {
        if (value is null)
        {
            Document.Remove(key);
            return;
        }

        Document.Set(key, XenConfigValue.FromStrings(value));
    }

    private IReadOnlyList<string>? GetStringOrList(string key)
    {
        var v = Document.Get(key);
        if (v is null)
        {
            return null;
        }

        return v.Kind == XenConfigValueKind.List ? GetList(key) : new[] { v.Text! };
    }

    private void SetStringOrList(string key, IReadOnlyList<string>? value)
    {
        if (value is null)
        {
            Document.Remove(key);
            return;
        }

        bool isList = Document.Get(key)?.Kind == XenConfigValueKind.List;
        if (value.Count == 1 && !isList)
        {
            Document.Set(key, XenConfigValue.FromString(value[0]));
        }
        else
        {
            Document.Set(key, XenConfigValue.FromStrings(value));
        }
    }

    private IReadOnlyList<T> ParseItems<T>(string key, Func<string, T> parse)
    {
        var v = Document.Get(key);
        if (v is null || v.Kind != XenConfigValueKind.List)
        {
            return Array.Empty<T>();
        }

        var result = new List<T>();
        foreach (var item in v.Items)
        {
            // xl's xlu_cfg_get_listitem stops at the first item that is not a string.
            if (item.Kind == XenConfigValueKind.List)
            {
                break;
            }

            try
            {
                result.Add(parse(item.Text!));
            }
            catch (XenConfigException ex)
            {
                throw ItemError(item, ex);
            }
        }

        return result;
    }

    internal XenConfigException ItemError(XenConfigValue item, XenConfigException ex)
    {
        if (item.Line is int line && item.Column is int col)
        {
            // Column of the character inside the quotes (exact when the item has no escapes before it).
            return new XenConfigException(ex.Reason, SourcePath ?? Document.FileName, line, col + (item.Kind == XenConfigValueKind.String ? 1 : 0) + ex.Column - 1);
        }

        return ex;
    }

    private void SetSpecs<T>(string key, IReadOnlyList<T>? specs, Func<T, string> format, Func<T, string?> source)
        where T : class, IEquatable<T>
    {
        if (specs is null)
        {
            Document.Remove(key);
            return;
        }

        var old = Document.Get(key);
        var items = new List<XenConfigValue>();
        for (int i = 0; i < specs.Count; i++)
        {
            var spec = specs[i] ?? throw new ArgumentException("A list item cannot be null.", nameof(specs));
            string text = format(spec);

            // Keep the item's original text when it still describes the same device (no needless rewrites).
            if (old is { Kind: XenConfigValueKind.List } && i < old.Items.Count && old.Items[i].Kind == XenConfigValueKind.String)
            {
                string? oldText = old.Items[i].Text;
                if (oldText is not null && source(spec) == oldText)
                {
                    var reparsed = typeof(T) == typeof(XenDiskSpec)
                        ? (XenDiskSpec.TryParse(oldText, out var d, out _) ? (object?)d : null)
                        : (XenVifSpec.TryParse(oldText, out var vf, out _) ? vf : null);
                    if (reparsed is T same && same.Equals(spec))
                    {
                        text = oldText;
                    }
                }
            }

            items.Add(XenConfigValue.FromString(text));
        }

        Document.Set(key, XenConfigValue.FromList(items));
    }
}

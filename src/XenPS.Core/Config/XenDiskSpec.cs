using System.Text;

namespace XenPS.Config;

/// <summary>
/// One disk of a domain, as the disk specification grammar of xl-disk-configuration(5) describes it and libxlu's
/// scanner (<c>tools/libs/util/libxlu_disk_l.l</c>) reads it: positional <c>[target],[format],[vdev],[access]</c>,
/// keyed <c>format=, vdev=, access=, devtype=, backend=, backendtype=, script=, ... target=</c> (<c>target=</c> comes
/// last and takes the rest of the string, commas included), the bare flags <c>cdrom</c>, <c>discard</c>, ... and the
/// deprecated prefixes <c>raw:</c>, <c>qcow2:</c>, <c>phy:</c>, <c>file:</c>, <c>tap:aio:</c>, ... which xl strips.
/// <see cref="ToString"/> writes the modern keyed form, which xl reads back to the same disk.
/// </summary>
public sealed class XenDiskSpec : IEquatable<XenDiskSpec>
{
    private bool _readWrite = true;

    /// <summary>The backing file or device (<c>target=</c>, libxl's <c>pdev_path</c>); empty or <see langword="null"/> for an empty CD-ROM drive.</summary>
    public string? Target { get; set; }

    /// <summary>The image format: <c>raw</c> (the default), <c>qcow</c>, <c>qcow2</c>, <c>vhd</c>, <c>qed</c> or <c>empty</c>.</summary>
    public string Format { get; set; } = "raw";

    /// <summary>The virtual device as the guest sees it (<c>xvda</c>, <c>hdc</c>, <c>sda</c>); xl requires one.</summary>
    public string? Vdev { get; set; }

    /// <summary>True for read-write access (<c>rw</c>/<c>w</c>), false for read-only (<c>ro</c>/<c>r</c>). A CD-ROM is always read-only.</summary>
    public bool ReadWrite
    {
        get => !IsCdrom && _readWrite;
        set => _readWrite = value;
    }

    /// <summary>The access as xl-disk-configuration(5) spells it: <c>rw</c> or <c>ro</c>.</summary>
    public string Access => ReadWrite ? "rw" : "ro";

    /// <summary>True for a CD-ROM drive (<c>cdrom</c>, <c>devtype=cdrom</c>, or a <c>vdev:cdrom</c> suffix); xl makes it removable and read-only.</summary>
    public bool IsCdrom { get; set; }

    /// <summary>The backend domain (<c>backend=</c>), when not Dom0.</summary>
    public string? Backend { get; set; }

    /// <summary>The backend type (<c>backendtype=</c>): <c>phy</c>, <c>qdisk</c>, <c>tap</c> or <c>standalone</c>.</summary>
    public string? BackendType { get; set; }

    /// <summary>The hotplug script (<c>script=</c>); the deprecated <c>iscsi:</c>, <c>nbd:</c>, <c>enbd:</c>, <c>drbd:</c> prefixes become <c>block-NAME</c>.</summary>
    public string? Script { get; set; }

    /// <summary>The <c>specification=</c>: <c>xen</c> or <c>virtio</c>.</summary>
    public string? Specification { get; set; }

    /// <summary>The <c>direct-io-safe</c> flag.</summary>
    public bool DirectIoSafe { get; set; }

    /// <summary><c>discard</c> (true), <c>no-discard</c> (false) or unspecified.</summary>
    public bool? Discard { get; set; }

    /// <summary><c>trusted</c> (true), <c>untrusted</c> (false) or unspecified.</summary>
    public bool? Trusted { get; set; }

    /// <summary><c>colo</c> (true), <c>no-colo</c> (false) or unspecified (COLO settings are unstable in Xen).</summary>
    public bool? Colo { get; set; }

    /// <summary>The COLO <c>colo-host=</c>.</summary>
    public string? ColoHost { get; set; }

    /// <summary>The COLO <c>colo-port=</c>.</summary>
    public int? ColoPort { get; set; }

    /// <summary>The COLO <c>colo-export=</c>.</summary>
    public string? ColoExport { get; set; }

    /// <summary>The COLO <c>active-disk=</c>.</summary>
    public string? ActiveDisk { get; set; }

    /// <summary>The COLO <c>hidden-disk=</c>.</summary>
    public string? HiddenDisk { get; set; }

    /// <summary><c>grant_usage=1</c> (true), <c>grant_usage=0</c> (false) or unspecified.</summary>
    public bool? GrantUsage { get; set; }

    /// <summary>The deprecated prefixes the parsed text had (<c>file:</c>, <c>tap:aio:</c>, <c>phy:</c>), or <see langword="null"/>; <see cref="ToString"/> never writes them.</summary>
    public string? DeprecatedPrefix { get; private set; }

    /// <summary>True when the parsed text used the positional form (<c>target,format,vdev,access</c>).</summary>
    public bool IsPositional { get; private set; }

    /// <summary>The text this spec was parsed from, or <see langword="null"/> for a spec built in code.</summary>
    public string? SourceText { get; private set; }

    /// <summary>Parses a disk specification as xl does.</summary>
    /// <param name="spec">The specification, e.g. <c>/images/a.img,qcow2,xvda,rw</c> or <c>format=raw, vdev=xvda, target=/dev/vg/a</c>.</param>
    /// <exception cref="XenConfigException">xl would refuse it; <see cref="XenConfigException.Column"/> is the 1-based column of the offending part inside <paramref name="spec"/> (line 1).</exception>
    public static XenDiskSpec Parse(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return new DiskScanner(spec).Run();
    }

    /// <summary>Parses without throwing.</summary>
    public static bool TryParse(string spec, out XenDiskSpec? disk, out XenConfigException? error)
    {
        try
        {
            disk = Parse(spec);
            error = null;
            return true;
        }
        catch (XenConfigException ex)
        {
            disk = null;
            error = ex;
            return false;
        }
    }

    /// <summary>
    /// The modern keyed form, e.g. <c>format=qcow2, vdev=xvda, access=rw, target=/images/a.img</c>, with <c>target=</c> last.
    /// Use <see cref="ToSpecString(bool)"/> to check that a spec can be written.
    /// </summary>
    public override string ToString() => Write();

    /// <summary>The keyed form, checked: xl reads it back to an equal disk.</summary>
    /// <exception cref="ArgumentException">A value cannot be written (a comma in a keyed value, a newline in the target, ...).</exception>
    public string ToSpecString(bool check)
    {
        string text = Write();
        if (check)
        {
            XenDiskSpec back;
            try
            {
                back = Parse(text);
            }
            catch (XenConfigException ex)
            {
                throw new ArgumentException($"The disk cannot be written as an xl disk specification: {ex.Reason}", nameof(check), ex);
            }

            if (!Equals(back))
            {
                throw new ArgumentException($"The disk cannot be written so that xl reads it back unchanged (`{text}'); check for commas in vdev/script/backend values or control characters.", nameof(check));
            }
        }

        return text;
    }

    /// <summary>Disks are equal when xl would configure the same device (source text and deprecated prefixes do not count).</summary>
    public bool Equals(XenDiskSpec? other) =>
        other is not null
        && string.Equals(NullIfEmpty(Target), NullIfEmpty(other.Target), StringComparison.Ordinal)
        && Format == other.Format && Vdev == other.Vdev && ReadWrite == other.ReadWrite && IsCdrom == other.IsCdrom
        && Backend == other.Backend && BackendType == other.BackendType && Script == other.Script
        && Specification == other.Specification && DirectIoSafe == other.DirectIoSafe && Discard == other.Discard
        && Trusted == other.Trusted && Colo == other.Colo && ColoHost == other.ColoHost && ColoPort == other.ColoPort
        && ColoExport == other.ColoExport && ActiveDisk == other.ActiveDisk && HiddenDisk == other.HiddenDisk
        && GrantUsage == other.GrantUsage;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is XenDiskSpec d && Equals(d);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(NullIfEmpty(Target), Format, Vdev, ReadWrite, IsCdrom);

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;

    private string Write()
    {
        var parts = new List<string>();
        bool impliedEmpty = IsCdrom && string.IsNullOrEmpty(Target) && Format == "empty";
        if (!impliedEmpty)
        {
            parts.Add("format=" + Format);
        }

        if (Vdev is not null)
        {
            parts.Add("vdev=" + Vdev);
        }

        if (IsCdrom)
        {
            parts.Add("devtype=cdrom");
        }
        else
        {
            parts.Add("access=" + Access);
        }

        void Opt(string key, string? v)
        {
            if (v is not null)
            {
                parts.Add(key + "=" + v);
            }
        }

        Opt("backend", Backend);
        Opt("backendtype", BackendType);
        Opt("script", Script);
        Opt("specification", Specification);
        if (DirectIoSafe)
        {
            parts.Add("direct-io-safe");
        }

        if (Discard is bool d)
        {
            parts.Add(d ? "discard" : "no-discard");
        }

        if (Trusted is bool t)
        {
            parts.Add(t ? "trusted" : "untrusted");
        }

        if (Colo is bool c)
        {
            parts.Add(c ? "colo" : "no-colo");
        }

        Opt("colo-host", ColoHost);
        Opt("colo-port", ColoPort?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Opt("colo-export", ColoExport);
        Opt("active-disk", ActiveDisk);
        Opt("hidden-disk", HiddenDisk);
        if (GrantUsage is bool g)
        {
            parts.Add(g ? "grant_usage=1" : "grant_usage=0");
        }

        if (!string.IsNullOrEmpty(Target))
        {
            // target= takes the rest of the string and xl strips one trailing comma: double a final comma.
            parts.Add("target=" + Target + (Target.EndsWith(',') ? "," : string.Empty));
        }

        return string.Join(", ", parts);
    }

    /// <summary>A faithful emulation of the flex scanner: longest match (trailing context counts), first rule on a tie.</summary>
    private sealed class DiskScanner
    {
        private readonly string _s;
        private readonly XenDiskSpec _d = new();
        private bool _formatSet;
        private bool _hadDeprPrefix;
        private bool _accessSet;
        private string? _target;
        private string? _vdev;
        private readonly StringBuilder _prefixes = new();

        public DiskScanner(string s) => _s = s;

        public XenDiskSpec Run()
        {
            int nul = _s.IndexOf('\0');
            if (nul >= 0)
            {
                throw Err(nul, "NUL character in disk specification");
            }

            int i = 0;
            while (i < _s.Length)
            {
                i = Step(i);
            }

            var d = _d;
            d.SourceText = _s;
            d.Target = _target;
            d.Vdev = _vdev;
            d.DeprecatedPrefix = _prefixes.Length > 0 ? _prefixes.ToString() : null;
            if (!_formatSet)
            {
                d.Format = "raw";
            }

            if (d.IsCdrom && string.IsNullOrEmpty(_target))
            {
                d.Format = "empty";
            }

            if (_vdev is null)
            {
                throw Err(0, "no vdev specified");
            }

            if (_target is null && !d.IsCdrom)
            {
                throw Err(0, "no target specified (and device not removable)");
            }

            return d;
        }

        private int Step(int i)
        {
            // Each candidate: (rule, total length including trailing context, head length consumed).
            int bestRule = -1, bestTotal = 0, bestHead = 0;
            void Consider(int rule, int total, int head)
            {
                if (total > bestTotal)
                {
                    bestRule = rule;
                    bestTotal = total;
                    bestHead = head;
                }
            }

            int n = _s.Length;
            int ToEol(int from)
            {
                int k = from;
                while (k < n && _s[k] != '\n')
                {
                    k++;
                }

                return k;
            }

            // 0: whitespace before parameters: [ \t\n]+/([^ \t\n].*)?
            if (IsWs(_s[i]))
            {
                int j = i;
                while (j < n && IsWs(_s[j]))
                {
                    j++;
                }

                int total = j - i + (j < n ? ToEol(j) - j : 0);
                Consider(0, total, j - i);
            }

            for (int r = 0; r < Keyed.Length; r++)
            {
                int len = MatchKeyed(i, Keyed[r]);
                if (len > 0)
                {
                    Consider(1 + r, len, len);
                }
            }

            // target=.*
            if (StartsWith(i, "target="))
            {
                int len = ToEol(i) - i;
                Consider(100, len, len);
            }

            // unknown parameter: [a-z][-a-z0-9]*=[^,],?
            if (_s[i] is >= 'a' and <= 'z')
            {
                int j = i + 1;
                while (j < n && (_s[j] is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'))
                {
                    j++;
                }

                if (j + 1 < n && _s[j] == '=' && _s[j + 1] != ',')
                {
                    int len = j + 2 - i + (j + 2 < n && _s[j + 2] == ',' ? 1 : 0);
                    Consider(101, len, len);
                }
            }

            // deprecated prefixes, each with trailing context /.* (so they count to the end of the line)
            for (int r = 0; r < Prefixes.Length; r++)
            {
                if (StartsWith(i, Prefixes[r]))
                {
                    Consider(102 + r, ToEol(i) - i, Prefixes[r].Length);
                }
            }

            // unknown deprecated prefix: [a-z][a-z0-9]*:/([^a-z0-9].*)?
            if (_s[i] is >= 'a' and <= 'z')
            {
                int j = i + 1;
                while (j < n && (_s[j] is (>= 'a' and <= 'z') or (>= '0' and <= '9')))
                {
                    j++;
                }

                if (j < n && _s[j] == ':')
                {
                    int head = j + 1 - i;
                    int k = j + 1;
                    int total = head;
                    if (k < n && !(_s[k] is (>= 'a' and <= 'z') or (>= '0' and <= '9')))
                    {
                        total = head + 1 + (ToEol(k + 1 > n ? n : k + 1) - (k + 1));
                    }

                    Consider(200, total, head);
                }
            }

            // positional: [^=,]*,|[^=,]+,?
            {
                int j = i;
                while (j < n && _s[j] != '=' && _s[j] != ',')
                {
                    j++;
                }

                int len = j - i + (j < n && _s[j] == ',' ? 1 : 0);
                if (len > 0)
                {
                    Consider(300, len, len);
                }
            }

            if (bestRule < 0)
            {
                // '.' then <LEXERR>.*: "bad disk syntax" near the rest of the line.
                throw Err(i, $"bad disk syntax: near `{_s[i..ToEol(i)]}'");
            }

            Act(bestRule, i, _s.Substring(i, bestHead));
            return i + bestHead;
        }

        private void Act(int rule, int at, string text)
        {
            if (rule == 0)
            {
                return;
            }

            if (rule >= 1 && rule <= Keyed.Length)
            {
                ActKeyed(Keyed[rule - 1], at, StripComma(text));
                return;
            }

            switch (rule)
            {
                case 100:
                    SaveString("target", ref _target, StripComma(text)["target=".Length..], at);
                    return;
                case 101:
                    throw Err(at, $"unknown parameter: near `{text}'");
                case 200:
                    throw Err(at, $"unknown deprecated disk prefix: near `{text}'");
                case 300:
                    Positional(StripComma(text), at);
                    return;
            }

            string prefix = Prefixes[rule - 102];
            _hadDeprPrefix = true;
            _prefixes.Append(prefix);
            string name = prefix[..^1];
            switch (name)
            {
                case "raw":
                case "qcow":
                case "qcow2":
                case "vhd":
                    SetFormat(name, at);
                    break;
                case "iscsi":
                case "nbd":
                case "enbd":
                case "drbd":
                {
                    string? script = _d.Script;
                    SaveString("script", ref script, "block-" + name, at);
                    _d.Script = script;
                    break;
                }
            }
        }

        private void ActKeyed(string rule, int at, string text)
        {
            string? FromEquals() => text[(text.IndexOf('=') + 1)..];
            switch (rule)
            {
                case "format=":
                    SetFormat(FromEquals()!, at);
                    break;
                case "cdrom":
                case "devtype=cdrom":
                    _d.IsCdrom = true;
                    break;
                case "devtype=disk":
                    _d.IsCdrom = false;
                    break;
                case "devtype=":
                    throw Err(at, $"unknown value for type: near `{text}'");
                case "access=":
                    SetAccess(FromEquals()!, at);
                    break;
                case "backend=":
                {
                    string? v = _d.Backend;
                    SaveString("backend", ref v, FromEquals()!, at);
                    _d.Backend = v;
                    break;
                }

                case "backendtype=":
                {
                    string v = FromEquals()!;
                    if (v is not ("phy" or "tap" or "qdisk" or "standalone"))
                    {
                        throw Err(at, $"unknown value for backendtype: near `{v}'");
                    }

                    if (_d.BackendType is not null && _d.BackendType != v)
                    {
                        throw Err(at, $"backend respecified: near `{v}'");
                    }

                    _d.BackendType = v;
                    break;
                }

                case "specification=":
                {
                    string v = FromEquals()!;
                    if (v is not ("xen" or "virtio"))
                    {
                        throw Err(at, $"unknown value for specification: near `{v}'");
                    }

                    if (_d.Specification is not null && _d.Specification != v)
                    {
                        throw Err(at, $"specification respecified: near `{v}'");
                    }

                    _d.Specification = v;
                    break;
                }

                case "vdev=":
                    SaveString("vdev", ref _vdev, FromEquals()!, at);
                    break;
                case "script=":
                {
                    string? v = _d.Script;
                    SaveString("script", ref v, FromEquals()!, at);
                    _d.Script = v;
                    break;
                }

                case "direct-io-safe":
                    _d.DirectIoSafe = true;
                    break;
                case "discard":
                    _d.Discard = true;
                    break;
                case "no-discard":
                    _d.Discard = false;
                    break;
                case "colo":
                    _d.Colo = true;
                    break;
                case "no-colo":
                    _d.Colo = false;
                    break;
                case "colo-host=":
                {
                    string? v = _d.ColoHost;
                    SaveString("colo-host", ref v, FromEquals()!, at);
                    _d.ColoHost = v;
                    break;
                }

                case "colo-port=":
                {
                    // atoi: leading blanks, sign, digits; 0 is refused.
                    string v = FromEquals()!;
                    int n = CNumbers.Scan(v, 0, v.Length, 10, out long port, out bool overflow);
                    if (n == 0 || port == 0 || overflow || port is > int.MaxValue or < int.MinValue)
                    {
                        throw Err(at, $"unknown value for colo_port: near `{v}'");
                    }

                    _d.ColoPort = (int)port;
                    break;
                }

                case "colo-export=":
                {
                    string? v = _d.ColoExport;
                    SaveString("colo-export", ref v, FromEquals()!, at);
                    _d.ColoExport = v;
                    break;
                }

                case "active-disk=":
                {
                    string? v = _d.ActiveDisk;
                    SaveString("active-disk", ref v, FromEquals()!, at);
                    _d.ActiveDisk = v;
                    break;
                }

                case "hidden-disk=":
                {
                    string? v = _d.HiddenDisk;
                    SaveString("hidden-disk", ref v, FromEquals()!, at);
                    _d.HiddenDisk = v;
                    break;
                }

                case "trusted":
                    _d.Trusted = true;
                    break;
                case "untrusted":
                    _d.Trusted = false;
                    break;
                case "grant_usage=1":
                    _d.GrantUsage = true;
                    break;
                case "grant_usage=0":
                    _d.GrantUsage = false;
                    break;
            }
        }

        private void Positional(string text, int at)
        {
            _d.IsPositional = true;
            if (_target is null)
            {
                _target = text;
            }
            else if (!_hadDeprPrefix && !_formatSet)
            {
                if (_target.Length == 0 && VdevAndDevtype(text, at))
                {
                    _formatSet = true;
                    _d.Format = "empty";
                }
                else
                {
                    SetFormat(text, at);
                }
            }
            else if (_vdev is null)
            {
                if (!VdevAndDevtype(text, at))
                {
                    SaveString("vdev", ref _vdev, text, at);
                }
            }
            else if (!_accessSet)
            {
                _accessSet = true;
                SetAccess(text, at);
            }
            else
            {
                throw Err(at, $"too many positional parameters: near `{text}'");
            }
        }

        private bool VdevAndDevtype(string text, int at)
        {
            int colon = text.LastIndexOf(':');
            if (colon < 0)
            {
                return false;
            }

            SaveString("vdev", ref _vdev, text[..colon], at);
            string type = text[(colon + 1)..];
            if (type == "cdrom")
            {
                _d.IsCdrom = true;
            }
            else if (type == "disk")
            {
                _d.IsCdrom = false;
            }
            else
            {
                throw Err(at + colon + 1, $"unknown deprecated type: near `{type}'");
            }

            return true;
        }

        private void SetFormat(string v, int at)
        {
            string f = v switch
            {
                "" or "raw" => "raw",
                "qcow" or "qcow2" or "vhd" or "empty" or "qed" => v,
                _ => throw Err(at, $"unknown value for format: near `{v}'"),
            };
            if (_formatSet && _d.Format != f)
            {
                throw Err(at, $"format respecified: near `{v}'");
            }

            _formatSet = true;
            _d.Format = f;
        }

        private void SetAccess(string v, int at)
        {
            _d.ReadWrite = v switch
            {
                "r" or "ro" => false,
                "rw" or "w" or "" => true,
                _ => throw Err(at, $"unknown value for access: near `{v}'"),
            };
        }

        private void SaveString(string what, ref string? field, string value, int at)
        {
            if (!string.IsNullOrEmpty(field))
            {
                throw Err(at, $"{what} respecified: near `{value}'");
            }

            field = value;
        }

        private int MatchKeyed(int i, string rule)
        {
            if (!StartsWith(i, rule))
            {
                return -1;
            }

            int j = i + rule.Length;
            if (rule.EndsWith('=') && rule != "grant_usage=")
            {
                while (j < _s.Length && _s[j] != ',')
                {
                    j++;
                }
            }

            if (j < _s.Length && _s[j] == ',')
            {
                j++;
            }

            return j - i;
        }

        private bool StartsWith(int i, string lit) => string.CompareOrdinal(_s, i, lit, 0, lit.Length) == 0 && i + lit.Length <= _s.Length;

        private static bool IsWs(char c) => c is ' ' or '\t' or '\n';

        private static string StripComma(string s) => s.Length > 0 && s[^1] == ',' ? s[..^1] : s;

        private XenConfigException Err(int at, string message) =>
            new($"config parsing error in disk specification: {message} in `{_s}'", null, 1, Math.Min(at, _s.Length) + 1);

        // Keyed rules in the scanner's order (a rule ending in '=' takes [^,]* after it; the others are literals).
        private static readonly string[] Keyed =
        [
            "format=", "cdrom", "devtype=cdrom", "devtype=disk", "devtype=", "access=", "backend=", "backendtype=",
            "specification=", "vdev=", "script=", "direct-io-safe", "discard", "no-discard", "colo", "no-colo",
            "colo-host=", "colo-port=", "colo-export=", "active-disk=", "hidden-disk=", "trusted", "untrusted",
            "grant_usage=1", "grant_usage=0",
        ];

        private static readonly string[] Prefixes =
        [
            "raw:", "qcow:", "qcow2:", "vhd:", "iscsi:", "nbd:", "enbd:", "drbd:",
            "tapdisk:", "tap:", "tap2:", "aio:", "ioemu:", "file:", "phy:",
        ];
    }
}

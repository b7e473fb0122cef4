using System.Globalization;
using System.Text.RegularExpressions;

namespace XenPS.Config;

/// <summary>
/// One network interface of a domain, as xl-network-configuration(5) describes it and xl's <c>parse_nic_config</c>
/// (<c>tools/xl/xl_parse.c</c>) reads it: comma-separated <c>key=value</c> settings (<c>mac</c>, <c>bridge</c>,
/// <c>ip</c>, <c>type</c>, <c>model</c>, <c>vifname</c>, <c>script</c>, <c>backend</c>, <c>gatewaydev</c>, <c>rate</c>,
/// <c>devid</c>, <c>mtu</c>, <c>vlan</c>, <c>trusted</c>/<c>untrusted</c>). A later setting of the same key wins, as in xl.
/// <see cref="ToString"/> gives the config-list form (one comma-joined string); <see cref="ToNetworkAttachArguments"/>
/// gives the separate words <c>xl network-attach</c> needs (it reads a comma-joined spec as one bridge name).
/// </summary>
public sealed partial class XenVifSpec : IEquatable<XenVifSpec>
{
    private static readonly HashSet<string> s_ignoredKnownKeys = new(StringComparer.Ordinal) { "accel", "netdev", "forwarddev" };

    private readonly List<string> _otherArguments = new();
    private string? _rate;

    /// <summary>The MAC address (<c>mac=</c>), e.g. <c>00:16:3e:00:00:01</c>; xl picks a random 00:16:3e address when absent.</summary>
    public string? Mac { get; set; }

    /// <summary>The bridge (<c>bridge=</c>); xl's default is <c>xenbr0</c>.</summary>
    public string? Bridge { get; set; }

    /// <summary>The IP address(es) given to the hotplug script (<c>ip=</c>).</summary>
    public string? Ip { get; set; }

    /// <summary>The interface type (<c>type=</c>): <c>vif</c> or <c>ioemu</c>.</summary>
    public string? Type { get; set; }

    /// <summary>The emulated NIC model for HVM (<c>model=</c>, e.g. <c>e1000</c>).</summary>
    public string? Model { get; set; }

    /// <summary>The backend interface name (<c>vifname=</c>).</summary>
    public string? VifName { get; set; }

    /// <summary>The hotplug script (<c>script=</c>); xl's default is <c>vif-bridge</c>.</summary>
    public string? Script { get; set; }

    /// <summary>The backend domain (<c>backend=</c>).</summary>
    public string? Backend { get; set; }

    /// <summary>The gateway device for routed setups (<c>gatewaydev=</c>; the deprecated <c>netdev=</c> is read as this).</summary>
    public string? GatewayDev { get; set; }

    /// <summary>The device id (<c>devid=</c>).</summary>
    public long? DevId { get; set; }

    /// <summary>The MTU (<c>mtu=</c>).</summary>
    public long? Mtu { get; set; }

    /// <summary>The VLAN (<c>vlan=</c>; newer xl releases only).</summary>
    public string? Vlan { get; set; }

    /// <summary><c>trusted</c> (true), <c>untrusted</c> (false) or unspecified.</summary>
    public bool? Trusted { get; set; }

    /// <summary>
    /// The rate limit (<c>rate=</c>) as written, e.g. <c>10Mb/s@20ms</c>. Setting it checks it the way
    /// <c>xlu_vif_parse_rate</c> does and updates <see cref="RateBytesPerInterval"/> and <see cref="RateIntervalMicroseconds"/>.
    /// </summary>
    /// <exception cref="ArgumentException">xl would refuse the rate.</exception>
    public string? Rate
    {
        get => _rate;
        set
        {
            if (value is null)
            {
                _rate = null;
                RateBytesPerInterval = null;
                RateIntervalMicroseconds = null;
                return;
            }

            var (bytes, usecs, error) = ParseRate(value);
            if (error is not null)
            {
                throw new ArgumentException(error, nameof(value));
            }

            _rate = value;
            RateBytesPerInterval = bytes;
            RateIntervalMicroseconds = usecs;
        }
    }

    /// <summary>libxl's <c>rate_bytes_per_interval</c> for <see cref="Rate"/> (25000 for <c>10Mb/s@20ms</c>).</summary>
    public ulong? RateBytesPerInterval { get; private set; }

    /// <summary>libxl's <c>rate_interval_usecs</c> for <see cref="Rate"/> (20000 for <c>10Mb/s@20ms</c>; 50000 by default).</summary>
    public uint? RateIntervalMicroseconds { get; private set; }

    /// <summary>Settings xl knows but XenPS does not model (<c>colo_*</c>, <c>accel</c>, ...) or does not know at all, kept verbatim in order so that nothing is lost.</summary>
    public IReadOnlyList<string> OtherArguments => _otherArguments;

    /// <summary>The settings in <see cref="OtherArguments"/> that xl does not recognise (it prints <c>unrecognized argument</c> and ignores them).</summary>
    public IReadOnlyList<string> UnrecognizedArguments =>
        _otherArguments.Where(a => !IsKnownOther(a)).ToArray();

    /// <summary>The text this spec was parsed from, or <see langword="null"/> for a spec built in code.</summary>
    public string? SourceText { get; private set; }

    /// <summary>Parses a vif specification as xl does.</summary>
    /// <param name="spec">E.g. <c>mac=00:16:3e:00:00:01,bridge=xenbr0</c>.</param>
    /// <exception cref="XenConfigException">A setting xl refuses (a malformed MAC, a bad type, rate, devid or mtu); the column is where that setting starts in <paramref name="spec"/> (line 1).</exception>
    public static XenVifSpec Parse(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var v = new XenVifSpec { SourceText = spec };
        int nul = spec.IndexOf('\0');
        if (nul >= 0)
        {
            throw Err(spec, nul, "NUL character in vif specification");
        }

        // strtok(buf, ","): empty tokens vanish; then leading spaces (only ' ') are skipped.
        int i = 0;
        while (i < spec.Length)
        {
            if (spec[i] == ',')
            {
                i++;
                continue;
            }

            int end = spec.IndexOf(',', i);
            if (end < 0)
            {
                end = spec.Length;
            }

            int start = i;
            while (start < end && spec[start] == ' ')
            {
                start++;
            }

            v.Apply(spec, start, spec[start..end]);
            i = end;
        }

        return v;
    }

    /// <summary>Parses without throwing.</summary>
    public static bool TryParse(string spec, out XenVifSpec? vif, out XenConfigException? error)
    {
        try
        {
            vif = Parse(spec);
            error = null;
            return true;
        }
        catch (XenConfigException ex)
        {
            vif = null;
            error = ex;
            return false;
        }
    }

    /// <summary>The config-list form: the settings joined with commas, e.g. <c>mac=00:16:3e:00:00:01,bridge=xenbr0</c>.</summary>
    public override string ToString() => string.Join(",", Words());

    /// <summary>The config-list form, checked: xl reads it back to an equal interface.</summary>
    /// <exception cref="ArgumentException">A value cannot be written (it contains a comma, or a NUL).</exception>
    public string ToSpecString(bool check)
    {
        var words = Words();
        if (check)
        {
            foreach (var w in words)
            {
                if (w.Contains(',') || w.Contains('\0'))
                {
                    throw new ArgumentException($"The vif setting `{w}' cannot be written: xl splits vif specifications at commas.", nameof(check));
                }

                if (w.StartsWith(' '))
                {
                    throw new ArgumentException($"The vif setting `{w}' cannot be written: xl drops leading spaces.", nameof(check));
                }
            }

            string text = string.Join(",", words);
            XenVifSpec back;
            try
            {
                back = Parse(text);
            }
            catch (XenConfigException ex)
            {
                throw new ArgumentException($"The vif cannot be written: {ex.Reason}", nameof(check), ex);
            }

            if (!Equals(back))
            {
                throw new ArgumentException($"The vif cannot be written so that xl reads it back unchanged (`{text}').", nameof(check));
            }

            return text;
        }

        return string.Join(",", words);
    }

    /// <summary>
    /// The settings as separate <c>key=value</c> arguments for <c>xl network-attach DOMAIN ...</c>: xl reads each
    /// argument as one setting, and a comma-joined spec would be taken as a bridge name (see xl.md).
    /// </summary>
    public IReadOnlyList<string> ToNetworkAttachArguments()
    {
        // xl network-attach refuses what a config file's vif=[...] only ignores (xl_parse.c parse_nic_config:
        // "unrecognized argument `foo'", exit 1; Xen's check-xl-vif-parse: `xl -N network-attach 0 foo` fails).
        if (SourceText is { } text && string.IsNullOrWhiteSpace(text))
        {
            throw new XenConfigException("unrecognized argument `" + text + "': an empty vif specification (give at least bridge=...)", null, 1, 1);
        }

        if (UnrecognizedArguments.Count > 0)
        {
            string word = UnrecognizedArguments[0];
            int at = SourceText?.IndexOf(word, StringComparison.Ordinal) ?? -1;
            throw new XenConfigException($"unrecognized argument `{word}'", null, 1, at < 0 ? 1 : at + 1);
        }

        if (Mac is { } mac && IsMulticast(mac))
        {
            throw new XenConfigException(MulticastReason(mac), null, 1, 1);
        }

        return Words();
    }

    /// <summary>Whether a MAC address is a multicast (group) address: the lowest bit of its first octet is set.</summary>
    public static bool IsMulticast(string mac)
    {
        string first = mac.Split(':')[0];
        return int.TryParse(first, System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out int octet) && (octet & 1) == 1;
    }

    /// <summary>Why a multicast MAC address is refused for a guest's network card.</summary>
    public static string MulticastReason(string mac) =>
        $"MAC address {mac} is a multicast address: a network card cannot have it (the lowest bit of the first octet must be 0; xl's own addresses start 00:16:3e)";

    /// <summary>Interfaces are equal when every setting is equal (the source text does not count).</summary>
    public bool Equals(XenVifSpec? other) =>
        other is not null && Mac == other.Mac && Bridge == other.Bridge && Ip == other.Ip && Type == other.Type
        && Model == other.Model && VifName == other.VifName && Script == other.Script && Backend == other.Backend
        && GatewayDev == other.GatewayDev && DevId == other.DevId && Mtu == other.Mtu && Vlan == other.Vlan
        && Trusted == other.Trusted && Rate == other.Rate && _otherArguments.SequenceEqual(other._otherArguments);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is XenVifSpec v && Equals(v);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Mac, Bridge, Ip, Model, Rate);

    /// <summary>True when <paramref name="mac"/> is six hex octets separated by colons (what xl accepts without surprises).</summary>
    public static bool IsValidMac(string? mac) => mac is not null && MacPattern().IsMatch(mac);

    private List<string> Words()
    {
        var w = new List<string>();
        void Add(string key, string? value)
        {
            if (value is not null)
            {
                w.Add(key + "=" + value);
            }
        }

        Add("mac", Mac);
        Add("bridge", Bridge);
        Add("ip", Ip);
        Add("type", Type);
        Add("model", Model);
        Add("vifname", VifName);
        Add("script", Script);
        Add("backend", Backend);
        Add("gatewaydev", GatewayDev);
        Add("rate", Rate);
        Add("devid", DevId?.ToString(CultureInfo.InvariantCulture));
        Add("mtu", Mtu?.ToString(CultureInfo.InvariantCulture));
        Add("vlan", Vlan);
        if (Trusted is bool t)
        {
            w.Add(t ? "trusted" : "untrusted");
        }

        w.AddRange(_otherArguments);
        return w;
    }

    private void Apply(string spec, int at, string token)
    {
        if (token == "trusted" || token == "untrusted")
        {
            Trusted = token == "trusted";
            return;
        }

        int eq = token.IndexOf('=');
        string key = eq < 0 ? token : token[..eq];
        string value = eq < 0 ? string.Empty : token[(eq + 1)..];
        if (eq < 0)
        {
            _otherArguments.Add(token);
            return;
        }

        switch (key)
        {
            case "type":
                if (value is not ("vif" or "ioemu"))
                {
                    throw Err(spec, at, "Invalid parameter `type'. (expected vif or ioemu)");
                }

                Type = value;
                break;
            case "mac":
                if (!IsValidMac(value))
                {
                    throw Err(spec, at, $"Invalid parameter `mac'. (`{value}' is not six hex octets separated by ':')");
                }

                Mac = value;
                break;
            case "bridge": Bridge = value; break;
            case "gatewaydev": GatewayDev = value; break;
            case "ip": Ip = value; break;
            case "script": Script = value; break;
            case "backend": Backend = value; break;
            case "vifname": VifName = value; break;
            case "model": Model = value; break;
            case "vlan": Vlan = value; break;
            case "rate":
            {
                var (bytes, usecs, error) = ParseRate(value);
                if (error is not null)
                {
                    throw Err(spec, at, error);
                }

                _rate = value;
                RateBytesPerInterval = bytes;
                RateIntervalMicroseconds = usecs;
                break;
            }

            case "devid":
                DevId = ParseULong(spec, at, value);
                break;
            case "mtu":
                Mtu = ParseULong(spec, at, value);
                break;
            default:
                _otherArguments.Add(token);
                break;
        }
    }

    private static bool IsKnownOther(string token)
    {
        int eq = token.IndexOf('=');
        if (eq < 0)
        {
            return false;
        }

        string key = token[..eq];
        return s_ignoredKnownKeys.Contains(key) || key.StartsWith("colo_", StringComparison.Ordinal);
    }

    /// <summary>xl's parse_ulong: strtoul base 10, something must convert (trailing text is ignored, as in xl).</summary>
    private static long ParseULong(string spec, int at, string value)
    {
        int n = CNumbers.Scan(value, 0, value.Length, 10, out long v, out bool overflow);
        if (n == 0 || overflow || v < 0 || v > uint.MaxValue)
        {
            throw Err(spec, at, $"xl: failed to convert \"{value}\" to number");
        }

        return v;
    }

    /// <summary>xlu_vif_parse_rate (tools/libs/util/libxlu_vif.c).</summary>
    internal static (ulong? Bytes, uint? Usecs, string? Error) ParseRate(string rate)
    {
        int at = rate.IndexOf('@');
        string bytesText = at < 0 ? rate : rate[..at];
        string? intervalText = at < 0 ? null : rate[(at + 1)..];
        string Msg(string m, string what) => $"config parsing error in vif: {m} in `{what}'";
        if (bytesText.Length == 0)
        {
            return (null, null, Msg("no rate specified", rate));
        }

        if (!RateBytesPattern().IsMatch(bytesText))
        {
            return (null, null, Msg("invalid rate", bytesText));
        }

        int n = CNumbers.Scan(bytesText, 0, bytesText.Length, 0, out long tmp, out bool of);
        if (tmp == 0 || of || tmp > uint.MaxValue)
        {
            return (null, null, Msg("rate overflow", bytesText));
        }

        ulong bps = (ulong)tmp;
        string rest = bytesText[n..];
        char p0 = rest.Length > 0 ? rest[0] : '\0';
        char p1 = rest.Length > 1 ? rest[1] : '\0';
        bps *= p0 switch { 'G' => 1_000_000_000UL, 'M' => 1_000_000UL, 'K' => 1000UL, _ => 1UL };
        if (p0 == 'b' || p1 == 'b')
        {
            bps /= 8;
        }

        uint usecs = 50000;
        if (intervalText is not null)
        {
            if (!RateIntervalPattern().IsMatch(intervalText))
            {
                return (null, null, Msg("invalid replenishment interval", intervalText));
            }

            int m = CNumbers.Scan(intervalText, 0, intervalText.Length, 0, out long iv, out bool iof);
            if (iv == 0 || iof || iv > uint.MaxValue)
            {
                return (null, null, Msg("replenishment interval overflow", intervalText));
            }

            ulong u = (ulong)iv;
            string irest = intervalText[m..];
            if (irest.Length == 0 || irest[0] == 's')
            {
                u *= 1_000_000UL;
            }
            else if (irest[0] == 'm')
            {
                u *= 1000UL;
            }

            if (u > uint.MaxValue)
            {
                return (null, null, Msg("replenishment interval overflow", intervalText));
            }

            usecs = (uint)u;
        }

        if (usecs != 0 && bps > ulong.MaxValue / usecs)
        {
            return (null, null, Msg("rate overflow", rate));
        }

        return (bps * usecs / 1_000_000UL, usecs, null);
    }

    /// <summary>The rate as xl.cfg writes it for libxl's bytes per interval and interval (25000, 20000 → <c>1250KB/s@20ms</c>); reads back to the same pair.</summary>
    internal static string FormatRate(ulong bytesPerInterval, uint usecs)
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        ulong bps = usecs == 0 ? bytesPerInterval : bytesPerInterval * 1_000_000UL / usecs;
        string rate = bps % 1_000_000_000UL == 0 && bps > 0 ? (bps / 1_000_000_000UL).ToString(inv) + "GB/s"
            : bps % 1_000_000UL == 0 && bps > 0 ? (bps / 1_000_000UL).ToString(inv) + "MB/s"
            : bps % 1000UL == 0 && bps > 0 ? (bps / 1000UL).ToString(inv) + "KB/s"
            : bps.ToString(inv) + "B/s";
        if (usecs == 50000)
        {
            return rate;
        }

        return rate + "@" + (usecs % 1000 == 0 ? (usecs / 1000).ToString(inv) + "ms" : usecs.ToString(inv) + "us");
    }

    private static XenConfigException Err(string spec, int at, string message) =>
        new($"{message} in vif specification `{spec}'", null, 1, Math.Min(at, spec.Length) + 1);

    [GeneratedRegex("^[0-9a-fA-F]{1,2}(:[0-9a-fA-F]{1,2}){5}\\z")]
    private static partial Regex MacPattern();

    [GeneratedRegex("^[0-9]+[GMK]?[Bb]/s\\z")]
    private static partial Regex RateBytesPattern();

    [GeneratedRegex("^[0-9]+[mu]?s?\\z")]
    private static partial Regex RateIntervalPattern();
}

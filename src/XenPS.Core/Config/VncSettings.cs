using System.Globalization;

namespace XenPS.Config;

/// <summary>
/// Where a domain's VNC server listens, as its xl.cfg says (xl.cfg(5): <c>vnc</c>, <c>vnclisten</c>,
/// <c>vncdisplay</c> at the top level for HVM, or inside the first <c>vfb</c> spec for PV). xl's defaults: VNC is on
/// for HVM unless <c>vnc=0</c>, listening on 127.0.0.1; a <c>vnclisten</c> of <c>ADDRESS:DISPLAY</c> sets both.
/// </summary>
/// <param name="Listen">The address, or <see langword="null"/> when VNC is off.</param>
/// <param name="Display">The display (port 5900 + display), or <see langword="null"/> when xl picks a free one.</param>
internal sealed record VncSettings(string? Listen, int? Display)
{
    private const string DefaultListen = "127.0.0.1";

    public static VncSettings None { get; } = new(null, null);

    public static VncSettings From(XenDomainConfig config)
    {
        IReadOnlyList<string> vfb = config.Vfb;
        if (vfb.Count > 0)
        {
            var keys = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (string part in vfb[0].Split(','))
            {
                int eq = part.IndexOf('=', StringComparison.Ordinal);
                if (eq > 0)
                {
                    keys.TryAdd(part[..eq].Trim(), part[(eq + 1)..].Trim());
                }
            }

            bool on = keys.TryGetValue("vnc", out string? flag) && Atoi(flag) != 0;
            return on ? Build(keys.GetValueOrDefault("vnclisten"), keys.GetValueOrDefault("vncdisplay")) : None;
        }

        bool enabled = config.Vnc ?? config.Type == XenDomainType.Hvm;
        return enabled ? Build(config.GetValue("vnclisten") as string, config.GetValue("vncdisplay")?.ToString()) : None;
    }

    private static VncSettings Build(string? listen, string? display)
    {
        int? shown = display is null ? null : Atoi(display);
        if (string.IsNullOrEmpty(listen))
        {
            return new VncSettings(DefaultListen, shown);
        }

        // xl: "vnclisten=ADDRESS:DISPLAY" (libxl__parse_vnc... in xl_parse.c splits at the last ':').
        int colon = listen.LastIndexOf(':');
        if (colon > 0 && !listen.Contains(']', StringComparison.Ordinal) && int.TryParse(listen[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int d))
        {
            return new VncSettings(listen[..colon], d);
        }

        return new VncSettings(listen, shown);
    }

    // xl reads these numbers with atoi: leading digits, anything else 0.
    private static int Atoi(string text)
    {
        string s = text.Trim();
        CNumbers.Scan(s, 0, s.Length, 10, out long n, out _);
        return (int)Math.Clamp(n, int.MinValue, int.MaxValue);
    }
}

using System.Runtime.CompilerServices;
using XenPS.Config;

namespace XenPS.Simulation;

/// <summary>
/// Parsed config files of a fabric, keyed by the text itself (the string object a file holds): a listing
/// or a <c>GetDomain</c> parses a config file once after it was written, not on every call. State copies
/// share their strings, so a parse outlives the copies; an entry goes when its text is no longer held.
/// </summary>
internal sealed class SimConfigCache
{
    private readonly ConditionalWeakTable<string, Entry> _parsed = new();

    /// <summary>
    /// The config in <paramref name="text"/> read from <paramref name="path"/> (null when it does not parse: a broken
    /// file is still listed) and its VNC settings (none when the file does not parse).
    /// </summary>
    public (SimGuestConfig? Config, VncSettings Vnc) Read(string text, string path)
    {
        if (_parsed.TryGetValue(text, out Entry? known) && string.Equals(known.Path, path, StringComparison.Ordinal))
        {
            return (known.Config, known.Vnc);
        }

        SimGuestConfig? config = null;
        VncSettings vnc = VncSettings.None;
        try
        {
            vnc = VncSettings.From(XenDomainConfig.Parse(text, path));
            config = SimGuestConfig.Parse(text, path, "xl create " + path);
        }
        catch (Exception ex) when (ex is XenConfigException or SimXlError)
        {
            // Listed under its file name so that an operator sees it.
        }

        _parsed.AddOrUpdate(text, new Entry(path, config, vnc));
        return (config, vnc);
    }

    /// <summary>The config in <paramref name="text"/> read from <paramref name="path"/>; null when it does not parse.</summary>
    public SimGuestConfig? Parse(string text, string path) => Read(text, path).Config;

    private sealed record Entry(string Path, SimGuestConfig? Config, VncSettings Vnc);
}

using System.Runtime.CompilerServices;

namespace XenPS.Simulation;

/// <summary>
/// Parsed config files of a fabric, keyed by the text itself (the string object a file holds): a listing
/// or a <c>GetDomain</c> parses a config file once after it was written, not on every call. State copies
/// share their strings, so a parse outlives the copies; an entry goes when its text is no longer held.
/// </summary>
internal sealed class SimConfigCache
{
    private readonly ConditionalWeakTable<string, Entry> _parsed = new();

    /// <summary>The config in <paramref name="text"/> read from <paramref name="path"/>; null when it does not parse (a broken file is still listed).</summary>
    public SimGuestConfig? Parse(string text, string path)
    {
        if (_parsed.TryGetValue(text, out Entry? known) && string.Equals(known.Path, path, StringComparison.Ordinal))
        {
            return known.Config;
        }

        SimGuestConfig? config = null;
        try
        {
            config = SimGuestConfig.Parse(text, path, "xl create " + path);
        }
        catch (Exception ex) when (ex is XenConfigException or SimXlError)
        {
            // Listed under its file name so that an operator sees it.
        }

        _parsed.AddOrUpdate(text, new Entry(path, config));
        return config;
    }

    private sealed record Entry(string Path, SimGuestConfig? Config);
}

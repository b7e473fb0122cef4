namespace XenPS.Config;

/// <summary>Whether xl.cfg text holds a secret, which decides the mode a new config file gets on the host.</summary>
public static class XenConfigSecrets
{
    // xl.cfg(5): vncpasswd (HVM, and inside vfb specs), spicepasswd (HVM); xl-disk/vif specs carry none.
    private static readonly string[] s_passwordKeys = ["vncpasswd", "spicepasswd"];

    /// <summary>The mode (octal, as chmod takes it) for a new file with <paramref name="text"/>: 600 when it holds a password, else 644.</summary>
    public static string NewFileMode(string text) => HoldsPassword(text) ? "600" : "644";

    /// <summary>
    /// True when <paramref name="text"/> sets <c>vncpasswd</c> or <c>spicepasswd</c>, at the top level or inside a
    /// spec string (<c>vfb = ['vnc=1,vncpasswd=...']</c>). Text that does not parse counts as holding one when it
    /// mentions <c>passwd</c> anywhere: a private file is the safe mistake.
    /// </summary>
    public static bool HoldsPassword(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        XenConfigDocument doc;
        try
        {
            doc = XenConfigDocument.Parse(text);
        }
        catch (XenConfigException)
        {
            return text.Contains("passwd", StringComparison.OrdinalIgnoreCase);
        }

        return doc.Entries.Any(e => IsPasswordKey(e.Key) || MentionsPassword(e.Value));
    }

    private static bool IsPasswordKey(string key) => s_passwordKeys.Contains(key, StringComparer.OrdinalIgnoreCase);

    private static bool MentionsPassword(XenConfigValue value) => value.Kind switch
    {
        XenConfigValueKind.List => value.Items.Any(MentionsPassword),
        _ => value.Text is { } t && t.Split(',').Any(part => IsPasswordKey(part.Split('=', 2)[0].Trim())),
    };
}

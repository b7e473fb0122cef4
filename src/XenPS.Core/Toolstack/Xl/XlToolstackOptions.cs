namespace XenPS.Toolstack;

/// <summary>Settings of an <see cref="XlToolstack"/>: where the host keeps its domain configs, and how long xl may take.</summary>
public sealed class XlToolstackOptions
{
    private string? _autoStartDirectory;

    /// <summary>The host's config directory, whose <c>*.cfg</c> files are listed as domains (Off when not running). Default <c>/etc/xen</c>.</summary>
    public string ConfigDirectory { get; init; } = "/etc/xen";

    /// <summary>The xendomains auto-start folder (links or copies of configs started at boot). Default <c>&lt;ConfigDirectory&gt;/auto</c>.</summary>
    public string AutoStartDirectory
    {
        get => _autoStartDirectory ?? ConfigDirectory.TrimEnd('/') + "/auto";
        init => _autoStartDirectory = value;
    }

    /// <summary>A folder on the host for short-lived files (configs passed to <c>xl create</c>). Default <c>/tmp</c>.</summary>
    public string TemporaryDirectory { get; init; } = "/tmp";

    /// <summary>The longest an ordinary xl call (list, info, pause, mem-set, device changes, files) may run. Default 2 minutes.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>The longest create, save, restore, and a shutdown or reboot wait without its own timeout, may run. Default 10 minutes.</summary>
    public TimeSpan LifecycleTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>The longest a migration without its own timeout may run. Default 24 hours.</summary>
    public TimeSpan MigrationTimeout { get; init; } = TimeSpan.FromHours(24);
}

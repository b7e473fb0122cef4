namespace XenPS;

/// <summary>What an operator means by a domain's state (xl's six flag characters stay in <see cref="XenDomain.XlState"/>).</summary>
public enum XenDomainState
{
    /// <summary>The guest is up: xl's <c>r</c> (running on a CPU) or <c>b</c> (blocked, i.e. idle).</summary>
    Running,

    /// <summary>Paused (<c>xl pause</c>, <c>create -p</c>, restore <c>-p</c>, an incoming migration).</summary>
    Paused,

    /// <summary>The guest has shut down and the domain has not yet been destroyed.</summary>
    Shutdown,

    /// <summary>The guest crashed and the domain was kept (<c>on_crash = "preserve"</c>).</summary>
    Crashed,

    /// <summary>The domain is being destroyed.</summary>
    Dying,

    /// <summary>Not running: the domain exists only as a config file in the host's config directory.</summary>
    Off,
}

/// <summary>The kind of guest, as xl.cfg's <c>type</c> names it.</summary>
public enum XenDomainType
{
    /// <summary>Paravirtualised guest (<c>type = "pv"</c>).</summary>
    Pv,

    /// <summary>PVH guest (<c>type = "pvh"</c>).</summary>
    Pvh,

    /// <summary>Fully virtualised guest (<c>type = "hvm"</c>, legacy <c>builder = "hvm"</c>).</summary>
    Hvm,
}

/// <summary>How <c>xl save</c> leaves the domain.</summary>
public enum XenSaveMode
{
    /// <summary>Destroy the domain after saving (plain <c>xl save</c>).</summary>
    Destroy,

    /// <summary>Keep the domain running after saving (<c>xl save -c</c>).</summary>
    KeepRunning,

    /// <summary>Leave the domain paused after saving (<c>xl save -p</c>).</summary>
    LeavePaused,
}

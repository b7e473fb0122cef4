namespace XenPS;

/// <summary>A Xen domain on one host: a running guest, or one that exists only as a config file (<see cref="XenDomainState.Off"/>).</summary>
public sealed class XenDomain
{
    internal XenDomain(string name)
    {
        Name = name;
    }

    /// <summary>The domain's name.</summary>
    public string Name { get; internal set; }

    /// <summary>The domain id; <see langword="null"/> when the domain is <see cref="XenDomainState.Off"/>. Ids change on reboot, restore and migration.</summary>
    public int? Id { get; internal set; }

    /// <summary>The domain's UUID; <see langword="null"/> when an Off domain's config file names none.</summary>
    public Guid? Uuid { get; internal set; }

    /// <summary>The state an operator means (xl's running and blocked are both <see cref="XenDomainState.Running"/>).</summary>
    public XenDomainState State { get; internal set; }

    /// <summary>xl's six state flag characters (<c>rbpscd</c> positions), e.g. <c>-b----</c>; empty when Off.</summary>
    public string XlState { get; internal set; } = string.Empty;

    /// <summary>Why the domain shut down (<c>poweroff</c>, <c>reboot</c>, <c>suspend</c>, <c>crash</c>, <c>watchdog</c>, <c>soft_reset</c>), or <see langword="null"/>.</summary>
    public string? ShutdownReason { get; internal set; }

    /// <summary>The kind of guest, when known.</summary>
    public XenDomainType? Type { get; internal set; }

    /// <summary>Current memory in MiB, as <c>xl list</c> shows it (for an Off domain: the configured <c>memory</c>).</summary>
    public long MemoryMB { get; internal set; }

    /// <summary>The static maximum memory in MiB (<c>maxmem</c>), when known.</summary>
    public long? MaxMemoryMB { get; internal set; }

    /// <summary>Online vCPUs.</summary>
    public int VCpu { get; internal set; }

    /// <summary>The maximum vCPUs the domain can have (<c>maxvcpus</c>), when known.</summary>
    public int? MaxVCpu { get; internal set; }

    /// <summary>CPU time the domain has used.</summary>
    public TimeSpan CpuTime { get; internal set; }

    /// <summary>How long the domain has been up; <see langword="null"/> when Off or unknown.</summary>
    public TimeSpan? Uptime { get; internal set; }

    /// <summary>
    /// The scheduler weight (credit/credit2; default 256) of a running domain, read from the listing's own
    /// <c>xl list -l</c> (libxl reports the live value); <see langword="null"/> when Off, when <c>xl list -l</c>
    /// left the domain out, or under a scheduler without weights. Set it with <c>Set-XenDomain -Weight</c>.
    /// </summary>
    public int? Weight { get; internal set; }

    /// <summary>The scheduler cap in percent of one CPU (0 = no cap), like <see cref="Weight"/>.</summary>
    public int? Cap { get; internal set; }

    /// <summary>
    /// Where the domain's VNC server listens, as far as its config file says (<c>vnclisten</c>, top level or in
    /// <c>vfb</c>; xl's default 127.0.0.1 when VNC is on without it); <see langword="null"/> when the config turns VNC
    /// off or has none.
    /// </summary>
    public string? VncListen { get; internal set; }

    /// <summary>The VNC display the config asks for (<c>vncdisplay</c>; port 5900 + display); <see langword="null"/> when it lets xl choose (<c>vncunused</c>) or VNC is off.</summary>
    public int? VncDisplay { get; internal set; }

    /// <summary>The domain's config file on the host, when it has one in the config directory.</summary>
    public string? ConfigPath { get; internal set; }

    /// <summary>Whether the host's xendomains service starts this domain at boot (a link in <c>/etc/xen/auto</c>).</summary>
    public bool AutoStart { get; internal set; }

    /// <summary>The name of the host the domain is on.</summary>
    public string HostName { get; internal set; } = string.Empty;

    /// <summary>The connection this object came from: piping it on acts on the same host.</summary>
    public XenHostConnection? XenHost { get; internal set; }

    /// <summary>Returns a shallow copy.</summary>
    internal XenDomain Clone() => (XenDomain)MemberwiseClone();

    /// <inheritdoc />
    public override string ToString() => Name;
}

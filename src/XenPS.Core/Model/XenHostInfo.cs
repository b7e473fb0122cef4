namespace XenPS;

/// <summary>A Xen host as <c>xl info</c> describes it.</summary>
public sealed class XenHostInfo
{
    internal XenHostInfo(string name)
    {
        Name = name;
    }

    /// <summary>The host's name (<c>host</c>).</summary>
    public string Name { get; internal set; }

    /// <summary>The hypervisor version (<c>xen_version</c>), e.g. <c>4.17.7</c>.</summary>
    public string XenVersion { get; internal set; } = string.Empty;

    /// <summary>Total memory in MiB (<c>total_memory</c>).</summary>
    public long TotalMemoryMB { get; internal set; }

    /// <summary>Free memory in MiB (<c>free_memory</c>).</summary>
    public long FreeMemoryMB { get; internal set; }

    /// <summary>Physical CPUs (<c>nr_cpus</c>).</summary>
    public int CpuCount { get; internal set; }

    /// <summary>The scheduler (<c>xen_scheduler</c>), e.g. <c>credit2</c>.</summary>
    public string Scheduler { get; internal set; } = string.Empty;

    /// <summary>Virtualisation capabilities (<c>virt_caps</c>), e.g. <c>pv</c>, <c>hvm</c>.</summary>
    public IReadOnlyList<string> Capabilities { get; internal set; } = Array.Empty<string>();

    /// <summary>The Dom0 kernel release (<c>release</c>).</summary>
    public string KernelRelease { get; internal set; } = string.Empty;

    /// <summary>The hypervisor's command line (<c>xen_commandline</c>).</summary>
    public string XenCommandLine { get; internal set; } = string.Empty;

    /// <summary>Every <c>xl info</c> field, verbatim.</summary>
    public IReadOnlyDictionary<string, string> Properties { get; internal set; } = new Dictionary<string, string>();

    /// <summary>The name of the host (the connection's name).</summary>
    public string HostName { get; internal set; } = string.Empty;

    /// <summary>The connection this object came from.</summary>
    public XenHostConnection? XenHost { get; internal set; }

    /// <summary>Returns a shallow copy.</summary>
    internal XenHostInfo Clone() => (XenHostInfo)MemberwiseClone();

    /// <inheritdoc />
    public override string ToString() => Name;
}

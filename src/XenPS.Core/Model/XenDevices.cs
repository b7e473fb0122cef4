namespace XenPS;

/// <summary>A virtual block device of a domain (<c>xl block-list</c>, joined with the domain's configuration).</summary>
public sealed class XenDisk
{
    internal XenDisk(string domainName, string vdev)
    {
        DomainName = domainName;
        Vdev = vdev;
    }

    /// <summary>The domain the disk belongs to.</summary>
    public string DomainName { get; internal set; }

    /// <summary>The domain id, when running.</summary>
    public int? DomainId { get; internal set; }

    /// <summary>The domain's UUID, when known: a piped disk acts on exactly this domain.</summary>
    public Guid? DomainUuid { get; internal set; }

    /// <summary>The domain as listed when this disk was read (its identity for a piped disk); null when read without one.</summary>
    internal XenDomain? Domain { get; set; }

    /// <summary>The virtual device name as the guest sees it, e.g. <c>xvda</c> (xl prints a number: 51712 is xvda).</summary>
    public string Vdev { get; internal set; }

    /// <summary>The backing file or device on the host.</summary>
    public string? Target { get; internal set; }

    /// <summary>The image format (<c>raw</c>, <c>qcow2</c>, ...).</summary>
    public string? Format { get; internal set; }

    /// <summary>Access mode: <c>rw</c> or <c>ro</c>.</summary>
    public string? Access { get; internal set; }

    /// <summary>Whether the device is a CD-ROM.</summary>
    public bool IsCdRom { get; internal set; }

    /// <summary>The device id xl uses (the numeric vdev).</summary>
    public int? DeviceId { get; internal set; }

    /// <summary>The backend's XenStore path.</summary>
    public string? BackendPath { get; internal set; }

    /// <summary>The device's XenBus state as xl lists it (<see cref="XenBusState.Connected"/>: the guest's driver uses it); none for an Off domain's configured device.</summary>
    public XenBusState? State { get; internal set; }

    /// <summary>The name of the host.</summary>
    public string HostName { get; internal set; } = string.Empty;

    /// <summary>The connection this object came from.</summary>
    public XenHostConnection? XenHost { get; internal set; }

    /// <summary>Returns a shallow copy.</summary>
    internal XenDisk Clone() => (XenDisk)MemberwiseClone();

    /// <inheritdoc />
    public override string ToString() => $"{DomainName}:{Vdev}";
}

/// <summary>A virtual network interface of a domain (<c>xl network-list</c>, joined with the domain's configuration).</summary>
public sealed class XenNetworkAdapter
{
    internal XenNetworkAdapter(string domainName, int index)
    {
        DomainName = domainName;
        Index = index;
    }

    /// <summary>The domain the adapter belongs to.</summary>
    public string DomainName { get; internal set; }

    /// <summary>The domain id, when running.</summary>
    public int? DomainId { get; internal set; }

    /// <summary>The domain's UUID, when known: a piped adapter acts on exactly this domain.</summary>
    public Guid? DomainUuid { get; internal set; }

    /// <summary>The domain as listed when this adapter was read (its identity for a piped adapter); null when read without one.</summary>
    internal XenDomain? Domain { get; set; }

    /// <summary>The device index (<c>Idx</c>, <c>devid</c>).</summary>
    public int Index { get; internal set; }

    /// <summary>The MAC address, lower case, colon separated.</summary>
    public string? Mac { get; internal set; }

    /// <summary>The bridge the backend is plugged into.</summary>
    public string? Bridge { get; internal set; }

    /// <summary>The emulated model (HVM), when set.</summary>
    public string? Model { get; internal set; }

    /// <summary>The configured IP address(es), when set.</summary>
    public string? Ip { get; internal set; }

    /// <summary>The bandwidth limit as xl.cfg writes it (<c>10MB/s</c>, <c>1000kb/s@20ms</c>), when set.</summary>
    public string? Rate { get; internal set; }

    /// <summary>The device's XenBus state as xl lists it (<see cref="XenBusState.Connected"/>: the guest's driver uses it); none for an Off domain's configured device.</summary>
    public XenBusState? State { get; internal set; }

    /// <summary>The backend's XenStore path.</summary>
    public string? BackendPath { get; internal set; }

    /// <summary>The name of the host.</summary>
    public string HostName { get; internal set; } = string.Empty;

    /// <summary>The connection this object came from.</summary>
    public XenHostConnection? XenHost { get; internal set; }

    /// <summary>Returns a shallow copy.</summary>
    internal XenNetworkAdapter Clone() => (XenNetworkAdapter)MemberwiseClone();

    /// <inheritdoc />
    public override string ToString() => $"{DomainName}:{Index}";
}

/// <summary>A Linux bridge of the host (<c>/sys/class/net/*/bridge</c>): where a domain's vifs can be plugged.</summary>
public sealed class XenBridge
{
    internal XenBridge(string name, IReadOnlyList<string> interfaces)
    {
        Name = name;
        Interfaces = interfaces;
    }

    /// <summary>The bridge's name, e.g. <c>xenbr0</c>: the value of a vif's <c>bridge=</c>.</summary>
    public string Name { get; }

    /// <summary>The interfaces plugged into it (<c>brif</c>): uplinks and the vifs of running domains (<c>vif7.0</c>).</summary>
    public IReadOnlyList<string> Interfaces { get; }

    /// <summary>The name of the host.</summary>
    public string HostName { get; internal set; } = string.Empty;

    /// <summary>The connection this object came from.</summary>
    public XenHostConnection? XenHost { get; internal set; }

    /// <inheritdoc />
    public override string ToString() => Name;
}

/// <summary>A disk image file made on the host (<c>New-XenDiskImage</c>).</summary>
public sealed class XenDiskImage
{
    internal XenDiskImage(string path, string format)
    {
        Path = path;
        Format = format;
    }

    /// <summary>The image's path on the host: the <c>target=</c> of a disk spec.</summary>
    public string Path { get; }

    /// <summary>The image format: <c>raw</c> or <c>qcow2</c>.</summary>
    public string Format { get; }

    /// <summary>The virtual size in GiB (what the guest sees).</summary>
    public double SizeGB { get; internal set; }

    /// <summary>The bytes the file takes on the host's disk now (small for a sparse or qcow2 image).</summary>
    public long AllocatedBytes { get; internal set; }

    /// <summary>The name of the host.</summary>
    public string HostName { get; internal set; } = string.Empty;

    /// <summary>The connection this object came from.</summary>
    public XenHostConnection? XenHost { get; internal set; }

    /// <inheritdoc />
    public override string ToString() => Path;
}

/// <summary>One virtual CPU of a domain (<c>xl vcpu-list</c>).</summary>
public sealed class XenVCpu
{
    internal XenVCpu(string domainName, int vcpu)
    {
        DomainName = domainName;
        VCpu = vcpu;
    }

    /// <summary>The domain the vCPU belongs to.</summary>
    public string DomainName { get; internal set; }

    /// <summary>The domain id.</summary>
    public int? DomainId { get; internal set; }

    /// <summary>The domain's UUID, when the listing that produced this object knew it (<c>Get-XenVCpu</c> sets it): piping the vCPU on acts on exactly that domain.</summary>
    public Guid? DomainUuid { get; internal set; }

    /// <summary>The vCPU number within the domain (xl's <c>VCPU</c> column; binds to <c>Set-XenVCpu -VCpu</c> by property name). Was <c>Number</c> before 0.2.</summary>
    public int VCpu { get; internal set; }

    /// <summary>The physical CPU it runs on; <see langword="null"/> when offline.</summary>
    public int? Cpu { get; internal set; }

    /// <summary>xl's three state characters, e.g. <c>-b-</c>; <c>--p</c> for an offline vCPU.</summary>
    public string XlState { get; internal set; } = string.Empty;

    /// <summary>Whether the vCPU is online.</summary>
    public bool Online { get; internal set; }

    /// <summary>CPU time used.</summary>
    public TimeSpan CpuTime { get; internal set; }

    /// <summary>Hard affinity as xl prints it (e.g. <c>all</c>, <c>0-1</c>).</summary>
    public string HardAffinity { get; internal set; } = string.Empty;

    /// <summary>Soft affinity as xl prints it.</summary>
    public string SoftAffinity { get; internal set; } = string.Empty;

    /// <summary>The name of the host.</summary>
    public string HostName { get; internal set; } = string.Empty;

    /// <summary>The connection this object came from.</summary>
    public XenHostConnection? XenHost { get; internal set; }

    /// <summary>Returns a shallow copy.</summary>
    internal XenVCpu Clone() => (XenVCpu)MemberwiseClone();

    /// <inheritdoc />
    public override string ToString() => $"{DomainName}:{VCpu}";
}

/// <summary>A domain's scheduler parameters (<c>xl sched-credit</c> / <c>sched-credit2</c>).</summary>
public sealed class XenSchedulerParameters
{
    internal XenSchedulerParameters(string domainName, string scheduler)
    {
        DomainName = domainName;
        Scheduler = scheduler;
    }

    /// <summary>The domain.</summary>
    public string DomainName { get; internal set; }

    /// <summary>The domain id.</summary>
    public int? DomainId { get; internal set; }

    /// <summary>The scheduler: <c>credit</c> or <c>credit2</c>.</summary>
    public string Scheduler { get; internal set; }

    /// <summary>The relative weight (default 256).</summary>
    public int Weight { get; internal set; }

    /// <summary>The cap in percent of one CPU (0 = no cap).</summary>
    public int Cap { get; internal set; }

    /// <summary>The name of the host.</summary>
    public string HostName { get; internal set; } = string.Empty;

    /// <summary>The connection this object came from.</summary>
    public XenHostConnection? XenHost { get; internal set; }

    /// <summary>Returns a shallow copy.</summary>
    internal XenSchedulerParameters Clone() => (XenSchedulerParameters)MemberwiseClone();
}

/// <summary>A domain's uptime (<c>xl uptime</c>).</summary>
public sealed class XenDomainUptime
{
    internal XenDomainUptime(string domainName, int domainId, TimeSpan uptime)
    {
        DomainName = domainName;
        DomainId = domainId;
        Uptime = uptime;
    }

    /// <summary>The domain.</summary>
    public string DomainName { get; }

    /// <summary>The domain id.</summary>
    public int DomainId { get; }

    /// <summary>How long the domain has been up.</summary>
    public TimeSpan Uptime { get; }
}

/// <summary>An entry of a folder on the host.</summary>
public sealed class XenHostFileEntry
{
    internal XenHostFileEntry(string name, bool isDirectory, bool isSymbolicLink)
    {
        Name = name;
        IsDirectory = isDirectory;
        IsSymbolicLink = isSymbolicLink;
    }

    /// <summary>The entry's name (no folder).</summary>
    public string Name { get; }

    /// <summary>Whether it is a folder.</summary>
    public bool IsDirectory { get; }

    /// <summary>Whether it is a symbolic link.</summary>
    public bool IsSymbolicLink { get; }
}

/// <summary>
/// The state of a split device's connection between its backend (Dom0) and frontend (the guest), as XenBus numbers it
/// (<c>xen/include/public/io/xenbus.h</c>); xl's <c>block-list</c> and <c>network-list</c> print the number. A number
/// Xen adds later shows as that number.
/// </summary>
public enum XenBusState
{
    /// <summary>0: not known (the XenStore node is missing).</summary>
    Unknown = 0,

    /// <summary>1: the backend is setting up.</summary>
    Initialising = 1,

    /// <summary>2: the backend waits for the hotplug script or the frontend's details.</summary>
    InitWait = 2,

    /// <summary>3: the frontend has written its details and waits for the backend.</summary>
    Initialised = 3,

    /// <summary>4: both ends connected; the guest uses the device.</summary>
    Connected = 4,

    /// <summary>5: one end is closing the connection (a detach in progress).</summary>
    Closing = 5,

    /// <summary>6: closed.</summary>
    Closed = 6,

    /// <summary>7: the connection is being reconfigured.</summary>
    Reconfiguring = 7,

    /// <summary>8: reconfigured.</summary>
    Reconfigured = 8,
}

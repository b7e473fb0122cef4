namespace XenPS;

/// <summary>One domain in one sample of <c>xentop</c> (<c>Get-XenDomainStatistic</c>): the figures as xentop reports them.</summary>
public sealed class XenDomainStatistic
{
    internal XenDomainStatistic(string domainName)
    {
        DomainName = domainName;
    }

    /// <summary>When the sample was taken (this machine's clock, when xentop's report of it arrived).</summary>
    public DateTimeOffset Timestamp { get; internal set; }

    /// <summary>The sample's number, from 1 (xentop's first report, whose CPU% is always 0, is dropped).</summary>
    public int Sample { get; internal set; }

    /// <summary>The domain's name (xentop <c>-f</c>: the full name).</summary>
    public string DomainName { get; internal set; }

    /// <summary>The domain id, when the domain was resolved by the cmdlet (xentop prints none).</summary>
    public int? DomainId { get; internal set; }

    /// <summary>xentop's six state characters (<c>d s b r p c</c> positions: dying, shutdown, blocked, running, paused, crashed), e.g. <c>--b---</c>.</summary>
    public string XlState { get; internal set; } = string.Empty;

    /// <summary>CPU used since the previous sample, in percent of one physical CPU (above 100 with several vCPUs).</summary>
    public double CpuPercent { get; internal set; }

    /// <summary>CPU time used since the domain started (xentop prints whole seconds).</summary>
    public TimeSpan CpuTime { get; internal set; }

    /// <summary>Current memory in MiB.</summary>
    public long MemoryMB { get; internal set; }

    /// <summary>Current memory in percent of the host's.</summary>
    public double MemoryPercent { get; internal set; }

    /// <summary>The maximum memory in MiB; <see langword="null"/> when xentop prints <c>no limit</c>.</summary>
    public long? MaxMemoryMB { get; internal set; }

    /// <summary>The domain's vCPUs.</summary>
    public int VCpu { get; internal set; }

    /// <summary>Network interfaces.</summary>
    public int Nets { get; internal set; }

    /// <summary>KiB sent over all the domain's interfaces since they came up.</summary>
    public long NetTxKB { get; internal set; }

    /// <summary>KiB received over all the domain's interfaces since they came up.</summary>
    public long NetRxKB { get; internal set; }

    /// <summary>Virtual block devices.</summary>
    public int Vbds { get; internal set; }

    /// <summary>Block requests that found the backend out of requests (xentop <c>VBD_OO</c>).</summary>
    public long BlockOutOfRequests { get; internal set; }

    /// <summary>Block read requests since the devices came up.</summary>
    public long BlockReads { get; internal set; }

    /// <summary>Block write requests since the devices came up.</summary>
    public long BlockWrites { get; internal set; }

    /// <summary>Sectors read.</summary>
    public long BlockReadSectors { get; internal set; }

    /// <summary>Sectors written.</summary>
    public long BlockWriteSectors { get; internal set; }

    /// <summary>The name of the host.</summary>
    public string HostName { get; internal set; } = string.Empty;

    /// <summary>The connection this object came from.</summary>
    public XenHostConnection? XenHost { get; internal set; }

    /// <inheritdoc />
    public override string ToString() => $"{DomainName}@{Timestamp:HH:mm:ss}";
}

/// <summary>One line of the hypervisor's log (<c>xl dmesg</c>).</summary>
public sealed class XenHostLogEntry
{
    internal XenHostLogEntry(int line, string message)
    {
        Line = line;
        Message = message;
    }

    /// <summary>The line's number in the log as read, from 1.</summary>
    public int Line { get; internal set; }

    /// <summary>Who printed it: <c>XEN</c> for the hypervisor, <c>d1</c> (or similar) for a guest's console output through Xen; <see langword="null"/> for a line without the prefix.</summary>
    public string? Source { get; internal set; }

    /// <summary>
    /// The time since boot, where Xen printed one in seconds (<c>console_timestamps=boot</c>: <c>[   13.061681]</c>);
    /// <see langword="null"/> otherwise, e.g. for the early lines whose stamp is a raw counter (see <see cref="Timestamp"/>).
    /// </summary>
    public TimeSpan? SinceBoot { get; internal set; }

    /// <summary>The stamp between the brackets as Xen printed it (seconds since boot, a raw hexadecimal counter before the clock is set, or a date); <see langword="null"/> when the line has none.</summary>
    public string? Timestamp { get; internal set; }

    /// <summary>The message, without the prefix and the stamp.</summary>
    public string Message { get; internal set; }

    /// <summary>The name of the host.</summary>
    public string HostName { get; internal set; } = string.Empty;

    /// <summary>The connection this object came from.</summary>
    public XenHostConnection? XenHost { get; internal set; }

    /// <inheritdoc />
    public override string ToString() => Message;
}

/// <summary>A XenStore node: its path, its value.</summary>
public sealed class XenStoreItem
{
    internal XenStoreItem(string path, string value)
    {
        Path = path;
        Value = value;
        int slash = path.LastIndexOf('/');
        Name = slash >= 0 && slash < path.Length - 1 ? path[(slash + 1)..] : path;
    }

    /// <summary>The absolute path, e.g. <c>/local/domain/3/name</c>.</summary>
    public string Path { get; }

    /// <summary>The last segment of the path.</summary>
    public string Name { get; }

    /// <summary>The value (empty for a node that only holds children).</summary>
    public string Value { get; internal set; }

    /// <summary>The name of the host.</summary>
    public string HostName { get; internal set; } = string.Empty;

    /// <summary>The connection this object came from.</summary>
    public XenHostConnection? XenHost { get; internal set; }

    /// <inheritdoc />
    public override string ToString() => Path;
}

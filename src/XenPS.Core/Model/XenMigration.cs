namespace XenPS;

/// <summary>What <c>xl migrate</c> is asked to do.</summary>
public sealed class XenMigrationRequest
{
    /// <summary>Creates a request to migrate to <paramref name="destination"/>.</summary>
    /// <param name="destination">The destination host as xl's ssh command reaches it (for the simulator: the name of a host in the same fabric).</param>
    public XenMigrationRequest(string destination)
    {
        Destination = destination;
    }

    /// <summary>The destination host.</summary>
    public string Destination { get; }

    /// <summary>xl's <c>-s</c>: the command that reaches the destination (default <c>ssh</c>); <c>""</c> with destination <c>xl migrate-receive</c> migrates within one host.</summary>
    public string? SshCommand { get; init; }

    /// <summary>xl's <c>-C</c>: a config file on the sender to use instead of the domain's own.</summary>
    public string? ConfigPath { get; init; }

    /// <summary>xl's <c>-p</c>: leave the domain paused at the destination.</summary>
    public bool Paused { get; init; }

    /// <summary>The longest the migration may take; <see langword="null"/> for no limit.</summary>
    public TimeSpan? Timeout { get; init; }
}

/// <summary>The outcome of a successful migration.</summary>
public sealed class XenMigrationResult
{
    internal XenMigrationResult(string domainName, string sourceHost, string destination)
    {
        DomainName = domainName;
        SourceHost = sourceHost;
        Destination = destination;
    }

    /// <summary>The migrated domain.</summary>
    public string DomainName { get; }

    /// <summary>The host it left.</summary>
    public string SourceHost { get; }

    /// <summary>The host it went to.</summary>
    public string Destination { get; }

    /// <summary>The guest's UUID (the same on both hosts).</summary>
    public Guid? Uuid { get; internal set; }

    /// <summary>When the migration started.</summary>
    public DateTimeOffset StartTime { get; internal set; }

    /// <summary>How long it took.</summary>
    public TimeSpan Duration { get; internal set; }

    /// <summary>The guest's domid at the destination.</summary>
    public int? NewId { get; internal set; }

    /// <summary>Where the guest's config file now lives (the destination's after <c>-MoveConfig</c>), or <see langword="null"/> when it has none.</summary>
    public string? ConfigPath { get; internal set; }

    /// <summary>The destination connection.</summary>
    public XenHostConnection? DestinationHost { get; internal set; }

    /// <summary>xl's own output (the receiver's progress and the final verdict).</summary>
    public string Log { get; internal set; } = string.Empty;

    /// <summary>The name of the source host.</summary>
    public string HostName { get; internal set; } = string.Empty;

    /// <summary>The source connection.</summary>
    public XenHostConnection? XenHost { get; internal set; }
}

/// <summary>One reason a guest cannot (or should not) migrate, as Hyper-V's <c>Compare-VM</c> reports incompatibilities.</summary>
public sealed class XenMigrationProblem
{
    internal XenMigrationProblem(string id, string message, object? source)
    {
        Id = id;
        Message = message;
        Source = source;
    }

    /// <summary>A stable id: <c>DestinationUnreachable</c>, <c>DestinationAuthenticationFailed</c>, <c>DestinationXlMissing</c>, <c>XenVersionIncompatible</c>, <c>InsufficientMemory</c>, <c>DiskNotFound</c>, <c>BridgeNotFound</c>, <c>DomainNameExists</c>, <c>NoStoredConfig</c>, <c>ShadowPagingUnavailable</c>, <c>DomainNotRunning</c>, <c>ControlDomain</c>.</summary>
    public string Id { get; }

    /// <summary>What is wrong, as a sentence.</summary>
    public string Message { get; }

    /// <summary>The object the problem is about (a <see cref="XenDisk"/>, a <see cref="XenNetworkAdapter"/>, a <see cref="XenHostInfo"/>, the <see cref="XenDomain"/>...).</summary>
    public object? Source { get; }

    /// <summary>
    /// Whether <c>-Force</c> may try anyway: every problem but <c>DomainNotRunning</c> and <c>ControlDomain</c> (there
    /// is no running guest to move, and xl would only fail with "invalid domain identifier").
    /// </summary>
    public bool CanForce => Id is not ("DomainNotRunning" or "ControlDomain");

    /// <inheritdoc />
    public override string ToString() => $"{Id}: {Message}";
}

/// <summary>Whether a guest can migrate to a destination (<c>Test-XenMigration</c>), and why not.</summary>
public sealed class XenMigrationCheck
{
    internal XenMigrationCheck(string domainName, string sourceHost, string destination, IReadOnlyList<XenMigrationProblem> problems)
    {
        DomainName = domainName;
        SourceHost = sourceHost;
        Destination = destination;
        Problems = problems;
    }

    /// <summary>The guest.</summary>
    public string DomainName { get; }

    /// <summary>The guest's UUID.</summary>
    public Guid? Uuid { get; internal set; }

    /// <summary>The host it runs on.</summary>
    public string SourceHost { get; }

    /// <summary>The host it would go to.</summary>
    public string Destination { get; }

    /// <summary>True when no problem was found.</summary>
    public bool CanMigrate => Problems.Count == 0;

    /// <summary>The problems found.</summary>
    public IReadOnlyList<XenMigrationProblem> Problems { get; }

    /// <summary>The destination's free memory in MiB as XenPS read it (before this guest), or <see langword="null"/> when unknown.</summary>
    public long? DestinationFreeMemoryMB { get; internal set; }

    /// <summary>The guest's memory in MiB.</summary>
    public long MemoryMB { get; internal set; }

    /// <summary>The name of the source host.</summary>
    public string HostName { get; internal set; } = string.Empty;

    /// <summary>The source connection.</summary>
    public XenHostConnection? XenHost { get; internal set; }

    /// <summary>The destination connection.</summary>
    public XenHostConnection? DestinationHost { get; internal set; }
}

/// <summary>The phases of a migration as xl's lines announce them (<c>tools/xl/xl_migrate.c</c>, <c>xl_saverestore.c</c>).</summary>
public enum XenMigrationPhase
{
    /// <summary>xl started; the source connects to the destination.</summary>
    Connecting,

    /// <summary>"migration target: Ready to receive domain."</summary>
    ReceiverReady,

    /// <summary>"Saving to migration stream new xl format ...": the memory image streams over.</summary>
    Transferring,

    /// <summary>"migration target: Transfer complete, requesting permission to start domain." / "migration sender: Target has acknowledged transfer."</summary>
    TransferComplete,

    /// <summary>"migration sender: Giving target permission to start." (past this point a failure leaves the state undefined).</summary>
    PermissionGiven,

    /// <summary>"migration target: Domain started successsfully." (xl's spelling).</summary>
    Started,

    /// <summary>"Migration successful."</summary>
    Succeeded,
}

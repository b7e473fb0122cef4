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

    /// <summary>How long it took.</summary>
    public TimeSpan Duration { get; internal set; }

    /// <summary>xl's own output (the receiver's progress and the final verdict).</summary>
    public string Log { get; internal set; } = string.Empty;

    /// <summary>The name of the source host.</summary>
    public string HostName { get; internal set; } = string.Empty;

    /// <summary>The source connection.</summary>
    public XenHostConnection? XenHost { get; internal set; }
}

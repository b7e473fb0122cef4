namespace XenPS.Simulation;

/// <summary>
/// A failure inside the simulated host, carried as what real xl would have printed: the command,
/// its exit code and its stderr. The toolstack turns it into the same exception type the xl
/// toolstack raises for the same stderr (<see cref="SimErrorClassifier"/>).
/// </summary>
internal sealed class SimXlError : Exception
{
    public SimXlError(string commandLine, int exitCode, string standardError, string? domain, bool commit = false)
        : base(standardError)
    {
        CommandLine = commandLine;
        ExitCode = exitCode;
        StandardError = standardError;
        Domain = domain;
        Commit = commit;
    }

    public string CommandLine { get; }

    public int ExitCode { get; }

    public string StandardError { get; }

    public string? Domain { get; }

    /// <summary>Whether the state changed before the failure and must be kept (real xl leaves the same traces: a consumed domid, a stale vif).</summary>
    public bool Commit { get; }

    /// <summary>Set when a migration failed after the point of no return.</summary>
    public bool? MigrationStateUndefined { get; init; }
}

/// <summary>
/// Maps xl's stderr to XenPS exceptions, so that the simulator raises what the xl toolstack raises
/// for the same words.
/// </summary>
internal static class SimErrorClassifier
{
    public static XenException ToException(SimXlError error, string hostName)
    {
        string text = error.StandardError;
        if (error.MigrationStateUndefined is bool undefined)
        {
            return new XenMigrationException(error.CommandLine, error.ExitCode, text, hostName, error.Domain, undefined);
        }

        if (text.Contains("is an invalid domain identifier", StringComparison.Ordinal))
        {
            return new XenDomainNotFoundException(error.Domain ?? string.Empty, hostName, text.Trim());
        }

        if (text.Contains("device already exists in xenstore", StringComparison.Ordinal))
        {
            return new XenDeviceInUseException(error.CommandLine, error.ExitCode, text, hostName, error.Domain);
        }

        if (text.Contains("Domain with name \"", StringComparison.Ordinal) && text.Contains("\" already exists.", StringComparison.Ordinal))
        {
            return new XenDomainExistsException(error.CommandLine, error.ExitCode, text, hostName, error.Domain);
        }

        if (text.Contains("Out of memory", StringComparison.Ordinal)
            || text.Contains("Cannot allocate memory", StringComparison.Ordinal)
            || text.Contains("You are overcommmitting!", StringComparison.Ordinal))
        {
            return new XenInsufficientMemoryException(error.CommandLine, error.ExitCode, text, hostName, error.Domain);
        }

        if (error.CommandLine.StartsWith("xl migrate", StringComparison.Ordinal))
        {
            bool badly = text.Contains("Migration failed during final handshake", StringComparison.Ordinal);
            return new XenMigrationException(error.CommandLine, error.ExitCode, text, hostName, error.Domain, badly);
        }

        return new XlCommandException(error.CommandLine, error.ExitCode, text, hostName, error.Domain);
    }
}

using XenPS.Toolstack.Xl;

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
/// Turns what the simulated xl printed into an exception through the xl toolstack's own classifier
/// (<see cref="XlErrorClassifier"/>), so that both backends raise the same types for the same words.
/// </summary>
internal static class SimErrorClassifier
{
    public static XenException ToException(SimXlError error, string hostName)
    {
        if (error.ExitCode == 0 && XlErrorClassifier.Subcommand(error.CommandLine) == "unpause")
        {
            // 275: xl printed a libxl error and exited 0; the domain was not paused.
            return XlErrorClassifier.NotPaused(error.Domain ?? string.Empty, hostName, error.StandardError);
        }

        if (error.MigrationStateUndefined is bool undefined)
        {
            XenMigrationFailureKind kind = XlErrorClassifier.MigrationFailure(error.StandardError);
            return new XenMigrationException(error.CommandLine, error.ExitCode, error.StandardError, hostName, error.Domain,
                undefined ? XenMigrationFailureKind.StateUndefined : kind);
        }

        return XlErrorClassifier.Classify(error.CommandLine, error.ExitCode, error.StandardError, hostName, error.Domain);
    }
}

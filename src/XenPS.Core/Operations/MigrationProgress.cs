namespace XenPS.Operations;

/// <summary>One step of a migration as xl announced it: the phase, a percentage that only grows, and xl's line.</summary>
/// <param name="Phase">The phase the line starts.</param>
/// <param name="PercentComplete">How far the migration is (0-100), never less than an earlier report.</param>
/// <param name="Line">xl's line, verbatim.</param>
public sealed record XenMigrationProgress(XenMigrationPhase Phase, int PercentComplete, string Line);

/// <summary>
/// Turns xl's migration lines into phases as they arrive. xl prints no per-page progress (the real transcripts,
/// fixtures 141, 145, 176, and <c>xl -v migrate</c> on the harness), only these milestones; their order differs
/// between the same-host and the ssh form (the sender's "Saving to migration stream" may come before the
/// receiver's "Ready to receive"), so the percentage is the highest milestone seen.
/// </summary>
public sealed class MigrationProgressTracker
{
    private static readonly (string Prefix, XenMigrationPhase Phase, int Percent)[] s_milestones =
    [
        ("migration target: Ready to receive domain.", XenMigrationPhase.ReceiverReady, 10),
        ("Saving to migration stream new xl format", XenMigrationPhase.Transferring, 20),
        ("xc: info: Restore successful", XenMigrationPhase.Transferring, 60),
        ("migration target: Transfer complete, requesting permission to start domain.", XenMigrationPhase.TransferComplete, 70),
        ("migration sender: Target has acknowledged transfer.", XenMigrationPhase.TransferComplete, 75),
        ("migration sender: Giving target permission to start.", XenMigrationPhase.PermissionGiven, 80),
        ("migration target: Got permission, starting domain.", XenMigrationPhase.PermissionGiven, 85),
        ("migration target: Domain started successsfully.", XenMigrationPhase.Started, 90),
        ("migration sender: Target reports successful startup.", XenMigrationPhase.Started, 95),
        ("Migration successful.", XenMigrationPhase.Succeeded, 100),
    ];

    /// <summary>The highest phase seen so far.</summary>
    public XenMigrationPhase Phase { get; private set; } = XenMigrationPhase.Connecting;

    /// <summary>The highest percentage seen so far.</summary>
    public int PercentComplete { get; private set; }

    /// <summary>The report for <paramref name="line"/> when it is a milestone, else <see langword="null"/>.</summary>
    public XenMigrationProgress? Push(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        string text = line.Trim();
        foreach ((string prefix, XenMigrationPhase phase, int percent) in s_milestones)
        {
            if (text.StartsWith(prefix, StringComparison.Ordinal))
            {
                if (percent > PercentComplete)
                {
                    PercentComplete = percent;
                    Phase = phase;
                }

                return new XenMigrationProgress(Phase, PercentComplete, text);
            }
        }

        return null;
    }
}

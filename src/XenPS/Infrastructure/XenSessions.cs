using System.Management.Automation.Runspaces;
using XenPS.Operations;

namespace XenPS.Commands;

/// <summary>The per-runspace session store: each runspace (a pwsh session, a job, a ForEach-Object -Parallel runspace) has its own connections. Never $global:.</summary>
internal static class XenSessions
{
    private static readonly XenSessionStore s_store = new();

    /// <summary>The session of the runspace the calling cmdlet runs in. Only on the pipeline thread: a worker thread has no runspace, and must be given the session captured before it started.</summary>
    /// <exception cref="InvalidOperationException">Called off a runspace's thread (a bug: there is no shared fallback session).</exception>
    public static XenSession Current => s_store.For(
        (object?)Runspace.DefaultRunspace
        ?? throw new InvalidOperationException("XenPS looked up its session on a thread without a runspace; the session must be captured on the pipeline thread."));
}

using System.Management.Automation.Runspaces;
using XenPS.Operations;

namespace XenPS.Commands;

/// <summary>The per-runspace session store: each runspace (a pwsh session, a job, a ForEach-Object -Parallel runspace) has its own connections. Never $global:.</summary>
internal static class XenSessions
{
    private static readonly XenSessionStore s_store = new();
    private static readonly object s_noRunspace = new();

    /// <summary>The session of the runspace the calling cmdlet runs in.</summary>
    public static XenSession Current => s_store.For((object?)Runspace.DefaultRunspace ?? s_noRunspace);
}

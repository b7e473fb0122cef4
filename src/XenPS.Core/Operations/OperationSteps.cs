namespace XenPS.Operations;

/// <summary>
/// The steps of one multi-step operation (rename with its config file, set with -Persist, remove with its
/// autostart link, create and start): each step that happened is recorded with how to undo it, so that a
/// later failure undoes what it can, newest first, and the error tells exactly what happened, e.g.
/// "renamed the running domain to web9; writing /etc/xen/web9.cfg failed: ...; renamed it back".
/// </summary>
public sealed class OperationSteps
{
    private readonly string _what;
    private readonly string _hostName;
    private readonly string? _domain;
    private readonly List<Step> _done = new();

    /// <summary>Starts the record of an operation.</summary>
    /// <param name="what">The operation as the start of a sentence, e.g. "Renaming domain 'web1' on host 'lab' to 'web9'".</param>
    /// <param name="hostName">The host.</param>
    /// <param name="domain">The domain, as the user named it.</param>
    public OperationSteps(string what, string hostName, string? domain)
    {
        _what = what;
        _hostName = hostName;
        _domain = domain;
    }

    /// <summary>What has happened so far, in order.</summary>
    public IReadOnlyList<string> Happened => _done.Select(s => s.Description).ToList();

    /// <summary>Records a step that happened, with how to undo it (none when it cannot be undone, or need not be).</summary>
    /// <param name="description">What happened, e.g. "renamed the running domain to web9".</param>
    /// <param name="undoDescription">What undoing it does, e.g. "renamed it back".</param>
    /// <param name="undo">The undo; runs only after a later step fails.</param>
    public void Done(string description, string? undoDescription = null, Func<CancellationToken, Task>? undo = null) =>
        _done.Add(new Step(description, undoDescription, undo));

    /// <summary>
    /// Runs <paramref name="step"/>; when it fails, undoes the earlier steps (newest first) and throws
    /// <see cref="XenStepsException"/> telling the whole story. A step that fails with nothing done before
    /// it rethrows its own failure unchanged. Cancellation of the operation does not stop the undo.
    /// </summary>
    /// <param name="description">The step as a phrase, e.g. "writing /etc/xen/web9.cfg".</param>
    /// <param name="step">The step.</param>
    /// <param name="after">A last sentence for the error (what the user can do now), or null.</param>
    public async Task RunAsync(string description, Func<Task> step, string? after = null)
    {
        try
        {
            await step().ConfigureAwait(false);
        }
        catch (Exception failure) when (_done.Count > 0)
        {
            throw await FailAsync(description, failure, after).ConfigureAwait(false);
        }
    }

    /// <summary>Undoes what was done (newest first) after <paramref name="failure"/> of <paramref name="description"/>, and returns the error to throw.</summary>
    public async Task<XenStepsException> FailAsync(string description, Exception failure, string? after = null)
    {
        if (failure is AggregateException { InnerExceptions.Count: 1 } agg)
        {
            failure = agg.InnerExceptions[0];
        }

        var undone = new List<string>();
        var notUndone = new List<string>();
        bool complete = true;
        foreach (Step s in Enumerable.Reverse(_done))
        {
            if (s.Undo is null)
            {
                continue;
            }

            try
            {
                // The operation's own token may be what failed (Ctrl+C): undoing must still happen. The
                // transport's own timeouts bound each undo.
                await s.Undo(CancellationToken.None).ConfigureAwait(false);
                undone.Add(s.UndoDescription ?? "undid it");
            }
            catch (Exception undoFailure)
            {
                complete = false;
                notUndone.Add($"{s.UndoDescription ?? "undoing '" + s.Description + "'"} failed too: {Reason(undoFailure)}");
            }
        }

        var parts = new List<string>();
        parts.AddRange(_done.Select(s => s.Description));
        parts.Add($"{description} failed: {Reason(failure)}");
        parts.AddRange(undone);
        parts.AddRange(notUndone);
        string story = $"{_what}: {string.Join("; ", parts)}.";
        if (!complete)
        {
            story += $" The steps are half done on host '{_hostName}': check the domain before going on.";
        }

        if (after is not null)
        {
            story += " " + after;
        }

        return new XenStepsException(story, failure, Happened, undone, complete) { HostName = _hostName, Domain = _domain };
    }

    private static string Reason(Exception e) => e.Message.Trim().TrimEnd('.');

    private sealed record Step(string Description, string? UndoDescription, Func<CancellationToken, Task>? Undo);
}

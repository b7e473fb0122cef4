using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace XenPS.Transport;

/// <summary>
/// A long-running command started by <see cref="IXenTransport.StartAsync"/>: its standard output as lines
/// while it runs, its standard error captured, its exit code at the end. Disposing it (or cancelling the token it
/// was started with) kills the process if it still runs.
/// </summary>
/// <remarks>
/// Read <see cref="ReadLinesAsync"/> to the end, then await <see cref="WaitForExitAsync"/> for the exit code and
/// stderr (its <see cref="CommandResult.StandardOutput"/> is empty: the lines were handed out as they came).
/// Lines that nobody reads are buffered, so a slow consumer never blocks the program.
/// </remarks>
public sealed class StreamingCommand : IAsyncDisposable
{
    private readonly Channel<string> _lines;
    private readonly Task<CommandResult> _completion;
    private readonly Func<ValueTask> _kill;
    private int _disposed;

    /// <summary>Creates the handle; transports (and test doubles) build it over their own process or simulation.</summary>
    /// <param name="displayText">The command as a user reads it.</param>
    /// <param name="lines">The stdout lines; the writer completes it when stdout ends.</param>
    /// <param name="completion">Completes with the exit code and stderr once the program has exited.</param>
    /// <param name="kill">Stops the program (idempotent).</param>
    public StreamingCommand(string displayText, Channel<string> lines, Task<CommandResult> completion, Func<ValueTask> kill)
    {
        ArgumentNullException.ThrowIfNull(lines);
        ArgumentNullException.ThrowIfNull(completion);
        ArgumentNullException.ThrowIfNull(kill);
        DisplayText = displayText;
        _lines = lines;
        _completion = completion;
        _kill = kill;
    }

    /// <summary>The command as a user reads it (for messages).</summary>
    public string DisplayText { get; }

    /// <summary>The standard output, line by line (without the line end), as the program writes it.</summary>
    public async IAsyncEnumerable<string> ReadLinesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (await _lines.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            while (_lines.Reader.TryRead(out string? line))
            {
                yield return line;
            }
        }
    }

    /// <summary>Waits for the program to exit: its exit code and standard error.</summary>
    public Task<CommandResult> WaitForExitAsync(CancellationToken cancellationToken = default) =>
        _completion.WaitAsync(cancellationToken);

    /// <summary>Kills the program if it still runs.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (!_completion.IsCompleted)
        {
            await _kill().ConfigureAwait(false);
        }

        try
        {
            await _completion.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or TimeoutException or XenException or IOException)
        {
            // Disposing reports nothing: the caller already has (or no longer wants) the outcome.
        }
    }
}

using Microsoft.Extensions.Logging;

namespace XenPS.Logging;

/// <summary>
/// Routes Core's log messages to whichever cmdlet is running the code that logs.
/// </summary>
/// <remarks>
/// A connection (and the toolstack and transport under it) outlives the Connect-XenHost call that
/// made it, and is used by many cmdlets afterwards, several at once in one pipeline. So Core's
/// loggers do not hold a cmdlet's queue: they write to the queue that the current async flow
/// carries (<see cref="Use"/> sets it; it flows into Task.Run and awaits, and not elsewhere). A
/// message logged outside any cmdlet is dropped, not kept forever.
/// </remarks>
public static class AmbientLog
{
    private static readonly AsyncLocal<QueuedLoggerProvider?> s_current = new();

    /// <summary>The logger factory every Core object is given by the module.</summary>
    public static ILoggerFactory Factory { get; } = LoggerFactory.Create(b =>
    {
        b.SetMinimumLevel(LogLevel.Trace);
        b.AddProvider(new RoutingProvider());
    });

    /// <summary>The queue messages of this async flow go to, if any.</summary>
    public static QueuedLoggerProvider? Current => s_current.Value;

    /// <summary>Sends this flow's messages (and those of tasks started from it) to <paramref name="sink"/> until disposed.</summary>
    public static Scope Use(QueuedLoggerProvider? sink)
    {
        var previous = s_current.Value;
        s_current.Value = sink;
        return new Scope(previous);
    }

    /// <summary>Restores the previous sink.</summary>
    public readonly struct Scope : IDisposable
    {
        private readonly QueuedLoggerProvider? _previous;

        internal Scope(QueuedLoggerProvider? previous) => _previous = previous;

        /// <inheritdoc />
        public void Dispose() => s_current.Value = _previous;
    }

    private sealed class RoutingProvider : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new RoutingLogger(categoryName);

        public void Dispose()
        {
        }
    }

    private sealed class RoutingLogger(string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => s_current.Value?.CreateLogger(category).IsEnabled(logLevel) ?? false;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            s_current.Value?.CreateLogger(category).Log(logLevel, eventId, state, exception, formatter);
    }
}

using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace XenPS.Logging;

/// <summary>One log message waiting for the pipeline thread.</summary>
/// <param name="Level">The level.</param>
/// <param name="Category">The logger's category (the Core class that logged).</param>
/// <param name="Message">The formatted message (with the exception's message, if any).</param>
public sealed record QueuedLogMessage(LogLevel Level, string Category, string Message);

/// <summary>
/// An <see cref="ILoggerProvider"/> whose loggers only enqueue. Core logs from any thread; the cmdlet
/// drains the queue on the pipeline thread and writes Verbose/Debug/Warning there (PowerShell's
/// Write* methods must not be called from other threads; see jborean93/ProcessEx).
/// </summary>
public sealed class QueuedLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<QueuedLogMessage> _queue = new();
    private readonly LogLevel _minimumLevel;

    /// <summary>Creates a provider that keeps messages at <paramref name="minimumLevel"/> and above.</summary>
    public QueuedLoggerProvider(LogLevel minimumLevel = LogLevel.Debug)
    {
        _minimumLevel = minimumLevel;
    }

    /// <summary>Messages waiting.</summary>
    public int Count => _queue.Count;

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new QueueLogger(this, categoryName);

    /// <summary>Takes the oldest waiting message.</summary>
    public bool TryDequeue(out QueuedLogMessage message)
    {
        if (_queue.TryDequeue(out QueuedLogMessage? m))
        {
            message = m;
            return true;
        }

        message = null!;
        return false;
    }

    /// <summary>Takes every waiting message, oldest first.</summary>
    public IReadOnlyList<QueuedLogMessage> Drain()
    {
        var list = new List<QueuedLogMessage>();
        while (_queue.TryDequeue(out QueuedLogMessage? m))
        {
            list.Add(m);
        }

        return list;
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private sealed class QueueLogger(QueuedLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && logLevel >= owner._minimumLevel;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            string text = formatter(state, exception);
            if (exception is not null)
            {
                text = $"{text} ({exception.GetType().Name}: {exception.Message})";
            }

            owner._queue.Enqueue(new QueuedLogMessage(logLevel, category, text));
        }
    }
}

/// <summary>Where a queued message goes in PowerShell.</summary>
public enum PowerShellStream
{
    /// <summary>Dropped.</summary>
    None,

    /// <summary>Write-Debug.</summary>
    Debug,

    /// <summary>Write-Verbose.</summary>
    Verbose,

    /// <summary>Write-Warning.</summary>
    Warning,
}

/// <summary>The mapping from log levels to PowerShell streams.</summary>
public static class LogStreamMap
{
    /// <summary>Trace and Debug → Debug; Information → Verbose; Warning, Error and Critical → Warning (failures themselves are ErrorRecords, not log lines).</summary>
    public static PowerShellStream For(LogLevel level) => level switch
    {
        LogLevel.Trace or LogLevel.Debug => PowerShellStream.Debug,
        LogLevel.Information => PowerShellStream.Verbose,
        LogLevel.Warning or LogLevel.Error or LogLevel.Critical => PowerShellStream.Warning,
        _ => PowerShellStream.None,
    };
}

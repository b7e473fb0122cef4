using System.Management.Automation;
using Microsoft.Extensions.Logging;
using XenPS.Errors;
using XenPS.Logging;

namespace XenPS.Commands;

/// <summary>
/// The base of every XenPS cmdlet: a cancellation token cancelled by Ctrl+C (StopProcessing),
/// Core's log output bridged to Verbose/Debug/Warning on the pipeline thread, and one way to turn
/// Core failures into ErrorRecords.
/// </summary>
public abstract class XenCmdlet : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _cancellation = new();
    private QueuedLoggerProvider? _logProvider;
    private bool _disposed;
    private Operations.DomainLifecycle? _lifecycle;
    private Operations.DomainConfigOperations? _configOperations;

    /// <summary>The lifecycle operations, logging to this cmdlet's streams.</summary>
    protected Operations.DomainLifecycle Lifecycle => _lifecycle ??= new Operations.DomainLifecycle(LoggerFactory);

    /// <summary>The config-file operations, logging to this cmdlet's streams.</summary>
    protected Operations.DomainConfigOperations ConfigOperations => _configOperations ??= new Operations.DomainConfigOperations(LoggerFactory);

    /// <summary>Cancelled when the user presses Ctrl+C or the pipeline stops.</summary>
    protected CancellationToken CancellationToken => _cancellation.Token;

    /// <summary>
    /// The logger factory Core objects get. Their messages reach this cmdlet's Verbose/Debug/Warning
    /// streams while the work runs inside <see cref="Run{T}"/> or <see cref="LogScope"/> (drained by <see cref="FlushLog"/>).
    /// </summary>
    protected static ILoggerFactory LoggerFactory => AmbientLog.Factory;

    private QueuedLoggerProvider LogQueue => _logProvider ??= new QueuedLoggerProvider(LogLevel.Debug);

    /// <summary>Routes Core log messages of work started inside the scope (on any thread) to this cmdlet.</summary>
    protected AmbientLog.Scope LogScope() => AmbientLog.Use(LogQueue);

    /// <summary>Writes queued Core log messages. Call only on the pipeline thread.</summary>
    protected void FlushLog()
    {
        if (_logProvider is null)
        {
            return;
        }

        while (_logProvider.TryDequeue(out QueuedLogMessage m))
        {
            switch (LogStreamMap.For(m.Level))
            {
                case PowerShellStream.Debug:
                    WriteDebug(m.Message);
                    break;
                case PowerShellStream.Verbose:
                    WriteVerbose(m.Message);
                    break;
                case PowerShellStream.Warning:
                    WriteWarning(m.Message);
                    break;
            }
        }
    }

    /// <summary>Runs a Core operation to completion on the pipeline thread, writing log messages as they arrive.</summary>
    protected T Run<T>(Func<CancellationToken, Task<T>> operation)
    {
        Task<T> task;
        using (LogScope())
        {
            task = Task.Run(() => operation(CancellationToken), CancellationToken);
        }

        PumpUntilDone(task);
        return task.GetAwaiter().GetResult();
    }

    /// <summary>Runs a Core operation to completion on the pipeline thread, writing log messages as they arrive.</summary>
    protected void Run(Func<CancellationToken, Task> operation)
    {
        Task task;
        using (LogScope())
        {
            task = Task.Run(() => operation(CancellationToken), CancellationToken);
        }

        PumpUntilDone(task);
        task.GetAwaiter().GetResult();
    }

    private void PumpUntilDone(Task task)
    {
        // Task.WaitAny does not throw for a faulted task (Task.Wait would wrap the failure in an
        // AggregateException); the caller's GetResult() rethrows the original exception.
        while (Task.WaitAny([task], 50) < 0)
        {
            FlushLog();
        }

        FlushLog();
    }

    /// <summary>Writes a non-terminating error for a per-item failure.</summary>
    protected void WriteXenError(Exception exception, object? target) => WriteError(ErrorRecordFactory.Create(exception, target));

    /// <summary>Stops the cmdlet with a terminating error (an invalid invocation).</summary>
    protected void ThrowXenError(Exception exception, object? target) => ThrowTerminatingError(ErrorRecordFactory.Create(exception, target));

    /// <inheritdoc />
    protected override void EndProcessing() => FlushLog();

    /// <inheritdoc />
    protected override void StopProcessing() => _cancellation.Cancel();

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Cancels what is still running, then releases the cancellation source and the logger factory.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (_disposed)
        {
            return;
        }

        if (disposing)
        {
            // A pipeline can end without StopProcessing reaching this command (Select-Object -First
            // upstream, then Ctrl+C): disposal cancels too, so no work goes on unobserved after it.
            _cancellation.Cancel();
            _cancellation.Dispose();
            _logProvider?.Dispose();
        }

        _disposed = true;
    }
}

using System.Management.Automation;
using Microsoft.Extensions.Logging;
using XenPS.Logging;
using XenPS.Operations;

namespace XenPS.Commands;

/// <summary>
/// The job <c>Invoke-XenMigration -AsJob</c> returns: one per invocation, registered with the job repository, so
/// <c>Get-Job</c>, <c>Wait-Job</c>, <c>Receive-Job</c>, <c>Stop-Job</c> and <c>Remove-Job</c> work on it. Its
/// Output holds the results (with <c>-PassThru</c>), its Error the per-guest failures, its Progress xl's phases,
/// its Warning and Verbose what the migrations said (where a config file stays, what was moved); Receive-Job
/// writes them as the cmdlet itself would.
/// </summary>
public sealed class XenMigrationJob : Job
{
    private readonly MigrationOperations _operations;
    private readonly XenMigrationOptions _options;
    private readonly bool _passThru;
    private readonly int _throttle;
    private readonly MigrationPlacement _placement;
    private readonly CancellationTokenSource _cancellation = new();

    // Core logs into the async flow's queue (AmbientLog); the job's flow has its own, drained into Warning and
    // Verbose after each migration (Debug, every xl command, is left out of a job that may run for hours).
    private readonly QueuedLoggerProvider _log = new(LogLevel.Information);
    private readonly object _drainGate = new();
    private int _done;
    private int _count;

    internal XenMigrationJob(string command, MigrationOperations operations, XenMigrationOptions options, bool passThru, int throttle, MigrationPlacement placement)
        : base(command, "XenMigration")
    {
        PSJobTypeName = "XenMigrationJob";
        _operations = operations;
        _options = options;
        _passThru = passThru;
        _throttle = throttle;
        _placement = placement;
    }

    /// <inheritdoc />
    public override bool HasMoreData => Output.Count > 0 || Error.Count > 0 || Progress.Count > 0 || Verbose.Count > 0 || Warning.Count > 0;

    /// <inheritdoc />
    public override string Location => string.Empty;

    /// <inheritdoc />
    public override string StatusMessage => $"{Volatile.Read(ref _done)} of {_count} migrations done";

    /// <inheritdoc />
    public override void StopJob()
    {
        _cancellation.Cancel();
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _cancellation.Cancel();
            _cancellation.Dispose();
        }

        base.Dispose(disposing);
    }

    internal void Start(IReadOnlyList<(DomainTarget Target, XenHostConnection Destination, XenMigrationRoute Route, XenMigrationCheck? Check)> items)
    {
        _count = items.Count;
        SetJobState(JobState.Running);
        _ = Task.Run(async () =>
        {
            using (AmbientLog.Use(_log))
            {
                await RunAsync(items).ConfigureAwait(false);
            }
        });
    }

    private void DrainLog()
    {
        lock (_drainGate)
        {
            foreach (QueuedLogMessage m in _log.Drain())
            {
                switch (LogStreamMap.For(m.Level))
                {
                    case PowerShellStream.Warning:
                        Warning.Add(new WarningRecord(m.Message));
                        break;
                    case PowerShellStream.Verbose:
                        Verbose.Add(new VerboseRecord(m.Message));
                        break;
                }
            }
        }
    }

    private async Task RunAsync(IReadOnlyList<(DomainTarget Target, XenHostConnection Destination, XenMigrationRoute Route, XenMigrationCheck? Check)> items)
    {
        CancellationToken ct = _cancellation.Token;
        using var gate = new SemaphoreSlim(_throttle);
        int activity = 1;
        var work = items.Select(async item =>
        {
            int id = Interlocked.Increment(ref activity);

            // Outside the try: a wait cancelled by Stop-Job never held the gate, so it must not release it.
            await gate.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                IProgress<XenMigrationProgress> progress = InvokeXenMigrationCommand.Reporter(Progress.Add, id, item.Target, item.Destination);
                XenMigrationResult r = await _operations.MigrateAsync(item.Target, item.Destination, item.Route, _options, progress, ct).ConfigureAwait(false);
                if (_passThru)
                {
                    Output.Add(PSObject.AsPSObject(r));
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                if (ex is XenException x)
                {
                    x.NameDomain(item.Target.Domain.Name);
                }

                Error.Add(ErrorRecordFactory.Create(ex, item.Target.Domain));
            }
            finally
            {
                Progress.Add(new ProgressRecord(id, InvokeXenMigrationCommand.Activity(item.Target, item.Destination), "Done") { RecordType = ProgressRecordType.Completed });
                if (item.Check is not null)
                {
                    _placement.Release(item.Check);
                }

                DrainLog();
                Interlocked.Increment(ref _done);
                gate.Release();
            }
        }).ToList();

        try
        {
            await Task.WhenAll(work).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped: the state says so below.
        }

        DrainLog();

        // As Start-Job and Start-ThreadJob: per-guest failures are in Error; the job itself completed.
        SetJobState(ct.IsCancellationRequested ? JobState.Stopped : JobState.Completed);
    }
}

using System.Collections.Concurrent;

namespace XenPS.Operations;

/// <summary>The outcome of one item of a bulk operation.</summary>
/// <typeparam name="TItem">The item type.</typeparam>
/// <param name="Item">The item.</param>
/// <param name="Result">The operation's result, when it succeeded.</param>
/// <param name="Error">The failure, when it failed.</param>
public sealed record BulkOutcome<TItem>(TItem Item, object? Result, Exception? Error)
{
    /// <summary>Whether the operation succeeded.</summary>
    public bool Succeeded => Error is null;
}

/// <summary>
/// Runs per-item operations concurrently, at most <see cref="ThrottleLimit"/> at a time, and hands the
/// outcomes back in completion order to one consumer (the cmdlet's pipeline thread), which writes them.
/// Failures are outcomes, never thrown: one item's failure does not stop the rest (unlike
/// <c>xl shutdown -a</c>, which stops at the first). Cancellation (the caller's token, <see cref="Cancel"/>
/// or <see cref="Dispose"/>) stops outstanding items: once cancelled, no item starts its operation, and
/// running ones see their token cancelled.
/// </summary>
/// <typeparam name="TItem">The item type.</typeparam>
public sealed class BulkExecutor<TItem> : IDisposable
{
    private readonly SemaphoreSlim _slots;
    private readonly BlockingCollection<BulkOutcome<TItem>> _done = new();
    private readonly CancellationTokenSource _cancellation;
    private readonly CancellationToken _cancellationToken;
    private readonly object _sync = new();
    private int _submitted;
    private int _completed;
    private int _delivered;

    /// <summary>Creates an executor.</summary>
    /// <param name="throttleLimit">How many items may run at once (at least 1).</param>
    /// <param name="cancellationToken">Stops items that have not finished.</param>
    public BulkExecutor(int throttleLimit, CancellationToken cancellationToken)
    {
        if (throttleLimit < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(throttleLimit), throttleLimit, "ThrottleLimit must be at least 1.");
        }

        ThrottleLimit = throttleLimit;
        _slots = new SemaphoreSlim(throttleLimit, throttleLimit);
        _cancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _cancellationToken = _cancellation.Token;
    }

    /// <summary>How many items may run at once.</summary>
    public int ThrottleLimit { get; }

    /// <summary>Items submitted so far.</summary>
    public int Submitted => Volatile.Read(ref _submitted);

    /// <summary>Items finished so far (succeeded or failed).</summary>
    public int Completed => Volatile.Read(ref _completed);

    /// <summary>Starts <paramref name="operation"/> for <paramref name="item"/> as soon as a slot is free; returns at once.</summary>
    public void Submit(TItem item, Func<TItem, CancellationToken, Task<object?>> operation)
    {
        Interlocked.Increment(ref _submitted);
        _ = RunOneAsync(item, operation);
    }

    private async Task RunOneAsync(TItem item, Func<TItem, CancellationToken, Task<object?>> operation)
    {
        BulkOutcome<TItem> outcome;
        bool acquired = false;
        try
        {
            await _slots.WaitAsync(_cancellationToken).ConfigureAwait(false);
            acquired = true;

            // A slot can come free in the same moment as the cancellation: nothing new starts after it.
            _cancellationToken.ThrowIfCancellationRequested();
            object? result = await Task.Run(() => operation(item, _cancellationToken), _cancellationToken).ConfigureAwait(false);
            outcome = new BulkOutcome<TItem>(item, result, null);
        }
        catch (Exception ex)
        {
            outcome = new BulkOutcome<TItem>(item, null, ex);
        }
        finally
        {
            if (acquired)
            {
                _slots.Release();
            }
        }

        lock (_sync)
        {
            _completed++;
            _done.Add(outcome);
        }
    }

    /// <summary>Outcomes finished since the last call, without waiting.</summary>
    public IReadOnlyList<BulkOutcome<TItem>> TakeCompleted()
    {
        var list = new List<BulkOutcome<TItem>>();
        while (_done.TryTake(out BulkOutcome<TItem>? o))
        {
            list.Add(o);
            _delivered++;
        }

        return list;
    }

    /// <summary>Waits up to <paramref name="wait"/> for the next outcome; <see langword="null"/> when none came or everything is delivered.</summary>
    public BulkOutcome<TItem>? TakeNext(TimeSpan wait)
    {
        if (_delivered >= Submitted)
        {
            return null;
        }

        if (_done.TryTake(out BulkOutcome<TItem>? o, wait))
        {
            _delivered++;
            return o;
        }

        return null;
    }

    /// <summary>Whether every submitted item has been delivered to the consumer.</summary>
    public bool AllDelivered => _delivered >= Submitted;

    /// <summary>Whether the work was cancelled (by the caller's token, <see cref="Cancel"/> or <see cref="Dispose"/>).</summary>
    public bool IsCancelled => _cancellationToken.IsCancellationRequested;

    /// <summary>Cancels every item that has not finished; none that has not started will start.</summary>
    public void Cancel()
    {
        try
        {
            _cancellation.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already disposed, so already cancelled.
        }
    }

    /// <summary>
    /// Cancels what has not finished (disposal is never a way to let work run on unobserved). The slots
    /// and the outcome queue stay usable by items still unwinding; they hold no unmanaged resources.
    /// </summary>
    public void Dispose()
    {
        Cancel();
        _cancellation.Dispose();
    }
}

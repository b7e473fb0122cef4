using XenPS.Operations;

namespace XenPS.Core.Tests.Operations;

public sealed class BulkExecutorTests
{
    [Fact]
    public void Runs_at_most_the_throttle_limit_at_once_and_delivers_every_outcome()
    {
        int running = 0, peak = 0;
        using var gate = new SemaphoreSlim(0);
        using var bulk = new BulkExecutor<int>(3, CancellationToken.None);
        for (int i = 0; i < 10; i++)
        {
            bulk.Submit(i, async (item, ct) =>
            {
                int now = Interlocked.Increment(ref running);
                InterlockedMax(ref peak, now);
                await gate.WaitAsync(ct);
                Interlocked.Decrement(ref running);
                return item * 10;
            });
        }

        var outcomes = new List<BulkOutcome<int>>();
        while (!bulk.AllDelivered)
        {
            gate.Release();
            BulkOutcome<int>? o = bulk.TakeNext(TimeSpan.FromSeconds(10));
            Assert.NotNull(o);
            outcomes.Add(o);
        }

        Assert.Equal(Enumerable.Range(0, 10), outcomes.Select(o => o.Item).Order());
        Assert.All(outcomes, o => Assert.Equal(o.Item * 10, o.Result));
        Assert.InRange(peak, 1, 3);
        Assert.Equal(10, bulk.Completed);
    }

    [Fact]
    public void A_failure_is_an_outcome_and_the_rest_go_on()
    {
        using var bulk = new BulkExecutor<string>(2, CancellationToken.None);
        foreach (string n in new[] { "web1", "bad", "web2" })
        {
            bulk.Submit(n, (item, ct) => item == "bad" ? throw new XenDomainNotFoundException(item, "h") : Task.FromResult<object?>(item));
        }

        var outcomes = new List<BulkOutcome<string>>();
        while (bulk.TakeNext(TimeSpan.FromSeconds(10)) is { } o)
        {
            outcomes.Add(o);
        }

        Assert.Equal(3, outcomes.Count);
        Assert.IsType<XenDomainNotFoundException>(Assert.Single(outcomes, o => !o.Succeeded).Error);
        Assert.Equal(2, outcomes.Count(o => o.Succeeded));
    }

    [Fact]
    public void Cancellation_stops_outstanding_items()
    {
        using var cts = new CancellationTokenSource();
        using var bulk = new BulkExecutor<int>(1, cts.Token);
        for (int i = 0; i < 5; i++)
        {
            bulk.Submit(i, async (item, ct) =>
            {
                await Task.Delay(Timeout.Infinite, ct);
                return item;
            });
        }

        cts.Cancel();
        var outcomes = new List<BulkOutcome<int>>();
        while (bulk.TakeNext(TimeSpan.FromSeconds(10)) is { } o)
        {
            outcomes.Add(o);
        }

        Assert.Equal(5, outcomes.Count);
        Assert.All(outcomes, o => Assert.IsAssignableFrom<OperationCanceledException>(o.Error));
    }

    [Fact]
    public void Disposal_cancels_running_items_and_starts_no_queued_one()
    {
        // Issue 13, case 5: a cmdlet's pipeline can end (Select-Object -First upstream, then Ctrl+C) without
        // its token being cancelled; the executor's disposal must stop the work, not leave it running.
        int started = 0;
        var running = new SemaphoreSlim(0);
        var bulk = new BulkExecutor<int>(2, CancellationToken.None);
        for (int i = 0; i < 6; i++)
        {
            bulk.Submit(i, async (item, ct) =>
            {
                Interlocked.Increment(ref started);
                running.Release();
                await Task.Delay(Timeout.Infinite, ct);
                return item;
            });
        }

        Assert.True(running.Wait(TimeSpan.FromSeconds(10)));
        Assert.True(running.Wait(TimeSpan.FromSeconds(10)));
        bulk.Dispose();

        var outcomes = new List<BulkOutcome<int>>();
        while (bulk.TakeNext(TimeSpan.FromSeconds(10)) is { } o)
        {
            outcomes.Add(o);
        }

        Assert.Equal(6, outcomes.Count);
        Assert.All(outcomes, o => Assert.IsAssignableFrom<OperationCanceledException>(o.Error));
        Assert.Equal(2, Volatile.Read(ref started));
        Assert.True(bulk.IsCancelled);
    }

    [Fact]
    public void Cancel_starts_no_item_that_was_waiting_for_a_slot()
    {
        int started = 0;
        var gate = new TaskCompletionSource();
        var first = new SemaphoreSlim(0);
        using var bulk = new BulkExecutor<int>(1, CancellationToken.None);
        for (int i = 0; i < 4; i++)
        {
            bulk.Submit(i, async (item, ct) =>
            {
                Interlocked.Increment(ref started);
                first.Release();

                // The running item ignores cancellation (an xl call that cannot be interrupted).
                await gate.Task;
                return item;
            });
        }

        Assert.True(first.Wait(TimeSpan.FromSeconds(10)));
        bulk.Cancel();
        gate.SetResult();
        var outcomes = new List<BulkOutcome<int>>();
        while (bulk.TakeNext(TimeSpan.FromSeconds(10)) is { } o)
        {
            outcomes.Add(o);
        }

        Assert.Equal(4, outcomes.Count);
        Assert.Equal(1, Volatile.Read(ref started));
        Assert.Single(outcomes, o => o.Succeeded);
    }

    [Fact]
    public void Throttle_limit_below_one_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new BulkExecutor<int>(0, CancellationToken.None));

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}

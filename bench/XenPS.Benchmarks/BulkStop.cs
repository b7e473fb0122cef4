using XenPS.Operations;
using XenPS.Simulation;

namespace XenPS.Benchmarks;

/// <summary>
/// Stop-XenDomain -Name guest-* -ThrottleLimit T over 200 simulated guests whose shutdown takes 50 ms:
/// the listing that resolves the names, then the stops through the cmdlets' <see cref="BulkExecutor{TItem}"/>,
/// drained as the pipeline thread drains it. Ideal: ceil(200/T) × 50 ms.
/// </summary>
internal static class BulkStop
{
    public const int Guests = 200;
    public static readonly TimeSpan Latency = TimeSpan.FromMilliseconds(50);
    public static readonly int[] Throttles = [1, 4, 16, 64];

    public static double IdealMs(int throttle) => Math.Ceiling((double)Guests / throttle) * Latency.TotalMilliseconds;

    /// <summary>The control: the same executor and drain with an operation that only waits the latency (what this machine allows).</summary>
    public static async Task<Stats> MeasureExecutorAsync(int throttle, int repeats)
    {
        var values = new List<double>();
        for (int r = 0; r < repeats; r++)
        {
            Stats one = await Stats.TimeAsync(1, async () =>
            {
                using var bulk = new BulkExecutor<int>(throttle, CancellationToken.None);
                for (int i = 0; i < Guests; i++)
                {
                    bulk.Submit(i, async (_, ct) =>
                    {
                        await Task.Delay(Latency, ct);
                        return null;
                    });
                }

                await Task.Run(() =>
                {
                    for (int delivered = 0; delivered < Guests;)
                    {
                        delivered += bulk.TakeNext(TimeSpan.FromMilliseconds(100)) is null ? 0 : 1;
                    }
                });
            });
            values.Add(one.Values[0] / IdealMs(throttle));
        }

        return new Stats(values);
    }

    public static async Task<Stats> MeasureAsync(int throttle, int repeats)
    {
        var values = new List<double>();
        for (int r = 0; r < repeats; r++)
        {
            (XenHostConnection host, SimulatedFabric fabric) = await NewHostAsync();
            Stats one = await Stats.TimeAsync(1, () => StopAllAsync(host, throttle));
            values.Add(one.Values[0] / IdealMs(throttle));
            if ((await host.Toolstack.ListDomainsAsync(CancellationToken.None)).Count != 1)
            {
                throw new InvalidOperationException("not every guest stopped");
            }

            GC.KeepAlive(fabric);
        }

        return new Stats(values);
    }

    private static async Task<(XenHostConnection, SimulatedFabric)> NewHostAsync()
    {
        SimulatedFabric fabric = SimulatedFabric.InMemory();
        await fabric.AddHostAsync("bulk", new SimulatedHostOptions { TotalMemoryMB = 64 * 1024, CpuCount = 8 });
        SimulatedToolstack xl = fabric.GetToolstack("bulk");
        for (int i = 1; i <= Guests; i++)
        {
            await xl.CreateAsync($"name = \"{Fleet.Name(i)}\"\ntype = \"pvh\"\nkernel = \"/boot/vmlinuz\"\nmemory = 64\nvcpus = 1\nvif = [ 'bridge=xenbr0' ]\n", paused: false, CancellationToken.None);
        }

        await fabric.SetLatencyAsync("bulk", "Shutdown", Latency);
        return (new XenHostConnection("bulk", XenTransportKind.Simulated, xl), fabric);
    }

    private static async Task StopAllAsync(XenHostConnection host, int throttle)
    {
        var lifecycle = new DomainLifecycle();
        DomainResolution r = await DomainTargetResolver.ResolveAsync([host], new DomainSelector { Names = ["guest-*"], IncludeDom0WhenUnfiltered = false }, CancellationToken.None);
        using var bulk = new BulkExecutor<DomainTarget>(throttle, CancellationToken.None);
        foreach (DomainTarget t in r.Targets)
        {
            bulk.Submit(t, async (target, ct) => await lifecycle.StopAsync(target, force: false, wait: false, timeout: null, ct));
        }

        // The pipeline thread's loop: wait for each outcome in turn, on a thread of its own.
        await Task.Run(() =>
        {
            int delivered = 0;
            while (delivered < r.Targets.Count)
            {
                if (bulk.TakeNext(TimeSpan.FromMilliseconds(100)) is { } outcome)
                {
                    delivered++;
                    if (outcome.Error is { } error)
                    {
                        throw new InvalidOperationException($"{outcome.Item.Domain.Name}: {error.Message}", error);
                    }
                }
            }
        });
    }
}

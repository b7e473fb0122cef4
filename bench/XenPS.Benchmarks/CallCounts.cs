using XenPS.Operations;
using XenPS.Toolstack;

namespace XenPS.Benchmarks;

/// <summary>
/// Calls per command, counted on a <see cref="FleetTransport"/>: what each cmdlet's Core path (the same
/// calls its ProcessRecord makes: resolution, then the operation per domain) asks of xl for N domains.
/// "by name" is <c>Verb-XenDomain -Name guest-0001,...</c>; "piped" is <c>$domains | Verb-XenDomain</c>
/// (the objects of an earlier Get-XenDomain, located by their identity; no -PassThru).
/// </summary>
internal static class CallCounts
{
    public static readonly int[] Sizes = [1, 10, 200];

    public sealed record Row(string Command, string Way, int N, int Calls, int Listings, IReadOnlyDictionary<string, int> ByKind)
    {
        public double PerDomain => (double)Calls / N;
    }

    public static async Task<IReadOnlyList<Row>> MeasureAsync()
    {
        var rows = new List<Row>();
        foreach (int n in Sizes)
        {
            rows.Add(await CountAsync("Get", "by name", n, running: true, async (host, names, _) => await ResolveAsync(host, names, dom0: true)));
            rows.Add(await CountAsync("Get", "piped", n, running: true, async (host, _, piped) =>
            {
                var locator = new DomainLocator();
                foreach (DomainTarget t in piped)
                {
                    await locator.FindAsync(host, t.Domain, fresh: false, CancellationToken.None);
                }
            }));

            foreach ((string verb, bool running, Func<DomainTarget, Task> act) in Verbs())
            {
                rows.Add(await CountAsync(verb, "by name", n, running, async (host, names, _) =>
                {
                    var locator = new DomainLocator();
                    foreach (DomainTarget t in await ResolveAsync(host, names, dom0: false))
                    {
                        await act(t with { Locator = locator, ReadBack = false });
                    }
                }));
                rows.Add(await CountAsync(verb, "piped", n, running, async (host, _, piped) =>
                {
                    // A piped object: its own identity, as the cmdlets bind it (no -PassThru).
                    var locator = new DomainLocator();
                    foreach (DomainTarget t in piped)
                    {
                        await act(new DomainTarget(host, t.Domain) { Locator = locator, ReadBack = false });
                    }
                }));
            }
        }

        return rows;
    }

    private static IEnumerable<(string Verb, bool Running, Func<DomainTarget, Task> Act)> Verbs()
    {
        var lifecycle = new DomainLifecycle();
        var configs = new DomainConfigOperations();
        yield return ("Stop", true, t => lifecycle.StopAsync(t, force: false, wait: false, timeout: null, CancellationToken.None));
        yield return ("Suspend", true, t => lifecycle.SuspendAsync(t, CancellationToken.None));
        yield return ("Set -MemoryMB", true, t => configs.SetAsync(t, new DomainSettings { MemoryMB = 200 }, CancellationToken.None));
        yield return ("Remove", false, t => lifecycle.RemoveAsync(t, force: false, CancellationToken.None));
    }

    private static async Task<IReadOnlyList<DomainTarget>> ResolveAsync(XenHostConnection host, IReadOnlyList<string> names, bool dom0)
    {
        DomainResolution r = await DomainTargetResolver.ResolveAsync([host], new DomainSelector { Names = names, IncludeDom0WhenUnfiltered = dom0 }, CancellationToken.None);
        if (r.NotFound.Count > 0 || r.HostErrors.Count > 0)
        {
            throw new InvalidOperationException($"resolution failed: {r.NotFound.Count} not found, {r.HostErrors.Count} host errors");
        }

        return r.Targets;
    }

    private static async Task<Row> CountAsync(string verb, string way, int n, bool running, Func<XenHostConnection, IReadOnlyList<string>, IReadOnlyList<DomainTarget>, Task> command)
    {
        var fleet = new Fleet(n, running);
        var transport = new FleetTransport(fleet);
        var host = new XenHostConnection("bench", XenTransportKind.Ssh, new XlToolstack(transport));
        string[] names = Enumerable.Range(1, n).Select(Fleet.Name).ToArray();

        // The objects a preceding Get-XenDomain wrote (its calls are that command's, not this one's).
        IReadOnlyList<DomainTarget> piped = await ResolveAsync(host, names, dom0: false);
        transport.Reset();

        await command(host, names, piped);
        IReadOnlyDictionary<string, int> calls = transport.Calls;
        return new Row(verb, way, n, transport.Total, calls.GetValueOrDefault("xl list -v"), calls);
    }
}

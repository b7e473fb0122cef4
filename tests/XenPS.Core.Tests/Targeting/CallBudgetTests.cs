using XenPS.Operations;
using XenPS.Toolstack;

namespace XenPS.Core.Tests.Targeting;

/// <summary>
/// The per-verb call budget (docs/performance.md, "Call budget per verb"), counted on a transport that
/// plays a Dom0 with N guests: per host and command at most one listing (four calls), and only to resolve
/// names; per domain a constant number of targeted calls; a piped object needs no listing at all.
/// </summary>
public sealed class CallBudgetTests
{
    private const int ListingCalls = 4;
    private readonly DomainLifecycle _lifecycle = new();
    private readonly DomainConfigOperations _config = new();

    public static TheoryData<int> Sizes() => new() { 1, 10, 200 };

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task Get_by_name_is_one_listing_and_piped_is_one_targeted_read_per_domain(int n)
    {
        var (t, host, objects) = await FleetAsync(n);
        DomainResolution r = await DomainTargetResolver.ResolveAsync([host], new DomainSelector { Names = ["vm*"] }, default);
        Assert.Equal(n, r.Targets.Count);
        Assert.Equal((ListingCalls, 0), (t.ListingCalls, t.TargetedCalls));

        t.Reset();
        var locator = new DomainLocator();
        foreach (XenDomain d in objects)
        {
            Assert.NotNull(await locator.FindAsync(host, d, fresh: false, default));
        }

        Assert.Equal((0, n), (t.ListingCalls, t.TargetedCalls));
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task Get_piped_fills_uptime_from_one_xl_uptime_per_host(int n)
    {
        // $d | Get-XenDomain: a targeted read has no uptime; the command reads every uptime once, not once per object.
        var (t, host, objects) = await FleetAsync(n);
        var locator = new DomainLocator();
        foreach (XenDomain d in objects)
        {
            XenDomain now = (await locator.FindAsync(host, d, fresh: false, default))!;
            Assert.Null(now.Uptime);
            Assert.Equal(TimeSpan.FromMinutes(1), (await locator.WithUptimeAsync(host, now, default)).Uptime);
        }

        Assert.Equal((1, n), (t.ListingCalls, t.TargetedCalls));
        Assert.Single(t.Calls, "xl uptime");
    }

    [Fact]
    public async Task An_off_domain_gets_no_uptime_and_costs_no_call()
    {
        var (t, host, objects) = await FleetAsync(3, running: false);
        XenDomain off = objects.First(d => d.Id is null);
        t.Reset();
        XenDomain same = await new DomainLocator().WithUptimeAsync(host, off, default);
        Assert.Null(same.Uptime);
        Assert.Empty(t.Calls);
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task Suspend_piped_without_PassThru_is_two_calls_per_domain_and_no_listing(int n)
    {
        var (t, host, objects) = await FleetAsync(n);
        await EachAsync(host, objects, readBack: false, target => _lifecycle.SuspendAsync(target, default));
        Assert.Equal((0, 2 * n), (t.ListingCalls, t.TargetedCalls));
        Assert.All(t.Calls, c => Assert.Matches(@"^xl (list -v|pause) \d+$", c));
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task Suspend_piped_with_PassThru_adds_one_targeted_read_and_one_uptime_per_host(int n)
    {
        var (t, host, objects) = await FleetAsync(n);
        await EachAsync(host, objects, readBack: true, async target =>
        {
            XenDomain? after = await _lifecycle.SuspendAsync(target, default);
            Assert.Equal(XenDomainState.Paused, after!.State);
            Assert.Equal(TimeSpan.FromMinutes(1), after.Uptime);
            return after;
        });
        Assert.Equal((1, 3 * n), (t.ListingCalls, t.TargetedCalls));
        Assert.Single(t.Calls, "xl uptime");
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task Suspend_by_name_is_one_listing_then_two_calls_per_domain(int n)
    {
        var (t, host, _) = await FleetAsync(n);
        await ByNameAsync(host, target => _lifecycle.SuspendAsync(target, default));
        Assert.Equal((ListingCalls, 2 * n), (t.ListingCalls, t.TargetedCalls));
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task Stop_piped_and_by_name_are_two_calls_per_domain(int n)
    {
        var (t, host, objects) = await FleetAsync(n);
        await EachAsync(host, objects.Take(n / 2), readBack: false, target => _lifecycle.StopAsync(target, force: false, wait: false, timeout: null, default));
        Assert.Equal((0, 2 * (n / 2)), (t.ListingCalls, t.TargetedCalls));

        t.Reset();
        int left = n - (n / 2);
        await ByNameAsync(host, target => _lifecycle.StopAsync(target, force: true, wait: false, timeout: null, default), running: true);
        Assert.Equal((ListingCalls, 2 * left), (t.ListingCalls, t.TargetedCalls));
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task Set_memory_piped_and_by_name_are_two_calls_per_domain(int n)
    {
        var (t, host, objects) = await FleetAsync(n);
        await EachAsync(host, objects, readBack: false, target => _config.SetAsync(target, new DomainSettings { MemoryMB = 200 }, default));
        Assert.Equal((0, 2 * n), (t.ListingCalls, t.TargetedCalls));

        t.Reset();
        await ByNameAsync(host, target => _config.SetAsync(target, new DomainSettings { MemoryMB = 220 }, default));
        Assert.Equal((ListingCalls, 2 * n), (t.ListingCalls, t.TargetedCalls));
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task Remove_of_Off_domains_is_four_calls_per_domain_piped_and_after_one_listing_by_name(int n)
    {
        var (t, host, objects) = await FleetAsync(n, running: false);
        var half = objects.Take(n / 2).ToList();

        // Identity (read the file, 'xl list -v -- name': is it running now?), then the autostart link and the file.
        await EachAsync(host, half, readBack: false, async target =>
        {
            await _lifecycle.RemoveAsync(target, force: false, default);
            return null;
        });
        Assert.Equal((0, 4 * half.Count), (t.ListingCalls, t.TargetedCalls));

        t.Reset();
        await ByNameAsync(host, async target =>
        {
            await _lifecycle.RemoveAsync(target, force: false, default);
            return null;
        });
        Assert.Equal((ListingCalls, 4 * (n - half.Count)), (t.ListingCalls, t.TargetedCalls));
    }

    [Fact]
    public async Task A_piped_object_whose_domid_changed_hands_is_found_through_its_config_file_not_a_listing()
    {
        var (t, host, objects) = await FleetAsync(3);
        XenDomain stale = objects[1];
        await host.Toolstack.DestroyAsync(stale.Id!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), default);
        t.Reset();

        XenDomain? now = await new DomainLocator().FindAsync(host, stale, fresh: false, default);
        Assert.Equal(XenDomainState.Off, now!.State);
        Assert.Equal(stale.ConfigPath, now.ConfigPath);
        Assert.Equal(0, t.ListingCalls);
        Assert.Equal(3, t.TargetedCalls); // xl list -v <old id>, read the file, xl list -v -- name
    }

    private static async Task<(FleetTransport T, XenHostConnection Host, IReadOnlyList<XenDomain> Objects)> FleetAsync(int n, bool running = true)
    {
        var t = new FleetTransport(n, running);
        var host = new XenHostConnection("fleet", XenTransportKind.Ssh, new XlToolstack(t));
        IReadOnlyList<XenDomain> all = await host.Toolstack.ListDomainsAsync(default);
        t.Reset();
        return (t, host, all.Where(d => d.Id != 0).ToList());
    }

    private static async Task EachAsync(XenHostConnection host, IEnumerable<XenDomain> objects, bool readBack, Func<DomainTarget, Task<XenDomain?>> act)
    {
        var locator = new DomainLocator();
        foreach (XenDomain d in objects)
        {
            await act(new DomainTarget(host, d) { Locator = locator, ReadBack = readBack });
        }
    }

    private static async Task ByNameAsync(XenHostConnection host, Func<DomainTarget, Task<XenDomain?>> act, bool running = false)
    {
        DomainResolution r = await DomainTargetResolver.ResolveAsync([host], new DomainSelector { Names = ["vm*"], IncludeDom0WhenUnfiltered = false, States = running ? [XenDomainState.Running] : null }, default);
        var locator = new DomainLocator();
        foreach (DomainTarget target in r.Targets)
        {
            await act(target with { Locator = locator, ReadBack = false });
        }
    }
}

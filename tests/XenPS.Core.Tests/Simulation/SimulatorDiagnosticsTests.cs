using XenPS.Operations;
using XenPS.Simulation;

namespace XenPS.Core.Tests.Simulation;

/// <summary>The simulator's side of the diagnostics: CPU time, xentop-like statistics, the log, XenStore removal.</summary>
public sealed class SimulatorDiagnosticsTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private const string Guest = "name = \"web1\"\ntype = \"pv\"\nkernel = \"/boot/vmlinuz\"\nramdisk = \"/boot/initrd.img\"\nmemory = 128\nvcpus = 2\nvif = [ \"bridge=xenbr0\" ]\n";

    private static async Task<SimulatedToolstack> NewHostAsync(TimeProvider time)
    {
        SimulatedFabric fabric = SimulatedFabric.InMemory();
        Assert.True(await fabric.AddHostAsync("sim", timeProvider: time));
        return fabric.GetToolstack("sim", timeProvider: time);
    }

    [Fact]
    public async Task Cpu_time_grows_while_a_guest_runs_and_stops_while_it_is_paused()
    {
        var time = new ManualTimeProvider();
        SimulatedToolstack xl = await NewHostAsync(time);
        await xl.CreateAsync(Guest, paused: false, Ct);

        time.Advance(TimeSpan.FromSeconds(60));
        TimeSpan running = (await xl.GetDomainAsync("web1", Ct)).CpuTime;
        Assert.True(running > TimeSpan.Zero, $"CPU time after a minute of running: {running}");

        await xl.PauseAsync("web1", Ct);
        TimeSpan atPause = (await xl.GetDomainAsync("web1", Ct)).CpuTime;
        time.Advance(TimeSpan.FromSeconds(120));
        Assert.Equal(atPause, (await xl.GetDomainAsync("web1", Ct)).CpuTime);

        await xl.UnpauseAsync("web1", Ct);
        time.Advance(TimeSpan.FromSeconds(60));
        Assert.True((await xl.GetDomainAsync("web1", Ct)).CpuTime > atPause);
    }

    [Fact]
    public async Task Statistics_are_one_row_per_domain_per_sample_with_moving_cpu_and_none_for_a_paused_guest()
    {
        var time = new ManualTimeProvider();
        SimulatedToolstack xl = await NewHostAsync(time);
        await xl.CreateAsync(Guest, paused: false, Ct);
        await xl.CreateAsync(Guest.Replace("web1", "db1", StringComparison.Ordinal), paused: false, Ct);
        await xl.PauseAsync("db1", Ct);
        time.Advance(TimeSpan.FromSeconds(5));

        var rows = new List<XenDomainStatistic>();
        Task reading = Task.Run(async () =>
        {
            await foreach (XenDomainStatistic row in xl.GetStatisticsAsync(4, 10, Ct))
            {
                rows.Add(row);
            }
        });
        for (int i = 0; i < 4; i++)
        {
            await time.WaitForTimersAsync();
            time.Advance(TimeSpan.FromSeconds(10));
        }

        await reading.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(12, rows.Count);
        Assert.Equal([1, 2, 3, 4], rows.Select(r => r.Sample).Distinct());
        var web1 = rows.Where(r => r.DomainName == "web1").ToList();
        Assert.All(web1, r => Assert.InRange(r.CpuPercent, 0.4, 7.2)); // 2 vCPUs at 0.2-1.8 x 2 %
        Assert.True(web1.Select(r => r.CpuPercent).Distinct().Count() > 1, "CPU% should move between samples");
        Assert.True(web1[^1].CpuTime >= web1[0].CpuTime);
        Assert.Equal(2, web1[0].VCpu);
        Assert.Equal(1, web1[0].Nets);
        Assert.Equal("--b---", web1[0].XlState);
        var db1 = rows.Where(r => r.DomainName == "db1").ToList();
        Assert.All(db1, r => Assert.Equal(0.0, r.CpuPercent));
        Assert.All(db1, r => Assert.Equal("----p-", r.XlState));
        Assert.Equal(rows[0].Timestamp + TimeSpan.FromSeconds(30), rows[^1].Timestamp);
        Assert.All(rows, r => Assert.Equal("sim", r.HostName));
    }

    [Fact]
    public async Task The_log_reads_like_real_xl_dmesg_and_clears()
    {
        SimulatedToolstack xl = await NewHostAsync(TimeProvider.System);
        XenHostConnection host = new("sim", XenTransportKind.Simulated, xl);

        IReadOnlyList<XenHostLogEntry> log = await Diagnostics.ReadHostLogAsync(host, clear: true, Ct);
        Assert.Contains(log, e => e.Message.StartsWith("Xen version 4.17.7", StringComparison.Ordinal) && e.SinceBoot is null && e.Timestamp is not null);
        Assert.Contains(log, e => e.SinceBoot == TimeSpan.FromSeconds(1.204118));
        Assert.All(log, e => Assert.Equal("XEN", e.Source));
        Assert.All(log, e => Assert.Same(host, e.XenHost));
        Assert.Empty(await Diagnostics.ReadHostLogAsync(host, clear: false, Ct));
    }

    [Fact]
    public async Task XenStore_remove_takes_the_subtree_and_is_quiet_for_a_missing_node_whose_parent_exists()
    {
        SimulatedToolstack xl = await NewHostAsync(TimeProvider.System);
        await xl.CreateAsync(Guest, paused: false, Ct);
        await xl.XenStoreWriteAsync("/local/domain/1/data/a", "1", Ct);
        await xl.XenStoreWriteAsync("/local/domain/1/data/b/c", "2", Ct);

        IReadOnlyList<XenStoreItem> tree = await xl.XenStoreTreeAsync("/local/domain/1/data", Ct);
        Assert.Equal(["/local/domain/1/data/a", "/local/domain/1/data/b", "/local/domain/1/data/b/c"], tree.Select(i => i.Path));
        Assert.Equal(["1", string.Empty, "2"], tree.Select(i => i.Value));

        await xl.XenStoreRemoveAsync("/local/domain/1/data/b", Ct);
        Assert.Equal(["/local/domain/1/data/a"], (await xl.XenStoreTreeAsync("/local/domain/1/data", Ct)).Select(i => i.Path));

        await xl.XenStoreRemoveAsync("/local/domain/1/data/a", Ct);
        Assert.Equal(string.Empty, await xl.XenStoreReadAsync("/local/domain/1/data", Ct)); // the parent stays

        await xl.XenStoreRemoveAsync("/local/domain/1/data/missing", Ct);
        var ex = await Assert.ThrowsAnyAsync<XlCommandException>(() => xl.XenStoreRemoveAsync("/local/domain/1/nothing/below", Ct));
        Assert.Contains("could not remove path", ex.StandardError, StringComparison.Ordinal);

        // A node Xen wrote is gone too once removed, with what is below it.
        await xl.XenStoreRemoveAsync("/local/domain/1/memory", Ct);
        Assert.DoesNotContain(await xl.XenStoreTreeAsync("/local/domain/1", Ct), i => i.Path.StartsWith("/local/domain/1/memory", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Weight_and_cap_are_listed_for_guests_and_follow_changes()
    {
        SimulatedToolstack xl = await NewHostAsync(TimeProvider.System);
        await xl.CreateAsync(Guest, paused: false, Ct);
        await xl.SetSchedulerParametersAsync("web1", 512, 50, Ct);

        IReadOnlyList<XenDomain> all = await xl.ListDomainsAsync(Ct);
        Assert.Equal((512, 50), (all.Single(d => d.Name == "web1").Weight, all.Single(d => d.Name == "web1").Cap));
        Assert.Equal(256, all.Single(d => d.Name == "Domain-0").Weight);
    }
}

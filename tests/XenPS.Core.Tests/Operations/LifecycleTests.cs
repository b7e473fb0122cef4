using XenPS.Operations;
using XenPS.Simulation;

namespace XenPS.Core.Tests.Operations;

/// <summary>The lifecycle decisions (what -Force, -Wait, paused and Off mean), against the simulator.</summary>
public sealed class LifecycleTests
{
    private static async Task<XenHostConnection> HostAsync(string name = "lab")
    {
        return await XenConnectionFactory.SimulatedAsync(new SimulatedConnectionOptions { Name = name, InMemoryFabric = SimulatedFabric.InMemory() });
    }

    private static string Cfg(string name, int memory = 128) => $"""
        name = "{name}"
        type = "pvh"
        memory = {memory}
        vcpus = 1
        kernel = "/boot/vmlinuz"
        ramdisk = "/boot/initrd.img"
        on_poweroff = "destroy"
        """;

    private static async Task<DomainTarget> TargetAsync(XenHostConnection h, string name) =>
        new(h, await h.Toolstack.GetDomainAsync(name, CancellationToken.None));

    private static async Task<DomainTarget> OffDomainAsync(XenHostConnection h, string name)
    {
        await h.Toolstack.WriteFileAsync($"/etc/xen/{name}.cfg", Cfg(name), CancellationToken.None);
        return await TargetAsync(h, name);
    }

    private readonly DomainLifecycle _ops = new();
    private readonly CancellationToken _ct = CancellationToken.None;

    [Fact]
    public async Task Start_creates_an_Off_domain_from_its_config_file_and_leaves_a_running_one_alone()
    {
        var h = await HostAsync();
        DomainTarget off = await OffDomainAsync(h, "web1");
        Assert.Equal(XenDomainState.Off, off.Domain.State);
        Assert.Equal("/etc/xen/web1.cfg", off.Domain.ConfigPath);

        XenDomain? started = await _ops.StartAsync(off, paused: false, _ct);
        Assert.Equal(XenDomainState.Running, started!.State);
        Assert.NotNull(started.Id);

        XenDomain? again = await _ops.StartAsync(await TargetAsync(h, "web1"), paused: false, _ct);
        Assert.Equal(started.Id, again!.Id);
    }

    [Fact]
    public async Task Start_of_a_paused_domain_unpauses_it_and_Start_Paused_creates_it_paused()
    {
        var h = await HostAsync();
        XenDomain? d = await _ops.StartAsync(await OffDomainAsync(h, "web1"), paused: true, _ct);
        Assert.Equal(XenDomainState.Paused, d!.State);
        d = await _ops.StartAsync(await TargetAsync(h, "web1"), paused: false, _ct);
        Assert.Equal(XenDomainState.Running, d!.State);
    }

    [Fact]
    public async Task Stop_of_a_paused_domain_needs_Force_and_Force_destroys()
    {
        var h = await HostAsync();
        await h.Toolstack.CreateAsync(Cfg("db1"), paused: true, _ct);
        var ex = await Assert.ThrowsAsync<XenOperationException>(async () => await _ops.StopAsync(await TargetAsync(h, "db1"), force: false, wait: false, null, _ct));
        Assert.Equal("DomainPaused", ex.ErrorId);
        Assert.Equal(XenDomainState.Paused, (await h.Toolstack.GetDomainAsync("db1", _ct)).State);

        XenDomain? after = await _ops.StopAsync(await TargetAsync(h, "db1"), force: true, wait: false, null, _ct);
        Assert.Null(after);
        await Assert.ThrowsAsync<XenDomainNotFoundException>(() => h.Toolstack.GetDomainAsync("db1", _ct));
    }

    [Fact]
    public async Task Stop_with_wait_leaves_a_domain_with_a_config_file_Off()
    {
        var h = await HostAsync();
        await _ops.StartAsync(await OffDomainAsync(h, "web1"), false, _ct);
        XenDomain? after = await _ops.StopAsync(await TargetAsync(h, "web1"), force: false, wait: true, TimeSpan.FromSeconds(60), _ct);
        Assert.Equal(XenDomainState.Off, after!.State);
        Assert.Null(after.Id);
    }

    [Fact]
    public async Task Restart_Force_without_a_config_file_changes_nothing()
    {
        var h = await HostAsync();
        XenDomain created = await h.Toolstack.CreateAsync(Cfg("tmp1"), false, _ct);
        var ex = await Assert.ThrowsAsync<XenOperationException>(async () => await _ops.RestartAsync(await TargetAsync(h, "tmp1"), force: true, wait: false, null, _ct));
        Assert.Equal("NoConfigFile", ex.ErrorId);
        XenDomain now = await h.Toolstack.GetDomainAsync("tmp1", _ct);
        Assert.Equal(created.Id, now.Id);
        Assert.Equal(XenDomainState.Running, now.State);
    }

    [Fact]
    public async Task Restart_Force_destroys_and_starts_again_with_a_new_id()
    {
        var h = await HostAsync();
        XenDomain first = (await _ops.StartAsync(await OffDomainAsync(h, "web1"), false, _ct))!;
        XenDomain second = (await _ops.RestartAsync(await TargetAsync(h, "web1"), force: true, wait: false, null, _ct))!;
        Assert.Equal(XenDomainState.Running, second.State);
        Assert.True(second.Id > first.Id);
    }

    [Fact]
    public async Task Remove_refuses_a_running_domain_without_Force_and_removes_file_and_link_with_it()
    {
        var h = await HostAsync();
        await _ops.StartAsync(await OffDomainAsync(h, "web1"), false, _ct);
        await h.Toolstack.CreateSymbolicLinkAsync("/etc/xen/auto/web1.cfg", "/etc/xen/web1.cfg", _ct);

        var ex = await Assert.ThrowsAsync<XenOperationException>(async () => await _ops.RemoveAsync(await TargetAsync(h, "web1"), force: false, _ct));
        Assert.Equal("DomainRunning", ex.ErrorId);
        Assert.True(await h.Toolstack.FileExistsAsync("/etc/xen/web1.cfg", _ct));

        await _ops.RemoveAsync(await TargetAsync(h, "web1"), force: true, _ct);
        Assert.False(await h.Toolstack.FileExistsAsync("/etc/xen/web1.cfg", _ct));
        Assert.False(await h.Toolstack.FileExistsAsync("/etc/xen/auto/web1.cfg", _ct));
        await Assert.ThrowsAsync<XenDomainNotFoundException>(() => h.Toolstack.GetDomainAsync("web1", _ct));
    }

    [Fact]
    public async Task Remove_never_touches_Domain0()
    {
        var h = await HostAsync();
        var ex = await Assert.ThrowsAsync<XenOperationException>(async () => await _ops.RemoveAsync(await TargetAsync(h, "Domain-0"), force: true, _ct));
        Assert.Equal("DomainProtected", ex.ErrorId);
        Assert.Equal(0, (await h.Toolstack.GetDomainAsync("Domain-0", _ct)).Id);
    }

    [Fact]
    public async Task Suspend_and_Resume_are_idempotent_and_refuse_Off_domains()
    {
        var h = await HostAsync();
        await _ops.StartAsync(await OffDomainAsync(h, "web1"), false, _ct);
        Assert.Equal(XenDomainState.Paused, (await _ops.SuspendAsync(await TargetAsync(h, "web1"), _ct))!.State);
        Assert.Equal(XenDomainState.Paused, (await _ops.SuspendAsync(await TargetAsync(h, "web1"), _ct))!.State);
        Assert.Equal(XenDomainState.Running, (await _ops.ResumeAsync(await TargetAsync(h, "web1"), _ct))!.State);
        Assert.Equal(XenDomainState.Running, (await _ops.ResumeAsync(await TargetAsync(h, "web1"), _ct))!.State);

        DomainTarget off = await OffDomainAsync(h, "web2");
        var ex = await Assert.ThrowsAsync<XenOperationException>(() => _ops.SuspendAsync(off, _ct));
        Assert.Equal("DomainNotRunning", ex.ErrorId);
    }

    [Fact]
    public async Task Save_to_a_folder_names_the_file_after_the_domain_and_restore_brings_it_back()
    {
        var h = await HostAsync();
        await _ops.StartAsync(await OffDomainAsync(h, "web1"), false, _ct);
        DomainTarget t = await TargetAsync(h, "web1");
        string path = await SavePaths.ResolveAsync(t, "/var/lib/xen/save", _ct);
        Assert.Equal("/var/lib/xen/save/web1.save", path);
        Assert.Equal("/var/lib/xen/save/other.img", await SavePaths.ResolveAsync(t, "/var/lib/xen/save/other.img", _ct));

        XenDomain? after = await _ops.SaveAsync(t, path, XenSaveMode.Destroy, _ct);
        Assert.Equal(XenDomainState.Off, after!.State);
        XenDomain restored = await h.Toolstack.RestoreAsync(path, paused: false, configPath: null, _ct);
        Assert.Equal("web1", restored.Name);
        Assert.Equal(XenDomainState.Running, restored.State);
    }

    [Fact]
    public async Task Wait_returns_when_the_state_is_reached_and_times_out_on_the_time_provider()
    {
        var h = await HostAsync();
        await _ops.StartAsync(await OffDomainAsync(h, "web1"), false, _ct);
        var time = new ManualTimeProvider();
        var ops = new DomainLifecycle(timeProvider: time) { PollInterval = TimeSpan.FromSeconds(1) };

        Assert.Equal(XenDomainState.Running, (await ops.WaitAsync(await TargetAsync(h, "web1"), XenDomainState.Running, TimeSpan.FromSeconds(5), _ct))!.State);

        Task<XenDomain?> waiting = ops.WaitAsync(await TargetAsync(h, "web1"), XenDomainState.Paused, TimeSpan.FromSeconds(5), _ct);
        for (int i = 0; i < 10 && !waiting.IsCompleted; i++)
        {
            await Task.Delay(20);
            time.Advance(TimeSpan.FromSeconds(1));
        }

        var ex = await Assert.ThrowsAsync<XenTimeoutException>(() => waiting);
        Assert.Equal("web1", ex.Domain);
        Assert.Equal(TimeSpan.FromSeconds(5), ex.Timeout);
    }

    [Fact]
    public async Task Wait_for_Off_is_satisfied_when_the_domain_is_gone()
    {
        var h = await HostAsync();
        await h.Toolstack.CreateAsync(Cfg("tmp1"), false, _ct);
        DomainTarget t = await TargetAsync(h, "tmp1");
        await h.Toolstack.DestroyAsync("tmp1", _ct);
        Assert.Null(await _ops.WaitAsync(t, XenDomainState.Off, TimeSpan.FromSeconds(1), _ct));
    }

    [Fact]
    public async Task Bulk_stop_over_many_domains_stops_each_and_reports_the_failure_of_one()
    {
        var h = await HostAsync();
        var fabric = ((SimulatedToolstack)h.Toolstack).Fabric;
        for (int i = 0; i < 8; i++)
        {
            await h.Toolstack.CreateAsync(Cfg($"web{i}", 64), false, _ct);
        }

        await fabric.FailNextAsync("lab", "Destroy", 1, "libxl: error: simulated destroy failure", _ct);
        DomainResolution r = await DomainTargetResolver.ResolveAsync([h], new DomainSelector { Names = ["web*"] }, _ct);
        Assert.Equal(8, r.Targets.Count);

        using var bulk = new BulkExecutor<DomainTarget>(4, _ct);
        foreach (DomainTarget t in r.Targets)
        {
            bulk.Submit(t, async (x, ct) => await _ops.StopAsync(x, force: true, wait: false, null, ct));
        }

        var outcomes = new List<BulkOutcome<DomainTarget>>();
        while (bulk.TakeNext(TimeSpan.FromSeconds(30)) is { } o)
        {
            outcomes.Add(o);
        }

        Assert.Equal(8, outcomes.Count);
        var failed = Assert.Single(outcomes, o => !o.Succeeded);
        Assert.Contains("simulated destroy failure", failed.Error!.Message);
        var left = await h.Toolstack.ListDomainsAsync(_ct);
        Assert.Equal([failed.Item.Domain.Name], left.Where(d => d.Name.StartsWith("web")).Select(d => d.Name));
    }
}

/// <summary>A time provider that moves only when told.</summary>
public sealed class ManualTimeProvider : TimeProvider
{
    private readonly object _sync = new();
    private readonly List<ManualTimer> _timers = [];
    private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow()
    {
        lock (_sync)
        {
            return _now;
        }
    }

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => GetUtcNow().UtcTicks;

    public void Advance(TimeSpan by)
    {
        List<ManualTimer> due;
        lock (_sync)
        {
            _now += by;
            due = _timers.Where(t => t.Due <= _now).ToList();
        }

        foreach (ManualTimer t in due)
        {
            t.Fire();
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var t = new ManualTimer(this, callback, state);
        t.Change(dueTime, period);
        return t;
    }

    private sealed class ManualTimer(ManualTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        private TimeSpan _period;

        public DateTimeOffset Due { get; private set; } = DateTimeOffset.MaxValue;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (owner._sync)
            {
                _period = period;
                owner._timers.Remove(this);
                if (dueTime != Timeout.InfiniteTimeSpan)
                {
                    Due = owner._now + dueTime;
                    owner._timers.Add(this);
                }
            }

            return true;
        }

        public void Fire()
        {
            lock (owner._sync)
            {
                owner._timers.Remove(this);
                if (_period > TimeSpan.Zero && _period != Timeout.InfiniteTimeSpan)
                {
                    Due = owner._now + _period;
                    owner._timers.Add(this);
                }
            }

            callback(state);
        }

        public void Dispose()
        {
            lock (owner._sync)
            {
                owner._timers.Remove(this);
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}

public sealed class RestartWaitTests
{
    [Fact]
    public async Task Restart_with_wait_returns_the_domain_running_again_under_a_new_id()
    {
        var h = await XenConnectionFactory.SimulatedAsync(new SimulatedConnectionOptions { Name = "lab", InMemoryFabric = SimulatedFabric.InMemory() });
        await h.Toolstack.CreateAsync("name = \"web1\"\ntype = \"pvh\"\nmemory = 128\nkernel = \"/boot/vmlinuz\"\non_reboot = \"restart\"\n", false, CancellationToken.None);
        XenDomain before = await h.Toolstack.GetDomainAsync("web1", CancellationToken.None);
        XenDomain? after = await new DomainLifecycle().RestartAsync(new DomainTarget(h, before), force: false, wait: true, TimeSpan.FromSeconds(30), CancellationToken.None);
        Assert.Equal(XenDomainState.Running, after!.State);
        Assert.NotEqual(before.Id, after.Id);
    }

    [Fact]
    public async Task Restart_with_wait_of_a_domain_that_does_not_come_back_ends_at_once_naming_it()
    {
        var h = await XenConnectionFactory.SimulatedAsync(new SimulatedConnectionOptions { Name = "lab", InMemoryFabric = SimulatedFabric.InMemory() });
        await h.Toolstack.CreateAsync("name = \"web1\"\ntype = \"pvh\"\nmemory = 128\nkernel = \"/boot/vmlinuz\"\non_reboot = \"destroy\"\n", false, CancellationToken.None);
        XenDomain before = await h.Toolstack.GetDomainAsync("web1", CancellationToken.None);
        var time = new ManualTimeProvider();
        var ops = new DomainLifecycle(timeProvider: time);
        Task<XenDomain?> restart = ops.RestartAsync(new DomainTarget(h, before), force: false, wait: true, TimeSpan.FromSeconds(10), CancellationToken.None);
        for (int i = 0; i < 50 && !restart.IsCompleted; i++)
        {
            await Task.Delay(10);
            time.Advance(TimeSpan.FromSeconds(1));
        }

        // Issue 13, case 6: with on_reboot = destroy the domain can never run again; the wait ends at once
        // with the reason instead of running to its timeout.
        var ex = await Assert.ThrowsAsync<XenOperationException>(() => restart);
        Assert.Equal("DomainWillNotRestart", ex.ErrorId);
        Assert.Equal("web1", ex.Domain);
        Assert.Contains("on_reboot", ex.Message);
    }
}

public sealed class Dom0ProtectionTests
{
    [Fact]
    public async Task Domain0_is_never_shut_down_destroyed_rebooted_paused_saved_renamed_or_removed()
    {
        var h = await XenConnectionFactory.SimulatedAsync(new SimulatedConnectionOptions { Name = "lab", InMemoryFabric = SimulatedFabric.InMemory() });
        var dom0 = new DomainTarget(h, await h.Toolstack.GetDomainAsync("Domain-0", CancellationToken.None));
        var ops = new DomainLifecycle();
        var ct = CancellationToken.None;
        var attempts = new Func<Task>[]
        {
            () => ops.StopAsync(dom0, force: false, wait: false, null, ct),
            () => ops.StopAsync(dom0, force: true, wait: false, null, ct),
            () => ops.RestartAsync(dom0, force: false, wait: false, null, ct),
            () => ops.SuspendAsync(dom0, ct),
            () => ops.SaveAsync(dom0, "/tmp/dom0.save", XenSaveMode.KeepRunning, ct),
            () => ops.RemoveAsync(dom0, force: true, ct),
            () => new DomainConfigOperations().RenameAsync(dom0, "host", ct),
        };
        foreach (Func<Task> attempt in attempts)
        {
            var ex = await Assert.ThrowsAsync<XenOperationException>(attempt);
            Assert.Equal("DomainProtected", ex.ErrorId);
        }

        XenDomain now = await h.Toolstack.GetDomainAsync("Domain-0", ct);
        Assert.Equal(XenDomainState.Running, now.State);
        Assert.False(await h.Toolstack.FileExistsAsync("/tmp/dom0.save", ct));
    }

    [Fact]
    public async Task Domain0_memory_can_still_be_set()
    {
        var h = await XenConnectionFactory.SimulatedAsync(new SimulatedConnectionOptions { Name = "lab", InMemoryFabric = SimulatedFabric.InMemory() });
        var dom0 = new DomainTarget(h, await h.Toolstack.GetDomainAsync("Domain-0", CancellationToken.None));
        XenDomain d = (await new DomainConfigOperations().SetAsync(dom0, new DomainSettings { MemoryMB = 900 }, CancellationToken.None))!;
        Assert.Equal(900, d.MemoryMB);
    }
}

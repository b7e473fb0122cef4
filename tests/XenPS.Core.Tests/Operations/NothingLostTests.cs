using SimClock = XenPS.Core.Tests.Simulation.ManualTimeProvider;
using XenPS.Operations;
using XenPS.Simulation;

namespace XenPS.Core.Tests.Operations;

/// <summary>
/// Issue 13 ("nothing lost"): save files never saved over, multi-step operations all or nothing (or saying
/// exactly what happened), waits that stop only the wait, a wait for a state that can no longer come.
/// </summary>
public sealed class NothingLostTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private static string Cfg(string name, string extra = "") => $"""
        name = "{name}"
        type = "pvh"
        memory = 128
        vcpus = 1
        maxvcpus = 2
        kernel = "/boot/vmlinuz"
        ramdisk = "/boot/initrd.img"
        {extra}
        """;

    private static async Task<(XenHostConnection Host, SimulatedFabric Fabric)> HostAsync(TimeProvider? time = null)
    {
        SimulatedFabric fabric = SimulatedFabric.InMemory();
        var h = await XenConnectionFactory.SimulatedAsync(new SimulatedConnectionOptions { Name = "lab", InMemoryFabric = fabric }, timeProvider: time);
        return (h, fabric);
    }

    private static async Task<DomainTarget> RunningAsync(XenHostConnection h, string name, string extra = "")
    {
        await h.Toolstack.WriteFileAsync($"/etc/xen/{name}.cfg", Cfg(name, extra), Ct);
        await h.Toolstack.CreateFromFileAsync($"/etc/xen/{name}.cfg", paused: false, Ct);
        return new DomainTarget(h, await h.Toolstack.GetDomainAsync(name, Ct));
    }

    // ---- the step record ----

    [Fact]
    public async Task Steps_undo_newest_first_and_the_error_tells_the_whole_story_with_the_failed_steps_id()
    {
        var undone = new List<string>();
        var steps = new OperationSteps("Renaming domain 'web1' on host 'lab' to 'web9'", "lab", "web1");
        steps.Done("renamed the running domain to web9", "renamed it back", _ => { undone.Add("rename"); return Task.CompletedTask; });
        steps.Done("wrote /etc/xen/web9.cfg", "removed /etc/xen/web9.cfg", _ => { undone.Add("file"); return Task.CompletedTask; });
        var failure = new XlCommandException("rm /etc/xen/web1.cfg", 1, "rm: Read-only file system\n", "lab", "web1");

        var ex = await Assert.ThrowsAsync<XenStepsException>(() => steps.RunAsync("removing /etc/xen/web1.cfg", () => throw failure));
        Assert.Equal(["file", "rename"], undone);
        Assert.Equal("XlCommandFailed", ex.ErrorId);
        Assert.True(ex.RolledBack);
        Assert.Same(failure, ex.InnerException);
        Assert.Equal("lab", ex.HostName);
        Assert.Equal("web1", ex.Domain);
        Assert.StartsWith("Renaming domain 'web1' on host 'lab' to 'web9': renamed the running domain to web9; wrote /etc/xen/web9.cfg; removing /etc/xen/web1.cfg failed: ", ex.Message);
        Assert.EndsWith("; removed /etc/xen/web9.cfg; renamed it back.", ex.Message);
        Assert.Contains("Read-only file system", ex.Message);
    }

    [Fact]
    public async Task A_first_step_that_fails_is_its_own_error_and_a_failed_undo_is_OperationIncomplete()
    {
        var steps = new OperationSteps("Doing it", "lab", "web1");
        var first = new XenOperationException("Nope", XenErrorCategory.InvalidOperation, "no.");
        Assert.Same(first, await Assert.ThrowsAsync<XenOperationException>(() => steps.RunAsync("the first step", () => throw first)));

        steps.Done("did one thing", "undid it", _ => throw new XlCommandException("xl rename", 1, "libxl: error: busy\n", "lab"));
        var ex = await Assert.ThrowsAsync<XenStepsException>(() => steps.RunAsync("the second step", () => throw new XenOperationException("Nope", XenErrorCategory.InvalidOperation, "no.")));
        Assert.Equal("OperationIncomplete", ex.ErrorId);
        Assert.False(ex.RolledBack);
        Assert.Contains("undid it failed too: ", ex.Message);
        Assert.Contains("half done on host 'lab'", ex.Message);
    }

    // ---- save files ----

    [Fact]
    public async Task Two_domains_of_one_command_never_get_the_same_save_file_even_with_overwrite()
    {
        var (h, _) = await HostAsync();
        DomainTarget web1 = await RunningAsync(h, "web1");
        DomainTarget web2 = await RunningAsync(h, "web2");
        var ops = new DomainLifecycle();
        var claims = new SaveFileClaims();

        await ops.SaveAsync(web1, "/var/lib/xen/save/all.save", XenSaveMode.Destroy, overwrite: true, claims, Ct);
        var ex = await Assert.ThrowsAsync<XenOperationException>(() => ops.SaveAsync(web2, "/var/lib/xen/save//./all.save", XenSaveMode.Destroy, overwrite: true, claims, Ct));
        Assert.Equal("SaveFileInUse", ex.ErrorId);
        Assert.Contains("'web1'", ex.Message);
        Assert.Equal(XenDomainState.Running, (await h.Toolstack.GetDomainAsync("web2", Ct)).State);
        Assert.Equal("web1", (await h.Toolstack.RestoreAsync("/var/lib/xen/save/all.save", paused: false, configPath: null, Ct)).Name);
    }

    [Fact]
    public async Task An_existing_save_file_is_refused_without_overwrite_and_the_domain_keeps_running()
    {
        var (h, _) = await HostAsync();
        DomainTarget web1 = await RunningAsync(h, "web1");
        await h.Toolstack.WriteFileAsync("/var/lib/xen/save/old.save", "precious", Ct);
        var ops = new DomainLifecycle();

        var ex = await Assert.ThrowsAsync<XenOperationException>(() => ops.SaveAsync(web1, "/var/lib/xen/save/old.save", XenSaveMode.Destroy, overwrite: false, new SaveFileClaims(), Ct));
        Assert.Equal("SaveFileExists", ex.ErrorId);
        Assert.Equal("precious", await h.Toolstack.ReadFileAsync("/var/lib/xen/save/old.save", Ct));
        Assert.Equal(XenDomainState.Running, (await h.Toolstack.GetDomainAsync("web1", Ct)).State);
    }

    // ---- rename, set, new ----

    [Fact]
    public async Task Rename_renames_the_domain_back_when_the_new_config_file_cannot_be_written()
    {
        var (h, fabric) = await HostAsync();
        DomainTarget web1 = await RunningAsync(h, "web1");
        await fabric.FailNextAsync("lab", "WriteFile", 1, "sh: cannot create /etc/xen/web9.cfg.tmp: No space left on device", Ct);

        var ex = await Assert.ThrowsAsync<XenStepsException>(() => new DomainConfigOperations().RenameAsync(web1, "web9", Ct));
        Assert.Contains("renamed the running domain to web9; writing /etc/xen/web9.cfg failed: ", ex.Message);
        Assert.EndsWith("; renamed it back.", ex.Message);
        XenDomain d = await h.Toolstack.GetDomainAsync("web1", Ct);
        Assert.Equal(web1.Domain.Id, d.Id);
        Assert.Equal("/etc/xen/web1.cfg", d.ConfigPath);
        await Assert.ThrowsAsync<XenDomainNotFoundException>(() => h.Toolstack.GetDomainAsync("web9", Ct));
    }

    [Fact]
    public async Task Set_sets_back_the_live_changes_made_before_a_failed_step()
    {
        var (h, fabric) = await HostAsync();
        DomainTarget web1 = await RunningAsync(h, "web1", "maxmem = 512");
        await fabric.FailNextAsync("lab", "SetVCpuCount", 1, "libxl_set_vcpuonline failed domid=1 max_vcpus=2, rc: -3", Ct);

        var ex = await Assert.ThrowsAsync<XenStepsException>(() => new DomainConfigOperations().SetAsync(web1, new DomainSettings { MemoryMB = 256, VCpu = 2 }, Ct));
        Assert.Contains("set the memory to 256 MiB; setting 2 vCPUs failed: ", ex.Message);
        Assert.EndsWith("; set the memory back to 128 MiB.", ex.Message);
        Assert.Equal(128, (await h.Toolstack.GetDomainAsync("web1", Ct)).MemoryMB);
    }

    [Theory]
    [InlineData(200, true)]
    [InlineData(201, false)]
    [InlineData(0, true)]
    public async Task A_cap_above_100_per_vcpu_is_refused_before_anything_changes(int cap, bool allowed)
    {
        var (h, _) = await HostAsync();
        DomainTarget web1 = await RunningAsync(h, "web1");
        var settings = new DomainSettings { Cap = cap };
        if (allowed)
        {
            DomainConfigOperations.CheckCap(web1, settings);
        }
        else
        {
            var ex = Assert.Throws<XenOperationException>(() => DomainConfigOperations.CheckCap(web1, settings));
            Assert.Equal("InvalidCap", ex.ErrorId);
            Assert.Contains("valid range is from 0 to 200", ex.Message);
        }
    }

    [Fact]
    public async Task New_with_Start_says_the_domain_exists_Off_with_its_config_file_when_the_start_fails()
    {
        var (h, fabric) = await HostAsync();
        await fabric.FailNextAsync("lab", "CreateFromFile", 1, "libxl: error: simulated", Ct);
        var config = XenDomainConfig.Parse(Cfg("app1"));

        var ex = await Assert.ThrowsAsync<XenStepsException>(() => new DomainConfigOperations().NewAsync(h, config, force: false, start: true, paused: false, Ct));
        Assert.Equal("XlCommandFailed", ex.ErrorId);
        Assert.Contains("wrote its config file /etc/xen/app1.cfg; starting it failed: ", ex.Message);
        Assert.Contains("exists, Off, with its config file /etc/xen/app1.cfg", ex.Message);
        Assert.Equal(XenDomainState.Off, (await h.Toolstack.GetDomainAsync("app1", Ct)).State);
    }

    // ---- waits ----

    [Fact]
    public async Task A_timed_out_shutdown_wait_stops_only_the_wait_the_guest_still_goes_down()
    {
        var time = new SimClock();
        var (h, fabric) = await HostAsync(time);
        DomainTarget web1 = await RunningAsync(h, "web1");
        await fabric.SetLatencyAsync("lab", "Shutdown", TimeSpan.FromSeconds(2), Ct);

        Task<XenDomain?> stop = new DomainLifecycle(timeProvider: time).StopAsync(web1, force: false, wait: true, TimeSpan.FromSeconds(1), Ct);
        await WhenTimerPendingAsync(time, stop);
        time.Advance(TimeSpan.FromSeconds(1));
        var ex = await Assert.ThrowsAsync<XenTimeoutException>(() => stop.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Contains("shutdown was requested and goes on", ex.Message);
        Assert.Equal(XenDomainState.Running, (await h.Toolstack.GetDomainAsync("web1", Ct)).State);

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(XenDomainState.Off, (await h.Toolstack.GetDomainAsync("web1", Ct)).State);
    }

    [Fact]
    public async Task Restart_Wait_of_a_domain_destroyed_on_reboot_ends_at_once_saying_why()
    {
        var time = new SimClock();
        var (h, _) = await HostAsync(time);
        DomainTarget once = await RunningAsync(h, "once", "on_reboot = \"destroy\"");

        // The clock never moves: a wait that polled until its timeout would never end.
        Task<XenDomain?> restart = new DomainLifecycle(timeProvider: time).RestartAsync(once, force: false, wait: true, TimeSpan.FromMinutes(5), Ct);
        var ex = await Assert.ThrowsAsync<XenOperationException>(() => restart.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal("DomainWillNotRestart", ex.ErrorId);
        Assert.Contains("did not come back running", ex.Message);
        Assert.Contains("'destroy'", ex.Message);
    }

    [Theory]
    [InlineData("destroy", null, true)]
    [InlineData("destroy", XenDomainState.Off, true)]
    [InlineData("destroy", XenDomainState.Running, false)]
    [InlineData("restart", null, false)]
    [InlineData("restart", XenDomainState.Off, false)]
    [InlineData("preserve", XenDomainState.Shutdown, true)]
    [InlineData(null, null, false)]
    public void Whether_a_rebooted_domain_can_still_come_back(string? onReboot, XenDomainState? state, bool never)
    {
        XenDomain? now = state is XenDomainState s ? new XenDomain("web1") { State = s } : null;
        Assert.Equal(never, DomainLifecycle.WillNotRestart(onReboot, now) is not null);
    }

    private static async Task WhenTimerPendingAsync(SimClock time, Task work)
    {
        for (int i = 0; i < 500 && time.PendingTimers == 0 && !work.IsCompleted; i++)
        {
            await Task.Delay(10);
        }
    }
}

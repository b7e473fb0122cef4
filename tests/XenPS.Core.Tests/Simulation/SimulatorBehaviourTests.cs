using XenPS.Simulation;

namespace XenPS.Core.Tests.Simulation;

/// <summary>Lifecycle actions, save files, the simulated file system, copies, latency and fault injection.</summary>
public sealed class SimulatorBehaviourTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private static string Config(string name, string extra = "") =>
        $"name = \"{name}\"\ntype = \"pv\"\nkernel = \"/boot/vmlinuz\"\nramdisk = \"/boot/initrd.img\"\nmemory = 128\nmaxmem = 256\nvcpus = 1\n{extra}";

    private static async Task<(SimulatedFabric Fabric, SimulatedToolstack Xl)> NewHostAsync(TimeProvider? time = null)
    {
        SimulatedFabric fabric = SimulatedFabric.InMemory();
        Assert.True(await fabric.AddHostAsync("sim", timeProvider: time));
        Assert.False(await fabric.AddHostAsync("sim"));
        return (fabric, fabric.GetToolstack("sim", timeProvider: time));
    }

    [Fact]
    public async Task NewHost_HasTheStartingFileSystem()
    {
        (_, SimulatedToolstack xl) = await NewHostAsync();
        foreach (string folder in new[] { "/etc/xen", "/etc/xen/auto", "/var/lib/xen/save", "/tmp" })
        {
            Assert.True(await xl.FileExistsAsync(folder, Ct), folder);
        }

        Assert.Equal(new[] { "initrd.img", "vmlinuz" }, (await xl.ListDirectoryAsync("/boot", Ct)).Select(e => e.Name));
        Assert.Contains(await xl.ListDirectoryAsync("/etc/xen", Ct), e => e.Name == "auto" && e.IsDirectory);
        var missing = await Assert.ThrowsAsync<XenHostWriteException>(() => xl.WriteFileAsync("/srv/guest.cfg", "x", Ct));
        Assert.Equal("HostWriteFailed", missing.ErrorId);
        Assert.Contains("No such file or directory", missing.Message, StringComparison.Ordinal);
        await Assert.ThrowsAnyAsync<XlCommandException>(() => xl.ListDirectoryAsync("/srv", Ct));
    }

    [Fact]
    public async Task AutoStartLinks_AndOffDomainsFromConfigFiles()
    {
        (_, SimulatedToolstack xl) = await NewHostAsync();
        await xl.WriteFileAsync("/etc/xen/web1.cfg", Config("web1"), Ct);
        await xl.WriteFileAsync("/etc/xen/db1.cfg", Config("db1"), Ct);
        await xl.CreateSymbolicLinkAsync("/etc/xen/auto/web1.cfg", "/etc/xen/web1.cfg", Ct);

        IReadOnlyList<XenDomain> all = await xl.ListDomainsAsync(Ct);
        Assert.Equal(new[] { "Domain-0", "db1", "web1" }, all.Select(d => d.Name));
        Assert.True(all.Single(d => d.Name == "web1").AutoStart);
        Assert.False(all.Single(d => d.Name == "db1").AutoStart);
        Assert.True((await xl.ListDirectoryAsync("/etc/xen/auto", Ct)).Single().IsSymbolicLink);

        XenDomain started = await xl.CreateFromFileAsync("/etc/xen/web1.cfg", false, Ct);
        Assert.Equal(XenDomainState.Running, started.State);
        Assert.Equal("/etc/xen/web1.cfg", started.ConfigPath);
        Assert.True(started.AutoStart);
        Assert.Single(await xl.ListDomainsAsync(Ct), d => d.Name == "web1");
    }

    [Fact]
    public async Task CreatingAGuestWithAMissingKernel_FailsAndConsumesADomid()
    {
        (_, SimulatedToolstack xl) = await NewHostAsync();
        var error = await Assert.ThrowsAnyAsync<XlCommandException>(() => xl.CreateAsync(Config("k").Replace("/boot/vmlinuz", "/srv/none", StringComparison.Ordinal), false, Ct));
        Assert.Contains("failed to open file '/srv/none'", error.StandardError, StringComparison.Ordinal);
        Assert.Equal(2, (await xl.CreateAsync(Config("k"), false, Ct)).Id);
    }

    [Theory]
    [InlineData("destroy", null, null)]
    [InlineData("preserve", XenDomainState.Shutdown, "---s--")]
    [InlineData("restart", XenDomainState.Running, "-b----")]
    public async Task Shutdown_FollowsOnPoweroff(string action, XenDomainState? expected, string? xlState)
    {
        (_, SimulatedToolstack xl) = await NewHostAsync();
        XenDomain guest = await xl.CreateAsync(Config("g", $"on_poweroff = \"{action}\"\n"), false, Ct);
        await xl.ShutdownAsync("g", wait: true, TimeSpan.FromSeconds(5), Ct);
        if (expected is null)
        {
            await Assert.ThrowsAsync<XenDomainNotFoundException>(() => xl.GetDomainAsync("g", Ct));
            return;
        }

        XenDomain after = await xl.GetDomainAsync("g", Ct);
        Assert.Equal(expected, after.State);
        Assert.Equal(xlState, after.XlState);
        Assert.Equal(guest.Uuid, after.Uuid);
        if (action == "restart")
        {
            Assert.True(after.Id > guest.Id);
        }
        else
        {
            Assert.Equal(guest.Id, after.Id);
            Assert.Equal("poweroff", after.ShutdownReason);
        }
    }

    [Fact]
    public async Task Reboot_GivesANewDomid_AndOnRebootDestroyRemoves()
    {
        (_, SimulatedToolstack xl) = await NewHostAsync();
        XenDomain a = await xl.CreateAsync(Config("a"), false, Ct);
        await xl.RebootAsync("a", false, null, Ct);
        XenDomain rebooted = await xl.GetDomainAsync("a", Ct);
        Assert.True(rebooted.Id > a.Id);
        Assert.Equal(a.Uuid, rebooted.Uuid);
        await Assert.ThrowsAsync<XenDomainNotFoundException>(() => xl.GetDomainAsync(a.Id!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), Ct));

        await xl.CreateAsync(Config("b", "on_reboot = \"destroy\"\n"), false, Ct);
        await xl.RebootAsync("b", false, null, Ct);
        await Assert.ThrowsAsync<XenDomainNotFoundException>(() => xl.GetDomainAsync("b", Ct));
    }

    [Theory]
    [InlineData("destroy")]
    [InlineData("preserve")]
    [InlineData("restart")]
    public async Task Crash_FollowsOnCrash(string action)
    {
        (SimulatedFabric fabric, SimulatedToolstack xl) = await NewHostAsync();
        XenDomain guest = await xl.CreateAsync(Config("c", $"on_crash = \"{action}\"\n"), false, Ct);
        await fabric.CrashDomainAsync("sim", "c", cancellationToken: Ct);
        switch (action)
        {
            case "destroy":
                await Assert.ThrowsAsync<XenDomainNotFoundException>(() => xl.GetDomainAsync("c", Ct));
                break;
            case "preserve":
                XenDomain crashed = await xl.GetDomainAsync("c", Ct);
                Assert.Equal((XenDomainState.Crashed, "---sc-", "crash", guest.Id), (crashed.State, crashed.XlState, crashed.ShutdownReason, crashed.Id));
                Assert.Equal(128, crashed.MemoryMB);
                break;
            default:
                XenDomain restarted = await xl.GetDomainAsync("c", Ct);
                Assert.Equal(XenDomainState.Running, restarted.State);
                Assert.True(restarted.Id > guest.Id);
                break;
        }

        Assert.Contains("Domain crashed", await xl.GetDmesgAsync(false, Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SaveFile_StartsWithTheMagic_HoldsTheConfig_AndModesWork()
    {
        (_, SimulatedToolstack xl) = await NewHostAsync();
        await xl.CreateAsync(Config("s"), false, Ct);
        await xl.SaveAsync("s", "/var/lib/xen/save/s.save", XenSaveMode.KeepRunning, Ct);
        string file = await xl.ReadFileAsync("/var/lib/xen/save/s.save", Ct);
        Assert.StartsWith("Xen saved domain", file, StringComparison.Ordinal);
        Assert.Contains("/boot/vmlinuz", file, StringComparison.Ordinal);
        Assert.Contains("ConfigText", file, StringComparison.Ordinal);
        Assert.Equal(XenDomainState.Running, (await xl.GetDomainAsync("s", Ct)).State);

        await xl.SaveAsync("s", "/tmp/s.save", XenSaveMode.LeavePaused, Ct);
        Assert.Equal(XenDomainState.Paused, (await xl.GetDomainAsync("s", Ct)).State);

        // Restoring while the domain still exists is a name clash, as in real xl.
        await Assert.ThrowsAsync<XenDomainExistsException>(() => xl.RestoreAsync("/tmp/s.save", false, null, Ct));
        await xl.DestroyAsync("s", Ct);
        XenDomain restored = await xl.RestoreAsync("/tmp/s.save", true, null, Ct);
        Assert.Equal(XenDomainState.Paused, restored.State);
        Assert.Equal("s", restored.Name);
    }

    [Fact]
    public async Task MemorySet_IsCappedByTheHostsFreeMemory()
    {
        (_, SimulatedToolstack xl) = await NewHostAsync();
        await xl.CreateAsync(Config("m", "maxmem = 4096\n"), false, Ct);
        long free = (await xl.GetHostInfoAsync(Ct)).FreeMemoryMB;
        await xl.SetMemoryAsync("m", 4096, Ct);
        Assert.Equal(128 + free, (await xl.GetDomainAsync("m", Ct)).MemoryMB);
        Assert.Equal(0, (await xl.GetHostInfoAsync(Ct)).FreeMemoryMB);
        await Assert.ThrowsAsync<XenInsufficientMemoryException>(() => xl.CreateAsync(Config("n"), false, Ct));
    }

    [Fact]
    public async Task Reads_ReturnCopies()
    {
        (_, SimulatedToolstack xl) = await NewHostAsync();
        XenDomain guest = await xl.CreateAsync(Config("copy"), false, Ct);
        await xl.WriteFileAsync("/tmp/d.img", string.Empty, Ct);
        XenDisk disk = await xl.AttachDiskAsync("copy", "format=raw,vdev=xvdb,target=/tmp/d.img", Ct);
        XenNetworkAdapter nic = await xl.AttachNetworkAdapterAsync("copy", "bridge=xenbr0", Ct);

        guest.Name = "changed";
        guest.MemoryMB = 1;
        guest.State = XenDomainState.Crashed;
        disk.Vdev = "xvdz";
        disk.Target = "/elsewhere";
        nic.Mac = "ff:ff:ff:ff:ff:ff";
        XenHostInfo info = await xl.GetHostInfoAsync(Ct);
        info.TotalMemoryMB = 1;
        ((Dictionary<string, string>)info.Properties)["total_memory"] = "1";
        foreach (XenDomain d in await xl.ListDomainsAsync(Ct))
        {
            d.Name = "mutated";
            d.Id = 99;
        }

        XenDomain again = await xl.GetDomainAsync("copy", Ct);
        Assert.Equal(("copy", 128L, XenDomainState.Running), (again.Name, again.MemoryMB, again.State));
        Assert.Equal(("xvdb", "/tmp/d.img"), (Assert.Single(await xl.GetDisksAsync("copy", Ct)).Vdev, (await xl.GetDisksAsync("copy", Ct))[0].Target));
        Assert.NotEqual("ff:ff:ff:ff:ff:ff", Assert.Single(await xl.GetNetworkAdaptersAsync("copy", Ct)).Mac);
        Assert.Equal(3071, (await xl.GetHostInfoAsync(Ct)).TotalMemoryMB);
        Assert.Equal("3071", (await xl.GetHostInfoAsync(Ct)).Properties["total_memory"]);
        Assert.Equal(new[] { "Domain-0", "copy" }, (await xl.ListDomainsAsync(Ct)).Select(d => d.Name));
    }

    [Fact]
    public async Task ReturnedObjects_CarryTheHostAndConnection()
    {
        (_, SimulatedToolstack xl) = await NewHostAsync();
        var connection = new XenHostConnection("sim", XenTransportKind.Simulated, xl);
        XenDomain guest = await xl.CreateAsync(Config("stamp"), false, Ct);
        Assert.Same(connection, guest.XenHost);
        Assert.Equal("sim", guest.HostName);
        Assert.All(await xl.GetVCpusAsync(null, Ct), v => Assert.Same(connection, v.XenHost));
        Assert.Same(connection, (await xl.GetSchedulerParametersAsync("stamp", Ct)).XenHost);
        Assert.Same(connection, (await xl.AttachNetworkAdapterAsync("stamp", "bridge=xenbr0", Ct)).XenHost);
    }

    [Fact]
    public async Task Latency_IsDrivenByTheTimeProvider()
    {
        var time = new ManualTimeProvider();
        (SimulatedFabric fabric, SimulatedToolstack xl) = await NewHostAsync(time);
        await fabric.SetLatencyAsync("sim", "Create", TimeSpan.FromSeconds(30), Ct);

        Task<XenDomain> create = xl.CreateAsync(Config("slow"), false, Ct);
        await time.WaitForTimersAsync();
        Assert.False(create.IsCompleted);
        await Assert.ThrowsAsync<XenDomainNotFoundException>(() => xl.GetDomainAsync("slow", Ct));
        time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(create.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        XenDomain created = await create.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(XenDomainState.Running, created.State);

        // Uptime follows the same clock.
        time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(TimeSpan.FromMinutes(5), Assert.Single(await xl.GetUptimeAsync("slow", Ct)).Uptime);

        // A slow guest shutdown exceeds the caller's timeout: XenTimeoutException, the guest still runs.
        await fabric.SetLatencyAsync("sim", "Shutdown", TimeSpan.FromMinutes(10), Ct);
        Task shutdown = xl.ShutdownAsync("slow", wait: true, TimeSpan.FromSeconds(60), Ct);
        await time.WaitForTimersAsync();
        time.Advance(TimeSpan.FromSeconds(60));
        var timeout = await Assert.ThrowsAsync<XenTimeoutException>(() => shutdown.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(TimeSpan.FromSeconds(60), timeout.Timeout);
        Assert.Equal(XenDomainState.Running, (await xl.GetDomainAsync("slow", Ct)).State);

        await fabric.SetLatencyAsync("sim", "Shutdown", TimeSpan.Zero, Ct);
        await xl.ShutdownAsync("slow", wait: true, TimeSpan.FromSeconds(60), Ct);
        await Assert.ThrowsAsync<XenDomainNotFoundException>(() => xl.GetDomainAsync("slow", Ct));
    }

    [Fact]
    public async Task Latency_IsCancellable()
    {
        var time = new ManualTimeProvider();
        (SimulatedFabric fabric, SimulatedToolstack xl) = await NewHostAsync(time);
        await fabric.SetLatencyAsync("sim", "Create", TimeSpan.FromHours(1), Ct);
        using var cts = new CancellationTokenSource();
        Task<XenDomain> create = xl.CreateAsync(Config("never"), false, cts.Token);
        await time.WaitForTimersAsync();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => create.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Single(await xl.ListDomainsAsync(Ct));
    }

    [Fact]
    public async Task FaultInjection_FailsTheNextNCalls_WithXlsWordsAndTheRightType()
    {
        (SimulatedFabric fabric, SimulatedToolstack xl) = await NewHostAsync();
        await xl.CreateAsync(Config("f"), false, Ct);
        const string Words = "libxl: error: libxl_domain.c:600:libxl_domain_pause: Domain 1:Pausing domain: Device or resource busy";
        await fabric.FailNextAsync("sim", "pause", 2, Words, Ct);

        for (int i = 0; i < 2; i++)
        {
            var error = await Assert.ThrowsAsync<XlCommandException>(() => xl.PauseAsync("f", Ct));
            Assert.Equal(Words + "\n", error.StandardError);
            Assert.Equal("f", error.Domain);
            Assert.Equal("sim", error.HostName);
            Assert.Equal(XenDomainState.Running, (await xl.GetDomainAsync("f", Ct)).State);
        }

        await xl.PauseAsync("f", Ct);
        Assert.Equal(XenDomainState.Paused, (await xl.GetDomainAsync("f", Ct)).State);

        await fabric.FailNextAsync("sim", "GetDomain", 1, "f is an invalid domain identifier (rc=-6)", Ct);
        await Assert.ThrowsAsync<XenDomainNotFoundException>(() => xl.GetDomainAsync("f", Ct));
        Assert.Equal("f", (await xl.GetDomainAsync("f", Ct)).Name);

        await fabric.FailNextAsync("sim", "CreateAsync", 1, "xc: error: panic: xg_dom_boot.c:119: xc_dom_boot_mem_init: can't allocate low memory for domain: Out of memory", Ct);
        var oom = await Assert.ThrowsAsync<XenInsufficientMemoryException>(() => xl.CreateAsync(Config("g"), false, Ct));
        Assert.Equal(3, oom.ExitCode);
        Assert.Equal("g", (await xl.CreateAsync(Config("g"), false, Ct)).Name);

        await fabric.FailNextAsync("sim", "Unpause", 5, "x", Ct);
        await fabric.ClearInjectionsAsync("sim", Ct);
        await xl.UnpauseAsync("f", Ct);
        Assert.Throws<ArgumentException>(() => { _ = fabric.FailNextAsync("sim", "Frobnicate", 1, "x", Ct); });
    }
}

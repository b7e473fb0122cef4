using System.Globalization;
using System.Text.RegularExpressions;
using XenPS.Toolstack;
using Xunit;

namespace XenPS.ContractTests;

/// <summary>
/// The toolstack contract: one suite that every backend runs by subclassing (the simulator in
/// XenPS.Core.Tests, the xl toolstack on a real Xen 4.17.7 in the integration tests, which
/// compile-include this folder). Where the simulator and real xl differ, the simulator is wrong.
/// </summary>
/// <remarks>
/// Guest creations are few (each costs 6–16 s on an emulated Xen): the lifecycle scenario shares one
/// guest across its assertions. Every guest a test creates is destroyed in <see cref="DisposeAsync"/>.
/// </remarks>
public abstract class ToolstackContractTests : IAsyncLifetime
{
    private readonly List<string> _created = new();
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..6];

    /// <summary>The backend under test.</summary>
    protected IXenToolstack Toolstack { get; private set; } = null!;

    /// <summary>What the suite needs to know about the host.</summary>
    protected ContractEnvironment Env { get; private set; } = null!;

    /// <summary>Connects to the backend (called once per test).</summary>
    protected abstract Task<(IXenToolstack Toolstack, ContractEnvironment Environment)> ConnectAsync();

    /// <summary>The test's cancellation (bounded so that a hung host fails the test instead of hanging the run).</summary>
    protected CancellationToken Ct { get; } = new CancellationTokenSource(TimeSpan.FromMinutes(10)).Token;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        (Toolstack, Env) = await ConnectAsync();
    }

    /// <inheritdoc />
    public virtual async Task DisposeAsync()
    {
        foreach (string name in _created)
        {
            try
            {
                await Toolstack.DestroyAsync(name, CancellationToken.None);
            }
            catch (XenException)
            {
                // Already gone: the test removed it.
            }
        }
    }

    /// <summary>A unique guest name for this test run (several runs may share a host).</summary>
    protected string GuestName(string role) => $"xenps-ct-{role}-{_suffix}";

    /// <summary>xl.cfg text for a small guest of the environment's type.</summary>
    protected string GuestConfig(string name, string? extra = null)
    {
        var lines = new List<string>
        {
            $"name = \"{name}\"",
            $"type = \"{Env.GuestType}\"",
            $"kernel = \"{Env.KernelPath}\"",
        };
        if (Env.RamdiskPath is not null)
        {
            lines.Add($"ramdisk = \"{Env.RamdiskPath}\"");
        }

        lines.Add("extra = \"console=hvc0 quiet\"");
        lines.Add($"memory = {Env.GuestMemoryMB}");
        lines.Add($"maxmem = {Env.GuestMemoryMB * 2}");
        lines.Add("vcpus = 1");
        lines.Add("on_poweroff = \"destroy\"");
        lines.Add("on_reboot = \"restart\"");
        lines.Add("on_crash = \"destroy\"");
        if (extra is not null)
        {
            lines.Add(extra);
        }

        return string.Join('\n', lines) + "\n";
    }

    /// <summary>Creates a guest and remembers it for clean-up.</summary>
    protected async Task<XenDomain> CreateGuestAsync(string name, bool paused = false)
    {
        _created.Add(name);
        return await Toolstack.CreateAsync(GuestConfig(name), paused, Ct);
    }

    /// <summary>Polls until <paramref name="condition"/> holds (a real guest balloons or shuts down in its own time).</summary>
    protected async Task<T> WaitForAsync<T>(Func<Task<T>> read, Func<T, bool> condition, TimeSpan timeout, string what)
    {
        DateTime until = DateTime.UtcNow + timeout;
        while (true)
        {
            T value = await read();
            if (condition(value))
            {
                return value;
            }

            if (DateTime.UtcNow > until)
            {
                Assert.Fail($"Timed out after {timeout.TotalSeconds:0} s waiting for {what}; last value: {value}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), Ct);
        }
    }

    private async Task AssertGoneAsync(string name)
    {
        var error = await Assert.ThrowsAsync<XenDomainNotFoundException>(() => Toolstack.GetDomainAsync(name, Ct));
        Assert.Equal(name, error.Domain);
        Assert.DoesNotContain(await Toolstack.ListDomainsAsync(Ct), d => d.Name == name && d.State != XenDomainState.Off);
    }

    // ---------------------------------------------------------------- host

    [Fact]
    public async Task HostInfo_IsSane()
    {
        XenHostInfo info = await Toolstack.GetHostInfoAsync(Ct);

        Assert.True(info.TotalMemoryMB > 0, "total memory");
        Assert.InRange(info.FreeMemoryMB, 0, info.TotalMemoryMB);
        Assert.True(info.CpuCount >= 1, "cpu count");
        Assert.Matches(new Regex(@"^\d+\.\d+"), info.XenVersion);
        Assert.Contains(info.Scheduler, new[] { "credit", "credit2", "rtds", "arinc653", "null" });
        Assert.Equal(Toolstack.HostName, info.HostName);
        Assert.Same(Toolstack.Connection, info.XenHost);
        Assert.Equal(info.TotalMemoryMB.ToString(CultureInfo.InvariantCulture), info.Properties["total_memory"]);
    }

    [Fact]
    public async Task List_ContainsDomain0()
    {
        IReadOnlyList<XenDomain> domains = await Toolstack.ListDomainsAsync(Ct);

        XenDomain dom0 = Assert.Single(domains, d => d.Id == 0);
        Assert.Equal("Domain-0", dom0.Name);
        Assert.Equal(XenDomainState.Running, dom0.State);
        Assert.True(dom0.MemoryMB > 0);
        Assert.True(dom0.VCpu >= 1);
        Assert.Equal(Toolstack.HostName, dom0.HostName);
        Assert.Equal(0, (await Toolstack.GetDomainAsync("0", Ct)).Id);
        Assert.Equal(0, (await Toolstack.GetDomainAsync("Domain-0", Ct)).Id);
        Assert.Contains(await Toolstack.GetVCpusAsync(null, Ct), v => v.DomainId == 0 && v.DomainName == "Domain-0");
    }

    // ---------------------------------------------------------------- one guest, many assertions

    [Fact]
    public async Task GuestLifecycle_BehavesLikeXl()
    {
        string name = GuestName("life");
        int maxIdBefore = (await Toolstack.ListDomainsAsync(Ct)).Max(d => d.Id ?? 0);
        long freeBefore = (await Toolstack.GetHostInfoAsync(Ct)).FreeMemoryMB;

        // create → running, a new id above every earlier one, memory as configured
        XenDomain created = await CreateGuestAsync(name);
        Assert.Equal(name, created.Name);
        Assert.Equal(XenDomainState.Running, created.State);
        Assert.NotNull(created.Id);
        Assert.True(created.Id > maxIdBefore, $"new domid {created.Id} must exceed {maxIdBefore}");
        Assert.NotNull(created.Uuid);
        Assert.Equal(Env.GuestMemoryMB, created.MemoryMB);
        Assert.Equal(Env.GuestMemoryMB * 2, created.MaxMemoryMB);
        Assert.Equal(1, created.VCpu);
        Assert.Equal(Toolstack.HostName, created.HostName);
        int id = created.Id!.Value;

        XenDomain byName = await Toolstack.GetDomainAsync(name, Ct);
        Assert.Equal(id, byName.Id);
        Assert.Equal(created.Uuid, byName.Uuid);
        Assert.Equal(name, (await Toolstack.GetDomainAsync(id.ToString(CultureInfo.InvariantCulture), Ct)).Name);
        Assert.Contains(await Toolstack.ListDomainsAsync(Ct), d => d.Name == name && d.Id == id);
        Assert.True((await Toolstack.GetHostInfoAsync(Ct)).FreeMemoryMB <= freeBefore - Env.GuestMemoryMB, "free memory must drop by the guest's memory");
        Assert.Contains($"\"{name}\"", await Toolstack.GetLiveConfigJsonAsync(name, Ct), StringComparison.Ordinal);

        // a second domain of the same name is refused
        _created.Add(name);
        await Assert.ThrowsAsync<XenDomainExistsException>(() => Toolstack.CreateAsync(GuestConfig(name), false, Ct));
        Assert.Equal(id, (await Toolstack.GetDomainAsync(name, Ct)).Id);

        // pause → Paused, unpause → Running; unpause of a running domain is DomainNotPaused (xl prints a libxl error and exits 0: 275)
        await Toolstack.PauseAsync(name, Ct);
        XenDomain paused = await Toolstack.GetDomainAsync(name, Ct);
        Assert.Equal(XenDomainState.Paused, paused.State);
        Assert.Equal('p', paused.XlState[2]);
        await Toolstack.UnpauseAsync(name, Ct);
        Assert.Equal(XenDomainState.Running, (await Toolstack.GetDomainAsync(name, Ct)).State);
        var notPaused = await Assert.ThrowsAsync<XenOperationException>(() => Toolstack.UnpauseAsync(name, Ct));
        Assert.Equal("DomainNotPaused", notPaused.ErrorId);
        Assert.Equal(XenDomainState.Running, (await Toolstack.GetDomainAsync(name, Ct)).State);

        // memory target, and its limit
        long lower = Env.GuestMemoryMB - 32;
        await Toolstack.SetMemoryAsync(name, lower, Ct);
        await WaitForAsync(() => Toolstack.GetDomainAsync(name, Ct), d => d.MemoryMB == lower, Env.SettleTimeout, $"memory {lower} MiB");
        var tooMuch = await Assert.ThrowsAnyAsync<XlCommandException>(() => Toolstack.SetMemoryAsync(name, Env.GuestMemoryMB * 2 + 1024, Ct));
        Assert.Contains("memory_static_max", tooMuch.StandardError, StringComparison.Ordinal);
        Assert.Equal(Toolstack.HostName, tooMuch.HostName);
        await Toolstack.SetMemoryAsync(name, Env.GuestMemoryMB, Ct);
        await WaitForAsync(() => Toolstack.GetDomainAsync(name, Ct), d => d.MemoryMB == Env.GuestMemoryMB, Env.SettleTimeout, $"memory {Env.GuestMemoryMB} MiB");

        // vCPUs and scheduler
        XenVCpu vcpu = Assert.Single(await Toolstack.GetVCpusAsync(name, Ct));
        Assert.Equal(0, vcpu.VCpu);
        Assert.Equal(id, vcpu.DomainId);
        Assert.True(vcpu.Online);
        int cpus = (await Toolstack.GetHostInfoAsync(Ct)).CpuCount;
        await Assert.ThrowsAsync<XenVCpuOvercommitException>(() => Toolstack.SetVCpuCountAsync(name, cpus + 2, Ct));

        // --ignore-host passes the host check; the domain's own maximum (1 vCPU) still refuses it, in other words.
        var beyondMax = await Assert.ThrowsAnyAsync<XlCommandException>(() => Toolstack.SetVCpuCountAsync(name, cpus + 2, allowOvercommit: true, Ct));
        Assert.IsNotType<XenVCpuOvercommitException>(beyondMax);
        XenSchedulerParameters sched = await Toolstack.GetSchedulerParametersAsync(name, Ct);
        Assert.Equal(256, sched.Weight);
        await Toolstack.SetSchedulerParametersAsync(name, 512, null, Ct);
        Assert.Equal(512, (await Toolstack.GetSchedulerParametersAsync(name, Ct)).Weight);
        Assert.Contains(await Toolstack.GetUptimeAsync(name, Ct), u => u.DomainId == id && u.Uptime >= TimeSpan.Zero);

        // block device: attach, in use, detach, absent
        string image = $"{Env.ScratchDirectory.TrimEnd('/')}/{name}-xvdb.img";
        if (Env.CreateDiskImage is not null)
        {
            await Env.CreateDiskImage(image);
        }
        else
        {
            await Toolstack.WriteFileAsync(image, string.Empty, Ct);
        }

        XenDisk disk = await Toolstack.AttachDiskAsync(name, $"format=raw,vdev=xvdb,access=rw,target={image}", Ct);
        Assert.Equal("xvdb", disk.Vdev);
        XenDisk listed = Assert.Single(await Toolstack.GetDisksAsync(name, Ct), d => d.Vdev == "xvdb");
        Assert.Equal(image, listed.Target);
        Assert.Equal(51728, listed.DeviceId);
        Assert.Equal(name, listed.DomainName);
        await Assert.ThrowsAsync<XenDeviceInUseException>(() => Toolstack.AttachDiskAsync(name, $"format=raw,vdev=xvdb,access=rw,target={image}", Ct));
        await Toolstack.DetachDiskAsync(name, "xvdb", false, Ct);
        Assert.DoesNotContain(await Toolstack.GetDisksAsync(name, Ct), d => d.Vdev == "xvdb");
        await Toolstack.AttachDiskAsync(name, $"format=raw,vdev=xvdc,access=ro,target={image}", Ct);
        Assert.Equal("ro", Assert.Single(await Toolstack.GetDisksAsync(name, Ct), d => d.Vdev == "xvdc").Access);
        await Toolstack.DetachDiskAsync(name, "xvdc", force: true, Ct);
        Assert.DoesNotContain(await Toolstack.GetDisksAsync(name, Ct), d => d.Vdev == "xvdc");
        await Assert.ThrowsAnyAsync<XlCommandException>(() => Toolstack.DetachDiskAsync(name, "xvdz", false, Ct));

        // network: attach with a MAC, the same MAC again (xl accepts it), a bad MAC, detach
        string mac = "00:16:3e:" + _suffix[..2] + ":" + _suffix[2..4] + ":" + _suffix[4..6];
        XenNetworkAdapter nic = await Toolstack.AttachNetworkAdapterAsync(name, $"bridge={Env.Bridge},mac={mac}", Ct);
        Assert.Equal(mac, nic.Mac);
        XenNetworkAdapter nicListed = Assert.Single(await Toolstack.GetNetworkAdaptersAsync(name, Ct), n => n.Index == nic.Index);
        Assert.Equal(mac, nicListed.Mac);
        Assert.Equal(Env.Bridge, nicListed.Bridge);
        XenNetworkAdapter twin = await Toolstack.AttachNetworkAdapterAsync(name, $"bridge={Env.Bridge},mac={mac}", Ct);
        Assert.NotEqual(nic.Index, twin.Index);
        Assert.Equal(2, (await Toolstack.GetNetworkAdaptersAsync(name, Ct)).Count(n => n.Mac == mac));
        // A spec xl would refuse (fixture 263: "Invalid parameter `mac'.") is refused before it reaches the host.
        int adapters = (await Toolstack.GetNetworkAdaptersAsync(name, Ct)).Count;
        var badMac = await Assert.ThrowsAsync<XenConfigException>(() => Toolstack.AttachNetworkAdapterAsync(name, $"bridge={Env.Bridge},mac=zz:16:3e:00:00:ab", Ct));
        Assert.Contains("Invalid parameter `mac'", badMac.Message, StringComparison.Ordinal);
        Assert.Equal(adapters, (await Toolstack.GetNetworkAdaptersAsync(name, Ct)).Count);
        await Toolstack.DetachNetworkAdapterAsync(name, twin.Index.ToString(CultureInfo.InvariantCulture), Ct);
        await WaitForAsync(() => Toolstack.GetNetworkAdaptersAsync(name, Ct), l => l.All(n => n.Index != twin.Index), Env.SettleTimeout, "the vif to go");

        // save → gone and a file; restore → running with a new id
        string savePath = $"{Env.ScratchDirectory.TrimEnd('/')}/{name}.save";
        await Toolstack.SaveAsync(name, savePath, XenSaveMode.Destroy, Ct);
        await AssertGoneAsync(name);
        Assert.True(await Toolstack.FileExistsAsync(savePath, Ct));
        XenDomain restored = await Toolstack.RestoreAsync(savePath, false, null, Ct);
        Assert.Equal(name, restored.Name);
        Assert.Equal(XenDomainState.Running, restored.State);
        Assert.True(restored.Id > id, $"restored domid {restored.Id} must exceed {id}");
        Assert.Equal(created.Uuid, restored.Uuid);
        Assert.Equal(Env.GuestMemoryMB, restored.MemoryMB);
        await Toolstack.DeleteFileAsync(savePath, Ct);
        Assert.False(await Toolstack.FileExistsAsync(savePath, Ct));

        // rename, and a clash
        string renamed = GuestName("renamed");
        _created.Add(renamed);
        await Toolstack.RenameAsync(name, renamed, Ct);
        await Assert.ThrowsAsync<XenDomainNotFoundException>(() => Toolstack.GetDomainAsync(name, Ct));
        Assert.Equal(restored.Id, (await Toolstack.GetDomainAsync(renamed, Ct)).Id);
        var clash = await Assert.ThrowsAsync<XenDomainExistsException>(() => Toolstack.RenameAsync(renamed, "Domain-0", Ct));
        Assert.Equal(Toolstack.HostName, clash.HostName);
        Assert.Equal(renamed, (await Toolstack.GetDomainAsync(renamed, Ct)).Name);

        // shutdown with wait → gone
        await Toolstack.ShutdownAsync(renamed, wait: true, Env.ShutdownTimeout, Ct);
        await AssertGoneAsync(renamed);

        // create paused → Paused with a newer id; destroy → gone
        string second = GuestName("paused");
        XenDomain pausedGuest = await CreateGuestAsync(second, paused: true);
        Assert.Equal(XenDomainState.Paused, pausedGuest.State);
        Assert.True(pausedGuest.Id > restored.Id, "domids are never reused");
        await Toolstack.DestroyAsync(second, Ct);
        await AssertGoneAsync(second);
        if (Env.CreateDiskImage is null)
        {
            await Toolstack.DeleteFileAsync(image, Ct);
        }
    }

    // ---------------------------------------------------------------- host: bridges and images

    [Fact]
    public async Task Bridges_include_the_environments_and_images_are_made_once()
    {
        IReadOnlyList<XenBridge> bridges = await Toolstack.GetBridgesAsync(Ct);
        Assert.Contains(bridges, b => b.Name == Env.Bridge);
        Assert.All(bridges, b => Assert.Equal(Toolstack.HostName, b.HostName));

        string path = $"{Env.ScratchDirectory.TrimEnd('/')}/xenps-ct-image-{_suffix}.img";
        try
        {
            XenDiskImage img = await Toolstack.CreateDiskImageAsync(path, 32L << 20, "raw", false, Ct);
            Assert.Equal((path, "raw", 0.0313), (img.Path, img.Format, img.SizeGB));
            Assert.True(img.AllocatedBytes < 32L << 20, $"a sparse image allocates less than its size ({img.AllocatedBytes} bytes)");
            Assert.True(await Toolstack.FileExistsAsync(path, Ct));
            var again = await Assert.ThrowsAsync<XenOperationException>(() => Toolstack.CreateDiskImageAsync(path, 1L << 20, "raw", false, Ct));
            Assert.Equal("DiskImageExists", again.ErrorId);
            await Assert.ThrowsAnyAsync<XlCommandException>(() => Toolstack.CreateDiskImageAsync($"/xenps-no-such-folder-{_suffix}/a.img", 1L << 20, "raw", false, Ct));
        }
        finally
        {
            await Toolstack.DeleteFileAsync(path, Ct);
        }
    }

    // ---------------------------------------------------------------- errors

    [Fact]
    public async Task UnknownDomain_FailsWithDomainNotFound_ForEveryVerb()
    {
        string nobody = GuestName("nobody");
        string scratch = Env.ScratchDirectory.TrimEnd('/');
        var verbs = new (string Verb, Func<Task> Call)[]
        {
            ("GetDomain", () => Toolstack.GetDomainAsync(nobody, Ct)),
            ("GetLiveConfigJson", () => Toolstack.GetLiveConfigJsonAsync(nobody, Ct)),
            ("Shutdown", () => Toolstack.ShutdownAsync(nobody, false, null, Ct)),
            ("Reboot", () => Toolstack.RebootAsync(nobody, false, null, Ct)),
            ("Destroy", () => Toolstack.DestroyAsync(nobody, Ct)),
            ("Pause", () => Toolstack.PauseAsync(nobody, Ct)),
            ("Unpause", () => Toolstack.UnpauseAsync(nobody, Ct)),
            ("Save", () => Toolstack.SaveAsync(nobody, $"{scratch}/{nobody}.save", XenSaveMode.Destroy, Ct)),
            ("Rename", () => Toolstack.RenameAsync(nobody, nobody + "-x", Ct)),
            ("SetMemory", () => Toolstack.SetMemoryAsync(nobody, 64, Ct)),
            ("SetMaxMemory", () => Toolstack.SetMaxMemoryAsync(nobody, 256, Ct)),
            ("SetVCpuCount", () => Toolstack.SetVCpuCountAsync(nobody, 1, Ct)),
            ("GetVCpus", () => Toolstack.GetVCpusAsync(nobody, Ct)),
            ("PinVCpu", () => Toolstack.PinVCpuAsync(nobody, "0", "all", null, Ct)),
            ("GetSchedulerParameters", () => Toolstack.GetSchedulerParametersAsync(nobody, Ct)),
            ("SetSchedulerParameters", () => Toolstack.SetSchedulerParametersAsync(nobody, 256, null, Ct)),
            ("GetUptime", () => Toolstack.GetUptimeAsync(nobody, Ct)),
            ("GetDisks", () => Toolstack.GetDisksAsync(nobody, Ct)),
            ("AttachDisk", () => Toolstack.AttachDiskAsync(nobody, $"format=raw,vdev=xvdb,access=rw,target={scratch}/{nobody}.img", Ct)),
            ("DetachDisk", () => Toolstack.DetachDiskAsync(nobody, "xvdb", false, Ct)),
            ("GetNetworkAdapters", () => Toolstack.GetNetworkAdaptersAsync(nobody, Ct)),
            ("AttachNetworkAdapter", () => Toolstack.AttachNetworkAdapterAsync(nobody, $"bridge={Env.Bridge}", Ct)),
            ("DetachNetworkAdapter", () => Toolstack.DetachNetworkAdapterAsync(nobody, "0", Ct)),
        };

        foreach ((string verb, Func<Task> call) in verbs)
        {
            XenDomainNotFoundException error;
            try
            {
                error = await Assert.ThrowsAsync<XenDomainNotFoundException>(call);
            }
            catch (Exception ex) when (ex is not XenDomainNotFoundException)
            {
                throw new Xunit.Sdk.XunitException($"{verb}: {ex.Message}");
            }

            Assert.True(error.Domain == nobody, $"{verb}: the error names the domain (was '{error.Domain}')");
            Assert.True(error.HostName == Toolstack.HostName, $"{verb}: the error names the host (was '{error.HostName}')");
        }
    }

    [Fact]
    public async Task ConfigFilesInTheConfigDirectory_AreOffDomains()
    {
        string name = GuestName("offcfg");
        string path = $"{Toolstack.ConfigDirectory.TrimEnd('/')}/{name}.cfg";
        await Toolstack.WriteFileAsync(path, GuestConfig(name), Ct);
        try
        {
            Assert.True(await Toolstack.FileExistsAsync(path, Ct));
            Assert.Equal(GuestConfig(name), await Toolstack.ReadFileAsync(path, Ct));
            Assert.Contains(await Toolstack.ListDirectoryAsync(Toolstack.ConfigDirectory, Ct), e => e.Name == name + ".cfg" && !e.IsDirectory);

            XenDomain off = Assert.Single(await Toolstack.ListDomainsAsync(Ct), d => d.Name == name);
            Assert.Equal(XenDomainState.Off, off.State);
            Assert.Null(off.Id);
            Assert.Equal(path, off.ConfigPath);
            Assert.Equal(Env.GuestMemoryMB, off.MemoryMB);
            Assert.Equal(Toolstack.HostName, off.HostName);
            XenDomain single = await Toolstack.GetDomainAsync(name, Ct);
            Assert.Equal(XenDomainState.Off, single.State);
            await Assert.ThrowsAsync<XenDomainNotFoundException>(() => Toolstack.PauseAsync(name, Ct));
        }
        finally
        {
            await Toolstack.DeleteFileAsync(path, Ct);
        }

        Assert.False(await Toolstack.FileExistsAsync(path, Ct));
        Assert.DoesNotContain(await Toolstack.ListDomainsAsync(Ct), d => d.Name == name);
        await Assert.ThrowsAsync<XenDomainNotFoundException>(() => Toolstack.GetDomainAsync(name, Ct));
    }

    [Fact]
    public async Task TargetedReads_FindADomainByDomidAndByConfigFile_WithoutAListing()
    {
        string name = GuestName("ident");
        string path = $"{Toolstack.ConfigDirectory.TrimEnd('/')}/{name}.cfg";
        await Toolstack.WriteFileAsync(path, GuestConfig(name), Ct);
        try
        {
            XenDomain? off = await Toolstack.FindDomainByConfigAsync(path, Ct);
            Assert.NotNull(off);
            Assert.Equal((name, XenDomainState.Off, (int?)null, path), (off.Name, off.State, off.Id, off.ConfigPath));

            XenDomain started = await Toolstack.CreateFromFileAsync(path, paused: true, Ct);
            int id = started.Id!.Value;
            XenDomain? byId = await Toolstack.FindRunningDomainAsync(id, Ct);
            Assert.NotNull(byId);
            Assert.Equal((name, id, started.Uuid, XenDomainState.Paused), (byId.Name, byId.Id, byId.Uuid, byId.State));
            Assert.Null(byId.ConfigPath);
            Assert.Equal(Toolstack.HostName, byId.HostName);

            XenDomain? byConfig = await Toolstack.FindDomainByConfigAsync(path, Ct);
            Assert.NotNull(byConfig);
            Assert.Equal((id, started.Uuid, path), (byConfig.Id, byConfig.Uuid, byConfig.ConfigPath));

            await Toolstack.DestroyAsync(id.ToString(CultureInfo.InvariantCulture), Ct);
            await WaitForAsync(() => Toolstack.FindRunningDomainAsync(id, Ct), d => d is null, TimeSpan.FromSeconds(60), $"domain {id} to be gone");
            Assert.Equal(XenDomainState.Off, (await Toolstack.FindDomainByConfigAsync(path, Ct))?.State);
            Assert.Equal("Domain-0", (await Toolstack.FindRunningDomainAsync(0, Ct))?.Name);
        }
        finally
        {
            try
            {
                await Toolstack.DestroyAsync(name, CancellationToken.None);
            }
            catch (XenException)
            {
                // Not running: nothing to clean.
            }

            await Toolstack.DeleteFileAsync(path, Ct);
        }

        Assert.Null(await Toolstack.FindDomainByConfigAsync(path, Ct));
    }

    [Fact]
    public async Task Restore_RefusesWhatIsNotASaveFile()
    {
        string scratch = Env.ScratchDirectory.TrimEnd('/');
        string missing = $"{scratch}/{GuestName("missing")}.save";
        var noFile = await Assert.ThrowsAnyAsync<XlCommandException>(() => Toolstack.RestoreAsync(missing, false, null, Ct));
        Assert.Contains("Can't open restore file", noFile.StandardError, StringComparison.Ordinal);

        string notSave = $"{scratch}/{GuestName("notsave")}.cfg";
        await Toolstack.WriteFileAsync(notSave, GuestConfig(GuestName("notsave")), Ct);
        try
        {
            var wrongMagic = await Assert.ThrowsAnyAsync<XlCommandException>(() => Toolstack.RestoreAsync(notSave, false, null, Ct));
            Assert.Contains("wrong magic number", wrongMagic.StandardError, StringComparison.Ordinal);
        }
        finally
        {
            await Toolstack.DeleteFileAsync(notSave, Ct);
        }
    }

    [Fact]
    public async Task Files_WriteIntoMissingFolderFails_AndDeleteOfMissingFileIsQuiet()
    {
        string folder = $"{Env.ScratchDirectory.TrimEnd('/')}/{GuestName("nofolder")}";
        await Assert.ThrowsAnyAsync<XenException>(() => Toolstack.WriteFileAsync(folder + "/x.cfg", "x = 1\n", Ct));
        Assert.False(await Toolstack.FileExistsAsync(folder + "/x.cfg", Ct));
        await Toolstack.DeleteFileAsync(folder + "/x.cfg", Ct);
        await Assert.ThrowsAnyAsync<XenException>(() => Toolstack.ReadFileAsync(folder + "/x.cfg", Ct));
    }

    // ---------------------------------------------------------------- migration

    [Fact]
    public async Task Migrate_MovesTheGuest_WhenTheEnvironmentHasADestination()
    {
        if (!Env.SupportsMigration || Env.MigrationDestination is null || Env.MigrationDestinationToolstack is null)
        {
            return;
        }

        string name = GuestName("mig");
        XenDomain guest = await CreateGuestAsync(name);
        var lines = new List<string>();
        XenMigrationResult result = await Toolstack.MigrateAsync(name, new XenMigrationRequest(Env.MigrationDestination), new SyncProgress(lines), Ct);
        Assert.Equal(name, result.DomainName);
        Assert.Contains("Migration successful.", result.Log, StringComparison.Ordinal);
        Assert.Contains(lines, l => l.Contains("Migration successful.", StringComparison.Ordinal));
        await AssertGoneAsync(name);

        IXenToolstack destination = Env.MigrationDestinationToolstack;
        XenDomain arrived = await destination.GetDomainAsync(name, Ct);
        Assert.Equal(XenDomainState.Running, arrived.State);
        Assert.Equal(guest.Uuid, arrived.Uuid);
        Assert.Equal(Env.GuestMemoryMB, arrived.MemoryMB);
        await destination.DestroyAsync(name, Ct);
    }

    /// <summary>An IProgress that records synchronously (Progress&lt;T&gt; posts to the thread pool).</summary>
    protected sealed class SyncProgress : IProgress<string>
    {
        private readonly List<string> _lines;

        /// <summary>Records into <paramref name="lines"/>.</summary>
        public SyncProgress(List<string> lines) => _lines = lines;

        /// <inheritdoc />
        public void Report(string value)
        {
            lock (_lines)
            {
                _lines.Add(value);
            }
        }
    }
}

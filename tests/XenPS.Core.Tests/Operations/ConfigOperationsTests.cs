using XenPS.Config;
using XenPS.Operations;
using XenPS.Simulation;

namespace XenPS.Core.Tests.Operations;

/// <summary>New/Set/Rename/Get-XenDomainConfig decisions against the simulator.</summary>
public sealed class ConfigOperationsTests
{
    private readonly CancellationToken _ct = CancellationToken.None;
    private readonly DomainConfigOperations _ops = new();

    private static async Task<XenHostConnection> HostAsync()
    {
        var h = await XenConnectionFactory.SimulatedAsync(new SimulatedConnectionOptions { Name = "lab", InMemoryFabric = SimulatedFabric.InMemory() });
        await h.Toolstack.WriteFileAsync("/tmp/web1.img", "disk image", CancellationToken.None);
        return h;
    }

    private static NewDomainSpec Spec(string name = "web1") => new()
    {
        Name = name,
        MemoryMB = 256,
        MaxMemoryMB = 512,
        VCpu = 1,
        MaxVCpu = 2,
        Type = XenDomainType.Pvh,
        Kernel = "/boot/vmlinuz",
        Ramdisk = "/boot/initrd.img",
        KernelArgs = "console=hvc0 quiet",
        Disks = ["format=raw,vdev=xvda,access=rw,target=/tmp/web1.img"],
        Networks = ["bridge=xenbr0,mac=00:16:3e:00:00:01"],
    };

    [Fact]
    public void BuildConfig_writes_every_parameter_as_xl_reads_it()
    {
        XenDomainConfig c = DomainConfigOperations.BuildConfig(Spec());
        XenDomainConfig back = XenDomainConfig.Parse(c.ToConfigText());
        Assert.Equal("web1", back.Name);
        Assert.Equal(XenDomainType.Pvh, back.Type);
        Assert.Equal(256, back.MemoryMB);
        Assert.Equal(512, back.MaxMemoryMB);
        Assert.Equal(2, back.MaxVCpu);
        Assert.Equal("console=hvc0 quiet", back.Cmdline);
        Assert.Equal("/tmp/web1.img", Assert.Single(back.Disks).Target);
        Assert.Equal("xvda", back.Disks[0].Vdev);
        Assert.Equal("00:16:3e:00:00:01", Assert.Single(back.Vifs).Mac);
        Assert.True(XenConfigValidator.Validate(back).IsValid);
    }

    [Theory]
    [InlineData("\"; rm -rf /")]
    [InlineData("a'b")]
    [InlineData("x\ny")]
    public void BuildConfig_cannot_be_injected_through_arguments(string evil)
    {
        // A hostile kernel command line either round-trips exactly or is refused; it never adds keys.
        try
        {
            XenDomainConfig c = DomainConfigOperations.BuildConfig(new NewDomainSpec { Name = "web1", MemoryMB = 128, Kernel = "/boot/vmlinuz", KernelArgs = evil });
            XenDomainConfig back = XenDomainConfig.Parse(c.ToConfigText());
            Assert.Equal(evil, back.Cmdline);
            Assert.Equal(["name", "type", "memory", "vcpus", "kernel", "cmdline"], back.Keys);
        }
        catch (Exception ex)
        {
            Assert.True(ex is XenConfigException or ArgumentException, ex.GetType().Name);
        }
    }

    [Fact]
    public void BuildConfig_refuses_bad_names_and_specs_before_anything_is_written()
    {
        Assert.ThrowsAny<Exception>(() => DomainConfigOperations.BuildConfig(Spec("../etc/passwd")));
        var bad = new NewDomainSpec { Name = "web1", MemoryMB = 128, Kernel = "/boot/vmlinuz", Networks = ["mac=zz:16:3e:00:00:01"] };
        try
        {
            DomainConfigOperations.BuildConfig(bad);
        }
        catch (XenConfigException)
        {
            return;
        }

        // If the vif parser accepts it syntactically, validation must refuse it.
        Assert.False(XenConfigValidator.Validate(DomainConfigOperations.BuildConfig(bad)).IsValid);
    }

    [Fact]
    public async Task New_writes_the_file_atomically_refuses_to_overwrite_without_Force_and_starts_with_Start()
    {
        var h = await HostAsync();
        XenDomain off = await _ops.NewAsync(h, DomainConfigOperations.BuildConfig(Spec()), force: false, start: false, paused: false, _ct);
        Assert.Equal(XenDomainState.Off, off.State);
        Assert.Equal("/etc/xen/web1.cfg", off.ConfigPath);
        string written = await h.Toolstack.ReadFileAsync("/etc/xen/web1.cfg", _ct);
        Assert.Contains("memory = 256", written);

        var ex = await Assert.ThrowsAsync<XenDomainExistsException>(() => _ops.NewAsync(h, DomainConfigOperations.BuildConfig(Spec()), false, false, false, _ct));
        Assert.Equal("DomainExists", ex.ErrorId);
        Assert.Equal("web1", ex.Domain);
        Assert.Contains("/etc/xen/web1.cfg", ex.Message);
        Assert.Equal(written, await h.Toolstack.ReadFileAsync("/etc/xen/web1.cfg", _ct));

        var bigger = DomainConfigOperations.BuildConfig(new NewDomainSpec { Name = "web1", MemoryMB = 300, Kernel = "/boot/vmlinuz", Type = XenDomainType.Pvh });
        XenDomain started = await _ops.NewAsync(h, bigger, force: true, start: true, paused: false, _ct);
        Assert.Equal(XenDomainState.Running, started.State);
        Assert.Equal(300, started.MemoryMB);
    }

    [Fact]
    public async Task New_refuses_what_xl_would_refuse_and_writes_nothing()
    {
        var h = await HostAsync();
        var cfg = XenDomainConfig.Parse("name = \"bad1\"\nmemory = 512\nmaxmem = 256\nkernel = \"/boot/vmlinuz\"\n");
        var ex = await Assert.ThrowsAsync<XenOperationException>(() => _ops.NewAsync(h, cfg, false, true, false, _ct));
        Assert.Equal("InvalidConfig", ex.ErrorId);
        Assert.False(await h.Toolstack.FileExistsAsync("/etc/xen/bad1.cfg", _ct));
    }

    [Fact]
    public async Task Set_changes_a_running_domain_live_and_with_Persist_its_file_keeping_comments()
    {
        var h = await HostAsync();
        await h.Toolstack.WriteFileAsync("/etc/xen/web1.cfg", "# web tier\nname = \"web1\"\ntype = \"pvh\"\nmemory = 256 # MiB\nmaxmem = 1024\nvcpus = 1\nmaxvcpus = 2\nkernel = \"/boot/vmlinuz\"\n", _ct);
        await h.Toolstack.CreateFromFileAsync("/etc/xen/web1.cfg", false, _ct);
        var t = new DomainTarget(h, await h.Toolstack.GetDomainAsync("web1", _ct));

        XenDomain live = (await _ops.SetAsync(t, new DomainSettings { MemoryMB = 512, VCpu = 2 }, _ct))!;
        Assert.Equal(512, live.MemoryMB);
        Assert.Equal(2, live.VCpu);
        Assert.Contains("memory = 256 # MiB", await h.Toolstack.ReadFileAsync("/etc/xen/web1.cfg", _ct));

        t = new DomainTarget(h, live);
        await _ops.SetAsync(t, new DomainSettings { MemoryMB = 768, Persist = true }, _ct);
        string file = await h.Toolstack.ReadFileAsync("/etc/xen/web1.cfg", _ct);
        Assert.StartsWith("# web tier\n", file);
        Assert.Contains("memory = 768 # MiB", file);
    }

    [Fact]
    public async Task Set_raises_maxmem_before_memory_and_a_failure_keeps_xl_words()
    {
        var h = await HostAsync();
        await h.Toolstack.CreateAsync("name = \"db1\"\ntype = \"pvh\"\nmemory = 256\nmaxmem = 256\nkernel = \"/boot/vmlinuz\"\n", false, _ct);
        var t = new DomainTarget(h, await h.Toolstack.GetDomainAsync("db1", _ct));
        XenDomain d = (await _ops.SetAsync(t, new DomainSettings { MemoryMB = 400, MaxMemoryMB = 512 }, _ct))!;
        Assert.Equal(400, d.MemoryMB);
        Assert.Equal(512, d.MaxMemoryMB);

        var ex = await Assert.ThrowsAnyAsync<XlCommandException>(() => _ops.SetAsync(new DomainTarget(h, d), new DomainSettings { MemoryMB = 2000 }, _ct));
        Assert.Contains("memory_dynamic_max must be less than or equal to memory_static_max", ex.Message);
    }

    [Fact]
    public async Task Set_on_an_Off_domain_edits_the_file_and_AutoStart_manages_the_link()
    {
        var h = await HostAsync();
        await _ops.NewAsync(h, DomainConfigOperations.BuildConfig(Spec()), false, false, false, _ct);
        var t = new DomainTarget(h, await h.Toolstack.GetDomainAsync("web1", _ct));
        XenDomain d = (await _ops.SetAsync(t, new DomainSettings { MemoryMB = 384, AutoStart = true }, _ct))!;
        Assert.Equal(XenDomainState.Off, d.State);
        Assert.Equal(384, d.MemoryMB);
        Assert.True(d.AutoStart);
        Assert.True(await h.Toolstack.FileExistsAsync("/etc/xen/auto/web1.cfg", _ct));

        d = (await _ops.SetAsync(new DomainTarget(h, d), new DomainSettings { AutoStart = false }, _ct))!;
        Assert.False(d.AutoStart);
        Assert.False(await h.Toolstack.FileExistsAsync("/etc/xen/auto/web1.cfg", _ct));
    }

    [Fact]
    public async Task Rename_moves_the_running_domain_its_file_and_its_autostart_link()
    {
        var h = await HostAsync();
        await _ops.NewAsync(h, DomainConfigOperations.BuildConfig(Spec()), false, true, false, _ct);
        var t = new DomainTarget(h, await h.Toolstack.GetDomainAsync("web1", _ct));
        t = new DomainTarget(h, (await _ops.SetAsync(t, new DomainSettings { AutoStart = true }, _ct))!);

        XenDomain renamed = (await _ops.RenameAsync(t, "web9", _ct))!;
        Assert.Equal("web9", renamed.Name);
        Assert.Equal(t.Domain.Id, renamed.Id);
        Assert.Equal("/etc/xen/web9.cfg", renamed.ConfigPath);
        Assert.True(renamed.AutoStart);
        Assert.False(await h.Toolstack.FileExistsAsync("/etc/xen/web1.cfg", _ct));
        Assert.False(await h.Toolstack.FileExistsAsync("/etc/xen/auto/web1.cfg", _ct));
        Assert.Equal("web9", XenDomainConfig.Parse(await h.Toolstack.ReadFileAsync("/etc/xen/web9.cfg", _ct)).Name);
        Assert.DoesNotContain(await h.Toolstack.ListDomainsAsync(_ct), d => d.Name == "web1");
    }

    [Fact]
    public async Task GetConfig_reads_the_file_or_the_live_configuration()
    {
        var h = await HostAsync();
        await _ops.NewAsync(h, DomainConfigOperations.BuildConfig(Spec()), false, true, false, _ct);
        var t = new DomainTarget(h, await h.Toolstack.GetDomainAsync("web1", _ct));
        XenDomainConfig file = await _ops.GetConfigAsync(t, running: false, _ct);
        Assert.Equal("/etc/xen/web1.cfg", file.SourcePath);
        XenDomainConfig live = await _ops.GetConfigAsync(t, running: true, _ct);
        Assert.Equal("web1", live.Name);
        Assert.Equal(256, live.MemoryMB);
    }
}

using XenPS.Config;
using XenPS.Operations;
using XenPS.Simulation;
using XenPS.Toolstack;

namespace XenPS.Core.Tests.Operations;

/// <summary>The device operations against the simulator: live changes, -Persist edits of the file (byte-exact), the checks before xl runs.</summary>
public sealed class DeviceOperationsTests
{
    private const string Web1Config = """
        # web1: the shop front
        name = "web1"
        type = "pv"
        kernel = "/boot/vmlinuz"    # Dom0's kernel
        ramdisk = "/boot/initrd.img"
        memory = 128
        vif = [ "bridge=xenbr0" ]

        """;

    private readonly CancellationToken _ct = CancellationToken.None;
    private readonly DeviceOperations _ops = new();

    private static async Task<XenHostConnection> HostAsync()
    {
        var h = await XenConnectionFactory.SimulatedAsync(new SimulatedConnectionOptions { Name = "lab", InMemoryFabric = SimulatedFabric.InMemory() });
        await h.Toolstack.WriteFileAsync("/etc/xen/web1.cfg", Web1Config, CancellationToken.None);
        await h.Toolstack.CreateDiskImageAsync("/var/lib/xen/images/data.img", 1 << 30, "raw", false, CancellationToken.None);
        return h;
    }

    private async Task<DomainTarget> TargetAsync(XenHostConnection h, string name = "web1") =>
        new(h, await h.Toolstack.GetDomainAsync(name, _ct));

    private async Task<DomainTarget> RunningAsync(XenHostConnection h)
    {
        await h.Toolstack.CreateFromFileAsync("/etc/xen/web1.cfg", false, _ct);
        return await TargetAsync(h);
    }

    [Fact]
    public async Task AddDisk_attaches_live_at_the_next_free_vdev_and_leaves_the_file_alone()
    {
        var h = await HostAsync();
        DomainTarget t = await RunningAsync(h);
        XenDisk disk = await _ops.AddDiskAsync(t, new DiskRequest { Path = "/var/lib/xen/images/data.img" }, _ct);
        Assert.Equal(("xvda", "/var/lib/xen/images/data.img", t.Domain.Id, t.Domain.Uuid), (disk.Vdev, disk.Target, disk.DomainId, disk.DomainUuid));
        Assert.Equal("xvdb", (await _ops.AddDiskAsync(t, new DiskRequest { Path = "/var/lib/xen/images/data.img", ReadOnly = true }, _ct)).Vdev);
        Assert.Equal(Web1Config, await h.Toolstack.ReadFileAsync("/etc/xen/web1.cfg", _ct));
    }

    [Fact]
    public async Task AddDisk_with_Persist_also_writes_the_disk_into_the_file_byte_exact_elsewhere()
    {
        var h = await HostAsync();
        DomainTarget t = await RunningAsync(h);
        await _ops.AddDiskAsync(t, new DiskRequest { Path = "/var/lib/xen/images/data.img", Persist = true }, _ct);
        Assert.Single(await h.Toolstack.GetDisksAsync("web1", _ct));
        Assert.Equal(
            Web1Config + "disk = [ \"format=raw, vdev=xvda, access=rw, target=/var/lib/xen/images/data.img\" ]\n",
            await h.Toolstack.ReadFileAsync("/etc/xen/web1.cfg", _ct));

        // The persisted disk comes back when the domain is next created from its file.
        await h.Toolstack.DestroyAsync("web1", _ct);
        await h.Toolstack.CreateFromFileAsync("/etc/xen/web1.cfg", false, _ct);
        Assert.Equal("/var/lib/xen/images/data.img", Assert.Single(await h.Toolstack.GetDisksAsync("web1", _ct)).Target);
    }

    [Fact]
    public async Task An_Off_domain_needs_Persist_and_then_only_its_file_changes()
    {
        var h = await HostAsync();
        DomainTarget off = await TargetAsync(h);
        Assert.Equal(XenDomainState.Off, off.Domain.State);
        var refused = await Assert.ThrowsAsync<XenOperationException>(() => _ops.AddDiskAsync(off, new DiskRequest { Path = "/var/lib/xen/images/data.img" }, _ct));
        Assert.Equal("PersistRequired", refused.ErrorId);
        Assert.Contains("-Persist", refused.Message, StringComparison.Ordinal);
        Assert.Equal(Web1Config, await h.Toolstack.ReadFileAsync("/etc/xen/web1.cfg", _ct));

        XenDisk disk = await _ops.AddDiskAsync(off, new DiskRequest { Path = "/var/lib/xen/images/data.img", Persist = true }, _ct);
        Assert.Equal(("xvda", (int?)null), (disk.Vdev, disk.DomainId));
        Assert.Equal("/var/lib/xen/images/data.img", Assert.Single(await _ops.GetDisksAsync(off, _ct)).Target);

        await _ops.RemoveDiskAsync(off, "xvda", force: false, persist: true, _ct);
        Assert.Equal(Web1Config + "disk = [ ]\n", await h.Toolstack.ReadFileAsync("/etc/xen/web1.cfg", _ct));
        var gone = await Assert.ThrowsAsync<XenOperationException>(() => _ops.RemoveDiskAsync(off, "xvda", false, true, _ct));
        Assert.Equal("DeviceNotFound", gone.ErrorId);
    }

    [Fact]
    public async Task A_missing_target_is_refused_before_xl_runs_naming_the_path_and_host()
    {
        var h = await HostAsync();
        DomainTarget t = await RunningAsync(h);
        var e = await Assert.ThrowsAsync<XenOperationException>(() => _ops.AddDiskAsync(t, new DiskRequest { Path = "/var/lib/xen/images/missing.img", Persist = true }, _ct));
        Assert.Equal("TargetNotFound", e.ErrorId);
        Assert.Contains("'/var/lib/xen/images/missing.img'", e.Message, StringComparison.Ordinal);
        Assert.Contains("host 'lab'", e.Message, StringComparison.Ordinal);
        Assert.Empty(await h.Toolstack.GetDisksAsync("web1", _ct));
        Assert.Equal(Web1Config, await h.Toolstack.ReadFileAsync("/etc/xen/web1.cfg", _ct));
    }

    [Fact]
    public async Task RemoveDisk_with_Persist_detaches_and_edits_the_file_and_never_deletes_the_image()
    {
        var h = await HostAsync();
        DomainTarget t = await RunningAsync(h);
        await _ops.AddDiskAsync(t, new DiskRequest { Path = "/var/lib/xen/images/data.img", Persist = true }, _ct);
        await _ops.RemoveDiskAsync(t, "xvda", force: true, persist: true, _ct);
        Assert.Empty(await h.Toolstack.GetDisksAsync("web1", _ct));
        Assert.Equal(Web1Config + "disk = [ ]\n", await h.Toolstack.ReadFileAsync("/etc/xen/web1.cfg", _ct));
        Assert.True(await h.Toolstack.FileExistsAsync("/var/lib/xen/images/data.img", _ct));
    }

    [Fact]
    public async Task AddNetworkAdapter_checks_the_bridge_first_and_lists_the_hosts_bridges()
    {
        var h = await HostAsync();
        DomainTarget t = await RunningAsync(h);
        var e = await Assert.ThrowsAsync<XenOperationException>(() => _ops.AddNetworkAdapterAsync(t, new NicRequest { Bridge = "br-nope" }, _ct));
        Assert.Equal("BridgeNotFound", e.ErrorId);
        Assert.Contains("'br-nope'", e.Message, StringComparison.Ordinal);
        Assert.Contains("Its bridges: xenbr0", e.Message, StringComparison.Ordinal);
        Assert.Single(await h.Toolstack.GetNetworkAdaptersAsync("web1", _ct));
    }

    [Fact]
    public async Task AddNetworkAdapter_with_Persist_writes_the_MAC_xl_chose_so_the_same_adapter_comes_back()
    {
        var h = await HostAsync();
        DomainTarget t = await RunningAsync(h);
        XenNetworkAdapter nic = await _ops.AddNetworkAdapterAsync(t, new NicRequest { Bridge = "xenbr0", Persist = true }, _ct);
        Assert.Equal(1, nic.Index);
        Assert.Matches("^00:16:3e:", nic.Mac);
        Assert.Equal(
            Web1Config.Replace("vif = [ \"bridge=xenbr0\" ]", $"vif = [ \"bridge=xenbr0\", \"mac={nic.Mac},bridge=xenbr0\" ]", StringComparison.Ordinal),
            await h.Toolstack.ReadFileAsync("/etc/xen/web1.cfg", _ct));

        // Removed by the piped adapter (index and MAC): live and from the file, the first vif untouched.
        await _ops.RemoveNetworkAdapterAsync(t, nic.Index, nic.Mac, persist: true, _ct);
        Assert.Equal(0, Assert.Single(await h.Toolstack.GetNetworkAdaptersAsync("web1", _ct)).Index);
        Assert.Equal(Web1Config, await h.Toolstack.ReadFileAsync("/etc/xen/web1.cfg", _ct));
    }

    [Fact]
    public async Task RemoveNetworkAdapter_by_index_with_Persist_finds_the_file_entry_without_a_MAC_by_position()
    {
        var h = await HostAsync();
        DomainTarget t = await RunningAsync(h);
        await _ops.RemoveNetworkAdapterAsync(t, 0, null, persist: true, _ct);
        Assert.Empty(await h.Toolstack.GetNetworkAdaptersAsync("web1", _ct));
        Assert.Equal(Web1Config.Replace("vif = [ \"bridge=xenbr0\" ]", "vif = [ ]", StringComparison.Ordinal), await h.Toolstack.ReadFileAsync("/etc/xen/web1.cfg", _ct));
    }

    [Fact]
    public async Task Domain0_and_Persist_without_a_file_are_refused_before_anything_runs()
    {
        var h = await HostAsync();
        DomainTarget dom0 = await TargetAsync(h, "Domain-0");
        Assert.Equal("DomainProtected", Assert.Throws<XenOperationException>(() => DeviceOperations.Check(dom0, false, "attach a disk to")).ErrorId);

        await h.Toolstack.CreateAsync(Web1Config.Replace("web1", "adhoc", StringComparison.Ordinal), false, _ct);
        DomainTarget adhoc = await TargetAsync(h, "adhoc");
        Assert.Null(adhoc.Domain.ConfigPath);
        var e = await Assert.ThrowsAsync<XenOperationException>(() => _ops.AddDiskAsync(adhoc, new DiskRequest { Path = "/var/lib/xen/images/data.img", Persist = true }, _ct));
        Assert.Equal("NoConfigFile", e.ErrorId);
        Assert.Empty(await h.Toolstack.GetDisksAsync("adhoc", _ct));
    }

    [Fact]
    public async Task SetCd_changes_and_ejects_an_HVM_guests_medium_and_refuses_a_PV_guest_in_xls_words()
    {
        var h = await HostAsync();
        await h.Toolstack.WriteFileAsync("/var/lib/xen/images/install.iso", "iso", _ct);
        await h.Toolstack.CreateAsync("name = \"win1\"\ntype = \"hvm\"\nmemory = 128\ndisk = [ \"vdev=hdc, devtype=cdrom\" ]\n", false, _ct);
        DomainTarget hvm = await TargetAsync(h, "win1");
        XenDisk cd = await _ops.SetCdAsync(hvm, "hdc", "/var/lib/xen/images/install.iso", _ct);
        Assert.Equal(("/var/lib/xen/images/install.iso", true), (cd.Target, cd.IsCdRom));
        Assert.Null((await _ops.SetCdAsync(hvm, "hdc", null, _ct)).Target);

        DomainTarget pv = await RunningAsync(h);
        var e = await Assert.ThrowsAnyAsync<XlCommandException>(() => _ops.SetCdAsync(pv, "xvda", "/var/lib/xen/images/install.iso", _ct));
        Assert.Contains("requires an HVM domain", e.StandardError, StringComparison.Ordinal);
        Assert.Equal("TargetNotFound", (await Assert.ThrowsAsync<XenOperationException>(() => _ops.SetCdAsync(hvm, "hdc", "/var/lib/xen/images/none.iso", _ct))).ErrorId);
    }

    [Fact]
    public async Task CreateDiskImage_never_overwrites_and_checks_its_arguments()
    {
        var h = await HostAsync();
        XenDiskImage img = await _ops.CreateDiskImageAsync(h, "/var/lib/xen/images/new.qcow2", 0.5, "qcow2", false, _ct);
        Assert.Equal(("qcow2", 0.5), (img.Format, img.SizeGB));
        Assert.Equal("DiskImageExists", (await Assert.ThrowsAsync<XenOperationException>(() => _ops.CreateDiskImageAsync(h, "/var/lib/xen/images/new.qcow2", 1, "raw", false, _ct))).ErrorId);
        Assert.Equal("InvalidImagePath", (await Assert.ThrowsAsync<XenOperationException>(() => _ops.CreateDiskImageAsync(h, "relative.img", 1, "raw", false, _ct))).ErrorId);
        Assert.Equal("InvalidDiskSize", (await Assert.ThrowsAsync<XenOperationException>(() => _ops.CreateDiskImageAsync(h, "/var/lib/xen/images/z.img", 0, "raw", false, _ct))).ErrorId);
        Assert.Equal(1L << 20, DiskImages.BytesFor(0.0001));
    }

    [Fact]
    public async Task Scope_sentences_say_which_of_the_domain_and_the_file_changes()
    {
        var h = await HostAsync();
        DomainTarget off = await TargetAsync(h);
        Assert.Equal("Attach disk '/x' to domain 'web1' on host 'lab': its config file /etc/xen/web1.cfg only (the domain is Off).", DeviceText.Sentence("Attach disk '/x' to", off, true));
        DomainTarget live = await RunningAsync(h);
        Assert.StartsWith("the running domain only (not its config file", DeviceText.Scope(live, false), StringComparison.Ordinal);
        Assert.Equal("the running domain and its config file /etc/xen/web1.cfg", DeviceText.Scope(live, true));
    }

    [Fact]
    public async Task A_piped_device_names_exactly_the_domain_it_was_listed_from()
    {
        var h = await HostAsync();
        DomainTarget t = await RunningAsync(h);
        XenNetworkAdapter nic = Assert.Single(await _ops.GetNetworkAdaptersAsync(t, _ct));
        DomainTarget back = DeviceOperations.TargetOf(nic, h);
        Assert.Equal((t.Domain.Uuid, t.Domain.Id, t.Domain.Name), (back.Domain.Uuid, back.Domain.Id, back.Domain.Name));
        Assert.Same(h, back.Host);
        Assert.Equal(t.Domain.Uuid, nic.DomainUuid);
    }
}

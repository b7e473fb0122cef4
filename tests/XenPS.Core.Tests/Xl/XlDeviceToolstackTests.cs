using XenPS.Toolstack;
using XenPS.Toolstack.Xl;
using XenPS.Transport;

namespace XenPS.Core.Tests.Xl;

/// <summary>The xl toolstack's device, bridge and image calls: their argument vectors, and the host scripts run for real by a local sh.</summary>
public sealed class XlDeviceToolstackTests : IDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "xenps-dev-" + Guid.NewGuid().ToString("N"));

    public XlDeviceToolstackTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Detach_with_force_cd_insert_and_cd_eject_are_plain_argument_vectors()
    {
        var t = new FakeTransport()
            .OnXl("block-detach --force web1 xvdb").OnWhere(r => r.Arguments.Count > 0 && r.Arguments[0] == "cd-insert", _ => new CommandResult(0, "", "", TimeSpan.Zero)).OnXl("cd-eject win1 hdc");
        var ts = t.Toolstack();
        await ts.DetachDiskAsync("web1", "xvdb", force: true, None);
        await ts.InsertCdAsync("win1", "hdc", "/srv/a b.iso", None);
        await ts.EjectCdAsync("win1", "hdc", None);
        Assert.Equal(["block-detach", "--force", "web1", "xvdb"], t.Calls[0].Arguments);
        Assert.Equal(["cd-insert", "win1", "hdc", "/srv/a b.iso"], t.Calls[1].Arguments);
        Assert.Equal(["cd-eject", "win1", "hdc"], t.Calls[2].Arguments);
    }

    [Fact]
    public void ParseBridges_reads_each_bridge_and_its_ports()
    {
        var bridges = XlHostScripts.ParseBridges("B\0xenbr0\0I\0eth0\0I\0vif3.0\0B\0xenbr1\0");
        Assert.Equal(["xenbr0", "xenbr1"], bridges.Select(b => b.Name));
        Assert.Equal(["eth0", "vif3.0"], bridges[0].Interfaces);
        Assert.Empty(bridges[1].Interfaces);
        Assert.Empty(XlHostScripts.ParseBridges(string.Empty));
        Assert.Throws<FormatException>(() => XlHostScripts.ParseBridges("X\0what\0"));
    }

    [Fact]
    public async Task GetBridges_runs_one_script_and_stamps_the_host()
    {
        var t = new FakeTransport("dom0-a").OnWhere(r => r.Program == "sh", _ => new CommandResult(0, "B\0xenbr0\0I\0vif1.0\0", string.Empty, TimeSpan.Zero));
        XenBridge b = Assert.Single(await t.Toolstack().GetBridgesAsync(None));
        Assert.Equal(("xenbr0", "dom0-a"), (b.Name, b.HostName));
        Assert.Equal(["vif1.0"], b.Interfaces);
        Assert.Single(t.Calls);
    }

    [Fact]
    public async Task The_bridge_script_reads_the_local_sys_class_net_without_failing()
    {
        // This machine may have no bridge at all: the script must then list none, not fail.
        var ts = new XlToolstack(new LocalShTransport());
        IReadOnlyList<XenBridge> bridges = await ts.GetBridgesAsync(None);
        Assert.All(bridges, b => Assert.True(Directory.Exists($"/sys/class/net/{b.Name}/bridge"), b.Name));
        Assert.Equal(Directory.GetDirectories("/sys/class/net").Count(d => Directory.Exists(Path.Combine(d, "bridge"))), bridges.Count);
    }

    [Fact]
    public async Task CreateDiskImage_makes_a_sparse_raw_file_for_real_and_never_overwrites_it()
    {
        var ts = new XlToolstack(new LocalShTransport());
        string path = Path.Combine(_dir, "it's a $(disk).img");
        XenDiskImage img = await ts.CreateDiskImageAsync(path, 64L << 20, "raw", preallocate: false, None);
        Assert.Equal(64L << 20, new FileInfo(path).Length);
        Assert.Equal((path, "raw", 0.0625), (img.Path, img.Format, img.SizeGB));
        Assert.True(img.AllocatedBytes < 64L << 20, $"sparse: {img.AllocatedBytes} bytes allocated");

        var exists = await Assert.ThrowsAsync<XenOperationException>(() => ts.CreateDiskImageAsync(path, 1L << 20, "raw", false, None));
        Assert.Equal("DiskImageExists", exists.ErrorId);
        Assert.Equal(64L << 20, new FileInfo(path).Length);

        XenDiskImage full = await ts.CreateDiskImageAsync(Path.Combine(_dir, "full.img"), 3L << 20, "raw", preallocate: true, None);
        Assert.True(full.AllocatedBytes >= 3L << 20, $"preallocated: {full.AllocatedBytes} bytes");

        await Assert.ThrowsAnyAsync<XlCommandException>(() => ts.CreateDiskImageAsync(Path.Combine(_dir, "no", "such.img"), 1L << 20, "raw", false, None));
    }

    [Fact]
    public async Task CreateDiskImage_qcow2_names_qemu_img_when_the_host_lacks_it()
    {
        var t = new FakeTransport("dom0-b").OnWhere(r => r.Program == "sh", _ => new CommandResult(127, string.Empty, "qemu-img: not found\n", TimeSpan.Zero));
        var e = await Assert.ThrowsAsync<XenOperationException>(() => t.Toolstack().CreateDiskImageAsync("/srv/vm.qcow2", 1L << 30, "qcow2", false, None));
        Assert.Equal("ProgramNotFound", e.ErrorId);
        Assert.Contains("'qemu-img' is not installed on host 'dom0-b'", e.Message, StringComparison.Ordinal);

        // The user's path travels as a positional parameter, never inside the script.
        CommandRequest call = Assert.Single(t.Calls);
        Assert.Equal(["/srv/vm.qcow2", "1073741824", "qcow2", "0"], call.Arguments.Skip(3));
    }

    [Fact]
    public async Task CreateDiskImage_refuses_what_is_no_host_path_before_anything_runs()
    {
        var t = new FakeTransport();
        Assert.Equal("InvalidImagePath", (await Assert.ThrowsAsync<XenOperationException>(() => t.Toolstack().CreateDiskImageAsync("images/a.img", 1L << 20, "raw", false, None))).ErrorId);
        Assert.Equal("InvalidImageFormat", (await Assert.ThrowsAsync<XenOperationException>(() => t.Toolstack().CreateDiskImageAsync("/a.vmdk", 1L << 20, "vmdk", false, None))).ErrorId);
        Assert.Empty(t.Calls);
    }
}

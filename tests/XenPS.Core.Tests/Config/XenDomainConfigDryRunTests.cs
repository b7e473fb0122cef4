using System.Text.Json;
using XenPS.Config;

namespace XenPS.Core.Tests.Config;

/// <summary>The typed view must agree with what real xl 4.17.7 made of each fixture (xl -N create, in xl-dry-run/).</summary>
public sealed class XenDomainConfigDryRunTests
{
    public static TheoryData<string> Accepted => ConfigFixtures.Data(
        ConfigFixtures.GoodCfg().Where(f => ConfigFixtures.DryRun(f).TrimStart().StartsWith('{')));

    [Fact]
    public void TenFixturesWereAcceptedByXl() => Assert.Equal(10, Accepted.Count);

    [Theory]
    [MemberData(nameof(Accepted))]
    public void TypedValuesMatchXlsDryRun(string name)
    {
        var c = XenDomainConfig.Parse(ConfigFixtures.Read(name), name);
        using var json = JsonDocument.Parse(ConfigFixtures.DryRun(name));
        var root = json.RootElement;
        var cInfo = root.GetProperty("c_info");
        var bInfo = root.GetProperty("b_info");

        Assert.Equal(cInfo.GetProperty("name").GetString(), c.Name);
        Assert.Equal(cInfo.GetProperty("type").GetString(), c.Type.ToString()!.ToLowerInvariant());
        if (c.Uuid is Guid u)
        {
            Assert.Equal(Guid.Parse(cInfo.GetProperty("uuid").GetString()!), u);
        }

        // memory in KiB -> MiB; maxmem defaults to memory.
        long targetKb = bInfo.GetProperty("target_memkb").GetInt64();
        long maxKb = bInfo.GetProperty("max_memkb").GetInt64();
        Assert.Equal(targetKb / 1024, c.MemoryMB);
        Assert.Equal(maxKb / 1024, c.MaxMemoryMB ?? c.MemoryMB);
        Assert.Equal(bInfo.GetProperty("avail_vcpus").GetArrayLength(), c.VCpu);
        Assert.Equal(bInfo.GetProperty("max_vcpus").GetInt32(), c.MaxVCpu ?? c.VCpu);

        Assert.Equal(Opt(bInfo, "kernel"), c.Kernel);
        Assert.Equal(Opt(bInfo, "ramdisk"), c.Ramdisk);
        Assert.Equal(Opt(bInfo, "cmdline"), c.Cmdline);
        Assert.Equal(Opt(bInfo, "bootloader"), c.Bootloader);
        Assert.Equal(Opt(root, "on_crash")?.Replace('_', '-'), c.OnCrash == "destroy" ? null : c.OnCrash);

        var disks = c.Disks;
        var jd = root.TryGetProperty("disks", out var d) ? d.EnumerateArray().ToList() : [];
        Assert.Equal(jd.Count, disks.Count);
        for (int i = 0; i < jd.Count; i++)
        {
            Assert.Equal(Opt(jd[i], "pdev_path"), disks[i].Target);
            Assert.Equal(jd[i].GetProperty("vdev").GetString(), disks[i].Vdev);
            Assert.Equal(jd[i].GetProperty("format").GetString(), disks[i].Format);
            Assert.Equal(Int(jd[i], "readwrite") == 1, disks[i].ReadWrite);
            Assert.Equal(Int(jd[i], "is_cdrom") == 1, disks[i].IsCdrom);
        }

        var vifs = c.Vifs;
        var jn = root.TryGetProperty("nics", out var n) ? n.EnumerateArray().ToList() : [];
        Assert.Equal(jn.Count, vifs.Count);
        for (int i = 0; i < jn.Count; i++)
        {
            Assert.Equal(Opt(jn[i], "mac"), vifs[i].Mac);
            Assert.Equal(Opt(jn[i], "bridge"), vifs[i].Bridge);
            Assert.Equal(Opt(jn[i], "ip"), vifs[i].Ip);
            Assert.Equal(Opt(jn[i], "model"), vifs[i].Model);
            Assert.Equal(Opt(jn[i], "script"), vifs[i].Script);
            Assert.Equal(jn[i].TryGetProperty("rate_bytes_per_interval", out var rb) ? rb.GetUInt64() : null, vifs[i].RateBytesPerInterval);
            Assert.Equal(jn[i].TryGetProperty("rate_interval_usecs", out var ru) ? ru.GetUInt32() : null, vifs[i].RateIntervalMicroseconds);
        }
    }

    [Fact]
    public void RateIsConvertedAsXlDoes()
    {
        var c = XenDomainConfig.Parse(ConfigFixtures.Read("grammar-corners.cfg"));
        var vif = Assert.Single(c.Vifs);
        Assert.Equal("10Mb/s@20ms", vif.Rate);
        Assert.Equal(25000UL, vif.RateBytesPerInterval);
        Assert.Equal(20000U, vif.RateIntervalMicroseconds);
    }

    [Theory]
    [InlineData("extra = 'a b'\n", "a b")]
    [InlineData("root = '/dev/xvda ro'\n", "root=/dev/xvda ro")]
    [InlineData("root = '/dev/xvda'\nextra = 'quiet'\n", "root=/dev/xvda quiet")]
    [InlineData("cmdline = 'c'\nroot = '/dev/xvda'\nextra = 'quiet'\n", "c")]
    [InlineData("name = 'x'\n", null)]
    public void CmdlineCombinesAsXlDoes(string text, string? expected) =>
        Assert.Equal(expected, XenDomainConfig.Parse(text).Cmdline);

    [Theory]
    [InlineData("type = 'hvm'", XenDomainType.Hvm)]
    [InlineData("type = 'h'", XenDomainType.Hvm)]
    [InlineData("type = 'pvh'", XenDomainType.Pvh)]
    [InlineData("type = 'p'", XenDomainType.Pv)]
    [InlineData("builder = 'hvm'", XenDomainType.Hvm)]
    [InlineData("builder = 'generic'", XenDomainType.Pv)]
    [InlineData("name = 'x'", XenDomainType.Pv)]
    [InlineData("type = 'kvm'", null)]
    [InlineData("type = 'pv'\nbuilder = 'hvm'", null)]
    public void TypeIsReadAsXlReadsIt(string text, XenDomainType? expected) =>
        Assert.Equal(expected, XenDomainConfig.Parse(text).Type);

    [Theory]
    [InlineData("004-xl_list_-l.stdout", "Domain-0", 1023L, XenDomainType.Pv)]
    [InlineData("038-xl_list_-l_testvm.stdout", "testvm", 128L, XenDomainType.Pv)]
    [InlineData("192-xl_list_-l_fullvm.stdout", "fullvm", 128L, XenDomainType.Pvh)]
    public void FromLibxlJsonReadsXlListLong(string fixture, string name, long memory, XenDomainType type)
    {
        var c = XenDomainConfig.FromLibxlJson(File.ReadAllText(RepoPaths.Fixture("xen-4.17.7", fixture)));
        Assert.Equal(name, c.Name);
        Assert.Equal(memory, c.MemoryMB);
        Assert.Equal(type, c.Type);
        _ = XenDomainConfig.Parse(c.ToConfigText());
    }

    [Fact]
    public void FromLibxlJsonOfAFullDomainKeepsDevices()
    {
        var c = XenDomainConfig.FromLibxlJson(File.ReadAllText(RepoPaths.Fixture("xen-4.17.7", "192-xl_list_-l_fullvm.stdout")));
        Assert.Equal(256, c.MaxMemoryMB);
        Assert.Equal(2, c.VCpu);
        Assert.Equal("console=hvc0 quiet", c.Cmdline);
        var disk = Assert.Single(c.Disks);
        Assert.Equal(("/tmp/full-xvda.img", "xvda", true), (disk.Target, disk.Vdev, disk.ReadWrite));
        var vif = Assert.Single(c.Vifs);
        Assert.Equal(("00:16:3e:00:00:01", "xenbr0", "vif"), (vif.Mac, vif.Bridge, vif.Type));
    }

    [Theory]
    [MemberData(nameof(Accepted))]
    public void FromLibxlJsonOfTheDryRunMatchesTheFile(string name)
    {
        var fromFile = XenDomainConfig.Parse(ConfigFixtures.Read(name));
        var fromJson = XenDomainConfig.FromLibxlJson(ConfigFixtures.DryRun(name));
        Assert.Equal(fromFile.Name, fromJson.Name);
        Assert.Equal(fromFile.Type, fromJson.Type);
        Assert.Equal(fromFile.MemoryMB, fromJson.MemoryMB);
        Assert.Equal(fromFile.MaxMemoryMB ?? fromFile.MemoryMB, fromJson.MaxMemoryMB ?? fromJson.MemoryMB);
        Assert.Equal(fromFile.Cmdline, fromJson.Cmdline);
        Assert.Equal(fromFile.Disks.Select(d => (d.Target ?? string.Empty, d.Vdev, d.Format, d.ReadWrite, d.IsCdrom)),
                     fromJson.Disks.Select(d => (d.Target ?? string.Empty, d.Vdev, d.Format, d.ReadWrite, d.IsCdrom)));
        Assert.Equal(fromFile.Vifs.Select(v => (v.Mac, v.Bridge, v.RateBytesPerInterval)),
                     fromJson.Vifs.Select(v => (v.Mac, v.Bridge, v.RateBytesPerInterval)));
    }

    [Fact]
    public void FromLibxlJsonRejectsGarbageWithAConfigException()
    {
        var ex = Assert.Throws<XenConfigException>(() => XenDomainConfig.FromLibxlJson("{\n \"c_info\": [1,"));
        Assert.True(ex.Line >= 1);
        Assert.Throws<XenConfigException>(() => XenDomainConfig.FromLibxlJson("[]"));
        Assert.Throws<XenConfigException>(() => XenDomainConfig.FromLibxlJson("42"));
    }

    private static string? Opt(JsonElement e, string name) => e.TryGetProperty(name, out var v) ? v.GetString() : null;

    private static int Int(JsonElement e, string name) => e.TryGetProperty(name, out var v) ? v.GetInt32() : 0;
}

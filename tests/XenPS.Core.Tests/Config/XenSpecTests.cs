using XenPS.Config;

namespace XenPS.Core.Tests.Config;

public sealed class XenSpecTests
{
    [Theory]
    [InlineData("/images/xen/busybox.img,raw,xvda,rw", "/images/xen/busybox.img", "raw", "xvda", true, false, null)]
    [InlineData("/images/xen/cirros.img,qcow2,xvda,rw", "/images/xen/cirros.img", "qcow2", "xvda", true, false, null)]
    [InlineData("/iso/CentOS6.7.iso,,hdc,devtype=cdrom", "/iso/CentOS6.7.iso", "raw", "hdc", false, true, null)]
    [InlineData("/mnt/win7/windows/WinXPSP3-Vol.iso,,hdc,cdrom", "/mnt/win7/windows/WinXPSP3-Vol.iso", "raw", "hdc", false, true, null)]
    [InlineData("file:/xen/images/busybox.img,xvda,w", "/xen/images/busybox.img", "raw", "xvda", true, false, "file:")]
    [InlineData("tap:aio:/var/lib/xen/images/newvm.img,xvda,w", "/var/lib/xen/images/newvm.img", "raw", "xvda", true, false, "tap:aio:")]
    [InlineData("phy:/dev/vg/lv,xvdb,r", "/dev/vg/lv", "raw", "xvdb", false, false, "phy:")]
    [InlineData("qcow2:/a.img,xvda,w", "/a.img", "qcow2", "xvda", true, false, "qcow2:")]
    [InlineData("format=raw, vdev=xvda, access=rw, target=/tmp/a,b.img", "/tmp/a,b.img", "raw", "xvda", true, false, null)]
    [InlineData("vdev=xvdb, cdrom, target=/tmp/c.iso", "/tmp/c.iso", "raw", "xvdb", false, true, null)]
    [InlineData(",,hdc:cdrom", "", "empty", "hdc", false, true, null)]
    [InlineData("vdev=hdc,devtype=cdrom", null, "empty", "hdc", false, true, null)]
    [InlineData("  /a.img , raw, xvda", "/a.img ", "raw", "xvda", true, false, null)]
    public void DiskSpecsParseAsLibxluDoes(string spec, string? target, string format, string vdev, bool rw, bool cdrom, string? prefix)
    {
        var d = XenDiskSpec.Parse(spec);
        Assert.Equal((target, format, vdev, rw, cdrom, prefix), (d.Target, d.Format, d.Vdev, d.ReadWrite, d.IsCdrom, d.DeprecatedPrefix));
        var back = XenDiskSpec.Parse(d.ToString());
        Assert.Equal(d, back);
        Assert.Null(back.DeprecatedPrefix);
    }

    [Theory]
    [InlineData("/a.img,qcow3,xvda", 8, "unknown value for format")]
    [InlineData("/a.img,raw", 1, "no vdev specified")]
    [InlineData("vdev=xvda", 1, "no target specified")]
    [InlineData("/a.img,raw,xvda,rw,extra", 20, "too many positional parameters")]
    [InlineData("foo:/a.img,xvda", 1, "unknown deprecated disk prefix")]
    [InlineData("vdev=xvda,bogus=1,target=/a", 11, "unknown parameter")]
    [InlineData("vdev=xvda,devtype=floppy,target=/a", 11, "unknown value for type")]
    [InlineData("/a=b,raw,xvda", 3, "bad disk syntax")]
    [InlineData("vdev=xvda,vdev=xvdb,target=/a", 11, "vdev respecified")]
    [InlineData("/a,raw,xvda,rx", 13, "unknown value for access")]
    public void BadDiskSpecsFailWithAColumnInsideTheSpec(string spec, int column, string fragment)
    {
        var ex = Assert.Throws<XenConfigException>(() => XenDiskSpec.Parse(spec));
        Assert.Equal(1, ex.Line);
        Assert.Equal(column, ex.Column);
        Assert.Contains(fragment, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DiskTargetEndingInACommaRoundTrips()
    {
        var d = new XenDiskSpec { Target = "/odd,name,", Vdev = "xvdc", Format = "qcow2" };
        Assert.Equal(d, XenDiskSpec.Parse(d.ToSpecString(true)));
    }

    [Fact]
    public void DiskKeyedValueWithACommaIsRefused()
    {
        var d = new XenDiskSpec { Target = "/a", Vdev = "vda,b" };
        Assert.Throws<ArgumentException>(() => d.ToSpecString(true));
        var s = new XenDiskSpec { Target = "/a", Vdev = "xvda", Script = "block,x" };
        Assert.Throws<ArgumentException>(() => s.ToSpecString(true));
    }

    [Fact]
    public void DiskTargetWithANewlineIsRefused()
    {
        var d = new XenDiskSpec { Target = "/a\n,b", Vdev = "xvda" };
        Assert.Throws<ArgumentException>(() => d.ToSpecString(true));
    }

    [Fact]
    public void VifSpecParsesEverySetting()
    {
        var v = XenVifSpec.Parse("mac=00:16:3e:aa:bb:cc, bridge=xenbr0, model=e1000, rate=10Mb/s@20ms,ip=10.0.0.2,type=ioemu,vifname=v1,script=vif-route,backend=dd,gatewaydev=eth0,devid=3,mtu=9000,vlan=10,trusted,accel=x,zzz=1");
        Assert.Equal("00:16:3e:aa:bb:cc", v.Mac);
        Assert.Equal("xenbr0", v.Bridge);
        Assert.Equal("e1000", v.Model);
        Assert.Equal(25000UL, v.RateBytesPerInterval);
        Assert.Equal(("10.0.0.2", "ioemu", "v1", "vif-route", "dd", "eth0"), (v.Ip, v.Type, v.VifName, v.Script, v.Backend, v.GatewayDev));
        Assert.Equal((3L, 9000L, "10", true), (v.DevId, v.Mtu, v.Vlan, v.Trusted));
        Assert.Equal(["accel=x", "zzz=1"], v.OtherArguments);
        Assert.Equal(["zzz=1"], v.UnrecognizedArguments);
        Assert.Equal(v, XenVifSpec.Parse(v.ToString()));
    }

    [Fact]
    public void NetworkAttachArgumentsAreSeparateWords()
    {
        var v = XenVifSpec.Parse("mac=00:16:3e:00:00:01,bridge=xenbr0");
        Assert.Equal(["mac=00:16:3e:00:00:01", "bridge=xenbr0"], v.ToNetworkAttachArguments());
        Assert.Equal("mac=00:16:3e:00:00:01,bridge=xenbr0", v.ToString());
    }

    [Theory]
    [InlineData("bridge=xenbr0,mac=00:16:3e:zz:00:01", 15, "Invalid parameter `mac'")]
    [InlineData("mac=00:16:3e:00:01", 1, "Invalid parameter `mac'")]
    [InlineData("type=virtio", 1, "Invalid parameter `type'")]
    [InlineData("bridge=b, rate=fast", 11, "invalid rate")]
    [InlineData("rate=10Mb/s@20h", 1, "invalid replenishment interval")]
    [InlineData("rate=0Mb/s", 1, "rate overflow")]
    [InlineData("mtu=big", 1, "failed to convert")]
    public void BadVifSpecsFailWithAColumnInsideTheSpec(string spec, int column, string fragment)
    {
        var ex = Assert.Throws<XenConfigException>(() => XenVifSpec.Parse(spec));
        Assert.Equal((1, column), (ex.Line, ex.Column));
        Assert.Contains(fragment, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10Mb/s@20ms", 25000UL, 20000U)]
    [InlineData("100Mb/s", 625000UL, 50000U)]
    [InlineData("1GB/s@1s", 1_000_000_000UL, 1_000_000U)]
    [InlineData("010KB/s@5", 40000UL, 5_000_000U)]
    [InlineData("8000000b/s@100us", 100UL, 100U)]
    public void RatesConvertLikeXlu(string rate, ulong bytes, uint usecs)
    {
        var v = new XenVifSpec { Rate = rate };
        Assert.Equal((bytes, usecs), (v.RateBytesPerInterval, v.RateIntervalMicroseconds));
    }

    [Fact]
    public void VifValueWithACommaIsRefused()
    {
        var v = new XenVifSpec { Bridge = "br0,mac=00:16:3e:00:00:09" };
        Assert.Throws<ArgumentException>(() => v.ToSpecString(true));
        Assert.Throws<ArgumentException>(() => new XenVifSpec { Rate = "lots" });
    }
}

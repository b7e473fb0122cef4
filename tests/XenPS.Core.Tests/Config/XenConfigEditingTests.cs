using XenPS.Config;

namespace XenPS.Core.Tests.Config;

public sealed class XenConfigEditingTests
{
    public static TheoryData<string> Good => ConfigFixtures.Data(ConfigFixtures.GoodCfg());

    /// <summary>Lines of <paramref name="after"/> that differ from <paramref name="before"/> (same line count expected).</summary>
    private static List<int> ChangedLines(string before, string after)
    {
        var a = before.Split('\n');
        var b = after.Split('\n');
        Assert.Equal(a.Length, b.Length);
        return Enumerable.Range(0, a.Length).Where(i => a[i] != b[i]).Select(i => i + 1).ToList();
    }

    [Theory]
    [MemberData(nameof(Good))]
    public void SettingMemoryChangesOnlyThatValue(string name)
    {
        string text = ConfigFixtures.Read(name);
        var c = XenDomainConfig.Parse(text, name);
        var line = c.Document.GetEntry("memory")!.Line;
        c.MemoryMB = 4096;
        string after = c.ToConfigText();
        Assert.Equal([line], ChangedLines(text, after));
        Assert.Equal(4096, XenDomainConfig.Parse(after).MemoryMB);

        // The changed line differs only in the number.
        var before = text.Split('\n')[line - 1];
        var now = after.Split('\n')[line - 1];
        string oldNumber = c.Document.Get("memory")!.Text!;
        Assert.Equal(before.Replace(XenConfigDocument.Parse(text).Get("memory")!.Text!, "4096", StringComparison.Ordinal), now);
        Assert.Equal("4096", oldNumber);
    }

    [Fact]
    public void SettingAnEqualNumberKeepsItsHexText()
    {
        string text = ConfigFixtures.Read("grammar-corners.cfg");
        var c = XenDomainConfig.Parse(text);
        c.MemoryMB = 128;
        Assert.Equal(text, c.ToConfigText());
    }

    [Fact]
    public void AddingAKeyAppendsOneLineInTheFilesStyle()
    {
        string text = ConfigFixtures.Read("busybox-003.cfg");
        var c = XenDomainConfig.Parse(text);
        c.MaxMemoryMB = 512;
        c.OnCrash = "preserve";
        string after = c.ToConfigText();
        Assert.StartsWith(text, after, StringComparison.Ordinal);
        Assert.Equal("maxmem = 512\non_crash = 'preserve'\n", after[text.Length..]);
    }

    [Fact]
    public void AppendingToAFileWithoutFinalNewlineAddsOne()
    {
        var d = XenConfigDocument.Parse("name='a'");
        d.Set("memory", XenConfigValue.FromNumber(64));
        Assert.Equal("name='a'\nmemory=64\n", d.ToString());
    }

    [Fact]
    public void ChangingOneDiskOfAListRewritesOnlyThatItem()
    {
        string text = ConfigFixtures.Read("winxp-001.cfg");
        var c = XenDomainConfig.Parse(text);
        var disks = c.Disks.ToList();
        disks[1].Target = "/iso/other.iso";
        c.Disks = disks;
        string after = c.ToConfigText();
        string expected = text.Replace("'/mnt/win7/windows/WinXPSP3-Vol.iso,,hdc,cdrom'", "'format=raw, vdev=hdc, devtype=cdrom, target=/iso/other.iso'", StringComparison.Ordinal);
        Assert.Equal(expected, after);
    }

    [Fact]
    public void MultiLineListStaysMultiLine()
    {
        string text = ConfigFixtures.Read("busybox-001-commented.cfg");
        var c = XenDomainConfig.Parse(text);
        var vifs = c.Vifs.ToList();
        vifs.Add(new XenVifSpec { Bridge = "xenbr1" });
        c.Vifs = vifs;
        string after = c.ToConfigText();
        Assert.Contains("vif = [\n    'mac=00:16:3e:00:00:01,bridge=xenbr0',\n    'bridge=xenbr1'\n]\n", after, StringComparison.Ordinal);
        Assert.Equal(2, XenDomainConfig.Parse(after).Vifs.Count);
    }

    [Fact]
    public void CommentsAndOtherKeysSurviveAnEdit()
    {
        string text = ConfigFixtures.Read("busybox-001-commented.cfg");
        var c = XenDomainConfig.Parse(text);
        c.Name = "busybox-002";
        string after = c.ToConfigText();
        Assert.Equal(text.Replace("\"busybox-001\"", "\"busybox-002\"", StringComparison.Ordinal), after);
    }

    [Fact]
    public void RemoveDeletesTheWholeLineOrJustTheStatement()
    {
        var d = XenConfigDocument.Parse("# top\nname = 'a' # n\nmemory = 1; vcpus = 2\nx = 0; y = 1\n");
        Assert.True(d.Remove("name"));
        Assert.True(d.Remove("memory"));
        Assert.True(d.Remove("y"));
        Assert.False(d.Remove("absent"));
        Assert.Equal("# top\nvcpus = 2\nx = 0\n", d.ToString());
    }

    [Fact]
    public void SetOnARepeatedKeyKeepsTheFirstAndDropsTheRest()
    {
        var d = XenConfigDocument.Parse("extra = 'a'\nmemory = 5\nextra += ' b'\n");
        d.Set("extra", XenConfigValue.FromString("c"));
        Assert.Equal("extra = 'c'\nmemory = 5\n", d.ToString());
        var e = XenConfigDocument.Parse("a = 1; a = 2\n");
        Assert.True(e.Remove("a"));
        Assert.Equal(string.Empty, e.ToString());
    }

    [Fact]
    public void CmdlineSetterKeepsXlsCombination()
    {
        var c = XenDomainConfig.Parse(ConfigFixtures.Read("busybox.xm.cfg"));
        Assert.Equal("root=/dev/xvda ro selinux=0 init=/bin/sh", c.Cmdline);
        c.Cmdline = "root=/dev/xvda1 ro quiet";
        Assert.Equal("root=/dev/xvda1 ro quiet", XenDomainConfig.Parse(c.ToConfigText()).Cmdline);
        Assert.False(c.Document.Contains("root"));
    }

    [Fact]
    public void IndexerGivesRawAccess()
    {
        var c = XenDomainConfig.Parse(ConfigFixtures.Read("cirros-001.cfg"));
        Assert.Equal("0-2", c["cpus"]);
        Assert.Equal(1024L, c["maxmem"]);
        Assert.IsType<object[]>(c["vfb"]);
        c["vncpasswd"] = "s3cret";
        c["on_crash"] = null;
        c["pci_permissive"] = true;
        c["extra_list"] = new[] { "a", "b" };
        var back = XenDomainConfig.Parse(c.ToConfigText());
        Assert.Equal("s3cret", back.GetValue("vncpasswd"));
        Assert.Equal(1L, back["pci_permissive"]);
        Assert.Equal(new object[] { "a", "b" }, back["extra_list"]);
        Assert.Throws<ArgumentException>(() => c["Bad-Key"] = 1);
        Assert.Throws<ArgumentException>(() => c["x"] = 1.5);
    }

    [Theory]
    [InlineData("quote\" and 'single'")]
    [InlineData("back\\slash\\")]
    [InlineData("new\nline\r\n")]
    [InlineData("close ] bracket ], [ 'x' ]")]
    [InlineData("# not a comment")]
    [InlineData("tab\t bell\a vt\v ff\f bs\b")]
    [InlineData("\"; memory = 1; x = \"")]
    [InlineData("';\nname='evil")]
    [InlineData("unicode é ü 日本")]
    public void WriterCannotBeInjected(string value)
    {
        foreach (var quote in new[] { "name = 'a'\n", "name = \"a\"\n", "name='a'\n" })
        {
            var d = XenConfigDocument.Parse(quote);
            d.Set("extra", XenConfigValue.FromString(value));
            d.Set("name", XenConfigValue.FromString(value));
            d.Set("disk", XenConfigValue.FromStrings([value, value]));
            var back = XenConfigDocument.Parse(d.ToString());
            Assert.Equal(value, back.Get("extra")!.AsString());
            Assert.Equal(value, back.Get("name")!.AsString());
            Assert.Equal([value, value], back.Get("disk")!.AsStringList());
            Assert.Equal(["name", "extra", "disk"], back.Keys);
        }
    }

    [Fact]
    public void WriterRefusesWhatXlCannotHold()
    {
        Assert.Throws<ArgumentException>(() => XenConfigValue.FromString("nul\0"));
        var d = XenConfigDocument.Parse("name = 'a'\n");
        Assert.Throws<ArgumentException>(() => d.Set("name\n", XenConfigValue.FromString("x")));
        Assert.Throws<ArgumentException>(() => d.Set("Name", XenConfigValue.FromString("x")));
        Assert.Throws<ArgumentException>(() => XenConfigValue.FromNumberText("12; x = 1"));
        Assert.Throws<ArgumentOutOfRangeException>(() => XenConfigValue.FromNumber(-1));
        Assert.Equal("name = 'a'\n", d.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("123")]
    [InlineData("a/b")]
    [InlineData("bad\nname")]
    [InlineData(" padded ")]
    [InlineData("two words")]
    [InlineData("a;b")]
    [InlineData("a=b")]
    [InlineData("-rf")]
    [InlineData("web*")]
    [InlineData("Domain-0")]
    public void NamesAreValidatedBeforeWriting(string name)
    {
        var c = XenDomainConfig.Parse("name = 'ok'\n");
        var ex = Assert.Throws<XenOperationException>(() => c.Name = name);
        Assert.Equal("InvalidDomainName", ex.ErrorId);
        Assert.Throws<XenOperationException>(() => c["name"] = name);
        Assert.Equal("name = 'ok'\n", c.ToConfigText());
    }

    [Theory]
    [InlineData("name = \"a;b\"\n", "a;b")]
    [InlineData("name = \"web*\"\n", "web*")]
    [InlineData("name = \"-rf\"\n", "-rf")]
    public void Existing_files_with_other_names_are_still_read(string text, string name)
    {
        Assert.Equal(name, XenDomainConfig.Parse(text).Name);
    }

    [Fact]
    public void PathsAreValidatedBeforeWriting()
    {
        var c = XenDomainConfig.Parse("name = 'ok'\n");
        Assert.Throws<ArgumentException>(() => c.Kernel = "/boot/vmlinuz\nbootloader = 'x'");
        Assert.Throws<ArgumentException>(() => c.Disks = [new XenDiskSpec { Target = "/a", Vdev = "xvda,evil" }]);
        Assert.Equal("name = 'ok'\n", c.ToConfigText());
    }

    [Fact]
    public void TypeSetterReplacesBuilder()
    {
        var c = XenDomainConfig.Parse(ConfigFixtures.Read("winxp-001.cfg"));
        Assert.Equal(XenDomainType.Hvm, c.Type);
        c.Type = XenDomainType.Pvh;
        Assert.Null(c.Builder);
        Assert.Equal(XenDomainType.Pvh, XenDomainConfig.Parse(c.ToConfigText()).Type);
    }

    [Fact]
    public void CreateBuildsAConfigFromNothing()
    {
        var c = XenDomainConfig.Create();
        c.Name = "web1";
        c.Type = XenDomainType.Pvh;
        c.MemoryMB = 1024;
        c.VCpu = 2;
        c.Kernel = "/boot/vmlinuz";
        c.Cmdline = "console=hvc0";
        c.Disks = [new XenDiskSpec { Target = "/images/web1.qcow2", Format = "qcow2", Vdev = "xvda" }];
        c.Vifs = [new XenVifSpec { Bridge = "xenbr0", Mac = "00:16:3e:00:00:10" }];
        c.Cpus = ["0-1"];
        Assert.Equal(
            "name = \"web1\"\ntype = \"pvh\"\nmemory = 1024\nvcpus = 2\nkernel = \"/boot/vmlinuz\"\ncmdline = \"console=hvc0\"\n" +
            "disk = [ \"format=qcow2, vdev=xvda, access=rw, target=/images/web1.qcow2\" ]\nvif = [ \"mac=00:16:3e:00:00:10,bridge=xenbr0\" ]\ncpus = \"0-1\"\n",
            c.ToConfigText());
        Assert.True(XenConfigValidator.Validate(XenDomainConfig.Parse(c.ToConfigText())).IsValid);
    }
}

using XenPS.Config;

namespace XenPS.Core.Tests.Config;

public sealed class XenConfigImporterTests
{
    [Theory]
    [InlineData("busybox.xm.cfg", 1)]
    [InlineData("newvm.xm.cfg", 3)]
    [InlineData("prospero.xm.cfg", 1)]
    public void XmConfigsImportWithOneWarningPerChange(string name, int warnings)
    {
        string text = ConfigFixtures.Read(name);
        var before = XenDomainConfig.Parse(text);
        var r = XenConfigImporter.Import(text, name);
        Assert.Equal(warnings, r.Warnings.Count);
        Assert.Equal(text, before.ToConfigText());

        // Same disks as xl saw them, now without prefixes and with an explicit format.
        var after = XenDomainConfig.Parse(r.Config.ToConfigText());
        Assert.Equal(before.Disks, after.Disks);
        Assert.All(after.Disks, d => Assert.Null(d.DeprecatedPrefix));
        Assert.All(after.Document.Get("disk")!.Items, i => Assert.StartsWith("format=", i.Text, StringComparison.Ordinal));
        Assert.True(XenConfigValidator.Validate(after).IsValid);
        Assert.Empty(XenConfigImporter.Import(r.Config.Document).Warnings);
    }

    [Fact]
    public void BusyboxXmDiskWarningSaysWhatChanged()
    {
        var r = XenConfigImporter.Import(ConfigFixtures.Read("busybox.xm.cfg"));
        Assert.Equal("disk 1: `file:/xen/images/busybox.img,xvda,w' rewritten as `format=raw, vdev=xvda, access=rw, target=/xen/images/busybox.img' (the `file:' prefix is deprecated; the format is now explicit)", Assert.Single(r.Warnings));
        Assert.Contains("disk = [ 'format=raw, vdev=xvda, access=rw, target=/xen/images/busybox.img', ]", r.Config.ToConfigText(), StringComparison.Ordinal);
    }

    [Fact]
    public void NewvmVfbTypeBecomesVnc()
    {
        var r = XenConfigImporter.Import(ConfigFixtures.Read("newvm.xm.cfg"));
        Assert.Contains(r.Warnings, w => w.StartsWith("vfb 1:", StringComparison.Ordinal));
        Assert.Equal(["vnc=1,vncunused=1,vncdisplay=01,keymap=en-us"], r.Config.Vfb);
        Assert.True(r.Config.Vnc);
    }

    [Fact]
    public void BuilderBecomesTypeInPlace()
    {
        string text = ConfigFixtures.Read("winxp-001.cfg");
        var r = XenConfigImporter.Import(text);
        var w = Assert.Single(r.Warnings);
        Assert.Contains("type = \"hvm\"", w, StringComparison.Ordinal);
        Assert.Equal(text.Replace("builder = \"hvm\"", "type = \"hvm\"", StringComparison.Ordinal), r.Config.ToConfigText());
    }
}

using XenPS.Config;

namespace XenPS.Core.Tests.Config;

public sealed class XenConfigValidatorTests
{
    public static TheoryData<string> Accepted => XenDomainConfigDryRunTests.Accepted;

    [Theory]
    [MemberData(nameof(Accepted))]
    public void WhatXlAcceptedHasNoErrors(string name)
    {
        var r = XenConfigValidator.Validate(ConfigFixtures.Read(name), name);
        Assert.True(r.IsValid, string.Join("; ", r.Errors));
    }

    [Fact]
    public void UnknownOnRebootActionIsAnErrorAsXlSays()
    {
        var r = XenConfigValidator.Validate(ConfigFixtures.Read("centos-001-install.cfg"), "centos-001-install.cfg");
        var e = Assert.Single(r.Errors);
        Assert.Equal("Unknown on_reboot action \"shutdown\" specified", e.Message);
        Assert.Contains(e.Message, ConfigFixtures.DryRunStderr("centos-001-install.cfg"), StringComparison.Ordinal);
        Assert.Equal(("on_reboot", 9, 13), (e.Key, e.Line, e.Column));
    }

    [Theory]
    [InlineData("grammar-error-python.bad.cfg", 3, 14)]
    [InlineData("winxp-001-missing-comma.bad.cfg", 8, 48)]
    public void SyntaxErrorsBecomeOneErrorWithPosition(string name, int line, int column)
    {
        var r = XenConfigValidator.Validate(ConfigFixtures.Read(name), name);
        var e = Assert.Single(r.Errors);
        Assert.Equal((line, column), (e.Line, e.Column));
    }

    private const string Base = "name = 'g'\nkernel = '/k'\n";

    [Theory]
    [InlineData("memory = 1024\nmaxmem = 512\n", "memory", "greater than maxmem")]
    [InlineData("vcpus = 4\nmaxvcpus = 2\n", "maxvcpus", "maxvcpus < vcpus")]
    [InlineData("disk = [ '/a,raw,xvda', '/b,raw,xvda' ]\n", "disk", "duplicate vdev `xvda'")]
    [InlineData("vif = [ 'mac=00:16:3e:0g:00:01' ]\n", "vif", "Invalid parameter `mac'")]
    [InlineData("on_crash = 'explode'\n", "on_crash", "Unknown on_crash action \"explode\" specified")]
    [InlineData("timer_mode = 'delay_for_missed_ticks'\n", "timer_mode", "not supported for PV guests")]
    [InlineData("type = 'kvm'\n", "type", "Invalid domain type kvm.")]
    [InlineData("type = 'pv'\nbuilder = 'hvm'\n", "builder", "Contradicting")]
    [InlineData("uuid = 'nope'\n", "uuid", "Failed to parse UUID: nope")]
    [InlineData("cpus = '0-x'\n", "cpus", "Invalid pcpu range")]
    [InlineData("disk = [ '/a,qcow9,xvda' ]\n", "disk", "unknown value for format")]
    public void SemanticErrors(string extra, string key, string fragment)
    {
        var r = XenConfigValidator.Validate(Base + extra);
        Assert.False(r.IsValid);
        var e = Assert.Single(r.Errors);
        Assert.Equal(key, e.Key);
        Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
        int expectedLine = Array.FindIndex((Base + extra).Split('\n'), l => l.StartsWith(key + " ", StringComparison.Ordinal)) + 1;
        Assert.Equal(expectedLine, e.Line);
    }

    [Fact]
    public void DiskErrorPointsInsideTheItem()
    {
        var r = XenConfigValidator.Validate(Base + "disk = [ '/a,qcow9,xvda' ]\n");
        var e = Assert.Single(r.Errors);
        Assert.Equal(3, e.Line);
        Assert.Equal(14, e.Column);
    }

    [Fact]
    public void PvWithoutKernelOrBootloaderIsAnError()
    {
        var r = XenConfigValidator.Validate("name = 'g'\nmemory = 128\n");
        Assert.Equal("Neither kernel nor bootloader specified", Assert.Single(r.Errors).Message);
        Assert.True(XenConfigValidator.Validate("name = 'g'\ntype = 'hvm'\n").IsValid);
        Assert.True(XenConfigValidator.Validate("name = 'g'\nfirmware = 'pvgrub64'\n").IsValid);
    }

    [Fact]
    public void MissingNameIsAnError() =>
        Assert.Equal("Domain name must be specified.", Assert.Single(XenConfigValidator.Validate("kernel = '/k'\n").Errors).Message);

    [Fact]
    public void DuplicateMacIsOnlyAWarning()
    {
        var r = XenConfigValidator.Validate(Base + "vif = [ 'mac=00:16:3e:00:00:01', 'mac=00:16:3E:00:00:01,bridge=br1' ]\n");
        Assert.True(r.IsValid);
        Assert.Contains(r.Warnings, w => w.Message.Contains("duplicate MAC", StringComparison.Ordinal));
    }

    [Fact]
    public void HvmOnlyKeysOnPvAreWarnings()
    {
        var r = XenConfigValidator.Validate(Base + "boot = 'dc'\nserial = 'pty'\nvnc = 1\n");
        Assert.True(r.IsValid);
        Assert.Equal(new[] { "boot", "serial" }, r.Warnings.Select(w => w.Key!).ToArray());
        Assert.Empty(XenConfigValidator.Validate("name = 'g'\ntype = 'hvm'\nboot = 'dc'\n").Warnings);
    }

    [Fact]
    public void NumbersXlCannotReadAreWarnings()
    {
        var r = XenConfigValidator.Validate(Base + "memory = 08\nvcpus = 1\nvcpus += 2\n");
        Assert.True(r.IsValid);
        Assert.Equal(2, r.Warnings.Count);
    }
}

using XenPS.Config;
using XenPS.Operations;

namespace XenPS.Core.Tests.Operations;

/// <summary>The checks Set-XenVCpu, the XenStore cmdlets and Enter-XenConsole make before anything runs, and VNC from a config.</summary>
public sealed class DiagnosticsTests
{
    [Theory]
    [InlineData("0")]
    [InlineData("0-3")]
    [InlineData("all")]
    [InlineData("0-1,3")]
    [InlineData("^1")]
    [InlineData("all,^2")]
    [InlineData("nodes:0")]
    public void Cpu_lists_xl_reads_within_the_host_pass(string list) =>
        Diagnostics.CheckCpuList(list, 4, "HardAffinity", "h");

    [Theory]
    [InlineData("x", "'x' is wrong")]
    [InlineData("3-1", "'3-1' is wrong")]
    [InlineData("1,,2-", "'2-' is wrong")]
    [InlineData("^all", "'^all' is wrong")]
    [InlineData("4", "names CPU 4, but host 'h' has 4 CPUs (0-3)")]
    [InlineData("0-9", "names CPU 9")]
    [InlineData("^5", "names CPU 5")]
    [InlineData(" ", "is not a cpu list")]
    public void Bad_cpu_lists_are_refused_with_what_is_wrong(string list, string expected)
    {
        var ex = Assert.Throws<XenOperationException>(() => Diagnostics.CheckCpuList(list, 4, "HardAffinity", "h"));
        Assert.Equal("CpuListInvalid", ex.ErrorId);
        Assert.Equal(XenErrorCategory.InvalidArgument, ex.Category);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.StartsWith("-HardAffinity", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/local/domain/3/data/key")]
    [InlineData("/vm/67216787-4685-4d0c-ae4e-bfc3f38ffb6d/name")]
    [InlineData("/local/domain/0/backend/vif/1/0/state")]
    public void XenStore_paths_xenstored_accepts(string path) =>
        Diagnostics.CheckXenStorePath(path);

    [Theory]
    [InlineData("", "empty")]
    [InlineData("@releaseDomain", "must be absolute")]
    [InlineData("local/domain/3", "must be absolute")]
    [InlineData("/local//domain", "empty segment")]
    [InlineData("/local/domain/", "ends with '/'")]
    [InlineData("/local/domain/3/a b", "' ' is not allowed")]
    [InlineData("/local/domain/3/a;rm", "';' is not allowed")]
    [InlineData("/local/domain/3/\n", "'\\u000a' is not allowed")]
    public void Bad_XenStore_paths_are_refused_before_anything_runs(string path, string expected)
    {
        var ex = Assert.Throws<XenOperationException>(() => Diagnostics.CheckXenStorePath(path));
        Assert.Equal("XenStorePathInvalid", ex.ErrorId);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_root_is_refused_where_it_would_be_written_or_removed()
    {
        Diagnostics.CheckXenStorePath("/");
        var ex = Assert.Throws<XenOperationException>(() => Diagnostics.CheckXenStorePath("/", allowRoot: false));
        Assert.Contains("root", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_console_needs_a_terminal_for_input_and_output()
    {
        Assert.Null(Diagnostics.ConsoleUnavailableReason(false, false));
        Assert.Contains("standard input", Diagnostics.ConsoleUnavailableReason(true, false), StringComparison.Ordinal);
        Assert.Contains("standard output", Diagnostics.ConsoleUnavailableReason(false, true), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("type = \"hvm\"\n", "127.0.0.1", null)]
    [InlineData("type = \"hvm\"\nvnc = 0\n", null, null)]
    [InlineData("type = \"hvm\"\nvnclisten = \"0.0.0.0\"\nvncdisplay = 2\n", "0.0.0.0", 2)]
    [InlineData("type = \"hvm\"\nvnclisten = \"192.168.1.2:4\"\n", "192.168.1.2", 4)]
    [InlineData("type = \"pv\"\n", null, null)]
    [InlineData("vfb = [ \"vnc=1\" ]\n", "127.0.0.1", null)]
    [InlineData("vfb = [ \"vnc=0,vnclisten=0.0.0.0\" ]\n", null, null)]
    [InlineData("vfb = [ \"vnc=1, vnclisten=0.0.0.0, vncdisplay=1\" ]\n", "0.0.0.0", 1)]
    public void Vnc_comes_from_the_config_as_xl_reads_it(string text, string? listen, int? display)
    {
        VncSettings vnc = VncSettings.From(XenDomainConfig.Parse("name = \"g\"\n" + text));
        Assert.Equal(listen, vnc.Listen);
        Assert.Equal(display, vnc.Display);
    }
}

using XenPS.Errors;

namespace XenPS.Core.Tests;

public sealed class ErrorInfoTests
{
    [Fact]
    public void DomainNotFound_keeps_name_and_host()
    {
        var info = XenErrorInfo.From(new XenDomainNotFoundException("web1", "dom0-a"));
        Assert.Equal("DomainNotFound", info.ErrorId);
        Assert.Equal(XenErrorCategory.ObjectNotFound, info.Category);
        Assert.Contains("'web1'", info.Message);
        Assert.Contains("'dom0-a'", info.Message);
    }

    [Fact]
    public void XlCommandFailed_keeps_xl_words_verbatim()
    {
        const string stderr = "libxl: error: libxl_mem.c:246:libxl_set_memory_target: memory_dynamic_max must be less than or equal to memory_static_max\n";
        var info = XenErrorInfo.From(new XlCommandException("xl mem-set web1 9000m", 1, stderr, "dom0-a", "web1"));
        Assert.Equal("XlCommandFailed", info.ErrorId);
        Assert.Contains(stderr.Trim(), info.Message);
        Assert.Contains("xl mem-set web1 9000m", info.Message);
    }

    [Theory]
    [InlineData(typeof(XenInsufficientMemoryException), "InsufficientMemory", XenErrorCategory.LimitsExceeded)]
    [InlineData(typeof(XenDeviceInUseException), "DeviceInUse", XenErrorCategory.ResourceBusy)]
    [InlineData(typeof(XenDomainExistsException), "DomainExists", XenErrorCategory.ResourceExists)]
    public void Xl_subtypes_have_their_own_ids(Type type, string id, XenErrorCategory category)
    {
        var ex = (Exception)Activator.CreateInstance(type, "xl x", 1, "boom", "h", "d")!;
        var info = XenErrorInfo.From(ex);
        Assert.Equal(id, info.ErrorId);
        Assert.Equal(category, info.Category);
        Assert.IsAssignableFrom<XlCommandException>(ex);
    }

    [Fact]
    public void Host_file_failures_have_their_own_ids_and_name_path_and_host()
    {
        var write = new XenHostWriteException("/etc/xen/web1.cfg", "dom0-a", "received 44 of 102 bytes");
        Assert.Equal(("HostWriteFailed", XenErrorCategory.WriteError), (XenErrorInfo.From(write).ErrorId, XenErrorInfo.From(write).Category));
        Assert.Contains("'/etc/xen/web1.cfg'", write.Message);
        Assert.Contains("'dom0-a'", write.Message);
        Assert.Contains("unchanged", write.Message);
        Assert.DoesNotContain("unchanged", new XenHostWriteException("/x", "h", "exit 255", fileUnchanged: false).Message);

        var exists = new XenDomainExistsException("web1", "dom0-a", "/etc/xen/web1.cfg");
        Assert.Equal(("DomainExists", "web1"), (exists.ErrorId, exists.Domain));
        Assert.Contains("/etc/xen/web1.cfg", exists.Message);
        Assert.Equal("HostFileExists", new XenHostFileExistsException("/x", "h").ErrorId);

        var output = new XenOutputNotUnderstoodException("xl uptime", "dom0-a", "web1 99999999999 0:00:01", "the domain id is out of range");
        Assert.Equal(("XlOutputNotUnderstood", XenErrorCategory.ParserError), (output.ErrorId, output.Category));
        Assert.Contains("xl uptime", output.Message);
        Assert.Contains("dom0-a", output.Message);
        Assert.Contains("web1 99999999999 0:00:01", output.Message);
    }

    [Fact]
    public void Migration_failure_modes_are_distinct()
    {
        var resumed = XenErrorInfo.From(new XenMigrationException("xl migrate", 1, "Migration failed, resuming at sender.", "a", "vm", XenMigrationFailureKind.ResumedAtSource));
        var undefined = XenErrorInfo.From(new XenMigrationException("xl migrate", 1, "Migration failed during final handshake", "a", "vm", XenMigrationFailureKind.StateUndefined));
        Assert.Equal("MigrationFailedResumedAtSource", resumed.ErrorId);
        Assert.Equal("MigrationStateUndefined", undefined.ErrorId);
        Assert.NotEqual(resumed.Category, undefined.Category);
    }

    [Fact]
    public void Connection_failures_map_to_connection_and_permission()
    {
        Assert.Equal(XenErrorCategory.ConnectionError, XenErrorInfo.From(new XenHostUnreachableException("h", "ssh: connect to host h port 22: Connection refused")).Category);
        Assert.Equal("AuthenticationFailed", XenErrorInfo.From(new XenAuthenticationException("h", "Permission denied (publickey).")).ErrorId);
    }

    [Fact]
    public void Config_syntax_carries_position()
    {
        var ex = new XenConfigException("expected a value", "/etc/xen/a.cfg", 3, 9);
        var info = XenErrorInfo.From(ex);
        Assert.Equal("ConfigSyntax", info.ErrorId);
        Assert.Equal(XenErrorCategory.ParserError, info.Category);
        Assert.StartsWith("/etc/xen/a.cfg:3:9:", info.Message);
    }

    [Fact]
    public void Cancellation_and_unknown_exceptions_are_classified_not_lost()
    {
        Assert.Equal("OperationStopped", XenErrorInfo.From(new OperationCanceledException()).ErrorId);
        var other = XenErrorInfo.From(new InvalidCastException("odd"));
        Assert.Equal("UnexpectedError", other.ErrorId);
        Assert.Contains("odd", other.Message);
        Assert.Equal("DomainNotFound", XenErrorInfo.From(new AggregateException(new XenDomainNotFoundException("x", "h"))).ErrorId);
    }
}

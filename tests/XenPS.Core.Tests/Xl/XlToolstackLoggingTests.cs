using Microsoft.Extensions.Logging;
using XenPS.Logging;
using XenPS.Toolstack;

namespace XenPS.Core.Tests.Xl;

public sealed class XlToolstackLoggingTests
{
    [Fact]
    public async Task Every_command_is_logged_at_debug_with_host_argv_and_exit_code_and_decisions_at_information()
    {
        using var provider = new QueuedLoggerProvider(LogLevel.Debug);
        using var factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Debug).AddProvider(provider));
        var t = new FakeTransport("dom0-log")
            .OnXl("mem-set web1 512m")
            .OnXl("mem-max web1 64m", XlFixture.Load("250"))
            .Listing(XlFixture.Out("006"), XlFixture.Out("004"), XlFixture.Out("010"), string.Empty);
        var ts = new XlToolstack(t, null, factory);

        await ts.SetMemoryAsync("web1", 512, CancellationToken.None);
        await Assert.ThrowsAnyAsync<XlCommandException>(() => ts.SetMaxMemoryAsync("web1", 64, CancellationToken.None));
        await ts.ListDomainsAsync(CancellationToken.None);

        var messages = provider.Drain();
        var debug = messages.Where(m => m.Level == LogLevel.Debug).Select(m => m.Message).ToList();
        Assert.Equal(t.Calls.Count, debug.Count);
        Assert.Contains("dom0-log: xl mem-set web1 512m exited 0 in", debug[0]);
        Assert.Contains("dom0-log: xl mem-max web1 64m exited 1 in", debug[1]);
        Assert.Contains(debug, m => m.Contains("sh -c '<xenps:config-inventory>' sh /etc/xen /etc/xen/auto exited 0", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Level == LogLevel.Information && m.Message.Contains("1 running and 0 Off domains", StringComparison.Ordinal));
    }
}

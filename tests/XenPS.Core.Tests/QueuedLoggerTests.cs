using Microsoft.Extensions.Logging;
using XenPS.Logging;

namespace XenPS.Core.Tests;

public sealed class QueuedLoggerTests
{
    [Fact]
    public void Messages_from_many_threads_are_queued_in_order_per_thread_and_none_lost()
    {
        using var provider = new QueuedLoggerProvider();
        ILogger logger = provider.CreateLogger("XenPS.Test");
        Parallel.For(0, 8, t =>
        {
            for (int i = 0; i < 500; i++)
            {
                logger.LogDebug("t{Thread} m{Index}", t, i);
            }
        });

        var all = provider.Drain();
        Assert.Equal(8 * 500, all.Count);
        Assert.Equal(0, provider.Count);
        for (int t = 0; t < 8; t++)
        {
            var mine = all.Where(m => m.Message.StartsWith($"t{t} ")).Select(m => int.Parse(m.Message.Split(" m")[1])).ToList();
            Assert.Equal(Enumerable.Range(0, 500), mine);
        }
    }

    [Fact]
    public void Minimum_level_filters_and_exception_text_is_kept()
    {
        using var provider = new QueuedLoggerProvider(LogLevel.Information);
        ILogger logger = provider.CreateLogger("C");
        logger.LogDebug("hidden");
        logger.LogWarning(new IOException("disk gone"), "careful");
        Assert.True(provider.TryDequeue(out var m));
        Assert.Equal(LogLevel.Warning, m.Level);
        Assert.Equal("C", m.Category);
        Assert.Contains("careful", m.Message);
        Assert.Contains("disk gone", m.Message);
        Assert.False(provider.TryDequeue(out _));
    }

    [Theory]
    [InlineData(LogLevel.Trace, PowerShellStream.Debug)]
    [InlineData(LogLevel.Debug, PowerShellStream.Debug)]
    [InlineData(LogLevel.Information, PowerShellStream.Verbose)]
    [InlineData(LogLevel.Warning, PowerShellStream.Warning)]
    [InlineData(LogLevel.Error, PowerShellStream.Warning)]
    [InlineData(LogLevel.None, PowerShellStream.None)]
    public void Levels_map_to_streams(LogLevel level, PowerShellStream stream) => Assert.Equal(stream, LogStreamMap.For(level));
}

public sealed class AmbientLogTests
{
    [Fact]
    public async Task Messages_go_to_the_sink_of_the_flow_that_logged_them_even_from_tasks_started_inside_the_scope()
    {
        var logger = AmbientLog.Factory.CreateLogger("XenPS.Toolstack");
        using var a = new QueuedLoggerProvider();
        using var b = new QueuedLoggerProvider();
        Task ta, tb;
        using (AmbientLog.Use(a))
        {
            ta = Task.Run(async () =>
            {
                await Task.Yield();
                logger.LogDebug("from a");
            });
        }

        using (AmbientLog.Use(b))
        {
            tb = Task.Run(() => logger.LogInformation("from b"));
        }

        await Task.WhenAll(ta, tb);
        logger.LogWarning("outside any cmdlet");
        Assert.Equal(["from a"], a.Drain().Select(m => m.Message));
        Assert.Equal(["from b"], b.Drain().Select(m => m.Message));
        Assert.Null(AmbientLog.Current);
    }

    [Fact]
    public void Scopes_nest_and_restore()
    {
        using var a = new QueuedLoggerProvider();
        using var b = new QueuedLoggerProvider();
        using (AmbientLog.Use(a))
        {
            using (AmbientLog.Use(b))
            {
                Assert.Same(b, AmbientLog.Current);
            }

            Assert.Same(a, AmbientLog.Current);
        }

        Assert.Null(AmbientLog.Current);
    }
}

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

using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace XenPS.Core.Tests.Transport;

/// <summary>Arguments that a careless shell command line would break or execute.</summary>
internal static class HostileCorpus
{
    public static IReadOnlyList<string> Words { get; } =
    [
        "; rm -rf /",
        "$(id)",
        "`id`",
        "${HOME}",
        "$HOME",
        "'",
        "\"",
        "it's \"quoted\" 'twice'",
        "'\\''",
        "a\nb",
        "line1\r\nline2\n",
        "\n",
        "tab\there",
        "  leading and trailing spaces  ",
        " ",
        "-rf",
        "--help",
        "-",
        "*",
        "/*",
        "?",
        "[a-z]*",
        "~",
        "~root/x",
        "\\",
        "back\\slash\\n",
        "a && b || c | d & e",
        "> /tmp/xenps-owned",
        "< /etc/passwd",
        "#comment",
        "!!",
        "{a,b}",
        "%s%n%x",
        "Ünïcødé ÄÖÜ ß",
        "日本語のドメイン",
        "🐧 tux",
        "\u202Eevil\u202C",
        "e\u0301",
        string.Empty,
        new string('x', 20000),
        string.Concat(Enumerable.Repeat("'\"$`\\ \n", 500)),
        "xl; reboot",
        "/var/lib/xen/save/web 1.save",
        "name=evil\ndisk=['phy:/dev/sda,xvda,w']",
    ];

    public static IEnumerable<object[]> Each => Words.Select((w, i) => new object[] { i });

    /// <summary>Splits the output of <c>printf '%s\0' ...</c> back into the arguments.</summary>
    public static List<string> SplitNul(string output)
    {
        Assert.EndsWith("\0", output);
        return [.. output[..^1].Split('\0')];
    }
}

/// <summary>Collects log messages.</summary>
internal sealed class ListLogger<T> : ILogger<T>
{
    public ConcurrentQueue<(LogLevel Level, string Message)> Entries { get; } = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Entries.Enqueue((logLevel, formatter(state, exception)));
}

internal static class ProcessProbe
{
    /// <summary>Whether <paramref name="pid"/> is gone (or a zombie nobody reaped), waiting up to <paramref name="wait"/>.</summary>
    public static async Task<bool> IsGoneAsync(int pid, TimeSpan wait)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            string stat = $"/proc/{pid}/stat";
            string? text = null;
            try
            {
                text = File.ReadAllText(stat);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }

            if (text is null)
            {
                return true;
            }

            // Field 3 (after "(comm)") is the state; Z is a zombie: dead, only waiting to be reaped.
            string afterComm = text[(text.LastIndexOf(')') + 2)..];
            if (afterComm.StartsWith('Z') || afterComm.StartsWith('X'))
            {
                return true;
            }

            if (clock.Elapsed > wait)
            {
                return false;
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Waits until <paramref name="path"/> holds a number (a PID the child wrote), up to <paramref name="wait"/>.</summary>
    public static async Task<int> ReadPidFileAsync(string path, TimeSpan wait)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < wait)
        {
            if (File.Exists(path) && int.TryParse(File.ReadAllText(path).Trim(), out int pid))
            {
                return pid;
            }

            await Task.Delay(25);
        }

        throw new TimeoutException($"No PID in {path} after {wait}.");
    }
}

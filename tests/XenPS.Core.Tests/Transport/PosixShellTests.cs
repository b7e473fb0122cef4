using System.Diagnostics;
using System.Text;
using XenPS.Transport;

namespace XenPS.Core.Tests.Transport;

public sealed class PosixShellTests
{
    [Theory]
    [InlineData("", "''")]
    [InlineData("abc", "'abc'")]
    [InlineData("a b", "'a b'")]
    [InlineData("it's", "'it'\\''s'")]
    [InlineData("'", "''\\'''")]
    [InlineData("$(id)", "'$(id)'")]
    public void QuoteWrapsInSingleQuotesAndEscapesQuotes(string word, string expected)
    {
        Assert.Equal(expected, PosixShell.Quote(word));
    }

    [Fact]
    public void JoinQuotesEveryWordProgramIncluded()
    {
        Assert.Equal("'xl' 'list' '-l' 'a b'", PosixShell.Join(["xl", "list", "-l", "a b"]));
        Assert.Equal(string.Empty, PosixShell.Join([]));
    }

    [Fact]
    public void NulIsRefused()
    {
        Assert.Throws<ArgumentException>(() => PosixShell.Quote("a\0b"));
        Assert.Throws<ArgumentException>(() => PosixShell.Join(["printf", "x\0"]));
    }

    [Theory]
    [MemberData(nameof(HostileCorpus.Each), MemberType = typeof(HostileCorpus))]
    public async Task EachHostileWordSurvivesShAsOneArgument(int index)
    {
        string word = HostileCorpus.Words[index];
        List<string> argv = await RunThroughShAsync(["printf", "%s\\0", word]);
        Assert.Equal([word], argv);
    }

    [Fact]
    public async Task WholeCorpusInOneCommandLineComesBackAsTheSameArgv()
    {
        List<string> argv = await RunThroughShAsync(["printf", "%s\\0", .. HostileCorpus.Words]);
        Assert.Equal(HostileCorpus.Words, argv);
    }

    [Fact]
    public async Task RecorderScriptSeesTheSameArgv()
    {
        // A real program (not a shell builtin) as the recorder, its path quoted like any word.
        string recorder = Path.Combine(RepoPaths.Root, "tests", "tools", "argv-recorder.sh");
        List<string> argv = await RunThroughShAsync(["sh", recorder, .. HostileCorpus.Words]);
        Assert.Equal(HostileCorpus.Words, argv);
    }

    /// <summary>Runs <c>sh -c "$(PosixShell.Join(words))"</c> and splits its NUL-separated stdout.</summary>
    private static async Task<List<string>> RunThroughShAsync(IReadOnlyList<string> words)
    {
        var startInfo = new ProcessStartInfo("sh")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = new UTF8Encoding(false),
        };
        startInfo.ArgumentList.Add("-c");
        startInfo.ArgumentList.Add(PosixShell.Join(words));
        using var process = Process.Start(startInfo)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        Task<string> stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        Task<string> stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, "sh failed: " + await stderr);
        return HostileCorpus.SplitNul(await stdout);
    }
}

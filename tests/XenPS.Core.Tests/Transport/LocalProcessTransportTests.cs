using Microsoft.Extensions.Logging;
using XenPS.Transport;

namespace XenPS.Core.Tests.Transport;

public sealed class LocalProcessTransportTests : IDisposable
{
    /// <summary>Bounds every command so that a broken transport fails the test instead of hanging CI.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("xenps-local-");

    public void Dispose() => _temp.Delete(recursive: true);

    private static LocalProcessTransport Create(ListLogger<LocalProcessTransport>? logger = null, TimeSpan? defaultTimeout = null) =>
        new(new LocalProcessTransportOptions { HostName = "dom0-test", DefaultTimeout = defaultTimeout ?? Bound }, logger);

    private static Task<CommandResult> Sh(LocalProcessTransport transport, string script, string? stdin = null) =>
        transport.RunAsync(new CommandRequest("sh", "-c", script) { StandardInput = stdin }, CancellationToken.None);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(255)]
    public async Task ReturnsTheExitCode(int code)
    {
        await using var transport = Create();
        CommandResult result = await Sh(transport, $"exit {code}");
        Assert.Equal(code, result.ExitCode);
    }

    [Fact]
    public async Task KeepsStdoutAndStderrApart()
    {
        await using var transport = Create();
        CommandResult result = await Sh(transport, "echo out1; echo err1 >&2; echo out2; echo err2 >&2; exit 3");
        Assert.Equal("out1\nout2\n", result.StandardOutput);
        Assert.Equal("err1\nerr2\n", result.StandardError);
        Assert.Equal(3, result.ExitCode);
    }

    [Fact]
    public async Task PassesArgumentsVerbatimWithoutAShell()
    {
        await using var transport = Create();
        CommandResult result = await transport.RunAsync(new CommandRequest("printf", ["%s\\0", .. HostileCorpus.Words]), CancellationToken.None);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(HostileCorpus.Words, HostileCorpus.SplitNul(result.StandardOutput));
    }

    [Fact]
    public async Task WritesStandardInputThenClosesIt()
    {
        await using var transport = Create();
        string text = "line 1\nÜnïcødé 🐧\n'quotes' \"and\" $(more)\n";
        CommandResult result = await transport.RunAsync(new CommandRequest("cat") { StandardInput = text }, CancellationToken.None);
        Assert.Equal(text, result.StandardOutput);
    }

    [Fact]
    public async Task WithoutStandardInputTheProgramReadsEndOfFile()
    {
        await using var transport = Create();
        CommandResult result = await transport.RunAsync(new CommandRequest("wc", "-c"), CancellationToken.None);
        Assert.Equal("0", result.StandardOutput.Trim());
    }

    [Fact]
    public async Task LargeStdoutAndStderrTogetherDoNotDeadlock()
    {
        // 2 MB to stderr first, then 2 MB to stdout: a reader that drains stdout before stderr blocks forever.
        await using var transport = Create();
        CommandResult result = await Sh(
            transport,
            "head -c 2000000 /dev/zero | tr '\\0' e >&2; head -c 2000000 /dev/zero | tr '\\0' o; echo done >&2");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(2000000, result.StandardOutput.Length);
        Assert.All(result.StandardOutput, c => Assert.Equal('o', c));
        Assert.Equal(2000000 + "done\n".Length, result.StandardError.Length);
        Assert.EndsWith("eeedone\n", result.StandardError);
    }

    [Fact]
    public async Task LargeStandardInputAndOutputAtOnceDoNotDeadlock()
    {
        // cat writes while it reads: stdin must be written while stdout is being read.
        await using var transport = Create();
        string input = string.Concat(Enumerable.Range(0, 100000).Select(i => $"line {i}\n"));
        CommandResult result = await transport.RunAsync(new CommandRequest("cat") { StandardInput = input }, CancellationToken.None);
        Assert.Equal(input, result.StandardOutput);
    }

    [Fact]
    public async Task AProgramThatIgnoresStandardInputStillCompletes()
    {
        await using var transport = Create();
        string input = new('x', 1_000_000);
        CommandResult result = await transport.RunAsync(new CommandRequest("true") { StandardInput = input }, CancellationToken.None);
        Assert.Equal(0, result.ExitCode);
    }

    [Fact]
    public async Task OutputHeldOpenByABackgroundProcessDoesNotBlockTheResult()
    {
        // The program exits but leaves a background child holding stdout (a daemon, an ssh master):
        // the result comes with what was read, without waiting for that child.
        await using var transport = new LocalProcessTransport(new LocalProcessTransportOptions { HostName = "dom0-test", DefaultTimeout = Bound })
        {
            OutputDrainTimeout = TimeSpan.FromSeconds(1),
        };
        string pidFile = Path.Combine(_temp.FullName, "daemon.pid");
        try
        {
            CommandResult result = await transport.RunAsync(
                new CommandRequest("sh", "-c", "echo started; sleep 120 & echo $! > \"$1\"", "sh", pidFile),
                CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(0, result.ExitCode);
            Assert.Equal("started\n", result.StandardOutput);
        }
        finally
        {
            int pid = await ProcessProbe.ReadPidFileAsync(pidFile, TimeSpan.FromSeconds(10));
            System.Diagnostics.Process.GetProcessById(pid).Kill();
        }
    }

    [Fact]
    public async Task TimeoutKillsTheProcessTreeAndThrows()
    {
        await using var transport = Create();
        string pidFile = Path.Combine(_temp.FullName, "sleep.pid");
        var request = new CommandRequest("sh", "-c", "sleep 60 & echo $! > \"$1\"; wait", "sh", pidFile)
        {
            Timeout = TimeSpan.FromMilliseconds(1500),
        };

        XenTimeoutException ex = await Assert.ThrowsAsync<XenTimeoutException>(() => transport.RunAsync(request, CancellationToken.None));
        Assert.Equal(TimeSpan.FromMilliseconds(1500), ex.Timeout);
        Assert.Equal("dom0-test", ex.HostName);
        Assert.Contains("sleep 60", ex.Message);

        // The grandchild (sleep) died with its parent: the whole tree was killed.
        int sleepPid = await ProcessProbe.ReadPidFileAsync(pidFile, TimeSpan.FromSeconds(10));
        Assert.True(await ProcessProbe.IsGoneAsync(sleepPid, TimeSpan.FromSeconds(10)), $"sleep (PID {sleepPid}) still runs");
    }

    [Fact]
    public async Task DefaultTimeoutComesFromTheOptions()
    {
        await using var transport = Create(defaultTimeout: TimeSpan.FromMilliseconds(700));
        XenTimeoutException ex = await Assert.ThrowsAsync<XenTimeoutException>(
            () => transport.RunAsync(new CommandRequest("sleep", "60"), CancellationToken.None));
        Assert.Equal(TimeSpan.FromMilliseconds(700), ex.Timeout);
    }

    [Fact]
    public async Task CancellationKillsTheChildAndThrowsOperationCanceled()
    {
        await using var transport = Create();
        string pidFile = Path.Combine(_temp.FullName, "child.pid");
        using var cts = new CancellationTokenSource();
        Task<CommandResult> run = transport.RunAsync(new CommandRequest("sh", "-c", "echo $$ > \"$1\"; exec sleep 60", "sh", pidFile), cts.Token);

        int pid = await ProcessProbe.ReadPidFileAsync(pidFile, TimeSpan.FromSeconds(10));
        Assert.False(await ProcessProbe.IsGoneAsync(pid, TimeSpan.Zero), "the child should be running before cancellation");
        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(Bound));
        Assert.True(await ProcessProbe.IsGoneAsync(pid, TimeSpan.FromSeconds(10)), $"child (PID {pid}) still runs");
    }

    [Fact]
    public async Task AnAlreadyCancelledTokenStartsNothing()
    {
        await using var transport = Create();
        string marker = Path.Combine(_temp.FullName, "ran");
        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => transport.RunAsync(new CommandRequest("touch", marker), new CancellationToken(canceled: true)));
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public async Task AMissingProgramIsAClearError()
    {
        await using var transport = Create();
        XenOperationException ex = await Assert.ThrowsAsync<XenOperationException>(
            () => transport.RunAsync(new CommandRequest("xenps-no-such-program", "list"), CancellationToken.None));
        Assert.Equal("CommandNotFound", ex.ErrorId);
        Assert.Equal(XenErrorCategory.ObjectNotFound, ex.Category);
        Assert.Equal("dom0-test", ex.HostName);
        Assert.Contains("'xenps-no-such-program'", ex.Message);
        Assert.Contains("'dom0-test'", ex.Message);
    }

    [Fact]
    public async Task NulInAnArgumentIsRefused()
    {
        await using var transport = Create();
        await Assert.ThrowsAsync<ArgumentException>(() => transport.RunAsync(new CommandRequest("echo", "a\0b"), CancellationToken.None));
    }

    [Fact]
    public async Task EveryCommandIsLoggedAtDebugWithHostArgvExitCodeAndDuration()
    {
        var logger = new ListLogger<LocalProcessTransport>();
        await using var transport = Create(logger);
        await Sh(transport, "exit 4");

        (LogLevel level, string message) = Assert.Single(logger.Entries);
        Assert.Equal(LogLevel.Debug, level);
        Assert.Contains("dom0-test", message);
        Assert.Contains("sh -c 'exit 4'", message);
        Assert.Contains("exited 4", message);
        Assert.Matches(@"in \d+ ms", message);
    }

    [Fact]
    public async Task AfterDisposeRunIsRefused()
    {
        var transport = Create();
        await transport.DisposeAsync();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => transport.RunAsync(new CommandRequest("true"), CancellationToken.None));
    }
}

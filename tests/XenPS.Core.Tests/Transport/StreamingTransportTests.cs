using XenPS.Transport;

namespace XenPS.Core.Tests.Transport;

/// <summary>The streaming and terminal halves of the transport contract (local processes; ssh's argv).</summary>
public sealed class StreamingTransportTests : IDisposable
{
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("xenps-stream-");

    public void Dispose() => _temp.Delete(recursive: true);

    private static LocalProcessTransport Local() => new(new LocalProcessTransportOptions { HostName = "dom0-test", DefaultTimeout = TimeSpan.FromSeconds(60) });

    [Fact]
    public async Task Lines_arrive_while_the_program_runs_then_the_exit_code_and_stderr()
    {
        await using LocalProcessTransport t = Local();
        string gate = Path.Combine(_temp.FullName, "go");

        // The second line is written only after the test has seen the first: proof that lines stream.
        string script = $"echo first; while [ ! -e '{gate}' ]; do sleep 0.05; done; echo second; echo oops >&2; exit 3";
        await using StreamingCommand command = await t.StartAsync(new CommandRequest("sh", "-c", script), CancellationToken.None);
        var lines = new List<string>();
        await foreach (string line in command.ReadLinesAsync().WithCancellation(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token))
        {
            lines.Add(line);
            if (line == "first")
            {
                await File.WriteAllTextAsync(gate, string.Empty);
            }
        }

        CommandResult result = await command.WaitForExitAsync();
        Assert.Equal(["first", "second"], lines);
        Assert.Equal(3, result.ExitCode);
        Assert.Equal("oops\n", result.StandardError);
        Assert.Equal(string.Empty, result.StandardOutput);
    }

    [Fact]
    public async Task Cancellation_kills_the_program()
    {
        await using LocalProcessTransport t = Local();
        string pidFile = Path.Combine(_temp.FullName, "pid");
        using var cts = new CancellationTokenSource();
        await using StreamingCommand command = await t.StartAsync(new CommandRequest("sh", "-c", $"echo $$ > '{pidFile}'; echo started; exec sleep 300"), cts.Token);

        await foreach (string line in command.ReadLinesAsync())
        {
            Assert.Equal("started", line);
            cts.Cancel();
        }

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => command.WaitForExitAsync());
        int pid = int.Parse((await File.ReadAllTextAsync(pidFile)).Trim());
        Assert.False(Directory.Exists($"/proc/{pid}") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal), $"process {pid} still runs");
    }

    [Fact]
    public async Task Disposing_before_the_end_kills_the_program()
    {
        await using LocalProcessTransport t = Local();
        string pidFile = Path.Combine(_temp.FullName, "pid");
        StreamingCommand command = await t.StartAsync(new CommandRequest("sh", "-c", $"echo $$ > '{pidFile}'; echo started; exec sleep 300"), CancellationToken.None);
        await foreach (string _ in command.ReadLinesAsync())
        {
            break;
        }

        await command.DisposeAsync();
        int pid = int.Parse((await File.ReadAllTextAsync(pidFile)).Trim());
        Assert.False(Directory.Exists($"/proc/{pid}") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal), $"process {pid} still runs");
    }

    [Fact]
    public async Task A_missing_program_is_CommandNotFound()
    {
        await using LocalProcessTransport t = Local();
        var ex = await Assert.ThrowsAsync<XenOperationException>(() => t.StartAsync(new CommandRequest("xenps-no-such-program"), CancellationToken.None));
        Assert.Equal("CommandNotFound", ex.ErrorId);
    }

    [Fact]
    public async Task Interactive_runs_return_the_exit_code()
    {
        await using LocalProcessTransport t = Local();
        Assert.Equal(4, await t.RunInteractiveAsync(new CommandRequest("sh", "-c", "exit 4"), CancellationToken.None));
    }

    [Fact]
    public void Ssh_gives_the_remote_program_a_terminal_with_the_connections_own_options()
    {
        var ssh = new SshTransport(new SshTransportOptions
        {
            Host = "dom0-a",
            User = "root",
            Port = 2222,
            IdentityFile = "/home/me/.ssh/key",
            ExtraOptions = ["UserKnownHostsFile=/tmp/kh"],
            ControlDirectory = Path.Combine(_temp.FullName, "cm"),
        });

        var request = new CommandRequest("xl", "console", "7");
        IReadOnlyList<string> plain = ssh.BuildArguments(request);
        IReadOnlyList<string> tty = ssh.BuildInteractiveArguments(request);

        Assert.Equal(plain.Count + 1, tty.Count);
        int separator = tty.Count - 3;
        Assert.Equal("--", tty[separator]);
        Assert.Equal("-t", tty[separator - 1]);
        Assert.Equal(plain.Where(a => a != "--"), tty.Where(a => a is not "--" and not "-t"));
        Assert.Equal("'xl' 'console' '7'", tty[^1]);
    }
}

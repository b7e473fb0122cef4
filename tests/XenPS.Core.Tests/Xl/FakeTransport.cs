using XenPS.Transport;

namespace XenPS.Core.Tests.Xl;

/// <summary>
/// A recording, replaying transport: answers expected argument vectors with canned results (usually real
/// fixture outputs) and records every call. An unexpected call fails the test with the argv it got.
/// </summary>
internal sealed class FakeTransport : IXenTransport
{
    private readonly List<(Func<CommandRequest, bool> Match, Func<CommandRequest, CommandResult> Reply, bool Once)> _rules = new();
    private readonly object _gate = new();

    public FakeTransport(string hostName = "dom0-test") => HostName = hostName;

    public string HostName { get; }

    public List<CommandRequest> Calls { get; } = new();

    /// <summary>Every call as one line: program and arguments joined by spaces (for readable assertions).</summary>
    public IEnumerable<string> CallLines => Calls.Select(c => c.Program + (c.Arguments.Count == 0 ? string.Empty : " " + string.Join(' ', c.Arguments)));

    public FakeTransport On(string program, string[] args, string stdout = "", string stderr = "", int exit = 0, bool once = false)
    {
        _rules.Add((r => r.Program == program && r.Arguments.SequenceEqual(args), _ => new CommandResult(exit, stdout, stderr, TimeSpan.FromMilliseconds(5)), once));
        return this;
    }

    /// <summary>
    /// <c>xl migrate</c> as XlToolstack streams it: <c>sh -c 'exec "$@" 2&gt;&amp;1' sh xl migrate ...</c>, xl's stderr
    /// (where every migration line goes) arriving on stdout.
    /// </summary>
    public FakeTransport OnMigrate(string[] xlArgs, XlFixture fixture) =>
        On("sh", ["-c", "exec \"$@\" 2>&1", "sh", "xl", .. xlArgs], fixture.Stdout + fixture.Stderr, string.Empty, fixture.ExitCode);

    public FakeTransport OnXl(string args, string stdout = "", string stderr = "", int exit = 0, bool once = false) =>
        On("xl", args.Split(' ', StringSplitOptions.RemoveEmptyEntries), stdout, stderr, exit, once);

    public FakeTransport OnXl(string args, XlFixture fixture, bool once = false) =>
        OnXl(args, fixture.Stdout, fixture.Stderr, fixture.ExitCode, once);

    public FakeTransport OnWhere(Func<CommandRequest, bool> match, Func<CommandRequest, CommandResult> reply, bool once = false)
    {
        _rules.Add((match, reply, once));
        return this;
    }

    public Task<CommandResult> RunAsync(CommandRequest request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            Calls.Add(request);
            for (int i = 0; i < _rules.Count; i++)
            {
                var rule = _rules[i];
                if (rule.Match(request))
                {
                    if (rule.Once)
                    {
                        _rules.RemoveAt(i);
                    }

                    return Task.FromResult(rule.Reply(request));
                }
            }
        }

        throw new InvalidOperationException("Unexpected command: " + request.DisplayText);
    }

    /// <summary>Streams a canned reply's stdout line by line (the reply is chosen by the same rules as <see cref="RunAsync"/>).</summary>
    public async Task<StreamingCommand> StartAsync(CommandRequest request, CancellationToken cancellationToken)
    {
        CommandResult reply = await RunAsync(request, cancellationToken);
        var lines = System.Threading.Channels.Channel.CreateUnbounded<string>();
        foreach (string line in reply.StandardOutput.Replace("\r\n", "\n").Split('\n'))
        {
            lines.Writer.TryWrite(line);
        }

        lines.Writer.TryComplete();
        return new StreamingCommand(request.DisplayText, lines, Task.FromResult(reply with { StandardOutput = string.Empty }), () => ValueTask.CompletedTask);
    }

    /// <summary>Records the request; the terminal session "ends" at once with the canned reply's exit code.</summary>
    public async Task<int> RunInteractiveAsync(CommandRequest request, CancellationToken cancellationToken) =>
        (await RunAsync(request, cancellationToken)).ExitCode;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

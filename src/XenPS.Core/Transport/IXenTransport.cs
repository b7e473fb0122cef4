namespace XenPS.Transport;

/// <summary>Runs a program on a Xen host with an argument vector (never a shell command line built from user text).</summary>
public interface IXenTransport : IAsyncDisposable
{
    /// <summary>The host's name for messages (e.g. <c>dom0-a</c>, <c>localhost</c>).</summary>
    string HostName { get; }

    /// <summary>Runs <paramref name="request"/> and returns its exit code and output. Cancellation kills the child process.</summary>
    /// <exception cref="XenHostUnreachableException">The host cannot be reached (ssh exit 255).</exception>
    /// <exception cref="XenAuthenticationException">The host refused the credentials.</exception>
    /// <exception cref="XenTimeoutException">The request's timeout passed; the child was killed.</exception>
    Task<CommandResult> RunAsync(CommandRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Starts a long-running program and streams its standard output line by line (<c>xentop -b</c>, later
    /// migration progress). The request's <see cref="CommandRequest.Timeout"/> applies when set; by default there
    /// is none. <paramref name="cancellationToken"/> (or disposing the result) kills the process. Failures to reach
    /// the host surface from <see cref="StreamingCommand.WaitForExitAsync"/>, as <see cref="RunAsync"/> throws them.
    /// </summary>
    /// <remarks>A default for transports written before streaming existed (test doubles): they say they cannot.</remarks>
    /// <exception cref="XenOperationException">The program (or the ssh client) cannot be started.</exception>
    Task<StreamingCommand> StartAsync(CommandRequest request, CancellationToken cancellationToken) =>
        throw new NotSupportedException($"The transport to host '{HostName}' cannot stream a command's output ({GetType().Name}).");

    /// <summary>
    /// Hands this process's terminal to a program (<c>xl console</c>): locally it inherits stdin, stdout and
    /// stderr; over SSH it runs under <c>ssh -t</c> with the connection's own options. Returns the program's exit
    /// code when it ends. The caller checks first that there is a terminal.
    /// </summary>
    Task<int> RunInteractiveAsync(CommandRequest request, CancellationToken cancellationToken) =>
        throw new NotSupportedException($"The transport to host '{HostName}' cannot hand it a terminal ({GetType().Name}).");
}

/// <summary>A program to run on the host.</summary>
public sealed class CommandRequest
{
    /// <summary>Creates a request for <paramref name="program"/> with <paramref name="arguments"/>.</summary>
    public CommandRequest(string program, params string[] arguments)
        : this(program, (IReadOnlyList<string>)arguments)
    {
    }

    /// <summary>Creates a request for <paramref name="program"/> with <paramref name="arguments"/>.</summary>
    public CommandRequest(string program, IReadOnlyList<string> arguments)
    {
        Program = program;
        Arguments = arguments;
    }

    /// <summary>The program (<c>xl</c>, <c>xenstore-read</c>, <c>sh</c>, ...), found on the host's PATH.</summary>
    public string Program { get; }

    /// <summary>The argument vector, each element passed as one argument, whatever it holds.</summary>
    public IReadOnlyList<string> Arguments { get; }

    /// <summary>Text written to the program's standard input (then closed), or <see langword="null"/>.</summary>
    public string? StandardInput { get; init; }

    /// <summary>The longest the program may run; the child is killed after it. <see langword="null"/>: the transport's default.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>The command as a user would read it (for messages and logs; not for execution).</summary>
    public string DisplayText => Arguments.Count == 0 ? Program : Program + " " + string.Join(' ', Arguments.Select(DisplayQuote));

    private static string DisplayQuote(string arg) =>
        arg.Length > 0 && arg.All(c => char.IsLetterOrDigit(c) || "-_./=:,@%+".Contains(c)) ? arg : "'" + arg.Replace("'", "'\\''") + "'";

    /// <inheritdoc />
    public override string ToString() => DisplayText;
}

/// <summary>What a program did.</summary>
/// <param name="ExitCode">The exit code.</param>
/// <param name="StandardOutput">Everything written to stdout.</param>
/// <param name="StandardError">Everything written to stderr.</param>
/// <param name="Duration">How long it ran.</param>
public sealed record CommandResult(int ExitCode, string StandardOutput, string StandardError, TimeSpan Duration);

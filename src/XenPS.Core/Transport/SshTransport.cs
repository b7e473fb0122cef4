using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace XenPS.Transport;

/// <summary>
/// Runs programs on a Xen host through the system OpenSSH client (<c>ssh</c>), so that the user's
/// keys, agent, <c>~/.ssh/config</c> and known_hosts apply as they do for ssh itself.
/// </summary>
/// <remarks>
/// <para>
/// ssh runs non-interactively (<c>BatchMode=yes</c>) with a <c>ConnectTimeout</c>. Host-key checking is
/// left to the user's OpenSSH configuration; XenPS never turns it off (<see cref="SshTransportOptions.ExtraOptions"/> can).
/// Commands share one connection (<c>ControlMaster=auto</c>, <c>ControlPersist</c>) through a control socket
/// in a private per-user folder, named for the options that decide trust (<see cref="ControlSocketName"/>), so a
/// connection with other options never rides it; <see cref="DisposeAsync"/> closes it (<c>ssh -O exit</c>).
/// </para>
/// <para>
/// ssh hands the remote command to the remote user's login shell as one string, so every word of it,
/// the program included, is POSIX single-quoted (<see cref="PosixShell.Join"/>); the login shell must be a
/// POSIX shell (sh, bash, dash, ash), as it is for root on a Dom0.
/// </para>
/// <para>
/// ssh exits 255 when it fails itself; its message on stderr makes that a <see cref="XenHostUnreachableException"/>
/// or a <see cref="XenAuthenticationException"/>. A remote program may exit 255 too (<c>xl create</c> does):
/// without such a message that is a normal <see cref="CommandResult"/>.
/// </para>
/// <para>
/// The remote command line first writes a marker line to stderr (<see cref="StartedMarker"/>), which
/// <see cref="RunAsync"/> removes. An exit 255 without ssh's message and without that marker means the server
/// closed the session before the command began, so nothing ran, and the command is sent once more. Dropbear before
/// 2024.86 does this now and then to a session opened while another session's process ends (its channel is closed
/// before the exec request is read: dropbear issue #321, pull request #326), which a shared connection running
/// commands in parallel meets; seen on the real-Xen harness as an exit 255 without a word.
/// </para>
/// </remarks>
public sealed class SshTransport : IXenTransport
{
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The line the remote shell writes to stderr before it runs the program (see the remarks).</summary>
    internal const string StartedMarker = "xenps-remote-command-started";

    /// <summary>How many times a command the server dropped before it began is sent again.</summary>
    private const int NotStartedRetries = 2;

    private readonly SshTransportOptions _options;
    private readonly ILogger _logger;
    private readonly ProcessRunner _runner;
    private readonly ProcessStreamer _streamer;
    private readonly object _gate = new();
    private readonly SemaphoreSlim _openGate = new(1, 1);
    private long _lastSuccessTicks;
    private string? _controlPath;
    private bool _controlPathChosen;
    private bool _disposed;

    /// <summary>Creates the transport. Nothing connects until the first command.</summary>
    /// <param name="options">The host and how to reach it.</param>
    /// <param name="logger">Receives every command at Debug and decisions at Information; <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentException">An option is invalid (empty host, NUL, a bad port or timeout).</exception>
    public SshTransport(SshTransportOptions options, ILogger<SshTransport>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Host, nameof(options));
        ArgumentException.ThrowIfNullOrWhiteSpace(options.SshProgram, nameof(options));
        PosixShell.EnsureNoNul(options.Host, nameof(options));
        if (options.User is not null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(options.User, nameof(options));
            PosixShell.EnsureNoNul(options.User, nameof(options));
        }

        if (options.IdentityFile is not null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(options.IdentityFile, nameof(options));
            PosixShell.EnsureNoNul(options.IdentityFile, nameof(options));
        }

        if (options.Port is int port && (port < 1 || port > 65535))
        {
            throw new ArgumentOutOfRangeException(nameof(options), port, "The ssh port must be between 1 and 65535.");
        }

        ArgumentNullException.ThrowIfNull(options.ExtraOptions, nameof(options));
        foreach (string option in options.ExtraOptions)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(option, nameof(options));
            PosixShell.EnsureNoNul(option, nameof(options));
        }

        if (options.ConnectTimeout < TimeSpan.FromSeconds(1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.ConnectTimeout, "ConnectTimeout must be at least 1 second.");
        }

        if (options.ControlPersist < TimeSpan.FromSeconds(1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.ControlPersist, "ControlPersist must be at least 1 second.");
        }

        TransportValidation.EnsureTimeout(options.DefaultTimeout, nameof(options));
        _options = options;
        _logger = (ILogger?)logger ?? NullLogger<SshTransport>.Instance;
        _runner = new ProcessRunner(_logger, options.Host);
        _streamer = new ProcessStreamer(_logger, options.Host);
    }

    /// <inheritdoc />
    public string HostName => _options.DisplayName ?? _options.Host;

    /// <summary>The timeout of requests that set none.</summary>
    public TimeSpan DefaultTimeout => _options.DefaultTimeout;

    // The shared connection stays up ControlPersist after its last use; past that (or before the
    // first success) the next call opens it again.
    private bool ConnectionLikelyUp()
    {
        long last = Volatile.Read(ref _lastSuccessTicks);
        return last != 0 && Environment.TickCount64 - last < (long)(_options.ControlPersist.TotalMilliseconds * 0.8);
    }

    /// <inheritdoc />
    /// <exception cref="XenOperationException">The ssh client is not installed, or the remote shell did not find the program (<c>CommandNotFound</c>).</exception>
    /// <exception cref="ArgumentException">The program or an argument contains NUL.</exception>
    public async Task<CommandResult> RunAsync(CommandRequest request, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        TransportValidation.EnsureRequest(request);
        IReadOnlyList<string> arguments = BuildArguments(request, announceStart: true);
        _logger.LogTrace("{Host}: ssh argv: {Argv}", HostName, string.Join(' ', arguments.Select(PosixShell.Quote)));
        for (int attempt = 0; ; attempt++)
        {
            CommandResult result = await RunOnceAsync(request, arguments, cancellationToken).ConfigureAwait(false);
            bool started = RemoveStartedMarker(ref result);
            if (started || result.ExitCode != 255 || SshErrors.Classify(result.ExitCode, result.StandardError) != SshFailureKind.None)
            {
                return Check(request, result);
            }

            // ssh exited 255 without its own message and the remote shell never wrote the marker: the server ended
            // the session before the command began (see the remarks), so sending it again cannot run it twice.
            await BeforeSendingAgainAsync(request, attempt, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>After a session the server closed before <paramref name="request"/> began: throws after the last try, else logs and waits a little.</summary>
    private async Task BeforeSendingAgainAsync(CommandRequest request, int attempt, CancellationToken cancellationToken)
    {
        if (attempt >= NotStartedRetries)
        {
            throw new XenHostUnreachableException(
                HostName,
                $"ssh exited 255 without a message before '{request.DisplayText}' began on host '{HostName}', {attempt + 1} times: the SSH server closed the session, or ssh could not connect and said nothing (LogLevel QUIET). The command did not run.");
        }

        _logger.LogInformation(
            "{Host}: the SSH server closed the session before '{Command}' began (ssh exited 255 without a message; the command did not run): sending it again",
            HostName,
            request.DisplayText);
        await Task.Delay(TimeSpan.FromMilliseconds(100 * (attempt + 1)), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes the remote shell's start marker line from stderr; <see langword="true"/> when it was there.</summary>
    internal static bool RemoveStartedMarker(ref CommandResult result)
    {
        string stderr = result.StandardError;
        int at = stderr.IndexOf(StartedMarker, StringComparison.Ordinal);
        while (at >= 0)
        {
            int end = at + StartedMarker.Length;
            bool lineStart = at == 0 || stderr[at - 1] == '\n';
            bool lineEnd = end == stderr.Length || stderr[end] == '\n';
            if (lineStart && lineEnd)
            {
                result = result with { StandardError = stderr.Remove(at, Math.Min(end + 1, stderr.Length) - at) };
                return true;
            }

            at = stderr.IndexOf(StartedMarker, end, StringComparison.Ordinal);
        }

        return false;
    }

    private async Task<CommandResult> RunOnceAsync(CommandRequest request, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        // While no shared (ControlMaster) connection is likely to be up, let one call open it and the
        // others wait: several first connections at once each try to become the master, and small
        // SSH servers (dropbear on a Dom0) refuse some of them ("kex_exchange_identification:
        // Connection closed by remote host"), seen on the real-Xen harness.
        bool opener = false;
        if (!ConnectionLikelyUp())
        {
            await _openGate.WaitAsync(cancellationToken).ConfigureAwait(false);
            opener = true;
            if (ConnectionLikelyUp())
            {
                _openGate.Release();
                opener = false;
            }
        }

        CommandResult result;
        try
        {
            result = await _runner.RunAsync(
                _options.SshProgram,
                arguments,
                request.StandardInput,
                request.Timeout ?? _options.DefaultTimeout,
                request.DisplayText,
                $"The ssh client '{_options.SshProgram}' was not found on this machine; it is needed to reach host '{HostName}'.",
                cancellationToken).ConfigureAwait(false);
            if (SshErrors.Classify(result.ExitCode, result.StandardError) == SshFailureKind.None)
            {
                Volatile.Write(ref _lastSuccessTicks, Environment.TickCount64);
            }
        }
        catch (XenTimeoutException timedOut)
        {
            throw RemoteMayStillRun(timedOut);
        }
        finally
        {
            if (opener)
            {
                _openGate.Release();
            }
        }

        return result;
    }

    /// <summary>
    /// A timeout over ssh stops only the local client: sshd does not end a remote command (one without a
    /// terminal) when its client goes away, so xl may go on and finish on the host. The error says so
    /// plainly instead of implying the operation was stopped.
    /// </summary>
    private XenTimeoutException RemoteMayStillRun(XenTimeoutException timedOut) =>
        new(timedOut.Operation, timedOut.Timeout, HostName, detail:
            $"The local ssh client was stopped, but the command may still be running on host '{HostName}' and may yet take effect there: check the host before retrying.");

    /// <summary>Turns ssh's own failures (exit 255 with its message) and a remote "command not found" into exceptions; returns other results.</summary>
    private CommandResult Check(CommandRequest request, CommandResult result)
    {
        switch (SshErrors.Classify(result.ExitCode, result.StandardError))
        {
            case SshFailureKind.Authentication:
                _logger.LogInformation("{Host}: ssh refused authentication: {Message}", HostName, result.StandardError.Trim());
                throw new XenAuthenticationException(HostName, result.StandardError.Trim());
            case SshFailureKind.Unreachable:
                _logger.LogInformation("{Host}: ssh could not reach the host: {Message}", HostName, result.StandardError.Trim());
                throw new XenHostUnreachableException(HostName, result.StandardError.Trim());
            default:
                if (SshErrors.IsRemoteCommandNotFound(result.ExitCode, result.StandardError, request.Program))
                {
                    _logger.LogInformation("{Host}: the remote shell did not find '{Program}': {Message}", HostName, request.Program, result.StandardError.Trim());
                    throw new XenOperationException(
                        "CommandNotFound",
                        XenErrorCategory.ObjectNotFound,
                        $"The program '{request.Program}' was not found on host '{HostName}' (is it installed and on the remote PATH?): {result.StandardError.Trim()}")
                    {
                        HostName = HostName,
                    };
                }

                return result;
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// Runs over the shared connection like <see cref="RunAsync"/>; killing the local ssh client ends the remote program at
    /// its next write. The remote command line first writes <see cref="StartedMarker"/> as a line to stdout (not handed
    /// out), and this returns once that line came: a session the server closed before the command began (no line, exit
    /// 255 without ssh's message) is started again, as <see cref="RunAsync"/> does.
    /// </remarks>
    public async Task<StreamingCommand> StartAsync(CommandRequest request, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        TransportValidation.EnsureRequest(request);
        IReadOnlyList<string> arguments = BuildArguments(request, announceStart: true, announceOnStdout: true);
        _logger.LogTrace("{Host}: ssh argv: {Argv}", HostName, string.Join(' ', arguments.Select(PosixShell.Quote)));
        for (int attempt = 0; ; attempt++)
        {
            var began = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            StreamingCommand command = _streamer.Start(
                _options.SshProgram,
                arguments,
                request.Timeout ?? Timeout.InfiniteTimeSpan,
                request.DisplayText,
                SshNotFound(),
                r => Check(request, r),
                StartedMarker,
                began,
                cancellationToken);
            if (await began.Task.ConfigureAwait(false))
            {
                return command;
            }

            CommandResult result;
            try
            {
                result = await command.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is XenException or OperationCanceledException)
            {
                return command; // its completion carries the failure
            }

            if (result.ExitCode != 255 || SshErrors.Classify(result.ExitCode, result.StandardError) != SshFailureKind.None || result.StandardError.Length > 0)
            {
                return command;
            }

            await BeforeSendingAgainAsync(request, attempt, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    /// <remarks><c>ssh -t</c> with this connection's options (user, port, identity, ssh options, control socket): the remote program gets a terminal.</remarks>
    public async Task<int> RunInteractiveAsync(CommandRequest request, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        TransportValidation.EnsureRequest(request);
        IReadOnlyList<string> arguments = BuildInteractiveArguments(request);
        _logger.LogTrace("{Host}: ssh argv: {Argv}", HostName, string.Join(' ', arguments.Select(PosixShell.Quote)));
        int exitCode = await _streamer.RunInteractiveAsync(_options.SshProgram, arguments, request.DisplayText, SshNotFound(), cancellationToken).ConfigureAwait(false);
        if (exitCode == 255)
        {
            // ssh printed its own reason on the terminal; the caller's error names the host.
            throw new XenHostUnreachableException(HostName, $"ssh exited 255 running '{request.DisplayText}' with a terminal (its message is above).");
        }

        return exitCode;
    }

    /// <summary>The ssh argument vector of an interactive request: <see cref="BuildArguments"/> with <c>-t</c> (a remote terminal) before <c>--</c>.</summary>
    internal IReadOnlyList<string> BuildInteractiveArguments(CommandRequest request)
    {
        var arguments = new List<string>(BuildArguments(request));
        arguments.Insert(arguments.Count - 3, "-t"); // before "--", the host and the remote command
        return arguments;
    }

    private string SshNotFound() =>
        $"The ssh client '{_options.SshProgram}' was not found on this machine; it is needed to reach host '{HostName}'.";

    /// <summary>Closes the shared connection (<c>ssh -O exit</c>), best effort.</summary>
    public async ValueTask DisposeAsync()
    {
        string? controlPath;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            controlPath = _controlPath;
        }

        if (controlPath is null)
        {
            return;
        }

        var arguments = new List<string>();
        AddConnectionOptions(arguments, controlPath);
        arguments.Add("-O");
        arguments.Add("exit");
        arguments.Add("--");
        arguments.Add(_options.Host);
        try
        {
            CommandResult result = await _runner.RunAsync(
                _options.SshProgram,
                arguments,
                null,
                ExitTimeout,
                "ssh -O exit",
                $"The ssh client '{_options.SshProgram}' was not found.",
                CancellationToken.None).ConfigureAwait(false);
            if (result.ExitCode == 0)
            {
                _logger.LogInformation("{Host}: closed the shared ssh connection", HostName);
            }
            else
            {
                // Usually: no master was running (it had already exited after ControlPersist).
                _logger.LogDebug("{Host}: ssh -O exit: {Message}", HostName, result.StandardError.Trim());
            }
        }
        catch (Exception ex) when (ex is XenException or IOException or InvalidOperationException)
        {
            _logger.LogWarning("{Host}: could not close the shared ssh connection: {Message}", HostName, ex.Message);
        }
    }

    /// <summary>
    /// The ssh argument vector for <paramref name="request"/>: options, <c>--</c>, the host, then the quoted remote command
    /// as one word; with <paramref name="announceStart"/>, that command line first writes <see cref="StartedMarker"/> as a
    /// line to stderr (to stdout with <paramref name="announceOnStdout"/>: a stream's stdout is read line by line as it comes).
    /// </summary>
    internal IReadOnlyList<string> BuildArguments(CommandRequest request, bool announceStart = false, bool announceOnStdout = false)
    {
        var arguments = new List<string>();
        AddConnectionOptions(arguments, GetControlPath());
        arguments.Add("--");
        arguments.Add(_options.Host);
        string command = PosixShell.Join([request.Program, .. request.Arguments]);
        arguments.Add(announceStart ? "printf '%s\\n' " + StartedMarker + (announceOnStdout ? "; " : " >&2; ") + command : command);
        return arguments;
    }

    private void AddConnectionOptions(List<string> arguments, string? controlPath)
    {
        // ssh keeps the first value it gets for an option, so the caller's options go first.
        foreach (string option in _options.ExtraOptions)
        {
            arguments.Add("-o");
            arguments.Add(option);
        }

        arguments.Add("-o");
        arguments.Add("BatchMode=yes");
        arguments.Add("-o");
        arguments.Add("ConnectTimeout=" + WholeSeconds(_options.ConnectTimeout));
        if (controlPath is not null)
        {
            arguments.Add("-o");
            arguments.Add("ControlMaster=auto");
            arguments.Add("-o");
            arguments.Add("ControlPath=" + controlPath);
            arguments.Add("-o");
            arguments.Add("ControlPersist=" + WholeSeconds(_options.ControlPersist));
        }

        if (_options.IdentityFile is not null)
        {
            arguments.Add("-i");
            arguments.Add(_options.IdentityFile);
            arguments.Add("-o");
            arguments.Add("IdentitiesOnly=yes");
        }

        if (_options.Port is int port)
        {
            arguments.Add("-p");
            arguments.Add(port.ToString(CultureInfo.InvariantCulture));
        }

        if (_options.User is not null)
        {
            arguments.Add("-l");
            arguments.Add(_options.User);
        }
    }

    /// <summary>The control socket path (<c>&lt;dir&gt;/%C</c>), or <see langword="null"/> where ssh cannot multiplex (Windows).</summary>
    private string? GetControlPath()
    {
        lock (_gate)
        {
            if (!_controlPathChosen)
            {
                _controlPathChosen = true;
                if (!OperatingSystem.IsWindows())
                {
                    string directory = SshControlDirectory.Prepare(_options.ControlDirectory, out string? reason);
                    if (reason is not null)
                    {
                        _logger.LogInformation("{Host}: ssh control sockets go to '{Directory}' because {Reason}", HostName, directory, reason);
                    }

                    _controlPath = directory + "/" + ControlSocketName(_options);
                }
            }

            return _controlPath;
        }
    }

    /// <summary>
    /// The control socket's name: a hash of everything that decides whom ssh trusts and as whom it logs in (user,
    /// host, port, the identity file and its version, every option given, the known_hosts files in effect and their
    /// content, the agent). A client that finds a master on its socket runs over it without authenticating or
    /// checking a host key, so a connect with other options must never find one made with different ones (ssh's
    /// own <c>%C</c> hashes only local host, host, port and user). 40 hex characters, as <c>%C</c>.
    /// </summary>
    internal static string ControlSocketName(SshTransportOptions options)
    {
        var key = new StringBuilder("xenps-ssh-control-v1");
        void Add(string label, string? value) => key.Append('\0').Append(label).Append('=').Append(value ?? "<none>");

        Add("program", options.SshProgram);
        Add("user", options.User);
        Add("host", options.Host);
        Add("port", options.Port?.ToString(CultureInfo.InvariantCulture));
        Add("identity", options.IdentityFile is null ? null : FileVersion(options.IdentityFile));
        foreach (string option in options.ExtraOptions)
        {
            Add("option", option);
        }

        foreach (string knownHosts in KnownHostsFiles(options.ExtraOptions))
        {
            Add("known_hosts", knownHosts + "#" + ContentHash(knownHosts));
        }

        Add("agent", Environment.GetEnvironmentVariable("SSH_AUTH_SOCK"));
        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes(key.ToString()));
        return Convert.ToHexString(hash).ToLowerInvariant()[..40];
    }

    // The known_hosts files ssh reads: UserKnownHostsFile and GlobalKnownHostsFile when given, else the defaults.
    private static IEnumerable<string> KnownHostsFiles(IReadOnlyList<string> extraOptions)
    {
        string? Option(string name) => extraOptions
            .Select(o => o.Split('=', 2))
            .Where(kv => kv.Length == 2 && kv[0].Trim().Equals(name, StringComparison.OrdinalIgnoreCase))
            .Select(kv => kv[1].Trim())
            .FirstOrDefault();

        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        string user = Option("UserKnownHostsFile") ?? $"{home}/.ssh/known_hosts {home}/.ssh/known_hosts2";
        string global = Option("GlobalKnownHostsFile") ?? "/etc/ssh/ssh_known_hosts /etc/ssh/ssh_known_hosts2";
        return (user + " " + global).Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(f => f.StartsWith("~/", StringComparison.Ordinal) ? home + f[1..] : f);
    }

    private static string ContentHash(string path)
    {
        try
        {
            return File.Exists(path) ? Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))) : "absent";
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return "unreadable";
        }
    }

    // The key file by path and version (size, change time), not by content: a private key is not read here.
    private static string FileVersion(string path)
    {
        try
        {
            var info = new FileInfo(Path.GetFullPath(path));
            return info.Exists
                ? $"{info.FullName}#{info.Length}#{info.LastWriteTimeUtc.Ticks.ToString(CultureInfo.InvariantCulture)}"
                : info.FullName + "#absent";
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return path;
        }
    }

    private static string WholeSeconds(TimeSpan value) =>
        ((long)Math.Ceiling(value.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
}

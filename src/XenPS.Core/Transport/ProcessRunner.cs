using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Logging;

namespace XenPS.Transport;

/// <summary>
/// Runs one local process with an argument vector (never a shell): stdout and stderr read
/// concurrently, stdin written concurrently then closed, a timeout and cancellation that kill the
/// whole process tree. Shared by <see cref="LocalProcessTransport"/> and <see cref="SshTransport"/>.
/// </summary>
internal sealed class ProcessRunner
{
    private static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);

    private readonly ILogger _logger;
    private readonly string _hostName;

    public ProcessRunner(ILogger logger, string hostName)
    {
        _logger = logger;
        _hostName = hostName;
    }

    /// <summary>
    /// How long to wait, once the process has exited, for its stdout and stderr to reach end of file.
    /// A background process it started (a daemon, an ssh master) may hold them open; after this the
    /// output read so far is returned.
    /// </summary>
    internal TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long to wait for a killed process to be gone.</summary>
    internal TimeSpan KillWaitTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Runs <paramref name="program"/>.</summary>
    /// <param name="program">The program (a name found on PATH, or a path).</param>
    /// <param name="arguments">The argument vector.</param>
    /// <param name="standardInput">Text for stdin, or <see langword="null"/> for an empty stdin.</param>
    /// <param name="timeout">The limit; <see cref="Timeout.InfiniteTimeSpan"/> for none.</param>
    /// <param name="displayCommand">The command as logged and reported (for ssh: the remote command).</param>
    /// <param name="notFoundMessage">The message when <paramref name="program"/> does not exist.</param>
    /// <param name="cancellationToken">Kills the process when cancelled.</param>
    public async Task<CommandResult> RunAsync(
        string program,
        IReadOnlyList<string> arguments,
        string? standardInput,
        TimeSpan timeout,
        string displayCommand,
        string notFoundMessage,
        CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();

        var startInfo = new ProcessStartInfo(program)
        {
            UseShellExecute = false,
            CreateNoWindow = true,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardInputEncoding = Utf8,
            StandardOutputEncoding = Utf8,
            StandardErrorEncoding = Utf8,
        };
        foreach (string argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = new Process { StartInfo = startInfo };
        long started = Stopwatch.GetTimestamp();
        try
        {
            process.Start();
        }
        catch (Win32Exception ex) when (ex.NativeErrorCode == 2)
        {
            // ENOENT: the program is not on PATH (or the path does not exist).
            _logger.LogDebug("{Host}: {Command} not started: {Error}", _hostName, displayCommand, ex.Message);
            throw new XenOperationException("CommandNotFound", XenErrorCategory.ObjectNotFound, notFoundMessage) { HostName = _hostName };
        }
        catch (Win32Exception ex)
        {
            _logger.LogDebug("{Host}: {Command} not started: {Error}", _hostName, displayCommand, ex.Message);
            throw new XenOperationException(
                "CommandStartFailed",
                XenErrorCategory.InvalidOperation,
                $"'{program}' could not be started on host '{_hostName}': {ex.Message}")
            { HostName = _hostName };
        }

        int pid = process.Id;
        var stdout = new OutputCollector(process.StandardOutput);
        var stderr = new OutputCollector(process.StandardError);
        Task stdin = WriteInputAsync(process.StandardInput, standardInput);

        using var timeoutSource = new CancellationTokenSource(timeout);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
        try
        {
            await process.WaitForExitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await KillAsync(process, pid, displayCommand).ConfigureAwait(false);
            TimeSpan ran = Stopwatch.GetElapsedTime(started);
            if (cancellationToken.IsCancellationRequested)
            {
                _logger.LogDebug("{Host}: {Command} cancelled after {DurationMs} ms; process {Pid} killed", _hostName, displayCommand, (long)ran.TotalMilliseconds, pid);
                throw new OperationCanceledException($"'{displayCommand}' on host '{_hostName}' was cancelled; the process was killed.", null, cancellationToken);
            }

            _logger.LogDebug("{Host}: {Command} timed out after {DurationMs} ms; process {Pid} killed", _hostName, displayCommand, (long)ran.TotalMilliseconds, pid);
            throw new XenTimeoutException($"'{displayCommand}'", timeout, _hostName);
        }

        TimeSpan duration = Stopwatch.GetElapsedTime(started);
        await stdin.ConfigureAwait(false);
        try
        {
            await Task.WhenAll(stdout.Completion, stderr.Completion).WaitAsync(DrainTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _logger.LogDebug("{Host}: {Command} exited but its output is still held open (a background process?); using what was read", _hostName, displayCommand);
        }

        var result = new CommandResult(process.ExitCode, stdout.Text, stderr.Text, duration);
        _logger.LogDebug(
            "{Host}: {Command} exited {ExitCode} in {DurationMs} ms ({StdoutLength} chars stdout, {StderrLength} chars stderr)",
            _hostName,
            displayCommand,
            result.ExitCode,
            (long)duration.TotalMilliseconds,
            result.StandardOutput.Length,
            result.StandardError.Length);
        return result;
    }

    private static async Task WriteInputAsync(StreamWriter writer, string? text)
    {
        try
        {
            if (!string.IsNullOrEmpty(text))
            {
                await writer.WriteAsync(text).ConfigureAwait(false);
                await writer.FlushAsync().ConfigureAwait(false);
            }
        }
        catch (IOException)
        {
            // The program exited (or closed stdin) before reading everything: EPIPE. Its exit code tells.
        }
        catch (ObjectDisposedException)
        {
        }
        finally
        {
            try
            {
                writer.Close();
            }
            catch (IOException)
            {
            }
        }
    }

    private async Task KillAsync(Process process, int pid, string displayCommand)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
        catch (Win32Exception ex)
        {
            _logger.LogWarning("{Host}: could not kill process {Pid} ({Command}): {Error}", _hostName, pid, displayCommand, ex.Message);
        }

        using var wait = new CancellationTokenSource(KillWaitTimeout);
        try
        {
            await process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            _logger.LogWarning("{Host}: process {Pid} ({Command}) was killed but has not exited within {Seconds} s", _hostName, pid, displayCommand, KillWaitTimeout.TotalSeconds);
        }
    }

    /// <summary>Reads one output stream to its end in the background; the text read so far is always available.</summary>
    private sealed class OutputCollector
    {
        private readonly StringBuilder _text = new();
        private readonly object _gate = new();

        public OutputCollector(StreamReader reader)
        {
            Completion = Task.Run(() => PumpAsync(reader));
        }

        public Task Completion { get; }

        public string Text
        {
            get
            {
                lock (_gate)
                {
                    return _text.ToString();
                }
            }
        }

        private async Task PumpAsync(StreamReader reader)
        {
            char[] buffer = new char[16384];
            try
            {
                int read;
                while ((read = await reader.ReadAsync(buffer.AsMemory()).ConfigureAwait(false)) > 0)
                {
                    lock (_gate)
                    {
                        _text.Append(buffer, 0, read);
                    }
                }
            }
            catch (IOException)
            {
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }
}

using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace XenPS.Transport;

/// <summary>
/// The two ways of running a local process that <see cref="ProcessRunner"/> does not cover: streaming its
/// stdout line by line while it runs (<c>Start</c>), and handing it this process's terminal
/// (<see cref="RunInteractiveAsync"/>). Shared by <see cref="LocalProcessTransport"/> and <see cref="SshTransport"/>
/// (which runs <c>ssh</c> locally).
/// </summary>
internal sealed class ProcessStreamer
{
    private static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);

    private readonly ILogger _logger;
    private readonly string _hostName;

    public ProcessStreamer(ILogger logger, string hostName)
    {
        _logger = logger;
        _hostName = hostName;
    }

    /// <summary>How long to wait for a killed process to be gone.</summary>
    internal TimeSpan KillWaitTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Starts <paramref name="program"/> and streams its stdout.</summary>
    /// <param name="program">The program (a name on PATH, or a path).</param>
    /// <param name="arguments">The argument vector.</param>
    /// <param name="timeout">The limit, or <see cref="Timeout.InfiniteTimeSpan"/>; after it the process is killed and the completion throws <see cref="XenTimeoutException"/>.</param>
    /// <param name="displayCommand">The command as logged and reported.</param>
    /// <param name="notFoundMessage">The message when <paramref name="program"/> does not exist.</param>
    /// <param name="check">Turns a finished result into an exception where the transport must (ssh's own failures); returns the result otherwise.</param>
    /// <param name="startMarker">A first stdout line equal to it is not handed out; <see langword="null"/> for none.</param>
    /// <param name="began">When given: true at the first stdout line (the marker or not), false when stdout ends without any.</param>
    /// <param name="cancellationToken">Kills the process when cancelled; the completion then throws <see cref="OperationCanceledException"/>.</param>
    public StreamingCommand Start(
        string program,
        IReadOnlyList<string> arguments,
        TimeSpan timeout,
        string displayCommand,
        string notFoundMessage,
        Func<CommandResult, CommandResult> check,
        string? startMarker,
        TaskCompletionSource<bool>? began,
        CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var startInfo = NewStartInfo(program, arguments, redirect: true);
        var process = new Process { StartInfo = startInfo };
        StartOrThrow(process, program, displayCommand, notFoundMessage);
        process.StandardInput.Close();

        int pid = process.Id;
        long started = Stopwatch.GetTimestamp();
        _logger.LogDebug("{Host}: {Command} started (process {Pid}), streaming its output", _hostName, displayCommand, pid);
        var lines = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        Task stdout = PumpLinesAsync(process.StandardOutput, lines.Writer, startMarker, began);
        Task<string> stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);

        var stop = new CancellationTokenSource(timeout);
        int killed = 0;
        async ValueTask KillAsync()
        {
            if (Interlocked.Exchange(ref killed, 1) != 0)
            {
                return;
            }

            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (Exception ex) when (ex is InvalidOperationException or ObjectDisposedException)
            {
                // Already exited (and perhaps already cleaned up).
                return;
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
                _logger.LogWarning("{Host}: process {Pid} ({Command}) did not exit after kill", _hostName, pid, displayCommand);
            }
            catch (Exception ex) when (ex is InvalidOperationException or ObjectDisposedException)
            {
            }
        }

        CancellationTokenRegistration onCancel = cancellationToken.Register(() => _ = KillAsync().AsTask());
        CancellationTokenRegistration onTimeout = stop.Token.Register(() => _ = KillAsync().AsTask());

        async Task<CommandResult> CompleteAsync()
        {
            try
            {
                await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                try
                {
                    await stdout.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                    // A background child holds stdout open; the lines read so far are what there is.
                    lines.Writer.TryComplete();
                }

                string err;
                try
                {
                    err = await stderr.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                    err = string.Empty;
                }

                TimeSpan ran = Stopwatch.GetElapsedTime(started);
                if (cancellationToken.IsCancellationRequested)
                {
                    _logger.LogDebug("{Host}: {Command} cancelled after {DurationMs} ms; process {Pid} killed", _hostName, displayCommand, (long)ran.TotalMilliseconds, pid);
                    throw new OperationCanceledException($"'{displayCommand}' on host '{_hostName}' was cancelled; the process was killed.", null, cancellationToken);
                }

                if (stop.IsCancellationRequested)
                {
                    _logger.LogDebug("{Host}: {Command} timed out after {DurationMs} ms; process {Pid} killed", _hostName, displayCommand, (long)ran.TotalMilliseconds, pid);
                    throw new XenTimeoutException($"'{displayCommand}'", timeout, _hostName);
                }

                var result = new CommandResult(process.ExitCode, string.Empty, err, ran);
                _logger.LogDebug("{Host}: {Command} exited {ExitCode} after streaming for {DurationMs} ms", _hostName, displayCommand, result.ExitCode, (long)ran.TotalMilliseconds);
                return check(result);
            }
            finally
            {
                lines.Writer.TryComplete();
                await onCancel.DisposeAsync().ConfigureAwait(false);
                await onTimeout.DisposeAsync().ConfigureAwait(false);
                stop.Dispose();
                process.Dispose();
            }
        }

        return new StreamingCommand(displayCommand, lines, CompleteAsync(), KillAsync);
    }

    /// <summary>
    /// Runs <paramref name="program"/> on this process's own terminal (stdin, stdout and stderr inherited, no
    /// redirection) and returns its exit code when it ends. Cancellation kills it.
    /// </summary>
    public async Task<int> RunInteractiveAsync(
        string program,
        IReadOnlyList<string> arguments,
        string displayCommand,
        string notFoundMessage,
        CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var process = new Process { StartInfo = NewStartInfo(program, arguments, redirect: false) };
        StartOrThrow(process, program, displayCommand, notFoundMessage);
        int pid = process.Id;
        _logger.LogDebug("{Host}: {Command} has the terminal (process {Pid})", _hostName, displayCommand, pid);
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
            }

            throw;
        }

        _logger.LogDebug("{Host}: {Command} gave the terminal back, exit code {ExitCode}", _hostName, displayCommand, process.ExitCode);
        return process.ExitCode;
    }

    private static ProcessStartInfo NewStartInfo(string program, IReadOnlyList<string> arguments, bool redirect)
    {
        var startInfo = new ProcessStartInfo(program)
        {
            UseShellExecute = false,
            CreateNoWindow = redirect,
            RedirectStandardInput = redirect,
            RedirectStandardOutput = redirect,
            RedirectStandardError = redirect,
        };
        if (redirect)
        {
            startInfo.StandardOutputEncoding = Utf8;
            startInfo.StandardErrorEncoding = Utf8;
        }

        foreach (string argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        return startInfo;
    }

    private void StartOrThrow(Process process, string program, string displayCommand, string notFoundMessage)
    {
        try
        {
            process.Start();
        }
        catch (Win32Exception ex) when (ex.NativeErrorCode == 2)
        {
            process.Dispose();
            _logger.LogDebug("{Host}: {Command} not started: {Error}", _hostName, displayCommand, ex.Message);
            throw new XenOperationException("CommandNotFound", XenErrorCategory.ObjectNotFound, notFoundMessage) { HostName = _hostName };
        }
        catch (Win32Exception ex)
        {
            process.Dispose();
            _logger.LogDebug("{Host}: {Command} not started: {Error}", _hostName, displayCommand, ex.Message);
            throw new XenOperationException(
                "CommandStartFailed",
                XenErrorCategory.InvalidOperation,
                $"'{program}' could not be started on host '{_hostName}': {ex.Message}")
            { HostName = _hostName };
        }
    }

    private static async Task PumpLinesAsync(StreamReader reader, ChannelWriter<string> writer, string? startMarker = null, TaskCompletionSource<bool>? began = null)
    {
        try
        {
            string? line;
            bool first = true;
            while ((line = await reader.ReadLineAsync().ConfigureAwait(false)) is not null)
            {
                if (first)
                {
                    first = false;
                    began?.TrySetResult(true);
                    if (startMarker is not null && line == startMarker)
                    {
                        continue;
                    }
                }

                writer.TryWrite(line);
            }
        }
        catch (IOException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
        finally
        {
            // No line at all: the remote command line never began (or printed nothing).
            began?.TrySetResult(false);
            writer.TryComplete();
        }
    }
}

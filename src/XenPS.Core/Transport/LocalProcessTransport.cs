using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace XenPS.Transport;

/// <summary>Settings of a <see cref="LocalProcessTransport"/>.</summary>
public sealed class LocalProcessTransportOptions
{
    /// <summary>The name used for this host in messages and logs. Default: <c>localhost</c>.</summary>
    public string HostName { get; init; } = "localhost";

    /// <summary>The longest a command may run when its request sets no <see cref="CommandRequest.Timeout"/>. Default: 5 minutes.</summary>
    public TimeSpan DefaultTimeout { get; init; } = TimeSpan.FromMinutes(5);
}

/// <summary>
/// Runs programs on this machine (XenPS on a Dom0): an argument vector passed through
/// <see cref="System.Diagnostics.ProcessStartInfo.ArgumentList"/>, never a shell.
/// </summary>
public sealed class LocalProcessTransport : IXenTransport
{
    private readonly LocalProcessTransportOptions _options;
    private readonly ProcessRunner _runner;
    private readonly ProcessStreamer _streamer;
    private bool _disposed;

    /// <summary>Creates the transport.</summary>
    /// <param name="options">Settings; <see langword="null"/> for the defaults.</param>
    /// <param name="logger">Receives every command at Debug; <see langword="null"/> for none.</param>
    public LocalProcessTransport(LocalProcessTransportOptions? options = null, ILogger<LocalProcessTransport>? logger = null)
    {
        _options = options ?? new LocalProcessTransportOptions();
        ArgumentException.ThrowIfNullOrWhiteSpace(_options.HostName, nameof(options));
        TransportValidation.EnsureTimeout(_options.DefaultTimeout, nameof(options));
        _runner = new ProcessRunner((ILogger?)logger ?? NullLogger<LocalProcessTransport>.Instance, _options.HostName);
        _streamer = new ProcessStreamer((ILogger?)logger ?? NullLogger<LocalProcessTransport>.Instance, _options.HostName);
    }

    /// <inheritdoc />
    public string HostName => _options.HostName;

    /// <summary>The timeout of requests that set none.</summary>
    public TimeSpan DefaultTimeout => _options.DefaultTimeout;

    /// <summary>How long to wait after exit for output held open by a background process (tests shorten it).</summary>
    internal TimeSpan OutputDrainTimeout
    {
        get => _runner.DrainTimeout;
        init => _runner.DrainTimeout = value;
    }

    /// <inheritdoc />
    /// <exception cref="XenOperationException">The program does not exist (<c>CommandNotFound</c>) or cannot be started (<c>CommandStartFailed</c>).</exception>
    /// <exception cref="ArgumentException">The program or an argument contains NUL.</exception>
    public Task<CommandResult> RunAsync(CommandRequest request, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        TransportValidation.EnsureRequest(request);
        TimeSpan timeout = request.Timeout ?? _options.DefaultTimeout;
        return _runner.RunAsync(
            request.Program,
            request.Arguments,
            request.StandardInput,
            timeout,
            request.DisplayText,
            $"The program '{request.Program}' was not found on host '{HostName}' (is it installed and on PATH?).",
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<StreamingCommand> StartAsync(CommandRequest request, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        TransportValidation.EnsureRequest(request);
        return Task.FromResult(_streamer.Start(
            request.Program,
            request.Arguments,
            request.Timeout ?? Timeout.InfiniteTimeSpan,
            request.DisplayText,
            NotFound(request),
            r => r,
            startMarker: null,
            began: null,
            cancellationToken));
    }

    /// <inheritdoc />
    public Task<int> RunInteractiveAsync(CommandRequest request, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        TransportValidation.EnsureRequest(request);
        return _streamer.RunInteractiveAsync(request.Program, request.Arguments, request.DisplayText, NotFound(request), cancellationToken);
    }

    private string NotFound(CommandRequest request) =>
        $"The program '{request.Program}' was not found on host '{HostName}' (is it installed and on PATH?).";

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _disposed = true;
        return ValueTask.CompletedTask;
    }
}

/// <summary>Checks shared by the transports.</summary>
internal static class TransportValidation
{
    public static void EnsureRequest(CommandRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(request.Program, nameof(request));
        PosixShell.EnsureNoNul(request.Program, nameof(request));
        ArgumentNullException.ThrowIfNull(request.Arguments, nameof(request));
        foreach (string argument in request.Arguments)
        {
            ArgumentNullException.ThrowIfNull(argument, nameof(request));
            PosixShell.EnsureNoNul(argument, nameof(request));
        }

        if (request.Timeout is TimeSpan timeout)
        {
            EnsureTimeout(timeout, nameof(request));
        }
    }

    public static void EnsureTimeout(TimeSpan timeout, string paramName)
    {
        if (timeout != Timeout.InfiniteTimeSpan && (timeout <= TimeSpan.Zero || timeout.TotalMilliseconds > int.MaxValue))
        {
            throw new ArgumentOutOfRangeException(paramName, timeout, "A timeout must be positive (or Timeout.InfiniteTimeSpan).");
        }
    }
}

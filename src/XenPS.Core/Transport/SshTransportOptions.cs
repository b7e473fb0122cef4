namespace XenPS.Transport;

/// <summary>Settings of an <see cref="SshTransport"/>. Anything not set here comes from the user's OpenSSH configuration (<c>~/.ssh/config</c>).</summary>
public sealed class SshTransportOptions
{
    /// <summary>The host to connect to: a name, an address, or a <c>Host</c> alias of the user's ssh configuration.</summary>
    public required string Host { get; init; }

    /// <summary>The remote user (<c>ssh -l</c>), or <see langword="null"/> for the ssh configuration's (or the local user's).</summary>
    public string? User { get; init; }

    /// <summary>The name messages and objects use for the host (default: <see cref="Host"/>), e.g. <c>dom0-a:2222</c>.</summary>
    public string? DisplayName { get; init; }

    /// <summary>The port (<c>ssh -p</c>), or <see langword="null"/> for the ssh configuration's (22 by default).</summary>
    public int? Port { get; init; }

    /// <summary>
    /// A private key file (<c>ssh -i</c>), or <see langword="null"/> for the ssh configuration's keys and agent.
    /// When set, only this key is offered (<c>IdentitiesOnly=yes</c>).
    /// </summary>
    public string? IdentityFile { get; init; }

    /// <summary>
    /// More ssh options, each passed as <c>-o</c> <em>value</em> (e.g. <c>StrictHostKeyChecking=accept-new</c>).
    /// They come before XenPS's own options, and ssh keeps the first value it is given, so they take precedence.
    /// </summary>
    public IReadOnlyList<string> ExtraOptions { get; init; } = [];

    /// <summary>How long ssh may take to connect (<c>ConnectTimeout</c>, whole seconds). Default: 10 seconds.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long the shared master connection stays open after its last command (<c>ControlPersist</c>, whole seconds). Default: 60 seconds.</summary>
    public TimeSpan ControlPersist { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The folder for the control sockets of multiplexed connections, or <see langword="null"/> for a private
    /// per-user folder (<c>$XDG_RUNTIME_DIR/xenps-ssh</c>, else <c>/tmp/xenps-ssh-UID</c>), created with mode 0700.
    /// </summary>
    public string? ControlDirectory { get; init; }

    /// <summary>The longest a command may run (connecting included) when its request sets no <see cref="CommandRequest.Timeout"/>. Default: 5 minutes.</summary>
    public TimeSpan DefaultTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The ssh client to run. Default: <c>ssh</c> from PATH.</summary>
    public string SshProgram { get; init; } = "ssh";
}

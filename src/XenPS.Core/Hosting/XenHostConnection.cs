using XenPS.Toolstack;

namespace XenPS;

/// <summary>How a connection reaches its host.</summary>
public enum XenTransportKind
{
    /// <summary>xl on this machine (a Dom0).</summary>
    Local,

    /// <summary>xl on a Dom0 over the system ssh client.</summary>
    Ssh,

    /// <summary>The embedded Xen simulator.</summary>
    Simulated,
}

/// <summary>A connection to one Xen host (<c>Connect-XenHost</c>); objects from the host carry it in <c>XenHost</c>.</summary>
public sealed class XenHostConnection : IAsyncDisposable
{
    private readonly IXenToolstack _toolstack;
    private volatile bool _closed;

    /// <summary>Creates a connection named <paramref name="name"/> over <paramref name="toolstack"/>.</summary>
    internal XenHostConnection(string name, XenTransportKind transport, IXenToolstack toolstack)
    {
        Name = name;
        Transport = transport;
        _toolstack = toolstack;
        toolstack.Connection = this;
        ConnectedAt = DateTimeOffset.Now;
    }

    /// <summary>The connection's name: the host name given, or the simulated host's name.</summary>
    public string Name { get; }

    /// <summary>How the host is reached.</summary>
    public XenTransportKind Transport { get; }

    /// <summary>The SSH target (<c>host</c>), or <see langword="null"/> for local and simulated hosts.</summary>
    public string? ComputerName { get; internal init; }

    /// <summary>The SSH user, when given.</summary>
    public string? User { get; internal init; }

    /// <summary>The SSH port, when given.</summary>
    public int? Port { get; internal init; }

    /// <summary>The simulator's state file, when it has one.</summary>
    public string? StatePath { get; internal init; }

    /// <summary>The host's config directory (default <c>/etc/xen</c>).</summary>
    public string ConfigDirectory => _toolstack.ConfigDirectory;

    /// <summary>Whether this is the runspace's default connection.</summary>
    public bool IsDefault { get; internal set; }

    /// <summary>When the connection was made.</summary>
    public DateTimeOffset ConnectedAt { get; }

    /// <summary>
    /// The connection itself, as every object XenPS emits carries its <c>XenHost</c>: a connection piped to a
    /// cmdlet binds <c>-XenHost</c> by property name (<c>Get-XenHostConnection | Get-XenDomain</c> lists the
    /// domains of each host).
    /// </summary>
    public XenHostConnection XenHost => this;

    /// <summary>Whether the connection was closed (<c>Disconnect-XenHost</c>): objects that carry it no longer act.</summary>
    public bool IsClosed => _closed;

    /// <summary>The backend that does the work.</summary>
    /// <exception cref="XenOperationException"><c>ConnectionClosed</c> once the connection was closed: nothing reaches the host through it again.</exception>
    internal IXenToolstack Toolstack => _closed ? throw Closed() : _toolstack;

    /// <summary>The error for using a closed connection: what happened and how to reconnect.</summary>
    public XenOperationException Closed() => new(
        "ConnectionClosed",
        XenErrorCategory.ConnectionError,
        $"The connection to host '{Name}' is closed (Disconnect-XenHost); nothing was done. Connect again with Connect-XenHost, then get the domains again from the new connection (Get-XenDomain -XenHost '{Name}').")
    {
        HostName = Name,
    };

    /// <summary>Closes the connection (for SSH: the shared control connection); objects that carry it refuse to act from now on.</summary>
    public async ValueTask DisposeAsync()
    {
        _closed = true;
        if (_toolstack is IAsyncDisposable d)
        {
            await d.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public override string ToString() => Name;
}

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
    /// <summary>Creates a connection named <paramref name="name"/> over <paramref name="toolstack"/>.</summary>
    internal XenHostConnection(string name, XenTransportKind transport, IXenToolstack toolstack)
    {
        Name = name;
        Transport = transport;
        Toolstack = toolstack;
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
    public string ConfigDirectory => Toolstack.ConfigDirectory;

    /// <summary>Whether this is the runspace's default connection.</summary>
    public bool IsDefault { get; internal set; }

    /// <summary>When the connection was made.</summary>
    public DateTimeOffset ConnectedAt { get; }

    /// <summary>The backend that does the work.</summary>
    internal IXenToolstack Toolstack { get; }

    /// <summary>Closes the connection (for SSH: the shared control connection).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Toolstack is IAsyncDisposable d)
        {
            await d.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public override string ToString() => Name;
}

using System.Runtime.CompilerServices;

namespace XenPS.Operations;

/// <summary>
/// The connections of one PowerShell runspace and which one is the default. The cmdlet layer keeps
/// one per runspace in a <see cref="XenSessionStore"/>; nothing is global.
/// </summary>
public sealed class XenSession
{
    private readonly object _sync = new();
    private readonly List<XenHostConnection> _connections = [];
    private Simulation.SimulatedFabric? _fabric;

    /// <summary>The session's own simulated fabric: simulated hosts without a state file live here, so they can migrate between each other.</summary>
    public Simulation.SimulatedFabric InMemoryFabric
    {
        get
        {
            lock (_sync)
            {
                return _fabric ??= Simulation.SimulatedFabric.InMemory();
            }
        }
    }

    /// <summary>Every open connection, oldest first.</summary>
    public IReadOnlyList<XenHostConnection> Connections
    {
        get
        {
            lock (_sync)
            {
                return _connections.ToArray();
            }
        }
    }

    /// <summary>The default connection, or <see langword="null"/>.</summary>
    public XenHostConnection? Default
    {
        get
        {
            lock (_sync)
            {
                return _connections.FirstOrDefault(c => c.IsDefault);
            }
        }
    }

    /// <summary>Adds a connection (replacing an open one of the same name) and makes it the default unless told not to.</summary>
    public void Add(XenHostConnection connection, bool makeDefault)
    {
        ArgumentNullException.ThrowIfNull(connection);
        lock (_sync)
        {
            _connections.RemoveAll(c => string.Equals(c.Name, connection.Name, StringComparison.OrdinalIgnoreCase) || ReferenceEquals(c, connection));
            _connections.Add(connection);
            if (makeDefault || !_connections.Any(c => c.IsDefault))
            {
                foreach (XenHostConnection c in _connections)
                {
                    c.IsDefault = ReferenceEquals(c, connection);
                }
            }
        }
    }

    /// <summary>Removes a connection; when it was the default, the most recent remaining one becomes the default.</summary>
    public bool Remove(XenHostConnection connection)
    {
        lock (_sync)
        {
            bool removed = _connections.Remove(connection);
            if (removed && connection.IsDefault)
            {
                connection.IsDefault = false;
                if (_connections.Count > 0)
                {
                    _connections[^1].IsDefault = true;
                }
            }

            return removed;
        }
    }

    /// <summary>Finds open connections by name (wildcards allowed).</summary>
    public IReadOnlyList<XenHostConnection> Find(string namePattern)
    {
        XenWildcard w = XenWildcard.Create(namePattern);
        lock (_sync)
        {
            return _connections.Where(c => w.IsMatch(c.Name)).ToArray();
        }
    }

    /// <summary>
    /// The hosts a cmdlet acts on: the ones given; else the default connection; else, on a Dom0,
    /// a local connection made by <paramref name="localFactory"/> (kept as the default).
    /// </summary>
    /// <exception cref="XenOperationException"><c>NoConnection</c> with what to do about it.</exception>
    public IReadOnlyList<XenHostConnection> Resolve(IReadOnlyList<XenHostConnection>? given, IDom0Probe probe, Func<XenHostConnection> localFactory)
    {
        if (given is { Count: > 0 })
        {
            return given.Distinct().ToArray();
        }

        XenHostConnection? d = Default;
        if (d is not null)
        {
            return [d];
        }

        if (probe.IsDom0())
        {
            XenHostConnection local = localFactory();
            Add(local, makeDefault: true);
            return [local];
        }

        throw NoConnection();
    }

    /// <summary>The error for "no host to act on".</summary>
    public static XenOperationException NoConnection() => new(
        "NoConnection",
        XenErrorCategory.ConnectionError,
        "No Xen host connection, and this machine is not a Xen Dom0 (no /proc/xen or no xl). Run Connect-XenHost -ComputerName <dom0> to work with a Xen host over SSH, or Connect-XenHost -Simulated to try XenPS on a simulated host.");
}

/// <summary>Tells whether this machine is a Xen Dom0 that can run xl.</summary>
public interface IDom0Probe
{
    /// <summary>True when <c>/proc/xen</c> exists and <c>xl</c> is on PATH.</summary>
    bool IsDom0();
}

/// <summary>The real probe: <c>/proc/xen</c> and <c>xl</c> on PATH.</summary>
public sealed class Dom0Probe : IDom0Probe
{
    /// <inheritdoc />
    public bool IsDom0()
    {
        if (!OperatingSystem.IsLinux() || !Directory.Exists("/proc/xen"))
        {
            return false;
        }

        string path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        return path.Split(':', StringSplitOptions.RemoveEmptyEntries).Any(d => File.Exists(Path.Combine(d, "xl")));
    }
}

/// <summary>One <see cref="XenSession"/> per key (the cmdlet layer uses the runspace); entries go when the key is collected.</summary>
public sealed class XenSessionStore
{
    private readonly ConditionalWeakTable<object, XenSession> _sessions = new();

    /// <summary>The session for <paramref name="key"/>, created on first use.</summary>
    public XenSession For(object key) => _sessions.GetValue(key, _ => new XenSession());
}

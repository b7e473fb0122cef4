using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using XenPS.Simulation;
using XenPS.Toolstack;
using XenPS.Transport;

namespace XenPS;

/// <summary>Options of a connection to this machine's xl.</summary>
public sealed class LocalConnectionOptions
{
    /// <summary>The host's config directory (default <c>/etc/xen</c>).</summary>
    public string? ConfigDirectory { get; init; }
}

/// <summary>Options of a connection to a Dom0 over SSH.</summary>
public sealed class SshConnectionOptions
{
    /// <summary>The host to reach (a name from ~/.ssh/config works).</summary>
    public required string ComputerName { get; init; }

    /// <summary>The remote user (default: ssh's own).</summary>
    public string? User { get; init; }

    /// <summary>The SSH port (default: ssh's own).</summary>
    public int? Port { get; init; }

    /// <summary>A private key file for ssh's <c>-i</c>.</summary>
    public string? IdentityFile { get; init; }

    /// <summary>Extra ssh <c>-o</c> options, e.g. <c>StrictHostKeyChecking=accept-new</c>.</summary>
    public IReadOnlyList<string> SshOptions { get; init; } = [];

    /// <summary>The host's config directory (default <c>/etc/xen</c>).</summary>
    public string? ConfigDirectory { get; init; }
}

/// <summary>Options of a connection to a simulated host.</summary>
public sealed class SimulatedConnectionOptions
{
    /// <summary>The simulated host's name (default <c>xensim</c>).</summary>
    public string? Name { get; init; }

    /// <summary>A state file shared by processes; <see langword="null"/> keeps the host in memory (in <see cref="InMemoryFabric"/>).</summary>
    public string? StatePath { get; init; }

    /// <summary>The in-memory fabric of the session, used when there is no state file, so that hosts of one session can migrate between each other.</summary>
    public SimulatedFabric? InMemoryFabric { get; init; }

    /// <summary>Total memory of a new host in MiB (default like the reference host).</summary>
    public int? TotalMemoryMB { get; init; }

    /// <summary>Physical CPUs of a new host.</summary>
    public int? CpuCount { get; init; }
}

/// <summary>Makes connections: a transport, a toolstack over it, and the connection that owns them.</summary>
public static class XenConnectionFactory
{
    /// <summary>The default simulated host name.</summary>
    public const string DefaultSimulatedName = "xensim";

    /// <summary>A connection to xl on this machine (a Dom0).</summary>
    public static XenHostConnection Local(LocalConnectionOptions options, ILoggerFactory? loggerFactory = null)
    {
        ILoggerFactory lf = loggerFactory ?? NullLoggerFactory.Instance;
        string name = Environment.MachineName;
        var transport = new LocalProcessTransport(new LocalProcessTransportOptions { HostName = name }, lf.CreateLogger<LocalProcessTransport>());
        var toolstack = new XlToolstack(transport, new XlToolstackOptions { ConfigDirectory = options.ConfigDirectory ?? "/etc/xen" }, lf);
        return new XenHostConnection(name, XenTransportKind.Local, toolstack);
    }

    /// <summary>A connection to a Dom0 over the system ssh client.</summary>
    public static XenHostConnection Ssh(SshConnectionOptions options, ILoggerFactory? loggerFactory = null)
    {
        ILoggerFactory lf = loggerFactory ?? NullLoggerFactory.Instance;
        string name = options.Port is int p && p != 22 ? $"{options.ComputerName}:{p}" : options.ComputerName;
        var transport = new SshTransport(
            new SshTransportOptions
            {
                Host = options.ComputerName,
                DisplayName = name,
                User = options.User,
                Port = options.Port,
                IdentityFile = options.IdentityFile,
                ExtraOptions = options.SshOptions,
            },
            lf.CreateLogger<SshTransport>());
        var toolstack = new XlToolstack(transport, new XlToolstackOptions { ConfigDirectory = options.ConfigDirectory ?? "/etc/xen" }, lf);
        return new XenHostConnection(name, XenTransportKind.Ssh, toolstack)
        {
            ComputerName = options.ComputerName,
            User = options.User,
            Port = options.Port,
        };
    }

    /// <summary>A connection to a simulated host (created in the fabric when it does not exist yet).</summary>
    public static async Task<XenHostConnection> SimulatedAsync(SimulatedConnectionOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        string name = options.Name ?? DefaultSimulatedName;
        SimulatedFabric fabric = options.StatePath is { } path
            ? SimulatedFabric.Open(path)
            : options.InMemoryFabric ?? SimulatedFabric.InMemory();
        var hostOptions = new SimulatedHostOptions();
        if (options.TotalMemoryMB is not null || options.CpuCount is not null)
        {
            hostOptions = new SimulatedHostOptions
            {
                TotalMemoryMB = options.TotalMemoryMB ?? hostOptions.TotalMemoryMB,
                CpuCount = options.CpuCount ?? hostOptions.CpuCount,
            };
        }

        // Adds the host when the fabric does not have it; an existing host keeps its state.
        await fabric.AddHostAsync(name, hostOptions, timeProvider, cancellationToken).ConfigureAwait(false);
        var toolstack = fabric.GetToolstack(name, loggerFactory, timeProvider);
        return new XenHostConnection(name, XenTransportKind.Simulated, toolstack) { StatePath = options.StatePath };
    }
}

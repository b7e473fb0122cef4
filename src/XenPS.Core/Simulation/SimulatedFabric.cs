using Microsoft.Extensions.Logging;

namespace XenPS.Simulation;

/// <summary>
/// A set of simulated Xen hosts that can migrate domains between each other: in this process
/// (<see cref="InMemory"/>) or in one state file shared by several processes (<see cref="Open"/>).
/// </summary>
/// <remarks>
/// With a state file every operation is a read-modify-write under an exclusive lock on
/// <c>statePath.lock</c>, and the state file is replaced atomically, so processes (a Pester run and
/// its child processes, a runbook run as a script) share hosts without losing or corrupting anything.
/// Methods that change the fabric are asynchronous because, with a state file, they wait for that lock.
/// </remarks>
public sealed class SimulatedFabric
{
    private static readonly string[] s_operations =
    [
        "GetHostInfo", "GetDmesg", "ListDomains", "GetDomain", "GetLiveConfigJson", "Create", "CreateFromFile", "DryRunCreate",
        "Shutdown", "Reboot", "Destroy", "Pause", "Unpause", "Save", "Restore", "Rename", "SetMemory", "SetMaxMemory",
        "SetVCpuCount", "GetVCpus", "PinVCpu", "GetSchedulerParameters", "SetSchedulerParameters", "GetUptime",
        "GetDisks", "AttachDisk", "DetachDisk", "InsertCd", "EjectCd", "GetNetworkAdapters", "AttachNetworkAdapter", "DetachNetworkAdapter", "GetBridges",
        "XenStoreRead", "XenStoreList", "XenStoreWrite", "XenStoreTree", "XenStoreRemove", "GetStatistics", "EnterConsole", "Migrate",
        "FileExists", "ReadFile", "WriteFile", "DeleteFile", "ListDirectory", "CreateSymbolicLink", "CreateDiskImage",
    ];

    private SimulatedFabric(ISimStore store)
    {
        Store = store;
    }

    /// <summary>The names of the operations that latency and faults can be injected into: the contract's methods without <c>Async</c>.</summary>
    public static IReadOnlyList<string> Operations => s_operations;

    /// <summary>The state file, or <see langword="null"/> when the fabric lives in this process only.</summary>
    public string? StatePath => Store.StatePath;

    internal ISimStore Store { get; }

    /// <summary>Config files already parsed, so that listings do not parse every file on every call.</summary>
    internal SimConfigCache Configs { get; } = new();

    /// <summary>A fabric whose state lives in this process only.</summary>
    public static SimulatedFabric InMemory() => new(new InMemorySimStore());

    /// <summary>A fabric whose state lives in <paramref name="statePath"/> (created on first change; its folder must exist).</summary>
    public static SimulatedFabric Open(string statePath)
    {
        ArgumentException.ThrowIfNullOrEmpty(statePath);
        return new SimulatedFabric(new FileSimStore(statePath));
    }

    /// <summary>Adds a simulated host with Domain-0 and a fresh file system. Returns false (and changes nothing) when the fabric already has a host of that name.</summary>
    public Task<bool> AddHostAsync(string name, SimulatedHostOptions? options = null, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        options ??= new SimulatedHostOptions();
        if (options.TotalMemoryMB < options.Dom0MemoryMB + options.HypervisorMemoryMB || options.CpuCount < 1)
        {
            throw new ArgumentException("A simulated host needs at least one CPU and more memory than Domain-0 and the hypervisor use.", nameof(options));
        }

        if (options.Scheduler is not ("credit" or "credit2"))
        {
            throw new ArgumentException("The simulated scheduler is 'credit' or 'credit2'.", nameof(options));
        }

        DateTimeOffset now = (timeProvider ?? TimeProvider.System).GetUtcNow();
        return Store.UpdateAsync(
            fabric =>
            {
                if (fabric.FindHost(name) is not null)
                {
                    return false;
                }

                fabric.Hosts.Add(SimEngine.NewHost(name, options, now));
                return true;
            },
            cancellationToken);
    }

    /// <summary>The names of the fabric's hosts.</summary>
    public Task<IReadOnlyList<string>> GetHostNamesAsync(CancellationToken cancellationToken = default) =>
        Store.ReadAsync<IReadOnlyList<string>>(fabric => fabric.Hosts.Select(h => h.Name).ToList(), cancellationToken);

    /// <summary>A toolstack (the <see cref="Toolstack.IXenToolstack"/> contract) for one host of the fabric.</summary>
    /// <param name="hostName">The host's name.</param>
    /// <param name="loggerFactory">Where the toolstack logs; none when null.</param>
    /// <param name="timeProvider">The clock for latency, uptimes and timeouts (a manual clock makes slow scenarios instant in tests).</param>
    public SimulatedToolstack GetToolstack(string hostName, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(hostName);
        return new SimulatedToolstack(this, hostName, loggerFactory, timeProvider ?? TimeProvider.System);
    }

    /// <summary>Makes every later call of <paramref name="operation"/> on the host take <paramref name="latency"/> (zero removes it).</summary>
    public Task SetLatencyAsync(string hostName, string operation, TimeSpan latency, CancellationToken cancellationToken = default)
    {
        string op = CanonicalOperation(operation);
        if (latency < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(latency), "Latency cannot be negative.");
        }

        return UpdateHostAsync(hostName, host =>
        {
            if (latency == TimeSpan.Zero)
            {
                host.LatencySeconds.Remove(op);
            }
            else
            {
                host.LatencySeconds[op] = latency.TotalSeconds;
            }
        }, cancellationToken);
    }

    /// <summary>
    /// Makes the next <paramref name="count"/> calls of <paramref name="operation"/> on the host fail with
    /// <paramref name="message"/> as xl's stderr; the exception type is what the xl toolstack raises for those words.
    /// </summary>
    public Task FailNextAsync(string hostName, string operation, int count, string message, CancellationToken cancellationToken = default) =>
        FailNextAsync(hostName, operation, count, message, domain: null, cancellationToken);

    /// <summary>
    /// As <see cref="FailNextAsync(string, string, int, string, CancellationToken)"/>, but only calls for
    /// <paramref name="domain"/> (by name; for creation, the config's name or file name) fail; others pass.
    /// </summary>
    public Task FailNextAsync(string hostName, string operation, int count, string message, string? domain, CancellationToken cancellationToken = default)
    {
        string op = CanonicalOperation(operation);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentNullException.ThrowIfNull(message);
        return UpdateHostAsync(hostName, host =>
        {
            if (count == 0)
            {
                host.Faults.RemoveAll(f => f.Operation == op && (domain is null || string.Equals(f.Domain, domain, StringComparison.OrdinalIgnoreCase)));
            }
            else
            {
                // Queued behind the faults already pending: one for web1 and one for web2 both happen.
                host.Faults.Add(new FaultState { Operation = op, Count = count, Message = message.EndsWith('\n') ? message : message + "\n", Domain = domain });
            }
        }, cancellationToken);
    }

    /// <summary>Makes the next migration from <paramref name="sourceHost"/> fail the way real xl fails (queued: one failure per call).</summary>
    public Task FailNextMigrationAsync(string sourceHost, SimulatedMigrationFailure failure, CancellationToken cancellationToken = default) =>
        UpdateHostAsync(sourceHost, host => host.MigrationFailures.Add(failure.ToString()), cancellationToken);

    /// <summary>Removes every latency and pending fault of the host.</summary>
    public Task ClearInjectionsAsync(string hostName, CancellationToken cancellationToken = default) =>
        UpdateHostAsync(hostName, host =>
        {
            host.LatencySeconds.Clear();
            host.Faults.Clear();
            host.MigrationFailures.Clear();
        }, cancellationToken);

    /// <summary>Crashes a guest, as a kernel panic would: the domain's <c>on_crash</c> action follows (destroy, restart with a new domid, or preserve as Crashed).</summary>
    public Task CrashDomainAsync(string hostName, string domain, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default) =>
        GetToolstack(hostName, null, timeProvider).CrashAsync(domain, cancellationToken);

    /// <summary>Shuts a guest down from inside (as <c>poweroff</c> in the guest would): the domain's <c>on_poweroff</c> action follows.</summary>
    public Task PowerOffDomainAsync(string hostName, string domain, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default) =>
        GetToolstack(hostName, null, timeProvider).ShutdownAsync(domain, wait: false, timeout: null, cancellationToken);

    /// <summary>Creates a folder (and its parents, as <c>mkdir -p</c>) on a simulated host, e.g. <c>/srv</c> for guest kernels or <c>/var/lib/xen/images</c>.</summary>
    public Task CreateDirectoryAsync(string hostName, string path, CancellationToken cancellationToken = default)
    {
        string normalized = SimFileSystem.Normalize(path) ?? throw new ArgumentException($"'{path}' is not an absolute path.", nameof(path));
        return UpdateHostAsync(hostName, host =>
        {
            string current = string.Empty;
            foreach (string part in normalized.Split('/', StringSplitOptions.RemoveEmptyEntries))
            {
                current += "/" + part;
                if (host.Files.TryGetValue(current, out FileNode? node) && node.Kind != FileNodeKind.Directory)
                {
                    throw new XenOperationException("NotAFolder", XenErrorCategory.InvalidArgument, $"'{current}' on simulated host '{hostName}' exists and is not a folder.");
                }

                host.Files[current] = node ?? new FileNode { Kind = FileNodeKind.Directory };
            }
        }, cancellationToken);
    }

    internal static string CanonicalOperation(string operation)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(operation);
        string trimmed = operation.EndsWith("Async", StringComparison.OrdinalIgnoreCase) ? operation[..^5] : operation;
        return s_operations.FirstOrDefault(o => string.Equals(o, trimmed, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"'{operation}' is not an operation of the toolstack contract. Known: {string.Join(", ", s_operations)}.", nameof(operation));
    }

    private Task UpdateHostAsync(string hostName, Action<HostState> change, CancellationToken cancellationToken) =>
        Store.UpdateAsync(
            fabric =>
            {
                HostState host = fabric.FindHost(hostName)
                    ?? throw new XenHostUnreachableException(hostName, $"The simulated fabric has no host named '{hostName}'.");
                change(host);
                return true;
            },
            cancellationToken);
}

using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using XenPS.Config;
using XenPS.Toolstack;

namespace XenPS.Simulation;

/// <summary>
/// The toolstack contract over one host of a <see cref="SimulatedFabric"/>: behaves like xl on Xen 4.17.7
/// (the same states, domids, memory accounting, device numbers, error types and xl's own error words).
/// </summary>
/// <remarks>
/// Contract decisions where xl itself is odd: <see cref="UnpauseAsync"/> of a domain that is not paused
/// throws <see cref="XenOperationException"/> <c>DomainNotPaused</c> with libxl's message, as the xl toolstack does
/// for what real xl prints there while exiting 0 (fixture 275). Xen counts pauses: a domain paused twice needs two unpauses
/// (fixtures 276/277). Shutdown and reboot take effect at once (the simulated guest acknowledges immediately)
/// unless latency is injected; a paused guest cannot acknowledge, so they fail as real xl does (fixture 296).
/// </remarks>
public sealed class SimulatedToolstack : IXenToolstack
{
    private const string ConfigDir = "/etc/xen";
    private readonly SimulatedFabric _fabric;
    private readonly TimeProvider _time;
    private readonly ILogger<SimulatedToolstack> _logger;

    internal SimulatedToolstack(SimulatedFabric fabric, string hostName, ILoggerFactory? loggerFactory, TimeProvider timeProvider)
    {
        _fabric = fabric;
        HostName = hostName;
        _time = timeProvider;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<SimulatedToolstack>();
    }

    /// <inheritdoc />
    public string HostName { get; }

    /// <inheritdoc />
    public string ConfigDirectory => ConfigDir;

    /// <inheritdoc />
    public XenHostConnection? Connection { get; set; }

    /// <summary>The fabric this host belongs to.</summary>
    public SimulatedFabric Fabric => _fabric;

    // ---- plumbing ----

    private HostState Host(FabricState fabric) =>
        fabric.FindHost(HostName) ?? throw new XenHostUnreachableException(HostName, $"The simulated fabric has no host named '{HostName}'.");

    private async Task<T> RunAsync<T>(
        string operation,
        string? domain,
        string commandLine,
        bool write,
        Func<FabricState, HostState, DateTimeOffset, T> action,
        CancellationToken cancellationToken,
        TimeSpan? timeout = null,
        bool noLatency = false)
    {
        cancellationToken.ThrowIfCancellationRequested();
        (double latency, bool faultPending) = await _fabric.Store.ReadAsync(
            fabric =>
            {
                HostState host = Host(fabric);
                return (host.LatencySeconds.GetValueOrDefault(operation), host.Faults.Any(f => f.Operation == operation && f.Count > 0));
            },
            cancellationToken).ConfigureAwait(false);

        if (latency > 0 && !noLatency)
        {
            TimeSpan delay = TimeSpan.FromSeconds(latency);
            if (timeout is TimeSpan limit && delay > limit)
            {
                await Task.Delay(limit, _time, cancellationToken).ConfigureAwait(false);
                _logger.LogInformation("Simulated host {Host}: {Command} did not finish within {Timeout}.", HostName, commandLine, limit);
                throw new XenTimeoutException(operation, limit, HostName, domain);
            }

            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
        }

        _logger.LogDebug("Simulated host {Host}: {Command}", HostName, commandLine);
        T Body(FabricState fabric)
        {
            HostState host = Host(fabric);
            DateTimeOffset now = _time.GetUtcNow();
            foreach (HostState h in fabric.Hosts)
            {
                // Guests that were asked to shut down earlier and are done by now.
                SimEngine.ApplyDue(h, now);
            }

            TakeFault(host, operation, commandLine, domain);
            T result = action(fabric, host, now);
            if (write)
            {
                SimEngine.ReconcileCpu(host, now);
                host.Generation++;
            }

            return result;
        }

        try
        {
            if (!write && !faultPending)
            {
                // A read works on the committed state and must not change it: a fault injected since the
                // look above is taken by a change instead.
                (bool done, T read) = await _fabric.Store.ReadAsync(
                    fabric => HasFault(Host(fabric), operation) ? (false, default(T)!) : (true, Body(fabric)),
                    cancellationToken).ConfigureAwait(false);
                if (done)
                {
                    return read;
                }
            }

            return await _fabric.Store.UpdateAsync(Body, cancellationToken).ConfigureAwait(false);
        }
        catch (SimXlError error)
        {
            _logger.LogDebug("Simulated host {Host}: {Command} failed with exit code {ExitCode}: {Stderr}", HostName, error.CommandLine, error.ExitCode, error.StandardError.Trim());
            throw SimErrorClassifier.ToException(error, HostName);
        }
    }

    // The domain a create is about, for domain-specific fault injection (the engine parses properly later).
    private static string? NameHint(string configText)
    {
        try
        {
            return XenDomainConfig.Parse(configText).Name;
        }
        catch (XenConfigException)
        {
            return null;
        }
    }

    private static bool HasFault(HostState host, string operation) =>
        host.Faults.Any(f => f.Operation == operation && f.Count > 0);

    private static void TakeFault(HostState host, string operation, string commandLine, string? domain)
    {
        // The oldest pending fault of the operation that applies to this call (any domain, or this one).
        FaultState? fault = host.Faults.FirstOrDefault(f =>
            f.Operation == operation && f.Count > 0 && (f.Domain is null || string.Equals(f.Domain, domain, StringComparison.OrdinalIgnoreCase)));
        if (fault is null)
        {
            return;
        }

        fault.Count--;
        if (fault.Count == 0)
        {
            host.Faults.Remove(fault);
        }

        int exitCode = operation is "Create" or "CreateFromFile" ? 3 : 1;
        throw new SimXlError(commandLine, exitCode, fault.Message, domain, commit: true)
        {
            MigrationStateUndefined = operation == "Migrate" ? fault.Message.Contains("final handshake", StringComparison.Ordinal) : null,
        };
    }

    private Task RunAsync(string operation, string? domain, string commandLine, Action<HostState, DateTimeOffset> action, CancellationToken cancellationToken, TimeSpan? timeout = null, bool noLatency = false) =>
        RunAsync(operation, domain, commandLine, write: true, (_, host, now) =>
        {
            action(host, now);
            return true;
        }, cancellationToken, timeout, noLatency);

    private static string Quote(string argument) =>
        argument.Length > 0 && argument.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/' or ':' or '=' or ',' or '@')
            ? argument
            : "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static string Xl(params string[] arguments) => "xl " + string.Join(' ', arguments.Select(Quote));

    // ---- output objects (always new: nothing a caller does to them reaches the host) ----

    private XenDomain ToDomain(HostState host, DomainState dom, DateTimeOffset now, IReadOnlyDictionary<string, OffConfig> configs)
    {
        var result = new XenDomain(dom.Name)
        {
            Id = dom.Id,
            Uuid = dom.Uuid,
            State = dom.State switch
            {
                SimRunState.Paused => XenDomainState.Paused,
                SimRunState.Shutdown => XenDomainState.Shutdown,
                SimRunState.Crashed => XenDomainState.Crashed,
                SimRunState.Dying => XenDomainState.Dying,
                _ => XenDomainState.Running,
            },
            XlState = SimEngine.XlState(dom),
            ShutdownReason = dom.ShutdownReason,
            Type = ParseType(dom.Type),
            MemoryMB = dom.MemoryMB,
            MaxMemoryMB = dom.MaxMemoryMB,
            VCpu = dom.OnlineVCpus,
            MaxVCpu = dom.MaxVCpus,
            CpuTime = SimEngine.CpuTime(host, dom, now),
            Uptime = now - dom.StartedAt,

            // As xl list -l reports them (Domain-0 included, fixture 291).
            Weight = dom.Weight,
            Cap = dom.Cap,
        };
        if (configs.TryGetValue(dom.Name, out OffConfig? config))
        {
            result.ConfigPath = config.Path;
            result.AutoStart = config.AutoStart;
            result.VncListen = config.Vnc.Listen;
            result.VncDisplay = config.Vnc.Display;
        }

        return Stamp(result);
    }

    private XenDomain ToOffDomain(OffConfig config)
    {
        var result = new XenDomain(config.Name)
        {
            State = XenDomainState.Off,
            Uuid = config.Config?.Uuid,
            Type = config.Config is null ? null : ParseType(config.Config.Type),
            MemoryMB = config.Config?.EffectiveMemoryMB ?? 0,
            MaxMemoryMB = config.Config?.EffectiveMaxMemoryMB,
            VCpu = config.Config?.EffectiveVCpus ?? 0,
            MaxVCpu = config.Config?.EffectiveMaxVCpus,
            ConfigPath = config.Path,
            AutoStart = config.AutoStart,
            VncListen = config.Vnc.Listen,
            VncDisplay = config.Vnc.Display,
        };
        return Stamp(result);
    }

    private static XenDomainType? ParseType(string type) => type switch
    {
        "pv" => XenDomainType.Pv,
        "pvh" => XenDomainType.Pvh,
        "hvm" => XenDomainType.Hvm,
        _ => null,
    };

    private XenDomain Stamp(XenDomain domain)
    {
        domain.HostName = HostName;
        domain.XenHost = Connection;
        return domain;
    }

    private sealed record OffConfig(string Name, string Path, SimGuestConfig? Config, bool AutoStart, Config.VncSettings Vnc);

    /// <summary>The config directory's <c>*.cfg</c> files by domain name (as the xl toolstack lists them).</summary>
    private Dictionary<string, OffConfig> ReadConfigs(HostState host)
    {
        var result = new Dictionary<string, OffConfig>(StringComparer.Ordinal);
        var autoTargets = new HashSet<string>(StringComparer.Ordinal);
        var autoNames = new HashSet<string>(StringComparer.Ordinal);
        string auto = ConfigDir + "/auto";
        foreach (string entry in SimFileSystem.Children(host, auto))
        {
            autoNames.Add(SimFileSystem.FileName(entry));
            if (SimFileSystem.Resolve(host, entry, out string resolved) is not null)
            {
                autoTargets.Add(resolved);
            }
        }

        foreach (string path in SimFileSystem.Children(host, ConfigDir))
        {
            if (!path.EndsWith(".cfg", StringComparison.Ordinal) || SimFileSystem.ReadText(host, path) is not string text)
            {
                continue;
            }

            // Parsed once per written text, not on every listing (a broken file is still listed, under its file name).
            (SimGuestConfig? config, Config.VncSettings vnc) = _fabric.Configs.Read(text, path);
            string fileName = SimFileSystem.FileName(path);
            string name = config?.Name ?? fileName[..^".cfg".Length];
            SimFileSystem.Resolve(host, path, out string resolvedPath);
            bool autoStart = autoNames.Contains(fileName) || autoTargets.Contains(resolvedPath) || autoTargets.Contains(path);
            result.TryAdd(name, new OffConfig(name, path, config, autoStart, vnc));
        }

        return result;
    }

    // ---- host ----

    /// <inheritdoc />
    public Task<XenHostInfo> GetHostInfoAsync(CancellationToken cancellationToken) =>
        RunAsync("GetHostInfo", null, "xl info", write: false, (_, host, now) =>
        {
            string[] parts = host.XenVersion.Split('.');
            var properties = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["host"] = host.Name,
                ["release"] = "6.1.0-simulated-amd64",
                ["version"] = "#1 SMP PREEMPT_DYNAMIC XenPS simulator",
                ["machine"] = "x86_64",
                ["nr_cpus"] = host.CpuCount.ToString(CultureInfo.InvariantCulture),
                ["max_cpu_id"] = (host.CpuCount - 1).ToString(CultureInfo.InvariantCulture),
                ["nr_nodes"] = "1",
                ["cores_per_socket"] = host.CpuCount.ToString(CultureInfo.InvariantCulture),
                ["threads_per_core"] = "1",
                ["virt_caps"] = "pv hvm hap shadow gnttab-v1 gnttab-v2",
                ["total_memory"] = host.TotalMemoryMB.ToString(CultureInfo.InvariantCulture),
                ["free_memory"] = host.FreeMemoryMB.ToString(CultureInfo.InvariantCulture),
                ["sharing_freed_memory"] = "0",
                ["sharing_used_memory"] = "0",
                ["outstanding_claims"] = "0",
                ["free_cpus"] = "0",
                ["xen_major"] = parts.Length > 0 ? parts[0] : string.Empty,
                ["xen_minor"] = parts.Length > 1 ? parts[1] : string.Empty,
                ["xen_extra"] = parts.Length > 2 ? "." + string.Join('.', parts[2..]) : string.Empty,
                ["xen_version"] = host.XenVersion,
                ["xen_caps"] = "xen-3.0-x86_64 hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64",
                ["xen_scheduler"] = host.Scheduler,
                ["xen_pagesize"] = "4096",
                ["xen_commandline"] = $"dom0_mem={host.Dom0MemoryMB}M,max:{host.Dom0MemoryMB}M dom0_max_vcpus={host.CpuCount}",
                ["xend_config_format"] = "4",
            };
            return new XenHostInfo(host.Name)
            {
                XenVersion = host.XenVersion,
                TotalMemoryMB = host.TotalMemoryMB,
                FreeMemoryMB = host.FreeMemoryMB,
                CpuCount = host.CpuCount,
                Scheduler = host.Scheduler,
                Capabilities = properties["virt_caps"].Split(' '),
                KernelRelease = properties["release"],
                XenCommandLine = properties["xen_commandline"],
                Properties = properties,
                HostName = HostName,
                XenHost = Connection,
            };
        }, cancellationToken);

    /// <inheritdoc />
    public Task<string> GetDmesgAsync(bool clear, CancellationToken cancellationToken) =>
        RunAsync("GetDmesg", null, clear ? "xl dmesg -c" : "xl dmesg", write: clear, (_, host, _) =>
        {
            string text = string.Concat(host.Dmesg.Select(l => l + "\n"));
            if (clear)
            {
                host.Dmesg.Clear();
            }

            return text;
        }, cancellationToken);

    // ---- domains ----

    /// <inheritdoc />
    public Task<IReadOnlyList<XenDomain>> ListDomainsAsync(CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyList<XenDomain>>("ListDomains", null, "xl list -v", write: false, (_, host, now) =>
        {
            Dictionary<string, OffConfig> configs = ReadConfigs(host);
            var list = host.Domains.OrderBy(d => d.Id).Select(d => ToDomain(host, d, now, configs)).ToList();
            var running = new HashSet<string>(host.Domains.Select(d => d.Name), StringComparer.Ordinal);
            list.AddRange(configs.Values
                .Where(c => !running.Contains(c.Name))
                .OrderBy(c => c.Name, StringComparer.Ordinal)
                .Select(ToOffDomain));
            return list;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<XenDomain> GetDomainAsync(string domain, CancellationToken cancellationToken) =>
        RunAsync("GetDomain", domain, Xl("list", domain), write: false, (_, host, now) =>
        {
            Dictionary<string, OffConfig> configs = ReadConfigs(host);
            if (host.FindDomain(domain) is DomainState dom)
            {
                return ToDomain(host, dom, now, configs);
            }

            if (configs.TryGetValue(domain, out OffConfig? config))
            {
                return ToOffDomain(config);
            }

            throw new SimXlError(Xl("list", domain), 1, $"{domain} is an invalid domain identifier (rc=-6)\n", domain);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<XenDomain?> FindRunningDomainAsync(int domainId, CancellationToken cancellationToken)
    {
        string id = domainId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return RunAsync<XenDomain?>("GetDomain", id, Xl("list", "-v", "--", id), write: false, (_, host, now) =>
            host.Domains.FirstOrDefault(d => d.Id == domainId) is DomainState dom ? ListLine(host, dom, now) : null, cancellationToken);
    }

    /// <inheritdoc />
    public Task<XenDomain?> FindDomainByConfigAsync(string configPath, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(configPath);
        return RunAsync<XenDomain?>("GetDomain", null, "cat " + Quote(configPath) + "; xl list -v -- <name>", write: false, (_, host, now) =>
        {
            if (SimFileSystem.ReadText(host, configPath) is not string text)
            {
                return null;
            }

            // Parsed once per written text (a broken file is named by its file name, as the listing names it).
            (SimGuestConfig? config, Config.VncSettings vnc) = _fabric.Configs.Read(text, configPath);

            string fileName = SimFileSystem.FileName(configPath);
            string name = config?.Name ?? (fileName.EndsWith(".cfg", StringComparison.Ordinal) ? fileName[..^".cfg".Length] : fileName);
            if (host.Domains.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.Ordinal)) is DomainState dom)
            {
                XenDomain running = ListLine(host, dom, now);
                running.ConfigPath = configPath;
                running.Type = ParseType(dom.Type);
                return running;
            }

            // As the xl toolstack: AutoStart is a listing's fact, not read here.
            return ToOffDomain(new OffConfig(name, configPath, config, AutoStart: false, vnc));
        }, cancellationToken);
    }

    // What one line of 'xl list -v' carries, as XlToolstack fills it from that line alone.
    private XenDomain ListLine(HostState host, DomainState dom, DateTimeOffset now)
    {
        XenDomain d = ToDomain(host, dom, now, new Dictionary<string, OffConfig>());
        d.Type = null;
        d.MaxMemoryMB = null;
        d.MaxVCpu = null;
        d.Uptime = null;
        return d;
    }

    /// <inheritdoc />
    public Task<string> GetLiveConfigJsonAsync(string domain, CancellationToken cancellationToken) =>
        RunAsync("GetLiveConfigJson", domain, Xl("list", "-l", domain), write: false, (_, host, _) =>
        {
            DomainState dom = SimEngine.Resolve(host, domain, Xl("list", "-l", domain));
            return SimEngine.LiveConfigNode(host, dom).ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        }, cancellationToken);

    /// <inheritdoc />
    public Task<XenDomain> CreateAsync(string configText, bool paused, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(configText);
        string commandLine = paused ? "xl create -p <config>" : "xl create <config>";
        return RunAsync("Create", NameHint(configText), commandLine, write: true, (_, host, now) =>
        {
            DomainState dom = SimEngine.Create(host, configText, "<config>", paused, commandLine, now);
            _logger.LogInformation("Simulated host {Host}: created domain {Domain} with id {Id}.", HostName, dom.Name, dom.Id);
            return ToDomain(host, dom, now, ReadConfigs(host));
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<XenDomain> CreateFromFileAsync(string configPath, bool paused, CancellationToken cancellationToken)
    {
        string commandLine = paused ? Xl("create", "-p", configPath) : Xl("create", configPath);
        return RunAsync("CreateFromFile", Path.GetFileNameWithoutExtension(configPath), commandLine, write: true, (_, host, now) =>
        {
            // 118: a missing file.
            string text = SimFileSystem.ReadText(host, configPath)
                ?? throw new SimXlError(commandLine, 3, $"Failed to read config file: {configPath}: No such file or directory\n", null);
            DomainState dom = SimEngine.Create(host, text, configPath, paused, commandLine, now);
            _logger.LogInformation("Simulated host {Host}: created domain {Domain} with id {Id} from {Path}.", HostName, dom.Name, dom.Id, configPath);
            return ToDomain(host, dom, now, ReadConfigs(host));
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<string> DryRunCreateAsync(string configText, CancellationToken cancellationToken) =>
        RunAsync("DryRunCreate", null, "xl -N create <config>", write: false, (_, host, _) => SimEngine.DryRunJson(host, configText, "xl -N create <config>"), cancellationToken);

    /// <inheritdoc />
    public Task ShutdownAsync(string domain, bool wait, TimeSpan? timeout, CancellationToken cancellationToken) =>
        StopAsync("Shutdown", "shutdown", reboot: false, domain, wait, timeout, cancellationToken);

    /// <inheritdoc />
    public Task RebootAsync(string domain, bool wait, TimeSpan? timeout, CancellationToken cancellationToken) =>
        StopAsync("Reboot", "reboot", reboot: true, domain, wait, timeout, cancellationToken);

    // A latency on Shutdown/Reboot is the guest's time to go down. "xl shutdown -w" delivers the request,
    // then waits: when the wait is given up first, the guest still goes down when its time is up.
    private async Task StopAsync(string operation, string verb, bool reboot, string domain, bool wait, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        string commandLine = wait ? Xl(verb, "-w", domain) : Xl(verb, domain);
        double latency = await _fabric.Store.ReadAsync(f => Host(f).LatencySeconds.GetValueOrDefault(operation), cancellationToken).ConfigureAwait(false);
        if (wait && timeout is TimeSpan limit && TimeSpan.FromSeconds(latency) > limit)
        {
            DateTimeOffset due = _time.GetUtcNow() + TimeSpan.FromSeconds(latency);
            await RunAsync(operation, domain, commandLine, (host, _) => SimEngine.RequestShutdown(host, domain, reboot, commandLine, due), cancellationToken, noLatency: true).ConfigureAwait(false);
            await Task.Delay(limit, _time, cancellationToken).ConfigureAwait(false);
            _logger.LogInformation("Simulated host {Host}: {Command} did not finish within {Timeout}; the guest goes on shutting down.", HostName, commandLine, limit);
            throw new XenTimeoutException(operation, limit, HostName, domain);
        }

        await RunAsync(operation, domain, commandLine, (host, now) => SimEngine.Shutdown(host, domain, reboot, commandLine, now), cancellationToken, wait ? timeout : null).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task DestroyAsync(string domain, CancellationToken cancellationToken) =>
        RunAsync("Destroy", domain, Xl("destroy", domain), (host, _) => SimEngine.Destroy(host, domain, Xl("destroy", domain)), cancellationToken);

    /// <inheritdoc />
    public Task PauseAsync(string domain, CancellationToken cancellationToken) =>
        RunAsync("Pause", domain, Xl("pause", domain), (host, _) => SimEngine.Pause(host, domain, Xl("pause", domain)), cancellationToken);

    /// <inheritdoc />
    public Task UnpauseAsync(string domain, CancellationToken cancellationToken) =>
        RunAsync("Unpause", domain, Xl("unpause", domain), (host, _) => SimEngine.Unpause(host, domain, Xl("unpause", domain)), cancellationToken);

    /// <summary>Crashes the guest (as a kernel panic would); its <c>on_crash</c> action follows. Not part of the contract: a simulation control.</summary>
    public Task CrashAsync(string domain, CancellationToken cancellationToken) =>
        RunAsync("Crash", domain, "crash " + domain, (host, now) => SimEngine.Crash(host, domain, "crash " + domain, now), cancellationToken);

    /// <inheritdoc />
    public Task SaveAsync(string domain, string path, XenSaveMode mode, CancellationToken cancellationToken)
    {
        string commandLine = mode switch
        {
            XenSaveMode.KeepRunning => Xl("save", "-c", domain, path),
            XenSaveMode.LeavePaused => Xl("save", "-p", domain, path),
            _ => Xl("save", domain, path),
        };
        return RunAsync("Save", domain, commandLine, (host, _) => SimEngine.Save(host, domain, path, mode, commandLine), cancellationToken);
    }

    /// <inheritdoc />
    public Task<XenDomain> RestoreAsync(string path, bool paused, string? configPath, CancellationToken cancellationToken)
    {
        var args = new List<string> { "restore" };
        if (paused)
        {
            args.Add("-p");
        }

        if (configPath is not null)
        {
            args.Add(configPath);
        }

        args.Add(path);
        string commandLine = Xl(args.ToArray());
        return RunAsync("Restore", null, commandLine, write: true, (_, host, now) =>
        {
            DomainState dom = SimEngine.Restore(host, path, paused, configPath, commandLine, now);
            _logger.LogInformation("Simulated host {Host}: restored domain {Domain} with id {Id}.", HostName, dom.Name, dom.Id);
            return ToDomain(host, dom, now, ReadConfigs(host));
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task RenameAsync(string domain, string newName, CancellationToken cancellationToken) =>
        RunAsync("Rename", domain, Xl("rename", domain, newName), (host, _) => SimEngine.Rename(host, domain, newName, Xl("rename", domain, newName)), cancellationToken);

    /// <inheritdoc />
    public Task SetMemoryAsync(string domain, long memoryMB, CancellationToken cancellationToken)
    {
        string commandLine = Xl("mem-set", domain, memoryMB.ToString(CultureInfo.InvariantCulture) + "m");
        return RunAsync("SetMemory", domain, commandLine, (host, _) => SimEngine.SetMemory(host, domain, memoryMB, commandLine), cancellationToken);
    }

    /// <inheritdoc />
    public Task SetMaxMemoryAsync(string domain, long maxMemoryMB, CancellationToken cancellationToken)
    {
        string commandLine = Xl("mem-max", domain, maxMemoryMB.ToString(CultureInfo.InvariantCulture) + "m");
        return RunAsync("SetMaxMemory", domain, commandLine, (host, _) => SimEngine.SetMaxMemory(host, domain, maxMemoryMB, commandLine), cancellationToken);
    }

    /// <inheritdoc />
    public Task SetVCpuCountAsync(string domain, int count, CancellationToken cancellationToken) =>
        SetVCpuCountAsync(domain, count, allowOvercommit: false, cancellationToken);

    /// <inheritdoc />
    public Task SetVCpuCountAsync(string domain, int count, bool allowOvercommit, CancellationToken cancellationToken)
    {
        string commandLine = allowOvercommit
            ? Xl("vcpu-set", "--ignore-host", domain, count.ToString(CultureInfo.InvariantCulture))
            : Xl("vcpu-set", domain, count.ToString(CultureInfo.InvariantCulture));
        return RunAsync("SetVCpuCount", domain, commandLine, (host, _) => SimEngine.SetVCpus(host, domain, count, allowOvercommit, commandLine), cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<XenVCpu>> GetVCpusAsync(string? domain, CancellationToken cancellationToken)
    {
        string commandLine = domain is null ? "xl vcpu-list" : Xl("vcpu-list", domain);
        return RunAsync<IReadOnlyList<XenVCpu>>("GetVCpus", domain, commandLine, write: false, (_, host, now) =>
        {
            IEnumerable<DomainState> domains = domain is null
                ? host.Domains.OrderBy(d => d.Id)
                : [SimEngine.Resolve(host, domain, commandLine)];
            var list = new List<XenVCpu>();
            foreach (DomainState dom in domains)
            {
                TimeSpan total = SimEngine.CpuTime(host, dom, now);
                for (int v = 0; v < dom.MaxVCpus; v++)
                {
                    bool online = v < dom.OnlineVCpus;
                    list.Add(new XenVCpu(dom.Name, v)
                    {
                        DomainId = dom.Id,
                        Online = online,
                        Cpu = online ? v % host.CpuCount : null,
                        XlState = !online ? "--p" : dom.State == SimRunState.Running ? (dom.IsDom0 && v == 0 ? "r--" : "-b-") : "---",
                        CpuTime = online ? TimeSpan.FromSeconds(Math.Round(total.TotalSeconds / Math.Max(1, dom.OnlineVCpus), 1)) : TimeSpan.Zero,
                        HardAffinity = v < dom.HardAffinity.Count ? dom.HardAffinity[v] : "all",
                        SoftAffinity = "all",
                        HostName = HostName,
                        XenHost = Connection,
                    });
                }
            }

            return list;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task PinVCpuAsync(string domain, string vcpu, string hardAffinity, string? softAffinity, CancellationToken cancellationToken)
    {
        string commandLine = softAffinity is null ? Xl("vcpu-pin", domain, vcpu, hardAffinity) : Xl("vcpu-pin", domain, vcpu, hardAffinity, softAffinity);
        return RunAsync("PinVCpu", domain, commandLine, (host, _) => SimEngine.PinVCpu(host, domain, vcpu, hardAffinity, softAffinity, commandLine), cancellationToken);
    }

    /// <inheritdoc />
    public Task<XenSchedulerParameters> GetSchedulerParametersAsync(string domain, CancellationToken cancellationToken) =>
        RunAsync("GetSchedulerParameters", domain, Xl("sched-credit2", "-d", domain), write: false, (_, host, _) =>
        {
            DomainState dom = SimEngine.Resolve(host, domain, Xl("sched-" + host.Scheduler, "-d", domain));
            return new XenSchedulerParameters(dom.Name, host.Scheduler)
            {
                DomainId = dom.Id,
                Weight = dom.Weight,
                Cap = dom.Cap,
                HostName = HostName,
                XenHost = Connection,
            };
        }, cancellationToken);

    /// <inheritdoc />
    public Task SetSchedulerParametersAsync(string domain, int? weight, int? cap, CancellationToken cancellationToken)
    {
        var args = new List<string> { "sched-credit2", "-d", domain };
        if (weight is int w)
        {
            args.AddRange(["-w", w.ToString(CultureInfo.InvariantCulture)]);
        }

        if (cap is int c)
        {
            args.AddRange(["-c", c.ToString(CultureInfo.InvariantCulture)]);
        }

        string commandLine = Xl(args.ToArray());
        return RunAsync("SetSchedulerParameters", domain, commandLine, (host, _) => SimEngine.SetScheduler(host, domain, weight, cap, commandLine), cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<XenDomainUptime>> GetUptimeAsync(string? domain, CancellationToken cancellationToken)
    {
        string commandLine = domain is null ? "xl uptime" : Xl("uptime", domain);
        return RunAsync<IReadOnlyList<XenDomainUptime>>("GetUptime", domain, commandLine, write: false, (_, host, now) =>
        {
            IEnumerable<DomainState> domains = domain is null ? host.Domains.OrderBy(d => d.Id) : [SimEngine.Resolve(host, domain, commandLine)];
            return domains.Select(d => new XenDomainUptime(d.Name, d.Id, TimeSpan.FromSeconds(Math.Floor(Math.Max(0, (now - d.StartedAt).TotalSeconds))))).ToList();
        }, cancellationToken);
    }

    // ---- devices ----

    private XenDisk ToDisk(DomainState dom, DiskState disk) => new(dom.Name, disk.Vdev)
    {
        DomainId = dom.Id,
        Target = disk.Target,
        Format = disk.Format,
        Access = disk.Access,
        IsCdRom = disk.IsCdRom,
        DeviceId = disk.DeviceId,
        BackendPath = $"/local/domain/0/backend/vbd/{dom.Id}/{disk.DeviceId}",
        State = XenBusState.Connected,
        HostName = HostName,
        XenHost = Connection,
    };

    private XenNetworkAdapter ToNic(DomainState dom, NicState nic) => new(dom.Name, nic.DevId)
    {
        DomainId = dom.Id,
        Mac = nic.Mac,
        Bridge = nic.Bridge,
        Model = nic.Model,
        Ip = nic.Ip,
        Rate = nic.Rate,
        State = (XenBusState)nic.State,
        BackendPath = $"/local/domain/0/backend/vif/{dom.Id}/{nic.DevId}",
        HostName = HostName,
        XenHost = Connection,
    };

    /// <inheritdoc />
    public Task<IReadOnlyList<XenDisk>> GetDisksAsync(string domain, CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyList<XenDisk>>("GetDisks", domain, Xl("block-list", domain), write: false, (_, host, _) =>
        {
            DomainState dom = SimEngine.Resolve(host, domain, Xl("block-list", domain));
            return dom.Disks.OrderBy(d => d.DeviceId).Select(d => ToDisk(dom, d)).ToList();
        }, cancellationToken);

    /// <inheritdoc />
    public Task<XenDisk> AttachDiskAsync(string domain, string diskSpec, CancellationToken cancellationToken) =>
        RunAsync("AttachDisk", domain, Xl("block-attach", domain, diskSpec), write: true, (_, host, _) =>
        {
            DiskState disk = SimEngine.AttachDisk(host, domain, diskSpec, Xl("block-attach", domain, diskSpec));
            return ToDisk(SimEngine.Resolve(host, domain, string.Empty), disk);
        }, cancellationToken);

    /// <inheritdoc />
    public Task DetachDiskAsync(string domain, string vdev, bool force, CancellationToken cancellationToken)
    {
        // The simulated guest always lets go of its disk: --force (libxl_device_disk_destroy) ends the same way.
        string commandLine = force ? Xl("block-detach", "--force", domain, vdev) : Xl("block-detach", domain, vdev);
        return RunAsync("DetachDisk", domain, commandLine, (host, _) => SimEngine.DetachDisk(host, domain, vdev, commandLine), cancellationToken);
    }

    /// <inheritdoc />
    public Task InsertCdAsync(string domain, string vdev, string path, CancellationToken cancellationToken)
    {
        string commandLine = Xl("cd-insert", domain, vdev, path);
        return RunAsync("InsertCd", domain, commandLine, (host, _) => SimEngine.ChangeCd(host, domain, vdev, path, commandLine), cancellationToken);
    }

    /// <inheritdoc />
    public Task EjectCdAsync(string domain, string vdev, CancellationToken cancellationToken)
    {
        string commandLine = Xl("cd-eject", domain, vdev);
        return RunAsync("EjectCd", domain, commandLine, (host, _) => SimEngine.ChangeCd(host, domain, vdev, null, commandLine), cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<XenBridge>> GetBridgesAsync(CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyList<XenBridge>>("GetBridges", null, "ls /sys/class/net/*/bridge", write: false, (_, host, _) =>
            host.Bridges.Order(StringComparer.Ordinal)
                .Select(b => new XenBridge(b, host.Domains
                    .Where(d => !d.IsDom0)
                    .SelectMany(d => d.Nics.Where(n => n.Bridge == b).Select(n => $"vif{d.Id}.{n.DevId}"))
                    .ToList())
                {
                    HostName = HostName,
                    XenHost = Connection,
                })
                .ToList(),
            cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<XenNetworkAdapter>> GetNetworkAdaptersAsync(string domain, CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyList<XenNetworkAdapter>>("GetNetworkAdapters", domain, Xl("network-list", domain), write: false, (_, host, _) =>
        {
            DomainState dom = SimEngine.Resolve(host, domain, Xl("network-list", domain));
            return dom.Nics.OrderBy(n => n.DevId).Select(n => ToNic(dom, n)).ToList();
        }, cancellationToken);

    /// <inheritdoc />
    public Task<XenNetworkAdapter> AttachNetworkAdapterAsync(string domain, string vifSpec, CancellationToken cancellationToken)
    {
        // xl takes the vif keys as separate arguments (fixtures 256-263); what xl network-attach would refuse
        // is refused before the host, as the xl toolstack does.
        _ = Config.XenVifSpec.Parse(vifSpec).ToNetworkAttachArguments();
        string[] words = vifSpec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        string commandLine = Xl(["network-attach", domain, .. words]);
        return RunAsync("AttachNetworkAdapter", domain, commandLine, write: true, (_, host, _) =>
        {
            NicState nic = SimEngine.AttachNic(host, domain, vifSpec, commandLine);
            return ToNic(SimEngine.Resolve(host, domain, string.Empty), nic);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task DetachNetworkAdapterAsync(string domain, string indexOrMac, CancellationToken cancellationToken) =>
        RunAsync("DetachNetworkAdapter", domain, Xl("network-detach", domain, indexOrMac), (host, _) =>
            SimEngine.DetachNic(host, domain, indexOrMac, Xl("network-detach", domain, indexOrMac)), cancellationToken);

    // ---- XenStore ----

    /// <inheritdoc />
    public Task<string> XenStoreReadAsync(string path, CancellationToken cancellationToken)
    {
        string commandLine = "xenstore-read " + Quote(path);
        return RunAsync("XenStoreRead", null, commandLine, write: false, (_, host, _) =>
        {
            SortedDictionary<string, string> leaves = SimEngine.XenStoreLeaves(host);
            if (leaves.TryGetValue(path, out string? value))
            {
                return value;
            }

            if (leaves.Keys.Any(k => k.StartsWith(path.TrimEnd('/') + "/", StringComparison.Ordinal)))
            {
                return string.Empty;
            }

            throw new SimXlError(commandLine, 1, $"xenstore-read: couldn't read path {path}\n", null);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> XenStoreListAsync(string path, CancellationToken cancellationToken)
    {
        string commandLine = "xenstore-list " + Quote(path);
        return RunAsync<IReadOnlyList<string>>("XenStoreList", null, commandLine, write: false, (_, host, _) =>
        {
            SortedDictionary<string, string> leaves = SimEngine.XenStoreLeaves(host);
            string prefix = path == "/" ? "/" : path.TrimEnd('/') + "/";
            var children = leaves.Keys
                .Where(k => k.StartsWith(prefix, StringComparison.Ordinal))
                .Select(k => k[prefix.Length..].Split('/')[0])
                .Distinct(StringComparer.Ordinal)
                .ToList();
            if (children.Count == 0 && !leaves.ContainsKey(path))
            {
                throw new SimXlError(commandLine, 1, $"xenstore-list: could not list path {path}\n", null);
            }

            return children;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task XenStoreWriteAsync(string path, string value, CancellationToken cancellationToken)
    {
        string commandLine = "xenstore-write " + Quote(path) + " " + Quote(value);
        return RunAsync("XenStoreWrite", null, commandLine, (host, _) =>
        {
            if (!path.StartsWith('/'))
            {
                throw new SimXlError(commandLine, 1, $"xenstore-write: could not write path {path}\n", null);
            }

            host.XenStore[path] = value;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<XenStoreItem>> XenStoreTreeAsync(string path, CancellationToken cancellationToken)
    {
        string commandLine = "xenstore-ls -f " + Quote(path);
        return RunAsync<IReadOnlyList<XenStoreItem>>("XenStoreTree", null, commandLine, write: false, (_, host, _) =>
        {
            SortedDictionary<string, string> nodes = SimEngine.XenStoreNodes(host);
            string prefix = path == "/" ? "/" : path.TrimEnd('/') + "/";
            if (path != "/" && !nodes.ContainsKey(path.TrimEnd('/')))
            {
                throw new SimXlError(commandLine, 1, $"xenstore-ls: xs_directory ({path}): No such file or directory\n", null);
            }

            return nodes
                .Where(n => n.Key.StartsWith(prefix, StringComparison.Ordinal))
                .Select(n => new XenStoreItem(n.Key, n.Value) { HostName = HostName, XenHost = Connection })
                .ToList();
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task XenStoreRemoveAsync(string path, CancellationToken cancellationToken)
    {
        string commandLine = "xenstore-rm " + Quote(path);
        return RunAsync("XenStoreRemove", null, commandLine, (host, _) => SimEngine.XenStoreRemove(host, path, commandLine), cancellationToken);
    }

    // ---- live statistics and the console ----

    /// <inheritdoc />
    /// <remarks>
    /// Like xentop: a first look at every domain's CPU time, then one sample per interval on the simulator's clock,
    /// CPU% being the CPU time used since the previous sample over the time between them (it moves: see
    /// <c>SimEngine.CpuSeconds</c>; a paused guest uses none). Network and block counters grow with the CPU time.
    /// </remarks>
    public async IAsyncEnumerable<XenDomainStatistic> GetStatisticsAsync(int samples, int intervalSeconds, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(samples);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(intervalSeconds);
        string commandLine = $"xentop -b -f -i {samples + 1} -d {intervalSeconds}";
        Dictionary<int, (double Cpu, DateTimeOffset At)> previous = await StatisticsSnapshotAsync(commandLine, cancellationToken).ConfigureAwait(false);
        for (int sample = 1; sample <= samples; sample++)
        {
            await Task.Delay(TimeSpan.FromSeconds(intervalSeconds), _time, cancellationToken).ConfigureAwait(false);
            Dictionary<int, (double Cpu, DateTimeOffset At)> current = new();
            IReadOnlyList<XenDomainStatistic> rows = await RunAsync<IReadOnlyList<XenDomainStatistic>>("GetStatistics", null, commandLine, write: false, (_, host, now) =>
            {
                var list = new List<XenDomainStatistic>();
                foreach (DomainState dom in host.Domains.OrderBy(d => d.Id))
                {
                    double cpu = SimEngine.CpuSeconds(dom, now);
                    current[dom.Id] = (cpu, now);
                    double percent = previous.TryGetValue(dom.Id, out var before) && now > before.At
                        ? Math.Round(100 * (cpu - before.Cpu) / (now - before.At).TotalSeconds, 1)
                        : 0;
                    list.Add(new XenDomainStatistic(dom.Name)
                    {
                        Timestamp = now,
                        Sample = sample,
                        DomainId = dom.Id,
                        XlState = XentopState(dom),
                        CpuPercent = Math.Max(0, percent),
                        CpuTime = TimeSpan.FromSeconds(Math.Floor(cpu)),
                        MemoryMB = dom.MemoryMB,
                        MemoryPercent = Math.Round(100.0 * dom.MemoryMB / Math.Max(1, host.TotalMemoryMB), 1),
                        MaxMemoryMB = dom.MaxMemoryMB,
                        VCpu = dom.OnlineVCpus,
                        Nets = dom.Nics.Count,
                        NetTxKB = dom.Nics.Count == 0 ? 0 : (long)(cpu * 3),
                        NetRxKB = dom.Nics.Count == 0 ? 0 : (long)(cpu * 11),
                        Vbds = dom.Disks.Count,
                        BlockReads = dom.Disks.Count == 0 ? 0 : (long)(cpu * 40),
                        BlockWrites = dom.Disks.Count == 0 ? 0 : (long)(cpu * 9),
                        BlockReadSectors = dom.Disks.Count == 0 ? 0 : (long)(cpu * 320),
                        BlockWriteSectors = dom.Disks.Count == 0 ? 0 : (long)(cpu * 72),
                        HostName = HostName,
                        XenHost = Connection,
                    });
                }

                return list;
            }, cancellationToken).ConfigureAwait(false);
            foreach (XenDomainStatistic row in rows)
            {
                yield return row;
            }

            previous = current;
        }
    }

    private Task<Dictionary<int, (double Cpu, DateTimeOffset At)>> StatisticsSnapshotAsync(string commandLine, CancellationToken cancellationToken) =>
        RunAsync("GetStatistics", null, commandLine, write: false, (_, host, now) =>
            host.Domains.ToDictionary(d => d.Id, d => (SimEngine.CpuSeconds(d, now), now)), cancellationToken);

    // xentop's flags: d(ying) s(hutdown) b(locked) r(unning) p(aused) c(rashed).
    private static string XentopState(DomainState dom) => dom.State switch
    {
        SimRunState.Running => dom.IsDom0 ? "-----r" : "--b---",
        SimRunState.Paused => "----p-",
        SimRunState.Shutdown => "-s----",
        SimRunState.Crashed => "-----c",
        SimRunState.Dying => "d-----",
        _ => "------",
    };

    /// <inheritdoc />
    /// <remarks>
    /// The simulator's console: on this process's terminal it shows what the guest printed (a short simulated boot)
    /// and echoes what is typed, until Ctrl+] as xl console does. The domain must be running, as for xl.
    /// </remarks>
    public async Task<int> EnterConsoleAsync(string domain, CancellationToken cancellationToken)
    {
        string commandLine = Xl("console", domain);
        string text = await RunAsync("EnterConsole", domain, commandLine, write: false, (_, host, now) =>
        {
            DomainState dom = SimEngine.Resolve(host, domain, commandLine);
            return string.Join(
                "\r\n",
                $"[    0.000000] Linux version 6.1.0-simulated (XenPS simulator) on domain {dom.Id}",
                $"[    0.000000] Command line: {dom.Cmdline ?? "root=/dev/xvda1 ro"}",
                $"[    0.412000] Memory: {dom.MemoryMB * 1024}K available",
                "[    1.020000] xen_netfront: Initialising Xen virtual ethernet driver",
                string.Empty,
                $"{dom.Name} login: ");
        }, cancellationToken).ConfigureAwait(false);
        Console.Out.Write(text);
        Console.Out.Flush();
        while (true)
        {
            if (Console.KeyAvailable)
            {
                ConsoleKeyInfo key = Console.ReadKey(intercept: true);
                if (key.KeyChar == '\x1d')
                {
                    break;
                }

                Console.Out.Write(key.KeyChar == '\r' ? "\r\n" : key.KeyChar.ToString());
                Console.Out.Flush();
                continue;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), _time, cancellationToken).ConfigureAwait(false);
        }

        Console.Out.Write("\r\n");
        return 0;
    }

    // ---- migration ----

    private sealed record MigrationTicket(string DomainName, int SourceId, string DestinationHost, int IncomingId, string? Failure);

    /// <inheritdoc />
    public async Task<XenMigrationResult> MigrateAsync(string domain, XenMigrationRequest request, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var args = new List<string> { "migrate" };
        if (request.SshCommand is not null)
        {
            args.AddRange(["-s", request.SshCommand]);
        }

        if (request.ConfigPath is not null)
        {
            args.AddRange(["-C", request.ConfigPath]);
        }

        if (request.Paused)
        {
            args.Add("-p");
        }

        args.AddRange([domain, request.Destination]);
        string commandLine = Xl(args.ToArray());
        long started = _time.GetTimestamp();
        var log = new StringBuilder();
        int reported = 0;
        void Report()
        {
            string text = log.ToString();
            foreach (string line in text[reported..].Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                progress?.Report(line);
            }

            reported = text.Length;
        }

        double latency = await _fabric.Store.ReadAsync(fabric => Host(fabric).LatencySeconds.GetValueOrDefault("Migrate"), cancellationToken).ConfigureAwait(false);
        TimeSpan half = TimeSpan.FromSeconds(latency / 2);
        _logger.LogDebug("Simulated host {Host}: {Command}", HostName, commandLine);
        try
        {
            // Phase 1: the receiver builds <name>--incoming, paused; the memory image streams over.
            MigrationTicket ticket = await _fabric.Store.UpdateAsync(
                fabric =>
                {
                    HostState source = Host(fabric);
                    TakeFault(source, "Migrate", commandLine, domain);
                    DomainState dom = SimEngine.Resolve(source, domain, commandLine);
                    if (dom.IsDom0)
                    {
                        throw new SimXlError(commandLine, 1, "libxl: error: Domain 0:Migration of the control domain (Domain-0) is not supported.\n", domain) { MigrationStateUndefined = false };
                    }

                    HostState destination = FindDestination(fabric, source, request, commandLine, domain);
                    string? failure = null;
                    if (source.MigrationFailures.Count > 0)
                    {
                        failure = source.MigrationFailures[0];
                        source.MigrationFailures.RemoveAt(0);
                    }

                    if (failure == nameof(SimulatedMigrationFailure.Unreachable))
                    {
                        // Fixture 278: the ssh client's words, then xl's; nothing moved.
                        source.Generation++;
                        throw new SimXlError(commandLine, 1,
                            $"ssh: connect to host {destination.Name} port 22: Connection refused\n" +
                            "libxl: error: libxl_utils.c:505:libxl_read_exactly: file/stream truncated reading banner from migration receiver stream\n" +
                            "libxl: info: libxl_exec.c:117:libxl_report_child_exitstatus: migration transport process [486] exited with error status 255\n",
                            domain, commit: true) { MigrationStateUndefined = false };
                    }

                    log.Append(SimEngine.MigrationHeader());
                    DomainState incoming = SimEngine.ReceiveIncoming(destination, dom, commandLine, _time.GetUtcNow(), log);
                    if (request.ConfigPath is not null)
                    {
                        incoming.ConfigText = SimFileSystem.ReadText(source, request.ConfigPath)
                            ?? throw new SimXlError(commandLine, 1, $"Failed to read config file: {request.ConfigPath}: No such file or directory\n", domain) { MigrationStateUndefined = false };
                    }

                    source.Generation++;
                    destination.Generation++;
                    return new MigrationTicket(dom.Name, dom.Id, destination.Name, incoming.Id, failure);
                },
                cancellationToken).ConfigureAwait(false);
            Report();
            _logger.LogInformation("Simulated host {Host}: migrating {Domain} to {Destination} ({Incoming} is being received).", HostName, ticket.DomainName, ticket.DestinationHost, ticket.DomainName + "--incoming");
            if (request.Timeout is TimeSpan limit && TimeSpan.FromSeconds(latency) > limit)
            {
                // As the xl toolstack: xl is stopped part-way, and the domain's state is undefined.
                await Task.Delay(limit, _time, cancellationToken).ConfigureAwait(false);
                _logger.LogInformation("Simulated host {Host}: migration of {Domain} did not finish within {Seconds} s.", HostName, domain, limit.TotalSeconds);
                throw new XenMigrationException(
                    commandLine,
                    -1,
                    $"xl migrate did not finish within {limit.TotalSeconds:0.#} s and was stopped; the domain's state is undefined: check both hosts.",
                    HostName,
                    domain,
                    XenMigrationFailureKind.StateUndefined);
            }

            // Cancelling in flight stops the transfer where it is (as killing xl would): the in-flight names stay.
            await Task.Delay(half, _time, cancellationToken).ConfigureAwait(false);

            // Phase 2: transfer complete; the sender renames its copy away before giving permission to start.
            await _fabric.Store.UpdateAsync(
                fabric =>
                {
                    (HostState source, DomainState dom, HostState destination, DomainState incoming) = Locate(fabric, ticket, commandLine);
                    if (ticket.Failure == nameof(SimulatedMigrationFailure.ResumeAtSender))
                    {
                        SimEngine.Remove(destination, incoming);
                        log.Append("xc: error: Failed to write page data to stream (5 = Input/output error): Internal error\n");
                        log.Append("xc: error: Save failed (5 = Input/output error): Internal error\n");
                        log.Append($"libxl: error: libxl_stream_write.c:347:libxl__xc_domain_save_done: Domain {dom.Id}:saving domain: domain responded to suspend request: Input/output error\n");
                        log.Append("migration sender: libxl_domain_suspend failed (rc=-3)\n");
                        log.Append("Migration failed, resuming at sender.\n");
                        throw new SimXlError(commandLine, 1, log.ToString(), domain, commit: true) { MigrationStateUndefined = false };
                    }

                    if (ticket.Failure == nameof(SimulatedMigrationFailure.SuspendFailed))
                    {
                        // Fixture 114: the guest did not respond to the suspend request; it goes on running at the sender.
                        log.Append($"libxl: error: libxl_stream_write.c:347:libxl__xc_domain_save_done: Domain {dom.Id}:saving domain: domain did not respond to suspend request: Invalid argument\n");
                        log.Append("migration sender: libxl_domain_suspend failed (rc=-8)\n");
                        SimEngine.Remove(destination, incoming);
                        log.Append("migration target: Domain creation failed (code -3).\n");
                        log.Append("Migration failed, failed to suspend at sender.\n");
                        throw new SimXlError(commandLine, 1, log.ToString(), domain, commit: true) { MigrationStateUndefined = false };
                    }

                    log.Append("migration target: Transfer complete, requesting permission to start domain.\n");
                    log.Append("migration sender: Target has acknowledged transfer.\n");
                    dom.Name = ticket.DomainName + "--migratedaway";
                    dom.State = SimRunState.Shutdown;
                    dom.ShutdownReason = "suspend";
                    log.Append("migration sender: Giving target permission to start.\n");
                    source.Generation++;
                    return true;
                },
                CancellationToken.None).ConfigureAwait(false);
            Report();
            await Task.Delay(half, _time, cancellationToken).ConfigureAwait(false);

            // Phase 3: the receiver renames and starts its copy; the sender destroys its own.
            await _fabric.Store.UpdateAsync(
                fabric =>
                {
                    (HostState source, DomainState dom, HostState destination, DomainState incoming) = Locate(fabric, ticket, commandLine);
                    if (ticket.Failure == nameof(SimulatedMigrationFailure.FinalHandshake))
                    {
                        log.Append("libxl: error: libxl_utils.c:505:libxl_read_exactly: file/stream truncated reading success/failure report message from migration receiver stream\n");
                        log.Append(
                            "** Migration failed during final handshake **\n" +
                            "Domain state is now undefined !\n" +
                            "Please CHECK AT BOTH ENDS for running instances, before renaming and\n" +
                            " resuming at most one instance.  Two simultaneous instances of the domain\n" +
                            " would probably result in SEVERE DATA LOSS and it is now your\n" +
                            " responsibility to avoid that.  Sorry.\n");
                        throw new SimXlError(commandLine, 1, log.ToString(), domain) { MigrationStateUndefined = true };
                    }

                    log.Append("migration target: Got permission, starting domain.\n");
                    bool clash = destination.Domains.Any(d => d.Name == ticket.DomainName);
                    if (clash || ticket.Failure == nameof(SimulatedMigrationFailure.TargetFailed))
                    {
                        // The receiver cannot take the name (or start its copy): it reports failure and the sender resumes (xl_migrate.c).
                        log.Append(clash
                            ? $"libxl: error: libxl_domain.c:81:libxl__domain_rename: Domain {incoming.Id}:Domain with name \"{ticket.DomainName}\" already exists.\n"
                            : $"libxl: error: libxl_domain.c:1207:libxl__domain_resume: Domain {incoming.Id}:xc_domain_resume failed: Invalid argument\n");
                        log.Append("migration target: Failure, destroying our copy.\n");
                        SimEngine.Remove(destination, incoming);
                        log.Append("migration target: Cleanup OK, granting sender permission to resume.\n");
                        log.Append("migration sender: Target reports startup failure (status code 6).\n");
                        log.Append("migration sender: Trying to resume at our end.\n");
                        dom.Name = ticket.DomainName;
                        dom.State = SimRunState.Running;
                        dom.ShutdownReason = null;
                        log.Append("migration sender: Resumed OK.\n");
                        log.Append("Migration failed due to problems at target.\n");
                        throw new SimXlError(commandLine, 1, log.ToString(), domain, commit: true) { MigrationStateUndefined = false };
                    }

                    incoming.Name = ticket.DomainName;
                    if (!request.Paused)
                    {
                        incoming.PauseCount = 0;
                        incoming.State = SimRunState.Running;
                    }

                    log.Append("migration target: Domain started successsfully.\n");
                    log.Append("migration sender: Target reports successful startup.\n");
                    SimEngine.Remove(source, dom);
                    log.Append("Migration successful.\n");
                    source.Generation++;
                    destination.Generation++;
                    return true;
                },
                CancellationToken.None).ConfigureAwait(false);
            Report();
            _logger.LogInformation("Simulated host {Host}: migrated {Domain} to {Destination}.", HostName, ticket.DomainName, ticket.DestinationHost);
            return new XenMigrationResult(ticket.DomainName, HostName, ticket.DestinationHost)
            {
                Duration = _time.GetElapsedTime(started),
                Log = log.ToString(),
                HostName = HostName,
                XenHost = Connection,
            };
        }
        catch (SimXlError error)
        {
            Report();
            _logger.LogInformation("Simulated host {Host}: migration of {Domain} failed.", HostName, domain);
            throw SimErrorClassifier.ToException(error, HostName);
        }
    }

    /// <inheritdoc />
    public Task<Transport.CommandResult> ProbeMigrationRouteAsync(IReadOnlyList<string> sshWords, string address, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sshWords);
        ArgumentException.ThrowIfNullOrEmpty(address);
        string commandLine = string.Join(' ', sshWords.Append(address).Select(Quote)) + " xl info";
        return RunAsync("ProbeMigrationRoute", null, commandLine, write: false, (fabric, host, _) =>
        {
            // The fabric's hosts reach each other by name (and each itself as localhost); anything else is not there.
            HostState? found = address is "localhost" or "127.0.0.1" or "::1" ? host : fabric.FindHost(address);
            return found is null
                ? new Transport.CommandResult(255, string.Empty, $"ssh: connect to host {address} port 22: No route to host\n", TimeSpan.Zero)
                : new Transport.CommandResult(0, $"host                   : {found.Name}\nxen_version            : {found.XenVersion}\n", string.Empty, TimeSpan.Zero);
        }, cancellationToken);
    }

    private HostState FindDestination(FabricState fabric, HostState source, XenMigrationRequest request, string commandLine, string domain)
    {
        // xl migrate -s '' dom 'xl migrate-receive' runs the receiver on this same host (fixture 141).
        if (request.SshCommand is { Length: 0 })
        {
            if (request.Destination.Trim().StartsWith("xl migrate-receive", StringComparison.Ordinal))
            {
                return source;
            }

            throw new SimXlError(commandLine, 1,
                $"sh: 1: {request.Destination.Split(' ')[0]}: not found\n" +
                "libxl: error: libxl_utils.c:505:libxl_read_exactly: file/stream truncated reading banner from migration receiver stream\n" +
                "libxl: info: libxl_exec.c:117:libxl_report_child_exitstatus: migration transport process [486] exited with error status 127\n",
                domain) { MigrationStateUndefined = false };
        }

        // ssh to localhost reaches this same host (fixture 145).
        return (request.Destination is "localhost" or "127.0.0.1" or "::1" ? source : fabric.FindHost(request.Destination))
            ?? throw new SimXlError(commandLine, 1,
                $"ssh: Could not resolve hostname {request.Destination}: Name or service not known\n" +
                "libxl: error: libxl_utils.c:505:libxl_read_exactly: file/stream truncated reading banner from migration receiver stream\n" +
                "libxl: info: libxl_exec.c:117:libxl_report_child_exitstatus: migration transport process [486] exited with error status 255\n",
                domain) { MigrationStateUndefined = false };
    }

    private (HostState Source, DomainState Domain, HostState Destination, DomainState Incoming) Locate(FabricState fabric, MigrationTicket ticket, string commandLine)
    {
        HostState source = Host(fabric);
        HostState? destination = fabric.FindHost(ticket.DestinationHost);
        DomainState? dom = source.Domains.FirstOrDefault(d => d.Id == ticket.SourceId);
        DomainState? incoming = destination?.Domains.FirstOrDefault(d => d.Id == ticket.IncomingId);
        if (destination is null || dom is null || incoming is null)
        {
            // Someone destroyed one side while the migration was in flight.
            throw new SimXlError(commandLine, 1,
                "libxl: error: libxl_utils.c:505:libxl_read_exactly: file/stream truncated reading ready message from migration receiver stream\n" +
                "Migration failed, resuming at sender.\n",
                ticket.DomainName) { MigrationStateUndefined = dom is null };
        }

        return (source, dom, destination, incoming);
    }

    // ---- files on the host ----

    /// <inheritdoc />
    public Task<bool> FileExistsAsync(string path, CancellationToken cancellationToken) =>
        RunAsync("FileExists", null, "test -e " + Quote(path), write: false, (_, host, _) => SimFileSystem.Resolve(host, path, out _) is not null, cancellationToken);

    /// <inheritdoc />
    public Task<string> ReadFileAsync(string path, CancellationToken cancellationToken)
    {
        string commandLine = "cat " + Quote(path);
        return RunAsync("ReadFile", null, commandLine, write: false, (_, host, _) =>
        {
            FileNode? node = SimFileSystem.Resolve(host, path, out _);
            return node switch
            {
                { Kind: FileNodeKind.File } => node.Content,
                { Kind: FileNodeKind.Directory } => throw new SimXlError(commandLine, 1, $"cat: {path}: Is a directory\n", null),
                _ => throw new SimXlError(commandLine, 1, $"cat: {path}: No such file or directory\n", null),
            };
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task WriteFileAsync(string path, string content, CancellationToken cancellationToken) =>
        WriteVerifiedAsync(path, content, exclusive: false, cancellationToken);

    /// <inheritdoc />
    public Task CreateFileAsync(string path, string content, CancellationToken cancellationToken) =>
        WriteVerifiedAsync(path, content, exclusive: true, cancellationToken);

    // The same outcomes as XlHostScripts.AtomicWrite on a real host; a simulated transfer is never cut off.
    private async Task WriteVerifiedAsync(string path, string content, bool exclusive, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(content);
        string commandLine = "sh -c '<xenps:" + (exclusive ? "create-file" : "write-file") + ">' sh " + Quote(path);
        try
        {
            await WriteOnHostAsync(path, content, exclusive, commandLine, cancellationToken).ConfigureAwait(false);
        }
        catch (XlCommandException ex)
        {
            // An injected fault (-FailNext WriteFile): the write stopped before the rename.
            throw new XenHostWriteException(path, HostName, ex.StandardError, fileUnchanged: true, ex);
        }
    }

    private Task WriteOnHostAsync(string path, string content, bool exclusive, string commandLine, CancellationToken cancellationToken) =>
        RunAsync("WriteFile", null, commandLine, (host, _) =>
        {
            string reason;
            switch (SimFileSystem.Write(host, path, content, exclusive, XenConfigSecrets.NewFileMode(content)))
            {
                case SimWriteResult.Written:
                    return;
                case SimWriteResult.Exists:
                    throw new XenHostFileExistsException(path, HostName);
                case SimWriteResult.IsDirectory:
                    reason = "Is a directory";
                    break;
                case SimWriteResult.TooManyLinks:
                    reason = "Too many levels of symbolic links";
                    break;
                default:
                    reason = "No such file or directory";
                    break;
            }

            throw new XenHostWriteException(path, HostName, $"cannot create a temporary file beside {path}: {reason}");
        }, cancellationToken);

    /// <inheritdoc />
    public Task DeleteFileAsync(string path, CancellationToken cancellationToken)
    {
        string commandLine = "rm -f " + Quote(path);
        return RunAsync("DeleteFile", null, commandLine, (host, _) =>
        {
            string? normalized = SimFileSystem.Normalize(path);
            if (normalized is null || !host.Files.TryGetValue(normalized, out FileNode? node))
            {
                return;
            }

            if (node.Kind == FileNodeKind.Directory)
            {
                throw new SimXlError(commandLine, 1, $"rm: cannot remove '{path}': Is a directory\n", null);
            }

            host.Files.Remove(normalized);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<XenHostFileEntry>> ListDirectoryAsync(string path, CancellationToken cancellationToken)
    {
        string commandLine = "ls -A " + Quote(path);
        return RunAsync<IReadOnlyList<XenHostFileEntry>>("ListDirectory", null, commandLine, write: false, (_, host, _) =>
        {
            if (SimFileSystem.Resolve(host, path, out string folder) is not { Kind: FileNodeKind.Directory })
            {
                throw new SimXlError(commandLine, 2, $"ls: cannot access '{path}': No such file or directory\n", null);
            }

            return SimFileSystem.Children(host, folder)
                .Select(child =>
                {
                    FileNode node = host.Files[child];
                    bool isDirectory = SimFileSystem.Resolve(host, child, out _) is { Kind: FileNodeKind.Directory };
                    return new XenHostFileEntry(SimFileSystem.FileName(child), isDirectory, node.Kind == FileNodeKind.Link);
                })
                .ToList();
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<XenDiskImage> CreateDiskImageAsync(string path, long sizeBytes, string format, bool preallocate, CancellationToken cancellationToken)
    {
        DiskImages.Validate(path, sizeBytes, format);
        string size = sizeBytes.ToString(CultureInfo.InvariantCulture);
        string commandLine = format == "raw"
            ? "truncate -s " + size + " -- " + Quote(path)
            : "qemu-img create -q -f qcow2 -o preallocation=" + (preallocate ? "full " : "off ") + Quote(path) + " " + size;
        return RunAsync("CreateDiskImage", null, commandLine, write: true, (_, host, _) =>
        {
            string normalized = SimFileSystem.Normalize(path)!;
            if (host.Files.ContainsKey(normalized))
            {
                throw DiskImages.Exists(path, HostName);
            }

            if (!SimFileSystem.IsDirectory(host, SimFileSystem.Parent(normalized)))
            {
                throw new SimXlError(commandLine, 1, $"sh: can't create {path}: nonexistent directory\n", null);
            }

            // A sparse raw file takes nothing until written; a fresh qcow2 is its header and tables (196 KiB at 64 KiB clusters).
            long allocated = preallocate ? sizeBytes : format == "qcow2" ? 196_608 : 0;
            host.Files[normalized] = new FileNode { Kind = FileNodeKind.File, Size = sizeBytes, Allocated = allocated };
            return DiskImages.Image(path, format, sizeBytes, allocated, HostName, Connection);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task CreateSymbolicLinkAsync(string linkPath, string targetPath, CancellationToken cancellationToken)
    {
        string commandLine = "ln -sfn " + Quote(targetPath) + " " + Quote(linkPath);
        return RunAsync("CreateSymbolicLink", null, commandLine, (host, _) =>
        {
            string? normalized = SimFileSystem.Normalize(linkPath);
            if (normalized is null || normalized == "/" || !SimFileSystem.IsDirectory(host, SimFileSystem.Parent(normalized)))
            {
                throw new SimXlError(commandLine, 1, $"ln: failed to create symbolic link '{linkPath}': No such file or directory\n", null);
            }

            if (host.Files.TryGetValue(normalized, out FileNode? existing) && existing.Kind == FileNodeKind.Directory)
            {
                throw new SimXlError(commandLine, 1, $"ln: {linkPath}: cannot overwrite directory\n", null);
            }

            host.Files[normalized] = new FileNode { Kind = FileNodeKind.Link, Target = targetPath };
        }, cancellationToken);
    }
}

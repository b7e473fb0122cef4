using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using XenPS.Toolstack;
using XenPS.Transport;

namespace XenPS.Operations;

/// <summary>What <c>Invoke-XenMigration</c> was asked for besides the guest and the destination.</summary>
public sealed class XenMigrationOptions
{
    /// <summary>xl's <c>-C</c>: a config file on the source to use instead of the guest's stored one.</summary>
    public string? ConfigPath { get; init; }

    /// <summary>xl's <c>-p</c>: leave the guest paused at the destination.</summary>
    public bool Paused { get; init; }

    /// <summary>After success, move the guest's config file (and its autostart link) to the destination.</summary>
    public bool MoveConfig { get; init; }

    /// <summary>Migrate even when the prechecks find problems.</summary>
    public bool Force { get; init; }
}

/// <summary>
/// Live migration as an operator needs it: prechecks with stable problem ids, placement across destinations,
/// <c>xl migrate</c> with its lines as progress phases, typed failures checked against what is now true on both
/// hosts, and the guest's config file moved with it on request.
/// </summary>
public sealed class MigrationOperations
{
    private readonly ILogger _log;

    /// <summary>Creates the operations.</summary>
    public MigrationOperations(ILoggerFactory? loggerFactory = null)
    {
        _log = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<MigrationOperations>();
    }

    /// <summary>
    /// Checks whether the guest of <paramref name="target"/> can migrate to <paramref name="destination"/> by
    /// <paramref name="route"/>. Every problem found is listed (none stops the others from being looked for).
    /// </summary>
    public async Task<XenMigrationCheck> CheckAsync(DomainTarget target, XenHostConnection destination, XenMigrationRoute route, string? configPath, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(route);
        target = await target.CurrentAsync(ct).ConfigureAwait(false);
        XenDomain d = target.Domain;
        var problems = new List<XenMigrationProblem>();
        var check = (IReadOnlyList<XenMigrationProblem> p, long? free) => new XenMigrationCheck(d.Name, target.Host.Name, destination.Name, p)
        {
            Uuid = d.Uuid,
            MemoryMB = d.MemoryMB,
            DestinationFreeMemoryMB = free,
            HostName = target.Host.Name,
            XenHost = target.Host,
            DestinationHost = destination,
        };
        if (d.Id == 0)
        {
            problems.Add(new("ControlDomain", $"Domain-0 is host '{target.Host.Name}' itself: it does not migrate.", d));
            return check(problems, null);
        }

        if (d.Id is null || d.State == XenDomainState.Off)
        {
            problems.Add(NotRunning(d, target.Host));
            return check(problems, null);
        }

        IXenToolstack source = target.Host.Toolstack;
        IXenToolstack dest = destination.Toolstack;
        string reference = target.Reference;
        Task<XenHostInfo> sourceInfo = source.GetHostInfoAsync(ct);
        Task<string> stored = configPath is null ? source.GetLiveConfigJsonAsync(reference, ct) : Task.FromResult(string.Empty);
        Task<bool> givenConfig = configPath is null ? Task.FromResult(true) : source.FileExistsAsync(configPath, ct);
        Task<CommandResult?> probe = route.SameHost
            ? Task.FromResult<CommandResult?>(null)
            : ProbeAsync(source, route, ct);
        Task<XenHostInfo>? destInfo = route.SameHost ? null : dest.GetHostInfoAsync(ct);
        Task<IReadOnlyList<XenDomain>>? destDomains = route.SameHost ? null : dest.ListDomainsAsync(ct);
        Task<IReadOnlyList<XenDisk>>? disks = route.SameHost ? null : source.GetDisksAsync(reference, ct);
        Task<IReadOnlyList<XenNetworkAdapter>>? vifs = route.SameHost ? null : source.GetNetworkAdaptersAsync(reference, ct);
        Task<IReadOnlyList<XenBridge>>? bridges = route.SameHost ? null : dest.GetBridgesAsync(ct);

        // Every read is awaited (so none is left unobserved); a destination that cannot be read is one problem.
        await Settle(sourceInfo, stored, givenConfig, probe, destInfo, destDomains, disks, vifs, bridges).ConfigureAwait(false);

        if (configPath is null && (stored.IsFaulted || string.IsNullOrWhiteSpace(stored.Result) || stored.Result.Trim() == "[]"))
        {
            problems.Add(new("NoStoredConfig", $"Domain '{d.Name}' on host '{target.Host.Name}' has no stored config and none was given (xl: \"No config file stored for running domain and none supplied - cannot migrate.\"): give -ConfigPath.", d));
        }

        if (configPath is not null && !(givenConfig.IsCompletedSuccessfully && givenConfig.Result))
        {
            problems.Add(new("ConfigNotFound", $"The config file '{configPath}' does not exist on host '{target.Host.Name}'.", configPath));
        }

        if (d.Type == XenDomainType.Pv && sourceInfo.IsCompletedSuccessfully && !sourceInfo.Result.Capabilities.Contains("shadow"))
        {
            problems.Add(new("ShadowPagingUnavailable",
                $"Domain '{d.Name}' is a PV guest and host '{target.Host.Name}' has no shadow paging (virt_caps: {string.Join(' ', sourceInfo.Result.Capabilities)}): xl cannot track its dirty pages (\"Failed to enable logdirty: 95\") and the migration fails at suspend.",
                sourceInfo.Result));
        }

        if (route.SameHost)
        {
            return check(problems, null);
        }

        // The name and memory checks do not apply within one host, whatever the route.
        bool sameHost = XenMigrationRoute.IsSameHost(target.Host, destination);
        if (probe.Exception?.InnerException is Exception pe)
        {
            problems.Add(new("DestinationUnreachable", $"Host '{target.Host.Name}' could not try to reach '{route.Address}': {pe.Message}", route));
        }
        else if (probe.Result is { } r && r.ExitCode != 0)
        {
            problems.Add(ProbeProblem(target.Host.Name, destination.Name, route, r));
        }

        long? free = null;
        if (destInfo!.IsFaulted)
        {
            problems.Add(new("DestinationNotReadable", $"XenPS could not read host '{destination.Name}': {destInfo.Exception!.InnerException!.Message}", destination));
        }
        else
        {
            XenHostInfo di = destInfo.Result;
            free = di.FreeMemoryMB;
            if (sourceInfo.IsCompletedSuccessfully && Older(di.XenVersion, sourceInfo.Result.XenVersion))
            {
                problems.Add(new("XenVersionIncompatible", $"Host '{destination.Name}' runs Xen {di.XenVersion}, older than host '{target.Host.Name}''s Xen {sourceInfo.Result.XenVersion}: Xen migrates only to the same or a newer version.", di));
            }

            if (!sameHost && di.FreeMemoryMB < d.MemoryMB)
            {
                problems.Add(new("InsufficientMemory", $"Host '{destination.Name}' has {di.FreeMemoryMB} MiB free; domain '{d.Name}' needs {d.MemoryMB} MiB.", di));
            }
        }

        // Only a running domain blocks xl (the receiver renames its copy to the guest's name); a config file of
        // that name (the guest's own, left by an earlier migration without -MoveConfig) does not.
        // Within one host (over ssh to localhost) the guest's own name is no clash: xl renames its copy away first.
        if (!sameHost && destDomains!.IsCompletedSuccessfully && destDomains.Result.FirstOrDefault(x => x.Name == d.Name && x.Id is not null) is { } clash)
        {
            problems.Add(new("DomainNameExists", $"A domain named '{d.Name}' already runs on host '{destination.Name}' (id {clash.Id?.ToString(CultureInfo.InvariantCulture)}).", clash));
        }

        if (disks!.IsCompletedSuccessfully)
        {
            foreach (XenDisk disk in disks.Result.Where(x => x.Target is { Length: > 0 } t && t.StartsWith('/')))
            {
                if (!await dest.FileExistsAsync(disk.Target!, ct).ConfigureAwait(false))
                {
                    problems.Add(new("DiskNotFound", $"Disk {disk.Vdev} of domain '{d.Name}' is '{disk.Target}', which does not exist on host '{destination.Name}': the destination must reach the same disk images.", disk));
                }
            }
        }

        if (vifs!.IsCompletedSuccessfully && bridges!.IsCompletedSuccessfully)
        {
            var names = bridges.Result.Select(b => b.Name).ToHashSet(StringComparer.Ordinal);
            foreach (XenNetworkAdapter vif in vifs.Result.Where(v => v.Bridge is { Length: > 0 } b && !names.Contains(b)))
            {
                problems.Add(new("BridgeNotFound", $"Network adapter {vif.Index} of domain '{d.Name}' uses bridge '{vif.Bridge}', which does not exist on host '{destination.Name}'.", vif));
            }
        }

        return check(problems, free);
    }

    /// <summary>
    /// Migrates the guest of <paramref name="target"/>. Without <see cref="XenMigrationOptions.Force"/> the
    /// prechecks run first and their problems refuse it (<c>MigrationPrecheckFailed</c>) before anything moves.
    /// A failure is a <see cref="XenMigrationException"/> whose <see cref="XenMigrationException.Finding"/> says
    /// where XenPS found the guest afterwards; XenPS never retries.
    /// </summary>
    public async Task<XenMigrationResult> MigrateAsync(
        DomainTarget target,
        XenHostConnection destination,
        XenMigrationRoute route,
        XenMigrationOptions options,
        IProgress<XenMigrationProgress>? progress,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(route);
        ArgumentNullException.ThrowIfNull(options);
        DomainLifecycle.RequireGuest(target, "migrate");
        target = await target.CurrentAsync(ct).ConfigureAwait(false);
        XenDomain d = target.Domain;
        if (d.Id is null || d.State == XenDomainState.Off)
        {
            // Even with -Force: there is nothing running to move (xl would say "invalid domain identifier").
            throw Refused(new XenMigrationCheck(d.Name, target.Host.Name, destination.Name, [NotRunning(d, target.Host)]));
        }

        if (!options.Force)
        {
            XenMigrationCheck check = await CheckAsync(target, destination, route, options.ConfigPath, ct).ConfigureAwait(false);
            if (!check.CanMigrate)
            {
                throw Refused(check);
            }

            target = await target.CurrentAsync(ct).ConfigureAwait(false);
        }

        var tracker = new MigrationProgressTracker();
        progress?.Report(new XenMigrationProgress(XenMigrationPhase.Connecting, 0, $"Connecting to '{route.Address}'."));
        var sync = new LineSink(line =>
        {
            if (tracker.Push(line) is { } step)
            {
                progress?.Report(step);
            }
        });
        XenMigrationRequest request = route.Request(options.ConfigPath, options.Paused);
        DateTimeOffset started = DateTimeOffset.Now;
        _log.LogInformation("Migrating domain '{Domain}' from host '{Source}' to host '{Destination}' ({Address}).", d.Name, target.Host.Name, destination.Name, route.Address);
        XenMigrationResult result;
        try
        {
            result = await target.Host.Toolstack.MigrateAsync(target.Reference, request, sync, ct).ConfigureAwait(false);
        }
        catch (XenMigrationException ex)
        {
            ex.NameDomain(d.Name);
            ex.Destination = destination.Name;
            await LookAsync(ex, d, target.Host, destination, ct).ConfigureAwait(false);
            throw;
        }

        XenDomain? arrived = await FindByUuidAsync(destination, d, ct).ConfigureAwait(false);
        string? configPath = d.ConfigPath;
        if (d.ConfigPath is { } cfg && !route.SameHost)
        {
            if (options.MoveConfig)
            {
                configPath = await MoveConfigAsync(target.Host, destination, d.Name, cfg, d.AutoStart, ct).ConfigureAwait(false);
            }
            else
            {
                _log.LogWarning("Domain '{Domain}' now runs on host '{Destination}', but its config file stays at '{Config}' on host '{Source}' (use -MoveConfig to move it).", d.Name, destination.Name, cfg, target.Host.Name);
            }
        }

        return new XenMigrationResult(d.Name, target.Host.Name, destination.Name)
        {
            Uuid = d.Uuid,
            StartTime = started,
            Duration = result.Duration,
            NewId = arrived?.Id,
            Log = result.Log,
            ConfigPath = configPath,
            HostName = target.Host.Name,
            XenHost = target.Host,
            DestinationHost = destination,
        };
    }

    private static XenMigrationProblem NotRunning(XenDomain d, XenHostConnection host) =>
        new("DomainNotRunning", $"Domain '{d.Name}' on host '{host.Name}' is not running: only a running guest migrates (start it where it should run, or copy its config file there).", d);

    /// <summary>The refusal for a check with problems: every reason, in one error.</summary>
    public static XenMigrationException Refused(XenMigrationCheck check)
    {
        ArgumentNullException.ThrowIfNull(check);
        string reasons = string.Join(" ", check.Problems.Select(p => $"[{p.Id}] {p.Message}"));

        // A destination the source cannot reach (or log in to) is that failure, found before anything moved.
        XenMigrationFailureKind kind = check.Problems.Any(p => p.Id == "DestinationUnreachable") ? XenMigrationFailureKind.HostUnreachable
            : check.Problems.Any(p => p.Id == "DestinationAuthenticationFailed") ? XenMigrationFailureKind.AuthenticationFailed
            : XenMigrationFailureKind.Refused;
        return new XenMigrationException(
            "xl migrate", 0, reasons, check.SourceHost, check.DomainName, kind,
            $"Domain '{check.DomainName}' was not migrated from host '{check.SourceHost}' to host '{check.Destination}': the prechecks found problems{(check.Problems.All(p => p.CanForce) ? " (use -Force to try anyway)" : string.Empty)}. {reasons}")
        {
            Destination = check.Destination,
            Location = XenMigrationLocation.Source,
            Prechecked = true,
        };
    }

    private static async Task Settle(params Task?[] tasks)
    {
        try
        {
            await Task.WhenAll(tasks.Where(t => t is not null)!).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Each task's own failure is read where it matters.
        }
    }

    private static async Task<CommandResult?> ProbeAsync(IXenToolstack source, XenMigrationRoute route, CancellationToken ct) =>
        await source.ProbeMigrationRouteAsync(route.SshWords, route.Address, ct).ConfigureAwait(false);

    private static XenMigrationProblem ProbeProblem(string source, string destination, XenMigrationRoute route, CommandResult r)
    {
        string words = r.StandardError.Trim();
        if (SshErrors.IsRemoteCommandNotFound(r.ExitCode, r.StandardError, "xl"))
        {
            return new("DestinationXlMissing", $"Host '{source}' reached '{route.Address}' (host '{destination}'), but xl is not found there: {words}", route);
        }

        return SshErrors.KindIn(r.StandardError) == SshFailureKind.Authentication
            ? new("DestinationAuthenticationFailed", $"Host '{destination}' at '{route.Address}' refused host '{source}''s ssh credentials ('{route.SshCommand} {route.Address}'): {words}", route)
            : new("DestinationUnreachable", $"Host '{source}' cannot reach host '{destination}' at '{route.Address}' with '{route.SshCommand} {route.Address}' (exit {r.ExitCode}): {words}", route);
    }

    private static bool Older(string version, string than)
    {
        static (int, int)? MajorMinor(string v)
        {
            string[] p = v.Split('.');
            return p.Length >= 2 && int.TryParse(p[0], NumberStyles.None, CultureInfo.InvariantCulture, out int a) && int.TryParse(p[1], NumberStyles.None, CultureInfo.InvariantCulture, out int b) ? (a, b) : null;
        }

        return MajorMinor(version) is { } x && MajorMinor(than) is { } y && x.CompareTo(y) < 0;
    }

    private static async Task<XenDomain?> FindByUuidAsync(XenHostConnection host, XenDomain guest, CancellationToken ct)
    {
        IReadOnlyList<XenDomain> all = await host.Toolstack.ListDomainsAsync(ct).ConfigureAwait(false);
        return all.FirstOrDefault(x => x.Id is not null && (guest.Uuid is { } u ? x.Uuid == u : x.Name == guest.Name));
    }

    private async Task LookAsync(XenMigrationException ex, XenDomain guest, XenHostConnection source, XenHostConnection destination, CancellationToken ct)
    {
        try
        {
            XenDomain? here = await FindByUuidAsync(source, guest, ct).ConfigureAwait(false);
            XenDomain? there = XenMigrationRoute.IsSameHost(source, destination) ? null : await FindByUuidAsync(destination, guest, ct).ConfigureAwait(false);
            string At(XenDomain x, XenHostConnection h) => $"'{x.Name}' (id {x.Id}, {x.State}) on host '{h.Name}'";
            (ex.Location, ex.Finding) = (here, there) switch
            {
                (not null, null) => (XenMigrationLocation.Source, $"XenPS looked: the guest is at the source, {At(here, source)}" + (XenMigrationRoute.IsSameHost(source, destination) ? "." : $"; nothing with its UUID on host '{destination.Name}'.")),
                (null, not null) => (XenMigrationLocation.Destination, $"XenPS looked: the guest is at the destination, {At(there, destination)}; nothing with its UUID on host '{source.Name}'."),
                (not null, not null) => (XenMigrationLocation.Both, $"XenPS looked: a domain with the guest's UUID exists on both hosts, {At(here, source)} and {At(there, destination)}: keep at most one running (two running copies would corrupt its disks)."),
                _ => (XenMigrationLocation.Neither, $"XenPS looked: no domain with the guest's UUID runs on host '{source.Name}' or host '{destination.Name}'."),
            };
        }
        catch (Exception look) when (look is XenException or OperationCanceledException)
        {
            ex.Finding = $"XenPS could not look at both hosts afterwards: {look.Message}";
        }

        _log.LogInformation("Migration of domain '{Domain}' failed ({Kind}); {Finding}", guest.Name, ex.Kind, ex.Finding);
    }

    /// <summary>
    /// Moves the migrated guest's config file (and its autostart link, when it had one) to the destination: writes
    /// the file there (atomically) and the link, then removes both at the source. The guest has moved already; a step
    /// that fails undoes the earlier file steps, so the file is in exactly one place, and the error says the guest moved.
    /// </summary>
    private async Task<string> MoveConfigAsync(XenHostConnection source, XenHostConnection destination, string name, string configPath, bool autoStart, CancellationToken ct)
    {
        string target = destination.ConfigDirectory.TrimEnd('/') + "/" + configPath[(configPath.LastIndexOf('/') + 1)..];
        string sourceLink = DomainLifecycle.AutoStartLink(source.ConfigDirectory, configPath);
        string targetLink = DomainLifecycle.AutoStartLink(destination.ConfigDirectory, target);
        var steps = new OperationSteps($"Migrating domain '{name}' from host '{source.Name}' to host '{destination.Name}' with -MoveConfig", source.Name, name);
        steps.Done($"migrated it (it runs on host '{destination.Name}' now)");
        string stays = $"The guest runs on host '{destination.Name}'; its config file stays on host '{source.Name}' unless a step above says otherwise.";

        string text = string.Empty;
        await steps.RunAsync($"reading its config file {configPath} on host '{source.Name}'", async () => text = await source.Toolstack.ReadFileAsync(configPath, ct).ConfigureAwait(false), stays).ConfigureAwait(false);
        await steps.RunAsync($"writing {target} on host '{destination.Name}'", () => destination.Toolstack.WriteFileAsync(target, text, ct), stays).ConfigureAwait(false);
        steps.Done($"wrote {target} on host '{destination.Name}'", $"deleted {target} on host '{destination.Name}' again", c => destination.Toolstack.DeleteFileAsync(target, c));
        if (autoStart)
        {
            await steps.RunAsync($"creating the autostart link {targetLink} on host '{destination.Name}'", () => destination.Toolstack.CreateSymbolicLinkAsync(targetLink, target, ct), stays).ConfigureAwait(false);
            steps.Done($"created the autostart link {targetLink} on host '{destination.Name}'", $"removed {targetLink} on host '{destination.Name}' again", c => destination.Toolstack.DeleteFileAsync(targetLink, c));
        }

        await steps.RunAsync($"removing the autostart link {sourceLink} on host '{source.Name}'", () => source.Toolstack.DeleteFileAsync(sourceLink, ct), stays).ConfigureAwait(false);
        if (autoStart)
        {
            steps.Done($"removed the autostart link {sourceLink} on host '{source.Name}'", $"created {sourceLink} on host '{source.Name}' again", c => source.Toolstack.CreateSymbolicLinkAsync(sourceLink, configPath, c));
        }

        await steps.RunAsync($"deleting {configPath} on host '{source.Name}'", () => source.Toolstack.DeleteFileAsync(configPath, ct), stays).ConfigureAwait(false);
        _log.LogInformation(
            "Moved config file '{Config}' from host '{Source}' to '{Target}' on host '{Destination}'{Link}.",
            configPath,
            source.Name,
            target,
            destination.Name,
            autoStart ? $", with its autostart link {targetLink}" : string.Empty);
        return target;
    }

    /// <summary>Hands each line to the tracker on the reporting thread (Progress&lt;T&gt; would post them out of order).</summary>
    private sealed class LineSink(Action<string> onLine) : IProgress<string>
    {
        public void Report(string value) => onLine(value);
    }
}

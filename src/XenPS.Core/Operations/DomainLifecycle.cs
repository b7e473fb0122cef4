using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace XenPS.Operations;

/// <summary>
/// The decisions behind the lifecycle cmdlets, one method per verb, over any toolstack. Each takes a
/// <see cref="DomainTarget"/> as resolved (a listing or a piped object, possibly stale), first finds the
/// domain as it is now by its identity (<see cref="DomainTarget.CurrentAsync"/>: one targeted call, a
/// gone domain is a <see cref="XenDomainNotFoundException"/>), acts on it by domid, and returns the domain
/// as it is afterwards (a targeted read, only when <see cref="DomainTarget.ReadBack"/>; otherwise
/// <see langword="null"/>). No verb lists the host per domain.
/// </summary>
public sealed class DomainLifecycle
{
    private readonly ILogger _logger;
    private readonly TimeProvider _time;

    /// <summary>Creates the operations.</summary>
    public DomainLifecycle(ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<DomainLifecycle>();
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>How often <see cref="WaitAsync"/> looks at the domain.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Start: an Off domain is created from its config file (paused with <paramref name="paused"/>);
    /// a paused one is unpaused; a running one is left alone. A shut-down or crashed domain must be
    /// destroyed first (Stop-XenDomain -Force): xl keeps it until then.
    /// </summary>
    public async Task<XenDomain?> StartAsync(DomainTarget target, bool paused, CancellationToken ct)
    {
        target = await target.CurrentAsync(ct).ConfigureAwait(false);
        XenDomain d = target.Domain;
        var ts = target.Host.Toolstack;
        switch (d.State)
        {
            case XenDomainState.Off:
                string path = d.ConfigPath ?? throw new XenOperationException(
                    "NoConfigFile", XenErrorCategory.ObjectNotFound,
                    $"Domain '{d.Name}' on host '{target.Host.Name}' has no config file to start from.");
                _logger.LogInformation("Starting domain {Domain} on {Host} from {ConfigPath}", d.Name, target.Host.Name, path);
                return await target.WithUptimeAsync(await ts.CreateFromFileAsync(path, paused, ct).ConfigureAwait(false), ct).ConfigureAwait(false);
            case XenDomainState.Paused when !paused:
                _logger.LogInformation("Domain {Domain} on {Host} is paused: unpausing it", d.Name, target.Host.Name);
                await ts.UnpauseAsync(target.Reference, ct).ConfigureAwait(false);
                return await target.AfterAsync(ct).ConfigureAwait(false);
            case XenDomainState.Running or XenDomainState.Paused:
                _logger.LogInformation("Domain {Domain} on {Host} is already {State}: nothing to do", d.Name, target.Host.Name, d.State);
                return await target.WithUptimeAsync(d, ct).ConfigureAwait(false);
            default:
                throw new XenOperationException(
                    "DomainNotStartable", XenErrorCategory.InvalidOperation,
                    $"Domain '{d.Name}' on host '{target.Host.Name}' is {d.State}: xl keeps it until it is destroyed. Run Stop-XenDomain -Force, then Start-XenDomain.");
        }
    }

    /// <summary>
    /// Stop: graceful <c>xl shutdown</c> (optionally waiting), or <c>xl destroy</c> with <paramref name="force"/>.
    /// An Off domain is left alone; a paused domain cannot acknowledge a shutdown, so without force it is an error.
    /// </summary>
    public async Task<XenDomain?> StopAsync(DomainTarget target, bool force, bool wait, TimeSpan? timeout, CancellationToken ct)
    {
        RequireGuest(target, force ? "destroy" : "shut down");
        target = await target.CurrentAsync(ct).ConfigureAwait(false);
        XenDomain d = target.Domain;
        var ts = target.Host.Toolstack;
        if (d.State == XenDomainState.Off)
        {
            _logger.LogInformation("Domain {Domain} on {Host} is already off", d.Name, target.Host.Name);
            return d;
        }

        if (force || d.State is XenDomainState.Shutdown or XenDomainState.Crashed or XenDomainState.Dying)
        {
            _logger.LogInformation("Destroying domain {Domain} on {Host}", d.Name, target.Host.Name);
            await ts.DestroyAsync(target.Reference, ct).ConfigureAwait(false);
        }
        else if (d.State == XenDomainState.Paused)
        {
            throw new XenOperationException(
                "DomainPaused", XenErrorCategory.InvalidOperation,
                $"Domain '{d.Name}' on host '{target.Host.Name}' is paused and cannot acknowledge a shutdown. Resume it first (Resume-XenDomain), or use -Force to destroy it.");
        }
        else
        {
            _logger.LogInformation("Shutting down domain {Domain} on {Host}{Wait}", d.Name, target.Host.Name, wait ? " and waiting" : string.Empty);
            try
            {
                await ts.ShutdownAsync(target.Reference, wait, timeout, ct).ConfigureAwait(false);
            }
            catch (XenTimeoutException ex) when (wait)
            {
                // -Timeout bounds the wait, not the shutdown: xl delivered the request before waiting.
                throw WaitStopped(ex, "The shutdown was requested and goes on without the wait (Wait-XenDomain -State Off waits again).");
            }
        }

        return await target.AfterAsync(ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Restart: <c>xl reboot</c> (optionally waiting), or with <paramref name="force"/> destroy, then start again from the config file.
    /// </summary>
    public async Task<XenDomain?> RestartAsync(DomainTarget target, bool force, bool wait, TimeSpan? timeout, CancellationToken ct)
    {
        RequireGuest(target, "reboot");
        target = await target.CurrentAsync(ct).ConfigureAwait(false);
        XenDomain d = target.Domain;
        var ts = target.Host.Toolstack;
        if (d.State == XenDomainState.Off)
        {
            throw new XenOperationException(
                "DomainNotRunning", XenErrorCategory.InvalidOperation,
                $"Domain '{d.Name}' on host '{target.Host.Name}' is off: use Start-XenDomain.");
        }

        if (force)
        {
            string path = d.ConfigPath ?? throw new XenOperationException(
                "NoConfigFile", XenErrorCategory.ObjectNotFound,
                $"Domain '{d.Name}' on host '{target.Host.Name}' has no config file in {ts.ConfigDirectory}: -Force would destroy it with nothing to start again from. Nothing was changed.");
            _logger.LogInformation("Destroying domain {Domain} on {Host}, then starting it from {ConfigPath}", d.Name, target.Host.Name, path);
            await ts.DestroyAsync(target.Reference, ct).ConfigureAwait(false);
            XenDomain started = await ts.CreateFromFileAsync(path, paused: false, ct).ConfigureAwait(false);
            return target.ReadBack ? await target.WithUptimeAsync(started, ct).ConfigureAwait(false) : null;
        }

        if (d.State == XenDomainState.Paused)
        {
            throw new XenOperationException(
                "DomainPaused", XenErrorCategory.InvalidOperation,
                $"Domain '{d.Name}' on host '{target.Host.Name}' is paused and cannot acknowledge a reboot. Resume it first, or use -Force.");
        }

        // What Xen does when the guest reboots decides whether there is anything to wait for: with
        // on_reboot = destroy (or preserve) the domain never runs again, and waiting would only time out.
        string? onReboot = wait ? await OnRebootAsync(target, ct).ConfigureAwait(false) : null;
        _logger.LogInformation("Rebooting domain {Domain} on {Host}", d.Name, target.Host.Name);
        long start = _time.GetTimestamp();
        try
        {
            await ts.RebootAsync(target.Reference, wait, timeout, ct).ConfigureAwait(false);
        }
        catch (XenTimeoutException ex) when (wait)
        {
            throw WaitStopped(ex, "The reboot was requested and goes on without the wait (Wait-XenDomain -State Running waits again).");
        }

        if (!wait)
        {
            return await target.AfterAsync(ct).ConfigureAwait(false);
        }

        // xl reboot -w returns when the old domain goes down; xl's own daemon then creates it again
        // under a new domid. "Restarted" means the new one is up.
        TimeSpan limit = timeout ?? DefaultRebootWait;
        while (true)
        {
            XenDomain? now = await target.FindAsync(fresh: true, ct).ConfigureAwait(false);
            if (now is { State: XenDomainState.Running } && now.Id != d.Id)
            {
                return target.ReadBack ? now : null;
            }

            if (WillNotRestart(onReboot, now) is string why)
            {
                throw new XenOperationException(
                    "DomainWillNotRestart", XenErrorCategory.InvalidResult,
                    $"Domain '{d.Name}' on host '{target.Host.Name}' rebooted and did not come back running: {why}. The wait ended at once.")
                {
                    HostName = target.Host.Name,
                    Domain = d.Name,
                };
            }

            if (_time.GetElapsedTime(start) >= limit)
            {
                throw new XenTimeoutException("Restart", limit, target.Host.Name, d.Name);
            }

            await Task.Delay(PollInterval, _time, ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Why a domain that was asked to reboot will never run again, or null while it still may: with
    /// on_reboot = destroy it is gone (listed Off from its config file, or not at all), with preserve it
    /// stays shut down. (While xl restarts a domain it can be unlisted for a moment: that is why the
    /// action, and not the absence alone, decides.)
    /// </summary>
    public static string? WillNotRestart(string? onReboot, XenDomain? now) => onReboot switch
    {
        "destroy" when now is null || now.State == XenDomainState.Off =>
            "its on_reboot action is 'destroy', so Xen destroyed it instead of starting it again",
        "preserve" when now is { State: XenDomainState.Shutdown or XenDomainState.Crashed } =>
            "its on_reboot action is 'preserve', so Xen keeps it shut down; Stop-XenDomain -Force destroys it",
        _ => null,
    };

    // The on_reboot action of a running domain from its live configuration; libxl leaves out a default
    // (destroy). Null when it cannot be read: the wait then runs to its timeout, as before.
    private async Task<string?> OnRebootAsync(DomainTarget target, CancellationToken ct)
    {
        try
        {
            string json = await target.Host.Toolstack.GetLiveConfigJsonAsync(target.Reference, ct).ConfigureAwait(false);
            using var doc = System.Text.Json.JsonDocument.Parse(json);
            System.Text.Json.JsonElement root = doc.RootElement;
            if (root.ValueKind == System.Text.Json.JsonValueKind.Array && root.GetArrayLength() > 0 && root[0].TryGetProperty("config", out var inner))
            {
                root = inner;
            }

            if (root.ValueKind != System.Text.Json.JsonValueKind.Object)
            {
                return null;
            }

            return root.TryGetProperty("on_reboot", out var action) && action.ValueKind == System.Text.Json.JsonValueKind.String
                ? action.GetString()
                : "destroy";
        }
        catch (Exception ex) when (ex is XenException or System.Text.Json.JsonException)
        {
            _logger.LogDebug("Could not read the on_reboot action of domain {Domain} on {Host}: {Reason}", target.Domain.Name, target.Host.Name, ex.Message);
            return null;
        }
    }

    private static XenTimeoutException WaitStopped(XenTimeoutException ex, string detail) =>
        new(ex.Operation, ex.Timeout, ex.HostName, ex.Domain, detail);

    /// <summary>How long Restart -Wait waits for the domain to come back when no timeout is given.</summary>
    public TimeSpan DefaultRebootWait { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Pause (<c>xl pause</c>); an already paused domain is left alone.</summary>
    public async Task<XenDomain?> SuspendAsync(DomainTarget target, CancellationToken ct)
    {
        RequireGuest(target, "pause");
        target = await target.CurrentAsync(ct).ConfigureAwait(false);
        XenDomain d = target.Domain;
        RequireRunning(target, "paused");
        if (d.State == XenDomainState.Paused)
        {
            _logger.LogInformation("Domain {Domain} on {Host} is already paused", d.Name, target.Host.Name);
            return d;
        }

        await target.Host.Toolstack.PauseAsync(target.Reference, ct).ConfigureAwait(false);
        return await target.AfterAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Unpause (<c>xl unpause</c>); a running domain is left alone (xl would print an error and exit 0).</summary>
    public async Task<XenDomain?> ResumeAsync(DomainTarget target, CancellationToken ct)
    {
        target = await target.CurrentAsync(ct).ConfigureAwait(false);
        XenDomain d = target.Domain;
        RequireRunning(target, "resumed");
        if (d.State == XenDomainState.Running)
        {
            _logger.LogInformation("Domain {Domain} on {Host} is already running", d.Name, target.Host.Name);
            return d;
        }

        await target.Host.Toolstack.UnpauseAsync(target.Reference, ct).ConfigureAwait(false);
        return await target.AfterAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Save to a file on the host (<c>xl save</c>, <c>-c</c>, <c>-p</c>); an existing file is overwritten.</summary>
    public Task<XenDomain?> SaveAsync(DomainTarget target, string path, XenSaveMode mode, CancellationToken ct) =>
        SaveAsync(target, path, mode, overwrite: true, claims: null, ct);

    /// <summary>
    /// Save to a file on the host (<c>xl save</c>, <c>-c</c>, <c>-p</c>). Without <paramref name="overwrite"/>
    /// an existing file is refused (<c>SaveFileExists</c>); a file another domain of the same command
    /// (<paramref name="claims"/>) is saved to is refused whatever <paramref name="overwrite"/> says
    /// (<c>SaveFileInUse</c>). Either way the domain is left as it was: the checks come before xl runs.
    /// </summary>
    public async Task<XenDomain?> SaveAsync(DomainTarget target, string path, XenSaveMode mode, bool overwrite, SaveFileClaims? claims, CancellationToken ct)
    {
        RequireGuest(target, "save");
        target = await target.CurrentAsync(ct).ConfigureAwait(false);
        RequireRunning(target, "saved");
        claims?.Claim(target, path);
        if (!overwrite && await target.Host.Toolstack.FileExistsAsync(path, ct).ConfigureAwait(false))
        {
            throw new XenOperationException(
                "SaveFileExists", XenErrorCategory.ResourceExists,
                $"Domain '{target.Domain.Name}' on host '{target.Host.Name}' was not saved: '{path}' already exists, and Save-XenDomain does not overwrite a save file without -Force. The domain is left as it was.")
            {
                HostName = target.Host.Name,
                Domain = target.Domain.Name,
            };
        }

        _logger.LogInformation("Saving domain {Domain} on {Host} to {Path} ({Mode})", target.Domain.Name, target.Host.Name, path, mode);
        await target.Host.Toolstack.SaveAsync(target.Reference, path, mode, ct).ConfigureAwait(false);
        return await target.AfterAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Destroys a running domain (only with <paramref name="force"/>), then deletes its config file and autostart link.</summary>
    public async Task RemoveAsync(DomainTarget target, bool force, CancellationToken ct)
    {
        RequireGuest(target, "remove");

        // The state now decides, however old the object: a domain that runs now needs -Force.
        target = await target.CurrentAsync(ct).ConfigureAwait(false);
        XenDomain d = target.Domain;
        var ts = target.Host.Toolstack;

        if (d.State != XenDomainState.Off)
        {
            if (!force)
            {
                throw new XenOperationException(
                    "DomainRunning", XenErrorCategory.InvalidOperation,
                    $"Domain '{d.Name}' on host '{target.Host.Name}' is {d.State}. Stop it first, or use -Force to destroy it and remove it.");
            }

            _logger.LogInformation("Destroying domain {Domain} on {Host} before removing it", d.Name, target.Host.Name);
            await ts.DestroyAsync(target.Reference, ct).ConfigureAwait(false);
        }

        if (d.ConfigPath is { } cfg)
        {
            // The link first, then the file: a link left without its file would make xendomains fail at
            // boot; a file whose deletion fails gets its link back, so it stays as it was.
            var steps = new OperationSteps($"Removing domain '{d.Name}' on host '{target.Host.Name}'", target.Host.Name, d.Name);
            if (d.State != XenDomainState.Off)
            {
                steps.Done("destroyed the running domain");
            }

            string link = AutoStartLink(ts.ConfigDirectory, cfg);
            await steps.RunAsync($"removing the autostart link {link}", () => ts.DeleteFileAsync(link, ct)).ConfigureAwait(false);
            if (d.AutoStart)
            {
                steps.Done($"removed the autostart link {link}", $"put {link} back", c => ts.CreateSymbolicLinkAsync(link, cfg, c));
            }

            _logger.LogInformation("Deleting config file {ConfigPath} of domain {Domain} on {Host}", cfg, d.Name, target.Host.Name);
            await steps.RunAsync($"deleting its config file {cfg}", () => ts.DeleteFileAsync(cfg, ct)).ConfigureAwait(false);
        }
    }

    /// <summary>Waits until the domain is in <paramref name="state"/> (<see cref="XenDomainState.Off"/> also means gone), polling on the time provider.</summary>
    /// <exception cref="XenTimeoutException">The timeout passed first.</exception>
    public async Task<XenDomain?> WaitAsync(DomainTarget target, XenDomainState state, TimeSpan? timeout, CancellationToken ct)
    {
        long start = _time.GetTimestamp();
        while (true)
        {
            // Each poll is a targeted read by identity; the object it finds is what the next poll follows.
            XenDomain? now = await target.FindAsync(fresh: true, ct).ConfigureAwait(false);
            if ((now is null && state == XenDomainState.Off) || now?.State == state)
            {
                return now;
            }

            if (now is null)
            {
                throw DomainLocator.Gone(target.Host, target.Domain);
            }

            target = target with { Domain = now };
            if (timeout is { } limit && _time.GetElapsedTime(start) >= limit)
            {
                throw new XenTimeoutException($"Waiting for state {state}", limit, target.Host.Name, target.Domain.Name);
            }

            await Task.Delay(PollInterval, _time, ct).ConfigureAwait(false);
        }
    }

    /// <summary>The autostart link of a config file: <c>&lt;configdir&gt;/auto/&lt;file&gt;</c>.</summary>
    public static string AutoStartLink(string configDirectory, string configPath) =>
        configDirectory.TrimEnd('/') + "/auto/" + configPath[(configPath.LastIndexOf('/') + 1)..];

    // Domain-0 is the host itself: "xl shutdown 0" asks the host's own kernel to power off, and pause,
    // save or rename of it make no sense. Such a request (often Get-XenDomain piped on, which lists
    // Domain-0) is refused for Domain-0 and goes on for the others.
    /// <summary>
    /// Refuses Domain-0 (<c>DomainProtected</c>) for a verb that would <paramref name="what"/> it. The cmdlets
    /// call it before -WhatIf/-Confirm too, so that what they describe is what the run would do.
    /// </summary>
    public static void RequireGuest(DomainTarget target, string what)
    {
        if (target.Domain.Id == 0)
        {
            throw new XenOperationException(
                "DomainProtected", XenErrorCategory.InvalidOperation,
                $"Domain-0 on host '{target.Host.Name}' is the host itself: XenPS does not {what} Domain-0.");
        }
    }

    private static void RequireRunning(DomainTarget target, string what)
    {
        if (target.Domain.State is XenDomainState.Off)
        {
            throw new XenOperationException(
                "DomainNotRunning", XenErrorCategory.InvalidOperation,
                $"Domain '{target.Domain.Name}' on host '{target.Host.Name}' is off: it cannot be {what}.");
        }
    }
}

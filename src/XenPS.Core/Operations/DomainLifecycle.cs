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
                return await ts.CreateFromFileAsync(path, paused, ct).ConfigureAwait(false);
            case XenDomainState.Paused when !paused:
                _logger.LogInformation("Domain {Domain} on {Host} is paused: unpausing it", d.Name, target.Host.Name);
                await ts.UnpauseAsync(target.Reference, ct).ConfigureAwait(false);
                return await target.AfterAsync(ct).ConfigureAwait(false);
            case XenDomainState.Running or XenDomainState.Paused:
                _logger.LogInformation("Domain {Domain} on {Host} is already {State}: nothing to do", d.Name, target.Host.Name, d.State);
                return d;
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
            await ts.ShutdownAsync(target.Reference, wait, timeout, ct).ConfigureAwait(false);
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
            return target.ReadBack ? started : null;
        }

        if (d.State == XenDomainState.Paused)
        {
            throw new XenOperationException(
                "DomainPaused", XenErrorCategory.InvalidOperation,
                $"Domain '{d.Name}' on host '{target.Host.Name}' is paused and cannot acknowledge a reboot. Resume it first, or use -Force.");
        }

        _logger.LogInformation("Rebooting domain {Domain} on {Host}", d.Name, target.Host.Name);
        long start = _time.GetTimestamp();
        await ts.RebootAsync(target.Reference, wait, timeout, ct).ConfigureAwait(false);
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

            if (_time.GetElapsedTime(start) >= limit)
            {
                throw new XenTimeoutException("Restart", limit, target.Host.Name, d.Name);
            }

            await Task.Delay(PollInterval, _time, ct).ConfigureAwait(false);
        }
    }

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

    /// <summary>Save to a file on the host (<c>xl save</c>, <c>-c</c>, <c>-p</c>).</summary>
    public async Task<XenDomain?> SaveAsync(DomainTarget target, string path, XenSaveMode mode, CancellationToken ct)
    {
        RequireGuest(target, "save");
        target = await target.CurrentAsync(ct).ConfigureAwait(false);
        RequireRunning(target, "saved");
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
            await ts.DeleteFileAsync(AutoStartLink(ts.ConfigDirectory, cfg), ct).ConfigureAwait(false);
            _logger.LogInformation("Deleting config file {ConfigPath} of domain {Domain} on {Host}", cfg, d.Name, target.Host.Name);
            await ts.DeleteFileAsync(cfg, ct).ConfigureAwait(false);
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
                $"Domain-0 on host '{target.Host.Name}' is the host itself: XenPS does not {what} it.");
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

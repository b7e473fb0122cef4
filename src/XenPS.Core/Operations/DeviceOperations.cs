using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using XenPS.Config;
using XenPS.Toolstack;

namespace XenPS.Operations;

/// <summary>
/// The decisions behind the disk, network adapter, bridge and image cmdlets, over any toolstack. A running
/// domain's devices are changed live (xl block-attach, network-attach, ...); with <c>Persist</c> its config file
/// too (the editor keeps every other byte). An Off domain has no running devices: only its file changes, and
/// only when asked with <c>Persist</c>. Checks that xl would fail late on (a missing target, a missing bridge)
/// run first, naming the path or bridge and the host.
/// </summary>
public sealed class DeviceOperations
{
    private readonly ILogger _logger;

    /// <summary>Creates the operations.</summary>
    public DeviceOperations(ILoggerFactory? loggerFactory = null)
    {
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<DeviceOperations>();
    }

    /// <summary>The target a piped disk names: exactly its domain on its host, as it was listed (never looked up again by name).</summary>
    public static DomainTarget TargetOf(XenDisk disk, XenHostConnection fallbackHost)
    {
        ArgumentNullException.ThrowIfNull(disk);
        return Target(disk.Domain, disk.DomainName, disk.DomainId, disk.DomainUuid, disk.XenHost ?? fallbackHost);
    }

    /// <summary>The target a piped adapter names: exactly its domain on its host, as it was listed.</summary>
    public static DomainTarget TargetOf(XenNetworkAdapter adapter, XenHostConnection fallbackHost)
    {
        ArgumentNullException.ThrowIfNull(adapter);
        return Target(adapter.Domain, adapter.DomainName, adapter.DomainId, adapter.DomainUuid, adapter.XenHost ?? fallbackHost);
    }

    private static DomainTarget Target(XenDomain? listed, string name, int? id, Guid? uuid, XenHostConnection host)
    {
        ArgumentNullException.ThrowIfNull(host);
        XenDomain domain = listed ?? new XenDomain(name)
        {
            Id = id,
            Uuid = uuid,
            State = id is null ? XenDomainState.Off : XenDomainState.Running,
            HostName = host.Name,
            XenHost = host,
        };
        return new DomainTarget(host, domain);
    }

    // ---------------------------------------------------------------- disks

    /// <summary>The domain's disks: <c>xl block-list</c> joined with its live config; an Off domain's from its config file.</summary>
    public async Task<IReadOnlyList<XenDisk>> GetDisksAsync(DomainTarget target, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(target);
        target = await target.CurrentAsync(ct).ConfigureAwait(false);
        IReadOnlyList<XenDisk> disks = IsLive(target)
            ? await target.Host.Toolstack.GetDisksAsync(target.Reference, ct).ConfigureAwait(false)
            : DeviceSpecs.DisksFromConfig(await ReadConfigAsync(target, ct).ConfigureAwait(false), target.Domain, target.Host);
        return Stamp(disks, target, (d, t) =>
        {
            d.Domain = t.Domain;
            d.DomainUuid = t.Domain.Uuid;
        });
    }

    /// <summary>
    /// Attaches a disk (<c>xl block-attach</c>) to a running domain, and with <see cref="DiskRequest.Persist"/> adds it to the
    /// config file; an Off domain's file only, and only with Persist. A target that does not exist on the host is refused first.
    /// </summary>
    public async Task<XenDisk> AddDiskAsync(DomainTarget target, DiskRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(request);
        target = await target.CurrentAsync(ct).ConfigureAwait(false);
        RequireGuest(target, "attach a disk to");
        bool live = RequireLiveOrPersist(target, request.Persist, "attach a disk to");
        IXenToolstack ts = target.Host.Toolstack;

        XenConfigDocument? doc = request.Persist ? await ReadDocumentAsync(target, ct).ConfigureAwait(false) : null;
        IReadOnlyList<XenDisk> current = await GetDisksAsync(target, ct).ConfigureAwait(false);
        var used = current.Select(d => d.Vdev).ToList();
        if (doc is not null)
        {
            used.AddRange(XenDomainConfig.Parse(doc.ToString()).Disks.Where(d => d.Vdev is not null).Select(d => d.Vdev!));
        }

        XenDiskSpec disk = DeviceSpecs.BuildDisk(request, used.Distinct(StringComparer.Ordinal).ToList(), target.Domain.Type == XenDomainType.Hvm);
        await EnsureTargetExistsAsync(target, disk.Target, ct).ConfigureAwait(false);
        string spec = disk.ToSpecString(check: true);

        XenDisk? attached = null;
        if (live)
        {
            _logger.LogInformation("Attaching disk {Spec} to domain {Domain} on {Host}", spec, target.Domain.Name, target.Host.Name);
            attached = await ts.AttachDiskAsync(target.Reference, spec, ct).ConfigureAwait(false);
        }

        if (doc is not null)
        {
            DeviceSpecs.AddItem(doc, "disk", spec);
            await WriteDocumentAsync(target, doc, live, $"disk {disk.Vdev}", ct).ConfigureAwait(false);
        }

        if (attached is not null)
        {
            return Stamp([attached], target, (d, t) =>
            {
                d.Domain = t.Domain;
                d.DomainUuid = t.Domain.Uuid;
            })[0];
        }

        return (await GetDisksAsync(target, ct).ConfigureAwait(false)).First(d => DeviceSpecs.SameVdev(d.Vdev, disk.Vdev!));
    }

    /// <summary>
    /// Detaches a disk (<c>xl block-detach</c>, <c>--force</c> with <paramref name="force"/>) from a running domain, and with
    /// <paramref name="persist"/> removes it from the config file; an Off domain's file only. Never deletes the image.
    /// </summary>
    public async Task RemoveDiskAsync(DomainTarget target, string vdev, bool force, bool persist, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentException.ThrowIfNullOrEmpty(vdev);
        target = await target.CurrentAsync(ct).ConfigureAwait(false);
        RequireGuest(target, "detach a disk from");
        bool live = RequireLiveOrPersist(target, persist, "detach a disk from");
        XenConfigDocument? doc = persist ? await ReadDocumentAsync(target, ct).ConfigureAwait(false) : null;
        if (live)
        {
            _logger.LogInformation("Detaching disk {Vdev} from domain {Domain} on {Host}{Force}", vdev, target.Domain.Name, target.Host.Name, force ? " (forced)" : string.Empty);
            await target.Host.Toolstack.DetachDiskAsync(target.Reference, vdev, force, ct).ConfigureAwait(false);
        }

        if (doc is not null)
        {
            if (DeviceSpecs.RemoveItem(doc, "disk", (item, _) => DeviceSpecs.IsDisk(item, vdev)))
            {
                await WriteDocumentAsync(target, doc, live, $"disk {vdev}", ct).ConfigureAwait(false);
            }
            else if (live)
            {
                _logger.LogWarning("Disk {Vdev} was detached from domain '{Domain}' on host '{Host}'; its config file {Path} has no such disk, so it was left as it was.", vdev, target.Domain.Name, target.Host.Name, target.Domain.ConfigPath);
            }
            else
            {
                throw DeviceNotFound(target, $"disk {vdev}", $"its config file {target.Domain.ConfigPath} has no disk at {vdev}");
            }
        }
    }

    /// <summary>Puts a medium into (<paramref name="path"/>) or ejects (null) the CD-ROM drive of a running HVM domain (<c>xl cd-insert</c>/<c>cd-eject</c>); returns the drive.</summary>
    public async Task<XenDisk> SetCdAsync(DomainTarget target, string vdev, string? path, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentException.ThrowIfNullOrEmpty(vdev);
        target = await target.CurrentAsync(ct).ConfigureAwait(false);
        RequireGuest(target, "change the CD-ROM of");
        if (!IsLive(target))
        {
            throw new XenOperationException(
                "DomainNotRunning", XenErrorCategory.InvalidOperation,
                $"Domain '{target.Domain.Name}' on host '{target.Host.Name}' is Off: a CD-ROM's medium changes only while the domain runs (xl cd-insert). For its config file: Remove-XenDisk -Vdev {vdev} -Persist, then Add-XenDisk -CdRom -Vdev {vdev} -Path <iso> -Persist.")
            {
                HostName = target.Host.Name,
                Domain = target.Domain.Name,
            };
        }

        IXenToolstack ts = target.Host.Toolstack;
        if (path is not null)
        {
            await EnsureTargetExistsAsync(target, path, ct).ConfigureAwait(false);
            _logger.LogInformation("Inserting {Path} into {Vdev} of domain {Domain} on {Host}", path, vdev, target.Domain.Name, target.Host.Name);
            await ts.InsertCdAsync(target.Reference, vdev, path, ct).ConfigureAwait(false);
        }
        else
        {
            _logger.LogInformation("Ejecting the medium of {Vdev} of domain {Domain} on {Host}", vdev, target.Domain.Name, target.Host.Name);
            await ts.EjectCdAsync(target.Reference, vdev, ct).ConfigureAwait(false);
        }

        return (await GetDisksAsync(target, ct).ConfigureAwait(false)).FirstOrDefault(d => DeviceSpecs.SameVdev(d.Vdev, vdev))
            ?? throw DeviceNotFound(target, $"CD-ROM drive {vdev}", "xl changed it but block-list does not show it");
    }

    // ---------------------------------------------------------------- network adapters

    /// <summary>The domain's adapters: <c>xl network-list</c> joined with its live config; an Off domain's from its config file.</summary>
    public async Task<IReadOnlyList<XenNetworkAdapter>> GetNetworkAdaptersAsync(DomainTarget target, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(target);
        target = await target.CurrentAsync(ct).ConfigureAwait(false);
        IReadOnlyList<XenNetworkAdapter> nics = IsLive(target)
            ? await target.Host.Toolstack.GetNetworkAdaptersAsync(target.Reference, ct).ConfigureAwait(false)
            : DeviceSpecs.AdaptersFromConfig(await ReadConfigAsync(target, ct).ConfigureAwait(false), target.Domain, target.Host);
        return Stamp(nics, target, (n, t) =>
        {
            n.Domain = t.Domain;
            n.DomainUuid = t.Domain.Uuid;
        });
    }

    /// <summary>
    /// Attaches an adapter (<c>xl network-attach</c>) to a running domain, and with <see cref="NicRequest.Persist"/> adds it to the
    /// config file with the MAC it got, so it comes back the same; an Off domain's file only. A bridge the host does not have is refused first.
    /// </summary>
    public async Task<XenNetworkAdapter> AddNetworkAdapterAsync(DomainTarget target, NicRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(request);
        target = await target.CurrentAsync(ct).ConfigureAwait(false);
        RequireGuest(target, "attach a network adapter to");
        bool live = RequireLiveOrPersist(target, request.Persist, "attach a network adapter to");
        XenVifSpec vif = DeviceSpecs.BuildVif(request);
        if (DeviceSpecs.BridgeOf(vif) is { } bridge)
        {
            await EnsureBridgeAsync(target.Host, bridge, ct).ConfigureAwait(false);
        }

        XenConfigDocument? doc = request.Persist ? await ReadDocumentAsync(target, ct).ConfigureAwait(false) : null;
        XenNetworkAdapter? attached = null;
        if (live)
        {
            string spec = vif.ToSpecString(check: true);
            _logger.LogInformation("Attaching network adapter {Spec} to domain {Domain} on {Host}", spec, target.Domain.Name, target.Host.Name);
            attached = await target.Host.Toolstack.AttachNetworkAdapterAsync(target.Reference, spec, ct).ConfigureAwait(false);
            if (vif.Mac is null && attached.Mac is { Length: > 0 } mac)
            {
                // The file gets the MAC xl chose: the persisted adapter is this one, not a new one with another address.
                vif.Mac = mac;
            }
        }

        int position = -1;
        if (doc is not null)
        {
            position = XenDomainConfig.Parse(doc.ToString()).Vifs.Count;
            DeviceSpecs.AddItem(doc, "vif", vif.ToSpecString(check: true));
            await WriteDocumentAsync(target, doc, live, "network adapter " + (vif.Mac ?? $"#{position}"), ct).ConfigureAwait(false);
        }

        if (attached is not null)
        {
            return Stamp([attached], target, (n, t) =>
            {
                n.Domain = t.Domain;
                n.DomainUuid = t.Domain.Uuid;
            })[0];
        }

        return (await GetNetworkAdaptersAsync(target, ct).ConfigureAwait(false))[position];
    }

    /// <summary>
    /// Detaches an adapter (<c>xl network-detach</c>) by index or MAC from a running domain, and with <paramref name="persist"/> removes
    /// it from the config file (matched by MAC when the file sets one, else by index); an Off domain's file only.
    /// </summary>
    public async Task RemoveNetworkAdapterAsync(DomainTarget target, int? index, string? mac, bool persist, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (index is null && string.IsNullOrEmpty(mac))
        {
            throw new ArgumentException("An index or a MAC address is needed.", nameof(index));
        }

        target = await target.CurrentAsync(ct).ConfigureAwait(false);
        RequireGuest(target, "detach a network adapter from");
        bool live = RequireLiveOrPersist(target, persist, "detach a network adapter from");
        string what = index is int i ? $"network adapter {i.ToString(CultureInfo.InvariantCulture)}" : $"network adapter {mac}";
        XenConfigDocument? doc = persist ? await ReadDocumentAsync(target, ct).ConfigureAwait(false) : null;
        if (live)
        {
            if (doc is not null && (index is null || mac is null))
            {
                // The file is matched by MAC where it sets one: learn the other half from the running adapter.
                XenNetworkAdapter? running = (await GetNetworkAdaptersAsync(target, ct).ConfigureAwait(false))
                    .FirstOrDefault(n => index is int x ? n.Index == x : string.Equals(n.Mac, mac, StringComparison.OrdinalIgnoreCase));
                index ??= running?.Index;
                mac ??= running?.Mac;
            }

            string which = index is int ix ? ix.ToString(CultureInfo.InvariantCulture) : mac!;
            _logger.LogInformation("Detaching {What} from domain {Domain} on {Host}", what, target.Domain.Name, target.Host.Name);
            await target.Host.Toolstack.DetachNetworkAdapterAsync(target.Reference, which, ct).ConfigureAwait(false);
        }

        if (doc is not null)
        {
            if (DeviceSpecs.RemoveItem(doc, "vif", (item, position) => DeviceSpecs.IsAdapter(item, position, index, mac)))
            {
                await WriteDocumentAsync(target, doc, live, what, ct).ConfigureAwait(false);
            }
            else if (live)
            {
                _logger.LogWarning("The {What} was detached from domain '{Domain}' on host '{Host}'; its config file {Path} has no such adapter, so it was left as it was.", what, target.Domain.Name, target.Host.Name, target.Domain.ConfigPath);
            }
            else
            {
                throw DeviceNotFound(target, what, $"its config file {target.Domain.ConfigPath} has no such adapter");
            }
        }
    }

    // ---------------------------------------------------------------- host: bridges and images

    /// <summary>The host's bridges.</summary>
    public static Task<IReadOnlyList<XenBridge>> GetBridgesAsync(XenHostConnection host, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(host);
        return host.Toolstack.GetBridgesAsync(ct);
    }

    /// <summary>Refuses a bridge the host does not have, naming it and the bridges it has.</summary>
    public static async Task EnsureBridgeAsync(XenHostConnection host, string bridge, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(host);
        IReadOnlyList<XenBridge> bridges = await GetBridgesAsync(host, ct).ConfigureAwait(false);
        if (bridges.Any(b => string.Equals(b.Name, bridge, StringComparison.Ordinal)))
        {
            return;
        }

        string has = bridges.Count == 0 ? "It has no bridges" : "Its bridges: " + string.Join(", ", bridges.Select(b => b.Name));
        throw new XenOperationException(
            "BridgeNotFound", XenErrorCategory.ObjectNotFound,
            $"Bridge '{bridge}' does not exist on host '{host.Name}'. {has}. (Bridges are made by the host's network configuration; Get-XenBridge lists them.)")
        {
            HostName = host.Name,
        };
    }

    /// <summary>Creates a disk image on the host (never over an existing file).</summary>
    public async Task<XenDiskImage> CreateDiskImageAsync(XenHostConnection host, string path, double sizeGB, string format, bool preallocate, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(host);
        long bytes = DiskImages.BytesFor(sizeGB);
        DiskImages.Validate(path, bytes, format);
        _logger.LogInformation("Creating {Format} image {Path} of {Bytes} bytes on {Host}", format, path, bytes, host.Name);
        return await host.Toolstack.CreateDiskImageAsync(path, bytes, format, preallocate, ct).ConfigureAwait(false);
    }

    // ---------------------------------------------------------------- helpers

    /// <summary>Whether the domain has running devices (anything but Off).</summary>
    public static bool IsLive(DomainTarget target) => target.Domain.State != XenDomainState.Off;

    /// <summary>
    /// The refusals that need no host call, for the cmdlets to report before -WhatIf/-Confirm (the run would refuse the same):
    /// Domain-0, an Off domain without <paramref name="persist"/>, <paramref name="persist"/> without a config file.
    /// </summary>
    /// <exception cref="XenOperationException"><c>DomainProtected</c>, <c>PersistRequired</c>, <c>NoConfigFile</c>.</exception>
    public static void Check(DomainTarget target, bool persist, string what)
    {
        ArgumentNullException.ThrowIfNull(target);
        RequireGuest(target, what);
        RequireLiveOrPersist(target, persist, what);
    }

    private static void RequireGuest(DomainTarget target, string what)
    {
        if (target.Domain.Id == 0)
        {
            throw new XenOperationException("DomainProtected", XenErrorCategory.InvalidOperation, $"Domain-0 on host '{target.Host.Name}' is the host itself: XenPS does not {what} Domain-0.")
            {
                HostName = target.Host.Name,
                Domain = target.Domain.Name,
            };
        }
    }

    private static bool RequireLiveOrPersist(DomainTarget target, bool persist, string what)
    {
        bool live = IsLive(target);
        if (!live && !persist)
        {
            throw new XenOperationException(
                "PersistRequired", XenErrorCategory.InvalidOperation,
                $"Domain '{target.Domain.Name}' on host '{target.Host.Name}' is Off: it has no running devices. Add -Persist to {what} its config file ({target.Domain.ConfigPath}).")
            {
                HostName = target.Host.Name,
                Domain = target.Domain.Name,
            };
        }

        if (persist && target.Domain.ConfigPath is null)
        {
            throw new XenOperationException(
                "NoConfigFile", XenErrorCategory.ObjectNotFound,
                $"Domain '{target.Domain.Name}' on host '{target.Host.Name}' has no config file in {target.Host.Toolstack.ConfigDirectory} for -Persist; nothing was changed. Leave -Persist out to change the running domain only.")
            {
                HostName = target.Host.Name,
                Domain = target.Domain.Name,
            };
        }

        return live;
    }

    private static async Task EnsureTargetExistsAsync(DomainTarget target, string? path, CancellationToken ct)
    {
        // Only host paths can be checked: "rbd:pool/image" or "iscsi:..." targets are the backend's business.
        if (string.IsNullOrEmpty(path) || path[0] != '/')
        {
            return;
        }

        if (!await target.Host.Toolstack.FileExistsAsync(path, ct).ConfigureAwait(false))
        {
            throw new XenOperationException(
                "TargetNotFound", XenErrorCategory.ObjectNotFound,
                $"Disk target '{path}' does not exist on host '{target.Host.Name}' (for domain '{target.Domain.Name}'): nothing was changed. Make an image with New-XenDiskImage, or check the path.")
            {
                HostName = target.Host.Name,
                Domain = target.Domain.Name,
            };
        }
    }

    private static async Task<XenConfigDocument> ReadDocumentAsync(DomainTarget target, CancellationToken ct)
    {
        string path = target.Domain.ConfigPath!;
        return XenConfigDocument.Parse(await target.Host.Toolstack.ReadFileAsync(path, ct).ConfigureAwait(false), path);
    }

    private static async Task<XenDomainConfig> ReadConfigAsync(DomainTarget target, CancellationToken ct)
    {
        string path = target.Domain.ConfigPath ?? throw new XenOperationException(
            "NoConfigFile", XenErrorCategory.ObjectNotFound,
            $"Domain '{target.Domain.Name}' on host '{target.Host.Name}' is Off and has no config file: it has no devices to show.");
        return XenDomainConfig.Parse(await target.Host.Toolstack.ReadFileAsync(path, ct).ConfigureAwait(false), path);
    }

    private async Task WriteDocumentAsync(DomainTarget target, XenConfigDocument doc, bool live, string what, CancellationToken ct)
    {
        string path = target.Domain.ConfigPath!;
        DomainConfigOperations.EnsureValid(XenDomainConfig.Parse(doc.ToString(), path), target.Host.Name);
        try
        {
            _logger.LogInformation("Writing {What} into {Path} on {Host}", what, path, target.Host.Name);
            await target.Host.Toolstack.WriteFileAsync(path, doc.ToString(), ct).ConfigureAwait(false);
        }
        catch (XenException ex) when (live)
        {
            throw new XenOperationException(
                "PersistFailed", XenErrorCategory.WriteError,
                $"The {what} of domain '{target.Domain.Name}' on host '{target.Host.Name}' was changed live, but its config file {path} could not be written: {ex.Message}")
            {
                HostName = target.Host.Name,
                Domain = target.Domain.Name,
            };
        }
    }

    private static XenOperationException DeviceNotFound(DomainTarget target, string what, string why) =>
        new("DeviceNotFound", XenErrorCategory.ObjectNotFound, $"Domain '{target.Domain.Name}' on host '{target.Host.Name}' has no {what}: {why}.")
        {
            HostName = target.Host.Name,
            Domain = target.Domain.Name,
        };

    private static IReadOnlyList<T> Stamp<T>(IReadOnlyList<T> items, DomainTarget target, Action<T, DomainTarget> stamp)
    {
        foreach (T item in items)
        {
            stamp(item, target);
        }

        return items;
    }
}

/// <summary>The sentences -WhatIf and -Confirm show for the device cmdlets: what changes, and where (the running domain, its config file, or both).</summary>
public static class DeviceText
{
    /// <summary>Where a device change lands, e.g. <c>the running domain and its config file /etc/xen/web1.cfg</c>.</summary>
    public static string Scope(DomainTarget target, bool persist)
    {
        ArgumentNullException.ThrowIfNull(target);
        bool live = DeviceOperations.IsLive(target);
        return (live, persist) switch
        {
            (true, false) => "the running domain only (not its config file: add -Persist to keep the change when the domain is next created from its file)",
            (true, true) => $"the running domain and its config file {target.Domain.ConfigPath}",
            _ => $"its config file {target.Domain.ConfigPath} only (the domain is Off)",
        };
    }

    /// <summary>A full sentence: <c>{action} domain 'web1' on host 'lab': {scope}.</c></summary>
    public static string Sentence(string action, DomainTarget target, bool persist)
    {
        ArgumentNullException.ThrowIfNull(target);
        return $"{action} domain '{target.Domain.Name}' on host '{target.Host.Name}': {Scope(target, persist)}.";
    }
}

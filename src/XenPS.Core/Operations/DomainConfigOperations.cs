using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using XenPS.Config;

namespace XenPS.Operations;

/// <summary>What New-XenDomain builds a config from (xl spec strings for disks and NICs).</summary>
public sealed class NewDomainSpec
{
    /// <summary>The domain name.</summary>
    public required string Name { get; init; }

    /// <summary>Memory in MiB.</summary>
    public required int MemoryMB { get; init; }

    /// <summary>Maximum memory in MiB (maxmem), when different.</summary>
    public int? MaxMemoryMB { get; init; }

    /// <summary>vCPUs.</summary>
    public int? VCpu { get; init; }

    /// <summary>Maximum vCPUs.</summary>
    public int? MaxVCpu { get; init; }

    /// <summary>Guest type; default PV (xl's own default) when a kernel or bootloader is given, else HVM.</summary>
    public XenDomainType? Type { get; init; }

    /// <summary>Kernel path on the host.</summary>
    public string? Kernel { get; init; }

    /// <summary>Ramdisk path on the host.</summary>
    public string? Ramdisk { get; init; }

    /// <summary>Kernel command line.</summary>
    public string? KernelArgs { get; init; }

    /// <summary>Bootloader (e.g. pygrub).</summary>
    public string? Bootloader { get; init; }

    /// <summary>Disk specs (xl-disk-configuration(5)).</summary>
    public IReadOnlyList<string> Disks { get; init; } = [];

    /// <summary>vif specs (xl-network-configuration(5)).</summary>
    public IReadOnlyList<string> Networks { get; init; } = [];
}

/// <summary>What Set-XenDomain changes.</summary>
public sealed class DomainSettings
{
    /// <summary>Memory target in MiB.</summary>
    public int? MemoryMB { get; init; }

    /// <summary>Maximum memory in MiB.</summary>
    public int? MaxMemoryMB { get; init; }

    /// <summary>Online vCPUs.</summary>
    public int? VCpu { get; init; }

    /// <summary>Scheduler weight.</summary>
    public int? Weight { get; init; }

    /// <summary>Scheduler cap (percent of one CPU; 0 = none).</summary>
    public int? Cap { get; init; }

    /// <summary>Start at host boot (the xendomains link in auto/).</summary>
    public bool? AutoStart { get; init; }

    /// <summary>Also write the changes into the config file.</summary>
    public bool Persist { get; init; }

    /// <summary>Whether anything is asked for.</summary>
    public bool IsEmpty => MemoryMB is null && MaxMemoryMB is null && VCpu is null && Weight is null && Cap is null && AutoStart is null;

    /// <summary>The change as words for ShouldProcess, e.g. "memory 1024 MiB, 2 vCPUs".</summary>
    public string Describe()
    {
        var parts = new List<string>();
        if (MemoryMB is int m)
        {
            parts.Add($"memory {m} MiB");
        }

        if (MaxMemoryMB is int mx)
        {
            parts.Add($"maximum memory {mx} MiB");
        }

        if (VCpu is int v)
        {
            parts.Add($"{v} vCPUs");
        }

        if (Weight is int w)
        {
            parts.Add($"weight {w}");
        }

        if (Cap is int c)
        {
            parts.Add($"cap {c}%");
        }

        if (AutoStart is bool a)
        {
            parts.Add(a ? "start at host boot" : "do not start at host boot");
        }

        return string.Join(", ", parts) + (Persist ? " (also in the config file)" : string.Empty);
    }
}

/// <summary>The operations that read or write domain config files on the host: New, Set, Rename, Get-XenDomainConfig.</summary>
public sealed class DomainConfigOperations
{
    private readonly ILogger _logger;

    /// <summary>Creates the operations.</summary>
    public DomainConfigOperations(ILoggerFactory? loggerFactory = null)
    {
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<DomainConfigOperations>();
    }

    /// <summary>The path of a domain's config file in the host's config directory.</summary>
    public static string ConfigPathFor(string configDirectory, string name) => configDirectory.TrimEnd('/') + "/" + name + ".cfg";

    /// <summary>
    /// Builds an xl.cfg from New-XenDomain's parameters, through the writer (so no value can inject
    /// syntax). Spec strings are parsed first, so a malformed disk or NIC fails here with its column.
    /// </summary>
    public static XenDomainConfig BuildConfig(NewDomainSpec spec)
    {
        XenConfigNames.ValidateNewDomainName(spec.Name);
        var disks = spec.Disks.Select(XenDiskSpec.Parse).ToList();
        var vifs = spec.Networks.Select(XenVifSpec.Parse).ToList();

        var doc = XenConfigDocument.Parse(string.Empty);
        doc.Set("name", XenConfigValue.FromString(spec.Name));
        XenDomainType type = spec.Type ?? (spec.Kernel is null && spec.Bootloader is null ? XenDomainType.Hvm : XenDomainType.Pv);
        doc.Set("type", XenConfigValue.FromString(type.ToString().ToLowerInvariant()));
        doc.Set("memory", XenConfigValue.FromNumber(spec.MemoryMB));
        if (spec.MaxMemoryMB is int max)
        {
            doc.Set("maxmem", XenConfigValue.FromNumber(max));
        }

        doc.Set("vcpus", XenConfigValue.FromNumber(spec.VCpu ?? 1));
        if (spec.MaxVCpu is int maxv)
        {
            doc.Set("maxvcpus", XenConfigValue.FromNumber(maxv));
        }

        SetIf(doc, "kernel", spec.Kernel);
        SetIf(doc, "ramdisk", spec.Ramdisk);
        SetIf(doc, "cmdline", spec.KernelArgs);
        SetIf(doc, "bootloader", spec.Bootloader);
        if (disks.Count > 0)
        {
            doc.Set("disk", XenConfigValue.FromList(disks.Select(d => XenConfigValue.FromString(d.ToString()))));
        }

        if (vifs.Count > 0)
        {
            doc.Set("vif", XenConfigValue.FromList(vifs.Select(v => XenConfigValue.FromString(v.ToString()))));
        }

        return XenDomainConfig.Parse(doc.ToString());
    }

    private static void SetIf(XenConfigDocument doc, string key, string? value)
    {
        if (value is not null)
        {
            doc.Set(key, XenConfigValue.FromString(value));
        }
    }

    /// <summary>Refuses a config with semantic errors (what xl would refuse), listing each with its line.</summary>
    public static void EnsureValid(XenDomainConfig config, string hostName)
    {
        XenConfigValidationResult result = XenConfigValidator.Validate(config);
        if (!result.IsValid)
        {
            string list = string.Join("; ", result.Errors.Select(e => e.Line > 0 ? $"line {e.Line}: {e.Message}" : e.Message));
            throw new XenOperationException("InvalidConfig", XenErrorCategory.InvalidData, $"The config of domain '{config.Name}' for host '{hostName}' is not valid: {list}");
        }
    }

    /// <summary>
    /// Writes <c>&lt;configdir&gt;/&lt;name&gt;.cfg</c> atomically (refusing to overwrite without <paramref name="force"/>),
    /// and starts the domain when asked. Returns the domain (Off when not started).
    /// </summary>
    public async Task<XenDomain> NewAsync(XenHostConnection host, XenDomainConfig config, bool force, bool start, bool paused, CancellationToken ct)
    {
        var ts = host.Toolstack;
        string name = config.Name ?? throw new XenOperationException("InvalidConfig", XenErrorCategory.InvalidData, $"The config for host '{host.Name}' has no name.");
        XenConfigNames.ValidateNewDomainName(name);
        EnsureValid(config, host.Name);
        string path = ConfigPathFor(ts.ConfigDirectory, name);
        if (!force && await ts.FileExistsAsync(path, ct).ConfigureAwait(false))
        {
            throw new XenOperationException("ConfigExists", XenErrorCategory.ResourceExists, $"Domain '{name}' already has a config file '{path}' on host '{host.Name}'. Use -Force to overwrite it.");
        }

        _logger.LogInformation("Writing config file {Path} for domain {Domain} on {Host}", path, name, host.Name);
        await ts.WriteFileAsync(path, config.ToConfigText(), ct).ConfigureAwait(false);
        if (start)
        {
            _logger.LogInformation("Starting domain {Domain} on {Host}", name, host.Name);
            return await ts.CreateFromFileAsync(path, paused, ct).ConfigureAwait(false);
        }

        return await ts.FindDomainByConfigAsync(path, ct).ConfigureAwait(false)
            ?? throw new XenDomainNotFoundException(name, host.Name, $"its config file '{path}' was written but cannot be read back.");
    }

    /// <summary>Reads a domain's config: its file, or with <paramref name="running"/> the live one (xl list -l).</summary>
    public async Task<XenDomainConfig> GetConfigAsync(DomainTarget target, bool running, CancellationToken ct)
    {
        target = await target.CurrentAsync(ct).ConfigureAwait(false);
        var ts = target.Host.Toolstack;
        if (running)
        {
            if (target.Domain.State == XenDomainState.Off)
            {
                throw new XenOperationException("DomainNotRunning", XenErrorCategory.InvalidOperation, $"Domain '{target.Domain.Name}' on host '{target.Host.Name}' is off: it has no live configuration. Leave out -Running to read its config file.");
            }

            return Stamp(XenDomainConfig.FromLibxlJson(await ts.GetLiveConfigJsonAsync(target.Reference, ct).ConfigureAwait(false)), target.Host);
        }

        string path = target.Domain.ConfigPath ?? throw new XenOperationException(
            "NoConfigFile", XenErrorCategory.ObjectNotFound,
            $"Domain '{target.Domain.Name}' on host '{target.Host.Name}' has no config file in {ts.ConfigDirectory}. Use -Running for its live configuration.");
        return Stamp(XenDomainConfig.Parse(await ts.ReadFileAsync(path, ct).ConfigureAwait(false), path), target.Host);
    }

    private static XenDomainConfig Stamp(XenDomainConfig config, XenHostConnection host)
    {
        config.HostName = host.Name;
        config.XenHost = host;
        return config;
    }

    /// <summary>
    /// Changes memory, vCPUs, scheduler weight/cap and autostart. A running domain is changed live
    /// (and its file too with <see cref="DomainSettings.Persist"/>); an Off domain's file is changed.
    /// </summary>
    public async Task<XenDomain?> SetAsync(DomainTarget target, DomainSettings settings, CancellationToken ct)
    {
        target = await target.CurrentAsync(ct).ConfigureAwait(false);
        XenDomain d = target.Domain;
        var ts = target.Host.Toolstack;
        bool live = d.State != XenDomainState.Off;
        if (live)
        {
            string dom = target.Reference;

            // Raise the ceiling before the target, lower the target before the ceiling: xl refuses
            // mem-set above maxmem and mem-max below the current target.
            if (settings.MaxMemoryMB is int max && max >= d.MemoryMB)
            {
                await ts.SetMaxMemoryAsync(dom, max, ct).ConfigureAwait(false);
                if (settings.MemoryMB is int mem)
                {
                    await ts.SetMemoryAsync(dom, mem, ct).ConfigureAwait(false);
                }
            }
            else
            {
                if (settings.MemoryMB is int mem)
                {
                    await ts.SetMemoryAsync(dom, mem, ct).ConfigureAwait(false);
                }

                if (settings.MaxMemoryMB is int max2)
                {
                    await ts.SetMaxMemoryAsync(dom, max2, ct).ConfigureAwait(false);
                }
            }

            if (settings.VCpu is int v)
            {
                await ts.SetVCpuCountAsync(dom, v, ct).ConfigureAwait(false);
            }

            if (settings.Weight is not null || settings.Cap is not null)
            {
                await ts.SetSchedulerParametersAsync(dom, settings.Weight, settings.Cap, ct).ConfigureAwait(false);
            }
        }

        bool fileChange = (!live || settings.Persist) && (settings.MemoryMB ?? settings.MaxMemoryMB ?? settings.VCpu ?? settings.Weight ?? settings.Cap) is not null;
        if (fileChange || settings.AutoStart is not null)
        {
            string path = d.ConfigPath ?? throw new XenOperationException(
                "NoConfigFile", XenErrorCategory.ObjectNotFound,
                live
                    ? $"Domain '{d.Name}' on host '{target.Host.Name}' was changed live, but it has no config file in {ts.ConfigDirectory} for -Persist or -AutoStart."
                    : $"Domain '{d.Name}' on host '{target.Host.Name}' has no config file.");
            if (fileChange)
            {
                XenConfigDocument doc = XenConfigDocument.Parse(await ts.ReadFileAsync(path, ct).ConfigureAwait(false), path);
                SetNumber(doc, "memory", settings.MemoryMB);
                SetNumber(doc, "maxmem", settings.MaxMemoryMB);
                SetNumber(doc, "vcpus", settings.VCpu);
                SetNumber(doc, "cpu_weight", settings.Weight);
                SetNumber(doc, "cap", settings.Cap);
                EnsureValid(XenDomainConfig.Parse(doc.ToString(), path), target.Host.Name);
                _logger.LogInformation("Writing {Changes} into {Path} on {Host}", settings.Describe(), path, target.Host.Name);
                await ts.WriteFileAsync(path, doc.ToString(), ct).ConfigureAwait(false);
            }

            if (settings.AutoStart is bool auto)
            {
                string link = DomainLifecycle.AutoStartLink(ts.ConfigDirectory, path);
                if (auto)
                {
                    await ts.CreateSymbolicLinkAsync(link, path, ct).ConfigureAwait(false);
                }
                else
                {
                    await ts.DeleteFileAsync(link, ct).ConfigureAwait(false);
                }
            }
        }

        XenDomain? after = await target.AfterAsync(ct).ConfigureAwait(false);
        if (after is not null)
        {
            // What was just set: a targeted read (xl list -v) carries neither maxmem nor the autostart folder.
            after.AutoStart = settings.AutoStart ?? after.AutoStart;
            after.MaxMemoryMB = (live ? settings.MaxMemoryMB : null) ?? after.MaxMemoryMB;
        }

        return after;
    }

    private static void SetNumber(XenConfigDocument doc, string key, int? value)
    {
        if (value is int v)
        {
            doc.Set(key, XenConfigValue.FromNumber(v));
        }
    }

    /// <summary>Renames a domain (xl rename when running) and its config file (the <c>name</c> key, the file, the autostart link).</summary>
    public async Task<XenDomain?> RenameAsync(DomainTarget target, string newName, CancellationToken ct)
    {
        XenConfigNames.ValidateNewDomainName(newName);
        DomainLifecycle.RequireGuest(target, "rename");
        target = await target.CurrentAsync(ct).ConfigureAwait(false);
        XenDomain d = target.Domain;

        var ts = target.Host.Toolstack;
        string? newPath = d.ConfigPath is null ? null : ConfigPathFor(ts.ConfigDirectory, newName);
        if (newPath is not null && await ts.FileExistsAsync(newPath, ct).ConfigureAwait(false))
        {
            throw new XenOperationException("ConfigExists", XenErrorCategory.ResourceExists, $"Cannot rename domain '{d.Name}' on host '{target.Host.Name}': '{newPath}' already exists.");
        }

        if (d.State != XenDomainState.Off)
        {
            await ts.RenameAsync(target.Reference, newName, ct).ConfigureAwait(false);
        }

        if (d.ConfigPath is { } oldPath && newPath is not null)
        {
            XenConfigDocument doc = XenConfigDocument.Parse(await ts.ReadFileAsync(oldPath, ct).ConfigureAwait(false), oldPath);
            doc.Set("name", XenConfigValue.FromString(newName));
            await ts.WriteFileAsync(newPath, doc.ToString(), ct).ConfigureAwait(false);
            if (d.AutoStart)
            {
                await ts.CreateSymbolicLinkAsync(DomainLifecycle.AutoStartLink(ts.ConfigDirectory, newPath), newPath, ct).ConfigureAwait(false);
                await ts.DeleteFileAsync(DomainLifecycle.AutoStartLink(ts.ConfigDirectory, oldPath), ct).ConfigureAwait(false);
            }

            await ts.DeleteFileAsync(oldPath, ct).ConfigureAwait(false);
            _logger.LogInformation("Moved config file {Old} to {New} on {Host}", oldPath, newPath, target.Host.Name);
        }

        XenDomain renamed = d.Clone();
        renamed.Name = newName;
        renamed.ConfigPath = newPath ?? d.ConfigPath;
        return await (target with { Domain = renamed }).AfterAsync(ct).ConfigureAwait(false);
    }
}

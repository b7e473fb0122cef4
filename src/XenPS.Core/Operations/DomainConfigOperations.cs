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

    /// <summary>Allow more vCPUs than the host has CPUs (xl vcpu-set --ignore-host).</summary>
    public bool AllowOvercommit { get; init; }

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
            parts.Add(AllowOvercommit ? $"{v} vCPUs (more than the host's CPUs allowed)" : $"{v} vCPUs");
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
        _logger.LogInformation("Writing config file {Path} for domain {Domain} on {Host}", path, name, host.Name);
        await WriteConfigFileAsync(ts, name, path, config.ToConfigText(), force, host.Name, ct).ConfigureAwait(false);
        if (start)
        {
            _logger.LogInformation("Starting domain {Domain} on {Host}", name, host.Name);

            // The config file stays when the start fails: the domain exists, Off, and the error says so.
            var steps = new OperationSteps($"Creating domain '{name}' on host '{host.Name}'", host.Name, name);
            steps.Done($"wrote its config file {path}");
            XenDomain? started = null;
            await steps.RunAsync(
                "starting it",
                async () => started = await ts.CreateFromFileAsync(path, paused, ct).ConfigureAwait(false),
                $"The domain exists, Off, with its config file {path}: fix the cause and start it with Start-XenDomain {name}, or remove it with Remove-XenDomain {name}.").ConfigureAwait(false);
            return await DomainLocator.WithOwnUptimeAsync(host, started!, ct).ConfigureAwait(false);
        }

        return await ts.FindDomainByConfigAsync(path, ct).ConfigureAwait(false)
            ?? throw new XenDomainNotFoundException(name, host.Name, $"its config file '{path}' was written but cannot be read back.");
    }

    /// <summary>
    /// Writes a new domain's config file. Without <paramref name="force"/> the file is created only if nothing is at
    /// <paramref name="path"/> when the host creates it (an atomic step there, not a check before: of two creators of
    /// one name exactly one wins), and the other gets <c>DomainExists</c>. With it, an existing file is replaced.
    /// </summary>
    public static async Task WriteConfigFileAsync(Toolstack.IXenToolstack toolstack, string name, string path, string text, bool force, string hostName, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(toolstack);
        if (force)
        {
            await toolstack.WriteFileAsync(path, text, ct).ConfigureAwait(false);
            return;
        }

        try
        {
            await toolstack.CreateFileAsync(path, text, ct).ConfigureAwait(false);
        }
        catch (XenHostFileExistsException ex)
        {
            throw new XenDomainExistsException(name, ex.HostName ?? hostName, path);
        }
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
    /// All or nothing: the file change is built and checked before anything changes, and when a step
    /// fails the live changes made before it are set back to what they were; the error says which
    /// steps happened and which were undone.
    /// </summary>
    public async Task<XenDomain?> SetAsync(DomainTarget target, DomainSettings settings, CancellationToken ct)
    {
        target = await target.CurrentAsync(ct).ConfigureAwait(false);
        XenDomain d = target.Domain;
        var ts = target.Host.Toolstack;
        bool live = d.State != XenDomainState.Off;
        bool fileChange = (!live || settings.Persist) && (settings.MemoryMB ?? settings.MaxMemoryMB ?? settings.VCpu ?? settings.Weight ?? settings.Cap) is not null;

        // Everything that can be checked is checked before the first change.
        CheckCap(target, settings);
        string? path = null;
        string? original = null;
        XenConfigDocument? doc = null;
        if (fileChange || settings.AutoStart is not null)
        {
            path = d.ConfigPath ?? throw new XenOperationException(
                "NoConfigFile", XenErrorCategory.ObjectNotFound,
                live
                    ? $"Domain '{d.Name}' on host '{target.Host.Name}' has no config file in {ts.ConfigDirectory} for -Persist or -AutoStart. Nothing was changed."
                    : $"Domain '{d.Name}' on host '{target.Host.Name}' has no config file.");
            if (fileChange)
            {
                if (settings.MemoryMB is int memory)
                {
                    // A config whose memory the host cannot give is one xl create refuses ("Out of memory").
                    XenHostInfo info = await ts.GetHostInfoAsync(ct).ConfigureAwait(false);
                    if (memory > info.TotalMemoryMB)
                    {
                        throw new XenOperationException(
                            "MemoryExceedsHost", XenErrorCategory.InvalidArgument,
                            $"Memory {memory} MiB for domain '{d.Name}' is more than host '{target.Host.Name}' has ({info.TotalMemoryMB} MiB in all): xl create would fail with 'Out of memory'. Nothing was changed.")
                        {
                            HostName = target.Host.Name,
                            Domain = d.Name,
                        };
                    }
                }

                original = await ts.ReadFileAsync(path, ct).ConfigureAwait(false);
                doc = XenConfigDocument.Parse(original, path);
                SetNumber(doc, "memory", settings.MemoryMB);
                SetNumber(doc, "maxmem", settings.MaxMemoryMB);
                SetNumber(doc, "vcpus", settings.VCpu);
                SetNumber(doc, "cpu_weight", settings.Weight);
                SetNumber(doc, "cap", settings.Cap);
                EnsureValid(XenDomainConfig.Parse(doc.ToString(), path), target.Host.Name);
            }
        }

        var steps = new OperationSteps($"Changing domain '{d.Name}' on host '{target.Host.Name}'", target.Host.Name, d.Name);
        if (live)
        {
            await SetLiveAsync(target, settings, steps, ct).ConfigureAwait(false);
        }

        if (path is not null && doc is not null)
        {
            string text = doc.ToString();
            _logger.LogInformation("Writing {Changes} into {Path} on {Host}", settings.Describe(), path, target.Host.Name);
            await steps.RunAsync($"writing {path}", () => ts.WriteFileAsync(path, text, ct)).ConfigureAwait(false);
            steps.Done($"wrote {path}", $"wrote {path} back as it was", c => ts.WriteFileAsync(path, original!, c));
        }

        if (path is not null && settings.AutoStart is bool auto)
        {
            string link = DomainLifecycle.AutoStartLink(ts.ConfigDirectory, path);
            await steps.RunAsync(
                auto ? $"creating the autostart link {link}" : $"removing the autostart link {link}",
                () => auto ? ts.CreateSymbolicLinkAsync(link, path, ct) : ts.DeleteFileAsync(link, ct)).ConfigureAwait(false);
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

    // The live changes, each recorded with how to set it back.
    private static async Task SetLiveAsync(DomainTarget target, DomainSettings settings, OperationSteps steps, CancellationToken ct)
    {
        XenDomain d = target.Domain;
        var ts = target.Host.Toolstack;
        string dom = target.Reference;
        long oldMax = d.MaxMemoryMB ?? d.MemoryMB;
        long oldMem = d.MemoryMB;

        async Task MaxAsync(int max)
        {
            await steps.RunAsync($"setting the maximum memory to {max} MiB", () => ts.SetMaxMemoryAsync(dom, max, ct)).ConfigureAwait(false);
            steps.Done($"set the maximum memory to {max} MiB", $"set the maximum memory back to {oldMax} MiB", c => ts.SetMaxMemoryAsync(dom, oldMax, c));
        }

        async Task MemAsync(int mem)
        {
            await steps.RunAsync($"setting the memory to {mem} MiB", () => ts.SetMemoryAsync(dom, mem, ct)).ConfigureAwait(false);
            steps.Done($"set the memory to {mem} MiB", $"set the memory back to {oldMem} MiB", c => ts.SetMemoryAsync(dom, oldMem, c));
        }

        // Raise the ceiling before the target, lower the target before the ceiling: xl refuses
        // mem-set above maxmem and mem-max below the current target.
        if (settings.MaxMemoryMB is int max && max >= d.MemoryMB)
        {
            await MaxAsync(max).ConfigureAwait(false);
            if (settings.MemoryMB is int mem)
            {
                await MemAsync(mem).ConfigureAwait(false);
            }
        }
        else
        {
            if (settings.MemoryMB is int mem)
            {
                await MemAsync(mem).ConfigureAwait(false);
            }

            if (settings.MaxMemoryMB is int max2)
            {
                await MaxAsync(max2).ConfigureAwait(false);
            }
        }

        if (settings.VCpu is int v)
        {
            int oldVCpu = d.VCpu;
            await steps.RunAsync($"setting {v} vCPUs", () => ts.SetVCpuCountAsync(dom, v, settings.AllowOvercommit, ct)).ConfigureAwait(false);
            steps.Done($"set {v} vCPUs", $"set {oldVCpu} vCPUs back", c => ts.SetVCpuCountAsync(dom, oldVCpu, allowOvercommit: true, c));
        }

        if (settings.Weight is not null || settings.Cap is not null)
        {
            XenSchedulerParameters? old = null;
            await steps.RunAsync("reading the scheduler parameters", async () => old = await ts.GetSchedulerParametersAsync(dom, ct).ConfigureAwait(false)).ConfigureAwait(false);
            await steps.RunAsync(
                "setting the scheduler " + DescribeSched(settings.Weight, settings.Cap),
                () => ts.SetSchedulerParametersAsync(dom, settings.Weight, settings.Cap, ct)).ConfigureAwait(false);
            steps.Done(
                "set the scheduler " + DescribeSched(settings.Weight, settings.Cap),
                "set the scheduler " + DescribeSched(settings.Weight is null ? null : old!.Weight, settings.Cap is null ? null : old!.Cap) + " back",
                c => ts.SetSchedulerParametersAsync(dom, settings.Weight is null ? null : old!.Weight, settings.Cap is null ? null : old!.Cap, c));
        }
    }

    /// <summary>
    /// Refuses a cap the scheduler would refuse: libxl (credit) and Xen (credit2) allow at most 100 per
    /// vCPU of the domain (its maximum vCPUs), in libxl's words.
    /// </summary>
    public static void CheckCap(DomainTarget target, DomainSettings settings)
    {
        if (settings.Cap is not int cap)
        {
            return;
        }

        XenDomain d = target.Domain;
        int vcpus = Math.Max(d.MaxVCpu ?? d.VCpu, d.State == XenDomainState.Off ? settings.VCpu ?? 0 : 0);
        if (vcpus > 0 && (cap < 0 || cap > 100 * vcpus))
        {
            throw new XenOperationException(
                "InvalidCap", XenErrorCategory.InvalidArgument,
                $"Cap {cap} for domain '{d.Name}' on host '{target.Host.Name}' is refused: Cpu cap out of range, valid range is from 0 to {100 * vcpus} for specified number of vcpus ({vcpus}). Nothing was changed.")
            {
                HostName = target.Host.Name,
                Domain = d.Name,
            };
        }
    }

    private static string DescribeSched(int? weight, int? cap) =>
        string.Join(" and ", new[] { weight is int w ? $"weight {w}" : null, cap is int c ? $"cap {c}%" : null }.Where(x => x is not null));

    private static void SetNumber(XenConfigDocument doc, string key, int? value)
    {
        if (value is int v)
        {
            doc.Set(key, XenConfigValue.FromNumber(v));
        }
    }

    /// <summary>
    /// Renames a domain (xl rename when running) and its config file (the <c>name</c> key, the file, the
    /// autostart link), all or nothing: the file is read and checked before anything changes, and when a
    /// later step fails the earlier ones are undone (the domain renamed back, the new file removed), the
    /// error saying which steps happened. A domain renamed live with its old config file left behind could
    /// be started a second time from it, on the same disks.
    /// </summary>
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

        XenConfigDocument? doc = null;
        if (d.ConfigPath is { } configPath)
        {
            doc = XenConfigDocument.Parse(await ts.ReadFileAsync(configPath, ct).ConfigureAwait(false), configPath);
            doc.Set("name", XenConfigValue.FromString(newName));
        }

        var steps = new OperationSteps($"Renaming domain '{d.Name}' on host '{target.Host.Name}' to '{newName}'", target.Host.Name, d.Name);
        if (d.State != XenDomainState.Off)
        {
            await ts.RenameAsync(target.Reference, newName, ct).ConfigureAwait(false);

            // After the rename the old name no longer names it: the domid does (or the new name).
            string liveReference = d.Id is int id ? id.ToString(System.Globalization.CultureInfo.InvariantCulture) : newName;
            steps.Done($"renamed the running domain to {newName}", "renamed it back", c => ts.RenameAsync(liveReference, d.Name, c));
        }

        if (d.ConfigPath is { } oldPath && newPath is not null && doc is not null)
        {
            await steps.RunAsync($"writing {newPath}", () => ts.WriteFileAsync(newPath, doc.ToString(), ct)).ConfigureAwait(false);
            steps.Done($"wrote {newPath}", $"removed {newPath}", c => ts.DeleteFileAsync(newPath, c));
            if (d.AutoStart)
            {
                string newLink = DomainLifecycle.AutoStartLink(ts.ConfigDirectory, newPath);
                string oldLink = DomainLifecycle.AutoStartLink(ts.ConfigDirectory, oldPath);
                await steps.RunAsync($"creating the autostart link {newLink}", () => ts.CreateSymbolicLinkAsync(newLink, newPath, ct)).ConfigureAwait(false);
                steps.Done($"created the autostart link {newLink}", $"removed {newLink}", c => ts.DeleteFileAsync(newLink, c));
                await steps.RunAsync($"removing the autostart link {oldLink}", () => ts.DeleteFileAsync(oldLink, ct)).ConfigureAwait(false);
                steps.Done($"removed the autostart link {oldLink}", $"put {oldLink} back", c => ts.CreateSymbolicLinkAsync(oldLink, oldPath, c));
            }

            await steps.RunAsync($"removing {oldPath}", () => ts.DeleteFileAsync(oldPath, ct)).ConfigureAwait(false);
            _logger.LogInformation("Moved config file {Old} to {New} on {Host}", oldPath, newPath, target.Host.Name);
        }

        XenDomain renamed = d.Clone();
        renamed.Name = newName;
        renamed.ConfigPath = newPath ?? d.ConfigPath;
        return await (target with { Domain = renamed }).AfterAsync(ct).ConfigureAwait(false);
    }
}

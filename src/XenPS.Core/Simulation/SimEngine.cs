using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using XenPS.Config;

namespace XenPS.Simulation;

/// <summary>
/// What a simulated Xen host does for each xl command, on the host's state inside one transaction.
/// Failures are <see cref="SimXlError"/>s carrying real xl's words (fixtures in
/// tests/fixtures/xen-4.17.7; the numbers in comments are the fixture numbers).
/// </summary>
internal static class SimEngine
{
    public const string SaveMagic = "Xen saved domain, xl format";

    private static readonly CultureInfo s_inv = CultureInfo.InvariantCulture;

    // ---- host ----

    public static HostState NewHost(string name, SimulatedHostOptions options, DateTimeOffset now)
    {
        var host = new HostState
        {
            Name = name,
            TotalMemoryMB = options.TotalMemoryMB,
            Dom0MemoryMB = options.Dom0MemoryMB,
            HypervisorMemoryMB = options.HypervisorMemoryMB,
            CpuCount = options.CpuCount,
            Scheduler = options.Scheduler,
            XenVersion = options.XenVersion,
            Bridges = options.Bridges.ToList(),
            BootTime = now,
        };
        host.Domains.Add(new DomainState
        {
            Name = "Domain-0",
            Id = 0,
            Uuid = Guid.Empty,
            Type = "pv",
            State = SimRunState.Running,
            MemoryMB = options.Dom0MemoryMB,
            TargetMemoryMB = options.Dom0MemoryMB,
            MaxMemoryMB = options.Dom0MemoryMB,
            OnlineVCpus = options.CpuCount,
            MaxVCpus = options.CpuCount,
            StartedAt = now,
        });
        SimFileSystem.Initialise(host);
        // As real Xen prints with console_timestamps=boot (fixture 011): a raw counter before the clock is set, then seconds.
        host.Dmesg.Add($"(XEN) [0000000025048731] Xen version {options.XenVersion} (simulated) (XenPS simulator)");
        host.Dmesg.Add($"(XEN) [00000000254125bd] Command line: dom0_mem={options.Dom0MemoryMB}M,max:{options.Dom0MemoryMB}M dom0_max_vcpus={options.CpuCount} console_timestamps=boot");
        host.Dmesg.Add($"(XEN) [    0.512034] Using scheduler: {SchedulerTitle(options.Scheduler)} ({options.Scheduler})");
        host.Dmesg.Add($"(XEN) [    1.204118] Brought up {options.CpuCount} CPUs");
        host.Dmesg.Add("(XEN) [    6.881260] *** LOADING DOMAIN 0 ***");
        host.Dmesg.Add($"(XEN) [   13.061681] Freed 644kB init memory");
        return host;
    }

    private static string SchedulerTitle(string scheduler) => scheduler switch
    {
        "credit" => "SMP Credit Scheduler",
        "credit2" => "SMP Credit Scheduler rev2",
        _ => scheduler,
    };

    public static DomainState Resolve(HostState host, string domain, string commandLine)
    {
        // 018, 117, 119, 272-274: "<x> is an invalid domain identifier (rc=-6)".
        return host.FindDomain(domain)
            ?? throw new SimXlError(commandLine, 1, $"{domain} is an invalid domain identifier (rc=-6)\n", domain);
    }

    private static void RefuseDom0(DomainState dom, string commandLine, string domain, string what)
    {
        if (dom.IsDom0)
        {
            throw new SimXlError(commandLine, 1, $"libxl: error: Domain 0:{what} of the control domain (Domain-0) is not supported.\n", domain);
        }
    }

    // ---- create ----

    public static DomainState Create(HostState host, string configText, string source, bool paused, string commandLine, DateTimeOffset now)
    {
        SimGuestConfig config = SimGuestConfig.Parse(configText, source.StartsWith('/') ? source : null, commandLine);
        return Build(host, config, configText, source, paused, commandLine, now, restoredFrom: null);
    }

    private static string DestroyLines(int domid) =>
        $"libxl: error: libxl_domain.c:1183:libxl__destroy_domid: Domain {domid}:Non-existant domain\n" +
        $"libxl: error: libxl_domain.c:1137:domain_destroy_callback: Domain {domid}:Unable to destroy guest\n" +
        $"libxl: error: libxl_domain.c:1064:domain_destroy_cb: Domain {domid}:Destruction of domain failed\n";

    private static string RebuildFailed(int domid) =>
        $"libxl: error: libxl_create.c:1640:domcreate_rebuild_done: Domain {domid}:cannot (re-)build domain: -3\n" + DestroyLines(domid);

    /// <summary>Builds a domain as libxl does: a domid is taken first, so a failed build still consumes one (242, 243, 246).</summary>
    private static DomainState Build(HostState host, SimGuestConfig config, string configText, string source, bool paused, string commandLine, DateTimeOffset now, DomainState? restoredFrom)
    {
        string parsing = source.Length == 0 ? string.Empty : $"Parsing config from {source}\n";
        string name = restoredFrom?.Name ?? config.Name ?? throw new SimXlError(commandLine, 1, parsing + "Domain name must be specified.\n", null);
        var nics = new List<NicState>();
        if (restoredFrom is null)
        {
            foreach (XenVifSpec vif in config.Vifs)
            {
                nics.Add(SimDevices.ToNic(vif));
            }
        }

        int domid = host.NextDomId++;
        if (host.Domains.Any(d => d.Name == name))
        {
            throw new SimXlError(commandLine, 3,
                parsing +
                $"libxl: error: libxl_domain.c:81:libxl__domain_rename: Domain {domid}:Domain with name \"{name}\" already exists.\n" +
                $"libxl: error: libxl_create.c:1296:initiate_domain_create: Domain {domid}:cannot make domain: -6\n" +
                DestroyLines(domid),
                name, commit: true);
        }

        if (restoredFrom is null && config.Type is "pv" or "pvh")
        {
            foreach (string? file in new[] { config.Kernel, config.Ramdisk })
            {
                if (file is not null && !SimFileSystem.IsFile(host, file))
                {
                    string what = file == config.Kernel ? "kernel" : "ramdisk";
                    throw new SimXlError(commandLine, 3,
                        parsing +
                        $"xc: error: panic: xg_dom_core.c:205: failed to open file '{file}': No such file or directory: Internal error\n" +
                        $"libxl: error: libxl_dom.c:646:libxl__build_pv: xc_dom_{what}_file failed: No such file or directory\n" +
                        RebuildFailed(domid),
                        name, commit: true);
                }
            }
        }

        var disks = restoredFrom?.Disks.Select(CloneDisk).ToList() ?? new List<DiskState>();
        if (restoredFrom is null)
        {
            foreach (SimDiskSpec spec in config.Disks)
            {
                disks.Add(ToDisk(spec, commandLine, name));
            }
        }

        foreach (DiskState disk in disks)
        {
            if (!disk.IsCdRom && disk.Target is not null && !SimFileSystem.Exists(host, disk.Target))
            {
                throw new SimXlError(commandLine, 3,
                    parsing +
                    $"libxl: error: libxl_device.c:397:libxl__device_disk_set_backend: Disk vdev={disk.Vdev} failed to stat: {disk.Target}: No such file or directory\n" +
                    $"libxl: error: libxl_create.c:1640:domcreate_launch_dm: Domain {domid}:Unable to add disk devices\n" +
                    DestroyLines(domid),
                    name, commit: true);
            }
        }

        long memory = restoredFrom?.TargetMemoryMB ?? config.EffectiveMemoryMB;
        if (memory > host.FreeMemoryMB)
        {
            // 243: the hypervisor cannot allocate the guest's memory.
            throw new SimXlError(commandLine, 3,
                parsing +
                "xc: error: panic: xg_dom_boot.c:119: xc_dom_boot_mem_init: can't allocate low memory for domain: Out of memory\n" +
                "libxl: error: libxl_dom.c:586:libxl__build_dom: xc_dom_boot_mem_init failed: Cannot allocate memory\n" +
                RebuildFailed(domid),
                name, commit: true);
        }

        if (restoredFrom is not null)
        {
            DomainState restored = CloneDomain(restoredFrom);
            restored.Id = domid;
            restored.MemoryMB = memory;
            restored.StartedAt = now;
            restored.State = paused ? SimRunState.Paused : SimRunState.Running;
            restored.PauseCount = paused ? 1 : 0;
            restored.ShutdownReason = null;
            host.Domains.Add(restored);
            return restored;
        }

        foreach (NicState nic in nics)
        {
            if (!host.Bridges.Contains(nic.Bridge, StringComparer.Ordinal))
            {
                throw new SimXlError(commandLine, 3,
                    parsing + BridgeMissing(domid, nic.Bridge, nics.IndexOf(nic)) + DestroyLines(domid),
                    name, commit: true);
            }
        }

        for (int i = 0; i < nics.Count; i++)
        {
            nics[i].DevId = i;
            if (nics[i].Mac.Length == 0)
            {
                nics[i].Mac = SimDevices.RandomMac();
            }
        }

        DomainState dom = FromConfig(config, name, domid, disks, nics);
        dom.State = paused ? SimRunState.Paused : SimRunState.Running;
        dom.PauseCount = paused ? 1 : 0;
        dom.MemoryMB = memory;
        dom.TargetMemoryMB = memory;
        dom.ConfigText = configText;
        dom.StartedAt = now;
        host.Domains.Add(dom);
        return dom;
    }

    // The parts of a domain that come straight from its config (create and dry run alike).
    private static DomainState FromConfig(SimGuestConfig config, string name, int domid, List<DiskState> disks, List<NicState> nics) => new()
    {
        Name = name,
        Id = domid,
        Uuid = config.Uuid ?? Guid.NewGuid(),
        Type = config.Type,
        TargetMemoryMB = config.EffectiveMemoryMB,
        MaxMemoryMB = config.EffectiveMaxMemoryMB,
        OnlineVCpus = config.EffectiveVCpus,
        MaxVCpus = config.EffectiveMaxVCpus,
        Kernel = config.Kernel,
        Ramdisk = config.Ramdisk,
        Cmdline = config.Cmdline,
        OnPoweroff = config.OnPoweroff,
        OnReboot = config.OnReboot,
        OnCrash = config.OnCrash,
        Disks = disks,
        Nics = nics,
    };

    private static string BridgeMissing(int domid, string bridge, int devid) =>
        "libxl: error: libxl_exec.c:117:libxl_report_child_exitstatus: /etc/xen/scripts/vif-bridge online [3313] exited with error status 1\n" +
        $"libxl: error: libxl_device.c:1337:device_hotplug_child_death_cb: script: Could not find bridge device {bridge}\n" +
        $"libxl: error: libxl_device.c:1481:device_addrm_aocomplete: Domain {domid}:Unable to add vif with id {devid}\n";

    private static DiskState ToDisk(SimDiskSpec spec, string commandLine, string domain)
    {
        int devid = SimDevices.DiskDeviceNumber(spec.Vdev);
        if (devid < 0)
        {
            throw new SimXlError(commandLine, 1,
                $"libxl: error: libxl_disk.c:315:device_disk_add: Invalid or unsupported virtual disk identifier {spec.Vdev}\nlibxl_device_disk_add failed.\n",
                domain);
        }

        return new DiskState { Vdev = spec.Vdev, DeviceId = devid, Target = spec.Target, Format = spec.Format, Access = spec.Access, IsCdRom = spec.IsCdRom };
    }

    public static string DryRunJson(HostState host, string configText, string commandLine)
    {
        SimGuestConfig config = SimGuestConfig.Parse(configText, null, commandLine);
        if (config.Name is null)
        {
            throw new SimXlError(commandLine, 1, "Domain name must be specified.\n", null);
        }

        var nics = config.Vifs.Select(SimDevices.ToNic).ToList();
        DomainState dom = FromConfig(config, config.Name, -1, config.Disks.Select(d => ToDisk(d, commandLine, config.Name)).ToList(), nics);
        return LiveConfigNode(host, dom).ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>The libxl domain configuration, shaped like <c>xl list -l</c>'s <c>config</c> object (038, 164).</summary>
    public static JsonObject LiveConfigNode(HostState host, DomainState dom)
    {
        var avail = new JsonArray();
        for (int i = 0; i < dom.OnlineVCpus; i++)
        {
            avail.Add(i);
        }

        var bInfo = new JsonObject
        {
            ["max_vcpus"] = dom.MaxVCpus,
            ["avail_vcpus"] = avail,
            ["max_memkb"] = dom.MaxMemoryMB * 1024,
            ["target_memkb"] = dom.TargetMemoryMB * 1024,
            ["video_memkb"] = 0,
            ["sched_params"] = new JsonObject { ["sched"] = host.Scheduler, ["weight"] = dom.Weight, ["cap"] = dom.Cap },
            ["claim_mode"] = "True",
        };
        if (dom.Kernel is not null)
        {
            bInfo["kernel"] = dom.Kernel;
        }

        if (dom.Cmdline is not null)
        {
            bInfo["cmdline"] = dom.Cmdline;
        }

        if (dom.Ramdisk is not null)
        {
            bInfo["ramdisk"] = dom.Ramdisk;
        }

        bInfo["type." + dom.Type] = new JsonObject();
        var config = new JsonObject
        {
            ["c_info"] = new JsonObject
            {
                ["type"] = dom.Type,
                ["name"] = dom.Name,
                ["domid"] = 4294967295,
                ["uuid"] = dom.Uuid.ToString(),
                ["run_hotplug_scripts"] = "True",
            },
            ["b_info"] = bInfo,
        };
        if (dom.Disks.Count > 0)
        {
            config["disks"] = new JsonArray(dom.Disks.Select(d => (JsonNode)new JsonObject
            {
                ["pdev_path"] = d.Target,
                ["vdev"] = d.Vdev,
                ["format"] = d.Format,
                ["readwrite"] = d.Access == "rw" ? 1 : 0,
                ["is_cdrom"] = d.IsCdRom ? 1 : 0,
            }).ToArray());
        }

        if (dom.Nics.Count > 0)
        {
            config["nics"] = new JsonArray(dom.Nics.Select(n =>
            {
                var nic = new JsonObject { ["devid"] = n.DevId, ["mac"] = n.Mac, ["bridge"] = n.Bridge };
                if (n.Ip is not null)
                {
                    nic["ip"] = n.Ip;
                }

                if (n.Model is not null)
                {
                    nic["model"] = n.Model;
                }

                return (JsonNode)nic;
            }).ToArray());
        }

        if (dom.OnPoweroff != "destroy")
        {
            config["on_poweroff"] = dom.OnPoweroff;
        }

        config["on_reboot"] = dom.OnReboot;
        if (dom.OnCrash != "destroy")
        {
            config["on_crash"] = dom.OnCrash;
        }

        config["on_soft_reset"] = "soft_reset";
        return config;
    }

    // ---- lifecycle ----

    /// <summary>What Xen does when a guest stops: the domain's <c>on_poweroff</c> / <c>on_reboot</c> / <c>on_crash</c> action.</summary>
    public static void ApplyShutdownAction(HostState host, DomainState dom, string action, string reason, DateTimeOffset now)
    {
        switch (action)
        {
            case "preserve":
                dom.State = reason == "crash" ? SimRunState.Crashed : SimRunState.Shutdown;
                dom.ShutdownReason = reason;
                dom.PauseCount = 0;
                break;
            case "restart":
            case "rename-restart":
            case "coredump-restart":
            case "soft-reset":
                // A restart is a new domain: a new domid (121/122), the same uuid and config.
                RemoveXenStore(host, dom.Id);
                dom.Id = host.NextDomId++;
                dom.State = SimRunState.Running;
                dom.PauseCount = 0;
                dom.ShutdownReason = null;
                dom.StartedAt = now;
                dom.MemoryMB = Math.Min(dom.TargetMemoryMB, dom.MemoryMB + host.FreeMemoryMB);
                break;
            default:
                Remove(host, dom);
                break;
        }
    }

    public static void Remove(HostState host, DomainState dom)
    {
        host.Domains.Remove(dom);
        RemoveXenStore(host, dom.Id);
    }

    private static void RemoveXenStore(HostState host, int domid)
    {
        string prefix = $"/local/domain/{domid}/";
        foreach (string key in host.XenStore.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).ToList())
        {
            host.XenStore.Remove(key);
        }
    }

    public static void Shutdown(HostState host, string domain, bool reboot, string commandLine, DateTimeOffset now)
    {
        if (CheckShutdown(host, domain, reboot, commandLine) is DomainState dom)
        {
            ApplyShutdownAction(host, dom, reboot ? dom.OnReboot : dom.OnPoweroff, reboot ? "reboot" : "poweroff", now);
        }
    }

    /// <summary>
    /// A shutdown or reboot that the guest acknowledges now and completes at <paramref name="due"/>: what xl
    /// does when its wait (<c>-w</c>) is given up early. The request is not taken back; the guest goes down
    /// at its own pace (<see cref="ApplyDue"/>).
    /// </summary>
    public static void RequestShutdown(HostState host, string domain, bool reboot, string commandLine, DateTimeOffset due)
    {
        if (CheckShutdown(host, domain, reboot, commandLine) is DomainState dom)
        {
            dom.PendingStopAt = due;
            dom.PendingReboot = reboot;
        }
    }

    /// <summary>Completes every requested shutdown or reboot that is due by <paramref name="now"/> (at its due time, so every reader sees the same outcome).</summary>
    public static void ApplyDue(HostState host, DateTimeOffset now)
    {
        foreach (DomainState dom in host.Domains.Where(d => d.PendingStopAt is { } at && at <= now).OrderBy(d => d.PendingStopAt).ToList())
        {
            DateTimeOffset at = dom.PendingStopAt!.Value;
            dom.PendingStopAt = null;
            if (dom.State is SimRunState.Running)
            {
                ApplyShutdownAction(host, dom, dom.PendingReboot ? dom.OnReboot : dom.OnPoweroff, dom.PendingReboot ? "reboot" : "poweroff", at);
            }
        }
    }

    // The checks xl's shutdown/reboot make; null when there is nothing to do (already shut down).
    private static DomainState? CheckShutdown(HostState host, string domain, bool reboot, string commandLine)
    {
        DomainState dom = Resolve(host, domain, commandLine);
        RefuseDom0(dom, commandLine, domain, reboot ? "Reboot" : "Shutdown");
        string verb = reboot ? "Rebooting" : "Shutting down";
        if (dom.State == SimRunState.Paused)
        {
            // 296: a paused guest cannot acknowledge the PV control request.
            throw new SimXlError(commandLine, 1,
                $"{verb} domain {dom.Id}\n" +
                "libxl: error: libxl_domain.c:854:pvcontrol_cb: guest didn't acknowledge control request: -9\n" +
                $"{(reboot ? "reboot" : "shutdown")} failed (rc=-9)\n",
                domain);
        }

        return dom.State is SimRunState.Shutdown or SimRunState.Crashed or SimRunState.Dying ? null : dom;
    }

    public static void Crash(HostState host, string domain, string commandLine, DateTimeOffset now)
    {
        DomainState dom = Resolve(host, domain, commandLine);
        RefuseDom0(dom, commandLine, domain, "Crash injection");
        host.Dmesg.Add($"(XEN) d{dom.Id}v0 Domain crashed (simulated)");
        ApplyShutdownAction(host, dom, dom.OnCrash, "crash", now);
    }

    public static void Destroy(HostState host, string domain, string commandLine)
    {
        DomainState dom = Resolve(host, domain, commandLine);
        if (dom.IsDom0)
        {
            // xl_vmcontrol.c: destroy_domain.
            throw new SimXlError(commandLine, 1,
                "Not destroying domain 0; use -f to force.\nThis can only be done when using a disaggregated hardware domain and toolstack.\n\n", domain);
        }

        Remove(host, dom);
    }

    public static void Pause(HostState host, string domain, string commandLine)
    {
        DomainState dom = Resolve(host, domain, commandLine);
        RefuseDom0(dom, commandLine, domain, "Pausing");
        dom.PauseCount++;
        if (dom.State == SimRunState.Running)
        {
            dom.State = SimRunState.Paused;
        }
    }

    public static void Unpause(HostState host, string domain, string commandLine)
    {
        DomainState dom = Resolve(host, domain, commandLine);
        if (dom.PauseCount == 0)
        {
            // 275: libxl complains and xl still exits 0; the contract reports it as a failure.
            throw new SimXlError(commandLine, 0,
                $"libxl: error: libxl_domain.c:688:domain_unpause_done: Domain {dom.Id}:Unpausing domain: Invalid argument\n", domain);
        }

        dom.PauseCount--;
        if (dom.PauseCount == 0 && dom.State == SimRunState.Paused)
        {
            dom.State = SimRunState.Running;
        }
    }

    public static void Rename(HostState host, string domain, string newName, string commandLine)
    {
        DomainState dom = Resolve(host, domain, commandLine);
        if (dom.Name == newName)
        {
            return;
        }

        if (host.Domains.Any(d => d.Name == newName))
        {
            // 266.
            throw new SimXlError(commandLine, 1,
                $"libxl: error: libxl_domain.c:81:libxl__domain_rename: Domain {dom.Id}:Domain with name \"{newName}\" already exists.\n" +
                $"Can't rename domain '{domain}'.\n",
                domain);
        }

        dom.Name = newName;
    }

    // ---- save / restore ----

    public static void Save(HostState host, string domain, string path, XenSaveMode mode, string commandLine)
    {
        DomainState dom = Resolve(host, domain, commandLine);
        RefuseDom0(dom, commandLine, domain, "Saving");
        string content = SaveMagic + "\n" + JsonSerializer.Serialize(new SaveImage { Domain = CloneDomain(dom) }, SimJsonContext.Default.SaveImage) + "\n";
        if (!SimFileSystem.TryWrite(host, path, content))
        {
            // 268.
            throw new SimXlError(commandLine, 1, $"Failed to open temp file {path} for writing\n", domain);
        }

        switch (mode)
        {
            case XenSaveMode.Destroy:
                Remove(host, dom);
                break;
            case XenSaveMode.LeavePaused:
                dom.PauseCount++;
                dom.State = SimRunState.Paused;
                break;
            default:
                break;
        }
    }

    public static DomainState Restore(HostState host, string path, bool paused, string? configPath, string commandLine, DateTimeOffset now)
    {
        string? content = SimFileSystem.ReadText(host, path);
        if (content is null)
        {
            // 270.
            throw new SimXlError(commandLine, 1, "Can't open restore file: No such file or directory\n", null);
        }

        SaveImage? image = null;
        if (content.StartsWith(SaveMagic, StringComparison.Ordinal))
        {
            try
            {
                image = JsonSerializer.Deserialize(content[SaveMagic.Length..], SimJsonContext.Default.SaveImage);
            }
            catch (JsonException)
            {
                image = null;
            }
        }

        if (image is null)
        {
            // 271.
            throw new SimXlError(commandLine, 1, "File has wrong magic number - corrupt or for a different tool?\n", null);
        }

        DomainState saved = image.Domain;
        SimGuestConfig config;
        if (configPath is not null)
        {
            string text = SimFileSystem.ReadText(host, configPath)
                ?? throw new SimXlError(commandLine, 1, $"Failed to read config file: {configPath}: No such file or directory\n", null);
            config = SimGuestConfig.Parse(text, configPath, commandLine);
            saved.Name = config.Name ?? saved.Name;
            saved.ConfigText = text;
        }
        else
        {
            config = SimGuestConfig.Parse(saved.ConfigText, null, commandLine);
        }

        string header = $"Loading new save file {path} (new xl fmt info 0x3/0x0/1020)\n Savefile contains xl domain config in JSON format\nParsing config from {configPath ?? "<saved>"}\n";
        return BuildRestored(host, saved, config, header, paused, commandLine, now);
    }

    private static DomainState BuildRestored(HostState host, DomainState saved, SimGuestConfig config, string header, bool paused, string commandLine, DateTimeOffset now)
    {
        try
        {
            return Build(host, config, saved.ConfigText, string.Empty, paused, commandLine, now, saved);
        }
        catch (SimXlError error)
        {
            throw new SimXlError(error.CommandLine, error.ExitCode, header + error.StandardError, saved.Name, error.Commit);
        }
    }

    // ---- memory and vCPUs ----

    public static void SetMemory(HostState host, string domain, long memoryMB, string commandLine)
    {
        DomainState dom = Resolve(host, domain, commandLine);
        if (memoryMB > dom.MaxMemoryMB)
        {
            // 120, 251.
            throw new SimXlError(commandLine, 1,
                $"libxl: error: libxl_mem.c:278:libxl_set_memory_target: Domain {dom.Id}:memory_dynamic_max must be less than or equal to memory_static_max\n\n" +
                $"cannot set domid {dom.Id} dynamic max memory to : {memoryMB}m\n",
                domain);
        }

        long others = host.UsedMemoryMB - (dom.IsDom0 ? host.Dom0MemoryMB : dom.MemoryMB);
        dom.TargetMemoryMB = memoryMB;

        // The balloon driver gets what the host has: never more than the free memory.
        long available = host.TotalMemoryMB - others;
        dom.MemoryMB = Math.Max(0, Math.Min(memoryMB, available));
        if (dom.IsDom0)
        {
            host.Dom0MemoryMB = dom.MemoryMB;
        }
    }

    public static void SetMaxMemory(HostState host, string domain, long maxMemoryMB, string commandLine)
    {
        DomainState dom = Resolve(host, domain, commandLine);
        if (maxMemoryMB < dom.TargetMemoryMB)
        {
            // 250 (": Success" and "or or" are xl's own).
            throw new SimXlError(commandLine, 1,
                $"libxl: error: libxl_mem.c:59:libxl_domain_setmaxmem: Domain {dom.Id}:memory_static_max must be greater than or or equal to memory_dynamic_max: Success\n" +
                $"cannot set domid {dom.Id} static max memory to : {maxMemoryMB}m\n",
                domain);
        }

        dom.MaxMemoryMB = maxMemoryMB;
    }

    public static void SetVCpus(HostState host, string domain, int count, bool ignoreHost, string commandLine)
    {
        DomainState dom = Resolve(host, domain, commandLine);

        // xl_vcpu.c vcpuset: only a rise above both the online vCPUs and the host's CPUs is refused, and not with --ignore-host.
        if (!ignoreHost && count > dom.OnlineVCpus && count > host.CpuCount)
        {
            // 248 ("overcommmitting" is xl's spelling).
            throw new SimXlError(commandLine, 1,
                $"You are overcommmitting! You have {host.CpuCount} physical CPUs and want {count} vCPUs! Aborting, use --ignore-host to continue\n",
                domain);
        }

        if (count < 1)
        {
            throw new SimXlError(commandLine, 1,
                $"libxl: error: libxl_domain.c:1853:libxl_set_vcpuonline: Domain {dom.Id}:Requested 0 VCPUs!: Invalid argument\n" +
                $"libxl_set_vcpuonline failed domid={dom.Id} max_vcpus={count}, rc: -3\n",
                domain);
        }

        if (count > dom.MaxVCpus)
        {
            throw new SimXlError(commandLine, 1,
                $"libxl: error: libxl_domain.c:1869:libxl_set_vcpuonline: Domain {dom.Id}:Requested {count} VCPUs, however maxcpus is {dom.MaxVCpus}!: Function not implemented\n" +
                $"libxl_set_vcpuonline failed domid={dom.Id} max_vcpus={count}, rc: -3\n",
                domain);
        }

        dom.OnlineVCpus = count;
    }

    public static void PinVCpu(HostState host, string domain, string vcpu, string hard, string? soft, string commandLine)
    {
        DomainState dom = Resolve(host, domain, commandLine);
        string failure =
            $"libxl: error: libxl_sched.c:62:libxl__set_vcpuaffinity: Domain {dom.Id}:Setting vcpu affinity: Invalid argument\n" +
            $"Could not set affinity for vcpu `{vcpu}'.\n";
        List<int> targets;
        if (vcpu == "all")
        {
            targets = Enumerable.Range(0, dom.MaxVCpus).ToList();
        }
        else if (int.TryParse(vcpu, NumberStyles.None, s_inv, out int number) && number < dom.MaxVCpus)
        {
            targets = [number];
        }
        else
        {
            throw new SimXlError(commandLine, 1, failure, domain);
        }

        string affinity = NormalizeAffinity(host, hard) ?? throw new SimXlError(commandLine, 1, failure, domain);
        if (soft is not null && NormalizeAffinity(host, soft) is null)
        {
            throw new SimXlError(commandLine, 1, failure, domain);
        }

        while (dom.HardAffinity.Count < dom.MaxVCpus)
        {
            dom.HardAffinity.Add("all");
        }

        foreach (int v in targets)
        {
            dom.HardAffinity[v] = affinity;
        }
    }

    /// <summary>
    /// A cpu list as xl prints it back (<c>all</c>, <c>0-1,3</c>), read with the config validator's reader
    /// (<c>^N</c>, <c>all,^N</c>, <c>nodes:...</c>; a simulated host is one NUMA node, node 0); null when xl
    /// refuses the list or it names no CPU of the host (267).
    /// </summary>
    private static string? NormalizeAffinity(HostState host, string list)
    {
        if (list is "-")
        {
            return "all";
        }

        if (XenCpuList.Read(list, host.CpuCount, node => node == 0 ? Enumerable.Range(0, host.CpuCount) : [], out SortedSet<int> cpus) is not null || cpus.Count == 0)
        {
            return null;
        }

        return XenCpuList.Format(cpus, host.CpuCount);
    }

    public static void SetScheduler(HostState host, string domain, int? weight, int? cap, string commandLine)
    {
        DomainState dom = Resolve(host, domain, commandLine);
        if (weight is < 1 or > 65535)
        {
            throw new SimXlError(commandLine, 1, $"libxl: error: libxl_sched.c:428:sched_{host.Scheduler}_domain_set: Domain {dom.Id}:Cpupool Pool-0: Invalid weight {weight}: Invalid argument\n", domain);
        }

        if (cap is < 0)
        {
            throw new SimXlError(commandLine, 1, $"libxl: error: libxl_sched.c:440:sched_{host.Scheduler}_domain_set: Domain {dom.Id}:Cpupool Pool-0: Invalid cap {cap}: Invalid argument\n", domain);
        }

        dom.Weight = weight ?? dom.Weight;
        dom.Cap = cap ?? dom.Cap;
    }

    // ---- devices ----

    public static DiskState AttachDisk(HostState host, string domain, string spec, string commandLine)
    {
        DomainState dom = Resolve(host, domain, commandLine);
        DiskState disk = ToDisk(SimDiskSpec.Parse(spec, commandLine), commandLine, domain);
        if (!disk.IsCdRom && disk.Target is not null && !SimFileSystem.Exists(host, disk.Target))
        {
            throw new SimXlError(commandLine, 1,
                $"libxl: error: libxl_device.c:397:libxl__device_disk_set_backend: Disk vdev={disk.Vdev} failed to stat: {disk.Target}: No such file or directory\n" +
                "libxl_device_disk_add failed.\n",
                domain);
        }

        if (dom.Disks.Any(d => d.DeviceId == disk.DeviceId))
        {
            // 253.
            throw new SimXlError(commandLine, 1,
                $"libxl: error: libxl_disk.c:343:device_disk_add: Domain {dom.Id}:device already exists in xenstore\n" +
                "libxl: error: libxl_device.c:1486:device_addrm_aocomplete: unable to add device\n" +
                "libxl_device_disk_add failed.\n",
                domain);
        }

        dom.Disks.Add(disk);
        return disk;
    }

    public static void DetachDisk(HostState host, string domain, string vdev, string commandLine)
    {
        DomainState dom = Resolve(host, domain, commandLine);
        int devid = SimDevices.DiskDeviceNumber(vdev);
        DiskState? disk = dom.Disks.FirstOrDefault(d => d.DeviceId == devid && devid >= 0);
        if (disk is null)
        {
            // 255.
            throw new SimXlError(commandLine, 1,
                $"libxl: error: libxl_disk.c:516:libxl__disk_from_xenstore: disk /libxl/{dom.Id}/device/vbd/{devid} does not exist (no backend path\n" +
                $"Error: Device {vdev} not connected.\n",
                domain);
        }

        dom.Disks.Remove(disk);
    }

    /// <summary>xl cd-insert (path) / cd-eject (null): HVM guests only, on a CD-ROM drive; the medium must exist (xl stats it).</summary>
    public static void ChangeCd(HostState host, string domain, string vdev, string? path, string commandLine)
    {
        DomainState dom = Resolve(host, domain, commandLine);
        if (path is not null && !SimFileSystem.Exists(host, path))
        {
            throw new SimXlError(commandLine, 1, $"Cannot stat file: {path}\n", domain);
        }

        if (!string.Equals(dom.Type, "hvm", StringComparison.Ordinal))
        {
            throw new SimXlError(commandLine, 1, $"libxl: error: libxl_disk.c:852:cdrom_insert_ejected: Domain {dom.Id}:cdrom-insert requires an HVM domain\n", domain);
        }

        int devid = SimDevices.DiskDeviceNumber(vdev);
        DiskState? drive = dom.Disks.FirstOrDefault(d => d.DeviceId == devid && devid >= 0);
        if (drive is null || !drive.IsCdRom)
        {
            throw new SimXlError(commandLine, 1, $"libxl: error: libxl_disk.c:893:cdrom_insert_ejected: Domain {dom.Id}:Virtual device not found\n", domain);
        }

        drive.Target = path;
        drive.Format = path is null ? "empty" : "raw";
    }

    public static NicState AttachNic(HostState host, string domain, string spec, string commandLine)
    {
        NicState nic = SimDevices.ToNic(spec);
        DomainState dom = Resolve(host, domain, commandLine);
        nic.DevId = dom.Nics.Count == 0 ? 0 : dom.Nics.Max(n => n.DevId) + 1;
        if (nic.Mac.Length == 0)
        {
            nic.Mac = SimDevices.RandomMac();
        }

        if (!host.Bridges.Contains(nic.Bridge, StringComparer.Ordinal))
        {
            // 080/081: the hotplug script fails and the vif stays behind.
            dom.Nics.Add(nic);
            throw new SimXlError(commandLine, 1, BridgeMissing(dom.Id, nic.Bridge, nic.DevId) + "libxl_device_nic_add failed.\n", domain, commit: true);
        }

        // 261: xl accepts a duplicate MAC.
        dom.Nics.Add(nic);
        return nic;
    }

    public static void DetachNic(HostState host, string domain, string indexOrMac, string commandLine)
    {
        DomainState dom = Resolve(host, domain, commandLine);
        NicState? nic = indexOrMac.Contains(':', StringComparison.Ordinal)
            ? dom.Nics.FirstOrDefault(n => string.Equals(n.Mac, indexOrMac, StringComparison.OrdinalIgnoreCase))
            : int.TryParse(indexOrMac, NumberStyles.None, s_inv, out int index) ? dom.Nics.FirstOrDefault(n => n.DevId == index) : null;
        if (nic is null)
        {
            throw new SimXlError(commandLine, 1, $"Unknown device {indexOrMac}.\n", domain);
        }

        dom.Nics.Remove(nic);
    }

    // ---- XenStore ----

    /// <summary>The store's leaves: what Xen writes for each domain, plus what callers wrote.</summary>
    public static SortedDictionary<string, string> XenStoreLeaves(HostState host)
    {
        var leaves = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (DomainState dom in host.Domains)
        {
            string root = $"/local/domain/{dom.Id}";
            leaves[root + "/name"] = dom.Name;
            leaves[root + "/domid"] = dom.Id.ToString(s_inv);
            leaves[root + "/memory/target"] = (dom.TargetMemoryMB * 1024).ToString(s_inv);
            leaves[root + "/memory/static-max"] = (dom.MaxMemoryMB * 1024).ToString(s_inv);
            if (!dom.IsDom0)
            {
                leaves[root + "/vm"] = "/vm/" + dom.Uuid;
                leaves[$"/vm/{dom.Uuid}/name"] = dom.Name;
                for (int v = 0; v < dom.MaxVCpus; v++)
                {
                    leaves[$"{root}/cpu/{v}/availability"] = v < dom.OnlineVCpus ? "online" : "offline";
                }

                foreach (NicState nic in dom.Nics)
                {
                    leaves[$"{root}/device/vif/{nic.DevId}/mac"] = nic.Mac;
                    leaves[$"{root}/device/vif/{nic.DevId}/backend"] = $"/local/domain/0/backend/vif/{dom.Id}/{nic.DevId}";
                }

                foreach (DiskState disk in dom.Disks)
                {
                    leaves[$"{root}/device/vbd/{disk.DeviceId}/backend"] = $"/local/domain/0/backend/vbd/{dom.Id}/{disk.DeviceId}";
                }
            }
        }

        foreach (string removed in host.XenStoreRemoved)
        {
            foreach (string key in leaves.Keys.Where(k => k == removed || k.StartsWith(removed + "/", StringComparison.Ordinal)).ToList())
            {
                leaves.Remove(key);
            }
        }

        foreach (KeyValuePair<string, string> pair in host.XenStore)
        {
            leaves[pair.Key] = pair.Value;
        }

        return leaves;
    }

    /// <summary>Every node of the store: the leaves and the folders between them (value "").</summary>
    public static SortedDictionary<string, string> XenStoreNodes(HostState host)
    {
        var nodes = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (KeyValuePair<string, string> leaf in XenStoreLeaves(host))
        {
            int slash = leaf.Key.IndexOf('/', 1);
            while (slash > 0)
            {
                nodes.TryAdd(leaf.Key[..slash], string.Empty);
                slash = leaf.Key.IndexOf('/', slash + 1);
            }

            nodes[leaf.Key] = leaf.Value;
        }

        return nodes;
    }

    /// <summary>
    /// xenstore-rm: removes the node and everything below it. A node that does not exist is fine when its parent does
    /// (xenstored do_rm: "Didn't exist already? Fine, if parent exists"); otherwise xenstore-rm fails.
    /// </summary>
    public static void XenStoreRemove(HostState host, string path, string commandLine)
    {
        SortedDictionary<string, string> nodes = XenStoreNodes(host);
        string parent = path.LastIndexOf('/') is int i and > 0 ? path[..i] : "/";
        if (!nodes.ContainsKey(path))
        {
            if (parent == "/" || nodes.ContainsKey(parent))
            {
                return;
            }

            throw new SimXlError(commandLine, 1, $"xenstore-rm: could not remove path {path}\n", null);
        }

        foreach (string key in host.XenStore.Keys.Where(k => k == path || k.StartsWith(path + "/", StringComparison.Ordinal)).ToList())
        {
            host.XenStore.Remove(key);
        }

        if (XenStoreLeaves(host).Keys.Any(k => k == path || k.StartsWith(path + "/", StringComparison.Ordinal)))
        {
            host.XenStoreRemoved.Add(path);
        }

        // The parent stays, as in xenstored, even when this was its last child (the simulator only stores leaves).
        if (parent != "/" && !XenStoreNodes(host).ContainsKey(parent))
        {
            host.XenStore[parent] = string.Empty;
        }
    }

    // ---- migration ----

    public static string MigrationHeader() =>
        "migration target: Ready to receive domain.\n" +
        "Saving to migration stream new xl format (info 0x3/0x0/819)\n" +
        "Loading new save file <incoming migration stream> (new xl fmt info 0x3/0x0/819)\n" +
        " Savefile contains xl domain config in JSON format\n" +
        "Parsing config from <saved>\n";

    public static DomainState CloneDomain(DomainState dom)
    {
        string json = JsonSerializer.Serialize(new SaveImage { Domain = dom }, SimJsonContext.Default.SaveImage);
        return JsonSerializer.Deserialize(json, SimJsonContext.Default.SaveImage)!.Domain;
    }

    private static DiskState CloneDisk(DiskState d) =>
        new() { Vdev = d.Vdev, DeviceId = d.DeviceId, Target = d.Target, Format = d.Format, Access = d.Access, IsCdRom = d.IsCdRom };

    /// <summary>The receiving side of a migration (xl migrate-receive): builds <c>name--incoming</c>, paused.</summary>
    public static DomainState ReceiveIncoming(HostState destination, DomainState source, string commandLine, DateTimeOffset now, StringBuilder log)
    {
        int domid = destination.NextDomId++;
        foreach (DiskState disk in source.Disks)
        {
            if (!disk.IsCdRom && disk.Target is not null && !SimFileSystem.Exists(destination, disk.Target))
            {
                log.Append($"libxl: error: libxl_device.c:397:libxl__device_disk_set_backend: Disk vdev={disk.Vdev} failed to stat: {disk.Target}: No such file or directory\n");
                log.Append($"libxl: error: libxl_create.c:1640:domcreate_launch_dm: Domain {domid}:Unable to add disk devices\n");
                log.Append(DestroyLines(domid));
                throw ReceiverFailed(commandLine, source.Name, log);
            }
        }

        if (source.MemoryMB > destination.FreeMemoryMB)
        {
            log.Append("xc: error: panic: xg_dom_boot.c:119: xc_dom_boot_mem_init: can't allocate low memory for domain: Out of memory\n");
            log.Append("libxl: error: libxl_dom.c:586:libxl__build_dom: xc_dom_boot_mem_init failed: Cannot allocate memory\n");
            log.Append(RebuildFailed(domid));
            throw ReceiverFailed(commandLine, source.Name, log);
        }

        DomainState incoming = CloneDomain(source);
        incoming.Name = source.Name + "--incoming";
        incoming.Id = domid;
        incoming.State = SimRunState.Paused;
        incoming.PauseCount = 1;
        incoming.StartedAt = now;
        destination.Domains.Add(incoming);
        log.Append($"xc: info: Saving domain {source.Id}, type x86 {(source.Type == "pv" ? "PV" : "HVM")}\n");
        log.Append($"xc: info: Found x86 {(source.Type == "pv" ? "PV" : "HVM")} domain from Xen 4.17\n");
        log.Append("xc: info: Restoring domain\nxc: info: Restore successful\n");
        return incoming;
    }

    private static SimXlError ReceiverFailed(string commandLine, string domain, StringBuilder log)
    {
        log.Append("migration target: Domain creation failed (code -3).\n");
        log.Append("migration sender: libxl_domain_suspend failed (rc=-3)\n");
        log.Append("Migration failed, resuming at sender.\n");
        return new SimXlError(commandLine, 1, log.ToString(), domain, commit: true) { MigrationStateUndefined = false };
    }

    // ---- output ----

    public static string XlState(DomainState dom)
    {
        return dom.State switch
        {
            SimRunState.Running => dom.IsDom0 ? "r-----" : "-b----",
            SimRunState.Paused => "--p---",
            SimRunState.Shutdown => "---s" + ReasonLetter(dom.ShutdownReason) + "-",
            SimRunState.Crashed => "---sc-",
            SimRunState.Dying => "-----d",
            _ => "------",
        };
    }

    private static char ReasonLetter(string? reason) => reason switch
    {
        "reboot" => 'r',
        "suspend" => 's',
        "crash" => 'c',
        "watchdog" => 'w',
        "soft_reset" => 'S',
        _ => '-',
    };

    public static TimeSpan CpuTime(HostState host, DomainState dom, DateTimeOffset now) =>
        TimeSpan.FromSeconds(Math.Round(CpuSeconds(dom, now), 1));

    /// <summary>
    /// CPU seconds a domain has used: it grows only while the domain runs (paused, shut down or crashed: it stops),
    /// at a rate that moves (between 0.2 and 1.8 times an idle guest's 2% per vCPU, Domain-0's 10%, over a
    /// 90-second wave with a phase per domain), so that xentop-style percentages move as on a real host. Monotonic.
    /// </summary>
    public static double CpuSeconds(DomainState dom, DateTimeOffset now)
    {
        double t = RunningSeconds(dom, now);
        double rate = (dom.IsDom0 ? 0.1 : 0.02) * Math.Max(1, dom.OnlineVCpus);
        const double w = 2 * Math.PI / 90;
        double phase = dom.Id * 1.7;
        return Math.Max(0, (rate * t) + (0.8 * rate / w * (Math.Cos(phase) - Math.Cos((w * t) + phase))));
    }

    /// <summary>How long the domain has been running (not paused, not shut down) since it started.</summary>
    public static double RunningSeconds(DomainState dom, DateTimeOffset now)
    {
        if (dom.CpuEpoch != dom.StartedAt)
        {
            // Not reconciled since it started (a read right after a create): it has run since StartedAt if running.
            return dom.State == SimRunState.Running ? Math.Max(0, (now - dom.StartedAt).TotalSeconds) : 0;
        }

        double banked = dom.CpuBankSeconds;
        return dom.RunningSince is DateTimeOffset since ? banked + Math.Max(0, (now - since).TotalSeconds) : banked;
    }

    /// <summary>
    /// Brings every domain's CPU accounting up to <paramref name="now"/> after a change: the time a domain ran is
    /// banked when it stops running and the clock restarts when it runs again. A new domain (or one that was
    /// restored or received: a new <c>StartedAt</c>) starts from zero.
    /// </summary>
    public static void ReconcileCpu(HostState host, DateTimeOffset now)
    {
        foreach (DomainState dom in host.Domains)
        {
            if (dom.CpuEpoch != dom.StartedAt)
            {
                dom.CpuEpoch = dom.StartedAt;
                dom.CpuBankSeconds = 0;
                dom.RunningSince = dom.State == SimRunState.Running ? dom.StartedAt : null;
            }

            bool running = dom.State == SimRunState.Running;
            if (running && dom.RunningSince is null)
            {
                dom.RunningSince = now;
            }
            else if (!running && dom.RunningSince is DateTimeOffset since)
            {
                dom.CpuBankSeconds += Math.Max(0, (now - since).TotalSeconds);
                dom.RunningSince = null;
            }
        }
    }
}

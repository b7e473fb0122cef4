using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using XenPS.Config;
using XenPS.Toolstack.Xl;
using XenPS.Transport;

namespace XenPS.Toolstack;

/// <summary>
/// The contract implemented with <c>xl</c> and <c>xenstore-*</c> over a transport (local processes or SSH).
/// Every call is an argument vector; host file operations are fixed <c>sh</c> scripts whose user-supplied
/// paths and contents travel only as positional parameters or standard input.
/// </summary>
/// <remarks>
/// Listing makes a constant number of calls however many domains exist: <c>xl list -v</c> (state, uuid),
/// <c>xl list -l</c> (configuration), <c>xl uptime</c>, and one script that returns every config file and
/// auto-start entry. Behaviour follows the real outputs of Xen 4.17.7 (tests/fixtures/xen-4.17.7).
/// </remarks>
public sealed class XlToolstack : IXenToolstack
{
    private static readonly Encoding Utf8NoBom = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);

    private readonly IXenTransport _transport;
    private readonly XlToolstackOptions _options;
    private readonly ILogger<XlToolstack> _log;
    private string? _hostScheduler;

    /// <summary>Creates the toolstack over <paramref name="transport"/>.</summary>
    /// <param name="transport">How commands reach the host.</param>
    /// <param name="options">Config directory and timeouts; defaults when <see langword="null"/>.</param>
    /// <param name="loggerFactory">Where commands (Debug) and decisions (Information) are logged.</param>
    public XlToolstack(IXenTransport transport, XlToolstackOptions? options = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(transport);
        _transport = transport;
        _options = options ?? new XlToolstackOptions();
        _log = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<XlToolstack>();
    }

    /// <inheritdoc />
    public string HostName => _transport.HostName;

    /// <inheritdoc />
    public string ConfigDirectory => _options.ConfigDirectory;

    /// <summary>The xendomains auto-start folder (default <c>&lt;ConfigDirectory&gt;/auto</c>).</summary>
    public string AutoStartDirectory => _options.AutoStartDirectory;

    /// <inheritdoc />
    public XenHostConnection? Connection { get; set; }

    // ---------------------------------------------------------------- host

    /// <inheritdoc />
    public async Task<XenHostInfo> GetHostInfoAsync(CancellationToken cancellationToken)
    {
        CommandResult r = await XlAsync(null, cancellationToken, "info").ConfigureAwait(false);
        XenHostInfo info = Parse("xl info", () => XlInfoParser.Parse(r.StandardOutput));
        info.HostName = HostName;
        info.XenHost = Connection;
        if (info.Scheduler.Length > 0)
        {
            _hostScheduler = info.Scheduler;
        }

        return info;
    }

    /// <inheritdoc />
    public async Task<string> GetDmesgAsync(bool clear, CancellationToken cancellationToken)
    {
        CommandResult r = clear
            ? await XlAsync(null, cancellationToken, "dmesg", "-c").ConfigureAwait(false)
            : await XlAsync(null, cancellationToken, "dmesg").ConfigureAwait(false);
        return r.StandardOutput;
    }

    // ---------------------------------------------------------------- domains

    /// <inheritdoc />
    public async Task<IReadOnlyList<XenDomain>> ListDomainsAsync(CancellationToken cancellationToken)
    {
        // Four calls, whatever the number of domains; they are independent, so they run together.
        Task<CommandResult> listTask = ReadTwiceOnSilentFailureAsync(() => RunXlAsync(null, ["list", "-v"], _options.CommandTimeout, cancellationToken, throwOnError: false), cancellationToken);
        Task<CommandResult> longTask = ReadTwiceOnSilentFailureAsync(() => RunXlAsync(null, ["list", "-l"], _options.CommandTimeout, cancellationToken, throwOnError: false), cancellationToken);
        Task<IReadOnlyList<XenDomainUptime>?> uptimeTask = TryGetUptimesAsync(cancellationToken);
        Task<CommandResult> inventoryTask = ReadTwiceOnSilentFailureAsync(() => ShAsync("config-inventory", XlHostScripts.ConfigInventory, [ConfigDirectory, AutoStartDirectory], null, null, cancellationToken, throwOnError: false), cancellationToken);
        await Task.WhenAll(listTask, longTask, uptimeTask, inventoryTask).ConfigureAwait(false);
        ThrowIfFailed(listTask.Result, Display("xl", ["list", "-v"]));
        ThrowIfFailed(longTask.Result, Display("xl", ["list", "-l"]));
        ThrowIfFailed(inventoryTask.Result, ShDisplay("config-inventory", [ConfigDirectory, AutoStartDirectory]));

        IReadOnlyList<XlListRow> rows = Parse("xl list -v", () => XlListParser.Parse(listTask.Result.StandardOutput));
        var details = ParseDetails(longTask.Result.StandardOutput);

        // Real xl skips, without a word, a domain whose configuration it cannot read at that moment
        // (xl_info.c list_domains_details: "if (rc) continue;"), e.g. one that another xl is still
        // creating or changing. One more look fills the gap; a domain still without it has no type.
        int[] missing = rows.Where(r => r.Id != 0 && !details.ContainsKey(r.Id) && r.State is not (XenDomainState.Dying or XenDomainState.Shutdown)).Select(r => r.Id).ToArray();
        if (missing.Length > 0)
        {
            _log.LogInformation("{Host}: 'xl list -l' left out domain(s) {Ids}; asking again.", HostName, string.Join(", ", missing));
            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken).ConfigureAwait(false);
            CommandResult again = await RunXlAsync(null, ["list", "-l"], _options.CommandTimeout, cancellationToken, throwOnError: false).ConfigureAwait(false);
            if (again.ExitCode == 0)
            {
                foreach (var (id, d) in ParseDetails(again.StandardOutput))
                {
                    details.TryAdd(id, d);
                }
            }
        }
        var uptimes = new Dictionary<int, TimeSpan>(rows.Count);
        foreach (XenDomainUptime u in uptimeTask.Result ?? Array.Empty<XenDomainUptime>())
        {
            uptimes.TryAdd(u.DomainId, u.Uptime);
        }

        var (configs, auto) = Parse(ShDisplay("config-inventory", [ConfigDirectory, AutoStartDirectory]), () => XlHostScripts.ParseInventory(inventoryTask.Result.StandardOutput));

        List<KnownConfig> known = ReadConfigs(configs, auto);
        var byName = new Dictionary<string, KnownConfig>(StringComparer.Ordinal);
        foreach (KnownConfig k in known)
        {
            if (!byName.TryAdd(k.Name, k))
            {
                _log.LogInformation("{Host}: config files {First} and {Second} both name domain '{Name}'; using the first.", HostName, byName[k.Name].File.Path, k.File.Path, k.Name);
            }
        }

        var result = new List<XenDomain>();
        var running = new HashSet<string>(StringComparer.Ordinal);
        foreach (XlListRow row in rows)
        {
            running.Add(row.Name);
            details.TryGetValue(row.Id, out XlDomainDetails? detail);
            XenDomain d = FromRow(row, detail);
            d.Uptime = uptimes.TryGetValue(row.Id, out TimeSpan up) ? up : null;
            if (byName.TryGetValue(row.Name, out KnownConfig? cfg))
            {
                d.ConfigPath = cfg.File.Path;
                d.AutoStart = cfg.AutoStart;
                d.VncListen = cfg.Facts?.Vnc.Listen;
                d.VncDisplay = cfg.Facts?.Vnc.Display;
            }

            result.Add(d);
        }

        int off = 0;
        foreach (KnownConfig cfg in byName.Values.Where(k => !running.Contains(k.Name)).OrderBy(k => k.Name, StringComparer.Ordinal))
        {
            result.Add(FromConfig(cfg));
            off++;
        }

        _log.LogInformation("{Host}: {Running} running and {Off} Off domains ({Configs} config files in {Dir}).", HostName, rows.Count, off, configs.Count, ConfigDirectory);
        return result;
    }

    /// <inheritdoc />
    public async Task<XenDomain> GetDomainAsync(string domain, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(domain);
        IReadOnlyList<XenDomain> all = await ListDomainsAsync(cancellationToken).ConfigureAwait(false);
        return Find(all, domain) ?? throw new XenDomainNotFoundException(domain, HostName);
    }

    /// <inheritdoc />
    public async Task<XenDomain?> FindRunningDomainAsync(int domainId, CancellationToken cancellationToken)
    {
        XlListRow? row = await ListOneAsync(domainId.ToString(CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
        return row is null ? null : FromRow(row, null);
    }

    /// <inheritdoc />
    public async Task<XenDomain?> FindDomainByConfigAsync(string configPath, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(configPath);
        string text;
        try
        {
            text = await ReadFileAsync(configPath, cancellationToken).ConfigureAwait(false);
        }
        catch (XenOperationException ex) when (ex.ErrorId == "HostFileNotFound")
        {
            return null;
        }

        XlConfigFacts? facts = null;
        try
        {
            facts = XlConfigFacts.Read(text, configPath);
        }
        catch (XenConfigException ex)
        {
            _log.LogWarning("{Host}: {Path} does not parse ({Reason}); naming it by its file name.", HostName, configPath, ex.Message);
        }

        string name = facts?.Name ?? StripCfg(FileName(configPath));
        XlListRow? row = await ListOneAsync(name, cancellationToken).ConfigureAwait(false);
        if (row is null)
        {
            return FromConfig(new KnownConfig(name, new XlHostScripts.ConfigFile(configPath, configPath, text), facts, AutoStart: false));
        }

        XenDomain d = FromRow(row, null);
        d.ConfigPath = configPath;
        d.Type = facts?.Type;
        return d;
    }

    // One domain's line of 'xl list -v' (a targeted call; the word is after "--", so it is never an option),
    // or null when xl says there is no such domain.
    private async Task<XlListRow?> ListOneAsync(string domain, CancellationToken cancellationToken)
    {
        try
        {
            CommandResult r = await XlAsync(domain, cancellationToken, "list", "-v", "--", domain).ConfigureAwait(false);
            return Parse("xl list -v " + domain, () => XlListParser.Parse(r.StandardOutput)).FirstOrDefault(x => x.Id != 0 || domain == "0");
        }
        catch (XenDomainNotFoundException)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public async Task<string> GetLiveConfigJsonAsync(string domain, CancellationToken cancellationToken)
    {
        XlDomainDetails? d = await GetDetailsAsync(domain, cancellationToken).ConfigureAwait(false);
        return d?.ConfigJson ?? throw new XenOperationException(
            "LiveConfigUnavailable",
            XenErrorCategory.ReadError,
            $"xl on host '{HostName}' returned no configuration for domain '{domain}'.")
        {
            HostName = HostName,
            Domain = domain,
        };
    }

    /// <inheritdoc />
    public async Task<XenDomain> CreateAsync(string configText, bool paused, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(configText);
        string name = NameOf(XlConfigFacts.Read(configText, null));
        string temp = TempConfigPath();
        await CreateFileAsync(temp, configText, cancellationToken).ConfigureAwait(false);
        try
        {
            await CreateCoreAsync(temp, name, paused, textGiven: true, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await DeleteQuietlyAsync(temp).ConfigureAwait(false);
        }

        return await GetDomainAsync(name, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<XenDomain> CreateFromFileAsync(string configPath, bool paused, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(configPath);
        string text = await ReadFileAsync(configPath, cancellationToken).ConfigureAwait(false);
        XlConfigFacts facts = XlConfigFacts.Read(text, configPath);
        string name = NameOf(facts);
        await CreateCoreAsync(configPath, name, paused, textGiven: false, cancellationToken).ConfigureAwait(false);

        // A targeted read of the new domain, not a listing: its line, plus what the file says.
        XlListRow row = await ListOneAsync(name, cancellationToken).ConfigureAwait(false)
            ?? throw new XenDomainNotFoundException(name, HostName, "'xl create' succeeded but the domain is not listed.");
        XenDomain d = FromRow(row, null);
        d.ConfigPath = configPath;
        d.Type = facts.Type;
        d.MaxMemoryMB = facts.MaxMemoryMB;
        d.MaxVCpu = facts.MaxVCpus;
        return d;
    }

    /// <inheritdoc />
    public async Task<string> DryRunCreateAsync(string configText, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(configText);
        string temp = TempConfigPath();
        await CreateFileAsync(temp, configText, cancellationToken).ConfigureAwait(false);
        try
        {
            CommandResult r = await RunXlAsync(null, ["-N", "create", "--", temp], _options.CommandTimeout, cancellationToken).ConfigureAwait(false);
            return r.StandardOutput;
        }
        catch (XenConfigException ex)
        {
            // xl names our temporary file; the user gave text.
            throw new XenConfigException(ex.Reason, null, ex.Line, ex.Column) { HostName = HostName };
        }
        finally
        {
            await DeleteQuietlyAsync(temp).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public Task ShutdownAsync(string domain, bool wait, TimeSpan? timeout, CancellationToken cancellationToken) =>
        StopAsync("shutdown", "Shutdown", domain, wait, timeout, cancellationToken);

    /// <inheritdoc />
    public Task RebootAsync(string domain, bool wait, TimeSpan? timeout, CancellationToken cancellationToken) =>
        StopAsync("reboot", "Reboot", domain, wait, timeout, cancellationToken);

    /// <inheritdoc />
    public Task DestroyAsync(string domain, CancellationToken cancellationToken) =>
        XlAsync(domain, cancellationToken, "destroy", "--", domain);

    /// <inheritdoc />
    public Task PauseAsync(string domain, CancellationToken cancellationToken) =>
        XlAsync(domain, cancellationToken, "pause", "--", domain);

    /// <inheritdoc />
    public async Task UnpauseAsync(string domain, CancellationToken cancellationToken)
    {
        CommandResult r = await XlAsync(domain, cancellationToken, "unpause", "--", domain).ConfigureAwait(false);
        if (!XlErrorClassifier.ReportsError(r.StandardError))
        {
            return;
        }

        // xl exits 0 even when libxl failed (fixture 275): the domain's state decides what happened.
        CommandResult list = await XlAsync(domain, cancellationToken, "list", "-v", "--", domain).ConfigureAwait(false);
        XlListRow? row = Parse("xl list -v " + domain, () => XlListParser.Parse(list.StandardOutput)).FirstOrDefault();
        if (row is not null && row.State == XenDomainState.Paused)
        {
            _log.LogInformation("{Host}: 'xl unpause {Domain}' exited 0 but reported an error and the domain is still paused.", HostName, domain);
            throw new XlCommandException("xl unpause " + domain, r.ExitCode, r.StandardError, HostName, domain);
        }

        _log.LogInformation("{Host}: 'xl unpause {Domain}' reported an error: the domain was not paused (state {State}).", HostName, domain, row?.State);
        throw XlErrorClassifier.NotPaused(domain, HostName, r.StandardError);
    }

    /// <inheritdoc />
    public Task SaveAsync(string domain, string path, XenSaveMode mode, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var args = new List<string> { "save" };
        if (mode == XenSaveMode.KeepRunning)
        {
            args.Add("-c");
        }
        else if (mode == XenSaveMode.LeavePaused)
        {
            args.Add("-p");
        }

        args.Add("--");
        args.Add(domain);
        args.Add(path);
        return RunXlAsync(domain, args, _options.LifecycleTimeout, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<XenDomain> RestoreAsync(string path, bool paused, string? configPath, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);

        // xl restore prints no domid: the restored domain is the one whose id was not there before
        // (Xen hands out increasing domids).
        CommandResult before = await XlAsync(null, cancellationToken, "list").ConfigureAwait(false);
        var knownIds = Parse("xl list", () => XlListParser.Parse(before.StandardOutput)).Select(r => r.Id).ToHashSet();

        var args = new List<string> { "restore" };
        if (paused)
        {
            args.Add("-p");
        }

        args.Add("--");
        if (!string.IsNullOrEmpty(configPath))
        {
            args.Add(configPath);
        }

        args.Add(path);
        await RunXlAsync(null, args, _options.LifecycleTimeout, cancellationToken).ConfigureAwait(false);

        IReadOnlyList<XenDomain> all = await ListDomainsAsync(cancellationToken).ConfigureAwait(false);
        XenDomain? restored = all.Where(d => d.Id.HasValue && !knownIds.Contains(d.Id.Value)).OrderByDescending(d => d.Id).FirstOrDefault();
        if (restored is null)
        {
            throw new XenOperationException(
                "RestoredDomainNotFound",
                XenErrorCategory.InvalidResult,
                $"'xl restore {path}' succeeded on host '{HostName}' but no new domain appeared.")
            {
                HostName = HostName,
            };
        }

        _log.LogInformation("{Host}: restored {Path} as domain '{Name}' (id {Id}).", HostName, path, restored.Name, restored.Id);
        return restored;
    }

    /// <inheritdoc />
    public Task RenameAsync(string domain, string newName, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(newName);
        return XlAsync(domain, cancellationToken, "rename", "--", domain, newName);
    }

    /// <inheritdoc />
    public Task SetMemoryAsync(string domain, long memoryMB, CancellationToken cancellationToken) =>
        XlAsync(domain, cancellationToken, "mem-set", "--", domain, Mib(memoryMB));

    /// <inheritdoc />
    public Task SetMaxMemoryAsync(string domain, long maxMemoryMB, CancellationToken cancellationToken) =>
        XlAsync(domain, cancellationToken, "mem-max", "--", domain, Mib(maxMemoryMB));

    /// <inheritdoc />
    public Task SetVCpuCountAsync(string domain, int count, CancellationToken cancellationToken) =>
        SetVCpuCountAsync(domain, count, allowOvercommit: false, cancellationToken);

    /// <inheritdoc />
    public Task SetVCpuCountAsync(string domain, int count, bool allowOvercommit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);

        // xl_vcpu.c main_vcpuset: "-i" / "--ignore-host" skips the host-CPU check ("You are overcommmitting!").
        return allowOvercommit
            ? XlAsync(domain, cancellationToken, "vcpu-set", "--ignore-host", "--", domain, count.ToString(CultureInfo.InvariantCulture))
            : XlAsync(domain, cancellationToken, "vcpu-set", "--", domain, count.ToString(CultureInfo.InvariantCulture));
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<XenVCpu>> GetVCpusAsync(string? domain, CancellationToken cancellationToken)
    {
        CommandResult r = domain is null
            ? await XlAsync(null, cancellationToken, "vcpu-list").ConfigureAwait(false)
            : await XlAsync(domain, cancellationToken, "vcpu-list", "--", domain).ConfigureAwait(false);
        var list = Parse(domain is null ? "xl vcpu-list" : "xl vcpu-list " + domain, () => XlVCpuListParser.Parse(r.StandardOutput));
        foreach (XenVCpu v in list)
        {
            v.HostName = HostName;
            v.XenHost = Connection;
        }

        return list;
    }

    /// <inheritdoc />
    public Task PinVCpuAsync(string domain, string vcpu, string hardAffinity, string? softAffinity, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(vcpu);
        ArgumentException.ThrowIfNullOrEmpty(hardAffinity);
        var args = new List<string> { "vcpu-pin", "--", domain, vcpu, hardAffinity };
        if (!string.IsNullOrEmpty(softAffinity))
        {
            args.Add(softAffinity);
        }

        return RunXlAsync(domain, args, _options.CommandTimeout, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<XenSchedulerParameters> GetSchedulerParametersAsync(string domain, CancellationToken cancellationToken)
    {
        (CommandResult r, string scheduler) = await SchedAsync(domain, null, null, cancellationToken).ConfigureAwait(false);
        XenSchedulerParameters p = Parse($"xl sched-{scheduler} -d {domain}", () => XlSchedParser.Parse(r.StandardOutput, scheduler)).FirstOrDefault()
            ?? throw new XenDomainNotFoundException(domain, HostName);
        p.HostName = HostName;
        p.XenHost = Connection;
        return p;
    }

    /// <inheritdoc />
    public async Task SetSchedulerParametersAsync(string domain, int? weight, int? cap, CancellationToken cancellationToken)
    {
        if (weight is null && cap is null)
        {
            return;
        }

        await SchedAsync(domain, weight, cap, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<XenDomainUptime>> GetUptimeAsync(string? domain, CancellationToken cancellationToken)
    {
        CommandResult r = domain is null
            ? await XlAsync(null, cancellationToken, "uptime").ConfigureAwait(false)
            : await XlAsync(domain, cancellationToken, "uptime", "--", domain).ConfigureAwait(false);
        var rejected = new List<XlOutputFormatException>();
        IReadOnlyList<XenDomainUptime> rows = XlUptimeParser.Parse(r.StandardOutput, rejected);
        if (domain is not null && rows.Count == 0 && rejected.Count > 0)
        {
            throw new XenOutputNotUnderstoodException("xl uptime " + domain, HostName, rejected[0].Line, rejected[0].Reason) { Domain = domain };
        }

        WarnUptimeLines(rejected);
        return rows;
    }

    // ---------------------------------------------------------------- devices

    /// <inheritdoc />
    public async Task<IReadOnlyList<XenDisk>> GetDisksAsync(string domain, CancellationToken cancellationToken)
    {
        Task<CommandResult> listTask = XlAsync(domain, cancellationToken, "block-list", "--", domain);
        Task<XlDomainDetails?> detailsTask = GetDetailsAsync(domain, cancellationToken);
        await Task.WhenAll(listTask, detailsTask).ConfigureAwait(false);
        XlDomainDetails? details = detailsTask.Result;
        string name = details?.Name is { Length: > 0 } n ? n : domain;

        var disks = new List<XenDisk>();
        foreach (XlBlockRow row in Parse("xl block-list " + domain, () => XlDeviceListParser.ParseBlockList(listTask.Result.StandardOutput)))
        {
            XlConfigDisk? cfg = details?.Disks.FirstOrDefault(c => c.Vdev is not null && XlVdev.ToNumber(c.Vdev) == row.DeviceNumber);
            disks.Add(new XenDisk(name, row.Vdev)
            {
                DomainId = row.FrontendId,
                DeviceId = row.DeviceNumber,
                BackendPath = row.BackendPath,
                State = (XenBusState)row.State,
                Target = cfg?.Target,
                Format = cfg?.Format,
                Access = cfg is null ? null : cfg.ReadWrite ? "rw" : "ro",
                IsCdRom = cfg?.IsCdRom ?? false,
                HostName = HostName,
                XenHost = Connection,
            });
        }

        return disks;
    }

    /// <inheritdoc />
    public async Task<XenDisk> AttachDiskAsync(string domain, string diskSpec, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(diskSpec);
        CommandResult before = await XlAsync(domain, cancellationToken, "block-list", "--", domain).ConfigureAwait(false);
        var had = Parse("xl block-list " + domain, () => XlDeviceListParser.ParseBlockList(before.StandardOutput)).Select(b => b.DeviceNumber).ToHashSet();

        // xl block-attach takes the disk spec as ONE comma-separated argument.
        await XlAsync(domain, cancellationToken, "block-attach", "--", domain, diskSpec).ConfigureAwait(false);

        IReadOnlyList<XenDisk> after = await GetDisksAsync(domain, cancellationToken).ConfigureAwait(false);
        return after.FirstOrDefault(d => d.DeviceId is int id && !had.Contains(id))
            ?? throw NewDeviceMissing("block-attach", domain, diskSpec);
    }

    /// <inheritdoc />
    public Task DetachDiskAsync(string domain, string vdev, bool force, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(vdev);
        return force
            ? XlAsync(domain, cancellationToken, "block-detach", "--force", "--", domain, vdev)
            : XlAsync(domain, cancellationToken, "block-detach", "--", domain, vdev);
    }

    /// <inheritdoc />
    public Task InsertCdAsync(string domain, string vdev, string path, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(vdev);
        ArgumentException.ThrowIfNullOrEmpty(path);
        return XlAsync(domain, cancellationToken, "cd-insert", "--", domain, vdev, path);
    }

    /// <inheritdoc />
    public Task EjectCdAsync(string domain, string vdev, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(vdev);
        return XlAsync(domain, cancellationToken, "cd-eject", "--", domain, vdev);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<XenBridge>> GetBridgesAsync(CancellationToken cancellationToken)
    {
        CommandResult r = await ShAsync("bridges", XlHostScripts.Bridges, [], null, null, cancellationToken).ConfigureAwait(false);
        return XlHostScripts.ParseBridges(r.StandardOutput)
            .Select(b => new XenBridge(b.Name, b.Interfaces) { HostName = HostName, XenHost = Connection })
            .ToList();
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<XenNetworkAdapter>> GetNetworkAdaptersAsync(string domain, CancellationToken cancellationToken)
    {
        Task<CommandResult> listTask = XlAsync(domain, cancellationToken, "network-list", "--", domain);
        Task<XlDomainDetails?> detailsTask = GetDetailsAsync(domain, cancellationToken);
        await Task.WhenAll(listTask, detailsTask).ConfigureAwait(false);
        XlDomainDetails? details = detailsTask.Result;
        string name = details?.Name is { Length: > 0 } n ? n : domain;

        var nics = new List<XenNetworkAdapter>();
        foreach (XlNetworkRow row in Parse("xl network-list " + domain, () => XlDeviceListParser.ParseNetworkList(listTask.Result.StandardOutput)))
        {
            XlConfigNic? cfg = details?.Nics.FirstOrDefault(c => c.DevId == row.Index);
            nics.Add(new XenNetworkAdapter(name, row.Index)
            {
                DomainId = details?.DomainId,
                Mac = row.Mac,
                Bridge = cfg?.Bridge,
                Model = cfg?.Model,
                Ip = cfg?.Ip,
                Rate = cfg?.Rate,
                State = (XenBusState)row.State,
                BackendPath = row.BackendPath,
                HostName = HostName,
                XenHost = Connection,
            });
        }

        return nics;
    }

    /// <inheritdoc />
    public async Task<XenNetworkAdapter> AttachNetworkAdapterAsync(string domain, string vifSpec, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(vifSpec);

        // xl network-attach reads each key=value as its own argument; a comma-joined spec would become a
        // bridge named "xenbr0,mac=..." (fixtures 256 vs 260). A spec xl would refuse fails here, before the host.
        var args = new List<string> { "network-attach", "--", domain };
        args.AddRange(XlConfigFacts.NetworkAttachArguments(vifSpec));

        CommandResult before = await XlAsync(domain, cancellationToken, "network-list", "--", domain).ConfigureAwait(false);
        var had = Parse("xl network-list " + domain, () => XlDeviceListParser.ParseNetworkList(before.StandardOutput)).Select(n => n.Index).ToHashSet();
        await RunXlAsync(domain, args, _options.CommandTimeout, cancellationToken).ConfigureAwait(false);

        IReadOnlyList<XenNetworkAdapter> after = await GetNetworkAdaptersAsync(domain, cancellationToken).ConfigureAwait(false);
        return after.Where(n => !had.Contains(n.Index)).OrderByDescending(n => n.Index).FirstOrDefault()
            ?? throw NewDeviceMissing("network-attach", domain, vifSpec);
    }

    /// <inheritdoc />
    public Task DetachNetworkAdapterAsync(string domain, string indexOrMac, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(indexOrMac);
        return XlAsync(domain, cancellationToken, "network-detach", "--", domain, indexOrMac);
    }

    // ---------------------------------------------------------------- XenStore

    /// <inheritdoc />
    public async Task<string> XenStoreReadAsync(string path, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        CommandResult r = await RunAsync("xenstore-read", [path], null, null, null, cancellationToken).ConfigureAwait(false);
        return XenStoreOutput.Value(r.StandardOutput);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> XenStoreListAsync(string path, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        CommandResult r = await RunAsync("xenstore-list", [path], null, null, null, cancellationToken).ConfigureAwait(false);
        return XenStoreOutput.Children(r.StandardOutput);
    }

    /// <inheritdoc />
    public Task XenStoreWriteAsync(string path, string value, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(value);
        return RunAsync("xenstore-write", [path, value], null, null, null, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<XenStoreItem>> XenStoreTreeAsync(string path, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        CommandResult r = await RunAsync("xenstore-ls", ["-f", path], null, null, null, cancellationToken).ConfigureAwait(false);
        XenStoreLsParser.Result parsed = Parse("xenstore-ls -f " + path, () => XenStoreLsParser.Parse(r.StandardOutput));
        var full = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string cut in parsed.Truncated)
        {
            // Only values longer than xenstore-ls's output width: rare, and each read once.
            full[cut] = await XenStoreReadAsync(cut, cancellationToken).ConfigureAwait(false);
        }

        return parsed.Nodes
            .Select(n => new XenStoreItem(n.Path, full.TryGetValue(n.Path, out string? v) ? v : n.Value) { HostName = HostName, XenHost = Connection })
            .ToList();
    }

    /// <inheritdoc />
    public Task XenStoreRemoveAsync(string path, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return RunAsync("xenstore-rm", [path], null, null, null, cancellationToken);
    }

    // ---------------------------------------------------------------- statistics and the console

    /// <inheritdoc />
    public async IAsyncEnumerable<XenDomainStatistic> GetStatisticsAsync(int samples, int intervalSeconds, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(samples);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(intervalSeconds);
        string[] args = ["-b", "-f", "-i", (samples + 1).ToString(CultureInfo.InvariantCulture), "-d", intervalSeconds.ToString(CultureInfo.InvariantCulture)];
        var request = new CommandRequest("xentop", args);
        _log.LogDebug("{Host}: {Command} (streaming)", HostName, request.DisplayText);
        await using StreamingCommand command = await _transport.StartAsync(request, cancellationToken).ConfigureAwait(false);
        var parser = new XentopParser();
        DateTimeOffset stamp = DateTimeOffset.UtcNow;
        await foreach (string line in command.ReadLinesAsync(cancellationToken).ConfigureAwait(false))
        {
            if (XentopParser.IsHeader(line))
            {
                stamp = DateTimeOffset.UtcNow;
            }

            XenDomainStatistic? row;
            try
            {
                row = parser.Push(line);
            }
            catch (FormatException)
            {
                // Not a row: xentop's own complaint (on stdout in batch mode) is kept for the error below.
                _log.LogWarning("{Host}: xentop printed: {Line}", HostName, line.Trim());
                continue;
            }

            // xentop's first iteration has no previous sample to compare: CPU% is 0.0 for everyone (fixture 295).
            if (row is null || parser.Iteration < 2)
            {
                continue;
            }

            row.Sample = parser.Iteration - 1;
            row.Timestamp = stamp;
            row.HostName = HostName;
            row.XenHost = Connection;
            yield return row;
        }

        CommandResult result = await command.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw XlErrorClassifier.Classify(request.DisplayText, result.ExitCode, result.StandardError, HostName, null);
        }
    }

    /// <inheritdoc />
    public Task<int> EnterConsoleAsync(string domain, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(domain);

        // The caller passes the domid of a running domain; '--' still ends xl's options first when a word
        // could be read as one (the argv rule every xl call keeps).
        var request = new CommandRequest("xl", EndOfOptions(["console", "--", domain]));
        _log.LogDebug("{Host}: {Command} (interactive)", HostName, request.DisplayText);
        return _transport.RunInteractiveAsync(request, cancellationToken);
    }

    // ---------------------------------------------------------------- migration

    /// <inheritdoc />
    public async Task<XenMigrationResult> MigrateAsync(string domain, XenMigrationRequest request, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var args = new List<string> { "migrate" };
        if (request.SshCommand is not null)
        {
            args.Add("-s");
            args.Add(request.SshCommand);
        }

        if (!string.IsNullOrEmpty(request.ConfigPath))
        {
            args.Add("-C");
            args.Add(request.ConfigPath);
        }

        if (request.Paused)
        {
            args.Add("-p");
        }

        args.Add("--");
        args.Add(domain);
        args.Add(request.Destination);

        // What xl is given (and what messages show): '--' stays only where a word after it starts with '-'.
        args = [.. EndOfOptions(args)];
        TimeSpan timeout = request.Timeout ?? _options.MigrationTimeout;
        _log.LogInformation("{Host}: migrating domain '{Domain}' to '{Destination}'.", HostName, domain, request.Destination);
        CommandResult r;
        var transcript = new System.Text.StringBuilder();
        try
        {
            r = await StreamMigrationAsync(domain, args, timeout, progress, transcript, cancellationToken).ConfigureAwait(false);
        }
        catch (XenTimeoutException)
        {
            // xl was stopped part-way: whether the domain still runs here, there, or nowhere is unknown,
            // which is what StateUndefined tells the user (check both hosts).
            _log.LogInformation("{Host}: migration of '{Domain}' did not finish within {Seconds} s; xl was stopped.", HostName, domain, timeout.TotalSeconds);
            // Where xl stood when it was stopped: its last lines, or that it printed nothing at all.
            string[] said = XlListParser.SplitLines(transcript.ToString()).Select(l => l.Trim()).Where(l => l.Length > 0).TakeLast(3).ToArray();
            string lastWords = said.Length == 0 ? "xl printed nothing before it was stopped." : "xl's last words: " + string.Join(" | ", said);
            throw new XenMigrationException(
                Display("xl", args),
                -1,
                $"xl migrate did not finish within {timeout.TotalSeconds:0.#} s and was stopped; the domain's state is undefined: check both hosts. {lastWords}".TrimEnd(),
                HostName,
                domain,
                XenMigrationFailureKind.StateUndefined);
        }

        if (r.ExitCode != 0)
        {
            throw XlErrorClassifier.Classify(Display("xl", args), r.ExitCode, r.StandardError, HostName, domain);
        }

        _log.LogInformation("{Host}: domain '{Domain}' migrated to '{Destination}' in {Seconds:0.0} s.", HostName, domain, request.Destination, r.Duration.TotalSeconds);
        return new XenMigrationResult(domain, HostName, request.Destination)
        {
            Duration = r.Duration,
            Log = r.StandardError,
            HostName = HostName,
            XenHost = Connection,
        };
    }

    /// <inheritdoc />
    public async Task<CommandResult> ProbeMigrationRouteAsync(IReadOnlyList<string> sshWords, string address, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sshWords);
        ArgumentException.ThrowIfNullOrEmpty(address);
        if (address.StartsWith('-'))
        {
            // ssh would read it as an option (XenMigrationRoute refuses such addresses before they get here).
            throw new ArgumentException($"'{address}' is not a destination address.", nameof(address));
        }

        CommandResult r = await ShAsync("migration-probe", XlHostScripts.MigrationProbe, [.. sshWords, address], null, null, cancellationToken).ConfigureAwait(false);
        return ParseProbe(r);
    }

    /// <summary>The probe's own ssh exit code (its last stdout line <c>xenps-exit=N</c>) and words.</summary>
    internal static CommandResult ParseProbe(CommandResult r)
    {
        string[] lines = XlListParser.SplitLines(r.StandardOutput).Where(l => l.Length > 0).ToArray();
        const string Marker = "xenps-exit=";
        if (lines.Length == 0 || !lines[^1].StartsWith(Marker, StringComparison.Ordinal) ||
            !int.TryParse(lines[^1][Marker.Length..], NumberStyles.None, CultureInfo.InvariantCulture, out int exit))
        {
            throw new XenOutputNotUnderstoodException("sh -c <xenps:migration-probe>", null, r.StandardOutput, "no exit status line");
        }

        string words = string.Join('\n', lines[..^1]);
        return new CommandResult(exit, exit == 0 ? words : string.Empty, exit == 0 ? string.Empty : words, r.Duration);
    }

    /// <summary>
    /// Runs <c>xl migrate</c> with its stderr (where xl and the receiver write every line) merged into stdout through
    /// <c>sh -c 'exec "$@" 2&gt;&amp;1'</c>, so each line reaches <paramref name="progress"/> as xl prints it; the
    /// result's StandardError is the whole transcript. A transport that cannot stream runs it to the end and
    /// reports the lines afterwards.
    /// </summary>
    private async Task<CommandResult> StreamMigrationAsync(string domain, IReadOnlyList<string> args, TimeSpan timeout, IProgress<string>? progress, System.Text.StringBuilder transcript, CancellationToken cancellationToken)
    {
        var argv = new List<string> { "-c", "exec \"$@\" 2>&1", "sh", "xl" };
        argv.AddRange(EndOfOptions(args));
        var request = new CommandRequest("sh", argv) { Timeout = timeout };
        StreamingCommand command;
        try
        {
            command = await _transport.StartAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (NotSupportedException)
        {
            CommandResult whole = await RunXlAsync(domain, args, timeout, cancellationToken, throwOnError: false).ConfigureAwait(false);
            foreach (string line in XlListParser.SplitLines(whole.StandardError).Where(l => l.Trim().Length > 0))
            {
                progress?.Report(line);
            }

            return whole;
        }

        await using (command.ConfigureAwait(false))
        {
            _log.LogDebug("{Host}: {Command} (streaming)", HostName, Display("xl", args));
            long started = System.Diagnostics.Stopwatch.GetTimestamp();
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(timeout);
            try
            {
                await foreach (string line in command.ReadLinesAsync(limit.Token).ConfigureAwait(false))
                {
                    transcript.Append(line).Append('\n');
                    if (line.Trim().Length > 0)
                    {
                        progress?.Report(line);
                    }
                }

                CommandResult end = await command.WaitForExitAsync(limit.Token).ConfigureAwait(false);
                return new CommandResult(end.ExitCode, string.Empty, transcript.ToString() + end.StandardError, System.Diagnostics.Stopwatch.GetElapsedTime(started));
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new XenTimeoutException("Migration", timeout, HostName, domain);
            }
        }
    }

    // ---------------------------------------------------------------- files on the host

    /// <inheritdoc />
    public async Task<bool> FileExistsAsync(string path, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        CommandResult r = await ShAsync("exists", XlHostScripts.Exists, [path], null, null, cancellationToken).ConfigureAwait(false);
        return r.StandardOutput.Trim() == "yes";
    }

    /// <inheritdoc />
    public async Task<string> ReadFileAsync(string path, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        CommandResult r = await ShAsync("read-file", XlHostScripts.Read, [path], null, null, cancellationToken, throwOnError: false).ConfigureAwait(false);
        if (r.ExitCode == 0)
        {
            return r.StandardOutput;
        }

        if (r.StandardError.Contains("No such file or directory", StringComparison.Ordinal))
        {
            throw new XenOperationException("HostFileNotFound", XenErrorCategory.ObjectNotFound, $"File '{path}' was not found on host '{HostName}': {r.StandardError.Trim()}")
            {
                HostName = HostName,
            };
        }

        throw new XlCommandException(ShDisplay("read-file", [path]), r.ExitCode, r.StandardError, HostName);
    }

    /// <inheritdoc />
    public Task WriteFileAsync(string path, string content, CancellationToken cancellationToken) =>
        WriteVerifiedAsync(path, content, exclusive: false, cancellationToken);

    /// <inheritdoc />
    public Task CreateFileAsync(string path, string content, CancellationToken cancellationToken) =>
        WriteVerifiedAsync(path, content, exclusive: true, cancellationToken);

    private async Task WriteVerifiedAsync(string path, string content, bool exclusive, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(content);

        // The transports send stdin as UTF-8 without a BOM: the host checks what arrived against these.
        byte[] bytes = Utf8NoBom.GetBytes(content);
        string size = bytes.Length.ToString(CultureInfo.InvariantCulture);
        string sha256 = Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();
        string scriptName = exclusive ? "create-file" : "write-file";
        string[] args = [path, size, sha256, exclusive ? "create" : "replace", XenConfigSecrets.NewFileMode(content)];
        CommandResult r = await ShAsync(scriptName, XlHostScripts.AtomicWrite, args, content, null, cancellationToken, throwOnError: false).ConfigureAwait(false);
        if (r.ExitCode == 0)
        {
            return;
        }

        string words = r.StandardError.Trim();
        if (r.ExitCode == XlHostScripts.WriteExists && words.Contains(XlHostScripts.WriteMarker, StringComparison.Ordinal))
        {
            _log.LogInformation("{Host}: {Path} already exists; not created.", HostName, path);
            throw new XenHostFileExistsException(path, HostName);
        }

        if (r.ExitCode == XlHostScripts.WriteFailed && words.Contains(XlHostScripts.WriteMarker, StringComparison.Ordinal))
        {
            _log.LogInformation("{Host}: writing {Path} failed, file unchanged: {Reason}", HostName, path, words);
            throw new XenHostWriteException(path, HostName, words.Replace(XlHostScripts.WriteMarker, string.Empty, StringComparison.Ordinal));
        }

        // The script did not report: it was stopped (the connection or the shell died) before or after the rename.
        _log.LogInformation("{Host}: writing {Path} ended with exit code {ExitCode} and no verdict from the host: {Stderr}", HostName, path, r.ExitCode, words);
        throw new XenHostWriteException(
            path,
            HostName,
            $"the host did not confirm the write ({ShDisplay(scriptName, [path])} exited {r.ExitCode}{(words.Length > 0 ? ": " + words : string.Empty)})",
            fileUnchanged: false);
    }

    /// <inheritdoc />
    public Task DeleteFileAsync(string path, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return ShAsync("delete-file", XlHostScripts.Delete, [path], null, null, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<XenHostFileEntry>> ListDirectoryAsync(string path, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        CommandResult r = await ShAsync("list-folder", XlHostScripts.ListDirectory, [path], null, null, cancellationToken).ConfigureAwait(false);
        return Parse(ShDisplay("list-folder", [path]), () => XlHostScripts.ParseDirectory(r.StandardOutput));
    }

    /// <inheritdoc />
    public async Task<XenDiskImage> CreateDiskImageAsync(string path, long sizeBytes, string format, bool preallocate, CancellationToken cancellationToken)
    {
        DiskImages.Validate(path, sizeBytes, format);
        string[] args = [path, sizeBytes.ToString(CultureInfo.InvariantCulture), format, preallocate ? "1" : "0"];
        CommandResult r = await ShAsync("create-disk-image", XlHostScripts.CreateDiskImage, args, null, null, cancellationToken, throwOnError: false).ConfigureAwait(false);
        switch (r.ExitCode)
        {
            case 0:
                return DiskImages.FromStat(path, format, sizeBytes, r.StandardOutput, HostName, Connection);
            case XlHostScripts.ImageExistsExit:
                throw DiskImages.Exists(path, HostName);
            case XlHostScripts.ProgramMissingExit:
                throw DiskImages.ProgramMissing("qemu-img", format, HostName);
            default:
                throw new XlCommandException(ShDisplay("create-disk-image", args), r.ExitCode, r.StandardError, HostName);
        }
    }

    /// <inheritdoc />
    public Task CreateSymbolicLinkAsync(string linkPath, string targetPath, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(linkPath);
        ArgumentException.ThrowIfNullOrEmpty(targetPath);
        return ShAsync("symlink", XlHostScripts.Symlink, [linkPath, targetPath], null, null, cancellationToken);
    }

    // ---------------------------------------------------------------- helpers

    private sealed record KnownConfig(string Name, XlHostScripts.ConfigFile File, XlConfigFacts? Facts, bool AutoStart);

    private List<KnownConfig> ReadConfigs(IReadOnlyList<XlHostScripts.ConfigFile> configs, IReadOnlyList<XlHostScripts.AutoEntry> auto)
    {
        var autoPaths = new HashSet<string>(auto.SelectMany(a => new[] { a.RealPath, a.Path }), StringComparer.Ordinal);
        var autoNames = new HashSet<string>(auto.Select(a => FileName(a.Path)), StringComparer.Ordinal);
        var known = new List<KnownConfig>();
        foreach (XlHostScripts.ConfigFile file in configs)
        {
            XlConfigFacts? facts = null;
            try
            {
                facts = XlConfigFacts.Read(file.Content, file.Path);
            }
            catch (XenConfigException ex)
            {
                _log.LogWarning("{Host}: {Path} does not parse ({Reason}); listing it under its file name.", HostName, file.Path, ex.Message);
            }

            string name = facts?.Name ?? StripCfg(FileName(file.Path));
            bool autoStart = autoPaths.Contains(file.RealPath) || autoPaths.Contains(file.Path) || autoNames.Contains(FileName(file.Path));
            known.Add(new KnownConfig(name, file, facts, autoStart));
        }

        return known;
    }

    private XenDomain FromRow(XlListRow row, XlDomainDetails? detail) => new(row.Name)
    {
        Id = row.Id,
        Uuid = row.Uuid ?? detail?.Uuid,
        State = row.State,
        XlState = row.XlState,
        ShutdownReason = row.ShutdownReason,
        Type = detail?.Type,
        MemoryMB = row.MemoryMB,
        MaxMemoryMB = detail?.MaxMemoryKiB / 1024,
        VCpu = row.VCpus,
        MaxVCpu = detail?.MaxVCpus,
        CpuTime = row.CpuTime,

        // libxl_retrieve_domain_configuration reports the live scheduler parameters (fixture 291 after 280's -w 512).
        Weight = detail?.Weight,
        Cap = detail?.Cap,
        HostName = HostName,
        XenHost = Connection,
    };

    private XenDomain FromConfig(KnownConfig cfg) => new(cfg.Name)
    {
        Id = null,
        Uuid = cfg.Facts?.Uuid,
        State = XenDomainState.Off,
        XlState = string.Empty,
        Type = cfg.Facts?.Type,
        MemoryMB = cfg.Facts?.MemoryMB ?? 0,
        MaxMemoryMB = cfg.Facts?.MaxMemoryMB,
        VCpu = cfg.Facts?.VCpus ?? 0,
        MaxVCpu = cfg.Facts?.MaxVCpus,
        CpuTime = TimeSpan.Zero,
        Uptime = null,
        ConfigPath = cfg.File.Path,
        AutoStart = cfg.AutoStart,
        VncListen = cfg.Facts?.Vnc.Listen,
        VncDisplay = cfg.Facts?.Vnc.Display,
        HostName = HostName,
        XenHost = Connection,
    };

    private static XenDomain? Find(IReadOnlyList<XenDomain> all, string domain)
    {
        XenDomain? byName = all.FirstOrDefault(d => string.Equals(d.Name, domain, StringComparison.Ordinal));
        if (byName is not null)
        {
            return byName;
        }

        if (int.TryParse(domain, NumberStyles.None, CultureInfo.InvariantCulture, out int id))
        {
            return all.FirstOrDefault(d => d.Id == id);
        }

        return Guid.TryParse(domain, out Guid uuid) ? all.FirstOrDefault(d => d.Uuid == uuid) : null;
    }

    // By domid, the first of a domid kept; without the config text and the devices, which a listing does not show.
    private Dictionary<int, XlDomainDetails> ParseDetails(string output)
    {
        IReadOnlyList<XlDomainDetails> all = Parse("xl list -l", () => XlLongListParser.Parse(output, HostName, withConfigJson: false, withDevices: false));
        var byId = new Dictionary<int, XlDomainDetails>(all.Count);
        foreach (XlDomainDetails d in all)
        {
            if (d.DomainId is int id)
            {
                byId.TryAdd(id, d);
            }
        }

        return byId;
    }

    /// <summary>
    /// Runs a read-only listing call, and once more when it failed with exit 255 and said nothing: seen on
    /// Xen 4.17.7 under load right after a create (the remote program died without a word; ssh reports
    /// that as 255). A read is safe to repeat; a real error (with xl's words) is not retried.
    /// </summary>
    private async Task<CommandResult> ReadTwiceOnSilentFailureAsync(Func<Task<CommandResult>> read, CancellationToken cancellationToken)
    {
        CommandResult r = await read().ConfigureAwait(false);
        if (r.ExitCode != 255 || r.StandardError.Trim().Length > 0)
        {
            return r;
        }

        _log.LogInformation("{Host}: a listing call exited 255 without a message; running it once more.", HostName);
        await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken).ConfigureAwait(false);
        return await read().ConfigureAwait(false);
    }

    private void ThrowIfFailed(CommandResult r, string shown)
    {
        if (r.ExitCode != 0)
        {
            throw XlErrorClassifier.Classify(shown, r.ExitCode, r.StandardError, HostName, null);
        }
    }

    private async Task<IReadOnlyList<XenDomainUptime>?> TryGetUptimesAsync(CancellationToken cancellationToken)
    {
        try
        {
            CommandResult r = await XlAsync(null, cancellationToken, "uptime").ConfigureAwait(false);

            // A line not understood costs its domain the uptime, not the listing.
            var rejected = new List<XlOutputFormatException>();
            IReadOnlyList<XenDomainUptime> rows = XlUptimeParser.Parse(r.StandardOutput, rejected);
            WarnUptimeLines(rejected);
            return rows;
        }
        catch (XlCommandException ex)
        {
            // Uptime is a nicety of the listing; a domain vanishing mid-call must not fail it.
            _log.LogInformation("{Host}: 'xl uptime' failed, listing without uptimes: {Message}", HostName, ex.Message);
            return null;
        }
    }

    private void WarnUptimeLines(IEnumerable<XlOutputFormatException> rejected)
    {
        foreach (XlOutputFormatException bad in rejected)
        {
            _log.LogWarning("{Host}: 'xl uptime' printed a line XenPS does not understand ({Reason}), so that domain has no uptime: '{Line}'", HostName, bad.Reason, bad.Line);
        }
    }

    /// <summary>Runs a parser of <paramref name="command"/>'s output: what it cannot understand becomes XlOutputNotUnderstood with this host.</summary>
    private T Parse<T>(string command, Func<T> parse)
    {
        try
        {
            return parse();
        }
        catch (XlOutputFormatException ex)
        {
            _log.LogInformation("{Host}: '{Command}' printed output XenPS does not understand ({Reason}): '{Line}'", HostName, command, ex.Reason, ex.Line);
            throw new XenOutputNotUnderstoodException(command, HostName, ex.Line, ex.Reason);
        }
    }

    private async Task<XlDomainDetails?> GetDetailsAsync(string domain, CancellationToken cancellationToken)
    {
        CommandResult r = await XlAsync(domain, cancellationToken, "list", "-l", "--", domain).ConfigureAwait(false);
        return Parse("xl list -l " + domain, () => XlLongListParser.Parse(r.StandardOutput, HostName)).FirstOrDefault();
    }

    private async Task CreateCoreAsync(string file, string name, bool paused, bool textGiven, CancellationToken cancellationToken)
    {
        string[] args = paused ? ["create", "-p", "--", file] : ["create", "--", file];
        try
        {
            try
            {
                await RunXlAsync(name, args, _options.LifecycleTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (XlCommandException ex) when (ex.ExitCode == 255 && string.IsNullOrWhiteSpace(ex.StandardError))
            {
                // Exit 255 without a word: the session died, not xl's verdict (seen over ssh on the real
                // Xen 4.17.7 harness under load). Whether the domain is up decides: if it is, the create
                // worked; if not, nothing was created and one more try is safe.
                if (await TryGetRunningAsync(name, cancellationToken).ConfigureAwait(false) is not null)
                {
                    _log.LogWarning("{Host}: 'xl create' for '{Name}' exited 255 without a message, but the domain is running.", HostName, name);
                }
                else
                {
                    _log.LogWarning("{Host}: 'xl create' for '{Name}' exited 255 without a message and created nothing; trying once more.", HostName, name);
                    await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken).ConfigureAwait(false);
                    await RunXlAsync(name, args, _options.LifecycleTimeout, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (XenConfigException ex) when (textGiven)
        {
            throw new XenConfigException(ex.Reason, null, ex.Line, ex.Column) { HostName = HostName, Domain = name };
        }

        _log.LogInformation("{Host}: created domain '{Name}'{Paused}.", HostName, name, paused ? " (paused)" : string.Empty);
    }

    private async Task<XenDomain?> TryGetRunningAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            XenDomain d = await GetDomainAsync(name, cancellationToken).ConfigureAwait(false);
            return d.Id is null ? null : d;
        }
        catch (XenDomainNotFoundException)
        {
            return null;
        }
    }

    private async Task StopAsync(string verb, string operation, string domain, bool wait, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        if (!wait)
        {
            await XlAsync(domain, cancellationToken, verb, "--", domain).ConfigureAwait(false);
            return;
        }

        // xl's own -w waits for the domain to shut down; the transport's timeout kills xl when it takes too long.
        TimeSpan limit = timeout ?? _options.LifecycleTimeout;
        long started = Environment.TickCount64;
        CommandResult r;
        try
        {
            r = await RunXlAsync(domain, [verb, "-w", "--", domain], limit, cancellationToken).ConfigureAwait(false);
        }
        catch (XenTimeoutException)
        {
            _log.LogInformation("{Host}: '{Verb} -w {Domain}' did not finish within {Seconds} s.", HostName, verb, domain, limit.TotalSeconds);
            throw new XenTimeoutException(operation, limit, HostName, domain);
        }

        // Real xl returns from "shutdown -w" at the shutdown event ("Domain 7 has been shut down"), before
        // the xl process that watches the domain has destroyed it (on_poweroff=destroy, the default): for a
        // moment the domain is still listed, shut down or dying. The contract promises it is gone.
        if (verb == "shutdown" && XlErrorClassifier.ShutDownDomainId(r.StandardError) is int domid)
        {
            TimeSpan left = limit - TimeSpan.FromMilliseconds(Environment.TickCount64 - started);
            await WaitUntilDestroyedAsync(domain, domid, left, operation, limit, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task WaitUntilDestroyedAsync(string domain, int domid, TimeSpan left, string operation, TimeSpan limit, CancellationToken cancellationToken)
    {
        string id = domid.ToString(CultureInfo.InvariantCulture);
        long deadline = Environment.TickCount64 + (long)Math.Max(0, left.TotalMilliseconds);
        bool actionChecked = false;
        while (true)
        {
            CommandResult list = await RunXlAsync(null, ["list", "-v", "--", id], _options.CommandTimeout, cancellationToken, throwOnError: false).ConfigureAwait(false);
            XlListRow? row = list.ExitCode == 0 ? Parse("xl list -v " + id, () => XlListParser.Parse(list.StandardOutput)).FirstOrDefault() : null;
            if (row is null || row.State is not (XenDomainState.Shutdown or XenDomainState.Dying))
            {
                return;
            }

            if (!actionChecked && row.State == XenDomainState.Shutdown)
            {
                // on_poweroff = "preserve" (or a restart) keeps the shut-down domain: nothing will destroy it.
                actionChecked = true;
                CommandResult details = await RunXlAsync(null, ["list", "-l", "--", id], _options.CommandTimeout, cancellationToken, throwOnError: false).ConfigureAwait(false);
                string? action = details.ExitCode == 0 ? XlLongListParser.OnPoweroff(details.StandardOutput) : null;
                if (action is not null && !action.EndsWith("destroy", StringComparison.Ordinal))
                {
                    _log.LogInformation("{Host}: domain '{Domain}' (id {Id}) has shut down and stays (on_poweroff = {Action}).", HostName, domain, domid, action);
                    return;
                }
            }

            if (Environment.TickCount64 > deadline)
            {
                _log.LogInformation("{Host}: domain '{Domain}' (id {Id}) shut down but was not destroyed within {Seconds} s.", HostName, domain, domid, limit.TotalSeconds);
                throw new XenTimeoutException(operation, limit, HostName, domain);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<(CommandResult Result, string Scheduler)> SchedAsync(string domain, int? weight, int? cap, CancellationToken cancellationToken)
    {
        string scheduler = await HostSchedulerAsync(cancellationToken).ConfigureAwait(false);
        for (int attempt = 0; ; attempt++)
        {
            if (scheduler is not ("credit" or "credit2"))
            {
                throw new XenOperationException(
                    "SchedulerNotSupported",
                    XenErrorCategory.InvalidOperation,
                    $"Domain '{domain}' on host '{HostName}' runs under the '{scheduler}' scheduler; XenPS sets weight and cap for credit and credit2 only.")
                {
                    HostName = HostName,
                    Domain = domain,
                };
            }

            var args = new List<string> { "sched-" + scheduler, "-d", domain };
            if (weight is int w)
            {
                args.Add("-w");
                args.Add(w.ToString(CultureInfo.InvariantCulture));
            }

            if (cap is int c)
            {
                args.Add("-c");
                args.Add(c.ToString(CultureInfo.InvariantCulture));
            }

            CommandResult r = await RunXlAsync(domain, args, _options.CommandTimeout, cancellationToken, throwOnError: false).ConfigureAwait(false);
            if (r.ExitCode == 0)
            {
                return (r, scheduler);
            }

            // A domain in a cpupool with another scheduler: xl names it (fixture 281).
            string? actual = XlSchedParser.ActualScheduler(r.StandardError);
            if (attempt == 0 && actual is not null && actual != scheduler)
            {
                _log.LogInformation("{Host}: domain '{Domain}' runs under '{Actual}', not the host's '{Scheduler}'.", HostName, domain, actual, scheduler);
                scheduler = actual;
                continue;
            }

            throw XlErrorClassifier.Classify(Display("xl", args), r.ExitCode, r.StandardError, HostName, domain);
        }
    }

    private async Task<string> HostSchedulerAsync(CancellationToken cancellationToken)
    {
        if (_hostScheduler is { } known)
        {
            return known;
        }

        CommandResult r = await XlAsync(null, cancellationToken, "info", "xen_scheduler").ConfigureAwait(false);
        string s = r.StandardOutput.Trim();
        if (s.Length > 0)
        {
            _hostScheduler = s;
        }

        return s;
    }

    private static string NameOf(XlConfigFacts facts) =>
        facts.Name ?? throw new XenOperationException("ConfigNameMissing", XenErrorCategory.InvalidData, "The domain config sets no 'name'; xl needs one to create a domain.");

    private string TempConfigPath() =>
        _options.TemporaryDirectory.TrimEnd('/') + "/xenps-" + Guid.NewGuid().ToString("N") + ".cfg";

    private async Task DeleteQuietlyAsync(string path)
    {
        // Cleanup runs even when the caller's token was cancelled, but bounded.
        using var cts = new CancellationTokenSource(_options.CommandTimeout);
        try
        {
            await DeleteFileAsync(path, cts.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is XenException or OperationCanceledException)
        {
            _log.LogWarning("{Host}: could not delete temporary file {Path}: {Message}", HostName, path, ex.Message);
        }
    }

    private XenOperationException NewDeviceMissing(string command, string domain, string spec) =>
        new("DeviceNotFoundAfterAttach", XenErrorCategory.InvalidResult, $"'xl {command} {domain} {spec}' succeeded on host '{HostName}' but no new device appeared.")
        {
            HostName = HostName,
            Domain = domain,
        };

    private static string Mib(long mb)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(mb);

        // Always a unit: a bare number is KiB to xl.
        return mb.ToString(CultureInfo.InvariantCulture) + "m";
    }

    private static string FileName(string path)
    {
        int slash = path.LastIndexOf('/');
        return slash >= 0 ? path[(slash + 1)..] : path;
    }

    private static string StripCfg(string name) => name.EndsWith(".cfg", StringComparison.Ordinal) ? name[..^4] : name;

    private Task<CommandResult> XlAsync(string? domain, CancellationToken cancellationToken, params string[] args) =>
        RunXlAsync(domain, args, _options.CommandTimeout, cancellationToken);

    private Task<CommandResult> RunXlAsync(string? domain, IReadOnlyList<string> args, TimeSpan timeout, CancellationToken cancellationToken, bool throwOnError = true) =>
        RunAsync("xl", EndOfOptions(args), domain, null, timeout, cancellationToken, throwOnError);

    /// <summary>
    /// Every xl call that carries user text (a domain, a path, a name) puts <c>--</c> before it, so that no
    /// word can be read as an option (<c>xl shutdown -a</c> would shut down every guest). xl's getopt ends
    /// options there; the marker is kept only where a word after it starts with '-', so the argv of ordinary
    /// calls is exactly what an operator would type. Words that are an option's value (<c>sched-credit2 -d dom</c>)
    /// are safe as they are: getopt takes the next word whole.
    /// </summary>
    internal static IReadOnlyList<string> EndOfOptions(IReadOnlyList<string> args)
    {
        int marker = -1;
        for (int i = 0; i < args.Count; i++)
        {
            if (args[i] == "--")
            {
                marker = i;
                break;
            }
        }

        if (marker < 0)
        {
            return args;
        }

        for (int i = marker + 1; i < args.Count; i++)
        {
            if (args[i].StartsWith('-'))
            {
                return args;
            }
        }

        var plain = new List<string>(args.Count - 1);
        plain.AddRange(args.Take(marker));
        plain.AddRange(args.Skip(marker + 1));
        return plain;
    }

    private Task<CommandResult> ShAsync(string scriptName, string script, IReadOnlyList<string> args, string? stdin, string? domain, CancellationToken cancellationToken, bool throwOnError = true)
    {
        var argv = new List<string>(args.Count + 3) { "-c", script, "sh" };
        argv.AddRange(args);
        return RunAsync("sh", argv, domain, stdin, _options.CommandTimeout, cancellationToken, throwOnError, ShDisplay(scriptName, args));
    }

    private static bool IsUptimeWithoutStartTime(string program, IReadOnlyList<string> args, string stderr) =>
        program == "xl" && args.Count > 0 && args[0] == "uptime"
        && stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .All(line => line.EndsWith("Can't get start time of domain", StringComparison.Ordinal));

    private static string ShDisplay(string scriptName, IReadOnlyList<string> args) =>
        Display("sh", new[] { "-c", "<xenps:" + scriptName + ">", "sh" }.Concat(args).ToArray());

    private static string Display(string program, IReadOnlyList<string> args) => new CommandRequest(program, args).DisplayText;

    private async Task<CommandResult> RunAsync(
        string program,
        IReadOnlyList<string> args,
        string? domain,
        string? stdin,
        TimeSpan? timeout,
        CancellationToken cancellationToken,
        bool throwOnError = true,
        string? display = null)
    {
        var request = new CommandRequest(program, args)
        {
            StandardInput = stdin,
            Timeout = timeout ?? _options.CommandTimeout,
        };
        string shown = display ?? request.DisplayText;
        CommandResult result;
        try
        {
            result = await _transport.RunAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is XenException or OperationCanceledException)
        {
            _log.LogDebug("{Host}: {Command} did not complete: {Error}", HostName, shown, ex.Message);
            throw;
        }

        _log.LogDebug("{Host}: {Command} exited {ExitCode} in {Milliseconds:0} ms", HostName, shown, result.ExitCode, result.Duration.TotalMilliseconds);
        if (result.ExitCode != 0)
        {
            if (throwOnError)
            {
                throw XlErrorClassifier.Classify(shown, result.ExitCode, result.StandardError, HostName, domain);
            }
        }
        else if (XlErrorClassifier.ReportsError(result.StandardError))
        {
            if (IsUptimeWithoutStartTime(program, args, result.StandardError))
            {
                // A domain that came in by migration or restore has no start time: xl uptime leaves it out, and
                // the listing shows it without an uptime. Nothing for the operator to act on.
                _log.LogDebug("{Host}: {Command}: a domain has no start time (no uptime shown): {Stderr}", HostName, shown, result.StandardError.Trim());
            }
            else
            {
                _log.LogWarning("{Host}: {Command} exited 0 but reported: {Stderr}", HostName, shown, result.StandardError.Trim());
            }
        }

        return result;
    }
}

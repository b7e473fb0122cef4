namespace XenPS.Toolstack;

/// <summary>
/// The contract every Xen backend implements: <c>XlToolstack</c> (xl over a transport)
/// and the simulator. One contract test suite runs against each of them.
/// </summary>
/// <remarks>
/// Domains are named by a string that xl accepts as a domain: a name or a domid. Paths are paths on
/// the Xen host (the Dom0), whatever the transport. Every returned object is a copy with
/// <c>HostName</c> and <c>XenHost</c> (<see cref="Connection"/>) set. Failures are
/// <see cref="XenException"/>s (see Errors/); cancellation is <see cref="OperationCanceledException"/>.
/// </remarks>
public interface IXenToolstack
{
    /// <summary>The host's name for display (the connection's name).</summary>
    string HostName { get; }

    /// <summary>The host's config directory (default <c>/etc/xen</c>), whose <c>*.cfg</c> files are listed as Off domains.</summary>
    string ConfigDirectory { get; }

    /// <summary>The connection that owns this toolstack; stamped into every returned object as <c>XenHost</c>.</summary>
    XenHostConnection? Connection { get; set; }

    // ---- host ----

    /// <summary><c>xl info</c>.</summary>
    Task<XenHostInfo> GetHostInfoAsync(CancellationToken cancellationToken);

    /// <summary><c>xl dmesg [-c]</c>: the hypervisor's log.</summary>
    Task<string> GetDmesgAsync(bool clear, CancellationToken cancellationToken);

    // ---- domains ----

    /// <summary>Every domain: running ones (a constant number of xl calls) and Off ones from the config directory.</summary>
    Task<IReadOnlyList<XenDomain>> ListDomainsAsync(CancellationToken cancellationToken);

    /// <summary>One domain by name or id (running, or Off from its config file); throws <see cref="XenDomainNotFoundException"/>.</summary>
    Task<XenDomain> GetDomainAsync(string domain, CancellationToken cancellationToken);

    /// <summary>
    /// The running domain with id <paramref name="domainId"/>, or <see langword="null"/> when no domain has
    /// that id: one targeted call (<c>xl list -v domid</c>), never a listing. Only what that line carries is
    /// filled (name, id, UUID, state, memory, vCPUs, CPU time, shutdown reason); config-file facts
    /// (<c>ConfigPath</c>, <c>AutoStart</c>) and <c>Type</c>/maxima are left unset.
    /// </summary>
    Task<XenDomain?> FindRunningDomainAsync(int domainId, CancellationToken cancellationToken);

    /// <summary>
    /// The domain the config file <paramref name="configPath"/> describes, as it is now: the running domain
    /// with that file's name (as <see cref="FindRunningDomainAsync"/> fills it, plus <c>ConfigPath</c>), or the
    /// Off domain; <see langword="null"/> when the file is gone. At most two targeted calls (read the file,
    /// <c>xl list -v -- name</c>), never a listing.
    /// </summary>
    Task<XenDomain?> FindDomainByConfigAsync(string configPath, CancellationToken cancellationToken);

    /// <summary>The live configuration of a running domain as libxl JSON (<c>xl list -l dom</c>: the <c>config</c> object).</summary>
    Task<string> GetLiveConfigJsonAsync(string domain, CancellationToken cancellationToken);

    /// <summary><c>xl create</c> from xl.cfg text; returns the new domain.</summary>
    Task<XenDomain> CreateAsync(string configText, bool paused, CancellationToken cancellationToken);

    /// <summary><c>xl create path</c> from a config file on the host; returns the new domain.</summary>
    Task<XenDomain> CreateFromFileAsync(string configPath, bool paused, CancellationToken cancellationToken);

    /// <summary><c>xl -N create</c>: the host's own verdict on xl.cfg text. Returns xl's parsed JSON; throws <see cref="XenConfigException"/> or <see cref="XlCommandException"/> with xl's words.</summary>
    Task<string> DryRunCreateAsync(string configText, CancellationToken cancellationToken);

    /// <summary><c>xl shutdown [-w]</c>. With <paramref name="wait"/>, returns once the domain is gone or throws <see cref="XenTimeoutException"/> after <paramref name="timeout"/>.</summary>
    Task ShutdownAsync(string domain, bool wait, TimeSpan? timeout, CancellationToken cancellationToken);

    /// <summary><c>xl reboot [-w]</c>.</summary>
    Task RebootAsync(string domain, bool wait, TimeSpan? timeout, CancellationToken cancellationToken);

    /// <summary><c>xl destroy</c>.</summary>
    Task DestroyAsync(string domain, CancellationToken cancellationToken);

    /// <summary><c>xl pause</c>.</summary>
    Task PauseAsync(string domain, CancellationToken cancellationToken);

    /// <summary><c>xl unpause</c> (xl exits 0 even when this fails: implementations detect it).</summary>
    Task UnpauseAsync(string domain, CancellationToken cancellationToken);

    /// <summary><c>xl save [-c|-p] dom path</c>.</summary>
    Task SaveAsync(string domain, string path, XenSaveMode mode, CancellationToken cancellationToken);

    /// <summary><c>xl restore [-p] [cfg] path</c>; returns the restored domain.</summary>
    Task<XenDomain> RestoreAsync(string path, bool paused, string? configPath, CancellationToken cancellationToken);

    /// <summary><c>xl rename</c>.</summary>
    Task RenameAsync(string domain, string newName, CancellationToken cancellationToken);

    /// <summary><c>xl mem-set dom Nm</c>: the memory target.</summary>
    Task SetMemoryAsync(string domain, long memoryMB, CancellationToken cancellationToken);

    /// <summary><c>xl mem-max dom Nm</c>: the maximum.</summary>
    Task SetMaxMemoryAsync(string domain, long maxMemoryMB, CancellationToken cancellationToken);

    /// <summary><c>xl vcpu-set dom N</c>: xl refuses more vCPUs than the host has CPUs (<c>VCpuOvercommit</c>).</summary>
    Task SetVCpuCountAsync(string domain, int count, CancellationToken cancellationToken) =>
        SetVCpuCountAsync(domain, count, allowOvercommit: false, cancellationToken);

    /// <summary><c>xl vcpu-set [--ignore-host] dom N</c>: with <paramref name="allowOvercommit"/>, more vCPUs than the host has CPUs are allowed.</summary>
    Task SetVCpuCountAsync(string domain, int count, bool allowOvercommit, CancellationToken cancellationToken);

    /// <summary><c>xl vcpu-list [dom]</c>.</summary>
    Task<IReadOnlyList<XenVCpu>> GetVCpusAsync(string? domain, CancellationToken cancellationToken);

    /// <summary><c>xl vcpu-pin dom vcpu hard [soft]</c>; <paramref name="vcpu"/> is a number or <c>all</c>.</summary>
    Task PinVCpuAsync(string domain, string vcpu, string hardAffinity, string? softAffinity, CancellationToken cancellationToken);

    /// <summary>The domain's weight and cap under the host's scheduler.</summary>
    Task<XenSchedulerParameters> GetSchedulerParametersAsync(string domain, CancellationToken cancellationToken);

    /// <summary>Sets weight and/or cap under the host's scheduler (<c>sched-credit</c> or <c>sched-credit2</c>).</summary>
    Task SetSchedulerParametersAsync(string domain, int? weight, int? cap, CancellationToken cancellationToken);

    /// <summary><c>xl uptime [dom]</c>.</summary>
    Task<IReadOnlyList<XenDomainUptime>> GetUptimeAsync(string? domain, CancellationToken cancellationToken);

    // ---- devices ----

    /// <summary><c>xl block-list dom</c>, joined with the configuration (target, format, access).</summary>
    Task<IReadOnlyList<XenDisk>> GetDisksAsync(string domain, CancellationToken cancellationToken);

    /// <summary><c>xl block-attach dom spec</c> (the disk spec is one comma-separated argument); returns the new disk.</summary>
    Task<XenDisk> AttachDiskAsync(string domain, string diskSpec, CancellationToken cancellationToken);

    /// <summary><c>xl block-detach [--force] dom vdev</c>: with <paramref name="force"/>, the backend is torn down without waiting for the guest to release the disk.</summary>
    Task DetachDiskAsync(string domain, string vdev, bool force, CancellationToken cancellationToken);

    /// <summary><c>xl cd-insert dom vdev path</c> (HVM guests): puts a medium into the domain's CD-ROM drive <paramref name="vdev"/>.</summary>
    Task InsertCdAsync(string domain, string vdev, string path, CancellationToken cancellationToken);

    /// <summary><c>xl cd-eject dom vdev</c> (HVM guests): empties the domain's CD-ROM drive <paramref name="vdev"/>.</summary>
    Task EjectCdAsync(string domain, string vdev, CancellationToken cancellationToken);

    /// <summary><c>xl network-list dom</c>, joined with the configuration (bridge, model, ip).</summary>
    Task<IReadOnlyList<XenNetworkAdapter>> GetNetworkAdaptersAsync(string domain, CancellationToken cancellationToken);

    /// <summary><c>xl network-attach dom key=value...</c> from a vif spec in config form (comma-joined); returns the new adapter.</summary>
    Task<XenNetworkAdapter> AttachNetworkAdapterAsync(string domain, string vifSpec, CancellationToken cancellationToken);

    /// <summary><c>xl network-detach dom idx|mac</c>.</summary>
    Task DetachNetworkAdapterAsync(string domain, string indexOrMac, CancellationToken cancellationToken);

    /// <summary>The host's Linux bridges (<c>/sys/class/net/*/bridge</c>) and the interfaces plugged into each (<c>brif</c>).</summary>
    Task<IReadOnlyList<XenBridge>> GetBridgesAsync(CancellationToken cancellationToken);

    // ---- XenStore ----

    /// <summary><c>xenstore-read path</c>.</summary>
    Task<string> XenStoreReadAsync(string path, CancellationToken cancellationToken);

    /// <summary><c>xenstore-list path</c>: the child names.</summary>
    Task<IReadOnlyList<string>> XenStoreListAsync(string path, CancellationToken cancellationToken);

    /// <summary><c>xenstore-write path value</c>.</summary>
    Task XenStoreWriteAsync(string path, string value, CancellationToken cancellationToken);

    /// <summary>
    /// <c>xenstore-ls -f path</c>: every node below <paramref name="path"/> with its value (values the listing cut
    /// are read again in full with <c>xenstore-read</c>).
    /// </summary>
    Task<IReadOnlyList<XenStoreItem>> XenStoreTreeAsync(string path, CancellationToken cancellationToken);

    /// <summary><c>xenstore-rm path</c>: removes the node and everything below it.</summary>
    Task XenStoreRemoveAsync(string path, CancellationToken cancellationToken);

    // ---- live statistics and the console ----

    /// <summary>
    /// Streams <paramref name="samples"/> samples of every domain, <paramref name="intervalSeconds"/> apart, from one
    /// long-running <c>xentop -b -f -i samples+1 -d interval</c> (its first report, whose CPU% is 0 for everyone, is
    /// dropped). Rows arrive as xentop prints them. Cancellation ends the process.
    /// </summary>
    IAsyncEnumerable<XenDomainStatistic> GetStatisticsAsync(int samples, int intervalSeconds, CancellationToken cancellationToken);

    /// <summary>
    /// Hands this process's terminal to the domain's console (<c>xl console</c>, through <c>ssh -t</c> for a remote
    /// host) until the user leaves it with Ctrl+]; returns xl's exit code. The caller checks there is a terminal.
    /// </summary>
    Task<int> EnterConsoleAsync(string domain, CancellationToken cancellationToken);

    // ---- migration ----

    /// <summary>
    /// <c>xl migrate [-s ssh] [-C cfg] [-p] dom host</c>. Progress lines (xl's stderr) go to
    /// <paramref name="progress"/>. Throws <see cref="XenMigrationException"/>: with
    /// <see cref="XenMigrationException.StateUndefined"/> false the domain still runs at the sender;
    /// true after a failure in the final handshake.
    /// </summary>
    Task<XenMigrationResult> MigrateAsync(string domain, XenMigrationRequest request, IProgress<string>? progress, CancellationToken cancellationToken);

    // ---- files on the host ----

    /// <summary>
    /// Runs, on this host, the ssh command <c>xl migrate</c> would use to reach a destination
    /// (<paramref name="sshWords"/> then <paramref name="address"/>), with <c>xl info</c> as the remote command:
    /// the exit code and words of that ssh (255 with its reason when it cannot reach or log in; 127 when the
    /// destination has no xl). Every word is passed as one argument; nothing is read by a shell.
    /// </summary>
    Task<Transport.CommandResult> ProbeMigrationRouteAsync(IReadOnlyList<string> sshWords, string address, CancellationToken cancellationToken);

    /// <summary>Whether a file or folder exists on the host.</summary>
    Task<bool> FileExistsAsync(string path, CancellationToken cancellationToken);

    /// <summary>Reads a text file on the host (UTF-8).</summary>
    Task<string> ReadFileAsync(string path, CancellationToken cancellationToken);

    /// <summary>
    /// Writes a text file on the host atomically and verified: a temporary file beside the target whose size and
    /// SHA-256 are checked on the host against what was sent, then a rename. A symbolic link is written through
    /// (its target changes); a replaced file keeps its mode and owner; a new file is mode 0644, or 0600 when the
    /// text holds a password (<see cref="Config.XenConfigSecrets"/>). The folder must exist.
    /// </summary>
    /// <exception cref="XenHostWriteException">The write failed or could not be verified (<c>HostWriteFailed</c>).</exception>
    Task WriteFileAsync(string path, string content, CancellationToken cancellationToken);

    /// <summary>
    /// Creates a text file on the host, verified as <see cref="WriteFileAsync"/> writes, only if nothing is at
    /// <paramref name="path"/> at the moment it is created (an atomic no-clobber step on the host, not a check before).
    /// </summary>
    /// <exception cref="XenHostFileExistsException">Something (a file, a link, a folder) is at the path; nothing was written.</exception>
    /// <exception cref="XenHostWriteException">The write failed or could not be verified (<c>HostWriteFailed</c>).</exception>
    Task CreateFileAsync(string path, string content, CancellationToken cancellationToken);

    /// <summary>Deletes a file (or a symbolic link) on the host; no error when it does not exist.</summary>
    Task DeleteFileAsync(string path, CancellationToken cancellationToken);

    /// <summary>Lists a folder on the host.</summary>
    Task<IReadOnlyList<XenHostFileEntry>> ListDirectoryAsync(string path, CancellationToken cancellationToken);

    /// <summary>
    /// Creates a disk image at <paramref name="path"/> (absolute): <c>raw</c> as a sparse file (<c>truncate</c>; written
    /// with zeros when <paramref name="preallocate"/>), <c>qcow2</c> with <c>qemu-img create</c>. Never replaces a file:
    /// an existing path is <c>DiskImageExists</c>; a missing <c>qemu-img</c> is <c>ProgramNotFound</c>.
    /// </summary>
    Task<XenDiskImage> CreateDiskImageAsync(string path, long sizeBytes, string format, bool preallocate, CancellationToken cancellationToken);

    /// <summary>Creates (or replaces) a symbolic link on the host, e.g. <c>/etc/xen/auto/web1.cfg</c> → <c>/etc/xen/web1.cfg</c>.</summary>
    Task CreateSymbolicLinkAsync(string linkPath, string targetPath, CancellationToken cancellationToken);
}

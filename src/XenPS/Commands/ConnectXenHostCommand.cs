using System.Management.Automation;
using XenPS.Operations;

namespace XenPS.Commands;

/// <summary>
/// <para type="synopsis">Connects to a Xen host: this Dom0 (-Local), a Dom0 over SSH (-ComputerName), or a simulated host (-Simulated).</para>
/// </summary>
[Cmdlet(VerbsCommunications.Connect, "XenHost", DefaultParameterSetName = SshSet)]
[OutputType(typeof(XenHostConnection))]
public sealed class ConnectXenHostCommand : XenCmdlet
{
    private const string LocalSet = "Local";
    private const string SshSet = "Ssh";
    private const string SimulatedSet = "Simulated";

    /// <summary>Use xl on this machine (a Dom0).</summary>
    [Parameter(Mandatory = true, ParameterSetName = LocalSet)]
    public SwitchParameter Local { get; set; }

    /// <summary>The Dom0 to reach over SSH (a name from ~/.ssh/config works). Authentication is ssh's own: keys, agent, config.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = SshSet)]
    [Alias("HostName", "CN")]
    [ValidateNotNullOrEmpty]
    public string ComputerName { get; set; } = string.Empty;

    /// <summary>The SSH user (default: ssh's own, usually from ~/.ssh/config).</summary>
    [Parameter(ParameterSetName = SshSet)]
    [ValidateNotNullOrEmpty]
    public string? User { get; set; }

    /// <summary>The SSH port.</summary>
    [Parameter(ParameterSetName = SshSet)]
    [ValidateRange(1, 65535)]
    public int? Port { get; set; }

    /// <summary>A private key file (ssh -i).</summary>
    [Parameter(ParameterSetName = SshSet)]
    [ValidateNotNullOrEmpty]
    public string? IdentityFile { get; set; }

    /// <summary>Extra ssh options, each as for ssh -o (e.g. 'StrictHostKeyChecking=accept-new').</summary>
    [Parameter(ParameterSetName = SshSet)]
    [ValidateNotNull]
    public string[] SshOption { get; set; } = [];

    /// <summary>The host's config directory, whose *.cfg files are domains (default /etc/xen).</summary>
    [Parameter(ParameterSetName = LocalSet)]
    [Parameter(ParameterSetName = SshSet)]
    [ValidateNotNullOrEmpty]
    public string? ConfigDirectory { get; set; }

    /// <summary>Connect to a simulated Xen 4.17 host: try XenPS, or test runbooks, without Xen.</summary>
    [Parameter(Mandatory = true, ParameterSetName = SimulatedSet)]
    public SwitchParameter Simulated { get; set; }

    /// <summary>The simulated host's name (default 'xensim'). Hosts of one session (or one state file) can migrate between each other.</summary>
    [Parameter(ParameterSetName = SimulatedSet)]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    /// <summary>A state file (on this machine) that keeps the simulated hosts, shared by every process that uses it. Default: in memory, for this session.</summary>
    [Parameter(ParameterSetName = SimulatedSet)]
    [ValidateNotNullOrEmpty]
    public string? StatePath { get; set; }

    /// <summary>Total memory of a new simulated host, in MiB.</summary>
    [Parameter(ParameterSetName = SimulatedSet)]
    [ValidateRange(256, int.MaxValue)]
    public int? TotalMemoryMB { get; set; }

    /// <summary>Physical CPUs of a new simulated host.</summary>
    [Parameter(ParameterSetName = SimulatedSet)]
    [ValidateRange(1, 4096)]
    public int? CpuCount { get; set; }

    /// <summary>Do not make this connection the session's default.</summary>
    [Parameter]
    public SwitchParameter NotDefault { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        // The session is this runspace's: looked up here, on the pipeline thread, never inside Run's worker.
        XenSession session = XenSessions.Current;
        XenHostConnection connection;
        try
        {
            connection = ParameterSetName switch
            {
                LocalSet => XenConnectionFactory.Local(new LocalConnectionOptions { ConfigDirectory = ConfigDirectory }, LoggerFactory),
                SimulatedSet => Run(ct => XenConnectionFactory.SimulatedAsync(
                    new SimulatedConnectionOptions
                    {
                        Name = Name,
                        StatePath = StatePath is null ? null : GetUnresolvedProviderPathFromPSPath(StatePath),
                        InMemoryFabric = StatePath is null ? session.InMemoryFabric : null,
                        TotalMemoryMB = TotalMemoryMB,
                        CpuCount = CpuCount,
                    },
                    LoggerFactory,
                    cancellationToken: ct)),
                _ => XenConnectionFactory.Ssh(
                    new SshConnectionOptions
                    {
                        ComputerName = ComputerName,
                        User = User,
                        Port = Port,
                        IdentityFile = IdentityFile is null ? null : GetUnresolvedProviderPathFromPSPath(IdentityFile),
                        SshOptions = SshOption,
                        ConfigDirectory = ConfigDirectory,
                    },
                    LoggerFactory),
            };

            // Prove the host answers (and that xl works there) before handing the connection out.
            XenHostInfo info = Run(ct => connection.Toolstack.GetHostInfoAsync(ct));
            WriteVerbose($"Connected to Xen host '{connection.Name}' (Xen {info.XenVersion}, {info.CpuCount} CPUs, {info.FreeMemoryMB} of {info.TotalMemoryMB} MiB free).");
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            WriteXenError(ex, ParameterSetName == SshSet ? ComputerName : Name);
            return;
        }

        session.Add(connection, makeDefault: !NotDefault);
        WriteObject(connection);
    }
}

using System.Collections;
using System.Management.Automation;
using XenPS.Operations;
using XenPS.Simulation;

namespace XenPS.Commands;

/// <summary>
/// <para type="synopsis">Drives a simulated Xen host: latency per operation, failures of the next calls, guest crashes and power-offs, migration failures.</para>
/// </summary>
[Cmdlet(VerbsCommon.Set, "XenSimulation", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(void))]
public sealed class SetXenSimulationCommand : XenCmdlet
{
    /// <summary>The simulated host(s) (from Connect-XenHost -Simulated, or their names). Default: the session's default connection.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [XenHostTransformation]
    [ArgumentCompleter(typeof(XenHostNameCompleter))]
    public XenHostConnection[]? XenHost { get; set; }

    /// <summary>Seconds each operation takes, e.g. @{ Shutdown = 2; Create = 8 } (operations are named like the xl verbs: Create, Shutdown, Reboot, Destroy, Pause, Unpause, Save, Restore, ...). 0 removes a latency.</summary>
    [Parameter]
    public Hashtable? LatencySeconds { get; set; }

    /// <summary>Make the next calls of an operation fail with xl's words: @{ Operation = 'Create'; Count = 1; Message = '...' } (several hashtables allowed); add Domain = 'web2' to make only that domain's calls fail. 'Create' covers both ways a domain is created (from text, and from its config file: Start-XenDomain, New-XenDomain -Start); 'CreateFromFile' only the second.</summary>
    [Parameter]
    public Hashtable[]? FailNext { get; set; }

    /// <summary>Make the next migration from this host fail: ResumeAtSender (the domain keeps running here) or FinalHandshake (state undefined).</summary>
    [Parameter]
    public SimulatedMigrationFailure? FailNextMigration { get; set; }

    /// <summary>Crash these guests now (their on_crash action follows: destroy, restart, preserve).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? CrashDomain { get; set; }

    /// <summary>Make these guests power themselves off now, as if shut down from inside (their on_poweroff action follows).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? PowerOffDomain { get; set; }

    /// <summary>Remove every latency and pending failure first.</summary>
    [Parameter]
    public SwitchParameter Clear { get; set; }

    // Hashtable values typed in PowerShell may arrive wrapped in PSObject; Core sees plain values.
    private static Hashtable? Plain(Hashtable? h)
    {
        if (h is null)
        {
            return null;
        }

        var plain = new Hashtable(StringComparer.OrdinalIgnoreCase);
        foreach (DictionaryEntry e in h)
        {
            plain[e.Key is PSObject k ? k.BaseObject : e.Key] = e.Value is PSObject v ? v.BaseObject : e.Value;
        }

        return plain;
    }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        IReadOnlyList<SimulationChange> changes;
        try
        {
            changes = SimulationChange.From(Plain(LatencySeconds), FailNext?.Select(h => (IDictionary)Plain(h)!).ToList(), FailNextMigration, CrashDomain, PowerOffDomain, Clear);
        }
        catch (ArgumentException ex)
        {
            ThrowXenError(ex, null);
            return;
        }

        var session = XenSessions.Current;
        IReadOnlyList<XenHostConnection> hosts = XenHost is { Length: > 0 } given ? given : session.Default is { } d ? [d] : throw new PSArgumentException(XenSession.NoConnection().Message);
        foreach (XenHostConnection host in hosts)
        {
            if (host.Toolstack is not SimulatedToolstack sim)
            {
                WriteXenError(new XenOperationException("NotSimulated", XenErrorCategory.InvalidArgument, $"Host '{host.Name}' is not a simulated host: Set-XenSimulation drives only hosts from Connect-XenHost -Simulated."), host);
                continue;
            }

            foreach (SimulationChange change in changes)
            {
                if (!ShouldProcess($"Simulated host '{host.Name}'", change.Description))
                {
                    continue;
                }

                try
                {
                    Run(ct => change.ApplyAsync(sim.Fabric, host.Name, ct));
                }
                catch (Exception ex) when (ex is not PipelineStoppedException)
                {
                    WriteXenError(ex, host);
                }
            }
        }
    }
}

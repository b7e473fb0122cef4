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

    /// <summary>
    /// Start domains from xl.cfg text as a plain 'xl create' on the host would, outside XenPS: no name rules,
    /// so that XenPS can be tried on domains named as others name them (e.g. 'web*' or 'a;b').
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? XlCreate { get; set; }

    /// <summary>Write files on the simulated host as a shell on it would, outside XenPS: @{ '/etc/xen/web*.cfg' = 'name = "web*"' } (path = content).</summary>
    [Parameter]
    public Hashtable? HostFile { get; set; }

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
            bool onlyOutside = (XlCreate is { Length: > 0 } || HostFile is { Count: > 0 })
                && LatencySeconds is null && FailNext is null && FailNextMigration is null && CrashDomain is null && PowerOffDomain is null && !Clear;
            changes = onlyOutside ? [] : SimulationChange.From(Plain(LatencySeconds), FailNext?.Select(h => (IDictionary)Plain(h)!).ToList(), FailNextMigration, CrashDomain, PowerOffDomain, Clear);
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

            OutsideXenPS(host, sim);
        }
    }

    private void OutsideXenPS(XenHostConnection host, SimulatedToolstack sim)
    {
        foreach (DictionaryEntry file in (IEnumerable?)Plain(HostFile) ?? Array.Empty<DictionaryEntry>())
        {
            string path = file.Key.ToString() ?? string.Empty;
            if (ShouldProcess($"Simulated host '{host.Name}'", $"Write file '{path}'"))
            {
                try
                {
                    Run(ct => sim.WriteFileAsync(path, file.Value?.ToString() ?? string.Empty, ct));
                }
                catch (Exception ex) when (ex is not PipelineStoppedException)
                {
                    WriteXenError(ex, path);
                }
            }
        }

        foreach (string text in XlCreate ?? [])
        {
            if (ShouldProcess($"Simulated host '{host.Name}'", "Run 'xl create' on a config, as outside XenPS"))
            {
                try
                {
                    XenDomain d = Run(ct => sim.CreateAsync(text, paused: false, ct));
                    WriteVerbose($"Simulated host '{host.Name}': 'xl create' started domain '{d.Name}' (id {d.Id}).");
                }
                catch (Exception ex) when (ex is not PipelineStoppedException)
                {
                    WriteXenError(ex, host);
                }
            }
        }
    }
}

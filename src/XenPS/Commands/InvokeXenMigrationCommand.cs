using System.Collections.Concurrent;
using System.Management.Automation;
using XenPS.Operations;

namespace XenPS.Commands;

/// <summary>
/// <para type="synopsis">Live-migrates Xen guests to other hosts (xl migrate), with prechecks, placement across several destinations, progress and typed failures.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "XenMigration", DefaultParameterSetName = ByInputObject, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(XenMigrationResult), typeof(Job))]
public sealed class InvokeXenMigrationCommand : XenMigrationCmdlet
{
    private readonly MigrationPlacement _placement = new();
    private readonly ConcurrentDictionary<XenDomain, Plan> _plans = new(ReferenceEqualityComparer.Instance);
    private readonly ConcurrentQueue<ProgressRecord> _progress = new();
    private readonly List<(DomainTarget Target, Plan Plan)> _jobItems = [];
    private int _nextActivity = (Environment.TickCount & 0x3fff0000) + 1;

    private sealed record Plan(XenHostConnection Destination, XenMigrationRoute Route, XenMigrationCheck? Check);

    /// <summary>Leave the guest paused at the destination (xl migrate -p).</summary>
    [Parameter]
    public SwitchParameter Paused { get; set; }

    /// <summary>After a successful migration, write the guest's config file into the destination's config directory and remove it, and its autostart link, at the source.</summary>
    [Parameter]
    public SwitchParameter MoveConfig { get; set; }

    /// <summary>How many guests migrate at once (default 1: migrations contend for the same links).</summary>
    [Parameter]
    [ValidateRange(1, 64)]
    public int ThrottleLimit { get; set; } = 1;

    /// <summary>Migrate even when the prechecks find problems.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Run in the background: returns one job for the whole invocation (Receive-Job, Wait-Job).</summary>
    [Parameter]
    public SwitchParameter AsJob { get; set; }

    /// <summary>Write a XenMigrationResult for each migrated guest.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override int Throttle => ThrottleLimit;

    /// <inheritdoc />
    protected override bool WriteResults => PassThru;

    /// <inheritdoc />
    protected override string ActionPhrase => "Migrate";

    /// <inheritdoc />
    protected override string ProgressActivity => "Migrate Xen domains";

    /// <inheritdoc />
    protected override string? Dom0Refusal => "migrate";

    private XenMigrationOptions Options => new()
    {
        ConfigPath = ConfigPath,
        Paused = Paused,
        MoveConfig = MoveConfig,

        // The cmdlet ran the prechecks (and placed the guest) just before; -Force skipped them.
        Force = true,
    };

    /// <inheritdoc />
    protected override IReadOnlyList<DomainTarget> ResolveTargets()
    {
        IReadOnlyList<DomainTarget> all = base.ResolveTargets();
        if (ParameterSetName != ByInputObject)
        {
            return all;
        }

        // Evacuation (Get-XenDomain -XenHost a | Invoke-XenMigration ...): Domain-0 is the host itself, never a guest to move.
        foreach (DomainTarget dom0 in all.Where(t => t.Domain.Id == 0))
        {
            WriteVerbose($"Domain-0 of host '{dom0.Host.Name}' is the host itself: it stays.");
        }

        return all.Where(t => t.Domain.Id != 0).ToList();
    }

    /// <inheritdoc />
    protected override string DescribeAction(DomainTarget target) =>
        _plans.TryGetValue(target.Domain, out Plan? plan)
            ? $"Migrate domain '{target.Domain.Name}' from host '{target.Host.Name}' to host '{plan.Destination.Name}'" +
              (plan.Route.SameHost ? " (within the host)." : $" (ssh to '{plan.Route.Address}').")
            : base.DescribeAction(target);

    /// <inheritdoc />
    protected override Exception? RefusalOf(DomainTarget target)
    {
        if (base.RefusalOf(target) is Exception refused)
        {
            return refused;
        }

        try
        {
            _plans[target.Domain] = Run(ct => PlanAsync(target, ct));
            return null;
        }
        catch (Exception ex) when (ex is XenException)
        {
            return ex;
        }
    }

    private bool IsWhatIf => MyInvocation.BoundParameters.TryGetValue("WhatIf", out object? w)
        ? w is SwitchParameter { IsPresent: true }
        : LanguagePrimitives.IsTrue(GetVariableValue("WhatIfPreference"));

    /// <inheritdoc />
    protected override void Decline(DomainTarget target)
    {
        // A "no" to -Confirm gives the memory placed for the guest back; under -WhatIf the plan keeps it, so
        // the plan shows where each next guest would go after the ones before it.
        if (!IsWhatIf && _plans.TryRemove(target.Domain, out Plan? plan) && plan.Check is not null)
        {
            _placement.Release(plan.Check);
        }
    }

    /// <inheritdoc />
    protected override void Accept(DomainTarget target)
    {
        if (AsJob)
        {
            // As a job: targets were resolved, planned and confirmed on the pipeline thread; the job migrates them.
            _jobItems.Add((target, _plans[target.Domain]));
            return;
        }

        base.Accept(target);
    }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        base.EndProcessing();
        if (!AsJob)
        {
            return;
        }

        var job = new XenMigrationJob(MyInvocation.Line, Operations, Options, PassThru, ThrottleLimit, _placement);
        JobRepository.Add(job);
        job.Start(_jobItems.Select(i => (i.Target, i.Plan.Destination, i.Plan.Route, i.Plan.Check)).ToList());
        WriteObject(job);
    }

    /// <inheritdoc />
    protected override void Pump()
    {
        while (_progress.TryDequeue(out ProgressRecord? record))
        {
            WriteProgress(record);
        }
    }

    /// <inheritdoc />
    protected override async Task<object?> WorkAsync(DomainTarget target, CancellationToken cancellationToken)
    {
        Plan plan = _plans[target.Domain];
        int activity = Interlocked.Increment(ref _nextActivity);
        try
        {
            return await Operations.MigrateAsync(target, plan.Destination, plan.Route, Options, Reporter(_progress.Enqueue, activity, target, plan.Destination), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _progress.Enqueue(new ProgressRecord(activity, Activity(target, plan.Destination), "Done") { RecordType = ProgressRecordType.Completed });
            if (plan.Check is not null)
            {
                _placement.Release(plan.Check);
            }
        }
    }

    /// <summary>The Write-Progress activity of one guest's migration.</summary>
    internal static string Activity(DomainTarget target, XenHostConnection destination) =>
        $"Migrate '{target.Domain.Name}' from host '{target.Host.Name}' to host '{destination.Name}'";

    /// <summary>Turns xl's phases into progress records for <paramref name="write"/>.</summary>
    internal static IProgress<XenMigrationProgress> Reporter(Action<ProgressRecord> write, int activity, DomainTarget target, XenHostConnection destination) =>
        new Reporting(step => write(new ProgressRecord(activity, Activity(target, destination), step.Line)
        {
            PercentComplete = step.PercentComplete,
            CurrentOperation = step.Phase.ToString(),
        }));

    private async Task<Plan> PlanAsync(DomainTarget target, CancellationToken ct)
    {
        var candidates = new List<(XenHostConnection Destination, XenMigrationRoute Route)>();
        foreach (XenHostConnection d in Destination)
        {
            candidates.Add((d, RouteTo(target, d)));
        }

        if (Force && candidates.Count == 1)
        {
            return new Plan(candidates[0].Destination, candidates[0].Route, null);
        }

        var checks = new List<XenMigrationCheck>();
        foreach ((XenHostConnection d, XenMigrationRoute route) in candidates)
        {
            checks.Add(await Operations.CheckAsync(target, d, route, ConfigPath, ct).ConfigureAwait(false));
        }

        XenMigrationCheck? chosen = _placement.Place(checks, out IReadOnlyList<XenMigrationProblem> why, ignoreProblems: Force);
        if (chosen is null)
        {
            throw MigrationOperations.Refused(new XenMigrationCheck(target.Domain.Name, target.Host.Name, string.Join(", ", Destination.Select(d => d.Name)), why));
        }

        int index = checks.IndexOf(chosen);
        return new Plan(candidates[index].Destination, candidates[index].Route, chosen);
    }

    private sealed class Reporting(Action<XenMigrationProgress> report) : IProgress<XenMigrationProgress>
    {
        public void Report(XenMigrationProgress value) => report(value);
    }
}

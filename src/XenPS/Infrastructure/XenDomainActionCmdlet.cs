using System.Management.Automation;
using XenPS.Errors;
using XenPS.Operations;

namespace XenPS.Commands;

/// <summary>
/// The base of cmdlets that do work per domain: resolve targets, ShouldProcess each on the pipeline
/// thread, run the approved ones through a throttled <see cref="BulkExecutor{TItem}"/>, and write
/// results, errors and progress on the pipeline thread as they complete.
/// </summary>
public abstract class XenDomainWorkCmdlet : XenDomainCmdlet
{
    private BulkExecutor<DomainTarget>? _bulk;
    private readonly int _activityId = Environment.TickCount & 0x3fffffff;

    /// <summary>Whether results are written to the pipeline.</summary>
    protected virtual bool WriteResults => true;

    /// <summary>The work for one domain; its result is written when <see cref="WriteResults"/>.</summary>
    protected abstract Task<object?> WorkAsync(DomainTarget target, CancellationToken cancellationToken);

    /// <summary>How many domains are worked on at once. Default 1 unless the cmdlet allows more.</summary>
    protected virtual int Throttle => 1;

    /// <summary>The action's verb phrase for ShouldProcess, e.g. "Shut down".</summary>
    protected abstract string ActionPhrase { get; }

    /// <summary>The sentence -WhatIf and -Confirm show for one domain, e.g. "Shut down domain 'web1' on host 'dom0-a'."</summary>
    protected virtual string DescribeAction(DomainTarget target) => ActionText.ForDomain(ActionPhrase, target.Domain.Name, target.Host.Name);

    /// <summary>The activity shown by Write-Progress.</summary>
    protected virtual string ProgressActivity => ActionPhrase + " Xen domains";

    /// <summary>Called on the pipeline thread whenever queued log messages are written: a cmdlet writes its own queued records (progress) here.</summary>
    protected virtual void Pump()
    {
    }

    /// <summary>Checks of the invocation that make it invalid (terminating), before any target is touched.</summary>
    protected virtual void ValidateInvocation()
    {
    }

    /// <summary>
    /// What Domain-0 would be refused for by this verb (e.g. "shut down"), or <see langword="null"/> when the
    /// verb may act on it. Checked before -WhatIf/-Confirm, so they never promise what the run refuses.
    /// </summary>
    protected virtual string? Dom0Refusal => null;

    /// <summary>
    /// Why the run would refuse <paramref name="target"/> without calling the host (a closed connection,
    /// Domain-0 for a verb that does not act on it), or <see langword="null"/>. Such a target is written as
    /// that error, under -WhatIf and -Confirm too, and never submitted.
    /// </summary>
    protected virtual Exception? RefusalOf(DomainTarget target)
    {
        if (target.Host.IsClosed)
        {
            return target.Host.Closed();
        }

        if (Dom0Refusal is string what)
        {
            try
            {
                DomainLifecycle.RequireGuest(target, what);
            }
            catch (XenOperationException ex)
            {
                return ex;
            }
        }

        return null;
    }

    /// <inheritdoc />
    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        ValidateInvocation();
        _bulk = new BulkExecutor<DomainTarget>(Throttle, CancellationToken);
    }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        foreach (DomainTarget t in ResolveTargets())
        {
            if (RefusalOf(t) is Exception refused)
            {
                WriteXenError(refused, t.Domain);
                continue;
            }

            string sentence = DescribeAction(t);
            if (ShouldProcess(sentence, sentence.TrimEnd('.') + "?", "Confirm"))
            {
                Accept(t);
            }
            else
            {
                Decline(t);
            }
        }

        Drain(wait: Throttle == 1);
    }

    /// <summary>A target that -WhatIf or a "no" to -Confirm kept from the work: by default nothing is done.</summary>
    protected virtual void Decline(DomainTarget target)
    {
    }

    /// <summary>Takes a target that passed -WhatIf/-Confirm: by default it is worked on now, through the throttled executor.</summary>
    protected virtual void Accept(DomainTarget target)
    {
        using (LogScope())
        {
            _bulk!.Submit(target, WorkAsync);
        }
    }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        Drain(wait: true);
        if (_bulk is { Submitted: > 1 })
        {
            WriteProgress(new ProgressRecord(_activityId, ProgressActivity, "Done") { RecordType = ProgressRecordType.Completed });
        }

        base.EndProcessing();
    }

    /// <inheritdoc />
    protected override void StopProcessing()
    {
        base.StopProcessing();
        _bulk?.Cancel();
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _bulk?.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Drain(bool wait)
    {
        if (_bulk is null)
        {
            return;
        }

        while (true)
        {
            FlushLog();
            Pump();
            BulkOutcome<DomainTarget>? o = wait ? _bulk.TakeNext(TimeSpan.FromMilliseconds(100)) : _bulk.TakeCompleted().FirstOrDefault();
            if (o is null)
            {
                if (!wait || _bulk.AllDelivered)
                {
                    return;
                }

                continue;
            }

            Write(o);
            if (!wait)
            {
                foreach (BulkOutcome<DomainTarget> more in _bulk.TakeCompleted())
                {
                    Write(more);
                }

                return;
            }
        }
    }

    private void Write(BulkOutcome<DomainTarget> o)
    {
        FlushLog();
        Pump();
        if (_bulk!.Submitted > 1)
        {
            int pct = (int)(100.0 * _bulk.Completed / Math.Max(1, _bulk.Submitted));
            WriteProgress(new ProgressRecord(_activityId, ProgressActivity, $"{_bulk.Completed} of {_bulk.Submitted} done") { PercentComplete = Math.Min(100, pct) });
        }

        if (o.Error is { } err)
        {
            if (err is OperationCanceledException && CancellationToken.IsCancellationRequested)
            {
                return;
            }

            if ((err is AggregateException { InnerExceptions.Count: 1 } agg ? agg.InnerExceptions[0] : err) is XenException x)
            {
                // xl was given the domid: the user reads the domain's name.
                x.NameDomain(o.Item.Domain.Name);
            }

            WriteXenError(err, o.Item.Domain);
        }
        else if (WriteResults && o.Result is not null)
        {
            // A list of results (one per destination, for example) is written item by item.
            WriteObject(o.Result, enumerateCollection: o.Result is System.Collections.IList);
        }
    }
}

/// <summary>The base of the lifecycle verbs: they emit nothing unless <c>-PassThru</c>.</summary>
public abstract class XenDomainActionCmdlet : XenDomainWorkCmdlet
{
    /// <summary>Write the domain (as it is afterwards) to the pipeline.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected sealed override bool WriteResults => PassThru;

    /// <inheritdoc />
    protected override bool ReadBackResult => PassThru;

    /// <summary>The work for one domain; returns the domain as it is afterwards, or null when it is gone.</summary>
    protected abstract Task<XenDomain?> ActAsync(DomainTarget target, CancellationToken cancellationToken);

    /// <inheritdoc />
    protected sealed override async Task<object?> WorkAsync(DomainTarget target, CancellationToken cancellationToken) =>
        await ActAsync(target, cancellationToken).ConfigureAwait(false);
}

/// <summary>The lifecycle verbs that work on many domains at once: <c>-ThrottleLimit</c>.</summary>
public abstract class XenBulkDomainCmdlet : XenDomainActionCmdlet
{
    /// <summary>How many domains are worked on at once (default 5). Results and errors are still written on the pipeline thread, as they complete.</summary>
    [Parameter]
    [ValidateRange(1, 256)]
    public int ThrottleLimit { get; set; } = 5;

    /// <inheritdoc />
    protected override int Throttle => ThrottleLimit;
}

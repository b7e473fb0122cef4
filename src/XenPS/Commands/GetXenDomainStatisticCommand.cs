using System.Collections.Concurrent;
using System.Management.Automation;
using XenPS.Operations;

namespace XenPS.Commands;

/// <summary>
/// <para type="synopsis">Gets live statistics of Xen domains from xentop: CPU %, memory, network and block I/O, one object per domain per sample, streamed as samples arrive.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "XenDomainStatistic", DefaultParameterSetName = ByInputObject)]
[OutputType(typeof(XenDomainStatistic))]
public sealed class GetXenDomainStatisticCommand : XenDomainCmdlet
{
    private readonly List<DomainTarget> _targets = new();

    /// <summary>How many samples to take (default 1). Each takes -IntervalSeconds; Ctrl+C ends the stream early.</summary>
    [Parameter]
    [ValidateRange(1, 1000000)]
    public int Count { get; set; } = 1;

    /// <summary>Whole seconds between samples (xentop -d; at least 1, default 1). The first sample comes after one interval.</summary>
    [Parameter]
    [ValidateRange(1, 86400)]
    public int IntervalSeconds { get; set; } = 1;

    /// <inheritdoc />
    protected override bool IncludeDom0WhenUnfiltered => true;

    /// <inheritdoc />
    protected override void ProcessRecord() => _targets.AddRange(ResolveTargets());

    /// <inheritdoc />
    /// <remarks>One xentop per host for everything piped in; rows are written on the pipeline thread as they arrive.</remarks>
    protected override void EndProcessing()
    {
        if (_targets.Count == 0)
        {
            base.EndProcessing();
            return;
        }

        using var rows = new BlockingCollection<XenDomainStatistic>();
        Task pump;
        using (LogScope())
        {
            pump = Task.Run(
                async () =>
                {
                    try
                    {
                        await foreach (XenDomainStatistic row in Diagnostics.StreamStatisticsAsync(_targets, Count, IntervalSeconds, CancellationToken).ConfigureAwait(false))
                        {
                            rows.Add(row);
                        }
                    }
                    finally
                    {
                        rows.CompleteAdding();
                    }
                },
                CancellationToken);
        }

        while (!rows.IsCompleted)
        {
            FlushLog();
            if (rows.TryTake(out XenDomainStatistic? row, 100))
            {
                WriteObject(row);
            }
        }

        FlushLog();
        Task.WaitAny([pump]);
        if (pump.Exception is { } failed)
        {
            foreach (Exception ex in failed.Flatten().InnerExceptions)
            {
                WriteXenError(ex, (ex as XenException)?.HostName);
            }
        }

        base.EndProcessing();
    }
}

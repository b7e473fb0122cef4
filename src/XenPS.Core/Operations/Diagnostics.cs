using System.Globalization;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using XenPS.Config;
using XenPS.Toolstack.Xl;

namespace XenPS.Operations;

/// <summary>The vCPUs of the domains asked for, and the hosts whose <c>xl vcpu-list</c> failed.</summary>
/// <param name="VCpus">The vCPUs, domain by domain in the order of the targets.</param>
/// <param name="HostErrors">Hosts that could not be read.</param>
public sealed record VCpuListing(IReadOnlyList<XenVCpu> VCpus, IReadOnlyList<HostFailure> HostErrors);

/// <summary>The reads behind Get-XenVCpu, Get-XenDomainStatistic, Get-XenHostLog and the XenStore cmdlets, and the checks of their arguments.</summary>
public static class Diagnostics
{
    /// <summary>
    /// The vCPUs of <paramref name="targets"/>: one <c>xl vcpu-list</c> per host, whatever the number of domains,
    /// each row kept only when its domid and name are a target's (a domain that is Off has none). Each vCPU carries its
    /// domain's UUID, so piping it on acts on exactly that domain.
    /// </summary>
    public static async Task<VCpuListing> GetVCpusAsync(IReadOnlyList<DomainTarget> targets, CancellationToken cancellationToken)
    {
        var byHost = targets.Where(t => t.Domain.Id is not null).GroupBy(t => t.Host).ToList();
        var reads = await Task.WhenAll(byHost.Select(async g =>
        {
            try
            {
                return (Host: g.Key, Rows: await g.Key.Toolstack.GetVCpusAsync(null, cancellationToken).ConfigureAwait(false), Error: (Exception?)null);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return (Host: g.Key, Rows: (IReadOnlyList<XenVCpu>)Array.Empty<XenVCpu>(), Error: ex);
            }
        })).ConfigureAwait(false);

        var rowsByHost = reads.ToDictionary(r => r.Host, r => r.Rows);
        var list = new List<XenVCpu>();
        foreach (DomainTarget t in targets.Where(t => t.Domain.Id is not null))
        {
            foreach (XenVCpu v in rowsByHost[t.Host].Where(v => v.DomainId == t.Domain.Id && string.Equals(v.DomainName, t.Domain.Name, StringComparison.Ordinal)))
            {
                v.DomainUuid = t.Domain.Uuid;
                list.Add(v);
            }
        }

        return new VCpuListing(list, reads.Where(r => r.Error is not null).Select(r => new HostFailure(r.Host, r.Error!)).ToList());
    }

    /// <summary>
    /// Checks a cpu list for <c>xl vcpu-pin</c> before xl runs: xl's syntax (read as the config validator reads
    /// <c>cpus</c>: <c>N</c>, <c>N-M</c>, <c>^N</c>, <c>all</c>, <c>nodes:N</c>, comma-separated) and every CPU number below
    /// the host's <paramref name="cpuCount"/>. Throws <see cref="XenOperationException"/> <c>CpuListInvalid</c> naming what is wrong.
    /// </summary>
    public static void CheckCpuList(string list, int cpuCount, string parameterName, string hostName)
    {
        ArgumentNullException.ThrowIfNull(list);
        string text = list.Trim();
        string? bad = text.Length == 0 ? list : XenConfigValidator.CheckCpuRange(text);
        if (bad is not null)
        {
            throw new XenOperationException(
                "CpuListInvalid",
                XenErrorCategory.InvalidArgument,
                $"-{parameterName} '{list}' is not a cpu list xl reads: '{bad}' is wrong. Write CPUs as N, N-M, ^N (all but N), all, or nodes:N, separated by commas, e.g. '0-1,3'.");
        }

        foreach (string item in text.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            string s = item.TrimStart('^');
            if (s.StartsWith("node", StringComparison.Ordinal) || s == "all")
            {
                continue;
            }

            foreach (string n in s.Split('-'))
            {
                if (long.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out long cpu) && cpu >= cpuCount)
                {
                    throw new XenOperationException(
                        "CpuListInvalid",
                        XenErrorCategory.InvalidArgument,
                        $"-{parameterName} '{list}' names CPU {cpu}, but host '{hostName}' has {cpuCount} CPUs (0-{cpuCount - 1}).");
                }
            }
        }
    }

    /// <summary>
    /// Streams statistics of <paramref name="targets"/>: one long-running <c>xentop</c> per host (all hosts at once),
    /// rows of other domains dropped, rows passed on as they arrive. A host that fails ends the stream with its error
    /// after the others' rows; cancellation stops every xentop.
    /// </summary>
    public static async IAsyncEnumerable<XenDomainStatistic> StreamStatisticsAsync(
        IReadOnlyList<DomainTarget> targets,
        int samples,
        int intervalSeconds,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateUnbounded<XenDomainStatistic>(new UnboundedChannelOptions { SingleReader = true });
        var running = targets.Where(t => t.Domain.Id is not null).GroupBy(t => t.Host).ToList();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var failures = new List<Exception>();
        Task[] producers = running.Select(g => Task.Run(async () =>
        {
            var wanted = g.ToDictionary(t => t.Domain.Name, t => t.Domain.Id, StringComparer.Ordinal);
            try
            {
                await foreach (XenDomainStatistic row in g.Key.Toolstack.GetStatisticsAsync(samples, intervalSeconds, stop.Token).ConfigureAwait(false))
                {
                    if (wanted.TryGetValue(row.DomainName, out int? id))
                    {
                        row.DomainId ??= id;
                        await channel.Writer.WriteAsync(row, stop.Token).ConfigureAwait(false);
                    }
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                lock (failures)
                {
                    failures.Add(ex);
                }
            }
        })).ToArray();
        _ = Task.WhenAll(producers).ContinueWith(_ => channel.Writer.TryComplete(), TaskScheduler.Default);

        try
        {
            await foreach (XenDomainStatistic row in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return row;
            }
        }
        finally
        {
            stop.Cancel();
            await Task.WhenAll(producers.Select(p => p.ContinueWith(_ => { }, TaskScheduler.Default))).ConfigureAwait(false);
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (failures.Count == 1)
        {
            throw failures[0];
        }

        if (failures.Count > 1)
        {
            throw new AggregateException(failures);
        }
    }

    /// <summary>The hypervisor's log of <paramref name="host"/> (<c>xl dmesg</c>, with <c>-c</c> when <paramref name="clear"/>), one entry per line.</summary>
    public static async Task<IReadOnlyList<XenHostLogEntry>> ReadHostLogAsync(XenHostConnection host, bool clear, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        string text = await host.Toolstack.GetDmesgAsync(clear, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<XenHostLogEntry> entries = XlDmesgParser.Parse(text);
        foreach (XenHostLogEntry e in entries)
        {
            e.HostName = host.Name;
            e.XenHost = host;
        }

        return entries;
    }

    /// <summary>
    /// Checks a XenStore path before anything runs: absolute (starts with <c>/</c>), no empty segment (<c>//</c>, a
    /// trailing <c>/</c>), only the characters xenstored accepts in a node name (letters, digits, <c>-</c>, <c>_</c>,
    /// <c>@</c>), at most 3072 characters. Throws <see cref="XenOperationException"/> <c>XenStorePathInvalid</c>.
    /// </summary>
    public static void CheckXenStorePath(string path, bool allowRoot = true)
    {
        string? reason = XenStorePathProblem(path, allowRoot);
        if (reason is not null)
        {
            throw new XenOperationException("XenStorePathInvalid", XenErrorCategory.InvalidArgument, $"The XenStore path '{path}' is not valid: {reason}.");
        }
    }

    private static string? XenStorePathProblem(string? path, bool allowRoot)
    {
        if (string.IsNullOrEmpty(path))
        {
            return "it is empty";
        }

        if (path[0] != '/')
        {
            return "it must be absolute (start with '/'), e.g. /local/domain/3/data/key";
        }

        if (path == "/")
        {
            return allowRoot ? null : "it is the root of the store";
        }

        if (path.EndsWith('/'))
        {
            return "it ends with '/' (an empty last segment)";
        }

        if (path.Contains("//", StringComparison.Ordinal))
        {
            return "it has an empty segment ('//')";
        }

        // xenstored_core.c is_valid_nodename: XENSTORE_ABS_PATH_MAX and valid_chars.
        if (path.Length > 3072)
        {
            return "it is longer than 3072 characters";
        }

        foreach (char c in path)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '/' or '-' or '_' or '@'))
            {
                return $"'{(char.IsControl(c) ? "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture) : c.ToString())}' is not allowed (xenstored accepts letters, digits, '-', '_', '@' and '/')";
            }
        }

        return null;
    }

    /// <summary>
    /// Why a console cannot be attached here, or <see langword="null"/> when it can: the console needs this
    /// process's terminal for input and output (a script, a job, CI or a redirected pipe has none).
    /// </summary>
    public static string? ConsoleUnavailableReason(bool inputRedirected, bool outputRedirected)
    {
        if (inputRedirected || outputRedirected)
        {
            return $"Enter-XenConsole needs an interactive terminal, and this session's standard {(inputRedirected ? "input" : "output")} is not one (a script, a job, CI or a redirection). Run it in an interactive pwsh on a terminal (ssh -t into the machine when remote).";
        }

        return null;
    }
}

namespace XenPS.Operations;

/// <summary>
/// Chooses a destination per guest when a host is evacuated: among the destinations whose prechecks passed, the
/// one with the most free memory after the placements already made in this command. One instance per command;
/// the caller places guests one at a time, in order.
/// </summary>
public sealed class MigrationPlacement
{
    private readonly Dictionary<string, long> _reserved = new(StringComparer.Ordinal);
    private readonly object _gate = new();

    /// <summary>The memory (MiB) already promised to each destination by earlier placements.</summary>
    public IReadOnlyDictionary<string, long> Reserved
    {
        get
        {
            lock (_gate)
            {
                return new Dictionary<string, long>(_reserved, StringComparer.Ordinal);
            }
        }
    }

    /// <summary>
    /// The check of the chosen destination (its memory is reserved), or <see langword="null"/> when no
    /// destination passed: then <paramref name="why"/> says, per destination, what stood in the way.
    /// </summary>
    /// <param name="checks">One check per destination.</param>
    /// <param name="why">What stood in the way, when no destination was chosen.</param>
    /// <param name="ignoreProblems">Choose by memory alone (<c>-Force</c>): the checks' problems do not exclude a destination.</param>
    public XenMigrationCheck? Place(IReadOnlyList<XenMigrationCheck> checks, out IReadOnlyList<XenMigrationProblem> why, bool ignoreProblems = false)
    {
        ArgumentNullException.ThrowIfNull(checks);
        lock (_gate)
        {
            return PlaceLocked(checks, out why, ignoreProblems);
        }
    }

    private XenMigrationCheck? PlaceLocked(IReadOnlyList<XenMigrationCheck> checks, out IReadOnlyList<XenMigrationProblem> why, bool ignoreProblems)
    {
        var problems = new List<XenMigrationProblem>();
        XenMigrationCheck? best = null;
        long bestLeft = long.MinValue;
        foreach (XenMigrationCheck c in checks)
        {
            if (!c.CanMigrate && (!ignoreProblems || c.Problems.Any(p => !p.CanForce)))
            {
                problems.AddRange(c.Problems);
                continue;
            }

            long reserved = _reserved.GetValueOrDefault(c.Destination);
            if (c.DestinationFreeMemoryMB is not long free)
            {
                // The same-host form: the guest's memory is not counted twice.
                if (best is null)
                {
                    best = c;
                }

                continue;
            }

            long left = free - reserved - c.MemoryMB;
            if (left < 0 && !ignoreProblems)
            {
                problems.Add(new XenMigrationProblem(
                    "InsufficientMemory",
                    $"Host '{c.Destination}' has {free} MiB free, {reserved} MiB of it promised to guests placed earlier in this command; domain '{c.DomainName}' needs {c.MemoryMB} MiB.",
                    c));
                continue;
            }

            if (left > bestLeft || (best is not null && best.DestinationFreeMemoryMB is null))
            {
                best = c;
                bestLeft = left;
            }
        }

        why = problems;
        if (best is not null)
        {
            _reserved[best.Destination] = _reserved.GetValueOrDefault(best.Destination) + (best.DestinationFreeMemoryMB is null ? 0 : best.MemoryMB);
        }

        return best;
    }

    /// <summary>Gives back what <see cref="Place"/> reserved for a guest whose migration then failed.</summary>
    public void Release(XenMigrationCheck placed)
    {
        ArgumentNullException.ThrowIfNull(placed);
        lock (_gate)
        {
            if (placed.DestinationFreeMemoryMB is not null && _reserved.TryGetValue(placed.Destination, out long r))
            {
                _reserved[placed.Destination] = Math.Max(0, r - placed.MemoryMB);
            }
        }
    }
}

namespace XenPS.Config;

/// <summary>
/// xl's cpu-list language (xl_parse.c parse_cpurange / update_cpumap_range), read once for every user:
/// the config validator (<c>cpus=</c>, <c>cpus_soft=</c>) and the simulator's <c>xl vcpu-pin</c>. Comma-separated
/// items, each <c>[^][node:|nodes:](all|N|N-M)</c>, applied left to right: an item adds its CPUs (or, with
/// <c>^</c>, removes them); <c>nodes:</c> items name whole NUMA nodes; <c>^all</c> is refused.
/// </summary>
internal static class XenCpuList
{
    /// <summary>
    /// Reads <paramref name="text"/>. Returns null when it is valid (with the CPUs in <paramref name="cpus"/>),
    /// else the first item xl refuses (as xl prints it in "Invalid pcpu range: ..."). Without a topology
    /// (<paramref name="cpuCount"/> null) only the syntax is checked and <paramref name="cpus"/> is empty.
    /// CPUs the host does not have are left out, as libxl's bitmap leaves them out.
    /// </summary>
    /// <param name="text">E.g. <c>0-3,^2</c>, <c>all,^nodes:0</c>.</param>
    /// <param name="cpuCount">The host's CPUs, or null for a syntax check.</param>
    /// <param name="nodeCpus">The CPUs of a NUMA node (none for a node the host does not have).</param>
    /// <param name="cpus">The CPUs the list names.</param>
    public static string? Read(string text, int? cpuCount, Func<long, IEnumerable<int>>? nodeCpus, out SortedSet<int> cpus)
    {
        cpus = new SortedSet<int>();
        foreach (string raw in text.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            string s = raw;
            bool not = s.StartsWith('^');
            if (not)
            {
                s = s[1..];
            }

            bool nodes = false;
            if (s.StartsWith("node:", StringComparison.Ordinal))
            {
                s = s[5..];
                nodes = true;
            }
            else if (s.StartsWith("nodes:", StringComparison.Ordinal))
            {
                s = s[6..];
                nodes = true;
            }

            if (s == "all")
            {
                if (not)
                {
                    return raw;
                }

                for (int c = 0; c < (cpuCount ?? 0); c++)
                {
                    cpus.Add(c);
                }

                continue;
            }

            if (Range(s) is not (long from, long to))
            {
                return raw;
            }

            if (cpuCount is not int count)
            {
                continue;
            }

            // Bits past the host's CPUs do not exist (and no host has more NUMA nodes than CPUs): a range
            // like 0-4294967294 ends at the last one.
            for (long i = from; i <= Math.Min(to, count); i++)
            {
                IEnumerable<int> these = nodes ? nodeCpus?.Invoke(i) ?? [] : i < count ? [(int)i] : [];
                foreach (int c in these)
                {
                    if (not)
                    {
                        cpus.Remove(c);
                    }
                    else
                    {
                        cpus.Add(c);
                    }
                }
            }
        }

        return null;
    }

    /// <summary>CPUs as xl prints a cpumap (print_bitmap): <c>all</c> when every CPU of the host, <c>none</c> for none, else ranges (<c>0-4,6-7</c>).</summary>
    public static string Format(IReadOnlyCollection<int> cpus, int cpuCount)
    {
        if (cpus.Count == cpuCount)
        {
            return "all";
        }

        if (cpus.Count == 0)
        {
            return "none";
        }

        var parts = new List<string>();
        int[] all = cpus.Order().ToArray();
        for (int i = 0; i < all.Length; i++)
        {
            int start = all[i];
            while (i + 1 < all.Length && all[i + 1] == all[i] + 1)
            {
                i++;
            }

            parts.Add(start == all[i] ? start.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{start}-{all[i]}");
        }

        return string.Join(',', parts);
    }

    // parse_range: strtoul, then an optional "-M" with M >= N, and nothing after.
    private static (long From, long To)? Range(string s)
    {
        int n = CNumbers.Scan(s, 0, s.Length, 10, out long a, out bool of);
        if (n == 0 || of || a < 0)
        {
            return null;
        }

        if (n < s.Length && s[n] == '-')
        {
            string rest = s[(n + 1)..];
            int m = CNumbers.Scan(rest, 0, rest.Length, 10, out long b, out bool of2);
            return m == 0 || of2 || b < a || m != rest.Length ? null : (a, b);
        }

        return n == s.Length ? (a, a) : null;
    }
}

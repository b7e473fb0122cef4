using System.Globalization;
using System.Text.RegularExpressions;

namespace XenPS.Toolstack.Xl;

/// <summary>
/// Reads <c>xentop -b</c> output line by line (tools/xentop/xentop.c, batch mode): each iteration starts with the
/// header line (<c>NAME  STATE   CPU(sec) ...</c>), then one row per domain. With <c>-f</c> names are printed in full
/// (right-aligned in 10 columns, longer ones overflow), so a row is read from the right; <c>MAXMEM(k)</c> may be
/// <c>no limit</c> and <c>MAXMEM(%)</c> then <c>n/a</c> (fixture 295).
/// </summary>
internal sealed class XentopParser
{
    private const string Command = "xentop -b";

    private static readonly Regex s_row = new(
        @"^\s*(?<name>.*?\S)\s+(?<state>[-a-z]{6})\s+(?<cpusec>\d+)\s+(?<cpupct>\d+(?:\.\d+)?)\s+(?<mem>\d+)\s+(?<mempct>\d+(?:\.\d+)?)\s+(?<maxmem>\d+|no limit)\s+(?<maxmempct>\d+(?:\.\d+)?|n/a)\s+(?<vcpus>\d+)\s+(?<nets>\d+)\s+(?<nettx>\d+)\s+(?<netrx>\d+)\s+(?<vbds>\d+)\s+(?<oo>\d+)\s+(?<rd>\d+)\s+(?<wr>\d+)\s+(?<rsect>\d+)\s+(?<wsect>\d+)\s+(?<ssid>\d+)\s*$",
        RegexOptions.CultureInvariant);

    /// <summary>The iteration the last header started (0 before any).</summary>
    public int Iteration { get; private set; }

    /// <summary>Whether <paramref name="line"/> is the header that starts an iteration.</summary>
    public static bool IsHeader(string line)
    {
        string t = line.TrimStart();
        return t.StartsWith("NAME ", StringComparison.Ordinal) && t.Contains("CPU(sec)", StringComparison.Ordinal);
    }

    /// <summary>
    /// Takes one line: a header advances <see cref="Iteration"/> and returns null; a row returns its statistic
    /// (with <see cref="XenDomainStatistic.Sample"/> = the iteration); a blank line returns null.
    /// </summary>
    /// <exception cref="XlOutputFormatException">A line that is neither, or a number out of range (xentop printed something else: its words are kept).</exception>
    public XenDomainStatistic? Push(string line)
    {
        if (string.IsNullOrWhiteSpace(line))
        {
            return null;
        }

        if (IsHeader(line))
        {
            Iteration++;
            return null;
        }

        Match m = s_row.Match(line);
        if (!m.Success)
        {
            throw new XlOutputFormatException(Command, line.TrimEnd(), "neither xentop's header nor one of its rows");
        }

        string maxmem = m.Groups["maxmem"].Value;
        return new XenDomainStatistic(m.Groups["name"].Value)
        {
            Sample = Iteration,
            XlState = m.Groups["state"].Value,
            CpuTime = XlOutputNumbers.Seconds(m.Groups["cpusec"].Value, Command, line, "CPU(sec)"),
            CpuPercent = Double(m, "cpupct", line),
            MemoryMB = Long(m, "mem", line) / 1024,
            MemoryPercent = Double(m, "mempct", line),
            MaxMemoryMB = maxmem == "no limit" ? null : Long(m, "maxmem", line) / 1024,
            VCpu = Int(m, "vcpus", line),
            Nets = Int(m, "nets", line),
            NetTxKB = Long(m, "nettx", line),
            NetRxKB = Long(m, "netrx", line),
            Vbds = Int(m, "vbds", line),
            BlockOutOfRequests = Long(m, "oo", line),
            BlockReads = Long(m, "rd", line),
            BlockWrites = Long(m, "wr", line),
            BlockReadSectors = Long(m, "rsect", line),
            BlockWriteSectors = Long(m, "wsect", line),
        };
    }

    /// <summary>Every row of a complete output, iteration by iteration (for tests and one-shot reads).</summary>
    public static IReadOnlyList<XenDomainStatistic> ParseAll(string output)
    {
        var parser = new XentopParser();
        var list = new List<XenDomainStatistic>();
        foreach (string line in XlListParser.SplitLines(output))
        {
            if (parser.Push(line) is { } row)
            {
                list.Add(row);
            }
        }

        return list;
    }

    private static long Long(Match m, string group, string line) => XlOutputNumbers.Long(m.Groups[group].Value, Command, line, group.ToUpperInvariant());

    private static int Int(Match m, string group, string line) => XlOutputNumbers.Int(m.Groups[group].Value, Command, line, group.ToUpperInvariant());

    private static double Double(Match m, string group, string line) =>
        double.TryParse(m.Groups[group].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double d) && double.IsFinite(d)
            ? d
            : throw new XlOutputFormatException(Command, line, $"the {group.ToUpperInvariant()} '{m.Groups[group].Value}' is not a number XenPS can hold");
}

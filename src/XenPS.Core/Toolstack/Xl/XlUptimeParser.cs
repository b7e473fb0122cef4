using System.Globalization;
using System.Text.RegularExpressions;

namespace XenPS.Toolstack.Xl;

/// <summary>
/// Parses <c>xl uptime</c> (tools/xl/xl_info.c, uptime_to_string): rows <c>"%-33s %4d %s"</c> where the
/// uptime is <c>"%2d:%02d:%02d"</c>, <c>"1 day, %2d:%02d:%02d"</c> or <c>"N days, %2d:%02d:%02d"</c>.
/// </summary>
internal static class XlUptimeParser
{
    private static readonly Regex s_row = new(
        @"^(?<name>.*\S)\s+(?<id>\d+)\s+(?:(?<days>\d+) days?,\s+)?(?<h>\d+):(?<m>\d{2}):(?<s>\d{2})$",
        RegexOptions.CultureInvariant);

    /// <summary>
    /// Parses the rows. A line that is not understood fails the parse, or, given <paramref name="rejected"/>, is
    /// added there and costs only its own domain its uptime.
    /// </summary>
    public static IReadOnlyList<XenDomainUptime> Parse(string output, ICollection<XlOutputFormatException>? rejected = null)
    {
        var list = new List<XenDomainUptime>();
        foreach (string raw in XlListParser.SplitLines(output))
        {
            string line = raw.TrimEnd();
            if (line.Length == 0 || (line.StartsWith("Name ", StringComparison.Ordinal) && line.EndsWith("Uptime", StringComparison.Ordinal)))
            {
                continue;
            }

            try
            {
                list.Add(ParseRow(line));
            }
            catch (XlOutputFormatException ex) when (rejected is not null)
            {
                rejected.Add(ex);
            }
        }

        return list;
    }

    private static XenDomainUptime ParseRow(string line)
    {
        const string Command = "xl uptime";
        Match m = s_row.Match(line);
        if (!m.Success)
        {
            throw new XlOutputFormatException(Command, line, "not a domain row");
        }

        long days = m.Groups["days"].Success ? XlOutputNumbers.Long(m.Groups["days"].Value, Command, line, "number of days") : 0;
        long hours = XlOutputNumbers.Long(m.Groups["h"].Value, Command, line, "hours");
        long minutes = XlOutputNumbers.Long(m.Groups["m"].Value, Command, line, "minutes");
        long seconds = XlOutputNumbers.Long(m.Groups["s"].Value, Command, line, "seconds");
        if (days > 100_000_000 || hours > 100_000_000 || minutes > 59 || seconds > 59)
        {
            throw new XlOutputFormatException(Command, line, "the uptime is out of range");
        }

        TimeSpan uptime = TimeSpan.FromSeconds((((days * 24) + hours) * 60 + minutes) * 60 + seconds);
        return new XenDomainUptime(m.Groups["name"].Value, XlOutputNumbers.Int(m.Groups["id"].Value, Command, line, "domain id"), uptime);
    }
}

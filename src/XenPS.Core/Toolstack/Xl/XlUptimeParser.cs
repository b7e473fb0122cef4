using System.Globalization;
using System.Text.RegularExpressions;

namespace XenPS.Toolstack.Xl;

/// <summary>
/// Parses <c>xl uptime</c> (tools/xl/xl_info.c, uptime_to_string): rows <c>"%-33s %4d %s"</c> where the
/// uptime is <c>"%2d:%02d:%02d"</c>, <c>"1 day, %2d:%02d:%02d"</c> or <c>"N days, %2d:%02d:%02d"</c>.
/// </summary>
internal static partial class XlUptimeParser
{
    // Source-generated: part of every listing, so no interpreted backtracking per row.
    [GeneratedRegex(@"^(?<name>.*\S)\s+(?<id>\d+)\s+(?:(?<days>\d+) days?,\s+)?(?<h>\d+):(?<m>\d{2}):(?<s>\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex Row();

    public static IReadOnlyList<XenDomainUptime> Parse(string output)
    {
        var list = new List<XenDomainUptime>();
        foreach (string raw in XlListParser.SplitLines(output))
        {
            string line = raw.TrimEnd();
            if (line.Length == 0 || (line.StartsWith("Name ", StringComparison.Ordinal) && line.EndsWith("Uptime", StringComparison.Ordinal)))
            {
                continue;
            }

            Match m = Row().Match(line);
            if (!m.Success)
            {
                throw new FormatException($"Unexpected line in 'xl uptime' output: '{line}'.");
            }

            int days = m.Groups["days"].Success ? int.Parse(m.Groups["days"].Value, CultureInfo.InvariantCulture) : 0;
            var uptime = new TimeSpan(
                days,
                int.Parse(m.Groups["h"].Value, CultureInfo.InvariantCulture),
                int.Parse(m.Groups["m"].Value, CultureInfo.InvariantCulture),
                int.Parse(m.Groups["s"].Value, CultureInfo.InvariantCulture));
            list.Add(new XenDomainUptime(m.Groups["name"].Value, int.Parse(m.Groups["id"].Value, CultureInfo.InvariantCulture), uptime));
        }

        return list;
    }
}

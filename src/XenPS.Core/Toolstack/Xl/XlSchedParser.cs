using System.Globalization;
using System.Text.RegularExpressions;

namespace XenPS.Toolstack.Xl;

/// <summary>Parses <c>xl sched-credit</c> / <c>xl sched-credit2</c> listings (tools/xl/xl_sched.c): <c>"%-33s %4d %6d %4d"</c> rows, <c>Cpupool</c> lines skipped.</summary>
internal static class XlSchedParser
{
    private static readonly Regex s_row = new(@"^(?<name>.*\S)\s+(?<id>\d+)\s+(?<weight>\d+)\s+(?<cap>\d+)$", RegexOptions.CultureInvariant);

    private static readonly Regex s_wrongScheduler = new(@"returned (?<actual>\S+) not (?<asked>\S+?)\.", RegexOptions.CultureInvariant);

    public static IReadOnlyList<XenSchedulerParameters> Parse(string output, string scheduler)
    {
        var list = new List<XenSchedulerParameters>();
        foreach (string raw in XlListParser.SplitLines(output))
        {
            string line = raw.TrimEnd();
            if (line.Length == 0 || line.StartsWith("Cpupool ", StringComparison.Ordinal) ||
                (line.StartsWith("Name ", StringComparison.Ordinal) && line.EndsWith("Cap", StringComparison.Ordinal)))
            {
                continue;
            }

            string command = "xl sched-" + scheduler;
            Match m = s_row.Match(line);
            if (!m.Success)
            {
                throw new XlOutputFormatException(command, line, "not a domain row");
            }

            list.Add(new XenSchedulerParameters(m.Groups["name"].Value, scheduler)
            {
                DomainId = XlOutputNumbers.Int(m.Groups["id"].Value, command, line, "domain id"),
                Weight = XlOutputNumbers.Int(m.Groups["weight"].Value, command, line, "weight"),
                Cap = XlOutputNumbers.Int(m.Groups["cap"].Value, command, line, "cap"),
            });
        }

        return list;
    }

    /// <summary>From <c>libxl_domain_sched_params_get returned credit2 not credit.</c> (281): the scheduler the domain really has.</summary>
    public static string? ActualScheduler(string standardError)
    {
        Match m = s_wrongScheduler.Match(standardError);
        return m.Success ? m.Groups["actual"].Value : null;
    }
}

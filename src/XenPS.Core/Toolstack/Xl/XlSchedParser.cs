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

            Match m = s_row.Match(line);
            if (!m.Success)
            {
                throw new FormatException($"Unexpected line in 'xl sched-{scheduler}' output: '{line}'.");
            }

            list.Add(new XenSchedulerParameters(m.Groups["name"].Value, scheduler)
            {
                DomainId = int.Parse(m.Groups["id"].Value, CultureInfo.InvariantCulture),
                Weight = int.Parse(m.Groups["weight"].Value, CultureInfo.InvariantCulture),
                Cap = int.Parse(m.Groups["cap"].Value, CultureInfo.InvariantCulture),
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

using System.Globalization;
using System.Text.RegularExpressions;

namespace XenPS.Toolstack.Xl;

/// <summary>Parses <c>xl vcpu-list</c> (tools/xl/xl_vcpu.c): an offline vCPU shows CPU <c>-</c> and state <c>--p</c>.</summary>
internal static class XlVCpuListParser
{
    // Name ID VCPU CPU State Time(s) Affinity (Hard / Soft); read from the right, names are free text.
    private static readonly Regex s_row = new(
        @"^(?<name>.*\S)\s+(?<id>\d+)\s+(?<vcpu>\d+)\s+(?<cpu>\d+|-)\s+(?<state>[-rbp]{3})\s+(?<time>\d+(?:\.\d+)?)\s+(?<hard>[^\s/]+)\s*/\s*(?<soft>[^\s/]+)$",
        RegexOptions.CultureInvariant);

    public static IReadOnlyList<XenVCpu> Parse(string output)
    {
        var list = new List<XenVCpu>();
        foreach (string raw in XlListParser.SplitLines(output))
        {
            string line = raw.TrimEnd();
            if (line.Length == 0 || line.StartsWith("Name ", StringComparison.Ordinal))
            {
                continue;
            }

            Match m = s_row.Match(line);
            if (!m.Success)
            {
                throw new FormatException($"Unexpected line in 'xl vcpu-list' output: '{line}'.");
            }

            string cpu = m.Groups["cpu"].Value;
            string state = m.Groups["state"].Value;
            list.Add(new XenVCpu(m.Groups["name"].Value, int.Parse(m.Groups["vcpu"].Value, CultureInfo.InvariantCulture))
            {
                DomainId = int.Parse(m.Groups["id"].Value, CultureInfo.InvariantCulture),
                Cpu = cpu == "-" ? null : int.Parse(cpu, CultureInfo.InvariantCulture),
                XlState = state,
                // xl prints CPU '-' for a vCPU that is not online (xl_vcpu.c: print_vcpuinfo).
                Online = cpu != "-",
                CpuTime = TimeSpan.FromSeconds(double.Parse(m.Groups["time"].Value, CultureInfo.InvariantCulture)),
                HardAffinity = m.Groups["hard"].Value,
                SoftAffinity = m.Groups["soft"].Value,
            });
        }

        return list;
    }
}

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

            const string Command = "xl vcpu-list";
            Match m = s_row.Match(line);
            if (!m.Success)
            {
                throw new XlOutputFormatException(Command, line, "not a vCPU row");
            }

            string cpu = m.Groups["cpu"].Value;
            string state = m.Groups["state"].Value;
            list.Add(new XenVCpu(m.Groups["name"].Value, XlOutputNumbers.Int(m.Groups["vcpu"].Value, Command, line, "vCPU number"))
            {
                DomainId = XlOutputNumbers.Int(m.Groups["id"].Value, Command, line, "domain id"),
                Cpu = cpu == "-" ? null : XlOutputNumbers.Int(cpu, Command, line, "CPU number"),
                XlState = state,
                // xl prints CPU '-' for a vCPU that is not online (xl_vcpu.c: print_vcpuinfo).
                Online = cpu != "-",
                CpuTime = XlOutputNumbers.Seconds(m.Groups["time"].Value, Command, line, "CPU time"),
                HardAffinity = m.Groups["hard"].Value,
                SoftAffinity = m.Groups["soft"].Value,
            });
        }

        return list;
    }
}

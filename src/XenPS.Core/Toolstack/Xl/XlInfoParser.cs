using System.Globalization;
using System.Text.RegularExpressions;

namespace XenPS.Toolstack.Xl;

/// <summary>Parses <c>xl info</c>: <c>key : value</c> lines (tools/xl/xl_info.c).</summary>
internal static class XlInfoParser
{
    private static readonly Regex s_line = new(@"^(?<key>[a-z][a-z0-9_]*)\s*:(?<value>.*)$", RegexOptions.CultureInvariant);

    public static IReadOnlyDictionary<string, string> ParseFields(string output)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in XlListParser.SplitLines(output))
        {
            Match m = s_line.Match(line);
            if (m.Success && !fields.ContainsKey(m.Groups["key"].Value))
            {
                fields[m.Groups["key"].Value] = m.Groups["value"].Value.Trim();
            }
        }

        return fields;
    }

    public static XenHostInfo Parse(string output)
    {
        var fields = ParseFields(output);
        if (!fields.ContainsKey("xen_version") && !fields.ContainsKey("host"))
        {
            string first = XlListParser.SplitLines(output).FirstOrDefault(l => l.Trim().Length > 0) ?? string.Empty;
            throw new XlOutputFormatException("xl info", first, "no 'host' or 'xen_version' field");
        }

        return new XenHostInfo(Get(fields, "host"))
        {
            XenVersion = Get(fields, "xen_version"),
            TotalMemoryMB = GetLong(fields, "total_memory"),
            FreeMemoryMB = GetLong(fields, "free_memory"),
            CpuCount = (int)GetLong(fields, "nr_cpus"),
            Scheduler = Get(fields, "xen_scheduler"),
            Capabilities = Get(fields, "virt_caps").Split(' ', StringSplitOptions.RemoveEmptyEntries),
            KernelRelease = Get(fields, "release"),
            XenCommandLine = Get(fields, "xen_commandline"),
            Properties = fields,
        };
    }

    private static string Get(IReadOnlyDictionary<string, string> fields, string key) =>
        fields.TryGetValue(key, out string? value) ? value : string.Empty;

    private static long GetLong(IReadOnlyDictionary<string, string> fields, string key) =>
        fields.TryGetValue(key, out string? value) && long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out long n) ? n : 0;
}

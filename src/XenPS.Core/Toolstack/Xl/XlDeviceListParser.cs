using System.Globalization;

namespace XenPS.Toolstack.Xl;

/// <summary>One row of <c>xl block-list</c>: <c>Vdev BE handle state evt-ch ring-ref BE-path</c> (handle is the frontend domid).</summary>
internal sealed record XlBlockRow(int DeviceNumber, int BackendId, int FrontendId, int State, string BackendPath)
{
    public string Vdev => XlVdev.ToName(DeviceNumber);
}

/// <summary>One row of <c>xl network-list</c>: <c>Idx BE Mac Addr. handle state evt-ch tx-/rx-ring-ref BE-path</c>.</summary>
internal sealed record XlNetworkRow(int Index, int BackendId, string Mac, int Handle, int State, string BackendPath);

/// <summary>Parses <c>xl block-list</c> and <c>xl network-list</c> (tools/xl/xl_block.c, xl_nic.c).</summary>
internal static class XlDeviceListParser
{
    public static IReadOnlyList<XlBlockRow> ParseBlockList(string output)
    {
        var rows = new List<XlBlockRow>();
        foreach (string[] f in Rows(output, "Vdev", "block-list", 7))
        {
            rows.Add(new XlBlockRow(Int(f[0]), Int(f[1]), Int(f[2]), Int(f[3]), f[6]));
        }

        return rows;
    }

    public static IReadOnlyList<XlNetworkRow> ParseNetworkList(string output)
    {
        var rows = new List<XlNetworkRow>();
        foreach (string[] f in Rows(output, "Idx", "network-list", 8))
        {
            rows.Add(new XlNetworkRow(Int(f[0]), Int(f[1]), f[2].ToLowerInvariant(), Int(f[3]), Int(f[4]), f[7]));
        }

        return rows;
    }

    private static IEnumerable<string[]> Rows(string output, string headerStart, string command, int fieldCount)
    {
        foreach (string raw in XlListParser.SplitLines(output))
        {
            string line = raw.Trim();
            if (line.Length == 0 || line.StartsWith(headerStart + " ", StringComparison.Ordinal))
            {
                continue;
            }

            string[] fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length != fieldCount)
            {
                throw new FormatException($"Unexpected line in 'xl {command}' output: '{line}'.");
            }

            yield return fields;
        }
    }

    private static int Int(string s) => int.Parse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
}

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
        foreach ((string line, string[] f) in Rows(output, "Vdev", "block-list", 7))
        {
            int Int(int i, string what) => XlOutputNumbers.Int(f[i], "xl block-list", line, what, NumberStyles.AllowLeadingSign);
            rows.Add(new XlBlockRow(Int(0, "device number"), Int(1, "backend id"), Int(2, "frontend id"), Int(3, "state"), f[6]));
        }

        return rows;
    }

    public static IReadOnlyList<XlNetworkRow> ParseNetworkList(string output)
    {
        var rows = new List<XlNetworkRow>();
        foreach ((string line, string[] f) in Rows(output, "Idx", "network-list", 8))
        {
            int Int(int i, string what) => XlOutputNumbers.Int(f[i], "xl network-list", line, what, NumberStyles.AllowLeadingSign);
            rows.Add(new XlNetworkRow(Int(0, "index"), Int(1, "backend id"), f[2].ToLowerInvariant(), Int(3, "handle"), Int(4, "state"), f[7]));
        }

        return rows;
    }

    private static IEnumerable<(string Line, string[] Fields)> Rows(string output, string headerStart, string command, int fieldCount)
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
                throw new XlOutputFormatException("xl " + command, line, $"{fields.Length} fields, not {fieldCount}");
            }

            yield return (line, fields);
        }
    }

}

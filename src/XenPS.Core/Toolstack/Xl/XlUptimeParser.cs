using System.Globalization;

namespace XenPS.Toolstack.Xl;

/// <summary>
/// Parses <c>xl uptime</c> (tools/xl/xl_info.c, uptime_to_string): rows <c>"%-33s %4d %s"</c> where the
/// uptime is <c>"%2d:%02d:%02d"</c>, <c>"1 day, %2d:%02d:%02d"</c> or <c>"N days, %2d:%02d:%02d"</c>.
/// </summary>
/// <remarks>
/// Part of every listing, so a row is read from the right without a regex, as <see cref="XlListParser"/> reads
/// its rows; it reads what <c>^(?&lt;name&gt;.*\S)\s+(?&lt;id&gt;\d+)\s+(?:(?&lt;days&gt;\d+) days?,\s+)?(?&lt;h&gt;\d+):(?&lt;m&gt;\d{2}):(?&lt;s&gt;\d{2})$</c> reads.
/// </remarks>
internal static class XlUptimeParser
{
    public static IReadOnlyList<XenDomainUptime> Parse(string output)
    {
        var list = new List<XenDomainUptime>();
        ReadOnlySpan<char> rest = output;
        while (!rest.IsEmpty)
        {
            int end = rest.IndexOf('\n');
            ReadOnlySpan<char> line = (end < 0 ? rest : rest[..end]).TrimEnd();
            rest = end < 0 ? ReadOnlySpan<char>.Empty : rest[(end + 1)..];
            if (line.Length == 0 || (line.StartsWith("Name ", StringComparison.Ordinal) && line.EndsWith("Uptime", StringComparison.Ordinal)))
            {
                continue;
            }

            list.Add(ParseRow(line) ?? throw new FormatException($"Unexpected line in 'xl uptime' output: '{line}'."));
        }

        return list;
    }

    private static XenDomainUptime? ParseRow(ReadOnlySpan<char> line)
    {
        if (!XlListParser.TakeLast(ref line, out ReadOnlySpan<char> clock)
            || clock.Length < 7
            || clock[^3] != ':' || clock[^6] != ':'
            || !XlListParser.IsDigits(clock[^2..]) || !XlListParser.IsDigits(clock[^5..^3]) || !XlListParser.IsDigits(clock[..^6]))
        {
            return null;
        }

        // "N day(s)," before the clock, with exactly one space between the number and the word.
        int days = 0;
        int dayWord = line.EndsWith(" days,", StringComparison.Ordinal) ? 6 : line.EndsWith(" day,", StringComparison.Ordinal) ? 5 : 0;
        if (dayWord > 0 && line.Length > dayWord && !char.IsWhiteSpace(line[^(dayWord + 1)]))
        {
            line = line[..^dayWord];
            if (!XlListParser.TakeLast(ref line, out ReadOnlySpan<char> count) || !XlListParser.IsDigits(count))
            {
                return null;
            }

            days = int.Parse(count, NumberStyles.None, CultureInfo.InvariantCulture);
        }

        if (!XlListParser.TakeLast(ref line, out ReadOnlySpan<char> word))
        {
            return null;
        }

        if (!XlListParser.IsDigits(word) || line.IsEmpty)
        {
            return null;
        }

        var uptime = new TimeSpan(
            days,
            int.Parse(clock[..^6], NumberStyles.None, CultureInfo.InvariantCulture),
            int.Parse(clock[^5..^3], NumberStyles.None, CultureInfo.InvariantCulture),
            int.Parse(clock[^2..], NumberStyles.None, CultureInfo.InvariantCulture));
        return new XenDomainUptime(line.ToString(), int.Parse(word, NumberStyles.None, CultureInfo.InvariantCulture), uptime);
    }
}

using System.Globalization;
using System.Text.RegularExpressions;

namespace XenPS.Toolstack.Xl;

/// <summary>
/// Parses <c>xl dmesg</c>: the hypervisor's console ring, one message per line, each <c>(XEN) </c> (or a guest's
/// <c>(d1) </c>) then, with <c>console_timestamps</c>, a stamp in brackets: <c>[   13.061681]</c> seconds since boot,
/// or <c>[0000000025048731]</c> (a raw counter, printed before the clock is calibrated), or a date with
/// <c>console_timestamps=date|datems</c> (fixture 011; xen/drivers/char/console.c printk_start_of_line).
/// </summary>
internal static class XlDmesgParser
{
    private static readonly Regex s_line = new(
        @"^\((?<source>[^)\s]{1,32})\)(?: ?\[(?<stamp>[^\]]*)\])? ?(?<message>.*)$",
        RegexOptions.CultureInvariant);

    // Far beyond any uptime (30,000 years), far from TimeSpan's limit.
    private const long MaxSeconds = 1_000_000_000_000;

    private static readonly Regex s_seconds = new(@"^\s*(?<s>\d+)\.(?<f>\d{1,9})$", RegexOptions.CultureInvariant);

    public static IReadOnlyList<XenHostLogEntry> Parse(string output)
    {
        var list = new List<XenHostLogEntry>();
        string[] lines = XlListParser.SplitLines(output).ToArray();
        int count = lines.Length;

        // SplitLines keeps a last empty element after the final newline: not a line of the log.
        while (count > 0 && lines[count - 1].Length == 0)
        {
            count--;
        }

        for (int i = 0; i < count; i++)
        {
            string line = lines[i].TrimEnd('\r');
            Match m = s_line.Match(line);
            if (!m.Success)
            {
                list.Add(new XenHostLogEntry(i + 1, line));
                continue;
            }

            string? stamp = m.Groups["stamp"].Success ? m.Groups["stamp"].Value : null;
            list.Add(new XenHostLogEntry(i + 1, m.Groups["message"].Value)
            {
                Source = m.Groups["source"].Value,
                Timestamp = stamp?.Trim(),
                SinceBoot = stamp is null ? null : Seconds(stamp),
            });
        }

        return list;
    }

    private static TimeSpan? Seconds(string stamp)
    {
        Match m = s_seconds.Match(stamp);
        if (!m.Success)
        {
            return null;
        }

        // A stamp is free text in a log line: one XenPS cannot hold (beyond TimeSpan) is kept as text, without SinceBoot.
        if (!long.TryParse(m.Groups["s"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out long whole) || whole > MaxSeconds)
        {
            return null;
        }

        string fraction = m.Groups["f"].Value.PadRight(7, '0')[..7];
        return TimeSpan.FromSeconds(whole) + TimeSpan.FromTicks(long.Parse(fraction, NumberStyles.None, CultureInfo.InvariantCulture));
    }
}

namespace XenPS.Toolstack.Xl;

/// <summary>
/// Parses <c>xl uptime</c> (tools/xl/xl_info.c, uptime_to_string): rows <c>"%-33s %4d %s"</c> where the
/// uptime is <c>"%2d:%02d:%02d"</c>, <c>"1 day, %2d:%02d:%02d"</c> or <c>"N days, %2d:%02d:%02d"</c>.
/// </summary>
/// <remarks>
/// A row is read from the right, without a regex or line copies, as the pattern
/// <c>^(?&lt;name&gt;.*\S)\s+(?&lt;id&gt;\d+)\s+(?:(?&lt;days&gt;\d+) days?,\s+)?(?&lt;h&gt;\d+):(?&lt;m&gt;\d{2}):(?&lt;s&gt;\d{2})$</c>
/// reads it (the tests keep it as the specification): the last word is the time; before it either the domain id,
/// or "day,"/"days," with one space before it, the number of days and then the id; the rest is the name.
/// </remarks>
internal static class XlUptimeParser
{
    private const string Command = "xl uptime";

    /// <summary>
    /// Parses the rows. A line that is not understood fails the parse, or, given <paramref name="rejected"/>, is
    /// added there and costs only its own domain its uptime.
    /// </summary>
    public static IReadOnlyList<XenDomainUptime> Parse(string output, ICollection<XlOutputFormatException>? rejected = null)
    {
        var list = new List<XenDomainUptime>();
        ReadOnlySpan<char> rest = output;
        while (!rest.IsEmpty)
        {
            int end = rest.IndexOf('\n');
            ReadOnlySpan<char> line = (end < 0 ? rest : rest[..end]).TrimEnd();
            rest = end < 0 ? ReadOnlySpan<char>.Empty : rest[(end + 1)..];
            if (line.IsEmpty || (line.StartsWith("Name ", StringComparison.Ordinal) && line.EndsWith("Uptime", StringComparison.Ordinal)))
            {
                continue;
            }

            try
            {
                list.Add(ParseRow(line));
            }
            catch (XlOutputFormatException ex) when (rejected is not null)
            {
                rejected.Add(ex);
            }
        }

        return list;
    }

    private static XenDomainUptime ParseRow(ReadOnlySpan<char> line)
    {
        ReadOnlySpan<char> left = line;
        if (!XlRowWords.TakeLast(ref left, out ReadOnlySpan<char> time, out _)
            || !XlRowWords.TakeLast(ref left, out ReadOnlySpan<char> idWord, out ReadOnlySpan<char> separator))
        {
            throw new XlOutputFormatException(Command, line.ToString(), "not a domain row");
        }

        // h:mm:ss, the hours any number of digits.
        int colon = time.Length - 6;
        if (colon < 1 || time[colon] != ':' || time[colon + 3] != ':'
            || !XlRowWords.IsDigits(time[..colon]) || !XlRowWords.IsDigits(time.Slice(colon + 1, 2)) || !XlRowWords.IsDigits(time.Slice(colon + 4, 2)))
        {
            throw new XlOutputFormatException(Command, line.ToString(), "not a domain row");
        }

        ReadOnlySpan<char> daysWord = default;
        if (idWord is "day," or "days,")
        {
            // "N day(s)," : exactly one space between the number and the word, then the id before the number.
            if (separator is not " "
                || !XlRowWords.TakeLast(ref left, out daysWord, out _) || !XlRowWords.IsDigits(daysWord)
                || !XlRowWords.TakeLast(ref left, out idWord, out _))
            {
                throw new XlOutputFormatException(Command, line.ToString(), "not a domain row");
            }
        }

        if (!XlRowWords.IsDigits(idWord) || left.IsEmpty)
        {
            throw new XlOutputFormatException(Command, line.ToString(), "not a domain row");
        }

        long days = daysWord.IsEmpty ? 0 : XlOutputNumbers.Long(daysWord, Command, line, "number of days");
        long hours = XlOutputNumbers.Long(time[..colon], Command, line, "hours");
        long minutes = XlOutputNumbers.Long(time.Slice(colon + 1, 2), Command, line, "minutes");
        long seconds = XlOutputNumbers.Long(time.Slice(colon + 4, 2), Command, line, "seconds");
        if (days > 100_000_000 || hours > 100_000_000 || minutes > 59 || seconds > 59)
        {
            throw new XlOutputFormatException(Command, line.ToString(), "the uptime is out of range");
        }

        TimeSpan uptime = TimeSpan.FromSeconds((((days * 24) + hours) * 60 + minutes) * 60 + seconds);
        string name = left.ToString();
        return new XenDomainUptime(name, XlOutputNumbers.Int(idWord, Command, line, "domain id"), uptime);
    }
}

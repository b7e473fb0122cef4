using System.Globalization;

namespace XenPS.Toolstack.Xl;

/// <summary>
/// A parser of xl (or host script) output met a line it does not understand. Parsers throw only this (a
/// <see cref="FormatException"/>); <see cref="XlToolstack"/> turns it into <see cref="XenOutputNotUnderstoodException"/>
/// with the command as run and the host.
/// </summary>
internal sealed class XlOutputFormatException : FormatException
{
    public XlOutputFormatException(string command, string line, string reason)
        : base($"'{command}' printed output XenPS does not understand ({reason}): '{line}'")
    {
        Command = command;
        Line = line;
        Reason = reason;
    }

    /// <summary>The command as the parser knows it (e.g. <c>xl list -v</c>).</summary>
    public string Command { get; }

    /// <summary>The offending line, verbatim.</summary>
    public string Line { get; }

    /// <summary>What is wrong with it.</summary>
    public string Reason { get; }
}

/// <summary>Numbers in xl output: a value out of range is the line's fault, reported as <see cref="XlOutputFormatException"/>.</summary>
internal static class XlOutputNumbers
{
    // Far beyond any real CPU time or uptime (30,000 years), and far from TimeSpan's own limit.
    private const double MaxSeconds = 1e12;

    public static int Int(string text, string command, string line, string what, NumberStyles styles = NumberStyles.None) =>
        int.TryParse(text, styles, CultureInfo.InvariantCulture, out int n)
            ? n
            : throw new XlOutputFormatException(command, line, $"the {what} '{text}' is not a number XenPS can hold");

    public static long Long(string text, string command, string line, string what) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long n)
            ? n
            : throw new XlOutputFormatException(command, line, $"the {what} '{text}' is not a number XenPS can hold");

    public static TimeSpan Seconds(string text, string command, string line, string what) =>
        double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double s) && s is >= 0 and < MaxSeconds
            ? TimeSpan.FromSeconds(s)
            : throw new XlOutputFormatException(command, line, $"the {what} '{text}' is out of range");

    // The same over a word of a line, for readers that do not copy lines: the strings are made only for the error.

    public static int Int(ReadOnlySpan<char> text, string command, ReadOnlySpan<char> line, string what, NumberStyles styles = NumberStyles.None) =>
        int.TryParse(text, styles, CultureInfo.InvariantCulture, out int n)
            ? n
            : throw new XlOutputFormatException(command, line.ToString(), $"the {what} '{text}' is not a number XenPS can hold");

    public static long Long(ReadOnlySpan<char> text, string command, ReadOnlySpan<char> line, string what) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long n)
            ? n
            : throw new XlOutputFormatException(command, line.ToString(), $"the {what} '{text}' is not a number XenPS can hold");

    public static TimeSpan Seconds(ReadOnlySpan<char> text, string command, ReadOnlySpan<char> line, string what) =>
        double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double s) && s is >= 0 and < MaxSeconds
            ? TimeSpan.FromSeconds(s)
            : throw new XlOutputFormatException(command, line.ToString(), $"the {what} '{text}' is out of range");
}

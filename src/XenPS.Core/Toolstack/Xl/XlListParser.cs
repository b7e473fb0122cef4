using System.Globalization;

namespace XenPS.Toolstack.Xl;

/// <summary>One row of <c>xl list</c> or <c>xl list -v</c>.</summary>
internal sealed record XlListRow(
    string Name,
    int Id,
    long MemoryMB,
    int VCpus,
    string XlState,
    TimeSpan CpuTime,
    Guid? Uuid,
    int? ReasonCode,
    string? SecurityLabel)
{
    public XenDomainState State => XlStateFlags.ToState(XlState, ReasonCode);

    public string? ShutdownReason => XlStateFlags.ShutdownReason(XlState, ReasonCode);
}

/// <summary>xl's six domain state flags (<c>rbpscd</c>) as xl_info.c's list_domains prints them.</summary>
internal static class XlStateFlags
{
    // libxl_shutdown_reason, in enum order; xl prints the letters "-rscwS" in position 5
    // (poweroff is '-', so "---s--" is a domain that powered off).
    private static readonly string[] s_reasonNames = ["poweroff", "reboot", "suspend", "crash", "watchdog", "soft_reset"];
    private const string ReasonLetters = "-rscwS";

    public static XenDomainState ToState(string flags, int? reasonCode = null)
    {
        if (flags.Length != 6)
        {
            throw new FormatException($"xl state flags must be six characters: '{flags}'.");
        }

        if (flags[5] == 'd')
        {
            return XenDomainState.Dying;
        }

        if (flags[3] == 's')
        {
            return ShutdownReason(flags, reasonCode) == "crash" ? XenDomainState.Crashed : XenDomainState.Shutdown;
        }

        if (flags[2] == 'p')
        {
            return XenDomainState.Paused;
        }

        // 'r' (on a CPU), 'b' (blocked = idle) and "------" (between the two, or just created) all mean the guest is up.
        return XenDomainState.Running;
    }

    public static string? ShutdownReason(string flags, int? reasonCode = null)
    {
        if (flags.Length != 6 || flags[3] != 's')
        {
            return null;
        }

        if (reasonCode is int code)
        {
            return code >= 0 && code < s_reasonNames.Length ? s_reasonNames[code] : code.ToString(CultureInfo.InvariantCulture);
        }

        int index = ReasonLetters.IndexOf(flags[4]);
        return index >= 0 ? s_reasonNames[index] : null;
    }

    /// <summary>The flags xl would print for a state (used by tests and the simulator to stay in step).</summary>
    public static string ForState(XenDomainState state, bool onCpu = false, string? shutdownReason = null)
    {
        switch (state)
        {
            case XenDomainState.Running:
                return onCpu ? "r-----" : "-b----";
            case XenDomainState.Paused:
                return "--p---";
            case XenDomainState.Shutdown:
            case XenDomainState.Crashed:
                string reason = state == XenDomainState.Crashed ? "crash" : shutdownReason ?? "poweroff";
                int index = Array.IndexOf(s_reasonNames, reason);
                return "---s" + (index >= 0 ? ReasonLetters[index] : '?') + "-";
            case XenDomainState.Dying:
                return "-----d";
            default:
                return string.Empty;
        }
    }
}

/// <summary>Parses <c>xl list</c> and <c>xl list -v</c> (tools/xl/xl_info.c, list_domains).</summary>
/// <remarks>
/// Rows are <c>"%-40s %5d %5lu %5d     %c%c%c%c%c%c  %8.1f"</c> (+ <c>" uuid %8x|%8s %16s"</c> with -v). Names are
/// free text, so a row is read from the right: its fields are separated by whitespace and hold none, so the
/// whitespace-separated words from the end are the fields and the rest is the name. This is what the pattern
/// <c>^(?&lt;name&gt;.*\S)\s+(?&lt;id&gt;\d+)\s+(?&lt;mem&gt;\d+)\s+(?&lt;vcpus&gt;\d+)\s+(?&lt;state&gt;[-rbpscdwS?]{6})\s+(?&lt;time&gt;\d+(\.\d+)?)$</c>
/// (+ uuid, reason <c>-|hex</c>, label <c>\S+</c>) matches, read in one pass over the text without a regex, line
/// copies or a whole-text copy: the listing's cost stays at the floor of reading its bytes.
/// </remarks>
internal static class XlListParser
{
    public static IReadOnlyList<XlListRow> Parse(string output)
    {
        var rows = new List<XlListRow>();
        bool verbose = false;
        bool sawHeader = false;
        ReadOnlySpan<char> rest = output;
        while (!rest.IsEmpty)
        {
            int end = rest.IndexOf('\n');
            ReadOnlySpan<char> line = (end < 0 ? rest : rest[..end]).TrimEnd();
            rest = end < 0 ? ReadOnlySpan<char>.Empty : rest[(end + 1)..];
            if (line.Length == 0)
            {
                continue;
            }

            if (!sawHeader && line.StartsWith("Name", StringComparison.Ordinal) && line.Contains("State", StringComparison.Ordinal))
            {
                sawHeader = true;
                verbose = line.Contains("UUID", StringComparison.Ordinal);
                continue;
            }

            rows.Add(ParseRow(line, verbose) ?? throw new FormatException($"Unexpected line in 'xl list{(verbose ? " -v" : string.Empty)}' output: '{line}'."));
        }

        return rows;
    }

    private static XlListRow? ParseRow(ReadOnlySpan<char> line, bool verbose)
    {
        Guid? uuid = null;
        int? reason = null;
        string? label = null;
        if (verbose)
        {
            if (!TakeLast(ref line, out ReadOnlySpan<char> labelWord)
                || !TakeLast(ref line, out ReadOnlySpan<char> reasonWord)
                || !TakeLast(ref line, out ReadOnlySpan<char> uuidWord)
                || !Guid.TryParseExact(uuidWord, "D", out Guid parsedUuid))
            {
                return null;
            }

            if (reasonWord is not "-")
            {
                if (!IsHex(reasonWord) || !int.TryParse(reasonWord, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int code))
                {
                    return null;
                }

                reason = code;
            }

            uuid = parsedUuid;
            label = labelWord is "-" ? null : labelWord.ToString();
        }

        if (!TakeLast(ref line, out ReadOnlySpan<char> timeWord)
            || !TakeLast(ref line, out ReadOnlySpan<char> stateWord)
            || !TakeLast(ref line, out ReadOnlySpan<char> vcpusWord)
            || !TakeLast(ref line, out ReadOnlySpan<char> memWord)
            || !TakeLast(ref line, out ReadOnlySpan<char> idWord)
            || !IsSeconds(timeWord)
            || !IsStateFlags(stateWord)
            || !IsDigits(vcpusWord) || !IsDigits(memWord) || !IsDigits(idWord))
        {
            return null;
        }

        // What is left is the name (ending in a non-space, as the name group requires).
        if (line.IsEmpty)
        {
            return null;
        }

        return new XlListRow(
            line.ToString(),
            int.Parse(idWord, NumberStyles.None, CultureInfo.InvariantCulture),
            long.Parse(memWord, NumberStyles.None, CultureInfo.InvariantCulture),
            int.Parse(vcpusWord, NumberStyles.None, CultureInfo.InvariantCulture),
            StateText(stateWord),
            TimeSpan.FromSeconds(double.Parse(timeWord, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture)),
            uuid,
            reason,
            label);
    }

    // Takes the last whitespace-separated word off the (right-trimmed) line, with the whitespace before it.
    // False when no whitespace precedes the word: a field always has the name (at least) before it.
    internal static bool TakeLast(ref ReadOnlySpan<char> line, out ReadOnlySpan<char> word)
    {
        int space = line.Length - 1;
        while (space >= 0 && !char.IsWhiteSpace(line[space]))
        {
            space--;
        }

        if (space < 0)
        {
            word = default;
            return false;
        }

        word = line[(space + 1)..];
        line = line[..space].TrimEnd();
        return word.Length > 0;
    }

    internal static bool IsDigits(ReadOnlySpan<char> word) => !word.IsEmpty && !word.ContainsAnyExceptInRange('0', '9');

    private static bool IsHex(ReadOnlySpan<char> word)
    {
        foreach (char c in word)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return !word.IsEmpty;
    }

    private static bool IsSeconds(ReadOnlySpan<char> word)
    {
        int dot = word.IndexOf('.');
        return dot < 0 ? IsDigits(word) : IsDigits(word[..dot]) && IsDigits(word[(dot + 1)..]);
    }

    private static bool IsStateFlags(ReadOnlySpan<char> word)
    {
        if (word.Length != 6)
        {
            return false;
        }

        foreach (char c in word)
        {
            if (c is not ('-' or 'r' or 'b' or 'p' or 's' or 'c' or 'd' or 'w' or 'S' or '?'))
            {
                return false;
            }
        }

        return true;
    }

    // The states a listing is full of, without a string each.
    private static string StateText(ReadOnlySpan<char> flags) => flags switch
    {
        "-b----" => "-b----",
        "r-----" => "r-----",
        "--p---" => "--p---",
        "------" => "------",
        _ => flags.ToString(),
    };

    internal static IEnumerable<string> SplitLines(string text) => text.Replace("\r\n", "\n").Split('\n');
}

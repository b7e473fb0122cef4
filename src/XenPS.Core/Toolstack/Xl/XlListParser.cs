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
/// free text, so a row is read from the right: its fields hold no whitespace and are separated by it, so the
/// whitespace-separated words from the end are the fields and the rest is the name. That is exactly what the
/// pattern <c>^(?&lt;name&gt;.*\S)\s+(?&lt;id&gt;\d+)\s+(?&lt;mem&gt;\d+)\s+(?&lt;vcpus&gt;\d+)\s+(?&lt;state&gt;[-rbpscdwS?]{6})\s+(?&lt;time&gt;\d+(\.\d+)?)$</c>
/// (+ <c>\s+(?&lt;uuid&gt;8-4-4-4-12 hex)\s+(?&lt;reason&gt;-|[0-9a-fA-F]+)\s+(?&lt;label&gt;\S+)</c>) matches (the tests
/// keep it as the specification), read in one pass over the text without a regex, line copies or a whole-text
/// copy. A line the pattern refuses is "not a domain row"; a field it accepts that does not fit a number is
/// named, in that order: reason code, domain id, memory, vCPU count, CPU time.
/// </remarks>
internal static class XlListParser
{
    private static readonly System.Buffers.SearchValues<char> s_hexDigits = System.Buffers.SearchValues.Create("0123456789abcdefABCDEF");

    public static IReadOnlyList<XlListRow> Parse(string output)
    {
        var rows = new List<XlListRow>();
        bool verbose = false;
        bool sawHeader = false;
        ReadOnlySpan<char> rest = output;
        while (!rest.IsEmpty)
        {
            // A line ends at '\n'; its trailing whitespace (a '\r' of "\r\n" with it) is not part of it.
            int end = rest.IndexOf('\n');
            ReadOnlySpan<char> line = (end < 0 ? rest : rest[..end]).TrimEnd();
            rest = end < 0 ? ReadOnlySpan<char>.Empty : rest[(end + 1)..];
            if (line.IsEmpty)
            {
                continue;
            }

            if (!sawHeader && line.StartsWith("Name", StringComparison.Ordinal) && line.Contains("State", StringComparison.Ordinal))
            {
                sawHeader = true;
                verbose = line.Contains("UUID", StringComparison.Ordinal);
                continue;
            }

            rows.Add(ParseRow(line, verbose));
        }

        return rows;
    }

    private static XlListRow ParseRow(ReadOnlySpan<char> line, bool verbose)
    {
        string command = verbose ? "xl list -v" : "xl list";
        ReadOnlySpan<char> left = line;
        ReadOnlySpan<char> labelWord = default, reasonWord = default, uuidWord = default;
        if (verbose
            && !(XlRowWords.TakeLast(ref left, out labelWord)
                && XlRowWords.TakeLast(ref left, out reasonWord) && (reasonWord is "-" || IsHex(reasonWord))
                && XlRowWords.TakeLast(ref left, out uuidWord) && IsUuid(uuidWord)))
        {
            throw new XlOutputFormatException(command, line.ToString(), "not a domain row");
        }

        // What is left of the last five fields is the name: not empty, and ending in a non-space as TakeLast leaves it.
        if (!XlRowWords.TakeLast(ref left, out ReadOnlySpan<char> timeWord) || !IsSeconds(timeWord)
            || !XlRowWords.TakeLast(ref left, out ReadOnlySpan<char> stateWord) || !IsStateFlags(stateWord)
            || !XlRowWords.TakeLast(ref left, out ReadOnlySpan<char> vcpusWord) || !XlRowWords.IsDigits(vcpusWord)
            || !XlRowWords.TakeLast(ref left, out ReadOnlySpan<char> memWord) || !XlRowWords.IsDigits(memWord)
            || !XlRowWords.TakeLast(ref left, out ReadOnlySpan<char> idWord) || !XlRowWords.IsDigits(idWord)
            || left.IsEmpty)
        {
            throw new XlOutputFormatException(command, line.ToString(), "not a domain row");
        }

        Guid? uuid = null;
        int? reason = null;
        string? label = null;
        if (verbose)
        {
            uuid = Guid.ParseExact(uuidWord, "D");
            reason = reasonWord is "-" ? null : XlOutputNumbers.Int(reasonWord, command, line, "shutdown reason", NumberStyles.HexNumber);
            label = labelWord is "-" ? null : labelWord.ToString();
        }

        int id = XlOutputNumbers.Int(idWord, command, line, "domain id");
        long memory = XlOutputNumbers.Long(memWord, command, line, "memory");
        int vcpus = XlOutputNumbers.Int(vcpusWord, command, line, "vCPU count");
        TimeSpan cpuTime = XlOutputNumbers.Seconds(timeWord, command, line, "CPU time");
        return new XlListRow(left.ToString(), id, memory, vcpus, StateText(stateWord), cpuTime, uuid, reason, label);
    }

    private static bool IsHex(ReadOnlySpan<char> word) => !word.IsEmpty && !word.ContainsAnyExcept(s_hexDigits);

    // 8-4-4-4-12 hex digits, nothing else (Guid's own "D" parsing also takes "+" and "0x" inside the groups).
    private static bool IsUuid(ReadOnlySpan<char> word) =>
        word.Length == 36
        && word[8] == '-' && word[13] == '-' && word[18] == '-' && word[23] == '-'
        && IsHex(word[..8]) && IsHex(word[9..13]) && IsHex(word[14..18]) && IsHex(word[19..23]) && IsHex(word[24..]);

    private static bool IsSeconds(ReadOnlySpan<char> word)
    {
        int dot = word.IndexOf('.');
        return dot < 0 ? XlRowWords.IsDigits(word) : XlRowWords.IsDigits(word[..dot]) && XlRowWords.IsDigits(word[(dot + 1)..]);
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

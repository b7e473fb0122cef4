using System.Globalization;
using System.Text.RegularExpressions;

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
internal static class XlListParser
{
    // Rows are "%-40s %5d %5lu %5d     %c%c%c%c%c%c  %8.1f" (+ " uuid %8x|%8s %16s" with -v).
    // Names are free text, so a row is read from the right.
    private static readonly Regex s_row = new(
        @"^(?<name>.*\S)\s+(?<id>\d+)\s+(?<mem>\d+)\s+(?<vcpus>\d+)\s+(?<state>[-rbpscdwS?]{6})\s+(?<time>\d+(?:\.\d+)?)$",
        RegexOptions.CultureInvariant);

    private static readonly Regex s_verboseRow = new(
        @"^(?<name>.*\S)\s+(?<id>\d+)\s+(?<mem>\d+)\s+(?<vcpus>\d+)\s+(?<state>[-rbpscdwS?]{6})\s+(?<time>\d+(?:\.\d+)?)\s+(?<uuid>[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\s+(?<reason>-|[0-9a-fA-F]+)\s+(?<label>\S+)$",
        RegexOptions.CultureInvariant);

    public static IReadOnlyList<XlListRow> Parse(string output)
    {
        var rows = new List<XlListRow>();
        bool verbose = false;
        bool sawHeader = false;
        foreach (string raw in SplitLines(output))
        {
            string line = raw.TrimEnd();
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

            string command = verbose ? "xl list -v" : "xl list";
            Match m = (verbose ? s_verboseRow : s_row).Match(line);
            if (!m.Success)
            {
                throw new XlOutputFormatException(command, line, "not a domain row");
            }

            Guid? uuid = null;
            int? reason = null;
            string? label = null;
            if (verbose)
            {
                uuid = Guid.Parse(m.Groups["uuid"].Value);
                string r = m.Groups["reason"].Value;
                reason = r == "-" ? null : XlOutputNumbers.Int(r, command, line, "shutdown reason", NumberStyles.HexNumber);
                label = m.Groups["label"].Value == "-" ? null : m.Groups["label"].Value;
            }

            rows.Add(new XlListRow(
                m.Groups["name"].Value,
                XlOutputNumbers.Int(m.Groups["id"].Value, command, line, "domain id"),
                XlOutputNumbers.Long(m.Groups["mem"].Value, command, line, "memory"),
                XlOutputNumbers.Int(m.Groups["vcpus"].Value, command, line, "vCPU count"),
                m.Groups["state"].Value,
                XlOutputNumbers.Seconds(m.Groups["time"].Value, command, line, "CPU time"),
                uuid,
                reason,
                label));
        }

        return rows;
    }

    internal static IEnumerable<string> SplitLines(string text) => text.Replace("\r\n", "\n").Split('\n');
}

using System.Globalization;
using System.Text.RegularExpressions;
using XenPS.Toolstack.Xl;

namespace XenPS.Core.Tests.Xl;

/// <summary>
/// The listing and uptime parsers read a row from the right without a regex; these are the patterns of xl's row formats
/// it replaced (xl_info.c list_domains), kept here as the specification: every line is read exactly as they
/// read it, and a line they refuse is refused.
/// </summary>
public sealed class XlListRowReadingTests
{
    private const string PlainHeader = "Name                                        ID   Mem VCPUs\tState\tTime(s)\n";
    private const string VerboseHeader = "Name                                        ID   Mem VCPUs\tState\tTime(s)   UUID                            Reason-Code\tSecurity Label\n";

    private static readonly Regex s_row = new(
        @"^(?<name>.*\S)\s+(?<id>\d+)\s+(?<mem>\d+)\s+(?<vcpus>\d+)\s+(?<state>[-rbpscdwS?]{6})\s+(?<time>\d+(?:\.\d+)?)$",
        RegexOptions.CultureInvariant);

    private static readonly Regex s_verboseRow = new(
        @"^(?<name>.*\S)\s+(?<id>\d+)\s+(?<mem>\d+)\s+(?<vcpus>\d+)\s+(?<state>[-rbpscdwS?]{6})\s+(?<time>\d+(?:\.\d+)?)\s+(?<uuid>[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\s+(?<reason>-|[0-9a-fA-F]+)\s+(?<label>\S+)$",
        RegexOptions.CultureInvariant);

    public static TheoryData<string> PlainRows() => new()
    {
        "Domain-0                                     0  1024     2     r-----      23.9",
        "web 1   2                                   12   512     2     ---sc-       3.2",
        "12                                           3   128     1     -b----       0.0",
        "  leading spaces                             3   128     1     -b----       0.0",
        "name\twith\ttabs\t3\t128\t1\t-b----\t7",
        "x 1 2 3 --p--- 4.5",
        "x 1 2 3 --p--- 4.",
        "x 1 2 3 --p--- .5",
        "x 1 2 3 --p-- 4.5",
        "x 1 2 3 --p---- 4.5",
        "x 1 2 3 --x--- 4.5",
        "x 1 2 -3 --p--- 4.5",
        "x 1 2 3a --p--- 4.5",
        "1 2 3 --p--- 4.5",
        " 1 2 3 --p--- 4.5",
        "x 1 2 3 --p--- 4.5 extra",
        "x 1 2 3 ?-p-wS 4.5",
        "x 1 2 3 --p--- 4.5\r",
        "x\u00a01 2 3 --p--- 4.5",
        "this is not a row",
    };

    public static TheoryData<string> VerboseRows() => new()
    {
        "Domain-0                                     0  1024     2     r-----     105.7 00000000-0000-0000-0000-000000000000        -                -",
        "web 1   2                                   12   512     2     ---sc-       3.2 6f1c0f4e-0f7b-4b55-9d3c-2b0e4f5a6b7c        3                -",
        "x 1 2 3 ---s-- 0.0 00000000-0000-0000-0000-00000000000A 1f label",
        "x 1 2 3 ---s-- 0.0 00000000-0000-0000-0000-00000000000a g -",
        "x 1 2 3 ---s-- 0.0 00000000-0000-0000-0000-00000000000 1 -",
        "x 1 2 3 ---s-- 0.0 {00000000-0000-0000-0000-00000000000a} 1 -",
        "x 1 2 3 ---s-- 0.0 +0000000-0000-0000-0000-00000000000a 1 -",
        "x 1 2 3 ---s-- 0.0 00000000-0x00-0000-0000-00000000000a 1 -",
        "x 1 2 3 ---s-- 0.0 00000000-0000-0000-0000-00000000000a -1 -",
        "x\t1\t2\t3\t---s--\t0.0\t00000000-0000-0000-0000-00000000000a\t1\tlabel",
        "x 1 2 3 ---s-- 0.0 000000000000000000000000000000000000 1 -",
        "x 1 2 3 ---s-- 0.0 00000000-0000-0000-0000-00000000000a 1",
        "x 1 2 3 ---s-- 0.0 00000000-0000-0000-0000-00000000000a -",
        "1 2 3 ---s-- 0.0 00000000-0000-0000-0000-00000000000a - -",
        "x 1 2 3 ---s-- 0.0 00000000-0000-0000-0000-00000000000a - - more",
    };

    [Theory]
    [MemberData(nameof(PlainRows))]
    public void A_plain_row_is_read_as_xls_row_format_reads_it(string line) => AssertReadAsPattern(PlainHeader, line, s_row);

    [Theory]
    [MemberData(nameof(VerboseRows))]
    public void A_verbose_row_is_read_as_xls_row_format_reads_it(string line) => AssertReadAsPattern(VerboseHeader, line, s_verboseRow);

    private static void AssertReadAsPattern(string header, string line, Regex pattern)
    {
        Match m = pattern.Match(line.TrimEnd());
        if (!m.Success)
        {
            Assert.ThrowsAny<FormatException>(() => XlListParser.Parse(header + line + "\n"));
            return;
        }

        XlListRow row = Assert.Single(XlListParser.Parse(header + line + "\n"));
        Assert.Equal(m.Groups["name"].Value, row.Name);
        Assert.Equal(int.Parse(m.Groups["id"].Value, CultureInfo.InvariantCulture), row.Id);
        Assert.Equal(long.Parse(m.Groups["mem"].Value, CultureInfo.InvariantCulture), row.MemoryMB);
        Assert.Equal(int.Parse(m.Groups["vcpus"].Value, CultureInfo.InvariantCulture), row.VCpus);
        Assert.Equal(m.Groups["state"].Value, row.XlState);
        Assert.Equal(TimeSpan.FromSeconds(double.Parse(m.Groups["time"].Value, CultureInfo.InvariantCulture)), row.CpuTime);
        if (m.Groups["uuid"].Success)
        {
            Assert.Equal(Guid.Parse(m.Groups["uuid"].Value), row.Uuid);
            string reason = m.Groups["reason"].Value;
            Assert.Equal(reason == "-" ? null : int.Parse(reason, NumberStyles.HexNumber, CultureInfo.InvariantCulture), row.ReasonCode);
            Assert.Equal(m.Groups["label"].Value == "-" ? null : m.Groups["label"].Value, row.SecurityLabel);
        }
        else
        {
            Assert.Null(row.Uuid);
        }
    }

    private static readonly Regex s_uptimeRow = new(
        @"^(?<name>.*\S)\s+(?<id>\d+)\s+(?:(?<days>\d+) days?,\s+)?(?<h>\d+):(?<m>\d{2}):(?<s>\d{2})$",
        RegexOptions.CultureInvariant);

    public static TheoryData<string> UptimeRows() => new()
    {
        "Domain-0                             0  0:00:28",
        "testvm                               1 12:34:56",
        "web 1                               12 1 day,  3:04:05",
        "web 1                               12 17 days, 23:59:59",
        "days,                                7  1:00:00",
        "x 3  days, 1:00:00",
        "x 3 days,1:00:00",
        "x 3 foo days, 1:00:00",
        "x 3\tdays, 1:00:00",
        "x 3 day, 100:00:00",
        "x 3 1:0:00",
        "x 3 1:00:0a",
        "x 1:00:00",
        "3 1:00:00",
        "x y 1:00:00",
        "x 3 1:00:00 more",
    };

    [Theory]
    [MemberData(nameof(UptimeRows))]
    public void An_uptime_row_is_read_as_xls_uptime_format_reads_it(string line)
    {
        const string Header = "Name                                ID Uptime\n";
        Match m = s_uptimeRow.Match(line.TrimEnd());
        if (!m.Success)
        {
            Assert.ThrowsAny<FormatException>(() => XlUptimeParser.Parse(Header + line + "\n"));
            return;
        }

        XenDomainUptime row = Assert.Single(XlUptimeParser.Parse(Header + line + "\n"));
        int days = m.Groups["days"].Success ? int.Parse(m.Groups["days"].Value, CultureInfo.InvariantCulture) : 0;
        Assert.Equal(m.Groups["name"].Value, row.DomainName);
        Assert.Equal(int.Parse(m.Groups["id"].Value, CultureInfo.InvariantCulture), row.DomainId);
        Assert.Equal(new TimeSpan(days, int.Parse(m.Groups["h"].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups["m"].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups["s"].Value, CultureInfo.InvariantCulture)), row.Uptime);
    }

    [Theory]
    [InlineData("Name                                        ID   Mem VCPUs\tState\tTime(s)\nx \u0663 2 3 --p--- 4.5\n", "domain id")]
    [InlineData("Name                                        ID   Mem VCPUs\tState\tTime(s)\nx 1 \u0663 3 --p--- 4.5\n", "memory")]
    [InlineData("Name                                        ID   Mem VCPUs\tState\tTime(s)\nx 1 2 3 --p--- \u0663.5\n", "CPU time")]
    [InlineData("Name                                ID Uptime\nx \u0663 1:00:00\n", "domain id")]
    [InlineData("Name                                ID Uptime\nx 3 \u0661:00:00\n", "hours")]
    [InlineData("Name                                ID Uptime\nx 3 \u0661 day, 1:00:00\n", "number of days")]
    public void Digits_that_are_not_ascii_are_a_number_that_does_not_fit(string output, string what)
    {
        // \d of the row patterns takes any decimal digit; such a field is named, as the patterns' reading named it.
        var ex = Assert.Throws<XlOutputFormatException>(() => output.Contains("Uptime", StringComparison.Ordinal) ? (object)XlUptimeParser.Parse(output) : XlListParser.Parse(output));
        Assert.Contains($"the {what} '", ex.Reason, StringComparison.Ordinal);
        Assert.Equal(output.Split('\n')[1], ex.Line);
    }

    [Fact]
    public void Windows_line_ends_and_a_missing_final_newline_read_the_same()
    {
        string text = XlFixture.Out("290");
        IReadOnlyList<XlListRow> unix = XlListParser.Parse(text);
        Assert.Equal(6, unix.Count);
        Assert.Equal(unix, XlListParser.Parse(text.Replace("\n", "\r\n", StringComparison.Ordinal)));
        Assert.Equal(unix, XlListParser.Parse(text.TrimEnd('\n')));
    }

    [Fact]
    public void A_long_listing_without_config_text_has_the_same_facts()
    {
        string text = "\n  " + XlFixture.Out("291") + "\n\n";
        IReadOnlyList<XlDomainDetails> full = XlLongListParser.Parse(text, "h");
        IReadOnlyList<XlDomainDetails> lean = XlLongListParser.Parse(text, "h", withConfigJson: false);
        Assert.Equal(6, full.Count);
        Assert.All(full, d => Assert.StartsWith("{", d.ConfigJson, StringComparison.Ordinal));
        Assert.All(lean, d => Assert.Null(d.ConfigJson));
        Assert.Equal(full.Select(d => (d.DomainId, d.Name, d.Uuid, d.MaxMemoryKiB, d.MaxVCpus, d.Disks.Count, d.Nics.Count)), lean.Select(d => (d.DomainId, d.Name, d.Uuid, d.MaxMemoryKiB, d.MaxVCpus, d.Disks.Count, d.Nics.Count)));
        Assert.Empty(XlLongListParser.Parse(" \n\t\n", "h"));
    }
}

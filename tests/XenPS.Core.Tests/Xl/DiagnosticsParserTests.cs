using XenPS.Toolstack.Xl;

namespace XenPS.Core.Tests.Xl;

/// <summary>The parsers behind Get-XenDomainStatistic, Get-XenHostLog and Get-XenStoreItem, on real Xen 4.17.7 outputs.</summary>
public sealed class DiagnosticsParserTests
{
    [Fact]
    public void Xentop_batch_output_is_read_iteration_by_iteration_from_the_right()
    {
        // Fixture 295: xentop -b -i 2 -d 1, six domains, the first iteration all 0.0 CPU%.
        IReadOnlyList<XenDomainStatistic> rows = XentopParser.ParseAll(XlFixture.Out("295"));

        Assert.Equal(12, rows.Count);
        Assert.Equal(Enumerable.Repeat(1, 6).Concat(Enumerable.Repeat(2, 6)), rows.Select(r => r.Sample));
        Assert.All(rows.Take(6), r => Assert.Equal(0.0, r.CpuPercent));
        XenDomainStatistic many3 = rows.Single(r => r.Sample == 2 && r.DomainName == "many3");
        Assert.Equal(51.5, many3.CpuPercent);
        Assert.Equal("--b---", many3.XlState);
        XenDomainStatistic dom0 = rows.Single(r => r.Sample == 2 && r.DomainName == "Domain-0");
        Assert.Equal(TimeSpan.FromSeconds(109), dom0.CpuTime);
        Assert.Equal(1024, dom0.MemoryMB);
        Assert.Equal(50.0, dom0.MemoryPercent);
        Assert.Equal(1024, dom0.MaxMemoryMB);
        Assert.Equal(2, dom0.VCpu);
        XenDomainStatistic testvm = rows.Single(r => r.Sample == 2 && r.DomainName == "testvm");
        Assert.Equal("----p-", testvm.XlState);
        Assert.Equal(6, testvm.Nets);
        Assert.Equal(1, testvm.NetTxKB);
        Assert.Equal(1, testvm.Vbds);
        Assert.Equal(3, testvm.BlockReads);
        Assert.Equal(24, testvm.BlockReadSectors);
        Assert.Equal(129, testvm.MaxMemoryMB);
    }

    [Fact]
    public void Xentop_with_full_names_from_the_harness()
    {
        // Fixture 320: xentop -b -f -i 3 -d 1 as Get-XenDomainStatistic runs it (a busy guest at ~95 %).
        IReadOnlyList<XenDomainStatistic> rows = XentopParser.ParseAll(XlFixture.Out("320"));

        Assert.Equal(6, rows.Count);
        Assert.Equal([1, 1, 2, 2, 3, 3], rows.Select(r => r.Sample));
        Assert.Equal(["diagvm", "Domain-0"], rows.Take(2).Select(r => r.DomainName));
        Assert.Equal([94.1, 95.4], rows.Where(r => r.DomainName == "diagvm" && r.Sample > 1).Select(r => r.CpuPercent));
        Assert.Equal(TimeSpan.FromSeconds(10), rows[4].CpuTime);
    }

    [Fact]
    public void Xentop_rows_with_full_names_spaces_and_no_memory_limit()
    {
        var parser = new XentopParser();
        Assert.Null(parser.Push("      NAME  STATE   CPU(sec) CPU(%)     MEM(k) MEM(%)  MAXMEM(k) MAXMEM(%) VCPUS NETS NETTX(k) NETRX(k) VBDS   VBD_OO   VBD_RD   VBD_WR  VBD_RSECT  VBD_WSECT SSID"));
        XenDomainStatistic? row = parser.Push("a-very-long-guest-name with space --b---          5    0.5     131072    6.3   no limit       n/a     1    0        0        0    0        0        0        0          0          0    0");

        Assert.NotNull(row);
        Assert.Equal("a-very-long-guest-name with space", row!.DomainName);
        Assert.Null(row.MaxMemoryMB);
        Assert.Equal(1, row.Sample);
        XlOutputFormatException odd = Assert.Throws<XlOutputFormatException>(() => parser.Push("xentop: failed to open xenstat"));
        Assert.Equal("xentop -b", odd.Command);
        Assert.Equal("xentop: failed to open xenstat", odd.Line);

        // A number beyond what XenPS holds is the line's fault, not an OverflowException (issue 13, case 8).
        string huge = "web1 --b---          5    0.5     131072    6.3   no limit       n/a     99999999999    0        0        0    0        0        0        0          0          0    0";
        XlOutputFormatException tooBig = Assert.Throws<XlOutputFormatException>(() => parser.Push(huge));
        Assert.Contains("99999999999", tooBig.Message);
    }

    [Fact]
    public void Dmesg_stamps_beyond_what_a_TimeSpan_holds_keep_their_text_without_SinceBoot()
    {
        IReadOnlyList<XenHostLogEntry> log = XlDmesgParser.Parse("(XEN) [99999999999999999999.000001] odd\n(XEN) [   13.061681] fine\n");
        Assert.Equal("99999999999999999999.000001", log[0].Timestamp);
        Assert.Null(log[0].SinceBoot);
        Assert.Equal("odd", log[0].Message);
        Assert.Equal(TimeSpan.FromTicks(130616810), log[1].SinceBoot);
    }

    [Fact]
    public void Dmesg_lines_keep_source_stamp_and_message_and_read_seconds_since_boot()
    {
        // Fixture 011: console_timestamps=boot; raw counters before the clock is set, then seconds.
        IReadOnlyList<XenHostLogEntry> log = XlDmesgParser.Parse(XlFixture.Out("011"));

        Assert.Equal(159, log.Count);
        Assert.Equal(Enumerable.Range(1, 159), log.Select(e => e.Line));
        Assert.All(log, e => Assert.Equal("XEN", e.Source));
        XenHostLogEntry first = log[0];
        Assert.StartsWith("Xen version 4.17.7 (Debian", first.Message, StringComparison.Ordinal);
        Assert.Equal("0000000025048731", first.Timestamp);
        Assert.Null(first.SinceBoot);
        XenHostLogEntry pci = log.First(e => e.Message == "PCI add device 0000:00:01.0");
        Assert.Equal("13.061681", pci.Timestamp);
        Assert.Equal(TimeSpan.FromSeconds(13) + TimeSpan.FromTicks(616810), pci.SinceBoot);
    }

    [Fact]
    public void Dmesg_lines_without_the_prefix_or_the_stamp_are_kept_whole()
    {
        IReadOnlyList<XenHostLogEntry> log = XlDmesgParser.Parse("(XEN) no stamp here\n(d3) guest says hi\ncontinuation line\n");

        Assert.Equal(3, log.Count);
        Assert.Equal(("XEN", "no stamp here"), (log[0].Source, log[0].Message));
        Assert.Null(log[0].Timestamp);
        Assert.Equal("d3", log[1].Source);
        Assert.Null(log[2].Source);
        Assert.Equal("continuation line", log[2].Message);
    }

    [Fact]
    public void XenStoreLs_full_paths_values_and_escapes()
    {
        // Fixture 095: xenstore-ls -f /local/domain/3.
        XenStoreLsParser.Result r = XenStoreLsParser.Parse(XlFixture.Out("095"));

        Assert.Empty(r.Truncated);
        Assert.Contains(("/local/domain/3/name", "testvm"), r.Nodes);
        Assert.Contains(("/local/domain/3/memory", string.Empty), r.Nodes);
        Assert.Contains(("/local/domain/3/vm", "/vm/67216787-4685-4d0c-ae4e-bfc3f38ffb6d"), r.Nodes);
        Assert.All(r.Nodes, n => Assert.StartsWith("/local/domain/3/", n.Path, StringComparison.Ordinal));
    }

    [Fact]
    public void XenStoreLs_without_a_terminal_prints_long_values_whole()
    {
        // Fixture 323: a 200-character value written and listed over ssh (no terminal: no cut).
        XenStoreLsParser.Result r = XenStoreLsParser.Parse(XlFixture.Out("323"));

        Assert.Empty(r.Truncated);
        Assert.Equal(new string('0', 199) + "7", r.Nodes.Single(n => n.Path == "/local/domain/1/data/long").Value);
    }

    [Fact]
    public void XenStoreLs_cut_values_are_reported_and_escaped_backslashes_are_not_a_cut()
    {
        const string output = "/a/long = \"0000000000000000000000000000000000000000000000000000000000000000000000\\...\"\n" +
                              "/a/back = \"ends with a backslash\\\\...\"\n" +
                              "/a/octal = \"tab\\011here\"\n";
        XenStoreLsParser.Result r = XenStoreLsParser.Parse(output);

        Assert.Equal(["/a/long"], r.Truncated);
        Assert.Equal("ends with a backslash\\...", r.Nodes.Single(n => n.Path == "/a/back").Value);
        Assert.Equal("tab\there", r.Nodes.Single(n => n.Path == "/a/octal").Value);
        Assert.Throws<XlOutputFormatException>(() => XenStoreLsParser.Parse("xenstore-ls: something else\n"));
    }
}

using XenPS.Toolstack.Xl;

namespace XenPS.Core.Tests.Xl;

public sealed class XlListParserTests
{
    [Fact]
    public void Domain0_only_list_has_tabs_in_the_header_and_one_running_row()
    {
        var fx = XlFixture.Load("003");
        Assert.Contains("VCPUs\tState\tTime(s)", fx.Stdout);
        var row = Assert.Single(XlListParser.Parse(fx.Stdout));
        Assert.Equal("Domain-0", row.Name);
        Assert.Equal(0, row.Id);
        Assert.Equal(1024, row.MemoryMB);
        Assert.Equal(2, row.VCpus);
        Assert.Equal("r-----", row.XlState);
        Assert.Equal(XenDomainState.Running, row.State);
        Assert.Equal(TimeSpan.FromSeconds(22.7), row.CpuTime);
        Assert.Null(row.Uuid);
    }

    [Fact]
    public void Verbose_list_with_six_domains_gives_uuids_states_and_the_null_uuid_of_domain0()
    {
        var rows = XlListParser.Parse(XlFixture.Out("290"));
        Assert.Equal(["Domain-0", "testvm", "pvhvm", "many1", "many2", "many3"], rows.Select(r => r.Name));
        Assert.Equal([0, 3, 5, 6, 7, 8], rows.Select(r => r.Id));
        Assert.Equal(Guid.Empty, rows[0].Uuid);
        Assert.Equal(Guid.Parse("12b168d6-6845-4def-940e-d3a9404bfc52"), rows[1].Uuid);
        Assert.Equal(XenDomainState.Paused, rows[1].State);
        Assert.Equal("--p---", rows[1].XlState);
        Assert.Equal(XenDomainState.Running, rows[2].State); // -b---- : blocked = idle = running
        Assert.Equal(XenDomainState.Running, rows[5].State); // r-----
        Assert.All(rows, r => Assert.Null(r.ReasonCode));
        Assert.All(rows, r => Assert.Null(r.ShutdownReason));
        Assert.Equal(TimeSpan.FromSeconds(105.7), rows[0].CpuTime);
    }

    [Fact]
    public void Plain_and_verbose_listings_of_the_same_host_agree()
    {
        var plain = XlListParser.Parse(XlFixture.Out("289"));
        var verbose = XlListParser.Parse(XlFixture.Out("290"));
        Assert.Equal(plain.Select(r => (r.Name, r.Id, r.MemoryMB, r.VCpus, r.XlState)), verbose.Select(r => (r.Name, r.Id, r.MemoryMB, r.VCpus, r.XlState)));
    }

    [Fact]
    public void A_domain_with_zero_memory_and_vcpus_after_a_failed_restart_parses()
    {
        var rows = XlListParser.Parse(XlFixture.Out("207"));
        var full = rows.Single(r => r.Name == "fullvm2");
        Assert.Equal(0, full.MemoryMB);
        Assert.Equal(0, full.VCpus);
        Assert.Equal(XenDomainState.Paused, full.State);
    }

    [Theory]
    [InlineData("r-----", null, XenDomainState.Running, null)]
    [InlineData("-b----", null, XenDomainState.Running, null)]
    [InlineData("------", null, XenDomainState.Running, null)]
    [InlineData("--p---", null, XenDomainState.Paused, null)]
    [InlineData("---s--", null, XenDomainState.Shutdown, "poweroff")]
    [InlineData("---sr-", null, XenDomainState.Shutdown, "reboot")]
    [InlineData("---ss-", null, XenDomainState.Shutdown, "suspend")]
    [InlineData("---sc-", null, XenDomainState.Crashed, "crash")]
    [InlineData("---sw-", null, XenDomainState.Shutdown, "watchdog")]
    [InlineData("---sS-", null, XenDomainState.Shutdown, "soft_reset")]
    [InlineData("---s--", 3, XenDomainState.Crashed, "crash")]
    [InlineData("--ps--", 0, XenDomainState.Shutdown, "poweroff")]
    [InlineData("-----d", null, XenDomainState.Dying, null)]
    [InlineData("---scd", null, XenDomainState.Dying, "crash")]
    public void State_letters_and_shutdown_reasons_map_to_states(string flags, int? reasonCode, XenDomainState state, string? reason)
    {
        Assert.Equal(state, XlStateFlags.ToState(flags, reasonCode));
        Assert.Equal(reason, XlStateFlags.ShutdownReason(flags, reasonCode));
    }

    [Fact]
    public void Rows_in_xl_format_with_shutdown_states_and_names_with_spaces_parse_from_the_right()
    {
        // Built with xl's own format strings (xl_info.c list_domains): "%-40s %5d %5lu %5d     %c%c%c%c%c%c  %8.1f"
        // + " uuid" + " %8x" + " %16s". No fixture has a shut-down domain, so these rows are synthesised.
        string header = "Name                                        ID   Mem VCPUs\tState\tTime(s)   UUID                            Reason-Code\tSecurity Label\n";
        string row1 = $"{"web 1   2",-40} {12,5} {512,5} {2,5}     ---sc-  {3.25,8:F1} 6f1c0f4e-0f7b-4b55-9d3c-2b0e4f5a6b7c {3,8:x} {"-",16}\n";
        string row2 = $"{"x",-40} {4,5} {64,5} {1,5}     ---s--  {0.0,8:F1} 00000000-0000-0000-0000-00000000000a {0,8:x} {"-",16}\n";
        var rows = XlListParser.Parse(header + row1 + row2);
        Assert.Equal("web 1   2", rows[0].Name);
        Assert.Equal(12, rows[0].Id);
        Assert.Equal(XenDomainState.Crashed, rows[0].State);
        Assert.Equal("crash", rows[0].ShutdownReason);
        Assert.Equal(3, rows[0].ReasonCode);
        Assert.Equal(XenDomainState.Shutdown, rows[1].State);
        Assert.Equal("poweroff", rows[1].ShutdownReason);
    }

    [Fact]
    public void Header_only_listing_is_empty_and_garbage_is_refused()
    {
        Assert.Empty(XlListParser.Parse("Name                                        ID   Mem VCPUs\tState\tTime(s)\n"));
        var ex = Assert.Throws<XlOutputFormatException>(() => XlListParser.Parse("Name  ID   Mem VCPUs\tState\tTime(s)\nthis is not a row\n"));
        Assert.Equal(("xl list", "this is not a row"), (ex.Command, ex.Line));
    }
}

public sealed class XlLongListParserTests
{
    [Fact]
    public void Six_domains_parse_with_type_memory_in_kib_vcpus_and_devices()
    {
        var all = XlLongListParser.Parse(XlFixture.Out("291"), "h");
        Assert.Equal(6, all.Count);
        var dom0 = all[0];
        Assert.Equal(0, dom0.DomainId);
        Assert.Equal("Domain-0", dom0.Name);
        Assert.Equal(1048576, dom0.MaxMemoryKiB);
        Assert.Null(dom0.MaxVCpus);
        Assert.Null(dom0.Uuid);

        var testvm = all[1];
        Assert.Equal(3, testvm.DomainId);
        Assert.Equal(XenDomainType.Pv, testvm.Type);
        Assert.Equal(262144, testvm.MaxMemoryKiB);
        Assert.Equal(131072, testvm.TargetMemoryKiB);
        Assert.Equal(1, testvm.MaxVCpus);
        Assert.Equal(1, testvm.AvailableVCpus);
        Assert.Equal("/srv/vmlinuz", testvm.Kernel);
        Assert.Equal(("credit2", 512, 0), (testvm.Scheduler, testvm.Weight, testvm.Cap));
        var disk = Assert.Single(testvm.Disks);
        Assert.Equal(new XlConfigDisk("xvdb", "/tmp/d1.img", "raw", true, false), disk);
        Assert.Equal(6, testvm.Nics.Count);
        Assert.Equal(new XlConfigNic(3, "00:16:3e:00:00:aa", "xenbr0", null, null), testvm.Nics[3]);

        Assert.Equal(XenDomainType.Pvh, all[2].Type);
        Assert.Equal(Guid.Parse("c6cb4329-2af4-44dc-bb97-5508dc25cc21"), all[2].Uuid);
    }

    [Fact]
    public void Two_vcpu_domain_counts_its_available_vcpus_from_the_bitmap()
    {
        var full = XlLongListParser.Parse(XlFixture.Out("191"), "h").Single(d => d.Name == "fullvm");
        Assert.Equal(2, full.MaxVCpus);
        Assert.Equal(2, full.AvailableVCpus);
        Assert.Equal("/tmp/full-xvda.img", Assert.Single(full.Disks).Target);
    }

    [Fact]
    public void Sxp_output_is_refused_with_a_message_that_names_xl_conf()
    {
        string sxp = "(domain\n\t(domid 0)\n\t(create_info)\n\t(name Domain-0)\n)\n";
        var ex = Assert.Throws<XenOperationException>(() => XlLongListParser.Parse(sxp, "dom0-a"));
        Assert.Equal("XlOutputFormatNotJson", ex.ErrorId);
        Assert.Contains("output_format", ex.Message);
        Assert.Contains("dom0-a", ex.Message);
    }

    [Fact]
    public void Empty_output_is_an_empty_list() => Assert.Empty(XlLongListParser.Parse("\n", "h"));
}

public sealed class XlInfoParserTests
{
    [Theory]
    [InlineData("002", 3071, 2014, "pv hvm gnttab-v1 gnttab-v2")]
    [InlineData("294", 2047, 0, null)]
    public void Xl_info_gives_version_memory_cpus_and_scheduler(string fixture, long total, long free, string? caps)
    {
        var info = XlInfoParser.Parse(XlFixture.Out(fixture));
        Assert.Equal("dom0", info.Name);
        Assert.Equal("4.17.7", info.XenVersion);
        Assert.Equal(total, info.TotalMemoryMB);
        if (free > 0)
        {
            Assert.Equal(free, info.FreeMemoryMB);
        }

        Assert.Equal(2, info.CpuCount);
        Assert.Equal("credit2", info.Scheduler);
        if (caps is not null)
        {
            Assert.Equal(caps.Split(' '), info.Capabilities);
        }

        Assert.Equal("6.1.0-56-amd64", info.KernelRelease);
        Assert.StartsWith("console=com1", info.XenCommandLine);
        Assert.Equal(string.Empty, info.Properties["xen_changeset"]);
        Assert.Equal("4", info.Properties["xend_config_format"]);
    }
}

public sealed class XlVCpuListParserTests
{
    [Fact]
    public void Offline_vcpus_have_no_cpu_and_state_p()
    {
        var vcpus = XlVCpuListParser.Parse(XlFixture.Out("200"));
        Assert.Equal(2, vcpus.Count);
        Assert.All(vcpus, v =>
        {
            Assert.Equal("fullvm", v.DomainName);
            Assert.Equal(4, v.DomainId);
            Assert.Null(v.Cpu);
            Assert.False(v.Online);
            Assert.Equal("--p", v.XlState);
            Assert.Equal("all", v.HardAffinity);
            Assert.Equal("all", v.SoftAffinity);
        });
        Assert.Equal([0, 1], vcpus.Select(v => v.VCpu));
    }

    [Fact]
    public void Many_domains_list_every_vcpu_with_cpu_and_time()
    {
        var vcpus = XlVCpuListParser.Parse(XlFixture.Out("223"));
        Assert.Equal(7, vcpus.Count);
        var pv2 = vcpus.Where(v => v.DomainName == "pv2").ToList();
        Assert.Equal([0, 1], pv2.Select(v => v.VCpu));
        Assert.Equal([1, 0], pv2.Select(v => v.Cpu!.Value));
        Assert.Equal(TimeSpan.FromSeconds(4.2), pv2[0].CpuTime);
        Assert.All(vcpus, v => Assert.True(v.Online));
        Assert.Equal("r--", vcpus[0].XlState);
    }

    [Fact]
    public void Pinned_affinity_is_kept_as_xl_prints_it()
    {
        string text = "Name                                ID  VCPU   CPU State   Time(s) Affinity (Hard / Soft)\n" +
                      "my vm                                3     0    1   -b-       5.5  0-1,3 / all\n";
        var v = Assert.Single(XlVCpuListParser.Parse(text));
        Assert.Equal("my vm", v.DomainName);
        Assert.Equal("0-1,3", v.HardAffinity);
        Assert.Equal("all", v.SoftAffinity);
    }
}

public sealed class XlUptimeParserTests
{
    [Fact]
    public void Uptime_lists_every_domain()
    {
        var up = XlUptimeParser.Parse(XlFixture.Out("293"));
        Assert.Equal(["Domain-0", "testvm", "pvhvm", "many1", "many2", "many3"], up.Select(u => u.DomainName));
        Assert.Equal(new TimeSpan(0, 2, 4), up[0].Uptime);
        Assert.Equal(8, up[5].DomainId);
        Assert.Equal(TimeSpan.FromSeconds(10), up[5].Uptime);
    }

    [Theory]
    [InlineData("010", 1)]
    [InlineData("030", 2)]
    [InlineData("092", 2)]
    [InlineData("093", 1)]
    [InlineData("166", 1)]
    [InlineData("196", 3)]
    public void Every_uptime_fixture_parses(string fixture, int count) =>
        Assert.Equal(count, XlUptimeParser.Parse(XlFixture.Out(fixture)).Count);

    [Fact]
    public void Day_formats_from_xl_source_parse()
    {
        // uptime_to_string: "%d days, %2d:%02d:%02d", "%d day, %2d:%02d:%02d", "%2d:%02d:%02d"; rows "%-33s %4d %s".
        string text = "Name                                ID Uptime\n" +
                      $"{"Domain-0",-33} {0,4} 12 days,  3:04:05\n" +
                      $"{"web 1",-33} {7,4} 1 day, 23:59:59\n" +
                      $"{"db",-33} {9,4}  0:00:01\n";
        var up = XlUptimeParser.Parse(text);
        Assert.Equal(new TimeSpan(12, 3, 4, 5), up[0].Uptime);
        Assert.Equal("web 1", up[1].DomainName);
        Assert.Equal(7, up[1].DomainId);
        Assert.Equal(new TimeSpan(1, 23, 59, 59), up[1].Uptime);
        Assert.Equal(TimeSpan.FromSeconds(1), up[2].Uptime);
    }
}

public sealed class XlDeviceListParserTests
{
    [Fact]
    public void Block_list_maps_numeric_vdevs_to_names()
    {
        var row = Assert.Single(XlDeviceListParser.ParseBlockList(XlFixture.Out("254")));
        Assert.Equal(51728, row.DeviceNumber);
        Assert.Equal("xvdb", row.Vdev);
        Assert.Equal(0, row.BackendId);
        Assert.Equal(3, row.FrontendId);
        Assert.Equal(4, row.State);
        Assert.Equal("/local/domain/0/backend/vbd/3/51728", row.BackendPath);

        var xvda = Assert.Single(XlDeviceListParser.ParseBlockList(XlFixture.Out("193")));
        Assert.Equal("xvda", xvda.Vdev);
        Assert.Equal(-1, xvda.State);
    }

    [Fact]
    public void Empty_block_and_network_lists_are_empty()
    {
        Assert.Empty(XlDeviceListParser.ParseBlockList(XlFixture.Out("058")));
        Assert.Empty(XlDeviceListParser.ParseNetworkList(XlFixture.Out("017")));
    }

    [Fact]
    public void Network_list_gives_index_mac_state_and_backend()
    {
        var rows = XlDeviceListParser.ParseNetworkList(XlFixture.Out("265"));
        Assert.Equal([0, 1, 2, 3, 4, 5], rows.Select(r => r.Index));
        Assert.Equal("00:16:3e:00:00:aa", rows[3].Mac);
        Assert.Equal("00:16:3e:00:00:aa", rows[4].Mac); // xl does not refuse a duplicate MAC (261)
        Assert.All(rows, r => Assert.Equal(4, r.State));
        Assert.Equal("/local/domain/0/backend/vif/3/5", rows[5].BackendPath);
    }

    [Theory]
    [InlineData(51712, "xvda")]
    [InlineData(51728, "xvdb")]
    [InlineData(51729, "xvdb1")]
    [InlineData(51952, "xvdp")]
    [InlineData(268441856, "xvdz")]   // 1<<28 | 25<<8 (fixture 255: /libxl/3/device/vbd/268441856 for xvdz)
    [InlineData(268442112, "xvdaa")]  // 1<<28 | 26<<8
    [InlineData(268441601, "xvdy1")]  // 1<<28 | 24<<8 | 1
    [InlineData(768, "hda")]
    [InlineData(832, "hdb")]
    [InlineData(5632, "hdc")]
    [InlineData(5696, "hdd")]
    [InlineData(5633, "hdc1")]
    [InlineData(2048, "sda")]
    [InlineData(2066, "sdb2")]
    public void Vdev_numbers_and_names_round_trip(int number, string name)
    {
        Assert.Equal(name, XlVdev.ToName(number));
        Assert.Equal(number, XlVdev.ToNumber(name));
    }

    [Fact]
    public void Vdev_odd_forms()
    {
        Assert.Equal(51712 + 16 * 2 + 3, XlVdev.ToNumber("d2p3"));
        Assert.Equal(12345, XlVdev.ToNumber("12345"));
        Assert.Null(XlVdev.ToNumber("xvd"));
        Assert.Null(XlVdev.ToNumber("xvda0"));
        Assert.Null(XlVdev.ToNumber("eth0"));
        Assert.Equal("4660", XlVdev.ToName(0x1234));
    }
}

public sealed class XlSchedParserTests
{
    [Fact]
    public void Credit2_listing_skips_the_cpupool_line()
    {
        var p = Assert.Single(XlSchedParser.Parse(XlFixture.Out("015"), "credit2"));
        Assert.Equal(("Domain-0", 0, 256, 0, "credit2"), (p.DomainName, p.DomainId!.Value, p.Weight, p.Cap, p.Scheduler));
    }

    [Fact]
    public void Credit2_domain_after_weight_change()
    {
        var p = Assert.Single(XlSchedParser.Parse(XlFixture.Out("280"), "credit2"));
        Assert.Equal(("testvm", 3, 512, 0), (p.DomainName, p.DomainId!.Value, p.Weight, p.Cap));
    }

    [Fact]
    public void Credit_listing_with_its_pool_line_parses()
    {
        // xl_sched.c sched_credit_pool_output / sched_credit_domain_output formats.
        string text = "Cpupool Pool-0: tslice=30ms ratelimit=1000us migration-delay=0us\n" +
                      $"{"Name",-33} {"ID",4} {"Weight",6} {"Cap",4}\n" +
                      $"{"Domain-0",-33} {0,4} {256,6} {0,4}\n" +
                      $"{"web1",-33} {3,4} {128,6} {50,4}\n";
        var list = XlSchedParser.Parse(text, "credit");
        Assert.Equal(2, list.Count);
        Assert.Equal((128, 50), (list[1].Weight, list[1].Cap));
    }

    [Fact]
    public void Wrong_scheduler_message_names_the_real_one() =>
        Assert.Equal("credit2", XlSchedParser.ActualScheduler(XlFixture.Load("281").Stderr));
}

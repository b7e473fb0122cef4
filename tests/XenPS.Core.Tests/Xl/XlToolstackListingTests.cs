using System.Globalization;
using System.Text;
using XenPS.Toolstack;
using XenPS.Toolstack.Xl;

namespace XenPS.Core.Tests.Xl;

public sealed class XlToolstackListingTests
{
    private static readonly string s_domU = XlFixture.Out("020"); // /srv/domU.cfg: name = "testvm", memory 128, maxmem 256

    [Fact]
    public async Task Listing_joins_state_config_uptime_and_config_files_and_lists_Off_domains()
    {
        string inventory = XlListingScript.Inventory(
            [
                ("/etc/xen/testvm.cfg", s_domU),
                ("/etc/xen/cirros.cfg", XlListingScript.ConfigText("cirros-001.cfg")),
                ("/etc/xen/winxp.cfg", XlListingScript.ConfigText("winxp-001.cfg")),
                ("/etc/xen/broken.cfg", XlListingScript.ConfigText("grammar-error-python.bad.cfg")),
            ],
            [("/etc/xen/auto/cirros.cfg", "/etc/xen/cirros.cfg"), ("/etc/xen/auto/testvm.cfg", "/etc/xen/testvm.cfg")]);
        var t = new FakeTransport("dom0-a").Listing(XlFixture.Out("290"), XlFixture.Out("291"), XlFixture.Out("293"), inventory);

        var all = await t.Toolstack().ListDomainsAsync(CancellationToken.None);

        Assert.Equal(["Domain-0", "testvm", "pvhvm", "many1", "many2", "many3", "WinXP-001", "broken", "cirros-001"], all.Select(d => d.Name));
        Assert.All(all, d => Assert.Equal("dom0-a", d.HostName));

        XenDomain testvm = all[1];
        Assert.Equal(3, testvm.Id);
        Assert.Equal(XenDomainState.Paused, testvm.State);
        Assert.Equal("--p---", testvm.XlState);
        Assert.Equal(Guid.Parse("12b168d6-6845-4def-940e-d3a9404bfc52"), testvm.Uuid);
        Assert.Equal(XenDomainType.Pv, testvm.Type);
        Assert.Equal(128, testvm.MemoryMB);
        Assert.Equal(256, testvm.MaxMemoryMB);
        Assert.Equal(1, testvm.VCpu);
        Assert.Equal(1, testvm.MaxVCpu);
        Assert.Equal(TimeSpan.FromSeconds(7.8), testvm.CpuTime);
        Assert.Equal(new TimeSpan(0, 1, 39), testvm.Uptime);
        Assert.Equal("/etc/xen/testvm.cfg", testvm.ConfigPath);
        Assert.True(testvm.AutoStart);

        XenDomain dom0 = all[0];
        Assert.Equal(Guid.Empty, dom0.Uuid);
        Assert.Equal(1024, dom0.MaxMemoryMB);
        Assert.Null(dom0.ConfigPath);
        Assert.Equal(XenDomainType.Pvh, all[2].Type);
        Assert.Equal(XenDomainState.Running, all[2].State);

        XenDomain cirros = all.Single(d => d.Name == "cirros-001");
        Assert.Equal(XenDomainState.Off, cirros.State);
        Assert.Null(cirros.Id);
        Assert.Null(cirros.Uuid);
        Assert.Equal(string.Empty, cirros.XlState);
        Assert.Equal(512, cirros.MemoryMB);
        Assert.Equal(1024, cirros.MaxMemoryMB);
        Assert.Equal(1, cirros.VCpu);
        Assert.Equal(3, cirros.MaxVCpu);
        Assert.Null(cirros.Uptime);
        Assert.True(cirros.AutoStart);
        Assert.Equal("/etc/xen/cirros.cfg", cirros.ConfigPath);

        XenDomain winxp = all.Single(d => d.Name == "WinXP-001");
        Assert.Equal(XenDomainType.Hvm, winxp.Type);
        Assert.False(winxp.AutoStart);

        // A config xl would refuse is still listed, under its file name.
        XenDomain broken = all.Single(d => d.Name == "broken");
        Assert.Equal(XenDomainState.Off, broken.State);
        Assert.Equal("/etc/xen/broken.cfg", broken.ConfigPath);
    }

    [Fact]
    public async Task Listing_asks_for_the_configured_folders_through_the_fixed_script()
    {
        var t = new FakeTransport().Listing(XlFixture.Out("006"), XlFixture.Out("004"), XlFixture.Out("010"), string.Empty);
        var options = new XlToolstackOptions { ConfigDirectory = "/srv/xen configs" };
        var all = await t.Toolstack(options).ListDomainsAsync(CancellationToken.None);

        var dom0 = Assert.Single(all);
        Assert.Equal("Domain-0", dom0.Name);
        Assert.Equal(TimeSpan.FromSeconds(28), dom0.Uptime);
        var inv = t.Calls.Single(XlListingScript.IsInventory);
        Assert.Equal(["-c", XlHostScripts.ConfigInventory, "sh", "/srv/xen configs", "/srv/xen configs/auto"], inv.Arguments);
    }

    [Fact]
    public async Task Listing_makes_the_same_four_calls_for_one_domain_six_domains_and_two_hundred()
    {
        var one = new FakeTransport().Listing(XlFixture.Out("006"), XlFixture.Out("004"), XlFixture.Out("010"), string.Empty);
        var six = new FakeTransport().Listing(XlFixture.Out("290"), XlFixture.Out("291"), XlFixture.Out("293"),
            XlListingScript.Inventory(Enumerable.Range(0, 40).Select(i => ($"/etc/xen/off{i}.cfg", $"name = \"off{i}\"\nmemory = 64\n"))));
        var (listV, listL, uptime) = Synthetic(200);
        var many = new FakeTransport().Listing(listV, listL, uptime, string.Empty);

        Assert.Single(await one.Toolstack().ListDomainsAsync(CancellationToken.None));
        Assert.Equal(46, (await six.Toolstack().ListDomainsAsync(CancellationToken.None)).Count);
        var manyDomains = await many.Toolstack().ListDomainsAsync(CancellationToken.None);
        Assert.Equal(201, manyDomains.Count);
        Assert.Equal(TimeSpan.FromSeconds(200), manyDomains[^1].Uptime);
        Assert.Equal(512, manyDomains[^1].MaxMemoryMB);

        string[] expected = ["sh -c", "xl list -l", "xl list -v", "xl uptime"];
        foreach (var t in new[] { one, six, many })
        {
            Assert.Equal(expected, t.Calls.Select(c => c.Program == "sh" ? "sh -c" : "xl " + string.Join(' ', c.Arguments)).Order(StringComparer.Ordinal));
        }
    }

    [Theory]
    [InlineData("testvm", 3)]
    [InlineData("5", 5)]
    [InlineData("ed153bf9-b294-4b76-b858-eac3929cb503", 6)]
    public async Task Get_domain_by_name_id_or_uuid(string key, int id)
    {
        var t = new FakeTransport().Listing(XlFixture.Out("290"), XlFixture.Out("291"), XlFixture.Out("293"), string.Empty);
        Assert.Equal(id, (await t.Toolstack().GetDomainAsync(key, CancellationToken.None)).Id);
    }

    [Fact]
    public async Task Get_domain_finds_Off_domains_and_reports_unknown_ones()
    {
        var inv = XlListingScript.Inventory([("/etc/xen/b.cfg", XlListingScript.ConfigText("busybox-001.cfg"))]);
        var t = new FakeTransport("dom0-a").Listing(XlFixture.Out("006"), XlFixture.Out("004"), XlFixture.Out("010"), inv);
        var ts = t.Toolstack();
        var off = await ts.GetDomainAsync("busybox-001", CancellationToken.None);
        Assert.Equal(XenDomainState.Off, off.State);
        Assert.Equal(256, off.MemoryMB);
        Assert.Equal(2, off.VCpu);

        var ex = await Assert.ThrowsAsync<XenDomainNotFoundException>(() => ts.GetDomainAsync("web9", CancellationToken.None));
        Assert.Equal("web9", ex.Domain);
        Assert.Equal("dom0-a", ex.HostName);
    }

    [Fact]
    public async Task Listing_survives_a_failing_uptime_and_a_domain_without_long_config()
    {
        // 190's fullvm (id 3) is in xl list but absent from a list -l that could not retrieve its config.
        var t = new FakeTransport();
        t.OnXl("list -v", XlListParserTestsRows.VerboseOf(XlFixture.Out("190")));
        t.OnXl("list -l", XlFixture.Out("004"));
        t.OnXl("uptime", "", "Could not list vms.\n", 1);
        t.OnWhere(XlListingScript.IsInventory, _ => new global::XenPS.Transport.CommandResult(0, "", "", TimeSpan.Zero));
        var all = await t.Toolstack().ListDomainsAsync(CancellationToken.None);
        Assert.Equal(4, all.Count);
        Assert.All(all, d => Assert.Null(d.Uptime));
        Assert.Null(all[3].Type);
        Assert.Null(all[3].MaxMemoryMB);
        Assert.Equal(XenDomainState.Running, all[3].State);
    }

    private static (string ListV, string ListL, string Uptime) Synthetic(int count)
    {
        // Built with xl's format strings (see XlListParserTests) so the listing of many domains is realistic.
        var v = new StringBuilder(XlFixture.Out("006"));
        var l = new StringBuilder("[{\"domid\":0,\"config\":{\"c_info\":{\"type\":\"pv\",\"name\":\"Domain-0\"},\"b_info\":{\"max_memkb\":1048576}}}");
        var u = new StringBuilder(XlFixture.Out("010"));
        for (int i = 1; i <= count; i++)
        {
            string name = "vm" + i.ToString(CultureInfo.InvariantCulture);
            string uuid = $"00000000-0000-4000-8000-{i:x12}";
            v.Append(CultureInfo.InvariantCulture, $"{name,-40} {i,5} {256,5} {1,5}     -b----  {1.5,8:F1} {uuid} {"-",8} {"-",16}\n");
            l.Append(CultureInfo.InvariantCulture, $",{{\"domid\":{i},\"config\":{{\"c_info\":{{\"type\":\"pvh\",\"name\":\"{name}\",\"uuid\":\"{uuid}\"}},\"b_info\":{{\"max_vcpus\":2,\"max_memkb\":524288,\"target_memkb\":262144}}}}}}");
            u.Append(CultureInfo.InvariantCulture, $"{name,-33} {i,4} {TimeSpan.FromSeconds(i):h\\:mm\\:ss}\n");
        }

        l.Append(']');
        return (v.ToString(), l.ToString(), u.ToString());
    }
}

/// <summary>Turns a plain <c>xl list</c> fixture into the <c>xl list -v</c> form with xl's format strings.</summary>
internal static class XlListParserTestsRows
{
    public static string VerboseOf(string plain)
    {
        var sb = new StringBuilder("Name                                        ID   Mem VCPUs\tState\tTime(s)   UUID                            Reason-Code\tSecurity Label\n");
        foreach (var row in XlListParser.Parse(plain))
        {
            string uuid = row.Id == 0 ? Guid.Empty.ToString() : $"00000000-0000-4000-8000-{row.Id:x12}";
            sb.Append(CultureInfo.InvariantCulture, $"{row.Name,-40} {row.Id,5} {row.MemoryMB,5} {row.VCpus,5}     {row.XlState}  {row.CpuTime.TotalSeconds,8:F1} {uuid} {"-",8} {"-",16}\n");
        }

        return sb.ToString();
    }
}

using XenPS.Toolstack;
using XenPS.Toolstack.Xl;

namespace XenPS.Core.Tests.Xl;

/// <summary>XlToolstack's statistics stream, XenStore tree and removal, console and the listing's Weight/Cap/VNC, against a recording transport.</summary>
public sealed class XlDiagnosticsTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task Statistics_run_one_xentop_with_full_names_and_one_more_iteration_and_drop_the_first()
    {
        var t = new FakeTransport().On("xentop", ["-b", "-f", "-i", "2", "-d", "1"], XlFixture.Out("295"));
        var xl = new XlToolstack(t);

        var rows = new List<XenDomainStatistic>();
        await foreach (XenDomainStatistic row in xl.GetStatisticsAsync(1, 1, Ct))
        {
            rows.Add(row);
        }

        Assert.Single(t.Calls);
        Assert.Equal(6, rows.Count);
        Assert.All(rows, r => Assert.Equal(1, r.Sample));
        Assert.All(rows, r => Assert.Equal("dom0-test", r.HostName));
        Assert.Equal(51.5, rows.Single(r => r.DomainName == "many3").CpuPercent);
    }

    [Fact]
    public async Task Statistics_failure_is_xentops_own_words()
    {
        var t = new FakeTransport().On("xentop", ["-b", "-f", "-i", "4", "-d", "2"], string.Empty, "xentop: xenstat_init failed\n", 1);
        var xl = new XlToolstack(t);

        var ex = await Assert.ThrowsAnyAsync<XlCommandException>(async () =>
        {
            await foreach (XenDomainStatistic _ in xl.GetStatisticsAsync(3, 2, Ct))
            {
            }
        });
        Assert.Contains("xenstat_init failed", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task XenStore_tree_reads_cut_values_again_in_full()
    {
        string full = new('7', 200);
        var t = new FakeTransport()
            .On("xenstore-ls", ["-f", "/local/domain/3/data"], "/local/domain/3/data/long = \"" + new string('7', 66) + "\\...\"\n/local/domain/3/data/short = \"x\"\n")
            .On("xenstore-read", ["/local/domain/3/data/long"], full + "\n");
        var xl = new XlToolstack(t);

        IReadOnlyList<XenStoreItem> items = await xl.XenStoreTreeAsync("/local/domain/3/data", Ct);

        Assert.Equal(["/local/domain/3/data/long", "/local/domain/3/data/short"], items.Select(i => i.Path));
        Assert.Equal(full, items[0].Value);
        Assert.Equal("long", items[0].Name);
        Assert.Equal(2, t.Calls.Count);
    }

    [Fact]
    public async Task XenStore_remove_is_xenstore_rm_with_the_path_as_one_argument()
    {
        var t = new FakeTransport().On("xenstore-rm", ["/local/domain/3/data/key"]);
        await new XlToolstack(t).XenStoreRemoveAsync("/local/domain/3/data/key", Ct);
        Assert.Equal(["xenstore-rm /local/domain/3/data/key"], t.CallLines);
    }

    [Fact]
    public async Task Console_hands_the_terminal_to_xl_console_of_the_domid()
    {
        var t = new FakeTransport().On("xl", ["console", "7"]);
        int exit = await new XlToolstack(t).EnterConsoleAsync("7", Ct);
        Assert.Equal(0, exit);
        Assert.Equal(["xl console 7"], t.CallLines);
    }

    [Fact]
    public async Task Listing_carries_live_weight_and_cap_from_xl_list_l_and_vnc_from_the_config_without_another_call()
    {
        // 290/291/293: the listing after fixture 280 set testvm's weight to 512.
        const string hvm = "name = \"win\"\ntype = \"hvm\"\nmemory = 256\nvnclisten = \"0.0.0.0:3\"\n";
        const string pv = "name = \"pvfb\"\nmemory = 128\nvfb = [ \"vnc=1,vnclisten=10.0.0.5,vncdisplay=7\" ]\n";
        string inventory = XlListingScript.Inventory([("/etc/xen/win.cfg", hvm), ("/etc/xen/pvfb.cfg", pv), ("/etc/xen/testvm.cfg", XlFixture.Out("020"))]);
        var t = new FakeTransport("dom0-a").Listing(XlFixture.Out("290"), XlFixture.Out("291"), XlFixture.Out("293"), inventory);

        IReadOnlyList<XenDomain> all = await t.Toolstack().ListDomainsAsync(Ct);

        Assert.Equal(4, t.Calls.Count);
        XenDomain testvm = all.Single(d => d.Name == "testvm");
        Assert.Equal(512, testvm.Weight);
        Assert.Equal(0, testvm.Cap);
        Assert.Null(testvm.VncListen);
        Assert.Equal(256, all.Single(d => d.Name == "Domain-0").Weight);
        XenDomain win = all.Single(d => d.Name == "win");
        Assert.Equal(("0.0.0.0", 3), (win.VncListen, win.VncDisplay));
        Assert.Null(win.Weight);
        XenDomain pvfb = all.Single(d => d.Name == "pvfb");
        Assert.Equal(("10.0.0.5", 7), (pvfb.VncListen, pvfb.VncDisplay));
    }
}

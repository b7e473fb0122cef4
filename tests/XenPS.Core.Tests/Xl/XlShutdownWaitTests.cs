using XenPS.Toolstack.Xl;

namespace XenPS.Core.Tests.Xl;

/// <summary>
/// Real xl's "shutdown -w" returns at the shutdown event, before the xl process that watches the domain
/// has destroyed it: right after it, xl list still shows the domain shut down (fixture 305: "--ps--",
/// found by the integration tests on Xen 4.17.7). ShutdownAsync with wait returns once the domain is gone,
/// unless on_poweroff keeps it (fixtures 301-303: on_poweroff="preserve").
/// </summary>
public sealed class XlShutdownWaitTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static string Row(string fixture, string name) =>
        string.Join('\n', XlFixture.Out(fixture).Split('\n').Where(l => l.StartsWith("Name", StringComparison.Ordinal) || l.StartsWith(name + " ", StringComparison.Ordinal))) + "\n";

    [Fact]
    public void The_domid_comes_from_xls_shut_down_line()
    {
        Assert.Equal(7, XlErrorClassifier.ShutDownDomainId(XlFixture.Load("123").Stderr));
        Assert.Equal(12, XlErrorClassifier.ShutDownDomainId(XlFixture.Load("301").Stderr));
        Assert.Null(XlErrorClassifier.ShutDownDomainId("Shutting down domain 7\n"));
    }

    [Fact]
    public void On_poweroff_is_read_from_xl_list_l_and_absent_when_default()
    {
        Assert.Equal("preserve", XlLongListParser.OnPoweroff(XlFixture.Out("303")));
        Assert.Null(XlLongListParser.OnPoweroff(XlFixture.Out("024")));
        Assert.Null(XlLongListParser.OnPoweroff("not json"));
        Assert.Null(XlLongListParser.OnPoweroff("[ { \"config\": { \"on_poweroff\": \"\\ud800\" } } ]"));
    }

    [Fact]
    public async Task Shutdown_wait_returns_only_once_the_shut_down_domain_is_destroyed()
    {
        // fixture 305: the domain is still listed, shut down, right after "shutdown -w"; then it is gone.
        string stillThere = Row("305", "xenps-gone");
        var t = new FakeTransport()
            .OnXl("shutdown -w xenps-gone", string.Empty, XlFixture.Load("305").Stderr)
            .OnXl("list -v 13", stillThere, once: true)
            .OnXl("list -l 13", XlFixture.Out("024"), once: true)
            .OnXl("list -v 13", stillThere, once: true)
            .OnXl("list -v 13", string.Empty, "Error: Domain '13' does not exist.\n", exit: 1);

        await t.Toolstack().ShutdownAsync("xenps-gone", true, TimeSpan.FromMinutes(1), None);

        Assert.Equal(
            ["xl shutdown -w xenps-gone", "xl list -v 13", "xl list -l 13", "xl list -v 13", "xl list -v 13"],
            t.CallLines);
    }

    [Fact]
    public async Task Shutdown_wait_of_a_domain_that_on_poweroff_preserves_returns_when_it_has_shut_down()
    {
        var t = new FakeTransport()
            .OnXl("shutdown -w xenps-keep", XlFixture.Load("301"))
            .OnXl("list -v 12", XlFixture.Load("302"))
            .OnXl("list -l 12", XlFixture.Load("303"));

        await t.Toolstack().ShutdownAsync("xenps-keep", true, TimeSpan.FromMinutes(1), None);

        Assert.Equal(["xl shutdown -w xenps-keep", "xl list -v 12", "xl list -l 12"], t.CallLines);
    }

    [Fact]
    public async Task Shutdown_wait_when_the_domain_is_already_gone_makes_one_check()
    {
        var t = new FakeTransport()
            .OnXl("shutdown -w testvm", XlFixture.Load("123"))
            .OnXl("list -v 7", string.Empty, "Error: Domain '7' does not exist.\n", exit: 1);

        await t.Toolstack().ShutdownAsync("testvm", true, TimeSpan.FromMinutes(1), None);

        Assert.Equal(["xl shutdown -w testvm", "xl list -v 7"], t.CallLines);
    }

    [Fact]
    public async Task Shutdown_wait_of_a_domain_never_destroyed_times_out_naming_it()
    {
        string stillThere = Row("305", "xenps-gone");
        var t = new FakeTransport("dom0-a")
            .OnXl("shutdown -w xenps-gone", string.Empty, XlFixture.Load("305").Stderr)
            .OnXl("list -v 13", stillThere)
            .OnXl("list -l 13", XlFixture.Out("024"));

        var ex = await Assert.ThrowsAsync<XenTimeoutException>(() => t.Toolstack().ShutdownAsync("xenps-gone", true, TimeSpan.FromSeconds(1), None));

        Assert.Equal("Shutdown", ex.Operation);
        Assert.Equal("xenps-gone", ex.Domain);
        Assert.Equal("dom0-a", ex.HostName);
        Assert.Single(t.CallLines, l => l == "xl list -l 13");
    }
}

using System.Text.Json.Nodes;

namespace XenPS.Core.Tests.Xl;

/// <summary>
/// Two behaviours of real xl found by the integration tests on Xen 4.17.7 (QEMU harness): "xl list -l"
/// silently leaves out a domain whose configuration it cannot read at that moment (xl_info.c:
/// "if (rc) continue;"), and right after a create a listing call can exit 255 without a word.
/// </summary>
public sealed class XlListingRetryTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static FakeTransport Host(string longList, bool silentFailureFirst = false, string? secondLongList = null)
    {
        var t = new FakeTransport()
            .OnXl("list -v", XlFixture.Out("290"))
            .OnXl("uptime", string.Empty)
            .OnWhere(XlListingScript.IsInventory, _ => new global::XenPS.Transport.CommandResult(0, string.Empty, string.Empty, TimeSpan.Zero));
        if (silentFailureFirst)
        {
            t.OnXl("list -l", string.Empty, string.Empty, exit: 255, once: true);
        }

        if (secondLongList is not null)
        {
            t.OnXl("list -l", longList, once: true).OnXl("list -l", secondLongList);
        }
        else
        {
            t.OnXl("list -l", longList);
        }

        return t;
    }

    [Fact]
    public async Task A_domain_that_xl_list_l_left_out_is_asked_for_once_more()
    {
        // fixtures 290/291: six domains; the first "xl list -l" leaves out pvhvm (id 5).
        var all = JsonNode.Parse(XlFixture.Out("291"))!.AsArray();
        var without = new JsonArray(all.Where(n => (int)n!["domid"]! != 5).Select(n => n!.DeepClone()).ToArray());
        var t = Host(without.ToJsonString(), secondLongList: XlFixture.Out("291"));

        var domains = await t.Toolstack().ListDomainsAsync(None);

        Assert.Equal(XenDomainType.Pvh, Assert.Single(domains, d => d.Name == "pvhvm").Type);
        Assert.Equal(2, t.CallLines.Count(l => l == "xl list -l"));
    }

    [Fact]
    public async Task A_listing_call_that_exits_255_silently_is_run_once_more()
    {
        var t = Host(XlFixture.Out("291"), silentFailureFirst: true);

        var domains = await t.Toolstack().ListDomainsAsync(None);

        Assert.Equal(XenDomainType.Pvh, Assert.Single(domains, d => d.Name == "pvhvm").Type);
        Assert.Equal(2, t.CallLines.Count(l => l == "xl list -l"));
    }

    [Fact]
    public async Task A_listing_call_that_fails_with_words_is_not_retried()
    {
        var t = new FakeTransport()
            .OnXl("list -v", XlFixture.Out("290"))
            .OnXl("uptime", string.Empty)
            .OnWhere(XlListingScript.IsInventory, _ => new global::XenPS.Transport.CommandResult(0, string.Empty, string.Empty, TimeSpan.Zero))
            .OnXl("list -l", string.Empty, "libxl: error: something real\n", exit: 1);

        var ex = await Assert.ThrowsAnyAsync<XlCommandException>(() => t.Toolstack().ListDomainsAsync(None));

        Assert.Contains("something real", ex.StandardError, StringComparison.Ordinal);
        Assert.Single(t.CallLines, l => l == "xl list -l");
    }
}

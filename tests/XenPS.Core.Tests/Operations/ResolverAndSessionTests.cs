using XenPS.Operations;

namespace XenPS.Core.Tests.Operations;

public sealed class ResolverAndSessionTests
{
    private static XenDomain D(string name, int? id, XenDomainState state = XenDomainState.Running, Guid? uuid = null) =>
        new(name) { Id = id, State = state, Uuid = uuid };

    private static readonly Guid U1 = Guid.Parse("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");

    private static (XenHostConnection, IReadOnlyList<XenDomain>)[] TwoHosts(out XenHostConnection a, out XenHostConnection b)
    {
        a = StubToolstack.Connection("dom0-a");
        b = StubToolstack.Connection("dom0-b");
        return
        [
            (a, new[] { D("Domain-0", 0), D("web1", 3, uuid: U1), D("web2", 4, XenDomainState.Paused), D("db1", 5), D("spare", null, XenDomainState.Off) }),
            (b, new[] { D("Domain-0", 0), D("web3", 7), D("db1", 9) }),
        ];
    }

    [Fact]
    public void Wildcards_fan_out_over_hosts_and_keep_host_order()
    {
        var r = DomainTargetResolver.Select(TwoHosts(out var a, out var b), new DomainSelector { Names = ["web*"] });
        Assert.Equal(["web1", "web2", "web3"], r.Targets.Select(t => t.Domain.Name));
        Assert.Equal([a, a, b], r.Targets.Select(t => t.Host));
        Assert.Empty(r.NotFound);
    }

    [Fact]
    public void A_literal_name_found_on_no_host_is_one_not_found_error_naming_the_hosts()
    {
        var r = DomainTargetResolver.Select(TwoHosts(out _, out _), new DomainSelector { Names = ["web1", "missing", "nomatch*"] });
        Assert.Equal(["web1"], r.Targets.Select(t => t.Domain.Name));
        var e = Assert.Single(r.NotFound);
        Assert.Equal("missing", e.Domain);
        Assert.Contains("dom0-a", e.Message);
        Assert.Contains("dom0-b", e.Message);
    }

    [Fact]
    public void Same_name_on_two_hosts_gives_two_targets()
    {
        var r = DomainTargetResolver.Select(TwoHosts(out var a, out var b), new DomainSelector { Names = ["db1"] });
        Assert.Equal([a, b], r.Targets.Select(t => t.Host));
    }

    [Fact]
    public void Ids_uuids_and_states_select()
    {
        var listings = TwoHosts(out _, out _);
        Assert.Equal(["web2"], DomainTargetResolver.Select(listings, new DomainSelector { Ids = [4] }).Targets.Select(t => t.Domain.Name));
        Assert.Equal(["web1"], DomainTargetResolver.Select(listings, new DomainSelector { Uuids = [U1] }).Targets.Select(t => t.Domain.Name));
        Assert.Equal(["web2"], DomainTargetResolver.Select(listings, new DomainSelector { States = [XenDomainState.Paused] }).Targets.Select(t => t.Domain.Name));
        Assert.Equal(["spare"], DomainTargetResolver.Select(listings, new DomainSelector { Names = ["*"], States = [XenDomainState.Off] }).Targets.Select(t => t.Domain.Name));
        var missing = DomainTargetResolver.Select(listings, new DomainSelector { Ids = [42], Uuids = [Guid.Empty] });
        Assert.Empty(missing.Targets);
        Assert.Equal(["42", Guid.Empty.ToString()], missing.NotFound.Select(e => e.Domain));
    }

    [Fact]
    public void Unfiltered_listing_includes_Dom0_only_when_asked()
    {
        var listings = TwoHosts(out _, out _);
        Assert.Contains(DomainTargetResolver.Select(listings, new DomainSelector()).Targets, t => t.Domain.Id == 0);
        Assert.DoesNotContain(DomainTargetResolver.Select(listings, new DomainSelector { IncludeDom0WhenUnfiltered = false }).Targets, t => t.Domain.Id == 0);
        var star = DomainTargetResolver.Select(listings, new DomainSelector { Names = ["*"], IncludeDom0WhenUnfiltered = false });
        Assert.DoesNotContain(star.Targets, t => t.Domain.Id == 0);
        Assert.Contains(star.Targets, t => t.Domain.Name == "web1");
        var literal = DomainTargetResolver.Select(listings, new DomainSelector { Names = ["Domain-0"], IncludeDom0WhenUnfiltered = false });
        Assert.Equal(2, literal.Targets.Count);
        Assert.Empty(literal.NotFound);
    }

    private sealed class Probe(bool dom0) : IDom0Probe
    {
        public bool IsDom0() => dom0;
    }

    [Fact]
    public void Session_default_follows_connect_and_disconnect()
    {
        var s = new XenSession();
        var a = StubToolstack.Connection("a");
        var b = StubToolstack.Connection("b");
        s.Add(a, makeDefault: true);
        s.Add(b, makeDefault: false);
        Assert.Same(a, s.Default);
        Assert.False(b.IsDefault);
        s.Add(b, makeDefault: true);
        Assert.Same(b, s.Default);
        Assert.False(a.IsDefault);
        Assert.True(s.Remove(b));
        Assert.Same(a, s.Default);
        Assert.Equal([a], s.Find("*"));
    }

    [Fact]
    public void Resolve_uses_given_then_default_then_local_Dom0_else_says_how_to_connect()
    {
        var s = new XenSession();
        var a = StubToolstack.Connection("a");
        var local = StubToolstack.Connection("localhost");
        var ex = Assert.Throws<XenOperationException>(() => s.Resolve(null, new Probe(false), () => local));
        Assert.Equal("NoConnection", ex.ErrorId);
        Assert.Contains("Connect-XenHost -Simulated", ex.Message);
        Assert.Equal([local], s.Resolve(null, new Probe(true), () => local));
        Assert.Same(local, s.Default);
        Assert.Equal([a], s.Resolve([a, a], new Probe(false), () => throw new InvalidOperationException()));
    }

    [Fact]
    public void Session_store_is_per_key()
    {
        var store = new XenSessionStore();
        object r1 = new(), r2 = new();
        Assert.Same(store.For(r1), store.For(r1));
        Assert.NotSame(store.For(r1), store.For(r2));
    }
}

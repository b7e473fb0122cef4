using XenPS.Operations;
using XenPS.Simulation;

namespace XenPS.Core.Tests.Targeting;

/// <summary>Names mean what xl means, and an object acts on exactly its own domain (issue 12), on the simulator.</summary>
public sealed class IdentityTests
{
    private static readonly string[] s_lookAlikes = ["web*", "web1", "web2", "WEB1", "web[1]", "a`b"];
    private readonly CancellationToken _ct = CancellationToken.None;

    [Theory]
    [InlineData("web1", new[] { "web1" })]
    [InlineData("WEB1", new[] { "WEB1" })]
    [InlineData("Web1", new string[0])]
    [InlineData("web*", new[] { "web*" })]
    [InlineData("web[1]", new[] { "web[1]" })]
    [InlineData("a`b", new[] { "a`b" })]
    [InlineData("web?", new[] { "web*", "web1", "web2" })]
    [InlineData("WEB*", new[] { "WEB1" })]
    [InlineData("w*", new[] { "web*", "web1", "web2", "web[1]" })]
    public async Task Typed_names_are_case_sensitive_and_an_exact_name_wins_over_its_pattern(string name, string[] expected)
    {
        XenHostConnection h = await LookAlikesAsync();
        DomainResolution r = await DomainTargetResolver.ResolveAsync([h], new DomainSelector { Names = [name] }, _ct);
        Assert.Equal(expected.Order(StringComparer.Ordinal), r.Targets.Select(t => t.Domain.Name).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("web?")]
    [InlineData("w*")]
    public async Task Names_from_the_pipeline_are_literal(string name)
    {
        XenHostConnection h = await LookAlikesAsync();
        DomainResolution r = await DomainTargetResolver.ResolveAsync([h], new DomainSelector { Names = [name], NamesAreLiteral = true }, _ct);
        Assert.Empty(r.Targets);
        Assert.Equal(name, Assert.Single(r.NotFound).Domain);
    }

    [Fact]
    public async Task A_literal_name_that_differs_only_in_case_is_not_found()
    {
        XenHostConnection h = await LookAlikesAsync();
        DomainResolution r = await DomainTargetResolver.ResolveAsync([h], new DomainSelector { Names = ["Web1"] }, _ct);
        Assert.Empty(r.Targets);
        Assert.Single(r.NotFound);
    }

    [Fact]
    public async Task Stopping_one_piped_object_among_look_alikes_stops_exactly_that_domain()
    {
        XenHostConnection h = await LookAlikesAsync();
        XenDomain star = (await h.Toolstack.ListDomainsAsync(_ct)).Single(d => d.Name == "web*");

        await new DomainLifecycle().StopAsync(new DomainTarget(h, star), force: true, wait: false, timeout: null, _ct);

        var running = (await h.Toolstack.ListDomainsAsync(_ct)).Where(d => d.Id is > 0).Select(d => d.Name).Order(StringComparer.Ordinal);
        Assert.Equal(s_lookAlikes.Where(n => n != "web*").Order(StringComparer.Ordinal), running);
    }

    [Fact]
    public async Task A_stale_Off_object_of_a_domain_that_runs_now_cannot_be_removed_without_Force()
    {
        XenHostConnection h = await HostAsync();
        await h.Toolstack.WriteFileAsync("/etc/xen/web1.cfg", Config("web1"), _ct);
        XenDomain off = await h.Toolstack.GetDomainAsync("web1", _ct);
        Assert.Equal(XenDomainState.Off, off.State);
        await h.Toolstack.CreateFromFileAsync("/etc/xen/web1.cfg", paused: false, _ct);

        var ex = await Assert.ThrowsAsync<XenOperationException>(() => new DomainLifecycle().RemoveAsync(new DomainTarget(h, off), force: false, _ct));
        Assert.Equal("DomainRunning", ex.ErrorId);
        Assert.True(await h.Toolstack.FileExistsAsync("/etc/xen/web1.cfg", _ct));
    }

    [Fact]
    public async Task A_gone_domain_is_DomainNotFound_naming_its_name_id_and_host_and_Wait_Off_is_done()
    {
        XenHostConnection h = await HostAsync();
        XenDomain d = await h.Toolstack.CreateAsync(Config("tmp1"), paused: false, _ct);
        await h.Toolstack.DestroyAsync(d.Id!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), _ct);

        var ex = await Assert.ThrowsAsync<XenDomainNotFoundException>(() => new DomainLifecycle().SuspendAsync(new DomainTarget(h, d), _ct));
        Assert.Contains("'tmp1'", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"id {d.Id}", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'lab'", ex.Message, StringComparison.Ordinal);

        Assert.Null(await new DomainLifecycle().WaitAsync(new DomainTarget(h, d), XenDomainState.Off, TimeSpan.FromSeconds(5), _ct));
        await Assert.ThrowsAsync<XenDomainNotFoundException>(() => new DomainLifecycle().WaitAsync(new DomainTarget(h, d), XenDomainState.Running, TimeSpan.FromSeconds(5), _ct));
    }

    [Fact]
    public async Task A_domid_taken_by_another_domain_is_not_the_objects_domain()
    {
        var known = new XenDomain("web1") { Id = 7, Uuid = Guid.NewGuid() };
        var other = new XenDomain("web1") { Id = 7, Uuid = Guid.NewGuid() };
        Assert.False(DomainLocator.IsSame(known, other));
        Assert.True(DomainLocator.IsSame(known, new XenDomain("renamed") { Id = 7, Uuid = known.Uuid }));

        var listing = new List<XenDomain>
        {
            new("web1") { Id = 9, Uuid = Guid.NewGuid(), ConfigPath = "/etc/xen/web1.cfg" },
            new("WEB1") { Id = 12, Uuid = known.Uuid, ConfigPath = null },
        };
        Assert.Equal(12, DomainLocator.Match(listing, known)!.Id);
        Assert.Null(DomainLocator.Match(listing, new XenDomain("web1") { Id = 3, Uuid = Guid.NewGuid() }));
        await Task.CompletedTask;
    }

    [Fact]
    public async Task A_closed_connection_refuses_to_act_and_says_how_to_reconnect()
    {
        XenHostConnection h = await HostAsync();
        XenDomain d = await h.Toolstack.CreateAsync(Config("vm1"), paused: false, _ct);
        await h.DisposeAsync();

        var ex = await Assert.ThrowsAsync<XenOperationException>(() => new DomainLifecycle().SuspendAsync(new DomainTarget(h, d), _ct));
        Assert.Equal("ConnectionClosed", ex.ErrorId);
        Assert.Contains("Connect-XenHost", ex.Message, StringComparison.Ordinal);
    }

    private static string Config(string name) => $"name = \"{name}\"\nmemory = 64\nkernel = \"/boot/vmlinuz\"\n";

    private static Task<XenHostConnection> HostAsync() =>
        XenConnectionFactory.SimulatedAsync(new SimulatedConnectionOptions { Name = "lab", InMemoryFabric = SimulatedFabric.InMemory() });

    private async Task<XenHostConnection> LookAlikesAsync()
    {
        XenHostConnection h = await HostAsync();
        foreach (string n in s_lookAlikes)
        {
            await h.Toolstack.CreateAsync(Config(n), paused: false, _ct);
        }

        return h;
    }
}

using System.Collections;
using XenPS.Simulation;

namespace XenPS.Core.Tests.Operations;

/// <summary>Set-XenSimulation's parameters, as Core reads them.</summary>
public sealed class SimulationChangeTests
{
    private static Task<XenHostConnection> HostAsync() =>
        XenConnectionFactory.SimulatedAsync(new SimulatedConnectionOptions { Name = "lab", InMemoryFabric = SimulatedFabric.InMemory() });

    [Fact]
    public async Task FailNext_makes_the_next_calls_fail_with_the_message_given_then_works_again()
    {
        var h = await HostAsync();
        var changes = SimulationChange.From(null, [new Hashtable { ["operation"] = "create", ["Count"] = 2, ["Message"] = "libxl: error: no luck" }], null, null, null, clear: false);
        var sim = (SimulatedToolstack)h.Toolstack;
        foreach (var c in changes)
        {
            await c.ApplyAsync(sim.Fabric, "lab", CancellationToken.None);
        }

        const string cfg = "name = \"a\"\ntype = \"pvh\"\nmemory = 128\nkernel = \"/boot/vmlinuz\"\n";
        for (int i = 0; i < 2; i++)
        {
            var ex = await Assert.ThrowsAnyAsync<XenException>(() => h.Toolstack.CreateAsync(cfg, false, CancellationToken.None));
            Assert.Contains("no luck", ex.Message);
        }

        Assert.Equal(XenDomainState.Running, (await h.Toolstack.CreateAsync(cfg, false, CancellationToken.None)).State);
    }

    [Fact]
    public void Latency_and_the_rest_are_described_for_ShouldProcess_and_clear_goes_first()
    {
        var changes = SimulationChange.From(new Hashtable { ["Shutdown"] = 2 }, null, SimulatedMigrationFailure.FinalHandshake, ["web1"], ["web2"], clear: true);
        Assert.Equal(5, changes.Count);
        Assert.StartsWith("Clear", changes[0].Description);
        Assert.Contains("Shutdown take 2 s", changes[1].Description);
        Assert.Contains("FinalHandshake", changes[2].Description);
        Assert.Contains("'web1'", changes[3].Description);
    }

    [Theory]
    [InlineData("Explode", 1)]
    [InlineData("Shutdown", -1)]
    [InlineData("Shutdown", "soon")]
    public void Bad_latency_is_refused_naming_what_is_wrong(string op, object seconds)
    {
        var ex = Assert.Throws<ArgumentException>(() => SimulationChange.From(new Hashtable { [op] = seconds }, null, null, null, null, false));
        Assert.Contains(op == "Explode" ? "Explode" : "Shutdown", ex.Message);
    }

    [Fact]
    public void Bad_FailNext_keys_and_counts_and_an_empty_call_are_refused()
    {
        Assert.Throws<ArgumentException>(() => SimulationChange.From(null, [new Hashtable { ["Operation"] = "Create", ["Times"] = 2 }], null, null, null, false));
        Assert.Throws<ArgumentException>(() => SimulationChange.From(null, [new Hashtable { ["Operation"] = "Create", ["Count"] = 0 }], null, null, null, false));
        Assert.Throws<ArgumentException>(() => SimulationChange.From(null, [new Hashtable { ["Count"] = 1 }], null, null, null, false));
        Assert.Throws<ArgumentException>(() => SimulationChange.From(null, null, null, null, null, false));
    }
}

public sealed class DomainFaultTests
{
    [Fact]
    public async Task A_fault_for_one_domain_leaves_the_others_alone_and_hits_that_one()
    {
        var h = await XenConnectionFactory.SimulatedAsync(new SimulatedConnectionOptions { Name = "lab", InMemoryFabric = SimulatedFabric.InMemory() });
        var sim = (SimulatedToolstack)h.Toolstack;
        foreach (string n in new[] { "web1", "web2" })
        {
            await h.Toolstack.CreateAsync($"name = \"{n}\"\ntype = \"pvh\"\nmemory = 128\nkernel = \"/boot/vmlinuz\"\non_reboot = \"restart\"\n", false, CancellationToken.None);
        }

        foreach (var c in SimulationChange.From(null, [new Hashtable { ["Operation"] = "Reboot", ["Domain"] = "web2", ["Message"] = "libxl: error: reboot refused" }], null, null, null, false))
        {
            await c.ApplyAsync(sim.Fabric, "lab", CancellationToken.None);
        }

        await h.Toolstack.RebootAsync("web1", false, null, CancellationToken.None);
        var ex = await Assert.ThrowsAnyAsync<XenException>(() => h.Toolstack.RebootAsync("web2", false, null, CancellationToken.None));
        Assert.Contains("reboot refused", ex.Message);
        await h.Toolstack.RebootAsync("web2", false, null, CancellationToken.None);
    }

    [Fact]
    public async Task A_create_fault_for_one_domain_matches_by_config_name_and_file_name()
    {
        var h = await XenConnectionFactory.SimulatedAsync(new SimulatedConnectionOptions { Name = "lab", InMemoryFabric = SimulatedFabric.InMemory() });
        var sim = (SimulatedToolstack)h.Toolstack;
        await sim.Fabric.FailNextAsync("lab", "CreateFromFile", 1, "libxl: error: no", "db1", CancellationToken.None);
        await h.Toolstack.WriteFileAsync("/etc/xen/web1.cfg", "name = \"web1\"\ntype = \"pvh\"\nmemory = 128\nkernel = \"/boot/vmlinuz\"\n", CancellationToken.None);
        await h.Toolstack.WriteFileAsync("/etc/xen/db1.cfg", "name = \"db1\"\ntype = \"pvh\"\nmemory = 128\nkernel = \"/boot/vmlinuz\"\n", CancellationToken.None);
        Assert.Equal(XenDomainState.Running, (await h.Toolstack.CreateFromFileAsync("/etc/xen/web1.cfg", false, CancellationToken.None)).State);
        await Assert.ThrowsAnyAsync<XenException>(() => h.Toolstack.CreateFromFileAsync("/etc/xen/db1.cfg", false, CancellationToken.None));
        Assert.Equal(XenDomainState.Running, (await h.Toolstack.CreateFromFileAsync("/etc/xen/db1.cfg", false, CancellationToken.None)).State);
    }
}

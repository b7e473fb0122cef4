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

using XenPS.Simulation;

namespace XenPS.Core.Tests.Simulation;

/// <summary>Issue 13, case 10: the simulator keeps every queued fault, and reads vCPU affinity as xl does.</summary>
public sealed class SimulatorDriftTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private static async Task<(SimulatedFabric Fabric, SimulatedToolstack Xl)> HostAsync()
    {
        SimulatedFabric fabric = SimulatedFabric.InMemory();
        await fabric.AddHostAsync("lab", new SimulatedHostOptions { CpuCount = 4 });
        SimulatedToolstack xl = fabric.GetToolstack("lab");
        foreach (string name in new[] { "web1", "web2", "web3" })
        {
            await xl.CreateAsync($"name = \"{name}\"\ntype = \"pvh\"\nkernel = \"/boot/vmlinuz\"\nmemory = 64\nvcpus = 2\n", false, Ct);
        }

        return (fabric, xl);
    }

    [Fact]
    public async Task Faults_for_one_operation_on_different_domains_all_happen()
    {
        var (fabric, xl) = await HostAsync();
        await fabric.FailNextAsync("lab", "Pause", 1, "libxl: error: web1 fails", "web1", Ct);
        await fabric.FailNextAsync("lab", "Pause", 1, "libxl: error: web2 fails", "web2", Ct);

        await xl.PauseAsync("web3", Ct);
        Assert.Contains("web2 fails", (await Assert.ThrowsAnyAsync<XlCommandException>(() => xl.PauseAsync("web2", Ct))).Message);
        Assert.Contains("web1 fails", (await Assert.ThrowsAnyAsync<XlCommandException>(() => xl.PauseAsync("web1", Ct))).Message);
        await xl.PauseAsync("web1", Ct);
        await xl.PauseAsync("web2", Ct);
    }

    [Fact]
    public async Task Faults_for_one_operation_queue_one_after_another_and_count_zero_removes_them()
    {
        var (fabric, xl) = await HostAsync();
        await fabric.FailNextAsync("lab", "Unpause", 1, "first", Ct);
        await fabric.FailNextAsync("lab", "Unpause", 1, "second", Ct);
        await xl.PauseAsync("web1", Ct);
        Assert.Contains("first", (await Assert.ThrowsAnyAsync<XenException>(() => xl.UnpauseAsync("web1", Ct))).Message);
        Assert.Contains("second", (await Assert.ThrowsAnyAsync<XenException>(() => xl.UnpauseAsync("web1", Ct))).Message);
        await xl.UnpauseAsync("web1", Ct);

        await fabric.FailNextAsync("lab", "Pause", 3, "never", Ct);
        await fabric.FailNextAsync("lab", "Pause", 0, "ignored", Ct);
        await xl.PauseAsync("web1", Ct);
    }

    [Theory]
    [InlineData("^1", null)]
    [InlineData("all,^1", "0,2-3")]
    [InlineData("0-3,^2", "0-1,3")]
    [InlineData("nodes:0", "all")]
    [InlineData("nodes:0,^0", "1-3")]
    [InlineData("all,^nodes:0,2", "2")]
    [InlineData("node:1", null)]
    [InlineData("^all", null)]
    [InlineData("7", null)]
    public async Task Vcpu_pin_reads_the_cpu_list_as_xl_on_one_numa_node(string list, string? affinity)
    {
        var (_, xl) = await HostAsync();
        if (affinity is null)
        {
            await Assert.ThrowsAnyAsync<XlCommandException>(() => xl.PinVCpuAsync("web1", "0", list, null, Ct));
            return;
        }

        await xl.PinVCpuAsync("web1", "0", list, null, Ct);
        Assert.Equal(affinity, (await xl.GetVCpusAsync("web1", Ct))[0].HardAffinity);
    }

    [Fact]
    public async Task Vcpu_set_refuses_more_vcpus_than_the_host_has_only_above_the_online_ones_and_not_with_ignore_host()
    {
        var (_, xl) = await HostAsync();
        await xl.CreateAsync("name = \"big\"\ntype = \"pvh\"\nkernel = \"/boot/vmlinuz\"\nmemory = 64\nvcpus = 2\nmaxvcpus = 8\n", false, Ct);
        await Assert.ThrowsAsync<XenVCpuOvercommitException>(() => xl.SetVCpuCountAsync("big", 6, Ct));
        await xl.SetVCpuCountAsync("big", 6, allowOvercommit: true, Ct);
        Assert.Equal(6, (await xl.GetDomainAsync("big", Ct)).VCpu);

        // xl_vcpu.c: a count not above the online vCPUs is never an overcommit.
        await xl.SetVCpuCountAsync("big", 5, Ct);
        Assert.Equal(5, (await xl.GetDomainAsync("big", Ct)).VCpu);
    }
}

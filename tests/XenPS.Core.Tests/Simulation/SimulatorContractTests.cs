using XenPS.ContractTests;
using XenPS.Simulation;
using XenPS.Toolstack;

namespace XenPS.Core.Tests.Simulation;

/// <summary>The toolstack contract against the simulator, state in memory.</summary>
public sealed class InMemorySimulatorContractTests : ToolstackContractTests
{
    protected override async Task<(IXenToolstack Toolstack, ContractEnvironment Environment)> ConnectAsync()
    {
        SimulatedFabric fabric = SimulatedFabric.InMemory();
        return await SimulatorContract.ConnectAsync(fabric);
    }
}

/// <summary>The toolstack contract against the simulator, state in a state file.</summary>
public sealed class StateFileSimulatorContractTests : ToolstackContractTests
{
    private readonly string _folder = Directory.CreateTempSubdirectory("xenps-sim-").FullName;

    protected override async Task<(IXenToolstack Toolstack, ContractEnvironment Environment)> ConnectAsync()
    {
        SimulatedFabric fabric = SimulatedFabric.Open(Path.Combine(_folder, "fabric.json"));
        return await SimulatorContract.ConnectAsync(fabric);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }
}

internal static class SimulatorContract
{
    public static async Task<(IXenToolstack Toolstack, ContractEnvironment Environment)> ConnectAsync(SimulatedFabric fabric)
    {
        Assert.True(await fabric.AddHostAsync("sim-a"));
        Assert.True(await fabric.AddHostAsync("sim-b"));
        SimulatedToolstack toolstack = fabric.GetToolstack("sim-a");
        _ = new XenHostConnection("sim-a", XenTransportKind.Simulated, toolstack);
        SimulatedToolstack destination = fabric.GetToolstack("sim-b");
        _ = new XenHostConnection("sim-b", XenTransportKind.Simulated, destination);
        return (toolstack, new ContractEnvironment
        {
            KernelPath = "/boot/vmlinuz",
            RamdiskPath = "/boot/initrd.img",
            ScratchDirectory = "/tmp",
            SupportsMigration = true,
            MigrationDestination = "sim-b",
            MigrationDestinationToolstack = destination,
            ShutdownTimeout = TimeSpan.FromSeconds(10),
            SettleTimeout = TimeSpan.FromSeconds(2),
        });
    }
}

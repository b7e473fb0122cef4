using XenPS.ContractTests;
using XenPS.Toolstack;

namespace XenPS.IntegrationTests;

/// <summary>
/// The toolstack contract (tests/XenPS.Core.Tests/Contract, the suite the simulator passes) against
/// XlToolstack over SshTransport on the real host.
/// </summary>
/// <remarks>
/// The contract's migration test expects the guest to leave the sender; a migration within one Dom0
/// (the only kind the QEMU harness can do) keeps it there under the same name, so it is covered by
/// <see cref="CoreScenarioTests"/> instead.
/// </remarks>
[Trait("Category", "Integration")]
[Collection(RealXenCollection.Name)]
public sealed class RealXenContractTests : ToolstackContractTests
{
    private readonly RealXenHostFixture _host;
    private readonly List<string> _images = new();

    public RealXenContractTests(RealXenHostFixture host, ITestOutputHelper output)
    {
        _host = host;
        _host.Log.Attach(output);
    }

    protected override Task<(IXenToolstack Toolstack, ContractEnvironment Environment)> ConnectAsync()
    {
        RealXenEnvironment e = _host.Environment;
        var env = new ContractEnvironment
        {
            KernelPath = e.Kernel,
            RamdiskPath = e.Ramdisk,
            Bridge = e.Bridge,
            ScratchDirectory = e.Scratch,
            GuestMemoryMB = e.GuestMemoryMB,
            GuestType = "pv",
            SupportsMigration = false,
            CreateDiskImage = async path =>
            {
                _images.Add(path);
                await RealXenEnvironment.RunAsync(_host.Transport, "dd", ["if=/dev/zero", "of=" + path, "bs=1M", "count=8"], Ct);
            },
            ShutdownTimeout = TimeSpan.FromMinutes(3),
            SettleTimeout = TimeSpan.FromMinutes(1),
        };
        return Task.FromResult<(IXenToolstack, ContractEnvironment)>((_host.Toolstack, env));
    }

    public override async Task DisposeAsync()
    {
        try
        {
            await base.DisposeAsync();
            foreach (string image in _images)
            {
                await _host.Toolstack.DeleteFileAsync(image, CancellationToken.None);
            }
        }
        finally
        {
            _host.Log.Attach(null);
        }
    }
}

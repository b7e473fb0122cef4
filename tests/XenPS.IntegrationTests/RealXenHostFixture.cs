using XenPS.Toolstack;
using XenPS.Transport;

namespace XenPS.IntegrationTests;

/// <summary>
/// The host, shared by every class of the collection: one SshTransport (one multiplexed ssh
/// connection) and an XlToolstack over it. Fails every test loudly when XENPS_TEST_HOST is unset.
/// </summary>
public sealed class RealXenHostFixture : IAsyncLifetime
{
    public RealXenHostFixture()
    {
        Environment = RealXenEnvironment.FromEnvironment();
        Log = new TestOutputLoggerProvider();
        Transport = Environment.CreateTransport(Log);
        Toolstack = new XlToolstack(Transport, new XlToolstackOptions { TemporaryDirectory = Environment.Scratch }, Log);
        Connection = new XenHostConnection(Environment.DisplayName, XenTransportKind.Ssh, Toolstack);
    }

    public RealXenEnvironment Environment { get; }

    public TestOutputLoggerProvider Log { get; }

    public SshTransport Transport { get; }

    public XlToolstack Toolstack { get; }

    public XenHostConnection Connection { get; }

    public async Task InitializeAsync()
    {
        // One round trip up front: an unreachable host fails here with ssh's own words.
        XenHostInfo info = await Toolstack.GetHostInfoAsync(CancellationToken.None);
        Console.Error.WriteLine($"[integration] {Environment.DisplayName}: Xen {info.XenVersion}, {info.CpuCount} CPUs, {info.FreeMemoryMB}/{info.TotalMemoryMB} MiB free, scheduler {info.Scheduler}");
    }

    public async Task DisposeAsync()
    {
        await Transport.DisposeAsync();
    }
}

[CollectionDefinition(RealXenCollection.Name)]
public sealed class RealXenCollectionDefinition : ICollectionFixture<RealXenHostFixture>
{
}

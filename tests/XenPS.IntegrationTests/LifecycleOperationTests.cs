using XenPS.Operations;
using XenPS.Toolstack;

namespace XenPS.IntegrationTests;

/// <summary>
/// The cmdlets' Core operations on the real host through a connection from XenConnectionFactory.Ssh
/// (what Connect-XenHost makes): New-XenDomain -Start, Set-XenDomain -Persist, Stop-XenDomain -Wait,
/// Start-XenDomain of the Off domain from its (changed) config file, Remove-XenDomain -Force.
/// One guest goes through all of them; each step is printed as a scenario.
/// </summary>
[Trait("Category", "Integration")]
[Collection(RealXenCollection.Name)]
public sealed class LifecycleOperationTests : IAsyncLifetime
{
    private readonly ITestOutputHelper _out;
    private readonly RealXenEnvironment _env;
    private readonly TestOutputLoggerProvider _log = new();
    private readonly XenHostConnection _host;
    private readonly string _name = $"xenps-it-ops-{Guid.NewGuid().ToString("N")[..6]}";
    private readonly CancellationTokenSource _cts = new(TimeSpan.FromMinutes(8));

    public LifecycleOperationTests(ITestOutputHelper output)
    {
        _out = output;
        _env = RealXenEnvironment.FromEnvironment();
        _log.Attach(output);
        _host = _env.Connect(_log);
    }

    private IXenToolstack Ts => _host.Toolstack;

    private CancellationToken Ct => _cts.Token;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        try
        {
            await Ts.DestroyAsync(_name, CancellationToken.None);
        }
        catch (XenException)
        {
            // Removed by the test.
        }

        await Ts.DeleteFileAsync(DomainConfigOperations.ConfigPathFor(Ts.ConfigDirectory, _name), CancellationToken.None);
        _log.Attach(null);
        _cts.Dispose();
    }

    private Task Run(string name, Func<Task> body) => Scenario.RunAsync(_out, name, body);

    [Fact]
    public async Task NewStart_SetPersist_StopWait_Start_Remove()
    {
        var ops = new DomainConfigOperations(_log);
        var life = new DomainLifecycle(_log) { PollInterval = TimeSpan.FromMilliseconds(500) };
        int mem = _env.GuestMemoryMB;
        string path = DomainConfigOperations.ConfigPathFor(Ts.ConfigDirectory, _name);
        XenDomain d = null!;

        await Run("New-XenDomain -Start (config file in /etc/xen, xl create from it)", async () =>
        {
            XenDomainConfig config = DomainConfigOperations.BuildConfig(_env.Spec(_name, XenDomainType.Pv, mem * 2));
            d = await ops.NewAsync(_host, config, force: false, start: true, paused: false, Ct);
            Assert.Equal(XenDomainState.Running, d.State);
            Assert.Equal(path, d.ConfigPath);
            Assert.Equal(config.ToConfigText(), await Ts.ReadFileAsync(path, Ct));

            // a second New of the same name is refused before anything is written
            // (exclusive creation on the host: the loser of any race, or a second New, gets DomainExists)
            var exists = await Assert.ThrowsAsync<XenDomainExistsException>(() => ops.NewAsync(_host, config, false, true, false, Ct));
            Assert.Equal("DomainExists", exists.ErrorId);
        });

        await Run("Set-XenDomain -MemoryMB -MaxMemoryMB -Persist (live and in the file)", async () =>
        {
            d = (await ops.SetAsync(new DomainTarget(_host, d), new DomainSettings { MemoryMB = mem - 32, MaxMemoryMB = mem + 64, Persist = true }, Ct))!;
            await Poll.UntilAsync(() => Ts.GetDomainAsync(_name, Ct), x => x.MemoryMB == mem - 32, TimeSpan.FromSeconds(90), "the guest to balloon down", Ct);
            XenDomainConfig file = XenDomainConfig.Parse(await Ts.ReadFileAsync(path, Ct), path);
            Assert.Equal(mem - 32, file.MemoryMB);
            Assert.Equal(mem + 64, file.MaxMemoryMB);
            Assert.Equal(mem + 64, (await Ts.GetDomainAsync(_name, Ct)).MaxMemoryMB);
        });

        await Run("Stop-XenDomain -Wait (graceful shutdown; the domain stays as Off)", async () =>
        {
            d = await Ts.GetDomainAsync(_name, Ct);
            XenDomain? stopped = await life.StopAsync(new DomainTarget(_host, d), force: false, wait: true, TimeSpan.FromMinutes(3), Ct);
            Assert.NotNull(stopped);
            Assert.Equal(XenDomainState.Off, stopped.State);
            Assert.Null(stopped.Id);
            d = stopped;
        });

        await Run("Start-XenDomain of the Off domain (from the persisted file)", async () =>
        {
            XenDomain? started = await life.StartAsync(new DomainTarget(_host, d), paused: false, Ct);
            Assert.NotNull(started);
            Assert.Equal(XenDomainState.Running, started.State);
            Assert.Equal(mem + 64, started.MaxMemoryMB);
            Assert.Equal(mem - 32, started.MemoryMB);
            d = started;
        });

        await Run("Remove-XenDomain -Force (destroy, config file deleted)", async () =>
        {
            var running = await Assert.ThrowsAsync<XenOperationException>(() => life.RemoveAsync(new DomainTarget(_host, d), force: false, Ct));
            Assert.Equal("DomainRunning", running.ErrorId);
            await life.RemoveAsync(new DomainTarget(_host, d), force: true, Ct);
            Assert.False(await Ts.FileExistsAsync(path, Ct));
            await Assert.ThrowsAsync<XenDomainNotFoundException>(() => Ts.GetDomainAsync(_name, Ct));
        });
    }
}

using System.Globalization;
using XenPS.Operations;
using XenPS.Toolstack;

namespace XenPS.IntegrationTests;

/// <summary>
/// Exact targeting on the real xl: a domain whose name would be an option if passed bare (made with plain
/// <c>xl create</c>, outside XenPS's name rules) is reached through every subcommand XenPS names domains with
/// (xl must accept the <c>--</c> XenPS puts before such a word), and stopped exactly, its look-alike untouched.
/// </summary>
[Trait("Category", "Integration")]
[Collection(RealXenCollection.Name)]
public sealed class TargetingTests : IAsyncLifetime
{
    private readonly ITestOutputHelper _out;
    private readonly RealXenEnvironment _env;
    private readonly TestOutputLoggerProvider _log = new();
    private readonly XenHostConnection _host;
    private readonly string _plain = $"xenps-it-opt-{Guid.NewGuid().ToString("N")[..6]}";
    private readonly CancellationTokenSource _cts = new(TimeSpan.FromMinutes(8));

    public TargetingTests(ITestOutputHelper output)
    {
        _out = output;
        _env = RealXenEnvironment.FromEnvironment();
        _log.Attach(output);
        _host = _env.Connect(_log);
    }

    private IXenToolstack Ts => _host.Toolstack;

    private string Odd => "-" + _plain;

    private CancellationToken Ct => _cts.Token;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (XenDomain d in (await Ts.ListDomainsAsync(CancellationToken.None)).Where(d => d.Id is > 0 && d.Name.Contains(_plain, StringComparison.Ordinal)))
        {
            await Ts.DestroyAsync(d.Id!.Value.ToString(CultureInfo.InvariantCulture), CancellationToken.None);
        }

        _log.Attach(null);
        _cts.Dispose();
    }

    private Task Run(string name, Func<Task> body) => Scenario.RunAsync(_out, name, body);

    [Fact]
    public async Task A_domain_named_like_an_option_is_reached_through_every_subcommand_and_stopped_exactly()
    {
        await Run("New-XenDomain refuses a name that xl would read as an option, before anything is written", () =>
        {
            var ex = Assert.Throws<XenOperationException>(() => DomainConfigOperations.BuildConfig(_env.Spec("-a", XenDomainType.Pv)));
            Assert.Equal("InvalidDomainName", ex.ErrorId);
            return Task.CompletedTask;
        });

        string text = _env.GuestConfig(_plain, XenDomainType.Pv);
        XenDomain neighbour = await Ts.CreateAsync(text, paused: false, Ct);
        XenDomain odd = null!;
        await Run("plain xl create of a domain named '-xenps-it-opt-...' (outside XenPS's name rules)", async () =>
        {
            odd = await Ts.CreateAsync(text.Replace($"\"{_plain}\"", $"\"{Odd}\"", StringComparison.Ordinal), paused: false, Ct);
            Assert.Equal(Odd, odd.Name);
        });

        await Run("xl list -l / uptime / vcpu-list / mem-set -- <name>: xl takes the name after '--'", async () =>
        {
            Assert.Contains(Odd, await Ts.GetLiveConfigJsonAsync(Odd, Ct), StringComparison.Ordinal);
            Assert.Contains(await Ts.GetUptimeAsync(Odd, Ct), u => u.DomainId == odd.Id);
            Assert.All(await Ts.GetVCpusAsync(Odd, Ct), v => Assert.Equal(odd.Id, v.DomainId));
            await Ts.SetMemoryAsync(Odd, odd.MemoryMB, Ct);
        });

        await Run("xl pause / unpause -- <name> act on that domain only", async () =>
        {
            await Ts.PauseAsync(Odd, Ct);
            Assert.Equal(XenDomainState.Paused, (await Ts.FindRunningDomainAsync(odd.Id!.Value, Ct))?.State);
            Assert.Equal(XenDomainState.Running, (await Ts.FindRunningDomainAsync(neighbour.Id!.Value, Ct))?.State);
            await Ts.UnpauseAsync(Odd, Ct);
            Assert.Equal(XenDomainState.Running, (await Ts.FindRunningDomainAsync(odd.Id!.Value, Ct))?.State);
        });

        await Run("xl rename -- <name> <new name starting with '-'>, and back", async () =>
        {
            await Ts.RenameAsync(Odd, Odd + "-x", Ct);
            Assert.Equal(Odd + "-x", (await Ts.FindRunningDomainAsync(odd.Id!.Value, Ct))?.Name);
            await Ts.RenameAsync(Odd + "-x", Odd, Ct);
            Assert.Equal(Odd, (await Ts.FindRunningDomainAsync(odd.Id!.Value, Ct))?.Name);
        });

        await Run("Stop-XenDomain -Name '-xenps-it-opt-...' -Force stops exactly that domain", async () =>
        {
            DomainResolution r = await DomainTargetResolver.ResolveAsync([_host], new DomainSelector { Names = [Odd], IncludeDom0WhenUnfiltered = false }, Ct);
            DomainTarget target = Assert.Single(r.Targets);
            Assert.Equal(odd.Id, target.Domain.Id);
            await new DomainLifecycle(_log).StopAsync(target, force: true, wait: false, timeout: null, Ct);
            await Poll.UntilAsync(() => Ts.FindRunningDomainAsync(odd.Id!.Value, Ct), d => d is null, TimeSpan.FromSeconds(60), "the odd domain to be gone", Ct);
            Assert.Equal(XenDomainState.Running, (await Ts.FindRunningDomainAsync(neighbour.Id!.Value, Ct))?.State);
            Assert.Equal(neighbour.Id, Assert.Single(await Ts.ListDomainsAsync(Ct), d => d.Id is > 0 && d.Name.Contains(_plain, StringComparison.Ordinal)).Id);
        });
    }
}

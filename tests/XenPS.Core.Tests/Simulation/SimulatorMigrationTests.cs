using XenPS.Simulation;

namespace XenPS.Core.Tests.Simulation;

/// <summary>Migration between hosts of one fabric: the in-flight names, success, and both failure modes of real xl.</summary>
public sealed class SimulatorMigrationTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private const string GuestConfig = "name = \"web\"\ntype = \"pvh\"\nkernel = \"/boot/vmlinuz\"\nmemory = 128\nmaxmem = 256\n";

    private static async Task<(SimulatedFabric Fabric, SimulatedToolstack A, SimulatedToolstack B, ManualTimeProvider Time)> TwoHostsAsync(SimulatedHostOptions? destination = null)
    {
        var time = new ManualTimeProvider();
        SimulatedFabric fabric = SimulatedFabric.InMemory();
        await fabric.AddHostAsync("host-a", timeProvider: time);
        await fabric.AddHostAsync("host-b", destination, time);
        return (fabric, fabric.GetToolstack("host-a", timeProvider: time), fabric.GetToolstack("host-b", timeProvider: time), time);
    }

    private static async Task<string[]> NamesAsync(SimulatedToolstack xl) => (await xl.ListDomainsAsync(Ct)).Select(d => d.Name).ToArray();

    [Fact]
    public async Task Migration_ShowsTheInFlightNames_ThenSucceeds()
    {
        (SimulatedFabric fabric, SimulatedToolstack a, SimulatedToolstack b, ManualTimeProvider time) = await TwoHostsAsync();
        XenDomain web = await a.CreateAsync(GuestConfig, false, Ct);
        long freeB = (await b.GetHostInfoAsync(Ct)).FreeMemoryMB;
        await fabric.SetLatencyAsync("host-a", "Migrate", TimeSpan.FromSeconds(40), Ct);
        var lines = new List<string>();

        Task<XenMigrationResult> migration = a.MigrateAsync("web", new XenMigrationRequest("host-b"), new SyncProgress(lines), Ct);
        await time.WaitForTimersAsync();

        // In flight: web still runs at the sender; web--incoming waits, paused, at the receiver.
        Assert.Equal(new[] { "Domain-0", "web" }, await NamesAsync(a));
        XenDomain incoming = await b.GetDomainAsync("web--incoming", Ct);
        Assert.Equal(XenDomainState.Paused, incoming.State);
        Assert.Equal(web.Uuid, incoming.Uuid);
        Assert.Equal(freeB - 128, (await b.GetHostInfoAsync(Ct)).FreeMemoryMB);
        Assert.Contains("migration target: Ready to receive domain.", lines);

        time.Advance(TimeSpan.FromSeconds(20));
        await time.WaitForTimersAsync();

        // Transfer complete: the sender renamed its copy away before giving permission to start.
        Assert.Equal(new[] { "Domain-0", "web--migratedaway" }, await NamesAsync(a));
        Assert.Equal(new[] { "Domain-0", "web--incoming" }, await NamesAsync(b));
        Assert.Contains("migration sender: Giving target permission to start.", lines);

        time.Advance(TimeSpan.FromSeconds(20));
        XenMigrationResult result = await migration.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(("web", "host-a", "host-b", TimeSpan.FromSeconds(40)), (result.DomainName, result.SourceHost, result.Destination, result.Duration));
        Assert.EndsWith("Migration successful.\n", result.Log, StringComparison.Ordinal);
        Assert.Equal("Migration successful.", lines[^1]);
        Assert.Equal(new[] { "Domain-0" }, await NamesAsync(a));
        XenDomain arrived = await b.GetDomainAsync("web", Ct);
        Assert.Equal((XenDomainState.Running, web.Uuid, 128L), (arrived.State, arrived.Uuid, arrived.MemoryMB));
        Assert.Equal("host-b", arrived.HostName);
        Assert.Equal(3071 - 1024 - 33, (await a.GetHostInfoAsync(Ct)).FreeMemoryMB);
    }

    [Fact]
    public async Task Migration_WithinOneHost_ThroughXlMigrateReceive()
    {
        (_, SimulatedToolstack a, _, _) = await TwoHostsAsync();
        XenDomain web = await a.CreateAsync(GuestConfig, false, Ct);
        await a.MigrateAsync("web", new XenMigrationRequest("xl migrate-receive") { SshCommand = string.Empty }, null, Ct);
        XenDomain moved = await a.GetDomainAsync("web", Ct);
        Assert.True(moved.Id > web.Id, "fixture 141/142: the migrated domain has a new domid");
        Assert.Equal(new[] { "Domain-0", "web" }, await NamesAsync(a));
    }

    [Fact]
    public async Task Migration_ResumeAtSender_LeavesTheDomainRunningAtTheSource()
    {
        (SimulatedFabric fabric, SimulatedToolstack a, SimulatedToolstack b, _) = await TwoHostsAsync();
        XenDomain web = await a.CreateAsync(GuestConfig, false, Ct);
        await fabric.FailNextMigrationAsync("host-a", SimulatedMigrationFailure.ResumeAtSender, Ct);

        var error = await Assert.ThrowsAsync<XenMigrationException>(() => a.MigrateAsync("web", new XenMigrationRequest("host-b"), null, Ct));
        Assert.False(error.StateUndefined);
        Assert.Equal("MigrationFailedResumedAtSource", error.ErrorId);
        Assert.Contains("Migration failed, resuming at sender.", error.StandardError, StringComparison.Ordinal);
        XenDomain still = await a.GetDomainAsync("web", Ct);
        Assert.Equal((web.Id, XenDomainState.Running), (still.Id, still.State));
        Assert.Equal(new[] { "Domain-0" }, await NamesAsync(b));

        // Only the next migration was told to fail.
        await a.MigrateAsync("web", new XenMigrationRequest("host-b"), null, Ct);
        Assert.Equal(XenDomainState.Running, (await b.GetDomainAsync("web", Ct)).State);
    }

    [Fact]
    public async Task Migration_FailingInTheFinalHandshake_LeavesTheStateUndefined()
    {
        (SimulatedFabric fabric, SimulatedToolstack a, SimulatedToolstack b, _) = await TwoHostsAsync();
        await a.CreateAsync(GuestConfig, false, Ct);
        await fabric.FailNextMigrationAsync("host-a", SimulatedMigrationFailure.FinalHandshake, Ct);

        var error = await Assert.ThrowsAsync<XenMigrationException>(() => a.MigrateAsync("web", new XenMigrationRequest("host-b"), null, Ct));
        Assert.True(error.StateUndefined);
        Assert.Equal("MigrationStateUndefined", error.ErrorId);
        Assert.Contains("** Migration failed during final handshake **", error.StandardError, StringComparison.Ordinal);
        Assert.Equal(new[] { "Domain-0", "web--migratedaway" }, await NamesAsync(a));
        Assert.Equal(new[] { "Domain-0", "web--incoming" }, await NamesAsync(b));
        await Assert.ThrowsAsync<XenDomainNotFoundException>(() => a.GetDomainAsync("web", Ct));
    }

    [Fact]
    public async Task Migration_ChecksTheDestinationsMemory()
    {
        (_, SimulatedToolstack a, SimulatedToolstack b, _) = await TwoHostsAsync(new SimulatedHostOptions { TotalMemoryMB = 1100 });
        XenDomain web = await a.CreateAsync(GuestConfig, false, Ct);

        var error = await Assert.ThrowsAsync<XenMigrationException>(() => a.MigrateAsync("web", new XenMigrationRequest("host-b"), null, Ct));
        Assert.False(error.StateUndefined);
        Assert.Contains("Out of memory", error.StandardError, StringComparison.Ordinal);
        Assert.Contains("Migration failed, resuming at sender.", error.StandardError, StringComparison.Ordinal);
        Assert.Equal(web.Id, (await a.GetDomainAsync("web", Ct)).Id);
        Assert.Equal(new[] { "Domain-0" }, await NamesAsync(b));
    }

    [Fact]
    public async Task Migration_ToAnUnknownHost_OrOverAnExistingName_ResumesAtTheSender()
    {
        (_, SimulatedToolstack a, SimulatedToolstack b, _) = await TwoHostsAsync();
        await a.CreateAsync(GuestConfig, false, Ct);
        var unknown = await Assert.ThrowsAsync<XenMigrationException>(() => a.MigrateAsync("web", new XenMigrationRequest("host-z"), null, Ct));
        Assert.False(unknown.StateUndefined);
        Assert.Contains("host-z", unknown.StandardError, StringComparison.Ordinal);

        await b.CreateAsync(GuestConfig, false, Ct);
        var clash = await Assert.ThrowsAsync<XenMigrationException>(() => a.MigrateAsync("web", new XenMigrationRequest("host-b"), null, Ct));
        Assert.False(clash.StateUndefined);
        Assert.Contains("Migration failed due to problems at target.", clash.StandardError, StringComparison.Ordinal);
        Assert.Equal(XenDomainState.Running, (await a.GetDomainAsync("web", Ct)).State);
        Assert.Equal(new[] { "Domain-0", "web" }, await NamesAsync(b));

        await Assert.ThrowsAsync<XenDomainNotFoundException>(() => a.MigrateAsync("nosuch", new XenMigrationRequest("host-b"), null, Ct));
    }

    [Fact]
    public async Task Migration_SlowerThanItsTimeout_IsStoppedWithTheStateUndefined()
    {
        (SimulatedFabric fabric, SimulatedToolstack a, SimulatedToolstack b, ManualTimeProvider time) = await TwoHostsAsync();
        await a.CreateAsync(GuestConfig, false, Ct);
        await fabric.SetLatencyAsync("host-a", "Migrate", TimeSpan.FromMinutes(10), Ct);

        Task<XenMigrationResult> migration = a.MigrateAsync("web", new XenMigrationRequest("host-b") { Timeout = TimeSpan.FromMinutes(2) }, null, Ct);
        await time.WaitForTimersAsync();
        time.Advance(TimeSpan.FromMinutes(2));
        var error = await Assert.ThrowsAsync<XenMigrationException>(() => migration.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.True(error.StateUndefined);
        Assert.Equal(new[] { "Domain-0", "web" }, await NamesAsync(a));
        Assert.Equal(new[] { "Domain-0", "web--incoming" }, await NamesAsync(b));
    }

    [Fact]
    public async Task DestroyingDomain0_IsRefusedWithXlsWords()
    {
        (_, SimulatedToolstack a, _, _) = await TwoHostsAsync();
        var error = await Assert.ThrowsAnyAsync<XlCommandException>(() => a.DestroyAsync("0", Ct));
        Assert.StartsWith("Not destroying domain 0; use -f to force.", error.StandardError, StringComparison.Ordinal);
        Assert.Equal(0, (await a.GetDomainAsync("Domain-0", Ct)).Id);
    }

    private sealed class SyncProgress(List<string> lines) : IProgress<string>
    {
        public void Report(string value)
        {
            lock (lines)
            {
                lines.Add(value);
            }
        }
    }
}

using XenPS.Core.Tests.Xl;
using XenPS.Operations;
using XenPS.Simulation;
using XenPS.Toolstack;
using XenPS.Toolstack.Xl;
using XenPS.Transport;

namespace XenPS.Core.Tests.Operations;

/// <summary>Live migration's core: xl's lines as phases, xl's failures as types, the ssh route XenPS builds, the prechecks, placement, and the operation on a simulated fabric.</summary>
public sealed class MigrationTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private const string WebConfig = """
        name = "web"
        type = "pvh"
        kernel = "/boot/vmlinuz"
        memory = 256
        disk = [ "file:/var/lib/xen/images/web.img,xvda,w" ]
        vif = [ "bridge=xenbr0" ]

        """;

    // ---- progress ----

    [Theory]
    [InlineData("141")] // same-host form
    [InlineData("145")] // ssh to localhost: the sender's "Saving" comes before the receiver's "Ready"
    [InlineData("176")] // two hosts: "Target reports successful startup" before "Domain started"
    [InlineData("341")] // xl -v on the HAP harness: one more "xc: detail:" line, no per-page progress
    public void Progress_FromRealTranscripts_GrowsThroughEveryPhaseToSucceeded(string fixture)
    {
        var tracker = new MigrationProgressTracker();
        var steps = XlListParser.SplitLines(XlFixture.Load(fixture).Stderr).Select(tracker.Push).OfType<XenMigrationProgress>().ToList();

        Assert.Superset(
            new HashSet<XenMigrationPhase> { XenMigrationPhase.Transferring, XenMigrationPhase.TransferComplete, XenMigrationPhase.PermissionGiven, XenMigrationPhase.Started, XenMigrationPhase.Succeeded },
            steps.Select(s => s.Phase).ToHashSet());
        Assert.Equal(steps.Select(s => s.PercentComplete).Order().ToArray(), steps.Select(s => s.PercentComplete).ToArray());
        Assert.Equal((XenMigrationPhase.Succeeded, 100, "Migration successful."), (steps[^1].Phase, steps[^1].PercentComplete, steps[^1].Line));
        Assert.Contains(steps, s => s.Line == "migration target: Domain started successsfully.");
    }

    [Fact]
    public void Progress_OfXlVerbose_HasNoPerPageLines_OnlyTheMilestones()
    {
        // Fixture 340 (xl -v migrate on the harness): -v adds "xc: detail: ..." lines, none of them a percentage.
        var tracker = new MigrationProgressTracker();
        string[] lines = XlListParser.SplitLines(XlFixture.Load("340").Stderr).ToArray();
        Assert.Contains(lines, l => l.StartsWith("xc: detail:", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains('%', StringComparison.Ordinal));
        Assert.Equal(
            new[] { XenMigrationPhase.ReceiverReady, XenMigrationPhase.Transferring },
            lines.Select(tracker.Push).OfType<XenMigrationProgress>().Select(p => p.Phase).ToArray());
    }

    [Fact]
    public void Progress_IgnoresLinesThatAreNoMilestone()
    {
        var tracker = new MigrationProgressTracker();
        Assert.Null(tracker.Push("xc: info: Saving domain 2, type x86 HVM"));
        Assert.Null(tracker.Push("/usr/bin/dbclient: "));
        Assert.Equal(XenMigrationPhase.Connecting, tracker.Phase);
    }

    // ---- failures ----

    [Theory]
    [InlineData("114", XenMigrationFailureKind.SuspendFailed, "MigrationSuspendFailed")]
    [InlineData("147", XenMigrationFailureKind.SuspendFailed, "MigrationSuspendFailed")]
    [InlineData("278", XenMigrationFailureKind.HostUnreachable, "HostUnreachable")]
    [InlineData("340", XenMigrationFailureKind.ResumedAtSource, "MigrationFailedResumedAtSource")] // xl -v on the HAP harness: the receiver failed; the resume after it failed too
    public void Failures_FromRealTranscripts_AreTyped(string fixture, XenMigrationFailureKind kind, string errorId)
    {
        XlFixture fx = XlFixture.Load(fixture);
        var ex = Assert.IsType<XenMigrationException>(XlErrorClassifier.Classify(fx.Command, fx.ExitCode, fx.Stderr, "dom0-a", "testvm"));
        Assert.Equal((kind, errorId), (ex.Kind, ex.ErrorId));
        Assert.Contains(fx.Stderr.Trim().Split('\n')[^1].Trim(), ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("migration sender: libxl_domain_suspend failed (rc=-3)\nMigration failed, resuming at sender.\n", "MigrationFailedResumedAtSource")]
    [InlineData("migration sender: Target reports startup failure (status code 6).\nmigration sender: Trying to resume at our end.\nmigration sender: Resumed OK.\nMigration failed due to problems at target.\n", "MigrationFailedResumedAtSource")]
    [InlineData("migration sender: Giving target permission to start.\n** Migration failed during final handshake **\nDomain state is now undefined !\n", "MigrationStateUndefined")]
    [InlineData("root@192.0.2.7: Permission denied (publickey).\nlibxl: error: libxl_utils.c:505:libxl_read_exactly: file/stream truncated reading banner from migration receiver stream\n", "AuthenticationFailed")]
    [InlineData("/usr/bin/dbclient: Connection to root@b:22 exited: No auth methods could be used.\nlibxl: error: libxl_utils.c:505:libxl_read_exactly: file/stream truncated reading banner from migration receiver stream\n", "AuthenticationFailed")]
    [InlineData("ssh: Could not resolve hostname nosuch: Name or service not known\nlibxl: error: libxl_utils.c:505:libxl_read_exactly: file/stream truncated reading banner from migration receiver stream\n", "HostUnreachable")]
    [InlineData("No config file stored for running domain and none supplied - cannot migrate.\n", "MigrationFailed")]
    public void Failures_AreTypedByXlsOwnWords(string stderr, string errorId)
    {
        var ex = Assert.IsType<XenMigrationException>(XlErrorClassifier.Classify("xl migrate 3 dom0-b", 1, stderr, "dom0-a", "3"));
        Assert.Equal(errorId, ex.ErrorId);
        Assert.Contains(stderr.Trim().Split('\n')[^1], ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Failure_MessageNamesTheDomainBothHostsAndWhatXenPsFound()
    {
        var ex = new XenMigrationException("xl migrate 3 b", 1, "** Migration failed during final handshake **\n", "host-a", "3", XenMigrationFailureKind.StateUndefined)
        {
            Destination = "host-b",
            Location = XenMigrationLocation.Both,
            Finding = "XenPS looked: both.",
        };
        ex.NameDomain("web");
        Assert.Contains("'web' (id 3)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("host-a", ex.Message, StringComparison.Ordinal);
        Assert.Contains("host-b", ex.Message, StringComparison.Ordinal);
        Assert.Contains("** Migration failed during final handshake **", ex.Message, StringComparison.Ordinal);
        Assert.EndsWith("XenPS looked: both.", ex.Message, StringComparison.Ordinal);
        Assert.Equal(XenErrorCategory.InvalidResult, ex.Category);
    }

    // ---- the route (xl's -s and host word) ----

    [Fact]
    public void Route_OverSsh_BuildsXlsSshArgumentFromValidatedWords()
    {
        XenMigrationRoute r = XenMigrationRoute.OverSsh("dom0-b.example.org", 2222, "root");
        Assert.False(r.SameHost);
        Assert.Equal("ssh -p 2222 -l root", r.SshCommand);
        Assert.Equal("dom0-b.example.org", r.Destination);
        XenMigrationRequest q = r.Request("/etc/xen/web.cfg", true);
        Assert.Equal(("ssh -p 2222 -l root", "dom0-b.example.org", "/etc/xen/web.cfg", true), (q.SshCommand, q.Destination, q.ConfigPath, q.Paused));
        Assert.Equal("ssh", XenMigrationRoute.OverSsh("192.0.2.1", null, null).SshCommand);
        Assert.Equal("fe80::1", XenMigrationRoute.OverSsh("fe80::1", null, null).Destination);
    }

    [Fact]
    public void Route_SameHost_IsXlsSameHostForm()
    {
        XenMigrationRoute r = XenMigrationRoute.ToSameHost();
        Assert.True(r.SameHost);
        Assert.Equal((string.Empty, "xl migrate-receive"), (r.SshCommand, r.Destination));
    }

    [Theory]
    [InlineData("b; reboot")]
    [InlineData("$(reboot)")]
    [InlineData("`reboot`")]
    [InlineData("-oProxyCommand=reboot")]
    [InlineData("b reboot")]
    [InlineData("b|reboot")]
    [InlineData("b\nreboot")]
    [InlineData("b&")]
    [InlineData("'b'")]
    [InlineData("b>x")]
    [InlineData("user@b")]
    [InlineData("")]
    [InlineData("-b")]
    [InlineData("b-.c")]
    [InlineData("::1;x")]
    public void Route_RefusesHostileAddresses(string address)
    {
        var ex = Assert.Throws<XenOperationException>(() => XenMigrationRoute.OverSsh(address, null, null));
        Assert.Equal("InvalidDestinationAddress", ex.ErrorId);
    }

    [Theory]
    [InlineData("root; reboot")]
    [InlineData("-oProxyCommand=x")]
    [InlineData("$USER")]
    [InlineData("1root")]
    public void Route_RefusesHostileUsers(string user) =>
        Assert.Equal("InvalidDestinationUser", Assert.Throws<XenOperationException>(() => XenMigrationRoute.OverSsh("b", 22, user)).ErrorId);

    [Theory]
    [InlineData(0)]
    [InlineData(65536)]
    [InlineData(-22)]
    public void Route_RefusesPortsOutOfRange(int port) =>
        Assert.Equal("InvalidDestinationPort", Assert.Throws<XenOperationException>(() => XenMigrationRoute.OverSsh("b", port, null)).ErrorId);

    [Fact]
    public void Probe_ReadsSshsExitFromTheScriptsLastLine()
    {
        CommandResult ok = XlToolstack.ParseProbe(new CommandResult(0, "host : b\nxen_version : 4.17.7\nxenps-exit=0\n", string.Empty, TimeSpan.Zero));
        Assert.Equal((0, "host : b\nxen_version : 4.17.7"), (ok.ExitCode, ok.StandardOutput));
        CommandResult down = XlToolstack.ParseProbe(new CommandResult(0, "\n/usr/bin/dbclient: Connection to root@192.0.2.1:22 exited: Connect failed: Connection refused\nxenps-exit=1\n", string.Empty, TimeSpan.Zero));
        Assert.Equal(1, down.ExitCode);
        Assert.Contains("Connection refused", down.StandardError, StringComparison.Ordinal);
        Assert.Throws<XenOutputNotUnderstoodException>(() => XlToolstack.ParseProbe(new CommandResult(0, "garbage\n", string.Empty, TimeSpan.Zero)));
    }

    // ---- placement ----

    private static XenMigrationCheck Check(string destination, long? free, long memory = 256, params XenMigrationProblem[] problems) =>
        new("g", "a", destination, problems) { DestinationFreeMemoryMB = free, MemoryMB = memory };

    [Fact]
    public void Placement_ChoosesTheMostFreeMemoryAfterEarlierPlacements()
    {
        var placement = new MigrationPlacement();
        var placed = new List<string>();
        for (int i = 0; i < 4; i++)
        {
            // b has 1000 MiB free, c 700, 256 each: b (744 left), b (488 > 444), c (444 > 232), b (232 > 188).
            placed.Add(placement.Place([Check("b", 1000), Check("c", 700)], out _)!.Destination);
        }

        Assert.Equal(new[] { "b", "b", "c", "b" }, placed);
        Assert.Equal(768, placement.Reserved["b"]);
    }

    [Fact]
    public void Placement_SkipsDestinationsWithProblemsOrTooLittleMemoryLeft_AndSaysWhy()
    {
        var placement = new MigrationPlacement();
        var bad = new XenMigrationProblem("BridgeNotFound", "no xenbr1", null);
        Assert.Equal("c", placement.Place([Check("b", 4000, 256, bad), Check("c", 300)], out _)!.Destination);
        Assert.Null(placement.Place([Check("b", 4000, 256, bad), Check("c", 300)], out IReadOnlyList<XenMigrationProblem> why));
        Assert.Equal(new[] { "BridgeNotFound", "InsufficientMemory" }, why.Select(p => p.Id).ToArray());
        Assert.Contains("promised to guests placed earlier", why[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Placement_ReleaseGivesTheMemoryBack()
    {
        var placement = new MigrationPlacement();
        XenMigrationCheck c = placement.Place([Check("c", 300)], out _)!;
        placement.Release(c);
        Assert.NotNull(placement.Place([Check("c", 300)], out _));
    }

    // ---- prechecks and migration on a simulated fabric ----

    private static async Task<(XenHostConnection A, XenHostConnection B, SimulatedFabric Fabric)> FabricAsync(string webConfig = WebConfig, SimulatedHostOptions? hostA = null, SimulatedHostOptions? hostB = null)
    {
        SimulatedFabric fabric = SimulatedFabric.InMemory();
        await fabric.AddHostAsync("host-a", hostA);
        await fabric.AddHostAsync("host-b", hostB);
        XenHostConnection a = await XenConnectionFactory.SimulatedAsync(new SimulatedConnectionOptions { Name = "host-a", InMemoryFabric = fabric });
        XenHostConnection b = await XenConnectionFactory.SimulatedAsync(new SimulatedConnectionOptions { Name = "host-b", InMemoryFabric = fabric });
        foreach (XenHostConnection h in new[] { a, b })
        {
            await h.Toolstack.CreateDiskImageAsync("/var/lib/xen/images/web.img", 1 << 30, "raw", false, Ct);
        }

        await a.Toolstack.WriteFileAsync("/etc/xen/web.cfg", webConfig, Ct);
        await a.Toolstack.CreateFromFileAsync("/etc/xen/web.cfg", false, Ct);
        return (a, b, fabric);
    }

    private static async Task<DomainTarget> WebAsync(XenHostConnection a) => new(a, await a.Toolstack.GetDomainAsync("web", Ct));

    [Fact]
    public async Task Check_PassesForAGuestWhoseDisksAndBridgesExistThere()
    {
        (XenHostConnection a, XenHostConnection b, _) = await FabricAsync();
        XenMigrationCheck c = await new MigrationOperations().CheckAsync(await WebAsync(a), b, XenMigrationRoute.For(a, b, null, null, null), null, Ct);
        Assert.True(c.CanMigrate, string.Join("; ", c.Problems));
        Assert.Equal(("web", "host-a", "host-b", 256L), (c.DomainName, c.SourceHost, c.Destination, c.MemoryMB));
        Assert.Same(a, c.XenHost);
    }

    [Fact]
    public async Task Check_ReportsEveryProblemWithAStableId()
    {
        // host-a has a bridge host-b lacks; host-b has too little memory left for the guest.
        string config = WebConfig.Replace("xenbr0", "xenbr9", StringComparison.Ordinal).Replace("memory = 256", "memory = 512", StringComparison.Ordinal);
        (XenHostConnection a, XenHostConnection b, _) = await FabricAsync(config, new SimulatedHostOptions { Bridges = ["xenbr0", "xenbr9"] }, new SimulatedHostOptions { TotalMemoryMB = 1500 });
        await a.Toolstack.CreateDiskImageAsync("/var/lib/xen/images/only-a.img", 1 << 20, "raw", false, Ct);
        DomainTarget web = await WebAsync(a);
        await a.Toolstack.AttachDiskAsync(web.Reference, "file:/var/lib/xen/images/only-a.img,xvdb,w", Ct);
        await b.Toolstack.CreateAsync("name = \"web\"\ntype = \"pvh\"\nkernel = \"/boot/vmlinuz\"\nmemory = 64\n", true, Ct);

        XenMigrationCheck c = await new MigrationOperations().CheckAsync(web, b, XenMigrationRoute.For(a, b, null, null, null), null, Ct);
        Assert.False(c.CanMigrate);
        Assert.Equal(new[] { "BridgeNotFound", "DiskNotFound", "DomainNameExists", "InsufficientMemory" }, c.Problems.Select(p => p.Id).Order().ToArray());
        Assert.IsType<XenDisk>(c.Problems.Single(p => p.Id == "DiskNotFound").Source);
        Assert.IsType<XenNetworkAdapter>(c.Problems.Single(p => p.Id == "BridgeNotFound").Source);
    }

    [Fact]
    public async Task Check_AnUnreachableAddressIsAProblemFoundFromTheSource()
    {
        (XenHostConnection a, XenHostConnection b, _) = await FabricAsync();
        XenMigrationCheck c = await new MigrationOperations().CheckAsync(await WebAsync(a), b, XenMigrationRoute.For(a, b, "192.0.2.1", null, null), null, Ct);
        XenMigrationProblem p = Assert.Single(c.Problems);
        Assert.Equal("DestinationUnreachable", p.Id);
        Assert.Contains("192.0.2.1", p.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_SameHost_SkipsNameAndMemory_ButAGivenConfigMustExist()
    {
        (XenHostConnection a, _, _) = await FabricAsync();
        XenMigrationRoute same = XenMigrationRoute.For(a, a, null, null, null);
        Assert.True(same.SameHost);
        var ops = new MigrationOperations();
        Assert.True((await ops.CheckAsync(await WebAsync(a), a, same, null, Ct)).CanMigrate);
        Assert.Equal("ConfigNotFound", Assert.Single((await ops.CheckAsync(await WebAsync(a), a, same, "/etc/xen/nosuch.cfg", Ct)).Problems).Id);
    }

    [Fact]
    public async Task Migrate_MovesTheGuest_WithPhases_NewId_AndMoveConfig()
    {
        (XenHostConnection a, XenHostConnection b, _) = await FabricAsync();
        DomainTarget web = await WebAsync(a);
        long freeB = (await b.Toolstack.GetHostInfoAsync(Ct)).FreeMemoryMB;
        var steps = new List<XenMigrationProgress>();

        XenMigrationResult r = await new MigrationOperations().MigrateAsync(web, b, XenMigrationRoute.For(a, b, null, null, null), new XenMigrationOptions { MoveConfig = true }, new Sink(steps), Ct);

        XenDomain there = await b.Toolstack.GetDomainAsync("web", Ct);
        Assert.Equal((web.Domain.Uuid, there.Id, "/etc/xen/web.cfg"), (r.Uuid, r.NewId, r.ConfigPath));
        Assert.Equal(("host-a", "host-b", "host-a"), (r.SourceHost, r.Destination, r.HostName));
        Assert.Equal(XenMigrationPhase.Succeeded, steps[^1].Phase);
        Assert.Equal(XenMigrationPhase.Connecting, steps[0].Phase);
        Assert.Equal(freeB - 256, (await b.Toolstack.GetHostInfoAsync(Ct)).FreeMemoryMB);
        Assert.False(await a.Toolstack.FileExistsAsync("/etc/xen/web.cfg", Ct));
        Assert.Equal(WebConfig, await b.Toolstack.ReadFileAsync("/etc/xen/web.cfg", Ct));
        Assert.DoesNotContain(await a.Toolstack.ListDomainsAsync(Ct), d => d.Name == "web");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_off_guest_is_refused_even_with_Force_and_the_error_does_not_offer_Force(bool force)
    {
        (XenHostConnection a, XenHostConnection b, _) = await FabricAsync();
        await a.Toolstack.DestroyAsync("web", Ct);
        DomainTarget off = await WebAsync(a);
        Assert.Equal(XenDomainState.Off, off.Domain.State);

        var ex = await Assert.ThrowsAsync<XenMigrationException>(() => new MigrationOperations().MigrateAsync(off, b, XenMigrationRoute.For(a, b, null, null, null), new XenMigrationOptions { Force = force }, null, Ct));

        Assert.Equal("MigrationPrecheckFailed", ex.ErrorId);
        Assert.Contains("[DomainNotRunning]", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("-Force", ex.Message, StringComparison.Ordinal);
        Assert.True(await a.Toolstack.FileExistsAsync("/etc/xen/web.cfg", Ct));
    }

    [Fact]
    public void Placement_with_Force_still_refuses_what_Force_cannot_help()
    {
        var notRunning = new XenMigrationCheck("web", "host-a", "host-b", [new XenMigrationProblem("DomainNotRunning", "not running", null)]) { MemoryMB = 256, DestinationFreeMemoryMB = 4096 };
        var bridge = new XenMigrationCheck("web", "host-a", "host-b", [new XenMigrationProblem("BridgeNotFound", "no xenbr9", null)]) { MemoryMB = 256, DestinationFreeMemoryMB = 4096 };
        Assert.Null(new MigrationPlacement().Place([notRunning], out IReadOnlyList<XenMigrationProblem> why, ignoreProblems: true));
        Assert.Equal("DomainNotRunning", Assert.Single(why).Id);
        Assert.Same(bridge, new MigrationPlacement().Place([bridge], out _, ignoreProblems: true));
        Assert.Contains("(use -Force to try anyway)", MigrationOperations.Refused(bridge).Message, StringComparison.Ordinal);
        Assert.DoesNotContain("-Force", MigrationOperations.Refused(notRunning).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MoveConfig_TakesTheAutostartLinkAlong()
    {
        (XenHostConnection a, XenHostConnection b, _) = await FabricAsync();
        await a.Toolstack.CreateSymbolicLinkAsync("/etc/xen/auto/web.cfg", "/etc/xen/web.cfg", Ct);
        DomainTarget web = await WebAsync(a);
        Assert.True(web.Domain.AutoStart);

        await new MigrationOperations().MigrateAsync(web, b, XenMigrationRoute.For(a, b, null, null, null), new XenMigrationOptions { MoveConfig = true }, null, Ct);

        Assert.True((await b.Toolstack.GetDomainAsync("web", Ct)).AutoStart);
        Assert.True(await b.Toolstack.FileExistsAsync("/etc/xen/auto/web.cfg", Ct));
        Assert.False(await a.Toolstack.FileExistsAsync("/etc/xen/auto/web.cfg", Ct));
        Assert.False(await a.Toolstack.FileExistsAsync("/etc/xen/web.cfg", Ct));
    }

    [Fact]
    public async Task MoveConfig_ThatFailsLeavesTheFileAndLinkAtTheSource_AndSaysTheGuestMoved()
    {
        (XenHostConnection a, XenHostConnection b, SimulatedFabric fabric) = await FabricAsync();
        await a.Toolstack.CreateSymbolicLinkAsync("/etc/xen/auto/web.cfg", "/etc/xen/web.cfg", Ct);
        DomainTarget web = await WebAsync(a);
        await fabric.FailNextAsync("host-a", "DeleteFile", 2, "rm: cannot remove '/etc/xen/web.cfg': Read-only file system", Ct);

        var ex = await Assert.ThrowsAsync<XenStepsException>(() => new MigrationOperations().MigrateAsync(web, b, XenMigrationRoute.For(a, b, null, null, null), new XenMigrationOptions { MoveConfig = true }, null, Ct));

        Assert.Contains("migrated it (it runs on host 'host-b' now)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Read-only file system", ex.Message, StringComparison.Ordinal);
        Assert.Equal(XenDomainState.Running, (await b.Toolstack.GetDomainAsync("web", Ct)).State);
        Assert.Equal(WebConfig, await a.Toolstack.ReadFileAsync("/etc/xen/web.cfg", Ct));
        Assert.True(await a.Toolstack.FileExistsAsync("/etc/xen/auto/web.cfg", Ct));
        Assert.False(await b.Toolstack.FileExistsAsync("/etc/xen/web.cfg", Ct));
        Assert.False(await b.Toolstack.FileExistsAsync("/etc/xen/auto/web.cfg", Ct));
    }

    [Fact]
    public async Task Migrate_WithProblems_IsRefusedBeforeAnythingMoves_UnlessForced()
    {
        (XenHostConnection a, XenHostConnection b, _) = await FabricAsync(WebConfig.Replace("xenbr0", "xenbr9", StringComparison.Ordinal), new SimulatedHostOptions { Bridges = ["xenbr0", "xenbr9"] });
        var ops = new MigrationOperations();
        XenMigrationRoute route = XenMigrationRoute.For(a, b, null, null, null);
        DomainTarget web = await WebAsync(a);
        var refused = await Assert.ThrowsAsync<XenMigrationException>(() => ops.MigrateAsync(web, b, route, new XenMigrationOptions(), null, Ct));
        Assert.Equal("MigrationPrecheckFailed", refused.ErrorId);
        Assert.Contains("[BridgeNotFound]", refused.Message, StringComparison.Ordinal);
        Assert.Equal(XenDomainState.Running, (await a.Toolstack.GetDomainAsync("web", Ct)).State);
    }

    [Fact]
    public async Task Migrate_ToAnAddressTheSourceCannotReach_IsHostUnreachableBeforeAnythingMoves()
    {
        (XenHostConnection a, XenHostConnection b, _) = await FabricAsync();
        DomainTarget web = await WebAsync(a);
        var ex = await Assert.ThrowsAsync<XenMigrationException>(() =>
            new MigrationOperations().MigrateAsync(web, b, XenMigrationRoute.For(a, b, "192.0.2.1", null, null), new XenMigrationOptions(), null, Ct));
        Assert.Equal(("HostUnreachable", true), (ex.ErrorId, ex.Prechecked));
        Assert.Contains("[DestinationUnreachable]", ex.Message, StringComparison.Ordinal);
        Assert.Equal(web.Domain.Id, (await a.Toolstack.GetDomainAsync("web", Ct)).Id);
    }

    [Theory]
    [InlineData(SimulatedMigrationFailure.ResumeAtSender, "MigrationFailedResumedAtSource", XenMigrationLocation.Source)]
    [InlineData(SimulatedMigrationFailure.TargetFailed, "MigrationFailedResumedAtSource", XenMigrationLocation.Source)]
    [InlineData(SimulatedMigrationFailure.SuspendFailed, "MigrationSuspendFailed", XenMigrationLocation.Source)]
    [InlineData(SimulatedMigrationFailure.Unreachable, "HostUnreachable", XenMigrationLocation.Source)]
    [InlineData(SimulatedMigrationFailure.FinalHandshake, "MigrationStateUndefined", XenMigrationLocation.Both)]
    public async Task Migrate_EveryFailureKind_SaysWhereTheGuestIsNow(SimulatedMigrationFailure failure, string errorId, XenMigrationLocation location)
    {
        (XenHostConnection a, XenHostConnection b, SimulatedFabric fabric) = await FabricAsync();
        long freeB = (await b.Toolstack.GetHostInfoAsync(Ct)).FreeMemoryMB;
        await fabric.FailNextMigrationAsync("host-a", failure, Ct);

        var ex = await Assert.ThrowsAsync<XenMigrationException>(async () =>
            await new MigrationOperations().MigrateAsync(await WebAsync(a), b, XenMigrationRoute.For(a, b, null, null, null), new XenMigrationOptions(), null, Ct));

        Assert.Equal((errorId, location), (ex.ErrorId, ex.Location));
        Assert.Contains("'web'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("host-a", ex.Message, StringComparison.Ordinal);
        Assert.Contains("host-b", ex.Message, StringComparison.Ordinal);
        Assert.Contains("XenPS looked", ex.Message, StringComparison.Ordinal);
        if (location == XenMigrationLocation.Source)
        {
            Assert.Equal(XenDomainState.Running, (await a.Toolstack.GetDomainAsync("web", Ct)).State);
            Assert.Equal(freeB, (await b.Toolstack.GetHostInfoAsync(Ct)).FreeMemoryMB);
        }
    }

    private sealed class Sink(List<XenMigrationProgress> steps) : IProgress<XenMigrationProgress>
    {
        public void Report(XenMigrationProgress value) => steps.Add(value);
    }
}

using XenPS.Toolstack;
using XenPS.Toolstack.Xl;
using XenPS.Transport;

namespace XenPS.Core.Tests.Xl;

public sealed class XlToolstackOperationTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static bool IsScript(CommandRequest r, string script) =>
        r.Program == "sh" && r.Arguments.Count >= 3 && r.Arguments[0] == "-c" && r.Arguments[1] == script && r.Arguments[2] == "sh";

    [Fact]
    public async Task Mem_set_and_mem_max_always_pass_a_MiB_suffix()
    {
        var t = new FakeTransport().OnXl("mem-set web1 4096m").OnXl("mem-max web1 8192m");
        var ts = t.Toolstack();
        await ts.SetMemoryAsync("web1", 4096, None);
        await ts.SetMaxMemoryAsync("web1", 8192, None);
        Assert.Equal(["xl mem-set web1 4096m", "xl mem-max web1 8192m"], t.CallLines);
    }

    [Fact]
    public async Task Lifecycle_commands_are_plain_argument_vectors()
    {
        var t = new FakeTransport()
            .OnXl("destroy web1").OnXl("pause web1").OnXl("unpause web1").OnXl("shutdown web1").OnXl("reboot web1")
            .OnXl("rename web1 web2").OnXl("vcpu-set web1 2").OnXl("vcpu-set --ignore-host web1 8").OnXl("vcpu-pin web1 0 0-1").OnXl("vcpu-pin web1 all 1 0")
            .OnXl("save web1 /var/lib/xen/save/web1").OnXl("save -c web1 /s").OnXl("save -p web1 /s")
            .OnXl("block-detach web1 xvdb").OnXl("network-detach web1 00:16:3e:00:00:aa");
        var ts = t.Toolstack();
        await ts.DestroyAsync("web1", None);
        await ts.PauseAsync("web1", None);
        await ts.UnpauseAsync("web1", None);
        await ts.ShutdownAsync("web1", false, null, None);
        await ts.RebootAsync("web1", false, null, None);
        await ts.RenameAsync("web1", "web2", None);
        await ts.SetVCpuCountAsync("web1", 2, None);
        await ts.SetVCpuCountAsync("web1", 8, allowOvercommit: true, None);
        await ts.PinVCpuAsync("web1", "0", "0-1", null, None);
        await ts.PinVCpuAsync("web1", "all", "1", "0", None);
        await ts.SaveAsync("web1", "/var/lib/xen/save/web1", XenSaveMode.Destroy, None);
        await ts.SaveAsync("web1", "/s", XenSaveMode.KeepRunning, None);
        await ts.SaveAsync("web1", "/s", XenSaveMode.LeavePaused, None);
        await ts.DetachDiskAsync("web1", "xvdb", false, None);
        await ts.DetachNetworkAdapterAsync("web1", "00:16:3e:00:00:aa", None);
        Assert.Equal(15, t.Calls.Count);
        Assert.All(t.Calls, c => Assert.Equal("xl", c.Program));
    }

    [Fact]
    public async Task Network_attach_passes_each_vif_key_as_its_own_argument()
    {
        var t = new FakeTransport("h")
            .OnXl("network-list testvm", XlFixture.Out("258"), once: true)
            .OnWhere(r => r.Arguments.Count > 0 && r.Arguments[0] == "network-attach", _ => new CommandResult(0, "", "", TimeSpan.Zero))
            .OnXl("network-list testvm", XlFixture.Out("262"))
            .OnXl("list -l testvm", "[]");
        var nic = await t.Toolstack().AttachNetworkAdapterAsync("testvm", "bridge=xenbr0, mac=00:16:3e:00:00:aa", None);
        var attach = t.Calls.Single(c => c.Arguments[0] == "network-attach");
        // Separate words, in XenVifSpec's order (xl does not care about the order).
        Assert.Equal(["network-attach", "testvm", "bridge=xenbr0", "mac=00:16:3e:00:00:aa"], attach.Arguments.Take(2).Concat(attach.Arguments.Skip(2).Order(StringComparer.Ordinal)));
        // 262 has two adapters more than 258 (260 and 261 both attached one): the newest is returned.
        Assert.Equal(4, nic.Index);
        Assert.Equal("00:16:3e:00:00:aa", nic.Mac);
        Assert.Equal("h", nic.HostName);
    }

    [Fact]
    public async Task Block_attach_passes_the_disk_spec_as_one_argument_and_returns_the_new_disk()
    {
        string spec = "format=raw,vdev=xvdb,access=rw,target=/tmp/d1.img";
        var t = new FakeTransport()
            .OnXl("block-list testvm", XlFixture.Out("058"), once: true)
            .On("xl", ["block-attach", "testvm", spec])
            .OnXl("block-list testvm", XlFixture.Out("254"))
            .OnXl("list -l testvm", ListLOf("291", "testvm"));
        var disk = await t.Toolstack().AttachDiskAsync("testvm", spec, None);
        Assert.Equal(["block-attach", "testvm", spec], t.Calls.Single(c => c.Arguments[0] == "block-attach").Arguments);
        Assert.Equal("xvdb", disk.Vdev);
        Assert.Equal(51728, disk.DeviceId);
        Assert.Equal("/tmp/d1.img", disk.Target);
        Assert.Equal("raw", disk.Format);
        Assert.Equal("rw", disk.Access);
        Assert.Equal(3, disk.DomainId);
    }

    [Fact]
    public async Task Disks_and_adapters_join_the_live_lists_with_the_configuration()
    {
        var t = new FakeTransport("h")
            .OnXl("block-list fullvm1", XlFixture.Out("215"))
            .OnXl("network-list fullvm1", XlFixture.Out("216"))
            .OnXl("list -l fullvm1", XlFixture.Out("217"));
        var ts = t.Toolstack();
        var disk = Assert.Single(await ts.GetDisksAsync("fullvm1", None));
        Assert.Equal(("fullvm1", "xvda", 51712, "/tmp/full-xvda.img", "raw", "rw", false, XenBusState.Connected, 5),
            (disk.DomainName, disk.Vdev, disk.DeviceId!.Value, disk.Target, disk.Format, disk.Access, disk.IsCdRom, disk.State!.Value, disk.DomainId!.Value));
        Assert.Equal("/local/domain/0/backend/vbd/5/51712", disk.BackendPath);

        var nic = Assert.Single(await ts.GetNetworkAdaptersAsync("fullvm1", None));
        Assert.Equal(("fullvm1", 0, "00:16:3e:00:00:01", "xenbr0", XenBusState.Connected, 5), (nic.DomainName, nic.Index, nic.Mac, nic.Bridge, nic.State!.Value, nic.DomainId!.Value));
    }

    [Fact]
    public async Task Disks_of_an_unknown_domain_are_DomainNotFound_even_though_block_list_exits_0()
    {
        var t = new FakeTransport()
            .OnXl("block-list nosuchdomain", "Vdev  BE  handle state evt-ch ring-ref BE-path                       \n")
            .OnXl("list -l nosuchdomain", XlFixture.Load("273"));
        await Assert.ThrowsAsync<XenDomainNotFoundException>(() => t.Toolstack().GetDisksAsync("nosuchdomain", None));
    }

    [Fact]
    public async Task Shutdown_with_wait_uses_xls_w_bounded_by_the_timeout()
    {
        var t = new FakeTransport().OnXl("shutdown -w testvm", XlFixture.Load("123"))
            .OnXl("list -v 7", string.Empty, "Error: Domain '7' does not exist.\n", exit: 1);
        await t.Toolstack().ShutdownAsync("testvm", true, TimeSpan.FromSeconds(42), None);
        Assert.Equal(TimeSpan.FromSeconds(42), t.Calls.First().Timeout);
    }

    [Fact]
    public async Task Shutdown_wait_that_times_out_is_a_XenTimeoutException_naming_the_domain()
    {
        var t = new FakeTransport("dom0-a").OnWhere(
            r => r.Arguments.SequenceEqual(["shutdown", "-w", "testvm"]),
            r => throw new XenTimeoutException(r.DisplayText, r.Timeout!.Value, "dom0-a"));
        var ex = await Assert.ThrowsAsync<XenTimeoutException>(() => t.Toolstack().ShutdownAsync("testvm", true, TimeSpan.FromSeconds(5), None));
        Assert.Equal("Shutdown", ex.Operation);
        Assert.Equal("testvm", ex.Domain);
        Assert.Equal(TimeSpan.FromSeconds(5), ex.Timeout);
    }

    [Fact]
    public async Task Unknown_domain_on_shutdown_reboot_pause_destroy_is_DomainNotFound()
    {
        var t = new FakeTransport("dom0-a")
            .OnXl("shutdown nosuchdomain", XlFixture.Load("272"))
            .OnXl("reboot nosuchdomain", XlFixture.Load("274"))
            .OnXl("pause nosuchdomain", XlFixture.Load("119"))
            .OnXl("destroy nosuchdomain", XlFixture.Load("117"));
        var ts = t.Toolstack();
        foreach (Func<Task> op in new Func<Task>[]
        {
            () => ts.ShutdownAsync("nosuchdomain", false, null, None),
            () => ts.RebootAsync("nosuchdomain", false, null, None),
            () => ts.PauseAsync("nosuchdomain", None),
            () => ts.DestroyAsync("nosuchdomain", None),
        })
        {
            var ex = await Assert.ThrowsAsync<XenDomainNotFoundException>(op);
            Assert.Equal("nosuchdomain", ex.Domain);
            Assert.Equal("dom0-a", ex.HostName);
        }
    }

    [Fact]
    public async Task Failures_keep_the_type_the_domain_and_xls_words()
    {
        var t = new FakeTransport("dom0-a")
            .OnXl("mem-set testvm 300m", XlFixture.Load("251"))
            .OnXl("mem-max testvm 64m", XlFixture.Load("250"))
            .OnXl("vcpu-set testvm 4", XlFixture.Load("248"))
            .OnXl("rename testvm Domain-0", XlFixture.Load("266"))
            .OnXl("vcpu-pin testvm 0 7", XlFixture.Load("267"))
            .OnXl("save testvm /no/such/dir/testvm.save", XlFixture.Load("268"))
            .OnXl("block-list testvm", XlFixture.Out("254"))
            .OnXl("block-attach testvm format=raw,vdev=xvdb,access=rw,target=/tmp/d2.img", XlFixture.Load("253"))
            .OnXl("block-detach testvm xvdz", XlFixture.Load("255"))
            .OnXl("network-list testvm", XlFixture.Out("258"));
        var ts = t.Toolstack();

        var mem = await Assert.ThrowsAsync<XenInsufficientMemoryException>(() => ts.SetMemoryAsync("testvm", 300, None));
        Assert.Equal("testvm", mem.Domain);
        Assert.Equal("xl mem-set testvm 300m", mem.CommandLine);
        Assert.Contains("memory_dynamic_max must be less than or equal to memory_static_max", mem.Message);

        var max = await Assert.ThrowsAsync<XlCommandException>(() => ts.SetMaxMemoryAsync("testvm", 64, None));
        Assert.Equal(1, max.ExitCode);
        var overcommit = await Assert.ThrowsAsync<XenVCpuOvercommitException>(() => ts.SetVCpuCountAsync("testvm", 4, None));
        Assert.Equal("VCpuOvercommit", overcommit.ErrorId);
        await Assert.ThrowsAsync<XenDomainExistsException>(() => ts.RenameAsync("testvm", "Domain-0", None));
        Assert.Equal(typeof(XlCommandException), (await Assert.ThrowsAnyAsync<XlCommandException>(() => ts.PinVCpuAsync("testvm", "0", "7", null, None))).GetType());
        var save = await Assert.ThrowsAnyAsync<XlCommandException>(() => ts.SaveAsync("testvm", "/no/such/dir/testvm.save", XenSaveMode.Destroy, None));
        Assert.Contains("Failed to open temp file /no/such/dir/testvm.save for writing", save.StandardError);
        await Assert.ThrowsAsync<XenDeviceInUseException>(() => ts.AttachDiskAsync("testvm", "format=raw,vdev=xvdb,access=rw,target=/tmp/d2.img", None));
        var detach = await Assert.ThrowsAnyAsync<XlCommandException>(() => ts.DetachDiskAsync("testvm", "xvdz", false, None));
        Assert.Contains("Error: Device xvdz not connected.", detach.Message);
        // A bad MAC is refused with xl's own words (263) before xl runs: the vif spec parser knows xl's rule.
        var mac = await Assert.ThrowsAsync<XenConfigException>(() => ts.AttachNetworkAdapterAsync("testvm", "bridge=xenbr0,mac=zz:16:3e:00:00:ab", None));
        Assert.Contains("Invalid parameter `mac'.", mac.Message);
        Assert.DoesNotContain(t.Calls, c => c.Arguments[0].StartsWith("network-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Unpause_of_a_running_domain_exits_0_with_an_error_and_is_reported_as_not_paused()
    {
        var t = new FakeTransport("dom0-a")
            .OnXl("unpause testvm", XlFixture.Load("275"))
            .OnXl("list -v testvm", XlListParserTestsRows.VerboseOf(XlFixture.Out("269")));
        var ex = await Assert.ThrowsAsync<XenOperationException>(() => t.Toolstack().UnpauseAsync("testvm", None));
        Assert.Equal("DomainNotPaused", ex.ErrorId);
        Assert.Equal("testvm", ex.Domain);
        Assert.Contains("Unpausing domain: Invalid argument", ex.Message);
    }

    [Fact]
    public async Task Unpause_that_reports_an_error_and_leaves_the_domain_paused_is_an_xl_failure()
    {
        var t = new FakeTransport("dom0-a")
            .OnXl("unpause testvm", XlFixture.Load("275"))
            .OnXl("list -v testvm", XlListParserTestsRows.VerboseOf(XlFixture.Out("276")));
        var ex = await Assert.ThrowsAsync<XlCommandException>(() => t.Toolstack().UnpauseAsync("testvm", None));
        Assert.Equal(0, ex.ExitCode);
        Assert.Contains("Unpausing domain", ex.StandardError);
    }

    [Fact]
    public async Task Create_from_text_writes_a_temporary_file_creates_from_it_deletes_it_and_returns_the_domain()
    {
        string text = XlFixture.Out("020");
        string? temp = null;
        string? written = null;
        var t = new FakeTransport("dom0-a")
            .OnWhere(r => IsScript(r, XlHostScripts.AtomicWrite), r => { temp = r.Arguments[3]; written = r.StandardInput; return new CommandResult(0, "", "", TimeSpan.Zero); })
            .OnWhere(r => r.Program == "xl" && r.Arguments.Count == 3 && r.Arguments[0] == "create" && r.Arguments[1] == "-p", r => new CommandResult(0, "", "Parsing config from " + r.Arguments[2] + "\n", TimeSpan.Zero))
            .OnWhere(r => IsScript(r, XlHostScripts.Delete), _ => new CommandResult(0, "", "", TimeSpan.Zero))
            .Listing(XlFixture.Out("290"), XlFixture.Out("291"), XlFixture.Out("293"), string.Empty);

        var d = await t.Toolstack().CreateAsync(text, paused: true, None);

        Assert.Equal("testvm", d.Name);
        Assert.Equal(3, d.Id);
        Assert.Equal(text, written);
        Assert.NotNull(temp);
        Assert.StartsWith("/tmp/xenps-", temp);
        Assert.EndsWith(".cfg", temp);
        var calls = t.Calls.ToList();
        Assert.True(IsScript(calls[0], XlHostScripts.AtomicWrite));
        Assert.Equal(["create", "-p", temp!], calls[1].Arguments);
        Assert.True(IsScript(calls[2], XlHostScripts.Delete));
        Assert.Equal(temp, calls[2].Arguments[3]);
    }

    [Fact]
    public async Task Create_that_exits_255_silently_but_created_the_domain_is_a_success_without_a_second_create()
    {
        var t = new FakeTransport("dom0-a")
            .OnWhere(r => IsScript(r, XlHostScripts.AtomicWrite), _ => new CommandResult(0, "", "", TimeSpan.Zero))
            .OnWhere(r => r.Program == "xl" && r.Arguments[0] == "create", _ => new CommandResult(255, "", "", TimeSpan.Zero))
            .OnWhere(r => IsScript(r, XlHostScripts.Delete), _ => new CommandResult(0, "", "", TimeSpan.Zero))
            .Listing(XlFixture.Out("290"), XlFixture.Out("291"), XlFixture.Out("293"), string.Empty);
        var d = await t.Toolstack().CreateAsync(XlFixture.Out("020"), false, None);
        Assert.Equal("testvm", d.Name);
        Assert.Single(t.Calls, c => c.Program == "xl" && c.Arguments[0] == "create");
    }

    [Fact]
    public async Task Create_that_exits_255_silently_and_created_nothing_is_tried_once_more()
    {
        var t = new FakeTransport("dom0-a")
            .OnWhere(r => IsScript(r, XlHostScripts.AtomicWrite), _ => new CommandResult(0, "", "", TimeSpan.Zero))
            .OnWhere(r => r.Program == "xl" && r.Arguments[0] == "create", _ => new CommandResult(255, "", "", TimeSpan.Zero), once: true)
            .OnWhere(r => r.Program == "xl" && r.Arguments[0] == "create", r => new CommandResult(0, "", "Parsing config from " + r.Arguments[^1] + "\n", TimeSpan.Zero))
            .OnWhere(r => IsScript(r, XlHostScripts.Delete), _ => new CommandResult(0, "", "", TimeSpan.Zero))
            .OnXl("list -v", XlFixture.Load("006"), once: true)
            .OnXl("list -l", XlFixture.Load("004"), once: true)
            .OnXl("uptime", XlFixture.Load("010"), once: true)
            .Listing(XlFixture.Out("290"), XlFixture.Out("291"), XlFixture.Out("293"), string.Empty);
        var d = await t.Toolstack().CreateAsync(XlFixture.Out("020"), false, None);
        Assert.Equal("testvm", d.Name);
        Assert.Equal(2, t.Calls.Count(c => c.Program == "xl" && c.Arguments[0] == "create"));
    }

    [Fact]
    public async Task Create_failure_still_deletes_the_temporary_file_and_maps_the_error()
    {
        var t = new FakeTransport("dom0-a")
            .OnWhere(r => IsScript(r, XlHostScripts.AtomicWrite), _ => new CommandResult(0, "", "", TimeSpan.Zero))
            .OnWhere(r => r.Program == "xl" && r.Arguments[0] == "create", _ => new CommandResult(3, "", XlFixture.Load("246").Stderr, TimeSpan.Zero))
            .OnWhere(r => IsScript(r, XlHostScripts.Delete), _ => new CommandResult(0, "", "", TimeSpan.Zero));
        var ex = await Assert.ThrowsAsync<XenDomainExistsException>(() => t.Toolstack().CreateAsync(XlFixture.Out("020"), false, None));
        Assert.Equal("testvm", ex.Domain);
        Assert.Equal(3, t.Calls.Count);
        Assert.True(IsScript(t.Calls[2], XlHostScripts.Delete));
    }

    [Theory]
    [InlineData("242", typeof(XlCommandException))]
    [InlineData("243", typeof(XenInsufficientMemoryException))]
    public async Task Create_failures_from_real_xl(string fixture, Type expected)
    {
        var fx = XlFixture.Load(fixture);
        var t = new FakeTransport("dom0-a")
            .OnWhere(r => IsScript(r, XlHostScripts.AtomicWrite), _ => new CommandResult(0, "", "", TimeSpan.Zero))
            .OnWhere(r => r.Program == "xl" && r.Arguments[0] == "create", _ => new CommandResult(fx.ExitCode, "", fx.Stderr, TimeSpan.Zero))
            .OnWhere(r => IsScript(r, XlHostScripts.Delete), _ => new CommandResult(0, "", "", TimeSpan.Zero));
        var ex = await Assert.ThrowsAnyAsync<XlCommandException>(() => t.Toolstack().CreateAsync("name=\"x\"\ntype=\"pv\"\nkernel=\"/k\"\nmemory=4096\n", false, None));
        Assert.Equal(expected, ex.GetType());
        Assert.Equal(fx.Stderr, ex.StandardError);
    }

    [Fact]
    public async Task Create_refuses_text_that_does_not_parse_before_touching_the_host()
    {
        var t = new FakeTransport();
        await Assert.ThrowsAsync<XenConfigException>(() => t.Toolstack().CreateAsync(XlListingScript.ConfigText("grammar-error-unterminated.bad.cfg"), false, None));
        Assert.Empty(t.Calls);
    }

    [Fact]
    public async Task Dry_run_uses_xl_N_and_reports_syntax_errors_against_the_text_not_the_temp_file()
    {
        string stderr = File.ReadAllText(RepoPaths.Fixture("configs", "xl-dry-run", "winxp-001-missing-comma.bad.stderr"));
        var t = new FakeTransport()
            .OnWhere(r => IsScript(r, XlHostScripts.AtomicWrite), _ => new CommandResult(0, "", "", TimeSpan.Zero))
            .OnWhere(r => r.Program == "xl" && r.Arguments[0] == "-N", _ => new CommandResult(1, "", stderr, TimeSpan.Zero))
            .OnWhere(r => IsScript(r, XlHostScripts.Delete), _ => new CommandResult(0, "", "", TimeSpan.Zero));
        var ex = await Assert.ThrowsAsync<XenConfigException>(() => t.Toolstack().DryRunCreateAsync("anything", None));
        Assert.Null(ex.FileName);
        Assert.Equal(8, ex.Line);
        Assert.Contains("unexpected STRING, expecting ']'", ex.Message);
        Assert.Equal("-N", t.Calls[1].Arguments[0]);
        Assert.Equal("create", t.Calls[1].Arguments[1]);
        Assert.True(IsScript(t.Calls[2], XlHostScripts.Delete));
    }

    [Fact]
    public async Task Dry_run_returns_xls_json()
    {
        string json = File.ReadAllText(RepoPaths.Fixture("configs", "xl-dry-run", "busybox-001.stdout"));
        var t = new FakeTransport()
            .OnWhere(r => r.Program == "sh", _ => new CommandResult(0, "", "", TimeSpan.Zero))
            .OnWhere(r => r.Program == "xl" && r.Arguments[0] == "-N", _ => new CommandResult(0, json, "Parsing config from x\n", TimeSpan.Zero));
        Assert.Equal(json, await t.Toolstack().DryRunCreateAsync(XlListingScript.ConfigText("busybox-001.cfg"), None));
    }

    [Fact]
    public async Task Restore_returns_the_domain_that_appeared()
    {
        var t = new FakeTransport()
            .OnXl("list", XlFixture.Out("086"))
            .OnXl("restore -p /tmp/testvm.save")
            .Listing(XlListParserTestsRows.VerboseOf(XlFixture.Out("089")), XlFixture.Out("004"), XlFixture.Out("092"), string.Empty);
        var d = await t.Toolstack().RestoreAsync("/tmp/testvm.save", true, null, None);
        Assert.Equal("testvm", d.Name);
        Assert.Equal(3, d.Id);
    }

    [Theory]
    [InlineData("270")]
    [InlineData("271")]
    public async Task Restore_of_a_missing_or_bad_file_is_an_xl_failure(string fixture)
    {
        var fx = XlFixture.Load(fixture);
        string file = fx.Command.Split(' ')[^1];
        var t = new FakeTransport().OnXl("list", XlFixture.Out("003")).OnXl("restore " + file, fx);
        var ex = await Assert.ThrowsAnyAsync<XlCommandException>(() => t.Toolstack().RestoreAsync(file, false, null, None));
        Assert.Equal(fx.Stderr, ex.StandardError);
    }

    [Fact]
    public async Task Scheduler_parameters_use_the_hosts_scheduler()
    {
        var t = new FakeTransport("h")
            .OnXl("info xen_scheduler", "credit2\n")
            .OnXl("sched-credit2 -d testvm", XlFixture.Out("280"))
            .OnXl("sched-credit2 -d testvm -w 512");
        var ts = t.Toolstack();
        var p = await ts.GetSchedulerParametersAsync("testvm", None);
        Assert.Equal(("credit2", 512, 0, 3, "h"), (p.Scheduler, p.Weight, p.Cap, p.DomainId!.Value, p.HostName));
        await ts.SetSchedulerParametersAsync("testvm", 512, null, None);
        await ts.SetSchedulerParametersAsync("testvm", null, null, None);
        Assert.Equal(["xl info xen_scheduler", "xl sched-credit2 -d testvm", "xl sched-credit2 -d testvm -w 512"], t.CallLines);
    }

    [Fact]
    public async Task Scheduler_mismatch_from_xl_is_followed_to_the_domains_real_scheduler()
    {
        var t = new FakeTransport("h")
            .OnXl("info xen_scheduler", "credit\n")
            .OnXl("sched-credit -d testvm", XlFixture.Load("281"))
            .OnXl("sched-credit2 -d testvm", XlFixture.Out("280"));
        var p = await t.Toolstack().GetSchedulerParametersAsync("testvm", None);
        Assert.Equal("credit2", p.Scheduler);
        Assert.Equal(512, p.Weight);
    }

    [Fact]
    public async Task Migration_reports_progress_and_its_result()
    {
        var fx = XlFixture.Load("141");
        var t = new FakeTransport("dom0-a").OnMigrate(["migrate", "-s", "", "pvhvm", "xl migrate-receive"], fx);
        var lines = new List<string>();
        var result = await t.Toolstack().MigrateAsync("pvhvm", new XenMigrationRequest("xl migrate-receive") { SshCommand = "", Timeout = TimeSpan.FromMinutes(3) }, new SyncProgress(lines), None);
        Assert.Equal("Migration successful.", lines[^1]);
        Assert.Contains("migration target: Ready to receive domain.", lines);
        Assert.Equal(("pvhvm", "dom0-a", "xl migrate-receive"), (result.DomainName, result.SourceHost, result.Destination));
        Assert.Equal(fx.Stderr.TrimEnd(), result.Log.TrimEnd());
        Assert.Equal(TimeSpan.FromMinutes(3), t.Calls.Single().Timeout);
    }

    [Theory]
    [InlineData("145", "pvhvm", "localhost", null)]
    [InlineData("176", "pvhvm", "192.168.77.2", null)]
    [InlineData("180", "pvhvm", "nc 192.168.77.1 9999", "")]
    public async Task Real_successful_migrations_end_with_xls_verdict(string fixture, string domain, string destination, string? ssh)
    {
        var fx = XlFixture.Load(fixture);
        var args = ssh is null ? new[] { "migrate", domain, destination } : new[] { "migrate", "-s", ssh, domain, destination };
        var t = new FakeTransport("dom0-a").OnMigrate(args, fx);
        var lines = new List<string>();
        var result = await t.Toolstack().MigrateAsync(domain, new XenMigrationRequest(destination) { SshCommand = ssh }, new SyncProgress(lines), None);
        Assert.Equal("Migration successful.", lines[^1]);
        Assert.Contains("migration sender: Target reports successful startup.", lines);
        Assert.Equal(destination, result.Destination);
    }

    [Fact]
    public async Task Migration_that_times_out_is_a_migration_failure_with_undefined_state()
    {
        var t = new FakeTransport("dom0-a").OnWhere(
            r => r.Program == "sh" && r.Arguments.Contains("migrate"),
            r => throw new XenTimeoutException(r.DisplayText, r.Timeout!.Value, "dom0-a"));
        var ex = await Assert.ThrowsAsync<XenMigrationException>(() => t.Toolstack().MigrateAsync("web1", new XenMigrationRequest("dom0-b") { Timeout = TimeSpan.FromSeconds(30) }, null, None));
        Assert.True(ex.StateUndefined);
        Assert.Equal("web1", ex.Domain);
        Assert.Contains("30 s", ex.Message);
        Assert.Contains("xl printed nothing before it was stopped", ex.Message);
    }

    [Fact]
    public async Task Migration_that_times_out_says_where_xl_stood()
    {
        // Seen on the real-Xen harness once: a same-host migration hung for the whole timeout; the error
        // should tell the operator how far xl got.
        await using var t = new HangingMigrationTransport(
            "migration target: Ready to receive domain.",
            "Saving to migration stream new xl format (info 0x3/0x0/819)");
        var ex = await Assert.ThrowsAsync<XenMigrationException>(() => new XlToolstack(t).MigrateAsync("web1", new XenMigrationRequest("dom0-b") { Timeout = TimeSpan.FromSeconds(30) }, null, None));
        Assert.True(ex.StateUndefined);
        Assert.Contains("xl's last words: migration target: Ready to receive domain. | Saving to migration stream new xl format (info 0x3/0x0/819)", ex.Message);
    }

    /// <summary>Streams some lines of xl migrate, then ends as ProcessStreamer does at its timeout.</summary>
    private sealed class HangingMigrationTransport(params string[] said) : IXenTransport
    {
        public string HostName => "dom0-a";

        public Task<CommandResult> RunAsync(CommandRequest request, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("Unexpected " + request.DisplayText);

        public Task<StreamingCommand> StartAsync(CommandRequest request, CancellationToken cancellationToken)
        {
            var lines = System.Threading.Channels.Channel.CreateUnbounded<string>();
            foreach (string line in said)
            {
                lines.Writer.TryWrite(line);
            }

            lines.Writer.TryComplete();
            Task<CommandResult> end = Task.FromException<CommandResult>(new XenTimeoutException(request.DisplayText, request.Timeout!.Value, HostName));
            return Task.FromResult(new StreamingCommand(request.DisplayText, lines, end, () => ValueTask.CompletedTask));
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Migration_to_an_unreachable_host_fails_recoverably_after_reporting_what_xl_said()
    {
        var fx = XlFixture.Load("278");
        var t = new FakeTransport("dom0-a").OnMigrate(["migrate", "-C", "/etc/xen/testvm.cfg", "-p", "testvm", "192.0.2.1"], fx);
        var lines = new List<string>();
        var ex = await Assert.ThrowsAsync<XenMigrationException>(() => t.Toolstack().MigrateAsync("testvm", new XenMigrationRequest("192.0.2.1") { ConfigPath = "/etc/xen/testvm.cfg", Paused = true }, new SyncProgress(lines), None));
        Assert.False(ex.StateUndefined);
        Assert.Equal("HostUnreachable", ex.ErrorId);
        Assert.Equal("testvm", ex.Domain);
        Assert.Contains(lines, l => l.Contains("Connection refused", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Vcpus_uptime_info_and_dmesg_parse_and_carry_the_host()
    {
        var t = new FakeTransport("dom0-a")
            .OnXl("vcpu-list fullvm", XlFixture.Out("200"))
            .OnXl("vcpu-list", XlFixture.Out("292"))
            .OnXl("uptime testvm", XlFixture.Out("093"))
            .OnXl("info", XlFixture.Out("294"))
            .OnXl("dmesg -c", "(XEN) hello\n");
        var ts = t.Toolstack();
        var vcpus = await ts.GetVCpusAsync("fullvm", None);
        Assert.All(vcpus, v => Assert.False(v.Online));
        Assert.All(vcpus, v => Assert.Equal("dom0-a", v.HostName));
        Assert.Equal(7, (await ts.GetVCpusAsync(null, None)).Count);
        Assert.Equal(TimeSpan.FromSeconds(7), Assert.Single(await ts.GetUptimeAsync("testvm", None)).Uptime);
        var info = await ts.GetHostInfoAsync(None);
        Assert.Equal("dom0-a", info.HostName);
        Assert.Equal("4.17.7", info.XenVersion);
        Assert.Equal("(XEN) hello\n", await ts.GetDmesgAsync(true, None));
    }

    [Fact]
    public async Task XenStore_calls_pass_path_and_value_as_arguments()
    {
        var t = new FakeTransport()
            .On("xenstore-read", ["/local/domain/3/name"], "testvm\n")
            .On("xenstore-list", ["/local/domain/3"], "vm\nname\ncpu\nmemory\n")
            .On("xenstore-write", ["/local/domain/3/data/x", "a value; $(id)"])
            .On("xenstore-read", ["/nope"], "", "xenstore-read: couldn't read path /nope\n", 1);
        var ts = t.Toolstack();
        Assert.Equal("testvm", await ts.XenStoreReadAsync("/local/domain/3/name", None));
        Assert.Equal(["vm", "name", "cpu", "memory"], await ts.XenStoreListAsync("/local/domain/3", None));
        await ts.XenStoreWriteAsync("/local/domain/3/data/x", "a value; $(id)", None);
        var ex = await Assert.ThrowsAnyAsync<XlCommandException>(() => ts.XenStoreReadAsync("/nope", None));
        Assert.Contains("couldn't read path /nope", ex.Message);
    }

    [Theory]
    [InlineData("; rm -rf /")]
    [InlineData("$(id)")]
    [InlineData("`id`")]
    [InlineData("it's \"quoted\"")]
    [InlineData("line1\nline2")]
    [InlineData("-rf")]
    [InlineData("名前 with spaces")]
    public async Task Hostile_names_and_paths_stay_single_arguments_and_never_enter_a_script(string hostile)
    {
        var t = new FakeTransport().OnWhere(_ => true, _ => new CommandResult(0, "no\n", "", TimeSpan.Zero));
        var ts = t.Toolstack();
        await ts.PauseAsync(hostile, None);
        await ts.SetMemoryAsync(hostile, 512, None);
        await ts.RenameAsync("web1", hostile, None);
        await ts.SaveAsync(hostile, "/srv/" + hostile, XenSaveMode.Destroy, None);
        await ts.FileExistsAsync("/etc/xen/" + hostile, None);
        await ts.WriteFileAsync("/etc/xen/" + hostile, hostile, None);
        await ts.CreateSymbolicLinkAsync("/etc/xen/auto/" + hostile, "/etc/xen/" + hostile, None);

        string[] scripts = [XlHostScripts.Exists, XlHostScripts.AtomicWrite, XlHostScripts.Symlink];
        foreach (CommandRequest c in t.Calls)
        {
            Assert.True(c.Program is "xl" or "sh");
            if (c.Program == "sh")
            {
                Assert.Contains(c.Arguments[1], scripts);
                Assert.DoesNotContain(hostile, c.Arguments[1]);
            }
        }

        // A word that starts with '-' comes after "--": xl must not read it as an option (xl shutdown -a stops every guest).
        string[] end = hostile.StartsWith('-') ? ["--"] : [];
        Assert.Equal(["pause", .. end, hostile], t.Calls[0].Arguments);
        Assert.Equal(["mem-set", .. end, hostile, "512m"], t.Calls[1].Arguments);
        Assert.Equal(["rename", .. end, "web1", hostile], t.Calls[2].Arguments);
        Assert.Equal(["save", .. end, hostile, "/srv/" + hostile], t.Calls[3].Arguments);
        Assert.Equal("/etc/xen/" + hostile, t.Calls[4].Arguments[3]);
        Assert.Equal(hostile, t.Calls[5].StandardInput);
    }

    private sealed class SyncProgress(List<string> lines) : IProgress<string>
    {
        public void Report(string value) => lines.Add(value);
    }

    /// <summary>A one-element <c>xl list -l dom</c> array cut from a full <c>xl list -l</c> fixture.</summary>
    private static string ListLOf(string fixture, string name)
    {
        using var doc = System.Text.Json.JsonDocument.Parse(XlFixture.Out(fixture));
        var item = doc.RootElement.EnumerateArray().Single(e => e.GetProperty("config").GetProperty("c_info").GetProperty("name").GetString() == name);
        return "[" + item.GetRawText() + "]";
    }
}

using XenPS.Toolstack.Xl;

namespace XenPS.Core.Tests.Xl;

public sealed class XlErrorClassifierTests
{
    private static XenException Classify(string fixture, string? domain = null, string? commandLine = null)
    {
        var fx = XlFixture.Load(fixture);
        Assert.NotEqual(0, fx.ExitCode);
        return XlErrorClassifier.Classify(commandLine ?? fx.Command, fx.ExitCode, fx.Stderr, "dom0-a", domain);
    }

    [Theory]
    [InlineData("018")] // xl list nosuchdomain
    [InlineData("117")] // xl destroy nosuchdomain
    [InlineData("119")] // xl pause nosuchdomain
    [InlineData("272")] // xl shutdown nosuchdomain
    [InlineData("273")] // xl list -l nosuchdomain
    [InlineData("274")] // xl reboot nosuchdomain
    public void Unknown_domain_is_DomainNotFound_with_xls_words(string fixture)
    {
        var ex = Assert.IsType<XenDomainNotFoundException>(Classify(fixture, "nosuchdomain"));
        Assert.Equal("nosuchdomain", ex.Domain);
        Assert.Equal("dom0-a", ex.HostName);
        Assert.Contains("nosuchdomain is an invalid domain identifier (rc=-6)", ex.Message);
        Assert.Equal("DomainNotFound", ex.ErrorId);
    }

    [Fact]
    public void Unknown_domain_name_is_taken_from_xl_when_the_caller_gave_none()
    {
        var ex = Assert.IsType<XenDomainNotFoundException>(Classify("194"));
        Assert.Equal("fullvm", ex.Domain);
    }

    [Fact]
    public void Missing_kernel_on_create_is_an_xl_failure_with_the_verbatim_stderr()
    {
        var fx = XlFixture.Load("242");
        var ex = XlErrorClassifier.Classify("xl create /tmp/nokern.cfg", fx.ExitCode, fx.Stderr, "dom0-a", "nokern");
        var xl = Assert.IsType<XlCommandException>(ex);
        Assert.Equal(3, xl.ExitCode);
        Assert.Equal(fx.Stderr, xl.StandardError);
        Assert.Contains("failed to open file '/srv/no-such-kernel'", xl.Message);
        Assert.Contains("dom0-a", xl.Message);
        Assert.Equal("xl create /tmp/nokern.cfg", xl.CommandLine);
    }

    [Fact]
    public void Out_of_memory_on_create_is_InsufficientMemory()
    {
        var fx = XlFixture.Load("243");
        var ex = Assert.IsType<XenInsufficientMemoryException>(XlErrorClassifier.Classify("xl create /tmp/huge.cfg", fx.ExitCode, fx.Stderr, "dom0-a", "huge"));
        Assert.Contains("can't allocate low memory for domain: Out of memory", ex.Message);
        Assert.Equal("InsufficientMemory", ex.ErrorId);
        Assert.Equal(XenErrorCategory.LimitsExceeded, ex.Category);
    }

    [Fact]
    public void Out_of_memory_on_restore_is_InsufficientMemory()
    {
        string stderr = "Loading new save file /tmp/x.save (new xl fmt info 0x3/0x0/818)\nxc: error: panic: xg_dom_boot.c:119: xc_dom_boot_mem_init: can't allocate low memory for domain: Out of memory\n";
        Assert.IsType<XenInsufficientMemoryException>(XlErrorClassifier.Classify("xl restore /tmp/x.save", 3, stderr, "h", null));
    }

    [Fact]
    public void Duplicate_name_on_create_is_DomainExists()
    {
        var ex = Assert.IsType<XenDomainExistsException>(Classify("246", "testvm"));
        Assert.Contains("Domain with name \"testvm\" already exists.", ex.Message);
        Assert.Equal(3, ex.ExitCode);
    }

    [Fact]
    public void Rename_to_an_existing_name_is_DomainExists()
    {
        var ex = Assert.IsType<XenDomainExistsException>(Classify("266", "testvm"));
        Assert.Contains("Can't rename domain 'testvm'.", ex.StandardError);
    }

    [Fact]
    public void Vcpu_set_above_the_host_cpus_is_VCpuOvercommit_not_a_memory_shortage()
    {
        var ex = Assert.IsType<XenVCpuOvercommitException>(Classify("248", "testvm"));
        Assert.Equal("VCpuOvercommit", ex.ErrorId);
        Assert.Equal(XenErrorCategory.LimitsExceeded, ex.Category);
        Assert.Contains("You are overcommmitting!", ex.Message);
        Assert.Contains("use --ignore-host to continue", ex.Message);
    }

    [Theory]
    [InlineData("120")]
    [InlineData("251")]
    public void Mem_set_above_maxmem_is_InsufficientMemory(string fixture)
    {
        var ex = Assert.IsType<XenInsufficientMemoryException>(Classify(fixture, "testvm"));
        Assert.Contains("memory_dynamic_max must be less than or equal to memory_static_max", ex.Message);
    }

    [Fact]
    public void Mem_max_below_current_is_a_plain_xl_failure()
    {
        var ex = Assert.IsType<XlCommandException>(Classify("250", "testvm"));
        Assert.Contains("memory_static_max must be greater than or or equal to memory_dynamic_max", ex.Message);
    }

    [Fact]
    public void Vdev_in_use_is_DeviceInUse()
    {
        var ex = Assert.IsType<XenDeviceInUseException>(Classify("253", "testvm"));
        Assert.Contains("device already exists in xenstore", ex.Message);
        Assert.Equal(XenErrorCategory.ResourceBusy, ex.Category);
    }

    [Theory]
    [InlineData("255", "Error: Device xvdz not connected.")]                   // block-detach of an absent vdev
    [InlineData("263", "Invalid parameter `mac'.")]                             // bad MAC
    [InlineData("256", "Could not find bridge device xenbr0,mac=00:16:3e:00:00:aa")] // comma-joined vif spec
    [InlineData("267", "Could not set affinity for vcpu `0'.")]                 // invalid vcpu-pin CPU
    [InlineData("268", "Failed to open temp file /no/such/dir/testvm.save for writing")] // save to a missing folder
    [InlineData("270", "Can't open restore file: No such file or directory")]   // restore of a missing file
    [InlineData("271", "File has wrong magic number - corrupt or for a different tool?")] // restore of a non-save file
    [InlineData("281", "libxl_domain_sched_params_get returned credit2 not credit.")]     // sched-credit on credit2
    [InlineData("118", "Failed to read config file: /srv/nosuch.cfg: No such file or directory")]
    [InlineData("204", "unable to retrieve domain configuration")]
    public void Other_failures_are_XlCommandException_with_stderr_verbatim(string fixture, string words)
    {
        var fx = XlFixture.Load(fixture);
        var ex = XlErrorClassifier.Classify(fx.Command, fx.ExitCode, fx.Stderr, "dom0-a", "testvm");
        Assert.Equal(typeof(XlCommandException), ex.GetType());
        var xl = (XlCommandException)ex;
        Assert.Equal(fx.Stderr, xl.StandardError);
        Assert.Equal(fx.ExitCode, xl.ExitCode);
        Assert.Contains(words, xl.Message);
        Assert.Equal("XlCommandFailed", xl.ErrorId);
    }

    [Fact]
    public void Migrate_to_an_unreachable_host_is_HostUnreachable_before_anything_moved()
    {
        var ex = Assert.IsType<XenMigrationException>(Classify("278", "testvm"));
        Assert.False(ex.StateUndefined);
        Assert.Equal(XenMigrationFailureKind.HostUnreachable, ex.Kind);
        Assert.Equal("HostUnreachable", ex.ErrorId);
        Assert.Equal(XenErrorCategory.ConnectionError, ex.Category);
        Assert.Contains("Connection refused", ex.Message);
    }

    [Theory]
    [InlineData("114")]
    [InlineData("147")]
    public void Migration_that_fails_to_suspend_at_the_sender_is_recoverable(string fixture)
    {
        var ex = Assert.IsType<XenMigrationException>(Classify(fixture, "testvm"));
        Assert.False(ex.StateUndefined);
        Assert.Equal("MigrationSuspendFailed", ex.ErrorId);
        Assert.Contains("Migration failed, failed to suspend at sender.", ex.Message);
    }

    [Fact]
    public void Migration_resuming_at_sender_is_recoverable_and_final_handshake_is_undefined()
    {
        var resumed = Assert.IsType<XenMigrationException>(XlErrorClassifier.Classify(
            "xl migrate web1 dom0-b", 1, "migration sender: libxl_domain_suspend failed (rc=-3)\nMigration failed, resuming at sender.\n", "dom0-a", "web1"));
        Assert.False(resumed.StateUndefined);
        Assert.Equal("MigrationFailedResumedAtSource", resumed.ErrorId);

        // xl_migrate.c failed_badly text.
        string badly = "migration sender: Giving target permission to start.\n** Migration failed during final handshake **\nDomain state is now undefined !\nPlease CHECK AT BOTH ENDS for running instances, before renaming and\n resuming at most one instance.\n";
        var undefined = Assert.IsType<XenMigrationException>(XlErrorClassifier.Classify("xl migrate web1 dom0-b", 1, badly, "dom0-a", "web1"));
        Assert.True(undefined.StateUndefined);
        Assert.Equal("MigrationStateUndefined", undefined.ErrorId);
    }

    [Fact]
    public void Migrating_an_unknown_domain_is_DomainNotFound_not_a_migration_failure() =>
        Assert.IsType<XenDomainNotFoundException>(XlErrorClassifier.Classify("xl migrate nosuch dom0-b", 1, "nosuch is an invalid domain identifier (rc=-6)\n", "dom0-a", "nosuch"));

    [Fact]
    public void Config_syntax_error_is_ConfigSyntax_with_file_and_line()
    {
        string stderr = File.ReadAllText(RepoPaths.Fixture("configs", "xl-dry-run", "busybox-001-value-on-next-line.bad.stderr"));
        var ex = Assert.IsType<XenConfigException>(XlErrorClassifier.Classify("xl -N create /tmp/cfg/busybox-001-value-on-next-line.bad.cfg", 1, stderr, "h", null));
        Assert.Equal("/tmp/cfg/busybox-001-value-on-next-line.bad.cfg", ex.FileName);
        Assert.Equal(2, ex.Line);
        Assert.Contains("syntax error, unexpected NEWLINE", ex.Reason);
    }

    [Fact]
    public void Semantically_refused_config_keeps_xls_words()
    {
        string stderr = File.ReadAllText(RepoPaths.Fixture("configs", "xl-dry-run", "centos-001-install.stderr"));
        var ex = Assert.IsType<XlCommandException>(XlErrorClassifier.Classify("xl -N create /tmp/cfg/centos-001-install.cfg", 1, stderr, "h", null));
        Assert.Contains("Unknown on_reboot action \"shutdown\" specified", ex.Message);
    }

    [Fact]
    public void Unpause_error_with_exit_0_is_detected()
    {
        var fx = XlFixture.Load("275");
        Assert.Equal(0, fx.ExitCode);
        Assert.True(XlErrorClassifier.ReportsError(fx.Stderr));
        Assert.False(XlErrorClassifier.ReportsError(XlFixture.Load("277").Stderr));
        Assert.False(XlErrorClassifier.ReportsError(XlFixture.Load("141").Stderr)); // a successful migration's chatter
        var ex = XlErrorClassifier.NotPaused("testvm", "dom0-a", fx.Stderr);
        Assert.Equal("DomainNotPaused", ex.ErrorId);
        Assert.Contains("Unpausing domain: Invalid argument", ex.Message);
    }

    [Theory]
    [InlineData("xl create /tmp/a.cfg", "create")]
    [InlineData("xl -N create /tmp/a.cfg", "create")]
    [InlineData("xl -v mem-set web1 100m", "mem-set")]
    [InlineData("xenstore-read /local/domain/0/name", "xenstore-read")]
    [InlineData("/usr/sbin/xl list", "list")]
    public void Subcommand_is_found_after_global_options(string line, string sub) =>
        Assert.Equal(sub, XlErrorClassifier.Subcommand(line));
}

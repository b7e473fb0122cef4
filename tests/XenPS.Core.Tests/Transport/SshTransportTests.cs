using XenPS.Transport;

namespace XenPS.Core.Tests.Transport;

/// <summary>What the transport hands to ssh, and how it reads ssh's failures (no sshd needed).</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SshTransportArgumentTests : IDisposable
{
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("xenps-ssh-");

    public void Dispose() => _temp.Delete(recursive: true);

    private SshTransport Create(Func<SshTransportOptions, SshTransportOptions>? edit = null)
    {
        var options = new SshTransportOptions { Host = "dom0-a", ControlDirectory = Path.Combine(_temp.FullName, "cm") };
        return new SshTransport(edit is null ? options : edit(options));
    }

    [Fact]
    public void OptionsComeBeforeTheHostAndTheRemoteCommandIsOneQuotedWord()
    {
        SshTransport transport = Create(o => new SshTransportOptions
        {
            Host = o.Host,
            ControlDirectory = o.ControlDirectory,
            User = "root",
            Port = 2222,
            IdentityFile = "/home/me/.ssh/xen key",
            ConnectTimeout = TimeSpan.FromSeconds(7),
            ControlPersist = TimeSpan.FromSeconds(90),
        });

        IReadOnlyList<string> argv = transport.BuildArguments(new CommandRequest("xl", "list", "web 1; reboot"));

        int separator = IndexOf(argv, "--");
        Assert.Equal(argv.Count - 3, separator);
        Assert.Equal("dom0-a", argv[^2]);
        Assert.Equal("'xl' 'list' 'web 1; reboot'", argv[^1]);
        Assert.Equal("BatchMode=yes", OptionValue(argv, "BatchMode"));
        Assert.Equal("ConnectTimeout=7", OptionValue(argv, "ConnectTimeout"));
        Assert.Equal("ControlMaster=auto", OptionValue(argv, "ControlMaster"));
        Assert.Equal("ControlPersist=90", OptionValue(argv, "ControlPersist"));
        Assert.Matches("^ControlPath=" + System.Text.RegularExpressions.Regex.Escape(Path.Combine(_temp.FullName, "cm")) + "/[0-9a-f]{40}$", OptionValue(argv, "ControlPath"));
        Assert.Equal("IdentitiesOnly=yes", OptionValue(argv, "IdentitiesOnly"));
        Assert.Equal("/home/me/.ssh/xen key", argv[IndexOf(argv, "-i") + 1]);
        Assert.Equal("2222", argv[IndexOf(argv, "-p") + 1]);
        Assert.Equal("root", argv[IndexOf(argv, "-l") + 1]);
        Assert.True(IndexOf(argv, "-i") < separator && IndexOf(argv, "-p") < separator && IndexOf(argv, "-l") < separator);
    }

    [Fact]
    public void TheCommandLineThatRunsAnnouncesItsStartOnStderrBeforeTheQuotedProgram()
    {
        SshTransport transport = Create();
        IReadOnlyList<string> argv = transport.BuildArguments(new CommandRequest("xl", "list", "web 1; reboot"), announceStart: true);
        Assert.Equal("printf '%s\\n' xenps-remote-command-started >&2; 'xl' 'list' 'web 1; reboot'", argv[^1]);
        Assert.Equal("dom0-a", argv[^2]);
        Assert.Equal("--", argv[^3]);
    }

    [Theory]
    [InlineData("xenps-remote-command-started\n", true, "")]
    [InlineData("xenps-remote-command-started\nParsing config from /etc/xen/a.cfg\n", true, "Parsing config from /etc/xen/a.cfg\n")]
    [InlineData("motd from a profile\nxenps-remote-command-started\nerr\n", true, "motd from a profile\nerr\n")]
    [InlineData("xenps-remote-command-started", true, "")]
    [InlineData("", false, "")]
    [InlineData("not xenps-remote-command-started here\n", false, "not xenps-remote-command-started here\n")]
    [InlineData("xenps-remote-command-started-not\n", false, "xenps-remote-command-started-not\n")]
    public void TheStartMarkerIsRemovedOnlyAsAWholeLine(string stderr, bool started, string left)
    {
        var result = new CommandResult(0, "out", stderr, TimeSpan.Zero);
        Assert.Equal(started, SshTransport.RemoveStartedMarker(ref result));
        Assert.Equal(left, result.StandardError);
        Assert.Equal("out", result.StandardOutput);
    }

    [Fact]
    public void HostKeyCheckingIsLeftToTheUsersConfiguration()
    {
        IReadOnlyList<string> argv = Create().BuildArguments(new CommandRequest("xl", "info"));
        Assert.DoesNotContain(argv, a => a.Contains("StrictHostKeyChecking", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(argv, a => a.Contains("UserKnownHostsFile", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain("-i", argv);
    }

    [Fact]
    public void ExtraOptionsComeFirstSoTheyWin()
    {
        // ssh keeps the first value of an option: the user's must precede XenPS's defaults.
        SshTransport transport = Create(o => new SshTransportOptions
        {
            Host = o.Host,
            ControlDirectory = o.ControlDirectory,
            ExtraOptions = ["StrictHostKeyChecking=accept-new", "BatchMode=no"],
        });
        IReadOnlyList<string> argv = transport.BuildArguments(new CommandRequest("xl", "info"));
        Assert.Equal(["-o", "StrictHostKeyChecking=accept-new", "-o", "BatchMode=no", "-o", "BatchMode=yes"], argv.Take(6));
    }

    [Fact]
    public void AHostThatLooksLikeAnOptionStaysTheDestination()
    {
        SshTransport transport = new(new SshTransportOptions { Host = "-oProxyCommand=id", ControlDirectory = Path.Combine(_temp.FullName, "cm") });
        IReadOnlyList<string> argv = transport.BuildArguments(new CommandRequest("xl", "info"));
        Assert.Equal("--", argv[^3]);
        Assert.Equal("-oProxyCommand=id", argv[^2]);
    }

    [Fact]
    public void TheControlSocketIsPrivateToEverythingThatDecidesTrust()
    {
        // Issue 13, case 7: with ssh's %C (local host, host, port, user), a connect with an unknown host key or a
        // rejected identity rode a master made with other options.
        string key = Path.Combine(_temp.FullName, "id");
        File.WriteAllText(key, "key");
        string hosts = Path.Combine(_temp.FullName, "known_hosts");
        File.WriteAllText(hosts, "[127.0.0.1]:22 ssh-ed25519 AAAA\n");
        var baseline = new SshTransportOptions { Host = "dom0-a", User = "root", Port = 22, IdentityFile = key, ExtraOptions = ["UserKnownHostsFile=" + hosts] };
        string name = SshTransport.ControlSocketName(baseline);
        Assert.Matches("^[0-9a-f]{40}$", name);
        Assert.Equal(name, SshTransport.ControlSocketName(new SshTransportOptions { Host = "dom0-a", User = "root", Port = 22, IdentityFile = key, ExtraOptions = ["UserKnownHostsFile=" + hosts] }));

        SshTransportOptions[] others =
        [
            new() { Host = "dom0-b", User = "root", Port = 22, IdentityFile = key, ExtraOptions = baseline.ExtraOptions },
            new() { Host = "dom0-a", User = "admin", Port = 22, IdentityFile = key, ExtraOptions = baseline.ExtraOptions },
            new() { Host = "dom0-a", User = "root", Port = 2222, IdentityFile = key, ExtraOptions = baseline.ExtraOptions },
            new() { Host = "dom0-a", User = "root", Port = 22, IdentityFile = null, ExtraOptions = baseline.ExtraOptions },
            new() { Host = "dom0-a", User = "root", Port = 22, IdentityFile = key + "2", ExtraOptions = baseline.ExtraOptions },
            new() { Host = "dom0-a", User = "root", Port = 22, IdentityFile = key, ExtraOptions = ["UserKnownHostsFile=" + hosts, "StrictHostKeyChecking=no"] },
            new() { Host = "dom0-a", User = "root", Port = 22, IdentityFile = key, ExtraOptions = ["UserKnownHostsFile=/dev/null"] },
            new() { Host = "dom0-a", User = "root", Port = 22, IdentityFile = key, ExtraOptions = ["UserKnownHostsFile=" + hosts], SshProgram = "/opt/ssh" },
        ];
        Assert.Equal(others.Length, others.Select(SshTransport.ControlSocketName).Append(name).Distinct().Count() - 1);

        // The same file with other content (a changed host key, a replaced identity) is another socket too.
        File.WriteAllText(hosts, "[127.0.0.1]:22 ssh-ed25519 BBBB\n");
        Assert.NotEqual(name, SshTransport.ControlSocketName(baseline));
        string afterHosts = SshTransport.ControlSocketName(baseline);
        File.WriteAllText(key, "another key");
        Assert.NotEqual(afterHosts, SshTransport.ControlSocketName(baseline));
    }

    [Fact]
    public void TheControlDirectoryIsPrivate()
    {
        SshTransport transport = Create();
        transport.BuildArguments(new CommandRequest("true"));
        UnixFileMode mode = File.GetUnixFileMode(Path.Combine(_temp.FullName, "cm"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, mode);
    }

    [Fact]
    public void TheDefaultControlDirectoryIsPrivateAndShortEnoughForASocket()
    {
        string directory = SshControlDirectory.Prepare(null, out _);
        Assert.True(directory.Length + SshControlDirectory.SocketNameLength <= SshControlDirectory.MaxSocketPath, directory);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(directory));
    }

    [Fact]
    public void AControlDirectoryTooLongForASocketIsRefused()
    {
        string tooLong = "/tmp/" + new string('d', 60);
        Assert.Throws<ArgumentException>(() => SshControlDirectory.Prepare(tooLong, out _));
    }

    [Fact]
    public async Task NulInAnArgumentIsRefusedBeforeSshRuns()
    {
        await using SshTransport transport = Create(o => new SshTransportOptions { Host = o.Host, ControlDirectory = o.ControlDirectory, SshProgram = "xenps-no-such-ssh" });
        await Assert.ThrowsAsync<ArgumentException>(() => transport.RunAsync(new CommandRequest("xl", "rename", "a\0b"), CancellationToken.None));
    }

    [Fact]
    public async Task AMissingSshClientIsAClearError()
    {
        await using SshTransport transport = Create(o => new SshTransportOptions { Host = o.Host, ControlDirectory = o.ControlDirectory, SshProgram = "xenps-no-such-ssh" });
        XenOperationException ex = await Assert.ThrowsAsync<XenOperationException>(() => transport.RunAsync(new CommandRequest("xl", "info"), CancellationToken.None));
        Assert.Equal("CommandNotFound", ex.ErrorId);
        Assert.Contains("xenps-no-such-ssh", ex.Message);
        Assert.Contains("dom0-a", ex.Message);
    }

    [Fact]
    public void InvalidOptionsAreRefused()
    {
        Assert.Throws<ArgumentException>(() => new SshTransport(new SshTransportOptions { Host = " " }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SshTransport(new SshTransportOptions { Host = "h", Port = 0 }));
        Assert.Throws<ArgumentException>(() => new SshTransport(new SshTransportOptions { Host = "h\0x" }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SshTransport(new SshTransportOptions { Host = "h", ConnectTimeout = TimeSpan.Zero }));
    }

    [Theory]
    [InlineData("284-ssh_refused_xl_info", "Unreachable")]
    [InlineData("285-ssh_auth_failed_xl_info", "Authentication")]
    [InlineData("021-xl_create_srv_domU.cfg-MISSING_LIBGCC", "None")]
    public void FixturesWithExit255AreClassifiedByStderr(string fixture, string expected)
    {
        string meta = File.ReadAllText(RepoPaths.Fixture("xen-4.17.7", fixture + ".meta"));
        int exitCode = int.Parse(meta.Split('\n').Single(l => l.StartsWith("exit_code:", StringComparison.Ordinal))["exit_code:".Length..].Trim());
        Assert.Equal(255, exitCode);
        string stderr = File.ReadAllText(RepoPaths.Fixture("xen-4.17.7", fixture + ".stderr"));
        Assert.Equal(Enum.Parse<SshFailureKind>(expected), SshErrors.Classify(exitCode, stderr));
    }

    [Theory]
    [InlineData("ssh: Could not resolve hostname dom0-x: Name or service not known\n", "Unreachable")]
    [InlineData("ssh: connect to host 10.0.0.9 port 22: Connection timed out\n", "Unreachable")]
    [InlineData("ssh: connect to host 10.0.0.9 port 22: No route to host\n", "Unreachable")]
    [InlineData("Connection closed by 10.0.0.9 port 22\n", "Unreachable")]
    [InlineData("kex_exchange_identification: read: Connection reset by peer\n", "Unreachable")]
    [InlineData("Warning: Permanently added 'x' (ED25519) to the list of known hosts.\nConnection to 10.0.0.9 closed by remote host.\n", "Unreachable")]
    [InlineData("Host key verification failed.\n", "Authentication")]
    [InlineData("@@@@\nIT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!\nHost key verification failed.\n", "Authentication")]
    [InlineData("Received disconnect from 10.0.0.9 port 22:2: Too many authentication failures\n", "Authentication")]
    [InlineData("", "None")]
    [InlineData("xl: fatal error: something\n", "None")]
    public void SshMessagesWithExit255AreClassified(string stderr, string expected)
    {
        Assert.Equal(Enum.Parse<SshFailureKind>(expected), SshErrors.Classify(255, stderr));
    }

    [Theory]
    [InlineData("bash: line 1: xl: command not found\n", "xl", true)]
    [InlineData("sh: 1: xl: not found\n", "xl", true)]
    [InlineData("sh: xl: not found\n", "xl", true)]
    [InlineData("bash: line 1: /usr/sbin/xl: No such file or directory\n", "/usr/sbin/xl", true)]
    [InlineData("sh: 1: xenstore-read: not found\n", "sh", false)]
    [InlineData("xl: command not found\n", "xl", false)]
    public void TheRemoteShellsCommandNotFoundIsRecognised(string stderr, string program, bool expected)
    {
        Assert.Equal(expected, SshErrors.IsRemoteCommandNotFound(127, stderr, program));
        Assert.False(SshErrors.IsRemoteCommandNotFound(1, stderr, program));
    }

    [Fact]
    public void SshLikeWordsWithAnotherExitCodeAreTheRemoteCommands()
    {
        Assert.Equal(SshFailureKind.None, SshErrors.Classify(1, "root@127.0.0.1: Permission denied (publickey).\n"));
        Assert.Equal(SshFailureKind.None, SshErrors.Classify(0, "ssh: connect to host h port 22: Connection refused\n"));
    }

    private static int IndexOf(IReadOnlyList<string> argv, string value)
    {
        for (int i = 0; i < argv.Count; i++)
        {
            if (argv[i] == value)
            {
                return i;
            }
        }

        return -1;
    }

    private static string OptionValue(IReadOnlyList<string> argv, string name)
    {
        for (int i = 0; i + 1 < argv.Count; i++)
        {
            if (argv[i] == "-o" && argv[i + 1].StartsWith(name + "=", StringComparison.Ordinal))
            {
                return argv[i + 1];
            }
        }

        return string.Empty;
    }
}

/// <summary>Against a real sshd on 127.0.0.1 (see <see cref="SshdServer"/>).</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SshTransportSshdTests : IClassFixture<SshdFixture>
{
    private readonly SshdFixture _fixture;

    public SshTransportSshdTests(SshdFixture fixture)
    {
        _fixture = fixture;
    }

    private SshdServer Server => _fixture.Server;

    private SshTransport Create(string? identity = null, ListLogger<SshTransport>? logger = null) =>
        new(Server.Options(Server.NewControlDirectory(), identity), logger);

    private static Task<CommandResult> Run(SshTransport transport, CommandRequest request) =>
        transport.RunAsync(request, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(90));

    [Fact]
    public async Task RunsCommandsAndReturnsExitCodeStdoutAndStderr()
    {
        await using SshTransport transport = Create();
        CommandResult result = await Run(transport, new CommandRequest("sh", "-c", "echo out; echo err >&2; exit 3"));
        Assert.Equal(3, result.ExitCode);
        Assert.Equal("out\n", result.StandardOutput);
        Assert.Equal("err\n", result.StandardError);

        CommandResult whoami = await Run(transport, new CommandRequest("id", "-un"));
        Assert.Equal(SshdServer.UserName + "\n", whoami.StandardOutput);
    }

    [Fact]
    public async Task HostileArgumentsReachTheRemoteProgramVerbatim()
    {
        await using SshTransport transport = Create();
        CommandResult result = await Run(transport, new CommandRequest("printf", ["%s\\0", .. HostileCorpus.Words]));
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(HostileCorpus.Words, HostileCorpus.SplitNul(result.StandardOutput));
    }

    [Fact]
    public async Task StandardInputReachesTheRemoteProgram()
    {
        await using SshTransport transport = Create();
        string text = string.Concat(Enumerable.Range(0, 20000).Select(i => $"vif = ['mac=00:16:3e:00:00:{i % 100:00}'] # {i} ü\n"));
        CommandResult result = await Run(transport, new CommandRequest("cat") { StandardInput = text });
        Assert.Equal(text, result.StandardOutput);
    }

    [Fact]
    public async Task ARemoteCommandThatExits255IsAResultNotAnSshFailure()
    {
        await using SshTransport transport = Create();
        CommandResult result = await Run(
            transport,
            new CommandRequest("sh", "-c", "echo 'Parsing config from /srv/domU.cfg' >&2; echo 'libgcc_s.so.1 must be installed for pthread_cancel to work' >&2; exit 255"));
        Assert.Equal(255, result.ExitCode);
        Assert.EndsWith("pthread_cancel to work\n", result.StandardError);
    }

    [Fact]
    public async Task ACommandTheServerDroppedBeforeItBeganIsSentAgainAndRunsOnce()
    {
        // Dropbear before 2024.86 closes a session now and then before its exec request is read (seen on the
        // real-Xen harness): ssh exits 255 and says nothing, and the command never ran. This ssh does that to the
        // first two sessions, then passes the rest to the real ssh.
        (string dropping, string count) = DroppingSsh(drops: 2);
        string ran = count + ".ran";
        var logger = new ListLogger<SshTransport>();
        await using SshTransport transport = CreateWith(dropping, logger);
        CommandResult result = await Run(transport, new CommandRequest("sh", "-c", "echo once >> \"$1\"; echo done; echo warn >&2", "sh", ran));

        Assert.Equal((0, "done\n", "warn\n"), (result.ExitCode, result.StandardOutput, result.StandardError));
        Assert.Equal("3", File.ReadAllText(count).Trim());
        Assert.Equal("once\n", File.ReadAllText(ran));
        Assert.Equal(2, logger.Entries.Count(e => e.Message.Contains("closed the session before", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task ASessionDroppedBeforeItBeganEveryTimeIsUnreachableNamingTheCommand()
    {
        (string dropping, string count) = DroppingSsh(drops: int.MaxValue);
        await using SshTransport transport = CreateWith(dropping, null);
        var ex = await Assert.ThrowsAsync<XenHostUnreachableException>(() => Run(transport, new CommandRequest("xl", "destroy", "7")));
        Assert.Contains("'xl destroy 7'", ex.Message);
        Assert.Contains("did not run", ex.Message);
        Assert.Equal("3", File.ReadAllText(count).Trim());
    }

    [Fact]
    public async Task ACommandThatBeganIsNeverSentAgainEvenWhenItsExitStatusIs255WithoutAWord()
    {
        await using SshTransport transport = Create();
        string ran = Path.Combine(Server.Directory, "began-" + Guid.NewGuid().ToString("N")[..6]);
        CommandResult result = await Run(transport, new CommandRequest("sh", "-c", "echo once >> \"$1\"; exit 255", "sh", ran));
        Assert.Equal((255, ""), (result.ExitCode, result.StandardError));
        Assert.Equal("once\n", File.ReadAllText(ran));
    }

    [Fact]
    public async Task A_stream_over_ssh_hands_out_the_programs_lines_and_never_the_start_marker()
    {
        await using SshTransport transport = Create();
        await using StreamingCommand command = await transport.StartAsync(new CommandRequest("sh", "-c", "echo a; echo b; echo e >&2; exit 3"), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(90));
        var lines = new List<string>();
        await foreach (string line in command.ReadLinesAsync())
        {
            lines.Add(line);
        }

        CommandResult result = await command.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(90));
        Assert.Equal(["a", "b"], lines);
        Assert.Equal((3, "e\n"), (result.ExitCode, result.StandardError));
    }

    [Fact]
    public async Task A_stream_the_server_dropped_before_it_began_is_started_again_and_runs_once()
    {
        (string dropping, string count) = DroppingSsh(drops: 2);
        string ran = count + ".ran";
        var logger = new ListLogger<SshTransport>();
        await using SshTransport transport = CreateWith(dropping, logger);
        await using StreamingCommand command = await transport.StartAsync(new CommandRequest("sh", "-c", "echo once >> \"$1\"; echo progress 1; echo progress 2", "sh", ran), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(90));
        var lines = new List<string>();
        await foreach (string line in command.ReadLinesAsync())
        {
            lines.Add(line);
        }

        Assert.Equal(0, (await command.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(90))).ExitCode);
        Assert.Equal(["progress 1", "progress 2"], lines);
        Assert.Equal("3", File.ReadAllText(count).Trim());
        Assert.Equal("once\n", File.ReadAllText(ran));
        Assert.Equal(2, logger.Entries.Count(e => e.Message.Contains("closed the session before", StringComparison.Ordinal)));
    }

    /// <summary>
    /// An ssh that acts as dropbear before 2024.86 now and then does: the first <paramref name="drops"/> sessions end with
    /// exit 255 and no word, the command never run; later ones go to the real ssh. <c>Count</c> is the file counting the calls.
    /// </summary>
    private (string Program, string Count) DroppingSsh(int drops)
    {
        string count = Path.Combine(Server.Directory, "dropped-" + Guid.NewGuid().ToString("N")[..6]);
        string program = WriteScript("dropping-ssh", $$"""
            #!/bin/sh
            n=$(cat '{{count}}' 2>/dev/null || echo 0); n=$((n+1)); echo "$n" > '{{count}}'
            [ "$n" -le {{drops}} ] && exit 255
            exec ssh "$@"
            """);
        return (program, count);
    }

    private string WriteScript(string name, string text)
    {
        string path = Path.Combine(Server.Directory, name + "-" + Guid.NewGuid().ToString("N")[..6]);
        File.WriteAllText(path, text);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    private SshTransport CreateWith(string sshProgram, ListLogger<SshTransport>? logger)
    {
        SshTransportOptions o = Server.Options(Server.NewControlDirectory());
        return new SshTransport(
            new SshTransportOptions
            {
                Host = o.Host, Port = o.Port, User = o.User, IdentityFile = o.IdentityFile, ControlDirectory = o.ControlDirectory,
                ConnectTimeout = o.ConnectTimeout, ExtraOptions = o.ExtraOptions, SshProgram = sshProgram,
            },
            logger);
    }

    [Fact]
    public async Task MultiplexingReusesOneConnectionAndDisposeClosesIt()
    {
        string controlDirectory = Server.NewControlDirectory();
        int before = Server.CountConnections();
        var logger = new ListLogger<SshTransport>();
        await using (var transport = new SshTransport(Server.Options(controlDirectory), logger))
        {
            for (int i = 0; i < 4; i++)
            {
                CommandResult result = await Run(transport, new CommandRequest("echo", $"call {i}"));
                Assert.Equal($"call {i}\n", result.StandardOutput);
            }

            Assert.Equal(before + 1, Server.CountConnections());
            Assert.NotEmpty(Directory.GetFileSystemEntries(controlDirectory));
        }

        Assert.Contains(logger.Entries, e => e.Message.Contains("closed the shared ssh connection", StringComparison.Ordinal));

        // The master is gone: the next transport on the same socket folder opens a new connection.
        await using (var again = new SshTransport(Server.Options(controlDirectory)))
        {
            await Run(again, new CommandRequest("true"));
        }

        Assert.Equal(before + 2, Server.CountConnections());
    }

    [Fact]
    public async Task ParallelFirstCallsOpenOneSharedConnection()
    {
        // A listing makes several calls at once; before the shared connection exists they must not
        // each race to become the master (a Dom0's small SSH server refuses some of them).
        string controlDirectory = Server.NewControlDirectory();
        int before = Server.CountConnections();
        await using (var transport = new SshTransport(Server.Options(controlDirectory)))
        {
            CommandResult[] results = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => Run(transport, new CommandRequest("echo", $"p{i}"))));
            Assert.Equal(Enumerable.Range(0, 6).Select(i => $"p{i}\n"), results.Select(r => r.StandardOutput));
            Assert.Equal(before + 1, Server.CountConnections());
        }
    }

    [Fact]
    public async Task AProgramMissingOnTheHostIsCommandNotFound()
    {
        await using SshTransport transport = Create();
        XenOperationException ex = await Assert.ThrowsAsync<XenOperationException>(() => Run(transport, new CommandRequest("xenps-no-such-xl", "list")));
        Assert.Equal("CommandNotFound", ex.ErrorId);
        Assert.Equal("127.0.0.1", ex.HostName);
        Assert.Contains("'xenps-no-such-xl'", ex.Message);

        // A program that runs and itself exits 127 is a normal result.
        CommandResult result = await Run(transport, new CommandRequest("sh", "-c", "xenps-missing-inner; exit 127"));
        Assert.Equal(127, result.ExitCode);
    }

    [Fact]
    public async Task ARejectedKeyIsAnAuthenticationError()
    {
        await using SshTransport transport = Create(identity: Server.RejectedKey);
        XenAuthenticationException ex = await Assert.ThrowsAsync<XenAuthenticationException>(() => Run(transport, new CommandRequest("xl", "info")));
        Assert.Contains("Permission denied (publickey)", ex.SshMessage);
        Assert.Equal("127.0.0.1", ex.HostName);
        Assert.Equal("AuthenticationFailed", ex.ErrorId);
    }

    [Fact]
    public async Task ARejectedKeyAndAWrongKnownHostsFailWhileAnotherConnectionToTheSameAddressIsOpen()
    {
        // Issue 13, case 7: the control socket was ssh's %C (local host, host, port, user), so these rode the master.
        string controlDirectory = Server.NewControlDirectory();
        await using var good = new SshTransport(Server.Options(controlDirectory));
        Assert.Equal("up\n", (await Run(good, new CommandRequest("echo", "up"))).StandardOutput);
        Assert.NotEmpty(Directory.GetFileSystemEntries(controlDirectory));

        await using var rejected = new SshTransport(Server.Options(controlDirectory, Server.RejectedKey));
        var auth = await Assert.ThrowsAsync<XenAuthenticationException>(() => Run(rejected, new CommandRequest("echo", "rode the master")));
        Assert.Contains("Permission denied", auth.SshMessage);

        string wrongHosts = Path.Combine(Server.Directory, "wrong_known_hosts");
        string[] someOtherKey = File.ReadAllText(Server.UserKey + ".pub").Split(' ');
        File.WriteAllText(wrongHosts, $"[127.0.0.1]:{Server.Port} {someOtherKey[0]} {someOtherKey[1]}\n");
        SshTransportOptions o = Server.Options(controlDirectory);
        await using var wrongKey = new SshTransport(new SshTransportOptions
        {
            Host = o.Host,
            Port = o.Port,
            User = o.User,
            IdentityFile = o.IdentityFile,
            ControlDirectory = controlDirectory,
            ConnectTimeout = o.ConnectTimeout,
            ExtraOptions = ["StrictHostKeyChecking=yes", "UserKnownHostsFile=" + wrongHosts, "LogLevel=ERROR"],
        });
        var hostKey = await Assert.ThrowsAsync<XenAuthenticationException>(() => Run(wrongKey, new CommandRequest("echo", "rode the master")));
        Assert.Contains("Host key verification failed", hostKey.SshMessage);

        // The first connection is still there and still works.
        Assert.Equal("still\n", (await Run(good, new CommandRequest("echo", "still"))).StandardOutput);
    }

    [Fact]
    public async Task AConfigWriteCutOffBySshDyingMidTransferLeavesTheFileUntouched()
    {
        // Issue 13, case 1 over a real connection: the ssh client is killed (SIGKILL) after 60 bytes of a config;
        // 'cat > tmp; mv -f' committed those 60 bytes. The host now checks size and SHA-256 before the rename.
        string dir = Path.Combine(Server.Directory, "etc-xen-" + Guid.NewGuid().ToString("N")[..6]);
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, "web1.cfg");
        const string Original = "name = \"web1\"\nmemory = 512\ndisk = [ 'phy:/dev/vg/web1,xvda,w' ]\n";
        File.WriteAllText(path, Original);
        string replacement = "name = \"web1\"\nmemory = 1024\ndisk = [ 'phy:/dev/vg/web1,xvda,w' ]\nvif = [ 'bridge=xenbr0' ]\n" + new string('#', 4000) + "\n";

        string dying = Path.Combine(Server.Directory, "dying-ssh");
        File.WriteAllText(dying, """
            #!/bin/sh
            # A real ssh that gets the first 60 bytes of its stdin and is then killed, mid-transfer, once the
            # write script runs on the host (its temporary file exists: this "host" is this machine).
            fifo=$(mktemp -u "${TMPDIR:-/tmp}/xenps-cut.XXXXXX") && mkfifo "$fifo" || exit 90
            ssh "$@" <"$fifo" &
            pid=$!
            exec 3>"$fifo"
            head -c 60 >&3
            n=0
            while ! ls __DIR__/.web1.cfg.xenps.* >/dev/null 2>&1 && [ $n -lt 600 ]; do sleep 0.1; n=$((n+1)); done
            sleep 0.5
            kill -9 "$pid"
            wait "$pid"
            rc=$?
            rm -f "$fifo"
            exit "$rc"
            """.Replace("__DIR__", "'" + dir + "'", StringComparison.Ordinal));
        File.SetUnixFileMode(dying, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        SshTransportOptions o = Server.Options(Server.NewControlDirectory());
        await using var cut = new SshTransport(new SshTransportOptions
        {
            Host = o.Host, Port = o.Port, User = o.User, IdentityFile = o.IdentityFile, ControlDirectory = o.ControlDirectory,
            ConnectTimeout = o.ConnectTimeout, ExtraOptions = o.ExtraOptions, SshProgram = dying,
        });

        var ex = await Assert.ThrowsAsync<XenHostWriteException>(() => new Toolstack.XlToolstack(cut).WriteFileAsync(path, replacement, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(90)));
        Assert.Equal(("HostWriteFailed", path, "127.0.0.1"), (ex.ErrorId, ex.Path, ex.HostName));
        Assert.False(ex.FileUnchanged); // the client died: XenPS cannot know what the host did, and says so

        // What the host did: the script saw end of input after 60 bytes, refused, removed its temporary file.
        for (int i = 0; i < 100 && Directory.GetFiles(dir, ".web1.cfg.xenps.*").Length > 0; i++)
        {
            await Task.Delay(100);
        }

        Assert.Empty(Directory.GetFiles(dir, ".web1.cfg.xenps.*"));
        Assert.Equal(Original, File.ReadAllText(path));

        await using SshTransport whole = Create();
        await new Toolstack.XlToolstack(whole).WriteFileAsync(path, replacement, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(90));
        Assert.Equal(replacement, File.ReadAllText(path));
    }

    [Fact]
    public async Task TimeoutKillsSshAndTheConnectionStaysUsable()
    {
        await using SshTransport transport = Create();
        XenTimeoutException ex = await Assert.ThrowsAsync<XenTimeoutException>(
            () => Run(transport, new CommandRequest("sleep", "8") { Timeout = TimeSpan.FromSeconds(2) }));
        Assert.Equal("127.0.0.1", ex.HostName);
        Assert.Contains("may still be running on host '127.0.0.1'", ex.Message);

        CommandResult after = await Run(transport, new CommandRequest("echo", "still here"));
        Assert.Equal("still here\n", after.StandardOutput);
    }

    [Fact]
    public async Task AStoppedSshdIsUnreachable()
    {
        await using SshdServer own = await SshdServer.StartAsync(_fixture.SshdPath);
        await using (var transport = new SshTransport(own.Options(own.NewControlDirectory())))
        {
            Assert.Equal("up\n", (await Run(transport, new CommandRequest("echo", "up"))).StandardOutput);
        }

        int pid = own.Pid;
        await own.StopAsync();
        Assert.True(await ProcessProbe.IsGoneAsync(pid, TimeSpan.FromSeconds(10)));

        await using var after = new SshTransport(own.Options(own.NewControlDirectory()));
        XenHostUnreachableException ex = await Assert.ThrowsAsync<XenHostUnreachableException>(() => Run(after, new CommandRequest("xl", "info")));
        Assert.Contains("Connection refused", ex.SshMessage);
        Assert.Equal("HostUnreachable", ex.ErrorId);
    }
}

using System.Globalization;
using Microsoft.Extensions.Logging;
using XenPS.Toolstack;
using XenPS.Transport;

namespace XenPS.IntegrationTests;

/// <summary>
/// The real Xen host under test, from the variables that tests/integration/xen-qemu/up.sh writes
/// (or that a user exports to point the tests at a real Dom0). Without <c>XENPS_TEST_HOST</c> every
/// test fails with a message that says how to run them: these tests never pass without a host.
/// </summary>
public sealed class RealXenEnvironment
{
    /// <summary>ssh options for the harness: its Dom0 gets a fresh host key per image.</summary>
    /// <remarks>
    /// XENPS_TEST_KNOWN_HOSTS (written by up.sh) would allow strict checking, but a user pointing the
    /// tests at a real Dom0 may not have one; the tests only ever talk to 127.0.0.1 or the host they were given.
    /// </remarks>
    public static readonly IReadOnlyList<string> HarnessSshOptions =
        ["StrictHostKeyChecking=no", "UserKnownHostsFile=/dev/null", "LogLevel=ERROR"];

    private RealXenEnvironment(string host)
    {
        Host = host;
    }

    /// <summary>The Dom0's address (<c>XENPS_TEST_HOST</c>).</summary>
    public string Host { get; }

    /// <summary>The SSH port (<c>XENPS_TEST_PORT</c>), or null for ssh's default.</summary>
    public int? Port { get; private init; }

    /// <summary>The remote user (<c>XENPS_TEST_USER</c>, default root).</summary>
    public string User { get; private init; } = "root";

    /// <summary>The private key (<c>XENPS_TEST_IDENTITY</c>), or null for the user's own keys.</summary>
    public string? IdentityFile { get; private init; }

    /// <summary>The guest kernel on the Dom0 (<c>XENPS_TEST_KERNEL</c>, default /srv/vmlinuz).</summary>
    public string Kernel { get; private init; } = "/srv/vmlinuz";

    /// <summary>The guest initrd on the Dom0 (<c>XENPS_TEST_RAMDISK</c>, default /srv/domU-initrd.gz).</summary>
    public string Ramdisk { get; private init; } = "/srv/domU-initrd.gz";

    /// <summary>The bridge for vifs (<c>XENPS_TEST_BRIDGE</c>, default xenbr0).</summary>
    public string Bridge { get; private init; } = "xenbr0";

    /// <summary>Guest memory (<c>XENPS_TEST_GUEST_MEMORY_MB</c>, default 128: 64 fails with "segment kernel too large").</summary>
    public int GuestMemoryMB { get; private init; } = 128;

    /// <summary>A writable folder on the Dom0 for images and save files.</summary>
    public string Scratch { get; private init; } = "/tmp";

    /// <summary>Ssh options: <c>XENPS_TEST_SSH_OPTIONS</c> (space-separated; first, so they win: ssh keeps the first value) and the harness's.</summary>
    public IReadOnlyList<string> SshOptions { get; private init; } = HarnessSshOptions;

    /// <summary>The name connections show (host:port, as XenConnectionFactory names them).</summary>
    public string DisplayName => Port is int p && p != 22 ? $"{Host}:{p}" : Host;

    /// <summary>Reads the environment; throws with instructions when XENPS_TEST_HOST is unset.</summary>
    public static RealXenEnvironment FromEnvironment()
    {
        string? host = Environment.GetEnvironmentVariable("XENPS_TEST_HOST");
        if (string.IsNullOrWhiteSpace(host))
        {
            throw new InvalidOperationException(
                "XENPS_TEST_HOST is not set: the XenPS integration tests need a real Xen host and never pass without one. " +
                "Run them through tests/integration/xen-qemu/run-stage.sh (boots Xen 4.17 under QEMU), or export " +
                "XENPS_TEST_HOST, XENPS_TEST_PORT, XENPS_TEST_USER, XENPS_TEST_IDENTITY, XENPS_TEST_KERNEL, XENPS_TEST_RAMDISK " +
                "and XENPS_TEST_BRIDGE for a Dom0 meant for tests (see tests/integration/xen-qemu/README.md).");
        }

        string? port = Get("XENPS_TEST_PORT");
        string? memory = Get("XENPS_TEST_GUEST_MEMORY_MB");
        string? extra = Get("XENPS_TEST_SSH_OPTIONS");
        return new RealXenEnvironment(host.Trim())
        {
            Port = port is null ? null : int.Parse(port, NumberStyles.None, CultureInfo.InvariantCulture),
            User = Get("XENPS_TEST_USER") ?? "root",
            IdentityFile = Get("XENPS_TEST_IDENTITY"),
            Kernel = Get("XENPS_TEST_KERNEL") ?? "/srv/vmlinuz",
            Ramdisk = Get("XENPS_TEST_RAMDISK") ?? "/srv/domU-initrd.gz",
            Bridge = Get("XENPS_TEST_BRIDGE") ?? "xenbr0",
            GuestMemoryMB = memory is null ? 128 : int.Parse(memory, NumberStyles.None, CultureInfo.InvariantCulture),
            Scratch = Get("XENPS_TEST_SCRATCH") ?? "/tmp",
            SshOptions = extra is null
                ? HarnessSshOptions
                : [.. extra.Split(' ', StringSplitOptions.RemoveEmptyEntries), .. HarnessSshOptions],
        };

        static string? Get(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : null;
    }

    /// <summary>The transport the contract suite runs over.</summary>
    public SshTransport CreateTransport(ILoggerFactory loggerFactory) => new(
        new SshTransportOptions
        {
            Host = Host,
            DisplayName = DisplayName,
            Port = Port,
            User = User,
            IdentityFile = IdentityFile,
            ExtraOptions = SshOptions,
            ConnectTimeout = TimeSpan.FromSeconds(30),
        },
        loggerFactory.CreateLogger<SshTransport>());

    /// <summary>A connection as Connect-XenHost makes it.</summary>
    public XenHostConnection Connect(ILoggerFactory loggerFactory) => XenConnectionFactory.Ssh(
        new SshConnectionOptions
        {
            ComputerName = Host,
            Port = Port,
            User = User,
            IdentityFile = IdentityFile,
            SshOptions = SshOptions,
        },
        loggerFactory);

    /// <summary>Runs a fixed command on the Dom0 (test setup: dd, rm); fails the test on a non-zero exit.</summary>
    public static async Task<CommandResult> RunAsync(IXenTransport transport, string program, string[] args, CancellationToken ct)
    {
        CommandResult r = await transport.RunAsync(new CommandRequest(program, args) { Timeout = TimeSpan.FromMinutes(2) }, ct);
        if (r.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} on {transport.HostName} exited {r.ExitCode}: {r.StandardError.Trim()}");
        }

        return r;
    }

    /// <summary>xl.cfg text for a small test guest, generated by Core's config writer (as New-XenDomain does).</summary>
    public string GuestConfig(string name, XenDomainType type, int? maxMemoryMB = null) =>
        Operations.DomainConfigOperations.BuildConfig(Spec(name, type, maxMemoryMB)).ToConfigText();

    /// <summary>New-XenDomain's parameters for a small test guest.</summary>
    public Operations.NewDomainSpec Spec(string name, XenDomainType type, int? maxMemoryMB = null) => new()
    {
        Name = name,
        Type = type,
        MemoryMB = GuestMemoryMB,
        MaxMemoryMB = maxMemoryMB,
        VCpu = 1,
        Kernel = Kernel,
        Ramdisk = Ramdisk,
        KernelArgs = "console=hvc0 quiet",
    };
}

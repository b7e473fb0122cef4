using XenPS.Core.Tests.Transport;
using XenPS.Transport;

namespace XenPS.Benchmarks;

/// <summary>
/// 100 sequential calls through <see cref="SshTransport"/> against the loopback sshd of the transport tests:
/// over the shared (multiplexed) connection vs a fresh connection each (<c>ControlMaster=no</c>,
/// <c>ControlPath=none</c>), with the remote user's shell plain and with a heavy rc file (the shell's
/// <c>BASH_ENV</c>, set by sshd's <c>SetEnv</c>, stands in for a heavy ~/.bashrc without touching the user's home).
/// </summary>
internal static class SshCosts
{
    /// <summary>Sequential calls per run (100; fewer with --ssh-calls where fresh handshakes are very slow).</summary>
    public static int Calls { get; set; } = 100;

    // What a heavy interactive rc does on every start: probe tools, build a prompt, load completions (here: a loop of the same weight).
    private const string HeavyRc = """
        for t in git python3 kubectl docker; do command -v "$t" >/dev/null 2>&1; done
        PS1='\u@\h:\w\$ '
        i=0; while [ "$i" -lt 20000 ]; do i=$((i+1)); done
        export XENPS_HEAVY_RC=1
        """;

    public sealed record Result(string Shell, Stats Multiplexed, Stats Fresh)
    {
        public Stats Ratio => new(Multiplexed.Values.Zip(Fresh.Values, (m, f) => m / f).ToList());
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public static async Task<IReadOnlyList<Result>> MeasureAsync(int repeats)
    {
        string sshd = await SshdServer.EnsureSshdAsync();
        string rcFolder = Directory.CreateTempSubdirectory("xenps-bench-rc-").FullName;
        try
        {
            string rc = Path.Combine(rcFolder, "heavy.rc");
            await File.WriteAllTextAsync(rc, HeavyRc);
            var results = new List<Result>();
            foreach ((string shell, string config) in new[] { ("plain", string.Empty), ("heavy rc", $"SetEnv BASH_ENV={rc}") })
            {
                await using SshdServer server = await SshdServer.StartAsync(sshd, config);
                if (await CheckShellAsync(server, heavy: config.Length > 0) is { } problem)
                {
                    Console.WriteLine($"SSH, {shell}: not measured: {problem}");
                    continue;
                }

                var mux = new List<double>();
                var fresh = new List<double>();
                for (int r = 0; r < repeats; r++)
                {
                    mux.AddRange((await Stats.TimeAsync(1, () => HundredCallsAsync(server, multiplexed: true))).Values);
                    fresh.AddRange((await Stats.TimeAsync(1, () => HundredCallsAsync(server, multiplexed: false))).Values);
                }

                results.Add(new Result(shell, new Stats(mux), new Stats(fresh)));
            }

            return results;
        }
        finally
        {
            Directory.Delete(rcFolder, recursive: true);
        }
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static SshTransportOptions Options(SshdServer server, bool multiplexed)
    {
        SshTransportOptions options = server.Options(server.NewControlDirectory());
        return multiplexed ? options : new SshTransportOptions
        {
            Host = options.Host,
            Port = options.Port,
            User = options.User,
            IdentityFile = options.IdentityFile,
            ControlDirectory = options.ControlDirectory,
            ConnectTimeout = options.ConnectTimeout,
            DefaultTimeout = options.DefaultTimeout,
            ExtraOptions = ["ControlMaster=no", "ControlPath=none", .. options.ExtraOptions],
        };
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static async Task HundredCallsAsync(SshdServer server, bool multiplexed)
    {
        // A new transport each time: a multiplexed run pays its one handshake, as a session's first call does.
        await using var ssh = new SshTransport(Options(server, multiplexed));
        for (int i = 0; i < Calls; i++)
        {
            CommandResult r = await ssh.RunAsync(new CommandRequest("true"), CancellationToken.None);
            if (r.ExitCode != 0)
            {
                throw new InvalidOperationException($"ssh true exited {r.ExitCode}: {r.StandardError}");
            }
        }
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    // Null when the remote shell read the heavy rc file exactly when it should; else why not.
    private static async Task<string?> CheckShellAsync(SshdServer server, bool heavy)
    {
        await using var ssh = new SshTransport(Options(server, multiplexed: true));
        CommandResult r = await ssh.RunAsync(new CommandRequest("printenv", "XENPS_HEAVY_RC"), CancellationToken.None);
        return (r.StandardOutput.Trim() == "1") == heavy
            ? null
            : $"the remote shell {(heavy ? "did not read" : "read")} the heavy rc file (printenv said '{r.StandardOutput.Trim()}', exit {r.ExitCode}); is the login shell bash, and does sshd pass SetEnv BASH_ENV?";
    }
}

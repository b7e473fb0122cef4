using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using XenPS.Transport;

namespace XenPS.Core.Tests.Transport;

/// <summary>
/// A private sshd for the tests: bound to 127.0.0.1 on a free high port, generated host and user
/// keys, its own sshd_config and authorized_keys in a temp folder, run in the foreground as a child
/// process and stopped by PID. Never a system service. The binary comes from tests/tools/ensure-sshd.sh.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
internal sealed partial class SshdServer : IAsyncDisposable
{
    private static readonly TimeSpan ToolBound = TimeSpan.FromSeconds(60);

    private readonly Process _process;

    private SshdServer(string directory, int port, Process process)
    {
        Directory = directory;
        Port = port;
        _process = process;
    }

    public string Directory { get; }

    public int Port { get; }

    public int Pid => _process.Id;

    public string UserKey => Path.Combine(Directory, "user_key");

    public string RejectedKey => Path.Combine(Directory, "rejected_key");

    public string LogPath => Path.Combine(Directory, "sshd.log");

    public static string UserName => Environment.UserName;

    /// <summary>Runs tests/tools/ensure-sshd.sh (which may download and unpack openssh-server once) and returns the sshd path.</summary>
    public static async Task<string> EnsureSshdAsync()
    {
        string script = Path.Combine(RepoPaths.Root, "tests", "tools", "ensure-sshd.sh");
        (int exit, string stdout, string stderr) = await RunToolAsync("sh", [script], TimeSpan.FromMinutes(5));
        if (exit != 0)
        {
            throw new InvalidOperationException($"tests/tools/ensure-sshd.sh failed ({exit}): {stderr}");
        }

        return stdout.Trim();
    }

    /// <param name="sshd">The sshd binary.</param>
    /// <param name="extraConfig">More sshd_config lines (the benchmarks set the remote shell's environment with <c>SetEnv</c>).</param>
    public static async Task<SshdServer> StartAsync(string sshd, string extraConfig = "")
    {
        string dir = System.IO.Directory.CreateTempSubdirectory("xenps-sshd-").FullName;
        try
        {
            await KeygenAsync(Path.Combine(dir, "host_key"));
            await KeygenAsync(Path.Combine(dir, "user_key"));
            await KeygenAsync(Path.Combine(dir, "rejected_key"));
            string authorized = Path.Combine(dir, "authorized_keys");
            File.Copy(Path.Combine(dir, "user_key.pub"), authorized);
            File.SetUnixFileMode(authorized, UnixFileMode.UserRead | UnixFileMode.UserWrite);

            if (Environment.UserName == "root" && !System.IO.Directory.Exists("/run/sshd"))
            {
                // sshd's privilege-separation chroot, normally made by the package or systemd.
                System.IO.Directory.CreateDirectory("/run/sshd", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
            }

            Exception? last = null;
            for (int attempt = 0; attempt < 3; attempt++)
            {
                int port = FreePort();
                string config = Path.Combine(dir, "sshd_config");
                File.WriteAllText(config, $"""
                    Port {port}
                    ListenAddress 127.0.0.1
                    HostKey {dir}/host_key
                    PidFile none
                    AuthorizedKeysFile {authorized}
                    StrictModes no
                    PubkeyAuthentication yes
                    PasswordAuthentication no
                    KbdInteractiveAuthentication no
                    UsePAM no
                    PermitRootLogin prohibit-password
                    AllowUsers {UserName}
                    LogLevel VERBOSE
                    {extraConfig}

                    """);
                var startInfo = new ProcessStartInfo(sshd)
                {
                    UseShellExecute = false,
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                    RedirectStandardInput = true,
                };
                foreach (string arg in new[] { "-D", "-f", config, "-E", Path.Combine(dir, "sshd.log") })
                {
                    startInfo.ArgumentList.Add(arg);
                }

                var process = Process.Start(startInfo)!;
                process.OutputDataReceived += (_, _) => { };
                process.ErrorDataReceived += (_, _) => { };
                process.BeginOutputReadLine();
                process.BeginErrorReadLine();
                var server = new SshdServer(dir, port, process);
                try
                {
                    await server.WaitListeningAsync(TimeSpan.FromSeconds(20));
                    return server;
                }
                catch (InvalidOperationException ex)
                {
                    last = ex;
                    await server.StopAsync();
                }
            }

            throw new InvalidOperationException("sshd did not start", last);
        }
        catch
        {
            System.IO.Directory.Delete(dir, recursive: true);
            throw;
        }
    }

    /// <summary>Transport options for this server: the test-only host-key options go through ExtraOptions.</summary>
    public SshTransportOptions Options(string controlDirectory, string? identity = null) => new()
    {
        Host = "127.0.0.1",
        Port = Port,
        User = UserName,
        IdentityFile = identity ?? UserKey,
        ControlDirectory = controlDirectory,
        ConnectTimeout = TimeSpan.FromSeconds(5),
        ControlPersist = TimeSpan.FromSeconds(30),
        DefaultTimeout = TimeSpan.FromSeconds(60),
        ExtraOptions =
        [
            "StrictHostKeyChecking=no",
            "UserKnownHostsFile=" + Path.Combine(Directory, "known_hosts"),
            "LogLevel=ERROR",
        ],
    };

    /// <summary>A new short private folder for control sockets.</summary>
    public string NewControlDirectory()
    {
        string path = Path.Combine(Directory, "cm" + Guid.NewGuid().ToString("N")[..6]);
        System.IO.Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    /// <summary>TCP connections sshd accepted so far (its "Connection from" log lines).</summary>
    public int CountConnections() =>
        File.Exists(LogPath) ? ConnectionLine().Matches(File.ReadAllText(LogPath)).Count : 0;

    public string Log => File.Exists(LogPath) ? File.ReadAllText(LogPath) : string.Empty;

    /// <summary>Stops sshd and its session children by PID.</summary>
    public async Task StopAsync()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
        }

        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await _process.WaitForExitAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [GeneratedRegex(@"^Connection from 127\.0\.0\.1 port \d+", RegexOptions.Multiline)]
    private static partial Regex ConnectionLine();

    private async Task WaitListeningAsync(TimeSpan bound)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < bound)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"sshd exited with {_process.ExitCode}: {Log}");
            }

            if (Log.Contains("Server listening on 127.0.0.1 port " + Port, StringComparison.Ordinal))
            {
                return;
            }

            await Task.Delay(50);
        }

        throw new InvalidOperationException($"sshd did not listen within {bound}: {Log}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task KeygenAsync(string path)
    {
        (int exit, _, string stderr) = await RunToolAsync("ssh-keygen", ["-q", "-t", "ed25519", "-N", string.Empty, "-C", "xenps-test", "-f", path], ToolBound);
        if (exit != 0)
        {
            throw new InvalidOperationException("ssh-keygen failed: " + stderr);
        }
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> RunToolAsync(string program, IReadOnlyList<string> arguments, TimeSpan bound)
    {
        var startInfo = new ProcessStartInfo(program)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (string arg in arguments)
        {
            startInfo.ArgumentList.Add(arg);
        }

        using var process = Process.Start(startInfo)!;
        process.StandardInput.Close();
        using var cts = new CancellationTokenSource(bound);
        Task<string> stdout = process.StandardOutput.ReadToEndAsync(cts.Token);
        Task<string> stderr = process.StandardError.ReadToEndAsync(cts.Token);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} did not finish within {bound}.");
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}

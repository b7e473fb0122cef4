using System.Diagnostics;
using System.Text.Json;
using XenPS.Simulation;

namespace XenPS.Core.Tests.Simulation;

/// <summary>A state file shared by several processes: nothing lost, nothing corrupted.</summary>
public sealed class SimulatorStateFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("xenps-simfile-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static string WorkerDll()
    {
        // tests/XenPS.Core.Tests/bin/<Configuration>/<tfm>/ → tests/XenPS.SimulatorWorker/bin/<Configuration>/<tfm>/
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string tfm = output.Name;
        string configuration = output.Parent!.Name;
        string dll = Path.Combine(RepoPaths.Root, "tests", "XenPS.SimulatorWorker", "bin", configuration, tfm, "XenPS.SimulatorWorker.dll");
        Assert.True(File.Exists(dll), $"worker not built: {dll}");
        return dll;
    }

    [Fact]
    public async Task FiveProcesses_TenOperationsEach_LoseNothingAndCorruptNothing()
    {
        const int Workers = 5;
        const int Operations = 10;
        string statePath = Path.Combine(_folder, "fabric.json");
        SimulatedFabric fabric = SimulatedFabric.Open(statePath);
        Assert.True(await fabric.AddHostAsync("shared"));
        string dll = WorkerDll();

        var processes = new List<(Process Process, Task<string> Stdout, Task<string> Stderr)>();
        for (int w = 0; w < Workers; w++)
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (string arg in new[] { dll, statePath, "shared", w.ToString(System.Globalization.CultureInfo.InvariantCulture), Operations.ToString(System.Globalization.CultureInfo.InvariantCulture) })
            {
                start.ArgumentList.Add(arg);
            }

            Process p = Process.Start(start)!;
            processes.Add((p, p.StandardOutput.ReadToEndAsync(), p.StandardError.ReadToEndAsync()));
        }

        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            foreach ((Process p, _, _) in processes)
            {
                await p.WaitForExitAsync(cts.Token);
            }
        }
        finally
        {
            foreach ((Process p, _, _) in processes)
            {
                if (!p.HasExited)
                {
                    p.Kill(entireProcessTree: true);
                }
            }
        }

        foreach ((Process p, Task<string> stdout, Task<string> stderr) in processes)
        {
            Assert.True(p.ExitCode == 0, $"worker exit {p.ExitCode}: {await stderr}");
            Assert.Equal(Operations, (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
            p.Dispose();
        }

        // The state file is whole, valid JSON, and no temporary file is left behind.
        using (JsonDocument.Parse(await File.ReadAllTextAsync(statePath)))
        {
        }

        Assert.Empty(Directory.GetFiles(_folder, "*.tmp"));

        // Nothing lost: every guest and every file of every worker is there, with distinct domids 1..25.
        SimulatedToolstack xl = SimulatedFabric.Open(statePath).GetToolstack("shared");
        IReadOnlyList<XenDomain> domains = await xl.ListDomainsAsync(CancellationToken.None);
        var expectedGuests = Enumerable.Range(0, Workers).SelectMany(w => Enumerable.Range(0, Operations).Where(n => n % 2 == 0).Select(n => $"w{w}-{n}")).ToHashSet();
        Assert.Equal(expectedGuests.OrderBy(n => n), domains.Where(d => d.Id != 0).Select(d => d.Name).OrderBy(n => n));
        Assert.Equal(Enumerable.Range(1, expectedGuests.Count), domains.Where(d => d.Id != 0).Select(d => d.Id!.Value).OrderBy(i => i));
        Assert.All(domains.Where(d => d.Id != 0), d => Assert.Equal(XenDomainState.Paused, d.State));
        Assert.Equal((3071L - 1024 - 33) - (16L * expectedGuests.Count), (await xl.GetHostInfoAsync(CancellationToken.None)).FreeMemoryMB);
        for (int w = 0; w < Workers; w++)
        {
            for (int n = 1; n < Operations; n += 2)
            {
                Assert.Equal($"w{w}-{n}", await xl.ReadFileAsync($"/tmp/w{w}-{n}", CancellationToken.None));
            }
        }
    }

    [Fact]
    public async Task TwoProcesses_CreatingTheSameNames_WithLatency_ExactlyOneWinsEachName()
    {
        // Issue 13, case 2: with a check before the write, both processes were told "created" and the later
        // write replaced the earlier one. The create is one atomic step on the host now.
        const int Names = 8;
        string statePath = Path.Combine(_folder, "race.json");
        SimulatedFabric fabric = SimulatedFabric.Open(statePath);
        Assert.True(await fabric.AddHostAsync("shared"));
        foreach (string op in new[] { "FileExists", "WriteFile", "ListDomains" })
        {
            await fabric.SetLatencyAsync("shared", op, TimeSpan.FromMilliseconds(150));
        }

        string dll = WorkerDll();
        var processes = new List<(Process Process, Task<string> Stdout, Task<string> Stderr)>();
        foreach (string worker in new[] { "A", "B" })
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (string arg in new[] { dll, "new", statePath, "shared", worker, Names.ToString(System.Globalization.CultureInfo.InvariantCulture) })
            {
                start.ArgumentList.Add(arg);
            }

            Process p = Process.Start(start)!;
            processes.Add((p, p.StandardOutput.ReadToEndAsync(), p.StandardError.ReadToEndAsync()));
        }

        var results = new Dictionary<string, List<string>>();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        foreach ((Process p, Task<string> stdout, Task<string> stderr) in processes)
        {
            try
            {
                await p.WaitForExitAsync(cts.Token);
            }
            finally
            {
                if (!p.HasExited)
                {
                    p.Kill(entireProcessTree: true);
                }
            }

            Assert.True(p.ExitCode == 0, $"worker exit {p.ExitCode}: {await stderr}");
            string worker = processes[0].Process == p ? "A" : "B";
            results[worker] = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
            p.Dispose();
        }

        SimulatedToolstack xl = SimulatedFabric.Open(statePath).GetToolstack("shared");
        for (int n = 0; n < Names; n++)
        {
            string name = $"race-{n}";
            string[] winners = results.Where(r => r.Value.Contains($"won {name}")).Select(r => r.Key).ToArray();
            string[] losers = results.Where(r => r.Value.Contains($"lost {name} DomainExists")).Select(r => r.Key).ToArray();
            Assert.True(winners.Length == 1 && losers.Length == 1, $"{name}: winners [{string.Join(",", winners)}], losers [{string.Join(",", losers)}]");

            // The file is the winner's, whole.
            string text = await xl.ReadFileAsync($"/etc/xen/{name}.cfg", CancellationToken.None);
            Assert.Contains($"worker={winners[0]}", text);
        }
    }

    [Fact]
    public async Task TwoFabricObjects_OnOneFile_SeeEachOthersChanges()
    {
        string statePath = Path.Combine(_folder, "shared.json");
        SimulatedFabric first = SimulatedFabric.Open(statePath);
        SimulatedFabric second = SimulatedFabric.Open(statePath);
        Assert.True(await first.AddHostAsync("a"));
        Assert.False(await second.AddHostAsync("a"));
        await first.GetToolstack("a").CreateAsync("name = \"x\"\nkernel = \"/boot/vmlinuz\"\nmemory = 64\n", false, CancellationToken.None);
        XenDomain seen = await second.GetToolstack("a").GetDomainAsync("x", CancellationToken.None);
        Assert.Equal((1, 64L), (seen.Id!.Value, seen.MemoryMB));

        await second.FailNextAsync("a", "Destroy", 1, "libxl: error: simulated", CancellationToken.None);
        await Assert.ThrowsAsync<XlCommandException>(() => first.GetToolstack("a").DestroyAsync("x", CancellationToken.None));
        await first.GetToolstack("a").DestroyAsync("x", CancellationToken.None);
        await Assert.ThrowsAsync<XenDomainNotFoundException>(() => second.GetToolstack("a").GetDomainAsync("x", CancellationToken.None));
    }

    [Fact]
    public async Task ACorruptStateFile_IsReportedNotOverwritten()
    {
        string statePath = Path.Combine(_folder, "bad.json");
        await File.WriteAllTextAsync(statePath, "{ not json");
        var error = await Assert.ThrowsAsync<XenOperationException>(() => SimulatedFabric.Open(statePath).AddHostAsync("a"));
        Assert.Equal("SimulatorStateCorrupt", error.ErrorId);
        Assert.Equal("{ not json", await File.ReadAllTextAsync(statePath));
    }
}

using System.Diagnostics;
using XenPS.Core.Tests;

namespace XenPS.Benchmarks;

/// <summary>
/// The module in a fresh pwsh (the project's own, <c>dotnet pwsh</c>): Import-Module, and Import-Module plus a
/// first command on the simulator, against <c>pwsh -NoProfile -Command 1</c>. Each is a new process.
/// </summary>
internal static class ModuleCosts
{
    public sealed record Result(string What, Stats Ms, Stats Ratio);

    public static async Task<IReadOnlyList<Result>?> MeasureAsync(int repeats)
    {
        string manifest = Path.Combine(RepoPaths.Root, "out", "XenPS", "XenPS.psd1");
        if (!File.Exists(manifest))
        {
            Console.WriteLine($"module: skipped, {manifest} is missing (dotnet build XenPS.sln -c Release first)");
            return null;
        }

        string import = $"Import-Module '{manifest}'";
        var commands = new[]
        {
            ("pwsh -NoProfile -Command 1", "1"),
            ("Import-Module", import),
            ("Import-Module + first command", import + "; $null = Connect-XenHost -Simulated -Name bench; $null = Get-XenDomain"),
        };

        // One run each first: the JIT and disk caches warm, as on an operator's machine.
        foreach ((_, string script) in commands)
        {
            await RunPwshAsync(script);
        }

        var raw = new List<(string What, Stats Ms)>();
        foreach ((string what, string script) in commands)
        {
            raw.Add((what, await Stats.TimeAsync(repeats, () => RunPwshAsync(script))));
        }

        double floor = raw[0].Ms.Median;
        return raw.Select(r => new Result(r.What, r.Ms, r.Ms.DividedBy(floor))).ToList();
    }

    private static async Task RunPwshAsync(string script)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = RepoPaths.Root,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string arg in new[] { "pwsh", "-NoProfile", "-NonInteractive", "-Command", script })
        {
            start.ArgumentList.Add(arg);
        }

        using Process p = Process.Start(start)!;
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0 || (await stderr).Length > 0)
        {
            throw new InvalidOperationException($"pwsh -Command {script} exited {p.ExitCode}: {await stderr}{await stdout}");
        }
    }
}

using System.Globalization;
using System.Text;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using XenPS.Benchmarks;

// dotnet run -c Release --project bench/XenPS.Benchmarks -- [--short] [--only listing,config,calls,bulk,ssh,module] [--ssh-calls 100]
// --short: every benchmark once (CI); without it, enough iterations for a spread. Results: console and
// BenchmarkDotNet.Artifacts/results/ (BenchmarkDotNet's tables, and xenps-summary.md for the rest).
bool quick = args.Contains("--short");
int sshCalls = Array.IndexOf(args, "--ssh-calls");
if (sshCalls >= 0 && sshCalls + 1 < args.Length)
{
    SshCosts.Calls = int.Parse(args[sshCalls + 1], CultureInfo.InvariantCulture);
}

int only = Array.IndexOf(args, "--only");
HashSet<string> sections = only >= 0 && only + 1 < args.Length
    ? args[only + 1].Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.OrdinalIgnoreCase)
    : ["listing", "config", "calls", "bulk", "ssh", "module"];

// In process: no generated project to build per benchmark (the machine is shared and slow to build).
Job job = (quick ? Job.Dry : Job.Default.WithWarmupCount(3).WithIterationCount(15))
    .WithToolchain(InProcessEmitToolchain.Instance);
IConfig config = DefaultConfig.Instance.AddJob(job).WithOptions(ConfigOptions.DisableOptimizationsValidator);

var summary = new StringBuilder();
void Line(string text)
{
    Console.WriteLine(text);
    summary.AppendLine(text);
}

string F(double v) => v.ToString("0.00", CultureInfo.InvariantCulture);

Line($"# XenPS benchmarks ({(quick ? "short" : "full")} run, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} CPUs, .NET {Environment.Version})");

if (sections.Contains("listing"))
{
    Summary s = BenchmarkRunner.Run<ListingBenchmarks>(config);
    Line("\n## Listing: parse + join vs JsonDocument.Parse of xl list -l (ratio = mean ÷ floor mean; per domain = allocated ÷ N)\n");
    Line("| N | Parse | Parse + join (whole listing) | UTF-8 floor | allocated per domain (listing) | floor allocated per domain |");
    Line("|---|---|---|---|---|---|");
    foreach (var byN in s.Reports.GroupBy(r => (int)r.BenchmarkCase.Parameters["N"]).OrderBy(g => g.Key))
    {
        BenchmarkReport Of(string name) => byN.Single(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name == name);
        double floor = Of("JsonFloor").ResultStatistics!.Mean;
        string Ratio(string name)
        {
            var st = Of(name).ResultStatistics!;
            return $"{F(st.Mean / floor)} ({F(st.Min / floor)}–{F(st.Max / floor)})";
        }

        long PerDomain(string name) => (Of(name).GcStats.GetBytesAllocatedPerOperation(Of(name).BenchmarkCase) ?? 0) / Math.Max(1, byN.Key);
        Line($"| {byN.Key} | {Ratio("Parse")} | {Ratio("ParseAndJoin")} | {Ratio("JsonFloorUtf8")} | {PerDomain("ParseAndJoin")} B | {PerDomain("JsonFloor")} B |");
    }
}

if (sections.Contains("config"))
{
    Summary s = BenchmarkRunner.Run<ConfigBenchmarks>(config);
    Line($"\n## Config files: {ConfigBenchmarks.Bytes} bytes of fixture configs per operation\n");
    Line("| operation | MB/s | ratio to Parse |");
    Line("|---|---|---|");
    double parse = s.Reports.Single(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name == "Parse").ResultStatistics!.Mean;
    foreach (BenchmarkReport r in s.Reports)
    {
        double ns = r.ResultStatistics!.Mean;
        Line($"| {r.BenchmarkCase.Descriptor.WorkloadMethod.Name} | {F(ConfigBenchmarks.Bytes / (ns / 1e9) / 1e6)} | {F(ns / parse)} ({F(r.ResultStatistics.Min / parse)}–{F(r.ResultStatistics.Max / parse)}) |");
    }
}

if (sections.Contains("calls"))
{
    Line("\n## Calls per command (counting transport; a listing is xl list -v + xl list -l + xl uptime + config inventory)\n");
    Line("| command | way | N | calls | per domain | listings | calls by kind |");
    Line("|---|---|---|---|---|---|---|");
    foreach (CallCounts.Row r in await CallCounts.MeasureAsync())
    {
        Line($"| {r.Command} | {r.Way} | {r.N} | {r.Calls} | {F(r.PerDomain)} | {r.Listings} | {string.Join(", ", r.ByKind.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => $"{k.Key} ×{k.Value}"))} |");
    }
}

if (sections.Contains("bulk"))
{
    Line($"\n## Bulk: Stop-XenDomain over {BulkStop.Guests} simulated guests, {BulkStop.Latency.TotalMilliseconds} ms shutdown latency (ratio = elapsed ÷ ceil(200/T) × 50 ms)\n");
    Line("| throttle | ideal | Stop-XenDomain: ratio to ideal (median, min–max) | control, BulkExecutor + Task.Delay only | runs |");
    Line("|---|---|---|---|---|");
    foreach (int t in BulkStop.Throttles)
    {
        int repeats = quick ? 1 : t == 1 ? 3 : 9;
        Stats st = await BulkStop.MeasureAsync(t, repeats);
        Stats control = await BulkStop.MeasureExecutorAsync(t, repeats);
        Line($"| {t} | {BulkStop.IdealMs(t):0} ms | {st.Ratio} | {control.Ratio} | {repeats} |");
    }
}

if (sections.Contains("ssh") && OperatingSystem.IsWindows())
{
    Line("\nSSH: skipped (the loopback sshd runs on Linux and macOS only).");
}
else if (sections.Contains("ssh"))
{
    int repeats = quick ? 1 : 5;
    Line($"\n## SSH: {SshCosts.Calls} sequential calls (`true`) through SshTransport, loopback sshd, {repeats} runs each\n");
    Line("| remote shell | multiplexed | fresh connection each | multiplexed ÷ fresh |");
    Line("|---|---|---|---|");
    foreach (SshCosts.Result r in await SshCosts.MeasureAsync(repeats))
    {
        Line($"| {r.Shell} | {r.Multiplexed.Ms} | {r.Fresh.Ms} | {r.Ratio.Ratio} |");
    }
}

if (sections.Contains("module"))
{
    int repeats = quick ? 1 : 7;
    if (await ModuleCosts.MeasureAsync(repeats) is { } results)
    {
        Line($"\n## Module: a fresh `dotnet pwsh` process, {repeats} runs each (ratio to `pwsh -NoProfile -Command 1`)\n");
        Line("| process runs | wall time | ratio |");
        Line("|---|---|---|");
        foreach (ModuleCosts.Result r in results)
        {
            Line($"| {r.What} | {r.Ms.Ms} | {r.Ratio.Ratio} |");
        }
    }
}

string folder = Path.Combine("BenchmarkDotNet.Artifacts", "results");
Directory.CreateDirectory(folder);
File.WriteAllText(Path.Combine(folder, "xenps-summary.md"), summary.ToString());
Console.WriteLine($"\nSummary written to {Path.GetFullPath(Path.Combine(folder, "xenps-summary.md"))}");

using System.Text;
using BenchmarkDotNet.Attributes;
using XenPS.Core.Tests;

namespace XenPS.Benchmarks;

/// <summary>
/// The xl.cfg language on the real configs in tests/fixtures/configs (all that parse): read, write back,
/// and an edit (Set-XenDomain's change of one key) against a read. MB/s is the files' bytes ÷ the mean.
/// </summary>
[MemoryDiagnoser]
public class ConfigBenchmarks
{
    private string[] _texts = null!;
    private XenDomainConfig[] _parsed = null!;

    /// <summary>Bytes of all fixture configs together (one operation reads or writes them all).</summary>
    public static long Bytes { get; private set; }

    [GlobalSetup]
    public void Setup()
    {
        _texts = Directory.GetFiles(Path.Combine(RepoPaths.Root, "tests", "fixtures", "configs"), "*.cfg")
            .Where(f => !f.EndsWith(".bad.cfg", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(File.ReadAllText)
            .ToArray();
        _parsed = _texts.Select(t => XenDomainConfig.Parse(t)).ToArray();
        Bytes = _texts.Sum(t => (long)Encoding.UTF8.GetByteCount(t));
    }

    [Benchmark(Baseline = true)]
    public int Parse()
    {
        int n = 0;
        foreach (string text in _texts)
        {
            n += XenDomainConfig.Parse(text).Document.Entries.Count;
        }

        return n;
    }

    [Benchmark]
    public long Write()
    {
        long n = 0;
        foreach (XenDomainConfig config in _parsed)
        {
            n += config.ToConfigBytes().Length;
        }

        return n;
    }

    /// <summary>Parse, set memory (as Set-XenDomain -MemoryMB on an Off domain does), write.</summary>
    [Benchmark]
    public long ParseEditWrite()
    {
        long n = 0;
        foreach (string text in _texts)
        {
            XenDomainConfig config = XenDomainConfig.Parse(text);
            config.SetValue("memory", 512);
            n += config.ToConfigBytes().Length;
        }

        return n;
    }
}

using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using XenPS.Toolstack;
using XenPS.Toolstack.Xl;

namespace XenPS.Benchmarks;

/// <summary>
/// A host's listing read into domains, against the floor of reading the same <c>xl list -l</c> text with
/// <see cref="JsonDocument.Parse(string, JsonDocumentOptions)"/> (the baseline: Ratio is listing ÷ floor).
/// </summary>
[MemoryDiagnoser]
public class ListingBenchmarks
{
    private Fleet _fleet = null!;
    private byte[] _longBytes = null!;
    private XlToolstack _xl = null!;

    [Params(1, 100, 1000, 5000)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _fleet = new Fleet(N);
        _longBytes = Encoding.UTF8.GetBytes(_fleet.ListLong);
        _xl = new XlToolstack(new FleetTransport(_fleet));
    }

    /// <summary>The floor: xl list -l's text (as the transport gives it, a string) into a JSON document.</summary>
    [Benchmark(Baseline = true)]
    public int JsonFloor()
    {
        using JsonDocument doc = JsonDocument.Parse(_fleet.ListLong);
        return doc.RootElement.GetArrayLength();
    }

    /// <summary>The same from UTF-8 bytes (no transcoding): what a byte-level reader could reach.</summary>
    [Benchmark]
    public int JsonFloorUtf8()
    {
        using JsonDocument doc = JsonDocument.Parse(_longBytes);
        return doc.RootElement.GetArrayLength();
    }

    /// <summary>Both parsers as a listing calls them, no join: xl list -v rows and xl list -l details (no config text, no devices).</summary>
    [Benchmark]
    public int Parse() =>
        XlListParser.Parse(_fleet.ListVerbose).Count + XlLongListParser.Parse(_fleet.ListLong, "bench", withConfigJson: false, withDevices: false).Count;

    /// <summary>The whole listing as Get-XenDomain runs it (xl list -v, -l, uptime, config inventory; parse and join) over a transport that answers at once.</summary>
    [Benchmark]
    public async Task<int> ParseAndJoin() => (await _xl.ListDomainsAsync(CancellationToken.None)).Count;
}

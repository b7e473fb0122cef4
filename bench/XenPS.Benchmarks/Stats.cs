using System.Diagnostics;
using System.Globalization;

namespace XenPS.Benchmarks;

/// <summary>Repeated wall-clock measurements: median and spread (min–max), all reported as ratios.</summary>
internal sealed record Stats(IReadOnlyList<double> Values)
{
    public double Median
    {
        get
        {
            double[] s = Values.Order().ToArray();
            return s.Length % 2 == 1 ? s[s.Length / 2] : (s[(s.Length / 2) - 1] + s[s.Length / 2]) / 2;
        }
    }

    public double Min => Values.Min();

    public double Max => Values.Max();

    public static async Task<Stats> TimeAsync(int repeats, Func<Task> run)
    {
        var values = new List<double>(repeats);
        for (int i = 0; i < repeats; i++)
        {
            long start = Stopwatch.GetTimestamp();
            await run();
            values.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }

        return new Stats(values);
    }

    public Stats DividedBy(double by) => new(Values.Select(v => v / by).ToList());

    /// <summary>"1.23 (1.10–1.40)".</summary>
    public string Ratio => string.Create(CultureInfo.InvariantCulture, $"{Median:0.00} ({Min:0.00}–{Max:0.00})");

    /// <summary>"123 ms (110–140)".</summary>
    public string Ms => string.Create(CultureInfo.InvariantCulture, $"{Median:0} ms ({Min:0}–{Max:0})");
}

using System.Collections;
using System.Globalization;

namespace XenPS.Simulation;

/// <summary>One change Set-XenSimulation makes to a simulated host: parsed and checked here, applied to the fabric.</summary>
public sealed class SimulationChange
{
    private static readonly string[] s_failKeys = ["Operation", "Count", "Message", "Domain"];
    private readonly Func<SimulatedFabric, string, CancellationToken, Task> _apply;

    private SimulationChange(string description, Func<SimulatedFabric, string, CancellationToken, Task> apply)
    {
        Description = description;
        _apply = apply;
    }

    /// <summary>What the change does, for ShouldProcess.</summary>
    public string Description { get; }

    /// <summary>Applies the change to <paramref name="hostName"/> in <paramref name="fabric"/>.</summary>
    public Task ApplyAsync(SimulatedFabric fabric, string hostName, CancellationToken cancellationToken) => _apply(fabric, hostName, cancellationToken);

    /// <summary>
    /// The changes asked for by Set-XenSimulation's parameters, in the order they apply (clear first).
    /// Throws <see cref="ArgumentException"/> naming the bad key or value.
    /// </summary>
    public static IReadOnlyList<SimulationChange> From(
        IDictionary? latencySeconds,
        IReadOnlyList<IDictionary>? failNext,
        SimulatedMigrationFailure? failNextMigration,
        IReadOnlyList<string>? crash,
        IReadOnlyList<string>? powerOff,
        bool clear)
    {
        var list = new List<SimulationChange>();
        if (clear)
        {
            list.Add(new("Clear every latency and pending failure", (f, h, ct) => f.ClearInjectionsAsync(h, ct)));
        }

        foreach (DictionaryEntry e in latencySeconds ?? new Hashtable())
        {
            string op = Operation(e.Key?.ToString());
            double seconds = Number(e.Value, $"Latency of '{op}'");
            if (seconds < 0 || seconds > 86400)
            {
                throw new ArgumentException($"Latency of '{op}' must be between 0 and 86400 seconds, not {e.Value}.");
            }

            list.Add(new($"Make {op} take {seconds.ToString("0.###", CultureInfo.InvariantCulture)} s", (f, h, ct) => ForEachAsync(Expand(op), o => f.SetLatencyAsync(h, o, TimeSpan.FromSeconds(seconds), ct))));
        }

        foreach (IDictionary fail in failNext ?? [])
        {
            foreach (object key in fail.Keys)
            {
                if (!s_failKeys.Contains(key?.ToString(), StringComparer.OrdinalIgnoreCase))
                {
                    throw new ArgumentException($"FailNext takes the keys Operation, Count, Message and Domain, not '{key}'.");
                }
            }

            string op = Operation(Get(fail, "Operation")?.ToString());
            object? countValue = Get(fail, "Count");
            double count = countValue is null ? 1 : Number(countValue, $"FailNext Count of '{op}'");
            if (count < 1 || count > 1_000_000 || count != Math.Floor(count))
            {
                throw new ArgumentException($"FailNext Count of '{op}' must be a whole number from 1, not {countValue}.");
            }

            string message = Get(fail, "Message")?.ToString() is { Length: > 0 } m ? m : $"libxl: error: simulated failure of {op}";
            string? domain = Get(fail, "Domain")?.ToString() is { Length: > 0 } dn ? dn : null;
            string which = domain is null ? string.Empty : $" for domain '{domain}'";
            list.Add(new($"Fail the next {count} {op} call(s){which} with: {message}", (f, h, ct) => ForEachAsync(Expand(op), o => f.FailNextAsync(h, o, (int)count, message, domain, ct))));
        }

        if (failNextMigration is { } mf)
        {
            list.Add(new($"Fail the next migration ({mf})", (f, h, ct) => f.FailNextMigrationAsync(h, mf, ct)));
        }

        foreach (string d in crash ?? [])
        {
            list.Add(new($"Crash domain '{d}'", (f, h, ct) => f.CrashDomainAsync(h, d, cancellationToken: ct)));
        }

        foreach (string d in powerOff ?? [])
        {
            list.Add(new($"Power off domain '{d}' from inside", (f, h, ct) => f.PowerOffDomainAsync(h, d, cancellationToken: ct)));
        }

        if (list.Count == 0)
        {
            throw new ArgumentException("Give at least one of -LatencySeconds, -FailNext, -FailNextMigration, -CrashDomain, -PowerOffDomain, -Clear.");
        }

        return list;
    }

    // "Create" is what an operator means by creating a domain, whichever way it is created
    // (xl create from text, or from a config file: Start-XenDomain, New-XenDomain -Start).
    private static IEnumerable<string> Expand(string op) => op == "Create" ? ["Create", "CreateFromFile"] : [op];

    private static async Task ForEachAsync(IEnumerable<string> ops, Func<string, Task> apply)
    {
        foreach (string o in ops)
        {
            await apply(o).ConfigureAwait(false);
        }
    }

    private static double Number(object? value, string what)
    {
        try
        {
            return Convert.ToDouble(value, CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is FormatException or InvalidCastException or OverflowException)
        {
            throw new ArgumentException($"{what} must be a number, not '{value}'.", ex);
        }
    }

    private static object? Get(IDictionary d, string key)
    {
        foreach (DictionaryEntry e in d)
        {
            if (string.Equals(e.Key?.ToString(), key, StringComparison.OrdinalIgnoreCase))
            {
                return e.Value;
            }
        }

        return null;
    }

    private static string Operation(string? name)
    {
        string? match = SimulatedFabric.Operations.FirstOrDefault(o => string.Equals(o, name, StringComparison.OrdinalIgnoreCase));
        return match ?? throw new ArgumentException($"'{name}' is not a simulated operation. Operations: {string.Join(", ", SimulatedFabric.Operations)}.");
    }
}

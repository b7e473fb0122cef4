using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Xunit.Sdk;

namespace XenPS.IntegrationTests;

/// <summary>Every class of this project runs in this one collection: one at a time, against one host.</summary>
public static class RealXenCollection
{
    public const string Name = "Real Xen host";
}

/// <summary>
/// Routes Core's log (every xl command at Debug, decisions at Information) to the test that is
/// running, so a failing scenario shows the commands that led to it. Fixtures outlive tests, so the
/// current output is set per test.
/// </summary>
public sealed class TestOutputLoggerProvider : ILoggerProvider, ILoggerFactory
{
    private readonly object _gate = new();
    private readonly List<string> _pending = new();
    private ITestOutputHelper? _output;

    /// <summary>Where log lines go from now on (null: nowhere).</summary>
    public void Attach(ITestOutputHelper? output)
    {
        lock (_gate)
        {
            _output = output;
            if (output is not null)
            {
                // What a fixture logged before any test was running (its guest creates) goes to the first test.
                foreach (string line in _pending)
                {
                    output.WriteLine(line);
                }

                _pending.Clear();
            }
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName[(categoryName.LastIndexOf('.') + 1)..]);

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException();

    public void Dispose()
    {
    }

    private void Write(string line)
    {
        lock (_gate)
        {
            try
            {
                if (_output is null)
                {
                    _pending.Add(line);
                }
                else
                {
                    _output.WriteLine(line);
                }
            }
            catch (InvalidOperationException)
            {
                // The test finished while a background command was still logging.
            }
        }
    }

    private sealed class Logger(TestOutputLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            string time = DateTime.Now.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture);
            owner.Write($"    [{time} {logLevel.ToString()[..4]} {category}] {formatter(state, exception)}");
        }
    }
}

/// <summary>
/// Runs one scenario: prints its name, result and timing (so the CI log shows each), and a summary
/// line to stderr of the test host (XENPS_SCENARIO_LOG, when set, collects them in a file as well).
/// </summary>
public static class Scenario
{
    public static async Task RunAsync(ITestOutputHelper output, string name, Func<Task> body)
    {
        var sw = Stopwatch.StartNew();
        output.WriteLine($"SCENARIO {name}: start");
        try
        {
            await body();
        }
        catch (Exception ex)
        {
            Report(output, $"SCENARIO {name}: FAILED after {sw.Elapsed.TotalSeconds:0.0} s: {ex.GetType().Name}: {FirstLine(ex.Message)}");
            throw;
        }

        Report(output, $"SCENARIO {name}: passed in {sw.Elapsed.TotalSeconds:0.0} s");
    }

    private static string FirstLine(string text)
    {
        int nl = text.IndexOf('\n');
        return nl < 0 ? text : text[..nl];
    }

    private static void Report(ITestOutputHelper output, string line)
    {
        output.WriteLine(line);
        if (Environment.GetEnvironmentVariable("XENPS_SCENARIO_LOG") is { Length: > 0 } path)
        {
            lock (typeof(Scenario))
            {
                File.AppendAllText(path, line + Environment.NewLine);
            }
        }
    }
}

/// <summary>Orders a class's tests by method name: scenarios are steps (S01_, S02_, ...) over shared guests.</summary>
public sealed class StepOrderer : ITestCaseOrderer
{
    public const string TypeName = "XenPS.IntegrationTests.StepOrderer";
    public const string AssemblyName = "XenPS.IntegrationTests";

    public IEnumerable<TTestCase> OrderTestCases<TTestCase>(IEnumerable<TTestCase> testCases)
        where TTestCase : ITestCase =>
        testCases.OrderBy(t => t.TestMethod.Method.Name, StringComparer.Ordinal);
}

/// <summary>Polls a condition (a real guest balloons, detaches and shuts down in its own time).</summary>
public static class Poll
{
    public static async Task<T> UntilAsync<T>(Func<Task<T>> read, Func<T, bool> condition, TimeSpan timeout, string what, CancellationToken ct)
    {
        var sw = Stopwatch.StartNew();
        while (true)
        {
            T value = await read();
            if (condition(value))
            {
                return value;
            }

            if (sw.Elapsed > timeout)
            {
                throw new XunitException($"Timed out after {timeout.TotalSeconds:0} s waiting for {what}; last value: {value}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
        }
    }
}

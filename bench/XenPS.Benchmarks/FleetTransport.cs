using XenPS.Toolstack.Xl;
using XenPS.Transport;

namespace XenPS.Benchmarks;

/// <summary>
/// Answers xl as a host of a <see cref="Fleet"/> would, at once, and counts every call (program plus
/// first argument). Nothing changes state: the count of calls a command makes is what is measured.
/// </summary>
internal sealed class FleetTransport : IXenTransport
{
    private readonly Fleet _fleet;
    private readonly Dictionary<string, int> _calls = new(StringComparer.Ordinal);
    private readonly object _gate = new();

    public FleetTransport(Fleet fleet) => _fleet = fleet;

    public string HostName => "bench";

    public int Total
    {
        get
        {
            lock (_gate)
            {
                return _calls.Values.Sum();
            }
        }
    }

    /// <summary>Calls by kind: "xl list -v" (part of a listing), "xl list -v &lt;domain&gt;" (a targeted read), "xl pause &lt;domain&gt;", "sh config-inventory".</summary>
    public IReadOnlyDictionary<string, int> Calls
    {
        get
        {
            lock (_gate)
            {
                return new Dictionary<string, int>(_calls);
            }
        }
    }

    public void Reset()
    {
        lock (_gate)
        {
            _calls.Clear();
        }
    }

    public Task<CommandResult> RunAsync(CommandRequest request, CancellationToken cancellationToken)
    {
        IReadOnlyList<string> a = request.Arguments;
        string kind = request.Program == "sh"
            ? "sh " + ScriptName(a[1])
            : request.Program + " " + string.Join(' ', a.TakeWhile(x => x.StartsWith('-') || x == a[0])) + (a.Skip(1).Any(x => !x.StartsWith('-')) ? " <domain>" : string.Empty);
        lock (_gate)
        {
            _calls[kind] = _calls.GetValueOrDefault(kind) + 1;
        }

        return Task.FromResult(Answer(request));
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static string ScriptName(string script) =>
        script == XlHostScripts.ConfigInventory ? "config-inventory"
        : script == XlHostScripts.Exists ? "exists"
        : script == XlHostScripts.Delete ? "delete"
        : script == XlHostScripts.Read ? "read"
        : script == XlHostScripts.AtomicWrite ? "write"
        : "script";

    private CommandResult Answer(CommandRequest request)
    {
        IReadOnlyList<string> a = request.Arguments;
        if (request.Program == "sh")
        {
            return ScriptName(a[1]) switch
            {
                "config-inventory" => Ok(_fleet.ConfigInventory),
                "exists" => Ok("no\n"),
                _ => Ok(string.Empty),
            };
        }

        string? domain = a.Count > 1 && !a[^1].StartsWith('-') ? a[^1] : null;
        int index = domain is null ? -1 : IndexOf(domain);
        if (a[0] is "list" or "uptime" && domain is not null && index < 0)
        {
            return new CommandResult(1, string.Empty, $"{domain} is an invalid domain identifier (rc=-6)\n", TimeSpan.Zero);
        }

        return a[0] switch
        {
            "list" when a.Contains("-l") => Ok(index < 0 ? _fleet.ListLong : _fleet.ListLongOf(index)),
            "list" => Ok(index < 0 ? _fleet.ListVerbose : _fleet.ListVerboseOf(index)),
            "uptime" => Ok(_fleet.Uptime),
            _ => Ok(string.Empty),
        };
    }

    private int IndexOf(string domain)
    {
        if (!_fleet.Running)
        {
            return -1;
        }

        if (int.TryParse(domain, out int id))
        {
            return id <= _fleet.Guests ? id : -1;
        }

        return domain.StartsWith("guest-", StringComparison.Ordinal) && int.TryParse(domain[6..], out int i) && i >= 1 && i <= _fleet.Guests ? i : domain == "Domain-0" ? 0 : -1;
    }

    private static CommandResult Ok(string stdout) => new(0, stdout, string.Empty, TimeSpan.Zero);
}

using System.Globalization;
using System.Text;
using XenPS.Toolstack.Xl;
using XenPS.Transport;

namespace XenPS.Core.Tests.Targeting;

/// <summary>
/// A counting transport that plays a Dom0 with N guests (running 'vm001'.., or Off with config files only)
/// to an <see cref="XlToolstack"/>: it answers the listing, the targeted reads and the actions in xl's
/// formats, keeps the guests' states, and counts every call as a listing call or a per-domain call.
/// </summary>
internal sealed class FleetTransport : IXenTransport
{
    private const string Header = "Name                                        ID   Mem VCPUs\tState\tTime(s)   UUID                            Reason-Code\tSecurity Label\n";
    private readonly object _gate = new();
    private readonly Dictionary<string, Guest> _guests = new(StringComparer.Ordinal);

    public FleetTransport(int count, bool running = true)
    {
        for (int i = 1; i <= count; i++)
        {
            string name = "vm" + i.ToString("D3", CultureInfo.InvariantCulture);
            _guests[name] = new Guest(name, running ? i : null, Guid.Parse($"00000000-0000-4000-8000-{i:D12}"), running ? "-b----" : string.Empty);
        }
    }

    public string HostName => "fleet";

    /// <summary>Every call: program and arguments joined by spaces.</summary>
    public List<string> Calls { get; } = new();

    /// <summary>Calls that make up a listing (xl list -v / -l / uptime without a domain, the config inventory).</summary>
    public int ListingCalls => Calls.Count(IsListing);

    /// <summary>Every other call (targeted reads, actions, file steps).</summary>
    public int TargetedCalls => Calls.Count - ListingCalls;

    public void Reset()
    {
        lock (_gate)
        {
            Calls.Clear();
        }
    }

    public Task<CommandResult> RunAsync(CommandRequest request, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            string line = request.Program == "sh" ? "sh " + ScriptName(request) + " " + string.Join(' ', request.Arguments.Skip(3)) : request.Program + " " + string.Join(' ', request.Arguments);
            Calls.Add(line.TrimEnd());
            return Task.FromResult(Answer(request));
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static bool IsListing(string call) =>
        call is "xl list -v" or "xl list -l" or "xl uptime" || call.StartsWith("sh config-inventory", StringComparison.Ordinal);

    private static string ScriptName(CommandRequest r) => r.Arguments[1] switch
    {
        XlHostScripts.ConfigInventory => "config-inventory",
        XlHostScripts.Read => "read-file",
        XlHostScripts.Delete => "delete-file",
        XlHostScripts.Exists => "exists",
        XlHostScripts.ListDirectory => "list-folder",
        XlHostScripts.Symlink => "symlink",
        XlHostScripts.AtomicWrite => "write-file",
        _ => "script",
    };

    private static CommandResult Ok(string stdout = "") => new(0, stdout, string.Empty, TimeSpan.FromMilliseconds(1));

    private static CommandResult NoSuch(string word) => new(1, string.Empty, $"{word} is an invalid domain identifier (rc=-6)\n", TimeSpan.FromMilliseconds(1));

    private CommandResult Answer(CommandRequest r)
    {
        if (r.Program == "sh")
        {
            return Script(r);
        }

        var a = r.Arguments.Where(x => x != "--").ToList();
        switch (a[0])
        {
            case "list" when a.Count == 2 && a[1] == "-v":
                return Ok(Header + Row("Domain-0", 0, Guid.Empty, "r-----") + string.Concat(Running().Select(g => Row(g.Name, g.Id!.Value, g.Uuid, g.Flags))));
            case "list" when a.Count == 2 && a[1] == "-l":
                return Ok("[" + string.Join(",", Running().Select(Details)) + "]");
            case "uptime" when a.Count == 1:
                return Ok("Name                                ID Uptime\n" + string.Concat(Running().Select(g => $"{g.Name,-35} {g.Id,2}  0:01:00\n")));
            case "list" when a.Count == 3 && a[1] == "-v":
                return Find(a[2]) is { } g ? Ok(Header + Row(g.Name, g.Id!.Value, g.Uuid, g.Flags)) : NoSuch(a[2]);
            case "pause":
                return Act(a[1], g => g.Flags = "--p---");
            case "unpause":
                return Act(a[1], g => g.Flags = "-b----");
            case "shutdown" or "destroy":
                return Act(a[^1], g =>
                {
                    g.Id = null;
                    g.Flags = string.Empty;
                });
            case "mem-set" or "mem-max" or "vcpu-set":
                return Act(a[1], _ => { });
            default:
                throw new InvalidOperationException("FleetTransport does not play: " + string.Join(' ', r.Arguments));
        }
    }

    private CommandResult Act(string word, Action<Guest> change)
    {
        if (Find(word) is not { } g)
        {
            return NoSuch(word);
        }

        change(g);
        return Ok();
    }

    private CommandResult Script(CommandRequest r)
    {
        string name = ScriptName(r);
        IReadOnlyList<string> args = r.Arguments.Skip(3).ToList();
        switch (name)
        {
            case "config-inventory":
                var sb = new StringBuilder();
                foreach (Guest g in _guests.Values.Where(g => g.HasConfig))
                {
                    sb.Append("C\0").Append(g.ConfigPath).Append('\0').Append(g.ConfigPath).Append('\0').Append(g.Config).Append('\0');
                }

                return Ok(sb.ToString());
            case "read-file":
                return _guests.Values.FirstOrDefault(g => g.HasConfig && g.ConfigPath == args[0]) is { } cfg
                    ? Ok(cfg.Config)
                    : new CommandResult(1, string.Empty, $"cat: {args[0]}: No such file or directory\n", TimeSpan.Zero);
            case "delete-file":
                foreach (Guest g in _guests.Values.Where(g => g.ConfigPath == args[0]))
                {
                    g.HasConfig = false;
                }

                return Ok();
            default:
                throw new InvalidOperationException("FleetTransport does not play script " + name);
        }
    }

    private IEnumerable<Guest> Running() => _guests.Values.Where(g => g.Id is not null).OrderBy(g => g.Id);

    private Guest? Find(string word) =>
        int.TryParse(word, NumberStyles.None, CultureInfo.InvariantCulture, out int id)
            ? _guests.Values.FirstOrDefault(g => g.Id == id)
            : _guests.TryGetValue(word, out Guest? g) && g.Id is not null ? g : null;

    private static string Row(string name, int id, Guid uuid, string flags) =>
        $"{name,-40} {id,5} {256,5} {1,5}     {flags}  {1.5,8:0.0} {uuid}        -                -\n";

    private static string Details(Guest g) =>
        $"{{\"domid\":{g.Id},\"config\":{{\"c_info\":{{\"type\":\"pv\",\"name\":\"{g.Name}\",\"uuid\":\"{g.Uuid}\"}},\"b_info\":{{\"max_memkb\":262144,\"target_memkb\":262144,\"max_vcpus\":1}}}}}}";

    private sealed class Guest(string name, int? id, Guid uuid, string flags)
    {
        public string Name { get; } = name;

        public int? Id { get; set; } = id;

        public Guid Uuid { get; } = uuid;

        public string Flags { get; set; } = flags;

        public bool HasConfig { get; set; } = true;

        public string ConfigPath => "/etc/xen/" + Name + ".cfg";

        public string Config => $"name = \"{Name}\"\nmemory = 256\nkernel = \"/boot/vmlinuz\"\n";
    }
}

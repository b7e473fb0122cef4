using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using XenPS.Core.Tests;

namespace XenPS.Benchmarks;

/// <summary>
/// What xl prints for a host of N guests, generated from the real Xen 4.17.7 outputs in tests/fixtures:
/// Domain-0 as captured (fixture 291), every guest from the captured guest with a disk and a vif
/// (fixture 192) with its own name, domid, UUID, disk path and MAC, rows in xl's own format strings.
/// </summary>
internal sealed class Fleet
{
    private static readonly JsonSerializerOptions s_xlJson = new() { WriteIndented = true, IndentSize = 4 };

    private readonly JsonArray _details = new();

    public Fleet(int guests, bool running = true)
    {
        Guests = guests;
        Running = running;
        string fixtures = Path.Combine(RepoPaths.Root, "tests", "fixtures", "xen-4.17.7");
        JsonNode dom0 = JsonNode.Parse(File.ReadAllText(Path.Combine(fixtures, "291-xl_list_-l.stdout")))!.AsArray()[0]!;
        JsonNode guest = JsonNode.Parse(File.ReadAllText(Path.Combine(fixtures, "192-xl_list_-l_fullvm.stdout")))!.AsArray()[0]!;
        string verboseHeader = File.ReadAllText(Path.Combine(fixtures, "290-xl_list_-v.stdout")).Split('\n')[0] + "\n";

        var verbose = new StringBuilder(verboseHeader);
        var uptime = new StringBuilder("Name                                ID Uptime\n");
        _details.Add(dom0.DeepClone());
        verbose.Append(VerboseRow("Domain-0", 0, 1024, 2, "r-----", 105.7, Guid.Empty));
        uptime.Append(UptimeRow("Domain-0", 0, TimeSpan.FromHours(3)));
        if (running)
        {
            for (int i = 1; i <= guests; i++)
            {
                JsonNode g = guest.DeepClone();
                g["domid"] = i;
                JsonNode config = g["config"]!;
                config["c_info"]!["name"] = Name(i);
                config["c_info"]!["uuid"] = Uuid(i).ToString();
                config["disks"]![0]!["pdev_path"] = $"/var/lib/xen/images/{Name(i)}.img";
                config["nics"]![0]!["mac"] = $"00:16:3e:{(i >> 16) & 0xff:x2}:{(i >> 8) & 0xff:x2}:{i & 0xff:x2}";
                _details.Add(g);
                verbose.Append(VerboseRow(Name(i), i, 128, 2, i % 7 == 0 ? "r-----" : "-b----", 12.5 + i, Uuid(i)));
                uptime.Append(UptimeRow(Name(i), i, TimeSpan.FromMinutes(i)));
            }
        }

        ListVerbose = verbose.ToString();
        ListLong = _details.ToJsonString(s_xlJson) + "\n";
        Uptime = uptime.ToString();
        ConfigInventory = running ? string.Empty : Inventory(guests);
    }

    public int Guests { get; }

    public bool Running { get; }

    /// <summary><c>xl list -v</c>.</summary>
    public string ListVerbose { get; }

    /// <summary><c>xl list -l</c>.</summary>
    public string ListLong { get; }

    /// <summary><c>xl uptime</c>.</summary>
    public string Uptime { get; }

    /// <summary>The config inventory script's output: one config file per guest when the guests are Off.</summary>
    public string ConfigInventory { get; }

    public static string Name(int i) => "guest-" + i.ToString("D4", CultureInfo.InvariantCulture);

    public static Guid Uuid(int i) => new($"{i:x8}-7c09-4214-9931-1c46e4bfc07a");

    /// <summary>Domain <paramref name="i"/>'s element of <c>xl list -l</c>, as <c>xl list -l NAME</c> prints it.</summary>
    public string ListLongOf(int i) => new JsonArray(_details[Running ? i : 0]!.DeepClone()).ToJsonString(s_xlJson) + "\n";

    /// <summary>Domain <paramref name="i"/>'s row of <c>xl list -v</c> with the header.</summary>
    public string ListVerboseOf(int i) => ListVerbose.Split('\n')[0] + "\n" + ListVerbose.Split('\n')[i + 1] + "\n";

    // xl_info.c list_domains: "%-40s %5d %5lu %5d     %c%c%c%c%c%c  %8.1f", then " " UUID, " %8s" ("-" reason), " %16s" label.
    private static string VerboseRow(string name, int id, long memMB, int vcpus, string state, double seconds, Guid uuid) =>
        string.Create(CultureInfo.InvariantCulture, $"{name,-40} {id,5} {memMB,5} {vcpus,5}     {state}  {seconds,8:F1} {uuid} {"-",8} {"-",16}\n");

    // xl_info.c print_uptime: "%-33s %4d %s" with "%2d:%02d:%02d".
    private static string UptimeRow(string name, int id, TimeSpan up) =>
        string.Create(CultureInfo.InvariantCulture, $"{name,-33} {id,4} {(int)up.TotalHours,2}:{up.Minutes:D2}:{up.Seconds:D2}\n");

    private static string Inventory(int guests)
    {
        var sb = new StringBuilder();
        for (int i = 1; i <= guests; i++)
        {
            string path = $"/etc/xen/{Name(i)}.cfg";
            sb.Append("C\0").Append(path).Append('\0').Append(path).Append('\0')
              .Append($"name = \"{Name(i)}\"\ntype = \"pvh\"\nkernel = \"/srv/vmlinuz\"\nmemory = 128\nmaxmem = 256\nvcpus = 2\nuuid = \"{Uuid(i)}\"\ndisk = [ '/var/lib/xen/images/{Name(i)}.img,raw,xvda,w' ]\nvif = [ 'mac=00:16:3e:00:00:01,bridge=xenbr0' ]\n")
              .Append('\0');
        }

        return sb.ToString();
    }
}

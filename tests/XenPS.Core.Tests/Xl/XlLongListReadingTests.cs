using System.Text.Json;
using XenPS.Toolstack.Xl;

namespace XenPS.Core.Tests.Xl;

/// <summary>
/// xl list -l read by the parser against a plain JsonDocument reading of the same text (the specification):
/// every fact, and the config text, come out the same; a listing may leave the config text out.
/// </summary>
public sealed class XlLongListReadingTests
{
    public static TheoryData<string> Outputs()
    {
        var data = new TheoryData<string>();
        // Distinct texts: some captures are the same output, and xunit skips a repeated row.
        foreach (string output in new[] { "004", "024", "038", "099", "140", "164", "185", "191", "192", "217", "291", "303" }.Select(XlFixture.Out).Distinct(StringComparer.Ordinal))
        {
            data.Add(output);
        }

        // Corners: defbools as strings and booleans, values of the wrong kind, unknown nesting, missing parts, duplicates,
        // list elements that are not objects (a disk or nic without facts), escapes, rates.
        data.Add("""
            [ { "domid": 7, "extra": { "config": { "c_info": { "name": "decoy" } } },
                "config": { "c_info": { "type": "hvm", "name": "odd \u00e9 \"q\"", "uuid": "not-a-uuid", "more": [1, {"a": [2]}] },
                            "b_info": { "max_memkb": "1024", "target_memkb": 2048, "max_vcpus": true, "avail_vcpus": "0-3",
                                        "kernel": 5, "sched_params": [ "x" ] },
                            "disks": [ 3, { "vdev": "xvda", "readwrite": "True", "is_cdrom": false, "pdev_path": null },
                                       { "vdev": "hdc", "readwrite": "False", "is_cdrom": "True", "format": "qcow2" }, null ],
                            "nics": [ { "mac": "00:16:3E:AA:BB:CC", "model": "e1000" }, "x", { "devid": 9, "ip": "10.0.0.2", "bridge": "br1" },
                                      { "rate_bytes_per_interval": 1250, "rate_interval_usecs": 10000 }, { "devid": 99999999999999999999 } ] } },
              { "config": { "c_info": { "name": "first" , "name": "second" }, "b_info": 12, "disks": {}, "nics": null } },
              { "domid": 3, "domid": "x", "config": { "c_info": { "name": "a", "uuid": "12b168d6-6845-4def-940e-d3a9404bfc52" }, "c_info": { "type": "pv" },
                                               "b_info": { "max_vcpus": 4, "sched_params": { "weight": 3, "cap": 1 }, "sched_params": { "sched": "credit" } },
                                               "b_info": { "kernel": "k", "avail_vcpus": [0, 1], "avail_vcpus": [0] },
                                               "disks": [ { "vdev": "xvda" } ], "disks": 5, "nics": [ {} ], "nics": [ { "devid": 2 }, {} ] } },
              { "domid": 4, "config": { "c_info": { "name": "dropped" } }, "config": { "c_info": { "n\u0061me": "e\u0301\n", "uuid": " {12b168d6-6845-4def-940e-d3a9404bfc52} " } } },
              { "domid": 5, "config": { "c_info": { "name": "\ud800", "name": "kept", "uuid": "\ud800", "uuid": "12b168d668454def940ed3a9404bfc52" } } } ]
            """);
        return data;
    }

    [Theory]
    [MemberData(nameof(Outputs))]
    public void Every_fact_and_the_config_text_read_as_the_json_document_reads_them(string output)
    {
        IReadOnlyList<XlDomainDetails> read = XlLongListParser.Parse(output, "h");
        using JsonDocument doc = JsonDocument.Parse(output);
        JsonElement[] items = doc.RootElement.EnumerateArray().ToArray();
        Assert.Equal(items.Length, read.Count);
        for (int i = 0; i < items.Length; i++)
        {
            AssertSame(items[i], read[i]);
        }
    }

    [Theory]
    [MemberData(nameof(Outputs))]
    public void A_listing_without_config_text_and_devices_reads_the_same_facts(string output)
    {
        IReadOnlyList<XlDomainDetails> full = XlLongListParser.Parse(output, "h");
        IReadOnlyList<XlDomainDetails> lean = XlLongListParser.Parse(output, "h", withConfigJson: false, withDevices: false);
        Assert.Equal(full.Select(d => (d with { ConfigJson = null, Disks = [], Nics = [] }).ToString()), lean.Select(d => d.ToString()));
        Assert.All(lean, d => Assert.True(d.ConfigJson is null && d.Disks.Count == 0 && d.Nics.Count == 0));
    }

    private static void AssertSame(JsonElement item, XlDomainDetails d)
    {
        Assert.Equal(item.TryGetProperty("domid", out JsonElement id) && id.ValueKind == JsonValueKind.Number ? id.GetInt32() : null, d.DomainId);
        JsonElement config = item.GetProperty("config");
        Assert.Equal(config.GetRawText(), d.ConfigJson);
        JsonElement cInfo = Child(config, "c_info");
        JsonElement bInfo = Child(config, "b_info");
        JsonElement sched = Child(bInfo, "sched_params");
        Assert.Equal(Str(cInfo, "name") ?? string.Empty, d.Name);
        Assert.Equal(Str(cInfo, "type") switch { "pv" => XenDomainType.Pv, "pvh" => XenDomainType.Pvh, "hvm" => XenDomainType.Hvm, _ => null }, d.Type);
        Assert.Equal(Guid.TryParse(Str(cInfo, "uuid"), out Guid g) ? g : null, d.Uuid);
        Assert.Equal(Long(bInfo, "max_memkb"), d.MaxMemoryKiB);
        Assert.Equal(Long(bInfo, "target_memkb"), d.TargetMemoryKiB);
        Assert.Equal((int?)Long(bInfo, "max_vcpus"), d.MaxVCpus);
        Assert.Equal(Child(bInfo, "avail_vcpus") is { ValueKind: JsonValueKind.Array } a ? a.GetArrayLength() : null, d.AvailableVCpus);
        Assert.Equal(Str(bInfo, "kernel"), d.Kernel);
        Assert.Equal(Str(sched, "sched"), d.Scheduler);
        Assert.Equal((int?)Long(sched, "weight"), d.Weight);
        Assert.Equal((int?)Long(sched, "cap"), d.Cap);

        // Every element of the lists, an element that is not an object being a disk or nic without facts.
        JsonElement[] disks = Child(config, "disks") is { ValueKind: JsonValueKind.Array } ds ? ds.EnumerateArray().ToArray() : [];
        Assert.Equal(disks.Select(x => new XlConfigDisk(Str(x, "vdev"), Str(x, "pdev_path"), Str(x, "format"), (Long(x, "readwrite") ?? 0) != 0, (Long(x, "is_cdrom") ?? 0) != 0)), d.Disks);
        JsonElement[] nics = Child(config, "nics") is { ValueKind: JsonValueKind.Array } ns ? ns.EnumerateArray().ToArray() : [];
        Assert.Equal(
            nics.Select((x, i) => new XlConfigNic(
                (int)(Long(x, "devid") ?? i),
                Str(x, "mac")?.ToLowerInvariant(),
                Str(x, "bridge"),
                Str(x, "model"),
                Str(x, "ip"),
                Long(x, "rate_bytes_per_interval") is long rb and > 0 ? global::XenPS.Config.XenVifSpec.FormatRate((ulong)rb, (uint)(Long(x, "rate_interval_usecs") ?? 50000)) : null)),
            d.Nics);
    }

    private static JsonElement Child(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out JsonElement child) ? child : default;

    private static string? Str(JsonElement parent, string name) =>
        Child(parent, name) is { ValueKind: JsonValueKind.String } v ? v.GetString() : null;

    private static long? Long(JsonElement parent, string name) => Child(parent, name) switch
    {
        { ValueKind: JsonValueKind.Number } v when v.TryGetInt64(out long n) => n,
        { ValueKind: JsonValueKind.True } => 1,
        { ValueKind: JsonValueKind.False } => 0,
        { ValueKind: JsonValueKind.String } v when v.GetString() == "True" => 1,
        { ValueKind: JsonValueKind.String } v when v.GetString() == "False" => 0,
        _ => null,
    };

    [Theory]
    [InlineData("{ \"a\": 1 }")]
    [InlineData("42")]
    [InlineData("[ {\"config\": {}} ] trailing")]
    [InlineData("[ {\"config\": {} ")]
    [InlineData("[ 1 ]")]
    [InlineData("[ {\"domid\": 1} ]")]
    public void Output_that_is_not_an_array_of_domains_is_refused(string output) =>
        Assert.ThrowsAny<FormatException>(() => XlLongListParser.Parse(output, "h"));

    public static TheoryData<string, string, string> Faults => new()
    {
        // Not JSON anywhere is reported before what an element holds (the whole text is read first).
        { "[ { \"domid\": 1 }, { \"config\": {} } oops ]", "JSON that does not parse: ", "[ { \"domid\": 1 }, { \"config\": {} } oops ]" },
        { "{ \"a\": 1 } trailing", "JSON that does not parse: ", "{ \"a\": 1 } trailing" },
        { "[\n  { \"config\": {} },\n  { \"config\": {} }\n  { \"config\": {} }\n]", "JSON that does not parse: ", "  { \"config\": {} }" },
        { "{ \"a\": 1 }", "not a JSON array", "{ \"a\": 1 }" },
        // The first element that is not a domain, as xl printed it.
        { "[ { \"domid\": 1 }, { \"domid\": 99999999999, \"config\": {} } ]", "an element without a \"config\" object", "{ \"domid\": 1 }" },
        { "[ 7, { \"domid\": 1 } ]", "an element without a \"config\" object", "7" },
        { "[ { \"domid\": 99999999999, \"config\": { \"b_info\": { \"max_vcpus\": 99999999999 } } } ]", "the domid 99999999999 is out of range", "\"domid\": 99999999999" },
        { "[ { \"domid\": 1, \"config\": { \"b_info\": { \"max_vcpus\": 99999999999, \"sched_params\": { \"cap\": -99999999999 } }, \"nics\": [ { \"devid\": 4294967296 } ] } } ]", "'devid' is out of range", "\"devid\": 4294967296" },
        { "[ { \"domid\": 1, \"config\": { \"b_info\": { \"max_vcpus\": 99999999999, \"sched_params\": { \"cap\": -99999999999 } } } } ]", "'max_vcpus' is out of range", "\"max_vcpus\": 99999999999" },
        { "[ { \"domid\": 1, \"config\": { \"b_info\": { \"sched_params\": { \"weight\": 2147483648 } } } } ]", "'weight' is out of range", "\"weight\": 2147483648" },
        // A string escape that is not UTF-16 (before: InvalidOperationException, untyped) in what a listing reads.
        { "[ { \"domid\": 1, \"config\": { \"c_info\": { \"name\": \"\\ud800\" } } } ]", "a JSON string that is not valid Unicode", "\"name\": \"\\ud800\"" },
        { "[ { \"domid\": 1, \"config\": { \"c_info\": { \"type\": \"\\udc00\" } } } ]", "a JSON string that is not valid Unicode", "\"type\": \"\\udc00\"" },
        { "[ { \"domid\": 1, \"config\": { \"disks\": [ { \"vdev\": \"\\ud800\" } ] } } ]", "a JSON string that is not valid Unicode", "\"vdev\": \"\\ud800\"" },
        { "[ { \"domid\": 1, \"config\": { \"nics\": [ { \"mac\": \"\\ud800\" } ] } } ]", "a JSON string that is not valid Unicode", "\"mac\": \"\\ud800\"" },
    };

    [Theory]
    [MemberData(nameof(Faults))]
    public void Output_that_is_not_a_listing_is_a_typed_error_naming_what_xl_printed(string output, string reason, string inLine)
    {
        var ex = Assert.Throws<XlOutputFormatException>(() => XlLongListParser.Parse(output, "h"));
        Assert.Equal("xl list -l", ex.Command);
        Assert.StartsWith(reason, ex.Reason, StringComparison.Ordinal);
        Assert.Contains(inLine, ex.Line, StringComparison.Ordinal);

        // A listing, which keeps neither config text nor devices, refuses it the same way.
        var lean = Assert.Throws<XlOutputFormatException>(() => XlLongListParser.Parse(output, "h", withConfigJson: false, withDevices: false));
        Assert.Equal(ex.Message, lean.Message);
    }
}

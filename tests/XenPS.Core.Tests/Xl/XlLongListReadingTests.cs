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

        // Corners: defbools as strings and booleans, values of the wrong kind, unknown nesting, missing parts, duplicates.
        data.Add("""
            [ { "domid": 7, "extra": { "config": { "c_info": { "name": "decoy" } } },
                "config": { "c_info": { "type": "hvm", "name": "odd \u00e9 \"q\"", "uuid": "not-a-uuid", "more": [1, {"a": [2]}] },
                            "b_info": { "max_memkb": "1024", "target_memkb": 2048, "max_vcpus": true, "avail_vcpus": "0-3",
                                        "kernel": 5, "sched_params": [ "x" ] },
                            "disks": [ { "vdev": "xvda", "readwrite": "True", "is_cdrom": false, "pdev_path": null },
                                       { "vdev": "hdc", "readwrite": "False", "is_cdrom": "True", "format": "qcow2" } ],
                            "nics": [ { "mac": "00:16:3E:AA:BB:CC", "model": "e1000" }, { "devid": 9, "ip": "10.0.0.2", "bridge": "br1" } ] } },
              { "config": { "c_info": { "name": "first" , "name": "second" }, "b_info": 12, "disks": {}, "nics": null } } ]
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

        JsonElement[] disks = Child(config, "disks") is { ValueKind: JsonValueKind.Array } ds ? ds.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.Object).ToArray() : [];
        Assert.Equal(disks.Select(x => new XlConfigDisk(Str(x, "vdev"), Str(x, "pdev_path"), Str(x, "format"), (Long(x, "readwrite") ?? 0) != 0, (Long(x, "is_cdrom") ?? 0) != 0)), d.Disks);
        JsonElement[] nics = Child(config, "nics") is { ValueKind: JsonValueKind.Array } ns ? ns.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.Object).ToArray() : [];
        Assert.Equal(nics.Select((x, i) => new XlConfigNic((int)(Long(x, "devid") ?? i), Str(x, "mac")?.ToLowerInvariant(), Str(x, "bridge"), Str(x, "model"), Str(x, "ip"))), d.Nics);
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
}

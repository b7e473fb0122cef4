using System.Text.Json;

namespace XenPS.Toolstack.Xl;

/// <summary>A disk from a domain's libxl configuration (<c>config.disks[]</c>).</summary>
internal sealed record XlConfigDisk(string? Vdev, string? Target, string? Format, bool ReadWrite, bool IsCdRom);

/// <summary>A vif from a domain's libxl configuration (<c>config.nics[]</c>).</summary>
internal sealed record XlConfigNic(int DevId, string? Mac, string? Bridge, string? Model, string? Ip, string? Rate = null);

/// <summary>One element of <c>xl list -l</c>: <c>{"domid": N, "config": libxl_domain_config}</c>.</summary>
internal sealed record XlDomainDetails(
    int? DomainId,
    string Name,
    XenDomainType? Type,
    Guid? Uuid,
    long? MaxMemoryKiB,
    long? TargetMemoryKiB,
    int? MaxVCpus,
    int? AvailableVCpus,
    string? Kernel,
    string? Scheduler,
    int? Weight,
    int? Cap,
    IReadOnlyList<XlConfigDisk> Disks,
    IReadOnlyList<XlConfigNic> Nics,
    string? ConfigJson);

/// <summary>
/// Parses <c>xl list -l</c> JSON (tools/xl/xl_info.c, list_domains_details; the config is libxl_domain_config
/// as libxl_types.idl generates it). xl prints SXP instead when xl.conf sets <c>output_format="sxp"</c>; that
/// is detected and refused with a clear message.
/// </summary>
internal static class XlLongListParser
{
    /// <param name="output">What xl printed.</param>
    /// <param name="hostName">The host, for messages.</param>
    /// <param name="withConfigJson">
    /// Keep each domain's config as JSON text (<see cref="XlDomainDetails.ConfigJson"/>): one domain's live config
    /// wants it; a listing does not, and copying every config costs as much again as reading them.
    /// </param>
    public static IReadOnlyList<XlDomainDetails> Parse(string output, string? hostName, bool withConfigJson = true)
    {
        string text = output.Trim();
        if (text.Length == 0)
        {
            return Array.Empty<XlDomainDetails>();
        }

        if (text[0] == '(')
        {
            throw new XenOperationException(
                "XlOutputFormatNotJson",
                XenErrorCategory.InvalidData,
                $"'xl list -l' on host '{hostName}' printed SXP, not JSON: the host's /etc/xen/xl.conf sets output_format=\"sxp\". XenPS reads xl's JSON output; set output_format=\"json\" (the default) in xl.conf.");
        }

        try
        {
            using JsonDocument doc = JsonDocument.Parse(text);
            var list = new List<XlDomainDetails>();
            if (doc.RootElement.ValueKind != JsonValueKind.Array)
            {
                throw new XlOutputFormatException(Command, FirstLine(text), "not a JSON array");
            }

            foreach (JsonElement item in doc.RootElement.EnumerateArray())
            {
                list.Add(ParseOne(item, withConfigJson));
            }

            return list;
        }
        catch (JsonException ex)
        {
            // JsonException.LineNumber is 0-based: the line xl printed that does not parse.
            string line = ex.LineNumber is long n && n < int.MaxValue ? XlListParser.SplitLines(text).ElementAtOrDefault((int)n) ?? string.Empty : FirstLine(text);
            throw new XlOutputFormatException(Command, line, "JSON that does not parse: " + ex.Message);
        }
    }

    /// <summary>
    /// The <c>on_poweroff</c> action of the first domain in <c>xl list -l</c> output, or null when xl left it
    /// out (libxl omits defaults: the default is <c>destroy</c>).
    /// </summary>
    public static string? OnPoweroff(string output)
    {
        try
        {
            using JsonDocument doc = JsonDocument.Parse(output);
            return doc.RootElement.ValueKind == JsonValueKind.Array
                && doc.RootElement.GetArrayLength() > 0
                && doc.RootElement[0].ValueKind == JsonValueKind.Object
                && doc.RootElement[0].TryGetProperty("config", out JsonElement config)
                && config.ValueKind == JsonValueKind.Object
                && config.TryGetProperty("on_poweroff", out JsonElement action)
                && action.ValueKind == JsonValueKind.String
                ? action.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static XlDomainDetails ParseOne(JsonElement item, bool withConfigJson)
    {
        if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("config", out JsonElement config) || config.ValueKind != JsonValueKind.Object)
        {
            throw new XlOutputFormatException(Command, Shorten(item.GetRawText()), "an element without a \"config\" object");
        }

        int? domid = null;
        if (item.TryGetProperty("domid", out JsonElement d) && d.ValueKind == JsonValueKind.Number)
        {
            domid = d.TryGetInt32(out int id) ? id : throw new XlOutputFormatException(Command, Shorten(item.GetRawText()), $"the domid {d.GetRawText()} is out of range");
        }

        JsonElement cInfo = Child(config, "c_info");
        JsonElement bInfo = Child(config, "b_info");

        string name = Str(cInfo, "name") ?? string.Empty;
        XenDomainType? type = Str(cInfo, "type") switch
        {
            "pv" => XenDomainType.Pv,
            "pvh" => XenDomainType.Pvh,
            "hvm" => XenDomainType.Hvm,
            _ => null,
        };
        Guid? uuid = Guid.TryParse(Str(cInfo, "uuid"), out Guid g) ? g : null;

        int? availVcpus = null;
        if (bInfo.ValueKind == JsonValueKind.Object && bInfo.TryGetProperty("avail_vcpus", out JsonElement avail) && avail.ValueKind == JsonValueKind.Array)
        {
            // A bitmap printed as the list of set bits.
            availVcpus = avail.GetArrayLength();
        }

        JsonElement sched = Child(bInfo, "sched_params");

        var disks = new List<XlConfigDisk>();
        if (config.TryGetProperty("disks", out JsonElement ds) && ds.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement disk in ds.EnumerateArray())
            {
                disks.Add(new XlConfigDisk(
                    Str(disk, "vdev"),
                    Str(disk, "pdev_path"),
                    Str(disk, "format"),
                    (Long(disk, "readwrite") ?? 0) != 0,
                    (Long(disk, "is_cdrom") ?? 0) != 0));
            }
        }

        var nics = new List<XlConfigNic>();
        if (config.TryGetProperty("nics", out JsonElement ns) && ns.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement nic in ns.EnumerateArray())
            {
                nics.Add(new XlConfigNic(
                    Int(nic, "devid") ?? nics.Count,
                    Str(nic, "mac")?.ToLowerInvariant(),
                    Str(nic, "bridge"),
                    Str(nic, "model"),
                    Str(nic, "ip"),
                    Long(nic, "rate_bytes_per_interval") is long rb and > 0
                        ? Config.XenVifSpec.FormatRate((ulong)rb, (uint)(Long(nic, "rate_interval_usecs") ?? 50000))
                        : null));
            }
        }

        return new XlDomainDetails(
            domid,
            name,
            type,
            uuid,
            Long(bInfo, "max_memkb"),
            Long(bInfo, "target_memkb"),
            Int(bInfo, "max_vcpus"),
            availVcpus,
            Str(bInfo, "kernel"),
            Str(sched, "sched"),
            Int(sched, "weight"),
            Int(sched, "cap"),
            disks,
            nics,
            withConfigJson ? config.GetRawText() : null);
    }

    private const string Command = "xl list -l";

    private static string FirstLine(string text) => Shorten(XlListParser.SplitLines(text).FirstOrDefault() ?? string.Empty);

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + "...";

    private static int? Int(JsonElement parent, string name) => Long(parent, name) switch
    {
        null => null,
        long n when n is >= int.MinValue and <= int.MaxValue => (int)n,
        long n => throw new XlOutputFormatException(Command, $"\"{name}\": {n}", $"'{name}' is out of range"),
    };

    private static JsonElement Child(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out JsonElement child) ? child : default;

    private static string? Str(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static long? Long(JsonElement parent, string name)
    {
        if (parent.ValueKind != JsonValueKind.Object || !parent.TryGetProperty(name, out JsonElement v))
        {
            return null;
        }

        return v.ValueKind switch
        {
            JsonValueKind.Number when v.TryGetInt64(out long n) => n,
            JsonValueKind.True => 1,
            JsonValueKind.False => 0,
            // libxl prints defbools as "True"/"False" strings.
            JsonValueKind.String when v.GetString() == "True" => 1,
            JsonValueKind.String when v.GetString() == "False" => 0,
            _ => null,
        };
    }
}

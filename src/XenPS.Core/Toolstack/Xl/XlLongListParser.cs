using System.Buffers;
using System.Text;
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
/// <remarks>
/// Read in one forward pass with <see cref="Utf8JsonReader"/> over the text's UTF-8 bytes: no document is built,
/// no trimmed copy is made, only the facts a listing shows are read and everything else is skipped. It reads what
/// a <see cref="JsonDocument"/> and its property look-ups read (the tests keep that reading as the specification):
/// the last of a repeated property wins, a value of the wrong kind reads as missing, and output that is not JSON is
/// refused before anything it holds (the whole text is read before an element's fault is reported).
/// </remarks>
internal static class XlLongListParser
{
    private const string Command = "xl list -l";

    // Strict, as JsonDocument.Parse(string) transcodes: text that is not valid UTF-16 is refused, not patched.
    private static readonly UTF8Encoding s_utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    // What String reads for a string whose escapes are not valid UTF-16 ("\ud800"): this very instance.
    private static readonly string s_undecodable = new('\uFFFD', 1);

    /// <param name="output">What xl printed.</param>
    /// <param name="hostName">The host, for messages.</param>
    /// <param name="withConfigJson">
    /// Keep each domain's config as JSON text (<see cref="XlDomainDetails.ConfigJson"/>): one domain's live config
    /// wants it; a listing does not, and copying every config costs as much again as reading them.
    /// </param>
    /// <param name="withDevices">
    /// Keep each domain's disks and nics (<see cref="XlDomainDetails.Disks"/>, <see cref="XlDomainDetails.Nics"/>): a
    /// listing shows none, so it leaves them empty; they are read all the same, and refused as when they are kept.
    /// </param>
    public static IReadOnlyList<XlDomainDetails> Parse(string output, string? hostName, bool withConfigJson = true, bool withDevices = true)
    {
        // What output.Trim() would keep, without the copy.
        ReadOnlySpan<char> text = output.AsSpan().Trim();
        if (text.IsEmpty)
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

        int length;
        try
        {
            length = s_utf8.GetByteCount(text);
        }
        catch (EncoderFallbackException)
        {
            throw new XlOutputFormatException(Command, FirstLine(text.ToString()), "text that is not valid Unicode");
        }

        byte[] utf8 = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            return Read(utf8.AsSpan(0, s_utf8.GetBytes(text, utf8)), withConfigJson, withDevices, text);
        }
        catch (JsonException ex)
        {
            throw NotJson(ex, text);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(utf8);
        }
    }

    private static XlOutputFormatException NotJson(JsonException ex, ReadOnlySpan<char> text)
    {
        // JsonException.LineNumber is 0-based: the line xl printed that does not parse.
        string trimmed = text.ToString();
        string line = ex.LineNumber is long n && n < int.MaxValue ? XlListParser.SplitLines(trimmed).ElementAtOrDefault((int)n) ?? string.Empty : FirstLine(trimmed);
        return new XlOutputFormatException(Command, line, "JSON that does not parse: " + ex.Message);
    }

    private static List<XlDomainDetails> Read(ReadOnlySpan<byte> utf8, bool withConfigJson, bool withDevices, ReadOnlySpan<char> text)
    {
        var reader = new Utf8JsonReader(utf8);
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            // Anything after the value is a JSON error first, as JsonDocument.Parse made it.
            reader.Skip();
            ReadToEnd(ref reader);
            throw new XlOutputFormatException(Command, FirstLine(text.ToString()), "not a JSON array");
        }

        // The first element xl printed that is JSON but not a domain, reported once the whole text has parsed.
        XlOutputFormatException? fault = null;
        var list = new List<XlDomainDetails>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            int start = (int)reader.TokenStartIndex;
            try
            {
                if (ReadDomain(ref reader, utf8, withConfigJson, withDevices, ref fault) is { } domain)
                {
                    list.Add(domain);
                }
            }
            catch (InvalidOperationException)
            {
                // A name or value compared with an escape that is not valid UTF-16 ("\ud800"): the element is refused,
                // the reading goes on from its end (JSON that does not parse further on is still reported first).
                while (!(reader.CurrentDepth == 1 && reader.TokenType == JsonTokenType.EndObject))
                {
                    reader.Read();
                }

                fault ??= ElementFault(utf8, start, reader, "a JSON string that is not valid Unicode");
            }
        }

        ReadToEnd(ref reader);
        return fault is null ? list : throw fault;
    }

    private static void ReadToEnd(ref Utf8JsonReader reader)
    {
        while (reader.Read())
        {
        }
    }

    // {"domid": N, "config": {...}}; the reader is on the element's first token and ends on its last.
    private static XlDomainDetails? ReadDomain(ref Utf8JsonReader reader, ReadOnlySpan<byte> utf8, bool withConfigJson, bool withDevices, ref XlOutputFormatException? fault)
    {
        int start = (int)reader.TokenStartIndex;
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            fault ??= ElementFault(utf8, start, reader, "an element without a \"config\" object");
            return null;
        }

        int? domid = null;
        string? domidOutOfRange = null;
        bool configIsObject = false;
        int configStart = 0, configEnd = 0;
        Facts facts = default;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("domid"u8))
            {
                reader.Read();
                domid = null;
                domidOutOfRange = null;
                if (reader.TokenType == JsonTokenType.Number)
                {
                    if (reader.TryGetInt32(out int id))
                    {
                        domid = id;
                    }
                    else
                    {
                        domidOutOfRange = Encoding.UTF8.GetString(reader.ValueSpan);
                    }
                }

                reader.Skip();
            }
            else if (reader.ValueTextEquals("config"u8))
            {
                reader.Read();
                facts = default;
                configStart = (int)reader.TokenStartIndex;
                configIsObject = reader.TokenType == JsonTokenType.StartObject;
                if (configIsObject)
                {
                    ReadConfig(ref reader, ref facts, withDevices);
                }
                else
                {
                    reader.Skip();
                }

                configEnd = (int)reader.BytesConsumed;
            }
            else
            {
                SkipValue(ref reader);
            }
        }

        if (!configIsObject)
        {
            fault ??= ElementFault(utf8, start, reader, "an element without a \"config\" object");
            return null;
        }

        if (domidOutOfRange is not null)
        {
            fault ??= ElementFault(utf8, start, reader, $"the domid {domidOutOfRange} is out of range");
            return null;
        }

        if (ReferenceEquals(facts.Name, s_undecodable) || facts.BadUuid || ReferenceEquals(facts.Kernel, s_undecodable)
            || ReferenceEquals(facts.Scheduler, s_undecodable) || facts.BadDisks || facts.BadNics)
        {
            fault ??= ElementFault(utf8, start, reader, "a JSON string that is not valid Unicode");
            return null;
        }

        if (facts.NicDevIdOutOfRange is long devid)
        {
            fault ??= OutOfRange("devid", devid);
            return null;
        }

        int? maxVCpus = Int(facts.MaxVCpus, "max_vcpus", ref fault);
        int? weight = Int(facts.Weight, "weight", ref fault);
        int? cap = Int(facts.Cap, "cap", ref fault);
        if (fault is not null)
        {
            return null;
        }

        return new XlDomainDetails(
            domid,
            facts.Name ?? string.Empty,
            facts.Type,
            facts.Uuid,
            facts.MaxMemKiB,
            facts.TargetMemKiB,
            maxVCpus,
            facts.AvailVCpus,
            facts.Kernel,
            facts.Scheduler,
            weight,
            cap,
            facts.Disks ?? (IReadOnlyList<XlConfigDisk>)Array.Empty<XlConfigDisk>(),
            facts.Nics ?? (IReadOnlyList<XlConfigNic>)Array.Empty<XlConfigNic>(),
            withConfigJson ? Encoding.UTF8.GetString(utf8[configStart..configEnd]) : null);
    }

    // The element as xl printed it (its first 200 characters): only for a fault.
    private static XlOutputFormatException ElementFault(ReadOnlySpan<byte> utf8, int start, Utf8JsonReader reader, string reason) =>
        new(Command, Shorten(Encoding.UTF8.GetString(utf8[start..(int)reader.BytesConsumed])), reason);

    private static XlOutputFormatException OutOfRange(string name, long n) => new(Command, $"\"{name}\": {n}", $"'{name}' is out of range");

    private static int? Int(long? value, string name, ref XlOutputFormatException? fault)
    {
        if (value is long n && n is < int.MinValue or > int.MaxValue)
        {
            fault ??= OutOfRange(name, n);
            return null;
        }

        return (int?)value;
    }

    // What a listing reads of libxl_domain_config.
    private struct Facts
    {
        public string? Name;
        public XenDomainType? Type;
        public Guid? Uuid;
        public long? MaxMemKiB;
        public long? TargetMemKiB;
        public long? MaxVCpus;
        public int? AvailVCpus;
        public string? Kernel;
        public string? Scheduler;
        public long? Weight;
        public long? Cap;
        public List<XlConfigDisk>? Disks;
        public List<XlConfigNic>? Nics;

        // The first nic whose devid is a number beyond an int (its element is refused).
        public long? NicDevIdOutOfRange;

        // A string the listing reads (the last of its name, as everywhere) holds an escape that is not valid
        // UTF-16 ("\ud800"): the uuid, a disk's or a nic's; the others hold s_undecodable.
        public bool BadUuid;
        public bool BadDisks;
        public bool BadNics;
    }

    // The reader is on the config's StartObject and ends on its EndObject.
    private static void ReadConfig(ref Utf8JsonReader reader, ref Facts f, bool withDevices)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("c_info"u8))
            {
                reader.Read();
                f.Name = null;
                f.Type = null;
                f.Uuid = null;
                f.BadUuid = false;
                if (!EnterObject(ref reader))
                {
                    continue;
                }

                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("name"u8))
                    {
                        f.Name = String(ref reader);
                    }
                    else if (reader.ValueTextEquals("type"u8))
                    {
                        reader.Read();
                        f.Type = reader.TokenType != JsonTokenType.String ? null
                            : reader.ValueTextEquals("pv"u8) ? XenDomainType.Pv
                            : reader.ValueTextEquals("pvh"u8) ? XenDomainType.Pvh
                            : reader.ValueTextEquals("hvm"u8) ? XenDomainType.Hvm
                            : null;
                        reader.Skip();
                    }
                    else if (reader.ValueTextEquals("uuid"u8))
                    {
                        f.Uuid = Uuid(ref reader, out f.BadUuid);
                    }
                    else
                    {
                        SkipValue(ref reader);
                    }
                }
            }
            else if (reader.ValueTextEquals("b_info"u8))
            {
                reader.Read();
                f.MaxMemKiB = f.TargetMemKiB = f.MaxVCpus = f.Weight = f.Cap = null;
                f.AvailVCpus = null;
                f.Kernel = f.Scheduler = null;
                if (!EnterObject(ref reader))
                {
                    continue;
                }

                ReadBuildInfo(ref reader, ref f);
            }
            else if (reader.ValueTextEquals("disks"u8))
            {
                reader.Read();
                f.Disks = null;
                f.BadDisks = false;
                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    reader.Skip();
                    continue;
                }

                f.Disks = withDevices ? new List<XlConfigDisk>(1) : null;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    XlConfigDisk? disk = ReadDisk(ref reader, withDevices, ref f.BadDisks);
                    f.Disks?.Add(disk!);
                }
            }
            else if (reader.ValueTextEquals("nics"u8))
            {
                reader.Read();
                f.Nics = null;
                f.NicDevIdOutOfRange = null;
                f.BadNics = false;
                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    reader.Skip();
                    continue;
                }

                f.Nics = withDevices ? new List<XlConfigNic>(1) : null;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    XlConfigNic? nic = ReadNic(ref reader, withDevices, f.Nics?.Count ?? 0, ref f.NicDevIdOutOfRange, ref f.BadNics);
                    f.Nics?.Add(nic!);
                }
            }
            else
            {
                SkipValue(ref reader);
            }
        }
    }

    // b_info's properties; the reader is on its StartObject and ends on its EndObject.
    private static void ReadBuildInfo(ref Utf8JsonReader reader, ref Facts f)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("max_memkb"u8))
            {
                f.MaxMemKiB = Long(ref reader);
            }
            else if (reader.ValueTextEquals("target_memkb"u8))
            {
                f.TargetMemKiB = Long(ref reader);
            }
            else if (reader.ValueTextEquals("max_vcpus"u8))
            {
                f.MaxVCpus = Long(ref reader);
            }
            else if (reader.ValueTextEquals("avail_vcpus"u8))
            {
                // A bitmap printed as the list of set bits.
                f.AvailVCpus = CountArray(ref reader);
            }
            else if (reader.ValueTextEquals("kernel"u8))
            {
                f.Kernel = String(ref reader);
            }
            else if (reader.ValueTextEquals("sched_params"u8))
            {
                reader.Read();
                f.Scheduler = null;
                f.Weight = f.Cap = null;
                if (!EnterObject(ref reader))
                {
                    continue;
                }

                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("sched"u8))
                    {
                        f.Scheduler = String(ref reader);
                    }
                    else if (reader.ValueTextEquals("weight"u8))
                    {
                        f.Weight = Long(ref reader);
                    }
                    else if (reader.ValueTextEquals("cap"u8))
                    {
                        f.Cap = Long(ref reader);
                    }
                    else
                    {
                        SkipValue(ref reader);
                    }
                }
            }
            else
            {
                SkipValue(ref reader);
            }
        }
    }

    // An element of config.disks; one that is not an object is a disk without facts, as a property look-up reads it.
    // Not kept: read all the same (what would refuse it still does), and null.
    private static XlConfigDisk? ReadDisk(ref Utf8JsonReader reader, bool keep, ref bool badText)
    {
        string? vdev = null, target = null, format = null;
        long? readWrite = null, isCdRom = null;
        if (EnterObject(ref reader))
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("vdev"u8))
                {
                    vdev = String(ref reader, keep);
                }
                else if (reader.ValueTextEquals("pdev_path"u8))
                {
                    target = String(ref reader, keep);
                }
                else if (reader.ValueTextEquals("format"u8))
                {
                    format = String(ref reader, keep);
                }
                else if (reader.ValueTextEquals("readwrite"u8))
                {
                    readWrite = Long(ref reader);
                }
                else if (reader.ValueTextEquals("is_cdrom"u8))
                {
                    isCdRom = Long(ref reader);
                }
                else
                {
                    SkipValue(ref reader);
                }
            }
        }

        badText |= ReferenceEquals(vdev, s_undecodable) || ReferenceEquals(target, s_undecodable) || ReferenceEquals(format, s_undecodable);
        return keep ? new XlConfigDisk(vdev, target, format, (readWrite ?? 0) != 0, (isCdRom ?? 0) != 0) : null;
    }

    // An element of config.nics (index: its place, the devid when it has none); one that is not an object is a nic without facts.
    // Not kept: read all the same (what would refuse it still does), and null.
    private static XlConfigNic? ReadNic(ref Utf8JsonReader reader, bool keep, int index, ref long? devIdOutOfRange, ref bool badText)
    {
        long? devid = null, rateBytes = null, rateUsecs = null;
        string? mac = null, bridge = null, model = null, ip = null;
        if (EnterObject(ref reader))
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("devid"u8))
                {
                    devid = Long(ref reader);
                }
                else if (reader.ValueTextEquals("mac"u8))
                {
                    mac = String(ref reader, keep);
                }
                else if (reader.ValueTextEquals("bridge"u8))
                {
                    bridge = String(ref reader, keep);
                }
                else if (reader.ValueTextEquals("model"u8))
                {
                    model = String(ref reader, keep);
                }
                else if (reader.ValueTextEquals("ip"u8))
                {
                    ip = String(ref reader, keep);
                }
                else if (reader.ValueTextEquals("rate_bytes_per_interval"u8))
                {
                    rateBytes = Long(ref reader);
                }
                else if (reader.ValueTextEquals("rate_interval_usecs"u8))
                {
                    rateUsecs = Long(ref reader);
                }
                else
                {
                    SkipValue(ref reader);
                }
            }
        }

        badText |= ReferenceEquals(mac, s_undecodable) || ReferenceEquals(bridge, s_undecodable) || ReferenceEquals(model, s_undecodable) || ReferenceEquals(ip, s_undecodable);
        if (devid is long d && d is < int.MinValue or > int.MaxValue)
        {
            devIdOutOfRange ??= d;
        }

        if (!keep)
        {
            return null;
        }

        return new XlConfigNic(
            devid is long id && id is >= int.MinValue and <= int.MaxValue ? (int)id : index,
            mac?.ToLowerInvariant(),
            bridge,
            model,
            ip,
            rateBytes is long rb and > 0 ? Config.XenVifSpec.FormatRate((ulong)rb, (uint)(rateUsecs ?? 50000)) : null);
    }

    // The reader is on a value: true when it is an object (the reader stays on its StartObject), else the value is skipped.
    private static bool EnterObject(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.StartObject)
        {
            return true;
        }

        reader.Skip();
        return false;
    }

    // The reader is on a property name: past its value.
    private static void SkipValue(ref Utf8JsonReader reader)
    {
        reader.Read();
        reader.Skip();
    }

    // The property's value when it is a string, else null; not kept, null or s_undecodable, without a string.
    private static string? String(ref Utf8JsonReader reader, bool keep = true)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.String)
        {
            reader.Skip();
            return null;
        }

        if (!keep && !reader.ValueIsEscaped)
        {
            return null;
        }

        try
        {
            return reader.GetString();
        }
        catch (InvalidOperationException)
        {
            return s_undecodable;
        }
    }

    // The property's value as a UUID when it is a string Guid.TryParse reads, else null; bad when it does not decode.
    private static Guid? Uuid(ref Utf8JsonReader reader, out bool bad)
    {
        bad = false;
        reader.Read();
        if (reader.TokenType != JsonTokenType.String)
        {
            reader.Skip();
            return null;
        }

        // An unescaped string is never longer in characters than in bytes; a UUID is 36 to 68 of them.
        int most = reader.ValueSpan.Length;
        Span<char> chars = most <= 128 ? stackalloc char[most] : new char[most];
        try
        {
            int length = reader.CopyString(chars);
            return Guid.TryParse(chars[..length], out Guid g) ? g : null;
        }
        catch (InvalidOperationException)
        {
            bad = true;
            return null;
        }
    }

    // The property's value as a number: numbers, true/false, and libxl's defbools "True"/"False".
    private static long? Long(ref Utf8JsonReader reader)
    {
        reader.Read();
        switch (reader.TokenType)
        {
            case JsonTokenType.Number:
                return reader.TryGetInt64(out long n) ? n : null;
            case JsonTokenType.True:
                return 1;
            case JsonTokenType.False:
                return 0;
            case JsonTokenType.String:
                return reader.ValueTextEquals("True"u8) ? 1 : reader.ValueTextEquals("False"u8) ? 0 : null;
            default:
                reader.Skip();
                return null;
        }
    }

    // The number of elements when the property's value is an array, else null.
    private static int? CountArray(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return null;
        }

        int count = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            count++;
            reader.Skip();
        }

        return count;
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
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // Not JSON, or a string JSON allows but .NET cannot hold ("\ud800", a lone surrogate): no action known.
            return null;
        }
    }

    private static string FirstLine(string text) => Shorten(XlListParser.SplitLines(text).FirstOrDefault() ?? string.Empty);

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + "...";
}

using System.Buffers;
using System.Text;
using System.Text.Json;

namespace XenPS.Toolstack.Xl;

/// <summary>A disk from a domain's libxl configuration (<c>config.disks[]</c>).</summary>
internal sealed record XlConfigDisk(string? Vdev, string? Target, string? Format, bool ReadWrite, bool IsCdRom);

/// <summary>A vif from a domain's libxl configuration (<c>config.nics[]</c>).</summary>
internal sealed record XlConfigNic(int DevId, string? Mac, string? Bridge, string? Model, string? Ip);

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
    /// wants it; a listing does not, and copying every config would cost as much again as reading them.
    /// </param>
    public static IReadOnlyList<XlDomainDetails> Parse(string output, string? hostName, bool withConfigJson = true)
    {
        // JsonDocument skips the whitespace around the array itself: no trimmed copy of the whole text.
        int first = output.AsSpan().IndexOfAnyExcept(" \t\r\n");
        if (first < 0)
        {
            return Array.Empty<XlDomainDetails>();
        }

        if (output[first] == '(')
        {
            throw new XenOperationException(
                "XlOutputFormatNotJson",
                XenErrorCategory.InvalidData,
                $"'xl list -l' on host '{hostName}' printed SXP, not JSON: the host's /etc/xen/xl.conf sets output_format=\"sxp\". XenPS reads xl's JSON output; set output_format=\"json\" (the default) in xl.conf.");
        }

        // One forward pass with Utf8JsonReader over the text's UTF-8 bytes: no document is built, only the
        // facts a listing shows are read and everything else is skipped, so the cost stays under the floor
        // of JsonDocument.Parse on the same text.
        ReadOnlySpan<char> json = output.AsSpan(first);
        byte[] utf8 = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetByteCount(json));
        try
        {
            int length = Encoding.UTF8.GetBytes(json, utf8);
            var reader = new Utf8JsonReader(utf8.AsSpan(0, length));
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartArray)
            {
                reader.Skip();
                throw new FormatException("'xl list -l' did not print a JSON array.");
            }

            ReadOnlySpan<byte> text = utf8.AsSpan(0, length);
            var list = new List<XlDomainDetails>();
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                list.Add(ReadDomain(ref reader, text, withConfigJson));
            }

            // Anything after the array is an error, as JsonDocument.Parse made it.
            while (reader.Read())
            {
            }

            return list;
        }
        catch (JsonException ex)
        {
            throw new FormatException($"'xl list -l' on host '{hostName}' printed JSON that does not parse: {ex.Message}", ex);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(utf8);
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

    // {"domid": N, "config": {...}}; the reader is on the element's first token.
    private static XlDomainDetails ReadDomain(ref Utf8JsonReader reader, ReadOnlySpan<byte> text, bool withConfigJson)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new FormatException($"An element of 'xl list -l' is a {reader.TokenType}, not an object.");
        }

        int? domid = null;
        Facts facts = default;
        bool sawConfig = false;
        string? configJson = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("domid"u8))
            {
                reader.Read();
                domid = reader.TokenType == JsonTokenType.Number ? reader.GetInt32() : null;
                reader.Skip();
            }
            else if (reader.ValueTextEquals("config"u8))
            {
                reader.Read();
                sawConfig = true;
                int start = (int)reader.TokenStartIndex;
                facts = default;
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    ReadConfig(ref reader, ref facts);
                }
                else
                {
                    reader.Skip();
                }

                configJson = withConfigJson ? Encoding.UTF8.GetString(text[start..(int)reader.BytesConsumed]) : null;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (!sawConfig)
        {
            throw new FormatException($"An element of 'xl list -l' has no \"config\" (domid {domid?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}).");
        }

        return new XlDomainDetails(
            domid,
            facts.Name ?? string.Empty,
            facts.Type,
            facts.Uuid,
            facts.MaxMemKiB,
            facts.TargetMemKiB,
            (int?)facts.MaxVCpus,
            facts.AvailVCpus,
            facts.Kernel,
            facts.Scheduler,
            (int?)facts.Weight,
            (int?)facts.Cap,
            facts.Disks ?? (IReadOnlyList<XlConfigDisk>)Array.Empty<XlConfigDisk>(),
            facts.Nics ?? (IReadOnlyList<XlConfigNic>)Array.Empty<XlConfigNic>(),
            configJson);
    }

    // What a listing reads of libxl_domain_config; the reader is on its StartObject and ends on its EndObject.
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
    }

    private static void ReadConfig(ref Utf8JsonReader reader, ref Facts facts)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("c_info"u8))
            {
                reader.Read();
                ReadObject(ref reader, ref facts, static (ref Utf8JsonReader r, ref Facts f) =>
                {
                    if (r.ValueTextEquals("name"u8))
                    {
                        f.Name = String(ref r);
                    }
                    else if (r.ValueTextEquals("type"u8))
                    {
                        r.Read();
                        f.Type = r.TokenType != JsonTokenType.String ? null
                            : r.ValueTextEquals("pv"u8) ? XenDomainType.Pv
                            : r.ValueTextEquals("pvh"u8) ? XenDomainType.Pvh
                            : r.ValueTextEquals("hvm"u8) ? XenDomainType.Hvm
                            : null;
                        r.Skip();
                    }
                    else if (r.ValueTextEquals("uuid"u8))
                    {
                        f.Uuid = Guid.TryParse(String(ref r), out Guid g) ? g : null;
                    }
                    else
                    {
                        SkipValue(ref r);
                    }
                });
            }
            else if (reader.ValueTextEquals("b_info"u8))
            {
                reader.Read();
                ReadObject(ref reader, ref facts, static (ref Utf8JsonReader r, ref Facts f) =>
                {
                    if (r.ValueTextEquals("max_memkb"u8))
                    {
                        f.MaxMemKiB = Long(ref r);
                    }
                    else if (r.ValueTextEquals("target_memkb"u8))
                    {
                        f.TargetMemKiB = Long(ref r);
                    }
                    else if (r.ValueTextEquals("max_vcpus"u8))
                    {
                        f.MaxVCpus = Long(ref r);
                    }
                    else if (r.ValueTextEquals("avail_vcpus"u8))
                    {
                        // A bitmap printed as the list of set bits.
                        f.AvailVCpus = CountArray(ref r);
                    }
                    else if (r.ValueTextEquals("kernel"u8))
                    {
                        f.Kernel = String(ref r);
                    }
                    else if (r.ValueTextEquals("sched_params"u8))
                    {
                        r.Read();
                        ReadObject(ref r, ref f, static (ref Utf8JsonReader s, ref Facts g) =>
                        {
                            if (s.ValueTextEquals("sched"u8))
                            {
                                g.Scheduler = String(ref s);
                            }
                            else if (s.ValueTextEquals("weight"u8))
                            {
                                g.Weight = Long(ref s);
                            }
                            else if (s.ValueTextEquals("cap"u8))
                            {
                                g.Cap = Long(ref s);
                            }
                            else
                            {
                                SkipValue(ref s);
                            }
                        });
                    }
                    else
                    {
                        SkipValue(ref r);
                    }
                });
            }
            else if (reader.ValueTextEquals("disks"u8))
            {
                reader.Read();
                facts.Disks = new List<XlConfigDisk>();
                ReadArrayOfObjects(ref reader, facts.Disks, static (ref Utf8JsonReader r, List<XlConfigDisk> disks) =>
                {
                    DiskFacts d = default;
                    ReadObject(ref r, ref d, static (ref Utf8JsonReader s, ref DiskFacts g) =>
                    {
                        if (s.ValueTextEquals("vdev"u8))
                        {
                            g.Vdev = String(ref s);
                        }
                        else if (s.ValueTextEquals("pdev_path"u8))
                        {
                            g.Target = String(ref s);
                        }
                        else if (s.ValueTextEquals("format"u8))
                        {
                            g.Format = String(ref s);
                        }
                        else if (s.ValueTextEquals("readwrite"u8))
                        {
                            g.ReadWrite = Long(ref s);
                        }
                        else if (s.ValueTextEquals("is_cdrom"u8))
                        {
                            g.IsCdRom = Long(ref s);
                        }
                        else
                        {
                            SkipValue(ref s);
                        }
                    });
                    disks.Add(new XlConfigDisk(d.Vdev, d.Target, d.Format, (d.ReadWrite ?? 0) != 0, (d.IsCdRom ?? 0) != 0));
                });
            }
            else if (reader.ValueTextEquals("nics"u8))
            {
                reader.Read();
                facts.Nics = new List<XlConfigNic>();
                ReadArrayOfObjects(ref reader, facts.Nics, static (ref Utf8JsonReader r, List<XlConfigNic> nics) =>
                {
                    NicFacts n = default;
                    ReadObject(ref r, ref n, static (ref Utf8JsonReader s, ref NicFacts g) =>
                    {
                        if (s.ValueTextEquals("devid"u8))
                        {
                            g.DevId = Long(ref s);
                        }
                        else if (s.ValueTextEquals("mac"u8))
                        {
                            g.Mac = String(ref s);
                        }
                        else if (s.ValueTextEquals("bridge"u8))
                        {
                            g.Bridge = String(ref s);
                        }
                        else if (s.ValueTextEquals("model"u8))
                        {
                            g.Model = String(ref s);
                        }
                        else if (s.ValueTextEquals("ip"u8))
                        {
                            g.Ip = String(ref s);
                        }
                        else
                        {
                            SkipValue(ref s);
                        }
                    });
                    nics.Add(new XlConfigNic((int)(n.DevId ?? nics.Count), n.Mac?.ToLowerInvariant(), n.Bridge, n.Model, n.Ip));
                });
            }
            else
            {
                SkipValue(ref reader);
            }
        }
    }

    private struct DiskFacts
    {
        public string? Vdev;
        public string? Target;
        public string? Format;
        public long? ReadWrite;
        public long? IsCdRom;
    }

    private struct NicFacts
    {
        public long? DevId;
        public string? Mac;
        public string? Bridge;
        public string? Model;
        public string? Ip;
    }

    private delegate void PropertyReader<T>(ref Utf8JsonReader reader, ref T facts);

    private delegate void ElementReader<T>(ref Utf8JsonReader reader, T into);

    // The reader is on a value: an object's properties go to read (each on its PropertyName, leaving the
    // reader on the value's last token); anything else is skipped, as a missing object would be.
    private static void ReadObject<T>(ref Utf8JsonReader reader, ref T facts, PropertyReader<T> read)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            read(ref reader, ref facts);
        }
    }

    // The reader is on a value: each object element of an array goes to read; other elements and non-arrays are skipped.
    private static void ReadArrayOfObjects<T>(ref Utf8JsonReader reader, T into, ElementReader<T> read)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return;
        }

        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType == JsonTokenType.StartObject)
            {
                read(ref reader, into);
            }
            else
            {
                reader.Skip();
            }
        }
    }

    private static void SkipValue(ref Utf8JsonReader reader)
    {
        reader.Read();
        reader.Skip();
    }

    // The property's value when it is a string, else null.
    private static string? String(ref Utf8JsonReader reader)
    {
        reader.Read();
        string? value = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        reader.Skip();
        return value;
    }

    // The property's value as a number: numbers, true/false, and libxl's defbools "True"/"False".
    private static long? Long(ref Utf8JsonReader reader)
    {
        reader.Read();
        long? value = reader.TokenType switch
        {
            JsonTokenType.Number when reader.TryGetInt64(out long n) => n,
            JsonTokenType.True => 1,
            JsonTokenType.False => 0,
            JsonTokenType.String when reader.ValueTextEquals("True"u8) => 1,
            JsonTokenType.String when reader.ValueTextEquals("False"u8) => 0,
            _ => null,
        };
        reader.Skip();
        return value;
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
}

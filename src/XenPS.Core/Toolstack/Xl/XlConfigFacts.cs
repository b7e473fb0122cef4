using XenPS.Config;

namespace XenPS.Toolstack.Xl;

/// <summary>
/// What the toolstack needs to know about an xl.cfg (an Off domain's name, uuid, memory, vCPUs, type), read
/// through the config parser (<see cref="XenConfigDocument"/>) with xl's defaults (libxl: memory 32 MiB,
/// one vCPU, maxmem = memory, maxvcpus = vcpus; type from <c>type</c>, else <c>builder="hvm"</c>, else PV).
/// </summary>
internal sealed record XlConfigFacts(string? Name, Guid? Uuid, long MemoryMB, long MaxMemoryMB, int VCpus, int MaxVCpus, XenDomainType Type)
{
    private const long LibxlDefaultMemoryMB = 32;

    /// <summary>Reads the facts; throws <see cref="XenConfigException"/> for text xl would not parse.</summary>
    public static XlConfigFacts Read(string text, string? fileName)
    {
        XenConfigDocument doc = XenConfigDocument.Parse(text, fileName);
        string? name = doc.Get("name")?.AsString();
        Guid? uuid = Guid.TryParse(doc.Get("uuid")?.AsString(), out Guid g) ? g : null;
        long memory = doc.Get("memory")?.AsInt64() ?? LibxlDefaultMemoryMB;
        long maxmem = doc.Get("maxmem")?.AsInt64() ?? memory;
        int vcpus = (int)(doc.Get("vcpus")?.AsInt64() ?? 1);
        int maxvcpus = (int)(doc.Get("maxvcpus")?.AsInt64() ?? vcpus);
        string? type = doc.Get("type")?.AsString();
        XenDomainType kind = type switch
        {
            "pv" => XenDomainType.Pv,
            "pvh" => XenDomainType.Pvh,
            "hvm" => XenDomainType.Hvm,
            _ => doc.Get("builder")?.AsString() == "hvm" ? XenDomainType.Hvm : XenDomainType.Pv,
        };
        return new XlConfigFacts(string.IsNullOrEmpty(name) ? null : name, uuid, memory, Math.Max(maxmem, memory), vcpus, Math.Max(maxvcpus, vcpus), kind);
    }

    /// <summary>
    /// The arguments <c>xl network-attach</c> wants for a vif spec in config form: xl reads each
    /// <c>key=value</c> as its own argument, and a comma-joined spec would be taken as one bridge name
    /// (fixtures 256 vs 260). A vif spec has no quoting: xl's parse_vif splits it on commas.
    /// </summary>
    /// <remarks>To move to <c>XenVifSpec.Parse(spec).ToNetworkAttachArguments()</c> once the config code has it.</remarks>
    public static IReadOnlyList<string> NetworkAttachArguments(string vifSpec) =>
        vifSpec.Split(',').Select(p => p.Trim()).Where(p => p.Length > 0).ToArray();
}

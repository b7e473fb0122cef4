using XenPS.Config;

namespace XenPS.Toolstack.Xl;

/// <summary>
/// What the toolstack needs to know about an xl.cfg (an Off domain's name, uuid, memory, vCPUs, type), read
/// through <see cref="XenDomainConfig"/> with xl's defaults where the file is silent (libxl: memory 32 MiB,
/// one vCPU, maxmem = memory, maxvcpus = vcpus, PV unless <c>type</c>/<c>builder</c> say otherwise).
/// </summary>
internal sealed record XlConfigFacts(string? Name, Guid? Uuid, long MemoryMB, long MaxMemoryMB, int VCpus, int MaxVCpus, XenDomainType? Type, VncSettings Vnc)
{
    // libxl__domain_build_info_setdefault: max_memkb defaults to 32 * 1024.
    private const long LibxlDefaultMemoryMB = 32;

    /// <summary>Reads the facts; throws <see cref="XenConfigException"/> for text xl would not parse.</summary>
    public static XlConfigFacts Read(string text, string? fileName)
    {
        XenDomainConfig config = XenDomainConfig.Parse(text, fileName);
        string? name = config.Name;
        long memory = config.MemoryMB ?? LibxlDefaultMemoryMB;
        long maxmem = config.MaxMemoryMB ?? memory;
        int vcpus = config.VCpu ?? 1;
        int maxvcpus = config.MaxVCpu ?? vcpus;
        return new XlConfigFacts(
            string.IsNullOrEmpty(name) ? null : name,
            config.Uuid,
            memory,
            Math.Max(maxmem, memory),
            vcpus,
            Math.Max(maxvcpus, vcpus),
            config.Type,
            VncSettings.From(config));
    }

    /// <summary>
    /// The arguments <c>xl network-attach</c> wants for a vif spec in config form: xl reads each
    /// <c>key=value</c> as its own argument, and a comma-joined spec would be taken as one bridge name
    /// (fixtures 256 vs 260). Throws <see cref="XenConfigException"/> for a spec xl would refuse.
    /// </summary>
    public static IReadOnlyList<string> NetworkAttachArguments(string vifSpec) =>
        XenVifSpec.Parse(vifSpec).ToNetworkAttachArguments();
}

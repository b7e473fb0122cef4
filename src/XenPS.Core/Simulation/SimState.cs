using System.Text.Json;
using System.Text.Json.Serialization;

namespace XenPS.Simulation;

// The simulator's whole state: plain data, kept as objects in memory and serialised with System.Text.Json
// only into a state file. Engine code mutates these objects inside one store transaction, on a private deep
// copy (SimClone); a committed state is never changed again, so outputs are built fresh from it and reads
// must not change it. Any field added here is copied by SimClone without further work.

internal sealed class FabricState
{
    public int Version { get; set; } = 1;

    public List<HostState> Hosts { get; set; } = new();

    public HostState? FindHost(string name) =>
        Hosts.FirstOrDefault(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase));
}

internal sealed class HostState
{
    public string Name { get; set; } = string.Empty;

    public long TotalMemoryMB { get; set; }

    public long Dom0MemoryMB { get; set; }

    public long HypervisorMemoryMB { get; set; }

    public int CpuCount { get; set; }

    public string Scheduler { get; set; } = "credit2";

    public string XenVersion { get; set; } = "4.17.7";

    public List<string> Bridges { get; set; } = new();

    public string ConfigDirectory { get; set; } = "/etc/xen";

    public DateTimeOffset BootTime { get; set; }

    /// <summary>The next domid to hand out: domids increase and are never reused (failed creates consume one too, as in real xl).</summary>
    public int NextDomId { get; set; } = 1;

    public List<DomainState> Domains { get; set; } = new();

    /// <summary>The host's file system: absolute path → node. Folders are nodes too.</summary>
    public Dictionary<string, FileNode> Files { get; set; } = new(StringComparer.Ordinal);

    public Dictionary<string, string> XenStore { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Nodes Xen wrote that a caller removed (<c>xenstore-rm</c>): hidden, with everything below them.</summary>
    public List<string> XenStoreRemoved { get; set; } = new();

    public List<string> Dmesg { get; set; } = new();

    public Dictionary<string, double> LatencySeconds { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Pending faults, oldest first: several for one operation (on different domains, or one after another) all stay.</summary>
    public List<FaultState> Faults { get; set; } = new();

    public List<string> MigrationFailures { get; set; } = new();

    /// <summary>Counts every operation that changed the state (a cheap consistency check for tests).</summary>
    public long Generation { get; set; }

    public DomainState? FindDomain(string nameOrId)
    {
        if (int.TryParse(nameOrId, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int id))
        {
            DomainState? byId = Domains.FirstOrDefault(d => d.Id == id);
            if (byId is not null)
            {
                return byId;
            }
        }

        return Domains.FirstOrDefault(d => string.Equals(d.Name, nameOrId, StringComparison.Ordinal));
    }

    public long UsedMemoryMB => Dom0MemoryMB + HypervisorMemoryMB + Domains.Where(d => d.Id != 0).Sum(d => d.MemoryMB);

    public long FreeMemoryMB => Math.Max(0, TotalMemoryMB - UsedMemoryMB);
}

internal sealed class FaultState
{
    public string Operation { get; set; } = string.Empty;

    public int Count { get; set; }

    /// <summary>Only calls for this domain fail (null: any call of the operation).</summary>
    public string? Domain { get; set; }

    public string Message { get; set; } = string.Empty;
}

internal enum SimRunState
{
    Running,
    Paused,
    Shutdown,
    Crashed,
    Dying,
}

internal sealed class DomainState
{
    public string Name { get; set; } = string.Empty;

    public int Id { get; set; }

    public Guid Uuid { get; set; }

    public string Type { get; set; } = "pv";

    public SimRunState State { get; set; }

    /// <summary>Xen counts pauses: two <c>xl pause</c> need two <c>xl unpause</c> (fixtures 276/277).</summary>
    public int PauseCount { get; set; }

    public string? ShutdownReason { get; set; }

    public long MemoryMB { get; set; }

    public long TargetMemoryMB { get; set; }

    public long MaxMemoryMB { get; set; }

    public int OnlineVCpus { get; set; }

    public int MaxVCpus { get; set; }

    public List<string> HardAffinity { get; set; } = new();

    public int Weight { get; set; } = 256;

    public int Cap { get; set; }

    public string? Kernel { get; set; }

    public string? Ramdisk { get; set; }

    public string? Cmdline { get; set; }

    public string OnPoweroff { get; set; } = "destroy";

    public string OnReboot { get; set; } = "restart";

    public string OnCrash { get; set; } = "destroy";

    /// <summary>The xl.cfg text the domain was created from (saved into save files and migration streams).</summary>
    public string ConfigText { get; set; } = string.Empty;

    public DateTimeOffset StartedAt { get; set; }

    /// <summary>CPU accounting (see <c>SimEngine.ReconcileCpu</c>): seconds run before <see cref="RunningSince"/>.</summary>
    public double CpuBankSeconds { get; set; }

    /// <summary>When the domain last started running; null while it does not run.</summary>
    public DateTimeOffset? RunningSince { get; set; }

    /// <summary>The <see cref="StartedAt"/> the accounting belongs to (a restored or received domain starts again from zero).</summary>
    public DateTimeOffset? CpuEpoch { get; set; }

    /// <summary>When a requested shutdown or reboot takes effect (the guest acknowledged, and is still going down), or null.</summary>
    public DateTimeOffset? PendingStopAt { get; set; }

    /// <summary>Whether the pending stop is a reboot (else a poweroff).</summary>
    public bool PendingReboot { get; set; }

    public List<DiskState> Disks { get; set; } = new();

    public List<NicState> Nics { get; set; } = new();

    [JsonIgnore]
    public bool IsDom0 => Id == 0;
}

internal sealed class DiskState
{
    public string Vdev { get; set; } = string.Empty;

    public int DeviceId { get; set; }

    public string? Target { get; set; }

    public string Format { get; set; } = "raw";

    public string Access { get; set; } = "rw";

    public bool IsCdRom { get; set; }
}

internal sealed class NicState
{
    public int DevId { get; set; }

    public string Mac { get; set; } = string.Empty;

    public string Bridge { get; set; } = "xenbr0";

    public string? Model { get; set; }

    public string? Ip { get; set; }

    public string? Rate { get; set; }

    public int State { get; set; } = 4;
}

internal enum FileNodeKind
{
    File,
    Directory,
    Link,
}

internal sealed class FileNode
{
    public FileNodeKind Kind { get; set; }

    public string Content { get; set; } = string.Empty;

    public string? Target { get; set; }

    /// <summary>A disk image's size in bytes (its content stays empty); null for text files.</summary>
    public long? Size { get; set; }

    /// <summary>The bytes a disk image takes on the host's disk (0 for a sparse raw file).</summary>
    public long Allocated { get; set; }

    /// <summary>The file's mode in octal as chmod takes it (<c>644</c>, <c>600</c>); null for 644.</summary>
    public string? Mode { get; set; }
}

[JsonSourceGenerationOptions(WriteIndented = true, UseStringEnumConverter = true)]
[JsonSerializable(typeof(FabricState))]
[JsonSerializable(typeof(SaveImage))]
internal sealed partial class SimJsonContext : JsonSerializerContext
{
}

/// <summary>What a simulated save file holds after its magic line.</summary>
internal sealed class SaveImage
{
    public DomainState Domain { get; set; } = new();
}

internal static class SimJson
{
    public static string Serialize(FabricState state) => JsonSerializer.Serialize(state, SimJsonContext.Default.FabricState);

    public static byte[] SerializeToUtf8Bytes(FabricState state) => JsonSerializer.SerializeToUtf8Bytes(state, SimJsonContext.Default.FabricState);

    public static FabricState Deserialize(string json) =>
        JsonSerializer.Deserialize(json, SimJsonContext.Default.FabricState) ?? new FabricState();

    public static FabricState Deserialize(ReadOnlySpan<byte> utf8Json) =>
        JsonSerializer.Deserialize(utf8Json, SimJsonContext.Default.FabricState) ?? new FabricState();
}

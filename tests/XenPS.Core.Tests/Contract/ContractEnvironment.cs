namespace XenPS.ContractTests;

/// <summary>
/// What the toolstack contract suite needs to know about the host it runs against.
/// The simulator and the real-Xen integration tests each describe their host with one of these.
/// </summary>
public sealed class ContractEnvironment
{
    /// <summary>A guest kernel on the host (real Xen: the Dom0 kernel at <c>/srv/vmlinuz</c>; the simulator: <c>/boot/vmlinuz</c>).</summary>
    public required string KernelPath { get; init; }

    /// <summary>The guest's initrd on the host, if any (real Xen: <c>/srv/domU-initrd.gz</c>).</summary>
    public string? RamdiskPath { get; init; }

    /// <summary>The bridge vifs are plugged into.</summary>
    public string Bridge { get; init; } = "xenbr0";

    /// <summary>A writable folder on the host for disk images and save files (e.g. <c>/tmp</c>).</summary>
    public required string ScratchDirectory { get; init; }

    /// <summary>Guest memory in MiB (real Xen needs 128 for the Dom0 kernel to boot); maxmem is twice this.</summary>
    public int GuestMemoryMB { get; init; } = 128;

    /// <summary>The guest type: <c>pv</c> or <c>pvh</c>.</summary>
    public string GuestType { get; init; } = "pv";

    /// <summary>Whether <see cref="MigrationDestination"/> names a host a guest can be migrated to.</summary>
    public bool SupportsMigration { get; init; }

    /// <summary>The destination for the migration test (a host name for xl's ssh, or a simulated host of the same fabric).</summary>
    public string? MigrationDestination { get; init; }

    /// <summary>The toolstack of the migration destination, to check the guest arrived.</summary>
    public Toolstack.IXenToolstack? MigrationDestinationToolstack { get; init; }

    /// <summary>Creates a raw disk image at a path on the host (real Xen: <c>dd</c>); when null, the suite writes an empty file with WriteFileAsync.</summary>
    public Func<string, Task>? CreateDiskImage { get; init; }

    /// <summary>How long a guest may take to shut down.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>How long a change that the guest carries out (ballooning) may take to show.</summary>
    public TimeSpan SettleTimeout { get; init; } = TimeSpan.FromSeconds(30);
}

namespace XenPS.Simulation;

/// <summary>
/// The shape of a simulated Xen host. The defaults are the host the fixtures were captured on
/// (tests/fixtures/xen-4.17.7, <c>xl info</c> 002/131: 2 CPUs, 3071 MiB with 1024 MiB for Domain-0
/// and 2014 MiB free, credit2, Xen 4.17.7).
/// </summary>
public sealed class SimulatedHostOptions
{
    /// <summary>Total memory in MiB (<c>xl info</c> <c>total_memory</c>). Default 3071.</summary>
    public long TotalMemoryMB { get; init; } = 3071;

    /// <summary>Memory of Domain-0 in MiB (<c>dom0_mem</c>). Default 1024.</summary>
    public long Dom0MemoryMB { get; init; } = 1024;

    /// <summary>Memory the hypervisor keeps for itself in MiB: <c>free_memory</c> = total − Domain-0 − guests − this. Default 33 (3071 − 1024 − 33 = 2014, as fixture 002 shows).</summary>
    public long HypervisorMemoryMB { get; init; } = 33;

    /// <summary>Physical CPUs (<c>nr_cpus</c>). Default 2.</summary>
    public int CpuCount { get; init; } = 2;

    /// <summary>The scheduler (<c>xen_scheduler</c>): <c>credit2</c> (default) or <c>credit</c>.</summary>
    public string Scheduler { get; init; } = "credit2";

    /// <summary>The hypervisor version (<c>xen_version</c>). Default <c>4.17.7</c>.</summary>
    public string XenVersion { get; init; } = "4.17.7";

    /// <summary>The network bridges in Domain-0 that vifs can be plugged into. Default <c>xenbr0</c>.</summary>
    public IReadOnlyList<string> Bridges { get; init; } = ["xenbr0"];
}

/// <summary>The ways a real <c>xl migrate</c> fails (<c>tools/xl/xl_migrate.c</c>), which the simulator can be told to reproduce.</summary>
public enum SimulatedMigrationFailure
{
    /// <summary>The transfer fails: <c>Migration failed, resuming at sender.</c> The domain still runs at the source.</summary>
    ResumeAtSender,

    /// <summary>
    /// The final handshake fails: <c>** Migration failed during final handshake **</c>. The domain's state is undefined:
    /// <c>name--migratedaway</c> (suspended) is left at the source and <c>name--incoming</c> (paused) at the destination.
    /// </summary>
    FinalHandshake,

    /// <summary>
    /// The sender cannot suspend the guest (fixture 114: <c>Migration failed, failed to suspend at sender.</c>): the
    /// receiver's copy is destroyed and the guest goes on running at the source.
    /// </summary>
    SuspendFailed,

    /// <summary>
    /// The receiver cannot start its copy after the transfer: the sender resumes its own (<c>migration sender: Resumed OK.</c>,
    /// <c>Migration failed due to problems at target.</c>). The guest runs at the source.
    /// </summary>
    TargetFailed,

    /// <summary>The source's ssh cannot reach the destination (fixture 278): nothing moves.</summary>
    Unreachable,
}

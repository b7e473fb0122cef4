using System.Management.Automation;
using XenPS.Operations;

namespace XenPS.Commands;

/// <summary>
/// The base of Invoke-XenMigration and Test-XenMigration: the destinations, how the source host reaches them
/// (<c>-DestinationAddress</c>, <c>-DestinationPort</c>, <c>-DestinationUser</c>, validated into xl's route), and
/// <c>-ConfigPath</c>.
/// </summary>
public abstract class XenMigrationCmdlet : XenDomainWorkCmdlet
{
    private MigrationOperations? _operations;

    /// <summary>
    /// The hosts to migrate to (connections from Connect-XenHost, or their names). With several, each guest goes to
    /// the one that passes its prechecks and has the most free memory after the guests placed before it.
    /// </summary>
    [Parameter(Mandatory = true)]
    [XenHostTransformation]
    [ArgumentCompleter(typeof(XenHostNameCompleter))]
    [ValidateNotNullOrEmpty]
    public XenHostConnection[] Destination { get; set; } = [];

    /// <summary>The address at which the source host reaches the destination by ssh (a host name or an IP address). Default: the destination connection's computer name. Setting it always takes the ssh path, even to the source host itself (localhost).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? DestinationAddress { get; set; }

    /// <summary>The destination's ssh port as the source host reaches it. Default: the destination connection's port (ssh's default when none).</summary>
    [Parameter]
    [ValidateRange(1, 65535)]
    public int? DestinationPort { get; set; }

    /// <summary>The user the source host logs in as at the destination. Default: the destination connection's user (ssh's default when none).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? DestinationUser { get; set; }

    /// <summary>A config file on the source host to send instead of the guest's stored config (xl migrate -C).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ConfigPath { get; set; }

    /// <inheritdoc />
    protected override bool ReadBackResult => false;

    /// <summary>The migration operations, logging to this cmdlet's streams.</summary>
    protected MigrationOperations Operations => _operations ??= new MigrationOperations(LoggerFactory);

    /// <summary>An address, port or user that xl would not be given makes the invocation invalid, before any host is asked.</summary>
    protected override void ValidateInvocation()
    {
        foreach (XenHostConnection d in Destination)
        {
            try
            {
                _ = XenMigrationRoute.For(d, d, DestinationAddress, DestinationPort, DestinationUser);
            }
            catch (XenOperationException ex)
            {
                ThrowXenError(ex, DestinationAddress ?? DestinationUser);
            }
        }
    }

    /// <summary>How the source host of <paramref name="target"/> reaches <paramref name="destination"/>.</summary>
    /// <exception cref="XenOperationException">The address, port or user is not one XenPS passes to xl.</exception>
    protected XenMigrationRoute RouteTo(DomainTarget target, XenHostConnection destination) =>
        XenMigrationRoute.For(target.Host, destination, DestinationAddress, DestinationPort, DestinationUser);
}

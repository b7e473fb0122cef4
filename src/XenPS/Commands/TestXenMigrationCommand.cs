using System.Management.Automation;
using XenPS.Operations;

namespace XenPS.Commands;

/// <summary>
/// <para type="synopsis">Checks whether Xen guests can live-migrate to other hosts, and lists every problem with a stable Id (as Hyper-V's Compare-VM does).</para>
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "XenMigration", DefaultParameterSetName = ByInputObject)]
[OutputType(typeof(XenMigrationCheck))]
public sealed class TestXenMigrationCommand : XenMigrationCmdlet
{
    /// <inheritdoc />
    protected override string ActionPhrase => "Check the migration of";

    /// <inheritdoc />
    protected override string ProgressActivity => "Check Xen migrations";

    /// <inheritdoc />
    protected override async Task<object?> WorkAsync(DomainTarget target, CancellationToken cancellationToken)
    {
        var checks = new List<XenMigrationCheck>();
        foreach (XenHostConnection d in Destination)
        {
            checks.Add(await Operations.CheckAsync(target, d, RouteTo(target, d), ConfigPath, cancellationToken).ConfigureAwait(false));
        }

        return checks;
    }
}

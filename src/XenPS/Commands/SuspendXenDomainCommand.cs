using System.Management.Automation;
using XenPS.Operations;

namespace XenPS.Commands;

/// <summary>
/// <para type="synopsis">Pauses Xen domains (xl pause): they keep their memory and stop being scheduled.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Suspend, "XenDomain", DefaultParameterSetName = ByInputObject, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(XenDomain))]
public sealed class SuspendXenDomainCommand : XenBulkDomainCmdlet
{
    /// <inheritdoc />
    protected override string? Dom0Refusal => "pause";

    /// <inheritdoc />
    protected override string ActionPhrase => ActionText.Phrase(DomainAction.Suspend);

    /// <inheritdoc />
    protected override Task<XenDomain?> ActAsync(DomainTarget target, CancellationToken cancellationToken) =>
        Lifecycle.SuspendAsync(target, cancellationToken);
}

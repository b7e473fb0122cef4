using System.Management.Automation;
using XenPS.Operations;

namespace XenPS.Commands;

/// <summary>
/// <para type="synopsis">Unpauses Xen domains (xl unpause).</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Resume, "XenDomain", DefaultParameterSetName = ByInputObject, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(XenDomain))]
public sealed class ResumeXenDomainCommand : XenBulkDomainCmdlet
{
    /// <inheritdoc />
    protected override string ActionPhrase => ActionText.Phrase(DomainAction.Resume);

    /// <inheritdoc />
    protected override Task<XenDomain?> ActAsync(DomainTarget target, CancellationToken cancellationToken) =>
        Lifecycle.ResumeAsync(target, cancellationToken);
}

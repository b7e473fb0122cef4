using System.Management.Automation;
using XenPS.Operations;

namespace XenPS.Commands;

/// <summary>
/// <para type="synopsis">Starts Xen domains: an Off domain from its config file, a paused one by unpausing it.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Start, "XenDomain", DefaultParameterSetName = ByInputObject, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(XenDomain))]
public sealed class StartXenDomainCommand : XenBulkDomainCmdlet
{
    /// <summary>Start the domain paused (<c>xl create -p</c>); resume it later with Resume-XenDomain.</summary>
    [Parameter]
    public SwitchParameter Paused { get; set; }

    /// <inheritdoc />
    protected override string ActionPhrase => ActionText.Phrase(DomainAction.Start);

    /// <inheritdoc />
    protected override string DescribeAction(DomainTarget target) =>
        $"Start domain '{target.Domain.Name}' on host '{target.Host.Name}'{(Paused ? " paused" : string.Empty)}.";

    /// <inheritdoc />
    protected override Task<XenDomain?> ActAsync(DomainTarget target, CancellationToken cancellationToken) =>
        Lifecycle.StartAsync(target, Paused, cancellationToken);
}

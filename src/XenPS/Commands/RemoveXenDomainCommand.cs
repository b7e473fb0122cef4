using System.Management.Automation;
using XenPS.Operations;

namespace XenPS.Commands;

/// <summary>
/// <para type="synopsis">Removes Xen domains: deletes the config file and autostart link; with -Force destroys a running domain first.</para>
/// </summary>
[Cmdlet(VerbsCommon.Remove, "XenDomain", DefaultParameterSetName = ByInputObject, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(void))]
public sealed class RemoveXenDomainCommand : XenDomainWorkCmdlet
{
    /// <summary>Destroy a running domain before removing it (without it, a running domain is an error). Does not suppress confirmation.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>How many domains are removed at once (default 5).</summary>
    [Parameter]
    [ValidateRange(1, 256)]
    public int ThrottleLimit { get; set; } = 5;

    /// <inheritdoc />
    protected override int Throttle => ThrottleLimit;

    /// <inheritdoc />
    protected override bool WriteResults => false;

    /// <inheritdoc />
    protected override string? Dom0Refusal => "remove";

    /// <inheritdoc />
    protected override string ActionPhrase => ActionText.Phrase(DomainAction.Remove, Force);

    /// <inheritdoc />
    protected override string DescribeAction(DomainTarget target) =>
        $"Remove domain '{target.Domain.Name}' on host '{target.Host.Name}': {(Force ? "destroy it if it runs, then delete" : "delete")} its config file and autostart link.";

    /// <inheritdoc />
    protected override async Task<object?> WorkAsync(DomainTarget target, CancellationToken cancellationToken)
    {
        await Lifecycle.RemoveAsync(target, Force, cancellationToken).ConfigureAwait(false);
        return null;
    }
}

using System.Management.Automation;
using XenPS.Operations;

namespace XenPS.Commands;

/// <summary>
/// <para type="synopsis">Shuts Xen domains down gracefully (xl shutdown), or destroys them with -Force (xl destroy).</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Stop, "XenDomain", DefaultParameterSetName = ByInputObject, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(XenDomain))]
public sealed class StopXenDomainCommand : XenBulkDomainCmdlet
{
    /// <summary>Destroy the domain at once (xl destroy) instead of asking the guest to shut down. Does not suppress confirmation.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Wait until the domain has shut down (xl shutdown -w).</summary>
    [Parameter]
    public SwitchParameter Wait { get; set; }

    /// <summary>With -Wait: the most seconds to wait for each domain; past it the domain's stop is an OperationTimedOut error.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? Timeout { get; set; }

    /// <inheritdoc />
    protected override string? Dom0Refusal => Force ? "destroy" : "shut down";

    /// <inheritdoc />
    protected override string ActionPhrase => ActionText.Phrase(DomainAction.Stop, Force);

    /// <inheritdoc />
    protected override string DescribeAction(DomainTarget target)
    {
        string sentence = Force
            ? $"Destroy domain '{target.Domain.Name}' on host '{target.Host.Name}' (xl destroy: no graceful shutdown)"
            : $"Shut down domain '{target.Domain.Name}' on host '{target.Host.Name}'";

        // An Off domain is left as it is by the run (it is checked again just before acting): say so
        // rather than promise a shutdown that will not happen.
        return target.Domain.State == XenDomainState.Off
            ? sentence + ": it is already off, so nothing will change unless it has started since it was read."
            : sentence + ".";
    }

    /// <inheritdoc />
    protected override void ValidateInvocation()
    {
        if (Timeout is not null && !Wait)
        {
            ThrowXenError(new XenOperationException("TimeoutWithoutWait", XenErrorCategory.InvalidArgument, "-Timeout applies to -Wait: add -Wait, or leave -Timeout out."), Timeout);
        }
    }

    /// <inheritdoc />
    protected override Task<XenDomain?> ActAsync(DomainTarget target, CancellationToken cancellationToken) =>
        Lifecycle.StopAsync(target, Force, Wait, Timeout is int s ? TimeSpan.FromSeconds(s) : null, cancellationToken);
}

using System.Management.Automation;
using XenPS.Operations;

namespace XenPS.Commands;

/// <summary>
/// <para type="synopsis">Reboots Xen domains (xl reboot), or with -Force destroys them and starts them again from their config files.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Restart, "XenDomain", DefaultParameterSetName = ByInputObject, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(XenDomain))]
public sealed class RestartXenDomainCommand : XenBulkDomainCmdlet
{
    /// <summary>Destroy the domain, then start it again from its config file, instead of asking the guest to reboot. Does not suppress confirmation.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Wait until the reboot has happened (xl reboot -w).</summary>
    [Parameter]
    public SwitchParameter Wait { get; set; }

    /// <summary>With -Wait: the most seconds to wait for each domain.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? Timeout { get; set; }

    /// <inheritdoc />
    protected override string? Dom0Refusal => "reboot";

    /// <inheritdoc />
    protected override string ActionPhrase => ActionText.Phrase(DomainAction.Restart, Force);

    /// <inheritdoc />
    protected override string DescribeAction(DomainTarget target) => Force
        ? $"Destroy domain '{target.Domain.Name}' on host '{target.Host.Name}' and start it again from its config file."
        : $"Reboot domain '{target.Domain.Name}' on host '{target.Host.Name}'.";

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
        Lifecycle.RestartAsync(target, Force, Wait, Timeout is int s ? TimeSpan.FromSeconds(s) : null, cancellationToken);
}

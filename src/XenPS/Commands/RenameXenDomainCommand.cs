using System.Management.Automation;
using XenPS.Config;
using XenPS.Operations;

namespace XenPS.Commands;

/// <summary>
/// <para type="synopsis">Renames a Xen domain (xl rename), and its config file with it.</para>
/// </summary>
[Cmdlet(VerbsCommon.Rename, "XenDomain", DefaultParameterSetName = ByInputObject, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(XenDomain))]
public sealed class RenameXenDomainCommand : XenDomainActionCmdlet
{
    private int _count;

    /// <summary>The new name: letters (a-z, A-Z), digits, '-', '_' and '.' only; not starting with '-'; not all digits; not 'Domain-0'. Anything else is refused (InvalidDomainName) before anything changes.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string NewName { get; set; } = string.Empty;

    /// <inheritdoc />
    protected override string? Dom0Refusal => "rename";

    /// <inheritdoc />
    protected override string ActionPhrase => $"Rename to '{NewName}'";

    /// <inheritdoc />
    protected override string DescribeAction(DomainTarget target) =>
        $"Rename domain '{target.Domain.Name}' on host '{target.Host.Name}' to '{NewName}'.";

    /// <inheritdoc />
    protected override void ValidateInvocation()
    {
        if (XenConfigNames.CheckNewDomainName(NewName) is string why)
        {
            ThrowXenError(new XenOperationException("InvalidDomainName", XenErrorCategory.InvalidArgument, why), NewName);
        }
    }

    /// <inheritdoc />
    protected override async Task<XenDomain?> ActAsync(DomainTarget target, CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _count) > 1)
        {
            throw new XenOperationException("AmbiguousRename", XenErrorCategory.InvalidArgument, $"More than one domain was given to rename to '{NewName}'; domain '{target.Domain.Name}' on host '{target.Host.Name}' was not renamed.");
        }

        return await ConfigOperations.RenameAsync(target, NewName, cancellationToken).ConfigureAwait(false);
    }
}

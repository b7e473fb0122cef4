using System.Management.Automation;
using XenPS.Operations;

namespace XenPS.Commands;

/// <summary>
/// <para type="synopsis">Gets Xen domains' configurations: their config files on the host, or with -Running the live configuration (xl list -l).</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "XenDomainConfig", DefaultParameterSetName = ByInputObject)]
[OutputType(typeof(XenDomainConfig))]
public sealed class GetXenDomainConfigCommand : XenDomainWorkCmdlet
{
    /// <summary>The live configuration of the running domain (xl list -l) instead of its config file.</summary>
    [Parameter]
    public SwitchParameter Running { get; set; }

    /// <inheritdoc />
    protected override string ActionPhrase => "Read the configuration of";

    /// <inheritdoc />
    protected override async Task<object?> WorkAsync(DomainTarget target, CancellationToken cancellationToken) =>
        await ConfigOperations.GetConfigAsync(target, Running, cancellationToken).ConfigureAwait(false);
}

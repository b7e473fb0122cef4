using System.Management.Automation;
using XenPS.Operations;

namespace XenPS.Commands;

/// <summary>
/// <para type="synopsis">Waits until Xen domains reach a state (Off also means gone).</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Wait, "XenDomain", DefaultParameterSetName = ByInputObject)]
[OutputType(typeof(XenDomain))]
public sealed class WaitXenDomainCommand : XenDomainActionCmdlet
{
    /// <summary>The state to wait for.</summary>
    [Parameter(Mandatory = true)]
    public XenDomainState State { get; set; }

    /// <summary>The most seconds to wait for each domain; past it, an OperationTimedOut error. Default: no limit (Ctrl+C stops).</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? Timeout { get; set; }

    /// <inheritdoc />
    protected override string ActionPhrase => $"Wait for state {State}";

    /// <inheritdoc />
    protected override int Throttle => 64;

    /// <inheritdoc />
    protected override Task<XenDomain?> ActAsync(DomainTarget target, CancellationToken cancellationToken) =>
        Lifecycle.WaitAsync(target, State, Timeout is int s ? TimeSpan.FromSeconds(s) : null, cancellationToken);
}

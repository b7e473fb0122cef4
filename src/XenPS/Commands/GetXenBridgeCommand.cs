using System.Management.Automation;
using XenPS.Operations;

namespace XenPS.Commands;

/// <summary>
/// <para type="synopsis">Gets the Linux bridges of Xen hosts (/sys/class/net/*/bridge) and the interfaces plugged into each: where a domain's network adapters can go.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "XenBridge")]
[OutputType(typeof(XenBridge))]
public sealed class GetXenBridgeCommand : XenHostCmdlet
{
    /// <summary>Only the bridges of these names; wildcards allowed. A name without wildcards that matches nothing is a BridgeNotFound error.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Name { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        foreach (XenHostConnection host in ResolveHosts())
        {
            IReadOnlyList<XenBridge> bridges;
            try
            {
                bridges = Run(ct => DeviceOperations.GetBridgesAsync(host, ct));
            }
            catch (Exception ex) when (ex is not PipelineStoppedException && !(ex is OperationCanceledException && CancellationToken.IsCancellationRequested))
            {
                WriteXenError(ex, host);
                continue;
            }

            if (Name is null)
            {
                WriteObject(bridges, enumerateCollection: true);
                continue;
            }

            foreach (XenWildcard pattern in Name.Select(XenWildcard.Create))
            {
                var hits = bridges.Where(b => pattern.IsMatch(b.Name)).ToList();
                if (hits.Count == 0 && !pattern.HasWildcards)
                {
                    string has = bridges.Count == 0 ? "it has no bridges" : "its bridges: " + string.Join(", ", bridges.Select(b => b.Name));
                    WriteXenError(new XenOperationException("BridgeNotFound", XenErrorCategory.ObjectNotFound, $"Bridge '{pattern.Literal}' does not exist on host '{host.Name}'; {has}.") { HostName = host.Name }, pattern.Literal);
                }

                WriteObject(hits, enumerateCollection: true);
            }
        }
    }
}

using System.Management.Automation;
using XenPS.Operations;

namespace XenPS.Commands;

/// <summary>
/// <para type="synopsis">Gets the virtual network adapters (vifs) of Xen domains (xl network-list joined with the live config: bridge, model, IP, rate); an Off domain's from its config file.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "XenNetworkAdapter", DefaultParameterSetName = ByInputObject)]
[OutputType(typeof(XenNetworkAdapter))]
public sealed class GetXenNetworkAdapterCommand : XenDeviceListCmdlet
{
    /// <inheritdoc />
    protected override async Task<System.Collections.IEnumerable> ListAsync(DomainTarget target, CancellationToken cancellationToken) =>
        await Devices.GetNetworkAdaptersAsync(target, cancellationToken).ConfigureAwait(false);
}

using System.Management.Automation;
using XenPS.Operations;

namespace XenPS.Commands;

/// <summary>
/// <para type="synopsis">Gets the virtual disks of Xen domains (xl block-list joined with the live config, so each has its target); an Off domain's from its config file.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "XenDisk", DefaultParameterSetName = ByInputObject)]
[OutputType(typeof(XenDisk))]
public sealed class GetXenDiskCommand : XenDeviceListCmdlet
{
    /// <summary>Only the disks at these virtual devices (xvda, hdc, ...); wildcards allowed.</summary>
    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Vdev { get; set; }

    /// <inheritdoc />
    protected override async Task<System.Collections.IEnumerable> ListAsync(DomainTarget target, CancellationToken cancellationToken)
    {
        IReadOnlyList<XenDisk> disks = await Devices.GetDisksAsync(target, cancellationToken).ConfigureAwait(false);
        if (Vdev is null)
        {
            return disks;
        }

        var patterns = Vdev.Select(XenWildcard.Create).ToList();
        return disks.Where(d => patterns.Any(p => p.IsMatch(d.Vdev))).ToList();
    }
}

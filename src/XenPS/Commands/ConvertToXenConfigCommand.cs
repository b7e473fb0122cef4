using System.Management.Automation;

namespace XenPS.Commands;

/// <summary>
/// <para type="synopsis">Writes config objects as xl.cfg text; an edited object changes only the keys that were set.</para>
/// </summary>
[Cmdlet(VerbsData.ConvertTo, "XenConfig")]
[OutputType(typeof(string))]
public sealed class ConvertToXenConfigCommand : XenCmdlet
{
    /// <summary>The config (from ConvertFrom-XenConfig, Get-XenDomainConfig).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ValidateNotNull]
    public XenDomainConfig? InputObject { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord() => WriteObject(InputObject!.ToConfigText());
}

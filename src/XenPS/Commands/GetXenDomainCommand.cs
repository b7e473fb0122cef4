using System.Management.Automation;
using XenPS.Operations;

namespace XenPS.Commands;

/// <summary>
/// <para type="synopsis">Gets Xen domains: running ones (one xl listing per host) and Off ones from the host's config directory.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "XenDomain", DefaultParameterSetName = ByName)]
[OutputType(typeof(XenDomain))]
public sealed class GetXenDomainCommand : XenHostCmdlet
{
    private const string ByName = "Name";
    private const string ById = "Id";
    private const string ByUuid = "Uuid";

    /// <summary>Domain names; wildcards allowed. Default: every domain. A name without wildcards that matches nothing is a non-terminating DomainNotFound error.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ByName)]
    [Alias("DomainName")]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(XenDomainNameCompleter))]
    public string[]? Name { get; set; }

    /// <summary>Domain ids.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ById)]
    public int[] Id { get; set; } = [];

    /// <summary>Domain UUIDs.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ByUuid)]
    public Guid[] Uuid { get; set; } = [];

    /// <summary>Only domains in these states (Running, Paused, Shutdown, Crashed, Dying, Off).</summary>
    [Parameter]
    public XenDomainState[]? State { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        IReadOnlyList<XenHostConnection> hosts = ResolveHosts();
        var selector = new DomainSelector
        {
            Names = ParameterSetName == ByName ? Name : null,
            Ids = ParameterSetName == ById ? Id : null,
            Uuids = ParameterSetName == ByUuid ? Uuid : null,
            States = State,
            IncludeDom0WhenUnfiltered = true,
        };
        foreach (DomainTarget t in SelectDomains(hosts, selector))
        {
            WriteObject(t.Domain);
        }
    }
}

using System.Management.Automation;
using XenPS.Operations;

namespace XenPS.Commands;

/// <summary>
/// <para type="synopsis">Gets Xen domains: running ones (one xl listing per host) and Off ones from the host's config directory.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "XenDomain", DefaultParameterSetName = ByInputObject)]
[OutputType(typeof(XenDomain))]
public sealed class GetXenDomainCommand : XenHostCmdlet
{
    private const string ByName = "Name";
    private const string ById = "Id";
    private const string ByUuid = "Uuid";

    // The default set, with -InputObject optional: no argument lists every domain, and a piped XenDomain
    // binds here by value (so it is refreshed by its identity, not looked up again by its name).
    private const string ByInputObject = "InputObject";

    private readonly DomainLocator _locator = new();

    /// <summary>
    /// Domain names, case-sensitive as xl's; typed as an argument they may carry wildcards (a name that is
    /// also a domain's exact name means that domain only); from the pipeline they are literal. Default: every
    /// domain. A literal name that matches nothing is a non-terminating DomainNotFound error.
    /// </summary>
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

    /// <summary>Domain objects to get again as they are now, each by its identity (UUID, or config file when Off) on its own host: no listing. A domain that is gone is a DomainNotFound error.</summary>
    [Parameter(ValueFromPipeline = true, ParameterSetName = ByInputObject)]
    public XenDomain[]? InputObject { get; set; }

    /// <summary>Only domains in these states (Running, Paused, Shutdown, Crashed, Dying, Off).</summary>
    [Parameter]
    public XenDomainState[]? State { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (ParameterSetName == ByInputObject && InputObject is { Length: > 0 })
        {
            foreach (XenDomain known in InputObject)
            {
                RefreshOne(known);
            }

            return;
        }

        IReadOnlyList<XenHostConnection> hosts = ResolveHosts();
        if (hosts.Count == 0)
        {
            return;
        }

        // A piped connection binds -XenHost (itself) and -Name (its own name) by property name: it means
        // "the domains of this host", never a domain named like the host.
        bool connectionPiped = PipedConnectionAsName() is not null;
        var selector = new DomainSelector
        {
            Names = ParameterSetName == ByName && !connectionPiped ? Name : null,
            NamesAreLiteral = ParameterSetName == ByName && IsFromPipeline(nameof(Name)),
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

    /// <summary>
    /// The connection piped into this record when it bound both <c>-Name</c> and <c>-XenHost</c> by property
    /// name from the same connection object (its Name and its XenHost, itself), or <see langword="null"/>.
    /// </summary>
    private XenHostConnection? PipedConnectionAsName() =>
        ParameterSetName == ByName && IsFromPipeline(nameof(Name)) && IsFromPipeline(nameof(XenHost))
            && XenHost is [XenHostConnection host] && Name is [string name] && string.Equals(host.Name, name, StringComparison.Ordinal)
            ? host
            : null;

    private void RefreshOne(XenDomain known)
    {
        XenHostConnection? host = known.XenHost ?? ResolveHosts().FirstOrDefault();
        if (host is null)
        {
            return;
        }

        if (host.IsClosed)
        {
            WriteXenError(host.Closed(), known);
            return;
        }

        try
        {
            XenDomain? now = Run(async ct =>
            {
                XenDomain? found = await _locator.FindAsync(host, known, fresh: false, ct).ConfigureAwait(false);
                return found is null ? null : await _locator.WithUptimeAsync(host, found, ct).ConfigureAwait(false);
            });
            if (now is null)
            {
                WriteXenError(DomainLocator.Gone(host, known), known);
            }
            else if (State is not { Length: > 0 } || State.Contains(now.State))
            {
                WriteObject(now);
            }
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            WriteXenError(ex, known);
        }
    }
}

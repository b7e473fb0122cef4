using System.Management.Automation;
using XenPS.Operations;

namespace XenPS.Commands;

/// <summary>
/// The base of cmdlets that act on domains: <c>-Name</c> (position 0, wildcards, by value and by
/// property name), <c>-Id</c>, <c>-Uuid</c>, <c>-InputObject</c> (by value), and <c>-XenHost</c>.
/// </summary>
public abstract class XenDomainCmdlet : XenHostCmdlet
{
    /// <summary>Parameter set: domains by name.</summary>
    protected const string ByName = "Name";

    /// <summary>Parameter set: domains by id.</summary>
    protected const string ById = "Id";

    /// <summary>Parameter set: domains by UUID.</summary>
    protected const string ByUuid = "Uuid";

    /// <summary>Parameter set: domain objects.</summary>
    protected const string ByInputObject = "InputObject";

    /// <summary>The domains' names; wildcards allowed. A name without wildcards that matches nothing is a non-terminating DomainNotFound error.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ByName)]
    [Alias("DomainName")]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(XenDomainNameCompleter))]
    public string[] Name { get; set; } = [];

    /// <summary>The domains' ids (domids change on reboot, restore and migration).</summary>
    [Parameter(Mandatory = true, ParameterSetName = ById)]
    public int[] Id { get; set; } = [];

    /// <summary>The domains' UUIDs.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ByUuid)]
    public Guid[] Uuid { get; set; } = [];

    /// <summary>Domain objects (from Get-XenDomain); each acts on the host it came from.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ByInputObject)]
    [ValidateNotNull]
    public XenDomain[] InputObject { get; set; } = [];

    /// <summary>Whether Domain-0 may be a target when no name is given (only listing allows it).</summary>
    protected virtual bool IncludeDom0WhenUnfiltered => false;

    /// <summary>States to keep (Get-XenDomain -State).</summary>
    protected virtual IReadOnlyList<XenDomainState>? StateFilter => null;

    /// <summary>
    /// The domains this record names, on the hosts it names. Not-found names and unreachable hosts
    /// are written as non-terminating errors here; the caller gets what was found.
    /// </summary>
    protected virtual IReadOnlyList<DomainTarget> ResolveTargets()
    {
        if (ParameterSetName == ByInputObject)
        {
            IReadOnlyList<XenHostConnection>? fallback = null;
            var list = new List<DomainTarget>();
            foreach (XenDomain d in InputObject)
            {
                XenHostConnection? host = d.XenHost;
                if (host is null)
                {
                    fallback ??= ResolveHosts();
                    host = fallback[0];
                }

                list.Add(new DomainTarget(host, d));
            }

            return list;
        }

        IReadOnlyList<XenHostConnection> hosts = ResolveHosts();
        var selector = new DomainSelector
        {
            Names = ParameterSetName == ByName ? Name : null,
            Ids = ParameterSetName == ById ? Id : null,
            Uuids = ParameterSetName == ByUuid ? Uuid : null,
            States = StateFilter,
            IncludeDom0WhenUnfiltered = IncludeDom0WhenUnfiltered,
        };
        return SelectDomains(hosts, selector);
    }
}

/// <summary>Completes <c>-Name</c> with the domains of the default connection (or of <c>-XenHost</c> when already typed).</summary>
public sealed class XenDomainNameCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, System.Management.Automation.Language.CommandAst commandAst, System.Collections.IDictionary fakeBoundParameters)
    {
        var hosts = new List<XenHostConnection>();
        if (fakeBoundParameters?["XenHost"] is { } given)
        {
            foreach (object? o in LanguagePrimitives.GetEnumerable(given) ?? new[] { given })
            {
                switch (o is PSObject p ? p.BaseObject : o)
                {
                    case XenHostConnection c:
                        hosts.Add(c);
                        break;
                    case string s:
                        hosts.AddRange(XenSessions.Current.Find(s));
                        break;
                }
            }
        }

        if (hosts.Count == 0 && XenSessions.Current.Default is { } d)
        {
            hosts.Add(d);
        }

        var names = new List<string>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        foreach (XenHostConnection h in hosts)
        {
            try
            {
                names.AddRange(h.Toolstack.ListDomainsAsync(cts.Token).GetAwaiter().GetResult().Select(x => x.Name));
            }
            catch (Exception)
            {
                // Completion must never throw into the user's prompt: an unreachable host completes nothing.
            }
        }

        return Completion.Complete(names, wordToComplete, "Domain");
    }
}

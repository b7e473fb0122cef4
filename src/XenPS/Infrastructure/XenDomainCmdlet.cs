using System.Management.Automation;
using XenPS.Operations;

namespace XenPS.Commands;

/// <summary>
/// The base of cmdlets that act on domains: <c>-Name</c> (position 0, wildcards, by value and by
/// property name), <c>-Id</c>, <c>-Uuid</c>, <c>-InputObject</c> (by value), and <c>-XenHost</c>.
/// </summary>
/// <remarks>
/// Identity rules every derived cmdlet inherits:
/// <list type="bullet">
/// <item>A derived cmdlet declares <c>DefaultParameterSetName = ByInputObject</c>, so that a piped
/// <see cref="XenDomain"/> binds to <c>-InputObject</c> by value (with the name set as default, PowerShell
/// binds the object's Name by property name first, and the object would be looked up again by name).
/// A meta-test holds every cmdlet with a XenDomain <c>-InputObject</c> to it.</item>
/// <item>A piped object acts on exactly its own domain on its own host, by identity
/// (<see cref="DomainLocator"/>): no listing.</item>
/// <item>Names typed as arguments are case-sensitive wildcards, except a name that is some domain's exact
/// name; names that come down the pipeline (strings, a CSV row's Name) are literal.</item>
/// </list>
/// </remarks>
public abstract class XenDomainCmdlet : XenHostCmdlet
{
    private DomainLocator? _locator;

    /// <summary>Parameter set: domains by name.</summary>
    protected const string ByName = "Name";

    /// <summary>Parameter set: domains by id.</summary>
    protected const string ById = "Id";

    /// <summary>Parameter set: domains by UUID.</summary>
    protected const string ByUuid = "Uuid";

    /// <summary>Parameter set: domain objects.</summary>
    protected const string ByInputObject = "InputObject";

    /// <summary>
    /// The domains' names, case-sensitive as xl's. Typed as an argument a name may carry wildcards (a name
    /// that is also a domain's exact name means that domain only); from the pipeline it is literal. A
    /// literal name that matches nothing is a non-terminating DomainNotFound error.
    /// </summary>
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

    /// <summary>Whether the work needs the domain as it is afterwards (a targeted read after the action); <c>-PassThru</c> for the action verbs.</summary>
    protected virtual bool ReadBackResult => true;

    /// <summary>This command's locator: a host is listed at most once per command to find objects by identity.</summary>
    protected DomainLocator Locator => _locator ??= new DomainLocator();

    /// <summary>
    /// The domains this record names, on the hosts it names. Not-found names and unreachable hosts
    /// are written as non-terminating errors here; the caller gets what was found.
    /// </summary>
    protected virtual IReadOnlyList<DomainTarget> ResolveTargets()
    {
        if (ParameterSetName == ByInputObject)
        {
            // An object is its identity: no lookup here; the work finds it by UUID (or config file) just before acting.
            IReadOnlyList<XenHostConnection>? fallback = null;
            var list = new List<DomainTarget>();
            foreach (XenDomain d in InputObject)
            {
                XenHostConnection? host = d.XenHost;
                if (host is null)
                {
                    fallback ??= ResolveHosts();
                    if (fallback.Count == 0)
                    {
                        continue;
                    }

                    host = fallback[0];
                }

                list.Add(new DomainTarget(host, d) { Locator = Locator, ReadBack = ReadBackResult });
            }

            return list;
        }

        IReadOnlyList<XenHostConnection> hosts = ResolveHosts();
        if (hosts.Count == 0)
        {
            return [];
        }

        var selector = new DomainSelector
        {
            Names = ParameterSetName == ByName ? Name : null,
            NamesAreLiteral = ParameterSetName == ByName && IsFromPipeline(nameof(Name)),
            Ids = ParameterSetName == ById ? Id : null,
            Uuids = ParameterSetName == ByUuid ? Uuid : null,
            States = StateFilter,
            IncludeDom0WhenUnfiltered = IncludeDom0WhenUnfiltered,
        };
        return SelectDomains(hosts, selector).Select(t => t with { Locator = Locator, ReadBack = ReadBackResult }).ToList();
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

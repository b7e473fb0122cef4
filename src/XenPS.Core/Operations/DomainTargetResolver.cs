using XenPS.Toolstack;

namespace XenPS.Operations;

/// <summary>A domain to act on, and the host it is on.</summary>
/// <param name="Host">The connection.</param>
/// <param name="Domain">The domain as last seen (listed, or the object that was piped).</param>
public sealed record DomainTarget(XenHostConnection Host, XenDomain Domain)
{
    /// <summary>
    /// What xl is given to name the domain: the domid of a running domain (never a name that could read as
    /// an option or match another domain), the name of an Off one (which xl is not given: Off domains are
    /// reached through their config files).
    /// </summary>
    public string Reference => Domain.Id is int id ? id.ToString(System.Globalization.CultureInfo.InvariantCulture) : Domain.Name;

    /// <summary>The command's locator (one listing per host per command at most); a new one when not set.</summary>
    public DomainLocator? Locator { get; init; }

    /// <summary>Whether the caller wants the domain as it is afterwards (<c>-PassThru</c>): a targeted read after the action. Default true.</summary>
    public bool ReadBack { get; init; } = true;

    /// <summary>
    /// This target with the domain as it is now, found by its identity (<see cref="DomainLocator"/>); every
    /// verb calls it just before acting.
    /// </summary>
    /// <exception cref="XenDomainNotFoundException">The domain is gone: the error names its name, id and host.</exception>
    public async Task<DomainTarget> CurrentAsync(CancellationToken cancellationToken)
    {
        XenDomain now = await FindAsync(fresh: false, cancellationToken).ConfigureAwait(false) ?? throw DomainLocator.Gone(Host, Domain);
        return this with { Domain = now };
    }

    /// <summary>The domain as it is now (a fresh targeted read), or <see langword="null"/> when it is gone.</summary>
    public Task<XenDomain?> FindAsync(bool fresh, CancellationToken cancellationToken) =>
        (Locator ?? new DomainLocator()).FindAsync(Host, Domain, fresh, cancellationToken);

    /// <summary>
    /// <paramref name="domain"/> (this target's domain as an action left it) with its uptime when <see cref="ReadBack"/>
    /// (<see cref="DomainLocator.WithUptimeAsync"/>); unchanged, with no call, otherwise.
    /// </summary>
    public Task<XenDomain> WithUptimeAsync(XenDomain domain, CancellationToken cancellationToken) =>
        ReadBack ? (Locator ?? new DomainLocator()).WithUptimeAsync(Host, domain, cancellationToken) : Task.FromResult(domain);

    /// <summary>
    /// The domain after an action: a targeted read when <see cref="ReadBack"/>, with its uptime when it runs
    /// (<see cref="DomainLocator.WithUptimeAsync"/>: one <c>xl uptime</c> per host per command), else
    /// <see langword="null"/> (nothing read).
    /// </summary>
    public async Task<XenDomain?> AfterAsync(CancellationToken cancellationToken)
    {
        if (!ReadBack)
        {
            return null;
        }

        DomainLocator locator = Locator ?? new DomainLocator();
        XenDomain? now = await locator.FindAsync(Host, Domain, fresh: true, cancellationToken).ConfigureAwait(false);
        return now is null ? null : await locator.WithUptimeAsync(Host, now, cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>What a cmdlet was asked to act on: names (wildcards), ids, UUIDs or domain objects.</summary>
public sealed class DomainSelector
{
    /// <summary>
    /// Names or wildcard patterns, matched case-sensitively as xl matches names. A pattern that is also the
    /// exact name of a domain (on any host searched) means that domain only.
    /// </summary>
    public IReadOnlyList<string>? Names { get; init; }

    /// <summary>
    /// Whether <see cref="Names"/> are literal names, never patterns: names that came down the pipeline
    /// (strings, a CSV row's Name column) rather than typed as an argument.
    /// </summary>
    public bool NamesAreLiteral { get; init; }

    /// <summary>Domain ids.</summary>
    public IReadOnlyList<int>? Ids { get; init; }

    /// <summary>Domain UUIDs.</summary>
    public IReadOnlyList<Guid>? Uuids { get; init; }

    /// <summary>Only domains in these states (<c>Get-XenDomain -State</c>).</summary>
    public IReadOnlyList<XenDomainState>? States { get; init; }

    /// <summary>
    /// Whether Domain-0 can be selected by no filter or by a wildcard (listing: yes; the verbs that change
    /// domains: no, so <c>Stop-XenDomain *</c> means every guest). Naming it literally (<c>Domain-0</c>, id 0)
    /// always selects it.
    /// </summary>
    public bool IncludeDom0WhenUnfiltered { get; init; } = true;
}

/// <summary>The domains found and the names/ids that matched nothing (each a <see cref="XenDomainNotFoundException"/>).</summary>
/// <param name="Targets">The domains, host by host, in list order.</param>
/// <param name="NotFound">One error per literal name, id or UUID that matched no domain on any host.</param>
public sealed record DomainResolution(IReadOnlyList<DomainTarget> Targets, IReadOnlyList<XenDomainNotFoundException> NotFound)
{
    /// <summary>Hosts that could not be listed, with why; the others were still searched.</summary>
    public IReadOnlyList<HostFailure> HostErrors { get; init; } = [];
}

/// <summary>A host that failed, and the failure.</summary>
/// <param name="Host">The connection.</param>
/// <param name="Error">What went wrong.</param>
public sealed record HostFailure(XenHostConnection Host, Exception Error);

/// <summary>Turns names with wildcards, ids and UUIDs into domains across one or more hosts, with one listing per host.</summary>
public static class DomainTargetResolver
{
    /// <summary>Lists each host once and selects the domains <paramref name="selector"/> names.</summary>
    /// <remarks>
    /// A literal name (no wildcard), id or UUID that matches nothing on every host is a
    /// <see cref="XenDomainNotFoundException"/> in <see cref="DomainResolution.NotFound"/>; a
    /// wildcard that matches nothing is not an error (PowerShell's convention). A host that cannot be
    /// listed is reported in <see cref="DomainResolution.HostErrors"/> and the others are still searched.
    /// </remarks>
    public static async Task<DomainResolution> ResolveAsync(
        IReadOnlyList<XenHostConnection> hosts,
        DomainSelector selector,
        CancellationToken cancellationToken)
    {
        // Hosts are listed concurrently; one that fails is reported and the others still count.
        var listings = await Task.WhenAll(hosts.Select(async h =>
        {
            try
            {
                return (Host: h, Domains: await h.Toolstack.ListDomainsAsync(cancellationToken).ConfigureAwait(false), Error: (Exception?)null);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return (Host: h, Domains: (IReadOnlyList<XenDomain>)Array.Empty<XenDomain>(), Error: ex);
            }
        })).ConfigureAwait(false);

        var ok = listings.Where(l => l.Error is null).Select(l => (l.Host, l.Domains)).ToList();
        DomainResolution r = Select(ok, selector);
        var failures = listings.Where(l => l.Error is not null).Select(l => new HostFailure(l.Host, l.Error!)).ToList();
        if (ok.Count == 0)
        {
            // Nothing could be searched: "not found" would be a lie; the host errors say why.
            return new DomainResolution([], []) { HostErrors = failures };
        }

        return r with { HostErrors = failures };
    }

    /// <summary>Selects from listings already made (pure; unit-tested).</summary>
    public static DomainResolution Select(IReadOnlyList<(XenHostConnection Host, IReadOnlyList<XenDomain> Domains)> listings, DomainSelector selector)
    {
        // Names are xl's: case-sensitive. A pattern that is some domain's exact name means that domain only
        // ('web*' names the domain 'web*', not web1 and web2), and piped names are never patterns.
        var allNames = new HashSet<string>(listings.SelectMany(l => l.Domains.Select(d => d.Name)), StringComparer.Ordinal);
        var wildcards = (selector.Names ?? [])
            .Select(n => selector.NamesAreLiteral || allNames.Contains(n) ? XenWildcard.ForLiteral(n) : XenWildcard.Create(n, caseSensitive: true))
            .ToList();
        var ids = selector.Ids ?? [];
        var uuids = selector.Uuids ?? [];
        bool unfiltered = wildcards.Count == 0 && ids.Count == 0 && uuids.Count == 0;

        var targets = new List<DomainTarget>();
        var seen = new HashSet<(XenHostConnection, string)>();
        var matchedLiteral = new HashSet<int>();
        var matchedId = new HashSet<int>();
        var matchedUuid = new HashSet<Guid>();

        foreach ((XenHostConnection host, IReadOnlyList<XenDomain> domains) in listings)
        {
            foreach (XenDomain d in domains)
            {
                bool dom0Hidden = !selector.IncludeDom0WhenUnfiltered && d.Id == 0;
                bool hit = unfiltered && !dom0Hidden;
                for (int i = 0; i < wildcards.Count; i++)
                {
                    if (wildcards[i].IsMatch(d.Name) && !(dom0Hidden && wildcards[i].HasWildcards))
                    {
                        hit = true;
                        matchedLiteral.Add(i);
                    }
                }

                if (d.Id is int id && ids.Contains(id))
                {
                    hit = true;
                    matchedId.Add(id);
                }

                if (d.Uuid is Guid u && uuids.Contains(u))
                {
                    hit = true;
                    matchedUuid.Add(u);
                }

                if (hit && selector.States is { Count: > 0 } states && !states.Contains(d.State))
                {
                    hit = false;
                }

                if (hit && seen.Add((host, d.Id?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? d.ConfigPath ?? d.Name)))
                {
                    targets.Add(new DomainTarget(host, d));
                }
            }
        }

        string hostNames = string.Join("', '", listings.Select(l => l.Host.Name));
        var notFound = new List<XenDomainNotFoundException>();
        for (int i = 0; i < wildcards.Count; i++)
        {
            if (!wildcards[i].HasWildcards && !matchedLiteral.Contains(i))
            {
                notFound.Add(new XenDomainNotFoundException(wildcards[i].Literal, hostNames));
            }
        }

        notFound.AddRange(ids.Where(i => !matchedId.Contains(i)).Distinct().Select(i => new XenDomainNotFoundException(i.ToString(System.Globalization.CultureInfo.InvariantCulture), hostNames)));
        notFound.AddRange(uuids.Where(u => !matchedUuid.Contains(u)).Distinct().Select(u => new XenDomainNotFoundException(u.ToString(), hostNames)));
        return new DomainResolution(targets, notFound);
    }
}

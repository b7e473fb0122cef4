using XenPS.Toolstack;

namespace XenPS.Operations;

/// <summary>A domain to act on, and the host it is on.</summary>
/// <param name="Host">The connection.</param>
/// <param name="Domain">The domain as last listed.</param>
public sealed record DomainTarget(XenHostConnection Host, XenDomain Domain)
{
    /// <summary>What xl is given to name the domain (its name).</summary>
    public string Reference => Domain.Name;
}

/// <summary>What a cmdlet was asked to act on: names (wildcards), ids, UUIDs or domain objects.</summary>
public sealed class DomainSelector
{
    /// <summary>Names or wildcard patterns.</summary>
    public IReadOnlyList<string>? Names { get; init; }

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
        var wildcards = (selector.Names ?? []).Select(XenWildcard.Create).ToList();
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

                if (hit && seen.Add((host, d.Name)))
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

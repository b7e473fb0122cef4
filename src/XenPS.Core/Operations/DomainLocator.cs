using System.Collections.Concurrent;
using System.Globalization;
using XenPS.Toolstack;

namespace XenPS.Operations;

/// <summary>
/// Finds the domain an object stands for, as it is now, by its identity, never by a new name lookup.
/// One instance serves one command: a host is listed at most once per command, and only when an
/// object's domid no longer belongs to it.
/// </summary>
/// <remarks>
/// The identity of a running domain is its UUID (Domain-0's is its id 0): one targeted call
/// (<see cref="IXenToolstack.FindRunningDomainAsync"/>) confirms that the object's domid still carries
/// it. The identity of an Off domain is its host and config path
/// (<see cref="IXenToolstack.FindDomainByConfigAsync"/>); "running now" for it means a live domain with
/// that file's name. When a running domain's domid changed hands (a reboot, a restore, a destroy and
/// create), its config file names it (Off now, or started again); only a domain without a config file
/// costs one listing of the host, searched by UUID. Nothing found means the domain is gone.
/// </remarks>
public sealed class DomainLocator
{
    private readonly ConcurrentDictionary<XenHostConnection, Lazy<Task<IReadOnlyList<XenDomain>>>> _listings = new();
    private readonly ConcurrentDictionary<XenHostConnection, Lazy<Task<IReadOnlyDictionary<int, TimeSpan>>>> _uptimes = new();

    /// <summary>How many hosts this command has listed so far.</summary>
    public int Listings => _listings.Count;

    /// <summary>
    /// The domain <paramref name="known"/> stands for as it is now on <paramref name="host"/>, or
    /// <see langword="null"/> when it is gone. The result keeps what <paramref name="known"/> knew that a
    /// targeted read does not carry (config path, autostart, type, maxima) and takes the rest fresh.
    /// </summary>
    /// <param name="host">The object's host.</param>
    /// <param name="known">The object as it was got.</param>
    /// <param name="fresh">List again instead of using this command's listing (a wait polls).</param>
    /// <param name="cancellationToken">Cancels the calls.</param>
    public async Task<XenDomain?> FindAsync(XenHostConnection host, XenDomain known, bool fresh, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(known);
        var ts = host.Toolstack;
        if (known.Id is int id)
        {
            XenDomain? now = await ts.FindRunningDomainAsync(id, cancellationToken).ConfigureAwait(false);
            if (now is not null && IsSame(known, now))
            {
                return Merge(known, now);
            }
        }

        if (known.ConfigPath is string path && known.Id != 0)
        {
            // Off, or the domid changed hands: the object's config file names the domain (targeted reads).
            XenDomain? now = await ts.FindDomainByConfigAsync(path, cancellationToken).ConfigureAwait(false);
            if (now is not null || known.Id is null)
            {
                return now is null ? null : Merge(known, now);
            }
        }

        // A running domain without a config file whose domid changed hands: one listing of the host.
        IReadOnlyList<XenDomain> all = await ListAsync(host, fresh, cancellationToken).ConfigureAwait(false);
        XenDomain? found = Match(all, known);
        return found is null ? null : Merge(known, found);
    }

    /// <summary>
    /// <paramref name="domain"/> with its uptime, when it runs and has none: a targeted read carries no uptime, so
    /// this command reads every uptime of the host once (<c>xl uptime</c>, one call per host whatever the number of
    /// objects) and fills it from there, as a listing does. A domid that reading does not know (a domain started
    /// since) costs one targeted <c>xl uptime &lt;domid&gt;</c>. When xl fails (a domain vanishing mid-call) or does not
    /// name the domain, it stays without one, as in a listing.
    /// </summary>
    /// <param name="host">The domain's host.</param>
    /// <param name="domain">A domain this locator returned (it is this command's own copy, filled in place).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<XenDomain> WithUptimeAsync(XenHostConnection host, XenDomain domain, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(domain);
        if (domain.Id is not int id || domain.Uptime is not null)
        {
            return domain;
        }

        IReadOnlyDictionary<int, TimeSpan> uptimes = await _uptimes
            .GetOrAdd(host, h => new Lazy<Task<IReadOnlyDictionary<int, TimeSpan>>>(() => ReadUptimesAsync(h, cancellationToken)))
            .Value.ConfigureAwait(false);
        if (uptimes.TryGetValue(id, out TimeSpan up))
        {
            domain.Uptime = up;
            return domain;
        }

        return await WithOwnUptimeAsync(host, domain, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// <paramref name="domain"/> with its uptime from one targeted <c>xl uptime &lt;domid&gt;</c>, when it runs and has none
    /// (a domain just created: one call for it, not a reading of the host).
    /// </summary>
    /// <param name="host">The domain's host.</param>
    /// <param name="domain">A domain object the caller owns (filled in place).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public static async Task<XenDomain> WithOwnUptimeAsync(XenHostConnection host, XenDomain domain, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(domain);
        if (domain.Id is not int id || domain.Uptime is not null)
        {
            return domain;
        }

        try
        {
            string domid = id.ToString(CultureInfo.InvariantCulture);
            if ((await host.Toolstack.GetUptimeAsync(domid, cancellationToken).ConfigureAwait(false)).FirstOrDefault(u => u.DomainId == id) is { } one)
            {
                domain.Uptime = one.Uptime;
            }
        }
        catch (XlCommandException)
        {
            // Gone since, or started without a start time: no uptime, as in a listing.
        }

        return domain;
    }

    private static async Task<IReadOnlyDictionary<int, TimeSpan>> ReadUptimesAsync(XenHostConnection host, CancellationToken cancellationToken)
    {
        try
        {
            var byId = new Dictionary<int, TimeSpan>();
            foreach (XenDomainUptime u in await host.Toolstack.GetUptimeAsync(null, cancellationToken).ConfigureAwait(false))
            {
                byId.TryAdd(u.DomainId, u.Uptime);
            }

            return byId;
        }
        catch (XlCommandException)
        {
            // As in a listing: uptime is a nicety, and xl uptime fails when a domain vanishes mid-call.
            return new Dictionary<int, TimeSpan>();
        }
    }

    /// <summary>
    /// The domain in <paramref name="listing"/> that <paramref name="known"/> stands for: the running one
    /// with its UUID, else the one with its config file; never by name (pure; unit-tested).
    /// </summary>
    public static XenDomain? Match(IReadOnlyList<XenDomain> listing, XenDomain known)
    {
        ArgumentNullException.ThrowIfNull(listing);
        ArgumentNullException.ThrowIfNull(known);
        if (known.Id == 0)
        {
            return listing.FirstOrDefault(d => d.Id == 0);
        }

        if (known.Uuid is Guid u && known.Id is not null && listing.FirstOrDefault(d => d.Id is not null && d.Uuid == u) is { } byUuid)
        {
            return byUuid;
        }

        return known.ConfigPath is string path
            ? listing.FirstOrDefault(d => string.Equals(d.ConfigPath, path, StringComparison.Ordinal))
            : null;
    }

    /// <summary>Whether the running domain <paramref name="now"/> (found under <paramref name="known"/>'s domid) is the same domain.</summary>
    public static bool IsSame(XenDomain known, XenDomain now)
    {
        ArgumentNullException.ThrowIfNull(known);
        ArgumentNullException.ThrowIfNull(now);
        if (known.Id == 0 && now.Id == 0)
        {
            return true;
        }

        return known.Uuid is Guid u && now.Uuid is Guid v
            ? u == v
            : string.Equals(known.Name, now.Name, StringComparison.Ordinal);
    }

    /// <summary>The error for an object whose domain is gone: its name, id and host.</summary>
    public static XenDomainNotFoundException Gone(XenHostConnection host, XenDomain known)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(known);
        string what = known.Id is int id
            ? $"id {id.ToString(CultureInfo.InvariantCulture)}{(known.Uuid is Guid u ? ", UUID " + u : string.Empty)}"
            : $"config file '{known.ConfigPath}'";
        return new XenDomainNotFoundException(known.Name, host.Name, $"the domain this object stands for ({what}) no longer exists there. Get-XenDomain shows what the host has now.");
    }

    private Task<IReadOnlyList<XenDomain>> ListAsync(XenHostConnection host, bool fresh, CancellationToken cancellationToken)
    {
        if (fresh)
        {
            return host.Toolstack.ListDomainsAsync(cancellationToken);
        }

        // The first caller's token lists for everyone; a cancelled command cancels them all anyway.
        return _listings.GetOrAdd(host, h => new Lazy<Task<IReadOnlyList<XenDomain>>>(() => h.Toolstack.ListDomainsAsync(cancellationToken))).Value;
    }

    private static XenDomain Merge(XenDomain known, XenDomain now)
    {
        XenDomain d = now.Clone();
        d.ConfigPath ??= known.ConfigPath;
        if (now.ConfigPath is null || string.Equals(now.ConfigPath, known.ConfigPath, StringComparison.Ordinal))
        {
            d.AutoStart = now.AutoStart || known.AutoStart;
        }

        d.Type ??= known.Type;
        d.MaxMemoryMB ??= known.MaxMemoryMB;
        d.MaxVCpu ??= known.MaxVCpu;
        d.XenHost ??= known.XenHost;
        if (d.HostName.Length == 0)
        {
            d.HostName = known.HostName;
        }

        return d;
    }
}

namespace XenPS.Operations;

/// <summary>Where a domain's save file goes: a file path as given, or <c>&lt;folder&gt;/&lt;name&gt;.save</c> for a folder.</summary>
public static class SavePaths
{
    /// <summary>The save file for <paramref name="target"/> given <paramref name="path"/> on its host.</summary>
    public static async Task<string> ResolveAsync(DomainTarget target, string path, CancellationToken cancellationToken)
    {
        if (path.EndsWith('/'))
        {
            return path + target.Domain.Name + ".save";
        }

        var parent = path.LastIndexOf('/') is int i and > 0 ? path[..i] : "/";
        string name = path[(path.LastIndexOf('/') + 1)..];
        IReadOnlyList<XenHostFileEntry> entries;
        try
        {
            entries = await target.Host.Toolstack.ListDirectoryAsync(parent, cancellationToken).ConfigureAwait(false);
        }
        catch (XenException)
        {
            return path; // xl reports a missing folder in its own words.
        }

        return entries.Any(e => e.IsDirectory && e.Name == name) ? path + "/" + target.Domain.Name + ".save" : path;
    }
}

/// <summary>
/// The save files one command has already written or is writing, by host: a second domain aimed at
/// the same file in the same command (<c>Get-XenDomain web* | Save-XenDomain -Path all.save</c>) is
/// refused before xl runs, so the first domain's memory image is never saved over. Thread-safe: a
/// throttled command saves several domains at once.
/// </summary>
public sealed class SaveFileClaims
{
    private readonly Dictionary<(string Host, string Path), string> _owners = new();
    private readonly Dictionary<(string Host, string Path), string> _reserved = new();
    private readonly object _sync = new();

    /// <summary>
    /// Notes, in pipeline order, the path as given for <paramref name="target"/>: when it names a file (not a
    /// folder), the first domain that reserved it owns it, even if a later domain's save reaches the host first
    /// (a throttled command runs saves in any order).
    /// </summary>
    public void Reserve(DomainTarget target, string givenPath)
    {
        lock (_sync)
        {
            _reserved.TryAdd((target.Host.Name, Normalize(givenPath)), target.Domain.Name);
        }
    }

    /// <summary>Claims <paramref name="path"/> on the target's host for its domain; throws <c>SaveFileInUse</c> when another domain of this command has it.</summary>
    public void Claim(DomainTarget target, string path)
    {
        var key = (target.Host.Name, Normalize(path));
        lock (_sync)
        {
            if ((_owners.TryGetValue(key, out string? owner) || _reserved.TryGetValue(key, out owner)) && owner != target.Domain.Name)
            {
                throw new XenOperationException(
                    "SaveFileInUse", XenErrorCategory.ResourceExists,
                    $"Domain '{target.Domain.Name}' on host '{target.Host.Name}' was not saved: '{path}' is the save file of domain '{owner}' in this command, and saving over it would lose that domain's memory image. " +
                    $"Domain '{target.Domain.Name}' is left as it was. Give a folder (each domain is saved to <folder>/<name>.save) or a file per domain.")
                {
                    HostName = target.Host.Name,
                    Domain = target.Domain.Name,
                };
            }

            _owners[key] = target.Domain.Name;
        }
    }

    // Paths on the host as xl opens them: "/a//b/./c" and "/a/b/c" are one file.
    private static string Normalize(string path)
    {
        var parts = new List<string>();
        foreach (string p in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (p == ".")
            {
                continue;
            }

            if (p == ".." && parts.Count > 0)
            {
                parts.RemoveAt(parts.Count - 1);
                continue;
            }

            parts.Add(p);
        }

        return (path.StartsWith('/') ? "/" : string.Empty) + string.Join('/', parts);
    }
}

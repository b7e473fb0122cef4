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

namespace XenPS.Simulation;

/// <summary>The simulated host's file system: absolute POSIX paths in the host's state.</summary>
internal static class SimFileSystem
{
    public static readonly string[] InitialFolders = ["/", "/boot", "/etc", "/etc/xen", "/etc/xen/auto", "/var", "/var/lib", "/var/lib/xen", "/var/lib/xen/images", "/var/lib/xen/save", "/tmp"];

    public static void Initialise(HostState host)
    {
        foreach (string folder in InitialFolders)
        {
            host.Files[folder] = new FileNode { Kind = FileNodeKind.Directory };
        }

        host.Files["/boot/vmlinuz"] = new FileNode { Kind = FileNodeKind.File, Content = "simulated Linux kernel image\n" };
        host.Files["/boot/initrd.img"] = new FileNode { Kind = FileNodeKind.File, Content = "simulated initial ramdisk\n" };
    }

    /// <summary>Normalises an absolute path (<c>//</c>, <c>.</c>, <c>..</c>, trailing slash); null when it is not absolute.</summary>
    public static string? Normalize(string path)
    {
        if (string.IsNullOrEmpty(path) || path[0] != '/')
        {
            return null;
        }

        var parts = new List<string>();
        foreach (string part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                if (parts.Count > 0)
                {
                    parts.RemoveAt(parts.Count - 1);
                }

                continue;
            }

            parts.Add(part);
        }

        return "/" + string.Join('/', parts);
    }

    public static string Parent(string normalized)
    {
        int slash = normalized.LastIndexOf('/');
        return slash <= 0 ? "/" : normalized[..slash];
    }

    public static string FileName(string normalized) => normalized[(normalized.LastIndexOf('/') + 1)..];

    /// <summary>Follows symbolic links (at most 40, as Linux does) to the node a path names.</summary>
    public static FileNode? Resolve(HostState host, string path, out string resolvedPath)
    {
        resolvedPath = Normalize(path) ?? path;
        for (int hops = 0; hops < 40; hops++)
        {
            if (!host.Files.TryGetValue(resolvedPath, out FileNode? node))
            {
                return null;
            }

            if (node.Kind != FileNodeKind.Link || node.Target is null)
            {
                return node;
            }

            string target = node.Target.StartsWith('/') ? node.Target : Parent(resolvedPath) + "/" + node.Target;
            resolvedPath = Normalize(target) ?? target;
        }

        return null;
    }

    public static bool Exists(HostState host, string path)
    {
        string? normalized = Normalize(path);
        return normalized is not null && host.Files.ContainsKey(normalized);
    }

    public static bool IsFile(HostState host, string path) => Resolve(host, path, out _) is { Kind: FileNodeKind.File };

    public static bool IsDirectory(HostState host, string path) => Resolve(host, path, out _) is { Kind: FileNodeKind.Directory };

    public static string? ReadText(HostState host, string path) => Resolve(host, path, out _) is { Kind: FileNodeKind.File } node ? node.Content : null;

    /// <summary>Writes a file as <c>open(O_TRUNC)</c> does (xl save): through a symbolic link, keeping the mode; false when its folder does not exist (or the path is a folder).</summary>
    public static bool TryWrite(HostState host, string path, string content) =>
        Write(host, path, content, exclusive: false, newMode: "644") == SimWriteResult.Written;

    /// <summary>
    /// XenPS's verified atomic write (XlHostScripts.AtomicWrite) on the simulated host: a symbolic link is written
    /// through, a replaced file keeps its mode, a new one gets <paramref name="newMode"/>; with
    /// <paramref name="exclusive"/> nothing is written when anything (file, link, folder) is at the path.
    /// </summary>
    public static SimWriteResult Write(HostState host, string path, string content, bool exclusive, string newMode)
    {
        string? normalized = Normalize(path);
        if (normalized is null || normalized == "/")
        {
            return SimWriteResult.NoFolder;
        }

        host.Files.TryGetValue(normalized, out FileNode? existing);
        if (exclusive && existing is not null)
        {
            return SimWriteResult.Exists;
        }

        if (existing is { Kind: FileNodeKind.Link })
        {
            // The link stays; its target (which may not exist yet) is what is written.
            existing = Resolve(host, normalized, out normalized);
            if (existing is null && host.Files.ContainsKey(normalized))
            {
                return SimWriteResult.TooManyLinks;
            }
        }

        if (!IsDirectory(host, Parent(normalized)))
        {
            return SimWriteResult.NoFolder;
        }

        if (existing is { Kind: FileNodeKind.Directory })
        {
            return SimWriteResult.IsDirectory;
        }

        host.Files[normalized] = new FileNode { Kind = FileNodeKind.File, Content = content, Mode = existing?.Mode ?? newMode };
        return SimWriteResult.Written;
    }

    public static IEnumerable<string> Children(HostState host, string folder)
    {
        string prefix = folder == "/" ? "/" : folder + "/";
        return host.Files.Keys
            .Where(k => k.Length > prefix.Length && k.StartsWith(prefix, StringComparison.Ordinal) && k.IndexOf('/', prefix.Length) < 0)
            .OrderBy(k => k, StringComparer.Ordinal);
    }
}

/// <summary>How a simulated file write ended.</summary>
internal enum SimWriteResult
{
    Written,
    Exists,
    NoFolder,
    IsDirectory,
    TooManyLinks,
}

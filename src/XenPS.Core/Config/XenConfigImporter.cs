namespace XenPS.Config;

/// <summary>The outcome of <see cref="XenConfigImporter.Import(XenConfigDocument)"/>.</summary>
public sealed class XenConfigImportResult
{
    internal XenConfigImportResult(XenDomainConfig config, IReadOnlyList<string> warnings)
    {
        Config = config;
        Warnings = warnings;
    }

    /// <summary>The modernised configuration (a new document; the input is not changed).</summary>
    public XenDomainConfig Config { get; }

    /// <summary>One sentence per change made.</summary>
    public IReadOnlyList<string> Warnings { get; }
}

/// <summary>
/// Imports xm-era configurations. xl still reads their old forms, but XenPS writes modern ones:
/// a disk with a deprecated prefix (<c>file:</c>, <c>tap:aio:</c>, <c>phy:</c>, <c>raw:</c>, <c>qcow2:</c>, ...) becomes a
/// keyed spec with <c>format=</c>; <c>builder</c> becomes <c>type</c>; a vfb's <c>type=vnc</c>/<c>type=sdl</c> (which xl
/// ignores) becomes <c>vnc=1</c>/<c>sdl=1</c>. Everything else, comments and layout included, is kept, and each change
/// is reported as a warning.
/// </summary>
public static class XenConfigImporter
{
    /// <summary>Imports xl.cfg text.</summary>
    /// <exception cref="XenConfigException">The text is not valid xl.cfg.</exception>
    public static XenConfigImportResult Import(string text, string? fileName = null) => Import(XenConfigDocument.Parse(text, fileName));

    /// <summary>Imports a document (which is left unchanged).</summary>
    public static XenConfigImportResult Import(XenConfigDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var doc = XenConfigDocument.Parse(document.ToString(), document.FileName);
        var warnings = new List<string>();

        if (doc.Get("disk") is { Kind: XenConfigValueKind.List } disks)
        {
            var items = new List<XenConfigValue>();
            bool changed = false;
            int index = 0;
            foreach (var item in disks.Items)
            {
                index++;
                if (item.Kind == XenConfigValueKind.String && XenDiskSpec.TryParse(item.Text!, out var spec, out _) && spec!.DeprecatedPrefix is string prefix)
                {
                    string modern;
                    try
                    {
                        modern = spec.ToSpecString(true);
                    }
                    catch (ArgumentException ex)
                    {
                        warnings.Add($"disk {index}: `{item.Text}' kept as written: it cannot be rewritten in the keyed form ({ex.Message})");
                        items.Add(item);
                        continue;
                    }

                    warnings.Add($"disk {index}: `{item.Text}' rewritten as `{modern}' (the `{prefix}' prefix is deprecated; the format is now explicit)");
                    items.Add(XenConfigValue.FromString(modern));
                    changed = true;
                }
                else
                {
                    items.Add(item);
                }
            }

            if (changed)
            {
                doc.Set("disk", XenConfigValue.FromList(items));
            }
        }

        if (doc.Get("builder")?.AsString() is string builder)
        {
            var bt = XenDomainConfig.ParseBuilderName(builder);
            var existing = doc.Get("type")?.AsString();
            if (bt is not null && existing is null)
            {
                string type = bt.Value.ToString().ToLowerInvariant();
                doc.RenameKey("builder", "type");
                doc.Set("type", XenConfigValue.FromString(type));
                warnings.Add($"`builder = \"{builder}\"' rewritten as `type = \"{type}\"' (builder is deprecated since Xen 4.10)");
            }
            else if (bt is not null && existing is not null && XenDomainConfig.ParseTypeName(existing) == bt)
            {
                doc.Remove("builder");
                warnings.Add($"`builder = \"{builder}\"' removed: `type = \"{existing}\"' already says the same (builder is deprecated since Xen 4.10)");
            }
        }

        if (doc.Get("vfb") is { Kind: XenConfigValueKind.List } vfbs)
        {
            var items = new List<XenConfigValue>();
            bool changed = false;
            int index = 0;
            foreach (var item in vfbs.Items)
            {
                index++;
                if (item.Kind == XenConfigValueKind.String && ModernVfb(item.Text!) is string modern)
                {
                    warnings.Add($"vfb {index}: `{item.Text}' rewritten as `{modern}' (xl ignores xm's type=vnc/type=sdl)");
                    items.Add(XenConfigValue.FromString(modern));
                    changed = true;
                }
                else
                {
                    items.Add(item);
                }
            }

            if (changed)
            {
                doc.Set("vfb", XenConfigValue.FromList(items));
            }
        }

        return new XenConfigImportResult(XenDomainConfig.FromDocument(doc, document.FileName), warnings);
    }

    private static string? ModernVfb(string spec)
    {
        var parts = spec.Split(',').ToList();
        int i = parts.FindIndex(p => p.TrimStart(' ') is "type=vnc" or "type=sdl");
        if (i < 0)
        {
            return null;
        }

        string kind = parts[i].TrimStart(' ')["type=".Length..];
        bool already = parts.Any(p => p.TrimStart(' ').StartsWith(kind + "=", StringComparison.Ordinal));
        if (already)
        {
            parts.RemoveAt(i);
        }
        else
        {
            parts[i] = kind + "=1";
        }

        return string.Join(",", parts);
    }
}

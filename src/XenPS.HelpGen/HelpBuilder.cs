using System.Text;

namespace XenPS.HelpGen;

/// <summary>Turns a folder of help sources into the module's help folder.</summary>
internal static class HelpBuilder
{
    /// <summary>The MAML file name every page's front matter names.</summary>
    public const string MamlFileName = "XenPS.dll-Help.xml";

    /// <summary>
    /// Reads every Verb-Noun.md and about_*.md in <paramref name="sourceDir"/> and writes the MAML and
    /// the about topics into <paramref name="outDir"/>. Returns every schema error found (all files
    /// are read, so one build shows them all); nothing is written when there is one.
    /// </summary>
    public static List<HelpSchemaException> Build(string sourceDir, string outDir, TextWriter log)
    {
        var errors = new List<HelpSchemaException>();
        var commands = new List<CommandHelp>();
        var abouts = new List<(string Name, string Text)>();
        foreach (var path in Directory.EnumerateFiles(sourceDir, "*.md").Order(StringComparer.Ordinal))
        {
            var file = Path.GetFileName(path);
            try
            {
                var source = MarkdownSource.Load(path);
                if (file.StartsWith("about_", StringComparison.Ordinal))
                {
                    abouts.Add((Path.GetFileNameWithoutExtension(file) + ".help.txt", AboutTopic.Convert(source)));
                }
                else if (file.Contains('-', StringComparison.Ordinal))
                {
                    commands.Add(CommandPageParser.Parse(source));
                }
                else
                {
                    errors.Add(new HelpSchemaException(path, 1, $"{file} is neither a cmdlet page (Verb-Noun.md) nor an about topic (about_*.md)."));
                }
            }
            catch (HelpSchemaException e)
            {
                errors.Add(e);
            }
        }

        if (errors.Count > 0)
        {
            return errors;
        }

        Directory.CreateDirectory(outDir);
        var utf8 = new UTF8Encoding(false);
        File.WriteAllText(Path.Combine(outDir, MamlFileName), MamlWriter.Write(commands), utf8);
        foreach (var (name, text) in abouts)
        {
            File.WriteAllText(Path.Combine(outDir, name), text, utf8);
        }

        log.WriteLine($"XenPS help: {commands.Count} cmdlet page(s) into {Path.Combine(outDir, MamlFileName)}, {abouts.Count} about topic(s).");
        return errors;
    }
}

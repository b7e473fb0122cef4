using System.Text.RegularExpressions;

namespace XenPS.HelpGen;

/// <summary>
/// Reads a cmdlet page in the Microsoft.PowerShell.PlatyPS 1.x markdown schema (schema version
/// 2024-05-01) and refuses, with file and line, a page that breaks it: the front matter, the
/// headings in order, a fenced block per syntax set, an example's ```powershell code, a yaml
/// block per parameter, and parameter sets that agree with the SYNTAX section.
/// </summary>
internal static partial class CommandPageParser
{
    /// <summary>The level-2 headings, in the only order the schema allows.</summary>
    public static readonly string[] SectionOrder =
        ["SYNOPSIS", "SYNTAX", "ALIASES", "DESCRIPTION", "EXAMPLES", "PARAMETERS", "INPUTS", "OUTPUTS", "NOTES", "RELATED LINKS"];

    private static readonly string[] s_frontMatterKeys =
        ["document type", "external help file", "HelpUri", "Locale", "Module Name", "ms.date", "PlatyPS schema version", "title"];

    /// <summary>Reads and checks a page.</summary>
    public static CommandHelp Parse(MarkdownSource source)
    {
        var front = ReadFrontMatter(source, out var bodyStart);
        var titles = source.Sections(bodyStart, source.Lines.Length, 1);
        if (titles.Count != 1)
        {
            throw source.Error(titles.Count == 0 ? bodyStart : titles[1].HeadingIndex, "A cmdlet page has exactly one '# Verb-Noun' title after the front matter.");
        }

        var title = titles[0];
        var before = source.FirstNonBlank(bodyStart, title.HeadingIndex);
        if (before >= 0)
        {
            throw source.Error(before, "Text between the front matter and the '# Verb-Noun' title.");
        }

        var name = title.Title;
        if (!CommandName().IsMatch(name))
        {
            throw source.Error(title.HeadingIndex, $"'# {name}' is not a Verb-Noun cmdlet name.");
        }

        if (front["title"] != name)
        {
            throw source.Error(title.HeadingIndex, $"'# {name}' differs from the front matter's title '{front["title"]}'.");
        }

        var expectedFile = Path.GetFileNameWithoutExtension(source.File);
        if (!string.Equals(expectedFile, name, StringComparison.Ordinal))
        {
            throw source.Error(title.HeadingIndex, $"The page of {name} must be named {name}.md.");
        }

        var sections = CheckSections(source, title);
        Section S(string heading) => sections[heading];

        var synopsis = string.Join(" ", TextBlocks.AsParagraphs(TextBlocks.Parse(source, S("SYNOPSIS").BodyStart, S("SYNOPSIS").BodyEnd)));
        if (synopsis.Length == 0)
        {
            throw source.Error(S("SYNOPSIS").HeadingIndex, "## SYNOPSIS is empty.");
        }

        var syntax = ReadSyntax(source, S("SYNTAX"), name);
        var description = Paragraphs(source, S("DESCRIPTION"));
        if (description.Count == 0)
        {
            throw source.Error(S("DESCRIPTION").HeadingIndex, "## DESCRIPTION is empty.");
        }

        var examples = ReadExamples(source, S("EXAMPLES"));
        var parameters = ReadParameters(source, S("PARAMETERS"), syntax);
        var inputs = ReadTypes(source, S("INPUTS"));
        var outputs = ReadTypes(source, S("OUTPUTS"));
        var notes = Paragraphs(source, S("NOTES"));
        var links = ReadLinks(source, S("RELATED LINKS"));

        return new CommandHelp(name, synopsis, description, syntax, parameters, examples, inputs, outputs, notes, links, front["HelpUri"], front["external help file"]);
    }

    private static Dictionary<string, string> ReadFrontMatter(MarkdownSource source, out int bodyStart)
    {
        if (source.Lines.Length == 0 || source.Lines[0].Trim() != "---")
        {
            throw source.Error(0, "A cmdlet page starts with the '---' of its front matter.");
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var order = new List<(string Key, int Index)>();
        var i = 1;
        for (; i < source.Lines.Length && source.Lines[i].Trim() != "---"; i++)
        {
            var line = source.Lines[i];
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw source.Error(i, $"Front matter line '{line}' is not 'key: value'.");
            }

            var key = line[..colon].Trim();
            if (!s_frontMatterKeys.Contains(key, StringComparer.Ordinal))
            {
                throw source.Error(i, $"Unknown front matter key '{key}'. The keys are: {string.Join(", ", s_frontMatterKeys)}.");
            }

            if (!values.TryAdd(key, ParameterYaml.Scalar(line[(colon + 1)..])))
            {
                throw source.Error(i, $"Front matter key '{key}' is repeated.");
            }

            order.Add((key, i));
        }

        if (i >= source.Lines.Length)
        {
            throw source.Error(0, "The front matter is never closed by a '---' line.");
        }

        foreach (var key in s_frontMatterKeys)
        {
            if (!values.ContainsKey(key))
            {
                throw source.Error(i, $"Front matter key '{key}' is missing.");
            }
        }

        for (var k = 0; k < order.Count; k++)
        {
            if (order[k].Key != s_frontMatterKeys[k])
            {
                throw source.Error(order[k].Index, $"Front matter key '{order[k].Key}' is out of order: PlatyPS writes them as {string.Join(", ", s_frontMatterKeys)}.");
            }
        }

        Expect(source, values, order, "document type", "cmdlet");
        Expect(source, values, order, "PlatyPS schema version", "2024-05-01");
        Expect(source, values, order, "Locale", "en-US");
        Expect(source, values, order, "external help file", "XenPS.dll-Help.xml");
        bodyStart = i + 1;
        return values;
    }

    private static void Expect(MarkdownSource source, Dictionary<string, string> values, List<(string Key, int Index)> order, string key, string expected)
    {
        if (values[key] != expected)
        {
            throw source.Error(order.First(o => o.Key == key).Index, $"Front matter '{key}' is '{values[key]}'; it must be '{expected}'.");
        }
    }

    private static Dictionary<string, Section> CheckSections(MarkdownSource source, Section title)
    {
        var found = source.Sections(title.BodyStart, title.BodyEnd, 2);
        var first = found.Count > 0 ? found[0].HeadingIndex : title.BodyEnd;
        var stray = source.FirstNonBlank(title.BodyStart, first);
        if (stray >= 0)
        {
            throw source.Error(stray, "Text between '# Name' and '## SYNOPSIS'.");
        }

        var result = new Dictionary<string, Section>(StringComparer.Ordinal);
        for (var k = 0; k < SectionOrder.Length; k++)
        {
            var want = SectionOrder[k];
            if (k >= found.Count)
            {
                var after = k == 0 ? "'# Name'" : "## " + SectionOrder[k - 1];
                throw source.Error(title.BodyEnd - 1, $"Section '## {want}' is missing (it comes after {after}).");
            }

            var got = found[k];
            if (got.Title != want)
            {
                var later = Array.IndexOf(SectionOrder, got.Title);
                var message = later < 0
                    ? $"'## {got.Title}' is not a section of the schema; expected '## {want}' here. The sections are, in order: {string.Join(", ", SectionOrder)}."
                    : found.Any(f => f.Title == want)
                        ? $"'## {got.Title}' is out of order: '## {want}' comes first. The sections are, in order: {string.Join(", ", SectionOrder)}."
                        : $"Section '## {want}' is missing: expected here, before '## {got.Title}'.";
                throw source.Error(got.HeadingIndex, message);
            }

            result[want] = got;
        }

        if (found.Count > SectionOrder.Length)
        {
            throw source.Error(found[SectionOrder.Length].HeadingIndex, $"'## {found[SectionOrder.Length].Title}' after '## RELATED LINKS': the schema has no more sections.");
        }

        return result;
    }

    private static List<string> Paragraphs(MarkdownSource source, Section section) =>
        TextBlocks.AsParagraphs(TextBlocks.Parse(source, section.BodyStart, section.BodyEnd)).ToList();

    private static void NoTextBefore(MarkdownSource source, Section section, List<Section> subsections)
    {
        var end = subsections.Count > 0 ? subsections[0].HeadingIndex : section.BodyEnd;
        var stray = source.FirstNonBlank(section.BodyStart, end);
        if (stray >= 0)
        {
            throw source.Error(stray, $"Text under '## {section.Title}' before its first '###' heading.");
        }
    }

    private static List<SyntaxSet> ReadSyntax(MarkdownSource source, Section section, string command)
    {
        var subsections = source.Sections(section.BodyStart, section.BodyEnd, 3);
        NoTextBefore(source, section, subsections);
        if (subsections.Count == 0)
        {
            throw source.Error(section.HeadingIndex, "## SYNTAX has no '### <ParameterSetName>' (or '### __AllParameterSets').");
        }

        var sets = new List<SyntaxSet>();
        foreach (var sub in subsections)
        {
            var m = SetHeading().Match(sub.Title);
            if (!m.Success)
            {
                throw source.Error(sub.HeadingIndex, $"'### {sub.Title}' is not a parameter set name ('### Name', '### Name (Default)' or '### __AllParameterSets').");
            }

            var setName = m.Groups[1].Value;
            if (sets.Any(s => s.Name == setName))
            {
                throw source.Error(sub.HeadingIndex, $"Parameter set '{setName}' appears twice in ## SYNTAX.");
            }

            var blocks = TextBlocks.Parse(source, sub.BodyStart, sub.BodyEnd);
            if (blocks.Count != 1 || blocks[0] is not CodeBlock code || code.Info.Length > 0)
            {
                throw source.Error(sub.HeadingIndex, $"'### {sub.Title}' holds exactly one unlabelled ``` block with the syntax line, and nothing else.");
            }

            var text = string.Join(' ', code.Lines.Select(l => l.Trim())).Trim();
            if (!text.StartsWith(command + " ", StringComparison.Ordinal) && text != command)
            {
                throw source.Error(code.Index + 1, $"The syntax of set '{setName}' starts with '{text.Split(' ')[0]}', not with {command}.");
            }

            var order = SyntaxParameter().Matches(text[command.Length..]).Select(p => p.Groups[1].Value).ToList();
            var repeated = order.GroupBy(p => p, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
            if (repeated is not null)
            {
                throw source.Error(code.Index + 1, $"The syntax of set '{setName}' names -{repeated.Key} twice.");
            }

            sets.Add(new SyntaxSet(setName, m.Groups[2].Success, order, code.Index + 1));
        }

        if (sets.Count(s => s.IsDefault) > 1)
        {
            throw source.Error(section.HeadingIndex, "More than one parameter set is marked (Default).");
        }

        if (sets.Any(s => s.Name == "__AllParameterSets") && sets.Count > 1)
        {
            throw source.Error(section.HeadingIndex, "'### __AllParameterSets' is for a cmdlet with a single parameter set; name each set instead.");
        }

        return sets;
    }

    private static List<ExampleHelp> ReadExamples(MarkdownSource source, Section section)
    {
        var subsections = source.Sections(section.BodyStart, section.BodyEnd, 3);
        NoTextBefore(source, section, subsections);
        var examples = new List<ExampleHelp>();
        foreach (var sub in subsections)
        {
            var m = ExampleHeading().Match(sub.Title);
            if (!m.Success)
            {
                throw source.Error(sub.HeadingIndex, $"'### {sub.Title}' is not an example heading ('### Example {examples.Count + 1} - <title>').");
            }

            if (int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) != examples.Count + 1)
            {
                throw source.Error(sub.HeadingIndex, $"'### {sub.Title}' should be Example {examples.Count + 1}: examples are numbered 1, 2, 3 in order.");
            }

            var blocks = TextBlocks.Parse(source, sub.BodyStart, sub.BodyEnd);
            var codeAt = blocks.FindIndex(b => b is CodeBlock c && IsPowerShell(c.Info));
            if (codeAt < 0)
            {
                throw source.Error(sub.HeadingIndex, $"'### {sub.Title}' has no ```powershell block with the example's code.");
            }

            if (blocks.Skip(codeAt + 1).OfType<CodeBlock>().FirstOrDefault(c => IsPowerShell(c.Info)) is { } second)
            {
                throw source.Error(second.Index, $"'### {sub.Title}' has a second ```powershell block: one example, one block of code (put more in another example).");
            }

            var code = (CodeBlock)blocks[codeAt];
            if (code.Lines.All(string.IsNullOrWhiteSpace))
            {
                throw source.Error(code.Index, $"The code of '### {sub.Title}' is empty.");
            }

            var before = blocks.Take(codeAt).ToList();
            if (before.OfType<CodeBlock>().FirstOrDefault() is { } early)
            {
                throw source.Error(early.Index, $"A ``` block before the ```powershell code of '### {sub.Title}': the output comes after the code.");
            }

            var remarks = new List<string>();
            foreach (var block in blocks.Skip(codeAt + 1))
            {
                // The output block is shown as the user sees it: its lines, not indented as code.
                remarks.AddRange(block is CodeBlock { Info: var info } output && string.Equals(info, "Output", StringComparison.OrdinalIgnoreCase)
                    ? [string.Join('\n', output.Lines)]
                    : TextBlocks.AsParagraphs([block]));
            }

            examples.Add(new ExampleHelp(sub.Title, TextBlocks.AsParagraphs(before).ToList(), string.Join('\n', code.Lines).TrimEnd(), remarks, code.Index + 1));
        }

        return examples;
    }

    private static bool IsPowerShell(string info) => string.Equals(info, "powershell", StringComparison.OrdinalIgnoreCase);

    private static List<ParameterHelp> ReadParameters(MarkdownSource source, Section section, List<SyntaxSet> syntax)
    {
        var subsections = source.Sections(section.BodyStart, section.BodyEnd, 3);
        NoTextBefore(source, section, subsections);
        if (subsections.Count == 0 || subsections[^1].Title != "CommonParameters")
        {
            throw source.Error(subsections.Count == 0 ? section.HeadingIndex : subsections[^1].HeadingIndex, "## PARAMETERS ends with '### CommonParameters'.");
        }

        var parameters = new List<ParameterHelp>();
        foreach (var sub in subsections.SkipLast(1))
        {
            if (sub.Title == "CommonParameters")
            {
                throw source.Error(sub.HeadingIndex, "'### CommonParameters' comes last in ## PARAMETERS.");
            }

            var m = ParameterHeading().Match(sub.Title);
            if (!m.Success)
            {
                throw source.Error(sub.HeadingIndex, $"'### {sub.Title}' is not a parameter heading ('### -Name').");
            }

            var name = m.Groups[1].Value;
            if (parameters.Any(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)))
            {
                throw source.Error(sub.HeadingIndex, $"-{name} is documented twice.");
            }

            var blocks = TextBlocks.Parse(source, sub.BodyStart, sub.BodyEnd);
            if (blocks.Count == 0 || blocks[^1] is not CodeBlock { Info: "yaml" } yaml)
            {
                throw source.Error(sub.HeadingIndex, $"'### -{name}' ends with its ```yaml block (Type, DefaultValue, SupportsWildcards, Aliases, ParameterSets, DontShow, AcceptedValues, HelpMessage).");
            }

            var description = TextBlocks.AsParagraphs(blocks.SkipLast(1)).ToList();
            if (description.Count == 0)
            {
                throw source.Error(sub.HeadingIndex, $"'### -{name}' has no description before its yaml block.");
            }

            parameters.Add(Expand(source, ParameterYaml.Parse(source, name, description, yaml, sub.Line), syntax, yaml.Index));
        }

        CheckSyntaxAgrees(source, syntax, parameters);
        return parameters;
    }

    // "(All)" becomes one entry per set of the SYNTAX section; any other set name must be one of them.
    private static ParameterHelp Expand(MarkdownSource source, ParameterHelp parameter, List<SyntaxSet> syntax, int yamlIndex)
    {
        var sets = new List<ParameterSetFacts>();
        foreach (var facts in parameter.Sets)
        {
            if (facts.SetName == "(All)")
            {
                sets.AddRange(syntax.Select(s => facts with { SetName = s.Name }));
            }
            else if (syntax.Any(s => s.Name == facts.SetName))
            {
                sets.Add(facts);
            }
            else
            {
                throw source.Error(yamlIndex, $"-{parameter.Name} is in parameter set '{facts.SetName}', which ## SYNTAX does not have (it has {string.Join(", ", syntax.Select(s => s.Name))}).");
            }
        }

        var twice = sets.GroupBy(s => s.SetName).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null)
        {
            throw source.Error(yamlIndex, $"-{parameter.Name} lists parameter set '{twice.Key}' twice.");
        }

        return parameter with { Sets = sets };
    }

    // The syntax lines are text a person reads; the yaml is what the MAML says. They must agree.
    private static void CheckSyntaxAgrees(MarkdownSource source, List<SyntaxSet> syntax, List<ParameterHelp> parameters)
    {
        foreach (var set in syntax)
        {
            foreach (var shown in set.ParameterOrder)
            {
                var parameter = parameters.FirstOrDefault(p => string.Equals(p.Name, shown, StringComparison.OrdinalIgnoreCase));
                if (parameter is null)
                {
                    throw source.Error(set.Line - 1, $"The syntax of set '{set.Name}' shows -{shown}, which ## PARAMETERS does not document.");
                }

                if (!parameter.Sets.Any(s => s.SetName == set.Name))
                {
                    throw source.Error(set.Line - 1, $"The syntax of set '{set.Name}' shows -{shown}, but its yaml does not put it in that set.");
                }
            }

            foreach (var parameter in parameters.Where(p => p.Sets.Any(s => s.SetName == set.Name)))
            {
                if (!set.ParameterOrder.Contains(parameter.Name, StringComparer.OrdinalIgnoreCase))
                {
                    throw source.Error(parameter.Line - 1, $"-{parameter.Name} is in parameter set '{set.Name}' by its yaml, but the syntax of that set does not show it.");
                }
            }
        }
    }

    private static List<TypeHelp> ReadTypes(MarkdownSource source, Section section)
    {
        var subsections = source.Sections(section.BodyStart, section.BodyEnd, 3);
        NoTextBefore(source, section, subsections);
        return subsections.Select(sub => new TypeHelp(sub.Title, TextBlocks.AsParagraphs(TextBlocks.Parse(source, sub.BodyStart, sub.BodyEnd)).ToList())).ToList();
    }

    private static List<RelatedLink> ReadLinks(MarkdownSource source, Section section)
    {
        var links = new List<RelatedLink>();
        for (var i = section.BodyStart; i < section.BodyEnd; i++)
        {
            var line = source.Lines[i].Trim();
            if (line.Length == 0)
            {
                continue;
            }

            var m = LinkLine().Match(line);
            if (!m.Success)
            {
                throw source.Error(i, $"'{line}' is not a related link ('- [Text](uri)').");
            }

            var uri = m.Groups[2].Value.Trim();
            // A link to another page of this module: Get-Help shows the name, and there is no URL to open.
            links.Add(new RelatedLink(m.Groups[1].Value, uri.Contains("://", StringComparison.Ordinal) ? uri : string.Empty));
        }

        return links;
    }

    [GeneratedRegex(@"^[A-Z][A-Za-z]+-[A-Za-z][A-Za-z0-9]*$")]
    private static partial Regex CommandName();

    [GeneratedRegex(@"^(\S+?)(\s+\(Default\))?$")]
    private static partial Regex SetHeading();

    [GeneratedRegex(@"^Example (\d+)(?:\s*[-:]\s*|\s+)(\S.*)$")]
    private static partial Regex ExampleHeading();

    [GeneratedRegex(@"^-([A-Za-z][A-Za-z0-9]*)$")]
    private static partial Regex ParameterHeading();

    [GeneratedRegex(@"(?<=^|[\s\[])-([A-Za-z][A-Za-z0-9]*)\b")]
    private static partial Regex SyntaxParameter();

    [GeneratedRegex(@"^(?:[-*]\s+)?\[([^\]]+)\]\(([^)]*)\)$")]
    private static partial Regex LinkLine();
}

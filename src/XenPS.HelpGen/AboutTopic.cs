using System.Text;

namespace XenPS.HelpGen;

/// <summary>
/// An about topic in the classic about-topic markdown layout (PlatyPS 1.x has no about schema):
/// '# about_Name', '## SHORT DESCRIPTION', '## LONG DESCRIPTION', any further '## SECTION', and
/// '## SEE ALSO' last; '###' subsections inside a section. Written as the classic about_*.help.txt
/// text Get-Help shows: headings in capitals at the margin, subsection titles at 2, text at 4 and
/// code at 8 columns, wrapped at 80 columns.
/// </summary>
internal static class AboutTopic
{
    /// <summary>The width of the text file.</summary>
    public const int Width = 80;

    /// <summary>The about_*.help.txt text of an about_*.md file.</summary>
    public static string Convert(MarkdownSource source)
    {
        var expected = Path.GetFileNameWithoutExtension(source.File);
        var titles = source.Sections(0, source.Lines.Length, 1);
        if (titles.Count != 1)
        {
            throw source.Error(titles.Count == 0 ? 0 : titles[1].HeadingIndex, $"An about topic has exactly one '# {expected}' title.");
        }

        var title = titles[0];
        var stray = source.FirstNonBlank(0, title.HeadingIndex);
        if (stray >= 0)
        {
            throw source.Error(stray, $"Text before the '# {expected}' title.");
        }

        if (title.Title != expected)
        {
            throw source.Error(title.HeadingIndex, $"The title '# {title.Title}' differs from the file name: it is '# {expected}'.");
        }

        var sections = source.Sections(title.BodyStart, title.BodyEnd, 2);
        var first = sections.Count > 0 ? sections[0].HeadingIndex : title.BodyEnd;
        stray = source.FirstNonBlank(title.BodyStart, first);
        if (stray >= 0)
        {
            throw source.Error(stray, "Text between the title and '## SHORT DESCRIPTION'.");
        }

        Require(source, sections, 0, "SHORT DESCRIPTION", title);
        Require(source, sections, 1, "LONG DESCRIPTION", title);
        if (sections[^1].Title != "SEE ALSO")
        {
            throw source.Error(sections[^1].HeadingIndex, "An about topic ends with '## SEE ALSO'.");
        }

        foreach (var section in sections)
        {
            if (section.Title != section.Title.ToUpperInvariant())
            {
                throw source.Error(section.HeadingIndex, $"'## {section.Title}': section headings of an about topic are in capitals ('## {section.Title.ToUpperInvariant()}').");
            }
        }

        var text = new StringBuilder();
        text.Append("TOPIC\n");
        text.Append("    ").Append(expected).Append("\n\n");
        foreach (var section in sections)
        {
            text.Append(section.Title).Append('\n');
            var subsections = source.Sections(section.BodyStart, section.BodyEnd, 3);
            var leadEnd = subsections.Count > 0 ? subsections[0].HeadingIndex : section.BodyEnd;
            Render(source, TextBlocks.Parse(source, section.BodyStart, leadEnd), 4, text);
            foreach (var sub in subsections)
            {
                // A subsection's title stands out by its indent (2); its text is indented like any section's.
                text.Append("  ").Append(TextBlocks.Inline(sub.Title)).Append('\n');
                Render(source, TextBlocks.Parse(source, sub.BodyStart, sub.BodyEnd), 4, text);
            }
        }

        return text.ToString().TrimEnd('\n') + "\n";
    }

    private static void Require(MarkdownSource source, List<Section> sections, int at, string heading, Section title)
    {
        if (sections.Count <= at || sections[at].Title != heading)
        {
            var where = sections.Count > at ? sections[at].HeadingIndex : title.BodyEnd - 1;
            var previous = at == 0 ? "the title" : "'## " + sections[at - 1].Title + "'";
            throw source.Error(where, $"Section '## {heading}' is missing: it comes right after {previous}.");
        }
    }

    private static void Render(MarkdownSource source, List<Block> blocks, int indent, StringBuilder text)
    {
        var pad = new string(' ', indent);
        foreach (var block in blocks)
        {
            switch (block)
            {
                case Paragraph p:
                    foreach (var line in Wrap(p.Text, Width - indent))
                    {
                        text.Append(pad).Append(line).Append('\n');
                    }

                    break;
                case ListBlock l:
                    foreach (var (marker, item) in l.Items)
                    {
                        var hang = new string(' ', marker.Length + 1);
                        var lines = Wrap(item, Width - indent - hang.Length);
                        for (var k = 0; k < lines.Count; k++)
                        {
                            text.Append(pad).Append(k == 0 ? marker + " " : hang).Append(lines[k]).Append('\n');
                        }
                    }

                    break;
                case CodeBlock c:
                    Verbatim(source, c.Index + 1, c.Lines, indent + 4, text);
                    break;
                case VerbatimBlock v:
                    Verbatim(source, v.Index, v.Lines, indent, text);
                    break;
            }

            text.Append('\n');
        }
    }

    // Code and tables are not reflowed: a line that cannot fit is the author's to break.
    private static void Verbatim(MarkdownSource source, int firstIndex, IReadOnlyList<string> lines, int indent, StringBuilder text)
    {
        for (var k = 0; k < lines.Count; k++)
        {
            var line = lines[k].TrimEnd();
            if (line.Length > 0 && indent + line.Length > Width)
            {
                throw source.Error(firstIndex + k, $"This line is {line.Length} characters; indented by {indent} in the help text it passes {Width} columns. Break it (at most {Width - indent}).");
            }

            text.Append(line.Length == 0 ? string.Empty : new string(' ', indent) + line).Append('\n');
        }
    }

    /// <summary>Words into lines of at most <paramref name="width"/> characters (a longer word gets a line of its own).</summary>
    public static List<string> Wrap(string text, int width)
    {
        var lines = new List<string>();
        var line = new StringBuilder();
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > width)
            {
                lines.Add(line.ToString());
                line.Clear();
            }

            if (line.Length > 0)
            {
                line.Append(' ');
            }

            line.Append(word);
        }

        if (line.Length > 0)
        {
            lines.Add(line.ToString());
        }

        return lines;
    }
}

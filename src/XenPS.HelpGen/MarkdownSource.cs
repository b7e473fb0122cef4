using System.Text.RegularExpressions;

namespace XenPS.HelpGen;

/// <summary>A heading and the lines of its body (0-based, end exclusive), up to the next heading of its level or higher.</summary>
internal sealed record Section(int Level, string Title, int HeadingIndex, int BodyStart, int BodyEnd)
{
    /// <summary>The 1-based line of the heading, for errors.</summary>
    public int Line => HeadingIndex + 1;
}

/// <summary>
/// A markdown file read as lines. Only what the help schemas use is understood: ATX headings,
/// fenced code blocks (``` only), paragraphs, '-'/'*'/numbered lists and '|' tables. Headings
/// inside a fence are text.
/// </summary>
internal sealed partial class MarkdownSource
{
    private MarkdownSource(string file, string[] lines)
    {
        File = file;
        Lines = lines;
    }

    /// <summary>The file, as errors name it.</summary>
    public string File { get; }

    /// <summary>The lines, without line ends.</summary>
    public string[] Lines { get; }

    /// <summary>Reads a file.</summary>
    public static MarkdownSource Load(string path) => Parse(path, System.IO.File.ReadAllText(path));

    /// <summary>Reads markdown text; <paramref name="file"/> is the name errors use.</summary>
    public static MarkdownSource Parse(string file, string text)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Split('\n');
        if (lines.Length > 0 && lines[0].Length > 0 && lines[0][0] == '\uFEFF')
        {
            lines[0] = lines[0][1..];
        }

        return new MarkdownSource(file, lines);
    }

    /// <summary>An error at a 0-based line index.</summary>
    public HelpSchemaException Error(int index, string message) =>
        new(File, Math.Clamp(index + 1, 1, Math.Max(1, Lines.Length)), message);

    /// <summary>True when the line opens or closes a ``` fence.</summary>
    public static bool IsFence(string line) => line.TrimStart().StartsWith("```", StringComparison.Ordinal);

    /// <summary>The headings of exactly <paramref name="level"/> in [start, end); a heading of a higher level there is an error.</summary>
    public List<Section> Sections(int start, int end, int level)
    {
        var found = new List<(int Index, string Title)>();
        var inFence = false;
        var fenceStart = 0;
        for (var i = start; i < end; i++)
        {
            var line = Lines[i];
            if (IsFence(line))
            {
                inFence = !inFence;
                fenceStart = i;
                continue;
            }

            if (inFence)
            {
                continue;
            }

            var m = HeadingPattern().Match(line);
            if (!m.Success)
            {
                continue;
            }

            var hashes = m.Groups[1].Value.Length;
            if (hashes < level)
            {
                throw Error(i, $"'{line.Trim()}' is a level-{hashes} heading inside a level-{level - 1} section; the schema has none here.");
            }

            if (hashes == level)
            {
                found.Add((i, m.Groups[2].Value.Trim()));
            }
        }

        if (inFence)
        {
            throw Error(fenceStart, "This ``` fence is never closed.");
        }

        var sections = new List<Section>(found.Count);
        for (var k = 0; k < found.Count; k++)
        {
            var bodyEnd = k + 1 < found.Count ? found[k + 1].Index : end;
            sections.Add(new Section(level, found[k].Title, found[k].Index, found[k].Index + 1, bodyEnd));
        }

        return sections;
    }

    /// <summary>The first non-blank line index in [start, end), or -1.</summary>
    public int FirstNonBlank(int start, int end)
    {
        for (var i = start; i < end; i++)
        {
            if (!string.IsNullOrWhiteSpace(Lines[i]))
            {
                return i;
            }
        }

        return -1;
    }

    [GeneratedRegex(@"^(#{1,6})\s+(.*?)\s*#*\s*$")]
    private static partial Regex HeadingPattern();
}

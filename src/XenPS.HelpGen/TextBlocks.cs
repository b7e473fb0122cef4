using System.Text;
using System.Text.RegularExpressions;

namespace XenPS.HelpGen;

/// <summary>One block of markdown body text.</summary>
internal abstract record Block(int Index);

/// <summary>A paragraph: its lines joined with spaces (markdown soft breaks), inline markup removed.</summary>
internal sealed record Paragraph(int Index, string Text) : Block(Index);

/// <summary>A list: one entry per item, each item's lines joined, with its marker ("-", "1.").</summary>
internal sealed record ListBlock(int Index, IReadOnlyList<(string Marker, string Text)> Items) : Block(Index);

/// <summary>A fenced code block: the info string ("powershell", "Output", "yaml" or "") and its lines verbatim.</summary>
internal sealed record CodeBlock(int Index, string Info, IReadOnlyList<string> Lines) : Block(Index);

/// <summary>Lines kept exactly as written (a '|' table).</summary>
internal sealed record VerbatimBlock(int Index, IReadOnlyList<string> Lines) : Block(Index);

/// <summary>Splits markdown body text into blocks and renders inline markup as plain text.</summary>
internal static partial class TextBlocks
{
    /// <summary>The blocks of lines [start, end). A heading there is an error: the caller took the ones it allows.</summary>
    public static List<Block> Parse(MarkdownSource source, int start, int end)
    {
        var blocks = new List<Block>();
        var i = start;
        while (i < end)
        {
            var line = source.Lines[i];
            if (string.IsNullOrWhiteSpace(line))
            {
                i++;
                continue;
            }

            if (MarkdownSource.IsFence(line))
            {
                var info = line.Trim()[3..].Trim();
                var open = i;
                var body = new List<string>();
                i++;
                while (i < end && !MarkdownSource.IsFence(source.Lines[i]))
                {
                    body.Add(source.Lines[i]);
                    i++;
                }

                if (i >= end)
                {
                    throw source.Error(open, "This ``` fence is never closed.");
                }

                i++;
                blocks.Add(new CodeBlock(open, info, body));
                continue;
            }

            if (line.TrimStart().StartsWith('#'))
            {
                throw source.Error(i, $"Heading '{line.Trim()}' is not allowed here by the schema.");
            }

            if (line.TrimStart().StartsWith('|'))
            {
                var first = i;
                var rows = new List<string>();
                while (i < end && source.Lines[i].TrimStart().StartsWith('|'))
                {
                    rows.Add(source.Lines[i].TrimEnd());
                    i++;
                }

                blocks.Add(new VerbatimBlock(first, rows));
                continue;
            }

            if (ListMarker().Match(line) is { Success: true })
            {
                var first = i;
                var items = new List<(string, string)>();
                while (i < end && ListMarker().Match(source.Lines[i]) is { Success: true } m)
                {
                    var text = new StringBuilder(m.Groups[2].Value.Trim());
                    i++;
                    while (i < end && IsContinuation(source.Lines[i]))
                    {
                        text.Append(' ').Append(source.Lines[i].Trim());
                        i++;
                    }

                    items.Add((m.Groups[1].Value, Inline(text.ToString())));
                }

                blocks.Add(new ListBlock(first, items));
                continue;
            }

            var start0 = i;
            var para = new StringBuilder();
            while (i < end && !string.IsNullOrWhiteSpace(source.Lines[i]) && !MarkdownSource.IsFence(source.Lines[i])
                   && !ListMarker().IsMatch(source.Lines[i]) && !source.Lines[i].TrimStart().StartsWith('|')
                   && !source.Lines[i].TrimStart().StartsWith('#'))
            {
                if (para.Length > 0)
                {
                    para.Append(' ');
                }

                para.Append(source.Lines[i].Trim());
                i++;
            }

            blocks.Add(new Paragraph(start0, Inline(para.ToString())));
        }

        return blocks;
    }

    // An indented line under a list item continues it (a lazy continuation needs the indent here: keep lists plain).
    private static bool IsContinuation(string line) =>
        line.Length > 0 && (line[0] == ' ' || line[0] == '\t') && !string.IsNullOrWhiteSpace(line)
        && !ListMarker().IsMatch(line) && !MarkdownSource.IsFence(line);

    /// <summary>
    /// Markdown inline markup as plain text for a console: **bold**, __bold__ and `code` lose their
    /// markers, [text](uri) becomes "text (uri)" for an absolute uri and "text" for a page link,
    /// backslash escapes lose the backslash.
    /// </summary>
    public static string Inline(string text)
    {
        text = Link().Replace(text, m =>
        {
            var label = m.Groups[1].Value;
            var uri = m.Groups[2].Value.Trim();
            return uri.Contains("://", StringComparison.Ordinal) ? $"{label} ({uri})" : label;
        });
        text = Code().Replace(text, m => m.Groups[1].Value);
        text = Bold().Replace(text, m => m.Groups[2].Value);
        text = Escape().Replace(text, m => m.Groups[1].Value);
        return text;
    }

    /// <summary>A block's paragraphs as plain text: lists keep one line per item, code and tables keep their lines.</summary>
    public static IEnumerable<string> AsParagraphs(IEnumerable<Block> blocks)
    {
        foreach (var block in blocks)
        {
            yield return block switch
            {
                Paragraph p => p.Text,
                ListBlock l => string.Join('\n', l.Items.Select(item => $"{item.Marker} {item.Text}")),
                CodeBlock c => string.Join('\n', c.Lines.Select(line => "    " + line)),
                VerbatimBlock v => string.Join('\n', v.Lines),
                _ => throw new InvalidOperationException("Unknown block " + block.GetType().Name),
            };
        }
    }

    [GeneratedRegex(@"^\s{0,3}([-*+]|\d{1,3}[.)])\s+(.*)$")]
    private static partial Regex ListMarker();

    [GeneratedRegex(@"\[([^\]]+)\]\(([^)\s]+)\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"`([^`]+)`")]
    private static partial Regex Code();

    [GeneratedRegex(@"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")]
    private static partial Regex Bold();

    [GeneratedRegex(@"\\([\\`*_{}\[\]()#+\-.!<>|])")]
    private static partial Regex Escape();
}

using System.Text;
using System.Text.RegularExpressions;

namespace XenPS.Config;

/// <summary>One statement of a document: <c>KEY = VALUE</c> or <c>KEY += VALUE</c>.</summary>
public sealed class XenConfigEntry
{
    internal XenConfigEntry(string key, bool isAppend, XenConfigValue value, int line, int column)
    {
        Key = key;
        IsAppend = isAppend;
        Value = value;
        Line = line;
        Column = column;
    }

    /// <summary>The setting name.</summary>
    public string Key { get; }

    /// <summary>True for <c>+=</c>.</summary>
    public bool IsAppend { get; }

    /// <summary>The value as written in this statement (before any <c>+=</c> is applied).</summary>
    public XenConfigValue Value { get; }

    /// <summary>1-based line of the key.</summary>
    public int Line { get; }

    /// <summary>1-based column of the key.</summary>
    public int Column { get; }
}

/// <summary>
/// A lossless xl.cfg document: comments, order, blank lines and formatting are kept, so an unchanged document
/// writes back the exact text it was parsed from, and <see cref="Set"/> rewrites only the value it changes.
/// The language is libxlu's (<c>tools/libs/util/libxlu_cfg_l.l</c>, <c>libxlu_cfg_y.y</c>): the last assignment of a
/// key wins, and <c>+=</c> appends to the previous value (strings concatenate, lists append) as xl does.
/// </summary>
public sealed partial class XenConfigDocument
{
    private string _text;
    private List<ParsedEntry> _entries;
    private Dictionary<string, XenConfigValue> _effective;
    private List<string> _keys;

    private XenConfigDocument(string text, string? fileName)
    {
        _text = text;
        FileName = fileName;
        _entries = new List<ParsedEntry>();
        _effective = new Dictionary<string, XenConfigValue>(StringComparer.Ordinal);
        _keys = new List<string>();
        Reparse(text);
    }

    /// <summary>The file name used in error messages, if any.</summary>
    public string? FileName { get; }

    /// <summary>The distinct keys in order of first appearance.</summary>
    public IReadOnlyList<string> Keys => _keys;

    /// <summary>Every statement in file order (a key assigned twice appears twice).</summary>
    public IReadOnlyList<XenConfigEntry> Entries =>
        _entries.Select(e => new XenConfigEntry(e.Key, e.IsAppend, e.Value, e.Line, e.Column)).ToArray();

    /// <summary>The encoding the document was read with by <see cref="Load(byte[], string?)"/> (UTF-8, or Latin-1 for bytes that are not UTF-8), used by <see cref="ToBytes"/>.</summary>
    internal Encoding Encoding { get; private set; } = new UTF8Encoding(false);

    /// <summary>Parses xl.cfg text.</summary>
    /// <param name="text">The text.</param>
    /// <param name="fileName">The file name for error messages.</param>
    /// <exception cref="XenConfigException">The text is not valid xl.cfg; the exception has the line and column of the offending token.</exception>
    public static XenConfigDocument Parse(string text, string? fileName = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new XenConfigDocument(text, fileName);
    }

    /// <summary>Parses the bytes of a file: UTF-8 when they are valid UTF-8, otherwise Latin-1, so that <see cref="ToBytes"/> gives the same bytes back.</summary>
    /// <exception cref="XenConfigException">The text is not valid xl.cfg.</exception>
    public static XenConfigDocument Load(byte[] bytes, string? fileName = null)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        Encoding enc = new UTF8Encoding(false, true);
        string text;
        try
        {
            text = enc.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            enc = Encoding.Latin1;
            text = enc.GetString(bytes);
        }

        var doc = new XenConfigDocument(text, fileName) { Encoding = enc };
        return doc;
    }

    /// <summary>The document's text: for an unchanged document, exactly the text it was parsed from.</summary>
    public override string ToString() => _text;

    /// <summary>The document's bytes in the encoding it was loaded with (UTF-8 for parsed text).</summary>
    public byte[] ToBytes() => Encoding.GetBytes(_text);

    /// <summary>The value xl would use for <paramref name="key"/>: the last assignment, with any <c>+=</c> applied; <see langword="null"/> when absent.</summary>
    public XenConfigValue? Get(string key) => _effective.TryGetValue(key, out var v) ? v : null;

    /// <summary>True when the key is set.</summary>
    public bool Contains(string key) => _effective.ContainsKey(key);

    /// <summary>The statement that makes the key's value (the last one for the key), for positions in messages.</summary>
    public XenConfigEntry? GetEntry(string key)
    {
        var e = _entries.LastOrDefault(x => x.Key == key);
        return e is null ? null : new XenConfigEntry(e.Key, e.IsAppend, e.Value, e.Line, e.Column);
    }

    /// <summary>
    /// Sets a key. An existing key keeps its place: only its value text is rewritten (for a list of the same length,
    /// only the items that changed), a <c>+=</c> becomes <c>=</c>, and later statements for the same key are removed.
    /// A new key is appended as one <c>key = value</c> line in the file's style. Setting a value equal to the current
    /// one changes nothing (<c>0x80</c> stays <c>0x80</c> when set to 128).
    /// </summary>
    /// <exception cref="ArgumentException">The key is not an xl.cfg key (<c>[a-z][_0-9a-z]*</c>) or the value cannot be written.</exception>
    public void Set(string key, XenConfigValue value)
    {
        ValidateKey(key);
        ArgumentNullException.ThrowIfNull(value);
        var mine = _entries.Where(e => e.Key == key).ToList();
        var current = Get(key);
        if (current is not null && mine.Count == 1 && !mine[0].IsAppend && current.SameAs(value))
        {
            return;
        }

        var style = DetectStyle();
        var edits = new List<(int Start, int End, string Text)>();
        if (mine.Count == 0)
        {
            var sb = new StringBuilder();
            if (_text.Length > 0 && _text[^1] != '\n')
            {
                sb.Append('\n');
            }

            sb.Append(key).Append(style.Assign).Append(XenConfigFormatter.Format(value, style, null)).Append('\n');
            edits.Add((_text.Length, _text.Length, sb.ToString()));
        }
        else
        {
            var first = mine[0];
            if (first.IsAppend)
            {
                edits.Add((first.OpStart, first.OpEnd, "="));
            }

            ReplaceValue(first.Value, value, style, edits);
            foreach (var later in mine.Skip(1))
            {
                edits.Add(RemovalSpan(later));
            }
        }

        Apply(edits, key, value);
    }

    /// <summary>Removes every statement for <paramref name="key"/> (the whole line when the statement is alone on it).</summary>
    /// <returns>True when the key was present.</returns>
    public bool Remove(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var mine = _entries.Where(e => e.Key == key).ToList();
        if (mine.Count == 0)
        {
            return false;
        }

        Apply(mine.Select(RemovalSpan).ToList(), key, null);
        return true;
    }

    /// <summary>Renames the key of every statement for <paramref name="oldKey"/>, in place (used by the xm import: <c>builder</c> → <c>type</c>).</summary>
    internal void RenameKey(string oldKey, string newKey)
    {
        ValidateKey(newKey);
        var edits = _entries.Where(e => e.Key == oldKey).Select(e => (e.KeyStart, e.KeyStart + oldKey.Length, newKey)).ToList();
        var expected = Get(oldKey);
        Apply(edits, newKey, null, checkValue: false);
        if (expected is not null && Get(newKey) is null)
        {
            throw new InvalidOperationException("Renaming the key did not keep its value.");
        }
    }

    /// <summary>Checks that <paramref name="key"/> is a key xl's lexer reads as one (<c>[a-z][_0-9a-z]*</c>).</summary>
    /// <exception cref="ArgumentException">It is not.</exception>
    public static void ValidateKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!KeyPattern().IsMatch(key))
        {
            throw new ArgumentException($"'{key}' is not an xl.cfg key: keys are lower-case letters, digits and '_', starting with a letter ([a-z][_0-9a-z]*).", nameof(key));
        }
    }

    private void Reparse(string text)
    {
        var (entries, _) = XenConfigParser.Parse(text, FileName);
        var effective = new Dictionary<string, XenConfigValue>(StringComparer.Ordinal);
        var keys = new List<string>();
        foreach (var e in entries)
        {
            if (!effective.ContainsKey(e.Key) && !keys.Contains(e.Key))
            {
                keys.Add(e.Key);
            }

            if (e.IsAppend && effective.TryGetValue(e.Key, out var prev))
            {
                effective[e.Key] = XenConfigValue.Concat(prev, e.Value);
            }
            else
            {
                effective[e.Key] = e.IsAppend ? e.Value.AsAppended() : e.Value;
            }
        }

        _text = text;
        _entries = entries;
        _effective = effective;
        _keys = keys;
    }

    private void Apply(List<(int Start, int End, string Text)> edits, string key, XenConfigValue? expected, bool checkValue = true)
    {
        // Deletions of neighbouring statements on one line ("a = 1; a = 2") can overlap: merge them first.
        var merged = new List<(int Start, int End, string Text)>();
        foreach (var e in edits.OrderBy(e => e.Start).ThenBy(e => e.End))
        {
            if (merged.Count > 0 && merged[^1].Text.Length == 0 && e.Text.Length == 0 && e.Start <= merged[^1].End)
            {
                merged[^1] = (merged[^1].Start, Math.Max(merged[^1].End, e.End), string.Empty);
            }
            else
            {
                merged.Add(e);
            }
        }

        // A deletion that leaves only blanks on its line takes the whole line.
        for (int i = 0; i < merged.Count; i++)
        {
            var (start, end, text) = merged[i];
            if (text.Length != 0)
            {
                continue;
            }

            int ls = start;
            while (ls > 0 && (_text[ls - 1] == ' ' || _text[ls - 1] == '\t'))
            {
                ls--;
            }

            int le = end;
            while (le < _text.Length && (_text[le] == ' ' || _text[le] == '\t'))
            {
                le++;
            }

            if ((ls == 0 || _text[ls - 1] == '\n') && (le == _text.Length || _text[le] == '\n'))
            {
                merged[i] = (ls, Math.Min(_text.Length, le + 1), string.Empty);
            }
        }

        var sorted = merged.OrderByDescending(e => e.Start).ToList();
        var sb = new StringBuilder(_text);
        foreach (var (start, end, text) in sorted)
        {
            sb.Remove(start, end - start).Insert(start, text);
        }

        string newText = sb.ToString();
        XenConfigDocument check;
        try
        {
            check = new XenConfigDocument(newText, FileName);
        }
        catch (XenConfigException ex)
        {
            // The writer must never produce text xl cannot read; this is a bug guard, not a user error path.
            throw new InvalidOperationException($"Editing `{key}' would produce an invalid xl.cfg file ({ex.Message}); nothing was changed.", ex);
        }

        if (checkValue)
        {
            var got = check.Get(key);
            bool ok = expected is null ? got is null : got is not null && got.SameAs(expected);
            if (!ok)
            {
                throw new ArgumentException($"The value for `{key}' cannot be written so that xl reads it back unchanged; nothing was changed.", nameof(key));
            }
        }

        _text = check._text;
        _entries = check._entries;
        _effective = check._effective;
        _keys = check._keys;
    }

    private void ReplaceValue(XenConfigValue old, XenConfigValue value, XenConfigStyle style, List<(int, int, string)> edits)
    {
        if (old.SameAs(value))
        {
            return;
        }

        if (old.Kind == XenConfigValueKind.List && value.Kind == XenConfigValueKind.List && old.Items.Count == value.Items.Count && old.Items.Count > 0)
        {
            for (int i = 0; i < old.Items.Count; i++)
            {
                ReplaceValue(old.Items[i], value.Items[i], style, edits);
            }

            return;
        }

        string text;
        if (old.Kind == XenConfigValueKind.List && value.Kind == XenConfigValueKind.List && _text.IndexOf('\n', old.Start, old.End - old.Start) >= 0 && value.Items.Count > 0)
        {
            // Keep a multi-line list multi-line, with the indentation of its items and of its closing bracket.
            string itemIndent = "    ";
            if (old.Items.Count > 0)
            {
                itemIndent = IndentOf(old.Items[0].Start);
            }

            string closeIndent = IndentOf(old.End - 1);
            bool trailingComma = old.Items.Count > 0 && _text.AsSpan(old.Items[^1].End, old.End - old.Items[^1].End).Contains(',');
            text = XenConfigFormatter.FormatMultiline(value, style, old, itemIndent, closeIndent, trailingComma);
        }
        else
        {
            var listStyle = old.Kind == XenConfigValueKind.List && old.End - old.Start >= 2
                ? style with { PadLists = old.End - old.Start > 2 && _text[old.Start + 1] == ' ' }
                : style;
            text = XenConfigFormatter.Format(value, listStyle, old);
        }

        edits.Add((old.Start, old.End, text));
    }

    private string IndentOf(int offset)
    {
        int ls = offset;
        while (ls > 0 && _text[ls - 1] != '\n')
        {
            ls--;
        }

        int i = ls;
        while (i < offset && (_text[i] == ' ' || _text[i] == '\t'))
        {
            i++;
        }

        // Only whitespace before the token on its line: that is its indentation.
        return i == offset ? _text[ls..offset] : "    ";
    }

    /// <summary>The text to delete to remove one statement, keeping the rest of the file's layout.</summary>
    private (int, int, string) RemovalSpan(ParsedEntry e)
    {
        int start = e.KeyStart;
        int end = e.Value.End;
        int ls = start;
        while (ls > 0 && (_text[ls - 1] == ' ' || _text[ls - 1] == '\t'))
        {
            ls--;
        }

        bool aloneBefore = ls == 0 || _text[ls - 1] == '\n';
        int after = end;
        while (after < _text.Length && (_text[after] == ' ' || _text[after] == '\t'))
        {
            after++;
        }

        if (after < _text.Length && _text[after] == ';')
        {
            // "a = 1; b = 2": remove "a = 1; " (or the whole line if nothing follows the ';').
            int next = after + 1;
            while (next < _text.Length && (_text[next] == ' ' || _text[next] == '\t'))
            {
                next++;
            }

            if (aloneBefore && (next >= _text.Length || _text[next] == '\n'))
            {
                return (ls, Math.Min(_text.Length, next + 1), string.Empty);
            }

            return (start, next, string.Empty);
        }

        bool endsLine = after >= _text.Length || _text[after] == '\n' || _text[after] == '#';
        if (aloneBefore && endsLine)
        {
            int eol = _text.IndexOf('\n', after);
            return (ls, eol < 0 ? _text.Length : eol + 1, string.Empty);
        }

        // "x = 0; b = 2": remove "; b = 2" keeping the line's end.
        int semi = ls - 1;
        if (semi >= 0 && _text[semi] == ';')
        {
            return (semi, end, string.Empty);
        }

        return (start, end, string.Empty);
    }

    private XenConfigStyle DetectStyle()
    {
        int single = 0, dbl = 0;
        void Count(XenConfigValue v)
        {
            if (v.Kind == XenConfigValueKind.String)
            {
                if (v.Quote == '\'')
                {
                    single++;
                }
                else
                {
                    dbl++;
                }
            }

            foreach (var i in v.Items)
            {
                Count(i);
            }
        }

        string assign = XenConfigStyle.Default.Assign;
        bool assignFound = false;
        int padded = 0, tight = 0;
        foreach (var e in _entries)
        {
            Count(e.Value);
            if (!assignFound && !e.IsAppend)
            {
                string between = _text[(e.KeyStart + e.Key.Length)..e.Value.Start];
                if (between.Trim(' ', '\t') == "=" && between.Length <= 5)
                {
                    assign = between;
                    assignFound = true;
                }
            }

            if (e.Value.Kind == XenConfigValueKind.List && e.Value.End - e.Value.Start > 2 && _text.IndexOf('\n', e.Value.Start, e.Value.End - e.Value.Start) < 0)
            {
                if (_text[e.Value.Start + 1] == ' ')
                {
                    padded++;
                }
                else
                {
                    tight++;
                }
            }
        }

        return new XenConfigStyle(single > dbl ? '\'' : '"', assign, padded >= tight);
    }

    [GeneratedRegex("^[a-z][_0-9a-z]*\\z")]
    private static partial Regex KeyPattern();
}

using System.Text.RegularExpressions;

namespace XenPS.Config;

/// <summary>What kind of value an xl.cfg setting holds.</summary>
public enum XenConfigValueKind
{
    /// <summary>A quoted string (<c>"..."</c> or <c>'...'</c>), already unescaped.</summary>
    String,

    /// <summary>A bare number (<c>256</c>, <c>0x80</c>, <c>0400</c>); its source text is kept.</summary>
    Number,

    /// <summary>A list (<c>[ ... ]</c>) of values, possibly nested.</summary>
    List,
}

/// <summary>
/// One value of an xl.cfg file: a string, a number (with its source text, so hex and octal round-trip) or a list.
/// Values are immutable. xl itself treats strings and numbers alike (both are "atoms"): <see cref="AsString"/> and
/// <see cref="AsInt64"/> read either kind the way xl does.
/// </summary>
public sealed partial class XenConfigValue : IEquatable<XenConfigValue>
{
    private static readonly IReadOnlyList<XenConfigValue> s_noItems = Array.Empty<XenConfigValue>();

    private XenConfigValue(XenConfigValueKind kind, string? text, IReadOnlyList<XenConfigValue>? items)
    {
        Kind = kind;
        Text = text;
        Items = items ?? s_noItems;
    }

    /// <summary>The kind of value.</summary>
    public XenConfigValueKind Kind { get; }

    /// <summary>For a string, its unescaped content; for a number, its source text (<c>0x80</c>); for a list, <see langword="null"/>.</summary>
    public string? Text { get; }

    /// <summary>The items of a list (empty for a string or a number).</summary>
    public IReadOnlyList<XenConfigValue> Items { get; }

    /// <summary>For a number, its value as xl computes it (<c>strtol(text, 0)</c>), or <see langword="null"/> when xl would not accept it (<c>08</c>, <c>12abc</c>).</summary>
    public long? NumberValue => Kind == XenConfigValueKind.Number && !IsAppended ? CNumbers.ParseLong(Text!) : null;

    /// <summary>The 1-based line where the value starts in the parsed text, or <see langword="null"/> for a value built in code.</summary>
    public int? Line { get; private init; }

    /// <summary>The 1-based column where the value starts in the parsed text, or <see langword="null"/> for a value built in code.</summary>
    public int? Column { get; private init; }

    /// <summary>True when the value is the result of <c>+=</c> (xl then refuses to read it as a number).</summary>
    public bool IsAppended { get; private init; }

    // Source span (offsets into the parsed text), for lossless editing; -1 for values built in code.
    internal int Start { get; private init; } = -1;

    internal int End { get; private init; } = -1;

    internal char Quote { get; private init; }

    /// <summary>Creates a string value. Any text is accepted except a NUL character, which xl cannot hold.</summary>
    /// <exception cref="ArgumentException">The text contains a NUL character.</exception>
    public static XenConfigValue FromString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Contains('\0'))
        {
            throw new ArgumentException("An xl.cfg string cannot contain a NUL character.", nameof(value));
        }

        return new XenConfigValue(XenConfigValueKind.String, value, null);
    }

    /// <summary>Creates a decimal number value.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The number is negative: xl.cfg numbers have no sign.</exception>
    public static XenConfigValue FromNumber(long value)
    {
        if (value < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "xl.cfg numbers cannot be negative (the language has no '-'); write a negative value as a string.");
        }

        return new XenConfigValue(XenConfigValueKind.Number, value.ToString(System.Globalization.CultureInfo.InvariantCulture), null);
    }

    /// <summary>Creates a number value from its source text (<c>0x80</c>, <c>0400</c>, <c>256</c>): it must be a token xl's lexer reads as a number (<c>[0-9][0-9a-fx]*</c>).</summary>
    /// <exception cref="ArgumentException">The text is not an xl.cfg number token.</exception>
    public static XenConfigValue FromNumberText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!NumberToken().IsMatch(text))
        {
            throw new ArgumentException($"'{text}' is not an xl.cfg number token ([0-9][0-9a-fx]*).", nameof(text));
        }

        return new XenConfigValue(XenConfigValueKind.Number, text, null);
    }

    /// <summary>Creates a list value.</summary>
    public static XenConfigValue FromList(IEnumerable<XenConfigValue> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var list = items.ToArray();
        if (list.Any(i => i is null))
        {
            throw new ArgumentException("A list item cannot be null.", nameof(items));
        }

        return new XenConfigValue(XenConfigValueKind.List, null, list);
    }

    /// <summary>Creates a list value.</summary>
    public static XenConfigValue FromList(params XenConfigValue[] items) => FromList((IEnumerable<XenConfigValue>)items);

    /// <summary>Creates a list of strings.</summary>
    public static XenConfigValue FromStrings(IEnumerable<string> items) => FromList(items.Select(FromString));

    /// <summary>The atom's text as xl reads it (a string's content or a number's source text); <see langword="null"/> for a list.</summary>
    public string? AsString() => Kind == XenConfigValueKind.List ? null : Text;

    /// <summary>The atom as a number the way <c>xlu_cfg_get_long</c> reads it (quoted <c>"256"</c> counts, <c>"0x80"</c> is 128); <see langword="null"/> when xl would not accept it.</summary>
    public long? AsInt64() => Kind == XenConfigValueKind.List || IsAppended ? null : CNumbers.ParseLong(Text!);

    /// <summary>The items of a list that are atoms, as strings (what <c>xlu_cfg_get_listitem</c> returns); a nested list reads as <see langword="null"/>.</summary>
    public IReadOnlyList<string?> AsStringList() => Items.Select(i => i.AsString()).ToArray();

    /// <summary>The value written in xl.cfg syntax (strings in double quotes, lists on one line).</summary>
    public override string ToString() => XenConfigFormatter.Format(this, XenConfigStyle.Default, null);

    /// <summary>Values are equal when they have the same kind and content; numbers compare by source text.</summary>
    public bool Equals(XenConfigValue? other)
    {
        if (other is null || other.Kind != Kind)
        {
            return false;
        }

        if (Kind != XenConfigValueKind.List)
        {
            return string.Equals(Text, other.Text, StringComparison.Ordinal);
        }

        return Items.Count == other.Items.Count && Items.Zip(other.Items).All(p => p.First.Equals(p.Second));
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is XenConfigValue v && Equals(v);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var h = new HashCode();
        h.Add(Kind);
        h.Add(Text, StringComparer.Ordinal);
        foreach (var i in Items)
        {
            h.Add(i);
        }

        return h.ToHashCode();
    }

    internal static XenConfigValue Parsed(XenConfigValueKind kind, string? text, IReadOnlyList<XenConfigValue>? items, int start, int end, int line, int column, char quote) =>
        new(kind, text, items) { Start = start, End = end, Line = line, Column = column, Quote = quote };

    /// <summary>xl's <c>+=</c>: strings concatenate, lists append; the result keeps the position of the first value.</summary>
    internal static XenConfigValue Concat(XenConfigValue previous, XenConfigValue added)
    {
        if (previous.Kind == XenConfigValueKind.List)
        {
            return new XenConfigValue(XenConfigValueKind.List, null, previous.Items.Concat(added.Items).ToArray())
            {
                Line = previous.Line, Column = previous.Column, IsAppended = true,
            };
        }

        return new XenConfigValue(XenConfigValueKind.String, previous.Text + added.Text, null)
        {
            Line = previous.Line, Column = previous.Column, IsAppended = true,
        };
    }

    /// <summary>The same value marked as coming from <c>+=</c> with nothing before it (xl still refuses it as a number).</summary>
    internal XenConfigValue AsAppended() => new(Kind, Text, Items)
    {
        Start = Start, End = End, Line = Line, Column = Column, Quote = Quote, IsAppended = true,
    };

    /// <summary>Semantic equality used by the editor to leave unchanged text alone: numbers compare by value when both parse.</summary>
    internal bool SameAs(XenConfigValue other)
    {
        if (Kind != other.Kind)
        {
            return false;
        }

        if (Kind == XenConfigValueKind.Number)
        {
            var a = NumberValue;
            var b = other.NumberValue;
            return a is not null && b is not null ? a == b : string.Equals(Text, other.Text, StringComparison.Ordinal);
        }

        if (Kind == XenConfigValueKind.String)
        {
            return string.Equals(Text, other.Text, StringComparison.Ordinal);
        }

        return Items.Count == other.Items.Count && Items.Zip(other.Items).All(p => p.First.SameAs(p.Second));
    }

    [GeneratedRegex("^[0-9][0-9a-fx]*\\z")]
    private static partial Regex NumberToken();
}

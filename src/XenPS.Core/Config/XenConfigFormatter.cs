using System.Text;

namespace XenPS.Config;

/// <summary>How a document writes new text: the quote it prefers, the spacing around '=', list padding.</summary>
internal sealed record XenConfigStyle(char Quote, string Assign, bool PadLists)
{
    public static readonly XenConfigStyle Default = new('"', " = ", true);
}

/// <summary>
/// Writes values in xl.cfg syntax so that libxlu reads back exactly the same value. Strings are escaped with the
/// escapes <c>xlu__cfgl_dequote</c> understands (never <c>\x</c> or octal, which xl cannot read); a value that
/// cannot be represented (a NUL character) is refused.
/// </summary>
internal static class XenConfigFormatter
{
    public static string Format(XenConfigValue value, XenConfigStyle style, XenConfigValue? hint)
    {
        switch (value.Kind)
        {
            case XenConfigValueKind.String:
                return Quote(value.Text!, hint is { Kind: XenConfigValueKind.String, Quote: '\'' or '"' } ? hint.Quote : style.Quote);
            case XenConfigValueKind.Number:
                return value.Text!;
            default:
                var items = value.Items.Select((v, i) => Format(v, style, hint is { Kind: XenConfigValueKind.List } && i < hint.Items.Count ? hint.Items[i] : null));
                if (value.Items.Count == 0)
                {
                    return style.PadLists ? "[ ]" : "[]";
                }

                return style.PadLists ? "[ " + string.Join(", ", items) + " ]" : "[" + string.Join(", ", items) + "]";
        }
    }

    /// <summary>Formats a list one item per line, as a multi-line list in the file was written.</summary>
    public static string FormatMultiline(XenConfigValue list, XenConfigStyle style, XenConfigValue? hint, string itemIndent, string closeIndent, bool trailingComma)
    {
        var sb = new StringBuilder("[\n");
        for (int i = 0; i < list.Items.Count; i++)
        {
            var h = hint is { Kind: XenConfigValueKind.List } && i < hint.Items.Count ? hint.Items[i] : hint?.Items.FirstOrDefault();
            sb.Append(itemIndent).Append(Format(list.Items[i], style, h));
            if (i < list.Items.Count - 1 || trailingComma)
            {
                sb.Append(',');
            }

            sb.Append('\n');
        }

        sb.Append(closeIndent).Append(']');
        return sb.ToString();
    }

    public static string Quote(string s, char quote)
    {
        var sb = new StringBuilder(s.Length + 2);
        sb.Append(quote);
        foreach (char c in s)
        {
            switch (c)
            {
                case '\0':
                    throw new ArgumentException("An xl.cfg string cannot contain a NUL character.", nameof(s));
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\a': sb.Append("\\a"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case '\v': sb.Append("\\v"); break;
                default:
                    if (c == quote)
                    {
                        sb.Append('\\').Append(c);
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        sb.Append(quote);
        return sb.ToString();
    }
}

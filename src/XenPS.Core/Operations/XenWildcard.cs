using System.Text;
using System.Text.RegularExpressions;

namespace XenPS.Operations;

/// <summary>
/// PowerShell's wildcard language (<c>*</c>, <c>?</c>, <c>[abc]</c>, <c>[a-z]</c>, backtick escapes), for
/// Core code that cannot use System.Management.Automation.WildcardPattern. Case-insensitive for
/// connection names (<see cref="Create(string)"/>); case-sensitive for domain names, as xl's are
/// (<see cref="Create(string, bool)"/>); or no wildcards at all (<see cref="ForLiteral"/>).
/// </summary>
public sealed class XenWildcard
{
    private readonly Regex? _regex;
    private readonly string _literal;
    private readonly StringComparison _comparison;

    private XenWildcard(string pattern, bool caseSensitive, bool literal)
    {
        Pattern = pattern;
        _comparison = caseSensitive ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
        HasWildcards = !literal && ContainsWildcard(pattern);
        _literal = literal ? pattern : Unescape(pattern);
        if (HasWildcards)
        {
            RegexOptions options = RegexOptions.CultureInvariant | RegexOptions.Singleline | (caseSensitive ? RegexOptions.None : RegexOptions.IgnoreCase);
            _regex = new Regex(ToRegex(pattern), options);
        }
    }

    /// <summary>The pattern as given.</summary>
    public string Pattern { get; }

    /// <summary>Whether the pattern has unescaped wildcard characters; a literal name that matches nothing is an error, a pattern is not.</summary>
    public bool HasWildcards { get; }

    /// <summary>The pattern with backtick escapes removed (the literal it names when <see cref="HasWildcards"/> is false).</summary>
    public string Literal => _literal;

    /// <summary>Creates a case-insensitive matcher for <paramref name="pattern"/> (connection names).</summary>
    public static XenWildcard Create(string pattern) => Create(pattern, caseSensitive: false);

    /// <summary>Creates a matcher for <paramref name="pattern"/>; domain names match case-sensitively, as xl's do.</summary>
    public static XenWildcard Create(string pattern, bool caseSensitive) =>
        new(pattern ?? throw new ArgumentNullException(nameof(pattern)), caseSensitive, literal: false);

    /// <summary>A case-sensitive matcher of exactly <paramref name="text"/>: <c>*</c>, <c>[</c> and backticks are plain characters.</summary>
    public static XenWildcard ForLiteral(string text) =>
        new(text ?? throw new ArgumentNullException(nameof(text)), caseSensitive: true, literal: true);

    /// <summary>Whether <paramref name="text"/> has an unescaped <c>*</c>, <c>?</c> or <c>[</c>.</summary>
    public static bool ContainsWildcard(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '`')
            {
                i++;
                continue;
            }

            if (c is '*' or '?' or '[')
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Escapes wildcard characters so that <paramref name="text"/> matches only itself.</summary>
    public static string Escape(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            if (c is '*' or '?' or '[' or ']' or '`')
            {
                sb.Append('`');
            }

            sb.Append(c);
        }

        return sb.ToString();
    }

    /// <summary>Whether <paramref name="text"/> matches (the whole string).</summary>
    public bool IsMatch(string text) =>
        _regex is null ? string.Equals(text, _literal, _comparison) : _regex.IsMatch(text);

    private static string Unescape(string pattern)
    {
        var sb = new StringBuilder(pattern.Length);
        for (int i = 0; i < pattern.Length; i++)
        {
            if (pattern[i] == '`' && i + 1 < pattern.Length)
            {
                i++;
            }

            sb.Append(pattern[i]);
        }

        return sb.ToString();
    }

    private static string ToRegex(string pattern)
    {
        var sb = new StringBuilder("^");
        for (int i = 0; i < pattern.Length; i++)
        {
            char c = pattern[i];
            switch (c)
            {
                case '`' when i + 1 < pattern.Length:
                    sb.Append(Regex.Escape(pattern[++i].ToString()));
                    break;
                case '*':
                    sb.Append(".*");
                    break;
                case '?':
                    sb.Append('.');
                    break;
                case '[':
                    int close = pattern.IndexOf(']', i + 1);
                    if (close < 0)
                    {
                        sb.Append(Regex.Escape("["));
                        break;
                    }

                    string set = pattern.Substring(i + 1, close - i - 1);
                    sb.Append('[');
                    foreach (char s in set)
                    {
                        sb.Append(s is '\\' or '^' or '[' ? "\\" + s : s.ToString());
                    }

                    sb.Append(']');
                    i = close;
                    break;
                default:
                    sb.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }

        return sb.Append('$').ToString();
    }
}

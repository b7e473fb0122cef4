using System.Text;

namespace XenPS.Transport;

/// <summary>
/// Quoting for POSIX shells (sh, dash, bash, ash): the only way XenPS builds a command line that a
/// shell will parse, e.g. the remote command that ssh hands to the login shell on the host.
/// </summary>
/// <remarks>
/// Every word is single-quoted, whatever it holds: inside single quotes a POSIX shell gives no
/// character a special meaning, so <c>$</c>, backticks, <c>\</c>, <c>*</c>, <c>~</c>, newlines and
/// leading dashes reach the program as they are. A single quote cannot appear inside single quotes,
/// so it is written as <c>'\''</c> (close, an escaped quote, reopen). NUL cannot be passed in an
/// argument vector at all and is refused.
/// </remarks>
public static class PosixShell
{
    /// <summary>Quotes <paramref name="word"/> as one shell word (<c>a'b</c> becomes <c>'a'\''b'</c>; the empty string becomes <c>''</c>).</summary>
    /// <param name="word">Any text without NUL.</param>
    /// <returns>The quoted word.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="word"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="word"/> contains a NUL character.</exception>
    public static string Quote(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        var builder = new StringBuilder(word.Length + 2);
        AppendQuoted(builder, word);
        return builder.ToString();
    }

    /// <summary>Quotes each of <paramref name="words"/> and joins them with single spaces: a command line that a POSIX shell splits back into exactly these words.</summary>
    /// <param name="words">The program and its arguments.</param>
    /// <returns>The command line.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="words"/> or one of them is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A word contains a NUL character.</exception>
    public static string Join(IEnumerable<string> words)
    {
        ArgumentNullException.ThrowIfNull(words);
        var builder = new StringBuilder();
        foreach (string word in words)
        {
            ArgumentNullException.ThrowIfNull(word, nameof(words));
            if (builder.Length > 0)
            {
                builder.Append(' ');
            }

            AppendQuoted(builder, word);
        }

        return builder.ToString();
    }

    /// <summary>Throws when <paramref name="value"/> holds NUL, which no argument vector can carry.</summary>
    internal static void EnsureNoNul(string value, string paramName)
    {
        if (value.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("A command argument cannot contain a NUL character: it cannot be passed in an argument vector.", paramName);
        }
    }

    private static void AppendQuoted(StringBuilder builder, string word)
    {
        EnsureNoNul(word, nameof(word));
        builder.Append('\'');
        foreach (char c in word)
        {
            if (c == '\'')
            {
                builder.Append("'\\''");
            }
            else
            {
                builder.Append(c);
            }
        }

        builder.Append('\'');
    }
}

namespace XenPS.Toolstack.Xl;

/// <summary>
/// The words of a row xl prints in columns (<c>xl list</c>, <c>xl uptime</c>), read from the right over the line
/// itself: the fields hold no whitespace, the name (first) may. Whitespace and digits are what the row patterns'
/// <c>\s</c> and <c>\d</c> take (any Unicode whitespace and decimal digit).
/// </summary>
internal static class XlRowWords
{
    /// <summary>
    /// Takes the last whitespace-separated word off a line that ends in a non-space, with the whitespace before it
    /// (<paramref name="separator"/>), so that what is left ends in a non-space again (or is empty). False when no
    /// whitespace precedes the word: a field always has at least the name before it.
    /// </summary>
    public static bool TakeLast(scoped ref ReadOnlySpan<char> line, out ReadOnlySpan<char> word, out ReadOnlySpan<char> separator)
    {
        int space = line.Length - 1;
        while (space >= 0 && !char.IsWhiteSpace(line[space]))
        {
            space--;
        }

        if (space < 0 || space == line.Length - 1)
        {
            word = default;
            separator = default;
            return false;
        }

        word = line[(space + 1)..];
        ReadOnlySpan<char> before = line[..(space + 1)];
        line = before.TrimEnd();
        separator = before[line.Length..];
        return true;
    }

    /// <summary>Takes the last whitespace-separated word off the line, as the overload with the separator does.</summary>
    public static bool TakeLast(scoped ref ReadOnlySpan<char> line, out ReadOnlySpan<char> word) => TakeLast(ref line, out word, out _);

    /// <summary>
    /// One or more decimal digits (<c>\d+</c>); a digit that is not ASCII is then "not a number XenPS can hold",
    /// as the patterns' reading named it.
    /// </summary>
    public static bool IsDigits(ReadOnlySpan<char> word)
    {
        foreach (char c in word)
        {
            if (!char.IsDigit(c))
            {
                return false;
            }
        }

        return !word.IsEmpty;
    }
}

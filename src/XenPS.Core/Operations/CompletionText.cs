namespace XenPS.Operations;

/// <summary>One completion: what is inserted (quoted when needed) and what is listed.</summary>
/// <param name="CompletionText">The text inserted on the command line.</param>
/// <param name="ListItemText">The text shown in the list.</param>
public sealed record CompletionCandidate(string CompletionText, string ListItemText);

/// <summary>The decisions of argument completion (the completer classes only adapt them): matching and quoting.</summary>
public static class CompletionText
{
    /// <summary>
    /// The candidates matching what was typed (a prefix, or a wildcard pattern; surrounding quotes
    /// ignored), distinct, sorted, and quoted for PowerShell when they hold spaces or special characters.
    /// </summary>
    public static IReadOnlyList<CompletionCandidate> Complete(IEnumerable<string> candidates, string? wordToComplete)
    {
        string typed = (wordToComplete ?? string.Empty).Trim('\'', '"');
        XenWildcard pattern = XenWildcard.Create(XenWildcard.ContainsWildcard(typed) ? typed : XenWildcard.Escape(typed) + "*");
        return candidates
            .Where(c => !string.IsNullOrEmpty(c) && pattern.IsMatch(c))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Order(StringComparer.OrdinalIgnoreCase)
            .Select(c => new CompletionCandidate(Quote(c), c))
            .ToList();
    }

    /// <summary>Quotes a value for a PowerShell command line when it needs quoting (single quotes doubled).</summary>
    public static string Quote(string value)
    {
        bool plain = value.Length > 0 && value.All(ch => char.IsLetterOrDigit(ch) || ch is '-' or '_' or '.' or ':' or '/' or '+')
            && value[0] != '-';
        return plain ? value : "'" + value.Replace("'", "''") + "'";
    }
}

using System.Management.Automation;
using XenPS.Operations;

namespace XenPS.Commands;

/// <summary>Shared completion logic: wildcard match of what was typed so far, results quoted when needed.</summary>
internal static class Completion
{
    public static IEnumerable<CompletionResult> Complete(IEnumerable<string> candidates, string wordToComplete, string what) =>
        CompletionText.Complete(candidates, wordToComplete)
            .Select(c => new CompletionResult(c.CompletionText, c.ListItemText, CompletionResultType.ParameterValue, $"{what} {c.ListItemText}"));
}

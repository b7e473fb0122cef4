using XenPS.Config;

namespace XenPS.Operations;

/// <summary>Adds a host's own verdict (<c>xl -N create</c>) to a validation result.</summary>
public static class ConfigVerdicts
{
    /// <summary>A copy of <paramref name="result"/> with the host's refusal as one more error.</summary>
    public static XenConfigValidationResult WithHostVerdict(XenConfigValidationResult result, string hostName, string message)
    {
        var issues = result.Errors.Concat(result.Warnings).ToList();
        issues.Add(new XenConfigIssue(XenConfigIssueSeverity.Error, $"host '{hostName}' (xl -N create) refuses it: {message}", null, null, null));
        return new XenConfigValidationResult(issues, result.SourcePath);
    }
}

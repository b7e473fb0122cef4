using System.Management.Automation;
using XenPS.Errors;

namespace XenPS.Commands;

/// <summary>The one place that turns Core failures into ErrorRecords: stable id, category, target, xl's words kept.</summary>
internal static class ErrorRecordFactory
{
    /// <summary>Maps a Core category to PowerShell's (the names are the same; a meta-test holds every name).</summary>
    internal static ErrorCategory MapCategory(XenErrorCategory category) =>
        Enum.TryParse(category.ToString(), out ErrorCategory c) ? c : ErrorCategory.NotSpecified;

    /// <summary>Creates the ErrorRecord for <paramref name="exception"/> with <paramref name="target"/> as its target object.</summary>
    internal static ErrorRecord Create(Exception exception, object? target)
    {
        if (exception is AggregateException { InnerExceptions.Count: 1 } agg)
        {
            exception = agg.InnerExceptions[0];
        }

        XenErrorInfo info = XenErrorInfo.From(exception);
        var record = new ErrorRecord(exception, info.ErrorId, MapCategory(info.Category), target);
        if (exception is XenException { Domain: not null } x)
        {
            record.CategoryInfo.TargetName = x.DomainName ?? x.Domain;
        }

        return record;
    }
}

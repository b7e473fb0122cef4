namespace XenPS.Errors;

/// <summary>What the cmdlet layer needs to build an ErrorRecord: a stable id, a category, a message.</summary>
/// <param name="ErrorId">A stable PascalCase id.</param>
/// <param name="Category">The category (named like PowerShell's ErrorCategory).</param>
/// <param name="Message">The message the user sees (xl's own words kept).</param>
public sealed record XenErrorInfo(string ErrorId, XenErrorCategory Category, string Message)
{
    /// <summary>Classifies any exception: XenPS's own carry their id; cancellation is <c>OperationStopped</c>; anything else is <c>UnexpectedError</c>, message kept.</summary>
    public static XenErrorInfo From(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception switch
        {
            XenException x => new XenErrorInfo(x.ErrorId, x.Category, x.Message),
            OperationCanceledException => new XenErrorInfo("OperationStopped", XenErrorCategory.OperationStopped, exception.Message),
            AggregateException { InnerExceptions.Count: 1 } a => From(a.InnerExceptions[0]),
            UnauthorizedAccessException => new XenErrorInfo("AccessDenied", XenErrorCategory.PermissionDenied, exception.Message),
            IOException => new XenErrorInfo("IOError", XenErrorCategory.ReadError, exception.Message),
            ArgumentException => new XenErrorInfo("InvalidArgument", XenErrorCategory.InvalidArgument, exception.Message),
            _ => new XenErrorInfo("UnexpectedError", XenErrorCategory.NotSpecified, $"{exception.GetType().Name}: {exception.Message}"),
        };
    }
}

namespace XenPS;

/// <summary>
/// The category of a failure. The names are PowerShell's <c>System.Management.Automation.ErrorCategory</c>
/// names (a meta-test checks this), so the cmdlet layer maps them by name; Core stays free of PowerShell.
/// </summary>
public enum XenErrorCategory
{
    /// <summary>Not specified.</summary>
    NotSpecified,

    /// <summary>A named object does not exist.</summary>
    ObjectNotFound,

    /// <summary>The object is not in a state that allows the operation.</summary>
    InvalidOperation,

    /// <summary>A value given is not acceptable.</summary>
    InvalidArgument,

    /// <summary>Data (a config file) is not valid.</summary>
    InvalidData,

    /// <summary>A connection failed.</summary>
    ConnectionError,

    /// <summary>Authentication or permission failed.</summary>
    PermissionDenied,

    /// <summary>An operation timed out.</summary>
    OperationTimeout,

    /// <summary>The operation was stopped.</summary>
    OperationStopped,

    /// <summary>Not enough of a resource (memory, CPUs).</summary>
    LimitsExceeded,

    /// <summary>The object already exists.</summary>
    ResourceExists,

    /// <summary>The resource is in use.</summary>
    ResourceBusy,

    /// <summary>A parser refused input.</summary>
    ParserError,

    /// <summary>The result is not what was expected (a partial failure).</summary>
    InvalidResult,

    /// <summary>Reading or writing failed.</summary>
    WriteError,

    /// <summary>Reading failed.</summary>
    ReadError,

    /// <summary>A device failed.</summary>
    DeviceError,
}

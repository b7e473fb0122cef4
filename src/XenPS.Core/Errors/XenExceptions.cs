namespace XenPS;

/// <summary>The base of every failure XenPS reports: a stable error id, a category, the host and the domain involved.</summary>
public abstract class XenException : Exception
{
    /// <summary>Creates the exception.</summary>
    protected XenException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    /// <summary>A stable PascalCase id (<c>DomainNotFound</c>, <c>XlCommandFailed</c>, ...), the ErrorRecord's FullyQualifiedErrorId.</summary>
    public abstract string ErrorId { get; }

    /// <summary>The category of the failure.</summary>
    public abstract XenErrorCategory Category { get; }

    /// <summary>The host the failure happened on, when known.</summary>
    public string? HostName { get; init; }

    /// <summary>The domain involved, as it was named (name or id), when known.</summary>
    public string? Domain { get; init; }

    /// <summary>
    /// The domain's name when xl was given its id (XenPS passes running domains to xl by domid): the
    /// message then says <c>domain 'web1' (id 7)</c> instead of <c>domain '7'</c>.
    /// </summary>
    public string? DomainName { get; private set; }

    /// <inheritdoc />
    public override string Message => DomainName is null || Domain is null
        ? base.Message
        : base.Message.Replace($"omain '{Domain}'", $"omain '{DomainName}' (id {Domain})", StringComparison.Ordinal);

    /// <summary>Names the domain that <see cref="Domain"/> (a domid) stands for, in the message too.</summary>
    public void NameDomain(string name)
    {
        if (Domain is { Length: > 0 } d && d.All(char.IsAsciiDigit) && name != d)
        {
            DomainName = name;
        }
    }
}

/// <summary>No domain of that name or id exists on the host.</summary>
public sealed class XenDomainNotFoundException : XenException
{
    /// <summary>Creates the exception for <paramref name="domain"/> on <paramref name="hostName"/>.</summary>
    public XenDomainNotFoundException(string domain, string? hostName, string? detail = null)
        : base(detail is null
            ? $"Domain '{domain}' was not found on host '{hostName}'."
            : $"Domain '{domain}' was not found on host '{hostName}': {detail}")
    {
        Domain = domain;
        HostName = hostName;
    }

    /// <inheritdoc />
    public override string ErrorId => "DomainNotFound";

    /// <inheritdoc />
    public override XenErrorCategory Category => XenErrorCategory.ObjectNotFound;
}

/// <summary>An xl (or xenstore-*) command failed: its exit code and its own words on stderr, verbatim.</summary>
public class XlCommandException : XenException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="commandLine">The command as run, for display (e.g. <c>xl mem-set web1 4096m</c>).</param>
    /// <param name="exitCode">The exit code.</param>
    /// <param name="standardError">xl's stderr, verbatim.</param>
    /// <param name="hostName">The host it ran on.</param>
    /// <param name="domain">The domain involved, if any.</param>
    public XlCommandException(string commandLine, int exitCode, string standardError, string? hostName, string? domain = null)
        : this(commandLine, exitCode, standardError, hostName, domain, FormatMessage(commandLine, exitCode, standardError, hostName, domain))
    {
    }

    /// <summary>Creates the exception with its own message (for failures XenPS words itself).</summary>
    protected XlCommandException(string commandLine, int exitCode, string standardError, string? hostName, string? domain, string message)
        : base(message)
    {
        CommandLine = commandLine;
        ExitCode = exitCode;
        StandardError = standardError;
        HostName = hostName;
        Domain = domain;
    }

    /// <summary>The command as run.</summary>
    public string CommandLine { get; }

    /// <summary>The exit code.</summary>
    public int ExitCode { get; }

    /// <summary>xl's stderr, verbatim.</summary>
    public string StandardError { get; }

    /// <inheritdoc />
    public override string ErrorId => "XlCommandFailed";

    /// <inheritdoc />
    public override XenErrorCategory Category => XenErrorCategory.InvalidOperation;

    private static string FormatMessage(string commandLine, int exitCode, string standardError, string? hostName, string? domain)
    {
        string what = domain is null ? string.Empty : $" for domain '{domain}'";
        string words = standardError.Trim();
        return words.Length == 0
            ? $"'{commandLine}' failed{what} on host '{hostName}' with exit code {exitCode}."
            : $"'{commandLine}' failed{what} on host '{hostName}' with exit code {exitCode}: {words}";
    }
}

/// <summary>
/// <c>xl vcpu-set</c> refused more vCPUs than the host has physical CPUs ("You are overcommmitting!"): not a
/// memory shortage. <c>Set-XenDomain -VCpu N -AllowOvercommit</c> passes xl's <c>--ignore-host</c>.
/// </summary>
public sealed class XenVCpuOvercommitException : XlCommandException
{
    /// <summary>Creates the exception.</summary>
    public XenVCpuOvercommitException(string commandLine, int exitCode, string standardError, string? hostName, string? domain = null)
        : base(commandLine, exitCode, standardError, hostName, domain)
    {
    }

    /// <inheritdoc />
    public override string ErrorId => "VCpuOvercommit";

    /// <inheritdoc />
    public override XenErrorCategory Category => XenErrorCategory.LimitsExceeded;
}

/// <summary>The host has not enough free memory for the operation.</summary>
public sealed class XenInsufficientMemoryException : XlCommandException
{
    /// <summary>Creates the exception.</summary>
    public XenInsufficientMemoryException(string commandLine, int exitCode, string standardError, string? hostName, string? domain = null)
        : base(commandLine, exitCode, standardError, hostName, domain)
    {
    }

    /// <inheritdoc />
    public override string ErrorId => "InsufficientMemory";

    /// <inheritdoc />
    public override XenErrorCategory Category => XenErrorCategory.LimitsExceeded;
}

/// <summary>A device (vdev, vif) is already in use.</summary>
public sealed class XenDeviceInUseException : XlCommandException
{
    /// <summary>Creates the exception.</summary>
    public XenDeviceInUseException(string commandLine, int exitCode, string standardError, string? hostName, string? domain = null)
        : base(commandLine, exitCode, standardError, hostName, domain)
    {
    }

    /// <inheritdoc />
    public override string ErrorId => "DeviceInUse";

    /// <inheritdoc />
    public override XenErrorCategory Category => XenErrorCategory.ResourceBusy;
}

/// <summary>A domain of that name already exists (create, rename, restore).</summary>
public sealed class XenDomainExistsException : XlCommandException
{
    /// <summary>Creates the exception.</summary>
    public XenDomainExistsException(string commandLine, int exitCode, string standardError, string? hostName, string? domain = null)
        : base(commandLine, exitCode, standardError, hostName, domain)
    {
    }

    /// <summary>Creates the exception for a domain whose config file exists (a create without -Force found it there).</summary>
    /// <param name="domain">The domain.</param>
    /// <param name="hostName">The host.</param>
    /// <param name="configPath">The config file that exists.</param>
    public XenDomainExistsException(string domain, string? hostName, string configPath)
        : base($"create-exclusive {configPath}", 17, $"{configPath}: File exists", hostName, domain,
            $"Domain '{domain}' already exists on host '{hostName}': its config file '{configPath}' is there. Nothing was written; use -Force to overwrite it.")
    {
    }

    /// <inheritdoc />
    public override string ErrorId => "DomainExists";

    /// <inheritdoc />
    public override XenErrorCategory Category => XenErrorCategory.ResourceExists;
}

/// <summary>How a migration failed, from xl's own words (<c>tools/xl/xl_migrate.c</c>) and the ssh client's.</summary>
public enum XenMigrationFailureKind
{
    /// <summary>xl's words match no known failure; read them in the message.</summary>
    Other,

    /// <summary>"Migration failed, resuming at sender." (or "Migration failed due to problems at target." after "Resumed OK."): the guest runs at the source.</summary>
    ResumedAtSource,

    /// <summary>"Migration failed, failed to suspend at sender.": the source could not suspend the guest (a PV guest without shadow paging: "Failed to enable logdirty: 95").</summary>
    SuspendFailed,

    /// <summary>"** Migration failed during final handshake **" (or xl stopped part-way): the guest may run at the source, the destination, both or neither.</summary>
    StateUndefined,

    /// <summary>The source could not reach the destination with ssh: nothing moved.</summary>
    HostUnreachable,

    /// <summary>The destination refused the source's ssh credentials: nothing moved.</summary>
    AuthenticationFailed,

    /// <summary>XenPS refused before running xl: the prechecks found problems (use -Force to try anyway).</summary>
    Refused,
}

/// <summary>Where XenPS found the guest after a failed migration (it looks on both hosts, by UUID).</summary>
public enum XenMigrationLocation
{
    /// <summary>Not looked (or could not look).</summary>
    Unknown,

    /// <summary>Only at the source.</summary>
    Source,

    /// <summary>Only at the destination.</summary>
    Destination,

    /// <summary>A domain with the guest's UUID exists on both hosts.</summary>
    Both,

    /// <summary>On neither host.</summary>
    Neither,
}

/// <summary>A migration failed: <see cref="Kind"/> says how, xl's words are kept verbatim, and <see cref="Finding"/> says what XenPS saw on both hosts afterwards.</summary>
public sealed class XenMigrationException : XlCommandException
{
    /// <summary>Creates the exception.</summary>
    public XenMigrationException(string commandLine, int exitCode, string standardError, string? hostName, string? domain, XenMigrationFailureKind kind)
        : base(commandLine, exitCode, standardError, hostName, domain)
    {
        Kind = kind;
    }

    /// <summary>Creates the exception for a failure XenPS words itself (a refusal, a timeout).</summary>
    public XenMigrationException(string commandLine, int exitCode, string standardError, string? hostName, string? domain, XenMigrationFailureKind kind, string message)
        : base(commandLine, exitCode, standardError, hostName, domain, message)
    {
        Kind = kind;
    }

    /// <summary>How the migration failed.</summary>
    public XenMigrationFailureKind Kind { get; }

    /// <summary>True when the guest's state is undefined ("Migration failed during final handshake"): check both hosts.</summary>
    public bool StateUndefined => Kind == XenMigrationFailureKind.StateUndefined;

    /// <summary>The destination host, when known.</summary>
    public string? Destination { get; set; }

    /// <summary>True when XenPS's prechecks refused the migration before xl ran (nothing moved).</summary>
    public bool Prechecked { get; init; }

    /// <summary>Where XenPS found the guest afterwards.</summary>
    public XenMigrationLocation Location { get; set; }

    /// <summary>What XenPS saw on both hosts after the failure (a sentence), or <see langword="null"/>.</summary>
    public string? Finding { get; set; }

    /// <inheritdoc />
    public override string Message
    {
        get
        {
            if (Prechecked)
            {
                // Refused by the prechecks: XenPS's own sentence names both hosts and every reason.
                return base.Message + (Finding is null ? string.Empty : " " + Finding);
            }

            string head = Kind switch
            {
                XenMigrationFailureKind.ResumedAtSource => "Migration failed; the guest was resumed at the source. ",
                XenMigrationFailureKind.SuspendFailed => "Migration failed: the source could not suspend the guest. ",
                XenMigrationFailureKind.StateUndefined => "Migration failed during the final handshake: the guest's state is undefined; XenPS does not retry. ",
                XenMigrationFailureKind.HostUnreachable => "Migration failed before anything moved: the source could not reach the destination. ",
                XenMigrationFailureKind.AuthenticationFailed => "Migration failed before anything moved: the destination refused the source's ssh credentials. ",
                _ => string.Empty,
            };
            string to = Destination is null ? string.Empty : $"(destination '{Destination}') ";
            return head + to + base.Message + (Finding is null ? string.Empty : " " + Finding);
        }
    }

    /// <inheritdoc />
    public override string ErrorId => Kind switch
    {
        XenMigrationFailureKind.ResumedAtSource => "MigrationFailedResumedAtSource",
        XenMigrationFailureKind.SuspendFailed => "MigrationSuspendFailed",
        XenMigrationFailureKind.StateUndefined => "MigrationStateUndefined",
        XenMigrationFailureKind.HostUnreachable => "HostUnreachable",
        XenMigrationFailureKind.AuthenticationFailed => "AuthenticationFailed",
        XenMigrationFailureKind.Refused => "MigrationPrecheckFailed",
        _ => "MigrationFailed",
    };

    /// <inheritdoc />
    public override XenErrorCategory Category => Kind switch
    {
        XenMigrationFailureKind.StateUndefined => XenErrorCategory.InvalidResult,
        XenMigrationFailureKind.HostUnreachable => XenErrorCategory.ConnectionError,
        XenMigrationFailureKind.AuthenticationFailed => XenErrorCategory.PermissionDenied,
        _ => XenErrorCategory.InvalidOperation,
    };
}

/// <summary>The host cannot be reached (ssh exit 255: connection refused, no route, name not known, timeout).</summary>
public sealed class XenHostUnreachableException : XenException
{
    /// <summary>Creates the exception with the ssh client's own message.</summary>
    public XenHostUnreachableException(string hostName, string sshMessage, Exception? innerException = null)
        : base($"Host '{hostName}' is unreachable: {sshMessage.Trim()}", innerException)
    {
        HostName = hostName;
        SshMessage = sshMessage;
    }

    /// <summary>What the ssh client said.</summary>
    public string SshMessage { get; }

    /// <inheritdoc />
    public override string ErrorId => "HostUnreachable";

    /// <inheritdoc />
    public override XenErrorCategory Category => XenErrorCategory.ConnectionError;
}

/// <summary>The host refused the credentials (ssh: <c>Permission denied (publickey).</c>, host key verification failed).</summary>
public sealed class XenAuthenticationException : XenException
{
    /// <summary>Creates the exception with the ssh client's own message.</summary>
    public XenAuthenticationException(string hostName, string sshMessage)
        : base($"Authentication to host '{hostName}' failed: {sshMessage.Trim()}")
    {
        HostName = hostName;
        SshMessage = sshMessage;
    }

    /// <summary>What the ssh client said.</summary>
    public string SshMessage { get; }

    /// <inheritdoc />
    public override string ErrorId => "AuthenticationFailed";

    /// <inheritdoc />
    public override XenErrorCategory Category => XenErrorCategory.PermissionDenied;
}

/// <summary>An operation did not finish in time.</summary>
public sealed class XenTimeoutException : XenException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="operation">What timed out.</param>
    /// <param name="timeout">The limit.</param>
    /// <param name="hostName">The host.</param>
    /// <param name="domain">The domain, if any.</param>
    /// <param name="detail">A last sentence: what goes on regardless (e.g. that a requested shutdown still happens).</param>
    public XenTimeoutException(string operation, TimeSpan timeout, string? hostName, string? domain = null, string? detail = null)
        : base((domain is null
            ? $"{operation} on host '{hostName}' did not finish within {timeout.TotalSeconds:0.#} s."
            : $"{operation} of domain '{domain}' on host '{hostName}' did not finish within {timeout.TotalSeconds:0.#} s.") + (detail is null ? string.Empty : " " + detail))
    {
        Operation = operation;
        Timeout = timeout;
        HostName = hostName;
        Domain = domain;
    }

    /// <summary>What timed out.</summary>
    public string Operation { get; }

    /// <summary>The limit that was exceeded.</summary>
    public TimeSpan Timeout { get; }

    /// <inheritdoc />
    public override string ErrorId => "OperationTimedOut";

    /// <inheritdoc />
    public override XenErrorCategory Category => XenErrorCategory.OperationTimeout;
}

/// <summary>xl.cfg text is not valid: the file, the 1-based line and column of the offending token, and what was expected.</summary>
public sealed class XenConfigException : XenException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong (e.g. <c>expected a value after '='</c>).</param>
    /// <param name="fileName">The file, or <see langword="null"/> for text.</param>
    /// <param name="line">1-based line.</param>
    /// <param name="column">1-based column.</param>
    public XenConfigException(string message, string? fileName, int line, int column)
        : base($"{fileName ?? "<config>"}:{line}:{column}: {message}")
    {
        Reason = message;
        FileName = fileName;
        Line = line;
        Column = column;
    }

    /// <summary>What is wrong, without the position.</summary>
    public string Reason { get; }

    /// <summary>The file, or <see langword="null"/> for text.</summary>
    public string? FileName { get; }

    /// <summary>1-based line of the offending token.</summary>
    public int Line { get; }

    /// <summary>1-based column of the offending token.</summary>
    public int Column { get; }

    /// <inheritdoc />
    public override string ErrorId => "ConfigSyntax";

    /// <inheritdoc />
    public override XenErrorCategory Category => XenErrorCategory.ParserError;
}

/// <summary>
/// A file on the host was not written: the data that arrived did not match what was sent (size, SHA-256), or a
/// step of the atomic write failed (<see cref="FileUnchanged"/>: the file is as it was), or the host never said
/// how the write ended.
/// </summary>
public sealed class XenHostWriteException : XenException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="path">The file that was to be written.</param>
    /// <param name="hostName">The host.</param>
    /// <param name="reason">What went wrong, in the host's words where it gave any.</param>
    /// <param name="innerException">The transport's failure, if that was the cause.</param>
    /// <param name="fileUnchanged">Whether the host reported that it left the file as it was (false: the write was not confirmed either way).</param>
    public XenHostWriteException(string path, string? hostName, string reason, bool fileUnchanged = true, Exception? innerException = null)
        : base(fileUnchanged
            ? $"Writing '{path}' on host '{hostName}' failed; the file is unchanged: {reason.Trim()}"
            : $"Writing '{path}' on host '{hostName}' was not confirmed; check whether the file was replaced: {reason.Trim()}", innerException)
    {
        FileUnchanged = fileUnchanged;
        Path = path;
        HostName = hostName;
        Reason = reason.Trim();
    }

    /// <summary>The file that was to be written.</summary>
    public string Path { get; }

    /// <summary>What went wrong.</summary>
    public string Reason { get; }

    /// <summary>True when the host reported that the file was left as it was.</summary>
    public bool FileUnchanged { get; }

    /// <inheritdoc />
    public override string ErrorId => "HostWriteFailed";

    /// <inheritdoc />
    public override XenErrorCategory Category => XenErrorCategory.WriteError;
}

/// <summary>An exclusive create found something (a file, a link, a folder) already at the path; nothing was written.</summary>
public sealed class XenHostFileExistsException : XenException
{
    /// <summary>Creates the exception.</summary>
    public XenHostFileExistsException(string path, string? hostName)
        : base($"'{path}' already exists on host '{hostName}'; it was left as it is.")
    {
        Path = path;
        HostName = hostName;
    }

    /// <summary>The path that exists.</summary>
    public string Path { get; }

    /// <inheritdoc />
    public override string ErrorId => "HostFileExists";

    /// <inheritdoc />
    public override XenErrorCategory Category => XenErrorCategory.ResourceExists;
}

/// <summary>
/// Output of xl (or of a XenPS host script) that XenPS does not understand: the command, the host and the
/// offending line, so the user can see what the host printed.
/// </summary>
public sealed class XenOutputNotUnderstoodException : XenException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="command">The command whose output it was, as shown to the user (e.g. <c>xl list -v</c>).</param>
    /// <param name="hostName">The host.</param>
    /// <param name="line">The offending line (or text), verbatim.</param>
    /// <param name="reason">What is wrong with it.</param>
    public XenOutputNotUnderstoodException(string command, string? hostName, string line, string reason)
        : base($"'{command}' on host '{hostName}' printed output XenPS does not understand ({reason}): '{line}'")
    {
        Command = command;
        HostName = hostName;
        Line = line;
        Reason = reason;
    }

    /// <summary>The command.</summary>
    public string Command { get; }

    /// <summary>The offending line.</summary>
    public string Line { get; }

    /// <summary>What is wrong with it.</summary>
    public string Reason { get; }

    /// <inheritdoc />
    public override string ErrorId => "XlOutputNotUnderstood";

    /// <inheritdoc />
    public override XenErrorCategory Category => XenErrorCategory.ParserError;
}

/// <summary>A request XenPS refuses before anything runs (bad value, wrong state, file exists without -Force); <see cref="ErrorId"/> says which.</summary>
public sealed class XenOperationException : XenException
{
    private readonly string _errorId;
    private readonly XenErrorCategory _category;

    /// <summary>Creates the exception.</summary>
    /// <param name="errorId">A stable PascalCase id, e.g. <c>ConfigExists</c>, <c>DomainRunning</c>, <c>InvalidConfig</c>.</param>
    /// <param name="category">The category.</param>
    /// <param name="message">A full sentence naming the domain and host.</param>
    public XenOperationException(string errorId, XenErrorCategory category, string message)
        : base(message)
    {
        _errorId = errorId;
        _category = category;
    }

    /// <inheritdoc />
    public override string ErrorId => _errorId;

    /// <inheritdoc />
    public override XenErrorCategory Category => _category;
}

/// <summary>
/// A step of a multi-step operation (rename with its config file, create and start, set with -Persist, remove
/// with its autostart link) failed. The message says which steps had happened, which failed (in xl's or the
/// host's own words) and what was undone. The id is the failed step's own while everything done was undone
/// (or nothing needed undoing); <c>OperationIncomplete</c> when an undo failed too and the steps are half done.
/// </summary>
public sealed class XenStepsException : XenException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">The whole story, as one message.</param>
    /// <param name="failure">The failure of the step that failed.</param>
    /// <param name="done">What had happened before the failure (in order), as phrases.</param>
    /// <param name="undone">What was undone afterwards (in order), as phrases.</param>
    /// <param name="complete">Whether every undo that was needed succeeded.</param>
    public XenStepsException(string message, Exception failure, IReadOnlyList<string> done, IReadOnlyList<string> undone, bool complete)
        : base(message, failure)
    {
        Done = done;
        Undone = undone;
        RolledBack = complete;
        HostName = (failure as XenException)?.HostName;
        Domain = (failure as XenException)?.Domain;
    }

    /// <summary>What had happened before the failure.</summary>
    public IReadOnlyList<string> Done { get; }

    /// <summary>What was undone afterwards.</summary>
    public IReadOnlyList<string> Undone { get; }

    /// <summary>Whether everything that needed undoing was undone.</summary>
    public bool RolledBack { get; }

    /// <inheritdoc />
    public override string ErrorId => !RolledBack ? "OperationIncomplete" : InnerException is XenException x ? x.ErrorId : Errors.XenErrorInfo.From(InnerException!).ErrorId;

    /// <inheritdoc />
    public override XenErrorCategory Category => InnerException is XenException x ? x.Category : Errors.XenErrorInfo.From(InnerException!).Category;
}

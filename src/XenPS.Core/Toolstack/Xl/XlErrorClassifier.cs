using System.Globalization;
using System.Text.RegularExpressions;

namespace XenPS.Toolstack.Xl;

/// <summary>
/// Turns what xl said (command line, exit code, stderr) into the typed XenPS exception a user can act on.
/// The simulator raises the same types for the same xl messages by calling <see cref="Classify"/> with the
/// text it prints, so both toolstacks fail alike. xl's own words always stay in the message.
/// </summary>
/// <remarks>The patterns are those of Xen 4.17.7's real outputs (fixtures 018, 118-120, 242-281 of ../shared/fixtures/xen-4.17.7).</remarks>
internal static class XlErrorClassifier
{
    // "nosuchdomain is an invalid domain identifier (rc=-6)" (018, 117, 119, 194, 272-274).
    private static readonly Regex s_invalidDomain = new(@"^(?<dom>.*?) is an invalid domain identifier", RegexOptions.Multiline | RegexOptions.CultureInvariant);

    // xl list <dom>: "Error: Domain 'x' does not exist."; xl domid: "Can't get domid of domain name 'x', maybe this domain does not exist."
    private static readonly Regex s_domainDoesNotExist = new(@"(?:Error: Domain '(?<dom>[^\n]*)' does not exist\.|Can't get domid of domain name '(?<dom>[^\n]*)', maybe this domain does not exist\.)", RegexOptions.CultureInvariant);

    // "/tmp/x.cfg:2: config parsing error near <newline>: syntax error, ..." (configs/xl-dry-run/*.bad).
    private static readonly Regex s_configSyntax = new(@"^(?<file>.*?):(?<line>\d+): config parsing error near (?<rest>.*)$", RegexOptions.Multiline | RegexOptions.CultureInvariant);

    // 'libxl: error: libxl_domain.c:81:libxl__domain_rename: Domain 4:Domain with name "testvm" already exists.' (246, 266).
    private static readonly Regex s_nameExists = new(@"Domain with name ""(?<name>[^""]*)"" already exists", RegexOptions.CultureInvariant);

    private static readonly string[] s_outOfMemory =
    [
        "Out of memory",                 // xc: error: panic: ... can't allocate low memory for domain: Out of memory (243)
        "Cannot allocate memory",        // libxl: error: ... xc_dom_boot_mem_init failed: Cannot allocate memory (243)
        "failed to free memory",         // xl create: freemem() failed
        "not enough memory",
    ];

    /// <summary>The exception for a failed xl (or xenstore-*) command.</summary>
    /// <param name="commandLine">The command as run, e.g. <c>xl mem-set web1 4096m</c> (its xl subcommand picks the rules).</param>
    /// <param name="exitCode">xl's exit code.</param>
    /// <param name="standardError">xl's stderr, verbatim.</param>
    /// <param name="hostName">The host.</param>
    /// <param name="domain">The domain as the caller named it, if any.</param>
    public static XenException Classify(string commandLine, int exitCode, string standardError, string? hostName, string? domain)
    {
        string subcommand = Subcommand(commandLine);
        string stderr = standardError ?? string.Empty;

        Match m = s_invalidDomain.Match(stderr);
        if (!m.Success)
        {
            m = s_domainDoesNotExist.Match(stderr);
        }

        if (m.Success)
        {
            return new XenDomainNotFoundException(domain ?? m.Groups["dom"].Value.Trim(), hostName, stderr.Trim());
        }

        if (subcommand == "migrate")
        {
            return new XenMigrationException(commandLine, exitCode, stderr, hostName, domain, MigrationFailure(stderr));
        }

        m = s_configSyntax.Match(stderr);
        if (m.Success && int.TryParse(m.Groups["line"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int configLine))
        {
            return new XenConfigException(
                "config parsing error near " + m.Groups["rest"].Value.Trim(),
                m.Groups["file"].Value,
                configLine,
                1)
            {
                HostName = hostName,
                Domain = domain,
            };
        }

        if (stderr.Contains("device already exists in xenstore", StringComparison.Ordinal))
        {
            return new XenDeviceInUseException(commandLine, exitCode, stderr, hostName, domain);
        }

        if (s_nameExists.IsMatch(stderr))
        {
            return new XenDomainExistsException(commandLine, exitCode, stderr, hostName, domain);
        }

        // "You are overcommmitting! You have 2 physical CPUs and want 4 vCPUs! Aborting, use --ignore-host to continue" (248; xl's spelling).
        if (subcommand == "vcpu-set" && (stderr.Contains("overcommmitting", StringComparison.Ordinal) || stderr.Contains("overcommitting", StringComparison.Ordinal)))
        {
            return new XenVCpuOvercommitException(commandLine, exitCode, stderr, hostName, domain);
        }

        if (IsInsufficientMemory(subcommand, stderr))
        {
            return new XenInsufficientMemoryException(commandLine, exitCode, stderr, hostName, domain);
        }

        return new XlCommandException(commandLine, exitCode, stderr, hostName, domain);
    }

    /// <summary>
    /// How <c>xl migrate</c> failed, from its own final words (<c>tools/xl/xl_migrate.c</c>; fixtures 114, 147, 278):
    /// only a failure after "Giving target permission to start" leaves the guest's state undefined; the
    /// sender's suspend failing and every other failure leave (or resume) the guest at the source. Before the
    /// receiver said "Ready to receive domain." nothing moved: the ssh client's words tell an unreachable
    /// destination from refused credentials.
    /// </summary>
    public static XenMigrationFailureKind MigrationFailure(string standardError)
    {
        string stderr = standardError ?? string.Empty;
        if (stderr.Contains("Migration failed during final handshake", StringComparison.Ordinal) ||
            stderr.Contains("Domain state is now undefined", StringComparison.Ordinal))
        {
            return XenMigrationFailureKind.StateUndefined;
        }

        if (stderr.Contains("Migration failed, failed to suspend at sender.", StringComparison.Ordinal))
        {
            return XenMigrationFailureKind.SuspendFailed;
        }

        if (stderr.Contains("Migration failed, resuming at sender.", StringComparison.Ordinal) ||
            stderr.Contains("Migration failed due to problems at target.", StringComparison.Ordinal))
        {
            return XenMigrationFailureKind.ResumedAtSource;
        }

        if (!stderr.Contains("migration target: Ready to receive domain.", StringComparison.Ordinal))
        {
            switch (Transport.SshErrors.KindIn(stderr))
            {
                case Transport.SshFailureKind.Authentication:
                    return XenMigrationFailureKind.AuthenticationFailed;
                case Transport.SshFailureKind.Unreachable:
                    return XenMigrationFailureKind.HostUnreachable;
            }
        }

        return XenMigrationFailureKind.Other;
    }

    /// <summary>
    /// Whether xl reported an error on stderr even though it may have exited 0 (275: <c>xl unpause</c> of a
    /// domain that is not paused prints <c>libxl: error: ... Unpausing domain: Invalid argument</c> and exits 0).
    /// </summary>
    private static readonly Regex s_shutDown = new(@"^Domain (?<id>\d+) has been shut down", RegexOptions.Multiline | RegexOptions.CultureInvariant);

    /// <summary>The domid in xl's "Domain 7 has been shut down, reason code 0" (what <c>shutdown -w</c> waits for: fixture 123).</summary>
    public static int? ShutDownDomainId(string standardError)
    {
        Match m = s_shutDown.Match(standardError);
        return m.Success && int.TryParse(m.Groups["id"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int id) ? id : null;
    }

    public static bool ReportsError(string standardError) =>
        !string.IsNullOrEmpty(standardError) &&
        XlListParser.SplitLines(standardError).Any(l => l.StartsWith("libxl: error:", StringComparison.Ordinal) || l.StartsWith("xc: error:", StringComparison.Ordinal));

    /// <summary>
    /// The error for <c>xl unpause</c> of a domain that was not paused (xl prints a libxl error and exits 0; 275).
    /// The simulator raises the same.
    /// </summary>
    public static XenOperationException NotPaused(string domain, string? hostName, string standardError)
    {
        string words = standardError.Trim();
        return new XenOperationException(
            "DomainNotPaused",
            XenErrorCategory.InvalidOperation,
            words.Length == 0
                ? $"Domain '{domain}' on host '{hostName}' is not paused."
                : $"Domain '{domain}' on host '{hostName}' is not paused: {words}")
        {
            HostName = hostName,
            Domain = domain,
        };
    }

    /// <summary>The xl subcommand of a command line (<c>xl -N create f</c> → <c>create</c>); for other programs, the program name.</summary>
    internal static string Subcommand(string commandLine)
    {
        string[] words = commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0)
        {
            return string.Empty;
        }

        if (!string.Equals(Path.GetFileName(words[0]), "xl", StringComparison.Ordinal))
        {
            return Path.GetFileName(words[0]);
        }

        foreach (string w in words.Skip(1))
        {
            if (!w.StartsWith('-'))
            {
                return w;
            }
        }

        return string.Empty;
    }

    private static bool IsInsufficientMemory(string subcommand, string stderr)
    {
        switch (subcommand)
        {
            case "create":
            case "restore":
            case "migrate-receive":
                return s_outOfMemory.Any(p => stderr.Contains(p, StringComparison.OrdinalIgnoreCase));
            case "mem-set":
                // The target above the domain's maximum (120, 251): the domain's memory limit is exceeded.
                return stderr.Contains("memory_dynamic_max must be less than or equal to memory_static_max", StringComparison.Ordinal) ||
                       s_outOfMemory.Any(p => stderr.Contains(p, StringComparison.OrdinalIgnoreCase));
            default:
                return false;
        }
    }
}

namespace XenPS.Transport;

/// <summary>What an ssh exit 255 means.</summary>
internal enum SshFailureKind
{
    /// <summary>Not an ssh failure: the remote command's own result (a remote program may exit 255 too, e.g. <c>xl create</c>).</summary>
    None,

    /// <summary>ssh could not reach the host or lost the connection.</summary>
    Unreachable,

    /// <summary>The host refused the credentials, or its host key could not be verified.</summary>
    Authentication,
}

/// <summary>
/// Tells ssh's own failures from a remote command that exited 255. ssh exits 255 when it fails and
/// writes its reason as the last line of stderr; a remote program's stderr does not end with one of
/// these messages.
/// </summary>
internal static class SshErrors
{
    private static readonly string[] AuthenticationMarkers =
    [
        "Permission denied (",
        "Host key verification failed.",
        "Too many authentication failures",
        "No more authentication methods available",
        "Authentication failed.",
        "No auth methods could be used.", // dropbear's dbclient (the harness's Dom0)
    ];

    private static readonly string[] UnreachableMarkers =
    [
        "ssh: connect to host ",
        "ssh: Could not resolve hostname ",
        "Could not resolve hostname",
        "Connection timed out",
        "Connection refused",
        "Connection closed by ",
        "Connection reset by ",
        "kex_exchange_identification:",
        "ssh_exchange_identification:",
        "No route to host",
        "Network is unreachable",
        "Name or service not known",
        "Temporary failure in name resolution",
        "closed by remote host.",
        "Broken pipe",
        "not responding.",
        "Operation timed out",
        "banner exchange:",
    ];

    public static SshFailureKind Classify(int exitCode, string standardError)
    {
        if (exitCode != 255)
        {
            return SshFailureKind.None;
        }

        string? last = LastLine(standardError);
        if (last is null)
        {
            return SshFailureKind.None;
        }

        foreach (string marker in AuthenticationMarkers)
        {
            if (last.Contains(marker, StringComparison.Ordinal))
            {
                return SshFailureKind.Authentication;
            }
        }

        foreach (string marker in UnreachableMarkers)
        {
            if (last.Contains(marker, StringComparison.Ordinal))
            {
                return SshFailureKind.Unreachable;
            }
        }

        return SshFailureKind.None;
    }

    /// <summary>
    /// The ssh failure named anywhere in <paramref name="text"/>: for output where the ssh client's line is not the
    /// last (xl migrate runs ssh itself and adds its own lines after it, fixture 278).
    /// </summary>
    public static SshFailureKind KindIn(string text)
    {
        string[] lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (lines.Any(l => AuthenticationMarkers.Any(m => l.Contains(m, StringComparison.Ordinal))))
        {
            return SshFailureKind.Authentication;
        }

        return lines.Any(l => UnreachableMarkers.Any(m => l.Contains(m, StringComparison.Ordinal)))
            ? SshFailureKind.Unreachable
            : SshFailureKind.None;
    }

    private static string? LastLine(string text)
    {
        string[] lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length == 0 ? null : lines[^1];
    }

    /// <summary>
    /// Whether the remote login shell could not find <paramref name="program"/>: exit 127 with the shell's
    /// own words (bash: <c>bash: line 1: xl: command not found</c>; dash: <c>sh: 1: xl: not found</c>;
    /// busybox: <c>sh: xl: not found</c>; a path: <c>...: /usr/sbin/xl: No such file or directory</c>).
    /// </summary>
    public static bool IsRemoteCommandNotFound(int exitCode, string standardError, string program)
    {
        if (exitCode != 127)
        {
            return false;
        }

        return standardError.Contains($": {program}: command not found", StringComparison.Ordinal)
            || standardError.Contains($": {program}: not found", StringComparison.Ordinal)
            || standardError.Contains($": {program}: No such file or directory", StringComparison.Ordinal);
    }
}

using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace XenPS.Transport;

/// <summary>
/// Picks and prepares the private folder for ssh's multiplexing control sockets. Whoever can open a
/// control socket can run commands over the connection, so the folder must be the user's own, mode 0700.
/// </summary>
[UnsupportedOSPlatform("windows")]
internal static class SshControlDirectory
{
    /// <summary>
    /// Unix socket paths are limited to 104 bytes on BSD/macOS (108 on Linux). ssh binds
    /// <c>&lt;dir&gt;/%C</c> (40 hex characters) plus a temporary suffix of 17 characters while it sets up a master.
    /// </summary>
    internal const int MaxSocketPath = 103;

    internal const int SocketNameLength = 1 + 40 + 17;

    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Returns the folder to use, created 0700.</summary>
    /// <param name="configured">The folder the caller asked for, or <see langword="null"/>.</param>
    /// <param name="reason">Why a fallback was taken, for the log; <see langword="null"/> when the first choice was used.</param>
    public static string Prepare(string? configured, out string? reason)
    {
        reason = null;
        if (configured is not null)
        {
            string full = Path.GetFullPath(configured);
            EnsureUsable(full, nameof(configured));
            if (!Directory.Exists(full))
            {
                Directory.CreateDirectory(full, Private);
            }

            File.SetUnixFileMode(full, Private);
            return full;
        }

        string? runtime = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
        if (!string.IsNullOrEmpty(runtime) && Path.IsPathFullyQualified(runtime) && Directory.Exists(runtime))
        {
            // $XDG_RUNTIME_DIR is the user's own 0700 folder (XDG Base Directory Specification).
            string candidate = Path.Combine(runtime, "xenps-ssh");
            if (IsUsable(candidate))
            {
                try
                {
                    Directory.CreateDirectory(candidate, Private);
                    File.SetUnixFileMode(candidate, Private);
                    return candidate;
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    reason = $"'{candidate}' cannot be used ({ex.Message})";
                }
            }
            else
            {
                reason = $"'{candidate}' is too long for a socket path";
            }
        }

        uint? uid = EffectiveUserId();
        if (uid is not null)
        {
            string shared = $"/tmp/xenps-ssh-{uid}";
            if (TryOwnDirectory(shared, uid.Value, out string? why))
            {
                return shared;
            }

            reason = why;
        }

        // Last resort: a fresh folder of this process, unique and created 0700 by .NET.
        DirectoryInfo fresh = Directory.CreateTempSubdirectory("xenps-ssh-");
        if (!IsUsable(fresh.FullName))
        {
            fresh.Delete();
            fresh = CreateUnder("/tmp");
        }

        File.SetUnixFileMode(fresh.FullName, Private);
        return fresh.FullName;
    }

    /// <summary>Whether a socket in <paramref name="directory"/> fits the socket path limit and ssh's option syntax.</summary>
    internal static bool IsUsable(string directory) =>
        directory.Length + SocketNameLength <= MaxSocketPath
        && !directory.Any(c => char.IsWhiteSpace(c) || c is '"' or '\'' or '%' or '\\');

    private static void EnsureUsable(string directory, string paramName)
    {
        if (!IsUsable(directory))
        {
            throw new ArgumentException(
                $"The ssh control directory '{directory}' must be at most {MaxSocketPath - SocketNameLength} characters (Unix socket paths are limited) and hold no spaces, quotes, '%' or '\\'.",
                paramName);
        }
    }

    private static DirectoryInfo CreateUnder(string parent)
    {
        for (int attempt = 0; ; attempt++)
        {
            string path = Path.Combine(parent, "xenps-ssh-" + Path.GetRandomFileName().Replace(".", string.Empty, StringComparison.Ordinal));
            if (Mkdir(path, 0x1C0) == 0)
            {
                return new DirectoryInfo(path);
            }

            if (attempt > 10)
            {
                throw new IOException($"Could not create a private folder for ssh control sockets under '{parent}'.");
            }
        }
    }

    /// <summary>Creates <paramref name="path"/> 0700, or accepts it if it exists as a real folder owned by <paramref name="uid"/>.</summary>
    private static bool TryOwnDirectory(string path, uint uid, out string? reason)
    {
        reason = null;
        try
        {
            if (Mkdir(path, 0x1C0) == 0)
            {
                return true;
            }

            // It exists (or mkdir failed): trust it only if lstat says it is a folder, not a link, and ours.
            if (!TryLStatOwner(path, out uint owner, out bool isDirectory))
            {
                reason = $"the owner of '{path}' cannot be checked on this platform";
                return false;
            }

            if (!isDirectory || owner != uid)
            {
                reason = $"'{path}' is not a folder owned by uid {uid}";
                return false;
            }

            File.SetUnixFileMode(path, Private);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or DllNotFoundException or EntryPointNotFoundException)
        {
            reason = $"'{path}' cannot be used ({ex.Message})";
            return false;
        }
    }

    private static uint? EffectiveUserId()
    {
        try
        {
            return GetEuid();
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    /// <summary>lstat(2) on Linux, where the kernel's struct stat layout is known for x64 and arm64.</summary>
    private static bool TryLStatOwner(string path, out uint owner, out bool isDirectory)
    {
        owner = 0;
        isDirectory = false;
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        (int modeOffset, int uidOffset) = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => (24, 28),
            Architecture.Arm64 => (16, 24),
            _ => (-1, -1),
        };
        if (modeOffset < 0)
        {
            return false;
        }

        byte[] buffer = new byte[512];
        if (LStat(path, buffer) != 0)
        {
            return false;
        }

        uint mode = BitConverter.ToUInt32(buffer, modeOffset);
        owner = BitConverter.ToUInt32(buffer, uidOffset);
        isDirectory = (mode & 0xF000) == 0x4000; // S_IFMT, S_IFDIR
        return true;
    }

    [DllImport("libc", EntryPoint = "geteuid")]
    private static extern uint GetEuid();

    [DllImport("libc", EntryPoint = "mkdir", SetLastError = true)]
    private static extern int Mkdir([MarshalAs(UnmanagedType.LPUTF8Str)] string path, uint mode);

    [DllImport("libc", EntryPoint = "lstat", SetLastError = true)]
    private static extern int LStat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, byte[] buffer);
}

namespace XenPS.Toolstack.Xl;

/// <summary>
/// Fixed POSIX sh scripts for file operations on the host, run as <c>sh -c SCRIPT sh ARG...</c>: user text
/// (paths, contents) only ever travels as positional parameters or standard input, never inside the script,
/// so both transports quote it like any other argument. Output records are NUL-separated.
/// </summary>
internal static class XlHostScripts
{
    /// <summary>Prints <c>yes</c> or <c>no</c>: whether $1 exists (a dangling symbolic link counts).</summary>
    /// <summary>
    /// The migration route probe: runs the ssh words and the address given as arguments ("$@") with <c>xl info</c>
    /// as the remote command, and reports ssh's exit code on the last line of stdout. The script itself exits 0,
    /// so an ssh failure between the two Dom0s (exit 255) is never mistaken for this connection's own ssh failing.
    /// </summary>
    public const string MigrationProbe = "\"$@\" xl info </dev/null 2>&1; echo \"xenps-exit=$?\"";

    public const string Exists = "if [ -e \"$1\" ] || [ -L \"$1\" ]; then echo yes; else echo no; fi";

    /// <summary>Prints $1.</summary>
    public const string Read = "exec cat -- \"$1\"";

    /// <summary>Exit code of <see cref="AtomicWrite"/> when something already exists at the path of a create.</summary>
    public const int WriteExists = 17;

    /// <summary>Exit code of <see cref="AtomicWrite"/> when it failed, leaving the file as it was; stderr says why.</summary>
    public const int WriteFailed = 3;

    /// <summary>How <see cref="AtomicWrite"/> marks its own messages on stderr.</summary>
    public const string WriteMarker = "xenps-write: ";

    /// <summary>
    /// Writes stdin to $1 so that the file is either replaced whole or not touched: stdin goes to a temporary file
    /// beside the target (mode 0600 while it is written), whose size and SHA-256 are checked against $2 and $3 (what
    /// was sent; a cut-off or corrupt transfer fails here), then it is renamed onto the target.
    /// $4 <c>replace</c>: a symbolic link is written through (its target is replaced, the link stays); an existing
    /// file's owner and mode are kept; a new file gets mode $5. $4 <c>create</c>: the file is made only if nothing
    /// (file, link, dangling link, folder) is at the path at that moment: link(2) onto the name is atomic and fails
    /// with EEXIST otherwise, in GNU coreutils and busybox alike (<c>mv -n</c> checks, then renames: not atomic).
    /// Exit <see cref="WriteExists"/> when the path exists, <see cref="WriteFailed"/> with a
    /// <see cref="WriteMarker"/> message when the file was left as it was. Tested with dash, bash and busybox sh.
    /// </summary>
    public const string AtomicWrite = """
        t=$1 size=$2 sum=$3 how=$4 mode=$5
        fail() { printf 'xenps-write: %s\n' "$*" >&2; exit 3; }
        case $t in /*) ;; *) t=./$t ;; esac
        if [ "$how" = create ]; then
          if [ -e "$t" ] || [ -L "$t" ]; then printf 'xenps-write: %s: File exists\n' "$t" >&2; exit 17; fi
        elif [ -L "$t" ]; then
          r=$(readlink -f -- "$t") && [ -n "$r" ] || fail "cannot resolve the symbolic link $t"
          t=$r
        fi
        d=$(dirname -- "$t") && b=$(basename -- "$t") || fail "cannot split $t"
        umask 077
        tmp=$(mktemp "$d/.$b.xenps.XXXXXX") || fail "cannot create a temporary file in $d"
        trap 'rm -f -- "$tmp"' EXIT
        trap 'exit 129' HUP INT TERM PIPE
        cat >"$tmp" || fail "cannot write $tmp"
        got=$(wc -c <"$tmp" | tr -d ' \t') && hash=$(sha256sum <"$tmp") || fail "cannot measure $tmp"
        hash=${hash%% *}
        [ "$got" = "$size" ] && [ "$hash" = "$sum" ] || fail "received $got of $size bytes (sha256 $hash, expected $sum)"
        if [ "$how" != create ] && [ -e "$t" ]; then
          o=$(stat -c %u:%g -- "$t") && m=$(stat -c %a -- "$t") || fail "cannot read the owner and mode of $t"
          chown -- "$o" "$tmp" 2>/dev/null || [ "$(stat -c %u:%g -- "$tmp")" = "$o" ] || fail "cannot give the new file the owner $o of $t"
          chmod -- "$m" "$tmp" || fail "cannot give the new file the mode $m of $t"
        else
          chmod -- "$mode" "$tmp" || fail "cannot set mode $mode"
        fi
        if [ "$how" = create ]; then
          if ! e=$(link -- "$tmp" "$t" 2>&1); then
            if [ -e "$t" ] || [ -L "$t" ]; then printf 'xenps-write: %s: File exists\n' "$t" >&2; exit 17; fi
            fail "$e"
          fi
          rm -f -- "$tmp"
        else
          mv -f -- "$tmp" "$t" || fail "cannot rename the verified file onto $t"
        fi
        trap - EXIT
        """;

    /// <summary>Deletes $1 (file or symbolic link); no error when absent.</summary>
    public const string Delete = "exec rm -f -- \"$1\"";

    /// <summary>Lists the folder $1: records <c>KIND\0NAME\0</c>, KIND being d or f, then l or -.</summary>
    public const string ListDirectory =
        "cd -- \"$1\" || exit 1; " +
        "for f in * .[!.]* ..?*; do " +
        "[ -e \"$f\" ] || [ -L \"$f\" ] || continue; " +
        "if [ -d \"$f\" ]; then k=d; else k=f; fi; if [ -L \"$f\" ]; then k=${k}l; else k=${k}-; fi; " +
        "printf '%s\\0%s\\0' \"$k\" \"$f\"; done";

    /// <summary>Makes $1 a symbolic link to $2, replacing what was there.</summary>
    public const string Symlink = "exec ln -sfn -- \"$2\" \"$1\"";

    /// <summary>Every Linux bridge (a <c>/sys/class/net/NAME/bridge</c> folder) as <c>B\0NAME\0</c>, each followed by its ports (<c>brif</c>) as <c>I\0PORT\0</c>.</summary>
    public const string Bridges =
        "for b in /sys/class/net/*/bridge; do [ -d \"$b\" ] || continue; d=${b%/bridge}; " +
        "printf 'B\\0%s\\0' \"${d##*/}\"; " +
        "for i in \"$d\"/brif/*; do [ -e \"$i\" ] || [ -L \"$i\" ] || continue; printf 'I\\0%s\\0' \"${i##*/}\"; done; done; exit 0";

    /// <summary>Exit code of <see cref="CreateDiskImage"/> when the path exists already.</summary>
    public const int ImageExistsExit = 17;

    /// <summary>Exit code of <see cref="CreateDiskImage"/> when <c>qemu-img</c> is not installed.</summary>
    public const int ProgramMissingExit = 127;

    /// <summary>
    /// Creates the image $1 of $2 bytes in format $3 (<c>raw</c>: <c>truncate</c>, zeros written first when $4 is 1;
    /// <c>qcow2</c>: <c>qemu-img create</c>), never over an existing file (exit 17; a missing qemu-img exits 127),
    /// then prints <c>SIZE BLOCKS BLOCKSIZE</c> (<c>stat</c>).
    /// </summary>
    public const string CreateDiskImage =
        "p=$1; n=$2; f=$3; pre=$4; " +
        "if [ -e \"$p\" ] || [ -L \"$p\" ]; then echo \"$p: File exists\" >&2; exit 17; fi; " +
        "case $f in " +
        "raw) (set -C; : > \"$p\") || exit 1; " +
        "if [ \"$pre\" = 1 ]; then dd if=/dev/zero of=\"$p\" bs=1048576 count=$(( (n + 1048575) / 1048576 )) 2>/dev/null || { rm -f -- \"$p\"; exit 1; }; fi; " +
        "truncate -s \"$n\" -- \"$p\" || { rm -f -- \"$p\"; exit 1; } ;; " +
        "qcow2) command -v qemu-img >/dev/null 2>&1 || { echo 'qemu-img: not found' >&2; exit 127; }; " +
        "if [ \"$pre\" = 1 ]; then o=preallocation=full; else o=preallocation=off; fi; " +
        "qemu-img create -q -f qcow2 -o \"$o\" \"$p\" \"$n\" >&2 || exit 1 ;; " +
        "*) echo \"unknown format $f\" >&2; exit 2 ;; esac; " +
        "exec stat -c '%s %b %B' -- \"$p\"";

    /// <summary>Reads <see cref="Bridges"/> output.</summary>
    public static IReadOnlyList<(string Name, IReadOnlyList<string> Interfaces)> ParseBridges(string output)
    {
        var list = new List<(string, List<string>)>();
        string[] parts = output.Split('\0');
        for (int i = 0; i + 1 < parts.Length; i += 2)
        {
            switch (parts[i])
            {
                case "B":
                    list.Add((parts[i + 1], new List<string>()));
                    break;
                case "I" when list.Count > 0:
                    list[^1].Item2.Add(parts[i + 1]);
                    break;
                default:
                    throw new FormatException($"Unexpected record '{parts[i]}' in the host's bridge listing.");
            }
        }

        return list.Select(b => (b.Item1, (IReadOnlyList<string>)b.Item2)).ToList();
    }

    /// <summary>
    /// Every <c>$1/*.cfg</c> file as <c>C\0PATH\0REALPATH\0CONTENT\0</c> and every entry of the auto-start
    /// folder $2 as <c>A\0PATH\0REALPATH\0</c>: one call however many files there are.
    /// </summary>
    public const string ConfigInventory =
        "for f in \"$1\"/*.cfg; do [ -f \"$f\" ] || continue; " +
        "r=$(readlink -f -- \"$f\" 2>/dev/null) || r=$f; " +
        "printf 'C\\0%s\\0%s\\0' \"$f\" \"$r\"; cat -- \"$f\" 2>/dev/null; printf '\\0'; done; " +
        "for f in \"$2\"/*; do [ -e \"$f\" ] || [ -L \"$f\" ] || continue; " +
        "r=$(readlink -f -- \"$f\" 2>/dev/null) || r=$f; " +
        "printf 'A\\0%s\\0%s\\0' \"$f\" \"$r\"; done; exit 0";

    /// <summary>A config file found by <see cref="ConfigInventory"/>.</summary>
    internal sealed record ConfigFile(string Path, string RealPath, string Content);

    /// <summary>An auto-start entry found by <see cref="ConfigInventory"/>.</summary>
    internal sealed record AutoEntry(string Path, string RealPath);

    public static (IReadOnlyList<ConfigFile> Configs, IReadOnlyList<AutoEntry> Auto) ParseInventory(string output)
    {
        var configs = new List<ConfigFile>();
        var auto = new List<AutoEntry>();
        string[] parts = output.Split('\0');
        int i = 0;
        while (i < parts.Length)
        {
            switch (parts[i])
            {
                case "C" when i + 3 < parts.Length:
                    configs.Add(new ConfigFile(parts[i + 1], parts[i + 2], parts[i + 3]));
                    i += 4;
                    break;
                case "A" when i + 2 < parts.Length:
                    auto.Add(new AutoEntry(parts[i + 1], parts[i + 2]));
                    i += 3;
                    break;
                case "":
                    i++;
                    break;
                default:
                    throw new XlOutputFormatException("sh -c <xenps:config-inventory>", parts[i], "an unknown record");
            }
        }

        return (configs, auto);
    }

    public static IReadOnlyList<XenHostFileEntry> ParseDirectory(string output)
    {
        var list = new List<XenHostFileEntry>();
        string[] parts = output.Split('\0');
        for (int i = 0; i + 1 < parts.Length; i += 2)
        {
            string kind = parts[i];
            if (kind.Length != 2)
            {
                throw new XlOutputFormatException("sh -c <xenps:list-folder>", kind, "an unknown record");
            }

            list.Add(new XenHostFileEntry(parts[i + 1], kind[0] == 'd', kind[1] == 'l'));
        }

        return list;
    }
}

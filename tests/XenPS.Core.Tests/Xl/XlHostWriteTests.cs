using System.Diagnostics;
using XenPS.Toolstack;

namespace XenPS.Core.Tests.Xl;

/// <summary>
/// The verified atomic write (XlHostScripts.AtomicWrite) run for real, by every POSIX shell on this machine that a
/// Dom0 may have as <c>sh</c>: dash (Debian), bash, and busybox sh (the QEMU harness's Dom0) when installed.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class XlHostWriteTests : IDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly string _dir = Directory.CreateTempSubdirectory("xenps-write-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<string> Shells()
    {
        var data = new TheoryData<string>();
        foreach (string shell in new[] { "dash", "bash", "busybox" })
        {
            if (OnPath(shell))
            {
                data.Add(shell == "busybox" ? "busybox sh" : shell);
            }
        }

        return data;
    }

    private static bool OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':').Any(d => d.Length > 0 && File.Exists(Path.Combine(d, program)));

    private static XlToolstack Toolstack(string shell, Func<string, string>? stdin = null) =>
        new(new LocalShTransport(shell: shell) { Stdin = stdin });

    private string[] Leftovers() => Directory.GetFileSystemEntries(_dir, ".*xenps*", SearchOption.AllDirectories);

    [Theory]
    [MemberData(nameof(Shells))]
    public async Task A_cut_off_transfer_fails_as_HostWriteFailed_and_leaves_the_original_untouched(string shell)
    {
        // Issue 13, case 1: 'cat > tmp; mv -f' committed what arrived (a 102-byte config became 44 bytes).
        string path = Path.Combine(_dir, "web1.cfg");
        const string Original = "name = \"web1\"\nmemory = 512\ndisk = [ 'phy:/dev/vg/web1,xvda,w' ]\n";
        File.WriteAllText(path, Original);
        string replacement = "name = \"web1\"\nmemory = 1024\ndisk = [ 'phy:/dev/vg/web1,xvda,w' ]\nvif = [ 'bridge=xenbr0' ]\n";

        var cut = await Assert.ThrowsAsync<XenHostWriteException>(() => Toolstack(shell, s => s[..44]).WriteFileAsync(path, replacement, None));
        Assert.Equal("HostWriteFailed", cut.ErrorId);
        Assert.True(cut.FileUnchanged);
        Assert.Equal((path, "localhost"), (cut.Path, cut.HostName));
        Assert.Contains(path, cut.Message);
        Assert.Contains("received 44 of " + replacement.Length + " bytes", cut.Message);
        Assert.Equal(Original, File.ReadAllText(path));
        Assert.Empty(Leftovers());

        // Same size, different bytes: the checksum catches it.
        var corrupt = await Assert.ThrowsAsync<XenHostWriteException>(() => Toolstack(shell, s => s.Replace("1024", "9999")).WriteFileAsync(path, replacement, None));
        Assert.Contains("sha256", corrupt.Message);
        Assert.Equal(Original, File.ReadAllText(path));

        // An exclusive create that is cut off creates nothing.
        string fresh = Path.Combine(_dir, "fresh.cfg");
        await Assert.ThrowsAsync<XenHostWriteException>(() => Toolstack(shell, s => s[..3]).CreateFileAsync(fresh, replacement, None));
        Assert.False(File.Exists(fresh));
        Assert.Empty(Leftovers());

        await Toolstack(shell).WriteFileAsync(path, replacement, None);
        Assert.Equal(replacement, File.ReadAllText(path));
    }

    [Theory]
    [MemberData(nameof(Shells))]
    public async Task Writing_through_a_symbolic_link_updates_its_target_and_keeps_the_link(string shell)
    {
        string real = Path.Combine(_dir, "srv", "web1.cfg");
        Directory.CreateDirectory(Path.GetDirectoryName(real)!);
        File.WriteAllText(real, "old\n");
        string link = Path.Combine(_dir, "web1.cfg");
        File.CreateSymbolicLink(link, "srv/web1.cfg");

        await Toolstack(shell).WriteFileAsync(link, "new\n", None);
        Assert.Equal("srv/web1.cfg", new FileInfo(link).LinkTarget);
        Assert.Equal("new\n", File.ReadAllText(real));

        // A dangling link: its target is created.
        string dangling = Path.Combine(_dir, "db1.cfg");
        File.CreateSymbolicLink(dangling, Path.Combine(_dir, "srv", "db1.cfg"));
        await Toolstack(shell).WriteFileAsync(dangling, "db\n", None);
        Assert.NotNull(new FileInfo(dangling).LinkTarget);
        Assert.Equal("db\n", File.ReadAllText(Path.Combine(_dir, "srv", "db1.cfg")));
        Assert.Empty(Leftovers());
    }

    [Theory]
    [MemberData(nameof(Shells))]
    public async Task A_replaced_file_keeps_its_mode_and_owner_and_a_new_one_with_a_password_is_0600(string shell)
    {
        string path = Path.Combine(_dir, "web1.cfg");
        File.WriteAllText(path, "name = \"web1\"\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        bool root = Environment.UserName == "root";
        if (root)
        {
            await ChownAsync("65534:65534", path);
        }

        await Toolstack(shell).WriteFileAsync(path, "name = \"web1\"\nvncpasswd = \"s3cret\"\n", None);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, File.GetUnixFileMode(path));
        if (root)
        {
            Assert.Equal("65534:65534", await StatOwnerAsync(path));
        }

        string secret = Path.Combine(_dir, "vnc.cfg");
        await Toolstack(shell).CreateFileAsync(secret, "name = \"vnc\"\nvfb = [ 'vnc=1,vncpasswd=s3cret' ]\n", None);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(secret));
        string spice = Path.Combine(_dir, "spice.cfg");
        await Toolstack(shell).WriteFileAsync(spice, "name = \"spice\"\nspicepasswd = \"s3cret\"\n", None);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(spice));

        string plain = Path.Combine(_dir, "plain.cfg");
        await Toolstack(shell).CreateFileAsync(plain, "name = \"plain\"\n", None);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(plain));
    }

    [Theory]
    [MemberData(nameof(Shells))]
    public async Task Create_refuses_anything_at_the_path_and_changes_nothing(string shell)
    {
        string file = Path.Combine(_dir, "web1.cfg");
        File.WriteAllText(file, "mine\n");
        string dangling = Path.Combine(_dir, "db1.cfg");
        File.CreateSymbolicLink(dangling, Path.Combine(_dir, "nowhere.cfg"));
        string folder = Path.Combine(_dir, "dir.cfg");
        Directory.CreateDirectory(folder);

        foreach (string path in new[] { file, dangling, folder })
        {
            var ex = await Assert.ThrowsAsync<XenHostFileExistsException>(() => Toolstack(shell).CreateFileAsync(path, "theirs\n", None));
            Assert.Equal((path, "localhost", "HostFileExists"), (ex.Path, ex.HostName, ex.ErrorId));
        }

        Assert.Equal("mine\n", File.ReadAllText(file));
        Assert.False(File.Exists(Path.Combine(_dir, "nowhere.cfg")));
        Assert.Empty(Directory.GetFileSystemEntries(folder));
        Assert.Empty(Leftovers());
    }

    [Theory]
    [MemberData(nameof(Shells))]
    public async Task Many_creators_of_one_file_at_once_exactly_one_wins_every_round(string shell)
    {
        // Issue 13, case 2 on the host: every creator passes a check made before the write, so the check has to
        // be the write itself (link(2) onto the name). Six shells race for one name, four times.
        for (int round = 0; round < 4; round++)
        {
            string path = Path.Combine(_dir, $"race-{round}.cfg");
            Task<bool>[] racers = Enumerable.Range(0, 6).Select(async i =>
            {
                try
                {
                    await Toolstack(shell).CreateFileAsync(path, $"name = \"race\"\n# writer {i}\n", None);
                    return true;
                }
                catch (XenHostFileExistsException)
                {
                    return false;
                }
            }).ToArray();
            bool[] won = await Task.WhenAll(racers);
            Assert.Equal(1, won.Count(w => w));
            Assert.Equal($"name = \"race\"\n# writer {Array.IndexOf(won, true)}\n", File.ReadAllText(path));
        }

        Assert.Empty(Leftovers());
    }

    private static async Task ChownAsync(string owner, string path)
    {
        using Process p = Process.Start("chown", [owner, path]);
        await p.WaitForExitAsync();
        Assert.Equal(0, p.ExitCode);
    }

    private static async Task<string> StatOwnerAsync(string path)
    {
        var psi = new ProcessStartInfo("stat", ["-c", "%u:%g", path]) { RedirectStandardOutput = true };
        using Process p = Process.Start(psi)!;
        string output = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        return output.Trim();
    }
}

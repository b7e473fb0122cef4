using System.Diagnostics;
using XenPS.Toolstack;
using XenPS.Toolstack.Xl;
using XenPS.Transport;

namespace XenPS.Core.Tests.Xl;

/// <summary>
/// Runs <c>sh</c> for real (argument vector, no shell around it) and everything else through a fake.
/// <paramref name="shell"/> picks the shell that plays <c>sh</c> (e.g. <c>dash</c>, <c>bash</c>, <c>busybox sh</c>);
/// <see cref="Stdin"/> can change what reaches the script's stdin (a cut-off or corrupt transfer).
/// </summary>
internal sealed class LocalShTransport(FakeTransport? others = null, string shell = "sh") : IXenTransport
{
    public string HostName => "localhost";

    public List<CommandRequest> Calls { get; } = new();

    public Func<string, string>? Stdin { get; init; }

    public async Task<CommandResult> RunAsync(CommandRequest request, CancellationToken cancellationToken)
    {
        Calls.Add(request);
        if (request.Program != "sh")
        {
            return await (others ?? throw new InvalidOperationException("Unexpected " + request.DisplayText)).RunAsync(request, cancellationToken);
        }

        string[] shellWords = shell.Split(' ');
        var psi = new ProcessStartInfo(shellWords[0])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
        };
        foreach (string a in shellWords.Skip(1).Concat(request.Arguments))
        {
            psi.ArgumentList.Add(a);
        }

        var sw = Stopwatch.StartNew();
        using var p = Process.Start(psi)!;
        Task<string> stdout = p.StandardOutput.ReadToEndAsync(cancellationToken);
        Task<string> stderr = p.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            if (request.StandardInput is not null)
            {
                await p.StandardInput.WriteAsync(Stdin is null ? request.StandardInput : Stdin(request.StandardInput));
            }

            p.StandardInput.Close();
        }
        catch (IOException)
        {
            // The script exited before reading its input (EPIPE), as the host script does when it refuses
            // to write: its exit status and stderr tell, exactly as ProcessRunner treats it.
        }

        await p.WaitForExitAsync(cancellationToken);
        return new CommandResult(p.ExitCode, await stdout, await stderr, sw.Elapsed);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

public sealed class XlHostScriptTests : IDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "xenps-xl-" + Guid.NewGuid().ToString("N"));

    public XlHostScriptTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<string> HostileNames => new()
    {
        "plain.cfg",
        "; rm -rf ~ #",
        "$(touch pwned)",
        "`touch pwned`",
        "it's \"both\" quotes",
        "new\nline",
        "-leading-dash",
        "名前 ünïcödé",
        "  spaces  ",
        "*",
        new string('x', 200),
    };

    [Theory]
    [MemberData(nameof(HostileNames))]
    public async Task Write_read_exists_list_link_delete_work_for_any_name(string name)
    {
        var ts = new XlToolstack(new LocalShTransport());
        string path = Path.Combine(_dir, name);
        string content = "name = \"x\"\n# $(id) `id` ; rm -rf /\n" + name + "\n";

        Assert.False(await ts.FileExistsAsync(path, None));
        await ts.WriteFileAsync(path, content, None);
        Assert.Equal(content, File.ReadAllText(path));
        Assert.True(await ts.FileExistsAsync(path, None));
        Assert.Equal(content, await ts.ReadFileAsync(path, None));

        // Replacing is atomic and leaves no temporary file behind.
        await ts.WriteFileAsync(path, "second\n", None);
        Assert.Equal("second\n", await ts.ReadFileAsync(path, None));

        string link = Path.Combine(_dir, "link-" + name.Replace('/', '_'));
        await ts.CreateSymbolicLinkAsync(link, path, None);
        await ts.CreateSymbolicLinkAsync(link, path, None); // replacing an existing link
        Assert.Equal(path, new FileInfo(link).LinkTarget);

        var entries = await ts.ListDirectoryAsync(_dir, None);
        Assert.Equal(2, entries.Count);
        var file = entries.Single(e => e.Name == name);
        Assert.False(file.IsDirectory);
        Assert.False(file.IsSymbolicLink);
        Assert.True(entries.Single(e => e.Name != name).IsSymbolicLink);

        await ts.DeleteFileAsync(link, None);
        await ts.DeleteFileAsync(path, None);
        await ts.DeleteFileAsync(path, None); // absent: no error
        Assert.False(await ts.FileExistsAsync(path, None));
        Assert.Empty(Directory.GetFileSystemEntries(_dir));
        Assert.False(File.Exists(Path.Combine(Environment.CurrentDirectory, "pwned")));
    }

    [Fact]
    public async Task Listing_a_folder_shows_folders_dotfiles_and_dangling_links()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "auto"));
        File.WriteAllText(Path.Combine(_dir, ".hidden"), "");
        File.CreateSymbolicLink(Path.Combine(_dir, "dangling"), "/nonexistent/xenps");
        var entries = await new XlToolstack(new LocalShTransport()).ListDirectoryAsync(_dir, None);
        Assert.Equal([".hidden", "auto", "dangling"], entries.Select(e => e.Name).Order(StringComparer.Ordinal));
        Assert.True(entries.Single(e => e.Name == "auto").IsDirectory);
        Assert.True(entries.Single(e => e.Name == "dangling").IsSymbolicLink);
        Assert.Empty(await new XlToolstack(new LocalShTransport()).ListDirectoryAsync(Path.Combine(_dir, "auto"), None));
    }

    [Fact]
    public async Task Reading_a_missing_file_and_writing_into_a_missing_folder_fail_clearly()
    {
        var ts = new XlToolstack(new LocalShTransport());
        var notFound = await Assert.ThrowsAsync<XenOperationException>(() => ts.ReadFileAsync(Path.Combine(_dir, "nope.cfg"), None));
        Assert.Equal("HostFileNotFound", notFound.ErrorId);
        Assert.Contains("nope.cfg", notFound.Message);
        Assert.Contains("localhost", notFound.Message);

        var write = await Assert.ThrowsAsync<XenHostWriteException>(() => ts.WriteFileAsync(Path.Combine(_dir, "no", "dir", "x.cfg"), "x", None));
        Assert.True(write.FileUnchanged);
        Assert.Equal(Path.Combine(_dir, "no", "dir", "x.cfg"), write.Path);
        Assert.Contains("localhost", write.Message);
        Assert.False(Directory.Exists(Path.Combine(_dir, "no")));
        await Assert.ThrowsAnyAsync<XlCommandException>(() => ts.ListDirectoryAsync(Path.Combine(_dir, "missing"), None));
    }

    [Fact]
    public async Task Config_inventory_runs_for_real_and_feeds_the_listing()
    {
        string auto = Path.Combine(_dir, "auto");
        Directory.CreateDirectory(auto);
        File.WriteAllText(Path.Combine(_dir, "web one.cfg"), "name = \"web1\"\nmemory = 512\nvcpus = 2\ntype = \"pvh\"\nuuid = \"6f1c0f4e-0f7b-4b55-9d3c-2b0e4f5a6b7c\"\n");
        File.WriteAllText(Path.Combine(_dir, "db.cfg"), "memory = 1024\n");
        File.WriteAllText(Path.Combine(_dir, "notes.txt"), "name = \"notes\"\n");
        File.WriteAllText(Path.Combine(_dir, "testvm.cfg"), XlFixture.Out("020"));
        File.CreateSymbolicLink(Path.Combine(auto, "web one.cfg"), Path.Combine(_dir, "web one.cfg"));
        File.Copy(Path.Combine(_dir, "testvm.cfg"), Path.Combine(auto, "testvm.cfg")); // xendomains also accepts copies

        var xl = new FakeTransport()
            .OnXl("list -v", XlListParserTestsRows.VerboseOf(XlFixture.Out("269")))
            .OnXl("list -l", XlFixture.Out("004"))
            .OnXl("uptime", XlFixture.Out("030"));
        var transport = new LocalShTransport(xl);
        var all = await new XlToolstack(transport, new XlToolstackOptions { ConfigDirectory = _dir }).ListDomainsAsync(None);

        Assert.Equal(["Domain-0", "testvm", "db", "web1"], all.Select(d => d.Name));
        var web1 = all.Single(d => d.Name == "web1");
        Assert.Equal((XenDomainState.Off, 512L, 2, XenDomainType.Pvh, true), (web1.State, web1.MemoryMB, web1.VCpu, web1.Type!.Value, web1.AutoStart));
        Assert.Equal(Guid.Parse("6f1c0f4e-0f7b-4b55-9d3c-2b0e4f5a6b7c"), web1.Uuid);
        Assert.Equal(Path.Combine(_dir, "web one.cfg"), web1.ConfigPath);
        var db = all.Single(d => d.Name == "db");
        Assert.Equal((1024L, 1, false), (db.MemoryMB, db.VCpu, db.AutoStart));
        var testvm = all.Single(d => d.Name == "testvm");
        Assert.Equal(XenDomainState.Running, testvm.State);
        Assert.True(testvm.AutoStart);
        Assert.Equal(Path.Combine(_dir, "testvm.cfg"), testvm.ConfigPath);
        Assert.Single(transport.Calls, c => c.Program == "sh");
    }

    [Fact]
    public async Task Config_inventory_of_a_missing_folder_is_empty()
    {
        var xl = new FakeTransport().OnXl("list -v", XlFixture.Out("006")).OnXl("list -l", XlFixture.Out("004")).OnXl("uptime", XlFixture.Out("010"));
        var all = await new XlToolstack(new LocalShTransport(xl), new XlToolstackOptions { ConfigDirectory = Path.Combine(_dir, "none") }).ListDomainsAsync(None);
        Assert.Single(all);
    }
}

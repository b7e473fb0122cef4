namespace XenPS.HelpGen.Tests;

public sealed class HelpBuilderTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("xenps-helpgen-").FullName;

    private string Source => Path.Combine(_root, "en-US");

    private string Out => Path.Combine(_root, "out");

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private void Write(string file, string text)
    {
        Directory.CreateDirectory(Source);
        File.WriteAllText(Path.Combine(Source, file), text);
    }

    [Fact]
    public void Writes_the_MAML_and_the_about_topics_into_the_output_folder()
    {
        Write("Stop-Thing.md", Pages.Valid);
        Write("about_Thing.md", Pages.About);
        Write("about_Thing.help.txt", "an old hand-written topic is not copied");

        var errors = HelpBuilder.Build(Source, Out, TextWriter.Null);

        Assert.Empty(errors);
        Assert.Equal(["XenPS.dll-Help.xml", "about_Thing.help.txt"], Directory.GetFiles(Out).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Contains("<command:name>Stop-Thing</command:name>", File.ReadAllText(Path.Combine(Out, "XenPS.dll-Help.xml")), StringComparison.Ordinal);
        Assert.StartsWith("TOPIC\n    about_Thing\n", File.ReadAllText(Path.Combine(Out, "about_Thing.help.txt")), StringComparison.Ordinal);
    }

    [Fact]
    public void Reports_every_broken_file_with_its_path_and_writes_nothing()
    {
        Write("Stop-Thing.md", Pages.Valid.Without("## DESCRIPTION", "## EXAMPLES"));
        Write("about_Thing.md", Pages.About.With("## SEE ALSO", "## RELATED"));
        Write("Start-Thing.md", Pages.Valid.With("title: Stop-Thing", "title: Start-Thing").With("# Stop-Thing", "# Start-Thing").Replace("Stop-Thing ", "Start-Thing ", StringComparison.Ordinal));

        var errors = HelpBuilder.Build(Source, Out, TextWriter.Null);

        Assert.Equal(
            [Path.Combine(Source, "Stop-Thing.md"), Path.Combine(Source, "about_Thing.md")],
            errors.Select(e => e.File).Order(StringComparer.Ordinal));
        Assert.All(errors, e => Assert.Matches(@"^/.+\.md\(\d+\): error XPSHELP: ", e.ToMSBuildError()));
        Assert.False(Directory.Exists(Out));
    }

    [Fact]
    public void A_markdown_file_that_is_neither_a_page_nor_a_topic_is_refused()
    {
        Write("README.md", "# Notes");

        var error = Assert.Single(HelpBuilder.Build(Source, Out, TextWriter.Null));

        Assert.Contains("neither a cmdlet page", error.Message, StringComparison.Ordinal);
    }
}

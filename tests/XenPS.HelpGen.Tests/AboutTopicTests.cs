namespace XenPS.HelpGen.Tests;

public sealed class AboutTopicTests
{
    private static string Convert(string text, string file = "about_Thing.md") =>
        AboutTopic.Convert(MarkdownSource.Parse(file, text));

    [Fact]
    public void Writes_the_classic_layout()
    {
        var text = Convert(Pages.About);
        var lines = text.Split('\n');

        Assert.Equal(["TOPIC", "    about_Thing", "", "SHORT DESCRIPTION", "    Things, briefly.", "", "LONG DESCRIPTION"], lines[..7]);
        Assert.Contains("  Connections", lines);
        Assert.Contains("        Connect-XenHost -Simulated -Name lab", lines);
        Assert.Contains("SEE ALSO", lines);
        Assert.Contains("    - Get-Thing", lines);
        Assert.DoesNotContain("```", text, StringComparison.Ordinal);
        Assert.DoesNotContain("**", text, StringComparison.Ordinal);
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Wraps_text_at_80_columns_with_lists_hanging()
    {
        var lines = Convert(Pages.About).Split('\n');

        Assert.All(lines, l => Assert.True(l.Length <= AboutTopic.Width, $"{l.Length} columns: {l}"));
        var at = Array.FindIndex(lines, l => l.StartsWith("    A long paragraph", StringComparison.Ordinal));
        Assert.True(lines[at + 1].StartsWith("    ", StringComparison.Ordinal) && lines[at + 1].Trim().Length > 0, "the paragraph goes on, wrapped, on the next line");
        Assert.Contains("with bold and code in it.", string.Join(' ', lines[at..(at + 3)].Select(l => l.Trim())), StringComparison.Ordinal);

        var item = Array.FindIndex(lines, l => l.StartsWith("    - a second item", StringComparison.Ordinal));
        Assert.StartsWith("      ", lines[item + 1], StringComparison.Ordinal);
        Assert.NotEqual(' ', lines[item + 1][6]);
    }

    [Fact]
    public void Wrap_puts_a_word_longer_than_the_width_on_its_own_line()
    {
        Assert.Equal(["ab cd", "efghijklmnop", "q"], AboutTopic.Wrap("ab cd efghijklmnop q", 6));
    }

    [Fact]
    public void A_topic_without_SHORT_DESCRIPTION_is_refused()
    {
        var text = Pages.About.Without("## SHORT DESCRIPTION", "## LONG DESCRIPTION");

        var e = Assert.Throws<HelpSchemaException>(() => Convert(text));

        Assert.Contains("'## SHORT DESCRIPTION' is missing", e.Message, StringComparison.Ordinal);
        Assert.Equal(Pages.LineOf(text, "## LONG DESCRIPTION"), e.Line);
    }

    [Fact]
    public void A_topic_not_ending_with_SEE_ALSO_is_refused()
    {
        var e = Assert.Throws<HelpSchemaException>(() => Convert(Pages.About.With("## SEE ALSO", "## RELATED")));

        Assert.Contains("ends with '## SEE ALSO'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_title_that_differs_from_the_file_name_is_refused()
    {
        var e = Assert.Throws<HelpSchemaException>(() => Convert(Pages.About, "about_Other.md"));

        Assert.Equal(1, e.Line);
        Assert.Contains("'# about_Other'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_code_line_too_long_for_80_columns_is_refused_with_its_line()
    {
        var text = Pages.About.With("Connect-XenHost -Simulated -Name lab", "Connect-XenHost -Simulated -Name lab -StatePath /a/very/long/path/that/goes/past/the/end");

        var e = Assert.Throws<HelpSchemaException>(() => Convert(text));

        Assert.Equal(Pages.LineOf(text, "Connect-XenHost -Simulated -Name lab -StatePath /a/very/long/path/that/goes/past/the/end"), e.Line);
        Assert.Contains("passes 80 columns", e.Message, StringComparison.Ordinal);
    }
}

namespace XenPS.HelpGen.Tests;

public sealed class CommandPageParserTests
{
    private static CommandHelp Parse(string page, string file = "Stop-Thing.md") =>
        CommandPageParser.Parse(MarkdownSource.Parse(file, page));

    private static HelpSchemaException Refused(string page, string file = "Stop-Thing.md") =>
        Assert.Throws<HelpSchemaException>(() => Parse(page, file));

    [Fact]
    public void Reads_the_name_synopsis_and_description()
    {
        var help = Parse(Pages.Valid);

        Assert.Equal("Stop-Thing", help.Name);
        Assert.Equal("Stop", help.Verb);
        Assert.Equal("Thing", help.Noun);
        Assert.Equal("Stops things.", help.Synopsis);
        Assert.Equal(
            [
                "The Stop-Thing cmdlet stops each thing, as xl (https://xenbits.xen.org/docs/xl.1.html) does.",
                "Targets:",
                "- by name,\n- by id.",
            ],
            help.Description);
    }

    [Fact]
    public void Reads_the_syntax_sets_in_order_with_the_default_marked()
    {
        var help = Parse(Pages.Valid);

        Assert.Equal(["Name", "Id"], help.Syntax.Select(s => s.Name));
        Assert.True(help.Syntax[0].IsDefault);
        Assert.False(help.Syntax[1].IsDefault);
        Assert.Equal(["Name", "Force", "Count"], help.Syntax[0].ParameterOrder);
        Assert.Equal(["Id", "Force", "Count"], help.Syntax[1].ParameterOrder);
    }

    [Fact]
    public void Reads_each_parameter_yaml_and_expands_All_to_every_set()
    {
        var help = Parse(Pages.Valid);

        Assert.Equal(["Count", "Force", "Id", "Name"], help.Parameters.Select(p => p.Name));
        var count = help.Parameters[0];
        Assert.Equal("System.Int32", count.Type);
        Assert.Equal("4", count.DefaultValue);
        Assert.Equal(["How many, at most.", "Counted per host."], count.Description);
        Assert.Equal(["Name", "Id"], count.Sets.Select(s => s.SetName));

        var force = help.Parameters[1];
        Assert.True(force.IsSwitch);
        Assert.Equal(string.Empty, force.DefaultValue);

        var name = help.Parameters[3];
        Assert.True(name.SupportsWildcards);
        Assert.Equal(["DomainName", "N"], name.Aliases);
        var set = Assert.Single(name.Sets);
        Assert.Equal(new ParameterSetFacts("Name", 0, true, true, true, false), set);

        var id = help.Parameters[2];
        Assert.Equal(new ParameterSetFacts("Id", null, true, false, true, false), Assert.Single(id.Sets));
    }

    [Fact]
    public void An_example_keeps_only_the_powershell_code_as_code_and_the_output_and_text_after_it_as_remarks()
    {
        var help = Parse(Pages.Valid);

        Assert.Equal(2, help.Examples.Count);
        var first = help.Examples[0];
        Assert.Equal("Example 1 - Stop one thing", first.Title);
        Assert.Equal(["Stops web1."], first.Introduction);
        Assert.Equal("Stop-Thing -Name web1", first.Code);
        Assert.Equal(["Name Id\n---- --\nweb1  3", "The thing is gone."], first.Remarks);
        Assert.Equal(Pages.LineOf(Pages.Valid, "Stop-Thing -Name web1"), first.CodeLine + 1);

        var second = help.Examples[1];
        Assert.Equal("Get-Thing web* |\n    Stop-Thing -Force", second.Code);
        Assert.Empty(second.Remarks);
    }

    [Fact]
    public void Reads_inputs_outputs_notes_and_links()
    {
        var help = Parse(Pages.Valid);

        Assert.Equal(new TypeHelp("System.String[]", ["Names."]).TypeName, Assert.Single(help.Inputs).TypeName);
        Assert.Equal(["Names."], help.Inputs[0].Description);
        Assert.Equal("XenPS.XenDomain", Assert.Single(help.Outputs).TypeName);
        Assert.Equal(["Domain-0 is refused."], help.Notes);
        Assert.Equal([new RelatedLink("Get-Thing", string.Empty), new RelatedLink("xl(1)", "https://xenbits.xen.org/docs/xl.1.html")], help.Links);
        Assert.Equal(string.Empty, help.HelpUri);
    }

    [Fact]
    public void Example_headings_with_a_colon_are_read_too()
    {
        var help = Parse(Pages.Valid.With("### Example 1 - Stop one thing", "### Example 1: Stop one thing"));

        Assert.Equal("Example 1: Stop one thing", help.Examples[0].Title);
    }

    [Fact]
    public void A_missing_section_is_refused_with_its_name_and_a_line()
    {
        var page = Pages.Valid.Without("## DESCRIPTION", "## EXAMPLES");

        var e = Refused(page);

        Assert.Contains("'## DESCRIPTION' is missing", e.Message, StringComparison.Ordinal);
        Assert.Equal(Pages.LineOf(page, "## EXAMPLES"), e.Line);
        Assert.Equal("Stop-Thing.md", e.File);
    }

    [Fact]
    public void Sections_in_the_wrong_order_are_refused_at_the_misplaced_heading()
    {
        // EXAMPLES moved before DESCRIPTION.
        var examples = Pages.Valid[Pages.Valid.IndexOf("## EXAMPLES", StringComparison.Ordinal)..Pages.Valid.IndexOf("## PARAMETERS", StringComparison.Ordinal)];
        var page = Pages.Valid.With(examples, string.Empty).With("## DESCRIPTION", examples + "## DESCRIPTION");

        var e = Refused(page);

        Assert.Contains("'## EXAMPLES' is out of order: '## DESCRIPTION' comes first", e.Message, StringComparison.Ordinal);
        Assert.Equal(Pages.LineOf(page, "## EXAMPLES"), e.Line);
    }

    [Fact]
    public void An_unknown_section_is_refused()
    {
        var e = Refused(Pages.Valid.With("## NOTES", "## REMARKS"));

        Assert.Contains("'## REMARKS' is not a section of the schema", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("document type: cmdlet\n", "'document type' is missing")]
    [InlineData("Locale: en-US\n", "'Locale' is missing")]
    public void A_missing_front_matter_key_is_refused(string line, string message)
    {
        var e = Refused(Pages.Valid.With(line, string.Empty));

        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Front_matter_keys_out_of_order_are_refused()
    {
        var e = Refused(Pages.Valid.With("HelpUri: ''\nLocale: en-US", "Locale: en-US\nHelpUri: ''"));

        Assert.Contains("'Locale' is out of order", e.Message, StringComparison.Ordinal);
        Assert.Equal(4, e.Line);
    }

    [Fact]
    public void A_page_without_front_matter_is_refused_at_line_1()
    {
        var e = Refused(Pages.Valid[(Pages.Valid.IndexOf("# Stop-Thing", StringComparison.Ordinal))..]);

        Assert.Equal(1, e.Line);
        Assert.Contains("front matter", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_page_whose_file_name_differs_from_its_title_is_refused()
    {
        var e = Refused(Pages.Valid, "Stop-Other.md");

        Assert.Contains("must be named Stop-Thing.md", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_title_that_differs_from_the_front_matter_is_refused()
    {
        var e = Refused(Pages.Valid.With("title: Stop-Thing", "title: Stop-Things"));

        Assert.Contains("differs from the front matter's title", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_example_without_powershell_code_is_refused()
    {
        var page = Pages.Valid.With("```powershell\nStop-Thing -Name web1", "```\nStop-Thing -Name web1");

        var e = Refused(page);

        Assert.Contains("has no ```powershell block", e.Message, StringComparison.Ordinal);
        Assert.Equal(Pages.LineOf(page, "### Example 1 - Stop one thing"), e.Line);
    }

    [Fact]
    public void Misnumbered_examples_are_refused()
    {
        var e = Refused(Pages.Valid.With("### Example 2 - A pipeline", "### Example 3 - A pipeline"));

        Assert.Contains("should be Example 2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_parameter_without_its_yaml_block_is_refused()
    {
        var page = Pages.Valid.Without("How many, at most.", "### -Force").With("### -Count\n", "### -Count\n\nHow many.\n\n");

        var e = Refused(page);

        Assert.Contains("'### -Count' ends with its ```yaml block", e.Message, StringComparison.Ordinal);
        Assert.Equal(Pages.LineOf(page, "### -Count"), e.Line);
    }

    [Fact]
    public void A_parameter_without_a_description_is_refused()
    {
        var e = Refused(Pages.Valid.With("The hard way.\n", string.Empty));

        Assert.Contains("'### -Force' has no description", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_yaml_key_is_refused_at_its_place()
    {
        var page = Pages.Valid.With("DefaultValue: '4'\n", string.Empty);

        var e = Refused(page);

        Assert.Contains("-Count: key 'DefaultValue' is missing before 'SupportsWildcards'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_yaml_bool_that_is_not_true_or_false_is_refused_with_its_line()
    {
        var page = Pages.Valid.With("SupportsWildcards: true", "SupportsWildcards: yes");

        var e = Refused(page);

        Assert.Contains("-Name: SupportsWildcards is 'yes'", e.Message, StringComparison.Ordinal);
        Assert.Equal(Pages.LineOf(page, "SupportsWildcards: yes"), e.Line);
    }

    [Fact]
    public void A_parameter_set_key_out_of_order_is_refused()
    {
        var e = Refused(Pages.Valid.With("  Position: 0\n  IsRequired: true", "  IsRequired: true\n  Position: 0"));

        Assert.Contains("parameter set key 'IsRequired' where 'Position' belongs", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_parameter_in_a_set_the_syntax_does_not_have_is_refused()
    {
        var e = Refused(Pages.Valid.With("- Name: Id\n", "- Name: ById\n"));

        Assert.Contains("-Id is in parameter set 'ById', which ## SYNTAX does not have", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_syntax_line_showing_an_undocumented_parameter_is_refused()
    {
        var e = Refused(Pages.Valid.With("Stop-Thing -Id <int[]> [-Force]", "Stop-Thing -Id <int[]> [-Force] [-Wait]"));

        Assert.Contains("shows -Wait, which ## PARAMETERS does not document", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_parameter_its_set_syntax_leaves_out_is_refused()
    {
        var e = Refused(Pages.Valid.With("Stop-Thing -Id <int[]> [-Force] [-Count <int>]", "Stop-Thing -Id <int[]> [-Force]"));

        Assert.Contains("-Count is in parameter set 'Id' by its yaml, but the syntax of that set does not show it", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parameters_without_CommonParameters_last_are_refused()
    {
        var e = Refused(Pages.Valid.With("### CommonParameters\n\nThis cmdlet supports the common parameters.\n", string.Empty));

        Assert.Contains("ends with '### CommonParameters'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unclosed_fence_is_refused_at_its_opening_line()
    {
        var page = Pages.Valid.With("The thing is gone.", "```text\nThe thing is gone.");
        var e = Refused(page);

        Assert.Contains("never closed", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_related_link_that_is_not_a_link_is_refused()
    {
        var e = Refused(Pages.Valid.With("- [Get-Thing](Get-Thing.md)", "Get-Thing"));

        Assert.Contains("'Get-Thing' is not a related link", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_error_is_written_as_an_MSBuild_error_with_file_and_line()
    {
        var e = new HelpSchemaException("/r/en-US/Stop-Thing.md", 12, "Section '## DESCRIPTION' is missing.");

        Assert.Equal("/r/en-US/Stop-Thing.md(12): error XPSHELP: Section '## DESCRIPTION' is missing.", e.ToMSBuildError());
    }
}

using System.Xml.Linq;

namespace XenPS.HelpGen.Tests;

public sealed class MamlWriterTests
{
    private static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
    private static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    private static readonly XNamespace Dev = "http://schemas.microsoft.com/maml/dev/2004/10";
    private static readonly XNamespace Msh = "http://msh";

    private static (string Text, XElement Command) Write(string page = Pages.Valid)
    {
        var help = CommandPageParser.Parse(MarkdownSource.Parse("Stop-Thing.md", page));
        var text = MamlWriter.Write([help]);
        var root = XDocument.Parse(text).Root!;
        Assert.Equal(Msh + "helpItems", root.Name);
        Assert.Equal("maml", (string?)root.Attribute("schema"));
        return (text, Assert.Single(root.Elements(Command + "command")));
    }

    private static string Paras(XElement? parent) =>
        string.Join("|", parent!.Elements(Maml + "para").Select(p => p.Value));

    private static XElement Parameter(XElement parent, string name) =>
        parent.Elements(Command + "parameter").Single(p => p.Element(Maml + "name")!.Value == name);

    [Fact]
    public void Details_carry_name_synopsis_verb_and_noun()
    {
        var (_, command) = Write();
        var details = command.Element(Command + "details")!;

        Assert.Equal("Stop-Thing", details.Element(Command + "name")!.Value);
        Assert.Equal("Stops things.", Paras(details.Element(Maml + "description")));
        Assert.Equal("Stop", details.Element(Command + "verb")!.Value);
        Assert.Equal("Thing", details.Element(Command + "noun")!.Value);
        Assert.StartsWith("The Stop-Thing cmdlet", Paras(command.Element(Maml + "description")), StringComparison.Ordinal);
    }

    [Fact]
    public void One_syntax_item_per_set_with_that_sets_own_facts_in_syntax_order()
    {
        var (_, command) = Write();
        var items = command.Element(Command + "syntax")!.Elements(Command + "syntaxItem").ToList();

        Assert.Equal(2, items.Count);
        Assert.Equal(["Name", "Force", "Count"], items[0].Elements(Command + "parameter").Select(p => p.Element(Maml + "name")!.Value));
        var name = Parameter(items[0], "Name");
        Assert.Equal("true", (string?)name.Attribute("required"));
        Assert.Equal("0", (string?)name.Attribute("position"));
        Assert.Equal("true", (string?)name.Attribute("globbing"));
        Assert.Equal("True (ByValue, ByPropertyName)", (string?)name.Attribute("pipelineInput"));
        Assert.Equal("string[]", name.Element(Command + "parameterValue")!.Value);

        var id = Parameter(items[1], "Id");
        Assert.Equal("named", (string?)id.Attribute("position"));
        Assert.Equal("True (ByPropertyName)", (string?)id.Attribute("pipelineInput"));
        Assert.Equal("false", (string?)Parameter(items[1], "Force").Attribute("required"));
    }

    [Fact]
    public void Every_parameter_carries_its_facts_description_and_a_default_value()
    {
        var (_, command) = Write();
        var parameters = command.Element(Command + "parameters")!;

        Assert.Equal(["Count", "Force", "Id", "Name"], parameters.Elements(Command + "parameter").Select(p => p.Element(Maml + "name")!.Value));

        var count = Parameter(parameters, "Count");
        Assert.Equal("How many, at most.|Counted per host.", Paras(count.Element(Maml + "description")));
        Assert.Equal("4", count.Element(Dev + "defaultValue")!.Value);
        Assert.Equal("System.Int32", count.Element(Dev + "type")!.Element(Maml + "name")!.Value);
        Assert.Equal("Named", (string?)count.Attribute("position"));
        Assert.Equal("none", (string?)count.Attribute("aliases"));
        Assert.Equal("False", (string?)count.Attribute("pipelineInput"));

        var force = Parameter(parameters, "Force");
        Assert.Equal("False", force.Element(Dev + "defaultValue")!.Value);
        Assert.Null(force.Element(Command + "parameterValue"));

        var name = Parameter(parameters, "Name");
        Assert.Equal("None", name.Element(Dev + "defaultValue")!.Value);
        Assert.Equal("DomainName, N", (string?)name.Attribute("aliases"));
        Assert.Equal("true", (string?)name.Attribute("required"));
        Assert.Equal("0", (string?)name.Attribute("position"));
    }

    [Fact]
    public void Accepted_values_become_a_parameter_value_group()
    {
        var (_, command) = Write(Pages.Valid.With("DontShow: false\nAcceptedValues: []\nHelpMessage: ''\n```\n\n### -Force", "DontShow: false\nAcceptedValues:\n- 1\n- 2\nHelpMessage: ''\n```\n\n### -Force"));
        var count = Parameter(command.Element(Command + "parameters")!, "Count");

        Assert.Equal(["1", "2"], count.Element(Command + "parameterValueGroup")!.Elements(Command + "parameterValue").Select(v => v.Value));
    }

    [Fact]
    public void Examples_have_their_code_in_dev_code_and_output_and_text_in_remarks_without_fences()
    {
        var (text, command) = Write();
        var examples = command.Element(Command + "examples")!.Elements(Command + "example").ToList();

        Assert.Equal(2, examples.Count);
        Assert.Equal("--------- Example 1 - Stop one thing ---------", examples[0].Element(Maml + "title")!.Value);
        Assert.Equal("Stop-Thing -Name web1", examples[0].Element(Dev + "code")!.Value);
        Assert.Equal("Stops web1.|Name Id\n---- --\nweb1  3|The thing is gone.|", Paras(examples[0].Element(Dev + "remarks")));
        Assert.Equal("Get-Thing web* |\n    Stop-Thing -Force", examples[1].Element(Dev + "code")!.Value);
        Assert.DoesNotContain("```", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\u0080", text, StringComparison.Ordinal);
        Assert.DoesNotContain("&#x80;", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Inputs_outputs_notes_and_links_are_written()
    {
        var (_, command) = Write();

        var input = Assert.Single(command.Element(Command + "inputTypes")!.Elements(Command + "inputType"));
        Assert.Equal("System.String[]", input.Element(Dev + "type")!.Element(Maml + "name")!.Value);
        Assert.Equal("Names.", Paras(input.Element(Maml + "description")));
        var output = Assert.Single(command.Element(Command + "returnValues")!.Elements(Command + "returnValue"));
        Assert.Equal("XenPS.XenDomain", output.Element(Dev + "type")!.Element(Maml + "name")!.Value);
        Assert.Equal("Domain-0 is refused.", Paras(command.Element(Maml + "alertSet")!.Element(Maml + "alert")));

        var links = command.Element(Command + "relatedLinks")!.Elements(Maml + "navigationLink")
            .Select(l => (l.Element(Maml + "linkText")!.Value, l.Element(Maml + "uri")!.Value)).ToList();
        Assert.Equal([("Get-Thing", string.Empty), ("xl(1)", "https://xenbits.xen.org/docs/xl.1.html")], links);
    }

    [Fact]
    public void A_HelpUri_becomes_the_first_link()
    {
        var (_, command) = Write(Pages.Valid.With("HelpUri: ''", "HelpUri: https://example.org/Stop-Thing"));

        var first = command.Element(Command + "relatedLinks")!.Elements(Maml + "navigationLink").First();
        Assert.Equal("https://example.org/Stop-Thing", first.Element(Maml + "uri")!.Value);
    }

    [Theory]
    [InlineData("System.String[]", "string[]")]
    [InlineData("System.Nullable`1[System.Int32]", "int")]
    [InlineData("System.Guid[]", "guid[]")]
    [InlineData("XenPS.XenHostConnection[]", "XenHostConnection[]")]
    [InlineData("System.Collections.Hashtable", "hashtable")]
    [InlineData("System.Int64", "long")]
    public void Short_type_names_are_the_ones_syntax_shows(string type, string expected) =>
        Assert.Equal(expected, MamlWriter.ShortTypeName(type));
}

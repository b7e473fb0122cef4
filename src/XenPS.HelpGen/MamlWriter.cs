using System.Globalization;
using System.Text;
using System.Xml;

namespace XenPS.HelpGen;

/// <summary>
/// Writes MAML the way Get-Help reads it (the layout of PlatyPS 1.0.3's Export-MamlCommandHelp),
/// without PlatyPS's losses: examples carry their code in dev:code and the output and text after it
/// in dev:remarks, parameters carry their default value, syntax items carry each set's own
/// pipeline and position facts, and a page link is not written as an empty "Online Version".
/// </summary>
internal static class MamlWriter
{
    private const string Msh = "http://msh";
    private const string Maml = "http://schemas.microsoft.com/maml/2004/10";
    private const string Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    private const string Dev = "http://schemas.microsoft.com/maml/dev/2004/10";

    /// <summary>The MAML document for the commands, in the order given.</summary>
    public static string Write(IEnumerable<CommandHelp> commands)
    {
        var settings = new XmlWriterSettings { Indent = true, IndentChars = "  ", Encoding = new UTF8Encoding(false), NewLineChars = "\n" };
        using var buffer = new MemoryStream();
        using (var xml = XmlWriter.Create(buffer, settings))
        {
            xml.WriteStartDocument();
            xml.WriteStartElement("helpItems", Msh);
            xml.WriteAttributeString("xmlns", "maml", null, Maml);
            xml.WriteAttributeString("xmlns", "command", null, Command);
            xml.WriteAttributeString("xmlns", "dev", null, Dev);
            xml.WriteAttributeString("schema", "maml");
            foreach (var command in commands)
            {
                WriteCommand(xml, command);
            }

            xml.WriteEndElement();
            xml.WriteEndDocument();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static void WriteCommand(XmlWriter xml, CommandHelp help)
    {
        xml.WriteStartElement("command", "command", Command);
        xml.WriteStartElement("command", "details", Command);
        xml.WriteElementString("command", "name", Command, help.Name);
        Description(xml, [help.Synopsis]);
        xml.WriteElementString("command", "verb", Command, help.Verb);
        xml.WriteElementString("command", "noun", Command, help.Noun);
        xml.WriteEndElement();

        Description(xml, help.Description);

        xml.WriteStartElement("command", "syntax", Command);
        foreach (var set in help.Syntax)
        {
            xml.WriteStartElement("command", "syntaxItem", Command);
            xml.WriteElementString("maml", "name", Maml, help.Name);
            foreach (var name in set.ParameterOrder)
            {
                var parameter = help.Parameters.First(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
                var facts = parameter.Sets.First(s => s.SetName == set.Name);
                WriteParameter(xml, parameter, facts.IsRequired, Pipeline([facts]), Position(facts.Position, "named"), withDescription: false);
            }

            xml.WriteEndElement();
        }

        xml.WriteEndElement();

        xml.WriteStartElement("command", "parameters", Command);
        foreach (var parameter in help.Parameters)
        {
            // One entry for all sets: required when some set requires it, the pipeline input any set takes,
            // the position of the first set that gives one (a parameter has one position in practice).
            var position = parameter.Sets.Select(s => s.Position).FirstOrDefault(p => p is not null);
            WriteParameter(xml, parameter, parameter.Sets.Any(s => s.IsRequired), Pipeline(parameter.Sets), Position(position, "Named"), withDescription: true);
        }

        xml.WriteEndElement();

        Types(xml, "inputTypes", "inputType", help.Inputs);
        Types(xml, "returnValues", "returnValue", help.Outputs);

        if (help.Notes.Count > 0)
        {
            xml.WriteStartElement("maml", "alertSet", Maml);
            xml.WriteStartElement("maml", "alert", Maml);
            Paras(xml, help.Notes);
            xml.WriteEndElement();
            xml.WriteEndElement();
        }

        xml.WriteStartElement("command", "examples", Command);
        foreach (var example in help.Examples)
        {
            xml.WriteStartElement("command", "example", Command);
            xml.WriteElementString("maml", "title", Maml, $"--------- {example.Title} ---------");
            xml.WriteStartElement("maml", "introduction", Maml);
            // Get-Help prints the introduction right before the code, as a prompt.
            Paras(xml, ["PS > "]);
            xml.WriteEndElement();
            xml.WriteElementString("dev", "code", Dev, example.Code);
            xml.WriteStartElement("dev", "remarks", Dev);
            // Text written before the code explains it: Get-Help shows it first among the remarks.
            // The empty last para keeps a blank line before the next example's title.
            Paras(xml, [.. example.Introduction, .. example.Remarks, string.Empty]);
            xml.WriteEndElement();
            xml.WriteEndElement();
        }

        xml.WriteEndElement();

        xml.WriteStartElement("command", "relatedLinks", Command);
        var links = help.HelpUri.Length > 0 ? [new RelatedLink("Online Version:", help.HelpUri), .. help.Links] : help.Links;
        foreach (var link in links)
        {
            xml.WriteStartElement("maml", "navigationLink", Maml);
            xml.WriteElementString("maml", "linkText", Maml, link.Text);
            xml.WriteElementString("maml", "uri", Maml, link.Uri);
            xml.WriteEndElement();
        }

        xml.WriteEndElement();
        xml.WriteEndElement();
    }

    private static void WriteParameter(XmlWriter xml, ParameterHelp parameter, bool required, string pipeline, string position, bool withDescription)
    {
        xml.WriteStartElement("command", "parameter", Command);
        xml.WriteAttributeString("required", Bool(required));
        xml.WriteAttributeString("variableLength", "false");
        xml.WriteAttributeString("globbing", Bool(parameter.SupportsWildcards));
        xml.WriteAttributeString("pipelineInput", pipeline);
        xml.WriteAttributeString("position", position);
        xml.WriteAttributeString("aliases", parameter.Aliases.Count == 0 ? "none" : string.Join(", ", parameter.Aliases));
        xml.WriteElementString("maml", "name", Maml, parameter.Name);
        Description(xml, withDescription ? parameter.Description : []);
        if (parameter.AcceptedValues.Count > 0)
        {
            xml.WriteStartElement("command", "parameterValueGroup", Command);
            foreach (var value in parameter.AcceptedValues)
            {
                ParameterValue(xml, value, required: false);
            }

            xml.WriteEndElement();
        }

        if (!parameter.IsSwitch)
        {
            ParameterValue(xml, withDescription ? parameter.Type : ShortTypeName(parameter.Type), required: true);
        }

        xml.WriteStartElement("dev", "type", Dev);
        xml.WriteElementString("maml", "name", Maml, parameter.Type);
        xml.WriteEndElement();
        xml.WriteElementString("dev", "defaultValue", Dev, DefaultValue(parameter));
        xml.WriteEndElement();
    }

    /// <summary>The default value Get-Help shows: the page's, else False for a switch and None otherwise.</summary>
    public static string DefaultValue(ParameterHelp parameter) =>
        parameter.DefaultValue.Length > 0 ? parameter.DefaultValue : parameter.IsSwitch ? "False" : "None";

    /// <summary>The pipelineInput attribute as PowerShell's own help writes it.</summary>
    public static string Pipeline(IEnumerable<ParameterSetFacts> sets)
    {
        var list = sets.ToList();
        var kinds = new List<string>();
        if (list.Any(s => s.ValueFromPipeline))
        {
            kinds.Add("ByValue");
        }

        if (list.Any(s => s.ValueFromPipelineByPropertyName))
        {
            kinds.Add("ByPropertyName");
        }

        return kinds.Count == 0 ? "False" : $"True ({string.Join(", ", kinds)})";
    }

    private static string Position(int? position, string named) =>
        position is int p ? p.ToString(CultureInfo.InvariantCulture) : named;

    /// <summary>The short type name syntax shows: System.Nullable`1[System.Int32] is int, XenPS.XenDomain[] is XenDomain[].</summary>
    public static string ShortTypeName(string type)
    {
        var array = string.Empty;
        while (type.EndsWith("[]", StringComparison.Ordinal))
        {
            array += "[]";
            type = type[..^2];
        }

        if (type.StartsWith("System.Nullable`1[", StringComparison.Ordinal) && type.EndsWith(']'))
        {
            type = type["System.Nullable`1[".Length..^1];
        }

        var leaf = type[(type.LastIndexOf('.') + 1)..];
        var alias = leaf switch
        {
            "String" => "string",
            "Int32" => "int",
            "Int64" => "long",
            "UInt32" => "uint",
            "Boolean" => "bool",
            "Double" => "double",
            "Guid" => "guid",
            "Hashtable" => "hashtable",
            "ScriptBlock" => "scriptblock",
            "TimeSpan" => "timespan",
            "DateTime" => "datetime",
            "Object" => "Object",
            _ => leaf,
        };
        return alias + array;
    }

    private static string Bool(bool value) => value ? "true" : "false";

    private static void ParameterValue(XmlWriter xml, string value, bool required)
    {
        xml.WriteStartElement("command", "parameterValue", Command);
        xml.WriteAttributeString("required", Bool(required));
        xml.WriteAttributeString("variableLength", "false");
        xml.WriteString(value);
        xml.WriteEndElement();
    }

    private static void Types(XmlWriter xml, string list, string item, IReadOnlyList<TypeHelp> types)
    {
        xml.WriteStartElement("command", list, Command);
        foreach (var type in types)
        {
            xml.WriteStartElement("command", item, Command);
            xml.WriteStartElement("dev", "type", Dev);
            xml.WriteElementString("maml", "name", Maml, type.TypeName);
            xml.WriteEndElement();
            Description(xml, type.Description);
            xml.WriteEndElement();
        }

        xml.WriteEndElement();
    }

    private static void Description(XmlWriter xml, IReadOnlyList<string> paras)
    {
        xml.WriteStartElement("maml", "description", Maml);
        Paras(xml, paras);
        xml.WriteEndElement();
    }

    private static void Paras(XmlWriter xml, IEnumerable<string> paras)
    {
        foreach (var para in paras)
        {
            xml.WriteElementString("maml", "para", Maml, para);
        }
    }
}

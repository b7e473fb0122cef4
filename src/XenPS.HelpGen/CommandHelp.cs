namespace XenPS.HelpGen;

/// <summary>A cmdlet's help, read from its PlatyPS 1.x markdown page.</summary>
internal sealed record CommandHelp(
    string Name,
    string Synopsis,
    IReadOnlyList<string> Description,
    IReadOnlyList<SyntaxSet> Syntax,
    IReadOnlyList<ParameterHelp> Parameters,
    IReadOnlyList<ExampleHelp> Examples,
    IReadOnlyList<TypeHelp> Inputs,
    IReadOnlyList<TypeHelp> Outputs,
    IReadOnlyList<string> Notes,
    IReadOnlyList<RelatedLink> Links,
    string HelpUri,
    string ExternalHelpFile)
{
    /// <summary>The verb: the name up to the first '-'.</summary>
    public string Verb => Name[..Name.IndexOf('-', StringComparison.Ordinal)];

    /// <summary>The noun: the name after the first '-'.</summary>
    public string Noun => Name[(Name.IndexOf('-', StringComparison.Ordinal) + 1)..];
}

/// <summary>One parameter set of the SYNTAX section: its name and its parameters in the order the syntax line gives them.</summary>
internal sealed record SyntaxSet(string Name, bool IsDefault, IReadOnlyList<string> ParameterOrder, int Line);

/// <summary>A parameter: its text and the facts of its yaml block.</summary>
internal sealed record ParameterHelp(
    string Name,
    IReadOnlyList<string> Description,
    string Type,
    string DefaultValue,
    bool SupportsWildcards,
    IReadOnlyList<string> Aliases,
    IReadOnlyList<ParameterSetFacts> Sets,
    bool DontShow,
    IReadOnlyList<string> AcceptedValues,
    string HelpMessage,
    int Line)
{
    /// <summary>True for a switch (no value is given on the command line).</summary>
    public bool IsSwitch => Type is "System.Management.Automation.SwitchParameter" or "SwitchParameter";
}

/// <summary>A parameter's facts in one parameter set ("(All)" before the sets are expanded).</summary>
internal sealed record ParameterSetFacts(
    string SetName,
    int? Position,
    bool IsRequired,
    bool ValueFromPipeline,
    bool ValueFromPipelineByPropertyName,
    bool ValueFromRemainingArguments);

/// <summary>An example: its title, the text before the code, the code, and the remarks (output first).</summary>
internal sealed record ExampleHelp(string Title, IReadOnlyList<string> Introduction, string Code, IReadOnlyList<string> Remarks, int CodeLine);

/// <summary>An input or output type with its description.</summary>
internal sealed record TypeHelp(string TypeName, IReadOnlyList<string> Description);

/// <summary>A related link; <see cref="Uri"/> is empty for a link to another page of the module.</summary>
internal sealed record RelatedLink(string Text, string Uri);

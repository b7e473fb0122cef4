using System.Collections.ObjectModel;
using System.Reflection;

namespace XenPS.Tests.NameCheck;

/// <summary>One parameter of a cmdlet: its name and aliases.</summary>
internal sealed record CmdletParameter(string Name, IReadOnlyList<string> Aliases)
{
    public IEnumerable<string> Names => Aliases.Prepend(Name);
}

/// <summary>A cmdlet as PowerShell would see it: its name and every parameter it binds, common ones included.</summary>
internal sealed class CmdletDescription
{
    // PowerShell's common parameters (with their built-in aliases), valid on every cmdlet.
    private static readonly CmdletParameter[] s_common =
    [
        new("Verbose", ["vb"]),
        new("Debug", ["db"]),
        new("ErrorAction", ["ea"]),
        new("ErrorVariable", ["ev"]),
        new("WarningAction", ["wa"]),
        new("WarningVariable", ["wv"]),
        new("InformationAction", ["infa"]),
        new("InformationVariable", ["iv"]),
        new("OutVariable", ["ov"]),
        new("OutBuffer", ["ob"]),
        new("PipelineVariable", ["pv"]),
        new("ProgressAction", ["proga"]),
    ];

    private static readonly CmdletParameter[] s_shouldProcess =
    [
        new("WhatIf", ["wi"]),
        new("Confirm", ["cf"]),
    ];

    public CmdletDescription(string name, string typeName, bool supportsShouldProcess, IEnumerable<CmdletParameter> declared)
    {
        Name = name;
        TypeName = typeName;
        SupportsShouldProcess = supportsShouldProcess;
        Declared = declared.ToList();
        Parameters = Declared.Concat(s_common).Concat(supportsShouldProcess ? s_shouldProcess : []).ToList();
    }

    public string Name { get; }

    public string TypeName { get; }

    public bool SupportsShouldProcess { get; }

    /// <summary>The parameters the class declares (properties with [Parameter]).</summary>
    public IReadOnlyList<CmdletParameter> Declared { get; }

    /// <summary>Declared plus common parameters (and WhatIf/Confirm when the cmdlet supports ShouldProcess).</summary>
    public IReadOnlyList<CmdletParameter> Parameters { get; }

    /// <summary>
    /// Binds a written parameter name the way PowerShell does: an exact name or alias (any case), else
    /// a prefix of exactly one parameter. Returns null when it binds, else why not.
    /// </summary>
    public string? Bind(string written)
    {
        if (written == "?")
        {
            return null; // -? asks for help on any command
        }

        if (Parameters.Any(p => p.Names.Any(n => n.Equals(written, StringComparison.OrdinalIgnoreCase))))
        {
            return null;
        }

        var prefixOf = Parameters
            .Where(p => p.Names.Any(n => n.StartsWith(written, StringComparison.OrdinalIgnoreCase)))
            .ToList();
        return prefixOf.Count switch
        {
            1 => null,
            0 => $"{Name} has no parameter -{written} (it has: {string.Join(", ", Declared.Select(p => "-" + p.Name))}, and the common parameters)",
            _ => $"-{written} is ambiguous for {Name}: it could be {string.Join(", ", prefixOf.Select(p => "-" + p.Name))}",
        };
    }
}

/// <summary>
/// The cmdlets of an assembly, read from attribute metadata (<see cref="CustomAttributeData"/>) and never
/// by instantiating attributes: the PowerShellStandard stub's attribute classes do not keep their values.
/// A cmdlet is a public, non-abstract class with [Cmdlet(verb, noun)]; its parameters are public instance
/// properties with [Parameter], by name and by [Alias].
/// </summary>
internal sealed class CmdletSurface
{
    private const string CmdletAttribute = "System.Management.Automation.CmdletAttribute";
    private const string ParameterAttribute = "System.Management.Automation.ParameterAttribute";
    private const string AliasAttribute = "System.Management.Automation.AliasAttribute";

    private readonly Dictionary<string, CmdletDescription> _commands;

    private CmdletSurface(Dictionary<string, CmdletDescription> commands) => _commands = commands;

    public IReadOnlyCollection<CmdletDescription> Commands => _commands.Values;

    public CmdletDescription? Find(string name) => _commands.GetValueOrDefault(name);

    public static CmdletSurface FromAssembly(Assembly assembly) => FromTypes(assembly.GetTypes());

    public static CmdletSurface FromTypes(IEnumerable<Type> types)
    {
        var commands = new Dictionary<string, CmdletDescription>(StringComparer.OrdinalIgnoreCase);
        foreach (Type type in types)
        {
            if (!type.IsClass || !type.IsPublic || type.IsAbstract)
            {
                continue;
            }

            CustomAttributeData? cmdlet = type.GetCustomAttributesData().FirstOrDefault(a => a.AttributeType.FullName == CmdletAttribute);
            if (cmdlet is null || cmdlet.ConstructorArguments.Count < 2)
            {
                continue;
            }

            string name = $"{cmdlet.ConstructorArguments[0].Value}-{cmdlet.ConstructorArguments[1].Value}";
            bool shouldProcess = cmdlet.NamedArguments.Any(a => a.MemberName == "SupportsShouldProcess" && a.TypedValue.Value is true);
            var parameters = new List<CmdletParameter>();
            foreach (PropertyInfo property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                IList<CustomAttributeData> attributes = property.GetCustomAttributesData();
                if (!attributes.Any(a => a.AttributeType.FullName == ParameterAttribute))
                {
                    continue;
                }

                var aliases = attributes
                    .Where(a => a.AttributeType.FullName == AliasAttribute)
                    .SelectMany(AliasNames)
                    .ToList();
                parameters.Add(new CmdletParameter(property.Name, aliases));
            }

            commands[name] = new CmdletDescription(name, type.FullName ?? type.Name, shouldProcess, parameters);
        }

        return new CmdletSurface(commands);
    }

    // [Alias("a", "b")] is AliasAttribute(params string[]): one constructor argument holding an array.
    private static IEnumerable<string> AliasNames(CustomAttributeData alias)
    {
        foreach (CustomAttributeTypedArgument argument in alias.ConstructorArguments)
        {
            if (argument.Value is ReadOnlyCollection<CustomAttributeTypedArgument> items)
            {
                foreach (CustomAttributeTypedArgument item in items)
                {
                    if (item.Value is string s)
                    {
                        yield return s;
                    }
                }
            }
            else if (argument.Value is string single)
            {
                yield return single;
            }
        }
    }

    /// <summary>Every problem with the given uses, as "file:line:col: what" lines.</summary>
    public IReadOnlyList<string> Check(IEnumerable<CommandUse> uses)
    {
        var problems = new List<string>();
        foreach (CommandUse use in uses)
        {
            CmdletDescription? command = Find(use.Name);
            if (command is null)
            {
                problems.Add($"{use.File}:{use.Line}:{use.Column}: unknown command {use.Name} (XenPS has: {KnownCommands()})");
                continue;
            }

            foreach (ParameterUse parameter in use.Parameters)
            {
                string? why = command.Bind(parameter.Name);
                if (why is not null)
                {
                    problems.Add($"{use.File}:{parameter.Line}:{parameter.Column}: {why}");
                }
            }
        }

        return problems;
    }

    private string KnownCommands() =>
        _commands.Count == 0 ? "no cmdlets yet" : string.Join(", ", _commands.Keys.Order(StringComparer.OrdinalIgnoreCase));
}

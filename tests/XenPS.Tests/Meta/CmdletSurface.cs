using System.Reflection;

namespace XenPS.Tests.Meta;

/// <summary>One parameter of a cmdlet, read from metadata.</summary>
internal sealed record ParameterInfoData(
    string Name,
    Type Type,
    IReadOnlyList<string> Aliases,
    IReadOnlyList<CustomAttributeData> ParameterAttributes)
{
    public bool ByPropertyName => ParameterAttributes.Any(a => Named<bool>(a, "ValueFromPipelineByPropertyName"));

    public bool ByValue => ParameterAttributes.Any(a => Named<bool>(a, "ValueFromPipeline"));

    public IEnumerable<string> ParameterSets => ParameterAttributes.Select(a => Named<string>(a, "ParameterSetName") ?? "__AllParameterSets");

    internal static T? Named<T>(CustomAttributeData a, string name)
    {
        foreach (CustomAttributeNamedArgument n in a.NamedArguments)
        {
            if (n.MemberName == name && n.TypedValue.Value is T v)
            {
                return v;
            }
        }

        return default;
    }
}

/// <summary>One cmdlet class, read through <see cref="CustomAttributeData"/> (never by running the stub's attribute code).</summary>
internal sealed record CmdletData(
    Type Type,
    string Verb,
    string Noun,
    bool SupportsShouldProcess,
    int ConfirmImpact,
    IReadOnlyList<Type> OutputTypes,
    IReadOnlyList<string> OutputTypeNames,
    IReadOnlyList<ParameterInfoData> Parameters)
{
    public string Name => $"{Verb}-{Noun}";
}

/// <summary>The reflected command surface of the cmdlet assembly.</summary>
internal static class CmdletSurface
{
    public const string Sma = "System.Management.Automation";

    public static Assembly CmdletAssembly => typeof(XenPS.Commands.XenCmdlet).Assembly;

    public static IReadOnlyList<CmdletData> Read(Assembly assembly)
    {
        var list = new List<CmdletData>();
        foreach (Type t in assembly.GetExportedTypes())
        {
            if (t.IsAbstract || !DerivesFrom(t, Sma + ".Cmdlet"))
            {
                continue;
            }

            CustomAttributeData? cmdlet = t.GetCustomAttributesData().FirstOrDefault(a => a.AttributeType.FullName == Sma + ".CmdletAttribute");
            string verb = cmdlet?.ConstructorArguments.ElementAtOrDefault(0).Value as string ?? string.Empty;
            string noun = cmdlet?.ConstructorArguments.ElementAtOrDefault(1).Value as string ?? string.Empty;
            bool ssp = cmdlet is not null && ParameterInfoData.Named<bool>(cmdlet, "SupportsShouldProcess");
            int impact = cmdlet is null ? -1 : ParameterInfoData.Named<int>(cmdlet, "ConfirmImpact");

            var outTypes = new List<Type>();
            var outNames = new List<string>();
            foreach (CustomAttributeData o in t.GetCustomAttributesData().Where(a => a.AttributeType.FullName == Sma + ".OutputTypeAttribute"))
            {
                foreach (CustomAttributeTypedArgument arg in o.ConstructorArguments)
                {
                    if (arg.Value is IEnumerable<CustomAttributeTypedArgument> items)
                    {
                        foreach (CustomAttributeTypedArgument i in items)
                        {
                            if (i.Value is Type ty)
                            {
                                outTypes.Add(ty);
                                outNames.Add(ty.FullName!);
                            }
                            else if (i.Value is string s)
                            {
                                outNames.Add(s);
                            }
                        }
                    }
                }
            }

            var parameters = new List<ParameterInfoData>();
            foreach (PropertyInfo p in t.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                var pattrs = p.GetCustomAttributesData().Where(a => a.AttributeType.FullName == Sma + ".ParameterAttribute").ToList();
                if (pattrs.Count == 0)
                {
                    continue;
                }

                var aliases = p.GetCustomAttributesData()
                    .Where(a => a.AttributeType.FullName == Sma + ".AliasAttribute")
                    .SelectMany(a => a.ConstructorArguments)
                    .SelectMany(arg => arg.Value is IEnumerable<CustomAttributeTypedArgument> items ? items.Select(i => (string)i.Value!) : [(string)arg.Value!])
                    .ToList();
                parameters.Add(new ParameterInfoData(p.Name, p.PropertyType, aliases, pattrs));
            }

            list.Add(new CmdletData(t, verb, noun, ssp, impact, outTypes, outNames, parameters));
        }

        return list;
    }

    public static bool DerivesFrom(Type t, string fullName)
    {
        for (Type? b = t.BaseType; b is not null; b = b.BaseType)
        {
            if (b.FullName == fullName)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>PowerShell's approved verbs (Get-Verb, PowerShell 7.4).</summary>
    public static readonly IReadOnlySet<string> ApprovedVerbs = new HashSet<string>(StringComparer.Ordinal)
    {
        // Common
        "Add", "Clear", "Close", "Copy", "Enter", "Exit", "Find", "Format", "Get", "Hide", "Join", "Lock",
        "Move", "New", "Open", "Optimize", "Pop", "Push", "Redo", "Remove", "Rename", "Reset", "Resize",
        "Search", "Select", "Set", "Show", "Skip", "Split", "Step", "Switch", "Undo", "Unlock", "Watch",
        // Communications
        "Connect", "Disconnect", "Read", "Receive", "Send", "Write",
        // Data
        "Backup", "Checkpoint", "Compare", "Compress", "Convert", "ConvertFrom", "ConvertTo", "Dismount",
        "Edit", "Expand", "Export", "Group", "Import", "Initialize", "Limit", "Merge", "Mount", "Out",
        "Publish", "Restore", "Save", "Sync", "Unpublish", "Update",
        // Diagnostic
        "Debug", "Measure", "Ping", "Repair", "Resolve", "Test", "Trace",
        // Lifecycle
        "Approve", "Assert", "Build", "Complete", "Confirm", "Deny", "Deploy", "Disable", "Enable", "Install",
        "Invoke", "Register", "Request", "Restart", "Resume", "Start", "Stop", "Submit", "Suspend",
        "Uninstall", "Unregister", "Wait",
        // Security
        "Block", "Grant", "Protect", "Revoke", "Unblock", "Unprotect",
        // Other
        "Use",
    };

    /// <summary>Verbs that change state: such cmdlets must support -WhatIf/-Confirm.</summary>
    public static readonly IReadOnlySet<string> StateChangingVerbs = new HashSet<string>(StringComparer.Ordinal)
    {
        "New", "Set", "Add", "Remove", "Start", "Stop", "Restart", "Suspend", "Resume", "Save", "Restore",
        "Rename", "Invoke", "Move",
    };
}

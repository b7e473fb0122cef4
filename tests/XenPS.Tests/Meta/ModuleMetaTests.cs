using System.Reflection;
using System.Xml.Linq;

namespace XenPS.Tests.Meta;

/// <summary>
/// The module's command surface, checked by reflection over the built cmdlet assembly and the
/// manifest text, so it cannot rot while nobody here can load the module into pwsh.
/// </summary>
public sealed class ModuleMetaTests
{
    private static readonly Lazy<IReadOnlyList<CmdletData>> s_cmdlets = new(() => CmdletSurface.Read(CmdletSurface.CmdletAssembly));
    private static readonly Lazy<Dictionary<string, object?>> s_manifest = new(() => Psd1Reader.ReadHashtable(File.ReadAllText(Path.Combine(RepoPaths.Root, "XenPS.psd1"))));

    private static IReadOnlyList<CmdletData> Cmdlets => s_cmdlets.Value;

    private static Dictionary<string, object?> Manifest => s_manifest.Value;

    [Fact]
    public void Built_module_is_the_assembly_under_test()
    {
        string lib = Path.Combine(RepoPaths.Root, "out", "XenPS", "lib", "XenPS.dll");
        Assert.True(File.Exists(lib), $"{lib} is missing: the build lays out out/XenPS/.");
        using var stream = File.OpenRead(lib);
        using var pe = new System.Reflection.PortableExecutable.PEReader(stream);
        var md = System.Reflection.Metadata.PEReaderExtensions.GetMetadataReader(pe);
        Guid built = md.GetGuid(md.GetModuleDefinition().Mvid);
        Assert.Equal(CmdletSurface.CmdletAssembly.ManifestModule.ModuleVersionId, built);
    }

    [Fact]
    public void Every_cmdlet_has_an_approved_verb_a_noun_starting_with_Xen_and_a_conventional_class_name()
    {
        var bad = new List<string>();
        foreach (CmdletData c in Cmdlets)
        {
            if (c.Verb.Length == 0)
            {
                bad.Add($"{c.Type.Name}: no [Cmdlet] attribute");
                continue;
            }

            if (!CmdletSurface.ApprovedVerbs.Contains(c.Verb))
            {
                bad.Add($"{c.Name}: '{c.Verb}' is not an approved verb");
            }

            if (!c.Noun.StartsWith("Xen", StringComparison.Ordinal))
            {
                bad.Add($"{c.Name}: noun must start with 'Xen'");
            }

            if (c.Type.Name != c.Verb + c.Noun + "Command" || !c.Type.IsSealed)
            {
                bad.Add($"{c.Name}: class must be 'sealed class {c.Verb}{c.Noun}Command'");
            }
        }

        Assert.True(bad.Count == 0, string.Join(Environment.NewLine, bad));
    }

    [Fact]
    public void Every_cmdlet_declares_OutputType_naming_real_types()
    {
        var bad = Cmdlets.Where(c => c.OutputTypeNames.Count == 0).Select(c => c.Name).ToList();
        Assert.True(bad.Count == 0, "Missing [OutputType]: " + string.Join(", ", bad));
    }

    [Fact]
    public void CmdletsToExport_lists_exactly_the_cmdlets()
    {
        var exported = Psd1Reader.Strings(Manifest["CmdletsToExport"]).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var actual = Cmdlets.Select(c => c.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        Assert.Empty(actual.Except(exported));
        Assert.Empty(exported.Except(actual));
    }

    [Fact]
    public void State_changing_verbs_support_ShouldProcess_and_Remove_is_high_impact()
    {
        var bad = Cmdlets.Where(c => CmdletSurface.StateChangingVerbs.Contains(c.Verb) && !c.SupportsShouldProcess).Select(c => c.Name).ToList();
        Assert.True(bad.Count == 0, "Need SupportsShouldProcess: " + string.Join(", ", bad));
        const int high = 3;
        var notHigh = Cmdlets.Where(c => c.Verb == "Remove" && c.ConfirmImpact != high).Select(c => c.Name).ToList();
        Assert.True(notHigh.Count == 0, "Remove-* needs ConfirmImpact.High: " + string.Join(", ", notHigh));
    }

    [Fact]
    public void By_property_name_parameters_bind_to_properties_of_output_types()
    {
        var outputProperties = Cmdlets
            .SelectMany(c => c.OutputTypes)
            .Distinct()
            .SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            .Select(p => p.Name)
            .ToHashSet(StringComparer.OrdinalIgnoreCase);

        var bad = new List<string>();
        foreach (CmdletData c in Cmdlets)
        {
            foreach (ParameterInfoData p in c.Parameters.Where(p => p.ByPropertyName))
            {
                bool pathConvention = p.Name == "LiteralPath" && p.Aliases.Contains("PSPath");
                bool matches = outputProperties.Contains(p.Name) || p.Aliases.Any(outputProperties.Contains);
                if (!pathConvention && !matches)
                {
                    bad.Add($"{c.Name} -{p.Name}");
                }
            }
        }

        Assert.True(bad.Count == 0, "By-property-name parameters that no XenPS output binds to: " + string.Join(", ", bad));
    }

    [Fact]
    public void Timeouts_are_whole_seconds()
    {
        var bad = Cmdlets.SelectMany(c => c.Parameters.Where(p => p.Name.Contains("Timeout") && p.Type != typeof(int) && p.Type != typeof(int?)).Select(p => $"{c.Name} -{p.Name}")).ToList();
        Assert.True(bad.Count == 0, "Timeouts must be int seconds: " + string.Join(", ", bad));
    }

    [Fact]
    public void Format_file_names_only_real_types_and_properties()
    {
        string path = Path.Combine(RepoPaths.Root, "src", "XenPS", "Module", "XenPS.Format.ps1xml");
        XDocument doc = XDocument.Load(path);
        Assembly[] assemblies = [typeof(XenPS.XenDomain).Assembly, CmdletSurface.CmdletAssembly];
        var problems = new List<string>();
        foreach (XElement view in doc.Descendants("View"))
        {
            var typeNames = view.Element("ViewSelectedBy")!.Elements("TypeName").Select(e => e.Value.Trim()).ToList();
            Assert.NotEmpty(typeNames);
            foreach (string tn in typeNames)
            {
                Type? t = assemblies.Select(a => a.GetType(tn)).FirstOrDefault(x => x is not null);
                if (t is null)
                {
                    problems.Add($"view {view.Element("Name")?.Value}: type {tn} does not exist");
                    continue;
                }

                foreach (XElement prop in view.Descendants("PropertyName"))
                {
                    if (t.GetProperty(prop.Value.Trim(), BindingFlags.Public | BindingFlags.Instance) is null)
                    {
                        problems.Add($"view {view.Element("Name")?.Value}: {tn} has no property {prop.Value.Trim()}");
                    }
                }

                foreach (XElement sb in view.Descendants("ScriptBlock"))
                {
                    foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(sb.Value, @"\$_\.(\w+)"))
                    {
                        if (t.GetProperty(m.Groups[1].Value, BindingFlags.Public | BindingFlags.Instance) is null)
                        {
                            problems.Add($"view {view.Element("Name")?.Value}: script uses {tn}.{m.Groups[1].Value}, which does not exist");
                        }
                    }
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void Manifest_has_the_required_shape_and_its_version_is_the_assemblies_version()
    {
        Assert.Equal("XenPS.psm1", Manifest["RootModule"]);
        Assert.Equal(["XenPS.Loader.dll"], Psd1Reader.Strings(Manifest["RequiredAssemblies"]));
        Assert.Equal(["Core"], Psd1Reader.Strings(Manifest["CompatiblePSEditions"]));
        Assert.Equal("7.4", Manifest["PowerShellVersion"]);
        Assert.Contains("XenPS.Format.ps1xml", Psd1Reader.Strings(Manifest["FormatsToProcess"]));
        Assert.Empty(Psd1Reader.Strings(Manifest["FunctionsToExport"]));
        Assert.Empty(Psd1Reader.Strings(Manifest["VariablesToExport"]));
        Assert.Empty(Psd1Reader.Strings(Manifest["AliasesToExport"]));
        Assert.True(Guid.TryParse((string)Manifest["GUID"]!, out Guid g) && g != Guid.Empty);
        Assert.False(string.IsNullOrWhiteSpace((string?)Manifest["Description"]));
        var psData = (Dictionary<string, object?>)((Dictionary<string, object?>)Manifest["PrivateData"]!)["PSData"]!;
        Assert.NotEmpty(Psd1Reader.Strings(psData["Tags"]));

        var version = Version.Parse((string)Manifest["ModuleVersion"]!);
        var expected = new Version(version.Major, version.Minor, Math.Max(version.Build, 0), Math.Max(version.Revision, 0));
        Assert.Equal(expected, CmdletSurface.CmdletAssembly.GetName().Version);
        Assert.Equal(expected, typeof(XenPS.XenDomain).Assembly.GetName().Version);
        Assert.Equal(expected, typeof(XenPS.Loader.LoadContext).Assembly.GetName().Version);
    }

    [Fact]
    public void Core_error_categories_are_PowerShell_error_categories()
    {
        Type smaCategory = typeof(System.Management.Automation.ErrorCategory);
        var missing = Enum.GetNames<XenPS.XenErrorCategory>().Where(n => !Enum.IsDefined(smaCategory, n)).ToList();
        Assert.True(missing.Count == 0, "Not ErrorCategory names: " + string.Join(", ", missing));
    }

    [Fact]
    public void Module_folder_has_the_layout_and_no_stub_assembly()
    {
        string root = Path.Combine(RepoPaths.Root, "out", "XenPS");
        foreach (string f in new[] { "XenPS.psd1", "XenPS.psm1", "XenPS.Loader.dll", "XenPS.Format.ps1xml", "lib/XenPS.dll", "lib/XenPS.Core.dll", "lib/Microsoft.Extensions.Logging.dll", "lib/Microsoft.Extensions.Logging.Abstractions.dll", "en-US/about_XenPS.help.txt", "LICENSE" })
        {
            Assert.True(File.Exists(Path.Combine(root, f)), $"out/XenPS/{f} is missing");
        }

        var stubs = Directory.EnumerateFiles(root, "System.Management.Automation*", SearchOption.AllDirectories).ToList();
        Assert.Empty(stubs);
        Assert.False(File.Exists(Path.Combine(root, "lib", "XenPS.Loader.dll")), "the loader belongs beside the manifest, not in lib/ (it would load twice)");
        string psm1 = File.ReadAllText(Path.Combine(root, "XenPS.psm1"));
        Assert.Contains("[XenPS.Loader.LoadContext]::Initialize()", psm1);
        Assert.Contains("-Assembly $asm", psm1);
    }
}

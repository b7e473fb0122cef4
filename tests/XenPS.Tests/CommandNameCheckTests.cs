using Xunit.Abstractions;
using XenPS.Tests.NameCheck;
using XenPS.Tests.NameCheck.Fakes;

namespace XenPS.Tests;

/// <summary>
/// The name check: every Verb-Xen* command and every -Parameter written after it in the Pester tests,
/// the README, the examples, the real-Xen Pester scenarios and the help pages must exist in the reflected surface of the built
/// XenPS.dll, so that docs and tests cannot drift from the cmdlets while nobody here can run pwsh.
/// </summary>
public sealed class CommandNameCheckTests(ITestOutputHelper output)
{
    private static readonly CmdletSurface s_fakes = CmdletSurface.FromTypes(typeof(GetXenWidgetCommand).Assembly.GetTypes());

    // ---- the repository ----

    [Fact]
    public void RepositoryFilesNameOnlyRealCommandsAndParameters()
    {
        var surface = CmdletSurface.FromAssembly(typeof(XenPS.Commands.XenCmdlet).Assembly);
        var uses = new List<CommandUse>();
        var files = RepositoryFilesToCheck().ToList();
        foreach (string file in files)
        {
            string relative = Path.GetRelativePath(RepoPaths.Root, file).Replace('\\', '/');
            string text = File.ReadAllText(file);
            if (file.EndsWith(".md", StringComparison.OrdinalIgnoreCase))
            {
                uses.AddRange(PowerShellCommandScanner.ScanMarkdown(text, relative));
                if (relative.StartsWith("en-US/", StringComparison.Ordinal) && PowerShellCommandScanner.ScanHelpPageParameters(text, relative) is { } page)
                {
                    uses.Add(page);
                }
            }
            else
            {
                uses.AddRange(PowerShellCommandScanner.ScanPowerShell(text, relative));
            }
        }

        output.WriteLine($"name check: {files.Count} files, {uses.Count} command uses, {uses.Sum(u => u.Parameters.Count)} parameters, {surface.Commands.Count} cmdlets in XenPS.dll");
        IReadOnlyList<string> problems = surface.Check(uses);
        Assert.True(problems.Count == 0, "Names that XenPS.dll does not have:\n" + string.Join("\n", problems));
    }

    [Fact]
    public void TheBuildLaysOutTheCmdletAssemblyThatIsChecked()
    {
        string built = Path.Combine(RepoPaths.Root, "out", "XenPS", "lib", "XenPS.dll");
        Assert.True(File.Exists(built), $"{built} is missing: build the solution first (dotnet build XenPS.sln -c Release)");
        Assert.Equal(
            typeof(XenPS.Commands.XenCmdlet).Assembly.GetName().Version,
            System.Reflection.AssemblyName.GetAssemblyName(built).Version);
    }

    [Fact]
    public void TheCmdletBaseIsNotACommand()
    {
        var surface = CmdletSurface.FromAssembly(typeof(XenPS.Commands.XenCmdlet).Assembly);
        Assert.DoesNotContain(surface.Commands, c => c.TypeName == typeof(XenPS.Commands.XenCmdlet).FullName);
    }

    private static IEnumerable<string> RepositoryFilesToCheck()
    {
        string root = RepoPaths.Root;
        IEnumerable<string> Under(string folder, string pattern, SearchOption option) =>
            Directory.Exists(Path.Combine(root, folder))
                ? Directory.EnumerateFiles(Path.Combine(root, folder), pattern, option)
                : [];

        string readme = Path.Combine(root, "README.md");
        return Under(Path.Combine("tests", "Pester"), "*.ps1", SearchOption.AllDirectories)
            .Concat(Under(Path.Combine("tests", "integration"), "*.ps1", SearchOption.AllDirectories))
            .Concat(Under("examples", "*.ps1", SearchOption.AllDirectories))
            .Concat(Under("examples", "*.psm1", SearchOption.AllDirectories))
            .Concat(Under("en-US", "*.md", SearchOption.TopDirectoryOnly))
            .Concat(File.Exists(readme) ? [readme] : [])
            .Order(StringComparer.Ordinal);
    }

    // ---- the surface, read by reflection from attribute metadata ----

    [Fact]
    public void SurfaceReadsCmdletNamesFromAttributeMetadata()
    {
        Assert.Equal(
            ["Get-XenWidget", "Remove-XenWidget"],
            s_fakes.Commands.Where(c => c.Name.Contains("XenWidget", StringComparison.Ordinal)).Select(c => c.Name).Order(StringComparer.Ordinal));
        Assert.Null(s_fakes.Find("Set-XenAbstract"));
        Assert.Null(s_fakes.Find("Set-XenHidden"));
        Assert.NotNull(s_fakes.Find("get-xenwidget"));
    }

    [Fact]
    public void SurfaceReadsParametersAliasesAndShouldProcess()
    {
        CmdletDescription get = s_fakes.Find("Get-XenWidget")!;
        Assert.Equal(["ComputerName", "Count", "Name", "NameOnly"], get.Declared.Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(["WidgetName", "WN"], get.Declared.Single(p => p.Name == "Name").Aliases);
        Assert.Equal(["Cn"], get.Declared.Single(p => p.Name == "ComputerName").Aliases);
        Assert.False(get.SupportsShouldProcess);
        Assert.True(s_fakes.Find("Remove-XenWidget")!.SupportsShouldProcess);
    }

    [Theory]
    [InlineData("Name")]
    [InlineData("name")]
    [InlineData("WidgetName")]
    [InlineData("wn")]
    [InlineData("Cou")] // unambiguous prefix of Count
    [InlineData("ComputerName")] // inherited
    [InlineData("cn")]
    [InlineData("Verbose")]
    [InlineData("ErrorAction")]
    [InlineData("ea")]
    [InlineData("ProgressAction")]
    [InlineData("PipelineVariable")]
    [InlineData("NameOnly")] // exact match wins over being a prefix of nothing else
    [InlineData("?")]
    public void BindAcceptsWhatPowerShellBinds(string written)
    {
        Assert.Null(s_fakes.Find("Get-XenWidget")!.Bind(written));
    }

    [Theory]
    [InlineData("Nmae", "has no parameter -Nmae")]
    [InlineData("WhatIf", "has no parameter -WhatIf")] // not a ShouldProcess cmdlet
    [InlineData("Confirm", "has no parameter -Confirm")]
    [InlineData("Helper", "has no parameter -Helper")] // a property without [Parameter]
    [InlineData("C", "ambiguous")] // Count, ComputerName, Cn...
    [InlineData("Na", "ambiguous")] // Name, NameOnly
    [InlineData("Info", "ambiguous")] // InformationAction, InformationVariable
    public void BindRejectsWhatPowerShellRejects(string written, string expected)
    {
        string? why = s_fakes.Find("Get-XenWidget")!.Bind(written);
        Assert.NotNull(why);
        Assert.Contains(expected, why, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("WhatIf")]
    [InlineData("wi")]
    [InlineData("Confirm")]
    [InlineData("cf")]
    [InlineData("Force")]
    public void ShouldProcessCmdletsAlsoBindWhatIfAndConfirm(string written)
    {
        Assert.Null(s_fakes.Find("Remove-XenWidget")!.Bind(written));
    }

    // ---- the scanner and the check, on snippets ----

    [Fact]
    public void AWrongCommandAndAWrongParameterAreReported()
    {
        const string script = """
            Get-XenWidget -Name a -Count 3
            Get-XenGadget -Name b
            Get-XenWidget -Nmae c
            """;
        IReadOnlyList<string> problems = s_fakes.Check(PowerShellCommandScanner.ScanPowerShell(script, "t.ps1"));
        Assert.Equal(2, problems.Count);
        Assert.StartsWith("t.ps1:2:1: unknown command Get-XenGadget", problems[0], StringComparison.Ordinal);
        Assert.StartsWith("t.ps1:3:15: Get-XenWidget has no parameter -Nmae", problems[1], StringComparison.Ordinal);
    }

    [Fact]
    public void ParametersAreCollectedWithTheirPositions()
    {
        CommandUse use = Assert.Single(PowerShellCommandScanner.ScanPowerShell("  Get-XenWidget -Name:'a' -Count 2 -NameOnly:$true x", "f.ps1"));
        Assert.Equal(("Get-XenWidget", 1, 3, true), (use.Name, use.Line, use.Column, use.InCommandPosition));
        Assert.Equal(
            [new ParameterUse("Name", 1, 17), new ParameterUse("Count", 1, 27), new ParameterUse("NameOnly", 1, 36)],
            use.Parameters);
    }

    [Theory]
    [InlineData("Get-XenWidget -Name a | Select-Object -Property Foo")]
    [InlineData("Get-XenWidget -Name a; Select-Object -Property Foo")]
    [InlineData("(Get-XenWidget -Name a) -Property Foo")]
    [InlineData("{ Get-XenWidget -Name a } -Property Foo")]
    [InlineData("Get-XenWidget -Name a\n-Property Foo")]
    [InlineData("Get-XenWidget -Name a && Other -Property Foo")]
    [InlineData("Get-XenWidget -Name a || Other -Property Foo")]
    [InlineData("Get-XenWidget -Name a -- -Property")]
    public void ACommandEndsAtPipesSeparatorsClosersAndNewlines(string script)
    {
        CommandUse use = Assert.Single(PowerShellCommandScanner.ScanPowerShell(script, "f.ps1"));
        Assert.Equal(["Name"], use.Parameters.Select(p => p.Name));
    }

    [Fact]
    public void ABacktickContinuesTheCommandOnTheNextLine()
    {
        CommandUse use = Assert.Single(PowerShellCommandScanner.ScanPowerShell("Get-XenWidget -Name a `\n    -Count 2 `\r\n    -Nmae x\n-NotMine", "f.ps1"));
        Assert.Equal([("Name", 1), ("Count", 2), ("Nmae", 3)], use.Parameters.Select(p => (p.Name, p.Line)));
    }

    [Fact]
    public void OperatorsAndParametersOfNestedCommandsAreNotParameters()
    {
        const string script = "Get-XenWidget -Name ($n -replace 'a', 'b') -Count (Get-Random -Maximum 3) -WidgetName @(1, 2) { -NotMine } -eq 3 -and -f";
        CommandUse use = PowerShellCommandScanner.ScanPowerShell(script, "f.ps1")[0];
        Assert.Equal(["Name", "Count", "WidgetName"], use.Parameters.Select(p => p.Name));
    }

    [Fact]
    public void ANameAsAnArgumentOfAnotherCommandIsCheckedButNotItsParameters()
    {
        var uses = PowerShellCommandScanner.ScanPowerShell("Get-Help Get-XenWidget -Full\nGet-Command -Name Get-XenGadget -Syntax", "f.ps1");
        Assert.Equal([("Get-XenWidget", false, 0), ("Get-XenGadget", false, 0)], uses.Select(u => (u.Name, u.InCommandPosition, u.Parameters.Count)));
        Assert.Equal(["f.ps1:2:19: unknown command Get-XenGadget"], s_fakes.Check(uses).Select(p => p[..(p.IndexOf(" (", StringComparison.Ordinal))]));
    }

    [Theory]
    [InlineData("$w = Get-XenWidget -Count 1")]
    [InlineData("$all += Get-XenWidget -Count 1")]
    [InlineData("& Get-XenWidget -Count 1")]
    [InlineData("foreach ($w in Get-XenWidget -Count 1) { $w }")]
    [InlineData("return Get-XenWidget -Count 1")]
    [InlineData("$x = @(Get-XenWidget -Count 1)")]
    [InlineData("\"Widgets: $(Get-XenWidget -Count 1)\"")]
    [InlineData("It 'works' {\n    Get-XenWidget -Count 1 | Should -Not -BeNullOrEmpty\n}")]
    [InlineData("XenPS\\Get-XenWidget -Count 1")]
    [InlineData("get-xenwidget -count 1")]
    public void CommandsAreFoundWhereverAStatementOrPipelineStarts(string script)
    {
        CommandUse use = Assert.Single(PowerShellCommandScanner.ScanPowerShell(script, "f.ps1"));
        Assert.True(use.InCommandPosition);
        Assert.Equal("count", Assert.Single(use.Parameters).Name, ignoreCase: true);
    }

    [Theory]
    [InlineData("# Get-XenGadget -Nmae 1")]
    [InlineData("<# Get-XenGadget\n -Nmae 1 #>")]
    [InlineData("Describe 'Get-XenGadget -Nmae' { }")]
    [InlineData("$s = @'\nGet-XenGadget -Nmae\n'@")]
    [InlineData("Write-Host \"Get-XenGadget -Nmae\"")]
    [InlineData("{ Get-XenGadget -Nmae 1 } | Should -Throw # namecheck:ignore")]
    public void CommentsStringsAndIgnoredLinesAreNotScanned(string script)
    {
        Assert.Empty(PowerShellCommandScanner.ScanPowerShell(script, "f.ps1"));
    }

    [Fact]
    public void SplattingIsAcceptedWithoutCheckingButWrittenParametersStillAre()
    {
        CommandUse use = Assert.Single(PowerShellCommandScanner.ScanPowerShell("Get-XenWidget @params -Nmae x", "f.ps1"));
        Assert.True(use.Splatted);
        Assert.Single(s_fakes.Check([use]));
        Assert.Empty(s_fakes.Check(PowerShellCommandScanner.ScanPowerShell("Get-XenWidget @params", "f.ps1")));
    }

    [Fact]
    public void MarkdownCodeBlocksInlineCodeAndProseAreScanned()
    {
        const string markdown = """
            # XenPS

            Run `Get-XenWidget -Count 2` or `Get-XenGadget`; Remove-XenGizmo is prose.

            ```powershell
            PS> Get-XenWidget -Name web01 |
                Remove-XenWidget -WhatIf
            PS /root> Remove-XenWidget -Name a `
                -Frce
            ```

            ```text
            Get-XenWidget [[-Name] <string[]>] [-Count <int>] [<CommonParameters>]
            ```
            """;
        var uses = PowerShellCommandScanner.ScanMarkdown(markdown, "README.md");
        Assert.Equal(
            [("Get-XenWidget", 3, 6), ("Get-XenGadget", 3, 34), ("Remove-XenGizmo", 3, 50), ("Get-XenWidget", 6, 5), ("Remove-XenWidget", 7, 5), ("Remove-XenWidget", 8, 11), ("Get-XenWidget", 13, 1)],
            uses.Select(u => (u.Name, u.Line, u.Column)));
        Assert.Equal(
            [
                "README.md:3:34: unknown command Get-XenGadget",
                "README.md:3:50: unknown command Remove-XenGizmo",
                "README.md:9:5: Remove-XenWidget has no parameter -Frce",
            ],
            s_fakes.Check(uses).Select(p => p.Contains(" (", StringComparison.Ordinal) ? p[..p.IndexOf(" (", StringComparison.Ordinal)] : p));
    }

    [Fact]
    public void ProseNamesOnlyCapitalisedVerbXenNouns()
    {
        var uses = PowerShellCommandScanner.ScanMarkdown("Runs on non-Xen hosts and pre-Xen kernels; see Get-XenWidget, en-US/Get-XenGadget.md.\n<!-- Get-XenGizmo namecheck:ignore -->", "README.md");
        Assert.Equal(["Get-XenWidget", "Get-XenGadget"], uses.Select(u => u.Name));
    }

    [Fact]
    public void AHelpPageDocumentsOnlyItsCommandsParameters()
    {
        const string page = """
            ---
            title: Get-XenWidget
            ---
            # Get-XenWidget

            ## PARAMETERS

            ### -Name

            ### -Cuont

            ### CommonParameters
            """;
        CommandUse use = PowerShellCommandScanner.ScanHelpPageParameters(page, "en-US/Get-XenWidget.md")!;
        Assert.Equal(["Name", "Cuont"], use.Parameters.Select(p => p.Name));
        Assert.Equal(
            ["en-US/Get-XenWidget.md:10:5: Get-XenWidget has no parameter -Cuont"],
            s_fakes.Check([use]).Select(p => p[..p.IndexOf(" (", StringComparison.Ordinal)]));
        Assert.Null(PowerShellCommandScanner.ScanHelpPageParameters(page, "en-US/about_XenPS.md"));
        Assert.Single(s_fakes.Check([PowerShellCommandScanner.ScanHelpPageParameters(page, "en-US/Get-XenGadget.md")!]));
    }
}

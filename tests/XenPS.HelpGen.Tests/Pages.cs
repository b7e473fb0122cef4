namespace XenPS.HelpGen.Tests;

/// <summary>Small help sources for the tests: a valid page covering every schema element, and an about topic.</summary>
internal static class Pages
{
    public const string Valid = """
        ---
        document type: cmdlet
        external help file: XenPS.dll-Help.xml
        HelpUri: ''
        Locale: en-US
        Module Name: XenPS
        ms.date: 11/30/2026
        PlatyPS schema version: 2024-05-01
        title: Stop-Thing
        ---

        # Stop-Thing

        ## SYNOPSIS

        Stops things.

        ## SYNTAX

        ### Name (Default)

        ```
        Stop-Thing [-Name] <string[]> [-Force] [-Count <int>]
         [<CommonParameters>]
        ```

        ### Id

        ```
        Stop-Thing -Id <int[]> [-Force] [-Count <int>] [<CommonParameters>]
        ```

        ## ALIASES

        This cmdlet has no aliases.

        ## DESCRIPTION

        The `Stop-Thing` cmdlet stops
        **each** thing, as [xl](https://xenbits.xen.org/docs/xl.1.html) does.

        Targets:

        - by name,
        - by id.

        ## EXAMPLES

        ### Example 1 - Stop one thing

        Stops web1.

        ```powershell
        Stop-Thing -Name web1
        ```

        ```Output
        Name Id
        ---- --
        web1  3
        ```

        The thing is gone.

        ### Example 2 - A pipeline

        ```powershell
        Get-Thing web* |
            Stop-Thing -Force
        ```

        ## PARAMETERS

        ### -Count

        How many, at most.

        Counted per host.

        ```yaml
        Type: System.Int32
        DefaultValue: '4'
        SupportsWildcards: false
        Aliases: []
        ParameterSets:
        - Name: (All)
          Position: Named
          IsRequired: false
          ValueFromPipeline: false
          ValueFromPipelineByPropertyName: false
          ValueFromRemainingArguments: false
        DontShow: false
        AcceptedValues: []
        HelpMessage: ''
        ```

        ### -Force

        The hard way.

        ```yaml
        Type: System.Management.Automation.SwitchParameter
        DefaultValue: ''
        SupportsWildcards: false
        Aliases: []
        ParameterSets:
        - Name: (All)
          Position: Named
          IsRequired: false
          ValueFromPipeline: false
          ValueFromPipelineByPropertyName: false
          ValueFromRemainingArguments: false
        DontShow: false
        AcceptedValues: []
        HelpMessage: ''
        ```

        ### -Id

        The domain ids.

        ```yaml
        Type: System.Int32[]
        DefaultValue: ''
        SupportsWildcards: false
        Aliases: []
        ParameterSets:
        - Name: Id
          Position: Named
          IsRequired: true
          ValueFromPipeline: false
          ValueFromPipelineByPropertyName: true
          ValueFromRemainingArguments: false
        DontShow: false
        AcceptedValues: []
        HelpMessage: ''
        ```

        ### -Name

        The names; wildcards allowed.

        ```yaml
        Type: System.String[]
        DefaultValue: ''
        SupportsWildcards: true
        Aliases:
        - DomainName
        - N
        ParameterSets:
        - Name: Name
          Position: 0
          IsRequired: true
          ValueFromPipeline: true
          ValueFromPipelineByPropertyName: true
          ValueFromRemainingArguments: false
        DontShow: false
        AcceptedValues: []
        HelpMessage: ''
        ```

        ### CommonParameters

        This cmdlet supports the common parameters.

        ## INPUTS

        ### System.String[]

        Names.

        ## OUTPUTS

        ### XenPS.XenDomain

        With -PassThru.

        ## NOTES

        Domain-0 is refused.

        ## RELATED LINKS

        - [Get-Thing](Get-Thing.md)
        - [xl(1)](https://xenbits.xen.org/docs/xl.1.html)
        """;

    public const string About = """
        # about_Thing

        ## SHORT DESCRIPTION

        Things, briefly.

        ## LONG DESCRIPTION

        A long paragraph that certainly has to be wrapped because it goes on and on well past the eighty columns of a console, with **bold** and `code` in it.

        ### Connections

        Connect first:

        ```powershell
        Connect-XenHost -Simulated -Name lab
        ```

        - one item
        - a second item that is long enough that it must wrap onto a following line under its own text

        ## SEE ALSO

        - [Get-Thing](Get-Thing.md)
        """;

    /// <summary>The 1-based line of the first line of <paramref name="page"/> that equals <paramref name="line"/>.</summary>
    public static int LineOf(string page, string line) =>
        Array.FindIndex(page.Split('\n'), l => l == line) is var i and >= 0 ? i + 1 : throw new ArgumentException("no line " + line);

    /// <summary>The page with the first <paramref name="from"/> replaced (the test fails if it is not there).</summary>
    public static string With(this string page, string from, string to)
    {
        var at = page.IndexOf(from, StringComparison.Ordinal);
        Assert.True(at >= 0, "the test page has no '" + from + "'");
        return page[..at] + to + page[(at + from.Length)..];
    }

    /// <summary>The page without the lines from the one equal to <paramref name="first"/> up to (not including) the one equal to <paramref name="next"/>.</summary>
    public static string Without(this string page, string first, string next)
    {
        var lines = page.Split('\n').ToList();
        var a = lines.IndexOf(first);
        var b = lines.IndexOf(next, a + 1);
        Assert.True(a >= 0 && b > a, $"the test page has no '{first}' before '{next}'");
        lines.RemoveRange(a, b - a);
        return string.Join('\n', lines);
    }
}

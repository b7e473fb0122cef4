using System.Management.Automation;
using XenPS.Config;
using XenPS.Operations;

namespace XenPS.Commands;

/// <summary>
/// <para type="synopsis">Checks xl.cfg files or config objects: syntax and what xl would refuse; with -XenHost also the host's own verdict (xl -N create).</para>
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "XenDomainConfig", DefaultParameterSetName = ByPath)]
[OutputType(typeof(XenConfigValidationResult))]
public sealed class TestXenDomainConfigCommand : XenCmdlet
{
    private const string ByPath = "Path";
    private const string ByLiteralPath = "LiteralPath";
    private const string ByInputObject = "InputObject";

    /// <summary>Config files on this machine; wildcards allowed.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = ByPath)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = [];

    /// <summary>Config files on this machine, taken literally.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ByLiteralPath)]
    [Alias("PSPath")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = [];

    /// <summary>A config object.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ByInputObject)]
    [ValidateNotNull]
    public XenDomainConfig? InputObject { get; set; }

    /// <summary>Also ask these hosts' xl (xl -N create on the text): their verdict is added to the result.</summary>
    [Parameter]
    [XenHostTransformation]
    [ArgumentCompleter(typeof(XenHostNameCompleter))]
    public XenHostConnection[]? XenHost { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (ParameterSetName == ByInputObject)
        {
            WriteObject(Check(InputObject!.ToConfigText(), InputObject.SourcePath));
            return;
        }

        IEnumerable<string> files = ParameterSetName == ByLiteralPath
            ? LiteralPath.Select(p => GetUnresolvedProviderPathFromPSPath(p))
            : Path.SelectMany(p => GetResolvedProviderPathFromPSPath(p, out _));
        foreach (string file in files)
        {
            string text;
            try
            {
                text = File.ReadAllText(file);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                WriteXenError(ex, file);
                continue;
            }

            WriteObject(Check(text, file));
        }
    }

    private XenConfigValidationResult Check(string text, string? file)
    {
        XenConfigValidationResult result = XenConfigValidator.Validate(text, file);
        foreach (XenHostConnection host in XenHost ?? [])
        {
            try
            {
                Run(ct => host.Toolstack.DryRunCreateAsync(text, ct));
                WriteVerbose($"Host '{host.Name}' (xl -N create) accepts {file ?? "the config"}.");
            }
            catch (Exception ex) when (ex is XenConfigException or XlCommandException)
            {
                result = ConfigVerdicts.WithHostVerdict(result, host.Name, ex.Message);
            }
        }

        return result;
    }
}

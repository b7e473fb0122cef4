using System.Management.Automation;
using XenPS.Config;
using XenPS.Operations;

namespace XenPS.Commands;

/// <summary>
/// <para type="synopsis">Checks xl.cfg files or config objects: syntax and what xl would refuse; with -XenHost also the host's own verdict (xl -N create).</para>
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "XenDomainConfig", DefaultParameterSetName = ByPath)]
[OutputType(typeof(XenConfigValidationResult))]
public sealed class TestXenDomainConfigCommand : XenConfigFileCmdlet
{
    private const string ByInputObject = "InputObject";

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

        foreach (string file in ResolveFiles())
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

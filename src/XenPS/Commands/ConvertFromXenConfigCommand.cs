using System.Management.Automation;
using XenPS.Config;

namespace XenPS.Commands;

/// <summary>
/// <para type="synopsis">Reads xl.cfg files (on this machine) or text into config objects that keep comments and layout.</para>
/// </summary>
[Cmdlet(VerbsData.ConvertFrom, "XenConfig", DefaultParameterSetName = ByPath)]
[OutputType(typeof(XenDomainConfig))]
public sealed class ConvertFromXenConfigCommand : XenConfigFileCmdlet
{
    private const string ByContent = "Content";

    /// <summary>xl.cfg text.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ByContent)]
    [AllowEmptyString]
    public string Content { get; set; } = string.Empty;

    /// <summary>Modernise xm-era forms (disk prefixes, builder) and report each change as a warning.</summary>
    [Parameter]
    public SwitchParameter Modernize { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (ParameterSetName == ByContent)
        {
            Emit(() => XenDomainConfig.Parse(Content), "<content>");
            return;
        }

        foreach (string file in ResolveFiles())
        {
            Emit(() => XenDomainConfig.Load(File.ReadAllBytes(file), file), file);
        }
    }

    private void Emit(Func<XenDomainConfig> parse, string source)
    {
        try
        {
            XenDomainConfig config = parse();
            if (Modernize)
            {
                XenConfigImportResult imported = XenConfigImporter.Import(config.Document);
                foreach (string warning in imported.Warnings)
                {
                    WriteWarning($"{source}: {warning}");
                }

                config = imported.Config;
                config.SourcePath ??= source == "<content>" ? null : source;
            }

            WriteObject(config);
        }
        catch (Exception ex) when (ex is XenConfigException or IOException or UnauthorizedAccessException)
        {
            WriteXenError(ex, source);
        }
    }
}

using System.Management.Automation;

namespace XenPS.Commands;

/// <summary>The base of cmdlets that read xl.cfg files on this machine: <c>-Path</c> (wildcards) and <c>-LiteralPath</c> (alias PSPath, so Get-ChildItem output binds).</summary>
public abstract class XenConfigFileCmdlet : XenCmdlet
{
    /// <summary>Parameter set: files by path with wildcards.</summary>
    protected const string ByPath = "Path";

    /// <summary>Parameter set: files by literal path.</summary>
    protected const string ByLiteralPath = "LiteralPath";

    /// <summary>Config files on this machine; wildcards allowed.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = ByPath)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = [];

    /// <summary>Config files on this machine, taken literally (Get-ChildItem output binds here).</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ByLiteralPath)]
    [Alias("PSPath")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = [];

    /// <summary>The files named by -Path or -LiteralPath; a path that matches nothing is a non-terminating error.</summary>
    protected IReadOnlyList<string> ResolveFiles()
    {
        var files = new List<string>();
        if (ParameterSetName == ByLiteralPath)
        {
            files.AddRange(LiteralPath.Select(p => GetUnresolvedProviderPathFromPSPath(p)));
            return files;
        }

        foreach (string p in Path)
        {
            try
            {
                files.AddRange(GetResolvedProviderPathFromPSPath(p, out _));
            }
            catch (ItemNotFoundException ex)
            {
                WriteError(new ErrorRecord(ex, "ConfigFileNotFound", ErrorCategory.ObjectNotFound, p));
            }
        }

        return files;
    }
}

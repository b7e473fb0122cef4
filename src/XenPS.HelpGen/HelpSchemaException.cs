namespace XenPS.HelpGen;

/// <summary>A help source that breaks its schema, with the file and the 1-based line to fix.</summary>
public sealed class HelpSchemaException : Exception
{
    /// <summary>Creates the error for a file and line.</summary>
    public HelpSchemaException(string file, int line, string message)
        : base(message)
    {
        File = file;
        Line = line;
    }

    /// <summary>The markdown file.</summary>
    public string File { get; }

    /// <summary>The 1-based line (the nearest one when the problem is something missing).</summary>
    public int Line { get; }

    /// <summary>The canonical MSBuild error line, so the build shows file and line as an error.</summary>
    public string ToMSBuildError() => $"{File}({Line}): error XPSHELP: {Message}";
}

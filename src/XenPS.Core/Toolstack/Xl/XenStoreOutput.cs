namespace XenPS.Toolstack.Xl;

/// <summary>Parses <c>xenstore-read</c> (the value and a newline) and <c>xenstore-list</c> (one child per line).</summary>
internal static class XenStoreOutput
{
    public static string Value(string output) =>
        output.EndsWith('\n') ? output[..^1] : output;

    public static IReadOnlyList<string> Children(string output) =>
        XlListParser.SplitLines(output).Where(l => l.Length > 0).ToArray();
}

using System.Text;

namespace XenPS.Toolstack.Xl;

/// <summary>
/// Parses <c>xenstore-ls -f PATH</c> (tools/xenstore/xenstore_client.c): one line per node below PATH,
/// <c>/full/path = "value"</c>. Values are escaped (backslash as <c>\\</c>, unprintable bytes as <c>\ooo</c> octal) and a
/// value that does not fit the output width is cut and ends <c>\..."</c>; such nodes are reported in
/// <see cref="Result.Truncated"/> for the caller to read in full (fixture 095).
/// </summary>
internal static class XenStoreLsParser
{
    internal sealed record Result(IReadOnlyList<(string Path, string Value)> Nodes, IReadOnlyList<string> Truncated);

    public static Result Parse(string output)
    {
        var nodes = new List<(string, string)>();
        var truncated = new List<string>();
        foreach (string raw in XlListParser.SplitLines(output))
        {
            string line = raw.TrimEnd('\r');
            if (line.Length == 0)
            {
                continue;
            }

            int eq = line.IndexOf(" = \"", StringComparison.Ordinal);
            if (eq <= 0 || !line.StartsWith('/') || !line.EndsWith('"'))
            {
                throw new FormatException($"Unexpected line in 'xenstore-ls -f' output: '{line}'.");
            }

            string path = line[..eq];
            string escaped = line[(eq + 4)..^1];
            if (IsCut(escaped))
            {
                truncated.Add(path);
                escaped = escaped[..^4];
            }

            nodes.Add((path, Unescape(escaped)));
        }

        return new Result(nodes, truncated);
    }

    // A cut value ends with an unescaped backslash and "...": an odd number of backslashes before the dots.
    private static bool IsCut(string escaped)
    {
        if (!escaped.EndsWith("\\...", StringComparison.Ordinal))
        {
            return false;
        }

        int backslashes = 0;
        for (int i = escaped.Length - 4; i >= 0 && escaped[i] == '\\'; i--)
        {
            backslashes++;
        }

        return backslashes % 2 == 1;
    }

    internal static string Unescape(string escaped)
    {
        if (!escaped.Contains('\\', StringComparison.Ordinal))
        {
            return escaped;
        }

        var bytes = new List<byte>(escaped.Length);
        byte[] utf8 = Encoding.UTF8.GetBytes(escaped);
        for (int i = 0; i < utf8.Length; i++)
        {
            if (utf8[i] == (byte)'\\' && i + 1 < utf8.Length)
            {
                if (utf8[i + 1] == (byte)'\\')
                {
                    bytes.Add((byte)'\\');
                    i++;
                    continue;
                }

                if (i + 3 < utf8.Length && IsOctal(utf8[i + 1]) && IsOctal(utf8[i + 2]) && IsOctal(utf8[i + 3]))
                {
                    bytes.Add((byte)(((utf8[i + 1] - '0') * 64) + ((utf8[i + 2] - '0') * 8) + (utf8[i + 3] - '0')));
                    i += 3;
                    continue;
                }
            }

            bytes.Add(utf8[i]);
        }

        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    private static bool IsOctal(byte b) => b is >= (byte)'0' and <= (byte)'7';
}

namespace XenPS.Core.Tests.Xl;

/// <summary>One captured real xl run from tests/fixtures/xen-4.17.7 (NNN-slug.{meta,stdout,stderr}).</summary>
internal sealed record XlFixture(string Number, string Command, int ExitCode, string Stdout, string Stderr)
{
    public static XlFixture Load(string number)
    {
        string dir = RepoPaths.Fixture("xen-4.17.7");
        string meta = Directory.GetFiles(dir, number + "-*.meta").Single();
        string stem = meta[..^".meta".Length];
        string command = string.Empty;
        int exit = 0;
        foreach (string line in File.ReadAllLines(meta))
        {
            if (line.StartsWith("command: ", StringComparison.OrdinalIgnoreCase))
            {
                command = line["command: ".Length..];
            }
            else if (line.StartsWith("exit_code: ", StringComparison.OrdinalIgnoreCase))
            {
                exit = int.Parse(line["exit_code: ".Length..]);
            }
        }

        return new XlFixture(number, command, exit, File.ReadAllText(stem + ".stdout"), File.ReadAllText(stem + ".stderr"));
    }

    public static string Out(string number) => Load(number).Stdout;
}

namespace XenPS.Core.Tests.Config;

internal static class ConfigFixtures
{
    public static string Dir => RepoPaths.Fixture("configs");

    public static IEnumerable<string> AllCfg() => Directory.GetFiles(Dir, "*.cfg").Select(Path.GetFileName).Order(StringComparer.Ordinal)!;

    public static IEnumerable<string> GoodCfg() => AllCfg().Where(f => !f.EndsWith(".bad.cfg", StringComparison.Ordinal));

    public static IEnumerable<string> BadCfg() => AllCfg().Where(f => f.EndsWith(".bad.cfg", StringComparison.Ordinal));

    public static string Read(string name) => File.ReadAllText(Path.Combine(Dir, name));

    public static byte[] ReadBytes(string name) => File.ReadAllBytes(Path.Combine(Dir, name));

    /// <summary>xl's dry-run JSON for a fixture (NAME.cfg → xl-dry-run/NAME.stdout).</summary>
    public static string DryRun(string cfgName) => File.ReadAllText(Path.Combine(Dir, "xl-dry-run", Path.GetFileNameWithoutExtension(cfgName) + ".stdout"));

    public static string DryRunStderr(string cfgName) => File.ReadAllText(Path.Combine(Dir, "xl-dry-run", Path.GetFileNameWithoutExtension(cfgName) + ".stderr"));

    public static TheoryData<string> Data(IEnumerable<string> names)
    {
        var d = new TheoryData<string>();
        foreach (var n in names)
        {
            d.Add(n);
        }

        return d;
    }
}

using System.Text;
using XenPS.Toolstack;
using XenPS.Toolstack.Xl;

namespace XenPS.Core.Tests.Xl;

/// <summary>Helpers to answer the listing calls of an <see cref="XlToolstack"/> from fixtures.</summary>
internal static class XlListingScript
{
    public static string ConfigText(string name) => File.ReadAllText(RepoPaths.Fixture("configs", name));

    /// <summary>What the config-inventory script prints for these files and auto-start entries.</summary>
    public static string Inventory(IEnumerable<(string Path, string Content)> configs, IEnumerable<(string Path, string RealPath)>? auto = null)
    {
        var sb = new StringBuilder();
        foreach (var (path, content) in configs)
        {
            sb.Append("C\0").Append(path).Append('\0').Append(path).Append('\0').Append(content).Append('\0');
        }

        foreach (var (path, real) in auto ?? [])
        {
            sb.Append("A\0").Append(path).Append('\0').Append(real).Append('\0');
        }

        return sb.ToString();
    }

    public static bool IsInventory(global::XenPS.Transport.CommandRequest r) =>
        r.Program == "sh" && r.Arguments.Count >= 2 && r.Arguments[0] == "-c" && r.Arguments[1] == XlHostScripts.ConfigInventory;

    public static FakeTransport Listing(this FakeTransport t, string listV, string listL, string uptime, string inventory)
    {
        t.OnXl("list -v", listV).OnXl("list -l", listL).OnXl("uptime", uptime);
        t.OnWhere(IsInventory, _ => new global::XenPS.Transport.CommandResult(0, inventory, string.Empty, TimeSpan.Zero));
        return t;
    }

    public static XlToolstack Toolstack(this FakeTransport t, XlToolstackOptions? options = null) => new(t, options);
}

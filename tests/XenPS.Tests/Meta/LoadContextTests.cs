using System.Reflection;
using System.Runtime.Loader;
using XenPS.Loader;

namespace XenPS.Tests.Meta;

/// <summary>The loader's rules: resolve from its folder when the folder has the assembly, defer otherwise.</summary>
public sealed class LoadContextTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "xenps-alc-" + Guid.NewGuid().ToString("N"));

    public LoadContextTests()
    {
        Directory.CreateDirectory(_dir);
        string moduleLib = Path.Combine(RepoPaths.Root, "out", "XenPS", "lib");
        foreach (string name in new[] { "XenPS.Core.dll", "Microsoft.Extensions.Logging.Abstractions.dll" })
        {
            File.Copy(Path.Combine(moduleLib, name), Path.Combine(_dir, name));
        }
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Resolves_assemblies_present_in_its_folder_into_itself()
    {
        var ctx = new LoadContext(_dir);
        Assembly a = ctx.LoadFromAssemblyName(new AssemblyName("Microsoft.Extensions.Logging.Abstractions"));
        Assert.Same(ctx, AssemblyLoadContext.GetLoadContext(a));
        Assert.Equal(Path.Combine(_dir, "Microsoft.Extensions.Logging.Abstractions.dll"), a.Location);
        Assert.NotSame(AssemblyLoadContext.Default, AssemblyLoadContext.GetLoadContext(a));
    }

    [Fact]
    public void A_private_copy_coexists_with_another_version_in_the_default_context()
    {
        // The test host already has Microsoft.Extensions.Logging.Abstractions in the default context
        // (through XenPS.Core's reference): the private context still loads its own copy.
        Assembly inDefault = typeof(Microsoft.Extensions.Logging.ILogger).Assembly;
        var ctx = new LoadContext(_dir);
        Assembly mine = ctx.LoadFromAssemblyName(new AssemblyName("Microsoft.Extensions.Logging.Abstractions"));
        Assert.NotSame(inDefault, mine);
        Assert.Same(AssemblyLoadContext.Default, AssemblyLoadContext.GetLoadContext(inDefault));
    }

    [Fact]
    public void Dependencies_of_a_private_assembly_resolve_through_the_same_rules()
    {
        var ctx = new LoadContext(_dir);
        Assembly core = ctx.LoadFromAssemblyName(new AssemblyName("XenPS.Core"));
        Assert.Same(ctx, AssemblyLoadContext.GetLoadContext(core));
        Type loggerUser = core.GetType("XenPS.Logging.QueuedLoggerProvider", throwOnError: true)!;
        Type iface = loggerUser.GetInterfaces().Single(i => i.Name == "ILoggerProvider");
        Assert.Same(ctx, AssemblyLoadContext.GetLoadContext(iface.Assembly));
    }

    [Fact]
    public void Defers_the_framework_and_the_engine_to_the_default_context()
    {
        var ctx = new LoadContext(_dir);
        Assembly runtime = ctx.LoadFromAssemblyName(new AssemblyName("System.Runtime"));
        Assert.Same(AssemblyLoadContext.Default, AssemblyLoadContext.GetLoadContext(runtime));

        // Even a System.Management.Automation.dll dropped into the folder is never used.
        File.Copy(typeof(System.Management.Automation.Cmdlet).Assembly.Location, Path.Combine(_dir, "System.Management.Automation.dll"));
        Assembly sma = ctx.LoadFromAssemblyName(new AssemblyName("System.Management.Automation"));
        Assert.Same(AssemblyLoadContext.Default, AssemblyLoadContext.GetLoadContext(sma));
    }

    [Fact]
    public void Unknown_assemblies_are_not_found_rather_than_guessed()
    {
        var ctx = new LoadContext(_dir);
        Assert.Throws<FileNotFoundException>(() => ctx.LoadFromAssemblyName(new AssemblyName("XenPS.NoSuchAssembly")));
    }
}

using System.Reflection;
using System.Runtime.Loader;

namespace XenPS.Loader;

/// <summary>
/// The private <see cref="AssemblyLoadContext"/> that holds XenPS and its dependencies.
/// </summary>
/// <remarks>
/// pwsh loads every module into one default context. A session where another module already
/// loaded a different Microsoft.Extensions.Logging.Abstractions would otherwise fail to import
/// XenPS with "Could not load file or assembly ... manifest definition does not match". This
/// context resolves an assembly from the module's <c>lib/</c> folder when the folder has it, and
/// defers everything else (System.Management.Automation, the framework) to the default context,
/// so that the cmdlets and pwsh share one System.Management.Automation.
/// Pattern: jborean93/PSToml <c>src/PSToml.Shared/LoadContext.cs</c>.
/// </remarks>
public sealed class LoadContext : AssemblyLoadContext
{
    /// <summary>The name of the cmdlet assembly that <see cref="Initialize"/> returns.</summary>
    public const string ModuleAssemblyName = "XenPS";

    // The one context of the process. Remove-Module / Import-Module again must get the same
    // context back: an AssemblyLoadContext cannot load the same assembly twice, and pwsh
    // cannot unload binary modules. This is the only static state of the loader.
    private static readonly object s_sync = new();
    private static LoadContext? s_instance;

    private readonly string _directory;

    /// <summary>Creates a context that resolves assemblies from <paramref name="directory"/>.</summary>
    /// <param name="directory">The folder that holds the module's private assemblies.</param>
    internal LoadContext(string directory)
        : base(name: "XenPS", isCollectible: false)
    {
        _directory = Path.GetFullPath(directory);
    }

    /// <summary>The folder this context resolves assemblies from.</summary>
    public string Directory => _directory;

    /// <summary>
    /// Returns the assembly from this context's folder when the folder holds
    /// <c>&lt;name&gt;.dll</c>; otherwise <see langword="null"/>, which defers to the default context.
    /// </summary>
    /// <param name="assemblyName">The assembly asked for.</param>
    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (string.IsNullOrEmpty(assemblyName.Name))
        {
            return null;
        }

        // Never shadow the PowerShell engine: cmdlets must bind to the session's own SMA.
        if (string.Equals(assemblyName.Name, "System.Management.Automation", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        string path = Path.Combine(_directory, assemblyName.Name + ".dll");
        return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
    }

    /// <summary>
    /// Whether <see cref="Initialize"/> has run in this process: a later import is a re-import, whose
    /// cmdlets <c>XenPS.psm1</c> must export by hand (PowerShell/PowerShell#20710).
    /// </summary>
    public static bool IsInitialized
    {
        get
        {
            lock (s_sync)
            {
                return s_instance is not null;
            }
        }
    }

    /// <summary>
    /// Creates (once per process) the context over the <c>lib/</c> folder beside this assembly
    /// and returns the cmdlet assembly loaded in it. Called by <c>XenPS.psm1</c>.
    /// </summary>
    /// <returns>The XenPS cmdlet assembly, for <c>Import-Module -Assembly</c>.</returns>
    public static Assembly Initialize()
    {
        lock (s_sync)
        {
            if (s_instance is null)
            {
                string here = Path.GetDirectoryName(typeof(LoadContext).Assembly.Location)
                    ?? throw new InvalidOperationException("Cannot find the folder of XenPS.Loader.dll.");
                s_instance = new LoadContext(Path.Combine(here, "lib"));
            }

            return s_instance.LoadFromAssemblyName(new AssemblyName(ModuleAssemblyName));
        }
    }
}

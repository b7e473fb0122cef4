# Pinned versions of what build.ps1 uses. build.ps1 -Task Restore (run by every task that needs it)
# restores them from NuGet through the machine's ordinary NuGet configuration:
#   PowerShell: the .NET tool pinned in .config/dotnet-tools.json (dotnet tool restore; keep the two equal);
#   Pester: the NuGet package, restored by tests/tools/restore/XenPS.BuildTools.csproj into out/tools/packages
#           and imported by path from its tools/ folder;
#   Microsoft.Extensions.Logging.Abstractions: another major version than the module's, test data for the
#           dependency-clash Pester test (tests/Pester/Module.Tests.ps1);
#   Microsoft.PowerShell.PlatyPS: used by -Task Docs only when installed (NuGet does not serve it here);
#           the build's own generator (src/XenPS.HelpGen) makes the MAML otherwise.
@{
    PowerShell                                  = '7.6.9'
    Pester                                      = '5.7.1'
    'Microsoft.Extensions.Logging.Abstractions' = '6.0.0'
    'Microsoft.PowerShell.PlatyPS'              = '1.0.3'
}

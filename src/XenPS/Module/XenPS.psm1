# XenPS entry point: XenPS.Loader.dll (RequiredAssemblies) loads the cmdlet assembly and its
# dependencies into a private AssemblyLoadContext over lib/; import the cmdlets from it.
#
# Importing again (Import-Module -Force, or Remove-Module then Import-Module) gets the same assembly
# back: pwsh cannot unload a binary module, and Import-Module -Assembly of an assembly it has seen
# takes a cached module whose cmdlets never reach this module's exports
# (https://github.com/PowerShell/PowerShell/issues/20710). So on a re-import the inner module's
# cmdlets are added to this module's exports by hand, as jborean93/PSToml's XenPS-like psm1 does.
$importModule = Get-Command -Name Import-Module -Module Microsoft.PowerShell.Core
$isReload = [XenPS.Loader.LoadContext]::IsInitialized
$asm = [XenPS.Loader.LoadContext]::Initialize()
$innerModule = & $importModule -Assembly $asm -PassThru:$isReload
if ($innerModule) {
    $addExportedCmdlet = [System.Management.Automation.PSModuleInfo].GetMethod(
        'AddExportedCmdlet',
        [System.Reflection.BindingFlags]'Instance, NonPublic')
    foreach ($cmd in $innerModule.ExportedCommands.Values) {
        $addExportedCmdlet.Invoke($ExecutionContext.SessionState.Module, @(, $cmd))
    }
}

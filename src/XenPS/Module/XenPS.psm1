# XenPS entry point: XenPS.Loader.dll (RequiredAssemblies) loads the cmdlet assembly and its
# dependencies into a private AssemblyLoadContext over lib/; import the cmdlets from it.
$asm = [XenPS.Loader.LoadContext]::Initialize()
Import-Module -Assembly $asm

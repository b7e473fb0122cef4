# Dot-sourced by every Pester test, from a BeforeAll block:
#     BeforeAll { . "$PSScriptRoot/common.ps1" }
# Imports the module the build laid out at out/XenPS (dotnet build XenPS.sln -c Release, or ./build.ps1),
# never an installed XenPS, and fails clearly when it has not been built.

# No Set-StrictMode here: it would leak into every test file that dot-sources this one.

# $PSScriptRoot is this file's folder (tests/Pester) even when dot-sourced from a subfolder.
$script:XenPSRepoRoot = Split-Path -Path (Split-Path -Path $PSScriptRoot -Parent) -Parent
$script:XenPSModuleBase = Join-Path -Path $script:XenPSRepoRoot -ChildPath 'out/XenPS'
$script:XenPSManifest = Join-Path -Path $script:XenPSModuleBase -ChildPath 'XenPS.psd1'

if (-not (Test-Path -LiteralPath $script:XenPSManifest -PathType Leaf)) {
    throw "XenPS is not built: '$script:XenPSManifest' does not exist. Build it first with 'dotnet build XenPS.sln -c Release' (or './build.ps1') from '$script:XenPSRepoRoot'."
}

# Another XenPS (an installed one) must not shadow the one under test.
function script:ConvertTo-NormalizedPath([string] $Path) {
    [System.IO.Path]::GetFullPath($Path).TrimEnd([System.IO.Path]::DirectorySeparatorChar)
}

$loaded = Get-Module -Name XenPS
if ($loaded -and ((ConvertTo-NormalizedPath $loaded.ModuleBase) -ne (ConvertTo-NormalizedPath $script:XenPSModuleBase))) {
    Remove-Module -Name XenPS -Force
    $loaded = $null
}

if (-not $loaded) {
    Import-Module -Name $script:XenPSManifest -ErrorAction Stop
}

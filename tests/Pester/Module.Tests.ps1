#Requires -Version 7.4
<#
    The module as a user gets it and loads it: importing again in one session, in a session that
    already loaded another major version of a dependency XenPS ships, and installed by name from the
    package build.ps1 publishes (out/packages). Each case runs in a child pwsh: a binary module cannot
    be unloaded, so only a fresh process shows what a user's fresh session does.
#>

BeforeAll {
    . "$PSScriptRoot/common.ps1"
    $script:Manifest = $script:XenPSManifest

    # A child pwsh of the same installation as this one (a .NET tool runs as 'dotnet pwsh.dll').
    function Invoke-ChildPwsh {
        param(
            [Parameter(Mandatory)] [string] $Script,
            [hashtable] $Environment = @{}
        )
        $exe = [Environment]::ProcessPath
        $prefix = @()
        if ([IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') {
            $prefix = @(Join-Path $PSHOME 'pwsh.dll')
        }
        $saved = @{}
        foreach ($k in $Environment.Keys) {
            $saved[$k] = [Environment]::GetEnvironmentVariable($k)
            [Environment]::SetEnvironmentVariable($k, $Environment[$k])
        }
        try {
            $out = & $exe @prefix -NoProfile -NonInteractive -Command $Script 2>&1 | ForEach-Object { "$_" }
            [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = @($out) }
        }
        finally {
            foreach ($k in $saved.Keys) {
                [Environment]::SetEnvironmentVariable($k, $saved[$k])
            }
        }
    }

    function ConvertTo-Literal([string] $Value) { "'" + $Value.Replace("'", "''") + "'" }
}

Describe 'Importing XenPS' {
    It 'exports every cmdlet after Import-Module -Force twice in one session' {
        $m = ConvertTo-Literal $Manifest
        $r = Invoke-ChildPwsh -Script @"
`$ErrorActionPreference = 'Stop'
Import-Module $m -Force
Import-Module $m -Force
'count=' + (Get-Module XenPS).ExportedCmdlets.Count
`$c = Connect-XenHost -Simulated -Name twice
'hosts=' + @(Get-XenHostConnection).Count
'dom0=' + (Get-XenDomain -Name Domain-0).Name
"@
        $r.ExitCode | Should -Be 0 -Because ($r.Output -join [Environment]::NewLine)
        $expected = (Import-PowerShellDataFile -LiteralPath $Manifest).CmdletsToExport.Count
        $r.Output | Should -Contain "count=$expected"
        $r.Output | Should -Contain 'hosts=1'
        $r.Output | Should -Contain 'dom0=Domain-0'
    }

    It 'works again after Remove-Module and Import-Module in the same session' {
        $m = ConvertTo-Literal $Manifest
        $r = Invoke-ChildPwsh -Script @"
`$ErrorActionPreference = 'Stop'
Import-Module $m
`$null = Connect-XenHost -Simulated -Name before
Remove-Module XenPS
if (Get-Command Get-XenDomain -ErrorAction SilentlyContinue) { 'still-there' }
Import-Module $m
'count=' + (Get-Module XenPS).ExportedCmdlets.Count
`$null = Connect-XenHost -Simulated -Name after
(Get-XenDomain -Name Domain-0).Name
"@
        $r.ExitCode | Should -Be 0 -Because ($r.Output -join [Environment]::NewLine)
        $expected = (Import-PowerShellDataFile -LiteralPath $Manifest).CmdletsToExport.Count
        $r.Output | Should -Contain "count=$expected"
        $r.Output | Should -Not -Contain 'still-there'
        $r.Output | Should -Contain 'Domain-0'
    }

    It 'loads, logs and runs in a session that already loaded another major version of Microsoft.Extensions.Logging.Abstractions' {
        # The other version is restored from NuGet by build.ps1 -Task Restore (build.requirements.psd1).
        $requirements = Import-PowerShellDataFile -LiteralPath (Join-Path $XenPSRepoRoot 'build.requirements.psd1')
        $otherVersion = $requirements['Microsoft.Extensions.Logging.Abstractions']
        $other = Join-Path $XenPSRepoRoot "out/tools/packages/microsoft.extensions.logging.abstractions/$otherVersion/lib/netstandard2.0/Microsoft.Extensions.Logging.Abstractions.dll"
        Test-Path -LiteralPath $other | Should -BeTrue -Because 'build.ps1 -Task Restore restores it'
        $shipped = [Reflection.AssemblyName]::GetAssemblyName((Join-Path $XenPSModuleBase 'lib/Microsoft.Extensions.Logging.Abstractions.dll')).Version
        $otherName = [Reflection.AssemblyName]::GetAssemblyName($other).Version
        $otherName.Major | Should -Not -Be $shipped.Major

        $r = Invoke-ChildPwsh -Script @"
`$ErrorActionPreference = 'Stop'
Add-Type -LiteralPath $(ConvertTo-Literal $other)
`$first = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -eq 'Microsoft.Extensions.Logging.Abstractions' }
'first=' + (@(`$first | ForEach-Object { `$_.GetName().Version.Major }) -join ',')
Import-Module $(ConvertTo-Literal $Manifest)
`$null = Connect-XenHost -Simulated -Name clash
`$verbose = New-XenDomain -Name clash1 -MemoryMB 128 -Kernel /boot/vmlinuz -Ramdisk /boot/initrd.img -Start -Verbose 4>&1 |
    Where-Object { `$_ -is [System.Management.Automation.VerboseRecord] }
`$verbose | ForEach-Object { 'verbose: ' + `$_.Message }
'names=' + ((Get-XenDomain).Name -join ',')
`$loaded = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -eq 'Microsoft.Extensions.Logging.Abstractions' }
'loaded=' + (@(`$loaded | ForEach-Object { `$_.GetName().Version.Major } | Sort-Object -Unique) -join ',')
"@
        $r.ExitCode | Should -Be 0 -Because ($r.Output -join [Environment]::NewLine)
        $r.Output | Should -Contain "first=$($otherName.Major)"
        $r.Output | Should -Contain 'names=Domain-0,clash1'
        # The Core logs through the Microsoft.Extensions.Logging XenPS ships; -Verbose shows it.
        $r.Output | Where-Object { $_ -like 'verbose: *created domain clash1*' } | Should -Not -BeNullOrEmpty
        $both = @($otherName.Major, $shipped.Major | Sort-Object -Unique) -join ','
        $r.Output | Should -Contain "loaded=$both"
    }
}

Describe 'The package' {
    It 'installs by name from the local repository build.ps1 publishes, and imports in a fresh session' {
        $repoDir = Join-Path $XenPSRepoRoot 'out/packages'
        $nupkg = @(Get-ChildItem -LiteralPath $repoDir -Filter 'XenPS.*.nupkg' -ErrorAction SilentlyContinue)
        $nupkg.Count | Should -Be 1 -Because 'build.ps1 -Task Test (and -Task Package) publishes it to out/packages first'

        $home2 = Join-Path ([IO.Path]::GetTempPath()) ('xenps-pkg-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
        $modules = Join-Path $home2 'Modules'
        New-Item -ItemType Directory -Path $modules -Force | Out-Null
        try {
            # Install as a user would, in a child whose PSResourceGet store and module path are the
            # temporary folder's own (XDG_DATA_HOME): nothing of the real user's is read or changed.
            $install = Invoke-ChildPwsh -Environment @{ XDG_DATA_HOME = $home2 } -Script @"
`$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name XenPSTestLocal -Uri $(ConvertTo-Literal $repoDir) -Trusted
Save-PSResource -Name XenPS -Repository XenPSTestLocal -Path $(ConvertTo-Literal $modules) -TrustRepository -SkipDependencyCheck
"@
            $install.ExitCode | Should -Be 0 -Because ($install.Output -join [Environment]::NewLine)
            $version = (Import-PowerShellDataFile -LiteralPath $Manifest).ModuleVersion
            Test-Path -LiteralPath (Join-Path $modules "XenPS/$version/XenPS.psd1") | Should -BeTrue

            $run = Invoke-ChildPwsh -Environment @{ XDG_DATA_HOME = $home2; PSModulePath = $modules } -Script @"
`$ErrorActionPreference = 'Stop'
Import-Module XenPS
(Get-Module XenPS).ModuleBase
`$null = Connect-XenHost -Simulated -Name pkg
(Get-XenDomain).Name
"@
            $run.ExitCode | Should -Be 0 -Because ($run.Output -join [Environment]::NewLine)
            $run.Output[0] | Should -BeLike "$modules*"
            $run.Output | Should -Contain 'Domain-0'
        }
        finally {
            Remove-Item -LiteralPath $home2 -Recurse -Force -ErrorAction SilentlyContinue
        }
    }
}

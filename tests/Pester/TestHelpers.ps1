# Shared helpers of the XenPS Pester tests. Dot-source after common.ps1 (which imports the built
# module) in each file's BeforeAll:
#
#     BeforeAll {
#         . $PSScriptRoot/common.ps1
#         . $PSScriptRoot/TestHelpers.ps1
#     }
#
# Every test works on its own simulated host (a unique name), so no test sees another's domains,
# whatever order Pester runs them in. XenPS's own types live in a private AssemblyLoadContext, which
# PowerShell's type-literal resolution does not search: the tests compare enum values with strings
# ('Running') and type names with strings, never with [XenPS.*] literals.

# The config fixtures (tests/fixtures/configs). A plain variable: set in BeforeAll, seen by every It.
$ConfigFixtures = Join-Path $PSScriptRoot '..' 'fixtures' 'configs'

function New-TestName {
    <# A name no other test uses: <prefix>-<10 hex digits>. #>
    param([string] $Prefix = 'pester')
    '{0}-{1}' -f $Prefix, [guid]::NewGuid().ToString('N').Substring(0, 10)
}

function Connect-TestHost {
    <# Connects to a new simulated host with a unique name (the session default unless -NotDefault). #>
    [CmdletBinding()]
    param(
        [string] $Prefix = 'pester',
        [string] $StatePath,
        [switch] $NotDefault
    )

    $name = New-TestName -Prefix $Prefix
    if ($StatePath) {
        Connect-XenHost -Simulated -Name $name -StatePath $StatePath -NotDefault:$NotDefault -ErrorAction Stop
    }
    else {
        Connect-XenHost -Simulated -Name $name -NotDefault:$NotDefault -ErrorAction Stop
    }
}

function New-TestDomain {
    <#
    Writes a small PV domain's config on the host (New-XenDomain) and starts it unless -Off: it boots
    the simulated Dom0's own kernel and initrd (files every new simulated host has) and has one NIC
    on the bridge every simulated host has.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] $XenHost,
        [Parameter(Mandatory)] [string] $Name,
        [int] $MemoryMB = 128,
        [int] $MaxMemoryMB = 0,
        [switch] $Off,
        [switch] $Paused
    )

    $start = -not $Off
    if ($MaxMemoryMB -gt 0) {
        New-XenDomain -XenHost $XenHost -Name $Name -MemoryMB $MemoryMB -MaxMemoryMB $MaxMemoryMB -Kernel '/boot/vmlinuz' -Ramdisk '/boot/initrd.img' -Network 'bridge=xenbr0' -Start:$start -Paused:($start -and $Paused) -ErrorAction Stop
    }
    else {
        New-XenDomain -XenHost $XenHost -Name $Name -MemoryMB $MemoryMB -Kernel '/boot/vmlinuz' -Ramdisk '/boot/initrd.img' -Network 'bridge=xenbr0' -Start:$start -Paused:($start -and $Paused) -ErrorAction Stop
    }
}

function New-TestHost {
    <#
    A new simulated host (unique name, the session default unless -NotDefault) with running
    domains (default web1, web2, db1) and Off ones (a config file, not started).
    #>
    [CmdletBinding()]
    param(
        [string] $Prefix = 'pester',
        [string[]] $Running = @('web1', 'web2', 'db1'),
        [string[]] $Off = @(),
        [string] $StatePath,
        [switch] $NotDefault
    )

    $connection = Connect-TestHost -Prefix $Prefix -StatePath $StatePath -NotDefault:$NotDefault
    foreach ($n in $Running) {
        $null = New-TestDomain -XenHost $connection -Name $n
    }

    foreach ($n in $Off) {
        $null = New-TestDomain -XenHost $connection -Name $n -Off
    }

    $connection
}

function New-TestDomainFromConfig {
    <# Creates a domain from xl.cfg text (ConvertFrom-XenConfig | New-XenDomain), started unless -Off. #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] $XenHost,
        [Parameter(Mandatory)] [string] $Text,
        [switch] $Off
    )

    $config = ConvertFrom-XenConfig -Content $Text -ErrorAction Stop
    New-XenDomain -XenHost $XenHost -Config $config -Start:(-not $Off) -ErrorAction Stop
}

function Get-DomainSnapshot {
    <#
    Everything an operator could see change on a host, as one string: each domain (running ones and
    Off ones listed from config files) with id, state, memory, vCPUs, config file and autostart flag.
    Comparing two snapshots proves that nothing changed (-WhatIf) without any timing.
    #>
    param([Parameter(Mandatory)] $XenHost)

    $lines = Get-XenDomain -XenHost $XenHost -ErrorAction Stop |
        Sort-Object -Property Name |
        ForEach-Object {
            '{0}|{1}|{2}|{3}|{4}|{5}|{6}' -f $_.Name, $_.Id, $_.State, $_.MemoryMB, $_.VCpu, $_.ConfigPath, $_.AutoStart
        }
    $lines -join "`n"
}

function Get-ConfigText {
    <# The text of a domain's config file on its host (Get-XenDomainConfig | ConvertTo-XenConfig). #>
    param(
        [Parameter(Mandatory)] $XenHost,
        [Parameter(Mandatory)] [string] $Name
    )

    Get-XenDomainConfig -XenHost $XenHost -Name $Name -ErrorAction Stop | ConvertTo-XenConfig
}

function Get-TestModuleManifest {
    <# The manifest of the XenPS module this session imported (common.ps1 imports out/XenPS/XenPS.psd1). #>
    $module = Get-Module -Name XenPS | Select-Object -First 1
    if (-not $module) {
        throw 'The XenPS module is not imported: common.ps1 should have imported out/XenPS/XenPS.psd1.'
    }

    Join-Path $module.ModuleBase 'XenPS.psd1'
}

function ConvertTo-PSLiteral {
    <# A single-quoted PowerShell string literal of any text (for scripts given to a child pwsh). #>
    param([Parameter(Mandatory)] [AllowEmptyString()] [string] $Value)
    "'" + $Value.Replace("'", "''") + "'"
}

function Get-PwshPath {
    <# The pwsh executable of this PowerShell installation, for child processes. #>
    $exe = if ($IsWindows) { 'pwsh.exe' } else { 'pwsh' }
    $candidate = Join-Path $PSHOME $exe
    if (Test-Path -LiteralPath $candidate -PathType Leaf) {
        return $candidate
    }

    (Get-Command -Name pwsh -CommandType Application -ErrorAction Stop | Select-Object -First 1).Source
}

function Invoke-ChildPwsh {
    <#
    Runs a script in a new, non-interactive pwsh process with the same XenPS module imported.
    Each __KEY__ in the script is replaced by the value of Values['KEY'] as a quoted PowerShell
    literal, so paths and names never need escaping. Returns the exit code and every output line
    (stdout and stderr, as text).
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [string] $Script,
        [hashtable] $Values = @{}
    )

    foreach ($key in $Values.Keys) {
        $Script = $Script.Replace("__$($key)__", (ConvertTo-PSLiteral ([string]$Values[$key])))
    }

    $prelude = "`$ErrorActionPreference = 'Stop'`nImport-Module -Name $(ConvertTo-PSLiteral (Get-TestModuleManifest))`n"
    $output = & (Get-PwshPath) -NoProfile -NonInteractive -Command ($prelude + $Script) 2>&1
    [pscustomobject]@{
        ExitCode = $LASTEXITCODE
        Output   = @($output | ForEach-Object { "$_" })
    }
}

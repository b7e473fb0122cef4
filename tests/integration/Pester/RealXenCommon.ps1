<#
    What every real-Xen Pester file shares, dot-sourced in its BeforeAll:
        . "$PSScriptRoot/RealXenCommon.ps1" -Label devices
    It imports the built module, reads the harness's XENPS_TEST_* variables (tests/integration/xen-qemu/README.md),
    connects to the host as $script:conn, and defines Step (a named scenario line in the stage's log),
    Wait-Until and Invoke-HostSsh (a command on the host over the system ssh, outside XenPS).
    Its files are run by tests/integration/xen-qemu/run-stage.sh (build.ps1 -Task RealXenPester).
#>
param(
    # The scenario label in the stage's log: "SCENARIO (<Label>) <name>: passed in 1.2 s".
    [Parameter(Mandatory)] [string] $Label
)

if (-not $env:XENPS_TEST_HOST) {
    throw 'XENPS_TEST_HOST is not set: these tests need a real Xen host and never pass without one. Run tests/integration/xen-qemu/run-stage.sh, or export XENPS_TEST_HOST, XENPS_TEST_PORT, XENPS_TEST_USER, XENPS_TEST_IDENTITY (see tests/integration/xen-qemu/README.md).'
}

$script:manifest = Join-Path (Resolve-Path "$PSScriptRoot/../../..").Path 'out/XenPS/XenPS.psd1'
if (-not (Test-Path $script:manifest)) {
    throw "The module is not built: $script:manifest is missing. Run 'dotnet pwsh ./build.ps1 -Task Build' first."
}

Import-Module $script:manifest -Force

$script:scenarioLabel = $Label
$script:kernel = if ($env:XENPS_TEST_KERNEL) { $env:XENPS_TEST_KERNEL } else { '/srv/vmlinuz' }
$script:ramdisk = if ($env:XENPS_TEST_RAMDISK) { $env:XENPS_TEST_RAMDISK } else { '/srv/domU-initrd.gz' }
$script:memory = if ($env:XENPS_TEST_GUEST_MEMORY_MB) { [int]$env:XENPS_TEST_GUEST_MEMORY_MB } else { 128 }
$script:bridge = if ($env:XENPS_TEST_BRIDGE) { $env:XENPS_TEST_BRIDGE } else { 'xenbr0' }
$script:suffix = [guid]::NewGuid().ToString('N').Substring(0, 6)

$script:connectParameters = @{
    ComputerName = $env:XENPS_TEST_HOST
    SshOption    = 'StrictHostKeyChecking=no', 'UserKnownHostsFile=/dev/null', 'LogLevel=ERROR'
}
if ($env:XENPS_TEST_PORT) { $script:connectParameters.Port = [int]$env:XENPS_TEST_PORT }
if ($env:XENPS_TEST_USER) { $script:connectParameters.User = $env:XENPS_TEST_USER }
if ($env:XENPS_TEST_IDENTITY) { $script:connectParameters.IdentityFile = $env:XENPS_TEST_IDENTITY }
$script:conn = Connect-XenHost @script:connectParameters

function script:Wait-Until([scriptblock] $Condition, [int] $Seconds, [string] $What) {
    $until = (Get-Date).AddSeconds($Seconds)
    while (-not (& $Condition)) {
        if ((Get-Date) -gt $until) { throw "Timed out after $Seconds s waiting for $What" }
        Start-Sleep -Milliseconds 500
    }
}

function script:Step([string] $Name, [scriptblock] $Body) {
    $sw = [Diagnostics.Stopwatch]::StartNew()
    try {
        & $Body
        Write-Host ("SCENARIO ({0}) {1}: passed in {2:0.0} s" -f $script:scenarioLabel, $Name, $sw.Elapsed.TotalSeconds)
    }
    catch {
        Write-Host ("SCENARIO ({0}) {1}: FAILED after {2:0.0} s: {3}" -f $script:scenarioLabel, $Name, $sw.Elapsed.TotalSeconds, $_)
        throw
    }
}

# Runs a command line on the host with the system ssh, outside XenPS (for setup and clean-up that the
# cmdlets deliberately do not do); standard input is passed through. Returns ssh's output; $LASTEXITCODE tells.
function script:Invoke-HostSsh([string] $CommandLine) {
    $sshArgs = @('-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR')
    if ($env:XENPS_TEST_PORT) { $sshArgs += @('-p', $env:XENPS_TEST_PORT) }
    if ($env:XENPS_TEST_IDENTITY) { $sshArgs += @('-i', $env:XENPS_TEST_IDENTITY) }
    $user = if ($env:XENPS_TEST_USER) { $env:XENPS_TEST_USER } else { 'root' }
    $input | & ssh @sshArgs "$user@$($env:XENPS_TEST_HOST)" $CommandLine
}

#Requires -Version 7.4
<#
    The two-host scenario of run-stage.sh --two-hosts: a PVH guest on host A live-migrates to host B over
    the Dom0s' own link (xl's ssh path, 192.168.77.2:22 from A), with Test-XenMigration first, the progress
    records of the -AsJob run, -MoveConfig, and both hosts listed after. Prints a transcript; exits 1 on failure.
    Host A is XENPS_TEST_*, host B XENPS_TEST_B_* (two-hosts.sh sets them from up.sh's env files).
#>
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot '../../../out/XenPS/XenPS.psd1')

function Connect-Harness([string] $Prefix) {
    $v = { param($n) [Environment]::GetEnvironmentVariable("$Prefix$n") }
    Connect-XenHost -ComputerName (& $v HOST) -Port ([int] (& $v PORT)) -User (& $v USER) -IdentityFile (& $v IDENTITY) `
        -SshOption "UserKnownHostsFile=$(& $v KNOWN_HOSTS)" -NotDefault
}

function Show([string] $Command) {
    "PS> $Command"
    $sw = [Diagnostics.Stopwatch]::StartNew()
    . ([scriptblock]::Create($Command)) 2>&1 | Out-String -Width 160 | ForEach-Object TrimEnd
    '    ({0:0.0} s)' -f $sw.Elapsed.TotalSeconds
}

$a = Connect-Harness 'XENPS_TEST_'
$b = Connect-Harness 'XENPS_TEST_B_'
$guest = 'xenps-2h-' + [guid]::NewGuid().ToString('N').Substring(0, 6)
$route = @{ DestinationAddress = '192.168.77.2'; DestinationPort = 22 }
$failed = $false
try {
    Show 'Get-XenHost -XenHost $a, $b | Format-Table Name, XenVersion, FreeMemoryMB, CpuCount'
    Show 'New-XenDomain -XenHost $a -Name $guest -Type Pvh -MemoryMB 128 -Kernel /srv/vmlinuz -Ramdisk /srv/domU-initrd.gz -KernelArgs "console=hvc0 quiet" -Start | Format-Table Name, Id, State, HostName'
    Show 'Test-XenMigration -XenHost $a -Name $guest -Destination $b @route | Format-List DomainName, SourceHost, Destination, CanMigrate, Problems'
    $before = Get-XenDomain -XenHost $a -Name $guest
    Show '$job = Get-XenDomain -XenHost $a -Name $guest | Invoke-XenMigration -Destination $b @route -MoveConfig -AsJob -PassThru; $null = $job | Wait-Job -Timeout 1200; $job.State; $job.Progress | Format-Table PercentComplete, CurrentOperation, StatusDescription -AutoSize; $job.Error | ForEach-Object { "ERROR: $_" }; $result = $job | Receive-Job -ErrorAction Continue; $result | Format-List DomainName, Uuid, SourceHost, Destination, NewId, Duration'
    Show 'Get-XenDomain -XenHost $a, $b | Format-Table Name, Id, State, Uuid, ConfigPath, HostName'
    $after = Get-XenDomain -XenHost $b -Name $guest
    if ($after.State -ne 'Running' -or $after.Uuid -ne $before.Uuid) { throw "the guest does not run on host B with its UUID after the migration" }
    if (Get-XenDomain -XenHost $a -Name $guest -ErrorAction SilentlyContinue) { throw "the guest is still listed on host A" }
    'TWO-HOST SCENARIO: passed'
}
catch {
    "TWO-HOST SCENARIO: FAILED: $_"
    $failed = $true
}
finally {
    Get-XenDomain -XenHost $a, $b -Name $guest -ErrorAction SilentlyContinue | Remove-XenDomain -Force -Confirm:$false -ErrorAction SilentlyContinue
    Disconnect-XenHost -XenHost $a, $b
}
if ($failed) { exit 1 }

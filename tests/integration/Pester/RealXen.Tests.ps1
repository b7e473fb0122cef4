#Requires -Version 7.4
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
<#
    The real-Xen scenarios of tests/XenPS.IntegrationTests through the cmdlets, against the host that
    tests/integration/xen-qemu/run-stage.sh booted (or the Dom0 that XENPS_TEST_* names). run-stage.sh
    runs this file when pwsh is on PATH, after the xunit scenarios, with the module from out/XenPS.

    Covered through cmdlets: host info, New-XenDomain -Start (PV and PVH from parameters), Get-XenDomain
    (wildcards, not found), Suspend/Resume, Set-XenDomain (live, -Persist, above the maximum),
    Save/Restore, Stop -Wait, Start from the config file, Rename, Remove -Force. Block and network
    devices, vCPU pinning and migration have no cmdlets yet: the xunit scenarios cover them in Core.
#>

BeforeDiscovery {
    if (-not $env:XENPS_TEST_HOST) {
        throw 'XENPS_TEST_HOST is not set: these tests need a real Xen host and never pass without one. Run tests/integration/xen-qemu/run-stage.sh, or export XENPS_TEST_HOST, XENPS_TEST_PORT, XENPS_TEST_USER, XENPS_TEST_IDENTITY (see tests/integration/xen-qemu/README.md).'
    }
}

BeforeAll {
    $repo = (Resolve-Path "$PSScriptRoot/../../..").Path
    $manifest = Join-Path $repo 'out/XenPS/XenPS.psd1'
    if (-not (Test-Path $manifest)) {
        throw "The module is not built: $manifest is missing. Run 'dotnet build XenPS.sln' first."
    }

    Import-Module $manifest -Force

    $script:kernel = if ($env:XENPS_TEST_KERNEL) { $env:XENPS_TEST_KERNEL } else { '/srv/vmlinuz' }
    $script:ramdisk = if ($env:XENPS_TEST_RAMDISK) { $env:XENPS_TEST_RAMDISK } else { '/srv/domU-initrd.gz' }
    $script:memory = if ($env:XENPS_TEST_GUEST_MEMORY_MB) { [int]$env:XENPS_TEST_GUEST_MEMORY_MB } else { 128 }
    $script:suffix = [guid]::NewGuid().ToString('N').Substring(0, 6)
    $script:pv = "xenps-ps-pv-$suffix"
    $script:pvh = "xenps-ps-pvh-$suffix"
    $script:renamed = "xenps-ps-renamed-$suffix"

    $connect = @{
        ComputerName = $env:XENPS_TEST_HOST
        SshOption    = 'StrictHostKeyChecking=no', 'UserKnownHostsFile=/dev/null', 'LogLevel=ERROR'
    }
    if ($env:XENPS_TEST_PORT) { $connect.Port = [int]$env:XENPS_TEST_PORT }
    if ($env:XENPS_TEST_USER) { $connect.User = $env:XENPS_TEST_USER }
    if ($env:XENPS_TEST_IDENTITY) { $connect.IdentityFile = $env:XENPS_TEST_IDENTITY }
    $script:conn = Connect-XenHost @connect

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
            Write-Host ("SCENARIO (cmdlets) {0}: passed in {1:0.0} s" -f $Name, $sw.Elapsed.TotalSeconds)
        }
        catch {
            Write-Host ("SCENARIO (cmdlets) {0}: FAILED after {1:0.0} s: {2}" -f $Name, $sw.Elapsed.TotalSeconds, $_)
            throw
        }
    }
}

AfterAll {
    foreach ($n in $script:pv, $script:pvh, $script:renamed) {
        Get-XenDomain -Name $n -ErrorAction SilentlyContinue | Remove-XenDomain -Force -Confirm:$false -ErrorAction SilentlyContinue
    }

    if ($script:conn) { Disconnect-XenHost -XenHost $script:conn }
}

Describe 'XenPS cmdlets on a real Xen host' -Tag 'Integration' {
    It 'Get-XenHost reports the host' {
        Step 'Get-XenHost' {
            $h = Get-XenHost
            $h.XenVersion | Should -Match '^\d+\.\d+'
            $h.TotalMemoryMB | Should -BeGreaterThan 0
            $h.FreeMemoryMB | Should -BeLessOrEqual $h.TotalMemoryMB
        }
    }

    It 'New-XenDomain -Start creates a PV and a PVH guest' {
        Step 'New-XenDomain -Start (PV, PVH)' {
            $common = @{ MemoryMB = $memory; Kernel = $kernel; Ramdisk = $ramdisk; KernelArgs = 'console=hvc0 quiet'; Start = $true }
            New-XenDomain -Name $pv -Type Pv -MaxMemoryMB ($memory * 2) @common | Out-Null
            New-XenDomain -Name $pvh -Type Pvh @common | Out-Null
            $d = Get-XenDomain -Name $pv
            $d.State | Should -Be 'Running'
            $d.Type | Should -Be 'Pv'
            $d.MemoryMB | Should -Be $memory
            $d.ConfigPath | Should -Be "/etc/xen/$pv.cfg"
            (Get-XenDomain -Name $pvh).Type | Should -Be 'Pvh'
        }
    }

    It 'Get-XenDomain finds both by wildcard and reports an unknown name' {
        Step 'Get-XenDomain' {
            @(Get-XenDomain -Name "xenps-ps-*-$suffix").Count | Should -Be 2
            Get-XenDomain -Name "xenps-ps-nobody-$suffix" -ErrorAction SilentlyContinue -ErrorVariable notFound | Should -BeNullOrEmpty
            $notFound[0].FullyQualifiedErrorId | Should -BeLike 'DomainNotFound*'
        }
    }

    It 'Suspend-XenDomain and Resume-XenDomain pause and unpause' {
        Step 'Suspend / Resume' {
            Suspend-XenDomain -Name $pv
            (Get-XenDomain -Name $pv).State | Should -Be 'Paused'
            Resume-XenDomain -Name $pv
            (Get-XenDomain -Name $pv).State | Should -Be 'Running'
        }
    }

    It 'Set-XenDomain changes memory live and in the file, and refuses more than the maximum' {
        Step 'Set-XenDomain -Persist' {
            Set-XenDomain -Name $pv -MemoryMB ($memory - 32) -Persist
            Wait-Until { (Get-XenDomain -Name $pv).MemoryMB -eq ($memory - 32) } 90 'the guest to balloon down'
            (Get-XenDomainConfig -Name $pv).MemoryMB | Should -Be ($memory - 32)
            Set-XenDomain -Name $pv -MemoryMB ($memory * 2 + 512) -ErrorAction SilentlyContinue -ErrorVariable tooMuch
            $tooMuch | Should -Not -BeNullOrEmpty
            "$($tooMuch[0])" | Should -Match 'memory_static_max'
        }
    }

    It 'Save-XenDomain and Restore-XenDomain keep the guest' {
        Step 'Save / Restore' {
            $uuid = (Get-XenDomain -Name $pv).Uuid
            $file = "/tmp/$pv.save"
            Save-XenDomain -Name $pv -Path $file
            (Get-XenDomain -Name $pv).State | Should -Be 'Off'
            Restore-XenDomain -Path $file
            $d = Get-XenDomain -Name $pv
            $d.State | Should -Be 'Running'
            $d.Uuid | Should -Be $uuid
        }
    }

    It 'Stop-XenDomain -Wait leaves the domain Off, Start-XenDomain starts it from its file' {
        Step 'Stop -Wait / Start' {
            Stop-XenDomain -Name $pv -Wait -Timeout 180
            $off = Get-XenDomain -Name $pv
            $off.State | Should -Be 'Off'
            $off.Id | Should -BeNullOrEmpty
            Start-XenDomain -Name $pv
            $d = Get-XenDomain -Name $pv
            $d.State | Should -Be 'Running'
            $d.MemoryMB | Should -Be ($memory - 32)
        }
    }

    It 'Rename-XenDomain renames the running domain and its file' {
        Step 'Rename' {
            Rename-XenDomain -Name $pvh -NewName $renamed
            Get-XenDomain -Name $pvh -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            (Get-XenDomain -Name $renamed).ConfigPath | Should -Be "/etc/xen/$renamed.cfg"
        }
    }

    It 'Remove-XenDomain -Force destroys the guests and deletes their files' {
        Step 'Remove -Force' {
            Remove-XenDomain -Name $pv, $renamed -Force -Confirm:$false
            Get-XenDomain -Name "xenps-ps-*-$suffix" | Should -BeNullOrEmpty
        }
    }
}

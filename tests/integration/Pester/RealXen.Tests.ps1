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

BeforeAll {
    . "$PSScriptRoot/RealXenCommon.ps1" -Label cmdlets
    $script:pv = "xenps-ps-pv-$suffix"
    $script:pvh = "xenps-ps-pvh-$suffix"
    $script:renamed = "xenps-ps-renamed-$suffix"
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
            $both = @(Get-XenDomain -Name "xenps-ps-*-$suffix")
            $both.Count | Should -Be 2
            # A piped object comes back by its identity, with its uptime (xl uptime once for both).
            $again = @($both | Get-XenDomain)
            $again.Uuid | Should -Be $both.Uuid
            $again | ForEach-Object { $_.Uptime | Should -BeOfType [timespan] }
            Get-XenDomain -Name "xenps-ps-nobody-$suffix" -ErrorAction SilentlyContinue -ErrorVariable notFound | Should -BeNullOrEmpty
            $notFound[0].FullyQualifiedErrorId | Should -BeLike 'DomainNotFound*'
        }
    }

    It 'Suspend-XenDomain and Resume-XenDomain pause and unpause' {
        Step 'Suspend / Resume' {
            Suspend-XenDomain -Name $pv
            (Get-XenDomain -Name $pv).State | Should -Be 'Paused'
            $resumed = Resume-XenDomain -Name $pv -PassThru
            $resumed.State | Should -Be 'Running'
            $resumed.Uptime | Should -BeOfType [timespan]
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

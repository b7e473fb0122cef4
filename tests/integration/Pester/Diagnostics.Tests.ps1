#Requires -Version 7.4
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
<#
    The diagnostics cmdlets on a real Xen host (issue 16), against the host that
    tests/integration/xen-qemu/run-stage.sh booted (or the Dom0 that XENPS_TEST_* names): one PV guest
    of its own; vCPU pinning read back through Get-XenVCpu, two xentop samples streamed over SSH, the
    hypervisor log, a XenStore key of the guest, and a key written and removed under its data/ path.
    The console needs a terminal: tests/integration/xen-qemu/README.md shows it under tmux.
#>

BeforeAll {
    . "$PSScriptRoot/RealXenCommon.ps1" -Label diagnostics
    $script:guest = 'xenps-diag-' + $suffix

    # Two vCPUs, so that pinning one of them is visible against the other.
    New-XenDomain -Name $script:guest -Type Pv -MemoryMB $memory -VCpu 2 -Kernel $kernel -Ramdisk $ramdisk -KernelArgs 'console=hvc0 quiet' -Start -Confirm:$false | Out-Null
    $script:domain = Get-XenDomain -Name $script:guest
    $script:cpus = (Get-XenHost).CpuCount
}

AfterAll {
    Get-XenDomain -Name $script:guest -ErrorAction SilentlyContinue | Remove-XenDomain -Force -Confirm:$false -ErrorAction SilentlyContinue
    if ($script:conn) { Disconnect-XenHost -XenHost $script:conn }
}

Describe 'Diagnostics cmdlets on a real Xen host' -Tag 'Integration' {
    It 'Get-XenVCpu lists the guest''s vCPUs from one xl vcpu-list' {
        Step 'Get-XenVCpu' {
            $v = @(Get-XenVCpu -Name $script:guest)
            $v.Count | Should -Be 2
            $v.VCpu | Should -Be @(0, 1)
            $v.DomainId | Select-Object -Unique | Should -Be $script:domain.Id
            $v[0].DomainUuid | Should -Be $script:domain.Uuid
            $v[0].HostName | Should -Be $script:conn.Name
        }
    }

    It 'Set-XenVCpu pins one vCPU and Get-XenVCpu reads the pin back' {
        Step 'Set-XenVCpu' {
            $last = $script:cpus - 1
            Get-XenVCpu -Name $script:guest | Where-Object VCpu -EQ 1 | Set-XenVCpu -HardAffinity "$last" -Confirm:$false
            $after = Get-XenVCpu -Name $script:guest
            ($after | Where-Object VCpu -EQ 1).HardAffinity | Should -Be "$last"
            ($after | Where-Object VCpu -EQ 0).HardAffinity | Should -Be 'all'
            Set-XenVCpu -Name $script:guest -All -HardAffinity all -Confirm:$false
            (Get-XenVCpu -Name $script:guest).HardAffinity | Should -Be @('all', 'all')
        }
    }

    It 'Set-XenVCpu refuses a CPU the host does not have before xl runs' {
        Step 'Set-XenVCpu (no such CPU)' {
            Set-XenVCpu -Name $script:guest -VCpu 0 -HardAffinity "$($script:cpus + 3)" -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
            $e.Count | Should -Be 1
            $e[0].FullyQualifiedErrorId | Should -BeLike 'CpuListInvalid,*'
        }
    }

    It 'Get-XenDomainStatistic streams two samples of the running guest from xentop' {
        Step 'Get-XenDomainStatistic -Count 2' {
            $s = @(Get-XenDomainStatistic -Name $script:guest -Count 2 -IntervalSeconds 1)
            $s.Count | Should -Be 2
            $s.DomainName | Should -Be @($script:guest, $script:guest)
            $s.Sample | Should -Be @(1, 2)
            $s[1].Timestamp | Should -BeGreaterThan $s[0].Timestamp
            $s[0].MemoryMB | Should -BeGreaterThan 0
            $s[0].VCpu | Should -Be 2
            $s[1].CpuTime | Should -BeGreaterOrEqual $s[0].CpuTime
            $s[0].DomainId | Should -Be $script:domain.Id
        }
    }

    It 'Get-XenHostLog reads the hypervisor log, with times since boot' {
        Step 'Get-XenHostLog' {
            # The console ring is small and this harness logs at loglvl=all: after a few migrations the boot
            # lines ("Xen version ...") have rolled out, so the entries are checked against xl dmesg's own lines.
            $raw = @(Invoke-HostSsh 'xl dmesg' | Where-Object { $_ -match '^\(XEN\) \[ *[0-9]+\.[0-9]+\] \S' })
            $raw.Count | Should -BeGreaterThan 10
            $log = @(Get-XenHostLog)
            $log.Count | Should -BeGreaterThan 10
            $log[0].Source | Should -Be 'XEN'
            $sample = $raw[[int]($raw.Count / 2)]
            $sample -match '^\(XEN\) \[ *([0-9]+\.[0-9]+)\] (.*)$' | Should -BeTrue
            $seconds = [double]::Parse($Matches[1], [cultureinfo]::InvariantCulture)
            $text = $Matches[2]
            $entry = @($log | Where-Object { $_.Message -ceq $text -and $null -ne $_.SinceBoot -and [math]::Abs($_.SinceBoot.TotalSeconds - $seconds) -lt 0.001 })
            $entry.Count | Should -BeGreaterThan 0 -Because "xl dmesg printed '$sample'"
        }
    }

    It 'Get-XenStoreItem reads a key of the guest' {
        Step 'Get-XenStoreItem' {
            $id = $script:domain.Id
            (Get-XenStoreItem -Path "/local/domain/$id/name").Value | Should -Be $script:guest
            $tree = Get-XenStoreItem -Path "/local/domain/$id" -Recurse
            ($tree | Where-Object Path -EQ "/local/domain/$id/memory/target").Value | Should -Match '^\d+$'
        }
    }

    It 'Set-XenStoreItem writes a key under the guest''s data/ path and Remove-XenStoreItem removes it' {
        Step 'Set-/Remove-XenStoreItem' {
            $path = "/local/domain/$($script:domain.Id)/data/xenps-test"
            Set-XenStoreItem -Path $path -Value 'hello from XenPS' -Confirm:$false
            (Get-XenStoreItem -Path $path).Value | Should -Be 'hello from XenPS'
            Remove-XenStoreItem -Path $path -Confirm:$false
            Get-XenStoreItem -Path $path -ErrorVariable e -ErrorAction SilentlyContinue
            $e.Count | Should -Be 1
            $e[0].Exception.Message | Should -Match 'xenstore-read'
        }
    }

    It 'Enter-XenConsole refuses clearly without a terminal' {
        Step 'Enter-XenConsole (no terminal)' {
            { Enter-XenConsole -Name $script:guest } | Should -Throw -ErrorId 'NoTerminal*'
        }
    }
}

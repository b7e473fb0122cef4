#Requires -Version 7.4
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
<#
    Live migration on a real Xen host (issue 17), against the host that tests/integration/xen-qemu/run-stage.sh
    booted (or the Dom0 that XENPS_TEST_* names), which is both source and destination: a PVH guest migrates
    within the Dom0 through Invoke-XenMigration (xl's same-host form, and the ssh path to localhost), with the
    progress records xl's lines became; a PV guest's precheck finds no shadow paging (the harness's virt_caps);
    a TEST-NET destination address is HostUnreachable before anything moves.
#>

BeforeAll {
    . "$PSScriptRoot/RealXenCommon.ps1" -Label migration
    $script:pvh = "xenps-migh-$script:suffix"
    $script:pv = "xenps-migp-$script:suffix"
    $common = @{ MemoryMB = $script:memory; Kernel = $script:kernel; Ramdisk = $script:ramdisk; KernelArgs = 'console=hvc0 quiet'; Start = $true; Confirm = $false }
    New-XenDomain -Name $script:pvh -Type Pvh @common | Out-Null
    New-XenDomain -Name $script:pv -Type Pv @common | Out-Null
}

AfterAll {
    foreach ($n in $script:pvh, $script:pv) {
        Get-XenDomain -Name $n -ErrorAction SilentlyContinue | Remove-XenDomain -Force -Confirm:$false -ErrorAction SilentlyContinue
    }

    if ($script:conn) { Disconnect-XenHost -XenHost $script:conn }
}

Describe 'Live migration on a real Xen host' -Tag 'Integration' {
    It 'migrates a PVH guest within the Dom0 (same-host form) with progress records from xl''s lines' {
        Step 'Invoke-XenMigration same host (PVH, -AsJob)' {
            $before = Get-XenDomain -Name $script:pvh
            $t0 = [Diagnostics.Stopwatch]::StartNew()
            $job = Invoke-XenMigration -Name $script:pvh -Destination $script:conn -AsJob -PassThru
            $null = $job | Wait-Job -Timeout 300
            $job.State | Should -Be 'Completed'
            $job.Error | Should -BeNullOrEmpty
            foreach ($p in $job.Progress) {
                Write-Host ("    progress {0,3}% {1,-16} {2}" -f $p.PercentComplete, $p.CurrentOperation, $p.StatusDescription)
            }

            # Read the progress before Receive-Job, which hands the job's records out and empties its streams.
            $phases = @($job.Progress | ForEach-Object CurrentOperation)
            $r = $job | Receive-Job
            Write-Host ("    migrated '{0}' in {1:0.0} s (wall {2:0.0} s): id {3} -> {4}" -f $r.DomainName, $r.Duration.TotalSeconds, $t0.Elapsed.TotalSeconds, $before.Id, $r.NewId)
            $phases | Should -Contain 'ReceiverReady'
            $phases | Should -Contain 'TransferComplete'
            $phases | Should -Contain 'Succeeded'
            $r.Uuid | Should -Be $before.Uuid
            $after = Get-XenDomain -Name $script:pvh
            $after.Id | Should -Be $r.NewId
            $after.Id | Should -Not -Be $before.Id
            $after.State | Should -Be 'Running'
            $r.Log | Should -Match 'Migration successful\.'
        }
    }

    It 'a PV guest''s precheck reports the missing shadow paging' {
        Step 'Test-XenMigration (PV, no shadow paging)' {
            $caps = (Get-XenHost).Capabilities
            Write-Host "    virt_caps: $($caps -join ' ')"
            $check = Test-XenMigration -Name $script:pv -Destination $script:conn
            if ($caps -contains 'shadow') {
                $check.Problems.Id | Should -Not -Contain 'ShadowPagingUnavailable'
            }
            else {
                $check.CanMigrate | Should -BeFalse
                $check.Problems.Id | Should -Contain 'ShadowPagingUnavailable'
                Write-Host "    $($check.Problems[0].Message)"
            }
        }
    }

    It 'a destination address that does not answer is HostUnreachable before anything moves' {
        Step 'Invoke-XenMigration -DestinationAddress 192.0.2.1' {
            $before = Get-XenDomain -Name $script:pvh
            Invoke-XenMigration -Name $script:pvh -Destination $script:conn -DestinationAddress 192.0.2.1 -ErrorVariable e -ErrorAction SilentlyContinue
            $e[0].FullyQualifiedErrorId | Should -BeLike 'HostUnreachable,*'
            Write-Host "    precheck: $($e[0].Exception.Message)"

            # With -Force xl itself tries, and fails with the ssh client's words (fixture 278).
            Invoke-XenMigration -Name $script:pvh -Destination $script:conn -DestinationAddress 192.0.2.1 -Force -ErrorVariable f -ErrorAction SilentlyContinue
            $f[0].FullyQualifiedErrorId | Should -BeLike 'HostUnreachable,*'
            $f[0].Exception.Location | Should -Be 'Source'
            Write-Host "    xl: $($f[0].Exception.Message)"
            $now = Get-XenDomain -Name $script:pvh
            ($now.Id, $now.State) | Should -Be @($before.Id, 'Running')
        }
    }

    It 'migrates the PVH guest through the ssh path to localhost' {
        Step 'Invoke-XenMigration -DestinationAddress localhost (PVH, ssh)' {
            $before = Get-XenDomain -Name $script:pvh
            $r = Invoke-XenMigration -Name $script:pvh -Destination $script:conn -DestinationAddress localhost -PassThru
            Write-Host ("    migrated over ssh in {0:0.0} s: id {1} -> {2}" -f $r.Duration.TotalSeconds, $before.Id, $r.NewId)
            $r.Uuid | Should -Be $before.Uuid
            (Get-XenDomain -Name $script:pvh).State | Should -Be 'Running'
            $r.Log | Should -Match 'Migration successful\.'
        }
    }
}

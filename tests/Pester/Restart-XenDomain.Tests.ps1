BeforeAll {
    . "$PSScriptRoot/common.ps1"
    . "$PSScriptRoot/TestHelpers.ps1"
}

Describe 'Restart-XenDomain' {
    BeforeEach {
        $xh = New-TestHost -Running 'web1', 'web2', 'db1' -Off 'spare'
    }

    AfterEach {
        Disconnect-XenHost -XenHost $xh
    }

    Context 'reboot and -Force' {
        It 'reboots a domain (xl reboot): same uuid, a new domain id, running; emits nothing' {
            $before = Get-XenDomain web1
            $out = Restart-XenDomain web1
            $out | Should -BeNullOrEmpty
            $after = Get-XenDomain web1
            $after.State | Should -Be 'Running'
            $after.Uuid | Should -Be $before.Uuid
            $after.Id | Should -Not -Be $before.Id
        }

        It 'emits the rebooted domain with -PassThru' {
            $before = Get-XenDomain web1
            $d = Restart-XenDomain web1 -PassThru
            $d.Name | Should -Be 'web1'
            $d.State | Should -Be 'Running'
            $d.Id | Should -Not -Be $before.Id
            $d.HostName | Should -Be $xh.Name
        }

        It 'asks the guest with xl reboot; -Force destroys and starts again from the config file instead' {
            Set-XenSimulation -FailNext @{ Operation = 'Reboot'; Message = 'libxl: error: simulated reboot failure' }
            $id = (Get-XenDomain web1).Id
            Restart-XenDomain web1 -ErrorVariable graceful -ErrorAction SilentlyContinue
            $graceful.Count | Should -Be 1
            $graceful[0].FullyQualifiedErrorId | Should -BeLike 'XlCommandFailed,*'
            $graceful[0].Exception.Message | Should -BeLike "*xl reboot $id*domain 'web1' (id $id)*simulated reboot failure*"

            $before = Get-XenDomain web2
            Set-XenSimulation -FailNext @{ Operation = 'Reboot' }
            $d = Restart-XenDomain web2 -Force -PassThru -ErrorVariable forced
            $forced.Count | Should -Be 0
            $d.State | Should -Be 'Running'
            $d.Id | Should -Not -Be $before.Id
        }

        It 'reports a failed start after -Force destroyed the domain, in xl''s words' {
            Set-XenSimulation -FailNext @{ Operation = 'CreateFromFile'; Message = 'libxl: error: simulated create failure' }
            Restart-XenDomain web1 -Force -ErrorVariable e -ErrorAction SilentlyContinue
            $e.Count | Should -Be 1
            $e[0].Exception.Message | Should -BeLike '*simulated create failure*'
            (Get-XenDomain web1).State | Should -Be 'Off'
        }

        It 'refuses a paused domain without -Force, and restarts it with -Force' {
            Suspend-XenDomain web1
            Restart-XenDomain web1 -ErrorVariable e -ErrorAction SilentlyContinue
            $e.Count | Should -Be 1
            $e[0].FullyQualifiedErrorId | Should -BeLike 'DomainPaused,*'
            (Get-XenDomain web1).State | Should -Be 'Paused'

            (Restart-XenDomain web1 -Force -PassThru).State | Should -Be 'Running'
        }

        It 'refuses an Off domain: it is started with Start-XenDomain' {
            Restart-XenDomain spare -ErrorVariable e -ErrorAction SilentlyContinue
            $e.Count | Should -Be 1
            $e[0].FullyQualifiedErrorId | Should -BeLike 'DomainNotRunning,*'
            $e[0].Exception.Message | Should -BeLike '*Start-XenDomain*'
            (Get-XenDomain spare).State | Should -Be 'Off'
        }
    }

    Context '-Wait and -Timeout' {
        It 'waits for the reboot with -Wait' {
            $before = Get-XenDomain web1
            (Restart-XenDomain web1 -Wait -Timeout 10 -PassThru).Id | Should -Not -Be $before.Id
        }

        It 'gives up after -Timeout seconds with OperationTimedOut, and the domain keeps running' {
            $before = Get-XenDomain web1
            Set-XenSimulation -LatencySeconds @{ Reboot = 30 }
            Restart-XenDomain web1 -Wait -Timeout 1 -ErrorVariable e -ErrorAction SilentlyContinue
            $e.Count | Should -Be 1
            $e[0].FullyQualifiedErrorId | Should -BeLike 'OperationTimedOut,*'
            $after = Get-XenDomain web1
            $after.State | Should -Be 'Running'
            $after.Id | Should -Be $before.Id
        }

        It 'says at once that a domain destroyed on reboot will not come back (on_reboot = destroy)' {
            # Issue 13, case 6: the wait ran to its timeout, then said OperationTimedOut.
            $null = New-TestDomainFromConfig -XenHost $xh -Text "name = 'once'`ntype = 'pv'`nkernel = '/boot/vmlinuz'`nramdisk = '/boot/initrd.img'`nmemory = 128`non_reboot = 'destroy'`n"
            Restart-XenDomain once -Wait -Timeout 600 -ErrorVariable e -ErrorAction SilentlyContinue
            $e.Count | Should -Be 1
            $e[0].FullyQualifiedErrorId | Should -BeLike 'DomainWillNotRestart,*'
            $e[0].Exception.Message | Should -BeLike "*once*$($xh.Name)*did not come back running*on_reboot*destroy*"
            (Get-XenDomain once).State | Should -Be 'Off'
        }

        It 'stops only the wait at -Timeout: the requested reboot still happens' {
            $before = Get-XenDomain web1
            Set-XenSimulation -LatencySeconds @{ Reboot = 2 }
            Restart-XenDomain web1 -Wait -Timeout 1 -ErrorVariable e -ErrorAction SilentlyContinue
            $e[0].FullyQualifiedErrorId | Should -BeLike 'OperationTimedOut,*'
            $e[0].Exception.Message | Should -BeLike '*reboot was requested and goes on*'
            $deadline = [DateTime]::UtcNow.AddSeconds(20)
            while ((Get-XenDomain web1).Id -eq $before.Id -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 200 }
            (Get-XenDomain web1).Id | Should -Not -Be $before.Id
        }

        It 'refuses -Timeout without -Wait as an invalid invocation' {
            { Restart-XenDomain web1 -Timeout 5 } | Should -Throw -ErrorId 'TimeoutWithoutWait,*'
        }
    }

    Context 'pipelines and many domains' {
        It 'restarts what Get-XenDomain sends it, a few at a time' {
            $dbId = (Get-XenDomain db1).Id
            $before = @{}
            Get-XenDomain web* | ForEach-Object { $before[$_.Name] = $_.Id }
            Get-XenDomain web* | Restart-XenDomain -ThrottleLimit 2
            Get-XenDomain web* | ForEach-Object {
                $_.State | Should -Be 'Running'
                $_.Id | Should -Not -Be $before[$_.Name]
            }
            (Get-XenDomain db1).Id | Should -Be $dbId
        }

        It 'goes on past a name that matches nothing' {
            $before = (Get-XenDomain web1).Id
            'web1', 'missing' | Restart-XenDomain -ErrorVariable e -ErrorAction SilentlyContinue
            (Get-XenDomain web1).Id | Should -Not -Be $before
            $e.Count | Should -Be 1
            $e[0].FullyQualifiedErrorId | Should -BeLike 'DomainNotFound,*'
            $e[0].TargetObject | Should -Be 'missing'
        }
    }

    Context 'common behaviour' {
        It 'changes nothing with -WhatIf' {
            $before = Get-DomainSnapshot -XenHost $xh
            Restart-XenDomain 'web*' -WhatIf
            Restart-XenDomain db1 -Force -WhatIf
            Get-DomainSnapshot -XenHost $xh | Should -Be $before
        }

        It 'fans out over several hosts, and every output says its host' {
            $other = New-TestHost -Running 'web1' -NotDefault
            try {
                $restarted = Restart-XenDomain web1 -XenHost $xh, $other -PassThru
                @($restarted.HostName | Sort-Object) | Should -Be @(@($xh.Name, $other.Name) | Sort-Object)
            }
            finally {
                Disconnect-XenHost -XenHost $other
            }
        }

        It 'acts on the host each piped object came from' {
            $other = New-TestHost -Running 'web1' -NotDefault
            try {
                $here = (Get-XenDomain web1 -XenHost $xh).Id
                $there = (Get-XenDomain web1 -XenHost $other).Id
                Get-XenDomain web1 -XenHost $other | Restart-XenDomain
                (Get-XenDomain web1 -XenHost $other).Id | Should -Not -Be $there
                (Get-XenDomain web1 -XenHost $xh).Id | Should -Be $here
            }
            finally {
                Disconnect-XenHost -XenHost $other
            }
        }

        It 'completes domain names' {
            (TabExpansion2 -inputScript 'Restart-XenDomain db' -cursorColumn 20).CompletionMatches.CompletionText | Should -Be @('db1')
        }
    }
}

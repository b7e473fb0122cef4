BeforeAll {
    . "$PSScriptRoot/../../tests/Pester/common.ps1"
    . "$PSScriptRoot/../../tests/Pester/TestHelpers.ps1"

    $Runbook = Join-Path $PSScriptRoot 'Invoke-RollingRestart.ps1'

    function Get-IdMap {
        <# host/name -> domain id of every domain of the hosts given. #>
        param([Parameter(Mandatory)] [object[]] $On)
        $map = @{}
        Get-XenDomain -XenHost $On | ForEach-Object { $map['{0}/{1}' -f $_.HostName, $_.Name] = $_.Id }
        $map
    }
}

Describe 'Invoke-RollingRestart.ps1' {
    BeforeEach {
        $xh = New-TestHost -Prefix 'rr' -Running 'web1', 'web2', 'web3', 'web4', 'web5', 'db1' -Off 'web6'
        $ids = Get-IdMap -On $xh
        $key = { param($n) '{0}/{1}' -f $xh.Name, $n }
    }

    AfterEach {
        Disconnect-XenHost -XenHost $xh
    }

    Context 'a healthy run' {
        It 'restarts every running match in batches, in name order, and reports success' {
            $report = & $Runbook -Name 'web*' -BatchSize 2 -HealthTimeoutSeconds 30 -WarningAction SilentlyContinue -ErrorVariable rrErrors
            $rrErrors.Count | Should -Be 0
            $report.Succeeded | Should -BeTrue
            $report.Stopped | Should -BeFalse
            $report.FailedBatch | Should -BeNullOrEmpty
            $report.Batches.Count | Should -Be 3
            $report.Batches[0].Domains | Should -Be @((& $key 'web1'), (& $key 'web2'))
            $report.Batches[1].Domains | Should -Be @((& $key 'web3'), (& $key 'web4'))
            $report.Batches[2].Domains | Should -Be @((& $key 'web5'))
            $report.Batches.Status | Should -Be @('Healthy', 'Healthy', 'Healthy')
            @($report.Restarted.Name | Sort-Object) | Should -Be @('web1', 'web2', 'web3', 'web4', 'web5')

            foreach ($n in 'web1', 'web2', 'web3', 'web4', 'web5') {
                $d = Get-XenDomain $n
                $d.State | Should -Be 'Running'
                $d.Id | Should -Not -Be $ids[(& $key $n)]
            }

            (Get-XenDomain db1).Id | Should -Be $ids[(& $key 'db1')]
        }

        It 'skips domains that are not running, says so, and leaves them as they were' {
            Suspend-XenDomain web2
            $report = & $Runbook -Name 'web*' -HealthTimeoutSeconds 30 -WarningVariable warnings -WarningAction SilentlyContinue
            $report.Succeeded | Should -BeTrue
            @($report.Skipped.Name | Sort-Object) | Should -Be @('web2', 'web6')
            ($warnings.Message -join "`n") | Should -BeLike "*'web6'*not running*"
            (Get-XenDomain web2).State | Should -Be 'Paused'
            (Get-XenDomain web6).State | Should -Be 'Off'
        }

        It 'restarts with -Force by destroying and starting again, which needs no xl reboot' {
            Set-XenSimulation -FailNext @{ Operation = 'Reboot'; Count = 10 }
            $report = & $Runbook -Name 'web1', 'web2' -Force -HealthTimeoutSeconds 30
            $report.Succeeded | Should -BeTrue
            (Get-XenDomain web1).Id | Should -Not -Be $ids[(& $key 'web1')]
        }

        It 'waits for the operator''s health check' {
            # The check runs inside the runbook: it counts in a hashtable it closes over.
            $asked = @{}
            $check = {
                param($Domain)
                $asked[$Domain.Name] = 1 + [int]$asked[$Domain.Name]
                $asked[$Domain.Name] -ge 2
            }.GetNewClosure()
            $report = & $Runbook -Name 'web1', 'web2' -HealthCheck $check -HealthPollSeconds 1 -HealthTimeoutSeconds 30
            $report.Succeeded | Should -BeTrue
            $asked['web1'] | Should -Be 2
            $asked['web2'] | Should -Be 2
        }

        It 'works on the hosts of -XenHost, not the default one' {
            $other = New-TestHost -Prefix 'rr' -Running 'web1' -NotDefault
            try {
                $otherId = (Get-XenDomain web1 -XenHost $other).Id
                $report = & $Runbook -XenHost $other -Name 'web1' -HealthTimeoutSeconds 30
                $report.Succeeded | Should -BeTrue
                $report.Restarted.HostName | Should -Be $other.Name
                (Get-XenDomain web1 -XenHost $other).Id | Should -Not -Be $otherId
                (Get-XenDomain web1 -XenHost $xh).Id | Should -Be $ids[(& $key 'web1')]
            }
            finally {
                Disconnect-XenHost -XenHost $other
            }
        }
    }

    Context 'a batch that does not come back healthy' {
        It 'stops at a batch whose reboot fails (Set-XenSimulation -FailNext Reboot), and leaves later batches untouched' {
            # Two hosts: batch 1 is host A's web1, web2; batch 2 is host B's app3, app4; batch 3 is B's
            # app5 (batches follow host names, and 'rra-...' sorts before 'rrb-...'). Host B's next
            # xl reboot fails, so batch 2 fails and batch 3 must not be touched.
            $a = New-TestHost -Prefix 'rra' -Running 'web1', 'web2' -NotDefault
            $b = New-TestHost -Prefix 'rrb' -Running 'app3', 'app4', 'app5' -NotDefault
            try {
                $before = Get-IdMap -On $a, $b
                Set-XenSimulation -XenHost $b -FailNext @{ Operation = 'Reboot'; Count = 1; Message = 'libxl: error: simulated reboot failure on B' }

                $report = & $Runbook -XenHost $a, $b -Name 'web1', 'web2', 'app*' -BatchSize 2 -HealthTimeoutSeconds 30 -ErrorVariable rrErrors -ErrorAction SilentlyContinue

                $report.Succeeded | Should -BeFalse
                $report.Stopped | Should -BeTrue
                $report.FailedBatch | Should -Be 2
                $report.Batches.Status | Should -Be @('Healthy', 'Failed', 'NotStarted')

                $report.FailedDomains.Count | Should -Be 1
                $report.FailedDomains[0].HostName | Should -Be $b.Name
                $report.FailedDomains[0].Name | Should -BeIn @('app3', 'app4')
                $report.FailedDomains[0].Reason | Should -BeLike '*simulated reboot failure on B*'

                $report.NotTouched.Count | Should -Be 1
                $report.NotTouched[0].Name | Should -Be 'app5'
                (Get-XenDomain app5 -XenHost $b).Id | Should -Be $before['{0}/app5' -f $b.Name]

                foreach ($n in 'web1', 'web2') {
                    (Get-XenDomain $n -XenHost $a).Id | Should -Not -Be $before['{0}/{1}' -f $a.Name, $n]
                }

                # -ErrorVariable of a script also collects what the cmdlets inside it wrote (PowerShell's
                # rule, even under -ErrorAction SilentlyContinue): Restart-XenDomain's own error for the
                # failed domain, then the runbook's one stop error.
                $stops = @($rrErrors | Where-Object FullyQualifiedErrorId -Like 'RollingRestartStopped*')
                $stops.Count | Should -Be 1
                $stops[0].Exception.Message | Should -BeLike '*stopped at batch 2 of 3*'
                @($rrErrors | Where-Object FullyQualifiedErrorId -NotLike 'RollingRestartStopped*').Count | Should -Be 1
            }
            finally {
                Disconnect-XenHost -XenHost $a, $b
            }
        }

        It 'stops at the first batch when its reboot fails, touching nothing after it' {
            Set-XenSimulation -FailNext @{ Operation = 'Reboot'; Count = 1; Message = 'libxl: error: simulated reboot failure' }
            $report = & $Runbook -Name 'web*' -BatchSize 1 -HealthTimeoutSeconds 30 -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
            $report.FailedBatch | Should -Be 1
            $report.FailedDomains.Name | Should -Be 'web1'
            @($report.NotTouched.Name) | Should -Be @('web2', 'web3', 'web4', 'web5')
            foreach ($n in 'web1', 'web2', 'web3', 'web4', 'web5') {
                (Get-XenDomain $n).Id | Should -Be $ids[(& $key $n)]
            }
        }

        It 'stops when a batch does not restart within -HealthTimeoutSeconds (Set-XenSimulation -LatencySeconds)' {
            Set-XenSimulation -LatencySeconds @{ Reboot = 60 }
            $report = & $Runbook -Name 'web*' -BatchSize 2 -HealthTimeoutSeconds 1 -ErrorVariable rrErrors -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
            $report.FailedBatch | Should -Be 1
            @($report.FailedDomains.Name | Sort-Object) | Should -Be @('web1', 'web2')
            $report.FailedDomains[0].Reason | Should -BeLike '*did not finish within 1 s*'
            @($report.NotTouched.Name) | Should -Be @('web3', 'web4', 'web5')
            (Get-XenDomain web3).Id | Should -Be $ids[(& $key 'web3')]
            # One stop error from the runbook; the rest are Restart-XenDomain's own timeouts (one per
            # domain of the batch), which -ErrorVariable of a script collects too.
            @($rrErrors | Where-Object FullyQualifiedErrorId -Like 'RollingRestartStopped*').Count | Should -Be 1
            @($rrErrors | Where-Object FullyQualifiedErrorId -NotLike 'RollingRestartStopped*').Count | Should -Be 2
        }

        # A wait for a state the domain can no longer reach (on_reboot = destroy) ends at once with the reason (issue 13).
        It 'stops when a domain does not come back running after its reboot' {
            # on_reboot = destroy: the guest reboots into nothing, so it never runs again.
            $null = New-TestDomainFromConfig -XenHost $xh -Text @'
name = "web0"
type = "pv"
kernel = "/boot/vmlinuz"
ramdisk = "/boot/initrd.img"
memory = 128
on_reboot = "destroy"
'@
            $report = & $Runbook -Name 'web*' -BatchSize 1 -HealthTimeoutSeconds 2 -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
            $report.FailedBatch | Should -Be 1
            $report.FailedDomains.Name | Should -Be 'web0'
            $report.FailedDomains[0].Reason | Should -BeLike '*did not come back running*'
            (Get-XenDomain web1).Id | Should -Be $ids[(& $key 'web1')]
        }

        It 'stops when the operator''s health check keeps failing' {
            $report = & $Runbook -Name 'web*' -BatchSize 2 -HealthTimeoutSeconds 2 -HealthPollSeconds 1 -HealthCheck { param($Domain) $Domain.Name -ne 'web3' } -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
            $report.FailedBatch | Should -Be 2
            $report.FailedDomains.Name | Should -Be 'web3'
            $report.FailedDomains[0].Reason | Should -BeLike '*health check*'
            @($report.Restarted.Name | Sort-Object) | Should -Be @('web1', 'web2', 'web4')
            (Get-XenDomain web5).Id | Should -Be $ids[(& $key 'web5')]
        }

        It 'is terminating with -ErrorAction Stop, after writing the report' {
            Set-XenSimulation -FailNext @{ Operation = 'Reboot'; Count = 1 }
            $written = [System.Collections.Generic.List[object]]::new()
            { & $Runbook -Name 'web1' -HealthTimeoutSeconds 30 -ErrorAction Stop | ForEach-Object { $written.Add($_) } } |
                Should -Throw -ErrorId 'RollingRestartStopped*'
            $written.Count | Should -Be 1
            $written[0].FailedBatch | Should -Be 1
        }
    }

    Context 'before anything is restarted' {
        It 'restarts nothing with -WhatIf, and shows the batches' {
            $report = & $Runbook -Name 'web*' -BatchSize 2 -WhatIf -WarningAction SilentlyContinue
            $report.Batches.Count | Should -Be 3
            $report.Batches.Status | Should -Be @('WhatIf', 'WhatIf', 'WhatIf')
            $report.Restarted | Should -BeNullOrEmpty
            foreach ($n in 'web1', 'web2', 'web3', 'web4', 'web5') {
                (Get-XenDomain $n).Id | Should -Be $ids[(& $key $n)]
            }
        }

        It 'refuses a name that matches no domain, restarting nothing' {
            { & $Runbook -Name 'web1', 'missing' -HealthTimeoutSeconds 30 } | Should -Throw -ExpectedMessage "*Nothing was restarted*'missing'*"
            (Get-XenDomain web1).Id | Should -Be $ids[(& $key 'web1')]
        }

        It 'reports an empty run when no running domain matches' {
            $report = & $Runbook -Name 'nothing*' -WarningAction SilentlyContinue
            $report.Succeeded | Should -BeTrue
            $report.Batches.Count | Should -Be 0
        }

        It 'has comment-based help for every parameter' {
            $help = Get-Help $Runbook -Full
            $help.Synopsis | Should -BeLike '*Restarts a group of Xen domains*'
            $documented = @($help.parameters.parameter | Where-Object { $_.description } | ForEach-Object { $_.name })
            foreach ($p in 'Name', 'XenHost', 'BatchSize', 'HealthTimeoutSeconds', 'HealthCheck', 'HealthPollSeconds', 'Force') {
                $documented | Should -Contain $p
            }
            (Get-Command $Runbook).Parameters.ContainsKey('WhatIf') | Should -BeTrue
        }
    }
}

BeforeAll {
    . "$PSScriptRoot/common.ps1"
    . "$PSScriptRoot/TestHelpers.ps1"
}

# Simulated hosts of one session form one fabric: they migrate between each other by name.
Describe 'Invoke-XenMigration' {
    BeforeEach {
        $a = New-TestHost -Prefix 'mig-a' -Running 'web1', 'web2' -Off 'spare'
        $b = Connect-TestHost -Prefix 'mig-b' -NotDefault
    }

    AfterEach {
        Get-Job -ErrorAction SilentlyContinue | Where-Object PSJobTypeName -EQ 'XenMigrationJob' | Remove-Job -Force
        Disconnect-XenHost -XenHost $a, $b
    }

    Context 'moving a guest' {
        It 'migrates a guest to another host and back; emits nothing without -PassThru' {
            $uuid = (Get-XenDomain -XenHost $a web1).Uuid
            Invoke-XenMigration -XenHost $a -Name web1 -Destination $b -WarningAction SilentlyContinue | Should -BeNullOrEmpty
            $there = Get-XenDomain -XenHost $b web1
            $there.State | Should -Be 'Running'
            $there.Uuid | Should -Be $uuid
            (Get-XenDomain -XenHost $a | Where-Object Id -NE $null).Name | Should -Not -Contain 'web1'

            $back = Get-XenDomain -XenHost $b web1 | Invoke-XenMigration -Destination $a -PassThru
            $back.DomainName | Should -Be 'web1'
            $back.SourceHost | Should -Be $b.Name
            $back.Destination | Should -Be $a.Name
            $back.Uuid | Should -Be $uuid
            $back.NewId | Should -Be (Get-XenDomain -XenHost $a web1).Id
            $back.HostName | Should -Be $b.Name
            $back.XenHost | Should -Be $b
            $back.Log | Should -Match 'Migration successful\.'
            $back.StartTime | Should -Not -BeNullOrEmpty
            (Get-XenDomain -XenHost $b | Where-Object Name -EQ 'web1') | Should -BeNullOrEmpty
        }

        It 'accounts the memory on both hosts' {
            $freeA = (Get-XenHost -XenHost $a).FreeMemoryMB
            $freeB = (Get-XenHost -XenHost $b).FreeMemoryMB
            $mem = (Get-XenDomain -XenHost $a web1).MemoryMB
            Invoke-XenMigration -XenHost $a -Name web1 -Destination $b -WarningAction SilentlyContinue
            (Get-XenHost -XenHost $a).FreeMemoryMB | Should -Be ($freeA + $mem)
            (Get-XenHost -XenHost $b).FreeMemoryMB | Should -Be ($freeB - $mem)
        }

        It 'warns where the config file stays, and moves it with -MoveConfig' {
            Invoke-XenMigration -XenHost $a -Name web1 -Destination $b -WarningVariable w -WarningAction SilentlyContinue
            "$w" | Should -Match "config file stays at '/etc/xen/web1.cfg' on host '$($a.Name)'"
            (Get-XenDomain -XenHost $a web1).State | Should -Be 'Off'

            $r = Invoke-XenMigration -XenHost $a -Name web2 -Destination $b -MoveConfig -PassThru -WarningVariable w2
            $w2 | Should -BeNullOrEmpty
            $r.ConfigPath | Should -Be '/etc/xen/web2.cfg'
            (Get-XenDomain -XenHost $b web2).ConfigPath | Should -Be '/etc/xen/web2.cfg'
            (Get-XenDomain -XenHost $a).Name | Should -Not -Contain 'web2'
        }

        It 'takes the autostart link along with -MoveConfig: the guest starts with the host it now runs on' {
            Set-XenDomain -XenHost $a -Name web1 -AutoStart $true
            (Get-XenDomain -XenHost $a web1).AutoStart | Should -BeTrue
            Get-XenDomain -XenHost $a web1 | Invoke-XenMigration -Destination $b -MoveConfig -WarningVariable w
            $w | Should -BeNullOrEmpty
            $there = Get-XenDomain -XenHost $b web1
            ($there.State, $there.AutoStart, $there.ConfigPath) | Should -Be @('Running', $true, '/etc/xen/web1.cfg')
            (Get-XenDomain -XenHost $a).Name | Should -Not -Contain 'web1'
        }

        It 'migrates within one host with the same-host form' {
            $before = Get-XenDomain -XenHost $a web1
            $r = Invoke-XenMigration -XenHost $a -Name web1 -Destination $a -PassThru
            $r.Destination | Should -Be $a.Name
            $after = Get-XenDomain -XenHost $a web1
            $after.Uuid | Should -Be $before.Uuid
            $after.Id | Should -Not -Be $before.Id
            $after.State | Should -Be 'Running'

            # -DestinationAddress localhost takes the ssh path to the same host; the guest's own name is no clash.
            $again = Invoke-XenMigration -XenHost $a -Name web1 -Destination $a -DestinationAddress localhost -PassThru
            $again.Uuid | Should -Be $before.Uuid
            (Get-XenDomain -XenHost $a web1).Id | Should -Be $again.NewId
        }

        It 'leaves the guest paused at the destination with -Paused' {
            Invoke-XenMigration -XenHost $a -Name web1 -Destination $b -Paused -WarningAction SilentlyContinue
            (Get-XenDomain -XenHost $b web1).State | Should -Be 'Paused'
        }
    }

    Context 'failures' {
        It 'fails as <Kind> with <ErrorId> and the guest where the error says' -TestCases @(
            @{ Kind = 'ResumeAtSender'; ErrorId = 'MigrationFailedResumedAtSource'; Where = 'Source' }
            @{ Kind = 'TargetFailed'; ErrorId = 'MigrationFailedResumedAtSource'; Where = 'Source' }
            @{ Kind = 'SuspendFailed'; ErrorId = 'MigrationSuspendFailed'; Where = 'Source' }
            @{ Kind = 'Unreachable'; ErrorId = 'HostUnreachable'; Where = 'Source' }
            @{ Kind = 'FinalHandshake'; ErrorId = 'MigrationStateUndefined'; Where = 'Both' }
        ) {
            param($Kind, $ErrorId, $Where)
            $freeB = (Get-XenHost -XenHost $b).FreeMemoryMB
            Set-XenSimulation -XenHost $a -FailNextMigration $Kind
            $r = Invoke-XenMigration -XenHost $a -Name web1 -Destination $b -PassThru -ErrorVariable e -ErrorAction SilentlyContinue
            $r | Should -BeNullOrEmpty
            $e.Count | Should -Be 1
            $e[0].FullyQualifiedErrorId | Should -BeLike "$ErrorId,*"
            $e[0].Exception.Location | Should -Be $Where
            $e[0].Exception.Message | Should -Match "'web1'"
            $e[0].Exception.Message | Should -Match ([regex]::Escape($a.Name))
            $e[0].Exception.Message | Should -Match ([regex]::Escape($b.Name))
            $e[0].Exception.Message | Should -Match 'XenPS looked'
            $e[0].TargetObject.Name | Should -Be 'web1'

            if ($Where -eq 'Source') {
                (Get-XenDomain -XenHost $a web1).State | Should -Be 'Running'
                (Get-XenDomain -XenHost $b).Name | Should -Not -Contain 'web1'
                (Get-XenHost -XenHost $b).FreeMemoryMB | Should -Be $freeB
            }
            else {
                # The final handshake failed: a copy on each host, under xl's in-flight names.
                (Get-XenDomain -XenHost $a).Name | Should -Contain 'web1--migratedaway'
                (Get-XenDomain -XenHost $b).Name | Should -Contain 'web1--incoming'
            }
        }

        It 'refuses a hostile destination address before anything runs' {
            $before = Get-DomainSnapshot -XenHost $a
            { Invoke-XenMigration -XenHost $a -Name web1 -Destination $b -DestinationAddress 'b;reboot' -ErrorAction Stop } |
                Should -Throw -ErrorId 'InvalidDestinationAddress,*'
            { Invoke-XenMigration -XenHost $a -Name web1 -Destination $b -DestinationUser '-oProxyCommand=x' -ErrorAction Stop } |
                Should -Throw -ErrorId 'InvalidDestinationUser,*'
            Get-DomainSnapshot -XenHost $a | Should -Be $before
        }

        It 'an address the source cannot reach is HostUnreachable before anything moves (as a precheck problem)' {
            $before = Get-DomainSnapshot -XenHost $a
            Invoke-XenMigration -XenHost $a -Name web1 -Destination $b -DestinationAddress 192.0.2.1 -ErrorVariable e -ErrorAction SilentlyContinue
            $e[0].FullyQualifiedErrorId | Should -BeLike 'HostUnreachable,*'
            $e[0].Exception.Message | Should -Match '\[DestinationUnreachable\].*192\.0\.2\.1'
            Get-DomainSnapshot -XenHost $a | Should -Be $before
        }

        It 'refuses on precheck problems with every reason, unless -Force (then xl has the last word)' {
            $null = New-TestDomain -XenHost $b -Name web1
            Invoke-XenMigration -XenHost $a -Name web1 -Destination $b -ErrorVariable e -ErrorAction SilentlyContinue
            $e[0].FullyQualifiedErrorId | Should -BeLike 'MigrationPrecheckFailed,*'
            $e[0].Exception.Message | Should -Match '\[DomainNameExists\]'
            (Get-XenDomain -XenHost $a web1).State | Should -Be 'Running'

            Invoke-XenMigration -XenHost $a -Name web1 -Destination $b -Force -ErrorVariable f -ErrorAction SilentlyContinue
            $f[0].FullyQualifiedErrorId | Should -BeLike 'MigrationFailedResumedAtSource,*'
            $f[0].Exception.Message | Should -Match 'Migration failed due to problems at target\.'
            (Get-XenDomain -XenHost $a web1).State | Should -Be 'Running'
        }

        It 'refuses Domain-0 named explicitly, and an Off guest' {
            Invoke-XenMigration -XenHost $a -Id 0 -Destination $b -ErrorVariable e -ErrorAction SilentlyContinue
            $e[0].FullyQualifiedErrorId | Should -BeLike 'DomainProtected,*'
            Invoke-XenMigration -XenHost $a -Name spare -Destination $b -ErrorVariable f -ErrorAction SilentlyContinue
            $f[0].Exception.Message | Should -Match '\[DomainNotRunning\]'
            $f[0].Exception.Message | Should -Not -Match '-Force'
        }

        It 'refuses an Off guest even with -Force, saying why, and moves the running ones' {
            $r = Get-XenDomain -XenHost $a | Invoke-XenMigration -Destination $b -Force -PassThru -ErrorVariable e -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
            ($r.DomainName | Sort-Object) | Should -Be @('web1', 'web2')
            $e.Count | Should -Be 1
            $e[0].Exception.Message | Should -Match "Domain 'spare' .*\[DomainNotRunning\]"
            $e[0].Exception.Message | Should -Not -Match 'invalid domain identifier'
            (Get-XenDomain -XenHost $a spare).State | Should -Be 'Off'
        }
    }

    Context 'evacuation and placement' {
        It 'evacuates 10 guests to two hosts by free memory, one failure not stopping the rest' {
            $src = New-TestHost -Prefix 'evac' -Running @(1..10 | ForEach-Object { "g$_" }) -NotDefault
            $c = Connect-TestHost -Prefix 'mig-c' -NotDefault
            try {
                Set-XenSimulation -XenHost $src -FailNextMigration ResumeAtSender
                $results = Get-XenDomain -XenHost $src | Invoke-XenMigration -Destination $b, $c -PassThru -ErrorVariable e -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
                @($results).Count | Should -Be 9
                $e.Count | Should -Be 1
                $e[0].FullyQualifiedErrorId | Should -BeLike 'MigrationFailedResumedAtSource,*'

                # Both destinations took guests (placement by free memory alternates between equal hosts).
                @($results | Where-Object Destination -EQ $b.Name).Count | Should -BeGreaterThan 0
                @($results | Where-Object Destination -EQ $c.Name).Count | Should -BeGreaterThan 0
                $left = @(Get-XenDomain -XenHost $src -State Running | Where-Object Id -NE 0)
                $left.Count | Should -Be 1
                $left[0].Name | Should -Be $e[0].TargetObject.Name
            }
            finally {
                Disconnect-XenHost -XenHost $src, $c
            }
        }

        It 'prints the plan with -WhatIf and moves nothing' {
            $state = Join-Path $TestDrive 'fabric.json'
            $src = New-TestHost -Prefix 'plan-a' -Running 'p1', 'p2', 'p3' -StatePath $state -NotDefault
            $d1 = Connect-TestHost -Prefix 'plan-b' -StatePath $state -NotDefault
            $d2 = Connect-TestHost -Prefix 'plan-c' -StatePath $state -NotDefault
            $null = New-TestDomain -XenHost $d2 -Name 'big' -MemoryMB 1024
            try {
                $before = (Get-DomainSnapshot -XenHost $src), (Get-DomainSnapshot -XenHost $d1), (Get-DomainSnapshot -XenHost $d2)
                # -WhatIf writes to the host, not to a stream: a child pwsh on the same state file shows it.
                $script = @"
Import-Module '$script:XenPSManifest'
`$s = Connect-XenHost -Simulated -Name '$($src.Name)' -StatePath '$state'
`$x = Connect-XenHost -Simulated -Name '$($d1.Name)' -StatePath '$state' -NotDefault
`$y = Connect-XenHost -Simulated -Name '$($d2.Name)' -StatePath '$state' -NotDefault
Get-XenDomain -XenHost `$s | Invoke-XenMigration -Destination `$x, `$y -WhatIf
"@
                $out = & (Join-Path $PSHOME 'pwsh') -NoProfile -NonInteractive -Command $script 2>&1
                $plan = @($out | Where-Object { "$_" -like 'What if:*' })
                $plan.Count | Should -Be 3
                # d1 has the most free memory: p1 and p2 go there; then d2 has more left.
                $plan[0] | Should -Match "'p1' from host '$($src.Name)' to host '$($d1.Name)'"
                $plan[1] | Should -Match "'p2' from host '$($src.Name)' to host '$($d1.Name)'"
                ($plan -join "`n") | Should -Not -Match 'Domain-0'
                ((Get-DomainSnapshot -XenHost $src), (Get-DomainSnapshot -XenHost $d1), (Get-DomainSnapshot -XenHost $d2)) | Should -Be $before
            }
            finally {
                Disconnect-XenHost -XenHost $src, $d1, $d2
            }
        }
    }

    Context '-AsJob' {
        It 'returns one job in the job repository whose output, errors and progress flow as any job''s' {
            Set-XenSimulation -XenHost $a -LatencySeconds @{ Migrate = 0.2 }
            $job = Get-XenDomain -XenHost $a -State Running | Invoke-XenMigration -Destination $b -AsJob -PassThru -WarningAction SilentlyContinue
            @($job).Count | Should -Be 1
            $job.PSJobTypeName | Should -Be 'XenMigrationJob'
            (Get-Job -Id $job.Id).Id | Should -Be $job.Id

            $null = $job | Wait-Job
            $results = $job | Receive-Job -Keep
            $job.State | Should -Be 'Completed'
            @($results).Count | Should -Be 2
            ($results.DomainName | Sort-Object) | Should -Be @('web1', 'web2')
            $phases = @($job.Progress | Where-Object CurrentOperation | ForEach-Object CurrentOperation)
            $phases | Should -Contain 'ReceiverReady'
            $phases | Should -Contain 'Succeeded'
            ($job.Progress | Where-Object StatusDescription -EQ 'Migration successful.') | Should -Not -BeNullOrEmpty
        }

        It 'carries the migrations'' warnings and verbose messages, which Receive-Job writes as the cmdlet would' {
            $job = Invoke-XenMigration -XenHost $a -Name web1 -Destination $b -AsJob
            $null = $job | Wait-Job
            @($job.Warning).Count | Should -Be 1
            "$($job.Warning[0])" | Should -Match "config file stays at '/etc/xen/web1.cfg' on host '$($a.Name)'"
            $null = $job | Receive-Job -WarningVariable w -WarningAction SilentlyContinue
            "$w" | Should -Match 'use -MoveConfig to move it'
            Remove-Job -Job $job

            $moved = Invoke-XenMigration -XenHost $a -Name web2 -Destination $b -AsJob -MoveConfig
            $null = $moved | Wait-Job
            $moved.Warning | Should -BeNullOrEmpty
            ($moved.Verbose.Message -join "`n") | Should -Match "Moved config file '/etc/xen/web2.cfg'"
            Remove-Job -Job $moved
        }

        It 'reports a failed guest in the job''s errors' {
            Set-XenSimulation -XenHost $a -FailNextMigration FinalHandshake
            $job = Invoke-XenMigration -XenHost $a -Name web1 -Destination $b -AsJob
            $null = $job | Wait-Job
            $job.Error.Count | Should -Be 1
            $job.Error[0].FullyQualifiedErrorId | Should -BeLike 'MigrationStateUndefined*'
        }
    }
}

BeforeAll {
    . "$PSScriptRoot/common.ps1"
    . "$PSScriptRoot/TestHelpers.ps1"
}

Describe 'Start-XenDomain' {
    BeforeEach {
        $xh = New-TestHost -Running 'web1' -Off 'web2', 'web3', 'db1'
    }

    AfterEach {
        Disconnect-XenHost -XenHost $xh
    }

    Context 'starting' {
        It 'starts an Off domain from its config file and emits nothing' {
            $out = Start-XenDomain web2
            $out | Should -BeNullOrEmpty
            $d = Get-XenDomain web2
            $d.State | Should -Be 'Running'
            $d.Id | Should -BeGreaterThan 0
        }

        It 'emits the started domain with -PassThru' {
            $d = Start-XenDomain web2 -PassThru
            $d.Name | Should -Be 'web2'
            $d.State | Should -Be 'Running'
            $d.HostName | Should -Be $xh.Name
            $d.Id | Should -Be (Get-XenDomain web2).Id
            $d.Uptime | Should -BeOfType [timespan]
        }

        It 'emits every started domain with its uptime, each started after the one before' {
            $d = Get-XenDomain web2, web3, db1 | Start-XenDomain -PassThru -ThrottleLimit 1
            $d.Count | Should -Be 3
            $d | ForEach-Object { $_.Uptime | Should -BeOfType [timespan] }
        }

        It 'starts a domain paused with -Paused' {
            (Start-XenDomain web2 -Paused -PassThru).State | Should -Be 'Paused'
            (Get-XenDomain web2).State | Should -Be 'Paused'
        }

        It 'unpauses a paused domain' {
            Suspend-XenDomain web1
            $id = (Get-XenDomain web1).Id
            $d = Start-XenDomain web1 -PassThru
            $d.State | Should -Be 'Running'
            $d.Id | Should -Be $id
        }

        It 'leaves a running domain alone, without an error' {
            $before = Get-XenDomain web1
            $d = Start-XenDomain web1 -PassThru -ErrorVariable e
            $e.Count | Should -Be 0
            $d.Id | Should -Be $before.Id
            $d.State | Should -Be 'Running'
        }

        It 'takes ids and uuids' {
            $web1 = Get-XenDomain web1
            Suspend-XenDomain web1
            (Start-XenDomain -Uuid $web1.Uuid -PassThru).State | Should -Be 'Running'
            Suspend-XenDomain web1
            (Start-XenDomain -Id $web1.Id -PassThru).State | Should -Be 'Running'
        }
    }

    Context 'pipelines and many domains' {
        It 'starts what Get-XenDomain -State Off sends it' {
            $started = Get-XenDomain -State Off | Start-XenDomain -PassThru
            @($started.Name | Sort-Object) | Should -Be @('db1', 'web2', 'web3')
            Get-XenDomain -State Off | Should -BeNullOrEmpty
        }

        It 'starts wildcard matches, a few at a time with -ThrottleLimit' {
            Start-XenDomain 'web*' -ThrottleLimit 2
            (Get-XenDomain web*).State | Should -Be @('Running', 'Running', 'Running')
            (Get-XenDomain db1).State | Should -Be 'Off'
        }

        It 'takes names from the pipeline' {
            'web2', 'db1' | Start-XenDomain
            (Get-XenDomain 'web2', 'db1').State | Should -Be @('Running', 'Running')
        }

        It 'goes on past a name that matches nothing: one DomainNotFound error whose target is the name' {
            'web2', 'missing', 'web3' | Start-XenDomain -ErrorVariable e -ErrorAction SilentlyContinue
            (Get-XenDomain 'web2', 'web3').State | Should -Be @('Running', 'Running')
            $e.Count | Should -Be 1
            $e[0].FullyQualifiedErrorId | Should -BeLike 'DomainNotFound,*'
            $e[0].TargetObject | Should -Be 'missing'
        }
    }

    Context 'failures' {
        It 'reports InsufficientMemory in xl''s words, with the domain as target, and leaves it Off' {
            $null = New-TestDomain -XenHost $xh -Name big -MemoryMB 1950 -Off
            Start-XenDomain big -ErrorVariable e -ErrorAction SilentlyContinue
            $e.Count | Should -Be 1
            $e[0].FullyQualifiedErrorId | Should -BeLike 'InsufficientMemory,*'
            $e[0].Exception.Message | Should -Match 'Out of memory|Cannot allocate memory'
            $e[0].TargetObject.Name | Should -Be 'big'
            (Get-XenDomain big).State | Should -Be 'Off'
        }

        It 'reports a failed xl create and still starts the other domains' {
            Set-XenSimulation -FailNext @{ Operation = 'CreateFromFile'; Message = 'libxl: error: simulated create failure' }
            Start-XenDomain 'web2', 'web3', 'db1' -ThrottleLimit 1 -ErrorVariable e -ErrorAction SilentlyContinue
            $e.Count | Should -Be 1
            $e[0].FullyQualifiedErrorId | Should -BeLike 'XlCommandFailed,*'
            $e[0].Exception.Message | Should -BeLike '*simulated create failure*'
            @(Get-XenDomain 'web2', 'web3', 'db1' | Where-Object State -EQ 'Running').Count | Should -Be 2
        }
    }

    Context 'common behaviour' {
        It 'changes nothing with -WhatIf' {
            $before = Get-DomainSnapshot -XenHost $xh
            Start-XenDomain 'web*', 'db1' -WhatIf
            Get-XenDomain -State Off | Start-XenDomain -WhatIf
            Get-DomainSnapshot -XenHost $xh | Should -Be $before
        }

        It 'fans out over several hosts, and every output says its host' {
            $other = New-TestHost -Running @() -Off 'web2' -NotDefault
            try {
                $started = Start-XenDomain web2 -XenHost $xh, $other -PassThru
                @($started).Count | Should -Be 2
                @($started.HostName | Sort-Object) | Should -Be @(@($xh.Name, $other.Name) | Sort-Object)
                $started.State | Should -Be @('Running', 'Running')
            }
            finally {
                Disconnect-XenHost -XenHost $other
            }
        }

        It 'acts on the host each piped object came from' {
            $other = New-TestHost -Running @() -Off 'web2' -NotDefault
            try {
                Get-XenDomain web2 -XenHost $other | Start-XenDomain
                (Get-XenDomain web2 -XenHost $other).State | Should -Be 'Running'
                (Get-XenDomain web2 -XenHost $xh).State | Should -Be 'Off'
            }
            finally {
                Disconnect-XenHost -XenHost $other
            }
        }

        It 'completes domain names' {
            (TabExpansion2 -inputScript 'Start-XenDomain web' -cursorColumn 19).CompletionMatches.CompletionText | Should -Be @('web1', 'web2', 'web3')
        }
    }
}

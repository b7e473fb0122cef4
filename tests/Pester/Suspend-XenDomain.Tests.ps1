BeforeAll {
    . "$PSScriptRoot/common.ps1"
    . "$PSScriptRoot/TestHelpers.ps1"
}

Describe 'Suspend-XenDomain' {
    BeforeEach {
        $xh = New-TestHost -Running 'web1', 'web2', 'db1' -Off 'spare'
    }

    AfterEach {
        Disconnect-XenHost -XenHost $xh
    }

    Context 'pausing' {
        It 'pauses a domain (xl pause) and emits nothing' {
            $id = (Get-XenDomain web1).Id
            $out = Suspend-XenDomain web1
            $out | Should -BeNullOrEmpty
            $d = Get-XenDomain web1
            $d.State | Should -Be 'Paused'
            $d.Id | Should -Be $id
            $d.XlState | Should -Be '--p---'
        }

        It 'emits the paused domain with -PassThru' {
            $d = Suspend-XenDomain web1 -PassThru
            $d.Name | Should -Be 'web1'
            $d.State | Should -Be 'Paused'
            $d.HostName | Should -Be $xh.Name
            $d.Uptime | Should -BeOfType [timespan]
        }

        It 'leaves a paused domain alone, without an error (one Resume-XenDomain still resumes it)' {
            Suspend-XenDomain web1
            Suspend-XenDomain web1 -ErrorVariable e
            $e.Count | Should -Be 0
            Resume-XenDomain web1
            (Get-XenDomain web1).State | Should -Be 'Running'
        }

        It 'refuses an Off domain with DomainNotRunning' {
            Suspend-XenDomain spare -ErrorVariable e -ErrorAction SilentlyContinue
            $e.Count | Should -Be 1
            $e[0].FullyQualifiedErrorId | Should -BeLike 'DomainNotRunning,*'
            $e[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
            $e[0].TargetObject.Name | Should -Be 'spare'
        }

        It 'takes ids and uuids' {
            $web1 = Get-XenDomain web1
            $web2 = Get-XenDomain web2
            Suspend-XenDomain -Id $web1.Id
            Suspend-XenDomain -Uuid $web2.Uuid
            (Get-XenDomain 'web1', 'web2').State | Should -Be @('Paused', 'Paused')
        }
    }

    Context 'pipelines and errors' {
        It 'goes on past a name that matches nothing: web1 paused, one DomainNotFound error whose target is missing' {
            'web1', 'missing' | Suspend-XenDomain -ErrorVariable e -ErrorAction SilentlyContinue
            (Get-XenDomain web1).State | Should -Be 'Paused'
            $e.Count | Should -Be 1
            $e[0].FullyQualifiedErrorId | Should -BeLike 'DomainNotFound,*'
            $e[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $e[0].TargetObject | Should -Be 'missing'
        }

        It 'stops at the first error only when asked to (-ErrorAction Stop)' {
            { 'missing', 'web1' | Suspend-XenDomain -ErrorAction Stop } | Should -Throw -ErrorId 'DomainNotFound,*'
            (Get-XenDomain web1).State | Should -Be 'Running'
        }

        It 'pauses what Get-XenDomain sends it' {
            Get-XenDomain web* | Suspend-XenDomain -ThrottleLimit 1
            (Get-XenDomain web*).State | Should -Be @('Paused', 'Paused')
            (Get-XenDomain db1).State | Should -Be 'Running'
        }

        It 'reports xl''s own words when the pause fails, and pauses the others' {
            Set-XenSimulation -FailNext @{ Operation = 'Pause'; Message = 'libxl: error: simulated pause failure' }
            Suspend-XenDomain 'web1', 'web2', 'db1' -ThrottleLimit 1 -ErrorVariable e -ErrorAction SilentlyContinue
            $e.Count | Should -Be 1
            $e[0].FullyQualifiedErrorId | Should -BeLike 'XlCommandFailed,*'
            $e[0].Exception.Message | Should -BeLike "*xl pause*simulated pause failure*"
            @(Get-XenDomain -State Paused).Count | Should -Be 2
        }
    }

    Context 'common behaviour' {
        It 'changes nothing with -WhatIf' {
            $before = Get-DomainSnapshot -XenHost $xh
            Suspend-XenDomain 'web*', 'db1' -WhatIf
            Get-XenDomain | Suspend-XenDomain -WhatIf -ErrorAction SilentlyContinue
            Get-DomainSnapshot -XenHost $xh | Should -Be $before
        }

        It 'fans out over several hosts, and every output says its host' {
            $other = New-TestHost -Running 'web1' -NotDefault
            try {
                $paused = Suspend-XenDomain web1 -XenHost $xh, $other -PassThru
                @($paused.HostName | Sort-Object) | Should -Be @(@($xh.Name, $other.Name) | Sort-Object)
                $paused.State | Should -Be @('Paused', 'Paused')
            }
            finally {
                Disconnect-XenHost -XenHost $other
            }
        }

        It 'acts on the host each piped object came from' {
            $other = New-TestHost -Running 'web1' -NotDefault
            try {
                Get-XenDomain web1 -XenHost $other | Suspend-XenDomain
                (Get-XenDomain web1 -XenHost $other).State | Should -Be 'Paused'
                (Get-XenDomain web1 -XenHost $xh).State | Should -Be 'Running'
            }
            finally {
                Disconnect-XenHost -XenHost $other
            }
        }

        It 'completes domain names' {
            (TabExpansion2 -inputScript 'Suspend-XenDomain w' -cursorColumn 19).CompletionMatches.CompletionText | Should -Be @('web1', 'web2')
        }
    }
}

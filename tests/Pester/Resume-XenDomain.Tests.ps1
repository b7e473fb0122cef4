BeforeAll {
    . "$PSScriptRoot/common.ps1"
    . "$PSScriptRoot/TestHelpers.ps1"
}

Describe 'Resume-XenDomain' {
    BeforeEach {
        $xh = New-TestHost -Running 'web1', 'web2', 'db1' -Off 'spare'
        Suspend-XenDomain 'web1', 'web2', 'db1'
    }

    AfterEach {
        Disconnect-XenHost -XenHost $xh
    }

    Context 'unpausing' {
        It 'unpauses a domain (xl unpause) and emits nothing' {
            $id = (Get-XenDomain web1).Id
            $out = Resume-XenDomain web1
            $out | Should -BeNullOrEmpty
            $d = Get-XenDomain web1
            $d.State | Should -Be 'Running'
            $d.Id | Should -Be $id
        }

        It 'emits the running domain with -PassThru' {
            $d = Resume-XenDomain web1 -PassThru
            $d.Name | Should -Be 'web1'
            $d.State | Should -Be 'Running'
            $d.HostName | Should -Be $xh.Name
        }

        It 'leaves a running domain alone, without an error' {
            Resume-XenDomain web1
            Resume-XenDomain web1 -ErrorVariable e
            $e.Count | Should -Be 0
            (Get-XenDomain web1).State | Should -Be 'Running'
        }

        It 'refuses an Off domain with DomainNotRunning' {
            Resume-XenDomain spare -ErrorVariable e -ErrorAction SilentlyContinue
            $e.Count | Should -Be 1
            $e[0].FullyQualifiedErrorId | Should -BeLike 'DomainNotRunning,*'
            $e[0].TargetObject.Name | Should -Be 'spare'
        }

        It 'resumes a domain that was started paused' {
            Start-XenDomain spare -Paused
            Resume-XenDomain spare
            (Get-XenDomain spare).State | Should -Be 'Running'
        }
    }

    Context 'pipelines and errors' {
        It 'goes on past a name that matches nothing: one DomainNotFound error whose target is the name' {
            'web1', 'missing' | Resume-XenDomain -ErrorVariable e -ErrorAction SilentlyContinue
            (Get-XenDomain web1).State | Should -Be 'Running'
            $e.Count | Should -Be 1
            $e[0].FullyQualifiedErrorId | Should -BeLike 'DomainNotFound,*'
            $e[0].TargetObject | Should -Be 'missing'
        }

        It 'resumes what Get-XenDomain -State Paused sends it' {
            $resumed = Get-XenDomain -State Paused | Resume-XenDomain -PassThru
            @($resumed.Name | Sort-Object) | Should -Be @('db1', 'web1', 'web2')
            Get-XenDomain -State Paused | Should -BeNullOrEmpty
        }

        It 'reports xl''s own words when the unpause fails, and resumes the others' {
            Set-XenSimulation -FailNext @{ Operation = 'Unpause'; Message = 'libxl: error: simulated unpause failure' }
            Resume-XenDomain 'web1', 'web2', 'db1' -ThrottleLimit 1 -ErrorVariable e -ErrorAction SilentlyContinue
            $e.Count | Should -Be 1
            $e[0].FullyQualifiedErrorId | Should -BeLike 'XlCommandFailed,*'
            $e[0].Exception.Message | Should -BeLike '*simulated unpause failure*'
            @(Get-XenDomain -State Paused).Count | Should -Be 1
        }
    }

    Context 'common behaviour' {
        It 'changes nothing with -WhatIf' {
            $before = Get-DomainSnapshot -XenHost $xh
            Resume-XenDomain 'web*', 'db1' -WhatIf
            Get-XenDomain -State Paused | Resume-XenDomain -WhatIf
            Get-DomainSnapshot -XenHost $xh | Should -Be $before
        }

        It 'fans out over several hosts, and every output says its host' {
            $other = New-TestHost -Running 'web1' -NotDefault
            try {
                Suspend-XenDomain web1 -XenHost $other
                $resumed = Resume-XenDomain web1 -XenHost $xh, $other -PassThru
                @($resumed.HostName | Sort-Object) | Should -Be @(@($xh.Name, $other.Name) | Sort-Object)
                $resumed.State | Should -Be @('Running', 'Running')
            }
            finally {
                Disconnect-XenHost -XenHost $other
            }
        }

        It 'acts on the host each piped object came from' {
            $other = New-TestHost -Running 'web1' -NotDefault
            try {
                Suspend-XenDomain web1 -XenHost $other
                Get-XenDomain web1 -XenHost $other | Resume-XenDomain
                (Get-XenDomain web1 -XenHost $other).State | Should -Be 'Running'
                (Get-XenDomain web1 -XenHost $xh).State | Should -Be 'Paused'
            }
            finally {
                Disconnect-XenHost -XenHost $other
            }
        }

        It 'completes domain names' {
            (TabExpansion2 -inputScript 'Resume-XenDomain web' -cursorColumn 20).CompletionMatches.CompletionText | Should -Be @('web1', 'web2')
        }
    }
}

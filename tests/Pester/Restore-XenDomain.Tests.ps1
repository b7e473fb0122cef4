BeforeAll {
    . "$PSScriptRoot/common.ps1"
    . "$PSScriptRoot/TestHelpers.ps1"
}

Describe 'Restore-XenDomain' {
    BeforeEach {
        $xh = New-TestHost -Running 'web1', 'web2'
        $web1 = Get-XenDomain web1
        Save-XenDomain 'web1', 'web2' -Path '/var/lib/xen/save/'
    }

    AfterEach {
        Disconnect-XenHost -XenHost $xh
    }

    Context 'restoring' {
        It 'restores a saved domain (xl restore) and emits it: running, same uuid, a new domain id' {
            $d = Restore-XenDomain -Path '/var/lib/xen/save/web1.save'
            $d.Name | Should -Be 'web1'
            $d.State | Should -Be 'Running'
            $d.Uuid | Should -Be $web1.Uuid
            $d.Id | Should -Not -Be $web1.Id
            $d.HostName | Should -Be $xh.Name
            (Get-XenDomain web1).State | Should -Be 'Running'
        }

        It 'takes the path by position and from the pipeline' {
            (Restore-XenDomain '/var/lib/xen/save/web1.save').Name | Should -Be 'web1'
            ('/var/lib/xen/save/web2.save' | Restore-XenDomain).Name | Should -Be 'web2'
        }

        It 'leaves the restored domain paused with -Paused' {
            (Restore-XenDomain -Path '/var/lib/xen/save/web1.save' -Paused).State | Should -Be 'Paused'
            (Get-XenDomain web1).State | Should -Be 'Paused'
        }

        It 'uses another config file on the host with -ConfigPath' {
            (Restore-XenDomain -Path '/var/lib/xen/save/web1.save' -ConfigPath '/etc/xen/web1.cfg').State | Should -Be 'Running'
        }
    }

    Context 'failures' {
        It 'reports a save file that does not exist in xl''s words, with the path as target' {
            Restore-XenDomain -Path '/var/lib/xen/save/none.save' -ErrorVariable e -ErrorAction SilentlyContinue
            $e.Count | Should -Be 1
            $e[0].FullyQualifiedErrorId | Should -BeLike 'XlCommandFailed,*'
            $e[0].Exception.Message | Should -BeLike "*Can't open restore file*"
            $e[0].TargetObject | Should -Be '/var/lib/xen/save/none.save'
        }

        It 'goes on past a failing path' {
            $restored = Restore-XenDomain -Path '/var/lib/xen/save/none.save', '/var/lib/xen/save/web2.save' -ErrorVariable e -ErrorAction SilentlyContinue
            $restored.Name | Should -Be 'web2'
            $e.Count | Should -Be 1
        }

        It 'refuses to restore a domain whose name is running (DomainExists)' {
            $null = Restore-XenDomain -Path '/var/lib/xen/save/web1.save'
            Restore-XenDomain -Path '/var/lib/xen/save/web1.save' -ErrorVariable e -ErrorAction SilentlyContinue
            $e.Count | Should -Be 1
            $e[0].FullyQualifiedErrorId | Should -BeLike 'DomainExists,*'
            $e[0].Exception.Message | Should -BeLike '*already exists*'
        }

        It 'reports a failed xl restore' {
            Set-XenSimulation -FailNext @{ Operation = 'Restore'; Message = 'libxl: error: simulated restore failure' }
            Restore-XenDomain -Path '/var/lib/xen/save/web1.save' -ErrorVariable e -ErrorAction SilentlyContinue
            $e.Count | Should -Be 1
            $e[0].Exception.Message | Should -BeLike '*simulated restore failure*'
            (Get-XenDomain web1).State | Should -Be 'Off'
        }
    }

    Context 'common behaviour' {
        It 'changes nothing with -WhatIf' {
            $before = Get-DomainSnapshot -XenHost $xh
            Restore-XenDomain -Path '/var/lib/xen/save/web1.save', '/var/lib/xen/save/web2.save' -WhatIf
            Get-DomainSnapshot -XenHost $xh | Should -Be $before
        }

        It 'restores on the host given, not the default' {
            $other = New-TestHost -Running 'app1' -NotDefault
            try {
                Save-XenDomain app1 -XenHost $other -Path '/var/lib/xen/save/'
                $d = Restore-XenDomain -Path '/var/lib/xen/save/app1.save' -XenHost $other
                $d.HostName | Should -Be $other.Name
                Get-XenDomain app1 -XenHost $xh -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            }
            finally {
                Disconnect-XenHost -XenHost $other
            }
        }

        It 'shows restored domains in the domain table' {
            $text = Restore-XenDomain -Path '/var/lib/xen/save/web1.save' | Out-String -Width 200
            $text | Should -Match '(?m)^Name\s+Id\s+State\s+MemoryMB'
            $text | Should -Match '(?m)^web1\s+\d+\s+Running\s+128\s'
        }
    }
}

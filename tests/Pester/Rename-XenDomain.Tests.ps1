BeforeAll {
    . "$PSScriptRoot/common.ps1"
    . "$PSScriptRoot/TestHelpers.ps1"
}

Describe 'Rename-XenDomain' {
    BeforeEach {
        $xh = New-TestHost -Running 'web1', 'web2' -Off 'spare'
    }

    AfterEach {
        Disconnect-XenHost -XenHost $xh
    }

    Context 'renaming' {
        It 'renames a running domain (xl rename) and its config file; emits nothing' {
            $before = Get-XenDomain web1
            $out = Rename-XenDomain web1 -NewName front1
            $out | Should -BeNullOrEmpty
            $d = Get-XenDomain front1
            $d.State | Should -Be 'Running'
            $d.Id | Should -Be $before.Id
            $d.Uuid | Should -Be $before.Uuid
            $d.ConfigPath | Should -Be '/etc/xen/front1.cfg'
            (Get-XenDomainConfig front1).Name | Should -Be 'front1'
            Get-XenDomain web1 -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        }

        It 'takes the new name by position and emits the renamed domain with -PassThru' {
            $d = Rename-XenDomain web1 front1 -PassThru
            $d.Name | Should -Be 'front1'
            $d.HostName | Should -Be $xh.Name
        }

        It 'renames an Off domain: its config file' {
            Rename-XenDomain spare -NewName reserve
            $d = Get-XenDomain reserve
            $d.State | Should -Be 'Off'
            $d.ConfigPath | Should -Be '/etc/xen/reserve.cfg'
            Get-XenDomain spare -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        }

        It 'keeps the config file''s other lines as they were' {
            $before = Get-ConfigText -XenHost $xh -Name web1
            Rename-XenDomain web1 -NewName front1
            $beforeLines = @($before -split "`n")
            $afterLines = @((Get-ConfigText -XenHost $xh -Name front1) -split "`n")
            $afterLines.Count | Should -Be $beforeLines.Count
            for ($i = 0; $i -lt $beforeLines.Count; $i++) {
                if ($beforeLines[$i] -match '^name\s*=') {
                    $afterLines[$i] | Should -Match '^name\s*=\s*["'']front1["'']'
                }
                else {
                    $afterLines[$i] | Should -BeExactly $beforeLines[$i]
                }
            }
        }

        It 'moves the autostart link with the file' {
            Set-XenDomain web1 -AutoStart $true
            Rename-XenDomain web1 -NewName front1
            (Get-XenDomain front1).AutoStart | Should -BeTrue
        }
    }

    Context 'refusals' {
        It 'refuses a name whose config file exists (ConfigExists), changing nothing' {
            $before = Get-DomainSnapshot -XenHost $xh
            Rename-XenDomain web1 -NewName web2 -ErrorVariable e -ErrorAction SilentlyContinue
            $e.Count | Should -Be 1
            $e[0].FullyQualifiedErrorId | Should -BeLike 'ConfigExists,*'
            $e[0].TargetObject.Name | Should -Be 'web1'
            Get-DomainSnapshot -XenHost $xh | Should -Be $before
        }

        It 'refuses a new name outside the name rule before anything changes (an invalid invocation)' {
            $before = Get-DomainSnapshot -XenHost $xh
            { Rename-XenDomain web1 -NewName 'bad/name' } | Should -Throw -ErrorId 'InvalidDomainName,*'
            Get-DomainSnapshot -XenHost $xh | Should -Be $before
        }

        It 'renames one domain only: the others of a wildcard are AmbiguousRename errors' {
            Rename-XenDomain 'web*' -NewName front1 -ErrorVariable e -ErrorAction SilentlyContinue
            $e.Count | Should -Be 1
            $e[0].FullyQualifiedErrorId | Should -BeLike 'AmbiguousRename,*'
            (Get-XenDomain front1).State | Should -Be 'Running'
            @(Get-XenDomain web*).Count | Should -Be 1
        }

        It 'reports a name that matches nothing' {
            Rename-XenDomain missing -NewName other -ErrorVariable e -ErrorAction SilentlyContinue
            $e.Count | Should -Be 1
            $e[0].FullyQualifiedErrorId | Should -BeLike 'DomainNotFound,*'
            $e[0].TargetObject | Should -Be 'missing'
        }
    }

    Context 'all or nothing' {
        It 'renames the running domain back when its new config file cannot be written, and says so' {
            # Issue 13, case 4: the live domain stayed renamed and web1.cfg stayed, so Start-XenDomain web1
            # started a second copy on the same disks.
            $id = (Get-XenDomain web1).Id
            Set-XenSimulation -FailNext @{ Operation = 'WriteFile'; Message = 'sh: 1: cannot create /etc/xen/web9.cfg.tmp: No space left on device' }
            Rename-XenDomain web1 web9 -ErrorVariable e -ErrorAction SilentlyContinue
            $e.Count | Should -Be 1
            $e[0].TargetObject.Name | Should -Be 'web1'
            $e[0].Exception.Message | Should -BeLike "*renamed the running domain to web9; writing /etc/xen/web9.cfg failed:*No space left on device*; renamed it back.*"
            $d = Get-XenDomain web1
            $d.State | Should -Be 'Running'
            $d.Id | Should -Be $id
            $d.ConfigPath | Should -Be '/etc/xen/web1.cfg'
            Get-XenDomain web9 -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        }

        It 'puts everything back when the old config file cannot be removed' {
            Set-XenDomain web1 -AutoStart $true
            Set-XenSimulation -FailNext @{ Operation = 'DeleteFile'; Count = 1; Message = 'rm: cannot remove: Read-only file system' }
            Rename-XenDomain web1 web9 -ErrorVariable e -ErrorAction SilentlyContinue
            $e.Count | Should -Be 1
            $e[0].Exception.Message | Should -BeLike '*removing the autostart link /etc/xen/auto/web1.cfg failed*removed /etc/xen/auto/web9.cfg*removed /etc/xen/web9.cfg*renamed it back*'
            $d = Get-XenDomain web1
            $d.State | Should -Be 'Running'
            $d.AutoStart | Should -BeTrue
            Get-XenDomain web9 -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        }
    }

    Context 'common behaviour' {
        It 'changes nothing with -WhatIf' {
            $before = Get-DomainSnapshot -XenHost $xh
            Rename-XenDomain web1 -NewName front1 -WhatIf
            Rename-XenDomain spare -NewName reserve -WhatIf
            Get-DomainSnapshot -XenHost $xh | Should -Be $before
        }

        It 'acts on the host the piped object came from' {
            $other = New-TestHost -Running 'web1' -NotDefault
            try {
                Get-XenDomain web1 -XenHost $other | Rename-XenDomain -NewName front1
                (Get-XenDomain front1 -XenHost $other).State | Should -Be 'Running'
                (Get-XenDomain web1 -XenHost $xh).State | Should -Be 'Running'
            }
            finally {
                Disconnect-XenHost -XenHost $other
            }
        }

        It 'completes domain names' {
            (TabExpansion2 -inputScript 'Rename-XenDomain sp' -cursorColumn 19).CompletionMatches.CompletionText | Should -Be @('spare')
        }
    }
}

BeforeAll {
    . "$PSScriptRoot/common.ps1"
    . "$PSScriptRoot/TestHelpers.ps1"
}

Describe 'Save-XenDomain' {
    BeforeEach {
        $xh = New-TestHost -Running 'web1', 'web2', 'db1' -Off 'spare'
    }

    AfterEach {
        Disconnect-XenHost -XenHost $xh
    }

    Context 'saving' {
        It 'saves a domain to a file on the host and destroys it (xl save); emits nothing' {
            $out = Save-XenDomain web1 -Path '/var/lib/xen/save/web1.save'
            $out | Should -BeNullOrEmpty
            (Get-XenDomain web1).State | Should -Be 'Off'

            # The save file is on the (simulated) host: restoring it brings the domain back.
            (Restore-XenDomain -Path '/var/lib/xen/save/web1.save').State | Should -Be 'Running'
        }

        It 'emits the domain as it is afterwards with -PassThru' {
            $d = Save-XenDomain web1 -Path '/var/lib/xen/save/web1.save' -PassThru
            $d.Name | Should -Be 'web1'
            $d.State | Should -Be 'Off'
        }

        It 'keeps the domain running with -KeepRunning (a checkpoint)' {
            $id = (Get-XenDomain web1).Id
            $d = Save-XenDomain web1 -Path '/var/lib/xen/save/web1.save' -KeepRunning -PassThru
            $d.State | Should -Be 'Running'
            $d.Id | Should -Be $id

            Stop-XenDomain web1 -Force
            (Restore-XenDomain -Path '/var/lib/xen/save/web1.save').Name | Should -Be 'web1'
        }

        It 'leaves the domain paused with -LeavePaused' {
            (Save-XenDomain web1 -Path '/var/lib/xen/save/web1.save' -LeavePaused -PassThru).State | Should -Be 'Paused'
            (Get-XenDomain web1).State | Should -Be 'Paused'
        }

        It 'refuses -KeepRunning with -LeavePaused as an invalid invocation' {
            { Save-XenDomain web1 -Path '/var/lib/xen/save/web1.save' -KeepRunning -LeavePaused } | Should -Throw -ErrorId 'ConflictingSwitches,*'
            (Get-XenDomain web1).State | Should -Be 'Running'
        }

        It 'saves each domain to <folder>/<name>.save when -Path is a folder' {
            Get-XenDomain web* | Save-XenDomain -Path '/var/lib/xen/save'
            (Get-XenDomain web*).State | Should -Be @('Off', 'Off')
            $restored = Restore-XenDomain -Path '/var/lib/xen/save/web1.save', '/var/lib/xen/save/web2.save'
            $restored.Name | Should -Be @('web1', 'web2')
        }

        It 'takes a folder given with a trailing slash too' {
            Save-XenDomain 'web1', 'db1' -Path '/tmp/'
            (Restore-XenDomain -Path '/tmp/db1.save').Name | Should -Be 'db1'
        }
    }

    Context 'nothing is saved over' {
        It 'saves the first domain of a pipeline to one file and refuses the next (SaveFileInUse): it keeps running' {
            # Issue 13, case 3: web2 was saved over web1's image, and web1 was gone for good.
            Get-XenDomain web1, web2 | Save-XenDomain -Path '/var/lib/xen/save/all.save' -ErrorVariable e -ErrorAction SilentlyContinue
            $e.Count | Should -Be 1
            $e[0].FullyQualifiedErrorId | Should -BeLike 'SaveFileInUse,*'
            $e[0].TargetObject.Name | Should -Be 'web2'
            $e[0].Exception.Message | Should -BeLike "*web2*$($xh.Name)*/var/lib/xen/save/all.save*web1*"
            (Get-XenDomain web1).State | Should -Be 'Off'
            (Get-XenDomain web2).State | Should -Be 'Running'

            # The file is still web1's memory image.
            (Restore-XenDomain -Path '/var/lib/xen/save/all.save').Name | Should -Be 'web1'
        }

        It 'gives the file to the first domain of the pipeline even when saves run at once' {
            # The claim was made on worker threads: with a throttle, web2 could take the file from web1.
            foreach ($round in 1..3) {
                $file = "/var/lib/xen/save/first-$round.save"
                Get-XenDomain web1, web2, db1 | Where-Object State -EQ 'Running' | Save-XenDomain -Path $file -KeepRunning -ThrottleLimit 3 -ErrorVariable e -ErrorAction SilentlyContinue
                @($e.TargetObject.Name | Sort-Object) | Should -Be @('db1', 'web2')
                $e.Exception.Message | ForEach-Object { $_ | Should -BeLike "*save file of domain 'web1'*" }
            }
        }

        It 'refuses the same file for two domains even a few at a time with -Force' {
            Get-XenDomain web1, web2, db1 | Save-XenDomain -Path '/var/lib/xen/save/all.save' -Force -ThrottleLimit 3 -ErrorVariable e -ErrorAction SilentlyContinue
            $e.Count | Should -Be 2
            @($e | Where-Object FullyQualifiedErrorId -Like 'SaveFileInUse,*').Count | Should -Be 2
            @(Get-XenDomain web1, web2, db1 | Where-Object State -eq 'Running').Count | Should -Be 2
        }

        It 'never overwrites an existing save file without -Force (SaveFileExists), and overwrites it with -Force' {
            Save-XenDomain web1 -Path '/var/lib/xen/save/one.save'
            Save-XenDomain web2 -Path '/var/lib/xen/save/one.save' -ErrorVariable e -ErrorAction SilentlyContinue
            $e.Count | Should -Be 1
            $e[0].FullyQualifiedErrorId | Should -BeLike 'SaveFileExists,*'
            $e[0].Exception.Message | Should -BeLike '*/var/lib/xen/save/one.save*-Force*'
            (Get-XenDomain web2).State | Should -Be 'Running'

            Save-XenDomain web2 -Path '/var/lib/xen/save/one.save' -Force
            (Get-XenDomain web2).State | Should -Be 'Off'
            (Restore-XenDomain -Path '/var/lib/xen/save/one.save').Name | Should -Be 'web2'
        }

        It 'refuses a domain whose file in a folder exists already, and saves the others there' {
            Save-XenDomain web1 -Path '/var/lib/xen/save/web1.save' -KeepRunning
            Get-XenDomain web1, web2 | Save-XenDomain -Path '/var/lib/xen/save' -ErrorVariable e -ErrorAction SilentlyContinue
            $e.Count | Should -Be 1
            $e[0].FullyQualifiedErrorId | Should -BeLike 'SaveFileExists,*'
            $e[0].TargetObject.Name | Should -Be 'web1'
            (Get-XenDomain web1).State | Should -Be 'Running'
            (Get-XenDomain web2).State | Should -Be 'Off'
        }
    }

    Context 'failures' {
        It 'reports xl''s words for a folder that does not exist, and the domain keeps running' {
            Save-XenDomain web1 -Path '/no/such/folder/web1.save' -ErrorVariable e -ErrorAction SilentlyContinue
            $e.Count | Should -Be 1
            $e[0].FullyQualifiedErrorId | Should -BeLike 'XlCommandFailed,*'
            $e[0].Exception.Message | Should -BeLike '*/no/such/folder/web1.save*'
            $e[0].TargetObject.Name | Should -Be 'web1'
            (Get-XenDomain web1).State | Should -Be 'Running'
        }

        It 'refuses an Off domain with DomainNotRunning' {
            Save-XenDomain spare -Path '/var/lib/xen/save/spare.save' -ErrorVariable e -ErrorAction SilentlyContinue
            $e.Count | Should -Be 1
            $e[0].FullyQualifiedErrorId | Should -BeLike 'DomainNotRunning,*'
        }

        It 'goes on past a name that matches nothing' {
            'web1', 'missing' | Save-XenDomain -Path '/var/lib/xen/save/' -ErrorVariable e -ErrorAction SilentlyContinue
            (Get-XenDomain web1).State | Should -Be 'Off'
            $e.Count | Should -Be 1
            $e[0].FullyQualifiedErrorId | Should -BeLike 'DomainNotFound,*'
            $e[0].TargetObject | Should -Be 'missing'
        }

        It 'reports a failed xl save and saves the others' {
            Set-XenSimulation -FailNext @{ Operation = 'Save'; Message = 'libxl: error: simulated save failure' }
            Save-XenDomain 'web1', 'web2' -Path '/var/lib/xen/save/' -ThrottleLimit 1 -ErrorVariable e -ErrorAction SilentlyContinue
            $e.Count | Should -Be 1
            $e[0].Exception.Message | Should -BeLike '*simulated save failure*'
            @(Get-XenDomain web* | Where-Object State -EQ 'Off').Count | Should -Be 1
        }
    }

    Context 'common behaviour' {
        It 'changes nothing and writes no save file with -WhatIf' {
            $before = Get-DomainSnapshot -XenHost $xh
            Save-XenDomain web1 -Path '/var/lib/xen/save/web1.save' -WhatIf
            Get-XenDomain web* | Save-XenDomain -Path '/var/lib/xen/save/' -WhatIf
            Get-DomainSnapshot -XenHost $xh | Should -Be $before

            Restore-XenDomain -Path '/var/lib/xen/save/web1.save' -ErrorVariable e -ErrorAction SilentlyContinue
            $e.Count | Should -Be 1
            $e[0].Exception.Message | Should -BeLike "*Can't open restore file*"
        }

        It 'fans out over several hosts: each host saves its own domain to its own file system' {
            $other = New-TestHost -Running 'web1' -NotDefault
            try {
                $saved = Save-XenDomain web1 -XenHost $xh, $other -Path '/var/lib/xen/save/' -PassThru
                @($saved.HostName | Sort-Object) | Should -Be @(@($xh.Name, $other.Name) | Sort-Object)
                $restored = Restore-XenDomain -Path '/var/lib/xen/save/web1.save' -XenHost $xh, $other
                @($restored.HostName | Sort-Object) | Should -Be @(@($xh.Name, $other.Name) | Sort-Object)
            }
            finally {
                Disconnect-XenHost -XenHost $other
            }
        }

        It 'acts on the host each piped object came from' {
            $other = New-TestHost -Running 'web1' -NotDefault
            try {
                Get-XenDomain web1 -XenHost $other | Save-XenDomain -Path '/var/lib/xen/save/'
                (Get-XenDomain web1 -XenHost $other).State | Should -Be 'Off'
                (Get-XenDomain web1 -XenHost $xh).State | Should -Be 'Running'
            }
            finally {
                Disconnect-XenHost -XenHost $other
            }
        }

        It 'completes domain names' {
            (TabExpansion2 -inputScript 'Save-XenDomain db' -cursorColumn 17).CompletionMatches.CompletionText | Should -Be @('db1')
        }
    }
}

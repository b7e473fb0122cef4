BeforeAll {
    . "$PSScriptRoot/common.ps1"
    . "$PSScriptRoot/TestHelpers.ps1"
}

Describe 'Set-XenSimulation' {
    BeforeEach {
        $xh = New-TestHost -Running 'web1', 'web2'
    }

    AfterEach {
        Disconnect-XenHost -XenHost $xh
    }

    Context '-FailNext' {
        It 'fails the next call of an operation with the words given, then the operation works again' {
            Set-XenSimulation -FailNext @{ Operation = 'Pause'; Count = 1; Message = 'libxl: error: simulated: the guest refused to pause' }
            Suspend-XenDomain web1 -ErrorVariable e -ErrorAction SilentlyContinue
            $e.Count | Should -Be 1
            $e[0].FullyQualifiedErrorId | Should -BeLike 'XlCommandFailed,*'
            $e[0].Exception.Message | Should -BeLike '*the guest refused to pause*'
            $e[0].TargetObject.Name | Should -Be 'web1'
            (Get-XenDomain web1).State | Should -Be 'Running'

            Suspend-XenDomain web1
            (Get-XenDomain web1).State | Should -Be 'Paused'
        }

        It 'fails as many calls as Count says' {
            Set-XenSimulation -FailNext @{ Operation = 'Pause'; Count = 2 }
            Suspend-XenDomain 'web1', 'web2' -ErrorVariable e -ErrorAction SilentlyContinue
            $e.Count | Should -Be 2
            @($e.TargetObject.Name | Sort-Object) | Should -Be @('web1', 'web2')
            Suspend-XenDomain 'web1', 'web2'
            (Get-XenDomain web*).State | Should -Be @('Paused', 'Paused')
        }

        It 'uses a libxl-like message naming the operation when none is given' {
            Suspend-XenDomain web1
            Set-XenSimulation -FailNext @{ Operation = 'Unpause' }
            Resume-XenDomain web1 -ErrorVariable e -ErrorAction SilentlyContinue
            $e.Count | Should -Be 1
            $e[0].Exception.Message | Should -BeLike '*simulated failure of Unpause*'
            (Get-XenDomain web1).State | Should -Be 'Paused'
        }

        It 'raises what xl''s words mean: running out of memory is InsufficientMemory' {
            $null = New-TestDomain -XenHost $xh -Name spare -Off
            Set-XenSimulation -FailNext @{ Operation = 'CreateFromFile'; Message = 'libxl: error: libxl_dom.c:586:libxl__build_dom: xc_dom_boot_mem_init failed: Cannot allocate memory' }
            Start-XenDomain spare -ErrorVariable e -ErrorAction SilentlyContinue
            $e.Count | Should -Be 1
            $e[0].FullyQualifiedErrorId | Should -BeLike 'InsufficientMemory,*'
            $e[0].Exception.Message | Should -BeLike '*Cannot allocate memory*'
            (Get-XenDomain spare).State | Should -Be 'Off'
        }

        It 'takes several failures at once' {
            Set-XenSimulation -FailNext @{ Operation = 'Pause' }, @{ Operation = 'Destroy' }
            Suspend-XenDomain web1 -ErrorAction SilentlyContinue -ErrorVariable pauseErrors
            Stop-XenDomain web2 -Force -ErrorAction SilentlyContinue -ErrorVariable destroyErrors
            $pauseErrors.Count | Should -Be 1
            $destroyErrors.Count | Should -Be 1
            (Get-XenDomain web*).State | Should -Be @('Running', 'Running')
        }

        It 'refuses an operation the simulator does not have, naming the ones it has' {
            { Set-XenSimulation -FailNext @{ Operation = 'Explode' } } | Should -Throw -ErrorId 'InvalidArgument,*' -ExpectedMessage "*'Explode' is not a simulated operation*Shutdown*"
        }

        It 'refuses keys other than Operation, Count and Message' {
            { Set-XenSimulation -FailNext @{ Operation = 'Pause'; Times = 2 } } | Should -Throw -ErrorId 'InvalidArgument,*' -ExpectedMessage "*not 'Times'*"
        }

        It 'refuses a count that is not a whole number from 1' {
            { Set-XenSimulation -FailNext @{ Operation = 'Pause'; Count = 0 } } | Should -Throw -ErrorId 'InvalidArgument,*'
        }
    }

    Context '-LatencySeconds' {
        It 'makes an operation slow: a stop that waits less than that times out, and nothing changes' {
            Set-XenSimulation -LatencySeconds @{ Shutdown = 30 }
            Stop-XenDomain web1 -Wait -Timeout 1 -ErrorVariable e -ErrorAction SilentlyContinue
            $e.Count | Should -Be 1
            $e[0].FullyQualifiedErrorId | Should -BeLike 'OperationTimedOut,*'
            $e[0].CategoryInfo.Category | Should -Be 'OperationTimeout'
            (Get-XenDomain web1).State | Should -Be 'Running'
        }

        It 'removes a latency set to 0' {
            Set-XenSimulation -LatencySeconds @{ Shutdown = 30 }
            Set-XenSimulation -LatencySeconds @{ Shutdown = 0 }
            Stop-XenDomain web1 -Wait -Timeout 5
            (Get-XenDomain web1).State | Should -Be 'Off'
        }

        It 'refuses a negative latency' {
            { Set-XenSimulation -LatencySeconds @{ Shutdown = -1 } } | Should -Throw -ErrorId 'InvalidArgument,*'
        }
    }

    Context 'guest events' {
        It 'crashes a guest with -CrashDomain: its on_crash action (destroy by default) follows' {
            Set-XenSimulation -CrashDomain web1
            (Get-XenDomain web1).State | Should -Be 'Off'
            (Get-XenDomain web2).State | Should -Be 'Running'
        }

        It 'keeps a crashed guest whose on_crash is preserve, until it is destroyed' {
            $null = New-TestDomainFromConfig -XenHost $xh -Text @'
name = "fragile"
type = "pv"
kernel = "/boot/vmlinuz"
ramdisk = "/boot/initrd.img"
memory = 128
on_crash = "preserve"
'@
            Set-XenSimulation -CrashDomain fragile
            (Get-XenDomain fragile).State | Should -Be 'Crashed'

            Start-XenDomain fragile -ErrorVariable e -ErrorAction SilentlyContinue
            $e[0].FullyQualifiedErrorId | Should -BeLike 'DomainNotStartable,*'

            Stop-XenDomain fragile
            (Get-XenDomain fragile).State | Should -Be 'Off'
        }

        It 'powers a guest off from inside with -PowerOffDomain' {
            Set-XenSimulation -PowerOffDomain web2
            (Get-XenDomain web2).State | Should -Be 'Off'
            (Get-XenDomain web1).State | Should -Be 'Running'
        }

        It 'writes an error for a guest the host does not have' {
            Set-XenSimulation -CrashDomain missing -ErrorVariable e -ErrorAction SilentlyContinue
            $e.Count | Should -Be 1
            $e[0].FullyQualifiedErrorId | Should -BeLike 'DomainNotFound,*'
        }
    }

    Context 'hosts' {
        BeforeEach {
            $other = New-TestHost -Running 'web1' -NotDefault
        }

        AfterEach {
            Disconnect-XenHost -XenHost $other
        }

        It 'drives only the hosts it is given' {
            Set-XenSimulation -XenHost $other -FailNext @{ Operation = 'Pause' }
            Suspend-XenDomain web1
            Suspend-XenDomain web1 -XenHost $other -ErrorVariable e -ErrorAction SilentlyContinue
            (Get-XenDomain web1 -XenHost $xh).State | Should -Be 'Paused'
            (Get-XenDomain web1 -XenHost $other).State | Should -Be 'Running'
            $e.Count | Should -Be 1
        }

        It 'fans out over several hosts, and takes them by name' {
            Set-XenSimulation -XenHost $xh.Name, $other.Name -PowerOffDomain web1
            (Get-XenDomain web1 -XenHost $xh, $other).State | Should -Be @('Off', 'Off')
        }

        It 'takes the host of objects piped to it' {
            Get-XenDomain web1 -XenHost $other | Set-XenSimulation -CrashDomain web1
            (Get-XenDomain web1 -XenHost $other).State | Should -Be 'Off'
            (Get-XenDomain web1 -XenHost $xh).State | Should -Be 'Running'
        }
    }

    Context 'common behaviour' {
        It 'changes nothing with -WhatIf' {
            Set-XenSimulation -FailNext @{ Operation = 'Pause' } -LatencySeconds @{ Shutdown = 30 } -PowerOffDomain web2 -WhatIf
            (Get-XenDomain web2).State | Should -Be 'Running'
            Suspend-XenDomain web1
            (Get-XenDomain web1).State | Should -Be 'Paused'
            Stop-XenDomain web2 -Wait -Timeout 5
            (Get-XenDomain web2).State | Should -Be 'Off'
        }

        It 'removes every latency and pending failure with -Clear' {
            Set-XenSimulation -FailNext @{ Operation = 'Pause' } -LatencySeconds @{ Shutdown = 30 }
            Set-XenSimulation -Clear
            Suspend-XenDomain web1
            (Get-XenDomain web1).State | Should -Be 'Paused'
            Stop-XenDomain web2 -Wait -Timeout 5
            (Get-XenDomain web2).State | Should -Be 'Off'
        }

        It 'emits nothing' {
            Set-XenSimulation -LatencySeconds @{ Pause = 0 } | Should -BeNullOrEmpty
        }

        It 'refuses a call with nothing to change' {
            { Set-XenSimulation } | Should -Throw -ErrorId 'InvalidArgument,*'
        }
    }
}

BeforeAll {
    . "$PSScriptRoot/common.ps1"
    . "$PSScriptRoot/TestHelpers.ps1"

    # A domain with room to grow (maxmem, maxvcpus) and comments that must survive -Persist.
    $GrowableGuest = @'
# Application server: memory and vCPUs are changed at run time by the operators
name = "app1"
type = "pv"
kernel = "/boot/vmlinuz"    # the simulated Dom0's kernel
ramdisk = "/boot/initrd.img"
memory = 256
maxmem = 1024               # ceiling for xl mem-set
vcpus = 1
maxvcpus = 4
vif = [ 'bridge=xenbr0' ]
'@
}

Describe 'Set-XenDomain' {
    BeforeEach {
        $xh = New-TestHost -Running 'web1', 'web2' -Off 'spare'
        $null = New-TestDomainFromConfig -XenHost $xh -Text $GrowableGuest
    }

    AfterEach {
        Disconnect-XenHost -XenHost $xh
    }

    Context 'a running domain' {
        It 'changes memory live (xl mem-set) and emits nothing; the config file is left as it was' {
            $out = Set-XenDomain app1 -MemoryMB 512
            $out | Should -BeNullOrEmpty
            (Get-XenDomain app1).MemoryMB | Should -Be 512
            Get-ConfigText -XenHost $xh -Name app1 | Should -BeExactly $GrowableGuest
        }

        It 'also writes the change into the config file with -Persist, every other line and comment kept' {
            Set-XenDomain app1 -MemoryMB 512 -Persist
            (Get-XenDomain app1).MemoryMB | Should -Be 512
            $text = Get-ConfigText -XenHost $xh -Name app1
            $text | Should -BeExactly ($GrowableGuest -replace '(?m)^memory = 256$', 'memory = 512')
        }

        It 'emits the changed domain with -PassThru' {
            $d = Set-XenDomain app1 -MemoryMB 384 -PassThru
            $d.Name | Should -Be 'app1'
            $d.MemoryMB | Should -Be 384
            $d.HostName | Should -Be $xh.Name
        }

        It 'raises the ceiling before the target when both grow in one call' {
            Set-XenDomain app1 -MaxMemoryMB 1536 -MemoryMB 1280
            $d = Get-XenDomain app1
            $d.MaxMemoryMB | Should -Be 1536
            $d.MemoryMB | Should -Be 1280
        }

        It 'changes the online vCPUs (xl vcpu-set)' {
            Set-XenDomain app1 -VCpu 2
            (Get-XenDomain app1).VCpu | Should -Be 2
        }

        It 'reports xl''s refusal of more vCPUs than the host has CPUs, in xl''s words' {
            # The simulated host has 2 CPUs; xl refuses to overcommit them without --ignore-host.
            Set-XenDomain app1 -VCpu 3 -ErrorVariable e -ErrorAction SilentlyContinue
            $e.Count | Should -Be 1
            $e[0].FullyQualifiedErrorId | Should -BeLike 'VCpuOvercommit,*'
            $e[0].Exception.Message | Should -BeLike '*overcommmitting*'
            $e[0].TargetObject.Name | Should -Be 'app1'
            (Get-XenDomain app1).VCpu | Should -Be 1
        }

        It 'passes xl''s --ignore-host with -AllowOvercommit' {
            Set-XenDomain app1 -VCpu 3 -AllowOvercommit
            (Get-XenDomain app1).VCpu | Should -Be 3
        }

        It 'refuses -AllowOvercommit without -VCpu as an invalid invocation' {
            { Set-XenDomain app1 -MemoryMB 512 -AllowOvercommit } | Should -Throw -ErrorId 'OvercommitWithoutVCpu,*'
            (Get-XenDomain app1).MemoryMB | Should -Be 256
        }

        It 'refuses a cap the scheduler refuses (above 100 per vCPU), before changing anything' {
            Set-XenDomain app1 -MemoryMB 512 -Cap 99999 -ErrorVariable e -ErrorAction SilentlyContinue
            $e.Count | Should -Be 1
            $e[0].FullyQualifiedErrorId | Should -BeLike 'InvalidCap,*'
            $e[0].Exception.Message | Should -BeLike '*Cpu cap out of range, valid range is from 0 to 400*'
            (Get-XenDomain app1).MemoryMB | Should -Be 256
            Set-XenDomain app1 -Cap 400
        }

        It 'sets back what it changed live when a later step fails, and says so' {
            Set-XenSimulation -FailNext @{ Operation = 'SetVCpuCount'; Message = 'libxl_set_vcpuonline failed domid=5 max_vcpus=2, rc: -3' }
            Set-XenDomain app1 -MemoryMB 512 -VCpu 2 -ErrorVariable e -ErrorAction SilentlyContinue
            $e.Count | Should -Be 1
            $e[0].Exception.Message | Should -BeLike '*set the memory to 512 MiB; setting 2 vCPUs failed:*libxl_set_vcpuonline failed*; set the memory back to 256 MiB.*'
            $d = Get-XenDomain app1
            $d.MemoryMB | Should -Be 256
            $d.VCpu | Should -Be 1
        }

        It 'with -Persist, sets the live change back when the config file cannot be written' {
            Set-XenSimulation -FailNext @{ Operation = 'WriteFile'; Message = 'sh: 1: cannot create /etc/xen/app1.cfg.tmp: Read-only file system' }
            Set-XenDomain app1 -MemoryMB 512 -Persist -ErrorVariable e -ErrorAction SilentlyContinue
            $e.Count | Should -Be 1
            $e[0].Exception.Message | Should -BeLike '*set the memory to 512 MiB; writing /etc/xen/app1.cfg failed:*Read-only file system*; set the memory back to 256 MiB.*'
            (Get-XenDomain app1).MemoryMB | Should -Be 256
            Get-ConfigText -XenHost $xh -Name app1 | Should -BeExactly $GrowableGuest
        }

        It 'writes scheduler weight and cap into the config file with -Persist' {
            Set-XenDomain app1 -Weight 512 -Cap 50 -Persist
            $c = Get-XenDomainConfig app1
            $c['cpu_weight'] | Should -Be 512
            $c['cap'] | Should -Be 50
        }
    }

    Context 'an Off domain' {
        It 'changes its config file' {
            Set-XenDomain spare -MemoryMB 192
            (Get-XenDomainConfig spare).MemoryMB | Should -Be 192
            (Get-XenDomain spare).MemoryMB | Should -Be 192
            (Get-XenDomain spare).State | Should -Be 'Off'
        }

        It 'refuses a change xl would refuse (memory above maxmem), leaving the file as it was' {
            $before = Get-ConfigText -XenHost $xh -Name spare
            Set-XenDomain spare -MaxMemoryMB 64 -ErrorVariable e -ErrorAction SilentlyContinue
            $e.Count | Should -Be 1
            $e[0].FullyQualifiedErrorId | Should -BeLike 'InvalidConfig,*'
            Get-ConfigText -XenHost $xh -Name spare | Should -BeExactly $before
        }
    }

    Context 'what xl would refuse' {
        It 'refuses memory the host cannot give in an Off domain''s config file (MemoryExceedsHost), leaving the file as it was' {
            $before = Get-ConfigText -XenHost $xh -Name spare
            Set-XenDomain spare -MemoryMB 2147483647 -ErrorVariable e -ErrorAction SilentlyContinue
            $e.Count | Should -Be 1
            $e[0].FullyQualifiedErrorId | Should -BeLike 'MemoryExceedsHost,*'
            $e[0].Exception.Message | Should -BeLike "*2147483647 MiB*$($xh.Name)*Out of memory*"
            Get-ConfigText -XenHost $xh -Name spare | Should -BeExactly $before
        }

        It 'refuses a cap above 100 per vCPU in an Off domain''s config file' {
            Set-XenDomain spare -Cap 99999 -ErrorVariable e -ErrorAction SilentlyContinue
            $e[0].FullyQualifiedErrorId | Should -BeLike 'InvalidCap,*'
        }
    }

    Context 'autostart' {
        It 'manages the /etc/xen/auto link with -AutoStart' {
            Set-XenDomain web1 -AutoStart $true
            (Get-XenDomain web1).AutoStart | Should -BeTrue
            (Get-XenDomain web2).AutoStart | Should -BeFalse
            Set-XenDomain web1 -AutoStart $false
            (Get-XenDomain web1).AutoStart | Should -BeFalse
        }

        It 'works on Off domains too' {
            (Set-XenDomain spare -AutoStart $true -PassThru).AutoStart | Should -BeTrue
        }
    }

    Context 'invalid invocations' {
        It 'refuses a call with nothing to set' {
            { Set-XenDomain app1 } | Should -Throw -ErrorId 'NothingToSet,*'
        }

        It 'refuses -MemoryMB above -MaxMemoryMB before touching anything' {
            { Set-XenDomain app1 -MemoryMB 900 -MaxMemoryMB 512 } | Should -Throw -ErrorId 'MemoryAboveMaximum,*'
            (Get-XenDomain app1).MemoryMB | Should -Be 256
        }

        It 'refuses a weight out of range' {
            { Set-XenDomain app1 -Weight 0 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
        }
    }

    Context 'pipelines and many domains' {
        It 'changes what Get-XenDomain sends it' {
            Get-XenDomain web* | Set-XenDomain -AutoStart $true
            (Get-XenDomain web*).AutoStart | Should -Be @($true, $true)
        }

        It 'goes on past a name that matches nothing' {
            'web1', 'missing' | Set-XenDomain -AutoStart $true -ErrorVariable e -ErrorAction SilentlyContinue
            (Get-XenDomain web1).AutoStart | Should -BeTrue
            $e.Count | Should -Be 1
            $e[0].FullyQualifiedErrorId | Should -BeLike 'DomainNotFound,*'
            $e[0].TargetObject | Should -Be 'missing'
        }
    }

    Context 'common behaviour' {
        It 'changes nothing, live or in files, with -WhatIf' {
            $before = Get-DomainSnapshot -XenHost $xh
            $file = Get-ConfigText -XenHost $xh -Name app1
            Set-XenDomain app1 -MemoryMB 512 -VCpu 2 -Persist -WhatIf
            Set-XenDomain 'web*', 'spare' -AutoStart $true -WhatIf
            Set-XenDomain spare -MemoryMB 192 -WhatIf
            Get-DomainSnapshot -XenHost $xh | Should -Be $before
            Get-ConfigText -XenHost $xh -Name app1 | Should -BeExactly $file
        }

        It 'fans out over several hosts, and every output says its host' {
            $other = New-TestHost -Running 'web1' -NotDefault
            try {
                $changed = Set-XenDomain web1 -XenHost $xh, $other -AutoStart $true -PassThru
                @($changed.HostName | Sort-Object) | Should -Be @(@($xh.Name, $other.Name) | Sort-Object)
                $changed.AutoStart | Should -Be @($true, $true)
            }
            finally {
                Disconnect-XenHost -XenHost $other
            }
        }

        It 'acts on the host each piped object came from' {
            $other = New-TestHost -Running 'web1' -NotDefault
            try {
                Get-XenDomain web1 -XenHost $other | Set-XenDomain -AutoStart $true
                (Get-XenDomain web1 -XenHost $other).AutoStart | Should -BeTrue
                (Get-XenDomain web1 -XenHost $xh).AutoStart | Should -BeFalse
            }
            finally {
                Disconnect-XenHost -XenHost $other
            }
        }

        It 'completes domain names' {
            (TabExpansion2 -inputScript 'Set-XenDomain ap' -cursorColumn 16).CompletionMatches.CompletionText | Should -Be @('app1')
        }
    }
}

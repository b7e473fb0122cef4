BeforeAll {
    . "$PSScriptRoot/common.ps1"
    . "$PSScriptRoot/TestHelpers.ps1"
}

Describe 'New-XenDomain' {
    BeforeEach {
        $xh = New-TestHost -Running 'web1'
    }

    AfterEach {
        Disconnect-XenHost -XenHost $xh
    }

    Context 'from parameters' {
        # Pester expands <word> in test names from -ForEach data: no angle brackets here.
        It 'writes the config file (config directory/name.cfg) and returns the domain, Off' {
            $d = New-XenDomain app1 -MemoryMB 256 -Kernel '/boot/vmlinuz' -Ramdisk '/boot/initrd.img' -Network 'bridge=xenbr0'
            $d.GetType().FullName | Should -Be 'XenPS.XenDomain'
            $d.Name | Should -Be 'app1'
            $d.State | Should -Be 'Off'
            $d.ConfigPath | Should -Be '/etc/xen/app1.cfg'
            $d.HostName | Should -Be $xh.Name
            (Get-XenDomain app1).State | Should -Be 'Off'
        }

        It 'writes every value given into the config file, through the xl.cfg writer' {
            $null = New-XenDomain app1 -MemoryMB 256 -MaxMemoryMB 512 -VCpu 2 -MaxVCpu 4 -Type Pvh -Kernel '/boot/vmlinuz' -Ramdisk '/boot/initrd.img' -KernelArgs 'console=hvc0 root=/dev/xvda1' -Disk 'format=raw,vdev=xvda,access=rw,target=/srv/app1.img' -Network 'mac=00:16:3e:00:00:10,bridge=xenbr0'
            $c = Get-XenDomainConfig app1
            $c.Name | Should -Be 'app1'
            $c.MemoryMB | Should -Be 256
            $c.MaxMemoryMB | Should -Be 512
            $c.VCpu | Should -Be 2
            $c.MaxVCpu | Should -Be 4
            $c.Type | Should -Be 'Pvh'
            $c.Kernel | Should -Be '/boot/vmlinuz'
            $c.Ramdisk | Should -Be '/boot/initrd.img'
            $c.Cmdline | Should -Be 'console=hvc0 root=/dev/xvda1'
            $c.Disks.Count | Should -Be 1
            $c.Disks[0].Vdev | Should -Be 'xvda'
            $c.Disks[0].Target | Should -Be '/srv/app1.img'
            $c.Vifs[0].Mac | Should -Be '00:16:3e:00:00:10'
            $c.Vifs[0].Bridge | Should -Be 'xenbr0'
        }

        It 'makes a PV guest when a kernel is given and an HVM guest otherwise (xl''s defaults)' {
            (New-XenDomain pv1 -MemoryMB 128 -Kernel '/boot/vmlinuz').Type | Should -Be 'Pv'
            (New-XenDomain hvm1 -MemoryMB 128).Type | Should -Be 'Hvm'
        }

        It 'starts the domain with -Start, paused with -Start -Paused' {
            $d = New-XenDomain app1 -MemoryMB 128 -Kernel '/boot/vmlinuz' -Ramdisk '/boot/initrd.img' -Start
            $d.State | Should -Be 'Running'
            $d.Id | Should -BeGreaterThan 0
            $d.MemoryMB | Should -Be 128
            (New-XenDomain app2 -MemoryMB 128 -Kernel '/boot/vmlinuz' -Start -Paused).State | Should -Be 'Paused'
        }

        It 'refuses -Paused without -Start as an invalid invocation, writing nothing' {
            $before = Get-DomainSnapshot -XenHost $xh
            { New-XenDomain app1 -MemoryMB 128 -Kernel '/boot/vmlinuz' -Paused } | Should -Throw -ErrorId 'PausedWithoutStart,*'
            Get-DomainSnapshot -XenHost $xh | Should -Be $before
        }

        It 'refuses a name xl would refuse, writing nothing' {
            $before = Get-DomainSnapshot -XenHost $xh
            { New-XenDomain 'bad name/../x' -MemoryMB 128 } | Should -Throw
            { New-XenDomain '12345' -MemoryMB 128 } | Should -Throw
            Get-DomainSnapshot -XenHost $xh | Should -Be $before
        }

        It 'refuses a malformed disk spec, writing nothing' {
            $before = Get-DomainSnapshot -XenHost $xh
            { New-XenDomain app1 -MemoryMB 128 -Disk 'vdev=xvda,access=sideways,target=/srv/a.img' } | Should -Throw
            Get-DomainSnapshot -XenHost $xh | Should -Be $before
        }

        It 'refuses what xl would refuse (memory above maxmem) with InvalidConfig, writing nothing' {
            New-XenDomain app1 -MemoryMB 512 -MaxMemoryMB 256 -Kernel '/boot/vmlinuz' -ErrorVariable e -ErrorAction SilentlyContinue
            $e.Count | Should -Be 1
            $e[0].FullyQualifiedErrorId | Should -BeLike 'InvalidConfig,*'
            $e[0].Exception.Message | Should -BeLike '*maxmem*'
            Get-XenDomain app1 -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        }

        It 'refuses to overwrite an existing config file without -Force (DomainExists), and overwrites it with -Force' {
            $null = New-XenDomain app1 -MemoryMB 128 -Kernel '/boot/vmlinuz'
            New-XenDomain app1 -MemoryMB 256 -Kernel '/boot/vmlinuz' -ErrorVariable e -ErrorAction SilentlyContinue
            $e.Count | Should -Be 1
            $e[0].FullyQualifiedErrorId | Should -BeLike 'DomainExists,*'
            $e[0].Exception.Message | Should -BeLike "*'app1'*'$($xh.Name)'*/etc/xen/app1.cfg*-Force*"
            $e[0].CategoryInfo.Category | Should -Be 'ResourceExists'
            $e[0].TargetObject | Should -Be 'app1'
            (Get-XenDomainConfig app1).MemoryMB | Should -Be 128

            $null = New-XenDomain app1 -MemoryMB 256 -Kernel '/boot/vmlinuz' -Force
            (Get-XenDomainConfig app1).MemoryMB | Should -Be 256
        }

        It 'reports InsufficientMemory in xl''s words when -Start cannot get the memory' {
            New-XenDomain big -MemoryMB 2000 -Kernel '/boot/vmlinuz' -Start -ErrorVariable e -ErrorAction SilentlyContinue
            $e.Count | Should -Be 1
            $e[0].FullyQualifiedErrorId | Should -BeLike 'InsufficientMemory,*'
            $e[0].Exception.Message | Should -Match 'Out of memory|Cannot allocate memory'
            (Get-XenDomain big).State | Should -Be 'Off'
        }

        It 'says that a domain whose start failed exists, Off, with its config file' {
            Set-XenSimulation -FailNext @{ Operation = 'Create'; Message = 'libxl: error: libxl_create.c:1640:domcreate_launch_dm: Domain 5:Unable to add disk devices' }
            New-XenDomain app1 -MemoryMB 128 -Kernel '/boot/vmlinuz' -Start -ErrorVariable e -ErrorAction SilentlyContinue
            $e.Count | Should -Be 1
            $e[0].FullyQualifiedErrorId | Should -BeLike 'XlCommandFailed,*'
            $e[0].Exception.Message | Should -BeLike '*wrote its config file /etc/xen/app1.cfg; starting it failed:*Unable to add disk devices*exists, Off, with its config file /etc/xen/app1.cfg*Start-XenDomain app1*'
            $d = Get-XenDomain app1
            $d.State | Should -Be 'Off'
            $d.ConfigPath | Should -Be '/etc/xen/app1.cfg'
        }

        It 'reports a disk target missing on the host in xl''s words when started' {
            New-XenDomain app1 -MemoryMB 128 -Kernel '/boot/vmlinuz' -Disk 'format=raw,vdev=xvda,access=rw,target=/srv/missing.img' -Start -ErrorVariable e -ErrorAction SilentlyContinue
            $e.Count | Should -Be 1
            $e[0].Exception.Message | Should -BeLike '*/srv/missing.img*No such file or directory*'
            (Get-XenDomain app1).State | Should -Be 'Off'
        }
    }

    Context 'writes that fail or race' {
        It 'reports HostWriteFailed with the path and host when the write fails, and writes nothing' {
            Set-XenSimulation -FailNext @{ Operation = 'WriteFile'; Message = 'xenps-write: received 44 of 102 bytes' }
            New-XenDomain app1 -MemoryMB 128 -Kernel '/boot/vmlinuz' -ErrorVariable e -ErrorAction SilentlyContinue
            $e.Count | Should -Be 1
            $e[0].FullyQualifiedErrorId | Should -BeLike 'HostWriteFailed,*'
            $e[0].CategoryInfo.Category | Should -Be 'WriteError'
            $e[0].Exception.Message | Should -BeLike "*/etc/xen/app1.cfg*'$($xh.Name)'*unchanged*received 44 of 102 bytes*"
            Get-XenDomain app1 -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        }

        It 'lets exactly one of two processes create a name; the other gets DomainExists (latency injected)' {
            # Issue 13, case 2: a check before the write let 2-4 processes each be told "created".
            $state = Join-Path $TestDrive 'race.json'
            $shared = New-TestHost -Running @() -StatePath $state -NotDefault
            try {
                Set-XenSimulation -XenHost $shared -LatencySeconds @{ FileExists = 0.2; WriteFile = 0.2 }
                $children = foreach ($worker in 'A', 'B') {
                    $script = @"
`$ErrorActionPreference = 'Stop'
Import-Module -Name $(ConvertTo-PSLiteral (Get-TestModuleManifest))
`$c = Connect-XenHost -Simulated -Name $(ConvertTo-PSLiteral $shared.Name) -StatePath $(ConvertTo-PSLiteral $state) -NotDefault
foreach (`$i in 1..4) {
    `$null = New-XenDomain "race`$i" -MemoryMB 16 -Kernel '/boot/vmlinuz' -KernelArgs 'worker=$worker' -XenHost `$c -ErrorVariable e -ErrorAction SilentlyContinue
    if (`$e) { "lost race`$i `$(`$e[0].FullyQualifiedErrorId)" } else { "won race`$i" }
}
"@
                    $file = Join-Path $TestDrive "race-$worker.ps1"
                    Set-Content -LiteralPath $file -Value $script
                    $out = Join-Path $TestDrive "race-$worker.txt"
                    [pscustomobject]@{
                        Worker  = $worker
                        Out     = $out
                        Process = Start-Process -FilePath (Get-PwshPath) -ArgumentList '-NoProfile', '-NonInteractive', '-File', $file -RedirectStandardOutput $out -RedirectStandardError "$out.err" -PassThru
                    }
                }

                $children.Process | Wait-Process -Timeout 240
                foreach ($i in 1..4) {
                    $won = @($children | Where-Object { (Get-Content -LiteralPath $_.Out) -contains "won race$i" })
                    $lost = @($children | Where-Object { (Get-Content -LiteralPath $_.Out) -like "lost race$i DomainExists,*" })
                    $won.Count | Should -Be 1 -Because (($children | ForEach-Object { Get-Content -LiteralPath $_.Out, "$($_.Out).err" }) -join "`n")
                    $lost.Count | Should -Be 1
                    (Get-XenDomainConfig "race$i" -XenHost $shared).Cmdline | Should -Be "worker=$($won[0].Worker)"
                }
            }
            finally {
                Disconnect-XenHost -XenHost $shared
            }
        }
    }

    Context 'from a config' {
        It 'creates a domain from ConvertFrom-XenConfig output on the pipeline, comments kept in the file' {
            $text = @'
# Front-end web server (kept by XenPS)
name = "front1"
type = "pv"
kernel = "/boot/vmlinuz"   # the simulated Dom0's kernel
ramdisk = "/boot/initrd.img"
memory = 192
vif = [ 'bridge=xenbr0' ]
'@
            $d = ConvertFrom-XenConfig -Content $text | New-XenDomain -Start
            $d.Name | Should -Be 'front1'
            $d.State | Should -Be 'Running'
            $d.MemoryMB | Should -Be 192
            Get-ConfigText -XenHost $xh -Name front1 | Should -Be $text
        }

        It 'writes a fixture config byte for byte' {
            $path = Join-Path $ConfigFixtures 'cirros-001.cfg'
            $d = ConvertFrom-XenConfig -Path $path | New-XenDomain
            $d.Name | Should -Be 'cirros-001'
            $d.MaxMemoryMB | Should -Be 1024
            Get-ConfigText -XenHost $xh -Name cirros-001 | Should -BeExactly (Get-Content -LiteralPath $path -Raw)
        }

        It 'refuses a config xl would refuse, in xl''s words, writing nothing' {
            ConvertFrom-XenConfig -Path (Join-Path $ConfigFixtures 'centos-001-install.cfg') | New-XenDomain -ErrorVariable e -ErrorAction SilentlyContinue
            $e.Count | Should -Be 1
            $e[0].FullyQualifiedErrorId | Should -BeLike 'InvalidConfig,*'
            $e[0].Exception.Message | Should -BeLike '*Unknown on_reboot action "shutdown" specified*'
            Get-XenDomain centos-001 -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        }

        It 'copies a config file on the host with -ConfigPath' {
            $null = New-TestDomain -XenHost $xh -Name tmpl -Off
            New-XenDomain -ConfigPath '/etc/xen/tmpl.cfg' -ErrorVariable e -ErrorAction SilentlyContinue
            $e[0].FullyQualifiedErrorId | Should -BeLike 'DomainExists,*'
            (New-XenDomain -ConfigPath '/etc/xen/tmpl.cfg' -Force -Start).State | Should -Be 'Running'
        }

        It 'reports a -ConfigPath that does not exist on the host, with the path as target' {
            $before = Get-DomainSnapshot -XenHost $xh
            New-XenDomain -ConfigPath '/etc/xen/none.cfg' -ErrorVariable e -ErrorAction SilentlyContinue
            $e.Count | Should -Be 1
            $e[0].TargetObject | Should -Be '/etc/xen/none.cfg'
            $e[0].Exception.Message | Should -BeLike '*/etc/xen/none.cfg*'
            Get-DomainSnapshot -XenHost $xh | Should -Be $before
        }
    }

    Context 'common behaviour' {
        It 'writes no config file and starts nothing with -WhatIf' {
            $before = Get-DomainSnapshot -XenHost $xh
            New-XenDomain app1 -MemoryMB 128 -Kernel '/boot/vmlinuz' -Start -WhatIf
            New-XenDomain web1 -MemoryMB 256 -Kernel '/boot/vmlinuz' -Force -WhatIf
            Get-DomainSnapshot -XenHost $xh | Should -Be $before
            Get-XenDomainConfig app1 -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            (Get-XenDomainConfig web1).MemoryMB | Should -Be 128
        }

        It 'fans out over several hosts, and every output says its host' {
            $other = Connect-TestHost -NotDefault
            try {
                $made = New-XenDomain app1 -MemoryMB 128 -Kernel '/boot/vmlinuz' -XenHost $xh, $other
                @($made.HostName | Sort-Object) | Should -Be @(@($xh.Name, $other.Name) | Sort-Object)
                (Get-XenDomain app1 -XenHost $xh, $other).State | Should -Be @('Off', 'Off')
            }
            finally {
                Disconnect-XenHost -XenHost $other
            }
        }
    }
}

BeforeAll {
    . "$PSScriptRoot/common.ps1"
    . "$PSScriptRoot/TestHelpers.ps1"
}

# The journey an operator makes with a new guest, one step after the other, on one simulated host:
# create -> start -> pause -> resume -> save -> restore -> stop -> remove.
Describe 'A domain''s life on a simulated host' {
    BeforeAll {
        $xh = Connect-XenHost -Simulated -Name (New-TestName -Prefix 'journey')
        $freeAtStart = (Get-XenHost -XenHost $xh).FreeMemoryMB
    }

    AfterAll {
        Disconnect-XenHost -XenHost $xh
    }

    It 'creates the domain: a config file, Off' {
        $d = New-XenDomain -XenHost $xh -Name journey1 -MemoryMB 256 -VCpu 2 -Kernel '/boot/vmlinuz' -Ramdisk '/boot/initrd.img' -KernelArgs 'console=hvc0' -Network 'bridge=xenbr0'
        $d.State | Should -Be 'Off'
        $d.ConfigPath | Should -Be '/etc/xen/journey1.cfg'
        (Test-XenDomainConfig -InputObject (Get-XenDomainConfig journey1 -XenHost $xh)).IsValid | Should -BeTrue
    }

    It 'starts it' {
        $d = Start-XenDomain journey1 -XenHost $xh -PassThru
        $d.State | Should -Be 'Running'
        $d.VCpu | Should -Be 2
        $script:uuidWhenStarted = $d.Uuid
        (Get-XenHost -XenHost $xh).FreeMemoryMB | Should -Be ($freeAtStart - 256)
    }

    It 'pauses it' {
        (Suspend-XenDomain journey1 -XenHost $xh -PassThru).State | Should -Be 'Paused'
    }

    It 'resumes it' {
        (Resume-XenDomain journey1 -XenHost $xh -PassThru).State | Should -Be 'Running'
    }

    It 'saves it to a file on the host, which frees its memory' {
        Save-XenDomain journey1 -XenHost $xh -Path '/var/lib/xen/save/journey1.save'
        (Get-XenDomain journey1 -XenHost $xh).State | Should -Be 'Off'
        (Get-XenHost -XenHost $xh).FreeMemoryMB | Should -Be $freeAtStart
    }

    It 'restores it from that file: the same guest (uuid), running again' {
        $d = Restore-XenDomain -XenHost $xh -Path '/var/lib/xen/save/journey1.save'
        $d.Name | Should -Be 'journey1'
        $d.Uuid | Should -Be $script:uuidWhenStarted
        $d.State | Should -Be 'Running'
    }

    It 'stops it' {
        Stop-XenDomain journey1 -XenHost $xh -Wait -Timeout 30
        (Get-XenDomain journey1 -XenHost $xh).State | Should -Be 'Off'
    }

    It 'removes it: no domain, no config file' {
        Remove-XenDomain journey1 -XenHost $xh -Confirm:$false
        Get-XenDomain journey1 -XenHost $xh -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $e[0].FullyQualifiedErrorId | Should -BeLike 'DomainNotFound,*'
        (Get-XenDomain -XenHost $xh).Name | Should -Be 'Domain-0'
    }
}

BeforeAll {
    . "$PSScriptRoot/common.ps1"
    . "$PSScriptRoot/TestHelpers.ps1"

    function Get-DiskSnapshot($XenHost) {
        (Get-XenDomain -XenHost $XenHost | Where-Object Id -ne 0 | Get-XenDisk | ForEach-Object { '{0}:{1}:{2}' -f $_.DomainName, $_.Vdev, $_.Target }) -join ','
    }
}

Describe 'Add-XenDisk' {
    BeforeEach {
        $xh = New-TestHost -Running 'web1', 'web2', 'db1' -Off 'spare'
        $img = (New-XenDiskImage -Path /var/lib/xen/images/data.img -SizeGB 2).Path
    }

    AfterEach {
        Disconnect-XenHost -XenHost $xh
    }

    It 'attaches the image live at the next free xvd device and emits nothing; the config file stays as it was' {
        $before = Get-ConfigText -XenHost $xh -Name web1
        Add-XenDisk web1 -Path $img | Should -BeNullOrEmpty
        (Get-XenDisk web1).Vdev | Should -Be 'xvda'
        Add-XenDisk web1 -Path $img -ReadOnly
        (Get-XenDisk web1 -Vdev xvdb).Access | Should -Be 'ro'
        Get-ConfigText -XenHost $xh -Name web1 | Should -BeExactly $before
    }

    It 'emits the new disk with -PassThru' {
        $d = Add-XenDisk web1 -Path $img -Vdev xvdf -Format raw -PassThru
        $d.Vdev | Should -Be 'xvdf'
        $d.Target | Should -Be $img
        $d.DomainName | Should -Be 'web1'
    }

    It 'with -Persist also appends the disk to the config file, every other line kept' {
        $before = Get-ConfigText -XenHost $xh -Name web1
        Add-XenDisk web1 -Path $img -Persist
        (Get-XenDisk web1).Target | Should -Be $img
        Get-ConfigText -XenHost $xh -Name web1 | Should -BeExactly ($before + "disk = [ `"format=raw, vdev=xvda, access=rw, target=$img`" ]`n")
        Stop-XenDomain web1 -Force -Confirm:$false
        Start-XenDomain web1
        (Get-XenDisk web1).Target | Should -Be $img
    }

    It 'refuses an Off domain without -Persist (PersistRequired), and with -Persist changes only its file' {
        Add-XenDisk spare -Path $img -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -BeLike 'PersistRequired*'
        "$($e[0])" | Should -Match '-Persist'
        Get-XenDisk spare | Should -BeNullOrEmpty

        Add-XenDisk spare -Path $img -Persist
        (Get-XenDomain spare).State | Should -Be 'Off'
        (Get-XenDisk spare).Target | Should -Be $img
    }

    It 'refuses a target the host does not have before xl runs, naming the path and the host' {
        Add-XenDisk web1 -Path /var/lib/xen/images/nothing.img -Persist -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -BeLike 'TargetNotFound*'
        "$($e[0])" | Should -Match '/var/lib/xen/images/nothing.img'
        "$($e[0])" | Should -Match ([regex]::Escape($xh.Name))
        Get-XenDisk web1 | Should -BeNullOrEmpty
        Get-ConfigText -XenHost $xh -Name web1 | Should -Not -Match 'nothing.img'
    }

    It 'takes a whole xl disk spec with -Spec, and refuses -Spec mixed with -Path' {
        Add-XenDisk web1 -Spec "format=raw, vdev=xvdd, access=ro, target=$img"
        (Get-XenDisk web1).Vdev | Should -Be 'xvdd'
        { Add-XenDisk web1 -Spec "target=$img" -Path $img -ErrorAction Stop } | Should -Throw -ErrorId 'SpecWithOptions*'
    }

    It 'attaches to every domain piped from Get-XenDomain, each on its own' {
        Get-XenDomain web* | Add-XenDisk -Path $img -ReadOnly
        (Get-XenDisk web1).Target | Should -Be $img
        (Get-XenDisk web2).Target | Should -Be $img
        Get-XenDisk db1 | Should -BeNullOrEmpty
    }

    It 'changes nothing with -WhatIf, and says which of the domain and the file would change' {
        $before = Get-DiskSnapshot $xh
        $file = Get-ConfigText -XenHost $xh -Name web1
        Add-XenDisk web1 -Path $img -Persist -WhatIf
        Get-DiskSnapshot $xh | Should -Be $before
        Get-ConfigText -XenHost $xh -Name web1 | Should -BeExactly $file
    }

    It 'says under -WhatIf which of the running domain and the config file would change' {
        $r = Invoke-ChildPwsh -Script @'
$lab = Connect-XenHost -Simulated -Name lab
$null = New-XenDomain web1 -MemoryMB 128 -Kernel /boot/vmlinuz -Start
$null = New-XenDomain spare -MemoryMB 128 -Kernel /boot/vmlinuz
$null = New-XenDiskImage /var/lib/xen/images/d.img 1
Add-XenDisk web1 -Path /var/lib/xen/images/d.img -WhatIf
Add-XenDisk web1 -Path /var/lib/xen/images/d.img -Persist -WhatIf
Add-XenDisk spare -Path /var/lib/xen/images/d.img -Persist -WhatIf
'@
        $r.ExitCode | Should -Be 0
        $r.Output[0] | Should -BeLike "What if: Attach disk '/var/lib/xen/images/d.img' as the next free device to domain 'web1' on host 'lab': the running domain only (not its config file*"
        $r.Output[1] | Should -Be "What if: Attach disk '/var/lib/xen/images/d.img' as the next free device to domain 'web1' on host 'lab': the running domain and its config file /etc/xen/web1.cfg."
        $r.Output[2] | Should -Be "What if: Attach disk '/var/lib/xen/images/d.img' as the next free device to domain 'spare' on host 'lab': its config file /etc/xen/spare.cfg only (the domain is Off)."
    }

    It 'refuses Domain-0 (the host itself)' {
        Add-XenDisk -Id 0 -Path $img -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -BeLike 'DomainProtected*'
    }
}

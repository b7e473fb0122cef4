BeforeAll {
    . "$PSScriptRoot/common.ps1"
    . "$PSScriptRoot/TestHelpers.ps1"
}

Describe 'Remove-XenDisk' {
    BeforeEach {
        $xh = New-TestHost -Running 'web1', 'web2'
        $img = (New-XenDiskImage -Path /var/lib/xen/images/data.img -SizeGB 1).Path
        Add-XenDisk web1 -Path $img -ReadOnly -Persist
        Add-XenDisk web1 -Path $img -ReadOnly
        Add-XenDisk web2 -Path $img -ReadOnly
    }

    AfterEach {
        Disconnect-XenHost -XenHost $xh
    }

    It 'detaches every disk piped from Get-XenDisk, of that domain only, and keeps the image' {
        Get-XenDisk web1 | Remove-XenDisk -Confirm:$false
        Get-XenDisk web1 | Should -BeNullOrEmpty
        (Get-XenDisk web2).Vdev | Should -Be 'xvda'
        (New-XenDiskImage -Path $img -SizeGB 1 -ErrorAction SilentlyContinue -ErrorVariable e) | Should -BeNullOrEmpty
        $e[0].FullyQualifiedErrorId | Should -BeLike 'DiskImageExists*'
    }

    It 'detaches the one disk a Where-Object picks' {
        Get-XenDisk web1 | Where-Object Vdev -eq 'xvdb' | Remove-XenDisk -Confirm:$false
        (Get-XenDisk web1).Vdev | Should -Be 'xvda'
    }

    It 'detaches by -Name and -Vdev; the running domain only, unless -Persist' {
        $file = Get-ConfigText -XenHost $xh -Name web1
        Remove-XenDisk web1 -Vdev xvda -Confirm:$false
        (Get-XenDisk web1).Vdev | Should -Be 'xvdb'
        Get-ConfigText -XenHost $xh -Name web1 | Should -BeExactly $file
    }

    It 'with -Persist also removes it from the config file, every other byte kept' {
        $file = Get-ConfigText -XenHost $xh -Name web1
        Remove-XenDisk web1 -Vdev xvda -Persist -Force -Confirm:$false
        Get-ConfigText -XenHost $xh -Name web1 | Should -BeExactly ($file -replace '"format=raw, vdev=xvda, access=ro, target=/var/lib/xen/images/data.img" ', '')
    }

    It 'acts on the disk''s own host: the same domain name elsewhere is not touched' {
        $other = New-TestHost -Running 'web1' -NotDefault
        try {
            $null = New-XenDiskImage -XenHost $other -Path $img -SizeGB 1
            Add-XenDisk web1 -XenHost $other -Path $img
            Get-XenDisk web1 -XenHost $other | Remove-XenDisk -Confirm:$false
            Get-XenDisk web1 -XenHost $other | Should -BeNullOrEmpty
            @(Get-XenDisk web1).Count | Should -Be 2
        }
        finally {
            Disconnect-XenHost -XenHost $other
        }
    }

    It 'reports a vdev the domain does not have in xl''s words' {
        Remove-XenDisk web1 -Vdev xvdz -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
        "$($e[0])" | Should -Match 'xvdz not connected'
        @(Get-XenDisk web1).Count | Should -Be 2
    }

    It 'says under -WhatIf that the image is kept, and that only the running domain changes' {
        $r = Invoke-ChildPwsh -Script @'
$lab = Connect-XenHost -Simulated -Name lab
$null = New-XenDomain web1 -MemoryMB 128 -Kernel /boot/vmlinuz -Start
$null = New-XenDiskImage /var/lib/xen/images/d.img 1
Add-XenDisk web1 -Path /var/lib/xen/images/d.img
Get-XenDisk web1 | Remove-XenDisk -Force -WhatIf
'@
        $r.Output[0] | Should -BeLike "What if: Detach disk xvda ('/var/lib/xen/images/d.img', the image is kept) by force (xl block-detach --force) from domain 'web1' on host 'lab': the running domain only*"
    }

    It 'changes nothing with -WhatIf and says the image is kept' {
        $file = Get-ConfigText -XenHost $xh -Name web1
        Get-XenDisk web1 | Remove-XenDisk -Persist -WhatIf
        Get-ConfigText -XenHost $xh -Name web1 | Should -BeExactly $file
        @(Get-XenDisk web1).Count | Should -Be 2
    }
}

BeforeAll {
    . "$PSScriptRoot/common.ps1"
    . "$PSScriptRoot/TestHelpers.ps1"
}

Describe 'New-XenDiskImage' {
    BeforeEach {
        $xh = Connect-TestHost
    }

    AfterEach {
        Disconnect-XenHost -XenHost $xh
    }

    It 'makes a sparse raw image and reports its size and allocation' {
        $i = New-XenDiskImage -Path /var/lib/xen/images/data.img -SizeGB 4
        $i.Path | Should -Be '/var/lib/xen/images/data.img'
        $i.Format | Should -Be 'raw'
        $i.SizeGB | Should -Be 4
        $i.AllocatedBytes | Should -Be 0
        $i.HostName | Should -Be $xh.Name
        (New-XenDiskImage -Path /var/lib/xen/images/full.img -SizeGB 0.5 -Preallocate).AllocatedBytes | Should -Be 512MB
    }

    It 'makes a qcow2 image' {
        $i = New-XenDiskImage /var/lib/xen/images/vm.qcow2 10 -Format qcow2
        $i.Format | Should -Be 'qcow2'
        $i.SizeGB | Should -Be 10
    }

    It 'never overwrites a file' {
        $null = New-XenDiskImage -Path /var/lib/xen/images/data.img -SizeGB 1
        New-XenDiskImage -Path /var/lib/xen/images/data.img -SizeGB 2 -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $e[0].FullyQualifiedErrorId | Should -BeLike 'DiskImageExists*'
        New-XenDiskImage -Path /etc/xen -SizeGB 1 -ErrorVariable dir -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $dir[0].FullyQualifiedErrorId | Should -BeLike 'DiskImageExists*'
    }

    It 'refuses a relative path and a missing folder' {
        New-XenDiskImage -Path data.img -SizeGB 1 -ErrorVariable rel -ErrorAction SilentlyContinue
        $rel[0].FullyQualifiedErrorId | Should -BeLike 'InvalidImagePath*'
        New-XenDiskImage -Path /nowhere/data.img -SizeGB 1 -ErrorVariable missing -ErrorAction SilentlyContinue
        "$($missing[0])" | Should -Match 'nonexistent directory'
    }

    It 'makes an image that New-XenDomain -Disk can then use' {
        $i = New-XenDiskImage -Path /var/lib/xen/images/web9.img -SizeGB 8
        New-XenDomain -Name web9 -MemoryMB 128 -Kernel /boot/vmlinuz -Disk "format=raw, vdev=xvda, access=rw, target=$($i.Path)" -Start | Out-Null
        (Get-XenDisk web9).Target | Should -Be $i.Path
    }

    It 'creates nothing with -WhatIf' {
        New-XenDiskImage -Path /var/lib/xen/images/data.img -SizeGB 1 -WhatIf | Should -BeNullOrEmpty
        (New-XenDiskImage -Path /var/lib/xen/images/data.img -SizeGB 1).Path | Should -Be '/var/lib/xen/images/data.img'
    }
}

BeforeAll {
    . "$PSScriptRoot/common.ps1"
    . "$PSScriptRoot/TestHelpers.ps1"
}

Describe 'Set-XenDisk' {
    BeforeEach {
        $xh = New-TestHost -Running 'web1'
        $iso = (New-XenDiskImage -Path /var/lib/xen/images/debian.iso -SizeGB 0.6).Path
        $null = New-TestDomainFromConfig -XenHost $xh -Text "name = 'win1'`ntype = 'hvm'`nmemory = 256`ndisk = [ 'vdev=hdc, devtype=cdrom' ]`n"
    }

    AfterEach {
        Disconnect-XenHost -XenHost $xh
    }

    It 'inserts a medium into an HVM guest''s CD-ROM drive (xl cd-insert) and ejects it (xl cd-eject)' {
        Set-XenDisk win1 -Vdev hdc -Path $iso | Should -BeNullOrEmpty
        (Get-XenDisk win1 -Vdev hdc).Target | Should -Be $iso
        Set-XenDisk win1 -Vdev hdc -Eject
        (Get-XenDisk win1 -Vdev hdc).Target | Should -BeNullOrEmpty
    }

    It 'changes the drive piped from Get-XenDisk and emits it with -PassThru' {
        $d = Get-XenDisk win1 | Where-Object IsCdRom | Set-XenDisk -Path $iso -PassThru
        $d.Vdev | Should -Be 'hdc'
        $d.Target | Should -Be $iso
    }

    It 'reports a PV guest''s refusal in xl''s words, and a missing ISO before xl runs' {
        $null = New-XenDiskImage -Path /var/lib/xen/images/d.img -SizeGB 1
        Add-XenDisk web1 -Path /var/lib/xen/images/d.img
        Set-XenDisk web1 -Vdev xvda -Path $iso -ErrorVariable pv -ErrorAction SilentlyContinue
        "$($pv[0])" | Should -Match 'requires an HVM domain'
        Set-XenDisk win1 -Vdev hdc -Path /var/lib/xen/images/none.iso -ErrorVariable missing -ErrorAction SilentlyContinue
        $missing[0].FullyQualifiedErrorId | Should -BeLike 'TargetNotFound*'
    }

    It 'needs exactly one of -Path and -Eject' {
        { Set-XenDisk win1 -Vdev hdc -ErrorAction Stop } | Should -Throw -ErrorId 'PathOrEject*'
    }

    It 'changes nothing with -WhatIf' {
        Set-XenDisk win1 -Vdev hdc -Path $iso -WhatIf
        (Get-XenDisk win1 -Vdev hdc).Target | Should -BeNullOrEmpty
    }
}

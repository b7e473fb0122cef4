BeforeAll {
    . "$PSScriptRoot/common.ps1"
    . "$PSScriptRoot/TestHelpers.ps1"
}

Describe 'Get-XenDisk' {
    BeforeEach {
        $xh = New-TestHost -Running 'web1', 'web2' -Off 'spare'
        $null = New-XenDiskImage -Path /var/lib/xen/images/web1.img -SizeGB 1
        $null = New-XenDiskImage -Path /var/lib/xen/images/spare.img -SizeGB 1
        Add-XenDisk web1 -Path /var/lib/xen/images/web1.img
        Add-XenDisk spare -Path /var/lib/xen/images/spare.img -Persist
    }

    AfterEach {
        Disconnect-XenHost -XenHost $xh
    }

    It 'lists a running domain''s disks with the target that xl block-list does not print' {
        $d = Get-XenDisk web1
        $d.Vdev | Should -Be 'xvda'
        $d.Target | Should -Be '/var/lib/xen/images/web1.img'
        $d.Format | Should -Be 'raw'
        $d.Access | Should -Be 'rw'
        $d.DeviceId | Should -Be 51712
        $d.State | Should -Be 'Connected'
        $d.State.GetType().FullName | Should -Be 'XenPS.XenBusState'
        $d.DomainId | Should -Be (Get-XenDomain web1).Id
        $d.DomainUuid | Should -Be (Get-XenDomain web1).Uuid
        $d.HostName | Should -Be $xh.Name
        $d.XenHost | Should -Be $xh
    }

    It 'lists an Off domain''s disks from its config file' {
        $d = Get-XenDisk spare
        $d.Target | Should -Be '/var/lib/xen/images/spare.img'
        $d.DomainId | Should -BeNullOrEmpty
        $d.State | Should -BeNullOrEmpty
    }

    It 'takes domains from the pipeline, and lists nothing for a domain without disks' {
        $all = Get-XenDomain | Get-XenDisk
        @($all).Count | Should -Be 2
        ($all.DomainName | Sort-Object) | Should -Be @('spare', 'web1')
        Get-XenDisk web2 | Should -BeNullOrEmpty
    }

    It 'filters by -Vdev with wildcards' {
        Add-XenDisk web1 -Path /var/lib/xen/images/web1.img -ReadOnly -Vdev xvdc
        (Get-XenDisk web1 -Vdev 'xvdc').Access | Should -Be 'ro'
        @(Get-XenDisk web1 -Vdev 'xvd*').Count | Should -Be 2
    }

    It 'reports an unknown domain as DomainNotFound and goes on with the others' {
        $out = Get-XenDisk nobody, web1 -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -BeLike 'DomainNotFound*'
        $out.DomainName | Should -Be 'web1'
    }

    It 'reads the domain on the host it came from' {
        $other = New-TestHost -Running 'web1' -NotDefault
        try {
            Get-XenDomain web1 -XenHost $other | Get-XenDisk | Should -BeNullOrEmpty
            (Get-XenDomain web1 | Get-XenDisk).HostName | Should -Be $xh.Name
        }
        finally {
            Disconnect-XenHost -XenHost $other
        }
    }
}

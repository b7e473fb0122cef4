BeforeAll {
    . "$PSScriptRoot/common.ps1"
    . "$PSScriptRoot/TestHelpers.ps1"
}

Describe 'Test-XenMigration' {
    BeforeEach {
        $a = New-TestHost -Prefix 'chk-a' -Running 'web1', 'web2' -Off 'spare'
        $b = Connect-TestHost -Prefix 'chk-b' -NotDefault
    }

    AfterEach {
        Disconnect-XenHost -XenHost $a, $b
    }

    It 'says a guest can migrate, and changes nothing' {
        $before = (Get-DomainSnapshot -XenHost $a), (Get-DomainSnapshot -XenHost $b)
        $c = Test-XenMigration -XenHost $a -Name web1 -Destination $b
        $c.DomainName | Should -Be 'web1'
        $c.SourceHost | Should -Be $a.Name
        $c.Destination | Should -Be $b.Name
        $c.CanMigrate | Should -BeTrue
        $c.Problems.Count | Should -Be 0
        $c.HostName | Should -Be $a.Name
        $c.XenHost | Should -Be $a
        $c.Uuid | Should -Be (Get-XenDomain -XenHost $a web1).Uuid
        ((Get-DomainSnapshot -XenHost $a), (Get-DomainSnapshot -XenHost $b)) | Should -Be $before
    }

    It 'lists every problem with a stable Id and the object it is about' {
        # A second disk that only host a has; a domain of the same name on b; too little memory on b.
        $null = New-XenDiskImage -XenHost $a -Path '/var/lib/xen/images/only-a.img' -SizeGB 1
        Add-XenDisk -XenHost $a -Name web1 -Path '/var/lib/xen/images/only-a.img' -Vdev xvdb
        $small = Connect-XenHost -Simulated -Name (New-TestName -Prefix 'chk-small') -TotalMemoryMB 1300 -NotDefault
        try {
            # About 240 MiB free; a domain of the same name takes half of it.
            $null = New-TestDomain -XenHost $small -Name web1
            $c = Test-XenMigration -XenHost $a -Name web1 -Destination $small
            $c.CanMigrate | Should -BeFalse
            ($c.Problems.Id | Sort-Object) | Should -Be @('DiskNotFound', 'DomainNameExists', 'InsufficientMemory')
            ($c.Problems | Where-Object Id -EQ 'DiskNotFound').Source.Target | Should -Be '/var/lib/xen/images/only-a.img'
            ($c.Problems | Where-Object Id -EQ 'DomainNameExists').Source.Name | Should -Be 'web1'
            ($c.Problems | Where-Object Id -EQ 'InsufficientMemory').Message | Should -Match 'MiB free'
        }
        finally {
            Disconnect-XenHost -XenHost $small
        }
    }

    It 'finds an unreachable address from the source, and refuses hostile ones' {
        $c = Test-XenMigration -XenHost $a -Name web1 -Destination $b -DestinationAddress 192.0.2.1
        $c.Problems.Id | Should -Be 'DestinationUnreachable'
        $c.Problems[0].Message | Should -Match '192\.0\.2\.1'
        # An invalid invocation: refused before any host is asked.
        { Test-XenMigration -XenHost $a -Name web1 -Destination $b -DestinationAddress '$(reboot)' } |
            Should -Throw -ErrorId 'InvalidDestinationAddress,*'
    }

    It 'checks a given config file, and reports Domain-0 and Off guests' {
        (Test-XenMigration -XenHost $a -Name web1 -Destination $b -ConfigPath '/etc/xen/nosuch.cfg').Problems.Id | Should -Be 'ConfigNotFound'
        (Test-XenMigration -XenHost $a -Name web1 -Destination $b -ConfigPath '/etc/xen/web1.cfg').CanMigrate | Should -BeTrue
        $all = Get-XenDomain -XenHost $a | Test-XenMigration -Destination $b
        ($all | Where-Object DomainName -EQ 'Domain-0').Problems.Id | Should -Be 'ControlDomain'
        ($all | Where-Object DomainName -EQ 'spare').Problems.Id | Should -Be 'DomainNotRunning'
        ($all | Where-Object DomainName -EQ 'web2').CanMigrate | Should -BeTrue
    }

    It 'writes one check per guest and destination; the same host skips the destination checks' {
        $checks = Test-XenMigration -XenHost $a -Name web1, web2 -Destination $a, $b
        @($checks).Count | Should -Be 4
        ($checks | Where-Object Destination -EQ $a.Name | ForEach-Object CanMigrate) | Should -Be @($true, $true)
        ($checks | Where-Object Destination -EQ $a.Name | Select-Object -First 1).DestinationFreeMemoryMB | Should -BeNullOrEmpty
    }
}

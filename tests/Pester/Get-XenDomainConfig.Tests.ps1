BeforeAll {
    . "$PSScriptRoot/common.ps1"
    . "$PSScriptRoot/TestHelpers.ps1"
}

Describe 'Get-XenDomainConfig' {
    BeforeEach {
        $xh = New-TestHost -Running 'web1', 'web2' -Off 'spare'
    }

    AfterEach {
        Disconnect-XenHost -XenHost $xh
    }

    It 'reads the domain''s config file on the host into a config object' {
        $c = Get-XenDomainConfig web1
        $c.GetType().FullName | Should -Be 'XenPS.XenDomainConfig'
        $c.SourcePath | Should -Be '/etc/xen/web1.cfg'
        $c.Name | Should -Be 'web1'
        $c.Type | Should -Be 'Pv'
        $c.MemoryMB | Should -Be 128
        $c.Kernel | Should -Be '/boot/vmlinuz'
        $c.Ramdisk | Should -Be '/boot/initrd.img'
        $c.Vifs.Count | Should -Be 1
        $c.Vifs[0].Bridge | Should -Be 'xenbr0'
    }

    It 'reads the file of an Off domain' {
        (Get-XenDomainConfig spare).Name | Should -Be 'spare'
    }

    It 'reads the live configuration (xl list -l) with -Running' {
        Set-XenDomain web1 -MemoryMB 100
        $live = Get-XenDomainConfig web1 -Running
        $live.Name | Should -Be 'web1'
        $live.Kernel | Should -Be '/boot/vmlinuz'
        (Get-XenDomainConfig web1).MemoryMB | Should -Be 128
    }

    It 'refuses -Running for an Off domain: it has no live configuration' {
        Get-XenDomainConfig spare -Running -ErrorVariable e -ErrorAction SilentlyContinue
        $e.Count | Should -Be 1
        $e[0].FullyQualifiedErrorId | Should -BeLike 'DomainNotRunning,*'
        $e[0].TargetObject.Name | Should -Be 'spare'
    }

    It 'reads the configs of what Get-XenDomain sends it' {
        $configs = Get-XenDomain web* | Get-XenDomainConfig
        @($configs.Name | Sort-Object) | Should -Be @('web1', 'web2')
    }

    It 'goes on past a name that matches nothing' {
        $configs = 'web1', 'missing' | Get-XenDomainConfig -ErrorVariable e -ErrorAction SilentlyContinue
        $configs.Name | Should -Be 'web1'
        $e.Count | Should -Be 1
        $e[0].FullyQualifiedErrorId | Should -BeLike 'DomainNotFound,*'
        $e[0].TargetObject | Should -Be 'missing'
    }

    It 'gives text for ConvertTo-XenConfig that ConvertFrom-XenConfig reads back the same' {
        $text = Get-XenDomainConfig web1 | ConvertTo-XenConfig
        $text | Should -Match '(?m)^name\s*=\s*["'']web1["'']'
        (ConvertFrom-XenConfig -Content $text).MemoryMB | Should -Be 128
    }

    It 'reads each host''s own file when fanned out' {
        $other = Connect-TestHost -NotDefault
        try {
            $null = New-TestDomain -XenHost $other -Name web1 -MemoryMB 64
            $configs = Get-XenDomainConfig web1 -XenHost $xh, $other
            @($configs.MemoryMB | Sort-Object) | Should -Be @(64, 128)
        }
        finally {
            Disconnect-XenHost -XenHost $other
        }
    }

    It 'reads the file on the host each piped object came from' {
        $other = Connect-TestHost -NotDefault
        try {
            $null = New-TestDomain -XenHost $other -Name web1 -MemoryMB 64
            (Get-XenDomain web1 -XenHost $other | Get-XenDomainConfig).MemoryMB | Should -Be 64
        }
        finally {
            Disconnect-XenHost -XenHost $other
        }
    }

    It 'completes domain names' {
        (TabExpansion2 -inputScript 'Get-XenDomainConfig sp' -cursorColumn 22).CompletionMatches.CompletionText | Should -Be @('spare')
    }
}

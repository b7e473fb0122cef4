BeforeAll {
    . "$PSScriptRoot/common.ps1"
    . "$PSScriptRoot/TestHelpers.ps1"
}

Describe 'Get-XenHost' {
    BeforeEach {
        $xh = Connect-TestHost
    }

    AfterEach {
        Disconnect-XenHost -XenHost $xh
    }

    It 'returns the default host''s information (xl info)' {
        $info = Get-XenHost
        $info.GetType().FullName | Should -Be 'XenPS.XenHostInfo'
        $info.Name | Should -Be $xh.Name
        $info.HostName | Should -Be $xh.Name
        $info.XenHost.Name | Should -Be $xh.Name
        $info.XenVersion | Should -Be '4.17.7'
        $info.TotalMemoryMB | Should -Be 3071
        $info.FreeMemoryMB | Should -Be 2014
        $info.CpuCount | Should -Be 2
        $info.Scheduler | Should -Be 'credit2'
        $info.Capabilities | Should -Contain 'hvm'
        $info.Properties['xen_version'] | Should -Be '4.17.7'
    }

    It 'shows the memory that running domains take' {
        $null = New-TestDomain -XenHost $xh -Name web1 -MemoryMB 256
        (Get-XenHost).FreeMemoryMB | Should -Be (2014 - 256)
        Stop-XenDomain web1 -Force
        (Get-XenHost).FreeMemoryMB | Should -Be 2014
    }

    It 'fans out over several hosts, one object each' {
        $other = Connect-TestHost -NotDefault
        try {
            $infos = Get-XenHost -XenHost $xh, $other
            $infos.Name | Should -Be @($xh.Name, $other.Name)
            # Piped connections bind -XenHost (their XenHost is themselves).
            ($other | Get-XenHost).Name | Should -Be $other.Name
            @(Get-XenHostConnection | Get-XenHost).Name | Should -Be @($xh.Name, $other.Name)
        }
        finally {
            Disconnect-XenHost -XenHost $other
        }
    }

    It 'takes the host of objects piped to it (XenHost by property name)' {
        $other = Connect-TestHost -NotDefault
        try {
            $null = New-TestDomain -XenHost $other -Name app1
            (Get-XenDomain app1 -XenHost $other | Get-XenHost).Name | Should -Be $other.Name
        }
        finally {
            Disconnect-XenHost -XenHost $other
        }
    }

    It 'shows host information as a list' {
        $text = Get-XenHost | Out-String -Width 200
        $text | Should -Match '(?m)^Name\s+: '
        $text | Should -Match ('(?m)^Name\s+: ' + [regex]::Escape($xh.Name) + '\s*$')
        $text | Should -Match '(?m)^XenVersion\s+: 4\.17\.7\s*$'
        $text | Should -Match '(?m)^TotalMemoryMB\s+: 3071\s*$'
        $text | Should -Match '(?m)^CpuCount\s+: 2\s*$'
    }

    It 'completes connection names for -XenHost' {
        $script = 'Get-XenHost -XenHost ' + $xh.Name.Substring(0, $xh.Name.Length - 2)
        (TabExpansion2 -inputScript $script -cursorColumn $script.Length).CompletionMatches.CompletionText | Should -Be @($xh.Name)
    }
}

BeforeAll {
    . "$PSScriptRoot/common.ps1"
    . "$PSScriptRoot/TestHelpers.ps1"
}

Describe 'Get-XenHostConnection' {
    BeforeEach {
        $a = Connect-TestHost -Prefix 'conn'
        $b = Connect-TestHost -Prefix 'conn'
    }

    AfterEach {
        Disconnect-XenHost -XenHost $a, $b -ErrorAction SilentlyContinue
    }

    It 'lists the connections of the session, the newest one marked as the default' {
        $all = @(Get-XenHostConnection)
        $all.Name | Should -Contain $a.Name
        $all.Name | Should -Contain $b.Name
        (Get-XenHostConnection -Default).Name | Should -Be $b.Name
        @(Get-XenHostConnection -Default).Count | Should -Be 1
    }

    It 'selects by name with wildcards and reports a literal name that is not open' {
        (Get-XenHostConnection -Name $a.Name).Name | Should -Be $a.Name
        @(Get-XenHostConnection -Name 'conn*').Count | Should -BeGreaterOrEqual 2
        $found = Get-XenHostConnection -Name 'no-such-connection' -ErrorVariable err -ErrorAction SilentlyContinue
        $found | Should -BeNullOrEmpty
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ConnectionNotFound,*'
    }

    It 'returns connection objects that other cmdlets take by -XenHost' {
        $c = Get-XenHostConnection -Name $a.Name
        (Get-XenDomain -XenHost $c -Id 0).HostName | Should -Be $a.Name
        $c.Transport | Should -Be 'Simulated'
    }

    It 'shows the connection table view' {
        $text = Get-XenHostConnection -Name $a.Name | Out-String
        $text | Should -Match 'Transport'
        $text | Should -Match 'IsDefault'
        $text | Should -Match ([regex]::Escape($a.Name))
    }
}

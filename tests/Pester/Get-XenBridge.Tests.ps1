BeforeAll {
    . "$PSScriptRoot/common.ps1"
    . "$PSScriptRoot/TestHelpers.ps1"
}

Describe 'Get-XenBridge' {
    BeforeEach {
        $xh = New-TestHost -Running 'web1', 'web2'
    }

    AfterEach {
        Disconnect-XenHost -XenHost $xh
    }

    It 'lists the host''s bridges with the vifs plugged into them' {
        $b = Get-XenBridge
        $b.Name | Should -Be 'xenbr0'
        $b.HostName | Should -Be $xh.Name
        $ids = (Get-XenDomain web*).Id
        $b.Interfaces | Should -Be @($ids | ForEach-Object { "vif$_.0" })
    }

    It 'filters by name with wildcards, and reports a missing literal name' {
        (Get-XenBridge xen*).Name | Should -Be 'xenbr0'
        Get-XenBridge br* | Should -BeNullOrEmpty
        Get-XenBridge xenbr9 -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $e[0].FullyQualifiedErrorId | Should -BeLike 'BridgeNotFound*'
        "$($e[0])" | Should -Match 'xenbr0'
    }

    It 'lists the bridges of every host given' {
        $other = Connect-TestHost -NotDefault
        try {
            (Get-XenBridge -XenHost $xh, $other).HostName | Should -Be @($xh.Name, $other.Name)
        }
        finally {
            Disconnect-XenHost -XenHost $other
        }
    }
}

BeforeAll {
    . "$PSScriptRoot/common.ps1"
    . "$PSScriptRoot/TestHelpers.ps1"
}

Describe 'Remove-XenNetworkAdapter' {
    BeforeEach {
        $xh = New-TestHost -Running 'web1', 'web2'
        Add-XenNetworkAdapter web1 -Mac 00:16:3e:00:01:01 -Persist
        Add-XenNetworkAdapter web2 -Mac 00:16:3e:00:02:01
    }

    AfterEach {
        Disconnect-XenHost -XenHost $xh
    }

    It 'detaches the adapter piped from Get-XenNetworkAdapter, of that domain only' {
        Get-XenNetworkAdapter web1 | Where-Object Index -eq 1 | Remove-XenNetworkAdapter -Confirm:$false
        (Get-XenNetworkAdapter web1).Index | Should -Be 0
        @(Get-XenNetworkAdapter web2).Count | Should -Be 2
    }

    It 'detaches by -Index or by -Mac' {
        Remove-XenNetworkAdapter web2 -Mac 00:16:3E:00:02:01 -Confirm:$false
        (Get-XenNetworkAdapter web2).Index | Should -Be 0
        Remove-XenNetworkAdapter web2 -Index 0 -Confirm:$false
        Get-XenNetworkAdapter web2 | Should -BeNullOrEmpty
    }

    It 'with -Persist also removes it from the config file (by the MAC the file sets)' {
        $file = Get-ConfigText -XenHost $xh -Name web1
        $file | Should -Match '"mac=00:16:3e:00:01:01[^"]*"'
        Remove-XenNetworkAdapter web1 -Index 1 -Persist -Confirm:$false
        Get-ConfigText -XenHost $xh -Name web1 | Should -BeExactly ($file -replace ', "mac=00:16:3e:00:01:01[^"]*"', '')
    }

    It 'needs one of -Index and -Mac' {
        { Remove-XenNetworkAdapter web1 -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'IndexOrMac*'
    }

    It 'changes nothing with -WhatIf' {
        Get-XenNetworkAdapter web1 | Remove-XenNetworkAdapter -Persist -WhatIf
        @(Get-XenNetworkAdapter web1).Count | Should -Be 2
        Get-ConfigText -XenHost $xh -Name web1 | Should -Match '00:16:3e:00:01:01'
    }
}

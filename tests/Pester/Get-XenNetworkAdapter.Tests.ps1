BeforeAll {
    . "$PSScriptRoot/common.ps1"
    . "$PSScriptRoot/TestHelpers.ps1"
}

Describe 'Get-XenNetworkAdapter' {
    BeforeEach {
        $xh = New-TestHost -Running 'web1', 'web2' -Off 'spare'
    }

    AfterEach {
        Disconnect-XenHost -XenHost $xh
    }

    It 'lists a running domain''s vifs with their bridge (joined from the live config)' {
        $n = Get-XenNetworkAdapter web1
        $n.Index | Should -Be 0
        $n.Bridge | Should -Be 'xenbr0'
        $n.Mac | Should -Match '^00:16:3e:'
        $n.State | Should -Be 'Connected'
        $n.State.GetType().FullName | Should -Be 'XenPS.XenBusState'
        [int]$n.State | Should -Be 4
        $n.DomainId | Should -Be (Get-XenDomain web1).Id
        $n.DomainUuid | Should -Be (Get-XenDomain web1).Uuid
        $n.HostName | Should -Be $xh.Name
    }

    It 'lists an Off domain''s vifs from its config file' {
        Add-XenNetworkAdapter spare -Mac 00:16:3e:00:00:42 -Rate 10MB/s -Persist
        $n = Get-XenNetworkAdapter spare
        $n.Index | Should -Be 0, 1
        $n[1].Mac | Should -Be '00:16:3e:00:00:42'
        $n[1].Rate | Should -Be '10MB/s'
        $n[1].DomainId | Should -BeNullOrEmpty
    }

    It 'takes domains from the pipeline' {
        $all = Get-XenDomain web* | Get-XenNetworkAdapter
        ($all.DomainName | Sort-Object) | Should -Be @('web1', 'web2')
    }

    It 'reports an unknown domain as DomainNotFound' {
        Get-XenNetworkAdapter nobody -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $e[0].FullyQualifiedErrorId | Should -BeLike 'DomainNotFound*'
    }
}

BeforeAll {
    . "$PSScriptRoot/common.ps1"
    . "$PSScriptRoot/TestHelpers.ps1"

    function Get-NicSnapshot($XenHost) {
        (Get-XenDomain -XenHost $XenHost | Where-Object Id -ne 0 | Get-XenNetworkAdapter | ForEach-Object { '{0}:{1}:{2}' -f $_.DomainName, $_.Index, $_.Mac }) -join ','
    }
}

Describe 'Add-XenNetworkAdapter' {
    BeforeEach {
        $xh = New-TestHost -Running 'web1', 'web2', 'db1' -Off 'spare'
    }

    AfterEach {
        Disconnect-XenHost -XenHost $xh
    }

    It 'plugs a vif into the bridge of every domain piped from Get-XenDomain web*' {
        Get-XenDomain web* | Add-XenNetworkAdapter -Bridge xenbr0 | Should -BeNullOrEmpty
        @(Get-XenNetworkAdapter web1).Count | Should -Be 2
        @(Get-XenNetworkAdapter web2).Count | Should -Be 2
        @(Get-XenNetworkAdapter db1).Count | Should -Be 1
    }

    It 'emits the new adapter with -PassThru, with the MAC asked for' {
        $n = Add-XenNetworkAdapter web1 -Bridge xenbr0 -Mac 00:16:3e:aa:bb:cc -Ip 10.0.0.5 -PassThru
        $n.Index | Should -Be 1
        $n.Mac | Should -Be '00:16:3e:aa:bb:cc'
        $n.Ip | Should -Be '10.0.0.5'
    }

    It 'refuses a bridge the host does not have, naming it and the bridges it has, before xl runs' {
        Add-XenNetworkAdapter web1 -Bridge xenbr7 -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -BeLike 'BridgeNotFound*'
        "$($e[0])" | Should -Match "Bridge 'xenbr7' does not exist on host '$([regex]::Escape($xh.Name))'"
        "$($e[0])" | Should -Match 'Its bridges: xenbr0'
        @(Get-XenNetworkAdapter web1).Count | Should -Be 1
    }

    It 'with -Persist also writes the adapter, with the MAC xl chose, into the config file' {
        $before = Get-ConfigText -XenHost $xh -Name web1
        $n = Add-XenNetworkAdapter web1 -Persist -PassThru
        Get-ConfigText -XenHost $xh -Name web1 | Should -BeExactly ($before -replace '"bridge=xenbr0" \]', "`"bridge=xenbr0`", `"mac=$($n.Mac),bridge=xenbr0`" ]")
        Stop-XenDomain web1 -Force -Confirm:$false
        Start-XenDomain web1
        (Get-XenNetworkAdapter web1).Mac | Should -Contain $n.Mac
    }

    It 'needs -Persist for an Off domain, and then changes only its file' {
        Add-XenNetworkAdapter spare -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -BeLike 'PersistRequired*'
        Add-XenNetworkAdapter spare -Spec 'bridge=xenbr0,mac=00:16:3e:00:00:07' -Persist
        (Get-XenNetworkAdapter spare).Mac | Should -Contain '00:16:3e:00:00:07'
        (Get-XenDomain spare).State | Should -Be 'Off'
    }

    It 'changes nothing with -WhatIf, and says it is the running domain only' {
        $before = Get-NicSnapshot $xh
        $spare = Get-ConfigText -XenHost $xh -Name spare
        Get-XenDomain web* | Add-XenNetworkAdapter -Bridge xenbr0 -WhatIf
        Add-XenNetworkAdapter spare -Persist -WhatIf
        Get-ConfigText -XenHost $xh -Name spare | Should -BeExactly $spare
        Get-NicSnapshot $xh | Should -Be $before
    }
}

BeforeAll {
    . "$PSScriptRoot/common.ps1"
    . "$PSScriptRoot/TestHelpers.ps1"
}

Describe 'Get-XenVCpu' {
    BeforeEach {
        $xh = New-TestHost -Running 'web1', 'web2' -Off 'spare'
    }

    AfterEach {
        Disconnect-XenHost -XenHost $xh
    }

    It 'lists the vCPUs of the named domain with xl''s columns' {
        $v = @(Get-XenVCpu web1)
        $v.Count | Should -Be 1
        $v[0].DomainName | Should -Be 'web1'
        $v[0].DomainId | Should -Be (Get-XenDomain web1).Id
        $v[0].DomainUuid | Should -Be (Get-XenDomain web1).Uuid
        $v[0].VCpu | Should -Be 0
        $v[0].Online | Should -BeTrue
        $v[0].XlState | Should -Be '-b-'
        $v[0].HardAffinity | Should -Be 'all'
        $v[0].HostName | Should -Be $xh.Name
        $v[0].XenHost | Should -Be $xh
        $v[0].PSObject.Properties.Name | Should -Not -Contain 'Number'
    }

    It 'lists every domain''s vCPUs, Domain-0 included, with a wildcard' {
        $names = (Get-XenVCpu *).DomainName | Select-Object -Unique
        $names | Should -Be @('Domain-0', 'web1', 'web2')
    }

    It 'reads one xl vcpu-list per host whatever the number of domains piped in' {
        # The simulator logs every command it runs at Debug, as the xl toolstack does.
        $all = Get-XenDomain web1, web2 | Get-XenVCpu -Debug 5>&1
        @($all | Where-Object { $_.PSObject.TypeNames[0] -eq 'XenPS.XenVCpu' }).Count | Should -Be 2
        @($all | Where-Object { $_ -is [System.Management.Automation.DebugRecord] -and $_.Message -match 'xl vcpu-list' }).Count | Should -Be 1
    }

    It 'returns nothing for an Off domain and DomainNotFound for a missing name' {
        Get-XenVCpu spare | Should -BeNullOrEmpty
        Get-XenVCpu missing -ErrorVariable e -ErrorAction SilentlyContinue
        $e.Count | Should -Be 1
        $e[0].FullyQualifiedErrorId | Should -BeLike 'DomainNotFound,*'
    }

    It 'shows a vCPU''s physical CPU and times in the default table' {
        $text = Get-XenVCpu web1 | Out-String
        $text | Should -Match 'DomainName\s+DomainId\s+VCpu\s+Cpu\s+XlState'
        $text | Should -Match 'web1'
    }
}

BeforeAll {
    . "$PSScriptRoot/common.ps1"
    . "$PSScriptRoot/TestHelpers.ps1"
}

Describe 'Get-XenDomainStatistic' {
    BeforeEach {
        $xh = New-TestHost -Running 'web1', 'web2' -Off 'spare'
    }

    AfterEach {
        Disconnect-XenHost -XenHost $xh
    }

    It 'takes one sample by default: one object per named domain' {
        $s = @(Get-XenDomainStatistic web1)
        $s.Count | Should -Be 1
        $s[0].DomainName | Should -Be 'web1'
        $s[0].DomainId | Should -Be (Get-XenDomain web1).Id
        $s[0].Sample | Should -Be 1
        $s[0].MemoryMB | Should -Be 128
        $s[0].VCpu | Should -Be 1
        $s[0].HostName | Should -Be $xh.Name
        $s[0].XenHost | Should -Be $xh
        $s[0].CpuPercent | Should -BeGreaterThan 0
    }

    It 'streams -Count samples, one per domain per sample, with CPU time that grows' {
        $s = @(Get-XenDomainStatistic web1, web2 -Count 2 -IntervalSeconds 1)
        $s.Count | Should -Be 4
        ($s | Where-Object DomainName -EQ 'web1').Sample | Should -Be @(1, 2)
        $w = @($s | Where-Object DomainName -EQ 'web1')
        $w[1].Timestamp | Should -BeGreaterThan $w[0].Timestamp
        $w[1].CpuTime | Should -BeGreaterOrEqual $w[0].CpuTime
    }

    It 'reports a paused guest at 0 CPU% and a running one above' {
        Suspend-XenDomain web2
        $s = Get-XenDomainStatistic web1, web2
        ($s | Where-Object DomainName -EQ 'web2').CpuPercent | Should -Be 0
        ($s | Where-Object DomainName -EQ 'web2').XlState | Should -Be '----p-'
        ($s | Where-Object DomainName -EQ 'web1').CpuPercent | Should -BeGreaterThan 0
    }

    It 'works live in a pipeline: Where-Object filters samples as they come' {
        # The simulated Domain-0 uses 4-36 % (2 vCPUs at 10 % each, moving), a guest at most 3.6 %.
        $busy = Get-XenDomainStatistic * -Count 2 | Where-Object CpuPercent -GT 3.7
        $busy.DomainName | Select-Object -Unique | Should -Be 'Domain-0'
    }

    It 'skips Off domains and reports a missing name' {
        Get-XenDomainStatistic spare | Should -BeNullOrEmpty
        Get-XenDomainStatistic missing -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -BeLike 'DomainNotFound,*'
    }

    It 'refuses an interval below one second (xentop reads -d with atoi)' {
        { Get-XenDomainStatistic web1 -IntervalSeconds 0 } | Should -Throw -ErrorId 'ParameterArgumentValidationError*'
    }

    It 'ends when the pipeline stops early (Select-Object -First): 10000 samples would take hours' {
        $first = Get-XenDomainStatistic web1 -Count 10000 | Select-Object -First 2
        $first.Sample | Should -Be @(1, 2)
    }
}

BeforeAll {
    . "$PSScriptRoot/common.ps1"
    . "$PSScriptRoot/TestHelpers.ps1"
}

Describe 'Get-XenHostLog' {
    BeforeEach {
        $xh = New-TestHost -Running 'web1'
    }

    AfterEach {
        Disconnect-XenHost -XenHost $xh
    }

    It 'emits one object per line of xl dmesg, with the time since boot where Xen printed one' {
        $log = @(Get-XenHostLog)
        $log.Count | Should -BeGreaterThan 3
        $log[0].Line | Should -Be 1
        $log[0].Source | Should -Be 'XEN'
        $log[0].Message | Should -BeLike 'Xen version 4.17.7*'
        $log[0].SinceBoot | Should -BeNullOrEmpty
        ($log | Where-Object Message -Like 'Brought up*').SinceBoot | Should -Be ([TimeSpan]::FromSeconds(1.204118))
        $log[0].HostName | Should -Be $xh.Name
        $log[0].XenHost | Should -Be $xh
    }

    It 'writes only the last lines of each host''s log with -Tail, and refuses less than 1' {
        $all = @(Get-XenHostLog)
        $last = @(Get-XenHostLog -Tail 2)
        $last.Count | Should -Be 2
        $last.Line | Should -Be $all[-2..-1].Line
        @(Get-XenHostLog -Tail ($all.Count + 10)).Count | Should -Be $all.Count
        { Get-XenHostLog -Tail 0 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,XenPS.Commands.GetXenHostLogCommand'
    }

    It 'clears the log after reading it with -Clear, and -WhatIf leaves it' {
        $before = @(Get-XenHostLog).Count
        @(Get-XenHostLog -Clear -WhatIf).Count | Should -Be $before
        @(Get-XenHostLog).Count | Should -Be $before
        @(Get-XenHostLog -Clear -Confirm:$false).Count | Should -Be $before
        Get-XenHostLog | Should -BeNullOrEmpty
    }

    It 'reads every host given, each entry saying which' {
        $other = New-TestHost -Running @() -NotDefault
        try {
            $hosts = (Get-XenHostLog -XenHost $xh, $other).HostName | Select-Object -Unique
            $hosts | Should -Be @($xh.Name, $other.Name)
        }
        finally {
            Disconnect-XenHost -XenHost $other
        }
    }
}

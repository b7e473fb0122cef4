BeforeAll {
    . "$PSScriptRoot/common.ps1"
    . "$PSScriptRoot/TestHelpers.ps1"
}

Describe 'Set-XenVCpu' {
    BeforeEach {
        $xh = New-TestHost -Running 'web1', 'web2' -Off 'spare'
    }

    AfterEach {
        Disconnect-XenHost -XenHost $xh
    }

    It 'pins a vCPU by number and emits nothing' {
        $out = Set-XenVCpu web1 -VCpu 0 -HardAffinity 1 -Confirm:$false
        $out | Should -BeNullOrEmpty
        (Get-XenVCpu web1).HardAffinity | Should -Be '1'
        (Get-XenVCpu web2).HardAffinity | Should -Be 'all'
    }

    It 'pins each vCPU piped from Get-XenVCpu (a XenVCpu binds by value) and -PassThru emits the domain' {
        $d = Get-XenVCpu web2 | Set-XenVCpu -HardAffinity '0-1' -PassThru -Confirm:$false
        $d.Name | Should -Be 'web2'
        $d.PSObject.TypeNames[0] | Should -Be 'XenPS.XenDomain'
        (Get-XenVCpu web2).HardAffinity | Should -Be 'all'   # 0-1 is every CPU of the 2-CPU host: xl prints all
        Get-XenVCpu web2 | Set-XenVCpu -HardAffinity 1 -Confirm:$false
        (Get-XenVCpu web2).HardAffinity | Should -Be '1'
    }

    It 'pins exactly the piped vCPU''s domain, not a namesake: a renamed domain is reached by its UUID' {
        $v = Get-XenVCpu web1
        Rename-XenDomain web1 -NewName web1b -Confirm:$false
        $v | Set-XenVCpu -HardAffinity 1 -Confirm:$false
        (Get-XenVCpu web1b).HardAffinity | Should -Be '1'
    }

    It 'pins every vCPU with -All' {
        Set-XenVCpu -Id (Get-XenDomain web1).Id -All -HardAffinity 0 -Confirm:$false
        (Get-XenVCpu web1).HardAffinity | Should -Be '0'
    }

    It 'refuses a cpu list xl would not read, or CPUs the host does not have, before xl runs' {
        Set-XenVCpu web1 -VCpu 0 -HardAffinity 'x' -ErrorVariable e -ErrorAction SilentlyContinue -Confirm:$false
        $e[0].FullyQualifiedErrorId | Should -BeLike 'CpuListInvalid,*'
        $e[0].Exception.Message | Should -Match "'x' is wrong"
        Set-XenVCpu web1 -VCpu 0 -HardAffinity 1 -SoftAffinity 9 -ErrorVariable e2 -ErrorAction SilentlyContinue -Confirm:$false
        $e2[0].Exception.Message | Should -Match 'names CPU 9, but host .* has 2 CPUs'
        (Get-XenVCpu web1).HardAffinity | Should -Be 'all'
    }

    It 'needs -VCpu or -All' {
        { Set-XenVCpu web1 -HardAffinity 1 -Confirm:$false } | Should -Throw -ErrorId 'VCpuNotGiven*'
    }

    It 'refuses an Off domain with DomainNotRunning and goes on with the others' {
        Set-XenVCpu spare, web2 -All -HardAffinity 1 -ErrorVariable e -ErrorAction SilentlyContinue -Confirm:$false
        $e.Count | Should -Be 1
        $e[0].FullyQualifiedErrorId | Should -BeLike 'DomainNotRunning,*'
        (Get-XenVCpu web2).HardAffinity | Should -Be '1'
    }

    It 'changes nothing under -WhatIf and says what it would do' {
        $msg = Set-XenVCpu web1 -VCpu 0 -HardAffinity 1 -WhatIf 6>&1 | Out-String
        (Get-XenVCpu web1).HardAffinity | Should -Be 'all'
    }
}

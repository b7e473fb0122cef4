BeforeAll {
    . "$PSScriptRoot/common.ps1"
    . "$PSScriptRoot/TestHelpers.ps1"
}

# A Pester run has no terminal: these tests cover what happens before the console would take it.
# The console itself is shown on the real Xen under tmux (tests/integration/xen-qemu/README.md).
Describe 'Enter-XenConsole' {
    BeforeEach {
        $xh = New-TestHost -Running 'web1', 'web2' -Off 'spare'
    }

    AfterEach {
        Disconnect-XenHost -XenHost $xh
    }

    It 'says clearly that it needs a terminal when there is none' {
        { Enter-XenConsole web1 } | Should -Throw -ErrorId 'NoTerminal*'
        try { Enter-XenConsole web1 } catch { $_.Exception.Message | Should -Match 'needs an interactive terminal' }
    }

    It 'takes one domain only' {
        { Enter-XenConsole web* } | Should -Throw -ErrorId 'ConsoleNeedsOneDomain*'
    }

    It 'refuses an Off domain: it has no console' {
        Enter-XenConsole spare -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -BeLike 'DomainNotRunning,*'
    }

    It 'reports a missing domain' {
        Enter-XenConsole missing -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -BeLike 'DomainNotFound,*'
    }

    It 'takes a domain object from the pipeline' {
        { Get-XenDomain web2 | Enter-XenConsole } | Should -Throw -ErrorId 'NoTerminal*'
    }
}

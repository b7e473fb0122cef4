BeforeAll {
    . "$PSScriptRoot/common.ps1"
    . "$PSScriptRoot/TestHelpers.ps1"
}

# What Get-XenDomain gained with the diagnostics: scheduler weight and cap, VNC from the config, Uptime in the table.
Describe 'XenDomain diagnostics properties' {
    BeforeEach {
        $xh = New-TestHost -Running 'web1' -Off 'spare'
    }

    AfterEach {
        Disconnect-XenHost -XenHost $xh
    }

    It 'reads back the weight and cap Set-XenDomain sets' {
        (Get-XenDomain web1).Weight | Should -Be 256
        Set-XenDomain web1 -Weight 512 -Cap 50 -Confirm:$false
        $d = Get-XenDomain web1
        $d.Weight | Should -Be 512
        $d.Cap | Should -Be 50
        (Get-XenDomain spare).Weight | Should -BeNullOrEmpty
    }

    It 'carries where VNC listens as the config says' {
        $cfg = "name = ""vncvm""`ntype = ""hvm""`nmemory = 128`nvnclisten = ""0.0.0.0""`nvncdisplay = 4`n"
        New-TestDomainFromConfig -XenHost $xh -Text $cfg -Off | Out-Null
        $d = Get-XenDomain vncvm
        $d.VncListen | Should -Be '0.0.0.0'
        $d.VncDisplay | Should -Be 4
        (Get-XenDomain web1).VncListen | Should -BeNullOrEmpty
    }

    It 'shows Uptime in the default table' {
        Get-XenDomain web1 | Out-String | Should -Match 'Uptime'
    }
}

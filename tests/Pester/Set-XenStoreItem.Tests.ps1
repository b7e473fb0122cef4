BeforeAll {
    . "$PSScriptRoot/common.ps1"
    . "$PSScriptRoot/TestHelpers.ps1"
}

Describe 'Set-XenStoreItem' {
    BeforeEach {
        $xh = New-TestHost -Running 'web1'
        $id = (Get-XenDomain web1).Id
    }

    AfterEach {
        Disconnect-XenHost -XenHost $xh
    }

    It 'writes a value (xenstore-write) and emits nothing; -PassThru emits the item' {
        Set-XenStoreItem "/local/domain/$id/data/role" 'web' -Confirm:$false | Should -BeNullOrEmpty
        (Get-XenStoreItem "/local/domain/$id/data/role").Value | Should -Be 'web'
        $i = Set-XenStoreItem -Path "/local/domain/$id/data/role" -Value 'db' -PassThru -Confirm:$false
        $i.Value | Should -Be 'db'
        $i.HostName | Should -Be $xh.Name
    }

    It 'writes values with spaces, quotes and an empty value exactly' {
        Set-XenStoreItem "/local/domain/$id/data/text" 'a "quoted" value; $(not run)' -Confirm:$false
        (Get-XenStoreItem "/local/domain/$id/data/text").Value | Should -Be 'a "quoted" value; $(not run)'
        Set-XenStoreItem "/local/domain/$id/data/empty" '' -Confirm:$false
        (Get-XenStoreItem "/local/domain/$id/data/empty").Value | Should -Be ''
    }

    It 'changes nothing under -WhatIf' {
        Set-XenStoreItem "/local/domain/$id/data/role" 'web' -WhatIf
        Get-XenStoreItem "/local/domain/$id/data/role" -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'refuses a bad path before anything runs, the root included' {
        Set-XenStoreItem 'data/role' 'x' -ErrorVariable e -ErrorAction SilentlyContinue -Confirm:$false
        $e[0].FullyQualifiedErrorId | Should -BeLike 'XenStorePathInvalid,*'
        Set-XenStoreItem '/' 'x' -ErrorVariable e2 -ErrorAction SilentlyContinue -Confirm:$false
        $e2[0].Exception.Message | Should -Match 'root'
    }

    It 'binds Path and Value by property name (a CSV of keys)' {
        @(
            [pscustomobject]@{ Path = "/local/domain/$id/data/a"; Value = '1' }
            [pscustomobject]@{ Path = "/local/domain/$id/data/b"; Value = '2' }
        ) | Set-XenStoreItem -Confirm:$false
        (Get-XenStoreItem "/local/domain/$id/data" -Recurse | Where-Object Value).Value | Should -Be @('1', '2')
    }
}

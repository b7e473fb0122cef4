BeforeAll {
    . "$PSScriptRoot/common.ps1"
    . "$PSScriptRoot/TestHelpers.ps1"
}

Describe 'Remove-XenStoreItem' {
    BeforeEach {
        $xh = New-TestHost -Running 'web1'
        $id = (Get-XenDomain web1).Id
        Set-XenStoreItem "/local/domain/$id/data/a" '1' -Confirm:$false
        Set-XenStoreItem "/local/domain/$id/data/b/c" '2' -Confirm:$false
    }

    AfterEach {
        Disconnect-XenHost -XenHost $xh
    }

    It 'is high impact: it asks by default' {
        (Get-Command Remove-XenStoreItem).ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0].ConfirmImpact |
            Should -Be 'High'
    }

    It 'removes a node and everything below it' {
        Remove-XenStoreItem "/local/domain/$id/data/b" -Confirm:$false
        (Get-XenStoreItem "/local/domain/$id/data" -Recurse).Path | Should -Be @("/local/domain/$id/data", "/local/domain/$id/data/a")
    }

    It 'removes what Get-XenStoreItem pipes to it' {
        Get-XenStoreItem "/local/domain/$id/data/a" | Remove-XenStoreItem -Confirm:$false
        (Get-XenStoreItem "/local/domain/$id/data" -Recurse).Path | Should -Not -Contain "/local/domain/$id/data/a"
    }

    It 'changes nothing under -WhatIf' {
        Remove-XenStoreItem "/local/domain/$id/data" -WhatIf
        (Get-XenStoreItem "/local/domain/$id/data/a").Value | Should -Be '1'
    }

    It 'refuses the root and relative paths before anything runs' {
        Remove-XenStoreItem '/', 'local/domain' -ErrorVariable e -ErrorAction SilentlyContinue -Confirm:$false
        $e.Count | Should -Be 2
        $e | ForEach-Object { $_.FullyQualifiedErrorId | Should -BeLike 'XenStorePathInvalid,*' }
        (Get-XenStoreItem "/local/domain/$id/data/a").Value | Should -Be '1'
    }

    It 'reports xenstore-rm''s own words when the parent does not exist either' {
        Remove-XenStoreItem "/local/domain/$id/none/below" -ErrorVariable e -ErrorAction SilentlyContinue -Confirm:$false
        $e.Count | Should -Be 1
        $e[0].Exception.Message | Should -Match 'could not remove path'
    }
}

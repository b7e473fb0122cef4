BeforeAll {
    . "$PSScriptRoot/common.ps1"
    . "$PSScriptRoot/TestHelpers.ps1"
}

Describe 'Get-XenStoreItem' {
    BeforeEach {
        $xh = New-TestHost -Running 'web1'
        $id = (Get-XenDomain web1).Id
    }

    AfterEach {
        Disconnect-XenHost -XenHost $xh
    }

    It 'reads one node: Path, Name, Value, HostName' {
        $i = Get-XenStoreItem "/local/domain/$id/name"
        $i.Path | Should -Be "/local/domain/$id/name"
        $i.Name | Should -Be 'name'
        $i.Value | Should -Be 'web1'
        $i.HostName | Should -Be $xh.Name
        $i.XenHost | Should -Be $xh
    }

    It 'reads the node and everything below it with -Recurse' {
        $tree = Get-XenStoreItem "/local/domain/$id" -Recurse
        $tree[0].Path | Should -Be "/local/domain/$id"
        ($tree | Where-Object Path -EQ "/local/domain/$id/memory/target").Value | Should -Be '131072'
        ($tree | Where-Object Path -EQ "/local/domain/$id/memory").Value | Should -Be ''
    }

    It 'refuses a path that is not absolute or has empty segments, before anything runs, and goes on' {
        Get-XenStoreItem 'local/domain', '/local//domain', "/local/domain/$id/name" -ErrorVariable e -ErrorAction SilentlyContinue |
            Select-Object -ExpandProperty Value | Should -Be 'web1'
        $e.Count | Should -Be 2
        $e[0].FullyQualifiedErrorId | Should -BeLike 'XenStorePathInvalid,*'
        $e[0].Exception.Message | Should -Match 'must be absolute'
        $e[1].Exception.Message | Should -Match 'empty segment'
    }

    It 'reports a missing node in xenstore-read''s own words' {
        Get-XenStoreItem "/local/domain/$id/nothing" -ErrorVariable e -ErrorAction SilentlyContinue
        $e.Count | Should -Be 1
        $e[0].Exception.Message | Should -Match "xenstore-read: couldn't read path /local/domain/$id/nothing"
    }

    It 'takes paths from the pipeline' {
        ("/local/domain/$id/name", "/local/domain/$id/domid" | Get-XenStoreItem).Value | Should -Be @('web1', "$id")
    }
}

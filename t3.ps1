BeforeAll {
    . "$PSScriptRoot/common.ps1"
    . "$PSScriptRoot/TestHelpers.ps1"
}

Describe 'ConvertTo-XenConfig' {
    It 'writes an unchanged config back byte for byte (<_>)' -ForEach @(
        'busybox-001.cfg'
        'busybox-001-commented.cfg'
        'busybox-003.cfg'
        'busybox.xm.cfg'
        'centos-001-install.cfg'
        'centos-iso.cfg'
        'cirros-001.cfg'
        'grammar-corners.cfg'
        'newvm.xm.cfg'
        'prospero.xm.cfg'
        'winxp-001.cfg'
    ) {
        $path = Join-Path $ConfigFixtures $_
        $text = ConvertTo-XenConfig -InputObject (ConvertFrom-XenConfig -Path $path)
        $text | Should -BeOfType [string]
        $text | Should -BeExactly (Get-Content -LiteralPath $path -Raw)
    }

    It 'rewrites only the key that was changed: comments, order and layout are kept' {
        $path = Join-Path $ConfigFixtures 'busybox-001-commented.cfg'
        $original = @((Get-Content -LiteralPath $path -Raw) -split "`n")
        $c = ConvertFrom-XenConfig -Path $path
        $c.MemoryMB = 512
        $edited = @((ConvertTo-XenConfig $c) -split "`n")

        $edited.Count | Should -Be $original.Count
        for ($i = 0; $i -lt $original.Count; $i++) {
            if ($original[$i] -match '^memory\s*=') {
                $edited[$i] | Should -BeExactly ($original[$i] -replace '256', '512')
            }
            else {
                $edited[$i] | Should -BeExactly $original[$i]
            }
        }

        $edited | Should -Contain '#maxmem = 512   # with maxmem, xl mem-set and xl mem-set can change memory at run time' -Because 'a commented-out key is a comment' -ErrorAction SilentlyContinue
        ($edited -join "`n") | Should -BeLike "*kernel = `"/boot/vmlinuz`"        # Dom0's kernel, used as the DomU kernel*"
    }

    It 'appends a new key at the end and leaves the rest as it was' {
        $path = Join-Path $ConfigFixtures 'busybox-001.cfg'
        $original = Get-Content -LiteralPath $path -Raw
        $c = ConvertFrom-XenConfig -Path $path
        $c.MaxMemoryMB = 1024
        $text = ConvertTo-XenConfig $c
        $text.StartsWith($original) | Should -BeTrue
        $text.Substring($original.Length) | Should -Match '^maxmem\s*=\s*1024\s*$'
        (ConvertFrom-XenConfig -Content $text).MaxMemoryMB | Should -Be 1024
    }

}

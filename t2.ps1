        $c = ConvertFrom-XenConfig -Path $path
        $c.MaxMemoryMB = 1024
        $text = ConvertTo-XenConfig $c
        $text.StartsWith($original) | Should -BeTrue
        $text.Substring($original.Length) | Should -Match '^maxmem\s*=\s*1024\s*$'
        (ConvertFrom-XenConfig -Content $text).MaxMemoryMB | Should -Be 1024
    }

    It 'removes a key set to $null and only that key' {
        $path = Join-Path $ConfigFixtures 'busybox-001.cfg'
        $original = @((Get-Content -LiteralPath $path -Raw) -split "`n")

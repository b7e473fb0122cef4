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

        $edited | Should -Contain 'kernel = "/boot/vmlinuz"        # Dom0''s kernel, used as the DomU kernel'
        $edited | Should -Contain '#maxmem = 512   # with maxmem, xl mem-max and xl mem-set can change memory at run time'
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

    It 'removes a key set to $null and only that key' {
        $path = Join-Path $ConfigFixtures 'busybox-001.cfg'
        $original = @((Get-Content -LiteralPath $path -Raw) -split "`n")
        $c = ConvertFrom-XenConfig -Path $path
        $c['extra'] = $null
        $edited = @((ConvertTo-XenConfig $c) -split "`n")
        $edited | Should -Be @($original | Where-Object { $_ -notmatch '^extra\s*=' })
    }

    It 'writes values with quotes and backslashes so that they read back the same' {
        $c = ConvertFrom-XenConfig -Content "name = 'q1'`nmemory = 64`n"
        $value = 'say "hi" it''s C:\path\ ok'
        $c['extra'] = $value
        $back = ConvertFrom-XenConfig -Content (ConvertTo-XenConfig $c)
        $back['extra'] | Should -BeExactly $value
        $back.Keys | Should -Be @('name', 'memory', 'extra')
    }

    It 'never lets a value inject a key: a newline either reads back the same or is refused' {
        $c = ConvertFrom-XenConfig -Content "name = 'q1'`nmemory = 64`n"
        $value = "x`"`nmemory = 99999`n#"
        $refused = $false
        try {
            $c['extra'] = $value
        }
        catch {
            $refused = $true
        }

        $back = ConvertFrom-XenConfig -Content (ConvertTo-XenConfig $c)
        $back.MemoryMB | Should -Be 64
        if (-not $refused) {
            $back['extra'] | Should -BeExactly $value
        }
    }

    It 'refuses a domain name xl would refuse, at once' {
        $c = ConvertFrom-XenConfig -Content "name = 'q1'`n"
        { $c.Name = 'two words' } | Should -Throw
        $c.Name | Should -Be 'q1'
    }

    It 'writes one text per config from the pipeline' {
        $texts = @(
            ConvertFrom-XenConfig -Path (Join-Path $ConfigFixtures 'busybox-001.cfg'), (Join-Path $ConfigFixtures 'cirros-001.cfg') |
                ConvertTo-XenConfig
        )
        $texts.Count | Should -Be 2
        $texts[0] | Should -BeLike '*name = "busybox-001"*'
        $texts[1] | Should -BeLike '*name = "cirros-001"*'
    }
}

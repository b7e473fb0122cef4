BeforeAll {
    . "$PSScriptRoot/common.ps1"
    . "$PSScriptRoot/TestHelpers.ps1"
}

Describe 'ConvertFrom-XenConfig' {
    Context 'files' {
        It 'reads a config file into a typed config with the values xl sees' {
            $path = Join-Path $ConfigFixtures 'busybox-001-commented.cfg'
            $c = ConvertFrom-XenConfig -Path $path
            $c.GetType().FullName | Should -Be 'XenPS.XenDomainConfig'
            $c.SourcePath | Should -Be (Resolve-Path -LiteralPath $path).ProviderPath
            $c.Name | Should -Be 'busybox-001'
            $c.MemoryMB | Should -Be 256
            $c.VCpu | Should -Be 2
            $c.Kernel | Should -Be '/boot/vmlinuz'
            $c.Ramdisk | Should -Be '/boot/initramfs.img'
            # xl builds the command line from root and extra: "root=ROOT EXTRA".
            $c.Cmdline | Should -BeExactly 'root=/dev/xvda  ro selinux=0  init=/bin/sh'
            $c.Disks.Count | Should -Be 1
            $c.Disks[0].Target | Should -Be '/images/xen/busybox.img'
            $c.Disks[0].Format | Should -Be 'raw'
            $c.Disks[0].Vdev | Should -Be 'xvda'
            $c.Vifs[0].Mac | Should -Be '00:16:3e:00:00:01'
            $c.Vifs[0].Bridge | Should -Be 'xenbr0'
        }

        It 'reads the grammar''s corners as xl does: hex, octal, escapes, +=, keyed disks, vif rate' {
            $c = ConvertFrom-XenConfig -Path (Join-Path $ConfigFixtures 'grammar-corners.cfg')
            $c.MemoryMB | Should -Be 128
            $c.MaxMemoryMB | Should -Be 256
            $c.Cmdline | Should -BeExactly "console=hvc0 quote=`"x`" backslash=\ tab=`t appended=1"
            $c.Disks[0].Target | Should -Be '/tmp/a,b.img'
            $c.Disks[1].IsCdrom | Should -BeTrue
            $c.Vifs[0].Model | Should -Be 'e1000'
            $c.Vifs[0].RateBytesPerInterval | Should -Be 25000
            $c.Vifs[0].RateIntervalMicroseconds | Should -Be 20000
            $c.Cpus | Should -Be @('0', '1')
            $c.OnCrash | Should -Be 'preserve'
        }

        It 'reads what Get-ChildItem *.cfg sends it: one config per good file, one ConfigSyntax error per bad one' {
            $files = @(Get-ChildItem -LiteralPath $ConfigFixtures -Filter '*.cfg')
            $good = @($files | Where-Object Name -NotLike '*.bad.cfg')
            $bad = @($files | Where-Object Name -Like '*.bad.cfg')
            $configs = @($files | ConvertFrom-XenConfig -ErrorVariable e -ErrorAction SilentlyContinue)
            $configs.Count | Should -Be $good.Count
            @($configs.SourcePath | Sort-Object) | Should -Be @($good.FullName | Sort-Object)
            $e.Count | Should -Be $bad.Count
            foreach ($record in $e) {
                $record.FullyQualifiedErrorId | Should -BeLike 'ConfigSyntax,*'
                $record.CategoryInfo.Category | Should -Be 'ParserError'
                $record.TargetObject | Should -BeLike '*.bad.cfg'
            }
        }

        It 'reports the true line and column of a syntax error (<File>: <Line>:<Column>)' -ForEach @(
            @{ File = 'winxp-001-missing-comma.bad.cfg'; Line = 8; Column = 48 }
            @{ File = 'busybox-001-value-on-next-line.bad.cfg'; Line = 3; Column = 6 }
            @{ File = 'grammar-error-python.bad.cfg'; Line = 3; Column = 14 }
            @{ File = 'grammar-error-unterminated.bad.cfg'; Line = 1; Column = 8 }
        ) {
            $path = Join-Path $ConfigFixtures $File
            $out = ConvertFrom-XenConfig -Path $path -ErrorVariable e -ErrorAction SilentlyContinue
            $out | Should -BeNullOrEmpty
            $e.Count | Should -Be 1
            $e[0].Exception.Line | Should -Be $Line
            $e[0].Exception.Column | Should -Be $Column
            $e[0].Exception.Message | Should -BeLike "*$($File):$($Line):$($Column):*"
        }

        It 'expands wildcards in -Path' {
            $configs = ConvertFrom-XenConfig -Path (Join-Path $ConfigFixtures 'busybox*.cfg') -ErrorVariable e -ErrorAction SilentlyContinue
            @($configs.Name | Sort-Object) | Should -Be @('busybox', 'busybox-001', 'busybox-001', 'busybox-003')
            $e.Count | Should -Be 1
        }

        It 'takes -LiteralPath literally' {
            $path = Join-Path $TestDrive 'web[1].cfg'
            Set-Content -LiteralPath $path -Value "name = `"web1`"`nmemory = 64`n" -NoNewline
            (ConvertFrom-XenConfig -LiteralPath $path).Name | Should -Be 'web1'
        }

        It 'writes ConfigFileNotFound for a file that does not exist, and goes on' {
            $configs = ConvertFrom-XenConfig -Path (Join-Path $TestDrive 'none.cfg'), (Join-Path $ConfigFixtures 'busybox-001.cfg') -ErrorVariable e -ErrorAction SilentlyContinue
            $configs.Name | Should -Be 'busybox-001'
            $e.Count | Should -Be 1
            $e[0].FullyQualifiedErrorId | Should -BeLike 'ConfigFileNotFound,*'
        }
    }

    Context 'text' {
        It 'reads -Content' {
            $c = ConvertFrom-XenConfig -Content "name = 'db1'`nmemory = 512`nvcpus = 2`n"
            $c.Name | Should -Be 'db1'
            $c.MemoryMB | Should -Be 512
            $c.VCpu | Should -Be 2
            $c.SourcePath | Should -BeNullOrEmpty
        }

        It 'reads empty text as an empty config' {
            $c = ConvertFrom-XenConfig -Content ''
            $c.Name | Should -BeNullOrEmpty
            $c.Keys.Count | Should -Be 0
        }

        It 'reports a syntax error in -Content with its line' {
            ConvertFrom-XenConfig -Content "name = 'db1'`nmemory = `nvcpus = 2`n" -ErrorVariable e -ErrorAction SilentlyContinue
            $e.Count | Should -Be 1
            $e[0].FullyQualifiedErrorId | Should -BeLike 'ConfigSyntax,*'
            $e[0].Exception.Line | Should -Be 2
        }
    }

    Context '-Modernize' {
        It 'rewrites xm-era forms into modern ones and warns about each change' {
            $path = Join-Path $ConfigFixtures 'busybox.xm.cfg'
            $c = ConvertFrom-XenConfig -Path $path -Modernize -WarningVariable w -WarningAction SilentlyContinue
            $w.Count | Should -Be 1
            $w[0].Message | Should -BeLike '*file:*deprecated*'
            $text = ConvertTo-XenConfig $c
            $text | Should -BeLike "*disk = [[] 'format=raw, vdev=xvda, access=rw, target=/xen/images/busybox.img', []]*"
            $text | Should -Not -BeLike '*file:/xen*'
            $c.Disks[0].Target | Should -Be '/xen/images/busybox.img'
        }

        It 'turns builder into type' {
            $c = ConvertFrom-XenConfig -Path (Join-Path $ConfigFixtures 'winxp-001.cfg') -Modernize -WarningVariable w -WarningAction SilentlyContinue
            $w.Count | Should -Be 1
            ConvertTo-XenConfig $c | Should -BeLike '*type = "hvm"*'
            $c.Type | Should -Be 'Hvm'
        }

        It 'changes nothing and warns about nothing without -Modernize' {
            $path = Join-Path $ConfigFixtures 'busybox.xm.cfg'
            $c = ConvertFrom-XenConfig -Path $path -WarningVariable w
            $w.Count | Should -Be 0
            ConvertTo-XenConfig $c | Should -BeExactly (Get-Content -LiteralPath $path -Raw)
        }
    }

    Context 'output' {
        It 'shows a config as a list: the typed values, the keys and the file' {
            $text = ConvertFrom-XenConfig -Path (Join-Path $ConfigFixtures 'busybox-001.cfg') | Out-String -Width 200
            $text | Should -Match '(?m)^Name\s+: busybox-001\s*$'
            $text | Should -Match '(?m)^MemoryMB\s+: 256\s*$'
            $text | Should -Match '(?m)^Kernel\s+: /boot/vmlinuz\s*$'
            $text | Should -Match '(?m)^Disks\s+: .*xvda.*/images/xen/busybox\.img'
            $text | Should -Match '(?m)^SourcePath\s+: \S*busybox-001\.cfg\s*$'
        }
    }
}

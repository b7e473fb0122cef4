BeforeAll {
    . "$PSScriptRoot/common.ps1"
    . "$PSScriptRoot/TestHelpers.ps1"

    function Write-TestConfig {
        param([string] $Name, [string] $Text)
        $path = Join-Path $TestDrive $Name
        Set-Content -LiteralPath $path -Value $Text -NoNewline
        $path
    }

    $ValidBase = "name = 'guest1'`nkernel = '/boot/vmlinuz'`n"
}

Describe 'Test-XenDomainConfig' {
    Context 'files' {
        It 'finds nothing wrong with a config xl accepted (<_>)' -ForEach @(
            'busybox-001.cfg'
            'busybox-001-commented.cfg'
            'busybox-003.cfg'
            'busybox.xm.cfg'
            'centos-iso.cfg'
            'cirros-001.cfg'
            'grammar-corners.cfg'
            'newvm.xm.cfg'
            'prospero.xm.cfg'
            'winxp-001.cfg'
        ) {
            $path = Join-Path $ConfigFixtures $_
            $r = Test-XenDomainConfig -Path $path
            $r.GetType().FullName | Should -Be 'XenPS.Config.XenConfigValidationResult'
            $r.IsValid | Should -BeTrue -Because (($r.Errors | ForEach-Object { "$_" }) -join '; ')
            $r.Errors.Count | Should -Be 0
            $r.SourcePath | Should -Be (Resolve-Path -LiteralPath $path).ProviderPath
        }

        It 'finds what xl refused in centos-001-install.cfg, in xl''s words, at the right place' {
            $r = Test-XenDomainConfig -Path (Join-Path $ConfigFixtures 'centos-001-install.cfg')
            $r.IsValid | Should -BeFalse
            $r.Errors.Count | Should -Be 1
            $r.Errors[0].Message | Should -BeExactly 'Unknown on_reboot action "shutdown" specified'
            $r.Errors[0].Key | Should -Be 'on_reboot'
            $r.Errors[0].Line | Should -Be 9
            $r.Errors[0].Column | Should -Be 13
        }

        It 'reports a syntax error as one error at its true line and column (<File>)' -ForEach @(
            @{ File = 'winxp-001-missing-comma.bad.cfg'; Line = 8; Column = 48 }
            @{ File = 'busybox-001-value-on-next-line.bad.cfg'; Line = 3; Column = 6 }
            @{ File = 'grammar-error-python.bad.cfg'; Line = 3; Column = 14 }
            @{ File = 'grammar-error-unterminated.bad.cfg'; Line = 1; Column = 8 }
        ) {
            $r = Test-XenDomainConfig -Path (Join-Path $ConfigFixtures $File)
            $r.IsValid | Should -BeFalse
            $r.Errors.Count | Should -Be 1
            $r.Errors[0].Line | Should -Be $Line
            $r.Errors[0].Column | Should -Be $Column
        }

        It 'checks what Get-ChildItem *.cfg sends it: one result per file' {
            $files = @(Get-ChildItem -LiteralPath $ConfigFixtures -Filter '*.cfg')
            $results = @($files | Test-XenDomainConfig)
            $results.Count | Should -Be $files.Count
            $invalid = @($results | Where-Object { -not $_.IsValid } | ForEach-Object { Split-Path -Leaf $_.SourcePath } | Sort-Object)
            $expected = @($files.Name | Where-Object { $_ -like '*.bad.cfg' -or $_ -eq 'centos-001-install.cfg' } | Sort-Object)
            $invalid | Should -Be $expected
        }

        It 'takes -LiteralPath literally' {
            $path = Write-TestConfig -Name 'odd[1].cfg' -Text ($ValidBase + "memory = 128`n")
            (Test-XenDomainConfig -LiteralPath $path).IsValid | Should -BeTrue
        }

        It 'writes a non-terminating error for a file that does not exist, and goes on' {
            $good = Join-Path $ConfigFixtures 'busybox-001.cfg'
            $results = Test-XenDomainConfig -Path (Join-Path $TestDrive 'none.cfg'), $good -ErrorVariable e -ErrorAction SilentlyContinue
            @($results).Count | Should -Be 1
            $results.IsValid | Should -BeTrue
            $e.Count | Should -Be 1
        }
    }

    Context 'what xl would refuse, and what it only warns about' {
        It 'refuses memory above maxmem' {
            $r = Test-XenDomainConfig -Path (Write-TestConfig -Name 'mem.cfg' -Text ($ValidBase + "memory = 1024`nmaxmem = 512`n"))
            $r.IsValid | Should -BeFalse
            $r.Errors[0].Key | Should -Be 'memory'
            $r.Errors[0].Line | Should -Be 3
        }

        It 'refuses vcpus above maxvcpus' {
            $r = Test-XenDomainConfig -Path (Write-TestConfig -Name 'cpu.cfg' -Text ($ValidBase + "vcpus = 4`nmaxvcpus = 2`n"))
            $r.IsValid | Should -BeFalse
            $r.Errors[0].Key | Should -Be 'maxvcpus'
        }

        It 'refuses a malformed MAC address' {
            $r = Test-XenDomainConfig -Path (Write-TestConfig -Name 'mac.cfg' -Text ($ValidBase + "vif = [ 'mac=00:16:3e:0g:00:01' ]`n"))
            $r.IsValid | Should -BeFalse
            $r.Errors[0].Key | Should -Be 'vif'
        }

        It 'only warns about a duplicate MAC address (xl accepts it)' {
            $r = Test-XenDomainConfig -Path (Write-TestConfig -Name 'dupmac.cfg' -Text ($ValidBase + "vif = [ 'mac=00:16:3e:00:00:01,bridge=xenbr0', 'mac=00:16:3e:00:00:01,bridge=xenbr0' ]`n"))
            $r.IsValid | Should -BeTrue
            $r.Warnings.Count | Should -BeGreaterThan 0
            $r.Warnings[0].Key | Should -Be 'vif'
        }
    }

    Context 'config objects' {
        It 'checks a config object (-InputObject, and from the pipeline)' {
            $c = ConvertFrom-XenConfig -Path (Join-Path $ConfigFixtures 'busybox-001.cfg')
            (Test-XenDomainConfig -InputObject $c).IsValid | Should -BeTrue
            ($c | Test-XenDomainConfig).IsValid | Should -BeTrue
        }

        It 'checks an edited config object' {
            $c = ConvertFrom-XenConfig -Path (Join-Path $ConfigFixtures 'busybox-001.cfg')
            $c.MaxMemoryMB = 128
            $r = $c | Test-XenDomainConfig
            $r.IsValid | Should -BeFalse
            $r.Errors[0].Key | Should -Be 'memory'
        }
    }

    Context 'a host''s own verdict' {
        BeforeEach {
            $xh = Connect-TestHost -NotDefault
        }

        AfterEach {
            Disconnect-XenHost -XenHost $xh
        }

        It 'asks the host''s xl (xl -N create) with -XenHost, and says that it accepts a good config' {
            $records = Test-XenDomainConfig -Path (Join-Path $ConfigFixtures 'busybox-001.cfg') -XenHost $xh -Verbose 4>&1
            $result = @($records | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] })
            $verbose = @($records | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
            $result.Count | Should -Be 1
            $result[0].IsValid | Should -BeTrue
            ($verbose.Message -join "`n") | Should -BeLike "*Host '$($xh.Name)' (xl -N create) accepts*"
        }

        It 'takes the host by name' {
            (Test-XenDomainConfig -Path (Join-Path $ConfigFixtures 'busybox-001.cfg') -XenHost $xh.Name).IsValid | Should -BeTrue
        }
    }

    Context 'output' {
        It 'shows a result as a list: IsValid, and each error with its position' {
            $text = Test-XenDomainConfig -Path (Join-Path $ConfigFixtures 'centos-001-install.cfg') | Out-String -Width 300
            $text | Should -Match '(?m)^IsValid\s+: False\s*$'
            $text | Should -Match '(?m)^Errors\s+: Error at 9:13 \(on_reboot\): Unknown on_reboot action "shutdown" specified'
        }
    }
}

BeforeAll {
    . "$PSScriptRoot/common.ps1"
    . "$PSScriptRoot/TestHelpers.ps1"
}

Describe 'Get-XenDomain' {
    BeforeEach {
        $xh = New-TestHost -Running 'web1', 'web2', 'db1' -Off spare
    }

    AfterEach {
        Disconnect-XenHost -XenHost $xh
    }

    Context 'listing' {
        It 'lists Domain-0 and the running domains by id, then the Off domains from their config files' {
            $all = Get-XenDomain
            $all.Name | Should -Be @('Domain-0', 'web1', 'web2', 'db1', 'spare')
            ($all | Where-Object Name -EQ 'Domain-0').Id | Should -Be 0
            ($all | Where-Object Name -EQ 'spare').State | Should -Be 'Off'
            ($all | Where-Object Name -EQ 'spare').Id | Should -BeNullOrEmpty
            ($all | Where-Object Name -EQ 'web1').ConfigPath | Should -Be '/etc/xen/web1.cfg'
        }

        It 'returns XenPS.XenDomain objects that say their host and carry their connection' {
            $d = Get-XenDomain web1
            $d.GetType().FullName | Should -Be 'XenPS.XenDomain'
            $d.HostName | Should -Be $xh.Name
            $d.XenHost.Name | Should -Be $xh.Name
            $d.State | Should -Be 'Running'
            $d.MemoryMB | Should -Be 128
            $d.VCpu | Should -Be 1
            $d.Type | Should -Be 'Pv'
            $d.Uuid | Should -Not -BeNullOrEmpty
        }

        It 'matches wildcards case-sensitively, as xl matches names' {
            (Get-XenDomain web*).Name | Should -Be @('web1', 'web2')
            Get-XenDomain WEB? | Should -BeNullOrEmpty
            (Get-XenDomain '*1').Name | Should -Be @('web1', 'db1')
        }

        It 'returns each domain once when several patterns match it' {
            (Get-XenDomain 'web1', 'web*', '*1').Name | Should -Be @('web1', 'web2', 'db1')
        }

        It 'selects by id and by uuid' {
            $web2 = Get-XenDomain web2
            (Get-XenDomain -Id $web2.Id).Name | Should -Be 'web2'
            (Get-XenDomain -Uuid $web2.Uuid).Name | Should -Be 'web2'
            (Get-XenDomain -Id 0).Name | Should -Be 'Domain-0'
        }

        It 'filters by state' {
            Suspend-XenDomain web2
            (Get-XenDomain -State Paused).Name | Should -Be 'web2'
            (Get-XenDomain -State Off).Name | Should -Be 'spare'
            (Get-XenDomain web* -State Running).Name | Should -Be 'web1'
            (Get-XenDomain -State 'Running', 'Paused' | Where-Object Id -NE 0).Name | Should -Be @('web1', 'web2', 'db1')
        }
    }

    Context 'errors' {
        It 'writes one non-terminating DomainNotFound error per literal name that matches nothing, and still returns the others' {
            $found = Get-XenDomain 'web1', 'missing', 'db1' -ErrorVariable e -ErrorAction SilentlyContinue
            $found.Name | Should -Be @('web1', 'db1')
            $e.Count | Should -Be 1
            $e[0].FullyQualifiedErrorId | Should -BeLike 'DomainNotFound,*'
            $e[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $e[0].TargetObject | Should -Be 'missing'
            $e[0].Exception.Message | Should -BeLike "*'missing'*$($xh.Name)*"
        }

        It 'is silent when a wildcard matches nothing (PowerShell convention)' {
            $found = Get-XenDomain 'nothing*' -ErrorVariable e -ErrorAction SilentlyContinue
            $found | Should -BeNullOrEmpty
            $e.Count | Should -Be 0
        }

        It 'reports an id that matches nothing as DomainNotFound' {
            $null = Get-XenDomain -Id 4242 -ErrorVariable e -ErrorAction SilentlyContinue
            $e.Count | Should -Be 1
            $e[0].FullyQualifiedErrorId | Should -BeLike 'DomainNotFound,*'
            $e[0].TargetObject | Should -Be '4242'
        }

        It 'stops with a terminating error for a connection name that is not open' {
            { Get-XenDomain -XenHost 'no-such-connection' -ErrorAction Stop } | Should -Throw -ErrorId 'ParameterArgumentTransformationError,*'
        }

        It 'says to run Connect-XenHost when the session has no connection (and this is no Dom0)' -Skip:(Test-Path -LiteralPath '/proc/xen') {
            # A new runspace has a session of its own, with no connection.
            $ps = [powershell]::Create()
            try {
                $null = $ps.AddScript('param($m) Import-Module -Name $m; try { Get-XenDomain -ErrorAction Stop; "no error" } catch { $_.FullyQualifiedErrorId; $_.Exception.Message }').AddArgument((Get-TestModuleManifest))
                $result = $ps.Invoke()
            }
            finally {
                $ps.Dispose()
            }

            $result[0] | Should -BeLike 'NoConnection,*'
            $result[1] | Should -BeLike '*Connect-XenHost -Simulated*'
        }
    }

    Context 'pipelines' {
        It 'takes names from the pipeline, by value and by property name' {
            ('db1', 'web2' | Get-XenDomain).Name | Should -Be @('db1', 'web2')
            ([pscustomobject]@{ Name = 'web1' } | Get-XenDomain).Name | Should -Be 'web1'
        }

        It 'refreshes piped objects as a listing shows them, uptime included (Off: none)' {
            $before = Get-XenDomain web1, spare
            $now = $before | Get-XenDomain
            $now.Name | Should -Be @('web1', 'spare')
            $now[0].Uptime | Should -BeOfType [timespan]
            # xl uptime counts whole seconds
            [math]::Abs(($now[0].Uptime - $before[0].Uptime).TotalSeconds) | Should -BeLessThan 2
            $now[1].State | Should -Be 'Off'
            $now[1].Uptime | Should -BeNullOrEmpty
        }

        It 'feeds the lifecycle cmdlets: Get-XenDomain web* | Stop-XenDomain -Force' {
            Get-XenDomain web* | Stop-XenDomain -Force
            (Get-XenDomain web1).State | Should -Be 'Off'
            (Get-XenDomain web2).State | Should -Be 'Off'
            (Get-XenDomain db1).State | Should -Be 'Running'
        }
    }

    Context 'several hosts' {
        BeforeEach {
            $other = New-TestHost -Running 'web1', 'app1' -NotDefault
        }

        AfterEach {
            Disconnect-XenHost -XenHost $other
        }

        It 'fans out over -XenHost and every output says its host' {
            $all = Get-XenDomain web* -XenHost $xh, $other
            $all.Count | Should -Be 3
            @($all | Where-Object HostName -EQ $xh.Name).Name | Should -Be @('web1', 'web2')
            @($all | Where-Object HostName -EQ $other.Name).Name | Should -Be @('web1')
            $all | ForEach-Object { $_.XenHost.Name | Should -Be $_.HostName }
        }

        It 'accepts connection names for -XenHost' {
            (Get-XenDomain app1 -XenHost $other.Name).HostName | Should -Be $other.Name
        }

        It 'reports a literal name only when no host has it' {
            $found = Get-XenDomain 'app1', 'nowhere' -XenHost $xh, $other -ErrorVariable e -ErrorAction SilentlyContinue
            @($found).Count | Should -Be 1
            $found.HostName | Should -Be $other.Name
            $e.Count | Should -Be 1
            $e[0].TargetObject | Should -Be 'nowhere'
        }

        It 'lists the domains of each piped connection, never a domain named like the host' {
            # A connection has a Name: bound by property name it was looked up as a domain of that name.
            New-XenDomain -Name $other.Name -MemoryMB 128 -Kernel /boot/vmlinuz -XenHost $xh | Out-Null
            $all = $xh, $other | Get-XenDomain
            @($all | Where-Object HostName -EQ $xh.Name).Name | Should -Be @((Get-XenDomain -XenHost $xh).Name)
            @($all | Where-Object HostName -EQ $xh.Name).Name | Should -Contain $other.Name
            @($all | Where-Object HostName -EQ $other.Name).Name | Sort-Object | Should -Be @('app1', 'Domain-0', 'web1')
            @(Get-XenHostConnection -Name $other.Name | Get-XenDomain -State Running).Count | Should -Be 3
        }

        It 'uses the default connection when -XenHost is not given' {
            (Get-XenDomain -Id 0).HostName | Should -Be $xh.Name
            Get-XenDomain app1 -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        }
    }

    Context 'completion and formatting' {
        It 'completes domain names of the default connection for -Name' {
            (TabExpansion2 -inputScript 'Get-XenDomain we' -cursorColumn 16).CompletionMatches.CompletionText | Should -Be @('web1', 'web2')
            (TabExpansion2 -inputScript 'Get-XenDomain -Name db' -cursorColumn 22).CompletionMatches.CompletionText | Should -Be @('db1')
        }

        It 'completes with wildcards' {
            (TabExpansion2 -inputScript 'Get-XenDomain *1' -cursorColumn 16).CompletionMatches.CompletionText | Should -Be @('db1', 'web1')
        }

        It 'completes connection names for -XenHost' {
            $prefix = $xh.Name.Substring(0, $xh.Name.Length - 3)
            $script = "Get-XenDomain -XenHost $prefix"
            (TabExpansion2 -inputScript $script -cursorColumn $script.Length).CompletionMatches.CompletionText | Should -Be @($xh.Name)
        }

        It 'shows domains as a table: Name, Id, State, MemoryMB, VCpu, CpuTime, Uptime, HostName' {
            $text = Get-XenDomain web1 | Out-String -Width 200
            $lines = @($text -split "\r?\n" | Where-Object { $_.Trim() })
            $lines[0] | Should -Match '^Name\s+Id\s+State\s+MemoryMB\s+VCpu\s+CpuTime\(s\)\s+Uptime\s+HostName\s*$'
            $lines[1] | Should -Match '^-+'
            $lines[2] | Should -Match ('^web1\s+\d+\s+Running\s+128\s+1\s+\S+\s+\d\d:\d\d:\d\d\s+' + [regex]::Escape($xh.Name) + '\s*$')
        }
    }
}

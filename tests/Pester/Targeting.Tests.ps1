BeforeAll {
    . "$PSScriptRoot/common.ps1"
    . "$PSScriptRoot/TestHelpers.ps1"

    # Domains whose names look alike, made outside XenPS (a config file written by hand, then plain
    # 'xl create'), as an operator finds them on a host: XenPS itself would not create these names.
    $script:LookAlikes = @('web*', 'web1', 'WEB1', 'web[1]', 'web2')

    function script:ConfigFor([string] $Name) {
        "name = `"$Name`"`ntype = `"pv`"`nkernel = `"/boot/vmlinuz`"`nramdisk = `"/boot/initrd.img`"`nmemory = 128`n"
    }

    function script:New-LookAlikeHost([switch] $Off) {
        $xh = Connect-TestHost -Prefix 'target'
        foreach ($n in $script:LookAlikes) {
            Set-XenSimulation -XenHost $xh -HostFile @{ "/etc/xen/$n.cfg" = (ConfigFor $n) }
            if (-not $Off) {
                Set-XenSimulation -XenHost $xh -XlCreate (ConfigFor $n)
            }
        }

        $xh
    }

    # What an operator could see of each domain, by name: id, state, memory, config file. Keys are
    # case-sensitive (a PowerShell hashtable would fold web1 and WEB1 into one).
    function script:Get-Seen($XenHost) {
        $seen = [System.Collections.Generic.Dictionary[string, string]]::new([System.StringComparer]::Ordinal)
        foreach ($d in Get-XenDomain -XenHost $XenHost | Where-Object Id -ne 0) {
            $seen[$d.Name] = '{0}|{1}|{2}|{3}' -f $d.Id, $d.State, $d.MemoryMB, $d.ConfigPath
        }

        $seen
    }

    # The names whose domain changed between two snapshots (appeared, went, or looks different).
    function script:Get-Changed($Before, $After) {
        $names = [System.Collections.Generic.HashSet[string]]::new([System.StringComparer]::Ordinal)
        foreach ($k in @($Before.Keys) + @($After.Keys)) {
            $null = $names.Add($k)
        }

        $value = { param($d, $k) if ($d.ContainsKey($k)) { $d[$k] } else { '(none)' } }
        @($names | Where-Object { (& $value $Before $_) -cne (& $value $After $_) } | Sort-Object)
    }
}

Describe 'Exact targeting' {
    AfterEach {
        if ($xh) { Disconnect-XenHost -XenHost $xh }
    }

    Context 'one piped object among look-alike names (web*, web1, WEB1, web[1], web2)' {
        # Each verb gets the object of the domain named 'web*' and must change that domain only.
        It '<Verb> changes only the piped domain' -ForEach @(
            @{ Verb = 'Stop-XenDomain -Force'; Act = { $input | Stop-XenDomain -Force -Confirm:$false } }
            @{ Verb = 'Stop-XenDomain'; Act = { $input | Stop-XenDomain -Confirm:$false } }
            @{ Verb = 'Suspend-XenDomain'; Act = { $input | Suspend-XenDomain -Confirm:$false } }
            @{ Verb = 'Restart-XenDomain -Force'; Act = { $input | Restart-XenDomain -Force -Confirm:$false } }
            @{ Verb = 'Save-XenDomain'; Act = { $input | Save-XenDomain -Path '/var/lib/xen/save/' -Confirm:$false } }
            @{ Verb = 'Set-XenDomain'; Act = { $input | Set-XenDomain -MemoryMB 96 -Confirm:$false } }
            @{ Verb = 'Rename-XenDomain'; Act = { $input | Rename-XenDomain -NewName 'renamed1' -Confirm:$false } }
            @{ Verb = 'Remove-XenDomain -Force'; Act = { $input | Remove-XenDomain -Force -Confirm:$false } }
        ) {
            $xh = New-LookAlikeHost
            $before = Get-Seen $xh
            $object = Get-XenDomain -XenHost $xh | Where-Object Name -CEQ 'web*'
            $object | & $Act
            $changed = Get-Changed $before (Get-Seen $xh)
            $changed | Where-Object { $_ -cne 'web*' -and $_ -cne 'renamed1' } | Should -BeNullOrEmpty
            $changed | Should -Contain 'web*'
        }

        It 'Resume-XenDomain resumes only the piped domain' {
            $xh = New-LookAlikeHost
            Suspend-XenDomain -XenHost $xh -Name 'w*', 'WEB1' -Confirm:$false
            $before = Get-Seen $xh
            Get-XenDomain -XenHost $xh | Where-Object Name -CEQ 'web*' | Resume-XenDomain -Confirm:$false
            Get-Changed $before (Get-Seen $xh) | Should -Be @('web*')
        }

        It 'Start-XenDomain starts only the piped Off domain' {
            $xh = New-LookAlikeHost -Off
            $before = Get-Seen $xh
            Get-XenDomain -XenHost $xh | Where-Object Name -CEQ 'web*' | Start-XenDomain -Confirm:$false
            Get-Changed $before (Get-Seen $xh) | Should -Be @('web*')
            (Get-XenDomain -XenHost $xh -State Running | Where-Object Id -ne 0).Name | Should -Be @('web*')
        }

        It 'Remove-XenDomain removes only the piped Off domain''s config file' {
            $xh = New-LookAlikeHost -Off
            Get-XenDomain -XenHost $xh | Where-Object Name -CEQ 'web*' | Remove-XenDomain -Confirm:$false
            @((Get-XenDomain -XenHost $xh | Where-Object Id -ne 0).Name | Sort-Object) | Should -Be @($script:LookAlikes | Where-Object { $_ -cne 'web*' } | Sort-Object)
        }

        It 'Get-XenDomain, Get-XenDomainConfig and Wait-XenDomain return only the piped domain' {
            $xh = New-LookAlikeHost
            $object = Get-XenDomain -XenHost $xh | Where-Object Name -CEQ 'web[1]'
            @($object | Get-XenDomain).Name | Should -Be @('web[1]')
            @($object | Get-XenDomainConfig).Name | Should -Be @('web[1]')
            @($object | Wait-XenDomain -State Running -Timeout 5 -PassThru).Name | Should -Be @('web[1]')
        }

        It 'binds the piped object by value, to -InputObject' {
            $xh = New-LookAlikeHost
            $object = Get-XenDomain -XenHost $xh | Where-Object Name -CEQ 'web*'
            foreach ($verb in 'Stop', 'Start', 'Suspend', 'Resume', 'Restart', 'Save', 'Set', 'Rename', 'Remove', 'Wait') {
                $command = Get-Command "$verb-XenDomain"
                $command.DefaultParameterSet | Should -Be 'InputObject' -Because "$verb-XenDomain must bind a piped XenDomain by value"
                foreach ($p in 'Name', 'Id', 'Uuid', 'InputObject') {
                    $command.Parameters.Keys | Should -Contain $p
                }
            }
        }
    }

    Context 'names' {
        It 'matches names case-sensitively: -Name web1 stops web1, not WEB1' {
            $xh = New-LookAlikeHost
            $before = Get-Seen $xh
            Stop-XenDomain -XenHost $xh -Name web1 -Force -Confirm:$false
            Get-Changed $before (Get-Seen $xh) | Should -Be @('web1')
        }

        It 'takes a typed name that is a domain''s exact name as that domain only, even with wildcard characters' {
            $xh = New-LookAlikeHost
            $before = Get-Seen $xh
            Suspend-XenDomain -XenHost $xh -Name 'web*' -Confirm:$false
            Get-Changed $before (Get-Seen $xh) | Should -Be @('web*')
            @(Get-XenDomain -XenHost $xh -Name 'web[1]').Name | Should -Be @('web[1]')
        }

        It 'still expands a typed wildcard that is no domain''s name, case-sensitively' {
            $xh = New-LookAlikeHost
            @(Get-XenDomain -XenHost $xh -Name 'web?' | Sort-Object Name).Name | Should -Be @('web*', 'web1', 'web2')
            @(Get-XenDomain -XenHost $xh -Name 'WEB?').Name | Should -Be @('WEB1')
        }

        It 'takes names from the pipeline (strings, a CSV row) literally' {
            $xh = New-LookAlikeHost
            $before = Get-Seen $xh
            [pscustomobject]@{ Name = 'web?' } | Stop-XenDomain -XenHost $xh -Force -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
            $e[0].FullyQualifiedErrorId | Should -BeLike 'DomainNotFound*'
            'w*' | Stop-XenDomain -XenHost $xh -Force -Confirm:$false -ErrorVariable e2 -ErrorAction SilentlyContinue
            $e2[0].FullyQualifiedErrorId | Should -BeLike 'DomainNotFound*'
            Get-Changed $before (Get-Seen $xh) | Should -BeNullOrEmpty

            'WEB1' | Stop-XenDomain -XenHost $xh -Force -Confirm:$false
            Get-Changed $before (Get-Seen $xh) | Should -Be @('WEB1')
        }

        It 'refuses to create or rename to <Name> before anything is written, naming the rule' -ForEach @(
            @{ Name = '-a' }, @{ Name = 'two words' }, @{ Name = 'a;b' }, @{ Name = 'x$(whoami)' }, @{ Name = 'a"b' },
            @{ Name = '-rf' }, @{ Name = 'a=b' }, @{ Name = 'Domain-0' }, @{ Name = '123' }, @{ Name = 'web*' }
        ) {
            $xh = New-TestHost -Running 'ok1'
            $before = Get-Seen $xh
            { New-XenDomain -Name $Name -MemoryMB 64 -Kernel /boot/vmlinuz -Start -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidDomainName*'
            { Rename-XenDomain ok1 -NewName $Name -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidDomainName*'
            $err = { New-XenDomain -Name $Name -MemoryMB 64 -Kernel /boot/vmlinuz -ErrorAction Stop } | Should -Throw -PassThru
            $err.Exception.Message | Should -BeLike "*letters (a-z, A-Z), digits, '-', '_' and '.' only*"
            $c = ConvertFrom-XenConfig -Content "name = 'q1'`n"
            { $c.Name = $Name } | Should -Throw
            Get-Changed $before (Get-Seen $xh) | Should -BeNullOrEmpty
        }

        It 'still lists and acts exactly on domains that have such names already' {
            $xh = Connect-TestHost -Prefix 'odd'
            foreach ($n in '-a', 'a;b', 'two words') {
                Set-XenSimulation -XenHost $xh -XlCreate (ConfigFor $n)
            }

            $before = Get-Seen $xh
            Stop-XenDomain -XenHost $xh -Name '-a' -Force -Confirm:$false
            Get-Changed $before (Get-Seen $xh) | Should -Be @('-a')
            (Get-XenDomain -XenHost $xh -Name 'two words').State | Should -Be 'Running'
        }
    }

    Context 'the domain as it is now' {
        It 'refuses to remove, without -Force, a domain that runs now however old the object' {
            $xh = New-TestHost -Running @() -Off 'web1'
            $stale = Get-XenDomain web1
            $stale.State | Should -Be 'Off'
            Start-XenDomain web1
            $stale | Remove-XenDomain -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
            $e[0].FullyQualifiedErrorId | Should -BeLike 'DomainRunning*'
            (Get-XenDomain web1).ConfigPath | Should -Not -BeNullOrEmpty
        }

        It 'acts on a piped object whose domid changed through its config file' {
            $xh = New-TestHost -Running 'web1'
            $old = Get-XenDomain web1
            Restart-XenDomain web1 -Force -Confirm:$false
            (Get-XenDomain web1).Id | Should -Not -Be $old.Id
            $old | Suspend-XenDomain -Confirm:$false
            (Get-XenDomain web1).State | Should -Be 'Paused'
        }

        It 'says a gone domain is not found, naming its name, id and host' {
            $xh = New-TestHost -Running 'tmp1'
            $o = Get-XenDomain tmp1
            Remove-XenDomain tmp1 -Force -Confirm:$false
            $o | Suspend-XenDomain -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
            $e[0].FullyQualifiedErrorId | Should -BeLike 'DomainNotFound*'
            $e[0].Exception.Message | Should -BeLike "*'tmp1'*$($xh.Name)*id $($o.Id)*"
        }
    }

    Context '-WhatIf and -Confirm' {
        It 'reports Domain-0 under -WhatIf as the DomainProtected error the run gives, not as a promise' {
            $xh = New-TestHost -Running 'web1'
            $before = Get-Seen $xh
            Get-XenDomain | Stop-XenDomain -WhatIf -ErrorVariable e -ErrorAction SilentlyContinue
            @($e | Where-Object FullyQualifiedErrorId -Like 'DomainProtected*').Count | Should -Be 1
            $e[0].TargetObject.Name | Should -Be 'Domain-0'
            Get-Changed $before (Get-Seen $xh) | Should -BeNullOrEmpty
        }
    }

    Context 'connections' {
        It 'refuses to act through a closed connection and no longer lists it' {
            $b = Connect-TestHost -Prefix 'closed' -NotDefault
            $null = New-TestDomain -XenHost $b -Name vm1
            $o = Get-XenDomain -XenHost $b vm1
            Disconnect-XenHost -XenHost $b
            (Get-XenHostConnection).Name | Should -Not -Contain $b.Name

            $o | Suspend-XenDomain -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
            $e[0].FullyQualifiedErrorId | Should -BeLike 'ConnectionClosed*'
            $e[0].Exception.Message | Should -BeLike '*closed*Connect-XenHost*'

            # The same simulated host, reached again: the domain was not paused.
            $again = Connect-XenHost -Simulated -Name $b.Name -NotDefault
            (Get-XenDomain -XenHost $again vm1).State | Should -Be 'Running'
            Disconnect-XenHost -XenHost $again
        }
    }

    Context 'runspaces' {
        It 'keeps simulated hosts of the same name apart in another runspace' {
            $name = New-TestName -Prefix 'rs'
            $xh = Connect-XenHost -Simulated -Name $name -NotDefault
            $manifest = $script:XenPSManifest
            1 | ForEach-Object -Parallel {
                Import-Module $using:manifest
                $null = Connect-XenHost -Simulated -Name $using:name
                $null = New-XenDomain -Name fromparallel -MemoryMB 64 -Kernel /boot/vmlinuz
            }

            (Get-XenDomain -XenHost $xh).Name | Should -Not -Contain 'fromparallel'
        }

        It 'shares on purpose with -StatePath' {
            $state = Join-Path ([System.IO.Path]::GetTempPath()) ((New-TestName -Prefix 'state') + '.json')
            try {
                $name = New-TestName -Prefix 'rs'
                $xh = Connect-XenHost -Simulated -Name $name -StatePath $state -NotDefault
                $manifest = $script:XenPSManifest
                1 | ForEach-Object -Parallel {
                    Import-Module $using:manifest
                    $null = Connect-XenHost -Simulated -Name $using:name -StatePath $using:state
                    $null = New-XenDomain -Name fromparallel -MemoryMB 64 -Kernel /boot/vmlinuz
                }

                (Get-XenDomain -XenHost $xh).Name | Should -Contain 'fromparallel'
            }
            finally {
                Remove-Item -LiteralPath $state -ErrorAction SilentlyContinue
            }
        }
    }
}

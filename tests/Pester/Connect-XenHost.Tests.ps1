BeforeAll {
    . "$PSScriptRoot/common.ps1"
    . "$PSScriptRoot/TestHelpers.ps1"
}

Describe 'Connect-XenHost' {
    Context '-Simulated' {
        It 'returns the connection, makes it the default, and a new host has only Domain-0' {
            $name = New-TestName
            $c = Connect-XenHost -Simulated -Name $name
            try {
                $c.GetType().FullName | Should -Be 'XenPS.XenHostConnection'
                $c.Name | Should -Be $name
                $c.Transport | Should -Be 'Simulated'
                $c.IsDefault | Should -BeTrue
                $c.ConfigDirectory | Should -Be '/etc/xen'
                $c.StatePath | Should -BeNullOrEmpty
                (Get-XenDomain).Name | Should -Be 'Domain-0'
                (Get-XenHost).Name | Should -Be $name
            }
            finally {
                Disconnect-XenHost -XenHost $c
            }
        }

        It 'builds a new host of 3071 MiB and 2 CPUs unless told otherwise' {
            $c = Connect-XenHost -Simulated -Name (New-TestName)
            $big = Connect-XenHost -Simulated -Name (New-TestName) -TotalMemoryMB 8192 -CpuCount 8
            try {
                $info = Get-XenHost -XenHost $c
                $info.TotalMemoryMB | Should -Be 3071
                $info.CpuCount | Should -Be 2
                $bigInfo = Get-XenHost -XenHost $big
                $bigInfo.TotalMemoryMB | Should -Be 8192
                $bigInfo.CpuCount | Should -Be 8
            }
            finally {
                Disconnect-XenHost -XenHost $c, $big
            }
        }

        It 'keeps the previous default with -NotDefault' {
            $first = Connect-XenHost -Simulated -Name (New-TestName)
            $second = Connect-XenHost -Simulated -Name (New-TestName) -NotDefault
            try {
                $second.IsDefault | Should -BeFalse
                $first.IsDefault | Should -BeTrue
                (Get-XenHost).Name | Should -Be $first.Name
            }
            finally {
                Disconnect-XenHost -XenHost $first, $second
            }
        }

        It 'finds the same simulated host again by name within the session' {
            $name = New-TestName
            $c = Connect-XenHost -Simulated -Name $name
            $null = New-TestDomain -XenHost $c -Name web1
            Disconnect-XenHost -XenHost $c
            $again = Connect-XenHost -Simulated -Name $name
            try {
                (Get-XenDomain web1 -XenHost $again).State | Should -Be 'Running'
            }
            finally {
                Disconnect-XenHost -XenHost $again
            }
        }

        It 'refuses a host smaller than Domain-0 needs' {
            { Connect-XenHost -Simulated -Name (New-TestName) -TotalMemoryMB 100 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
        }

        It 'takes ComputerName by position and refuses an empty one (the SSH parameter set)' {
            { Connect-XenHost '' } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
        }
    }

    Context 'state file' {
        It 'keeps simulated hosts in the state file across connections' {
            $state = Join-Path $TestDrive 'reconnect.json'
            $c = Connect-XenHost -Simulated -Name (New-TestName) -StatePath $state
            $c.StatePath | Should -Be $state
            $null = New-TestDomain -XenHost $c -Name web1
            Test-Path -LiteralPath $state | Should -BeTrue
            Disconnect-XenHost -XenHost $c
            $again = Connect-XenHost -Simulated -Name $c.Name -StatePath $state
            try {
                (Get-XenDomain web1 -XenHost $again).State | Should -Be 'Running'
            }
            finally {
                Disconnect-XenHost -XenHost $again
            }
        }

        It 'shares the hosts with another process that uses the same state file' {
            $state = Join-Path $TestDrive 'shared.json'
            $xh = New-TestHost -Running 'web1', 'web2' -StatePath $state
            try {
                $child = Invoke-ChildPwsh -Values @{ HOST = $xh.Name; STATE = $state } -Script @'
$c = Connect-XenHost -Simulated -Name __HOST__ -StatePath __STATE__
Get-XenDomain -XenHost $c | Where-Object Id -NE 0 | ForEach-Object { 'seen {0} {1}' -f $_.Name, $_.State }
Suspend-XenDomain -Name web1 -XenHost $c
Stop-XenDomain -Name web2 -XenHost $c -Force
'done'
'@
                $child.ExitCode | Should -Be 0 -Because ($child.Output -join "`n")
                $child.Output | Should -Contain 'seen web1 Running'
                $child.Output | Should -Contain 'seen web2 Running'
                $child.Output | Should -Contain 'done'

                # What the child did is what this process now sees.
                (Get-XenDomain web1 -XenHost $xh).State | Should -Be 'Paused'
                (Get-XenDomain web2 -XenHost $xh).State | Should -Be 'Off'
            }
            finally {
                Disconnect-XenHost -XenHost $xh
            }
        }

        It 'keeps hosts of different state files apart' {
            $name = New-TestName
            $one = Connect-XenHost -Simulated -Name $name -StatePath (Join-Path $TestDrive 'one.json')
            $null = New-TestDomain -XenHost $one -Name only-in-one
            $two = Connect-XenHost -Simulated -Name $name -StatePath (Join-Path $TestDrive 'two.json')
            try {
                (Get-XenDomain -XenHost $two).Name | Should -Be 'Domain-0'
            }
            finally {
                Disconnect-XenHost -XenHost $two
            }
        }
    }

    Context 'output and completion' {
        It 'shows connections as a table: Name, Transport, IsDefault, ConfigDirectory' {
            $c = Connect-XenHost -Simulated -Name (New-TestName)
            try {
                $lines = @(($c | Out-String -Width 200) -split "\r?\n" | Where-Object { $_.Trim() })
                $lines[0] | Should -Match '^Name\s+Transport\s+IsDefault\s+ConfigDirectory\s*$'
                $lines[2] | Should -Match ('^' + [regex]::Escape($c.Name) + '\s+Simulated\s+True\s+/etc/xen\s*$')
            }
            finally {
                Disconnect-XenHost -XenHost $c
            }
        }

        It 'writes what it connected to on the verbose stream' {
            $c = Connect-XenHost -Simulated -Name (New-TestName) -Verbose 4>&1
            try {
                $verbose = @($c | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
                $connection = @($c | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] })
                $connection.Count | Should -Be 1
                ($verbose.Message -join "`n") | Should -BeLike "*Connected to Xen host '$($connection[0].Name)' (Xen 4.17.7*"
            }
            finally {
                Disconnect-XenHost -XenHost ($c | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] })
            }
        }
    }
}

BeforeAll {
    . "$PSScriptRoot/common.ps1"
    . "$PSScriptRoot/TestHelpers.ps1"

    # A guest whose on_poweroff is preserve: after a graceful shutdown xl keeps it, in state Shutdown;
    # destroyed, it is gone. That tells xl shutdown (Stop-XenDomain) from xl destroy (-Force).
    $PreservingGuest = @'
name = "keeper"
type = "pv"
kernel = "/boot/vmlinuz"
ramdisk = "/boot/initrd.img"
memory = 128
on_poweroff = "preserve"
'@
}

Describe 'Stop-XenDomain' {
    BeforeEach {
        $xh = New-TestHost -Running 'web1', 'web2', 'db1'
    }

    AfterEach {
        Disconnect-XenHost -XenHost $xh
    }

    Context 'graceful shutdown and -Force' {
        It 'shuts a domain down and emits nothing; its config file keeps it listed as Off' {
            $out = Stop-XenDomain web1
            $out | Should -BeNullOrEmpty
            $d = Get-XenDomain web1
            $d.State | Should -Be 'Off'
            $d.Id | Should -BeNullOrEmpty
            $d.ConfigPath | Should -Be '/etc/xen/web1.cfg'
        }

        It 'emits the domain as it is afterwards with -PassThru' {
            $d = Stop-XenDomain web1 -PassThru
            $d.Name | Should -Be 'web1'
            $d.State | Should -Be 'Off'
            $d.HostName | Should -Be $xh.Name
        }

        It 'asks the guest to shut down (xl shutdown): its on_poweroff action follows' {
            $null = New-TestDomainFromConfig -XenHost $xh -Text $PreservingGuest
            Stop-XenDomain keeper
            (Get-XenDomain keeper).State | Should -Be 'Shutdown'
        }

        It 'destroys the domain with -Force (xl destroy), whatever its on_poweroff says' {
            $null = New-TestDomainFromConfig -XenHost $xh -Text $PreservingGuest
            Stop-XenDomain keeper -Force
            (Get-XenDomain keeper).State | Should -Be 'Off'
        }

        It 'destroys with -Force only: a failing xl destroy fails -Force and not a graceful stop' {
            Set-XenSimulation -FailNext @{ Operation = 'Destroy'; Message = 'libxl: error: simulated destroy failure' }
            Stop-XenDomain web1 -ErrorVariable graceful
            $graceful.Count | Should -Be 0
            (Get-XenDomain web1).State | Should -Be 'Off'

            $id = (Get-XenDomain web2).Id
            Stop-XenDomain web2 -Force -ErrorVariable forced -ErrorAction SilentlyContinue
            $forced.Count | Should -Be 1
            $forced[0].FullyQualifiedErrorId | Should -BeLike 'XlCommandFailed,*'
            # xl is given the domid (never a name that could be read as an option); the message names the domain.
            $forced[0].Exception.Message | Should -BeLike "*xl destroy $id*domain 'web2' (id $id)*"
            $forced[0].Exception.Message | Should -BeLike '*simulated destroy failure*'
            (Get-XenDomain web2).State | Should -Be 'Running'
        }

        It 'destroys a domain that has already shut down (xl keeps it until then)' {
            $null = New-TestDomainFromConfig -XenHost $xh -Text $PreservingGuest
            Stop-XenDomain keeper
            Stop-XenDomain keeper
            (Get-XenDomain keeper).State | Should -Be 'Off'
        }

        It 'refuses a paused domain without -Force (it cannot acknowledge), and destroys it with -Force' {
            Suspend-XenDomain web1
            Stop-XenDomain web1 -ErrorVariable e -ErrorAction SilentlyContinue
            $e.Count | Should -Be 1
            $e[0].FullyQualifiedErrorId | Should -BeLike 'DomainPaused,*'
            $e[0].TargetObject.Name | Should -Be 'web1'
            (Get-XenDomain web1).State | Should -Be 'Paused'

            Stop-XenDomain web1 -Force
            (Get-XenDomain web1).State | Should -Be 'Off'
        }

        It 'leaves an Off domain alone, without an error' {
            Stop-XenDomain web1
            $d = Stop-XenDomain web1 -PassThru -ErrorVariable e
            $e.Count | Should -Be 0
            $d.State | Should -Be 'Off'
        }
    }

    Context '-Wait and -Timeout' {
        It 'waits for the shutdown with -Wait' {
            Stop-XenDomain web1 -Wait -Timeout 10
            (Get-XenDomain web1).State | Should -Be 'Off'
        }

        It 'gives up after -Timeout seconds with OperationTimedOut, the domain as target' {
            Set-XenSimulation -LatencySeconds @{ Shutdown = 30 }
            Stop-XenDomain web1 -Wait -Timeout 1 -ErrorVariable e -ErrorAction SilentlyContinue
            $e.Count | Should -Be 1
            $e[0].FullyQualifiedErrorId | Should -BeLike 'OperationTimedOut,*'
            $e[0].TargetObject.Name | Should -Be 'web1'
            $e[0].Exception.Message | Should -BeLike "*web1*$($xh.Name)*1 s*"
            (Get-XenDomain web1).State | Should -Be 'Running'
        }

        It 'stops only the wait at -Timeout: the requested shutdown still happens' {
            # Issue 13, case 6: with a 2 s shutdown, -Wait -Timeout 1 lost the shutdown; the guest ran on forever.
            Set-XenSimulation -LatencySeconds @{ Shutdown = 2 }
            Stop-XenDomain web1 -Wait -Timeout 1 -ErrorVariable e -ErrorAction SilentlyContinue
            $e.Count | Should -Be 1
            $e[0].FullyQualifiedErrorId | Should -BeLike 'OperationTimedOut,*'
            $e[0].Exception.Message | Should -BeLike '*shutdown was requested and goes on*'
            Wait-XenDomain web1 -State Off -Timeout 20
            (Get-XenDomain web1).State | Should -Be 'Off'
        }

        It 'refuses -Timeout without -Wait as an invalid invocation, before touching anything' {
            { Stop-XenDomain web1 -Timeout 5 } | Should -Throw -ErrorId 'TimeoutWithoutWait,*'
            # With -Force too: the timeout would be silently ignored, and the guest destroyed.
            { Stop-XenDomain web1 -Force -Timeout 5 -Confirm:$false } | Should -Throw -ErrorId 'TimeoutWithoutWait,*'
            (Get-XenDomain web1).State | Should -Be 'Running'
        }

        It 'refuses a timeout below one second' {
            { Stop-XenDomain web1 -Wait -Timeout 0 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
        }
    }

    Context 'pipelines and many domains' {
        It 'stops what Get-XenDomain web* sends it: Get-XenDomain web* | Stop-XenDomain -Force' {
            Get-XenDomain web* | Stop-XenDomain -Force
            (Get-XenDomain web*).State | Should -Be @('Off', 'Off')
            (Get-XenDomain db1).State | Should -Be 'Running'
        }

        It 'goes on past a name that matches nothing: web1 stops, one DomainNotFound for missing' {
            'web1', 'missing' | Stop-XenDomain -ErrorVariable e -ErrorAction SilentlyContinue
            (Get-XenDomain web1).State | Should -Be 'Off'
            $e.Count | Should -Be 1
            $e[0].FullyQualifiedErrorId | Should -BeLike 'DomainNotFound,*'
            $e[0].TargetObject | Should -Be 'missing'
        }

        It 'stops many domains a few at a time with -ThrottleLimit and writes each result' {
            $null = New-TestDomain -XenHost $xh -Name web3
            $null = New-TestDomain -XenHost $xh -Name web4
            $stopped = Stop-XenDomain 'web*' -Force -ThrottleLimit 2 -PassThru
            @($stopped.Name | Sort-Object) | Should -Be @('web1', 'web2', 'web3', 'web4')
            $stopped.State | Should -Be @('Off', 'Off', 'Off', 'Off')
        }

        It 'refuses Domain-0 when it comes down the pipeline, and stops the guests' {
            Get-XenDomain | Stop-XenDomain -Force -ErrorVariable e -ErrorAction SilentlyContinue
            $e.Count | Should -Be 1
            $e[0].FullyQualifiedErrorId | Should -BeLike 'DomainProtected,*'
            (Get-XenDomain -Id 0).State | Should -Be 'Running'
            @(Get-XenDomain -State Running | Where-Object Id -NE 0) | Should -BeNullOrEmpty
        }

        It 'keeps Domain-0 whatever the wildcard' {
            Stop-XenDomain '*' -Force -ErrorAction SilentlyContinue
            (Get-XenDomain -Id 0).Name | Should -Be 'Domain-0'
            @(Get-XenDomain -State Running | Where-Object Id -NE 0) | Should -BeNullOrEmpty
        }
    }

    Context 'cancellation' {
        It 'starts no shutdown after the pipeline is stopped, with Select-Object -First upstream (Ctrl+C)' {
            # Issue 13, case 5: Ctrl+C of 'Get-XenDomain c* | Select-Object -First N | Stop-XenDomain -ThrottleLimit 4'
            # let the queued domains go on shutting down after the pipeline had stopped. The pipeline runs in
            # its own runspace (as at a prompt) on a host kept in a state file; PowerShell.Stop() is Ctrl+C.
            $state = Join-Path $TestDrive "cancel-$([guid]::NewGuid().ToString('N')).json"
            $name = New-TestName -Prefix 'cancel'
            $lab = Connect-XenHost -Simulated -Name $name -StatePath $state -NotDefault
            try {
                foreach ($n in (1..20 | ForEach-Object { 'c{0:d2}' -f $_ })) {
                    $null = New-XenDomain -XenHost $lab -Name $n -MemoryMB 16 -Kernel '/boot/vmlinuz' -Ramdisk '/boot/initrd.img' -Start -ErrorAction Stop
                }

                Set-XenSimulation -XenHost $lab -LatencySeconds @{ Shutdown = 0.5 }
                $manifest = Get-TestModuleManifest
                $runspace = [runspacefactory]::CreateRunspace()
                $runspace.Open()
                $ps = [powershell]::Create()
                $ps.Runspace = $runspace
                $null = $ps.AddScript({
                        param($Manifest, $Name, $State)
                        Import-Module $Manifest
                        $null = Connect-XenHost -Simulated -Name $Name -StatePath $State
                        Get-XenDomain c* | Select-Object -First 16 | Stop-XenDomain -ThrottleLimit 4
                    }).AddArgument($manifest).AddArgument($name).AddArgument($state)
                $async = $ps.BeginInvoke()

                # Stop once some shutdowns have happened (at most four run at once, 0.5 s each).
                $deadline = [DateTime]::UtcNow.AddSeconds(60)
                while (@(Get-XenDomain -XenHost $lab c* | Where-Object State -eq 'Off').Count -lt 4 -and [DateTime]::UtcNow -lt $deadline) {
                    Start-Sleep -Milliseconds 100
                }

                $ps.Stop()
                Start-Sleep -Milliseconds 300
                $offAtStop = @(Get-XenDomain -XenHost $lab c* | Where-Object State -eq 'Off').Count
                $offAtStop | Should -BeLessThan 16

                # Long enough for every queued shutdown to have run, had any gone on (16 x 0.5 s / 4).
                Start-Sleep -Seconds 3
                @(Get-XenDomain -XenHost $lab c* | Where-Object State -eq 'Off').Count | Should -Be $offAtStop
                $ps.Dispose()
                $runspace.Dispose()
            }
            finally {
                Disconnect-XenHost -XenHost $lab
            }
        }
    }

    Context 'common behaviour' {
        It 'changes nothing with -WhatIf' {
            $before = Get-DomainSnapshot -XenHost $xh
            Stop-XenDomain 'web*' -WhatIf
            # Domain-0 is reported under -WhatIf as the same error the run gives (exact targeting).
            Get-XenDomain | Stop-XenDomain -Force -WhatIf -ErrorAction SilentlyContinue -ErrorVariable dom0Errors
            @($dom0Errors | Where-Object FullyQualifiedErrorId -Like 'DomainProtected*').Count | Should -Be 1
            Get-DomainSnapshot -XenHost $xh | Should -Be $before
        }

        It 'says what it would do with -WhatIf, in a sentence naming the domain and the host' {
            $state = Join-Path $TestDrive 'whatif.json'
            $shared = New-TestHost -Running 'web1' -Off 'old1' -StatePath $state -NotDefault
            try {
                $child = Invoke-ChildPwsh -Values @{ HOST = $shared.Name; STATE = $state } -Script @'
$c = Connect-XenHost -Simulated -Name __HOST__ -StatePath __STATE__
Stop-XenDomain -Name web1 -XenHost $c -WhatIf
Stop-XenDomain -Name web1 -XenHost $c -Force -WhatIf
Stop-XenDomain -Name old1 -XenHost $c -WhatIf
'@
                $child.ExitCode | Should -Be 0 -Because ($child.Output -join "`n")
                $child.Output | Should -Contain "What if: Shut down domain 'web1' on host '$($shared.Name)'."
                $child.Output | Should -Contain "What if: Destroy domain 'web1' on host '$($shared.Name)' (xl destroy: no graceful shutdown)."
                # An Off domain is left as it is: -WhatIf does not promise a shutdown.
                $child.Output | Should -Contain "What if: Shut down domain 'old1' on host '$($shared.Name)': it is already off, so nothing will change unless it has started since it was read."
                (Get-XenDomain web1 -XenHost $shared).State | Should -Be 'Running'
            }
            finally {
                Disconnect-XenHost -XenHost $shared
            }
        }

        It 'writes what it decides on the verbose stream' {
            $records = Stop-XenDomain web1 -Verbose 4>&1
            ($records | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n" |
                Should -BeLike "*Shutting down domain web1 on $($xh.Name)*"
        }

        It 'fans out over several hosts, and every output says its host' {
            $other = New-TestHost -Running 'web1' -NotDefault
            try {
                $stopped = Stop-XenDomain web1 -XenHost $xh, $other -Force -PassThru
                @($stopped.HostName | Sort-Object) | Should -Be @(@($xh.Name, $other.Name) | Sort-Object)
                (Get-XenDomain web1 -XenHost $xh, $other).State | Should -Be @('Off', 'Off')
            }
            finally {
                Disconnect-XenHost -XenHost $other
            }
        }

        It 'acts on the host each piped object came from' {
            $other = New-TestHost -Running 'web1' -NotDefault
            try {
                Get-XenDomain web1 -XenHost $other | Stop-XenDomain -Force
                (Get-XenDomain web1 -XenHost $other).State | Should -Be 'Off'
                (Get-XenDomain web1 -XenHost $xh).State | Should -Be 'Running'
            }
            finally {
                Disconnect-XenHost -XenHost $other
            }
        }

        It 'completes domain names' {
            (TabExpansion2 -inputScript 'Stop-XenDomain -Name w' -cursorColumn 22).CompletionMatches.CompletionText | Should -Be @('web1', 'web2')
        }
    }
}

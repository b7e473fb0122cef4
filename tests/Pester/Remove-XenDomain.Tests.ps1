BeforeAll {
    . "$PSScriptRoot/common.ps1"
    . "$PSScriptRoot/TestHelpers.ps1"
}

# Remove-XenDomain's ConfirmImpact is High, so it asks for confirmation by default: every call
# here says -Confirm:$false, as a script would.
Describe 'Remove-XenDomain' {
    BeforeEach {
        $xh = New-TestHost -Running 'web1', 'web2', 'db1' -Off 'spare', 'spare2'
    }

    AfterEach {
        Disconnect-XenHost -XenHost $xh
    }

    Context 'removing' {
        It 'removes an Off domain: its config file goes, so it is no longer listed; emits nothing' {
            $out = Remove-XenDomain spare -Confirm:$false
            $out | Should -BeNullOrEmpty
            Get-XenDomain spare -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $e[0].FullyQualifiedErrorId | Should -BeLike 'DomainNotFound,*'
            (Get-XenDomain spare2).State | Should -Be 'Off'
        }

        It 'refuses a running domain without -Force: DomainRunning, and the domain and its file stay' {
            Remove-XenDomain web1 -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
            $e.Count | Should -Be 1
            $e[0].FullyQualifiedErrorId | Should -BeLike 'DomainRunning,*'
            $e[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
            $e[0].TargetObject.Name | Should -Be 'web1'
            $e[0].Exception.Message | Should -BeLike '*-Force*'
            $d = Get-XenDomain web1
            $d.State | Should -Be 'Running'
            $d.ConfigPath | Should -Be '/etc/xen/web1.cfg'
        }

        It 'destroys a running domain first with -Force, then removes it' {
            Remove-XenDomain web1 -Force -Confirm:$false
            Get-XenDomain web1 -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        }

        It 'refuses a paused domain without -Force too' {
            Suspend-XenDomain web1
            Remove-XenDomain web1 -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
            $e[0].FullyQualifiedErrorId | Should -BeLike 'DomainRunning,*'
            (Get-XenDomain web1).State | Should -Be 'Paused'
        }

        It 'removes the autostart link with the config file' {
            Set-XenDomain spare -AutoStart $true
            (Get-XenDomain spare).AutoStart | Should -BeTrue
            Remove-XenDomain spare -Confirm:$false

            # A new domain of the same name would start at boot if the old link were left behind.
            $null = New-TestDomain -XenHost $xh -Name spare -Off
            (Get-XenDomain spare).AutoStart | Should -BeFalse
        }

        It 'says which steps happened when a step after the destroy fails; the config file stays' {
            Set-XenSimulation -FailNext @{ Operation = 'DeleteFile'; Message = 'rm: cannot remove ''/etc/xen/auto/web1.cfg'': Read-only file system' }
            Remove-XenDomain web1 -Force -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
            $e.Count | Should -Be 1
            $e[0].Exception.Message | Should -BeLike "*web1*$($xh.Name)*destroyed the running domain; removing the autostart link /etc/xen/auto/web1.cfg failed:*Read-only file system*"
            $d = Get-XenDomain web1
            $d.State | Should -Be 'Off'
            $d.ConfigPath | Should -Be '/etc/xen/web1.cfg'
        }

        It 'never removes Domain-0' {
            Remove-XenDomain Domain-0 -Force -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
            $e.Count | Should -Be 1
            $e[0].FullyQualifiedErrorId | Should -BeLike 'DomainProtected,*'
            (Get-XenDomain -Id 0).Name | Should -Be 'Domain-0'
        }
    }

    Context 'confirmation' {
        It 'has ConfirmImpact High, so it asks by default' {
            $command = Get-Command Remove-XenDomain
            $attribute = $command.ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $true) | Select-Object -First 1
            $attribute.ConfirmImpact | Should -Be 'High'
            $command.Parameters.ContainsKey('Confirm') | Should -BeTrue
        }

        It 'still asks with -Force: a non-interactive session cannot answer, so nothing is removed' {
            $state = Join-Path $TestDrive 'confirm.json'
            $shared = New-TestHost -Running 'web1' -StatePath $state -NotDefault
            try {
                $child = Invoke-ChildPwsh -Values @{ HOST = $shared.Name; STATE = $state } -Script @'
$c = Connect-XenHost -Simulated -Name __HOST__ -StatePath __STATE__
try {
    Remove-XenDomain -Name web1 -XenHost $c -Force
    'removed'
}
catch {
    'refused'
}
'@
                $child.Output | Should -Contain 'refused' -Because ($child.Output -join "`n")
                $child.Output | Should -Not -Contain 'removed'
                (Get-XenDomain web1 -XenHost $shared).State | Should -Be 'Running'
            }
            finally {
                Disconnect-XenHost -XenHost $shared
            }
        }
    }

    Context 'pipelines and many domains' {
        It 'removes what Get-XenDomain sends it: Get-XenDomain web* | Remove-XenDomain -Force' {
            Get-XenDomain web* | Remove-XenDomain -Force -Confirm:$false
            Get-XenDomain web* | Should -BeNullOrEmpty
            (Get-XenDomain db1).State | Should -Be 'Running'
        }

        It 'goes on past a name that matches nothing' {
            'spare', 'missing', 'spare2' | Remove-XenDomain -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
            Get-XenDomain 'spare*' | Should -BeNullOrEmpty
            $e.Count | Should -Be 1
            $e[0].FullyQualifiedErrorId | Should -BeLike 'DomainNotFound,*'
            $e[0].TargetObject | Should -Be 'missing'
        }

        It 'removes Off domains and refuses running ones in one call, each on its own' {
            Remove-XenDomain 'spare', 'web1', 'spare2' -ThrottleLimit 2 -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
            $e.Count | Should -Be 1
            $e[0].TargetObject.Name | Should -Be 'web1'
            Get-XenDomain 'spare*' | Should -BeNullOrEmpty
            (Get-XenDomain web1).State | Should -Be 'Running'
        }
    }

    Context 'common behaviour' {
        It 'changes nothing with -WhatIf, with or without -Force' {
            $before = Get-DomainSnapshot -XenHost $xh
            Remove-XenDomain 'spare', 'spare2' -WhatIf
            Remove-XenDomain 'web*' -Force -WhatIf
            Get-DomainSnapshot -XenHost $xh | Should -Be $before
        }

        It 'fans out over several hosts' {
            $other = New-TestHost -Running @() -Off 'spare' -NotDefault
            try {
                Remove-XenDomain spare -XenHost $xh, $other -Confirm:$false
                Get-XenDomain spare -XenHost $xh, $other -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
                (Get-XenDomain spare2 -XenHost $xh).State | Should -Be 'Off'
            }
            finally {
                Disconnect-XenHost -XenHost $other
            }
        }

        It 'acts on the host each piped object came from' {
            $other = New-TestHost -Running @() -Off 'spare' -NotDefault
            try {
                Get-XenDomain spare -XenHost $other | Remove-XenDomain -Confirm:$false
                Get-XenDomain spare -XenHost $other -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
                (Get-XenDomain spare -XenHost $xh).State | Should -Be 'Off'
            }
            finally {
                Disconnect-XenHost -XenHost $other
            }
        }

        It 'completes domain names' {
            (TabExpansion2 -inputScript 'Remove-XenDomain sp' -cursorColumn 19).CompletionMatches.CompletionText | Should -Be @('spare', 'spare2')
        }
    }
}

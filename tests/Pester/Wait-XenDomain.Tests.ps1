BeforeAll {
    . "$PSScriptRoot/common.ps1"
    . "$PSScriptRoot/TestHelpers.ps1"
}

Describe 'Wait-XenDomain' {
    BeforeEach {
        $xh = New-TestHost -Running 'web1', 'web2', 'db1' -Off 'spare'
    }

    AfterEach {
        Disconnect-XenHost -XenHost $xh
    }

    It 'returns at once for a domain already in the state, emitting nothing' {
        $out = Wait-XenDomain web1 -State Running -Timeout 5 -ErrorVariable e
        $e.Count | Should -Be 0
        $out | Should -BeNullOrEmpty
    }

    It 'emits the domain with -PassThru' {
        Suspend-XenDomain web2
        $d = Wait-XenDomain web2 -State Paused -PassThru
        $d.Name | Should -Be 'web2'
        $d.State | Should -Be 'Paused'
        $d.HostName | Should -Be $xh.Name
    }

    It 'gives up after -Timeout seconds with a non-terminating OperationTimedOut error, the domain as target' {
        Wait-XenDomain web1 -State Paused -Timeout 1 -ErrorVariable e -ErrorAction SilentlyContinue
        $e.Count | Should -Be 1
        $e[0].FullyQualifiedErrorId | Should -BeLike 'OperationTimedOut,*'
        $e[0].CategoryInfo.Category | Should -Be 'OperationTimeout'
        $e[0].TargetObject.Name | Should -Be 'web1'
        $e[0].Exception.Message | Should -BeLike "*Paused*web1*$($xh.Name)*"
    }

    It 'takes Off to include gone: a domain object whose domain was removed is Off' {
        $web1 = Get-XenDomain web1
        Remove-XenDomain web1 -Force -Confirm:$false
        $web1 | Wait-XenDomain -State Off -Timeout 5 -ErrorVariable e
        $e.Count | Should -Be 0
    }

    It 'waits until another session changes the domain' {
        $state = Join-Path $TestDrive 'wait.json'
        $shared = New-TestHost -Running 'web1' -StatePath $state -NotDefault

        # Another runspace (its own session, the same state file) shuts web1 down a little later.
        $ps = [powershell]::Create()
        $null = $ps.AddScript(@'
param($manifest, $name, $state)
Import-Module -Name $manifest
$c = Connect-XenHost -Simulated -Name $name -StatePath $state
Start-Sleep -Seconds 2
Stop-XenDomain -Name web1 -XenHost $c
'@).AddArgument((Get-TestModuleManifest)).AddArgument($shared.Name).AddArgument($state)
        $pending = $ps.BeginInvoke()
        try {
            $d = Wait-XenDomain web1 -XenHost $shared -State Off -Timeout 60 -PassThru -ErrorVariable e
            $e.Count | Should -Be 0
            $d.State | Should -Be 'Off'
        }
        finally {
            $null = $ps.EndInvoke($pending)
            $ps.Streams.Error.Count | Should -Be 0
            $ps.Dispose()
            Disconnect-XenHost -XenHost $shared
        }
    }

    It 'waits for many domains at once' {
        Suspend-XenDomain 'web1', 'web2'
        $done = Get-XenDomain web* | Wait-XenDomain -State Paused -Timeout 5 -PassThru
        @($done.Name | Sort-Object) | Should -Be @('web1', 'web2')
    }

    It 'goes on past a name that matches nothing' {
        'web1', 'missing' | Wait-XenDomain -State Running -Timeout 5 -ErrorVariable e -ErrorAction SilentlyContinue
        $e.Count | Should -Be 1
        $e[0].FullyQualifiedErrorId | Should -BeLike 'DomainNotFound,*'
        $e[0].TargetObject | Should -Be 'missing'
    }

    It 'requires a state, and refuses one that does not exist' {
        { Wait-XenDomain web1 -State Sleeping } | Should -Throw -ExpectedMessage '*Sleeping*'
        (Get-Command Wait-XenDomain).Parameters['State'].Attributes.Where({ $_ -is [System.Management.Automation.ParameterAttribute] }).Mandatory | Should -Contain $true
    }

    It 'refuses a timeout below one second' {
        { Wait-XenDomain web1 -State Running -Timeout 0 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
    }

    It 'fans out over several hosts' {
        $other = New-TestHost -Running 'web1' -NotDefault
        try {
            $done = Wait-XenDomain web1 -XenHost $xh, $other -State Running -Timeout 5 -PassThru
            @($done.HostName | Sort-Object) | Should -Be @(@($xh.Name, $other.Name) | Sort-Object)
        }
        finally {
            Disconnect-XenHost -XenHost $other
        }
    }

    It 'completes domain names' {
        (TabExpansion2 -inputScript 'Wait-XenDomain -Name sp' -cursorColumn 23).CompletionMatches.CompletionText | Should -Be @('spare')
    }
}

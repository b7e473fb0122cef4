BeforeAll {
    . "$PSScriptRoot/common.ps1"
    . "$PSScriptRoot/TestHelpers.ps1"
}

Describe 'Disconnect-XenHost' {
    BeforeEach {
        $a = Connect-TestHost -Prefix 'disc'
        $b = Connect-TestHost -Prefix 'disc'
    }

    AfterEach {
        # Whatever a test left open; disconnecting a connection twice is harmless.
        Disconnect-XenHost -XenHost $a, $b -ErrorAction SilentlyContinue
    }

    It 'closes a connection given as an object: its name is no longer accepted' {
        Disconnect-XenHost -XenHost $a
        { Get-XenDomain -XenHost $a.Name -ErrorAction Stop } | Should -Throw -ErrorId 'ParameterArgumentTransformationError,*'
        (Get-XenDomain -XenHost $b.Name -Id 0).HostName | Should -Be $b.Name
    }

    It 'takes connection names, by position and from the pipeline' {
        Disconnect-XenHost $a.Name
        { Get-XenHost -XenHost $a.Name -ErrorAction Stop } | Should -Throw -ErrorId 'ParameterArgumentTransformationError,*'
        $b | Disconnect-XenHost
        { Get-XenHost -XenHost $b.Name -ErrorAction Stop } | Should -Throw -ErrorId 'ParameterArgumentTransformationError,*'
    }

    It 'closes the default connection when none is named, and the most recent other one becomes the default' {
        (Get-XenHost).Name | Should -Be $b.Name
        Disconnect-XenHost
        (Get-XenHost).Name | Should -Be $a.Name
        $a.IsDefault | Should -BeTrue
        $b.IsDefault | Should -BeFalse
    }

    It 'emits nothing' {
        Disconnect-XenHost -XenHost $a | Should -BeNullOrEmpty
    }

    It 'leaves a simulated host as it was: connecting again finds its domains' {
        $null = New-TestDomain -XenHost $a -Name kept
        Disconnect-XenHost -XenHost $a
        $again = Connect-XenHost -Simulated -Name $a.Name
        try {
            (Get-XenDomain kept -XenHost $again).State | Should -Be 'Running'
        }
        finally {
            Disconnect-XenHost -XenHost $again
        }
    }

    It 'closes every connection with -All' {
        # In a runspace of its own, so that this test does not close the connections of others.
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript(@'
param($manifest)
Import-Module -Name $manifest
$null = Connect-XenHost -Simulated -Name all-one
$null = Connect-XenHost -Simulated -Name all-two
Disconnect-XenHost -All
foreach ($n in 'all-one', 'all-two') {
    try { Get-XenHost -XenHost $n -ErrorAction Stop; "$n still open" } catch { "$n closed" }
}
'@).AddArgument((Get-TestModuleManifest))
            $result = @($ps.Invoke())
        }
        finally {
            $ps.Dispose()
        }

        $result | Should -Be @('all-one closed', 'all-two closed')
    }

    It 'completes connection names' {
        $script = 'Disconnect-XenHost ' + $a.Name.Substring(0, $a.Name.Length - 2)
        (TabExpansion2 -inputScript $script -cursorColumn $script.Length).CompletionMatches.CompletionText | Should -Be @($a.Name)
    }
}

#Requires -Version 7.4
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
<#
    Exact targeting through the cmdlets on a real Xen host (the one tests/integration/xen-qemu/run-stage.sh
    booted, or the Dom0 that XENPS_TEST_* names): a name xl would read as an option is refused at creation;
    a domain made with plain 'xl create' outside XenPS under such a name is stopped exactly, by name and piped,
    and its look-alike is left running.
#>

BeforeAll {
    . "$PSScriptRoot/RealXenCommon.ps1" -Label targeting
    $script:plain = 'xenps-ps-opt-' + $suffix
    $script:odd = '-' + $script:plain

    # Plain 'xl create' on the host, over the system ssh, outside XenPS (no name rules).
    function script:Invoke-XlCreateOutside([string] $Name) {
        $cfg = "name = `"$Name`"`ntype = `"pv`"`nkernel = `"$script:kernel`"`nramdisk = `"$script:ramdisk`"`nmemory = $script:memory`nextra = `"console=hvc0 quiet`"`n"
        $file = "/tmp/xenps-outside-$([guid]::NewGuid().ToString('N').Substring(0, 6)).cfg"
        $cfg | Invoke-HostSsh "cat > $file && xl create $file; rc=`$?; rm -f $file; exit `$rc"
        if ($LASTEXITCODE -ne 0) { throw "xl create of '$Name' outside XenPS failed (exit $LASTEXITCODE)" }
    }
}

AfterAll {
    Get-XenDomain -XenHost $script:conn | Where-Object { $_.Id -gt 0 -and $_.Name.Contains($script:plain) } |
        Stop-XenDomain -Force -Confirm:$false -ErrorAction SilentlyContinue
    if ($script:conn) { Disconnect-XenHost -XenHost $script:conn }
}

Describe 'Exact targeting on a real Xen host' -Tag 'Integration' {
    It 'refuses at creation a name xl would read as an option, writing nothing' {
        Step 'New-XenDomain -Name -a is refused (InvalidDomainName)' {
            { New-XenDomain -XenHost $script:conn -Name '-a' -MemoryMB $script:memory -Kernel $script:kernel -Start -ErrorAction Stop } |
                Should -Throw -ErrorId 'InvalidDomainName*'
            Get-XenDomain -XenHost $script:conn -Name '-a' -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        }
    }

    It 'stops exactly a domain named like an option that plain xl create made, and not its look-alike' {
        Step 'Stop-XenDomain of a domain named -xenps-ps-opt-... made outside XenPS' {
            Invoke-XlCreateOutside $script:plain
            Invoke-XlCreateOutside $script:odd
            $neighbour = Get-XenDomain -XenHost $script:conn -Name $script:plain
            $target = Get-XenDomain -XenHost $script:conn -Name $script:odd
            $target.Name | Should -BeExactly $script:odd

            $target | Suspend-XenDomain -Confirm:$false
            (Get-XenDomain -XenHost $script:conn -Name $script:odd).State | Should -Be 'Paused'
            (Get-XenDomain -XenHost $script:conn -Name $script:plain).State | Should -Be 'Running'
            Resume-XenDomain -XenHost $script:conn -Name $script:odd -Confirm:$false

            Stop-XenDomain -XenHost $script:conn -Name $script:odd -Force -Confirm:$false
            $target | Wait-XenDomain -State Off -Timeout 60
            Get-XenDomain -XenHost $script:conn -Name $script:odd -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $after = Get-XenDomain -XenHost $script:conn -Name $script:plain
            $after.Id | Should -Be $neighbour.Id
            $after.State | Should -Be 'Running'
        }
    }
}

#Requires -Version 7.4
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
<#
    Exact targeting through the cmdlets on a real Xen host (the one tests/integration/xen-qemu/run-stage.sh
    booted, or the Dom0 that XENPS_TEST_* names): a name xl would read as an option is refused at creation;
    a domain made with plain 'xl create' outside XenPS under such a name is stopped exactly, by name and piped,
    and its look-alike is left running.
#>

BeforeDiscovery {
    if (-not $env:XENPS_TEST_HOST) {
        throw 'XENPS_TEST_HOST is not set: these tests need a real Xen host and never pass without one. Run tests/integration/xen-qemu/run-stage.sh, or export XENPS_TEST_HOST, XENPS_TEST_PORT, XENPS_TEST_USER, XENPS_TEST_IDENTITY (see tests/integration/xen-qemu/README.md).'
    }
}

BeforeAll {
    $repo = (Resolve-Path "$PSScriptRoot/../../..").Path
    Import-Module (Join-Path $repo 'out/XenPS/XenPS.psd1') -Force

    $script:kernel = if ($env:XENPS_TEST_KERNEL) { $env:XENPS_TEST_KERNEL } else { '/srv/vmlinuz' }
    $script:ramdisk = if ($env:XENPS_TEST_RAMDISK) { $env:XENPS_TEST_RAMDISK } else { '/srv/domU-initrd.gz' }
    $script:memory = if ($env:XENPS_TEST_GUEST_MEMORY_MB) { [int]$env:XENPS_TEST_GUEST_MEMORY_MB } else { 128 }
    $script:plain = 'xenps-ps-opt-' + [guid]::NewGuid().ToString('N').Substring(0, 6)
    $script:odd = '-' + $script:plain

    $connect = @{
        ComputerName = $env:XENPS_TEST_HOST
        SshOption    = 'StrictHostKeyChecking=no', 'UserKnownHostsFile=/dev/null', 'LogLevel=ERROR'
    }
    if ($env:XENPS_TEST_PORT) { $connect.Port = [int]$env:XENPS_TEST_PORT }
    if ($env:XENPS_TEST_USER) { $connect.User = $env:XENPS_TEST_USER }
    if ($env:XENPS_TEST_IDENTITY) { $connect.IdentityFile = $env:XENPS_TEST_IDENTITY }
    $script:conn = Connect-XenHost @connect

    # Plain 'xl create' on the host, over the system ssh, outside XenPS (no name rules).
    function script:Invoke-XlCreateOutside([string] $Name) {
        $cfg = "name = `"$Name`"`ntype = `"pv`"`nkernel = `"$script:kernel`"`nramdisk = `"$script:ramdisk`"`nmemory = $script:memory`nextra = `"console=hvc0 quiet`"`n"
        $sshArgs = @('-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR')
        if ($env:XENPS_TEST_PORT) { $sshArgs += @('-p', $env:XENPS_TEST_PORT) }
        if ($env:XENPS_TEST_IDENTITY) { $sshArgs += @('-i', $env:XENPS_TEST_IDENTITY) }
        $user = if ($env:XENPS_TEST_USER) { $env:XENPS_TEST_USER } else { 'root' }
        $file = "/tmp/xenps-outside-$([guid]::NewGuid().ToString('N').Substring(0, 6)).cfg"
        $cfg | & ssh @sshArgs "$user@$($env:XENPS_TEST_HOST)" "cat > $file && xl create $file; rc=`$?; rm -f $file; exit `$rc"
        if ($LASTEXITCODE -ne 0) { throw "xl create of '$Name' outside XenPS failed (exit $LASTEXITCODE)" }
    }

    function script:Step([string] $Name, [scriptblock] $Body) {
        $sw = [Diagnostics.Stopwatch]::StartNew()
        try {
            & $Body
            Write-Host ("SCENARIO (cmdlets) {0}: passed in {1:0.0} s" -f $Name, $sw.Elapsed.TotalSeconds)
        }
        catch {
            Write-Host ("SCENARIO (cmdlets) {0}: FAILED after {1:0.0} s: {2}" -f $Name, $sw.Elapsed.TotalSeconds, $_)
            throw
        }
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

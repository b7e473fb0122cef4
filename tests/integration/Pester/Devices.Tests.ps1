#Requires -Version 7.4
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
<#
    Disks, network adapters, bridges and disk images through the cmdlets on a real Xen host (the one
    tests/integration/xen-qemu/run-stage.sh booted, or the Dom0 that XENPS_TEST_* names): the tutorials'
    image creation, block-attach/-list/-detach and network-attach/-list/-detach steps, the checks that run
    before xl (a missing target, a missing bridge), and devices persisted with -Persist surviving a stop and
    a start from the config file. The harness runs no HVM device model, so CD-ROM changes (Set-XenDisk) are
    covered on the simulator only; its Dom0 has no qemu-img, so qcow2 creation is checked for its error here.
#>

BeforeDiscovery {
    if (-not $env:XENPS_TEST_HOST) {
        throw 'XENPS_TEST_HOST is not set: these tests need a real Xen host and never pass without one. Run tests/integration/xen-qemu/run-stage.sh, or export XENPS_TEST_HOST, XENPS_TEST_PORT, XENPS_TEST_USER, XENPS_TEST_IDENTITY (see tests/integration/xen-qemu/README.md).'
    }
}

BeforeAll {
    $repo = (Resolve-Path "$PSScriptRoot/../../..").Path
    $manifest = Join-Path $repo 'out/XenPS/XenPS.psd1'
    if (-not (Test-Path $manifest)) {
        throw "The module is not built: $manifest is missing. Run 'dotnet build XenPS.sln' first."
    }

    Import-Module $manifest -Force

    $script:kernel = if ($env:XENPS_TEST_KERNEL) { $env:XENPS_TEST_KERNEL } else { '/srv/vmlinuz' }
    $script:ramdisk = if ($env:XENPS_TEST_RAMDISK) { $env:XENPS_TEST_RAMDISK } else { '/srv/domU-initrd.gz' }
    $script:memory = if ($env:XENPS_TEST_GUEST_MEMORY_MB) { [int]$env:XENPS_TEST_GUEST_MEMORY_MB } else { 128 }
    $script:bridge = if ($env:XENPS_TEST_BRIDGE) { $env:XENPS_TEST_BRIDGE } else { 'xenbr0' }
    $script:suffix = [guid]::NewGuid().ToString('N').Substring(0, 6)
    $script:guest = "xenps-dev-$suffix"
    $script:image = "/tmp/xenps-dev-$suffix.img"
    $script:kept = "/tmp/xenps-dev-kept-$suffix.img"
    $script:mac = '00:16:3e:' + $suffix.Substring(0, 2) + ':' + $suffix.Substring(2, 2) + ':' + $suffix.Substring(4, 2)

    $connect = @{
        ComputerName = $env:XENPS_TEST_HOST
        SshOption    = 'StrictHostKeyChecking=no', 'UserKnownHostsFile=/dev/null', 'LogLevel=ERROR'
    }
    if ($env:XENPS_TEST_PORT) { $connect.Port = [int]$env:XENPS_TEST_PORT }
    if ($env:XENPS_TEST_USER) { $connect.User = $env:XENPS_TEST_USER }
    if ($env:XENPS_TEST_IDENTITY) { $connect.IdentityFile = $env:XENPS_TEST_IDENTITY }
    $script:conn = Connect-XenHost @connect

    function script:Wait-Until([scriptblock] $Condition, [int] $Seconds, [string] $What) {
        $until = (Get-Date).AddSeconds($Seconds)
        while (-not (& $Condition)) {
            if ((Get-Date) -gt $until) { throw "Timed out after $Seconds s waiting for $What" }
            Start-Sleep -Milliseconds 500
        }
    }

    function script:Step([string] $Name, [scriptblock] $Body) {
        $sw = [Diagnostics.Stopwatch]::StartNew()
        try {
            & $Body
            Write-Host ("SCENARIO (devices) {0}: passed in {1:0.0} s" -f $Name, $sw.Elapsed.TotalSeconds)
        }
        catch {
            Write-Host ("SCENARIO (devices) {0}: FAILED after {1:0.0} s: {2}" -f $Name, $sw.Elapsed.TotalSeconds, $_)
            throw
        }
    }

    New-XenDomain -Name $guest -Type Pv -MemoryMB $memory -Kernel $kernel -Ramdisk $ramdisk -KernelArgs 'console=hvc0 quiet' -Network "bridge=$bridge" -Start | Out-Null
}

AfterAll {
    Get-XenDomain -Name $script:guest -ErrorAction SilentlyContinue | Remove-XenDomain -Force -Confirm:$false -ErrorAction SilentlyContinue
    if ($script:conn) {
        # The cmdlets never delete images: the test removes its own with ssh (the harness's /tmp is a tmpfs anyway).
        $ssh = @('-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', '-o', 'BatchMode=yes')
        if ($env:XENPS_TEST_PORT) { $ssh += '-p', $env:XENPS_TEST_PORT }
        if ($env:XENPS_TEST_IDENTITY) { $ssh += '-i', $env:XENPS_TEST_IDENTITY }
        $user = if ($env:XENPS_TEST_USER) { $env:XENPS_TEST_USER } else { 'root' }
        & ssh @ssh "$user@$($env:XENPS_TEST_HOST)" rm -f -- $script:image "$($script:image).qcow2" $script:kept 2>$null
        Disconnect-XenHost -XenHost $script:conn
    }
}

Describe 'Disks, network adapters and images on a real Xen host' -Tag 'Integration' {
    It 'New-XenDiskImage makes a sparse raw image, never overwrites it, and names qemu-img when it is missing' {
        Step 'New-XenDiskImage' {
            $img = New-XenDiskImage -Path $image -SizeGB 0.0625
            $img.Path | Should -Be $image
            $img.Format | Should -Be 'raw'
            $img.SizeGB | Should -Be 0.0625
            $img.AllocatedBytes | Should -BeLessThan (64MB)
            $img.HostName | Should -Be $conn.Name

            New-XenDiskImage -Path $image -SizeGB 1 -ErrorAction SilentlyContinue -ErrorVariable again | Should -BeNullOrEmpty
            $again[0].FullyQualifiedErrorId | Should -BeLike 'DiskImageExists,*'

            $q = New-XenDiskImage -Path "$image.qcow2" -SizeGB 1 -Format qcow2 -ErrorAction SilentlyContinue -ErrorVariable qcow
            if ($qcow) {
                # The harness Dom0 has no qemu-img: the error says which program is missing, on which host.
                $qcow[0].FullyQualifiedErrorId | Should -BeLike 'ProgramNotFound,*'
                "$($qcow[0])" | Should -Match 'qemu-img'
                "$($qcow[0])" | Should -Match ([regex]::Escape($conn.Name))
            }
            else {
                $q.Format | Should -Be 'qcow2'
            }
        }
    }

    It 'Add-XenDisk attaches the image, Get-XenDisk shows its target, Remove-XenDisk detaches it' {
        Step 'block-attach / block-list / block-detach' {
            $disk = Add-XenDisk -Name $guest -Path $image -PassThru
            $disk.Vdev | Should -Be 'xvda'
            $listed = Get-XenDisk -Name $guest | Where-Object Vdev -eq 'xvda'
            $listed.Target | Should -Be $image
            $listed.Format | Should -Be 'raw'
            $listed.Access | Should -Be 'rw'
            $listed.DomainName | Should -Be $guest

            Get-XenDisk -Name $guest | Where-Object Vdev -eq 'xvda' | Remove-XenDisk -Confirm:$false
            Get-XenDisk -Name $guest | Should -BeNullOrEmpty
        }
    }

    It 'Add-XenDisk refuses a target the host does not have, before xl runs' {
        Step 'missing target' {
            Add-XenDisk -Name $guest -Path "/tmp/xenps-nothing-$suffix.img" -ErrorAction SilentlyContinue -ErrorVariable missing
            $missing[0].FullyQualifiedErrorId | Should -BeLike 'TargetNotFound,*'
            "$($missing[0])" | Should -Match "xenps-nothing-$suffix"
            Get-XenDisk -Name $guest | Should -BeNullOrEmpty
        }
    }

    It 'Get-XenBridge lists the bridge; Add-XenNetworkAdapter plugs a vif into it; Remove-XenNetworkAdapter takes it out' {
        Step 'network-attach / network-list / network-detach' {
            $br = Get-XenBridge -Name $bridge
            $br.Name | Should -Be $bridge
            $br.Interfaces | Should -Contain ("vif{0}.0" -f (Get-XenDomain -Name $guest).Id)

            $nic = Add-XenNetworkAdapter -Name $guest -Bridge $bridge -PassThru
            $nic.Index | Should -Be 1
            $nic.Bridge | Should -Be $bridge
            $nic.Mac | Should -Match '^00:16:3e:'
            (Get-XenNetworkAdapter -Name $guest).Count | Should -Be 2

            Get-XenNetworkAdapter -Name $guest | Where-Object Index -eq 1 | Remove-XenNetworkAdapter -Confirm:$false
            Wait-Until { @(Get-XenNetworkAdapter -Name $guest).Count -eq 1 } 60 'the vif to go'
        }
    }

    It 'Add-XenNetworkAdapter refuses a bridge the host does not have, naming it and the bridges it has' {
        Step 'missing bridge' {
            Add-XenNetworkAdapter -Name $guest -Bridge 'xenps-nobr' -ErrorAction SilentlyContinue -ErrorVariable nobr
            $nobr[0].FullyQualifiedErrorId | Should -BeLike 'BridgeNotFound,*'
            "$($nobr[0])" | Should -Match 'xenps-nobr'
            "$($nobr[0])" | Should -Match ([regex]::Escape($bridge))
            @(Get-XenNetworkAdapter -Name $guest).Count | Should -Be 1
        }
    }

    It 'devices added with -Persist survive a stop and a start from the config file' {
        Step 'persisted devices survive stop / start' {
            New-XenDiskImage -Path $kept -SizeGB 0.03125 | Out-Null
            Add-XenDisk -Name $guest -Path $kept -Vdev xvdb -Persist
            Add-XenNetworkAdapter -Name $guest -Bridge $bridge -Mac $mac -Persist

            Stop-XenDomain -Name $guest -Wait -Timeout 180
            (Get-XenDomain -Name $guest).State | Should -Be 'Off'
            (Get-XenDisk -Name $guest).Target | Should -Be $kept

            Start-XenDomain -Name $guest
            $disk = Get-XenDisk -Name $guest
            $disk.Vdev | Should -Be 'xvdb'
            $disk.Target | Should -Be $kept
            $disk.DomainId | Should -Be (Get-XenDomain -Name $guest).Id
            (Get-XenNetworkAdapter -Name $guest).Mac | Should -Contain $mac
        }
    }
}

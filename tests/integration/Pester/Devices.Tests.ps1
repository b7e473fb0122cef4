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

BeforeAll {
    . "$PSScriptRoot/RealXenCommon.ps1" -Label devices
    $script:guest = "xenps-dev-$suffix"
    $script:image = "/tmp/xenps-dev-$suffix.img"
    $script:kept = "/tmp/xenps-dev-kept-$suffix.img"
    $script:mac = '00:16:3e:' + $suffix.Substring(0, 2) + ':' + $suffix.Substring(2, 2) + ':' + $suffix.Substring(4, 2)

    New-XenDomain -Name $guest -Type Pv -MemoryMB $memory -Kernel $kernel -Ramdisk $ramdisk -KernelArgs 'console=hvc0 quiet' -Network "bridge=$bridge" -Start | Out-Null
}

AfterAll {
    Get-XenDomain -Name $script:guest -ErrorAction SilentlyContinue | Remove-XenDomain -Force -Confirm:$false -ErrorAction SilentlyContinue
    if ($script:conn) {
        # The cmdlets never delete images: the test removes its own with ssh (the harness's /tmp is a tmpfs anyway).
        Invoke-HostSsh "rm -f -- '$($script:image)' '$($script:image).qcow2' '$($script:kept)'" 2>$null
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

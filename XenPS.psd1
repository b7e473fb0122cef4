@{
    RootModule           = 'XenPS.psm1'
    ModuleVersion        = '0.1.0'
    GUID                 = 'd5262e03-37ed-4bfb-9c96-a53a69dea2be'
    Author               = 'XenPS contributors'
    CompanyName          = 'XenPS'
    Copyright            = '(c) XenPS contributors. All rights reserved.'
    Description          = 'Operate Xen hosts from PowerShell: create, inspect, change, migrate and retire Xen domains through xl, locally on a Dom0 or over SSH, with an embedded Xen simulator for trying XenPS and testing runbooks.'
    CompatiblePSEditions = @('Core')
    PowerShellVersion    = '7.4'
    RequiredAssemblies   = @('XenPS.Loader.dll')
    FormatsToProcess     = @('XenPS.Format.ps1xml')
    CmdletsToExport      = @(
        'ConvertFrom-XenConfig'
        'ConvertTo-XenConfig'
        'Get-XenDomain'
        'New-XenDomain'
        'Remove-XenDomain'
        'Rename-XenDomain'
        'Restart-XenDomain'
        'Restore-XenDomain'
        'Resume-XenDomain'
        'Save-XenDomain'
        'Set-XenDomain'
        'Start-XenDomain'
        'Stop-XenDomain'
        'Suspend-XenDomain'
        'Wait-XenDomain'
        'Get-XenDomainConfig'
        'Test-XenDomainConfig'
        'Connect-XenHost'
        'Disconnect-XenHost'
        'Get-XenHost'
        'Get-XenHostConnection'
        'Set-XenSimulation'
        'Get-XenDisk'
        'Add-XenDisk'
        'Remove-XenDisk'
        'Set-XenDisk'
        'New-XenDiskImage'
        'Get-XenNetworkAdapter'
        'Add-XenNetworkAdapter'
        'Remove-XenNetworkAdapter'
        'Get-XenBridge'
        'Get-XenVCpu'
        'Set-XenVCpu'
        'Get-XenDomainStatistic'
        'Get-XenHostLog'
        'Get-XenStoreItem'
        'Set-XenStoreItem'
        'Remove-XenStoreItem'
        'Enter-XenConsole'
        'Invoke-XenMigration'
        'Test-XenMigration'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('Xen', 'xl', 'Hypervisor', 'Virtualization', 'VM', 'Dom0', 'Linux', 'PSEdition_Core')
            # No ProjectUri or LicenseUri: XenPS has no public address yet (the license is LICENSE in the module folder).
            ReleaseNotes = 'First release: xl toolstack over local and SSH transports, xl.cfg language, simulator, lifecycle cmdlets.'
        }
    }
}

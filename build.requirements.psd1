# Pinned versions of the PowerShell modules build.ps1 uses when they are installed.
# build.ps1 never installs them itself; to get them:
#   Install-PSResource -Name Pester -Version 5.7.1
#   Install-PSResource -Name Microsoft.PowerShell.PlatyPS -Version 1.0.1
@{
    Pester                         = '5.7.1'
    'Microsoft.PowerShell.PlatyPS' = '1.0.1'
}

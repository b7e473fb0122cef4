# Self-test: a valid PowerShell data file; the checker must accept it.
@{
    Pester = '5.7.1'
    'Microsoft.PowerShell.PlatyPS' = '1.0.1'
    Nested = @{ List = @('a', 'b'); Flag = $true }
}

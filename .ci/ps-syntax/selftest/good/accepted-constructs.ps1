# Self-test: valid PowerShell in the styles this repository uses; the checker must accept it.
# (The grammar rejects a few valid one-line forms, e.g. `function f { [CmdletBinding()] param() ... }`
# on one line or `switch` clauses on one line: write those over several lines.)
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test')]
    [string] $Task = 'Build',
    [switch] $Force
)

$h = @{ A = 1; 'B-c' = @(1, 2, 3); D = @{ E = $true } }
$expandable = @"
here $($h.A) string
"@
$literal = @'
literal { not code
'@

function Get-Foo {
    [CmdletBinding()]
    param([Parameter(Mandatory)][string] $Name)
    process { "x $Name" }
}

Get-ChildItem -Path . -Recurse | Where-Object { $_.Length -gt 10 } | ForEach-Object -Process { $_.Name }
$splat = @{ Name = 'x' }
Get-Foo @splat
try { throw 'x' } catch [System.Exception] { Write-Error $_ } finally { $null = 1 }
if ($h.A -eq 1 -and -not $Force) { 'one' } elseif ($Task) { 'two' } else { 'three' }
& "$PSScriptRoot/x.ps1" -A `
    -B 2
$n = [int]::Parse('3'); $str = $n -as [string]
switch -Regex ($str) {
    '^\d+$' { 'number' }
    default { 'other' }
}
class Foo {
    [string] $Name
    Foo([string] $n) { $this.Name = $n }
}
Describe 'x' {
    It 'y' { 1 | Should -Be 1 }
}
$result = & pwsh -NoProfile -Command { exit 3 }
exit $LASTEXITCODE

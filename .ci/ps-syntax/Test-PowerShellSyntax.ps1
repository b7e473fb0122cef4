#Requires -Version 7.4
<#
.SYNOPSIS
    PowerShell syntax check with PowerShell's own parser.

.DESCRIPTION
    Parses every .ps1, .psm1 and .psd1 file of the repository (tracked files and untracked files git
    does not ignore; the self-test's deliberately broken files excepted) with
    [System.Management.Automation.Language.Parser]::ParseFile and fails on any parse error. .psd1 files
    must also be data files (Import-PowerShellDataFile). With -Manifest, Test-ModuleManifest checks the
    built module's manifest (its FormatsToProcess and RequiredAssemblies exist only in out/XenPS).
    -SelfTest: every file in selftest/bad must fail and every file in selftest/good must pass.

    Exit code 0: no error; 1: an error (listed with file, line and column).

.EXAMPLE
    dotnet pwsh .ci/ps-syntax/Test-PowerShellSyntax.ps1 -Manifest out/XenPS/XenPS.psd1
.EXAMPLE
    dotnet pwsh .ci/ps-syntax/Test-PowerShellSyntax.ps1 -SelfTest
#>
[CmdletBinding()]
param(
    # Files to check instead of the whole repository.
    [string[]] $Path,

    # The built module manifest to check with Test-ModuleManifest.
    [string] $Manifest,

    [switch] $SelfTest
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$repoRoot = (Resolve-Path -LiteralPath (Join-Path -Path $PSScriptRoot -ChildPath '../..')).Path
$badDir = Join-Path -Path $PSScriptRoot -ChildPath 'selftest/bad'
$goodDir = Join-Path -Path $PSScriptRoot -ChildPath 'selftest/good'

# The problems of one file: parse errors, and for a .psd1 anything that is not a data file.
function Get-SyntaxProblem {
    param([Parameter(Mandatory)] [string] $File)
    $tokens = $null
    $errors = $null
    $null = [System.Management.Automation.Language.Parser]::ParseFile($File, [ref] $tokens, [ref] $errors)
    foreach ($e in $errors) {
        '{0}:{1}:{2}: {3}' -f $File, $e.Extent.StartLineNumber, $e.Extent.StartColumnNumber, $e.Message
    }
    if ($errors.Count -eq 0 -and [IO.Path]::GetExtension($File) -eq '.psd1') {
        try {
            $null = Import-PowerShellDataFile -LiteralPath $File
        }
        catch {
            '{0}: not a PowerShell data file: {1}' -f $File, $_.Exception.Message
        }
    }
}

function Get-RepositoryFile {
    $listed = & git -C $repoRoot ls-files -z --cached --others --exclude-standard
    if ($LASTEXITCODE -ne 0) {
        throw "git ls-files failed in $repoRoot (exit code $LASTEXITCODE)."
    }
    $skip = [IO.Path]::GetRelativePath($repoRoot, $badDir).Replace('\', '/') + '/'
    foreach ($rel in ($listed -join '' -split "`0")) {
        if ($rel -and $rel -match '\.(ps1|psm1|psd1)$' -and -not $rel.StartsWith($skip) -and
            (Test-Path -LiteralPath (Join-Path -Path $repoRoot -ChildPath $rel) -PathType Leaf)) {
            Join-Path -Path $repoRoot -ChildPath $rel
        }
    }
}

if ($SelfTest) {
    $failures = 0
    $bad = @(Get-ChildItem -LiteralPath $badDir -File)
    $good = @(Get-ChildItem -LiteralPath $goodDir -File)
    if ($bad.Count -lt 10 -or $good.Count -eq 0) {
        Write-Host "ps-syntax self-test: expected at least 10 bad and 1 good files, found $($bad.Count) and $($good.Count)."
        exit 1
    }
    foreach ($f in $bad) {
        $problems = @(Get-SyntaxProblem -File $f.FullName)
        if ($problems.Count -eq 0) {
            Write-Host "ps-syntax self-test: $($f.Name) should fail the check, but passed."
            $failures++
        }
        else {
            Write-Host "ok (fails as it should): $($problems[0])"
        }
    }
    foreach ($f in $good) {
        $problems = @(Get-SyntaxProblem -File $f.FullName)
        if ($problems.Count -ne 0) {
            Write-Host "ps-syntax self-test: $($f.Name) should pass the check: $($problems -join '; ')"
            $failures++
        }
    }
    Write-Host ('ps-syntax self-test: {0} bad files failed, {1} good files passed, {2} wrong' -f ($bad.Count - $failures), $good.Count, $failures)
    exit ([int]($failures -ne 0))
}

$files = if ($Path) { $Path | ForEach-Object { (Resolve-Path -LiteralPath $_).Path } } else { @(Get-RepositoryFile) }
$problems = [System.Collections.Generic.List[string]]::new()
foreach ($f in $files) {
    foreach ($p in Get-SyntaxProblem -File $f) {
        $problems.Add($p)
    }
}
if ($Manifest) {
    try {
        $m = Test-ModuleManifest -Path $Manifest -ErrorAction Stop
        Write-Host "Test-ModuleManifest: $($m.Name) $($m.Version), $($m.ExportedCmdlets.Count) cmdlets declared"
    }
    catch {
        $problems.Add("${Manifest}: Test-ModuleManifest: $($_.Exception.Message)")
    }
}
foreach ($p in $problems) {
    Write-Host $p
}
Write-Host ('ps-syntax: {0} files parsed, {1} problems' -f @($files).Count, $problems.Count)
exit ([int]($problems.Count -ne 0))

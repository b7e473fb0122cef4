#Requires -Version 7.4
<#
.SYNOPSIS
    Builds, tests, documents and packages XenPS.

.DESCRIPTION
    -Task Build    dotnet build: lays out the importable module at out/XenPS/.
    -Task Test     Build, then dotnet test, then the Pester tests in tests/Pester (in a child pwsh) when
                   the pinned Pester from build.requirements.psd1 is installed; says what it skipped otherwise.
    -Task Docs     Turns the cmdlet pages en-US/*.md into MAML help (en-US/XenPS.dll-Help.xml) with
                   Microsoft.PowerShell.PlatyPS 1.x when installed; says it skipped otherwise.
    -Task Package  Build, then Publish-PSResource of out/XenPS into a local file repository under out/,
                   which leaves a .nupkg there.

    This script never installs anything. Pinned module versions: build.requirements.psd1.

    NOTE: the machine this was written on has no pwsh, so this script has not been run there; only its
    syntax is checked (.ci/ps-syntax). CI (.ci/run) runs `./build.ps1 -Task Test` whenever pwsh is on PATH.
    Keep it simple.

.EXAMPLE
    ./build.ps1
.EXAMPLE
    ./build.ps1 -Task Test
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Docs', 'Package')]
    [string] $Task = 'Build',

    [string] $Configuration = 'Release'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$RepoRoot = $PSScriptRoot
$Solution = Join-Path -Path $RepoRoot -ChildPath 'XenPS.sln'
$ModuleDir = Join-Path -Path $RepoRoot -ChildPath 'out/XenPS'
$Requirements = Import-PowerShellDataFile -LiteralPath (Join-Path -Path $RepoRoot -ChildPath 'build.requirements.psd1')

# Runs a program with an argument list (no shell in between) and stops on a non-zero exit code.
function Invoke-Program {
    param(
        [Parameter(Mandatory)] [string] $FilePath,
        [string[]] $ArgumentList = @()
    )
    Write-Host "> $FilePath $($ArgumentList -join ' ')"
    & $FilePath @ArgumentList
    if ($LASTEXITCODE -ne 0) {
        throw "'$FilePath $($ArgumentList -join ' ')' failed with exit code $LASTEXITCODE."
    }
}

# The installed module of exactly the pinned version, or $null.
function Get-PinnedModule {
    param([Parameter(Mandatory)] [string] $Name)
    $version = [version] $Requirements[$Name]
    Get-Module -ListAvailable -Name $Name |
        Where-Object { $_.Version -eq $version } |
        Select-Object -First 1
}

# A PowerShell single-quoted string literal of a value (for code run by the child pwsh).
function ConvertTo-Literal {
    param([Parameter(Mandatory)] [string] $Value)
    "'" + $Value.Replace("'", "''") + "'"
}

function Invoke-BuildTask {
    Invoke-Program -FilePath 'dotnet' -ArgumentList @('build', $Solution, '-c', $Configuration)
    if (-not (Test-Path -LiteralPath (Join-Path -Path $ModuleDir -ChildPath 'XenPS.psd1'))) {
        throw "The build did not lay out the module at $ModuleDir."
    }
}

function Invoke-TestTask {
    Invoke-BuildTask
    Invoke-Program -FilePath 'dotnet' -ArgumentList @('test', $Solution, '-c', $Configuration, '--no-build')

    # The cmdlet tests and the example runbooks' tests (both against the simulator).
    $pesterDirs = @(
        Join-Path -Path $RepoRoot -ChildPath 'tests/Pester'
        Join-Path -Path $RepoRoot -ChildPath 'examples/runbooks'
    )
    $pesterDir = $pesterDirs -join ', '
    $testFiles = @(Get-ChildItem -Path $pesterDirs -Recurse -Filter '*.Tests.ps1' -File -ErrorAction SilentlyContinue)
    if ($testFiles.Count -eq 0) {
        Write-Host "SKIPPED: Pester stage: no *.Tests.ps1 files under $pesterDir yet."
        return
    }

    $pester = Get-PinnedModule -Name 'Pester'
    if (-not $pester) {
        Write-Host (("SKIPPED: Pester stage ({0} test files in tests/Pester and examples/runbooks): Pester {1} is not installed. " +
            "Install it with: Install-PSResource -Name Pester -Version {1}") -f $testFiles.Count, $Requirements['Pester'])
        return
    }

    # A child pwsh: the binary module is loaded fresh and cannot leak into (or from) this session.
    # Run.Exit makes the child's exit code the number of failures.
    $resultFile = Join-Path -Path $RepoRoot -ChildPath 'out/pester-results.xml'
    $childScript = @(
        "`$ErrorActionPreference = 'Stop'"
        "Import-Module -Name Pester -RequiredVersion $(ConvertTo-Literal $pester.Version.ToString())"
        "`$config = New-PesterConfiguration"
        "`$config.Run.Path = @($(($pesterDirs | ForEach-Object { ConvertTo-Literal $_ }) -join ', '))"
        "`$config.Run.Exit = `$true"
        "`$config.Output.Verbosity = 'Detailed'"
        "`$config.TestResult.Enabled = `$true"
        "`$config.TestResult.OutputPath = $(ConvertTo-Literal $resultFile)"
        'Invoke-Pester -Configuration $config'
    ) -join [Environment]::NewLine
    Write-Host "Pester $($pester.Version) over $pesterDir ($($testFiles.Count) test files), in a child pwsh"
    & ([System.Diagnostics.Process]::GetCurrentProcess().MainModule.FileName) -NoProfile -NonInteractive -Command $childScript
    if ($LASTEXITCODE -ne 0) {
        throw "Pester tests failed (exit code $LASTEXITCODE). Results: $resultFile"
    }
}

function Invoke-DocsTask {
    $helpDir = Join-Path -Path $RepoRoot -ChildPath 'en-US'
    $pages = @(Get-ChildItem -Path $helpDir -Filter '*.md' -File -ErrorAction SilentlyContinue)
    if ($pages.Count -eq 0) {
        Write-Host "SKIPPED: Docs: no cmdlet pages (en-US/*.md) yet; en-US/about_XenPS.help.txt is the only help."
        return
    }

    $platyPS = Get-PinnedModule -Name 'Microsoft.PowerShell.PlatyPS'
    if (-not $platyPS) {
        Write-Host (("SKIPPED: Docs: Microsoft.PowerShell.PlatyPS {0} is not installed. " +
            "Install it with: Install-PSResource -Name Microsoft.PowerShell.PlatyPS -Version {0}") -f $Requirements['Microsoft.PowerShell.PlatyPS'])
        return
    }

    Import-Module -Name 'Microsoft.PowerShell.PlatyPS' -RequiredVersion $platyPS.Version
    # PlatyPS names the MAML after the module; a binary module's help file must be XenPS.dll-Help.xml.
    $staging = Join-Path -Path $RepoRoot -ChildPath 'out/maml'
    if (Test-Path -LiteralPath $staging) {
        Remove-Item -LiteralPath $staging -Recurse -Force
    }

    $commandPages = Measure-PlatyPSMarkdown -Path $pages.FullName | Where-Object { $_.Filetype -match 'CommandHelp' }
    if (-not $commandPages) {
        throw "None of $($pages.Count) en-US/*.md files is a PlatyPS cmdlet page."
    }

    $commandPages | Import-MarkdownCommandHelp -Path { $_.FilePath } | Export-MamlCommandHelp -OutputFolder $staging | Out-Null
    $maml = @(Get-ChildItem -Path $staging -Recurse -Filter '*-Help.xml' -File)
    if ($maml.Count -ne 1) {
        throw "Expected one MAML file under $staging, found $($maml.Count)."
    }

    $target = Join-Path -Path $helpDir -ChildPath 'XenPS.dll-Help.xml'
    Copy-Item -LiteralPath $maml[0].FullName -Destination $target -Force
    Write-Host "Wrote $target from $(@($commandPages).Count) cmdlet pages. Build again to copy it into out/XenPS/en-US."
}

function Invoke-PackageTask {
    Invoke-BuildTask
    $repoDir = Join-Path -Path $RepoRoot -ChildPath 'out/packages'
    New-Item -ItemType Directory -Path $repoDir -Force | Out-Null
    $repoName = 'XenPSLocalBuild'

    # A temporary file-system repository, registered only for this publish.
    Register-PSResourceRepository -Name $repoName -Uri $repoDir -Trusted -Force
    try {
        Publish-PSResource -Path $ModuleDir -Repository $repoName
    }
    finally {
        Unregister-PSResourceRepository -Name $repoName
    }

    $package = Get-ChildItem -Path $repoDir -Filter 'XenPS.*.nupkg' -File | Sort-Object -Property LastWriteTime | Select-Object -Last 1
    if (-not $package) {
        throw "Publish-PSResource left no XenPS .nupkg in $repoDir."
    }

    Write-Host "Package: $($package.FullName)"
}

switch ($Task) {
    'Build' {
        Invoke-BuildTask
    }
    'Test' {
        Invoke-TestTask
    }
    'Docs' {
        Invoke-DocsTask
    }
    'Package' {
        Invoke-PackageTask
    }
}

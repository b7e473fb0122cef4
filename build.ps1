#Requires -Version 7.4
<#
.SYNOPSIS
    Builds, tests, documents, packages and lets you try XenPS.

.DESCRIPTION
    -Task Restore  dotnet tool restore (PowerShell, .config/dotnet-tools.json) and the pinned modules of
                   build.requirements.psd1 (Pester) from NuGet into out/tools/packages. Run by every task
                   that needs them; nothing is installed outside the repository.
    -Task Build    dotnet build: lays out the importable module at out/XenPS/ (with its help).
    -Task Test     Restore, build, dotnet test, the package (as -Task Package), then Pester over tests/Pester and examples/runbooks in a child
                   pwsh, with an NUnit result file at out/pester-results.xml. Fails when a test fails or when
                   no Pester test ran.
    -Task Docs     The help: the build's own generator (src/XenPS.HelpGen) writes out/XenPS/en-US/XenPS.dll-Help.xml
                   from en-US/<Verb-Noun>.md and about_*.help.txt from en-US/about_*.md;
                   when Microsoft.PowerShell.PlatyPS (the version pinned in build.requirements.psd1) is
                   installed, PlatyPS's own MAML is written to out/platyps/ as well, to compare.
    -Task Package  Build, then Publish-PSResource of out/XenPS into a local file repository at out/packages.
    -Task RealXenPester
                   Restore, then Pester over tests/integration/Pester against the real Xen host that XENPS_TEST_*
                   names (run by tests/integration/xen-qemu/run-stage.sh after it booted one; the module must be
                   built). Result file: out/realxen-pester-results.xml.
    -Task Try      Build, then an interactive pwsh with XenPS imported and a simulated host running a few
                   guests. Without a terminal (CI, a pipe) it runs a short scripted tour and exits.

    The README's test command is:  dotnet tool restore && dotnet pwsh ./build.ps1 -Task Test

.EXAMPLE
    dotnet tool restore && dotnet pwsh ./build.ps1 -Task Try
.EXAMPLE
    dotnet tool restore && dotnet pwsh ./build.ps1 -Task Test
#>
[CmdletBinding()]
param(
    [ValidateSet('Restore', 'Build', 'Test', 'Docs', 'Package', 'Try', 'RealXenPester')]
    [string] $Task = 'Build',

    [string] $Configuration = 'Release'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$RepoRoot = $PSScriptRoot
$Solution = Join-Path -Path $RepoRoot -ChildPath 'XenPS.sln'
$ModuleDir = Join-Path -Path $RepoRoot -ChildPath 'out/XenPS'
$ToolsPackages = Join-Path -Path $RepoRoot -ChildPath 'out/tools/packages'
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

# How to start a child of the pwsh this script runs in, however that pwsh was installed: a .NET tool
# (the process is 'dotnet' and $PSHOME holds pwsh.dll), a package or a tarball (the process is pwsh).
# Returns the program and the arguments that come before pwsh's own. Full paths: 'dotnet pwsh' only
# resolves inside the repository, where the tool manifest is.
function Get-ChildPwsh {
    $process = [Environment]::ProcessPath
    $leaf = [IO.Path]::GetFileNameWithoutExtension($process)
    if ($leaf -eq 'pwsh') {
        return , @($process)
    }
    $dll = Join-Path -Path $PSHOME -ChildPath 'pwsh.dll'
    if ($leaf -eq 'dotnet' -and (Test-Path -LiteralPath $dll -PathType Leaf)) {
        return , @($process, $dll)
    }
    $apphost = Join-Path -Path $PSHOME -ChildPath 'pwsh'
    if (Test-Path -LiteralPath $apphost -PathType Leaf) {
        return , @($apphost)
    }
    throw "Cannot tell how to start a child pwsh: this process is '$process' and `$PSHOME ('$PSHOME') has neither pwsh.dll nor pwsh."
}

# Runs a script in a child pwsh (a fresh session: the binary module cannot leak into or from this one)
# and returns its exit code.
function Invoke-ChildPwsh {
    param(
        [Parameter(Mandatory)] [string] $Script,
        [switch] $Interactive
    )
    $child = Get-ChildPwsh
    $program = $child[0]
    $arguments = @($child | Select-Object -Skip 1) + @('-NoProfile')
    if ($Interactive) {
        # The terminal is handed over as it is: no redirection.
        & $program @($arguments + @('-NoExit', '-Command', $Script))
    }
    else {
        & $program @($arguments + @('-NonInteractive', '-Command', $Script)) | Out-Host
    }
    $LASTEXITCODE
}

# A PowerShell single-quoted string literal of a value (for code run by the child pwsh).
function ConvertTo-Literal {
    param([Parameter(Mandatory)] [AllowEmptyString()] [string] $Value)
    "'" + $Value.Replace("'", "''") + "'"
}

# The folder of a restored NuGet package (NuGet lower-cases ids in the packages folder).
function Get-RestoredPackage {
    param([Parameter(Mandatory)] [string] $Name)
    $version = $Requirements[$Name]
    $dir = Join-Path -Path $ToolsPackages -ChildPath ($Name.ToLowerInvariant() + '/' + $version)
    if (-not (Test-Path -LiteralPath $dir -PathType Container)) {
        throw "$Name $version is not restored at $dir. Run: dotnet pwsh ./build.ps1 -Task Restore"
    }
    $dir
}

function Invoke-RestoreTask {
    Push-Location -LiteralPath $RepoRoot
    try {
        Invoke-Program -FilePath 'dotnet' -ArgumentList @('tool', 'restore')
    }
    finally {
        Pop-Location
    }
    $project = Join-Path -Path $RepoRoot -ChildPath 'tests/tools/restore/XenPS.BuildTools.csproj'
    Invoke-Program -FilePath 'dotnet' -ArgumentList @(
        'restore', $project,
        "-p:PesterVersion=$($Requirements['Pester'])",
        "-p:ClashLoggingVersion=$($Requirements['Microsoft.Extensions.Logging.Abstractions'])")
    $null = Get-RestoredPackage -Name 'Pester'
}

function Invoke-BuildTask {
    Invoke-Program -FilePath 'dotnet' -ArgumentList @('build', $Solution, '-c', $Configuration)
    if (-not (Test-Path -LiteralPath (Join-Path -Path $ModuleDir -ChildPath 'XenPS.psd1'))) {
        throw "The build did not lay out the module at $ModuleDir."
    }
}

# Pester over the given folders in a child pwsh; throws when a test failed or none ran.
function Invoke-PesterStage {
    param(
        [Parameter(Mandatory)] [string[]] $Path,
        [Parameter(Mandatory)] [string] $ResultFile,
        [string] $Label = 'Pester'
    )
    $pesterManifest = Join-Path -Path (Get-RestoredPackage -Name 'Pester') -ChildPath 'tools/Pester.psd1'
    $summaryFile = [IO.Path]::ChangeExtension($ResultFile, '.summary.txt')
    Remove-Item -LiteralPath $ResultFile, $summaryFile -ErrorAction SilentlyContinue
    $childScript = @(
        "`$ErrorActionPreference = 'Stop'"
        "Import-Module -Name $(ConvertTo-Literal $pesterManifest)"
        "`$config = New-PesterConfiguration"
        "`$config.Run.Path = @($(($Path | ForEach-Object { ConvertTo-Literal $_ }) -join ', '))"
        "`$config.Run.PassThru = `$true"
        "`$config.Output.Verbosity = 'Detailed'"
        "`$config.TestResult.Enabled = `$true"
        "`$config.TestResult.OutputFormat = 'NUnitXml'"
        "`$config.TestResult.OutputPath = $(ConvertTo-Literal $ResultFile)"
        "`$r = Invoke-Pester -Configuration `$config"
        "`$line = '{0} passed, {1} failed, {2} skipped' -f [int]`$r.PassedCount, ([int]`$r.FailedCount + [int]`$r.FailedBlocksCount + [int]`$r.FailedContainersCount), [int]`$r.SkippedCount"
        "Set-Content -LiteralPath $(ConvertTo-Literal $summaryFile) -Value `$line"
        "if (`$null -eq `$r -or `$r.Result -ne 'Passed' -or `$r.PassedCount -eq 0) { exit 1 } else { exit 0 }"
    ) -join [Environment]::NewLine
    Write-Host "$Label (Pester $($Requirements['Pester'])) over $($Path -join ', '), in a child pwsh"
    $exit = Invoke-ChildPwsh -Script $childScript
    $summary = if (Test-Path -LiteralPath $summaryFile) { (Get-Content -LiteralPath $summaryFile -Raw).Trim() } else { 'no result' }
    # The plain closing line CI reads.
    Write-Host "${Label}: $summary"
    if ($exit -ne 0) {
        throw "$Label failed (exit code $exit; $summary). Results: $ResultFile"
    }
}

function Invoke-TestTask {
    Invoke-RestoreTask
    Invoke-BuildTask
    Invoke-Program -FilePath 'dotnet' -ArgumentList @('test', $Solution, '-c', $Configuration, '--no-build')
    # The package a user would install; tests/Pester/Module.Tests.ps1 installs it from out/packages.
    Publish-ModulePackage
    Invoke-PesterStage -Label 'pester' -ResultFile (Join-Path -Path $RepoRoot -ChildPath 'out/pester-results.xml') -Path @(
        Join-Path -Path $RepoRoot -ChildPath 'tests/Pester'
        Join-Path -Path $RepoRoot -ChildPath 'examples/runbooks'
    )
}

function Invoke-DocsTask {
    Invoke-BuildTask
    $maml = Join-Path -Path $ModuleDir -ChildPath 'en-US/XenPS.dll-Help.xml'
    if (-not (Test-Path -LiteralPath $maml)) {
        throw "The build wrote no help at $maml."
    }
    Write-Host "Help: $maml"
    foreach ($topic in Get-ChildItem -Path (Join-Path -Path $ModuleDir -ChildPath 'en-US') -Filter 'about_*.help.txt' -File) {
        Write-Host "About topic: $($topic.FullName)"
    }

    $version = [version] $Requirements['Microsoft.PowerShell.PlatyPS']
    $platyPS = Get-Module -ListAvailable -Name 'Microsoft.PowerShell.PlatyPS' | Where-Object { $_.Version -eq $version } | Select-Object -First 1
    if (-not $platyPS) {
        Write-Host "Microsoft.PowerShell.PlatyPS $version is not installed: the build's own generator made the help (NuGet does not serve PlatyPS here)."
        return
    }
    Import-Module -Name $platyPS.Path
    $staging = Join-Path -Path $RepoRoot -ChildPath 'out/platyps'
    if (Test-Path -LiteralPath $staging) {
        Remove-Item -LiteralPath $staging -Recurse -Force
    }
    $pages = Get-ChildItem -Path (Join-Path -Path $RepoRoot -ChildPath 'en-US') -Filter '*-*.md' -File
    $pages.FullName | Import-MarkdownCommandHelp | Export-MamlCommandHelp -OutputFolder $staging -Force | Out-Null
    Write-Host "PlatyPS $version also wrote its MAML under $staging, for comparison."
}

# Publish-PSResource of the built module into a local file repository at out/packages (a .nupkg there).
function Publish-ModulePackage {
    $repoDir = Join-Path -Path $RepoRoot -ChildPath 'out/packages'
    if (Test-Path -LiteralPath $repoDir) {
        Remove-Item -LiteralPath $repoDir -Recurse -Force
    }
    New-Item -ItemType Directory -Path $repoDir -Force | Out-Null
    # A file repository registered only for this publish, and unregistered after it.
    $repoName = 'XenPSLocalBuild'
    Register-PSResourceRepository -Name $repoName -Uri $repoDir -Trusted -Force
    try {
        Publish-PSResource -Path $ModuleDir -Repository $repoName -SkipDependenciesCheck
    }
    finally {
        Unregister-PSResourceRepository -Name $repoName
    }

    $package = Get-ChildItem -Path $repoDir -Filter 'XenPS.*.nupkg' -File | Select-Object -First 1
    if (-not $package) {
        throw "Publish-PSResource left no XenPS .nupkg in $repoDir."
    }
    Write-Host "Package: $($package.FullName)"
}

function Invoke-PackageTask {
    Invoke-BuildTask
    Publish-ModulePackage
}

function Invoke-TryTask {
    Invoke-BuildTask
    $manifest = Join-Path -Path $ModuleDir -ChildPath 'XenPS.psd1'
    $setup = @(
        "Import-Module $(ConvertTo-Literal $manifest)"
        "`$null = Connect-XenHost -Simulated -Name lab"
        "foreach (`$n in 'web1', 'web2', 'db1') { `$null = New-XenDomain -Name `$n -MemoryMB 256 -Kernel /boot/vmlinuz -Ramdisk /boot/initrd.img -Network 'bridge=xenbr0' -Start }"
        "`$null = New-XenDomain -Name test1 -MemoryMB 128 -Kernel /boot/vmlinuz -Ramdisk /boot/initrd.img"
    )
    $interactive = -not ([Console]::IsInputRedirected -or [Console]::IsOutputRedirected) -and -not $env:CI
    if ($interactive) {
        $script = ($setup + @(
            "Write-Host 'XenPS is imported and connected to a simulated host, lab, with web1, web2, db1 running and test1 Off. Try: Get-XenDomain; Get-XenDomain web* | Suspend-XenDomain; Get-Help about_XenPS. Type exit to leave.' -ForegroundColor Cyan"
        )) -join [Environment]::NewLine
        $null = Invoke-ChildPwsh -Script $script -Interactive
        return
    }
    $tour = @(
        "`$ErrorActionPreference = 'Stop'"
        "function Show([string] `$code) { Write-Host ''; Write-Host ('PS> ' + `$code) -ForegroundColor Cyan; Invoke-Expression `$code | Out-Host }"
        "Write-Host 'No terminal: a short scripted tour of XenPS on a simulated host.'"
    ) + $setup + @(
        "Show 'Get-XenHostConnection'"
        "Show 'Get-XenDomain'"
        "Show 'Get-XenDomain web* | Suspend-XenDomain -PassThru'"
        "Show 'Get-XenDomain web* | Resume-XenDomain -PassThru'"
        "Show 'Start-XenDomain -Name test1 -PassThru'"
        "Show 'Get-XenDomain test1 | Stop-XenDomain -Wait -PassThru'"
        "Show 'Remove-XenDomain -Name test1 -WhatIf'"
        "Write-Host ''; Write-Host 'Tour done. With a terminal, the same command opens a pwsh where you can type.'"
    )
    $exit = Invoke-ChildPwsh -Script ($tour -join [Environment]::NewLine)
    if ($exit -ne 0) {
        throw "The scripted tour failed (exit code $exit)."
    }
}

switch ($Task) {
    'Restore' { Invoke-RestoreTask }
    'Build' { Invoke-BuildTask }
    'Test' { Invoke-TestTask }
    'Docs' { Invoke-DocsTask }
    'Package' { Invoke-PackageTask }
    'Try' { Invoke-TryTask }
    'RealXenPester' {
        Invoke-RestoreTask
        Invoke-PesterStage -Label 'real-xen pester' -ResultFile (Join-Path -Path $RepoRoot -ChildPath 'out/realxen-pester-results.xml') -Path @(
            Join-Path -Path $RepoRoot -ChildPath 'tests/integration/Pester'
        )
    }
}

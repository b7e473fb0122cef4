<#
.SYNOPSIS
Restarts a group of Xen domains a few at a time, and goes on to the next batch only when the
previous one has come back healthy.

.DESCRIPTION
A rolling restart for a service that runs on several Xen domains (web servers behind a load
balancer, members of a cluster): at most -BatchSize domains are down at any moment, so the
service stays up.

The domains named by -Name (wildcards allowed) on the hosts of -XenHost (default: the session's
default connection) that are running are restarted in batches of -BatchSize, ordered by host
and name. For each batch:

1. Restart-XenDomain -Wait restarts its domains together (xl reboot -w; with -Force, xl destroy
   and xl create from the config file instead).
2. Each domain must come back: running again, as a new domain (a new domain id) within
   -HealthTimeoutSeconds.
3. When -HealthCheck is given, it must also return $true for each domain within that time (it is
   asked every -HealthPollSeconds seconds): probe your service there (an HTTP request, a port).

The first batch that does not come back healthy stops the run: later batches are not touched.
The script writes one report (a XenPS.RollingRestartReport object) that says which batch
failed, which domains and why, which domains were restarted and which were never touched; when
the run stopped it also writes a non-terminating RollingRestartStopped error, so that
$? is $false and -ErrorAction Stop makes a failed run terminating (after the report).

Domains that are not running when the run starts (Off, paused, crashed) are not restarted; the
report lists them as skipped. Domain-0 is never restarted.

With -WhatIf nothing is restarted: the report shows the batches that would run. -Confirm asks
once per batch.

Requires the XenPS module (Import-Module XenPS) and a connection (Connect-XenHost).

.PARAMETER Name
The domains to restart: names or wildcard patterns (e.g. 'web*'). A name without wildcards that
matches no domain stops the script before anything is restarted.

.PARAMETER XenHost
The hosts whose domains are restarted: connections from Connect-XenHost, or their names.
Default: the session's default connection.

.PARAMETER BatchSize
How many domains are restarted at once (default 1).

.PARAMETER HealthTimeoutSeconds
How long each batch has to restart and come back healthy, in seconds (default 300).

.PARAMETER HealthCheck
A script block that is given one restarted domain (a XenDomain, with Name, Id, HostName, ...)
and returns $true when the service on it is healthy. Asked until it returns $true or the
batch's time is up; an exception thrown counts as not healthy yet.

.PARAMETER HealthPollSeconds
How often -HealthCheck is asked, in seconds (default 2).

.PARAMETER Force
Destroy each domain and start it again from its config file (Restart-XenDomain -Force) instead
of asking the guest to reboot. Use it for guests that do not answer xl reboot.

.EXAMPLE
PS> Connect-XenHost -ComputerName dom0-a
PS> ./Invoke-RollingRestart.ps1 -Name 'web*' -BatchSize 2

Restarts every running web* domain of dom0-a, two at a time.

.EXAMPLE
PS> $hosts = Connect-XenHost -ComputerName dom0-a, dom0-b -NotDefault
PS> ./Invoke-RollingRestart.ps1 -XenHost $hosts -Name 'app*' -HealthTimeoutSeconds 120 -HealthCheck {
>>     param($Domain)
>>     (Invoke-WebRequest -Uri "http://$($Domain.Name):8080/health" -TimeoutSec 5 -SkipHttpErrorCheck).StatusCode -eq 200
>> }

Restarts the app* domains of two hosts one at a time, each batch waiting until the application
answers its health endpoint.

.EXAMPLE
PS> $report = ./Invoke-RollingRestart.ps1 -Name 'web*' -BatchSize 3 -ErrorAction SilentlyContinue
PS> if (-not $report.Succeeded) { $report.FailedDomains | Format-Table Name, HostName, Reason }

Runs unattended and shows what failed.

.EXAMPLE
PS> ./Invoke-RollingRestart.ps1 -Name 'web*' -BatchSize 2 -WhatIf

Shows the batches, restarting nothing.

.OUTPUTS
XenPS.RollingRestartReport: Succeeded, Stopped, FailedBatch, FailedDomains (Name, HostName, Reason),
Restarted (Name, HostName, OldId, NewId), NotTouched, Skipped, Batches (Number, Domains, Status).

.LINK
Restart-XenDomain

.LINK
Wait-XenDomain
#>
[CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Medium')]
[OutputType([pscustomobject])]
param(
    [Parameter(Mandatory, Position = 0)]
    [ValidateNotNullOrEmpty()]
    [SupportsWildcards()]
    [string[]] $Name,

    [ValidateNotNullOrEmpty()]
    [object[]] $XenHost,

    [ValidateRange(1, 256)]
    [int] $BatchSize = 1,

    [ValidateRange(1, 86400)]
    [int] $HealthTimeoutSeconds = 300,

    [scriptblock] $HealthCheck,

    [ValidateRange(1, 3600)]
    [int] $HealthPollSeconds = 2,

    [switch] $Force
)

if (-not (Get-Command -Name Restart-XenDomain -ErrorAction SilentlyContinue)) {
    throw 'Invoke-RollingRestart needs the XenPS module: Import-Module XenPS, then Connect-XenHost.'
}

# XenPS's types live in the module's own assembly load context: compare states as strings.
$hostArgs = @{}
if ($XenHost) {
    $hostArgs['XenHost'] = $XenHost
}

function Get-DomainKey([object] $Domain) {
    '{0}/{1}' -f $Domain.HostName, $Domain.Name
}

function New-DomainEntry([object] $Domain, [string] $Reason) {
    [pscustomobject]@{
        Name     = $Domain.Name
        HostName = $Domain.HostName
        Reason   = $Reason
    }
}

# ---- what to restart ----------------------------------------------------------------------

# A literal name that matches nothing is an operator's typo: stop before touching anything.
$lookupErrors = $null
$found = @(Get-XenDomain -Name $Name @hostArgs -ErrorVariable lookupErrors -ErrorAction SilentlyContinue)
if ($lookupErrors) {
    $what = ($lookupErrors | ForEach-Object { $_.Exception.Message }) -join ' '
    throw "Nothing was restarted: $what"
}

$candidates = @($found | Where-Object { $_.Id -ne 0 } | Sort-Object -Property 'HostName', 'Name')
$running = @($candidates | Where-Object { "$($_.State)" -eq 'Running' })
$skipped = @($candidates | Where-Object { "$($_.State)" -ne 'Running' } | ForEach-Object { New-DomainEntry $_ "not running ($($_.State))" })
foreach ($s in $skipped) {
    Write-Warning "Domain '$($s.Name)' on host '$($s.HostName)' is $($s.Reason): it is not restarted."
}

$batches = [System.Collections.Generic.List[object]]::new()
for ($i = 0; $i -lt $running.Count; $i += $BatchSize) {
    $last = [Math]::Min($i + $BatchSize, $running.Count) - 1
    $batches.Add([pscustomobject]@{
            Number  = $batches.Count + 1
            Domains = @($running[$i..$last])
            Status  = 'NotStarted'
            Reasons = @()
        })
}

if ($batches.Count -eq 0) {
    Write-Warning "No running domain matches '$($Name -join "', '")': nothing to restart."
}

# ---- the run ------------------------------------------------------------------------------

$restarted = [System.Collections.Generic.List[object]]::new()
$failed = [System.Collections.Generic.List[object]]::new()
$failedBatch = $null
$activity = "Rolling restart of $($running.Count) domain(s) in $($batches.Count) batch(es)"

foreach ($batch in $batches) {
    $names = ($batch.Domains | ForEach-Object { Get-DomainKey $_ }) -join ', '
    Write-Progress -Activity $activity -Status "Batch $($batch.Number): $names" -PercentComplete (100 * ($batch.Number - 1) / $batches.Count)

    $action = if ($Force) { 'Destroy and start again, then wait until healthy' } else { 'Reboot, then wait until healthy' }
    if (-not $PSCmdlet.ShouldProcess("Batch $($batch.Number) of $($batches.Count): $names", $action)) {
        $batch.Status = 'WhatIf'
        continue
    }

    $deadline = [DateTime]::UtcNow.AddSeconds($HealthTimeoutSeconds)
    $before = @{}
    foreach ($d in $batch.Domains) {
        $before[(Get-DomainKey $d)] = $d.Id
    }

    # 1. Restart the batch together; each domain acts on the host it came from.
    Write-Verbose "Batch $($batch.Number): restarting $names"
    $restartErrors = $null
    $after = @($batch.Domains | Restart-XenDomain -Force:$Force -Wait -Timeout $HealthTimeoutSeconds -ThrottleLimit $BatchSize -PassThru -Confirm:$false -ErrorVariable restartErrors -ErrorAction SilentlyContinue)
    $problems = [System.Collections.Generic.List[object]]::new()
    foreach ($err in @($restartErrors)) {
        $target = $err.TargetObject
        $entry = if ($null -ne $target -and $target.PSObject.Properties['HostName']) { New-DomainEntry $target $err.Exception.Message } else { [pscustomobject]@{ Name = "$target"; HostName = $null; Reason = $err.Exception.Message } }
        $problems.Add($entry)
    }

    # 2. Each domain must be running again, as a new domain. A domain whose restart failed is
    #    already a problem; one that Restart-XenDomain did not emit (gone) is waited for by name.
    $failedKeys = @($problems | ForEach-Object { '{0}/{1}' -f $_.HostName, $_.Name })
    $healthy = [System.Collections.Generic.List[object]]::new()
    foreach ($original in $batch.Domains) {
        $key = Get-DomainKey $original
        if ($failedKeys -contains $key) {
            continue
        }

        $d = @($after | Where-Object { (Get-DomainKey $_) -eq $key }) | Select-Object -First 1
        if ($null -eq $d) {
            $d = $original
        }

        $left = [int][Math]::Ceiling(($deadline - [DateTime]::UtcNow).TotalSeconds)
        $waitErrors = $null
        $now = $null
        if ($left -ge 1) {
            $now = Wait-XenDomain -InputObject $d -State Running -Timeout $left -PassThru -ErrorVariable waitErrors -ErrorAction SilentlyContinue
        }

        if ($waitErrors) {
            $problems.Add((New-DomainEntry $original "it did not come back running: $($waitErrors[0].Exception.Message)"))
        }
        elseif ($null -eq $now) {
            $problems.Add((New-DomainEntry $original "it did not come back running within $HealthTimeoutSeconds s"))
        }
        elseif ($now.Id -eq $before[$key]) {
            $problems.Add((New-DomainEntry $original "it still has domain id $($now.Id): it was not restarted"))
        }
        else {
            $healthy.Add($now)
        }
    }

    # 3. The operator's own health check, until it says yes or the batch's time is up.
    if ($HealthCheck) {
        foreach ($d in @($healthy)) {
            $ok = $false
            $lastWords = 'the health check never returned $true'
            while (-not $ok) {
                try {
                    $answer = & $HealthCheck $d
                    $ok = (@($answer) | Select-Object -Last 1) -eq $true
                }
                catch {
                    $lastWords = "the health check failed: $($_.Exception.Message)"
                }

                $remaining = ($deadline - [DateTime]::UtcNow).TotalSeconds
                if ($ok -or $remaining -le 0) {
                    break
                }

                Start-Sleep -Seconds ([Math]::Max(1, [Math]::Min($HealthPollSeconds, [int][Math]::Ceiling($remaining))))
            }

            if (-not $ok) {
                $problems.Add((New-DomainEntry $d "unhealthy after $HealthTimeoutSeconds s: $lastWords"))
                $null = $healthy.Remove($d)
            }
        }
    }

    foreach ($d in $healthy) {
        $restarted.Add([pscustomobject]@{
                Name     = $d.Name
                HostName = $d.HostName
                OldId    = $before[(Get-DomainKey $d)]
                NewId    = $d.Id
            })
    }

    if ($problems.Count -gt 0) {
        $batch.Status = 'Failed'
        $batch.Reasons = @($problems)
        $failed.AddRange($problems)
        $failedBatch = $batch.Number
        break
    }

    $batch.Status = 'Healthy'
    Write-Verbose "Batch $($batch.Number): $names healthy"
}

Write-Progress -Activity $activity -Completed

# ---- the report ---------------------------------------------------------------------------

$notTouched = @($batches | Where-Object Status -EQ 'NotStarted' | ForEach-Object { $_.Domains } | ForEach-Object { New-DomainEntry $_ 'a batch before it failed' })
$report = [pscustomobject]@{
    PSTypeName    = 'XenPS.RollingRestartReport'
    Succeeded     = ($null -eq $failedBatch)
    Stopped       = ($null -ne $failedBatch)
    FailedBatch   = $failedBatch
    FailedDomains = @($failed)
    Restarted     = @($restarted)
    NotTouched    = $notTouched
    Skipped       = $skipped
    Batches       = @($batches | ForEach-Object {
            [pscustomobject]@{
                Number  = $_.Number
                Domains = @($_.Domains | ForEach-Object { Get-DomainKey $_ })
                Status  = $_.Status
                Reasons = $_.Reasons
            }
        })
}
$report

if ($null -ne $failedBatch) {
    $who = ($failed | ForEach-Object { "'$($_.Name)' on host '$($_.HostName)': $($_.Reason)" }) -join '; '
    $message = "Rolling restart stopped at batch $failedBatch of $($batches.Count): $who. $($notTouched.Count) domain(s) of later batches were not touched."
    $PSCmdlet.WriteError([System.Management.Automation.ErrorRecord]::new(
            [System.InvalidOperationException]::new($message),
            'RollingRestartStopped',
            [System.Management.Automation.ErrorCategory]::OperationStopped,
            $report))
}

# Self-test: this file is broken on purpose; the checker must reject it.
$s = 'never closed
Write-Output $s

# Self-test: this file is broken on purpose; the checker must reject it.
Get-Item -Path (Join-Path $a

# Self-test: parses, but a data file may not run commands; the checker must reject it.
@{
    Built = Get-Date
}

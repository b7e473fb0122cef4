# Self-test: this file is broken on purpose; the checker must reject it.
function Get-Thing {
    if ($x) {
        'a'
}

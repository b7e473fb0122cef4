# Self-test: this file is broken on purpose; the checker must reject it.
$h = @{
    A = 1; B =
}

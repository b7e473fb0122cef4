# Self-test: this file is broken on purpose; the checker must reject it.
@{
    Pester = '5.7.1'
    PlatyPS =

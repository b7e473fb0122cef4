# Self-test: this file is broken on purpose; the checker must reject it.
$doc = @"
text that never ends

#!/bin/sh
# Test recorder: writes each of its arguments followed by NUL, so a test can compare the
# argument vector a program received with the one it meant to pass.
for arg in "$@"; do
    printf '%s\0' "$arg"
done

#!/bin/bash
# Stops the QEMU started by up.sh (by the PID in its pid file, never by name) and removes its run dir.
# usage: down.sh [ENV_FILE | RUN_DIR]     (default: $XENPS_TEST_RUN_DIR)
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

arg=${1:-${XENPS_TEST_RUN_DIR:-}}
[[ -n $arg ]] || die "usage: down.sh ENV_FILE|RUN_DIR"
if [[ -f $arg ]]; then RUN=$(dirname "$arg"); else RUN=$arg; fi
[[ -d $RUN ]] || { log "nothing to tear down: $RUN does not exist"; exit 0; }
RUN=$(cd "$RUN" && pwd)
[[ -f $RUN/.xenps-run ]] || die "$RUN was not made by up.sh (no .xenps-run marker); not touching it"

PIDFILE=$RUN/qemu.pid
if [[ -s $PIDFILE ]]; then
  pid=$(<"$PIDFILE")
  [[ $pid =~ ^[0-9]+$ ]] || die "bad pid file $PIDFILE"
  # a recycled PID is not ours: the QEMU we started names this pid file on its command line
  if [[ -r /proc/$pid/cmdline ]] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$PIDFILE"; then
    log "stopping QEMU pid $pid"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then
      log "QEMU pid $pid still alive after 10 s, sending SIGKILL"
      kill -9 "$pid" 2>/dev/null || true
    fi
  else
    log "QEMU pid $pid is not running (or not ours)"
  fi
fi
rm -rf "$RUN"
log "removed $RUN"

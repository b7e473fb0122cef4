#!/bin/bash
# Capture mode: runs commands on a real Xen host and writes parser fixtures in the format of
# tests/fixtures/xen-4.17.7/: NNN-slug.stdout, NNN-slug.stderr (verbatim) and NNN-slug.meta
# (command, exit_code, elapsed_s, transport, context, xen_version, captured).
#
# usage:
#   capture.sh [-o OUTDIR] [-c CONTEXT] [COMMANDS_FILE]   capture a command list (default:
#                                                          capture-commands.txt beside this script)
#   capture.sh --refresh DIR [-c CONTEXT]                  re-run the command of every DIR/*.meta, in
#                                                          number order, and rewrite its files in place
# COMMANDS_FILE: one remote shell command per line; blank lines and '#' comments are skipped;
#   a line starting with '!' is a setup step (run, not captured, failure tolerated);
#   "NNN<TAB>command" pins the fixture number, otherwise numbers follow the highest in OUTDIR.
# OUTDIR defaults to tests/fixtures/xen-<xen_version of the host>.
# Host: XENPS_TEST_HOST etc. when set (a real Dom0, or an up.sh env file loaded with
#   XENPS_ENV_FILE=...); otherwise the QEMU harness is booted for the capture and torn down after.
# Commands run as given on the host, as root: only use command lists you trust.
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

OUT='' CONTEXT='' REFRESH='' LIST=''
while (($#)); do
  case $1 in
    -o) OUT=$2; shift 2 ;;
    -c) CONTEXT=$2; shift 2 ;;
    --refresh) REFRESH=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) die "unknown option $1" ;;
    *) LIST=$1; shift ;;
  esac
done
[[ -z $REFRESH || -z $LIST ]] || die "--refresh takes its commands from DIR/*.meta, not from a list"
LIST=${LIST:-$XQ_DIR/capture-commands.txt}

ENV_FILE=
CONTROL_DIR=$(mktemp -d "${TMPDIR:-/tmp}/xenps-capture.XXXXXX")
XQ_SSH=()
cleanup() {
  ((${#XQ_SSH[@]} == 0)) || xq_ssh_close
  rm -rf "$CONTROL_DIR"
  [[ -z $ENV_FILE ]] || "$XQ_DIR/down.sh" "$ENV_FILE" || true
}
trap cleanup EXIT
if [[ -n ${XENPS_ENV_FILE:-} ]]; then
  xq_load_env "$XENPS_ENV_FILE"
fi
if [[ -n ${XENPS_TEST_HOST:-} ]]; then
  TRANSPORT="ssh -p ${XENPS_TEST_PORT:-22} ${XENPS_TEST_USER:-root}@$XENPS_TEST_HOST"
  [[ -n ${XENPS_TEST_QEMU_PIDFILE:-} ]] && TRANSPORT+=" (dom0 in QEMU TCG)" || TRANSPORT+=" (real Dom0)"
else
  ENV_FILE=$("$XQ_DIR/up.sh")
  xq_load_env "$ENV_FILE"
  TRANSPORT="ssh -p $XENPS_TEST_PORT root@127.0.0.1 (dom0 in QEMU TCG)"
fi
xq_ssh_cmd "$CONTROL_DIR"

XEN_VERSION=$("${XQ_SSH[@]}" xl info | awk -F': *' '$1 ~ /^xen_version/ {print $2}')
[[ -n $XEN_VERSION ]] || die "could not read xen_version from xl info"
CONTEXT=${CONTEXT:-capture.sh, Xen $XEN_VERSION}
if [[ -n $REFRESH ]]; then
  OUT=$REFRESH
  [[ -d $OUT ]] || die "no such directory: $OUT"
else
  OUT=${OUT:-$XQ_REPO/tests/fixtures/xen-$XEN_VERSION}
  mkdir -p "$OUT"
fi
log "host Xen $XEN_VERSION; writing fixtures into $OUT"

slug() { sed -e 's/[^A-Za-z0-9._-]\{1,\}/_/g' -e 's/^_//' -e 's/_$//' <<<"$1" | cut -c1-80; }

# Runs one command on the host and writes BASE.{stdout,stderr,meta}.
capture_one() {
  local base=$1 cmd=$2 t0 t1 rc ms
  t0=$(date +%s%N)
  rc=0
  "${XQ_SSH[@]}" "$cmd" >"$base.stdout" 2>"$base.stderr" </dev/null || rc=$?
  t1=$(date +%s%N)
  ms=$(( (t1 - t0) / 1000000 ))
  printf 'command: %s\nexit_code: %d\nelapsed_s: %d.%03d\ntransport: %s\ncontext: %s\nxen_version: %s\ncaptured: %s\n' \
    "$cmd" "$rc" $((ms / 1000)) $((ms % 1000)) "$TRANSPORT" "$CONTEXT" "$XEN_VERSION" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >"$base.meta"
  ((rc == 255)) && log "  (exit 255 is also what ssh returns when the connection fails: check $base.stderr)"
  log "[$(basename "$base") rc=$rc $((ms / 1000)).$((ms % 1000 / 100))s]"
}

count=0
if [[ -n $REFRESH ]]; then
  while IFS= read -r meta; do
    cmd=$(sed -n 's/^command: //p' "$meta" | head -1)
    [[ -n $cmd ]] || { log "skipping $meta: no command line"; continue; }
    capture_one "${meta%.meta}" "$cmd"
    count=$((count + 1))
  done < <(find "$OUT" -maxdepth 1 -name '[0-9]*.meta' | sort -V)
else
  [[ -r $LIST ]] || die "command list not readable: $LIST"
  next=$(find "$OUT" -maxdepth 1 -name '[0-9]*.meta' -printf '%f\n' | sed 's/-.*//' | sort -n | tail -1)
  next=$((10#${next:-0} + 1))
  while IFS= read -r line || [[ -n $line ]]; do
    [[ $line =~ ^[[:space:]]*(#|$) ]] && continue
    if [[ $line == '!'* ]]; then
      log "setup: ${line:1}"
      "${XQ_SSH[@]}" "${line:1}" </dev/null >/dev/null 2>&1 || log "  setup step exited $?"
      continue
    fi
    if [[ $line =~ ^([0-9]+)$'\t'(.*)$ ]]; then
      n=$((10#${BASH_REMATCH[1]})) cmd=${BASH_REMATCH[2]}
    else
      n=$next cmd=$line
    fi
    ((n >= next)) && next=$((n + 1))
    capture_one "$OUT/$(printf %03d "$n")-$(slug "$cmd")" "$cmd"
    count=$((count + 1))
  done <"$LIST"
fi

# an index like the reference capture's INDEX.tsv
{
  printf 'n\texit_code\telapsed_s\tcontext\tcommand\n'
  find "$OUT" -maxdepth 1 -name '[0-9]*.meta' | sort -V | while IFS= read -r meta; do
    printf '%s\t%s\t%s\t%s\t%s\n' "$(basename "$meta" | sed 's/-.*//')" \
      "$(sed -n 's/^exit_code: //p' "$meta")" "$(sed -n 's/^elapsed_s: //p' "$meta")" \
      "$(sed -n 's/^context: //p' "$meta")" "$(sed -n 's/^command: //p' "$meta" | head -1)"
  done
} >"$OUT/INDEX.tsv"
log "captured $count commands into $OUT (index: $OUT/INDEX.tsv)"

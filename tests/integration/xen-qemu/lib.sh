# shellcheck shell=bash
# Shared helpers for the Xen-under-QEMU harness. Sourced by up.sh, down.sh, run-stage.sh, capture.sh.
# Everything here logs to stderr: stdout of up.sh is reserved for the env file path.

XQ_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck disable=SC2034 # used by the scripts that source this file
XQ_REPO=$(cd "$XQ_DIR/../../.." && pwd)
# shellcheck disable=SC2034
XQ_CACHE=${XENPS_CACHE_DIR:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/xenps}

xq_t0=${xq_t0:-$(date +%s%N)}

# Seconds since the script started, one decimal.
xq_elapsed() {
  local now
  now=$(date +%s%N)
  printf '%d.%d' $(( (now - xq_t0) / 1000000000 )) $(( (now - xq_t0) / 100000000 % 10 ))
}

log() { printf '[xen-qemu %6ss] %s\n' "$(xq_elapsed)" "$*" >&2; }
die() { printf '[xen-qemu %6ss] ERROR: %s\n' "$(xq_elapsed)" "$*" >&2; exit 1; }

# Reads KEY=VALUE lines of an env file written by up.sh into the environment (exported).
# Only XENPS_* keys are accepted and values are taken verbatim (no shell evaluation).
xq_load_env() {
  local file=$1 key value
  [[ -r $file ]] || die "env file not readable: $file"
  while IFS='=' read -r key value; do
    [[ $key =~ ^XENPS_[A-Z0-9_]+$ ]] || continue
    export "$key=$value"
  done <"$file"
}

# Fills the array XQ_SSH with an ssh command line for the host described by XENPS_TEST_*.
# Strict host key checking is used when up.sh provided a known_hosts file (it knows the Dom0's
# host key because it generated it); for a real Dom0 without XENPS_TEST_KNOWN_HOSTS the user's
# own known_hosts applies. Without arguments: one connection per command. With a directory as $1, commands share one TCP connection through an
# OpenSSH control socket there (works against the Dom0's dropbear; saves the ~0.5 s handshake
# that every command otherwise pays under TCG). Close it with xq_ssh_close.
# shellcheck disable=SC2120 # the argument is optional
xq_ssh_cmd() {
  local control_dir=${1:-}
  : "${XENPS_TEST_HOST:?XENPS_TEST_HOST is not set}"
  XQ_SSH=(ssh -p "${XENPS_TEST_PORT:-22}" -o BatchMode=yes -o ConnectTimeout=10 -o LogLevel=ERROR
    -o ServerAliveInterval=15 -o ServerAliveCountMax=4)
  if [[ -n ${XENPS_TEST_IDENTITY:-} ]]; then
    XQ_SSH+=(-i "$XENPS_TEST_IDENTITY" -o IdentitiesOnly=yes)
  fi
  if [[ -n ${XENPS_TEST_KNOWN_HOSTS:-} ]]; then
    XQ_SSH+=(-o StrictHostKeyChecking=yes -o UserKnownHostsFile="$XENPS_TEST_KNOWN_HOSTS"
      -o GlobalKnownHostsFile=/dev/null)
  fi
  if [[ -n $control_dir ]]; then
    XQ_SSH+=(-o ControlMaster=auto -o "ControlPath=$control_dir/cm-%C" -o ControlPersist=120)
  fi
  XQ_SSH+=("${XENPS_TEST_USER:-root}@$XENPS_TEST_HOST")
}

# Stops the control master of a multiplexed XQ_SSH, if one runs.
xq_ssh_close() {
  local n=${#XQ_SSH[@]}
  "${XQ_SSH[@]:0:n-1}" -O exit "${XQ_SSH[n-1]}" >/dev/null 2>&1 || true
}

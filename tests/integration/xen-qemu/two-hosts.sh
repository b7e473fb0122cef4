#!/bin/bash
# run-stage.sh --two-hosts (opt-in, not part of CI): boots two Xen hosts under QEMU whose Dom0s are
# joined by a second NIC on a QEMU socket netdev over 127.0.0.1 (host A 192.168.77.1, host B
# 192.168.77.2), then live-migrates a PVH guest from A to B through Invoke-XenMigration, xl's ssh path
# between the Dom0s (two-hosts.ps1 prints the transcript), and always tears both hosts down.
# Both Dom0s come from the same image: the same dropbear host key and the same Dom0-to-Dom0 client
# key (build-images.sh), so ssh from A to B needs no extra trust set-up.
# knobs: XENPS_TWO_HOSTS_TIMEOUT (s, migration and checks after both boots, default 1500), and up.sh's.
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ENV_A=
ENV_B=
finish() {
  local rc=$?
  [[ -z $ENV_B ]] || "$XQ_DIR/down.sh" "$ENV_B" || log "down.sh failed for host B"
  [[ -z $ENV_A ]] || "$XQ_DIR/down.sh" "$ENV_A" || log "down.sh failed for host A"
  if ((rc)); then log "TWO-HOST MIGRATION FAILED (exit $rc) after $(xq_elapsed)s"; else log "two-host migration passed in $(xq_elapsed)s"; fi
  exit "$rc"
}
trap finish EXIT
trap 'exit 130' INT TERM

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for _ in 1 2 3 4 5 6 7 8; do
  LINK_PORT=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
  port_free "$LINK_PORT" && break
done

log "=== two Xen hosts joined by a QEMU socket netdev on 127.0.0.1:$LINK_PORT ==="
# A listens on the link (QEMU accepts it while A boots), B connects to it.
ENV_A=$(XENPS_QEMU_EXTRA="-netdev socket,id=n1,listen=127.0.0.1:$LINK_PORT -device e1000,netdev=n1,romfile=" \
  XENPS_DOM0_ARGS_EXTRA="mig_ip=192.168.77.1/24" "$XQ_DIR/up.sh") || { ENV_A=; die "host A did not boot"; }
log "host A is up: $ENV_A"
ENV_B=$(XENPS_QEMU_EXTRA="-netdev socket,id=n1,connect=127.0.0.1:$LINK_PORT -device e1000,netdev=n1,romfile=" \
  XENPS_DOM0_ARGS_EXTRA="mig_ip=192.168.77.2/24" "$XQ_DIR/up.sh") || { ENV_B=; die "host B did not boot"; }
log "host B is up: $ENV_B"

# Host A as XENPS_TEST_*, host B as XENPS_TEST_B_* for the scenario.
xq_load_env "$ENV_A"
while IFS='=' read -r key value; do
  [[ $key =~ ^XENPS_TEST_[A-Z0-9_]+$ ]] || continue
  export "XENPS_TEST_B_${key#XENPS_TEST_}=$value"
done <"$ENV_B"

log "running two-hosts.ps1 in the project's pwsh"
cd "$XQ_REPO"
dotnet tool restore >/dev/null
timeout --kill-after=20 "${XENPS_TWO_HOSTS_TIMEOUT:-1500}" \
  dotnet pwsh -NoProfile -NonInteractive -File "$XQ_DIR/two-hosts.ps1"

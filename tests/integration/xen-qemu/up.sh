#!/bin/bash
# Boots a real Xen 4.17 host (Debian's packages, busybox Linux Dom0) under QEMU TCG and waits
# until `xl info` answers over SSH on a 127.0.0.1 port forward. Prints the path of an env file
# (KEY=VALUE lines: XENPS_TEST_HOST, _PORT, _USER, _IDENTITY, ...) on stdout; logs go to stderr.
#
# usage: up.sh            (run dir: $XENPS_RUN_DIR if set, else a new /tmp/xenps-xen.XXXXXX)
# knobs: XENPS_BOOT_TIMEOUT (s per boot attempt, default 180), XENPS_QEMU_MEM (default 2G),
#        XENPS_DOM0_VERBOSE=1 (Dom0 kernel without "quiet"), XENPS_XEN_ARGS_EXTRA, XENPS_DOM0_ARGS_EXTRA,
#        XENPS_CACHE_DIR (default ${XDG_CACHE_HOME:-$HOME/.cache}/xenps),
#        XENPS_QEMU_EXTRA (more QEMU arguments, split on spaces: run-stage.sh --two-hosts adds a second NIC
#        on a QEMU socket netdev with it)
# Tear down with: down.sh <env file>
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

BOOT_TIMEOUT=${XENPS_BOOT_TIMEOUT:-180}
QEMU_MEM=${XENPS_QEMU_MEM:-2G}
export DEBIAN_FRONTEND=noninteractive

# Debian packages unpacked into the images. The kernel is added once its ABI is resolved.
XEN_PKGS=(xen-hypervisor-4.17-amd64 xen-utils-4.17 xen-utils-common xenstore-utils
  libxencall1 libxendevicemodel1 libxenevtchn1 libxenforeignmemory1 libxengnttab1 libxenhypfs1
  libxenmisc4.17 libxenstore4 libxentoolcore1 libxentoollog1 libyajl2 libext2fs2
  busybox-static dropbear-bin libtomcrypt1 libtommath1)
# Host packages whose files are copied into the Dom0 (bash, flock, C libraries): part of the key.
HOST_PKGS=(bash util-linux libc6 libgcc-s1)

# ---------------------------------------------------------------- host tools
apt_updated=0
apt_update() {
  ((apt_updated)) && return 0
  log "apt-get update"
  apt-get update -qq >/dev/null || die "apt-get update failed"
  apt_updated=1
}

# Candidate versions as pkg=version lines; fails when any package has no candidate.
candidates() {
  LC_ALL=C apt-cache policy "$@" 2>/dev/null | awk '
    /^[^ ].*:$/ { pkg = substr($0, 1, length($0) - 1) }
    /^  Candidate:/ { if ($2 != "(none)") print pkg "=" $2 }'
}

mkdir -p "$XQ_CACHE"
need_cmds=()
for c in qemu-system-x86_64 cpio ssh ssh-keygen gzip ldd flock dpkg apt-get; do
  command -v "$c" >/dev/null 2>&1 || need_cmds+=("$c")
done
if ((${#need_cmds[@]})); then
  log "missing tools: ${need_cmds[*]}; installing from Debian"
  ((EUID == 0)) || die "installing ${need_cmds[*]} needs root (apt-get install qemu-system-x86 cpio openssh-client)"
  inst_pkgs=(qemu-system-x86 cpio openssh-client)
  if [[ $(candidates "${inst_pkgs[@]}" | wc -l) -lt ${#inst_pkgs[@]} ]]; then apt_update; fi
  apt-get install -y -qq --no-install-recommends "${inst_pkgs[@]}" >/dev/null 2>"$XQ_CACHE/apt.err" || {
    apt_update
    apt-get install -y -qq --no-install-recommends "${inst_pkgs[@]}" >/dev/null
  } || die "cannot install QEMU: this machine cannot run the Xen stage"
  rm -f "$XQ_CACHE/apt.err"
fi
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 not found after install: this machine cannot run the Xen stage"
log "QEMU: $(qemu-system-x86_64 --version | head -1)"

# ---------------------------------------------------------------- versions and cache key
resolve() {
  KPKG=$(LC_ALL=C apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/{print $2; exit}')
  [[ -n $KPKG ]] || return 1
  KV=${KPKG#linux-image-}
  ALL_PKGS=("${XEN_PKGS[@]}" "$KPKG")
  VERSIONS=$(candidates "${ALL_PKGS[@]}" | sort)
  [[ $(wc -l <<<"$VERSIONS") -eq ${#ALL_PKGS[@]} ]]
}
resolve || { apt_update; resolve; } || die "cannot resolve Debian package versions (${ALL_PKGS[*]:-linux-image-amd64})"
HOST_VERSIONS=$(dpkg-query -W -f '${Package}=${Version}\n' "${HOST_PKGS[@]}" | sort)
BUILD_SUM=$(sha256sum "$XQ_DIR/build-images.sh" | cut -d' ' -f1)
compute_key() {
  KEY=$(printf '%s\n' "$VERSIONS" "$HOST_VERSIONS" "build=$BUILD_SUM" | sha256sum | cut -c1-16)
  XEN_VER=$(sed -n 's/^xen-hypervisor-4.17-amd64=//p' <<<"$VERSIONS")
  IMG=$XQ_CACHE/images/xen-${XEN_VER//[^A-Za-z0-9.+-]/_}-$KEY
}
compute_key
log "Xen $XEN_VER, kernel $KPKG, cache key $KEY"
DEBS=$XQ_CACHE/debs

deb_file() { compgen -G "$DEBS/$(printf '%s_%s_' "$1" "${2//:/%3a}")*.deb" | head -1; }

# Downloads the packages of $VERSIONS not already in $DEBS. Fails on stale package lists.
fetch_debs() {
  local want=() pkg ver
  mkdir -p "$DEBS"
  while IFS='=' read -r pkg ver; do
    [[ -n $(deb_file "$pkg" "$ver") ]] || want+=("$pkg=$ver")
  done <<<"$VERSIONS"
  ((${#want[@]})) || return 0
  log "downloading ${#want[@]} packages"
  (cd "$DEBS" && apt-get download -qq "${want[@]}" >/dev/null 2>"$DEBS/download.err")
}

if [[ -f $IMG/versions.txt ]]; then
  log "cached images: $IMG"
else
  exec 8>"$XQ_CACHE/build.lock"
  flock 8
  if [[ ! -f $IMG/versions.txt ]] && ! fetch_debs; then
    # stale package lists point at versions the mirror no longer has
    apt_update
    resolve || die "cannot resolve package versions after apt-get update"
    compute_key
    [[ -f $IMG/versions.txt ]] || fetch_debs || { cat "$DEBS/download.err" >&2; die "apt-get download failed"; }
  fi
  if [[ ! -f $IMG/versions.txt ]]; then
    work=$(mktemp -d "$XQ_CACHE/work.XXXXXX")
    log "unpacking into $work"
    while IFS='=' read -r pkg ver; do
      dpkg -x "$(deb_file "$pkg" "$ver")" "$work/root"
    done <<<"$VERSIONS"
    log "building images"
    rm -rf "$IMG.tmp"
    "$XQ_DIR/build-images.sh" "$work/root" "$KV" "$IMG.tmp" "$work/stage" >&2 \
      || die "image build failed (build-images.sh exit $?); work dir kept: $work"
    printf '%s\n' "$VERSIONS" "$HOST_VERSIONS" "build=$BUILD_SUM" >"$IMG.tmp/versions.txt"
    rm -rf "$work" "$IMG"
    mv "$IMG.tmp" "$IMG"
    log "images built: $IMG ($(du -sh "$IMG" | cut -f1))"
    # keep the debs of this package set only, and this image plus the most recent other one
    for f in "$DEBS"/*.deb; do
      pv=$(basename "$f" | awk -F_ '{gsub("%3a", ":", $2); print $1 "=" $2}')
      grep -qxF "$pv" <<<"$VERSIONS" || rm -f "$f"
    done
    find "$XQ_CACHE/images" -mindepth 1 -maxdepth 1 -type d ! -path "$IMG" -printf '%T@ %p\n' \
      | sort -rn | tail -n +2 | cut -d' ' -f2- | while read -r f; do rm -rf "$f"; done
  fi
  flock -u 8
  exec 8>&-
fi

# ---------------------------------------------------------------- run dir
if [[ -n ${XENPS_RUN_DIR:-} ]]; then
  RUN=$XENPS_RUN_DIR
  mkdir -p "$RUN"
  own_run=0
else
  RUN=$(mktemp -d "${TMPDIR:-/tmp}/xenps-xen.XXXXXX")
  own_run=1
fi
RUN=$(cd "$RUN" && pwd)
: >"$RUN/.xenps-run"   # down.sh only removes directories carrying this marker
install -m 600 "$IMG/id_ed25519" "$RUN/id_ed25519"
install -m 644 "$IMG/id_ed25519.pub" "$RUN/id_ed25519.pub"
DOM0_KERNEL=$IMG/vmlinuz
# Every Dom0 kernel message crosses Xen's console onto an emulated UART: "quiet" halves the boot
# (17-28 s instead of 37-44 s measured). XENPS_DOM0_VERBOSE=1 keeps the full kernel log.
DOM0_ARGS="console=hvc0 earlyprintk=xen"
[[ ${XENPS_DOM0_VERBOSE:-0} == 1 ]] || DOM0_ARGS+=" quiet"
[[ -f $IMG/vmlinux ]] && DOM0_KERNEL=$IMG/vmlinux
PIDFILE=$RUN/qemu.pid
SERIAL=$RUN/serial.log

kill_qemu() {
  local pid
  [[ -s $PIDFILE ]] || return 0
  pid=$(<"$PIDFILE")
  # only our QEMU: its command line names this run's pid file
  if [[ -r /proc/$pid/cmdline ]] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$PIDFILE"; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$PIDFILE"
}

up_ok=0
on_exit() {
  ((up_ok)) && return 0
  if [[ -s $SERIAL ]]; then
    log "last lines of the serial console ($SERIAL):"
    tail -n 40 "$SERIAL" | sed 's/^/    | /' >&2
  fi
  kill_qemu
  ((own_run)) && rm -rf "$RUN"
  return 0
}
trap on_exit EXIT

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Starts QEMU daemonized; sets PORT. Retries on a port that turned out to be taken.
start_qemu() {
  local try
  for try in 1 2 3 4 5 6 7 8; do
    PORT=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
    port_free "$PORT" || continue
    rm -f "$SERIAL" "$PIDFILE"
    QEMU_T0=$(date +%s%N)
    # -nodefaults: no default NIC (it would be unrestricted), VGA, floppy, monitor.
    # restrict=on: the Dom0 cannot reach any network; the only path is the loopback SSH forward.
    if qemu-system-x86_64 -nodefaults -machine pc -accel tcg,thread=multi,tb-size=256 \
      -cpu qemu64,+svm,+npt -smp 2 -m "$QEMU_MEM" \
      -kernel "$IMG/xen" \
      -append "console=com1 com1=115200,8n1 dom0_mem=1024M,max:1024M dom0_max_vcpus=2 loglvl=all guest_loglvl=all noreboot console_timestamps=boot${XENPS_XEN_ARGS_EXTRA:+ $XENPS_XEN_ARGS_EXTRA}" \
      -initrd "$DOM0_KERNEL $DOM0_ARGS${XENPS_DOM0_ARGS_EXTRA:+ $XENPS_DOM0_ARGS_EXTRA},$IMG/dom0-initrd.cpio" \
      -netdev "user,id=n0,restrict=on,hostfwd=tcp:127.0.0.1:$PORT-:22" -device e1000,netdev=n0,romfile= \
      ${XENPS_QEMU_EXTRA:-} \
      -display none -vga none -serial "file:$SERIAL" -no-reboot \
      -pidfile "$PIDFILE" -daemonize </dev/null >"$RUN/qemu.out" 2>&1; then
      return 0
    fi
    if grep -qi 'host forwarding' "$RUN/qemu.out"; then
      log "port $PORT taken, picking another (try $try)"
      continue
    fi
    cat "$RUN/qemu.out" >&2
    die "QEMU failed to start: this machine cannot run the Xen stage"
  done
  die "no free loopback port found for the SSH forward"
}

since_qemu() {
  local now
  now=$(date +%s%N)
  printf '%d.%d' $(( (now - QEMU_T0) / 1000000000 )) $(( (now - QEMU_T0) / 100000000 % 10 ))
}

# Waits for `xl info` over SSH; prints boot milestones. Returns 1 on timeout or QEMU exit.
wait_boot() {
  local -A seen=()
  local m pid
  pid=$(<"$PIDFILE")
  printf '[127.0.0.1]:%s %s\n' "$PORT" "$(<"$IMG/host_ed25519.pub")" >"$RUN/known_hosts"
  XENPS_TEST_HOST=127.0.0.1 XENPS_TEST_PORT=$PORT XENPS_TEST_USER=root \
    XENPS_TEST_IDENTITY=$RUN/id_ed25519 XENPS_TEST_KNOWN_HOSTS=$RUN/known_hosts xq_ssh_cmd
  while :; do
    for m in "Xen version" "Linux version" "DOM0-USERSPACE-UP" "XEN-READY"; do
      if [[ -z ${seen[$m]:-} ]] && grep -qF "$m" "$SERIAL" 2>/dev/null; then
        seen[$m]=1
        log "  +$(since_qemu)s  $m"
      fi
    done
    if [[ -n ${seen[XEN-READY]:-} ]] && timeout 20 "${XQ_SSH[@]}" xl info >"$RUN/xl-info.txt" 2>"$RUN/ssh.err"; then
      BOOT_S=$(since_qemu)
      log "  +${BOOT_S}s  xl info answered over SSH"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || { log "QEMU exited during boot"; return 1; }
    if (( ($(date +%s%N) - QEMU_T0) / 1000000000 > BOOT_TIMEOUT )); then
      log "Dom0 did not answer within ${BOOT_TIMEOUT}s${seen[XEN-READY]:+ (ssh: $(tail -1 "$RUN/ssh.err" 2>/dev/null))}"
      return 1
    fi
    sleep 1
  done
}

booted=0
for attempt in 1 2; do
  start_qemu
  log "boot attempt $attempt: QEMU pid $(<"$PIDFILE"), SSH forward 127.0.0.1:$PORT, serial $SERIAL"
  if wait_boot; then booted=1; break; fi
  if ((attempt == 1)); then
    tail -n 20 "$SERIAL" 2>/dev/null | sed 's/^/    | /' >&2 || true
    log "killing QEMU and retrying the boot once"
    kill_qemu
  fi
done
((booted)) || die "Xen Dom0 did not come up after 2 boot attempts"

ENV_FILE=$RUN/xen.env
cat >"$ENV_FILE" <<EOF
XENPS_TEST_HOST=127.0.0.1
XENPS_TEST_PORT=$PORT
XENPS_TEST_USER=root
XENPS_TEST_IDENTITY=$RUN/id_ed25519
XENPS_TEST_KNOWN_HOSTS=$RUN/known_hosts
XENPS_TEST_KERNEL=/srv/vmlinuz
XENPS_TEST_RAMDISK=/srv/domU-initrd.gz
XENPS_TEST_GUEST_MEMORY_MB=128
XENPS_TEST_BRIDGE=xenbr0
XENPS_TEST_QEMU_PIDFILE=$PIDFILE
XENPS_TEST_SERIAL_LOG=$SERIAL
XENPS_TEST_RUN_DIR=$RUN
XENPS_TEST_BOOT_SECONDS=$BOOT_S
XENPS_TEST_XEN_PACKAGE_VERSION=$XEN_VER
EOF
up_ok=1
log "ready in $(xq_elapsed)s (boot to xl info ${BOOT_S}s); env file: $ENV_FILE"
echo "$ENV_FILE"

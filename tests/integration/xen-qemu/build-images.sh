#!/bin/bash
# Builds the boot images from Debian packages already unpacked (dpkg -x) into ROOT:
#   OUT/xen                 the hypervisor, uncompressed (QEMU's multiboot loader wants it so)
#   OUT/vmlinuz             the Dom0 (and guest) kernel
#   OUT/dom0-initrd.cpio    busybox Dom0: xl, xenstored, xenconsoled, dropbear, guest payload in /srv
#   OUT/domU-initrd.gz      busybox guest initramfs (also inside the Dom0 as /srv/domU-initrd.gz)
#   OUT/id_ed25519{,.pub}   client key the tests log in with (authorized in the Dom0)
#   OUT/host_ed25519.pub    the Dom0's dropbear host key, for a known_hosts file
# usage: build-images.sh ROOT KERNEL_ABI OUT WORK
# Called by up.sh; its own content is part of the cache key, so editing it rebuilds the images.
set -euo pipefail

R=$1 KV=$2 OUT=$3 WORK=$4
[[ -x $R/bin/busybox ]] || { echo "build-images.sh: no busybox in $R" >&2; exit 1; }
[[ -d $R/lib/modules/$KV ]] || { echo "build-images.sh: no modules for $KV in $R" >&2; exit 1; }
mkdir -p "$OUT" "$WORK"
BB=$R/bin/busybox

# --- hypervisor and kernel
zcat "$R/boot/xen-4.17-amd64.gz" >"$OUT/xen"
cp "$R/boot/vmlinuz-$KV" "$OUT/vmlinuz"
# The Dom0 boots from the uncompressed ELF inside the bzImage: Xen decompressing the xz payload
# under TCG costs ~8 s of every boot. (Guests keep the bzImage: their creates are not faster with
# a 66 MB ELF, and the Dom0 would have to hold it in RAM.) Without a decompressor: bzImage.
# payload offset and length from the bzImage header (boot protocol >= 2.08)
setup_sects=$(od -An -tu1 -j $((0x1f1)) -N1 "$OUT/vmlinuz" | tr -d ' ')
read -r pl_off pl_len < <(od -An -tu4 -j $((0x248)) -N8 "$OUT/vmlinuz")
pl_off=$(( (setup_sects + 1) * 512 + pl_off ))
magic=$(od -An -tx1 -j "$pl_off" -N4 "$OUT/vmlinuz" | tr -d ' ')
case $magic in
  fd377a58) unpack=(xz -dc --single-stream) ;;
  1f8b08*) unpack=(gzip -dc) ;;
  28b52ffd) unpack=(zstd -dcq) ;;
  *) unpack=() ;;
esac
if ((${#unpack[@]})) && command -v "${unpack[0]}" >/dev/null; then
  # the payload ends with 4 bytes of decompressed size, which some decompressors call trailing
  # garbage: judge by the result, not by the exit status
  { dd if="$OUT/vmlinuz" bs=1M iflag=skip_bytes,count_bytes skip="$pl_off" count="$pl_len" status=none \
    | "${unpack[@]}" >"$OUT/vmlinux" 2>/dev/null; } || true
fi
if [[ -s $OUT/vmlinux && $(od -An -c -j1 -N3 "$OUT/vmlinux" | tr -d ' ') == ELF ]]; then
  :
else
  echo "build-images.sh: cannot unpack the kernel payload (magic $magic); the Dom0 boots the bzImage" >&2
  rm -f "$OUT/vmlinux"
fi

# --- client key for the tests (never leaves the cache / run directories)
ssh-keygen -q -t ed25519 -N '' -C xenps-tests -f "$OUT/id_ed25519"

"$BB" depmod -b "$R" "$KV"

# Copies kernel modules (with their dependencies from modules.dep) into staging dir $1.
copy_mods() {
  local D=$1 MD=$R/lib/modules/$KV m line f
  shift
  mkdir -p "$D/lib/modules/$KV"
  for m in "$@"; do
    line=$(grep -E "/${m}\.ko(\.[gx]z|\.zst)?:" "$MD/modules.dep") \
      || { echo "build-images.sh: module $m not found for $KV" >&2; exit 1; }
    for f in ${line%%:*} ${line#*:}; do
      mkdir -p "$D/lib/modules/$KV/$(dirname "$f")"
      cp "$MD/$f" "$D/lib/modules/$KV/$f"
    done
  done
  cp "$MD/modules.builtin" "$MD/modules.order" "$D/lib/modules/$KV/"
  "$BB" depmod -b "$D" "$KV"
}

# A root tree with busybox and a symlink per applet (sh, cat, mv, ln, rm, ls, mktemp, test, stat, ...).
busybox_tree() {
  local D=$1 a
  mkdir -p "$D"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,run,root,mnt,var/lock,var/log}
  cp "$BB" "$D/bin/busybox"
  for a in $("$BB" --list); do
    [[ -e $D/bin/$a ]] || ln -s busybox "$D/bin/$a"
  done
  # the kernel runs /sbin/poweroff when xl shutdown asks the guest to stop
  for a in init poweroff reboot halt modprobe insmod; do ln -sf ../bin/busybox "$D/sbin/$a"; done
}

# ================= guest (domU) initramfs =================
U=$WORK/stage-domU
rm -rf "$U"
busybox_tree "$U"
copy_mods "$U" xen-blkfront xen-netfront
cat >"$U/init" <<'EOF'
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
modprobe xen-blkfront; modprobe xen-netfront
echo "DOMU-UP $(cat /proc/uptime)"
exec /bin/init
EOF
chmod +x "$U/init"
cat >"$U/etc/inittab" <<'EOF'
::respawn:/bin/sh -c 'while true; do sleep 3600; done'
hvc0::respawn:-/bin/sh
::shutdown:/bin/echo DOMU-SHUTDOWN
EOF
(cd "$U" && find . | cpio -o -H newc --quiet | gzip -1) >"$OUT/domU-initrd.gz"

# ================= Dom0 initramfs =================
D=$WORK/stage-dom0
rm -rf "$D"
busybox_tree "$D"
mkdir -p "$D/usr/lib" "$D/lib/x86_64-linux-gnu" "$D/lib64" "$D/var/lib/xen/save" "$D/var/lib/xen/dump" \
  "$D/var/log/xen" "$D/etc/dropbear" "$D/root/.ssh" "$D/srv"
cp -a "$R/usr/lib/xen-4.17" "$R/usr/lib/xen-common" "$R/usr/lib/x86_64-linux-gnu" "$D/usr/lib/"
cp -a "$R/usr/sbin/." "$D/usr/sbin/"
cp -a "$R/usr/bin/." "$D/usr/bin/"
cp -a "$R/etc/xen" "$D/etc/"
mkdir -p "$D/etc/xen/auto"
if [[ ! -f $D/etc/xen/xl.conf ]]; then
  printf '# xl.conf written by the XenPS test harness (the package had none)\nautoballoon="auto"\n' >"$D/etc/xen/xl.conf"
fi
rm -f "$D"/usr/lib/xen-4.17/boot/*.gz
# hotplug scripts are bash; block hotplug locking uses flock (both from this build host)
cp "$(command -v bash)" "$D/bin/bash"
cp "$(command -v flock)" "$D/usr/bin/flock"

# Shared-library closure of every executable and library, taken from this (Debian 12) build host
# for libc and friends, from the unpacked packages for the rest.
export LD_LIBRARY_PATH=$D/usr/lib/x86_64-linux-gnu
{ find "$D" -type f -perm -u+x; find "$D/usr/lib/x86_64-linux-gnu" -name '*.so*' -type f; } | while read -r f; do
  # ldd fails on scripts and static binaries: those need nothing
  ldd "$f" 2>/dev/null | awk '/=> \//{print $3} /^[[:space:]]*\/lib64/{print $1}' || true
done | sort -u | while read -r lib; do
  case $lib in "$D"/*) continue ;; esac
  [[ -e $D/lib/x86_64-linux-gnu/$(basename "$lib") ]] || cp "$(readlink -f "$lib")" "$D/lib/x86_64-linux-gnu/$(basename "$lib")"
done
unset LD_LIBRARY_PATH
cp /lib64/ld-linux-x86-64.so.2 "$D/lib64/"
# dlopen()ed by pthread_cancel, so ldd does not see it
[[ -e $D/lib/x86_64-linux-gnu/libgcc_s.so.1 ]] || cp "$(readlink -f /lib/x86_64-linux-gnu/libgcc_s.so.1)" "$D/lib/x86_64-linux-gnu/libgcc_s.so.1"

DOM0_MODS="xenfs xen-privcmd xen-evtchn xen-gntdev xen-gntalloc xen-blkback xen-netback loop bridge e1000"
# shellcheck disable=SC2086 # word list on purpose
copy_mods "$D" $DOM0_MODS

# guest payload
cp "$OUT/vmlinuz" "$D/srv/vmlinuz"
cp "$OUT/domU-initrd.gz" "$D/srv/domU-initrd.gz"

# dropbear host key generated here (key generation under TCG is slow)
DBK() { LD_LIBRARY_PATH=$R/usr/lib/x86_64-linux-gnu "$R/usr/bin/dropbearkey" "$@"; }
DBK -t ed25519 -f "$D/etc/dropbear/dropbear_ed25519_host_key" >/dev/null 2>&1
DBK -y -f "$D/etc/dropbear/dropbear_ed25519_host_key" 2>/dev/null | grep '^ssh-ed25519' | cut -d' ' -f1,2 >"$OUT/host_ed25519.pub"
cp "$OUT/id_ed25519.pub" "$D/root/.ssh/authorized_keys"
# Dom0 -> Dom0 ssh (xl migrate runs "ssh HOST xl migrate-receive"): a dropbear client key and an
# "ssh" wrapper onto dbclient
DBK -t ed25519 -f "$D/root/.ssh/id_dropbear" 2>/dev/null | grep '^ssh-ed25519' >>"$D/root/.ssh/authorized_keys"
printf '#!/bin/sh\nexec /usr/bin/dbclient -y -i /root/.ssh/id_dropbear "$@"\n' >"$D/usr/bin/ssh"
chmod 755 "$D/usr/bin/ssh"
chmod 700 "$D/root/.ssh"
chmod 600 "$D/root/.ssh/authorized_keys" "$D/root/.ssh/id_dropbear"

echo 'root:x:0:0:root:/root:/bin/sh' >"$D/etc/passwd"
echo 'root:*:1::::::' >"$D/etc/shadow"
echo 'root:x:0:' >"$D/etc/group"
printf '/bin/sh\n/bin/bash\n' >"$D/etc/shells"
echo 'dom0' >"$D/etc/hostname"
printf '127.0.0.1 localhost\n10.0.2.15 dom0\n' >"$D/etc/hosts"
ln -sf /proc/mounts "$D/etc/mtab"

cat >"$D/init" <<EOF
#!/bin/sh
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
# block hotplug (locking.sh) stats /dev/stdin: without these it hangs 40 s
ln -sf /proc/self/fd /dev/fd; ln -sf /proc/self/fd/0 /dev/stdin
ln -sf /proc/self/fd/1 /dev/stdout; ln -sf /proc/self/fd/2 /dev/stderr
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /tmp
ln -s /run /var/run
mkdir -p /run/xen /run/xenstored /var/lib/xen/dump /var/lib/xen/save /var/log/xen/console /etc/xen/auto
echo "DOM0-USERSPACE-UP uptime=\$(cat /proc/uptime)"
hostname dom0
for m in $DOM0_MODS; do
  modprobe \$m || echo "modprobe \$m FAILED"
done
mount -t xenfs xenfs /proc/xen
/usr/sbin/xenstored --pid-file /run/xenstored.pid
/usr/lib/xen-4.17/bin/xen-init-dom0 || echo "xen-init-dom0 FAILED"
/usr/sbin/xenconsoled --pid-file=/run/xenconsoled.pid --log=guest
# QEMU user-mode network (restricted: no way out but the SSH port forward)
ip link set lo up
ip link set eth0 up
ip addr add 10.0.2.15/24 dev eth0
ip route add default via 10.0.2.2
# optional second NIC (run-stage.sh --two-hosts: a QEMU socket netdev between two QEMU hosts over
# 127.0.0.1), addressed from the Dom0 command line's mig_ip=ADDR/PREFIX, for Dom0-to-Dom0 migration
MIGIP=\$(sed -n 's/.*mig_ip=\([^ ]*\).*/\1/p' /proc/cmdline)
if [ -n "\$MIGIP" ] && ip link show eth1 >/dev/null 2>&1; then ip link set eth1 up; ip addr add "\$MIGIP" dev eth1; fi
# isolated bridge for guest vifs (no uplink)
ip link add name xenbr0 type bridge stp_state 0 forward_delay 0
ip addr add 192.168.250.1/24 dev xenbr0
ip link set xenbr0 up
/usr/sbin/dropbear -p 22 -s -E 2>/var/log/dropbear.log
echo "XEN-READY uptime=\$(cat /proc/uptime)"
/usr/sbin/xl info | head -20
exec /bin/sh -c 'while true; do sleep 3600; done'
EOF
chmod +x "$D/init"

# sample guest configs (the tests generate their own)
cat >"$D/srv/domU.cfg" <<'EOF'
name = "testvm"
type = "pv"
kernel = "/srv/vmlinuz"
ramdisk = "/srv/domU-initrd.gz"
extra = "console=hvc0 quiet"
memory = 128
maxmem = 256
vcpus = 1
on_poweroff = "destroy"
on_reboot = "restart"
on_crash = "destroy"
EOF
sed 's/type = "pv"/type = "pvh"/; s/testvm/pvhvm/' "$D/srv/domU.cfg" >"$D/srv/pvh.cfg"

(cd "$D" && find . | cpio -o -H newc --quiet) >"$OUT/dom0-initrd.cpio"

# what is inside, for the record
{
  echo "kernel_abi=$KV"
  echo "busybox_applets=$("$BB" --list | tr '\n' ' ')"
  echo "dom0_initrd_bytes=$(stat -c %s "$OUT/dom0-initrd.cpio")"
  echo "domU_initrd_bytes=$(stat -c %s "$OUT/domU-initrd.gz")"
} >"$OUT/manifest.txt"

#!/usr/bin/env bash
# Prints boot-to-poweroff wall times per arch: bare QEMU (a shell pipeline talking to the guest's
# console socket) for the busybox guest and, when built, the systemd guest (--guest systemd,
# without a configuration), next to auditvm's QEMU backend (busybox guest), in one run.
# Usage: bench/boot.sh [RUNS]   (images must be built: auditvm image build --arch all [--guest systemd])
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
bin=./build/harness/cli/auditvm
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
now() { date +%s.%N; }
# bare ARCH GUEST: mean boot-to-poweroff seconds of bare QEMU over $runs boots.
bare() {
  local arch=$1 dir memory=256
  dir=$($bin image path --arch "$arch" --guest "$2")
  [ "$2" = systemd ] && memory=512  # the systemd guest's manifest asks for it
  if [ "$arch" = x86_64 ]; then
    qemu=(qemu-system-x86_64 -machine q35 -cpu max -kernel "$dir/vmlinux" -append "console=ttyS0 quiet panic=-1")
  else
    qemu=(qemu-system-aarch64 -machine virt -cpu cortex-a57 -kernel "$dir/Image" -append "console=ttyAMA0 quiet panic=-1")
  fi
  local bare=0 start
  for _ in $(seq "$runs"); do
    rm -f "$tmp/s"
    start=$(now)
    # Bare QEMU: the guest powers off as soon as its shell starts and reads "poweroff -f".
    (echo "poweroff -f" | python3 -c "
import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind('$tmp/s'); s.listen(1); c,_=s.accept()
buf=b''
while b'Spawning backdoor' not in buf:
    d=c.recv(4096)
    if not d: sys.exit(1)
    buf+=d
c.sendall(b'poweroff -f\n'); c.recv(1)" &)
    while [ ! -S "$tmp/s" ]; do sleep 0.01; done
    "${qemu[@]}" -accel tcg -smp 1 -m "$memory" -initrd "$dir/initrd.cpio" -nodefaults -nographic -no-reboot -monitor none -nic none \
      -serial null -device virtio-serial-pci -chardev socket,id=shell,path="$tmp/s" -device virtconsole,chardev=shell
    bare=$(echo "$bare + $(now) - $start" | bc)
  done
  echo "$bare / $runs" | bc -l
}
for arch in x86_64 aarch64; do
  busybox=$(bare "$arch" busybox)
  systemd=$( ($bin image path --arch "$arch" --guest systemd >/dev/null 2>&1 && bare "$arch" systemd) || echo 0)
  start=$(now)
  for _ in $(seq "$runs"); do ./build/tests/vm/machine/vm_machine_test --gtest_filter="*ShutsDownCleanly/qemu_$arch" >/dev/null; done
  harness=$(echo "$(now) - $start" | bc)
  printf '%-8s bare QEMU boot-to-poweroff %.2f s (systemd guest %.2f s)   auditvm boot-to-poweroff %.2f s   (mean of %d)\n' \
    "$arch" "$busybox" "$systemd" "$(echo "$harness / $runs" | bc -l)" "$runs"
done

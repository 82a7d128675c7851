#!/usr/bin/env bash
# Starts a real libvirt daemon (virtlogd, then libvirtd) when none is answering. This machine
# kind has no systemd, so the daemons are started by hand as root; harmless when already up.
set -euo pipefail
if virsh -c qemu:///system uri >/dev/null 2>&1; then
  exit 0
fi
[ "$(id -u)" -eq 0 ] || { echo "start-libvirt: must run as root" >&2; exit 2; }
mkdir -p /run/libvirt
pgrep -x virtlogd >/dev/null || virtlogd -d
pgrep -x libvirtd >/dev/null || libvirtd -d
for _ in $(seq 1 50); do
  virsh -c qemu:///system uri >/dev/null 2>&1 && exit 0
  sleep 0.2
done
echo "start-libvirt: libvirtd did not answer on qemu:///system" >&2
exit 2

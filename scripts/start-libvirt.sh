#!/usr/bin/env bash
# Starts a real libvirt daemon (virtlogd, then libvirtd) when none is answering. This machine
# kind has no systemd (and no udev), so the daemons are started by hand as root; harmless when
# already up. LIBVIRTD_DEBUG=1 starts libvirtd with debug logging to /var/log/libvirt/libvirtd-debug.log.
set -euo pipefail
[ "$(id -u)" -eq 0 ] || { virsh -c qemu:///system uri >/dev/null 2>&1 && exit 0; echo "start-libvirt: must run as root" >&2; exit 2; }
# /dev/kvm as Debian's udev rule leaves it (root:kvm 0660; libvirt-qemu is in group kvm). Without
# udev it stays root-only 0600: libvirt then probes the x86_64 QEMU as root (KVM works), finds
# /dev/kvm closed to libvirt-qemu, declares its cached capabilities stale and probes again, about
# a dozen times per domain start (measured: 50-65 s before an x86_64 guest started, 1 s after).
if [ -c /dev/kvm ] && getent group kvm >/dev/null && [ "$(stat -c %G /dev/kvm)" != kvm ]; then
  chgrp kvm /dev/kvm && chmod 0660 /dev/kvm
fi
if virsh -c qemu:///system uri >/dev/null 2>&1; then
  exit 0
fi
mkdir -p /run/libvirt /var/log/libvirt
pgrep -x virtlogd >/dev/null || virtlogd -d
if ! pgrep -x libvirtd >/dev/null; then
  if [ "${LIBVIRTD_DEBUG:-0}" = 1 ]; then
    LIBVIRT_LOG_FILTERS="1:qemu 1:libvirt 3:object 3:json 3:event 1:util 1:security" \
      LIBVIRT_LOG_OUTPUTS="1:file:/var/log/libvirt/libvirtd-debug.log" libvirtd -d
  else
    libvirtd -d
  fi
fi
for _ in $(seq 1 50); do
  virsh -c qemu:///system uri >/dev/null 2>&1 && exit 0
  sleep 0.2
done
echo "start-libvirt: libvirtd did not answer on qemu:///system" >&2
exit 2

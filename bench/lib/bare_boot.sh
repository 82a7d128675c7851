# Sourced by the benchmarks: bare QEMU booting a built guest to its backdoor shell and powering it
# off (a socket listener standing in for the harness), the yardstick every figure is a ratio to.
# Needs $bin (the auditvm binary) and $tmp (a scratch directory).

now() { date +%s.%N; }

# bare_boot ARCH GUEST RUNS [COMMAND]: the mean boot-to-poweroff seconds of bare QEMU over RUNS
# boots. With COMMAND, the shell runs it before powering off and its output is left in $tmp/bare.out
# (then the time includes it).
bare_boot() {
  local arch=$1 guest=$2 runs=$3 command=${4:-} dir memory=256 qemu total=0 start
  dir=$($bin image path --arch "$arch" --guest "$guest")
  [ "$guest" = systemd ] && memory=512  # the systemd guest's manifest asks for it
  if [ "$arch" = x86_64 ]; then
    qemu=(qemu-system-x86_64 -machine q35 -cpu max -kernel "$dir/vmlinux" -append "console=ttyS0 quiet panic=-1")
  else
    qemu=(qemu-system-aarch64 -machine virt -cpu cortex-a57 -kernel "$dir/Image" -append "console=ttyAMA0 quiet panic=-1")
  fi
  for _ in $(seq "$runs"); do
    rm -f "$tmp/bare.sock"
    start=$(now)
    # The guest powers off as soon as its shell starts and reads "poweroff -f".
    (python3 -c "
import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind('$tmp/bare.sock'); s.listen(1); c,_=s.accept()
buf=b''
while b'Spawning backdoor' not in buf:
    d=c.recv(4096)
    if not d: sys.exit(1)
    buf+=d
command=sys.argv[1]
if command:
    c.sendall(command.encode() + b'\necho __auditvm_end__\n'); out=b''
    while b'__auditvm_end__' not in out:
        d=c.recv(65536)
        if not d: break
        out+=d
    open('$tmp/bare.out','wb').write(out.split(b'__auditvm_end__')[0])
c.sendall(b'poweroff -f\n'); c.recv(1)" "$command" &)
    while [ ! -S "$tmp/bare.sock" ]; do sleep 0.01; done
    "${qemu[@]}" -accel tcg -smp 1 -m "$memory" -initrd "$dir/initrd.cpio" -nodefaults -nographic -no-reboot -monitor none -nic none \
      -serial null -device virtio-serial-pci -chardev socket,id=shell,path="$tmp/bare.sock" -device virtconsole,chardev=shell
    total=$(echo "$total + $(now) - $start" | bc)
  done
  echo "$total / $runs" | bc -l
}

# The host's load, as every figure measured on this shared machine is quoted with it.
load_average() { cut -d' ' -f1-3 /proc/loadavg; }

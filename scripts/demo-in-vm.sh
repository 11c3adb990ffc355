#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# demo-in-vm.sh - what `scripts/demo` runs inside the VM.
set -u
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "atcp is loaded: $(lsmod | awk '$1 == "atcp"')"
echo "protocol number: $(cat /sys/module/atcp/parameters/protocol)"

say "socket(AF_INET, SOCK_STREAM, 253) selects atcp; protocol 0 stays Linux TCP"
python3 - <<'PY'
import socket
a = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 253)
t = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 0)
print("atcp socket:  SO_PROTOCOL =", a.getsockopt(socket.SOL_SOCKET, socket.SO_PROTOCOL))
print("Linux socket: SO_PROTOCOL =", t.getsockopt(socket.SOL_SOCKET, socket.SO_PROTOCOL))
PY

say "sysctls, per network namespace: /proc/sys/net/atcp/"
for f in /proc/sys/net/atcp/*; do printf '%-40s %s\n' "$f" "$(cat "$f")"; done

say "/proc/net/atcp (the layout of /proc/net/tcp)"
cat /proc/net/atcp

say "unloading is refused while an atcp socket is open"
python3 -c '
import socket, subprocess
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 253)
r = subprocess.run(["rmmod", "atcp"], capture_output=True, text=True)
print("rmmod atcp ->", r.returncode, r.stderr.strip())
'

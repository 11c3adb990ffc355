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

say "an atcp client talks to Linux TCP across a veth pair (16 MiB each way, verified)"
. "$ATCP_TOP/selftests/vm/lib.sh" > /dev/null
topo_pair
xfer=$ATCP_TOP/selftests/vm/build/tool_xfer
in_b "$xfer" server -p 0 -l "$ADDR_B:5001" -1 -s 16M -r 16M -R /tmp/ready &
for _ in $(seq 100); do [ -e /tmp/ready ] && break; sleep 0.05; done
in_a "$xfer" client -p "$(cat /sys/module/atcp/parameters/protocol)" \
	-c "$ADDR_B:5001" -s 16M -r 16M
wait
echo
echo "atcp's side (/proc/net/atcp in the client's namespace):"
in_a cat /proc/net/atcp
echo "atcp counters:"
in_a grep -E 'ActiveOpens|InSegs|OutSegs|RetransSegs|TW ' /proc/net/atcp_stat

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_vm_runner - the VM runner itself: it must return the command's exit
# status, and fail a run whose kernel log shows a WARNING, whose guest hangs,
# or after which atcp.ko cannot be unloaded.  Each check boots a VM; the
# VMs run side by side (they share nothing but the initramfs) and are
# judged once all have finished.
. "$(dirname "$0")/../vm/lib.sh"
cd "$ATCP_TOP" || exit 1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# run NAME VM-RUN-ARGS...: start one vm-run in the background; its output
# goes to $out/NAME, its exit status to $out/NAME.rc.
run()
{
	local name=$1

	shift
	{ scripts/vm-run "$@" > "$out/$name" 2>&1; echo $? > "$out/$name.rc"; } &
}
rc() { cat "$out/$1.rc"; }

# has_line PATTERN FILE: grep, printing the end of FILE when it fails.
has_line()
{
	grep -q "$1" "$2" || { tail -20 "$2"; return 1; }
}

run status -- sh -c 'test -d /sys/module/atcp && test ! -e /sys/class/net/eth0 && exit 7'
run warn -- insmod selftests/kmod/atcp_warn_test.ko
run nowarn -- insmod selftests/kmod/atcp_warn_test.ko warn=0
run hang --timeout 25 -- sleep 600
# The command ends once the socket holds the module.  Python starts
# slowly while the other VMs boot (under CI load once more than 60 s):
# wait as long as it takes, and let --timeout end a guest where it never
# does, which the point below then reports with the guest's output.
run held --timeout 400 --unload-wait 2 -- sh -c 'python3 -c "
import socket, os, time
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 253)
os.fork() or time.sleep(600)
" &
while [ "$(cat /sys/module/atcp/refcnt)" = 0 ]; do
	sleep 0.1
done'
wait

tap_is "vm-run loads atcp.ko, gives the guest no network device, returns the command's exit status" \
	"$(rc status)" 7

tap_ok "a kernel WARNING fails the run (status $(rc warn))" test "$(rc warn)" != 0
tap_ok "and the runner prints the WARNING line" \
	has_line 'vm-run:.*WARNING:.*atcp_warn_test' "$out/warn"
grep 'WARNING:' "$out/warn" | head -3 | sed 's/^/# /'
tap_is "the same module without the warning passes" "$(rc nowarn)" 0

tap_ok "a guest that does not finish is killed and fails (status $(rc hang))" \
	test "$(rc hang)" != 0
tap_ok "and the runner says it timed out" has_line 'did not finish' "$out/hang"

tap_ok "an atcp.ko that cannot be unloaded fails the run (status $(rc held))" \
	test "$(rc held)" != 0
tap_ok "and the runner says so" has_line 'could not be unloaded' "$out/held"

tap_finish

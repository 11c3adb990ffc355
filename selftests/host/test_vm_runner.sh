#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_vm_runner - the VM runner itself: it must return the command's exit
# status, and fail a run whose kernel log shows a WARNING, whose guest hangs,
# or after which atcp.ko cannot be unloaded.  Each check boots a VM.
. "$(dirname "$0")/../vm/lib.sh"
cd "$ATCP_TOP" || exit 1
out=$(mktemp)
trap 'rm -f "$out"' EXIT

scripts/vm-run -- sh -c 'exit 7' > "$out" 2>&1
tap_is "vm-run returns the command's exit status" "$?" 7

scripts/vm-run -- sh -c 'test -d /sys/module/atcp && test ! -e /sys/class/net/eth0' > "$out" 2>&1
tap_is "vm-run loads atcp.ko and gives the guest no network device" "$?" 0

scripts/vm-run -- insmod selftests/kmod/atcp_warn_test.ko > "$out" 2>&1
status=$?
tap_ok "a kernel WARNING fails the run (status $status)" test $status != 0
tap_ok "and the runner prints the WARNING line" \
	grep -q 'vm-run:.*WARNING:.*atcp_warn_test' "$out"
grep 'WARNING:' "$out" | head -3 | sed 's/^/# /'

scripts/vm-run -- insmod selftests/kmod/atcp_warn_test.ko warn=0 > "$out" 2>&1
tap_is "the same module without the warning passes" "$?" 0

scripts/vm-run --timeout 25 -- sleep 600 > "$out" 2>&1
status=$?
tap_ok "a guest that does not finish is killed and fails (status $status)" \
	test $status != 0
tap_ok "and the runner says it timed out" grep -q 'did not finish' "$out"

scripts/vm-run -- sh -c 'python3 -c "
import socket, os, time
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 253)
os.fork() or time.sleep(600)
" &
sleep 3' > "$out" 2>&1
status=$?
tap_ok "an atcp.ko that cannot be unloaded fails the run (status $status)" \
	test $status != 0
tap_ok "and the runner says so" grep -q 'could not be unloaded' "$out"

tap_finish

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_style - the kernel code keeps checkpatch.pl --strict and sparse quiet.
. "$(dirname "$0")/../vm/lib.sh"
cd "$ATCP_TOP" || exit 1
out=$(mktemp)
trap 'rm -f "$out"' EXIT

scripts/checkpatch.sh > "$out" 2>&1
status=$?
grep -v '^total:' "$out" | sed 's/^/# /'
tap_is "checkpatch.pl --strict finds nothing in module/" "$status" 0

if command -v sparse > /dev/null; then
	touch module/*.c
	make -s sparse > "$out" 2>&1
	status=$?
	findings=$(grep -E '(warning|error):' "$out")
	[ -z "$findings" ] || printf '%s\n' "$findings" | sed 's/^/# /'
	tap_ok "sparse (make C=2) finds nothing in module/" \
		test "$status" = 0 -a -z "$findings"
	make -s modules > /dev/null 2>&1
else
	tap_skip "sparse is not installed"
fi

tap_finish

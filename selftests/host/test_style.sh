#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_style - the kernel code keeps checkpatch.pl --strict and sparse quiet.
. "$(dirname "$0")/../vm/lib.sh"
cd "$ATCP_TOP" || exit 1
out=$(mktemp)
copy=$(mktemp -d)
trap 'rm -rf "$out" "$copy"' EXIT

scripts/checkpatch.sh > "$out" 2>&1
status=$?
grep -v '^total:' "$out" | sed 's/^/# /'
tap_is "checkpatch.pl --strict finds nothing in module/" "$status" 0

if command -v sparse > /dev/null; then
	# on a copy of the sources: the suite may run this beside VMs that
	# load the module/atcp.ko of this tree, which must not change
	mkdir "$copy/module"
	cp Kbuild Makefile "$copy"
	cp -r module/include module/Kbuild module/*.[ch] "$copy/module"
	make -s -C "$copy" sparse > "$out" 2>&1
	status=$?
	findings=$(grep -E '(warning|error):' "$out")
	[ -z "$findings" ] ||
		printf '%s\n' "$findings" | sed "s|$copy/||; s/^/# /"
	tap_ok "sparse (make C=2) finds nothing in module/" \
		test "$status" = 0 -a -z "$findings"
else
	tap_skip "sparse is not installed"
fi

tap_finish

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_docs - the state diagram in Documentation/ is the engine's table:
# `make docs` regenerates the DOT text from module/atcp_fsm.c, which must
# equal the checked-in Documentation/atcp-states.dot, and Graphviz, where
# installed, must draw that text into the checked-in SVG.
. "$(dirname "$0")/../vm/lib.sh"
cd "$ATCP_TOP" || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if make -s scripts/atcp-fsm-dot > "$tmp/build" 2>&1; then
	scripts/atcp-fsm-dot > "$tmp/states.dot"
	tap_ok "the generator builds and runs" test -s "$tmp/states.dot"
	if diff -u Documentation/atcp-states.dot "$tmp/states.dot" > "$tmp/diff"; then
		tap_result 0 "Documentation/atcp-states.dot matches the engine's table"
	else
		sed 's/^/# /' "$tmp/diff" | head -n 40
		tap_result 1 "Documentation/atcp-states.dot matches the engine's table (run make docs)"
	fi
else
	sed 's/^/# /' "$tmp/build"
	tap_result 1 "the generator builds and runs"
	tap_skip "no generator, nothing to compare"
fi

if command -v dot > /dev/null; then
	dot -Tsvg Documentation/atcp-states.dot > "$tmp/states.svg"
	tap_ok "Documentation/atcp-states.svg is drawn from that text (run make docs)" \
		cmp -s Documentation/atcp-states.svg "$tmp/states.svg"
else
	tap_skip "graphviz is not installed"
fi

tap_finish

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_twreuse - local ports full of TIME-WAIT entries, and tw_reuse, for
# atcp and for Linux TCP beside it (net.ipv4.tcp_tw_reuse):
#
#  - with the ephemeral range narrowed to 100 ports and every port left in
#    TIME-WAIT by a connection the client closed first, connect() fails at
#    once with EADDRNOTAVAIL under tw_reuse 0, and under the default 2
#    (loopback only) between these addresses; under tw_reuse 1 each entry
#    older than a second is taken over, 100 connections succeed, and the
#    takeovers are counted (TWRecycled); rfc1337 keeps every entry;
#  - atcp: 50,000 connections opened and closed by the client in a loop to
#    one server port, with tw_reuse 1 and atcp's default range of 4536
#    ports, all succeed, every one after the 4536th on a port that
#    tw_reuse took back from a TIME-WAIT entry.
#
# The "atcp" protocol is $ATCP_PROTO (default 253).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_conn.sh"

sc_topic twreuse 10
atcp_only "this topic sets atcp's own local_port_range"
LOOP=$ATCP_TOP/selftests/vm/build/tool_connloop
[ -x "$LOOP" ] || { tap_skip "tool_connloop is not built"; tap_finish; }

# port_range NS PROTO "LO HI": the ephemeral range of that stack in NS
port_range()
{
	local path=/proc/sys/net/atcp/local_port_range

	[ "$2" = 0 ] && path=/proc/sys/net/ipv4/ip_local_port_range
	ip netns exec "$1" sh -c "echo $3 > $path"
}

# recycled PROTO: TIME-WAIT takeovers counted in NS_A
recycled()
{
	if [ "$1" = 0 ]; then
		linux_tcpext "$NS_A" TWRecycled
	else
		atcp_stat "$NS_A" TWRecycled
	fi
}

# loop PROTO PORT N [ARGS...]: tool_connloop's client line, in $R
loop()
{
	local proto=$1 port=$2 n=$3

	shift 3
	R=$(ip netns exec "$NS_A" timeout -k 5 600 "$LOOP" client -q -p "$proto" \
		-c "$ADDR_B:$port" -n "$n" "$@" 2>&1 | tail -n 1)
}

# A Linux TCP server on 27000-27001: it reads each connection to EOF and
# closes, after the client.
ready=$TMP/server.ready
ip netns exec "$NS_B" "$LOOP" server -l "$ADDR_B:27000-27001" -R "$ready" \
	> /dev/null 2> "$TMP/server.err" &
PIDS+=("$!")
if ! wait_ready "$ready" "$!"; then
	sed 's/^/# /' "$TMP/server.err"
	tap_result 1 "the server listens"
	tap_finish
fi

# ---- exhaustion of a narrowed range ------------------------------------------

lo=62000
for cp in "$P" 0; do
	tag="$(proto_name "$cp") 100-port range"
	port_range "$NS_A" "$cp" "$lo $((lo + 99))"
	knob "$NS_A" "$cp" tw_reuse 0
	# a stray RST (the peer answering a late duplicate) must not free a
	# port here
	knob "$NS_A" "$cp" rfc1337 1
	loop "$cp" 27000 100
	tap_is "$tag: 100 connections, each closed by the client" "${R%% secs=*}" "ok 100"
	tap_is "$tag: leave 100 TIME-WAIT entries" "$(tw_count "$NS_A" "$cp" 27000)" 100
	sleep 1.5	# older than a second: tw_reuse 1 would take them
	loop "$cp" 27000 1 -x
	tap_diag "$tag: tw_reuse 0: $R"
	tap_is "$tag: tw_reuse 0: the next connect() fails with EADDRNOTAVAIL" \
		"${R%% after*}" "err EADDRNOTAVAIL"
	ms=${R##*ms=}
	tap_result "$([[ $ms =~ ^[0-9.]+$ ]] && [ "${ms%.*}" -lt 2000 ] && echo 0 || echo 1)" \
		"$tag: tw_reuse 0: at once (${ms} ms), nothing waits"
	knob "$NS_A" "$cp" tw_reuse 2
	loop "$cp" 27000 1 -x
	tap_is "$tag: tw_reuse 2 (loopback only): EADDRNOTAVAIL here too" \
		"${R%% after*}" "err EADDRNOTAVAIL"
	before=$(recycled "$cp")
	knob "$NS_A" "$cp" tw_reuse 1
	loop "$cp" 27000 100
	tap_is "$tag: tw_reuse 1: 100 more connections succeed" "${R%% secs=*}" "ok 100"
	tap_is "$tag: tw_reuse 1: 100 entries taken over (TWRecycled)" \
		"$(( $(recycled "$cp") - before ))" 100
	lo=$((lo + 200))
done

# ---- 50,000 connections -----------------------------------------------------

tag="atcp 50,000 connections, tw_reuse 1, 4536 ports"
port_range "$NS_A" "$P" "61000 65535"
knob "$NS_A" "$P" tw_reuse 1
knob "$NS_A" "$P" tw_timeout 600	# no port comes back by expiry
before=$(recycled "$P")
killed=$(atcp_stat "$NS_A" TWKilled)
start=$(now_ms)
loop "$P" 27001 50000 -j 2
tap_diag "$tag: $R ($(( $(now_ms) - start )) ms)"
tap_is "$tag: every one connects" "${R%% secs=*}" "ok 50000"
reused=$(( $(recycled "$P") - before ))
killed=$(( $(atcp_stat "$NS_A" TWKilled) - killed ))
tap_diag "$tag: $reused TIME-WAIT entries taken over, $killed ended by a RST"
tap_result "$([ $((reused + killed)) -ge $((50000 - 4536)) ] && echo 0 || echo 1)" \
	"$tag: every connection after the 4536th took a TIME-WAIT entry's port"

tap_finish

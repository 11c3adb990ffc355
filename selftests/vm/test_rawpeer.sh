#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_rawpeer - segments that Linux TCP never sends, from a peer made of
# raw packets (tool_rawpeer.py, scapy) in $NS_A, to an atcp server and,
# side by side, to a Linux TCP server in $NS_B:
#
#  - a BSD-style window probe.  The peer fills the server's receive
#    window (the application reads nothing), the server's application
#    sends 100 bytes, and the peer answers with one byte of data at the
#    server's RCV.NXT whose ACK field acknowledges those 100 bytes.  The
#    closed window takes no data, but the ACK is valid and must be taken
#    (RFC 9293 3.10.7.4): the server's unacknowledged bytes fall to 0,
#    the byte is dropped (ZeroWindowDrop, Linux's TCPZeroWindowDrop) and
#    answered with an ACK that does not cover it;
#  - SYNs in a synchronized state, five at once: each would draw an
#    RFC 5961 challenge ACK, but invalid_ratelimit (500 ms) lets one
#    through; with 0 all five, and challenge_ack_limit 1 (a namespace's
#    quota per second) cuts them back to one.
#
# $NS_A's own stack would answer the server's segments with RSTs (it has
# no socket for the raw peer): a tc filter drops its RSTs.  The "atcp"
# protocol is $ATCP_PROTO (default 253).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_conn.sh"

RAWPEER=$ATCP_TOP/selftests/vm/tool_rawpeer.py
PY=/usr/bin/python3

sc_topic rawpeer 20

ip netns exec "$NS_A" tc qdisc add dev veth0 clsact &&
	ip netns exec "$NS_A" tc filter add dev veth0 egress protocol ip \
		u32 match u8 6 0xff at 9 match u8 0x04 0x04 at 33 action drop
tap_result $? "$NS_A sends no RST of its own (tc filter)"

# zero_window_drops NS PROTO: atcp's ZeroWindowDrop, or Linux's
# TCPZeroWindowDrop, in NS.
zero_window_drops()
{
	if [ "$2" = 0 ]; then
		linux_tcpext "$1" TCPZeroWindowDrop
	else
		atcp_stat "$1" ZeroWindowDrop
	fi
}

port=26000

for sp in "$P" 0; do
	tag="$(proto_name "$sp") server, a one-byte probe into its closed window"
	before=$(zero_window_drops "$NS_B" "$sp")
	sc_start s "$NS_B" "$sp"
	sc s "listen $ADDR_B:$port"
	rm -f "$TMP/raw.ready"
	ip netns exec "$NS_A" "$PY" "$RAWPEER" veth0 "$ADDR_A" "$ADDR_B" \
		$port --ready "$TMP/raw.ready" > "$TMP/raw" 2>&1 &
	raw=$!
	PIDS+=("$raw")
	sc s "accept"
	expect "$tag: the raw peer connects" "ok $ADDR_A:*" "$R"
	for i in $(seq 150); do
		[ -e "$TMP/raw.ready" ] && break
		kill -0 "$raw" 2>/dev/null || break
		sleep 0.1
	done
	tap_result "$([ -e "$TMP/raw.ready" ] && echo 0 || echo 1)" \
		"$tag: the peer fills the window until the server closes it"
	sc s "send 100"
	wait "$raw"
	rc=$?
	tap_diag "$tag: tool_rawpeer: $(tr '\n' ' ' < "$TMP/raw")"
	tap_result $rc "$tag: the server answers the probe"
	sc s "outq"
	expect "$tag: the probe's ACK is taken: nothing left unacknowledged" \
		"ok 0" "$R"
	after=$(zero_window_drops "$NS_B" "$sp")
	tap_is "$tag: the byte is dropped and counted" \
		"$((after - before))" 1
	grep -q "probe at \([0-9]*\) acks [0-9]*; the server answers ack \1 win" \
		"$TMP/raw"
	tap_result $? "$tag: the server's ACK does not cover the byte"
	sc_stop s
	port=$((port + 1))
done

# RFC 5961 challenge ACKs, rate-limited per connection (invalid_ratelimit)
# and per namespace (challenge_ack_limit), as Linux does: three rounds of
# five SYNs on one connection, the server's knobs changed between rounds
# by $TMP/knobs (round 2: invalid_ratelimit 0; round 3: and
# challenge_ack_limit 1).
for sp in "$P" 0; do
	tag="$(proto_name "$sp") server, 5 SYNs at once in a synchronized state"
	d=/proc/sys/net/atcp/
	[ "$sp" = 0 ] && d=/proc/sys/net/ipv4/tcp_
	cat > "$TMP/knobs" <<EOF
#!/bin/sh
[ "\$1" = 2 ] && ip netns exec $NS_B sh -c "echo 0 > ${d}invalid_ratelimit"
[ "\$1" = 3 ] && ip netns exec $NS_B sh -c "echo 1 > ${d}challenge_ack_limit"
exit 0
EOF
	chmod +x "$TMP/knobs"
	sc_start s "$NS_B" "$sp"
	sc s "listen $ADDR_B:$port"
	R=$(ip netns exec "$NS_A" "$PY" "$RAWPEER" veth0 "$ADDR_A" "$ADDR_B" \
		$port --syns 5 --rounds 3 --hook "$TMP/knobs" 2>&1 | tail -n 1)
	sc_stop s
	port=$((port + 1))
	tap_diag "$tag: tool_rawpeer: $R"
	read -r _ _ a1 a2 a3 <<< "$R"
	tap_is "$tag: invalid_ratelimit 500 ms: one challenge ACK" "${a1:-none}" 1
	tap_is "$tag: invalid_ratelimit 0: a challenge ACK each" "${a2:-none}" 5
	# The quota is drawn anew when the second (jiffies / HZ) changes: a
	# burst that straddles that moment meets two quotas of one.
	tap_result "$([[ ${a3:-x} =~ ^[12]$ ]] && echo 0 || echo 1)" \
		"$tag: ... and challenge_ack_limit 1: one a second (${a3:-none})"
	knob "$NS_B" "$sp" challenge_ack_limit 2147483647
	knob "$NS_B" "$sp" invalid_ratelimit 500
done
[ "$P" != 0 ] && tap_ok "ACKSkippedChallenge counts the ACKs not sent" \
	test "$(atcp_stat "$NS_B" ACKSkippedChallenge)" -ge 4

tap_finish

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_timewait - TIME-WAIT entries, for atcp and, where Linux has the
# same knob, for Linux TCP beside it:
#
#  - max_tw_buckets 2: of four connections the client closes first, two
#    leave a TIME-WAIT entry and two skip TIME-WAIT, counted in
#    TWOverflow (Linux: TCPTimeWaitOverflow);
#  - tw_timeout (atcp's own knob; Linux's TIME-WAIT lasts 60 s): under 2,
#    older entries go at once; under 3, a new entry is there after 1 s and
#    gone within one timer granularity after 3 s;
#  - crafted segments (scapy, tool_twprobe.py) against a TIME-WAIT entry:
#    a retransmitted FIN is acknowledged and restarts the 2MSL, an old
#    duplicate is acknowledged, with the connection's DSCP, a RST is ignored with rfc1337 1 and ends
#    TIME-WAIT with rfc1337 0;
#  - crafted SYNs against a server's TIME-WAIT entry (RFC 6191): a SYN
#    beyond RCV.NXT, or with a newer timestamp, opens a new incarnation
#    (SYN-ACK); one below RCV.NXT without a newer timestamp, or with an
#    older timestamp, draws an ACK and leaves the entry.
#
# The "atcp" protocol is $ATCP_PROTO (default 253).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_conn.sh"

sc_topic timewait 10

# One tool_twprobe in NS_B serves every probe, fed through a FIFO;
# it loads scapy while the first cases run.
fifo_start probe timeout -k 5 600 ip netns exec "$NS_B" /usr/bin/python3 \
	"$ATCP_TOP/selftests/vm/tool_twprobe.py" veth0 -
# overflows NS PROTO: atcp's TWOverflow or Linux's TCPTimeWaitOverflow
overflows()
{
	if [ "$2" = 0 ]; then
		linux_tcpext "$1" TCPTimeWaitOverflow
	else
		atcp_stat "$1" TWOverflow
	fi
}

# cycle PROTO PORT N: N connections to a Linux server on PORT, each closed
# by the client first, the server closing after it; CYCLE says "ok" or
# what failed.  Leaves the tool_sockctl processes c and s running.
cycle()
{
	local proto=$1 port=$2 n=$3 i

	sc_start c "$NS_A" "$proto"
	sc_start s "$NS_B" 0
	sc s "listen $ADDR_B:$port"
	[ "$R" = ok ] || { CYCLE="listen: $R"; return; }
	for i in $(seq "$n"); do
		sc c "connect $ADDR_B:$port"
		[ "$R" = ok ] || { CYCLE="connect $i: $R"; return; }
		sc s "accept"
		[[ $R == ok* ]] || { CYCLE="accept $i: $R"; return; }
		sc c "close"
		sc s "recv-eof ; close"
		sc_get s
		[ "$R" = ok ] || { CYCLE="server close $i: $R"; return; }
	done
	CYCLE=ok
}

port=26000

# ---- max_tw_buckets ------------------------------------------------------------

for cp in "$P" 0; do
	tag="$(proto_name "$cp") max_tw_buckets 2, four actively closed connections"
	if [ "$cp" = 0 ]; then
		old_max=$(ip netns exec "$NS_A" cat /proc/sys/net/ipv4/tcp_max_tw_buckets)
	else
		old_max=$(ip netns exec "$NS_A" cat /proc/sys/net/atcp/max_tw_buckets)
	fi
	knob "$NS_A" "$cp" max_tw_buckets 2
	before=$(overflows "$NS_A" "$cp")
	cycle "$cp" $port 4
	expect "$tag: connect, accept and close four times" ok "$CYCLE"
	sleep 0.5
	tap_is "$tag: two TIME-WAIT entries" "$(tw_count "$NS_A" "$cp" $port)" 2
	tap_is "$tag: two overflows counted" \
		"$(( $(overflows "$NS_A" "$cp") - before ))" 2
	sc_stop c
	sc_stop s
	knob "$NS_A" "$cp" max_tw_buckets "$old_max"
	port=$((port + 1))
done

# ---- tw_timeout ------------------------------------------------------------------

tag="atcp tw_timeout 2"
old_port=26000		# the max_tw_buckets case left two entries there
tap_is "$tag: the earlier entries are there before" \
	"$(tw_count "$NS_A" "$P" $old_port)" 2
knob "$NS_A" "$P" tw_timeout 2
sleep 0.3
tap_is "$tag: they are older than 2 s and go at once" \
	"$(tw_count "$NS_A" "$P" $old_port)" 0
# A new entry under tw_timeout 3: the close falls somewhere in the cycle,
# whose length a busy machine stretches, so the expiry is bounded by the
# cycle's start and end.
tag="atcp tw_timeout 3"
knob "$NS_A" "$P" tw_timeout 3
start=$(now_ms)
cycle "$P" $port 1
took=$(( $(now_ms) - start ))
expect "$tag: connect, accept and close" ok "$CYCLE"
sleep 1
tap_is "$tag: the entry is there about 1 s after the close" \
	"$(tw_count "$NS_A" "$P" $port)" 1
while [ "$(tw_count "$NS_A" "$P" $port)" != 0 ] && [ $(( $(now_ms) - start )) -lt 10000 ]; do
	sleep 0.05
done
gone=$(( $(now_ms) - start ))
tap_diag "$tag: the entry went $gone ms after the cycle began (it took $took ms)"
tap_result "$([ "$gone" -ge 2800 ] && [ "$gone" -le $((took + 4500)) ] && echo 0 || echo 1)" \
	"$tag: and gone 3 s after the close, within a timer tick and the polling"
sc_stop c
sc_stop s

# ---- crafted segments ------------------------------------------------------------

# tw_left NS PROTO PORT: seconds left on the TIME-WAIT entry towards PORT
tw_left()
{
	local file=/proc/net/atcp hex

	[ "$2" = 0 ] && file=/proc/net/tcp
	hex=$(ip netns exec "$1" awk -v p="$(printf ':%04X' "$3")" '
		$4 == "06" && index($3, p) { split($6, t, ":"); print t[2]; exit }' \
		"$file")
	[ -n "$hex" ] && echo $(( 16#$hex / 100 ))
}

# probe KIND: tool_twprobe's reply lines for $cap, on one line
probe()
{
	local line out=""

	printf '%s %s %s\n' "$cap" "$ADDR_A" "$1" >&"${SC_IN[probe]}"
	while IFS= read -r -t 30 -u "${SC_OUT[probe]}" line && [ "$line" != end ]; do
		out+="$line "
	done
	echo "${out% }"
}

read -r -t 60 -u "${SC_OUT[probe]}" line
[ "$line" = ready ] || tap_diag "tool_twprobe: '$line' $(cat "$TMP/probe.err")"
knob "$NS_A" "$P" tw_timeout 60
for cp in "$P" 0; do
	port=$((port + 1))
	tag="$(proto_name "$cp") TIME-WAIT entry, crafted segments"
	# the peer's kernel resets our replies (its socket is gone): keep the
	# entry through those with rfc1337 until the RST case turns it off
	knob "$NS_A" "$cp" rfc1337 1
	sc_start c "$NS_A" "$cp"
	sc_start s "$NS_B" 0
	sc s "listen $ADDR_B:$port"
	# DSCP 0x20 (IP_TOS), which the entry's ACKs carry
	sc c "socket"
	sc c "sockopt tos 32"
	sc c "connect $ADDR_B:$port"
	sc s "accept"
	cap=$TMP/tw.$port.pcap
	cap_start "$NS_B" "$cap" "tcp port $port"
	sc c "close"
	sc s "recv-eof ; close"
	sc_get s
	cap_stop
	tap_is "$tag: the client is in TIME-WAIT" "$(tw_count "$NS_A" "$cp" $port)" 1
	# well into the 2MSL, so that a restart shows however slowly the
	# probe runs: without one the time left only falls
	sleep 8
	before=$(tw_left "$NS_A" "$cp" $port)
	r=$(probe fin)
	after=$(tw_left "$NS_A" "$cp" $port)
	tap_is "$tag: a retransmitted FIN is acknowledged" "$r" "reply A seq 0 ack 0"
	tap_diag "$tag: ${before:-?} s left before the FIN, ${after:-?} s after"
	tap_result "$([ -n "$before" ] && [ -n "$after" ] && [ "$after" -ge $((before + 3)) ] && echo 0 || echo 1)" \
		"$tag: and the 2MSL starts again"
	tap_is "$tag: old duplicate data is acknowledged" "$(probe olddata)" \
		"reply A seq 0 ack 0"
	tap_is "$tag: with the connection's DSCP, not the segment's" \
		"$(probe olddata-tos)" "reply A seq 0 ack 0 tos 0x20"
	tap_is "$tag: and the entry stays" "$(tw_count "$NS_A" "$cp" $port)" 1
	tap_is "$tag: rfc1337 1: a RST draws no reply" "$(probe rst)" "reply none"
	tap_is "$tag: and the entry stays" "$(tw_count "$NS_A" "$cp" $port)" 1
	knob "$NS_A" "$cp" rfc1337 0
	probe rst > /dev/null
	tap_is "$tag: rfc1337 0: a RST ends TIME-WAIT" \
		"$(tw_count "$NS_A" "$cp" $port)" 0
	sc_stop c
	sc_stop s
done

# ---- a new SYN against a server's TIME-WAIT entry (RFC 6191) -------------------

# server_tw PROTO PORT: a connection from Linux TCP in NS_B to a PROTO server
# in NS_A that closes first; its close is captured in NS_B, in $cap.
server_tw()
{
	sc_start s "$NS_A" "$1"
	sc_start c "$NS_B" 0
	sc s "listen $ADDR_A:$2"
	sc c "connect $ADDR_A:$2"
	sc s "accept"
	cap=$TMP/tw.$2.pcap
	cap_start "$NS_B" "$cap" "tcp port $2"
	sc s "close"
	sc c "recv-eof ; close"
	sc_get c
	cap_stop
}

# syn_case PROTO KIND WANT DESC: a fresh server entry, and one crafted SYN
# of KIND whose reply must be WANT.  Leaves c and s running.
syn_case()
{
	port=$((port + 1))
	server_tw "$1" $port
	tap_is "$tag: the server is in TIME-WAIT" "$(tw_count "$NS_A" "$1" $port)" 1
	tap_is "$tag: $4" "$(probe "$2")" "$3"
}

for cp in "$P" 0; do
	tag="$(proto_name "$cp") server TIME-WAIT entry, crafted SYNs"
	# our ACKs draw RSTs from the peer's kernel: rfc1337 keeps the entry
	knob "$NS_A" "$cp" rfc1337 1
	syn_case "$cp" syn-below "reply A seq 0 ack 0" \
		"a SYN below RCV.NXT is answered with an ACK"
	tap_is "$tag: a SYN beyond RCV.NXT with an older timestamp, the same" \
		"$(probe syn-above-oldts)" "reply A seq 0 ack 0"
	tap_is "$tag: and the entry stays" "$(tw_count "$NS_A" "$cp" $port)" 1
	sc_stop c
	sc_stop s
	syn_case "$cp" syn-above "reply SA acks the SYN" \
		"a SYN beyond RCV.NXT opens a new incarnation"
	tap_is "$tag: and the entry is gone" "$(tw_count "$NS_A" "$cp" $port)" 0
	sc_stop c
	sc_stop s
	syn_case "$cp" syn-below-newts "reply SA acks the SYN" \
		"a SYN below RCV.NXT with a newer timestamp, the same"
	sc_stop c
	sc_stop s
	knob "$NS_A" "$cp" rfc1337 0
done

tap_finish

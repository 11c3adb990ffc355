#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_metrics - the path metrics a connection leaves for the next one to
# the same peer: atcp's in /proc/net/atcp_metrics, and as the reference
# Linux's, in "ip tcp_metrics", the same points for both stacks.
#
#  - A connection whose client sends through 100 ms of netem delay, closed
#    by the client: both ends keep an entry for the peer (the client's
#    from TIME-WAIT, the server's from LAST-ACK) with an RTT of 100 ms and
#    our address as source.
#  - The next connection, over the bare link, starts with an RTO of
#    100 + max(2 x 100, 200) ms from that RTT on both ends, while its RTT
#    estimate is the handshake's (Linux: tcp_init_metrics()).  After a
#    flush the RTO is the bare link's (200 ms and a little).
#  - no_metrics_save 1: the same delayed connection leaves no entry.
#  - no_ssthresh_metrics_save: a server that lost segments at 2% for
#    1 MB (its GSO skbs at most 4000 bytes, as netem drops whole skbs),
#    then sent 2 MB more in congestion avoidance, keeps an ssthresh
#    under 0 and the next connection starts from it; under 1 (the
#    default) no ssthresh is kept and the next starts from "infinite".
#  - IPv6: an entry per peer address, with its source; "flush ADDR"
#    forgets one peer's and keeps the other's, "flush" all.
#  - atcp only: a write that is not "flush [ADDR]" fails with EINVAL and
#    leaves the table.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_conn.sh"

sc_topic metrics 10

PORT=7800
INFINITE=2147483647

# field LINE NAME: the number after NAME in an entry ("rtt 100123us": 100123)
field()
{
	sed -n "s/.* $2 \([0-9]*\).*/\1/p" <<< "$1"
}

# between_us V LO HI: V is a number in [LO, HI]
between_us()
{
	[[ $1 =~ ^[0-9]+$ ]] && [ "$1" -ge "$2" ] && [ "$1" -le "$3" ]
}

# wait_entry NS PROTO ADDR: the entry, once it is there (2 s at most)
wait_entry()
{
	local i line

	for i in $(seq 40); do
		line=$(metrics "$@")
		[ -n "$line" ] && break
		sleep 0.05
	done
	echo "$line"
}

# pair PROTO: the next port, connected; $ALIVE
pair()
{
	PORT=$((PORT + 1))
	sc_pair "$1" "$1" "$PORT"
}

# first_rtos PROTO: a new connection's first RTO at both ends and the
# client's RTT (us), in C_RTO, S_RTO and C_RTT
first_rtos()
{
	pair "$1"
	sc c "info rto"
	C_RTO=${R#ok }
	sc c "info rtt"
	C_RTT=${R#ok }
	sc s "info rto"
	S_RTO=${R#ok }
}

# close_both: the client closes first (TIME-WAIT), then the server
# (LAST-ACK); both connections are then at their ends
close_both()
{
	sc c "shutdown wr"
	sc s "recv 1"
	sc s close
	sc c "recv 1"
	sc c close
	sc_stop c
	sc_stop s
}

for sp in "$P" 0; do
	name=$(proto_name "$sp")
	metrics_flush "$NS_A" "$sp"
	metrics_flush "$NS_B" "$sp"

	# ---- an RTT of 100 ms, kept by both ends -------------------------------
	netem_egress "$NS_A" delay 100ms
	pair "$sp"
	expect "$name, 100 ms: connected" 1 "$ALIVE"
	sc_both_ways "$name, 100 ms" 100000
	close_both
	# the client's last ACK is still in the delay: the server's entry
	# first, then no more delay
	line_b=$(wait_entry "$NS_B" "$sp" "$ADDR_A")
	netem_egress "$NS_A"
	line=$(wait_entry "$NS_A" "$sp" "$ADDR_B")
	tap_diag "$name: client: $line"
	rtt=$(field "$line" rtt)
	tap_num "$name: the client keeps the server's RTT (${rtt:-none} us)" \
		"${rtt:-0}" -ge 100000
	tap_num "$name: ... of about 100 ms" "${rtt:-0}" -lt 200000
	tap_is "$name: ... from our address" "$(sed -n 's/.* source \([^ ]*\).*/\1/p' <<< "$line")" "$ADDR_A"
	line=$line_b
	tap_diag "$name: server: $line"
	rtt=$(field "$line" rtt)
	tap_num "$name: the server keeps the client's RTT, from LAST-ACK (${rtt:-none} us)" \
		"${rtt:-0}" -ge 100000
	tap_num "$name: ... of about 100 ms" "${rtt:-0}" -lt 200000

	# ---- the next connection's first RTO --------------------------------
	first_rtos "$sp"
	tap_diag "$name, bare link: client RTO $C_RTO us (RTT $C_RTT us), server RTO $S_RTO us"
	tap_ok "$name, bare link: the client's first RTO comes from the kept RTT (300 ms or more)" \
		between_us "$C_RTO" 296000 600000
	tap_ok "$name, bare link: ... its RTT is the handshake's (under 50 ms)" \
		between_us "$C_RTT" 1 50000
	tap_ok "$name, bare link: the server's first RTO too" \
		between_us "$S_RTO" 296000 600000
	close_both
	metrics_flush "$NS_A" "$sp"
	metrics_flush "$NS_B" "$sp"
	tap_is "$name: flush: the client forgot the server" "$(metrics "$NS_A" "$sp" "$ADDR_B")" ""
	first_rtos "$sp"
	tap_diag "$name, after the flush: client RTO $C_RTO us (RTT $C_RTT us), server RTO $S_RTO us"
	tap_ok "$name, after the flush: the bare link's RTO at the client (200 to 280 ms)" \
		between_us "$C_RTO" 200000 280000
	tap_ok "$name, after the flush: ... and at the server" \
		between_us "$S_RTO" 200000 280000
	close_both

	# ---- no_metrics_save ------------------------------------------------
	metrics_flush "$NS_A" "$sp"
	metrics_flush "$NS_B" "$sp"
	knob "$NS_A" "$sp" no_metrics_save 1
	knob "$NS_B" "$sp" no_metrics_save 1
	netem_egress "$NS_A" delay 100ms
	pair "$sp"
	sc_both_ways "$name, no_metrics_save 1" 10000
	close_both
	sleep 0.3
	netem_egress "$NS_A"
	tap_is "$name, no_metrics_save 1: the client kept nothing" \
		"$(metrics "$NS_A" "$sp" "$ADDR_B")" ""
	tap_is "$name, no_metrics_save 1: the server kept nothing" \
		"$(metrics "$NS_B" "$sp" "$ADDR_A")" ""
	knob "$NS_A" "$sp" no_metrics_save 0
	knob "$NS_B" "$sp" no_metrics_save 0

	# ---- no_ssthresh_metrics_save -----------------------------------------
	for nsm in 0 1; do
		tag="$name, no_ssthresh_metrics_save $nsm"
		metrics_flush "$NS_A" "$sp"
		metrics_flush "$NS_B" "$sp"
		knob "$NS_B" "$sp" no_ssthresh_metrics_save "$nsm"
		# netem drops whole GSO skbs: at 64 kB, 1 MB is too few of
		# them for 2% to hit one surely; at 4000 bytes it is 250.
		# A socket takes the size when it is routed.
		ip -n "$NS_B" link set dev veth0 gso_max_size 4000
		pair "$sp"
		ip -n "$NS_B" link set dev veth0 gso_max_size 65536
		netem_egress "$NS_B" loss 2%
		sc_send s "send 1000000"
		sc c "recv 1000000"
		expect "$tag: 1 MB through 2% loss" "ok 1000000" "$R"
		sc_get s
		netem_egress "$NS_B"
		sc_send s "send 2000000"
		sc c "recv 2000000"
		expect "$tag: 2 MB more without" "ok 2000000" "$R"
		sc_get s
		sc s "info pacing"
		tap_diag "$tag: server's rate, max, cwnd, mss, rtt, ssthresh: $R"
		close_both
		line=$(wait_entry "$NS_B" "$sp" "$ADDR_A")
		tap_diag "$tag: server: $line"
		kept=$(field "$line" ssthresh)
		pair "$sp"
		sc s "info snd_ssthresh"
		got=${R#ok }
		close_both
		if [ "$nsm" = 0 ]; then
			tap_num "$tag: the server kept an ssthresh (${kept:-none})" \
				"${kept:-0}" -gt 1
			tap_is "$tag: the next connection starts from it" "$got" "${kept:-none}"
		else
			tap_is "$tag: the server kept no ssthresh" "$kept" ""
			tap_is "$tag: the next connection starts from infinite" "$got" "$INFINITE"
		fi
	done
	knob "$NS_B" "$sp" no_ssthresh_metrics_save 1

	# ---- an entry per peer address; flush ADDR ----------------------------
	metrics_flush "$NS_A" "$sp"
	pair "$sp"
	close_both
	PORT=$((PORT + 1))
	sc_start c "$NS_A" "$sp"
	sc_start s "$NS_B" "$sp"
	sc s "listen [$ADDR6_B]:$PORT"
	sc c "connect [$ADDR6_B]:$PORT"
	expect "$name, IPv6: connected" ok "$R"
	sc s accept
	close_both
	line6=$(wait_entry "$NS_A" "$sp" "$ADDR6_B")
	tap_diag "$name, IPv6: $line6"
	tap_is "$name, IPv6: an entry for the server's IPv6 address, from ours" \
		"$(sed -n 's/.* source \([^ ]*\).*/\1/p' <<< "$line6")" "$ADDR6_A"
	tap_ok "$name, IPv6: ... beside the IPv4 one" test -n "$(metrics "$NS_A" "$sp" "$ADDR_B")"
	metrics_flush "$NS_A" "$sp" "$ADDR6_B"
	tap_is "$name, flush $ADDR6_B: its entry is gone" "$(metrics "$NS_A" "$sp" "$ADDR6_B")" ""
	tap_ok "$name, flush $ADDR6_B: ... the IPv4 one stays" test -n "$(metrics "$NS_A" "$sp" "$ADDR_B")"
	metrics_flush "$NS_A" "$sp"
	tap_is "$name, flush: no entry left" "$(metrics "$NS_A" "$sp" "$ADDR_B")" ""

	if ! is_linux "$sp"; then
		pair "$sp"
		close_both
		wait_entry "$NS_A" "$sp" "$ADDR_B" > /dev/null
		for bad in "bogus" "flush 198.18.0.300" "flushall"; do
			tap_fails "$name: \"$bad\" written is refused" \
				ip netns exec "$NS_A" sh -c "echo $bad > /proc/net/atcp_metrics"
		done
		tap_ok "$name: ... and the entry stays" test -n "$(metrics "$NS_A" "$sp" "$ADDR_B")"
		metrics_flush "$NS_A" "$sp"
	fi
done

tap_finish

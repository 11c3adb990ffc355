#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_timeout - the retransmission timer gives up when the sysctls say so,
# for atcp and, side by side, for Linux TCP with the same settings:
#
#  - syn_retries: a connect() whose SYNs all go unanswered fails with
#    ETIMEDOUT after the first SYN and syn_retries retransmissions
#    (1 s + 2 s for syn_retries 1);
#  - retries2: an established connection whose peer stops answering fails
#    the blocked recv() with ETIMEDOUT.  The limit is a time, as in Linux:
#    what retries2 doublings from 200 ms take (3 s for 3), not retries2
#    retransmissions of whatever the RTO is, so with 300 ms of delay each
#    way (RTO near 2 s) the connection ends after about 5.4 s, where
#    counting would take 27 s (the bound is 9 s: Linux's timer may just
#    miss the 3 s mark and give up one doubling later, at 6.2 s);
#  - orphan_retries: a closed socket whose FIN is never acknowledged is
#    dropped after orphan_retries' worth of time (0.6 s for 1), so an
#    orphan does not keep the module busy for minutes;
#  - max_orphans 0: a close() that would leave an orphan resets the
#    connection at once instead, and counts AbortOnMemory (Linux:
#    TCPAbortOnMemory);
#  - thin_linear_timeouts: one segment in flight to a silent peer is sent
#    again by a tail loss probe, then at 0.2, 0.6 and 1.4 s (the RTO
#    doubles), but about every 200 ms for six timeouts with
#    thin_linear_timeouts 1 or the socket's TCP_THIN_LINEAR_TIMEOUTS: 4
#    times or fewer in 2 s against 5 or more (8 or 9 when alone).
#
# The peer stops answering through netem loss 100% on its egress.  The
# "atcp" protocol is $ATCP_PROTO (default 253).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_conn.sh"

sc_topic timeout 20

port=23000

# ---- syn_retries ---------------------------------------------------------

for cp in "$P" 0; do
	tag="$(proto_name "$cp") connect() with syn_retries 1 and no answer"
	knob "$NS_A" "$cp" syn_retries 1
	netem_egress "$NS_B" loss 100%
	sc_start c "$NS_A" "$cp"
	timed c "connect $ADDR_B:$port"
	expect "$tag: ETIMEDOUT" "err ETIMEDOUT*" "$R"
	between "$tag: after 1 s + 2 s" "$MS" 2500 6000
	sc_stop c
	netem_egress "$NS_B"
	knob "$NS_A" "$cp" syn_retries 6
	port=$((port + 1))
done

# ---- retries2 --------------------------------------------------------------

for cp in "$P" 0; do
	for delay in 0 300; do
		tag="$(proto_name "$cp") client, retries2 3, peer silent"
		if [ "$delay" != 0 ]; then
			tag="$tag, ${delay} ms delay each way"
			netem_egress "$NS_A" delay ${delay}ms
			netem_egress "$NS_B" delay ${delay}ms
		fi
		knob "$NS_A" "$cp" retries2 3
		if sc_pair "$cp" "$cp" $port; then
			tap_result 0 "$tag: connection established"
			sc c "send 1000"
			sc s "recv 1000"
			netem_egress "$NS_B" loss 100%
			sc c "send 1000"
			expect "$tag: the data is queued" "ok 1000" "$R"
			timed c "recv 1"
			expect "$tag: recv() fails with ETIMEDOUT" \
				"err ETIMEDOUT*" "$R"
			between "$tag: within the time retries2 allows" \
				"$MS" 2000 9000
			sc c "sockerr"
			expect "$tag: then SO_ERROR is clear" "ok 0" "$R"
		else
			tap_result 1 "$tag: connection established"
			no_connection "$tag" "the data is queued" "recv() fails with ETIMEDOUT" \
				 "within the time retries2 allows" \
				 "then SO_ERROR is clear"
		fi
		sc_stop c
		sc_stop s
		netem_egress "$NS_A"
		netem_egress "$NS_B"
		knob "$NS_A" "$cp" retries2 15
		port=$((port + 1))
	done
done

# ---- orphan_retries --------------------------------------------------------

for cp in "$P" 0; do
	tag="$(proto_name "$cp") orphan with orphan_retries 1, peer silent"
	knob "$NS_A" "$cp" orphan_retries 1
	if sc_pair "$cp" "$cp" $port; then
		netem_egress "$NS_B" loss 100%
		sc c "send 1000"
		sc c "close"
		expect "$tag: close() returns at once" "ok" "$R"
		ALIVE=1
		wait_states "$tag: the orphan is dropped" "$NS_A" "$cp" $port "" 8
	else
		no_connection "$tag" \
			"close() returns at once" \
			"the orphan is dropped"
	fi
	sc_stop c
	sc_stop s
	netem_egress "$NS_B"
	knob "$NS_A" "$cp" orphan_retries 0
	port=$((port + 1))
done

# ---- max_orphans -------------------------------------------------------------

for cp in "$P" 0; do
	tag="$(proto_name "$cp") close() with max_orphans 0, peer silent"
	# Linux's tcp_max_orphans is global: set it in the initial namespace
	if is_linux "$cp"; then
		old_max=$(cat /proc/sys/net/ipv4/tcp_max_orphans)
		echo 0 > /proc/sys/net/ipv4/tcp_max_orphans
	else
		old_max=$(ip netns exec "$NS_A" cat /proc/sys/net/atcp/max_orphans)
		knob "$NS_A" "$cp" max_orphans 0
	fi
	before=$(stack_stat "$NS_A" "$cp" AbortOnMemory)
	if sc_pair "$cp" "$cp" $port; then
		netem_egress "$NS_B" loss 100%
		sc c "send 1000"
		sc c "close"
		ALIVE=1
		wait_states "$tag: the would-be orphan is reset at once" \
			"$NS_A" "$cp" $port "" 1
		after=$(stack_stat "$NS_A" "$cp" AbortOnMemory)
		tap_is "$tag: counted in AbortOnMemory" "$((after - before))" 1
	else
		no_connection "$tag" "the would-be orphan is reset at once" \
			"counted in AbortOnMemory"
	fi
	sc_stop c
	sc_stop s
	netem_egress "$NS_B"
	if is_linux "$cp"; then
		echo "$old_max" > /proc/sys/net/ipv4/tcp_max_orphans
	else
		knob "$NS_A" "$cp" max_orphans "$old_max"
	fi
	port=$((port + 1))
done

# ---- thin_linear_timeouts ----------------------------------------------------

for cp in "$P" 0; do
	for mode in default sysctl sockopt; do
		tag="$(proto_name "$cp") client, one segment, peer silent for 2 s"
		case $mode in
		default) tag="$tag, backoff by default" ;;
		sysctl) tag="$tag, thin_linear_timeouts 1"
			knob "$NS_A" "$cp" thin_linear_timeouts 1 ;;
		sockopt) tag="$tag, TCP_THIN_LINEAR_TIMEOUTS" ;;
		esac
		if [ $mode = sockopt ]; then
			sc_pair "$cp" "$cp" $port "socket" \
				"sockopt thin_linear_timeouts 1"
		else
			sc_pair "$cp" "$cp" $port
		fi
		if [ $ALIVE = 1 ]; then
			sc c "send 1000"
			sc s "recv 1000"
			sc c "info total_retrans"
			before=${R#ok }
			netem_egress "$NS_B" loss 100%
			sc c "send 100"
			sc c "sleep 2000"
			sc c "info total_retrans"
			n=$(( ${R#ok } - before ))
			if [ $mode = default ]; then
				tap_ok "$tag: resent 4 times or fewer ($n)" test "$n" -le 4
			else
				tap_ok "$tag: resent 5 times or more ($n)" test "$n" -ge 5
			fi
		else
			no_connection "$tag" "resent"
		fi
		sc_stop c
		sc_stop s
		netem_egress "$NS_B"
		knob "$NS_A" "$cp" thin_linear_timeouts 0
		port=$((port + 1))
	done
done

tap_finish

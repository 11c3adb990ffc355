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
#    quota per second) cuts them back to one;
#  - loss detection on the server's side of a connection whose peer
#    acknowledges as it likes (RFC 8985, with both stacks' own defaults):
#    one segment missing below a single SACK is resent within a fraction
#    of the RTT by RACK (recovery 1), only at the RTO without it
#    (recovery 0), or at once with reordering (dupthresh) 1; a missing
#    last segment is resent by a tail loss probe before the RTO
#    (early_retrans 3, LossProbes or TCPLossProbes), or at the RTO
#    (early_retrans 0, Timeouts or TCPTimeouts); with more data waiting
#    that the peer's window takes, the probe sends new data instead
#    (RFC 8985 7.3);
#  - F-RTO (RFC 5682): a timeout, then an ACK of its resend and one of
#    data never resent: with frto 2 new data follows the first ACK and
#    the timeout is counted spurious ((TCP)SpuriousRTOs) at the second,
#    so the rest is not resent; with frto 0 the server goes back N;
#  - a zero window, answered: shrunk over data in flight (the server's
#    retransmissions are its probes) or closed with data waiting (window
#    probes), for 3 s while retries2 1 gives up on silence after 0.6 s:
#    the connection stays (RFC 1122 4.2.2.17);
#  - ACKs that start at the right edge of the server's window, as from a
#    peer that filled it and lost its first segment: a pure ACK, and one
#    with a byte of data.  Their ACK fields are taken, as Linux's
#    tcp_sequence() takes them (SEG.SEQ up to RCV.NXT + RCV.WND): the
#    server resends nothing, and answers only the byte, which it drops;
#  - ten 100-byte segments (TCP_NODELAY), none acknowledged: at the RTO
#    the first is resent together with the nine after it, one segment of
#    1000 bytes (retrans_collapse 1), or alone (0);
#  - a retransmission the peer reports as spurious (a D-SACK) has its
#    window cut undone, and a real loss has not;
#  - a timeout while in fast recovery (the fast retransmission is left
#    unanswered) does not cut the window a second time: ssthresh stays
#    at the 7 segments that recovery made of the initial 10;
#  - proportional rate reduction (RFC 6937): with one segment lost from
#    a window of 20, the next 8 SACKs let out the retransmission and 5
#    or 6 new segments, spread as the window comes down to 14;
#  - D-SACK (RFC 2883): data that arrives twice, in order and out of
#    order, is reported as the first SACK block of the answer (dsack 1),
#    or not (dsack 0);
#  - over IPv6, a hole below one SACK resent by RACK at once, and a
#    missing tail by a loss probe; a segment of 3000 bytes sent in four
#    fragments, the last first, is acknowledged and read whole (atcp
#    reassembles them: after its hook, Linux TCP would reset the
#    connection); an ACK the listener refuses, of traffic class 0x4a, is
#    reset with its DSCP, 0x48, as Linux's tcp_v6_send_reset() does;
#  - a receive buffer (rmem 8192) filled with out-of-order data above a
#    hole, in 20-byte segments with gaps between them: once the hole's
#    segment comes, the server still holds the data nearest it and
#    acknowledges past the hole (atcp prunes the queue from the top down,
#    OFOPruned; it used to drop it all).  Every segment is a SACK block
#    of its own: each ACK reports the latest first (RFC 2018), however
#    many blocks lie below it;
#  - 100-byte segments in order, as many as the window of that buffer
#    takes, to a server that reads nothing: each costs far more buffer
#    than its bytes, yet the window was offered in bytes.  Both stacks
#    copy them into fuller buffers (atcp: RcvCollapsed, as Linux's
#    tcp_collapse()) and take every byte until the window closes, none
#    dropped (atcp's RcvQDrop); the application then reads them intact;
#    over IPv4 and IPv6;
#  - 3000 bytes and a FIN, first in 81 overlapping pieces out of order
#    (far more buffers than rmem 8192 holds, a FIN alone among them),
#    then in order: whatever the queues copied, pruned and merged, the
#    application reads the stream intact, then EOF; over IPv4 and IPv6.
#
# $NS_A's own stack would answer the server's segments with RSTs (it has
# no socket for the raw peer): a tc filter drops its RSTs (those of IP TOS
# 0; the raw peer's own have TOS 4, or traffic class 4 over IPv6).  The
# "atcp" protocol is $ATCP_PROTO (default 253).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_conn.sh"

RAWPEER=$ATCP_TOP/selftests/vm/tool_rawpeer.py
PY=/usr/bin/python3

sc_topic rawpeer 20

ip netns exec "$NS_A" tc qdisc add dev veth0 clsact &&
	ip netns exec "$NS_A" tc filter add dev veth0 egress protocol ip \
		u32 match u8 6 0xff at 9 match u8 0x04 0x04 at 33 \
		match u8 0 0xff at 1 action drop
tap_result $? "$NS_A sends no RST of its own (tc filter)"

# The raw peer: one tool_rawpeer.py --serve in $NS_A runs every job, for
# scapy takes seconds to start under an emulated CPU.
fifo_start rp timeout -k 2 900 ip netns exec "$NS_A" "$PY" "$RAWPEER" --serve

# The raw peer's address and the server's; IPv6 at the end.
RP_SRC=$ADDR_A RP_DST=$ADDR_B RP_LISTEN=$ADDR_B

# rp_send ARGS...: start a job of the raw peer from $RP_SRC to $RP_DST,
# ARGS being what follows the addresses on tool_rawpeer.py's command line
rp_send()
{
	sc_send rp "veth0 $RP_SRC $RP_DST $*"
}

# rp_wait: wait for the end of the job (60 s at most for each line of
# its output); its output into $TMP/raw, its last line into R; the job's
# status
rp_wait()
{
	: > "$TMP/raw"
	while sc_get rp 60; do
		if [[ $R =~ ^done\ ([0-9]+)$ ]]; then
			R=$(tail -n 1 "$TMP/raw")
			return "${BASH_REMATCH[1]}"
		fi
		printf '%s\n' "$R" >> "$TMP/raw"
	done
	echo "err the raw peer did not finish the job: $R" >> "$TMP/raw"
	R=$(tail -n 1 "$TMP/raw")
	return 1
}

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

# scapy takes seconds to start, more on a busy machine: a first job that
# only prints the usage waits for it, so that no case's accept() does
sc_send rp "--help"
rp_wait
tap_result $? "the raw peer is up"

for sp in "$P" 0; do
	tag="$(proto_name "$sp") server, a one-byte probe into its closed window"
	before=$(zero_window_drops "$NS_B" "$sp")
	sc_start s "$NS_B" "$sp"
	sc s "listen $ADDR_B:$port"
	rm -f "$TMP/raw.ready"
	rp_send "$port --ready $TMP/raw.ready"
	sc s "accept"
	expect "$tag: the raw peer connects" "ok $ADDR_A:*" "$R"
	for i in $(seq 150); do
		[ -e "$TMP/raw.ready" ] && break
		kill -0 "${SC_PID[rp]}" 2>/dev/null || break
		sleep 0.1
	done
	tap_result "$([ -e "$TMP/raw.ready" ] && echo 0 || echo 1)" \
		"$tag: the peer fills the window until the server closes it"
	sc s "send 100"
	rp_wait
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
	rp_send "$port --syns 5 --rounds 3 --hook $TMP/knobs"
	rp_wait
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

# rawpeer_script SP PORT SCRIPT SENDS [AFTER [SETUP]]: a server of
# protocol SP on PORT (with the knobs as they are now), the raw peer's job
# --script SCRIPT against it with $TMP/knobs as hook, the server accepting
# each round's connection, giving it the tool_sockctl command SETUP if
# any, and sending SENDS bytes on it (none when 0).  Sets R to the job's
# last line, and AFTER to the reply to the command AFTER, given to the
# last connection once the job is done.
rawpeer_script()
{
	local sp=$1 port=$2 script=$3 sends=$4 after=${5:-} setup=${6:-} i res

	sc_start s "$NS_B" "$sp"
	sc s "listen $RP_LISTEN:$port"
	rp_send "$port --script $script --hook $TMP/knobs"
	for i in ${script//,/ }; do
		sc s "accept" > /dev/null
		[ -z "$setup" ] || sc s "$setup" > /dev/null
		[ "$sends" = 0 ] || sc s "send $sends" > /dev/null
	done
	rp_wait
	res=$R
	AFTER=
	if [ -n "$after" ]; then
		sc s "$after"
		AFTER=$R
	fi
	R=$res
	sc_stop s
}

# in_ms TOKEN LO HI: TOKEN is "S@MS"; true when LO <= MS < HI.
in_ms()
{
	local ms=${1#*@}

	[[ $ms =~ ^[0-9]+$ ]] && [ "$ms" -ge "$2" ] && [ "$ms" -lt "$3" ]
}

# mib_in FILE SP NAME: counter NAME in FILE, a copy of /proc/net/atcp_stat
# (SP not 0) or of Linux's /proc/net/netstat (TcpExt, SP 0).
mib_in()
{
	if [ "$2" = 0 ]; then
		awk -v n="$3" '$1 == "TcpExt:" && !h { for (i = 2; i <= NF; i++)
			c[i] = $i; h = 1; next }
			$1 == "TcpExt:" { for (i = 2; i <= NF; i++)
				if (c[i] == n) print $i }' "$1"
	else
		awk -v n="$3" '$1 == n { print $2 }' "$1"
	fi
}

# delta SP I NAME: how much counter NAME moved in round I (between the
# snapshots $TMP/cnt.I and $TMP/cnt.I+1).
delta()
{
	echo $(($(mib_in "$TMP/cnt.$(($2 + 1))" "$1" "$3") -
		$(mib_in "$TMP/cnt.$2" "$1" "$3")))
}

# small_rcvbuf_start SP SCRIPT: rmem 8192 in $NS_B, a server of protocol
# SP on $port, the raw peer's job --script SCRIPT against it, and the
# server's connection accepted.  small_rcvbuf_stop SP undoes it all and
# moves on to the next port.
small_rcvbuf_start()
{
	knob "$NS_B" "$1" rmem "4096 8192 8192"
	sc_start s "$NS_B" "$1"
	sc s "listen $RP_LISTEN:$port"
	rp_send "$port --script $2"
	sc s "accept" > /dev/null
}

small_rcvbuf_stop()
{
	sc_stop s
	port=$((port + 1))
	knob "$NS_B" "$1" rmem "4096 131072 6291456"
}

# collapse_case SP NAME: in order, small segments as the window takes
# them, to a server of protocol SP on $port with rmem 8192, whose
# application reads 150 bytes of the first 300 and then nothing: its
# window was offered in bytes, each segment costs its buffer far more.
# Copied into fuller buffers, the half-read one at the head too, they
# all fit, and the reader gets them intact.
collapse_case()
{
	local sp=$1 name=$2 collapsed drops res acked sent r_recv

	if [ "$sp" != 0 ]; then
		collapsed=$(atcp_stat "$NS_B" RcvCollapsed)
		drops=$(atcp_stat "$NS_B" RcvQDrop)
	fi
	small_rcvbuf_start "$sp" collapse
	sc s "recv 150"
	r_recv=$R
	rp_wait
	tap_diag "$name, small segments to a small buffer: tool_rawpeer: $R"
	read -r _ res <<< "$R"
	acked=${res%%/*} sent=${res#*/}
	sent=${sent%%:*}
	[[ $acked =~ ^[0-9]+$ ]] && [[ $sent =~ ^[0-9]+$ ]] || acked=0 sent=-1
	tap_is "$name, 100-byte segments to a buffer of 8192: all taken before its window closes ($acked of $sent)" \
		"$res" "$sent/$sent:closed"
	tap_ok "$name, ... and that is 3000 bytes or more ($acked)" \
		test "$acked" -ge 3000
	sc s "inq"
	tap_is "$name, ... the server holds them, less the 150 bytes read first" \
		"$r_recv / $R" "ok 150 / ok $((acked - 150))"
	sc s "recv $((acked - 150))"
	tap_is "$name, ... and reads them intact" "$R" "ok $((acked - 150))"
	small_rcvbuf_stop "$sp"
	[ "$sp" = 0 ] && return
	collapsed=$(($(atcp_stat "$NS_B" RcvCollapsed) - collapsed))
	tap_ok "$name, ... copied into fuller buffers (RcvCollapsed +$collapsed)" \
		test "$collapsed" -gt 0
	drops=$(($(atcp_stat "$NS_B" RcvQDrop) - drops))
	tap_is "$name, ... none dropped (RcvQDrop)" "$drops" 0
}

# jumble_case SP NAME: 3000 bytes of the test pattern and a FIN to a
# server of protocol SP on $port with rmem 8192, first in 81 overlapping
# pieces out of order (a FIN alone among them), far more buffers than
# the buffer holds, then in order: what the queues copied, pruned and
# merged must still be the stream, read intact up to the FIN.
jumble_case()
{
	local sp=$1 name=$2 pruned r_recv r_eof

	[ "$sp" = 0 ] || pruned=$(atcp_stat "$NS_B" PruneCalled)
	small_rcvbuf_start "$sp" jumble
	sc s "recv 3000"
	r_recv=$R
	sc s "recv-eof"
	r_eof=$R
	rp_wait
	tap_diag "$name, overlapping pieces out of order: tool_rawpeer: $R"
	tap_is "$name, 3000 bytes and a FIN in overlapping pieces out of order, then in order: acknowledged, read intact, then EOF" \
		"$R / $r_recv / $r_eof" "ok 3001/3001 / ok 3000 / ok"
	small_rcvbuf_stop "$sp"
	[ "$sp" = 0 ] && return
	pruned=$(($(atcp_stat "$NS_B" PruneCalled) - pruned))
	tap_ok "$name, ... the pieces overfilled the buffer (PruneCalled +$pruned)" \
		test "$pruned" -gt 0
}

for sp in "$P" 0; do
	name=$(proto_name "$sp")
	d=/proc/sys/net/atcp/
	stat=/proc/net/atcp_stat
	tcp=			# Linux's names of atcp's counters begin with TCP
	if [ "$sp" = 0 ]; then
		d=/proc/sys/net/ipv4/tcp_
		stat=/proc/net/netstat
		tcp=TCP
	fi
	timeouts=${tcp}Timeouts probes=${tcp}LossProbes
	# the hook: round 2 recovery 0, 3 recovery 1, 4 early_retrans 0;
	# the server's counters before each round
	cat > "$TMP/knobs" <<EOF
#!/bin/sh
[ "\$1" = 2 ] && ip netns exec $NS_B sh -c "echo 0 > ${d}recovery"
[ "\$1" = 3 ] && ip netns exec $NS_B sh -c "echo 1 > ${d}recovery"
[ "\$1" = 4 ] && ip netns exec $NS_B sh -c "echo 0 > ${d}early_retrans"
ip netns exec $NS_B cat $stat > $TMP/cnt.\$1
EOF
	chmod +x "$TMP/knobs"
	"$TMP/knobs" 1
	rawpeer_script "$sp" "$port" hole,hole,tail,tail 5000
	"$TMP/knobs" 5
	port=$((port + 1))
	knob "$NS_B" "$sp" recovery 1
	knob "$NS_B" "$sp" early_retrans 3
	tap_diag "$name server, losses: tool_rawpeer: $R"
	read -r _ h1 h2 t1 t2 <<< "$R"
	# The handshake's RTT of 500 ms makes the RTO over 1.3 s.
	tap_ok "$name server, one SACK above a hole, recovery 1: RACK resends it at once ($h1)" \
		in_ms "$h1" 0 800
	tap_is "$name server, ... the segment resent is the missing one" \
		"${h1%@*}" 2
	tap_ok "$name server, recovery 0: only at the RTO ($h2)" \
		in_ms "$h2" 800 10000
	tap_is "$name server, ... the segment resent is the missing one" \
		"${h2%@*}" 2
	tap_is "$name server, the last segment unacknowledged, early_retrans 3: resent ($t1)" \
		"${t1%@*}" 5
	tap_is "$name server, ... by a tail loss probe, before the RTO ($probes, $timeouts)" \
		"$(delta "$sp" 3 $probes) $(delta "$sp" 3 $timeouts)" "1 0"
	tap_is "$name server, early_retrans 0: resent ($t2)" "${t2%@*}" 5
	tap_is "$name server, ... at the RTO, without a probe ($probes, $timeouts)" \
		"$(delta "$sp" 4 $probes) $(delta "$sp" 4 $timeouts)" "0 1"

	# A tail loss probe with data waiting that the peer's window takes
	# sends that (RFC 8985 7.3), past the congestion window.
	cat > "$TMP/knobs" <<EOF
#!/bin/sh
ip netns exec $NS_B cat $stat > $TMP/cnt.\$1
EOF
	"$TMP/knobs" 1
	rawpeer_script "$sp" "$port" ahead 15000
	"$TMP/knobs" 2
	port=$((port + 1))
	tap_diag "$name server, data waiting: tool_rawpeer: $R"
	r=${R#ok }
	tap_is "$name server, the flight unacknowledged, data waiting: the next segment is new ($r)" \
		"${r%@*}" 11
	tap_ok "$name server, ... before the RTO" in_ms "$r" 0 1500
	tap_is "$name server, ... a tail loss probe ($probes, $timeouts)" \
		"$(delta "$sp" 1 $probes) $(delta "$sp" 1 $timeouts)" "1 0"

	# F-RTO (RFC 5682), tail loss probes off: after the timeout's
	# resend is acknowledged, new data; if the next ACK covers data
	# never resent, the timeout was spurious and its cut is undone.
	# Round 2 with frto 0.
	cat > "$TMP/knobs" <<EOF
#!/bin/sh
[ "\$1" = 2 ] && ip netns exec $NS_B sh -c "echo 0 > ${d}frto"
ip netns exec $NS_B cat $stat > $TMP/cnt.\$1
EOF
	knob "$NS_B" "$sp" early_retrans 0
	"$TMP/knobs" 1
	rawpeer_script "$sp" "$port" frto,frto 15000
	"$TMP/knobs" 3
	port=$((port + 1))
	knob "$NS_B" "$sp" frto 2
	knob "$NS_B" "$sp" early_retrans 3
	tap_diag "$name server, a late ACK after a timeout: tool_rawpeer: $R"
	read -r _ r1 r2 <<< "$R"
	IFS=/ read -r rto1 new1 next1 <<< "$r1"
	IFS=/ read -r rto2 new2 next2 <<< "$r2"
	tap_is "$name server, a timeout: the first segment resent ($rto1, $rto2)" \
		"${rto1%@*} ${rto2%@*}" "1 1"
	tap_is "$name server, frto 2: once that is acknowledged, new data" \
		"$new1" "11,12"
	tap_is "$name server, ... and once data never resent is, the rest of it ($next1)" \
		"${next1%%,*}" 13
	tap_is "$name server, ... the timeout counted spurious (${tcp}SpuriousRTOs)" \
		"$(delta "$sp" 1 ${tcp}SpuriousRTOs)" 1
	tap_is "$name server, frto 0: going back N" "$new2" "2,3"
	tap_is "$name server, ... all the way ($next2)" "${next2%%,*}" 4
	tap_is "$name server, ... no timeout counted spurious" \
		"$(delta "$sp" 2 ${tcp}SpuriousRTOs)" 0

	printf '#!/bin/sh\nexit 0\n' > "$TMP/knobs"
	knob "$NS_B" "$sp" recovery 0
	knob "$NS_B" "$sp" reordering 1
	rawpeer_script "$sp" "$port" hole 5000
	port=$((port + 1))
	knob "$NS_B" "$sp" recovery 1
	knob "$NS_B" "$sp" reordering 3
	tap_diag "$name server, reordering 1: tool_rawpeer: $R"
	tap_ok "$name server, recovery 0, reordering 1: one SACK is dupthresh (${R#ok })" \
		in_ms "${R#ok }" 0 800

	# A zero window answered for 3 s must not end the connection, though
	# retries2 1 gives up on unanswered retransmissions after 0.6 s.
	printf '#!/bin/sh\nexit 0\n' > "$TMP/knobs"
	knob "$NS_B" "$sp" retries2 1
	rawpeer_script "$sp" "$port" shrink,zerownd,rewound 5000
	port=$((port + 1))
	knob "$NS_B" "$sp" retries2 15
	tap_diag "$name server, zero windows: tool_rawpeer: $R"
	read -r _ w1 w2 w3 <<< "$R"
	alive='^([3-9]|[1-9][0-9])/ok$'		# 3 probes or more, no RST
	[[ $w1 =~ $alive ]]
	tap_result $? "$name server, window shrunk to 0 over data in flight: its retransmissions probe it, answered, it stays ($w1)"
	[[ $w2 =~ $alive ]]
	tap_result $? "$name server, window closed with data waiting: probes answered, it stays ($w2)"
	# after a timeout went back N there is less time for probes
	[[ $w3 =~ ^[1-9][0-9]*/ok$ ]]
	tap_result $? "$name server, window shrunk to 0 after a timeout went back N: probed, it stays ($w3)"

	# A peer that filled the window and lost its first segment sends
	# everything else at the window's right edge until the hole is
	# filled: the ACK fields must be taken (Linux's tcp_sequence()), or
	# the server resends what was acknowledged and stalls its writer.
	printf '#!/bin/sh\nexit 0\n' > "$TMP/knobs"
	rawpeer_script "$sp" "$port" edge,edgedata 3000
	port=$((port + 1))
	tap_diag "$name server, ACKs at the window's edge: tool_rawpeer: $R"
	read -r _ e1 e2 <<< "$R"
	tap_is "$name server, a pure ACK at the right edge of the window: taken, nothing resent, no answer" \
		"$e1" "0/0"
	tap_is "$name server, one byte at the edge: its ACK taken, nothing resent, the byte dropped and answered" \
		"$e2" "0/1"

	# Ten writes of 100 bytes, each its own segment (TCP_NODELAY), none
	# acknowledged: at the RTO the first goes again with the nine after
	# it, 1000 bytes, one MSS (retrans_collapse 1), or alone (0).
	for c in 1 0; do
		knob "$NS_B" "$sp" retrans_collapse "$c"
		sc_start s "$NS_B" "$sp"
		sc s "listen $RP_LISTEN:$port"
		rp_send "$port --script smallrtx"
		sc s "accept" > /dev/null
		sc s "sockopt nodelay 1" > /dev/null
		for _ in $(seq 10); do
			sc s "send 100" > /dev/null
		done
		rp_wait
		sc_stop s
		port=$((port + 1))
		tap_diag "$name server, retrans_collapse $c: tool_rawpeer: $R"
		want=100
		[ "$c" = 1 ] && want=1000
		tap_is "$name server, ten 100-byte segments, none acknowledged, retrans_collapse $c: the RTO resends $want bytes" \
			"$R" "ok 10/$want"
	done
	knob "$NS_B" "$sp" retrans_collapse 1

	# shrink_window: forty 300-byte segments, each costing the reading-
	# nothing server far more buffer than its bytes.  With 0 the right
	# edge of its window stays put; with 1 it recedes.
	cat > "$TMP/knobs" <<EOF
#!/bin/sh
ip netns exec $NS_B sh -c "echo 1 > ${d}shrink_window"
EOF
	[ "$sp" = 0 ] || coalesced=$(atcp_stat "$NS_B" RcvCoalesce)
	rawpeer_script "$sp" "$port" small,small 0
	port=$((port + 1))
	knob "$NS_B" "$sp" shrink_window 0
	if [ "$sp" != 0 ]; then
		# half of them fit in the room the one before left
		coalesced=$(($(atcp_stat "$NS_B" RcvCoalesce) - coalesced))
		tap_ok "$name server, 300-byte segments: some are copied into the buffer before them (RcvCoalesce +$coalesced)" \
			test "$coalesced" -gt 0
	fi
	tap_diag "$name server, 300-byte segments: tool_rawpeer: $R"
	read -r _ k1 k2 <<< "$R"
	# "N/A:D": N of A ACKs moved the edge left, D bytes in all
	tap_is "$name server, shrink_window 0: the right edge never recedes (${k1%%:*} ACKs)" \
		"${k1%%/*}" 0
	receded=${k2%%/*}
	[[ $receded =~ ^[0-9]+$ ]] || receded=0
	tap_ok "$name server, shrink_window 1: it recedes (${k2%%:*} ACKs)" \
		test "$receded" -gt 0

	# Out-of-order data above a hole fills the buffer, in segments with
	# gaps between them (none to copy into fuller buffers); the hole's
	# segment then makes room at the top of the queue, not all of it.
	printf '#!/bin/sh\nexit 0\n' > "$TMP/knobs"
	knob "$NS_B" "$sp" rmem "4096 8192 8192"
	[ "$sp" = 0 ] || pruned=$(atcp_stat "$NS_B" OFOPruned)
	rawpeer_script "$sp" "$port" ofo 0
	port=$((port + 1))
	knob "$NS_B" "$sp" rmem "4096 131072 6291456"
	tap_diag "$name server, a full buffer: tool_rawpeer: $R"
	read -r _ res <<< "$R"
	top=${res%%/*} ack=${res#*/}
	[[ $top =~ ^[0-9]+$ ]] && [[ $ack =~ ^[0-9]+$ ]] || top=0 ack=0
	tap_ok "$name server, a buffer full of data above a hole: filled, the ACK goes past it ($ack, SACKed up to $top)" \
		test "$ack" -gt 101 -a "$ack" -le "$top"
	# each segment a block of its own: the latest always reported first
	tap_ok "$name server, ... more blocks SACKed than an ACK carries, the latest always among them ($top)" \
		test "$top" -gt 301
	if [ "$sp" != 0 ]; then
		pruned=$(($(atcp_stat "$NS_B" OFOPruned) - pruned))
		tap_ok "$name server, ... room made at the top of the queue (OFOPruned +$pruned)" \
			test "$pruned" -gt 0
	fi

	collapse_case "$sp" "$name server"
	jumble_case "$sp" "$name server"

	# A spurious retransmission, shown by a D-SACK, is undone (atcp
	# counts DSACKUndo; Linux TCPDSACKUndo or, when the D-SACK comes
	# with the ACK that ends recovery, TCPFullUndo); a real loss is not.
	cat > "$TMP/knobs" <<EOF
#!/bin/sh
ip netns exec $NS_B cat $stat > $TMP/cnt.\$1
EOF
	"$TMP/knobs" 1
	rawpeer_script "$sp" "$port" spurious,hole 5000
	"$TMP/knobs" 3
	port=$((port + 1))
	tap_diag "$name server, a spurious retransmission: tool_rawpeer: $R"
	read -r _ s1 s2 <<< "$R"
	undos()
	{
		if [ "$sp" = 0 ]; then
			echo $(($(delta 0 "$1" TCPDSACKUndo) + $(delta 0 "$1" TCPFullUndo)))
		else
			delta "$sp" "$1" DSACKUndo
		fi
	}
	tap_is "$name server, three SACKs above a hole: resent at once (${s1})" \
		"${s1%@*}" 2
	tap_is "$name server, ... then D-SACKed: the window cut is undone" \
		"$(undos 1)" 1
	tap_is "$name server, a real loss (${s2}): nothing undone" "$(undos 2)" 0

	# A timeout during fast recovery: the window of data was cut once
	# (CUBIC: 10 segments to 7) on entering recovery and is not cut again
	# (Linux: tcp_enter_loss()), as the last connection's ssthresh shows.
	"$TMP/knobs" 1
	rawpeer_script "$sp" "$port" timeout 5000 "info snd_ssthresh"
	"$TMP/knobs" 2
	port=$((port + 1))
	tap_diag "$name server, a timeout in recovery: tool_rawpeer: $R, $AFTER"
	read -r _ f1 <<< "$R"
	# Linux counts a timeout in recovery as TCPSackFailures
	rtos=$(delta "$sp" 1 $timeouts)
	[ "$sp" = 0 ] && rtos=$((rtos + $(delta 0 1 TCPSackFailures)))
	tap_is "$name server, three SACKs above a hole, then silence: resent at once, then at the RTO (${f1})" \
		"$(sed 's/@[0-9]*//g' <<< "$f1") $rtos" "2/2 1"
	tap_ok "$name server, ... the RTO came over a second later (${f1#*/})" \
		in_ms "${f1#*/}" 1000 10000
	tap_is "$name server, ... the window was cut once: ssthresh 7" \
		"$AFTER" "ok 7"

	# PRR (RFC 6937): one loss in a window of 20, which CUBIC cuts to
	# 14.  The first SACK either shows the loss to RACK at once (the
	# second flight left in pieces, the lost segment well before the
	# SACKed one), and PRR lets the retransmission out; or it only takes
	# a segment out of the pipe, one new one goes out, and RACK's timer
	# then finds the loss: 2 segments.  Each later SACK lets out 14/20 of
	# what was delivered since, rounded up: 1,1,0,1,1,0,1.  Linux takes
	# either way, by timing.  Cut at once, the window would have let out
	# nothing new until the seventh SACK.  A tail loss probe, when the
	# peer read the flight in more than two round trips, is listed
	# apart and does not change the count.
	printf '#!/bin/sh\nexit 0\n' > "$TMP/knobs"
	rawpeer_script "$sp" "$port" prr 60000
	port=$((port + 1))
	tap_diag "$name server, one loss in a window of 20: tool_rawpeer: $R"
	[[ ${R% probes *} == "ok 1/5:1,1,1,0,1,1,0,1" ||
	   ${R% probes *} == "ok 1/6:2,1,1,0,1,1,0,1" ]]
	tap_result $? "$name server, one loss in a window of 20, 8 SACKs: 1 resent, 5 or 6 new, after each SACK as PRR has it"

	# The same start, paced at 100000 bytes a second without a pacing
	# qdisc, then ten segments lost at once: PRR lets them all go, and
	# pacing spaces them 10 ms apart (Linux resends two at a time, 20 ms
	# apart): 80 to 90 ms from the first to the last, of which catching up
	# after a late SACK takes half a gap at most.  The test asks for half
	# of that.  Back to back, all ten would leave within a millisecond or
	# two.
	rawpeer_script "$sp" "$port" paced 60000 "" "sockopt max_pacing_rate 100000"
	port=$((port + 1))
	tap_diag "$name server, ten lost at once, paced: tool_rawpeer: $R"
	read -r _ pc <<< "$R"
	tap_is "$name server, paced, ten segments lost at once: all resent" \
		"${pc%@*}" 10
	tap_ok "$name server, ... paced, not back to back (${pc#*@} ms from the first to the last)" \
		test "${pc#*@}" -ge 40


	# round 2 with dsack 0; the counters before round 1 and round 2
	cat > "$TMP/knobs" <<EOF
#!/bin/sh
[ "\$1" = 2 ] && ip netns exec $NS_B sh -c "echo 0 > ${d}dsack"
ip netns exec $NS_B cat $stat > $TMP/cnt.\$1
EOF
	"$TMP/knobs" 1
	rawpeer_script "$sp" "$port" dsack,dsack 0
	port=$((port + 1))
	knob "$NS_B" "$sp" dsack 1
	tap_diag "$name server, data twice: tool_rawpeer: $R"
	read -r _ d1 d2 <<< "$R"
	tap_is "$name server, dsack 1: the duplicates come back as D-SACK blocks" \
		"$d1" "old=1-501/ofo=1001-1501,1001-1501"
	tap_is "$name server, dsack 0: plain SACK blocks only" \
		"$d2" "old=none/ofo=1001-1501"
	tap_is "$name server, one D-SACK counted for old data, one for out-of-order" \
		"$(delta "$sp" 1 ${tcp}DSACKOldSent) $(delta "$sp" 1 ${tcp}DSACKOfoSent)" \
		"1 1"
done

# ---- over IPv6 -------------------------------------------------------------

ip netns exec "$NS_A" tc filter add dev veth0 egress protocol ipv6 \
	u32 match u8 6 0xff at 6 match u8 0x04 0x04 at 53 \
	match u16 0 0x0ff0 at 0 action drop
tap_result $? "$NS_A sends no RST of its own over IPv6 (tc filter)"
RP_SRC=$ADDR6_A RP_DST=$ADDR6_B RP_LISTEN="[$ADDR6_B]"
for sp in "$P" 0; do
	name="$(proto_name "$sp") server, IPv6"
	stat=/proc/net/atcp_stat tcp=
	[ "$sp" = 0 ] && stat=/proc/net/netstat tcp=TCP
	cat > "$TMP/knobs" <<EOF
#!/bin/sh
ip netns exec $NS_B cat $stat > $TMP/cnt.\$1
EOF
	"$TMP/knobs" 1
	rawpeer_script "$sp" "$port" hole,tail 5000
	"$TMP/knobs" 3
	port=$((port + 1))
	tap_diag "$name, losses: tool_rawpeer: $R"
	read -r _ h1 t1 <<< "$R"
	tap_ok "$name, one SACK above a hole: RACK resends it at once ($h1)" \
		in_ms "$h1" 0 800
	tap_is "$name, ... the segment resent is the missing one" "${h1%@*}" 2
	tap_is "$name, the last segment unacknowledged: resent ($t1)" \
		"${t1%@*}" 5
	tap_is "$name, ... by a tail loss probe, before the RTO (${tcp}LossProbes, ${tcp}Timeouts)" \
		"$(delta "$sp" 2 ${tcp}LossProbes) $(delta "$sp" 2 ${tcp}Timeouts)" "1 0"

	sc_start s "$NS_B" "$sp"
	sc s "listen $RP_LISTEN:$port"
	rp_send "$port --script frag"
	sc s "accept" > /dev/null
	sc s "recv 3000"
	r_recv=$R
	rp_wait
	tap_diag "$name, fragments: tool_rawpeer: $(tr '\n' ' ' < "$TMP/raw")"
	tap_is "$name, a segment in 4 fragments, the last first: acknowledged, and its 3000 bytes read" \
		"$R / $r_recv" "ok 4 / ok 3000"
	# the listener is still there
	rp_send "$port --script rst"
	rp_wait
	tap_is "$name, an ACK the listener refuses, class 0x4a: reset with its DSCP, 0x48" \
		"$R" "ok R/0x48"
	port=$((port + 1))
	sc_stop s

	collapse_case "$sp" "$name"
	jumble_case "$sp" "$name"
done
sc_stop rp

tap_finish

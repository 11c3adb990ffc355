#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_synq - the SYN queue, the accept queue and SYN cookies, for atcp and
# for Linux TCP beside it (the same knobs under net.ipv4.tcp_*):
#
#  - handshakes crafted with scapy (tool_synq.py) from an address of the
#    link that no host has: the SYN-ACK retransmission schedule with
#    synack_retries 2 (1 s, then 2 s, then the request is dropped); a
#    duplicate SYN gets the same SYN-ACK again; a RST drops the request;
#    a lost third ACK followed by data still makes the connection, with
#    the data; the request is in /proc/net/atcp as SYN-RECV meanwhile;
#  - syncookies 2: a cookie ACK makes a connection (SyncookiesRecv), with
#    the SYN's options kept in the timestamp; a forged one gets a RST,
#    with the forged ACK's DSCP but not its ECN bits, as Linux's control
#    socket answers, and counts SyncookiesFailed, and so does one more
#    than two minutes old;
#  - abort_on_overflow: a third ACK meeting a full accept queue gets a RST
#    under 1, and is dropped, the request kept, under 0;
#  - an SO_REUSEPORT group that grows while a handshake is pending, and
#    whose new member's BPF program (SO_ATTACH_REUSEPORT_CBPF) sends
#    every new connection to itself: the pending handshake's ACK still
#    completes it at the listener its SYN reached, where accept()
#    returns it, and a new handshake goes where the program says; a
#    listener of a group closed while its request waits for the ACK:
#    under migrate_req 1 the ACK completes it at the other listener,
#    under 0 it gets a RST;
#  - an old duplicate SYN-ACK reaching a client in SYN-SENT is answered
#    with a RST whose SEQ is its ACK (RFC 9293 figure 9);
#  - a SYN flood from a third namespace (tool_synflood, spoofed sources in
#    198.19.0.0/16): under syncookies 1 at least 99% of 1000 connections
#    from atcp clients and of 1000 from Linux clients to an atcp server
#    succeed and carry data, and the SYN queue stays within
#    max_syn_backlog; under syncookies 0 the queue holds exactly
#    max_syn_backlog requests and ListenDrops and ReqQFullDrop move.
#
# The "atcp" protocol is $ATCP_PROTO (default 253).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_conn.sh"

sc_topic synq 10
SYNQ=$ATCP_TOP/selftests/vm/tool_synq.py
FLOOD=$ATCP_TOP/selftests/vm/build/tool_synflood
BENCH=$ATCP_TOP/selftests/vm/build/tool_bench
[ -x "$FLOOD" ] && [ -x "$BENCH" ] || { tap_skip "tool_synflood or tool_bench is not built"; tap_finish; }
python3 -c 'import scapy' 2>/dev/null || { tap_skip "python3-scapy is not installed"; tap_finish; }

# Nobody has SPOOF: B sends what is for it to A's MAC, and A's kernel
# drops it; only tool_synq sees it.  Likewise NOBODY for A, towards B.
SPOOF=198.18.0.77
NOBODY=198.18.0.99
mac_a=$(veth_mac "$NS_A")
mac_b=$(veth_mac "$NS_B")
ip -n "$NS_B" neigh add "$SPOOF" lladdr "$mac_a" dev veth0 nud permanent
ip -n "$NS_A" neigh add "$NOBODY" lladdr "$mac_b" dev veth0 nud permanent

# The flooder's namespace, F, behind B: B routes the spoofed sources
# there, and F, which has none of them, drops B's SYN-ACKs.
NS_F=atcp-f-$$
ip netns add "$NS_F"
ip -n "$NS_B" link add veth1 type veth peer name veth1 netns "$NS_F"
ip -n "$NS_F" link set lo up
ip -n "$NS_B" addr add 198.18.2.2/24 dev veth1
ip -n "$NS_F" addr add 198.18.2.1/24 dev veth1
ip -n "$NS_B" link set veth1 up
ip -n "$NS_F" link set veth1 up
ip -n "$NS_F" route add 198.18.0.0/24 via 198.18.2.2
ip -n "$NS_B" route add 198.19.0.0/16 via 198.18.2.1
trap 'cleanup; ip netns del "$NS_F" 2>/dev/null' EXIT

# synq_start NAME NS SRC DST: a tool_synq in NS, fed cases through a FIFO
synq_start()
{
	fifo_start "$1" timeout -k 5 600 ip netns exec "$2" python3 "$SYNQ" \
		veth0 "$3" "$4"
}

# synq_send NAME PORT CASE: start a case; synq_get NAME: its line, in R
synq_send()
{
	printf '%s %s\n' "$2" "$3" >&"${SC_IN[$1]}"
}

synq_get()
{
	IFS= read -r -t 60 -u "${SC_OUT[$1]}" R ||
		R="err NOREPLY $(tr '\n' ' ' < "$TMP/$1.err")"
	tap_diag "tool_synq $1: $R"
}

synq()
{
	synq_send "$@"
	synq_get "$1"
}

# synq_ready NAME: wait for scapy to load (a line "ready")
synq_ready()
{
	synq_get "$1"
	[ "$R" = ready ]
}

# cookie_stale_ms PROTO: when (in now_ms time) a cookie minted before this
# call has become stale, with a 2 s margin.  A cookie is good while its
# stack's cookie clock has advanced by at most one tick since minting:
# Linux ticks every minute of jiffies_64 (tcp_cookie_time()), atcp every
# 64 s of CLOCK_MONOTONIC.  Reading the clock after the mint can only make
# the answer later; were it early, the replay would be accepted and fail.
cookie_stale_ms()
{
	local hz

	hz=$(sed -n 's/^CONFIG_HZ=//p' "/boot/config-$(uname -r)")
	awk -v proto="$1" -v hz="${hz:-250}" -v now="$(now_ms)" '
		$1 == "now" && $2 == "at" { mono = $3 / 1e9 }
		$1 == "jiffies:" { j = $2; exit }
		END {
			if (proto == 0) {
				period = 60 * hz
				left = ((int(j / period) + 2) * period - j) * 1000 / hz
			} else {
				left = ((int(mono / 64) + 2) * 64 - mono) * 1000
			}
			printf "%.0f\n", now + left + 2000	# mawk: %d stops at 2^31
		}' /proc/timer_list
}

# stat NS PROTO NAME: atcp's counter NAME, or Linux's TcpExt one
stat()
{
	if [ "$2" = 0 ]; then linux_tcpext "$1" "$3"; else atcp_stat "$1" "$3"; fi
}

# count_state NS PROTO PORT STATE: sockets on PORT in STATE
count_state()
{
	states "$1" "$2" "$3" | tr ' ' '\n' | grep -c "^$4\$"
}

# syn_queue PORT: the syn_queue column of atcp's listener on PORT in B
syn_queue()
{
	ip netns exec "$NS_B" awk -v p="$(printf ':%04X' "$1")" \
		'index($1, p) { print $4 }' /proc/net/atcp_listen
}

synq_start a "$NS_A" "$SPOOF" "$ADDR_B"
synq_start b "$NS_B" "$ADDR_A" "$NOBODY"
if ! synq_ready a || ! synq_ready b; then
	tap_result 1 "tool_synq starts"
	tap_finish
fi

# ---- syn cookies --------------------------------------------------------------

declare -A stale_at stale_by
for sp in "$P" 0; do
	tag="$(proto_name "$sp") syncookies 2"
	port=$((24100 + sp))
	knob "$NS_B" "$sp" syncookies 2
	sc_start s "$NS_B" "$sp"
	sc s "listen $ADDR_B:$port"
	recv=$(stat "$NS_B" "$sp" SyncookiesRecv)
	failed=$(stat "$NS_B" "$sp" SyncookiesFailed)
	sent=$(stat "$NS_B" "$sp" SyncookiesSent)
	synq a "$port" ack
	# Linux adds its TSval offset after the option bits, atcp before
	want="ack none cookie-ts"
	[ "$sp" = 0 ] && want="ack none*"
	expect "$tag: a valid cookie ACK is accepted, the SYN's options in TSval" \
		"$want" "$R"
	synq a "$port" forged
	expect "$tag: a forged cookie gets a RST" "forged R*" "$R"
	expect "$tag: with the ACK's DSCP, not its ECN bits" "forged R tos 0x48*" "$R"
	# kept for the end of the topic, when two ticks of the cookie clock have passed
	synq a "$port" save:"$TMP/stale.$sp"
	stale_at[$sp]=$(now_ms)
	stale_by[$sp]=$(cookie_stale_ms "$sp")
	tap_is "$tag: three SYN-ACKs were cookies (SyncookiesSent)" \
		$(( $(stat "$NS_B" "$sp" SyncookiesSent) - sent )) 3
	tap_is "$tag: the valid one is counted (SyncookiesRecv)" \
		$(( $(stat "$NS_B" "$sp" SyncookiesRecv) - recv )) 1
	tap_is "$tag: the forged one counts SyncookiesFailed" \
		$(( $(stat "$NS_B" "$sp" SyncookiesFailed) - failed )) 1
	sc s accept
	expect "$tag: accept() returns the cookie's connection" "ok $SPOOF:*" "$R"
	tap_is "$tag: nothing is kept for a cookie" "$(count_state "$NS_B" "$sp" "$port" SYN-RECV)" 0
	sc_stop s
	knob "$NS_B" "$sp" syncookies 1
done

# ---- crafted handshakes ------------------------------------------------------

for sp in "$P" 0; do
	tag="$(proto_name "$sp") listener"
	port=$((24000 + sp))
	knob "$NS_B" "$sp" synack_retries 2
	sc_start s "$NS_B" "$sp"
	sc s "listen $ADDR_B:$port"

	# SYN-ACKs at about 0, 1 and 3 s, and no more
	synq a "$port" schedule:7.5
	read -r -a t <<< "${R#schedule}"
	ms=()
	for x in "${t[@]}"; do ms+=("$(awk -v x="$x" 'BEGIN { printf "%d", x * 1000 }')"); done
	tap_is "$tag: synack_retries 2: the SYN-ACK and two retransmissions" "${#ms[@]}" 3
	if [ "${#ms[@]}" = 3 ]; then
		between "$tag: the first retransmission 1 s after the SYN-ACK" \
			$((ms[1] - ms[0])) 800 1600
		between "$tag: the second 2 s after the first" \
			$((ms[2] - ms[1])) 1700 2800
	else
		tap_result 1 "$tag: the first retransmission 1 s after the SYN-ACK"
		tap_result 1 "$tag: the second 2 s after the first"
	fi
	tap_is "$tag: ... then the request is dropped" "$(count_state "$NS_B" "$sp" "$port" SYN-RECV)" 0

	synq a "$port" dupsyn
	expect "$tag: a duplicate SYN brings the same SYN-ACK again" "dupsyn same" "$R"
	synq a "$port" rst
	tap_is "$tag: a RST in SYN-RECEIVED drops the request" \
		"$(count_state "$NS_B" "$sp" "${R#rst sent }" SYN-RECV)" 0
	synq a "$port" lostack:100
	expect "$tag: data after a lost third ACK is acknowledged (100 bytes)" \
		"lostack acked 100" "$R"
	sc s accept
	expect "$tag: ... and makes a connection accept() returns" "ok $SPOOF:*" "$R"
	sc s "recv 100"
	expect "$tag: ... which reads the 100 bytes" "ok 100" "$R"
	synq a "$port" save:"$TMP/pending"
	tap_is "$tag: a request waiting for its ACK shows as SYN-RECV in $(where "$sp")" \
		"$(count_state "$NS_B" "$sp" "${R#save }" SYN-RECV)" 1
	if [ "$sp" != 0 ]; then
		q=$(syn_queue "$port")
		tap_result "$([ "${q:-0}" -ge 1 ] && echo 0 || echo 1)" \
			"$tag: ... and in syn_queue of /proc/net/atcp_listen (${q:-none})"
	fi
	sc_stop s
	knob "$NS_B" "$sp" synack_retries 5
done

# ---- abort_on_overflow ----------------------------------------------------------

for sp in "$P" 0; do
	for abort in 1 0; do
		tag="$(proto_name "$sp") abort_on_overflow $abort"
		port=$((24200 + sp + abort))
		knob "$NS_B" "$sp" abort_on_overflow "$abort"
		sc_start s "$NS_B" "$sp"
		sc s "listen $ADDR_B:$port 0"
		synq a "$port" save:"$TMP/ovf"
		sport=${R#save }
		# backlog 0 holds one connection: fill it, then send the ACK
		sc_start c "$NS_A" "$P"
		sc c "connect $ADDR_B:$port"
		synq a "$port" replay:"$TMP/ovf"
		if [ "$abort" = 1 ]; then
			expect "$tag: the third ACK meeting a full accept queue gets a RST" \
				"replay R*" "$R"
			tap_is "$tag: ... and the request is gone" \
				"$(count_state "$NS_B" "$sp" "$sport" SYN-RECV)" 0
		else
			# a SYN-ACK retransmission may fall in the window
			tap_result "$([[ $R == "replay none" || $R == "replay SA" ]] && echo 0 || echo 1)" \
				"$tag: the third ACK meeting a full accept queue is dropped, no RST"
			tap_is "$tag: ... and the request stays" \
				"$(count_state "$NS_B" "$sp" "$sport" SYN-RECV)" 1
		fi
		sc_stop c
		sc_stop s
	done
	knob "$NS_B" "$sp" abort_on_overflow 0
done

# ---- an SO_REUSEPORT group that changes during a handshake ----------------------

for sp in "$P" 0; do
	tag="$(proto_name "$sp") SO_REUSEPORT group"
	port=$((24500 + sp))
	sc_start s "$NS_B" "$sp"
	sc s "listen $ADDR_B:$port reuseport"
	expect "$tag: a listener" ok "$R"
	synq a "$port" save:"$TMP/group"
	sc_start s2 "$NS_B" "$sp"
	sc s2 "listen $ADDR_B:$port reuseport cbpf=1"
	expect "$tag: a second one joins with a program that picks it for every SYN" \
		ok "$R"
	synq a "$port" replay:"$TMP/group"
	expect "$tag: the ACK of a handshake begun before completes it, no RST" \
		"replay none" "$R"
	sc s accept
	expect "$tag: ... at the first listener" "ok $SPOOF:*" "$R"
	synq a "$port" ack
	expect "$tag: a new handshake completes" "ack none*" "$R"
	sc s2 accept
	expect "$tag: ... at the second listener, as the program says" \
		"ok $SPOOF:*" "$R"
	sc_stop s2
	sc_stop s

	# a listener closes while its request waits for the ACK
	migrated=MigrateReqSuccess
	[ "$sp" = 0 ] && migrated=TCPMigrateReqSuccess
	for mig in 1 0; do
		knob "$NS_B" "$sp" migrate_req "$mig"
		sc_start s "$NS_B" "$sp"
		sc s "listen $ADDR_B:$port reuseport"
		synq a "$port" save:"$TMP/migrate"
		sc_start s2 "$NS_B" "$sp"
		sc s2 "listen $ADDR_B:$port reuseport"
		before=$(stat "$NS_B" "$sp" "$migrated")
		sc_stop s
		synq a "$port" replay:"$TMP/migrate"
		if [ "$mig" = 1 ]; then
			expect "$tag: migrate_req 1: the ACK of a request of a listener closed since completes it, no RST" \
				"replay none" "$R"
			sc s2 accept
			expect "$tag: ... at the group's other listener" \
				"ok $SPOOF:*" "$R"
			tap_is "$tag: ... counted as $migrated" \
				$(( $(stat "$NS_B" "$sp" "$migrated") - before )) 1
		else
			expect "$tag: migrate_req 0: that ACK gets a RST" \
				"replay R*" "$R"
		fi
		sc_stop s2
	done
	knob "$NS_B" "$sp" migrate_req 0
done

# ---- an old duplicate SYN-ACK at a client -----------------------------------------

for cp in "$P" 0; do
	tag="$(proto_name "$cp") client in SYN-SENT"
	synq_send b 24300 oldsynack
	sleep 0.5
	sc_start c "$NS_A" "$cp"
	sc c "connect-nb $NOBODY:24300"
	synq_get b
	expect "$tag: an old SYN-ACK is answered with <SEQ=SEG.ACK><CTL=RST>" \
		"oldsynack R ok" "$R"
	tap_is "$tag: ... and the client stays in SYN-SENT" \
		"$(count_state "$NS_A" "$cp" 24300 SYN-SENT)" 1
	sc_stop c
done

# ---- a SYN flood --------------------------------------------------------------

# flood SECS: tool_synflood from F at ADDR_B:24400, in the background
flood()
{
	ip netns exec "$NS_F" timeout -k 5 $(( $1 + 30 )) "$FLOOD" \
		-s 198.19.0.0/16 -d "$ADDR_B:24400" -t "$1" -n 10000000 -r 3000 \
		> "$TMP/flood.out" 2>&1 &
	FLOOD_PID=$!
	PIDS+=("$!")
}

# wait_counter NAME FROM SECS: atcp's NAME in B rises above FROM in SECS
wait_counter()
{
	local end=$(( $(now_ms) + $3 * 1000 ))

	while [ "$(atcp_stat "$NS_B" "$1")" -le "$2" ]; do
		[ "$(now_ms)" -gt "$end" ] && return 1
		sleep 0.2
	done
}

knob "$NS_B" "$P" max_syn_backlog 128
ip netns exec "$NS_B" "$BENCH" server -p "$P" -l "0.0.0.0:24400" -R "$TMP/bench.ready" \
	> /dev/null 2> "$TMP/bench.err" &
PIDS+=("$!")
wait_ready "$TMP/bench.ready" "$!" || tap_diag "tool_bench server: $(cat "$TMP/bench.err")"

tag="flood, syncookies 1"
sent=$(atcp_stat "$NS_B" SyncookiesSent)
flood 120
wait_counter SyncookiesSent "$sent" 20
tap_result $? "$tag: the full SYN queue makes the listener send cookies"
for cp in "$P" 0; do
	R=$(ip netns exec "$NS_A" "$BENCH" client -p "$cp" -c "$ADDR_B:24400" \
		-m conn -N 1000 -n 4 2>&1 | tail -n 1)
	tap_diag "$tag: $(proto_name "$cp") clients: $R"
	ok=$(echo "$R" | sed -n 's/.*ok=\([0-9]*\).*/\1/p')
	tap_result "$([ "${ok:-0}" -ge 990 ] && echo 0 || echo 1)" \
		"$tag: $(proto_name "$cp") clients: >= 99% of 1000 connections carry their data (${ok:-0})"
done
q=$(syn_queue 24400)
tap_diag "$tag: $(cat "$TMP/flood.out" 2>/dev/null) so far; SYN queue ${q:-?}, SyncookiesSent $(atcp_stat "$NS_B" SyncookiesSent), SyncookiesRecv $(atcp_stat "$NS_B" SyncookiesRecv), ReqQFullDoCookies $(atcp_stat "$NS_B" ReqQFullDoCookies)"
tap_result "$([ -n "$q" ] && [ "$q" -le 128 ] && echo 0 || echo 1)" \
	"$tag: the SYN queue stays within max_syn_backlog ($q <= 128)"
tap_result "$([ "$(count_state "$NS_B" "$P" 24400 SYN-RECV)" -le 128 ] && echo 0 || echo 1)" \
	"$tag: ... and so do the SYN-RECV lines of /proc/net/atcp"
kill "$FLOOD_PID" 2>/dev/null
wait "$FLOOD_PID" 2>/dev/null

tag="flood, syncookies 0"
knob "$NS_B" "$P" syncookies 0
drops=$(atcp_stat "$NS_B" ListenDrops)
full=$(atcp_stat "$NS_B" ReqQFullDrop)
sent=$(atcp_stat "$NS_B" SyncookiesSent)
flood 20
wait_counter ReqQFullDrop "$full" 20
tap_result $? "$tag: SYNs beyond the full queue are dropped (ReqQFullDrop)"
tap_is "$tag: the SYN queue holds exactly max_syn_backlog requests" "$(syn_queue 24400)" 128
tap_is "$tag: ... all shown as SYN-RECV" "$(count_state "$NS_B" "$P" 24400 SYN-RECV)" 128
tap_result "$([ "$(atcp_stat "$NS_B" ListenDrops)" -gt "$drops" ] && echo 0 || echo 1)" \
	"$tag: ListenDrops moves"
tap_is "$tag: no cookie is sent" "$(atcp_stat "$NS_B" SyncookiesSent)" "$sent"
kill "$FLOOD_PID" 2>/dev/null
wait "$FLOOD_PID" 2>/dev/null
knob "$NS_B" "$P" syncookies 1

# ---- a stale cookie ---------------------------------------------------------------

# The cookies saved first are good for 64-128 s (atcp) or 60-120 s
# (Linux): once each has aged past its second clock tick, send its ACK.
# A fresh cookie first: Linux checks cookies only within 2 minutes of
# sending one.
for sp in "$P" 0; do
	tag="$(proto_name "$sp") syncookies 2"
	port=$((24100 + sp))
	left=$(( stale_by[$sp] - $(now_ms) ))
	[ "$left" -gt 0 ] && sleep "$(awk -v l="$left" 'BEGIN { printf "%.1f", l / 1000 }')"
	knob "$NS_B" "$sp" syncookies 2
	sc_start s "$NS_B" "$sp"
	sc s "listen $ADDR_B:$port"
	synq a "$port" ack
	failed=$(stat "$NS_B" "$sp" SyncookiesFailed)
	synq a "$port" replay:"$TMP/stale.$sp"
	tap_diag "$tag: $(( ($(now_ms) - stale_at[$sp]) / 1000 )) s after the cookie"
	expect "$tag: a cookie two ticks of the cookie clock old gets a RST" "replay R*" "$R"
	tap_is "$tag: ... and counts SyncookiesFailed" \
		$(( $(stat "$NS_B" "$sp" SyncookiesFailed) - failed )) 1
	sc_stop s
	knob "$NS_B" "$sp" syncookies 1
done

synq_send a quit ""
synq_send b quit ""
tap_finish

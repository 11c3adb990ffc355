#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_route - the TCP attributes of a route ("ip route ... initcwnd 20"),
# atcp's connections (both ends atcp) and as the reference Linux's, the
# same points for both.  Each attribute is set on a host route to the
# peer, in the namespace of the end it concerns, and each case is run
# again without it.  Path metrics are not saved (no_metrics_save 1), so
# that one connection does not seed the next.
#
#  - initcwnd 20: the server's window right after the handshake is 20
#    segments (10 without);
#  - rto_min 50ms (ip locks it): the client's first RTO over the bare
#    link is 50 to 100 ms (200 ms and more without); set on an open
#    connection, it brings the RTO below 200 ms from the next RTT samples
#    on;
#  - quickack 1: after 100 kB each way and TCP_QUICKACK 0 at the server,
#    three 100-byte writes, each read 100 ms later, are acknowledged at
#    once: the server's delayed-ACK timer never fires (DelayedACKs),
#    where without it does;
#  - advmss 1000: the MSS the route's end advertises, at the server (its
#    SYN-ACK) and at the client (its SYN): the other end sends 988-byte
#    segments (less 12 for timestamps), 1448 without;
#  - features ecn: a client under ecn 0 asks for ECN, and the connection
#    has it (none without); a listener under ecn 0 accepts a SYN's ECN,
#    from its SYN queue and from a syncookie, over IPv4 and IPv6;
#  - initrwnd 4: the client's SYN offers 4 x 1460 bytes, the server's
#    SYN-ACK 4 x 1448 (its MSS less the timestamps the client sends);
#  - window 8000: the client's SYN offers 8000 bytes at most, with a
#    window scale of 0, and the server's SYN-ACK 8000 at most; with 200
#    kB each way, atcp's ends go on offering 8000 at most (as the scale
#    can say it: its listener keeps the scale its SYN queue chose),
#    Linux's 65535 at most, since its receive-buffer tuning sets the
#    clamp anew (tcp_rcv_space_adjust()) and only the scale of 0 still
#    bounds it; without it, more than 8000, and the SYN offers 64240
#    bytes (44 segments of 1460), the SYN-ACK 65160 (45 of 1448), 64 kB
#    in whole segments as Linux quantizes them;
#  - fastopen_no_cookie 1: a client with no cookie puts data on its SYN,
#    which a listener under fastopen 0x203 takes (none without).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_conn.sh"

sc_topic route 10

PORT=7900

# route NS DEST [ATTR...]: a host route to DEST (IPv4 or IPv6) on veth0
# of NS with the attributes; without them, none
route()
{
	local ns=$1 dest=$2/32

	shift 2
	[[ $dest == *:* ]] && dest=${dest%/32}/128
	ip -n "$ns" route del "$dest" 2>/dev/null
	[ $# = 0 ] && return 0
	ip -n "$ns" route add "$dest" dev veth0 "$@"
}

# windows FILE: the windows each end offered in the capture FILE: that of
# its SYN, its window scale, and the largest after it, scaled: "CSYN
# CSCALE CMAX SSYN SSCALE SMAX".
windows()
{
	tcpdump -n -r "$1" 2>/dev/null | awk -v a="$ADDR_A." '
		{
			side = index($3, a) == 1 ? "c" : "s"
			w = -1
			for (i = 1; i < NF; i++)
				if ($i == "win")
					w = $(i + 1) + 0
			if (w < 0)
				next
			if ($0 ~ /Flags \[S/) {
				syn[side] = w
				ws[side] = 0
				if (match($0, /wscale [0-9]+/))
					ws[side] = substr($0, RSTART + 7, RLENGTH - 7) + 0
				next
			}
			w *= 2 ^ ws[side]
			if (w > m[side])
				m[side] = w
		}
		END {
			printf "%d %d %d %d %d %d\n", syn["c"], ws["c"], m["c"],
			       syn["s"], ws["s"], m["s"]
		}'
}

# pair PROTO: the next port, connected; $ALIVE
pair()
{
	PORT=$((PORT + 1))
	sc_pair "$1" "$1" "$PORT"
}

# pair6 PROTO: the same over IPv6
pair6()
{
	PORT=$((PORT + 1))
	sc_start c "$NS_A" "$1"
	sc_start s "$NS_B" "$1"
	sc s "listen [$ADDR6_B]:$PORT"
	sc c "connect [$ADDR6_B]:$PORT"
	sc s accept
	[[ $R == "ok $ADDR6_A"* ]] || tap_diag "IPv6 accept: '$R'"
	sc s "close-listener"
}

for sp in "$P" 0; do
	name=$(proto_name "$sp")
	for ns in "$NS_A" "$NS_B"; do
		knob "$ns" "$sp" no_metrics_save 1
	done
	metrics_flush "$NS_A" "$sp"
	metrics_flush "$NS_B" "$sp"

	# ---- initcwnd ---------------------------------------------------------
	for cw in 20 ""; do
		route "$NS_B" "$ADDR_A" ${cw:+initcwnd "$cw"}
		pair "$sp"
		sc s "info snd_cwnd"
		tap_is "$name, initcwnd ${cw:-unset}: the server starts with ${cw:-10} segments" \
			"$R" "ok ${cw:-10}"
		sc_stop c
		sc_stop s
	done

	# ---- rto_min ----------------------------------------------------------
	route "$NS_A" "$ADDR_B" rto_min 50ms
	tap_diag "$name: $(ip -n "$NS_A" route show "$ADDR_B/32")"
	pair "$sp"
	sc c "info rto"
	tap_diag "$name, rto_min 50ms: the client's first RTO: $R us"
	tap_num "$name, rto_min 50ms: the client's first RTO is under 100 ms" \
		"${R#ok }" -le 100000
	tap_num "$name, rto_min 50ms: ... and 50 ms at least" "${R#ok }" -ge 50000
	sc_stop c
	sc_stop s
	route "$NS_A" "$ADDR_B"
	pair "$sp"
	sc c "info rto"
	tap_num "$name, no rto_min: the client's first RTO is 200 ms at least ($R)" \
		"${R#ok }" -ge 200000
	# the route is read at every RTT sample, not only at the handshake;
	# Linux's RTO comes down to it over some rounds (its mdev_max)
	route "$NS_A" "$ADDR_B" rto_min 50ms
	sc_both_ways "$name, rto_min 50ms set on the open connection" 100000
	sc c "info rto"
	tap_num "$name, rto_min 50ms set on the open connection: the client's RTO falls below 200 ms ($R)" \
		"${R#ok }" -lt 200000
	sc_stop c
	sc_stop s
	route "$NS_A" "$ADDR_B"

	# ---- quickack ---------------------------------------------------------
	for qa in 1 ""; do
		route "$NS_B" "$ADDR_A" ${qa:+quickack "$qa"}
		pair "$sp"
		sc_both_ways "$name, quickack ${qa:-unset}" 100000
		# TCP_QUICKACK 0: the server leaves the quick mode the
		# start of a connection is in; it reads only after its
		# delayed ACK is due, so that no read sends the ACK first
		sc s "sockopt quickack 0"
		d0=$(delayed_acks "$NS_B" "$sp")
		for _ in 1 2 3; do
			sc c "send 100"
			sleep 0.1
			sc s "recv 100"
		done
		sleep 0.1
		d=$(( $(delayed_acks "$NS_B" "$sp") - d0 ))
		if [ -n "$qa" ]; then
			tap_is "$name, quickack 1: no ACK of the server waited for its timer" "$d" 0
		else
			tap_num "$name, quickack unset: some ACK of the server waited ($d DelayedACKs)" \
				"$d" -ge 1
		fi
		sc_stop c
		sc_stop s
	done

	# ---- advmss -----------------------------------------------------------
	for end in server client; do
		for mss in 1000 ""; do
			if [ $end = server ]; then
				route "$NS_B" "$ADDR_A" ${mss:+advmss "$mss"}
				other=c
			else
				route "$NS_A" "$ADDR_B" ${mss:+advmss "$mss"}
				other=s
			fi
			pair "$sp"
			sc $other "info snd_mss"
			want=1448
			[ -n "$mss" ] && want=988
			tap_is "$name, advmss ${mss:-unset} at the $end: the other end sends $want-byte segments" \
				"$R" "ok $want"
			sc_stop c
			sc_stop s
		done
		route "$NS_A" "$ADDR_B"
		route "$NS_B" "$ADDR_A"
	done

	# ---- features ecn -------------------------------------------------------
	knob "$NS_A" "$sp" ecn 0
	for f in ecn ""; do
		route "$NS_A" "$ADDR_B" ${f:+features "$f"}
		pair "$sp"
		sc c "info ecn"
		if [ -n "$f" ]; then
			tap_is "$name, ecn 0, features ecn: ECN agreed" "$R" "ok 1"
		else
			tap_is "$name, ecn 0, no features: no ECN" "$R" "ok 0"
		fi
		sc_stop c
		sc_stop s
	done
	knob "$NS_A" "$sp" ecn 1
	# at the listener, from an entry of its SYN queue (syncookies 1)
	# and from a cookie (2); the client asks under ecn 1
	knob "$NS_B" "$sp" ecn 0
	for ck in 1 2; do
		knob "$NS_B" "$sp" syncookies $ck
		for fam in 4 6; do
			for f in ecn ""; do
				if [ $fam = 4 ]; then
					route "$NS_B" "$ADDR_A" ${f:+features "$f"}
					pair "$sp"
				else
					route "$NS_B" "$ADDR6_A" ${f:+features "$f"}
					pair6 "$sp"
				fi
				sc s "info ecn"
				what="$name, IPv$fam, syncookies $ck, listener under ecn 0"
				if [ -n "$f" ]; then
					tap_is "$what, features ecn: ECN agreed" "$R" "ok 1"
				else
					tap_is "$what, no features: no ECN" "$R" "ok 0"
				fi
				sc_stop c
				sc_stop s
			done
			route "$NS_B" "$ADDR_A"
			route "$NS_B" "$ADDR6_A"
		done
	done
	knob "$NS_B" "$sp" syncookies 1
	knob "$NS_B" "$sp" ecn 2
	knob "$NS_A" "$sp" ecn 2

	# ---- initrwnd ---------------------------------------------------------
	route "$NS_A" "$ADDR_B" initrwnd 4
	route "$NS_B" "$ADDR_A" initrwnd 4
	cap_start "$NS_A" "$TMP/syn.pcap" "tcp[tcpflags] & tcp-syn != 0" || true
	pair "$sp"
	sc_stop c
	sc_stop s
	cap_stop
	tap_diag "$name, initrwnd 4: $(tcpdump -n -r "$TMP/syn.pcap" 2>/dev/null | sed 's/.*Flags/Flags/' | tr '\n' '|')"
	tap_is "$name, initrwnd 4: the client's SYN offers 5840 bytes" \
		"$(cap_count "$TMP/syn.pcap" "$ADDR_A\.[0-9]+ > .*Flags \[S[E.W]*\],.* win 5840,")" 1
	tap_is "$name, initrwnd 4: the server's SYN-ACK offers 5792" \
		"$(cap_count "$TMP/syn.pcap" "$ADDR_B\.$PORT > .*Flags \[S\.[EW]*\],.* win 5792,")" 1
	route "$NS_A" "$ADDR_B"
	route "$NS_B" "$ADDR_A"

	# ---- window -----------------------------------------------------------
	for w in 8000 ""; do
		tag="$name, window ${w:-unset}"
		route "$NS_A" "$ADDR_B" ${w:+window "$w"}
		route "$NS_B" "$ADDR_A" ${w:+window "$w"}
		CAP_SNAPLEN=120 cap_start "$NS_A" "$TMP/win.pcap" \
			"tcp port $((PORT + 1))" || true
		pair "$sp"
		sc_send s "recv 200000"
		sc c "send 200000"
		sc_get s
		r1=$R
		sc_send c "recv 200000"
		sc s "send 200000"
		sc_get c
		expect "$tag: 200 kB arrive each way" "ok 200000" "$r1" "$R"
		sc_stop c
		sc_stop s
		cap_stop
		read -r csyn cws cwin ssyn sws swin <<< "$(windows "$TMP/win.pcap")"
		tap_diag "$tag: the client's SYN offers $csyn (scale $cws), then up to $cwin; the server's SYN-ACK $ssyn (scale $sws), then up to $swin"
		if [ -z "$w" ]; then
			tap_num "$tag: the client offers more than 8000 bytes ($cwin)" \
				"$cwin" -gt 8000
			tap_num "$tag: and so does the server ($swin)" \
				"$swin" -gt 8000
			# 64 kB in whole segments, as Linux quantizes them
			tap_is "$tag: the SYN offers 64240 bytes, 44 x 1460, the SYN-ACK 65160, 45 x 1448" \
				"$csyn $ssyn" "64240 65160"
			continue
		fi
		tap_is "$tag: the client's SYN offers 8000 bytes at most, unscaled" \
			"$([ "$csyn" -le 8000 ] && echo "ok, scale $cws")" "ok, scale 0"
		tap_num "$tag: the server's SYN-ACK offers 8000 bytes at most ($ssyn)" \
			"$ssyn" -le 8000
		if is_linux "$sp"; then
			# receive-buffer tuning sets Linux's clamp anew from
			# the buffer (tcp_rcv_space_adjust()): only the scale
			# of 0 still bounds it
			tap_num "$tag: Linux's client offers 65535 at most later ($cwin)" \
				"$cwin" -le 65535
			tap_num "$tag: and so does its server ($swin)" \
				"$swin" -le 65535
		else
			# 8000 as the scale can say it: the listener keeps the
			# scale its SYN queue chose
			tap_num "$tag: the client offers 8000 bytes at most later ($cwin)" \
				"$cwin" -le 8000
			tap_num "$tag: and so does the server ($swin)" \
				"$swin" -le $(( (8000 + (1 << sws) - 1) >> sws << sws ))
		fi
	done
	route "$NS_A" "$ADDR_B"
	route "$NS_B" "$ADDR_A"

	# ---- fastopen_no_cookie -------------------------------------------------
	knob "$NS_B" "$sp" fastopen $((0x203))
	for nc in 1 ""; do
		# no cookie kept from before
		metrics_flush "$NS_A" "$sp"
		route "$NS_A" "$ADDR_B" ${nc:+fastopen_no_cookie "$nc"}
		PORT=$((PORT + 1))
		sc_start s "$NS_B" "$sp"
		sc s "listen $ADDR_B:$PORT"
		sc s "lsockopt fastopen 16"
		sc_start c "$NS_A" "$sp"
		sc c "sendto-fo $ADDR_B:$PORT 1000"
		expect "$name, fastopen_no_cookie ${nc:-unset}: sendto(MSG_FASTOPEN)" "ok 1000" "$R"
		sc s accept
		sc s "info syn_data"
		if [ -n "$nc" ]; then
			tap_is "$name, fastopen_no_cookie 1: data on the SYN without a cookie" "$R" "ok 1"
		else
			tap_is "$name, fastopen_no_cookie unset: no data on the SYN without a cookie" "$R" "ok 0"
		fi
		sc s "recv 1000"
		expect "$name, fastopen_no_cookie ${nc:-unset}: the 1000 bytes arrive" "ok 1000" "$R"
		sc_stop c
		sc_stop s
	done
	knob "$NS_B" "$sp" fastopen 1
	route "$NS_A" "$ADDR_B"
done

tap_finish

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_keepalive - keepalive, TCP_USER_TIMEOUT and the orphan FIN-WAIT-2
# timeout, with short values, for atcp and, as the reference, Linux TCP:
#
#  - a silent peer (netem loss 100% on its egress): with keepalive_time 3,
#    keepalive_intvl 1, keepalive_probes 3 from the sysctls, the idle
#    connection sends three probes one second apart, then fails the
#    blocked recv() with ETIMEDOUT about 6 s after it went idle; the
#    probes are counted on the wire (keepalive_time leaves the set-up of
#    netem and the capture, slow on a busy machine, time to finish before
#    the first probe);
#  - the same with the sysctls at their defaults and TCP_KEEPIDLE 1,
#    TCP_KEEPINTVL 1, TCP_KEEPCNT 2 on the socket: ETIMEDOUT after ~3 s;
#  - a live idle peer: the connection survives many probe rounds and
#    still carries data;
#  - a peer that lost its state (its RST on close was dropped): the next
#    probe draws a RST, recv() fails with ECONNRESET;
#  - TCP_USER_TIMEOUT 2000 ms aborts a connection whose data the silent
#    peer never acknowledges: ETIMEDOUT when the 2 s run out, not at the
#    next backed-off RTO (3 s), nor after retries2;
#  - fin_timeout 2: an orphan in FIN-WAIT-2, whose peer never closes, is
#    gone a few seconds later;
#  - TCP_LINGER2 overrides fin_timeout (60) for its socket: a socket in
#    FIN-WAIT-2 (shut down for writing, its FIN acknowledged) that is
#    then closed is gone within 3 s with 1; with -1 it does not wait at
#    all, it resets the connection (AbortOnLinger, Linux's
#    TCPAbortOnLinger); getsockopt() reads 1, -1, and fin_timeout when
#    it is unset;
#  - a peer whose namespace is deleted (with its link): the probes find
#    no route, and the idle connection fails with ETIMEDOUT.
#
# The "atcp" protocol is $ATCP_PROTO (default 253).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_conn.sh"

sc_topic keepalive 20

# abort_on_linger SP: orphans reset under a negative TCP_LINGER2 in $NS_A
abort_on_linger()
{
	if [ "$1" = 0 ]; then
		linux_tcpext "$NS_A" TCPAbortOnLinger
	else
		atcp_stat "$NS_A" AbortOnLinger
	fi
}

unpair()
{
	sc_stop c
	sc_stop s
	netem_egress "$NS_B"
}

# probes FILE: keepalive probes in a capture of A's segments: pure ACKs.
probes()
{
	cap_count "$1" 'Flags \[\.\], ack [0-9]+, win [0-9]+(, options \[[^]]*\])?, length 0'
}

# probe_gaps FILE: milliseconds between A's successive segments (the
# probes, then the RST) in a capture.
probe_gaps()
{
	tcpdump -n -tt -r "$1" 2>/dev/null |
		awk '{ t = $1 * 1000; if (NR > 1) printf "%d ", t - last; last = t }'
}

# gaps_near GAPS MS: every gap within 30% of MS, and at least one gap.
gaps_near()
{
	local g n=0

	for g in $1; do
		[ "$g" -ge $(( $2 * 7 / 10 )) ] && [ "$g" -le $(( $2 * 13 / 10 )) ] ||
			return 1
		n=$((n + 1))
	done
	[ $n -gt 0 ]
}

# ka_sysctls NS PROTO TIME INTVL PROBES
ka_sysctls()
{
	knob "$1" "$2" keepalive_time "$3"
	knob "$1" "$2" keepalive_intvl "$4"
	knob "$1" "$2" keepalive_probes "$5"
}

port=25000

for cp in "$P" 0; do
	name=$(proto_name "$cp")

	# ---- silent peer, sysctls ----------------------------------------
	tag="$name keepalive 3/1/3 (sysctls), silent peer"
	ka_sysctls "$NS_A" "$cp" 3 1 3
	sc_pair "$cp" "$cp" $port
	tap_result $((1 - ALIVE)) "$tag: connection established"
	if [ $ALIVE = 1 ]; then
		sc c "sockopt keepalive 1"
		expect "$tag: SO_KEEPALIVE" "ok" "$R"
		netem_egress "$NS_B" loss 100%
		cap=$TMP/ka.$port.pcap
		cap_start "$NS_B" "$cap" "tcp and src host $ADDR_A and dst port $port"
		timed c "recv 1"
		cap_stop
		expect "$tag: recv() fails with ETIMEDOUT" "err ETIMEDOUT*" "$R"
		# 6 s from the last segment, less the set-up since then
		between "$tag: after 3 s idle and 3 probes 1 s apart" "$MS" 3000 9000
		tcpdump -n -r "$cap" 2>/dev/null | sed 's/^/# /'
		tap_is "$tag: three probes on the wire" "$(probes "$cap")" 3
		gaps=$(probe_gaps "$cap")
		tap_diag "$tag: gaps between the probes and the RST (ms): $gaps"
		tap_result "$(gaps_near "$gaps" 1000 && echo 0 || echo 1)" \
			"$tag: one keepalive_intvl (1 s) apart"
		tap_is "$tag: then a RST" "$(cap_count "$cap" 'Flags \[R')" 1
	else
		no_connection "$tag" "SO_KEEPALIVE" "recv() fails with ETIMEDOUT" \
			 "after 3 s idle and 3 probes 1 s apart" \
			 "three probes on the wire" "then a RST" \
			 "one keepalive_intvl (1 s) apart"
	fi
	unpair
	ka_sysctls "$NS_A" "$cp" 7200 75 9
	port=$((port + 1))

	# ---- silent peer, socket options -----------------------------------
	tag="$name TCP_KEEPIDLE 1, TCP_KEEPINTVL 1, TCP_KEEPCNT 2, silent peer"
	sc_pair "$cp" "$cp" $port
	tap_result $((1 - ALIVE)) "$tag: connection established"
	if [ $ALIVE = 1 ]; then
		sc c "sockopt keepidle 1 ; sockopt keepintvl 1 ; sockopt keepcnt 2 ; sockopt keepalive 1"
		r1=$R
		sc_get c
		r2=$R
		sc_get c
		r3=$R
		sc_get c
		expect "$tag: options set" "ok" "$r1" "$r2" "$r3" "$R"
		netem_egress "$NS_B" loss 100%
		timed c "recv 1"
		expect "$tag: recv() fails with ETIMEDOUT" "err ETIMEDOUT*" "$R"
		between "$tag: the socket's values override the sysctls" \
			"$MS" 1000 6000
	else
		no_connection "$tag" "options set" "recv() fails with ETIMEDOUT" \
			 "the socket's values override the sysctls"
	fi
	unpair
	port=$((port + 1))

	# ---- live idle peer -------------------------------------------------
	tag="$name keepalive 1/1/2, live idle peer"
	ka_sysctls "$NS_A" "$cp" 1 1 2
	sc_pair "$cp" "$cp" $port
	tap_result $((1 - ALIVE)) "$tag: connection established"
	if [ $ALIVE = 1 ]; then
		cap=$TMP/ka.$port.pcap
		cap_start "$NS_B" "$cap" "tcp and src host $ADDR_A and dst port $port"
		sc c "sockopt keepalive 1"
		sc c "sleep 6000"
		cap_stop
		n=$(probes "$cap")
		tap_diag "$tag: $n probes in 6 s"
		tap_result "$([ "$n" -ge 4 ] && echo 0 || echo 1)" \
			"$tag: probed every second (at least 4 probes in 6 s)"
		sc c "sockerr"
		expect "$tag: no error after six idle seconds" "ok 0" "$R"
		sc_send c "send 1000"
		sc s "recv 1000"
		r1=$R
		sc_get c
		expect "$tag: the connection still carries data" "ok 1000" "$r1" "$R"
	else
		no_connection "$tag" "probed every second (at least 4 probes in 6 s)" \
			 "no error after six idle seconds" \
			 "the connection still carries data"
	fi
	unpair
	port=$((port + 1))

	# ---- peer without state ------------------------------------------
	tag="$name keepalive 1/1/2, peer lost its state"
	sc_pair "$cp" "$cp" $port
	tap_result $((1 - ALIVE)) "$tag: connection established"
	if [ $ALIVE = 1 ]; then
		sc c "sockopt keepalive 1"
		netem_egress "$NS_B" loss 100%
		sc s "linger0 ; close"	# the RST is lost: the client never knows
		sc_get s
		netem_egress "$NS_B"
		timed c "recv 1"
		expect "$tag: recv() fails with ECONNRESET" "err ECONNRESET*" "$R"
		between "$tag: at the first probe" "$MS" 0 4000
	else
		no_connection "$tag" \
			"recv() fails with ECONNRESET" \
			"at the first probe"
	fi
	unpair
	ka_sysctls "$NS_A" "$cp" 7200 75 9
	port=$((port + 1))

	# ---- TCP_USER_TIMEOUT ----------------------------------------------
	tag="$name TCP_USER_TIMEOUT 2000 ms, silent peer"
	sc_pair "$cp" "$cp" $port
	tap_result $((1 - ALIVE)) "$tag: connection established"
	if [ $ALIVE = 1 ]; then
		sc c "sockopt user_timeout 2000"
		expect "$tag: option set" "ok" "$R"
		netem_egress "$NS_B" loss 100%
		sc c "send 1000"
		timed c "recv 1"
		expect "$tag: recv() fails with ETIMEDOUT" "err ETIMEDOUT*" "$R"
		# 2 s, not the 3 s of the next backed-off RTO after it
		between "$tag: when the user timeout runs out" "$MS" 1500 2900
	else
		no_connection "$tag" "option set" "recv() fails with ETIMEDOUT" \
			 "when the user timeout runs out"
	fi
	unpair
	port=$((port + 1))

	# ---- fin_timeout ---------------------------------------------------
	tag="$name fin_timeout 2, orphan in FIN-WAIT-2"
	knob "$NS_A" "$cp" fin_timeout 2
	sc_pair "$cp" "$cp" $port
	tap_result $((1 - ALIVE)) "$tag: connection established"
	if [ $ALIVE = 1 ]; then
		sc c "close"
		wait_states "$tag: the closed end waits in FIN-WAIT-2" \
			"$NS_A" "$cp" $port FIN-WAIT-2 2
		wait_states "$tag: and is gone after fin_timeout" \
			"$NS_A" "$cp" $port "" 6
	else
		no_connection "$tag" \
			"the closed end waits in FIN-WAIT-2" \
			"and is gone after fin_timeout"
	fi
	unpair
	knob "$NS_A" "$cp" fin_timeout 60
	port=$((port + 1))

	# ---- TCP_LINGER2 -----------------------------------------------------
	for linger2 in 1 -1; do
		tag="$name TCP_LINGER2 $linger2 under fin_timeout 60, orphan in FIN-WAIT-2"
		sc_pair "$cp" "$cp" $port
		tap_result $((1 - ALIVE)) "$tag: connection established"
		if [ $ALIVE = 1 ]; then
			sc c "getsockopt linger2"
			expect "$tag: unset, it reads fin_timeout" "ok 60" "$R"
			sc c "sockopt linger2 $linger2"
			sc c "getsockopt linger2"
			expect "$tag: set, it reads back" "ok $linger2" "$R"
			aborts=$(abort_on_linger "$cp")
			sc c "shutdown wr"
			wait_states "$tag: shut down for writing, it waits in FIN-WAIT-2" \
				"$NS_A" "$cp" $port FIN-WAIT-2 2
			sc c "close"
			if [ "$linger2" = 1 ]; then
				wait_states "$tag: closed, it is gone within 3 s" \
					"$NS_A" "$cp" $port "" 3
				want=0
			else
				wait_states "$tag: closed, it is gone at once" \
					"$NS_A" "$cp" $port "" 1
				want=1
			fi
			tap_is "$tag: counted in AbortOnLinger (TCPAbortOnLinger): $want" \
				$(($(abort_on_linger "$cp") - aborts)) $want
		else
			no_connection "$tag" "unset, it reads fin_timeout" \
				"set, it reads back" "shut down for writing" \
				"closed, it is gone" "counted in AbortOnLinger"
		fi
		unpair
		port=$((port + 1))
	done
done

# ---- the peer's namespace goes away ----------------------------------------

# peer_ns: a new $NS_B joined to $NS_A, as topo_pair made it
peer_ns()
{
	ip netns add "$NS_B" || return 1
	ip -n "$NS_A" link add veth0 type veth peer name veth0 netns "$NS_B" ||
		return 1
	ip -n "$NS_B" link set lo up
	ip -n "$NS_A" addr add "$ADDR_A/24" dev veth0
	ip -n "$NS_B" addr add "$ADDR_B/24" dev veth0
	ip -n "$NS_A" link set veth0 up
	ip -n "$NS_B" link set veth0 up
}

for cp in "$P" 0; do
	tag="$(proto_name "$cp") keepalive 1/1/2, the peer's namespace is deleted"
	ka_sysctls "$NS_A" "$cp" 1 1 2
	sc_pair "$cp" "$cp" $port
	tap_result $((1 - ALIVE)) "$tag: connection established"
	if [ $ALIVE = 1 ]; then
		sc c "sockopt keepalive 1"
		# the peer's socket goes without a word (its RST is dropped), so
		# nothing holds its namespace: deleting it takes the link too
		netem_egress "$NS_B" loss 100%
		sc s "linger0"
		sc_stop s
		ip netns del "$NS_B"
		# the namespace is dismantled by a kernel worker, soon after
		for _ in $(seq 30); do
			ip -n "$NS_A" link show veth0 >/dev/null 2>&1 || break
			sleep 0.1
		done
		tap_result "$(ip -n "$NS_A" link show veth0 >/dev/null 2>&1 && echo 1 || echo 0)" \
			"$tag: the link is gone with the namespace"
		timed c "recv 1"
		expect "$tag: recv() fails with ETIMEDOUT" "err ETIMEDOUT*" "$R"
		between "$tag: after the idle time and two probes" "$MS" 0 6000
	else
		no_connection "$tag" \
			"the link is gone with the namespace" \
			"recv() fails with ETIMEDOUT" \
			"after the idle time and two probes"
	fi
	sc_stop c
	ip netns del "$NS_B" 2>/dev/null
	peer_ns || tap_diag "could not rebuild $NS_B"
	ka_sysctls "$NS_A" "$cp" 7200 75 9
	port=$((port + 1))
done

tap_finish

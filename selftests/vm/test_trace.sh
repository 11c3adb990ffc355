#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_trace - the atcp:atcp_set_state tracepoint: an atcp client and an
# atcp server open a connection and close it, the client first, with the
# event enabled through tracefs; the trace must hold the exact sequence of
# states of each socket:
#
#   client:   CLOSE -> SYN_SENT -> ESTABLISHED -> FIN_WAIT1 -> FIN_WAIT2
#             -> TIME_WAIT -> CLOSE (the socket goes, an entry stays)
#   server:   LISTEN -> SYN_RECV -> ESTABLISHED -> CLOSE_WAIT -> LAST_ACK
#             -> CLOSE
#   listener: CLOSE -> LISTEN -> CLOSE
#
# over IPv4 and over IPv6 (the addresses in saddrv6 and daddrv6, IPv4 ones
# v4-mapped, as Linux's sock:inet_sock_set_state has them), and perf
# counts the same event.  The "atcp" protocol is $ATCP_PROTO.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_conn.sh"

sc_topic trace 10
atcp_only "no atcp tracepoint"
tracing=/sys/kernel/tracing
[ -d $tracing/events ] || mount -t tracefs nodev $tracing 2>/dev/null
ev=$tracing/events/atcp/atcp_set_state
tap_ok "tracefs has events/atcp/atcp_set_state" test -d "$ev"
port=29000

# states SEL: the oldstate>newstate pairs of the trace lines matching the
# awk condition SEL (on the fields: f["saddrv6"], f["dport"], ...), in order,
# on one line
states_of()
{
	awk "/atcp_set_state:/ {
		for (i = 1; i <= NF; i++) { split(\$i, kv, \"=\"); f[kv[1]] = kv[2] }
		if ($1) printf \"%s>%s \", substr(f[\"oldstate\"], 5), substr(f[\"newstate\"], 5)
	}" "$TMP/trace" | sed 's/ $//'
}

# traced DST SRC: with the event on, an atcp connection to DST (ADDR:PORT)
# from the client at address SRC opens and closes, the client first; then
# the test points on the trace of the three sockets.
traced()
{
	local dst=$1 src=$2 fam=AF_INET how=""

	[[ $dst == \[* ]] && fam=AF_INET6 how="IPv6: "
	echo 0 > "$ev/enable" 2>/dev/null
	echo > $tracing/trace
	echo "sport == $port || dport == $port" > "$ev/filter"
	echo 1 > "$ev/enable"
	sc_start c "$NS_A" "$P"
	sc_start s "$NS_B" "$P"
	sc s "listen $dst"
	sc c "connect $dst"
	sc s "accept"
	sc c "close"
	sc s "recv-eof ; close ; close-listener"
	sc_get s
	sc_get s
	expect "${how}the connection opens and closes" ok "$R"
	wait_states "${how}the client's end is in TIME-WAIT" "$NS_A" "$P" $port TIME-WAIT 5
	echo 0 > "$ev/enable"
	cp $tracing/trace "$TMP/trace"
	echo 0 > "$ev/filter"
	grep 'atcp_set_state:' "$TMP/trace" | sed 's/^ */# /'

	tap_is "${how}client: the states of an active open and close" \
		"$(states_of "f[\"saddrv6\"] == \"$src\"")" \
		"CLOSE>SYN_SENT SYN_SENT>ESTABLISHED ESTABLISHED>FIN_WAIT1 FIN_WAIT1>FIN_WAIT2 FIN_WAIT2>TIME_WAIT TIME_WAIT>CLOSE"
	tap_is "${how}server: the states of a passive open and close" \
		"$(states_of "f[\"daddrv6\"] == \"$src\" && f[\"dport\"] != 0")" \
		"LISTEN>SYN_RECV SYN_RECV>ESTABLISHED ESTABLISHED>CLOSE_WAIT CLOSE_WAIT>LAST_ACK LAST_ACK>CLOSE"
	tap_is "${how}listener: listen and close" \
		"$(states_of "f[\"dport\"] == 0")" "CLOSE>LISTEN LISTEN>CLOSE"
	tap_is "${how}every line has family=$fam and protocol=$P" \
		"$(states_of "f[\"family\"] != \"$fam\" || f[\"protocol\"] != \"$P\"")" ""
	sc_stop c
	sc_stop s
}

traced "$ADDR_B:$port" "::ffff:$ADDR_A"
port=$((port + 1))
traced "[$ADDR6_B]:$port" "$ADDR6_A"

# perf counts the same event for a connection in a namespace of its own.
if command -v perf > /dev/null; then
	port=$((port + 1))
	sc_start s "$NS_B" "$P"
	sc s "listen $ADDR_B:$port"
	out=$(perf stat -x, -e atcp:atcp_set_state -a -- \
		ip netns exec "$NS_A" "$SOCKCTL" -p "$P" -t 5 \
		<<< "connect $ADDR_B:$port" 2>&1 >/dev/null)
	tap_diag "perf: $out"
	n=$(printf '%s\n' "$out" | awk -F, '/atcp:atcp_set_state/ { print $1 }')
	# connect: CLOSE>SYN_SENT>ESTABLISHED; exit: ESTABLISHED>FIN_WAIT1;
	# the server's child: LISTEN>SYN_RECV>ESTABLISHED; more may follow
	tap_result "$([[ $n =~ ^[0-9]+$ ]] && [ "$n" -ge 5 ] && echo 0 || echo 1)" \
		"perf stat -e atcp:atcp_set_state counts the changes of a connection (${n:-none})"
	sc_stop s
else
	tap_skip "perf is not installed"
fi

tap_finish

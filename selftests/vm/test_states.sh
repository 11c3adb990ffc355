#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_states - every state an atcp socket can be listed in, caught in
# /proc/net/atcp and in atcp-ss while it exists (CLOSED, the eleventh,
# is a socket no table holds, so nothing lists it).  atcp runs in $NS_A,
# a Linux TCP peer in $NS_B; netem delays what a side sends by 1.5 s
# where a state would otherwise pass too quickly to be seen:
#
#   LISTEN       an atcp listener
#   SYN-SENT     connect() to an address whose SYNs the peer drops
#   SYN-RECV     the Linux client's third ACK is delayed
#   ESTAB        then it comes
#   FIN-WAIT-1   atcp shuts down writing; the peer's ACK is delayed
#   FIN-WAIT-2   it comes: a half-close
#   TIME-WAIT    the peer closes too
#   CLOSE-WAIT   the peer shuts down writing first
#   LAST-ACK     atcp closes then; the peer's ACK is delayed
#   CLOSING      both shut down at the same moment, both directions
#                delayed: each FIN arrives before the ACK of the other's
#
# The "atcp" protocol is $ATCP_PROTO (default 253).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_conn.sh"

sc_topic states 10
atcp_only "this topic reads /proc/net/atcp"
SS=$ATCP_TOP/scripts/atcp-ss
modprobe sch_netem 2>/dev/null
NOBODY=198.18.0.99
mac_b=$(veth_mac "$NS_B")
ip -n "$NS_A" neigh add "$NOBODY" lladdr "$mac_b" dev veth0 nud permanent
# How long a delayed segment keeps a state: atcp-ss, a Python program,
# may take a second to start on a busy machine.
DELAY=3000

# ss_states PORT: the states atcp-ss shows in NS_A on local or peer PORT
ss_states()
{
	ip netns exec "$NS_A" "$SS" -H | awk -v p=":$1" '
		substr($4, length($4) - length(p) + 1) == p ||
		substr($5, length($5) - length(p) + 1) == p { print $1 }' |
		sort | tr '\n' ' ' | sed 's/ $//'
}

# poll_ss STATE PORT END: atcp-ss until it shows STATE on PORT or the
# clock passes END (ms); prints what it saw last, status 0 if STATE
poll_ss()
{
	local ss=""

	while [ "$(now_ms)" -le "$3" ]; do
		ss=$(ss_states "$2")
		if [[ " $ss " == *" $1 "* ]]; then
			echo "$ss"
			return 0
		fi
		sleep 0.05
	done
	echo "$ss"
	return 1
}

# see STATE PORT SECS: two points, passing once /proc/net/atcp and
# atcp-ss show an atcp socket of NS_A on PORT in STATE, within SECS
see()
{
	local want=$1 port=$2 end=$(( $(now_ms) + $3 * 1000 )) proc="" ss
	local got_proc=1 got_ss=1 ss_pid

	# atcp-ss, a Python program, may take seconds to start under load:
	# it is polled beside /proc/net/atcp, not between two reads of it,
	# or a short state could pass while the cheap view waits.
	poll_ss "$want" "$port" "$end" > "$TMP/see.ss" &
	ss_pid=$!
	while [ "$(now_ms)" -le "$end" ]; do
		proc=$(states "$NS_A" "$P" "$port")
		if [[ " $proc " == *" $want "* ]]; then
			got_proc=0
			break
		fi
		sleep 0.05
	done
	wait "$ss_pid" && got_ss=0
	ss=$(cat "$TMP/see.ss")
	[ $got_proc = 0 ] || tap_diag "/proc/net/atcp on port $port: '$proc', want $want"
	[ $got_ss = 0 ] || tap_diag "atcp-ss on port $port: '$ss', want $want"
	tap_result $got_proc "$want in /proc/net/atcp"
	tap_result $got_ss "$want in atcp-ss"
}

# delay NS MS: netem delay on NS's veth0 (0: none)
delay()
{
	ip netns exec "$1" tc qdisc del dev veth0 root 2>/dev/null
	[ "$2" = 0 ] || ip netns exec "$1" tc qdisc add dev veth0 root netem delay "$2ms"
}

# ---- LISTEN, SYN-SENT ------------------------------------------------------------

sc_start l "$NS_A" "$P"
sc l "listen $ADDR_A:31000"
see LISTEN 31000 2
sc_start c "$NS_A" "$P"
sc c "connect-nb $NOBODY:31001"
see SYN-SENT 31001 3
sc_stop c

# ---- SYN-RECV, ESTAB, FIN-WAIT-1, FIN-WAIT-2, TIME-WAIT -----------------------------

sc_start p "$NS_B" 0
delay "$NS_B" $DELAY
sc p "connect-nb $ADDR_A:31000"
see SYN-RECV 31000 7
sc l accept
see ESTAB 31000 1
sc p wait-connect
sc l "shutdown wr"
see FIN-WAIT-1 31000 4
see FIN-WAIT-2 31000 7
delay "$NS_B" 0
sc p "recv-eof ; close"
see TIME-WAIT 31000 3
sc_stop p

# ---- CLOSE-WAIT, LAST-ACK -----------------------------------------------------------

sc l "listen $ADDR_A:31002"
sc_start p "$NS_B" 0
sc p "connect $ADDR_A:31002"
sc l accept
sc p "shutdown wr"
see CLOSE-WAIT 31002 3
delay "$NS_B" $DELAY
sc l close
see LAST-ACK 31002 4
delay "$NS_B" 0
sc_stop p

# ---- CLOSING ------------------------------------------------------------------------

sc l "listen $ADDR_A:31003"
sc_start p "$NS_B" 0
sc p "connect $ADDR_A:31003"
sc l accept
delay "$NS_A" $DELAY
delay "$NS_B" $DELAY
at=$(( $(now_ms) + 500 ))
sc_send l "at $at shutdown wr"
sc_send p "at $at shutdown wr"
see CLOSING 31003 7
sc_get l
sc_get p
delay "$NS_A" 0
delay "$NS_B" 0
sc_stop p
sc_stop l

tap_finish

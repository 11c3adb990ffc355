#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_ss_states - the RFC 9293 states a Linux TCP peer passes through while
# it opens and closes a connection with atcp, as ss(8) shows them, with
# atcp's own view from /proc/net/atcp beside it.
#
# atcp runs in $NS_A, Linux TCP in $NS_B; netem delays everything atcp sends
# by 1.5 s, so that the Linux side's short-lived states (SYN-RECV, SYN-SENT,
# FIN-WAIT-1, LAST-ACK) last long enough to be seen.
#
#  1. Linux server, atcp client, atcp closes first:
#     LISTEN, SYN-RECV, ESTAB, CLOSE-WAIT (atcp: FIN-WAIT-2), LAST-ACK,
#     gone (atcp: TIME-WAIT).
#  2. Linux client, atcp server, Linux closes first:
#     SYN-SENT, ESTAB, FIN-WAIT-1, FIN-WAIT-2 (atcp: CLOSE-WAIT), still
#     FIN-WAIT-2 while atcp keeps its side open, TIME-WAIT (atcp: gone).
#
# The "atcp" protocol is $ATCP_PROTO (default 253); ATCP_PROTO=6 runs the
# same test with Linux TCP on both sides.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_conn.sh"

P=$ATCP_PROTO
BUILD=$ATCP_TOP/selftests/vm/build
SOCKCTL=$BUILD/tool_sockctl
T=5				# limit of every blocking call in tool_sockctl
DELAY=1500			# ms of netem delay on atcp's side: the transient
				# states last that long, several ss calls in TCG
TMP=$(mktemp -d /tmp/atcp-ss.XXXXXX)
PIDS=()
declare -A SC_IN SC_OUT SC_PID
ALIVE=1				# the connection under test exists
R=""				# the last reply of a tool_sockctl
SC_EARLY=""			# a reply seen() took early

trap cleanup EXIT

# ---- tool_sockctl processes --------------------------------------------------

# ---- connection states ---------------------------------------------------

# seen DESC NS PROTO PORT STATE SECS [SC]: one test point, passing once
# STATE is among the states on PORT within SECS (for transient states).
# With SC, stop early when that tool_sockctl replied with an error (its
# reply is kept in SC_EARLY).
seen()
{
	local desc=$1 ns=$2 proto=$3 port=$4 want=$5 secs=$6 sc=${7:-} end got

	SC_EARLY=""
	if [ "$ALIVE" != 1 ]; then
		tap_result 1 "$desc (no connection)"
		return 1
	fi
	end=$(( $(now_ms) + secs * 1000 ))
	while :; do
		got=$(states "$ns" "$proto" "$port")
		[[ " $got " == *" $want "* ]] && break
		if [ -n "$sc" ] && [ -z "$SC_EARLY" ] &&
		   read -r -t 0 -u "${SC_OUT[$sc]}"; then
			sc_get "$sc"
			SC_EARLY=$R
		fi
		if [[ $SC_EARLY == err* ]] || [ "$(now_ms)" -gt "$end" ]; then
			tap_diag "states on port $port ($(where "$proto")): '$got', want '$want' among them"
			break
		fi
		sleep 0.02
	done
	tap_result "$([[ " $got " == *" $want "* ]] && echo 0 || echo 1)" "$desc"
}

# reply_of SC: the reply to a command sent with sc_send, unless seen()
# already took it.
reply_of()
{
	if [ -n "$SC_EARLY" ]; then
		R=$SC_EARLY
		SC_EARLY=""
	else
		sc_get "$1"
	fi
}

if ! topo_pair; then
	tap_result 1 "topology: two namespaces joined by veth"
	tap_finish
fi
trap cleanup EXIT
modprobe sch_netem 2>/dev/null
tap_diag "atcp protocol $P; netem delay ${DELAY}ms on atcp's side"
tap_ok "netem delay ${DELAY}ms on the atcp side's veth0" \
	ip netns exec "$NS_A" tc qdisc add dev veth0 root netem delay ${DELAY}ms

# ---- 1. Linux server, atcp client, atcp closes first -----------------------
port=23001
tag="Linux server, atcp client"
sc_start lx "$NS_B" 0
sc_start at "$NS_A" "$P"

sc lx "listen $ADDR_B:$port"
[ "$R" = ok ] || tap_diag "Linux listen(): '$R'"
wait_states "$tag: Linux side LISTEN (ss)" "$NS_B" 0 $port LISTEN 2

sc_send at "connect $ADDR_B:$port"
seen "$tag: Linux side SYN-RECV while atcp's ACK of the SYN-ACK is on its way" \
	"$NS_B" 0 $port SYN-RECV 5 at
reply_of at
expect "$tag: atcp's connect() succeeds" ok "$R"
[ "$R" = ok ] || ALIVE=0
wait_states "$tag: Linux side ESTAB once atcp's ACK arrives (ss)" \
	"$NS_B" 0 $port "ESTAB LISTEN" 5
R="(not tried: no connection)"
[ "$ALIVE" = 1 ] && sc lx "accept"
expect "$tag: the Linux server accepts atcp's connection" "ok $ADDR_A:*" "$R"
[[ $R == ok* ]] || ALIVE=0
sc lx "close-listener"
wait_states "$tag: atcp side ESTAB ($(where "$P"))" "$NS_A" "$P" $port ESTAB 5

sc_send at "send 1000"
sc lx "recv 1000"
r1=$R
sc_get at
expect "$tag: data atcp -> Linux" "ok 1000" "$r1" "$R"
sc_send lx "send 1000"
sc at "recv 1000"
r1=$R
sc_get lx
expect "$tag: data Linux -> atcp" "ok 1000" "$r1" "$R"

sc at "close"
[ "$R" = ok ] || tap_diag "atcp close(): '$R'"
wait_states "$tag: Linux side CLOSE-WAIT after atcp's FIN (ss)" \
	"$NS_B" 0 $port CLOSE-WAIT 5
sc lx "recv-eof"
expect "$tag: the Linux application reads EOF" ok "$R"
wait_states "$tag: atcp side FIN-WAIT-2 once Linux ACKed its FIN ($(where "$P"))" \
	"$NS_A" "$P" $port FIN-WAIT-2 5
sleep 1
wait_states "$tag: Linux side still CLOSE-WAIT a second later (ss)" \
	"$NS_B" 0 $port CLOSE-WAIT 0
sc_send lx "close"
seen "$tag: Linux side LAST-ACK after its close() until atcp ACKs the FIN (ss)" \
	"$NS_B" 0 $port LAST-ACK 5 lx
reply_of lx
[ "$R" = ok ] || tap_diag "Linux close(): '$R'"
wait_states "$tag: Linux side gone after atcp's ACK, no TIME-WAIT (ss)" \
	"$NS_B" 0 $port "" 5
wait_states "$tag: atcp side TIME-WAIT ($(where "$P"))" \
	"$NS_A" "$P" $port TIME-WAIT 5
sc_stop lx
sc_stop at

# ---- 2. Linux client, atcp server, Linux closes first ----------------------
port=23002
tag="Linux client, atcp server"
ALIVE=1
sc_start lx "$NS_B" 0
sc_start at "$NS_A" "$P"

sc at "listen $ADDR_A:$port"
expect "$tag: the atcp server listens" ok "$R"
[ "$R" = ok ] || ALIVE=0
wait_states "$tag: atcp side LISTEN ($(where "$P"))" "$NS_A" "$P" $port LISTEN 2

sc_send lx "connect $ADDR_A:$port"
seen "$tag: Linux side SYN-SENT until atcp's SYN-ACK arrives (ss)" \
	"$NS_B" 0 $port SYN-SENT 5 lx
reply_of lx
expect "$tag: Linux's connect() succeeds" ok "$R"
[ "$R" = ok ] || ALIVE=0
wait_states "$tag: Linux side ESTAB (ss)" "$NS_B" 0 $port ESTAB 2
R="(not tried: no connection)"
[ "$ALIVE" = 1 ] && sc at "accept"
expect "$tag: the atcp server accepts Linux's connection" "ok $ADDR_B:*" "$R"
[[ $R == ok* ]] || ALIVE=0
sc at "close-listener"
wait_states "$tag: atcp side ESTAB ($(where "$P"))" "$NS_A" "$P" $port ESTAB 5

sc_send at "send 1000"
sc lx "recv 1000"
r1=$R
sc_get at
expect "$tag: data atcp -> Linux" "ok 1000" "$r1" "$R"
sc_send lx "send 1000"
sc at "recv 1000"
r1=$R
sc_get lx
expect "$tag: data Linux -> atcp" "ok 1000" "$r1" "$R"

sc_send lx "close"
seen "$tag: Linux side FIN-WAIT-1 after its close() until atcp ACKs the FIN (ss)" \
	"$NS_B" 0 $port FIN-WAIT-1 5 lx
reply_of lx
[ "$R" = ok ] || tap_diag "Linux close(): '$R'"
wait_states "$tag: Linux side FIN-WAIT-2 once atcp ACKed the FIN (ss)" \
	"$NS_B" 0 $port FIN-WAIT-2 5
wait_states "$tag: atcp side CLOSE-WAIT ($(where "$P"))" \
	"$NS_A" "$P" $port CLOSE-WAIT 5
sc at "recv-eof"
expect "$tag: the atcp application reads EOF" ok "$R"
sleep 1
wait_states "$tag: Linux side still FIN-WAIT-2 while atcp keeps its side open (ss)" \
	"$NS_B" 0 $port FIN-WAIT-2 0
sc at "close"
[ "$R" = ok ] || tap_diag "atcp close(): '$R'"
wait_states "$tag: Linux side TIME-WAIT after atcp's FIN (ss)" \
	"$NS_B" 0 $port TIME-WAIT 5
wait_states "$tag: atcp side gone after Linux's ACK of its FIN ($(where "$P"))" \
	"$NS_A" "$P" $port "" 5
sc_stop lx
sc_stop at

tap_finish

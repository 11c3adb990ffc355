#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_atcp_ss - scripts/atcp-ss, the ss -tan of atcp, on live sockets:
# an atcp listener, an atcp client and server half-closed (FIN-WAIT-2 and
# CLOSE-WAIT), and a TIME-WAIT entry; state and port filters, -l, -s
# counts, -o timers, -i details, and a clear error for a bad filter.
#
# The "atcp" protocol is $ATCP_PROTO (default 253).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_conn.sh"

sc_topic atcp_ss 5
atcp_only "atcp-ss reads /proc/net/atcp"
SS=$ATCP_TOP/scripts/atcp-ss
port=30000

# ss_in NS ARGS...: atcp-ss's output in NS, without the header
ss_in()
{
	local ns=$1

	shift
	ip netns exec "$ns" "$SS" -H "$@"
}

# a connection the client closes at once: a TIME-WAIT entry in NS_A
sc_start c "$NS_A" "$P"
sc_start s "$NS_B" "$P"
sc s "listen $ADDR_B:$port"
sc c "connect $ADDR_B:$((port))"
sc s "accept"
sc c "close"
sc s "recv-eof ; close"
sc_get s
expect "a first connection opens and closes" ok "$R"
sc_stop c
# a second one, half-closed by the client: FIN-WAIT-2 and CLOSE-WAIT
sc_start c "$NS_A" "$P"
sc c "connect $ADDR_B:$port"
sc s "accept"
sc c "shutdown wr"
sc s "recv-eof"
expect "a second connection is half-closed" ok "$R"
wait_states "the client's states settle" "$NS_A" "$P" $port "FIN-WAIT-2 TIME-WAIT" 5

tap_is "atcp-ss in the server's namespace: the listener and the half-closed child" \
	"$(ss_in "$NS_B" | awk '{ print $1 }' | sort | tr '\n' ' ')" "CLOSE-WAIT LISTEN "
tap_is "atcp-ss -l: the listener, on its address and port" \
	"$(ss_in "$NS_B" -l | awk '{ print $1, $4, $5 }')" "LISTEN $ADDR_B:$port 0.0.0.0:*"
tap_is "atcp-ss in the client's namespace: FIN-WAIT-2 and TIME-WAIT" \
	"$(ss_in "$NS_A" | awk '{ print $1 }' | sort | tr '\n' ' ')" "FIN-WAIT-2 TIME-WAIT "
tap_is "state time-wait: the entry, towards the server's port" \
	"$(ss_in "$NS_A" state time-wait | awk '{ print $1, $5 }')" "TIME-WAIT $ADDR_B:$port"
tap_is "state fin-wait-2 and dport: the half-closed client" \
	"$(ss_in "$NS_A" state fin-wait-2 dport $port | awk '{ print $1 }')" "FIN-WAIT-2"
tap_is "sport of the server's port in the client's namespace: none" \
	"$(ss_in "$NS_A" sport $port | wc -l)" 0
tap_is "state connected leaves the listener out" \
	"$(ss_in "$NS_B" state connected | awk '{ print $1 }')" "CLOSE-WAIT"
tap_is "-s counts the sockets by state" \
	"$(ip netns exec "$NS_A" "$SS" -s | tr '\n' ' ' | tr -s ' ')" \
	"Total: 2 FIN-WAIT-2 1 TIME-WAIT 1 "
tap_ok "-o shows the TIME-WAIT timer" \
	sh -c "ip netns exec $NS_A $SS -H -o state time-wait | grep -q 'timer:(timewait,[0-9]*ms,0)'"
tap_ok "-i shows rto and cwnd of the half-closed connection" \
	sh -c "ip netns exec $NS_A $SS -i state fin-wait-2 | grep -q 'rto:[0-9]* cwnd:[0-9]*'"
ip netns exec "$NS_A" "$SS" state bogus > /dev/null 2> "$TMP/err"
tap_is "a bad state name: status 2" "$?" 2
tap_ok "and a message naming it" grep -q "unknown state bogus" "$TMP/err"
sc_stop c
sc_stop s

tap_finish

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_close - connection teardown (and the odd openings) between atcp and
# Linux TCP, and between two atcp ends, step by step with tool_sockctl:
#
#  - half-close: the client shuts down writing, the server reads EOF and
#    keeps sending, the client reads it all; states on both sides;
#  - simultaneous close: both ends shut down (or close) at the same moment,
#    with 200 ms of netem delay each way so that the FINs cross: the Linux
#    end goes FIN-WAIT-1 -> CLOSING -> TIME-WAIT (TCP_INFO), both ends read
#    EOF and both end in TIME-WAIT;
#  - close() with unread data sends a RST: the peer's recv() fails with
#    ECONNRESET, the RST is on the wire (tcpdump) and in Linux's counters;
#  - the end that receives the first FIN acknowledges it late, as Linux
#    does: a client that reads EOF and closes at once sends its FIN with
#    the ACK and no ACK alone before it (tcpdump); one that does nothing
#    answers by the delayed-ACK timer (DelayedACKs), and the closer
#    reaches FIN-WAIT-2 all the same;
#  - the IPv4 ID: three connections in a row, three different IDs on
#    their SYNs (each starts anywhere, not at 0);
#  - connect to a port nobody listens on: ECONNREFUSED, blocking and
#    non-blocking (EINPROGRESS, then SO_ERROR);
#  - simultaneous open: two bound sockets connect to each other at the same
#    moment with netem delay so that the SYNs cross; both end ESTABLISHED
#    and exchange data.
#
# The atcp end always runs in $NS_A (or both ends for atcp <-> atcp); Linux
# ends are inspected with ss and TCP_INFO, atcp ends through /proc/net/atcp.
# The "atcp" protocol is $ATCP_PROTO (default 253); ATCP_PROTO=6 runs the
# same test with Linux TCP on both sides.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_conn.sh"

P=$ATCP_PROTO
BUILD=$ATCP_TOP/selftests/vm/build
SOCKCTL=$BUILD/tool_sockctl
T=5				# limit of every blocking call in tool_sockctl
TMP=$(mktemp -d /tmp/atcp-close.XXXXXX)
PY=/usr/bin/python3
PCAPSUM=$ATCP_TOP/selftests/vm/tool_pcapsum.py
PIDS=()
declare -A SC_IN SC_OUT SC_PID
ALIVE=1				# the connection under test exists
R=""				# the last reply of a tool_sockctl

trap cleanup EXIT

# ---- tool_sockctl processes --------------------------------------------------

# ---- connection states ---------------------------------------------------

# ---- netem, tcpdump, counters ----------------------------------------------

netem_delay()
{
	local ns

	for ns in "$NS_A" "$NS_B"; do
		ip netns exec "$ns" tc qdisc del dev veth0 root 2>/dev/null
		[ $# = 0 ] && continue
		ip netns exec "$ns" tc qdisc add dev veth0 root netem delay "$1" ||
			return 1
	done
}

# counter NS NAME: a /proc/net/snmp or /proc/net/netstat counter, named as
# nstat names it.
counter()
{
	ip netns exec "$1" cat /proc/net/snmp /proc/net/netstat |
	awk -v want="$2" '
		{
			p = substr($1, 1, length($1) - 1)
			if (!(p in hdr)) {
				hdr[p] = 1
				for (i = 2; i <= NF; i++)
					name[p, i] = $i
			} else {
				for (i = 2; i <= NF; i++)
					if (p name[p, i] == want)
						v = $i
			}
		}
		END { print v + 0 }'
}

# ---- setup -------------------------------------------------------------------

if ! topo_pair; then
	tap_result 1 "topology: two namespaces joined by veth"
	tap_finish
fi
trap cleanup EXIT
modprobe sch_netem 2>/dev/null
tap_diag "atcp protocol $P"

# connect_pair PORT: server "s" in $NS_B listens on PORT, client "c" in
# $NS_A connects, "s" accepts and closes its listener.  Sets ALIVE.
connect_pair()
{
	local desc=$1 port=$2 r1 r2 r3

	sc s "listen $ADDR_B:$port"
	r1=$R
	sc c "connect $ADDR_B:$port"
	r2=$R
	r3="(not tried)"
	if [ "$r1" = ok ] && [ "$r2" = ok ]; then
		sc s "accept"
		r3=$R
	fi
	sc s "close-listener"
	ALIVE=0
	if [ "$r1" = ok ] && [ "$r2" = ok ] && [[ $r3 == "ok $ADDR_A:"* ]]; then
		ALIVE=1
	fi
	[ $ALIVE = 1 ] || tap_diag "listen: '$r1', connect: '$r2', accept: '$r3'"
	tap_result $((1 - ALIVE)) "$desc"
}

port=22000

# ---- half-close -------------------------------------------------------------

for pairing in "$P 0" "0 $P" "$P $P"; do
	read -r cp sp <<< "$pairing"
	tag="half-close, $(proto_name "$cp") client, $(proto_name "$sp") server"
	sc_start c "$NS_A" "$cp"
	sc_start s "$NS_B" "$sp"
	connect_pair "$tag: connection established" $port

	sc_send c "send 65536 ; shutdown wr"
	sc s "recv 65536"
	r3=$R
	sc s "recv-eof"
	r4=$R
	sc_get c
	r1=$R
	sc_get c
	r2=$R
	expect "$tag: the client's 64 KiB, then its SHUT_WR, reach the server as data and EOF" \
		"ok*" "$r1" "$r2" "$r3" "$r4"

	wait_states "$tag: client side FIN-WAIT-2 ($(where "$cp"))" \
		"$NS_A" "$cp" $port FIN-WAIT-2 3
	wait_states "$tag: server side CLOSE-WAIT ($(where "$sp"))" \
		"$NS_B" "$sp" $port CLOSE-WAIT 3

	sc_send s "send 1048576"
	sc c "recv 1048576"
	r1=$R
	sc_get s
	r2=$R
	sc s "sleep 200 ; send 4096"
	sc_get s
	r3=$R
	sc c "recv 4096"
	r4=$R
	expect "$tag: the server keeps sending after EOF (1 MiB, a pause, 4 KiB): the client reads it all" \
		"ok*" "$r1" "$r2" "$r3" "$r4"

	sc s "close"
	r1=$R
	sc c "recv-eof"
	r2=$R
	expect "$tag: the server closes, the client reads EOF" "ok" "$r1" "$r2"

	wait_states "$tag: client side (active closer) ends in TIME-WAIT" \
		"$NS_A" "$cp" $port TIME-WAIT 3
	wait_states "$tag: server side (passive closer) is gone" \
		"$NS_B" "$sp" $port "" 3
	sc c "close"
	sc_stop c
	sc_stop s
	port=$((port + 1))
done

# ---- simultaneous close -------------------------------------------------
# 200 ms each way: both FINs are in flight at once, each end receives the
# other's FIN before the ACK of its own.

if ! netem_delay 200ms; then
	tap_diag "cannot add netem delay"
fi
for how in shutdown close; do
	for pairing in "$P 0" "$P $P"; do
		read -r cp sp <<< "$pairing"
		tag="simultaneous $how, $(proto_name "$cp") <-> $(proto_name "$sp")"
		sc_start c "$NS_A" "$cp"
		sc_start s "$NS_B" "$sp"
		connect_pair "$tag: connection established" $port
		sc_send c "send 100"
		sc_send s "send 100"
		sc_get c
		r1=$R
		sc_get s
		r2=$R
		sc c "recv 100"
		r3=$R
		sc s "recv 100"
		r4=$R
		expect "$tag: data both ways before closing" "ok 100" \
			"$r1" "$r2" "$r3" "$r4"

		at=$(( $(now_ms) + 500 ))
		if [ $how = shutdown ]; then
			cmd="at $at shutdown wr"
		else
			cmd="at $at close"
		fi
		trace_c="" trace_s=""
		line_c=$cmd line_s=$cmd
		if [ $how = shutdown ] && [ "$cp" = 0 ]; then
			line_c="$cmd ; trace-states 3000"
		fi
		if [ $how = shutdown ] && [ "$sp" = 0 ]; then
			line_s="$cmd ; trace-states 3000"
		fi
		sc_send c "$line_c"
		sc_send s "$line_s"
		sc_get c
		r1=$R
		sc_get s
		r2=$R
		[ "$line_c" = "$cmd" ] || { sc_get c; trace_c=$R; }
		[ "$line_s" = "$cmd" ] || { sc_get s; trace_s=$R; }
		if [ $how = shutdown ]; then
			expect "$tag: both ends shutdown(SHUT_WR) at the same moment" \
				"ok" "$r1" "$r2"
		elif [ "$r1" != ok ] || [ "$r2" != ok ]; then
			tap_diag "close() at the same moment: '$r1' '$r2'"
			ALIVE=0
		fi
		for trace in "$trace_c" "$trace_s"; do
			[ -n "$trace" ] || continue
			tap_diag "Linux end, tcpi_state after shutdown: $trace"
			expect "$tag: the Linux end goes FIN_WAIT1 -> CLOSING -> TIME-WAIT (TCP_INFO)" \
				"ok FIN_WAIT1 CLOSING CLOSE" "$trace"
		done
		if [ $how = shutdown ]; then
			sc c "recv-eof"
			r1=$R
			sc s "recv-eof"
			r2=$R
			expect "$tag: both ends read EOF" "ok" "$r1" "$r2"
		fi
		wait_states "$tag: $(proto_name "$cp") end in TIME-WAIT ($(where "$cp"))" \
			"$NS_A" "$cp" $port TIME-WAIT 3
		wait_states "$tag: $(proto_name "$sp") end in TIME-WAIT ($(where "$sp"))" \
			"$NS_B" "$sp" $port TIME-WAIT 3
		if [ $how = shutdown ]; then
			sc c "close"
			sc s "close"
		fi
		sc_stop c
		sc_stop s
		port=$((port + 1))
	done
done
netem_delay

# ---- close() with unread data sends a RST ---------------------------------

for pairing in "$P 0" "0 $P" "$P $P"; do
	# the closer is the client in $NS_A, the peer the server in $NS_B
	read -r cp sp <<< "$pairing"
	tag="RST on close with unread data, $(proto_name "$cp") closes, $(proto_name "$sp") peer"
	sc_start c "$NS_A" "$cp"
	sc_start s "$NS_B" "$sp"
	connect_pair "$tag: connection established" $port
	sc s "send 1000 ; sleep 300"
	sc_get s
	abort0=$(counter "$NS_A" TcpExtTCPAbortOnClose)
	resets0=$(counter "$NS_B" TcpEstabResets)
	cap=$TMP/rst.$port.pcap
	capturing=0
	if [ $ALIVE = 1 ] && cap_start "$NS_A" "$cap" "tcp port $port and tcp[tcpflags] & tcp-rst != 0"; then
		capturing=1
	fi
	sc c "close"
	[ "$R" = ok ] || tap_diag "close() with 1000 unread bytes: '$R'"
	sc s "recv 1"
	expect "$tag: the peer's recv() fails with ECONNRESET" "err ECONNRESET*" "$R"
	sc s "send 1"
	expect "$tag: and then its send() with EPIPE" "err EPIPE*" "$R"
	if [ $capturing = 1 ]; then
		cap_stop
		n=$(cap_count "$cap" 'Flags \[R')
		tcpdump -n -r "$cap" 2>/dev/null | head -3 | sed 's/^/# /'
	else
		n=0
	fi
	tap_result "$([ "$n" -ge 1 ] && echo 0 || echo 1)" \
		"$tag: tcpdump sees the RST leave the closer ($n)"
	if [ "$cp" = 0 ]; then
		d=$(( $(counter "$NS_A" TcpExtTCPAbortOnClose) - abort0 ))
		tap_result "$([ $d = 1 ] && echo 0 || echo 1)" \
			"$tag: Linux counts one TCPAbortOnClose ($d)"
	fi
	if [ "$sp" = 0 ]; then
		d=$(( $(counter "$NS_B" TcpEstabResets) - resets0 ))
		tap_result "$([ $d = 1 ] && echo 0 || echo 1)" \
			"$tag: Linux counts one EstabResets ($d)"
	fi
	wait_states "$tag: the peer's connection is gone" "$NS_B" "$sp" $port "" 3
	wait_states "$tag: the closer keeps nothing (no TIME-WAIT after a RST)" \
		"$NS_A" "$cp" $port "" 3
	sc_stop c
	sc_stop s
	port=$((port + 1))
done

# ---- the ACK of the first FIN -------------------------------------------

# The server closes first; the client, which receives that FIN, is the
# stack under test.  Its ACK of the FIN is delayed, as Linux's
# (tcp_fin() enters pingpong mode): a client that reads EOF and closes at
# once sends its FIN with the ACK and no ACK alone before it; one that
# does nothing acknowledges by the delayed-ACK timer, and the server
# still reaches FIN-WAIT-2.
for pairing in "$P 0" "$P $P"; do
	read -r cp sp <<< "$pairing"
	tag="the ACK of a FIN, $(proto_name "$cp") client, $(proto_name "$sp") server"
	for how in close idle; do
		sc_start c "$NS_A" "$cp"
		sc_start s "$NS_B" "$sp"
		connect_pair "$tag, the client's application: $how: connection established" $port
		cap=$TMP/finack.$port.pcap
		cap_start "$NS_A" "$cap" "tcp port $port" 30 ||
			tap_diag "$tag: no capture"
		delack0=$(delayed_acks "$NS_A" "$cp")
		if [ $how = close ]; then
			# in recv() when the FIN comes, and close() right after
			sc_send c "recv-eof ; close"
			sleep 0.2
		fi
		sc s "close"
		if [ $how = close ]; then
			sc_get c
			r1=$R
			sc_get c
			expect "$tag: the client reads EOF and closes" "ok" "$r1" "$R"
			wait_states "$tag: the server ends in TIME-WAIT" \
				"$NS_B" "$sp" $port TIME-WAIT 3
		else
			wait_states "$tag: the server reaches FIN-WAIT-2 all the same" \
				"$NS_B" "$sp" $port FIN-WAIT-2 3
		fi
		cap_stop
		# the client's first segment after the server's FIN
		first=$("$PY" "$PCAPSUM" "$cap" | awk -v a="$ADDR_A" '
			$2 != a && $6 ~ /F/ { fin = 1; next }
			fin && $2 == a { print $6; exit }')
		delack=$(( $(delayed_acks "$NS_A" "$cp") - delack0 ))
		if [ $how = close ]; then
			tap_is "$tag: the client's FIN carries its ACK of the server's FIN" \
				"$first" "F."
		else
			tap_is "$tag: without a close, a pure ACK answers the FIN" \
				"$first" "."
			tap_is "$tag: the delayed-ACK timer sent it (DelayedACKs)" \
				"$delack" 1
		fi
		sc c "close"
		sc_stop c
		sc_stop s
		port=$((port + 1))
	done
done

# ---- the IPv4 ID of a connection ---------------------------------------

# Each connection starts the IDs of its segments anywhere, as Linux's
# tcp_v4_connect() does, not at 0: three connections in a row, three
# different IDs on their SYNs (two alike by chance: 1 in 20000 or so).
for cp in "$P" 0; do
	tag="IP ID, $(proto_name "$cp") client"
	cap=$TMP/ipid.$port.pcap
	cap_start "$NS_A" "$cap" \
		"src host $ADDR_A and dst portrange $port-$((port + 2)) and tcp[tcpflags] == tcp-syn" 30 ||
		tap_diag "$tag: no capture"
	for _ in 1 2 3; do
		sc_start c "$NS_A" "$cp"
		sc_start s "$NS_B" 0
		connect_pair "$tag: connection established" $port
		sc c "close"
		sc_stop c
		sc_stop s
		port=$((port + 1))
	done
	cap_stop
	ids=$(tcpdump -v -n -r "$cap" 2>/dev/null |
	      sed -n 's/.* id \([0-9]*\),.*/\1/p' | sort -u | tr '\n' ' ')
	tap_diag "$tag: the IDs of the SYNs: $ids"
	tap_is "$tag: three connections, three different IDs on their SYNs" \
		"$(echo "$ids" | wc -w)" 3
done

# ---- connection refused -------------------------------------------------
# refused CLIENT_NS CLIENT_PROTO ADDR:PORT TAG: blocking and non-blocking.

refused()
{
	local ns=$1 proto=$2 addr=$3 tag=$4 t0

	sc_start c "$ns" "$proto"
	t0=$(now_ms)
	sc c "connect $addr"
	expect "$tag: blocking connect() fails with ECONNREFUSED ($(( $(now_ms) - t0 )) ms)" \
		"err ECONNREFUSED*" "$R"
	sc c "close"
	t0=$(now_ms)
	sc c "connect-nb $addr"
	r1=$R
	sc c "wait-connect"
	r2=$R
	expect "$tag: non-blocking connect(): EINPROGRESS, then SO_ERROR ECONNREFUSED ($(( $(now_ms) - t0 )) ms)" \
		"err EINPROGRESS*" "$r1"
	expect "$tag: SO_ERROR of the non-blocking connect() is ECONNREFUSED" \
		"err ECONNREFUSED*" "$r2"
	sc_stop c
}

refused "$NS_A" "$P" "$ADDR_B:$port" \
	"$(proto_name "$P") client to a closed Linux port"
port=$((port + 1))

for pairing in "0 $P" "$P $P"; do
	read -r cp sp <<< "$pairing"
	tag="$(proto_name "$cp") client to a port an $(proto_name "$sp") socket binds without listening"
	sc_start b "$NS_B" "$sp"
	sc b "bind $ADDR_B:$port"
	expect "$tag: bind() the $(proto_name "$sp") socket" "ok" "$R"
	if [ "$R" = ok ]; then
		refused "$NS_A" "$cp" "$ADDR_B:$port" "$tag"
	else
		for d in "blocking connect()" "non-blocking connect()" "SO_ERROR"; do
			tap_result 1 "$tag: $d (no bound socket)"
		done
	fi
	sc_stop b
	port=$((port + 1))
done

# ---- simultaneous open -------------------------------------------------------

netem_delay 200ms
for pairing in "$P 0" "$P $P"; do
	read -r cp sp <<< "$pairing"
	tag="simultaneous open, $(proto_name "$cp") <-> $(proto_name "$sp")"
	pa=$port pb=$((port + 1))
	sc_start c "$NS_A" "$cp"
	sc_start s "$NS_B" "$sp"
	sc c "bind $ADDR_A:$pa"
	r1=$R
	sc s "bind $ADDR_B:$pb"
	r2=$R
	expect "$tag: both sockets bound to fixed ports" "ok" "$r1" "$r2"
	ALIVE=0
	[ "$r1" = ok ] && [ "$r2" = ok ] && ALIVE=1
	cap=$TMP/syn.$pa.pcap
	capturing=0
	if [ $ALIVE = 1 ] &&
	   cap_start "$NS_B" "$cap" "tcp port $pb and tcp[tcpflags] & (tcp-syn|tcp-rst) != 0"; then
		capturing=1
	fi
	at=$(( $(now_ms) + 500 ))
	sc_send c "at $at connect $ADDR_B:$pb"
	sc_send s "at $at connect $ADDR_A:$pa"
	sc_get c
	r1=$R
	sc_get s
	r2=$R
	expect "$tag: both connect() calls succeed" "ok" "$r1" "$r2"
	[ "$r1" = ok ] && [ "$r2" = ok ] || ALIVE=0
	wait_states "$tag: $(proto_name "$cp") end ESTABLISHED ($(where "$cp"))" \
		"$NS_A" "$cp" $pa ESTAB 3
	wait_states "$tag: $(proto_name "$sp") end ESTABLISHED ($(where "$sp"))" \
		"$NS_B" "$sp" $pb ESTAB 3
	for side in c s; do
		proto=$cp
		[ $side = s ] && proto=$sp
		[ "$proto" = 0 ] || continue
		sc $side "state"
		expect "$tag: TCP_INFO of the Linux end says ESTABLISHED" \
			"ok ESTABLISHED" "$R"
	done
	sc_send c "send 1000"
	sc s "recv 1000"
	r1=$R
	sc_get c
	r2=$R
	sc_send s "send 1000"
	sc c "recv 1000"
	r3=$R
	sc_get s
	r4=$R
	expect "$tag: data both ways" "ok 1000" "$r1" "$r2" "$r3" "$r4"
	if [ $capturing = 1 ]; then
		cap_stop
		syn=$(cap_count "$cap" 'Flags \[S\],')
		synack=$(cap_count "$cap" 'Flags \[S\.\],')
		rst=$(cap_count "$cap" 'Flags \[R')
		tcpdump -n -r "$cap" 2>/dev/null | head -8 | sed 's/^/# /'
	else
		syn=0 synack=0 rst=0
	fi
	tap_diag "bare SYNs $syn, SYN-ACKs $synack, RSTs $rst"
	tap_result "$([ "$syn" -ge 2 ] && [ "$rst" = 0 ] && echo 0 || echo 1)" \
		"$tag: the SYNs crossed (a bare SYN each way, no RST)"
	sc c "close"
	r1=$R
	sc s "recv-eof"
	r2=$R
	sc s "close"
	r3=$R
	expect "$tag: orderly close afterwards" "ok" "$r1" "$r2" "$r3"
	# Before the delay goes: removing netem drops what it holds.
	wait_states "$tag: the end that closed first is in TIME-WAIT" \
		"$NS_A" "$cp" $pa TIME-WAIT 5
	wait_states "$tag: the other end is gone" "$NS_B" "$sp" $pb "" 5
	sc_stop c
	sc_stop s
	port=$((port + 2))
done
netem_delay

tap_finish

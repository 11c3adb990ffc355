#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_netem - atcp against Linux TCP and itself over an impaired link.
#
# Both ends of the veth link (topo_pair) get the same netem qdisc on egress:
# 10% loss; reordering (delay 10ms, 25% of the packets sent at once); 10%
# duplication; 1% corruption; and all of them at once.  Under each, for
# atcp client -> Linux server, Linux client -> atcp server and atcp <-> atcp,
# data flows both ways at once and tool_xfer checks that every byte arrived
# exactly once, in order, followed by EOF.  Under 10% loss also with
# writes of 100 bytes and TCP_NODELAY: small segments, which resends
# merge (retrans_collapse).  One more point per impairment
# proves from the qdisc and the Linux side's counters that the impairment
# really happened (drops, out-of-order queueing, duplicate data received,
# checksum errors); out-of-order queueing counts atcp's receivers too
# (OFOQueue), for by chance what one stack sends may keep its order.  Loss and reordering run over IPv6 as well.
#
# netem works on the packets the stack hands to veth0, which are GSO
# super-packets of up to 64 KiB: a "loss" drops a whole burst of segments;
# corruption is applied after netem segments the burst.  The neighbour
# entries are permanent (topo_neigh_permanent), for netem would drop
# neighbour solicitations too, and a connect() would fail on those.
#
# Then SACK compression at the receiver, with comp_sack_nr 44 and 0
# (comp_sack, below).
#
# The "atcp" protocol is $ATCP_PROTO (default 253); ATCP_PROTO=6 runs the
# same test with Linux TCP on both sides.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_conn.sh"

P=$ATCP_PROTO
BUILD=$ATCP_TOP/selftests/vm/build
XFER=$BUILD/tool_xfer
T=20				# limit of every blocking call (5 SYNs: 0, 1, 3, 7, 15 s)
LIMIT=120			# limit of one tool_xfer process
TMP=$(mktemp -d /tmp/atcp-netem.XXXXXX)
PIDS=()

trap cleanup EXIT

# counters NAME...: each counter of /proc/net/snmp and /proc/net/netstat,
# named as nstat names it (TcpInCsumErrors, TcpExtTCPOFOQueue, ...), summed
# over both namespaces, on one line.
counters()
{
	local ns

	for ns in "$NS_A" "$NS_B"; do
		ip netns exec "$ns" cat /proc/net/snmp /proc/net/netstat
	done |
	awk -v want="$*" '
		{
			p = substr($1, 1, length($1) - 1)
			if (!((p, "hdr") in name)) {
				name[p, "hdr"] = 1
				for (i = 2; i <= NF; i++)
					name[p, i] = $i
			} else {
				for (i = 2; i <= NF; i++)
					v[p name[p, i]] += $i
				delete name[p, "hdr"]
			}
		}
		END {
			n = split(want, w, " ")
			for (i = 1; i <= n; i++)
				printf "%d%s", v[w[i]], i < n ? " " : "\n"
		}'
}

# atcp_ofo: atcp's OFOQueue (segments its receivers queued out of order),
# summed over both namespaces
atcp_ofo()
{
	local ns

	for ns in "$NS_A" "$NS_B"; do
		ip netns exec "$ns" cat /proc/net/atcp_stat 2>/dev/null
	done | awk '$1 == "OFOQueue" { n += $2 } END { print n + 0 }'
}

# qdisc_drops: packets netem dropped on both sides since it was added
qdisc_drops()
{
	local a b

	a=$(qdisc_dropped "$NS_A")
	b=$(qdisc_dropped "$NS_B")
	echo $((${a:-0} + ${b:-0}))
}

if ! topo_pair || ! topo_neigh_permanent; then
	tap_result 1 "topology: two namespaces joined by veth"
	tap_finish
fi
trap cleanup EXIT
modprobe sch_netem 2>/dev/null
tap_diag "atcp protocol $P"


# duplicate data is counted by DelayedACKLost whether SACK is in use or not
COUNTERS=(TcpExtTCPOFOQueue TcpExtDelayedACKLost TcpInCsumErrors
	  IpExtInCsumErrors TcpRetransSegs)

# condition NAME SIZE CHECK NETEM-ARGS...: one impairment, three pairings
# to the server at $DST, then the CHECK that the impairment was real: any of
# "drop", "ofo", "dup", "csum" (comma separated, all must hold).  Both
# tool_xfers also take the options in $XFER_OPTS.
condition()
{
	local name=$1 size=$2 check=$3 before after d ofo dup csum rtx drops
	local what status=0 pairing cp sp
	shift 3

	xfers_ok=0

	if ! netem_set "$@"; then
		tap_result 1 "$name: tc qdisc add dev veth0 root netem $*"
		return
	fi
	read -ra before <<< "$(counters "${COUNTERS[@]}") $(atcp_ofo)"
	for pairing in "$P 0" "0 $P" "$P $P"; do
		read -r cp sp <<< "$pairing"
		xfer_case "$name: $(proto_name "$cp") client <-> $(proto_name "$sp") server, $size each way" \
			"$NS_B" "$sp" "$NS_A" "$cp" "$DST:$port" \
			"-s $size -r $size -x $port $XFER_OPTS" \
			"-s $size -r $size -x $port $XFER_OPTS"
		port=$((port + 1))
	done
	read -ra after <<< "$(counters "${COUNTERS[@]}") $(atcp_ofo)"
	drops=$(qdisc_drops)
	for d in 0 1 2 3 4 5; do
		after[d]=$((after[d] - before[d]))
	done
	ofo=${after[0]} dup=${after[1]} csum=$((after[2] + after[3])) rtx=${after[4]}
	tap_diag "$name: netem drops $drops, Linux received: out-of-order $ofo, duplicate data $dup, checksum errors $csum, retransmits $rtx; atcp received out-of-order ${after[5]}"
	# out of order at either stack's receivers: by chance the packets
	# one stack sends may all have kept their order
	ofo=$((ofo + after[5]))
	for what in ${check//,/ }; do
		case $what in
		drop) [ "$drops" -gt 0 ] || status=1 ;;
		ofo) [ "$ofo" -gt 0 ] || status=1 ;;
		dup) [ "$dup" -gt 0 ] || status=1 ;;
		csum) [ "$csum" -gt 0 ] || status=1 ;;
		esac
	done
	if [ "$xfers_ok" = 0 ]; then
		tap_result 1 "$name: the impairment happened ($check) (no transfer succeeded)"
	else
		tap_result $status "$name: the impairment happened ($check)"
	fi
	netem_set
}

# bare_acks_dropped on|off: on veth0 of both namespaces, drop every segment
# that is a bare ACK (TCP, flags exactly ACK, IP total length under 128:
# no payload however many options).  SYNs, FINs and data pass.  "off"
# prints how many segments the filters dropped.
bare_acks_dropped()
{
	local ns n sum=0

	for ns in "$NS_A" "$NS_B"; do
		n=$(ip netns exec "$ns" tc -s filter show dev veth0 egress 2>/dev/null |
		    sed -n 's/.*(dropped \([0-9]*\),.*/\1/p' | head -n 1)
		sum=$((sum + ${n:-0}))
		ip netns exec "$ns" tc qdisc del dev veth0 clsact 2>/dev/null
		[ "$1" = on ] || continue
		ip netns exec "$ns" tc qdisc add dev veth0 clsact &&
		ip netns exec "$ns" tc filter add dev veth0 egress protocol ip \
			u32 match u8 6 0xff at 9 match u16 0 0xff80 at 2 \
			match u8 0x10 0xff at 33 action drop || return 1
	done
	[ "$1" = on ] || echo "$sum"
}

# Bare ACKs lost both ways.  Both ends send at once, so data goes out
# acknowledged only by data; the last flights each way need bare ACKs,
# which are lost, so both ends time out and go back N, and each resends
# what the other already has.  Two seconds later the ACKs flow again: an
# end that answers such an old segment with an ACK whose SEQ is its own
# rewound SND.NXT sends the other end a segment below its RCV.NXT, which
# is dropped unread, and the two deadlock.  SEQ must be the highest sent.
bare_ack_loss()
{
	local pairing cp sp drops=() ack_off

	for pairing in "$P 0" "0 $P" "$P $P"; do
		read -r cp sp <<< "$pairing"
		if ! bare_acks_dropped on; then
			tap_result 1 "bare ACKs lost both ways: tc filter"
			return
		fi
		(sleep 2; bare_acks_dropped off > "$TMP/ackdrops") &
		ack_off=$!	# xfer_case starts jobs of its own: keep this one's
		xfer_case "bare ACKs lost both ways for 2 s: $(proto_name "$cp") client <-> $(proto_name "$sp") server, 1M each way" \
			"$NS_B" "$sp" "$NS_A" "$cp" "$ADDR_B:$port" \
			"-s 1M -r 1M -x $port" "-s 1M -r 1M -x $port"
		wait "$ack_off"
		drops+=("$(cat "$TMP/ackdrops")")
		port=$((port + 1))
	done
	tap_diag "bare ACKs lost both ways: the filters dropped ${drops[*]} bare ACKs"
	tap_ok "bare ACKs lost both ways: the impairment happened (drops in each run)" \
		test "${drops[0]:-0}" -gt 0 -a "${drops[1]:-0}" -gt 0 -a "${drops[2]:-0}" -gt 0
}

# comp_sack: SACK compression at the receiver.  A Linux client sends 4M to
# a server of each stack over 10 ms of delay and 2% loss, segment by
# segment (its GSO off): each loss leaves many segments to arrive out of
# order.  After the first three SACKs for a hole, which go at once, the
# receiver holds SACKs back (for 5% of the RTT: 0.5 ms) and sends one for
# several (AckCompressed, Linux's TCPAckCompressed); with comp_sack_nr 0
# it sends one each.
comp_sack()
{
	local sp nr name c0 c1 drops

	if ! command -v ethtool > /dev/null; then
		tap_skip "SACK compression: ethtool is needed (scripts/setup installs it)"
		return
	fi
	ip netns exec "$NS_A" ethtool -K veth0 tso off gso off
	if ! netem_egress "$NS_A" delay 10ms loss 2%; then
		tap_result 1 "SACK compression: netem on $NS_A"
		return
	fi
	for sp in "$P" 0; do
		name=$(proto_name "$sp")
		for nr in 44 0; do
			knob "$NS_B" "$sp" comp_sack_nr "$nr"
			c0=$(stack_stat "$NS_B" "$sp" AckCompressed)
			xfer_case "SACK compression, comp_sack_nr $nr: Linux client -> $name server, 4M, 2% loss" \
				"$NS_B" "$sp" "$NS_A" 0 "$DST:$port" \
				"-r 4M -x $port" "-s 4M -x $port"
			c1=$(stack_stat "$NS_B" "$sp" AckCompressed)
			port=$((port + 1))
			if [ "$nr" = 0 ]; then
				tap_is "... comp_sack_nr 0: no SACK held back" \
					"$((c1 - c0))" 0
			else
				tap_ok "... SACKs held back ($((c1 - c0)))" \
					test "$((c1 - c0))" -gt 0
			fi
		done
		knob "$NS_B" "$sp" comp_sack_nr 44
	done
	drops=$(qdisc_drops)
	tap_ok "SACK compression: the loss happened ($drops dropped)" \
		test "$drops" -gt 0
	netem_egress "$NS_A"
	ip netns exec "$NS_A" ethtool -K veth0 tso on gso on
}

port=21000
DST=$ADDR_B
comp_sack
bare_ack_loss
XFER_OPTS=
condition "10% loss" 1M drop loss 10%
# Small segments, whose resends take in the ones after them
# (retrans_collapse): the stream must stay exact.
XFER_OPTS="-b 100 -N"
condition "10% loss, 100-byte writes, TCP_NODELAY" 256K drop loss 10%
XFER_OPTS=
condition "reordering" 2M ofo delay 10ms reorder 25% 50%
condition "10% duplication" 16M dup duplicate 10%
condition "1% corruption" 16M csum corrupt 1%
condition "all combined" 512K drop,ofo,dup,csum \
	loss 10% delay 10ms reorder 25% 50% duplicate 10% corrupt 1%

# The two that exercise loss recovery and reassembly, over IPv6.
DST="[$ADDR6_B]"
condition "IPv6, 10% loss" 512K drop loss 10%
condition "IPv6, reordering" 1M ofo delay 10ms reorder 25% 50%

tap_finish

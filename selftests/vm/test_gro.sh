#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_gro - atcp receiving GRO'd segments whole.
#
# Both ends of the veth link turn segmentation offload off (tso, gso: every
# packet on the link carries at most one MSS) and GRO on (veth then
# receives through NAPI, which merges consecutive segments of a flow into
# one skb of up to 64 KiB).  atcp takes such an skb whole: one pass
# through its input path for many segments.
#
# For atcp client -> Linux server, Linux client -> atcp server and atcp <->
# atcp, over IPv4 and IPv6, and again with 2% loss and reordering (so that
# merged skbs land in the out-of-order queue, overlap what is there, and
# fill holes), data flows both ways at once and tool_xfer checks every byte.
# Each atcp end must count the segments in its merged skbs as Linux does
# (tcpi_data_segs_in at least its bytes received over an MSS), and
# tcpdump proves that GRO merged: inbound packets longer than the MTU in
# both namespaces, while no packet sent was.
#
# Then, with GRO off, an atcp client sends 16 MiB to an atcp server, and
# an atcp server to a Linux client: what arrives while a reader or writer
# holds its socket waits in the backlog, where a segment that continues
# the one before it is appended to it (BacklogCoalesce grows: data on a
# second CPU, the ACKs coming back to a writer on one), and the atcp
# server still counts each data segment in.
#
# The "atcp" protocol is $ATCP_PROTO (default 253); ATCP_PROTO=6 runs the
# same test with Linux TCP on both sides.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_conn.sh"

P=$ATCP_PROTO
BUILD=$ATCP_TOP/selftests/vm/build
XFER=$BUILD/tool_xfer
T=20				# limit of every blocking call
LIMIT=120			# limit of one tool_xfer process
MSS=1460			# the largest payload of one segment over MTU 1500
TMP=$(mktemp -d /tmp/atcp-gro.XXXXXX)
PIDS=()

trap cleanup EXIT

if ! command -v ethtool > /dev/null || ! command -v tcpdump > /dev/null; then
	tap_skip "ethtool and tcpdump are needed (scripts/setup installs them)"
	tap_finish
fi
if ! topo_pair; then
	tap_result 1 "topology: two namespaces joined by veth"
	tap_finish
fi
trap cleanup EXIT
modprobe sch_netem 2>/dev/null
tap_diag "atcp protocol $P"

# offloads_set: tso and gso off, gro on, on veth0 of both namespaces
offloads_set()
{
	local ns

	for ns in "$NS_A" "$NS_B"; do
		ip netns exec "$ns" ethtool -K veth0 tso off gso off gro on ||
			return 1
		ip netns exec "$ns" ethtool -k veth0 |
			grep -q '^generic-receive-offload: on' || return 1
	done
}

# segs_check FILE: tool_xfer's report in FILE counts at least one data
# segment in per MSS of data received
segs_check()
{
	awk -v mss="$MSS" '
		/ OK / {
			for (i = 1; i <= NF; i++) {
				if ($i == "recv")
					bytes = $(i + 1)
				if ($i == "in" && $(i - 1) == "segments")
					segs = $(i + 1)
			}
			found = 1
		}
		END { exit !(found && segs * mss >= bytes) }' "$1"
}

# gro_case NAME DST SIZE: the three pairings to the server at DST, SIZE
# each way, and the segment count of every atcp end
gro_case()
{
	local name=$1 dst=$2 size=$3 pairing cp sp file side status desc

	for pairing in "$P 0" "0 $P" "$P $P"; do
		read -r cp sp <<< "$pairing"
		desc="$name: $(proto_name "$cp") client <-> $(proto_name "$sp") server"
		xfer_case "$desc, $size each way" \
			"$NS_B" "$sp" "$NS_A" "$cp" "$dst:$port" \
			"-s $size -r $size -x $port" "-s $size -r $size -x $port"
		port=$((port + 1))
		[ "$P" = 0 ] || [ "$P" = 6 ] && continue
		for side in cli srv; do
			[ $side = cli ] && [ "$cp" = 0 ] && continue
			[ $side = srv ] && [ "$sp" = 0 ] && continue
			file=$TMP/$side
			status=0
			segs_check "$file" || status=1
			[ $status = 0 ] || sed 's/^/# /' "$file"
			tap_result $status "$desc: the $([ $side = cli ] && echo client || echo server) counts a data segment in per MSS received or more (tcpi_data_segs_in)"
		done
	done
}

# capture NS: in the background, count NS's inbound and outbound packets
# on veth0 longer than the MTU, until killed, into $TMP/NS.in and .out
capture()
{
	local dir

	for dir in in out; do
		ip netns exec "$1" tcpdump -i veth0 -Q $dir -nn -q -l \
			'greater 1600' 2> /dev/null > "$TMP/$1.$dir" &
		PIDS+=($!)
	done
}

if offloads_set; then
	tap_result 0 "tso and gso off, gro on, on veth0 of both namespaces"
else
	tap_result 1 "tso and gso off, gro on, on veth0 of both namespaces"
	tap_finish
fi
capture "$NS_A"
capture "$NS_B"
sleep 2				# tcpdump opens its socket

port=22000
gro_case "IPv4" "$ADDR_B" 8M
gro_case "IPv6" "[$ADDR6_B]" 4M
if netem_set loss 2% delay 5ms reorder 25% 50%; then
	gro_case "2% loss and reordering" "$ADDR_B" 4M
	netem_set
else
	tap_result 1 "tc qdisc add dev veth0 root netem loss 2% delay 5ms reorder 25% 50%"
fi

sleep 1
for pid in "${PIDS[@]}"; do
	kill "$pid" 2>/dev/null
done
wait 2>/dev/null
PIDS=()
for ns in "$NS_A" "$NS_B"; do
	# tcpdump ends its output with an empty line when it is killed
	n_in=$(grep -c . "$TMP/$ns.in")
	n_out=$(grep -c . "$TMP/$ns.out")
	tap_diag "$ns: $n_in packets over 1600 bytes in, $n_out out"
	grep . "$TMP/$ns.out" | head -n 3 | sed 's/^/# sent: /'
	tap_ok "GRO merged: $ns received packets longer than the MTU" test "$n_in" -gt 0
	tap_ok "no segmentation offload: $ns sent none" test "$n_out" = 0
done

# backlog_case CP: with GRO off too, a CP client and an atcp server move
# 16 MiB, the atcp end sending to a Linux client, or from an atcp
# client, read as it comes.  What arrives while a writer or reader
# holds a socket waits in its backlog, where a segment that continues
# the one before it is appended to it (BacklogCoalesce, both ends): the
# receiver's data when it reads on another CPU (clones of a local
# sender's queue, too), and on one CPU the ACKs that come back to the
# sender while it writes.  The atcp server still counts each data
# segment in.
backlog_case()
{
	local cp=$1 desc before after drops n sa ca side

	if [ "$cp" = 0 ]; then
		desc="GRO off: $(proto_name "$P") server -> Linux client"
		sa="-s 16M -m send -x $port" ca="-r 16M -m recv -x $port"
		side=cli
	else
		desc="GRO off: $(proto_name "$cp") client -> $(proto_name "$P") server"
		sa="-r 16M -m recv -x $port" ca="-s 16M -m send -x $port"
		side=srv
	fi
	before=0 drops=0
	for n in "$NS_A" "$NS_B"; do
		before=$((before + $(atcp_stat "$n" BacklogCoalesce)))
		drops=$((drops + $(atcp_stat "$n" BacklogDrop)))
	done
	xfer_case "$desc, 16 MiB" "$NS_B" "$P" "$NS_A" "$cp" "$ADDR_B:$port" \
		"$sa" "$ca"
	port=$((port + 1))
	after=0
	for n in "$NS_A" "$NS_B"; do
		after=$((after + $(atcp_stat "$n" BacklogCoalesce)))
		drops=$((drops - $(atcp_stat "$n" BacklogDrop)))
	done
	tap_diag "$desc: BacklogCoalesce $before -> $after, BacklogDrop +$((-drops)) ($(nproc) CPUs)"
	tap_ok "$desc: segments merged in a backlog (BacklogCoalesce)" \
		test "$after" -gt "$before"
	# the atcp receiver's count; a Linux one's is not in question
	[ "$side" = srv ] || return
	segs_check "$TMP/srv"
	tap_result $? "$desc: the server counts a data segment in per MSS received or more, merged ones too"
}

if [ "$P" != 0 ] && [ "$P" != 6 ]; then
	for ns in "$NS_A" "$NS_B"; do
		ip netns exec "$ns" ethtool -K veth0 gro off
	done
	backlog_case "$P"
	backlog_case 0
fi

tap_finish

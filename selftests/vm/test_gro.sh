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
# Then, with GRO off, an atcp server reads 16 MiB from an atcp and a Linux
# client as it comes: what arrives while the reader holds the socket
# waits in the backlog, where a segment that continues the one before it
# is appended to it (BacklogCoalesce grows), and the server still counts
# each segment in.
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

# backlog_case CP: with GRO off too, a CP client sends 16 MiB to an atcp
# server that reads it as it comes; the segments that arrive while the
# reader holds the socket are appended to the one before them in the
# backlog, clones of a local sender's queue as well, and still each
# counts as a segment in.
backlog_case()
{
	local cp=$1 desc before after drops

	desc="GRO off: $(proto_name "$cp") client -> $(proto_name "$P") server"
	before=$(atcp_stat "$NS_B" BacklogCoalesce)
	drops=$(atcp_stat "$NS_B" BacklogDrop)
	xfer_case "$desc, 16 MiB" "$NS_B" "$P" "$NS_A" "$cp" "$ADDR_B:$port" \
		"-r 16M -m recv -x $port" "-s 16M -m send -x $port"
	port=$((port + 1))
	after=$(atcp_stat "$NS_B" BacklogCoalesce)
	tap_diag "$desc: BacklogCoalesce $before -> $after, BacklogDrop $drops -> $(atcp_stat "$NS_B" BacklogDrop)"
	tap_ok "$desc: segments merged in the server's backlog (BacklogCoalesce)" \
		test "${after:-0}" -gt "${before:-0}"
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

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_interop - bulk data between atcp and Linux TCP, every byte verified.
#
# Two namespaces joined by veth (topo_pair): the client runs in $NS_A, the
# server in $NS_B.  For each pairing (atcp client -> Linux server, Linux
# client -> atcp server, atcp <-> atcp): 64 MiB client->server, 64 MiB
# server->client, 64 MiB each way at once, a half-close exchange (the client
# sends 1 MiB and shuts down writing, the server answers 1 MiB after EOF),
# 2 MiB each way in odd-sized 1000-byte writes, 8 MiB each way at once over
# IPv6 (skipped if socket(AF_INET6, ...) is not atcp's), and at the end no
# connection of the pairing may be left in a state other than TIME-WAIT.
# tool_xfer checks every byte against the seeded stream and the EOF.
#
# The "atcp" protocol is $ATCP_PROTO (default 253); ATCP_PROTO=6 runs the
# same test with Linux TCP on both sides.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_conn.sh"

P=$ATCP_PROTO
BUILD=$ATCP_TOP/selftests/vm/build
XFER=$BUILD/tool_xfer
BIG=${ATCP_INTEROP_BIG:-64M}	# bulk size (tests may shrink it for debugging)
T=10				# limit of every blocking call in tool_xfer
LIMIT=120			# limit of one tool_xfer process
TMP=$(mktemp -d /tmp/atcp-interop.XXXXXX)
PIDS=()

trap cleanup EXIT

# conn_states NS PROTO PORT: the states (ss names) of the connections on
# local or remote PORT that the stack of PROTO lists in NS, from
# /proc/net/tcp{,6} or /proc/net/atcp{,6} (same layout).
conn_states()
{
	local ns=$1 proto=$2 port=$3 files=(/proc/net/tcp /proc/net/tcp6)

	case $proto in
	0|6) ;;
	*) files=(/proc/net/atcp /proc/net/atcp6) ;;
	esac
	ip netns exec "$ns" sh -c 'cat "$@" 2>/dev/null' sh "${files[@]}" |
		port_states "$port"
}

# leftover DESC NS PROTO PORT...: within 3 s, the connections on PORTs are
# all gone or in TIME-WAIT (fails when no transfer of the pairing worked:
# then there was nothing to clean up).
leftover()
{
	local desc=$1 ns=$2 proto=$3 port bad
	shift 3

	if [ "$xfers_ok" = 0 ]; then
		tap_result 1 "$desc (no transfer succeeded)"
		return
	fi
	for _ in $(seq 30); do
		bad=""
		for port in "$@"; do
			bad+=$(conn_states "$ns" "$proto" "$port" |
			       tr ' ' '\n' | grep -v '^TIME-WAIT$' | grep . |
			       sed "s/$/:$port/" | tr '\n' ' ')
		done
		[ -z "$bad" ] && break
		sleep 0.1
	done
	[ -z "$bad" ] || echo "# left: $bad"
	tap_result "$([ -z "$bad" ] && echo 0 || echo 1)" "$desc"
}

if ! topo_pair; then
	tap_result 1 "topology: two namespaces joined by veth"
	tap_finish
fi
trap cleanup EXIT
tap_diag "atcp protocol $P; bulk size $BIG"

has_ipv6=1
v6=$("$BUILD/tool_socket" "$P" 1 10)
if [ "$v6" != "$P" ]; then
	has_ipv6=0
fi

port=20000
for pairing in "$P 0" "0 $P" "$P $P"; do
	read -r cp sp <<< "$pairing"
	cname=$(proto_name "$cp")
	sname=$(proto_name "$sp")
	tag="$cname client -> $sname server"
	first_port=$port
	xfers_ok=0

	xfer_case "$tag: $BIG client->server" "$NS_B" "$sp" "$NS_A" "$cp" \
		"$ADDR_B:$port" "-r $BIG -x 11" "-s $BIG -H -x 11"
	port=$((port + 1))

	xfer_case "$tag: $BIG server->client" "$NS_B" "$sp" "$NS_A" "$cp" \
		"$ADDR_B:$port" "-s $BIG -H -x 12" "-r $BIG -x 12"
	port=$((port + 1))

	xfer_case "$tag: $BIG each way at once" "$NS_B" "$sp" "$NS_A" "$cp" \
		"$ADDR_B:$port" "-s $BIG -r $BIG -x 13" "-s $BIG -r $BIG -x 13"
	port=$((port + 1))

	xfer_case "$tag: half-close, 1 MiB, SHUT_WR, then 1 MiB back after EOF" \
		"$NS_B" "$sp" "$NS_A" "$cp" "$ADDR_B:$port" \
		"-r 1M -s 1M -m recv-send -x 14" "-s 1M -r 1M -m send-recv -x 14"
	port=$((port + 1))

	xfer_case "$tag: 2 MiB each way in 1000-byte writes and reads" \
		"$NS_B" "$sp" "$NS_A" "$cp" "$ADDR_B:$port" \
		"-s 2M -r 2M -b 1000 -x 15" "-s 2M -r 2M -b 1000 -x 15"
	port=$((port + 1))

	if [ $has_ipv6 = 1 ]; then
		xfer_case "$tag: IPv6, 8 MiB each way at once" \
			"$NS_B" "$sp" "$NS_A" "$cp" "[$ADDR6_B]:$port" \
			"-s 8M -r 8M -x 16" "-s 8M -r 8M -x 16"
	else
		tap_skip "$tag: IPv6: socket(AF_INET6, SOCK_STREAM, $P) gives $v6"
	fi
	port=$((port + 1))

	ports=$(seq "$first_port" $((port - 1)))
	# shellcheck disable=SC2086 # one argument per port
	leftover "$tag: client side ($cname) keeps nothing but TIME-WAIT" \
		"$NS_A" "$cp" $ports
	# shellcheck disable=SC2086
	leftover "$tag: server side ($sname) keeps nothing but TIME-WAIT" \
		"$NS_B" "$sp" $ports
	port=$(( (port / 100 + 1) * 100 ))
done

tap_finish

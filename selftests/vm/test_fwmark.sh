#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_fwmark - fwmark_accept: a listener without a mark of its own gives
# its connections, and their SYN-ACKs, the firewall mark of their SYN.
# In $NS_B, tc marks every packet that comes in on veth0 with 7 (ingress,
# matchall, skbedit), and the routes to $NS_A are in table 100 only,
# which a rule gives to mark 7: what $NS_B sends without the mark has no
# route back.  Over IPv4 and IPv6, with a Linux TCP client in $NS_A, for
# atcp's listener and then Linux's:
#
#  - fwmark_accept 1: the SYN-ACK goes with the SYN's mark, so the
#    connection is set up; the accepted socket's SO_MARK is 7, and it
#    carries 20000 bytes each way, routed by that mark;
#  - fwmark_accept 1 under syncookies 2: the connection made from a
#    cookie takes the mark of the ACK that brought it back (IPv4);
#  - fwmark_accept 0: the SYN-ACK has no route, and connect() fails.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_conn.sh"

sc_topic fwmark 3

for m in sch_ingress cls_matchall act_skbedit; do
	modprobe "$m" 2>/dev/null
done
mac() { ip -n "$1" -br link show veth0 | awk '{ print $3 }'; }
MAC_A=$(mac "$NS_A")
MAC_B=$(mac "$NS_B")
# Neighbour entries that need no resolution, whatever the routes say.
if ! ip -n "$NS_A" neigh replace "$ADDR_B" lladdr "$MAC_B" dev veth0 nud permanent ||
   ! ip -n "$NS_A" neigh replace "$ADDR6_B" lladdr "$MAC_B" dev veth0 nud permanent ||
   ! ip -n "$NS_B" neigh replace "$ADDR_A" lladdr "$MAC_A" dev veth0 nud permanent ||
   ! ip -n "$NS_B" neigh replace "$ADDR6_A" lladdr "$MAC_A" dev veth0 nud permanent ||
   ! tc -n "$NS_B" qdisc add dev veth0 ingress ||
   ! tc -n "$NS_B" filter add dev veth0 parent ffff: matchall \
	action skbedit mark 7 ||
   ! ip -n "$NS_B" route add "${ADDR_A%.*}.0/24" dev veth0 table 100 ||
   ! ip -n "$NS_B" route del "${ADDR_A%.*}.0/24" dev veth0 ||
   ! ip -n "$NS_B" -6 route add "${ADDR6_A%::*}::/64" dev veth0 table 100 ||
   ! ip -n "$NS_B" -6 route del "${ADDR6_A%::*}::/64" dev veth0 ||
   ! ip -n "$NS_B" rule add fwmark 7 table 100 ||
   ! ip -n "$NS_B" -6 rule add fwmark 7 table 100; then
	tap_result 1 "set up marks and routes in $NS_B"
	tap_finish
fi

PORT=7400

# fwmark_case PROTO FAMILY FWMARK COOKIES: one connection attempt
fwmark_case()
{
	local sp=$1 fam=$2 fw=$3 cookies=$4 con tag

	PORT=$((PORT + 1))
	if [ "$fam" = 4 ]; then con="$ADDR_B:$PORT"; else con="[$ADDR6_B]:$PORT"; fi
	tag="$(proto_name "$sp") IPv$fam, fwmark_accept $fw"
	[ "$cookies" = 2 ] && tag="$tag, syncookies 2"
	knob "$NS_B" "$sp" fwmark_accept "$fw"
	knob "$NS_B" "$sp" syncookies "$cookies"
	sc_start s "$NS_B" "$sp"
	sc_start c "$NS_A" 0
	sc s "listen $con"
	expect "$tag: listen" ok "$R"
	sc c "connect $con"
	if [ "$fw" = 0 ]; then
		tap_result "$([ "${R%% *}" != ok ] && echo 0 || echo 1)" \
			"$tag: the SYN-ACK has no route: connect() fails ($R)"
	else
		expect "$tag: connect() succeeds" "ok*" "$R"
		sc s accept
		sc s "getsockopt mark"
		tap_is "$tag: the accepted socket has the SYN's mark" "$R" "ok 7"
		sc_both_ways "$tag" 20000
	fi
	sc_stop s
	sc_stop c
	knob "$NS_B" "$sp" fwmark_accept 0
	knob "$NS_B" "$sp" syncookies 1
}

for sp in "$P" 0; do
	for fam in 4 6; do
		fwmark_case "$sp" "$fam" 1 1
		fwmark_case "$sp" "$fam" 0 1
	done
	fwmark_case "$sp" 4 1 2
done
tap_finish

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_vrf - listeners and VRFs: l3mdev_accept.  In $NS_B, veth0 is
# enslaved to a VRF (vrf-b, routing table 10), so segments from $NS_A come
# in through an L3 slave.  Over IPv4 and IPv6, with a Linux TCP client in
# $NS_A:
#
#  - l3mdev_accept 0, a listener bound to no device: the SYN is not its,
#    and the connection is refused (by a reset the stack that owns the
#    port sends, routed back through the VRF);
#  - l3mdev_accept 1, the same listener: the connection is set up and
#    carries data both ways, since the SYN-ACK and the connection are
#    routed in the VRF's table, and the accepted socket is bound to vrf-b;
#  - l3mdev_accept 0, a listener bound to vrf-b: the connection is set up.
#
# ATCP_PROTO=6 runs it with Linux TCP as the listener, as a check of the
# expectations.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_conn.sh"

sc_topic vrf 5

if ! modprobe vrf 2>/dev/null && [ ! -d /sys/module/vrf ]; then
	tap_skip "no vrf module"
	tap_finish
fi
if ! ip -n "$NS_B" link add vrf-b type vrf table 10 ||
   ! ip -n "$NS_B" link set vrf-b up ||
   ! ip -n "$NS_B" link set veth0 master vrf-b; then
	tap_result 1 "set up vrf-b in $NS_B"
	tap_finish
fi
# Enslaving takes veth0 down and up: its IPv4 address stays (its routes
# move to table 10), the IPv6 one goes with the link-down (unless
# keep_addr_on_down), so it is added again, in the VRF now.
ip -n "$NS_B" addr replace "$ADDR6_B/64" dev veth0 nodad

PORT=7300

# vrf_case FAMILY L3MDEV LISTEN_WORDS WANT: one connection attempt; WANT
# is "ok" (set up, data both ways, accepted socket on vrf-b) or
# "refused".
vrf_case()
{
	local fam=$1 l3=$2 words=$3 want=$4 lis con tag w1 w2

	PORT=$((PORT + 1))
	if [ "$fam" = 4 ]; then
		lis="0.0.0.0:$PORT"
		con="$ADDR_B:$PORT"
	else
		lis="[::]:$PORT"
		con="[$ADDR6_B]:$PORT"
	fi
	tag="IPv$fam, l3mdev_accept $l3, listener ${words:-unbound}"
	knob "$NS_B" "$P" l3mdev_accept "$l3"
	sc_start s "$NS_B" "$P"
	sc_start c "$NS_A" 0
	sc s "listen $lis ${words/vrf/dev=vrf-b}"
	if [ "${R%% *}" != ok ]; then
		tap_result 1 "$tag: listen ($R)"
		sc_stop s
		sc_stop c
		return
	fi
	sc c "connect $con"
	read -r w1 w2 _ <<< "$R"
	if [ "$want" = refused ]; then
		tap_is "$tag: connect() is refused" "$w1 $w2" "err ECONNREFUSED"
	else
		tap_is "$tag: connect() succeeds" "$w1" ok
		sc s accept
		sc s "device"
		tap_is "$tag: the accepted socket is bound to vrf-b" "$R" "ok vrf-b"
		sc_both_ways "$tag" 20000
	fi
	sc_stop s
	sc_stop c
}

for fam in 4 6; do
	vrf_case "$fam" 0 "" refused
	vrf_case "$fam" 1 "" ok
	vrf_case "$fam" 0 vrf ok
done
knob "$NS_B" "$P" l3mdev_accept 0
tap_finish

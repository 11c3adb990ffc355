# SPDX-License-Identifier: GPL-2.0
#
# lib.sh - shell helpers for atcp's VM selftests: TAP output with kselftest
# exit codes, and the standard test topology (network namespaces joined by
# veth, addresses from 198.18.0.0/15 and 2001:db8::/32 only).
#
#	. "$(dirname "$0")/lib.sh"
#	tap_ok "socket() works" python3 -c '...'
#	tap_finish

ATCP_TOP=${ATCP_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
ATCP_KO=$ATCP_TOP/module/atcp.ko
ATCP_PROTO=${ATCP_PROTO:-253}
KSFT_PASS=0
KSFT_FAIL=1
KSFT_SKIP=4

_tap_n=0
_tap_failed=0
_tap_skipped=0
_tap_todo=0
echo "TAP version 13"

# tap_result COND DESCRIPTION: one test point from a status (0 = pass).
tap_result()
{
	local status=$1
	shift
	_tap_n=$((_tap_n + 1))
	if [ "$status" = 0 ]; then
		echo "ok $_tap_n $*"
	else
		_tap_failed=$((_tap_failed + 1))
		echo "not ok $_tap_n $*"
	fi
	return "$status"
}

# tap_ok DESCRIPTION COMMAND...: passes when COMMAND succeeds.
tap_ok()
{
	local desc=$1 out status
	shift
	out=$("$@" 2>&1)
	status=$?
	[ $status = 0 ] || printf '%s\n' "$out" | sed 's/^/# /'
	tap_result $status "$desc"
}

# tap_fails DESCRIPTION COMMAND...: passes when COMMAND fails.
tap_fails()
{
	local desc=$1 out status
	shift
	out=$("$@" 2>&1)
	status=$?
	if [ $status = 0 ]; then
		printf '%s\n' "$out" | sed 's/^/# /'
		tap_result 1 "$desc (command unexpectedly succeeded)"
		return 1
	fi
	tap_result 0 "$desc"
}

# tap_is DESCRIPTION GOT WANT
tap_is()
{
	if [ "$2" = "$3" ]; then
		tap_result 0 "$1"
	else
		echo "# got:  '$2'"
		echo "# want: '$3'"
		tap_result 1 "$1"
	fi
}

# tap_num DESCRIPTION A OP B: a point passing when the integer test
# "A OP B" holds (a reply that is not a number fails it).
tap_num()
{
	tap_result "$(test "$2" "$3" "$4" 2>/dev/null && echo 0 || echo 1)" "$1"
}

# tap_todo STATUS REASON DESCRIPTION: a point for a known, documented bug
# (TAP "# TODO"): reported as it comes out, and counted as skipped.
tap_todo()
{
	local status=$1 reason=$2
	shift 2
	_tap_n=$((_tap_n + 1))
	_tap_skipped=$((_tap_skipped + 1))
	if [ "$status" = 0 ]; then
		echo "ok $_tap_n $* # TODO $reason"
	else
		echo "not ok $_tap_n $* # TODO $reason"
	fi
}

tap_skip()
{
	_tap_n=$((_tap_n + 1))
	_tap_skipped=$((_tap_skipped + 1))
	echo "ok $_tap_n # SKIP $*"
}

tap_diag()
{
	echo "# $*"
}

tap_finish()
{
	echo "1..$_tap_n"
	echo "# $((_tap_n - _tap_failed - _tap_skipped)) passed, $_tap_failed failed, $_tap_skipped skipped"
	[ $_tap_failed = 0 ] || exit $KSFT_FAIL
	[ $_tap_n -gt 0 ] && [ $_tap_skipped = $_tap_n ] && exit $KSFT_SKIP
	exit $KSFT_PASS
}

# ---- module ----------------------------------------------------------------

atcp_loaded()
{
	[ -d /sys/module/atcp ]
}

atcp_load()
{
	atcp_loaded || insmod "$ATCP_KO" ${ATCP_MODULE_ARGS:-} "$@"
}

# atcp_wait_idle [SECONDS]: wait until no socket holds the module (an
# earlier topic's connections may still be closing); false on timeout.
atcp_wait_idle()
{
	local i

	for i in $(seq $(( ${1:-60} * 5 ))); do
		! atcp_loaded || [ "$(cat /sys/module/atcp/refcnt)" = 0 ] && return 0
		sleep 0.2
	done
	return 1
}

atcp_unload()
{
	! atcp_loaded || rmmod atcp
}

# ---- topology ----------------------------------------------------------------
#
# topo_pair: two hosts, namespaces $NS_A and $NS_B, one veth link:
#	$NS_A  198.18.0.1/24  2001:db8::1/64  <-->  198.18.0.2/24  2001:db8::2/64  $NS_B
# Removed again on exit.

NS_A=atcp-a-$$
NS_B=atcp-b-$$
ADDR_A=198.18.0.1
ADDR_B=198.18.0.2
ADDR6_A=2001:db8::1
ADDR6_B=2001:db8::2

topo_cleanup()
{
	ip netns del "$NS_A" 2>/dev/null
	ip netns del "$NS_B" 2>/dev/null
	return 0
}

topo_pair()
{
	modprobe veth 2>/dev/null
	ip netns add "$NS_A" || return 1
	ip netns add "$NS_B" || return 1
	trap topo_cleanup EXIT
	ip -n "$NS_A" link add veth0 type veth peer name veth0 netns "$NS_B" || return 1
	ip -n "$NS_A" link set lo up
	ip -n "$NS_B" link set lo up
	ip -n "$NS_A" addr add "$ADDR_A/24" dev veth0
	ip -n "$NS_B" addr add "$ADDR_B/24" dev veth0
	ip -n "$NS_A" addr add "$ADDR6_A/64" dev veth0 nodad
	ip -n "$NS_B" addr add "$ADDR6_B/64" dev veth0 nodad
	ip -n "$NS_A" link set veth0 up
	ip -n "$NS_B" link set veth0 up
}

# veth_mac NS: the MAC address of veth0 in NS
veth_mac()
{
	ip -n "$1" -o link show veth0 | grep -o 'link/ether [0-9a-f:]*' | cut -d' ' -f2
}

# topo_neigh_permanent: each end of the topo_pair link knows the other's
# MAC for both families, for good.  A test that impairs the link with
# netem loss calls it, because neighbour discovery and ARP cross the same
# qdisc: three lost solicitations and the kernel fails the connection
# with EHOSTUNREACH, a verdict on the link and not on TCP.
topo_neigh_permanent()
{
	local mac_a mac_b

	mac_a=$(veth_mac "$NS_A")
	mac_b=$(veth_mac "$NS_B")
	[ -n "$mac_a" ] && [ -n "$mac_b" ] || return 1
	ip -n "$NS_A" neigh replace "$ADDR_B" lladdr "$mac_b" dev veth0 nud permanent &&
	ip -n "$NS_A" neigh replace "$ADDR6_B" lladdr "$mac_b" dev veth0 nud permanent &&
	ip -n "$NS_B" neigh replace "$ADDR_A" lladdr "$mac_a" dev veth0 nud permanent &&
	ip -n "$NS_B" neigh replace "$ADDR6_A" lladdr "$mac_a" dev veth0 nud permanent
}

in_a()
{
	ip netns exec "$NS_A" "$@"
}

in_b()
{
	ip netns exec "$NS_B" "$@"
}

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench-in-vm.sh - what `scripts/bench` runs inside the VM: atcp and Linux
# TCP side by side over the same veth pair, one table.
#
#   ATCP_PROTO       protocol number of atcp (default 253)
#   ATCP_BENCH_RUNS  runs per figure, the median is shown (default 3)
#   ATCP_BENCH_SECS  seconds per run (default 5)
#   ATCP_BENCH_ACCEL TCG or KVM (set by scripts/bench)
#   ATCP_BENCH_TW    TIME-WAIT entries to create (default 1000000; 0: none)
#   ATCP_BENCH_FLOOD 0 skips the SYN flood figures (default 1)
#   ATCP_BENCH_NETEM 0 skips bulk over impaired links (default 1)
#   ATCP_BENCH_MODES only these throughput, rate and latency figures, by
#                    run_once's MODE names (e.g. "bulk bulk:reorder")
#   ATCP_BENCH_EST   idle connections to hold for the memory figure
#                    (default 100000; 0: none)
#
# Each run gets a fresh pair of namespaces, so TIME_WAIT left by one run
# never slows the next.  A figure atcp cannot produce (no engine yet, a
# failure, a timeout) is shown as n/a; every step is bounded by timeout(1).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
tool=$top/selftests/vm/build/tool_bench
loop=$top/selftests/vm/build/tool_connloop
atcpize=$top/scripts/atcpize
flood=$top/selftests/vm/build/tool_synflood
tw_want=${ATCP_BENCH_TW:-1000000}
est_want=${ATCP_BENCH_EST:-100000}
proto=${ATCP_PROTO:-253}
runs=${ATCP_BENCH_RUNS:-3}
secs=${ATCP_BENCH_SECS:-5}
accel=${ATCP_BENCH_ACCEL:-unknown}
port=5201
NS_A=bench-a-$$
NS_B=bench-b-$$
NS_F=bench-f-$$
ADDR_B=198.18.0.2
ADDR6_B=2001:db8::2
ready=/tmp/bench-ready.$$
log=/tmp/bench-log.$$

# Placement, the same for every run: ATCP_BENCH_PIN=same (client and
# server on CPU 0; the default under TCG, where a wake-up across vCPUs waits
# for the host to schedule another vCPU thread and the figures scatter
# widely), split (client on CPU 0, server on CPU 1; the default otherwise)
# or none.
if [ "$accel" = TCG ]; then
	pin=${ATCP_BENCH_PIN:-same}
else
	pin=${ATCP_BENCH_PIN:-split}
fi
[ "$(nproc)" -ge 2 ] || [ "$pin" != split ] || pin=same
command -v taskset > /dev/null || pin=none
case $pin in
split) pin_client=(taskset -c 0) pin_server=(taskset -c 1)
       pin_desc="client on CPU 0, server on CPU 1" ;;
same) pin_client=(taskset -c 0) pin_server=(taskset -c 0)
      pin_desc="client and server on CPU 0" ;;
*) pin_client=() pin_server=() pin_desc="not pinned" ;;
esac

[ -x "$tool" ] && [ -x "$loop" ] ||
	{ echo "bench: $tool or $loop is not built (run make)" >&2; exit 2; }

topo_down()
{
	ip netns del "$NS_A" 2>/dev/null
	ip netns del "$NS_B" 2>/dev/null
	return 0
}

# The topology of selftests/vm/lib.sh's topo_pair.
topo_up()
{
	topo_down
	modprobe veth 2>/dev/null
	ip netns add "$NS_A" && ip netns add "$NS_B" &&
	ip -n "$NS_A" link add veth0 type veth peer name veth0 netns "$NS_B" &&
	ip -n "$NS_A" link set lo up &&
	ip -n "$NS_B" link set lo up &&
	ip -n "$NS_A" addr add 198.18.0.1/24 dev veth0 &&
	ip -n "$NS_B" addr add "$ADDR_B/24" dev veth0 &&
	ip -n "$NS_A" addr add 2001:db8::1/64 dev veth0 nodad &&
	ip -n "$NS_B" addr add "$ADDR6_B/64" dev veth0 nodad &&
	ip -n "$NS_A" link set veth0 up &&
	ip -n "$NS_B" link set veth0 up
}
trap 'topo_down; ip netns del "$NS_F" 2>/dev/null; rm -f "$ready" "$log"' EXIT

# iperf_once PROTO STREAMS: unmodified iperf3 for $secs s with STREAMS
# parallel streams, each end under atcpize (Linux TCP for protocol 0);
# prints "result mbps=M", what the receiver counted.
iperf_once()
{
	local p=$1 n=$2 spid i out rc=1 wrap=()

	[ "$p" = 0 ] || wrap=("$atcpize" run --protocol "$p")
	topo_up || { echo "bench: cannot set up the namespaces" >&2; return 1; }
	ip netns exec "$NS_B" timeout -k 5 $((secs * 4 + 60)) \
		"${pin_server[@]}" "${wrap[@]}" iperf3 -s -1 -B "$ADDR_B" -p $port \
		> /dev/null 2>> "$log" &
	spid=$!
	for i in $(seq 100); do
		ip netns exec "$NS_B" sh -c "cat /proc/net/tcp /proc/net/atcp 2>/dev/null" |
			grep -q ":$(printf %04X $port) 00000000:0000 0A" && break
		kill -0 "$spid" 2>/dev/null || break
		sleep 0.1
	done
	out=$(ip netns exec "$NS_A" timeout -k 5 $((secs + 60)) \
		"${pin_client[@]}" "${wrap[@]}" iperf3 -c "$ADDR_B" -p $port \
		-t "$secs" -P "$n" -J 2>> "$log")
	rc=$?
	kill "$spid" 2>/dev/null
	wait "$spid" 2>/dev/null
	topo_down
	[ $rc = 0 ] || { echo "iperf3 exit $rc" >> "$log"; return 1; }
	printf '%s\n' "$out" | python3 -c '
import json, sys
end = json.load(sys.stdin)["end"]
print("result mbps=%.1f" % (end["sum_received"]["bits_per_second"] / 1e6))'
}

# veth_mac NS: the MAC address of veth0 in NS
veth_mac()
{
	ip -n "$1" -o link show veth0 | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p'
}

# static_neighbours: each end's IPv4 and IPv6 neighbour entry for the
# other, permanent.
static_neighbours()
{
	local mac_a mac_b

	mac_a=$(veth_mac "$NS_A")
	mac_b=$(veth_mac "$NS_B")
	[ -n "$mac_a" ] && [ -n "$mac_b" ] &&
	ip -n "$NS_A" neigh replace "$ADDR_B" lladdr "$mac_b" dev veth0 nud permanent &&
	ip -n "$NS_A" neigh replace "$ADDR6_B" lladdr "$mac_b" dev veth0 nud permanent &&
	ip -n "$NS_B" neigh replace 198.18.0.1 lladdr "$mac_a" dev veth0 nud permanent &&
	ip -n "$NS_B" neigh replace 2001:db8::1 lladdr "$mac_a" dev veth0 nud permanent
}

# impair LINK: netem on the veth pair, 10 ms each way (a 20 ms RTT) and on
# the data's way (the client's egress) what LINK names: loss1 and loss5 (1
# and 5 % random loss), reorder (a quarter of the segments 10 ms early),
# or delay (nothing more).
impair()
{
	local data=()

	case $1 in
	loss1) data=(loss 1%) ;;
	loss5) data=(loss 5%) ;;
	reorder) data=(reorder 25% 50%) ;;
	delay) ;;
	*) echo "bench: unknown link $1" >&2; return 1 ;;
	esac
	modprobe sch_netem 2>/dev/null
	# netem would drop ARP and neighbour discovery too: a connect() whose
	# resolution lost every try fails with EHOSTUNREACH (seen once in a
	# hundred runs at 5 %), so the neighbours are fixed beforehand
	static_neighbours || return 1
	ip netns exec "$NS_A" tc qdisc add dev veth0 root netem limit 10000 \
		delay 10ms "${data[@]}" &&
	ip netns exec "$NS_B" tc qdisc add dev veth0 root netem limit 10000 \
		delay 10ms
}

# run_once PROTO MODE: one measurement; prints the "result ..." line.  A
# MODE ending in 6 is tool_bench's mode over IPv6, one ending in zc is sent
# with MSG_ZEROCOPY (tool_bench -Z); MODE:LINK is MODE over the impaired
# link LINK (see impair).
run_once()
{
	local p=$1 mode=$2 spid i out rc dst=$ADDR_B link= check=()
	case $mode in
	iperf*) iperf_once "$p" "${mode#iperf}"; return ;;
	*:*) link=${mode#*:} mode=${mode%%:*} ;;
	*6) mode=${mode%6} dst="[$ADDR6_B]" ;;
	*zc) mode=${mode%zc} check=(-Z) ;;
	esac
	topo_up || { echo "bench: cannot set up the namespaces" >&2; return 1; }
	if [ -n "$link" ] && ! impair "$link"; then
		topo_down
		return 1
	fi
	# over an impaired link the server checks every byte (tool_bench -V)
	[ -n "$link" ] && check=(-V)
	rm -f "$ready"
	ip netns exec "$NS_B" timeout -k 5 $((secs * 4 + 60)) \
		"${pin_server[@]}" "$tool" server -p "$p" -l "$dst:$port" -R "$ready" \
		> /dev/null 2>> "$log" &
	spid=$!
	for i in $(seq 100); do
		[ -e "$ready" ] && break
		kill -0 "$spid" 2>/dev/null || break
		sleep 0.1
	done
	rc=1
	if [ -e "$ready" ]; then
		out=$(ip netns exec "$NS_A" timeout -k 5 $((secs + 60)) \
			"${pin_client[@]}" "$tool" client -p "$p" -c "$dst:$port" -m "$mode" \
			-d "$secs" -n 4 "${check[@]}" 2>> "$log")
		rc=$?
	fi
	kill "$spid" 2>/dev/null
	wait "$spid" 2>/dev/null
	topo_down
	[ $rc = 0 ] || return 1
	printf '%s\n' "$out" | grep '^result '
}

# field LINE KEY: the value of KEY=... in a result line.
field()
{
	printf '%s\n' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"
}

median()
{
	sort -g | awk '{ v[NR] = $1 } END {
		if (NR == 0) print "n/a";
		else if (NR % 2) print v[(NR + 1) / 2];
		else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# record STACK MODE LINE: keep the figures of one run.
record()
{
	local v
	case $2 in
	bulk) v=$(field "$3" mbps); eval "$1_bulk+=(\"\$v\")" ;;
	iperf1) v=$(field "$3" mbps); eval "$1_ip1+=(\"\$v\")" ;;
	iperf8) v=$(field "$3" mbps); eval "$1_ip8+=(\"\$v\")" ;;
	crr) v=$(field "$3" cps); eval "$1_cps+=(\"\$v\")" ;;
	bulk6) v=$(field "$3" mbps); eval "$1_bulk6+=(\"\$v\")" ;;
	bulkzc) v=$(field "$3" mbps); eval "$1_bulkzc+=(\"\$v\")" ;;
	crr6) v=$(field "$3" cps); eval "$1_cps6+=(\"\$v\")" ;;
	bulk:*) v=$(field "$3" mbps); eval "$1_${2#bulk:}+=(\"\$v\")" ;;
	rr) v=$(field "$3" p50_us); eval "$1_p50+=(\"\$v\")"
	    v=$(field "$3" p99_us); eval "$1_p99+=(\"\$v\")" ;;
	esac
}

# result NAME: the median of the runs kept in array NAME, or n/a when a
# run failed.
result()
{
	local -n arr=$1
	if [ ${#arr[@]} = "$runs" ]; then
		printf '%s\n' "${arr[@]}" | median
	else
		echo n/a
	fi
}
ratio()
{
	case "$1$2" in
	*n/a*) echo n/a ;;
	*) awk -v a="$1" -v b="$2" 'BEGIN {
		if (b == 0) print "n/a"; else printf "%.2f\n", a / b }' ;;
	esac
}

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
echo "bench: $runs runs of ${secs}s per figure; atcp = protocol $proto, Linux TCP = protocol 0" >&2

# Runs alternate between the two stacks, so that drift in the machine's
# speed (TCG shares the host's CPUs) is spread over both columns alike.  A
# stack that fails a run is not run again for that figure.
a_bulk=() a_cps=() a_p50=() a_p99=() a_ip1=() a_ip8=() a_bulk6=() a_cps6=()
n_bulk=() n_cps=() n_p50=() n_p99=() n_ip1=() n_ip8=() n_bulk6=() n_cps6=()
a_delay=() a_loss1=() a_loss5=() a_reorder=() a_bulkzc=()
n_delay=() n_loss1=() n_loss5=() n_reorder=() n_bulkzc=()
modes="bulk bulkzc crr rr bulk6 crr6"
[ "${ATCP_BENCH_NETEM:-1}" = 1 ] &&
	modes+=" bulk:delay bulk:loss1 bulk:loss5 bulk:reorder"
if command -v iperf3 > /dev/null && [ -f "$top/scripts/libatcpize.so" ]; then
	modes+=" iperf1 iperf8"
fi
modes=${ATCP_BENCH_MODES:-$modes}
for mode in $modes; do
	a_ok=1 n_ok=1
	for r in $(seq "$runs"); do
		for stack in a n; do
			if [ $stack = a ]; then
				[ $a_ok = 1 ] || continue
				p=$proto
			else
				[ $n_ok = 1 ] || continue
				p=0
			fi
			if line=$(run_once "$p" "$mode"); then
				echo "bench: protocol $p, $mode run $r: ${line#result }" >&2
				record $stack $mode "$line"
			else
				echo "bench: protocol $p, $mode run $r failed:" \
					"$(tail -n 1 "$log" 2>/dev/null)" >&2
				eval "${stack}_ok=0"
			fi
		done
	done
done
for v in bulk bulkzc cps p50 p99 ip1 ip8 bulk6 cps6 delay loss1 loss5 reorder; do
	eval "a_$v=\$(result a_$v) n_$v=\$(result n_$v)"
done

# ---- TIME-WAIT entries ---------------------------------------------------------
#
# tw_run PROTO N: in a fresh pair of namespaces, N connections from NS_A to
# 32 ports of a Linux TCP server in NS_B, each closed by the client first
# (tool_connloop), so NS_A keeps a TIME-WAIT entry per connection.  Before
# and after, 2000 more connections to a 33rd port time connect-to-close
# with an empty table and with the entries in place: Linux keeps its
# TIME_WAIT socks in the established hash, so every lookup walks past
# them; atcp keeps its own table.  Sets TW_* for the table.
tw_run()
{
	local p=$1 n=$2 slab out t0 t1 line

	TW_N=n/a TW_B=n/a TW_SECS=n/a TW_EMPTY=n/a TW_FULL=n/a
	topo_up || return 1
	rm -f "$ready"
	ip netns exec "$NS_B" "$loop" server -l "$ADDR_B:20000-20032" -R "$ready" \
		> /dev/null 2>> "$log" &
	local spid=$!
	for _ in $(seq 100); do [ -e "$ready" ] && break; sleep 0.1; done
	if [ "$p" = 0 ]; then
		slab=tw_sock_TCP
		ip netns exec "$NS_A" sh -c 'echo 1024 65535 > /proc/sys/net/ipv4/ip_local_port_range;
			echo 2000000 > /proc/sys/net/ipv4/tcp_max_tw_buckets'
	else
		slab=atcp_tw
		ip netns exec "$NS_A" sh -c 'cd /proc/sys/net/atcp; echo 1024 65535 > local_port_range;
			echo 2000000 > max_tw_buckets; echo 3600 > tw_timeout'
	fi
	# conn_us: microseconds per connection of 2000 to port 20032
	conn_us()
	{
		ip netns exec "$NS_A" timeout -k 5 300 "${pin_client[@]}" "$loop" client -q \
			-p "$p" -c "$ADDR_B:20032" -n 2000 2>> "$log" |
			sed -n 's/.*cps=\([0-9]*\).*/\1/p' | awk '$1 > 0 { printf "%.0f\n", 1e6 / $1 }'
	}
	TW_EMPTY=$(conn_us)
	t0=$(date +%s.%N)
	out=$(ip netns exec "$NS_A" timeout -k 5 $((n / 100 + 300)) "$loop" client -q \
		-p "$p" -c "$ADDR_B:20000-20031" -n "$n" -j 2 2>> "$log")
	t1=$(date +%s.%N)
	echo "bench: protocol $p, $n TIME-WAIT connections: $out" >&2
	TW_SECS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", b - a }')
	# entries, and bytes of slab pages per entry, from the cache's line
	line=$(awk -v c="$slab" '$1 == c' /proc/slabinfo)
	if [ -n "$line" ]; then
		TW_N=$(echo "$line" | awk '{ print $2 }')
		TW_B=$(echo "$line" | awk '{ if ($2 > 0) printf "%.1f\n", $15 * $6 * 4096 / $2 }')
	fi
	[ "$p" = 0 ] && TW_N=$(ip netns exec "$NS_A" awk '$1 == "TCP:" { for (i = 2; i < NF; i++) if ($i == "tw") print $(i + 1) }' /proc/net/sockstat)
	TW_FULL=$(conn_us)
	kill "$spid" 2>/dev/null
	wait "$spid" 2>/dev/null
	topo_down
	[ "$out" != "${out#ok}" ]
}

if [ "$tw_want" -gt 0 ]; then
	tw_run "$proto" "$tw_want"
	a_twn=$TW_N a_twb=$TW_B a_tws=$TW_SECS a_twe=$TW_EMPTY a_twf=$TW_FULL
	# Linux TCP keeps TIME-WAIT 60 s, so it holds what it makes in the
	# last minute whatever the total: 100,000 are enough to fill that
	tw_linux=$(( tw_want < 100000 ? tw_want : 100000 ))
	tw_run 0 "$tw_linux"
	n_twn=$TW_N n_twb=$TW_B n_tws=$TW_SECS n_twe=$TW_EMPTY n_twf=$TW_FULL
fi

# ---- idle established connections ---------------------------------------------
#
# est_run PROTO N: N connections of PROTO from NS_A to 32 ports of a server
# of the same stack in NS_B (tool_connloop -H), held open and idle.  Sets
# EST_SOCK (the object size of the stack's socket cache: ATCP, TCP) and
# EST_B (the growth of all slab memory, /proc/meminfo's Slab, over the 2N
# sockets: what one idle end costs with its file, inode, dentry, hash
# entries and epoll item, which both stacks pay alike).
est_run()
{
	local p=$1 n=$2 spid cpid out="" s0 s1 cache=TCP

	EST_SOCK=n/a EST_B=n/a
	[ "$p" = 0 ] || cache=ATCP
	topo_up || return 1
	if [ "$p" = 0 ]; then
		ip netns exec "$NS_A" sh -c 'echo 1024 65535 > /proc/sys/net/ipv4/ip_local_port_range'
	else
		ip netns exec "$NS_A" sh -c 'echo 1024 65535 > /proc/sys/net/atcp/local_port_range'
	fi
	rm -f "$ready" "$ready.out"
	ip netns exec "$NS_B" timeout -k 5 900 "$loop" server -p "$p" \
		-l "$ADDR_B:20000-20031" -R "$ready" > /dev/null 2>> "$log" &
	spid=$!
	for _ in $(seq 100); do [ -e "$ready" ] && break; sleep 0.1; done
	sync
	echo 2 > /proc/sys/vm/drop_caches
	s0=$(awk '$1 == "Slab:" { print $2 }' /proc/meminfo)
	ip netns exec "$NS_A" timeout -k 5 900 "$loop" client -q -H -p "$p" \
		-c "$ADDR_B:20000-20031" -n "$n" -j 4 > "$ready.out" 2>> "$log" &
	cpid=$!
	for _ in $(seq 8000); do
		out=$(cat "$ready.out")
		[ -n "$out" ] && break
		kill -0 "$cpid" 2>/dev/null || break
		sleep 0.1
	done
	echo "bench: protocol $p, $n idle connections: $out" >&2
	if [ "$out" != "${out#ok}" ]; then
		sleep 2
		s1=$(awk '$1 == "Slab:" { print $2 }' /proc/meminfo)
		EST_B=$(awk -v a="$s0" -v b="$s1" -v n="$n" \
			'BEGIN { printf "%.0f\n", (b - a) * 1024 / (2 * n) }')
		EST_SOCK=$(awk -v c="$cache" '$1 == c { print $4 }' /proc/slabinfo)
	fi
	kill "$cpid" "$spid" 2>/dev/null
	wait "$cpid" "$spid" 2>/dev/null
	rm -f "$ready.out"
	topo_down
}

if [ "$est_want" -gt 0 ]; then
	est_run "$proto" "$est_want"
	a_ests=$EST_SOCK a_estb=$EST_B
	est_run 0 "$est_want"
	n_ests=$EST_SOCK n_estb=$EST_B
fi

# ---- a SYN flood ---------------------------------------------------------------
#
# flood_run PROTO: a server of PROTO with the default syncookies (1) and
# max_syn_backlog, flooded from a third namespace at 3000 spoofed SYNs/s
# (tool_synflood, sources in 198.19.0.0/16, whose SYN-ACKs go to a host
# that drops them); meanwhile 1000 connections from clients of the same
# stack, each with a 1-byte request and answer (tool_bench -m conn).  Sets
# FL_OK (% that succeeded), FL_P50 and FL_P99 (ms, socket() to answer) and
# FL_REQ (slab bytes of one SYN-queue entry: the cache's object size).
flood_run()
{
	local p=$1 spid fpid out line cache=request_sock_TCP

	FL_OK=n/a FL_P50=n/a FL_P99=n/a FL_REQ=n/a
	[ "$p" = 0 ] || cache=atcp_request
	topo_up || return 1
	ip netns add "$NS_F" &&
	ip -n "$NS_B" link add veth1 type veth peer name veth1 netns "$NS_F" &&
	ip -n "$NS_B" addr add 198.18.2.2/24 dev veth1 &&
	ip -n "$NS_F" addr add 198.18.2.1/24 dev veth1 &&
	ip -n "$NS_B" link set veth1 up && ip -n "$NS_F" link set veth1 up &&
	ip -n "$NS_F" route add 198.18.0.0/24 via 198.18.2.2 &&
	ip -n "$NS_B" route add 198.19.0.0/16 via 198.18.2.1 || return 1
	rm -f "$ready"
	ip netns exec "$NS_B" timeout -k 5 300 "${pin_server[@]}" "$tool" server \
		-p "$p" -l "$ADDR_B:$port" -R "$ready" > /dev/null 2>> "$log" &
	spid=$!
	for _ in $(seq 100); do [ -e "$ready" ] && break; sleep 0.1; done
	ip netns exec "$NS_F" timeout -k 5 300 "$flood" -s 198.19.0.0/16 \
		-d "$ADDR_B:$port" -t 240 -n 100000000 -r 3000 > /dev/null 2>> "$log" &
	fpid=$!
	sleep 5		# the SYN queue fills
	out=$(ip netns exec "$NS_A" timeout -k 5 280 "${pin_client[@]}" "$tool" client \
		-p "$p" -c "$ADDR_B:$port" -m conn -N 1000 -n 4 2>> "$log")
	echo "bench: protocol $p under a SYN flood: ${out#result }" >&2
	line=$(awk -v c="$cache" '$1 == c' /proc/slabinfo)
	[ -n "$line" ] && FL_REQ=$(echo "$line" | awk '{ print $4 }')
	kill "$fpid" "$spid" 2>/dev/null
	wait "$fpid" "$spid" 2>/dev/null
	ip netns del "$NS_F" 2>/dev/null
	topo_down
	FL_OK=$(field "$out" ok | awk '{ printf "%.1f\n", $1 / 10 }')
	FL_P50=$(field "$out" p50_ms)
	FL_P99=$(field "$out" p99_ms)
}

if [ "${ATCP_BENCH_FLOOD:-1}" = 1 ] && [ -x "$flood" ]; then
	flood_run "$proto"
	a_flok=$FL_OK a_fl50=$FL_P50 a_fl99=$FL_P99 a_flreq=$FL_REQ
	flood_run 0
	n_flok=$FL_OK n_fl50=$FL_P50 n_fl99=$FL_P99 n_flreq=$FL_REQ
fi

echo
echo "atcp bench: median of $runs runs of ${secs} s, over veth between two network namespaces"
echo "machine: $(nproc) vCPUs ($accel; $pin_desc), CPU ${cpu:-unknown}${ATCP_BENCH_HOST_CPU:+, host CPU $ATCP_BENCH_HOST_CPU}, kernel $(uname -r), $(awk '/MemTotal/ { printf "%d MiB", $2 / 1024 }' /proc/meminfo)"
[ "$proto" = 6 ] && echo "note: ATCP_PROTO=6, so the atcp column is Linux TCP too (native-vs-native baseline)"
fmt='%-34s | %12s | %12s | %11s\n'
printf "$fmt" metric "atcp ($proto)" "Linux TCP" atcp/native
printf '%s\n' "-----------------------------------+--------------+--------------+------------"
printf "$fmt" "bulk throughput, 1 conn (Mbit/s)" "$a_bulk" "$n_bulk" "$(ratio "$a_bulk" "$n_bulk")"
printf "$fmt" "  ... sent with MSG_ZEROCOPY" "$a_bulkzc" "$n_bulkzc" "$(ratio "$a_bulkzc" "$n_bulkzc")"
printf "$fmt" "connection rate, 4 thr (conn/s)" "$a_cps" "$n_cps" "$(ratio "$a_cps" "$n_cps")"
printf "$fmt" "1-byte RR latency p50 (us)" "$a_p50" "$n_p50" "$(ratio "$a_p50" "$n_p50")"
printf "$fmt" "1-byte RR latency p99 (us)" "$a_p99" "$n_p99" "$(ratio "$a_p99" "$n_p99")"
printf "$fmt" "bulk throughput, IPv6 (Mbit/s)" "$a_bulk6" "$n_bulk6" "$(ratio "$a_bulk6" "$n_bulk6")"
printf "$fmt" "connection rate, IPv6 (conn/s)" "$a_cps6" "$n_cps6" "$(ratio "$a_cps6" "$n_cps6")"
# ran MODE...: true when one of the modes was measured
ran()
{
	local m

	for m in "$@"; do
		case " $modes " in *" $m "*) return 0 ;; esac
	done
	return 1
}

if ran bulk:delay bulk:loss1 bulk:loss5 bulk:reorder; then
	printf "$fmt" "bulk, 20 ms RTT (Mbit/s)" "$a_delay" "$n_delay" "$(ratio "$a_delay" "$n_delay")"
	printf "$fmt" "  ... and 1% loss (Mbit/s)" "$a_loss1" "$n_loss1" "$(ratio "$a_loss1" "$n_loss1")"
	printf "$fmt" "  ... and 5% loss (Mbit/s)" "$a_loss5" "$n_loss5" "$(ratio "$a_loss5" "$n_loss5")"
	printf "$fmt" "  ... and reordering (Mbit/s)" "$a_reorder" "$n_reorder" "$(ratio "$a_reorder" "$n_reorder")"
fi
if ran iperf1 iperf8; then
	printf "$fmt" "iperf3 atcpize, 1 stream (Mbit/s)" "$a_ip1" "$n_ip1" "$(ratio "$a_ip1" "$n_ip1")"
	printf "$fmt" "iperf3 atcpize, 8 streams (Mbit/s)" "$a_ip8" "$n_ip8" "$(ratio "$a_ip8" "$n_ip8")"
fi
if [ "$est_want" -gt 0 ]; then
	echo
	echo "Idle established connections: $est_want, both ends in this VM, held open."
	printf "$fmt" "socket object (slab B)" "$a_ests" "$n_ests" "$(ratio "$a_ests" "$n_ests")"
	printf "$fmt" "slab per socket, all caches (B)" "$a_estb" "$n_estb" "$(ratio "$a_estb" "$n_estb")"
fi
if [ "$tw_want" -gt 0 ]; then
	echo
	echo "TIME-WAIT: atcp $tw_want connections, Linux TCP $tw_linux, each closed by the client"
	echo "first; Linux keeps an entry 60 s, so it holds only those of its last minute"
	echo "(atcp's tw_timeout is 3600 here).  Connection: connect to close, 2000 in a row."
	printf "$fmt" "entries held (with 2000 more)" "$a_twn" "$n_twn" "$(ratio "$a_twn" "$n_twn")"
	printf "$fmt" "memory per entry (slab bytes)" "$a_twb" "$n_twb" "$(ratio "$a_twb" "$n_twb")"
	printf "$fmt" "time to make them (s)" "$a_tws" "$n_tws" "n/a"
	printf "$fmt" "connection, table empty (us)" "$a_twe" "$n_twe" "$(ratio "$a_twe" "$n_twe")"
	printf "$fmt" "connection, entries held (us)" "$a_twf" "$n_twf" "$(ratio "$a_twf" "$n_twf")"
fi
if [ -n "${a_flok:-}" ]; then
	echo
	echo "SYN flood: 3000 spoofed SYNs/s at the server (syncookies 1, default"
	echo "max_syn_backlog); 1000 connections meanwhile, 1-byte request and answer."
	printf "$fmt" "connections that succeed (%)" "$a_flok" "$n_flok" "$(ratio "$a_flok" "$n_flok")"
	printf "$fmt" "connection latency p50 (ms)" "$a_fl50" "$n_fl50" "$(ratio "$a_fl50" "$n_fl50")"
	printf "$fmt" "connection latency p99 (ms)" "$a_fl99" "$n_fl99" "$(ratio "$a_fl99" "$n_fl99")"
	printf "$fmt" "memory per SYN-queue entry (B)" "$a_flreq" "$n_flreq" "$(ratio "$a_flreq" "$n_flreq")"
fi
exit 0

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_module - loading, unloading and the module's own interfaces:
# protocol number parameter, refusal of a taken number, refusal to unload
# while a socket is open, 102 load/unload cycles without a trace, automatic
# loading through the module alias, the per-namespace sysctl directory and
# /proc/net/atcp.
. "$(dirname "$0")/lib.sh"

case ${ATCP_PROTO:-253} in
0|6)
	tap_skip "ATCP_PROTO=$ATCP_PROTO is Linux TCP: this topic loads and unloads atcp.ko"
	tap_finish
	;;
esac

# py_socket PROTO: create an AF_INET stream socket; prints SO_PROTOCOL, or
# the errno name on failure and exits non-zero.
py_socket()
{
	"$ATCP_TOP/selftests/vm/build/tool_socket" "$1"
}

tap_ok "no atcp socket is left from earlier topics (within 180 s)" \
	atcp_wait_idle 180
atcp_unload
tap_is "without atcp, socket(..., $ATCP_PROTO) fails with EPROTONOSUPPORT" \
	"$(py_socket $ATCP_PROTO)" EPROTONOSUPPORT
tap_is "without atcp, socket(..., 0) is Linux TCP" "$(py_socket 0)" 6
tap_ok "no /proc/sys/net/atcp without atcp" test ! -e /proc/sys/net/atcp
tap_ok "no /proc/net/atcp without atcp" test ! -e /proc/net/atcp

atcp_load
tap_is "with atcp, socket(..., $ATCP_PROTO) is atcp" "$(py_socket $ATCP_PROTO)" "$ATCP_PROTO"
tap_ok "/proc/sys/net/atcp/ exists" test -d /proc/sys/net/atcp
tap_ok "/proc/net/atcp has the /proc/net/tcp header" \
	grep -q '^  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode' /proc/net/atcp

# ---- per network namespace --------------------------------------------------
ns=atcp-mod-$$
ip netns add $ns
tap_ok "/proc/sys/net/atcp/ exists in a new namespace" \
	ip netns exec $ns test -f /proc/sys/net/atcp/syn_retries
tap_ok "/proc/net/atcp exists in a new namespace" \
	ip netns exec $ns test -f /proc/net/atcp
echo 3 > /proc/sys/net/atcp/syn_retries
tap_is "a sysctl set in init_net" "$(cat /proc/sys/net/atcp/syn_retries)" 3
tap_is "does not show in another namespace" \
	"$(ip netns exec $ns cat /proc/sys/net/atcp/syn_retries)" 6
ip netns exec $ns sh -c 'echo 9 > /proc/sys/net/atcp/syn_retries'
tap_is "and the other namespace's change stays there" \
	"$(cat /proc/sys/net/atcp/syn_retries)/$(ip netns exec $ns cat /proc/sys/net/atcp/syn_retries)" 3/9
tap_fails "an out-of-range sysctl write is refused" \
	sh -c 'echo 0 > /proc/sys/net/atcp/syn_retries'
tap_is "and leaves the old value" "$(cat /proc/sys/net/atcp/syn_retries)" 3
echo 6 > /proc/sys/net/atcp/syn_retries
ip netns del $ns

# ---- unload with an open socket --------------------------------------------
fifo=$(mktemp -u /tmp/atcp-fifo.XXXXXX)
mkfifo "$fifo"
python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, int(sys.argv[1]))
print("open", flush=True)
sys.stdin.read()
' "$ATCP_PROTO" < "$fifo" > /tmp/atcp-holder.out &
holder=$!
exec 9> "$fifo"
for _ in $(seq 50); do grep -q open /tmp/atcp-holder.out 2>/dev/null && break; sleep 0.1; done
tap_is "a process holds an open atcp socket" "$(cat /tmp/atcp-holder.out)" open
tap_ok "the socket holds module references ($(cat /sys/module/atcp/refcnt))" \
	test "$(cat /sys/module/atcp/refcnt)" -gt 0
tap_fails "rmmod atcp is refused while the socket is open" rmmod atcp
tap_ok "atcp is still loaded after the refused rmmod" atcp_loaded
exec 9>&-
wait $holder
rm -f "$fifo" /tmp/atcp-holder.out
tap_is "closing the socket drops the reference" "$(cat /sys/module/atcp/refcnt)" 0
tap_ok "then rmmod atcp succeeds" rmmod atcp

# ---- unload with TIME-WAIT entries present -----------------------------------
# Entries hold no module reference: the unload must free them, with the
# namespace still alive, and stop its expiry timer (a timer firing into
# unloaded code would oops, which fails the VM run).
loop=$ATCP_TOP/selftests/vm/build/tool_connloop
atcp_load
if [ -x "$loop" ] && topo_pair; then
	ip netns exec "$NS_B" "$loop" server -l "$ADDR_B:28000" -R /tmp/atcp-tw.ready \
		> /dev/null 2>&1 &
	server=$!
	for _ in $(seq 50); do [ -e /tmp/atcp-tw.ready ] && break; sleep 0.1; done
	ip netns exec "$NS_A" "$loop" client -q -p "$ATCP_PROTO" \
		-c "$ADDR_B:28000" -n 20 | sed 's/^/# /'
	kill "$server"
	wait "$server" 2>/dev/null
	tap_is "20 TIME-WAIT entries in a live namespace" \
		"$(ip netns exec "$NS_A" awk '$4 == "06"' /proc/net/atcp | wc -l)" 20
	tap_ok "rmmod atcp succeeds with them" rmmod atcp
	tap_ok "and their slab cache is gone" sh -c '! grep -q "^atcp_tw " /proc/slabinfo'
	sleep 1		# where a stray expiry timer would fire
	topo_cleanup
	rm -f /tmp/atcp-tw.ready
else
	tap_skip "tool_connloop is not built, or no namespaces"
fi

# ---- protocol= parameter ------------------------------------------------------
insmod "$ATCP_KO" protocol=254
tap_is "protocol=254: /sys/module/atcp/parameters/protocol" \
	"$(cat /sys/module/atcp/parameters/protocol)" 254
tap_is "protocol=254: socket(..., 254) is atcp" "$(py_socket 254)" 254
tap_is "protocol=254: socket(..., 253) is not" "$(py_socket 253)" EPROTONOSUPPORT
rmmod atcp

for bad in 0 6 263 -1; do
	before=$(dmesg | wc -l)
	tap_fails "protocol=$bad is refused at load" insmod "$ATCP_KO" protocol=$bad
	msg=$(dmesg | tail -n +$((before + 1)))
	tap_ok "protocol=$bad: the log says why" grep -q "protocol=$bad is not usable" <<< "$msg"
	atcp_unload
done

# A number another SOCK_STREAM protocol already answers: MPTCP (262) is
# built into the Debian kernel; SCTP (132) is a module.
for taken in 262 132; do
	[ $taken = 132 ] && modprobe sctp 2>/dev/null
	if [ "$(py_socket $taken)" != "$taken" ]; then
		tap_skip "protocol=$taken: no other protocol answers $taken here"
		tap_skip "protocol=$taken: log message"
		continue
	fi
	before=$(dmesg | wc -l)
	tap_fails "protocol=$taken (already taken) is refused at load" \
		insmod "$ATCP_KO" protocol=$taken
	msg=$(dmesg | tail -n +$((before + 1)))
	tap_ok "protocol=$taken: the log says it is taken" \
		grep -q "protocol=$taken is already taken" <<< "$msg"
	atcp_unload
done
rmmod sctp 2>/dev/null

# ---- 102 load/unload cycles -----------------------------------------------
atcp_unload
# slab_snap FILE: each slab cache's objects in use and their size
# ("name objects size", sorted), measured the same way each time:
# dentries and inodes dropped, and every cache shrunk, which returns the
# free objects kept in per-CPU and partial slabs (without that, a cache's
# count moves by a slab's worth of objects from one look to the next).
# Prints SUnreclaim in kB.
slab_snap()
{
	local f

	echo 3 > /proc/sys/vm/drop_caches
	for f in /sys/kernel/slab/*/shrink; do
		echo 1 > "$f" 2>/dev/null
	done
	awk 'NR > 2 { print $1, $2, $4 }' /proc/slabinfo | sort > "$1"
	awk '/^SUnreclaim:/ { print $2 }' /proc/meminfo
}
insmod "$ATCP_KO"
caches=$(grep -cE '^(ATCP|atcp_)' /proc/slabinfo)
rmmod atcp		# and this warmed up one-time allocations
sleep 2		# deferred frees
# Three rounds of 34 cycles, the slabs counted before and after each.  A
# leak leaves at least one object behind per cycle, in every round; the
# kernel's own churn (a new slab of another task's objects, work that
# runs on its own) moves a cache in one round, by chance, not in all
# three the same way.
before_slab=$(slab_snap /tmp/atcp-slab.0)	# drop_caches logs a line
before_log=$(dmesg | wc -l)
ok=0
for round in 1 2 3; do
	for i in $(seq 34); do
		insmod "$ATCP_KO" || break 2
		py_socket "$ATCP_PROTO" > /dev/null || break 2
		# The closed socket holds the module until its RCU-deferred
		# free (SOCK_RCU_FREE): on a busy host a grace period can
		# outlast the next command, so rmmod may take a few tries.
		for _ in $(seq 50); do
			rmmod atcp 2>/dev/null && break
			sleep 0.1
		done
		atcp_loaded && break 2
		ok=$((ok + 1))
	done
	sleep 2		# RCU-deferred frees
	after_slab=$(slab_snap /tmp/atcp-slab.$round)
done
# all the cycles logged, but for the counts' drop_caches lines and the
# clocksource watchdog's (an emulated CPU on a busy host reads its clocks
# late: "Long readout interval, skipping watchdog check")
newlog=$(dmesg | tail -n +$((before_log + 1)) |
	 grep -v -e ': drop_caches: ' -e 'clocksource: ')
tap_is "102 load/unload cycles (each creating a socket)" "$ok" 102
printf '%s\n' "$newlog" | grep . | sed 's/^/# log: /'
tap_is "the cycles leave no line in the kernel log" \
	"$(printf '%s' "$newlog" | grep -c .)" 0
tap_diag "unreclaimable slab before $before_slab kB, after $after_slab kB"
# One leak is the kernel's: under slub_debug's user tracking, destroying a
# cache leaves its debugfs directory's dentry and inode behind (6.1's
# debugfs_slab_release() drops no reference of its debugfs_lookup()), one
# for each of atcp's $caches caches a cycle; those are taken off the
# dentry and inode caches' growth.
# round_growth N: "objects cache" grown in round N, kernel leak taken off
round_growth()
{
	join "/tmp/atcp-slab.$(($1 - 1))" "/tmp/atcp-slab.$1" |
		awk -v kernel=$((34 * caches)) '
			{ n = $4 - $2 }
			$1 == "dentry" || $1 == "inode_cache" ||
			$1 == "lsm_inode_cache" { n -= kernel }
			{ print $1, n }'
}
# the least each cache grew in a round; the five largest, last the most
growth=$(join <(round_growth 1 | sort) <(round_growth 2 | sort) |
	 join - <(round_growth 3 | sort) |
	 awk '{ m = $2; if ($3 < m) m = $3; if ($4 < m) m = $4
		print m, $1, $2 "/" $3 "/" $4 }' | sort -n | tail -n 5)
printf '%s\n' "$growth" | sed 's/^/# grew (objects, least of three rounds, cache, each round): /'
read -r most cache rounds <<< "$(printf '%s\n' "$growth" | tail -n 1)"
tap_ok "no slab cache grew by an object a cycle in each of three rounds (most: $cache, $rounds)" \
	test "$most" -lt 34
tap_ok "no ATCP slab cache is left behind" sh -c '! grep -q "^ATCP " /proc/slabinfo'

# ---- automatic loading through the module alias ---------------------------
kver=$(uname -r)
modroot=/tmp/atcp-modroot
mkdir -p $modroot/lib/modules/$kver/updates
cp "$ATCP_KO" $modroot/lib/modules/$kver/updates/
cp /lib/modules/$kver/modules.builtin* /lib/modules/$kver/modules.order $modroot/lib/modules/$kver/
depmod -b $modroot $kver 2>&1 | sed 's/^/# depmod: /'
grep 253 $modroot/lib/modules/$kver/modules.alias | sed 's/^/# alias: /'
tap_ok "modules.alias maps net-pf-2-proto-253-type-1 to atcp" \
	grep -q 'net_pf_2_proto_253_type_1 atcp\|net-pf-2-proto-253-type-1 atcp' \
	$modroot/lib/modules/$kver/modules.alias
# The kernel runs its module loader from the VM's initramfs root, where the
# shared root is mounted at $ATCP_VM_ROOT.
old_modprobe=$(cat /proc/sys/kernel/modprobe)
cat > /tmp/atcp-modprobe <<EOF
#!/bin/sh
exec chroot ${ATCP_VM_ROOT:-/} /sbin/modprobe -d $modroot "\$@"
EOF
chmod +x /tmp/atcp-modprobe
echo "${ATCP_VM_ROOT:-}/tmp/atcp-modprobe" > /proc/sys/kernel/modprobe
atcp_unload
tap_is "with atcp installed, socket(..., 253) loads it" "$(py_socket 253)" 253
tap_ok "and the module is then loaded" atcp_loaded
echo "$old_modprobe" > /proc/sys/kernel/modprobe
rm -rf $modroot /tmp/atcp-modprobe
atcp_load

tap_finish

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_memory - protocol memory: the pages atcp's queues hold are counted
# (MemPages in /proc/net/atcp_stat) against the three limits of the "mem"
# sysctl, as Linux counts TCP's against tcp_mem.  The knob (only in the
# initial namespace, tcp_mem's value at load, ordered triples); a receiver
# and a sender that stop near the hard limit and deliver every byte once
# the reader reads; memory pressure entered, counted and left; orphans
# over the hard limit reset at close() and at their next timeout; and
# every page given back once the sockets are gone.
#
# The limits are protocol-wide: the cases set them in the initial
# namespace and put them back at the end, with net.core.rmem_max and
# wmem_max raised for buffers of 32 MB.  The sock layer checks them
# against a total that leaves out up to net.core.mem_pcpu_rsv pages per
# CPU (256 at least), as it does for Linux TCP: the bounds allow for that.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_conn.sh"

sc_topic memory 30
atcp_only "protocol memory accounting is atcp's"

MEM=/proc/sys/net/atcp/mem
BYTES=16000000
LIMITS="1024 1536 2048"
HARD=2048
# how far the checked total may lag behind the pages counted
LAG=$(( $(nproc) * $(cat /proc/sys/net/core/mem_pcpu_rsv 2>/dev/null || echo 0) ))
# the most a queue may hold under LIMITS: the hard limit, the lag, a
# segment of 64 kB
MOST=$(( (HARD + LAG) * 4096 + 65536 ))
old_mem=$(cat "$MEM")
old_rmax=$(cat /proc/sys/net/core/rmem_max)
old_wmax=$(cat /proc/sys/net/core/wmem_max)

# shellcheck disable=SC2317 # invoked by the EXIT trap
restore()
{
	echo "$old_mem" > "$MEM"
	echo "$old_rmax" > /proc/sys/net/core/rmem_max
	echo "$old_wmax" > /proc/sys/net/core/wmem_max
	cleanup
}
trap restore EXIT

# mem_pages: the pages atcp holds now
mem_pages()
{
	atcp_stat "$NS_A" MemPages
}

# pressure: "yes" when atcp is under memory pressure (/proc/net/protocols)
pressure()
{
	awk '$1 == "ATCP" { print $5 }' /proc/net/protocols
}

# mem_put VALUE: write the knob; the error, or "ok"
mem_put()
{
	local err

	if err=$(bash -c "echo '$1' > $MEM" 2>&1); then
		echo ok
	else
		case $err in
		*"Invalid argument"*) echo EINVAL ;;
		*) echo "error: $err" ;;
		esac
	fi
}

mem_value()
{
	tr -s ' \t' '  ' < "$MEM"
}

# wait_pages DESC WANT: a point passing once atcp holds WANT pages (5 s)
wait_pages()
{
	local got i

	for ((i = 0; i < 100; i++)); do
		got=$(mem_pages)
		[ "$got" = "$2" ] && break
		sleep 0.05
	done
	tap_is "$1" "$got" "$2"
}

# pair TAG SOCKOPT POINT...: an atcp client in NS_A, with SOCKOPT set
# before connect(), connected to a Linux server in NS_B on $port; when
# that fails, each POINT fails, the limits go back, and false.
pair()
{
	local tag=$1 opt=$2

	shift 2
	sc_pair "$P" 0 $port "socket" "sockopt $opt" && return 0
	no_connection "$tag" "$@"
	sc_stop c
	sc_stop s
	echo "$old_mem" > "$MEM"
	return 1
}

# ---- the knob ------------------------------------------------------------------

tap_is "mem: starts at tcp_mem's value" "$(mem_value)" \
	"$(tr -s ' \t' '  ' < /proc/sys/net/ipv4/tcp_mem)"
ip netns exec "$NS_A" test ! -e "$MEM"
tap_result $? "mem: another namespace has no mem, as it has no tcp_mem"
tap_is "mem: 100 200 300 is accepted" "$(mem_put "100 200 300")" ok
tap_is "mem: and reads back" "$(mem_value)" "100 200 300"
for bad in "300 200 100" "100 300 200" "-1 200 300" "100 200 9223372036854775808"; do
	tap_is "mem: '$bad' is refused with EINVAL" "$(mem_put "$bad")" EINVAL
	tap_is "mem: and the value stays 100 200 300" "$(mem_value)" "100 200 300"
done
echo "$old_mem" > "$MEM"

echo 33554432 > /proc/sys/net/core/rmem_max
echo 33554432 > /proc/sys/net/core/wmem_max
base=$(mem_pages)
tap_diag "atcp holds $base pages before the cases; mem is $(mem_value)"
port=7100

# ---- a receiver that does not read ---------------------------------------------

# fill N: s sends without blocking until N bytes are queued or 4 s passed;
# the bytes in $SENT
fill()
{
	local i

	SENT=0
	for ((i = 0; i < 40 && SENT < $1; i++)); do
		sc s "send-nb $(($1 - SENT))"
		[[ $R == "ok "* ]] && SENT=$((SENT + ${R#ok }))
		sleep 0.1
	done
}

# receiver_case LIMITS: an atcp client with a 32 MB receive buffer that
# does not read, a Linux server that sends it 16 MB; with LIMITS as mem,
# or the default
receiver_case()
{
	local limits=$1 tag held before after drops0 least counted

	tag="atcp receiver, mem ${limits:-default}"
	before=$(atcp_stat "$NS_A" MemoryPressures)
	drops0=$(atcp_stat "$NS_A" RcvQDrop)
	[ -z "$limits" ] || echo "$limits" > "$MEM"
	pair "$tag" "rcvbuf 16000000" "the data is held" "all of it is read" ||
		return
	fill $BYTES
	sleep 1
	sc c "inq"
	held=${R#ok }
	tap_diag "$tag: the server sent $SENT bytes, the client holds $held," \
		"in $(mem_pages) pages; pressure: $(pressure)"
	if [ -z "$limits" ]; then
		tap_ok "$tag: the client holds 12 MB or more ($held)" \
			test "$held" -ge 12000000
	else
		tap_ok "$tag: the client holds no more than the hard limit allows ($held <= $MOST)" \
			test "$held" -le "$MOST"
		least=$(( (HARD * 3 / 4 - LAG) * 4096 - 1048576 ))
		tap_ok "$tag: and the pressure limit's worth or more ($held >= $least)" \
			test "$held" -ge "$least"
		counted=$(($(mem_pages) * 4096))
		tap_ok "$tag: and so many pages are counted ($counted <= $((MOST + 65536)))" \
			test "$counted" -le $((MOST + 65536))
		tap_is "$tag: atcp is under pressure (/proc/net/protocols)" \
			"$(pressure)" yes
		after=$(atcp_stat "$NS_A" MemoryPressures)
		tap_is "$tag: counted in MemoryPressures" $((after - before)) 1
		tap_ok "$tag: segments beyond the limit are dropped (RcvQDrop)" \
			test "$(atcp_stat "$NS_A" RcvQDrop)" -gt "$drops0"
	fi
	sc c "recv $SENT"
	tap_is "$tag: the client reads all $SENT bytes, intact" "$R" "ok $SENT"
	sc_stop c
	sc_stop s
	echo "$old_mem" > "$MEM"
	wait_pages "$tag: every page is given back" "$base"
	tap_is "$tag: no pressure after" "$(pressure)" no
	port=$((port + 1))
}

receiver_case ""
receiver_case "$LIMITS"
tap_ok "the time under pressure is counted in MemoryPressuresChrono" \
	test "$(atcp_stat "$NS_A" MemoryPressuresChrono)" -gt 0

# ---- a sender whose peer does not read -----------------------------------------

# sender_case LIMITS: an atcp client with a 32 MB send buffer queues 16 MB
# for a Linux server that does not read yet
sender_case()
{
	local limits=$1 tag queued i

	tag="atcp sender, mem ${limits:-default}"
	[ -z "$limits" ] || echo "$limits" > "$MEM"
	pair "$tag" "sndbuf 16000000" "the data is queued" "all of it arrives" ||
		return
	sc c "send-nb $BYTES"
	queued=${R#ok }
	sc c "outq"
	tap_diag "$tag: send-nb took $queued bytes; outq $R; $(mem_pages) pages"
	if [ -z "$limits" ]; then
		tap_is "$tag: send-nb takes all $BYTES bytes" "$queued" $BYTES
	else
		tap_ok "$tag: send-nb takes no more than the hard limit allows ($queued <= $MOST)" \
			test "$queued" -le "$MOST"
		# wmem[0], which the sock layer grants a socket in any case
		tap_ok "$tag: and 4096 bytes or more" test "$queued" -ge 4096
	fi
	# the server reads while the client sends the rest as room allows
	sc_send s "recv $BYTES"
	for ((i = 0; i < 600 && queued < BYTES; i++)); do
		sc c "send-nb $((BYTES - queued))"
		[[ $R == "ok "* ]] && queued=$((queued + ${R#ok }))
		[ "$queued" -lt $BYTES ] && sleep 0.05
	done
	sc_get s
	tap_is "$tag: the server reads all $BYTES bytes, intact" "$R" "ok $BYTES"
	sc_stop c
	sc_stop s
	echo "$old_mem" > "$MEM"
	wait_pages "$tag: every page is given back" "$base"
	port=$((port + 1))
}

sender_case ""
sender_case "$LIMITS"

# ---- orphans over the hard limit -----------------------------------------------

# orphan_case WHEN: an atcp client queues 4 MB that a Linux server does
# not read, and closes; mem drops to 16 32 64 pages before the close
# (WHEN "close") or after it (WHEN "timer")
orphan_case()
{
	local when=$1 tag before after

	tag="orphan over the hard limit, at its $when"
	before=$(atcp_stat "$NS_A" AbortOnMemory)
	pair "$tag" "sndbuf 16000000" "it is reset" "counted in AbortOnMemory" ||
		return
	sc c "send-nb 4000000"
	tap_diag "$tag: queued ${R#ok } bytes, $(mem_pages) pages"
	sleep 0.5
	[ "$when" = close ] && echo "16 32 64" > "$MEM"
	sc c "close"
	if [ "$when" = timer ]; then
		tap_is "$tag: kept at close(), within the limits" \
			"$(states "$NS_A" "$P" $port)" FIN-WAIT-1
		echo "16 32 64" > "$MEM"
		wait_states "$tag: reset at its next timeout" "$NS_A" "$P" $port "" 15
	else
		wait_states "$tag: reset at once" "$NS_A" "$P" $port "" 1
	fi
	after=$(atcp_stat "$NS_A" AbortOnMemory)
	tap_is "$tag: counted in AbortOnMemory" $((after - before)) 1
	sc s "sockerr"
	tap_is "$tag: the server sees the reset" "$R" "ok ECONNRESET"
	sc_stop c
	sc_stop s
	echo "$old_mem" > "$MEM"
	wait_pages "$tag: every page is given back" "$base"
	port=$((port + 1))
}

orphan_case close
orphan_case timer

tap_finish

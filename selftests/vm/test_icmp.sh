#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_icmp - ICMP errors about atcp connections, each case for atcp and,
# as the reference, for Linux TCP:
#
#  - connect() to an address the router has an "unreachable" route for:
#    the router's ICMP host unreachable fails it with EHOSTUNREACH at once;
#  - connect() whose SYN draws an ICMP port unreachable (forged with scapy
#    by the router, which blackholes the SYN): ECONNREFUSED;
#  - the same error quoting a sequence number outside the window is
#    ignored: the connect() times out (syn_retries 1) instead, and atcp
#    counts it in OutOfWindowIcmps;
#  - path MTU discovery (RFC 1191): 1 MiB sent through a router whose next
#    link has an MTU of 1280 (the receiver, on 1500, advertises MSS 1460)
#    arrives intact, and the route learns the MTU from the router's
#    fragmentation-needed errors;
#  - the same over IPv6, where the router's ICMPv6 packet too big errors
#    teach it (1280 is IPv6's minimum MTU, so the path needs no more);
#  - path MTU probing (RFC 4821, sysctl mtu_probing) through a black hole:
#    the router sends no ICMP errors at all.  With mtu_probing 0 atcp's
#    data never gets through; with 1, timeouts make the sender fall back to
#    base_mss and probe up: to an MSS of 1228 (MTU 1280) over IPv4, of
#    1205 (MTU 1277, within probe_threshold of 1280) over IPv6, for atcp
#    and for Linux alike; over IPv4, 1 MiB more finds the search over
#    under probe_interval 600, and makes it start again under 1;
#  - mtu_probing 2 over the 1500 link: the MSS starts at base_mss (1024,
#    600 when set so) and the search ends at 1441 (MTU 1493, within
#    probe_threshold of 1500); probe_threshold 1000 stops it at 1024;
#  - a black hole of MTU 576: after base_mss the next timeout halves the
#    MSS to 512, which passes, unless mtu_probe_floor (600) forbids it;
#  - RFC 6069: data to C vanishes at B (a blackhole route) and is sent
#    again on each timeout; B answers the fourth transmission with an ICMP
#    network unreachable (ICMPv6: no route).  The next timeout comes as
#    soon after it as the one before came before it (the RTO's last
#    doubling undone), not twice as late, for atcp and Linux, over both
#    families;
#  - redirects: B answers the SYN of a connect() to its black hole with a
#    redirect to a better first hop on A's link (198.18.0.3, fe80::3,
#    whose link-layer address 02:00:00:00:00:03 nobody has): the route
#    learns it (ip route get), and the SYN sent again a second later goes
#    to it, for atcp and Linux alike, over IPv4 (an ICMP host redirect
#    from B's address) and IPv6 (an ND Redirect from B's link-local
#    address, with the SYN in its Redirected Header option).  Linux
#    applies a redirect that quotes a segment only through the socket
#    that sent it, so without atcp's part the route learns nothing.  A
#    redirect quoting a sequence number outside the window changes
#    nothing, and atcp counts it in OutOfWindowIcmps.
#
# Topology: A (198.18.0.1, 2001:db8::1) -- B (router: 198.18.0.2,
# 2001:db8::2; towards C over an MTU 1280 link, 198.18.1.1, 2001:db8:1::1)
# -- C (198.18.1.2, 2001:db8:1::2).  B routes 198.18.9.5 to "unreachable"
# and blackholes 198.18.9.7 and 2001:db8:9::7.  The "atcp" protocol is
# $ATCP_PROTO.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_conn.sh"

ICMPTOOL=$ATCP_TOP/selftests/vm/tool_icmp.py
PY=/usr/bin/python3
NS_C=atcp-c-$$
ADDR_C=198.18.1.2
ADDR6_C=2001:db8:1::2
UNREACH=198.18.9.5
BLACKHOLE=198.18.9.7
BLACKHOLE6=2001:db8:9::7

icmp_cleanup()
{
	cleanup
	ip netns del "$NS_C" 2>/dev/null
}

sc_topic icmp 20
trap icmp_cleanup EXIT

# C, a third namespace behind B, which routes.
topology()
{
	ip netns add "$NS_C" || return 1
	ip -n "$NS_B" link add veth1 mtu 1280 type veth peer name veth0 \
		netns "$NS_C" || return 1
	ip -n "$NS_C" link set lo up
	ip -n "$NS_B" addr add 198.18.1.1/24 dev veth1
	ip -n "$NS_C" addr add "$ADDR_C/24" dev veth0
	ip -n "$NS_B" link set veth1 up
	ip -n "$NS_C" link set veth0 up
	ip netns exec "$NS_B" sysctl -qw net.ipv4.ip_forward=1
	ip -n "$NS_A" route add 198.18.1.0/24 via "$ADDR_B"
	ip -n "$NS_A" route add 198.18.9.0/24 via "$ADDR_B"
	ip -n "$NS_C" route add default via 198.18.1.1
	ip -n "$NS_B" route add unreachable "$UNREACH/32"
	ip -n "$NS_B" route add blackhole "$BLACKHOLE/32"
	ip -n "$NS_B" addr add 2001:db8:1::1/64 dev veth1 nodad
	ip -n "$NS_C" addr add "$ADDR6_C/64" dev veth0 nodad
	ip netns exec "$NS_B" sysctl -qw net.ipv6.conf.all.forwarding=1
	ip -n "$NS_A" -6 route add 2001:db8:1::/64 via "$ADDR6_B"
	ip -n "$NS_A" -6 route add 2001:db8:9::/64 via "$ADDR6_B"
	ip -n "$NS_B" -6 route add blackhole "$BLACKHOLE6/128"
	ip -n "$NS_C" -6 route add default via 2001:db8:1::1
}
topology || { tap_result 1 "set up the three namespaces"; tap_finish; }

# One tool_icmp in B forges every message of the topic: loading scapy
# takes ten seconds under TCG.
fifo_start icmp timeout -k 5 900 ip netns exec "$NS_B" "$PY" "$ICMPTOOL" --serve
IFS= read -r -t 120 -u "${SC_OUT[icmp]}" R || R="no reply $(cat "$TMP/icmp.err")"
expect "tool_icmp serves in B" serving "$R"

# forge_start TYPE CODE PORT [ARGS...]: B answers the first SYN to
# $BLACKHOLE:PORT with that ICMP error; forge_wait reports it.
forge_start()
{
	local type=$1 code=$2 port=$3

	shift 3
	forge_bpf "tcp dst port $port and tcp[tcpflags] & tcp-syn != 0" \
		"$type" "$code" "$@"
}

# forge_bpf BPF TYPE CODE [ARGS...]: the same, for the first segment BPF
# matches (ARGS: tool_icmp's options).
forge_bpf()
{
	local bpf=$1 type=$2 code=$3 r

	shift 3
	printf '%q ' veth0 "$bpf" "$type" "$code" "$@" >&"${SC_IN[icmp]}"
	echo >&"${SC_IN[icmp]}"
	IFS= read -r -t 30 -u "${SC_OUT[icmp]}" r || r="no reply"
	[ "$r" = ready ] && return 0
	tap_diag "tool_icmp did not start: $r $(cat "$TMP/icmp.err")"
	return 1
}

# forge_wait: tool_icmp's result for the message of the last forge_bpf
forge_wait()
{
	local r

	IFS= read -r -t 60 -u "${SC_OUT[icmp]}" r ||
		r="no reply $(cat "$TMP/icmp.err")"
	tap_diag "tool_icmp: $r"
}

port=24000

for cp in "$P" 0; do
	name=$(proto_name "$cp")

	# ---- host unreachable from a router ----------------------------
	tag="$name connect() to a host the router cannot reach"
	sc_start c "$NS_A" "$cp"
	sc c "connect $UNREACH:$port"
	expect "$tag: EHOSTUNREACH" "err EHOSTUNREACH*" "$R"
	sc_stop c
	port=$((port + 1))

	# ---- port unreachable ------------------------------------------
	tag="$name connect() answered by ICMP port unreachable"
	sc_start c "$NS_A" "$cp"
	if forge_start 3 3 $port; then
		sc c "connect $BLACKHOLE:$port"
		forge_wait
		expect "$tag: ECONNREFUSED" "err ECONNREFUSED*" "$R"
	else
		tap_result 1 "$tag: ECONNREFUSED (no ICMP forger)"
	fi
	sc_stop c
	port=$((port + 1))

	# ---- an error outside the window ------------------------------
	tag="$name connect(), ICMP unreachable quoting a foreign sequence number"
	knob "$NS_A" "$cp" syn_retries 1
	[ "$cp" != 0 ] && before=$(atcp_stat "$NS_A" OutOfWindowIcmps)
	sc_start c "$NS_A" "$cp"
	if forge_start 3 1 $port --seq-delta 100000; then
		sc c "connect $BLACKHOLE:$port"
		forge_wait
		expect "$tag: ignored, connect() times out" "err ETIMEDOUT*" "$R"
		if [ "$cp" != 0 ]; then
			after=$(atcp_stat "$NS_A" OutOfWindowIcmps)
			tap_is "$tag: counted in OutOfWindowIcmps" \
				"$((after - before))" 1
		fi
	else
		tap_result 1 "$tag: ignored, connect() times out (no ICMP forger)"
		[ "$cp" != 0 ] &&
			tap_result 1 "$tag: counted in OutOfWindowIcmps (no ICMP forger)"
	fi
	sc_stop c
	knob "$NS_A" "$cp" syn_retries 6
	port=$((port + 1))
done

# ---- RFC 6069: an unreachable undoes the RTO's last doubling ----------------

# ld_case DST PREFIX SRC: the client's data to C (at DST) vanishes at B
# (a blackhole route for DST/PREFIX) and is sent again on each timeout;
# B answers the fourth transmission, a timeout's at least, with a network
# unreachable (ICMPv6: no route) from SRC.  From a capture on B, LD_GAPS:
# the milliseconds from the transmission before the answered one to it,
# and from it to the next.
ld_case()
{
	local dst=$1 prefix=$2 src=$3 cap=$TMP/ld.$port.pcap type=3 at=$1 times

	[[ $dst == *:* ]] && type=1 at="[$dst]"
	LD_GAPS=""
	sc_start c "$NS_A" "$cp"
	sc_start s "$NS_C" 0
	sc s "listen $at:$port"
	sc c "connect $at:$port"
	sc s "accept"
	if [[ $R != ok* ]]; then
		tap_diag "$tag: no connection: $R"
		sc_stop c
		sc_stop s
		return 1
	fi
	ip -n "$NS_B" route add blackhole "$dst/$prefix"
	cap_start "$NS_B" "$cap" \
		"(tcp dst port $port and len > 200) or icmp or icmp6" 30
	forge_bpf "tcp dst port $port and len > 200" $type 0 --nth 4 \
		--src "$src" || tap_diag "$tag: no ICMP forger"
	sc c "send 1000"
	forge_wait
	sleep 3
	cap_stop
	ip -n "$NS_B" route del blackhole "$dst/$prefix"
	sc_stop c
	sc_stop s
	times=$(tcpdump -tt -n -r "$cap" 2>/dev/null | grep -v 'neighbor')
	tap_diag "$tag: $(printf '%s\n' "$times" | awk '{ printf "%s %s; ", $1, ($0 ~ /ICMP/ ? "ICMP" : "data") }')"
	LD_GAPS=$(printf '%s\n' "$times" | awk '
		/ICMP.*unreachable/ { if (!icmp && n) icmp = n; next }
		/Flags/ { t[++n] = $1 * 1000 }
		END {
			if (icmp < 2 || n <= icmp) exit
			printf "%d %d", t[icmp] - t[icmp - 1], t[icmp + 1] - t[icmp]
		}')
}

for fam in 4 6; do
	for cp in "$P" 0; do
		tag="$(proto_name "$cp") data into a black hole, an unreachable for its fourth sending"
		if [ $fam = 4 ]; then
			ld_case "$ADDR_C" 32 198.18.0.2
		else
			tag="IPv6, $tag"
			ld_case "$ADDR6_C" 128 2001:db8::2
		fi
		read -r before after <<< "${LD_GAPS:-0 0}"
		tap_num "$tag: the next timeout no later than the one before ($after ms after, $before ms before)" \
			$((after * 2)) -lt $((before * 3))
		tap_num "$tag: ... which was a timeout's ($before ms)" \
			"$before" -gt 100
		port=$((port + 1))
	done
done

# ---- redirects -------------------------------------------------------------

# The better first hop the redirects name: on A's link, at a link-layer
# address no one has, so that only a capture on B's side sees what goes
# there.  Only the connection's segments count: IPv6 also probes the
# neighbour entry a Redirect made (unicast neighbour solicitations).
RD_MAC=02:00:00:00:00:03
ip -n "$NS_A" neigh replace 198.18.0.3 lladdr $RD_MAC dev veth0 nud permanent
B_LL=$(ip -n "$NS_B" -6 -o addr show dev veth0 scope link |
	awk '{ sub("/.*", "", $4); print $4; exit }')

# redirect_case FAMILY DELTA: a connect-nb of a fresh client of $cp to
# the black hole, its SYN answered by a redirect quoting its sequence
# number plus DELTA.  Sets RD_ROUTE (did the route learn the new first
# hop?) and RD_SENT (how many segments went there), 0 when it did.
redirect_case()
{
	local fam=$1 delta=$2 dst gw args ip bpf i

	if [ "$fam" = 6 ]; then
		dst=$BLACKHOLE6 gw=fe80::3 ip=(ip -6)
		args=(137 0 --src "$B_LL" --lladdr "$RD_MAC")
		bpf="ip6 and tcp dst port $port"
	else
		dst=$BLACKHOLE gw=198.18.0.3 ip=(ip)
		args=(5 1 --src "$ADDR_B")
		bpf="tcp dst port $port and tcp[tcpflags] & tcp-syn != 0"
	fi
	RD_ROUTE=1 RD_SENT=0
	"${ip[@]}" -n "$NS_A" route flush cache
	cap_start "$NS_B" "$TMP/rd.pcap" "ether dst $RD_MAC and tcp dst port $port" 30 ||
		tap_diag "$tag: no capture"
	sc_start c "$NS_A" "$cp"
	if forge_bpf "$bpf" "${args[@]}" --gateway $gw \
		--seq-delta "$delta"; then
		[ "$fam" = 6 ] && dst="[$dst]"
		sc c "connect-nb $dst:$port"
		forge_wait
		dst=${dst//[][]/}
		# the SYN goes again after a second (the initial RTO)
		for i in $(seq 30); do
			"${ip[@]}" -n "$NS_A" route get "$dst" | grep -q "via $gw " &&
				RD_ROUTE=0
			RD_SENT=$(cap_count "$TMP/rd.pcap" .)
			[ "$RD_SENT" -gt 0 ] && break
			sleep 0.1
		done
		tap_diag "$tag: $("${ip[@]}" -n "$NS_A" route get "$dst" | tr -s ' \n' ' ')"
	fi
	cap_stop
	sc_stop c
	"${ip[@]}" -n "$NS_A" route flush cache
	port=$((port + 1))
}

for cp in "$P" 0; do
	for fam in 4 6; do
		tag="$([ $fam = 6 ] && echo "IPv6, ")$(proto_name "$cp") connect(), its SYN redirected"
		redirect_case $fam 0
		tap_is "$tag: the route learned the new first hop" "$RD_ROUTE" 0
		tap_num "$tag: the SYN sent again went there" "$RD_SENT" -gt 0
		is_linux "$cp" && continue

		tag="$([ $fam = 6 ] && echo "IPv6, ")$(proto_name "$cp") connect(), redirect quoting a foreign sequence number"
		before=$(atcp_stat "$NS_A" OutOfWindowIcmps)
		redirect_case $fam 100000
		after=$(atcp_stat "$NS_A" OutOfWindowIcmps)
		tap_is "$tag: the route learned nothing" "$RD_ROUTE" 1
		tap_is "$tag: nothing went to the named hop" "$RD_SENT" 0
		tap_is "$tag: counted in OutOfWindowIcmps" "$((after - before))" 1
	done
done

# ---- path MTU discovery ----------------------------------------------------

# IPv6 pairings come after IPv4's: each is PROTO PROTO FAMILY.
for pairing in "$P 0 4" "$P $P 4" "0 0 4" "$P 0 6" "$P $P 6" "0 0 6"; do
	read -r cp sp fam <<< "$pairing"
	if [ "$fam" = 6 ]; then
		dst="[$ADDR6_C]" ip=(ip -6) how="IPv6, "
	else
		dst=$ADDR_C ip=(ip) how=""
	fi
	tag="$how$(proto_name "$cp") client, $(proto_name "$sp") server behind an MTU 1280 link"
	# forget what the previous pairing taught the route
	"${ip[@]}" -n "$NS_A" route flush cache
	[ "$cp" != 0 ] && before=$(atcp_stat "$NS_A" InIcmps)
	sc_start c "$NS_A" "$cp"
	sc_start s "$NS_C" "$sp"
	sc s "listen $dst:$port"
	r1=$R
	sc c "connect $dst:$port"
	r2=$R
	sc s "accept"
	r3=$R
	if [ "$r1" = ok ] && [ "$r2" = ok ] && [[ $r3 == ok* ]]; then
		sc_send c "send 1048576"
		sc s "recv 1048576"
		r1=$R
		sc_get c
		r2=$R
		expect "$tag: 1 MiB arrives intact" "ok 1048576" "$r1" "$r2"
		route=$("${ip[@]}" -n "$NS_A" route get "${dst//[][]/}")
		tap_diag "route: $(echo "$route" | tr -s ' \n' ' ')"
		tap_result "$(echo "$route" | grep -q 'mtu 1280' && echo 0 || echo 1)" \
			"$tag: the route learned MTU 1280"
		if [ "$cp" != 0 ]; then
			after=$(atcp_stat "$NS_A" InIcmps)
			tap_diag "InIcmps went from $before to $after"
			tap_result "$([ "$after" -gt "$before" ] && echo 0 || echo 1)" \
				"$tag: atcp took the ICMP errors (InIcmps)"
		fi
	else
		tap_diag "listen: '$r1', connect: '$r2', accept: '$r3'"
		no_connection "$tag" \
			"1 MiB arrives intact" \
			"the route learned MTU 1280"
		[ "$cp" != 0 ] &&
			no_connection "$tag" "atcp took the ICMP errors"
	fi
	sc c "close"
	sc s "close"
	sc_stop c
	sc_stop s
	port=$((port + 1))
done

# ---- path MTU probing ------------------------------------------------------

# black_hole on|off: B sends no ICMP or ICMPv6 error (its route lookups for
# them fail), so path MTU discovery never learns of the MTU 1280 link.
black_hole()
{
	local op=add

	[ "$1" = off ] && op=del
	ip -n "$NS_B" rule $op pref 100 ipproto icmp blackhole
	ip -n "$NS_B" -6 rule $op pref 100 ipproto ipv6-icmp blackhole
}

# mtup_xfer TAG CLIENT_PROTO DST SERVER_NS BYTES [SECS]: connect c (in A)
# to a Linux listener s in SERVER_NS and send BYTES; the replies of s and
# c in R1 and R2 ("ok BYTES" each).  With SECS, s gives up after SECS s
# and c's reply is not awaited.  c stays open.
mtup_xfer()
{
	local tag=$1 cp=$2 dst=$3 ns=$4 bytes=$5 secs=$6

	R1="" R2=""
	sc_start c "$NS_A" "$cp"
	T=${secs:-$T} sc_start s "$ns" 0
	sc s "listen $dst:$port"
	r1=$R
	sc c "connect $dst:$port"
	r2=$R
	sc s "accept"
	port=$((port + 1))
	if [ "$r1" != ok ] || [ "$r2" != ok ] || [[ $R != ok* ]]; then
		tap_diag "$tag: listen: '$r1', connect: '$r2', accept: '$R'"
		return 1
	fi
	sc c "getsockopt maxseg"
	MSS0=$R
	sc_send c "send $bytes"
	sc s "recv $bytes"
	R1=$R
	[ -n "$secs" ] && return
	sc_get c
	R2=$R
}

mtup_done()
{
	sc_stop c
	sc_stop s
}

black_hole on || tap_diag "black_hole: ip rule failed"
for pairing in "$P 4" "0 4" "$P 6" "0 6"; do
	read -r cp fam <<< "$pairing"
	if [ "$fam" = 6 ]; then
		dst="[$ADDR6_C]" ip=(ip -6) how="IPv6, " mss=1205
	else
		dst=$ADDR_C ip=(ip) how="" mss=1228
	fi
	name=$(proto_name "$cp")
	"${ip[@]}" -n "$NS_A" route flush cache

	# ---- mtu_probing 0: nothing gets through the black hole --------
	if [ "$fam" = 4 ] && [ "$cp" != 0 ]; then
		tag="$name, a black hole with mtu_probing 0"
		knob "$NS_A" "$cp" mtu_probing 0
		if mtup_xfer "$tag" "$cp" "$dst" "$NS_C" 262144 4; then
			expect "$tag: 256 KiB do not arrive in 4 s" \
				"err EAGAIN recv after 0 bytes" "$R1"
		else
			no_connection "$tag" "256 KiB do not arrive in 4 s"
		fi
		mtup_done
	fi

	# ---- mtu_probing 1: black hole detection, then the search -----
	tag="$how$name, a black hole with mtu_probing 1"
	knob "$NS_A" "$cp" mtu_probing 1
	ok0=$(stack_stat "$NS_A" "$cp" MTUPSuccess)
	fail0=$(stack_stat "$NS_A" "$cp" MTUPFail)
	if mtup_xfer "$tag" "$cp" "$dst" "$NS_C" 4194304; then
		expect "$tag: 4 MiB arrive intact" "ok 4194304" "$R1" "$R2"
		sc c "getsockopt maxseg"
		expect "$tag: the MSS went from ${MSS0#ok } to $mss" \
			"ok $mss" "$R"
		ok1=$(stack_stat "$NS_A" "$cp" MTUPSuccess)
		fail1=$(stack_stat "$NS_A" "$cp" MTUPFail)
		tap_diag "$tag: probes passed $((ok1 - ok0)), lost $((fail1 - fail0))"
		tap_result "$([ $((ok1 - ok0)) -ge 1 ] && [ $((fail1 - fail0)) -ge 1 ] &&
			      echo 0 || echo 1)" \
			"$tag: probes passed (MTUPSuccess) and one was lost (MTUPFail)"
		# probe_interval: a search that ended starts over once that
		# long has passed since it began; 1 MiB more under each
		if [ "$fam" = 4 ]; then
			sc_send c "send 1048576"
			sc s "recv 1048576"
			r1=$R
			sc_get c
			fail2=$(stack_stat "$NS_A" "$cp" MTUPFail)
			knob "$NS_A" "$cp" probe_interval 1
			sleep 1
			sc_send c "send 1048576"
			sc s "recv 1048576"
			r2=$R
			sc_get c
			knob "$NS_A" "$cp" probe_interval 600
			fail3=$(stack_stat "$NS_A" "$cp" MTUPFail)
			expect "$tag: 1 MiB more, twice" "ok 1048576" "$r1" "$r2"
			tap_diag "$tag: probes lost under probe_interval 600: $((fail2 - fail1)), under 1: $((fail3 - fail2))"
			tap_result "$([ "$fail2" = "$fail1" ] &&
				      [ $((fail3 - fail2)) -ge 1 ] && echo 0 || echo 1)" \
				"$tag: probe_interval 1 makes it search again, 600 not yet"
		fi
	else
		no_connection "$tag" "4 MiB arrive intact" "the MSS went to $mss" \
			"probes passed and one was lost"
	fi
	mtup_done
	knob "$NS_A" "$cp" mtu_probing 0
done
black_hole off

# ---- mtu_probing 2: probing from the start, on the 1500 link to B ------
for cp in "$P" 0; do
	name=$(proto_name "$cp")
	knob "$NS_A" "$cp" mtu_probing 2
	for how in default "base_mss 600" "probe_threshold 1000"; do
		tag="$name, mtu_probing 2, $how"
		case $how in
		default) start=1024 end=1441 ;;
		base_mss*) start=600 end=1441 ;;
		*) start=1024 end=1024 ;;
		esac
		knob "$NS_A" "$cp" base_mss 1024
		knob "$NS_A" "$cp" probe_threshold 8
		[ "$how" != default ] && knob "$NS_A" "$cp" $how
		if mtup_xfer "$tag" "$cp" "$ADDR_B" "$NS_B" 4194304; then
			expect "$tag: connected with MSS $start" "ok $start" "$MSS0"
			expect "$tag: 4 MiB arrive intact" "ok 4194304" "$R1" "$R2"
			sc c "getsockopt maxseg"
			expect "$tag: the MSS ends at $end" "ok $end" "$R"
		else
			no_connection "$tag" "connected with MSS $start" \
				"4 MiB arrive intact" "the MSS ends at $end"
		fi
		mtup_done
	done
	knob "$NS_A" "$cp" base_mss 1024
	knob "$NS_A" "$cp" probe_threshold 8
	knob "$NS_A" "$cp" mtu_probing 0
done

# ---- mtu_probe_floor: a black hole narrower than base_mss -----------------

# B's link to C at MTU 576 (which takes IPv6 off it: this comes last), its
# errors blackholed.  base_mss's 1024 does not pass; the next timeout
# halves it to 512, which does, unless mtu_probe_floor is above that.
black_hole on
ip -n "$NS_B" link set veth1 mtu 576
ip -n "$NS_A" route flush cache
knob "$NS_A" "$P" mtu_probing 1
for floor in 48 600; do
	tag="atcp, a black hole of MTU 576 with mtu_probe_floor $floor"
	knob "$NS_A" "$P" mtu_probe_floor $floor
	if [ $floor = 48 ]; then
		if mtup_xfer "$tag" "$P" "$ADDR_C" "$NS_C" 1048576; then
			expect "$tag: 1 MiB arrives intact" "ok 1048576" "$R1" "$R2"
			sc c "getsockopt maxseg"
			m=${R#ok }
			[[ $m =~ ^[0-9]+$ ]] || m=0
			tap_ok "$tag: the MSS went below base_mss, to between 512 and 524 ($m)" \
				test "$m" -ge 512 -a "$m" -le 524
		else
			no_connection "$tag" "1 MiB arrives intact" \
				"the MSS went below base_mss"
		fi
	elif mtup_xfer "$tag" "$P" "$ADDR_C" "$NS_C" 262144 10; then
		expect "$tag: 256 KiB do not arrive in 10 s" \
			"err EAGAIN recv after 0 bytes" "$R1"
	else
		no_connection "$tag" "256 KiB do not arrive in 10 s"
	fi
	mtup_done
done
knob "$NS_A" "$P" mtu_probe_floor 48
knob "$NS_A" "$P" mtu_probing 0
black_hole off

tap_finish

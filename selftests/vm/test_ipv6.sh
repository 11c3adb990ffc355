#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_ipv6 - atcp over AF_INET6, against Linux TCP over IPv6:
#
#  - socket(AF_INET6, SOCK_STREAM, atcp) is atcp's (SO_PROTOCOL);
#  - a dual-stack atcp listener on [::] accepts an IPv4 client (seen as
#    ::ffff:198.18.0.1) and an IPv6 one, both carrying data both ways;
#    /proc/net/atcp6 lists the listener and the connections, atcp-ss too;
#  - an IPV6_V6ONLY listener refuses the IPv4 client, serves the IPv6 one;
#  - an AF_INET6 atcp client reaches an IPv4 Linux server through a
#    v4-mapped address, and an IPv6 Linux server directly;
#  - an atcp port without a listener answers an IPv6 SYN with a RST;
#  - a port atcp holds over IPv6 cannot be bound by Linux TCP;
#  - the side that closes first keeps a TIME-WAIT entry (atcp6, 06), a
#    v4-mapped connection's too, in /proc/net/atcp6 as in Linux's tcp6;
#  - syncookies = 2: the IPv6 handshake is completed from the cookie;
#  - keepalive over IPv6: a silent peer makes the idle connection fail
#    with ETIMEDOUT;
#  - IPV6_FLOWINFO_SEND: a client that sets it and connects with
#    sin6_flowinfo 0x12345 sends that flow label in every segment, as
#    Linux's does;
#  - net.ipv6.flowlabel_reflect 3: a server answers that client with its
#    label, SYN-ACK and data alike, and a port without a listener resets
#    with the label of the SYN it refuses, as Linux's server does; under
#    1 a listener resets a stray ACK with that ACK's label;
#  - a TIME_WAIT entry answers an old segment of data with an ACK
#    carrying the connection's flow label, the one connect() was given
#    or the automatic one, as Linux's does;
#  - IPV6_ADDRFORM: an AF_INET6 socket connected to a v4-mapped address
#    becomes an AF_INET one (getsockname, /proc/net/atcp) and carries on;
#    before connect() it is ENOTCONN, over an IPv6 connection
#    EADDRNOTAVAIL, as in Linux; IP_ADD_MEMBERSHIP is EPROTO on both;
#  - the sender's device MTU drops from 1500 to 1280 under a connection
#    writing 1400 bytes at a time: with no ICMPv6 error, the route's MTU
#    still sizes the next segments, and the data arrives;
#  - IPV6_DSTOPTS: a client's, set before connect() or on the connection,
#    and a listener's (the SYN-ACK's and its connections') go out in
#    front of every segment, and the MSS leaves room for them, as in
#    Linux.
#
# Addresses: 2001:db8::1 ($NS_A) and 2001:db8::2 ($NS_B) on the veth pair.
# The "atcp" protocol is $ATCP_PROTO (default 253).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_conn.sh"

sc_topic ipv6 5
atcp_only "atcp's own AF_INET6 sockets and /proc/net/atcp6"
SS=$ATCP_TOP/scripts/atcp-ss
port=31000

# xchg A B N: A and B each send N bytes and receive the other's N at
# once; the four replies in X.
xchg()
{
	sc_send "$1" "send $3 ; recv $3"
	sc_send "$2" "send $3 ; recv $3"
	X=()
	sc_get "$1"; X+=("$R")
	sc_get "$1"; X+=("$R")
	sc_get "$2"; X+=("$R")
	sc_get "$2"; X+=("$R")
}

# atcp6_states NS PORT: states on PORT in NS's /proc/net/atcp6
atcp6_states()
{
	ip netns exec "$1" cat /proc/net/atcp6 | port_states "$2"
}

v6=$("$ATCP_TOP/selftests/vm/build/tool_socket" "$P" 1 10)
tap_is "socket(AF_INET6, SOCK_STREAM, $P) is atcp's (SO_PROTOCOL)" "$v6" "$P"

# pair SP CP LISTEN DST: server s in $NS_B (protocol SP) listening on
# LISTEN, client c in $NS_A (CP) connected to DST and accepted; their
# replies in r_c and r_a.
pair()
{
	sc_start s "$NS_B" "$1"
	sc_start c "$NS_A" "$2"
	sc s "listen $3"
	sc c "connect $4"
	r_c=$R
	sc s "accept"
	r_a=$R
}

# ---- a dual-stack listener: an IPv4 and an IPv6 client at once
sc_start s "$NS_B" "$P"
sc_start c4 "$NS_A" 0
sc_start c6 "$NS_A" 0
sc s "listen [::]:$port"
r_listen=$R
sc c4 "connect $ADDR_B:$port"
r_c4=$R
sc c6 "connect [$ADDR6_B]:$port"
r_c6=$R
sc s "accept"
r_a4=$R
expect "dual-stack listener: the IPv4 client is accepted as ::ffff:$ADDR_A" \
	"ok [[]::ffff:$ADDR_A]:*" "$r_a4"
sc_send s "send 100000 ; recv 100000"
sc c4 "send 100000 ; recv 100000"
r_c4b=$R
sc_get c4
r_c4c=$R
sc_get s
r_s1=$R
sc_get s
expect "dual-stack listener: 100 kB each way with the IPv4 client" "ok*" \
	"$r_listen" "$r_c4" "$r_c4b" "$r_c4c" "$r_s1" "$R"
states_v6=$(atcp6_states "$NS_B" "$port")
# the IPv6 client's connection waits on the accept queue, established
tap_is "/proc/net/atcp6: the listener, the v4-mapped and the IPv6 connection" \
	"$states_v6" "ESTAB ESTAB LISTEN"
# the second accept closes the first connection (tool_sockctl holds one)
sc s "accept"
r_a6=$R
expect "dual-stack listener: the IPv6 client is accepted as $ADDR6_A" \
	"ok [[]$ADDR6_A]:*" "$r_a6"
xchg s c6 300000
expect "dual-stack listener: 300 kB each way with the IPv6 client" "ok*" \
	"$r_c6" "${X[@]}"
line=$(ip netns exec "$NS_B" "$SS" -H -6 state established sport "$port")
expect "atcp-ss -6 shows the IPv6 connection" \
	"ESTAB*[[]$ADDR6_B]:$port*[[]$ADDR6_A]:*" "$line"
line=$(ip netns exec "$NS_B" "$SS" -H -l sport "$port")
expect "atcp-ss -l shows the [::] listener" "LISTEN*[[]::]:$port*" "$line"
sc_stop c4
sc_stop c6
sc_stop s
# The server closed the v4-mapped connection first: its TIME-WAIT entry is
# listed in /proc/net/atcp6 with v4-mapped addresses, as Linux's tcp6 does.
for _ in $(seq 40); do
	line=$(ip netns exec "$NS_B" "$SS" -H -6 state time-wait sport "$port")
	[ -n "$line" ] && break
	sleep 0.05
done
expect "the v4-mapped connection's TIME-WAIT entry is in /proc/net/atcp6" \
	"TIME-WAIT*[[]::ffff:$ADDR_B]:$port*[[]::ffff:$ADDR_A]:*" "$line"
tap_is "... and not in /proc/net/atcp" \
	"$(ip netns exec "$NS_B" cat /proc/net/atcp | port_states "$port")" ""

# ---- IPV6_V6ONLY
port=$((port + 1))
sc_start s "$NS_B" "$P"
sc_start c4 "$NS_A" 0
sc_start c6 "$NS_A" 0
sc s "listen [::]:$port 16 v6only"
r_listen=$R
sc c4 "connect $ADDR_B:$port"
r_c4=$R
sc c6 "connect [$ADDR6_B]:$port"
r_c6=$R
sc s "accept"
expect "IPV6_V6ONLY listener: the IPv6 client is accepted" \
	"ok [[]$ADDR6_A]:*" "$R"
expect "IPV6_V6ONLY listener: the IPv4 client is refused" \
	"err ECONNREFUSED*" "$r_c4"
sc_stop c4
sc_stop c6
sc_stop s

# ---- an AF_INET6 atcp client: v4-mapped to IPv4 Linux, IPv6 to IPv6 Linux
port=$((port + 1))
pair 0 "$P" "$ADDR_B:$port" "[::ffff:$ADDR_B]:$port"
xchg c s 200000
expect "AF_INET6 atcp client over a v4-mapped address: 200 kB each way" \
	"ok*" "$r_c" "${X[@]}"
expect "... and the IPv4 server sees $ADDR_A" "ok $ADDR_A:*" "$r_a"
before_tw=$(atcp_stat "$NS_A" TW)
sc c "close"
sc s "recv-eof ; close"
sc_get s
sc_stop c
sc_stop s

port=$((port + 1))
pair 0 "$P" "[::]:$port" "[$ADDR6_B]:$port"
xchg c s 300000
expect "atcp IPv6 client -> Linux IPv6 server: 300 kB each way" "ok*" \
	"$r_c" "${X[@]}"
expect "... and the server sees $ADDR6_A" "ok [[]$ADDR6_A]:*" "$r_a"
sc c "close"
sc s "recv-eof ; close"
sc_get s
sc_stop c
sc_stop s
wait_tw()
{
	local got

	for _ in $(seq 40); do
		got=$(atcp6_states "$NS_A" "$port")
		[ "$got" = "TIME-WAIT" ] && break
		sleep 0.05
	done
	tap_is "the atcp end that closed first is in TIME-WAIT (/proc/net/atcp6)" \
		"$got" "TIME-WAIT"
}
wait_tw
after_tw=$(atcp_stat "$NS_A" TW)
tap_ok "TIME-WAIT entries were made (TW $before_tw -> $after_tw)" \
	test "$after_tw" -ge $((before_tw + 2))

# ---- an atcp port without a listener answers with RST
port=$((port + 1))
sc_start s "$NS_B" "$P"
sc_start c "$NS_A" 0
sc s "bind [::]:$port"
rsts=$(atcp_stat "$NS_B" OutRsts)
sc c "connect [$ADDR6_B]:$port"
expect "a SYN to an atcp port without a listener is refused" \
	"err ECONNREFUSED*" "$R"
tap_ok "... by atcp's RST (OutRsts $rsts -> $(atcp_stat "$NS_B" OutRsts))" \
	test "$(atcp_stat "$NS_B" OutRsts)" -gt "$rsts"
sc_stop c
# ---- one stack per port: Linux TCP cannot take it over IPv6 or IPv4
sc_start l "$NS_B" 0
sc l "listen [$ADDR6_B]:$port"
r6=$R
sc l "listen $ADDR_B:$port"
expect "Linux TCP cannot bind a port atcp holds, over IPv6 nor IPv4" \
	"err EADDRINUSE*" "$r6" "$R"
sc_stop l
sc_stop s

# ---- syncookies over IPv6
port=$((port + 1))
knob "$NS_B" "$P" syncookies 2
recv=$(atcp_stat "$NS_B" SyncookiesRecv)
pair "$P" 0 "[::]:$port" "[$ADDR6_B]:$port"
xchg c s 100000
expect "syncookies = 2 over IPv6: accepted, 100 kB each way" "ok*" \
	"$r_c" "$r_a" "${X[@]}"
tap_ok "... the handshake went through a cookie (SyncookiesRecv $recv -> $(atcp_stat "$NS_B" SyncookiesRecv))" \
	test "$(atcp_stat "$NS_B" SyncookiesRecv)" -gt "$recv"
knob "$NS_B" "$P" syncookies 1
sc_stop c
sc_stop s

# ---- keepalive over IPv6: a silent peer
port=$((port + 1))
sc_start s "$NS_B" 0
sc_start c "$NS_A" "$P"
sc s "listen [::]:$port"
sc c "socket 6 ; sockopt keepalive 1 ; sockopt keepidle 1 ; sockopt keepintvl 1 ; sockopt keepcnt 2"
sc_get c ; sc_get c ; sc_get c ; sc_get c
sc c "connect [$ADDR6_B]:$port"
r_c=$R
sc s "accept"
netem_egress "$NS_B" loss 100%
start=$(now_ms)
sc c "recv 1"
took=$(( $(now_ms) - start ))
netem_egress "$NS_B"
[ "$r_c" = ok ] || R="connect: $r_c"
expect "keepalive over IPv6: a silent peer ends the idle connection with ETIMEDOUT" \
	"err ETIMEDOUT*" "$R"
between "... after 1 s idle and 2 probes 1 s apart" "$took" 2000 4500
sc_stop c
sc_stop s

# ---- IPV6_FLOWINFO_SEND: the flow label connect() was given

for cp in "$P" 0; do
	name="$(proto_name "$cp") client"
	port=$((port + 1))
	sc_start s "$NS_B" 0
	sc_start c "$NS_A" "$cp"
	sc s "listen [$ADDR6_B]:$port"
	cap_start "$NS_A" "$TMP/flow.pcap" "ip6 and tcp port $port" 20
	sc c "socket 6 ; sockopt flowinfo_send 1"
	sc_get c
	sc c "connect [$ADDR6_B]:$port flow 0x12345"
	r_c=$R
	sc s "accept"
	sc c "send 3000"
	sc s "recv 3000"
	r_a=$R
	cap_stop
	[ "$r_c" = ok ] || r_a="connect: $r_c"
	expect "$name, IPV6_FLOWINFO_SEND, sin6_flowinfo 0x12345: connected, 3000 bytes arrive" \
		"ok 3000" "$r_a"
	n=$(tcpdump -v -n -r "$TMP/flow.pcap" "src host $ADDR6_A" 2>/dev/null |
	    grep -c "flowlabel 0x12345")
	m=$(tcpdump -n -r "$TMP/flow.pcap" "src host $ADDR6_A" 2>/dev/null |
	    wc -l)
	tap_ok "$name, ... every segment it sent carries that label ($n of $m)" \
		test "$n" -ge 3 -a "$n" = "$m"
	sc_stop c
	sc_stop s
done

# ---- flowlabel_reflect: the server sends back the client's flow label

# sockets take the sysctl's "established" bit when they are made
ip netns exec "$NS_B" sysctl -qw net.ipv6.flowlabel_reflect=3
for sp in "$P" 0; do
	name="$(proto_name "$sp") server"
	port=$((port + 2))
	rport=$((port + 1))
	sc_start s "$NS_B" "$sp"
	sc_start r "$NS_B" "$sp"
	sc_start c "$NS_A" 0
	sc_start d "$NS_A" 0
	sc s "listen [$ADDR6_B]:$port"
	sc r "bind [::]:$rport"
	cap_start "$NS_A" "$TMP/refl.pcap" \
		"ip6 and (tcp port $port or tcp port $rport)" 20
	sc c "socket 6 ; sockopt flowinfo_send 1"
	sc_get c
	sc c "connect [$ADDR6_B]:$port flow 0x12345"
	r_c=$R
	sc s "accept"
	sc s "send 3000"
	sc c "recv 3000"
	r_a=$R
	sc d "socket 6 ; sockopt flowinfo_send 1"
	sc_get d
	sc d "connect [$ADDR6_B]:$rport flow 0x23456"
	r_d=$R
	cap_stop
	[ "$r_c" = ok ] || r_a="connect: $r_c"
	expect "$name, flowlabel_reflect 3: a client labelled 0x12345 connects, 3000 bytes arrive" \
		"ok 3000" "$r_a"
	n=$(tcpdump -v -n -r "$TMP/refl.pcap" "src host $ADDR6_B and tcp port $port" \
		2>/dev/null | grep -c "flowlabel 0x12345")
	m=$(tcpdump -n -r "$TMP/refl.pcap" "src host $ADDR6_B and tcp port $port" \
		2>/dev/null | wc -l)
	tap_ok "$name, ... every segment it sent carries the client's label ($n of $m)" \
		test "$n" -ge 2 -a "$n" = "$m"
	expect "$name, ... a SYN labelled 0x23456 to a port without a listener is refused" \
		"err ECONNREFUSED*" "$r_d"
	n=$(tcpdump -v -n -r "$TMP/refl.pcap" "src host $ADDR6_B and tcp port $rport" \
		2>/dev/null | grep "Flags \[R" | grep -c "flowlabel 0x23456")
	tap_ok "$name, ... the reset carries that label ($n)" test "$n" = 1
	sc_stop c
	sc_stop d
	sc_stop s
	sc_stop r
done
# A listener that reflects labels resets a stray ACK with the ACK's
# label: the socket decides, not the sysctl's reset bit, now off.
ip netns exec "$NS_B" sysctl -qw net.ipv6.flowlabel_reflect=1
port=$((port + 2))
sc_start s "$NS_B" "$P"
sc_start t "$NS_B" 0
sc s "listen [$ADDR6_B]:$port"
sc t "listen [$ADDR6_B]:$((port + 1))"
cap_start "$NS_A" "$TMP/rst.pcap" \
	"ip6 and (tcp port $port or tcp port $((port + 1)))" 30
# scapy's own warnings would read as a kernel WARNING on the VM's console
ip netns exec "$NS_A" /usr/bin/python3 -c "
import logging
logging.getLogger('scapy.runtime').setLevel(logging.ERROR)
from scapy.all import IPv6, TCP, conf, send
conf.verb = 0
for p in ($port, $((port + 1))):
    send(IPv6(src='$ADDR6_A', dst='$ADDR6_B', fl=0x34567) /
         TCP(sport=47000, dport=p, flags='A', seq=1, ack=1))
" 2> "$TMP/scapy.err" ||
	tap_diag "scapy could not send the stray ACKs: $(tr '\n' ' ' < "$TMP/scapy.err" | sed 's/WARNING/warning/g')"
sleep 0.5
cap_stop
for sp in "$P" 0; do
	p=$port
	[ "$sp" = 0 ] && p=$((port + 1))
	n=$(tcpdump -v -n -r "$TMP/rst.pcap" "src host $ADDR6_B and tcp port $p" \
		2>/dev/null | grep "Flags \[R" | grep -c "flowlabel 0x34567")
	tap_ok "$(proto_name "$sp") listener, flowlabel_reflect 1: a stray ACK's reset carries its label ($n)" \
		test "$n" = 1
done
sc_stop s
sc_stop t
ip netns exec "$NS_B" sysctl -qw net.ipv6.flowlabel_reflect=0

# ---- TIME_WAIT answers with the connection's flow label

# The client closes first and keeps the TIME_WAIT entry; an old byte of
# data, sent by scapy as from the server, draws an ACK from the entry, which must carry the label of the connection's own segments: the
# one connect() was given, or else the automatic one.
for cp in "$P" 0; do
	for flow in 0x12345 auto; do
		name="$(proto_name "$cp") client, flow label $flow"
		port=$((port + 1))
		sc_start s "$NS_B" 0
		sc_start c "$NS_A" "$cp"
		sc s "listen [$ADDR6_B]:$port"
		cap_start "$NS_A" "$TMP/twfl.pcap" "ip6 and tcp port $port" 20
		if [ "$flow" = auto ]; then
			sc c "socket 6"
			sc c "connect [$ADDR6_B]:$port"
		else
			sc c "socket 6 ; sockopt flowinfo_send 1"
			sc_get c
			sc c "connect [$ADDR6_B]:$port flow $flow"
		fi
		r_c=$R
		sc c "names"
		cport=$(printf '%s\n' "$R" | sed -n 's/^ok inet6 \[[^]]*\]:\([0-9]*\) .*/\1/p')
		sc s "accept"
		sc c "send 1000"
		sc s "recv 1000"
		sc c "close"
		sc s "recv-eof"
		sc s "close"
		sleep 0.3
		ip netns exec "$NS_B" /usr/bin/python3 -c "
import logging
logging.getLogger('scapy.runtime').setLevel(logging.ERROR)
from scapy.all import IPv6, TCP, conf, send
conf.verb = 0
send(IPv6(src='$ADDR6_B', dst='$ADDR6_A') /
     TCP(sport=$port, dport=int('${cport:-1}'), flags='PA', seq=12345,
         ack=1) / b'x')
" 2> "$TMP/scapy.err" ||
			tap_diag "scapy could not send: $(tr '\n' ' ' < "$TMP/scapy.err" | sed 's/WARNING/warning/g')"
		cap_stop
		# the label of the client's first segment, and of its answer
		# to scapy's, the only ACK of 1 (tcpdump -v prints none for
		# label 0)
		tcpdump -v -n -S -r "$TMP/twfl.pcap" 2>/dev/null | grep '^[0-9]' \
			> "$TMP/twfl.txt"
		label_of='{ l = "none" } match($0, /flowlabel 0x[0-9a-f]+/) {
			l = substr($0, RSTART + 10, RLENGTH - 10) }'
		first=$(grep -F " $ADDR6_A.$cport > " "$TMP/twfl.txt" | head -n 1 |
			awk "$label_of { print l }")
		answer=$(awk -v a=" $ADDR6_A.$cport > " "$label_of"'
			seen && index($0, a) { print l; exit }
			/ ack 1, win 8192,/ { seen = 1 }' "$TMP/twfl.txt")
		want=$flow
		[ "$flow" = auto ] && want=$first
		tap_ok "$name: the TIME_WAIT entry answers with the connection's label, $want (connect $r_c, port ${cport:-?}; labels: first ${first:-none}, answer ${answer:-none})" \
			test "$r_c" = ok -a -n "$cport" -a "$first" != none \
			-a "$first" = "$want" -a "$answer" = "$want" ||
			sed 's/^/# /' "$TMP/twfl.txt"
		sc_stop c
		sc_stop s
	done
done

# ---- extension headers: IPV6_DSTOPTS on a client and on a listener

# 1500-byte veth: 1500 - 40 (IPv6) - 20 (TCP) - 12 (timestamps) - 16
mss_dst=1412
for cp in "$P" 0; do
	name="$(proto_name "$cp") client"
	port=$((port + 1))
	sc_start s "$NS_B" 0
	sc_start c "$NS_A" "$cp"
	sc s "listen [$ADDR6_B]:$port"
	cap_start "$NS_A" "$TMP/dst.pcap" "ip6 and host $ADDR6_B" 20
	sc c "socket 6 ; sockopt dstopts 16"
	sc_get c
	sc c "connect [$ADDR6_B]:$port"
	r_c=$R
	sc s "accept"
	sc c "getsockopt maxseg"
	r_mss=$R
	xchg c s 200000
	cap_stop
	[ "$r_c" = ok ] || r_mss="connect: $r_c"
	expect "$name, IPV6_DSTOPTS of 16 bytes: the MSS leaves room for them" \
		"ok $mss_dst" "$r_mss"
	expect "$name, ... 200 kB go each way" "ok*" "${X[@]}"
	got=$(cap_marked "$TMP/dst.pcap" "$ADDR6_A" DSTOPT)
	n=${got%% of *} m=${got#* of }
	tap_ok "$name, ... every segment it sent carries them ($got)" \
		test "$n" -ge 3 -a "$n" = "${m%% *}"
	sc_stop c
	sc_stop s

	# set on a connection: its segments shrink from then on
	port=$((port + 1))
	pair 0 "$cp" "[$ADDR6_B]:$port" "[$ADDR6_B]:$port"
	sc c "getsockopt maxseg"
	r_before=$R
	sc c "sockopt dstopts 16"
	r_set=$R
	sc c "getsockopt maxseg"
	r_after=$R
	xchg c s 100000
	expect "$name, IPV6_DSTOPTS set once connected: MSS $((mss_dst + 16)), then $mss_dst" \
		"ok $((mss_dst + 16)) ok ok $mss_dst" "$r_before $r_set $r_after"
	expect "$name, ... 100 kB go each way" "ok*" "$r_c" "${X[@]}"
	sc_stop c
	sc_stop s
done
for sp in "$P" 0; do
	name="$(proto_name "$sp") listener"
	port=$((port + 1))
	sc_start s "$NS_B" "$sp"
	sc_start c "$NS_A" 0
	sc s "listen [$ADDR6_B]:$port 16 dstopts"
	r_l=$R
	cap_start "$NS_A" "$TMP/dst.pcap" "ip6 and host $ADDR6_B" 20
	sc c "connect [$ADDR6_B]:$port"
	r_c=$R
	sc s "accept"
	sc s "getsockopt maxseg"
	r_mss=$R
	xchg s c 200000
	cap_stop
	[ "$r_c" = ok ] || r_mss="connect: $r_c"
	[ "$r_l" = ok ] || r_mss="listen: $r_l"
	expect "$name with IPV6_DSTOPTS: its connection's MSS leaves room for them" \
		"ok $mss_dst" "$r_mss"
	expect "$name, ... 200 kB go each way" "ok*" "${X[@]}"
	got=$(cap_marked "$TMP/dst.pcap" "$ADDR6_B" DSTOPT)
	n=${got%% of *} m=${got#* of } k=${got#*SYN-ACK }
	tap_ok "$name, ... every segment its connection sent carries them, the SYN-ACK too ($got)" \
		test "${k%)}" = 1 -a "$n" -ge 3 -a "$n" = "${m%% *}"
	sc_stop c
	sc_stop s
done

# ---- the device's MTU drops under a connection, with no ICMPv6 error

# A sender learns it from its route only: segments sized for the old MTU
# would be dropped unsent, one after the other, as they are retransmitted.
for cp in "$P" 0; do
	name="$(proto_name "$cp") client"
	port=$((port + 1))
	pair 0 "$cp" "[$ADDR6_B]:$port" "[$ADDR6_B]:$port"
	sc c "sockopt nodelay 1"
	sc c "send 1400"
	sc s "recv 1400"
	r_first=$R
	ip -n "$NS_A" link set dev veth0 mtu 1280
	res=()
	for _ in 1 2 3; do
		sc c "send 1400"
		sc s "recv 1400"
		res+=("$R")
	done
	ip -n "$NS_A" link set dev veth0 mtu 1500
	[ "$r_c" = ok ] || r_first="connect: $r_c"
	expect "$name, nodelay writes of 1400 bytes, the device's MTU down to 1280 between two: each arrives" \
		"ok 1400" "$r_first" "${res[@]}"
	sc_stop c
	sc_stop s
done

# ---- IPV6_ADDRFORM: a v4-mapped connection's socket becomes AF_INET

for cp in "$P" 0; do
	name="$(proto_name "$cp") client"
	port=$((port + 2))
	sc_start s "$NS_B" 0
	sc_start t "$NS_B" 0
	sc_start c "$NS_A" "$cp"
	sc_start d "$NS_A" "$cp"
	sc s "listen $ADDR_B:$port"
	sc t "listen [$ADDR6_B]:$((port + 1))"
	sc c "socket 6"
	sc c "sockopt addrform 2"
	expect "$name, IPV6_ADDRFORM before connect(): ENOTCONN" "err ENOTCONN*" "$R"
	sc c "connect [::ffff:$ADDR_B]:$port"
	r_c=$R
	sc s "accept"
	sc c "names"
	expect "$name, connected to ::ffff:$ADDR_B: an AF_INET6 socket" \
		"ok inet6 \[::ffff:$ADDR_A\]:* \[::ffff:$ADDR_B\]:$port" "$R"
	sc c "sockopt addrform 2"
	expect "$name, ... IPV6_ADDRFORM to AF_INET is accepted" "ok" "$R"
	sc c "names"
	expect "$name, ... it is an AF_INET socket now" \
		"ok inet $ADDR_A:* $ADDR_B:$port" "$R"
	xchg c s 30000
	expect "$name, ... 30000 bytes go each way after it" "ok*" "${X[@]}"
	if [ "$cp" != 0 ]; then
		v4=$(ip netns exec "$NS_A" cat /proc/net/atcp | port_states "$port")
		v6=$(atcp6_states "$NS_A" "$port")
		tap_ok "$name, ... /proc/net/atcp lists it, atcp6 no more ('$v4', '$v6')" \
			test "$v4" = ESTAB -a -z "$v6"
	fi
	sc c "sockopt ip_add_membership 0"
	expect "$name, ... IP_ADD_MEMBERSHIP on it: EPROTO" "err EPROTO*" "$R"
	sc d "socket 6"
	sc d "connect [$ADDR6_B]:$((port + 1))"
	sc t "accept"
	sc d "sockopt addrform 2"
	expect "$name, IPV6_ADDRFORM over an IPv6 connection: EADDRNOTAVAIL" \
		"err EADDRNOTAVAIL*" "$R"
	[ "$r_c" = ok ] || tap_diag "connect: $r_c"
	sc_stop c
	sc_stop d
	sc_stop s
	sc_stop t
done

tap_finish

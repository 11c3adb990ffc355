#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_fastopen - TCP Fast Open (RFC 7413) at the listener: atcp's, and as
# the reference Linux's, with a Linux TCP client in $NS_A that connects
# with sendto(MSG_FASTOPEN) and keeps its cookies in its tcp_metrics.  The
# server's namespace has fastopen 3 and the key KEY1, set through the
# fastopen_key sysctl (tcp_fastopen_key for Linux).
#
#  - The first connection asks for a cookie and gets one: no data on the
#    SYN.  The next carries 1000 bytes on its SYN, which the SYN-ACK
#    acknowledges (TCPI_OPT_SYN_DATA on both ends, FastOpenPassive); 16000
#    bytes too, as many as fit on the SYN and the rest after.  Every byte
#    comes back whole.
#  - atcp's cookie is Linux's: the same key gives the client the same
#    cookie from both listeners.
#  - Another key: the old cookie fails (FastOpenPassiveFail), the data
#    waits for the handshake, the client gets the new cookie; the next
#    connection's SYN carries data again.  The old key as the backup
#    ("KEY3,KEY2"): its cookie still passes (FastOpenPassiveAltKey), and
#    the client is given the primary's.
#  - A listener's own key (TCP_FASTOPEN_KEY) comes before the namespace's:
#    with KEY1's 16 bytes it hands out KEY1's cookie under another
#    namespace key, and reads back as it was set.
#  - No Fast Open without TCP_FASTOPEN on the listener, nor with the
#    server bit (2) off; 0x400 gives a listener without it a queue as
#    long as its backlog; 0x200 takes data without a cookie from a client
#    that sends it so (its fastopen 5).
#  - TCP_FASTOPEN: -1 and a connected socket get EINVAL, the queue is at
#    most somaxconn; TCP_FASTOPEN_KEY of 20 bytes gets EINVAL.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_conn.sh"

sc_topic fastopen 10

KEY1=01234567-89abcdef-02468ace-13579bdf
# KEY1 as TCP_FASTOPEN_KEY's bytes: each word little-endian
KEY1_HEX=67452301efcdab89ce8a4602df9b5713
KEY2=00000001-00000002-00000003-00000004
KEY3=0000000a-0000000b-0000000c-0000000d
PORT=7500
declare -A COOKIE

# cookie [PROTO]: the Fast Open cookie the client (Linux's by default)
# keeps for the server in its path metrics, if any
cookie()
{
	metrics "$NS_A" "${1:-0}" "$ADDR_B" |
		sed -n 's/.*fo_cookie \([0-9a-f]*\).*/\1/p'
}

# forget_cookies [PROTO]: the client's path metrics flushed
forget_cookies()
{
	metrics_flush "$NS_A" "${1:-0}"
}

# fo_listen PROTO [FASTOPEN [ADDR]]: a new listener on the next port of
# ADDR ($ADDR_B, or [::]), with TCP_FASTOPEN FASTOPEN unless empty
fo_listen()
{
	PORT=$((PORT + 1))
	sc_start s "$NS_B" "$1"
	sc s "listen ${3:-$ADDR_B}:$PORT"
	expect "$(proto_name "$1") listen on $PORT" ok "$R"
	if [ -n "$2" ]; then
		sc s "lsockopt fastopen $2"
		expect "$(proto_name "$1") TCP_FASTOPEN $2" ok "$R"
	fi
}

# fo_conn TAG BYTES SYNDATA [CLIENT_PROTO [A:P]]: a client (Linux's by
# default) sends BYTES with MSG_FASTOPEN to A:P (the listener's), the
# server echoes them; SYNDATA (0/1) is whether the SYN's data was acked,
# as both ends' TCP_INFO tell it.  FO_FAIL: the client's
# tcpi_fastopen_client_fail.
fo_conn()
{
	local tag=$1 bytes=$2 want=$3 cp=${4:-0} con=${5:-$ADDR_B:$PORT}

	sc_start c "$NS_A" "$cp"
	sc c "sendto-fo $con $bytes"
	expect "$tag: sendto(MSG_FASTOPEN)" "ok $bytes" "$R"
	sc s accept
	expect "$tag: accept" "ok*" "$R"
	sc s "info syn_data"
	tap_is "$tag: the server's socket says SYN data acked $want" "$R" "ok $want"
	sc c "info syn_data"
	tap_is "$tag: the client says SYN data acked $want" "$R" "ok $want"
	sc c "info fo_fail"
	FO_FAIL=$R
	sc s "recv $bytes"
	expect "$tag: the server reads all $bytes bytes" "ok $bytes" "$R"
	sc s "send $bytes"
	sc c "recv $bytes"
	expect "$tag: the client reads them back" "ok $bytes" "$R"
	sc c close
	sc s close
	sc_stop c
}

# stat_delta NS PROTO NAME BEFORE: a counter's growth since BEFORE
stat_delta()
{
	echo $(($(stack_stat "$1" "$2" "$3") - $4))
}

for sp in "$P" 0; do
	name=$(proto_name "$sp")
	knob "$NS_B" "$sp" fastopen 3
	knob "$NS_B" "$sp" fastopen_key "$KEY1"
	forget_cookies
	fo_listen "$sp" 16
	pass0=$(stack_stat "$NS_B" "$sp" FastOpenPassive)
	req0=$(stack_stat "$NS_B" "$sp" FastOpenCookieReqd)
	fo_conn "$name, no cookie yet" 100 0
	COOKIE[$sp]=$(cookie)
	tap_ok "$name: the client got a cookie (${COOKIE[$sp]})" test -n "${COOKIE[$sp]}"
	tap_is "$name: one cookie request counted" \
		"$(stat_delta "$NS_B" "$sp" FastOpenCookieReqd "$req0")" 1
	fo_conn "$name, with the cookie" 1000 1
	fo_conn "$name, 16000 bytes" 16000 1
	tap_is "$name: two connections made from the SYN (FastOpenPassive)" \
		"$(stat_delta "$NS_B" "$sp" FastOpenPassive "$pass0")" 2

	# a new key: the old cookie fails once
	fail0=$(stack_stat "$NS_B" "$sp" FastOpenPassiveFail)
	knob "$NS_B" "$sp" fastopen_key "$KEY2"
	fo_conn "$name, key changed" 1000 0
	tap_is "$name: the old cookie failed (FastOpenPassiveFail)" \
		"$(stat_delta "$NS_B" "$sp" FastOpenPassiveFail "$fail0")" 1
	c2=$(cookie)
	tap_ok "$name: the client got the new key's cookie" \
		test -n "$c2" -a "$c2" != "${COOKIE[$sp]}"
	fo_conn "$name, new cookie" 1000 1

	# the old key as backup: its cookie passes, and is replaced
	alt0=$(stack_stat "$NS_B" "$sp" FastOpenPassiveAltKey)
	knob "$NS_B" "$sp" fastopen_key "$KEY3,$KEY2"
	fo_conn "$name, backup key" 1000 1
	tap_is "$name: the backup key's cookie passed (FastOpenPassiveAltKey)" \
		"$(stat_delta "$NS_B" "$sp" FastOpenPassiveAltKey "$alt0")" 1
	c3=$(cookie)
	tap_ok "$name: the client was given the primary key's cookie" \
		test -n "$c3" -a "$c3" != "$c2"
	fo_conn "$name, primary key's cookie" 1000 1
	sc_stop s

	# a listener's own key goes first
	forget_cookies
	fo_listen "$sp" 16
	sc s "fokey $KEY1_HEX"
	expect "$name: TCP_FASTOPEN_KEY set" ok "$R"
	sc s fokey
	tap_is "$name: TCP_FASTOPEN_KEY reads back" "$R" "ok $KEY1_HEX"
	fo_conn "$name, listener's key" 100 0
	tap_is "$name: the listener's key KEY1 made the cookie" "$(cookie)" \
		"${COOKIE[$sp]}"
	fo_conn "$name, listener's key's cookie" 1000 1
	sc s "fokey 0123456789abcdef0123456789abcdef01234567"
	expect "$name: a 20-byte TCP_FASTOPEN_KEY is refused" "err EINVAL*" "$R"
	sc s "lsockopt fastopen -1"
	expect "$name: TCP_FASTOPEN -1 is refused" "err EINVAL*" "$R"
	sc s "lsockopt fastopen 100000"
	sc s "lgetsockopt fastopen"
	tap_is "$name: TCP_FASTOPEN is at most somaxconn" "$R" \
		"ok $(ip netns exec "$NS_B" cat /proc/sys/net/core/somaxconn)"
	sc_start c "$NS_A" 0
	sc c "connect $ADDR_B:$PORT"
	sc s accept
	sc s "sockopt fastopen 5"
	expect "$name: TCP_FASTOPEN on a connection is refused" "err EINVAL*" "$R"
	sc_stop c
	sc_stop s

	# no queue: no cookie, no data
	forget_cookies
	fo_listen "$sp" ""
	fo_conn "$name, listener without TCP_FASTOPEN" 100 0
	fo_conn "$name, listener without TCP_FASTOPEN, again" 100 0
	tap_is "$name: no cookie from a listener without TCP_FASTOPEN" "$(cookie)" ""
	sc_stop s

	# the server bit off
	knob "$NS_B" "$sp" fastopen 1
	fo_listen "$sp" 16
	fo_conn "$name, fastopen 1" 100 0
	fo_conn "$name, fastopen 1, again" 100 0
	tap_is "$name: no cookie under fastopen 1" "$(cookie)" ""
	sc_stop s

	# 0x400: every listener
	knob "$NS_B" "$sp" fastopen $((0x403))
	fo_listen "$sp" ""
	sc s "lgetsockopt fastopen"
	tap_is "$name: under 0x403 the queue is the backlog" "$R" "ok 16"
	fo_conn "$name, fastopen 0x403" 100 0
	fo_conn "$name, fastopen 0x403, with the cookie" 1000 1
	sc_stop s

	# 0x200: no cookie needed, from a client that sends none
	knob "$NS_B" "$sp" fastopen $((0x203))
	knob "$NS_A" 0 fastopen 5
	forget_cookies
	fo_listen "$sp" 16
	fo_conn "$name, fastopen 0x203, client without a cookie" 1000 1
	sc_stop s
	knob "$NS_A" 0 fastopen 1
	knob "$NS_B" "$sp" fastopen 1
done

tap_is "atcp's cookie for KEY1 is Linux's" "${COOKIE[$P]}" "${COOKIE[0]}"

# ---- the client: atcp's, and Linux's as the reference, to Linux's listener
knob "$NS_B" 0 fastopen 3
for cp in "$P" 0; do
	name="$(proto_name "$cp") client"
	knob "$NS_B" 0 fastopen_key "$KEY1"
	fo_listen 0 16
	act0=$(stack_stat "$NS_A" "$cp" FastOpenActive)
	forget_cookies "$cp"
	fo_conn "$name, no cookie yet" 100 0 "$cp"
	tap_is "$name: no cookie, tcpi_fastopen_client_fail 1" "$FO_FAIL" "ok 1"
	tap_is "$name: it keeps KEY1's cookie, Linux's client's" \
		"$(cookie "$cp")" "${COOKIE[0]}"
	fo_conn "$name, with the cookie" 1000 1 "$cp"
	fo_conn "$name, 16000 bytes" 16000 1 "$cp"
	tap_is "$name: two SYNs' data acknowledged (FastOpenActive)" \
		"$(stat_delta "$NS_A" "$cp" FastOpenActive "$act0")" 2

	fail0=$(stack_stat "$NS_A" "$cp" FastOpenActiveFail)
	knob "$NS_B" 0 fastopen_key "$KEY2"
	fo_conn "$name, the server's key changed" 1000 0 "$cp"
	tap_is "$name: data not acked, tcpi_fastopen_client_fail 2" "$FO_FAIL" "ok 2"
	tap_is "$name: FastOpenActiveFail" \
		"$(stat_delta "$NS_A" "$cp" FastOpenActiveFail "$fail0")" 1
	fo_conn "$name, the new cookie" 1000 1 "$cp"
	forget_cookies "$cp"
	tap_is "$name: its cookies flushed" "$(cookie "$cp")" ""
	fo_conn "$name, cookies flushed" 1000 0 "$cp"
	tap_is "$name: cookies flushed, tcpi_fastopen_client_fail 1" "$FO_FAIL" "ok 1"

	# TCP_FASTOPEN_CONNECT: connect() returns, the first write sends the SYN
	sc_start c "$NS_A" "$cp"
	sc c socket
	sc c "sockopt fastopen_connect 1"
	expect "$name: TCP_FASTOPEN_CONNECT" ok "$R"
	sc c "connect $ADDR_B:$PORT"
	expect "$name: connect() returns at once" ok "$R"
	sc c "writable"
	tap_is "$name: the deferred connection is writable" "$R" "ok 1"
	sc c "send 3000"
	expect "$name: the first write" "ok 3000" "$R"
	sc s accept
	sc s "info syn_data"
	tap_is "$name: TCP_FASTOPEN_CONNECT, the server got data on the SYN" "$R" "ok 1"
	sc s "recv 3000"
	expect "$name: TCP_FASTOPEN_CONNECT, every byte" "ok 3000" "$R"
	sc s "send 3000"
	sc c "recv 3000"
	expect "$name: TCP_FASTOPEN_CONNECT, and back" "ok 3000" "$R"
	sc_stop c
	sc_stop s

	# no client bit: no Fast Open
	knob "$NS_A" "$cp" fastopen 0
	sc_start c "$NS_A" "$cp"
	sc c "sendto-fo $ADDR_B:$PORT 100"
	expect "$name: MSG_FASTOPEN under fastopen 0" "err EOPNOTSUPP*" "$R"
	sc c socket
	sc c "sockopt fastopen_connect 1"
	expect "$name: TCP_FASTOPEN_CONNECT under fastopen 0" "err EOPNOTSUPP*" "$R"
	sc_stop c

	# no cookie: 0x4 at the client, 0x200 at the server
	knob "$NS_A" "$cp" fastopen 5
	knob "$NS_B" 0 fastopen $((0x203))
	fo_listen 0 16
	fo_conn "$name, fastopen 5, no cookie needed" 1000 1 "$cp"
	sc_stop s
	knob "$NS_B" 0 fastopen 3
	knob "$NS_A" "$cp" fastopen 1
done

# ---- atcp to atcp: the cookie atcp's client got from Linux's listener
# opens atcp's with the same key; over IPv6, a first cookie
knob "$NS_B" "$P" fastopen 3
knob "$NS_B" "$P" fastopen_key "$KEY2"
fo_listen "$P" 16 "[::]"
fo_conn "atcp to atcp, the cookie from Linux's listener" 1000 1 "$P"
fo_conn "atcp to atcp, IPv6, no cookie yet" 100 0 "$P" "[$ADDR6_B]:$PORT"
fo_conn "atcp to atcp, IPv6, with the cookie" 16000 1 "$P" "[$ADDR6_B]:$PORT"
sc_stop s
knob "$NS_B" "$P" fastopen 1

# ---- a crafted client (tool_synq, from an address nobody has) -----------
# The child of a SYN with a valid cookie is accepted before the
# handshake ends, reads the SYN's data and writes before the third ACK;
# with TCP_FASTOPEN 1, a second SYN finds the queue full while the first
# child waits; a RST reaches the reader of an accepted child.
SYNQ=$ATCP_TOP/selftests/vm/tool_synq.py
SPOOF=198.18.0.77
ip -n "$NS_B" neigh add "$SPOOF" lladdr "$(veth_mac "$NS_A")" dev veth0 nud permanent
fifo_start q timeout -k 5 600 ip netns exec "$NS_A" python3 "$SYNQ" veth0 \
	"$SPOOF" "$ADDR_B"
IFS= read -r -t 120 -u "${SC_OUT[q]}" R
expect "tool_synq is ready" ready "$R"

# synq_send PORT CASE; synq_get: its line in R
synq_send()
{
	printf '%s %s\n' "$1" "$2" >&"${SC_IN[q]}"
}

synq_get()
{
	IFS= read -r -t 60 -u "${SC_OUT[q]}" R ||
		R="err NOREPLY $(tr '\n' ' ' < "$TMP/q.err")"
	tap_diag "tool_synq: $R"
}

for sp in "$P" 0; do
	name=$(proto_name "$sp")
	knob "$NS_B" "$sp" fastopen 3
	fo_listen "$sp" 1
	synq_send "$PORT" tfocookie
	synq_get
	c=${R#tfocookie }
	tap_ok "$name: a crafted SYN gets a cookie ($c)" \
		test -n "$c" -a "$c" != none -a "$c" != "$R"

	synq_send "$PORT" "tfo:$c:500:ack"
	sc s accept
	expect "$name: the child is accepted before the third ACK" "ok*" "$R"
	sc s "send 100"
	synq_get
	tap_is "$name: the SYN-ACK acks the 500 bytes, 100 are sent before the third ACK" \
		"$R" "tfo acked 500 early 100"
	sc s "recv 500"
	expect "$name: the child reads the SYN's 500 bytes" "ok 500" "$R"

	over0=$(stack_stat "$NS_B" "$sp" FastOpenListenOverflow)
	synq_send "$PORT" "tfo:$c:500:hold"
	synq_get
	tap_is "$name: a held handshake: the SYN's data acked" "$R" \
		"tfo acked 500 early 0"
	sc s accept
	sc s state
	tap_is "$name: accepted in SYN-RECEIVED" "$R" "ok SYN_RECV"
	sc s "recv 500"
	expect "$name: and reads the SYN's data" "ok 500" "$R"
	synq_send "$PORT" "tfo:$c:500:rst"
	synq_get
	tap_is "$name: TCP_FASTOPEN 1, one child waiting: the next SYN's data waits" \
		"$R" "tfo acked 0 early 0"
	tap_is "$name: FastOpenListenOverflow" \
		"$(stat_delta "$NS_B" "$sp" FastOpenListenOverflow "$over0")" 1
	# the held child goes now, not after its SYN-ACKs time out
	sc s "linger0 ; close"
	sc_get s
	sc_stop s

	fo_listen "$sp" 16
	synq_send "$PORT" "tfo:$c:500:rst"
	sc s accept
	synq_get
	tap_is "$name: a child reset before its third ACK" "$R" \
		"tfo acked 500 early 0"
	sc s "recv 1000"
	expect "$name: its reader gets the data, then ECONNRESET" \
		"err ECONNRESET recv after 500 bytes" "$R"
	sc_stop s
	knob "$NS_B" "$sp" fastopen 1
done
printf 'quit\n' >&"${SC_IN[q]}"

tap_finish

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_apps - unmodified programs on atcp through atcpize (scripts/atcpize,
# an LD_PRELOAD library), server in $NS_B and client in $NS_A, each under
# atcpize, with the data checked end to end:
#
#  - atcpize itself: the IPv4 and IPv6 TCP sockets of a preloaded program
#    are atcp sockets (SO_PROTOCOL), and a protocol no module serves makes
#    socket() fail instead of falling back;
#  - iperf3: 16 MiB in one stream, then back over 4 streams (-R -P 4).
#    iperf3 cannot check data (its -F mode drops the tail at the test's end
#    and garbles the file when a send is partial, over Linux TCP too), so
#    it checks the exit statuses and the counts of its report;
#  - curl fetching a 4 MiB file over IPv6 and 20 small ones over IPv4 from
#    "python3 -m http.server" on [::] (one dual-stack atcp listener); each
#    must match the file served;
#  - a Python asyncio echo server (tool_asyncecho.py) and 8 concurrent
#    clients of 1 MB each, every byte compared; then two such servers on
#    one port with asyncio's reuse_port (SO_REUSEPORT) and 32 clients of
#    100 kB: every byte comes back and both servers took connections;
#  - a Python client that sends 4 MiB with SO_ZEROCOPY and MSG_ZEROCOPY
#    (tool_zerocopy.py) to a server that checks them, then reads its
#    completions from the error queue.
#
# Each case also checks that atcp carried it: atcp's ActiveOpens grew in
# the client's namespace and PassiveOpens in the server's, while Linux
# TCP's did not move in either.  The "atcp" protocol is $ATCP_PROTO
# (default 253); with ATCP_PROTO=6 atcpize leaves every socket on Linux
# TCP and only the data checks apply.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_conn.sh"

ATCPIZE=$ATCP_TOP/scripts/atcpize
ECHO=$ATCP_TOP/selftests/vm/tool_asyncecho.py
ZEROCOPY=$ATCP_TOP/selftests/vm/tool_zerocopy.py
PY=/usr/bin/python3

sc_topic apps 5

if [ ! -f "$ATCP_TOP/scripts/libatcpize.so" ]; then
	tap_skip "scripts/libatcpize.so is not built (make)"
	tap_finish
fi

NATIVE=0
case $P in 0|6) NATIVE=1 ;; esac

# on NS CMD...: CMD in NS under atcpize.
on()
{
	local ns=$1

	shift
	ip netns exec "$ns" "$ATCPIZE" run --protocol "$P" "$@"
}

# serve NS CMD...: CMD in NS under atcpize, in the background, its pid in
# $srv (the pid of CMD itself: ip netns exec and atcpize exec it).
serve()
{
	local ns=$1

	shift
	ip netns exec "$ns" "$ATCPIZE" run --protocol "$P" "$@" &
	srv=$!
	PIDS+=("$srv")
}

# opens: the four counters that say which stack opened connections, as
# "atcp-active atcp-passive linux-active linux-passive".
opens()
{
	local a=0 p=0

	if [ $NATIVE = 0 ]; then
		a=$(atcp_stat "$NS_A" ActiveOpens)
		p=$(atcp_stat "$NS_B" PassiveOpens)
	fi
	echo "$a $p $(linux_tcp "$NS_A" ActiveOpens)" \
	     "$(( $(linux_tcp "$NS_B" PassiveOpens) ))"
}

# carried_by_atcp TAG BEFORE: since BEFORE (opens), atcp opened at least
# one connection at each end and Linux TCP none.
carried_by_atcp()
{
	local tag=$1 b0 b1 b2 b3 a0 a1 a2 a3

	[ $NATIVE = 1 ] && return
	read -r b0 b1 b2 b3 <<< "$2"
	read -r a0 a1 a2 a3 <<< "$(opens)"
	tap_is "$tag: atcp made the connections, Linux TCP none" \
		"client $(( a0 > b0 )) server $(( a1 > b1 )) linux $((a2 - b2)) $((a3 - b3))" \
		"client 1 server 1 linux 0 0"
}

# listening PORT LOG TAG: the server $srv in $NS_B listens on PORT within
# 10 s; else its LOG is shown and the point "TAG: the server listens" fails.
listening()
{
	for _ in $(seq 200); do
		case " $(states "$NS_B" "$P" "$1") " in
		*" LISTEN "*) return 0 ;;
		esac
		kill -0 "$srv" 2>/dev/null || break
		sleep 0.05
	done
	sed 's/^/# /' "$2"
	tap_result 1 "$3: the server listens"
	return 1
}

# unserve: stop the server $srv.
unserve()
{
	kill "$srv" 2>/dev/null
	wait "$srv" 2>/dev/null
}

# ---- atcpize itself -----------------------------------------------------------

probe='import socket
for fam in (socket.AF_INET, socket.AF_INET6):
    s = socket.socket(fam, socket.SOCK_STREAM | socket.SOCK_NONBLOCK)
    print(s.getsockopt(socket.SOL_SOCKET, socket.SO_PROTOCOL), end=" ")'
tap_is "atcpize: an IPv4 and an IPv6 TCP socket are atcp's" \
	"$(on "$NS_A" "$PY" -c "$probe" 2>&1)" "$P $P "
if [ $NATIVE = 0 ]; then
	tap_is "atcpize: a protocol no module serves fails socket(), no fallback" \
		"$(ip netns exec "$NS_A" "$ATCPIZE" run --protocol 254 "$PY" -c '
import socket
try:
    socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    print("a socket")
except OSError as e:
    print(e.strerror)' 2>&1)" "Protocol not supported"
fi

# ---- iperf3 -----------------------------------------------------------------

port=5201
for args in "-P 1" "-R -P 4"; do
	tag="iperf3 $args, 16 MiB"
	before=$(opens)
	serve "$NS_B" timeout -k 2 90 iperf3 -s -1 -B "$ADDR_B" -p $port \
		> "$TMP/iperf.s" 2>&1
	listening $port "$TMP/iperf.s" "$tag" || continue
	# shellcheck disable=SC2086 # $args is several options
	on "$NS_A" timeout -k 2 60 iperf3 -c "$ADDR_B" -p $port -n 16M $args \
		-J > "$TMP/iperf.c" 2>&1
	tap_result $? "$tag: the client succeeds" || sed 's/^/# /' "$TMP/iperf.c"
	wait $srv
	tap_result $? "$tag: the server succeeds" || sed 's/^/# /' "$TMP/iperf.s"
	# The sender wrote 16 MiB, or up to one 128 KiB block per stream
	# more: iperf3 checks the total between whole blocks, and a write
	# that took part of a block leaves the count off the boundary.  The
	# receiver counts only what it read before the test's end message
	# came, so its count is less.
	got=$("$PY" -c '
import json, sys
try:
    end = json.load(open(sys.argv[1]))["end"]
    sent = end["sum_sent"]["bytes"]
    got = end["sum_received"]["bytes"]
    streams = len(end["streams"])
    print("16 MiB" if 16 << 20 <= sent <= (16 << 20) + streams * (128 << 10)
          else sent, "received", "some" if 0 < got <= sent else got)
except Exception as e:
    print("unreadable", type(e).__name__)' "$TMP/iperf.c" 2>&1)
	tap_is "$tag: 16 MiB sent, some received, no more" "$got" \
		"16 MiB received some"
	carried_by_atcp "$tag" "$before"
	port=$((port + 1))
done

# ---- curl and python3 -m http.server ---------------------------------------

mkdir "$TMP/www"
head -c 4194304 /dev/urandom > "$TMP/www/big"
for i in $(seq 20); do
	head -c $((i * 997)) /dev/urandom > "$TMP/www/small$i"
done
tag="curl from python3 -m http.server"
before=$(opens)
serve "$NS_B" timeout -k 2 120 "$PY" -m http.server --bind :: \
	--directory "$TMP/www" 8000 > "$TMP/http.log" 2>&1
if listening 8000 "$TMP/http.log" "$tag"; then
	mkdir "$TMP/got"
	urls=()
	for i in $(seq 20); do
		urls+=(-o "$TMP/got/small$i" "http://$ADDR_B:8000/small$i")
	done
	on "$NS_A" curl -sS --max-time 60 -o "$TMP/got/big" \
		"http://[$ADDR6_B]:8000/big" "${urls[@]}" 2>&1 | sed 's/^/# /'
	tap_result "${PIPESTATUS[0]}" "$tag: curl fetches 21 files (IPv6 and IPv4)"
	bad=""
	for f in big $(seq -f 'small%g' 20); do
		cmp -s "$TMP/www/$f" "$TMP/got/$f" || bad+=" $f"
	done
	tap_is "$tag: every file arrives as served" "${bad:-none differ}" \
		"none differ"
	carried_by_atcp "$tag" "$before"
fi
unserve

# ---- a Python asyncio echo server --------------------------------------------

tag="asyncio echo, 8 connections of 1 MB"
before=$(opens)
serve "$NS_B" timeout -k 2 120 "$PY" "$ECHO" server "$ADDR_B" 7000 \
	> "$TMP/echo.log" 2>&1
if listening 7000 "$TMP/echo.log" "$tag"; then
	tap_is "$tag: every byte comes back" \
		"$(on "$NS_A" timeout -k 2 90 "$PY" "$ECHO" client "$ADDR_B" 7000 \
			8 1000000 2>&1)" "ok 8 1000000"
	carried_by_atcp "$tag" "$before"
fi
unserve

tag="asyncio echo, two servers with reuse_port, 32 connections of 100 kB"
before=$(opens)
serve "$NS_B" timeout -k 2 120 "$PY" "$ECHO" server "$ADDR_B" 7002 \
	--reuse-port > "$TMP/echo1.log" 2>&1
srv1=$srv
if listening 7002 "$TMP/echo1.log" "$tag"; then
	serve "$NS_B" timeout -k 2 120 "$PY" "$ECHO" server "$ADDR_B" 7002 \
		--reuse-port > "$TMP/echo2.log" 2>&1
	# the second listener: two LISTEN lines on the port
	for _ in $(seq 200); do
		[ "$(states "$NS_B" "$P" 7002 | tr ' ' '\n' | grep -c '^LISTEN$')" -ge 2 ] && break
		kill -0 "$srv" 2>/dev/null || break
		sleep 0.05
	done
	tap_is "$tag: every byte comes back" \
		"$(on "$NS_A" timeout -k 2 90 "$PY" "$ECHO" client "$ADDR_B" 7002 \
			32 100000 2>&1)" "ok 32 100000"
	n1=$(grep -c '^conn$' "$TMP/echo1.log")
	n2=$(grep -c '^conn$' "$TMP/echo2.log")
	tap_result "$([ "$n1" -gt 0 ] && [ "$n2" -gt 0 ] && [ $((n1 + n2)) = 32 ] && echo 0 || echo 1)" \
		"$tag: both servers took connections ($n1 and $n2)"
	carried_by_atcp "$tag" "$before"
	unserve
fi
srv=$srv1
unserve

# ---- MSG_ZEROCOPY ---------------------------------------------------------------

tag="MSG_ZEROCOPY, 4 MiB"
before=$(opens)
serve "$NS_B" timeout -k 2 60 "$PY" "$ZEROCOPY" server "$ADDR_B" 7001 \
	> "$TMP/zerocopy.log" 2>&1
if listening 7001 "$TMP/zerocopy.log" "$tag"; then
	tap_is "$tag: the data arrives intact and every send call completes" \
		"$(on "$NS_A" timeout -k 2 60 "$PY" "$ZEROCOPY" client \
			"$ADDR_B" 7001 4194304 2>&1)" "ok 4194304"
	carried_by_atcp "$tag" "$before"
fi
unserve

tap_finish

# SPDX-License-Identifier: GPL-2.0
#
# lib_conn.sh - helpers shared by the connection topics (test_close,
# test_ss_states, test_interop, test_netem, ...): process clean-up, timing,
# waiting for a server, and driving tool_sockctl, a socket held open by a
# helper process that takes commands on a FIFO.
#
# The sourcing script sets the globals these use: TMP (a scratch
# directory), PIDS (background processes to kill), and for the sc_*
# helpers SOCKCTL, T and the associative arrays SC_PID, SC_IN, SC_OUT.
# Source it after lib.sh.

# shellcheck disable=SC2317 # invoked by the EXIT trap
cleanup()
{
	local pid

	for pid in "${PIDS[@]}"; do
		kill "$pid" 2>/dev/null
	done
	wait 2>/dev/null
	rm -rf "$TMP"
	topo_cleanup
}

now_ms()
{
	echo $(( ${EPOCHREALTIME/./} / 1000 ))
}

proto_name()
{
	if [ "$1" = 0 ]; then echo Linux; else echo atcp; fi
}

# wait_ready FILE PID: the server created FILE (listening) within 5 s.
wait_ready()
{
	for _ in $(seq 100); do
		[ -e "$1" ] && return 0
		kill -0 "$2" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

# fifo_start NAME CMD...: CMD in the background, reading $TMP/NAME.in and
# writing $TMP/NAME.out (FIFOs, held open on the fds SC_IN[NAME] and
# SC_OUT[NAME]) and $TMP/NAME.err; its pid in SC_PID[NAME] and PIDS.
fifo_start()
{
	local name=$1 fd

	shift
	rm -f "$TMP/$name.in" "$TMP/$name.out"
	mkfifo "$TMP/$name.in" "$TMP/$name.out"
	"$@" < "$TMP/$name.in" > "$TMP/$name.out" 2> "$TMP/$name.err" &
	SC_PID[$name]=$!
	PIDS+=("$!")
	exec {fd}<> "$TMP/$name.in"
	SC_IN[$name]=$fd
	exec {fd}<> "$TMP/$name.out"
	SC_OUT[$name]=$fd
}

# sc_start NAME NS PROTO: a tool_sockctl in NS, driven through two FIFOs.
sc_start()
{
	fifo_start "$1" timeout -k 2 300 ip netns exec "$2" "$SOCKCTL" \
		-p "$3" -t "$T"
}

# sc_send NAME LINE: send a command line without waiting for the reply.
sc_send()
{
	local name=$1

	shift
	printf '%s\n' "$*" >&"${SC_IN[$name]}"
}

# nap: sleep 20 ms without a fork, as a timed read on a FIFO that no one
# writes.
nap()
{
	if [ -z "$NAP_FD" ]; then
		mkfifo "$TMP/nap" && exec {NAP_FD}<> "$TMP/nap"
	fi
	read -r -t 0.02 -u "$NAP_FD"
}

# sc_get NAME [SECS]: the next reply line into $R ("err DEAD" / "err
# NOREPLY" after SECS, by default T + 5).
# Never a timed read on the reply FIFO itself: one that times out just as
# the line comes in can take the newline with it (bash), and the reply is
# lost.  tool_sockctl writes each reply with one write(), so once input
# shows (read -t 0), the whole line is there.
sc_get()
{
	local name=$1 fd=${SC_OUT[$1]} secs=${2:-$((T + 5))} i alive

	for ((i = 0; i < secs * 50; i++)); do
		# alive before the look at the FIFO: a last reply is not missed
		kill -0 "${SC_PID[$name]}" 2>/dev/null
		alive=$?
		if read -r -t 0 -u "$fd"; then
			IFS= read -r -t 5 -u "$fd" R
			return
		fi
		if [ $alive != 0 ]; then
			R="err DEAD $(tr '\n' ' ' < "$TMP/$name.err")"
			return 1
		fi
		nap
	done
	R="err NOREPLY"
	return 1
}

# sc NAME LINE: one command, its reply in $R.
sc()
{
	sc_send "$@"
	sc_get "$1"
}

sc_stop()
{
	local name=$1 pid=${SC_PID[$1]} i fin=${SC_IN[$1]} fout=${SC_OUT[$1]}

	sc_send "$name" quit 2>/dev/null
	for ((i = 0; i < 20; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	exec {fin}>&- {fout}<&-
	unset "SC_PID[$name]"
}

# states NS PROTO PORT: the states (ss names, sorted) of the connections on
# local or remote PORT in NS: ss for Linux TCP, /proc/net/atcp and atcp6
# for atcp (/proc/net/tcp and tcp6 when the "atcp" side is Linux TCP).
states()
{
	local ns=$1 proto=$2 port=$3 files=(/proc/net/atcp /proc/net/atcp6)

	if [ "$proto" = 0 ]; then
		ss -N "$ns" -tanH "( sport = :$port or dport = :$port )" |
			awk '{ print $1 }' | sort | tr '\n' ' ' | sed 's/ $//'
		return
	fi
	case $P in 0|6) files=(/proc/net/tcp /proc/net/tcp6) ;; esac
	ip netns exec "$ns" cat "${files[@]}" | port_states "$port"
}

# tw_count NS PROTO PORT: the TIME-WAIT entries on local or remote PORT
tw_count()
{
	states "$1" "$2" "$3" | tr ' ' '\n' | grep -c '^TIME-WAIT$'
}

# port_states PORT: the states, by name, of the sockets on PORT (local or
# remote) in /proc/net/tcp-format text on stdin, sorted, on one line.
port_states()
{
	local port=$1

	awk -v p="$(printf '%04X' "$port")" '
		BEGIN {
			n = split("01 ESTAB 02 SYN-SENT 03 SYN-RECV 04 FIN-WAIT-1 " \
				  "05 FIN-WAIT-2 06 TIME-WAIT 07 CLOSE " \
				  "08 CLOSE-WAIT 09 LAST-ACK 0A LISTEN 0B CLOSING", a, " ")
			for (i = 1; i < n; i += 2)
				name[a[i]] = a[i + 1]
		}
		$1 ~ /^[0-9]+:$/ {
			split($2, l, ":"); split($3, r, ":")
			if (l[2] == p || r[2] == p)
				print (($4 in name) ? name[$4] : "st" $4)
		}' | sort | tr '\n' ' ' | sed 's/ $//'
}

# where PROTO: how the states of that side are seen
where()
{
	if [ "$1" = 0 ]; then echo "ss"; else echo "/proc/net/atcp"; fi
}

# wait_states DESC NS PROTO PORT WANT SECS: one test point, passing once the
# states on PORT are exactly WANT (e.g. "TIME-WAIT", "" for none) within
# SECS.  Fails at once when the connection under test does not exist.
wait_states()
{
	local desc=$1 ns=$2 proto=$3 port=$4 want=$5 secs=$6 end got

	if [ "$ALIVE" != 1 ]; then
		tap_result 1 "$desc (no connection)"
		return 1
	fi
	end=$(( $(now_ms) + secs * 1000 ))
	while :; do
		got=$(states "$ns" "$proto" "$port")
		[ "$got" = "$want" ] && break
		if [ "$(now_ms)" -gt "$end" ]; then
			tap_diag "states on port $port ($(where "$proto")): '$got', want '$want'"
			break
		fi
		sleep 0.05
	done
	tap_result "$([ "$got" = "$want" ] && echo 0 || echo 1)" "$desc"
}

# expect DESC WANT GOT...: a point passing when every GOT matches the glob
# WANT; needs the connection when ALIVE is checked by the caller.
expect()
{
	local desc=$1 want=$2 got status=0

	shift 2
	for got in "$@"; do
		# shellcheck disable=SC2053 # WANT is a glob
		[[ $got == $want ]] || status=1
	done
	[ $status = 0 ] || tap_diag "replies: $(printf "'%s' " "$@"), want '$want'"
	tap_result $status "$desc"
}

# xfer_case DESC SRV_NS SRV_PROTO CLI_NS CLI_PROTO ADDR SRV_ARGS CLI_ARGS:
# one verified transfer with tool_xfer ($XFER; $T limits every blocking
# call, $LIMIT each process), one test point; counts successes in xfers_ok.
xfer_case()
{
	local desc=$1 sns=$2 sproto=$3 cns=$4 cproto=$5 addr=$6
	local sa ca spid srv_rc cli_rc ready t0 status=0

	read -ra sa <<< "$7"
	read -ra ca <<< "$8"
	ready=$TMP/ready.$RANDOM$RANDOM
	t0=$(now_ms)
	timeout -k 2 "$LIMIT" ip netns exec "$sns" "$XFER" server \
		-p "$sproto" -l "$addr" -1 -R "$ready" -t "$T" "${sa[@]}" \
		> "$TMP/srv" 2>&1 &
	spid=$!
	PIDS+=("$spid")
	if ! wait_ready "$ready" "$spid"; then
		kill "$spid" 2>/dev/null
		wait "$spid"
		srv_rc=$?
		cli_rc=-
		echo "server did not start listening (status $srv_rc)" > "$TMP/cli"
	else
		timeout -k 2 "$LIMIT" ip netns exec "$cns" "$XFER" client \
			-p "$cproto" -c "$addr" -t "$T" "${ca[@]}" > "$TMP/cli" 2>&1
		cli_rc=$?
		if [ "$cli_rc" != 0 ]; then
			# the server may wait for a connection that never came
			sleep 0.5
			kill "$spid" 2>/dev/null
		fi
		wait "$spid"
		srv_rc=$?
	fi
	[ "$srv_rc" = 0 ] && [ "$cli_rc" = 0 ] || status=1
	if [ $status = 0 ]; then
		grep -h ' OK ' "$TMP/cli" "$TMP/srv" | sed 's/^/# /'
	else
		sed 's/^/# /' "$TMP/cli" "$TMP/srv"
		echo "# client status $cli_rc, server status $srv_rc"
	fi
	[ $status = 0 ] && xfers_ok=$((xfers_ok + 1))
	tap_result $status "$desc ($(( $(now_ms) - t0 )) ms)"
}

# cap_start NS FILE FILTER [SECS]: tcpdump on veth0 of NS into FILE, for
# at most SECS seconds (60); CAP_SNAPLEN, if set, bytes kept of each
# packet (tcpdump -s)
cap_start()
{
	timeout -k 1 "${4:-60}" ip netns exec "$1" tcpdump -Z root -i veth0 -n -U \
		--immediate-mode ${CAP_SNAPLEN:+-s "$CAP_SNAPLEN"} -w "$2" "$3" \
		2> "$2.err" &
	CAP_PID=$!
	PIDS+=("$CAP_PID")
	for _ in $(seq 200); do
		grep -q 'listening on' "$2.err" && return 0
		kill -0 "$CAP_PID" 2>/dev/null || break
		sleep 0.05
	done
	sed 's/^/# tcpdump: /' "$2.err"
	return 1
}

cap_stop()
{
	sleep 0.5
	kill "$CAP_PID" 2>/dev/null
	wait "$CAP_PID" 2>/dev/null
}

# cap_count FILE REGEX: packets of the capture whose tcpdump line matches
cap_count()
{
	tcpdump -n -r "$1" 2>/dev/null | grep -cE -- "$2"
}

# cap_marked FILE SRC REGEX: "N of M (SYN-ACK K)": of the M packets from
# SRC in the capture, N match REGEX in tcpdump -v's text of the packet
# (an IPv4 header's continues on a second line, joined here), K of them
# SYN-ACKs.  Extension headers keep "tcp" filters from matching IPv6
# packets (libpcap does not skip them): filter the capture by host.
cap_marked()
{
	tcpdump -v -n -r "$1" "src host $2" 2>/dev/null |
		awk '/^[0-9]/ { if (l != "") print l; l = $0; next }
			{ l = l " " $0 } END { if (l != "") print l }' |
		awk -v mark="$3" '$0 ~ mark { n++; if (/Flags \[S\.\]/) k++ }
			{ m++ } END { printf "%d of %d (SYN-ACK %d)\n", n, m, k }'
}

# is_linux PROTO: PROTO is Linux TCP, 0 or 6 (ATCP_PROTO=6: the "atcp"
# side is Linux TCP too)
is_linux()
{
	[ "$1" = 0 ] || [ "$1" = 6 ]
}

# knob_path PROTO NAME: the sysctl file of atcp's NAME, or of Linux's
# tcp_NAME when PROTO is Linux TCP
knob_path()
{
	if is_linux "$1"; then
		echo "/proc/sys/net/ipv4/tcp_$2"
	else
		echo "/proc/sys/net/atcp/$2"
	fi
}

# metrics NS PROTO ADDR: the path metrics NS keeps for peer ADDR, one
# line in the words of "ip tcp_metrics show" (/proc/net/atcp_metrics)
metrics()
{
	if is_linux "$2"; then
		ip -n "$1" tcp_metrics show "$3" 2>/dev/null
	else
		ip netns exec "$1" awk -v a="$3" '$1 == a' /proc/net/atcp_metrics
	fi
}

# metrics_flush NS PROTO [ADDR]: NS forgets ADDR's path metrics, or all
metrics_flush()
{
	if is_linux "$2"; then
		ip -n "$1" tcp_metrics flush "${3:-all}" 2>/dev/null
	else
		ip netns exec "$1" sh -c "echo flush $3 > /proc/net/atcp_metrics"
	fi
}

# knob NS PROTO NAME VALUE: set that knob in NS.
knob()
{
	ip netns exec "$1" sh -c "echo $4 > $(knob_path "$2" "$3")"
}

# netem_set ARGS...: the same netem qdisc on veth0 of both namespaces;
# without ARGS, remove it.
netem_set()
{
	local ns

	for ns in "$NS_A" "$NS_B"; do
		ip netns exec "$ns" tc qdisc del dev veth0 root 2>/dev/null
		[ $# = 0 ] && continue
		ip netns exec "$ns" tc qdisc add dev veth0 root netem limit 10000 "$@" ||
			return 1
	done
}

# qdisc_dropped NS: packets the qdisc on NS's veth0 egress (its root, for
# a tree: all of it) dropped since it was added; nothing when tc shows no
# count
qdisc_dropped()
{
	ip netns exec "$1" tc -s qdisc show dev veth0 |
		sed -n 's/.*(dropped \([0-9]*\),.*/\1/p' | head -n 1
}

# netem_egress NS [ARGS...]: netem ARGS on NS's veth0 egress, none without ARGS.
netem_egress()
{
	local ns=$1

	shift
	ip netns exec "$ns" tc qdisc del dev veth0 root 2>/dev/null
	[ $# = 0 ] && return 0
	ip netns exec "$ns" tc qdisc add dev veth0 root netem "$@"
}

# timed NAME LINE: one command; the reply in $R, its duration in $MS.
timed()
{
	local start

	start=$(now_ms)
	sc "$@"
	MS=$(( $(now_ms) - start ))
}

# between DESC MS LO HI: MS lies in [LO, HI] milliseconds.
between()
{
	tap_diag "$1: took $2 ms (want $3..$4 ms)"
	tap_result "$([ "$2" -ge "$3" ] && [ "$2" -le "$4" ] && echo 0 || echo 1)" \
		"$1"
}

# atcp_stat NS NAME: a counter of /proc/net/atcp_stat in NS.
atcp_stat()
{
	ip netns exec "$1" awk -v n="$2" '$1 == n { print $2 }' \
		/proc/net/atcp_stat
}

# stack_stat NS PROTO NAME: atcp's counter NAME in NS, or for Linux TCP
# its TcpExt twin, named the same with "TCP" before it (Timeouts,
# TCPTimeouts).
stack_stat()
{
	if is_linux "$2"; then
		linux_mib "$1" netstat TcpExt "TCP$3"
	else
		atcp_stat "$1" "$3"
	fi
}

# delayed_acks NS PROTO: the ACKs the delayed-ACK timer of the stack
# PROTO sent in NS (DelayedACKs, the same name in both).
delayed_acks()
{
	if is_linux "$2"; then
		linux_tcpext "$1" DelayedACKs
	else
		atcp_stat "$1" DelayedACKs
	fi
}

# linux_mib NS FILE SECTION NAME: a counter of Linux's in NS, from
# /proc/net/FILE (snmp or netstat), where a SECTION line of names is
# followed by one of values.
linux_mib()
{
	ip netns exec "$1" awk -v s="$3:" -v n="$4" '
		$1 == s && !h { for (i = 2; i <= NF; i++) c[i] = $i; h = 1; next }
		$1 == s { for (i = 2; i <= NF; i++) if (c[i] == n) print $i }' \
		"/proc/net/$2"
}

# linux_tcpext NS NAME: a TcpExt counter of Linux TCP in NS (nstat names).
linux_tcpext()
{
	linux_mib "$1" netstat TcpExt "$2"
}

# linux_tcp NS NAME: a Tcp counter of Linux TCP in NS (ActiveOpens, ...).
linux_tcp()
{
	linux_mib "$1" snmp Tcp "$2"
}

# sc_pair CP SP PORT [PRE...]: tool_sockctl c in $NS_A (protocol CP)
# connected to s in $NS_B (SP), listening on PORT; the client runs each
# PRE command (on a socket of its own: "socket ; sockopt ...") before
# connect.  True and ALIVE=1 when connected.
sc_pair()
{
	local cp=$1 sp=$2 port=$3 r1 r2 r3 pre

	shift 3
	sc_start c "$NS_A" "$cp"
	sc_start s "$NS_B" "$sp"
	sc s "listen $ADDR_B:$port"
	r1=$R
	r2=ok
	for pre in "$@"; do
		sc c "$pre"
		[ "$R" = ok ] || r2="$pre: $R"
	done
	sc c "connect $ADDR_B:$port"
	[ "$r2" = ok ] && r2=$R
	sc s "accept"
	r3=$R
	sc s "close-listener"
	ALIVE=0
	[ "$r1" = ok ] && [ "$r2" = ok ] && [[ $r3 == "ok $ADDR_A:"* ]] && ALIVE=1
	[ $ALIVE = 1 ] || tap_diag "listen: '$r1', connect: '$r2', accept: '$r3'"
	[ $ALIVE = 1 ]
}

# sc_topic NAME SECS: set up a topic that drives tool_sockctl between
# $NS_A and $NS_B: the globals the sc_* helpers use (T = SECS, the limit
# of every blocking call), topo_pair, and the clean-up on exit, armed
# after topo_pair, whose own EXIT trap it replaces.  Without tool_sockctl
# the topic is skipped.
sc_topic()
{
	P=$ATCP_PROTO
	SOCKCTL=$ATCP_TOP/selftests/vm/build/tool_sockctl
	T=$2
	TMP=$(mktemp -d "/tmp/atcp-$1.XXXXXX")
	PIDS=()
	declare -gA SC_IN SC_OUT SC_PID
	ALIVE=1
	R=""
	if [ ! -x "$SOCKCTL" ]; then
		rm -rf "$TMP"
		tap_skip "tool_sockctl is not built"
		tap_finish
	fi
	topo_pair || { topo_cleanup; tap_result 1 "set up the namespaces"; tap_finish; }
	trap cleanup EXIT
}

# atcp_only WHY: end a topic that only atcp can run, with one skipped point,
# when ATCP_PROTO makes "atcp" Linux TCP (6 or 0).
atcp_only()
{
	if [ "$P" = 6 ] || [ "$P" = 0 ]; then
		tap_skip "ATCP_PROTO=$P is Linux TCP: $1"
		tap_finish
	fi
}

# sc_both_ways TAG BYTES: BYTES of the test pattern from tool_sockctl c
# to s, then back, each a point.
sc_both_ways()
{
	sc c "send $2"
	sc s "recv $2"
	tap_is "$1: $2 bytes to the listener's side" "${R%% *}" ok
	sc s "send $2"
	sc c "recv $2"
	tap_is "$1: $2 bytes back" "${R%% *}" ok
}

# no_connection TAG DESC...: the points a case could not check because
# its connection was never set up, each failed.
no_connection()
{
	local tag=$1 d

	shift
	for d in "$@"; do
		tap_result 1 "$tag: $d (no connection)"
	done
}

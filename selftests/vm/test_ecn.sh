#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_ecn - Explicit Congestion Notification (RFC 3168) on atcp, against
# Linux TCP and itself, and the sysctls ecn and ecn_fallback.
#
# Negotiation: who asks for ECN in its SYN (ecn=1 asks, the default 2
# only accepts, 0 does neither), who agrees in the SYN-ACK (ECE), over
# IPv4 and IPv6 and through a SYN cookie.  On the wire (tcpdump) only new
# data is ECN-capable (ECT(0)), never a pure ACK; TCP_INFO on both ends
# says whether ECN was agreed and ECN-capable data came (tool_xfer prints
# TCPI_OPT_ECN and TCPI_OPT_ECN_SEEN).
#
# Marks: netem marks 5% of the ECN-capable packets CE ("loss 5% ecn";
# packets that are not ECN-capable it drops) while 8 MiB go out.  Both
# stacks hand netem GSO packets of many segments, so the marks come in
# bursts, a dozen or more a transfer: enough for an ECE to find new data to
# answer with CWR.  The receiver echoes ECE, the sender cuts its window
# and answers CWR, and under 1% of the segments are resent (a loss probe
# that found nothing lost, and what netem then dropped: a resent segment
# is not ECN-capable).  Without ECN the same netem drops data, over 5% of
# it.  Everything runs on one CPU: with two, the VM's veth reorders
# segments now and then, and the spurious resends that follow would
# blur the count.
#
# Fallback: a filter drops SYNs that ask for ECN.  With ecn_fallback 1 the
# resent SYN no longer asks and the connection comes up without ECN; with
# 0 it keeps asking until syn_retries gives up.
#
# DSCP and TTL: a listener with IP_TOS 0x20 and IP_TTL 33 (IPV6_TCLASS,
# IPV6_UNICAST_HOPS over IPv6) sends its SYN-ACK and its connection's
# segments with both, as Linux's does.
#
# The "atcp" protocol is $ATCP_PROTO (default 253); ATCP_PROTO=6 runs the
# same test with Linux TCP on both sides.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_conn.sh"

XFER=$ATCP_TOP/selftests/vm/build/tool_xfer
PCAPSUM=$ATCP_TOP/selftests/vm/tool_pcapsum.py
# the headers are all this topic reads: a capture of whole packets grew
# by 2 MiB a case, and tool_pcapsum read it all every quarter second
CAP_SNAPLEN=200
PY=/usr/bin/python3
LIMIT=60			# limit of one tool_xfer process

sc_topic ecn 20
if ! command -v tcpdump > /dev/null; then
	tap_skip "tcpdump is needed (scripts/setup.sh installs it)"
	tap_finish
fi
modprobe sch_netem 2>/dev/null
tap_diag "atcp protocol $P"

# setup NS PROTO ECN FALLBACK [NAME=VALUE...]: in NS, the knobs of both
# stacks back to their defaults, then PROTO's ecn and ecn_fallback, and
# PROTO's knobs NAME; in one shell, for each one costs a second or so
# under an emulated CPU.
setup()
{
	local ns=$1 proto=$2 cmd="" p kv

	shift 2
	set -- "ecn=$1" "ecn_fallback=$2" "${@:3}"
	for p in 0 "$P"; do
		for kv in ecn=2 ecn_fallback=1 syncookies=1 syn_retries=6; do
			cmd+="echo ${kv#*=} > $(knob_path "$p" "${kv%%=*}") && "
		done
	done
	for kv in "$@"; do
		cmd+="echo ${kv#*=} > $(knob_path "$proto" "${kv%%=*}") && "
	done
	ip netns exec "$ns" sh -c "${cmd}true"
}

# report FILE NAME: the value after NAME on tool_xfer's OK line in FILE
report()
{
	awk -v n="$2" '/ OK / { for (i = 1; i < NF; i++) if ($i == n) v = $(i + 1) }
		END { gsub(",", "", v); print v }' "$1"
}

# summarize: $CAP as one line per TCP segment (tool_pcapsum.py), into
# $CAP.txt: family src sport dst dport flags ecn payload
summarize()
{
	"$PY" "$PCAPSUM" "$CAP" > "$CAP.txt" || tap_diag "tool_pcapsum.py $CAP failed"
}

# pkts COND: the segments of $CAP.txt for which the awk COND holds ($1
# family, $2 src, $3 sport, $4 dst, $5 dport, $6 flags "S.EW...", $7 ECN
# field, $8 payload bytes)
pkts()
{
	awk "($1) { n++ } END { print n + 0 }" "$CAP.txt"
}

# negotiate NAME FAM CP CECN SP SECN WANT [KNOB=VALUE]: a Linux or atcp
# client (CP) with ecn CECN in $NS_A, a server (SP) with ecn SECN (and
# KNOB) in $NS_B, 1 MiB each way over IPv4 or IPv6 (FAM 4 or 6); ECN is
# agreed when WANT is 1.
negotiate()
{
	local name=$1 fam=$2 cp=$3 cecn=$4 sp=$5 secn=$6 want=$7 pre=${8:-}
	local dst=$ADDR_B src=$ADDR_A desc side file got ask ect p

	[ "$fam" = 6 ] && dst="[$ADDR6_B]" src=$ADDR6_A
	desc="$name: $(proto_name "$cp") client (ecn=$cecn) -> $(proto_name "$sp") server (ecn=$secn)"
	setup "$NS_A" "$cp" "$cecn" 1
	setup "$NS_B" "$sp" "$secn" 1 $pre
	port=$((port + 1))
	xfers_ok=0
	xfer_case "$desc, 1 MiB each way" "$NS_B" "$sp" "$NS_A" "$cp" \
		"$dst:$port" "-s 1M -r 1M -x $port" "-s 1M -r 1M -x $port"
	if [ $xfers_ok = 0 ]; then
		no_connection "$desc" "ECN state" "SYN" "SYN-ACK" "ECT data"
		return
	fi
	for side in cli srv; do
		file=$TMP/$side
		got="$(report "$file" ecn) $(report "$file" ecnseen)"
		tap_is "$desc: the $side end reports ECN agreed, and ECN-capable data seen" \
			"$got" "$want $want"
	done
	p="(\$3 == $port || \$5 == $port)"
	# tcpdump writes what it saw, late under load: until both FINs
	for _ in $(seq 40); do
		sleep 0.25
		summarize
		[ "$(pkts "$p && \$6 ~ /F/")" -ge 2 ] && break
	done
	ask=0
	[ "$cecn" = 1 ] && ask=1
	got=$(pkts "\$2 == \"$src\" && \$5 == $port && \$6 == \"SEW\"")
	tap_is "$desc: the SYN asks for ECN (ECE and CWR): $ask" \
		"$([ "$got" -gt 0 ] && echo 1 || echo 0)" "$ask"
	got=$(pkts "\$4 == \"$src\" && \$3 == $port && \$6 == \"S.E\"")
	tap_is "$desc: the SYN-ACK agrees (ECE): $want" \
		"$([ "$got" -gt 0 ] && echo 1 || echo 0)" "$want"
	ect=$(pkts "$p && \$8 > 0 && \$7 == 2")
	got=$(pkts "$p && \$8 > 0")
	tap_diag "$desc: $ect of $got data packets ECT(0)"
	if [ "$want" = 1 ]; then
		tap_ok "$desc: data goes ECN-capable (ECT(0)) both ways" \
			test "$(pkts "\$2 == \"$src\" && $p && \$8 > 0 && \$7 == 2")" -gt 0 -a \
			"$(pkts "\$4 == \"$src\" && $p && \$8 > 0 && \$7 == 2")" -gt 0
	else
		tap_is "$desc: no packet is ECN-capable" \
			"$(pkts "$p && \$7 != 0")" 0
	fi
	tap_is "$desc: no pure ACK, SYN or FIN is ECN-capable" \
		"$(pkts "$p && \$8 == 0 && \$7 != 0")" 0
}

# ---- negotiation -------------------------------------------------------

port=23000
CAP=$TMP/neg.pcap
if ! cap_start "$NS_A" "$CAP" "tcp portrange 23001-23099" 300; then
	tap_result 1 "tcpdump on veth0 of $NS_A"
	tap_finish
fi
negotiate "ask" 4 0 1 "$P" 2 1
negotiate "ask" 4 "$P" 1 0 2 1
negotiate "ask" 4 "$P" 1 "$P" 2 1
negotiate "default" 4 "$P" 2 0 2 0
negotiate "refused" 4 0 1 "$P" 0 0
negotiate "cookie" 4 0 1 "$P" 2 1 syncookies=2
negotiate "IPv6" 6 0 1 "$P" 2 1
negotiate "IPv6" 6 "$P" 1 0 2 1
cap_stop

# ---- congestion marks --------------------------------------------------

# marks NAME CP CECN SP SECN SENDER WANT: SENDER (cli or srv) sends 8 MiB
# through netem on $NS_A's egress, which marks 5% of what is ECN-capable
# and drops 5% of the rest; WANT 1: ECN agreed, the marks were echoed and
# answered, and under 1% of the data was resent.
marks()
{
	local name=$1 cp=$2 cecn=$3 sp=$4 secn=$5 sender=$6 want=$7
	local desc sa ca retrans segs ece cwr ce cwr0 s dce drops0 drops

	desc="$name: $(proto_name "$cp") client (ecn=$cecn) -> $(proto_name "$sp") server (ecn=$secn)"
	# no fallback: a SYN netem drops is resent still asking for ECN
	setup "$NS_A" "$cp" "$cecn" 0
	setup "$NS_B" "$sp" "$secn" 0
	port=$((port + 1))
	if [ "$sender" = cli ]; then
		sa="-r 8M -m recv -x $port" ca="-s 8M -m send -x $port"
	else
		sa="-s 8M -m send -x $port" ca="-r 8M -m recv -x $port"
	fi
	is_linux "$P" || cwr0=$(atcp_stat "$NS_A" ECNCwr)
	is_linux "$sp" || drops0=$(rcv_drops "$NS_B")
	CAP=$TMP/marks$port.pcap
	cap_start "$NS_A" "$CAP" "tcp port $port" || tap_diag "no capture"
	netem_egress "$NS_A" limit 10000 loss 5% ecn
	xfers_ok=0
	xfer_case "$desc, 8 MiB from the client through CE marks" \
		"$NS_B" "$sp" "$NS_A" "$cp" "$ADDR_B:$port" "$sa" "$ca"
	netem_egress "$NS_A"
	cap_stop
	if [ $xfers_ok = 0 ]; then
		no_connection "$desc" "marks" "resends"
		return
	fi
	summarize
	retrans=$(report "$TMP/$sender" retrans)
	segs=$(report "$TMP/$sender" out)
	dce=$(report "$TMP/$sender" delivered_ce)
	ce=$(pkts "\$2 == \"$ADDR_A\" && \$8 > 0 && \$7 == 3")
	ece=$(pkts "\$4 == \"$ADDR_A\" && \$6 ~ /E/ && \$6 !~ /S/")
	cwr=$(pkts "\$2 == \"$ADDR_A\" && \$6 ~ /W/ && \$6 !~ /S/")
	tap_diag "$desc: $ce data packets marked CE, $ece ACKs with ECE, $cwr segments with CWR, $retrans resent"
	if ! is_linux "$sp"; then
		drops=$(rcv_drops "$NS_B")
		tap_diag "$desc: the receiver's RcvQDrop OFODrop BacklogDrop: $drops0 -> $drops"
	fi
	if [ "$want" = 1 ]; then
		tap_ok "$desc: netem marked data CE" test "$ce" -gt 0
		tap_ok "$desc: the receiver echoed ECE" test "$ece" -gt 0
		tap_ok "$desc: the sender answered CWR" test "$cwr" -gt 0
		tap_ok "$desc: the sender counts segments delivered with ECE ($dce)" \
			test "$dce" -gt 0
		tap_ok "$desc: under 1% of the $segs segments resent (marks are not losses)" \
			test $((retrans * 100)) -lt "$segs"
		if [ "$sender" = cli ] && ! is_linux "$cp"; then
			s=$(atcp_stat "$NS_A" ECNCwr)
			tap_ok "$desc: the sender cut its window for ECE (ECNCwr $cwr0 -> $s)" \
				test "$s" -gt "$cwr0"
		fi
	else
		tap_is "$desc: nothing marked CE" "$ce" 0
		tap_is "$desc: no segment delivered with ECE" "$dce" 0
		tap_ok "$desc: the same netem drops data: over 1% of the $segs segments resent" \
			test $((retrans * 100)) -gt "$segs"
	fi
}

# rcv_drops NS: atcp's receive drop counters in NS (RcvQDrop, OFODrop,
# BacklogDrop), for the diagnosis of a transfer with too many resends
rcv_drops()
{
	echo "$(atcp_stat "$1" RcvQDrop) $(atcp_stat "$1" OFODrop)" \
	     "$(atcp_stat "$1" BacklogDrop)"
}

if taskset -p 1 $$ > /dev/null; then
	tap_result 0 "the rest runs on CPU 0 only"
else
	tap_result 1 "the rest runs on CPU 0 only"
fi
marks "marks" "$P" 1 0 2 cli 1
marks "marks" "$P" 1 "$P" 2 cli 1
marks "marks" 0 1 "$P" 2 cli 1
marks "no ECN" "$P" 2 0 2 cli 0

# ---- fallback ----------------------------------------------------------

# A filter on $NS_A's egress drops SYNs with ECE and CWR (flags 0xc2).
ip netns exec "$NS_A" tc qdisc add dev veth0 clsact &&
	ip netns exec "$NS_A" tc filter add dev veth0 egress protocol ip \
		u32 match u8 6 0xff at 9 match u8 0xc2 0xff at 33 action drop
tap_result $? "$NS_A drops SYNs that ask for ECN (tc filter)"

# fallback FB WANT: an atcp client with ecn 1 and ecn_fallback FB
# connects to a Linux listener; WANT is a glob of its reply
fallback()
{
	local fb=$1 want=$2 desc t0 ms syns

	desc="$(proto_name "$P") client, ecn_fallback=$fb"
	setup "$NS_A" "$P" 1 "$fb" syn_retries=1
	setup "$NS_B" 0 2 1
	port=$((port + 1))
	CAP=$TMP/fb$port.pcap
	cap_start "$NS_A" "$CAP" "tcp port $port" || tap_diag "no capture"
	sc_start c "$NS_A" "$P"
	sc_start s "$NS_B" 0
	sc s "listen $ADDR_B:$port"
	t0=$(now_ms)
	sc c "connect $ADDR_B:$port"
	ms=$(( $(now_ms) - t0 ))
	expect "$desc: connect ($ms ms)" "$want" "$R"
	if [ "$R" = ok ]; then
		sc c "info ecn"
		tap_is "$desc: the connection has no ECN" "$R" "ok 0"
	fi
	sc_stop c
	sc_stop s
	cap_stop
	summarize
	syns=$(pkts "\$2 == \"$ADDR_A\" && \$6 == \"S\"")
	tap_diag "$desc: $syns SYNs without ECN sent"
	if [ "$fb" = 1 ]; then
		tap_ok "$desc: the resent SYN no longer asks" test "$syns" -ge 1
	else
		tap_is "$desc: every SYN asked" "$syns" 0
	fi
}

fallback 1 ok
fallback 0 "err ETIMEDOUT*"
# The rows below have a Linux client: back to the defaults, no filter
# (with ATCP_PROTO=6 the knobs above were that client's own).
setup "$NS_A" 0 2 1
ip netns exec "$NS_A" tc qdisc del dev veth0 clsact

# ---- the rest of the DS field, and the TTL, of a listener

port=23200
for fam in 4 6; do
	for sp in "$P" 0; do
		name="$(proto_name "$sp") listener, IPv$fam"
		port=$((port + 1))
		if [ $fam = 4 ]; then
			host=$ADDR_B dst=$ADDR_B:$port mark="tos 0x20, ttl 33,"
		else
			host=$ADDR6_B dst="[$ADDR6_B]:$port"
			mark="class 0x20, (flowlabel 0x[0-9a-f]+, )?hlim 33,"
		fi
		CAP=$TMP/dscp$port.pcap
		cap_start "$NS_A" "$CAP" "tcp port $port" || tap_diag "no capture"
		sc_start s "$NS_B" "$sp"
		sc_start c "$NS_A" 0
		sc s "listen $dst 16 dscp"
		r_l=$R
		sc c "connect $dst"
		r_c=$R
		sc s "accept"
		sc_send s "send 20000"
		sc c "recv 20000"
		r_recv=$R
		sc_get s
		cap_stop
		[ "$r_l" = ok ] || r_recv="listen: $r_l"
		[ "$r_c" = ok ] || r_recv="connect: $r_c"
		expect "$name, DSCP 0x20 and TTL 33 set on it: 20000 bytes arrive" \
			"ok 20000" "$r_recv"
		got=$(cap_marked "$CAP" "$host" "$mark")
		n=${got%% of *} m=${got#* of } k=${got#*SYN-ACK }
		tap_ok "$name, ... its SYN-ACK and every later segment carry both ($got)" \
			test "$n" -ge 3 -a "$n" = "${m%% *}" -a "${k%)}" = 1
		sc_stop c
		sc_stop s
	done
done

tap_finish

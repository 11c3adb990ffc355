#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_counters - a scripted scenario and the exact amount each counter of
# /proc/net/atcp_stat moves by at every step, on both ends.  The same
# scenario then runs with Linux TCP, whose counters (/proc/net/snmp) must
# move by the same amounts: atcp's counters mean what Linux's mean.
#
#   connect and accept         ActiveOpens, PassiveOpens, CurrEstab, segments
#   1000 bytes and their ACK   InSegs, OutSegs (one segment each way)
#   close, then the peer       CurrEstab back, no EstabResets
#   connect to a closed port   ActiveOpens, AttemptFails, OutRsts (Linux TCP
#                              answers for a port atcp does not have)
#   SO_LINGER 0 close          EstabResets on both ends, OutRsts
#
# Every step waits for the segments it causes to land before counting.
# The namespaces are new, so no other traffic moves their counters.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_conn.sh"

sc_topic counters 10
atcp_only "this topic reads atcp's counters beside Linux's"

NAMES="ActiveOpens PassiveOpens AttemptFails EstabResets CurrEstab InSegs
OutSegs RetransSegs InErrs OutRsts InCsumErrors"
SETTLE=0.5			# s for a step's last segment (delayed ACK: 40 ms)

# counters NS PROTO: "Name value" lines, atcp's or Linux's Tcp: MIB
counters()
{
	if [ "$2" = 0 ]; then
		ip netns exec "$1" awk '
			$1 == "Tcp:" && !h { for (i = 2; i <= NF; i++) c[i] = $i; h = 1; next }
			$1 == "Tcp:" { for (i = 2; i <= NF; i++) print c[i], $i }' \
			/proc/net/snmp
	else
		ip netns exec "$1" cat /proc/net/atcp_stat
	fi
}

declare -A BEFORE

snap()
{
	local ns name value

	for ns in "$NS_A" "$NS_B"; do
		while read -r name value; do
			BEFORE[$ns.$name]=$value
		done < <(counters "$ns" "$PROTO")
	done
}

# moved STEP "A:Name=N B:Name=N ..." [UNCHECKED]: each named counter moved
# by exactly N since snap; every other counter of NAMES on both ends by 0,
# but those in the list UNCHECKED, which get no point.
moved()
{
	local step=$1 want=$2 unchecked=" ${3:-} " ns side name value d w
	declare -A expect

	for w in $want; do
		expect[${w%%=*}]=${w#*=}
	done
	sleep "$SETTLE"
	for side in A B; do
		[ $side = A ] && ns=$NS_A || ns=$NS_B
		while read -r name value; do
			[[ " $(echo $NAMES) " == *" $name "* ]] || continue
			[[ $unchecked == *" $name "* ]] && continue
			d=$((value - ${BEFORE[$ns.$name]:-0}))
			tap_is "$TAG: $step: $side $name moved by ${expect[$side:$name]:-0}" \
				"$d" "${expect[$side:$name]:-0}"
		done < <(counters "$ns" "$PROTO")
	done
}

port=26000
for PROTO in "$P" 0; do
	TAG=$(proto_name "$PROTO")
	if [ "$PROTO" = "$P" ] && [ "$P" = 0 ]; then
		continue
	fi
	sc_start s "$NS_B" "$PROTO"
	sc_start c "$NS_A" "$PROTO"
	sc s "listen $ADDR_B:$port"

	snap
	sc c "connect $ADDR_B:$port"
	sc s accept
	[ "${R%% *}" = ok ] || tap_diag "$TAG: accept: $R"
	# SYN, ACK out of A; SYN-ACK out of B
	moved "connect and accept" "A:ActiveOpens=1 B:PassiveOpens=1
		A:CurrEstab=1 B:CurrEstab=1 A:OutSegs=2 B:InSegs=2 B:OutSegs=1
		A:InSegs=1"

	snap
	sc c "send 1000"
	sc s "recv 1000"
	moved "1000 bytes, acked" "A:OutSegs=1 B:InSegs=1 B:OutSegs=1 A:InSegs=1"

	# the FINs and their ACKs may be combined: no segment counts here
	snap
	sc c close
	sc s recv-eof
	sc s close
	moved "close, then the peer closes" "A:CurrEstab=-1 B:CurrEstab=-1" \
		"InSegs OutSegs"

	snap
	rsts=$(counters "$NS_B" 0 | awk '$1 == "OutRsts" { print $2 }')
	sc c "connect $ADDR_B:$((port + 1))"
	[[ $R == "err ECONNREFUSED"* ]] || tap_diag "$TAG: connect to a closed port: $R"
	# SYN out of A, RST out of B.  A segment for a port no atcp socket
	# has is Linux TCP's: with atcp, Linux answers it and counts it.
	if [ "$PROTO" = 0 ]; then
		moved "connect to a closed port" "A:ActiveOpens=1 A:AttemptFails=1
			A:OutSegs=1 B:InSegs=1 B:OutSegs=1 B:OutRsts=1 A:InSegs=1"
	else
		moved "connect to a closed port" "A:ActiveOpens=1
			A:AttemptFails=1 A:OutSegs=1 A:InSegs=1"
		tap_is "$TAG: connect to a closed port: Linux TCP answered (its OutRsts)" \
			$(( $(counters "$NS_B" 0 | awk '$1 == "OutRsts" { print $2 }') - rsts )) 1
	fi

	sc c "connect $ADDR_B:$port"
	sc s accept
	sleep "$SETTLE"
	snap
	sc c linger0
	sc c close
	# an ESTABLISHED socket that goes to CLOSED is an EstabReset, on
	# the end that sent the RST and on the one that took it
	moved "SO_LINGER 0 close" "A:EstabResets=1 B:EstabResets=1
		A:CurrEstab=-1 B:CurrEstab=-1 A:OutSegs=1 A:OutRsts=1
		B:InSegs=1"

	sc_stop c
	sc_stop s
	port=$((port + 10))
done

tap_finish

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_sysctl - the whole /proc/sys/net/atcp/ tree, knob by knob, in a
# fresh network namespace: every knob is in the table below (and in
# Documentation/sysctl.rst), starts at its default, takes a new value in
# range and reads it back, refuses values out of range with EINVAL and
# keeps the old value, and changes nothing in another namespace.  What
# each knob does is tested by the topics that use it (test_timeout,
# test_keepalive, test_close, ...).
. "$(dirname "$0")/lib.sh"

DOC=$ATCP_TOP/Documentation/sysctl.rst
NS=atcp-sysctl-$$
NS2=atcp-sysctl2-$$
TMP=$(mktemp -d /tmp/atcp-sysctl.XXXXXX)

cleanup()
{
	[ -n "${SH_IN_a:-}" ] && exec {SH_IN_a}>&-
	[ -n "${SH_IN_b:-}" ] && exec {SH_IN_b}>&-
	wait
	ip netns del "$NS" 2>/dev/null
	ip netns del "$NS2" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT

# knob default good bad...   ("*": any default, '': empty; vectors use '_' for blanks;
# a bad value is refused with EINVAL, or with the error after its '=';
# good "-": a read-only knob, whose writes fail with EACCES)
TABLE="
syn_retries       6                 3                 0 128 -1
synack_retries    5                 2                 256 -1
retries1          3                 5                 256 -1
retries2          15                8                 256 -1
orphan_retries    0                 4                 256 -1
max_orphans       *                 100               -1
fin_timeout       60                30                -1
tw_timeout        60                30                0 -1
max_tw_buckets    *                 100               -1
tw_reuse          2                 1                 3 -1
keepalive_time    7200              600               -1
keepalive_intvl   75                10                -1
keepalive_probes  9                 3                 256 -1
timestamps        1                 2                 3 -1
window_scaling    1                 0                 2 -1
rfc1337           0                 1                 2 -1
sack              1                 0                 2 -1
max_syn_backlog   *                 256               0 -1
syncookies        1                 2                 3 -1
abort_on_overflow 0                 1                 2 -1
local_port_range  61000_65535       50000_50010       2000_1000 0_10 10_65536
rmem              4096_131072_6291456 1000_2000_3000  3000_2000_1000 0_1_2
wmem              4096_16384_4194304  1000_2000_3000  3000_2000_1000 0_1_2
min_snd_mss       48                500               47 65536 -1
mtu_probing       0                 1                 3 -1
base_mss          1024              512               47 65536 -1
mtu_probe_floor   48                256               47 65536 -1
probe_threshold   8                 16                -1
probe_interval    600               60                -1 8589935
slow_start_after_idle 1             0                 2 -1
notsent_lowat     4294967295        16384             -1 4294967296
moderate_rcvbuf   1                 0                 2 -1
shrink_window     0                 1                 2 -1
invalid_ratelimit 500               0                 -1
challenge_ack_limit 2147483647      1000              -1
dsack             1                 0                 2 -1
recovery          1                 0                 8 -1
reordering        3                 10                0 301
max_reordering    300               10                0 65536
min_rtt_wlen      300               1                 86401 -1
early_retrans     3                 0                 5 -1
frto              2                 0                 256 -1
comp_sack_nr      44                0                 256 -1
comp_sack_delay_ns 1000000          500000            -1
comp_sack_slack_ns 100000           0                 -1
limit_output_bytes 1048576          262144            -1
autocorking       1                 0                 2 -1
thin_linear_timeouts 0              1                 2 -1
adv_win_scale     1                 2                 -32 32
app_win           31                1                 32 -1
ecn               2                 1                 3 -1
ecn_fallback      1                 0                 2 -1
min_tso_segs      2                 8                 0 256 -1
tso_rtt_log       9                 20                256 -1
tso_win_divisor   3                 0                 256 -1
pacing_ss_ratio   200               50                1001 -1
pacing_ca_ratio   120               300               1001 -1
stdurg            0                 1                 256 -1
workaround_signed_windows 0         1                 256 -1
reflect_tos       0                 1                 2 -1
retrans_collapse  1                 0                 256 -1
migrate_req       0                 1                 2 -1
fwmark_accept     0                 1                 256 -1
fastopen          1                 1027              1x 4294967296
fastopen_blackhole_timeout_sec 0    3600              -1
no_metrics_save   0                 1                 256 -1
no_ssthresh_metrics_save 1          0                 2 -1
fastopen_key      00000000-00000000-00000000-00000000 0000000a-0000000b-0000000c-0000000d,00000001-00000002-00000003-00000004 1-2-3 bogus 1-2-3-4,5 100000000-0-0-0
l3mdev_accept     0                 1                 2 -1
congestion_control cubic            reno              bogus=ENOENT _=ENOENT cubic_reno=ENOENT
allowed_congestion_control reno_cubic cubic          bogus=ENOENT cubic_bogus=ENOENT
available_congestion_control reno_cubic -             -
available_ulp     ''                -                 -
"

# The reads and writes run in one shell in each namespace, which answers
# each command with one line: "get KNOB", the value with blanks squeezed
# to '_'; "put KNOB VALUE" ('_' for blanks), the write's error or "ok";
# "ls", the knobs.  An `ip netns exec` for each (which mounts a /sys of
# its own every time) took most of this test's time.
cat > "$TMP/ns.sh" <<'END'
while read -r cmd knob val; do
	f=/proc/sys/net/atcp/$knob
	case $cmd in
	get)
		echo "$(tr -s ' \t' '__' < "$f" 2>/dev/null)" ;;
	put)
		if err=$( (echo "${val//_/ }" > "$f") 2>&1); then
			echo ok
		else
			case $err in
			*"Invalid argument"*) echo EINVAL ;;
			*"No such file or directory"*) echo ENOENT ;;
			*"Permission denied"*) echo EACCES ;;
			*) echo "error: ${err//$'\n'/ }" ;;
			esac
		fi ;;
	ls)
		ls /proc/sys/net/atcp | sort | paste -sd ' ' ;;
	*)
		echo "error: $cmd" ;;
	esac
done
END

# sh_start ID NETNS: the shell of NETNS, known as ID (a or b)
sh_start()
{
	mkfifo "$TMP/$1.in" "$TMP/$1.out" || return 1
	ip netns exec "$2" bash "$TMP/ns.sh" < "$TMP/$1.in" \
		> "$TMP/$1.out" 2> /dev/null &
	eval "exec {SH_IN_$1}> \"\$TMP/$1.in\" {SH_OUT_$1}< \"\$TMP/$1.out\""
}

# ns_sh NETNS CMD...: one command to the shell of NETNS; its reply (60 s)
ns_sh()
{
	local id=a fd_in fd_out r

	[ "$1" = "$NS" ] || id=b
	shift
	fd_in=SH_IN_$id fd_out=SH_OUT_$id
	{ echo "$*" >&"${!fd_in}" && read -r -t 60 r <&"${!fd_out}"; } ||
		r="error: no reply"
	echo "$r"
}

# value NS KNOB: the knob's value, blanks squeezed to '_'
value()
{
	ns_sh "$1" get "$2"
}

# put NS KNOB VALUE ('_' for blanks): the write's error, or "ok"
put()
{
	ns_sh "$1" put "$2" "$3"
}

if ! { ip netns add "$NS" && ip netns add "$NS2" &&
	sh_start a "$NS" && sh_start b "$NS2"; }; then
	tap_result 1 "create two namespaces, a shell in each"
	tap_finish
fi

tap_is "every knob of /proc/sys/net/atcp is in this test's table" \
	"$(ns_sh "$NS" ls)" "$(echo "$TABLE" | awk 'NF { print $1 }' | sort | paste -sd ' ')"

while read -r knob def good bad; do
	[ -n "$knob" ] || continue
	grep -q "^$knob - " "$DOC"
	tap_result $? "$knob: documented in Documentation/sysctl.rst"
	cur=$(value "$NS" "$knob")
	[ "$def" = "''" ] && def=
	if [ "$def" = "*" ]; then
		tap_result "$([[ $cur =~ ^[0-9]+$ ]] && [ "$cur" -gt 0 ] && echo 0 || echo 1)" \
			"$knob: readable, a positive default ($cur)"
	else
		tap_is "$knob: readable, default ${def:-(empty)}" "$cur" "$def"
	fi
	if [ "$good" = - ]; then
		tap_is "$knob: read-only, a write fails with EACCES" \
			"$(put "$NS" "$knob" 1)" EACCES
		tap_is "$knob: and the value stays $cur" "$(value "$NS" "$knob")" "$cur"
		tap_is "$knob: another namespace has the same" \
			"$(value "$NS2" "$knob")" "$cur"
		continue
	fi
	tap_is "$knob: $good is accepted" "$(put "$NS" "$knob" "$good")" ok
	tap_is "$knob: and reads back" "$(value "$NS" "$knob")" "$good"
	for b in $bad; do
		want=EINVAL
		case $b in
		*=*) want=${b#*=} b=${b%%=*} ;;
		esac
		tap_is "$knob: '$b' is refused with $want" \
			"$(put "$NS" "$knob" "$b")" "$want"
		tap_is "$knob: and the value stays $good" \
			"$(value "$NS" "$knob")" "$good"
	done
	tap_is "$knob: another namespace keeps its own value" \
		"$(value "$NS2" "$knob")" "$cur"
done <<< "$TABLE"

tap_finish

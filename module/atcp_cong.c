// SPDX-License-Identifier: GPL-2.0
/*
 * Congestion control: which algorithm a connection uses, and the window
 * changes that differ between them.  NewReno ("reno") is written here;
 * CUBIC's arithmetic ("cubic", the default as in Linux) lives in the pure
 * atcp_cubic.c.  Slow start, loss recovery and the window validation of
 * RFC 7661 are the same for both and stay with the input path.
 *
 * The algorithm is fixed when a connection's TCB is set up, from
 * TCP_CONGESTION or else the namespace's congestion_control sysctl, as
 * Linux fixes icsk_ca_ops; TCP_CONGESTION may change it later.
 */
#include <linux/moduleparam.h>
#include "atcp.h"
#include "atcp_mib.h"

/* HyStart, as Linux's tcp_cubic module parameters, same names and defaults */
static int hystart __read_mostly = 1;
static int hystart_detect __read_mostly = ATCP_HYSTART_ACK_TRAIN |
					  ATCP_HYSTART_DELAY;
static int hystart_low_window __read_mostly = 16;
static int hystart_ack_delta_us __read_mostly = 2000;

module_param(hystart, int, 0644);
MODULE_PARM_DESC(hystart, "turn on/off hybrid slow start algorithm");
module_param(hystart_detect, int, 0644);
MODULE_PARM_DESC(hystart_detect, "hybrid slow start detection mechanisms: 1 ack train, 2 delay threshold, 3 both");
module_param(hystart_low_window, int, 0644);
MODULE_PARM_DESC(hystart_low_window, "lower bound cwnd for hybrid slow start");
module_param(hystart_ack_delta_us, int, 0644);
MODULE_PARM_DESC(hystart_ack_delta_us, "spacing between ack's indicating train (usecs)");

static const char *const atcp_ca_names[ATCP_CA_NUM] = {
	[ATCP_CA_RENO]	= "reno",
	[ATCP_CA_CUBIC]	= "cubic",
};

const char *atcp_ca_name(unsigned int ca)
{
	return ca < ATCP_CA_NUM ? atcp_ca_names[ca] : "?";
}

/* The algorithm called @name, or -ENOENT as Linux answers. */
int atcp_ca_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < ATCP_CA_NUM; i++)
		if (!strcmp(name, atcp_ca_names[i]))
			return i;
	return -ENOENT;
}

void atcp_cong_init(struct sock *sk)
{
	struct atcp_sock *as = atcp_sk(sk);

	if (as->opts.ca)
		as->ca = as->opts.ca - 1;
	else
		as->ca = READ_ONCE(atcp_net(sock_net(sk))->sysctl.congestion_control);
	atcp_cubic_init(&as->cubic);
}

/* TCP_CONGESTION: the window and ssthresh stay, the new algorithm goes on. */
void atcp_cong_set(struct sock *sk, unsigned int ca)
{
	struct atcp_sock *as = atcp_sk(sk);

	as->opts.ca = ca + 1;
	if (as->ca != ca) {
		as->ca = ca;
		atcp_cubic_init(&as->cubic);
		atcp_hystart_reset(&as->cubic, atcp_clock_us(), as->snd_max);
		as->cwnd_cnt = 0;
	}
}

/* The connection is established: HyStart's first round begins. */
void atcp_cong_start(struct sock *sk)
{
	struct atcp_sock *as = atcp_sk(sk);

	atcp_hystart_reset(&as->cubic, atcp_clock_us(), as->snd_max);
}

/* A retransmission timeout: slow start again, HyStart with it (Linux). */
void atcp_cong_loss(struct sock *sk)
{
	struct atcp_sock *as = atcp_sk(sk);

	as->cubic.found = 0;
	atcp_hystart_reset(&as->cubic, atcp_clock_us(), as->snd_max);
}

/*
 * The time GSO and GRO may hold back ACKs of a flight sent at the pacing
 * rate: four GSO frames' worth, at most 1 ms (Linux:
 * hystart_ack_delay()).
 */
static u32 atcp_hystart_ack_delay(const struct sock *sk)
{
	unsigned long rate = READ_ONCE(sk->sk_pacing_rate);

	if (!rate)
		return 0;
	return min_t(u64, USEC_PER_MSEC,
		     div64_ul((u64)READ_ONCE(sk->sk_gso_max_size) * 4 *
			      USEC_PER_SEC, rate));
}

/* An RTT sample: CUBIC's HyStart may end slow start on it. */
void atcp_cong_rtt(struct sock *sk, u32 rtt_us)
{
	struct atcp_sock *as = atcp_sk(sk);
	struct atcp_hystart_cfg cfg = {
		.detect = READ_ONCE(hystart) ? READ_ONCE(hystart_detect) : 0,
		.low_window = READ_ONCE(hystart_low_window),
		.ack_delta_us = READ_ONCE(hystart_ack_delta_us),
	};
	struct atcp_hystart_ack a = {
		.now_us = atcp_now_us(as),
		.now_ms = atcp_now_ms(as),
		.rtt_us = rtt_us,
		.snd_una = as->snd_una,
		.snd_nxt = as->snd_max,
		.cwnd = as->cwnd,
		.slow_start = as->cwnd < as->ssthresh,
		.paced = READ_ONCE(sk->sk_pacing_status) != SK_PACING_NONE,
	};
	struct net *net = sock_net(sk);
	u8 found;

	if (as->ca != ATCP_CA_CUBIC)
		return;
	a.ack_delay_us = atcp_hystart_ack_delay(sk);
	found = atcp_hystart_acked(&as->cubic, &cfg, &a);
	if (!found)
		return;
	as->ssthresh = as->cwnd;
	if (found == ATCP_HYSTART_ACK_TRAIN) {
		ATCP_INC_STATS(net, ATCP_MIB_HYSTARTTRAINDETECT);
		ATCP_ADD_STATS(net, ATCP_MIB_HYSTARTTRAINCWND, as->cwnd);
	} else {
		ATCP_INC_STATS(net, ATCP_MIB_HYSTARTDELAYDETECT);
		ATCP_ADD_STATS(net, ATCP_MIB_HYSTARTDELAYCWND, as->cwnd);
	}
}

/* The ssthresh after a congestion event. */
u32 atcp_cong_ssthresh(struct atcp_sock *as)
{
	if (as->ca == ATCP_CA_CUBIC)
		return atcp_cubic_ssthresh(&as->cubic, as->cwnd);
	/* RFC 5681 (4): half the flight, at least two segments */
	return max_t(u32, atcp_flight_segs(as) / 2, 2);
}

/*
 * An ssthresh that remembers the current window (Linux:
 * tcp_current_ssthresh()): three quarters of it at least, unless a
 * reduction (recovery, an ECE round) is taking the window to ssthresh.
 */
u32 atcp_current_ssthresh(const struct atcp_sock *as)
{
	if (as->in_recovery || (as->ecn_flags & ATCP_ECN_IN_CWR))
		return as->ssthresh;
	return max(as->ssthresh, (as->cwnd >> 1) + (as->cwnd >> 2));
}

/*
 * The ssthresh for loss recovery or a timeout.  An ECE already cut the
 * window in this round: the cut stands, once per window of data (RFC 3168
 * 6.1.2; Linux: no new reduction in tcp_enter_recovery() while in CWR).
 */
u32 atcp_loss_ssthresh(struct atcp_sock *as)
{
	if (as->ecn_flags & ATCP_ECN_IN_CWR) {
		as->ecn_flags &= ~ATCP_ECN_IN_CWR;
		return as->ssthresh;
	}
	return atcp_cong_ssthresh(as);
}

/*
 * The rate a pacing qdisc (fq) holds the connection to, as Linux's
 * tcp_update_pacing_rate(): the window's rate, cwnd segments per smoothed
 * RTT, by pacing_ss_ratio percent in slow start (below half ssthresh: it
 * doubles each round, the rate must keep up) and by pacing_ca_ratio
 * percent after, never above SO_MAX_PACING_RATE.  Before the first RTT
 * sample the rate is not divided by one, which leaves it far above any
 * link.  atcp itself does not pace; it sends as the ACKs allow.
 */
void atcp_update_pacing_rate(struct sock *sk)
{
	const struct atcp_sysctl *s = &atcp_net(sock_net(sk))->sysctl;
	struct atcp_sock *as = atcp_sk(sk);
	u64 rate = (u64)as->mss_cache * (USEC_PER_SEC / 100);

	if (as->cwnd < as->ssthresh / 2)
		rate *= READ_ONCE(s->pacing_ss_ratio);
	else
		rate *= READ_ONCE(s->pacing_ca_ratio);
	rate *= max(as->cwnd, atcp_flight_segs(as));
	if (as->rto.srtt_us)
		rate = div_u64(rate, as->rto.srtt_us);
	WRITE_ONCE(sk->sk_pacing_rate,
		   min_t(u64, rate, READ_ONCE(sk->sk_max_pacing_rate)));
}

/* After idle the window restarts; CUBIC starts a new epoch from there. */
void atcp_cong_restart(struct atcp_sock *as)
{
	atcp_cubic_reset_epoch(&as->cubic);
}

/*
 * Grow the window only while it limits sending (see atcp_cwnd_validate()).
 * In slow start, as Linux, it may still grow up to twice the largest
 * flight of the round: that flight doubles each round trip.
 */
static bool atcp_cwnd_limited(const struct atcp_sock *as)
{
	if (as->cwnd < as->ssthresh)
		return as->cwnd < 2 * as->max_flight;
	return as->cwnd_limited;
}

/* @acked_bytes of new data were acknowledged outside recovery. */
void atcp_cong_avoid(struct atcp_sock *as, u32 acked_bytes)
{
	u32 segs = DIV_ROUND_UP(acked_bytes, as->mss_cache);

	if (!atcp_cwnd_limited(as))
		return;
	if (as->cwnd < as->ssthresh) {
		as->cwnd += segs;		/* slow start */
		if (as->cwnd > as->ssthresh)
			as->cwnd = as->ssthresh;
		return;
	}
	if (as->ca == ATCP_CA_CUBIC) {
		as->cwnd = atcp_cubic_cong_avoid(&as->cubic, as->cwnd,
						 &as->cwnd_cnt, segs,
						 atcp_now_ms(as),
						 as->rto.min_rtt_us / 1000);
		return;
	}
	as->cwnd_cnt += segs;		/* congestion avoidance */
	if (as->cwnd_cnt >= as->cwnd) {
		as->cwnd_cnt -= as->cwnd;
		as->cwnd++;
	}
}

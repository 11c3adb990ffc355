// SPDX-License-Identifier: GPL-2.0
/*
 * atcp_cubic.c - CUBIC congestion control (RFC 9438), the window arithmetic.
 *
 * W_cubic(t) = C * (t - K)^3 + W_max, with C = 0.4 segments/s^3 and t the
 * time since the epoch began (the first ACK in congestion avoidance after
 * a reduction), K the time the curve takes back to W_max.  In
 * milliseconds, C * d^3 is 4 * d^3 / 10^10 segments; K^3 is
 * (W_max - cwnd) / C s^3, 2.5 * 10^9 * (W_max - cwnd) ms^3.
 */
#include "atcp_cubic.h"

/* |t - K| beyond this (about 17 minutes) is cut, so d^3 fits in s64 */
#define CUBIC_MAX_DELTA_MS	1048576U	/* 2^20 */
#define CUBIC_MAX_WINDOW	1073741824U	/* 2^30 */

/*
 * floor(cbrt(x)), by bits from the top: x < 2^64, so the root < 2^22.
 * try^3 <= x is tested as try^2 <= x / try, which cannot overflow.
 */
u32 atcp_cbrt64(u64 x)
{
	u64 root = 0;
	int bit;

	for (bit = 21; bit >= 0; bit--) {
		u64 try = root | (1ULL << bit);

		if (try * try <= div64_u64(x, try))
			root = try;
	}
	return (u32)root;
}

/* K, in ms, of a curve from @cwnd back up to @w_max */
u32 atcp_cubic_k_ms(u32 w_max, u32 cwnd)
{
	if (w_max <= cwnd)
		return 0;
	return atcp_cbrt64((u64)(w_max - cwnd) * 2500000000ULL);
}

/* W_cubic at @t_ms into the epoch, in segments, at least 1 */
u32 atcp_cubic_target(u32 origin, u32 k_ms, u32 t_ms)
{
	s64 d = (s64)t_ms - (s64)k_ms;
	s64 w;

	if (d > (s64)CUBIC_MAX_DELTA_MS)
		d = CUBIC_MAX_DELTA_MS;
	if (d < -(s64)CUBIC_MAX_DELTA_MS)
		d = -(s64)CUBIC_MAX_DELTA_MS;
	/* 4 * d^3 / 10^10, rounded toward zero either way */
	w = (s64)origin + div64_s64(4 * d * d * d, 10000000000LL);
	if (w < 1)
		return 1;
	if (w > CUBIC_MAX_WINDOW)
		return CUBIC_MAX_WINDOW;
	return (u32)w;
}

void atcp_cubic_init(struct atcp_cubic *c)
{
	*c = (struct atcp_cubic){ 0 };
}

void atcp_cubic_reset_epoch(struct atcp_cubic *c)
{
	c->epoch_start = 0;
}

/*
 * A congestion event with the window at @cwnd: remember where it was
 * (less, when it had not regained the last W_max: fast convergence lets
 * a newcomer have room) and return the new ssthresh, beta * cwnd.
 */
u32 atcp_cubic_ssthresh(struct atcp_cubic *c, u32 cwnd)
{
	c->epoch_start = 0;
	if (cwnd < c->w_max)
		c->w_max = (u32)((u64)cwnd * (ATCP_CUBIC_BETA_SCALE +
					      ATCP_CUBIC_BETA) /
				 (2 * ATCP_CUBIC_BETA_SCALE));
	else
		c->w_max = cwnd;
	return max_t(u32, (u32)((u64)cwnd * ATCP_CUBIC_BETA /
				ATCP_CUBIC_BETA_SCALE), 2);
}

/*
 * The Reno-friendly estimate (RFC 9438 4.3): it grows by alpha =
 * 3 * (1 - beta) / (1 + beta) segments per window of ACKed segments,
 * which with beta 717/1024 is 3 * 307 / 1741.
 */
static void cubic_update_est(struct atcp_cubic *c, u32 cwnd, u32 acked)
{
	u64 grown;

	c->est_acked += acked;
	grown = (u64)c->est_acked * 3 * (ATCP_CUBIC_BETA_SCALE - ATCP_CUBIC_BETA);
	if (grown < (u64)cwnd * (ATCP_CUBIC_BETA_SCALE + ATCP_CUBIC_BETA))
		return;
	grown /= (u64)cwnd * (ATCP_CUBIC_BETA_SCALE + ATCP_CUBIC_BETA);
	c->w_est += (u32)grown;
	c->est_acked = 0;
}

/*
 * @acked segments were ACKed in congestion avoidance with the window at
 * @cwnd; @cwnd_cnt holds ACKed segments between increases.  Returns the
 * new window.  @min_rtt_ms is the smallest RTT seen, 0 when unknown.
 */
u32 atcp_cubic_cong_avoid(struct atcp_cubic *c, u32 cwnd, u32 *cwnd_cnt,
			  u32 acked, u32 now_ms, u32 min_rtt_ms)
{
	u32 t, target, cnt, inc;

	if (!cwnd)
		cwnd = 1;
	if (!c->epoch_start) {
		c->epoch_start = now_ms ? now_ms : 1;
		c->k_ms = atcp_cubic_k_ms(c->w_max, cwnd);
		c->origin = max_t(u32, c->w_max, cwnd);
		c->w_est = cwnd;
		c->est_acked = 0;
	}
	t = now_ms - c->epoch_start + min_rtt_ms;
	target = atcp_cubic_target(c->origin, c->k_ms, t);
	/* RFC 9438 4.2: aim at most 1.5 times the window ahead */
	target = min_t(u32, target, cwnd + cwnd / 2);
	if (target > cwnd)
		cnt = cwnd / (target - cwnd);
	else
		cnt = 100 * cwnd;	/* at the plateau, almost still */
	cubic_update_est(c, cwnd, acked);
	if (c->w_est > cwnd) {
		/* Reno would be ahead: grow at least at its pace */
		u32 reno_cnt = cwnd / (c->w_est - cwnd);

		cnt = min_t(u32, cnt, reno_cnt);
	}
	cnt = max_t(u32, cnt, 2);	/* at most 1.5x per RTT, as Linux */

	/*
	 * Credit piled up while the pace was slower (at the plateau): one
	 * segment for it, not a jump when the pace picks up (Linux:
	 * tcp_cong_avoid_ai()).
	 */
	if (*cwnd_cnt >= cnt) {
		*cwnd_cnt = 0;
		cwnd++;
	}
	*cwnd_cnt += acked;
	if (*cwnd_cnt < cnt)
		return cwnd;
	inc = *cwnd_cnt / cnt;
	*cwnd_cnt -= inc * cnt;
	if (cwnd + inc > CUBIC_MAX_WINDOW)
		return CUBIC_MAX_WINDOW;
	return cwnd + inc;
}

/* A new slow start round begins: it ends with what was sent so far. */
void atcp_hystart_reset(struct atcp_cubic *c, u32 now_us, u32 snd_nxt)
{
	c->round_start_us = now_us;
	c->last_ack_us = now_us;
	c->end_seq = snd_nxt;
	c->curr_rtt_us = ~0U;
	c->sample_cnt = 0;
}

/*
 * An RTT sample: keep the minimum, and in slow start look for its end.
 * Returns the detector that found it (ATCP_HYSTART_*), once; the caller
 * then sets ssthresh to the window.  Until the next reset, 0.
 */
u8 atcp_hystart_acked(struct atcp_cubic *c, const struct atcp_hystart_cfg *cfg,
		      const struct atcp_hystart_ack *a)
{
	u32 rtt = a->rtt_us ? a->rtt_us : 1;
	u32 threshold;

	/* samples right after a reduction still carry its queue */
	if (c->epoch_start && (s32)(a->now_ms - c->epoch_start) < 1000)
		return 0;
	if (!c->delay_min_us || c->delay_min_us > rtt)
		c->delay_min_us = rtt;
	if (c->found || !a->slow_start || !cfg->detect)
		return 0;
	if ((s32)(a->snd_una - c->end_seq) > 0)
		atcp_hystart_reset(c, a->now_us, a->snd_nxt);
	if (a->cwnd < cfg->low_window)
		return 0;

	if ((cfg->detect & ATCP_HYSTART_ACK_TRAIN) &&
	    (s32)(a->now_us - c->last_ack_us) <= (s32)cfg->ack_delta_us) {
		c->last_ack_us = a->now_us;
		threshold = c->delay_min_us + a->ack_delay_us;
		/* unpaced, the flight leaves at once: half the RTT */
		if (!a->paced)
			threshold >>= 1;
		if ((s32)(a->now_us - c->round_start_us) > (s32)threshold) {
			c->found = ATCP_HYSTART_ACK_TRAIN;
			return c->found;
		}
	}
	if (cfg->detect & ATCP_HYSTART_DELAY) {
		if (c->curr_rtt_us > rtt)
			c->curr_rtt_us = rtt;
		if (c->sample_cnt < ATCP_HYSTART_MIN_SAMPLES) {
			c->sample_cnt++;
		} else if (c->curr_rtt_us > c->delay_min_us +
			   clamp_t(u32, c->delay_min_us >> 3,
				   ATCP_HYSTART_DELAY_MIN_US,
				   ATCP_HYSTART_DELAY_MAX_US)) {
			c->found = ATCP_HYSTART_DELAY;
			return c->found;
		}
	}
	return 0;
}

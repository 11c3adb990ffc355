// SPDX-License-Identifier: GPL-2.0
/*
 * test_cubic.c - CUBIC's window arithmetic against RFC 9438's formulas,
 * computed here in floating point, and against the curve's shape.
 */
#include <math.h>
#include <stdio.h>
#include "atcp_cubic.h"
#include "tap.h"

static void test_cbrt(void)
{
	static const struct { u64 x; u32 root; } cases[] = {
		{ 0, 0 }, { 1, 1 }, { 7, 1 }, { 8, 2 }, { 26, 2 }, { 27, 3 },
		{ 999999999999ULL, 9999 }, { 1000000000000ULL, 10000 },
		{ 1ULL << 63, 2097152 }, { (1ULL << 63) - 1, 2097151 },
		{ ~0ULL, 2642245 },
	};
	unsigned int i, bad = 0;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		if (atcp_cbrt64(cases[i].x) != cases[i].root) {
			printf("# cbrt(%llu) = %u, want %u\n",
			       (unsigned long long)cases[i].x,
			       atcp_cbrt64(cases[i].x), cases[i].root);
			bad++;
		}
	}
	tap_ok(!bad, "integer cube root: exact cubes, their neighbours, 2^64-1");
}

static void test_curve(void)
{
	u32 k = atcp_cubic_k_ms(100, 70), t, worst = 0;

	/* K = cbrt((W_max - cwnd) / C) = cbrt(30 / 0.4) s */
	tap_ok(k == (u32)(cbrt(75.0) * 1000), "K for 70 back to 100 is %u ms", k);
	tap_ok(atcp_cubic_k_ms(100, 100) == 0 && atcp_cubic_k_ms(50, 100) == 0,
	       "K is 0 when the window is at or above W_max");
	for (t = 0; t <= 20000; t += 50) {
		double d = (t - (double)k) / 1000.0;
		double want = 0.4 * d * d * d + 100;
		u32 got = atcp_cubic_target(100, k, t);
		u32 err;

		if (want < 1)
			want = 1;
		err = (u32)fabs(got - want);
		if (err > worst)
			worst = err;
	}
	tap_ok(worst <= 1, "W_cubic(t) within a segment of C (t-K)^3 + W_max over 20 s (worst %u)",
	       worst);
	tap_ok(atcp_cubic_target(100, k, k) == 100, "W_cubic(K) = W_max");
	tap_ok(atcp_cubic_target(10, 100000, 0) == 1 &&
	       atcp_cubic_target(100, 0, 0xffffffffU) ==
	       atcp_cubic_target(100, 0, 1U << 20) &&
	       atcp_cubic_target(1U << 30, 0, 0xffffffffU) == 1U << 30,
	       "W_cubic stays in 1 .. 2^30, |t - K| cut at 2^20 ms");
}

static void test_ssthresh(void)
{
	struct atcp_cubic c;
	u32 s1, s2, s3;

	atcp_cubic_init(&c);
	s1 = atcp_cubic_ssthresh(&c, 100);
	tap_ok(s1 == 70 && c.w_max == 100, "loss at 100: ssthresh 70 (beta 0.7), W_max 100");
	/* fast convergence: short of the last W_max, remember less */
	s2 = atcp_cubic_ssthresh(&c, 80);
	tap_ok(s2 == 56 && c.w_max == 80 * 1741 / 2048,
	       "loss at 80 < W_max: ssthresh 56, W_max 80 * (1 + beta) / 2 = %u", c.w_max);
	s3 = atcp_cubic_ssthresh(&c, 2);
	tap_ok(s3 == 2, "ssthresh is never below 2");
}

/*
 * Rounds of one RTT: each delivers one ACK per segment of the window, at
 * the round's start time.  Returns the window after @rounds.
 */
static u32 run(struct atcp_cubic *c, u32 cwnd, u32 *cnt, u32 *now,
	       u32 rtt_ms, u32 rounds)
{
	u32 r, i, w;

	for (r = 0; r < rounds; r++) {
		w = cwnd;
		for (i = 0; i < w; i++)
			cwnd = atcp_cubic_cong_avoid(c, cwnd, cnt, 1, *now, rtt_ms);
		*now += rtt_ms;
	}
	return cwnd;
}

static void test_growth(void)
{
	struct atcp_cubic c;
	u32 cwnd, cnt = 0, now = 5000, k;
	u32 half, at_k, after;

	atcp_cubic_init(&c);
	cwnd = atcp_cubic_ssthresh(&c, 100);	/* 70 */
	k = atcp_cubic_k_ms(100, 70);		/* 4217 ms */
	/* RTT 100 ms: the curve, not the Reno estimate, leads here */
	half = run(&c, cwnd, &cnt, &now, 100, k / 200);
	tap_ok(half >= 93 && half <= 99,
	       "concave: half way to K the window is %u, near W_cubic 96", half);
	at_k = run(&c, half, &cnt, &now, 100, k / 200);
	tap_ok(at_k >= 97 && at_k <= 102, "at K the window is back to W_max: %u", at_k);
	after = run(&c, at_k, &cnt, &now, 100, 30);
	tap_ok(after >= 106 && after <= 115,
	       "convex: 3 s past K the window is %u, near W_cubic 110.8", after);

	/*
	 * A short RTT: the cubic curve from W_max = cwnd grows by under a
	 * segment in 100 ms, Reno by alpha = 0.53 a round: Reno-friendly.
	 */
	atcp_cubic_init(&c);
	cnt = 0;
	now = 1000;
	cwnd = run(&c, 100, &cnt, &now, 10, 10);
	tap_ok(cwnd >= 104 && cwnd <= 106,
	       "Reno-friendly: 10 rounds of 10 ms grow 100 to %u (Reno: 105)", cwnd);

	/* never more than 1.5x in one round, whatever the clock says */
	atcp_cubic_init(&c);
	cnt = 0;
	now = 1000;
	cwnd = run(&c, 100, &cnt, &now, 10, 1);
	now += 0x80000000U;		/* a clock far ahead */
	cwnd = run(&c, cwnd, &cnt, &now, 10, 1);
	tap_ok(cwnd <= 151, "a leap of the clock: at most 1.5x a round (%u)", cwnd);
	atcp_cubic_reset_epoch(&c);
	tap_ok(c.epoch_start == 0, "reset_epoch ends the epoch");
}

static const struct atcp_hystart_cfg hy_cfg = {
	.detect = ATCP_HYSTART_ACK_TRAIN | ATCP_HYSTART_DELAY,
	.low_window = 16,
	.ack_delta_us = 2000,
};

/* One RTT sample for HyStart, the window at @cwnd, in slow start. */
static u8 hy_ack(struct atcp_cubic *c, const struct atcp_hystart_cfg *cfg,
		 u32 now_us, u32 rtt_us, u32 snd_una, u32 snd_nxt, u32 cwnd)
{
	struct atcp_hystart_ack a = {
		.now_us = now_us, .now_ms = now_us / 1000 + 1, .rtt_us = rtt_us,
		.snd_una = snd_una, .snd_nxt = snd_nxt, .cwnd = cwnd,
		.slow_start = true,
	};

	return atcp_hystart_acked(c, cfg, &a);
}

/*
 * Rounds of @n ACKs @gap_us apart, each with an RTT of @rtt_us, each round
 * one flight after the last (snd_una passes the last end_seq); the detector that
 * fired and at which ACK (counted from 1), or 0.
 */
static u8 hy_rounds(struct atcp_cubic *c, const struct atcp_hystart_cfg *cfg,
		    u32 *now, u32 *una, int n, u32 gap_us, u32 rtt_us, u32 cwnd,
		    int *at)
{
	int i;
	u8 f;

	*now += rtt_us;
	*una += 1000;		/* past the last round's end_seq */
	for (i = 1; i <= n; i++) {
		f = hy_ack(c, cfg, *now, rtt_us, *una, *una + 500, cwnd);
		if (f) {
			*at = i;
			return f;
		}
		*now += gap_us;
	}
	return 0;
}

/* A fresh CUBIC state whose one sample so far set the minimum RTT. */
static void hy_start(struct atcp_cubic *c, const struct atcp_hystart_cfg *cfg,
		     u32 *now, u32 *una, u32 min_rtt_us)
{
	int at;

	atcp_cubic_init(c);
	atcp_hystart_reset(c, *now, *una);
	hy_rounds(c, cfg, now, una, 1, 3000, min_rtt_us, 40, &at);
}

static void test_hystart(void)
{
	struct atcp_hystart_cfg delay_only = hy_cfg, off = hy_cfg;
	struct atcp_cubic c;
	u32 now = 1000000, una = 5000;
	int at = 0;
	u8 f;

	delay_only.detect = ATCP_HYSTART_DELAY;
	off.detect = 0;

	/* ACKs 3 ms apart: never a train; a steady 10 ms RTT: no exit */
	atcp_cubic_init(&c);
	atcp_hystart_reset(&c, now, una);
	f = hy_rounds(&c, &hy_cfg, &now, &una, 20, 3000, 10000, 40, &at);
	f = f ? f : hy_rounds(&c, &hy_cfg, &now, &una, 20, 3000, 10000, 40, &at);
	tap_ok(!f && c.delay_min_us == 10000,
	       "HyStart: a steady RTT and sparse ACKs leave slow start alone (%u, min %u us)",
	       f, c.delay_min_us);
	/* the RTT rises by 4 ms (10 ms / 8, at least 4): delay exit */
	f = hy_rounds(&c, &hy_cfg, &now, &una, 20, 3000, 14001, 40, &at);
	tap_ok(f == ATCP_HYSTART_DELAY && at == 9,
	       "HyStart: an RTT 4 ms over the minimum ends it at the 9th sample of the round (%u at %d)",
	       f, at);
	f = hy_rounds(&c, &hy_cfg, &now, &una, 20, 3000, 30000, 40, &at);
	tap_ok(!f, "HyStart: it fires once, until the next reset (%u)", f);

	/* below 4 ms over: nothing; below low_window: nothing; off: nothing */
	hy_start(&c, &hy_cfg, &now, &una, 10000);
	f = hy_rounds(&c, &hy_cfg, &now, &una, 20, 3000, 13999, 40, &at);
	tap_ok(!f, "HyStart: 3.999 ms over the minimum is not enough (%u)", f);
	f = hy_rounds(&c, &hy_cfg, &now, &una, 20, 3000, 20000, 15, &at);
	tap_ok(!f, "HyStart: not with the window under low_window (%u)", f);
	f = hy_rounds(&c, &off, &now, &una, 20, 1000, 20000, 40, &at);
	tap_ok(!f, "HyStart: not when no detector is on (%u)", f);

	/* 80 ms minimum: the threshold is 10 ms, an eighth of it */
	hy_start(&c, &delay_only, &now, &una, 80000);
	f = hy_rounds(&c, &delay_only, &now, &una, 20, 1000, 89000, 40, &at);
	f = f ? f : hy_rounds(&c, &delay_only, &now, &una, 20, 1000, 90001,
			      40, &at);
	tap_ok(f == ATCP_HYSTART_DELAY,
	       "HyStart: with an 80 ms minimum, 9 ms over is not enough, 10 ms is (%u)",
	       f);

	/* ACKs 1 ms apart for longer than half the 10 ms minimum: a train */
	hy_start(&c, &hy_cfg, &now, &una, 10000);
	f = hy_rounds(&c, &hy_cfg, &now, &una, 20, 1000, 10000, 40, &at);
	tap_ok(f == ATCP_HYSTART_ACK_TRAIN && at == 7,
	       "HyStart: an ACK train longer than half the minimum RTT ends it (%u at %d)",
	       f, at);
	/* ... paced, the train must last the whole minimum RTT */
	{
		struct atcp_hystart_ack a = {
			.rtt_us = 10000, .cwnd = 40, .slow_start = true,
			.paced = true,
		};
		int i;

		atcp_cubic_init(&c);
		atcp_hystart_reset(&c, now, una);
		c.delay_min_us = 10000;
		f = 0;
		for (i = 1; i <= 20 && !f; i++) {
			a.now_us = now + i * 1000;
			a.now_ms = a.now_us / 1000 + 1;
			a.snd_una = una;
			a.snd_nxt = una + 1000;
			f = atcp_hystart_acked(&c, &hy_cfg, &a);
			at = i;
		}
		tap_ok(f == ATCP_HYSTART_ACK_TRAIN && at == 11,
		       "HyStart: paced, the train must outlast the whole minimum RTT (%u at %d)",
		       f, at);
	}

	/* samples within a second of a reduction are not taken */
	atcp_cubic_init(&c);
	c.epoch_start = now / 1000 + 1;
	f = hy_ack(&c, &hy_cfg, now, 500, una, una + 1000, 40);
	tap_ok(!f && c.delay_min_us == 0,
	       "HyStart: an RTT right after a reduction is not taken (min %u)",
	       c.delay_min_us);
}

int main(void)
{
	test_cbrt();
	test_curve();
	test_ssthresh();
	test_growth();
	test_hystart();
	return tap_finish();
}

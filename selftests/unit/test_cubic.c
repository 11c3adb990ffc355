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

int main(void)
{
	test_cbrt();
	test_curve();
	test_ssthresh();
	test_growth();
	return tap_finish();
}

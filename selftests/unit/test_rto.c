// SPDX-License-Identifier: GPL-2.0
/*
 * test_rto.c - RFC 6298 estimator against hand-computed values.
 */
#include "atcp_rto.h"
#include "tap.h"

static void std_init(struct atcp_rto *r)
{
	atcp_rto_init(r, ATCP_RTO_INIT_US, ATCP_RTO_MIN_US, ATCP_RTO_MAX_US);
}

static void test_samples(void)
{
	struct atcp_rto r;

	std_init(&r);
	tap_ok(!r.have_sample && atcp_rto_current(&r) == 1000000 &&
	       r.backoff == 0, "initial RTO 1 s, no sample");

	/* SRTT = R, RTTVAR = R/2, RTO = 100 + 4 * 50 ms */
	atcp_rto_sample(&r, 100000);
	tap_ok(r.have_sample && r.srtt_us == 100000 && r.rttvar_us == 50000 &&
	       r.rto_us == 300000, "first sample 100 ms -> RTO 300 ms");

	/*
	 * |SRTT - R| = 100000; RTTVAR = 50000 - 12500 + 25000 = 62500;
	 * SRTT = 100000 + 100000/8 = 112500; RTO = 112500 + 250000.
	 */
	atcp_rto_sample(&r, 200000);
	tap_ok(r.srtt_us == 112500 && r.rttvar_us == 62500 &&
	       r.rto_us == 362500, "second sample 200 ms -> RTO 362.5 ms");

	/*
	 * |SRTT - R| = 12500; RTTVAR = 62500 - 15625 + 3125 = 50000;
	 * SRTT = 112500 - (12500 >> 3 = 1562) = 110938; RTO = 310938.
	 */
	atcp_rto_sample(&r, 100000);
	tap_ok(r.srtt_us == 110938 && r.rttvar_us == 50000 &&
	       r.rto_us == 310938, "third sample 100 ms -> RTO 310.938 ms");

	/* the backoff multiplies the computed RTO: 310938 * 8 */
	atcp_rto_backoff(&r);
	atcp_rto_backoff(&r);
	atcp_rto_backoff(&r);
	tap_ok(r.backoff == 3 && atcp_rto_current(&r) == 2487504,
	       "three backoffs -> 8 x RTO");
	atcp_rto_reset_backoff(&r);
	tap_ok(atcp_rto_current(&r) == 310938, "reset backoff -> RTO again");
}

static void test_convergence(void)
{
	struct atcp_rto r;
	int i;

	std_init(&r);
	atcp_rto_sample(&r, 300000);
	for (i = 0; i < 200; i++)
		atcp_rto_sample(&r, 40000);
	/*
	 * Truncating shifts stop SRTT up to 7 us above R (the step is
	 * (SRTT - R) >> 3), and RTTVAR settles where RTTVAR >> 2 equals
	 * |SRTT - R| >> 2, i.e. at most 7.
	 */
	tap_ok(r.srtt_us >= 40000 && r.srtt_us <= 40007,
	       "SRTT converges to constant RTT: %u", r.srtt_us);
	tap_ok(r.rttvar_us <= 7, "RTTVAR decays to noise: %u", r.rttvar_us);
	tap_ok(r.rto_us == ATCP_RTO_MIN_US, "RTO floored at 200 ms");

	/* no floor: RTO = SRTT + max(G, 4 * RTTVAR) = SRTT + 1 ms */
	atcp_rto_init(&r, ATCP_RTO_INIT_US, 0, ATCP_RTO_MAX_US);
	atcp_rto_sample(&r, 300000);
	for (i = 0; i < 200; i++)
		atcp_rto_sample(&r, 40000);
	tap_ok(r.rto_us == r.srtt_us + ATCP_RTO_G_US,
	       "without floor RTO = SRTT + G once variance is small: %u",
	       r.rto_us);

	/* a rising RTT raises the RTO above the floor */
	for (i = 0; i < 200; i++)
		atcp_rto_sample(&r, 400000);
	/* from below, truncation stops SRTT up to 7 us short of R */
	tap_ok(r.srtt_us >= 399993 && r.srtt_us <= 400000,
	       "SRTT follows a step up: %u", r.srtt_us);
}

static void test_clamps(void)
{
	struct atcp_rto r;

	/* 10 ms: 10000 + 4 * 5000 = 30 ms, below the floor */
	std_init(&r);
	atcp_rto_sample(&r, 10000);
	tap_ok(r.rto_us == 200000, "small RTT clamped to min 200 ms");

	/* 400 us, no floor: 4 * RTTVAR = 800 < G = 1000 -> 1400 */
	atcp_rto_init(&r, ATCP_RTO_INIT_US, 0, ATCP_RTO_MAX_US);
	atcp_rto_sample(&r, 400);
	tap_ok(r.rto_us == 1400, "G dominates a tiny RTTVAR: %u", r.rto_us);

	/* 100 s: 100 + 4 * 50 = 300 s, above the cap */
	std_init(&r);
	atcp_rto_sample(&r, 100000000);
	tap_ok(r.rto_us == 120000000, "huge RTT clamped to max 120 s");

	/* 4 * RTTVAR would overflow 32 bits here */
	std_init(&r);
	atcp_rto_sample(&r, 0xffffffffU);
	tap_ok(r.rto_us == 120000000 && r.srtt_us == 0xffffffffU,
	       "RTT 2^32-1 us does not overflow");
	atcp_rto_sample(&r, 0);
	tap_ok(r.srtt_us == 0xffffffffU - (0xffffffffU >> 3) &&
	       r.rto_us == 120000000, "drop from 2^32-1 to 0 handled");

	/* a zero RTT is legal and floors at min */
	std_init(&r);
	atcp_rto_sample(&r, 0);
	tap_ok(r.srtt_us == 0 && r.rto_us == 200000, "zero RTT -> min RTO");
}

static void test_backoff(void)
{
	static const u32 want[] = {
		1000000, 2000000, 4000000, 8000000, 16000000, 32000000,
		64000000, 120000000, 120000000, 120000000,
	};
	struct atcp_rto r;
	unsigned int i, ok = 1;
	u32 seen = 0;

	std_init(&r);
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		seen = atcp_rto_current(&r);
		if (seen != want[i]) {
			ok = 0;
			tap_diag("step %u: %u, want %u", i, seen, want[i]);
		}
		atcp_rto_backoff(&r);
	}
	tap_ok(ok, "backoff 1,2,4,..,64 s then capped at 120 s");
	tap_ok(r.backoff == 7, "backoff counter stops once capped: %u",
	       r.backoff);

	for (i = 0; i < 100; i++)
		atcp_rto_backoff(&r);
	tap_ok(atcp_rto_current(&r) == 120000000 && r.backoff == 7,
	       "many more timeouts stay at 120 s");

	/* a zero RTO can never reach the cap: the shift stays bounded */
	atcp_rto_init(&r, 0, 0, ATCP_RTO_MAX_US);
	for (i = 0; i < 100; i++)
		atcp_rto_backoff(&r);
	tap_ok(r.backoff == ATCP_RTO_MAX_BACKOFF && atcp_rto_current(&r) == 0,
	       "backoff of a zero RTO bounded at %u", ATCP_RTO_MAX_BACKOFF);

	/* a 1 us RTO needs 32 doublings to pass 2^32 - 1: no overflow */
	atcp_rto_init(&r, 1, 0, 0xffffffffU);
	for (i = 0; i < 40; i++)
		atcp_rto_backoff(&r);
	tap_ok(atcp_rto_current(&r) == 0xffffffffU && r.backoff == 32,
	       "1 us RTO backs off to a 2^32-1 cap without overflow");
}

/* the give-up times Linux's tcp_model_timeout() gives for its defaults */
static void test_give_up(void)
{
	tap_ok(atcp_rto_give_up_us(8, ATCP_RTO_MIN_US, ATCP_RTO_MAX_US) ==
	       102200000ULL, "8 retries from 200 ms: 102.2 s (orphan_retries)");
	tap_ok(atcp_rto_give_up_us(15, ATCP_RTO_MIN_US, ATCP_RTO_MAX_US) ==
	       924600000ULL, "15 retries from 200 ms: 924.6 s (retries2)");
	tap_ok(atcp_rto_give_up_us(9, ATCP_RTO_MIN_US, ATCP_RTO_MAX_US) ==
	       204600000ULL, "9 retries: the last doubling below 120 s");
	tap_ok(atcp_rto_give_up_us(10, ATCP_RTO_MIN_US, ATCP_RTO_MAX_US) ==
	       324600000ULL, "10 retries: then 120 s each");
	tap_ok(atcp_rto_give_up_us(0, ATCP_RTO_MIN_US, ATCP_RTO_MAX_US) ==
	       200000, "0 retries: one RTO");
	tap_ok(atcp_rto_give_up_us(3, 1000000, 1000000) == 4000000,
	       "base equal to the maximum: linear from the start");
	tap_ok(atcp_rto_give_up_us(255, 1, 0xffffffffU) > 0 &&
	       atcp_rto_give_up_us(255, 0, 1) == 255ULL * 1 + 1,
	       "extreme arguments do not overflow or divide by zero");
}

/* The windowed minimum RTT (min_rtt_wlen), times in ms, window 1000. */
static void test_min_rtt(void)
{
	struct atcp_rto r;
	u32 t;

	std_init(&r);
	tap_ok(r.min_rtt_us == 0, "no sample: no minimum RTT");
	atcp_rto_min_rtt(&r, 5000, 100, 1000);
	atcp_rto_min_rtt(&r, 3000, 200, 1000);
	atcp_rto_min_rtt(&r, 4000, 300, 1000);
	tap_ok(r.min_rtt_us == 3000, "the smallest of the window (%u)",
	       r.min_rtt_us);
	atcp_rto_min_rtt(&r, 0, 310, 1000);
	tap_ok(r.min_rtt_us == 1, "a zero sample counts as 1 us");

	/* the path lengthens to 50 ms: the old minimum holds a window */
	std_init(&r);
	atcp_rto_min_rtt(&r, 100, 0, 1000);
	for (t = 10; t <= 990; t += 10)
		atcp_rto_min_rtt(&r, 50000 + t, t, 1000);
	tap_ok(r.min_rtt_us == 100, "within the window the old minimum stands");
	for (; t <= 2100; t += 10)
		atcp_rto_min_rtt(&r, 50000 + t, t, 1000);
	/* three samples stand for the window: an estimate, not the exact
	 * minimum of 51100, but never the old one nor above the latest */
	tap_ok(r.min_rtt_us >= 50000 && r.min_rtt_us <= 50000 + 2100,
	       "past the window a recent sample takes over (%u)",
	       r.min_rtt_us);

	/* no sample for longer than the window: the next one is it */
	atcp_rto_min_rtt(&r, 70000, 5000, 1000);
	tap_ok(r.min_rtt_us == 70000, "after a silent window, the new sample");

	/* a window of 0: always the latest sample */
	std_init(&r);
	atcp_rto_min_rtt(&r, 100, 1, 0);
	atcp_rto_min_rtt(&r, 900, 2, 0);
	tap_ok(r.min_rtt_us == 900, "min_rtt_wlen 0: the latest sample");

	/* the clock wraps */
	std_init(&r);
	atcp_rto_min_rtt(&r, 100, 0xfffffff0U, 1000);
	atcp_rto_min_rtt(&r, 200, 0x100, 1000);
	tap_ok(r.min_rtt_us == 100, "across the wrap, inside the window");
	atcp_rto_min_rtt(&r, 300, 0x400, 1000);
	tap_ok(r.min_rtt_us == 200, "... and past it (%u)", r.min_rtt_us);

	std_init(&r);
	atcp_rto_sample(&r, 100);
	tap_ok(r.min_rtt_us == 0,
	       "atcp_rto_sample() leaves the minimum to atcp_rto_min_rtt()");
}

static void test_rcv_rtt(void)
{
	u32 e;

	e = atcp_rcv_rtt_update(0, 10000, false);
	tap_ok(e == 80000, "receiver RTT: the first sample, times 8 (%u)", e);
	e = atcp_rcv_rtt_update(0, 10000, true);
	tap_ok(e == 80000, "... from a window's arrival too (%u)", e);

	/* a timestamp sample moves it by an eighth of the difference */
	e = atcp_rcv_rtt_update(80000, 18000, false);
	tap_ok(e == 88000, "timestamp sample 18 ms on 10 ms: 11 ms (%u)", e);
	e = atcp_rcv_rtt_update(80000, 2000, false);
	tap_ok(e == 72000, "timestamp sample 2 ms on 10 ms: 9 ms (%u)", e);

	/* a window's arrival only lowers it */
	e = atcp_rcv_rtt_update(80000, 50000, true);
	tap_ok(e == 80000, "window sample 50 ms on 10 ms: stays (%u)", e);
	e = atcp_rcv_rtt_update(80000, 4000, true);
	tap_ok(e == 32000, "window sample 4 ms on 10 ms: 4 ms (%u)", e);

	e = atcp_rcv_rtt_update(0, U32_MAX, false);
	tap_ok(e == U32_MAX, "a huge first sample saturates (%u)", e);
	e = atcp_rcv_rtt_update(U32_MAX, U32_MAX, false);
	tap_ok(e == U32_MAX, "... and so does a huge smoothed one (%u)", e);
}

static void test_drs(void)
{
	u32 b;

	/*
	 * Linux's arithmetic, by hand: copied 20000 after 10000, advmss
	 * 1460: rcvwin = 40000 + 23360 = 63360, grow = 63360 * 10000 /
	 * 10000 = 63360, rcvwin = 63360 + 126720 = 190080; 190080 / 1460 =
	 * 130 segments of 2944 bytes.
	 */
	b = atcp_drs_rcvbuf(20000, 10000, 1460, 2944);
	tap_ok(b == 130ULL * 2944, "20000 after 10000: 130 segments (%llu)",
	       (unsigned long long)b);

	/* steady: grown by one byte, two RTTs' worth and a cushion */
	b = atcp_drs_rcvbuf(100001, 100000, 1000, 2000);
	tap_ok(b == 216ULL * 2000, "steady 100 kB: 216 segments (%llu)",
	       (unsigned long long)b);

	tap_ok(atcp_drs_rcvbuf(10000, 10000, 1460, 2944) == 0,
	       "no more read than the RTT before: nothing to size");
	tap_ok(atcp_drs_rcvbuf(10000, 0, 1460, 2944) == 0,
	       "no RTT before: nothing to size");
	tap_ok(atcp_drs_rcvbuf(10000, 1, 0, 2944) == 0, "no MSS: nothing");

	/* a reader that took 4 GB in one RTT after 1 byte does not wrap */
	b = atcp_drs_rcvbuf(U32_MAX, 1, 536, 4096);
	tap_ok(b == U32_MAX, "huge growth saturates (%llu)",
	       (unsigned long long)b);
	b = atcp_drs_rcvbuf(U32_MAX, U32_MAX - 1, 1, 1);
	tap_ok(b == U32_MAX, "... and so does a huge steady rate (%llu)",
	       (unsigned long long)b);
}

/* The first RTO after the handshake: from a longer cached RTT, or 3 s. */
static void test_seed(void)
{
	struct atcp_rto r;

	/* handshake 1 ms, cached 100 ms: 100 + max(200, 200) ms */
	std_init(&r);
	atcp_rto_sample(&r, 1000);
	atcp_rto_seed(&r, 100000);
	tap_ok(r.rto_us == 300000 && r.srtt_us == 1000,
	       "seed: cached 100 ms over a 1 ms handshake -> RTO 300 ms, SRTT kept");
	/* the first sample of data takes over */
	atcp_rto_sample(&r, 1000);
	tap_ok(r.rto_us == ATCP_RTO_MIN_US, "seed: the next sample sets the RTO again");

	/* cached 50 ms: 50 + max(100, 200) ms */
	std_init(&r);
	atcp_rto_sample(&r, 1000);
	atcp_rto_seed(&r, 50000);
	tap_ok(r.rto_us == 250000, "seed: cached 50 ms -> 50 + RTO min");

	/* a cached RTT shorter than the handshake's changes nothing */
	std_init(&r);
	atcp_rto_sample(&r, 100000);
	atcp_rto_seed(&r, 50000);
	tap_ok(r.rto_us == 300000, "seed: shorter cached RTT ignored");

	/* no sample, no cache: 3 s; no sample, a cache: from the cache */
	std_init(&r);
	atcp_rto_seed(&r, 0);
	tap_ok(r.rto_us == ATCP_RTO_FALLBACK_US && !r.have_sample,
	       "seed: no handshake sample -> 3 s");
	std_init(&r);
	atcp_rto_seed(&r, 10000);
	tap_ok(r.rto_us == 210000, "seed: no handshake sample, cached 10 ms -> 210 ms");

	/* a route's rto_min: the RTO again under the new floor */
	std_init(&r);
	atcp_rto_sample(&r, 1000);
	atcp_rto_set_min(&r, 50000);
	tap_ok(r.rto_us == 50000, "set_min: 50 ms floor over a 1 ms RTT -> RTO 50 ms");
	atcp_rto_seed(&r, 10000);
	tap_ok(r.rto_us == 60000, "set_min: then cached 10 ms -> 10 + max(20, 50) ms");
	std_init(&r);
	atcp_rto_set_min(&r, 50000);
	tap_ok(r.rto_us == ATCP_RTO_INIT_US, "set_min: no sample, the initial RTO stays");

	/* clamped: 50 s cached gives the 120 s maximum */
	std_init(&r);
	atcp_rto_sample(&r, 1000);
	atcp_rto_seed(&r, 50000000);
	tap_ok(r.rto_us == ATCP_RTO_MAX_US, "seed: clamped to the maximum");
}

int main(void)
{
	test_samples();
	test_convergence();
	test_clamps();
	test_backoff();
	test_give_up();
	test_min_rtt();
	test_rcv_rtt();
	test_drs();
	test_seed();
	return tap_finish();
}

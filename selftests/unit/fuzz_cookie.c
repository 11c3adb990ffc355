// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_cookie.c - fuzz the SYN cookie checker and the cookie timestamp
 * codec.  Built as a libFuzzer target with -DATCP_LIBFUZZER, otherwise as
 * a self-contained TAP test driving a fixed-seed generator.
 *
 * Input layout (short inputs are zero-extended):
 *	 0..15	key
 *	16..51	tuple addresses and ports
 *	52..55	client ISN
 *	56..59	cookie
 *	60..63	current counter
 *	64	mss index, age and option bits for the round-trip checks
 *	65..68	timestamp clock
 */
#include <stdio.h>
#include <stdlib.h>

#include "atcp_cookie.h"
#include "atcp_seq.h"
#include "tap.h"

#define FUZZ_INPUT_LEN	69

#ifdef ATCP_LIBFUZZER
#define FUZZ_CHECK(cond) do { if (!(cond)) __builtin_trap(); } while (0)
#else
static unsigned long fuzz_failures, fuzz_accepted;

#define FUZZ_CHECK(cond) do {						\
	if (!(cond) && fuzz_failures++ < 10)				\
		tap_diag("invariant failed at line %d: %s", __LINE__, #cond); \
} while (0)
#endif

static u32 le32(const u8 *p)
{
	return (u32)p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct atcp_cookie_tuple t;
	u8 in[FUZZ_INPUT_LEN] = { 0 };
	u32 isn, cookie, now, clock, ts;
	u8 ctl, idx, got = 0xaa, d_ws;
	bool ws_ok, sack, ecn, d_wsok, d_sack, d_ecn;
	siphash_key_t key;
	unsigned int age;
	int rc;

	memcpy(in, data, min_t(size_t, size, sizeof(in)));
	key.key[0] = (u64)le32(in + 4) << 32 | le32(in);
	key.key[1] = (u64)le32(in + 12) << 32 | le32(in + 8);
	memset(&t, 0, sizeof(t));
	memcpy(t.saddr, in + 16, 16);
	memcpy(t.daddr, in + 32, 16);
	memcpy(&t.sport, in + 48, 2);
	memcpy(&t.dport, in + 50, 2);
	isn = le32(in + 52);
	cookie = le32(in + 56);
	now = le32(in + 60);
	ctl = in[64];
	clock = le32(in + 65);

	/* arbitrary cookie: either rejected cleanly or exactly one we make */
	rc = atcp_cookie_check(&key, &t, isn, cookie, now, &got);
	FUZZ_CHECK(rc == 0 || rc == ATCP_COOKIE_EBADHASH ||
		   rc == ATCP_COOKIE_ESTALE || rc == ATCP_COOKIE_EFUTURE);
	if (rc) {
		FUZZ_CHECK(got == 0xaa);
	} else {
#ifndef ATCP_LIBFUZZER
		fuzz_accepted++;
#endif
		FUZZ_CHECK(got < ATCP_COOKIE_MSS_SLOTS);
		FUZZ_CHECK(atcp_cookie_make(&key, &t, isn, now, got) ==
			   cookie ||
			   atcp_cookie_make(&key, &t, isn, now - 1, got) ==
			   cookie);
	}

	/* a cookie we make checks within its lifetime, and only then */
	idx = ctl & 3;
	age = (ctl >> 2) & 3;
	cookie = atcp_cookie_make(&key, &t, isn, now, idx);
	got = 0xaa;
	rc = atcp_cookie_check(&key, &t, isn, cookie, now + age, &got);
	if (age <= ATCP_COOKIE_MAX_AGE)
		FUZZ_CHECK(rc == 0 && got == idx);
	else
		FUZZ_CHECK(rc == ATCP_COOKIE_ESTALE && got == 0xaa);
	FUZZ_CHECK(atcp_cookie_check(&key, &t, isn, cookie, now - 1, &got) ==
		   ATCP_COOKIE_EFUTURE);
	FUZZ_CHECK(atcp_cookie_check(&key, &t, isn + 1, cookie + 1, now,
				     &got) == ATCP_COOKIE_EBADHASH);

	/* the timestamp codec round-trips and never runs ahead */
	ws_ok = ctl & 0x10;
	sack = ctl & 0x20;
	ecn = ctl & 0x40;
	ts = atcp_cookie_ts_encode(clock, in[0], ws_ok, sack, ecn);
	FUZZ_CHECK(!atcp_seq_after(ts, clock) && clock - ts < 64);
	atcp_cookie_ts_decode(ts, &d_ws, &d_wsok, &d_sack, &d_ecn);
	FUZZ_CHECK(d_wsok == ws_ok && d_sack == sack && d_ecn == ecn);
	FUZZ_CHECK(!ws_ok || d_ws == min_t(u8, in[0], 14));
	atcp_cookie_ts_decode(cookie, &d_ws, &d_wsok, &d_sack, &d_ecn);
	FUZZ_CHECK(d_ws <= 14 && (d_wsok || d_ws == 0));

	FUZZ_CHECK(atcp_isn(&key, &t, clock) == atcp_isn(&key, &t, clock));
	FUZZ_CHECK(atcp_isn(&key, &t, (u64)clock + 64) ==
		   atcp_isn(&key, &t, clock) + 1);
	return 0;
}

#ifndef ATCP_LIBFUZZER

static u64 rng = 0x2545f4914f6cdd1dULL;

static u64 xorshift64(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void run(const u8 *data, size_t size)
{
	u8 *copy = malloc(size ? size : 1);

	if (!copy)
		abort();
	memcpy(copy, data, size);
	LLVMFuzzerTestOneInput(copy, size);
	free(copy);
}

int main(void)
{
	u8 in[FUZZ_INPUT_LEN + 8] = { 0 };
	size_t size, i;
	siphash_key_t key;
	struct atcp_cookie_tuple t;
	u32 c;
	long n;

	/* edge cases: empty, all zero, all ones, every length */
	run(in, 0);
	for (size = 0; size <= sizeof(in); size++)
		run(in, size);
	memset(in, 0xff, sizeof(in));
	for (size = 0; size <= sizeof(in); size++)
		run(in, size);

	for (n = 0; n < 200000; n++) {
		/* one in four of any length, the rest full-size */
		size = FUZZ_INPUT_LEN;
		if ((n & 3) == 1)
			size = xorshift64() % sizeof(in);
		for (i = 0; i < size; i++)
			in[i] = xorshift64();
		/* every 4th input carries a genuine cookie, maybe aged */
		if (!(n & 3)) {
			key.key[0] = (u64)le32(in + 4) << 32 | le32(in);
			key.key[1] = (u64)le32(in + 12) << 32 | le32(in + 8);
			memset(&t, 0, sizeof(t));
			memcpy(t.saddr, in + 16, 16);
			memcpy(t.daddr, in + 32, 16);
			memcpy(&t.sport, in + 48, 2);
			memcpy(&t.dport, in + 50, 2);
			/* minted now or one tick ago: both must pass */
			c = atcp_cookie_make(&key, &t, le32(in + 52),
					     le32(in + 60) - !!(n & 4), in[64]);
			in[56] = c;
			in[57] = c >> 8;
			in[58] = c >> 16;
			in[59] = c >> 24;
		}
		run(in, size);
	}
	tap_ok(fuzz_failures == 0,
	       "cookie checker: 200000 random inputs, %lu invariant failures",
	       fuzz_failures);
	tap_diag("%lu arbitrary cookies accepted (the genuine ones)",
		 fuzz_accepted);
	return tap_finish();
}

#endif /* ATCP_LIBFUZZER */

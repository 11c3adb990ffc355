// SPDX-License-Identifier: GPL-2.0
/*
 * test_cookie.c - SYN cookies, cookie timestamps and RFC 6528 ISNs.
 */
#include "atcp_cookie.h"
#include "atcp_seq.h"
#include "tap.h"

static const siphash_key_t key = {
	{ 0x0123456789abcdefULL, 0xfedcba9876543210ULL }
};

static const siphash_key_t key2 = {
	{ 0x0123456789abcdefULL, 0xfedcba9876543211ULL }
};

static struct atcp_cookie_tuple tup4;
static struct atcp_cookie_tuple tup6;

static u32 xs_state = 0x2545f491;

static u32 xs32(void)
{
	xs_state ^= xs_state << 13;
	xs_state ^= xs_state >> 17;
	xs_state ^= xs_state << 5;
	return xs_state;
}

static void setup(void)
{
	static const u8 a6[16] = {
		0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1
	};
	static const u8 b6[16] = {
		0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2
	};

	atcp_cookie_tuple_v4(&tup4, htonl(0x0a000001), htonl(0x0a000002),
			     htons(40000), htons(80));
	atcp_cookie_tuple_v6(&tup6, a6, b6, htons(40000), htons(443));
}

static void test_tuple(void)
{
	static const u8 mapped[16] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 1
	};

	tap_ok(!memcmp(tup4.saddr, mapped, 16) && tup4.daddr[15] == 2 &&
	       tup4.zero == 0, "IPv4 tuple stored IPv4-mapped");
	tap_ok(tup4.sport == htons(40000) && tup4.dport == htons(80),
	       "ports kept in network order");
}

static void test_mss_table(void)
{
	unsigned int m, ok = 1;

	tap_ok(atcp_cookie_mss_idx(1460, false) == 3 &&
	       atcp_cookie_mss_idx(1459, false) == 2 &&
	       atcp_cookie_mss_idx(1440, false) == 2 &&
	       atcp_cookie_mss_idx(1300, false) == 1 &&
	       atcp_cookie_mss_idx(1299, false) == 0 &&
	       atcp_cookie_mss_idx(536, false) == 0 &&
	       atcp_cookie_mss_idx(100, false) == 0 &&
	       atcp_cookie_mss_idx(65535, false) == 3,
	       "IPv4 MSS rounds down to 536/1300/1440/1460");
	tap_ok(atcp_cookie_mss_idx(1220, true) == 0 &&
	       atcp_cookie_mss_idx(1420, true) == 1 &&
	       atcp_cookie_mss_idx(1440, true) == 2 &&
	       atcp_cookie_mss_idx(8939, true) == 2 &&
	       atcp_cookie_mss_idx(8940, true) == 3,
	       "IPv6 MSS rounds down to 1220/1420/1440/8940");
	tap_ok(atcp_cookie_mss(0, false) == 536 &&
	       atcp_cookie_mss(3, false) == 1460 &&
	       atcp_cookie_mss(0, true) == 1220 &&
	       atcp_cookie_mss(3, true) == 8940 &&
	       atcp_cookie_mss(4, false) == 0 &&
	       atcp_cookie_mss(255, true) == 0,
	       "index -> MSS, out of range -> 0");
	for (m = 536; m <= 65535 && ok; m++)
		ok = atcp_cookie_mss(atcp_cookie_mss_idx(m, false), false) <= m;
	for (m = 1220; m <= 65535 && ok; m++)
		ok = atcp_cookie_mss(atcp_cookie_mss_idx(m, true), true) <= m;
	tap_ok(ok, "decoded MSS never exceeds the client's");
}

static void test_counter(void)
{
	tap_ok(atcp_cookie_counter(0) == 0 && atcp_cookie_counter(63) == 0 &&
	       atcp_cookie_counter(64) == 1 && atcp_cookie_counter(133) == 2 &&
	       atcp_cookie_counter(64ULL << 32) == 0,
	       "counter ticks every 64 s, truncated to 32 bits");
}

static void test_valid(void)
{
	static const u32 counters[] = { 1000, 0, 31, 0xfffffffeU };
	unsigned int c, idx, age;
	u8 got;
	int rc;

	for (c = 0; c < ARRAY_SIZE(counters); c++) {
		for (idx = 0; idx < 4; idx++) {
			for (age = 0; age <= ATCP_COOKIE_MAX_AGE; age++) {
				u32 isn = xs32(), ck;

				ck = atcp_cookie_make(&key, &tup4, isn,
						      counters[c], idx);
				got = 0xff;
				rc = atcp_cookie_check(&key, &tup4, isn, ck,
						       counters[c] + age,
						       &got);
				tap_ok(rc == 0 && got == idx,
				       "v4 counter %u idx %u age %u valid",
				       counters[c], idx, age);
			}
		}
	}

	for (idx = 0; idx < 4; idx++) {
		u32 ck = atcp_cookie_make(&key, &tup6, 12345, 77, idx);

		got = 0xff;
		rc = atcp_cookie_check(&key, &tup6, 12345, ck, 78, &got);
		tap_ok(rc == 0 && got == idx, "v6 idx %u age 1 valid", idx);
	}

	/* counter wrap: minted at 2^32 - 1, checked at 0 */
	rc = atcp_cookie_check(&key, &tup4, 5,
			       atcp_cookie_make(&key, &tup4, 5, 0xffffffffU, 2),
			       0, &got);
	tap_ok(rc == 0 && got == 2, "valid across 32-bit counter wrap");

	/* replay: still decodes; the connection table must catch it */
	{
		u32 ck = atcp_cookie_make(&key, &tup4, 999, 500, 1);
		int r1 = atcp_cookie_check(&key, &tup4, 999, ck, 500, &got);
		int r2 = atcp_cookie_check(&key, &tup4, 999, ck, 500, &got);

		tap_ok(r1 == 0 && r2 == 0 && got == 1,
		       "replayed cookie still decodes (glue dedups)");
	}

	tap_ok(atcp_cookie_make(&key, &tup4, 1, 100, 0) !=
	       atcp_cookie_make(&key, &tup4, 1, 101, 0) &&
	       atcp_cookie_make(&key, &tup4, 1, 100, 0) !=
	       atcp_cookie_make(&key, &tup4, 1, 100, 1),
	       "cookie depends on counter and MSS index");
	tap_ok(atcp_cookie_make(&key, &tup4, 1, 100, 5) ==
	       atcp_cookie_make(&key, &tup4, 1, 100, 1),
	       "MSS index masked to 2 bits");
}

static void test_age(void)
{
	const u32 now = 5000, isn = 0xabcdef01;
	u32 age;
	u8 got = 0x5a;
	int rc, ok = 1;

	for (age = 2; age < 16; age++) {
		u32 ck = atcp_cookie_make(&key, &tup4, isn, now - age, 3);

		rc = atcp_cookie_check(&key, &tup4, isn, ck, now, &got);
		if (rc != ATCP_COOKIE_ESTALE)
			ok = 0;
	}
	tap_ok(ok, "ages 2..15 rejected as stale");
	rc = atcp_cookie_check(&key, &tup4, isn,
			       atcp_cookie_make(&key, &tup4, isn, now - 2, 0),
			       now, &got);
	tap_ok(rc == ATCP_COOKIE_ESTALE, "age 2 -> ESTALE");

	ok = 1;
	for (age = 16; age < 200; age++) {
		u32 ck = atcp_cookie_make(&key, &tup4, isn, now - age, 3);

		if (atcp_cookie_check(&key, &tup4, isn, ck, now, &got) >= 0)
			ok = 0;
	}
	tap_ok(ok, "ages 16..199 rejected (aliased or MAC)");

	/* age 32 aliases to 0 in the 5-bit field: the MAC must catch it */
	rc = atcp_cookie_check(&key, &tup4, isn,
			       atcp_cookie_make(&key, &tup4, isn, now - 32, 0),
			       now, &got);
	tap_ok(rc == ATCP_COOKIE_EBADHASH, "age 32 alias -> EBADHASH");

	rc = atcp_cookie_check(&key, &tup4, isn,
			       atcp_cookie_make(&key, &tup4, isn, now + 1, 0),
			       now, &got);
	tap_ok(rc == ATCP_COOKIE_EFUTURE, "counter one tick ahead -> EFUTURE");
	rc = atcp_cookie_check(&key, &tup4, isn,
			       atcp_cookie_make(&key, &tup4, isn, now + 10, 0),
			       now, &got);
	tap_ok(rc == ATCP_COOKIE_EFUTURE, "counter 10 ticks ahead -> EFUTURE");
	tap_ok(got == 0x5a, "MSS index untouched on failure");
}

static void test_forged(void)
{
	const u32 now = 777, isn = 0x10203040;
	u32 ck = atcp_cookie_make(&key, &tup4, isn, now, 2);
	struct atcp_cookie_tuple t;
	unsigned int bit, i, accepted = 0;
	u8 got;
	int ok = 1;

	for (bit = 0; bit < 32; bit++)
		if (atcp_cookie_check(&key, &tup4, isn, ck ^ (1U << bit), now,
				      &got) >= 0)
			ok = 0;
	tap_ok(ok, "every single-bit flip of the cookie rejected");

	tap_ok(atcp_cookie_check(&key, &tup4, isn, ck + 1, now, &got) < 0 &&
	       atcp_cookie_check(&key, &tup4, isn, ck - 1, now, &got) < 0,
	       "cookie +-1 rejected");

	t = tup4;
	t.sport = htons(40001);
	tap_ok(atcp_cookie_check(&key, &t, isn, ck, now, &got) < 0,
	       "other source port rejected");
	t = tup4;
	t.dport = htons(81);
	tap_ok(atcp_cookie_check(&key, &t, isn, ck, now, &got) < 0,
	       "other destination port rejected");
	t = tup4;
	t.saddr[15] ^= 1;
	tap_ok(atcp_cookie_check(&key, &t, isn, ck, now, &got) < 0,
	       "other source address rejected");
	t = tup4;
	t.daddr[12] ^= 0x80;
	tap_ok(atcp_cookie_check(&key, &t, isn, ck, now, &got) < 0,
	       "other destination address rejected");
	t = tup4;
	t.zero = 0xffffffff;
	tap_ok(atcp_cookie_check(&key, &t, isn, ck, now, &got) == 0,
	       "padding content does not matter (forced to zero)");
	tap_ok(atcp_cookie_check(&key, &tup6, isn, ck, now, &got) < 0,
	       "cookie of v4 tuple rejected on v6 tuple");

	tap_ok(atcp_cookie_check(&key, &tup4, isn + 1, ck, now, &got) < 0 &&
	       atcp_cookie_check(&key, &tup4, isn ^ 0x80000000U, ck, now,
				 &got) < 0,
	       "other client ISN rejected");
	/* shifting seq and ack together keeps W but breaks the MAC */
	tap_ok(atcp_cookie_check(&key, &tup4, isn + 1000, ck + 1000, now,
				 &got) == ATCP_COOKIE_EBADHASH,
	       "client ISN and cookie shifted together -> EBADHASH");
	tap_ok(atcp_cookie_check(&key2, &tup4, isn, ck, now, &got) < 0,
	       "other key rejected");

	/* blind guessing: expect about 2^-29 per try, so zero here */
	for (i = 0; i < 200000; i++)
		if (atcp_cookie_check(&key, &tup4, isn, xs32(), now, &got) == 0)
			accepted++;
	tap_ok(accepted == 0, "200000 random cookies: %u accepted", accepted);
}

/* one option combination over clocks around every interesting edge */
static int ts_combo_ok(unsigned int ws, bool ws_ok, bool sack, bool ecn)
{
	static const u32 clocks[] = {
		0, 1, 0x3f, 0x40, 0x7f, 0x12345678, 0x80000000U, 0xffffffffU,
	};
	bool d_ws, d_sack, d_ecn;
	unsigned int c;
	u8 d_wscale;
	u32 ts;

	for (c = 0; c < ARRAY_SIZE(clocks); c++) {
		ts = atcp_cookie_ts_encode(clocks[c], ws, ws_ok, sack, ecn);
		atcp_cookie_ts_decode(ts, &d_wscale, &d_ws, &d_sack, &d_ecn);
		if (d_ws != ws_ok || (ws_ok && d_wscale != ws) ||
		    d_sack != sack || d_ecn != ecn)
			return 0;
		/* never ahead of the clock, never a full block behind */
		if (atcp_seq_after(ts, clocks[c]) || clocks[c] - ts >= 64)
			return 0;
	}
	return 1;
}

static void test_ts(void)
{
	unsigned int ws, sack, ecn;
	bool d_ws, d_sack, d_ecn;
	u8 d_wscale;

	/* ws 15 stands for "no window scale" */
	for (ws = 0; ws <= 15; ws++)
		for (sack = 0; sack < 2; sack++)
			for (ecn = 0; ecn < 2; ecn++)
				tap_ok(ts_combo_ok(ws, ws < 15, sack, ecn),
				       "TS ws=%u%s sack=%u ecn=%u", ws,
				       ws < 15 ? "" : "(none)", sack, ecn);

	atcp_cookie_ts_decode(atcp_cookie_ts_encode(1000, 200, true, 0, 0),
			      &d_wscale, &d_ws, &d_sack, &d_ecn);
	tap_ok(d_ws && d_wscale == 14, "TS encode clamps wscale to 14");
	tap_ok(atcp_cookie_ts_encode(0x1000, 3, true, 1, 0) == 0xfd3,
	       "TS stepped back one 64-tick block rather than go ahead");
	tap_ok(atcp_cookie_ts_encode(0x103f, 3, true, 1, 0) == 0x1013,
	       "TS kept in the current block when not ahead");
}

static void test_isn(void)
{
	struct atcp_cookie_tuple t = tup4;
	u32 base = atcp_isn(&key, &tup4, 1000000000ULL);
	u64 clk = 1000000000ULL;
	u32 prev = base;
	int i, mono = 1;

	tap_ok(atcp_isn(&key, &tup4, 1000000000ULL + 64) == base + 1,
	       "ISN advances one per 64 ns");
	tap_ok(atcp_isn(&key, &tup4, 1000000000ULL + 63) == base,
	       "ISN constant within a 64 ns tick");
	tap_ok(atcp_isn(&key, &tup4, 1000000000ULL + 6400000) ==
	       base + 100000, "ISN advances 100000 in 6.4 ms");
	t.sport = htons(40001);
	tap_ok(atcp_isn(&key, &t, 1000000000ULL) != base,
	       "ISN depends on the tuple");
	tap_ok(atcp_isn(&key2, &tup4, 1000000000ULL) != base,
	       "ISN depends on the key");
	tap_ok(atcp_isn(&key, &tup6, 1000000000ULL) != base,
	       "v6 tuple gives another ISN");

	for (i = 0; i < 100000; i++) {
		u32 cur;

		clk += 64 + (xs32() & 0xfffff);
		cur = atcp_isn(&key, &tup4, clk);
		if (!atcp_seq_after(cur, prev))
			mono = 0;
		prev = cur;
	}
	tap_ok(mono, "ISN strictly increasing (mod 2^32) with the clock");
}

/*
 * Fast Open: the key as Linux writes it, and the cookie as Linux makes
 * it.  With the key 00 01 .. 0f ("03020100-07060504-0b0a0908-0f0e0d0c":
 * little-endian words) and addresses 00 01 .. 07, the cookie is the
 * SipHash-2-4 reference vector for 8 bytes, 0x93f5f5799a932462,
 * little-endian.
 */
static void test_tfo(void)
{
	static const u8 want[ATCP_TFO_COOKIE_SIZE] = {
		0x62, 0x24, 0x93, 0x9a, 0x79, 0xf5, 0xf5, 0x93
	};
	static const char *const bad[] = {
		"", "1-2-3", "1-2-3-4-", "1-2-3-4,", "1-2-3-4,5-6-7",
		"1-2-3-4,1-2-3-4,1-2-3-4", "123456789-0-0-0", "g-0-0-0",
		"1--2-3-4", "0x-1-2-3", "1-2-3-4 x", " 1-2-3-4", "1-2-3-4;",
	};
	u8 keys[ATCP_TFO_KEYS_MAX][ATCP_TFO_KEY_LEN];
	u8 addrs[8], cookie[ATCP_TFO_COOKIE_SIZE], other[ATCP_TFO_COOKIE_SIZE];
	siphash_key_t k;
	unsigned int i, bad_ok = 0;

	for (i = 0; i < sizeof(addrs); i++)
		addrs[i] = i;
	tap_ok(atcp_tfo_keys_parse("03020100-07060504-0b0a0908-0f0e0d0c",
				   keys) == 1,
	       "Fast Open key: one key parsed");
	for (i = 0; i < ATCP_TFO_KEY_LEN && keys[0][i] == i; i++)
		;
	tap_ok(i == ATCP_TFO_KEY_LEN, "key words stored little-endian");
	atcp_tfo_key_expand(&k, keys[0]);
	atcp_tfo_cookie_make(&k, addrs, sizeof(addrs), cookie);
	tap_ok(!memcmp(cookie, want, sizeof(want)),
	       "cookie: SipHash-2-4 of the addresses, little-endian");
	addrs[0] ^= 1;
	atcp_tfo_cookie_make(&k, addrs, sizeof(addrs), other);
	tap_ok(memcmp(cookie, other, sizeof(other)),
	       "another client address, another cookie");

	tap_ok(atcp_tfo_keys_parse("0x1-A-b-ffffffff,0-0-0-1\n", keys) == 2 &&
	       get_unaligned_le32(keys[0]) == 1 &&
	       get_unaligned_le32(keys[0] + 4) == 10 &&
	       get_unaligned_le32(keys[0] + 8) == 11 &&
	       get_unaligned_le32(keys[0] + 12) == 0xffffffff &&
	       get_unaligned_le32(keys[1] + 12) == 1,
	       "primary and backup key, 0x and short words, a newline");
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		bad_ok += atcp_tfo_keys_parse(bad[i], keys) == -1;
	tap_ok(bad_ok == ARRAY_SIZE(bad), "%u of %zu malformed keys refused",
	       bad_ok, ARRAY_SIZE(bad));
}

int main(void)
{
	setup();
	test_tuple();
	test_mss_table();
	test_counter();
	test_valid();
	test_age();
	test_forged();
	test_ts();
	test_isn();
	test_tfo();
	return tap_finish();
}

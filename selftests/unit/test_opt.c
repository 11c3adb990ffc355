// SPDX-License-Identifier: GPL-2.0
/*
 * test_opt.c - TCP option parser and builders.
 */
#include "atcp_opt.h"
#include "tap.h"

static int parse(const u8 *b, unsigned int len, bool syn, struct atcp_opts *o)
{
	return atcp_opt_parse(b, len, syn, o);
}

#define PARSE(arr, syn, o) parse(arr, sizeof(arr), syn, o)

static void test_syn_layout(void)
{
	static const u8 want_all[20] = {
		0x02, 0x04, 0x05, 0xb4,			/* MSS 1460 */
		0x04, 0x02,				/* SACK-permitted */
		0x08, 0x0a, 0x01, 0x02, 0x03, 0x04,	/* TSval */
		0x00, 0x00, 0x00, 0x00,			/* TSecr */
		0x01, 0x03, 0x03, 0x07,			/* NOP, WS 7 */
	};
	static const u8 want_nots[12] = {
		0x02, 0x04, 0x05, 0xb4,
		0x01, 0x01, 0x04, 0x02,			/* NOP,NOP,SACKPERM */
		0x01, 0x03, 0x03, 0x07,
	};
	static const u8 want_nosack[16] = {
		0x02, 0x04, 0x05, 0xb4,
		0x01, 0x01, 0x08, 0x0a, 0x01, 0x02, 0x03, 0x04,
		0x00, 0x00, 0x00, 0x00,
	};
	struct atcp_opts o = {
		.mss = 1460, .mss_ok = true, .wscale = 7, .ws_ok = true,
		.sack_ok = true, .ts_ok = true, .tsval = 0x01020304,
	};
	u8 buf[ATCP_MAX_OPT_LEN];
	unsigned int len;

	len = atcp_opt_build_syn(buf, &o);
	tap_ok(len == sizeof(want_all) && !memcmp(buf, want_all, len),
	       "SYN with all options matches Linux layout byte for byte");

	o.ts_ok = false;
	len = atcp_opt_build_syn(buf, &o);
	tap_ok(len == sizeof(want_nots) && !memcmp(buf, want_nots, len),
	       "SYN without TS: MSS | NOP,NOP,SACKPERM | NOP,WS");

	o.ts_ok = true;
	o.sack_ok = false;
	o.ws_ok = false;
	len = atcp_opt_build_syn(buf, &o);
	tap_ok(len == sizeof(want_nosack) && !memcmp(buf, want_nosack, len),
	       "SYN with MSS and TS only: MSS | NOP,NOP,TS");

	o.ws_ok = true;
	o.wscale = 20;
	len = atcp_opt_build_syn(buf, &o);
	tap_ok(len == 20 && buf[19] == ATCP_MAX_WSCALE,
	       "builder clamps window scale to 14");
}

static void test_syn_roundtrip(void)
{
	unsigned int mask;

	for (mask = 0; mask < 16; mask++) {
		struct atcp_opts o = { 0 }, p;
		u8 buf[ATCP_MAX_OPT_LEN];
		unsigned int len;
		int rc;

		o.mss_ok = mask & 1;
		o.ws_ok = mask & 2;
		o.sack_ok = mask & 4;
		o.ts_ok = mask & 8;
		o.mss = o.mss_ok ? 1000 + mask : 0;
		o.wscale = o.ws_ok ? mask & 7 : 0;
		o.tsval = o.ts_ok ? 0xdeadbeef ^ mask : 0;
		o.tsecr = o.ts_ok ? 0x80000000U + mask : 0;

		memset(buf, 0xee, sizeof(buf));
		len = atcp_opt_build_syn(buf, &o);
		rc = parse(buf, len, true, &p);
		tap_ok(rc == 0 && len == atcp_opt_len(&o, true) &&
		       !(len & 3) && len <= 20 &&
		       p.mss_ok == o.mss_ok && p.mss == o.mss &&
		       p.ws_ok == o.ws_ok && p.wscale == o.wscale &&
		       p.sack_ok == o.sack_ok && p.ts_ok == o.ts_ok &&
		       p.tsval == o.tsval && p.tsecr == o.tsecr &&
		       p.num_sacks == 0 && buf[len] == 0xee,
		       "SYN round-trip mss=%d ws=%d sack=%d ts=%d len=%u",
		       o.mss_ok, o.ws_ok, o.sack_ok, o.ts_ok, len);
	}
}

static void test_ack_roundtrip(void)
{
	unsigned int ts, n, i;

	for (ts = 0; ts < 2; ts++) {
		for (n = 0; n <= ATCP_MAX_SACKS; n++) {
			struct atcp_opts o = { 0 }, p;
			u8 buf[ATCP_MAX_OPT_LEN + 4];
			unsigned int len, want_n, ok;
			int rc;

			o.ts_ok = ts;
			o.tsval = 0x11223344;
			o.tsecr = 0x55667788;
			o.num_sacks = n;
			for (i = 0; i < n; i++) {
				o.sacks[i].start = 0xfffff000U + i * 0x1000;
				o.sacks[i].end = 0xfffff800U + i * 0x1000;
			}
			want_n = n < 4u - ts ? n : 4u - ts;

			memset(buf, 0xee, sizeof(buf));
			len = atcp_opt_build(buf, &o);
			rc = parse(buf, len, false, &p);
			ok = rc == 0 && len == atcp_opt_len(&o, false) &&
			     !(len & 3) && len <= ATCP_MAX_OPT_LEN &&
			     buf[len] == 0xee && p.ts_ok == o.ts_ok &&
			     (!ts || (p.tsval == o.tsval &&
				      p.tsecr == o.tsecr)) &&
			     p.num_sacks == want_n && !p.mss_ok &&
			     !p.ws_ok && !p.sack_ok;
			for (i = 0; ok && i < want_n; i++)
				ok = p.sacks[i].start == o.sacks[i].start &&
				     p.sacks[i].end == o.sacks[i].end;
			tap_ok(ok, "ACK round-trip ts=%u sacks=%u -> %u len=%u",
			       ts, n, want_n, len);
		}
	}
}

static void test_ack_layout(void)
{
	static const u8 want[24] = {
		0x01, 0x01, 0x08, 0x0a, 0x00, 0x00, 0x00, 0x05,
		0x00, 0x00, 0x00, 0x06,
		0x01, 0x01, 0x05, 0x0a, 0x00, 0x00, 0x10, 0x00,
		0x00, 0x00, 0x20, 0x00,
	};
	struct atcp_opts o = {
		.ts_ok = true, .tsval = 5, .tsecr = 6, .num_sacks = 1,
		.sacks = { { 0x1000, 0x2000 } },
	};
	u8 buf[ATCP_MAX_OPT_LEN];
	unsigned int len = atcp_opt_build(buf, &o);

	tap_ok(len == sizeof(want) && !memcmp(buf, want, len),
	       "ACK layout NOP,NOP,TS,NOP,NOP,SACK");
	o.mss_ok = true;
	o.mss = 1460;
	o.ws_ok = true;
	o.sack_ok = true;
	tap_ok(atcp_opt_build(buf, &o) == sizeof(want) &&
	       !memcmp(buf, want, sizeof(want)),
	       "non-SYN builder never emits MSS, WS or SACK-permitted");
	tap_ok(atcp_opt_max_sacks(true) == 3 && atcp_opt_max_sacks(false) == 4,
	       "SACK block budget 3 with TS, 4 without");
	tap_ok(atcp_opt_sacks_fit(true, 0) == 0 &&
	       atcp_opt_sacks_fit(true, -500) == 0 &&
	       atcp_opt_sacks_fit(true, 11) == 0,
	       "no SACK block fits in less than 12 spare bytes");
	tap_ok(atcp_opt_sacks_fit(true, 12) == 1 &&
	       atcp_opt_sacks_fit(true, 19) == 1 &&
	       atcp_opt_sacks_fit(true, 20) == 2,
	       "each further block needs 8 more bytes");
	tap_ok(atcp_opt_sacks_fit(true, 1460) == 3 &&
	       atcp_opt_sacks_fit(false, 1460) == 4,
	       "never more than the option space holds");
}

static void test_malformed(void)
{
	static const u8 no_len[] = { 0x02 };
	static const u8 nop_no_len[] = { 0x01, 0x01, 0x01, 0x08 };
	static const u8 past_end[] = { 0x08, 0x0a, 0, 0, 0, 0 };
	static const u8 unk_past_end[] = { 0xfe, 0x05, 0, 0 };
	static const u8 len0[] = { 0x63, 0x00, 0, 0 };
	static const u8 len1[] = { 0x05, 0x01, 0, 0 };
	static const u8 mss3[] = { 0x02, 0x03, 0x05, 0x01 };
	static const u8 mss5[] = { 0x02, 0x05, 0x05, 0xb4, 0 };
	static const u8 ws2[] = { 0x03, 0x02, 0x01, 0x01 };
	static const u8 ws4[] = { 0x03, 0x04, 0x07, 0x00 };
	static const u8 sp3[] = { 0x04, 0x03, 0x00, 0x01 };
	static const u8 ts9[] = { 0x08, 0x09, 1, 2, 3, 4, 5, 6, 7 };
	static const u8 ts12[] = { 0x08, 0x0c, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0 };
	static const u8 sack2[] = { 0x05, 0x02, 0x01, 0x01 };
	static const u8 sack11[] = { 0x05, 0x0b, 1, 2, 3, 4, 5, 6, 7, 8, 9 };
	u8 sack42[42] = { 0x05, 42 };
	struct atcp_opts o;

	tap_ok(PARSE(no_len, true, &o) == ATCP_OPT_ETRUNC,
	       "kind without length byte -> ETRUNC");
	tap_ok(PARSE(nop_no_len, false, &o) == ATCP_OPT_ETRUNC,
	       "kind as last byte after NOPs -> ETRUNC");
	tap_ok(PARSE(past_end, false, &o) == ATCP_OPT_ETRUNC,
	       "TS running past the end -> ETRUNC");
	tap_ok(PARSE(unk_past_end, false, &o) == ATCP_OPT_ETRUNC,
	       "unknown option running past the end -> ETRUNC");
	tap_ok(PARSE(len0, false, &o) == ATCP_OPT_ELEN,
	       "length byte 0 -> ELEN");
	tap_ok(PARSE(len1, false, &o) == ATCP_OPT_ELEN,
	       "length byte 1 -> ELEN");
	tap_ok(PARSE(mss3, true, &o) == ATCP_OPT_EMSS, "MSS length 3 -> EMSS");
	tap_ok(PARSE(mss5, true, &o) == ATCP_OPT_EMSS, "MSS length 5 -> EMSS");
	tap_ok(PARSE(mss3, false, &o) == ATCP_OPT_EMSS,
	       "bad MSS length rejected on non-SYN too");
	tap_ok(PARSE(ws2, true, &o) == ATCP_OPT_EWS, "WS length 2 -> EWS");
	tap_ok(PARSE(ws4, true, &o) == ATCP_OPT_EWS, "WS length 4 -> EWS");
	tap_ok(PARSE(sp3, true, &o) == ATCP_OPT_ESACKPERM,
	       "SACK-permitted length 3 -> ESACKPERM");
	tap_ok(PARSE(ts9, false, &o) == ATCP_OPT_ETS, "TS length 9 -> ETS");
	tap_ok(PARSE(ts12, false, &o) == ATCP_OPT_ETS, "TS length 12 -> ETS");
	tap_ok(PARSE(sack2, false, &o) == ATCP_OPT_ESACK,
	       "SACK with no block -> ESACK");
	tap_ok(PARSE(sack11, false, &o) == ATCP_OPT_ESACK,
	       "SACK length 11 -> ESACK");
	tap_ok(PARSE(sack42, false, &o) == ATCP_OPT_ESACK,
	       "SACK with 5 blocks (oversized input) -> ESACK");
}

static void test_semantics(void)
{
	static const u8 unknown[] = {
		0x1e, 0x06, 0xaa, 0xbb, 0xcc, 0xdd,	/* kind 30, len 6 */
		0xfe, 0x02,				/* kind 254, len 2 */
		0x02, 0x04, 0x05, 0xb4,
	};
	static const u8 eol[] = {
		0x02, 0x04, 0x02, 0x18, 0x00, 0x02, 0x01, 0xff,
	};
	static const u8 syn_only[] = {
		0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x01, 0x01,
		0x01, 0x03, 0x03, 0x07,
		0x01, 0x01, 0x08, 0x0a, 0, 0, 0, 9, 0, 0, 0, 8,
	};
	static const u8 big_ws[] = { 0x01, 0x03, 0x03, 0x0f };
	static const u8 huge_ws[] = { 0x01, 0x03, 0x03, 0xff };
	static const u8 mss0[] = { 0x02, 0x04, 0x00, 0x00 };
	static const u8 sack_on_syn[] = {
		0x01, 0x01, 0x05, 0x0a, 0, 0, 0, 1, 0, 0, 0, 2,
	};
	struct atcp_opts o;

	tap_ok(PARSE(unknown, true, &o) == 0 && o.mss_ok && o.mss == 1460,
	       "unknown kinds skipped by length");
	tap_ok(PARSE(eol, true, &o) == 0 && o.mss_ok && o.mss == 536,
	       "EOL ends parsing; bytes after it ignored");
	tap_ok(parse(eol, 0, true, &o) == 0 && !o.mss_ok && !o.ts_ok,
	       "empty option area parses to nothing");
	tap_ok(PARSE(syn_only, false, &o) == 0 && !o.mss_ok && !o.ws_ok &&
	       !o.sack_ok && o.ts_ok && o.tsval == 9 && o.tsecr == 8,
	       "MSS, WS, SACK-permitted ignored on non-SYN; TS kept");
	tap_ok(PARSE(syn_only, true, &o) == 0 && o.mss_ok && o.ws_ok &&
	       o.wscale == 7 && o.sack_ok && o.ts_ok,
	       "same options honoured on SYN");
	tap_ok(PARSE(big_ws, true, &o) == 0 && o.ws_ok && o.wscale == 14,
	       "window scale 15 clamped to 14");
	tap_ok(PARSE(huge_ws, true, &o) == 0 && o.ws_ok && o.wscale == 14,
	       "window scale 255 clamped to 14");
	tap_ok(PARSE(mss0, true, &o) == 0 && !o.mss_ok,
	       "MSS 0 treated as absent");
	tap_ok(PARSE(sack_on_syn, true, &o) == 0 && o.num_sacks == 0,
	       "SACK blocks on a SYN ignored");
	tap_ok(PARSE(sack_on_syn, false, &o) == 0 && o.num_sacks == 1 &&
	       o.sacks[0].start == 1 && o.sacks[0].end == 2,
	       "SACK block parsed on non-SYN");
}

/* Fast Open (RFC 7413): Linux's layout, and what is ignored. */
static void test_fastopen(void)
{
	static const u8 want_cookie[12] = {
		0x22, 0x0a, 1, 2, 3, 4, 5, 6, 7, 8,	/* kind 34, cookie */
		0x01, 0x01,				/* NOP, NOP */
	};
	static const u8 want_req[4] = { 0x22, 0x02, 0x01, 0x01 };
	static const u8 want_exp[12] = {
		0xfe, 0x0c, 0xf9, 0x89, 1, 2, 3, 4, 5, 6, 7, 8,
	};
	static const u8 odd[] = { 0x22, 0x07, 1, 2, 3, 4, 5, 0x01 };
	static const u8 short2[] = { 0x22, 0x04, 1, 2 };
	static const u8 long18[20] = { 0x22, 0x14 };
	static const u8 other_exp[] = { 0xfe, 0x06, 0x12, 0x34, 1, 2 };
	struct atcp_opts o = {
		.mss = 1460, .mss_ok = true, .wscale = 7, .ws_ok = true,
		.sack_ok = true, .ts_ok = true, .tsval = 1, .tfo_ok = true,
		.tfo = { .len = 8, .val = { 1, 2, 3, 4, 5, 6, 7, 8 } },
	};
	struct atcp_opts p;
	u8 buf[ATCP_MAX_OPT_LEN + 4];
	unsigned int len, i;

	memset(buf, 0xee, sizeof(buf));
	len = atcp_opt_build_syn(buf, &o);
	tap_ok(len == 32 && len == atcp_opt_len(&o, true) &&
	       !memcmp(buf + 20, want_cookie, 12) && buf[32] == 0xee,
	       "SYN-ACK with a cookie: the option last, NOP-padded");
	tap_ok(parse(buf, len, true, &p) == 0 && p.tfo_ok && p.tfo.len == 8 &&
	       !p.tfo.exp && !memcmp(p.tfo.val, o.tfo.val, 8) && p.ts_ok &&
	       p.ws_ok && p.mss == 1460, "cookie round-trips");

	o.tfo.len = 0;
	len = atcp_opt_build_syn(buf, &o);
	tap_ok(len == 24 && !memcmp(buf + 20, want_req, 4) &&
	       parse(buf, len, true, &p) == 0 && p.tfo_ok && !p.tfo.len,
	       "cookie request: kind 34, length 2");

	o.tfo.len = 8;
	o.tfo.exp = true;
	len = atcp_opt_build_syn(buf, &o);
	tap_ok(len == 32 && !memcmp(buf + 20, want_exp, 12) &&
	       parse(buf, len, true, &p) == 0 && p.tfo_ok && p.tfo.exp &&
	       p.tfo.len == 8, "experimental option 254, magic 0xF989");

	o.tfo.len = ATCP_TFO_COOKIE_MAX;
	for (i = 0; i < ATCP_TFO_COOKIE_MAX; i++)
		o.tfo.val[i] = 0x40 + i;
	len = atcp_opt_build_syn(buf, &o);
	tap_ok(len == ATCP_MAX_OPT_LEN && len == atcp_opt_len(&o, true) &&
	       parse(buf, len, true, &p) == 0 && p.tfo.len == 16 &&
	       !memcmp(p.tfo.val, o.tfo.val, 16),
	       "16-byte experimental cookie fills the 40 bytes");

	tap_ok(parse(want_cookie, sizeof(want_cookie), false, &p) == 0 &&
	       !p.tfo_ok, "cookie ignored on a segment without SYN");
	tap_ok(PARSE(odd, true, &p) == 0 && !p.tfo_ok,
	       "odd cookie length ignored, not an error");
	tap_ok(PARSE(short2, true, &p) == 0 && !p.tfo_ok,
	       "2-byte cookie ignored");
	tap_ok(PARSE(long18, true, &p) == 0 && !p.tfo_ok,
	       "18-byte cookie ignored");
	tap_ok(PARSE(other_exp, true, &p) == 0 && !p.tfo_ok,
	       "another experiment in option 254 passes by");
}

int main(void)
{
	test_syn_layout();
	test_syn_roundtrip();
	test_ack_roundtrip();
	test_ack_layout();
	test_malformed();
	test_semantics();
	test_fastopen();
	return tap_finish();
}

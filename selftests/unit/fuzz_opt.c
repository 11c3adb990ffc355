// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_opt.c - fuzz the TCP option parser and the parse -> build -> parse
 * cycle.  Built as a libFuzzer target with -DATCP_LIBFUZZER, otherwise as
 * a self-contained TAP test driving a fixed-seed generator.
 *
 * Input: byte 0 bit 0 selects SYN parsing; the rest is the option area.
 */
#include <stdio.h>
#include <stdlib.h>

#include "atcp_opt.h"
#include "tap.h"

#ifdef ATCP_LIBFUZZER
#define FUZZ_CHECK(cond) do { if (!(cond)) __builtin_trap(); } while (0)
#else
static unsigned long fuzz_failures, fuzz_parsed;

#define FUZZ_CHECK(cond) do {						\
	if (!(cond) && fuzz_failures++ < 10)				\
		tap_diag("invariant failed at line %d: %s", __LINE__, #cond); \
} while (0)
#endif

static void check_same_syn(const struct atcp_opts *a,
			   const struct atcp_opts *b)
{
	FUZZ_CHECK(a->mss_ok == b->mss_ok && a->mss == b->mss);
	FUZZ_CHECK(a->ws_ok == b->ws_ok && a->wscale == b->wscale);
	FUZZ_CHECK(a->sack_ok == b->sack_ok);
	FUZZ_CHECK(a->ts_ok == b->ts_ok && a->tsval == b->tsval &&
		   a->tsecr == b->tsecr);
	FUZZ_CHECK(b->num_sacks == 0);
	FUZZ_CHECK(a->tfo_ok == b->tfo_ok);
	if (a->tfo_ok)
		FUZZ_CHECK(a->tfo.len == b->tfo.len && a->tfo.exp == b->tfo.exp &&
			   !memcmp(a->tfo.val, b->tfo.val, a->tfo.len));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct atcp_opts o, p;
	unsigned int len, i, n;
	u8 buf[ATCP_MAX_OPT_LEN];
	bool syn;
	int rc;

	if (!size)
		return 0;
	syn = data[0] & 1;
	rc = atcp_opt_parse(data + 1, size - 1, syn, &o);
	FUZZ_CHECK(rc <= 0 && rc >= ATCP_OPT_ESACK);
	if (rc)
		return 0;
#ifndef ATCP_LIBFUZZER
	fuzz_parsed++;
#endif

	FUZZ_CHECK(o.num_sacks <= ATCP_MAX_SACKS);
	FUZZ_CHECK(!o.ws_ok || o.wscale <= ATCP_MAX_WSCALE);
	FUZZ_CHECK(!o.mss_ok || o.mss);
	if (syn)
		FUZZ_CHECK(o.num_sacks == 0);
	else
		FUZZ_CHECK(!o.mss_ok && !o.ws_ok && !o.sack_ok && !o.tfo_ok);
	FUZZ_CHECK(!o.tfo_ok || !o.tfo.len ||
		   (o.tfo.len >= ATCP_TFO_COOKIE_MIN &&
		    o.tfo.len <= ATCP_TFO_COOKIE_MAX && !(o.tfo.len & 1)));

	if (syn) {
		len = atcp_opt_build_syn(buf, &o);
		FUZZ_CHECK(len == atcp_opt_len(&o, true));
		/* 20 bytes, and a Fast Open option of at most 20 more */
		FUZZ_CHECK(len <= (o.tfo_ok ? ATCP_MAX_OPT_LEN : 20) &&
			   !(len & 3));
		rc = atcp_opt_parse(buf, len, true, &p);
		FUZZ_CHECK(rc == 0);
		check_same_syn(&o, &p);
		return 0;
	}

	len = atcp_opt_build(buf, &o);
	FUZZ_CHECK(len == atcp_opt_len(&o, false));
	FUZZ_CHECK(len <= ATCP_MAX_OPT_LEN && !(len & 3));
	rc = atcp_opt_parse(buf, len, false, &p);
	FUZZ_CHECK(rc == 0);
	FUZZ_CHECK(p.ts_ok == o.ts_ok);
	if (o.ts_ok)
		FUZZ_CHECK(p.tsval == o.tsval && p.tsecr == o.tsecr);
	n = min_t(unsigned int, o.num_sacks, atcp_opt_max_sacks(o.ts_ok));
	FUZZ_CHECK(p.num_sacks == n);
	for (i = 0; i < n && i < p.num_sacks; i++)
		FUZZ_CHECK(p.sacks[i].start == o.sacks[i].start &&
			   p.sacks[i].end == o.sacks[i].end);
	/* what we build we also parse as a SYN without error */
	FUZZ_CHECK(atcp_opt_parse(buf, len, true, &p) == 0);
	return 0;
}

#ifndef ATCP_LIBFUZZER

static u64 rng = 0x9e3779b97f4a7c15ULL;

static u64 xorshift64(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* bytes a TCP option parser cares about, to reach deep paths often */
static const u8 interesting[] = {
	0, 1, 2, 3, 4, 5, 8, 10, 18, 26, 34, 42, 0x0e, 0x0f, 0xff, 0xfe,
};

/* run one input from an exact-size heap copy, so ASan sees over-reads */
static void run(const u8 *data, size_t size)
{
	u8 *copy = malloc(size ? size : 1);

	if (!copy)
		abort();
	memcpy(copy, data, size);
	LLVMFuzzerTestOneInput(copy, size);
	free(copy);
}

static void gen_random(u8 *in, size_t *size)
{
	size_t i, len = xorshift64() % 50;
	u64 r;

	for (i = 0; i < len; i++) {
		r = xorshift64();
		if (r & 1)
			in[i] = interesting[(r >> 8) % sizeof(interesting)];
		else
			in[i] = r >> 16;
	}
	*size = len;
}

/* well-formed options with one random byte changed, or none */
static void gen_mutated(u8 *in, size_t *size)
{
	struct atcp_opts o;
	unsigned int len, i;
	u64 r = xorshift64();

	memset(&o, 0, sizeof(o));
	o.mss_ok = r & 1;
	o.mss = r >> 8;
	o.ws_ok = r & 2;
	o.wscale = (r >> 24) & 15;
	o.sack_ok = r & 4;
	o.ts_ok = r & 8;
	o.tsval = r >> 32;
	o.tsecr = xorshift64();
	o.num_sacks = (r >> 40) % 5;
	for (i = 0; i < o.num_sacks; i++) {
		o.sacks[i].start = xorshift64();
		o.sacks[i].end = xorshift64();
	}
	in[0] = (r >> 4) & 1;
	if (in[0])
		len = atcp_opt_build_syn(in + 1, &o);
	else
		len = atcp_opt_build(in + 1, &o);
	r = xorshift64();
	if (len && (r & 3))
		in[1 + (r >> 8) % len] = r >> 32;
	*size = 1 + len;
}

int main(void)
{
	static const u8 edge_trunc[] = { 0, 8 };
	static const u8 edge_len255[] = { 0, 0x22, 0xff };
	static const u8 edge_len0[] = { 1, 0x02, 0x00 };
	u8 in[64] = { 0 };
	size_t size;
	long i;

	/* edge cases first */
	run(in, 0);
	memset(in, ATCP_OPT_NOP, sizeof(in));
	run(in, 41);
	memset(in, ATCP_OPT_EOL, sizeof(in));
	run(in, 41);
	run(edge_trunc, sizeof(edge_trunc));
	run(edge_len255, sizeof(edge_len255));
	run(edge_len0, sizeof(edge_len0));
	memset(in, 0xff, sizeof(in));
	run(in, sizeof(in));

	for (i = 0; i < 300000; i++) {
		if (i & 1)
			gen_random(in, &size);
		else
			gen_mutated(in, &size);
		run(in, size);
	}
	tap_ok(fuzz_failures == 0,
	       "option parser: 300000 random inputs, %lu invariant failures",
	       fuzz_failures);
	tap_diag("%lu of the inputs parsed without error", fuzz_parsed);
	return tap_finish();
}

#endif /* ATCP_LIBFUZZER */

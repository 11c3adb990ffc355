// SPDX-License-Identifier: GPL-2.0
/*
 * atcp_opt.c - TCP option parsing and building.
 *
 * The parser is strict about the shape of the options it knows, because a
 * wrong length there means the sender or a middlebox mangled the header
 * and none of the option bytes can be trusted.  Options it does not know
 * are stepped over by their length byte so new TCP extensions pass
 * through untouched.
 *
 * The builders lay the options out exactly like Linux does, so a capture
 * of atcp looks like a capture of the stock stack and middleboxes that
 * fingerprint option order see nothing unusual.  Every option group is
 * padded to 4 bytes with NOPs, which keeps the 32-bit fields aligned when
 * the header itself is.
 */
#include "atcp_opt.h"

/*
 * A Fast Open option's cookie of @len bytes at @p, as Linux reads it
 * (tcp_parse_fastopen_option()): only on a SYN or SYN-ACK, and only of
 * an even length, 0 (a request) or 4 to 16.  Any other is ignored, not
 * an error: the segment is fine, it just does not do Fast Open.
 */
static void atcp_opt_parse_tfo(const u8 *p, unsigned int len, bool exp,
			       bool syn, struct atcp_opts *out)
{
	if (!syn || (len & 1) ||
	    (len && (len < ATCP_TFO_COOKIE_MIN || len > ATCP_TFO_COOKIE_MAX)))
		return;
	out->tfo_ok = true;
	out->tfo.len = len;
	out->tfo.exp = exp;
	memcpy(out->tfo.val, p, len);
}

int atcp_opt_parse(const u8 *opt, unsigned int len, bool syn,
		   struct atcp_opts *out)
{
	unsigned int i = 0;

	/* the SACK length check below shifts and masks by the block size */
	BUILD_BUG_ON(ATCP_OPTLEN_SACK_BLOCK != 8);
	memset(out, 0, sizeof(*out));

	while (i < len) {
		unsigned int olen, n, b;
		const u8 *p;
		u8 kind = opt[i];
		u16 mss;

		if (kind == ATCP_OPT_EOL)
			break;
		if (kind == ATCP_OPT_NOP) {
			i++;
			continue;
		}
		if (len - i < 2)
			return ATCP_OPT_ETRUNC;
		olen = opt[i + 1];
		/* a length below 2 would loop forever or step backwards */
		if (olen < 2)
			return ATCP_OPT_ELEN;
		if (olen > len - i)
			return ATCP_OPT_ETRUNC;
		p = opt + i + 2;

		switch (kind) {
		case ATCP_OPT_MSS:
			if (olen != ATCP_OPTLEN_MSS)
				return ATCP_OPT_EMSS;
			/*
			 * RFC 9293 3.7.1: MSS is only sent on SYNs.  A zero
			 * MSS is useless and treated as absent, so the
			 * caller falls back to the default of 536.
			 */
			mss = get_unaligned_be16(p);
			if (syn && mss) {
				out->mss = mss;
				out->mss_ok = true;
			}
			break;
		case ATCP_OPT_WS:
			if (olen != ATCP_OPTLEN_WS)
				return ATCP_OPT_EWS;
			/* RFC 7323 2.2: only meaningful on a SYN */
			if (syn) {
				out->wscale = min_t(u8, p[0], ATCP_MAX_WSCALE);
				out->ws_ok = true;
			}
			break;
		case ATCP_OPT_SACKPERM:
			if (olen != ATCP_OPTLEN_SACKPERM)
				return ATCP_OPT_ESACKPERM;
			/* RFC 2018 2: only sent on a SYN */
			if (syn)
				out->sack_ok = true;
			break;
		case ATCP_OPT_TS:
			if (olen != ATCP_OPTLEN_TS)
				return ATCP_OPT_ETS;
			out->ts_ok = true;
			out->tsval = get_unaligned_be32(p);
			out->tsecr = get_unaligned_be32(p + 4);
			break;
		case ATCP_OPT_SACK:
			/* 8-byte blocks: shift and mask instead of divide */
			n = (olen - ATCP_OPTLEN_SACK_BASE) >> 3;
			if (!n || ((olen - ATCP_OPTLEN_SACK_BASE) & 7) ||
			    n > ATCP_MAX_SACKS)
				return ATCP_OPT_ESACK;
			/* a SYN acknowledges nothing, so blocks are noise */
			if (syn)
				break;
			for (b = 0; b < n; b++) {
				out->sacks[b].start = get_unaligned_be32(p);
				out->sacks[b].end = get_unaligned_be32(p + 4);
				p += ATCP_OPTLEN_SACK_BLOCK;
			}
			out->num_sacks = n;
			break;
		case ATCP_OPT_FASTOPEN:
			atcp_opt_parse_tfo(p, olen - ATCP_OPTLEN_FASTOPEN_BASE,
					   false, syn, out);
			break;
		case ATCP_OPT_EXP:
			/* other experiments share the kind: pass them by */
			if (olen >= ATCP_OPTLEN_EXP_FASTOPEN_BASE &&
			    get_unaligned_be16(p) == ATCP_OPT_FASTOPEN_MAGIC)
				atcp_opt_parse_tfo(p + 2, olen -
						   ATCP_OPTLEN_EXP_FASTOPEN_BASE,
						   true, syn, out);
			break;
		default:
			break;
		}
		i += olen;
	}
	return 0;
}

/* SACK blocks that fit next to the other options of a non-SYN segment */
unsigned int atcp_opt_max_sacks(bool ts_ok)
{
	/* 40 - 12 (NOP,NOP,TS) - 4 (NOP,NOP,kind,len) leaves 24 bytes */
	return ts_ok ? 3 : ATCP_MAX_SACKS;
}

/*
 * How many SACK blocks fit in @room bytes of header left over beyond the
 * timestamps: a full-sized data segment has none to spare, since the MSS
 * was sized for the timestamps alone, and a larger header would exceed
 * the path MTU (and be dropped, as every segment is sent with DF).
 */
unsigned int atcp_opt_sacks_fit(bool ts_ok, int room)
{
	/* NOP, NOP, kind, length, then 8 bytes per block */
	if (room < 4 + 8)
		return 0;
	return min_t(unsigned int, (room - 4) / 8, atcp_opt_max_sacks(ts_ok));
}

/* The bytes a Fast Open option takes, NOP padding included. */
static unsigned int atcp_opt_tfo_len(const struct atcp_tfo_cookie *c)
{
	unsigned int len = (c->exp ? ATCP_OPTLEN_EXP_FASTOPEN_BASE :
			    ATCP_OPTLEN_FASTOPEN_BASE) +
			   min_t(unsigned int, c->len, ATCP_TFO_COOKIE_MAX);

	return (len + 3) & ~3U;
}

static unsigned int atcp_opt_nsacks(const struct atcp_opts *o)
{
	return min_t(unsigned int, o->num_sacks, atcp_opt_max_sacks(o->ts_ok));
}

/*
 * Bytes atcp_opt_build_syn() (@syn) or atcp_opt_build() will write for
 * @o, so the caller can size the header before building it.
 */
unsigned int atcp_opt_len(const struct atcp_opts *o, bool syn)
{
	unsigned int len = 0, n;

	if (syn) {
		if (o->mss_ok)
			len += 4;
		/* SACK-permitted rides in the NOP slots before TS */
		if (o->ts_ok)
			len += 12;
		else if (o->sack_ok)
			len += 4;
		if (o->ws_ok)
			len += 4;
		if (o->tfo_ok)
			len += atcp_opt_tfo_len(&o->tfo);
		return len;
	}
	if (o->ts_ok)
		len += 12;
	n = atcp_opt_nsacks(o);
	if (n)
		len += 4 + n * ATCP_OPTLEN_SACK_BLOCK;
	return len;
}

static u8 *atcp_opt_put_ts(u8 *p, u8 first, u8 second,
			   const struct atcp_opts *o)
{
	p[0] = first;
	p[1] = second;
	p[2] = ATCP_OPT_TS;
	p[3] = ATCP_OPTLEN_TS;
	put_unaligned_be32(o->tsval, p + 4);
	put_unaligned_be32(o->tsecr, p + 8);
	return p + 12;
}

/*
 * Options of a SYN or SYN-ACK into @buf (at least ATCP_MAX_OPT_LEN bytes):
 * MSS | SACKPERM,TS (or NOP,NOP,TS) | NOP,WS | Fast Open, and
 * NOP,NOP,SACKPERM before the window scale when timestamps are off.  The
 * Fast Open option comes last, NOP-padded after its cookie, as Linux
 * lays it out.  Returns the length, a multiple of 4: at most 20 without
 * Fast Open, at most ATCP_MAX_OPT_LEN with it.
 */
unsigned int atcp_opt_build_syn(u8 *buf, const struct atcp_opts *o)
{
	u8 *p = buf;

	if (o->mss_ok) {
		p[0] = ATCP_OPT_MSS;
		p[1] = ATCP_OPTLEN_MSS;
		put_unaligned_be16(o->mss, p + 2);
		p += 4;
	}
	if (o->ts_ok) {
		if (o->sack_ok)
			p = atcp_opt_put_ts(p, ATCP_OPT_SACKPERM,
					    ATCP_OPTLEN_SACKPERM, o);
		else
			p = atcp_opt_put_ts(p, ATCP_OPT_NOP, ATCP_OPT_NOP, o);
	} else if (o->sack_ok) {
		p[0] = ATCP_OPT_NOP;
		p[1] = ATCP_OPT_NOP;
		p[2] = ATCP_OPT_SACKPERM;
		p[3] = ATCP_OPTLEN_SACKPERM;
		p += 4;
	}
	if (o->ws_ok) {
		p[0] = ATCP_OPT_NOP;
		p[1] = ATCP_OPT_WS;
		p[2] = ATCP_OPTLEN_WS;
		p[3] = min_t(u8, o->wscale, ATCP_MAX_WSCALE);
		p += 4;
	}
	if (o->tfo_ok) {
		unsigned int len = atcp_opt_tfo_len(&o->tfo);
		unsigned int cookie = min_t(unsigned int, o->tfo.len,
					    ATCP_TFO_COOKIE_MAX);
		u8 *c = p + ATCP_OPTLEN_FASTOPEN_BASE;

		if (o->tfo.exp) {
			p[0] = ATCP_OPT_EXP;
			p[1] = ATCP_OPTLEN_EXP_FASTOPEN_BASE + cookie;
			put_unaligned_be16(ATCP_OPT_FASTOPEN_MAGIC, p + 2);
			c = p + ATCP_OPTLEN_EXP_FASTOPEN_BASE;
		} else {
			p[0] = ATCP_OPT_FASTOPEN;
			p[1] = ATCP_OPTLEN_FASTOPEN_BASE + cookie;
		}
		memcpy(c, o->tfo.val, cookie);
		memset(c + cookie, ATCP_OPT_NOP, p + len - (c + cookie));
		p += len;
	}
	return p - buf;
}

/*
 * Options of any segment after the handshake into @buf (at least
 * ATCP_MAX_OPT_LEN bytes): NOP,NOP,TS then NOP,NOP,SACK.  Only the first
 * atcp_opt_max_sacks() blocks are sent; the caller orders them so the
 * most recent one comes first (RFC 2018 4).  MSS, window scale and
 * SACK-permitted are never sent here.  Returns the length, a multiple of
 * 4 and at most ATCP_MAX_OPT_LEN.
 */
unsigned int atcp_opt_build(u8 *buf, const struct atcp_opts *o)
{
	unsigned int n = atcp_opt_nsacks(o), b;
	u8 *p = buf;

	if (o->ts_ok)
		p = atcp_opt_put_ts(p, ATCP_OPT_NOP, ATCP_OPT_NOP, o);
	if (n) {
		p[0] = ATCP_OPT_NOP;
		p[1] = ATCP_OPT_NOP;
		p[2] = ATCP_OPT_SACK;
		p[3] = ATCP_OPTLEN_SACK_BASE + n * ATCP_OPTLEN_SACK_BLOCK;
		p += 4;
		for (b = 0; b < n; b++) {
			put_unaligned_be32(o->sacks[b].start, p);
			put_unaligned_be32(o->sacks[b].end, p + 4);
			p += ATCP_OPTLEN_SACK_BLOCK;
		}
	}
	return p - buf;
}

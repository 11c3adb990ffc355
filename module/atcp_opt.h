/* SPDX-License-Identifier: GPL-2.0 */
/*
 * atcp_opt.h - TCP option parsing and building (RFC 9293, 7323, 2018).
 *
 * Pure code: compiled into atcp.ko and into the user-space unit tests.
 */
#ifndef _ATCP_OPT_H
#define _ATCP_OPT_H

#include "atcp_compat.h"

/* the data offset field allows 60 header bytes, 20 of them fixed */
#define ATCP_MAX_OPT_LEN	40

#define ATCP_OPT_EOL		0
#define ATCP_OPT_NOP		1
#define ATCP_OPT_MSS		2
#define ATCP_OPT_WS		3
#define ATCP_OPT_SACKPERM	4
#define ATCP_OPT_SACK		5
#define ATCP_OPT_TS		8
#define ATCP_OPT_FASTOPEN	34	/* RFC 7413 */
#define ATCP_OPT_EXP		254	/* RFC 6994 experimental */

#define ATCP_OPTLEN_MSS		4
#define ATCP_OPTLEN_WS		3
#define ATCP_OPTLEN_SACKPERM	2
#define ATCP_OPTLEN_TS		10
#define ATCP_OPTLEN_SACK_BASE	2
#define ATCP_OPTLEN_SACK_BLOCK	8
#define ATCP_OPTLEN_FASTOPEN_BASE	2	/* kind, length */
#define ATCP_OPTLEN_EXP_FASTOPEN_BASE	4	/* kind, length, 0xF989 */

/* the experiment id of Fast Open in option 254, before RFC 7413 */
#define ATCP_OPT_FASTOPEN_MAGIC	0xF989

/* RFC 7413 4.1.1: a cookie is 4 to 16 bytes, an even number */
#define ATCP_TFO_COOKIE_MIN	4
#define ATCP_TFO_COOKIE_MAX	16

/* RFC 7323 section 2.3: a shift above 14 is treated as 14 */
#define ATCP_MAX_WSCALE		14

/* four blocks fill 34 of the 40 bytes; a fifth can never fit */
#define ATCP_MAX_SACKS		4

/*
 * Negative return codes of atcp_opt_parse().  Any of them means the
 * option area is malformed and the segment should be dropped.
 */
enum {
	ATCP_OPT_ETRUNC = -1,	/* length byte missing or option past end */
	ATCP_OPT_ELEN = -2,	/* length byte below 2 */
	ATCP_OPT_EMSS = -3,	/* MSS option length is not 4 */
	ATCP_OPT_EWS = -4,	/* window scale option length is not 3 */
	ATCP_OPT_ESACKPERM = -5, /* SACK-permitted option length is not 2 */
	ATCP_OPT_ETS = -6,	/* timestamp option length is not 10 */
	ATCP_OPT_ESACK = -7,	/* SACK option length is not 2 + 8n, n 1..4 */
};

/*
 * A Fast Open option (RFC 7413 4.1.1): @len 0 asks for a cookie, 4 to 16
 * carries one.  @exp: in the experimental option 254 with magic 0xF989,
 * which Linux understands too and older clients send.
 */
struct atcp_tfo_cookie {
	u8 len;
	bool exp;
	u8 val[ATCP_TFO_COOKIE_MAX];
};

struct atcp_sack_block {
	u32 start;
	u32 end;
};

/*
 * Options of one segment, in host byte order.  The *_ok flags say which
 * options were present (parse) or are to be sent (build); a value whose
 * flag is false is meaningless.
 */
struct atcp_opts {
	u16 mss;
	u8 wscale;
	bool mss_ok;
	bool ws_ok;
	bool sack_ok;		/* SACK-permitted */
	bool ts_ok;
	u32 tsval;
	u32 tsecr;
	u8 num_sacks;
	struct atcp_sack_block sacks[ATCP_MAX_SACKS];
	bool tfo_ok;		/* a Fast Open option, SYN and SYN-ACK only */
	struct atcp_tfo_cookie tfo;
};

int atcp_opt_parse(const u8 *opt, unsigned int len, bool syn,
		   struct atcp_opts *out);

unsigned int atcp_opt_max_sacks(bool ts_ok);
unsigned int atcp_opt_sacks_fit(bool ts_ok, int room);
unsigned int atcp_opt_len(const struct atcp_opts *o, bool syn);
unsigned int atcp_opt_build_syn(u8 *buf, const struct atcp_opts *o);
unsigned int atcp_opt_build(u8 *buf, const struct atcp_opts *o);

#endif /* _ATCP_OPT_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * atcp_cookie.h - atcp's SYN cookies and RFC 6528 initial sequence numbers.
 *
 * Pure code: compiled into atcp.ko and into the user-space unit tests.
 * The caller owns the keys, the clock and the connection table; these
 * functions only compute and check numbers.
 */
#ifndef _ATCP_COOKIE_H
#define _ATCP_COOKIE_H

#include "atcp_compat.h"

/*
 * The hash input naming a connection.  Both addresses are 16 bytes; IPv4
 * addresses are stored IPv4-mapped (::ffff:a.b.c.d) so one layout and one
 * hash serve both families.  Ports stay in network byte order, as they
 * are in the TCP header, so the glue copies them without conversion.
 *
 * Orientation: saddr/sport is always the peer and daddr/dport always the
 * local end, which is how a received SYN and the ACK answering our
 * SYN-ACK both read.  Active opens use the same orientation for
 * atcp_isn(), so every incarnation of a 4-tuple gets the same hash.
 *
 * @zero must be 0: the whole struct is hashed, and the padding keeps it
 * a multiple of 8 bytes with no compiler-inserted holes.  The
 * atcp_cookie_tuple_v4/v6() helpers fill it completely.
 */
struct atcp_cookie_tuple {
	u8 saddr[16];
	u8 daddr[16];
	__be16 sport;
	__be16 dport;
	u32 zero;
};

/* coarse cookie clock: 64-second ticks */
#define ATCP_COOKIE_TICK_SHIFT	6

/*
 * Oldest accepted counter age in ticks.  A cookie minted at any moment of
 * tick t stays valid through tick t + 1, so it lives between 64 and 128
 * seconds, close to the 2 minutes Linux allows.
 */
#define ATCP_COOKIE_MAX_AGE	1

/* negative results of atcp_cookie_check() */
enum {
	ATCP_COOKIE_EBADHASH = -1,	/* MAC mismatch: forged or mangled */
	ATCP_COOKIE_ESTALE = -2,	/* minted more than MAX_AGE ticks ago */
	ATCP_COOKIE_EFUTURE = -3,	/* minted in a tick not yet reached */
};

#define ATCP_COOKIE_MSS_SLOTS	4

/* the low 6 bits of a cookie TSval carry the SYN's options */
#define ATCP_COOKIE_TS_BITS	6
#define ATCP_COOKIE_TS_MASK	((1U << ATCP_COOKIE_TS_BITS) - 1)

void atcp_cookie_tuple_v4(struct atcp_cookie_tuple *t, __be32 saddr,
			  __be32 daddr, __be16 sport, __be16 dport);
void atcp_cookie_tuple_v6(struct atcp_cookie_tuple *t, const u8 *saddr,
			  const u8 *daddr, __be16 sport, __be16 dport);

u32 atcp_cookie_counter(u64 seconds);

u8 atcp_cookie_mss_idx(u16 mss, bool ipv6);
u16 atcp_cookie_mss(u8 mss_idx, bool ipv6);

u32 atcp_cookie_make(const siphash_key_t *key,
		     const struct atcp_cookie_tuple *t, u32 client_isn,
		     u32 counter, u8 mss_idx);
int atcp_cookie_check(const siphash_key_t *key,
		      const struct atcp_cookie_tuple *t, u32 client_isn,
		      u32 cookie, u32 now_counter, u8 *mss_idx_out);

u32 atcp_cookie_ts_encode(u32 tsval, u8 wscale, bool ws_ok, bool sack_ok,
			  bool ecn_ok);
void atcp_cookie_ts_decode(u32 tsecr, u8 *wscale, bool *ws_ok,
			   bool *sack_ok, bool *ecn_ok);

u32 atcp_isn(const siphash_key_t *key, const struct atcp_cookie_tuple *t,
	     u64 clock_ns);

/*
 * Fast Open cookies (RFC 7413), made as Linux 6.1 makes them, so that a
 * key moved between the two stacks keeps its clients' cookies valid: the
 * SipHash of the client's and the server's address (8 or 32 bytes, in
 * that order), under a 16-byte key, in 8 bytes little-endian.  A key is
 * written as Linux's tcp_fastopen_key shows it: four 32-bit words in hex,
 * "%08x-%08x-%08x-%08x", each stored little-endian; a second key after a
 * comma is the backup, whose cookies are still accepted.
 */
#define ATCP_TFO_KEY_LEN	16
#define ATCP_TFO_KEYS_MAX	2
#define ATCP_TFO_COOKIE_SIZE	8

void atcp_tfo_key_expand(siphash_key_t *k, const u8 *key);
void atcp_tfo_cookie_make(const siphash_key_t *k, const u8 *addrs,
			  unsigned int len, u8 *cookie);
int atcp_tfo_keys_parse(const char *s,
			u8 keys[ATCP_TFO_KEYS_MAX][ATCP_TFO_KEY_LEN]);

#endif /* _ATCP_COOKIE_H */

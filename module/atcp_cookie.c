// SPDX-License-Identifier: GPL-2.0
/*
 * atcp_cookie.c - atcp's SYN cookies, Fast Open cookies and RFC 6528 ISNs.
 *
 * A SYN cookie lets a listener under SYN flood answer with a SYN-ACK and
 * keep no state: everything needed to build the connection later is
 * folded into our ISN, and the ACK completing the handshake brings it
 * back as ack_seq - 1.
 *
 * Cookie layout.  With H0 = low 32 bits of siphash(tuple, "whiten") and
 *
 *	W = cnt << 27 | mss << 25 | mac
 *
 *	bits 31..27  cnt: low 5 bits of the 64 s counter at minting time
 *	bits 26..25  mss: index into the family's MSS table
 *	bits 24..0   mac: low 25 bits of
 *		     siphash(tuple, "mac", client_isn, full counter, mss)
 *
 * the cookie is client_isn + H0 + W (mod 2^32).
 *
 * H0 depends only on the tuple and the key, so the checker can subtract
 * it (and the client ISN, which the ACK carries as seq - 1) to get W back
 * and read cnt and mss in the clear.  Adding H0 makes the whole 32-bit
 * ISN look random to anyone without the key, as RFC 6528 wants; W alone
 * would leak the clock in its top bits.
 *
 * cnt only needs enough bits to tell the accepted ages 0..MAX_AGE from
 * everything else; the MAC covers the full counter, reconstructed as
 * now - age, so a cookie from 32 ticks ago whose cnt aliases a fresh one
 * still fails.  The MAC also covers the client ISN and the MSS index, so
 * shifting the ACK's sequence number or editing the MSS bits breaks it.
 * 25 MAC bits leave a blind forger a 2^-25 chance per guess.
 *
 * A valid cookie stays valid for its whole lifetime and checks fine every
 * time it comes back: replayed ACKs are caught by the glue, which finds
 * the connection already in its table and never gets here.
 */
#include "atcp_cookie.h"
#include "atcp_opt.h"
#include "atcp_seq.h"

#define ATCP_COOKIE_CNT_BITS	5
#define ATCP_COOKIE_CNT_SHIFT	27
#define ATCP_COOKIE_MSS_SHIFT	25
#define ATCP_COOKIE_MAC_MASK	((1U << ATCP_COOKIE_MSS_SHIFT) - 1)
#define ATCP_COOKIE_CNT_MASK	((1U << ATCP_COOKIE_CNT_BITS) - 1)
/* ages up to this read as stale, beyond it as minted in the future */
#define ATCP_COOKIE_STALE_MAX	(ATCP_COOKIE_CNT_MASK >> 1)

/* hash domains, so one key can never make two uses collide */
enum {
	ATCP_HASH_WHITEN = 1,
	ATCP_HASH_MAC = 2,
	ATCP_HASH_ISN = 3,
};

/* everything fed to siphash: fixed size, every byte set explicitly */
struct atcp_cookie_hin {
	struct atcp_cookie_tuple t;
	u32 domain;
	u32 client_isn;
	u32 counter;
	u32 mss_idx;
};

/*
 * Values an MSS is rounded down to, smallest first, so the 2-bit index
 * costs at most a few percent of throughput.
 *
 * IPv4: 536 is the RFC 9293 default every host must accept, 1300 covers
 * VPN and tunnel paths of about 1340 bytes MTU, 1440 covers PPPoE and
 * similar 1480-1492 byte links, 1460 is plain 1500 byte Ethernet.
 *
 * IPv6: 1220 follows from the 1280 byte minimum IPv6 MTU, 1420 from
 * 6in4 and other 1480 byte tunnels, 1440 from Ethernet, and 8940 from
 * 9000 byte jumbo frames, common in data centres where IPv6-only
 * fabrics carry most of their bulk traffic.
 */
static const u16 atcp_cookie_mss_v4[ATCP_COOKIE_MSS_SLOTS] = {
	536, 1300, 1440, 1460,
};

static const u16 atcp_cookie_mss_v6[ATCP_COOKIE_MSS_SLOTS] = {
	1220, 1420, 1440, 8940,
};

void atcp_cookie_tuple_v4(struct atcp_cookie_tuple *t, __be32 saddr,
			  __be32 daddr, __be16 sport, __be16 dport)
{
	memset(t, 0, sizeof(*t));
	t->saddr[10] = 0xff;
	t->saddr[11] = 0xff;
	memcpy(&t->saddr[12], &saddr, 4);
	t->daddr[10] = 0xff;
	t->daddr[11] = 0xff;
	memcpy(&t->daddr[12], &daddr, 4);
	t->sport = sport;
	t->dport = dport;
}

void atcp_cookie_tuple_v6(struct atcp_cookie_tuple *t, const u8 *saddr,
			  const u8 *daddr, __be16 sport, __be16 dport)
{
	memset(t, 0, sizeof(*t));
	memcpy(t->saddr, saddr, 16);
	memcpy(t->daddr, daddr, 16);
	t->sport = sport;
	t->dport = dport;
}

/* The cookie counter for a monotonic clock reading in seconds. */
u32 atcp_cookie_counter(u64 seconds)
{
	return (u32)(seconds >> ATCP_COOKIE_TICK_SHIFT);
}

/* Index of the largest table MSS not above @mss; 0 if all are above. */
u8 atcp_cookie_mss_idx(u16 mss, bool ipv6)
{
	const u16 *tab = ipv6 ? atcp_cookie_mss_v6 : atcp_cookie_mss_v4;
	u8 i;

	for (i = ATCP_COOKIE_MSS_SLOTS - 1; i > 0; i--)
		if (mss >= tab[i])
			break;
	return i;
}

/* The MSS an index stands for; 0 for an index out of range. */
u16 atcp_cookie_mss(u8 mss_idx, bool ipv6)
{
	const u16 *tab = ipv6 ? atcp_cookie_mss_v6 : atcp_cookie_mss_v4;

	if (mss_idx >= ATCP_COOKIE_MSS_SLOTS)
		return 0;
	return tab[mss_idx];
}

static u64 atcp_cookie_hash(const siphash_key_t *key,
			    const struct atcp_cookie_tuple *t, u32 domain,
			    u32 client_isn, u32 counter, u32 mss_idx)
{
	struct atcp_cookie_hin in;

	/* no hidden padding: every hashed byte is one written below */
	BUILD_BUG_ON(sizeof(struct atcp_cookie_tuple) != 40);
	BUILD_BUG_ON(sizeof(struct atcp_cookie_hin) != 56);

	memcpy(&in.t, t, sizeof(in.t));
	in.t.zero = 0;
	in.domain = domain;
	in.client_isn = client_isn;
	in.counter = counter;
	in.mss_idx = mss_idx;
	return siphash(&in, sizeof(in), key);
}

static u32 atcp_cookie_mac(const siphash_key_t *key,
			   const struct atcp_cookie_tuple *t, u32 client_isn,
			   u32 counter, u32 mss_idx)
{
	return (u32)atcp_cookie_hash(key, t, ATCP_HASH_MAC, client_isn,
				     counter, mss_idx) & ATCP_COOKIE_MAC_MASK;
}

static u32 atcp_cookie_whiten(const siphash_key_t *key,
			      const struct atcp_cookie_tuple *t)
{
	return (u32)atcp_cookie_hash(key, t, ATCP_HASH_WHITEN, 0, 0, 0);
}

/*
 * The ISN of a SYN-ACK sent as a cookie.  @counter is
 * atcp_cookie_counter() of now; @mss_idx is atcp_cookie_mss_idx() of the
 * SYN's MSS and only its low 2 bits are used.
 */
u32 atcp_cookie_make(const siphash_key_t *key,
		     const struct atcp_cookie_tuple *t, u32 client_isn,
		     u32 counter, u8 mss_idx)
{
	u32 idx = mss_idx & (ATCP_COOKIE_MSS_SLOTS - 1);
	u32 w;

	BUILD_BUG_ON(ATCP_COOKIE_MSS_SLOTS != 1 << (ATCP_COOKIE_CNT_SHIFT -
						  ATCP_COOKIE_MSS_SHIFT));
	/* the age test needs room for more than the accepted ages */
	BUILD_BUG_ON(ATCP_COOKIE_MAX_AGE >= ATCP_COOKIE_STALE_MAX);

	w = (counter & ATCP_COOKIE_CNT_MASK) << ATCP_COOKIE_CNT_SHIFT |
	    idx << ATCP_COOKIE_MSS_SHIFT |
	    atcp_cookie_mac(key, t, client_isn, counter, idx);
	return client_isn + atcp_cookie_whiten(key, t) + w;
}

/*
 * Check the cookie an ACK returns (@cookie = ack_seq - 1, @client_isn =
 * seq - 1) at counter @now_counter.  On success stores the MSS index and
 * returns 0.  Otherwise returns ATCP_COOKIE_E* and leaves @mss_idx_out
 * alone.  The counter field holds only 5 bits, so ages of 16 ticks or
 * more alias to the future: such cookies are still rejected, only the
 * reason given is EFUTURE rather than ESTALE.
 */
int atcp_cookie_check(const siphash_key_t *key,
		      const struct atcp_cookie_tuple *t, u32 client_isn,
		      u32 cookie, u32 now_counter, u8 *mss_idx_out)
{
	u32 w = cookie - client_isn - atcp_cookie_whiten(key, t);
	u32 age, idx;

	age = (now_counter - (w >> ATCP_COOKIE_CNT_SHIFT)) &
	      ATCP_COOKIE_CNT_MASK;
	if (age > ATCP_COOKIE_MAX_AGE)
		return age <= ATCP_COOKIE_STALE_MAX ? ATCP_COOKIE_ESTALE :
						      ATCP_COOKIE_EFUTURE;

	idx = (w >> ATCP_COOKIE_MSS_SHIFT) & (ATCP_COOKIE_MSS_SLOTS - 1);
	if ((w & ATCP_COOKIE_MAC_MASK) !=
	    atcp_cookie_mac(key, t, client_isn, now_counter - age, idx))
		return ATCP_COOKIE_EBADHASH;

	*mss_idx_out = idx;
	return 0;
}

#define ATCP_COOKIE_TS_WS_NONE	0xfU
#define ATCP_COOKIE_TS_SACK	0x10U
#define ATCP_COOKIE_TS_ECN	0x20U

/*
 * The TSval to send in a cookie SYN-ACK: the clock @tsval with its low 6
 * bits replaced by the SYN's window scale (4 bits, 0xf for none),
 * SACK-permitted and ECN.  The peer echoes it in the TSecr of its ACK,
 * so the options survive without state.  When the replacement would push
 * TSval past the real clock it is taken from the previous 64-tick step
 * instead: a TSval from the future would make our next genuine ones look
 * old to the peer's PAWS check.
 */
u32 atcp_cookie_ts_encode(u32 tsval, u8 wscale, bool ws_ok, bool sack_ok,
			  bool ecn_ok)
{
	u32 opts, ts;

	if (ws_ok)
		opts = min_t(u32, wscale, ATCP_MAX_WSCALE);
	else
		opts = ATCP_COOKIE_TS_WS_NONE;
	if (sack_ok)
		opts |= ATCP_COOKIE_TS_SACK;
	if (ecn_ok)
		opts |= ATCP_COOKIE_TS_ECN;

	ts = (tsval & ~ATCP_COOKIE_TS_MASK) | opts;
	if (atcp_seq_after(ts, tsval))
		ts -= 1U << ATCP_COOKIE_TS_BITS;
	return ts;
}

/*
 * Recover the options from the TSecr of the ACK completing a cookie
 * handshake.  The caller only does this when that ACK carries a timestamp
 * option; without one the connection runs without window scaling, SACK
 * and ECN.  The bits are not covered by the cookie MAC: a client lying
 * here only misstates its own capabilities.
 */
void atcp_cookie_ts_decode(u32 tsecr, u8 *wscale, bool *ws_ok,
			   bool *sack_ok, bool *ecn_ok)
{
	u32 ws = tsecr & ATCP_COOKIE_TS_WS_NONE;

	*ws_ok = ws != ATCP_COOKIE_TS_WS_NONE;
	*wscale = *ws_ok ? ws : 0;
	*sack_ok = tsecr & ATCP_COOKIE_TS_SACK;
	*ecn_ok = tsecr & ATCP_COOKIE_TS_ECN;
}

/*
 * RFC 6528 ISN: a secret hash of the connection plus a clock ticking
 * every 64 ns, so new incarnations of one 4-tuple start above the old
 * sequence space while other tuples' ISNs stay unguessable.  The counter
 * wraps every 2^32 * 64 ns, about 275 s.  @clock_ns is a monotonic clock.
 */
u32 atcp_isn(const siphash_key_t *key, const struct atcp_cookie_tuple *t,
	     u64 clock_ns)
{
	return (u32)atcp_cookie_hash(key, t, ATCP_HASH_ISN, 0, 0, 0) +
	       (u32)(clock_ns >> 6);
}

void atcp_tfo_key_expand(siphash_key_t *k, const u8 *key)
{
	k->key[0] = get_unaligned_le64(key);
	k->key[1] = get_unaligned_le64(key + 8);
}

void atcp_tfo_cookie_make(const siphash_key_t *k, const u8 *addrs,
			  unsigned int len, u8 *cookie)
{
	put_unaligned_le64(siphash(addrs, len, k), cookie);
}

static int atcp_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * One word of a key at *@s: an optional 0x, then one to eight hex digits
 * (Linux's sscanf would cut a longer one to 32 bits; refusing it is
 * kinder than using a key the user did not write).
 */
static bool atcp_tfo_word_parse(const char **s, u32 *word)
{
	const char *p = *s;
	unsigned int n = 0;
	int d;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
	    atcp_hex_digit(p[2]) >= 0)
		p += 2;
	*word = 0;
	while ((d = atcp_hex_digit(*p)) >= 0) {
		if (++n > 8)
			return false;
		*word = *word << 4 | d;
		p++;
	}
	*s = p;
	return n > 0;
}

/*
 * Parse @s, "k-k-k-k" or "k-k-k-k,k-k-k-k" with trailing white space
 * allowed, into @keys: the number of keys, or -1 when @s is not that.
 */
int atcp_tfo_keys_parse(const char *s,
			u8 keys[ATCP_TFO_KEYS_MAX][ATCP_TFO_KEY_LEN])
{
	int n, i;
	u32 w;

	for (n = 0; n < ATCP_TFO_KEYS_MAX; n++) {
		for (i = 0; i < ATCP_TFO_KEY_LEN / 4; i++) {
			if (i && *s++ != '-')
				return -1;
			if (!atcp_tfo_word_parse(&s, &w))
				return -1;
			put_unaligned_le32(w, keys[n] + 4 * i);
		}
		if (*s != ',')
			break;
		s++;
	}
	if (n == ATCP_TFO_KEYS_MAX)
		return -1;
	while (*s == ' ' || *s == '\t' || *s == '\n')
		s++;
	return *s ? -1 : n + 1;
}

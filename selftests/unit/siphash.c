// SPDX-License-Identifier: GPL-2.0
/*
 * siphash.c - user-space SipHash-2-4 with the kernel's siphash() contract,
 * for the unit tests and fuzzers that link atcp's pure code.
 *
 * The kernel reads the key as two u64 words and the message as
 * little-endian 64-bit words followed by a tail whose last byte holds the
 * message length mod 256; it returns the 64-bit result as a u64.  This
 * file does the same byte by byte, so it runs on any host endianness and
 * any data alignment.
 */
#include "atcp_compat.h"

static inline u64 sip_rotl(u64 x, unsigned int b)
{
	return (x << b) | (x >> (64 - b));
}

static inline u64 sip_le64(const u8 *p)
{
	u64 v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static inline void sip_round(u64 v[4])
{
	v[0] += v[1];
	v[1] = sip_rotl(v[1], 13) ^ v[0];
	v[0] = sip_rotl(v[0], 32);
	v[2] += v[3];
	v[3] = sip_rotl(v[3], 16) ^ v[2];
	v[0] += v[3];
	v[3] = sip_rotl(v[3], 21) ^ v[0];
	v[2] += v[1];
	v[1] = sip_rotl(v[1], 17) ^ v[2];
	v[2] = sip_rotl(v[2], 32);
}

/* one message word: two compression rounds (the "2" of SipHash-2-4) */
static inline void sip_compress(u64 v[4], u64 m)
{
	v[3] ^= m;
	sip_round(v);
	sip_round(v);
	v[0] ^= m;
}

u64 siphash(const void *data, size_t len, const siphash_key_t *key)
{
	/* "somepseudorandomlygeneratedbytes" as four words */
	u64 v[4] = {
		0x736f6d6570736575ULL ^ key->key[0],
		0x646f72616e646f6dULL ^ key->key[1],
		0x6c7967656e657261ULL ^ key->key[0],
		0x7465646279746573ULL ^ key->key[1],
	};
	const u8 *p = data;
	size_t left = len;
	u64 m;
	int i;

	for (; left >= 8; left -= 8, p += 8)
		sip_compress(v, sip_le64(p));

	/* final block: remaining bytes low, length in the top byte */
	m = (u64)(len & 0xff) << 56;
	for (i = (int)left - 1; i >= 0; i--)
		m |= (u64)p[i] << (8 * i);
	sip_compress(v, m);

	/* four finalization rounds (the "4") */
	v[2] ^= 0xff;
	for (i = 0; i < 4; i++)
		sip_round(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}

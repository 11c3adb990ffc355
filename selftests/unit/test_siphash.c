// SPDX-License-Identifier: GPL-2.0
/*
 * test_siphash.c - the user-space siphash() against the SipHash-2-4
 * reference vectors: key 00 01 .. 0f, message i bytes 00 01 .. i-1.
 */
#include "atcp_compat.h"
#include "tap.h"

/* SipHash-2-4 64-bit outputs for message lengths 0..15, as u64 values */
static const u64 vectors[16] = {
	0x726fdb47dd0e0e31ULL, 0x74f839c593dc67fdULL,
	0x0d6c8009d9a94f5aULL, 0x85676696d7fb7e2dULL,
	0xcf2794e0277187b7ULL, 0x18765564cd99a68dULL,
	0xcbc9466e58fee3ceULL, 0xab0200f58b01d137ULL,
	0x93f5f5799a932462ULL, 0x9e0082df0ba9e4b0ULL,
	0x7a5dbbc594ddb9f3ULL, 0xf4b32f46226bada7ULL,
	0x751e8fbc860ee5fbULL, 0x14ea5627c0843d90ULL,
	0xf723ca908e7af2eeULL, 0xa129ca6149be45e5ULL,
};

int main(void)
{
	/* the kernel reads key bytes 00..07 and 08..0f as little-endian */
	const siphash_key_t key = {
		{ 0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL }
	};
	siphash_key_t other = key;
	u8 msg[64], shifted[64 + 1];
	unsigned int i;
	u64 h;

	for (i = 0; i < sizeof(msg); i++)
		msg[i] = i;

	for (i = 0; i < ARRAY_SIZE(vectors); i++) {
		h = siphash(msg, i, &key);
		tap_ok(h == vectors[i], "vector %u: %016llx", i,
		       (unsigned long long)h);
	}

	/* unaligned input must hash the same bytes the same way */
	for (i = 0; i < ARRAY_SIZE(vectors); i++) {
		memcpy(shifted + 1, msg, i);
		if (siphash(shifted + 1, i, &key) != vectors[i])
			break;
	}
	tap_ok(i == ARRAY_SIZE(vectors), "unaligned input hashes identically");

	/* a different key gives a different result */
	other.key[1] ^= 1;
	tap_ok(siphash(msg, 0, &other) != vectors[0], "key bit matters");

	/* long input is deterministic and length-sensitive */
	tap_ok(siphash(msg, 64, &key) == siphash(msg, 64, &key) &&
	       siphash(msg, 64, &key) != siphash(msg, 63, &key),
	       "64-byte input deterministic and length-sensitive");

	return tap_finish();
}

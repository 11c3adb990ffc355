// SPDX-License-Identifier: GPL-2.0
/*
 * copy-speed - how fast this CPU (or this emulator) copies 64 kB two ways:
 * with "rep movsb", as the kernel's copy_user_enhanced_fast_string()
 * does, and with a 64-bit loop that also sums what it copies, as
 * csum_partial_copy_generic() does.  Under QEMU's TCG the first is the
 * slower; on hardware the second (Documentation/bench.rst).
 *
 *   make scripts/copy-speed && scripts/copy-speed
 *   scripts/vm-run --no-module -- scripts/copy-speed
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LEN	(64 * 1024)
#define ROUNDS	20000

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static void copy_rep_movsb(void *dst, const void *src, size_t len)
{
	asm volatile("rep movsb" : "+D"(dst), "+S"(src), "+c"(len) : : "memory");
}

/* Copy @len bytes (a multiple of 32) and return their 64-bit sum. */
static uint64_t copy_and_sum(uint64_t *dst, const uint64_t *src, size_t len)
{
	unsigned __int128 sum = 0;
	size_t i;

	for (i = 0; i < len / 8; i += 4) {
		uint64_t a = src[i], b = src[i + 1];
		uint64_t c = src[i + 2], d = src[i + 3];

		dst[i] = a;
		dst[i + 1] = b;
		dst[i + 2] = c;
		dst[i + 3] = d;
		sum += a;
		sum += b;
		sum += c;
		sum += d;
	}
	return (uint64_t)sum + (uint64_t)(sum >> 64);
}

int main(void)
{
	char *src = aligned_alloc(64, LEN), *dst = aligned_alloc(64, LEN);
	volatile uint64_t sink = 0;
	double t, movsb, summed;
	int i;

	if (!src || !dst)
		return 1;
	memset(src, 1, LEN);
	t = now();
	for (i = 0; i < ROUNDS; i++) {
		copy_rep_movsb(dst, src, LEN);
		asm volatile("" : : "r"(dst) : "memory");
	}
	movsb = now() - t;
	t = now();
	for (i = 0; i < ROUNDS; i++)
		sink += copy_and_sum((uint64_t *)dst, (const uint64_t *)src,
				     LEN);
	summed = now() - t;
	printf("rep movsb: %.2f GB/s; copy and sum: %.2f GB/s\n",
	       (double)LEN * ROUNDS / movsb / 1e9,
	       (double)LEN * ROUNDS / summed / 1e9);
	return 0;
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * atcp_seq.h - wrap-safe 32-bit TCP sequence number arithmetic.
 *
 * Sequence numbers live on a circle of 2^32 values, so "before" and
 * "after" only make sense for two numbers less than 2^31 apart: the
 * difference is taken modulo 2^32 and read as a signed value; at exactly
 * 2^31 apart each number reads as before the other.  Every
 * comparison of sequence numbers, acknowledgment numbers and timestamps
 * in atcp goes through these helpers, never through plain < or >.
 */
#ifndef _ATCP_SEQ_H
#define _ATCP_SEQ_H

#include "atcp_compat.h"

/* true when @a comes strictly before @b on the sequence circle */
static inline bool atcp_seq_before(u32 a, u32 b)
{
	return (s32)(a - b) < 0;
}

/* true when @a comes strictly after @b on the sequence circle */
static inline bool atcp_seq_after(u32 a, u32 b)
{
	return atcp_seq_before(b, a);
}

/*
 * true when lo <= seq <= hi modulo 2^32.  Measuring both distances from
 * @lo turns the circular test into one unsigned comparison, which also
 * stays correct when the window [lo, hi] straddles the wrap point.  The
 * caller passes the window in sequence order; lo == hi is the window of
 * one value.
 */
static inline bool atcp_seq_between(u32 seq, u32 lo, u32 hi)
{
	return seq - lo <= hi - lo;
}

/* the earlier of @a and @b in sequence space */
static inline u32 atcp_seq_min(u32 a, u32 b)
{
	return atcp_seq_before(a, b) ? a : b;
}

/* the later of @a and @b in sequence space */
static inline u32 atcp_seq_max(u32 a, u32 b)
{
	return atcp_seq_after(a, b) ? a : b;
}

#endif /* _ATCP_SEQ_H */

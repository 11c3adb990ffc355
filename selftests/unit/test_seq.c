// SPDX-License-Identifier: GPL-2.0
/*
 * test_seq.c - wrap-safe sequence arithmetic around 0, 2^31 and 2^32.
 */
#include "atcp_seq.h"
#include "tap.h"

int main(void)
{
	/* plain ordering away from any wrap */
	tap_ok(atcp_seq_before(1, 2), "1 before 2");
	tap_ok(!atcp_seq_before(2, 1), "2 not before 1");
	tap_ok(!atcp_seq_before(5, 5), "5 not before itself");
	tap_ok(!atcp_seq_after(5, 5), "5 not after itself");
	tap_ok(atcp_seq_after(2, 1), "2 after 1");

	/* across the 2^32 wrap */
	tap_ok(atcp_seq_before(0xffffffffU, 0), "0xffffffff before 0");
	tap_ok(atcp_seq_after(0, 0xffffffffU), "0 after 0xffffffff");
	tap_ok(atcp_seq_before(0xfffffff0U, 0x10), "0xfffffff0 before 0x10");
	tap_ok(atcp_seq_after(0x10, 0xfffffff0U), "0x10 after 0xfffffff0");

	/* the half-circle edge: 2^31 - 1 ahead is after, 2^31 ambiguous */
	tap_ok(atcp_seq_after(0x7fffffffU, 0), "2^31-1 after 0");
	tap_ok(atcp_seq_before(0, 0x7fffffffU), "0 before 2^31-1");
	tap_ok(atcp_seq_before(0x80000000U, 0), "2^31 ahead reads as before");
	tap_ok(atcp_seq_before(0, 0x80000000U),
	       "exactly 2^31 apart: each reads as before the other");
	tap_ok(atcp_seq_after(0x80000001U, 1) == atcp_seq_after(0x80000000U, 0),
	       "half-circle result shift-invariant");

	/* between, including windows straddling the wrap */
	tap_ok(atcp_seq_between(5, 5, 10), "lo is inside");
	tap_ok(atcp_seq_between(10, 5, 10), "hi is inside");
	tap_ok(atcp_seq_between(7, 5, 10), "middle is inside");
	tap_ok(!atcp_seq_between(4, 5, 10), "lo-1 is outside");
	tap_ok(!atcp_seq_between(11, 5, 10), "hi+1 is outside");
	tap_ok(atcp_seq_between(0xfffffffeU, 0xfffffff0U, 0x10),
	       "wrapping window: below wrap inside");
	tap_ok(atcp_seq_between(0, 0xfffffff0U, 0x10),
	       "wrapping window: 0 inside");
	tap_ok(atcp_seq_between(0x10, 0xfffffff0U, 0x10),
	       "wrapping window: hi inside");
	tap_ok(!atcp_seq_between(0x11, 0xfffffff0U, 0x10),
	       "wrapping window: hi+1 outside");
	tap_ok(!atcp_seq_between(0xffffffefU, 0xfffffff0U, 0x10),
	       "wrapping window: lo-1 outside");
	tap_ok(atcp_seq_between(42, 42, 42), "one-value window holds it");
	tap_ok(!atcp_seq_between(43, 42, 42), "one-value window only it");

	/* min and max follow sequence order, not integer order */
	tap_ok(atcp_seq_min(0xffffffffU, 1) == 0xffffffffU, "min across wrap");
	tap_ok(atcp_seq_max(0xffffffffU, 1) == 1, "max across wrap");
	tap_ok(atcp_seq_min(3, 9) == 3 && atcp_seq_max(3, 9) == 9,
	       "min/max without wrap");
	tap_ok(atcp_seq_min(7, 7) == 7 && atcp_seq_max(7, 7) == 7,
	       "min/max of equal values");

	return tap_finish();
}

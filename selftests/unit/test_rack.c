// SPDX-License-Identifier: GPL-2.0
/*
 * test_rack.c - RACK loss detection (RFC 8985) on hand-made timelines.
 *
 * Segments of 1000 bytes from sequence 1000; times in microseconds.
 */
#include "atcp_rack.h"
#include "tap.h"

#define SEG(i)	(1000U + 1000U * (i))	/* end_seq of segment i (0-based) */

static void test_time_rule(void)
{
	struct atcp_rack r;
	u32 wait, wnd;

	atcp_rack_init(&r, 1000);
	tap_ok(!atcp_rack_lost(&r, 0, SEG(0), 0, 500000, &wait) && !wait,
	       "nothing delivered: nothing lost, nothing to wait for");

	/* segments 0..3 sent at t = 0, 10, 20, 30; segment 2 SACKed at 50010 */
	tap_ok(atcp_rack_delivered(&r, 20, SEG(2), false, 50020, 0),
	       "a delivery advances RACK");
	atcp_rack_ack_done(&r);
	tap_ok(r.rtt_us == 50000 && r.xmit_us == 20 && r.end_seq == SEG(2) &&
	       r.fack == SEG(2) && !r.reord,
	       "RACK holds the delivery's send time, end and RTT");

	/* min RTT 40 ms: a quarter is 10 ms, SRTT caps it */
	wnd = atcp_rack_reo_wnd(&r, 40000, 45000, false, false,
				ATCP_RACK_LOSS_DETECTION);
	tap_ok(wnd == 10000, "reo_wnd: min RTT / 4 (%u)", wnd);
	tap_ok(atcp_rack_reo_wnd(&r, 40000, 5000, false, false, 1) == 5000,
	       "reo_wnd: never above SRTT");
	tap_ok(atcp_rack_reo_wnd(&r, 40000, 45000, true, false, 1) == 0 &&
	       atcp_rack_reo_wnd(&r, 40000, 45000, false, true, 1) == 0,
	       "no reordering seen: none in recovery or past dupthresh");
	tap_ok(atcp_rack_reo_wnd(&r, 40000, 45000, false, true,
				 ATCP_RACK_LOSS_DETECTION |
				 ATCP_RACK_NO_DUPTHRESH) == 10000,
	       "NO_DUPTHRESH keeps the window past dupthresh");

	/* segment 1 (sent at 10): lost at 10 + 50000 + 10000 */
	tap_ok(!atcp_rack_lost(&r, 10, SEG(1), wnd, 50020, &wait) &&
	       wait == 9990, "sent before, within the window: wait the rest");
	tap_ok(atcp_rack_lost(&r, 10, SEG(1), wnd, 60010, &wait),
	       "sent before, past RTT + window: lost");
	tap_ok(!atcp_rack_lost(&r, 30, SEG(3), wnd, 900000, &wait) && !wait,
	       "sent after the delivered one: never lost by time");
	tap_ok(atcp_rack_lost(&r, 20, SEG(1), wnd, 900000, &wait),
	       "same send time, lower end: sent before, lost");
	tap_ok(!atcp_rack_lost(&r, 20, SEG(2), 0, 900000, &wait) && !wait,
	       "the delivered segment itself: not lost");
}

static void test_retrans_and_reorder(void)
{
	struct atcp_rack r;
	u32 wait;

	atcp_rack_init(&r, 1000);
	atcp_rack_delivered(&r, 100, SEG(3), false, 40100, 0);
	atcp_rack_ack_done(&r);

	/* segment 1 resent at 50000; an ACK 1 ms later is for the original */
	tap_ok(!atcp_rack_delivered(&r, 50000, SEG(1), true, 51000, 40000),
	       "retransmission acked sooner than min RTT: ambiguous, ignored");
	tap_ok(r.xmit_us == 100 && !r.reord,
	       "... RACK unchanged, and a resent segment is no reordering");
	tap_ok(atcp_rack_delivered(&r, 50000, SEG(1), true, 95000, 40000) &&
	       r.xmit_us == 50000 && r.rtt_us == 45000,
	       "retransmission acked after min RTT: RACK moves on");
	tap_ok(!atcp_rack_lost(&r, 50000, SEG(1), 0, 200000, &wait),
	       "the latest delivered segment itself is not lost");

	/* segment 0, never resent, delivered below fack: reordering */
	atcp_rack_delivered(&r, 10, SEG(0), false, 96000, 40000);
	atcp_rack_ack_done(&r);
	tap_ok(r.reord, "late delivery of an unsent-again segment: reordering");
	tap_ok(atcp_rack_reo_wnd(&r, 40000, 45000, true, true, 1) == 10000,
	       "reordering seen: a window even in recovery");
}

static void test_one_ack_blocks(void)
{
	struct atcp_rack r;

	/* one ACK SACKs segments 5 then 3 (its blocks, newest first) */
	atcp_rack_init(&r, 1000);
	atcp_rack_delivered(&r, 50, SEG(5), false, 40000, 0);
	atcp_rack_delivered(&r, 30, SEG(3), false, 40000, 0);
	atcp_rack_ack_done(&r);
	tap_ok(!r.reord && r.fack == SEG(5) && r.xmit_us == 50,
	       "blocks of one ACK in any order: no reordering");
	atcp_rack_delivered(&r, 40, SEG(4), false, 41000, 0);
	tap_ok(r.reord, "a later ACK below fack: reordering");
}

static void test_dsack(void)
{
	struct atcp_rack r;
	int i;

	atcp_rack_init(&r, 1000);
	tap_ok(atcp_rack_dsack(&r, 1000, 9000, ATCP_RACK_LOSS_DETECTION) &&
	       r.reo_wnd_mult == 2 && r.reo_wnd_persist == ATCP_RACK_PERSIST,
	       "a D-SACK widens the window a step");
	tap_ok(!atcp_rack_dsack(&r, 5000, 12000, 1) && r.reo_wnd_mult == 2,
	       "a second D-SACK in the same round does not");
	tap_ok(atcp_rack_dsack(&r, 9000, 12000, 1) && r.reo_wnd_mult == 3,
	       "one in the next round does");
	tap_ok(atcp_rack_reo_wnd(&r, 40000, 1000000, false, false, 1) ==
	       30000, "three steps: 3/4 of min RTT");
	tap_ok(!atcp_rack_dsack(&r, 20000, 30000,
				ATCP_RACK_LOSS_DETECTION |
				ATCP_RACK_STATIC_REO_WND) && r.reo_wnd_mult == 3,
	       "STATIC_REO_WND: D-SACKs leave it");
	for (i = 0; i < ATCP_RACK_PERSIST - 1; i++)
		atcp_rack_recovery_done(&r);
	tap_ok(r.reo_wnd_mult == 3, "wide for %d recoveries", i);
	atcp_rack_recovery_done(&r);
	tap_ok(r.reo_wnd_mult == 1, "then back to one step");
	atcp_rack_recovery_done(&r);
	tap_ok(r.reo_wnd_mult == 1 && !r.reo_wnd_persist, "and it stays");
	for (i = 0; i < 300; i++)
		atcp_rack_dsack(&r, 100000 + 1000 * i, 100000 + 1000 * i, 1);
	tap_ok(r.reo_wnd_mult == 255, "the step count saturates");
	tap_ok(atcp_rack_reo_wnd(&r, 0xffffffffU, 0xfffffff0U, false, false,
				 1) == 0xfffffff0U,
	       "huge RTTs do not overflow");
}

static void test_wrap(void)
{
	struct atcp_rack r;
	u32 wait;

	/* the microsecond clock and the sequence both wrap here */
	atcp_rack_init(&r, 0xfffffc00U);
	atcp_rack_delivered(&r, 0xfffffff0U, 0x400, false, 0x2710, 0);
	atcp_rack_ack_done(&r);
	tap_ok(r.valid && r.rtt_us == 0x2720 && r.fack == 0x400,
	       "RTT and fack across the wrap");
	tap_ok(atcp_rack_lost(&r, 0xffffffe0U, 0x0, 0, 0x2800, &wait),
	       "a segment sent before, across the wrap: lost");
	tap_ok(!atcp_rack_lost(&r, 0x10, 0x800, 0, 0x9000, &wait) && !wait,
	       "a segment sent after, across the wrap: not");
	tap_ok(!atcp_rack_delivered(&r, 0x3000, 0x800, false, 0x2800, 0),
	       "a send time after now is refused");
}

int main(void)
{
	test_time_rule();
	test_retrans_and_reorder();
	test_one_ack_blocks();
	test_dsack();
	test_wrap();
	return tap_finish();
}

// SPDX-License-Identifier: GPL-2.0
/*
 * test_tso.c - when a GSO skb is held back for the next ACK
 * (atcp_tso_defer(), Linux's tcp_tso_should_defer()).
 */
#include <stdio.h>
#include "atcp_tso.h"
#include "tap.h"

#define MSS 1448

/*
 * A sender in congestion avoidance with a window of 40 segments (the peer
 * offers 100), its largest skb 10 segments, a 20 ms smoothed RTT; its
 * oldest segment left 19.5 ms ago, so the ACK is due in 0.5 ms, and it
 * sent last 0.2 ms ago.  The ACK that just came freed 2 segments; the
 * tail skb holds 64 kB.  The clock starts near its wrap.
 */
static struct atcp_tso_state base(void)
{
	struct atcp_tso_state s = {
		.now_us = 100,
		.last_xmit_us = 100 - 200,
		.head_sent_us = 100 - 19500,
		.srtt_us = 20000,
		.skb_len = 65160,
		.skb_is_tail = true,
		.send_win = 60 * MSS,
		.cong_win = 2 * MSS,
		.snd_wnd = 100 * MSS,
		.cwnd_bytes = 40 * MSS,
		.max_skb = 10 * MSS,
		.mss = MSS,
		.win_divisor = 3,
	};
	return s;
}

static void test_window_share(void)
{
	struct atcp_tso_state s = base();

	tap_ok(atcp_tso_defer(&s) == ATCP_TSO_DEFER_CWND,
	       "2 of 40 segments free, the ACK due in 0.5 ms: held for the congestion window");
	s.cong_win = 10 * MSS;
	tap_ok(atcp_tso_defer(&s) == ATCP_TSO_SEND,
	       "room for the largest skb: sent");
	s.cong_win = 9 * MSS;
	tap_ok(atcp_tso_defer(&s) == ATCP_TSO_DEFER_CWND,
	       "9 segments, under a third of 40: held");

	s.max_skb = 20 * MSS;
	s.cong_win = 40 * MSS / 3;
	tap_ok(atcp_tso_defer(&s) == ATCP_TSO_SEND,
	       "a third of the window (tso_win_divisor 3): sent");
	s.cong_win--;
	tap_ok(atcp_tso_defer(&s) == ATCP_TSO_DEFER_CWND,
	       "a byte less: held");
	s.win_divisor = 4;
	tap_ok(atcp_tso_defer(&s) == ATCP_TSO_SEND,
	       "... but a quarter is enough under tso_win_divisor 4");
	s.win_divisor = 1;
	s.cong_win = 19 * MSS;
	tap_ok(atcp_tso_defer(&s) == ATCP_TSO_DEFER_CWND,
	       "tso_win_divisor 1: held below the whole window");

	/* the smaller window is the peer's */
	s = base();
	s.snd_wnd = 12 * MSS;
	s.send_win = 12 * MSS;
	s.cong_win = 4 * MSS;
	tap_ok(atcp_tso_defer(&s) == ATCP_TSO_SEND,
	       "a third of the peer's 12 segments, smaller than the congestion window: sent");

	s = base();
	s.win_divisor = 0;
	s.cong_win = 4 * MSS;
	tap_ok(atcp_tso_defer(&s) == ATCP_TSO_SEND,
	       "tso_win_divisor 0: 4 segments, more than an ACK's worth, sent");
	s.cong_win = 3 * MSS;
	tap_ok(atcp_tso_defer(&s) == ATCP_TSO_DEFER_CWND,
	       "tso_win_divisor 0: 3 segments held");
}

static void test_ack_timing(void)
{
	struct atcp_tso_state s = base();

	s.last_xmit_us = s.now_us - 1001;
	tap_ok(atcp_tso_defer(&s) == ATCP_TSO_SEND,
	       "nothing sent for over 1 ms: sent at once");
	s.last_xmit_us = s.now_us - 1000;
	tap_ok(atcp_tso_defer(&s) == ATCP_TSO_DEFER_CWND,
	       "sent 1 ms ago: held");

	s = base();
	s.head_sent_us = s.now_us - 18999;
	tap_ok(atcp_tso_defer(&s) == ATCP_TSO_SEND,
	       "the ACK due in 1.001 ms (over min(srtt/2, 1 ms)): sent");
	s.head_sent_us = s.now_us - 19000;
	tap_ok(atcp_tso_defer(&s) == ATCP_TSO_DEFER_CWND,
	       "the ACK due in 1 ms: held");
	s.head_sent_us = s.now_us - 25000;
	tap_ok(atcp_tso_defer(&s) == ATCP_TSO_DEFER_CWND,
	       "the ACK overdue: held");
	s.head_sent_us = s.now_us + 50;
	tap_ok(atcp_tso_defer(&s) == ATCP_TSO_SEND,
	       "the oldest segment stamped after now (a clock step): sent");

	/* a short path: half the smoothed RTT is the bound */
	s = base();
	s.srtt_us = 200;
	s.head_sent_us = s.now_us - 50;
	tap_ok(atcp_tso_defer(&s) == ATCP_TSO_SEND,
	       "srtt 200 us, the ACK due in 150 us (over 100): sent");
	s.head_sent_us = s.now_us - 100;
	tap_ok(atcp_tso_defer(&s) == ATCP_TSO_DEFER_CWND,
	       "srtt 200 us, the ACK due in 100 us: held");

	s = base();
	s.srtt_us = 0;
	s.head_sent_us = s.now_us;
	tap_ok(atcp_tso_defer(&s) == ATCP_TSO_DEFER_CWND,
	       "no RTT sample yet: the ACK may come any time, held");
}

static void test_what_is_held(void)
{
	struct atcp_tso_state s = base();

	s.send_win = 2 * MSS;
	s.cong_win = 3 * MSS;
	tap_ok(atcp_tso_defer(&s) == ATCP_TSO_DEFER_RWND,
	       "the peer's window the smaller: held for it");

	/* the skb fits in both windows */
	s = base();
	s.skb_len = 2 * MSS;
	s.cong_win = 3 * MSS;
	tap_ok(atcp_tso_defer(&s) == ATCP_TSO_DEFER_APP,
	       "a tail skb that fits: held for more data");
	s.skb_has_fin = true;
	tap_ok(atcp_tso_defer(&s) == ATCP_TSO_SEND,
	       "... but not with the FIN, which ends it");
	s.skb_has_fin = false;
	s.skb_is_tail = false;
	tap_ok(atcp_tso_defer(&s) == ATCP_TSO_SEND,
	       "an skb before the tail, which grows no more, sent when it fits");
	s.skb_len = 4 * MSS;
	tap_ok(atcp_tso_defer(&s) == ATCP_TSO_DEFER_CWND,
	       "... and held when it does not");
}

int main(void)
{
	test_window_share();
	test_ack_timing();
	test_what_is_held();
	return tap_finish();
}

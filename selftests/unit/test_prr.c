// SPDX-License-Identifier: GPL-2.0
/*
 * test_prr.c - Proportional Rate Reduction (RFC 6937) against the RFC's
 * own arithmetic, on a sender simulated one ACK at a time.
 */
#include <stdio.h>
#include "atcp_prr.h"
#include "tap.h"

/*
 * One ACK that delivered @newly segments: the window PRR gives, and what
 * the sender then sends (cwnd - pipe); the pipe grows by that much.
 */
static u32 ack(struct atcp_prr *p, u32 *cwnd, u32 ssthresh, u32 *pipe,
	       u32 newly, bool una_advanced)
{
	u32 send;

	*cwnd = atcp_prr_cwnd(p, *cwnd, ssthresh, *pipe, newly, una_advanced);
	send = *cwnd > *pipe ? *cwnd - *pipe : 0;
	atcp_prr_sent(p, send);
	*pipe += send;
	return send;
}

/*
 * RFC 6937's example: a window of 20, one segment lost, CUBIC-like cut to
 * ssthresh 10.  The third duplicate ACK finds it (pipe 20 - 3 SACKed - 1
 * lost = 16).  From then on PRR sends on every other ACK, the first being
 * the fast retransmission, until the pipe is down to ssthresh; then one
 * segment per segment delivered, so it never falls below.
 */
static void test_proportional(void)
{
	struct atcp_prr p;
	u32 cwnd = 20, pipe = 16, k, total = 0, bad = 0, low = pipe, spread = 0;

	atcp_prr_init(&p, cwnd);
	for (k = 1; k <= 17; k++) {
		bool above;

		if (k > 1)
			pipe--;			/* one more SACK */
		above = pipe > 10;
		total += ack(&p, &cwnd, 10, &pipe, 1, false);
		if (above && total != (10 * k + 19) / 20) {
			printf("# after ACK %u: %u sent, want %u\n", k, total,
			       (10 * k + 19) / 20);
			bad++;
		}
		spread += above;
		if (pipe < low)
			low = pipe;
	}
	tap_ok(!bad && spread == 12,
	       "while the pipe is above ssthresh (%u ACKs), ceil(10/20 of what was delivered) goes out",
	       spread);
	tap_ok(total == 10 && pipe == 10 && low >= 10,
	       "the round ends with the pipe at ssthresh (%u, %u sent, lowest %u)",
	       pipe, total, low);
}

/*
 * Heavy loss: 12 of 20 lost, the pipe (5) already below ssthresh.  PRR
 * conserves packets (as much out as in), grows by one per ACK that
 * advances snd_una with no new loss (PRR-SSRB), and stops at ssthresh.
 */
static void test_ssrb(void)
{
	struct atcp_prr p;
	u32 cwnd = 20, pipe = 5, sent, k, bad = 0;

	atcp_prr_init(&p, cwnd);
	sent = ack(&p, &cwnd, 10, &pipe, 1, false);
	tap_ok(sent == 1 && pipe == 6, "entry: one segment, the fast retransmission (sent %u)",
	       sent);
	for (k = 0; k < 3; k++) {
		pipe--;
		if (ack(&p, &cwnd, 10, &pipe, 1, false) != 1)
			bad++;
	}
	tap_ok(!bad && pipe == 6, "a SACK of one segment lets one out: the pipe holds at %u",
	       pipe);
	pipe -= 2;
	sent = ack(&p, &cwnd, 10, &pipe, 2, true);
	tap_ok(sent == 3 && pipe == 7,
	       "snd_una advanced by two, no new loss: three out (slow start) (sent %u)", sent);
	pipe -= 1;
	sent = ack(&p, &cwnd, 10, &pipe, 1, false);
	tap_ok(sent == 1, "the same with a new loss: only what it delivered (sent %u)", sent);
	for (k = 0; k < 10; k++) {
		pipe--;
		ack(&p, &cwnd, 10, &pipe, 1, true);
	}
	tap_ok(pipe == 10 && cwnd == 10, "slow start stops at ssthresh (pipe %u, cwnd %u)",
	       pipe, cwnd);
}

static void test_edges(void)
{
	struct atcp_prr p;
	u32 cwnd;

	atcp_prr_init(&p, 20);
	cwnd = atcp_prr_cwnd(&p, 20, 10, 15, 0, false);
	tap_ok(cwnd == 20 && p.delivered == 0,
	       "an ACK that delivered nothing changes nothing (cwnd %u)", cwnd);

	atcp_prr_init(&p, 20);
	cwnd = atcp_prr_cwnd(&p, 20, 10, 10, 1, false);
	tap_ok(cwnd == 11, "pipe at ssthresh on entry: the retransmission still goes (cwnd %u)",
	       cwnd);
	atcp_prr_sent(&p, 1);
	cwnd = atcp_prr_cwnd(&p, cwnd, 10, 11, 1, false);
	tap_ok(cwnd == 11, "above ssthresh after it: nothing more yet (cwnd %u)", cwnd);

	atcp_prr_init(&p, 20);
	atcp_prr_sent(&p, 5);
	cwnd = atcp_prr_cwnd(&p, 20, 10, 18, 1, false);
	tap_ok(cwnd == 18, "sent ahead of the proportion: the window is the pipe (cwnd %u)",
	       cwnd);

	atcp_prr_init(&p, 0);
	cwnd = atcp_prr_cwnd(&p, 0, 0, 0, 1, false);
	tap_ok(p.prior_cwnd == 1 && cwnd == 1, "a zero window: no division by 0, cwnd %u", cwnd);

	/* ssthresh * delivered overflows 32 bits: 700000 * 10000 */
	atcp_prr_init(&p, 1000000);
	cwnd = atcp_prr_cwnd(&p, 1000000, 700000, 999990, 10000, false);
	tap_ok(cwnd == 999990 + 7000, "large windows: 64-bit arithmetic (cwnd %u)", cwnd);
}

int main(void)
{
	test_proportional();
	test_ssrb();
	test_edges();
	return tap_finish();
}

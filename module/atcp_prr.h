/* SPDX-License-Identifier: GPL-2.0 */
/*
 * atcp_prr.h - Proportional Rate Reduction (RFC 6937): how the window
 * comes down to ssthresh in loss recovery and after an ECE.
 *
 * Pure code: compiled into atcp.ko and into the user-space unit tests.
 * Windows are in segments.
 *
 * Cutting the window to ssthresh at once sends nothing until the pipe
 * has drained to it, a third of a round trip for CUBIC's cut, and then
 * one segment per ACK.  PRR keeps the ACK clock instead: while more than
 * ssthresh is in flight, each ACK lets out ssthresh/prior_cwnd of what it
 * delivered, so the pipe comes down to ssthresh over one round trip.
 * Once the pipe is at or below ssthresh (heavy loss), it sends as much as
 * was delivered, one segment more when snd_una advanced with no new loss
 * (slow start reduction bound, PRR-SSRB), never past ssthresh.  The first
 * ACK always lets one segment out: the fast retransmission.  As Linux's
 * tcp_cwnd_reduction().
 *
 * The caller starts a reduction with atcp_prr_init(), counts every
 * segment it sends meanwhile with atcp_prr_sent(), and sets its window to
 * atcp_prr_cwnd() once per ACK; when the reduction ends the window is
 * ssthresh.
 */
#ifndef _ATCP_PRR_H
#define _ATCP_PRR_H

#include "atcp_compat.h"

struct atcp_prr {
	u32 prior_cwnd;		/* the window when the reduction began */
	u32 delivered;		/* segments delivered since (prr_delivered) */
	u32 out;		/* segments sent since (prr_out) */
};

static inline void atcp_prr_init(struct atcp_prr *p, u32 cwnd)
{
	p->prior_cwnd = cwnd ? cwnd : 1;
	p->delivered = 0;
	p->out = 0;
}

static inline void atcp_prr_sent(struct atcp_prr *p, u32 segs)
{
	p->out += segs;
}

u32 atcp_prr_cwnd(struct atcp_prr *p, u32 cwnd, u32 ssthresh, u32 pipe,
		  u32 newly_delivered, bool una_advanced_no_loss);

#endif /* _ATCP_PRR_H */

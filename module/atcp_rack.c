// SPDX-License-Identifier: GPL-2.0
/*
 * atcp_rack.c - RACK loss detection (RFC 8985 6).
 *
 * Why time and not three duplicate ACKs: a lost segment near the end of
 * a burst, or one lost retransmission, never draws three of them, and
 * waiting for the RTO costs at least 200 ms where RACK needs a quarter of
 * a round trip.  Reordering the peer showed (a segment delivered late
 * without being resent, or a D-SACK for a spurious retransmission) makes
 * the window wider, so that it does not cost spurious retransmissions.
 */
#include "atcp_rack.h"
#include "atcp_seq.h"

void atcp_rack_init(struct atcp_rack *r, u32 snd_una)
{
	memset(r, 0, sizeof(*r));
	r->fack = snd_una;
	r->fack_next = snd_una;
	r->reo_wnd_mult = 1;
}

/* Every delivery of one ACK was fed in: what it delivered is now old. */
void atcp_rack_ack_done(struct atcp_rack *r)
{
	r->fack = r->fack_next;
}

/* was (@t1, @seq1) sent after (@t2, @seq2)?  The sequence breaks ties. */
static bool atcp_rack_sent_after(u32 t1, u32 seq1, u32 t2, u32 seq2)
{
	return (s32)(t1 - t2) > 0 ||
	       (t1 == t2 && atcp_seq_after(seq1, seq2));
}

/*
 * A segment sent at @sent_us and ending at @end_seq was delivered (RFC 8985
 * 6.2 steps 1 to 3).  @retrans: it was sent more than once, so an ACK
 * sooner than the smallest RTT ever seen must be for an earlier copy.
 * Returns whether the RACK state moved on.
 */
bool atcp_rack_delivered(struct atcp_rack *r, u32 sent_us, u32 end_seq,
			 bool retrans, u32 now_us, u32 min_rtt_us)
{
	u32 rtt = now_us - sent_us;

	/* against fack before this ACK: its SACK blocks come in any order */
	if (!retrans && atcp_seq_before(end_seq, r->fack))
		r->reord = 1;
	else if (atcp_seq_after(end_seq, r->fack_next))
		r->fack_next = end_seq;
	if ((s32)rtt < 0 || (retrans && rtt < min_rtt_us))
		return false;
	r->rtt_us = rtt;
	if (!r->valid ||
	    atcp_rack_sent_after(sent_us, end_seq, r->xmit_us, r->end_seq)) {
		r->xmit_us = sent_us;
		r->end_seq = end_seq;
		r->valid = 1;
	}
	return true;
}

/*
 * The reordering window (RFC 8985 6.2 step 4).  Until the peer showed
 * reordering, none is allowed once in recovery or once dupthresh segments
 * were SACKed (@dupthresh_met): the classic rule, no slower than it.
 * Otherwise a quarter of the minimum RTT per step, never above SRTT.
 */
u32 atcp_rack_reo_wnd(const struct atcp_rack *r, u32 min_rtt_us, u32 srtt_us,
		      bool in_recovery, bool dupthresh_met, int mode)
{
	u64 wnd;

	if (!r->reord) {
		if (in_recovery)
			return 0;
		if (dupthresh_met && !(mode & ATCP_RACK_NO_DUPTHRESH))
			return 0;
	}
	wnd = (u64)(min_rtt_us >> 2) * r->reo_wnd_mult;
	return wnd < srtt_us ? (u32)wnd : srtt_us;
}

/*
 * Is the segment sent at @sent_us, ending at @end_seq, lost (RFC 8985 6.2
 * step 5)?  Only one sent before the latest delivered one can be.  When
 * it may still be merely reordered, *@wait_us says how long until it
 * counts as lost; 0 when time alone will not decide it.
 */
bool atcp_rack_lost(const struct atcp_rack *r, u32 sent_us, u32 end_seq,
		    u32 reo_wnd_us, u32 now_us, u32 *wait_us)
{
	u32 elapsed = now_us - sent_us;
	u32 deadline = r->rtt_us + reo_wnd_us;

	*wait_us = 0;
	if (!r->valid ||
	    !atcp_rack_sent_after(r->xmit_us, r->end_seq, sent_us, end_seq))
		return false;
	if ((s32)(elapsed - deadline) >= 0)
		return true;
	*wait_us = deadline - elapsed;
	return false;
}

/*
 * A D-SACK arrived: a retransmission was spurious, the reordering window
 * too small.  Widen it by one step, at most once per round trip (until
 * snd_una passes what was sent when it grew), and keep it wide for the
 * next ATCP_RACK_PERSIST recoveries.  Returns whether it grew.
 */
bool atcp_rack_dsack(struct atcp_rack *r, u32 snd_una, u32 snd_max, int mode)
{
	if (mode & ATCP_RACK_STATIC_REO_WND)
		return false;
	if (r->dsack_round_on && atcp_seq_before(snd_una, r->dsack_round))
		return false;
	if (r->reo_wnd_mult < 255)
		r->reo_wnd_mult++;
	r->dsack_round = snd_max;
	r->dsack_round_on = 1;
	r->reo_wnd_persist = ATCP_RACK_PERSIST;
	return true;
}

/* A loss recovery ended: a widened window lasts ATCP_RACK_PERSIST of them. */
void atcp_rack_recovery_done(struct atcp_rack *r)
{
	if (r->reo_wnd_persist && !--r->reo_wnd_persist)
		r->reo_wnd_mult = 1;
}

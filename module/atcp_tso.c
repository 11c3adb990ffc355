// SPDX-License-Identifier: GPL-2.0
/*
 * atcp_tso.c - holding a GSO skb back for the next ACK (see atcp_tso.h).
 */
#include "atcp_tso.h"

enum atcp_tso_verdict atcp_tso_defer(const struct atcp_tso_state *s)
{
	u32 limit = min_t(u32, s->send_win, s->cong_win);
	u32 threshold, since_head;

	/* An idle sender sends: what it held would leave as a burst. */
	if ((s32)(s->now_us - s->last_xmit_us) > ATCP_TSO_DEFER_MAX_US)
		return ATCP_TSO_SEND;

	/* A skb as large as any the sender builds may go. */
	if (limit >= s->max_skb)
		return ATCP_TSO_SEND;
	/* Only the tail grows: an skb in front of it that fits goes. */
	if (!s->skb_is_tail && limit >= s->skb_len)
		return ATCP_TSO_SEND;

	if (s->win_divisor) {
		/* A fair share of the window is enough. */
		if (limit >= min_t(u32, s->snd_wnd, s->cwnd_bytes) /
			     s->win_divisor)
			return ATCP_TSO_SEND;
	} else if (limit > ATCP_TSO_DEFER_MAX_SEGS * s->mss) {
		/*
		 * A receiver acknowledges every second segment: more than
		 * three is more than the next ACK would add.
		 */
		return ATCP_TSO_SEND;
	}

	/*
	 * The ACK of the oldest segment is due a smoothed RTT after it left.
	 * Wait for it only when that is less than min(srtt / 2, 1 ms) away
	 * (or overdue): a later ACK would keep the data back too long.
	 */
	threshold = min_t(u32, s->srtt_us / 2, ATCP_TSO_DEFER_MAX_US);
	since_head = s->now_us - s->head_sent_us;
	if ((s32)since_head < 0)
		since_head = 0;
	if (since_head < s->srtt_us && s->srtt_us - since_head > threshold)
		return ATCP_TSO_SEND;

	if (s->cong_win < s->send_win) {
		if (s->cong_win <= s->skb_len)
			return ATCP_TSO_DEFER_CWND;
	} else if (s->send_win <= s->skb_len) {
		return ATCP_TSO_DEFER_RWND;
	}
	/* All of it may go: hold it only if more may be added to it. */
	if (s->skb_has_fin)
		return ATCP_TSO_SEND;
	return ATCP_TSO_DEFER_APP;
}

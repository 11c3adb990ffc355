/* SPDX-License-Identifier: GPL-2.0 */
/*
 * atcp_tso.h - whether to hold a GSO skb back for a larger one
 * (Linux: tcp_tso_should_defer()).
 *
 * Pure code: compiled into atcp.ko and into the user-space unit tests.
 * Times are microseconds of a free-running u32 clock; sizes are bytes.
 *
 * An ACK that frees room for a few segments would have them leave as a
 * small skb, and every skb costs the same to build, route and queue
 * whatever it holds.  When the next ACK is due soon, waiting for it
 * sends one larger skb instead.  The sender holds an skb of more than one
 * segment while the room the windows leave is less than the largest skb
 * it would build and less than a tso_win_divisor'th of the smaller window
 * (with tso_win_divisor 0: three segments or less), provided the oldest
 * segment in flight should be acknowledged within half a smoothed RTT,
 * at most a millisecond, and something went out in the last millisecond
 * (an idle sender sends at once: holding would only make a burst).
 *
 * The caller never asks in loss recovery, for a retransmission, a probe,
 * or an skb of a single segment, and sends at once when there is nothing
 * in flight.  Data held back goes when the awaited ACK arrives.
 */
#ifndef _ATCP_TSO_H
#define _ATCP_TSO_H

#include "atcp_compat.h"

/* Linux: tcp_max_tso_deferred_mss() */
#define ATCP_TSO_DEFER_MAX_SEGS	3
#define ATCP_TSO_DEFER_MAX_US	1000	/* Linux: NSEC_PER_MSEC */

struct atcp_tso_state {
	u32 now_us;
	u32 last_xmit_us;	/* the latest transmission */
	u32 head_sent_us;	/* when the oldest unacknowledged data left */
	u32 srtt_us;
	u32 skb_len;		/* the unsent skb at hand */
	bool skb_is_tail;	/* ... takes more data as the user writes */
	bool skb_has_fin;
	u32 send_win;		/* room the peer's window leaves from its start */
	u32 cong_win;		/* room the congestion window leaves */
	u32 snd_wnd;		/* the peer's window */
	u32 cwnd_bytes;		/* the congestion window */
	u32 max_skb;		/* the largest skb the sender builds now */
	u32 mss;
	u8 win_divisor;		/* sysctl tso_win_divisor */
};

enum atcp_tso_verdict {
	ATCP_TSO_SEND,
	ATCP_TSO_DEFER_CWND,	/* held for the congestion window */
	ATCP_TSO_DEFER_RWND,	/* held for the peer's window */
	ATCP_TSO_DEFER_APP,	/* held for the user to add to it */
};

enum atcp_tso_verdict atcp_tso_defer(const struct atcp_tso_state *s);

#endif /* _ATCP_TSO_H */

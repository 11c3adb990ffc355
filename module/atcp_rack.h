/* SPDX-License-Identifier: GPL-2.0 */
/*
 * atcp_rack.h - RACK loss detection (RFC 8985 6), the time-based rule.
 *
 * Pure code: compiled into atcp.ko and into the user-space unit tests.
 * Times are microseconds of a free-running u32 clock (it wraps after
 * 71 minutes; only differences of less than half that are compared).
 *
 * A segment is lost once a segment sent after it was delivered and more
 * than that delivery's RTT plus a reordering window has passed since the
 * segment was sent.  The caller feeds every newly delivered segment
 * (cumulatively acknowledged or SACKed) to atcp_rack_delivered(), then asks
 * atcp_rack_lost() about each segment still outstanding; what is not lost
 * yet tells how long to wait before asking again (the reordering timer).
 */
#ifndef _ATCP_RACK_H
#define _ATCP_RACK_H

#include "atcp_compat.h"

/* recovery sysctl bits, Linux's TCP_RACK_* values */
#define ATCP_RACK_LOSS_DETECTION	0x1	/* RACK instead of dupthresh */
#define ATCP_RACK_STATIC_REO_WND	0x2	/* D-SACKs never widen it */
#define ATCP_RACK_NO_DUPTHRESH		0x4	/* keep reo_wnd at dupthresh */

/* RFC 8985 6.2 step 4: recoveries a widened window outlives */
#define ATCP_RACK_PERSIST		16

struct atcp_rack {
	u32 xmit_us;		/* send time of the latest-sent delivered segment */
	u32 end_seq;		/* ... and its end, to break ties */
	u32 rtt_us;		/* RTT of the last delivery taken */
	u32 fack;		/* highest end_seq delivered by earlier ACKs */
	u32 fack_next;		/* ... and by this one */
	u32 dsack_round;	/* reo_wnd may widen again once snd_una passes it */
	u8 reo_wnd_mult;	/* reo_wnd in quarters of min RTT */
	u8 reo_wnd_persist;
	u8 valid:1,		/* xmit_us and end_seq hold a delivery */
	   reord:1,		/* the peer reordered: never a zero window */
	   dsack_round_on:1;
};

void atcp_rack_init(struct atcp_rack *r, u32 snd_una);
void atcp_rack_ack_done(struct atcp_rack *r);
bool atcp_rack_delivered(struct atcp_rack *r, u32 sent_us, u32 end_seq,
			 bool retrans, u32 now_us, u32 min_rtt_us);
u32 atcp_rack_reo_wnd(const struct atcp_rack *r, u32 min_rtt_us, u32 srtt_us,
		      bool in_recovery, bool dupthresh_met, int mode);
bool atcp_rack_lost(const struct atcp_rack *r, u32 sent_us, u32 end_seq,
		    u32 reo_wnd_us, u32 now_us, u32 *wait_us);
bool atcp_rack_dsack(struct atcp_rack *r, u32 snd_una, u32 snd_max, int mode);
void atcp_rack_recovery_done(struct atcp_rack *r);

#endif /* _ATCP_RACK_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * atcp_cubic.h - CUBIC congestion control (RFC 9438), the window arithmetic.
 *
 * Pure code: compiled into atcp.ko and into the user-space unit tests.
 * Windows are in segments, times in milliseconds of a clock the caller
 * keeps (any u32 that counts milliseconds; it may wrap).
 *
 * The caller runs slow start itself and calls atcp_cubic_cong_avoid() for
 * each ACK that grows the window in congestion avoidance, when the window
 * is what limits sending (RFC 7661).  On a congestion event (fast
 * retransmit, SACK recovery, a retransmission timeout) it sets ssthresh to
 * atcp_cubic_ssthresh(), which also records W_max and ends the epoch.
 * After idle, atcp_cubic_reset_epoch() starts the next increase from
 * wherever the window then is.
 *
 * As Linux's tcp_cubic: beta 717/1024 (0.7), C 0.4, fast convergence on,
 * the Reno-friendly region, and the cubic target taken one min RTT ahead
 * (RFC 9438 4.2).  Unlike Linux, no HyStart: slow start ends at ssthresh
 * or on loss.
 */
#ifndef _ATCP_CUBIC_H
#define _ATCP_CUBIC_H

#include "atcp_compat.h"

#define ATCP_CUBIC_BETA		717U	/* / 1024: the window kept on loss */
#define ATCP_CUBIC_BETA_SCALE	1024U

struct atcp_cubic {
	u32 w_max;		/* the window before the last reduction */
	u32 origin;		/* W_max of the curve of this epoch */
	u32 k_ms;		/* when the curve gets back to origin */
	u32 epoch_start;	/* ms; 0: no epoch under way */
	u32 w_est;		/* the Reno-friendly estimate, segments */
	u32 est_acked;		/* ACKed segments not yet in w_est */
};

void atcp_cubic_init(struct atcp_cubic *c);
void atcp_cubic_reset_epoch(struct atcp_cubic *c);
u32 atcp_cubic_ssthresh(struct atcp_cubic *c, u32 cwnd);
u32 atcp_cubic_cong_avoid(struct atcp_cubic *c, u32 cwnd, u32 *cwnd_cnt,
			  u32 acked, u32 now_ms, u32 min_rtt_ms);
u32 atcp_cubic_target(u32 origin, u32 k_ms, u32 t_ms);
u32 atcp_cubic_k_ms(u32 w_max, u32 cwnd);
u32 atcp_cbrt64(u64 x);

#endif /* _ATCP_CUBIC_H */

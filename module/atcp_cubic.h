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
 * (RFC 9438 4.2).
 *
 * HyStart, as tcp_cubic's (hystart_update()): in slow start, with the
 * window at least low_window segments, the caller hands each RTT sample
 * to atcp_hystart_acked(), which tells when slow start should end, before
 * a loss would end it: an ACK train (ACKs each within ack_delta_us of the
 * one before) lasting longer than half the minimum RTT since the round
 * began, or the smallest of a round's first 8 RTT samples above the
 * minimum RTT by an eighth of it (4 to 16 ms).  The caller then sets
 * ssthresh to the window.  Times in microseconds.
 */
#ifndef _ATCP_CUBIC_H
#define _ATCP_CUBIC_H

#include "atcp_compat.h"

#define ATCP_CUBIC_BETA		717U	/* / 1024: the window kept on loss */
#define ATCP_CUBIC_BETA_SCALE	1024U

/* HyStart's detectors (Linux: the hystart_detect bits). */
#define ATCP_HYSTART_ACK_TRAIN	0x1
#define ATCP_HYSTART_DELAY	0x2

#define ATCP_HYSTART_MIN_SAMPLES	8
#define ATCP_HYSTART_DELAY_MIN_US	4000U
#define ATCP_HYSTART_DELAY_MAX_US	16000U

struct atcp_cubic {
	u32 w_max;		/* the window before the last reduction */
	u32 origin;		/* W_max of the curve of this epoch */
	u32 k_ms;		/* when the curve gets back to origin */
	u32 epoch_start;	/* ms; 0: no epoch under way */
	u32 w_est;		/* the Reno-friendly estimate, segments */
	u32 est_acked;		/* ACKed segments not yet in w_est */
	/* HyStart: the slow start round under way */
	u32 delay_min_us;	/* smallest RTT sample, 0: none yet */
	u32 round_start_us;
	u32 last_ack_us;	/* the train's last ACK */
	u32 end_seq;		/* the round ends once snd_una passes it */
	u32 curr_rtt_us;	/* smallest of the round's first samples */
	u8 sample_cnt;
	u8 found;		/* the detector that ended slow start, 0: none */
};

/* HyStart's settings (Linux: tcp_cubic's module parameters). */
struct atcp_hystart_cfg {
	u32 detect;		/* ATCP_HYSTART_* bits, 0: off */
	u32 low_window;		/* segments: never below this window */
	u32 ack_delta_us;	/* ACKs this close are a train */
};

/* What HyStart needs to know of one ACK with an RTT sample. */
struct atcp_hystart_ack {
	u32 now_us;
	u32 now_ms;		/* the clock of epoch_start */
	u32 rtt_us;
	u32 snd_una;
	u32 snd_nxt;
	u32 cwnd;
	u32 ack_delay_us;	/* GSO and GRO delay to allow the train */
	bool slow_start;	/* cwnd < ssthresh */
	bool paced;		/* a pacing qdisc spreads the flight */
};

void atcp_cubic_init(struct atcp_cubic *c);
void atcp_cubic_reset_epoch(struct atcp_cubic *c);
u32 atcp_cubic_ssthresh(struct atcp_cubic *c, u32 cwnd);
u32 atcp_cubic_cong_avoid(struct atcp_cubic *c, u32 cwnd, u32 *cwnd_cnt,
			  u32 acked, u32 now_ms, u32 min_rtt_ms);
u32 atcp_cubic_target(u32 origin, u32 k_ms, u32 t_ms);
u32 atcp_cubic_k_ms(u32 w_max, u32 cwnd);
u32 atcp_cbrt64(u64 x);
void atcp_hystart_reset(struct atcp_cubic *c, u32 now_us, u32 snd_nxt);
u8 atcp_hystart_acked(struct atcp_cubic *c, const struct atcp_hystart_cfg *cfg,
		      const struct atcp_hystart_ack *a);

#endif /* _ATCP_CUBIC_H */

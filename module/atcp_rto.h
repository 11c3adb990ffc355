/* SPDX-License-Identifier: GPL-2.0 */
/*
 * atcp_rto.h - RFC 6298 retransmission timeout estimator, and the
 * receiver's RTT estimate and buffer sizing.
 *
 * Pure code: compiled into atcp.ko and into the user-space unit tests.
 * All times are integer microseconds.
 *
 * Karn's rule (RFC 6298 section 3) is the caller's job: feed
 * atcp_rto_sample() only RTTs measured on segments that were never
 * retransmitted, or RTTs taken from the timestamp echo (RFC 7323 4.1),
 * which tells the copies of a retransmitted segment apart.  After a
 * timeout the caller calls atcp_rto_backoff(), and clears the backoff
 * with atcp_rto_reset_backoff() once new data is acknowledged.
 */
#ifndef _ATCP_RTO_H
#define _ATCP_RTO_H

#include "atcp_compat.h"

/* the defaults Linux uses: TCP_TIMEOUT_INIT, TCP_RTO_MIN, TCP_RTO_MAX */
#define ATCP_RTO_INIT_US	1000000U
#define ATCP_RTO_MIN_US		200000U
#define ATCP_RTO_MAX_US		120000000U
/* ... TCP_TIMEOUT_FALLBACK: after a handshake that measured no RTT */
#define ATCP_RTO_FALLBACK_US	3000000U

/*
 * RFC 6298 G, the clock granularity.  RTTs are measured with a
 * microsecond clock, but the retransmission timer fires on jiffies; 1 ms
 * is a jiffy at HZ=1000 and the floor of ATCP_RTO_MIN_US hides coarser
 * ticks anyway.
 */
#define ATCP_RTO_G_US		1000U

/* enough doublings to take any non-zero RTO past any u32 maximum */
#define ATCP_RTO_MAX_BACKOFF	32

/*
 * A running minimum over a sliding window of time (Kathleen Nichols'
 * algorithm, as Linux's lib/minmax.c): the best sample and two later,
 * larger ones that take over when it ages out, so that the minimum of
 * the last window is known from three samples without storing them all.
 */
struct atcp_minwin {
	u32 t[3];		/* when each was taken */
	u32 v[3];		/* v[0] <= v[1] <= v[2] */
};

struct atcp_rto {
	u32 srtt_us;
	u32 rttvar_us;
	u32 rto_us;		/* computed RTO, before backoff */
	u32 min_rtt_us;		/* smallest recent sample, 0: none yet */
	struct atcp_minwin min_rtt;	/* ... over min_rtt_wlen */
	u32 min_rto_us;
	u32 max_rto_us;
	u8 backoff;		/* timeouts since the last reset */
	bool have_sample;
};

void atcp_rto_init(struct atcp_rto *r, u32 initial_rto_us, u32 min_rto_us,
		   u32 max_rto_us);
void atcp_rto_sample(struct atcp_rto *r, u32 rtt_us);
void atcp_rto_min_rtt(struct atcp_rto *r, u32 rtt_us, u32 now_ms,
		      u32 wlen_ms);
u32 atcp_minwin_update(struct atcp_minwin *m, u32 win, u32 now, u32 v);
void atcp_rto_backoff(struct atcp_rto *r);
void atcp_rto_reset_backoff(struct atcp_rto *r);
void atcp_rto_seed(struct atcp_rto *r, u32 cached_rtt_us);
void atcp_rto_set_min(struct atcp_rto *r, u32 min_rto_us);
u32 atcp_rto_current(const struct atcp_rto *r);
u64 atcp_rto_give_up_us(u32 boundary, u32 rto_base_us, u32 rto_max_us);

/*
 * The receiver's own RTT estimate, which paces receive-buffer
 * auto-tuning (Linux: rcv_rtt_est), kept times 8 as Linux keeps it.  A
 * sample from a timestamp echo is smoothed in; one from the time a
 * window's worth of data took to arrive only ever lowers it (@win_dep),
 * for a sender that does not fill the window makes those too long.
 */
u32 atcp_rcv_rtt_update(u32 rtt8_us, u32 sample_us, bool win_dep);

/*
 * Dynamic right-sizing (Linux: tcp_rcv_space_adjust()): the receive
 * buffer that carries @copied bytes a receiver RTT, when the RTT before
 * carried @prior (@copied > @prior > 0), for segments of @advmss bytes
 * that each cost @rcvmem bytes of buffer; 0 when @copied is not more,
 * and at most U32_MAX.
 */
u32 atcp_drs_rcvbuf(u32 copied, u32 prior, u32 advmss, u32 rcvmem);

#endif /* _ATCP_RTO_H */

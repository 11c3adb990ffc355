// SPDX-License-Identifier: GPL-2.0
/*
 * atcp_rto.c - RFC 6298 retransmission timeout estimator, and the
 * receiver's RTT and buffer sizing.
 *
 * The gains 1/8 and 1/4 are applied with shifts, and intermediate sums
 * use u64 so that a pathological multi-second RTT cannot overflow the
 * 4 * RTTVAR term.  The estimator needs no division; buffer sizing
 * divides once per receiver RTT.
 */
#include "atcp_rto.h"

static u32 atcp_rto_clamp(const struct atcp_rto *r, u64 rto)
{
	if (rto < r->min_rto_us)
		return r->min_rto_us;
	if (rto > r->max_rto_us)
		return r->max_rto_us;
	return rto;
}

/*
 * Start with RTO = @initial_rto_us (RFC 6298 2.1 says 1 s) and no RTT
 * estimate.  Every later RTO is kept inside [@min_rto_us, @max_rto_us];
 * the initial one is taken as given.
 */
void atcp_rto_init(struct atcp_rto *r, u32 initial_rto_us, u32 min_rto_us,
		   u32 max_rto_us)
{
	memset(r, 0, sizeof(*r));
	r->rto_us = initial_rto_us;
	r->min_rto_us = min_rto_us;
	r->max_rto_us = max_rto_us;
}

/* RTO = SRTT + max(G, 4 * RTTVAR), within the bounds (RFC 6298 2.3). */
static void atcp_rto_update(struct atcp_rto *r)
{
	r->rto_us = atcp_rto_clamp(r, (u64)r->srtt_us +
				   max_t(u64, ATCP_RTO_G_US,
					 (u64)r->rttvar_us << 2));
}

/* Fold one valid RTT measurement into the estimate (RFC 6298 2.2, 2.3). */
void atcp_rto_sample(struct atcp_rto *r, u32 rtt_us)
{
	u32 delta;

	if (!r->have_sample) {
		r->srtt_us = rtt_us;
		r->rttvar_us = rtt_us >> 1;
		r->have_sample = true;
	} else {
		/* RTTVAR first: RFC 6298 2.3 wants the old SRTT here */
		delta = r->srtt_us > rtt_us ? r->srtt_us - rtt_us :
					      rtt_us - r->srtt_us;
		r->rttvar_us = r->rttvar_us - (r->rttvar_us >> 2) +
			       (delta >> 2);
		/* unsigned steps either way, no right shift of negatives */
		if (rtt_us > r->srtt_us)
			r->srtt_us += (rtt_us - r->srtt_us) >> 3;
		else
			r->srtt_us -= (r->srtt_us - rtt_us) >> 3;
	}
	atcp_rto_update(r);
}

/*
 * A floor for the RTO from now on (a route's rto_min); an estimate
 * already there gives the RTO again under it.
 */
void atcp_rto_set_min(struct atcp_rto *r, u32 min_rto_us)
{
	r->min_rto_us = min_rto_us;
	if (r->have_sample)
		atcp_rto_update(r);
}

static void atcp_minwin_reset(struct atcp_minwin *m, u32 now, u32 v)
{
	int i;

	for (i = 0; i < 3; i++) {
		m->t[i] = now;
		m->v[i] = v;
	}
}

/*
 * Feed sample @v taken at @now into @m, a minimum over windows of @win
 * (same unit as @now, a free-running clock); returns the minimum.  A new
 * best, or a window that saw no sample since the third, starts over.
 * Otherwise the sample replaces the worse ones it beats, and as the best
 * ages out the second and third move up.  Until then, the second and
 * third are refreshed once a quarter and a half of the window passed,
 * so that they stand for the later parts of the window.
 */
u32 atcp_minwin_update(struct atcp_minwin *m, u32 win, u32 now, u32 v)
{
	u32 age;

	if (!m->v[0] || v <= m->v[0] || now - m->t[2] > win) {
		atcp_minwin_reset(m, now, v);
		return v;
	}
	if (v <= m->v[1]) {
		m->t[1] = now;
		m->v[1] = v;
		m->t[2] = now;
		m->v[2] = v;
	} else if (v <= m->v[2]) {
		m->t[2] = now;
		m->v[2] = v;
	}

	age = now - m->t[0];
	if (age > win) {
		/* the best aged out: the next ones move up (twice at most) */
		m->t[0] = m->t[1];
		m->v[0] = m->v[1];
		m->t[1] = m->t[2];
		m->v[1] = m->v[2];
		m->t[2] = now;
		m->v[2] = v;
		if (now - m->t[0] > win) {
			m->t[0] = m->t[1];
			m->v[0] = m->v[1];
			m->t[1] = m->t[2];
			m->v[1] = m->v[2];
		}
	} else if (m->t[1] == m->t[0] && age > win / 4) {
		/* a quarter gone with no second choice: take this one */
		m->t[1] = now;
		m->v[1] = v;
		m->t[2] = now;
		m->v[2] = v;
	} else if (m->t[2] == m->t[1] && age > win / 2) {
		m->t[2] = now;
		m->v[2] = v;
	}
	return m->v[0];
}

/*
 * The smallest RTT of the last @wlen_ms (Linux: tcp_update_rtt_min(),
 * sysctl min_rtt_wlen): RACK's reordering window and CUBIC scale with
 * it, and after a path change the old minimum must not linger.  Fed with
 * the same samples as atcp_rto_sample().
 */
void atcp_rto_min_rtt(struct atcp_rto *r, u32 rtt_us, u32 now_ms,
		      u32 wlen_ms)
{
	r->min_rtt_us = atcp_minwin_update(&r->min_rtt, wlen_ms, now_ms,
					   rtt_us ? rtt_us : 1);
}

/* RFC 6298 5.5: double the timer after it expired, up to the maximum. */
void atcp_rto_backoff(struct atcp_rto *r)
{
	if (r->backoff < ATCP_RTO_MAX_BACKOFF &&
	    atcp_rto_current(r) < r->max_rto_us)
		r->backoff++;
}

void atcp_rto_reset_backoff(struct atcp_rto *r)
{
	r->backoff = 0;
}

/*
 * The first RTO of a connection just established (Linux:
 * tcp_init_metrics()).  The handshake's RTT was taken on small segments:
 * when the RTT kept for the path (@cached_rtt_us, 0: none) is longer, the
 * first RTO comes from it, as the estimator would have set it, while the
 * estimate itself stays, and the first sample of data sets the RTO anew.
 * With no sample from the handshake (its SYN or SYN-ACK was resent) and
 * none kept, 3 s: the timeout of the handshake may have been spurious
 * (RFC 6298 5.7).
 */
void atcp_rto_seed(struct atcp_rto *r, u32 cached_rtt_us)
{
	if (cached_rtt_us > r->srtt_us)
		r->rto_us = atcp_rto_clamp(r, (u64)cached_rtt_us +
					   max_t(u64, 2 * (u64)cached_rtt_us,
						 r->min_rto_us));
	else if (!r->have_sample)
		r->rto_us = ATCP_RTO_FALLBACK_US;
}

/* The timeout to arm now: the computed RTO doubled per backoff, capped. */
u32 atcp_rto_current(const struct atcp_rto *r)
{
	u64 rto = (u64)r->rto_us << r->backoff;

	return min_t(u64, rto, r->max_rto_us);
}

/*
 * How long after the first transmission a connection gives up when
 * @boundary retransmissions go unanswered, modelled as in Linux
 * (tcp_model_timeout()): the timer doubles from @rto_base_us until it
 * reaches @rto_max_us, then repeats at @rto_max_us.  Measuring the limit
 * in time rather than counting retransmissions keeps a path with a long
 * RTT from holding a dead connection (or an orphan) for many minutes:
 * boundary 8 from 200 ms gives up after 102.2 s, 15 after 924.6 s, as
 * Linux's tcp_orphan_retries and tcp_retries2 do.
 */
u64 atcp_rto_give_up_us(u32 boundary, u32 rto_base_us, u32 rto_max_us)
{
	u32 thresh = 0;

	if (!rto_base_us)
		rto_base_us = 1;
	/* the last doubling that stays within the maximum: ilog2(max/base) */
	while (thresh < 31 && ((u64)rto_base_us << (thresh + 1)) <= rto_max_us)
		thresh++;
	if (boundary <= thresh)
		return (((u64)2 << boundary) - 1) * rto_base_us;
	return (((u64)2 << thresh) - 1) * rto_base_us +
	       (u64)(boundary - thresh) * rto_max_us;
}

u32 atcp_rcv_rtt_update(u32 rtt8_us, u32 sample_us, bool win_dep)
{
	u64 sample8 = (u64)sample_us << 3;

	if (!rtt8_us)
		return (u32)min_t(u64, sample8, U32_MAX);
	if (win_dep)
		return (u32)min_t(u64, sample8, rtt8_us);
	/* rtt8 += sample - rtt8 / 8, the 1/8 gain of srtt */
	sample8 = (u64)rtt8_us - (rtt8_us >> 3) + sample_us;
	return (u32)min_t(u64, sample8, U32_MAX);
}

/* a * b, or U64_MAX when that does not fit */
static u64 atcp_mul_sat(u64 a, u64 b)
{
	if (a && b > div64_u64(U64_MAX, a))
		return U64_MAX;
	return a * b;
}

u32 atcp_drs_rcvbuf(u32 copied, u32 prior, u32 advmss, u32 rcvmem)
{
	u64 rcvwin, grow;

	if (!prior || copied <= prior || !advmss)
		return 0;
	/*
	 * Twice what arrived in the last RTT, to ride out a loss, and some
	 * segments of cushion; then as much again as the sender grew from
	 * the RTT before (twice that: slow start doubles each RTT, and the
	 * window offered now is for the RTT after next).
	 */
	rcvwin = ((u64)copied << 1) + 16 * (u64)advmss;
	grow = div64_u64(atcp_mul_sat(rcvwin, copied - prior), prior);
	rcvwin += min_t(u64, grow, U32_MAX) << 1;
	return min_t(u64, atcp_mul_sat(div64_u64(rcvwin, advmss), rcvmem),
		     U32_MAX);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * atcp_pathm.c - how an ending connection's estimates are folded into
 * its peer's path metrics (Linux: tcp_update_metrics()).
 *
 * Pure code: compiled into atcp.ko and into the user-space unit tests.
 */
#include "atcp_pathm.h"

static void atcp_pathm_save_rtt(struct atcp_pathm *m,
				const struct atcp_pathm_conn *c)
{
	u32 dev;

	/* overestimating the RTT is the safer error: longer ones win */
	if (c->srtt_us >= m->rtt_us) {
		dev = c->srtt_us - m->rtt_us;
		m->rtt_us = c->srtt_us;
	} else {
		dev = m->rtt_us - c->srtt_us;
		m->rtt_us -= dev >> 3;
	}
	/* the variation: the change, at least the connection's own */
	dev = max_t(u32, dev, c->rttvar_us);
	if (dev >= m->rttvar_us)
		m->rttvar_us = dev;
	else
		m->rttvar_us -= (m->rttvar_us - dev) >> 2;
}

void atcp_pathm_save(struct atcp_pathm *m, const struct atcp_pathm_conn *c)
{
	if (!c->srtt_us) {
		/* no RTT came back in time: what was kept may mislead */
		m->rtt_us = 0;
		return;
	}
	atcp_pathm_save_rtt(m, c);

	switch (c->phase) {
	case ATCP_PATHM_INITIAL_SS:
		/*
		 * The first slow start never ended: the window is a lower
		 * bound of what the path takes.  Raise a kept ssthresh to
		 * half of it, make none.
		 */
		if (c->save_ssthresh && m->ssthresh &&
		    (c->cwnd >> 1) > m->ssthresh)
			m->ssthresh = c->cwnd >> 1;
		m->cwnd = max_t(u32, m->cwnd, c->cwnd);
		break;
	case ATCP_PATHM_CA:
		/* the window is what the path took: half of it is safe */
		if (c->save_ssthresh)
			m->ssthresh = max_t(u32, c->cwnd >> 1, c->ssthresh);
		m->cwnd = (m->cwnd + c->cwnd) >> 1;
		break;
	default:
		/*
		 * After a loss the window means little; the ssthresh the loss
		 * left does, and so does reordering seen on the way.
		 */
		m->cwnd = (m->cwnd + c->ssthresh) >> 1;
		if (c->save_ssthresh && m->ssthresh &&
		    c->ssthresh > m->ssthresh)
			m->ssthresh = c->ssthresh;
		if (m->reordering < c->reordering &&
		    c->reordering != c->default_reordering)
			m->reordering = c->reordering;
		break;
	}
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * atcp_pathm.h - path metrics: what connections learned of the path to a
 * peer, kept after they end so that the next connection to that peer
 * starts from it (Linux: tcp_metrics.c).
 *
 * Pure code: compiled into atcp.ko and into the user-space unit tests.
 * Windows are in segments, times in microseconds.
 *
 * A connection that ends cleanly (TIME-WAIT, or the last ACK of LAST-ACK)
 * folds its estimates into its peer's entry with atcp_pathm_save().  The
 * RTT is the one that matters: a longer one replaces what was kept, a
 * shorter one is only averaged in, since an RTO too short resends in
 * vain.  A connection that had no valid RTT (none was measured, or the
 * timer was backed off when it ended) clears the kept one.  The window
 * is kept as its phase allows: the largest window of a first slow start
 * that never ended, the average in congestion avoidance, and after a
 * loss the ssthresh the loss left.  The next connection takes its first
 * RTO, its ssthresh (when no_ssthresh_metrics_save is 0) and its
 * dupthresh from the entry (atcp_metrics_init()).
 */
#ifndef _ATCP_PATHM_H
#define _ATCP_PATHM_H

#include "atcp_compat.h"

struct atcp_pathm {
	u32 rtt_us;		/* smoothed RTT, 0: none */
	u32 rttvar_us;
	u32 ssthresh;		/* 0: none */
	u32 cwnd;		/* 0: none */
	u32 reordering;		/* dupthresh, 0: none */
};

/* Where a connection's sender was when it ended: what its window tells. */
enum atcp_pathm_phase {
	ATCP_PATHM_INITIAL_SS,	/* in its first slow start */
	ATCP_PATHM_CA,		/* congestion avoidance, no loss under way */
	ATCP_PATHM_OTHER,	/* slow start after a loss, or recovering */
};

/* What an ending connection knows. */
struct atcp_pathm_conn {
	u32 srtt_us;		/* 0: no valid estimate */
	u32 rttvar_us;
	u32 cwnd;
	u32 ssthresh;
	u32 reordering;
	u32 default_reordering;	/* the sysctl "reordering" */
	u8 phase;		/* enum atcp_pathm_phase */
	bool save_ssthresh;	/* no_ssthresh_metrics_save is 0 */
};

void atcp_pathm_save(struct atcp_pathm *m, const struct atcp_pathm_conn *c);

#endif /* _ATCP_PATHM_H */

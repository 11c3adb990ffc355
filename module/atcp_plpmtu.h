/* SPDX-License-Identifier: GPL-2.0 */
/*
 * atcp_plpmtu.h - packetization layer path MTU discovery (RFC 4821): the
 * search for the largest packet the path carries, by probes, for paths
 * whose routers drop large packets without an ICMP error (a "black hole").
 *
 * Pure code: compiled into atcp.ko and into the user-space unit tests.
 * Sizes are MTUs, IP header included; times are in the caller's ticks.
 *
 * The search keeps the range [search_low, search_high]: search_low is
 * known to pass, nothing above search_high can.  Each probe is one
 * segment of the middle size: a probe that arrives raises search_low to
 * it, a lost one lowers search_high below it.  The search ends once the
 * range is narrower than a threshold, and starts over after an interval
 * in case the path changed.  A connection on which retransmissions time
 * out turns the search on (Linux's mtu_probing=1) and, when it is on
 * already, halves search_low down to a floor.  As Linux's icsk_mtup.
 */
#ifndef _ATCP_PLPMTU_H
#define _ATCP_PLPMTU_H

#include "atcp_compat.h"

struct atcp_plpmtu {
	u32 search_high;	/* the largest MTU not known to fail */
	u32 search_low;		/* the largest MTU known to pass */
	u32 probe_size;		/* MTU of the probe in flight, 0: none */
	u32 probe_seq;		/* the probe's sequence space */
	u32 probe_end_seq;
	u32 started;		/* when this search (or the last) began */
	bool on;		/* the MSS follows search_low, probes go */
};

/* A new search from @low (sure to pass) up to @high. */
static inline void atcp_plpmtu_init(struct atcp_plpmtu *p, u32 high, u32 low,
				    bool on, u32 now)
{
	p->search_high = high;
	p->search_low = low;
	p->probe_size = 0;
	p->on = on;
	p->started = now;
}

u32 atcp_plpmtu_next(const struct atcp_plpmtu *p, int threshold);
bool atcp_plpmtu_restart_due(const struct atcp_plpmtu *p, u32 now,
			     u32 interval);

/* The probe of @mtu bytes went out. */
static inline void atcp_plpmtu_sent(struct atcp_plpmtu *p, u32 mtu, u32 seq,
				    u32 end_seq)
{
	p->probe_size = mtu;
	p->probe_seq = seq;
	p->probe_end_seq = end_seq;
}

/* It arrived: the path carries it. */
static inline void atcp_plpmtu_passed(struct atcp_plpmtu *p)
{
	p->search_low = p->probe_size;
	p->probe_size = 0;
}

/* It was lost while the segments after it arrived: too large. */
static inline void atcp_plpmtu_failed(struct atcp_plpmtu *p)
{
	p->search_high = p->probe_size - 1;
	p->probe_size = 0;
}

void atcp_plpmtu_black_hole(struct atcp_plpmtu *p, u32 hdr_len, int base_mss,
			    int floor_mss, u32 now);
u32 atcp_plpmtu_scale_cwnd(u32 cwnd, u32 old_mtu, u32 new_mtu);

#endif /* _ATCP_PLPMTU_H */

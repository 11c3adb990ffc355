// SPDX-License-Identifier: GPL-2.0
/*
 * atcp_plpmtu.c - the path MTU search of RFC 4821, as Linux runs it
 * (tcp_mtu_probe(), tcp_mtu_probing(), tcp_mtup_probe_success()).
 */
#include "atcp_plpmtu.h"

/*
 * The MTU of the next probe: halfway up the range (a binary search), or
 * 0 once the range is narrower than @threshold bytes, or holds nothing
 * above search_low (the path MTU from ICMP may have fallen below it), or
 * the search is off.
 */
u32 atcp_plpmtu_next(const struct atcp_plpmtu *p, int threshold)
{
	u32 mid = (p->search_high + p->search_low) >> 1;

	if (!p->on || p->probe_size ||
	    (s64)p->search_high - p->search_low < threshold ||
	    mid <= p->search_low)
		return 0;
	return mid;
}

/* Has the finished search stood for @interval ticks, to be run again? */
bool atcp_plpmtu_restart_due(const struct atcp_plpmtu *p, u32 now,
			     u32 interval)
{
	return p->on && (s32)(now - p->started) >= 0 &&
	       now - p->started >= interval;
}

/*
 * Retransmissions timed out: perhaps large segments fall into a black
 * hole.  The first time, search from search_low (what base_mss gives)
 * and send no larger; after that, halve the MSS search_low gives, but
 * not above @base_mss nor below @floor_mss.  @hdr_len is what an MTU
 * holds besides the MSS: IP and TCP headers, timestamps.
 */
void atcp_plpmtu_black_hole(struct atcp_plpmtu *p, u32 hdr_len, int base_mss,
			    int floor_mss, u32 now)
{
	int mss;

	if (!p->on) {
		p->on = true;
		p->started = now;
		return;
	}
	mss = ((int)p->search_low - (int)hdr_len) >> 1;
	mss = min_t(int, mss, base_mss);
	mss = max_t(int, mss, floor_mss);
	p->search_low = mss + hdr_len;
}

/*
 * A probe passed and segments grow from @old_mtu to @new_mtu: the window
 * keeps about the bytes it had, in fewer segments.
 */
u32 atcp_plpmtu_scale_cwnd(u32 cwnd, u32 old_mtu, u32 new_mtu)
{
	u64 val = (u64)cwnd * old_mtu;

	if (!new_mtu)
		return cwnd;
	val = div64_u64(val, new_mtu);
	return val ? (u32)min_t(u64, val, U32_MAX) : 1;
}

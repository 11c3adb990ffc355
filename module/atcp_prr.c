// SPDX-License-Identifier: GPL-2.0
/*
 * atcp_prr.c - Proportional Rate Reduction (RFC 6937 3).
 */
#include "atcp_prr.h"

/*
 * An ACK delivered @newly_delivered segments with @pipe segments still
 * in flight: the window to send with now, @cwnd when it delivered nothing.
 */
u32 atcp_prr_cwnd(struct atcp_prr *p, u32 cwnd, u32 ssthresh, u32 pipe,
		  u32 newly_delivered, bool una_advanced_no_loss)
{
	s64 sndcnt;

	if (!newly_delivered)
		return cwnd;
	p->delivered += newly_delivered;
	if (pipe > ssthresh) {
		/*
		 * CEIL(prr_delivered * ssthresh / RecoverFS), less what went
		 * out; RecoverFS is the window before the cut, as in Linux.
		 */
		u64 due = div64_u64((u64)ssthresh * p->delivered +
				    p->prior_cwnd - 1, p->prior_cwnd);

		sndcnt = (s64)due - p->out;
	} else {
		sndcnt = max_t(s64, (s64)p->delivered - p->out,
			       newly_delivered);
		if (una_advanced_no_loss)
			sndcnt++;
		sndcnt = min_t(s64, sndcnt, ssthresh - pipe);
	}
	if (!p->out)
		sndcnt = max_t(s64, sndcnt, 1);
	sndcnt = max_t(s64, sndcnt, 0);
	return max_t(u32, pipe + sndcnt, 1);
}

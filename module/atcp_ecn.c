// SPDX-License-Identifier: GPL-2.0
/*
 * atcp_ecn.c - ECN negotiation, marking and echo (RFC 3168).  Pure code:
 * see atcp_ecn.h.
 */
#include "atcp_ecn.h"

#define ATCP_ECN_TH_BOTH	(ATCP_ECN_TH_ECE | ATCP_ECN_TH_CWR)

/* The flags an active open adds to its SYN (RFC 3168 6.1.1). */
u8 atcp_ecn_syn_flags(int mode)
{
	return mode == ATCP_ECN_MODE_ON ? ATCP_ECN_TH_BOTH : 0;
}

/*
 * A listener got a SYN: does it agree to ECN?  The SYN must ask for it
 * with ECE and CWR.  A SYN that is itself ECN-capable comes from a broken
 * or a future sender (RFC 3168 6.1.1 forbids it): as Linux, agree then
 * only when a reserved header bit shows the latter (AccECN, RFC 9768).
 */
bool atcp_ecn_syn_ok(u8 th_flags, u8 th_res, u8 ip_ecn, int mode)
{
	if ((th_flags & ATCP_ECN_TH_BOTH) != ATCP_ECN_TH_BOTH)
		return false;
	if (mode == ATCP_ECN_MODE_OFF)
		return false;
	return ip_ecn == ATCP_ECN_NOT_ECT || th_res;
}

/* Our SYN asked for ECN: the SYN-ACK agrees with ECE alone. */
bool atcp_ecn_synack_ok(u8 th_flags)
{
	return (th_flags & ATCP_ECN_TH_BOTH) == ATCP_ECN_TH_ECE;
}

/* Simultaneous open: our SYN asked for ECN, and so must the peer's. */
bool atcp_ecn_simopen_ok(u8 th_flags)
{
	return (th_flags & ATCP_ECN_TH_BOTH) == ATCP_ECN_TH_BOTH;
}

/*
 * The flags of a SYN-ACK sent from a queued SYN (simultaneous open):
 * never CWR, and ECE only when ECN is agreed.
 */
u8 atcp_ecn_synack_flags(u8 ecn, u8 syn_flags)
{
	syn_flags &= ~ATCP_ECN_TH_BOTH;
	if (ecn & ATCP_ECN_OK)
		syn_flags |= ATCP_ECN_TH_ECE;
	return syn_flags;
}

/*
 * A segment with new data came, with TCP flags @th_flags and IP ECN field
 * @ip_ecn: the connection's new state.  *@ack_now asks for an immediate
 * ACK: the sender cut its window (CWR) or must hear of a CE mark soon,
 * and may have a very small window left; or an ECN connection got a
 * segment that is not ECN-capable, most likely a retransmission.
 */
u8 atcp_ecn_rcv_data(u8 ecn, u8 th_flags, u8 ip_ecn, bool *ack_now)
{
	*ack_now = false;
	if (th_flags & ATCP_ECN_TH_CWR) {
		ecn &= ~ATCP_ECN_DEMAND_CWR;
		*ack_now = true;
	}
	if (!(ecn & ATCP_ECN_OK))
		return ecn;
	switch (ip_ecn) {
	case ATCP_ECN_NOT_ECT:
		if (ecn & ATCP_ECN_SEEN)
			*ack_now = true;
		break;
	case ATCP_ECN_CE:
		if (!(ecn & ATCP_ECN_DEMAND_CWR)) {
			ecn |= ATCP_ECN_DEMAND_CWR;
			*ack_now = true;
		}
		ecn |= ATCP_ECN_SEEN;
		break;
	default:
		ecn |= ATCP_ECN_SEEN;
		break;
	}
	return ecn;
}

/*
 * A segment with flags @th_flags goes out; @new_data when it carries data
 * never sent before.  Returns the flags to add (ECE, CWR) and sets
 * *@ip_ecn to the IP header's ECN field.  A CWR is sent once, on new data,
 * so that it is not lost with a pure ACK (RFC 3168 6.1.2, 6.1.5).
 */
u8 atcp_ecn_xmit(u8 *ecn, u8 th_flags, bool new_data, u8 *ip_ecn)
{
	u8 add = 0;

	*ip_ecn = ATCP_ECN_NOT_ECT;
	if (!(*ecn & ATCP_ECN_OK) || (th_flags & ATCP_ECN_TH_SYN))
		return 0;
	if (new_data) {
		*ip_ecn = ATCP_ECN_ECT_0;
		if (*ecn & ATCP_ECN_QUEUE_CWR) {
			*ecn &= ~ATCP_ECN_QUEUE_CWR;
			add |= ATCP_ECN_TH_CWR;
		}
	}
	if (*ecn & ATCP_ECN_DEMAND_CWR)
		add |= ATCP_ECN_TH_ECE;
	return add;
}

/* Does an ACK with @th_flags echo congestion (ECE) on an ECN connection? */
bool atcp_ecn_echo(u8 ecn, u8 th_flags)
{
	return (ecn & ATCP_ECN_OK) && (th_flags & ATCP_ECN_TH_ECE) &&
	       !(th_flags & ATCP_ECN_TH_SYN);
}

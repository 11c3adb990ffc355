// SPDX-License-Identifier: GPL-2.0
/*
 * test_ecn.c - ECN negotiation, marking and echo (RFC 3168): the rules of
 * atcp_ecn.c against the cases of the RFC and of Linux.
 */
#include "atcp_ecn.h"
#include "tap.h"

#define SYN	ATCP_ECN_TH_SYN
#define ACK	0x10
#define ECE	ATCP_ECN_TH_ECE
#define CWR	ATCP_ECN_TH_CWR

static void test_negotiation(void)
{
	tap_ok(atcp_ecn_syn_flags(ATCP_ECN_MODE_ON) == (ECE | CWR),
	       "ecn=1: the SYN asks with ECE and CWR");
	tap_ok(!atcp_ecn_syn_flags(ATCP_ECN_MODE_PASSIVE) &&
	       !atcp_ecn_syn_flags(ATCP_ECN_MODE_OFF),
	       "ecn=2 and ecn=0: the SYN does not ask");

	tap_ok(atcp_ecn_syn_ok(SYN | ECE | CWR, 0, ATCP_ECN_NOT_ECT,
			       ATCP_ECN_MODE_PASSIVE) &&
	       atcp_ecn_syn_ok(SYN | ECE | CWR, 0, ATCP_ECN_NOT_ECT,
			       ATCP_ECN_MODE_ON),
	       "a listener with ecn=1 or 2 agrees to an ECN-setup SYN");
	tap_ok(!atcp_ecn_syn_ok(SYN | ECE | CWR, 0, ATCP_ECN_NOT_ECT,
				ATCP_ECN_MODE_OFF),
	       "ecn=0: no agreement");
	tap_ok(!atcp_ecn_syn_ok(SYN | ECE, 0, ATCP_ECN_NOT_ECT, 2) &&
	       !atcp_ecn_syn_ok(SYN | CWR, 0, ATCP_ECN_NOT_ECT, 2) &&
	       !atcp_ecn_syn_ok(SYN, 0, ATCP_ECN_NOT_ECT, 2),
	       "a SYN without both ECE and CWR does not ask");
	tap_ok(!atcp_ecn_syn_ok(SYN | ECE | CWR, 0, ATCP_ECN_ECT_0, 2) &&
	       !atcp_ecn_syn_ok(SYN | ECE | CWR, 0, ATCP_ECN_CE, 2),
	       "an ECN-capable SYN is refused ECN");
	tap_ok(atcp_ecn_syn_ok(SYN | ECE | CWR, 1, ATCP_ECN_ECT_0, 2),
	       "... unless a reserved bit shows a newer sender (as Linux)");

	tap_ok(atcp_ecn_synack_ok(SYN | ACK | ECE),
	       "a SYN-ACK with ECE alone agrees");
	tap_ok(!atcp_ecn_synack_ok(SYN | ACK) &&
	       !atcp_ecn_synack_ok(SYN | ACK | ECE | CWR),
	       "without ECE, or with CWR too (a reflector), it does not");
	tap_ok(atcp_ecn_simopen_ok(SYN | ECE | CWR) &&
	       !atcp_ecn_simopen_ok(SYN | ECE),
	       "simultaneous open: the peer's SYN must ask as well");
	tap_ok(atcp_ecn_synack_flags(ATCP_ECN_OK, SYN | ECE | CWR) ==
	       (SYN | ECE) &&
	       atcp_ecn_synack_flags(0, SYN | ECE | CWR) == SYN,
	       "our SYN-ACK from a queued SYN: ECE when agreed, never CWR");
}

static void test_marking(void)
{
	u8 ecn = ATCP_ECN_OK, ip, add;

	add = atcp_ecn_xmit(&ecn, ACK, true, &ip);
	tap_ok(!add && ip == ATCP_ECN_ECT_0, "new data: ECT(0), no flags");
	add = atcp_ecn_xmit(&ecn, ACK, false, &ip);
	tap_ok(!add && ip == ATCP_ECN_NOT_ECT,
	       "an ACK or a retransmission: not ECN-capable");
	add = atcp_ecn_xmit(&ecn, SYN | ECE | CWR, false, &ip);
	tap_ok(!add && ip == ATCP_ECN_NOT_ECT, "a SYN: not ECN-capable");

	ecn = 0;
	add = atcp_ecn_xmit(&ecn, ACK, true, &ip);
	tap_ok(!add && ip == ATCP_ECN_NOT_ECT,
	       "no ECN agreed: new data is not ECN-capable either");

	ecn = ATCP_ECN_OK | ATCP_ECN_QUEUE_CWR;
	add = atcp_ecn_xmit(&ecn, ACK, false, &ip);
	tap_ok(!add && (ecn & ATCP_ECN_QUEUE_CWR),
	       "a pending CWR waits for new data");
	add = atcp_ecn_xmit(&ecn, ACK, true, &ip);
	tap_ok(add == CWR && !(ecn & ATCP_ECN_QUEUE_CWR) &&
	       ip == ATCP_ECN_ECT_0, "... and goes out on it, once");
	add = atcp_ecn_xmit(&ecn, ACK, true, &ip);
	tap_ok(!add, "the next new data has no CWR");
}

static void test_echo(void)
{
	u8 ecn = ATCP_ECN_OK, ip, add;
	bool now;

	ecn = atcp_ecn_rcv_data(ecn, ACK, ATCP_ECN_ECT_0, &now);
	tap_ok(ecn == (ATCP_ECN_OK | ATCP_ECN_SEEN) && !now,
	       "ECT data: seen, no hurry");
	ecn = atcp_ecn_rcv_data(ecn, ACK, ATCP_ECN_CE, &now);
	tap_ok((ecn & ATCP_ECN_DEMAND_CWR) && now,
	       "CE: echo it, and ACK at once");
	add = atcp_ecn_xmit(&ecn, ACK, false, &ip);
	tap_ok(add == ECE, "every ACK carries ECE");
	add = atcp_ecn_xmit(&ecn, ACK, true, &ip);
	tap_ok(add == ECE && ip == ATCP_ECN_ECT_0,
	       "so does our data, still ECN-capable");
	ecn = atcp_ecn_rcv_data(ecn, ACK, ATCP_ECN_CE, &now);
	tap_ok((ecn & ATCP_ECN_DEMAND_CWR) && !now,
	       "a second CE while echoing: nothing new");
	ecn = atcp_ecn_rcv_data(ecn, ACK | CWR, ATCP_ECN_ECT_0, &now);
	tap_ok(!(ecn & ATCP_ECN_DEMAND_CWR) && now,
	       "CWR ends the echo, and is acknowledged at once");
	add = atcp_ecn_xmit(&ecn, ACK, false, &ip);
	tap_ok(!add, "no ECE after CWR");
	ecn = atcp_ecn_rcv_data(ecn, ACK | CWR, ATCP_ECN_CE, &now);
	tap_ok((ecn & ATCP_ECN_DEMAND_CWR) && now,
	       "CE on the CWR segment itself: echo again");
	ecn = atcp_ecn_rcv_data(ATCP_ECN_OK | ATCP_ECN_SEEN, ACK,
				ATCP_ECN_NOT_ECT, &now);
	tap_ok(now, "not ECN-capable after ECT was seen: a resend, ACK now");
	ecn = atcp_ecn_rcv_data(0, ACK, ATCP_ECN_CE, &now);
	tap_ok(ecn == 0 && !now, "no ECN agreed: CE means nothing");

	tap_ok(atcp_ecn_echo(ATCP_ECN_OK, ACK | ECE),
	       "an ACK with ECE echoes congestion");
	tap_ok(!atcp_ecn_echo(0, ACK | ECE) &&
	       !atcp_ecn_echo(ATCP_ECN_OK, SYN | ACK | ECE) &&
	       !atcp_ecn_echo(ATCP_ECN_OK, ACK),
	       "not without ECN, on a SYN-ACK, or without ECE");
}

int main(void)
{
	tap_header();
	test_negotiation();
	test_marking();
	test_echo();
	return tap_finish();
}

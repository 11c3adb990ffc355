/* SPDX-License-Identifier: GPL-2.0 */
/*
 * atcp_ecn.h - Explicit Congestion Notification (RFC 3168), the decisions.
 *
 * Pure code: compiled into atcp.ko and into the user-space unit tests.
 * The glue keeps a connection's ECN state in one byte of ATCP_ECN_* bits
 * and asks these functions what a SYN, a SYN-ACK, a data segment or an
 * ACK means for it, and what a segment it sends must carry: the TCP flags
 * ECE and CWR, and the ECN field of the IP header.
 *
 * The rules are Linux's (net/ipv4/tcp_input.c, tcp_output.c): the
 * "ecn" sysctl 1 asks for ECN on outgoing connections, 1 and 2 accept it
 * on incoming ones; only new data is sent ECN-capable, never an ACK, a
 * retransmission or a SYN; a CE mark is echoed with ECE on every segment
 * until a data segment carrying CWR comes back.
 */
#ifndef _ATCP_ECN_H
#define _ATCP_ECN_H

#include "atcp_compat.h"

/* A connection's ECN state (atcp_sock.ecn_flags). */
#define ATCP_ECN_OK		0x01	/* negotiated in the handshake */
#define ATCP_ECN_QUEUE_CWR	0x02	/* the next new data carries CWR */
#define ATCP_ECN_DEMAND_CWR	0x04	/* CE came: echo ECE until CWR */
#define ATCP_ECN_SEEN		0x08	/* an ECT or CE segment came */
#define ATCP_ECN_IN_CWR		0x10	/* window cut for an ECE, this round */

/* TCP header flags (byte 13) this code looks at, as on the wire. */
#define ATCP_ECN_TH_SYN		0x02
#define ATCP_ECN_TH_ECE		0x40
#define ATCP_ECN_TH_CWR		0x80

/* The ECN field of the IP header (RFC 3168 5). */
#define ATCP_ECN_NOT_ECT	0
#define ATCP_ECN_ECT_1		1
#define ATCP_ECN_ECT_0		2
#define ATCP_ECN_CE		3

/* What the ecn sysctl says (Linux's tcp_ecn). */
#define ATCP_ECN_MODE_OFF	0	/* neither ask nor accept */
#define ATCP_ECN_MODE_ON	1	/* ask on connect, accept */
#define ATCP_ECN_MODE_PASSIVE	2	/* accept only: the default */

u8 atcp_ecn_syn_flags(int mode);
bool atcp_ecn_syn_ok(u8 th_flags, u8 th_res, u8 ip_ecn, int mode);
bool atcp_ecn_synack_ok(u8 th_flags);
bool atcp_ecn_simopen_ok(u8 th_flags);
u8 atcp_ecn_synack_flags(u8 ecn, u8 syn_flags);
u8 atcp_ecn_rcv_data(u8 ecn, u8 th_flags, u8 ip_ecn, bool *ack_now);
u8 atcp_ecn_xmit(u8 *ecn, u8 th_flags, bool new_data, u8 *ip_ecn);
bool atcp_ecn_echo(u8 ecn, u8 th_flags);

#endif /* _ATCP_ECN_H */

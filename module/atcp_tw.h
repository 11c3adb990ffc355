/* SPDX-License-Identifier: GPL-2.0 */
/*
 * atcp_tw.h - TIME-WAIT decisions.
 *
 * Pure code: compiled into atcp.ko and into the user-space unit tests.
 * What a segment does to a TIME-WAIT entry (RFC 9293 3.10.7.4, with
 * RFC 1337, RFC 6191 and RFC 7323 PAWS), whether connect() may take over
 * an entry (tw_reuse), and which hash bucket a 4-tuple's entry sits in.
 * The glue in atcp_minisocks.c owns the entries, their locks and their
 * 2MSL list, and carries the decisions out.
 */
#ifndef _ATCP_TW_H
#define _ATCP_TW_H

#include "atcp_compat.h"

/* What a TIME-WAIT entry remembers that a decision needs. */
struct atcp_tw_view {
	u32 rcv_nxt;		/* one past the peer's FIN */
	u32 ts_recent;		/* the peer's last TSval */
	bool ts;		/* the connection used timestamps */
};

/* The segment, parsed. */
struct atcp_tw_seg {
	u32 seq;
	u32 len;		/* payload bytes, SYN and FIN not counted */
	u32 tsval;
	bool ts;		/* carries a timestamp option */
	bool syn, ack, fin, rst;
};

enum atcp_tw_action {
	ATCP_TW_IGNORE,		/* drop it, send nothing */
	ATCP_TW_ACK,		/* answer with our ACK; the entry is unchanged */
	/* the peer's FIN again: take its TSval, restart 2MSL, ACK it */
	ATCP_TW_FIN_AGAIN,
	ATCP_TW_KILL,		/* a RST ends TIME-WAIT */
	/* a new incarnation: the entry ends and the listeners get the SYN */
	ATCP_TW_NEW_SYN,
};

enum atcp_tw_action atcp_tw_segment(const struct atcp_tw_view *tw,
				    const struct atcp_tw_seg *seg,
				    bool rfc1337);

/* tw_reuse, as net.ipv4.tcp_tw_reuse */
enum {
	ATCP_TW_REUSE_OFF = 0,
	ATCP_TW_REUSE_ON = 1,
	ATCP_TW_REUSE_LOOPBACK = 2,	/* the default */
};

/* An entry must be older than this before connect() may take it over. */
#define ATCP_TW_REUSE_AGE_MS	1000

bool atcp_tw_reusable(int mode, bool loopback, bool ts, u32 age_ms);
u32 atcp_tw_reuse_iss(u32 old_snd_nxt);

/*
 * The 4-tuple of an entry, local end first, ports in network order.  The
 * addresses are IPv6 ones, IPv4 addresses v4-mapped (::ffff:a.b.c.d), so
 * that one table holds both families.  No padding: the whole struct is
 * hashed.
 */
struct atcp_tw_key {
	u8 laddr[16];
	u8 faddr[16];
	__be16 lport;
	__be16 fport;
	u32 net_mix;		/* tells network namespaces apart */
};

u32 atcp_tw_bucket(const siphash_key_t *secret, const struct atcp_tw_key *k,
		   u32 mask);

#endif /* _ATCP_TW_H */

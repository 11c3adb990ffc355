/* SPDX-License-Identifier: GPL-2.0 */
/*
 * atcp.h - internal interfaces shared by the kernel glue of atcp.
 *
 * The pure protocol code (atcp_fsm, atcp_opt, atcp_rto, atcp_cookie, ...)
 * does not include this file: it sees only atcp_compat.h.
 */
#ifndef _ATCP_H
#define _ATCP_H

#include <linux/types.h>
#include <net/sock.h>
#include <net/inet_sock.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include <uapi/linux/atcp.h>

/* The protocol number applications pass to socket(); module parameter. */
extern int atcp_protocol;

/*
 * Per network namespace tunables, mirroring net.ipv4.tcp_* (same names
 * without the prefix, same defaults).  Each field is an int so the sysctl
 * table can use proc_dointvec_minmax throughout.
 */
struct atcp_sysctl {
	int syn_retries;
	int synack_retries;
	int retries1;
	int retries2;
	int fin_timeout;
	int orphan_retries;
	int keepalive_time;
	int keepalive_intvl;
	int keepalive_probes;
};

/* Everything atcp keeps per network namespace. */
struct atcp_net {
	struct atcp_sysctl sysctl;
	struct ctl_table_header *sysctl_hdr;
};

extern unsigned int atcp_net_id;

static inline struct atcp_net *atcp_net(const struct net *net)
{
	return net_generic(net, atcp_net_id);
}

/*
 * An atcp socket.  It starts with inet_sock so that the AF_INET socket
 * layer (inet_create, inet_release, inet_getname) can serve it; all TCP
 * state that follows is atcp's own.
 */
struct atcp_sock {
	struct inet_sock inet;
};

static inline struct atcp_sock *atcp_sk(const struct sock *sk)
{
	return (struct atcp_sock *)sk;
}

/* atcp_sock.c */
extern struct proto atcp_prot;
extern const struct proto_ops atcp_stream_ops;

/* atcp_sysctl.c */
void atcp_sysctl_defaults(struct atcp_sysctl *s);
int atcp_sysctl_net_init(struct net *net);
void atcp_sysctl_net_exit(struct net *net);

/* atcp_proc.c */
int atcp_proc_net_init(struct net *net);
void atcp_proc_net_exit(struct net *net);

#endif /* _ATCP_H */

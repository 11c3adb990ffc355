/* SPDX-License-Identifier: GPL-2.0 */
/*
 * atcp's tracepoints: atcp:atcp_set_state, on every state change of an
 * atcp socket, with the fields of Linux's sock:inet_sock_set_state (family,
 * protocol, the ports, IPv4 and IPv6 addresses), so that tracefs, perf and
 * the scripts people already have for TCP work on it:
 *
 *	echo 1 > /sys/kernel/tracing/events/atcp/atcp_set_state/enable
 *	perf record -e atcp:atcp_set_state -a
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM atcp

#if !defined(_ATCP_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _ATCP_TRACE_H

#include <linux/tracepoint.h>
#include <linux/socket.h>
#include <net/inet_sock.h>
#include <net/tcp_states.h>

#include "atcp.h"

#define atcp_trace_family_name(f)					\
	__print_symbolic(f, { AF_INET, "AF_INET" }, { AF_INET6, "AF_INET6" })

#define atcp_trace_state_name(s)					\
	__print_symbolic(s,					\
			 { TCP_ESTABLISHED, "TCP_ESTABLISHED" },	\
			 { TCP_SYN_SENT, "TCP_SYN_SENT" },	\
			 { TCP_SYN_RECV, "TCP_SYN_RECV" },	\
			 { TCP_FIN_WAIT1, "TCP_FIN_WAIT1" },	\
			 { TCP_FIN_WAIT2, "TCP_FIN_WAIT2" },	\
			 { TCP_TIME_WAIT, "TCP_TIME_WAIT" },	\
			 { TCP_CLOSE, "TCP_CLOSE" },		\
			 { TCP_CLOSE_WAIT, "TCP_CLOSE_WAIT" },	\
			 { TCP_LAST_ACK, "TCP_LAST_ACK" },	\
			 { TCP_LISTEN, "TCP_LISTEN" },		\
			 { TCP_CLOSING, "TCP_CLOSING" })

TRACE_EVENT(atcp_set_state,

	TP_PROTO(const struct sock *sk, int oldstate, int newstate),

	TP_ARGS(sk, oldstate, newstate),

	TP_STRUCT__entry(
		__field(const void *, skaddr)
		__field(int, oldstate)
		__field(int, newstate)
		__field(__u16, sport)
		__field(__u16, dport)
		__field(__u16, family)
		__field(__u16, protocol)
		__array(__u8, saddr, 4)
		__array(__u8, daddr, 4)
		__array(__u8, saddr_v6, 16)
		__array(__u8, daddr_v6, 16)
	),

	TP_fast_assign(
		const struct inet_sock *inet = inet_sk(sk);
		struct in6_addr *s6 = (struct in6_addr *)__entry->saddr_v6;
		struct in6_addr *d6 = (struct in6_addr *)__entry->daddr_v6;

		__entry->skaddr = sk;
		__entry->oldstate = oldstate;
		__entry->newstate = newstate;
		__entry->sport = ntohs(inet->inet_sport);
		__entry->dport = ntohs(inet->inet_dport);
		__entry->family = sk->sk_family;
		__entry->protocol = sk->sk_protocol;
		memcpy(__entry->saddr, &inet->inet_saddr, 4);
		memcpy(__entry->daddr, &inet->inet_daddr, 4);
		atcp_sk_user_addrs(sk, s6, d6);
	),

	TP_printk("family=%s protocol=%hu sport=%hu dport=%hu saddr=%pI4 daddr=%pI4 saddrv6=%pI6c daddrv6=%pI6c oldstate=%s newstate=%s",
		  atcp_trace_family_name(__entry->family), __entry->protocol,
		  __entry->sport, __entry->dport, __entry->saddr,
		  __entry->daddr, __entry->saddr_v6, __entry->daddr_v6,
		  atcp_trace_state_name(__entry->oldstate),
		  atcp_trace_state_name(__entry->newstate))
);

#endif /* _ATCP_TRACE_H */

/* This part must be outside the multi-read protection. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#define TRACE_INCLUDE_FILE atcp_trace
#include <trace/define_trace.h>

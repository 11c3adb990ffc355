/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * atcp - an alternate TCP for Linux: what applications need to use it.
 *
 *	int fd = socket(AF_INET, SOCK_STREAM, IPPROTO_ATCP);
 *
 * gives a stream socket served by atcp instead of Linux's TCP.  On the
 * wire it is ordinary TCP (IP protocol 6) and talks to any TCP peer.
 *
 * IPPROTO_ATCP is the module's default protocol number: 253, one of the two
 * numbers RFC 3692 sets aside for experiments.  A site that loads atcp with
 * `protocol=N` must use N instead; /sys/module/atcp/parameters/protocol
 * tells the number in force.
 *
 * Socket options at level IPPROTO_TCP (SOL_TCP) keep their Linux names and
 * numbers (TCP_NODELAY, TCP_MAXSEG, TCP_INFO, TCP_KEEPIDLE, ...); atcp
 * answers them itself.  Options atcp adds are listed below.
 */
#ifndef _UAPI_LINUX_ATCP_H
#define _UAPI_LINUX_ATCP_H

#ifndef IPPROTO_ATCP
#define IPPROTO_ATCP	253
#endif

#endif /* _UAPI_LINUX_ATCP_H */

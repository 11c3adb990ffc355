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

/*
 * Options atcp adds, at level IPPROTO_TCP or IPPROTO_ATCP (the same for
 * atcp).  Their numbers start at 0x4100, far above Linux's TCP_* numbers,
 * so that the two never meet.
 *
 * ATCP_ZEROCOPY (int, 0 or 1) is SO_ZEROCOPY for atcp sockets: it allows
 * send(..., MSG_ZEROCOPY), with completions on the error queue exactly as
 * for Linux TCP (Documentation/networking/msg_zerocopy.rst).  Linux 6.1
 * answers setsockopt(SOL_SOCKET, SO_ZEROCOPY) itself and refuses it with
 * EOPNOTSUPP for any protocol but TCP and UDP; getsockopt(SOL_SOCKET,
 * SO_ZEROCOPY) reads what ATCP_ZEROCOPY set.  Under atcpize, a program's
 * SO_ZEROCOPY is turned into ATCP_ZEROCOPY.
 */
#define ATCP_ZEROCOPY	0x4101

#endif /* _UAPI_LINUX_ATCP_H */

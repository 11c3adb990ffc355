// SPDX-License-Identifier: GPL-2.0
/*
 * atcp socket layer: struct proto and proto_ops of an atcp stream socket.
 */
#include <linux/module.h>
#include <linux/net.h>
#include <net/sock.h>
#include <net/inet_common.h>

#include "atcp.h"

static void atcp_unhash(struct sock *sk)
{
}

static void atcp_close(struct sock *sk, long timeout)
{
	sk_common_release(sk);
}

static int atcp_setsockopt(struct sock *sk, int level, int optname,
			   sockptr_t optval, unsigned int optlen)
{
	return -ENOPROTOOPT;
}

static int atcp_getsockopt(struct sock *sk, int level, int optname,
			   char __user *optval, int __user *optlen)
{
	return -ENOPROTOOPT;
}

struct proto atcp_prot = {
	.name		= "ATCP",
	.owner		= THIS_MODULE,
	.close		= atcp_close,
	.unhash		= atcp_unhash,
	.setsockopt	= atcp_setsockopt,
	.getsockopt	= atcp_getsockopt,
	.obj_size	= sizeof(struct atcp_sock),
};

const struct proto_ops atcp_stream_ops = {
	.family		= PF_INET,
	.owner		= THIS_MODULE,
	.release	= inet_release,
	.bind		= sock_no_bind,
	.connect	= sock_no_connect,
	.socketpair	= sock_no_socketpair,
	.accept		= sock_no_accept,
	.getname	= inet_getname,
	.ioctl		= sock_no_ioctl,
	.listen		= sock_no_listen,
	.shutdown	= sock_no_shutdown,
	.setsockopt	= sock_common_setsockopt,
	.getsockopt	= sock_common_getsockopt,
	.sendmsg	= sock_no_sendmsg,
	.recvmsg	= sock_no_recvmsg,
	.mmap		= sock_no_mmap,
	.sendpage	= sock_no_sendpage,
};

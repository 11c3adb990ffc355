// SPDX-License-Identifier: GPL-2.0
/*
 * atcp - an alternate TCP for Linux.
 *
 * Module entry: registers atcp's socket protocol on AF_INET and AF_INET6
 * (SOCK_STREAM), and its per network namespace state: sysctls, procfs,
 * TIME_WAIT and the receive hooks.  See Documentation/design.rst.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/in.h>
#include <net/protocol.h>
#include <net/net_namespace.h>

#include "atcp.h"
#include "atcp_mib.h"

int atcp_protocol = IPPROTO_ATCP;
module_param_named(protocol, atcp_protocol, int, 0444);
MODULE_PARM_DESC(protocol,
		 "socket() protocol number that selects atcp (default 253)");

unsigned int atcp_net_id __read_mostly;

static struct inet_protosw atcp_protosw = {
	.type		= SOCK_STREAM,
	.prot		= &atcp_prot,
	.ops		= &atcp_stream_ops,
};

static int __net_init atcp_net_init(struct net *net)
{
	struct atcp_net *an = atcp_net(net);
	int err;

	atcp_sysctl_defaults(&an->sysctl);
	an->mib = alloc_percpu(struct atcp_mib);
	if (!an->mib)
		return -ENOMEM;
	err = atcp_tw_net_init(net);
	if (err)
		goto out_mib;
	err = atcp_sysctl_net_init(net);
	if (err)
		goto out_tw;
	err = atcp_proc_net_init(net);
	if (err)
		goto out_sysctl;
	err = atcp_hooks_net_init(net);
	if (err)
		goto out_proc;
	return 0;

out_proc:
	atcp_proc_net_exit(net);
out_sysctl:
	atcp_sysctl_net_exit(net);
out_tw:
	atcp_tw_net_exit(net);
out_mib:
	free_percpu(an->mib);
	return err;
}

static void __net_exit atcp_net_exit(struct net *net)
{
	struct atcp_net *an = atcp_net(net);

	/* No new segment reaches atcp in this namespace after this. */
	atcp_hooks_net_exit(net);
	atcp_proc_net_exit(net);
	atcp_tw_net_exit(net);
	/* Placeholders in Linux TCP's table die with their namespace. */
	atcp_table_flush();
	atcp_sysctl_net_exit(net);
	atcp_fastopen_net_exit(net);
	atcp_metrics_net_exit(net);
	free_percpu(an->mib);
}

static struct pernet_operations atcp_net_ops = {
	.init	= atcp_net_init,
	.exit	= atcp_net_exit,
	.id	= &atcp_net_id,
	.size	= sizeof(struct atcp_net),
};

/*
 * inet_register_protosw() returns nothing, so find out afterwards whether
 * our entry is the one socket() will pick for our protocol number.
 *
 * A permanent entry with the same number (TCP, or a built-in protocol)
 * makes the registration a no-op: our list node stays empty.  A
 * non-permanent one (SCTP, MPTCP, another module) would be shadowed by us,
 * since entries are added right after the permanent ones; we refuse that
 * too rather than steal its sockets.  The list is walked forward from our
 * node to its head: every real entry in the SOCK_STREAM list has type
 * SOCK_STREAM, while the head (inetsw[SOCK_STREAM], an array slot followed
 * by pointer-aligned slots) can never read as the odd value SOCK_STREAM.
 */
bool atcp_protosw_conflict(struct inet_protosw *sw)
{
	struct inet_protosw *answer;
	struct list_head *node;
	bool conflict = false;

	if (list_empty(&sw->list))
		return true;

	rcu_read_lock();
	for (node = rcu_dereference(list_next_rcu(&sw->list));
	     node != &sw->list;
	     node = rcu_dereference(list_next_rcu(node))) {
		answer = list_entry(node, struct inet_protosw, list);
		if (answer->type != SOCK_STREAM)
			break;
		if (answer->protocol == sw->protocol) {
			conflict = true;
			break;
		}
	}
	rcu_read_unlock();
	return conflict;
}

static int __init atcp_init(void)
{
	int err;

	if (atcp_protocol <= 0 || atcp_protocol >= IPPROTO_MAX ||
	    atcp_protocol == IPPROTO_TCP) {
		pr_err("protocol=%d is not usable: pick 1..%d, not %d (TCP)\n",
		       atcp_protocol, IPPROTO_MAX - 1, IPPROTO_TCP);
		return -EINVAL;
	}
	atcp_protosw.protocol = atcp_protocol;
	atcp_tsq_init();

	err = atcp_table_init();
	if (err)
		return err;
	err = atcp_tw_init(atcp_ehash_size());
	if (err)
		goto out_table;
	err = atcp_reqsk_init();
	if (err)
		goto out_tw;
	err = atcp_mem_init();
	if (err)
		goto out_reqsk;
	err = proto_register(&atcp_prot, 1);
	if (err)
		goto out_mem;

#if IS_ENABLED(CONFIG_IPV6)
	atcp_v6_defrag_init();
#endif
	err = register_pernet_subsys(&atcp_net_ops);
	if (err)
		goto out_defrag;
	atcp_mem_init_net(atcp_net(&init_net));	/* before any socket */

	INIT_LIST_HEAD(&atcp_protosw.list);
	inet_register_protosw(&atcp_protosw);
	if (atcp_protosw_conflict(&atcp_protosw)) {
		pr_err("protocol=%d is already taken by another SOCK_STREAM protocol; load atcp with another protocol= number\n",
		       atcp_protocol);
		if (!list_empty(&atcp_protosw.list))
			inet_unregister_protosw(&atcp_protosw);
		err = -EBUSY;
		goto out_pernet;
	}
#if IS_ENABLED(CONFIG_IPV6)
	err = atcp_ipv6_init();
	if (err) {
		inet_unregister_protosw(&atcp_protosw);
		goto out_pernet;
	}
#endif
	return 0;

out_pernet:
	unregister_pernet_subsys(&atcp_net_ops);
out_defrag:
#if IS_ENABLED(CONFIG_IPV6)
	atcp_v6_defrag_exit();
#endif
	proto_unregister(&atcp_prot);
out_mem:
	atcp_mem_exit();
out_reqsk:
	atcp_reqsk_exit();
out_tw:
	atcp_tw_exit();
out_table:
	atcp_table_exit();
	return err;
}

static void __exit atcp_exit(void)
{
	/*
	 * Sockets hold a module reference, so none exists by now; TIME_WAIT
	 * entries hold none and are freed with their namespace state.
	 */
#if IS_ENABLED(CONFIG_IPV6)
	atcp_ipv6_exit();
#endif
	inet_unregister_protosw(&atcp_protosw);
	unregister_pernet_subsys(&atcp_net_ops);
#if IS_ENABLED(CONFIG_IPV6)
	atcp_v6_defrag_exit();
#endif
	proto_unregister(&atcp_prot);
	/* Fast Open keys go by call_rcu(), to a function of this module */
	rcu_barrier();
	atcp_mem_exit();
	atcp_tsq_exit();
	atcp_reqsk_exit();
	atcp_tw_exit();
	atcp_table_exit();
}

module_init(atcp_init);
module_exit(atcp_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("atcp developers");
MODULE_DESCRIPTION("atcp: an alternate TCP implementation");
/*
 * socket(AF_INET, SOCK_STREAM, 253) loads atcp once it is installed.  The
 * type is spelled as its number: SOCK_STREAM is an enum in the kernel and
 * would be stringified as its name.
 */
MODULE_ALIAS_NET_PF_PROTO_TYPE(PF_INET, IPPROTO_ATCP, 1 /* SOCK_STREAM */);
MODULE_ALIAS_NET_PF_PROTO_TYPE(PF_INET6, IPPROTO_ATCP, 1 /* SOCK_STREAM */);

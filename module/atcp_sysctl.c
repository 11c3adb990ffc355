// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/sys/net/atcp/: atcp's tunables, one copy per network namespace.
 *
 * The knobs mirror net.ipv4.tcp_* (names without the "tcp_" prefix, same
 * defaults and limits).  Times are kept in seconds; Linux keeps them in
 * jiffies but shows seconds, so what a user reads and writes is the same.
 */
#include <linux/sysctl.h>
#include <linux/slab.h>
#include <net/net_namespace.h>

#include "atcp.h"

static int atcp_zero;
static int atcp_one = 1;
static int atcp_u8_max = 255;
static int atcp_syn_retries_max = 127;	/* MAX_TCP_SYNCNT */
static int atcp_secs_max = INT_MAX / HZ;

/*
 * .data holds the offset of the knob inside struct atcp_sysctl; each
 * namespace gets a copy of this table rebased onto its own struct.
 */
#define ATCP_SYSCTL(field, lo, hi)				\
	{							\
		.procname	= #field,			\
		.data		= (void *)offsetof(struct atcp_sysctl, field), \
		.maxlen		= sizeof(int),			\
		.mode		= 0644,				\
		.proc_handler	= proc_dointvec_minmax,		\
		.extra1		= (lo),				\
		.extra2		= (hi),				\
	}

static const struct ctl_table atcp_sysctl_template[] = {
	ATCP_SYSCTL(syn_retries, &atcp_one, &atcp_syn_retries_max),
	ATCP_SYSCTL(synack_retries, &atcp_zero, &atcp_u8_max),
	ATCP_SYSCTL(retries1, &atcp_zero, &atcp_u8_max),
	ATCP_SYSCTL(retries2, &atcp_zero, &atcp_u8_max),
	ATCP_SYSCTL(orphan_retries, &atcp_zero, &atcp_u8_max),
	ATCP_SYSCTL(fin_timeout, &atcp_zero, &atcp_secs_max),
	ATCP_SYSCTL(keepalive_time, &atcp_zero, &atcp_secs_max),
	ATCP_SYSCTL(keepalive_intvl, &atcp_zero, &atcp_secs_max),
	ATCP_SYSCTL(keepalive_probes, &atcp_zero, &atcp_u8_max),
	{ }
};

void atcp_sysctl_defaults(struct atcp_sysctl *s)
{
	s->syn_retries = 6;
	s->synack_retries = 5;
	s->retries1 = 3;
	s->retries2 = 15;
	s->orphan_retries = 0;
	s->fin_timeout = 60;
	s->keepalive_time = 7200;
	s->keepalive_intvl = 75;
	s->keepalive_probes = 9;
}

int atcp_sysctl_net_init(struct net *net)
{
	struct atcp_net *an = atcp_net(net);
	struct ctl_table *table;
	int i;

	table = kmemdup(atcp_sysctl_template, sizeof(atcp_sysctl_template),
			GFP_KERNEL);
	if (!table)
		return -ENOMEM;

	for (i = 0; i < ARRAY_SIZE(atcp_sysctl_template) - 1; i++)
		table[i].data = (char *)&an->sysctl + (uintptr_t)table[i].data;

	an->sysctl_hdr = register_net_sysctl(net, "net/atcp", table);
	if (!an->sysctl_hdr) {
		kfree(table);
		return -ENOMEM;
	}
	return 0;
}

void atcp_sysctl_net_exit(struct net *net)
{
	struct atcp_net *an = atcp_net(net);
	struct ctl_table *table = an->sysctl_hdr->ctl_table_arg;

	unregister_net_sysctl_table(an->sysctl_hdr);
	kfree(table);
}

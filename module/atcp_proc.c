// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/net/atcp: atcp's sockets in the exact layout of /proc/net/tcp, so
 * that tools parsing the latter read the former unchanged.
 */
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <net/net_namespace.h>

#include "atcp.h"

static void *atcp_seq_start(struct seq_file *seq, loff_t *pos)
{
	return *pos ? NULL : SEQ_START_TOKEN;
}

static void *atcp_seq_next(struct seq_file *seq, void *v, loff_t *pos)
{
	++*pos;
	return NULL;
}

static void atcp_seq_stop(struct seq_file *seq, void *v)
{
}

static int atcp_seq_show(struct seq_file *seq, void *v)
{
	if (v == SEQ_START_TOKEN)
		seq_puts(seq,
			 "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode");
	seq_pad(seq, '\n');
	return 0;
}

static const struct seq_operations atcp_seq_ops = {
	.start	= atcp_seq_start,
	.next	= atcp_seq_next,
	.stop	= atcp_seq_stop,
	.show	= atcp_seq_show,
};

int atcp_proc_net_init(struct net *net)
{
	if (!proc_create_net("atcp", 0444, net->proc_net, &atcp_seq_ops,
			     sizeof(struct seq_net_private)))
		return -ENOMEM;
	return 0;
}

void atcp_proc_net_exit(struct net *net)
{
	remove_proc_entry("atcp", net->proc_net);
}

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
#include <net/tcp.h>

#include "atcp.h"

static int atcp_zero;
static int atcp_one = 1;
static int atcp_u8_max = 255;
static int atcp_u16_max = 65535;	/* atcp_sock.reordering is a u16 */
static int atcp_one_day_secs = 24 * 3600;	/* ONE_DAY_SECS */
static int atcp_syn_retries_max = 127;	/* MAX_TCP_SYNCNT */
static int atcp_secs_max = INT_MAX / HZ;
static int atcp_two = 2;
static int atcp_four = 4;
static int atcp_thousand = 1000;	/* the pacing ratios' cap, as Linux's */
static int atcp_recovery_max = ATCP_RACK_LOSS_DETECTION |
			       ATCP_RACK_STATIC_REO_WND |
			       ATCP_RACK_NO_DUPTHRESH;
static int atcp_reordering_max = 300;	/* max_reordering's default */
static int atcp_adv_win_scale_min = -31;
static int atcp_adv_win_scale_max = 31;
static int atcp_app_win_max = 31;
static int atcp_int_max = INT_MAX;
static int atcp_min_snd_mss_min = TCP_MIN_SND_MSS;
static int atcp_min_snd_mss_max = 65535;

/*
 * fastopen_key: the namespace's Fast Open keys as Linux writes them,
 * "%08x-%08x-%08x-%08x", and a backup key after a comma; all zeros before
 * any is drawn or set.  A malformed one fails with EINVAL and changes
 * nothing.
 */
static int atcp_tfo_key_handler(struct ctl_table *table, int write,
				void *buffer, size_t *lenp, loff_t *ppos)
{
	struct atcp_net *an = container_of(table->data, struct atcp_net,
					   sysctl.fastopen);
	u8 keys[ATCP_TFO_KEYS_MAX][ATCP_TFO_KEY_LEN] = {};
	struct ctl_table t = { .maxlen = table->maxlen };
	int err, i, n, off = 0;

	t.data = kzalloc(t.maxlen, GFP_KERNEL);
	if (!t.data)
		return -ENOMEM;
	n = atcp_fastopen_get_keys(an, NULL, keys[0]) ? : 1;
	for (i = 0; i < n; i++)
		off += scnprintf(t.data + off, t.maxlen - off,
				 "%s%08x-%08x-%08x-%08x", i ? "," : "",
				 get_unaligned_le32(keys[i]),
				 get_unaligned_le32(keys[i] + 4),
				 get_unaligned_le32(keys[i] + 8),
				 get_unaligned_le32(keys[i] + 12));
	err = proc_dostring(&t, write, buffer, lenp, ppos);
	if (write && !err) {
		n = atcp_tfo_keys_parse(t.data, keys);
		err = n < 0 ? -EINVAL :
		      atcp_fastopen_set_keys(an, NULL, keys[0], n);
	}
	memzero_explicit(keys, sizeof(keys));
	kfree_sensitive(t.data);
	return err;
}

/*
 * fastopen_blackhole_timeout_sec: a new value also ends the pause in
 * force, as Linux's does.
 */
static int atcp_tfo_blackhole_handler(struct ctl_table *table, int write,
				      void *buffer, size_t *lenp, loff_t *ppos)
{
	struct atcp_net *an = container_of(table->data, struct atcp_net,
					   sysctl.fastopen_blackhole_timeout_sec);
	int err = proc_dointvec_minmax(table, write, buffer, lenp, ppos);

	if (write && !err)
		atomic_set(&an->tfo_disable_times, 0);
	return err;
}

/*
 * local_port_range: two ports, lo <= hi, within 1..65535; like
 * net.ipv4.ip_local_port_range a bad pair is refused as a whole.
 */
static int atcp_port_range_handler(struct ctl_table *table, int write,
				   void *buffer, size_t *lenp, loff_t *ppos)
{
	int *range = table->data;
	int tmp[2] = { range[0], range[1] };
	int lo = 1, hi = 65535;
	struct ctl_table t = {
		.data = tmp,
		.maxlen = sizeof(tmp),
		.mode = table->mode,
		.extra1 = &lo,
		.extra2 = &hi,
	};
	int err;

	err = proc_dointvec_minmax(&t, write, buffer, lenp, ppos);
	if (write && !err) {
		if (tmp[0] > tmp[1])
			return -EINVAL;
		WRITE_ONCE(range[0], tmp[0]);
		WRITE_ONCE(range[1], tmp[1]);
	}
	return err;
}

/*
 * congestion_control: the algorithm of new connections, by name; an
 * unknown name fails with ENOENT and changes nothing, as Linux's.
 */
static int atcp_congestion_handler(struct ctl_table *table, int write,
				   void *buffer, size_t *lenp, loff_t *ppos)
{
	int *ca = table->data;
	char name[ATCP_CA_NAME_MAX];
	struct atcp_net *an;
	struct ctl_table t = {
		.data = name,
		.maxlen = sizeof(name),
	};
	int err, found;

	strscpy(name, atcp_ca_name(READ_ONCE(*ca)), sizeof(name));
	err = proc_dostring(&t, write, buffer, lenp, ppos);
	if (!write || err)
		return err;
	found = atcp_ca_find(name);
	if (found < 0)
		return found;
	WRITE_ONCE(*ca, found);
	/* the default is always allowed, as Linux marks it */
	an = container_of(ca, struct atcp_net, sysctl.congestion_control);
	WRITE_ONCE(an->sysctl.allowed_ca,
		   READ_ONCE(an->sysctl.allowed_ca) | BIT(found));
	return 0;
}

/*
 * allowed_congestion_control: the algorithms a user without CAP_NET_ADMIN
 * may pick with TCP_CONGESTION, names separated by blanks.  The whole
 * list is refused (ENOENT) when one name is unknown, as Linux's.
 */
static int atcp_allowed_ca_handler(struct ctl_table *table, int write,
				   void *buffer, size_t *lenp, loff_t *ppos)
{
	char list[ATCP_CA_NUM * ATCP_CA_NAME_MAX] = "", *p = list, *name;
	int *allowed = table->data, mask = 0, err;
	struct ctl_table t = {
		.data = list,
		.maxlen = sizeof(list),
	};
	unsigned int i;

	for (i = 0; i < ATCP_CA_NUM; i++) {
		if (!(READ_ONCE(*allowed) & BIT(i)))
			continue;
		if (*list)
			strlcat(list, " ", sizeof(list));
		strlcat(list, atcp_ca_name(i), sizeof(list));
	}
	err = proc_dostring(&t, write, buffer, lenp, ppos);
	if (!write || err)
		return err;
	while ((name = strsep(&p, " \t"))) {
		int ca;

		if (!*name)
			continue;
		ca = atcp_ca_find(name);
		if (ca < 0)
			return ca;
		mask |= BIT(ca);
	}
	WRITE_ONCE(*allowed, mask);
	return 0;
}

/* available_congestion_control: what congestion_control takes, read-only. */
static int atcp_available_ca_handler(struct ctl_table *table, int write,
				     void *buffer, size_t *lenp, loff_t *ppos)
{
	char list[ATCP_CA_NUM * ATCP_CA_NAME_MAX] = "";
	struct ctl_table t = {
		.data = list,
		.maxlen = sizeof(list),
	};
	unsigned int i;

	for (i = 0; i < ATCP_CA_NUM; i++) {
		if (i)
			strlcat(list, " ", sizeof(list));
		strlcat(list, atcp_ca_name(i), sizeof(list));
	}
	return proc_dostring(&t, write, buffer, lenp, ppos);
}

/*
 * available_ulp: the upper-layer protocols TCP_ULP takes, read-only:
 * none, since atcp has no kTLS nor any other (Linux lists those
 * registered with its TCP).
 */
static int atcp_available_ulp_handler(struct ctl_table *table, int write,
				      void *buffer, size_t *lenp, loff_t *ppos)
{
	char none[1] = "";
	struct ctl_table t = {
		.data = none,
		.maxlen = sizeof(none),
	};

	return proc_dostring(&t, write, buffer, lenp, ppos);
}

/* tw_timeout: existing TIME_WAIT entries follow a new value at once. */
static int atcp_tw_timeout_handler(struct ctl_table *table, int write,
				   void *buffer, size_t *lenp, loff_t *ppos)
{
	struct atcp_net *an = container_of(table->data, struct atcp_net,
					   sysctl.tw_timeout);
	int err = proc_dointvec_minmax(table, write, buffer, lenp, ppos);

	if (write && !err)
		atcp_tw_timeout_changed(an);
	return err;
}

/*
 * .data holds the offset of the knob inside struct atcp_sysctl; each
 * namespace gets a copy of this table rebased onto its own struct.
 */
#define ATCP_SYSCTL_INT(name, field, handler, lo, hi)		\
	{							\
		.procname	= (name),			\
		.data		= (void *)offsetof(struct atcp_sysctl, field), \
		.maxlen		= sizeof(int),			\
		.mode		= 0644,				\
		.proc_handler	= (handler),			\
		.extra1		= (lo),				\
		.extra2		= (hi),				\
	}
#define ATCP_SYSCTL(field, lo, hi)				\
	ATCP_SYSCTL_INT(#field, field, proc_dointvec_minmax, lo, hi)
#define ATCP_SYSCTL_ULONG(field)				\
	{							\
		.procname	= #field,			\
		.data		= (void *)offsetof(struct atcp_sysctl, field), \
		.maxlen		= sizeof(unsigned long),	\
		.mode		= 0644,				\
		.proc_handler	= proc_doulongvec_minmax,	\
	}

/*
 * rmem, wmem: "min default max" in bytes, like tcp_rmem and tcp_wmem;
 * each at least 1, and min <= default <= max, or the write is refused.
 */
static int atcp_mem_triple_handler(struct ctl_table *table, int write,
				   void *buffer, size_t *lenp, loff_t *ppos)
{
	int *v = table->data;
	int tmp[3] = { v[0], v[1], v[2] };
	struct ctl_table t = {
		.data = tmp,
		.maxlen = sizeof(tmp),
		.mode = table->mode,
		.extra1 = &atcp_one,
		.extra2 = &atcp_int_max,
	};
	int err;

	err = proc_dointvec_minmax(&t, write, buffer, lenp, ppos);
	if (write && !err) {
		if (tmp[0] > tmp[1] || tmp[1] > tmp[2])
			return -EINVAL;
		WRITE_ONCE(v[0], tmp[0]);
		WRITE_ONCE(v[1], tmp[1]);
		WRITE_ONCE(v[2], tmp[2]);
	}
	return err;
}

/*
 * mem: "low pressure high" in pages, protocol-wide (atcp_mem.c).  Like
 * tcp_mem, and unlike atcp's other knobs, there is one value for all
 * namespaces, and only the initial namespace shows it.  Unlike tcp_mem,
 * which takes any three numbers, low <= pressure <= high, or the write
 * is refused.
 */
static int atcp_mem_pages_handler(struct ctl_table *table, int write,
				  void *buffer, size_t *lenp, loff_t *ppos)
{
	long *v = table->data;
	unsigned long tmp[3] = { v[0], v[1], v[2] };
	unsigned long max = LONG_MAX;
	struct ctl_table t = {
		.data = tmp,
		.maxlen = sizeof(tmp),
		.mode = table->mode,
		.extra2 = &max,
	};
	int err;

	err = proc_doulongvec_minmax(&t, write, buffer, lenp, ppos);
	if (write && !err) {
		if (tmp[0] > tmp[1] || tmp[1] > tmp[2])
			return -EINVAL;
		WRITE_ONCE(v[0], tmp[0]);
		WRITE_ONCE(v[1], tmp[1]);
		WRITE_ONCE(v[2], tmp[2]);
	}
	return err;
}

static struct ctl_table atcp_sysctl_mem_table[] = {
	{
		.procname	= "mem",
		.data		= sysctl_atcp_mem,
		.maxlen		= sizeof(sysctl_atcp_mem),
		.mode		= 0644,
		.proc_handler	= atcp_mem_pages_handler,
	},
	{ }
};

static const struct ctl_table atcp_sysctl_template[] = {
	ATCP_SYSCTL(syn_retries, &atcp_one, &atcp_syn_retries_max),
	ATCP_SYSCTL(synack_retries, &atcp_zero, &atcp_u8_max),
	ATCP_SYSCTL(retries1, &atcp_zero, &atcp_u8_max),
	ATCP_SYSCTL(retries2, &atcp_zero, &atcp_u8_max),
	ATCP_SYSCTL(orphan_retries, &atcp_zero, &atcp_u8_max),
	ATCP_SYSCTL(max_orphans, &atcp_zero, &atcp_int_max),
	ATCP_SYSCTL(fin_timeout, &atcp_zero, &atcp_secs_max),
	ATCP_SYSCTL(keepalive_time, &atcp_zero, &atcp_secs_max),
	ATCP_SYSCTL(keepalive_intvl, &atcp_zero, &atcp_secs_max),
	ATCP_SYSCTL(keepalive_probes, &atcp_zero, &atcp_u8_max),
	ATCP_SYSCTL(timestamps, &atcp_zero, &atcp_two),
	ATCP_SYSCTL(window_scaling, &atcp_zero, &atcp_one),
	ATCP_SYSCTL(rfc1337, &atcp_zero, &atcp_one),
	ATCP_SYSCTL(sack, &atcp_zero, &atcp_one),
	ATCP_SYSCTL_INT("tw_timeout", tw_timeout, atcp_tw_timeout_handler,
			&atcp_one, &atcp_secs_max),
	ATCP_SYSCTL(max_tw_buckets, &atcp_zero, &atcp_int_max),
	/* the field is not named tw_reuse: <net/inet_timewait_sock.h> is */
	ATCP_SYSCTL_INT("tw_reuse", tw_reuse_mode, proc_dointvec_minmax,
			&atcp_zero, &atcp_two),
	ATCP_SYSCTL(max_syn_backlog, &atcp_one, &atcp_int_max),
	ATCP_SYSCTL(syncookies, &atcp_zero, &atcp_two),
	ATCP_SYSCTL(abort_on_overflow, &atcp_zero, &atcp_one),
	ATCP_SYSCTL(min_snd_mss, &atcp_min_snd_mss_min, &atcp_min_snd_mss_max),
	ATCP_SYSCTL(mtu_probing, &atcp_zero, &atcp_two),
	ATCP_SYSCTL(base_mss, &atcp_min_snd_mss_min, &atcp_min_snd_mss_max),
	ATCP_SYSCTL(mtu_probe_floor, &atcp_min_snd_mss_min,
		    &atcp_min_snd_mss_max),
	ATCP_SYSCTL(probe_threshold, &atcp_zero, &atcp_int_max),
	ATCP_SYSCTL(probe_interval, &atcp_zero, &atcp_secs_max),
	ATCP_SYSCTL(slow_start_after_idle, &atcp_zero, &atcp_one),
	ATCP_SYSCTL(moderate_rcvbuf, &atcp_zero, &atcp_one),
	ATCP_SYSCTL(shrink_window, &atcp_zero, &atcp_one),
	/* milliseconds, as Linux shows it; converted where it is used */
	ATCP_SYSCTL(invalid_ratelimit, &atcp_zero, &atcp_int_max),
	ATCP_SYSCTL(challenge_ack_limit, &atcp_zero, &atcp_int_max),
	ATCP_SYSCTL(dsack, &atcp_zero, &atcp_one),
	ATCP_SYSCTL(recovery, &atcp_zero, &atcp_recovery_max),
	ATCP_SYSCTL(reordering, &atcp_one, &atcp_reordering_max),
	ATCP_SYSCTL(max_reordering, &atcp_one, &atcp_u16_max),
	ATCP_SYSCTL(min_rtt_wlen, &atcp_zero, &atcp_one_day_secs),
	ATCP_SYSCTL(early_retrans, &atcp_zero, &atcp_four),
	ATCP_SYSCTL(frto, &atcp_zero, &atcp_u8_max),
	ATCP_SYSCTL(comp_sack_nr, &atcp_zero, &atcp_u8_max),
	ATCP_SYSCTL(limit_output_bytes, &atcp_zero, &atcp_int_max),
	ATCP_SYSCTL(autocorking, &atcp_zero, &atcp_one),
	ATCP_SYSCTL(thin_linear_timeouts, &atcp_zero, &atcp_one),
	ATCP_SYSCTL(adv_win_scale, &atcp_adv_win_scale_min,
		    &atcp_adv_win_scale_max),
	ATCP_SYSCTL(app_win, &atcp_zero, &atcp_app_win_max),
	ATCP_SYSCTL(ecn, &atcp_zero, &atcp_two),
	ATCP_SYSCTL(ecn_fallback, &atcp_zero, &atcp_one),
	ATCP_SYSCTL(min_tso_segs, &atcp_one, &atcp_u8_max),
	ATCP_SYSCTL(tso_rtt_log, &atcp_zero, &atcp_u8_max),
	ATCP_SYSCTL(tso_win_divisor, &atcp_zero, &atcp_u8_max),
	ATCP_SYSCTL(pacing_ss_ratio, &atcp_zero, &atcp_thousand),
	ATCP_SYSCTL(pacing_ca_ratio, &atcp_zero, &atcp_thousand),
	ATCP_SYSCTL(stdurg, &atcp_zero, &atcp_u8_max),
	ATCP_SYSCTL(workaround_signed_windows, &atcp_zero, &atcp_u8_max),
	ATCP_SYSCTL(reflect_tos, &atcp_zero, &atcp_one),
	ATCP_SYSCTL(retrans_collapse, &atcp_zero, &atcp_u8_max),
	ATCP_SYSCTL(migrate_req, &atcp_zero, &atcp_one),
	ATCP_SYSCTL(fwmark_accept, &atcp_zero, &atcp_u8_max),
	ATCP_SYSCTL(no_metrics_save, &atcp_zero, &atcp_u8_max),
	ATCP_SYSCTL(no_ssthresh_metrics_save, &atcp_zero, &atcp_one),
	/* any int, as Linux's: the bits it does not know mean nothing */
	ATCP_SYSCTL_INT("fastopen", fastopen, proc_dointvec, NULL, NULL),
	ATCP_SYSCTL_INT("fastopen_blackhole_timeout_sec",
			fastopen_blackhole_timeout_sec,
			atcp_tfo_blackhole_handler, &atcp_zero, NULL),
	{
		.procname	= "fastopen_key",
		.data		= (void *)offsetof(struct atcp_sysctl, fastopen),
		.maxlen		= ATCP_TFO_KEYS_MAX * (ATCP_TFO_KEY_LEN * 2 + 4) +
				  ATCP_TFO_KEYS_MAX,
		.mode		= 0600,
		.proc_handler	= atcp_tfo_key_handler,
	},
#ifdef CONFIG_NET_L3_MASTER_DEV
	ATCP_SYSCTL(l3mdev_accept, &atcp_zero, &atcp_one),
#endif
	/* nanoseconds, any unsigned long, as Linux's */
	ATCP_SYSCTL_ULONG(comp_sack_delay_ns),
	ATCP_SYSCTL_ULONG(comp_sack_slack_ns),
	{
		/* any u32, as Linux's: proc_douintvec refuses the rest */
		.procname	= "notsent_lowat",
		.data		= (void *)offsetof(struct atcp_sysctl,
						   notsent_lowat),
		.maxlen		= sizeof(unsigned int),
		.mode		= 0644,
		.proc_handler	= proc_douintvec,
	},
	{
		.procname	= "congestion_control",
		.data		= (void *)offsetof(struct atcp_sysctl,
						   congestion_control),
		.maxlen		= ATCP_CA_NAME_MAX,
		.mode		= 0644,
		.proc_handler	= atcp_congestion_handler,
	},
	{
		.procname	= "allowed_congestion_control",
		.data		= (void *)offsetof(struct atcp_sysctl, allowed_ca),
		.maxlen		= ATCP_CA_NUM * ATCP_CA_NAME_MAX,
		.mode		= 0644,
		.proc_handler	= atcp_allowed_ca_handler,
	},
	{
		.procname	= "available_congestion_control",
		.data		= (void *)offsetof(struct atcp_sysctl,
						   congestion_control),
		.maxlen		= ATCP_CA_NUM * ATCP_CA_NAME_MAX,
		.mode		= 0444,
		.proc_handler	= atcp_available_ca_handler,
	},
	{
		.procname	= "available_ulp",
		.maxlen		= 1,
		.mode		= 0444,
		.proc_handler	= atcp_available_ulp_handler,
	},
	{
		.procname	= "local_port_range",
		.data		= (void *)offsetof(struct atcp_sysctl,
						   local_port_range),
		.maxlen		= 2 * sizeof(int),
		.mode		= 0644,
		.proc_handler	= atcp_port_range_handler,
	},
	{
		.procname	= "rmem",
		.data		= (void *)offsetof(struct atcp_sysctl, rmem),
		.maxlen		= 3 * sizeof(int),
		.mode		= 0644,
		.proc_handler	= atcp_mem_triple_handler,
	},
	{
		.procname	= "wmem",
		.data		= (void *)offsetof(struct atcp_sysctl, wmem),
		.maxlen		= 3 * sizeof(int),
		.mode		= 0644,
		.proc_handler	= atcp_mem_triple_handler,
	},
	{ }
};

void atcp_sysctl_defaults(struct atcp_sysctl *s)
{
	s->syn_retries = 6;
	s->synack_retries = 5;
	s->retries1 = 3;
	s->retries2 = 15;
	s->orphan_retries = 0;
	/* Linux: half the established hash table's buckets. */
	s->max_orphans = atcp_ehash_size() / 2;
	s->fin_timeout = 60;
	s->keepalive_time = 7200;
	s->keepalive_intvl = 75;
	s->keepalive_probes = 9;
	s->timestamps = 1;
	s->window_scaling = 1;
	s->rfc1337 = 0;
	s->sack = 1;
	s->tw_timeout = 60;
	/* Linux: half the established hash table's buckets. */
	s->max_tw_buckets = atcp_ehash_size() / 2;
	s->tw_reuse_mode = 2;	/* loopback only */
	/* Linux: max(128, ehash buckets / 128). */
	s->max_syn_backlog = max_t(int, 128, atcp_ehash_size() / 128);
	s->syncookies = 1;
	s->abort_on_overflow = 0;
	/*
	 * atcp's ephemeral ports sit above Linux's default range
	 * (32768-60999), so the two stacks never pick the same port.
	 */
	s->local_port_range[0] = 61000;
	s->local_port_range[1] = 65535;
	/* Linux's tcp_rmem and tcp_wmem defaults. */
	s->rmem[0] = 4096;
	s->rmem[1] = 131072;
	s->rmem[2] = 6291456;
	s->wmem[0] = 4096;
	s->wmem[1] = 16384;
	s->wmem[2] = 4194304;
	s->min_snd_mss = TCP_MIN_SND_MSS;
	s->mtu_probing = 0;
	s->base_mss = TCP_BASE_MSS;
	s->mtu_probe_floor = TCP_MIN_SND_MSS;
	s->probe_threshold = TCP_PROBE_THRESHOLD;
	s->probe_interval = TCP_PROBE_INTERVAL;	/* seconds */
	s->slow_start_after_idle = 1;
	s->invalid_ratelimit = 500;		/* Linux: HZ / 2 */
	s->challenge_ack_limit = INT_MAX;	/* Linux 6.1: no limit */
	s->dsack = 1;
	s->recovery = ATCP_RACK_LOSS_DETECTION;
	s->reordering = 3;			/* Linux: TCP_FASTRETRANS_THRESH */
	s->max_reordering = 300;
	s->min_rtt_wlen = 300;
	s->early_retrans = 3;
	s->frto = 2;
	s->comp_sack_nr = 44;
	s->limit_output_bytes = SZ_1M;
	s->autocorking = 1;
	s->comp_sack_delay_ns = NSEC_PER_MSEC;
	s->comp_sack_slack_ns = 100 * NSEC_PER_USEC;
	s->thin_linear_timeouts = 0;
	s->adv_win_scale = 1;
	s->app_win = 31;
	s->ecn = ATCP_ECN_MODE_PASSIVE;
	s->ecn_fallback = 1;
	s->min_tso_segs = 2;
	s->tso_rtt_log = 9;	/* 512 us */
	s->tso_win_divisor = 3;
	s->pacing_ss_ratio = 200;
	s->pacing_ca_ratio = 120;
	s->stdurg = 0;		/* BSD: the pointer is one past the byte */
	s->workaround_signed_windows = 0;
	s->reflect_tos = 0;
	s->l3mdev_accept = 0;
	s->retrans_collapse = 1;
	s->migrate_req = 0;
	s->fwmark_accept = 0;
	s->fastopen = ATCP_TFO_CLIENT_ENABLE;
	s->fastopen_blackhole_timeout_sec = 0;
	s->no_metrics_save = 0;
	s->no_ssthresh_metrics_save = 1;
	s->notsent_lowat = UINT_MAX;
	s->moderate_rcvbuf = 1;
	s->shrink_window = 0;
	s->congestion_control = ATCP_CA_CUBIC;
	s->allowed_ca = BIT(ATCP_CA_NUM) - 1;	/* Linux: reno and the default */
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
	if (net_eq(net, &init_net)) {
		an->sysctl_mem_hdr = register_net_sysctl(net, "net/atcp",
							 atcp_sysctl_mem_table);
		if (!an->sysctl_mem_hdr) {
			unregister_net_sysctl_table(an->sysctl_hdr);
			kfree(table);
			return -ENOMEM;
		}
	}
	return 0;
}

void atcp_sysctl_net_exit(struct net *net)
{
	struct atcp_net *an = atcp_net(net);
	struct ctl_table *table = an->sysctl_hdr->ctl_table_arg;

	if (an->sysctl_mem_hdr)
		unregister_net_sysctl_table(an->sysctl_mem_hdr);
	unregister_net_sysctl_table(an->sysctl_hdr);
	kfree(table);
}

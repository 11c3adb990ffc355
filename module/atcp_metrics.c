// SPDX-License-Identifier: GPL-2.0
/*
 * atcp path metrics: what connections learned of the path to a peer,
 * kept per namespace after they end (Linux: net/ipv4/tcp_metrics.c).
 *
 * An entry per pair of addresses (ours, the peer's) holds the smoothed
 * RTT and its variation, the window and ssthresh, the reordering seen,
 * and what a Fast Open client learned of the server: its cookie and its
 * MSS.  A connection that ends cleanly saves into its entry
 * (atcp_metrics_update(), the folding is atcp_pathm.c's); one that is
 * established takes its first RTO, ssthresh and dupthresh from it
 * (atcp_metrics_init()).  no_metrics_save stops the saving,
 * no_ssthresh_metrics_save (1 by default) the ssthresh part of it.
 *
 * The table is one array per namespace, made by the first connect() or
 * listen() there: 4-way sets by a keyed hash of the two addresses, the
 * entry changed longest ago giving way, one lock for all.  An entry not
 * changed for an hour is taken as stale: its path metrics start over,
 * its Fast Open part stays, as in Linux.
 *
 * /proc/net/atcp_metrics lists the entries as "ip tcp_metrics show"
 * lists Linux's; "flush" written to it forgets them all, "flush ADDR"
 * those of one peer (CAP_NET_ADMIN).
 */
#include <linux/ctype.h>
#include <linux/inet.h>
#include <linux/mm.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <net/ipv6.h>
#include <net/net_namespace.h>
#include <net/tcp.h>

#include "atcp.h"
#include "atcp_cookie.h"
#include "atcp_pathm.h"

#define ATCP_METRICS_WAYS	4
#define ATCP_METRICS_SETS	128
#define ATCP_METRICS_TIMEOUT	(60 * 60 * HZ)	/* Linux: TCP_METRICS_TIMEOUT */

struct atcp_metrics_entry {
	struct in6_addr daddr;		/* IPv4: v4-mapped, as saddr */
	struct in6_addr saddr;
	unsigned long stamp;		/* jiffies of the last change, 0: free */
	struct atcp_pathm m;
	u16 tfo_mss;			/* the server's MSS, 0: not known */
	u8 tfo_try_exp;			/* 1: ask in option 254; 2: back to 34 */
	struct atcp_tfo_cookie tfo_cookie;	/* len 0: none */
};

struct atcp_metrics_table {
	spinlock_t lock;		/* all of e[] */
	struct atcp_metrics_entry e[ATCP_METRICS_SETS * ATCP_METRICS_WAYS];
};

static siphash_key_t atcp_metrics_key __read_mostly;

static struct atcp_metrics_table *atcp_metrics_of(struct net *net)
{
	/* pairs with the cmpxchg() that publishes it, fully initialised */
	return smp_load_acquire(&atcp_net(net)->metrics);
}

/*
 * Make the namespace's table, in process context (connect(), listen()),
 * so that the ends of connections, in softirq, find it there.
 */
int atcp_metrics_prepare(struct net *net)
{
	struct atcp_metrics_table *t;

	if (atcp_metrics_of(net))
		return 0;
	net_get_random_once(&atcp_metrics_key, sizeof(atcp_metrics_key));
	t = kvzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	spin_lock_init(&t->lock);
	if (cmpxchg_release(&atcp_net(net)->metrics, NULL, t))
		kvfree(t);
	return 0;
}

void atcp_metrics_net_exit(struct net *net)
{
	kvfree(atcp_net(net)->metrics);
	atcp_net(net)->metrics = NULL;
}

/*
 * The entry of @sk's pair of addresses in @t, under @t->lock: with @make,
 * a new one (the oldest of its set replaced) when there is none.
 */
static struct atcp_metrics_entry *atcp_metrics_find(struct atcp_metrics_table *t,
						    const struct sock *sk,
						    bool make)
{
	struct atcp_metrics_entry *set, *oldest;
	struct in6_addr addrs[2];	/* ours, the peer's */
	unsigned int i;

	atcp_sk_addrs(sk, &addrs[0], &addrs[1]);
	set = &t->e[(siphash(addrs, sizeof(addrs), &atcp_metrics_key) %
		     ATCP_METRICS_SETS) * ATCP_METRICS_WAYS];
	oldest = set;
	for (i = 0; i < ATCP_METRICS_WAYS; i++) {
		struct atcp_metrics_entry *e = &set[i];

		if (e->stamp && ipv6_addr_equal(&e->daddr, &addrs[1]) &&
		    ipv6_addr_equal(&e->saddr, &addrs[0])) {
			if (time_after(jiffies, e->stamp + ATCP_METRICS_TIMEOUT)) {
				memset(&e->m, 0, sizeof(e->m));
				e->stamp = jiffies | 1;
			}
			return e;
		}
		if (!e->stamp || (oldest->stamp &&
				  time_before(e->stamp, oldest->stamp)))
			oldest = e;
	}
	if (!make)
		return NULL;
	memset(oldest, 0, sizeof(*oldest));
	oldest->daddr = addrs[1];
	oldest->saddr = addrs[0];
	oldest->stamp = jiffies | 1;
	return oldest;
}

/* Where @sk's sender is: what its window tells of the path. */
static u8 atcp_metrics_phase(const struct atcp_sock *as)
{
	if (as->ssthresh >= TCP_INFINITE_SSTHRESH)
		return ATCP_PATHM_INITIAL_SS;
	if (as->cwnd >= as->ssthresh && atcp_ca_state(as) == TCP_CA_Open)
		return ATCP_PATHM_CA;
	return ATCP_PATHM_OTHER;
}

/*
 * @sk ends cleanly (TIME-WAIT, or its FIN acknowledged in LAST-ACK): fold
 * what it learned into its entry (Linux: tcp_update_metrics()).
 */
void atcp_metrics_update(struct sock *sk)
{
	const struct atcp_sysctl *s = &atcp_net(sock_net(sk))->sysctl;
	struct atcp_metrics_table *t = atcp_metrics_of(sock_net(sk));
	struct atcp_sock *as = atcp_sk(sk);
	struct atcp_pathm_conn c = {
		.rttvar_us = as->rto.rttvar_us,
		.cwnd = as->cwnd,
		.ssthresh = as->ssthresh,
		.reordering = as->reordering,
		.default_reordering = READ_ONCE(s->reordering),
		.phase = atcp_metrics_phase(as),
		.save_ssthresh = !READ_ONCE(s->no_ssthresh_metrics_save),
	};
	struct atcp_metrics_entry *e;

	if (!t || READ_ONCE(s->no_metrics_save))
		return;
	/* an estimate the timer had to back off from tells nothing */
	if (as->rto.have_sample && !as->rto.backoff)
		c.srtt_us = max_t(u32, as->rto.srtt_us, 1);
	spin_lock_bh(&t->lock);
	/* a connection without an RTT makes no entry, but clears one */
	e = atcp_metrics_find(t, sk, c.srtt_us != 0);
	if (e) {
		atcp_pathm_save(&e->m, &c);
		e->stamp = jiffies | 1;
	}
	spin_unlock_bh(&t->lock);
}

/*
 * @sk is established: start from what its route says and its entry
 * keeps (Linux: tcp_init_transfer(), tcp_init_metrics()).  The window is
 * the route's initcwnd (1 after a lost SYN or SYN-ACK), the RTO's floor
 * its rto_min.  The ssthresh a lost SYN cut goes back to
 * "infinite", or to the one kept when no_ssthresh_metrics_save is 0; the
 * dupthresh to the reordering kept; the first RTO comes from the RTT
 * kept when that is longer than the handshake's.
 */
void atcp_metrics_init(struct sock *sk)
{
	const struct atcp_sysctl *s = &atcp_net(sock_net(sk))->sysctl;
	struct atcp_metrics_table *t = atcp_metrics_of(sock_net(sk));
	struct atcp_sock *as = atcp_sk(sk);
	struct atcp_metrics_entry *e;
	struct atcp_pathm m = { };

	as->ssthresh = TCP_INFINITE_SSTHRESH;
	/* the route's first window, unless the handshake timed out */
	if (!as->retransmits)
		as->cwnd = atcp_init_cwnd(sk);
	if (t) {
		spin_lock_bh(&t->lock);
		e = atcp_metrics_find(t, sk, false);
		if (e)
			m = e->m;
		spin_unlock_bh(&t->lock);
	}
	if (m.ssthresh && !READ_ONCE(s->no_ssthresh_metrics_save))
		as->ssthresh = m.ssthresh;
	if (m.reordering && m.reordering != as->reordering)
		as->reordering = min_t(u32, m.reordering,
				       READ_ONCE(s->max_reordering));
	atcp_rto_set_min(&as->rto, atcp_rto_min_us(sk));
	atcp_rto_seed(&as->rto, m.rtt_us);
}

/* @sk's server's cookie (len 0: none) and MSS (0: not known) */
void atcp_metrics_tfo_get(struct sock *sk, u16 *mss,
			  struct atcp_tfo_cookie *cookie)
{
	struct atcp_metrics_table *t = atcp_metrics_of(sock_net(sk));
	struct atcp_metrics_entry *e;

	memset(cookie, 0, sizeof(*cookie));
	*mss = 0;
	if (!t)
		return;
	spin_lock_bh(&t->lock);
	e = atcp_metrics_find(t, sk, false);
	if (e) {
		*mss = e->tfo_mss;
		*cookie = e->tfo_cookie;
		if (!cookie->len && e->tfo_try_exp == 1)
			cookie->exp = true;
	}
	spin_unlock_bh(&t->lock);
}

/*
 * What a SYN-ACK taught about @sk's server (Linux:
 * tcp_fastopen_cache_set()): its MSS, its cookie, and, when it gave none
 * although asked, to ask the other way next time.
 */
void atcp_metrics_tfo_set(struct sock *sk, u16 mss,
			  const struct atcp_tfo_cookie *cookie, u8 try_exp)
{
	struct atcp_metrics_table *t = atcp_metrics_of(sock_net(sk));
	struct atcp_metrics_entry *e;

	if (!t)
		return;
	spin_lock_bh(&t->lock);
	e = atcp_metrics_find(t, sk, true);
	e->stamp = jiffies | 1;
	if (mss)
		e->tfo_mss = mss;
	if (cookie && cookie->len)
		e->tfo_cookie = *cookie;
	else if (try_exp > e->tfo_try_exp && !e->tfo_cookie.len &&
		 !e->tfo_cookie.exp)
		e->tfo_try_exp = try_exp;
	spin_unlock_bh(&t->lock);
}

/* ---- /proc/net/atcp_metrics (made in atcp_proc.c) --------------------------------- */

static void atcp_metrics_show_addr(struct seq_file *seq,
				   const struct in6_addr *a)
{
	if (ipv6_addr_v4mapped(a))
		seq_printf(seq, "%pI4", &a->s6_addr32[3]);
	else
		seq_printf(seq, "%pI6c", a);
}

/* One line per entry, in the words of "ip tcp_metrics show". */
int atcp_metrics_seq_show(struct seq_file *seq, void *v)
{
	struct atcp_metrics_table *t = atcp_metrics_of(seq_file_single_net(seq));
	struct atcp_metrics_entry e;
	unsigned long age;
	unsigned int i;

	for (i = 0; t && i < ARRAY_SIZE(t->e); i++) {
		/* a copy, so that the lock is not held while printing */
		spin_lock_bh(&t->lock);
		e = t->e[i];
		spin_unlock_bh(&t->lock);
		if (!e.stamp)
			continue;
		age = jiffies_to_msecs(jiffies - e.stamp);
		atcp_metrics_show_addr(seq, &e.daddr);
		seq_printf(seq, " age %lu.%03lusec", age / 1000, age % 1000);
		if (e.m.ssthresh)
			seq_printf(seq, " ssthresh %u", e.m.ssthresh);
		if (e.m.cwnd)
			seq_printf(seq, " cwnd %u", e.m.cwnd);
		if (e.m.reordering)
			seq_printf(seq, " reordering %u", e.m.reordering);
		if (e.m.rtt_us)
			seq_printf(seq, " rtt %uus rttvar %uus", e.m.rtt_us,
				   e.m.rttvar_us);
		if (e.tfo_mss)
			seq_printf(seq, " fo_mss %u", e.tfo_mss);
		if (e.tfo_cookie.len)
			seq_printf(seq, " fo_cookie %*phN", e.tfo_cookie.len,
				   e.tfo_cookie.val);
		seq_puts(seq, " source ");
		atcp_metrics_show_addr(seq, &e.saddr);
		seq_putc(seq, '\n');
	}
	return 0;
}

/* "flush": all entries; "flush ADDR": those of one peer, in any family. */
int atcp_metrics_seq_write(struct file *file, char *buf, size_t size)
{
	struct net *net = seq_file_single_net(file->private_data);
	struct atcp_metrics_table *t = atcp_metrics_of(net);
	struct in6_addr addr = { };
	char *arg = strim(buf);
	bool all = true;
	unsigned int i;

	if (!ns_capable(net->user_ns, CAP_NET_ADMIN))
		return -EPERM;
	if (strncmp(arg, "flush", 5) || (arg[5] && !isspace(arg[5])))
		return -EINVAL;
	arg = skip_spaces(arg + 5);
	if (*arg) {
		all = false;
		if (in4_pton(arg, -1, &addr.s6_addr[12], -1, NULL))
			ipv6_addr_set_v4mapped(addr.s6_addr32[3], &addr);
		else if (!in6_pton(arg, -1, addr.s6_addr, -1, NULL))
			return -EINVAL;
	}
	if (!t)
		return 0;
	spin_lock_bh(&t->lock);
	for (i = 0; i < ARRAY_SIZE(t->e); i++)
		if (all || ipv6_addr_equal(&t->e[i].daddr, &addr))
			memset(&t->e[i], 0, sizeof(t->e[i]));
	spin_unlock_bh(&t->lock);
	return 0;
}

/* ---- route metrics ("ip route ... initcwnd 20 rto_min 10ms quickack 1") ----------- */

/* The first window: the route's initcwnd, or 10 (Linux: tcp_init_cwnd()). */
u32 atcp_init_cwnd(struct sock *sk)
{
	const struct dst_entry *dst = __sk_dst_get(sk);
	u32 cwnd = dst ? dst_metric(dst, RTAX_INITCWND) : 0;

	return cwnd ? : ATCP_INIT_CWND;
}

/*
 * The RTO's floor: the route's rto_min when locked, as ip sets it, else
 * 200 ms (Linux: tcp_rto_min()).
 */
u32 atcp_rto_min_us(struct sock *sk)
{
	const struct dst_entry *dst = __sk_dst_get(sk);

	if (dst && dst_metric_locked(dst, RTAX_RTO_MIN))
		return dst_metric(dst, RTAX_RTO_MIN) * USEC_PER_MSEC;
	return ATCP_RTO_MIN_US;
}

/* quickack 1: every segment is acknowledged at once, none delayed. */
bool atcp_route_quickack(struct sock *sk)
{
	const struct dst_entry *dst = __sk_dst_get(sk);

	return dst && dst_metric(dst, RTAX_QUICKACK);
}

/* features ecn: our SYN asks for ECN whatever the ecn sysctl says. */
bool atcp_route_ecn(struct sock *sk)
{
	const struct dst_entry *dst = __sk_dst_get(sk);

	return dst && dst_feature(dst, RTAX_FEATURE_ECN);
}

/* fastopen_no_cookie 1: a Fast Open SYN carries data without a cookie. */
bool atcp_route_tfo_no_cookie(struct sock *sk)
{
	const struct dst_entry *dst = __sk_dst_get(sk);

	return dst && dst_metric(dst, RTAX_FASTOPEN_NO_COOKIE);
}

/*
 * The MSS to advertise over @dst: the route's advmss, else @dflt (the
 * path MTU's) (Linux: tcp_dst_advmss()).
 */
u32 atcp_dst_advmss(const struct dst_entry *dst, u32 dflt)
{
	u32 advmss = dst ? dst_metric_raw(dst, RTAX_ADVMSS) : 0;

	return advmss ? max_t(u32, advmss, TCP_MIN_MSS) : dflt;
}

/*
 * The route's window: the clamp of a connection over @dst whose
 * TCP_WINDOW_CLAMP is not set, 0 for none (Linux: tcp_connect_init(),
 * tcp_openreq_init_rwin()).
 */
u32 atcp_dst_window(const struct dst_entry *dst)
{
	return dst ? dst_metric(dst, RTAX_WINDOW) : 0;
}

/*
 * The first window offered over @dst: @win, at most the route's initrwnd
 * segments of @mss (Linux: tcp_select_initial_window()).
 */
u32 atcp_dst_initrwnd(const struct dst_entry *dst, u32 win, u32 mss)
{
	u32 segs = dst ? dst_metric(dst, RTAX_INITRWND) : 0;

	return segs ? min(win, segs * mss) : win;
}

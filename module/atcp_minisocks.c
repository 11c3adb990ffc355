// SPDX-License-Identifier: GPL-2.0
/*
 * atcp TIME_WAIT.
 *
 * When a connection enters TIME-WAIT its full socket is released and a
 * small entry takes its place: the 4-tuple, the sequence numbers and
 * the last timestamp, for 2MSL (sysctl tw_timeout, 60 s like Linux).  The
 * entries of a namespace sit on one list in the order their 2MSL started
 * and all wait the namespace's current tw_timeout from then, so the list
 * is in expiry order even when tw_timeout changes; one timer per
 * namespace expires the head of the list, so there is no timer per entry.
 * Entries are looked up on the receive path between the connections and
 * the listeners.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <net/ip.h>
#include <net/tcp.h>

#include "atcp.h"
#include "atcp_mib.h"
#include "atcp_opt.h"

static struct kmem_cache *atcp_tw_cachep;

int atcp_tw_cache_init(void)
{
	/*
	 * Readers on the connect path walk the hash under RCU only: the
	 * memory of a freed entry stays an entry until a grace period ends.
	 */
	atcp_tw_cachep = kmem_cache_create("atcp_tw", sizeof(struct atcp_tw),
					   0, SLAB_TYPESAFE_BY_RCU, NULL);
	return atcp_tw_cachep ? 0 : -ENOMEM;
}

void atcp_tw_cache_exit(void)
{
	rcu_barrier();
	kmem_cache_destroy(atcp_tw_cachep);
}

/* Remove and free an entry; the namespace's tw_lock is held. */
static void atcp_tw_kill(struct atcp_net *an, struct atcp_tw *tw)
{
	list_del(&tw->expire);
	WRITE_ONCE(an->tw_count, an->tw_count - 1);
	atcp_tw_unhash(tw);
	atcp_bind_bucket_tw_put(tw->tb);
	kmem_cache_free(atcp_tw_cachep, tw);
}

static void atcp_tw_arm(struct atcp_net *an)
{
	int timeout = READ_ONCE(an->sysctl.tw_timeout);
	struct atcp_tw *tw;

	tw = list_first_entry_or_null(&an->tw_list, struct atcp_tw, expire);
	if (tw && !an->exiting)
		mod_timer(&an->tw_timer,
			  jiffies + max_t(s32, atcp_tw_left(tw, timeout), 0));
}

/* tw_timeout was written: every entry's expiry moved with it. */
void atcp_tw_timeout_changed(struct atcp_net *an)
{
	spin_lock_bh(&an->tw_lock);
	atcp_tw_arm(an);
	spin_unlock_bh(&an->tw_lock);
}

static void atcp_tw_timer_fn(struct timer_list *t)
{
	struct atcp_net *an = from_timer(an, t, tw_timer);
	int timeout = READ_ONCE(an->sysctl.tw_timeout);
	struct atcp_tw *tw, *tmp;

	spin_lock(&an->tw_lock);
	list_for_each_entry_safe(tw, tmp, &an->tw_list, expire) {
		if (atcp_tw_left(tw, timeout) > 0)
			break;
		atcp_tw_kill(an, tw);
	}
	atcp_tw_arm(an);
	spin_unlock(&an->tw_lock);
}

int atcp_tw_net_init(struct net *net)
{
	struct atcp_net *an = atcp_net(net);

	spin_lock_init(&an->tw_lock);
	INIT_LIST_HEAD(&an->tw_list);
	timer_setup(&an->tw_timer, atcp_tw_timer_fn, 0);
	return 0;
}

void atcp_tw_net_exit(struct net *net)
{
	struct atcp_net *an = atcp_net(net);
	struct atcp_tw *tw, *tmp;

	spin_lock_bh(&an->tw_lock);
	an->exiting = true;
	spin_unlock_bh(&an->tw_lock);
	del_timer_sync(&an->tw_timer);

	spin_lock_bh(&an->tw_lock);
	list_for_each_entry_safe(tw, tmp, &an->tw_list, expire)
		atcp_tw_kill(an, tw);
	spin_unlock_bh(&an->tw_lock);
}

/* (Re)start an entry's 2MSL: it moves to the tail, the newest end. */
static void atcp_tw_schedule(struct atcp_net *an, struct atcp_tw *tw)
{
	tw->start = jiffies;
	list_move_tail(&tw->expire, &an->tw_list);
	if (list_is_first(&tw->expire, &an->tw_list) ||
	    !timer_pending(&an->tw_timer))
		atcp_tw_arm(an);
}

/*
 * A socket entered TIME-WAIT: replace it by an entry.  The caller then
 * releases the socket.  Beyond max_tw_buckets, or without memory, the
 * connection simply skips TIME-WAIT, as Linux does.
 */
static void atcp_tw_from_sock(struct sock *sk)
{
	struct atcp_net *an = atcp_net(sock_net(sk));
	struct atcp_sock *as = atcp_sk(sk);
	struct inet_sock *inet = inet_sk(sk);
	struct atcp_tw *tw;

	if (!as->bind_bucket)
		return;
	/* Linux: the TCPTimeWaitOverflow of inet_twsk_alloc(). */
	if (READ_ONCE(an->tw_count) >= READ_ONCE(an->sysctl.max_tw_buckets)) {
		ATCP_INC_STATS(sock_net(sk), ATCP_MIB_TWOVERFLOW);
		net_info_ratelimited("atcp: TIME_WAIT bucket table overflow\n");
		return;
	}
	tw = kmem_cache_alloc(atcp_tw_cachep, GFP_ATOMIC);
	if (!tw)
		return;
	write_pnet(&tw->net, sock_net(sk));
	tw->tb = as->bind_bucket;
	tw->saddr = inet->inet_rcv_saddr;
	tw->daddr = inet->inet_daddr;
	tw->sport = inet->inet_sport;
	tw->dport = inet->inet_dport;
	tw->snd_nxt = as->snd_max;
	tw->rcv_nxt = as->rcv_nxt;
	tw->ts_ok = as->ts_ok;
	tw->ts_recent = as->ts_recent;
	tw->ts_recent_stamp = as->ts_recent_stamp;
	tw->ts_offset = as->ts_offset;
	tw->rcv_wscale = as->rcv_wscale;
	tw->rcv_wnd = min_t(u32, as->rcv_wnd >> as->rcv_wscale, 65535U);
	atcp_bind_bucket_tw_get(tw->tb);

	spin_lock_bh(&an->tw_lock);
	INIT_LIST_HEAD(&tw->expire);
	WRITE_ONCE(an->tw_count, an->tw_count + 1);
	atcp_tw_hash(tw);
	atcp_tw_schedule(an, tw);
	spin_unlock_bh(&an->tw_lock);
	ATCP_INC_STATS(sock_net(sk), ATCP_MIB_TW);
}

/*
 * The START_TW action.  As in Linux, the full socket is done at once and a
 * TIME_WAIT entry keeps the 4-tuple; a user still holding the socket sees
 * it closed.
 */
void atcp_time_wait(struct sock *sk)
{
	atcp_tw_from_sock(sk);
	atcp_done(sk);
}

static void atcp_tw_send_ack(struct net *net, const struct atcp_tw *tw,
			     const struct sk_buff *skb)
{
	u32 ts[2];

	ts[0] = atcp_clock_ms() + tw->ts_offset;
	ts[1] = tw->ts_recent;
	atcp_v4_send_ctl(net, skb, tw->snd_nxt, tw->rcv_nxt, TCPHDR_ACK,
			 tw->rcv_wnd, tw->ts_ok ? ts : NULL);
}

enum atcp_tw_verdict {
	ATCP_TW_DROP,		/* consumed */
	ATCP_TW_NEW_SYN,	/* entry gone: a listener may take the SYN */
};

/* RFC 9293 3.10.7.4 in TIME-WAIT, with RFC 1337 and RFC 6191. */
static enum atcp_tw_verdict atcp_tw_process(struct net *net,
					    struct atcp_net *an,
					    struct atcp_tw *tw,
					    struct sk_buff *skb)
{
	const struct tcphdr *th = tcp_hdr(skb);
	unsigned int doff = th->doff * 4;
	u32 seq = ntohl(th->seq);
	struct atcp_opts opts = {};
	bool paws_old = false;

	if (doff > sizeof(*th) &&
	    atcp_opt_parse((const u8 *)(th + 1), doff - sizeof(*th),
			   th->syn, &opts)) {
		ATCP_INC_STATS(net, ATCP_MIB_INERRS);
		return ATCP_TW_DROP;
	}
	if (tw->ts_ok && opts.ts_ok)
		paws_old = atcp_seq_before(opts.tsval, tw->ts_recent);

	if (th->rst) {
		/* RFC 1337: TIME-WAIT assassination hazards. */
		if (!READ_ONCE(an->sysctl.rfc1337) && seq == tw->rcv_nxt) {
			ATCP_INC_STATS(net, ATCP_MIB_TWKILLED);
			atcp_tw_kill(an, tw);
		}
		return ATCP_TW_DROP;
	}
	if (th->syn && !th->ack) {
		/* RFC 6191: a new incarnation if it cannot be an old one. */
		if (atcp_seq_after(seq, tw->rcv_nxt) ||
		    (tw->ts_ok && opts.ts_ok && !paws_old &&
		     opts.tsval != tw->ts_recent)) {
			atcp_tw_kill(an, tw);
			return ATCP_TW_NEW_SYN;
		}
		atcp_tw_send_ack(net, tw, skb);
		return ATCP_TW_DROP;
	}
	if (paws_old) {
		atcp_tw_send_ack(net, tw, skb);
		return ATCP_TW_DROP;
	}
	if (th->fin && seq + (skb->len - doff) + 1 == tw->rcv_nxt) {
		/* The peer retransmitted its FIN: our ACK was lost. */
		if (opts.ts_ok) {
			tw->ts_recent = opts.tsval;
			tw->ts_recent_stamp = ktime_get_seconds();
		}
		atcp_tw_schedule(an, tw);
		atcp_tw_send_ack(net, tw, skb);
		return ATCP_TW_DROP;
	}
	/* Old duplicates with data or flags are acknowledged, and change
	 * nothing; a bare ACK needs no answer.
	 */
	if (skb->len > doff || th->fin || th->syn)
		atcp_tw_send_ack(net, tw, skb);
	return ATCP_TW_DROP;
}

/*
 * Called by the hook for a segment no connection took.  Returns true when
 * a TIME_WAIT entry consumed it; false leaves it to the listeners.
 */
bool atcp_tw_claim(struct net *net, struct sk_buff *skb)
{
	struct atcp_net *an = atcp_net(net);
	const struct iphdr *iph = ip_hdr(skb);
	const struct tcphdr *th;
	enum atcp_tw_verdict v;
	struct atcp_tw *tw;

	if (!READ_ONCE(an->tw_count))
		return false;
	th = (const struct tcphdr *)(skb_network_header(skb) + ip_hdrlen(skb));
	spin_lock(&an->tw_lock);
	tw = atcp_tw_lookup(net, iph->saddr, th->source, iph->daddr,
			    th->dest);
	if (!tw) {
		spin_unlock(&an->tw_lock);
		return false;
	}
	__skb_pull(skb, ip_hdrlen(skb));
	skb_reset_transport_header(skb);
	ATCP_INC_STATS(net, ATCP_MIB_INSEGS);
	if (atcp_check_header(net, skb)) {
		spin_unlock(&an->tw_lock);
		kfree_skb(skb);
		return true;
	}
	v = atcp_tw_process(net, an, tw, skb);
	spin_unlock(&an->tw_lock);
	if (v == ATCP_TW_NEW_SYN) {
		/* Back to where the hook found it, for the listener lookup. */
		__skb_push(skb, ip_hdrlen(skb));
		return false;
	}
	kfree_skb(skb);
	return true;
}

/* Walk every TIME_WAIT entry of @net (procfs). */
void atcp_tw_walk(struct net *net, struct atcp_walker *w)
{
	struct atcp_net *an = atcp_net(net);
	struct atcp_tw *tw;

	spin_lock_bh(&an->tw_lock);
	list_for_each_entry(tw, &an->tw_list, expire)
		w->tw(w, tw);
	spin_unlock_bh(&an->tw_lock);
}

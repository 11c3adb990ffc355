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
 * namespace expires the head of the list, so there is no timer per entry
 * and each expiry costs O(1).  Entries are hashed by 4-tuple in atcp's own
 * buckets and looked up on the receive path between the connections and
 * the listeners.  An entry is 64 bytes (struct atcp_tw; 96 for IPv6,
 * struct atcp_tw6); what a segment does to it is decided by the pure code
 * of atcp_tw.c.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/random.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <net/ip.h>
#include <net/tcp.h>

#include "atcp.h"
#include "atcp_mib.h"
#include "atcp_opt.h"
#include "atcp_tw.h"

/*
 * Locking.  A namespace's tw_lock covers its 2MSL list, its tw_count and
 * the contents of its entries; a bucket's lock covers the bucket's chain,
 * which entries of every namespace share, and ATCP_TW_HASHED.  tw_lock
 * is taken before a bucket lock.  The connect() path takes an entry over
 * holding only its bucket lock (atcp_tw_check_tuple()), and then, with
 * tw_lock alone, atcp_tw_reused() takes it off the list and frees it; an
 * entry on the list without ATCP_TW_HASHED is such a one, and everybody
 * else leaves it to atcp_tw_reused().  Bind bucket references are
 * dropped, and entries freed, with neither lock held
 * (atcp_tw_free_list()), because the connect() path holds bind and
 * connection bucket locks when it takes a TIME-WAIT bucket lock.
 */
struct atcp_tw_slot {
	spinlock_t lock;		/* the chain, and ATCP_TW_HASHED */
	struct atcp_tw *first;
};

static struct atcp_tw_slot *atcp_tw_slots __read_mostly;
static u32 atcp_tw_mask __read_mostly;
static siphash_key_t atcp_tw_secret __read_mostly;
static struct kmem_cache *atcp_tw_cachep __read_mostly;
static struct kmem_cache *atcp_tw6_cachep __read_mostly;

/* At most this many entries expire per timer run; the rest a tick later. */
#define ATCP_TW_EXPIRE_BATCH	1024

/* The entry's namespace: the port it holds belongs to one. */
static struct net *atcp_tw_net(const struct atcp_tw *tw)
{
	return read_pnet(&tw->tb->net);
}

/* The addresses of an entry, IPv4 ones v4-mapped. */
void atcp_tw_addrs(const struct atcp_tw *tw, struct in6_addr *laddr,
		   struct in6_addr *faddr)
{
	if (tw->flags & ATCP_TW_V6) {
		*laddr = atcp_tw6(tw)->saddr;
		*faddr = atcp_tw6(tw)->daddr;
	} else {
		atcp_addr_v4(laddr, tw->saddr);
		atcp_addr_v4(faddr, tw->daddr);
	}
}

static struct atcp_tw_slot *atcp_tw_slot(const struct net *net,
					 const struct in6_addr *laddr,
					 __be16 lport,
					 const struct in6_addr *faddr,
					 __be16 fport)
{
	struct atcp_tw_key k = {
		.lport = lport,
		.fport = fport,
		.net_mix = net_hash_mix(net),
	};

	memcpy(k.laddr, laddr, sizeof(k.laddr));
	memcpy(k.faddr, faddr, sizeof(k.faddr));
	return &atcp_tw_slots[atcp_tw_bucket(&atcp_tw_secret, &k, atcp_tw_mask)];
}

static struct atcp_tw_slot *atcp_tw_slot_of(const struct atcp_tw *tw)
{
	struct in6_addr laddr, faddr;

	atcp_tw_addrs(tw, &laddr, &faddr);
	return atcp_tw_slot(atcp_tw_net(tw), &laddr, tw->sport, &faddr,
			    tw->dport);
}

static bool atcp_tw_match(const struct atcp_tw *tw,
			  const struct in6_addr *laddr,
			  const struct in6_addr *faddr)
{
	if (tw->flags & ATCP_TW_V6)
		return ipv6_addr_equal(&atcp_tw6(tw)->saddr, laddr) &&
		       ipv6_addr_equal(&atcp_tw6(tw)->daddr, faddr);
	return ipv6_addr_v4mapped(laddr) && ipv6_addr_v4mapped(faddr) &&
	       tw->saddr == laddr->s6_addr32[3] &&
	       tw->daddr == faddr->s6_addr32[3];
}

/* The bucket lock is held. */
static struct atcp_tw *atcp_tw_find(struct atcp_tw_slot *slot,
				    const struct net *net,
				    const struct in6_addr *laddr,
				    __be16 lport, const struct in6_addr *faddr,
				    __be16 fport)
{
	struct atcp_tw *tw;

	for (tw = slot->first; tw; tw = tw->next)
		if (tw->sport == lport && tw->dport == fport &&
		    atcp_tw_match(tw, laddr, faddr) &&
		    net_eq(atcp_tw_net(tw), net))
			return tw;
	return NULL;
}

/* The bucket lock is held. */
static void atcp_tw_link(struct atcp_tw_slot *slot, struct atcp_tw *tw)
{
	tw->next = slot->first;
	tw->flags |= ATCP_TW_HASHED;
	/* paired with the lockless emptiness checks */
	WRITE_ONCE(slot->first, tw);
}

/*
 * The bucket lock is held.  A singly linked chain costs a walk to unlink,
 * but chains hold one or two entries and the link costs 8 bytes, not 16.
 */
static void atcp_tw_unlink(struct atcp_tw_slot *slot, struct atcp_tw *tw)
{
	struct atcp_tw **pp = &slot->first;

	while (*pp != tw)
		pp = &(*pp)->next;
	WRITE_ONCE(*pp, tw->next);
	tw->next = NULL;
	tw->flags &= ~ATCP_TW_HASHED;
}

int atcp_tw_init(unsigned int buckets)
{
	unsigned int i;

	get_random_bytes(&atcp_tw_secret, sizeof(atcp_tw_secret));
	atcp_tw_slots = kvmalloc_array(buckets, sizeof(*atcp_tw_slots),
				       GFP_KERNEL);
	if (!atcp_tw_slots)
		return -ENOMEM;
	for (i = 0; i < buckets; i++) {
		spin_lock_init(&atcp_tw_slots[i].lock);
		atcp_tw_slots[i].first = NULL;
	}
	atcp_tw_mask = buckets - 1;
	atcp_tw_cachep = kmem_cache_create("atcp_tw", sizeof(struct atcp_tw),
					   0, 0, NULL);
	atcp_tw6_cachep = kmem_cache_create("atcp_tw6",
					    sizeof(struct atcp_tw6), 0, 0,
					    NULL);
	if (!atcp_tw_cachep || !atcp_tw6_cachep) {
		atcp_tw_exit();
		return -ENOMEM;
	}
	return 0;
}

/* Every namespace is gone by now, and its entries with it. */
void atcp_tw_exit(void)
{
	kmem_cache_destroy(atcp_tw6_cachep);
	kmem_cache_destroy(atcp_tw_cachep);
	kvfree(atcp_tw_slots);
	atcp_tw_slots = NULL;
}

/*
 * tw_lock is held.  Take @tw off its chain and the 2MSL list and put it
 * on @dead for atcp_tw_free_list().  An entry connect() has already taken
 * off its chain only leaves the list.
 */
static void atcp_tw_kill(struct atcp_net *an, struct atcp_tw *tw,
			 struct list_head *dead)
{
	struct atcp_tw_slot *slot = atcp_tw_slot_of(tw);
	bool hashed;

	spin_lock(&slot->lock);
	hashed = tw->flags & ATCP_TW_HASHED;
	if (hashed)
		atcp_tw_unlink(slot, tw);
	spin_unlock(&slot->lock);
	if (hashed) {
		list_move_tail(&tw->expire, dead);
		WRITE_ONCE(an->tw_count, an->tw_count - 1);
	} else {
		list_del_init(&tw->expire);
	}
}

static void atcp_tw_free(struct atcp_tw *tw)
{
	atcp_bind_bucket_tw_put(tw->tb, tw->flags & ATCP_TW_REUSEPORT);
	if (tw->flags & ATCP_TW_V6)
		kmem_cache_free(atcp_tw6_cachep, atcp_tw6(tw));
	else
		kmem_cache_free(atcp_tw_cachep, tw);
}

static void atcp_tw_free_list(struct list_head *dead)
{
	struct atcp_tw *tw, *tmp;

	list_for_each_entry_safe(tw, tmp, dead, expire)
		atcp_tw_free(tw);
}

static void atcp_tw_arm(struct atcp_net *an, unsigned long at_least)
{
	int timeout = READ_ONCE(an->sysctl.tw_timeout);
	struct atcp_tw *tw;

	tw = list_first_entry_or_null(&an->tw_list, struct atcp_tw, expire);
	if (tw && !an->exiting)
		mod_timer(&an->tw_timer,
			  jiffies + max_t(long, atcp_tw_left(tw, timeout),
					  at_least));
}

/* tw_timeout was written: every entry's expiry moved with it. */
void atcp_tw_timeout_changed(struct atcp_net *an)
{
	spin_lock_bh(&an->tw_lock);
	atcp_tw_arm(an, 0);
	spin_unlock_bh(&an->tw_lock);
}

/*
 * The one timer of a namespace: the entries at the head of the 2MSL list
 * whose time has come go, at most a batch per run so that a million
 * entries closed in the same second cost a million frees spread over
 * ticks, never one long softirq.
 */
static void atcp_tw_timer_fn(struct timer_list *t)
{
	struct atcp_net *an = from_timer(an, t, tw_timer);
	int timeout = READ_ONCE(an->sysctl.tw_timeout);
	unsigned int budget = ATCP_TW_EXPIRE_BATCH;
	struct atcp_tw *tw, *tmp;
	LIST_HEAD(dead);

	spin_lock(&an->tw_lock);
	list_for_each_entry_safe(tw, tmp, &an->tw_list, expire) {
		if (!budget || atcp_tw_left(tw, timeout) > 0)
			break;
		atcp_tw_kill(an, tw, &dead);
		budget--;
	}
	atcp_tw_arm(an, budget ? 0 : 1);
	spin_unlock(&an->tw_lock);
	atcp_tw_free_list(&dead);
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
	LIST_HEAD(dead);

	spin_lock_bh(&an->tw_lock);
	an->exiting = true;
	spin_unlock_bh(&an->tw_lock);
	del_timer_sync(&an->tw_timer);

	spin_lock_bh(&an->tw_lock);
	list_for_each_entry_safe(tw, tmp, &an->tw_list, expire)
		atcp_tw_kill(an, tw, &dead);
	spin_unlock_bh(&an->tw_lock);
	atcp_tw_free_list(&dead);
}

/* tw_lock is held.  (Re)start an entry's 2MSL: it moves to the tail. */
static void atcp_tw_schedule(struct atcp_net *an, struct atcp_tw *tw)
{
	WRITE_ONCE(tw->start, (u32)jiffies);
	list_move_tail(&tw->expire, &an->tw_list);
	if (list_is_first(&tw->expire, &an->tw_list) ||
	    !timer_pending(&an->tw_timer))
		atcp_tw_arm(an, 0);
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
	struct atcp_tw_slot *slot;
	struct atcp_tw *tw;

	if (!as->bind_bucket)
		return;
	/* Linux: the TCPTimeWaitOverflow of inet_twsk_alloc(). */
	if (READ_ONCE(an->tw_count) >= READ_ONCE(an->sysctl.max_tw_buckets)) {
		ATCP_INC_STATS(sock_net(sk), ATCP_MIB_TWOVERFLOW);
		net_info_ratelimited("atcp: TIME_WAIT bucket table overflow\n");
		return;
	}
	if (atcp_v6(sk)) {
		struct atcp_tw6 *tw6;

		tw6 = kmem_cache_alloc(atcp_tw6_cachep, GFP_ATOMIC);
		if (!tw6)
			return;
		tw6->saddr = sk->sk_v6_rcv_saddr;
		tw6->daddr = sk->sk_v6_daddr;
		tw = &tw6->tw;
		tw->flowlabel = atcp_inet6(sk)->flow_label & IPV6_FLOWLABEL_MASK;
		tw->tclass = atcp_inet6(sk)->tclass;
		tw->flags = ATCP_TW_V6;
	} else {
		tw = kmem_cache_alloc(atcp_tw_cachep, GFP_ATOMIC);
		if (!tw)
			return;
		tw->saddr = inet->inet_rcv_saddr;
		tw->daddr = inet->inet_daddr;
		tw->flags = 0;
		tw->tos = READ_ONCE(inet->tos) & ~INET_ECN_MASK;
	}
	tw->next = NULL;
	tw->tb = as->bind_bucket;
	tw->sport = inet->inet_sport;
	tw->dport = inet->inet_dport;
	tw->snd_nxt = as->snd_max;
	tw->rcv_nxt = as->rcv_nxt;
	tw->ts_recent = as->ts_recent;
	tw->rcv_wnd = min_t(u32, as->rcv_wnd >> as->rcv_wscale, 65535U);
	if (as->ts_ok)
		tw->flags |= ATCP_TW_TS;
	/* /proc/net/atcp6 lists a v4-mapped connection's entry, as Linux */
	if (sk->sk_family == AF_INET6)
		tw->flags |= ATCP_TW_SK6;
	/* The offset is a hash of the 4-tuple: recomputed, not stored. */
	if (as->ts_offset)
		tw->flags |= ATCP_TW_TS_OFFSET;
	if (sk->sk_reuseport)
		tw->flags |= ATCP_TW_REUSEPORT;
	atcp_bind_bucket_tw_get(tw->tb, sk->sk_reuseport);

	slot = atcp_tw_slot_of(tw);
	spin_lock_bh(&an->tw_lock);
	INIT_LIST_HEAD(&tw->expire);
	WRITE_ONCE(an->tw_count, an->tw_count + 1);
	spin_lock(&slot->lock);
	atcp_tw_link(slot, tw);
	spin_unlock(&slot->lock);
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

/*
 * Is the 4-tuple held by a TIME-WAIT entry?  The caller holds connection
 * and perhaps bind bucket locks, with bottom halves off.  With @reuse the
 * caller is connect(): an entry tw_reuse allows is taken off its chain
 * and returned there, the 4-tuple free for the new connection; the caller
 * must pass it to atcp_tw_reused() once its own locks are released.
 */
bool atcp_tw_check_tuple(struct net *net, const struct in6_addr *laddr,
			 __be16 lport, const struct in6_addr *faddr,
			 __be16 fport, struct atcp_tw **reuse)
{
	struct atcp_tw_slot *slot = atcp_tw_slot(net, laddr, lport, faddr,
						 fport);
	struct atcp_tw *tw;
	bool loopback;
	u32 age_ms;
	int mode;

	if (!READ_ONCE(slot->first))
		return false;
	spin_lock(&slot->lock);
	tw = atcp_tw_find(slot, net, laddr, lport, faddr, fport);
	if (tw && reuse) {
		mode = READ_ONCE(atcp_net(net)->sysctl.tw_reuse_mode);
		loopback = ipv6_addr_v4mapped(laddr) ?
			   ipv4_is_loopback(laddr->s6_addr32[3]) ||
			   ipv4_is_loopback(faddr->s6_addr32[3]) :
			   ipv6_addr_loopback(laddr) ||
			   ipv6_addr_loopback(faddr);
		age_ms = jiffies_to_msecs((u32)jiffies - READ_ONCE(tw->start));
		if (atcp_tw_reusable(mode, loopback, tw->flags & ATCP_TW_TS,
				     age_ms)) {
			atcp_tw_unlink(slot, tw);
			*reuse = tw;
			tw = NULL;
		}
	}
	spin_unlock(&slot->lock);
	return tw;
}

/*
 * connect() took @tw over for @sk, whose initial numbers are set: the new
 * incarnation starts beyond the old one and remembers the peer's last
 * timestamp, as Linux's tcp_twsk_unique() arranges.  Then the entry goes.
 */
void atcp_tw_reused(struct sock *sk, struct atcp_tw *tw)
{
	struct atcp_net *an = atcp_net(sock_net(sk));
	struct atcp_sock *as = atcp_sk(sk);
	u32 iss;

	spin_lock_bh(&an->tw_lock);
	list_del_init(&tw->expire);
	WRITE_ONCE(an->tw_count, an->tw_count - 1);
	iss = atcp_tw_reuse_iss(tw->snd_nxt);
	as->ts_recent = tw->ts_recent;
	spin_unlock_bh(&an->tw_lock);

	as->ts_recent_stamp = ktime_get_seconds();
	atcp_set_iss(as, iss);
	ATCP_INC_STATS(sock_net(sk), ATCP_MIB_TWRECYCLED);
	atcp_tw_free(tw);
}

static void atcp_tw_send_ack(struct net *net, const struct atcp_tw *tw,
			     const struct sk_buff *skb)
{
	struct in6_addr laddr, faddr;
	u32 ts[2];

	ts[0] = atcp_clock_ms();
	if (tw->flags & ATCP_TW_TS_OFFSET) {
		atcp_tw_addrs(tw, &laddr, &faddr);
		ts[0] += atcp_ts_offset_of(&faddr, &laddr, tw->dport,
					   tw->sport);
	}
	ts[1] = tw->ts_recent;
#if IS_ENABLED(CONFIG_IPV6)
	/* with the connection's flow label and class (Linux: tw_flowlabel) */
	if (tw->flags & ATCP_TW_V6) {
		atcp_v6_send_ctl(net, skb, tw->snd_nxt, tw->rcv_nxt,
				 TCPHDR_ACK, tw->rcv_wnd,
				 (tw->flags & ATCP_TW_TS) ? ts : NULL, 0,
				 ip6_make_flowinfo(tw->tclass, tw->flowlabel));
		return;
	}
#endif
	/* with the connection's DSCP (Linux: tw_tos) */
	atcp_v4_send_ctl(net, skb, tw->snd_nxt, tw->rcv_nxt, TCPHDR_ACK,
			 tw->rcv_wnd, (tw->flags & ATCP_TW_TS) ? ts : NULL,
			 tw->tos);
}

/*
 * tw_lock is held.  RFC 9293 3.10.7.4 in TIME-WAIT, as atcp_tw_segment()
 * decides it; a dying entry goes on @dead.
 */
static enum atcp_tw_action atcp_tw_process(struct net *net,
					   struct atcp_net *an,
					   struct atcp_tw *tw,
					   struct sk_buff *skb,
					   struct list_head *dead)
{
	const struct tcphdr *th = tcp_hdr(skb);
	unsigned int doff = th->doff * 4;
	struct atcp_opts opts = {};
	struct atcp_tw_view view;
	struct atcp_tw_seg seg;
	enum atcp_tw_action act;

	if (doff > sizeof(*th) &&
	    atcp_opt_parse((const u8 *)(th + 1), doff - sizeof(*th),
			   th->syn, &opts)) {
		ATCP_INC_STATS(net, ATCP_MIB_INERRS);
		return ATCP_TW_IGNORE;
	}
	view.rcv_nxt = tw->rcv_nxt;
	view.ts_recent = tw->ts_recent;
	view.ts = tw->flags & ATCP_TW_TS;
	seg.seq = ntohl(th->seq);
	seg.len = skb->len - doff;
	seg.ts = opts.ts_ok;
	seg.tsval = opts.tsval;
	seg.syn = th->syn;
	seg.ack = th->ack;
	seg.fin = th->fin;
	seg.rst = th->rst;

	act = atcp_tw_segment(&view, &seg, READ_ONCE(an->sysctl.rfc1337));
	switch (act) {
	case ATCP_TW_FIN_AGAIN:
		/* Our last ACK was lost: the peer's FIN came back. */
		if (seg.ts)
			tw->ts_recent = seg.tsval;
		atcp_tw_schedule(an, tw);
		atcp_tw_send_ack(net, tw, skb);
		break;
	case ATCP_TW_ACK:
		atcp_tw_send_ack(net, tw, skb);
		break;
	case ATCP_TW_KILL:
		ATCP_INC_STATS(net, ATCP_MIB_TWKILLED);
		atcp_tw_kill(an, tw, dead);
		break;
	case ATCP_TW_NEW_SYN:
		atcp_tw_kill(an, tw, dead);
		break;
	case ATCP_TW_IGNORE:
		break;
	}
	return act;
}

/*
 * Called by the hook for a segment no connection took, its TCP header
 * @thoff bytes past the network header.  Returns true when a TIME_WAIT
 * entry consumed it; false leaves it to the listeners.
 */
bool atcp_tw_claim(struct net *net, struct sk_buff *skb, unsigned int thoff)
{
	struct atcp_net *an = atcp_net(net);
	struct in6_addr laddr, faddr;
	enum atcp_tw_action act;
	const struct tcphdr *th;
	struct atcp_tw_slot *slot;
	struct atcp_tw *tw;
	LIST_HEAD(dead);

	if (!READ_ONCE(an->tw_count))
		return false;
	th = (const struct tcphdr *)(skb_network_header(skb) + thoff);
	atcp_skb_addrs(skb, &laddr, &faddr);
	slot = atcp_tw_slot(net, &laddr, th->dest, &faddr, th->source);
	/* Most segments for Linux TCP end here, without a lock. */
	if (!READ_ONCE(slot->first))
		return false;
	spin_lock(&an->tw_lock);
	spin_lock(&slot->lock);
	tw = atcp_tw_find(slot, net, &laddr, th->dest, &faddr, th->source);
	spin_unlock(&slot->lock);
	if (!tw) {
		spin_unlock(&an->tw_lock);
		return false;
	}
	__skb_pull(skb, thoff);
	skb_reset_transport_header(skb);
	ATCP_INC_STATS(net, ATCP_MIB_INSEGS);
	if (atcp_check_header(net, skb)) {
		spin_unlock(&an->tw_lock);
		kfree_skb(skb);
		return true;
	}
	act = atcp_tw_process(net, an, tw, skb, &dead);
	spin_unlock(&an->tw_lock);
	atcp_tw_free_list(&dead);
	if (act == ATCP_TW_NEW_SYN) {
		/* Back to where the hook found it, for the listener lookup. */
		__skb_push(skb, thoff);
		return false;
	}
	kfree_skb(skb);
	return true;
}

/* Chains of the TIME_WAIT table, for atcp_tw_walk_slot(). */
unsigned int atcp_tw_walk_slots(void)
{
	return atcp_tw_mask + 1;
}

/*
 * Call @w for each TIME_WAIT entry of @net on chain @i (procfs).  The
 * chain lock keeps them: an entry leaves its chain under it before it is
 * freed.
 */
void atcp_tw_walk_slot(struct net *net, unsigned int i, struct atcp_walker *w)
{
	struct atcp_tw_slot *slot = &atcp_tw_slots[i & atcp_tw_mask];
	struct atcp_tw *tw;

	if (!READ_ONCE(slot->first))
		return;
	spin_lock_bh(&slot->lock);
	for (tw = slot->first; tw; tw = tw->next)
		if (net_eq(atcp_tw_net(tw), net))
			w->tw(w, tw);
	spin_unlock_bh(&slot->lock);
}

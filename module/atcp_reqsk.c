// SPDX-License-Identifier: GPL-2.0
/*
 * atcp request entries: a listener's SYN queue.
 *
 * A SYN to a listener creates no socket.  It creates a request entry
 * (struct atcp_req, at most 128 bytes) that remembers what the SYN-ACK
 * promised: both initial sequence numbers, the negotiated options and
 * the peer's timestamp.  Entries sit in a hash table of their listener,
 * sized when listen() is called, so that the third ACK finds its entry
 * in O(1); the socket is made only then (atcp_req_child()).
 *
 * Each entry has a timer that retransmits the SYN-ACK after 1, 2, 4, 8
 * and 16 s (synack_retries, 5 by default) and drops the entry 32 s after
 * the last one, 63 s after the SYN, as Linux does.
 *
 * Locking and lifetime.  The listener's accept_lock covers its table,
 * syn_len and ATCP_REQ_HASHED.  An entry is counted by the chain (while
 * hashed) and by its timer (while pending); whoever unhashes it drops
 * the chain's count, whoever stops or ends the timer drops the timer's.
 * The entry holds its listener, which therefore outlives every timer
 * run of its entries.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/log2.h>
#include <linux/siphash.h>
#include <linux/slab.h>
#include <net/ip.h>
#include <net/l3mdev.h>
#include <net/tcp.h>

#include "atcp.h"
#include "atcp_mib.h"

static struct kmem_cache *atcp_req_cachep __read_mostly;
static struct kmem_cache *atcp_req_ext_cachep __read_mostly;
static siphash_key_t atcp_synq_secret __read_mostly;

/* table size limits: 16 slots at least, 128 KiB of pointers at most */
#define ATCP_SYNQ_MIN_SLOTS	16U
#define ATCP_SYNQ_MAX_SLOTS	16384U

static u32 atcp_synq_slot(const struct atcp_sock *las,
			  const struct in6_addr *raddr, __be16 rport,
			  const struct in6_addr *laddr)
{
	struct {
		struct in6_addr raddr;
		struct in6_addr laddr;
		u32 rport;
	} key = { *raddr, *laddr, (__force u32)rport };

	return siphash(&key, sizeof(key), &atcp_synq_secret) & las->syn_mask;
}

/* The table of a new listener: one slot per max_syn_backlog entry. */
int atcp_synq_alloc(struct sock *sk)
{
	struct atcp_sock *las = atcp_sk(sk);
	u32 slots = clamp_t(u32, atcp_max_syn_backlog(sk), ATCP_SYNQ_MIN_SLOTS,
			    ATCP_SYNQ_MAX_SLOTS);
	struct atcp_req **table;

	if (las->syn_table)
		return 0;
	slots = roundup_pow_of_two(slots);
	table = kvcalloc(slots, sizeof(*table), GFP_KERNEL);
	if (!table)
		return -ENOMEM;
	net_get_random_once(&atcp_synq_secret, sizeof(atcp_synq_secret));
	spin_lock_bh(&las->accept_lock);
	las->syn_mask = slots - 1;
	las->syn_table = table;
	spin_unlock_bh(&las->accept_lock);
	return 0;
}

/* A queued copy of @tmpl, from the cache of its kind; NULL: no memory. */
static struct atcp_req *atcp_req_alloc(const struct atcp_req *tmpl)
{
	struct atcp_req_ext *ext;
	struct atcp_req *req;

	if (tmpl->flags & ATCP_REQ_EXT) {
		ext = kmem_cache_alloc(atcp_req_ext_cachep,
				       GFP_ATOMIC | __GFP_NOWARN);
		if (!ext)
			return NULL;
		*ext = *container_of(tmpl, struct atcp_req_ext, req);
		return &ext->req;
	}
	req = kmem_cache_alloc(atcp_req_cachep, GFP_ATOMIC | __GFP_NOWARN);
	if (req)
		*req = *tmpl;
	return req;
}

static void atcp_req_free(struct atcp_req *req)
{
	if (req->flags & ATCP_REQ_EXT)
		kmem_cache_free(atcp_req_ext_cachep,
				container_of(req, struct atcp_req_ext, req));
	else
		kmem_cache_free(atcp_req_cachep, req);
}

void atcp_req_put(struct atcp_req *req)
{
	if (refcount_dec_and_test(&req->refcnt)) {
		sock_put(req->listener);
		atcp_req_free(req);
	}
}

/*
 * fwmark_accept: a listener without a mark of its own (SO_MARK) gives
 * the request of @skb, a SYN or a cookie's ACK, that segment's mark
 * (Linux: inet_request_mark()).  @ext holds a request just made from
 * @skb; it becomes an extended one only when the mark is not 0.
 */
void atcp_req_note_mark(struct sock *sk, struct atcp_req_ext *ext,
			const struct sk_buff *skb)
{
	if (!skb->mark || READ_ONCE(sk->sk_mark) ||
	    !READ_ONCE(atcp_net(sock_net(sk))->sysctl.fwmark_accept))
		return;
	ext->mark = skb->mark;
	ext->req.flags |= ATCP_REQ_EXT;
}

/* Take @req off its chain; the caller then owns the chain's count. */
static void atcp_synq_unlink(struct atcp_sock *las, struct atcp_req *req)
{
	struct atcp_req **pp;

	lockdep_assert_held(&las->accept_lock);
	pp = &las->syn_table[atcp_synq_slot(las, &req->raddr, req->rport,
					    &req->laddr)];
	for (; *pp; pp = &(*pp)->next) {
		if (*pp == req) {
			*pp = req->next;
			req->next = NULL;
			req->flags &= ~ATCP_REQ_HASHED;
			las->syn_len--;
			return;
		}
	}
}

/* Drop the counts of an entry that is no longer hashed. */
static void atcp_req_release(struct atcp_req *req)
{
	if (del_timer(&req->timer))
		atcp_req_put(req);
	atcp_req_put(req);
}

/* Forget @req (RST, a new SYN, the connection made): if still hashed. */
void atcp_synq_drop(struct sock *sk, struct atcp_req *req)
{
	struct atcp_sock *las = atcp_sk(sk);
	bool hashed;

	spin_lock_bh(&las->accept_lock);
	hashed = req->flags & ATCP_REQ_HASHED;
	if (hashed)
		atcp_synq_unlink(las, req);
	spin_unlock_bh(&las->accept_lock);
	if (hashed)
		atcp_req_release(req);
}

static void atcp_req_timer(struct timer_list *t);

/*
 * A new entry of listener @sk, a copy of @tmpl, counted @refs times: the
 * chain's, the timer's, and the caller's if 3.  Not yet on the chain.
 */
static struct atcp_req *atcp_req_new(struct sock *sk,
				     const struct atcp_req *tmpl, int refs)
{
	struct atcp_req *req = atcp_req_alloc(tmpl);

	if (!req)
		return NULL;
	req->next = NULL;
	req->flags &= ~ATCP_REQ_HASHED;
	sock_hold(sk);
	req->listener = sk;
	timer_setup(&req->timer, atcp_req_timer, 0);
	refcount_set(&req->refcnt, refs);
	return req;
}

/*
 * Put new entry @req on its listener's chain, its timer due at @expires.
 * False, and @req freed, when the listener has stopped: its table is
 * gone once atcp_synq_purge() began.
 */
static bool atcp_synq_link(struct atcp_req *req, unsigned long expires)
{
	struct sock *sk = req->listener;
	struct atcp_sock *las = atcp_sk(sk);
	struct atcp_req **slot;

	spin_lock_bh(&las->accept_lock);
	if (!las->syn_table) {
		spin_unlock_bh(&las->accept_lock);
		sock_put(sk);
		atcp_req_free(req);
		return false;
	}
	slot = &las->syn_table[atcp_synq_slot(las, &req->raddr, req->rport,
					      &req->laddr)];
	req->next = *slot;
	*slot = req;
	req->flags |= ATCP_REQ_HASHED;
	las->syn_len++;
	mod_timer(&req->timer, expires);
	spin_unlock_bh(&las->accept_lock);
	return true;
}

/*
 * migrate_req: a copy of @req, an entry of a listener that stopped,
 * joins the SYN queue of listener @sk, its next SYN-ACK due when the old
 * entry's was (Linux: inet_reqsk_clone()).  False when @sk no longer
 * listens, or for want of memory.
 */
static bool atcp_synq_migrate(struct sock *sk, const struct atcp_req *req)
{
	struct atcp_req *nreq = atcp_req_new(sk, req, 2);

	return nreq && atcp_synq_link(nreq, req->timer.expires);
}

/* migrate_req: to the listener of @peer's group @req's 4-tuple hashes to. */
static void atcp_req_migrate(struct sock *peer, const struct atcp_req *req)
{
	struct sock *nsk;

	nsk = atcp_reuseport_migrate_to(peer, &req->raddr, req->rport,
					&req->laddr, req->lport);
	if (!nsk)
		return;
	ATCP_INC_STATS(sock_net(nsk), atcp_synq_migrate(nsk, req) ?
		       ATCP_MIB_MIGRATEREQSUCCESS : ATCP_MIB_MIGRATEREQFAILURE);
	sock_put(nsk);
}

/*
 * A listener stops listening: drop every entry and the table, after
 * copying each to a listener of @peer's SO_REUSEPORT group (migrate_req;
 * @peer NULL: none).  Runs with the socket owned by the user, so no
 * segment reaches the table meanwhile; a timer already running finds its
 * entry unhashed and only lets go.
 */
void atcp_synq_purge(struct sock *sk, struct sock *peer)
{
	struct atcp_sock *las = atcp_sk(sk);
	struct atcp_req *list = NULL, *req;
	struct atcp_req **table;
	u32 i;

	spin_lock_bh(&las->accept_lock);
	table = las->syn_table;
	las->syn_table = NULL;
	for (i = 0; table && i <= las->syn_mask; i++) {
		while ((req = table[i])) {
			table[i] = req->next;
			req->flags &= ~ATCP_REQ_HASHED;
			req->next = list;
			list = req;
		}
	}
	las->syn_len = 0;
	las->syn_mask = 0;
	spin_unlock_bh(&las->accept_lock);

	while ((req = list)) {
		list = req->next;
		req->next = NULL;
		if (peer)
			atcp_req_migrate(peer, req);
		atcp_req_release(req);
	}
	kvfree(table);
}

/* The entry of listener @sk for a 4-tuple, held; BHs are off. */
struct atcp_req *atcp_synq_find(struct sock *sk, const struct in6_addr *raddr,
				__be16 rport, const struct in6_addr *laddr,
				__be16 lport)
{
	struct atcp_sock *las = atcp_sk(sk);
	struct atcp_req *req = NULL;

	if (!READ_ONCE(las->syn_len))
		return NULL;
	spin_lock(&las->accept_lock);
	if (las->syn_table) {
		req = las->syn_table[atcp_synq_slot(las, raddr, rport, laddr)];
		for (; req; req = req->next) {
			if (req->rport == rport && req->lport == lport &&
			    ipv6_addr_equal(&req->raddr, raddr) &&
			    ipv6_addr_equal(&req->laddr, laddr)) {
				refcount_inc(&req->refcnt);
				break;
			}
		}
	}
	spin_unlock(&las->accept_lock);
	return req;
}

/* The entry for the segment in @skb (pulled to its TCP header), held. */
struct atcp_req *atcp_synq_lookup(struct sock *sk, const struct sk_buff *skb)
{
	const struct tcphdr *th = tcp_hdr(skb);
	struct in6_addr laddr, raddr;

	atcp_skb_addrs(skb, &laddr, &raddr);
	return atcp_synq_find(sk, &raddr, th->source, &laddr, th->dest);
}

/* TSval for our segments of @req's connection: the child's clock. */
u32 atcp_req_tsval(struct sock *sk, const struct atcp_req *req)
{
	return atcp_clock_ms() +
	       atcp_conn_ts_offset(sock_net(sk), &req->raddr, &req->laddr,
				   req->rport, req->lport);
}

/*
 * A request for the segment in @skb: its 4-tuple, window, DS field and
 * flow label, all else 0.  For a cookie the segment is the third ACK, as
 * Linux takes syn_tos from it too.
 */
void atcp_req_init(struct atcp_req *req, const struct sk_buff *skb,
		   const struct atcp_seg *seg)
{
	const struct tcphdr *th = tcp_hdr(skb);

	memset(req, 0, sizeof(*req));
	atcp_skb_addrs(skb, &req->laddr, &req->raddr);
	req->flowinfo = ip6_make_flowinfo(atcp_skb_dsfield(skb),
					  atcp_skb_v6(skb) ?
					  ip6_flowlabel(ipv6_hdr(skb)) : 0);
	req->iif = skb->skb_iif;
	req->lport = th->dest;
	req->rport = th->source;
	req->snd_wnd = seg->wnd;
}

/*
 * The device the connection of @req is bound to: listener @sk's, or,
 * for an unbound listener under l3mdev_accept, the VRF the SYN came in
 * through, so that its replies are routed in the VRF's table (Linux:
 * inet_request_bound_dev_if()).  0: none.
 */
int atcp_req_bound_dev_if(const struct sock *sk, const struct atcp_req *req)
{
	int bound = READ_ONCE(sk->sk_bound_dev_if);

#ifdef CONFIG_NET_L3_MASTER_DEV
	if (!bound && READ_ONCE(atcp_net(sock_net(sk))->sysctl.l3mdev_accept))
		return l3mdev_master_ifindex_by_index(sock_net(sk), req->iif);
#endif
	return bound;
}

/* The options the peer offered that listener @sk's sysctls allow. */
void atcp_req_options(struct sock *sk, struct atcp_req *req, bool ts_ok,
		      u32 tsval, bool ws_ok, u8 wscale, bool sack_ok)
{
	const struct atcp_sysctl *s = &atcp_net(sock_net(sk))->sysctl;

	if (ws_ok && READ_ONCE(s->window_scaling)) {
		req->flags |= ATCP_REQ_WS;
		req->snd_wscale = wscale;
		req->rcv_wscale = atcp_rcv_wscale(sk);
	}
	if (ts_ok && READ_ONCE(s->timestamps)) {
		req->flags |= ATCP_REQ_TS;
		req->ts_recent = tsval;
	}
	if (sack_ok && READ_ONCE(s->sack))
		req->flags |= ATCP_REQ_SACK;
}

/* What the SYN in @skb asks for and what we answer: the entry's fields. */
void atcp_req_from_syn(struct sock *sk, const struct sk_buff *skb,
		       const struct atcp_seg *seg, struct atcp_req_ext *ext)
{
	int ecn = READ_ONCE(atcp_net(sock_net(sk))->sysctl.ecn);
	const struct atcp_opts *o = &seg->opts;
	struct atcp_req *req = &ext->req;

	atcp_req_init(req, skb, seg);
	atcp_req_note_mark(sk, ext, skb);
	req->irs = seg->seq;
	req->peer_mss = o->mss_ok ? o->mss : ATCP_DEFAULT_MSS;
	atcp_req_options(sk, req, o->ts_ok, o->tsval, o->ws_ok, o->wscale,
			 o->sack_ok);
	/* under ecn 0, a route with features ecn still agrees */
	if (atcp_ecn_syn_ok(seg->flags, tcp_hdr(skb)->res1, atcp_skb_ecn(skb),
			    ATCP_ECN_MODE_PASSIVE) &&
	    (ecn != ATCP_ECN_MODE_OFF || atcp_req_route_ecn(sk, req)))
		req->flags |= ATCP_REQ_ECN;
	req->iss = atcp_isn_of(&req->raddr, &req->laddr, req->rport,
			       req->lport);
}

/* SYN-ACK timeouts: 1 s doubling, as Linux's TCP_TIMEOUT_INIT << n. */
static unsigned long atcp_req_timeout(const struct atcp_req *req)
{
	return min_t(unsigned long, (unsigned long)ATCP_TIMEOUT_INIT <<
		     min_t(u8, req->retransmits, 7), ATCP_PROBE_MAX);
}

static void atcp_req_timer(struct timer_list *t)
{
	struct atcp_req *req = from_timer(req, t, timer);
	struct sock *sk = req->listener;
	struct atcp_sock *las = atcp_sk(sk);
	struct net *net = sock_net(sk);
	int max = READ_ONCE(atcp_net(net)->sysctl.synack_retries);
	u8 defer = READ_ONCE(las->opts.defer_accept);
	bool give_up = false, resend = true, acked;

	spin_lock(&las->accept_lock);
	if (!(req->flags & ATCP_REQ_HASHED)) {
		spin_unlock(&las->accept_lock);
		atcp_req_put(req);
		return;
	}
	/*
	 * TCP_DEFER_ACCEPT: a request whose bare ACK came waits for data
	 * without SYN-ACKs until its last timeout of the deferral, whose
	 * SYN-ACK draws an ACK that then makes the connection; and it
	 * lasts at least that long (Linux: syn_ack_recalc()).
	 */
	acked = defer && (req->flags & ATCP_REQ_ACKED);
	if (req->retransmits >= max &&
	    (!acked || req->retransmits >= defer)) {
		atcp_synq_unlink(las, req);
		give_up = true;
	} else {
		resend = !acked || req->retransmits + 1 >= defer;
		req->retransmits++;
		mod_timer(&req->timer, jiffies + atcp_req_timeout(req));
		/* for the send below: a drop may now take both counts */
		refcount_inc(&req->refcnt);
	}
	spin_unlock(&las->accept_lock);

	if (!give_up && resend) {
		ATCP_INC_STATS(net, ATCP_MIB_RETRANSSEGS);
		atcp_send_synack_req(sk, req, req->iss,
				     atcp_req_tsval(sk, req), NULL);
	}
	/* give up: the chain's count; else the one taken for the send */
	atcp_req_put(req);
	if (give_up)
		atcp_req_put(req);	/* the timer's own */
}

/* A bare third ACK came for @req while TCP_DEFER_ACCEPT holds it back. */
void atcp_synq_mark_acked(struct sock *sk, struct atcp_req *req)
{
	struct atcp_sock *las = atcp_sk(sk);

	/* the timer changes the same flags under the lock */
	spin_lock(&las->accept_lock);
	req->flags |= ATCP_REQ_ACKED;
	spin_unlock(&las->accept_lock);
}

/*
 * Queue a request made from @tmpl and send its SYN-ACK, with the Fast
 * Open cookie @tfo if not NULL: only this first SYN-ACK carries it, as in
 * Linux.  The caller has checked that the SYN queue has room.
 */
int atcp_synq_add(struct sock *sk, const struct atcp_req *tmpl,
		  const struct atcp_tfo_cookie *tfo)
{
	struct atcp_req *req;
	int err;

	/* the chain, the timer, and ours until the SYN-ACK is sent */
	req = atcp_req_new(sk, tmpl, 3);
	if (!req)
		return -ENOMEM;
	req->sent_us = atcp_clock_us();
	if (!atcp_synq_link(req, jiffies + atcp_req_timeout(req)))
		return -EINVAL;

	err = atcp_send_synack_req(sk, req, req->iss, atcp_req_tsval(sk, req),
				   tfo);
	if (err)
		atcp_synq_drop(sk, req);
	atcp_req_put(req);
	return err;
}

/* Call @w->req for each entry of listener @sk. */
void atcp_synq_walk(struct sock *sk, struct atcp_walker *w)
{
	struct atcp_sock *las = atcp_sk(sk);
	struct atcp_req *req;
	u32 i;

	if (!w->req)
		return;
	spin_lock_bh(&las->accept_lock);
	for (i = 0; las->syn_table && i <= las->syn_mask; i++)
		for (req = las->syn_table[i]; req; req = req->next)
			w->req(w, req);
	spin_unlock_bh(&las->accept_lock);
}

/*
 * Set up @child, a clone of listener @sk that the caller holds bh-locked,
 * as the socket of a completed handshake: SYN-RECEIVED, from @req (an
 * entry or a decoded cookie), hashed and routed.  On error the child is
 * gone once the caller unlocks it.
 */
int atcp_req_child(struct sock *sk, struct sock *child,
		   const struct atcp_req *req)
{
	struct inet_sock *newinet;
	struct atcp_sock *as;
	int err;

	/* sk_clone_lock() gives two references; the listener keeps one. */
	sock_put(child);

	atcp_init_tcb(child);
	as = atcp_sk(child);
	/* the listener's, which the clone copied: never the child's */
	RCU_INIT_POINTER(as->tfo_keys, NULL);
	atomic_set(&as->tfo_qlen, 0);
	as->opts.fastopen_qlen = 0;
	newinet = inet_sk(child);
	if (atcp_req_v6(req)) {
		/* Never matches an IPv4 segment; Linux does the same. */
		newinet->inet_daddr = LOOPBACK4_IPV6;
		newinet->inet_rcv_saddr = LOOPBACK4_IPV6;
		newinet->inet_saddr = LOOPBACK4_IPV6;
		as->ipv6 = 1;
	} else {
		newinet->inet_daddr = req->raddr.s6_addr32[3];
		newinet->inet_rcv_saddr = req->laddr.s6_addr32[3];
		newinet->inet_saddr = req->laddr.s6_addr32[3];
	}
	newinet->inet_dport = req->rport;
	newinet->inet_sport = req->lport;
	newinet->inet_num = ntohs(req->lport);
	atomic_set(&newinet->inet_id, get_random_u16());
	newinet->mc_list = NULL;
	newinet->inet_opt = NULL;
	/* a listener's option, which Linux does not hand down either */
	as->opts.defer_accept = 0;
	RCU_INIT_POINTER(child->sk_dst_cache, NULL);
	child->sk_bound_dev_if = atcp_req_bound_dev_if(sk, req);
	child->sk_mark = atcp_req_mark(sk, req);
	child->sk_rx_dst = NULL;
	as->passive = 1;
#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family == AF_INET6)
		atcp_v6_child_init(sk, child, req);
#endif
	/* reflect_tos: the connection's DSCP is its SYN's (Linux: syn_tos) */
	if (READ_ONCE(atcp_net(sock_net(sk))->sysctl.reflect_tos)) {
		u8 dscp = atcp_req_dsfield(req) & ~INET_ECN_MASK;

#if IS_ENABLED(CONFIG_IPV6)
		if (atcp_req_v6(req))
			atcp_inet6(child)->tclass = dscp;
		else
#endif
			newinet->tos = dscp;
	}

	err = atcp_inherit_port(sk, child);
	if (!err)
		err = atcp_connect_hash(child, NULL);
	if (!err)
		err = atcp_route_connect(child);
	if (err) {
		sock_set_flag(child, SOCK_DEAD);
		atcp_done(child);
		return err;
	}

	/* The handshake's options, as the request negotiated them. */
	as->peer_mss = req->peer_mss;
	as->ws_ok = !!(req->flags & ATCP_REQ_WS);
	as->snd_wscale = req->snd_wscale;
	as->ts_ok = !!(req->flags & ATCP_REQ_TS);
	as->sack_ok = !!(req->flags & ATCP_REQ_SACK);
	as->ecn_flags = req->flags & ATCP_REQ_ECN ? ATCP_ECN_OK : 0;
	atcp_start_tcb(child);
	if (as->ws_ok) {
		as->rcv_wscale = req->rcv_wscale;
		as->rcv_wnd = atcp_initial_window(child, as->rcv_wscale);
		as->rcv_ssthresh = min(as->rcv_wnd, 65535U);
	}
	if (as->ts_ok) {
		as->ts_recent = req->ts_recent;
		as->ts_recent_stamp = ktime_get_seconds();
	}

	/* Our SYN-ACK is out: ISS is sent, and nothing to retransmit. */
	atcp_set_iss(as, req->iss);
	as->snd_nxt = req->iss + 1;
	as->snd_max = req->iss + 1;
	as->write_seq = req->iss + 1;
	as->snd_wnd = req->snd_wnd;
	as->max_window = req->snd_wnd;
	as->snd_wl1 = req->irs;

	atcp_init_rcv(child, req->irs);
	/* the time of the segment that completes the handshake */
	atcp_clock_refresh(as);
	/* Karn: only a SYN-ACK sent once gives an RTT sample. */
	if (!req->retransmits && req->sent_us) {
		u32 rtt = atcp_now_us(as) - req->sent_us;

		atcp_rtt_sample(child, rtt ? rtt : 1);
	}
	atcp_set_state(child, TCP_SYN_RECV);
	return 0;
}

int atcp_reqsk_init(void)
{
	atcp_req_cachep = kmem_cache_create("atcp_request",
					    sizeof(struct atcp_req), 0,
					    SLAB_ACCOUNT, NULL);
	atcp_req_ext_cachep = kmem_cache_create("atcp_request_ext",
						sizeof(struct atcp_req_ext), 0,
						SLAB_ACCOUNT, NULL);
	if (atcp_req_cachep && atcp_req_ext_cachep)
		return 0;
	atcp_reqsk_exit();
	return -ENOMEM;
}

void atcp_reqsk_exit(void)
{
	kmem_cache_destroy(atcp_req_ext_cachep);
	kmem_cache_destroy(atcp_req_cachep);
	atcp_req_ext_cachep = NULL;
	atcp_req_cachep = NULL;
}

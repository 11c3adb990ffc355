// SPDX-License-Identifier: GPL-2.0
/*
 * atcp's connection table: established connections by 4-tuple, listeners
 * by local port and bound ports.  TIME_WAIT entries have buckets of their
 * own (atcp_minisocks.c), which connect() consults through
 * atcp_tw_check_tuple().
 *
 * The tables are shared by all network namespaces, with the namespace in
 * every key, and sized from memory at load time.  The receive path looks
 * up under RCU and takes a reference with refcount_inc_not_zero(); atcp
 * sockets are freed after a grace period (SOCK_RCU_FREE), so a reader
 * never touches freed memory.  Writers take the bucket's spinlock.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jhash.h>
#include <linux/mm.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <net/addrconf.h>
#include <net/inet_hashtables.h>
#include <net/sock_reuseport.h>
#include <net/tcp.h>

#include "atcp.h"

struct atcp_hslot {
	spinlock_t lock;	/* writers of this chain */
	struct hlist_head head;
};

struct atcp_table {
	struct atcp_hslot *slots;
	unsigned int mask;
};

static struct atcp_table atcp_ehash;	/* connections: sk->sk_node */
static struct atcp_table atcp_lhash;	/* listeners by port: sk->sk_node */
static struct atcp_table atcp_bhash;	/* bind buckets by port */
static struct kmem_cache *atcp_bucket_cache;
static u32 atcp_hash_secret __read_mostly;

/*
 * Placeholder sockets in Linux TCP's bind table are released from process
 * context: a bind bucket may be freed in softirq context.
 */
static LLIST_HEAD(atcp_hold_free);
static void atcp_hold_release_fn(struct work_struct *work);
static DECLARE_WORK(atcp_hold_release_work, atcp_hold_release_fn);

struct atcp_hold {
	struct llist_node node;
	struct socket *sock;
};

static unsigned int ehash_entries;
module_param(ehash_entries, uint, 0444);
MODULE_PARM_DESC(ehash_entries,
		 "connection hash buckets (default: from memory, up to 1M)");

static int atcp_table_alloc(struct atcp_table *t, unsigned int entries)
{
	unsigned int i;

	t->slots = kvmalloc_array(entries, sizeof(*t->slots), GFP_KERNEL);
	if (!t->slots)
		return -ENOMEM;
	for (i = 0; i < entries; i++) {
		spin_lock_init(&t->slots[i].lock);
		INIT_HLIST_HEAD(&t->slots[i].head);
	}
	t->mask = entries - 1;
	return 0;
}

static void atcp_table_free(struct atcp_table *t)
{
	kvfree(t->slots);
	t->slots = NULL;
}

int atcp_table_init(void)
{
	unsigned long entries = ehash_entries;
	int err;

	/*
	 * One bucket per 16 KiB of memory, like the order of Linux's own
	 * ehash, between 4 Ki and 1 Mi buckets: a million connections keep
	 * chains of one or two on a machine that can hold them.
	 */
	if (!entries)
		entries = (totalram_pages() << PAGE_SHIFT) >> 14;
	entries = clamp_t(unsigned long, entries, 4096, 1 << 20);
	entries = rounddown_pow_of_two(entries);

	atcp_hash_secret = get_random_u32();
	atcp_bucket_cache = kmem_cache_create("atcp_bind_bucket",
					      sizeof(struct atcp_bind_bucket),
					      0, SLAB_HWCACHE_ALIGN, NULL);
	if (!atcp_bucket_cache)
		return -ENOMEM;
	err = atcp_table_alloc(&atcp_ehash, entries);
	if (!err)
		err = atcp_table_alloc(&atcp_lhash, 1024);
	if (!err)
		err = atcp_table_alloc(&atcp_bhash, 65536);
	if (err)
		atcp_table_exit();
	return err;
}

/* Release the placeholders of freed buckets now (netns or module exit). */
void atcp_table_flush(void)
{
	flush_work(&atcp_hold_release_work);
}

void atcp_table_exit(void)
{
	atcp_table_flush();
	atcp_table_free(&atcp_bhash);
	atcp_table_free(&atcp_lhash);
	atcp_table_free(&atcp_ehash);
	kmem_cache_destroy(atcp_bucket_cache);
	atcp_bucket_cache = NULL;
}

static u32 atcp_ehashfn(const struct net *net, __be32 laddr, u16 lport,
			__be32 faddr, __be16 fport)
{
	return jhash_3words((__force u32)laddr, (__force u32)faddr,
			    ((u32)lport << 16) | (__force u32)fport,
			    atcp_hash_secret + net_hash_mix(net));
}

static u32 atcp_ehashfn6(const struct net *net, const struct in6_addr *laddr,
			 u16 lport, const struct in6_addr *faddr,
			 __be16 fport)
{
	u32 secret = atcp_hash_secret + net_hash_mix(net);
	u32 l = jhash2((__force const u32 *)laddr->s6_addr32, 4, secret);
	u32 f = jhash2((__force const u32 *)faddr->s6_addr32, 4, secret);

	return jhash_3words(l, f, ((u32)lport << 16) | (__force u32)fport,
			    secret);
}

static struct atcp_hslot *atcp_port_slot(struct atcp_table *t,
					 const struct net *net, u16 port)
{
	return &t->slots[(port + net_hash_mix(net)) & t->mask];
}

/* ---- Linux TCP's ports ---------------------------------------------- */

/*
 * Is @port bound by Linux's own TCP in @net (a socket, a listener or a
 * TIME_WAIT entry)?  A port is never owned by both stacks: atcp neither
 * binds nor picks a port Linux TCP holds.
 */
static bool atcp_linux_port_used(struct net *net, u16 port)
{
	struct inet_hashinfo *h = &tcp_hashinfo;
	struct inet_bind_hashbucket *head;
	struct inet_bind_bucket *tb;
	bool used = false;

	head = &h->bhash[inet_bhashfn(net, port, h->bhash_size)];
	spin_lock_bh(&head->lock);
	inet_bind_bucket_for_each(tb, &head->chain) {
		if (net_eq(ib_net(tb), net) && tb->port == port) {
			used = true;
			break;
		}
	}
	spin_unlock_bh(&head->lock);
	return used;
}

/*
 * Take @port in Linux TCP's bind table with a kernel TCP socket bound to
 * the wildcard address, so that Linux TCP's bind() of a port atcp holds
 * fails with EADDRINUSE as atcp's does the other way round.  Fails with
 * EADDRINUSE when Linux TCP holds the port already.
 */
static int atcp_linux_hold(struct net *net, u16 port, struct atcp_hold **out)
{
	union {
		struct sockaddr_in sin;
		struct sockaddr_in6 sin6;
	} addr = {};
	struct atcp_hold *h;
	int len, err;

	h = kzalloc(sizeof(*h), GFP_KERNEL);
	if (!h)
		return -ENOMEM;
	/*
	 * A dual-stack socket on [::] takes the port for both families; a
	 * kernel without IPv6 gets an IPv4 one on 0.0.0.0.
	 */
	err = -EAFNOSUPPORT;
	if (IS_ENABLED(CONFIG_IPV6))
		err = sock_create_kern(net, AF_INET6, SOCK_STREAM, IPPROTO_TCP,
				       &h->sock);
	if (!err) {
		h->sock->sk->sk_ipv6only = 0;
		addr.sin6.sin6_family = AF_INET6;
		addr.sin6.sin6_port = htons(port);
		len = sizeof(addr.sin6);
	} else {
		err = sock_create_kern(net, AF_INET, SOCK_STREAM, IPPROTO_TCP,
				       &h->sock);
		addr.sin.sin_family = AF_INET;
		addr.sin.sin_port = htons(port);
		len = sizeof(addr.sin);
	}
	if (err) {
		kfree(h);
		return err;
	}
	err = kernel_bind(h->sock, (struct sockaddr *)&addr, len);
	if (err) {
		sock_release(h->sock);
		kfree(h);
		return err == -EACCES ? err : -EADDRINUSE;
	}
	*out = h;
	return 0;
}

static void atcp_hold_free_now(struct atcp_hold *h)
{
	sock_release(h->sock);
	kfree(h);
}

static void atcp_hold_release_fn(struct work_struct *work)
{
	struct llist_node *list = llist_del_all(&atcp_hold_free);
	struct atcp_hold *h, *tmp;

	llist_for_each_entry_safe(h, tmp, list, node)
		atcp_hold_free_now(h);
}

/* From any context: the release itself runs in a worker. */
static void atcp_hold_put(struct atcp_hold *h)
{
	llist_add(&h->node, &atcp_hold_free);
	schedule_work(&atcp_hold_release_work);
}

/*
 * Wait for the holds put so far to be released: true when there were
 * some.  Process context only.  A port freed by close() is free for
 * either stack's bind() once close() returns, as Linux TCP's are.
 */
bool atcp_holds_flush(void)
{
	return flush_work(&atcp_hold_release_work);
}

/* ---- bind buckets ---------------------------------------------------- */

static struct atcp_bind_bucket *atcp_bucket_find(struct atcp_hslot *slot,
						 struct net *net, u16 port)
{
	struct atcp_bind_bucket *tb;

	hlist_for_each_entry(tb, &slot->head, node)
		if (net_eq(read_pnet(&tb->net), net) && tb->port == port)
			return tb;
	return NULL;
}

static struct atcp_bind_bucket *atcp_bucket_create(struct atcp_hslot *slot,
						   struct net *net, u16 port)
{
	struct atcp_bind_bucket *tb;

	tb = kmem_cache_zalloc(atcp_bucket_cache, GFP_ATOMIC);
	if (!tb)
		return NULL;
	write_pnet(&tb->net, net);
	tb->port = port;
	INIT_HLIST_HEAD(&tb->owners);
	hlist_add_head(&tb->node, &slot->head);
	return tb;
}

static void atcp_bucket_maybe_free(struct atcp_bind_bucket *tb)
{
	if (hlist_empty(&tb->owners) && !tb->tw_refs) {
		hlist_del(&tb->node);
		if (tb->linux_hold)
			atcp_hold_put(tb->linux_hold);
		kmem_cache_free(atcp_bucket_cache, tb);
	}
}

static void atcp_bucket_add(struct sock *sk, struct atcp_bind_bucket *tb,
			    u16 port)
{
	inet_sk(sk)->inet_num = port;
	sk_add_bind_node(sk, &tb->owners);
	atcp_sk(sk)->bind_bucket = tb;
}

/*
 * What a socket is bound to in each family: it may take part in IPv4, in
 * IPv6 or in both (a dual-stack socket on ::), on one address or on all.
 */
struct atcp_bound {
	bool v4;
	bool v6;
	__be32 addr4;			/* 0: any */
	const struct in6_addr *addr6;	/* NULL: any */
};

static void atcp_bound_of(const struct sock *sk, struct atcp_bound *b)
{
	b->v4 = true;
	b->v6 = false;
	b->addr4 = inet_sk(sk)->inet_rcv_saddr;
	b->addr6 = NULL;
#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family == AF_INET6 &&
	    !ipv6_addr_v4mapped(&sk->sk_v6_rcv_saddr)) {
		bool any = ipv6_addr_any(&sk->sk_v6_rcv_saddr);

		b->v4 = any && !sk->sk_ipv6only;
		b->addr4 = 0;
		b->v6 = true;
		b->addr6 = any ? NULL : &sk->sk_v6_rcv_saddr;
	}
#endif
}

/* Does a socket bound as @b receive for local address @addr (v4-mapped)? */
static bool atcp_bound_takes(const struct atcp_bound *b,
			     const struct in6_addr *addr)
{
	if (ipv6_addr_v4mapped(addr))
		return b->v4 && (!b->addr4 || b->addr4 == addr->s6_addr32[3]);
	return b->v6 && (!b->addr6 || ipv6_addr_equal(b->addr6, addr));
}

static bool atcp_addr_overlap(const struct sock *a, const struct sock *b)
{
	struct atcp_bound x, y;

	if (a->sk_bound_dev_if && b->sk_bound_dev_if &&
	    a->sk_bound_dev_if != b->sk_bound_dev_if)
		return false;
	atcp_bound_of(a, &x);
	atcp_bound_of(b, &y);
	if (x.v4 && y.v4 &&
	    (!x.addr4 || !y.addr4 || x.addr4 == y.addr4))
		return true;
	return x.v6 && y.v6 &&
	       (!x.addr6 || !y.addr6 || ipv6_addr_equal(x.addr6, y.addr6));
}

/*
 * SO_REUSEPORT on both, and the same owner: the two may share a port,
 * listening or not (Linux: inet_csk_bind_conflict()).
 */
static bool atcp_reuseport_ok(const struct sock *sk, const struct sock *sk2)
{
	return sk->sk_reuseport && sk2->sk_reuseport &&
	       uid_eq(sock_i_uid((struct sock *)sk),
		      sock_i_uid((struct sock *)sk2));
}

/*
 * Linux's bind rules: SO_REUSEADDR on both, and no listener, may share;
 * so may SO_REUSEPORT sockets of one owner.  A TIME_WAIT entry gives way
 * to SO_REUSEADDR, and to SO_REUSEPORT when its socket had it.
 */
static bool atcp_bind_conflict(const struct sock *sk,
			       const struct atcp_bind_bucket *tb)
{
	struct sock *sk2;

	if (tb->tw_refs && !sk->sk_reuse &&
	    !(sk->sk_reuseport && tb->tw_refs_reuseport == tb->tw_refs))
		return true;
	sk_for_each_bound(sk2, &tb->owners) {
		if (sk2 == sk || !atcp_addr_overlap(sk, sk2))
			continue;
		if (sk->sk_reuse && sk2->sk_reuse &&
		    sk2->sk_state != TCP_LISTEN)
			continue;
		if (atcp_reuseport_ok(sk, sk2))
			continue;
		return true;
	}
	return false;
}

static void atcp_port_range(struct net *net, int *lo, int *hi)
{
	const struct atcp_sysctl *s = &atcp_net(net)->sysctl;

	*lo = READ_ONCE(s->local_port_range[0]);
	*hi = READ_ONCE(s->local_port_range[1]);
	if (*hi < *lo)
		*hi = *lo;
}

/*
 * Bind @sk to @snum: atcp's rules, and the port held in Linux TCP.  With
 * @fresh, only a port no atcp socket uses will do (bind to port 0).
 */
static int atcp_get_port_explicit(struct sock *sk, u16 snum, bool fresh)
{
	struct net *net = sock_net(sk);
	struct atcp_bind_bucket *tb;
	struct atcp_hold *hold = NULL;
	struct atcp_hslot *slot;
	bool need_hold;
	int err;

	slot = atcp_port_slot(&atcp_bhash, net, snum);
	spin_lock_bh(&slot->lock);
	tb = atcp_bucket_find(slot, net, snum);
	need_hold = !tb || !tb->linux_hold;
	spin_unlock_bh(&slot->lock);
	if (fresh && tb)
		return -EADDRINUSE;
	if (need_hold) {
		err = atcp_linux_hold(net, snum, &hold);
		/* the hold of the port's last owner may be on its way out */
		if (err == -EADDRINUSE && atcp_holds_flush())
			err = atcp_linux_hold(net, snum, &hold);
		if (err)
			return err;
	}

	err = -EADDRINUSE;
	spin_lock_bh(&slot->lock);
	tb = atcp_bucket_find(slot, net, snum);
	if (tb && (fresh || atcp_bind_conflict(sk, tb)))
		goto out;
	if (!tb)
		tb = atcp_bucket_create(slot, net, snum);
	if (!tb)
		goto out;
	if (!tb->linux_hold) {
		tb->linux_hold = hold;
		hold = NULL;
	}
	atcp_bucket_add(sk, tb, snum);
	err = 0;
out:
	spin_unlock_bh(&slot->lock);
	if (hold)
		atcp_hold_free_now(hold);
	return err;
}

/*
 * proto->get_port, called by inet_bind() and by listen() on an unbound
 * socket.  Port 0 picks a free port from atcp's own range.
 */
int atcp_get_port(struct sock *sk, unsigned short snum)
{
	struct net *net = sock_net(sk);
	int lo, hi, n, i, err;
	u16 port;

	if (snum)
		return atcp_get_port_explicit(sk, snum, false);

	atcp_port_range(net, &lo, &hi);
	n = hi - lo + 1;
	i = get_random_u32_below(n);
	for (; n > 0; n--, i++) {
		port = lo + (i % (hi - lo + 1));
		if (atcp_linux_port_used(net, port))
			continue;
		err = atcp_get_port_explicit(sk, port, true);
		if (err != -EADDRINUSE)
			return err;
	}
	return -EADDRINUSE;
}

void atcp_put_port(struct sock *sk)
{
	struct atcp_sock *as = atcp_sk(sk);
	struct atcp_bind_bucket *tb = as->bind_bucket;
	struct atcp_hslot *slot;

	if (!tb)
		return;
	slot = atcp_port_slot(&atcp_bhash, sock_net(sk), tb->port);
	spin_lock_bh(&slot->lock);
	__sk_del_bind_node(sk);
	as->bind_bucket = NULL;
	inet_sk(sk)->inet_num = 0;
	atcp_bucket_maybe_free(tb);
	spin_unlock_bh(&slot->lock);
}

void atcp_bind_bucket_tw_get(struct atcp_bind_bucket *tb, bool reuseport)
{
	struct atcp_hslot *slot;

	slot = atcp_port_slot(&atcp_bhash, read_pnet(&tb->net), tb->port);
	spin_lock_bh(&slot->lock);
	tb->tw_refs++;
	tb->tw_refs_reuseport += reuseport;
	spin_unlock_bh(&slot->lock);
}

void atcp_bind_bucket_tw_put(struct atcp_bind_bucket *tb, bool reuseport)
{
	struct atcp_hslot *slot;

	slot = atcp_port_slot(&atcp_bhash, read_pnet(&tb->net), tb->port);
	spin_lock_bh(&slot->lock);
	tb->tw_refs--;
	tb->tw_refs_reuseport -= reuseport;
	atcp_bucket_maybe_free(tb);
	spin_unlock_bh(&slot->lock);
}

/*
 * Is any atcp socket bound to @dport on @daddr (v4-mapped for IPv4), or
 * on the wildcard of its family?
 */
bool atcp_port_bound(struct net *net, const struct in6_addr *daddr,
		     __be16 dport)
{
	u16 port = ntohs(dport);
	struct atcp_hslot *slot = atcp_port_slot(&atcp_bhash, net, port);
	struct atcp_bind_bucket *tb;
	bool bound = false;
	struct sock *sk;

	spin_lock(&slot->lock);
	tb = atcp_bucket_find(slot, net, port);
	if (tb) {
		sk_for_each_bound(sk, &tb->owners) {
			struct atcp_bound b;

			atcp_bound_of(sk, &b);
			if (atcp_bound_takes(&b, daddr)) {
				bound = true;
				break;
			}
		}
	}
	spin_unlock(&slot->lock);
	return bound;
}

/* ---- connections and listeners ---------------------------------------- */

/*
 * A socket bound to a device takes segments that came in on it, or on a
 * device enslaved to it when it is a VRF (L3 master): @dif is the device,
 * @sdif the slave when @dif is its VRF.  An unbound socket takes those
 * that came through no VRF, and under l3mdev_accept all (Linux:
 * inet_bound_dev_eq()).
 */
static bool atcp_bound_dev_eq(const struct net *net, int bound, int dif,
			      int sdif)
{
	if (!bound) {
#ifdef CONFIG_NET_L3_MASTER_DEV
		return !sdif ||
		       READ_ONCE(atcp_net(net)->sysctl.l3mdev_accept);
#else
		return true;
#endif
	}
	return bound == dif || bound == sdif;
}

static bool atcp_ehash_match(const struct sock *sk, const struct net *net,
			     __be32 saddr, __be16 sport, __be32 daddr,
			     u16 hnum, int dif, int sdif)
{
	const struct inet_sock *inet = inet_sk(sk);

	return inet->inet_daddr == saddr && inet->inet_rcv_saddr == daddr &&
	       inet->inet_dport == sport && inet->inet_num == hnum &&
	       !atcp_v6(sk) && net_eq(sock_net(sk), net) &&
	       atcp_bound_dev_eq(net, sk->sk_bound_dev_if, dif, sdif);
}

static bool atcp_ehash_match6(const struct sock *sk, const struct net *net,
			      const struct in6_addr *saddr, __be16 sport,
			      const struct in6_addr *daddr, u16 hnum, int dif,
			      int sdif)
{
	const struct inet_sock *inet = inet_sk(sk);

	return inet->inet_dport == sport && inet->inet_num == hnum &&
	       atcp_v6(sk) && ipv6_addr_equal(&sk->sk_v6_daddr, saddr) &&
	       ipv6_addr_equal(&sk->sk_v6_rcv_saddr, daddr) &&
	       net_eq(sock_net(sk), net) &&
	       atcp_bound_dev_eq(net, sk->sk_bound_dev_if, dif, sdif);
}

static struct atcp_hslot *atcp_ehash_slot(const struct net *net,
					  __be32 laddr, u16 lport,
					  __be32 faddr, __be16 fport)
{
	return &atcp_ehash.slots[atcp_ehashfn(net, laddr, lport, faddr, fport) &
				 atcp_ehash.mask];
}

static struct atcp_hslot *atcp_ehash_slot6(const struct net *net,
					   const struct in6_addr *laddr,
					   u16 lport,
					   const struct in6_addr *faddr,
					   __be16 fport)
{
	return &atcp_ehash.slots[atcp_ehashfn6(net, laddr, lport, faddr,
					       fport) & atcp_ehash.mask];
}

/* The slot of connection @sk in the connection table. */
static struct atcp_hslot *atcp_ehash_slot_of(const struct sock *sk)
{
	const struct inet_sock *inet = inet_sk(sk);

	if (atcp_v6(sk))
		return atcp_ehash_slot6(sock_net(sk), &sk->sk_v6_rcv_saddr,
					inet->inet_num, &sk->sk_v6_daddr,
					inet->inet_dport);
	return atcp_ehash_slot(sock_net(sk), inet->inet_rcv_saddr,
			       inet->inet_num, inet->inet_daddr,
			       inet->inet_dport);
}

/*
 * The connection a segment belongs to, by 4-tuple.  Called under
 * rcu_read_lock(); returns the socket with a reference held.
 */
struct sock *atcp_lookup_established(struct net *net, __be32 saddr,
				     __be16 sport, __be32 daddr, __be16 dport,
				     int dif, int sdif)
{
	u16 hnum = ntohs(dport);
	struct atcp_hslot *slot;
	struct sock *sk;

	slot = atcp_ehash_slot(net, daddr, hnum, saddr, sport);
	sk_for_each_rcu(sk, &slot->head) {
		if (!atcp_ehash_match(sk, net, saddr, sport, daddr, hnum,
				      dif, sdif))
			continue;
		if (unlikely(!refcount_inc_not_zero(&sk->sk_refcnt)))
			return NULL;
		/* The socket may have been reused for another tuple. */
		if (unlikely(!atcp_ehash_match(sk, net, saddr, sport, daddr,
					       hnum, dif, sdif))) {
			sock_put(sk);
			return NULL;
		}
		return sk;
	}
	return NULL;
}

/*
 * IPv6: the connection a segment belongs to, as
 * atcp_lookup_established() for IPv4.
 */
struct sock *atcp_lookup_established6(struct net *net,
				      const struct in6_addr *saddr,
				      __be16 sport,
				      const struct in6_addr *daddr,
				      __be16 dport, int dif, int sdif)
{
	u16 hnum = ntohs(dport);
	struct atcp_hslot *slot;
	struct sock *sk;

	slot = atcp_ehash_slot6(net, daddr, hnum, saddr, sport);
	sk_for_each_rcu(sk, &slot->head) {
		if (!atcp_ehash_match6(sk, net, saddr, sport, daddr, hnum,
				       dif, sdif))
			continue;
		if (unlikely(!refcount_inc_not_zero(&sk->sk_refcnt)))
			return NULL;
		if (unlikely(!atcp_ehash_match6(sk, net, saddr, sport, daddr,
						hnum, dif, sdif))) {
			sock_put(sk);
			return NULL;
		}
		return sk;
	}
	return NULL;
}

/* What an SO_REUSEPORT group chooses by, without a program. */
static u32 atcp_reuseport_hash(const struct net *net,
			       const struct in6_addr *raddr, __be16 rport,
			       const struct in6_addr *laddr, u16 lport)
{
	if (ipv6_addr_v4mapped(laddr))
		return atcp_ehashfn(net, laddr->s6_addr32[3], lport,
				    raddr->s6_addr32[3], rport);
	return atcp_ehashfn6(net, laddr, lport, raddr, rport);
}

/*
 * migrate_req: another listener of @sk's SO_REUSEPORT group, held, from
 * whose group atcp_reuseport_migrate_to() chooses once @sk has left it;
 * NULL when @sk is alone or in no group.  Before atcp_unhash().
 */
struct sock *atcp_reuseport_peer(struct sock *sk)
{
	struct sock_reuseport *reuse;
	struct sock *peer = NULL;
	unsigned int i, n;

	rcu_read_lock();
	reuse = rcu_dereference(sk->sk_reuseport_cb);
	if (reuse) {
		n = READ_ONCE(reuse->num_socks);
		/* paired with the smp_wmb() of __reuseport_add_sock() */
		smp_rmb();
		for (i = 0; i < n && !peer; i++) {
			struct sock *sk2 = READ_ONCE(reuse->socks[i]);

			if (sk2 && sk2 != sk &&
			    refcount_inc_not_zero(&sk2->sk_refcnt))
				peer = sk2;
		}
	}
	rcu_read_unlock();
	return peer;
}

/*
 * migrate_req: the listener of @peer's group that takes over the
 * connection or request of a 4-tuple, held, chosen by the hash a new SYN
 * of that 4-tuple would be (Linux: reuseport_migrate_sock()).  NULL when
 * the group has gone.
 */
struct sock *atcp_reuseport_migrate_to(struct sock *peer,
				       const struct in6_addr *raddr,
				       __be16 rport,
				       const struct in6_addr *laddr,
				       __be16 lport)
{
	u32 hash = atcp_reuseport_hash(sock_net(peer), raddr, rport, laddr,
				       ntohs(lport));
	struct sock *nsk;

	rcu_read_lock();
	nsk = reuseport_select_sock(peer, hash, NULL, 0);
	if (IS_ERR(nsk) || (nsk && !refcount_inc_not_zero(&nsk->sk_refcnt)))
		nsk = NULL;
	rcu_read_unlock();
	return nsk;
}

/*
 * Of listener @sk's SO_REUSEPORT group, the one whose SYN queue holds the
 * handshake of this 4-tuple, if any.  A listener that joins or leaves the
 * group changes where the hash sends a 4-tuple; Linux keeps a handshake in
 * its connection table, where the ACK finds it whatever the group does,
 * and atcp keeps it in its listener's SYN queue, so the ACK looks there.
 * Under rcu_read_lock(), BHs off.
 */
static struct sock *atcp_reuseport_req_owner(struct sock *sk,
					     const struct in6_addr *raddr,
					     __be16 rport,
					     const struct in6_addr *laddr,
					     __be16 lport)
{
	struct sock_reuseport *reuse;
	struct atcp_req *req;
	unsigned int i, n;

	reuse = rcu_dereference(sk->sk_reuseport_cb);
	if (!reuse)
		return NULL;
	n = READ_ONCE(reuse->num_socks);
	/* paired with the smp_wmb() of __reuseport_add_sock() */
	smp_rmb();
	for (i = 0; i < n; i++) {
		struct sock *sk2 = READ_ONCE(reuse->socks[i]);

		if (!sk2)
			continue;
		req = atcp_synq_find(sk2, raddr, rport, laddr, lport);
		if (req) {
			atcp_req_put(req);
			return sk2;
		}
	}
	return NULL;
}

/*
 * @sk heads an SO_REUSEPORT group: which of its listeners takes the
 * segment from @raddr:@rport to @laddr:@lport.  A new handshake (@skb a
 * SYN) goes where the group's BPF program or, without one, the hash of
 * the 4-tuple sends it; any other segment to the listener that has its
 * handshake, if one has.  @skb is pulled to its TCP header, or NULL for
 * the segment quoted by an ICMP error.  NULL: the program dropped it.
 */
static struct sock *atcp_reuseport_select(struct net *net, struct sock *sk,
					  struct sk_buff *skb,
					  const struct in6_addr *raddr,
					  __be16 rport,
					  const struct in6_addr *laddr,
					  u16 lport)
{
	const struct tcphdr *th = skb ? (const struct tcphdr *)skb->data : NULL;
	struct sock *sel;
	u32 hash;

	if (!th || !th->syn || th->ack) {
		sel = atcp_reuseport_req_owner(sk, raddr, rport, laddr,
					       htons(lport));
		if (sel)
			return sel;
	}
	hash = atcp_reuseport_hash(net, raddr, rport, laddr, lport);
	/* a classic BPF program reads the payload: past the TCP header */
	sel = reuseport_select_sock(sk, hash, skb, th ? th->doff * 4 : 0);
	if (IS_ERR(sel))
		return NULL;
	return sel ?: sk;
}

/*
 * The best listener for a new connection from @raddr:@rport to @daddr
 * (v4-mapped for IPv4): a specific address before the wildcard, a bound
 * device before none.  A dual-stack listener on :: takes IPv4 connections
 * too.  The best may head an SO_REUSEPORT group, which then chooses.
 */
static struct sock *atcp_lookup_listener_any(struct net *net,
					     struct sk_buff *skb,
					     const struct in6_addr *raddr,
					     __be16 rport,
					     const struct in6_addr *daddr,
					     __be16 dport, int dif, int sdif)
{
	u16 hnum = ntohs(dport);
	struct atcp_hslot *slot;
	struct sock *sk, *best = NULL;
	int score, best_score = 0;

	slot = atcp_port_slot(&atcp_lhash, net, hnum);
	sk_for_each_rcu(sk, &slot->head) {
		struct atcp_bound b;

		if (!net_eq(sock_net(sk), net) || inet_sk(sk)->inet_num != hnum)
			continue;
		atcp_bound_of(sk, &b);
		if (!atcp_bound_takes(&b, daddr))
			continue;
		if (!atcp_bound_dev_eq(net, sk->sk_bound_dev_if, dif, sdif))
			continue;
		score = 1 + 2 * !!(b.addr4 || b.addr6) +
			2 * !!sk->sk_bound_dev_if +
			(sk->sk_family == AF_INET);
		if (score > best_score) {
			best = sk;
			best_score = score;
		}
	}
	if (best && best->sk_reuseport)
		best = atcp_reuseport_select(net, best, skb, raddr, rport,
					     daddr, hnum);
	if (best && !refcount_inc_not_zero(&best->sk_refcnt))
		best = NULL;
	return best;
}

/*
 * The listener for a segment from @saddr:@sport to @daddr:@dport, held.
 * @skb, pulled to its TCP header, is that segment; NULL when it is quoted
 * in an ICMP error.  Under rcu_read_lock(), BHs off.
 */
struct sock *atcp_lookup_listener(struct net *net, struct sk_buff *skb,
				  __be32 saddr, __be16 sport, __be32 daddr,
				  __be16 dport, int dif, int sdif)
{
	struct in6_addr l, r;

	atcp_addr_v4(&l, daddr);
	atcp_addr_v4(&r, saddr);
	return atcp_lookup_listener_any(net, skb, &r, sport, &l, dport, dif,
					sdif);
}

struct sock *atcp_lookup_listener6(struct net *net, struct sk_buff *skb,
				   const struct in6_addr *saddr, __be16 sport,
				   const struct in6_addr *daddr, __be16 dport,
				   int dif, int sdif)
{
	return atcp_lookup_listener_any(net, skb, saddr, sport, daddr, dport,
					dif, sdif);
}

/*
 * The connection of the segment in @skb (pulled to its TCP header), of
 * either family, held.  Under rcu_read_lock().  Past the hook skb->cb is
 * atcp's, not IP6CB: the device is skb_iif.
 */
struct sock *atcp_lookup_skb(struct net *net, const struct sk_buff *skb)
{
	const struct tcphdr *th = tcp_hdr(skb);

	if (atcp_skb_v6(skb))
		return atcp_lookup_established6(net, &ipv6_hdr(skb)->saddr,
						th->source,
						&ipv6_hdr(skb)->daddr,
						th->dest, skb->skb_iif, 0);
	return atcp_lookup_established(net, ip_hdr(skb)->saddr, th->source,
				       ip_hdr(skb)->daddr, th->dest,
				       inet_iif(skb), inet_sdif(skb));
}

unsigned int atcp_ehash_size(void)
{
	return atcp_ehash.mask + 1;
}

/* A child of a listener shares its listener's port. */
int atcp_inherit_port(struct sock *sk, struct sock *child)
{
	struct atcp_bind_bucket *tb = atcp_sk(sk)->bind_bucket;
	struct atcp_hslot *slot;

	if (!tb)
		return -EADDRNOTAVAIL;
	slot = atcp_port_slot(&atcp_bhash, sock_net(sk), tb->port);
	spin_lock_bh(&slot->lock);
	atcp_bucket_add(child, tb, tb->port);
	spin_unlock_bh(&slot->lock);
	return 0;
}

/* May a bound socket start listening: no other listener shares its port? */
bool atcp_listen_conflict(struct sock *sk)
{
	struct atcp_bind_bucket *tb = atcp_sk(sk)->bind_bucket;
	struct atcp_hslot *slot;
	bool conflict = false;
	struct sock *sk2;

	if (!tb)
		return false;
	slot = atcp_port_slot(&atcp_bhash, sock_net(sk), tb->port);
	spin_lock_bh(&slot->lock);
	sk_for_each_bound(sk2, &tb->owners) {
		if (sk2 != sk && atcp_addr_overlap(sk, sk2) &&
		    !atcp_reuseport_ok(sk, sk2) &&
		    (sk2->sk_state == TCP_LISTEN || !sk->sk_reuse ||
		     !sk2->sk_reuse)) {
			conflict = true;
			break;
		}
	}
	spin_unlock_bh(&slot->lock);
	return conflict;
}

/*
 * An SO_REUSEPORT listener joins the group of the listeners bound as it
 * is (family, address, device, IPV6_V6ONLY) by the same owner, or starts
 * one (Linux: inet_reuseport_add_sock()).  The group is the kernel's
 * struct sock_reuseport: the array its hash or BPF program chooses from.
 */
static int atcp_reuseport_join(struct sock *sk, struct atcp_hslot *slot)
{
	kuid_t uid = sock_i_uid(sk);
	struct atcp_bound b;
	struct sock *sk2;
	bool any;

	atcp_bound_of(sk, &b);
	any = !b.addr4 && !b.addr6;

	sk_for_each(sk2, &slot->head) {
		if (sk2 != sk && net_eq(sock_net(sk2), sock_net(sk)) &&
		    inet_sk(sk2)->inet_num == inet_sk(sk)->inet_num &&
		    sk2->sk_family == sk->sk_family &&
		    ipv6_only_sock(sk2) == ipv6_only_sock(sk) &&
		    sk2->sk_bound_dev_if == sk->sk_bound_dev_if &&
		    sk2->sk_reuseport && uid_eq(uid, sock_i_uid(sk2)) &&
		    inet_rcv_saddr_equal(sk, sk2, false))
			return reuseport_add_sock(sk, sk2, any);
	}
	return reuseport_alloc(sk, any);
}

/* proto->hash: a listener enters the listening table. */
int atcp_hash(struct sock *sk)
{
	struct atcp_hslot *slot;

	slot = atcp_port_slot(&atcp_lhash, sock_net(sk),
			      inet_sk(sk)->inet_num);
	spin_lock_bh(&slot->lock);
	if (sk->sk_reuseport) {
		int err = atcp_reuseport_join(sk, slot);

		if (err) {
			spin_unlock_bh(&slot->lock);
			return err;
		}
	}
	sk_add_node_rcu(sk, &slot->head);
	atcp_sk(sk)->hashed_in = ATCP_HASH_LISTEN;
	spin_unlock_bh(&slot->lock);
	return 0;
}

/* proto->unhash: leave whichever table the socket is in. */
void atcp_unhash(struct sock *sk)
{
	const struct inet_sock *inet = inet_sk(sk);
	struct atcp_hslot *slot;

	switch (atcp_sk(sk)->hashed_in) {
	case ATCP_HASH_LISTEN:
		slot = atcp_port_slot(&atcp_lhash, sock_net(sk),
				      inet->inet_num);
		break;
	case ATCP_HASH_EST:
		slot = atcp_ehash_slot_of(sk);
		break;
	default:
		return;
	}
	spin_lock_bh(&slot->lock);
	/* a closed listener takes no more handshakes (no migrate_req) */
	if (rcu_access_pointer(sk->sk_reuseport_cb))
		reuseport_detach_sock(sk);
	sk_del_node_init_rcu(sk);
	atcp_sk(sk)->hashed_in = ATCP_HASH_NONE;
	spin_unlock_bh(&slot->lock);
}

/*
 * Is the 4-tuple of connection @sk taken by another atcp connection or a
 * TIME-WAIT entry?  @reuse: see atcp_tw_check_tuple().
 */
static bool atcp_tuple_in_use_locked(struct sock *sk,
				     struct atcp_hslot *eslot,
				     struct atcp_tw **reuse)
{
	const struct inet_sock *inet = inet_sk(sk);
	struct in6_addr laddr, raddr;
	struct net *net = sock_net(sk);
	u16 hnum = inet->inet_num;
	struct sock *sk2;

	sk_for_each(sk2, &eslot->head) {
		if (atcp_v6(sk) ?
		    atcp_ehash_match6(sk2, net, &sk->sk_v6_daddr,
				      inet->inet_dport, &sk->sk_v6_rcv_saddr,
				      hnum, 0, 0) :
		    atcp_ehash_match(sk2, net, inet->inet_daddr,
				     inet->inet_dport, inet->inet_rcv_saddr,
				     hnum, 0, 0))
			return true;
	}
	atcp_sk_addrs(sk, &laddr, &raddr);
	return atcp_tw_check_tuple(net, &laddr, inet->inet_sport, &raddr,
				   inet->inet_dport, reuse);
}

/* Insert a connection into the table unless its 4-tuple is taken. */
static int atcp_ehash_insert(struct sock *sk, struct atcp_tw **reuse)
{
	struct atcp_hslot *eslot;

	eslot = atcp_ehash_slot_of(sk);
	spin_lock_bh(&eslot->lock);
	if (atcp_tuple_in_use_locked(sk, eslot, reuse)) {
		spin_unlock_bh(&eslot->lock);
		return -EADDRNOTAVAIL;
	}
	sk_add_node_rcu(sk, &eslot->head);
	atcp_sk(sk)->hashed_in = ATCP_HASH_EST;
	spin_unlock_bh(&eslot->lock);
	return 0;
}

/*
 * Hash a connecting (or newly accepted) socket by its 4-tuple.  An
 * unbound connecting socket gets a local port from atcp's range such that
 * its 4-tuple is unique; several connections to different peers may share
 * a port, as with Linux's connect().  connect() passes @reuse: a
 * TIME-WAIT entry it may take over (tw_reuse) does not make a 4-tuple
 * taken, and comes back there for atcp_tw_reused().
 */
int atcp_connect_hash(struct sock *sk, struct atcp_tw **reuse)
{
	struct inet_sock *inet = inet_sk(sk);
	struct net *net = sock_net(sk);
	struct atcp_bind_bucket *tb;
	struct atcp_hslot *slot;
	int lo, hi, n, i, err;
	u16 port;

	if (inet->inet_num)
		return atcp_ehash_insert(sk, reuse);

	atcp_port_range(net, &lo, &hi);
	n = hi - lo + 1;
	i = get_random_u32_below(n);
	for (; n > 0; n--, i++) {
		port = lo + (i % (hi - lo + 1));
		if (atcp_linux_port_used(net, port))
			continue;
		slot = atcp_port_slot(&atcp_bhash, net, port);
		spin_lock_bh(&slot->lock);
		tb = atcp_bucket_find(slot, net, port);
		if (tb) {
			struct sock *sk2;
			bool shared_ok = true;

			/* Only share ports that connect() itself picked. */
			sk_for_each_bound(sk2, &tb->owners)
				if (sk2->sk_state == TCP_LISTEN ||
				    sk2->sk_state == TCP_CLOSE) {
					shared_ok = false;
					break;
				}
			if (!shared_ok) {
				spin_unlock_bh(&slot->lock);
				continue;
			}
		} else {
			tb = atcp_bucket_create(slot, net, port);
			if (!tb) {
				spin_unlock_bh(&slot->lock);
				return -ENOMEM;
			}
		}
		inet->inet_num = port;
		inet->inet_sport = htons(port);
		err = atcp_ehash_insert(sk, reuse);
		if (err) {
			inet->inet_num = 0;
			inet->inet_sport = 0;
			atcp_bucket_maybe_free(tb);
			spin_unlock_bh(&slot->lock);
			continue;
		}
		atcp_bucket_add(sk, tb, port);
		spin_unlock_bh(&slot->lock);
		return 0;
	}
	return -EADDRNOTAVAIL;
}

/* ---- walking the tables (procfs) ------------------------------------------ */

static void atcp_walk_hslot(struct atcp_hslot *slot, struct net *net,
			    struct atcp_walker *w)
{
	struct sock *sk;

	if (hlist_empty(&slot->head))
		return;
	spin_lock_bh(&slot->lock);
	sk_for_each(sk, &slot->head) {
		if (!net_eq(sock_net(sk), net))
			continue;
		w->sock(w, sk);
		if (sk->sk_state == TCP_LISTEN)
			atcp_synq_walk(sk, w);
	}
	spin_unlock_bh(&slot->lock);
}

/* Slots of atcp_walk_slot(): the listener table's, then the connections'. */
unsigned int atcp_walk_slots(void)
{
	return atcp_lhash.mask + 1 + atcp_ehash.mask + 1;
}

/*
 * Call @w for the sockets of @net in slot @i of the walk, under that
 * slot's lock, a listener followed by its requests.  Walking slot by slot
 * keeps what a reader holds (and what procfs buffers) to one chain.
 */
void atcp_walk_slot(struct net *net, unsigned int i, struct atcp_walker *w)
{
	if (i <= atcp_lhash.mask)
		atcp_walk_hslot(&atcp_lhash.slots[i], net, w);
	else if (i - (atcp_lhash.mask + 1) <= atcp_ehash.mask)
		atcp_walk_hslot(&atcp_ehash.slots[i - (atcp_lhash.mask + 1)],
				net, w);
}

/* Walk every listener, then every connection, of @net. */
void atcp_walk_socks(struct net *net, struct atcp_walker *w)
{
	unsigned int i, n = atcp_walk_slots();

	for (i = 0; i < n; i++)
		atcp_walk_slot(net, i, w);
}

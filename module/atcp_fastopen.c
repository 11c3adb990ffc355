// SPDX-License-Identifier: GPL-2.0
/*
 * atcp Fast Open (RFC 7413): the kernel side of the cookies in
 * atcp_cookie.c, as Linux's net/ipv4/tcp_fastopen.c is for its stack.
 *
 * Server.  A listener with a Fast Open queue (TCP_FASTOPEN, or the
 * fastopen sysctl's 0x400) answers a SYN that asks for a cookie with one
 * in its SYN-ACK.  A SYN that brings a valid cookie makes a socket at
 * once, SYN-RECEIVED, with the SYN's data in its receive queue: it goes
 * on the accept queue before the handshake completes, may be read and
 * written, and sends (and resends) its own SYN-ACK, which acknowledges
 * the data.  At most TCP_FASTOPEN's number of such children wait for
 * their handshake's last ACK at a time; beyond it a SYN's data waits for
 * the handshake, as without Fast Open.
 *
 * The keys are the namespace's (the fastopen_key sysctl, drawn at
 * random on first use) or the listener's own (TCP_FASTOPEN_KEY), and the
 * cookies are Linux's: the same key gives the same cookies on both
 * stacks.
 */
#include <crypto/algapi.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/tcp.h>

#include "atcp.h"
#include "atcp_cookie.h"
#include "atcp_mib.h"

static void atcp_tfo_keys_free(struct rcu_head *head)
{
	kfree_sensitive(container_of(head, struct atcp_tfo_keys, rcu));
}

/* Put @keys (NULL: none) in @slot; the old ones go after readers are done. */
static void atcp_tfo_keys_replace(struct atcp_tfo_keys __rcu **slot,
				  struct atcp_tfo_keys *keys)
{
	struct atcp_tfo_keys *old;

	old = unrcu_pointer(xchg(slot, RCU_INITIALIZER(keys)));
	if (old)
		call_rcu(&old->rcu, atcp_tfo_keys_free);
}

/*
 * Install @num keys from @bytes (16 each, the first the primary) for
 * listener @sk, or for the namespace of @an when @sk is NULL.
 */
int atcp_fastopen_set_keys(struct atcp_net *an, struct sock *sk,
			   const u8 *bytes, int num)
{
	struct atcp_tfo_keys *keys;
	int i;

	keys = kmalloc(sizeof(*keys), GFP_KERNEL);
	if (!keys)
		return -ENOMEM;
	keys->num = num;
	for (i = 0; i < num; i++)
		atcp_tfo_key_expand(&keys->key[i],
				    bytes + i * ATCP_TFO_KEY_LEN);
	atcp_tfo_keys_replace(sk ? &atcp_sk(sk)->tfo_keys : &an->tfo_keys,
			      keys);
	return 0;
}

/*
 * The keys of listener @sk (or of @an's namespace when @sk is NULL) into
 * @bytes, 16 bytes each as they were set; returns how many.
 */
int atcp_fastopen_get_keys(struct atcp_net *an, struct sock *sk, u8 *bytes)
{
	const struct atcp_tfo_keys *keys;
	int i, num = 0;

	rcu_read_lock();
	keys = sk ? rcu_dereference(atcp_sk(sk)->tfo_keys) :
		    rcu_dereference(an->tfo_keys);
	if (keys) {
		num = keys->num;
		for (i = 0; i < num; i++) {
			u8 *b = bytes + i * ATCP_TFO_KEY_LEN;

			put_unaligned_le64(keys->key[i].key[0], b);
			put_unaligned_le64(keys->key[i].key[1], b + 8);
		}
	}
	rcu_read_unlock();
	return num;
}

/*
 * The namespace's key, drawn at random when a listener first turns Fast
 * Open on.  Two racing draws both install one, and the later stays: a
 * cookie made with the other in between fails once and is replaced.
 */
void atcp_fastopen_init_key_once(struct net *net)
{
	u8 key[ATCP_TFO_KEY_LEN];

	if (rcu_access_pointer(atcp_net(net)->tfo_keys))
		return;
	get_random_bytes(key, sizeof(key));
	atcp_fastopen_set_keys(atcp_net(net), NULL, key, 1);
	memzero_explicit(key, sizeof(key));
}

void atcp_fastopen_net_exit(struct net *net)
{
	atcp_tfo_keys_replace(&atcp_net(net)->tfo_keys, NULL);
}

/*
 * What a socket going away frees: a listener's keys, the state of a
 * handshake, and a Fast Open child's place in its listener's queue.
 */
void atcp_fastopen_sock_free(struct sock *sk)
{
	atcp_tfo_keys_replace(&atcp_sk(sk)->tfo_keys, NULL);
	atcp_fastopen_done(sk);
}

/* The handshake is over (or never was): drop its Fast Open state. */
void atcp_fastopen_done(struct sock *sk)
{
	struct atcp_sock *as = atcp_sk(sk);
	struct atcp_fastopen *fo = as->tfo;

	if (!fo)
		return;
	as->tfo = NULL;
	as->tfo_child = 0;
	if (fo->listener) {
		atomic_dec(&atcp_sk(fo->listener)->tfo_qlen);
		sock_put(fo->listener);
	}
	kfree(fo);
}

/*
 * The cookie of the SYN @skb under @key: the SipHash of the client's
 * address and ours, which stand side by side in the IP header.
 */
static void atcp_tfo_cookie_of(const struct sk_buff *skb,
			       const siphash_key_t *key,
			       struct atcp_tfo_cookie *c)
{
#if IS_ENABLED(CONFIG_IPV6)
	if (atcp_skb_v6(skb))
		atcp_tfo_cookie_make(key, (const u8 *)&ipv6_hdr(skb)->saddr,
				     2 * sizeof(struct in6_addr), c->val);
	else
#endif
		atcp_tfo_cookie_make(key, (const u8 *)&ip_hdr(skb)->saddr,
				     2 * sizeof(__be32), c->val);
	c->len = ATCP_TFO_COOKIE_SIZE;
}

static const struct atcp_tfo_keys *atcp_tfo_keys_of(const struct sock *sk)
{
	const struct atcp_tfo_keys *keys = rcu_dereference(atcp_sk(sk)->tfo_keys);

	return keys ? : rcu_dereference(atcp_net(sock_net(sk))->tfo_keys);
}

/*
 * Which of listener @sk's keys made the cookie @got of SYN @skb: 1 the
 * primary, 2 the backup, 0 none.  @valid gets the primary's cookie,
 * unless there is no key.
 */
static int atcp_tfo_cookie_valid(struct sock *sk, const struct sk_buff *skb,
				 const struct atcp_tfo_cookie *got,
				 struct atcp_tfo_cookie *valid)
{
	const struct atcp_tfo_keys *keys;
	struct atcp_tfo_cookie c;
	int i, ret = 0;

	rcu_read_lock();
	keys = atcp_tfo_keys_of(sk);
	for (i = 0; keys && i < keys->num; i++) {
		atcp_tfo_cookie_of(skb, &keys->key[i], &c);
		if (!i)
			*valid = c;
		if (got && got->len == c.len && !crypto_memneq(got->val, c.val, c.len)) {
			ret = i + 1;
			break;
		}
	}
	rcu_read_unlock();
	return ret;
}

/*
 * May listener @sk make one more Fast Open child?  Not without a queue,
 * nor with the queue full (Linux: tcp_fastopen_queue_check()).
 */
static bool atcp_tfo_queue_check(struct sock *sk)
{
	u32 max = READ_ONCE(atcp_sk(sk)->opts.fastopen_qlen);

	if (!max)
		return false;
	if (atomic_read(&atcp_sk(sk)->tfo_qlen) >= max) {
		ATCP_INC_STATS(sock_net(sk), ATCP_MIB_TFOLISTENOVERFLOW);
		return false;
	}
	return true;
}

/*
 * The Fast Open part of listener @sk's answer to SYN @skb, for request
 * @req (Linux: tcp_try_fastopen()).  True when a child took the SYN and
 * sent the SYN-ACK.  Otherwise the request goes on the SYN queue as
 * usual, and when *@send the SYN-ACK carries cookie @foc: a cookie asked
 * for, or the right one for a SYN whose cookie failed.
 */
bool atcp_fastopen_syn(struct sock *sk, struct sk_buff *skb,
		       const struct atcp_seg *seg, const struct atcp_req *req,
		       struct atcp_tfo_cookie *foc, bool *send)
{
	int mode = READ_ONCE(atcp_net(sock_net(sk))->sysctl.fastopen);
	const struct atcp_opts *o = &seg->opts;
	struct atcp_tfo_cookie valid = { .exp = o->tfo.exp };
	int ret = 0;

	*send = false;
	if (o->tfo_ok && !o->tfo.len)
		ATCP_INC_STATS(sock_net(sk), ATCP_MIB_TFOCOOKIEREQD);
	if (!(mode & ATCP_TFO_SERVER_ENABLE) || (!seg->len && !o->tfo_ok) ||
	    !atcp_tfo_queue_check(sk))
		return false;

	if ((mode & ATCP_TFO_SERVER_COOKIE_NOT_REQD) ||
	    READ_ONCE(atcp_sk(sk)->opts.fastopen_no_cookie)) {
		if (atcp_fastopen_child(sk, skb, seg, req, NULL)) {
			ATCP_INC_STATS(sock_net(sk), ATCP_MIB_TFOPASSIVE);
			return true;
		}
		ATCP_INC_STATS(sock_net(sk), ATCP_MIB_TFOPASSIVEFAIL);
		return false;
	}
	if (!o->tfo_ok)
		return false;
	if (o->tfo.len) {
		ret = atcp_tfo_cookie_valid(sk, skb, &o->tfo, &valid);
		if (!ret) {
			ATCP_INC_STATS(sock_net(sk), ATCP_MIB_TFOPASSIVEFAIL);
		} else {
			/*
			 * A valid cookie, data or not: the child may send
			 * before the handshake ends.  One the backup key
			 * made is replaced by the primary's.
			 */
			if (atcp_fastopen_child(sk, skb, seg, req,
						ret == 2 ? &valid : NULL)) {
				if (ret == 2)
					ATCP_INC_STATS(sock_net(sk),
						       ATCP_MIB_TFOPASSIVEALTKEY);
				ATCP_INC_STATS(sock_net(sk), ATCP_MIB_TFOPASSIVE);
				return true;
			}
			ATCP_INC_STATS(sock_net(sk), ATCP_MIB_TFOPASSIVEFAIL);
		}
	} else {
		atcp_tfo_cookie_valid(sk, skb, NULL, &valid);
	}
	*foc = valid;
	*send = valid.len > 0;
	return false;
}

/*
 * Fast Open child @child of listener @sk: count it in the listener's
 * queue until its handshake ends, and have its SYN-ACK carry @foc.
 */
int atcp_fastopen_child_init(struct sock *sk, struct sock *child,
			     const struct atcp_tfo_cookie *foc)
{
	struct atcp_sock *as = atcp_sk(child);

	as->tfo = kzalloc(sizeof(*as->tfo), GFP_ATOMIC);
	if (!as->tfo)
		return -ENOMEM;
	if (foc) {
		as->tfo->cookie = *foc;
		as->tfo->send_cookie = true;
	}
	sock_hold(sk);
	as->tfo->listener = sk;
	as->tfo_child = 1;
	atomic_inc(&atcp_sk(sk)->tfo_qlen);
	return 0;
}

/* TCP_FASTOPEN: at most @qlen children wait for their handshake's end. */
void atcp_fastopen_set_qlen(struct sock *sk, int qlen)
{
	u32 max = READ_ONCE(sock_net(sk)->core.sysctl_somaxconn);

	WRITE_ONCE(atcp_sk(sk)->opts.fastopen_qlen, min_t(u32, qlen, max));
}

/*
 * listen(): under the fastopen sysctl's 0x400 and 0x2, a listener without
 * TCP_FASTOPEN gets a queue as long as its backlog (Linux: inet_listen()).
 */
void atcp_fastopen_listen(struct sock *sk, int backlog)
{
	int mode = READ_ONCE(atcp_net(sock_net(sk))->sysctl.fastopen);

	if ((mode & ATCP_TFO_SERVER_WO_SOCKOPT1) &&
	    (mode & ATCP_TFO_SERVER_ENABLE) &&
	    !READ_ONCE(atcp_sk(sk)->opts.fastopen_qlen)) {
		atcp_fastopen_set_qlen(sk, backlog);
		atcp_fastopen_init_key_once(sock_net(sk));
	}
}

/* ---- client ---------------------------------------------------------- */

/* What a client's SYN may do (atcp_tfo_client_check()). */
enum {
	ATCP_TFO_SYN_DATA,		/* carry data */
	ATCP_TFO_SYN_ASK,		/* ask for a cookie */
	ATCP_TFO_SYN_PLAIN,		/* neither: Fast Open is paused */
};

/*
 * fastopen_blackhole_timeout_sec: a client's Fast Open stops for a while
 * after signs that something on the way drops it (Linux:
 * tcp_fastopen_active_disable()), an hour, then twice as long each time
 * up to 64 times.
 */
static void atcp_tfo_active_disable(struct sock *sk)
{
	struct atcp_net *an = atcp_net(sock_net(sk));

	if (!READ_ONCE(an->sysctl.fastopen_blackhole_timeout_sec))
		return;
	WRITE_ONCE(an->tfo_disable_stamp, jiffies);
	/* the stamp before the count: atcp_tfo_active_paused() reads so */
	smp_mb__before_atomic();
	atomic_inc(&an->tfo_disable_times);
	ATCP_INC_STATS(sock_net(sk), ATCP_MIB_TFOBLACKHOLE);
}

static bool atcp_tfo_active_paused(struct sock *sk)
{
	struct atcp_net *an = atcp_net(sock_net(sk));
	int secs = READ_ONCE(an->sysctl.fastopen_blackhole_timeout_sec);
	int times = atomic_read(&an->tfo_disable_times);
	unsigned long until;

	if (!secs || !times)
		return false;
	/* pairs with atcp_tfo_active_disable(): the count, then the stamp */
	smp_rmb();
	until = READ_ONCE(an->tfo_disable_stamp) +
		((unsigned long)secs * HZ << min(times - 1, 6));
	if (time_before(jiffies, until))
		return true;
	/* this connection tells whether the pause may end */
	atcp_sk(sk)->tfo_check = 1;
	return false;
}

/*
 * A retransmission timeout of a connection that used Fast Open: the
 * third in a row, or one that ends it, pauses Fast Open (Linux:
 * tcp_fastopen_active_detect_blackhole()).  @timeouts before this one.
 */
void atcp_fastopen_timeout(struct sock *sk, unsigned int timeouts,
			   bool expired)
{
	struct atcp_sock *as = atcp_sk(sk);

	if ((as->syn_fastopen || as->syn_data) &&
	    (timeouts == 2 || (timeouts < 2 && expired))) {
		atcp_tfo_active_disable(sk);
		ATCP_INC_STATS(sock_net(sk), ATCP_MIB_TFOACTIVEFAIL);
	}
}

/*
 * A client connection that used Fast Open goes: one that got data
 * after a pause ends the pause, unless over loopback (Linux:
 * tcp_fastopen_active_disable_ofo_check()); one whose only segment
 * from the server was an out-of-order FIN saw its data dropped.
 */
void atcp_fastopen_active_close(struct sock *sk)
{
	struct atcp_sock *as = atcp_sk(sk);
	struct atcp_net *an = atcp_net(sock_net(sk));
	struct sk_buff *skb = skb_peek(&as->ooo_queue);
	struct dst_entry *dst;

	if (!as->syn_fastopen)
		return;
	if (!as->data_segs_in) {
		if (skb && skb_queue_is_last(&as->ooo_queue, skb) &&
		    (ATCP_SKB_CB(skb)->flags & TCPHDR_FIN))
			atcp_tfo_active_disable(sk);
		return;
	}
	if (!as->tfo_check || !atomic_read(&an->tfo_disable_times))
		return;
	rcu_read_lock();
	dst = __sk_dst_get(sk);
	if (!(dst && dst->dev && (dst->dev->flags & IFF_LOOPBACK)))
		atomic_set(&an->tfo_disable_times, 0);
	rcu_read_unlock();
}

/*
 * May @sk's SYN carry data?  ATCP_TFO_SYN_DATA: yes, with the cookie
 * *@cookie (len 0: without one, as the fastopen sysctl's 0x4 or
 * TCP_FASTOPEN_NO_COOKIE say); ATCP_TFO_SYN_ASK: no, but it asks for a
 * cookie; ATCP_TFO_SYN_PLAIN: no, Fast Open is paused.  *@mss: the
 * server's MSS as last seen, 0 if not known.
 */
static int atcp_tfo_client_check(struct sock *sk, u16 *mss,
				 struct atcp_tfo_cookie *cookie)
{
	struct atcp_sock *as = atcp_sk(sk);
	int mode = READ_ONCE(atcp_net(sock_net(sk))->sysctl.fastopen);

	atcp_metrics_tfo_get(sk, mss, cookie);
	if (atcp_tfo_active_paused(sk))
		return ATCP_TFO_SYN_PLAIN;
	if ((mode & ATCP_TFO_CLIENT_NO_COOKIE) ||
	    READ_ONCE(as->opts.fastopen_no_cookie) ||
	    atcp_route_tfo_no_cookie(sk)) {
		cookie->len = 0;
		return ATCP_TFO_SYN_DATA;
	}
	if (cookie->len)
		return ATCP_TFO_SYN_DATA;
	as->tfo_client_fail = TFO_COOKIE_UNAVAILABLE;
	return ATCP_TFO_SYN_ASK;
}

/*
 * connect() with TCP_FASTOPEN_CONNECT (Linux:
 * tcp_fastopen_defer_connect()): with a cookie the SYN waits for the
 * first write, which it carries (connect() returns at once); without one
 * it goes now and asks for a cookie.
 */
int atcp_fastopen_connect(struct sock *sk)
{
	struct atcp_sock *as = atcp_sk(sk);
	struct atcp_tfo_cookie cookie;
	u16 mss;
	int ret;

	if (!as->opts.fastopen_connect || as->tfo)
		return 0;
	ret = atcp_tfo_client_check(sk, &mss, &cookie);
	if (ret == ATCP_TFO_SYN_DATA) {
		inet_sk(sk)->defer_connect = 1;
		return 0;
	}
	as->tfo = kzalloc(sizeof(*as->tfo), sk->sk_allocation);
	if (!as->tfo)
		return -ENOBUFS;
	as->tfo->cookie = cookie;
	as->tfo->send_cookie = ret == ATCP_TFO_SYN_ASK;
	return 0;
}

/*
 * The SYN of @sk, about to go: how much of the data sendmsg() offered it
 * carries, and with which option (Linux: tcp_send_syn_data()).  Returns
 * the bytes it may take from @mtu bytes of path, 0 for none; the cookie
 * or the request for one is set up in as->tfo either way.
 */
u32 atcp_fastopen_syn_room(struct sock *sk, u32 mtu)
{
	struct atcp_sock *as = atcp_sk(sk);
	struct atcp_fastopen *fo = as->tfo;
	u16 mss;
	int room;

	switch (atcp_tfo_client_check(sk, &mss, &fo->cookie)) {
	case ATCP_TFO_SYN_PLAIN:
		fo->send_cookie = false;
		return 0;
	case ATCP_TFO_SYN_ASK:
		fo->send_cookie = true;
		return 0;
	}
	fo->send_cookie = fo->cookie.len > 0;
	/*
	 * One segment of the server's MSS as last seen, bounded by the
	 * path and TCP_MAXSEG, less the most options could take: a
	 * middlebox may add its own.
	 */
	room = (int)mtu - atcp_net_hdr_len(sk) - as->ext_hdr_len -
	       (int)sizeof(struct tcphdr);
	if (mss && room > mss)
		room = mss;
	if (as->opts.user_mss && room > as->opts.user_mss)
		room = as->opts.user_mss;
	room -= ATCP_MAX_OPT_LEN;
	if (room <= 0)
		return 0;
	return min_t(size_t, room, fo->size);
}

/*
 * The SYN-ACK of a connect() that may have used Fast Open (Linux:
 * tcp_rcv_fastopen_synack()), after its ACK was taken: note what it
 * says of the server, and if the SYN's data is not all acknowledged,
 * send it again at once.  True when it must be.
 */
bool atcp_fastopen_synack(struct sock *sk, const struct atcp_seg *seg)
{
	struct atcp_sock *as = atcp_sk(sk);
	const struct atcp_tfo_cookie *cookie = NULL;
	bool unacked = as->syn_data && atcp_seq_before(as->snd_una, as->snd_max);
	u8 try_exp = 0;

	if (seg->opts.tfo_ok && seg->opts.tfo.len)
		cookie = &seg->opts.tfo;
	if (!as->syn_fastopen)
		cookie = NULL;		/* not asked for */
	else if (!cookie && !as->syn_data && !as->retransmits)
		/* asked and got none: ask the other way next time */
		try_exp = as->syn_fastopen_exp ? 2 : 1;
	if (as->syn_fastopen || as->syn_data || cookie)
		atcp_metrics_tfo_set(sk, seg->opts.mss_ok ? seg->opts.mss : 0,
				     cookie, try_exp);
	if (unacked) {
		as->tfo_client_fail = as->retransmits ? TFO_SYN_RETRANSMITTED :
					TFO_DATA_NOT_ACKED;
		ATCP_INC_STATS(sock_net(sk), ATCP_MIB_TFOACTIVEFAIL);
		return true;
	}
	if (as->syn_data) {
		as->syn_data_acked = 1;
		ATCP_INC_STATS(sock_net(sk), ATCP_MIB_TFOACTIVE);
	}
	return false;
}

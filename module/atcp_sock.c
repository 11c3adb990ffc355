// SPDX-License-Identifier: GPL-2.0
/*
 * atcp socket layer: struct proto and proto_ops of an atcp stream socket,
 * and the glue between user calls and the state engine.
 *
 * Locking follows Linux TCP: user calls hold the socket lock
 * (lock_sock); the receive path and the timers take the socket spinlock
 * and, when a user call owns the socket, queue to its backlog or retry.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/net.h>
#include <linux/poll.h>
#include <linux/siphash.h>
#include <linux/sockios.h>
#include <asm/ioctls.h>
#include <net/inet_common.h>
#include <net/ip.h>
#include <net/tcp.h>

#define CREATE_TRACE_POINTS
#include "atcp_trace.h"

#include "atcp.h"
#include "atcp_cookie.h"
#include "atcp_mib.h"

static struct {
	siphash_key_t isn;
	siphash_key_t ts;
} atcp_secret __read_mostly;

/*
 * The one place that draws atcp_secret: net_get_random_once() keeps its
 * "done" flag per call site, so a second site would draw it again.
 */
static void atcp_secret_init(void)
{
	net_get_random_once(&atcp_secret, sizeof(atcp_secret));
}

/* ---- state ------------------------------------------------------------------- */

/* Bytes received and not yet read; a received FIN takes a sequence number. */
static int atcp_bytes_unread(const struct sock *sk)
{
	const struct atcp_sock *as = atcp_sk(sk);
	int n = READ_ONCE(as->rcv_nxt) - READ_ONCE(as->copied_seq);

	if (sock_flag(sk, SOCK_DONE))
		n--;
	return max(n, 0);
}

/*
 * SIOCINQ: what a read returns now.  Urgent data ahead, out of the stream,
 * ends it at the mark (Linux: tcp_inq()).
 */
static int atcp_inq(const struct sock *sk)
{
	const struct atcp_sock *as = atcp_sk(sk);

	if (as->urg_data && !sock_flag(sk, SOCK_URGINLINE) &&
	    !atcp_seq_before(as->urg_seq, as->copied_seq) &&
	    atcp_seq_before(as->urg_seq, as->rcv_nxt))
		return as->urg_seq - as->copied_seq;
	return atcp_bytes_unread(sk);
}

static bool atcp_state_established(int state)
{
	return state == TCP_ESTABLISHED || state == TCP_CLOSE_WAIT;
}

void atcp_set_state(struct sock *sk, int state)
{
	struct atcp_net *an = atcp_net(sock_net(sk));
	struct atcp_sock *as = atcp_sk(sk);
	int old = as->tw_entered ? TCP_TIME_WAIT : sk->sk_state;

	if (old == state)
		return;
	if (atcp_state_established(state) && !atcp_state_established(old))
		atomic_inc(&an->curr_estab);
	else if (!atcp_state_established(state) && atcp_state_established(old))
		atomic_dec(&an->curr_estab);
	/*
	 * As Linux's tcp_set_state(): a connection that goes from
	 * ESTABLISHED or CLOSE-WAIT straight to CLOSED was reset, whether it
	 * took a RST, sent one (abort, SO_LINGER 0) or timed out.
	 */
	if (state == TCP_CLOSE && atcp_state_established(old))
		ATCP_INC_STATS(sock_net(sk), ATCP_MIB_ESTABRESETS);
	/* a Fast Open child's handshake is over, one way or another */
	if (as->tfo_child)
		atcp_fastopen_done(sk);
	trace_atcp_set_state(sk, old, state);
	/*
	 * A full socket never holds TIME-WAIT in sk_state, as in Linux:
	 * code that reads it without the socket lock (sk_fullsock(), so
	 * inet6_sk() in inet6_release()) would take it for a timewait
	 * sock.  The TIME_WAIT entry atcp_time_wait() makes is that state;
	 * the socket only passes through it, for the tracepoint.
	 */
	if (state == TCP_TIME_WAIT) {
		as->tw_entered = 1;
		return;
	}
	as->tw_entered = 0;
	/* Pairs with inet_sk_state_load() in poll and procfs. */
	smp_store_release(&sk->sk_state, state);
}

/* Take a child off its listener's queues; true if it was on one. */
static bool atcp_child_unlink(struct sock *child)
{
	struct atcp_sock *as = atcp_sk(child);
	struct sock *listener = READ_ONCE(as->listener);
	struct atcp_sock *las;
	bool queued = false;

	if (!listener)
		return false;
	las = atcp_sk(listener);
	spin_lock_bh(&las->accept_lock);
	if (as->listener == listener) {
		/* a child still in SYN-RECEIVED is on no queue yet */
		if (as->was_accepted_q)
			las->accept_len--;
		list_del_init(&as->accept_node);
		as->listener = NULL;
		queued = true;
	}
	spin_unlock_bh(&las->accept_lock);
	if (queued)
		sock_put(listener);
	return queued;
}

/*
 * Put @child on its listener's accept queue, once: when its handshake
 * completes, or a Fast Open child when it is made.
 */
void atcp_child_enqueue(struct sock *child)
{
	struct atcp_sock *as = atcp_sk(child);
	struct sock *listener = READ_ONCE(as->listener);
	struct atcp_sock *las;

	if (!listener)
		return;
	las = atcp_sk(listener);
	spin_lock_bh(&las->accept_lock);
	if (as->listener == listener && !as->was_accepted_q) {
		list_add_tail(&as->accept_node, &las->accept_queue);
		as->was_accepted_q = 1;
		las->accept_len++;
	}
	spin_unlock_bh(&las->accept_lock);
	listener->sk_data_ready(listener);
}

/* The handshake of a passively opened child completed. */
static void atcp_child_established(struct sock *child)
{
	ATCP_INC_STATS(sock_net(child), ATCP_MIB_PASSIVEOPENS);
	atcp_child_enqueue(child);
}

void atcp_destroy_sock(struct sock *sk)
{
	struct atcp_sock *as = atcp_sk(sk);

	if (as->destroyed)
		return;
	as->destroyed = 1;
	atcp_clear_timers(sk);
	if (as->syn_table)
		atcp_synq_purge(sk, NULL);	/* listen() failed after it */
	atcp_fastopen_active_close(sk);
	atcp_fastopen_sock_free(sk);
	atcp_write_queue_purge(sk);
	skb_queue_purge(&as->ooo_queue);
	__skb_queue_purge(&sk->sk_receive_queue);
	sk_mem_reclaim_final(sk);
	sk_sockets_allocated_dec(sk);
	atcp_unhash(sk);
	atcp_put_port(sk);
	if (as->counted_orphan)
		atomic_dec(&atcp_net(sock_net(sk))->orphans);
	sock_put(sk);		/* the owner's reference */
}

/*
 * The connection is over (RFC 9293 "delete the TCB").  A socket its user
 * still holds stays until close(); an orphan is freed now.
 */
void atcp_done(struct sock *sk)
{
	atcp_unhash(sk);
	atcp_set_state(sk, TCP_CLOSE);
	atcp_clear_timers(sk);
	if (!(sk->sk_userlocks & SOCK_BINDPORT_LOCK))
		atcp_put_port(sk);
	WRITE_ONCE(sk->sk_shutdown, SHUTDOWN_MASK);

	if (atcp_child_unlink(sk))
		sock_set_flag(sk, SOCK_DEAD);
	if (!sock_flag(sk, SOCK_DEAD))
		sk->sk_state_change(sk);
	else
		atcp_destroy_sock(sk);
}

static int atcp_fsm_errno(u8 err)
{
	switch (err) {
	case ATCP_FSM_EISCONN:
		return -EISCONN;
	case ATCP_FSM_EALREADY:
		return -EALREADY;
	case ATCP_FSM_ENOTCONN:
		return -ENOTCONN;
	default:
		return -EINVAL;
	}
}

/*
 * Run one event through the state engine and carry out its actions, in
 * the order: transmit, report, wake, TIME-WAIT, delete.
 */
int atcp_event(struct sock *sk, enum atcp_event ev)
{
	struct atcp_sock *as = atcp_sk(sk);
	bool tfo_child = as->tfo_child;
	struct atcp_transition t;
	int old = sk->sk_state;
	u16 act;

	/* a Fast Open child may be accepted already: see atcp_fsm_step() */
	if (atcp_fsm_step(old, ev, as->passive && !tfo_child, &t))
		return -EINVAL;
	if (t.err)
		return atcp_fsm_errno(t.err);
	act = t.actions;

	if (act & ATCP_ACT_BACK_TO_LISTEN) {
		/* Our listener never left LISTEN: this child just goes away. */
		atcp_done(sk);
		return 0;
	}
	atcp_set_state(sk, t.next);

	if (act & ATCP_ACT_SEND_SYN) {
		/* an attempt, whatever comes of it (Linux: tcp_connect()) */
		ATCP_INC_STATS(sock_net(sk), ATCP_MIB_ACTIVEOPENS);
		/* TCP_FASTOPEN_CONNECT: the first write sends it, with data */
		if (!inet_sk(sk)->defer_connect)
			atcp_send_syn(sk);
	}
	if (act & ATCP_ACT_SEND_SYNACK)
		atcp_send_synack(sk);
	if (act & ATCP_ACT_SEND_FIN)
		atcp_send_fin(sk);
	if (act & (ATCP_ACT_SEND_ACK | ATCP_ACT_CHALLENGE_ACK))
		atcp_send_ack(sk);
	/* a route with quickack has every ACK go at once */
	if (act & ATCP_ACT_DELAYED_ACK) {
		if (atcp_route_quickack(sk))
			atcp_send_ack(sk);
		else
			atcp_schedule_ack(sk);
	}
	if (act & ATCP_ACT_SEND_RST)
		atcp_send_active_reset(sk, GFP_ATOMIC);

	if (act & ATCP_ACT_ERR_RESET) {
		/* a Fast Open child was reset, as Linux's tcp_reset() says */
		if ((old == TCP_SYN_SENT || old == TCP_SYN_RECV) && !tfo_child)
			WRITE_ONCE(sk->sk_err, ECONNREFUSED);
		else if (old == TCP_CLOSE_WAIT)
			WRITE_ONCE(sk->sk_err, EPIPE);
		else
			WRITE_ONCE(sk->sk_err, ECONNRESET);
		if (!sock_flag(sk, SOCK_DEAD))
			sk_error_report(sk);
	}
	if (act & ATCP_ACT_ERR_TIMEOUT) {
		WRITE_ONCE(sk->sk_err, sk->sk_err_soft ? : ETIMEDOUT);
		if (!sock_flag(sk, SOCK_DEAD))
			sk_error_report(sk);
	}
	if (act & ATCP_ACT_CONNECTED) {
		/* keepalive's idle clock starts now */
		as->last_ack_recv = jiffies;
		as->last_data_recv = as->last_ack_recv;
		if (as->passive) {
			atcp_child_established(sk);
		} else {
			if (!sock_flag(sk, SOCK_DEAD)) {
				sk->sk_state_change(sk);
				sk_wake_async(sk, SOCK_WAKE_IO, POLL_OUT);
			}
		}
		atcp_init_buffer_space(sk);
		atcp_metrics_init(sk);
		atcp_cong_start(sk);
		/* data a Fast Open socket sent may still be in flight */
		as->retransmits = 0;
		atcp_rto_reset_backoff(&as->rto);
		if (as->snd_una == as->snd_max)
			atcp_stop_rtx_timer(sk);
		else
			atcp_reset_rtx_timer(sk);
		atcp_push(sk, ATCP_NAGLE_SOCK);
	}
	/* a clean end: what it learned of the path is kept */
	if ((act & ATCP_ACT_START_TW) ||
	    (old == TCP_LAST_ACK && ev == ATCP_EV_RCV_ACK_FIN))
		atcp_metrics_update(sk);
	if (act & ATCP_ACT_START_TW) {
		atcp_time_wait(sk);
		return 0;
	}
	if (act & ATCP_ACT_DELETE_TCB) {
		atcp_done(sk);
		return 0;
	}
	/* keepalive, or the FIN-WAIT-2 timeout of an orphan */
	if (t.next != old)
		atcp_reset_keepalive(sk);
	return 0;
}

/* ---- TCB set-up --------------------------------------------------------------- */

/* Clear the TCB (all but the user's socket options) and set defaults. */
void atcp_init_tcb(struct sock *sk)
{
	const struct atcp_sysctl *s = &atcp_net(sock_net(sk))->sysctl;
	struct atcp_sock *as = atcp_sk(sk);

	memset((char *)as + sizeof(struct inet_sock), 0,
	       offsetof(struct atcp_sock, opts) - sizeof(struct inet_sock));
	skb_queue_head_init(&as->ooo_queue);
	spin_lock_init(&as->accept_lock);
	INIT_LIST_HEAD(&as->accept_queue);
	INIT_LIST_HEAD(&as->accept_node);
	atcp_init_timers(sk);
	atcp_rto_init(&as->rto, ATCP_RTO_INIT_US, ATCP_RTO_MIN_US,
		      ATCP_RTO_MAX_US);
	as->cwnd = ATCP_INIT_CWND;
	as->ssthresh = TCP_INFINITE_SSTHRESH;
	atcp_cong_init(sk);
	as->mss_cache = ATCP_DEFAULT_MSS;
	as->advmss = ATCP_DEFAULT_MSS;
	as->ts_ok = !!READ_ONCE(s->timestamps);
	as->ws_ok = !!READ_ONCE(s->window_scaling);
	as->sack_ok = !!READ_ONCE(s->sack);
	as->reordering = READ_ONCE(s->reordering);
	as->quickack = 8;
	sock_set_flag(sk, SOCK_RCU_FREE);
	sk->sk_write_space = atcp_write_space;
	sk->sk_gso_type = SKB_GSO_TCPV4;
}

/*
 * The TSval offset of a 4-tuple (RFC 7323 5.4): keyed, so the clock of one
 * connection tells nothing of another's, and the same for every
 * incarnation of the 4-tuple, so that a new one's TSvals are newer than
 * the old one's and TIME-WAIT entries need not store it.
 */
static u32 atcp_ts_offset(const struct atcp_cookie_tuple *t)
{
	return (u32)siphash(t, sizeof(*t), &atcp_secret.ts);
}

/* The cookie tuple of a 4-tuple; IPv4 addresses come v4-mapped. */
void atcp_tuple_fill(struct atcp_cookie_tuple *t, const struct in6_addr *faddr,
		     const struct in6_addr *laddr, __be16 fport, __be16 lport)
{
	if (ipv6_addr_v4mapped(faddr))
		atcp_cookie_tuple_v4(t, faddr->s6_addr32[3],
				     laddr->s6_addr32[3], fport, lport);
	else
		atcp_cookie_tuple_v6(t, faddr->s6_addr, laddr->s6_addr, fport,
				     lport);
}

u32 atcp_ts_offset_of(const struct in6_addr *faddr,
		      const struct in6_addr *laddr, __be16 fport, __be16 lport)
{
	struct atcp_cookie_tuple t;

	atcp_secret_init();
	atcp_tuple_fill(&t, faddr, laddr, fport, lport);
	return atcp_ts_offset(&t);
}

/* The offset a connection of @net uses: none under timestamps = 2. */
u32 atcp_conn_ts_offset(struct net *net, const struct in6_addr *faddr,
			const struct in6_addr *laddr, __be16 fport,
			__be16 lport)
{
	if (READ_ONCE(atcp_net(net)->sysctl.timestamps) == 2)
		return 0;
	return atcp_ts_offset_of(faddr, laddr, fport, lport);
}

/* RFC 6528 (RFC 9293 3.4.1): a keyed hash of the 4-tuple plus a clock. */
u32 atcp_isn_of(const struct in6_addr *faddr, const struct in6_addr *laddr,
		__be16 fport, __be16 lport)
{
	struct atcp_cookie_tuple t;

	atcp_secret_init();
	atcp_tuple_fill(&t, faddr, laddr, fport, lport);
	return atcp_isn(&atcp_secret.isn, &t, ktime_get_real_ns());
}

/* Our window scale: enough for the largest buffer the socket may use. */
u8 atcp_rcv_wscale(const struct sock *sk)
{
	u32 space = max_t(u32, READ_ONCE(sk->sk_rcvbuf),
			  READ_ONCE(atcp_net(sock_net(sk))->sysctl.rmem[2]));
	u8 ws = 0;

	if (sk->sk_userlocks & SOCK_RCVBUF_LOCK)
		space = READ_ONCE(sk->sk_rcvbuf);
	/* a clamped window needs no more scale than the clamp (Linux too) */
	if (atcp_sk(sk)->opts.window_clamp)
		space = min(space, atcp_sk(sk)->opts.window_clamp);
	while (ws < TCP_MAX_WSCALE && (65535U << ws) < space)
		ws++;
	return ws;
}

/* Initial sequence numbers, timestamps offset, windows and MSS. */
void atcp_start_tcb(struct sock *sk)
{
	struct atcp_sock *as = atcp_sk(sk);
	struct inet_sock *inet = inet_sk(sk);
	struct atcp_cookie_tuple t;
	struct in6_addr laddr, raddr;
	struct dst_entry *dst;
	u32 mtu;

	atcp_secret_init();
	atcp_sk_addrs(sk, &laddr, &raddr);
	atcp_tuple_fill(&t, &raddr, &laddr, inet->inet_dport,
			inet->inet_sport);
	atcp_set_iss(as, atcp_isn(&atcp_secret.isn, &t, ktime_get_real_ns()));
	/* timestamps = 2: timestamps without the random offset, as Linux */
	as->ts_offset = READ_ONCE(atcp_net(sock_net(sk))->sysctl.timestamps) == 2 ?
			0 : atcp_ts_offset(&t);

	dst = __sk_dst_get(sk);
	mtu = dst ? dst_mtu(dst) : 576;
	as->advmss = atcp_dst_advmss(dst, mtu - atcp_net_hdr_len(sk) -
					  sizeof(struct tcphdr));
	if (as->opts.user_mss && as->advmss > as->opts.user_mss)
		as->advmss = as->opts.user_mss;

	/* a route's window clamps one TCP_WINDOW_CLAMP left open */
	if (!as->opts.window_clamp)
		as->opts.window_clamp = atcp_dst_window(dst);
	/* the window sized by the MSS we advertise (a route's initrwnd) */
	as->rcv_wscale = as->ws_ok ? atcp_rcv_wscale(sk) : 0;
	as->rcv_wnd = atcp_initial_window(sk, as->rcv_wscale);
	as->rcv_ssthresh = min(as->rcv_wnd, 65535U);
	as->rcv_wup = as->rcv_nxt;
	atcp_mtup_init(sk);
	atcp_sync_mss(sk, mtu);
}

static int atcp_init_sock(struct sock *sk)
{
	const struct atcp_sysctl *s = &atcp_net(sock_net(sk))->sysctl;

	atcp_init_tcb(sk);
	sk_sockets_allocated_inc(sk);	/* a clone is counted by sk_clone_lock() */
	/* Like tcp_rmem[1] and tcp_wmem[1]; they grow with the connection. */
	WRITE_ONCE(sk->sk_sndbuf, READ_ONCE(s->wmem[1]));
	WRITE_ONCE(sk->sk_rcvbuf, READ_ONCE(s->rmem[1]));
	return 0;
}

/*
 * TCP_NOTSENT_LOWAT (or the sysctl): a writer waits while more than this
 * many bytes are queued but not yet sent.  @wake is 1 from poll() and the
 * wake-ups, which as in Linux want it below half the mark, so that a
 * woken writer finds room for more than a few bytes.
 */
static bool atcp_stream_memory_free(const struct sock *sk, int wake)
{
	const struct atcp_sock *as = atcp_sk(sk);
	u32 lowat = READ_ONCE(as->opts.notsent_lowat) ? :
		    READ_ONCE(atcp_net(sock_net(sk))->sysctl.notsent_lowat);
	return ((u64)atcp_notsent_bytes(as) << wake) < lowat;
}

void atcp_write_space(struct sock *sk)
{
	struct socket *sock = sk->sk_socket;
	struct socket_wq *wq;

	if (!sock || !sk_stream_is_writeable(sk))
		return;
	clear_bit(SOCK_NOSPACE, &sock->flags);
	rcu_read_lock();
	wq = rcu_dereference(sk->sk_wq);
	if (skwq_has_sleeper(wq))
		wake_up_interruptible_poll(&wq->wait, EPOLLOUT | EPOLLWRNORM |
					   EPOLLWRBAND);
	if (wq && wq->fasync_list && !(sk->sk_shutdown & SEND_SHUTDOWN))
		sock_wake_async(wq, SOCK_WAKE_SPACE, POLL_OUT);
	rcu_read_unlock();
}

/* ---- connect, listen, accept ---------------------------------------------------- */

/*
 * What connect() does in both families once the socket has its route and
 * addresses: a port and a place in the connection table, the initial
 * numbers, the SYN.  On an error the caller undoes it all with
 * atcp_connect_failed().
 */
int atcp_connect_routed(struct sock *sk)
{
	struct atcp_tw *tw = NULL;
	int err;

	err = atcp_connect_hash(sk, &tw);
	if (err)
		return err;
	/*
	 * The IPv4 ID of its segments starts anywhere, not at 0, so that
	 * they tell nothing of the host's others (Linux: tcp_v4_connect()).
	 */
	atomic_set(&inet_sk(sk)->inet_id, get_random_u16());
	atcp_start_tcb(sk);
	if (tw)
		atcp_tw_reused(sk, tw);
	/* without its table the namespace only forgets its paths */
	atcp_metrics_prepare(sock_net(sk));
	err = atcp_fastopen_connect(sk);
	if (err)
		return err;
	return atcp_event(sk, ATCP_EV_ACTIVE_OPEN);
}

/* Undo what a connect() that failed set up, in either family. */
void atcp_connect_failed(struct sock *sk)
{
	struct inet_sock *inet = inet_sk(sk);

	atcp_unhash(sk);
	if (!(sk->sk_userlocks & SOCK_BINDPORT_LOCK))
		atcp_put_port(sk);
	atcp_set_state(sk, TCP_CLOSE);
	sk_dst_reset(sk);
	sk->sk_route_caps = 0;
	inet->inet_dport = 0;
	inet->inet_daddr = 0;
#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family == AF_INET6)
		sk->sk_v6_daddr = in6addr_any;
#endif
	if (!(sk->sk_userlocks & SOCK_BINDADDR_LOCK))
		inet_reset_saddr(sk);
	atcp_sk(sk)->ipv6 = 0;
}

int atcp_v4_connect(struct sock *sk, struct sockaddr *uaddr, int addr_len)
{
	struct sockaddr_in *usin = (struct sockaddr_in *)uaddr;
	struct inet_sock *inet = inet_sk(sk);
	int err;

	if (addr_len < sizeof(*usin))
		return -EINVAL;
	if (usin->sin_family != AF_INET)
		return -EAFNOSUPPORT;

	inet->inet_dport = usin->sin_port;
	inet->inet_daddr = usin->sin_addr.s_addr;
	/* IPv6 extension headers stay out of an IPv4 connection */
	atcp_sk(sk)->ext_hdr_len = 0;
	err = atcp_route_connect(sk);
	if (!err)
		err = atcp_connect_routed(sk);
	if (err)
		atcp_connect_failed(sk);
	return err;
}

static int atcp_listen(struct socket *sock, int backlog)
{
	struct sock *sk = sock->sk;
	struct inet_sock *inet = inet_sk(sk);
	int err = -EINVAL;

	lock_sock(sk);
	if (sock->state != SS_UNCONNECTED || sock->type != SOCK_STREAM)
		goto out;
	if (backlog < 0)
		backlog = 0;
	WRITE_ONCE(sk->sk_max_ack_backlog, backlog);
	if (sk->sk_state == TCP_LISTEN) {
		err = 0;
		goto out;
	}
	if (sk->sk_state != TCP_CLOSE)
		goto out;
	err = atcp_synq_alloc(sk);
	if (err)
		goto out;
	if (!inet->inet_num) {
		err = atcp_get_port(sk, 0);
		if (err)
			goto out;
		inet->inet_sport = htons(inet->inet_num);
	} else if (atcp_listen_conflict(sk)) {
		err = -EADDRINUSE;
		goto out;
	}
	atcp_fastopen_listen(sk, backlog);
	atcp_metrics_prepare(sock_net(sk));
	atcp_sk(sk)->passive = 1;
	err = atcp_event(sk, ATCP_EV_PASSIVE_OPEN);
	if (!err) {
		/* fails only when an SO_REUSEPORT group cannot grow */
		err = atcp_hash(sk);
		if (err)
			atcp_set_state(sk, TCP_CLOSE);
	}
out:
	release_sock(sk);
	return err;
}

/*
 * migrate_req: @child, off its listener's accept queue and bh-locked,
 * joins that of the listener of @peer's group its 4-tuple hashes to.
 * False when there is none, or it stops listening too.
 */
static bool atcp_child_migrate(struct sock *peer, struct sock *child)
{
	struct atcp_sock *as = atcp_sk(child);
	struct in6_addr laddr, raddr;
	struct atcp_sock *nlas;
	struct sock *nsk;
	bool moved = false;

	atcp_sk_addrs(child, &laddr, &raddr);
	nsk = atcp_reuseport_migrate_to(peer, &raddr, inet_sk(child)->inet_dport,
					&laddr, inet_sk(child)->inet_sport);
	if (!nsk)
		return false;
	nlas = atcp_sk(nsk);
	spin_lock_bh(&nlas->accept_lock);
	/* NULL once atcp_synq_purge() began: before the queue is emptied */
	if (nlas->syn_table) {
		sock_hold(nsk);		/* the child's, as accept() expects */
		as->listener = nsk;
		list_add_tail(&as->accept_node, &nlas->accept_queue);
		nlas->accept_len++;
		moved = true;
	}
	spin_unlock_bh(&nlas->accept_lock);
	ATCP_INC_STATS(sock_net(nsk), moved ? ATCP_MIB_MIGRATEREQSUCCESS :
					      ATCP_MIB_MIGRATEREQFAILURE);
	if (moved)
		nsk->sk_data_ready(nsk);
	sock_put(nsk);
	return moved;
}

/*
 * Abort the children of a listener that stops listening, or hand them
 * over to a listener of @peer's SO_REUSEPORT group (migrate_req; @peer
 * NULL: none).
 */
static void atcp_listen_stop(struct sock *sk, struct sock *peer)
{
	struct atcp_sock *las = atcp_sk(sk);

	atcp_synq_purge(sk, peer);
	for (;;) {
		struct atcp_sock *as = NULL;
		struct sock *child;

		spin_lock_bh(&las->accept_lock);
		if (!list_empty(&las->accept_queue))
			as = list_first_entry(&las->accept_queue,
					      struct atcp_sock, accept_node);
		if (as)
			sock_hold(&as->inet.sk);
		spin_unlock_bh(&las->accept_lock);
		if (!as)
			break;

		child = &as->inet.sk;
		local_bh_disable();
		bh_lock_sock(child);
		if (atcp_child_unlink(child) &&
		    !(peer && atcp_child_migrate(peer, child))) {
			sock_set_flag(child, SOCK_DEAD);
			if (child->sk_state == TCP_CLOSE)
				atcp_destroy_sock(child);
			else if (atcp_event(child, ATCP_EV_ABORT))
				atcp_done(child);
		}
		bh_unlock_sock(child);
		local_bh_enable();
		sock_put(child);
	}
}

/*
 * A listener stops listening (close(), shutdown(), connect(AF_UNSPEC)):
 * out of the listening table and its group, then its queues go.  Under
 * migrate_req they go to a listener of its SO_REUSEPORT group, chosen
 * from one that stays, as Linux keeps the closed listener in the group's
 * closed section for the same purpose.
 */
static void atcp_listen_end(struct sock *sk)
{
	struct sock *peer = NULL;

	if (READ_ONCE(atcp_net(sock_net(sk))->sysctl.migrate_req))
		peer = atcp_reuseport_peer(sk);
	atcp_unhash(sk);
	atcp_set_state(sk, TCP_CLOSE);
	atcp_listen_stop(sk, peer);
	if (peer)
		sock_put(peer);
}

static struct sock *atcp_accept(struct sock *sk, int flags, int *err,
				bool kern)
{
	struct atcp_sock *las = atcp_sk(sk);
	struct atcp_sock *as = NULL;
	DEFINE_WAIT(wait);
	long timeo;

	lock_sock(sk);
	*err = -EINVAL;
	if (sk->sk_state != TCP_LISTEN)
		goto out;
	timeo = sock_rcvtimeo(sk, flags & O_NONBLOCK);
	while (list_empty_careful(&las->accept_queue)) {
		*err = -EAGAIN;
		if (!timeo)
			goto out;
		prepare_to_wait_exclusive(sk_sleep(sk), &wait,
					  TASK_INTERRUPTIBLE);
		release_sock(sk);
		if (list_empty_careful(&las->accept_queue))
			timeo = schedule_timeout(timeo);
		lock_sock(sk);
		finish_wait(sk_sleep(sk), &wait);
		*err = -EINVAL;
		if (sk->sk_state != TCP_LISTEN)
			goto out;
		*err = sock_intr_errno(timeo);
		if (signal_pending(current))
			goto out;
	}
	spin_lock_bh(&las->accept_lock);
	as = list_first_entry_or_null(&las->accept_queue, struct atcp_sock,
				      accept_node);
	if (as) {
		list_del_init(&as->accept_node);
		las->accept_len--;
		as->listener = NULL;
	}
	spin_unlock_bh(&las->accept_lock);
	if (as) {
		sock_put(sk);	/* the child's reference on us */
		*err = 0;
	} else {
		*err = -EAGAIN;
	}
out:
	release_sock(sk);
	return as ? &as->inet.sk : NULL;
}

static int atcp_disconnect(struct sock *sk, int flags)
{
	struct inet_sock *inet = inet_sk(sk);
	int old = sk->sk_state;

	if (old == TCP_LISTEN) {
		atcp_listen_end(sk);
	} else if (old != TCP_CLOSE && old != TCP_SYN_SENT &&
		   old != TCP_TIME_WAIT) {
		atcp_send_active_reset(sk, gfp_any());
		WRITE_ONCE(sk->sk_err, ECONNRESET);
	} else if (old == TCP_SYN_SENT) {
		WRITE_ONCE(sk->sk_err, ECONNRESET);
	}
	atcp_fastopen_active_close(sk);
	atcp_unhash(sk);
	atcp_set_state(sk, TCP_CLOSE);
	atcp_fastopen_done(sk);
	inet->defer_connect = 0;
	atcp_clear_timers(sk);
	atcp_write_queue_purge(sk);
	skb_queue_purge(&atcp_sk(sk)->ooo_queue);
	__skb_queue_purge(&sk->sk_receive_queue);
	if (!(sk->sk_userlocks & SOCK_BINDADDR_LOCK))
		inet_reset_saddr(sk);
	if (!(sk->sk_userlocks & SOCK_BINDPORT_LOCK))
		atcp_put_port(sk);
	inet->inet_dport = 0;
	inet->inet_daddr = 0;
#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family == AF_INET6)
		sk->sk_v6_daddr = in6addr_any;
#endif
	WRITE_ONCE(sk->sk_shutdown, 0);
	sock_reset_flag(sk, SOCK_DONE);
	sk_dst_reset(sk);
	{
		struct atcp_bind_bucket *tb = atcp_sk(sk)->bind_bucket;

		/* a SACK timer that is running ends before it is set up anew */
		hrtimer_cancel(&atcp_sk(sk)->comp_sack_timer);
		atcp_pacing_stop(sk, true);
		/* deferred small-queue work holds a reference */
		if (test_and_clear_bit(ATCP_DEFER_TSQ, &atcp_sk(sk)->deferred))
			__sock_put(sk);
		atcp_init_tcb(sk);
		atcp_sk(sk)->bind_bucket = tb;
	}
	sk_error_report(sk);
	return 0;
}

/* ---- close and shutdown ----------------------------------------------------------- */

static void atcp_close(struct sock *sk, long timeout)
{
	struct atcp_sock *as = atcp_sk(sk);
	bool unread, destroyed = false;
	int state;

	lock_sock(sk);
	WRITE_ONCE(sk->sk_shutdown, SHUTDOWN_MASK);

	if (sk->sk_state == TCP_LISTEN) {
		atcp_listen_end(sk);
		goto adjudge;
	}

	/* RFC 2525 2.17: closing with unread data resets the connection. */
	unread = atcp_bytes_unread(sk) > 0;
	__skb_queue_purge(&sk->sk_receive_queue);
	skb_queue_purge(&as->ooo_queue);

	if (sk->sk_state == TCP_CLOSE)
		goto adjudge;
	if (unread || (sock_flag(sk, SOCK_LINGER) && !sk->sk_lingertime)) {
		if (atcp_event(sk, ATCP_EV_ABORT))
			atcp_done(sk);
	} else {
		atcp_event(sk, ATCP_EV_CLOSE);
	}
	if (timeout && (1 << sk->sk_state) &
	    (TCPF_FIN_WAIT1 | TCPF_CLOSING | TCPF_LAST_ACK))
		sk_stream_wait_close(sk, timeout);

adjudge:
	state = sk->sk_state;
	sock_hold(sk);
	sock_orphan(sk);
	release_sock(sk);

	local_bh_disable();
	bh_lock_sock(sk);
	if (sk->sk_state == TCP_CLOSE) {
		atcp_destroy_sock(sk);
		destroyed = true;
	} else {
		struct atcp_net *an = atcp_net(sock_net(sk));

		atomic_inc(&an->orphans);
		as->counted_orphan = 1;
		if (atcp_check_oom(sk)) {
			/* Linux: tcp_check_oom(); the orphan is reset at once. */
			ATCP_INC_STATS(sock_net(sk), ATCP_MIB_ABORTONMEMORY);
			if (atcp_event(sk, ATCP_EV_ABORT))
				atcp_done(sk);
		} else {
			atcp_reset_keepalive(sk);
		}
	}
	bh_unlock_sock(sk);
	local_bh_enable();
	/* its port, if it was the last owner, free when close() returns */
	if (destroyed)
		atcp_holds_flush();
	sock_put(sk);
}

static void atcp_shutdown(struct sock *sk, int how)
{
	if (!(how & SEND_SHUTDOWN))
		return;
	if ((1 << sk->sk_state) &
	    (TCPF_ESTABLISHED | TCPF_SYN_RECV | TCPF_CLOSE_WAIT))
		atcp_event(sk, ATCP_EV_CLOSE);
}

/* ---- data ----------------------------------------------------------------------------- */

/*
 * A new empty skb at the tail of the write queue, for data from
 * write_seq on; NULL when the send buffer is full or memory is short.
 */
static struct sk_buff *atcp_write_queue_new(struct sock *sk)
{
	struct atcp_sock *as = atcp_sk(sk);
	struct sk_buff *skb;

	if (!sk_stream_memory_free(sk))
		return NULL;
	skb = alloc_skb_fclone(ATCP_MAX_HEADER, sk->sk_allocation);
	if (!skb)
		return NULL;
	/* the first skb of an empty queue goes in even beyond the limits */
	if (!sk_wmem_schedule(sk, skb->truesize) &&
	    !skb_queue_empty(&sk->sk_write_queue)) {
		__kfree_skb(skb);
		return NULL;
	}
	skb_reserve(skb, ATCP_MAX_HEADER);
	/*
	 * The checksum is the device's, or validate_xmit_skb()'s, when the
	 * segment leaves: copying the data in need not sum it as it would
	 * for CHECKSUM_NONE (skb_do_copy_data_nocache()).
	 */
	skb->ip_summed = CHECKSUM_PARTIAL;
	ATCP_SKB_CB(skb)->seq = as->write_seq;
	ATCP_SKB_CB(skb)->end_seq = as->write_seq;
	ATCP_SKB_CB(skb)->flags = TCPHDR_ACK;
	ATCP_SKB_CB(skb)->retrans = 0;
	__skb_queue_tail(&sk->sk_write_queue, skb);
	atcp_wmem_charge(sk, skb->truesize);
	if (!as->send_head)
		as->send_head = skb;
	atcp_cwnd_restart_after_idle(sk);
	return skb;
}

/*
 * The write queue's tail skb if more data may go into it: not yet sent,
 * below the size goal, and no SYN or FIN.  A full send buffer takes
 * nothing more, not even into an unsent tail that a window-limited
 * transmission split off: send() waits, or fails with EAGAIN.
 */
static struct sk_buff *atcp_write_queue_tail(struct sock *sk,
					     unsigned int size_goal)
{
	struct sk_buff *skb = skb_peek_tail(&sk->sk_write_queue);

	/* a byte timestamps are asked for stays the last of its skb */
	if (!skb || !atcp_sk(sk)->send_head || skb->len >= size_goal ||
	    (ATCP_SKB_CB(skb)->flags & (TCPHDR_SYN | TCPHDR_FIN)) ||
	    atcp_skb_tx_tstamped(skb))
		return atcp_write_queue_new(sk);
	if (!sk_stream_memory_free(sk))
		return NULL;
	return skb;
}

/*
 * Wait until the connection can carry data; -errno when it cannot, as
 * Linux's send() fails on a socket not connected or shut down.
 */
static int atcp_send_ready(struct sock *sk, long *timeo)
{
	int err;

	/* a Fast Open child sends before the handshake ends (RFC 7413) */
	if (!atcp_state_established(sk->sk_state) &&
	    !atcp_sk(sk)->tfo_child) {
		err = sk_stream_wait_connect(sk, timeo);
		if (err)
			return err;
	}
	sk_clear_bit(SOCKWQ_ASYNC_NOSPACE, sk);
	if (sk->sk_err || (sk->sk_shutdown & SEND_SHUTDOWN))
		return -EPIPE;
	return 0;
}

/*
 * @copy bytes at @offset in @page into @skb: a new fragment @i, or the
 * end of fragment @i - 1 when they continue it (@merge).
 */
static void atcp_skb_add_frag(struct sk_buff *skb, int i, bool merge,
			      struct page *page, int offset, int copy)
{
	if (merge) {
		skb_frag_size_add(&skb_shinfo(skb)->frags[i - 1], copy);
	} else {
		get_page(page);
		skb_fill_page_desc(skb, i, page, offset, copy);
	}
}

/*
 * SO_TIMESTAMPING's transmit timestamps (@tsflags, the socket's or a
 * send's own) for the last byte queued, as Linux's tcp_tx_timestamp():
 * when its segment is queued to the device (SCHED), when the device
 * sends it (SOFTWARE, HARDWARE), and when the peer acknowledges it
 * (ACK).  With SOF_TIMESTAMPING_OPT_ID each report names the byte,
 * counted from snd_una when the option was turned on: the kernel
 * resets sk_tskey to 0 then, and does the counting itself only for
 * IPPROTO_TCP sockets, so atcp keeps the origin in sk_tskey and puts
 * the count in the skb.  (Linux takes snd_una at setsockopt(); atcp at
 * the first send after it, the same but for data still in flight
 * then.)
 */
static void atcp_tx_timestamp(struct sock *sk, u32 tsflags)
{
	struct sk_buff *skb = skb_peek_tail(&sk->sk_write_queue);
	struct atcp_skb_cb *cb;
	int base;

	if (!(tsflags & SOF_TIMESTAMPING_TX_RECORD_MASK) || !skb)
		return;
	cb = ATCP_SKB_CB(skb);
	if (cb->end_seq == cb->seq ||
	    (cb->flags & (TCPHDR_SYN | TCPHDR_FIN)))
		return;
	sock_tx_timestamp(sk, tsflags, &skb_shinfo(skb)->tx_flags);
	cb->txstamp_ack = !!(tsflags & SOF_TIMESTAMPING_TX_ACK);
	cb->tskey = cb->end_seq - 1;
	base = atomic_read(&sk->sk_tskey);
	if (!base) {
		base = atcp_sk(sk)->snd_una;
		atomic_set(&sk->sk_tskey, base);
	}
	skb_shinfo(skb)->tskey = cb->tskey - (u32)base;
}

/*
 * send(MSG_OOB): the data queued so far ends with urgent data, and every
 * segment before its end carries the urgent pointer until the peer
 * acknowledges it all (Linux: tcp_mark_urg()).
 */
static void atcp_mark_urg(struct sock *sk, int flags)
{
	struct atcp_sock *as = atcp_sk(sk);

	if (unlikely(flags & MSG_OOB)) {
		as->snd_up = as->write_seq;
		as->urg_mode = 1;
	}
}

/*
 * PSH goes on the last byte a send call queued, unless MSG_MORE says
 * more follows, and in a long write on the byte that ends each half of
 * the largest window the peer offered (Linux: tcp_mark_push(),
 * forced_push()).  A receiver takes a segment without it for part of
 * more to come: some hold it from the reader until PSH or a full
 * buffer, and Linux's delayed ACK takes the size of a short one for
 * the sender's MSS.
 */
static bool atcp_forced_push(const struct atcp_sock *as)
{
	return atcp_seq_after(as->write_seq,
			      as->pushed_seq + (as->max_window >> 1));
}

/* PSH on the last byte queued, which is not sent yet. */
static void atcp_mark_push(struct sock *sk)
{
	struct atcp_sock *as = atcp_sk(sk);

	/* nothing unsent: the push that sent it marked it */
	if (!as->send_head)
		return;
	ATCP_SKB_CB(skb_peek_tail(&sk->sk_write_queue))->flags |= TCPHDR_PSH;
	as->pushed_seq = as->write_seq;
}

/* What may hold the end of a send back: MSG_MORE corks it. */
static enum atcp_nagle atcp_send_nagle(int flags)
{
	return (flags & MSG_MORE) ? ATCP_NAGLE_CORK : ATCP_NAGLE_SOCK;
}

/* The end of what a send call queued (Linux: tcp_push()'s marks). */
static void atcp_mark_end(struct sock *sk, int flags)
{
	if (!(flags & MSG_MORE) || atcp_forced_push(atcp_sk(sk)))
		atcp_mark_push(sk);
	atcp_mark_urg(sk, flags);
}

/*
 * @copy bytes of a send went into @skb, the queue's tail.  The @first a
 * call appends takes PSH away from an skb that had it: the mark moves on
 * to the new end (Linux does so once the data is in).  An skb a long
 * write filled may earn one (forced_push()).
 */
static void atcp_skb_took(struct sock *sk, struct sk_buff *skb, int copy,
			  bool first, unsigned int size_goal)
{
	struct atcp_sock *as = atcp_sk(sk);

	if (first)
		ATCP_SKB_CB(skb)->flags &= ~TCPHDR_PSH;
	ATCP_SKB_CB(skb)->end_seq += copy;
	as->write_seq += copy;
	if (skb->len >= size_goal && atcp_forced_push(as))
		atcp_mark_push(sk);
}

/*
 * A full send buffer: send what may go, then wait for room.  What the
 * call @copied so far ends with PSH, as it leaves before the rest.
 */
static int atcp_wait_for_space(struct sock *sk, long *timeo, size_t copied)
{
	set_bit(SOCK_NOSPACE, &sk->sk_socket->flags);
	if (copied)
		atcp_mark_push(sk);
	atcp_push(sk, ATCP_NAGLE_PUSH);
	return sk_stream_wait_memory(sk, timeo);
}

/* What a send call returns on @err: what it queued, if anything. */
static int atcp_send_error(struct sock *sk, size_t copied, int flags,
			   int err)
{
	if (copied) {
		atcp_mark_end(sk, flags);
		atcp_push(sk, atcp_send_nagle(flags));
		return copied;
	}
	return sk_stream_error(sk, flags, err);
}

/*
 * Copy up to @copy bytes of @msg into the socket's page fragment and
 * attach them to @skb: the bytes copied; 0 when @skb has no room for
 * another fragment; -ENOBUFS when no page is free; -EFAULT.
 */
static int atcp_skb_copy_in(struct sock *sk, struct sk_buff *skb,
			    struct msghdr *msg, int copy)
{
	struct page_frag *pfrag = sk_page_frag(sk);
	int i = skb_shinfo(skb)->nr_frags;
	bool merge;
	int err;

	if (!sk_page_frag_refill(sk, pfrag))
		return -ENOBUFS;
	merge = skb_can_coalesce(skb, i, pfrag->page, pfrag->offset);
	if (!merge && i >= MAX_SKB_FRAGS)
		return 0;
	copy = min_t(int, copy, pfrag->size - pfrag->offset);
	err = skb_copy_to_page_nocache(sk, &msg->msg_iter, skb, pfrag->page,
				       pfrag->offset, copy);
	if (err)
		return err;
	atcp_skb_add_frag(skb, i, merge, pfrag->page, pfrag->offset, copy);
	pfrag->offset += copy;
	return copy;
}

/*
 * MSG_ZEROCOPY: up to @copy bytes of @msg attached to @skb as the user's
 * own pages, pinned until every skb holding them is freed, when @uarg's
 * completion reaches the error queue.  The bytes taken; 0 when @skb has
 * no room for more fragments or already answers another completion;
 * -EFAULT.
 */
static int atcp_skb_zerocopy_in(struct sock *sk, struct sk_buff *skb,
				struct msghdr *msg, int copy,
				struct ubuf_info *uarg)
{
	int ret = skb_zerocopy_iter_stream(sk, skb, msg, copy, uarg);

	if (ret == -EMSGSIZE || ret == -EEXIST)
		return 0;
	return ret;
}

/*
 * The completion a MSG_ZEROCOPY send joins (Linux: tcp_sendmsg_locked()):
 * the one of the write queue's tail while its range of call numbers can
 * grow, else a new one; NULL for a plain send, and for MSG_ZEROCOPY
 * without ATCP_ZEROCOPY, which Linux ignores too without SO_ZEROCOPY.
 * *@zc tells whether the route takes the user's pages as they are: when
 * it does not, the data is copied and the completion says so.
 */
static int atcp_zerocopy_start(struct sock *sk, struct msghdr *msg,
			       size_t size, struct ubuf_info **uarg, bool *zc)
{
	struct sk_buff *tail;

	*uarg = NULL;
	*zc = false;
	if (!(msg->msg_flags & MSG_ZEROCOPY) || !size ||
	    !sock_flag(sk, SOCK_ZEROCOPY))
		return 0;
	tail = skb_peek_tail(&sk->sk_write_queue);
	*uarg = msg_zerocopy_realloc(sk, size, skb_zcopy(tail));
	if (!*uarg)
		return -ENOBUFS;
	*zc = sk->sk_route_caps & NETIF_F_SG;
	if (!*zc)
		uarg_to_msgzc(*uarg)->zerocopy = 0;
	return 0;
}

/*
 * sendto(MSG_FASTOPEN), or the first write after a connect() that
 * TCP_FASTOPEN_CONNECT deferred (Linux: tcp_sendmsg_fastopen()): connect,
 * the SYN carrying as much of @msg as it may; *@copied says how much.
 * Then, blocking, wait for the handshake as connect() does.
 */
static int atcp_sendmsg_fastopen(struct sock *sk, struct msghdr *msg,
				 size_t *copied, size_t size)
{
	const struct sockaddr *uaddr = msg->msg_name;
	struct atcp_sock *as = atcp_sk(sk);
	struct inet_sock *inet = inet_sk(sk);
	int err;

	if (!(READ_ONCE(atcp_net(sock_net(sk))->sysctl.fastopen) &
	      ATCP_TFO_CLIENT_ENABLE) ||
	    (uaddr && msg->msg_namelen >= sizeof(uaddr->sa_family) &&
	     uaddr->sa_family == AF_UNSPEC))
		return -EOPNOTSUPP;
	if (as->tfo)
		return -EALREADY;	/* another Fast Open is under way */
	as->tfo = kzalloc(sizeof(*as->tfo), sk->sk_allocation);
	if (!as->tfo)
		return -ENOBUFS;
	as->tfo->data = msg;
	as->tfo->size = size;
	if (inet->defer_connect) {
		err = atcp_send_syn(sk);
		if (err) {
			atcp_connect_failed(sk);
			goto out;
		}
	}
	err = __inet_stream_connect(sk->sk_socket, msg->msg_name,
				    msg->msg_namelen,
				    msg->msg_flags & MSG_DONTWAIT ? O_NONBLOCK : 0,
				    1);
out:
	/* gone if, while we waited, a disconnect() came from elsewhere */
	if (as->tfo) {
		*copied = as->tfo->copied;
		atcp_fastopen_done(sk);
	}
	inet->defer_connect = 0;
	return err;
}

static int atcp_sendmsg_locked(struct sock *sk, struct msghdr *msg,
			       size_t size)
{
	int flags = msg->msg_flags;
	struct sockcm_cookie sockc;
	struct ubuf_info *uarg;
	unsigned int size_goal;
	size_t copied = 0;
	long timeo;
	bool zc;
	int err;

	/* SOL_SOCKET control messages: SO_TIMESTAMPING for this send */
	sockcm_init(&sockc, sk);
	if (msg->msg_controllen && sock_cmsg_send(sk, msg, &sockc))
		return -EINVAL;
	if (unlikely((flags & MSG_FASTOPEN) || inet_sk(sk)->defer_connect)) {
		err = atcp_sendmsg_fastopen(sk, msg, &copied, size);
		/* non-blocking: what the SYN took, or EINPROGRESS */
		if (err == -EINPROGRESS && copied)
			return copied;
		if (err)
			return sk_stream_error(sk, flags, err);
	}
	timeo = sock_sndtimeo(sk, flags & MSG_DONTWAIT);
	err = atcp_send_ready(sk, &timeo);
	if (!err)
		err = atcp_zerocopy_start(sk, msg, size, &uarg, &zc);
	if (err)
		return sk_stream_error(sk, flags, err);
	size_goal = atcp_size_goal(sk);

	while (msg_data_left(msg)) {
		struct sk_buff *skb;
		int copy;

		skb = atcp_write_queue_tail(sk, size_goal);
		if (!skb)
			goto wait_for_space;
		copy = min_t(size_t, size_goal - skb->len, msg_data_left(msg));
		copy = atcp_wmem_schedule(sk, copy);
		if (!copy)
			goto wait_for_space;
		if (zc)
			copy = atcp_skb_zerocopy_in(sk, skb, msg, copy, uarg);
		else
			copy = atcp_skb_copy_in(sk, skb, msg, copy);
		if (copy == -ENOBUFS)
			goto wait_for_space;
		if (copy < 0) {
			err = copy;
			goto do_error;
		}
		if (!copy) {
			/* @skb takes no more: go on in a new one */
			if (!atcp_write_queue_new(sk))
				goto wait_for_space;
			continue;
		}
		atcp_skb_took(sk, skb, copy, !copied, size_goal);
		copied += copy;
		continue;

wait_for_space:
		err = atcp_wait_for_space(sk, &timeo, copied);
		if (err)
			goto do_error;
		size_goal = atcp_size_goal(sk);
	}
	if (copied) {
		atcp_mark_end(sk, flags);
		atcp_tx_timestamp(sk, sockc.tsflags);
	}
	/* urgent data is not held back for more */
	if ((flags & MSG_OOB) || !atcp_autocork(sk, size_goal))
		atcp_push(sk, atcp_send_nagle(flags));
	net_zcopy_put(uarg);
	return copied;

do_error:
	/* a call that queued nothing gives its completion number back */
	if (copied) {
		atcp_tx_timestamp(sk, sockc.tsflags);
		net_zcopy_put(uarg);
	} else {
		net_zcopy_put_abort(uarg, true);
	}
	return atcp_send_error(sk, copied, flags, err);
}

static int atcp_sendmsg(struct sock *sk, struct msghdr *msg, size_t size)
{
	int ret;

	lock_sock(sk);
	ret = atcp_sendmsg_locked(sk, msg, size);
	release_sock(sk);
	return ret;
}

/*
 * sendfile() and splice() to the socket: the page itself goes into the
 * skb as a fragment, referenced instead of copied (Linux: do_tcp_sendpages).
 * As with Linux TCP, the data is read from the page when it is sent, and
 * again for every retransmission: a file rewritten before that goes out
 * rewritten.
 */
static int atcp_sendpage_locked(struct sock *sk, struct page *page,
				int offset, size_t size, int flags)
{
	unsigned int size_goal;
	size_t copied = 0;
	long timeo;
	int err;

	timeo = sock_sndtimeo(sk, flags & MSG_DONTWAIT);
	err = atcp_send_ready(sk, &timeo);
	if (err)
		goto do_error;
	size_goal = atcp_size_goal(sk);

	while (size) {
		struct sk_buff *skb;
		bool merge;
		int copy, i;

		skb = atcp_write_queue_tail(sk, size_goal);
		if (!skb)
			goto wait_for_space;
		copy = min_t(size_t, size_goal - skb->len, size);
		i = skb_shinfo(skb)->nr_frags;
		merge = skb_can_coalesce(skb, i, page, offset);
		if (!merge && i >= MAX_SKB_FRAGS) {
			if (!atcp_write_queue_new(sk))
				goto wait_for_space;
			continue;
		}
		copy = atcp_wmem_schedule(sk, copy);
		if (!copy)
			goto wait_for_space;
		atcp_skb_add_frag(skb, i, merge, page, offset, copy);
		/* the page may change under the skb: never checksum in place */
		if (!(flags & MSG_NO_SHARED_FRAGS))
			skb_shinfo(skb)->flags |= SKBFL_SHARED_FRAG;
		skb->len += copy;
		skb->data_len += copy;
		skb->truesize += copy;
		atcp_wmem_charge(sk, copy);
		atcp_skb_took(sk, skb, copy, !copied, size_goal);
		copied += copy;
		offset += copy;
		size -= copy;
		continue;

wait_for_space:
		err = atcp_wait_for_space(sk, &timeo, copied);
		if (err)
			goto do_error;
		size_goal = atcp_size_goal(sk);
	}
	/* splice() says MSG_SENDPAGE_NOTLAST while more pages follow */
	if (!(flags & MSG_SENDPAGE_NOTLAST)) {
		if (copied) {
			atcp_mark_end(sk, flags);
			atcp_tx_timestamp(sk, READ_ONCE(sk->sk_tsflags));
		}
		atcp_push(sk, atcp_send_nagle(flags));
	}
	return copied;

do_error:
	return atcp_send_error(sk, copied, flags, err);
}

static int atcp_sendpage(struct sock *sk, struct page *page, int offset,
			 size_t size, int flags)
{
	int ret;

	lock_sock(sk);
	ret = atcp_sendpage_locked(sk, page, offset, size, flags);
	release_sock(sk);
	return ret;
}

/* the most a segment may be taken to cost when sizing the buffer for it */
#define ATCP_DRS_RCVMEM_MAX	(128 * 1024)

/*
 * Receive buffer auto-tuning, Linux's dynamic right-sizing
 * (tcp_rcv_space_adjust()): once per receiver RTT (atcp_rcv_rtt_measure()),
 * when the reader took more than in the RTT before, size the buffer for
 * the segments that rate needs (atcp_drs_rcvbuf()), up to rmem[2], and
 * let the window clamp follow.  A reader that falls behind does not grow
 * it.  SO_RCVBUF, or moderate_rcvbuf 0, turns this off.
 */
static void atcp_rcv_space_adjust(struct sock *sk)
{
	struct atcp_sock *as = atcp_sk(sk);
	const struct atcp_sysctl *sys = &atcp_net(sock_net(sk))->sysctl;
	u32 now = atcp_clock_us(), copied, rcvmem, rcvbuf;

	if (!as->rcv_rtt8_us || now - as->rcvq_time < as->rcv_rtt8_us >> 3)
		return;
	copied = as->copied_seq - as->rcvq_seq;
	if (copied <= as->rcvq_space)
		goto new_measure;
	if (READ_ONCE(sys->moderate_rcvbuf) &&
	    !(sk->sk_userlocks & SOCK_RCVBUF_LOCK)) {
		/*
		 * What a full segment costs, at least enough to offer its
		 * MSS of window under adv_win_scale (bounded: a scale of
		 * -31 would ask gigabytes of one segment).
		 */
		rcvmem = SKB_TRUESIZE(as->advmss + MAX_TCP_HEADER);
		while (atcp_win_from_space(sk, rcvmem) < as->advmss &&
		       rcvmem < ATCP_DRS_RCVMEM_MAX)
			rcvmem += 128;
		rcvbuf = min_t(u32, atcp_drs_rcvbuf(copied, as->rcvq_space,
						    as->advmss, rcvmem),
			       READ_ONCE(sys->rmem[2]));
		if (rcvbuf > READ_ONCE(sk->sk_rcvbuf)) {
			WRITE_ONCE(sk->sk_rcvbuf, rcvbuf);
			/* the clamp follows, as in Linux, unless the user set it */
			if (!as->opts.window_clamp)
				as->window_clamp =
					min(atcp_win_from_space(sk, rcvbuf),
					    65535U << as->rcv_wscale);
		}
	}
	as->rcvq_space = copied;
new_measure:
	as->rcvq_seq = as->copied_seq;
	as->rcvq_time = now;
}

/*
 * recv(MSG_OOB): the urgent byte, once, and never blocking.  EINVAL when
 * there is none to take, or it stays in the stream (SO_OOBINLINE); EAGAIN
 * while only its pointer has arrived (Linux: tcp_recv_urg()).
 */
static int atcp_recv_urg(struct sock *sk, struct msghdr *msg, size_t len,
			 int flags)
{
	struct atcp_sock *as = atcp_sk(sk);
	char byte;

	if (sock_flag(sk, SOCK_URGINLINE) || !as->urg_data ||
	    as->urg_data == ATCP_URG_READ)
		return -EINVAL;
	if (sk->sk_state == TCP_CLOSE && !sock_flag(sk, SOCK_DONE))
		return -ENOTCONN;
	if (as->urg_data & ATCP_URG_VALID) {
		byte = as->urg_data;
		if (!(flags & MSG_PEEK))
			WRITE_ONCE(as->urg_data, ATCP_URG_READ);
		msg->msg_flags |= MSG_OOB;
		if (!len) {
			msg->msg_flags |= MSG_TRUNC;
			return 0;
		}
		if (!(flags & MSG_TRUNC) && memcpy_to_msg(msg, &byte, 1))
			return -EFAULT;
		return 1;
	}
	if (sk->sk_state == TCP_CLOSE || (sk->sk_shutdown & RCV_SHUTDOWN))
		return 0;
	return -EAGAIN;
}

/*
 * How much is left to read after a read, 1 at end of stream so that the
 * reader reads on to see it (Linux: tcp_inq_hint()): for TCP_INQ, a
 * TCP_CM_INQ message, and for io_uring, msg_inq.  A hint: the backlog
 * may add to it already.
 */
static void atcp_put_inq(struct sock *sk, struct msghdr *msg)
{
	const struct atcp_sock *as = atcp_sk(sk);
	int inq = READ_ONCE(as->rcv_nxt) - READ_ONCE(as->copied_seq);

	if (inq < 0)
		inq = 0;
	if (!inq && sock_flag(sk, SOCK_DONE))
		inq = 1;
	msg->msg_inq = inq;
	if (as->opts.recvmsg_inq)
		put_cmsg(msg, SOL_TCP, TCP_CM_INQ, sizeof(inq), &inq);
}

/* SO_TIMESTAMP or SO_TIMESTAMPNS: @ts in the layout the socket asked for. */
static void atcp_put_rcvtstamp(struct msghdr *msg, const struct sock *sk,
			       const struct timespec64 *ts, bool new_tstamp)
{
	if (sock_flag(sk, SOCK_RCVTSTAMPNS)) {
		if (new_tstamp) {
			struct __kernel_timespec kts = {
				.tv_sec = ts->tv_sec,
				.tv_nsec = ts->tv_nsec,
			};

			put_cmsg(msg, SOL_SOCKET, SO_TIMESTAMPNS_NEW,
				 sizeof(kts), &kts);
		} else {
			struct __kernel_old_timespec old = {
				.tv_sec = ts->tv_sec,
				.tv_nsec = ts->tv_nsec,
			};

			put_cmsg(msg, SOL_SOCKET, SO_TIMESTAMPNS_OLD,
				 sizeof(old), &old);
		}
	} else if (new_tstamp) {
		struct __kernel_sock_timeval stv = {
			.tv_sec = ts->tv_sec,
			.tv_usec = ts->tv_nsec / NSEC_PER_USEC,
		};

		put_cmsg(msg, SOL_SOCKET, SO_TIMESTAMP_NEW, sizeof(stv), &stv);
	} else {
		struct __kernel_old_timeval tv = {
			.tv_sec = ts->tv_sec,
			.tv_usec = ts->tv_nsec / NSEC_PER_USEC,
		};

		put_cmsg(msg, SOL_SOCKET, SO_TIMESTAMP_OLD, sizeof(tv), &tv);
	}
}

/*
 * SO_TIMESTAMP, SO_TIMESTAMPNS and SO_TIMESTAMPING's receive times: those
 * of the last skb a read took data from, as Linux's tcp_recv_timestamp()
 * gives them.
 */
static void atcp_recv_timestamp(struct msghdr *msg, const struct sock *sk,
				struct scm_timestamping_internal *tss)
{
	bool new_tstamp = sock_flag(sk, SOCK_TSTAMP_NEW);
	u32 tsflags = READ_ONCE(sk->sk_tsflags);
	bool timestamping = false;

	if (tss->ts[0].tv_sec || tss->ts[0].tv_nsec) {
		if (sock_flag(sk, SOCK_RCVTSTAMP))
			atcp_put_rcvtstamp(msg, sk, &tss->ts[0], new_tstamp);
		if (tsflags & SOF_TIMESTAMPING_SOFTWARE)
			timestamping = true;
		else
			tss->ts[0] = (struct timespec64){ 0 };
	}
	if (tss->ts[2].tv_sec || tss->ts[2].tv_nsec) {
		if (tsflags & SOF_TIMESTAMPING_RAW_HARDWARE)
			timestamping = true;
		else
			tss->ts[2] = (struct timespec64){ 0 };
	}
	if (timestamping) {
		tss->ts[1] = (struct timespec64){ 0 };
		if (new_tstamp)
			put_cmsg_scm_timestamping64(msg, tss);
		else
			put_cmsg_scm_timestamping(msg, tss);
	}
}

static int atcp_recvmsg(struct sock *sk, struct msghdr *msg, size_t len,
			int flags, int *addr_len)
{
	struct atcp_sock *as = atcp_sk(sk);
	struct scm_timestamping_internal tss;
	bool has_tstamp = false;
	u32 peek_seq, *seq;
	size_t copied = 0;
	int target, err;
	long timeo;

	if (unlikely(flags & MSG_ERRQUEUE))
		return inet_recv_error(sk, msg, len, addr_len);

	lock_sock(sk);
	if (unlikely(flags & MSG_OOB)) {
		err = atcp_recv_urg(sk, msg, len, flags);
		goto out;
	}
	err = -ENOTCONN;
	if (sk->sk_state == TCP_LISTEN)
		goto out;
	timeo = sock_rcvtimeo(sk, flags & MSG_DONTWAIT);
	seq = &as->copied_seq;
	if (flags & MSG_PEEK) {
		peek_seq = as->copied_seq;
		seq = &peek_seq;
	}
	target = sock_rcvlowat(sk, flags & MSG_WAITALL, len);

	do {
		struct sk_buff *skb, *last;
		u32 offset = 0;
		size_t used;

		/*
		 * A read ends at the urgent mark, and one that starts there
		 * lets a pending SIGURG's handler run first, as in Linux.
		 */
		if (unlikely(as->urg_data) && as->urg_seq == *seq) {
			if (copied)
				break;
			if (signal_pending(current)) {
				err = timeo ? sock_intr_errno(timeo) : -EAGAIN;
				goto out;
			}
		}

		last = skb_peek_tail(&sk->sk_receive_queue);
		skb_queue_walk(&sk->sk_receive_queue, skb) {
			offset = *seq - ATCP_SKB_CB(skb)->seq;
			if (offset < skb->len)
				goto found;
		}

		if (copied >= target && !READ_ONCE(sk->sk_backlog.tail))
			break;
		if (copied) {
			if (sk->sk_err || sk->sk_state == TCP_CLOSE ||
			    (sk->sk_shutdown & RCV_SHUTDOWN) || !timeo ||
			    signal_pending(current))
				break;
		} else {
			if (sock_flag(sk, SOCK_DONE))
				break;
			if (sk->sk_err) {
				err = sock_error(sk);
				goto out;
			}
			if (sk->sk_shutdown & RCV_SHUTDOWN)
				break;
			if (sk->sk_state == TCP_CLOSE) {
				err = -ENOTCONN;
				goto out;
			}
			if (!timeo) {
				err = -EAGAIN;
				goto out;
			}
			if (signal_pending(current)) {
				err = sock_intr_errno(timeo);
				goto out;
			}
		}
		if (copied >= target) {
			release_sock(sk);
			lock_sock(sk);
		} else {
			sk_wait_data(sk, &timeo, last);
		}
		continue;

found:
		used = min_t(size_t, skb->len - offset, len - copied);
		if (unlikely(as->urg_data)) {
			u32 urg_offset = as->urg_seq - *seq;

			if (urg_offset >= used) {
				/* not in this piece */
			} else if (urg_offset) {
				used = urg_offset;	/* up to the mark */
			} else if (!sock_flag(sk, SOCK_URGINLINE)) {
				/* the urgent byte is not part of the stream */
				(*seq)++;
				offset++;
				used--;
			}
		}
		if (used && !(flags & MSG_TRUNC)) {
			err = skb_copy_datagram_msg(skb, offset, msg, used);
			if (err) {
				if (!copied)
					copied = -EFAULT;
				break;
			}
		}
		*seq += used;
		copied += used;
		/* past the urgent byte: it is gone, taken or not */
		if (unlikely(as->urg_data) &&
		    atcp_seq_after(as->copied_seq, as->urg_seq))
			WRITE_ONCE(as->urg_data, 0);
		if (skb->tstamp || skb_hwtstamps(skb)->hwtstamp) {
			tss.ts[0] = ktime_to_timespec64(skb->tstamp);
			tss.ts[2] = ktime_to_timespec64(skb_hwtstamps(skb)->hwtstamp);
			has_tstamp = true;
		}
		/* the buffer is full, or the mark stopped the copy */
		if (offset + used < skb->len)
			continue;
		if (!(flags & MSG_PEEK)) {
			__skb_unlink(skb, &sk->sk_receive_queue);
			consume_skb(skb);
		}
	} while (copied < len);
	if (!(flags & MSG_PEEK)) {
		atcp_rcv_space_adjust(sk);
		atcp_maybe_send_window_update(sk);
	}
	err = copied;
out:
	release_sock(sk);
	if (err >= 0 && has_tstamp)
		atcp_recv_timestamp(msg, sk, &tss);
	if (err >= 0 && (as->opts.recvmsg_inq || msg->msg_get_inq))
		atcp_put_inq(sk, msg);
	return err;
}

static bool atcp_readable(const struct sock *sk)
{
	const struct atcp_sock *as = atcp_sk(sk);
	int avail = atcp_bytes_unread(sk);
	int target = sock_rcvlowat(sk, 0, INT_MAX);

	/* an urgent byte at the mark is no data to read (Linux: tcp_poll()) */
	if (unlikely(READ_ONCE(as->urg_data)) &&
	    READ_ONCE(as->urg_seq) == READ_ONCE(as->copied_seq) &&
	    !sock_flag(sk, SOCK_URGINLINE))
		target++;
	return avail > 0 && avail >= target;
}

static __poll_t atcp_poll(struct file *file, struct socket *sock,
			  poll_table *wait)
{
	struct sock *sk = sock->sk;
	__poll_t mask = 0;
	u8 shutdown;
	int state;

	sock_poll_wait(file, sock, wait);
	state = inet_sk_state_load(sk);
	if (state == TCP_LISTEN)
		return list_empty_careful(&atcp_sk(sk)->accept_queue) ?
		       0 : EPOLLIN | EPOLLRDNORM;

	shutdown = READ_ONCE(sk->sk_shutdown);
	if (shutdown == SHUTDOWN_MASK || state == TCP_CLOSE)
		mask |= EPOLLHUP;
	if (shutdown & RCV_SHUTDOWN)
		mask |= EPOLLIN | EPOLLRDNORM | EPOLLRDHUP;

	/*
	 * A deferred Fast Open connect() is writable: the write sends the
	 * SYN, with data.
	 */
	if (state == TCP_SYN_SENT && inet_sk(sk)->defer_connect)
		mask |= EPOLLOUT | EPOLLWRNORM;
	if (state != TCP_SYN_SENT &&
	    (state != TCP_SYN_RECV || atcp_sk(sk)->tfo_child)) {
		if (atcp_readable(sk))
			mask |= EPOLLIN | EPOLLRDNORM;
		if (!(shutdown & SEND_SHUTDOWN)) {
			if (sk_stream_is_writeable(sk)) {
				mask |= EPOLLOUT | EPOLLWRNORM;
			} else {
				sk_set_bit(SOCKWQ_ASYNC_NOSPACE, sk);
				set_bit(SOCK_NOSPACE, &sk->sk_socket->flags);
				/* NOSPACE before the re-check, as tcp_poll(). */
				smp_mb__after_atomic();
				if (sk_stream_is_writeable(sk))
					mask |= EPOLLOUT | EPOLLWRNORM;
			}
		} else {
			mask |= EPOLLOUT | EPOLLWRNORM;
		}
	}
	/* sk_err is set before the wake-up that brought us here. */
	smp_rmb();
	if (READ_ONCE(sk->sk_err) ||
	    !skb_queue_empty_lockless(&sk->sk_error_queue))
		mask |= EPOLLERR;
	if (READ_ONCE(atcp_sk(sk)->urg_data) & ATCP_URG_VALID)
		mask |= EPOLLPRI;
	return mask;
}

static int atcp_ioctl(struct sock *sk, int cmd, unsigned long arg)
{
	struct atcp_sock *as = atcp_sk(sk);
	int answ;

	switch (cmd) {
	case SIOCINQ:
		if (sk->sk_state == TCP_LISTEN)
			return -EINVAL;
		lock_sock(sk);
		answ = atcp_inq(sk);
		release_sock(sk);
		break;
	case SIOCOUTQ:
		if (sk->sk_state == TCP_LISTEN)
			return -EINVAL;
		answ = READ_ONCE(as->write_seq) - READ_ONCE(as->snd_una);
		break;
	case SIOCOUTQNSD:
		if (sk->sk_state == TCP_LISTEN)
			return -EINVAL;
		answ = atcp_notsent_bytes(as);
		break;
	case SIOCATMARK:
		/* sockatmark(): the next byte to read is the urgent one */
		answ = READ_ONCE(as->urg_data) &&
		       READ_ONCE(as->urg_seq) == READ_ONCE(as->copied_seq);
		break;
	default:
		return -ENOIOCTLCMD;
	}
	return put_user(answ, (int __user *)arg);
}

/* ---- socket options ---------------------------------------------------------------------- */

/*
 * TCP_DEFER_ACCEPT's seconds as the number of SYN-ACK timeouts that cover
 * them, the first after @timeout seconds, each next twice as long up to
 * @rto_max; and back (Linux: secs_to_retrans(), retrans_to_secs()).
 */
static u8 atcp_secs_to_retrans(int seconds, int timeout, int rto_max)
{
	int period = timeout;
	u8 res = 1;

	if (seconds <= 0)
		return 0;
	while (seconds > period && res < 255) {
		res++;
		timeout = min(timeout << 1, rto_max);
		period += timeout;
	}
	return res;
}

static int atcp_retrans_to_secs(u8 retrans, int timeout, int rto_max)
{
	int period;

	if (!retrans)
		return 0;
	period = timeout;
	while (--retrans) {
		timeout = min(timeout << 1, rto_max);
		period += timeout;
	}
	return period;
}

static bool atcp_sol(int level)
{
	return level == SOL_TCP || level == atcp_protocol;
}

/* TCP_CONGESTION: a name, not NUL-terminated necessarily, as for Linux. */
static int atcp_set_congestion(struct sock *sk, sockptr_t optval,
			       unsigned int optlen)
{
	char name[ATCP_CA_NAME_MAX];
	long len;
	int ca;

	if (optlen < 1)
		return -EINVAL;
	len = strncpy_from_sockptr(name, optval,
				   min_t(long, ATCP_CA_NAME_MAX - 1, optlen));
	if (len < 0)
		return -EFAULT;
	name[len] = '\0';
	ca = atcp_ca_find(name);
	if (ca < 0)
		return ca;
	if (!(READ_ONCE(atcp_net(sock_net(sk))->sysctl.allowed_ca) & BIT(ca)) &&
	    !ns_capable(sock_net(sk)->user_ns, CAP_NET_ADMIN))
		return -EPERM;
	lock_sock(sk);
	atcp_cong_set(sk, ca);
	release_sock(sk);
	return 0;
}

/*
 * TCP_ULP: atcp has no upper-layer protocols (available_ulp is empty), so
 * every name is one Linux would not find either: ENOENT.  Applications
 * that try kTLS (OpenSSL, for one) go on without it.
 */
static int atcp_set_ulp(sockptr_t optval, unsigned int optlen)
{
	char name[TCP_ULP_NAME_MAX];

	if (optlen < 1)
		return -EINVAL;
	if (strncpy_from_sockptr(name, optval,
				 min_t(long, TCP_ULP_NAME_MAX - 1, optlen)) < 0)
		return -EFAULT;
	return -ENOENT;
}

/*
 * Multicast group membership, which Linux refuses on its connection
 * sockets (EPROTO, for an inet_connection_sock); ip_setsockopt() and
 * ipv6_setsockopt() cannot tell that an atcp socket is one.
 */
static bool atcp_mcast_opt(int level, int optname, unsigned int optlen)
{
	if (level == SOL_IP)
		return optname == IP_ADD_MEMBERSHIP ||
		       optname == IP_DROP_MEMBERSHIP;
	/* IPv6 checks the length first */
	return level == SOL_IPV6 && optlen >= sizeof(struct ipv6_mreq) &&
	       (optname == IPV6_ADD_MEMBERSHIP ||
		optname == IPV6_DROP_MEMBERSHIP);
}

#if IS_ENABLED(CONFIG_IPV6)
/* Options that set the extension headers a socket sends. */
static bool atcp_v6_txopt(int level, int optname)
{
	return level == SOL_IPV6 &&
	       (optname == IPV6_HOPOPTS || optname == IPV6_RTHDRDSTOPTS ||
		optname == IPV6_RTHDR || optname == IPV6_DSTOPTS ||
		optname == IPV6_2292PKTOPTIONS);
}
#endif

/* IP_OPTIONS, also on an IPv6 socket (for its v4-mapped peers). */
static bool atcp_v4_txopt(int level, int optname)
{
	return level == SOL_IP && optname == IP_OPTIONS;
}

/*
 * TCP_FASTOPEN_KEY: a listener's own key, 16 bytes, or 32 with a backup
 * key after it (Linux: do_tcp_setsockopt()).
 */
static int atcp_set_fastopen_key(struct sock *sk, sockptr_t optval,
				 unsigned int optlen)
{
	u8 keys[ATCP_TFO_KEYS_MAX * ATCP_TFO_KEY_LEN];
	int err;

	if (optlen != ATCP_TFO_KEY_LEN && optlen != sizeof(keys))
		return -EINVAL;
	if (copy_from_sockptr(keys, optval, optlen))
		return -EFAULT;
	err = atcp_fastopen_set_keys(atcp_net(sock_net(sk)), sk, keys,
				     optlen / ATCP_TFO_KEY_LEN);
	memzero_explicit(keys, sizeof(keys));
	return err;
}

static int atcp_setsockopt(struct sock *sk, int level, int optname,
			   sockptr_t optval, unsigned int optlen)
{
	struct atcp_sock *as = atcp_sk(sk);
	int val, err = 0;

	if (!atcp_sol(level)) {
		if (atcp_mcast_opt(level, optname, optlen))
			return -EPROTO;
#if IS_ENABLED(CONFIG_IPV6)
		if (sk->sk_family == AF_INET6) {
			if (level == SOL_IPV6 && optname == IPV6_ADDRFORM)
				return atcp_v6_addrform(sk, optval, optlen);
			err = ipv6_setsockopt(sk, level, optname, optval,
					      optlen);
			if (!err && (atcp_v6_txopt(level, optname) ||
				     atcp_v4_txopt(level, optname)))
				atcp_opts_changed(sk);
			return err;
		}
#endif
		err = ip_setsockopt(sk, level, optname, optval, optlen);
		if (!err && atcp_v4_txopt(level, optname))
			atcp_opts_changed(sk);
		return err;
	}
	if (optname == TCP_CONGESTION)
		return atcp_set_congestion(sk, optval, optlen);
	if (optname == TCP_FASTOPEN_KEY)
		return atcp_set_fastopen_key(sk, optval, optlen);
	if (optname == TCP_ULP)
		return atcp_set_ulp(optval, optlen);
	if (optlen < sizeof(int))
		return -EINVAL;
	if (copy_from_sockptr(&val, optval, sizeof(val)))
		return -EFAULT;

	lock_sock(sk);
	switch (optname) {
	case TCP_NODELAY:
		as->opts.nodelay = !!val;
		if (val)
			atcp_push(sk, ATCP_NAGLE_PUSH);
		break;
	case TCP_MAXSEG:
		if (val && (val < TCP_MIN_MSS || val > MAX_TCP_WINDOW)) {
			err = -EINVAL;
			break;
		}
		as->opts.user_mss = val;
		break;
	case TCP_KEEPIDLE:
		if (val < 1 || val > MAX_TCP_KEEPIDLE) {
			err = -EINVAL;
			break;
		}
		as->opts.keepalive_time = val;
		/* the idle time already passed counts, as in Linux */
		if (sock_flag(sk, SOCK_KEEPOPEN))
			atcp_reset_keepalive(sk);
		break;
	case TCP_KEEPINTVL:
		if (val < 1 || val > MAX_TCP_KEEPINTVL)
			err = -EINVAL;
		else
			as->opts.keepalive_intvl = val;
		break;
	case TCP_KEEPCNT:
		if (val < 1 || val > MAX_TCP_KEEPCNT)
			err = -EINVAL;
		else
			as->opts.keepalive_probes = val;
		break;
	case TCP_SYNCNT:
		if (val < 1 || val > MAX_TCP_SYNCNT)
			err = -EINVAL;
		else
			as->opts.syn_retries = val;
		break;
	case TCP_USER_TIMEOUT:
		if (val < 0)
			err = -EINVAL;
		else
			as->opts.user_timeout = val;
		break;
	case TCP_QUICKACK:
		/*
		 * 1: the next few segments are acknowledged at once; 0: the
		 * next one waits for the delayed-ACK timer, as Linux's
		 * ping-pong mode does.  Neither sticks.
		 */
		as->quickack = val & 1 ? 8 : 0;
		break;
	case TCP_DEFER_ACCEPT:
		/* seconds, kept as the SYN-ACK timeouts that cover them */
		WRITE_ONCE(as->opts.defer_accept,
			   atcp_secs_to_retrans(val, ATCP_TIMEOUT_INIT / HZ,
						ATCP_RTO_MAX_US / USEC_PER_SEC));
		break;
	case TCP_INQ:
		if (val < 0 || val > 1)
			err = -EINVAL;
		else
			as->opts.recvmsg_inq = val;
		break;
	case TCP_CORK:
		as->opts.cork = !!val;
		/* what the cork held, under Nagle unless TCP_NODELAY */
		if (!val)
			atcp_push(sk, as->opts.nodelay ? ATCP_NAGLE_PUSH :
							 ATCP_NAGLE_SOCK);
		break;
	case TCP_NOTSENT_LOWAT:
		WRITE_ONCE(as->opts.notsent_lowat, val);
		sk->sk_write_space(sk);	/* a higher mark may free writers */
		break;
	case TCP_THIN_LINEAR_TIMEOUTS:
		if (val < 0 || val > 1)
			err = -EINVAL;
		else
			as->opts.thin_lto = val;
		break;
	case TCP_THIN_DUPACK:
		/* without effect since Linux 4.x; still checked */
		if (val < 0 || val > 1)
			err = -EINVAL;
		break;
	case TCP_WINDOW_CLAMP:
		/* as Linux: 0 (no clamp) only before a connection */
		if (!val && sk->sk_state != TCP_CLOSE)
			err = -EINVAL;
		else if (!val)
			atcp_set_window_clamp(sk, 0);
		else
			/*
			 * Linux compares as unsigned (SOCK_MIN_RCVBUF is a
			 * size_t): a negative value is a clamp above 2 GB
			 */
			atcp_set_window_clamp(sk, max_t(u32, val,
							SOCK_MIN_RCVBUF / 2));
		break;
	case TCP_LINGER2:
		/* as Linux: negative aborts, larger than 120 s is 120 s */
		if (val < 0)
			as->opts.linger2 = -1;
		else if (val > ATCP_FIN_TIMEOUT_MAX / HZ)
			as->opts.linger2 = ATCP_FIN_TIMEOUT_MAX;
		else
			as->opts.linger2 = val * HZ;
		break;
	case ATCP_ZEROCOPY:
		/* what sock_setsockopt() does for SO_ZEROCOPY on TCP */
		if (val < 0 || val > 1)
			err = -EINVAL;
		else
			sock_valbool_flag(sk, SOCK_ZEROCOPY, val);
		break;
	case TCP_FASTOPEN:
		/* a listener's queue, before or after listen(), as Linux */
		if (val < 0 ||
		    !((1 << sk->sk_state) & (TCPF_CLOSE | TCPF_LISTEN))) {
			err = -EINVAL;
			break;
		}
		atcp_fastopen_init_key_once(sock_net(sk));
		atcp_fastopen_set_qlen(sk, val);
		break;
	case TCP_FASTOPEN_CONNECT:
		if (val < 0 || val > 1)
			err = -EINVAL;
		else if (!(READ_ONCE(atcp_net(sock_net(sk))->sysctl.fastopen) &
			   ATCP_TFO_CLIENT_ENABLE))
			err = -EOPNOTSUPP;
		else if (sk->sk_state != TCP_CLOSE)
			err = -EINVAL;
		else
			as->opts.fastopen_connect = val;
		break;
	case TCP_FASTOPEN_NO_COOKIE:
		if (val < 0 || val > 1 ||
		    !((1 << sk->sk_state) & (TCPF_CLOSE | TCPF_LISTEN)))
			err = -EINVAL;
		else
			WRITE_ONCE(as->opts.fastopen_no_cookie, val);
		break;
	default:
		err = -ENOPROTOOPT;
		break;
	}
	release_sock(sk);
	return err;
}

/*
 * Segments in flight as Linux counts them for TCP_INFO: SACKed; lost
 * (taken for lost, resent since a loss, or waiting to be sent again after
 * a timeout went back N); and, of the lost, resent and not yet
 * acknowledged.  atcp keeps bytes, Linux segments: each skb counts as
 * many as the current MSS cuts it into.  Under the socket lock.
 */
static void atcp_info_flight(struct sock *sk, struct tcp_info *info)
{
	struct atcp_sock *as = atcp_sk(sk);
	struct sk_buff *skb;

	skb_queue_walk(&sk->sk_write_queue, skb) {
		const struct atcp_skb_cb *cb = ATCP_SKB_CB(skb);
		u32 segs = max_t(u32, DIV_ROUND_UP(skb->len, as->mss_cache), 1);

		/* past send_head, what a timeout rewound is still counted */
		if (!atcp_seq_before(cb->seq, as->snd_max))
			break;
		if (cb->sacked) {
			info->tcpi_sacked += segs;
		} else if (cb->lost || !atcp_seq_before(cb->seq, as->snd_nxt)) {
			info->tcpi_lost += segs;
		} else if (cb->retrans) {
			info->tcpi_lost += segs;
			info->tcpi_retrans += segs;
		}
	}
}

/*
 * Linux's congestion state names for where atcp's sender is: resending
 * after a timeout, in fast recovery, in an ECE round, with SACKs or
 * duplicate ACKs seen but no loss yet, or none of these.
 */
u8 atcp_ca_state(const struct atcp_sock *as)
{
	if (as->in_loss)
		return TCP_CA_Loss;
	if (as->in_recovery)
		return TCP_CA_Recovery;
	if (as->ecn_flags & ATCP_ECN_IN_CWR)
		return TCP_CA_CWR;
	if (as->sacked_out || as->dupacks)
		return TCP_CA_Disorder;
	return TCP_CA_Open;
}

static void atcp_get_info(struct sock *sk, struct tcp_info *info)
{
	struct atcp_sock *as = atcp_sk(sk);
	u32 now = jiffies;
	unsigned long rate;

	memset(info, 0, sizeof(*info));
	info->tcpi_state = inet_sk_state_load(sk);
	if (info->tcpi_state == TCP_LISTEN) {
		info->tcpi_unacked = READ_ONCE(as->accept_len);
		info->tcpi_sacked = READ_ONCE(sk->sk_max_ack_backlog);
		return;
	}
	lock_sock(sk);
	info->tcpi_ca_state = atcp_ca_state(as);
	info->tcpi_retransmits = as->retransmits;
	info->tcpi_probes = as->probes_out;
	info->tcpi_backoff = as->rto.backoff;
	if (as->ts_ok)
		info->tcpi_options |= TCPI_OPT_TIMESTAMPS;
	if (as->ws_ok) {
		info->tcpi_options |= TCPI_OPT_WSCALE;
		info->tcpi_snd_wscale = as->snd_wscale;
		info->tcpi_rcv_wscale = as->rcv_wscale;
	}
	if (as->ecn_flags & ATCP_ECN_OK)
		info->tcpi_options |= TCPI_OPT_ECN;
	if (as->ecn_flags & ATCP_ECN_SEEN)
		info->tcpi_options |= TCPI_OPT_ECN_SEEN;
	if (as->syn_data_acked)
		info->tcpi_options |= TCPI_OPT_SYN_DATA;
	info->tcpi_fastopen_client_fail = as->tfo_client_fail;
	info->tcpi_rto = atcp_rto_current(&as->rto);
	info->tcpi_ato = jiffies_to_usecs(ATCP_DELACK_MIN);
	info->tcpi_snd_mss = as->mss_cache;
	info->tcpi_rcv_mss = as->advmss;
	info->tcpi_unacked = DIV_ROUND_UP(as->snd_max - as->snd_una,
					  as->mss_cache);
	atcp_info_flight(sk, info);
	info->tcpi_last_data_sent = jiffies_to_msecs(now - as->last_data_sent);
	info->tcpi_last_data_recv = jiffies_to_msecs(now - as->last_data_recv);
	info->tcpi_last_ack_recv = jiffies_to_msecs(now - as->last_ack_recv);
	info->tcpi_pmtu = __sk_dst_get(sk) ? dst_mtu(__sk_dst_get(sk)) : 0;
	info->tcpi_rcv_ssthresh = as->rcv_ssthresh;
	info->tcpi_rtt = as->rto.srtt_us;
	info->tcpi_rttvar = as->rto.rttvar_us;
	info->tcpi_snd_ssthresh = as->ssthresh;
	info->tcpi_snd_cwnd = as->cwnd;
	info->tcpi_advmss = as->advmss;
	info->tcpi_reordering = as->reordering;
	info->tcpi_min_rtt = as->rto.min_rtt_us ? : ~0U;
	info->tcpi_reord_seen = as->reord_seen;
	info->tcpi_delivered = as->delivered;
	info->tcpi_delivered_ce = as->delivered_ce;
	info->tcpi_rcv_rtt = as->rcv_rtt8_us >> 3;
	info->tcpi_rcv_space = as->rcvq_space;
	info->tcpi_total_retrans = as->total_retrans;
	info->tcpi_bytes_acked = as->bytes_acked;
	info->tcpi_bytes_received = as->bytes_received;
	info->tcpi_segs_out = as->segs_out;
	info->tcpi_segs_in = as->segs_in;
	info->tcpi_notsent_bytes = atcp_notsent_bytes(as);
	info->tcpi_data_segs_in = as->data_segs_in;
	info->tcpi_data_segs_out = as->data_segs_out;
	info->tcpi_bytes_sent = as->bytes_sent;
	info->tcpi_snd_wnd = as->snd_wnd;
	release_sock(sk);
	rate = READ_ONCE(sk->sk_pacing_rate);
	info->tcpi_pacing_rate = rate != ~0UL ? rate : ~0ULL;
	rate = READ_ONCE(sk->sk_max_pacing_rate);
	info->tcpi_max_pacing_rate = rate != ~0UL ? rate : ~0ULL;
}

static int atcp_getsockopt(struct sock *sk, int level, int optname,
			   char __user *optval, int __user *optlen)
{
	const struct atcp_sysctl *s = &atcp_net(sock_net(sk))->sysctl;
	struct atcp_sock *as = atcp_sk(sk);
	int val, len;

	if (!atcp_sol(level)) {
#if IS_ENABLED(CONFIG_IPV6)
		if (sk->sk_family == AF_INET6)
			return ipv6_getsockopt(sk, level, optname, optval,
					       optlen);
#endif
		return ip_getsockopt(sk, level, optname, optval, optlen);
	}
	if (get_user(len, optlen))
		return -EFAULT;
	if (len < 0)
		return -EINVAL;

	switch (optname) {
	case TCP_CONGESTION: {
		char name[ATCP_CA_NAME_MAX] = "";

		strscpy(name, atcp_ca_name(READ_ONCE(as->ca)), sizeof(name));
		len = min_t(unsigned int, len, ATCP_CA_NAME_MAX);
		if (put_user(len, optlen) || copy_to_user(optval, name, len))
			return -EFAULT;
		return 0;
	}
	case TCP_INFO: {
		struct tcp_info info;

		atcp_get_info(sk, &info);
		len = min_t(unsigned int, len, sizeof(info));
		if (put_user(len, optlen) || copy_to_user(optval, &info, len))
			return -EFAULT;
		return 0;
	}
	case TCP_CC_INFO:
		/* neither CUBIC nor Reno has more to tell, as in Linux */
		return put_user(0, optlen);
	case TCP_ULP:
		/* no upper-layer protocol: an empty name, as from Linux */
		return put_user(0, optlen);
	case TCP_NODELAY:
		val = as->opts.nodelay;
		break;
	case TCP_MAXSEG:
		val = as->mss_cache;
		if (!val || (1 << sk->sk_state) & (TCPF_CLOSE | TCPF_LISTEN))
			val = as->opts.user_mss ? : TCP_MSS_DEFAULT;
		break;
	case TCP_KEEPIDLE:
		val = as->opts.keepalive_time ? : READ_ONCE(s->keepalive_time);
		break;
	case TCP_KEEPINTVL:
		val = as->opts.keepalive_intvl ? :
		      READ_ONCE(s->keepalive_intvl);
		break;
	case TCP_KEEPCNT:
		val = as->opts.keepalive_probes ? :
		      READ_ONCE(s->keepalive_probes);
		break;
	case TCP_SYNCNT:
		val = as->opts.syn_retries ? : READ_ONCE(s->syn_retries);
		break;
	case TCP_USER_TIMEOUT:
		val = as->opts.user_timeout;
		break;
	case TCP_QUICKACK:
		val = !!as->quickack;
		break;
	case TCP_DEFER_ACCEPT:
		val = atcp_retrans_to_secs(READ_ONCE(as->opts.defer_accept),
					   ATCP_TIMEOUT_INIT / HZ,
					   ATCP_RTO_MAX_US / USEC_PER_SEC);
		break;
	case TCP_INQ:
		val = as->opts.recvmsg_inq;
		break;
	case TCP_CORK:
		val = as->opts.cork;
		break;
	case TCP_THIN_LINEAR_TIMEOUTS:
		val = as->opts.thin_lto;
		break;
	case TCP_THIN_DUPACK:
		val = 0;
		break;
	case TCP_NOTSENT_LOWAT:
		val = READ_ONCE(as->opts.notsent_lowat);
		break;
	case TCP_WINDOW_CLAMP:
		val = as->window_clamp ? : as->opts.window_clamp;
		break;
	case TCP_LINGER2:
		val = as->opts.linger2;
		if (val >= 0)
			val = val ? val / HZ : READ_ONCE(s->fin_timeout);
		break;
	case ATCP_ZEROCOPY:
		val = sock_flag(sk, SOCK_ZEROCOPY);
		break;
	case TCP_FASTOPEN:
		val = READ_ONCE(as->opts.fastopen_qlen);
		break;
	case TCP_FASTOPEN_CONNECT:
		val = as->opts.fastopen_connect;
		break;
	case TCP_FASTOPEN_NO_COOKIE:
		val = READ_ONCE(as->opts.fastopen_no_cookie);
		break;
	case TCP_FASTOPEN_KEY: {
		u8 keys[ATCP_TFO_KEYS_MAX * ATCP_TFO_KEY_LEN];

		/* the listener's own keys only, as Linux */
		len = min_t(unsigned int, len,
			    atcp_fastopen_get_keys(atcp_net(sock_net(sk)), sk,
						   keys) *
			    ATCP_TFO_KEY_LEN);
		val = put_user(len, optlen) || copy_to_user(optval, keys, len);
		memzero_explicit(keys, sizeof(keys));
		return val ? -EFAULT : 0;
	}
	default:
		return -ENOPROTOOPT;
	}
	len = min_t(unsigned int, len, sizeof(int));
	if (put_user(len, optlen) || copy_to_user(optval, &val, len))
		return -EFAULT;
	return 0;
}

/*
 * release_sock() runs this, still owning the socket, after the backlog:
 * the work a softirq found the socket busy for.
 */
static void atcp_release_cb(struct sock *sk)
{
	struct atcp_sock *as = atcp_sk(sk);

	if (likely(!READ_ONCE(as->deferred)))
		return;
	if (test_and_clear_bit(ATCP_DEFER_MTU_REDUCED, &as->deferred))
		atcp_mtu_reduced(sk);
	if (test_and_clear_bit(ATCP_DEFER_COMP_SACK, &as->deferred))
		atcp_comp_sack_send(sk);
	if (test_and_clear_bit(ATCP_DEFER_TSQ, &as->deferred)) {
		atcp_tsq_write(sk);
		__sock_put(sk);		/* atcp_tsq_handler()'s */
	}
}

/* What the AF_INET and AF_INET6 protos and socket ops share. */
#define ATCP_PROTO_COMMON					\
	.owner		= THIS_MODULE,				\
	.close		= atcp_close,				\
	.disconnect	= atcp_disconnect,			\
	.accept		= atcp_accept,				\
	.ioctl		= atcp_ioctl,				\
	.init		= atcp_init_sock,			\
	.shutdown	= atcp_shutdown,			\
	.setsockopt	= atcp_setsockopt,			\
	.getsockopt	= atcp_getsockopt,			\
	.sendmsg	= atcp_sendmsg,				\
	.sendpage	= atcp_sendpage,			\
	.recvmsg	= atcp_recvmsg,				\
	.backlog_rcv	= atcp_backlog_rcv,			\
	.release_cb	= atcp_release_cb,			\
	.keepalive	= atcp_set_keepalive,			\
	.stream_memory_free = atcp_stream_memory_free,		\
	.enter_memory_pressure = atcp_enter_memory_pressure,	\
	.leave_memory_pressure = atcp_leave_memory_pressure,	\
	.memory_allocated = &atcp_memory_allocated,		\
	.per_cpu_fw_alloc = &atcp_memory_per_cpu_fw_alloc,	\
	.memory_pressure = &atcp_memory_pressure,		\
	.sysctl_mem	= sysctl_atcp_mem,			\
	.sockets_allocated = &atcp_sockets_allocated,		\
	.hash		= atcp_hash,				\
	.unhash		= atcp_unhash,				\
	.get_port	= atcp_get_port,			\
	.put_port	= atcp_put_port,			\
	.max_header	= ATCP_MAX_HEADER,			\
	.no_autobind	= true

#define ATCP_OPS_COMMON						\
	.owner		= THIS_MODULE,				\
	.connect	= inet_stream_connect,			\
	.socketpair	= sock_no_socketpair,			\
	.accept		= inet_accept,				\
	.poll		= atcp_poll,				\
	.gettstamp	= sock_gettstamp,			\
	.listen		= atcp_listen,				\
	.shutdown	= inet_shutdown,			\
	.setsockopt	= sock_common_setsockopt,		\
	.getsockopt	= sock_common_getsockopt,		\
	.sendmsg	= inet_sendmsg,				\
	.recvmsg	= inet_recvmsg,				\
	.mmap		= sock_no_mmap,				\
	.sendpage	= inet_sendpage

struct proto atcp_prot = {
	ATCP_PROTO_COMMON,
	.name		= "ATCP",
	.connect	= atcp_v4_connect,
	.obj_size	= sizeof(struct atcp_sock),
};

const struct proto_ops atcp_stream_ops = {
	ATCP_OPS_COMMON,
	.family		= PF_INET,
	.release	= inet_release,
	.bind		= inet_bind,
	.getname	= inet_getname,
	.ioctl		= inet_ioctl,
};

#if IS_ENABLED(CONFIG_IPV6)
/* inet6_create() finds the ipv6_pinfo at the end of obj_size. */
struct proto atcpv6_prot = {
	ATCP_PROTO_COMMON,
	.name		= "ATCPv6",
	.connect	= atcp_v6_connect,
	.obj_size	= sizeof(struct atcp6_sock),
};

const struct proto_ops atcp6_stream_ops = {
	ATCP_OPS_COMMON,
	.family		= PF_INET6,
	.release	= inet6_release,
	.bind		= inet6_bind,
	.getname	= inet6_getname,
	.ioctl		= inet6_ioctl,
};
#endif

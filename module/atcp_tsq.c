// SPDX-License-Identifier: GPL-2.0
/*
 * atcp_tsq.c - small queues and pacing: how much of a connection may wait
 * in this host's qdiscs and device queues, how soon its next skb may
 * leave, and what sends more once it may (Linux: TCP Small Queues,
 * tcp_small_queue_check() and tcp_wfree(); internal pacing,
 * tcp_pacing_check() and tcp_pace_kick()).
 *
 * A bulk sender would otherwise fill every queue below it: a qdisc's
 * packets then wait behind each other and every other flow, and the RTT
 * the sender measures grows with what it queued itself.  Each skb sent
 * charges its socket's sk_wmem_alloc until the device frees it.  Above
 * limit_output_bytes (or 1 ms at the pacing rate, when that is more),
 * atcp_push() stops and marks the socket throttled; atcp_wfree(), the
 * skb destructor, then queues the socket to a per-CPU tasklet, which sends
 * more.  The same mark lets autocorking hold a small write back while
 * earlier data is still in the host, to go out with what follows.
 */

#include <linux/interrupt.h>
#include <linux/percpu.h>

#include "atcp.h"
#include "atcp_mib.h"

struct atcp_tsq {
	struct tasklet_struct tasklet;
	struct list_head head;		/* atcp_sock.tsq_node */
};

static DEFINE_PER_CPU(struct atcp_tsq, atcp_tsq);

/*
 * May @skb go now?  Not when this connection has more than its share in
 * the host's queues: it is marked throttled, and atcp_wfree() will send
 * it on.  @factor doubles the share per step.
 */
bool atcp_tsq_room(struct sock *sk, const struct sk_buff *skb,
		   unsigned int factor)
{
	struct atcp_sock *as = atcp_sk(sk);
	unsigned long limit;

	limit = max_t(unsigned long, 2 * skb->truesize,
		      READ_ONCE(sk->sk_pacing_rate) >>
		      READ_ONCE(sk->sk_pacing_shift));
	/* a pacing qdisc (fq) keeps the queue short by itself */
	if (READ_ONCE(sk->sk_pacing_status) == SK_PACING_NONE)
		limit = min_t(unsigned long, limit,
			      READ_ONCE(atcp_net(sock_net(sk))->sysctl.limit_output_bytes));
	limit <<= factor;

	if (refcount_read(&sk->sk_wmem_alloc) <= limit)
		return true;
	/*
	 * Nothing in flight: nothing would come back to send more, and the
	 * device will not hold one skb for long (Linux: the same exception).
	 */
	if (as->snd_una == as->snd_max)
		return true;
	set_bit(ATCP_TSQ_THROTTLED, &as->tsq_flags);
	/* the skbs may have left between the test and the mark */
	smp_mb__after_atomic();
	if (refcount_read(&sk->sk_wmem_alloc) <= limit)
		return true;
	ATCP_INC_STATS(sock_net(sk), ATCP_MIB_TSQTHROTTLED);
	return false;
}

/*
 * At the end of a send call: should the small tail skb wait for more?
 * While earlier data of this connection is still in the host's queues,
 * sending now would only add a small packet behind them; the tail goes
 * when they leave (atcp_wfree()), grown by what the application wrote
 * meanwhile (Linux: tcp_should_autocork()).
 */
bool atcp_autocork(struct sock *sk, unsigned int size_goal)
{
	struct atcp_sock *as = atcp_sk(sk);
	struct sk_buff *skb = as->send_head;

	if (!skb || !skb_queue_is_last(&sk->sk_write_queue, skb) ||
	    skb->len >= size_goal || as->snd_una == as->snd_max ||
	    !READ_ONCE(atcp_net(sock_net(sk))->sysctl.autocorking) ||
	    refcount_read(&sk->sk_wmem_alloc) <= skb->truesize)
		return false;
	if (!test_bit(ATCP_TSQ_THROTTLED, &as->tsq_flags)) {
		ATCP_INC_STATS(sock_net(sk), ATCP_MIB_AUTOCORKING);
		set_bit(ATCP_TSQ_THROTTLED, &as->tsq_flags);
	}
	/* the device may have freed them before the mark was set */
	smp_mb__after_atomic();
	return refcount_read(&sk->sk_wmem_alloc) > skb->truesize;
}

/*
 * The socket's skbs left the host, or the pacing time came: send what was
 * held back, lost segments before new data (Linux: tcp_tsq_write()).
 */
void atcp_tsq_write(struct sock *sk)
{
	if (!((1 << sk->sk_state) &
	      (TCPF_ESTABLISHED | TCPF_FIN_WAIT1 | TCPF_CLOSING |
	       TCPF_CLOSE_WAIT | TCPF_LAST_ACK)))
		return;
	if (atcp_sk(sk)->lost_out)
		atcp_retransmit_lost(sk);
	atcp_push(sk, ATCP_NAGLE_SOCK);
}

static void atcp_tsq_handler(struct sock *sk)
{
	struct atcp_sock *as = atcp_sk(sk);

	bh_lock_sock(sk);
	if (!sock_owned_by_user(sk))
		atcp_tsq_write(sk);
	else if (!test_and_set_bit(ATCP_DEFER_TSQ, &as->deferred))
		sock_hold(sk);		/* atcp_release_cb() puts it */
	bh_unlock_sock(sk);
}

static void atcp_tsq_tasklet_fn(struct tasklet_struct *t)
{
	struct atcp_tsq *tsq = from_tasklet(tsq, t, tasklet);
	struct atcp_sock *as, *next;
	unsigned long flags;
	LIST_HEAD(list);

	local_irq_save(flags);
	list_splice_init(&tsq->head, &list);
	local_irq_restore(flags);

	list_for_each_entry_safe(as, next, &list, tsq_node) {
		struct sock *sk = &as->inet.sk;

		list_del(&as->tsq_node);
		/* the list is done with the node before a wfree re-adds it */
		smp_mb__before_atomic();
		clear_bit(ATCP_TSQ_QUEUED, &as->tsq_flags);
		atcp_tsq_handler(sk);
		sk_free(sk);	/* the sk_wmem_alloc atcp_wfree() kept */
	}
}

/*
 * The destructor of every skb atcp sends: the device or qdisc is done
 * with it.  Like sock_wfree(), and a throttled socket is queued for its
 * tasklet, with one unit of sk_wmem_alloc kept so that it stays.
 */
void atcp_wfree(struct sk_buff *skb)
{
	struct sock *sk = skb->sk;
	struct atcp_sock *as = atcp_sk(sk);
	unsigned long oval, nval, flags;
	struct atcp_tsq *tsq;
	bool empty;

	WARN_ON(refcount_sub_and_test(skb->truesize - 1, &sk->sk_wmem_alloc));
	sk->sk_write_space(sk);

	/* pairs with the barrier after set_bit() in atcp_tsq_room() */
	oval = smp_load_acquire(&as->tsq_flags);
	do {
		if (!(oval & BIT(ATCP_TSQ_THROTTLED)) ||
		    (oval & BIT(ATCP_TSQ_QUEUED)))
			goto out;
		nval = (oval & ~BIT(ATCP_TSQ_THROTTLED)) |
		       BIT(ATCP_TSQ_QUEUED);
	} while (!try_cmpxchg(&as->tsq_flags, &oval, nval));

	local_irq_save(flags);
	tsq = this_cpu_ptr(&atcp_tsq);
	empty = list_empty(&tsq->head);
	list_add(&as->tsq_node, &tsq->head);
	if (empty)
		tasklet_schedule(&tsq->tasklet);
	local_irq_restore(flags);
	return;
out:
	sk_free(sk);
}

/*
 * Internal pacing.  SO_MAX_PACING_RATE asks for it: the sock layer marks
 * the socket SK_PACING_NEEDED, and a pacing qdisc (fq) that meets the
 * socket's skbs takes the task over (SK_PACING_FQ).  Each data skb sent
 * puts the earliest departure of the next one later by its length at
 * the pacing rate; atcp_push() holds back what would leave before that,
 * and an hrtimer sends it then.
 */
static bool atcp_internal_pacing(const struct sock *sk)
{
	/* pairs with fq's smp_store_release() of SK_PACING_FQ */
	return smp_load_acquire(&sk->sk_pacing_status) == SK_PACING_NEEDED;
}

/* Must the next skb wait?  Then the pacing timer sends it. */
bool atcp_pacing_wait(struct sock *sk)
{
	struct atcp_sock *as = atcp_sk(sk);

	if (!atcp_internal_pacing(sk) || as->pace_next_ns <= ktime_get_ns())
		return false;
	if (!hrtimer_is_queued(&as->pacing_timer)) {
		hrtimer_start(&as->pacing_timer, ns_to_ktime(as->pace_next_ns),
			      HRTIMER_MODE_ABS_PINNED_SOFT);
		sock_hold(sk);		/* atcp_pacing_fn() puts it */
	}
	return true;
}

/*
 * @len bytes of data left: the next skb waits for them to drain at the
 * pacing rate.  The first ten segments go at once, as fq lets them; a
 * sender that fell behind (a late timer, a busy CPU) catches up by half
 * of the time at most (Linux: tcp_update_skb_after_send()).
 */
void atcp_pacing_sent(struct sock *sk, unsigned int len)
{
	struct atcp_sock *as = atcp_sk(sk);
	unsigned long rate = READ_ONCE(sk->sk_pacing_rate);
	u64 prior = as->pace_next_ns, len_ns;

	if (!atcp_internal_pacing(sk))
		return;
	as->pace_next_ns = max(prior, ktime_get_ns());
	if (rate == ~0UL || !rate || as->data_segs_out < 10)
		return;
	len_ns = div64_ul((u64)len * NSEC_PER_SEC, rate);
	len_ns -= min(len_ns / 2, as->pace_next_ns - prior);
	as->pace_next_ns += len_ns;
}

static enum hrtimer_restart atcp_pacing_fn(struct hrtimer *timer)
{
	struct atcp_sock *as = container_of(timer, struct atcp_sock,
					    pacing_timer);
	struct sock *sk = &as->inet.sk;

	atcp_tsq_handler(sk);
	sock_put(sk);
	return HRTIMER_NORESTART;
}

void atcp_pacing_init(struct sock *sk)
{
	struct atcp_sock *as = atcp_sk(sk);

	hrtimer_init(&as->pacing_timer, CLOCK_MONOTONIC,
		     HRTIMER_MODE_ABS_PINNED_SOFT);
	as->pacing_timer.function = atcp_pacing_fn;
}

/*
 * Stop the pacing timer; @wait for a run of it that is under way, which
 * only a caller that does not hold the socket's spinlock may do.
 */
void atcp_pacing_stop(struct sock *sk, bool wait)
{
	struct hrtimer *timer = &atcp_sk(sk)->pacing_timer;

	if ((wait ? hrtimer_cancel(timer) : hrtimer_try_to_cancel(timer)) == 1)
		__sock_put(sk);
}

/* Like skb_set_owner_w(), with atcp_wfree() as the destructor. */
void atcp_skb_set_owner_w(struct sk_buff *skb, struct sock *sk)
{
	skb_orphan(skb);
	skb->sk = sk;
	skb->destructor = atcp_wfree;
	skb_set_hash_from_sk(skb, sk);
	refcount_add(skb->truesize, &sk->sk_wmem_alloc);
}

void atcp_tsq_init(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct atcp_tsq *tsq = &per_cpu(atcp_tsq, cpu);

		INIT_LIST_HEAD(&tsq->head);
		tasklet_setup(&tsq->tasklet, atcp_tsq_tasklet_fn);
	}
}

/*
 * At unload no socket is left, so no tasklet can be scheduled again; one
 * that is running (its last sk_free() dropped the module reference) is
 * waited for.
 */
void atcp_tsq_exit(void)
{
	int cpu;

	for_each_possible_cpu(cpu)
		tasklet_kill(&per_cpu(atcp_tsq, cpu).tasklet);
}

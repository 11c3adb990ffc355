// SPDX-License-Identifier: GPL-2.0
/*
 * atcp connection timers.
 *
 *  - rtx_timer: retransmission (RFC 6298) and zero window probes;
 *  - delack_timer: delayed ACK;
 *  - sk->sk_timer: keepalive and the orphan FIN-WAIT-2 timeout.
 *
 * Every timer is armed with sk_reset_timer(), which holds a socket
 * reference while it is pending, and stopped with sk_stop_timer() when
 * the connection goes away, so no timer runs after its socket is freed.
 * A timer that finds the socket owned by a user call retries shortly.
 */
#include <net/tcp.h>

#include "atcp.h"
#include "atcp_mib.h"

#define ATCP_TIMER_RETRY	(HZ / 20)

static unsigned long atcp_rto_jiffies(const struct atcp_sock *as)
{
	return usecs_to_jiffies(atcp_rto_current(&as->rto));
}

void atcp_reset_rtx_timer(struct sock *sk)
{
	struct atcp_sock *as = atcp_sk(sk);
	unsigned long when = atcp_rto_jiffies(as);

	/*
	 * Once retransmitting, TCP_USER_TIMEOUT ends the connection when it
	 * runs out, not at the next backed-off RTO after it (Linux:
	 * tcp_clamp_rto_to_user_timeout()).
	 */
	if (as->opts.user_timeout && as->retransmits) {
		unsigned long limit = msecs_to_jiffies(as->opts.user_timeout);
		u32 elapsed = (u32)jiffies - as->retrans_start;

		when = elapsed >= limit ? 1 : min(when, limit - elapsed);
	}
	as->rtx_timer_kind = ATCP_TIMER_RTX;
	sk_reset_timer(sk, &as->rtx_timer, jiffies + when);
}

/*
 * After sending new data, probe the tail first (RFC 8985 7): if no ACK
 * comes within two round trips, send a segment of new data or resend the
 * last one, so that a lost tail shows up as SACK holes instead of waiting
 * for the RTO.  A lone segment's ACK may be one the receiver delays: its
 * probe waits 200 ms more (WCDelAckT, RFC 8985 7.2; Linux: TCP_RTO_MIN
 * in tcp_schedule_loss_probe()), which leaves the RTO first on most
 * paths, rather than send each small write twice.
 */
void atcp_arm_tlp_timer(struct sock *sk)
{
	struct atcp_sock *as = atcp_sk(sk);
	u32 pto_us;

	/*
	 * early_retrans 3 and 4 enable tail loss probes.  As in Linux, none
	 * once the peer SACKed (RACK's timer takes over) or in recovery.
	 */
	if (!as->sack_ok || as->in_recovery || as->in_loss || as->tlp_out ||
	    as->sacked_out || !as->rto.have_sample || as->retransmits ||
	    READ_ONCE(atcp_net(sock_net(sk))->sysctl.early_retrans) < 3) {
		atcp_reset_rtx_timer(sk);
		return;
	}
	pto_us = max_t(u32, 2 * as->rto.srtt_us, 10000);
	if (as->snd_max - as->snd_una <= as->mss_cache)
		pto_us = 2 * as->rto.srtt_us + ATCP_RTO_MIN_US;
	if (pto_us >= atcp_rto_current(&as->rto)) {
		atcp_reset_rtx_timer(sk);
		return;
	}
	as->rtx_timer_kind = ATCP_TIMER_TLP;
	sk_reset_timer(sk, &as->rtx_timer, jiffies + usecs_to_jiffies(pto_us));
}

/*
 * RACK waits @wait_us for a segment that may merely be reordered; the
 * timer replaces the RTO meanwhile, and atcp_rack_timeout() re-arms it.
 * One jiffy more, as the wait rounds down to the clock it is measured by.
 */
void atcp_arm_reo_timer(struct sock *sk, u32 wait_us)
{
	struct atcp_sock *as = atcp_sk(sk);

	as->rtx_timer_kind = ATCP_TIMER_REO;
	sk_reset_timer(sk, &as->rtx_timer,
		       jiffies + usecs_to_jiffies(wait_us) + 1);
}

static void atcp_tlp_timeout(struct sock *sk)
{
	struct atcp_sock *as = atcp_sk(sk);
	struct sk_buff *skb, *last = NULL;

	if (as->snd_una == as->snd_max)
		return;
	as->tlp_out = 1;
	/*
	 * New data first, where the peer's window has room: it probes as
	 * well, and moves the transfer on (RFC 8985 7.3).
	 */
	if (atcp_push_probe(sk)) {
		/* what it sent armed the RTO (tlp_out: no second probe) */
		ATCP_INC_STATS(sock_net(sk), ATCP_MIB_LOSSPROBES);
		return;
	}
	skb_queue_walk(&sk->sk_write_queue, skb) {
		if (skb == as->send_head)
			break;
		last = skb;
	}
	/*
	 * Else the probe is the highest segment sent, not the first of the
	 * last skb: its SACK then covers the top of the flight and shows
	 * every hole below it.
	 */
	if (last && last->len > as->mss_cache &&
	    !atcp_fragment(sk, last, rounddown(last->len - 1, as->mss_cache)))
		last = last->next;
	if (last && !ATCP_SKB_CB(last)->sacked &&
	    !atcp_retransmit_skb(sk, last))
		ATCP_INC_STATS(sock_net(sk), ATCP_MIB_LOSSPROBES);
	atcp_reset_rtx_timer(sk);
}

void atcp_stop_rtx_timer(struct sock *sk)
{
	sk_stop_timer(sk, &atcp_sk(sk)->rtx_timer);
}

void atcp_arm_probe_timer(struct sock *sk)
{
	struct atcp_sock *as = atcp_sk(sk);
	unsigned long when = min_t(unsigned long,
				   atcp_rto_jiffies(as) <<
				   min_t(u8, as->probe_backoff, 10),
				   ATCP_PROBE_MAX);

	if (timer_pending(&as->rtx_timer))
		return;
	as->rtx_timer_kind = ATCP_TIMER_PROBE;
	sk_reset_timer(sk, &as->rtx_timer, jiffies + when);
}

void atcp_schedule_ack(struct sock *sk)
{
	struct atcp_sock *as = atcp_sk(sk);

	as->ack_pending = 1;
	if (!timer_pending(&as->delack_timer))
		sk_reset_timer(sk, &as->delack_timer,
			       jiffies + ATCP_DELACK_MIN);
}

/* ---- SACK compression --------------------------------------------------- */

/*
 * Out-of-order data came: a duplicate ACK with SACK blocks is due.  The
 * first three for a hole go at once, for the sender's fast retransmit;
 * after them, up to comp_sack_nr in a row are held back, and one goes
 * after 5% of the RTT, comp_sack_delay_ns at most: a burst of
 * out-of-order segments draws one SACK, not one each (Linux:
 * __tcp_ack_snd_check()).
 */
void atcp_ofo_ack(struct sock *sk)
{
	const struct atcp_sysctl *s = &atcp_net(sock_net(sk))->sysctl;
	struct atcp_sock *as = atcp_sk(sk);
	u64 delay;
	u32 rtt;

	if (as->quickack) {
		as->quickack--;
		goto now;
	}
	if (!as->sack_ok || as->comp_sacks >= READ_ONCE(s->comp_sack_nr))
		goto now;
	if (as->comp_sack_rcv_nxt != as->rcv_nxt) {
		as->comp_sack_rcv_nxt = as->rcv_nxt;
		as->comp_dupacks = 0;
	}
	if (as->comp_dupacks < TCP_FASTRETRANS_THRESH) {
		as->comp_dupacks++;
		goto now;
	}
	as->comp_sacks++;
	if (hrtimer_is_queued(&as->comp_sack_timer))
		return;
	/* the smaller RTT estimate; none yet: no wait, as in Linux */
	rtt = as->rcv_rtt8_us >> 3;
	if (as->rto.srtt_us && as->rto.srtt_us < rtt)
		rtt = as->rto.srtt_us;
	delay = min_t(u64, READ_ONCE(s->comp_sack_delay_ns),
		      (u64)rtt * NSEC_PER_USEC / 20);
	sock_hold(sk);		/* the timer's; atcp_comp_sack_fn() puts it */
	hrtimer_start_range_ns(&as->comp_sack_timer, ns_to_ktime(delay),
			       READ_ONCE(s->comp_sack_slack_ns),
			       HRTIMER_MODE_REL_PINNED_SOFT);
	return;
now:
	atcp_send_ack(sk);
}

/* The held-back SACK goes now, if no ACK went meanwhile. */
void atcp_comp_sack_send(struct sock *sk)
{
	struct atcp_sock *as = atcp_sk(sk);

	if (!as->comp_sacks || sk->sk_state == TCP_CLOSE)
		return;
	/* this one is sent, not saved: AckCompressed counts the rest */
	as->comp_sacks--;
	atcp_send_ack(sk);
}

/* An ACK went out: whatever was held back is answered by it. */
void atcp_comp_sack_sent(struct sock *sk)
{
	struct atcp_sock *as = atcp_sk(sk);

	if (likely(!as->comp_sacks))
		return;
	ATCP_ADD_STATS(sock_net(sk), ATCP_MIB_ACKCOMPRESSED, as->comp_sacks);
	as->comp_sacks = 0;
	if (hrtimer_try_to_cancel(&as->comp_sack_timer) == 1)
		__sock_put(sk);
}

static enum hrtimer_restart atcp_comp_sack_fn(struct hrtimer *timer)
{
	struct atcp_sock *as = container_of(timer, struct atcp_sock,
					    comp_sack_timer);
	struct sock *sk = &as->inet.sk;

	bh_lock_sock(sk);
	if (!sock_owned_by_user(sk))
		atcp_comp_sack_send(sk);
	else
		set_bit(ATCP_DEFER_COMP_SACK, &as->deferred);
	bh_unlock_sock(sk);
	sock_put(sk);
	return HRTIMER_NORESTART;
}

/*
 * Retries of a synchronized connection: retries2, or for an orphan at most
 * orphan_retries, whose 0 means 8 (Linux: tcp_orphan_retries()).  Counts
 * the zero window probes; the retransmission timer turns it into a time.
 */
static int atcp_retries_limit(struct sock *sk)
{
	const struct atcp_sysctl *s = &atcp_net(sock_net(sk))->sysctl;
	int limit = READ_ONCE(s->retries2);

	if (sock_flag(sk, SOCK_DEAD))
		limit = min(limit, READ_ONCE(s->orphan_retries) ? : 8);
	return limit;
}

/*
 * Has the retransmission timer run out of tries?  As in Linux, SYN
 * states count their retransmissions, and a synchronized connection gives
 * up when the time since the first transmission reaches the time that
 * tcp_retries2 (tcp_orphan_retries for an orphan, 0 meaning 8) doublings
 * from 200 ms would take, or TCP_USER_TIMEOUT when it is set.
 */
static bool atcp_retransmits_timed_out(struct sock *sk)
{
	const struct atcp_sysctl *s = &atcp_net(sock_net(sk))->sysctl;
	struct atcp_sock *as = atcp_sk(sk);
	unsigned long timeout;
	u64 give_up_us;

	switch (sk->sk_state) {
	case TCP_SYN_SENT:
		return as->retransmits >=
		       (as->opts.syn_retries ? : READ_ONCE(s->syn_retries));
	case TCP_SYN_RECV:
		return as->retransmits >= READ_ONCE(s->synack_retries);
	}
	if (!as->retransmits)
		return false;
	if (as->opts.user_timeout) {
		timeout = msecs_to_jiffies(as->opts.user_timeout);
	} else {
		give_up_us = atcp_rto_give_up_us(atcp_retries_limit(sk),
						 ATCP_RTO_MIN_US,
						 ATCP_RTO_MAX_US);
		timeout = usecs_to_jiffies(give_up_us);
	}
	return (u32)jiffies - as->retrans_start >= timeout;
}

/*
 * With the peer's window shrunk to zero, how long it may leave our
 * retransmissions (its window probes) unanswered: 240 s, or
 * TCP_USER_TIMEOUT, which also bounds the time since the first one
 * (Linux: tcp_rtx_probe0_timed_out()).
 */
static bool atcp_rtx_probe0_timed_out(struct sock *sk)
{
	struct atcp_sock *as = atcp_sk(sk);
	unsigned long timeout = 2 * TCP_RTO_MAX;

	if (as->opts.user_timeout) {
		unsigned long limit = msecs_to_jiffies(as->opts.user_timeout);

		if (as->retransmits &&
		    (u32)jiffies - as->retrans_start > limit)
			return true;
		timeout = min(timeout, limit);
	}
	return (u32)jiffies - as->last_ack_recv > timeout;
}

/*
 * A thin stream (fewer than four segments in flight: an interactive or
 * time-dependent application, too little data for fast retransmit) keeps
 * its RTO for the first six timeouts instead of doubling it, with
 * thin_linear_timeouts or TCP_THIN_LINEAR_TIMEOUTS (Linux:
 * tcp_retransmit_timer(), TCP_THIN_LINEAR_RETRIES).
 */
#define ATCP_THIN_LINEAR_RETRIES 6

static bool atcp_thin_linear(const struct sock *sk)
{
	const struct atcp_sock *as = atcp_sk(sk);

	return sk->sk_state == TCP_ESTABLISHED &&
	       (as->opts.thin_lto ||
		READ_ONCE(atcp_net(sock_net(sk))->sysctl.thin_linear_timeouts)) &&
	       atcp_flight_segs(as) < 4 &&
	       as->retransmits <= ATCP_THIN_LINEAR_RETRIES;
}

/*
 * Timeouts go on: perhaps segments of this size fall into a black hole,
 * a path that drops them without the ICMP error that path MTU discovery
 * waits for.  With mtu_probing, look for a smaller size that passes
 * (RFC 4821 7.7; Linux: tcp_mtu_probing()).
 */
static void atcp_black_hole(struct sock *sk)
{
	const struct atcp_sysctl *s = &atcp_net(sock_net(sk))->sysctl;
	struct atcp_sock *as = atcp_sk(sk);

	if (!READ_ONCE(s->mtu_probing))
		return;
	atcp_plpmtu_black_hole(&as->mtup,
			       atcp_mss_to_mtu(sk, 0),
			       READ_ONCE(s->base_mss),
			       max(READ_ONCE(s->mtu_probe_floor),
				   READ_ONCE(s->min_snd_mss)),
			       jiffies);
	atcp_sync_mss(sk, as->pmtu_cookie);
}

/*
 * An orphan that atcp can no longer afford is reset at its next timeout
 * (Linux: tcp_out_of_resources()); true when it was.
 */
static bool atcp_orphan_out_of_resources(struct sock *sk)
{
	if (!sock_flag(sk, SOCK_DEAD) || !atcp_check_oom(sk))
		return false;
	ATCP_INC_STATS(sock_net(sk), ATCP_MIB_ABORTONMEMORY);
	if (atcp_event(sk, ATCP_EV_ABORT))
		atcp_done(sk);
	return true;
}

static void atcp_retransmit_timeout(struct sock *sk)
{
	struct atcp_sock *as = atcp_sk(sk);
	const struct atcp_sysctl *s = &atcp_net(sock_net(sk))->sysctl;
	int sysctl_reordering = READ_ONCE(s->reordering);
	int retries1 = READ_ONCE(s->retries1);
	bool zero_wnd, expired;

	if (as->snd_una == as->snd_max || skb_queue_empty(&sk->sk_write_queue))
		return;
	if (atcp_orphan_out_of_resources(sk))
		return;

	/*
	 * The peer shrank its window to zero over data in flight: our
	 * retransmissions are window probes now, and a peer that answers
	 * them keeps the connection, however long, unless it is an orphan
	 * (Linux: "receiver dastardly shrinks window").
	 */
	zero_wnd = !as->snd_wnd && !sock_flag(sk, SOCK_DEAD) &&
		   sk->sk_state != TCP_SYN_SENT && sk->sk_state != TCP_SYN_RECV;
	expired = zero_wnd ? atcp_rtx_probe0_timed_out(sk) :
		  atcp_retransmits_timed_out(sk);
	/* a connection that used Fast Open may have met a black hole */
	atcp_fastopen_timeout(sk, as->retransmits, expired);
	if (expired) {
		if (sk->sk_state == TCP_SYN_SENT)
			ATCP_INC_STATS(sock_net(sk), ATCP_MIB_ATTEMPTFAILS);
		atcp_event(sk, ATCP_EV_TIMEOUT_GIVE_UP);
		return;
	}
	if (as->retransmits >= retries1) {
		/* a closed window's probes tell nothing of the path's MTU */
		if (!zero_wnd &&
		    !((1 << sk->sk_state) & (TCPF_SYN_SENT | TCPF_SYN_RECV)))
			atcp_black_hole(sk);
		__sk_dst_reset(sk);	/* RFC 1122 4.2.3.5: try another route */
	}

	ATCP_INC_STATS(sock_net(sk), ATCP_MIB_TIMEOUTS);
	/*
	 * A timeout outside recovery with dupthresh segments SACKed: the
	 * reordering seen so far was overestimated (Linux: tcp_enter_loss()).
	 */
	if (!as->in_recovery &&
	    as->sacked_out >= (u32)sysctl_reordering * as->mss_cache)
		as->reordering = min(as->reordering, (u16)sysctl_reordering);
	/*
	 * One cut per window of data: none when this window was already cut
	 * by fast recovery or an ECE, or by a timeout with no progress since
	 * (Linux: tcp_enter_loss()).
	 */
	if ((!as->in_recovery && !as->in_loss) ||
	    !atcp_seq_after(as->recover, as->snd_una) ||
	    (as->in_loss && !as->retransmits)) {
		if (!as->in_recovery)
			atcp_undo_arm(as);
		as->ssthresh = atcp_loss_ssthresh(as);
	}
	/* the oldest segment went out about one RTO ago */
	if (!as->retransmits)
		as->retrans_start = (u32)(jiffies - atcp_rto_jiffies(as));
	as->cwnd = 1;
	as->cwnd_cnt = 0;
	atcp_cong_loss(sk);
	/*
	 * F-RTO (RFC 5682 3.1 step 1, 3.2): unless the timeout cut short a
	 * fast recovery, the ACKs that come next may show it spurious
	 * (atcp_frto()).  Not over a closed window: nothing new could go.
	 */
	as->frto = READ_ONCE(s->frto) &&
		   (!as->in_recovery || as->retransmits) && !zero_wnd &&
		   !as->mtup.probe_size;
	as->in_recovery = 0;
	/* a resent SYN has no window of data behind it */
	as->in_loss = !((1 << sk->sk_state) & (TCPF_SYN_SENT | TCPF_SYN_RECV));
	as->recover = as->snd_max;
	as->dupacks = 0;
	as->retransmits++;
	if (zero_wnd) {
		/* the oldest segment is the probe; no window for the rest */
		as->recovery_epoch++;
		atcp_rto_backoff(&as->rto);
		if (atcp_retransmit_skb(sk, skb_peek(&sk->sk_write_queue)))
			/*
			 * An earlier timeout went back N into the closed
			 * window: nothing is in flight, window probes it is.
			 */
			atcp_push(sk, ATCP_NAGLE_PUSH);
		if (!timer_pending(&as->rtx_timer))
			atcp_reset_rtx_timer(sk);
		return;
	}

	/*
	 * Go back N: everything outstanding is sent again as cwnd allows,
	 * but what the peer SACKed, unless timeouts repeat: it may have
	 * reneged (RFC 2018 8).
	 */
	if (as->retransmits > 1 && as->sacked_out) {
		struct sk_buff *skb;

		skb_queue_walk(&sk->sk_write_queue, skb)
			ATCP_SKB_CB(skb)->sacked = 0;
		as->sacked_out = 0;
	}
	as->recovery_epoch++;
	atcp_go_back_n(sk);
	if (atcp_thin_linear(sk))
		atcp_rto_reset_backoff(&as->rto);
	else
		atcp_rto_backoff(&as->rto);
	atcp_push(sk, ATCP_NAGLE_PUSH);
	atcp_reset_rtx_timer(sk);
}

/*
 * A router says the peer's network or host cannot be reached, quoting the
 * oldest unacknowledged segment @seq while it is being retransmitted: the
 * retransmissions are lost to a connectivity disruption, not to
 * congestion, so the last doubling of the RTO is undone (RFC 6069 TCP-LD;
 * Linux: tcp_ld_RTO_revert()).  The timer then runs out one reverted RTO
 * after the segment was last sent, at once if that is past, but never
 * later than it would have (atcp_reset_rtx_timer() may have brought it
 * forward for TCP_USER_TIMEOUT, which Linux's revert ignores).  Runs from
 * the ICMP hook with the socket bh-locked; nothing while the user holds it.
 */
void atcp_rto_revert(struct sock *sk, u32 seq)
{
	struct sk_buff *head = skb_peek(&sk->sk_write_queue);
	struct atcp_sock *as = atcp_sk(sk);
	unsigned long rto, since, when;

	if (sock_owned_by_user(sk) || seq != as->snd_una || !as->retransmits ||
	    !as->rto.backoff || !head || head == as->send_head ||
	    as->rtx_timer_kind != ATCP_TIMER_RTX ||
	    !timer_pending(&as->rtx_timer))
		return;
	as->rto.backoff--;
	rto = atcp_rto_jiffies(as);
	since = usecs_to_jiffies(atcp_clock_us() - ATCP_SKB_CB(head)->sent_us);
	if (since < rto) {
		/* never later than it was: TCP_USER_TIMEOUT may have cut it */
		when = jiffies + rto - since;
		if (time_before(when, as->rtx_timer.expires))
			sk_reset_timer(sk, &as->rtx_timer, when);
	} else if (del_timer(&as->rtx_timer)) {
		/* the timer's reference: the timeout runs here instead */
		__sock_put(sk);
		atcp_retransmit_timeout(sk);
	}
}

/*
 * Data waits with nothing outstanding: held by a cork, which it now
 * overrides, or by the peer's closed window.  RFC 1122 4.2.2.17: stay
 * open as long as it answers the probes; give up after retries2
 * unanswered ones in a row (orphan_retries for an orphan), or once
 * TCP_USER_TIMEOUT has passed since the first probe (Linux:
 * tcp_probe_timer()).  Any ACK clears the count; the interval keeps
 * doubling until the window opens.
 */
static void atcp_probe_timeout(struct sock *sk)
{
	struct atcp_sock *as = atcp_sk(sk);
	u32 now = jiffies;

	if (!as->send_head || as->snd_wnd || atcp_inflight(as)) {
		as->probes_out = 0;
		as->probe_backoff = 0;
		as->probes_start = 0;
		/* what a cork held goes now, pushed (tcp_write_wakeup()) */
		if (as->send_head)
			ATCP_SKB_CB(as->send_head)->flags |= TCPHDR_PSH;
		atcp_push(sk, ATCP_NAGLE_PUSH);
		if (as->snd_una != as->snd_max)
			atcp_reset_rtx_timer(sk);
		return;
	}
	if (atcp_orphan_out_of_resources(sk))
		return;
	if (!as->probes_start)
		as->probes_start = now ? : 1;
	if (as->probes_out >= atcp_retries_limit(sk) ||
	    (as->opts.user_timeout &&
	     now - as->probes_start >=
	     msecs_to_jiffies(as->opts.user_timeout))) {
		atcp_event(sk, ATCP_EV_TIMEOUT_GIVE_UP);
		return;
	}
	as->probes_out++;
	if (as->probe_backoff < 255)
		as->probe_backoff++;
	atcp_send_probe(sk);
	atcp_arm_probe_timer(sk);
}

static void atcp_rtx_timer_fn(struct timer_list *t)
{
	struct atcp_sock *as = from_timer(as, t, rtx_timer);
	struct sock *sk = &as->inet.sk;

	bh_lock_sock(sk);
	if (sock_owned_by_user(sk)) {
		sk_reset_timer(sk, &as->rtx_timer, jiffies + ATCP_TIMER_RETRY);
	} else if (sk->sk_state != TCP_CLOSE && sk->sk_state != TCP_LISTEN) {
		atcp_clock_refresh(as);
		if (as->rtx_timer_kind == ATCP_TIMER_PROBE)
			atcp_probe_timeout(sk);
		else if (as->rtx_timer_kind == ATCP_TIMER_TLP)
			atcp_tlp_timeout(sk);
		else if (as->rtx_timer_kind == ATCP_TIMER_REO)
			atcp_rack_timeout(sk);
		else
			atcp_retransmit_timeout(sk);
	}
	bh_unlock_sock(sk);
	sock_put(sk);
}

static void atcp_delack_timer_fn(struct timer_list *t)
{
	struct atcp_sock *as = from_timer(as, t, delack_timer);
	struct sock *sk = &as->inet.sk;

	bh_lock_sock(sk);
	if (sock_owned_by_user(sk)) {
		sk_reset_timer(sk, &as->delack_timer,
			       jiffies + ATCP_TIMER_RETRY);
	} else if (as->ack_pending && sk->sk_state != TCP_CLOSE) {
		ATCP_INC_STATS(sock_net(sk), ATCP_MIB_DELAYEDACKS);
		atcp_send_ack(sk);
	}
	bh_unlock_sock(sk);
	sock_put(sk);
}

/* ---- sk->sk_timer: keepalive and the orphan FIN-WAIT-2 timeout ---------- */

static unsigned long atcp_ka_time(const struct sock *sk)
{
	int v = atcp_sk(sk)->opts.keepalive_time ? :
		READ_ONCE(atcp_net(sock_net(sk))->sysctl.keepalive_time);

	return (unsigned long)v * HZ;
}

static unsigned long atcp_ka_intvl(const struct sock *sk)
{
	int v = atcp_sk(sk)->opts.keepalive_intvl ? :
		READ_ONCE(atcp_net(sock_net(sk))->sysctl.keepalive_intvl);

	return (unsigned long)v * HZ;
}

static int atcp_ka_probes(const struct sock *sk)
{
	return atcp_sk(sk)->opts.keepalive_probes ? :
	       READ_ONCE(atcp_net(sock_net(sk))->sysctl.keepalive_probes);
}

/* Jiffies since the peer last sent us anything (Linux: keepalive_time_elapsed()). */
static unsigned long atcp_idle_time(const struct atcp_sock *as)
{
	u32 last = as->last_ack_recv;

	if ((s32)(as->last_data_recv - last) > 0)
		last = as->last_data_recv;
	return (u32)jiffies - last;
}

/* States in which an idle connection is probed, as in Linux. */
static bool atcp_keepalive_state(const struct sock *sk)
{
	return !((1 << sk->sk_state) &
		 (TCPF_CLOSE | TCPF_LISTEN | TCPF_SYN_SENT | TCPF_TIME_WAIT));
}

/*
 * The peer has been silent for the keepalive time: probe it with an ACK
 * one below snd_una, which any live TCP answers, every keepalive
 * interval; give up (RST, ETIMEDOUT) when keepalive_probes went
 * unanswered, or when TCP_USER_TIMEOUT has passed since the peer last
 * spoke and a probe was sent.
 */
static void atcp_keepalive_timeout(struct sock *sk)
{
	struct atcp_sock *as = atcp_sk(sk);
	unsigned long time = atcp_ka_time(sk), idle;
	u32 user_timeout = as->opts.user_timeout;

	/* Data in flight or waiting: the retransmission timer watches. */
	if (as->snd_una != as->snd_max || as->send_head) {
		sk_reset_timer(sk, &sk->sk_timer, jiffies + time);
		return;
	}
	/*
	 * Every ACK clears ka_probes_out: a peer that answers each probe is
	 * probed every interval for as long as it stays otherwise silent.
	 */
	idle = atcp_idle_time(as);
	if (idle < time) {
		sk_reset_timer(sk, &sk->sk_timer, jiffies + time - idle);
		return;
	}
	if ((user_timeout && as->ka_probes_out &&
	     idle >= msecs_to_jiffies(user_timeout)) ||
	    (!user_timeout && as->ka_probes_out >= atcp_ka_probes(sk))) {
		atcp_send_active_reset(sk, GFP_ATOMIC);
		atcp_event(sk, ATCP_EV_TIMEOUT_GIVE_UP);
		return;
	}
	atcp_send_probe(sk);
	as->ka_probes_out++;
	ATCP_INC_STATS(sock_net(sk), ATCP_MIB_KEEPALIVEPROBES);
	sk_reset_timer(sk, &sk->sk_timer, jiffies + atcp_ka_intvl(sk));
}

/*
 * An orphan's time in FIN-WAIT-2 ran out: it goes quietly, or, under a
 * negative TCP_LINGER2, at once with a RST (Linux: TCPAbortOnLinger).
 */
static void atcp_fin_wait2_timeout(struct sock *sk)
{
	if (atcp_sk(sk)->opts.linger2 >= 0) {
		atcp_event(sk, ATCP_EV_TIMEOUT_FIN_WAIT2);
		return;
	}
	ATCP_INC_STATS(sock_net(sk), ATCP_MIB_ABORTONLINGER);
	if (atcp_event(sk, ATCP_EV_ABORT))
		atcp_done(sk);
}

static void atcp_misc_timer_fn(struct timer_list *t)
{
	struct sock *sk = from_timer(sk, t, sk_timer);

	bh_lock_sock(sk);
	if (sock_owned_by_user(sk))
		sk_reset_timer(sk, &sk->sk_timer, jiffies + ATCP_TIMER_RETRY);
	else if (sk->sk_state == TCP_FIN_WAIT2 && sock_flag(sk, SOCK_DEAD))
		atcp_fin_wait2_timeout(sk);
	else if (sock_flag(sk, SOCK_KEEPOPEN) && atcp_keepalive_state(sk))
		atcp_keepalive_timeout(sk);
	bh_unlock_sock(sk);
	sock_put(sk);
}

void atcp_init_timers(struct sock *sk)
{
	struct atcp_sock *as = atcp_sk(sk);

	timer_setup(&as->rtx_timer, atcp_rtx_timer_fn, 0);
	timer_setup(&as->delack_timer, atcp_delack_timer_fn, 0);
	timer_setup(&sk->sk_timer, atcp_misc_timer_fn, 0);
	hrtimer_init(&as->comp_sack_timer, CLOCK_MONOTONIC,
		     HRTIMER_MODE_REL_PINNED_SOFT);
	as->comp_sack_timer.function = atcp_comp_sack_fn;
	atcp_pacing_init(sk);
}

void atcp_clear_timers(struct sock *sk)
{
	struct atcp_sock *as = atcp_sk(sk);

	sk_stop_timer(sk, &as->rtx_timer);
	sk_stop_timer(sk, &as->delack_timer);
	sk_stop_timer(sk, &sk->sk_timer);
	as->ack_pending = 0;
	as->comp_sacks = 0;
	if (hrtimer_try_to_cancel(&as->comp_sack_timer) == 1)
		__sock_put(sk);
	atcp_pacing_stop(sk, false);
}

/*
 * How long an orphan stays in FIN-WAIT-2: TCP_LINGER2, or else the
 * fin_timeout sysctl, and at least three and a half RTOs so that the
 * peer's FIN, retransmitted, may still come (Linux: tcp_fin_time()).
 * TCP_LINGER2 below 0: not at all.
 */
static unsigned long atcp_fin_time(struct sock *sk)
{
	const struct atcp_sysctl *s = &atcp_net(sock_net(sk))->sysctl;
	struct atcp_sock *as = atcp_sk(sk);
	unsigned long rto = atcp_rto_jiffies(as);
	unsigned long tmo;

	if (as->opts.linger2 < 0)
		return 0;
	tmo = as->opts.linger2 ? : READ_ONCE(s->fin_timeout) * HZ;
	return max(tmo, (rto << 2) - (rto >> 1));
}

/*
 * Arm sk->sk_timer for the state the socket is in: the FIN-WAIT-2 timeout
 * of an orphan, or keepalive for the rest of the keepalive time (counted
 * from when the peer last spoke), or nothing.
 */
void atcp_reset_keepalive(struct sock *sk)
{
	unsigned long time, idle;

	if (sk->sk_state == TCP_FIN_WAIT2 && sock_flag(sk, SOCK_DEAD)) {
		sk_reset_timer(sk, &sk->sk_timer, jiffies + atcp_fin_time(sk));
		return;
	}
	if (!sock_flag(sk, SOCK_KEEPOPEN) || !atcp_keepalive_state(sk)) {
		sk_stop_timer(sk, &sk->sk_timer);
		return;
	}
	time = atcp_ka_time(sk);
	idle = atcp_idle_time(atcp_sk(sk));
	sk_reset_timer(sk, &sk->sk_timer,
		       jiffies + (idle < time ? time - idle : 0));
}

/* SO_KEEPALIVE (proto->keepalive), before the socket flag changes. */
void atcp_set_keepalive(struct sock *sk, int val)
{
	if ((1 << sk->sk_state) & (TCPF_CLOSE | TCPF_LISTEN))
		return;
	if (val && !sock_flag(sk, SOCK_KEEPOPEN)) {
		atcp_sk(sk)->ka_probes_out = 0;
		sock_set_flag(sk, SOCK_KEEPOPEN);
		atcp_reset_keepalive(sk);
	} else if (!val && !(sk->sk_state == TCP_FIN_WAIT2 &&
			     sock_flag(sk, SOCK_DEAD))) {
		sk_stop_timer(sk, &sk->sk_timer);
	}
}

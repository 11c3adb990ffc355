// SPDX-License-Identifier: GPL-2.0
/*
 * atcp receive path.
 *
 * A netfilter hook at NF_INET_LOCAL_IN sees every TCP segment for this
 * host.  It claims (NF_STOLEN) exactly the segments that belong to an atcp
 * connection, listener or TIME_WAIT entry, answers segments for an atcp
 * port with no matching socket with a reset, and leaves everything else
 * to Linux TCP (NF_ACCEPT).  Claimed segments are validated, then
 * processed in the order RFC 9293 3.10.7 gives, with the decisions taken
 * by the pure engine (atcp_fsm.c) and its checks.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/slab.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <net/icmp.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/tcp.h>

#include "atcp.h"
#include "atcp_cookie.h"
#include "atcp_mib.h"
#include "atcp_opt.h"

/* ---- validation ----------------------------------------------------------- */

/*
 * Header length and checksum of a claimed segment, pulled to its TCP
 * header.  Done once, in the hook, before the segment may be queued.
 */
int atcp_check_header(struct net *net, struct sk_buff *skb)
{
	const struct tcphdr *th = tcp_hdr(skb);
	unsigned int doff = th->doff * 4;

	if (doff < sizeof(struct tcphdr) || !pskb_may_pull(skb, doff))
		goto bad;
	if (atcp_skb_v6(skb) ?
	    skb_checksum_init(skb, IPPROTO_TCP, ip6_compute_pseudo) :
	    skb_checksum_init(skb, IPPROTO_TCP, inet_compute_pseudo))
		goto csum;
	if (!skb_csum_unnecessary(skb) && __skb_checksum_complete(skb))
		goto csum;
	return 0;
csum:
	ATCP_INC_STATS(net, ATCP_MIB_INCSUMERRORS);
bad:
	ATCP_INC_STATS(net, ATCP_MIB_INERRS);
	return -EINVAL;
}

/*
 * How many segments @skb stands for: a GRO'd skb holds gso_segs of them,
 * received whole.  Counted as Linux counts them (tcp_segs_in()), so that
 * tcpi_segs_in does not depend on GRO.
 */
static u16 atcp_skb_segs(const struct sk_buff *skb)
{
	return max_t(u16, 1, skb_shinfo(skb)->gso_segs);
}

/* Flags and options of a checked segment; malformed ones are refused. */
static int atcp_parse_seg(struct net *net, const struct sk_buff *skb,
			  struct atcp_seg *seg)
{
	const struct tcphdr *th = tcp_hdr(skb);
	unsigned int doff = th->doff * 4;
	u8 flags = ((const u8 *)th)[13];

	/* Impossible combinations: SYN+FIN, SYN+RST, and nothing at all. */
	if ((flags & TCPHDR_SYN) && (flags & (TCPHDR_FIN | TCPHDR_RST)))
		goto bad;
	if (!(flags & (TCPHDR_SYN | TCPHDR_ACK | TCPHDR_RST | TCPHDR_FIN)))
		goto bad;
	memset(&seg->opts, 0, sizeof(seg->opts));
	if (doff > sizeof(struct tcphdr) &&
	    atcp_opt_parse((const u8 *)(th + 1), doff - sizeof(*th),
			   flags & TCPHDR_SYN, &seg->opts))
		goto bad;
	seg->seq = ntohl(th->seq);
	seg->ack = ntohl(th->ack_seq);
	seg->len = skb->len - doff;
	seg->wnd = ntohs(th->window);
	seg->segs = atcp_skb_segs(skb);
	seg->flags = flags;
	return 0;
bad:
	ATCP_INC_STATS(net, ATCP_MIB_INERRS);
	return -EINVAL;
}

/* ---- helpers ---------------------------------------------------------------- */

/* SEG.LEN of RFC 9293: the sequence space it takes, SYN and FIN included. */
static u32 atcp_seg_seqlen(const struct atcp_seg *seg)
{
	return seg->len + !!atcp_seg_has(seg, TCPHDR_SYN) +
	       !!atcp_seg_has(seg, TCPHDR_FIN);
}

/*
 * A reset for a segment @sk refuses.  Over IPv6 it carries the segment's
 * flow label if @sk reflects labels, and none otherwise, as Linux's
 * tcp_v6_send_reset() does for a socket.
 */
static void atcp_send_reset_for(struct sock *sk, struct sk_buff *skb)
{
	int reflect = 0;

#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family == AF_INET6)
		reflect = atcp_inet6(sk)->repflow;
#endif
	__atcp_send_reset(sock_net(sk), skb, reflect);
}

/*
 * At most one ACK per invalid_ratelimit for segments out of the window
 * (Linux: __tcp_oow_rate_limited()), so that a peer sending them fast,
 * or two ends that disagree about the window, cannot make us answer
 * each one.  True (and counted in @mib) when this one gets no answer.
 */
static bool __atcp_oow_rate_limited(struct sock *sk, int mib)
{
	struct net *net = sock_net(sk);
	struct atcp_sock *as = atcp_sk(sk);
	u32 last = READ_ONCE(as->last_oow_ack), now = jiffies;
	unsigned long gap;

	gap = msecs_to_jiffies(READ_ONCE(atcp_net(net)->sysctl.invalid_ratelimit));
	if (last && (s32)(now - last) >= 0 && now - last < gap) {
		ATCP_INC_STATS(net, mib);
		return true;
	}
	WRITE_ONCE(as->last_oow_ack, now ? now : 1);
	return false;
}

/* Data without a SYN is not an ACK loop: it is always answered. */
static bool atcp_oow_rate_limited(struct sock *sk, const struct atcp_seg *seg,
				  int mib)
{
	if (seg->len && !atcp_seg_has(seg, TCPHDR_SYN))
		return false;
	return __atcp_oow_rate_limited(sk, mib);
}

/*
 * The namespace's quota of challenge ACKs for this second: between half
 * and one and a half challenge_ack_limit, drawn anew each second so that
 * an attacker cannot count them (CVE-2016-5696).  As in Linux 6.1, the
 * default (INT_MAX) means no quota.
 */
static bool atcp_challenge_ack_allowed(struct net *net)
{
	struct atcp_net *an = atcp_net(net);
	u32 limit = READ_ONCE(an->sysctl.challenge_ack_limit);
	u32 now = jiffies / HZ, count;

	if (limit == INT_MAX)
		return true;
	if (now != READ_ONCE(an->challenge_stamp)) {
		WRITE_ONCE(an->challenge_stamp, now);
		WRITE_ONCE(an->challenge_count,
			   (limit + 1) / 2 + prandom_u32_max(limit));
	}
	count = READ_ONCE(an->challenge_count);
	if (!count)
		return false;
	WRITE_ONCE(an->challenge_count, count - 1);
	return true;
}

/* RFC 5961 challenge ACK, within both limits. */
static void atcp_challenge_ack(struct sock *sk)
{
	if (__atcp_oow_rate_limited(sk, ATCP_MIB_ACKSKIPPEDCHALLENGE) ||
	    !atcp_challenge_ack_allowed(sock_net(sk)))
		return;
	ATCP_INC_STATS(sock_net(sk), ATCP_MIB_CHALLENGEACKS);
	atcp_send_ack(sk);
}

/* Options of the handshake, from a SYN or SYN-ACK. */
static void atcp_apply_syn_options(struct sock *sk, const struct atcp_seg *seg)
{
	struct atcp_sock *as = atcp_sk(sk);
	const struct atcp_opts *o = &seg->opts;

	as->peer_mss = o->mss_ok ? o->mss : ATCP_DEFAULT_MSS;
	as->ws_ok = as->ws_ok && o->ws_ok;
	if (as->ws_ok) {
		as->snd_wscale = o->wscale;
	} else {
		as->snd_wscale = 0;
		as->rcv_wscale = 0;
	}
	as->ts_ok = as->ts_ok && o->ts_ok;
	if (as->ts_ok) {
		as->ts_recent = o->tsval;
		as->ts_recent_stamp = ktime_get_seconds();
	}
	/* We send SACK blocks only to a peer that permitted them. */
	as->sack_ok = as->sack_ok && o->sack_ok;
}

/* The receive sequence space of a connection whose peer's ISN is @irs. */
void atcp_init_rcv(struct sock *sk, u32 irs)
{
	struct atcp_sock *as = atcp_sk(sk);

	as->irs = irs;
	as->rcv_nxt = irs + 1;
	as->rcv_wup = as->rcv_nxt;
	as->copied_seq = as->rcv_nxt;
	as->rcv_rtt8_us = 0;
	as->rcv_rtt_time = 0;
	as->rcv_rtt_tsecr = 0;
}

static void atcp_path_mss(struct sock *sk)
{
	struct dst_entry *dst = __sk_dst_get(sk);

	atcp_sync_mss(sk, dst ? dst_mtu(dst) : 576);
}

/* The peer's window from a segment that may update it (RFC 9293 3.10.7.4). */
static void atcp_update_window(struct sock *sk, const struct atcp_seg *seg)
{
	struct atcp_sock *as = atcp_sk(sk);
	u32 wnd = seg->wnd;

	if (!atcp_seg_has(seg, TCPHDR_SYN))
		wnd <<= as->snd_wscale;
	if (atcp_seq_before(as->snd_wl1, seg->seq) ||
	    (as->snd_wl1 == seg->seq &&
	     !atcp_seq_before(seg->ack, as->snd_wl2))) {
		as->snd_wnd = wnd;
		as->snd_wl1 = seg->seq;
		as->snd_wl2 = seg->ack;
		if (wnd > as->max_window)
			as->max_window = wnd;
	}
}

/*
 * Send buffer auto-tuning: room for twice the congestion window.  Also
 * when the connection is established (Linux: tcp_sndbuf_expand()), so
 * that the first window finds its data queued: with wmem's default of
 * 16 kB, a writer would stall at the first 16 kB, and a window past it
 * would send the stalled write's small end as a segment of its own.
 */
void atcp_sndbuf_grow(struct sock *sk)
{
	struct atcp_sock *as = atcp_sk(sk);
	int max = READ_ONCE(atcp_net(sock_net(sk))->sysctl.wmem[2]);
	int want;

	/* not while atcp is short of memory (Linux: tcp_should_expand_sndbuf()) */
	if ((sk->sk_userlocks & SOCK_SNDBUF_LOCK) ||
	    sk_under_memory_pressure(sk) ||
	    sk_memory_allocated(sk) >= sk_prot_mem_limits(sk, 0))
		return;
	want = min_t(u64, (u64)as->cwnd * as->mss_cache * 4, max);
	if (want > READ_ONCE(sk->sk_sndbuf))
		WRITE_ONCE(sk->sk_sndbuf, want);
}

/* ---- acknowledgements and congestion control (NewReno) ---------------------- */

/* @cb's data was just delivered: if it was never resent, note where. */
static void atcp_reord_note(struct atcp_sock *as, const struct atcp_skb_cb *cb)
{
	if (!cb->retrans && atcp_seq_before(cb->seq, as->reord_low))
		as->reord_low = cb->seq;
}

/*
 * After an ACK: data never resent was delivered below what had been
 * SACKed before (@prior_fack), so it came late, overtaken by what was
 * sent after it.  The path reorders by that many segments: raise the
 * dupthresh ("reordering") to match, up to max_reordering (Linux:
 * tcp_check_sack_reordering()).
 */
static void atcp_reord_check(struct sock *sk, u32 prior_fack)
{
	struct atcp_sock *as = atcp_sk(sk);
	u32 fack = atcp_seq_after(as->high_sacked, prior_fack) ?
		   as->high_sacked : prior_fack;
	u32 metric, max;

	if (!atcp_seq_before(as->reord_low, prior_fack))
		return;
	metric = fack - as->reord_low;
	if (metric > (u32)as->reordering * as->mss_cache) {
		max = READ_ONCE(atcp_net(sock_net(sk))->sysctl.max_reordering);
		as->reordering = min_t(u32, DIV_ROUND_UP(metric, as->mss_cache),
				       max);
	}
	as->reord_seen++;
	ATCP_INC_STATS(sock_net(sk), ATCP_MIB_SACKREORDER);
}

/*
 * SO_TIMESTAMPING's ACK timestamp, when @ack is the first to cover the
 * byte of @skb it was asked for (Linux: tcp_ack_tstamp()).
 */
static void atcp_ack_tstamp(struct sock *sk, struct sk_buff *skb, u32 ack)
{
	const struct atcp_skb_cb *cb = ATCP_SKB_CB(skb);

	if (likely(!cb->txstamp_ack))
		return;
	if (!atcp_seq_before(cb->tskey, atcp_sk(sk)->snd_una) &&
	    atcp_seq_before(cb->tskey, ack))
		__skb_tstamp_tx(skb, NULL, NULL, sk, SCM_TSTAMP_ACK);
}

/* Free what @ack covers from the write queue; sample the RTT (Karn). */
static u32 atcp_clean_rtx_queue(struct sock *sk, u32 ack)
{
	struct atcp_sock *as = atcp_sk(sk);
	bool retrans_acked = false;
	u32 now = atcp_now_us(as);
	struct sk_buff *skb;
	u32 acked = 0;
	s32 rtt = -1;

	while ((skb = skb_peek(&sk->sk_write_queue))) {
		struct atcp_skb_cb *cb = ATCP_SKB_CB(skb);

		atcp_ack_tstamp(sk, skb, ack);
		if (atcp_seq_after(cb->end_seq, ack))
			break;
		if (!cb->sacked) {
			atcp_rack_delivered(&as->rack, cb->sent_us, cb->end_seq,
					    cb->retrans, now,
					    as->rto.min_rtt_us);
			atcp_reord_note(as, cb);
		}
		/*
		 * Karn: never a retransmitted skb, nor one sent since the
		 * last timeout rewound snd_nxt.  Nor one SACKed earlier: its
		 * RTT was taken when the SACK came.  The oldest skb gives
		 * the sample, as Linux's first_ackt does.
		 */
		if (cb->retrans)
			retrans_acked = true;
		else if (rtt < 0 && skb != as->send_head && !cb->sacked)
			rtt = now - cb->sent_us;
		acked += cb->end_seq - cb->seq;
		if (cb->sacked)
			as->sacked_out -= cb->end_seq - cb->seq;
		atcp_clear_lost(as, skb);
		if (skb == as->send_head)
			as->send_head = atcp_write_queue_next(sk, skb);
		__skb_unlink(skb, &sk->sk_write_queue);
		atcp_wmem_free_skb(sk, skb);
	}
	/*
	 * An ACK that also covers retransmitted data filled a hole: what
	 * sat above the hole in the peer's out-of-order queue (unSACKed when
	 * the SACK blocks ran out or were lost) was held there for the
	 * whole recovery, and its "RTT" would inflate the RTO by that much
	 * (Linux: FLAG_RETRANS_DATA_ACKED).
	 */
	if (rtt >= 0 && !retrans_acked)
		atcp_rtt_sample(sk, rtt ? rtt : 1);
	return acked;
}

/*
 * @bytes were newly acknowledged or SACKed: segments delivered, and those
 * the peer reported with ECE (tcpi_delivered, tcpi_delivered_ce).  The
 * SYN or FIN counts as one.
 */
static void atcp_count_delivered(struct atcp_sock *as,
				 const struct atcp_seg *seg, u32 bytes)
{
	u32 segs;

	if (!bytes)
		return;
	segs = DIV_ROUND_UP(bytes, as->mss_cache);
	as->delivered += segs;
	if (atcp_ecn_echo(as->ecn_flags, seg->flags))
		as->delivered_ce += segs;
}

/*
 * Congestion without a loss (Linux: tcp_enter_cwr()): the peer echoed a
 * congestion mark (@ece, RFC 3168 6.1.2), or a qdisc of this host dropped
 * or marked a segment on its way out.  Cut the window as for a loss, once
 * per window of data and not during loss recovery, with nothing to
 * resend; PRR brings it down over the next round trip, and after an ECE
 * the next new data tells the peer with CWR.  Unlike a loss, this cut is
 * never undone.
 */
void atcp_enter_cwr(struct sock *sk, bool ece)
{
	struct atcp_sock *as = atcp_sk(sk);

	if (as->in_recovery || as->in_loss ||
	    (as->ecn_flags & ATCP_ECN_IN_CWR))
		return;
	as->undo_on = 0;
	atcp_prr_init(&as->prr, as->cwnd);
	as->ssthresh = atcp_cong_ssthresh(as);
	as->cwnd_cnt = 0;
	as->cwr_high = as->snd_max;
	as->ecn_flags |= ATCP_ECN_IN_CWR;
	if (ece) {
		as->ecn_flags |= ATCP_ECN_QUEUE_CWR;
		ATCP_INC_STATS(sock_net(sk), ATCP_MIB_ECNCWR);
	}
}

static bool atcp_mtu_probe_lost(struct sock *sk);

/* RFC 5681 3.2 / RFC 6582: the dupthresh'th duplicate ACK (reordering). */
static void atcp_fast_retransmit(struct sock *sk)
{
	struct atcp_sock *as = atcp_sk(sk);
	struct sk_buff *skb = skb_peek(&sk->sk_write_queue);

	if (!skb || skb == as->send_head || atcp_mtu_probe_lost(sk))
		return;
	as->ssthresh = atcp_loss_ssthresh(as);
	as->cwnd = as->ssthresh + 3;
	as->recover = as->snd_max;
	as->in_recovery = 1;
	ATCP_INC_STATS(sock_net(sk), ATCP_MIB_FASTRETRANS);
	atcp_retransmit_skb(sk, skb);
}

/*
 * A D-SACK (RFC 2883 4): the first block reports data the peer got twice,
 * below the cumulative ACK or inside the second block.  A retransmission
 * was spurious, so RACK's reordering window was too small.
 */
static bool atcp_dsack_rcv(struct sock *sk, const struct atcp_seg *seg)
{
	const struct atcp_sack_block *b = seg->opts.sacks;
	struct atcp_sock *as = atcp_sk(sk);

	if (!atcp_seq_before(b[0].start, b[0].end))
		return false;
	if (!atcp_seq_before(b[0].start, seg->ack) &&
	    (seg->opts.num_sacks < 2 ||
	     atcp_seq_before(b[0].start, b[1].start) ||
	     atcp_seq_after(b[0].end, b[1].end)))
		return false;
	ATCP_INC_STATS(sock_net(sk), ATCP_MIB_DSACKRECV);
	atcp_rack_dsack(&as->rack, as->snd_una, as->snd_max,
			READ_ONCE(atcp_net(sock_net(sk))->sysctl.recovery));
	/*
	 * Every segment resent since the window was cut came back twice:
	 * nothing was lost, undo the cut (Linux: tcp_try_undo_dsack()).
	 */
	if (as->undo_on && as->undo_retrans > 0 &&
	    !atcp_seq_before(b[0].start, as->undo_marker)) {
		as->undo_retrans -= max_t(u32, DIV_ROUND_UP(b[0].end - b[0].start,
							    as->mss_cache), 1);
		if (as->undo_retrans <= 0) {
			as->cwnd = max(as->cwnd, as->prior_cwnd);
			as->ssthresh = max(as->ssthresh, as->prior_ssthresh);
			as->undo_on = 0;
			ATCP_INC_STATS(sock_net(sk), ATCP_MIB_DSACKUNDO);
		}
	}
	return true;
}

/*
 * Mark what the SACK blocks of @seg cover (RFC 2018), splitting skbs at
 * block edges, and tell RACK what they delivered.  Returns the bytes
 * newly SACKed; *@rearm says whether some of them were sent before the
 * oldest outstanding skb last was: the network is still delivering, so
 * the retransmission timer starts again, as an ACK of new data would
 * restart it (Linux: FLAG_SET_XMIT_TIMER from a SACK RTT).  *@orig says
 * whether some were never resent and sent before recover (F-RTO's test).
 */
static u32 atcp_sack_mark(struct sock *sk, const struct atcp_seg *seg,
			  bool *rearm, bool *orig)
{
	struct atcp_sock *as = atcp_sk(sk);
	struct sk_buff *head = skb_peek(&sk->sk_write_queue);
	u32 head_sent = head ? ATCP_SKB_CB(head)->sent_us : 0;
	u32 now = atcp_now_us(as);
	u32 newly = 0;
	s32 rtt = -1;
	int i;

	for (i = atcp_dsack_rcv(sk, seg); i < seg->opts.num_sacks; i++) {
		u32 start = seg->opts.sacks[i].start;
		u32 end = seg->opts.sacks[i].end;
		struct sk_buff *skb;

		/* Stale or bogus blocks change nothing here. */
		if (!atcp_seq_before(start, end) ||
		    !atcp_seq_after(end, as->snd_una) ||
		    atcp_seq_after(end, as->snd_max))
			continue;
		if (atcp_seq_before(start, as->snd_una))
			start = as->snd_una;

		skb = skb_peek(&sk->sk_write_queue);
		while (skb) {
			struct atcp_skb_cb *cb = ATCP_SKB_CB(skb);

			if (!atcp_seq_before(cb->seq, end) ||
			    !atcp_seq_before(cb->seq, as->snd_max))
				break;
			if (cb->sacked || !atcp_seq_after(cb->end_seq, start) ||
			    (cb->flags & TCPHDR_SYN) || !skb->len)
				goto next;
			if (atcp_seq_before(cb->seq, start)) {
				if (atcp_fragment(sk, skb, start - cb->seq))
					break;
				goto next;
			}
			if (atcp_seq_after(cb->end_seq, end) &&
			    atcp_fragment(sk, skb, end - cb->seq))
				break;
			atcp_clear_lost(as, skb);
			cb->sacked = 1;
			atcp_rack_delivered(&as->rack, cb->sent_us, cb->end_seq,
					    cb->retrans, now,
					    as->rto.min_rtt_us);
			atcp_reord_note(as, cb);
			if (!cb->retrans) {
				rtt = now - cb->sent_us;
				if ((s32)(head_sent - cb->sent_us) > 0)
					*rearm = true;
				if (!atcp_seq_after(cb->end_seq, as->recover))
					*orig = true;
			}
			newly += cb->end_seq - cb->seq;
			if (atcp_seq_after(cb->end_seq, as->high_sacked))
				as->high_sacked = cb->end_seq;
next:
			skb = atcp_write_queue_next(sk, skb);
		}
	}
	as->sacked_out += newly;
	if (rtt >= 0)
		atcp_rtt_sample(sk, rtt ? rtt : 1);
	return newly;
}

static bool atcp_rack_on(const struct sock *sk)
{
	return READ_ONCE(atcp_net(sock_net(sk))->sysctl.recovery) &
	       ATCP_RACK_LOSS_DETECTION;
}

/*
 * RACK (RFC 8985 6.2 step 5): mark what was sent before the latest
 * delivered segment and is overdue by its RTT plus the reordering window.
 * Leaves in as->reo_wait_us how long until the next one may count as lost.
 */
static void atcp_rack_detect(struct sock *sk)
{
	struct atcp_sock *as = atcp_sk(sk);
	int mode = READ_ONCE(atcp_net(sock_net(sk))->sysctl.recovery);
	bool dupthresh_met = as->sacked_out >=
			     (u32)as->reordering * as->mss_cache;
	u32 now = atcp_now_us(as), reo_wnd, wait;
	struct sk_buff *skb;

	reo_wnd = atcp_rack_reo_wnd(&as->rack, as->rto.min_rtt_us,
				    as->rto.srtt_us,
				    as->in_recovery || as->in_loss,
				    dupthresh_met, mode);
	as->reo_wait_us = 0;
	skb_queue_walk(&sk->sk_write_queue, skb) {
		struct atcp_skb_cb *cb = ATCP_SKB_CB(skb);

		if (skb == as->send_head)
			break;
		if (cb->sacked || cb->lost)
			continue;
		if (!atcp_rack_lost(&as->rack, cb->sent_us, cb->end_seq,
				    reo_wnd, now, &wait)) {
			as->reo_wait_us = max(as->reo_wait_us, wait);
			continue;
		}
		atcp_mark_lost(as, skb);
		ATCP_INC_STATS(sock_net(sk), ATCP_MIB_RACKLOST);
	}
}

/*
 * Without RACK (recovery=0), an skb is taken for lost (RFC 6675 IsLost)
 * once dupthresh segments' worth of data above it was SACKed, and sent
 * again at most once per recovery episode unless that copy is overdue.
 */
static bool atcp_dupthresh_lost(struct atcp_sock *as, struct sk_buff *skb,
				u32 sacked_above)
{
	struct atcp_skb_cb *cb = ATCP_SKB_CB(skb);
	u32 reo_us = max_t(u32, 2 * as->rto.srtt_us, 5000);

	if (sacked_above < (u32)as->reordering * as->mss_cache)
		return false;
	return cb->rexmit_epoch != as->recovery_epoch ||
	       atcp_now_us(as) - cb->sent_us >= reo_us;
}

/*
 * Without RACK: mark the holes below the highest SACK that dupthresh
 * segments' worth of SACKed data lies above (RFC 6675 IsLost).
 */
static void atcp_dupthresh_detect(struct sock *sk)
{
	struct atcp_sock *as = atcp_sk(sk);
	u32 sacked_below = 0;
	struct sk_buff *skb;

	skb_queue_walk(&sk->sk_write_queue, skb) {
		struct atcp_skb_cb *cb = ATCP_SKB_CB(skb);

		if (skb == as->send_head ||
		    !atcp_seq_before(cb->end_seq, as->high_sacked))
			break;
		if (cb->sacked) {
			sacked_below += cb->end_seq - cb->seq;
			continue;
		}
		if (!cb->lost &&
		    atcp_dupthresh_lost(as, skb, as->sacked_out - sacked_below))
			atcp_mark_lost(as, skb);
	}
}

/* Once per ACK in a reduction: the window PRR allows (atcp_prr.h). */
static void atcp_cwnd_reduction(struct sock *sk, u32 delivered,
				bool una_advanced_no_loss)
{
	struct atcp_sock *as = atcp_sk(sk);
	u32 mss = as->mss_cache;

	as->cwnd = atcp_prr_cwnd(&as->prr, as->cwnd, as->ssthresh,
				 DIV_ROUND_UP(atcp_inflight(as), mss),
				 DIV_ROUND_UP(delivered, mss),
				 una_advanced_no_loss);
}

/*
 * Loss is found at snd_una, where an MTU probe went: the segments after
 * it arrived, so it was too large for the path (RFC 4821 7.6.2), not a
 * sign of congestion.  Lower the search and send it again in segments of
 * the MSS, without a window cut, as after a timeout (Linux:
 * tcp_mtup_probe_failed(), tcp_simple_retransmit()).  True when so.
 */
static bool atcp_mtu_probe_lost(struct sock *sk)
{
	struct atcp_sock *as = atcp_sk(sk);
	struct sk_buff *skb = skb_peek(&sk->sk_write_queue);

	if (likely(!as->mtup.probe_size) || !skb ||
	    as->snd_una != as->mtup.probe_seq || as->in_recovery ||
	    as->in_loss || (as->ecn_flags & ATCP_ECN_IN_CWR) ||
	    skb->len <= as->mss_cache)
		return false;
	atcp_plpmtu_failed(&as->mtup);
	ATCP_INC_STATS(sock_net(sk), ATCP_MIB_MTUPFAIL);
	as->cwnd++;		/* what sending it took back */
	atcp_mark_lost(as, skb);
	as->ssthresh = atcp_current_ssthresh(as);
	as->undo_on = 0;
	as->frto = 0;
	as->recover = as->snd_max;
	as->in_loss = 1;
	atcp_retransmit_lost(sk);
	return true;
}

/*
 * The MTU probe arrived: segments of its size pass.  The window keeps
 * its bytes in the larger segments (Linux: tcp_mtup_probe_success()).
 */
static void atcp_mtu_probe_passed(struct sock *sk)
{
	struct atcp_sock *as = atcp_sk(sk);

	as->cwnd = atcp_plpmtu_scale_cwnd(as->cwnd,
					  atcp_mss_to_mtu(sk, as->mss_cache),
					  as->mtup.probe_size);
	as->cwnd_cnt = 0;
	as->ssthresh = atcp_current_ssthresh(as);
	atcp_plpmtu_passed(&as->mtup);
	atcp_sync_mss(sk, as->pmtu_cookie);
	ATCP_INC_STATS(sock_net(sk), ATCP_MIB_MTUPSUCCESS);
}

/*
 * Loss recovery driven by SACK and RACK, for an ACK that delivered
 * @delivered bytes: take segments for lost, enter recovery at the first,
 * bring the window down by PRR, and send the lost ones again within it.
 * What the window has left goes to new data (atcp_push()).
 */
static void atcp_sack_recovery(struct sock *sk, u32 delivered,
			       bool una_advanced)
{
	struct atcp_sock *as = atcp_sk(sk);
	bool rack = atcp_rack_on(sk);
	u32 prior_lost;
	struct sk_buff *skb;

	/*
	 * Only the head can hold acknowledged data: drop that first, so
	 * that marks of lost and the pipe count only what is outstanding.
	 */
	skb = skb_peek(&sk->sk_write_queue);
	if (skb && skb != as->send_head &&
	    atcp_seq_before(ATCP_SKB_CB(skb)->seq, as->snd_una))
		atcp_trim_acked(sk, skb);
	prior_lost = as->lost_out;
	if (rack) {
		atcp_rack_detect(sk);
		if (!as->lost_out && !as->in_recovery)
			return;
	} else {
		if (!as->sacked_out)
			return;
		if (!as->in_recovery &&
		    as->sacked_out < (u32)as->reordering * as->mss_cache &&
		    as->dupacks < as->reordering)
			return;
	}
	/*
	 * After a timeout, until what was sent before it is acknowledged,
	 * lost segments are sent again without another cut: the timeout
	 * made the one this window gets (Linux: the Loss state).  An ECE's
	 * reduction under way goes on (Linux: tcp_enter_recovery()).
	 */
	if (!as->in_recovery && !as->in_loss) {
		if (atcp_mtu_probe_lost(sk))
			return;
		if (!(as->ecn_flags & ATCP_ECN_IN_CWR))
			atcp_prr_init(&as->prr, as->cwnd);
		atcp_undo_arm(as);
		as->ssthresh = atcp_loss_ssthresh(as);
		as->cwnd_cnt = 0;
		as->recover = as->snd_max;
		as->in_recovery = 1;
		as->recovery_epoch++;
		ATCP_INC_STATS(sock_net(sk), ATCP_MIB_FASTRETRANS);
	}
	/* after the entry: what this episode resent is not lost again */
	if (!rack)
		atcp_dupthresh_detect(sk);
	if (as->in_recovery)
		atcp_cwnd_reduction(sk, delivered,
				    una_advanced && as->lost_out == prior_lost);
	atcp_retransmit_lost(sk);
}

/*
 * The reordering timer fired: what RACK waited for is now overdue, or was
 * delivered meanwhile: what the window has room for of the lost segments
 * goes out.
 */
void atcp_rack_timeout(struct sock *sk)
{
	struct atcp_sock *as = atcp_sk(sk);

	if (as->snd_una == as->snd_max || !atcp_rack_on(sk))
		goto rearm;
	/*
	 * Recovery that begins here counts one segment delivered, so PRR
	 * lets the retransmission out (Linux: tcp_rack_reo_timeout()).
	 */
	atcp_sack_recovery(sk, as->in_recovery ? 0 : as->mss_cache, false);
	if (as->reo_wait_us) {
		atcp_arm_reo_timer(sk, as->reo_wait_us);
		return;
	}
rearm:
	if (as->snd_una != as->snd_max)
		atcp_reset_rtx_timer(sk);
}

/*
 * Would an ACK up to @ack deliver data never resent that went out before
 * recover?  Not what was SACKed before (F-RTO's FLAG_ORIG_SACK_ACKED).
 */
static bool atcp_orig_acked(struct sock *sk, u32 ack)
{
	struct atcp_sock *as = atcp_sk(sk);
	struct sk_buff *skb;

	skb_queue_walk(&sk->sk_write_queue, skb) {
		const struct atcp_skb_cb *cb = ATCP_SKB_CB(skb);

		/* all of it or its head: a GSO skb may be acked in part */
		if (!atcp_seq_before(cb->seq, ack) ||
		    !atcp_seq_before(cb->seq, as->recover))
			break;
		if (!cb->retrans && !cb->sacked)
			return true;
	}
	return false;
}

/*
 * After going back N, the first skb from send_head on that was never
 * sent (sends end at skb edges), or NULL.
 */
static struct sk_buff *atcp_first_unsent(struct sock *sk)
{
	struct atcp_sock *as = atcp_sk(sk);
	struct sk_buff *skb = as->send_head;

	while (skb && atcp_seq_before(ATCP_SKB_CB(skb)->seq, as->snd_max))
		skb = atcp_write_queue_next(sk, skb);
	return skb;
}

/*
 * F-RTO found the timeout spurious: what was sent before it is in flight
 * after all.  Its cut is undone and sending goes on where it had got,
 * without resending the rest (Linux: tcp_try_undo_loss(sk, true)).
 */
static void atcp_frto_undo(struct sock *sk)
{
	struct atcp_sock *as = atcp_sk(sk);

	as->cwnd = max(as->cwnd, as->prior_cwnd);
	as->ssthresh = max(as->ssthresh, as->prior_ssthresh);
	as->undo_on = 0;
	as->in_loss = 0;
	as->frto = 0;
	atcp_clear_all_lost(sk);
	as->send_head = atcp_first_unsent(sk);
	as->snd_nxt = as->snd_max;
	ATCP_INC_STATS(sock_net(sk), ATCP_MIB_SPURIOUSRTOS);
}

/*
 * F-RTO step 2b: the first ACK after a timeout advanced.  Instead of
 * going on back N, send new data (the window's room after this ACK,
 * atcp_push() at its end): what was outstanding is taken for lost
 * meanwhile, and resent only if the next ACKs show it was.  False when
 * there is no new data or no window for it.
 */
static bool atcp_frto_new_data(struct sock *sk)
{
	struct atcp_sock *as = atcp_sk(sk);
	struct sk_buff *skb;

	if (!atcp_seq_after(as->snd_una + as->snd_wnd, as->snd_max))
		return false;
	skb = atcp_first_unsent(sk);
	if (!skb)
		return false;
	while (as->send_head != skb) {
		if (!ATCP_SKB_CB(as->send_head)->sacked)
			atcp_mark_lost(as, as->send_head);
		as->send_head = atcp_write_queue_next(sk, as->send_head);
	}
	as->snd_nxt = as->snd_max;
	return true;
}

/*
 * F-RTO (RFC 5682 3.1, the SACK-enhanced form, as Linux's
 * tcp_process_loss()): was the timeout spurious, the data only delayed?
 * @orig: this ACK delivered data never resent that was sent before the
 * timeout; @una_advanced: it acknowledged new data; @more_loss: it is a
 * duplicate ACK or SACKed something.
 */
static void atcp_frto(struct sock *sk, bool orig, bool una_advanced,
		      bool more_loss)
{
	struct atcp_sock *as = atcp_sk(sk);

	/* step 3b: not all was lost; the timeout was spurious */
	if (orig) {
		atcp_frto_undo(sk);
		return;
	}
	if (atcp_seq_after(as->snd_max, as->recover)) {
		/* step 3a: new data went out, yet the loss shows: go back N */
		if (more_loss) {
			as->frto = 0;
			atcp_go_back_n(sk);
		}
	} else if (una_advanced && atcp_seq_before(as->snd_una, as->recover)) {
		/* step 2b; recover then marks the data sent before it */
		as->recover = as->snd_max;
		if (!atcp_frto_new_data(sk))
			as->frto = 0;
	}
}

/*
 * An acceptable ACK (RFC 9293 3.10.7.4, fifth check) in a synchronized
 * state.  Returns true when it acknowledged our FIN.
 */
static bool atcp_ack(struct sock *sk, const struct atcp_seg *seg)
{
	struct atcp_sock *as = atcp_sk(sk);
	u32 prior_wnd = as->snd_wnd;
	u32 ack = seg->ack;
	u32 acked, delivered, sacked = 0;
	bool rearm = false, orig = false;
	u32 prior_fack = atcp_seq_after(as->high_sacked, as->snd_una) ?
			 as->high_sacked : as->snd_una;

	as->last_ack_recv = jiffies;
	/* the peer is alive: keepalive and window probes were answered */
	as->ka_probes_out = 0;
	as->probes_out = 0;
	as->reo_wait_us = 0;
	as->reord_low = as->snd_max;
	if (as->sack_ok && seg->opts.num_sacks)
		sacked = atcp_sack_mark(sk, seg, &rearm, &orig);
	if ((as->ecn_flags & ATCP_ECN_IN_CWR) &&
	    atcp_seq_after(ack, as->cwr_high)) {
		/* the reduction is over (Linux: tcp_end_cwnd_reduction()) */
		as->ecn_flags &= ~ATCP_ECN_IN_CWR;
		as->cwnd = as->ssthresh;
	}
	if (atcp_ecn_echo(as->ecn_flags, seg->flags))
		atcp_enter_cwr(sk, true);
	delivered = sacked + (atcp_seq_after(ack, as->snd_una) ?
			      ack - as->snd_una : 0);
	atcp_count_delivered(as, seg, delivered);
	if (ack == as->snd_una) {
		bool dupack;

		atcp_reord_check(sk, prior_fack);
		atcp_update_window(sk, seg);
		/*
		 * RFC 5681: a duplicate ACK carries no data and does not open
		 * the window (a window that shrinks as the peer queues
		 * out-of-order data still counts, as in Linux).
		 */
		dupack = !seg->len && as->snd_wnd <= prior_wnd &&
			 !atcp_seg_has(seg, TCPHDR_SYN | TCPHDR_FIN) &&
			 as->snd_max != as->snd_una;
		if (as->in_loss && as->frto)
			atcp_frto(sk, orig, false, dupack || sacked);
		if (dupack) {
			u32 prior_dupacks = as->dupacks;

			/* identical ACKs merged in the backlog count each */
			as->dupacks = min_t(u32, prior_dupacks + seg->segs,
					    U8_MAX);
			if (as->sack_ok)
				atcp_sack_recovery(sk, sacked, false);
			else if (as->in_recovery)
				as->cwnd += seg->segs;	/* inflate */
			else if (prior_dupacks < as->reordering &&
				 as->dupacks >= as->reordering &&
				 !as->in_loss)
				atcp_fast_retransmit(sk);
		} else if (as->sack_ok && sacked) {
			atcp_sack_recovery(sk, sacked, false);
		}
		/* in recovery, atcp_sack_recovery() went on with it */
		if ((as->ecn_flags & ATCP_ECN_IN_CWR) && !as->in_recovery)
			atcp_cwnd_reduction(sk, sacked, false);
		atcp_rack_ack_done(&as->rack);
		if (as->reo_wait_us)
			atcp_arm_reo_timer(sk, as->reo_wait_us);
		else if (rearm && as->snd_una != as->snd_max)
			atcp_reset_rtx_timer(sk);
		/*
		 * What the peer SACKed left the pipe, a window update or PRR
		 * may allow more, a dupack without SACK is limited transmit's.
		 */
		atcp_update_pacing_rate(sk);
		atcp_push(sk, ATCP_NAGLE_SOCK);
		/* what went out may take notsent below its mark */
		atcp_write_space(sk);
		return false;
	}

	/* New data acknowledged. */
	if (as->in_loss && as->frto && atcp_orig_acked(sk, ack))
		orig = true;
	acked = atcp_clean_rtx_queue(sk, ack);
	atcp_reord_check(sk, prior_fack);
	atcp_rack_ack_done(&as->rack);
	as->bytes_acked += ack - as->snd_una;
	as->snd_una = ack;
	if (atcp_seq_before(as->snd_nxt, ack))
		as->snd_nxt = ack;
	/* the urgent data is through: no segment needs the pointer now */
	if (as->urg_mode && !atcp_seq_before(ack, as->snd_up))
		as->urg_mode = 0;
	as->dupacks = 0;
	as->retransmits = 0;
	as->probe_backoff = 0;
	as->probes_start = 0;
	as->tlp_out = 0;
	as->retrans_start = 0;
	atcp_rto_reset_backoff(&as->rto);
	if (unlikely(as->mtup.probe_size) &&
	    !atcp_seq_after(as->mtup.probe_end_seq, ack))
		atcp_mtu_probe_passed(sk);
	atcp_update_window(sk, seg);
	if (as->in_loss && as->frto)
		atcp_frto(sk, orig, true, sacked);
	if (as->in_loss && !atcp_seq_before(ack, as->recover))
		as->in_loss = 0;

	if (as->in_recovery) {
		if (!atcp_seq_before(ack, as->recover)) {
			/*
			 * Full ACK: leave recovery at ssthresh, or where
			 * D-SACKs undid the cut (Linux:
			 * tcp_end_cwnd_reduction()).  Without SACK, with a
			 * window deflated to what is in flight (RFC 6582).
			 */
			if (!as->sack_ok)
				as->cwnd = min_t(u32, as->ssthresh,
						 atcp_flight_segs(as) + 1);
			else if (as->undo_on)
				as->cwnd = as->ssthresh;
			else
				as->cwnd = max(as->cwnd, as->prior_cwnd);
			as->in_recovery = 0;
			atcp_rack_recovery_done(&as->rack);
			/* what RACK marked lost above recover: a new episode */
			if (as->sack_ok && as->sacked_out)
				atcp_sack_recovery(sk, delivered, true);
		} else if (as->sack_ok) {
			atcp_sack_recovery(sk, delivered, true);
		} else {
			/* Partial ACK: retransmit the next hole. */
			struct sk_buff *skb = skb_peek(&sk->sk_write_queue);
			u32 segs = DIV_ROUND_UP(acked, as->mss_cache);

			as->cwnd = as->cwnd > segs ? as->cwnd - segs + 1 : 1;
			if (skb && skb != as->send_head)
				atcp_retransmit_skb(sk, skb);
		}
	} else {
		if (as->sack_ok && sacked)
			atcp_sack_recovery(sk, delivered, true);
		/* the window grows again once the ECE round is over */
		if (as->ecn_flags & ATCP_ECN_IN_CWR)
			atcp_cwnd_reduction(sk, delivered, true);
		else if (!as->in_recovery)
			atcp_cong_avoid(as, acked);
		atcp_sndbuf_grow(sk);
	}

	if (as->snd_una == as->snd_max)
		atcp_stop_rtx_timer(sk);
	else if (as->reo_wait_us)
		atcp_arm_reo_timer(sk, as->reo_wait_us);
	else
		atcp_arm_tlp_timer(sk);

	atcp_update_pacing_rate(sk);
	atcp_push(sk, ATCP_NAGLE_SOCK);
	atcp_write_space(sk);	/* it wakes writers only if there is room */
	return as->fin_queued && as->snd_una == as->write_seq;
}

/* ---- data -------------------------------------------------------------------- */

static void atcp_fin(struct sock *sk)
{
	struct atcp_sock *as = atcp_sk(sk);

	as->rcv_nxt++;
	sk->sk_shutdown |= RCV_SHUTDOWN;
	sock_set_flag(sk, SOCK_DONE);
	skb_queue_purge(&as->ooo_queue);
	/* The engine acknowledges the FIN (SEND_ACK). */
	atcp_event(sk, ATCP_EV_RCV_FIN);
	if (!sock_flag(sk, SOCK_DEAD)) {
		sk->sk_state_change(sk);
		if (sk->sk_shutdown == SHUTDOWN_MASK ||
		    sk->sk_state == TCP_CLOSE)
			sk_wake_async(sk, SOCK_WAKE_WAITD, POLL_HUP);
		else
			sk_wake_async(sk, SOCK_WAKE_WAITD, POLL_IN);
	}
}

/*
 * A segment with URG set points at urgent data (RFC 9293 3.8.5), at the
 * byte before SEG.SEQ + SEG.UP as BSD and Linux read it, or at that one
 * under stdurg (RFC 1122's reading).  Only a pointer beyond what was
 * already received and newer than the one known counts: the reader gets
 * SIGURG, and the byte, when it comes, is taken out of the stream for
 * recv(MSG_OOB) (Linux: tcp_check_urg()).
 */
static void atcp_check_urg(struct sock *sk, const struct atcp_seg *seg,
			   u16 urg_ptr)
{
	struct atcp_sock *as = atcp_sk(sk);
	u32 ptr = urg_ptr;

	if (ptr && !READ_ONCE(atcp_net(sock_net(sk))->sysctl.stdurg))
		ptr--;
	ptr += seg->seq;

	/* already read, or behind data already received: not new */
	if (atcp_seq_after(as->copied_seq, ptr) ||
	    atcp_seq_before(ptr, as->rcv_nxt))
		return;
	/* a pointer that is the known one, or older */
	if (as->urg_data && !atcp_seq_after(ptr, as->urg_seq))
		return;

	sk_send_sigurg(sk);

	/*
	 * The reader stands at the older urgent byte, not taken yet: a new
	 * pointer replaces it, and that byte must not come back as data
	 * (it left the stream when it became urgent).  Stepping over it
	 * keeps sockatmark() true only for the new one.
	 */
	if (as->urg_data && as->urg_seq == as->copied_seq &&
	    !sock_flag(sk, SOCK_URGINLINE) && as->copied_seq != as->rcv_nxt) {
		struct sk_buff *skb = skb_peek(&sk->sk_receive_queue);

		WRITE_ONCE(as->copied_seq, as->copied_seq + 1);
		if (skb && !atcp_seq_before(as->copied_seq,
					    ATCP_SKB_CB(skb)->seq + skb->len)) {
			__skb_unlink(skb, &sk->sk_receive_queue);
			consume_skb(skb);
		}
	}
	WRITE_ONCE(as->urg_data, ATCP_URG_NOTYET);
	WRITE_ONCE(as->urg_seq, ptr);
}

/*
 * Step six of RFC 9293 3.10.7.4, for @skb (at its TCP header): note a new
 * urgent pointer, and take the urgent byte when this segment holds it,
 * wherever it falls in the window (Linux: tcp_urg()).
 */
static void atcp_urg(struct sock *sk, const struct sk_buff *skb,
		     const struct atcp_seg *seg)
{
	struct atcp_sock *as = atcp_sk(sk);
	const struct tcphdr *th = tcp_hdr(skb);
	u32 off;
	u8 byte;

	if (unlikely(th->urg))
		atcp_check_urg(sk, seg, ntohs(th->urg_ptr));
	if (likely(as->urg_data != ATCP_URG_NOTYET))
		return;
	off = as->urg_seq - seg->seq;
	if (off >= seg->len ||
	    skb_copy_bits(skb, th->doff * 4 + off, &byte, 1))
		return;
	WRITE_ONCE(as->urg_data, ATCP_URG_VALID | byte);
	if (!sock_flag(sk, SOCK_DEAD))
		sk->sk_data_ready(sk);
}

/*
 * @from's data joined @to: a reader of it gets @from's receive time
 * (SO_TIMESTAMP*), the latest, as Linux's tcp_try_coalesce() gives it.
 */
static void atcp_take_rx_tstamp(struct sk_buff *to, struct sk_buff *from)
{
	if (from->tstamp || skb_hwtstamps(from)->hwtstamp) {
		to->tstamp = from->tstamp;
		skb_hwtstamps(to)->hwtstamp = skb_hwtstamps(from)->hwtstamp;
	}
}

/* Append an in-order skb (pulled to its payload) to the receive queue. */
static void atcp_queue_rcv(struct sock *sk, struct sk_buff *skb)
{
	struct atcp_sock *as = atcp_sk(sk);
	struct atcp_skb_cb *cb = ATCP_SKB_CB(skb);
	struct sk_buff *tail = skb_peek_tail(&sk->sk_receive_queue);
	bool fragstolen;
	int delta;

	as->rcv_nxt = cb->seq + skb->len;
	as->bytes_received += skb->len;
	as->data_segs_in += atcp_skb_segs(skb);
	as->last_data_recv = jiffies;
	/*
	 * Copy a segment into the room left at the end of the queue's last
	 * buffer when it fits (Linux: tcp_try_coalesce()): each skb costs
	 * far more than a small segment holds, and a queue of them would
	 * fill the receive buffer long before the window the peer was
	 * offered.  The reader finds the bytes by sequence (seq, len),
	 * which appending keeps contiguous.  Only the copy: moving page
	 * fragments over trusts the truesize of buffers that GRO and
	 * forwarding built, and skb_try_coalesce() warns when one is low.
	 */
	if (tail && ATCP_SKB_CB(tail)->seq + tail->len == cb->seq &&
	    skb->len <= skb_tailroom(tail) &&
	    skb_try_coalesce(tail, skb, &fragstolen, &delta)) {
		atcp_take_rx_tstamp(tail, skb);
		atomic_add(delta, &sk->sk_rmem_alloc);	/* 0 for a copy */
		sk_mem_charge(sk, delta);
		ATCP_INC_STATS(sock_net(sk), ATCP_MIB_RCVCOALESCE);
		kfree_skb_partial(skb, fragstolen);
		return;
	}
	skb_set_owner_r(skb, sk);
	__skb_queue_tail(&sk->sk_receive_queue, skb);
}

/*
 * Data in [@start, @end) came twice: report it in the next ACK, as the
 * first SACK block (D-SACK, RFC 2883), so that the sender learns its
 * retransmission was spurious.  A newer duplicate replaces an older one.
 */
static void atcp_dsack_set(struct sock *sk, u32 start, u32 end, int mib)
{
	struct atcp_sock *as = atcp_sk(sk);

	if (!as->sack_ok || !READ_ONCE(atcp_net(sock_net(sk))->sysctl.dsack))
		return;
	as->dsack_start = start;
	as->dsack_end = end;
	as->dsack_pending = 1;
	ATCP_INC_STATS(sock_net(sk), mib);
}

/* Move segments that became in order from the out-of-order queue. */
static void atcp_ofo_drain(struct sock *sk)
{
	struct atcp_sock *as = atcp_sk(sk);
	struct sk_buff *skb;

	while ((skb = skb_peek(&as->ooo_queue))) {
		struct atcp_skb_cb *cb = ATCP_SKB_CB(skb);
		u32 end = cb->seq + skb->len;
		bool fin = cb->flags & TCPHDR_FIN;

		if (atcp_seq_after(cb->seq, as->rcv_nxt))
			break;
		__skb_unlink(skb, &as->ooo_queue);
		if (!atcp_seq_after(end, as->rcv_nxt)) {
			kfree_skb(skb);
			if (fin && end == as->rcv_nxt) {
				atcp_fin(sk);
				return;
			}
			continue;
		}
		pskb_pull(skb, as->rcv_nxt - cb->seq);
		cb->seq = as->rcv_nxt;
		atcp_queue_rcv(sk, skb);
		if (fin) {
			atcp_fin(sk);
			return;
		}
	}
}

/*
 * The receive buffer is over its size: drop out-of-order data from the
 * top of the queue down, not below @seq, until it is within the size
 * again, in steps of an eighth of it so that this does not run for each
 * segment.  What lies nearest the hole is what in-order data will soon
 * reach; the sender resends the rest, which it took for SACKed, after a
 * timeout (Linux: tcp_prune_ofo_queue()).  True when anything went.
 */
static bool atcp_ofo_prune(struct sock *sk, u32 seq)
{
	struct atcp_sock *as = atcp_sk(sk);
	int goal = READ_ONCE(sk->sk_rcvbuf) >> 3;
	bool pruned = false;
	struct sk_buff *skb;

	while ((skb = skb_peek_tail(&as->ooo_queue)) &&
	       !atcp_seq_before(ATCP_SKB_CB(skb)->seq, seq)) {
		__skb_unlink(skb, &as->ooo_queue);
		goal -= skb->truesize;
		kfree_skb(skb);
		pruned = true;
		if (goal <= 0) {
			if (atomic_read(&sk->sk_rmem_alloc) <= sk->sk_rcvbuf)
				break;
			goal = READ_ONCE(sk->sk_rcvbuf) >> 3;
		}
	}
	if (pruned)
		ATCP_INC_STATS(sock_net(sk), ATCP_MIB_OFOPRUNED);
	return pruned;
}

/*
 * A buffer whose cost in receive buffer offers less window than it holds
 * (Linux's test in tcp_collapse()): a small segment in a buffer sized for
 * a large one, or in the page fragments a peer's small writes left.
 */
static bool atcp_skb_bloated(const struct sock *sk, const struct sk_buff *skb)
{
	return atcp_win_from_space(sk, skb->truesize) > skb->len;
}

/* Free @skb, whose bytes are copied or held twice; the buffer after it. */
static struct sk_buff *atcp_collapse_one(struct sock *sk,
					 struct sk_buff_head *list,
					 struct sk_buff *skb)
{
	struct sk_buff *next = skb->next;

	__skb_unlink(skb, list);
	consume_skb(skb);
	ATCP_INC_STATS(sock_net(sk), ATCP_MIB_RCVCOLLAPSED);
	return next;
}

/*
 * Copy the bytes [@start, @end) that the buffers of @list from @skb up to
 * @stop hold, sorted and without a gap, into new buffers of a page each,
 * and free the old ones (Linux: tcp_collapse()).  Full enough buffers at
 * the start stay as they are.  A buffer with a FIN ends the run, so that
 * the FIN stays on its last byte.  The reader finds its bytes by
 * sequence, as in any buffer; bytes below @start are gone when the
 * buffer that holds them is copied: on the receive queue, @start is what
 * the reader took already.
 */
static void atcp_collapse(struct sock *sk, struct sk_buff_head *list,
			  struct sk_buff *skb, struct sk_buff *stop,
			  u32 start, u32 end)
{
	struct atcp_skb_cb *cb;

	for (;; skb = skb->next) {
		if (skb == stop)
			return;
		cb = ATCP_SKB_CB(skb);
		/* a FIN without data holds nothing, yet must stay */
		while (!(cb->flags & TCPHDR_FIN) &&
		       !atcp_seq_before(start, cb->seq + skb->len)) {
			/* nothing new: held twice on the out-of-order queue */
			skb = atcp_collapse_one(sk, list, skb);
			if (skb == stop)
				return;
			cb = ATCP_SKB_CB(skb);
		}
		if (cb->flags & TCPHDR_FIN)
			return;
		if (atcp_seq_before(cb->seq, start) ||
		    atcp_skb_bloated(sk, skb))
			break;
		start = cb->seq + skb->len;
	}

	while (atcp_seq_before(start, end)) {
		int copy = min_t(int, SKB_MAX_ORDER(0, 0), end - start);
		struct atcp_skb_cb *ncb;
		struct sk_buff *nskb;

		nskb = alloc_skb(copy, GFP_ATOMIC);
		if (!nskb)
			return;
		ncb = ATCP_SKB_CB(nskb);	/* zeroed by alloc_skb() */
		ncb->seq = start;
		ncb->end_seq = start;
		__skb_queue_before(list, skb, nskb);
		skb_set_owner_r(nskb, sk);

		while (copy > 0) {
			u32 seq = ATCP_SKB_CB(skb)->seq;
			int size = seq + skb->len - start;

			/* the run has no gap: each buffer starts at or below */
			if (WARN_ON_ONCE(atcp_seq_after(seq, start)))
				return;
			if (size > 0) {
				size = min(copy, size);
				if (WARN_ON_ONCE(skb_copy_bits(skb, start - seq,
							       skb_tail_pointer(nskb),
							       size)))
					return;
				skb_put(nskb, size);
				ncb->end_seq += size;
				copy -= size;
				start += size;
			}
			if (atcp_seq_before(start, seq + skb->len))
				continue;
			skb = atcp_collapse_one(sk, list, skb);
			if (skb == stop || (ATCP_SKB_CB(skb)->flags & TCPHDR_FIN))
				return;
		}
	}
}

/*
 * Copy each run of out-of-order buffers without a gap into fuller ones
 * (Linux: tcp_collapse_ofo_queue()).  A lone buffer smaller than a page
 * is left as it is; once such buffers hold an eighth of the receive
 * buffer, copying the rest does not pay.
 */
static void atcp_collapse_ofo(struct sock *sk)
{
	struct sk_buff_head *ooo = &atcp_sk(sk)->ooo_queue;
	struct sk_buff *head, *skb = skb_peek(ooo);
	u32 start, end, truesize, tiny = 0;

	while (skb) {
		head = skb;
		start = ATCP_SKB_CB(skb)->seq;
		end = start + skb->len;
		truesize = skb->truesize;
		while ((skb = skb_peek_next(skb, ooo)) &&
		       !atcp_seq_after(ATCP_SKB_CB(skb)->seq, end)) {
			truesize += skb->truesize;
			if (atcp_seq_after(ATCP_SKB_CB(skb)->seq + skb->len, end))
				end = ATCP_SKB_CB(skb)->seq + skb->len;
		}
		if (truesize != head->truesize ||
		    end - start >= SKB_MAX_ORDER(0, 0)) {
			atcp_collapse(sk, ooo, head,
				      skb ? : (struct sk_buff *)ooo, start, end);
		} else {
			tiny += truesize;
			if (tiny > READ_ONCE(sk->sk_rcvbuf) >> 3)
				return;
		}
	}
}

static bool atcp_rcvbuf_within(const struct sock *sk)
{
	return atomic_read(&sk->sk_rmem_alloc) <= READ_ONCE(sk->sk_rcvbuf);
}

/*
 * The receive buffer is over its size: offer no more window, and make
 * room without losing data first, by copying costly buffers into fuller
 * ones, then by dropping out-of-order data above @seq (Linux:
 * tcp_prune_queue()).  True when the buffer is within its size again.
 */
static bool atcp_prune_queue(struct sock *sk, u32 seq)
{
	struct sk_buff_head *rcvq = &sk->sk_receive_queue;

	ATCP_INC_STATS(sock_net(sk), ATCP_MIB_PRUNECALLED);
	atcp_clamp_window(sk);
	atcp_collapse_ofo(sk);
	if (!skb_queue_empty(rcvq))
		atcp_collapse(sk, rcvq, skb_peek(rcvq), (struct sk_buff *)rcvq,
			      atcp_sk(sk)->copied_seq, atcp_sk(sk)->rcv_nxt);
	if (atcp_rcvbuf_within(sk))
		return true;
	atcp_ofo_prune(sk, seq);
	return atcp_rcvbuf_within(sk);
}

/*
 * Protocol memory for @skb (atcp_mem.c; Linux: tcp_try_rmem_schedule()).
 * When atcp is short of it, out-of-order data from the top of the queue
 * down to @seq makes room; false when that is not enough.
 */
static bool atcp_rmem_schedule(struct sock *sk, struct sk_buff *skb, u32 seq)
{
	while (!sk_rmem_schedule(sk, skb, skb->truesize))
		if (!atcp_ofo_prune(sk, seq))
			return false;
	return true;
}

/* Insert into the out-of-order queue, kept sorted by sequence. */
static void atcp_ofo_insert(struct sock *sk, struct sk_buff *skb)
{
	struct atcp_sock *as = atcp_sk(sk);
	struct atcp_skb_cb *cb = ATCP_SKB_CB(skb);
	struct sk_buff *pos;

	/* room for it, at the cost of what lies above it if need be */
	if (!atcp_rcvbuf_within(sk) && !atcp_prune_queue(sk, cb->seq)) {
		ATCP_INC_STATS(sock_net(sk), ATCP_MIB_OFODROP);
		kfree_skb(skb);
		return;
	}
	if (!atcp_rmem_schedule(sk, skb, cb->seq)) {
		ATCP_INC_STATS(sock_net(sk), ATCP_MIB_OFODROP);
		kfree_skb(skb);
		return;
	}
	ATCP_INC_STATS(sock_net(sk), ATCP_MIB_OFOQUEUE);
	as->ooo_last_seq = cb->seq;
	skb_queue_reverse_walk(&as->ooo_queue, pos) {
		struct atcp_skb_cb *pcb = ATCP_SKB_CB(pos);

		if (!atcp_seq_after(pcb->seq, cb->seq)) {
			if (pcb->seq == cb->seq && pos->len >= skb->len) {
				atcp_dsack_set(sk, cb->seq, cb->seq + skb->len,
					       ATCP_MIB_DSACKOFOSENT);
				kfree_skb(skb);		/* a duplicate */
				return;
			}
			break;
		}
	}
	/* the sender still needs window while it repairs the hole */
	atcp_grow_window(sk, skb);
	skb_set_owner_r(skb, sk);
	if (pos == (struct sk_buff *)&as->ooo_queue)
		__skb_queue_head(&as->ooo_queue, skb);
	else
		__skb_queue_after(&as->ooo_queue, pos, skb);
}

/*
 * New data came in @skb: its CE mark is to be echoed, its CWR ends the
 * echo (RFC 3168 6.1.3).  The ACK that tells the sender goes at once.
 */
static void atcp_ecn_rcv(struct sock *sk, const struct sk_buff *skb,
			 const struct atcp_seg *seg)
{
	struct atcp_sock *as = atcp_sk(sk);
	bool ack_now;

	as->ecn_flags = atcp_ecn_rcv_data(as->ecn_flags, seg->flags,
					  atcp_skb_ecn(skb), &ack_now);
	if (ack_now)
		as->quickack = max_t(u8, as->quickack, 2);
}

/*
 * The receiver's RTT, which paces receive-buffer auto-tuning (Linux:
 * tcp_rcv_rtt_measure_ts()).  A full-sized segment with a new echo of
 * our timestamp gives a sample: the time since we sent that TSval.  A
 * smaller one may have waited on the sender's application, and says
 * nothing of the path.  The peer's segments are taken to be as large as
 * ours, or as our MSS allows.
 */
static void atcp_rcv_rtt_measure_ts(struct sock *sk,
				    const struct atcp_seg *seg)
{
	struct atcp_sock *as = atcp_sk(sk);
	u32 delta_ms;

	if (!as->ts_ok || !seg->opts.ts_ok || !seg->opts.tsecr ||
	    seg->opts.tsecr == as->rcv_rtt_tsecr)
		return;
	as->rcv_rtt_tsecr = seg->opts.tsecr;
	if (seg->len < min_t(u32, as->mss_cache, as->advmss))
		return;
	delta_ms = atcp_tsval(as) - seg->opts.tsecr;
	if (delta_ms >= INT_MAX / USEC_PER_MSEC)
		return;			/* an echo from the future, or ancient */
	as->rcv_rtt8_us = atcp_rcv_rtt_update(as->rcv_rtt8_us,
					      max(delta_ms, 1U) * USEC_PER_MSEC,
					      false);
}

/*
 * Without timestamps (Linux: tcp_rcv_rtt_measure()): the time the data
 * up to a window beyond the last measure took to arrive.  The sender
 * may not have filled that window, so this bounds the RTT from above.
 */
static void atcp_rcv_rtt_measure(struct sock *sk)
{
	struct atcp_sock *as = atcp_sk(sk);
	u32 now = atcp_now_us(as);

	if (as->rcv_rtt_time) {
		if (atcp_seq_before(as->rcv_nxt, as->rcv_rtt_seq))
			return;
		as->rcv_rtt8_us = atcp_rcv_rtt_update(as->rcv_rtt8_us,
						      max(now - as->rcv_rtt_time, 1U),
						      true);
	}
	as->rcv_rtt_seq = as->rcv_nxt + as->rcv_wnd;
	as->rcv_rtt_time = now ? : 1;
}

/*
 * The segment's text and FIN (RFC 9293 3.10.7.4, seventh and eighth
 * checks).  Consumes @skb.
 */
static void atcp_data_queue(struct sock *sk, struct sk_buff *skb,
			    const struct atcp_seg *seg)
{
	struct atcp_sock *as = atcp_sk(sk);
	struct atcp_skb_cb *cb = ATCP_SKB_CB(skb);
	bool fin = atcp_seg_has(seg, TCPHDR_FIN);
	u32 seq = seg->seq + !!atcp_seg_has(seg, TCPHDR_SYN);
	u32 end = seq + seg->len;
	bool filled_gap;

	__skb_pull(skb, tcp_hdr(skb)->doff * 4);
	skb_dst_drop(skb);
	skb_orphan(skb);
	cb->seq = seq;
	cb->end_seq = end + fin;
	cb->flags = seg->flags;

	if (!seg->len && !fin) {
		kfree_skb(skb);
		return;
	}
	atcp_rcv_rtt_measure_ts(sk, seg);
	/* Nothing new: an old duplicate, answer at once (RFC 9293). */
	if (!atcp_seq_after(end + fin, as->rcv_nxt)) {
		if (seg->len)
			atcp_dsack_set(sk, seq, end, ATCP_MIB_DSACKOLDSENT);
		kfree_skb(skb);
		atcp_send_ack(sk);
		return;
	}
	if (seg->len)
		atcp_ecn_rcv(sk, skb, seg);
	if (atcp_seq_after(seq, as->rcv_nxt)) {
		atcp_ofo_insert(sk, skb);
		atcp_ofo_ack(sk);	/* duplicate ACK: fast retransmit */
		return;
	}
	if (!atcp_rcvbuf_within(sk) && seg->len &&
	    !atcp_prune_queue(sk, seq)) {
		/*
		 * In-order data goes first: out-of-order data above the hole
		 * is gone, if need be, and a buffer up to twice over its size
		 * still takes it.
		 */
		if (atomic_read(&sk->sk_rmem_alloc) > 2 * sk->sk_rcvbuf) {
			/* No room: drop without acking, the peer resends. */
			ATCP_INC_STATS(sock_net(sk), ATCP_MIB_RCVQDROP);
			kfree_skb(skb);
			return;
		}
	}
	/*
	 * Protocol memory for the data, which a reader that emptied its
	 * queue always gets, even beyond the limits (Linux:
	 * sk_forced_mem_schedule()), so that every connection moves.
	 */
	if (seg->len && !skb_queue_empty(&sk->sk_receive_queue) &&
	    !atcp_rmem_schedule(sk, skb, seq)) {
		ATCP_INC_STATS(sock_net(sk), ATCP_MIB_RCVQDROP);
		/* the reader, if any, has data to make room with */
		if (!sock_flag(sk, SOCK_DEAD))
			sk->sk_data_ready(sk);
		kfree_skb(skb);
		return;
	}
	if (atcp_seq_before(seq, as->rcv_nxt)) {
		atcp_dsack_set(sk, seq, as->rcv_nxt, ATCP_MIB_DSACKOLDSENT);
		pskb_pull(skb, as->rcv_nxt - seq);
		cb->seq = as->rcv_nxt;
	}
	/* RFC 5681 4.2: a segment that fills a gap is acked at once. */
	filled_gap = !skb_queue_empty(&as->ooo_queue);
	if (skb->len) {
		atcp_grow_window(sk, skb);
		atcp_queue_rcv(sk, skb);
		atcp_rcv_rtt_measure(sk);
	} else {
		kfree_skb(skb);
	}
	if (fin)
		atcp_fin(sk);
	else
		atcp_ofo_drain(sk);

	if (!sock_flag(sk, SOCK_DEAD))
		sk->sk_data_ready(sk);

	if (sk->sk_state == TCP_CLOSE || fin)
		return;
	if (filled_gap || as->quickack || atcp_route_quickack(sk)) {
		if (as->quickack)
			as->quickack--;
		atcp_send_ack(sk);
	} else if (++as->segs_unacked >= 2) {
		/*
		 * An ACK for every second skb, whatever it holds.  Linux acks
		 * every skb of more than one MSS (a GRO'd or GSO skb); that
		 * rule cut single-stream throughput here from 1.30 to 0.87 of
		 * Linux's, with bimodal runs, for a cause not found yet (see
		 * Documentation/bench.rst).
		 */
		atcp_send_ack(sk);
	} else {
		atcp_schedule_ack(sk);
	}
}

/* ---- per-state processing ------------------------------------------------------ */

/* ---- the listener: SYN queue, syncookies, accept queue ------------------------ */

static void atcp_rcv_synchronized(struct sock *sk, struct sk_buff *skb,
				  const struct atcp_seg *seg);

/* Linux's sk_acceptq_is_full(): a backlog of N holds N + 1. */
static bool atcp_acceptq_full(struct sock *sk)
{
	return READ_ONCE(atcp_sk(sk)->accept_len) >
	       READ_ONCE(sk->sk_max_ack_backlog);
}

static void atcp_listen_drop(struct sock *sk)
{
	ATCP_INC_STATS(sock_net(sk), ATCP_MIB_LISTENDROPS);
}

/* The SYN queue is full: answer with a cookie, or drop the SYN. */
static bool atcp_syn_flood(struct sock *sk)
{
	struct atcp_sock *las = atcp_sk(sk);
	struct net *net = sock_net(sk);
	bool cookies = READ_ONCE(atcp_net(net)->sysctl.syncookies);

	if (cookies) {
		ATCP_INC_STATS(net, ATCP_MIB_REQQFULLDOCOOKIES);
		if (!las->synflood_warned && sk->sk_family == AF_INET6) {
			las->synflood_warned = 1;
			net_info_ratelimited("Possible SYN flooding on port [%pI6c]:%u. Sending cookies.\n",
					     &sk->sk_v6_rcv_saddr,
					     inet_sk(sk)->inet_num);
		} else if (!las->synflood_warned) {
			las->synflood_warned = 1;
			net_info_ratelimited("Possible SYN flooding on port %pI4:%u. Sending cookies.\n",
					     &inet_sk(sk)->inet_rcv_saddr,
					     inet_sk(sk)->inet_num);
		}
	} else {
		ATCP_INC_STATS(net, ATCP_MIB_REQQFULLDROP);
	}
	return cookies;
}

/* A SYN for listener @sk (RFC 9293 3.10.7.2, third check). */
static void atcp_conn_request(struct sock *sk, struct sk_buff *skb,
			      const struct atcp_seg *seg)
{
	struct atcp_sock *las = atcp_sk(sk);
	int mode = READ_ONCE(atcp_net(sock_net(sk))->sysctl.syncookies);
	bool cookie = mode == 2;
	struct atcp_req_ext ext;
	struct atcp_req *req = &ext.req;
	struct atcp_tfo_cookie foc;
	bool send_foc;

	if (!cookie &&
	    READ_ONCE(las->syn_len) >= atcp_max_syn_backlog(sk)) {
		cookie = atcp_syn_flood(sk);
		if (!cookie)
			goto drop;
	}
	if (atcp_acceptq_full(sk)) {
		ATCP_INC_STATS(sock_net(sk), ATCP_MIB_LISTENOVERFLOWS);
		goto drop;
	}
	atcp_req_from_syn(sk, skb, seg, &ext);
	/* no Fast Open with cookies, as in Linux: nothing may be kept */
	if (cookie) {
		if (atcp_cookie_send_synack(sk, req))
			goto drop;
		return;
	}
	if (atcp_fastopen_syn(sk, skb, seg, req, &foc, &send_foc))
		return;
	if (atcp_synq_add(sk, req, send_foc ? &foc : NULL))
		goto drop;
	return;
drop:
	atcp_listen_drop(sk);
}

/*
 * The third ACK of a handshake (or the first data after a lost one):
 * make the connection's socket from @req and let it process the segment
 * in SYN-RECEIVED.  @queued is @req when it is a SYN queue entry (not a
 * cookie's): it goes once the connection is made, or reset.
 */
static void atcp_req_complete(struct sock *sk, struct atcp_req *req,
			      bool queued, struct sk_buff *skb,
			      const struct atcp_seg *seg)
{
	struct net *net = sock_net(sk);
	struct sock *child;

	if (atcp_acceptq_full(sk)) {
		ATCP_INC_STATS(net, ATCP_MIB_LISTENOVERFLOWS);
		atcp_listen_drop(sk);
		/*
		 * abort_on_overflow: tell the client now.  Otherwise forget
		 * the ACK; the SYN-ACK retransmission brings it back later,
		 * when the application may have made room.
		 */
		if (READ_ONCE(atcp_net(net)->sysctl.abort_on_overflow)) {
			atcp_send_reset_for(sk, skb);
			if (queued)
				atcp_synq_drop(sk, req);
		}
		kfree_skb(skb);
		return;
	}
	child = sk_clone_lock(sk, GFP_ATOMIC);
	if (!child) {
		atcp_listen_drop(sk);
		kfree_skb(skb);
		return;
	}
	/* sk_clone_lock() returned the child locked; tell sparse. */
	__acquire(&child->sk_lock.slock);
	if (atcp_req_child(sk, child, req)) {
		bh_unlock_sock(child);
		atcp_listen_drop(sk);
		kfree_skb(skb);
		return;
	}
	sock_hold(sk);
	atcp_sk(child)->listener = sk;
	atcp_sk(child)->segs_in += atcp_skb_segs(skb);
	atcp_rcv_synchronized(child, skb, seg);
	if (child->sk_state == TCP_SYN_RECV) {
		/* refused in SYN-RECEIVED (PAWS): the request stays */
		sock_set_flag(child, SOCK_DEAD);
		atcp_done(child);
		bh_unlock_sock(child);
		return;
	}
	bh_unlock_sock(child);
	if (queued)
		atcp_synq_drop(sk, req);
}

/*
 * A Fast Open child for SYN @skb of request @req, made by listener @sk
 * (Linux: tcp_fastopen_create_child()): a socket in SYN-RECEIVED with the
 * SYN's data received, put on the accept queue at once, that sends its
 * SYN-ACK itself, with cookie @foc unless NULL, and resends it from its
 * write queue as a simultaneous open does.  A FIN on the SYN is left for
 * the client to send again.  False when no child could be made.
 */
bool atcp_fastopen_child(struct sock *sk, struct sk_buff *skb,
			 const struct atcp_seg *seg, const struct atcp_req *req,
			 const struct atcp_tfo_cookie *foc)
{
	struct sk_buff *data = NULL;
	struct atcp_sock *as;
	struct sock *child;

	if (seg->len) {
		data = skb_clone(skb, GFP_ATOMIC);
		if (!data)
			return false;
	}
	child = sk_clone_lock(sk, GFP_ATOMIC);
	if (!child) {
		kfree_skb(data);
		return false;
	}
	/* sk_clone_lock() returned the child locked; tell sparse. */
	__acquire(&child->sk_lock.slock);
	if (atcp_req_child(sk, child, req))
		goto fail;
	if (atcp_fastopen_child_init(sk, child, foc)) {
		sock_set_flag(child, SOCK_DEAD);
		atcp_done(child);
		goto fail;
	}
	as = atcp_sk(child);
	/* nothing sent yet: the SYN-ACK goes from the write queue */
	atcp_set_iss(as, req->iss);
	as->segs_in += atcp_skb_segs(skb);
	if (data) {
		struct atcp_skb_cb *cb = ATCP_SKB_CB(data);

		__skb_pull(data, tcp_hdr(data)->doff * 4);
		skb_dst_drop(data);
		cb->seq = seg->seq + 1;
		cb->end_seq = cb->seq + seg->len;
		cb->flags = seg->flags & ~(TCPHDR_SYN | TCPHDR_FIN);
		atcp_queue_rcv(child, data);
		as->rcv_wup = as->rcv_nxt;
		as->syn_data_acked = 1;
	}
	sock_hold(sk);
	as->listener = sk;
	atcp_child_enqueue(child);
	atcp_send_synack(child);
	bh_unlock_sock(child);
	return true;
fail:
	bh_unlock_sock(child);
	kfree_skb(data);
	return false;
}

/* A segment for a pending request: RFC 9293 3.10.7.4 in SYN-RECEIVED. */
static void atcp_req_rcv(struct sock *sk, struct atcp_req *req,
			 struct sk_buff *skb, const struct atcp_seg *seg)
{
	u32 seg_len = atcp_seg_seqlen(seg);
	u32 win = min_t(u32, atcp_win_from_space(sk, READ_ONCE(sk->sk_rcvbuf)),
			65535U);
	u32 rcv_nxt = req->irs + 1;

	/* A retransmitted SYN: the SYN-ACK got lost, send it again. */
	if ((seg->flags & (TCPHDR_SYN | TCPHDR_ACK | TCPHDR_RST)) ==
	    TCPHDR_SYN && seg->seq == req->irs) {
		atcp_send_synack_req(sk, req, req->iss,
				     atcp_req_tsval(sk, req), NULL);
		goto drop;
	}
	if (!atcp_seq_acceptable(seg->seq, seg_len, rcv_nxt, win)) {
		if (!atcp_seg_has(seg, TCPHDR_RST)) {
			u32 ts[2] = { atcp_req_tsval(sk, req), req->ts_recent };

			atcp_send_ctl(sock_net(sk), skb, req->iss + 1,
				      rcv_nxt, TCPHDR_ACK, win,
				      req->flags & ATCP_REQ_TS ? ts : NULL);
		}
		goto drop;
	}
	/* A RST, or a new SYN, in the window ends the attempt (as Linux). */
	if (atcp_seg_has(seg, TCPHDR_RST | TCPHDR_SYN)) {
		ATCP_INC_STATS(sock_net(sk), ATCP_MIB_ATTEMPTFAILS);
		if (!atcp_seg_has(seg, TCPHDR_RST))
			atcp_send_reset_for(sk, skb);
		atcp_synq_drop(sk, req);
		goto drop;
	}
	if (!atcp_seg_has(seg, TCPHDR_ACK))
		goto drop;
	if (seg->ack != req->iss + 1) {
		atcp_send_reset_for(sk, skb);	/* <SEQ=SEG.ACK><CTL=RST> */
		goto drop;
	}
	/*
	 * TCP_DEFER_ACCEPT: a bare ACK makes no connection yet; the first
	 * data will, or the ACK to the SYN-ACK sent when the deferral ends
	 * (Linux: tcp_check_req()).
	 */
	if (!seg_len && req->retransmits < READ_ONCE(atcp_sk(sk)->opts.defer_accept)) {
		atcp_synq_mark_acked(sk, req);
		ATCP_INC_STATS(sock_net(sk), ATCP_MIB_DEFERACCEPTDROP);
		goto drop;
	}
	atcp_req_complete(sk, req, true, skb, seg);
	return;
drop:
	kfree_skb(skb);
}

static int atcp_rcv(struct sock *sk, struct sk_buff *skb);

/*
 * The backlog holds what arrives while a reader or writer owns the socket,
 * counted with the receive queue against the buffers.  The queue only
 * shrinks once the owner lets go, and a full window of small buffers can
 * cost more than the receive buffer: some headroom, as Linux allows in
 * tcp_add_backlog(), so that data the window let in is not dropped.
 */
#define ATCP_BACKLOG_HEADROOM	(64 * 1024)

/*
 * Append @skb to the segment at the tail of the backlog of @sk when it
 * continues it, as Linux's tcp_add_backlog() does: a reader that holds
 * the socket while a window's worth arrives would otherwise queue one
 * buffer per segment, each with its own overhead counted against the
 * backlog's limit, and each processed on its own after.  Only a
 * connection's segments qualify (a listener's backlog mixes peers), and
 * only one that adds nothing but data, the latest acknowledgment and
 * window, PSH and FIN: the same options byte for byte (timestamps, SACK
 * blocks), the same DS field (a CE mark is counted per segment) and
 * ECE/CWR.  Identical pure ACKs merge too, counted in gso_segs.  True
 * when @skb was merged and freed.
 */
static bool atcp_backlog_coalesce(struct sock *sk, struct sk_buff *skb)
{
	struct sk_buff *tail = sk->sk_backlog.tail;
	struct tcphdr *th = tcp_hdr(skb), *tail_th;
	unsigned int hdrlen = th->doff * 4;
	struct skb_shared_info *tail_info;
	const u8 must_match = TCPHDR_ECE | TCPHDR_CWR;
	const u8 never = TCPHDR_SYN | TCPHDR_RST | TCPHDR_URG;
	u8 flags, tail_flags;
	__be32 ack_seq;
	__be16 window;
	bool fragstolen;
	int delta;

	if (!tail || (1 << sk->sk_state) & (TCPF_LISTEN | TCPF_SYN_SENT |
					    TCPF_CLOSE))
		return false;
	tail_th = tcp_hdr(tail);
	flags = tcp_flag_byte(th);
	tail_flags = tcp_flag_byte(tail_th);
	if (((flags | tail_flags) & never) || (tail_flags & TCPHDR_FIN) ||
	    !(flags & tail_flags & TCPHDR_ACK) ||
	    ((flags ^ tail_flags) & must_match) ||
	    tail_th->doff != th->doff ||
	    ntohl(tail_th->seq) + tail->len - hdrlen != ntohl(th->seq) ||
	    memcmp(tail_th + 1, th + 1, hdrlen - sizeof(*th)) ||
	    atcp_skb_dsfield(tail) != atcp_skb_dsfield(skb))
		return false;

	tail_info = skb_shinfo(tail);
	/*
	 * A segment from a sender on this host is a clone of the skb in its
	 * retransmission queue, and skb_try_coalesce() leaves a cloned
	 * tail alone: when what comes fits, give the tail a header of its
	 * own (its payload pages stay shared), once, and the segments
	 * after it can join it.
	 */
	if (skb_cloned(tail)) {
		if (tail_info->nr_frags + skb_shinfo(skb)->nr_frags +
		    (skb_headlen(skb) > hdrlen) > MAX_SKB_FRAGS ||
		    pskb_expand_head(tail, 0, 0, GFP_ATOMIC))
			return false;
		/* both moved with the new head */
		tail_th = tcp_hdr(tail);
		tail_info = skb_shinfo(tail);
	}
	ack_seq = th->ack_seq;
	window = th->window;

	__skb_pull(skb, hdrlen);
	if (!skb_try_coalesce(tail, skb, &fragstolen, &delta)) {
		__skb_push(skb, hdrlen);
		return false;
	}
	atcp_take_rx_tstamp(tail, skb);
	/* an ACK older than the tail's says nothing new of ours */
	if (!atcp_seq_before(ntohl(ack_seq), ntohl(tail_th->ack_seq))) {
		tail_th->ack_seq = ack_seq;
		tail_th->window = window;
	}
	tcp_flag_byte(tail_th) |= flags;	/* PSH, FIN */
	/* tcpi_segs_in and the count of duplicate ACKs go by it */
	tail_info->gso_segs = min_t(u32, atcp_skb_segs(skb) +
				    atcp_skb_segs(tail), 0xFFFF);
	sk->sk_backlog.len += delta;
	ATCP_INC_STATS(sock_net(sk), ATCP_MIB_BACKLOGCOALESCE);
	kfree_skb_partial(skb, fragstolen);
	return true;
}

/* @sk is bh-locked: process @skb now, or after its owner releases it. */
static void atcp_deliver_locked(struct sock *sk, struct sk_buff *skb)
{
	if (!sock_owned_by_user(sk)) {
		atcp_rcv(sk, skb);
	} else if (atcp_backlog_coalesce(sk, skb)) {
		return;
	} else if (unlikely(sk_add_backlog(sk, skb,
					   READ_ONCE(sk->sk_rcvbuf) +
					   READ_ONCE(sk->sk_sndbuf) +
					   ATCP_BACKLOG_HEADROOM))) {
		atomic_inc(&sk->sk_drops);
		ATCP_INC_STATS(sock_net(sk), ATCP_MIB_BACKLOGDROP);
		kfree_skb(skb);
	}
}

/*
 * A segment that waited for listener @sk (its lock, or its backlog) while
 * the request it belonged to became a connection: a third ACK and the data
 * behind it, processed one after the other.  Hand it to that connection,
 * as Linux looks up again when another CPU completed the request
 * (tcp_v4_rcv(), req_stolen).  True when it went there.
 */
static bool atcp_listen_to_child(struct sock *sk, struct sk_buff *skb)
{
	struct sock *child;

	rcu_read_lock();
	child = atcp_lookup_skb(sock_net(sk), skb);
	rcu_read_unlock();
	if (!child)
		return false;
	/* the listener may be locked: the child is the inner lock */
	bh_lock_sock(child);
	atcp_deliver_locked(child, skb);
	bh_unlock_sock(child);
	sock_put(child);
	return true;
}

static void atcp_listen_rcv(struct sock *sk, struct sk_buff *skb,
			    const struct atcp_seg *seg)
{
	struct atcp_req *req = atcp_synq_lookup(sk, skb);
	struct atcp_req_ext cookie;

	if (req) {
		atcp_req_rcv(sk, req, skb, seg);
		atcp_req_put(req);
		return;
	}
	if (atcp_seg_has(seg, TCPHDR_RST))
		goto drop;
	if (atcp_seg_has(seg, TCPHDR_ACK)) {
		if (atcp_listen_to_child(sk, skb))
			return;
		if (atcp_cookie_check_ack(sk, skb, seg, &cookie)) {
			atcp_req_complete(sk, &cookie.req, false, skb, seg);
			return;
		}
		atcp_send_reset_for(sk, skb);	/* RFC 9293: <SEQ=SEG.ACK> */
		goto drop;
	}
	if (atcp_seg_has(seg, TCPHDR_SYN))
		atcp_conn_request(sk, skb, seg);
drop:
	kfree_skb(skb);
}

static void atcp_synsent_rcv(struct sock *sk, struct sk_buff *skb,
			     const struct atcp_seg *seg)
{
	struct atcp_sock *as = atcp_sk(sk);
	bool ack_ok = false;

	if (atcp_seg_has(seg, TCPHDR_ACK)) {
		if (!atcp_seq_after(seg->ack, as->iss) ||
		    atcp_seq_after(seg->ack, as->snd_max)) {
			if (!atcp_seg_has(seg, TCPHDR_RST))
				atcp_send_reset_for(sk, skb);
			goto drop;
		}
		ack_ok = true;
	}
	if (atcp_seg_has(seg, TCPHDR_RST)) {
		if (ack_ok) {
			/* connection refused (Linux: tcp_reset(), tcp_done()) */
			ATCP_INC_STATS(sock_net(sk), ATCP_MIB_ATTEMPTFAILS);
			atcp_event(sk, ATCP_EV_RCV_RST);
		}
		goto drop;
	}
	if (!atcp_seg_has(seg, TCPHDR_SYN))
		goto drop;

	atcp_init_rcv(sk, seg->seq);
	atcp_apply_syn_options(sk, seg);
	if (!(ack_ok ? atcp_ecn_synack_ok(seg->flags) :
	      atcp_ecn_simopen_ok(seg->flags)))
		as->ecn_flags = 0;
	as->snd_wnd = seg->wnd;
	as->max_window = seg->wnd;
	as->snd_wl1 = seg->seq;
	as->snd_wl2 = seg->ack;
	/* the peer's MSS and the options are known now */
	atcp_mtup_init(sk);
	atcp_path_mss(sk);

	if (ack_ok) {
		atcp_clean_rtx_queue(sk, seg->ack);
		as->bytes_acked += seg->ack - as->snd_una;	/* the SYN */
		as->snd_una = seg->ack;
		atcp_update_pacing_rate(sk);
		/* Fast Open: the SYN's data not all taken goes again now */
		if (atcp_fastopen_synack(sk, seg))
			atcp_go_back_n(sk);
		atcp_event(sk, ATCP_EV_RCV_SYNACK);
		if (seg->len)
			atcp_data_queue(sk, skb, seg);
		else
			kfree_skb(skb);
		return;
	}
	/* Simultaneous open (RFC 9293 3.5, figure 8). */
	atcp_event(sk, ATCP_EV_RCV_SYN);
drop:
	kfree_skb(skb);
}

/*
 * PAWS (RFC 7323 5): true when the segment is an old duplicate.  Like
 * Linux, allow one tick of slack, and let pure ACKs through: ACKs sent
 * from two CPUs may pass each other and carry no data to protect.
 */
static bool atcp_paws_reject(struct atcp_sock *as, const struct atcp_seg *seg)
{
	if (!as->ts_ok || !seg->opts.ts_ok || atcp_seg_has(seg, TCPHDR_RST))
		return false;
	if (!seg->len && !atcp_seg_has(seg, TCPHDR_SYN | TCPHDR_FIN))
		return false;
	if ((s32)(as->ts_recent - seg->opts.tsval) <= 1)
		return false;
	return ktime_get_seconds() - as->ts_recent_stamp < ATCP_PAWS_24DAYS;
}

/*
 * The duplicate ACK for a segment refused by its sequence number or PAWS,
 * within invalid_ratelimit; data of it already received is reported as a
 * D-SACK (Linux: tcp_send_dupack()).
 */
static void atcp_send_dupack(struct sock *sk, const struct atcp_seg *seg,
			     int mib)
{
	struct atcp_sock *as = atcp_sk(sk);

	if (atcp_oow_rate_limited(sk, seg, mib))
		return;
	if (seg->len && atcp_seq_before(seg->seq, as->rcv_nxt))
		atcp_dsack_set(sk, seg->seq,
			       atcp_seq_min(seg->seq + seg->len, as->rcv_nxt),
			       ATCP_MIB_DSACKOLDSENT);
	atcp_send_ack(sk);
}

/* Every synchronized state, and SYN-RECEIVED (RFC 9293 3.10.7.4). */
static void atcp_rcv_synchronized(struct sock *sk, struct sk_buff *skb,
				  const struct atcp_seg *seg)
{
	struct atcp_sock *as = atcp_sk(sk);
	u32 seg_len = atcp_seg_seqlen(seg);
	bool fin_acked = false, beyond_window = false;

	if (atcp_paws_reject(as, seg)) {
		ATCP_INC_STATS(sock_net(sk), ATCP_MIB_PAWSDROPS);
		atcp_send_dupack(sk, seg, ATCP_MIB_ACKSKIPPEDPAWS);
		goto drop;
	}

	/*
	 * Simultaneous open: in SYN-RECEIVED the peer's SYN-ACK repeats its
	 * SYN (SEG.SEQ = RCV.NXT - 1) and acknowledges ours; it completes
	 * the handshake (RFC 9293 figure 8), as in Linux.
	 */
	if (sk->sk_state == TCP_SYN_RECV && !as->passive &&
	    (seg->flags & (TCPHDR_SYN | TCPHDR_ACK | TCPHDR_RST)) ==
	    (TCPHDR_SYN | TCPHDR_ACK) && seg->seq + 1 == as->rcv_nxt &&
	    atcp_seq_after(seg->ack, as->snd_una) &&
	    !atcp_seq_after(seg->ack, as->snd_max)) {
		atcp_clean_rtx_queue(sk, seg->ack);
		as->snd_una = seg->ack;
		as->snd_wl1 = seg->seq;
		atcp_update_window(sk, seg);
		atcp_event(sk, ATCP_EV_RCV_SYNACK);
		goto drop;
	}

	/* First: the sequence number (and the allowance for valid ACKs). */
	switch (atcp_seq_check(seg->seq, seg_len,
			       (seg->flags &
				(TCPHDR_ACK | TCPHDR_RST | TCPHDR_SYN)) ==
			       TCPHDR_ACK, as->rcv_nxt,
			       atcp_receive_window(as))) {
	case ATCP_SEQ_OK:
		break;
	case ATCP_SEQ_ACK_ONLY:
		beyond_window = true;
		break;
	case ATCP_SEQ_BAD:
		if (sk->sk_state == TCP_SYN_RECV &&
		    atcp_seg_has(seg, TCPHDR_SYN) && seg->seq == as->irs) {
			/* A retransmitted SYN: send the SYN-ACK again. */
			atcp_send_synack(sk);
			goto drop;
		}
		if (!atcp_seg_has(seg, TCPHDR_RST))
			atcp_send_dupack(sk, seg, ATCP_MIB_ACKSKIPPEDSEQ);
		goto drop;
	}

	/* Second: RST, with RFC 5961 protection. */
	if (atcp_seg_has(seg, TCPHDR_RST)) {
		switch (atcp_rst_check(seg->seq, as->rcv_nxt,
				       atcp_receive_window(as))) {
		case ATCP_RST_ACCEPT:
			if (sk->sk_state == TCP_SYN_RECV)
				ATCP_INC_STATS(sock_net(sk),
					       ATCP_MIB_ATTEMPTFAILS);
			atcp_event(sk, ATCP_EV_RCV_RST);
			break;
		case ATCP_RST_CHALLENGE:
			atcp_challenge_ack(sk);
			break;
		case ATCP_RST_DROP:
			break;
		}
		goto drop;
	}

	/* Fourth: SYN in a synchronized state gets a challenge ACK. */
	if (atcp_seg_has(seg, TCPHDR_SYN)) {
		if (sk->sk_state == TCP_SYN_RECV && seg->seq == as->irs) {
			atcp_send_synack(sk);
			goto drop;
		}
		atcp_challenge_ack(sk);
		goto drop;
	}

	/* Fifth: the ACK field. */
	if (!atcp_seg_has(seg, TCPHDR_ACK))
		goto drop;

	if (sk->sk_state == TCP_SYN_RECV) {
		if (!atcp_seq_after(seg->ack, as->snd_una) ||
		    atcp_seq_after(seg->ack, as->snd_max)) {
			atcp_send_reset_for(sk, skb);
			goto drop;
		}
		atcp_clean_rtx_queue(sk, seg->ack);
		as->snd_una = seg->ack;
		as->snd_wl1 = seg->seq - 1;
		atcp_update_window(sk, seg);
		atcp_update_pacing_rate(sk);
		atcp_event(sk, ATCP_EV_RCV_ACK_SYN);
		if (sk->sk_state == TCP_CLOSE)
			goto drop;
	} else {
		switch (atcp_ack_check(seg->ack, as->snd_una, as->snd_max,
				       as->max_window)) {
		case ATCP_ACK_CHALLENGE:
			atcp_challenge_ack(sk);
			goto drop;
		case ATCP_ACK_FUTURE:
			atcp_send_ack(sk);
			goto drop;
		case ATCP_ACK_OLD:
			break;
		case ATCP_ACK_OK:
		case ATCP_ACK_DUP:
			fin_acked = atcp_ack(sk, seg);
			break;
		}
	}

	if (as->ts_ok && seg->opts.ts_ok &&
	    !atcp_seq_after(seg->seq, as->rcv_wup)) {
		as->ts_recent = seg->opts.tsval;
		as->ts_recent_stamp = ktime_get_seconds();
	}

	if (fin_acked) {
		switch (sk->sk_state) {
		case TCP_FIN_WAIT1:
		case TCP_CLOSING:
		case TCP_LAST_ACK:
			atcp_event(sk, ATCP_EV_RCV_ACK_FIN);
			break;
		}
		if (sk->sk_state == TCP_CLOSE)
			goto drop;
	}

	/* Sixth: the URG bit, ignored once the peer's FIN came. */
	if ((1 << sk->sk_state) &
	    (TCPF_ESTABLISHED | TCPF_FIN_WAIT1 | TCPF_FIN_WAIT2))
		atcp_urg(sk, skb, seg);

	if (beyond_window) {
		/* Linux: TCPZeroWindowDrop; the peer sends it again */
		if (!atcp_receive_window(as))
			ATCP_INC_STATS(sock_net(sk), ATCP_MIB_ZEROWINDOWDROP);
		atcp_send_ack(sk);
		goto drop;
	}

	/* Seventh and eighth: text and FIN. */
	switch (sk->sk_state) {
	case TCP_ESTABLISHED:
	case TCP_FIN_WAIT1:
	case TCP_FIN_WAIT2:
		if ((sk->sk_shutdown & RCV_SHUTDOWN) &&
		    sock_flag(sk, SOCK_DEAD) && seg->len &&
		    atcp_seq_after(seg->seq + seg->len, as->rcv_nxt)) {
			/* Data for a closed socket: nobody will read it. */
			atcp_event(sk, ATCP_EV_ABORT);
			goto drop;
		}
		atcp_data_queue(sk, skb, seg);
		return;
	default:
		break;
	}
drop:
	kfree_skb(skb);
}

/*
 * Process one segment for @sk, which its owner does not hold: from the
 * hook directly or from the backlog in release_sock().
 */
static int atcp_rcv(struct sock *sk, struct sk_buff *skb)
{
	struct atcp_sock *as = atcp_sk(sk);
	struct sk_buff *opt_skb = NULL;
	struct atcp_seg copy;

	if (atcp_parse_seg(sock_net(sk), skb, &copy)) {
		kfree_skb(skb);
		return 0;
	}
#if IS_ENABLED(CONFIG_IPV6)
	opt_skb = atcp_v6_pktoptions_clone(sk, skb);
#endif
	as->segs_in += atcp_skb_segs(skb);
	/* a listener's requests and children keep their own clocks */
	if (sk->sk_state != TCP_LISTEN)
		atcp_clock_refresh(as);
	switch (sk->sk_state) {
	case TCP_LISTEN:
		atcp_listen_rcv(sk, skb, &copy);
		break;
	case TCP_SYN_SENT:
		atcp_synsent_rcv(sk, skb, &copy);
		break;
	case TCP_CLOSE:
		/*
		 * Found before the connection ended, processed after (from
		 * the backlog, or after waiting for the lock): what took the
		 * 4-tuple now (a TIME-WAIT entry, a new connection, nothing)
		 * answers the peer's next try.  Linux drops these too.
		 */
		kfree_skb(skb);
		break;
	default:
		atcp_rcv_synchronized(sk, skb, &copy);
		break;
	}
#if IS_ENABLED(CONFIG_IPV6)
	if (unlikely(opt_skb))
		atcp_v6_pktoptions_keep(sk, opt_skb,
					copy.seq + atcp_seg_seqlen(&copy));
#endif
	return 0;
}

/*
 * release_sock() runs the backlog with bottom halves enabled; the receive
 * path takes spinlocks that softirqs take too (a listener's accept queue,
 * TIME_WAIT), so run it as a softirq would.
 */
int atcp_backlog_rcv(struct sock *sk, struct sk_buff *skb)
{
	int ret;

	local_bh_disable();
	ret = atcp_rcv(sk, skb);
	local_bh_enable();
	return ret;
}

/* ---- the hook ----------------------------------------------------------------------- */

static void atcp_deliver(struct sock *sk, struct sk_buff *skb)
{
	bh_lock_sock_nested(sk);
	atcp_deliver_locked(sk, skb);
	bh_unlock_sock(sk);
}

/*
 * What the hooks of both families share, once they looked the segment
 * up: @sk, held, is the connection or listener it belongs to, or NULL.
 * The TCP header is @thoff bytes into the packet.
 */
static unsigned int atcp_hook_finish(struct net *net, struct sk_buff *skb,
				     struct sock *sk, unsigned int thoff)
{
	const struct tcphdr *th;
	struct in6_addr laddr, raddr;
	struct atcp_seg seg;

	if (!sk) {
		th = (const struct tcphdr *)(skb_network_header(skb) + thoff);
		atcp_skb_addrs(skb, &laddr, &raddr);
		if (!atcp_port_bound(net, &laddr, th->dest))
			return NF_ACCEPT;
	}
	/*
	 * Taken before ip_local_deliver_finish() (ip6_input_finish()) does
	 * it: a sender's delivery time on this host is no receive time.
	 */
	skb_clear_delivery_time(skb);
	/* a CHECKSUM_COMPLETE sum covers the IPv6 header (and options) */
	skb_postpull_rcsum(skb, skb->data, thoff);
	__skb_pull(skb, thoff);
	skb_reset_transport_header(skb);
	ATCP_INC_STATS(net, ATCP_MIB_INSEGS);
	if (atcp_check_header(net, skb)) {
		kfree_skb(skb);
	} else if (sk) {
		nf_reset_ct(skb);
		atcp_deliver(sk, skb);
	} else {
		/* An atcp port, and no socket for the segment. */
		if (!atcp_parse_seg(net, skb, &seg))
			atcp_send_reset(net, skb);
		kfree_skb(skb);
	}
	if (sk)
		sock_put(sk);
	return NF_STOLEN;
}

static unsigned int atcp_v4_hook(void *priv, struct sk_buff *skb,
				 const struct nf_hook_state *state)
{
	struct net *net = state->net;
	const struct iphdr *iph;
	const struct tcphdr *th;
	unsigned int thoff;
	struct sock *sk;

	iph = ip_hdr(skb);
	if (skb->pkt_type != PACKET_HOST)
		return NF_ACCEPT;
	if (iph->protocol == IPPROTO_ICMP)
		return atcp_v4_icmp_rcv(net, skb);
	if (iph->protocol != IPPROTO_TCP)
		return NF_ACCEPT;
	thoff = ip_hdrlen(skb);
	if (!pskb_may_pull(skb, thoff + sizeof(struct tcphdr)))
		return NF_ACCEPT;
	iph = ip_hdr(skb);
	th = (const struct tcphdr *)(skb_network_header(skb) + thoff);

	sk = atcp_lookup_established(net, iph->saddr, th->source, iph->daddr,
				     th->dest, inet_iif(skb), inet_sdif(skb));
	if (!sk) {
		if (atcp_tw_claim(net, skb, thoff))
			return NF_STOLEN;
		iph = ip_hdr(skb);
		th = (const struct tcphdr *)(skb_network_header(skb) + thoff);
		/* an SO_REUSEPORT group's program sees what Linux's does */
		__skb_pull(skb, thoff);
		sk = atcp_lookup_listener(net, skb, iph->saddr, th->source,
					  iph->daddr, th->dest, inet_iif(skb),
					  inet_sdif(skb));
		__skb_push(skb, thoff);
	}
	return atcp_hook_finish(net, skb, sk, thoff);
}

#if IS_ENABLED(CONFIG_IPV6)
/*
 * IPv6: the TCP header follows the extension headers.  The fragments of
 * a TCP datagram are reassembled first (atcp_v6_defrag()), unless
 * conntrack did before this hook.
 */
static unsigned int atcp_v6_hook(void *priv, struct sk_buff *skb,
				 const struct nf_hook_state *state)
{
	struct net *net = state->net;
	const struct ipv6hdr *ip6h;
	const struct tcphdr *th;
	__be16 frag_off = 0;
	u8 nexthdr;
	int thoff;
	struct sock *sk;

	if (skb->pkt_type != PACKET_HOST)
		return NF_ACCEPT;
	nexthdr = ipv6_hdr(skb)->nexthdr;
	thoff = ipv6_skip_exthdr(skb, sizeof(struct ipv6hdr), &nexthdr,
				 &frag_off);
	if (thoff < 0)
		return NF_ACCEPT;
	if (frag_off) {
		int err = atcp_v6_defrag(net, skb);

		if (err == -EINPROGRESS)
			return NF_STOLEN;
		if (err)
			return err == -ENOENT ? NF_ACCEPT : NF_DROP;
		nexthdr = ipv6_hdr(skb)->nexthdr;
		thoff = ipv6_skip_exthdr(skb, sizeof(struct ipv6hdr),
					 &nexthdr, &frag_off);
		if (thoff < 0 || frag_off)
			return NF_ACCEPT;
	}
	if (nexthdr == IPPROTO_ICMPV6)
		return atcp_v6_icmp_rcv(net, skb, thoff);
	if (nexthdr != IPPROTO_TCP)
		return NF_ACCEPT;
	if (!pskb_may_pull(skb, thoff + sizeof(struct tcphdr)))
		return NF_ACCEPT;
	ip6h = ipv6_hdr(skb);
	th = (const struct tcphdr *)(skb_network_header(skb) + thoff);

	sk = atcp_lookup_established6(net, &ip6h->saddr, th->source,
				      &ip6h->daddr, th->dest, inet6_iif(skb),
				      inet6_sdif(skb));
	if (!sk) {
		if (atcp_tw_claim(net, skb, thoff))
			return NF_STOLEN;
		struct in6_addr saddr, daddr;
		__be16 sport, dport;

		ip6h = ipv6_hdr(skb);
		th = (const struct tcphdr *)(skb_network_header(skb) + thoff);
		/* copies: a group's BPF program may move the headers */
		saddr = ip6h->saddr;
		daddr = ip6h->daddr;
		sport = th->source;
		dport = th->dest;
		__skb_pull(skb, thoff);
		sk = atcp_lookup_listener6(net, skb, &saddr, sport, &daddr,
					   dport, inet6_iif(skb),
					   inet6_sdif(skb));
		__skb_push(skb, thoff);
	}
	/* for IPV6_2292PKTOPTIONS and IPV6_RECV{DSTOPTS,RTHDR} */
	if (sk && thoff > sizeof(struct ipv6hdr))
		atcp_v6_note_exthdrs(skb);
	return atcp_hook_finish(net, skb, sk, thoff);
}
#endif

static const struct nf_hook_ops atcp_nf_ops[] = {
	{
		.hook		= atcp_v4_hook,
		.pf		= NFPROTO_IPV4,
		.hooknum	= NF_INET_LOCAL_IN,
		/* After the filter table: firewall rules apply to atcp too. */
		.priority	= NF_IP_PRI_FILTER + 1,
	},
#if IS_ENABLED(CONFIG_IPV6)
	{
		.hook		= atcp_v6_hook,
		.pf		= NFPROTO_IPV6,
		.hooknum	= NF_INET_LOCAL_IN,
		.priority	= NF_IP6_PRI_FILTER + 1,
	},
#endif
};

int atcp_hooks_net_init(struct net *net)
{
	return nf_register_net_hooks(net, atcp_nf_ops, ARRAY_SIZE(atcp_nf_ops));
}

void atcp_hooks_net_exit(struct net *net)
{
	nf_unregister_net_hooks(net, atcp_nf_ops, ARRAY_SIZE(atcp_nf_ops));
}

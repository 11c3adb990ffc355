// SPDX-License-Identifier: GPL-2.0
/*
 * atcp transmit path: building segments, the write queue, sending within
 * the peer's window and the congestion window, retransmission, resets.
 *
 * Data sits on sk->sk_write_queue as skbs tagged with their sequence range
 * (ATCP_SKB_CB); as->send_head is the first one not yet sent.  A skb may
 * hold many MSS of data: it then goes out as one GSO skb (SKB_GSO_TCPV4)
 * that the stack or the device splits.  Every transmission sends a clone,
 * so the queued skb stays for retransmission until it is acknowledged.
 *
 * The IP header is built here rather than by ip_queue_xmit(), which writes
 * sk->sk_protocol into it: an atcp socket's protocol is atcp's socket()
 * number, while on the wire every segment is TCP (IP protocol 6).
 */
#include <linux/skbuff.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <net/route.h>
#include <net/tcp.h>

#include "atcp.h"
#include "atcp_opt.h"
#include "atcp_tso.h"
#include "atcp_mib.h"

/* ---- routing ------------------------------------------------------------- */

void atcp_setup_caps(struct sock *sk, struct dst_entry *dst)
{
	sk->sk_gso_type = atcp_v6(sk) ? SKB_GSO_TCPV6 : SKB_GSO_TCPV4;
	sk_setup_caps(sk, dst);
	/*
	 * sk_setup_caps() enables software GSO only for Linux's own TCP
	 * sockets; atcp segments are TCP too, so let the stack split them
	 * when the device cannot.
	 */
	if (!dst->header_len) {
		sk->sk_route_caps |= NETIF_F_GSO | NETIF_F_SG | NETIF_F_HW_CSUM;
		if (!sk->sk_gso_max_size)
			sk->sk_gso_max_size = GSO_LEGACY_MAX_SIZE;
		if (!sk->sk_gso_max_segs)
			sk->sk_gso_max_segs = GSO_MAX_SEGS;
	}
}

/*
 * The length of the IPv4 options the socket sends (IP_OPTIONS), a
 * multiple of 4.
 */
static u16 atcp_v4_opt_len(struct sock *sk)
{
	const struct ip_options_rcu *opt;
	u16 len = 0;

	rcu_read_lock();
	opt = rcu_dereference(inet_sk(sk)->inet_opt);
	if (opt)
		len = opt->opt.optlen;
	rcu_read_unlock();
	return len;
}

/*
 * Where the socket's IPv4 packets go first: the first hop of the source
 * route its IP_OPTIONS name, else the peer (Linux: tcp_v4_connect(),
 * __ip_queue_xmit()).
 */
static __be32 atcp_v4_nexthop(struct sock *sk)
{
	const struct ip_options_rcu *opt;
	__be32 daddr = inet_sk(sk)->inet_daddr;

	rcu_read_lock();
	opt = rcu_dereference(inet_sk(sk)->inet_opt);
	if (opt && opt->opt.srr)
		daddr = opt->opt.faddr;
	rcu_read_unlock();
	return daddr;
}

/*
 * Route a socket whose addresses and ports are set, and cache the route.
 * Fills the source address if the socket has none yet.
 */
int atcp_route_connect(struct sock *sk)
{
	struct inet_sock *inet = inet_sk(sk);
	struct flowi4 *fl4 = &inet->cork.fl.u.ip4;
	struct rtable *rt;

#if IS_ENABLED(CONFIG_IPV6)
	if (atcp_v6(sk))
		return atcp_v6_route_connect(sk);
#endif
	atcp_sk(sk)->ext_hdr_len = atcp_v4_opt_len(sk);
	rt = ip_route_connect(fl4, atcp_v4_nexthop(sk), inet->inet_saddr,
			      sk->sk_bound_dev_if, IPPROTO_TCP,
			      inet->inet_sport, inet->inet_dport, sk);
	if (IS_ERR(rt))
		return PTR_ERR(rt);
	if (rt->rt_flags & (RTCF_MULTICAST | RTCF_BROADCAST)) {
		ip_rt_put(rt);
		return -ENETUNREACH;
	}
	if (!inet->inet_saddr)
		inet->inet_saddr = fl4->saddr;
	if (!inet->inet_rcv_saddr)
		inet->inet_rcv_saddr = inet->inet_saddr;
	atcp_setup_caps(sk, &rt->dst);
	return 0;
}

static struct dst_entry *atcp_sk_dst(struct sock *sk)
{
	struct inet_sock *inet = inet_sk(sk);
	struct flowi4 *fl4 = &inet->cork.fl.u.ip4;
	struct dst_entry *dst;
	struct rtable *rt;

#if IS_ENABLED(CONFIG_IPV6)
	if (atcp_v6(sk))
		return atcp_v6_sk_dst(sk);
#endif
	dst = __sk_dst_check(sk, 0);
	if (dst)
		return dst;
	rt = ip_route_output_ports(sock_net(sk), fl4, sk, atcp_v4_nexthop(sk),
				   inet->inet_saddr, inet->inet_dport,
				   inet->inet_sport, IPPROTO_TCP,
				   RT_CONN_FLAGS(sk), sk->sk_bound_dev_if);
	if (IS_ERR(rt))
		return NULL;
	atcp_setup_caps(sk, &rt->dst);
	return &rt->dst;
}

/*
 * Lower the path MTU of the socket's route to @mtu (the route keeps it as
 * an exception for this destination, shared with every socket using it)
 * and return the route to use from now on, or NULL without one.
 */
struct dst_entry *atcp_update_pmtu(struct sock *sk, u32 mtu)
{
	struct dst_entry *dst = atcp_sk_dst(sk);

	if (!dst)
		return NULL;
	dst->ops->update_pmtu(dst, sk, NULL, mtu, true);
	/* The update may have made the cached route obsolete. */
	return atcp_sk_dst(sk);
}

/*
 * The options @opt (IP_OPTIONS, as ip_options_get() compiled them) after
 * the IPv4 header of @skb, filled in as Linux's ip_options_build() does
 * (not exported): a source route's last address is the peer @daddr, the
 * header's the first hop; record route and timestamp slots get our
 * address and the time.
 */
static void atcp_v4_build_options(struct sk_buff *skb,
				  const struct ip_options *opt, __be32 daddr)
{
	struct iphdr *iph = ip_hdr(skb);
	u8 *p = (u8 *)iph;

	/* for the IP layer: which options a fragment copies */
	memcpy(&IPCB(skb)->opt, opt, sizeof(*opt));
	memcpy(p + sizeof(*iph), opt->__data, opt->optlen);
	if (opt->srr) {
		iph->daddr = opt->faddr;
		memcpy(p + opt->srr + p[opt->srr + 1] - 4, &daddr, 4);
	}
	if (opt->rr_needaddr)
		memcpy(p + opt->rr + p[opt->rr + 2] - 5, &iph->saddr, 4);
	if (opt->ts_needaddr)
		memcpy(p + opt->ts + p[opt->ts + 2] - 9, &iph->saddr, 4);
	if (opt->ts_needtime) {
		__be32 now = inet_current_timestamp();

		memcpy(p + opt->ts + p[opt->ts + 2] - 5, &now, 4);
	}
}

/*
 * Put the IP header on a TCP segment of @sk and send it, with @ecn in its
 * ECN field.  A stream socket's IP_TOS never sets those bits.
 */
static int atcp_ip_xmit(struct sock *sk, struct sk_buff *skb, u8 ecn)
{
	struct inet_sock *inet = inet_sk(sk);
	const struct ip_options_rcu *inet_opt;
	struct net *net = sock_net(sk);
	struct dst_entry *dst;
	struct iphdr *iph;
	int segs, optlen;

#if IS_ENABLED(CONFIG_IPV6)
	if (atcp_v6(sk))
		return atcp_v6_xmit(sk, skb, ecn);
#endif
	dst = atcp_sk_dst(sk);
	if (!dst) {
		kfree_skb(skb);
		return -EHOSTUNREACH;
	}
	skb_dst_set_noref(skb, dst);

	rcu_read_lock();
	inet_opt = rcu_dereference(inet->inet_opt);
	optlen = inet_opt ? inet_opt->opt.optlen : 0;
	skb_push(skb, sizeof(struct iphdr) + optlen);
	skb_reset_network_header(skb);
	iph = ip_hdr(skb);
	*((__be16 *)iph) = htons((4 << 12) | ((5 + optlen / 4) << 8) |
				 ((inet->tos & ~INET_ECN_MASK) | ecn));
	iph->frag_off = ip_dont_fragment(sk, dst) ? htons(IP_DF) : 0;
	iph->ttl = inet->uc_ttl < 0 ? ip4_dst_hoplimit(dst) : inet->uc_ttl;
	iph->protocol = IPPROTO_TCP;
	iph->saddr = inet->inet_saddr;
	iph->daddr = inet->inet_daddr;
	if (optlen)
		atcp_v4_build_options(skb, &inet_opt->opt, inet->inet_daddr);
	rcu_read_unlock();
	segs = skb_shinfo(skb)->gso_segs ? : 1;
	ip_select_ident_segs(net, skb, sk, segs);
	skb->priority = sk->sk_priority;
	skb->mark = sk->sk_mark;
	skb->protocol = htons(ETH_P_IP);
	return ip_local_out(net, sk, skb);
}

/* ---- windows and MSS ------------------------------------------------------ */

/*
 * The receive window follows Linux's model (tcp_input.c, "Tuning advertised
 * window"): window_clamp is the most ever offered, the whole buffer's
 * window less a share kept for the reader (app_win); rcv_ssthresh is what
 * the offer may grow to now.  It starts at the handshake's window and
 * grows with each segment whose buffer costs little more than the data it
 * holds, so a peer sending small segments in large buffers is never
 * offered more than those buffers can hold.  Offered more, the receive
 * buffer would fill with overhead rather than data, and the backlog
 * would overflow.
 */

/*
 * workaround_signed_windows: some old stacks read the 16-bit window as
 * signed.  For them the handshake's window stays below 32 kB, and so
 * does every later one that is not scaled (Linux: MAX_TCP_WINDOW); a
 * peer that scales windows is taken to read the field right.
 */
#define ATCP_SIGNED_WINDOW_MAX	32767U

static bool atcp_signed_windows(const struct sock *sk)
{
	return READ_ONCE(atcp_net(sock_net(sk))->sysctl.workaround_signed_windows);
}

/* The window the whole receive buffer offers, within the clamp. */
static u32 atcp_full_window(const struct sock *sk)
{
	const struct atcp_sock *as = atcp_sk(sk);
	u32 full = atcp_win_from_space(sk, READ_ONCE(sk->sk_rcvbuf));

	return as->window_clamp ? min(full, as->window_clamp) : full;
}

/* The window the free part of the receive buffer offers. */
static u32 atcp_space_window(const struct sock *sk)
{
	return atcp_win_from_space(sk, READ_ONCE(sk->sk_rcvbuf) -
				   atomic_read(&sk->sk_rmem_alloc));
}

/*
 * What may be offered now: the free buffer's window, none when that is
 * less than a segment and less than half the full window (silly window
 * avoidance), and no more than rcv_ssthresh.
 */
static u32 atcp_offer_window(const struct sock *sk)
{
	const struct atcp_sock *as = atcp_sk(sk);
	u32 full = atcp_full_window(sk);
	u32 win = atcp_space_window(sk);

	if (win < as->mss_cache && win < full / 2)
		return 0;
	return min3(win, full, as->rcv_ssthresh);
}

/*
 * The window to advertise, rounded to the scale.  The right edge never
 * moves left (RFC 9293 3.8.6), unless shrink_window allows it and the
 * window is scaled (RFC 7323 2.4): small segments whose buffers cost more
 * than the window they use then close the window as the buffer fills,
 * where holding the edge would accept data the buffer may have to drop.
 */
u32 atcp_select_window(struct sock *sk)
{
	struct atcp_sock *as = atcp_sk(sk);
	u32 cur = atcp_receive_window(as);
	u32 win, max;

	/*
	 * Short of memory, a buffer more than half full offers no more than
	 * four segments (Linux: __tcp_select_window()).
	 */
	if (sk_under_memory_pressure(sk) &&
	    atcp_space_window(sk) < atcp_full_window(sk) / 2)
		as->rcv_ssthresh = min(as->rcv_ssthresh, 4U * as->advmss);
	win = atcp_offer_window(sk);
	if (win < cur &&
	    !(as->rcv_wscale &&
	      READ_ONCE(atcp_net(sock_net(sk))->sysctl.shrink_window)))
		win = ALIGN(cur, 1U << as->rcv_wscale);
	max = 65535U << as->rcv_wscale;
	if (!as->rcv_wscale && atcp_signed_windows(sk))
		max = ATCP_SIGNED_WINDOW_MAX;
	if (win > max)
		win = max;
	win &= ~((1U << as->rcv_wscale) - 1);
	as->rcv_wnd = win;
	as->rcv_wup = as->rcv_nxt;
	return win >> as->rcv_wscale;
}

/*
 * A first window of more than a segment, in whole segments of @mss, as
 * Linux quantizes it (tcp_select_initial_window()): 64240 and 65160
 * rather than 65535 for a SYN and a SYN-ACK of 64 kB.
 */
static u32 atcp_whole_segs(u32 win, u32 mss)
{
	return win > mss ? rounddown(win, mss) : win;
}

/*
 * The window a connection opens with: the buffer's, within the user's
 * clamp, in whole segments, within workaround_signed_windows, what the
 * scale can express and its route's initrwnd (the segments: of the MSS
 * we advertise, less the timestamps a passive open knows the peer
 * sends, as Linux counts them; a listener's SYN-ACKs are sized in
 * atcp_synack_opts()).  The SYN carries at most 64 kB of it (never
 * scaled), and rcv_ssthresh starts there.
 */
u32 atcp_initial_window(struct sock *sk, u8 rcv_wscale)
{
	const struct atcp_sock *as = atcp_sk(sk);
	u32 win = atcp_win_from_space(sk, READ_ONCE(sk->sk_rcvbuf));
	u32 mss = as->advmss - (as->passive && as->ts_ok ?
				TCPOLEN_TSTAMP_ALIGNED : 0);
	u32 clamp = as->opts.window_clamp;
	bool listener = sk->sk_state == TCP_LISTEN;

	if (clamp)
		win = min(win, clamp);
	if (!listener)
		win = atcp_whole_segs(win, mss);
	if (atcp_signed_windows(sk))
		win = min(win, ATCP_SIGNED_WINDOW_MAX);
	win = min(win, 65535U << rcv_wscale);
	if (listener)
		return win;
	return atcp_dst_initrwnd(__sk_dst_get(sk), win, mss);
}

/*
 * Size the buffers once the connection is established (Linux:
 * tcp_init_buffer_space()): window_clamp, the whole receive buffer's
 * window less 1/2^app_win of it and at least one segment kept for the
 * reader, unless the user's TCP_WINDOW_CLAMP is lower; and the send
 * buffer, for the initial window.
 */
void atcp_init_buffer_space(struct sock *sk)
{
	struct atcp_sock *as = atcp_sk(sk);
	int app_win = READ_ONCE(atcp_net(sock_net(sk))->sysctl.app_win);
	u32 maxwin = atcp_win_from_space(sk, READ_ONCE(sk->sk_rcvbuf));
	u32 clamp = as->opts.window_clamp ? : U32_MAX;
	u32 mss = as->advmss;

	if (clamp >= maxwin) {
		clamp = maxwin;
		if (app_win && maxwin > 4 * mss)
			clamp = max(maxwin - (maxwin >> app_win), 4 * mss);
	}
	if (app_win && clamp > 2 * mss && clamp + mss > maxwin)
		clamp = max(2 * mss, maxwin - mss);
	as->window_clamp = min(clamp, 65535U << as->rcv_wscale);
	as->rcv_ssthresh = min(as->rcv_ssthresh, as->window_clamp);
	/* what the reader must beat in an RTT before the buffer grows */
	as->rcvq_space = min3(as->rcv_ssthresh, as->rcv_wnd,
			      (u32)ATCP_INIT_CWND * mss);
	as->rcvq_seq = as->copied_seq;
	as->rcvq_time = atcp_clock_us();
	atcp_sndbuf_grow(sk);
}

/*
 * TCP_WINDOW_CLAMP (Linux: tcp_set_window_clamp()).  Before the
 * connection is established it only bounds what atcp_init_buffer_space()
 * sizes; after, a lower clamp pulls rcv_ssthresh down with it, a higher
 * one lets it rise to the window already offered.
 */
void atcp_set_window_clamp(struct sock *sk, u32 clamp)
{
	struct atcp_sock *as = atcp_sk(sk);

	as->opts.window_clamp = clamp;
	if (!clamp || !as->window_clamp) {
		as->window_clamp = 0;
		return;
	}
	clamp = min(clamp, 65535U << as->rcv_wscale);
	if (clamp < as->window_clamp)
		as->rcv_ssthresh = min(as->rcv_ssthresh, clamp);
	else
		as->rcv_ssthresh = max(min(as->rcv_wnd, clamp),
				       as->rcv_ssthresh);
	as->window_clamp = clamp;
}

/*
 * Data in @skb was accepted: let rcv_ssthresh grow (Linux:
 * tcp_grow_window()).  A buffer whose window share holds its data grows
 * it by two segments.  A costlier one grows it only while rcv_ssthresh
 * is below the part of rmem[2] that buffers of such a cost could fill
 * with data, halving the cost and that part in turn until they meet.
 */
void atcp_grow_window(struct sock *sk, const struct sk_buff *skb)
{
	struct atcp_sock *as = atcp_sk(sk);
	int room = (int)min(atcp_full_window(sk), atcp_space_window(sk)) -
		   (int)as->rcv_ssthresh;
	u32 cost = atcp_win_from_space(sk, skb->truesize);
	u32 incr = 0;

	if (room <= 0 || sk_under_memory_pressure(sk))
		return;
	if (cost <= skb->len) {
		incr = 2 * as->advmss;
	} else {
		int rmem2 = READ_ONCE(atcp_net(sock_net(sk))->sysctl.rmem[2]);
		u32 part = atcp_win_from_space(sk, rmem2) >> 1;

		for (cost >>= 1; as->rcv_ssthresh <= part;
		     cost >>= 1, part >>= 1) {
			if (cost <= skb->len) {
				incr = 2 * as->advmss;
				break;
			}
		}
	}
	if (incr)
		as->rcv_ssthresh += min_t(u32, room, max(incr, 2 * skb->len));
}

/*
 * The receive buffer is over its size: offer no more than two segments
 * until data shows again what its buffers cost (Linux: tcp_clamp_window()).
 */
void atcp_clamp_window(struct sock *sk)
{
	struct atcp_sock *as = atcp_sk(sk);

	as->rcv_ssthresh = min(atcp_full_window(sk), 2U * as->advmss);
}

/*
 * The payload of a segment of ours in a packet of @mtu bytes, options
 * but SACK blocks aside (Linux: tcp_mtu_to_mss()).
 */
int atcp_mtu_to_mss(const struct sock *sk, u32 mtu)
{
	const struct atcp_sock *as = atcp_sk(sk);
	int mss = (int)mtu - atcp_net_hdr_len(sk) - sizeof(struct tcphdr);

	if (as->peer_mss && mss > as->peer_mss)
		mss = as->peer_mss;
	if (as->opts.user_mss && mss > as->opts.user_mss)
		mss = as->opts.user_mss;
	/* an MSS assumes a bare IP header (RFC 6691): ours come out of it */
	mss -= as->ext_hdr_len;
	/*
	 * A peer that announces a tiny MSS would make us send a flood of
	 * tiny segments (CVE-2019-11479): as Linux, never go below
	 * min_snd_mss, counted before the options.
	 */
	mss = max(mss, READ_ONCE(atcp_net(sock_net(sk))->sysctl.min_snd_mss));
	if (as->ts_ok)
		mss -= TCPOLEN_TSTAMP_ALIGNED;
	return mss;
}

/* The packet a segment of @mss bytes makes (Linux: tcp_mss_to_mtu()). */
u32 atcp_mss_to_mtu(const struct sock *sk, u32 mss)
{
	const struct atcp_sock *as = atcp_sk(sk);

	return mss + atcp_net_hdr_len(sk) + as->ext_hdr_len +
	       sizeof(struct tcphdr) +
	       (as->ts_ok ? TCPOLEN_TSTAMP_ALIGNED : 0);
}

/* The largest packet the peer's MSS, and TCP_MAXSEG, let us send. */
static u32 atcp_mtup_high(const struct sock *sk)
{
	const struct atcp_sock *as = atcp_sk(sk);
	u32 clamp = as->peer_mss ? : ATCP_DEFAULT_MSS;

	if (as->opts.user_mss && as->opts.user_mss < clamp)
		clamp = as->opts.user_mss;
	return clamp + sizeof(struct tcphdr) + atcp_net_hdr_len(sk);
}

/*
 * Path MTU probing starts over, once the handshake has settled the MSS
 * and options (Linux: tcp_mtup_init()): from what base_mss gives up to
 * what the peer's MSS allows.  mtu_probing=2 probes from the start; 1
 * waits for timeouts to suggest a black hole.
 */
void atcp_mtup_init(struct sock *sk)
{
	const struct atcp_sysctl *s = &atcp_net(sock_net(sk))->sysctl;

	atcp_plpmtu_init(&atcp_sk(sk)->mtup, atcp_mtup_high(sk),
			 atcp_mss_to_mtu(sk, READ_ONCE(s->base_mss)),
			 READ_ONCE(s->mtu_probing) > 1, jiffies);
}

/*
 * Payload bytes a segment of ours may carry on a path of @pmtu: no more
 * than the MTU probing found to pass, while it searches.
 */
void atcp_sync_mss(struct sock *sk, u32 pmtu)
{
	struct atcp_sock *as = atcp_sk(sk);
	int mss = atcp_mtu_to_mss(sk, pmtu);

	if (as->mtup.search_high > pmtu)
		as->mtup.search_high = pmtu;
	if (as->mtup.on)
		mss = min(mss, atcp_mtu_to_mss(sk, as->mtup.search_low));
	as->mss_cache = mss;
	as->pmtu_cookie = pmtu;
}

/*
 * The IPv4 options or IPv6 extension headers the socket puts in front of
 * each segment, which the MSS leaves room for (Linux: icsk_ext_hdr_len).
 */
static u16 atcp_ext_hdr_len(struct sock *sk)
{
#if IS_ENABLED(CONFIG_IPV6)
	if (atcp_v6(sk))
		return atcp_v6_ext_hdr_len(sk);
#endif
	return atcp_v4_opt_len(sk);
}

/*
 * ip_setsockopt() or ipv6_setsockopt() changed the socket's IPv4 options
 * or extension headers: a connection sends smaller segments, or larger,
 * from now on (TCP_MAXSEG shows it at once), and a new source route
 * routes anew.  Linux does this in do_ip_setsockopt() and
 * ipv6_update_options(), for an inet_connection_sock only.
 */
void atcp_opts_changed(struct sock *sk)
{
	lock_sock(sk);
	if (!atcp_v6(sk))
		__sk_dst_reset(sk);
	if (!((1 << sk->sk_state) & (TCPF_LISTEN | TCPF_CLOSE)))
		atcp_check_pmtu(sk);
	release_sock(sk);
}

/*
 * Size segments for the route's MTU as it is now, and for the socket's
 * IPv4 options or IPv6 extension headers: a route's MTU also drops
 * without an ICMP error for this socket (the device's MTU, another
 * socket's packet too big), and a segment too large for it would only be
 * dropped (Linux: tcp_current_mss(), at every send).  Without a route (reset when the
 * headers change) the last path MTU stands.
 */
void atcp_check_pmtu(struct sock *sk)
{
	struct dst_entry *dst = __sk_dst_get(sk);
	struct atcp_sock *as = atcp_sk(sk);
	u16 ext = atcp_ext_hdr_len(sk);
	bool resync = ext != as->ext_hdr_len;
	u32 mtu;

	as->ext_hdr_len = ext;
	if (!as->pmtu_cookie)
		return;
	mtu = dst ? dst_mtu(dst) : as->pmtu_cookie;
	if (mtu != as->pmtu_cookie || resync)
		atcp_sync_mss(sk, mtu);
}

/* How much data one write-queue skb collects before a new one starts. */
unsigned int atcp_size_goal(struct sock *sk)
{
	struct atcp_sock *as = atcp_sk(sk);
	unsigned int mss = as->mss_cache, goal;

	if (!sk_can_gso(sk))
		return mss;
	goal = min_t(unsigned int, sk->sk_gso_max_size, 65536) -
	       ATCP_MAX_HEADER;
	goal = min_t(unsigned int, goal, mss * sk->sk_gso_max_segs);
	return max_t(unsigned int, rounddown(goal, mss), mss);
}

/* ---- building and sending one segment ---------------------------------- */

/* The blocks an ACK may report, picked from the out-of-order queue. */
struct atcp_sack_pick {
	struct atcp_sack_block low[ATCP_MAX_SACKS];	/* the lowest others */
	struct atcp_sack_block latest;
	unsigned int n;
	bool has_latest;
};

/*
 * Block @b of the queue is complete: the latest, or one of the lowest
 * others.  True once no later block can be picked.
 */
static bool atcp_sack_pick(const struct atcp_sock *as,
			   struct atcp_sack_pick *pick,
			   const struct atcp_sack_block *b)
{
	if (atcp_seq_between(as->ooo_last_seq, b->start, b->end - 1)) {
		pick->latest = *b;
		pick->has_latest = true;
	} else if (pick->n < ATCP_MAX_SACKS) {
		pick->low[pick->n++] = *b;
	}
	return pick->has_latest && pick->n == ATCP_MAX_SACKS;
}

/*
 * SACK blocks (RFC 2018) for the out-of-order queue: contiguous ranges
 * (a FIN counts, as its sequence number does), the one holding the
 * latest segment first, wherever it lies in a queue of more blocks than
 * an option carries, then the others from the lowest up.  A pending
 * D-SACK goes before them all, once (RFC 2883).
 */
static void atcp_build_sacks(struct atcp_sock *as, struct atcp_opts *opts,
			     unsigned int max)
{
	struct atcp_sack_pick pick = { .n = 0 };
	struct atcp_sack_block cur = { 0 };
	bool open = false;
	struct sk_buff *skb;
	unsigned int i;

	opts->num_sacks = 0;
	if (as->dsack_pending) {
		opts->sacks[0].start = as->dsack_start;
		opts->sacks[0].end = as->dsack_end;
		opts->num_sacks = 1;
		as->dsack_pending = 0;
	}

	skb_queue_walk(&as->ooo_queue, skb) {
		u32 s = ATCP_SKB_CB(skb)->seq, e = ATCP_SKB_CB(skb)->end_seq;

		if (open && !atcp_seq_after(s, cur.end)) {
			if (atcp_seq_after(e, cur.end))
				cur.end = e;
			continue;
		}
		if (open && atcp_sack_pick(as, &pick, &cur)) {
			open = false;
			break;
		}
		cur.start = s;
		cur.end = e;
		open = true;
	}
	if (open)
		atcp_sack_pick(as, &pick, &cur);
	if (pick.has_latest && opts->num_sacks < max)
		opts->sacks[opts->num_sacks++] = pick.latest;
	for (i = 0; i < pick.n && opts->num_sacks < max; i++)
		opts->sacks[opts->num_sacks++] = pick.low[i];
}

/*
 * The options of a segment carrying @seg_payload bytes per (GSO) segment;
 * SACK blocks only as far as they fit within the path MTU.
 */
static unsigned int atcp_build_options(struct sock *sk, u8 flags, u8 *buf,
				       unsigned int seg_payload)
{
	struct atcp_sock *as = atcp_sk(sk);
	struct atcp_opts opts = {};

	if (as->ts_ok) {
		opts.ts_ok = true;
		opts.tsval = atcp_tsval(as);
		opts.tsecr = as->ts_recent;
	}
	if (flags & TCPHDR_SYN) {
		opts.mss_ok = true;
		opts.mss = as->advmss;
		if (as->ws_ok) {
			opts.ws_ok = true;
			opts.wscale = as->rcv_wscale;
		}
		opts.sack_ok = as->sack_ok;
		/*
		 * A Fast Open cookie, or a request for one: on the first
		 * transmission only, as in Linux (RFC 7413 4.2.1).
		 */
		if (as->tfo && as->tfo->send_cookie) {
			opts.tfo_ok = true;
			opts.tfo = as->tfo->cookie;
			as->tfo->send_cookie = false;
			if (sk->sk_state == TCP_SYN_SENT) {
				as->syn_fastopen = 1;
				as->syn_fastopen_exp = opts.tfo.exp;
			}
		}
		return atcp_opt_build_syn(buf, &opts);
	}
	if (as->sack_ok &&
	    (as->dsack_pending || !skb_queue_empty(&as->ooo_queue))) {
		int room = as->pmtu_cookie ?
			   (int)as->pmtu_cookie - (int)atcp_net_hdr_len(sk) -
			   as->ext_hdr_len - (int)sizeof(struct tcphdr) -
			   (as->ts_ok ? TCPOLEN_TSTAMP_ALIGNED : 0) :
			   as->mss_cache;
		unsigned int max = atcp_opt_sacks_fit(as->ts_ok,
						      room - (int)seg_payload);

		if (max)
			atcp_build_sacks(as, &opts, max);
	}
	return atcp_opt_build(buf, &opts);
}

/*
 * Send the segment @skb describes.  With @clone, @skb stays on the write
 * queue and a clone (or, while an earlier clone is still in flight, a
 * copy) goes out.
 */
static int atcp_transmit_skb(struct sock *sk, struct sk_buff *skb, bool clone,
			     gfp_t gfp)
{
	struct atcp_sock *as = atcp_sk(sk);
	struct inet_sock *inet = inet_sk(sk);
	struct atcp_skb_cb *cb = ATCP_SKB_CB(skb);
	u8 optbuf[ATCP_MAX_OPT_LEN];
	unsigned int optlen, hlen, payload, seg_payload;
	u8 flags, ip_ecn;
	struct tcphdr *th;
	u32 seq = cb->seq;
	int err;

	/* its send time and TSval */
	atcp_clock_refresh(as);
	/*
	 * A SYN that asked for ECN and went unanswered may have met a
	 * middlebox that drops such SYNs: ask no more (RFC 3168 6.1.1.1).
	 */
	if ((cb->flags & TCPHDR_SYN) && cb->retrans &&
	    READ_ONCE(atcp_net(sock_net(sk))->sysctl.ecn_fallback))
		cb->flags &= ~(TCPHDR_ECE | TCPHDR_CWR);
	/*
	 * An skb of several segments ends with PSH, as Linux forces it
	 * (__tcp_transmit_skb()): the receiver's GRO flushes there.
	 */
	if (skb->len > as->mss_cache && !cb->mtu_probe &&
	    !(cb->flags & TCPHDR_SYN))
		cb->flags |= TCPHDR_PSH;
	flags = cb->flags;
	flags |= atcp_ecn_xmit(&as->ecn_flags, flags,
			       skb->len && !atcp_seq_before(seq, as->snd_max),
			       &ip_ecn);

	if (clone) {
		cb->sent_us = atcp_now_us(as);
		as->last_xmit_us = cb->sent_us;
		if (unlikely(skb_cloned(skb)))
			skb = pskb_copy(skb, gfp);
		else
			skb = skb_clone(skb, gfp);
		if (unlikely(!skb))
			return -ENOBUFS;
	}
	payload = skb->len;
	/*
	 * A path MTU probe is one segment larger than the MSS; a Fast Open
	 * SYN's data is one segment, sized before the MSS is known.
	 */
	seg_payload = cb->mtu_probe || (flags & TCPHDR_SYN) ? payload :
		      min_t(unsigned int, payload, as->mss_cache);

	optlen = atcp_build_options(sk, flags, optbuf, seg_payload);
	hlen = sizeof(*th) + optlen;

	skb_push(skb, hlen);
	skb_reset_transport_header(skb);
	atcp_skb_set_owner_w(skb, sk);
	memset(skb->cb, 0, max(sizeof(struct inet_skb_parm),
			       sizeof(struct inet6_skb_parm)));

	th = (struct tcphdr *)skb->data;
	th->source = inet->inet_sport;
	th->dest = inet->inet_dport;
	th->seq = htonl(seq);
	th->ack_seq = htonl(as->rcv_nxt);
	*(((__be16 *)th) + 6) = htons(((hlen >> 2) << 12) | flags);
	if (flags & TCPHDR_SYN)
		th->window = htons(min_t(u32, as->rcv_wnd, 65535U));
	else
		th->window = htons(atcp_select_window(sk));
	th->check = 0;
	th->urg_ptr = 0;
	/*
	 * Every segment before snd_up points at its end, or as far as 16
	 * bits reach toward it (RFC 6093 4); a window probe below snd_una
	 * too (Linux: __tcp_transmit_skb()).
	 */
	if (atcp_urg_covers(as, seq)) {
		if (atcp_seq_before(as->snd_up, seq + 0x10000)) {
			th->urg_ptr = htons(as->snd_up - seq);
			th->urg = 1;
		} else if (atcp_seq_after(seq + 0xFFFF, as->snd_nxt)) {
			th->urg_ptr = htons(0xFFFF);
			th->urg = 1;
		}
	}
	memcpy(th + 1, optbuf, optlen);

	if (flags & TCPHDR_ACK) {
		as->ack_pending = 0;
		as->segs_unacked = 0;
		atcp_comp_sack_sent(sk);
	}

	skb->ip_summed = CHECKSUM_PARTIAL;
	skb->csum_start = skb_transport_header(skb) - skb->head;
	skb->csum_offset = offsetof(struct tcphdr, check);
#if IS_ENABLED(CONFIG_IPV6)
	if (atcp_v6(sk))
		th->check = ~tcp_v6_check(skb->len, &sk->sk_v6_rcv_saddr,
					  &sk->sk_v6_daddr, 0);
	else
#endif
		th->check = ~tcp_v4_check(skb->len, inet->inet_saddr,
					  inet->inet_daddr, 0);

	if (payload > seg_payload) {
		skb_shinfo(skb)->gso_size = seg_payload;
		skb_shinfo(skb)->gso_segs = DIV_ROUND_UP(payload, seg_payload);
		skb_shinfo(skb)->gso_type = sk->sk_gso_type;
		/* CWR on the first segment only (devices: NETIF_F_TSO_ECN) */
		if (flags & TCPHDR_CWR)
			skb_shinfo(skb)->gso_type |= SKB_GSO_TCP_ECN;
	} else {
		skb_shinfo(skb)->gso_size = 0;
		skb_shinfo(skb)->gso_segs = 1;
		skb_shinfo(skb)->gso_type = 0;
	}

	as->segs_out += skb_shinfo(skb)->gso_segs;
	ATCP_ADD_STATS(sock_net(sk), ATCP_MIB_OUTSEGS,
		       skb_shinfo(skb)->gso_segs);
	if (payload) {
		as->data_segs_out += skb_shinfo(skb)->gso_segs;
		as->last_data_sent = jiffies;
	}
	if (flags & TCPHDR_RST)
		ATCP_INC_STATS(sock_net(sk), ATCP_MIB_OUTRSTS);

	err = atcp_ip_xmit(sk, skb, ip_ecn);
	if (unlikely(err > 0)) {
		/*
		 * A qdisc here dropped it (NET_XMIT_DROP: not sent, the
		 * caller tries again) or another of ours (NET_XMIT_CN): the
		 * congestion is local, no loss to recover from (Linux:
		 * __tcp_transmit_skb()).
		 */
		atcp_enter_cwr(sk, false);
		err = net_xmit_errno(err);
	}
	if (!err && payload)
		atcp_pacing_sent(sk, payload);
	return err;
}

static struct sk_buff *atcp_alloc_ctl_skb(struct sock *sk, gfp_t gfp)
{
	struct sk_buff *skb = alloc_skb(ATCP_MAX_HEADER, gfp);

	if (skb)
		skb_reserve(skb, ATCP_MAX_HEADER);
	return skb;
}

/* A pure ACK (also window updates and challenge ACKs). */
void atcp_send_ack(struct sock *sk)
{
	struct atcp_sock *as = atcp_sk(sk);
	struct sk_buff *skb;

	if (sk->sk_state == TCP_CLOSE)
		return;
	skb = atcp_alloc_ctl_skb(sk, GFP_ATOMIC);
	if (!skb) {
		atcp_schedule_ack(sk);
		return;
	}
	ATCP_SKB_CB(skb)->seq = atcp_acceptable_seq(as);
	ATCP_SKB_CB(skb)->flags = TCPHDR_ACK;
	atcp_transmit_skb(sk, skb, false, GFP_ATOMIC);
}

static void atcp_send_bare_ack(struct sock *sk, u32 seq)
{
	struct sk_buff *skb = atcp_alloc_ctl_skb(sk, GFP_ATOMIC);

	if (!skb)
		return;
	ATCP_SKB_CB(skb)->seq = seq;
	ATCP_SKB_CB(skb)->flags = TCPHDR_ACK;
	atcp_transmit_skb(sk, skb, false, GFP_ATOMIC);
}

/*
 * A zero window probe: an ACK one below snd_una draws the peer's ACK.
 * The peer drops it as old, so with urgent data unacknowledged one more
 * at snd_una, which it accepts, carries the urgent pointer through the
 * closed window (Linux: tcp_write_wakeup()).
 */
void atcp_send_probe(struct sock *sk)
{
	struct atcp_sock *as = atcp_sk(sk);

	if (atcp_urg_covers(as, as->snd_una))
		atcp_send_bare_ack(sk, as->snd_una);
	atcp_send_bare_ack(sk, as->snd_una - 1);
}

void atcp_send_active_reset(struct sock *sk, gfp_t gfp)
{
	struct atcp_sock *as = atcp_sk(sk);
	struct sk_buff *skb = atcp_alloc_ctl_skb(sk, gfp);

	if (!skb)
		return;
	ATCP_SKB_CB(skb)->seq = atcp_acceptable_seq(as);
	ATCP_SKB_CB(skb)->flags = TCPHDR_ACK | TCPHDR_RST;
	atcp_transmit_skb(sk, skb, false, gfp);
}

/* Queue a control skb (SYN, SYN-ACK, FIN) that must be retransmitted. */
static void atcp_queue_ctl(struct sock *sk, struct sk_buff *skb, u8 flags)
{
	struct atcp_sock *as = atcp_sk(sk);
	struct atcp_skb_cb *cb = ATCP_SKB_CB(skb);

	cb->seq = as->write_seq;
	cb->end_seq = as->write_seq + 1;
	cb->flags = flags;
	cb->retrans = 0;
	as->write_seq++;
	__skb_queue_tail(&sk->sk_write_queue, skb);
	/* charged even beyond the limits, as the connection needs it */
	atcp_wmem_charge(sk, skb->truesize);
	if (!as->send_head)
		as->send_head = skb;
}

/*
 * A Fast Open SYN (Linux: tcp_send_syn_data()): as much of the data
 * sendmsg() offered as atcp_fastopen_syn_room() allows follows @syn on
 * the write queue, and one segment carries both.  Resent after a
 * timeout, the SYN goes alone, as RFC 7413 4.2.1 wants, and the data
 * once the handshake is done: only the first try risks a middlebox that
 * drops SYNs with data.  False when the SYN goes as usual, without data
 * (with a request for a cookie, if it has none).
 */
static bool atcp_fastopen_send_syn(struct sock *sk, struct sk_buff *syn)
{
	struct atcp_sock *as = atcp_sk(sk);
	struct atcp_fastopen *fo = as->tfo;
	struct dst_entry *dst = __sk_dst_get(sk);
	struct sk_buff *data, *seg;
	struct atcp_skb_cb *cb;
	size_t copied;
	u32 room, now;

	if (!fo->data)
		return false;
	room = atcp_fastopen_syn_room(sk, dst ? dst_mtu(dst) : IPV6_MIN_MTU);
	if (!room)
		return false;
	data = alloc_skb(ATCP_MAX_HEADER + room, sk->sk_allocation);
	seg = alloc_skb(ATCP_MAX_HEADER + room, sk->sk_allocation);
	if (!data || !seg)
		goto plain;
	skb_reserve(data, ATCP_MAX_HEADER);
	skb_reserve(seg, ATCP_MAX_HEADER);
	copied = copy_from_iter(skb_put(data, room), room, &fo->data->msg_iter);
	if (!copied)
		goto plain;
	skb_trim(data, copied);
	skb_put_data(seg, data->data, copied);

	cb = ATCP_SKB_CB(data);
	memset(cb, 0, sizeof(*cb));
	cb->seq = as->write_seq;
	cb->end_seq = cb->seq + copied;
	cb->flags = TCPHDR_ACK | TCPHDR_PSH;
	as->write_seq += copied;
	__skb_queue_tail(&sk->sk_write_queue, data);
	atcp_wmem_charge(sk, data->truesize);
	fo->copied = copied;
	if (copied == fo->size)
		fo->data = NULL;

	*ATCP_SKB_CB(seg) = *ATCP_SKB_CB(syn);
	ATCP_SKB_CB(seg)->end_seq = cb->end_seq;
	now = atcp_clock_us();
	ATCP_SKB_CB(syn)->sent_us = now;
	cb->sent_us = now;
	as->last_xmit_us = now;
	as->send_head = NULL;
	as->snd_nxt = as->write_seq;
	as->bytes_sent += as->snd_nxt - as->snd_max;
	as->snd_max = as->snd_nxt;
	as->syn_data = 1;
	/* a SYN not sent counts as sent: its timer sends it again */
	atcp_transmit_skb(sk, seg, false, sk->sk_allocation);
	atcp_reset_rtx_timer(sk);
	return true;
plain:
	kfree_skb(data);
	kfree_skb(seg);
	/* no data then, but a request for a cookie, as Linux falls back */
	fo->cookie.len = 0;
	fo->send_cookie = true;
	return false;
}

int atcp_send_syn(struct sock *sk)
{
	struct sk_buff *skb = atcp_alloc_ctl_skb(sk, sk->sk_allocation);
	int mode = READ_ONCE(atcp_net(sock_net(sk))->sysctl.ecn);
	u8 ecn;

	/* a route with "features ecn" asks whatever the sysctl says */
	if (atcp_route_ecn(sk))
		mode = ATCP_ECN_MODE_ON;
	ecn = atcp_ecn_syn_flags(mode);

	if (!skb)
		return -ENOBUFS;
	/* asked for: on until the SYN-ACK says otherwise */
	atcp_sk(sk)->ecn_flags = ecn ? ATCP_ECN_OK : 0;
	atcp_queue_ctl(sk, skb, TCPHDR_SYN | ecn);
	if (atcp_sk(sk)->tfo && atcp_fastopen_send_syn(sk, skb))
		return 0;
	atcp_push(sk, ATCP_NAGLE_PUSH);
	return 0;
}

int atcp_send_synack(struct sock *sk)
{
	struct atcp_sock *as = atcp_sk(sk);
	struct sk_buff *skb;

	/* A SYN-ACK already queued (simultaneous open, duplicate SYN). */
	skb = skb_peek(&sk->sk_write_queue);
	if (skb && (ATCP_SKB_CB(skb)->flags & TCPHDR_SYN)) {
		ATCP_SKB_CB(skb)->flags =
			atcp_ecn_synack_flags(as->ecn_flags,
					      ATCP_SKB_CB(skb)->flags) |
			TCPHDR_ACK;
		return atcp_transmit_skb(sk, skb, true, GFP_ATOMIC);
	}
	skb = atcp_alloc_ctl_skb(sk, GFP_ATOMIC);
	if (!skb)
		return -ENOBUFS;
	as->write_seq = as->iss;
	as->snd_nxt = as->iss;
	atcp_queue_ctl(sk, skb, atcp_ecn_synack_flags(as->ecn_flags,
						      TCPHDR_SYN | TCPHDR_ACK));
	atcp_push(sk, ATCP_NAGLE_PUSH);
	return 0;
}

/* Our FIN: on the last unsent skb if there is one, else on its own. */
int atcp_send_fin(struct sock *sk)
{
	struct atcp_sock *as = atcp_sk(sk);
	struct sk_buff *tail = skb_peek_tail(&sk->sk_write_queue);

	if (as->fin_queued)
		return 0;
	as->fin_queued = 1;
	if (tail && as->send_head && !(ATCP_SKB_CB(tail)->flags & TCPHDR_SYN)) {
		ATCP_SKB_CB(tail)->flags |= TCPHDR_FIN;
		ATCP_SKB_CB(tail)->end_seq++;
		as->write_seq++;
	} else {
		struct sk_buff *skb = alloc_skb_fclone(ATCP_MAX_HEADER,
						       sk->sk_allocation);

		if (!skb)
			skb = alloc_skb(ATCP_MAX_HEADER, GFP_ATOMIC | __GFP_NOWARN);
		if (!skb) {
			as->fin_queued = 0;
			return -ENOBUFS;
		}
		skb_reserve(skb, ATCP_MAX_HEADER);
		atcp_queue_ctl(sk, skb, TCPHDR_FIN | TCPHDR_ACK);
	}
	atcp_push(sk, ATCP_NAGLE_PUSH);
	return 0;
}

/* ---- the write queue ----------------------------------------------------- */

/*
 * @skb was split at @buff's first byte, and @buff has a copy of its cb:
 * a request for transmit timestamps stays with the part that holds its
 * byte (Linux: tcp_fragment_tstamp()).
 */
static void atcp_fragment_tstamp(struct sk_buff *skb, struct sk_buff *buff)
{
	struct skb_shared_info *shinfo = skb_shinfo(skb);
	struct atcp_skb_cb *cb = ATCP_SKB_CB(skb);

	if (likely(!atcp_skb_tx_tstamped(skb)) ||
	    atcp_seq_before(cb->tskey, ATCP_SKB_CB(buff)->seq)) {
		ATCP_SKB_CB(buff)->txstamp_ack = 0;
		return;
	}
	skb_shinfo(buff)->tx_flags |= shinfo->tx_flags & SKBTX_ANY_TSTAMP;
	skb_shinfo(buff)->tskey = shinfo->tskey;
	shinfo->tx_flags &= ~SKBTX_ANY_TSTAMP;
	cb->txstamp_ack = 0;
}

/* Split @skb so that it carries @len bytes; the rest follows it. */
int atcp_fragment(struct sock *sk, struct sk_buff *skb, u32 len)
{
	struct atcp_skb_cb *cb = ATCP_SKB_CB(skb);
	u32 nlen = skb->len - len;
	struct sk_buff *buff;

	/*
	 * A clone of @skb may still be in flight (a qdisc, netem): it shares
	 * the fragment array that skb_split() rewrites, so take our own.
	 */
	if (skb_cloned(skb)) {
		unsigned int truesize = skb->truesize;

		if (skb_unclone(skb, GFP_ATOMIC))
			return -ENOMEM;
		atcp_wmem_charge(sk, skb->truesize - truesize);
	}
	buff = alloc_skb_fclone(ATCP_MAX_HEADER, GFP_ATOMIC | __GFP_NOWARN);
	if (!buff)
		return -ENOMEM;
	skb_reserve(buff, ATCP_MAX_HEADER);
	buff->ip_summed = CHECKSUM_PARTIAL;	/* as atcp_write_queue_new() */
	skb_split(skb, buff, len);
	skb->truesize -= nlen;
	buff->truesize += nlen;
	/* a split is charged even beyond the limits (Linux: force_schedule) */
	atcp_wmem_charge(sk, buff->truesize - nlen);

	*ATCP_SKB_CB(buff) = *cb;
	ATCP_SKB_CB(buff)->seq = cb->seq + len;
	atcp_fragment_tstamp(skb, buff);
	cb->end_seq = cb->seq + len;
	cb->flags &= ~(TCPHDR_FIN | TCPHDR_PSH);
	/* a probe cut in two is none */
	cb->mtu_probe = 0;
	ATCP_SKB_CB(buff)->mtu_probe = 0;
	skb_shinfo(skb)->gso_size = 0;
	__skb_queue_after(&sk->sk_write_queue, skb, buff);
	return 0;
}

static void atcp_free_queued(struct sock *sk, struct sk_buff *skb)
{
	struct atcp_sock *as = atcp_sk(sk);

	if (ATCP_SKB_CB(skb)->sacked)
		as->sacked_out -= ATCP_SKB_CB(skb)->end_seq -
				  ATCP_SKB_CB(skb)->seq;
	atcp_clear_lost(as, skb);
	if (skb == as->send_head)
		as->send_head = atcp_write_queue_next(sk, skb);
	__skb_unlink(skb, &sk->sk_write_queue);
	atcp_wmem_free_skb(sk, skb);
}

/*
 * Drop what the peer already acknowledged from the front of @skb, so a
 * retransmission starts at snd_una.  Returns what is left, or NULL when
 * nothing is (or on allocation failure, with @skb untouched).
 */
struct sk_buff *atcp_trim_acked(struct sock *sk, struct sk_buff *skb)
{
	struct atcp_sock *as = atcp_sk(sk);
	struct atcp_skb_cb *cb = ATCP_SKB_CB(skb);
	struct sk_buff *rest;

	if (!atcp_seq_before(cb->seq, as->snd_una))
		return skb;
	if (!atcp_seq_after(cb->end_seq, as->snd_una)) {
		atcp_free_queued(sk, skb);
		return NULL;
	}
	if (atcp_fragment(sk, skb, as->snd_una - cb->seq))
		return NULL;
	rest = skb->next;
	atcp_free_queued(sk, skb);
	return rest;
}

/*
 * New data after the connection sat idle for more than an RTO: the ACK
 * clock that paced the old window is gone, so the window restarts from
 * at most the initial one, halved for each RTO of idleness (RFC 5681 4.1,
 * RFC 2861; Linux: tcp_cwnd_restart()).  slow_start_after_idle=0 keeps
 * the window, as in Linux.  Called as data is queued.
 */
void atcp_cwnd_restart_after_idle(struct sock *sk)
{
	struct atcp_sock *as = atcp_sk(sk);
	u32 rto, cwnd, restart;
	s32 idle;

	if (!READ_ONCE(atcp_net(sock_net(sk))->sysctl.slow_start_after_idle) ||
	    as->snd_una != as->snd_max || !as->data_segs_out)
		return;
	rto = max_t(u32, usecs_to_jiffies(atcp_rto_current(&as->rto)), 1);
	idle = (s32)((u32)jiffies - as->last_data_sent);
	if (idle <= (s32)rto)
		return;
	/* the old window is remembered */
	as->ssthresh = atcp_current_ssthresh(as);
	restart = min_t(u32, atcp_init_cwnd(sk), as->cwnd);
	cwnd = as->cwnd;
	while ((idle -= rto) > 0 && cwnd > restart)
		cwnd >>= 1;
	as->cwnd = max(cwnd, restart);
	atcp_cong_restart(as);
}

/*
 * Was the congestion window what limited sending, this round trip?  The
 * window only grows when it was (RFC 7661; Linux: tcp_cwnd_validate()):
 * an application that sends little, or a receiver's window, would
 * otherwise let it grow without bound on ACKs it never needed, and a
 * later burst would go out at that size.  The round ends once snd_una
 * passes what was sent when it started.
 */
static void atcp_cwnd_validate(struct atcp_sock *as, bool cwnd_limited)
{
	u32 flight = DIV_ROUND_UP(atcp_inflight(as), as->mss_cache);

	if (!atcp_seq_before(as->snd_una, as->cwnd_usage_seq) ||
	    cwnd_limited || flight > as->max_flight) {
		as->max_flight = flight;
		as->cwnd_usage_seq = as->snd_nxt;
		as->cwnd_limited = cwnd_limited;
	}
}

/* What went out during a window reduction, for PRR (prr_out). */
static void atcp_prr_count(struct atcp_sock *as, const struct sk_buff *skb)
{
	u32 segs;

	if (!as->in_recovery && !(as->ecn_flags & ATCP_ECN_IN_CWR))
		return;
	segs = DIV_ROUND_UP(skb->len, as->mss_cache);
	atcp_prr_sent(&as->prr, max_t(u32, segs, 1));
}

/* @skb goes out again: no longer lost, one more resend to count. */
static void atcp_count_resend(struct sock *sk, struct sk_buff *skb)
{
	struct atcp_sock *as = atcp_sk(sk);
	struct atcp_skb_cb *cb = ATCP_SKB_CB(skb);

	atcp_undo_count(as, skb);
	atcp_clear_lost(as, skb);
	atcp_prr_count(as, skb);
	/*
	 * An MTU probe in flight now tells nothing: its ACK may be this
	 * copy's (Linux: __tcp_retransmit_skb()).  This copy is no probe.
	 */
	as->mtup.probe_size = 0;
	cb->mtu_probe = 0;
	cb->rexmit_epoch = as->recovery_epoch;
	cb->retrans++;
	as->total_retrans++;
	ATCP_INC_STATS(sock_net(sk), ATCP_MIB_RETRANSSEGS);
}

/*
 * Move the page fragments of @from, all its data, to the end of @to,
 * with their share of truesize; the first joins @to's last when it
 * continues it on the same page.  False, with nothing moved, when they
 * do not fit in @to's fragment array, or are the user's own pages
 * (MSG_ZEROCOPY).  Neither skb may be cloned.  (Linux's skb_shift() is
 * not exported.)
 */
static bool atcp_skb_move_frags(struct sk_buff *to, struct sk_buff *from)
{
	struct skb_shared_info *tsh = skb_shinfo(to), *fsh = skb_shinfo(from);
	int n = tsh->nr_frags, len = from->len, i = 0;
	skb_frag_t *frag = &fsh->frags[0];
	bool merge;

	if (!len)
		return true;
	if (skb_headlen(from) || skb_zcopy(to) || skb_zcopy(from))
		return false;
	merge = skb_can_coalesce(to, n, skb_frag_page(frag),
				 skb_frag_off(frag));
	if (n + fsh->nr_frags - merge > MAX_SKB_FRAGS)
		return false;
	if (merge) {
		skb_frag_size_add(&tsh->frags[n - 1], skb_frag_size(frag));
		/* @to holds the page already */
		skb_frag_unref(from, 0);
		i = 1;
	}
	for (; i < fsh->nr_frags; i++)
		tsh->frags[n++] = fsh->frags[i];
	tsh->nr_frags = n;
	fsh->nr_frags = 0;
	tsh->flags |= fsh->flags & SKBFL_SHARED_FRAG;
	skb_len_add(to, len);
	skb_len_add(from, -len);
	return true;
}

/*
 * Take @next, the skb after @skb, into @skb: its fragments, its sequence
 * range and flags.  False when @next's fragments do not fit (or are
 * the user's own pages, MSG_ZEROCOPY's).
 */
static bool atcp_collapse_next(struct sock *sk, struct sk_buff *skb,
			       struct sk_buff *next)
{
	struct atcp_sock *as = atcp_sk(sk);
	struct atcp_skb_cb *cb = ATCP_SKB_CB(skb);
	struct atcp_skb_cb *ncb = ATCP_SKB_CB(next);
	bool lost = cb->lost;

	if (!atcp_skb_move_frags(skb, next))
		return false;
	/* lost_out counts the range that ends up marked, once */
	atcp_clear_lost(as, skb);
	cb->end_seq = ncb->end_seq;
	cb->flags |= ncb->flags;
	cb->retrans = max(cb->retrans, ncb->retrans);
	if (unlikely(atcp_skb_tx_tstamped(next))) {
		/* the later byte's request (Linux: tcp_skb_collapse_tstamp()) */
		skb_shinfo(skb)->tx_flags |= skb_shinfo(next)->tx_flags &
					     SKBTX_ANY_TSTAMP;
		skb_shinfo(skb)->tskey = skb_shinfo(next)->tskey;
		cb->tskey = ncb->tskey;
		cb->txstamp_ack |= ncb->txstamp_ack;
	}
	skb_shinfo(skb)->gso_size = 0;
	atcp_free_queued(sk, next);
	if (lost)
		atcp_mark_lost(as, skb);
	return true;
}

/*
 * @skb is about to go out again: the skbs sent after it join it while
 * they fit in @space bytes (the MSS, or less when the peer's window
 * ends sooner), so that data written in small pieces is resent in full
 * segments, and in fewer of them (Linux: tcp_retrans_try_collapse(),
 * under retrans_collapse).  Not a SYN; not data the peer SACKed, nor an
 * skb a queue below us still holds a clone of, which shares the fragment
 * array the move rewrites; not data never sent.
 */
static void atcp_retrans_collapse(struct sock *sk, struct sk_buff *skb,
				  u32 space)
{
	struct atcp_sock *as = atcp_sk(sk);
	struct sk_buff *next;

	if (!READ_ONCE(atcp_net(sock_net(sk))->sysctl.retrans_collapse) ||
	    (ATCP_SKB_CB(skb)->flags & TCPHDR_SYN) ||
	    ATCP_SKB_CB(skb)->sacked || skb_cloned(skb))
		return;
	while (skb->len < space) {
		next = atcp_write_queue_next(sk, skb);
		if (!next || next == as->send_head ||
		    atcp_seq_after(ATCP_SKB_CB(next)->end_seq, as->snd_max) ||
		    ATCP_SKB_CB(next)->sacked || skb_cloned(next) ||
		    next->len > space - skb->len ||
		    !atcp_collapse_next(sk, skb, next))
			break;
	}
}

/*
 * Should @skb, the first new data, go out as a path MTU probe (RFC 4821
 * 7.4; Linux: tcp_mtu_probe())?  The payload the probe carries, 0 for
 * none, -1 to send nothing until the flight drains enough for one.  A
 * probe goes while nothing else is being recovered, with a window of at
 * least 11 segments, and with enough data behind it in the same window
 * that its loss shows by the segments after it arriving, not by a
 * timeout.  Linux builds the probe from several skbs if need be; atcp
 * waits for an skb that holds it, which its large write-queue skbs do.
 */
static int atcp_mtu_probe_len(struct sock *sk, const struct sk_buff *skb)
{
	const struct atcp_sysctl *s = &atcp_net(sock_net(sk))->sysctl;
	struct atcp_sock *as = atcp_sk(sk);
	u32 mss = as->mss_cache, mtu, needed, flight;
	int len;

	if (likely(!as->mtup.on) || as->mtup.probe_size ||
	    as->in_recovery || as->in_loss ||
	    (as->ecn_flags & ATCP_ECN_IN_CWR) || as->sacked_out ||
	    as->lost_out || as->dupacks || as->cwnd < 11 ||
	    /* SACK blocks in it would make it larger than its size says */
	    as->dsack_pending || !skb_queue_empty(&as->ooo_queue) ||
	    ATCP_SKB_CB(skb)->seq != as->snd_max)
		return 0;
	mtu = atcp_plpmtu_next(&as->mtup, READ_ONCE(s->probe_threshold));
	if (!mtu) {
		/* the search is over: run it again after probe_interval */
		if (atcp_plpmtu_restart_due(&as->mtup, jiffies,
					    READ_ONCE(s->probe_interval) * HZ))
			atcp_plpmtu_init(&as->mtup,
					 min(atcp_mtup_high(sk), as->pmtu_cookie),
					 atcp_mss_to_mtu(sk, mss), true, jiffies);
		return 0;
	}
	len = atcp_mtu_to_mss(sk, mtu);
	if (len <= (int)mss)
		return 0;
	needed = len + (as->reordering + 1) * mss;
	if (as->write_seq - as->snd_nxt < needed || as->snd_wnd < needed)
		return 0;
	if (atcp_seq_after(as->snd_nxt + needed, as->snd_una + as->snd_wnd))
		return -1;
	flight = DIV_ROUND_UP(atcp_inflight(as), mss);
	if (flight + 2 > as->cwnd)
		return flight ? -1 : 0;
	return skb->len >= len ? len : 0;
}

/*
 * The largest skb of a paced connection (by fq, or by atcp itself), which
 * leaves as one burst (Linux: tcp_tso_autosize()): about a millisecond of
 * data at the pacing rate, plus gso_max_size halved for every
 * 2^tso_rtt_log us of the minimum RTT, for bursts cost little on a short
 * path and large skbs save CPU; never under @min_tso segments.
 */
static u32 atcp_tso_autosize(const struct sock *sk, u32 mss, u32 min_tso)
{
	u32 min_rtt = atcp_sk(sk)->rto.min_rtt_us;
	u32 gso_max = READ_ONCE(sk->sk_gso_max_size);
	u64 bytes = READ_ONCE(sk->sk_pacing_rate) >>
		    READ_ONCE(sk->sk_pacing_shift);
	u32 shift, halvings;

	shift = READ_ONCE(atcp_net(sock_net(sk))->sysctl.tso_rtt_log);
	halvings = shift < 32 ? min_rtt >> shift : 0;
	/* no RTT sample yet: none of gso_max_size, as in Linux */
	if (min_rtt && halvings < 32)
		bytes += gso_max >> halvings;
	bytes = min_t(u64, bytes, gso_max);
	return max_t(u32, rounddown((u32)bytes, mss), min_tso * mss);
}

/*
 * Whether to hold @skb, unsent, for the ACK due next, which may let a
 * larger skb out (atcp_tso.h; Linux: tcp_tso_should_defer()).  Only new
 * data of more than one segment, outside loss recovery, with data in
 * flight and room for at least a segment in both windows; a hold for the
 * congestion window counts as being limited by it.
 */
static bool atcp_tso_hold(struct sock *sk, const struct sk_buff *skb,
			  u32 cwnd_room, u32 wnd_room, u32 max_skb,
			  bool *cwnd_limited)
{
	struct sk_buff *head = skb_peek(&sk->sk_write_queue);
	struct atcp_sock *as = atcp_sk(sk);
	u32 mss = as->mss_cache;
	struct atcp_tso_state s;
	enum atcp_tso_verdict verdict;

	if (skb->len <= mss || as->in_recovery || as->in_loss ||
	    !head || head == skb || cwnd_room < mss || wnd_room < mss)
		return false;
	s = (struct atcp_tso_state) {
		.now_us = atcp_clock_us(),
		.last_xmit_us = as->last_xmit_us,
		.head_sent_us = ATCP_SKB_CB(head)->sent_us,
		.srtt_us = as->rto.srtt_us,
		.skb_len = skb->len,
		.skb_is_tail = skb_queue_is_last(&sk->sk_write_queue, skb),
		.skb_has_fin = ATCP_SKB_CB(skb)->flags & TCPHDR_FIN,
		.send_win = wnd_room,
		.cong_win = cwnd_room,
		.snd_wnd = as->snd_wnd,
		.cwnd_bytes = as->cwnd * mss,
		.max_skb = max_skb,
		.mss = mss,
		.win_divisor = READ_ONCE(atcp_net(sock_net(sk))->sysctl.tso_win_divisor),
	};
	verdict = atcp_tso_defer(&s);
	if (verdict == ATCP_TSO_SEND)
		return false;
	if (verdict == ATCP_TSO_DEFER_CWND)
		*cwnd_limited = true;
	ATCP_INC_STATS(sock_net(sk), ATCP_MIB_TSODEFERRED);
	return true;
}

/*
 * Send what the peer's window and the congestion window allow, from
 * send_head on.  @nonagle says what may hold a partial segment back.  A tail
 * loss @probe sends one segment of new data, past the congestion window
 * but not the peer's, and nothing else (Linux: tcp_write_xmit()'s
 * push_one 2).  True when something was sent.
 */
static bool __atcp_push(struct sock *sk, enum atcp_nagle nonagle,
			bool probe)
{
	struct atcp_sock *as = atcp_sk(sk);
	u32 min_tso = READ_ONCE(atcp_net(sock_net(sk))->sysctl.min_tso_segs);
	bool sent = false, cwnd_limited = false, probe_checked = probe;
	struct sk_buff *skb;
	u32 max_skb, mss;

	atcp_check_pmtu(sk);
	mss = as->mss_cache;

	/*
	 * At least four skbs per window: a lost GSO skb then leaves others
	 * to draw the ACKs that reveal it.  But not under min_tso_segs
	 * segments while half the window holds them, as Linux's smallest TSO
	 * frame (tcp_tso_autosize()) within its half-window quota
	 * (tcp_cwnd_test()): a small window goes out in fewer, larger skbs.
	 */
	max_skb = min_t(u32, min_tso, max_t(u32, as->cwnd / 2, 1));
	max_skb = max_t(u32, max_skb, as->cwnd / 4) * mss;
	if (READ_ONCE(sk->sk_pacing_status) != SK_PACING_NONE)
		max_skb = min(max_skb, atcp_tso_autosize(sk, mss, min_tso));
	if (probe) {
		max_skb = mss;
		nonagle = ATCP_NAGLE_PUSH;
	}

	if (atcp_seq_before(as->snd_nxt, as->snd_una))
		as->snd_nxt = as->snd_una;
	while ((skb = as->send_head)) {
		struct atcp_skb_cb *cb = ATCP_SKB_CB(skb);
		u32 inflight = atcp_inflight(as);
		u32 cwnd_bytes = as->cwnd * mss;
		u32 cwnd_room, wnd_room, room, skb_max;
		bool retransmit, urgent;

		/* After a timeout, skip over what was acknowledged since. */
		if (atcp_seq_before(cb->seq, as->snd_una)) {
			if (!atcp_trim_acked(sk, skb) && as->send_head == skb)
				break;
			continue;
		}
		retransmit = atcp_seq_before(cb->seq, as->snd_max);
		if (probe && retransmit)
			break;
		if (retransmit && cb->sacked) {
			/* The peer has it: going back N skips it. */
			as->send_head = atcp_write_queue_next(sk, skb);
			as->snd_nxt = cb->end_seq;
			continue;
		}
		/*
		 * The segment of a byte transmit timestamps are asked for
		 * goes in an skb of its own: GSO would hand the request to
		 * the segment whose sequence numbers hold skb_shinfo()'s
		 * tskey (tcp_gso_tstamp()), which for atcp is a count of
		 * bytes, not a sequence number (atcp_tx_timestamp()).
		 */
		if (unlikely(atcp_skb_tx_tstamped(skb)) && skb->len > mss) {
			u32 off = rounddown(cb->tskey - cb->seq, mss);

			if (atcp_fragment(sk, skb, off ? off : mss))
				break;
		}
		if (!retransmit) {
			cb->mtu_probe = 0;
			if (!probe_checked) {
				int len = atcp_mtu_probe_len(sk, skb);

				probe_checked = true;
				if (len < 0)
					break;
				if (len && skb->len > len &&
				    atcp_fragment(sk, skb, len))
					break;
				cb->mtu_probe = len > 0;
			}
		}

		/*
		 * RFC 3042 limited transmit: new data on the first dupacks.
		 * With SACK what they reported already left the pipe.
		 */
		if (!as->sack_ok && !as->in_recovery && !as->in_loss &&
		    as->dupacks < as->reordering)
			cwnd_bytes += as->dupacks * mss;
		cwnd_room = cwnd_bytes > inflight ? cwnd_bytes - inflight : 0;
		if (probe)
			cwnd_room = max(cwnd_room, mss);
		wnd_room = atcp_seq_after(as->snd_una + as->snd_wnd, as->snd_nxt) ?
			   as->snd_una + as->snd_wnd - as->snd_nxt : 0;
		/*
		 * GSO copies the header's urgent pointer into every segment,
		 * where it would point further each time: before snd_up one
		 * segment per skb, as Linux sends no TSO frame in urgent mode.
		 */
		urgent = atcp_urg_covers(as, cb->seq);
		skb_max = urgent ? mss : max_skb;
		if (retransmit)
			atcp_retrans_collapse(sk, skb, min(mss, wnd_room));
		room = min3(cwnd_room, wnd_room, skb_max);
		/* atcp_mtu_probe_len() found the windows' room for a probe */
		if (cb->mtu_probe)
			room = skb->len;
		else if (!retransmit && !probe && !urgent &&
			 atcp_tso_hold(sk, skb, cwnd_room, wnd_room, max_skb,
				       &cwnd_limited))
			break;

		if (skb->len > room) {
			if (room >= mss || (room && !inflight)) {
				u32 cut = room >= mss ? rounddown(room, mss) : room;

				if (atcp_fragment(sk, skb, cut))
					break;
			} else {
				if (!inflight && as->snd_wnd < skb->len)
					atcp_arm_probe_timer(sk);
				cwnd_limited = cwnd_room < wnd_room;
				break;
			}
		}
		/*
		 * Nagle (RFC 896) as Minshall refined it, and Linux does
		 * (tcp_nagle_check()): one small segment in flight at a
		 * time.  A small segment waits while an earlier one is
		 * unacknowledged; a larger skb at the tail then sends its
		 * full segments and keeps the small rest for more data
		 * (tcp_mss_split_point()).  Holding every small segment
		 * while anything is in flight would keep the end of each
		 * write an RTT late.  TCP_CORK, and MSG_MORE for its send,
		 * hold it whatever is in flight, TCP_NODELAY or not.
		 */
		if (!retransmit && nonagle != ATCP_NAGLE_PUSH && !urgent &&
		    (skb->len < mss || skb->len % mss) &&
		    !(cb->flags & TCPHDR_FIN) &&
		    skb_queue_is_last(&sk->sk_write_queue, skb) &&
		    (nonagle == ATCP_NAGLE_CORK || as->opts.cork ||
		     (!as->opts.nodelay && inflight &&
		      atcp_seq_after(as->snd_sml, as->snd_una)))) {
			if (skb->len < mss ||
			    atcp_fragment(sk, skb, rounddown(skb->len, mss)))
				break;
		}

		/*
		 * Too early for the pacing rate, or the host's queues hold
		 * enough of ours: wait.
		 */
		if (atcp_pacing_wait(sk) || !atcp_tsq_room(sk, skb, retransmit))
			break;
		if (retransmit)
			atcp_count_resend(sk, skb);
		if (!(cb->flags & TCPHDR_SYN) || sk->sk_state != TCP_SYN_SENT)
			cb->flags |= TCPHDR_ACK;
		/*
		 * Not sent (no memory, or a qdisc here dropped it): try
		 * again on the next ACK, or with nothing in flight on the
		 * probe timer.  A SYN counts as sent, as in Linux: its
		 * retransmission timer sends it again.
		 */
		if (atcp_transmit_skb(sk, skb, true, GFP_ATOMIC) == -ENOBUFS &&
		    !(cb->flags & TCPHDR_SYN)) {
			cb->mtu_probe = 0;
			if (!inflight)
				atcp_arm_probe_timer(sk);
			break;
		}
		if (!retransmit) {
			atcp_prr_count(as, skb);
			if (skb->len % mss)
				as->snd_sml = cb->end_seq;
		}
		if (cb->mtu_probe) {
			/* one packet, two segments' worth (Linux does so) */
			as->cwnd--;
			atcp_plpmtu_sent(&as->mtup,
					 atcp_mss_to_mtu(sk, skb->len),
					 cb->seq, cb->end_seq);
		}
		sent = true;
		as->send_head = atcp_write_queue_next(sk, skb);
		as->snd_nxt = cb->end_seq;
		if (atcp_seq_after(as->snd_nxt, as->snd_max)) {
			as->bytes_sent += as->snd_nxt - as->snd_max;
			as->snd_max = as->snd_nxt;
		}
		if (probe)
			break;
	}
	if (sent || cwnd_limited)
		atcp_cwnd_validate(as, cwnd_limited);
	/*
	 * Held back with nothing outstanding (TCP_CORK, MSG_MORE): no ACK
	 * will come to send it, the probe timer does, an RTO on (Linux:
	 * tcp_check_probe_timer(), TCP_CORK's "200 ms ceiling").
	 */
	if (as->send_head && as->snd_una == as->snd_max && !probe)
		atcp_arm_probe_timer(sk);
	/* Data in flight needs the retransmission timer, not a window probe. */
	if (sent && (!timer_pending(&as->rtx_timer) ||
		     as->rtx_timer_kind == ATCP_TIMER_PROBE))
		atcp_arm_tlp_timer(sk);
	return sent;
}

void atcp_push(struct sock *sk, enum atcp_nagle nonagle)
{
	__atcp_push(sk, nonagle, false);
}

/* A tail loss probe of new data (RFC 8985 7.3); true when it went out. */
bool atcp_push_probe(struct sock *sk)
{
	return __atcp_push(sk, ATCP_NAGLE_PUSH, true);
}

/*
 * Send @skb, already sent once, again.  Not when it starts beyond the
 * peer's window, unless it is the oldest: that one is a window probe too
 * (Linux: __tcp_retransmit_skb()).
 */
int atcp_retransmit_skb(struct sock *sk, struct sk_buff *skb)
{
	struct atcp_sock *as = atcp_sk(sk);
	struct atcp_skb_cb *cb;

	skb = atcp_trim_acked(sk, skb);
	if (!skb || skb == as->send_head)
		return -EAGAIN;
	cb = ATCP_SKB_CB(skb);
	if (!atcp_seq_before(cb->seq, as->snd_una + as->snd_wnd) &&
	    cb->seq != as->snd_una)
		return -EAGAIN;
	atcp_check_pmtu(sk);
	if (skb->len > as->mss_cache &&
	    atcp_fragment(sk, skb, as->mss_cache))
		return -ENOMEM;
	if (atcp_seq_after(as->snd_una + as->snd_wnd, cb->seq))
		atcp_retrans_collapse(sk, skb,
				      min(as->mss_cache,
					  as->snd_una + as->snd_wnd - cb->seq));
	atcp_count_resend(sk, skb);
	return atcp_transmit_skb(sk, skb, true, GFP_ATOMIC);
}

/*
 * Send the skbs taken for lost again, oldest first, as far as the window
 * allows: lost data leaves the pipe, and goes before new data
 * (RFC 6675 NextSeg; Linux: tcp_xmit_retransmit_queue()).  Paced as new
 * data is, and within the same share of the host's queues: a recovery
 * that takes many segments for lost at once would otherwise send them
 * back to back, far above the rate asked for.  The pacing timer and the
 * small-queue handler send on from where this stopped (atcp_tsq_write()).
 */
void atcp_retransmit_lost(struct sock *sk)
{
	struct atcp_sock *as = atcp_sk(sk);
	struct sk_buff *skb, *next;

	for (skb = skb_peek(&sk->sk_write_queue); skb && as->lost_out;
	     skb = next) {
		struct atcp_skb_cb *cb = ATCP_SKB_CB(skb);

		if (skb == as->send_head ||
		    atcp_inflight(as) >= as->cwnd * as->mss_cache)
			break;
		next = atcp_write_queue_next(sk, skb);
		if (!cb->lost)
			continue;
		if (atcp_pacing_wait(sk) || !atcp_tsq_room(sk, skb, 1))
			break;
		cb->rexmit_epoch = as->recovery_epoch;
		if (atcp_retransmit_skb(sk, skb))
			break;
		/* the timer runs from the oldest segment's latest copy */
		if (skb == skb_peek(&sk->sk_write_queue))
			atcp_reset_rtx_timer(sk);
		/* A split skb: the rest is the next one to look at. */
		next = atcp_write_queue_next(sk, skb);
	}
}

/*
 * Send everything in flight again, from snd_una, in segments of the current
 * MSS (Linux: tcp_simple_retransmit()).  After the path MTU dropped, every
 * segment larger than the new MSS was lost at a router; this is not
 * congestion, so the congestion window stays.
 */
void atcp_resend_all(struct sock *sk)
{
	struct atcp_sock *as = atcp_sk(sk);

	if (as->snd_una == as->snd_max || skb_queue_empty(&sk->sk_write_queue))
		return;
	atcp_go_back_n(sk);
	as->dupacks = 0;
	atcp_push(sk, ATCP_NAGLE_PUSH);
	atcp_reset_rtx_timer(sk);
}

/*
 * Everything outstanding is to be sent again from snd_una on, as the
 * windows allow (atcp_push() skips what the peer SACKed).
 */
void atcp_go_back_n(struct sock *sk)
{
	struct atcp_sock *as = atcp_sk(sk);

	atcp_clear_all_lost(sk);
	as->snd_nxt = as->snd_una;
	as->send_head = skb_peek(&sk->sk_write_queue);
}

/* Going back N resends everything: no mark of lost is left to act on. */
void atcp_clear_all_lost(struct sock *sk)
{
	struct sk_buff *skb;

	skb_queue_walk(&sk->sk_write_queue, skb)
		ATCP_SKB_CB(skb)->lost = 0;
	atcp_sk(sk)->lost_out = 0;
}

void atcp_write_queue_purge(struct sock *sk)
{
	struct sk_buff *skb;

	while ((skb = __skb_dequeue(&sk->sk_write_queue)))
		atcp_wmem_free_skb(sk, skb);
	atcp_sk(sk)->send_head = NULL;
	atcp_sk(sk)->lost_out = 0;
}

/* After the user read data: tell the peer when the window grew a lot. */
void atcp_maybe_send_window_update(struct sock *sk)
{
	struct atcp_sock *as = atcp_sk(sk);
	u32 cur, win;

	if (sk->sk_state == TCP_CLOSE || sk->sk_state == TCP_LISTEN ||
	    (sk->sk_shutdown & RCV_SHUTDOWN))
		return;
	cur = atcp_receive_window(as);
	win = atcp_offer_window(sk);
	if (win > cur && (win - cur >= 2 * as->mss_cache ||
			  win - cur >= atcp_full_window(sk) / 2))
		atcp_send_ack(sk);
}

/* ---- segments without a socket ------------------------------------------ */

/* The timestamp option of a bare reply, into @buf (12 bytes), or none. */
unsigned int atcp_ctl_opts(u8 *buf, const u32 *tsopt)
{
	__be32 *opt = (__be32 *)buf;

	if (!tsopt)
		return 0;
	opt[0] = htonl((TCPOPT_NOP << 24) | (TCPOPT_NOP << 16) |
		       (TCPOPT_TIMESTAMP << 8) | TCPOLEN_TIMESTAMP);
	opt[1] = htonl(tsopt[0]);
	opt[2] = htonl(tsopt[1]);
	return TCPOLEN_TSTAMP_ALIGNED;
}

/* The TCP header of a segment no socket sends; the checksum is 0. */
void atcp_ctl_tcp_header(struct tcphdr *th, __be16 sport, __be16 dport,
			 u32 seq, u32 ack, u8 flags, u16 win, const u8 *opt,
			 unsigned int optlen)
{
	unsigned int hlen = sizeof(*th) + optlen;

	memset(th, 0, sizeof(*th));
	th->source = sport;
	th->dest = dport;
	th->seq = htonl(seq);
	th->ack_seq = htonl(ack);
	*(((__be16 *)th) + 6) = htons(((hlen >> 2) << 12) | flags);
	th->window = htons(win);
	memcpy(th + 1, opt, optlen);
}

/*
 * The options of a listener's SYN-ACK for @req over route @dst, whose
 * path leaves @mtu bytes after the network header, with Fast Open cookie
 * @tfo unless NULL, into @buf; returns the window to announce.  The MSS
 * and the window follow the route's advmss and initrwnd, and its window
 * unless the listener has TCP_WINDOW_CLAMP.
 */
u16 atcp_synack_opts(struct sock *sk, const struct atcp_req *req, u32 tsval,
		     const struct dst_entry *dst, u32 mtu,
		     const struct atcp_tfo_cookie *tfo, u8 *buf,
		     unsigned int *optlen)
{
	const struct atcp_sock *las = atcp_sk(sk);
	u32 win = atcp_initial_window(sk, 0);
	struct atcp_opts o = {};
	u32 mss;

	mss = atcp_dst_advmss(dst, mtu - sizeof(struct tcphdr));
	if (las->opts.user_mss && mss > las->opts.user_mss)
		mss = las->opts.user_mss;
	o.mss_ok = true;
	o.mss = min_t(u32, mss, 65535);
	if (req->flags & ATCP_REQ_WS) {
		o.ws_ok = true;
		o.wscale = req->rcv_wscale;
	}
	o.sack_ok = req->flags & ATCP_REQ_SACK;
	if (req->flags & ATCP_REQ_TS) {
		o.ts_ok = true;
		o.tsval = tsval;
		o.tsecr = req->ts_recent;
	}
	if (tfo) {
		o.tfo_ok = true;
		o.tfo = *tfo;
	}
	*optlen = atcp_opt_build_syn(buf, &o);
	if (!las->opts.window_clamp)
		win = min(win, atcp_dst_window(dst) ? : win);
	mss = o.mss - (o.ts_ok ? TCPOLEN_TSTAMP_ALIGNED : 0);
	/* RFC 7323 2.2: the window of a SYN-ACK is never scaled. */
	return atcp_dst_initrwnd(dst, atcp_whole_segs(win, mss), mss);
}

/*
 * A segment no socket sends: a reply (RST, ACK) to a received segment, or
 * a listener's SYN-ACK for a request entry.  @rt is consumed.
 */
struct atcp_v4_ctl {
	__be32 saddr;
	__be32 daddr;
	__be16 sport;
	__be16 dport;
	u32 seq;
	u32 ack;
	u8 flags;
	u16 win;
	u32 mark;
	u32 priority;
	u8 tos;			/* DSCP only */
	u8 ttl;			/* 0: the route's */
	const u8 *opt;
	unsigned int optlen;	/* a multiple of 4 */
};

static void atcp_v4_xmit_ctl(struct net *net, struct rtable *rt,
			     const struct atcp_v4_ctl *c)
{
	unsigned int hlen = sizeof(struct tcphdr) + c->optlen;
	struct sk_buff *skb;
	struct tcphdr *th;
	struct iphdr *iph;

	skb = alloc_skb(ATCP_MAX_HEADER, GFP_ATOMIC);
	if (!skb) {
		ip_rt_put(rt);
		return;
	}
	skb_reserve(skb, ATCP_MAX_HEADER);
	th = skb_push(skb, hlen);
	skb_reset_transport_header(skb);
	atcp_ctl_tcp_header(th, c->sport, c->dport, c->seq, c->ack, c->flags,
			    c->win, c->opt, c->optlen);
	th->check = tcp_v4_check(hlen, c->saddr, c->daddr,
				 csum_partial(th, hlen, 0));
	skb->ip_summed = CHECKSUM_NONE;

	skb_push(skb, sizeof(*iph));
	skb_reset_network_header(skb);
	iph = ip_hdr(skb);
	memset(iph, 0, sizeof(*iph));
	iph->version = 4;
	iph->ihl = 5;
	iph->tos = c->tos;
	iph->ttl = c->ttl ? : ip4_dst_hoplimit(&rt->dst);
	iph->protocol = IPPROTO_TCP;
	iph->frag_off = htons(IP_DF);
	iph->saddr = c->saddr;
	iph->daddr = c->daddr;
	__ip_select_ident(net, iph, 1);
	skb->protocol = htons(ETH_P_IP);
	skb->mark = c->mark;
	skb->priority = c->priority;
	skb_dst_set(skb, &rt->dst);

	ATCP_INC_STATS(net, ATCP_MIB_OUTSEGS);
	if (c->flags & TCPHDR_RST)
		ATCP_INC_STATS(net, ATCP_MIB_OUTRSTS);
	ip_local_out(net, NULL, skb);
}

/*
 * Reply to @in_skb with a bare control segment, echoing @tsopt if given,
 * with @tos's DSCP.
 */
void atcp_v4_send_ctl(struct net *net, const struct sk_buff *in_skb,
		      u32 seq, u32 ack, u8 flags, u16 win, const u32 *tsopt,
		      u8 tos)
{
	const struct iphdr *in_iph = ip_hdr(in_skb);
	const struct tcphdr *in_th = tcp_hdr(in_skb);
	u8 opt[TCPOLEN_TSTAMP_ALIGNED];
	struct atcp_v4_ctl c = {
		.sport = in_th->dest,
		.dport = in_th->source,
		.seq = seq,
		.ack = ack,
		.flags = flags,
		.win = win,
		.mark = in_skb->mark,
		.tos = tos & ~INET_ECN_MASK,
		.opt = opt,
	};
	struct flowi4 fl4;
	struct rtable *rt;

	flowi4_init_output(&fl4, inet_iif(in_skb), in_skb->mark, RT_TOS(c.tos),
			   RT_SCOPE_UNIVERSE, IPPROTO_TCP, 0, in_iph->saddr,
			   in_iph->daddr, in_th->source, in_th->dest,
			   sock_net_uid(net, NULL));
	rt = ip_route_output_key(net, &fl4);
	if (IS_ERR(rt))
		return;
	c.optlen = atcp_ctl_opts(opt, tsopt);
	c.saddr = fl4.saddr;
	c.daddr = fl4.daddr;
	atcp_v4_xmit_ctl(net, rt, &c);
}

/*
 * Reply to @in_skb, of either family, with a bare control segment.  It
 * carries @in_skb's DSCP, as the replies of Linux's control socket do.
 * Over IPv6 it carries @in_skb's flow label when @reflect is positive,
 * none when it is 0; when negative, a reset does as the flowlabel_reflect
 * sysctl says for resets without a socket.
 */
void __atcp_send_ctl(struct net *net, const struct sk_buff *in_skb,
		     u32 seq, u32 ack, u8 flags, u16 win, const u32 *tsopt,
		     int reflect)
{
#if IS_ENABLED(CONFIG_IPV6)
	if (atcp_skb_v6(in_skb)) {
		u8 tclass = ipv6_get_dsfield(ipv6_hdr(in_skb));

		atcp_v6_send_ctl(net, in_skb, seq, ack, flags, win, tsopt,
				 reflect, ip6_make_flowinfo(tclass, 0));
		return;
	}
#endif
	atcp_v4_send_ctl(net, in_skb, seq, ack, flags, win, tsopt,
			 ipv4_get_dsfield(ip_hdr(in_skb)));
}

void atcp_send_ctl(struct net *net, const struct sk_buff *in_skb,
		   u32 seq, u32 ack, u8 flags, u16 win, const u32 *tsopt)
{
	__atcp_send_ctl(net, in_skb, seq, ack, flags, win, tsopt, -1);
}

/*
 * The DS field of a SYN-ACK: listener @sk's @own, or under reflect_tos
 * the SYN's DSCP (Linux: syn_tos).  Never ECT: ECN is negotiated, not
 * used, on a SYN-ACK (RFC 3168 6.1.1).
 */
u8 atcp_synack_dsfield(const struct sock *sk, const struct atcp_req *req,
		       u8 own)
{
	if (READ_ONCE(atcp_net(sock_net(sk))->sysctl.reflect_tos))
		own = atcp_req_dsfield(req);
	return own & ~INET_ECN_MASK;
}

/*
 * The route of listener @sk's answers to @req, the DS field @tos in the
 * key (Linux: inet_csk_route_req()).
 */
static struct rtable *atcp_v4_req_route(struct sock *sk,
					const struct atcp_req *req, u8 tos,
					struct flowi4 *fl4)
{
	flowi4_init_output(fl4, atcp_req_bound_dev_if(sk, req),
			   atcp_req_mark(sk, req), RT_TOS(tos),
			   RT_SCOPE_UNIVERSE, IPPROTO_TCP, 0,
			   req->raddr.s6_addr32[3], req->laddr.s6_addr32[3],
			   req->rport, req->lport, sock_i_uid(sk));
	return ip_route_output_flow(sock_net(sk), fl4, sk);
}

/*
 * A listener's SYN-ACK for @req, with @iss (the request's, or a cookie)
 * and @tsval.  Its MSS and window are the listener's for this route, and
 * so are its DSCP (IP_TOS), TTL (IP_TTL) and priority, as in Linux's
 * ip_build_and_send_pkt().
 */
static int atcp_v4_send_synack(struct sock *sk, const struct atcp_req *req,
			       u32 iss, u32 tsval,
			       const struct atcp_tfo_cookie *tfo)
{
	const struct inet_sock *inet = inet_sk(sk);
	int ttl = READ_ONCE(inet->uc_ttl);
	struct net *net = sock_net(sk);
	u8 opt[ATCP_MAX_OPT_LEN];
	struct atcp_v4_ctl c = {
		.saddr = req->laddr.s6_addr32[3],
		.daddr = req->raddr.s6_addr32[3],
		.sport = req->lport,
		.dport = req->rport,
		.seq = iss,
		.ack = req->irs + 1,
		.flags = TCPHDR_SYN | TCPHDR_ACK |
			 (req->flags & ATCP_REQ_ECN ? TCPHDR_ECE : 0),
		.mark = atcp_req_mark(sk, req),
		.priority = READ_ONCE(sk->sk_priority),
		.tos = atcp_synack_dsfield(sk, req, READ_ONCE(inet->tos)),
		.ttl = ttl > 0 ? ttl : 0,
		.opt = opt,
	};
	struct flowi4 fl4;
	struct rtable *rt;

	rt = atcp_v4_req_route(sk, req, c.tos, &fl4);
	if (IS_ERR(rt))
		return PTR_ERR(rt);
	c.win = atcp_synack_opts(sk, req, tsval, &rt->dst,
				 dst_mtu(&rt->dst) - sizeof(struct iphdr),
				 tfo, opt, &c.optlen);
	atcp_v4_xmit_ctl(net, rt, &c);
	return 0;
}

int atcp_send_synack_req(struct sock *sk, const struct atcp_req *req,
			 u32 iss, u32 tsval, const struct atcp_tfo_cookie *tfo)
{
#if IS_ENABLED(CONFIG_IPV6)
	if (atcp_req_v6(req))
		return atcp_v6_send_synack(sk, req, iss, tsval, tfo);
#endif
	return atcp_v4_send_synack(sk, req, iss, tsval, tfo);
}

/* The route, held, of listener @sk's answers to @req; or an ERR_PTR. */
static struct dst_entry *atcp_req_dst(struct sock *sk,
				      const struct atcp_req *req)
{
	struct flowi4 fl4;
	struct rtable *rt;

#if IS_ENABLED(CONFIG_IPV6)
	if (atcp_req_v6(req))
		return atcp_v6_req_dst(sk, req);
#endif
	rt = atcp_v4_req_route(sk, req,
			       atcp_synack_dsfield(sk, req,
						   READ_ONCE(inet_sk(sk)->tos)),
			       &fl4);
	return IS_ERR(rt) ? ERR_CAST(rt) : &rt->dst;
}

/*
 * features ecn on the route of listener @sk's answers to @req: ECN is
 * accepted under ecn 0 (Linux: tcp_ecn_create_request(),
 * cookie_ecn_ok()).
 */
bool atcp_req_route_ecn(struct sock *sk, const struct atcp_req *req)
{
	struct dst_entry *dst = atcp_req_dst(sk, req);
	bool ecn;

	if (IS_ERR(dst))
		return false;
	ecn = dst_feature(dst, RTAX_FEATURE_ECN);
	dst_release(dst);
	return ecn;
}

/*
 * RFC 9293 3.10.7.1: the reset for a segment that matches no connection,
 * or that a connection refuses; @reflect as for __atcp_send_ctl().
 */
void __atcp_send_reset(struct net *net, const struct sk_buff *skb,
		       int reflect)
{
	const struct tcphdr *th = tcp_hdr(skb);
	u32 seq, ack;

	if (th->rst)
		return;
	if (th->ack) {
		seq = ntohl(th->ack_seq);
		__atcp_send_ctl(net, skb, seq, 0, TCPHDR_RST, 0, NULL,
				reflect);
		return;
	}
	ack = ntohl(th->seq) + th->syn + th->fin + skb->len - th->doff * 4;
	__atcp_send_ctl(net, skb, 0, ack, TCPHDR_RST | TCPHDR_ACK, 0, NULL,
			reflect);
}

void atcp_send_reset(struct net *net, const struct sk_buff *skb)
{
	__atcp_send_reset(net, skb, -1);
}

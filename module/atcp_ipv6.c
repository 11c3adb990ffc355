// SPDX-License-Identifier: GPL-2.0
/*
 * atcp over IPv6 (Linux: tcp_ipv6.c): connect(), routing and transmit
 * through the IPv6 output path, segments no socket sends, the children
 * of IPv6 listeners, and ICMPv6 errors.
 *
 * An AF_INET6 atcp socket is a struct atcp6_sock.  Its connection is IPv6
 * (as->ipv6) unless it is dual-stack and its peer IPv4: connect() to a
 * v4-mapped address, or a listener on :: accepting an IPv4 SYN, gives a
 * connection that sends and receives IPv4 segments like an AF_INET one,
 * while the socket shows v4-mapped addresses to the application.  The
 * receive path, the connection table, TIME_WAIT and the SYN queue handle
 * both families; only the code here is IPv6's own.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/icmpv6.h>
#include <linux/ipv6.h>
#include <linux/netfilter.h>
#include <linux/security.h>
#include <net/addrconf.h>
#include <net/inet_common.h>
#include <net/ip6_checksum.h>
#include <net/ip6_route.h>
#include <net/ipv6_frag.h>
#include <net/l3mdev.h>
#include <net/ndisc.h>
#include <net/netfilter/ipv6/nf_defrag_ipv6.h>
#include <net/protocol.h>
#include <net/ipv6.h>
#include <net/tcp.h>

#include "atcp.h"
#include "atcp_mib.h"

/* ---- routing and transmit ---------------------------------------------------- */

static void atcp_v6_flow(struct sock *sk, struct flowi6 *fl6)
{
	struct ipv6_pinfo *np = atcp_inet6(sk);
	struct inet_sock *inet = inet_sk(sk);

	memset(fl6, 0, sizeof(*fl6));
	fl6->flowi6_proto = IPPROTO_TCP;
	fl6->daddr = sk->sk_v6_daddr;
	fl6->saddr = np->saddr;
	/* the class goes in the header only, as inet6_csk_route_socket() */
	fl6->flowlabel = np->flow_label;
	fl6->flowi6_oif = sk->sk_bound_dev_if;
	fl6->flowi6_mark = sk->sk_mark;
	fl6->fl6_sport = inet->inet_sport;
	fl6->fl6_dport = inet->inet_dport;
	fl6->flowi6_uid = sk->sk_uid;
	security_sk_classify_flow(sk, flowi6_to_flowi_common(fl6));
}

/* Route @sk and make the route its cached one (ip6_dst_store()). */
static struct dst_entry *atcp_v6_route(struct sock *sk, struct flowi6 *fl6)
{
	struct ipv6_pinfo *np = atcp_inet6(sk);
	struct in6_addr *final_p, final;
	struct dst_entry *dst;

	atcp_v6_flow(sk, fl6);
	rcu_read_lock();
	final_p = fl6_update_dst(fl6, rcu_dereference(np->opt), &final);
	rcu_read_unlock();
	dst = ip6_dst_lookup_flow(sock_net(sk), sk, fl6, final_p);
	if (IS_ERR(dst))
		return dst;
	np->dst_cookie = rt6_get_cookie(dst_rt6_info(dst));
	np->daddr_cache = NULL;
#ifdef CONFIG_IPV6_SUBTREES
	np->saddr_cache = NULL;
#endif
	/* sk_setup_caps() caches the route, once. */
	atcp_setup_caps(sk, dst);
	return dst;
}

/*
 * The extension headers the socket's IPV6_HOPOPTS, IPV6_RTHDR,
 * IPV6_DSTOPTS and IPV6_RTHDRDSTOPTS put in front of each segment, which
 * the MSS leaves room for (Linux: icsk_ext_hdr_len).
 */
u16 atcp_v6_ext_hdr_len(struct sock *sk)
{
	const struct ipv6_txoptions *opt;
	u16 len = 0;

	rcu_read_lock();
	opt = rcu_dereference(atcp_inet6(sk)->opt);
	if (opt)
		len = opt->opt_flen + opt->opt_nflen;
	rcu_read_unlock();
	return len;
}

/*
 * Route a connecting or accepted IPv6 socket and cache the route; the
 * source address comes from the route if the socket has none yet.
 */
int atcp_v6_route_connect(struct sock *sk)
{
	struct ipv6_pinfo *np = atcp_inet6(sk);
	struct dst_entry *dst;
	struct flowi6 fl6;

	atcp_sk(sk)->ext_hdr_len = atcp_v6_ext_hdr_len(sk);
	if (!ipv6_addr_any(&sk->sk_v6_rcv_saddr))
		np->saddr = sk->sk_v6_rcv_saddr;
	dst = atcp_v6_route(sk, &fl6);
	if (IS_ERR(dst))
		return PTR_ERR(dst);
	if (ipv6_addr_any(&np->saddr))
		np->saddr = fl6.saddr;
	if (ipv6_addr_any(&sk->sk_v6_rcv_saddr))
		sk->sk_v6_rcv_saddr = fl6.saddr;
	return 0;
}

/* The socket's route, looked up again if it went stale; NULL without. */
struct dst_entry *atcp_v6_sk_dst(struct sock *sk)
{
	struct dst_entry *dst = __sk_dst_check(sk, atcp_inet6(sk)->dst_cookie);
	struct flowi6 fl6;

	if (dst)
		return dst;
	dst = atcp_v6_route(sk, &fl6);
	return IS_ERR(dst) ? NULL : dst;
}

/*
 * Send a TCP segment of @sk through ip6_xmit(), which puts the IPv6
 * header and the socket's extension headers in front of it, with @ecn in
 * the traffic class's ECN field.
 */
int atcp_v6_xmit(struct sock *sk, struct sk_buff *skb, u8 ecn)
{
	struct ipv6_pinfo *np = atcp_inet6(sk);
	struct dst_entry *dst;
	struct flowi6 fl6;
	int err;

	dst = atcp_v6_sk_dst(sk);
	if (!dst) {
		kfree_skb(skb);
		return -EHOSTUNREACH;
	}
	skb_dst_set_noref(skb, dst);
	atcp_v6_flow(sk, &fl6);
	fl6.saddr = sk->sk_v6_rcv_saddr;
	rcu_read_lock();
	err = ip6_xmit(sk, skb, &fl6, sk->sk_mark, rcu_dereference(np->opt),
		       (np->tclass & ~INET_ECN_MASK) | ecn, sk->sk_priority);
	rcu_read_unlock();
	return err;
}

/* ---- segments without a socket ------------------------------------------------ */

/* A bare segment of @fl6's ports and addresses, TCP header only. */
static struct sk_buff *atcp_v6_ctl_skb(const struct flowi6 *fl6,
				       const struct in6_addr *daddr, u32 seq,
				       u32 ack, u8 flags, u16 win,
				       const u8 *opt, unsigned int optlen)
{
	unsigned int hlen = sizeof(struct tcphdr) + optlen;
	struct sk_buff *skb;
	struct tcphdr *th;

	skb = alloc_skb(ATCP_MAX_HEADER, GFP_ATOMIC);
	if (!skb)
		return NULL;
	skb_reserve(skb, ATCP_MAX_HEADER);
	th = skb_push(skb, hlen);
	skb_reset_transport_header(skb);
	atcp_ctl_tcp_header(th, fl6->fl6_sport, fl6->fl6_dport, seq, ack,
			    flags, win, opt, optlen);
	th->check = tcp_v6_check(hlen, &fl6->saddr, daddr,
				 csum_partial(th, hlen, 0));
	skb->ip_summed = CHECKSUM_NONE;
	return skb;
}

/*
 * Send a bare segment on route @dst (consumed) for flow @fl6, whose
 * flowlabel holds the traffic class and flow label.  Without a label it
 * gets the automatic one of net.ipv6.auto_flowlabels, a hash of the
 * addresses and ports: the one the connection's own segments carry, since
 * atcp keeps no per-socket transmit hash.  No socket, so no extension
 * headers, as Linux's control socket sends none.
 */
static void atcp_v6_xmit_ctl(struct net *net, struct dst_entry *dst,
			     struct flowi6 *fl6, u32 seq, u32 ack,
			     u8 flags, u16 win, const u8 *opt,
			     unsigned int optlen)
{
	struct ipv6hdr *ip6h;
	struct sk_buff *skb;

	skb = atcp_v6_ctl_skb(fl6, &fl6->daddr, seq, ack, flags, win, opt,
			      optlen);
	if (!skb) {
		dst_release(dst);
		return;
	}
	ip6h = skb_push(skb, sizeof(*ip6h));
	skb_reset_network_header(skb);
	ip6_flow_hdr(ip6h, ip6_tclass(fl6->flowlabel) & ~INET_ECN_MASK,
		     ip6_make_flowlabel(net, skb,
					fl6->flowlabel & IPV6_FLOWLABEL_MASK,
					ip6_default_np_autolabel(net), fl6));
	ip6h->nexthdr = IPPROTO_TCP;
	ip6h->hop_limit = ip6_dst_hoplimit(dst);
	ip6h->saddr = fl6->saddr;
	ip6h->daddr = fl6->daddr;
	skb->protocol = htons(ETH_P_IPV6);
	skb->mark = fl6->flowi6_mark;
	skb_dst_set(skb, dst);

	ATCP_INC_STATS(net, ATCP_MIB_OUTSEGS);
	if (flags & TCPHDR_RST)
		ATCP_INC_STATS(net, ATCP_MIB_OUTRSTS);
	ip6_local_out(net, NULL, skb);
}

/*
 * Reply to the IPv6 segment @in_skb with a bare control segment, with
 * @flowinfo's class, and its label unless it reflects @in_skb's
 * (__atcp_send_ctl()).
 */
void atcp_v6_send_ctl(struct net *net, const struct sk_buff *in_skb,
		      u32 seq, u32 ack, u8 flags, u16 win, const u32 *tsopt,
		      int reflect, __be32 flowinfo)
{
	const struct ipv6hdr *in6h = ipv6_hdr(in_skb);
	const struct tcphdr *in_th = tcp_hdr(in_skb);
	u8 opt[TCPOLEN_TSTAMP_ALIGNED];
	struct dst_entry *dst;
	struct flowi6 fl6 = {
		.flowi6_proto = IPPROTO_TCP,
		.daddr = in6h->saddr,
		.saddr = in6h->daddr,
		.flowi6_mark = in_skb->mark,
		.fl6_sport = in_th->dest,
		.fl6_dport = in_th->source,
		.flowi6_uid = sock_net_uid(net, NULL),
		.flowlabel = flowinfo,
	};

	/*
	 * A link-local peer is only reachable where it came from, and one
	 * that came through a VRF in the VRF's table (Linux:
	 * tcp_v6_send_response()).
	 */
	if (rt6_need_strict(&fl6.daddr) ||
	    netif_index_is_l3_master(net, in_skb->skb_iif))
		fl6.flowi6_oif = in_skb->skb_iif;
	/*
	 * The flowlabel_reflect sysctl: a reset without a socket carries the
	 * label of what it answers (Linux: tcp_v6_send_reset()).
	 */
	if (reflect < 0)
		reflect = (flags & TCPHDR_RST) &&
			  (READ_ONCE(net->ipv6.sysctl.flowlabel_reflect) &
			   FLOWLABEL_REFLECT_TCP_RESET);
	if (reflect)
		fl6.flowlabel = (flowinfo & IPV6_TCLASS_MASK) |
				ip6_flowlabel(in6h);
	dst = ip6_dst_lookup_flow(net, NULL, &fl6, NULL);
	if (IS_ERR(dst))
		return;
	atcp_v6_xmit_ctl(net, dst, &fl6, seq, ack, flags, win, opt,
			 atcp_ctl_opts(opt, tsopt));
}

/* The flow of listener @sk's answers to the IPv6 request @req. */
static void atcp_v6_req_flow(struct sock *sk, const struct atcp_req *req,
			     struct flowi6 *fl6)
{
	*fl6 = (struct flowi6) {
		.flowi6_proto = IPPROTO_TCP,
		.daddr = req->raddr,
		.saddr = req->laddr,
		.flowi6_oif = atcp_req_bound_dev_if(sk, req),
		.flowi6_mark = atcp_req_mark(sk, req),
		.fl6_sport = req->lport,
		.fl6_dport = req->rport,
		.flowi6_uid = sock_i_uid(sk),
	};
	if (!fl6->flowi6_oif && rt6_need_strict(&fl6->daddr))
		fl6->flowi6_oif = req->iif;
	/*
	 * A listener that reflects flow labels (flowlabel_reflect, or
	 * IPV6_FL_F_REFLECT) answers with the SYN's.
	 */
	if (atcp_inet6(sk)->repflow)
		fl6->flowlabel = atcp_req_flowlabel(req);
}

/*
 * The route, held, of listener @sk's answers to the IPv6 request @req,
 * to the first hop of a routing header it sets; or an ERR_PTR.
 */
struct dst_entry *atcp_v6_req_dst(struct sock *sk, const struct atcp_req *req)
{
	struct in6_addr *final_p, final;
	struct dst_entry *dst;
	struct flowi6 fl6;

	atcp_v6_req_flow(sk, req, &fl6);
	rcu_read_lock();
	final_p = fl6_update_dst(&fl6, rcu_dereference(atcp_inet6(sk)->opt),
				 &final);
	dst = ip6_dst_lookup_flow(sock_net(sk), sk, &fl6, final_p);
	rcu_read_unlock();
	return dst;
}

/*
 * A listener's SYN-ACK for the IPv6 request @req (atcp_send_synack_req()),
 * with the listener's extension headers, traffic class and hop limit, as
 * Linux's tcp_v6_send_synack() sends it.
 */
int atcp_v6_send_synack(struct sock *sk, const struct atcp_req *req, u32 iss,
			u32 tsval, const struct atcp_tfo_cookie *tfo)
{
	struct ipv6_pinfo *np = atcp_inet6(sk);
	struct in6_addr *final_p, final;
	struct net *net = sock_net(sk);
	struct ipv6_txoptions *txopt;
	u8 opt[ATCP_MAX_OPT_LEN];
	struct dst_entry *dst;
	struct sk_buff *skb;
	unsigned int optlen;
	struct flowi6 fl6;
	u16 win;
	int err;

	atcp_v6_req_flow(sk, req, &fl6);
	rcu_read_lock();
	txopt = rcu_dereference(np->opt);
	/* a routing header sends it to its first hop */
	final_p = fl6_update_dst(&fl6, txopt, &final);
	dst = ip6_dst_lookup_flow(net, sk, &fl6, final_p);
	if (IS_ERR(dst)) {
		err = PTR_ERR(dst);
		goto out;
	}
	fl6.daddr = req->raddr;
	win = atcp_synack_opts(sk, req, tsval, dst,
			       dst_mtu(dst) - sizeof(struct ipv6hdr), tfo, opt,
			       &optlen);
	skb = atcp_v6_ctl_skb(&fl6, &fl6.daddr, iss, req->irs + 1,
			      TCPHDR_SYN | TCPHDR_ACK |
			      (req->flags & ATCP_REQ_ECN ? TCPHDR_ECE : 0),
			      win, opt, optlen);
	/*
	 * A SYN-ACK not built, or lost on the way out, is one lost on the
	 * wire: the request's timer sends it again, as after IPv4's.
	 */
	err = 0;
	if (!skb) {
		dst_release(dst);
		goto out;
	}
	skb_dst_set(skb, dst);
	ATCP_INC_STATS(net, ATCP_MIB_OUTSEGS);
	/* ECN is negotiated, not sent, on a SYN-ACK (RFC 3168 6.1.1) */
	ip6_xmit(sk, skb, &fl6, fl6.flowi6_mark, txopt,
		 atcp_synack_dsfield(sk, req, np->tclass),
		 READ_ONCE(sk->sk_priority));
out:
	rcu_read_unlock();
	return err;
}

/* ---- sockets ------------------------------------------------------------------------ */

/*
 * @child is a clone of the AF_INET6 listener @sk: it must have an
 * ipv6_pinfo of its own, without the listener's lists, with a copy of its
 * extension headers for an IPv6 connection (as Linux's
 * tcp_v6_syn_recv_sock()), and the request's addresses (v4-mapped for an
 * IPv4 one).
 */
void atcp_v6_child_init(struct sock *sk, struct sock *child,
			const struct atcp_req *req)
{
	struct ipv6_pinfo *newnp = &((struct atcp6_sock *)child)->inet6;
	struct ipv6_txoptions *opt = NULL;

	inet_sk(child)->pinet6 = newnp;
	RCU_INIT_POINTER(newnp->ipv6_mc_list, NULL);
	newnp->ipv6_ac_list = NULL;
	RCU_INIT_POINTER(newnp->ipv6_fl_list, NULL);
	if (atcp_req_v6(req)) {
		rcu_read_lock();
		opt = rcu_dereference(atcp_inet6(sk)->opt);
		/* without memory, the connection goes without them */
		if (opt)
			opt = ipv6_dup_options(child, opt);
		rcu_read_unlock();
	}
	RCU_INIT_POINTER(newnp->opt, opt);
	newnp->pktoptions = NULL;
	newnp->rxpmtu = NULL;
	/* the connection sends its peer's flow label if the listener did */
	newnp->flow_label = newnp->repflow ? atcp_req_flowlabel(req) : 0;
	child->sk_v6_daddr = req->raddr;
	child->sk_v6_rcv_saddr = req->laddr;
	newnp->saddr = req->laddr;
	if (!child->sk_bound_dev_if && rt6_need_strict(&req->raddr))
		child->sk_bound_dev_if = req->iif;
}

/* ---- received options (IPV6_2292PKTOPTIONS) ------------------------------------------- */

/*
 * Where the destination options and routing headers of @skb are, in its
 * IP6CB, as the extension header handlers would have noted them after
 * LOCAL_IN, had atcp's hook not taken the packet there (Linux:
 * ipv6_destopt_rcv(), ipv6_rthdr_rcv()).  Hop-by-hop options were noted
 * before the hook; fragments were reassembled.
 */
void atcp_v6_note_exthdrs(struct sk_buff *skb)
{
	struct inet6_skb_parm *opt = IP6CB(skb);
	unsigned int off = sizeof(struct ipv6hdr);
	u8 nexthdr = ipv6_hdr(skb)->nexthdr;

	while (ipv6_ext_hdr(nexthdr) && nexthdr != NEXTHDR_NONE) {
		struct ipv6_opt_hdr _hdr;
		const struct ipv6_opt_hdr *hp;

		hp = skb_header_pointer(skb, off, sizeof(_hdr), &_hdr);
		if (!hp)
			return;
		switch (nexthdr) {
		case NEXTHDR_DEST:
			opt->dst1 = off;
			opt->lastopt = off;
			break;
		case NEXTHDR_ROUTING:
			/* destination options before it were for each hop */
			opt->srcrt = off;
			opt->lastopt = off;
			opt->dst0 = opt->dst1;
			opt->dst1 = 0;
			break;
		}
		if (nexthdr == NEXTHDR_FRAGMENT)
			off += 8;
		else if (nexthdr == NEXTHDR_AUTH)
			off += ipv6_authlen(hp);
		else
			off += ipv6_optlen(hp);
		nexthdr = hp->nexthdr;
	}
}

/*
 * A copy of @skb, before the segment is processed, for what
 * IPV6_2292PKTOPTIONS reports; only on an IPv6 connection whose user
 * asked for received options (Linux: tcp_v6_do_rcv()).
 */
struct sk_buff *atcp_v6_pktoptions_clone(struct sock *sk, struct sk_buff *skb)
{
	if (sk->sk_family != AF_INET6 || !atcp_skb_v6(skb) ||
	    !atcp_inet6(sk)->rxopt.all)
		return NULL;
	return skb_clone(skb, GFP_ATOMIC);
}

/*
 * After the segment: when it was the latest in order, its hop limit,
 * traffic class, flow label and arrival device are what
 * IPV6_2292PKTOPTIONS reports, and the segment itself is kept for the
 * extension headers the user asked for (or none is).
 */
void atcp_v6_pktoptions_keep(struct sock *sk, struct sk_buff *opt_skb,
			     u32 end_seq)
{
	struct ipv6_pinfo *np = atcp_inet6(sk);
	const struct ipv6hdr *hdr = ipv6_hdr(opt_skb);

	if (end_seq != atcp_sk(sk)->rcv_nxt ||
	    (1 << sk->sk_state) & (TCPF_CLOSE | TCPF_LISTEN)) {
		kfree_skb(opt_skb);
		return;
	}
	if (np->rxopt.bits.rxinfo || np->rxopt.bits.rxoinfo)
		np->mcast_oif = inet6_iif(opt_skb);
	if (np->rxopt.bits.rxhlim || np->rxopt.bits.rxohlim)
		np->mcast_hops = hdr->hop_limit;
	if (np->rxopt.bits.rxflow || np->rxopt.bits.rxtclass)
		np->rcv_flowinfo = ip6_flowinfo(hdr);
	if (np->repflow)
		np->flow_label = ip6_flowlabel(hdr);
	if (ipv6_opt_accepted(sk, opt_skb, IP6CB(opt_skb))) {
		skb_set_owner_r(opt_skb, sk);
		opt_skb = xchg(&np->pktoptions, opt_skb);
	} else {
		kfree_skb(opt_skb);
		opt_skb = xchg(&np->pktoptions, NULL);
	}
	kfree_skb(opt_skb);
}

/* A dual-stack socket connected over IPv4: show v4-mapped addresses. */
void atcp_v6_mapped(struct sock *sk)
{
	ipv6_addr_set_v4mapped(inet_sk(sk)->inet_rcv_saddr,
			       &sk->sk_v6_rcv_saddr);
	atcp_inet6(sk)->saddr = sk->sk_v6_rcv_saddr;
}

/*
 * IPV6_ADDRFORM to AF_INET: a dual-stack socket connected to an IPv4 peer
 * becomes an AF_INET socket, for programs that hand it to code knowing
 * only IPv4 (Linux: do_ipv6_setsockopt(), for its TCP).  The connection
 * is an IPv4 one already; only the socket's family, proto and ops change,
 * and its IPv6 options go.  A socket in an IPv6 multicast or anycast
 * group stays as it is (EBUSY): atcp cannot leave those groups for it.
 */
int atcp_v6_addrform(struct sock *sk, sockptr_t optval, unsigned int optlen)
{
	struct ipv6_pinfo *np = atcp_inet6(sk);
	struct net *net = sock_net(sk);
	int val, err = 0;

	if (optlen < sizeof(int))
		return -EINVAL;
	if (copy_from_sockptr(&val, optval, sizeof(val)))
		return -EFAULT;
	if (val != PF_INET)
		return -EINVAL;
	lock_sock(sk);
	if (sk->sk_state != TCP_ESTABLISHED) {
		err = -ENOTCONN;
	} else if (ipv6_only_sock(sk) ||
		   !ipv6_addr_v4mapped(&sk->sk_v6_daddr)) {
		err = -EADDRNOTAVAIL;
	} else if (rcu_access_pointer(np->ipv6_mc_list) || np->ipv6_ac_list) {
		err = -EBUSY;
	} else {
		sock_prot_inuse_add(net, sk->sk_prot, -1);
		sock_prot_inuse_add(net, &atcp_prot, 1);
		/* paired with READ_ONCE(sk->sk_prot) in the socket calls */
		WRITE_ONCE(sk->sk_prot, &atcp_prot);
		sk->sk_socket->ops = &atcp_stream_ops;
		sk->sk_family = PF_INET;
		np->rxopt.all = 0;
		inet6_cleanup_sock(sk);
	}
	release_sock(sk);
	return err;
}

/* proto->connect of AF_INET6 sockets (Linux: tcp_v6_connect()). */
int atcp_v6_connect(struct sock *sk, struct sockaddr *uaddr, int addr_len)
{
	struct sockaddr_in6 *usin = (struct sockaddr_in6 *)uaddr;
	struct ipv6_pinfo *np = atcp_inet6(sk);
	struct inet_sock *inet = inet_sk(sk);
	__be32 flowlabel = 0;
	struct in6_addr daddr;
	int addr_type, err;

	if (addr_len < SIN6_LEN_RFC2133)
		return -EINVAL;
	if (usin->sin6_family != AF_INET6)
		return -EAFNOSUPPORT;

	/*
	 * IPV6_FLOWINFO_SEND: the connection's flow label is the one given
	 * here, which must be one the socket leased (IPV6_FLOWLABEL_MGR)
	 * where exclusive labels are in use (RFC 6437; Linux's check).
	 */
	if (np->sndflow) {
		flowlabel = usin->sin6_flowinfo & IPV6_FLOWINFO_MASK;
		IP6_ECN_flow_init(flowlabel);
		if (flowlabel & IPV6_FLOWLABEL_MASK) {
			struct ip6_flowlabel *fl = fl6_sock_lookup(sk, flowlabel);

			if (IS_ERR(fl))
				return -EINVAL;
			fl6_sock_release(fl);
		}
	}

	daddr = usin->sin6_addr;
	/* connect() to the unspecified address means loopback (BSD) */
	if (ipv6_addr_any(&daddr)) {
		if (ipv6_addr_v4mapped(&sk->sk_v6_rcv_saddr))
			ipv6_addr_set_v4mapped(htonl(INADDR_LOOPBACK), &daddr);
		else
			daddr = in6addr_loopback;
	}
	addr_type = ipv6_addr_type(&daddr);
	if (addr_type & IPV6_ADDR_MULTICAST)
		return -ENETUNREACH;
	if (addr_type & IPV6_ADDR_LINKLOCAL) {
		if (addr_len >= sizeof(struct sockaddr_in6) &&
		    usin->sin6_scope_id) {
			/* bound to a device: the scope must be that one */
			if (!sk_dev_equal_l3scope(sk, usin->sin6_scope_id))
				return -EINVAL;
			sk->sk_bound_dev_if = usin->sin6_scope_id;
		}
		/* a link-local peer needs a link */
		if (!sk->sk_bound_dev_if)
			return -EINVAL;
	}

	if (addr_type & IPV6_ADDR_MAPPED) {
		struct sockaddr_in sin = {
			.sin_family = AF_INET,
			.sin_port = usin->sin6_port,
			.sin_addr.s_addr = daddr.s6_addr32[3],
		};

		if (ipv6_only_sock(sk))
			return -ENETUNREACH;
		atcp_sk(sk)->ipv6 = 0;
		sk->sk_v6_daddr = daddr;
		err = atcp_v4_connect(sk, (struct sockaddr *)&sin, sizeof(sin));
		if (!err)
			atcp_v6_mapped(sk);
		return err;
	}
	/* bound to an IPv4 address: it cannot reach an IPv6 peer */
	if (ipv6_addr_v4mapped(&sk->sk_v6_rcv_saddr))
		return -ENETUNREACH;

	atcp_sk(sk)->ipv6 = 1;
	sk->sk_v6_daddr = daddr;
	np->flow_label = flowlabel;
	inet->inet_dport = usin->sin6_port;
	/* what an IPv4 lookup may see of it never matches (as Linux) */
	inet->inet_daddr = LOOPBACK4_IPV6;
	err = atcp_v6_route_connect(sk);
	if (!err) {
		inet->inet_rcv_saddr = LOOPBACK4_IPV6;
		inet->inet_saddr = LOOPBACK4_IPV6;
		err = atcp_connect_routed(sk);
	}
	if (err)
		atcp_connect_failed(sk);
	return err;
}

/* ---- ICMPv6 ------------------------------------------------------------------------- */

/* Does an ICMPv6 error about a SYN-ACK end its request? (tcp_req_err) */
static bool atcp_icmpv6_fatal(u8 type, u8 code)
{
	int err;

	return icmpv6_err_convert(type, code, &err);
}

/*
 * Where does Redirect @skb (RFC 4861 8.1), its ICMPv6 header @thoff bytes
 * into the packet, quote a packet?  After the checks ndisc_rcv() makes of
 * every Redirect, the offset of the IPv6 header in its Redirected Header
 * option, or -1: a Redirect without one names no connection, and Linux
 * applies it itself.  Linearizes @skb, as ndisc_rcv() does.
 */
static int atcp_v6_redirect_quote(struct sk_buff *skb, int thoff)
{
	const struct ipv6hdr *ip6h;
	const u8 *opt;
	int off, end;

	if (skb_linearize(skb))
		return -1;
	ip6h = ipv6_hdr(skb);
	end = skb_tail_pointer(skb) - skb_network_header(skb);
	off = thoff + sizeof(struct rd_msg);
	if (off > end || ip6h->hop_limit != 255 ||
	    !(ipv6_addr_type(&ip6h->saddr) & IPV6_ADDR_LINKLOCAL) ||
	    skb_network_header(skb)[thoff + 1])	/* the code */
		return -1;
	/* options of 8-byte units each, a unit of type and length first */
	while (off + 8 <= end) {
		opt = skb_network_header(skb) + off;
		if (!opt[1] || off + opt[1] * 8 > end)
			return -1;
		if (opt[0] == ND_OPT_REDIRECT_HDR)
			return off + 8;
		off += opt[1] * 8;
	}
	return -1;
}

/*
 * The IPv6 LOCAL_IN hook's part for ICMPv6, the message @thoff bytes into
 * the packet: NF_STOLEN when it is an error or a Redirect about an atcp
 * connection or request, NF_ACCEPT to leave it to Linux.  As
 * atcp_v4_icmp_rcv().
 */
unsigned int atcp_v6_icmp_rcv(struct net *net, struct sk_buff *skb,
			      int thoff)
{
	const struct ipv6hdr *ip6h, *inner;
	const struct icmp6hdr *icmph;
	struct atcp_req *req = NULL;
	const struct tcphdr *th;
	__be16 frag_off = 0;
	int qoff, inoff, err = 0;
	struct sock *sk;
	u8 type, code, nexthdr;
	u32 mtu = 0;

	if (!pskb_may_pull(skb, thoff + sizeof(*icmph)))
		return NF_ACCEPT;
	icmph = (const struct icmp6hdr *)(skb_network_header(skb) + thoff);
	type = icmph->icmp6_type;
	if (type == NDISC_REDIRECT) {
		qoff = atcp_v6_redirect_quote(skb, thoff);
		if (qoff < 0)
			return NF_ACCEPT;
	} else if (type == ICMPV6_DEST_UNREACH || type == ICMPV6_PKT_TOOBIG ||
		   type == ICMPV6_TIME_EXCEED || type == ICMPV6_PARAMPROB) {
		qoff = thoff + sizeof(*icmph);
	} else {
		return NF_ACCEPT;
	}
	if (!pskb_may_pull(skb, qoff + sizeof(*inner)))
		return NF_ACCEPT;
	inner = (const struct ipv6hdr *)(skb_network_header(skb) + qoff);
	nexthdr = inner->nexthdr;
	inoff = ipv6_skip_exthdr(skb, qoff + sizeof(*inner), &nexthdr,
				 &frag_off);
	if (inoff < 0 || nexthdr != IPPROTO_TCP || frag_off)
		return NF_ACCEPT;
	/* the ports and the sequence number of the quoted segment */
	if (!pskb_may_pull(skb, inoff + 8))
		return NF_ACCEPT;
	ip6h = ipv6_hdr(skb);
	icmph = (const struct icmp6hdr *)(skb_network_header(skb) + thoff);
	inner = (const struct ipv6hdr *)(skb_network_header(skb) + qoff);
	th = (const struct tcphdr *)(skb_network_header(skb) + inoff);

	sk = atcp_lookup_established6(net, &inner->daddr, th->dest,
				      &inner->saddr, th->source,
				      inet6_iif(skb), inet6_sdif(skb));
	if (!sk) {
		sk = atcp_lookup_listener6(net, NULL, &inner->daddr, th->dest,
					   &inner->saddr, th->source,
					   inet6_iif(skb), inet6_sdif(skb));
		if (!sk)
			return NF_ACCEPT;
		req = atcp_synq_find(sk, &inner->daddr, th->dest,
				     &inner->saddr, th->source);
		if (!req) {
			sock_put(sk);
			return NF_ACCEPT;
		}
	}

	/* Ours: a corrupt message is counted and dropped, as icmpv6_rcv(). */
	if (csum_ipv6_magic(&ip6h->saddr, &ip6h->daddr, skb->len - thoff,
			    IPPROTO_ICMPV6,
			    skb_checksum(skb, thoff, skb->len - thoff, 0))) {
		ATCP_INC_STATS(net, ATCP_MIB_INERRS);
		ATCP_INC_STATS(net, ATCP_MIB_INCSUMERRORS);
		goto out;
	}
	ATCP_INC_STATS(net, ATCP_MIB_INICMPS);
	code = icmph->icmp6_code;
	if (req) {
		atcp_icmp_req_err(sk, req, ntohl(th->seq),
				  type != ICMPV6_PKT_TOOBIG &&
				  type != NDISC_REDIRECT &&
				  atcp_icmpv6_fatal(type, code));
		goto out;
	}
	if (type == NDISC_REDIRECT) {
		/*
		 * As ndisc_redirect_rcv() hands it on: the transport header
		 * at the message (Linux walks extension headers after this
		 * hook; so only now that the packet is ours), the data at
		 * the quote.
		 */
		skb_set_transport_header(skb, skb_network_offset(skb) + thoff);
		__skb_pull(skb, (const u8 *)inner - skb->data);
		bh_lock_sock(sk);
		atcp_icmp_redirect(sk, skb, ntohl(th->seq),
				   atcp_inet6(sk)->dst_cookie);
		bh_unlock_sock(sk);
		goto out;
	}
	if (type == ICMPV6_PKT_TOOBIG) {
		/* IPv6 links carry 1280 bytes at least (RFC 8200 5) */
		mtu = ntohl(icmph->icmp6_mtu);
		if (mtu < IPV6_MIN_MTU)
			goto out;
	} else {
		icmpv6_err_convert(type, code, &err);
	}
	bh_lock_sock(sk);
	atcp_icmp_err(sk, err, mtu, ntohl(th->seq),
		      type == ICMPV6_DEST_UNREACH && code == ICMPV6_NOROUTE);
	bh_unlock_sock(sk);
out:
	if (req)
		atcp_req_put(req);
	sock_put(sk);
	consume_skb(skb);
	return NF_STOLEN;
}

/* ---- registration -------------------------------------------------------------------- */

static struct inet_protosw atcpv6_protosw = {
	.type		= SOCK_STREAM,
	.prot		= &atcpv6_prot,
	.ops		= &atcp6_stream_ops,
	.flags		= 0,
};

static bool atcp_ipv6_registered;

/* ---- fragments ------------------------------------------------------------ */

/*
 * nf_defrag_ipv6's reassembly, taken by name (symbol_get()) so that atcp
 * loads without that module: with none, fragments stay Linux's.
 */
static int (*atcp_frag6_gather)(struct net *net, struct sk_buff *skb,
				u32 user);

/*
 * @skb, at LOCAL_IN, is a fragment.  Linux reassembles fragments after
 * this hook and hands the datagram straight to its own TCP, which would
 * answer a segment of an atcp connection with a reset.  So the fragments
 * of TCP datagrams are reassembled here, with the reassembly netfilter's
 * conntrack uses before this hook (nf_ct_frag6_gather(), whose queues and
 * limits are net.netfilter.nf_conntrack_frag6_*).  Whether a fragment is
 * gathered depends on its fragment header only, the same in every
 * fragment of a datagram, so no datagram is split between two
 * reassemblies.
 *
 * Returns 0 when @skb holds the whole datagram, looking to Linux as an
 * unfragmented one would (data at the IPv6 header, the transport header
 * where its walk of the extension headers starts); -EINPROGRESS when
 * @skb was queued (or freed as a duplicate); -ENOENT when @skb is left as
 * it was; any other error when it can only be dropped.
 */
int atcp_v6_defrag(struct net *net, struct sk_buff *skb)
{
	int (*gather)(struct net *net, struct sk_buff *skb, u32 user);
	int walk = skb_transport_header(skb) - skb_network_header(skb);
	unsigned int fhoff = 0;
	u8 _proto, *proto;
	int err;

	/* reassembled before, by conntrack: a fragment inside is Linux's */
	gather = READ_ONCE(atcp_frag6_gather);
	if (!gather || (IP6CB(skb)->flags & IP6SKB_FRAGMENTED) ||
	    ipv6_find_hdr(skb, &fhoff, NEXTHDR_FRAGMENT, NULL, NULL) < 0)
		return -ENOENT;
	/*
	 * The first byte of the fragment header: the datagram's protocol, or
	 * the destination options that come before it in the datagram
	 * (RFC 8200 4.1).
	 */
	proto = skb_header_pointer(skb, fhoff, sizeof(_proto), &_proto);
	if (!proto || (*proto != IPPROTO_TCP && *proto != NEXTHDR_DEST))
		return -ENOENT;
	err = gather(net, skb, IP6_DEFRAG_LOCAL_DELIVER);
	if (err)
		return err;
	/* a fragment it declined, untouched */
	if (!(IP6CB(skb)->flags & IP6SKB_FRAGMENTED))
		return -ENOENT;
	/* it leaves the transport header after the headers it moved */
	__skb_push(skb, skb->data - skb_network_header(skb));
	skb_set_transport_header(skb, walk);
	return 0;
}

/*
 * Before atcp's own per-namespace state: a namespace that goes away then
 * takes atcp's hook away before that module's reassembly queues.
 */
void atcp_v6_defrag_init(void)
{
	if (!ipv6_mod_enabled())
		return;
	/* the module's own sysctls and per-namespace state come with it */
	if (!IS_BUILTIN(CONFIG_NF_DEFRAG_IPV6))
		request_module("nf_defrag_ipv6");
	WRITE_ONCE(atcp_frag6_gather, symbol_get(nf_ct_frag6_gather));
	if (!atcp_frag6_gather)
		pr_info("nf_defrag_ipv6 is not there: IPv6 fragments go to Linux TCP\n");
}

/* After the hooks are gone: nothing calls the reassembly any more. */
void atcp_v6_defrag_exit(void)
{
	if (!atcp_frag6_gather)
		return;
	synchronize_net();
	atcp_frag6_gather = NULL;
	symbol_put(nf_ct_frag6_gather);
}

int atcp_ipv6_init(void)
{
	int err;

	/* booted with ipv6.disable=1: IPv4 only */
	if (!ipv6_mod_enabled())
		return 0;
	err = proto_register(&atcpv6_prot, 1);
	if (err)
		return err;
	atcpv6_protosw.protocol = atcp_protocol;
	INIT_LIST_HEAD(&atcpv6_protosw.list);
	err = inet6_register_protosw(&atcpv6_protosw);
	if (!err && atcp_protosw_conflict(&atcpv6_protosw)) {
		inet6_unregister_protosw(&atcpv6_protosw);
		err = -EBUSY;
	}
	if (err) {
		pr_err("protocol=%d is already taken by another AF_INET6 SOCK_STREAM protocol; load atcp with another protocol= number\n",
		       atcp_protocol);
		proto_unregister(&atcpv6_prot);
		return err == -EPERM ? -EBUSY : err;
	}
	atcp_ipv6_registered = true;
	return 0;
}

void atcp_ipv6_exit(void)
{
	if (!atcp_ipv6_registered)
		return;
	inet6_unregister_protosw(&atcpv6_protosw);
	proto_unregister(&atcpv6_prot);
	atcp_ipv6_registered = false;
}

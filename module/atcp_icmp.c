// SPDX-License-Identifier: GPL-2.0
/*
 * ICMP errors about atcp connections (Linux: tcp_v4_err()).
 *
 * An ICMP error quotes the IP header and the first eight bytes of the
 * segment that caused it: enough for the ports and the sequence number.
 * Linux's ICMP layer hands such errors to the TCP of the quoted protocol
 * number, which knows nothing of atcp's connections; so atcp's LOCAL_IN
 * hook looks at ICMP too and claims the errors that quote a segment of an
 * atcp connection.  Everything else goes on to Linux.
 *
 *  - Fragmentation needed (RFC 1191): the route's path MTU is lowered and,
 *    if that is below what the connection sends, the MSS with it, and what
 *    is in flight is sent again in smaller segments.
 *  - Other unreachables, time exceeded, parameter problem: while the
 *    connection is being set up, the error ends it (connect() fails with
 *    EHOSTUNREACH, ECONNREFUSED, ...), as in Linux.  Later it is a soft
 *    error, reported if the connection times out, or at once with
 *    IP_RECVERR.  A network or host unreachable for the segment being
 *    retransmitted undoes the last doubling of the RTO (RFC 6069).
 *  - Source quench is claimed and ignored (RFC 6633).
 *  - Redirect (RFC 1122 3.2.2.2): the connection's route learns the
 *    better first hop, as Linux does through the socket a redirect
 *    quotes (tcp_v4_err()): Linux's ICMP layer applies none by itself.
 *
 * The quoted sequence number must lie in the window of unacknowledged
 * data, so a blind attacker cannot end a connection (RFC 5927 4.1).
 */
#include <linux/icmp.h>
#include <net/icmp.h>
#include <net/ip.h>
#include <net/route.h>
#include <net/tcp.h>

#include "atcp.h"
#include "atcp_mib.h"

/*
 * The path MTU dropped to as->mtu_info.  Runs with the socket locked (from
 * softirq, or from release_sock() when the user held it).
 */
void atcp_mtu_reduced(struct sock *sk)
{
	struct inet_sock *inet = inet_sk(sk);
	struct atcp_sock *as = atcp_sk(sk);
	struct dst_entry *dst;
	u32 mtu;

	if ((1 << sk->sk_state) & (TCPF_LISTEN | TCPF_CLOSE))
		return;
	mtu = READ_ONCE(as->mtu_info);
	dst = atcp_update_pmtu(sk, mtu);
	if (!dst)
		return;
	if (atcp_v6(sk)) {
		/* IPv6 routers never fragment: no floor, no DF to clear. */
		mtu = dst_mtu(dst);
		if (as->pmtu_cookie <= mtu)
			return;
		atcp_sync_mss(sk, mtu);
		atcp_resend_all(sk);
		return;
	}
	/* The route keeps a floor (min_pmtu): below it we must fragment. */
	if (mtu < dst_mtu(dst) && ip_dont_fragment(sk, dst))
		sk->sk_err_soft = EMSGSIZE;
	mtu = dst_mtu(dst);
	if (inet->pmtudisc == IP_PMTUDISC_DONT || !ip_sk_accept_pmtu(sk) ||
	    as->pmtu_cookie <= mtu)
		return;
	atcp_sync_mss(sk, mtu);
	atcp_resend_all(sk);
}

/* What an ICMP error means for the connection (-errno); 0: nothing. */
static int atcp_icmp_errno(u8 type, u8 code)
{
	switch (type) {
	case ICMP_DEST_UNREACH:
		if (code > NR_ICMP_UNREACH)
			return 0;
		return -icmp_err_convert[code].errno;
	case ICMP_TIME_EXCEEDED:
		return -EHOSTUNREACH;
	case ICMP_PARAMETERPROB:
		return -EPROTO;
	}
	return 0;
}

/*
 * A request entry is only a SYN-ACK so far: like Linux's request socks it
 * goes away on errors that say the peer cannot be reached, and only if
 * they quote the SYN-ACK itself.
 */
static bool atcp_icmp_aborts_req(u8 type, u8 code)
{
	return type == ICMP_PARAMETERPROB || type == ICMP_TIME_EXCEEDED ||
	       (type == ICMP_DEST_UNREACH &&
		(code == ICMP_NET_UNREACH || code == ICMP_HOST_UNREACH));
}

/*
 * Does the quoted sequence number @seq lie in the window of what @sk sent
 * and has not seen acknowledged?  Else the message is counted and ignored.
 */
static bool atcp_icmp_in_window(struct sock *sk, u32 seq)
{
	struct atcp_sock *as = atcp_sk(sk);

	if (atcp_seq_before(seq, as->snd_una) ||
	    atcp_seq_after(seq, as->snd_max)) {
		ATCP_INC_STATS(sock_net(sk), ATCP_MIB_OUTOFWINDOWICMPS);
		return false;
	}
	return true;
}

/*
 * An ICMP error, of either family, quoting a segment of connection @sk
 * (bh-locked) with sequence number @seq: a new path MTU @mtu, or else the
 * error @err (a positive errno; 0 means nothing).  @unreachable: a
 * network or host unreachable (IPv6: no route), which may undo the RTO's
 * last doubling (RFC 6069).
 */
void atcp_icmp_err(struct sock *sk, int err, u32 mtu, u32 seq,
		   bool unreachable)
{
	struct atcp_sock *as = atcp_sk(sk);
	struct net *net = sock_net(sk);
	bool recverr;

	if (!atcp_icmp_in_window(sk, seq))
		return;
	if (mtu) {
		WRITE_ONCE(as->mtu_info, mtu);
		if (!sock_owned_by_user(sk))
			atcp_mtu_reduced(sk);
		else
			set_bit(ATCP_DEFER_MTU_REDUCED, &as->deferred);
		return;
	}
	if (!err)
		return;

	switch (sk->sk_state) {
	case TCP_SYN_SENT:
	case TCP_SYN_RECV:	/* simultaneous open */
		/* The soft error is what giving up reports. */
		sk->sk_err_soft = err;
		if (!sock_owned_by_user(sk)) {
			ATCP_INC_STATS(net, ATCP_MIB_ATTEMPTFAILS);
			atcp_event(sk, ATCP_EV_TIMEOUT_GIVE_UP);
		}
		return;
	}
	if (unreachable)
		atcp_rto_revert(sk, seq);
	recverr = inet_sk(sk)->recverr;
#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family == AF_INET6)
		recverr = atcp_inet6(sk)->recverr;
#endif
	if (!sock_owned_by_user(sk) && recverr) {
		WRITE_ONCE(sk->sk_err, err);
		sk_error_report(sk);
	} else {
		sk->sk_err_soft = err;
	}
}

/*
 * A redirect, of either family, quoting a segment of connection @sk
 * (bh-locked) with sequence number @seq.  @skb is as the route's redirect
 * operation wants it: its data the quoted packet, its transport header
 * the ICMP message, its device the one it came in on.  The route checks
 * the rest (accept_redirects, the old gateway, the new one on the link)
 * and records the new first hop for the destination; the dst it marks
 * obsolete sends the next segment along the new route.  @cookie is what
 * the dst is checked with (IPv6: the socket's dst_cookie).  With the
 * socket in use it is dropped, as Linux drops it.
 */
void atcp_icmp_redirect(struct sock *sk, struct sk_buff *skb, u32 seq,
			u32 cookie)
{
	struct dst_entry *dst;

	if (!atcp_icmp_in_window(sk, seq) || sock_owned_by_user(sk))
		return;
	dst = __sk_dst_check(sk, cookie);
	if (dst)
		dst->ops->redirect(dst, sk, skb);
}

/*
 * An ICMP error quoting the SYN-ACK of listener @sk's request @req: it
 * must quote the request's ISS, and @aborts says whether it ends it.
 */
void atcp_icmp_req_err(struct sock *sk, struct atcp_req *req, u32 seq,
		       bool aborts)
{
	struct net *net = sock_net(sk);

	if (seq != req->iss) {
		ATCP_INC_STATS(net, ATCP_MIB_OUTOFWINDOWICMPS);
	} else if (aborts) {
		atcp_synq_drop(sk, req);
		ATCP_INC_STATS(net, ATCP_MIB_LISTENDROPS);
	}
}

/*
 * The LOCAL_IN hook's part for IPPROTO_ICMP: NF_STOLEN when the error was
 * about an atcp connection, NF_ACCEPT to leave it to Linux.
 */
unsigned int atcp_v4_icmp_rcv(struct net *net, struct sk_buff *skb)
{
	unsigned int off = ip_hdrlen(skb), len, ihl;
	const struct icmphdr *icmph;
	const struct iphdr *inner;
	struct atcp_req *req = NULL;
	struct in6_addr laddr, raddr;
	const struct tcphdr *th;
	struct sock *sk;
	u8 type, code;
	u32 mtu = 0;

	if (!pskb_may_pull(skb, off + sizeof(*icmph) + sizeof(*inner)))
		return NF_ACCEPT;
	icmph = (const struct icmphdr *)(skb_network_header(skb) + off);
	type = icmph->type;
	if (type != ICMP_DEST_UNREACH && type != ICMP_TIME_EXCEEDED &&
	    type != ICMP_PARAMETERPROB && type != ICMP_SOURCE_QUENCH &&
	    type != ICMP_REDIRECT)
		return NF_ACCEPT;
	inner = (const struct iphdr *)(icmph + 1);
	if (inner->version != 4 || inner->ihl < 5 ||
	    inner->protocol != IPPROTO_TCP)
		return NF_ACCEPT;
	/* The quoted header and the ports and sequence number after it. */
	ihl = inner->ihl * 4;
	if (!pskb_may_pull(skb, off + sizeof(*icmph) + ihl + 8))
		return NF_ACCEPT;
	icmph = (const struct icmphdr *)(skb_network_header(skb) + off);
	inner = (const struct iphdr *)(icmph + 1);
	th = (const struct tcphdr *)((const u8 *)inner + ihl);

	sk = atcp_lookup_established(net, inner->daddr, th->dest,
				     inner->saddr, th->source,
				     inet_iif(skb), inet_sdif(skb));
	if (!sk) {
		sk = atcp_lookup_listener(net, NULL, inner->daddr, th->dest,
					  inner->saddr, th->source,
					  inet_iif(skb), inet_sdif(skb));
		if (!sk)
			return NF_ACCEPT;
		atcp_addr_v4(&laddr, inner->saddr);
		atcp_addr_v4(&raddr, inner->daddr);
		req = atcp_synq_find(sk, &raddr, th->dest, &laddr, th->source);
		if (!req) {
			sock_put(sk);
			return NF_ACCEPT;
		}
	}

	/* Ours: a corrupt message is counted and dropped, as icmp_rcv() does. */
	len = skb->len - off;
	if (csum_fold(skb_checksum(skb, off, len, 0))) {
		ATCP_INC_STATS(net, ATCP_MIB_INERRS);
		ATCP_INC_STATS(net, ATCP_MIB_INCSUMERRORS);
		goto out;
	}
	ATCP_INC_STATS(net, ATCP_MIB_INICMPS);
	code = icmph->code;
	if (req) {
		atcp_icmp_req_err(sk, req, ntohl(th->seq),
				  atcp_icmp_aborts_req(type, code));
	} else if (type == ICMP_REDIRECT) {
		/* as icmp_rcv() hands it on: the data at the quoted header */
		__skb_pull(skb, (const u8 *)inner - skb->data);
		bh_lock_sock(sk);
		atcp_icmp_redirect(sk, skb, ntohl(th->seq), 0);
		bh_unlock_sock(sk);
	} else if (type != ICMP_SOURCE_QUENCH) {
		if (type == ICMP_DEST_UNREACH && code == ICMP_FRAG_NEEDED) {
			/* We only send DF segments; below 68 is bogus. */
			mtu = ntohs(icmph->un.frag.mtu);
			if (mtu < 68)
				goto out;
		}
		bh_lock_sock(sk);
		atcp_icmp_err(sk, -atcp_icmp_errno(type, code), mtu,
			      ntohl(th->seq), type == ICMP_DEST_UNREACH &&
			      (code == ICMP_NET_UNREACH ||
			       code == ICMP_HOST_UNREACH));
		bh_unlock_sock(sk);
	}
out:
	if (req)
		atcp_req_put(req);
	sock_put(sk);
	consume_skb(skb);
	return NF_STOLEN;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * atcp SYN cookies: the kernel side of atcp_cookie.c.
 *
 * When the SYN queue is full (syncookies = 1) or always (syncookies = 2)
 * a listener answers a SYN with a SYN-ACK whose sequence number is a
 * cookie and keeps nothing.  The ACK completing the handshake brings the
 * cookie back; if it checks, the request it stood for is rebuilt (MSS
 * from the cookie, window scale and SACK from the timestamp echo) and
 * becomes a connection like any request entry.
 *
 * The key is drawn once per boot; the cookie clock is CLOCK_MONOTONIC in
 * 64-second ticks, so a cookie is good for 64 to 128 seconds.
 */
#include <linux/siphash.h>
#include <net/ip.h>
#include <net/tcp.h>

#include "atcp.h"
#include "atcp_cookie.h"
#include "atcp_mib.h"

static siphash_key_t atcp_cookie_secret __read_mostly;

/* One call site only: net_get_random_once()'s flag is per site. */
static void atcp_cookie_secret_init(void)
{
	net_get_random_once(&atcp_cookie_secret, sizeof(atcp_cookie_secret));
}

static u32 atcp_cookie_now(void)
{
	return atcp_cookie_counter(ktime_get_seconds());
}

static void atcp_cookie_tuple_of(struct atcp_cookie_tuple *t,
				 const struct atcp_req *req)
{
	atcp_tuple_fill(t, &req->raddr, &req->laddr, req->rport, req->lport);
}

/*
 * Answer the SYN @req was made from with a cookie SYN-ACK.  Without
 * timestamps there is nowhere to keep window scale and SACK, so the
 * SYN-ACK does not offer them (as in Linux).
 */
int atcp_cookie_send_synack(struct sock *sk, struct atcp_req *req)
{
	struct atcp_sock *las = atcp_sk(sk);
	struct atcp_cookie_tuple t;
	u32 cookie, tsval = 0;
	u8 mss_idx;
	int err;

	atcp_cookie_secret_init();
	atcp_cookie_tuple_of(&t, req);
	mss_idx = atcp_cookie_mss_idx(req->peer_mss, atcp_req_v6(req));
	cookie = atcp_cookie_make(&atcp_cookie_secret, &t, req->irs,
				  atcp_cookie_now(), mss_idx);
	if (req->flags & ATCP_REQ_TS)
		tsval = atcp_cookie_ts_encode(atcp_req_tsval(sk, req),
					      req->snd_wscale,
					      req->flags & ATCP_REQ_WS,
					      req->flags & ATCP_REQ_SACK,
					      req->flags & ATCP_REQ_ECN);
	else
		req->flags &= ~(ATCP_REQ_WS | ATCP_REQ_SACK | ATCP_REQ_ECN);

	WRITE_ONCE(las->last_cookie, jiffies);
	err = atcp_send_synack_req(sk, req, cookie, tsval, NULL);
	if (!err)
		ATCP_INC_STATS(sock_net(sk), ATCP_MIB_SYNCOOKIESSENT);
	return err;
}

/*
 * Cookies are only checked while they may be out there: sent in the
 * last two minutes, or syncookies = 2.  Other stray ACKs just get the
 * listener's RST, uncounted, as in Linux.
 */
static bool atcp_cookies_recent(struct sock *sk)
{
	struct net *net = sock_net(sk);
	int mode = READ_ONCE(atcp_net(net)->sysctl.syncookies);
	unsigned long last = READ_ONCE(atcp_sk(sk)->last_cookie);

	if (!mode)
		return false;
	if (mode == 2)
		return true;
	return last && time_before(jiffies, last + 2 * (HZ << ATCP_COOKIE_TICK_SHIFT));
}

/*
 * An ACK for listener @sk that matches no request entry: if it answers a
 * cookie of ours, fill @ext with the request the cookie stood for and
 * return true.  A cookie that fails counts SyncookiesFailed.
 */
bool atcp_cookie_check_ack(struct sock *sk, const struct sk_buff *skb,
			   const struct atcp_seg *seg,
			   struct atcp_req_ext *ext)
{
	const struct atcp_sysctl *s = &atcp_net(sock_net(sk))->sysctl;
	struct atcp_req *req = &ext->req;
	struct atcp_cookie_tuple t;
	bool ws_ok, sack_ok, ecn_ok;
	u8 mss_idx, wscale;

	if ((seg->flags & (TCPHDR_SYN | TCPHDR_RST | TCPHDR_ACK)) !=
	    TCPHDR_ACK || !atcp_cookies_recent(sk))
		return false;

	atcp_req_init(req, skb, seg);
	/* as Linux, the mark of the ACK that brought the cookie */
	atcp_req_note_mark(sk, ext, skb);
	req->irs = seg->seq - 1;
	req->iss = seg->ack - 1;
	atcp_cookie_tuple_of(&t, req);
	atcp_cookie_secret_init();
	if (atcp_cookie_check(&atcp_cookie_secret, &t, req->irs, req->iss,
			      atcp_cookie_now(), &mss_idx)) {
		ATCP_INC_STATS(sock_net(sk), ATCP_MIB_SYNCOOKIESFAILED);
		return false;
	}
	ATCP_INC_STATS(sock_net(sk), ATCP_MIB_SYNCOOKIESRECV);

	req->peer_mss = atcp_cookie_mss(mss_idx, atcp_req_v6(req));
	/* without a timestamp the SYN-ACK offered no window scale or SACK */
	if (seg->opts.ts_ok && READ_ONCE(s->timestamps)) {
		atcp_cookie_ts_decode(seg->opts.tsecr, &wscale, &ws_ok,
				      &sack_ok, &ecn_ok);
		atcp_req_options(sk, req, true, seg->opts.tsval, ws_ok, wscale,
				 sack_ok);
		if (ecn_ok && (READ_ONCE(s->ecn) ||
			       atcp_req_route_ecn(sk, req)))
			req->flags |= ATCP_REQ_ECN;
	}
	return true;
}

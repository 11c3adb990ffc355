/* SPDX-License-Identifier: GPL-2.0 */
/*
 * atcp.h - internal interfaces shared by the kernel glue of atcp.
 *
 * The pure protocol code (atcp_fsm, atcp_opt, atcp_rto, atcp_cookie, ...)
 * does not include this file: it sees only atcp_compat.h.
 */
#ifndef _ATCP_H
#define _ATCP_H

#include <linux/types.h>
#include <linux/skbuff.h>
#include <linux/timer.h>
#include <linux/hrtimer.h>
#include <linux/tcp.h>
#include <net/sock.h>
#include <net/inet_sock.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/dsfield.h>
#include <net/inet_ecn.h>
#include <net/transp_v6.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include <uapi/linux/atcp.h>

#include "atcp_cookie.h"
#include "atcp_cubic.h"
#include "atcp_ecn.h"
#include "atcp_fsm.h"
#include "atcp_opt.h"
#include "atcp_plpmtu.h"
#include "atcp_prr.h"
#include "atcp_rack.h"
#include "atcp_rto.h"
#include "atcp_seq.h"

/* The protocol number applications pass to socket(); module parameter. */
extern int atcp_protocol;

/*
 * Per network namespace tunables, mirroring net.ipv4.tcp_* (same names
 * without the prefix, same defaults).  Each field is an int so the sysctl
 * table can use proc_dointvec_minmax throughout.
 */
struct atcp_sysctl {
	int syn_retries;
	int synack_retries;
	int retries1;
	int retries2;
	int fin_timeout;
	int orphan_retries;
	int max_orphans;
	int keepalive_time;
	int keepalive_intvl;
	int keepalive_probes;
	int timestamps;
	int window_scaling;
	int rfc1337;
	int sack;
	int tw_timeout;
	int max_tw_buckets;
	int tw_reuse_mode;	/* "tw_reuse": <net/inet_timewait_sock.h> owns the name */
	int max_syn_backlog;
	int syncookies;		/* 0 off, 1 when the SYN queue is full, 2 always */
	int abort_on_overflow;
	int local_port_range[2];
	int rmem[3];		/* min, default, max receive buffer */
	int wmem[3];		/* min, default, max send buffer */
	int min_snd_mss;
	int slow_start_after_idle;
	unsigned int notsent_lowat;
	int moderate_rcvbuf;
	int shrink_window;	/* the offered window's right edge may recede */
	int congestion_control;	/* enum atcp_ca */
	int allowed_ca;		/* 1 << enum atcp_ca: for users without CAP_NET_ADMIN */
	int invalid_ratelimit;	/* ms between out-of-window ACKs */
	int challenge_ack_limit; /* challenge ACKs a second, namespace-wide */
	int dsack;
	int recovery;		/* ATCP_RACK_* bits */
	int reordering;
	int early_retrans;	/* 3 and 4: tail loss probes */
	int frto;		/* F-RTO: spurious timeouts undone */
	int comp_sack_nr;	/* SACKs held back at most in a row */
	unsigned long comp_sack_delay_ns;	/* ... for at most this */
	unsigned long comp_sack_slack_ns;	/* ... plus this slack */
	int limit_output_bytes;	/* most bytes in this host's queues */
	int autocorking;	/* small writes wait for those to leave */
	int thin_linear_timeouts;
	int adv_win_scale;	/* the window's share of the receive buffer */
	int app_win;		/* 1/2^n of the window kept for the reader */
	int max_reordering;	/* the most "reordering" may grow to */
	int min_rtt_wlen;	/* seconds the minimum RTT looks back */
	int ecn;		/* ATCP_ECN_MODE_* */
	int ecn_fallback;	/* a resent SYN no longer asks for ECN */
	int min_tso_segs;	/* the smallest GSO skb, in segments */
	int tso_rtt_log;	/* paced skbs: gso_max_size >> (min RTT >> n) */
	int tso_win_divisor;	/* skbs held for 1/n of the window */
	int pacing_ss_ratio;	/* % of cwnd/srtt to pace at in slow start */
	int pacing_ca_ratio;	/* ... and in congestion avoidance */
	int mtu_probing;	/* 1: after black-hole timeouts, 2: always */
	int base_mss;		/* where the search starts, and falls back to */
	int mtu_probe_floor;	/* the lowest MSS a black hole brings it to */
	int probe_threshold;	/* bytes: the search ends this close */
	int probe_interval;	/* seconds before the search starts again */
	int stdurg;		/* the urgent pointer names the last urgent byte */
	int workaround_signed_windows;	/* unscaled windows below 32 kB */
	int reflect_tos;	/* a listener's connections take the SYN's DSCP */
	int l3mdev_accept;	/* unbound listeners take segments through a VRF */
	int retrans_collapse;	/* a small resend takes the skbs after it */
	int migrate_req;	/* a closed listener's queues go to its group */
	int fwmark_accept;	/* connections take their SYN's mark */
	int fastopen;		/* ATCP_TFO_* bits */
	int fastopen_blackhole_timeout_sec;
	int no_metrics_save;	/* ends of connections save no path metrics */
	int no_ssthresh_metrics_save;	/* ... no ssthresh */
};

/* The bits of the fastopen sysctl, Linux's TFO_* (net/tcp.h). */
#define ATCP_TFO_CLIENT_ENABLE		0x1
#define ATCP_TFO_SERVER_ENABLE		0x2
#define ATCP_TFO_CLIENT_NO_COOKIE	0x4	/* data in SYN without a cookie */
#define ATCP_TFO_SERVER_COOKIE_NOT_REQD	0x200	/* ... taken without one */
#define ATCP_TFO_SERVER_WO_SOCKOPT1	0x400	/* listeners without TCP_FASTOPEN */

/*
 * Fast Open keys, of a namespace (the fastopen_key sysctl) or of a
 * listener (TCP_FASTOPEN_KEY): the first makes cookies, both check them.
 * Replaced whole and freed after a grace period, so readers under RCU
 * never see half a key.
 */
struct atcp_tfo_keys {
	struct rcu_head rcu;
	int num;
	siphash_key_t key[ATCP_TFO_KEYS_MAX];
};

struct atcp_mib;

/*
 * Fast Open state of a socket whose handshake uses it (RFC 7413): a
 * listener's Fast Open child (the listener's queue it counts in, a new
 * cookie for its SYN-ACK), a client's SYN (the cookie, the data).  Freed
 * when the handshake ends (atcp_fastopen_done()).
 */
struct atcp_fastopen {
	struct atcp_tfo_cookie cookie;	/* what the SYN or SYN-ACK carries */
	bool send_cookie;		/* ... on its first transmission */
	/* a server's child: the listener that counts it in tfo_qlen, held */
	struct sock *listener;
	/* a client's: the data sendmsg() offers the SYN, what it took */
	struct msghdr *data;
	size_t size;
	size_t copied;
};

struct atcp_metrics_table;

/* Everything atcp keeps per network namespace. */
struct atcp_net {
	struct atcp_sysctl sysctl;
	struct atcp_mib __percpu *mib;
	atomic_t curr_estab;
	atomic_t orphans;
	struct ctl_table_header *sysctl_hdr;
	struct ctl_table_header *sysctl_mem_hdr;	/* the initial one's */
	struct nf_hook_ops *hooks;
	/* TIME_WAIT entries of this namespace, oldest first. */
	spinlock_t tw_lock;
	struct list_head tw_list;
	unsigned int tw_count;
	struct timer_list tw_timer;
	bool exiting;
	/* RFC 5961 challenge ACKs left this second (challenge_ack_limit). */
	u32 challenge_stamp;
	u32 challenge_count;
	/* Fast Open: the namespace's keys, made on first use. */
	struct atcp_tfo_keys __rcu *tfo_keys;
	/* ... and its clients' pause after black holes (blackhole_timeout) */
	atomic_t tfo_disable_times;
	unsigned long tfo_disable_stamp;
	/* Path metrics and Fast Open cookies per peer (atcp_metrics.c). */
	struct atcp_metrics_table *metrics;
};

extern unsigned int atcp_net_id;

static inline struct atcp_net *atcp_net(const struct net *net)
{
	return net_generic(net, atcp_net_id);
}

/*
 * Per-skb state while an skb sits on a write, receive or out-of-order
 * queue.  Transmitted clones get their cb cleared before the IP layer
 * uses it.
 */
struct atcp_skb_cb {
	u32 seq;		/* first sequence number */
	u32 end_seq;		/* seq + data + SYN + FIN */
	u32 sent_us;		/* last transmission, for RTT samples */
	u8 flags;		/* TCPHDR_SYN, TCPHDR_FIN, ... */
	u8 retrans;		/* times retransmitted (Karn) */
	u8 sacked;		/* the peer SACKed all of it */
	u8 rexmit_epoch;	/* recovery episode it was resent in */
	u8 lost;		/* taken for lost, not resent since */
	u8 mtu_probe;		/* one segment larger than the MSS, once */
	u8 txstamp_ack;		/* SO_TIMESTAMPING: report the ACK of tskey */
	u32 tskey;		/* ... the byte timestamps are taken for */
};

#define ATCP_SKB_CB(skb) ((struct atcp_skb_cb *)&((skb)->cb[0]))

/* Were transmit timestamps asked for one of @skb's bytes? */
static inline bool atcp_skb_tx_tstamped(const struct sk_buff *skb)
{
	return ATCP_SKB_CB(skb)->txstamp_ack ||
	       (skb_shinfo(skb)->tx_flags & SKBTX_ANY_TSTAMP);
}

/* Connection timers, multiplexed on one timer_list each. */
enum atcp_timer_kind {
	ATCP_TIMER_RTX,		/* retransmission (SYN, data, FIN) */
	ATCP_TIMER_PROBE,	/* zero window probe */
	ATCP_TIMER_TLP,		/* tail loss probe (RFC 8985 7) */
	ATCP_TIMER_REO,		/* RACK reordering window (RFC 8985 6.2) */
};

/*
 * An atcp socket.  It starts with inet_sock so that the AF_INET socket
 * layer (inet_create, inet_release, inet_getname, inet_bind) can serve it;
 * all TCP state that follows is atcp's own.
 */
struct atcp_sock {
	struct inet_sock inet;

	/* Send sequence space (RFC 9293 3.3.1). */
	u32 iss;
	u32 snd_una;		/* oldest unacknowledged */
	u32 snd_nxt;		/* next to send (rewound after a timeout) */
	u32 snd_max;		/* highest ever sent: what an ACK may cover */
	u32 write_seq;		/* end of data queued by the user */
	u32 snd_sml;		/* end of the last small segment sent (Nagle) */
	u32 snd_wnd;		/* peer's window, unscaled */
	u32 max_window;		/* largest window the peer offered */
	u32 snd_wl1;
	u32 snd_wl2;

	/* Receive sequence space. */
	u32 irs;
	u32 rcv_nxt;
	u32 rcv_wnd;		/* window last advertised */
	u32 rcv_wup;		/* rcv_nxt when rcv_wnd was advertised */
	u32 copied_seq;		/* next byte the user reads */
	u32 rcv_ssthresh;	/* the window grows to it as data shows its cost */
	u32 window_clamp;	/* the largest window to offer, 0: not sized */

	/* Negotiated options. */
	u16 mss_cache;		/* payload bytes per segment we send */
	u16 advmss;		/* MSS we advertise */
	u16 peer_mss;		/* MSS the peer advertised */
	u16 ext_hdr_len;	/* IPv6 extension headers (IPV6_DSTOPTS...) */
	u32 pmtu_cookie;	/* the path MTU mss_cache was sized for */
	u32 mtu_info;		/* MTU of the last ICMP fragmentation-needed */
	struct atcp_plpmtu mtup;	/* RFC 4821 probing; times in jiffies */
	unsigned long deferred;	/* ATCP_DEFER_*: work for release_sock() */
	u8 snd_wscale;
	u8 rcv_wscale;
	u8 ts_ok:1,
	   ws_ok:1,
	   sack_ok:1,
	   passive:1,		/* opened through a listener */
	   fin_queued:1,	/* our FIN is on the write queue */
	   was_accepted_q:1,	/* child: on the accept queue */
	   destroyed:1,		/* atcp_destroy_sock() ran */
	   counted_orphan:1;
	u8 hashed_in;		/* ATCP_HASH_*: which table holds sk_node */
	u8 ipv6:1,		/* the connection's segments are IPv6 ones */
	   tw_entered:1,	/* passed through TIME-WAIT (atcp_set_state) */
	   urg_mode:1,		/* data up to snd_up is urgent, unacknowledged */
	   tfo_child:1,		/* Fast Open child in SYN-RECEIVED */
	   syn_data_acked:1,	/* data on the SYN was acknowledged */
	   syn_data:1,		/* our SYN carried data (Fast Open) */
	   syn_fastopen:1,	/* ... a Fast Open option */
	   syn_fastopen_exp:1;	/* ... in the experimental kind 254 */
	u8 tfo_client_fail:2,	/* enum tcp_fastopen_client_fail */
	   tfo_check:1;		/* may end a Fast Open pause (blackhole) */
	u32 snd_up;		/* end of the urgent data sent (MSG_OOB) */
	/* Urgent data received: ATCP_URG_* and the byte, at urg_seq. */
	u16 urg_data;
	u32 urg_seq;
	u8 ecn_flags;		/* ATCP_ECN_* (atcp_ecn.h) */
	u32 cwr_high;		/* an ECE cut ends once snd_una passes it */
	u32 last_oow_ack;	/* jiffies of the last out-of-window ACK */
	u32 ts_recent;		/* peer's last TSval (PAWS) */
	u32 ts_recent_stamp;	/* seconds, when ts_recent was taken */
	u32 ts_offset;		/* our TSval = ms clock + offset */

	/* Retransmission and congestion control (atcp_cong.c). */
	struct atcp_rto rto;
	struct atcp_cubic cubic;
	u8 ca;			/* enum atcp_ca, fixed when the TCB is set up */
	u32 cwnd;		/* segments */
	u32 cwnd_cnt;
	u32 ssthresh;
	u32 recover;		/* recovery (or timeout recovery) ends here */
	struct atcp_rack rack;	/* time-based loss detection */
	u32 reo_wait_us;	/* until RACK may take one more for lost */
	u16 reordering;		/* dupthresh, in segments: grows as seen */
	u32 reord_seen;		/* reorderings seen (tcpi_reord_seen) */
	u32 reord_low;		/* this ACK: lowest never-resent data delivered */
	u32 sacked_out;		/* bytes SACKed above snd_una */
	u32 lost_out;		/* bytes taken for lost, not resent since */
	u32 high_sacked;	/* highest SACKed sequence */
	u8 recovery_epoch;
	u8 dupacks;
	u8 in_recovery:1,
	   in_loss:1,		/* resending after a timeout, until recover */
	   tlp_out:1,		/* a tail loss probe is unanswered */
	   cwnd_limited:1,	/* the window held data back this round */
	   undo_on:1,		/* D-SACKs may still undo the last reduction */
	   frto:1;		/* F-RTO may yet find the timeout spurious */
	struct atcp_prr prr;	/* the window's way down to ssthresh */
	/* The window before the last reduction, and what undoes it. */
	u32 prior_cwnd;
	u32 prior_ssthresh;
	u32 undo_marker;	/* snd_una when it began */
	s32 undo_retrans;	/* segments resent since, not yet D-SACKed */
	u32 max_flight;		/* most segments in flight this round */
	u32 cwnd_usage_seq;	/* the round ends when snd_una passes it */
	u8 rtx_timer_kind;
	u8 retransmits;		/* consecutive timeouts */
	u8 probes_out;		/* zero window probes left unanswered */
	u8 probe_backoff;	/* doublings of the probe interval */
	u32 probes_start;	/* jiffies of the first probe, 0: none */
	u8 ka_probes_out;	/* keepalive probes the peer left unanswered */
	u32 retrans_start;	/* jiffies of the first unanswered rtx */
	struct timer_list rtx_timer;

	/* Delayed ACK. */
	struct timer_list delack_timer;
	u8 ack_pending;
	u8 segs_unacked;
	u8 quickack;
	/* SACK compression (Linux: compressed_ack). */
	u8 comp_sacks;		/* SACKs held back since an ACK last went */
	u8 comp_dupacks;	/* sent at once for this rcv_nxt */
	u32 comp_sack_rcv_nxt;	/* ... which is this */
	struct hrtimer comp_sack_timer;
	/* Internal pacing: the next skb leaves no earlier (ns, monotonic). */
	u64 pace_next_ns;
	u64 clock_us;		/* of the segment in hand: atcp_now_us() */
	u32 last_xmit_us;	/* the latest data sent, for TSO deferral */
	u32 pushed_seq;		/* write_seq when PSH was last marked */
	struct hrtimer pacing_timer;

	/* Write queue: sk->sk_write_queue; the first unsent skb. */
	struct sk_buff *send_head;
	/* Receive buffer tuning: bytes the user read per receiver RTT. */
	u32 rcvq_seq;
	u32 rcvq_time;		/* us */
	u32 rcvq_space;
	/* The receiver's RTT estimate (atcp_rcv_rtt_update()), us * 8 */
	u32 rcv_rtt8_us;
	u32 rcv_rtt_seq;	/* a window ahead of when it was taken */
	u32 rcv_rtt_time;	/* us, 0: not started */
	u32 rcv_rtt_tsecr;	/* the last TSecr sampled */

	/* Out-of-order segments, sorted by sequence. */
	struct sk_buff_head ooo_queue;
	u32 ooo_last_seq;	/* the latest one: first SACK block */
	/* A duplicate to report in the next ACK (D-SACK, RFC 2883). */
	u32 dsack_start;
	u32 dsack_end;
	u8 dsack_pending;

	/*
	 * Listener: the SYN queue (request entries hashed by 4-tuple, see
	 * atcp_reqsk.c) and the accept queue, both under accept_lock.
	 */
	spinlock_t accept_lock;
	struct list_head accept_queue;	/* established, not accepted */
	struct atcp_req **syn_table;
	u32 syn_mask;
	unsigned int accept_len;
	unsigned int syn_len;
	unsigned long last_cookie;	/* jiffies of the last cookie sent */
	u8 synflood_warned;
	/* Child: its place on the listener's queues. */
	struct list_head accept_node;
	struct sock *listener;
	/* Fast Open state of a handshake under way (atcp_fastopen.c). */
	struct atcp_fastopen *tfo;

	/* Bind bucket this socket's port belongs to. */
	struct atcp_bind_bucket *bind_bucket;

	/* TCP_INFO counters. */
	u64 bytes_acked;
	u64 bytes_received;
	u64 bytes_sent;
	u32 segs_in;
	u32 segs_out;
	u32 data_segs_in;
	u32 data_segs_out;
	u32 total_retrans;
	u32 delivered;		/* segments acknowledged or SACKed */
	u32 delivered_ce;	/* ... by ACKs with ECE */
	u32 last_data_recv;	/* jiffies */
	u32 last_data_sent;
	u32 last_ack_recv;
	u32 snd_ssthresh_seen;

	/*
	 * Socket options the user set: kept across disconnect() and
	 * inherited by a listener's children.  Must stay last.
	 */
	struct atcp_sockopts {
		u8 nodelay;
		u8 cork;		/* TCP_CORK */
		u8 syn_retries;		/* TCP_SYNCNT, 0: sysctl */
		u16 user_mss;		/* TCP_MAXSEG */
		int keepalive_time;	/* seconds, 0: sysctl */
		int keepalive_intvl;
		int keepalive_probes;
		u32 user_timeout;	/* ms */
		u32 notsent_lowat;	/* TCP_NOTSENT_LOWAT, 0: sysctl */
		u8 ca;			/* TCP_CONGESTION + 1, 0: sysctl */
		u8 thin_lto;		/* TCP_THIN_LINEAR_TIMEOUTS */
		int linger2;		/* TCP_LINGER2: jiffies, 0: sysctl, -1 */
		u32 window_clamp;	/* TCP_WINDOW_CLAMP, 0: none */
		u8 defer_accept;	/* TCP_DEFER_ACCEPT: SYN-ACK timeouts */
		u8 recvmsg_inq;		/* TCP_INQ */
		u8 fastopen_connect;	/* TCP_FASTOPEN_CONNECT */
		u8 fastopen_no_cookie;	/* TCP_FASTOPEN_NO_COOKIE */
		u32 fastopen_qlen;	/* TCP_FASTOPEN: listener's queue */
	} opts;

	/*
	 * A listener's Fast Open keys (TCP_FASTOPEN_KEY) and its children
	 * still in SYN-RECEIVED: kept across disconnect() like the options,
	 * never inherited.
	 */
	struct atcp_tfo_keys __rcu *tfo_keys;
	atomic_t tfo_qlen;

	/*
	 * Small queues (atcp_tsq.c): a tasklet may hold the socket on its
	 * list across disconnect(), which must not clear these.
	 */
	unsigned long tsq_flags;	/* ATCP_TSQ_* */
	struct list_head tsq_node;	/* on a CPU's atcp_tsq list */
};

static inline struct atcp_sock *atcp_sk(const struct sock *sk)
{
	return (struct atcp_sock *)sk;
}

/*
 * A congestion event (recovery, a timeout) is about to cut the window:
 * remember it, so that D-SACKs for every segment resent since can show
 * the event was spurious and undo the cut (RFC 3708 in Linux's way).
 */
static inline void atcp_undo_arm(struct atcp_sock *as)
{
	as->prior_cwnd = as->cwnd;
	as->prior_ssthresh = as->ssthresh;
	as->undo_marker = as->snd_una;
	as->undo_retrans = 0;
	as->undo_on = 1;
}

/* @skb is being sent again: one more resend a D-SACK must account for. */
static inline void atcp_undo_count(struct atcp_sock *as,
				   const struct sk_buff *skb)
{
	if (as->undo_on)
		as->undo_retrans += max_t(u32, DIV_ROUND_UP(skb->len,
							    as->mss_cache), 1);
}

/* Start the send sequence space at @iss: nothing sent, nothing queued. */
static inline void atcp_set_iss(struct atcp_sock *as, u32 iss)
{
	as->iss = iss;
	as->snd_una = iss;
	as->snd_nxt = iss;
	as->snd_max = iss;
	as->write_seq = iss;
	as->snd_sml = iss;
	as->pushed_seq = iss;
	as->high_sacked = iss;
	atcp_rack_init(&as->rack, iss);
}

/*
 * An AF_INET6 atcp socket: inet6_create() finds the ipv6_pinfo at the end
 * of the object.  Its connection may still be IPv4 (v4-mapped addresses):
 * as->ipv6 tells which family its segments are.
 */
struct atcp6_sock {
	struct atcp_sock as;
	struct ipv6_pinfo inet6;
};

/*
 * The ipv6_pinfo of an AF_INET6 atcp socket.  Not inet6_sk(): that one
 * is NULL in TIME-WAIT, which an atcp socket enters before it is done.
 */
static inline struct ipv6_pinfo *atcp_inet6(const struct sock *sk)
{
	return inet_sk(sk)->pinet6;
}

/* Does the connection of @sk send and receive IPv6 segments? */
static inline bool atcp_v6(const struct sock *sk)
{
	return IS_ENABLED(CONFIG_IPV6) && atcp_sk(sk)->ipv6;
}

/* Was @skb received as (or built for) an IPv6 packet? */
static inline bool atcp_skb_v6(const struct sk_buff *skb)
{
	return IS_ENABLED(CONFIG_IPV6) && skb->protocol == htons(ETH_P_IPV6);
}

/* The DS field (DSCP and ECN) of the IP header of the segment in @skb. */
static inline u8 atcp_skb_dsfield(const struct sk_buff *skb)
{
	return atcp_skb_v6(skb) ? ipv6_get_dsfield(ipv6_hdr(skb)) :
	       ip_hdr(skb)->tos;
}

/* The ECN field of the IP header of the segment in @skb (ATCP_ECN_*). */
static inline u8 atcp_skb_ecn(const struct sk_buff *skb)
{
	return atcp_skb_dsfield(skb) & INET_ECN_MASK;
}

/*
 * IP header bytes in front of each segment of @sk, without options or
 * extension headers (as->ext_hdr_len), which the peer's MSS does not count.
 */
static inline unsigned int atcp_net_hdr_len(const struct sock *sk)
{
	return atcp_v6(sk) ? sizeof(struct ipv6hdr) : sizeof(struct iphdr);
}

/*
 * Addresses of either family are kept as IPv6 ones where both meet (SYN
 * queue, lookups by address): an IPv4 address as ::ffff:a.b.c.d, like
 * the v4-mapped addresses of a dual-stack socket.
 */
static inline void atcp_addr_v4(struct in6_addr *a, __be32 v4)
{
	ipv6_addr_set_v4mapped(v4, a);
}

/* The local and remote address of the segment in @skb. */
static inline void atcp_skb_addrs(const struct sk_buff *skb,
				  struct in6_addr *laddr,
				  struct in6_addr *raddr)
{
	if (atcp_skb_v6(skb)) {
		*laddr = ipv6_hdr(skb)->daddr;
		*raddr = ipv6_hdr(skb)->saddr;
	} else {
		atcp_addr_v4(laddr, ip_hdr(skb)->daddr);
		atcp_addr_v4(raddr, ip_hdr(skb)->saddr);
	}
}

/* The local and remote address of connection @sk, in the same form. */
static inline void atcp_sk_addrs(const struct sock *sk,
				 struct in6_addr *laddr,
				 struct in6_addr *raddr)
{
	if (atcp_v6(sk)) {
		*laddr = sk->sk_v6_rcv_saddr;
		*raddr = sk->sk_v6_daddr;
	} else {
		atcp_addr_v4(laddr, inet_sk(sk)->inet_rcv_saddr);
		atcp_addr_v4(raddr, inet_sk(sk)->inet_daddr);
	}
}

/*
 * The addresses @sk shows its user (procfs, the tracepoint): an AF_INET6
 * socket's own, v4-mapped ones included, an AF_INET socket's v4-mapped.
 * Unlike atcp_sk_addrs(), this follows the socket's family, not its
 * connection's: an AF_INET6 listener on [::] shows ::.
 */
static inline void atcp_sk_user_addrs(const struct sock *sk,
				      struct in6_addr *laddr,
				      struct in6_addr *raddr)
{
#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family == AF_INET6) {
		*laddr = sk->sk_v6_rcv_saddr;
		*raddr = sk->sk_v6_daddr;
		return;
	}
#endif
	atcp_addr_v4(laddr, inet_sk(sk)->inet_rcv_saddr);
	atcp_addr_v4(raddr, inet_sk(sk)->inet_daddr);
}

/*
 * A port bound by atcp in one namespace: the sockets on it and how many
 * TIME_WAIT entries still hold it, how many of those of SO_REUSEPORT
 * sockets.
 */
struct atcp_hold;

struct atcp_bind_bucket {
	possible_net_t net;
	u16 port;
	unsigned int tw_refs;
	unsigned int tw_refs_reuseport;
	/* Holds the port in Linux TCP's table too (explicit binds). */
	struct atcp_hold *linux_hold;
	struct hlist_node node;
	struct hlist_head owners;	/* sk->sk_bind_node */
};

/*
 * A TIME_WAIT entry: what RFC 9293 needs for 2MSL after the full socket is
 * gone, in 64 bytes (Linux's TIME_WAIT sock takes 272).  The namespace is
 * the port's, the timestamp offset a hash of the 4-tuple that
 * atcp_ts_offset_v4() recomputes, and "when the peer's last timestamp
 * came" is @start.  See atcp_minisocks.c.
 */
struct atcp_tw {
	struct atcp_tw *next;		/* hash chain */
	struct list_head expire;	/* the namespace's 2MSL list */
	struct atcp_bind_bucket *tb;	/* the port, held */
	union {
		struct {
			__be32 saddr;	/* local */
			__be32 daddr;	/* remote */
		};
		/* ATCP_TW_V6: the addresses are in atcp_tw6 */
		struct {
			__be32 flowlabel;	/* the connection's own, or 0 */
			u8 tclass;		/* its IPV6_TCLASS */
		};
	};
	__be16 sport;
	__be16 dport;
	u32 snd_nxt;
	u32 rcv_nxt;
	u32 ts_recent;
	u32 start;		/* jiffies when its 2MSL (re)started */
	u16 rcv_wnd;		/* unscaled */
	u8 flags;		/* ATCP_TW_* */
	u8 tos;			/* an IPv4 connection's IP_TOS, DSCP only */
};

enum {
	ATCP_TW_HASHED = 1 << 0,	/* on its chain; under the chain's lock */
	ATCP_TW_TS = 1 << 1,		/* the connection used timestamps */
	ATCP_TW_TS_OFFSET = 1 << 2,	/* its TSvals carried the offset */
	ATCP_TW_V6 = 1 << 3,		/* an IPv6 connection: atcp_tw6 */
	ATCP_TW_SK6 = 1 << 4,		/* of an AF_INET6 socket (procfs) */
	ATCP_TW_REUSEPORT = 1 << 5,	/* of an SO_REUSEPORT socket (bind) */
};

static_assert(sizeof(struct atcp_tw) <= 64);

/*
 * The TIME_WAIT entry of an IPv6 connection: the addresses are here (96
 * bytes, from a cache of their own), and the room of the IPv4 ones above
 * keeps the flow label and traffic class its ACKs go with.
 */
struct atcp_tw6 {
	struct atcp_tw tw;
	struct in6_addr saddr;
	struct in6_addr daddr;
};

static inline struct atcp_tw6 *atcp_tw6(const struct atcp_tw *tw)
{
	return container_of(tw, struct atcp_tw6, tw);
}

/*
 * Jiffies until a TIME_WAIT entry expires, <= 0 once it has: tw_timeout
 * counts from the entry's start with the namespace's current value, so
 * entries stay in expiry order on their FIFO list when tw_timeout changes.
 */
static inline s32 atcp_tw_left(const struct atcp_tw *tw, int tw_timeout)
{
	return (s32)(tw->start + (u32)tw_timeout * HZ - (u32)jiffies);
}

/*
 * A request entry: a SYN a listener answered and whose third ACK has not
 * come yet (SYN-RECEIVED without a socket), in at most 128 bytes where
 * Linux's request sock takes 312.  It lives on its listener's hash table
 * and holds the listener; its timer retransmits the SYN-ACK.  See
 * atcp_reqsk.c.  SYN cookies build one on the stack from the ACK.
 */
struct atcp_req {
	struct atcp_req *next;		/* the listener's hash chain */
	struct sock *listener;		/* held */
	struct timer_list timer;	/* SYN-ACK retransmission */
	refcount_t refcnt;		/* the chain's and the timer's */
	struct in6_addr laddr;		/* IPv4: v4-mapped */
	struct in6_addr raddr;
	int iif;			/* the SYN's device: link-local peers */
	__be32 flowinfo;		/* the SYN's DS field and IPv6 flow label */
	__be16 lport;
	__be16 rport;
	u32 iss;
	u32 irs;
	u32 ts_recent;		/* the SYN's TSval */
	u32 sent_us;		/* the first SYN-ACK, for an RTT sample */
	u16 peer_mss;
	u16 snd_wnd;		/* the SYN's window (never scaled) */
	u8 snd_wscale;		/* the peer's shift */
	u8 rcv_wscale;		/* ours, as the SYN-ACK announced it */
	u8 flags;		/* ATCP_REQ_* */
	u8 retransmits;		/* SYN-ACK timeouts so far */
};

enum {
	ATCP_REQ_HASHED = 1 << 0,	/* on the chain: under accept_lock */
	ATCP_REQ_TS = 1 << 1,		/* negotiated timestamps */
	ATCP_REQ_WS = 1 << 2,		/* negotiated window scaling */
	ATCP_REQ_SACK = 1 << 3,		/* negotiated SACK */
	ATCP_REQ_ECN = 1 << 4,		/* agreed to ECN */
	ATCP_REQ_ACKED = 1 << 5,	/* a bare third ACK came (TCP_DEFER_ACCEPT) */
	ATCP_REQ_EXT = 1 << 6,		/* in a struct atcp_req_ext */
};

static_assert(sizeof(struct atcp_req) <= 128);

/*
 * A request that has more to remember than struct atcp_req holds: the
 * SYN's firewall mark, which its SYN-ACKs and its connection take under
 * fwmark_accept.  Only such requests pay for the extra bytes, from a
 * cache of their own; ATCP_REQ_EXT says which a request is.
 */
struct atcp_req_ext {
	struct atcp_req req;
	u32 mark;
};

/* The mark of @req's SYN-ACKs and connection (Linux: ir_mark). */
static inline u32 atcp_req_mark(const struct sock *sk,
				const struct atcp_req *req)
{
	if (req->flags & ATCP_REQ_EXT)
		return container_of(req, struct atcp_req_ext, req)->mark;
	return READ_ONCE(sk->sk_mark);
}

static inline bool atcp_req_v6(const struct atcp_req *req)
{
	return !ipv6_addr_v4mapped(&req->raddr);
}

/* The DS field (TOS, traffic class) of the SYN of @req. */
static inline u8 atcp_req_dsfield(const struct atcp_req *req)
{
	return ip6_tclass(req->flowinfo);
}

/* The IPv6 flow label of the SYN of @req (0 over IPv4). */
static inline __be32 atcp_req_flowlabel(const struct atcp_req *req)
{
	return req->flowinfo & IPV6_FLOWLABEL_MASK;
}

/* What the receive path learnt from a segment's header. */
struct atcp_seg {
	u32 seq;		/* SEG.SEQ */
	u32 ack;		/* SEG.ACK */
	u32 len;		/* payload bytes */
	u32 wnd;		/* SEG.WND, unscaled */
	u16 segs;		/* segments merged in it (GRO, backlog) */
	u8 flags;
	struct atcp_opts opts;
};

static inline bool atcp_seg_has(const struct atcp_seg *seg, u8 flag)
{
	return seg->flags & flag;
}

/* A walk over a namespace's sockets and TIME_WAIT entries (procfs). */
struct atcp_walker {
	void (*sock)(struct atcp_walker *w, struct sock *sk);
	void (*req)(struct atcp_walker *w, const struct atcp_req *req);
	void (*tw)(struct atcp_walker *w, const struct atcp_tw *tw);
	struct seq_file *seq;
	int n;
	int family;		/* AF_INET or AF_INET6: whose entries */
};

/* as->deferred: softirq work left for release_sock() (atcp_release_cb) */
enum {
	ATCP_DEFER_MTU_REDUCED,
	ATCP_DEFER_COMP_SACK,
	ATCP_DEFER_TSQ,
};

/* as->tsq_flags (atcp_tsq.c) */
enum {
	ATCP_TSQ_THROTTLED,	/* held back until its skbs leave the host */
	ATCP_TSQ_QUEUED,	/* on a CPU's list for the tasklet */
};

/* Which table an atcp socket's sk_node is in. */
enum {
	ATCP_HASH_NONE,
	ATCP_HASH_EST,
	ATCP_HASH_LISTEN,
};

/* Limits. */
#define ATCP_MAX_HEADER		MAX_TCP_HEADER
#define ATCP_INIT_CWND		10

/* Congestion control algorithms, by the names Linux gives them. */
enum atcp_ca {
	ATCP_CA_RENO,		/* "reno": NewReno (RFC 5681, RFC 6582) */
	ATCP_CA_CUBIC,		/* "cubic": RFC 9438, the default */
	ATCP_CA_NUM
};

#define ATCP_CA_NAME_MAX	16	/* TCP_CA_NAME_MAX */

const char *atcp_ca_name(unsigned int ca);
int atcp_ca_find(const char *name);
void atcp_cong_init(struct sock *sk);
void atcp_cong_set(struct sock *sk, unsigned int ca);
u32 atcp_cong_ssthresh(struct atcp_sock *as);
u32 atcp_loss_ssthresh(struct atcp_sock *as);
u32 atcp_current_ssthresh(const struct atcp_sock *as);
void atcp_cong_avoid(struct atcp_sock *as, u32 acked_bytes);
void atcp_cong_restart(struct atcp_sock *as);
void atcp_cong_start(struct sock *sk);
void atcp_cong_loss(struct sock *sk);
void atcp_cong_rtt(struct sock *sk, u32 rtt_us);
void atcp_update_pacing_rate(struct sock *sk);

static inline u32 atcp_flight_segs(const struct atcp_sock *as)
{
	return DIV_ROUND_UP(as->snd_max - as->snd_una, as->mss_cache);
}

#define ATCP_DEFAULT_MSS	536
#define ATCP_DELACK_MIN		(HZ / 25)	/* 40 ms, like Linux */
#define ATCP_TIMEOUT_INIT	HZ		/* RFC 6298 initial RTO */
#define ATCP_PROBE_MAX		(120 * HZ)
#define ATCP_FIN_TIMEOUT_MAX	(120 * HZ)	/* TCP_FIN_TIMEOUT_MAX */
#define ATCP_PAWS_24DAYS	(60 * 60 * 24 * 24)

/* as->urg_data: the low byte holds the urgent byte once it is VALID. */
#define ATCP_URG_VALID		0x0100	/* it arrived; recv(MSG_OOB) gets it */
#define ATCP_URG_NOTYET		0x0200	/* the pointer came, the byte not yet */
#define ATCP_URG_READ		0x0400	/* recv(MSG_OOB) took it */

/*
 * @seq starts a segment that must carry the urgent pointer: while data up
 * to snd_up is unacknowledged, every segment before it does.
 */
static inline bool atcp_urg_covers(const struct atcp_sock *as, u32 seq)
{
	return unlikely(as->urg_mode) && atcp_seq_before(seq, as->snd_up);
}

static inline u32 atcp_clock_us(void)
{
	return (u32)div_u64(ktime_get_ns(), NSEC_PER_USEC);
}

static inline u32 atcp_clock_ms(void)
{
	return (u32)div_u64(ktime_get_ns(), NSEC_PER_MSEC);
}

/*
 * A connection's clock for the segment in hand, as Linux's tcp_mstamp:
 * read once when a segment comes in (atcp_rcv()), when one goes out
 * (atcp_transmit_skb()) and when the retransmission timer fires, and
 * used by all that processing: reading the clock source can cost more
 * than the work around it (an emulated HPET took 4 % of a short
 * connection's time in a VM while each RTT sample, TSval and send time
 * read it).
 */
static inline void atcp_clock_refresh(struct atcp_sock *as)
{
	as->clock_us = div_u64(ktime_get_ns(), NSEC_PER_USEC);
}

static inline u32 atcp_now_us(const struct atcp_sock *as)
{
	return (u32)as->clock_us;
}

/* The same in ms, as atcp_clock_ms() would have read it then. */
static inline u32 atcp_now_ms(const struct atcp_sock *as)
{
	return (u32)div_u64(as->clock_us, USEC_PER_MSEC);
}

/* The TSval of a segment sent or processed now. */
static inline u32 atcp_tsval(const struct atcp_sock *as)
{
	return atcp_now_ms(as) + as->ts_offset;
}

u32 atcp_rto_min_us(struct sock *sk);

/* One valid RTT sample (Karn's rule kept): the RTO and the minimum RTT. */
static inline void atcp_rtt_sample(struct sock *sk, u32 rtt_us)
{
	struct atcp_sock *as = atcp_sk(sk);
	int wlen = READ_ONCE(atcp_net(sock_net(sk))->sysctl.min_rtt_wlen);

	/* the route's rto_min as it is now, as Linux's tcp_rto_min() */
	as->rto.min_rto_us = atcp_rto_min_us(sk);
	atcp_rto_sample(&as->rto, rtt_us);
	atcp_rto_min_rtt(&as->rto, rtt_us, atcp_now_ms(as),
			 wlen * MSEC_PER_SEC);
	atcp_cong_rtt(sk, rtt_us);
}

static inline u32 atcp_receive_window(const struct atcp_sock *as)
{
	s32 win = as->rcv_wup + as->rcv_wnd - as->rcv_nxt;

	return win < 0 ? 0 : win;
}

/*
 * The window that @space bytes of receive buffer can offer: the rest
 * covers skb overhead.  adv_win_scale n > 0 offers all but 1/2^n of it,
 * n <= 0 offers 1/2^-n (Linux: tcp_win_from_space()).
 */
static inline u32 atcp_win_from_space(const struct sock *sk, int space)
{
	int scale = READ_ONCE(atcp_net(sock_net(sk))->sysctl.adv_win_scale);

	if (space <= 0)
		return 0;
	return scale <= 0 ? space >> -scale : space - (space >> scale);
}

/*
 * The sequence number of a segment without data (ACK, RST): the highest
 * sent, not snd_nxt, which a timeout rewinds to resend from snd_una.  The
 * peer has seen up to snd_max; below its RCV.NXT a bare ACK is not
 * acceptable (RFC 9293 3.10.7.4) and its acknowledgment is ignored, so
 * two ends that both went back N would each drop the other's ACKs for
 * ever.  Never beyond the peer's window, as Linux's tcp_acceptable_seq().
 */
static inline u32 atcp_acceptable_seq(const struct atcp_sock *as)
{
	u32 wnd_end = as->snd_una + as->snd_wnd;

	return atcp_seq_after(as->snd_max, wnd_end) ? wnd_end : as->snd_max;
}

/* Bytes queued but never sent (SIOCOUTQNSD, TCP_NOTSENT_LOWAT). */
static inline u32 atcp_notsent_bytes(const struct atcp_sock *as)
{
	return READ_ONCE(as->write_seq) - READ_ONCE(as->snd_max);
}

/*
 * Bytes in the network (RFC 6675 "pipe"; Linux: tcp_packets_in_flight()):
 * sent, neither acknowledged nor SACKed, nor taken for lost since last
 * sent.
 */
static inline unsigned int atcp_inflight(const struct atcp_sock *as)
{
	u32 out = as->snd_nxt - as->snd_una;
	u32 left = as->sacked_out + as->lost_out;

	return out > left ? out - left : 0;
}

/* The skb after @skb on the write queue, or NULL. */
static inline struct sk_buff *atcp_write_queue_next(struct sock *sk,
						    struct sk_buff *skb)
{
	return skb_queue_is_last(&sk->sk_write_queue, skb) ? NULL : skb->next;
}

/*
 * lost_out counts what is marked lost below send_head: a timeout or a
 * resend of everything clears the marks, as going back N resends it all.
 */
static inline void atcp_mark_lost(struct atcp_sock *as, struct sk_buff *skb)
{
	struct atcp_skb_cb *cb = ATCP_SKB_CB(skb);

	if (!cb->lost) {
		cb->lost = 1;
		as->lost_out += cb->end_seq - cb->seq;
	}
}

static inline void atcp_clear_lost(struct atcp_sock *as, struct sk_buff *skb)
{
	struct atcp_skb_cb *cb = ATCP_SKB_CB(skb);

	if (cb->lost) {
		cb->lost = 0;
		as->lost_out -= cb->end_seq - cb->seq;
	}
}

/*
 * @size more bytes in the write queue: in sk_wmem_queued, and charged to
 * the protocol's memory (atcp_mem.c) against what was scheduled for them.
 */
static inline void atcp_wmem_charge(struct sock *sk, int size)
{
	sk_wmem_queued_add(sk, size);
	sk_mem_charge(sk, size);
}

/* Free @skb, off the write queue, and give back what it was charged. */
static inline void atcp_wmem_free_skb(struct sock *sk, struct sk_buff *skb)
{
	sk_wmem_queued_add(sk, -skb->truesize);
	sk_mem_uncharge(sk, skb->truesize);
	consume_skb(skb);
}

static inline int atcp_max_syn_backlog(const struct sock *sk)
{
	return READ_ONCE(atcp_net(sock_net(sk))->sysctl.max_syn_backlog);
}

/* atcp_sock.c */
extern struct proto atcp_prot;
extern const struct proto_ops atcp_stream_ops;
void atcp_set_state(struct sock *sk, int state);
u8 atcp_ca_state(const struct atcp_sock *as);
void atcp_done(struct sock *sk);
void atcp_child_enqueue(struct sock *child);
void atcp_init_tcb(struct sock *sk);
void atcp_start_tcb(struct sock *sk);
struct atcp_cookie_tuple;
void atcp_tuple_fill(struct atcp_cookie_tuple *t, const struct in6_addr *faddr,
		     const struct in6_addr *laddr, __be16 fport, __be16 lport);
u32 atcp_ts_offset_of(const struct in6_addr *faddr,
		      const struct in6_addr *laddr, __be16 fport,
		      __be16 lport);
u32 atcp_conn_ts_offset(struct net *net, const struct in6_addr *faddr,
			const struct in6_addr *laddr, __be16 fport,
			__be16 lport);
u32 atcp_isn_of(const struct in6_addr *faddr, const struct in6_addr *laddr,
		__be16 fport, __be16 lport);
u8 atcp_rcv_wscale(const struct sock *sk);
void atcp_destroy_sock(struct sock *sk);
void atcp_write_space(struct sock *sk);
int atcp_v4_connect(struct sock *sk, struct sockaddr *uaddr, int addr_len);
int atcp_connect_routed(struct sock *sk);
void atcp_connect_failed(struct sock *sk);
int atcp_event(struct sock *sk, enum atcp_event ev);

/* atcp_table.c */
int atcp_table_init(void);
void atcp_table_exit(void);
void atcp_table_flush(void);
int atcp_get_port(struct sock *sk, unsigned short snum);
void atcp_put_port(struct sock *sk);
bool atcp_holds_flush(void);
int atcp_hash(struct sock *sk);
void atcp_unhash(struct sock *sk);
int atcp_connect_hash(struct sock *sk, struct atcp_tw **reuse);
struct sock *atcp_lookup_established(struct net *net, __be32 saddr,
				     __be16 sport, __be32 daddr, __be16 dport,
				     int dif, int sdif);
struct sock *atcp_lookup_listener(struct net *net, struct sk_buff *skb,
				  __be32 saddr, __be16 sport, __be32 daddr,
				  __be16 dport, int dif, int sdif);
struct sock *atcp_lookup_established6(struct net *net,
				      const struct in6_addr *saddr,
				      __be16 sport,
				      const struct in6_addr *daddr,
				      __be16 dport, int dif, int sdif);
struct sock *atcp_lookup_listener6(struct net *net, struct sk_buff *skb,
				   const struct in6_addr *saddr, __be16 sport,
				   const struct in6_addr *daddr, __be16 dport,
				   int dif, int sdif);
struct sock *atcp_lookup_skb(struct net *net, const struct sk_buff *skb);
int atcp_inherit_port(struct sock *sk, struct sock *child);
bool atcp_listen_conflict(struct sock *sk);
struct sock *atcp_reuseport_peer(struct sock *sk);
struct sock *atcp_reuseport_migrate_to(struct sock *peer,
				       const struct in6_addr *raddr,
				       __be16 rport,
				       const struct in6_addr *laddr,
				       __be16 lport);
unsigned int atcp_ehash_size(void);
void atcp_walk_socks(struct net *net, struct atcp_walker *w);
unsigned int atcp_walk_slots(void);
void atcp_walk_slot(struct net *net, unsigned int i, struct atcp_walker *w);
bool atcp_port_bound(struct net *net, const struct in6_addr *daddr,
		     __be16 dport);
void atcp_bind_bucket_tw_get(struct atcp_bind_bucket *tb, bool reuseport);
void atcp_bind_bucket_tw_put(struct atcp_bind_bucket *tb, bool reuseport);

/* atcp_input.c */
int atcp_hooks_net_init(struct net *net);
void atcp_hooks_net_exit(struct net *net);
int atcp_backlog_rcv(struct sock *sk, struct sk_buff *skb);
int atcp_check_header(struct net *net, struct sk_buff *skb);
void atcp_init_rcv(struct sock *sk, u32 irs);
void atcp_rack_timeout(struct sock *sk);

/* atcp_output.c */
int atcp_send_syn(struct sock *sk);
int atcp_send_synack(struct sock *sk);
void atcp_send_ack(struct sock *sk);
void atcp_send_active_reset(struct sock *sk, gfp_t gfp);
int atcp_send_fin(struct sock *sk);
/*
 * atcp_push()'s @nonagle, as Linux's TCP_NAGLE_* (tcp_nagle_test()):
 * what may hold back a partial segment at the tail of the write queue.
 */
enum atcp_nagle {
	ATCP_NAGLE_SOCK,	/* the socket's TCP_NODELAY and TCP_CORK */
	ATCP_NAGLE_PUSH,	/* nothing: what is queued goes now */
	ATCP_NAGLE_CORK,	/* a send with MSG_MORE: held, as by TCP_CORK */
};

void atcp_push(struct sock *sk, enum atcp_nagle nonagle);
bool atcp_push_probe(struct sock *sk);
void atcp_cwnd_restart_after_idle(struct sock *sk);
int atcp_retransmit_skb(struct sock *sk, struct sk_buff *skb);
void atcp_retransmit_lost(struct sock *sk);
int atcp_fragment(struct sock *sk, struct sk_buff *skb, u32 len);
struct sk_buff *atcp_trim_acked(struct sock *sk, struct sk_buff *skb);
void atcp_send_probe(struct sock *sk);
void __atcp_send_ctl(struct net *net, const struct sk_buff *in_skb,
		     u32 seq, u32 ack, u8 flags, u16 win, const u32 *tsopt,
		     int reflect);
void atcp_v4_send_ctl(struct net *net, const struct sk_buff *in_skb,
		      u32 seq, u32 ack, u8 flags, u16 win, const u32 *tsopt,
		      u8 tos);
void atcp_send_ctl(struct net *net, const struct sk_buff *in_skb,
		   u32 seq, u32 ack, u8 flags, u16 win, const u32 *tsopt);
void __atcp_send_reset(struct net *net, const struct sk_buff *skb,
		       int reflect);
void atcp_send_reset(struct net *net, const struct sk_buff *skb);
u8 atcp_synack_dsfield(const struct sock *sk, const struct atcp_req *req,
		       u8 own);
int atcp_req_bound_dev_if(const struct sock *sk, const struct atcp_req *req);
void atcp_synq_mark_acked(struct sock *sk, struct atcp_req *req);
bool atcp_req_route_ecn(struct sock *sk, const struct atcp_req *req);
int atcp_send_synack_req(struct sock *sk, const struct atcp_req *req,
			 u32 iss, u32 tsval, const struct atcp_tfo_cookie *tfo);
unsigned int atcp_ctl_opts(u8 *buf, const u32 *tsopt);
u16 atcp_synack_opts(struct sock *sk, const struct atcp_req *req, u32 tsval,
		     const struct dst_entry *dst, u32 mtu,
		     const struct atcp_tfo_cookie *tfo, u8 *buf,
		     unsigned int *optlen);
void atcp_ctl_tcp_header(struct tcphdr *th, __be16 sport, __be16 dport,
			 u32 seq, u32 ack, u8 flags, u16 win, const u8 *opt,
			 unsigned int optlen);
void atcp_setup_caps(struct sock *sk, struct dst_entry *dst);
void atcp_sync_mss(struct sock *sk, u32 pmtu);
void atcp_check_pmtu(struct sock *sk);
void atcp_opts_changed(struct sock *sk);
int atcp_mtu_to_mss(const struct sock *sk, u32 mtu);
u32 atcp_mss_to_mtu(const struct sock *sk, u32 mss);
void atcp_mtup_init(struct sock *sk);
void atcp_mtu_reduced(struct sock *sk);
struct dst_entry *atcp_update_pmtu(struct sock *sk, u32 mtu);
void atcp_resend_all(struct sock *sk);
void atcp_clear_all_lost(struct sock *sk);
void atcp_go_back_n(struct sock *sk);

/* atcp_tsq.c */
bool atcp_tsq_room(struct sock *sk, const struct sk_buff *skb,
		   unsigned int factor);
bool atcp_autocork(struct sock *sk, unsigned int size_goal);
void atcp_tsq_write(struct sock *sk);
bool atcp_pacing_wait(struct sock *sk);
void atcp_pacing_sent(struct sock *sk, unsigned int len);
void atcp_pacing_init(struct sock *sk);
void atcp_pacing_stop(struct sock *sk, bool wait);
void atcp_wfree(struct sk_buff *skb);
void atcp_skb_set_owner_w(struct sk_buff *skb, struct sock *sk);
void atcp_tsq_init(void);
void atcp_tsq_exit(void);
unsigned int atcp_v4_icmp_rcv(struct net *net, struct sk_buff *skb);
void atcp_icmp_err(struct sock *sk, int err, u32 mtu, u32 seq,
		   bool unreachable);
void atcp_icmp_redirect(struct sock *sk, struct sk_buff *skb, u32 seq,
			u32 cookie);
void atcp_icmp_req_err(struct sock *sk, struct atcp_req *req, u32 seq,
		       bool aborts);
u32 atcp_select_window(struct sock *sk);
u32 atcp_initial_window(struct sock *sk, u8 rcv_wscale);
void atcp_init_buffer_space(struct sock *sk);
void atcp_sndbuf_grow(struct sock *sk);
void atcp_enter_cwr(struct sock *sk, bool ece);
void atcp_grow_window(struct sock *sk, const struct sk_buff *skb);
void atcp_clamp_window(struct sock *sk);
void atcp_set_window_clamp(struct sock *sk, u32 clamp);
void atcp_maybe_send_window_update(struct sock *sk);
unsigned int atcp_size_goal(struct sock *sk);
void atcp_write_queue_purge(struct sock *sk);
int atcp_route_connect(struct sock *sk);

/* atcp_timer.c */
void atcp_init_timers(struct sock *sk);
void atcp_clear_timers(struct sock *sk);
void atcp_reset_rtx_timer(struct sock *sk);
void atcp_arm_tlp_timer(struct sock *sk);
void atcp_arm_reo_timer(struct sock *sk, u32 wait_us);
void atcp_stop_rtx_timer(struct sock *sk);
void atcp_rto_revert(struct sock *sk, u32 seq);
void atcp_arm_probe_timer(struct sock *sk);
void atcp_schedule_ack(struct sock *sk);
void atcp_ofo_ack(struct sock *sk);
void atcp_comp_sack_send(struct sock *sk);
void atcp_comp_sack_sent(struct sock *sk);
void atcp_reset_keepalive(struct sock *sk);
void atcp_set_keepalive(struct sock *sk, int val);

/* atcp_minisocks.c */
int atcp_tw_net_init(struct net *net);
void atcp_tw_net_exit(struct net *net);
void atcp_tw_timeout_changed(struct atcp_net *an);
void atcp_time_wait(struct sock *sk);
bool atcp_tw_claim(struct net *net, struct sk_buff *skb, unsigned int thoff);
unsigned int atcp_tw_walk_slots(void);
void atcp_tw_walk_slot(struct net *net, unsigned int i, struct atcp_walker *w);
bool atcp_tw_check_tuple(struct net *net, const struct in6_addr *laddr,
			 __be16 lport, const struct in6_addr *faddr,
			 __be16 fport, struct atcp_tw **reuse);
void atcp_tw_addrs(const struct atcp_tw *tw, struct in6_addr *laddr,
		   struct in6_addr *faddr);
void atcp_tw_reused(struct sock *sk, struct atcp_tw *tw);
int atcp_tw_init(unsigned int buckets);
void atcp_tw_exit(void);

/* atcp_reqsk.c */
int atcp_reqsk_init(void);
void atcp_reqsk_exit(void);
int atcp_synq_alloc(struct sock *sk);
void atcp_synq_purge(struct sock *sk, struct sock *peer);
void atcp_req_note_mark(struct sock *sk, struct atcp_req_ext *ext,
			const struct sk_buff *skb);
struct atcp_req *atcp_synq_find(struct sock *sk, const struct in6_addr *raddr,
				__be16 rport, const struct in6_addr *laddr,
				__be16 lport);
struct atcp_req *atcp_synq_lookup(struct sock *sk, const struct sk_buff *skb);
int atcp_synq_add(struct sock *sk, const struct atcp_req *tmpl,
		  const struct atcp_tfo_cookie *tfo);
void atcp_synq_drop(struct sock *sk, struct atcp_req *req);
void atcp_req_put(struct atcp_req *req);
void atcp_req_init(struct atcp_req *req, const struct sk_buff *skb,
		   const struct atcp_seg *seg);
void atcp_req_options(struct sock *sk, struct atcp_req *req, bool ts_ok,
		      u32 tsval, bool ws_ok, u8 wscale, bool sack_ok);
void atcp_req_from_syn(struct sock *sk, const struct sk_buff *skb,
		       const struct atcp_seg *seg, struct atcp_req_ext *ext);
u32 atcp_req_tsval(struct sock *sk, const struct atcp_req *req);
/* atcp_fastopen.c */
int atcp_fastopen_set_keys(struct atcp_net *an, struct sock *sk,
			   const u8 *bytes, int num);
int atcp_fastopen_get_keys(struct atcp_net *an, struct sock *sk, u8 *bytes);
void atcp_fastopen_init_key_once(struct net *net);
void atcp_fastopen_net_exit(struct net *net);
void atcp_fastopen_sock_free(struct sock *sk);
void atcp_fastopen_done(struct sock *sk);
bool atcp_fastopen_syn(struct sock *sk, struct sk_buff *skb,
		       const struct atcp_seg *seg, const struct atcp_req *req,
		       struct atcp_tfo_cookie *foc, bool *send);
int atcp_fastopen_child_init(struct sock *sk, struct sock *child,
			     const struct atcp_tfo_cookie *foc);
void atcp_fastopen_set_qlen(struct sock *sk, int qlen);
void atcp_fastopen_timeout(struct sock *sk, unsigned int timeouts,
			   bool expired);
void atcp_fastopen_active_close(struct sock *sk);
int atcp_fastopen_connect(struct sock *sk);
u32 atcp_fastopen_syn_room(struct sock *sk, u32 mtu);
bool atcp_fastopen_synack(struct sock *sk, const struct atcp_seg *seg);
void atcp_fastopen_listen(struct sock *sk, int backlog);
/* atcp_metrics.c */
int atcp_metrics_prepare(struct net *net);
void atcp_metrics_net_exit(struct net *net);
void atcp_metrics_update(struct sock *sk);
void atcp_metrics_init(struct sock *sk);
void atcp_metrics_tfo_get(struct sock *sk, u16 *mss,
			  struct atcp_tfo_cookie *cookie);
void atcp_metrics_tfo_set(struct sock *sk, u16 mss,
			  const struct atcp_tfo_cookie *cookie, u8 try_exp);
int atcp_metrics_seq_show(struct seq_file *seq, void *v);
u32 atcp_init_cwnd(struct sock *sk);
bool atcp_route_quickack(struct sock *sk);
bool atcp_route_ecn(struct sock *sk);
bool atcp_route_tfo_no_cookie(struct sock *sk);
u32 atcp_dst_advmss(const struct dst_entry *dst, u32 dflt);
u32 atcp_dst_window(const struct dst_entry *dst);
u32 atcp_dst_initrwnd(const struct dst_entry *dst, u32 win, u32 mss);
int atcp_metrics_seq_write(struct file *file, char *buf, size_t size);
/* atcp_input.c */
bool atcp_fastopen_child(struct sock *sk, struct sk_buff *skb,
			 const struct atcp_seg *seg, const struct atcp_req *req,
			 const struct atcp_tfo_cookie *foc);

int atcp_req_child(struct sock *sk, struct sock *child,
		   const struct atcp_req *req);
void atcp_synq_walk(struct sock *sk, struct atcp_walker *w);

/* atcp_syncookies.c */
int atcp_cookie_send_synack(struct sock *sk, struct atcp_req *req);
bool atcp_cookie_check_ack(struct sock *sk, const struct sk_buff *skb,
			   const struct atcp_seg *seg,
			   struct atcp_req_ext *ext);

/* atcp_ipv6.c */
#if IS_ENABLED(CONFIG_IPV6)
extern struct proto atcpv6_prot;
extern const struct proto_ops atcp6_stream_ops;
int atcp_ipv6_init(void);
int atcp_v6_connect(struct sock *sk, struct sockaddr *uaddr, int addr_len);
void atcp_ipv6_exit(void);
int atcp_v6_route_connect(struct sock *sk);
struct dst_entry *atcp_v6_sk_dst(struct sock *sk);
int atcp_v6_xmit(struct sock *sk, struct sk_buff *skb, u8 ecn);
void atcp_v6_send_ctl(struct net *net, const struct sk_buff *in_skb,
		      u32 seq, u32 ack, u8 flags, u16 win, const u32 *tsopt,
		      int reflect, __be32 flowinfo);
struct dst_entry *atcp_v6_req_dst(struct sock *sk, const struct atcp_req *req);
int atcp_v6_send_synack(struct sock *sk, const struct atcp_req *req, u32 iss,
			u32 tsval, const struct atcp_tfo_cookie *tfo);
void atcp_v6_child_init(struct sock *sk, struct sock *child,
			const struct atcp_req *req);
void atcp_v6_mapped(struct sock *sk);
int atcp_v6_addrform(struct sock *sk, sockptr_t optval, unsigned int optlen);
unsigned int atcp_v6_icmp_rcv(struct net *net, struct sk_buff *skb,
			      int thoff);
int atcp_v6_defrag(struct net *net, struct sk_buff *skb);
void atcp_v6_defrag_init(void);
void atcp_v6_defrag_exit(void);
u16 atcp_v6_ext_hdr_len(struct sock *sk);
void atcp_v6_note_exthdrs(struct sk_buff *skb);
struct sk_buff *atcp_v6_pktoptions_clone(struct sock *sk,
					 struct sk_buff *skb);
void atcp_v6_pktoptions_keep(struct sock *sk, struct sk_buff *opt_skb,
			     u32 end_seq);
#endif

/* atcp_mem.c */
extern atomic_long_t atcp_memory_allocated;
DECLARE_PER_CPU(int, atcp_memory_per_cpu_fw_alloc);
extern struct percpu_counter atcp_sockets_allocated;
extern long sysctl_atcp_mem[3];
extern unsigned long atcp_memory_pressure;
void atcp_enter_memory_pressure(struct sock *sk);
void atcp_leave_memory_pressure(struct sock *sk);
long atcp_memory_pages(void);
bool atcp_check_oom(struct sock *sk);
int atcp_wmem_schedule(struct sock *sk, int size);
void atcp_mem_init_net(struct atcp_net *an);
int atcp_mem_init(void);
void atcp_mem_exit(void);

/* atcp_main.c */
struct inet_protosw;
bool atcp_protosw_conflict(struct inet_protosw *sw);

/* atcp_sysctl.c */
void atcp_sysctl_defaults(struct atcp_sysctl *s);
int atcp_sysctl_net_init(struct net *net);
void atcp_sysctl_net_exit(struct net *net);

/* atcp_proc.c */
int atcp_proc_net_init(struct net *net);
void atcp_proc_net_exit(struct net *net);

#endif /* _ATCP_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * procfs: /proc/net/atcp lists atcp's listeners, connections and TIME_WAIT
 * entries of AF_INET sockets in the exact layout of /proc/net/tcp, and
 * /proc/net/atcp6 those of AF_INET6 sockets (v4-mapped ones included) in
 * the layout of /proc/net/tcp6, so that tools parsing Linux's files read
 * atcp's unchanged; /proc/net/atcp_stat has the counters.
 */
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <net/net_namespace.h>
#include <net/tcp.h>

#include "atcp.h"
#include "atcp_mib.h"

#define ATCP_PROC_LINE	150	/* /proc/net/tcp pads lines to 149 + '\n' */

/*
 * The addresses that start a line: 8 hex digits each in /proc/net/atcp,
 * 32 in /proc/net/atcp6, both in the byte order of memory.  /proc/net/tcp
 * pads its lines, /proc/net/tcp6 does not.
 */
static void atcp_proc_start_line(struct atcp_walker *w,
				 const struct in6_addr *l, u16 lport,
				 const struct in6_addr *r, u16 rport)
{
	if (w->family == AF_INET6) {
		seq_printf(w->seq,
			   "%4d: %08X%08X%08X%08X:%04X %08X%08X%08X%08X:%04X ",
			   w->n++, l->s6_addr32[0], l->s6_addr32[1],
			   l->s6_addr32[2], l->s6_addr32[3], lport,
			   r->s6_addr32[0], r->s6_addr32[1], r->s6_addr32[2],
			   r->s6_addr32[3], rport);
		return;
	}
	seq_setwidth(w->seq, ATCP_PROC_LINE - 1);
	seq_printf(w->seq, "%4d: %08X:%04X %08X:%04X ", w->n++,
		   l->s6_addr32[3], lport, r->s6_addr32[3], rport);
}

static void atcp_proc_end_line(struct atcp_walker *w)
{
	if (w->family == AF_INET6)
		seq_putc(w->seq, '\n');
	else
		seq_pad(w->seq, '\n');
}

static void atcp_proc_sock(struct atcp_walker *w, struct sock *sk)
{
	struct atcp_sock *as = atcp_sk(sk);
	struct inet_sock *inet = inet_sk(sk);
	int state = inet_sk_state_load(sk);
	struct in6_addr laddr, raddr;
	unsigned long expires = 0;
	int rx, tx, timer = 0;

	if (sk->sk_family != w->family)
		return;
	atcp_sk_user_addrs(sk, &laddr, &raddr);

	if (state == TCP_LISTEN) {
		rx = READ_ONCE(as->accept_len);
		tx = READ_ONCE(sk->sk_max_ack_backlog);
	} else {
		rx = max_t(int, READ_ONCE(as->rcv_nxt) -
				READ_ONCE(as->copied_seq), 0);
		tx = READ_ONCE(as->write_seq) - READ_ONCE(as->snd_una);
	}
	if (timer_pending(&as->rtx_timer)) {
		timer = as->rtx_timer_kind == ATCP_TIMER_PROBE ? 4 : 1;
		expires = as->rtx_timer.expires;
	} else if (timer_pending(&sk->sk_timer)) {
		timer = 2;
		expires = sk->sk_timer.expires;
	}

	atcp_proc_start_line(w, &laddr, inet->inet_num, &raddr,
			     ntohs(inet->inet_dport));
	seq_printf(w->seq,
		   "%02X %08X:%08X %02X:%08lX %08X %5u %8d %lu %d %pK %lu %lu %u %u %d",
		   state, tx, rx,
		   timer, timer ? jiffies_delta_to_clock_t(expires - jiffies) :
		   0UL, as->retransmits,
		   from_kuid_munged(seq_user_ns(w->seq), sock_i_uid(sk)),
		   as->probes_out, sock_i_ino(sk),
		   refcount_read(&sk->sk_refcnt), sk,
		   usecs_to_jiffies(atcp_rto_current(&as->rto)) * USER_HZ / HZ,
		   (unsigned long)jiffies_to_clock_t(ATCP_DELACK_MIN),
		   as->quickack << 1, as->cwnd,
		   state == TCP_LISTEN ? 0 :
		   (as->ssthresh >= TCP_INFINITE_SSTHRESH ? -1 :
		    (int)as->ssthresh));
	atcp_proc_end_line(w);
}

static void atcp_proc_tw(struct atcp_walker *w, const struct atcp_tw *tw)
{
	const struct atcp_net *an = atcp_net(seq_file_net(w->seq));
	long delta = atcp_tw_left(tw, READ_ONCE(an->sysctl.tw_timeout));
	struct in6_addr laddr, faddr;

	if ((tw->flags & ATCP_TW_SK6 ? AF_INET6 : AF_INET) != w->family)
		return;
	atcp_tw_addrs(tw, &laddr, &faddr);
	atcp_proc_start_line(w, &laddr, ntohs(tw->sport), &faddr,
			     ntohs(tw->dport));
	seq_printf(w->seq, "%02X %08X:%08X %02X:%08lX %08X %5d %8d %d %d %pK",
		   TCP_TIME_WAIT, 0, 0, 3, jiffies_delta_to_clock_t(delta), 0,
		   0, 0, 0, 1, tw);
	atcp_proc_end_line(w);
}

/* A request entry, as Linux prints a request sock (get_openreq4()). */
static void atcp_proc_req(struct atcp_walker *w, const struct atcp_req *req)
{
	long delta = req->timer.expires - jiffies;

	if (req->listener->sk_family != w->family)
		return;
	atcp_proc_start_line(w, &req->laddr, ntohs(req->lport), &req->raddr,
			     ntohs(req->rport));
	seq_printf(w->seq, "%02X %08X:%08X %02X:%08lX %08X %5u %8d %u %d %pK",
		   TCP_SYN_RECV, 0, 0, 1, jiffies_delta_to_clock_t(delta),
		   req->retransmits,
		   from_kuid_munged(seq_user_ns(w->seq),
				    sock_i_uid(req->listener)),
		   0, 0, 0, req);
	atcp_proc_end_line(w);
}

/*
 * /proc/net/atcp is read a hash chain at a time, as Linux reads
 * /proc/net/tcp a bucket at a time: one record of the seq_file is the
 * header (position 0), one chain of the listener and connection tables
 * (positions from 1), or one chain of the TIME_WAIT table (after those).
 * A record holds only its chain's lines, so a reader never needs memory
 * for the whole table, however many connections and TIME_WAIT entries
 * there are, and each chain is printed under its own lock.
 */
struct atcp_proc_iter {
	struct seq_net_private p;	/* first: seq_file_net() */
	int n;				/* the next line's "sl" */
	loff_t n_pos;			/* the record n_start belongs to */
	int n_start;			/* n when that record began */
};

static loff_t atcp_proc_records(void)
{
	return 1 + (loff_t)atcp_walk_slots() + atcp_tw_walk_slots();
}

/* A record's cookie: never NULL, which would end the file. */
static void *atcp_proc_record(loff_t pos)
{
	return pos < atcp_proc_records() ? (void *)(unsigned long)(pos + 1) :
					   NULL;
}

static void *atcp_proc_start(struct seq_file *seq, loff_t *pos)
{
	return atcp_proc_record(*pos);
}

static void *atcp_proc_next(struct seq_file *seq, void *v, loff_t *pos)
{
	return atcp_proc_record(++*pos);
}

static void atcp_proc_stop(struct seq_file *seq, void *v)
{
}

static int atcp_proc_show(struct seq_file *seq, void *v)
{
	struct atcp_proc_iter *it = seq->private;
	loff_t pos = (unsigned long)v - 1;
	unsigned int socks = atcp_walk_slots();
	struct atcp_walker w = {
		.sock = atcp_proc_sock,
		.req = atcp_proc_req,
		.tw = atcp_proc_tw,
		.seq = seq,
		.family = (long)pde_data(file_inode(seq->file)),
	};
	struct net *net = seq_file_net(seq);

	/*
	 * seq_file shows a record again when it overflowed the buffer:
	 * number its lines as the first time.
	 */
	if (pos == 0 || pos != it->n_pos) {
		if (pos == 0)
			it->n = 0;
		it->n_pos = pos;
		it->n_start = it->n;
	}
	w.n = it->n_start;

	if (pos == 0 && w.family == AF_INET6) {
		seq_puts(seq,
			 "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n");
	} else if (pos == 0) {
		seq_setwidth(seq, ATCP_PROC_LINE - 1);
		seq_puts(seq,
			 "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode");
		seq_pad(seq, '\n');
	} else if (pos <= socks) {
		atcp_walk_slot(net, pos - 1, &w);
	} else {
		atcp_tw_walk_slot(net, pos - 1 - socks, &w);
	}
	it->n = w.n;
	return 0;
}

static const struct seq_operations atcp_proc_seq_ops = {
	.start	= atcp_proc_start,
	.next	= atcp_proc_next,
	.stop	= atcp_proc_stop,
	.show	= atcp_proc_show,
};

const char *const atcp_mib_names[ATCP_MIB_MAX] = {
	[ATCP_MIB_ACTIVEOPENS]		= "ActiveOpens",
	[ATCP_MIB_PASSIVEOPENS]		= "PassiveOpens",
	[ATCP_MIB_ATTEMPTFAILS]		= "AttemptFails",
	[ATCP_MIB_ESTABRESETS]		= "EstabResets",
	[ATCP_MIB_INSEGS]		= "InSegs",
	[ATCP_MIB_OUTSEGS]		= "OutSegs",
	[ATCP_MIB_RETRANSSEGS]		= "RetransSegs",
	[ATCP_MIB_INERRS]		= "InErrs",
	[ATCP_MIB_OUTRSTS]		= "OutRsts",
	[ATCP_MIB_INCSUMERRORS]		= "InCsumErrors",
	[ATCP_MIB_LISTENOVERFLOWS]	= "ListenOverflows",
	[ATCP_MIB_LISTENDROPS]		= "ListenDrops",
	[ATCP_MIB_TW]			= "TW",
	[ATCP_MIB_TWKILLED]		= "TWKilled",
	[ATCP_MIB_TWRECYCLED]		= "TWRecycled",
	[ATCP_MIB_DELAYEDACKS]		= "DelayedACKs",
	[ATCP_MIB_FASTRETRANS]		= "FastRetrans",
	[ATCP_MIB_TIMEOUTS]		= "Timeouts",
	[ATCP_MIB_CHALLENGEACKS]	= "ChallengeACKs",
	[ATCP_MIB_PAWSDROPS]		= "PAWSEstab",
	[ATCP_MIB_OFOQUEUE]		= "OFOQueue",
	[ATCP_MIB_INICMPS]		= "InIcmps",
	[ATCP_MIB_OUTOFWINDOWICMPS]	= "OutOfWindowIcmps",
	[ATCP_MIB_KEEPALIVEPROBES]	= "KeepAliveProbes",
	[ATCP_MIB_ABORTONMEMORY]	= "AbortOnMemory",
	[ATCP_MIB_ABORTONLINGER]	= "AbortOnLinger",
	[ATCP_MIB_TWOVERFLOW]		= "TWOverflow",
	[ATCP_MIB_SYNCOOKIESSENT]	= "SyncookiesSent",
	[ATCP_MIB_SYNCOOKIESRECV]	= "SyncookiesRecv",
	[ATCP_MIB_SYNCOOKIESFAILED]	= "SyncookiesFailed",
	[ATCP_MIB_REQQFULLDOCOOKIES]	= "ReqQFullDoCookies",
	[ATCP_MIB_REQQFULLDROP]		= "ReqQFullDrop",
	[ATCP_MIB_ZEROWINDOWDROP]	= "ZeroWindowDrop",
	[ATCP_MIB_ACKSKIPPEDSEQ]	= "ACKSkippedSeq",
	[ATCP_MIB_ACKSKIPPEDPAWS]	= "ACKSkippedPAWS",
	[ATCP_MIB_ACKSKIPPEDCHALLENGE]	= "ACKSkippedChallenge",
	[ATCP_MIB_DSACKOLDSENT]		= "DSACKOldSent",
	[ATCP_MIB_DSACKOFOSENT]		= "DSACKOfoSent",
	[ATCP_MIB_DSACKRECV]		= "DSACKRecv",
	[ATCP_MIB_RACKLOST]		= "RACKLost",
	[ATCP_MIB_LOSSPROBES]		= "LossProbes",
	[ATCP_MIB_DSACKUNDO]		= "DSACKUndo",
	[ATCP_MIB_SPURIOUSRTOS]		= "SpuriousRTOs",
	[ATCP_MIB_MTUPSUCCESS]		= "MTUPSuccess",
	[ATCP_MIB_MTUPFAIL]		= "MTUPFail",
	[ATCP_MIB_ACKCOMPRESSED]	= "AckCompressed",
	[ATCP_MIB_AUTOCORKING]		= "AutoCorking",
	[ATCP_MIB_TSQTHROTTLED]		= "TSQThrottled",
	[ATCP_MIB_TSODEFERRED]		= "TSODeferred",
	[ATCP_MIB_ECNCWR]		= "ECNCwr",
	[ATCP_MIB_SACKREORDER]		= "SACKReorder",
	[ATCP_MIB_RCVCOALESCE]		= "RcvCoalesce",
	[ATCP_MIB_RCVQDROP]		= "RcvQDrop",
	[ATCP_MIB_OFODROP]		= "OFODrop",
	[ATCP_MIB_OFOPRUNED]		= "OFOPruned",
	[ATCP_MIB_PRUNECALLED]		= "PruneCalled",
	[ATCP_MIB_RCVCOLLAPSED]		= "RcvCollapsed",
	[ATCP_MIB_BACKLOGDROP]		= "BacklogDrop",
	[ATCP_MIB_BACKLOGCOALESCE]	= "BacklogCoalesce",
	[ATCP_MIB_HYSTARTTRAINDETECT]	= "HystartTrainDetect",
	[ATCP_MIB_HYSTARTTRAINCWND]	= "HystartTrainCwnd",
	[ATCP_MIB_HYSTARTDELAYDETECT]	= "HystartDelayDetect",
	[ATCP_MIB_HYSTARTDELAYCWND]	= "HystartDelayCwnd",
	[ATCP_MIB_MEMORYPRESSURES]	= "MemoryPressures",
	[ATCP_MIB_MEMORYPRESSURESCHRONO] = "MemoryPressuresChrono",
	[ATCP_MIB_DEFERACCEPTDROP]	= "DeferAcceptDrop",
	[ATCP_MIB_MIGRATEREQSUCCESS]	= "MigrateReqSuccess",
	[ATCP_MIB_MIGRATEREQFAILURE]	= "MigrateReqFailure",
	[ATCP_MIB_TFOACTIVE]		= "FastOpenActive",
	[ATCP_MIB_TFOACTIVEFAIL]	= "FastOpenActiveFail",
	[ATCP_MIB_TFOPASSIVE]		= "FastOpenPassive",
	[ATCP_MIB_TFOPASSIVEFAIL]	= "FastOpenPassiveFail",
	[ATCP_MIB_TFOLISTENOVERFLOW]	= "FastOpenListenOverflow",
	[ATCP_MIB_TFOCOOKIEREQD]	= "FastOpenCookieReqd",
	[ATCP_MIB_TFOBLACKHOLE]		= "FastOpenBlackhole",
	[ATCP_MIB_TFOPASSIVEALTKEY]	= "FastOpenPassiveAltKey",
};

/*
 * "Name value" per line; CurrEstab, Orphans and MemPages are gauges, the
 * last one protocol-wide: the pages all atcp sockets hold (atcp_mem.c).
 */
static int atcp_stat_show(struct seq_file *seq, void *v)
{
	struct net *net = seq_file_single_net(seq);
	struct atcp_net *an = atcp_net(net);
	int i, cpu;

	for (i = 0; i < ATCP_MIB_MAX; i++) {
		unsigned long sum = 0;

		for_each_possible_cpu(cpu)
			sum += per_cpu_ptr(an->mib, cpu)->mibs[i];
		seq_printf(seq, "%s %lu\n", atcp_mib_names[i], sum);
	}
	seq_printf(seq, "CurrEstab %d\n", atomic_read(&an->curr_estab));
	seq_printf(seq, "Orphans %d\n", atomic_read(&an->orphans));
	seq_printf(seq, "MemPages %ld\n", atcp_memory_pages());
	return 0;
}

/*
 * /proc/net/atcp_listen: each listener's queues, which /proc/net/tcp's
 * layout has no room for.  syn_queue is the number of request entries,
 * bounded by max_syn_backlog; accept_queue waits for accept() and is
 * bounded by backlog + 1, as in Linux.
 */
static void atcp_proc_listener(struct atcp_walker *w, struct sock *sk)
{
	struct atcp_sock *las = atcp_sk(sk);
	struct inet_sock *inet = inet_sk(sk);

	if (inet_sk_state_load(sk) != TCP_LISTEN)
		return;
#if IS_ENABLED(CONFIG_IPV6)
	/* an IPv6 listener's address takes 32 digits, as in tcp6 */
	if (sk->sk_family == AF_INET6)
		seq_printf(w->seq, "%08X%08X%08X%08X",
			   sk->sk_v6_rcv_saddr.s6_addr32[0],
			   sk->sk_v6_rcv_saddr.s6_addr32[1],
			   sk->sk_v6_rcv_saddr.s6_addr32[2],
			   sk->sk_v6_rcv_saddr.s6_addr32[3]);
	else
#endif
		seq_printf(w->seq, "%08X", inet->inet_rcv_saddr);
	seq_printf(w->seq, ":%04X %7u %12u %9u\n",
		   inet->inet_num, READ_ONCE(sk->sk_max_ack_backlog),
		   READ_ONCE(las->accept_len), READ_ONCE(las->syn_len));
}

static int atcp_listen_show(struct seq_file *seq, void *v)
{
	struct atcp_walker w = {
		.sock = atcp_proc_listener,
		.seq = seq,
	};

	seq_puts(seq, "local_address backlog accept_queue syn_queue\n");
	atcp_walk_socks(seq_file_single_net(seq), &w);
	return 0;
}

int atcp_proc_net_init(struct net *net)
{
	if (!proc_create_net_data("atcp", 0444, net->proc_net,
				  &atcp_proc_seq_ops,
				  sizeof(struct atcp_proc_iter),
				  (void *)(long)AF_INET))
		return -ENOMEM;
	if (IS_ENABLED(CONFIG_IPV6) &&
	    !proc_create_net_data("atcp6", 0444, net->proc_net,
				  &atcp_proc_seq_ops,
				  sizeof(struct atcp_proc_iter),
				  (void *)(long)AF_INET6))
		goto fail;
	if (!proc_create_net_single("atcp_stat", 0444, net->proc_net,
				    atcp_stat_show, NULL))
		goto fail;
	if (!proc_create_net_single("atcp_listen", 0444, net->proc_net,
				    atcp_listen_show, NULL))
		goto fail;
	if (!proc_create_net_single_write("atcp_metrics", 0644, net->proc_net,
					  atcp_metrics_seq_show,
					  atcp_metrics_seq_write, NULL))
		goto fail;
	return 0;
fail:
	/* what was made, without remove_proc_entry()'s warning for the rest */
	remove_proc_subtree("atcp_listen", net->proc_net);
	remove_proc_subtree("atcp_stat", net->proc_net);
	remove_proc_subtree("atcp6", net->proc_net);
	remove_proc_entry("atcp", net->proc_net);
	return -ENOMEM;
}

void atcp_proc_net_exit(struct net *net)
{
	remove_proc_entry("atcp_metrics", net->proc_net);
	remove_proc_entry("atcp_listen", net->proc_net);
	remove_proc_entry("atcp_stat", net->proc_net);
	if (IS_ENABLED(CONFIG_IPV6))
		remove_proc_entry("atcp6", net->proc_net);
	remove_proc_entry("atcp", net->proc_net);
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * atcp_fsm.h - the RFC 9293 connection state engine and the RFC 9293 /
 * RFC 5961 segment acceptability checks.
 *
 * Pure code: this header and atcp_fsm.c include nothing but atcp_compat.h,
 * so the same decisions run in atcp.ko and in selftests/unit/test_fsm.c.
 *
 * The engine knows nothing about sockets, skbs or timers.  The glue
 * classifies what happened (a user call, an already validated segment, a
 * timer expiry) into one enum atcp_event, calls atcp_fsm_step() and carries
 * out the returned ATCP_ACT_* bits.  A segment that carries several pieces
 * of information is fed as several events in the RFC 9293 3.10.7.4
 * processing order (ACK before FIN); the one exception is
 * ATCP_EV_RCV_FIN_ACK_FIN, see below.
 */
#ifndef _ATCP_FSM_H
#define _ATCP_FSM_H

#include "atcp_compat.h"

/*
 * Numbered exactly like TCP_* in include/net/tcp_states.h, so that
 * sk->sk_state, /proc/net/atcp and ss(8) share the codes.  The kernel glue
 * (which may include net/tcp_states.h) checks this at build time, casting
 * because -Wenum-compare rejects comparing two different enums:
 *
 *	BUILD_BUG_ON((int)ATCP_ESTABLISHED != TCP_ESTABLISHED);
 *	BUILD_BUG_ON((int)ATCP_SYN_SENT != TCP_SYN_SENT);
 *	BUILD_BUG_ON((int)ATCP_SYN_RECV != TCP_SYN_RECV);
 *	BUILD_BUG_ON((int)ATCP_FIN_WAIT1 != TCP_FIN_WAIT1);
 *	BUILD_BUG_ON((int)ATCP_FIN_WAIT2 != TCP_FIN_WAIT2);
 *	BUILD_BUG_ON((int)ATCP_TIME_WAIT != TCP_TIME_WAIT);
 *	BUILD_BUG_ON((int)ATCP_CLOSE != TCP_CLOSE);
 *	BUILD_BUG_ON((int)ATCP_CLOSE_WAIT != TCP_CLOSE_WAIT);
 *	BUILD_BUG_ON((int)ATCP_LAST_ACK != TCP_LAST_ACK);
 *	BUILD_BUG_ON((int)ATCP_LISTEN != TCP_LISTEN);
 *	BUILD_BUG_ON((int)ATCP_CLOSING != TCP_CLOSING);
 *	BUILD_BUG_ON((int)ATCP_NR_STATES != TCP_NEW_SYN_RECV);
 *
 * Linux's TCP_NEW_SYN_RECV (12) is its request-sock pseudo state; atcp has
 * no counterpart, so ATCP_NR_STATES takes its value, not TCP_MAX_STATES.
 * Value 0 is unused, as in Linux.
 */
enum atcp_state {
	ATCP_ESTABLISHED = 1,
	ATCP_SYN_SENT,
	ATCP_SYN_RECV,
	ATCP_FIN_WAIT1,
	ATCP_FIN_WAIT2,
	ATCP_TIME_WAIT,
	ATCP_CLOSE,
	ATCP_CLOSE_WAIT,
	ATCP_LAST_ACK,
	ATCP_LISTEN,
	ATCP_CLOSING,
	ATCP_NR_STATES
};

enum atcp_event {
	/* User calls. */
	ATCP_EV_PASSIVE_OPEN,	/* listen() */
	ATCP_EV_ACTIVE_OPEN,	/* connect(): send SYN */
	ATCP_EV_CLOSE,		/* close() / shutdown(SHUT_WR): queue our FIN */
	ATCP_EV_ABORT,		/* unread data, SO_LINGER 0, error: RST */

	/*
	 * Segments, classified by the glue after the sequence, RST and ACK
	 * acceptability checks below have passed.
	 */
	ATCP_EV_RCV_SYN,	/* SYN without ACK */
	ATCP_EV_RCV_SYNACK,	/* SYN+ACK that acks our SYN */
	ATCP_EV_RCV_ACK_SYN,	/* ACK of our SYN: handshake complete */
	ATCP_EV_RCV_ACK_FIN,	/* ACK of our FIN */
	ATCP_EV_RCV_FIN,	/* peer FIN, not acking our FIN */
	ATCP_EV_RCV_FIN_ACK_FIN, /* peer FIN that also acks our FIN */
	ATCP_EV_RCV_RST,	/* acceptable RST */

	/* Timers. */
	ATCP_EV_TIMEOUT_2MSL,	/* TIME-WAIT is over */
	ATCP_EV_TIMEOUT_FIN_WAIT2, /* orphan fin_timeout */
	ATCP_EV_TIMEOUT_GIVE_UP, /* retries, keepalive, user timeout, ICMP */

	ATCP_NR_EVENTS
};

/* First segment event: lower values are user calls. */
#define ATCP_EV_FIRST_SEGMENT	ATCP_EV_RCV_SYN

/* What the glue has to do; several bits may be set at once. */
enum atcp_action {
	ATCP_ACT_SEND_SYN	= 0x0001,
	ATCP_ACT_SEND_SYNACK	= 0x0002,
	ATCP_ACT_SEND_ACK	= 0x0004,
	ATCP_ACT_SEND_FIN	= 0x0008,
	ATCP_ACT_SEND_RST	= 0x0010,
	/* Entered or stays in TIME-WAIT: (re)start the 2MSL timer. */
	ATCP_ACT_START_TW	= 0x0020,
	/* The connection is gone: unhash, stop timers, free the TCB. */
	ATCP_ACT_DELETE_TCB	= 0x0040,
	/* Wake connect(), or queue the child to the accept queue. */
	ATCP_ACT_CONNECTED	= 0x0080,
	/*
	 * Report the reset to the user: ECONNREFUSED when the state the
	 * event arrived in was SYN-SENT or SYN-RECEIVED, EPIPE in
	 * CLOSE-WAIT (as Linux does), ECONNRESET otherwise.
	 */
	ATCP_ACT_ERR_RESET	= 0x0100,
	/* Report ETIMEDOUT (or the pending soft error) to the user. */
	ATCP_ACT_ERR_TIMEOUT	= 0x0200,
	/* The peer's FIN arrived: readers get EOF once the queue drains. */
	ATCP_ACT_RCV_SHUTDOWN	= 0x0400,
	/*
	 * A SYN-RECEIVED that came from LISTEN goes back there: free the
	 * embryonic child, the listener itself never left LISTEN.
	 */
	ATCP_ACT_BACK_TO_LISTEN	= 0x0800,
	/* RFC 5961 challenge ACK: send an ACK, subject to the rate limit. */
	ATCP_ACT_CHALLENGE_ACK	= 0x1000,
	/*
	 * Acknowledge within the delayed-ACK time (RFC 1122 4.2.3.2), so
	 * that a segment of ours sent meanwhile carries the ACK.
	 */
	ATCP_ACT_DELAYED_ACK	= 0x2000,

	ATCP_ACT_ALL		= 0x3fff
};

#define ATCP_ACT_NR_BITS	14

/*
 * Why a user call is refused; positive values of our own so that pure code
 * needs no errno.h.  The glue maps them: EISCONN, EALREADY, ENOTCONN,
 * EINVAL.
 */
enum atcp_fsm_err {
	ATCP_FSM_OK,
	ATCP_FSM_EISCONN,	/* connect() on a connected or listening TCB */
	ATCP_FSM_EALREADY,	/* connect() while the handshake is running */
	ATCP_FSM_ENOTCONN,	/* close/abort with no connection */
	ATCP_FSM_EINVAL,	/* listen() on a non-CLOSED TCB, bad input */
	ATCP_FSM_NR_ERRS
};

/*
 * The result of one step.  @next is always a valid state (equal to the
 * current one when nothing changes).  When @err is non-zero the call was
 * refused: @next is the current state and @actions is 0.
 */
struct atcp_transition {
	u8 next;
	u8 err;
	u16 actions;
};

/*
 * One step of the engine.  @passive tells whether the TCB was created by a
 * passive open (a child of a listener); it only matters in SYN-RECEIVED,
 * where RFC 9293 3.10.7.4 sends a passive connection back to LISTEN but
 * closes a simultaneous-open one.  A Fast Open child (RFC 7413) is
 * passive but already queued for accept(), its user may hold it: it is
 * closed, and reset, as the simultaneous-open one is, so the caller
 * passes false for it (Linux resets it in tcp_rcv_state_process()).
 * Returns 0, or -ATCP_FSM_EINVAL (and leaves @out untouched) when @state
 * or @ev is out of range.
 *
 * Segment and timer events that a state does not expect leave the state
 * unchanged with no action.
 */
int atcp_fsm_step(u8 state, enum atcp_event ev, bool passive,
		  struct atcp_transition *out);

/*
 * True when a SYN arriving in @state (which has passed the window check)
 * must be answered with a rate-limited challenge ACK and dropped: RFC 5961
 * 4.2 for the synchronized states, and RFC 9293 3.10.7.4 for a
 * SYN-RECEIVED reached by simultaneous open.  The table agrees: these are
 * exactly the cells that return ATCP_ACT_CHALLENGE_ACK for ATCP_EV_RCV_SYN.
 */
bool atcp_syn_in_sync_state(u8 state, bool passive);

/*
 * RFC 9293 3.10.7.4 segment acceptability, wrap-safe.  @len is SEG.LEN:
 * payload plus one for SYN plus one for FIN.
 */
bool atcp_seq_acceptable(u32 seq, u32 len, u32 rcv_nxt, u32 rcv_wnd);

enum atcp_seq_verdict {
	ATCP_SEQ_OK,		/* acceptable: the whole segment counts */
	ATCP_SEQ_ACK_ONLY,	/* its ACK field counts; drop and ACK the rest */
	ATCP_SEQ_BAD,		/* answer with an ACK (not a RST), drop */
};

/*
 * The acceptability test with the allowance for valid ACKs: @plain_ack
 * when the segment has ACK and neither SYN nor RST.
 */
enum atcp_seq_verdict atcp_seq_check(u32 seq, u32 len, bool plain_ack,
				     u32 rcv_nxt, u32 rcv_wnd);

enum atcp_rst_verdict {
	ATCP_RST_ACCEPT,	/* SEG.SEQ == RCV.NXT: reset the connection */
	ATCP_RST_CHALLENGE,	/* in window, not exact: challenge ACK */
	ATCP_RST_DROP,		/* outside the window: silently drop */
};

/* RFC 5961 3.2 check of a RST in a synchronized state. */
enum atcp_rst_verdict atcp_rst_check(u32 seq, u32 rcv_nxt, u32 rcv_wnd);

enum atcp_ack_verdict {
	ATCP_ACK_OK,		/* SND.UNA < SEG.ACK <= SND.NXT: new data */
	ATCP_ACK_DUP,		/* SEG.ACK == SND.UNA */
	ATCP_ACK_OLD,		/* SND.UNA - MAX.SND.WND <= SEG.ACK < SND.UNA */
	ATCP_ACK_CHALLENGE,	/* older still: challenge ACK, drop */
	ATCP_ACK_FUTURE,	/* SEG.ACK > SND.NXT: send ACK, drop */
};

/*
 * RFC 9293 3.10.7.4 fifth check with the RFC 5961 5.2 mitigation.  In
 * SYN-SENT pass SND.UNA = ISS: only ATCP_ACK_OK is acceptable there and
 * anything else earns a RST (RFC 9293 3.10.7.3).
 */
enum atcp_ack_verdict atcp_ack_check(u32 ack, u32 snd_una, u32 snd_nxt,
				     u32 max_snd_wnd);

/* RFC 9293 spelling ("SYN-RECEIVED"); "INVALID" when out of range. */
const char *atcp_state_name(u8 state);
/* "RCV_SYN" etc.; "INVALID" when out of range. */
const char *atcp_event_name(enum atcp_event ev);
/* Name of one ATCP_ACT_* bit ("SEND_ACK"); "INVALID" for anything else. */
const char *atcp_action_name(u16 action);
/* "EISCONN" etc. ("OK" for 0); "INVALID" when out of range. */
const char *atcp_fsm_err_name(u8 err);

#endif /* _ATCP_FSM_H */

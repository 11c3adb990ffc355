// SPDX-License-Identifier: GPL-2.0
/*
 * atcp_fsm.c - the RFC 9293 connection state engine and the segment
 * acceptability checks (RFC 9293 3.10.7.4, RFC 5961).
 *
 * Pure code: nothing but atcp_compat.h, see atcp_fsm.h.
 */
#include "atcp_compat.h"
#include "atcp_fsm.h"

/*
 * Sequence space arithmetic, kept private so this file does not depend on
 * the order in which the rest of the module appears.  "x is in the window
 * [lo, lo + wnd)" is a single unsigned subtraction, which is exact modulo
 * 2^32 for every window size.
 */
static inline bool seq_in_window(u32 x, u32 lo, u32 wnd)
{
	return (u32)(x - lo) < wnd;
}

/* Cell constructors, to keep the table below one line per cell. */
#define GO(state, acts)	{ .next = ATCP_##state, .actions = (acts) }
#define STAY(acts)	{ .next = 0, .actions = (acts) }
#define REFUSE(e)	{ .next = 0, .err = ATCP_FSM_##e }
/* A user call that is accepted and changes nothing. */
#define OK_NOP		{ .next = 0 }

#define A(x)		ATCP_ACT_##x

/*
 * The engine.  A cell with .next == 0 keeps the current state.  Segment and
 * timer cells that are not listed are "ignore: no state change, no action";
 * every user call is listed in every row.
 *
 * Segment events reach this table only after the glue has done the RFC 9293
 * 3.10.7.4 first to fifth checks (sequence number, RST, SYN, ACK) with the
 * helpers at the end of this file, so e.g. "RCV_FIN" means an acceptable
 * segment carrying a FIN.
 *
 * CLOSED has no segment cells: a segment for which no TCB exists is
 * answered with a RST by the demultiplexer (RFC 9293 3.10.7.1) before the
 * engine is ever consulted.
 *
 * RCV_SYN and RCV_SYNACK in a synchronized state are the RFC 5961 4.2
 * challenge ACK (RFC 9293 3.10.7.4 fourth check), whatever the sequence
 * number.  The glue's TIME-WAIT lookup may instead hand an acceptable new
 * SYN (RFC 9293 3.6.1, RFC 6191) to the listener before it gets here.
 *
 * TIMEOUT_GIVE_UP in a synchronized state closes without a RST, as Linux
 * does on retransmission, keepalive and user timeout exhaustion
 * (tcp_write_err()): the peer is presumed unreachable, and a RST sent into
 * a black hole only costs a packet.
 */
static const struct atcp_transition
atcp_fsm_table[ATCP_NR_STATES][ATCP_NR_EVENTS] = {
	[ATCP_CLOSE] = {
		[ATCP_EV_PASSIVE_OPEN]	= GO(LISTEN, 0),
		[ATCP_EV_ACTIVE_OPEN]	= GO(SYN_SENT, A(SEND_SYN)),
		/* 3.10.4/3.10.5: "connection does not exist" */
		[ATCP_EV_CLOSE]		= REFUSE(ENOTCONN),
		[ATCP_EV_ABORT]		= REFUSE(ENOTCONN),
	},
	[ATCP_LISTEN] = {
		/* listen() again only changes the backlog. */
		[ATCP_EV_PASSIVE_OPEN]	= OK_NOP,
		/*
		 * 3.10.1 would let OPEN turn a listener active; the sockets
		 * API does not (connect() on a listener is EISCONN).
		 */
		[ATCP_EV_ACTIVE_OPEN]	= REFUSE(EISCONN),
		[ATCP_EV_CLOSE]		= GO(CLOSE, A(DELETE_TCB)),
		[ATCP_EV_ABORT]		= GO(CLOSE, A(DELETE_TCB)),
		/*
		 * 3.10.7.2: applies to the new child TCB created for the
		 * SYN; the listener itself stays in LISTEN.
		 */
		[ATCP_EV_RCV_SYN]	= GO(SYN_RECV, A(SEND_SYNACK)),
		/*
		 * 3.10.7.2 second check: any ACK reaching a listener is bad
		 * and earns a RST.  (A valid syncookie ACK is turned into a
		 * child by the glue before this table is consulted.)
		 */
		[ATCP_EV_RCV_SYNACK]	= STAY(A(SEND_RST)),
		[ATCP_EV_RCV_ACK_SYN]	= STAY(A(SEND_RST)),
		[ATCP_EV_RCV_ACK_FIN]	= STAY(A(SEND_RST)),
		[ATCP_EV_RCV_FIN_ACK_FIN] = STAY(A(SEND_RST)),
	},
	[ATCP_SYN_SENT] = {
		[ATCP_EV_PASSIVE_OPEN]	= REFUSE(EINVAL),
		[ATCP_EV_ACTIVE_OPEN]	= REFUSE(EALREADY),
		/* 3.10.4: nothing synchronized yet, so no FIN and no RST. */
		[ATCP_EV_CLOSE]		= GO(CLOSE, A(DELETE_TCB)),
		[ATCP_EV_ABORT]		= GO(CLOSE, A(DELETE_TCB)),
		/* 3.10.7.3 fourth check: simultaneous open. */
		[ATCP_EV_RCV_SYN]	= GO(SYN_RECV, A(SEND_SYNACK)),
		[ATCP_EV_RCV_SYNACK]	= GO(ESTABLISHED,
					     A(SEND_ACK) | A(CONNECTED)),
		/*
		 * 3.10.7.3 second check: the glue accepts a RST here only
		 * if it acks our SYN.  "connection refused".
		 */
		[ATCP_EV_RCV_RST]	= GO(CLOSE,
					     A(ERR_RESET) | A(DELETE_TCB)),
		/* SYN retries exhausted. */
		[ATCP_EV_TIMEOUT_GIVE_UP] = GO(CLOSE,
					       A(ERR_TIMEOUT) | A(DELETE_TCB)),
	},
	/*
	 * This row is for a passive open; atcp_fsm_step() overrides RCV_RST
	 * and RCV_SYN for a SYN-RECEIVED reached by simultaneous open.
	 *
	 * RCV_FIN is ignored: a FIN that does not come with an ACK of our
	 * SYN is dropped by the 3.10.7.4 fifth check; one that does is fed
	 * as RCV_ACK_SYN, then RCV_FIN in ESTABLISHED.
	 */
	[ATCP_SYN_RECV] = {
		[ATCP_EV_PASSIVE_OPEN]	= REFUSE(EINVAL),
		[ATCP_EV_ACTIVE_OPEN]	= REFUSE(EALREADY),
		/* 3.10.4: nothing queued to send, so the FIN goes now. */
		[ATCP_EV_CLOSE]		= GO(FIN_WAIT1, A(SEND_FIN)),
		[ATCP_EV_ABORT]		= GO(CLOSE,
					     A(SEND_RST) | A(DELETE_TCB)),
		/* 3.10.7.4 fourth check, passive open: back to LISTEN. */
		[ATCP_EV_RCV_SYN]	= GO(LISTEN, A(BACK_TO_LISTEN)),
		/*
		 * Simultaneous open (RFC 9293 figure 8): the peer's SYN+ACK
		 * acks our SYN while we wait in SYN-RECEIVED.
		 */
		[ATCP_EV_RCV_SYNACK]	= GO(ESTABLISHED,
					     A(SEND_ACK) | A(CONNECTED)),
		[ATCP_EV_RCV_ACK_SYN]	= GO(ESTABLISHED, A(CONNECTED)),
		/* 3.10.7.4 second check: the user need not be informed. */
		[ATCP_EV_RCV_RST]	= GO(LISTEN, A(BACK_TO_LISTEN)),
		/* SYN-ACK retries exhausted. */
		[ATCP_EV_TIMEOUT_GIVE_UP] = GO(CLOSE,
					       A(ERR_TIMEOUT) | A(DELETE_TCB)),
	},
	[ATCP_ESTABLISHED] = {
		[ATCP_EV_PASSIVE_OPEN]	= REFUSE(EINVAL),
		[ATCP_EV_ACTIVE_OPEN]	= REFUSE(EISCONN),
		[ATCP_EV_CLOSE]		= GO(FIN_WAIT1, A(SEND_FIN)),
		/* 3.10.5: send a reset, flush everything. */
		[ATCP_EV_ABORT]		= GO(CLOSE,
					     A(SEND_RST) | A(DELETE_TCB)),
		[ATCP_EV_RCV_SYN]	= STAY(A(CHALLENGE_ACK)),
		[ATCP_EV_RCV_SYNACK]	= STAY(A(CHALLENGE_ACK)),
		/*
		 * 3.10.7.4 eighth check.  The ACK is delayed: an
		 * application that reads EOF and closes sends its FIN
		 * within that time, and the FIN carries it (Linux:
		 * tcp_fin() enters pingpong mode).
		 */
		[ATCP_EV_RCV_FIN]	= GO(CLOSE_WAIT,
					     A(DELAYED_ACK) | A(RCV_SHUTDOWN)),
		[ATCP_EV_RCV_RST]	= GO(CLOSE,
					     A(ERR_RESET) | A(DELETE_TCB)),
		[ATCP_EV_TIMEOUT_GIVE_UP] = GO(CLOSE,
					       A(ERR_TIMEOUT) | A(DELETE_TCB)),
	},
	[ATCP_FIN_WAIT1] = {
		[ATCP_EV_PASSIVE_OPEN]	= REFUSE(EINVAL),
		[ATCP_EV_ACTIVE_OPEN]	= REFUSE(EISCONN),
		/* 3.10.4 allows "ok": our FIN is already queued. */
		[ATCP_EV_CLOSE]		= OK_NOP,
		[ATCP_EV_ABORT]		= GO(CLOSE,
					     A(SEND_RST) | A(DELETE_TCB)),
		[ATCP_EV_RCV_SYN]	= STAY(A(CHALLENGE_ACK)),
		[ATCP_EV_RCV_SYNACK]	= STAY(A(CHALLENGE_ACK)),
		/* 3.10.7.4 fifth check. */
		[ATCP_EV_RCV_ACK_FIN]	= GO(FIN_WAIT2, 0),
		/* 3.10.7.4 eighth check: simultaneous close. */
		[ATCP_EV_RCV_FIN]	= GO(CLOSING,
					     A(SEND_ACK) | A(RCV_SHUTDOWN)),
		/* Fifth check moves to FIN-WAIT-2, eighth to TIME-WAIT. */
		[ATCP_EV_RCV_FIN_ACK_FIN] = GO(TIME_WAIT, A(SEND_ACK) |
					       A(RCV_SHUTDOWN) | A(START_TW)),
		[ATCP_EV_RCV_RST]	= GO(CLOSE,
					     A(ERR_RESET) | A(DELETE_TCB)),
		[ATCP_EV_TIMEOUT_GIVE_UP] = GO(CLOSE,
					       A(ERR_TIMEOUT) | A(DELETE_TCB)),
	},
	[ATCP_FIN_WAIT2] = {
		[ATCP_EV_PASSIVE_OPEN]	= REFUSE(EINVAL),
		[ATCP_EV_ACTIVE_OPEN]	= REFUSE(EISCONN),
		[ATCP_EV_CLOSE]		= OK_NOP,
		[ATCP_EV_ABORT]		= GO(CLOSE,
					     A(SEND_RST) | A(DELETE_TCB)),
		[ATCP_EV_RCV_SYN]	= STAY(A(CHALLENGE_ACK)),
		[ATCP_EV_RCV_SYNACK]	= STAY(A(CHALLENGE_ACK)),
		/* 3.10.7.4 eighth check. */
		[ATCP_EV_RCV_FIN]	= GO(TIME_WAIT, A(SEND_ACK) |
					     A(RCV_SHUTDOWN) | A(START_TW)),
		/* Any FIN here acks our FIN; same thing. */
		[ATCP_EV_RCV_FIN_ACK_FIN] = GO(TIME_WAIT, A(SEND_ACK) |
					       A(RCV_SHUTDOWN) | A(START_TW)),
		[ATCP_EV_RCV_RST]	= GO(CLOSE,
					     A(ERR_RESET) | A(DELETE_TCB)),
		/*
		 * Orphan fin_timeout: nobody is left to report to, and
		 * Linux does not send a RST here either (only close() with
		 * a negative TCP_LINGER2 does, which is an ABORT).
		 */
		[ATCP_EV_TIMEOUT_FIN_WAIT2] = GO(CLOSE, A(DELETE_TCB)),
		/* Keepalive of a half-closed socket may still give up. */
		[ATCP_EV_TIMEOUT_GIVE_UP] = GO(CLOSE,
					       A(ERR_TIMEOUT) | A(DELETE_TCB)),
	},
	[ATCP_CLOSE_WAIT] = {
		[ATCP_EV_PASSIVE_OPEN]	= REFUSE(EINVAL),
		[ATCP_EV_ACTIVE_OPEN]	= REFUSE(EISCONN),
		/* 3.10.4 */
		[ATCP_EV_CLOSE]		= GO(LAST_ACK, A(SEND_FIN)),
		[ATCP_EV_ABORT]		= GO(CLOSE,
					     A(SEND_RST) | A(DELETE_TCB)),
		[ATCP_EV_RCV_SYN]	= STAY(A(CHALLENGE_ACK)),
		[ATCP_EV_RCV_SYNACK]	= STAY(A(CHALLENGE_ACK)),
		/* 3.10.7.4 eighth check: remain, ack the FIN again. */
		[ATCP_EV_RCV_FIN]	= STAY(A(SEND_ACK)),
		[ATCP_EV_RCV_RST]	= GO(CLOSE,
					     A(ERR_RESET) | A(DELETE_TCB)),
		[ATCP_EV_TIMEOUT_GIVE_UP] = GO(CLOSE,
					       A(ERR_TIMEOUT) | A(DELETE_TCB)),
	},
	[ATCP_CLOSING] = {
		[ATCP_EV_PASSIVE_OPEN]	= REFUSE(EINVAL),
		[ATCP_EV_ACTIVE_OPEN]	= REFUSE(EISCONN),
		[ATCP_EV_CLOSE]		= OK_NOP,
		/* 3.10.5: both FINs are out, no RST. */
		[ATCP_EV_ABORT]		= GO(CLOSE, A(DELETE_TCB)),
		[ATCP_EV_RCV_SYN]	= STAY(A(CHALLENGE_ACK)),
		[ATCP_EV_RCV_SYNACK]	= STAY(A(CHALLENGE_ACK)),
		/* 3.10.7.4 fifth check. */
		[ATCP_EV_RCV_ACK_FIN]	= GO(TIME_WAIT, A(START_TW)),
		/* 3.10.7.4 eighth check: remain, ack the FIN again. */
		[ATCP_EV_RCV_FIN]	= STAY(A(SEND_ACK)),
		/* Fifth check to TIME-WAIT, eighth re-acks the FIN. */
		[ATCP_EV_RCV_FIN_ACK_FIN] = GO(TIME_WAIT,
					       A(SEND_ACK) | A(START_TW)),
		/* 3.10.7.4 second check: close without telling the user. */
		[ATCP_EV_RCV_RST]	= GO(CLOSE, A(DELETE_TCB)),
		[ATCP_EV_TIMEOUT_GIVE_UP] = GO(CLOSE,
					       A(ERR_TIMEOUT) | A(DELETE_TCB)),
	},
	[ATCP_LAST_ACK] = {
		[ATCP_EV_PASSIVE_OPEN]	= REFUSE(EINVAL),
		[ATCP_EV_ACTIVE_OPEN]	= REFUSE(EISCONN),
		[ATCP_EV_CLOSE]		= OK_NOP,
		[ATCP_EV_ABORT]		= GO(CLOSE, A(DELETE_TCB)),
		[ATCP_EV_RCV_SYN]	= STAY(A(CHALLENGE_ACK)),
		[ATCP_EV_RCV_SYNACK]	= STAY(A(CHALLENGE_ACK)),
		/* 3.10.7.4 fifth check: done. */
		[ATCP_EV_RCV_ACK_FIN]	= GO(CLOSE, A(DELETE_TCB)),
		[ATCP_EV_RCV_FIN]	= STAY(A(SEND_ACK)),
		/* The ACK is processed first and ends the connection. */
		[ATCP_EV_RCV_FIN_ACK_FIN] = GO(CLOSE, A(DELETE_TCB)),
		[ATCP_EV_RCV_RST]	= GO(CLOSE, A(DELETE_TCB)),
		[ATCP_EV_TIMEOUT_GIVE_UP] = GO(CLOSE,
					       A(ERR_TIMEOUT) | A(DELETE_TCB)),
	},
	[ATCP_TIME_WAIT] = {
		[ATCP_EV_PASSIVE_OPEN]	= REFUSE(EINVAL),
		[ATCP_EV_ACTIVE_OPEN]	= REFUSE(EISCONN),
		[ATCP_EV_CLOSE]		= OK_NOP,
		[ATCP_EV_ABORT]		= GO(CLOSE, A(DELETE_TCB)),
		[ATCP_EV_RCV_SYN]	= STAY(A(CHALLENGE_ACK)),
		[ATCP_EV_RCV_SYNACK]	= STAY(A(CHALLENGE_ACK)),
		/*
		 * 3.10.7.4 eighth check: the peer lost our ACK of its FIN;
		 * ack again and restart the 2MSL timeout.
		 */
		[ATCP_EV_RCV_FIN]	= STAY(A(SEND_ACK) | A(START_TW)),
		[ATCP_EV_RCV_FIN_ACK_FIN] = STAY(A(SEND_ACK) | A(START_TW)),
		/*
		 * 3.10.7.4 second check.  RFC 1337 argues for ignoring it;
		 * like Linux with tcp_rfc1337=0 we follow RFC 9293, and the
		 * glue may filter the event if it implements the sysctl.
		 */
		[ATCP_EV_RCV_RST]	= GO(CLOSE, A(DELETE_TCB)),
		[ATCP_EV_TIMEOUT_2MSL]	= GO(CLOSE, A(DELETE_TCB)),
	},
};

/*
 * SYN-RECEIVED reached by simultaneous open (from SYN-SENT) differs from
 * the passive row above in two cells (RFC 9293 3.10.7.4):
 * a RST means "connection refused", and a SYN is handled as in the
 * synchronized states.
 */
static const struct {
	u8 ev;
	struct atcp_transition tr;
} atcp_fsm_syn_recv_active[] = {
	{ ATCP_EV_RCV_RST,	GO(CLOSE, A(ERR_RESET) | A(DELETE_TCB)) },
	{ ATCP_EV_RCV_SYN,	STAY(A(CHALLENGE_ACK)) },
};

#undef GO
#undef STAY
#undef REFUSE
#undef OK_NOP
#undef A

int atcp_fsm_step(u8 state, enum atcp_event ev, bool passive,
		  struct atcp_transition *out)
{
	struct atcp_transition tr;
	unsigned int i;

	/* Keep the Linux numbering; see the comment on enum atcp_state. */
	BUILD_BUG_ON(ATCP_ESTABLISHED != 1);
	BUILD_BUG_ON(ATCP_SYN_SENT != 2);
	BUILD_BUG_ON(ATCP_SYN_RECV != 3);
	BUILD_BUG_ON(ATCP_FIN_WAIT1 != 4);
	BUILD_BUG_ON(ATCP_FIN_WAIT2 != 5);
	BUILD_BUG_ON(ATCP_TIME_WAIT != 6);
	BUILD_BUG_ON(ATCP_CLOSE != 7);
	BUILD_BUG_ON(ATCP_CLOSE_WAIT != 8);
	BUILD_BUG_ON(ATCP_LAST_ACK != 9);
	BUILD_BUG_ON(ATCP_LISTEN != 10);
	BUILD_BUG_ON(ATCP_CLOSING != 11);
	BUILD_BUG_ON(ATCP_NR_STATES != 12);
	BUILD_BUG_ON(ATCP_ACT_ALL > 0xffff);
	BUILD_BUG_ON(ATCP_ACT_ALL != (1 << ATCP_ACT_NR_BITS) - 1);
	BUILD_BUG_ON(ATCP_FSM_NR_ERRS > 0xff);

	/* The enum's width is the compiler's choice: compare as unsigned. */
	if (state == 0 || state >= ATCP_NR_STATES ||
	    (unsigned int)ev >= ATCP_NR_EVENTS)
		return -ATCP_FSM_EINVAL;

	tr = atcp_fsm_table[state][ev];
	if (state == ATCP_SYN_RECV && !passive) {
		for (i = 0; i < ARRAY_SIZE(atcp_fsm_syn_recv_active); i++)
			if (atcp_fsm_syn_recv_active[i].ev == ev)
				tr = atcp_fsm_syn_recv_active[i].tr;
	}
	if (!tr.next)
		tr.next = state;
	*out = tr;
	return 0;
}

bool atcp_syn_in_sync_state(u8 state, bool passive)
{
	switch (state) {
	case ATCP_ESTABLISHED:
	case ATCP_FIN_WAIT1:
	case ATCP_FIN_WAIT2:
	case ATCP_CLOSE_WAIT:
	case ATCP_CLOSING:
	case ATCP_LAST_ACK:
	case ATCP_TIME_WAIT:
		return true;
	case ATCP_SYN_RECV:
		return !passive;
	default:
		return false;
	}
}

bool atcp_seq_acceptable(u32 seq, u32 len, u32 rcv_nxt, u32 rcv_wnd)
{
	/* RFC 9293 3.10.7.4, the four cases of the acceptability test. */
	if (!len) {
		if (!rcv_wnd)
			return seq == rcv_nxt;
		return seq_in_window(seq, rcv_nxt, rcv_wnd);
	}
	if (!rcv_wnd)
		return false;
	/* Either the first or the last octet must fall in the window. */
	return seq_in_window(seq, rcv_nxt, rcv_wnd) ||
	       seq_in_window(seq + len - 1, rcv_nxt, rcv_wnd);
}

/*
 * "Special allowance should be made to accept valid ACKs" (RFC 9293
 * 3.10.7.4): a segment the test refuses that starts at the right edge of
 * the window has its ACK field processed, as Linux's tcp_sequence()
 * takes SEG.SEQ up to and including RCV.NXT + RCV.WND, and only its data
 * (or FIN) is dropped.  That is a probe of a closed window (the edge is
 * RCV.NXT), and every segment of a peer that filled the window and saw
 * part of it lost or dropped: its SEG.SEQ stays at the edge until the
 * hole is filled, and refusing its ACKs would stall our sending until
 * then, while the peer backs off.  A pure ACK there is taken whole.
 */
enum atcp_seq_verdict atcp_seq_check(u32 seq, u32 len, bool plain_ack,
				     u32 rcv_nxt, u32 rcv_wnd)
{
	if (atcp_seq_acceptable(seq, len, rcv_nxt, rcv_wnd))
		return ATCP_SEQ_OK;
	if (plain_ack && seq == rcv_nxt + rcv_wnd)
		return len ? ATCP_SEQ_ACK_ONLY : ATCP_SEQ_OK;
	return ATCP_SEQ_BAD;
}

enum atcp_rst_verdict atcp_rst_check(u32 seq, u32 rcv_nxt, u32 rcv_wnd)
{
	/*
	 * RFC 5961 3.2: only an exact hit resets; an in-window guess earns
	 * a challenge ACK, so a blind attacker needs 2^32 tries, not
	 * 2^32 / RCV.WND.
	 */
	if (seq == rcv_nxt)
		return ATCP_RST_ACCEPT;
	if (seq_in_window(seq, rcv_nxt, rcv_wnd))
		return ATCP_RST_CHALLENGE;
	return ATCP_RST_DROP;
}

enum atcp_ack_verdict atcp_ack_check(u32 ack, u32 snd_una, u32 snd_nxt,
				     u32 max_snd_wnd)
{
	/* Distances from SND.UNA, so every comparison is wrap-safe. */
	u32 ahead = ack - snd_una;
	u32 in_flight = snd_nxt - snd_una;

	if (!ahead)
		return ATCP_ACK_DUP;
	if (ahead <= in_flight)
		return ATCP_ACK_OK;
	/* The nearer half of sequence space decides future versus past. */
	if ((s32)ahead > 0)
		return ATCP_ACK_FUTURE;
	/*
	 * RFC 5961 5.2: acceptable if SND.UNA - MAX.SND.WND <= SEG.ACK;
	 * older ACKs are likely forged and get a challenge ACK.
	 */
	if ((u32)(snd_una - ack) <= max_snd_wnd)
		return ATCP_ACK_OLD;
	return ATCP_ACK_CHALLENGE;
}

static const char *const atcp_state_names[ATCP_NR_STATES] = {
	[ATCP_ESTABLISHED]	= "ESTABLISHED",
	[ATCP_SYN_SENT]		= "SYN-SENT",
	[ATCP_SYN_RECV]		= "SYN-RECEIVED",
	[ATCP_FIN_WAIT1]	= "FIN-WAIT-1",
	[ATCP_FIN_WAIT2]	= "FIN-WAIT-2",
	[ATCP_TIME_WAIT]	= "TIME-WAIT",
	[ATCP_CLOSE]		= "CLOSED",
	[ATCP_CLOSE_WAIT]	= "CLOSE-WAIT",
	[ATCP_LAST_ACK]		= "LAST-ACK",
	[ATCP_LISTEN]		= "LISTEN",
	[ATCP_CLOSING]		= "CLOSING",
};

static const char *const atcp_event_names[ATCP_NR_EVENTS] = {
	[ATCP_EV_PASSIVE_OPEN]		= "PASSIVE_OPEN",
	[ATCP_EV_ACTIVE_OPEN]		= "ACTIVE_OPEN",
	[ATCP_EV_CLOSE]			= "CLOSE",
	[ATCP_EV_ABORT]			= "ABORT",
	[ATCP_EV_RCV_SYN]		= "RCV_SYN",
	[ATCP_EV_RCV_SYNACK]		= "RCV_SYNACK",
	[ATCP_EV_RCV_ACK_SYN]		= "RCV_ACK_SYN",
	[ATCP_EV_RCV_ACK_FIN]		= "RCV_ACK_FIN",
	[ATCP_EV_RCV_FIN]		= "RCV_FIN",
	[ATCP_EV_RCV_FIN_ACK_FIN]	= "RCV_FIN_ACK_FIN",
	[ATCP_EV_RCV_RST]		= "RCV_RST",
	[ATCP_EV_TIMEOUT_2MSL]		= "TIMEOUT_2MSL",
	[ATCP_EV_TIMEOUT_FIN_WAIT2]	= "TIMEOUT_FIN_WAIT2",
	[ATCP_EV_TIMEOUT_GIVE_UP]	= "TIMEOUT_GIVE_UP",
};

/* Indexed by bit number. */
static const char *const atcp_action_names[ATCP_ACT_NR_BITS] = {
	"SEND_SYN", "SEND_SYNACK", "SEND_ACK", "SEND_FIN", "SEND_RST",
	"START_TW", "DELETE_TCB", "CONNECTED", "ERR_RESET", "ERR_TIMEOUT",
	"RCV_SHUTDOWN", "BACK_TO_LISTEN", "CHALLENGE_ACK", "DELAYED_ACK",
};

static const char *const atcp_fsm_err_names[ATCP_FSM_NR_ERRS] = {
	[ATCP_FSM_OK]		= "OK",
	[ATCP_FSM_EISCONN]	= "EISCONN",
	[ATCP_FSM_EALREADY]	= "EALREADY",
	[ATCP_FSM_ENOTCONN]	= "ENOTCONN",
	[ATCP_FSM_EINVAL]	= "EINVAL",
};

const char *atcp_state_name(u8 state)
{
	if (state == 0 || state >= ATCP_NR_STATES)
		return "INVALID";
	return atcp_state_names[state];
}

const char *atcp_event_name(enum atcp_event ev)
{
	if ((unsigned int)ev >= ATCP_NR_EVENTS)
		return "INVALID";
	return atcp_event_names[ev];
}

const char *atcp_action_name(u16 action)
{
	unsigned int bit;

	/* Exactly one known bit; a combination has no single name. */
	for (bit = 0; bit < ATCP_ACT_NR_BITS; bit++)
		if (action == (1U << bit))
			return atcp_action_names[bit];
	return "INVALID";
}

const char *atcp_fsm_err_name(u8 err)
{
	if (err >= ATCP_FSM_NR_ERRS)
		return "INVALID";
	return atcp_fsm_err_names[err];
}

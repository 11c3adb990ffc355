// SPDX-License-Identifier: GPL-2.0
/*
 * test_fsm.c - exhaustive unit test of the RFC 9293 state engine and of the
 * sequence, RST and ACK acceptability checks in module/atcp_fsm.c.
 *
 * The expectations below are written independently of the engine's table:
 * a flat list of every transition that does something, plus a rule for
 * which user calls are refused and why.  Every (state, event, passive)
 * combination is compared against them.
 */
#include <stdio.h>
#include <string.h>

#include "atcp_compat.h"
#include "atcp_fsm.h"
#include "tap.h"

#define S_CLOSED	ATCP_CLOSE
#define S_LISTEN	ATCP_LISTEN
#define S_SYN_SENT	ATCP_SYN_SENT
#define S_SYN_RCVD	ATCP_SYN_RECV
#define S_ESTAB		ATCP_ESTABLISHED
#define S_FW1		ATCP_FIN_WAIT1
#define S_FW2		ATCP_FIN_WAIT2
#define S_CLOSE_WAIT	ATCP_CLOSE_WAIT
#define S_CLOSING	ATCP_CLOSING
#define S_LAST_ACK	ATCP_LAST_ACK
#define S_TIME_WAIT	ATCP_TIME_WAIT

#define SYN	ATCP_ACT_SEND_SYN
#define SYNACK	ATCP_ACT_SEND_SYNACK
#define ACK	ATCP_ACT_SEND_ACK
#define FIN	ATCP_ACT_SEND_FIN
#define RST	ATCP_ACT_SEND_RST
#define TW	ATCP_ACT_START_TW
#define DEL	ATCP_ACT_DELETE_TCB
#define CONN	ATCP_ACT_CONNECTED
#define ERESET	ATCP_ACT_ERR_RESET
#define ETIME	ATCP_ACT_ERR_TIMEOUT
#define SHUTRD	ATCP_ACT_RCV_SHUTDOWN
#define LISTEN	ATCP_ACT_BACK_TO_LISTEN
#define CHACK	ATCP_ACT_CHALLENGE_ACK
#define DELACK	ATCP_ACT_DELAYED_ACK

/* Which values of the passive flag an expectation applies to. */
#define BOTH	3
#define PASV	1
#define ACTV	2

struct expect {
	u8 state;
	u8 ev;
	u8 who;
	u8 next;
	u16 actions;
};

/*
 * Every accepted transition that changes the state or does something.
 * Refused user calls are covered by expected_user_err(); anything else is
 * "stay, no action".
 */
static const struct expect expected[] = {
	/* Opens. */
	{ S_CLOSED, ATCP_EV_PASSIVE_OPEN, BOTH, S_LISTEN, 0 },
	{ S_CLOSED, ATCP_EV_ACTIVE_OPEN, BOTH, S_SYN_SENT, SYN },

	/* Three-way handshake, both ends, and simultaneous open. */
	{ S_LISTEN, ATCP_EV_RCV_SYN, BOTH, S_SYN_RCVD, SYNACK },
	{ S_SYN_SENT, ATCP_EV_RCV_SYNACK, BOTH, S_ESTAB, ACK | CONN },
	{ S_SYN_SENT, ATCP_EV_RCV_SYN, BOTH, S_SYN_RCVD, SYNACK },
	{ S_SYN_RCVD, ATCP_EV_RCV_ACK_SYN, BOTH, S_ESTAB, CONN },
	{ S_SYN_RCVD, ATCP_EV_RCV_SYNACK, BOTH, S_ESTAB, ACK | CONN },

	/* A listener answers any ACK with a RST. */
	{ S_LISTEN, ATCP_EV_RCV_SYNACK, BOTH, S_LISTEN, RST },
	{ S_LISTEN, ATCP_EV_RCV_ACK_SYN, BOTH, S_LISTEN, RST },
	{ S_LISTEN, ATCP_EV_RCV_ACK_FIN, BOTH, S_LISTEN, RST },
	{ S_LISTEN, ATCP_EV_RCV_FIN_ACK_FIN, BOTH, S_LISTEN, RST },

	/* close(). */
	{ S_LISTEN, ATCP_EV_CLOSE, BOTH, S_CLOSED, DEL },
	{ S_SYN_SENT, ATCP_EV_CLOSE, BOTH, S_CLOSED, DEL },
	{ S_SYN_RCVD, ATCP_EV_CLOSE, BOTH, S_FW1, FIN },
	{ S_ESTAB, ATCP_EV_CLOSE, BOTH, S_FW1, FIN },
	{ S_CLOSE_WAIT, ATCP_EV_CLOSE, BOTH, S_LAST_ACK, FIN },

	/* Abort. */
	{ S_LISTEN, ATCP_EV_ABORT, BOTH, S_CLOSED, DEL },
	{ S_SYN_SENT, ATCP_EV_ABORT, BOTH, S_CLOSED, DEL },
	{ S_SYN_RCVD, ATCP_EV_ABORT, BOTH, S_CLOSED, RST | DEL },
	{ S_ESTAB, ATCP_EV_ABORT, BOTH, S_CLOSED, RST | DEL },
	{ S_FW1, ATCP_EV_ABORT, BOTH, S_CLOSED, RST | DEL },
	{ S_FW2, ATCP_EV_ABORT, BOTH, S_CLOSED, RST | DEL },
	{ S_CLOSE_WAIT, ATCP_EV_ABORT, BOTH, S_CLOSED, RST | DEL },
	{ S_CLOSING, ATCP_EV_ABORT, BOTH, S_CLOSED, DEL },
	{ S_LAST_ACK, ATCP_EV_ABORT, BOTH, S_CLOSED, DEL },
	{ S_TIME_WAIT, ATCP_EV_ABORT, BOTH, S_CLOSED, DEL },

	/* Closing sequences. */
	{ S_ESTAB, ATCP_EV_RCV_FIN, BOTH, S_CLOSE_WAIT, DELACK | SHUTRD },
	{ S_FW1, ATCP_EV_RCV_ACK_FIN, BOTH, S_FW2, 0 },
	{ S_FW1, ATCP_EV_RCV_FIN, BOTH, S_CLOSING, ACK | SHUTRD },
	{ S_FW1, ATCP_EV_RCV_FIN_ACK_FIN, BOTH, S_TIME_WAIT,
	  ACK | SHUTRD | TW },
	{ S_FW2, ATCP_EV_RCV_FIN, BOTH, S_TIME_WAIT, ACK | SHUTRD | TW },
	{ S_FW2, ATCP_EV_RCV_FIN_ACK_FIN, BOTH, S_TIME_WAIT,
	  ACK | SHUTRD | TW },
	{ S_CLOSE_WAIT, ATCP_EV_RCV_FIN, BOTH, S_CLOSE_WAIT, ACK },
	{ S_CLOSING, ATCP_EV_RCV_ACK_FIN, BOTH, S_TIME_WAIT, TW },
	{ S_CLOSING, ATCP_EV_RCV_FIN, BOTH, S_CLOSING, ACK },
	{ S_CLOSING, ATCP_EV_RCV_FIN_ACK_FIN, BOTH, S_TIME_WAIT, ACK | TW },
	{ S_LAST_ACK, ATCP_EV_RCV_ACK_FIN, BOTH, S_CLOSED, DEL },
	{ S_LAST_ACK, ATCP_EV_RCV_FIN_ACK_FIN, BOTH, S_CLOSED, DEL },
	{ S_LAST_ACK, ATCP_EV_RCV_FIN, BOTH, S_LAST_ACK, ACK },
	{ S_TIME_WAIT, ATCP_EV_RCV_FIN, BOTH, S_TIME_WAIT, ACK | TW },
	{ S_TIME_WAIT, ATCP_EV_RCV_FIN_ACK_FIN, BOTH, S_TIME_WAIT, ACK | TW },
	{ S_TIME_WAIT, ATCP_EV_TIMEOUT_2MSL, BOTH, S_CLOSED, DEL },
	{ S_FW2, ATCP_EV_TIMEOUT_FIN_WAIT2, BOTH, S_CLOSED, DEL },

	/* Resets. */
	{ S_SYN_SENT, ATCP_EV_RCV_RST, BOTH, S_CLOSED, ERESET | DEL },
	{ S_SYN_RCVD, ATCP_EV_RCV_RST, PASV, S_LISTEN, LISTEN },
	{ S_SYN_RCVD, ATCP_EV_RCV_RST, ACTV, S_CLOSED, ERESET | DEL },
	{ S_ESTAB, ATCP_EV_RCV_RST, BOTH, S_CLOSED, ERESET | DEL },
	{ S_FW1, ATCP_EV_RCV_RST, BOTH, S_CLOSED, ERESET | DEL },
	{ S_FW2, ATCP_EV_RCV_RST, BOTH, S_CLOSED, ERESET | DEL },
	{ S_CLOSE_WAIT, ATCP_EV_RCV_RST, BOTH, S_CLOSED, ERESET | DEL },
	{ S_CLOSING, ATCP_EV_RCV_RST, BOTH, S_CLOSED, DEL },
	{ S_LAST_ACK, ATCP_EV_RCV_RST, BOTH, S_CLOSED, DEL },
	{ S_TIME_WAIT, ATCP_EV_RCV_RST, BOTH, S_CLOSED, DEL },

	/* SYN in SYN-RECEIVED: passive goes back to LISTEN. */
	{ S_SYN_RCVD, ATCP_EV_RCV_SYN, PASV, S_LISTEN, LISTEN },
	{ S_SYN_RCVD, ATCP_EV_RCV_SYN, ACTV, S_SYN_RCVD, CHACK },

	/* RFC 5961 4.2: SYN or SYN-ACK when synchronized. */
	{ S_ESTAB, ATCP_EV_RCV_SYN, BOTH, S_ESTAB, CHACK },
	{ S_ESTAB, ATCP_EV_RCV_SYNACK, BOTH, S_ESTAB, CHACK },
	{ S_FW1, ATCP_EV_RCV_SYN, BOTH, S_FW1, CHACK },
	{ S_FW1, ATCP_EV_RCV_SYNACK, BOTH, S_FW1, CHACK },
	{ S_FW2, ATCP_EV_RCV_SYN, BOTH, S_FW2, CHACK },
	{ S_FW2, ATCP_EV_RCV_SYNACK, BOTH, S_FW2, CHACK },
	{ S_CLOSE_WAIT, ATCP_EV_RCV_SYN, BOTH, S_CLOSE_WAIT, CHACK },
	{ S_CLOSE_WAIT, ATCP_EV_RCV_SYNACK, BOTH, S_CLOSE_WAIT, CHACK },
	{ S_CLOSING, ATCP_EV_RCV_SYN, BOTH, S_CLOSING, CHACK },
	{ S_CLOSING, ATCP_EV_RCV_SYNACK, BOTH, S_CLOSING, CHACK },
	{ S_LAST_ACK, ATCP_EV_RCV_SYN, BOTH, S_LAST_ACK, CHACK },
	{ S_LAST_ACK, ATCP_EV_RCV_SYNACK, BOTH, S_LAST_ACK, CHACK },
	{ S_TIME_WAIT, ATCP_EV_RCV_SYN, BOTH, S_TIME_WAIT, CHACK },
	{ S_TIME_WAIT, ATCP_EV_RCV_SYNACK, BOTH, S_TIME_WAIT, CHACK },

	/* Giving up: no RST, like Linux. */
	{ S_SYN_SENT, ATCP_EV_TIMEOUT_GIVE_UP, BOTH, S_CLOSED, ETIME | DEL },
	{ S_SYN_RCVD, ATCP_EV_TIMEOUT_GIVE_UP, BOTH, S_CLOSED, ETIME | DEL },
	{ S_ESTAB, ATCP_EV_TIMEOUT_GIVE_UP, BOTH, S_CLOSED, ETIME | DEL },
	{ S_FW1, ATCP_EV_TIMEOUT_GIVE_UP, BOTH, S_CLOSED, ETIME | DEL },
	{ S_FW2, ATCP_EV_TIMEOUT_GIVE_UP, BOTH, S_CLOSED, ETIME | DEL },
	{ S_CLOSE_WAIT, ATCP_EV_TIMEOUT_GIVE_UP, BOTH, S_CLOSED, ETIME | DEL },
	{ S_CLOSING, ATCP_EV_TIMEOUT_GIVE_UP, BOTH, S_CLOSED, ETIME | DEL },
	{ S_LAST_ACK, ATCP_EV_TIMEOUT_GIVE_UP, BOTH, S_CLOSED, ETIME | DEL },
};

static bool is_user_event(int ev)
{
	return ev == ATCP_EV_PASSIVE_OPEN || ev == ATCP_EV_ACTIVE_OPEN ||
	       ev == ATCP_EV_CLOSE || ev == ATCP_EV_ABORT;
}

/*
 * The refusal a user call gets, from the sockets API's point of view:
 * listen() needs a closed (or listening) socket, connect() is EALREADY
 * while a handshake runs and EISCONN once there is any connection or a
 * listener, close()/abort() of nothing is ENOTCONN.  A second close()
 * after our FIN is accepted silently.
 */
static int expected_user_err(int state, int ev)
{
	bool handshaking = state == S_SYN_SENT || state == S_SYN_RCVD;

	switch (ev) {
	case ATCP_EV_PASSIVE_OPEN:
		if (state == S_CLOSED || state == S_LISTEN)
			return 0;
		return ATCP_FSM_EINVAL;
	case ATCP_EV_ACTIVE_OPEN:
		if (state == S_CLOSED)
			return 0;
		return handshaking ? ATCP_FSM_EALREADY : ATCP_FSM_EISCONN;
	default:
		return state == S_CLOSED ? ATCP_FSM_ENOTCONN : 0;
	}
}

static const struct expect *find_expect(int state, int ev, bool passive)
{
	unsigned int i;
	int bit = passive ? PASV : ACTV;

	for (i = 0; i < ARRAY_SIZE(expected); i++)
		if (expected[i].state == state && expected[i].ev == ev &&
		    (expected[i].who & bit))
			return &expected[i];
	return NULL;
}

static void fmt_actions(char *buf, size_t len, u16 actions)
{
	unsigned int bit;
	size_t used = 0;

	buf[0] = '\0';
	for (bit = 0; bit < 16 && used < len; bit++) {
		if (!(actions & (1U << bit)))
			continue;
		used += snprintf(buf + used, len - used, "%s%s",
				 used ? "|" : "",
				 atcp_action_name((u16)(1U << bit)));
	}
	if (!actions)
		snprintf(buf, len, "-");
}

static void test_exhaustive(void)
{
	unsigned int matched[ARRAY_SIZE(expected)] = { 0 };
	unsigned int i;
	int state, ev, p;

	for (state = 1; state < ATCP_NR_STATES; state++) {
		for (ev = 0; ev < ATCP_NR_EVENTS; ev++) {
			for (p = 0; p <= 1; p++) {
				const struct expect *e = find_expect(state, ev,
								     p);
				struct atcp_transition tr = { 0xee, 0xee,
							      0xeeee };
				u8 want_next = state;
				u16 want_act = 0;
				int want_err = 0;
				char got[160], want[160];
				int rc;

				if (e) {
					want_next = e->next;
					want_act = e->actions;
					matched[e - expected]++;
				} else if (is_user_event(ev)) {
					want_err = expected_user_err(state, ev);
				}
				rc = atcp_fsm_step(state, ev, p, &tr);
				fmt_actions(got, sizeof(got), tr.actions);
				fmt_actions(want, sizeof(want), want_act);
				tap_ok(rc == 0 && tr.next == want_next &&
				       tr.actions == want_act &&
				       tr.err == want_err,
				       "%s + %s (%s) -> %s %s err %s",
				       atcp_state_name(state),
				       atcp_event_name(ev),
				       p ? "passive" : "active",
				       atcp_state_name(tr.next), got,
				       atcp_fsm_err_name(tr.err));
				if (tr.next != want_next ||
				    tr.actions != want_act ||
				    tr.err != want_err)
					tap_diag("expected %s %s err %s",
						 atcp_state_name(want_next),
						 want,
						 atcp_fsm_err_name(want_err));
			}
		}
	}

	/* Guard against typos in the expectation list itself. */
	for (i = 0; i < ARRAY_SIZE(expected); i++) {
		int uses = (expected[i].who & PASV ? 1 : 0) +
			   (expected[i].who & ACTV ? 1 : 0);

		tap_ok(uses && matched[i] == (unsigned int)uses,
		       "expectation %u (%s + %s) used exactly %d times", i,
		       atcp_state_name(expected[i].state),
		       atcp_event_name(expected[i].ev), uses);
	}
}

/* Rules that must hold in every cell, whatever the table says. */
static void test_invariants(void)
{
	int state, ev, p, bad = 0;

	for (state = 1; state < ATCP_NR_STATES; state++) {
		for (ev = 0; ev < ATCP_NR_EVENTS; ev++) {
			for (p = 0; p <= 1; p++) {
				struct atcp_transition tr;
				u16 a;

				if (atcp_fsm_step(state, ev, p, &tr)) {
					bad++;
					continue;
				}
				a = tr.actions;
				if (tr.next == 0 || tr.next >= ATCP_NR_STATES)
					bad++;
				if (a & ~ATCP_ACT_ALL)
					bad++;
				if (tr.err && (a || tr.next != state ||
					       !is_user_event(ev)))
					bad++;
				if (tr.err >= ATCP_FSM_NR_ERRS)
					bad++;
				/* Leaving for CLOSED always frees the TCB. */
				if (state != S_CLOSED && tr.next == S_CLOSED &&
				    !(a & DEL))
					bad++;
				if ((a & DEL) && tr.next != S_CLOSED)
					bad++;
				if ((a & TW) && tr.next != S_TIME_WAIT)
					bad++;
				if ((a & CONN) && tr.next != S_ESTAB)
					bad++;
				if ((a & LISTEN) &&
				    (!p || tr.next != S_LISTEN))
					bad++;
				if ((a & (ERESET | ETIME)) == (ERESET | ETIME))
					bad++;
				/* the peer's FIN is acknowledged, at once or soon */
				if ((a & SHUTRD) && !(a & (ACK | DELACK)))
					bad++;
				/* Only segments and timers go to TIME-WAIT. */
				if (tr.next == S_TIME_WAIT &&
				    state != S_TIME_WAIT && is_user_event(ev))
					bad++;
			}
		}
	}
	tap_ok(bad == 0, "per-cell invariants hold (%d violations)", bad);
}

static bool step_expect(u8 *state, int ev, bool passive, u8 want_next,
			u16 want_act, const char *what)
{
	struct atcp_transition tr;
	int rc;

	rc = atcp_fsm_step(*state, ev, passive, &tr);
	tap_ok(rc == 0 && tr.err == 0 && tr.next == want_next &&
	       tr.actions == want_act, "%s: %s + %s -> %s", what,
	       atcp_state_name(*state), atcp_event_name(ev),
	       atcp_state_name(tr.next));
	*state = tr.next;
	return rc == 0 && tr.next == want_next;
}

static void test_paths(void)
{
	u8 s;

	s = S_CLOSED;
	step_expect(&s, ATCP_EV_ACTIVE_OPEN, false, S_SYN_SENT, SYN,
		    "client");
	step_expect(&s, ATCP_EV_RCV_SYNACK, false, S_ESTAB, ACK | CONN,
		    "client");
	step_expect(&s, ATCP_EV_CLOSE, false, S_FW1, FIN, "client");
	step_expect(&s, ATCP_EV_RCV_ACK_FIN, false, S_FW2, 0, "client");
	step_expect(&s, ATCP_EV_RCV_FIN, false, S_TIME_WAIT,
		    ACK | SHUTRD | TW, "client");
	step_expect(&s, ATCP_EV_RCV_FIN, false, S_TIME_WAIT, ACK | TW,
		    "client (FIN retransmitted)");
	step_expect(&s, ATCP_EV_TIMEOUT_2MSL, false, S_CLOSED, DEL,
		    "client");

	s = S_CLOSED;
	step_expect(&s, ATCP_EV_PASSIVE_OPEN, true, S_LISTEN, 0, "server");
	step_expect(&s, ATCP_EV_RCV_SYN, true, S_SYN_RCVD, SYNACK, "server");
	step_expect(&s, ATCP_EV_RCV_ACK_SYN, true, S_ESTAB, CONN, "server");
	step_expect(&s, ATCP_EV_RCV_FIN, true, S_CLOSE_WAIT, DELACK | SHUTRD,
		    "server");
	step_expect(&s, ATCP_EV_CLOSE, true, S_LAST_ACK, FIN, "server");
	step_expect(&s, ATCP_EV_RCV_ACK_FIN, true, S_CLOSED, DEL, "server");

	/* Both ends send SYN at once (RFC 9293 figure 8). */
	s = S_CLOSED;
	step_expect(&s, ATCP_EV_ACTIVE_OPEN, false, S_SYN_SENT, SYN,
		    "simultaneous open");
	step_expect(&s, ATCP_EV_RCV_SYN, false, S_SYN_RCVD, SYNACK,
		    "simultaneous open");
	step_expect(&s, ATCP_EV_RCV_SYNACK, false, S_ESTAB, ACK | CONN,
		    "simultaneous open");

	/* Simultaneous open refused while in SYN-RECEIVED. */
	s = S_SYN_SENT;
	step_expect(&s, ATCP_EV_RCV_SYN, false, S_SYN_RCVD, SYNACK,
		    "simultaneous open, reset");
	step_expect(&s, ATCP_EV_RCV_RST, false, S_CLOSED, ERESET | DEL,
		    "simultaneous open, reset");

	/* A passive SYN-RECEIVED is reset back to LISTEN. */
	s = S_LISTEN;
	step_expect(&s, ATCP_EV_RCV_SYN, true, S_SYN_RCVD, SYNACK,
		    "passive reset");
	step_expect(&s, ATCP_EV_RCV_RST, true, S_LISTEN, LISTEN,
		    "passive reset");

	/* Both ends close at once (RFC 9293 figure 13). */
	s = S_ESTAB;
	step_expect(&s, ATCP_EV_CLOSE, false, S_FW1, FIN,
		    "simultaneous close");
	step_expect(&s, ATCP_EV_RCV_FIN, false, S_CLOSING, ACK | SHUTRD,
		    "simultaneous close");
	step_expect(&s, ATCP_EV_RCV_ACK_FIN, false, S_TIME_WAIT, TW,
		    "simultaneous close");
	step_expect(&s, ATCP_EV_TIMEOUT_2MSL, false, S_CLOSED, DEL,
		    "simultaneous close");

	/* Peer's FIN acks ours: FIN-WAIT-1 straight to TIME-WAIT. */
	s = S_ESTAB;
	step_expect(&s, ATCP_EV_CLOSE, true, S_FW1, FIN, "FIN+ACK");
	step_expect(&s, ATCP_EV_RCV_FIN_ACK_FIN, true, S_TIME_WAIT,
		    ACK | SHUTRD | TW, "FIN+ACK");

	/* close() in SYN-RECEIVED sends FIN; the handshake still ends. */
	s = S_SYN_RCVD;
	step_expect(&s, ATCP_EV_CLOSE, true, S_FW1, FIN,
		    "close in SYN-RECEIVED");
	step_expect(&s, ATCP_EV_RCV_ACK_FIN, true, S_FW2, 0,
		    "close in SYN-RECEIVED");
}

/* Breadth-first search over the engine, both values of passive. */
static void test_reachability(void)
{
	bool seen[ATCP_NR_STATES] = { false };
	u8 queue[ATCP_NR_STATES];
	unsigned int head = 0, tail = 0;
	int state, ev, p, n = 0;

	seen[S_CLOSED] = true;
	queue[tail++] = S_CLOSED;
	while (head < tail) {
		u8 s = queue[head++];

		for (ev = 0; ev < ATCP_NR_EVENTS; ev++) {
			for (p = 0; p <= 1; p++) {
				struct atcp_transition tr;

				if (atcp_fsm_step(s, ev, p, &tr) || tr.err ||
				    tr.next == 0 ||
				    tr.next >= ATCP_NR_STATES ||
				    seen[tr.next])
					continue;
				seen[tr.next] = true;
				queue[tail++] = tr.next;
			}
		}
	}
	for (state = 1; state < ATCP_NR_STATES; state++) {
		tap_ok(seen[state], "%s reachable from CLOSED",
		       atcp_state_name(state));
		n += seen[state];
	}
	tap_ok(n == 11, "all 11 states reachable (%d)", n);

	/* And CLOSED is reachable back from each of them. */
	for (state = 1; state < ATCP_NR_STATES; state++) {
		bool back = false;

		for (ev = 0; ev < ATCP_NR_EVENTS && !back; ev++) {
			for (p = 0; p <= 1; p++) {
				struct atcp_transition tr;

				if (!atcp_fsm_step(state, ev, p, &tr) &&
				    !tr.err && tr.next == S_CLOSED &&
				    (state == S_CLOSED || (tr.actions & DEL)))
					back = true;
			}
		}
		tap_ok(back, "%s has a direct way to CLOSED",
		       atcp_state_name(state));
	}
}

static void test_bad_input(void)
{
	static const int bad_states[] = { 0, ATCP_NR_STATES, 13, 255 };
	static const int bad_events[] = { -1, ATCP_NR_EVENTS, 100 };
	struct atcp_transition tr;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad_states); i++) {
		memset(&tr, 0x5a, sizeof(tr));
		tap_ok(atcp_fsm_step(bad_states[i], ATCP_EV_RCV_SYN, true,
				     &tr) < 0 &&
		       tr.next == 0x5a && tr.err == 0x5a &&
		       tr.actions == 0x5a5a,
		       "state %d rejected, output untouched", bad_states[i]);
		tap_ok(!strcmp(atcp_state_name(bad_states[i]), "INVALID"),
		       "state %d has no name", bad_states[i]);
	}
	for (i = 0; i < ARRAY_SIZE(bad_events); i++) {
		memset(&tr, 0x5a, sizeof(tr));
		tap_ok(atcp_fsm_step(ATCP_ESTABLISHED,
				     (enum atcp_event)bad_events[i], false,
				     &tr) < 0 &&
		       tr.next == 0x5a && tr.actions == 0x5a5a,
		       "event %d rejected, output untouched", bad_events[i]);
		tap_ok(!strcmp(atcp_event_name((enum atcp_event)bad_events[i]),
			       "INVALID"),
		       "event %d has no name", bad_events[i]);
	}
	tap_ok(atcp_fsm_step(ATCP_CLOSE, ATCP_EV_ACTIVE_OPEN, false,
			     &tr) == 0,
	       "in-range input accepted");
}

static void test_names(void)
{
	static const char *const rfc[] = {
		[ATCP_ESTABLISHED] = "ESTABLISHED",
		[ATCP_SYN_SENT] = "SYN-SENT",
		[ATCP_SYN_RECV] = "SYN-RECEIVED",
		[ATCP_FIN_WAIT1] = "FIN-WAIT-1",
		[ATCP_FIN_WAIT2] = "FIN-WAIT-2",
		[ATCP_TIME_WAIT] = "TIME-WAIT",
		[ATCP_CLOSE] = "CLOSED",
		[ATCP_CLOSE_WAIT] = "CLOSE-WAIT",
		[ATCP_LAST_ACK] = "LAST-ACK",
		[ATCP_LISTEN] = "LISTEN",
		[ATCP_CLOSING] = "CLOSING",
	};
	/* Linux's numbering from include/net/tcp_states.h. */
	static const int linux_codes[][2] = {
		{ ATCP_ESTABLISHED, 1 }, { ATCP_SYN_SENT, 2 },
		{ ATCP_SYN_RECV, 3 }, { ATCP_FIN_WAIT1, 4 },
		{ ATCP_FIN_WAIT2, 5 }, { ATCP_TIME_WAIT, 6 },
		{ ATCP_CLOSE, 7 }, { ATCP_CLOSE_WAIT, 8 },
		{ ATCP_LAST_ACK, 9 }, { ATCP_LISTEN, 10 },
		{ ATCP_CLOSING, 11 }, { ATCP_NR_STATES, 12 },
	};
	unsigned int i, j;
	int s, ev, dup = 0, codes_ok = 0;

	for (s = 1; s < ATCP_NR_STATES; s++)
		tap_ok(!strcmp(atcp_state_name(s), rfc[s]),
		       "state %d named %s", s, atcp_state_name(s));
	for (i = 0; i < ARRAY_SIZE(linux_codes); i++)
		codes_ok += linux_codes[i][0] == linux_codes[i][1];
	tap_ok(codes_ok == (int)ARRAY_SIZE(linux_codes),
	       "state codes equal Linux TCP_* codes");

	for (ev = 0; ev < ATCP_NR_EVENTS; ev++)
		for (j = ev + 1; j < ATCP_NR_EVENTS; j++)
			dup += !strcmp(atcp_event_name(ev),
				       atcp_event_name(j));
	tap_ok(dup == 0 && !strcmp(atcp_event_name(ATCP_EV_RCV_FIN_ACK_FIN),
				   "RCV_FIN_ACK_FIN"),
	       "event names distinct");

	dup = 0;
	for (i = 0; i < ATCP_ACT_NR_BITS; i++) {
		if (!strcmp(atcp_action_name(1U << i), "INVALID"))
			dup++;
		for (j = i + 1; j < ATCP_ACT_NR_BITS; j++)
			dup += !strcmp(atcp_action_name(1U << i),
				       atcp_action_name(1U << j));
	}
	tap_ok(dup == 0, "action names distinct and defined");
	tap_ok(!strcmp(atcp_action_name(ATCP_ACT_SEND_RST), "SEND_RST") &&
	       !strcmp(atcp_action_name(ATCP_ACT_CHALLENGE_ACK),
		       "CHALLENGE_ACK"),
	       "action names match their bits");
	tap_ok(!strcmp(atcp_action_name(0), "INVALID") &&
	       !strcmp(atcp_action_name(ACK | FIN), "INVALID") &&
	       !strcmp(atcp_action_name(1U << ATCP_ACT_NR_BITS), "INVALID"),
	       "action name of 0, of two bits, of unknown bit rejected");
	tap_ok(!strcmp(atcp_fsm_err_name(ATCP_FSM_EALREADY), "EALREADY") &&
	       !strcmp(atcp_fsm_err_name(0), "OK") &&
	       !strcmp(atcp_fsm_err_name(ATCP_FSM_NR_ERRS), "INVALID"),
	       "error names");
}

/* The helper and the RCV_SYN column must agree on every state. */
static void test_syn_sync(void)
{
	int state, p, disagree = 0, yes = 0;

	for (state = 1; state < ATCP_NR_STATES; state++) {
		for (p = 0; p <= 1; p++) {
			struct atcp_transition tr;
			bool table;

			atcp_fsm_step(state, ATCP_EV_RCV_SYN, p, &tr);
			table = tr.actions & CHACK;
			if (table != atcp_syn_in_sync_state(state, p))
				disagree++;
			yes += table;
		}
	}
	/* 7 synchronized states twice, plus active SYN-RECEIVED once. */
	tap_ok(disagree == 0 && yes == 15,
	       "atcp_syn_in_sync_state() matches the table (%d, %d)",
	       disagree, yes);
	tap_ok(atcp_syn_in_sync_state(S_ESTAB, true) &&
	       atcp_syn_in_sync_state(S_TIME_WAIT, false) &&
	       !atcp_syn_in_sync_state(S_LISTEN, true) &&
	       !atcp_syn_in_sync_state(S_SYN_SENT, false) &&
	       !atcp_syn_in_sync_state(S_SYN_RCVD, true) &&
	       atcp_syn_in_sync_state(S_SYN_RCVD, false) &&
	       !atcp_syn_in_sync_state(0, false) &&
	       !atcp_syn_in_sync_state(ATCP_NR_STATES, false),
	       "atcp_syn_in_sync_state() spot checks");
}

struct seq_case {
	u32 seq, len, rcv_nxt, rcv_wnd;
	bool ok;
};

static void test_seq_acceptable(void)
{
	static const struct seq_case cases[] = {
		/* len 0, wnd 0: only SEG.SEQ == RCV.NXT. */
		{ 1000, 0, 1000, 0, true },
		{ 999, 0, 1000, 0, false },
		{ 1001, 0, 1000, 0, false },
		{ 0, 0, 0, 0, true },
		{ 0xffffffff, 0, 0, 0, false },
		/* len 0, wnd > 0: RCV.NXT <= SEG.SEQ < RCV.NXT + WND. */
		{ 1000, 0, 1000, 100, true },
		{ 1099, 0, 1000, 100, true },
		{ 1100, 0, 1000, 100, false },
		{ 999, 0, 1000, 100, false },
		/* ... across the wrap. */
		{ 0xffffffff, 0, 0xfffffff0, 0x20, true },
		{ 0x0000000f, 0, 0xfffffff0, 0x20, true },
		{ 0x00000010, 0, 0xfffffff0, 0x20, false },
		{ 0xffffffef, 0, 0xfffffff0, 0x20, false },
		{ 0, 0, 0xffffffff, 1, false },
		{ 0xffffffff, 0, 0xffffffff, 1, true },
		{ 0, 0, 0xffffffff, 2, true },
		/* len > 0, wnd 0: never. */
		{ 1000, 1, 1000, 0, false },
		{ 1000, 500, 1000, 0, false },
		{ 0xffffffff, 1, 0xffffffff, 0, false },
		/* len > 0, wnd > 0: first or last octet in window. */
		{ 1000, 10, 1000, 100, true },
		{ 990, 10, 1000, 100, false },	/* ends at 999 */
		{ 991, 10, 1000, 100, true },	/* ends at 1000 */
		{ 1099, 10, 1000, 100, true },	/* starts at last octet */
		{ 1100, 10, 1000, 100, false },
		{ 900, 300, 1000, 100, false },	/* covers, neither end */
		{ 950, 100, 1000, 100, true },	/* last octet 1049 */
		/* ... across the wrap. */
		{ 0xfffffff8, 0x10, 0, 0x100, true }, /* last is 7 */
		{ 0xfffffff0, 0x10, 0, 0x100, false }, /* last is -1 */
		{ 0xfffffff1, 0x10, 0, 0x100, true }, /* last is 0 */
		{ 0xffffff00, 0x100, 0xfffffff0, 0x20, true },
		{ 0x0000000f, 5, 0xfffffff0, 0x20, true },
		{ 0x00000010, 5, 0xfffffff0, 0x20, false },
		{ 0xfffffffe, 1, 0xffffffff, 1, false },
		{ 0xffffffff, 1, 0xffffffff, 1, true },
		{ 0, 1, 0xffffffff, 1, false },
		/* RCV.NXT at 2^31 boundaries: no signed overflow issues. */
		{ 0x80000000, 0, 0x7fffffff, 2, true },
		{ 0x7fffffff, 0, 0x80000000, 2, false },
		{ 0x7ffffff0, 0x20, 0x80000000, 0x100, true },
		/* A full 1 GiB scaled window. */
		{ 0x3fffffff, 1, 0, 0x40000000, true },
		{ 0x40000000, 1, 0, 0x40000000, false },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct seq_case *c = &cases[i];

		tap_ok(atcp_seq_acceptable(c->seq, c->len, c->rcv_nxt,
					   c->rcv_wnd) == c->ok,
		       "seq %#x len %u nxt %#x wnd %#x %s", c->seq, c->len,
		       c->rcv_nxt, c->rcv_wnd,
		       c->ok ? "acceptable" : "unacceptable");
	}
}

static void test_seq_check(void)
{
	static const struct {
		u32 seq, len;
		bool plain_ack;
		u32 rcv_nxt, rcv_wnd;
		enum atcp_seq_verdict v;
	} cases[] = {
		/* what the RFC's test takes, whatever the flags */
		{ 1000, 10, true, 1000, 100, ATCP_SEQ_OK },
		{ 1000, 10, false, 1000, 100, ATCP_SEQ_OK },
		{ 1050, 0, true, 1000, 100, ATCP_SEQ_OK },
		/* a closed window: a probe at RCV.NXT, its ACK only */
		{ 1000, 1, true, 1000, 0, ATCP_SEQ_ACK_ONLY },
		{ 1000, 1, false, 1000, 0, ATCP_SEQ_BAD },
		{ 1000, 0, true, 1000, 0, ATCP_SEQ_OK },
		{ 1001, 0, true, 1000, 0, ATCP_SEQ_BAD },
		/* at the right edge of an open window */
		{ 1100, 0, true, 1000, 100, ATCP_SEQ_OK },
		{ 1100, 1, true, 1000, 100, ATCP_SEQ_ACK_ONLY },
		{ 1100, 500, true, 1000, 100, ATCP_SEQ_ACK_ONLY },
		{ 1100, 0, false, 1000, 100, ATCP_SEQ_BAD },
		{ 1100, 1, false, 1000, 100, ATCP_SEQ_BAD },
		/* one past it, or old */
		{ 1101, 0, true, 1000, 100, ATCP_SEQ_BAD },
		{ 1101, 1, true, 1000, 100, ATCP_SEQ_BAD },
		{ 999, 0, true, 1000, 100, ATCP_SEQ_BAD },
		{ 900, 10, true, 1000, 100, ATCP_SEQ_BAD },
		/* the edge across the wrap */
		{ 0x10, 0, true, 0xfffffff0, 0x20, ATCP_SEQ_OK },
		{ 0x10, 8, true, 0xfffffff0, 0x20, ATCP_SEQ_ACK_ONLY },
		{ 0x11, 0, true, 0xfffffff0, 0x20, ATCP_SEQ_BAD },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		tap_ok(atcp_seq_check(cases[i].seq, cases[i].len,
				      cases[i].plain_ack, cases[i].rcv_nxt,
				      cases[i].rcv_wnd) == cases[i].v,
		       "seq %#x len %u %s nxt %#x wnd %#x: verdict %d",
		       cases[i].seq, cases[i].len,
		       cases[i].plain_ack ? "ACK" : "SYN/RST",
		       cases[i].rcv_nxt, cases[i].rcv_wnd, cases[i].v);
}

static void test_rst_check(void)
{
	static const struct {
		u32 seq, rcv_nxt, rcv_wnd;
		enum atcp_rst_verdict v;
	} cases[] = {
		{ 5000, 5000, 1000, ATCP_RST_ACCEPT },
		{ 5001, 5000, 1000, ATCP_RST_CHALLENGE },
		{ 5999, 5000, 1000, ATCP_RST_CHALLENGE },
		{ 6000, 5000, 1000, ATCP_RST_DROP },
		{ 4999, 5000, 1000, ATCP_RST_DROP },
		{ 5000, 5000, 0, ATCP_RST_ACCEPT },
		{ 5001, 5000, 0, ATCP_RST_DROP },
		{ 0, 0xffffff00, 0x200, ATCP_RST_CHALLENGE },
		{ 0xffffff00, 0xffffff00, 0x200, ATCP_RST_ACCEPT },
		{ 0x000000ff, 0xffffff00, 0x200, ATCP_RST_CHALLENGE },
		{ 0x00000100, 0xffffff00, 0x200, ATCP_RST_DROP },
		{ 0xfffffeff, 0xffffff00, 0x200, ATCP_RST_DROP },
		{ 0, 0, 1, ATCP_RST_ACCEPT },
		{ 1, 0, 1, ATCP_RST_DROP },
		{ 0xffffffff, 0, 1, ATCP_RST_DROP },
		{ 0xffffffff, 0xffffffff, 1, ATCP_RST_ACCEPT },
		{ 0, 0xffffffff, 2, ATCP_RST_CHALLENGE },
		{ 0x80000000, 0, 0x40000000, ATCP_RST_DROP },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		tap_ok(atcp_rst_check(cases[i].seq, cases[i].rcv_nxt,
				      cases[i].rcv_wnd) == cases[i].v,
		       "RST seq %#x nxt %#x wnd %#x -> verdict %d",
		       cases[i].seq, cases[i].rcv_nxt, cases[i].rcv_wnd,
		       cases[i].v);
}

static void test_ack_check(void)
{
	static const struct {
		u32 ack, una, nxt, max_wnd;
		enum atcp_ack_verdict v;
	} cases[] = {
		{ 1000, 1000, 2000, 500, ATCP_ACK_DUP },
		{ 1001, 1000, 2000, 500, ATCP_ACK_OK },
		{ 2000, 1000, 2000, 500, ATCP_ACK_OK },
		{ 2001, 1000, 2000, 500, ATCP_ACK_FUTURE },
		{ 999, 1000, 2000, 500, ATCP_ACK_OLD },
		{ 500, 1000, 2000, 500, ATCP_ACK_OLD },
		{ 499, 1000, 2000, 500, ATCP_ACK_CHALLENGE },
		/* Nothing in flight. */
		{ 1000, 1000, 1000, 500, ATCP_ACK_DUP },
		{ 1001, 1000, 1000, 500, ATCP_ACK_FUTURE },
		/* SYN-SENT: SND.UNA = ISS, SND.NXT = ISS + 1. */
		{ 0xffffffff, 0xffffffff, 0, 0, ATCP_ACK_DUP },
		{ 0, 0xffffffff, 0, 0, ATCP_ACK_OK },
		{ 1, 0xffffffff, 0, 0, ATCP_ACK_FUTURE },
		{ 0xfffffffe, 0xffffffff, 0, 0, ATCP_ACK_CHALLENGE },
		/* Flight across the wrap. */
		{ 0xfffffff0, 0xfffffff0, 0x10, 0x100, ATCP_ACK_DUP },
		{ 0xffffffff, 0xfffffff0, 0x10, 0x100, ATCP_ACK_OK },
		{ 0x00000000, 0xfffffff0, 0x10, 0x100, ATCP_ACK_OK },
		{ 0x00000010, 0xfffffff0, 0x10, 0x100, ATCP_ACK_OK },
		{ 0x00000011, 0xfffffff0, 0x10, 0x100, ATCP_ACK_FUTURE },
		{ 0xffffffef, 0xfffffff0, 0x10, 0x100, ATCP_ACK_OLD },
		{ 0xfffffef0, 0xfffffff0, 0x10, 0x100, ATCP_ACK_OLD },
		{ 0xfffffeef, 0xfffffff0, 0x10, 0x100, ATCP_ACK_CHALLENGE },
		/* Old window reaching back across the wrap. */
		{ 0xffffffff, 0x10, 0x20, 0x100, ATCP_ACK_OLD },
		{ 0xffffff10, 0x10, 0x20, 0x100, ATCP_ACK_OLD },
		{ 0xffffff0f, 0x10, 0x20, 0x100, ATCP_ACK_CHALLENGE },
		/* Half the space away: forged either way, never OK. */
		{ 0x80001000, 0x1000, 0x2000, 0x10000, ATCP_ACK_CHALLENGE },
		{ 0x80000fff, 0x1000, 0x2000, 0x10000, ATCP_ACK_FUTURE },
		{ 0x7fffffff, 0x80000000, 0x80000001, 0, ATCP_ACK_CHALLENGE },
		{ 0x80000001, 0x80000000, 0x80000001, 0, ATCP_ACK_OK },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		tap_ok(atcp_ack_check(cases[i].ack, cases[i].una,
				      cases[i].nxt, cases[i].max_wnd) ==
		       cases[i].v,
		       "ACK %#x una %#x nxt %#x maxwnd %#x -> verdict %d",
		       cases[i].ack, cases[i].una, cases[i].nxt,
		       cases[i].max_wnd, cases[i].v);
}

int main(void)
{
	test_exhaustive();
	test_invariants();
	test_paths();
	test_reachability();
	test_bad_input();
	test_names();
	test_syn_sync();
	test_seq_acceptable();
	test_seq_check();
	test_rst_check();
	test_ack_check();
	return tap_finish();
}

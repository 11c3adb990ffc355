// SPDX-License-Identifier: GPL-2.0
/*
 * Print atcp's state engine as a Graphviz digraph.
 *
 * Built by "make docs"; by hand, from the top of the tree:
 *
 *	cc -Imodule -o fsm-dot scripts/<this file> module/atcp_fsm.c
 *	./fsm-dot | dot -Tsvg > fsm.svg
 *
 * The graph is generated from atcp_fsm_step() itself, so the documentation
 * cannot drift from the code.  The classic client path is drawn solid blue,
 * the server path dashed red; every other transition is a thin grey edge,
 * one per (from, to) pair, labelled with all its events.  Refused user calls
 * and cells that do nothing are left out.  Output is deterministic.
 */
#include <stdio.h>
#include <string.h>

#include "atcp_compat.h"
#include "atcp_fsm.h"

struct path_edge {
	u8 from;
	u8 ev;
};

static const struct path_edge client_path[] = {
	{ ATCP_CLOSE, ATCP_EV_ACTIVE_OPEN },
	{ ATCP_SYN_SENT, ATCP_EV_RCV_SYNACK },
	{ ATCP_ESTABLISHED, ATCP_EV_CLOSE },
	{ ATCP_FIN_WAIT1, ATCP_EV_RCV_ACK_FIN },
	{ ATCP_FIN_WAIT2, ATCP_EV_RCV_FIN },
	{ ATCP_TIME_WAIT, ATCP_EV_TIMEOUT_2MSL },
};

static const struct path_edge server_path[] = {
	{ ATCP_CLOSE, ATCP_EV_PASSIVE_OPEN },
	{ ATCP_LISTEN, ATCP_EV_RCV_SYN },
	{ ATCP_SYN_RECV, ATCP_EV_RCV_ACK_SYN },
	{ ATCP_ESTABLISHED, ATCP_EV_RCV_FIN },
	{ ATCP_CLOSE_WAIT, ATCP_EV_CLOSE },
	{ ATCP_LAST_ACK, ATCP_EV_RCV_ACK_FIN },
};

/* Order in which the states are declared, roughly top to bottom. */
static const u8 state_order[] = {
	ATCP_CLOSE, ATCP_LISTEN, ATCP_SYN_SENT, ATCP_SYN_RECV,
	ATCP_ESTABLISHED, ATCP_FIN_WAIT1, ATCP_CLOSE_WAIT, ATCP_FIN_WAIT2,
	ATCP_CLOSING, ATCP_LAST_ACK, ATCP_TIME_WAIT,
};

static bool on_path(const struct path_edge *p, size_t n, u8 from, int ev)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i].from == from && p[i].ev == ev)
			return true;
	return false;
}

static void put_actions(char *buf, size_t len, u16 actions)
{
	size_t used = 0;
	unsigned int bit;

	if (!actions) {
		snprintf(buf, len, "-");
		return;
	}
	buf[0] = '\0';
	for (bit = 0; bit < ATCP_ACT_NR_BITS && used < len; bit++) {
		if (!(actions & (1U << bit)))
			continue;
		used += snprintf(buf + used, len - used, "%s%s",
				 used ? "," : "",
				 atcp_action_name((u16)(1U << bit)));
	}
}

/*
 * Append "EVENT [variant] / ACTIONS" for one cell to @label, or print it
 * as its own styled edge when it is part of a highlighted path.
 */
static void do_cell(char *label, size_t len, u8 from, u8 to, int ev,
		    const char *variant, u16 actions)
{
	char acts[256];
	size_t used = strlen(label);
	const char *color = NULL, *style = NULL;

	put_actions(acts, sizeof(acts), actions);
	if (on_path(client_path, ARRAY_SIZE(client_path), from, ev)) {
		color = "blue";
		style = "solid";
	} else if (on_path(server_path, ARRAY_SIZE(server_path), from, ev)) {
		color = "red";
		style = "dashed";
	}

	if (color) {
		printf("\t\"%s\" -> \"%s\" [label=\"%s%s / %s\", ",
		       atcp_state_name(from), atcp_state_name(to),
		       atcp_event_name(ev), variant, acts);
		printf("color=%s, fontcolor=%s, style=%s, penwidth=2.5];\n",
		       color, color, style);
		return;
	}
	if (used < len)
		snprintf(label + used, len - used, "%s%s%s / %s",
			 used ? "\\n" : "", atcp_event_name(ev), variant,
			 acts);
}

static bool shown(const struct atcp_transition *tr, u8 from, u8 to)
{
	/* Refused calls and cells that do nothing are not drawn. */
	return !tr->err && tr->next == to && (to != from || tr->actions);
}

/* All edges from @from to @to: highlighted ones alone, the rest merged. */
static int print_pair(u8 from, u8 to)
{
	static const char grey[] =
		"color=grey50, fontcolor=grey30, penwidth=0.7";
	char label[2048] = "";
	int ev;

	for (ev = 0; ev < ATCP_NR_EVENTS; ev++) {
		struct atcp_transition pa, ac;

		if (atcp_fsm_step(from, ev, true, &pa) ||
		    atcp_fsm_step(from, ev, false, &ac))
			return -1;
		if (pa.next == ac.next && pa.actions == ac.actions &&
		    pa.err == ac.err) {
			if (shown(&pa, from, to))
				do_cell(label, sizeof(label), from, to, ev, "",
					pa.actions);
			continue;
		}
		/* The passive flag matters for this cell. */
		if (shown(&pa, from, to))
			do_cell(label, sizeof(label), from, to, ev,
				" [passive]", pa.actions);
		if (shown(&ac, from, to))
			do_cell(label, sizeof(label), from, to, ev,
				" [active]", ac.actions);
	}
	if (label[0])
		printf("\t\"%s\" -> \"%s\" [label=\"%s\", %s];\n",
		       atcp_state_name(from), atcp_state_name(to), label, grey);
	return 0;
}

int main(void)
{
	size_t f, t;

	printf("digraph atcp_fsm {\n");
	printf("\tgraph [rankdir=TB, fontname=\"Helvetica\", labelloc=t,\n");
	printf("\t       label=\"atcp state engine (RFC 9293)\\n");
	printf("blue: client path, red dashed: server path\"];\n");
	printf("\tnode [shape=box, style=rounded, fontname=\"Helvetica\"];\n");
	printf("\tedge [fontname=\"Helvetica\", fontsize=9];\n");
	for (f = 0; f < ARRAY_SIZE(state_order); f++)
		printf("\t\"%s\";\n", atcp_state_name(state_order[f]));

	for (f = 0; f < ARRAY_SIZE(state_order); f++)
		for (t = 0; t < ARRAY_SIZE(state_order); t++)
			if (print_pair(state_order[f], state_order[t]))
				return 1;
	printf("}\n");
	return 0;
}

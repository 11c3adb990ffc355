// SPDX-License-Identifier: GPL-2.0
/*
 * test_pathm.c - path metrics: how an ending connection's estimates are
 * folded into its peer's entry, against Linux's tcp_update_metrics()
 * worked by hand.
 */
#include <string.h>
#include "atcp_pathm.h"
#include "tap.h"

static struct atcp_pathm_conn conn(u32 srtt, u32 rttvar, u32 cwnd,
				   u32 ssthresh, u8 phase)
{
	struct atcp_pathm_conn c = {
		.srtt_us = srtt, .rttvar_us = rttvar, .cwnd = cwnd,
		.ssthresh = ssthresh, .reordering = 3,
		.default_reordering = 3, .phase = phase,
		.save_ssthresh = true,
	};

	return c;
}

static void test_rtt(void)
{
	struct atcp_pathm m = { 0 };
	struct atcp_pathm_conn c = conn(100000, 10000, 10, ~0U,
					ATCP_PATHM_INITIAL_SS);

	/* a new entry takes the RTT; the variation is at least the change */
	atcp_pathm_save(&m, &c);
	tap_ok(m.rtt_us == 100000 && m.rttvar_us == 100000,
	       "rtt: a first connection's RTT kept (rtt 100 ms, rttvar 100 ms)");

	/*
	 * shorter: averaged in by an eighth; the variation, 80 ms now,
	 * moves a quarter of the way to it
	 */
	c.srtt_us = 20000;
	atcp_pathm_save(&m, &c);
	tap_ok(m.rtt_us == 90000 && m.rttvar_us == 95000,
	       "rtt: a shorter one moves it an eighth (90 ms), rttvar a quarter toward 80 ms (95 ms)");
	/* the same RTT: a quarter toward the connection's own 10 ms */
	c.srtt_us = 90000;
	atcp_pathm_save(&m, &c);
	tap_ok(m.rtt_us == 90000 && m.rttvar_us == 73750,
	       "rtt: the same RTT: rttvar a quarter toward the connection's (73.75 ms)");

	/* longer: replaces */
	c.srtt_us = 300000;
	atcp_pathm_save(&m, &c);
	tap_ok(m.rtt_us == 300000 && m.rttvar_us == 210000,
	       "rtt: a longer one replaces it (300 ms), rttvar the change (210 ms)");

	/* no valid estimate: forgotten, the rest kept */
	c.srtt_us = 0;
	m.cwnd = 7;
	atcp_pathm_save(&m, &c);
	tap_ok(m.rtt_us == 0 && m.cwnd == 7,
	       "rtt: a connection without an estimate clears it, nothing else");
}

static void test_window(void)
{
	struct atcp_pathm m = { 0 };
	struct atcp_pathm_conn c = conn(1000, 500, 40, ~0U,
					ATCP_PATHM_INITIAL_SS);

	/* first slow start: the largest window; no ssthresh made */
	atcp_pathm_save(&m, &c);
	c.cwnd = 20;
	atcp_pathm_save(&m, &c);
	tap_ok(m.cwnd == 40 && m.ssthresh == 0,
	       "initial slow start: largest window kept (40), no ssthresh");

	/* congestion avoidance: ssthresh max(cwnd/2, ssthresh), cwnd average */
	c = conn(1000, 500, 60, 20, ATCP_PATHM_CA);
	atcp_pathm_save(&m, &c);
	tap_ok(m.ssthresh == 30 && m.cwnd == 50,
	       "congestion avoidance: ssthresh 30 (half of 60), cwnd (40 + 60) / 2");
	c = conn(1000, 500, 30, 25, ATCP_PATHM_CA);
	atcp_pathm_save(&m, &c);
	tap_ok(m.ssthresh == 25 && m.cwnd == 40,
	       "congestion avoidance: ssthresh 25 (the connection's), cwnd 40");

	/* initial slow start raises a kept ssthresh to half the window */
	c = conn(1000, 500, 70, ~0U, ATCP_PATHM_INITIAL_SS);
	atcp_pathm_save(&m, &c);
	tap_ok(m.ssthresh == 35 && m.cwnd == 70,
	       "initial slow start: kept ssthresh raised to 35, cwnd 70");

	/* after a loss: cwnd toward ssthresh; ssthresh only grows */
	c = conn(1000, 500, 4, 10, ATCP_PATHM_OTHER);
	atcp_pathm_save(&m, &c);
	tap_ok(m.cwnd == 40 && m.ssthresh == 35,
	       "after a loss: cwnd (70 + 10) / 2, ssthresh 35 kept");
	c = conn(1000, 500, 4, 50, ATCP_PATHM_OTHER);
	atcp_pathm_save(&m, &c);
	tap_ok(m.cwnd == 45 && m.ssthresh == 50,
	       "after a loss: a larger ssthresh (50) replaces it");

	/* no_ssthresh_metrics_save: ssthresh never made nor changed */
	memset(&m, 0, sizeof(m));
	c = conn(1000, 500, 60, 20, ATCP_PATHM_CA);
	c.save_ssthresh = false;
	atcp_pathm_save(&m, &c);
	tap_ok(m.ssthresh == 0 && m.cwnd == 30,
	       "no_ssthresh_metrics_save: no ssthresh, cwnd still kept");
}

static void test_reordering(void)
{
	struct atcp_pathm m = { 0 };
	struct atcp_pathm_conn c = conn(1000, 500, 10, 5, ATCP_PATHM_OTHER);

	/* the default tells nothing */
	atcp_pathm_save(&m, &c);
	tap_ok(m.reordering == 0, "reordering: the default is not kept");
	c.reordering = 9;
	atcp_pathm_save(&m, &c);
	c.reordering = 6;
	atcp_pathm_save(&m, &c);
	tap_ok(m.reordering == 9, "reordering: the largest seen after a loss kept (9)");
	/* only after a loss: in congestion avoidance it is left */
	c = conn(1000, 500, 10, 5, ATCP_PATHM_CA);
	c.reordering = 12;
	atcp_pathm_save(&m, &c);
	tap_ok(m.reordering == 9, "reordering: not taken in congestion avoidance");
}

int main(void)
{
	test_rtt();
	test_window();
	test_reordering();
	return tap_finish();
}

// SPDX-License-Identifier: GPL-2.0
/*
 * test_plpmtu.c - the path MTU search (RFC 4821) run against simulated
 * paths, and the sizes it settles on against those Linux's arithmetic
 * gives (tcp_mtu_probe(), tcp_mtu_probing()).
 */
#include <stdio.h>
#include "atcp_plpmtu.h"
#include "tap.h"

/* IPv4 + TCP + timestamps: what an MTU holds besides the MSS */
#define HDR	52

/*
 * Probe a path that carries @path_mtu bytes, from @low up to @high, until
 * the search ends; how many probes it took in *@probes.
 */
static u32 search(u32 high, u32 low, u32 path_mtu, int threshold,
		  u32 *probes, u32 *lost)
{
	struct atcp_plpmtu p;
	u32 mtu, n = 0, bad = 0;

	atcp_plpmtu_init(&p, high, low, true, 0);
	*lost = 0;
	while ((mtu = atcp_plpmtu_next(&p, threshold)) && n < 64) {
		if (mtu <= p.search_low || mtu > p.search_high)
			bad++;
		atcp_plpmtu_sent(&p, mtu, 1000 * n, 1000 * n + mtu - HDR);
		if (atcp_plpmtu_next(&p, threshold))
			bad++;		/* one probe at a time */
		if (mtu <= path_mtu) {
			atcp_plpmtu_passed(&p);
		} else {
			atcp_plpmtu_failed(&p);
			(*lost)++;
		}
		n++;
	}
	*probes = n;
	return bad ? 0 : p.search_low;
}

static void test_search(void)
{
	u32 probes, lost, got;

	/*
	 * 1500 from base_mss 1024 (1076): 1288, 1394, 1447, 1473, 1486,
	 * 1493 all pass; 1500 - 1493 < 8 ends it.
	 */
	got = search(1500, 1076, 1500, 8, &probes, &lost);
	tap_ok(got == 1493 && probes == 6 && !lost,
	       "a 1500 path: the search ends at 1493 after 6 probes, none lost (%u, %u, %u)",
	       got, probes, lost);

	/* 1288 is lost; 1181, 1234, 1260, 1273, 1280 pass */
	got = search(1500, 1076, 1280, 8, &probes, &lost);
	tap_ok(got == 1280 && probes == 6 && lost == 1,
	       "a 1280 path: it finds 1280 exactly, one probe lost (%u, %u, %u)",
	       got, probes, lost);

	/* a path below base_mss's MTU: every probe lost, low stays */
	got = search(1500, 1076, 1000, 8, &probes, &lost);
	tap_ok(got == 1076 && lost == probes && probes > 0,
	       "a path narrower than the start: every probe lost, search_low stays 1076 (%u, %u)",
	       got, probes);

	/* a threshold as wide as the range: no probe at all */
	got = search(1500, 1076, 1500, 500, &probes, &lost);
	tap_ok(got == 1076 && probes == 0,
	       "probe_threshold 500 over a range of 424: no probe (%u)", probes);

	/* threshold 1 narrows it to a byte (the middle rounds down) */
	got = search(9000, 1076, 4321, 1, &probes, &lost);
	tap_ok((got == 4320 || got == 4321) && probes < 16,
	       "threshold 1 finds a 4321 path within a byte (%u, %u probes)",
	       got, probes);
}

static void test_black_hole(void)
{
	struct atcp_plpmtu p;
	u32 steps[6], i;
	int ok = 1;

	/* mtu_probing=1: the first timeout turns the search on */
	atcp_plpmtu_init(&p, 1500, 1024 + HDR, false, 0);
	tap_ok(!atcp_plpmtu_next(&p, 8), "off: no probe");
	atcp_plpmtu_black_hole(&p, HDR, 1024, 48, 77);
	tap_ok(p.on && p.search_low == 1076 && p.started == 77,
	       "the first black-hole timeout turns it on at base_mss (low %u)",
	       p.search_low);

	/* then each halves the MSS: 512, 256, 128, 64, 48, 48 */
	for (i = 0; i < 6; i++) {
		atcp_plpmtu_black_hole(&p, HDR, 1024, 48, 78);
		steps[i] = p.search_low - HDR;
	}
	ok = steps[0] == 512 && steps[1] == 256 && steps[2] == 128 &&
	     steps[3] == 64 && steps[4] == 48 && steps[5] == 48;
	tap_ok(ok, "later ones halve the MSS down to the floor: %u %u %u %u %u %u",
	       steps[0], steps[1], steps[2], steps[3], steps[4], steps[5]);

	/* base_mss caps the halving, mtu_probe_floor bounds it below */
	atcp_plpmtu_init(&p, 9000, 8000 + HDR, true, 0);
	atcp_plpmtu_black_hole(&p, HDR, 1024, 48, 0);
	tap_ok(p.search_low == 1024 + HDR,
	       "from 8000, half would be 4000: base_mss 1024 caps it (%u)",
	       p.search_low - HDR);
	atcp_plpmtu_black_hole(&p, HDR, 1024, 600, 0);
	tap_ok(p.search_low == 600 + HDR,
	       "mtu_probe_floor 600 stops the halving at 600 (%u)",
	       p.search_low - HDR);
}

static void test_restart_and_cwnd(void)
{
	struct atcp_plpmtu p;

	atcp_plpmtu_init(&p, 1500, 1076, true, 1000);
	tap_ok(!atcp_plpmtu_restart_due(&p, 1599, 600) &&
	       atcp_plpmtu_restart_due(&p, 1600, 600),
	       "the search runs again probe_interval after it began");
	atcp_plpmtu_init(&p, 1500, 1076, true, 0xfffffff0u);
	tap_ok(!atcp_plpmtu_restart_due(&p, 0x100, 600) &&
	       atcp_plpmtu_restart_due(&p, 0x250, 600),
	       "... across the wrap of the clock");
	p.on = false;
	tap_ok(!atcp_plpmtu_restart_due(&p, 0x250, 600), "... and never while off");

	tap_ok(atcp_plpmtu_scale_cwnd(20, 1076, 1288) == 16,
	       "a window of 20 segments of 1076 becomes 16 of 1288 (%u)",
	       atcp_plpmtu_scale_cwnd(20, 1076, 1288));
	tap_ok(atcp_plpmtu_scale_cwnd(1, 1076, 1500) == 1,
	       "never below one segment");
	tap_ok(atcp_plpmtu_scale_cwnd(4000000000u, 65535, 576) == U32_MAX,
	       "no overflow: a huge window saturates");

	/* an ICMP error lowered search_high below search_low */
	atcp_plpmtu_init(&p, 1000, 1076, true, 0);
	tap_ok(!atcp_plpmtu_next(&p, 8), "an empty range: no probe");
	atcp_plpmtu_init(&p, 1076, 1076, true, 0);
	tap_ok(!atcp_plpmtu_next(&p, 0), "threshold 0 over an empty range: no probe");
}

int main(void)
{
	test_search();
	test_black_hole();
	test_restart_and_cwnd();
	return tap_finish();
}

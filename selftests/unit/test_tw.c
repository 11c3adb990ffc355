// SPDX-License-Identifier: GPL-2.0
/*
 * test_tw.c - TIME-WAIT decisions (atcp_tw.c): each kind of segment
 * against an entry, with and without timestamps and rfc1337, tw_reuse,
 * the reuse ISS and the bucket hash.
 */
#include "atcp_tw.h"
#include "tap.h"

#define RCV_NXT	1000000u
#define TS_RECENT 5000u

static const struct atcp_tw_view tw_ts = {
	.rcv_nxt = RCV_NXT, .ts_recent = TS_RECENT, .ts = true,
};
static const struct atcp_tw_view tw_plain = { .rcv_nxt = RCV_NXT };

static enum atcp_tw_action act(const struct atcp_tw_view *tw,
			       struct atcp_tw_seg seg, bool rfc1337)
{
	return atcp_tw_segment(tw, &seg, rfc1337);
}

static void test_fin_and_duplicates(void)
{
	/* the peer's FIN took RCV.NXT - 1 */
	tap_ok(act(&tw_plain, (struct atcp_tw_seg){ .seq = RCV_NXT - 1,
		   .fin = true, .ack = true }, false) == ATCP_TW_FIN_AGAIN,
	       "retransmitted FIN: re-ACK and restart");
	tap_ok(act(&tw_plain, (struct atcp_tw_seg){ .seq = RCV_NXT - 101,
		   .len = 100, .fin = true, .ack = true }, false) ==
	       ATCP_TW_FIN_AGAIN,
	       "retransmitted FIN carrying the last 100 bytes: the same");
	tap_ok(act(&tw_ts, (struct atcp_tw_seg){ .seq = RCV_NXT - 1,
		   .fin = true, .ack = true, .ts = true,
		   .tsval = TS_RECENT + 7 }, false) == ATCP_TW_FIN_AGAIN,
	       "retransmitted FIN with a newer TSval: the same");
	tap_ok(act(&tw_ts, (struct atcp_tw_seg){ .seq = RCV_NXT - 1,
		   .fin = true, .ack = true, .ts = true,
		   .tsval = TS_RECENT - 7 }, false) == ATCP_TW_ACK,
	       "FIN with an older TSval (PAWS): ACK only, no restart");
	tap_ok(act(&tw_plain, (struct atcp_tw_seg){ .seq = RCV_NXT - 5000,
		   .fin = true, .ack = true }, false) == ATCP_TW_ACK,
	       "a FIN elsewhere is an old duplicate: ACK only");
	tap_ok(act(&tw_plain, (struct atcp_tw_seg){ .seq = RCV_NXT - 101,
		   .len = 100, .ack = true }, false) == ATCP_TW_ACK,
	       "old duplicate data: ACK only");
	tap_ok(act(&tw_plain, (struct atcp_tw_seg){ .seq = RCV_NXT,
		   .ack = true }, false) == ATCP_TW_IGNORE,
	       "bare ACK: no answer");
	tap_ok(act(&tw_plain, (struct atcp_tw_seg){ .seq = RCV_NXT - 1,
		   .syn = true, .ack = true }, false) == ATCP_TW_ACK,
	       "SYN-ACK: ACK only");
}

static void test_rst(void)
{
	struct atcp_tw_seg rst = { .seq = RCV_NXT, .rst = true };

	tap_ok(act(&tw_plain, rst, false) == ATCP_TW_KILL,
	       "RST at RCV.NXT ends TIME-WAIT");
	tap_ok(act(&tw_plain, rst, true) == ATCP_TW_IGNORE,
	       "rfc1337: the same RST is ignored");
	rst.seq = RCV_NXT + 1;
	tap_ok(act(&tw_plain, rst, false) == ATCP_TW_IGNORE,
	       "RST off RCV.NXT is ignored");
	rst.seq = RCV_NXT;
	rst.ack = true;
	tap_ok(act(&tw_ts, rst, false) == ATCP_TW_KILL,
	       "RST+ACK at RCV.NXT, timestamps in use: ends TIME-WAIT");
}

static void test_syn(void)
{
	struct atcp_tw_seg syn = { .syn = true };

	syn.seq = RCV_NXT + 1;
	tap_ok(act(&tw_plain, syn, false) == ATCP_TW_NEW_SYN,
	       "no timestamps, SYN beyond RCV.NXT: new incarnation");
	syn.seq = RCV_NXT;
	tap_ok(act(&tw_plain, syn, false) == ATCP_TW_ACK,
	       "no timestamps, SYN at RCV.NXT: ACK");
	syn.seq = RCV_NXT - 1000;
	tap_ok(act(&tw_plain, syn, false) == ATCP_TW_ACK,
	       "no timestamps, SYN below RCV.NXT: ACK");
	syn.seq = RCV_NXT + 0x7fff0000u;
	tap_ok(act(&tw_plain, syn, false) == ATCP_TW_NEW_SYN,
	       "SYN far ahead on the sequence circle: new incarnation");
	syn.seq = RCV_NXT + 0x80000001u;
	tap_ok(act(&tw_plain, syn, false) == ATCP_TW_ACK,
	       "SYN more than 2^31 ahead reads as behind: ACK");

	syn.seq = RCV_NXT - 1000;
	syn.ts = true;
	syn.tsval = TS_RECENT + 1;
	tap_ok(act(&tw_ts, syn, false) == ATCP_TW_NEW_SYN,
	       "SYN below RCV.NXT with a newer TSval: new incarnation");
	syn.tsval = TS_RECENT;
	tap_ok(act(&tw_ts, syn, false) == ATCP_TW_ACK,
	       "SYN below RCV.NXT with the same TSval: ACK");
	syn.seq = RCV_NXT + 1000;
	tap_ok(act(&tw_ts, syn, false) == ATCP_TW_NEW_SYN,
	       "SYN beyond RCV.NXT with the same TSval: new incarnation");
	syn.tsval = TS_RECENT - 1;
	tap_ok(act(&tw_ts, syn, false) == ATCP_TW_ACK,
	       "SYN beyond RCV.NXT with an older TSval (PAWS): ACK");
	syn.seq = RCV_NXT - 1000;
	syn.ts = false;
	tap_ok(act(&tw_ts, syn, false) == ATCP_TW_ACK,
	       "SYN without a timestamp to a timestamped entry, below: ACK");
	syn.seq = RCV_NXT + 1;
	syn.rst = true;
	tap_ok(act(&tw_plain, syn, true) == ATCP_TW_IGNORE,
	       "SYN+RST is a RST: ignored with rfc1337");
}

static void test_reuse(void)
{
	tap_ok(!atcp_tw_reusable(ATCP_TW_REUSE_OFF, true, true, 5000),
	       "tw_reuse 0: never");
	tap_ok(atcp_tw_reusable(ATCP_TW_REUSE_ON, false, true, 1001),
	       "tw_reuse 1: an entry older than 1 s with timestamps");
	tap_ok(!atcp_tw_reusable(ATCP_TW_REUSE_ON, false, true, 1000),
	       "tw_reuse 1: not at exactly 1 s");
	tap_ok(!atcp_tw_reusable(ATCP_TW_REUSE_ON, false, false, 50000),
	       "tw_reuse 1: never without timestamps");
	tap_ok(!atcp_tw_reusable(ATCP_TW_REUSE_LOOPBACK, false, true, 5000),
	       "tw_reuse 2: not between other addresses");
	tap_ok(atcp_tw_reusable(ATCP_TW_REUSE_LOOPBACK, true, true, 5000),
	       "tw_reuse 2: on loopback");
	tap_ok(!atcp_tw_reusable(7, true, true, 5000),
	       "an unknown mode reuses nothing");
	tap_ok(atcp_tw_reuse_iss(1000) == 1000 + 65537,
	       "reuse ISS: SND.NXT + 65537");
	tap_ok(atcp_tw_reuse_iss(0xffffffffu - 65536) == 1,
	       "reuse ISS: never 0");
}

static void test_bucket(void)
{
	siphash_key_t k1 = { { 1, 2 } }, k2 = { { 3, 4 } };
	struct atcp_tw_key a = {
		.laddr = { [10] = 0xff, [11] = 0xff, 198, 18, 0, 1 },
		.faddr = { [10] = 0xff, [11] = 0xff, 198, 18, 0, 2 },
		.lport = 80, .fport = 40000, .net_mix = 7,
	};
	struct atcp_tw_key b = a;
	unsigned int i, used = 0;
	static unsigned char hit[1024];

	tap_ok(atcp_tw_bucket(&k1, &a, 1023) == atcp_tw_bucket(&k1, &b, 1023),
	       "bucket: the same tuple, the same bucket");
	for (i = 0; i < 4096; i++) {
		b.fport = (u16)i;
		hit[atcp_tw_bucket(&k1, &b, 1023)] = 1;
	}
	for (i = 0; i < 1024; i++)
		used += hit[i];
	/* 4096 keys into 1024 buckets leave about 1024 * e^-4 = 19 empty */
	tap_ok(used > 950 && used <= 1024,
	       "bucket: 4096 ports spread over %u of 1024 buckets", used);
	b = a;
	b.net_mix = 8;
	tap_ok(atcp_tw_bucket(&k1, &a, 0xffffffffu) !=
	       atcp_tw_bucket(&k1, &b, 0xffffffffu),
	       "bucket: the namespace changes the hash");
	tap_ok(atcp_tw_bucket(&k1, &a, 0xffffffffu) !=
	       atcp_tw_bucket(&k2, &a, 0xffffffffu),
	       "bucket: the secret changes the hash");
	tap_ok(atcp_tw_bucket(&k1, &a, 63) <= 63, "bucket: within the mask");
	/* 2001:db8::1 and ::ffff:... differ only where IPv4 has no bytes */
	b = a;
	memset(b.laddr, 0, 12);
	b.laddr[0] = 0x20;
	b.laddr[1] = 0x01;
	tap_ok(atcp_tw_bucket(&k1, &a, 0xffffffffu) !=
	       atcp_tw_bucket(&k1, &b, 0xffffffffu),
	       "bucket: all 16 bytes of an address count (IPv6)");
}

int main(void)
{
	test_fin_and_duplicates();
	test_rst();
	test_syn();
	test_reuse();
	test_bucket();
	return tap_finish();
}

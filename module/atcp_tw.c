// SPDX-License-Identifier: GPL-2.0
/*
 * atcp_tw.c - TIME-WAIT decisions; see atcp_tw.h.
 */
#include "atcp_tw.h"
#include "atcp_seq.h"

/*
 * RFC 9293 3.10.7.4 leaves the TIME-WAIT side little to do: the only
 * segment that can legitimately arrive is the peer's FIN again, because
 * our last ACK was lost; it is acknowledged and the 2MSL starts over.
 * Everything else is an old duplicate, a RST or a new connection attempt.
 */
enum atcp_tw_action atcp_tw_segment(const struct atcp_tw_view *tw,
				    const struct atcp_tw_seg *seg,
				    bool rfc1337)
{
	/* PAWS (RFC 7323 5.3): a TSval older than the last one is stale. */
	bool paws_old = tw->ts && seg->ts &&
			atcp_seq_before(seg->tsval, tw->ts_recent);

	if (seg->rst) {
		/*
		 * RFC 1337: a RST that kills TIME-WAIT early lets old
		 * duplicates into the next incarnation, so rfc1337 ignores
		 * it.  Otherwise only a RST exactly at RCV.NXT counts, as
		 * for any synchronized state (RFC 5961 3.2).
		 */
		if (!rfc1337 && seg->seq == tw->rcv_nxt)
			return ATCP_TW_KILL;
		return ATCP_TW_IGNORE;
	}
	if (seg->syn && !seg->ack) {
		/*
		 * RFC 6191: the SYN opens a new incarnation when it cannot
		 * belong to the old one, that is when its timestamp is newer
		 * than the last one seen, or, failing timestamps, when it
		 * starts beyond RCV.NXT.  Like Linux, a SYN that PAWS finds
		 * old never qualifies, and a later sequence number suffices
		 * even with timestamps (a peer that reconnects within its
		 * timestamp clock's tick).  Any other SYN is answered with
		 * an ACK (RFC 9293 3.10.7.4, RFC 5961 4).
		 */
		if (!paws_old &&
		    (atcp_seq_after(seg->seq, tw->rcv_nxt) ||
		     (tw->ts && seg->ts &&
		      atcp_seq_after(seg->tsval, tw->ts_recent))))
			return ATCP_TW_NEW_SYN;
		return ATCP_TW_ACK;
	}
	if (paws_old)
		return ATCP_TW_ACK;
	/* The FIN occupies RCV.NXT - 1: the peer's FIN, retransmitted. */
	if (seg->fin && seg->seq + seg->len + 1 == tw->rcv_nxt)
		return ATCP_TW_FIN_AGAIN;
	/*
	 * Old duplicates with data or flags are acknowledged and change
	 * nothing; a bare ACK needs no answer (answering ACKs with ACKs
	 * could loop).
	 */
	if (seg->len || seg->fin || seg->syn)
		return ATCP_TW_ACK;
	return ATCP_TW_IGNORE;
}

/*
 * May connect() take over an entry for a new connection on its 4-tuple?
 * Only when both incarnations use timestamps: the new connection's TSvals
 * come from the same clock and offset, so they are newer than anything of
 * the old one, and PAWS at both ends turns the old duplicates away.  The
 * entry must also have rested a while, as Linux requires it be at least
 * a second old (tcp_twsk_unique()).
 */
bool atcp_tw_reusable(int mode, bool loopback, bool ts, u32 age_ms)
{
	if (!ts || age_ms <= ATCP_TW_REUSE_AGE_MS)
		return false;
	switch (mode) {
	case ATCP_TW_REUSE_ON:
		return true;
	case ATCP_TW_REUSE_LOOPBACK:
		return loopback;
	default:
		return false;
	}
}

/*
 * The new connection's ISS: past everything the old one could have had
 * in flight (its SND.NXT plus a maximum unscaled window), as Linux does,
 * so that the peer, should it still hold the old connection, sees the
 * SYN beyond its RCV.NXT.  Zero is avoided so that it never reads as
 * "not set".
 */
u32 atcp_tw_reuse_iss(u32 old_snd_nxt)
{
	u32 iss = old_snd_nxt + 65535 + 2;

	return iss ? iss : 1;
}

/*
 * Keyed hash: a peer that can choose ports cannot aim all its TIME-WAIT
 * entries at one bucket.
 */
u32 atcp_tw_bucket(const siphash_key_t *secret, const struct atcp_tw_key *k,
		   u32 mask)
{
	return (u32)siphash(k, sizeof(*k), secret) & mask;
}

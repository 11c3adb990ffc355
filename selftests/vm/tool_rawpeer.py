#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""tool_rawpeer - a TCP peer made of raw packets, for what Linux never sends.

    tool_rawpeer.py IFACE SRC DST PORT [--ready FILE] [--timeout S]
    tool_rawpeer.py IFACE SRC DST PORT --syns N [--rounds K --hook PROG]
    tool_rawpeer.py IFACE SRC DST PORT --script R1,R2,... [--hook PROG]
    tool_rawpeer.py --serve

SRC and DST are IPv4 or IPv6 addresses.  Connects from SRC (a port of its own) to DST:PORT with a handshake of its
own (MSS 1000, no other option), sends 1000-byte segments until the
server's receive window is closed, creates FILE, and waits for data from
the server (the test has the server's application send some).  It does
not acknowledge that data at once: it answers as a BSD stack probes a
closed window, with one byte of data at the server's RCV.NXT whose ACK
field acknowledges the server's data.  The server must take the ACK and
drop only the byte.  Prints "ok ..." with the server's reply to the
probe, or "err ..." and exits 1.  The host's own stack must not answer
the server (the test drops its RSTs).

With --syns, once connected it sends N SYNs at once, each at the
server's RCV.NXT (in the window of a synchronized connection: RFC 5961
4.2 asks for a challenge ACK), and counts the ACKs the server sends in
the next 1.5 s; K rounds of that, running "PROG I" before round I > 1
(to change the server's settings), and prints "ok acks A1 A2 ..."

With --script, one connection per round (each from a port of its own,
"PROG I" before round I > 1), of the kind named, all with SACK permitted:

  hole  a handshake ACK 0.5 s late (a long first RTT sample), then five
        segments from the server (the test has it send 5000 bytes); the
        peer acknowledges the first and SACKs the third: the second looks
        lost, with too few SACKs above it for dupthresh;
  tail  the same, but the peer acknowledges four segments: the fifth
        looks lost and nothing is SACKed;
  ahead  the same, but ten segments from the server (the test has it
        send more, so that the window stops it), none acknowledged: the
        next one the server sends, new data if its tail loss probe
        sends that (RFC 8985 7.3), at its 11th segment;
  spurious  the same, but the peer SACKs the three above the hole (the
        second is lost at once), then acknowledges all five with a
        D-SACK for the second: its retransmission was spurious;
  timeout  the same as spurious, but the peer leaves the second
        segment's fast retransmission unanswered until the
        retransmission timer sends it again: a timeout during fast
        recovery;
  frto  the same as ahead (the test turns tail loss probes off), until
        the retransmission timer sends the first segment again; the peer
        acknowledges it, then the two next segments, as if its ACKs had
        only been late;
  prr   ten segments from the server, all acknowledged (slow start takes
        the window to 20), then twenty more (the test has it send more
        than 30000 bytes); the first of those is lost, and the peer
        SACKs the ones above it, one more with each of 8 ACKs, 0.1 s
        apart.  Until the SACKs the peer's window ends where the flight
        does, so that a tail loss probe can only resend;
  paced the same start as prr (the test has the server paced, at 100000
        bytes a second), then the peer SACKs the last ten of the
        twenty: the ten below are lost at once;
  dsack 500 bytes twice at RCV.NXT, then 500 bytes twice above a hole;
  ofo   20-byte segments above a hole of 100 bytes at the first, each
        sent once the server answered the one before and 20 bytes above
        it (no two make a run that could be copied into a fuller
        buffer), until one is not SACKed (the server's buffer, which the
        test makes small, is full), then the hole's: does the server
        still hold what it SACKed below the top?
  collapse  100-byte segments of the test pattern to a server with a
        small buffer (the test makes it so): three, of which the server's
        application reads 150 bytes in the second that follows, then as
        many at a time as its window takes, which the application does
        not read, until the window closes with everything acknowledged,
        or for a second no ACK comes.  Each segment costs the server far
        more buffer than its bytes, and its window was offered in bytes;
  jumble  3000 bytes of the test pattern and a FIN to a server with a
        small buffer: first 81 pieces of it, in an order of a fixed seed:
        a FIN alone, then pieces of 1 to 120 bytes, overlapping, above
        the first 100 bytes, the one that ends the stream with the FIN;
        then all of it in order, as the window takes it, until the FIN
        is acknowledged (20 s at most), each time from the server's ACK
        on after half a second without one.  The server's application
        reads it all;
  small window scaling offered (shift 7), then forty 300-byte segments,
        each sent once the server acknowledged the one before (the test's
        server reads nothing): each costs the server's receive buffer far
        more than the bytes it holds (a buffer of its own: a kmalloc'ed
        head, too big for the room left in the one before);
  shrink  five segments (5000 bytes) from the server, then the peer
        acknowledges one with a zero window: the server's retransmissions
        probe it, and the peer answers each for 3 s, then opens the window;
  rewound the same, but only once a timeout has sent the first segment
        again (going back N, into a window that then closes);
  zerownd the same as shrink with a window of 2000 bytes, full after two
        segments, acknowledged with a zero window: the server probes it;
  frag  over IPv6: 3000 bytes of the test pattern (tool_sockctl's) in
        one segment, sent as fragments of at most 1000 bytes, the last
        first; the server must acknowledge them all.
  rst   no handshake: an ACK to the listener, with TOS (traffic class)
        0x4a, DSCP 0x48 and ECT(0); the listener must reset it.
  edge  three segments from the server (the test has it send 3000
        bytes), then a pure ACK of them whose sequence number is the
        right edge of the server's window (ACK plus window), as from a
        peer that filled the window and lost its first segment: its
        ACK field is valid and must be taken;
  edgedata  the same with one byte of data at the edge: the byte is
        dropped, the ACK field taken.
  smallrtx  ten 100-byte segments from the server (the test has it
        send them one at a time, without Nagle), none acknowledged,
        then the first resend of the first of them, at the RTO.

For hole, tail and ahead the round's result is "S@MS": the next data
segment the server sends is its S-th (1 to 11), MS ms after the peer's
ACK (after the tenth segment for ahead); then the peer acknowledges
everything.  For frto it is "S@MS/A/B": the segment the timer resent
(S@MS as for ahead), then the segments sent within 0.3 s of the first
ACK (A) and of the second (B), each a comma-separated list of S.  For timeout it is "S@MS/S@MS": the
fast retransmission as for hole, then the next data segment, MS ms after
the first.  For prr it is "R/N:C1,...,C8": the server sent the lost
segment R times and N new ones while the 8 SACKs came, Ck of them after
the k-th; " probes I,..." follows when it also resent segments the peer
had (tail loss probes, when the peer read the flight slowly), which
are not counted in Ck.  For paced it is "N@MS": N of the ten lost
segments came again within a second of the SACK, the last MS ms after the
first (by the kernel's timestamps of their arrival).  For shrink,
rewound and zerownd it is
"N/ok": N probes were answered, and the rest of the data came once the
window opened, or "N/reset" when the server gave up.  For small it is
"N/A:D": of the A ACKs, N moved the right edge of the server's window
(ACK plus scaled window) left of where an earlier one had put it, and the
last edge lies D bytes from the first.  For frag it is "N": the
segment went out in N fragments.  For rst it is "R/0xNN": the reset
came, with the TOS byte (traffic class) NN.  For edge and edgedata it is
"R/A": the server resent R data segments from 0.5 s to 2 s after the
peer's segment (none when its ACK was taken), and sent A pure ACKs in
those 2 s.  For smallrtx it is "N/L": N segments came at distinct
sequence numbers, and the resend at the first of them holds L bytes.  For dsack it is "old=B/ofo=B": the
SACK blocks of the server's answers to the second copies, each "start-end"
relative to the peer's ISN, comma-separated, or "none".  For ofo it is
"S/A": the highest SACKed sequence number before the hole was filled,
and the ACK after, both relative to the peer's ISN (101 when the server
kept nothing above the hole).  For collapse it is "A/S:closed" or
"A/S:stalled": the server acknowledged A of the S bytes sent, and its
window closed, or the ACKs stopped short.  For jumble it is "A/3001": how
far the server's ACK went.  Each round
ends with a RST of IP TOS 4, so that no connection outlives its round
(the test's filter drops the RSTs of the host, TOS 0; over IPv6 the
traffic class is 4).  Prints
"ok R1 R2 ...".

With --serve, it reads jobs from standard input, one a line, each the
arguments of one of the forms above, and runs them one after the other;
after each job's output comes a line "done STATUS" (0 for ok, 1 for err).
Starting scapy takes seconds under an emulated CPU: a test pays for it
once.  "quit", an empty line or EOF ends it.
"""
import argparse
import os
import random
import select
import shlex
import subprocess
import sys
import time

from scapy.all import (IP, IPv6, IPv6ExtHdrFragment, TCP, conf, fragment6,
                       raw)

SEG = 1000
JOB = [0]                   # jobs run by this process, for source ports


class Peer:
    def __init__(self, iface, src, dst, dport, round_=0):
        self.src, self.dst, self.dport = src, dst, dport
        self.v6 = ":" in dst
        self.sport = 40000 + (os.getpid() * 256 + JOB[0] * 8 +
                              round_) % 20000
        # A packet socket: unfiltered, it would queue a copy of every
        # packet on the interface, never read, and the server's queued
        # skbs would stay cloned (their data shared) for the round.
        self.out = conf.L3socket(iface=iface, filter="less 0")
        self.inp = conf.L2listen(
            iface=iface,
            filter="tcp and src host %s and src port %d and dst port %d" %
            (dst, dport, self.sport))

    def close(self):
        self.out.close()
        self.inp.close()

    def send(self, flags, seq, ack, data=b"", options=None, window=65535,
             tos=0):
        tcp = TCP(sport=self.sport, dport=self.dport, flags=flags,
                  seq=seq % (1 << 32), ack=ack % (1 << 32), window=window,
                  options=options or [])
        self.out.send(self.ip(tos) / tcp / data)

    def ip(self, tos=0):
        if self.v6:
            return IPv6(src=self.src, dst=self.dst, tc=tos)
        return IP(src=self.src, dst=self.dst, tos=tos)

    def reset(self, seq):
        """A RST at @seq, TOS (traffic class) 4: the test's filter lets
        only those pass."""
        tcp = TCP(sport=self.sport, dport=self.dport, flags="R",
                  seq=seq % (1 << 32))
        self.out.send(self.ip(4) / tcp)

    def recv(self, timeout):
        """The next segment from the server, or None after timeout s."""
        end = time.monotonic() + timeout
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return None
            r, _, _ = select.select([self.inp], [], [], left)
            if not r:
                return None
            pkt = self.inp.recv()
            if pkt is not None and TCP in pkt:
                self.stamp = float(pkt.time)    # the kernel's, in s
                return pkt[TCP]


def challenge(p, n, snd_nxt):
    """N in-window SYNs at once; count the ACKs they draw."""
    time.sleep(0.2)         # the server's ACK of the handshake, if any
    while p.recv(0.1) is not None:
        pass
    for _ in range(n):
        p.send("S", snd_nxt, 0)
    acks = 0
    end = time.monotonic() + 1.5
    while True:
        seg = p.recv(max(end - time.monotonic(), 0))
        if seg is None:
            break
        if seg.flags.R:
            print("err the server reset the connection")
            return None
        if seg.flags == "A" and seg.ack == snd_nxt % (1 << 32):
            acks += 1
    return acks


def pattern(off, n):
    """Bytes @off to @off + @n - 1 of tool_sockctl's test pattern."""
    return bytes((i * 7 + i // 251) & 0xff for i in range(off, off + n))


def handshake(p, iss, delay=0.0, window=65535):
    """SYN with SACK permitted, the ACK @delay s after the SYN-ACK; the
    server's window in p.window."""
    p.send("S", iss, 0, options=[("MSS", SEG), ("SAckOK", b"")],
           window=window)
    seg = p.recv(3)
    if seg is None or seg.flags != "SA" or seg.ack != iss + 1:
        print("err no SYN-ACK: %r" % (seg and seg.summary()))
        return None
    time.sleep(delay)
    p.window = seg.window
    p.send("A", iss + 1, seg.seq + 1, window=window)
    return seg.seq + 1


def sack_blocks(seg, iss):
    for kind, val in seg.options:
        if kind == "SAck":
            return ",".join("%d-%d" % ((val[i] - iss) % (1 << 32),
                                       (val[i + 1] - iss) % (1 << 32))
                            for i in range(0, len(val) - 1, 2)) or "none"
    return "none"


def next_ack(p, ack, timeout=2.0):
    """The server's next pure ACK whose ACK field is @ack."""
    end = time.monotonic() + timeout
    while True:
        seg = p.recv(max(end - time.monotonic(), 0))
        if seg is None or (seg.flags.A and not len(seg.payload) and
                           seg.ack == ack % (1 << 32)):
            return seg


def round_dsack(p):
    iss = 2000000
    rcv_nxt = handshake(p, iss)
    if rcv_nxt is None:
        return None
    out = []
    for off in (1, 1001):
        for _ in range(2):
            p.send("PA", iss + off, rcv_nxt, b"x" * 500)
            seg = next_ack(p, iss + 501)
            if seg is None:
                print("err no ACK for data at %d" % off)
                return None
        out.append(sack_blocks(seg, iss))
    p.reset(iss + 501)
    return "old=%s/ofo=%s" % tuple(out)


def round_frag(p):
    """3000 bytes in one segment, fragmented, the fragments backwards."""
    iss = 5000000
    rcv_nxt = handshake(p, iss)
    if rcv_nxt is None:
        return None
    if not p.v6:
        print("err frag is for IPv6")
        return None
    data = pattern(0, 3000)
    tcp = TCP(sport=p.sport, dport=p.dport, flags="PA", seq=iss + 1,
              ack=rcv_nxt)
    frags = fragment6(p.ip() / IPv6ExtHdrFragment(id=0x5eed) / tcp / data,
                      1000)
    for f in reversed(frags):
        p.out.send(f)
    if next_ack(p, iss + 3001, timeout=5) is None:
        print("err no ACK of the %d fragments" % len(frags))
        return None
    time.sleep(1)           # the server's application reads them first
    p.reset(iss + 3001)
    return "%d" % len(frags)


def round_rst(p):
    """An ACK that matches nothing at the listener: the reset's TOS."""
    p.send("A", 7000000, 8000000, tos=0x4a)
    seg = p.recv(3)
    if seg is None or not seg.flags.R:
        print("err no reset: %r" % (seg and seg.summary()))
        return None
    ip = seg.underlayer
    return "R/0x%02x" % (ip.tc if p.v6 else ip.tos)


def round_ofo(p):
    """20-byte segments above a 100-byte hole, each 20 bytes above the
    one before, until one is not SACKed, then the hole's; how far the
    server's ACK goes then."""
    iss = 4000000
    hole = 100
    size = 20
    rcv_nxt = handshake(p, iss)
    if rcv_nxt is None:
        return None
    top = 0
    off = 1 + hole
    for _ in range(60):
        p.send("PA", iss + off, rcv_nxt, b"o" * size)
        seg = next_ack(p, iss + 1)
        if seg is None:
            break               # not even a duplicate ACK: not taken
        ends = [int(b.split("-")[1]) for b in
                sack_blocks(seg, iss).split(",") if "-" in b]
        if max(ends, default=0) < off + size:
            break
        top = off + size
        off += 2 * size
    p.send("PA", iss + 1, rcv_nxt, b"o" * hole)
    end = time.monotonic() + 2.0
    while True:
        seg = p.recv(max(end - time.monotonic(), 0))
        if seg is None:
            print("err no ACK once the hole was filled")
            return None
        if seg.flags.A and (seg.ack - iss) % (1 << 32) > 1:
            break
    p.reset(seg.ack)
    return "%d/%d" % (top, (seg.ack - iss) % (1 << 32))


def round_collapse(p):
    """100-byte segments of the test pattern, as many at a time as the
    server's window takes, until it closes or the server stops
    acknowledging what it took; how far the ACKs went."""
    iss = 6000000
    size = 100
    rcv_nxt = handshake(p, iss)
    if rcv_nxt is None:
        return None
    # three segments first, of which the test's reader takes 150 bytes:
    # a buffer half read, at the head of the queue
    for off in range(0, 3 * size, size):
        p.send("PA", iss + 1 + off, rcv_nxt, pattern(off, size))
    seg = next_ack(p, iss + 1 + 3 * size)
    if seg is None:
        print("err the first 300 bytes were not acknowledged")
        return None
    time.sleep(1)
    sent = una = 3 * size       # offsets in the stream
    right = una + seg.window
    state = "stalled"
    end = time.monotonic() + 20
    while time.monotonic() < end:
        while right - sent >= size:
            p.send("PA", iss + 1 + sent, rcv_nxt, pattern(sent, size))
            sent += size
        seg = p.recv(1.0)
        if seg is None:
            break               # a second without an ACK
        if seg.flags.R:
            print("err the server reset the connection")
            return None
        ack = (seg.ack - iss - 1) % (1 << 32)
        if not seg.flags.A or ack < una or ack > sent:
            continue
        una = ack
        right = max(right, una + seg.window)
        if una == sent and right - sent < size:
            state = "closed"
            break
    p.reset(iss + 1 + una)      # the server's RCV.NXT, whatever it dropped
    return "%d/%d:%s" % (una, sent, state)


def round_jumble(p):
    """3000 bytes of the test pattern and a FIN: first pieces of it above
    the first 100 bytes, overlapping, in an order of a fixed seed, then
    all of it in order until everything is acknowledged."""
    iss = 7000000
    total = 3000
    rcv_nxt = handshake(p, iss)
    if rcv_nxt is None:
        return None
    rnd = random.Random(4261)
    pieces = [(total, 0)]       # a FIN alone, early
    for _ in range(80):
        off = rnd.randrange(100, total)
        pieces.append((off, min(rnd.randrange(1, 121), total - off)))
    for off, n in pieces:
        fin = "F" if off + n == total else ""
        p.send("PA" + fin, iss + 1 + off, rcv_nxt, pattern(off, n))
        time.sleep(0.01)
    una, right = 0, p.window
    end = time.monotonic() + 20
    while una <= total and time.monotonic() < end:
        off = una
        while off < total and off < right:
            n = min(100, total - off)
            fin = "F" if off + n == total else ""
            p.send("PA" + fin, iss + 1 + off, rcv_nxt, pattern(off, n))
            off += n
        if una == total:
            p.send("FA", iss + 1 + total, rcv_nxt)
        while True:
            seg = p.recv(0.5)
            if seg is None:
                break           # then send again from the ACK on
            if seg.flags.R:
                print("err the server reset the connection")
                return None
            ack = (seg.ack - iss - 1) % (1 << 32)
            if seg.flags.A and una < ack <= total + 1:
                una = ack
                right = una + seg.window
    time.sleep(1)               # the server's application reads it first
    p.reset(iss + 1 + una)
    return "%d/%d" % (una, total + 1)


def collect(p, base, want, got, timeout=10, limit=5):
    """Data segments from the server until @got holds segments 0..want-1
    (counted from @base), none beyond @limit; False, with a message, if
    that fails."""
    end = time.monotonic() + timeout
    while len(got) < want:
        seg = p.recv(max(end - time.monotonic(), 0))
        if seg is None:
            print("err %d of %d segments from the server" % (len(got), want))
            return False
        if seg.flags.R:
            print("err the server reset the connection")
            return False
        # veth hands GSO packets over whole: a packet may hold several
        n = len(raw(seg.payload))
        off = (seg.seq - base) % (1 << 32)
        if not n and seg.flags == "A":
            continue
        if not n or n % SEG or off % SEG or off + n > limit * SEG:
            print("err unexpected segment: %s, %d bytes at %d" %
                  (seg.flags, n, off))
            return False
        got.update(range(off // SEG, (off + n) // SEG))
    return True


def round_window(p, kind):
    """The peer's window goes to zero for 3 s: over data in flight
    (shrink), or once it is full with data waiting (zerownd)."""
    iss = 4000000
    shrink = kind != "zerownd"
    rcv_nxt = handshake(p, iss, window=65535 if shrink else 2 * SEG)
    if rcv_nxt is None:
        return None
    base, got = rcv_nxt, set()
    if not collect(p, base, 5 if shrink else 2, got):
        return None
    if kind == "rewound":
        # wait for the timeout that sends the first segment again
        while True:
            seg = p.recv(10)
            if seg is None:
                print("err no timeout")
                return None
            if len(seg.payload) and seg.seq == base % (1 << 32):
                break
    acked = base + (SEG if shrink else 2 * SEG)
    p.send("A", iss + 1, acked, window=0)
    probes, end = 0, time.monotonic() + 3
    while True:
        seg = p.recv(max(end - time.monotonic(), 0))
        if seg is None:
            break
        if seg.flags.R:
            return "%d/reset" % probes
        if len(seg.payload) or seg.seq == (acked - 1) % (1 << 32):
            probes += 1
            p.send("A", iss + 1, acked, window=0)
    p.send("A", iss + 1, acked)
    if not collect(p, base, 5, got):
        return None
    p.send("A", iss + 1, base + 5 * SEG)
    p.reset(iss + 1)
    return "%d/ok" % probes


def round_edge(p, kind):
    """3000 bytes from the server, then a segment at the right edge of
    its window, as if the peer had sent a full window and lost the
    start of it, acknowledging them: data resent after the ACK, ACKs."""
    iss = 6000000
    rcv_nxt = handshake(p, iss)
    if rcv_nxt is None:
        return None
    top, edge, end = 0, 0, time.monotonic() + 10
    while top < 3 * SEG:
        seg = p.recv(max(end - time.monotonic(), 0))
        if seg is None or seg.flags.R:
            print("err %d of %d bytes from the server: %r" %
                  (top, 3 * SEG, seg and seg.summary()))
            return None
        off = (seg.seq - rcv_nxt) % (1 << 32)
        top = max(top, off + len(raw(seg.payload)))
        edge = max(edge, (seg.ack - iss - 1) % (1 << 32) + seg.window)
    p.send("PA" if kind == "edgedata" else "A", iss + 1 + edge,
           rcv_nxt + top, b"e" if kind == "edgedata" else b"")
    # The server may have sent a tail loss probe before the ACK came:
    # only what it resends from 0.5 s on counts (its timer's RTO, once
    # the probe went unanswered, is due by 1.4 s); ACKs count from the
    # start.
    resent, acks, t0 = 0, 0, time.monotonic()
    while True:
        seg = p.recv(max(t0 + 2 - time.monotonic(), 0))
        if seg is None:
            break
        if seg.flags.R:
            print("err the server reset the connection")
            return None
        if len(seg.payload):
            resent += time.monotonic() - t0 >= 0.5
        elif seg.flags == "A":
            acks += 1
    p.reset(iss + 1)
    return "%d/%d" % (resent, acks)


def round_smallrtx(p):
    """Ten 100-byte segments from the server, none acknowledged: how
    many came, and how long the resend at their start is."""
    iss = 6500000
    rcv_nxt = handshake(p, iss)
    if rcv_nxt is None:
        return None
    seqs, top, end = set(), 0, time.monotonic() + 10
    while True:
        seg = p.recv(max(end - time.monotonic(), 0))
        if seg is None or seg.flags.R:
            print("err %d bytes from the server, then %r" %
                  (top, seg and seg.summary()))
            return None
        n = len(raw(seg.payload))
        off = (seg.seq - rcv_nxt) % (1 << 32)
        if not n:
            continue
        # a tail loss probe may resend the first before the others
        if off == 0 and top >= 10 * 100:
            break
        seqs.add(off)
        top = max(top, off + n)
    p.reset(iss + 1)
    return "%d/%d" % (len(seqs), n)


def next_data(p, timeout=10):
    """The server's next data segment and the ms it took, or None."""
    t0 = time.monotonic()
    while True:
        seg = p.recv(max(t0 + timeout - time.monotonic(), 0))
        if seg is None:
            print("err nothing resent in %d s" % timeout)
            return None, 0
        if len(seg.payload):
            return seg, (time.monotonic() - t0) * 1000


def round_loss(p, kind):
    iss = 3000000
    flight = 10 if kind == "ahead" else 5
    rcv_nxt = handshake(p, iss, 0.5)
    if rcv_nxt is None:
        return None
    base = rcv_nxt
    if not collect(p, base, flight, set(), limit=flight):
        return None
    if kind == "ahead":
        pass
    elif kind == "hole":
        p.send("A", iss + 1, base + SEG,
               options=[("SAck", (base + 2 * SEG, base + 3 * SEG))])
    elif kind in ("spurious", "timeout"):
        p.send("A", iss + 1, base + SEG,
               options=[("SAck", (base + 2 * SEG, base + 5 * SEG))])
    else:
        p.send("A", iss + 1, base + 4 * SEG)
    seg, ms = next_data(p)
    if seg is None:
        return None
    res = "%d@%d" % ((seg.seq - base) % (1 << 32) // SEG + 1, ms)
    if kind == "timeout":
        seg, ms = next_data(p)
        if seg is None:
            return None
        res += "/%d@%d" % ((seg.seq - base) % (1 << 32) // SEG + 1, ms)
    if kind == "spurious":
        # the original came after all: the resent copy is a duplicate
        p.send("A", iss + 1, base + 5 * SEG,
               options=[("SAck", (base + SEG, base + 2 * SEG))])
        time.sleep(0.2)
    else:
        p.send("A", iss + 1, base + flight * SEG)
    p.reset(iss + 1)
    return res


def segments_within(p, base, secs):
    """The numbers (from 1) of the data segments that come within @secs."""
    out = []
    end = time.monotonic() + secs
    while True:
        seg = p.recv(max(end - time.monotonic(), 0))
        if seg is None:
            return ",".join(map(str, out)) or "none"
        first = (seg.seq - base) % (1 << 32) // SEG
        out += range(first + 1, first + 1 + len(raw(seg.payload)) // SEG)


def round_frto(p):
    """A timeout that the ACKs then show spurious: what the server sends."""
    iss = 6000000
    rcv_nxt = handshake(p, iss, 0.5)
    if rcv_nxt is None:
        return None
    base = rcv_nxt
    if not collect(p, base, 10, set(), limit=10):
        return None
    seg, ms = next_data(p)
    if seg is None:
        return None
    res = "%d@%d" % ((seg.seq - base) % (1 << 32) // SEG + 1, ms)
    p.send("A", iss + 1, base + SEG)
    res += "/" + segments_within(p, base, 0.3)
    p.send("A", iss + 1, base + 3 * SEG)
    res += "/" + segments_within(p, base, 0.3)
    p.reset(iss + 1)
    return res


def two_flights(p, iss):
    """A handshake with a window of ten segments, all ten acknowledged
    (slow start takes the server's window to 20), then twenty more, the
    peer's window ending where they do; the server's first sequence
    number, or None."""
    rcv_nxt = handshake(p, iss, window=10 * SEG)
    if rcv_nxt is None:
        return None
    base, got = rcv_nxt, set()
    if not collect(p, base, 10, got, limit=10):
        return None
    p.send("A", iss + 1, base + 10 * SEG, window=20 * SEG)
    if not collect(p, base, 30, got, limit=30):
        return None
    return base


def round_prr(p):
    """One loss in a window of 20, then 8 SACKs: what the server sends."""
    iss = 5000000
    base = two_flights(p, iss)
    if base is None:
        return None
    resent = new = 0
    each, probes = [], []
    for k in range(1, 9):
        p.send("A", iss + 1, base + 10 * SEG,
               options=[("SAck", ((base + 11 * SEG) % (1 << 32),
                                  (base + (11 + k) * SEG) % (1 << 32)))])
        end = time.monotonic() + 0.1
        each.append(0)
        while True:
            seg = p.recv(max(end - time.monotonic(), 0))
            if seg is None:
                break
            first = (seg.seq - base) % (1 << 32) // SEG
            for i in range(first, first + len(raw(seg.payload)) // SEG):
                # a tail loss probe, sent when the peer took more than
                # two round trips to read the flight, is no PRR decision
                if i != 10 and i < 30:
                    probes.append(i)
                    continue
                each[-1] += 1
                if i == 10:
                    resent += 1
                else:
                    new += 1
    p.reset(iss + 1)
    res = "%d/%d:%s" % (resent, new, ",".join(map(str, each)))
    if probes:
        res += " probes " + ",".join(map(str, probes))
    return res


def round_paced(p):
    """Ten of twenty segments lost at once at a paced server: how far
    apart their resends leave."""
    iss = 7000000
    base = two_flights(p, iss)
    if base is None:
        return None
    p.send("A", iss + 1, base + 10 * SEG, window=20 * SEG,
           options=[("SAck", ((base + 20 * SEG) % (1 << 32),
                              (base + 30 * SEG) % (1 << 32)))])
    stamps = {}
    end = time.monotonic() + 1.0
    while True:
        seg = p.recv(max(end - time.monotonic(), 0))
        if seg is None:
            break
        first = (seg.seq - base) % (1 << 32) // SEG
        for i in range(first, first + len(raw(seg.payload)) // SEG):
            # the hole's segments only: a tail loss probe resends others
            if 10 <= i < 20:
                stamps.setdefault(i, p.stamp)
    p.reset(iss + 1)
    if not stamps:
        return "0@0"
    return "%d@%d" % (len(stamps),
                      (max(stamps.values()) - min(stamps.values())) * 1000)


def round_small(p):
    """Forty 300-byte segments, each once the server acknowledged the one
    before; the right edges of its window (ACK plus scaled window)."""
    iss = 3000000
    p.send("S", iss, 0, options=[("MSS", SEG), ("SAckOK", b""),
                                 ("WScale", 7)])
    seg = p.recv(3)
    if seg is None or seg.flags != "SA" or seg.ack != iss + 1:
        print("err no SYN-ACK: %r" % (seg and seg.summary()))
        return None
    wscale = dict((k, v) for k, v in seg.options).get("WScale", 0)
    rcv_nxt = seg.seq + 1
    p.send("A", iss + 1, rcv_nxt)
    edges = []
    seq = iss + 1
    for i in range(1, 41):
        p.send("PA", seq, rcv_nxt, b"s" * 300)
        seq += 300
        ack = next_ack(p, seq)
        if ack is None:
            print("err segment %d was not acknowledged" % i)
            return None
        edges.append(ack.ack + (ack.window << wscale))
    p.reset(seq)
    receded = sum(1 for i in range(1, len(edges))
                  if edges[i] < max(edges[:i]))
    return "%d/%d:%d" % (receded, len(edges), edges[-1] - edges[0])


def script(a):
    res = []
    for i, kind in enumerate(a.script.split(","), 1):
        if i > 1 and a.hook:
            subprocess.run([a.hook, str(i)], check=True)
        p = Peer(a.iface, a.src, a.dst, a.port, i)
        try:
            if kind == "dsack":
                r = round_dsack(p)
            elif kind == "prr":
                r = round_prr(p)
            elif kind == "frto":
                r = round_frto(p)
            elif kind == "small":
                r = round_small(p)
            elif kind == "paced":
                r = round_paced(p)
            elif kind == "ofo":
                r = round_ofo(p)
            elif kind == "collapse":
                r = round_collapse(p)
            elif kind == "jumble":
                r = round_jumble(p)
            elif kind == "frag":
                r = round_frag(p)
            elif kind == "rst":
                r = round_rst(p)
            elif kind == "smallrtx":
                r = round_smallrtx(p)
            elif kind in ("edge", "edgedata"):
                r = round_edge(p, kind)
            elif kind in ("shrink", "rewound", "zerownd"):
                r = round_window(p, kind)
            else:
                r = round_loss(p, kind)
        finally:
            p.close()
        if r is None:
            return 1
        res.append(r)
    print("ok " + " ".join(res))
    return 0


def connection(a, p):
    """The forms without --script: one connection, from the handshake."""
    deadline = time.monotonic() + a.timeout

    iss = 1000000
    p.send("S", iss, 0, options=[("MSS", SEG)])
    seg = p.recv(3)
    if seg is None or seg.flags != "SA" or seg.ack != iss + 1:
        print("err no SYN-ACK: %r" % (seg and seg.summary()))
        return 1
    rcv_nxt = seg.seq + 1
    snd_nxt = iss + 1
    p.send("A", snd_nxt, rcv_nxt)
    if a.syns:
        counts = []
        for i in range(1, a.rounds + 1):
            if i > 1 and a.hook:
                subprocess.run([a.hook, str(i)], check=True)
            n = challenge(p, a.syns, snd_nxt)
            if n is None:
                return 1
            counts.append(str(n))
        print("ok acks " + " ".join(counts))
        return 0

    # Fill the server's window; it is closed when an ACK of everything
    # sent offers no more room.
    right = snd_nxt + seg.window
    sent = 0
    while time.monotonic() < deadline:
        room = (right - snd_nxt) % (1 << 32)
        if room and room < (1 << 31):
            n = min(room, SEG)
            p.send("A", snd_nxt, rcv_nxt, b"d" * n)
            snd_nxt += n
            sent += n
            continue
        seg = p.recv(0.5)
        if seg is None:
            break
        if seg.flags.R:
            print("err the server reset the connection")
            return 1
        right = seg.ack + seg.window
        if seg.ack == snd_nxt % (1 << 32) and seg.window == 0:
            break
    else:
        print("err the window did not close in %g s" % a.timeout)
        return 1
    if (right - snd_nxt) % (1 << 32):
        print("err the window stayed open after %d bytes" % sent)
        return 1

    if a.ready:
        open(a.ready, "w").close()
    while True:
        seg = p.recv(max(deadline - time.monotonic(), 0.01))
        if seg is None:
            print("err no data from the server after %d bytes" % sent)
            return 1
        if len(seg.payload):
            break
    data_end = seg.seq + len(raw(seg.payload))

    # The probe: one byte at RCV.NXT, acknowledging the server's data.
    p.send("A", snd_nxt, data_end, b"p")
    reply = p.recv(2)
    if reply is None:
        print("err no answer to the probe")
        return 1
    print("ok window closed after %d bytes; probe at %d acks %d; "
          "the server answers ack %d win %d" %
          (sent, snd_nxt % (1 << 32), data_end % (1 << 32), reply.ack,
           reply.window))
    return 0


def parser():
    ap = argparse.ArgumentParser()
    ap.add_argument("iface")
    ap.add_argument("src")
    ap.add_argument("dst")
    ap.add_argument("port", type=int)
    ap.add_argument("--ready")
    ap.add_argument("--timeout", type=float, default=20)
    ap.add_argument("--syns", type=int, default=0)
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--hook")
    ap.add_argument("--script")
    return ap


def run(a):
    if a.script:
        return script(a)
    p = Peer(a.iface, a.src, a.dst, a.port)
    try:
        return connection(a, p)
    finally:
        p.close()


def serve():
    """Jobs from standard input, one a line, each followed by "done N"."""
    ap = parser()
    for line in sys.stdin:
        if line.strip() in ("", "quit"):
            break
        JOB[0] += 1
        try:
            rc = run(ap.parse_args(shlex.split(line)))
        except SystemExit as e:         # argparse's usage errors
            rc = e.code if isinstance(e.code, int) else 2
        print("done %d" % rc, flush=True)
    return 0


def main():
    conf.verb = 0
    if sys.argv[1:] == ["--serve"]:
        sys.stdout.reconfigure(line_buffering=True)
        return serve()
    return run(parser().parse_args())


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""tool_synq - crafted handshakes against a listener, or a client's SYN.

    tool_synq.py IFACE SRC DST

Reads cases from stdin, one per line ("PORT CASE[:ARG]"), runs each in
turn and prints one line for it.  One scapy process serves a whole topic:
scapy takes seconds to start under TCG.  SRC is an address of the link
that no host has: the peer sends what is for it to our MAC (a static
neighbour entry), and our kernel drops it, so only this tool answers.
Each case uses a new random source port.

Against a listener at DST:PORT:

  schedule:SECS   a SYN and nothing more: "schedule T1 T2 ..." the arrival
                  times (s, after the SYN) of the SYN-ACKs in SECS seconds
  dupsyn          a SYN, its SYN-ACK, the same SYN again: "dupsyn same"
                  when a second SYN-ACK with the same ISN comes
  rst             a SYN, its SYN-ACK, a RST at RCV.NXT: "rst sent SPORT"
  lostack:N       a SYN, its SYN-ACK, no ACK, then N bytes of the test
                  pattern with ACK: "lostack acked K" with K the bytes
                  the listener's side acknowledged
  ack             a SYN, its SYN-ACK and the ACK: "ack FLAGS" of the
                  replies in a second ("none" for none), and "cookie-ts"
                  when the SYN-ACK's TSval ends in the bits a cookie puts
                  there for this SYN's options (WS 7 and SACK: 0x17)
  forged          as ack, but the ACK's number is off by 2^20, and with
                  the TOS byte 0x4a (DSCP 0x48, ECT(0)): "forged FLAGS
                  tos 0xNN", the TOS byte of the first reply
  save:FILE       a SYN, its SYN-ACK, no ACK: "save SPORT"; FILE gets what
                  the ACK needs
  replay:FILE     the ACK for the SYN-ACK saved in FILE: "replay FLAGS"
  tfocookie       a SYN asking for a Fast Open cookie, then a RST:
                  "tfocookie HEX", or "tfocookie none"
  tfo:HEX:N:MODE  a SYN with the Fast Open cookie HEX and N bytes of the
                  test pattern; for 1.5 s after its SYN-ACK, no ACK, the
                  data the server sends counted; then by MODE: ack (the
                  ACK, and 0.3 s later a RST), rst (a RST) or hold
                  (nothing): "tfo acked K early M", K the SYN's bytes the
                  SYN-ACK acknowledged, M the bytes sent before our ACK

The SYNs carry MSS 1460, SACK-permitted, a timestamp and window scale 7.

Against a client connecting to DST:PORT from SRC (SRC is then the
client's address and DST the one nobody has):

  oldsynack       wait up to 8 s for the client's SYN, answer it with a
                  SYN-ACK whose ACK is 100000 beyond it: "oldsynack R ok"
                  when the client resets it with SEQ = that ACK (RFC 9293
                  figure 9)

A line "ready" is printed once scapy is loaded.
"""
import json
import random
import sys
import time

from scapy.all import IP, TCP, AsyncSniffer, Raw, conf, send

SYN_OPTS = [("MSS", 1460), ("SAckOK", b""), ("Timestamp", (1000, 0)),
            ("NOP", None), ("WScale", 7)]


def pattern(n):
    return bytes(((i * 7 + i // 251) & 0xFF) for i in range(n))


class Sniffer:
    """An AsyncSniffer whose packets can be read while it runs."""

    def __init__(self, iface, flt):
        self.results = []
        started = []
        self.s = AsyncSniffer(iface=iface, filter=flt, store=False,
                              prn=self.results.append,
                              started_callback=lambda: started.append(1))
        self.s.start()
        while not started:
            time.sleep(0.01)

    def stop(self):
        self.s.stop()


class Peer:
    def __init__(self, iface, src, dst, port):
        self.iface, self.src, self.dst, self.port = iface, src, dst, port

    def sniff(self, sport):
        flt = "tcp and src host %s and src port %d and dst port %d" % (
            self.dst, self.port, sport)
        return Sniffer(self.iface, flt)

    def seg(self, sport, flags, seq, ack=0, data=b"", opts=None, tos=0):
        p = IP(src=self.src, dst=self.dst, tos=tos) / TCP(
            sport=sport, dport=self.port, flags=flags, seq=seq, ack=ack,
            window=64240, options=opts or [])
        if data:
            p = p / Raw(data)
        send(p, iface=self.iface)

    def handshake(self, sniffer, sport, isn):
        """Send a SYN; return the first SYN-ACK or None."""
        self.seg(sport, "S", isn, opts=SYN_OPTS)
        return wait_for(sniffer, lambda p: p[TCP].flags == "SA", 3)


def wait_for(sniffer, pred, secs, start=0):
    end = time.time() + secs
    while time.time() < end:
        for p in list(sniffer.results)[start:]:
            if TCP in p and pred(p):
                return p
        time.sleep(0.05)
    return None


def replies_after(sniffer, n, secs=1.0):
    time.sleep(secs)
    got = list(sniffer.results)[n:]
    return [p for p in got if TCP in p]


def flags_of(pkts):
    return ",".join(str(p[TCP].flags) for p in pkts) or "none"


def ts_of(p):
    return dict((k, v) for k, v in p[TCP].options).get("Timestamp")


def ack_opts(tsval, tsecr):
    """The options of our segments after the SYN, timestamps on."""
    return [("NOP", None), ("NOP", None), ("Timestamp", (tsval, tsecr))]


def new_flow(peer):
    """A new source port, ISN and sniffer for one case."""
    sport = random.randint(20000, 60000)
    return sport, random.randint(0, 2**32 - 1), peer.sniff(sport)


def tfo_cookie_of(p):
    """The Fast Open cookie of a segment's options (kind 34), or None."""
    raw = bytes(p[TCP])[20:p[TCP].dataofs * 4]
    i = 0
    while i < len(raw):
        if raw[i] == 0:
            break
        if raw[i] == 1:
            i += 1
            continue
        if i + 1 >= len(raw) or raw[i + 1] < 2:
            break
        if raw[i] == 34:
            return raw[i + 2:i + raw[i + 1]]
        i += raw[i + 1]
    return None


def case_fastopen(peer, name, arg):
    """tfocookie and tfo:HEX:N:MODE (Fast Open at a listener)."""
    sport, isn, sn = new_flow(peer)
    try:
        if name == "tfocookie":
            peer.seg(sport, "S", isn, opts=SYN_OPTS + [(34, b"")])
            sa = wait_for(sn, lambda p: p[TCP].flags == "SA", 3)
            if sa is None:
                return "tfocookie no-synack"
            peer.seg(sport, "R", isn + 1)
            c = tfo_cookie_of(sa)
            return "tfocookie " + (c.hex() if c else "none")
        cookie, n, mode = arg.split(":")
        data = pattern(int(n))
        peer.seg(sport, "S", isn, 0, data,
                 SYN_OPTS + [(34, bytes.fromhex(cookie))])
        sa = wait_for(sn, lambda p: p[TCP].flags == "SA", 3)
        if sa is None:
            return "tfo no-synack"
        iss = sa[TCP].seq
        acked = (sa[TCP].ack - isn - 1) % 2**32
        time.sleep(1.5)
        # bytes, not segments: the SYN-ACK's timer may send them again
        early = max([(p[TCP].seq + len(p[TCP].payload) - iss - 1) % 2**32
                     for p in list(sn.results) if TCP in p and
                     "S" not in str(p[TCP].flags) and len(p[TCP].payload)]
                    or [0])
        ts = ts_of(sa)
        opts = ack_opts(2000, ts[0]) if ts else []
        if mode == "ack":
            peer.seg(sport, "A", isn + 1 + acked, iss + 1 + early, b"", opts)
            time.sleep(0.3)
        if mode in ("ack", "rst"):
            peer.seg(sport, "R", isn + 1 + acked)
        return "tfo acked %d early %d" % (acked, early)
    finally:
        sn.stop()


def case_listener(peer, name, arg):
    sport, isn, sn = new_flow(peer)
    try:
        if name == "schedule":
            t0 = time.time()
            peer.seg(sport, "S", isn, opts=SYN_OPTS)
            time.sleep(float(arg))
            times = [p.time - t0 for p in sn.results
                     if p[TCP].flags == "SA"]
            return "schedule " + " ".join("%.2f" % t for t in times)
        sa = peer.handshake(sn, sport, isn)
        if sa is None:
            return "%s no-synack" % name
        n = len(sn.results)
        iss, rcv_nxt = sa[TCP].seq, isn + 1
        ts = ts_of(sa)
        opts = ack_opts(2000, ts[0]) if ts else []
        if name == "dupsyn":
            peer.seg(sport, "S", isn, opts=SYN_OPTS)
            again = wait_for(sn, lambda p: p[TCP].flags == "SA", 2, n)
            if again is None:
                return "dupsyn none"
            return "dupsyn " + ("same" if again[TCP].seq == iss else "differ")
        if name == "rst":
            peer.seg(sport, "R", rcv_nxt)
            return "rst sent %d" % sport
        if name == "lostack":
            data = pattern(int(arg))
            peer.seg(sport, "PA", rcv_nxt, iss + 1, data, opts)
            got = wait_for(sn, lambda p: p[TCP].ack != rcv_nxt, 2, n)
            if got is None:
                return "lostack acked none " + flags_of(replies_after(sn, n, 0))
            return "lostack acked %d" % ((got[TCP].ack - rcv_nxt) % 2**32)
        if name in ("ack", "forged"):
            forged = name == "forged"
            peer.seg(sport, "A", rcv_nxt, (iss + 1 + (2**20 if forged else 0))
                     % 2**32, b"", opts, 0x4a if forged else 0)
            got = replies_after(sn, n)
            line = "%s %s" % (name, flags_of(got))
            if forged and got:
                line += " tos 0x%02x" % got[0][IP].tos
            # the options ride in the TSval's low 6 bits: WS 7, SACK 0x10
            if ts and (ts[0] & 0x3F) == 0x17:
                line += " cookie-ts"
            return line
        if name == "save":
            with open(arg, "w") as f:
                json.dump({"sport": sport, "seq": rcv_nxt, "ack": iss + 1,
                           "ts": ts[0] if ts else None}, f)
            return "save %d" % sport
        return "%s unknown" % name
    finally:
        sn.stop()


def case_replay(peer, arg):
    with open(arg) as f:
        s = json.load(f)
    sn = peer.sniff(s["sport"])
    try:
        opts = ack_opts(3000, s["ts"]) if s["ts"] else []
        peer.seg(s["sport"], "A", s["seq"], s["ack"], b"", opts)
        return "replay " + flags_of(replies_after(sn, 0))
    finally:
        sn.stop()


def case_oldsynack(iface, client, nobody, port):
    flt = "tcp and src host %s and dst host %s and dst port %d" % (
        client, nobody, port)
    sn = Sniffer(iface, flt)
    try:
        syn = wait_for(sn, lambda p: p[TCP].flags == "S", 8)
        if syn is None:
            return "oldsynack no-syn"
        n = len(sn.results)
        bad_ack = (syn[TCP].seq + 1 + 100000) % 2**32
        send(IP(src=nobody, dst=client) /
             TCP(sport=port, dport=syn[TCP].sport, flags="SA",
                 seq=random.randint(0, 2**32 - 1), ack=bad_ack,
                 window=64240), iface=iface)
        rst = wait_for(sn, lambda p: "R" in str(p[TCP].flags), 2, n)
        if rst is None:
            return "oldsynack none"
        return "oldsynack R " + ("ok" if rst[TCP].seq == bad_ack else
                                 "seq-off-by-%d" % (rst[TCP].seq - bad_ack))
    finally:
        sn.stop()


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    iface, src, dst = sys.argv[1:4]
    conf.verb = 0
    print("ready", flush=True)
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        if words[0] == "quit":
            break
        port = int(words[0])
        name, _, arg = words[1].partition(":")
        peer = Peer(iface, src, dst, port)
        try:
            if name == "replay":
                out = case_replay(peer, arg)
            elif name == "oldsynack":
                out = case_oldsynack(iface, src, dst, port)
            elif name in ("tfocookie", "tfo"):
                out = case_fastopen(peer, name, arg)
            else:
                out = case_listener(peer, name, arg)
        except Exception as e:  # one line per case, whatever happens
            out = "%s error %s" % (name, e)
        print(out, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

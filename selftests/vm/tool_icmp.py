#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""tool_icmp - answer one TCP segment with an ICMP message that quotes it.

    tool_icmp.py IFACE BPF TYPE CODE [--seq-delta N] [--src ADDR]
                 [--gateway ADDR] [--lladdr MAC] [--nth N] [--timeout S]
                 [--ready FILE]

Waits on IFACE for the first segment BPF matches (--nth: the Nth), then sends the segment's
sender an ICMP error (TYPE, CODE) quoting its IP header and the first eight
bytes of its TCP header, as a router or host would.  --seq-delta adds N to
the quoted sequence number (an error a blind attacker might forge), --src
sets the message's source address (default: the segment's destination).

A redirect names the better first hop: --gateway.  Over IPv4 that is
TYPE 5 (CODE 1 for a host).  An IPv6 segment gets an ICMPv6 Redirect
(TYPE 137, CODE 0: hop limit 255, from --src, which must be link-local),
the gateway as its target, --lladdr as the target's link-layer address,
and the whole segment in its Redirected Header option; or, with TYPE 1,
an ICMPv6 destination unreachable quoting the whole segment.

FILE is created once the capture runs.  Prints "ok" and the quoted
segment, or "err ..." and exits 1.

    tool_icmp.py --serve

reads such argument lists from stdin, one a line (shell-quoted), and for
each prints "ready" once its capture runs, then its result line: scapy is
loaded once, where a process per message took ten seconds each under TCG.
It prints "serving" when it reads its first line.
"""
import argparse
import shlex
import sys
import time

from scapy.all import (ICMP, IP, TCP, AsyncSniffer, Ether,
                       ICMPv6DestUnreach, ICMPv6ND_Redirect,
                       ICMPv6NDOptDstLLAddr,
                       ICMPv6NDOptRedirectedHdr, IPv6, conf, raw, send,
                       sendp)


def quote(a, seg):
    """A copy of the IP or IPv6 packet seg, its sequence number moved by
    --seq-delta."""
    quoted = seg.__class__(raw(seg))
    quoted[TCP].seq = (quoted[TCP].seq + a.seq_delta) % (1 << 32)
    return quoted


def back(frame):
    """An Ethernet header back to frame's sender: no neighbour discovery,
    whose multicast scapy finds no route for."""
    return Ether(src=frame[Ether].dst, dst=frame[Ether].src)


def unreach6(a, frame):
    """Send frame's sender an ICMPv6 destination unreachable quoting all
    of the segment."""
    seg = frame[IPv6]
    quoted = quote(a, seg)
    sendp(back(frame) / IPv6(src=a.src or seg.dst, dst=seg.src) /
          ICMPv6DestUnreach(code=a.code) / raw(quoted), iface=a.iface)
    return quoted


def redirect6(a, frame):
    """Send frame's sender an ICMPv6 Redirect quoting all of the segment."""
    seg = frame[IPv6]
    quoted = quote(a, seg)
    msg = (back(frame) /
           IPv6(src=a.src, dst=seg.src, hlim=255) /
           ICMPv6ND_Redirect(code=a.code, tgt=a.gateway, dst=seg.dst))
    if a.lladdr:
        msg /= ICMPv6NDOptDstLLAddr(lladdr=a.lladdr)
    sendp(msg / ICMPv6NDOptRedirectedHdr(pkt=quoted), iface=a.iface)
    return quoted


def forge(argv, serving):
    """One message, as the command line argv asks; returns the exit code."""
    ap = argparse.ArgumentParser()
    ap.add_argument("iface")
    ap.add_argument("bpf")
    ap.add_argument("type", type=int)
    ap.add_argument("code", type=int)
    ap.add_argument("--seq-delta", type=int, default=0)
    ap.add_argument("--src")
    ap.add_argument("--gateway")
    ap.add_argument("--lladdr")
    ap.add_argument("--nth", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=20)
    ap.add_argument("--ready")
    try:
        a = ap.parse_args(argv)
    except SystemExit:
        print("err usage: %s" % " ".join(argv), flush=True)
        return 2

    conf.verb = 0
    started = []
    sniffer = AsyncSniffer(iface=a.iface, filter=a.bpf, count=a.nth,
                           timeout=a.timeout,
                           started_callback=lambda: started.append(1))
    sniffer.start()
    while not started:
        time.sleep(0.01)
    if a.ready:
        open(a.ready, "w").close()
    if serving:
        print("ready", flush=True)
    sniffer.join()
    pkts = (sniffer.results or [])[a.nth - 1:]
    if pkts and IPv6 in pkts[0] and TCP in pkts[0]:
        seg = pkts[0][IPv6]
        if a.type == 1:
            quoted = unreach6(a, pkts[0])
        elif a.type == 137 and a.gateway and a.src:
            quoted = redirect6(a, pkts[0])
        else:
            print("err over IPv6 a Redirect (137, --gateway, --src) or "
                  "an unreachable (1)", flush=True)
            return 1
    elif not pkts or IP not in pkts[0] or TCP not in pkts[0]:
        print("err no segment matched %r within %g s" % (a.bpf, a.timeout),
              flush=True)
        return 1
    else:
        seg = pkts[0][IP]
        quoted = quote(a, seg)
        # The quoted TCP checksum no longer matters: 8 bytes are quoted.
        head = raw(quoted)[:quoted.ihl * 4 + 8]
        icmp = ICMP(type=a.type, code=a.code)
        if a.gateway:
            icmp.gw = a.gateway
        send(IP(src=a.src or seg.dst, dst=seg.src) / icmp / head,
             iface=a.iface)
    print("ok %s:%d > %s:%d seq %d flags %s" %
          (seg.src, seg[TCP].sport, seg.dst, seg[TCP].dport,
           quoted[TCP].seq, seg[TCP].flags), flush=True)
    return 0


def main():
    if sys.argv[1:] != ["--serve"]:
        return forge(sys.argv[1:], False)
    print("serving", flush=True)
    for line in sys.stdin:
        if line.strip():
            forge(shlex.split(line), True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

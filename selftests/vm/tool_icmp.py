#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""tool_icmp - answer one TCP segment with an ICMP error that quotes it.

    tool_icmp.py IFACE BPF TYPE CODE [--seq-delta N] [--src ADDR]
                 [--timeout S] [--ready FILE]

Waits on IFACE for the first segment BPF matches, then sends the segment's
sender an ICMP error (TYPE, CODE) quoting its IP header and the first eight
bytes of its TCP header, as a router or host would.  --seq-delta adds N to
the quoted sequence number (an error a blind attacker might forge), --src
sets the error's source address (default: the segment's destination).
FILE is created once the capture runs.  Prints "ok" and the quoted
segment, or "err ..." and exits 1.
"""
import argparse
import sys
import time

from scapy.all import ICMP, IP, TCP, AsyncSniffer, conf, raw, send


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("iface")
    ap.add_argument("bpf")
    ap.add_argument("type", type=int)
    ap.add_argument("code", type=int)
    ap.add_argument("--seq-delta", type=int, default=0)
    ap.add_argument("--src")
    ap.add_argument("--timeout", type=float, default=20)
    ap.add_argument("--ready")
    a = ap.parse_args()

    conf.verb = 0
    started = []
    sniffer = AsyncSniffer(iface=a.iface, filter=a.bpf, count=1,
                           timeout=a.timeout,
                           started_callback=lambda: started.append(1))
    sniffer.start()
    while not started:
        time.sleep(0.01)
    if a.ready:
        open(a.ready, "w").close()
    sniffer.join()
    pkts = sniffer.results or []
    if not pkts or IP not in pkts[0] or TCP not in pkts[0]:
        print("err no segment matched %r within %g s" % (a.bpf, a.timeout))
        return 1
    seg = pkts[0][IP]
    quoted = IP(raw(seg))
    quoted[TCP].seq = (quoted[TCP].seq + a.seq_delta) % (1 << 32)
    # The quoted TCP checksum no longer matters: only 8 bytes are quoted.
    head = raw(quoted)[:quoted.ihl * 4 + 8]
    send(IP(src=a.src or seg.dst, dst=seg.src) /
         ICMP(type=a.type, code=a.code) / head, iface=a.iface)
    print("ok %s:%d > %s:%d seq %d flags %s" %
          (seg.src, seg[TCP].sport, seg.dst, seg[TCP].dport,
           quoted[TCP].seq, seg[TCP].flags))
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""tool_twprobe - send crafted segments to a TIME-WAIT entry, print replies.

    tool_twprobe.py IFACE PCAP TW_ADDR KIND
    tool_twprobe.py IFACE -

The second form reads "PCAP TW_ADDR KIND" lines from stdin and answers
each with its reply lines and a line "end"; it prints "ready" once
loaded.

PCAP holds the close of the connection, captured on IFACE of the peer
that closed second.  The last pure ACK from TW_ADDR, the end in
TIME-WAIT, gives the 4-tuple and the sequence numbers: SEQ = that end's SND.NXT, ACK = its
RCV.NXT.  KIND is what to send, from the peer's address and port:

    fin     the peer's FIN again (SEQ.. RCV.NXT - 1, FIN+ACK)
    olddata 100 bytes ending at RCV.NXT - 1 (an old duplicate)
    rst     a RST at RCV.NXT
    syn-above         a SYN at RCV.NXT + 100000, no timestamp
    syn-below         a SYN at RCV.NXT - 100000, no timestamp
    syn-below-newts   a SYN at RCV.NXT - 100000, TSval 1000 above the
                      peer's last one
    syn-above-oldts   a SYN at RCV.NXT + 100000, TSval 1000 below it

KIND-tos sends KIND with the TOS byte 0x4a (DSCP 0x48, ECT(0)) and adds
"tos 0xNN", the TOS byte of the reply, to each reply line.

Prints "reply FLAGS seq S ack A" for each segment the TIME-WAIT end sends
back within a second (S and A relative to its SND.NXT and RCV.NXT), or
"reply SA acks the SYN" for a SYN-ACK to the crafted SYN, or
"reply none".
"""
import sys
import time

from scapy.all import IP, TCP, AsyncSniffer, Raw, conf, rdpcap, send


def probe(iface, pcap, tw_ip, kind):
    segs = [p for p in rdpcap(pcap) if IP in p and TCP in p]
    last = [p for p in segs if p[IP].src == tw_ip and p[TCP].flags == "A"]
    if not last:
        print("err no final ACK from %s in the capture" % tw_ip)
        return 1
    a = last[-1]
    peer, tw_port = a[IP].dst, a[TCP].sport
    peer_port = a[TCP].dport
    snd_nxt, rcv_nxt = a[TCP].seq, a[TCP].ack
    peer_ts = [dict(p[TCP].options).get("Timestamp", (None,))[0]
               for p in segs if p[IP].src == peer and p[TCP].sport == peer_port]
    peer_ts = [t for t in peer_ts if t is not None]

    tos = kind.endswith("-tos")
    kind = kind[:-len("-tos")] if tos else kind
    base = IP(src=peer, dst=tw_ip, tos=0x4a if tos else 0) / \
        TCP(sport=peer_port, dport=tw_port)
    if kind == "fin":
        seg = base
        seg[TCP].flags, seg[TCP].seq, seg[TCP].ack = "FA", rcv_nxt - 1, snd_nxt
    elif kind == "olddata":
        seg = base / Raw(b"x" * 100)
        seg[TCP].flags, seg[TCP].seq, seg[TCP].ack = "PA", rcv_nxt - 101, snd_nxt
    elif kind == "rst":
        seg = base
        seg[TCP].flags, seg[TCP].seq = "R", rcv_nxt
    elif kind.startswith("syn-"):
        seg = base
        above = kind.startswith("syn-above")
        seg[TCP].flags = "S"
        seg[TCP].seq = (rcv_nxt + (100000 if above else -100000)) % (1 << 32)
        opts = [("MSS", 1460)]
        if kind.endswith("ts"):
            if not peer_ts:
                print("err no timestamps from the peer in the capture")
                return 1
            step = 1000 if kind.endswith("newts") else -1000
            opts.append(("Timestamp", ((max(peer_ts) + step) % (1 << 32), 0)))
        seg[TCP].options = opts
    else:
        print("err unknown kind %s" % kind)
        return 2

    started = []
    sniffer = AsyncSniffer(iface=iface, timeout=1.5,
                           filter="tcp and src host %s and src port %d"
                           % (tw_ip, tw_port),
                           started_callback=lambda: started.append(1))
    sniffer.start()
    while not started:
        time.sleep(0.01)
    send(seg, iface=iface)
    sniffer.join()
    replies = [p for p in (sniffer.results or []) if TCP in p]
    if not replies:
        print("reply none")
    for p in replies:
        tail = " tos 0x%02x" % p[IP].tos if tos else ""
        if kind.startswith("syn-") and p[TCP].flags == "SA":
            print("reply SA %s%s" % ("acks the SYN"
                                     if p[TCP].ack == (seg[TCP].seq + 1) % (1 << 32)
                                     else "with a wrong ack", tail))
            continue
        print("reply %s seq %d ack %d%s" % (p[TCP].flags,
                                            (p[TCP].seq - snd_nxt) % (1 << 32),
                                            (p[TCP].ack - rcv_nxt) % (1 << 32),
                                            tail))
    return 0


def main():
    conf.verb = 0
    if len(sys.argv) == 3 and sys.argv[2] == "-":
        # one process for many probes: scapy takes seconds to load in TCG
        print("ready", flush=True)
        for line in sys.stdin:
            words = line.split()
            if len(words) == 3:
                try:
                    probe(sys.argv[1], *words)
                except Exception as e:  # a reply line, whatever happens
                    print("err %s" % e)
            print("end", flush=True)
        return 0
    if len(sys.argv) != 5:
        print(__doc__, file=sys.stderr)
        return 2
    return probe(*sys.argv[1:5])


if __name__ == "__main__":
    sys.exit(main())

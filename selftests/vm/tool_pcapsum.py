#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""tool_pcapsum - one line per TCP segment of a pcap file, for awk.

    tool_pcapsum.py FILE.pcap

Each line: FAMILY SRC SPORT DST DPORT FLAGS ECN PAYLOAD SEQ, where FAMILY
is 4 or 6, FLAGS the TCP flags as tcpdump writes them (S F R P U . E W, in
that order: "SEW" is a SYN with ECE and CWR), ECN the ECN field of the IP
header (0 not ECN-capable, 1 ECT(1), 2 ECT(0), 3 CE), PAYLOAD the
segment's data bytes, from the IP header's length, so that a capture of
the headers alone (tcpdump -s 200) does, and SEQ its sequence number.  Ethernet or Linux cooked
captures; other packets are skipped.  Plain Python, no scapy: one start under an emulated CPU
instead of one tcpdump per question.
"""
import ipaddress
import struct
import sys

FLAG_CHARS = ((0x02, "S"), (0x01, "F"), (0x04, "R"), (0x08, "P"),
              (0x10, "."), (0x20, "U"), (0x40, "E"), (0x80, "W"))


def flags_str(flags):
    return "".join(c for bit, c in FLAG_CHARS if flags & bit) or "none"


def segment(ip):
    """The line for one IP packet, or None."""
    version = ip[0] >> 4
    if version == 4 and len(ip) >= 20:
        ihl = (ip[0] & 0x0F) * 4
        if ip[9] != 6:
            return None
        ecn = ip[1] & 3
        total = struct.unpack("!H", ip[2:4])[0]
        src = ipaddress.IPv4Address(ip[12:16])
        dst = ipaddress.IPv4Address(ip[16:20])
        tcp = ip[ihl:total]
        seglen = total - ihl
    elif version == 6 and len(ip) >= 40:
        if ip[6] != 6:
            return None			# extension headers: not here
        ecn = (ip[1] >> 4) & 3
        plen = struct.unpack("!H", ip[4:6])[0]
        src = ipaddress.IPv6Address(ip[8:24])
        dst = ipaddress.IPv6Address(ip[24:40])
        tcp = ip[40:40 + plen]
        seglen = plen
    else:
        return None
    if len(tcp) < 20:
        return None
    sport, dport, seq = struct.unpack("!HHI", tcp[0:8])
    doff = (tcp[12] >> 4) * 4
    # the IP header's length, not the bytes captured: a capture may
    # keep the headers only (tcpdump -s)
    return "%d %s %d %s %d %s %d %d %d" % (version, src, sport, dst, dport,
                                           flags_str(tcp[13]), ecn,
                                           seglen - doff, seq)


def main():
    with open(sys.argv[1], "rb") as f:
        data = f.read()
    if len(data) < 24:
        return 0
    magic = struct.unpack("<I", data[0:4])[0]
    if magic in (0xA1B2C3D4, 0xA1B23C4D):
        endian = "<"
    else:
        endian = ">"
    linktype = struct.unpack(endian + "I", data[20:24])[0]
    off = 24
    out = []
    while off + 16 <= len(data):
        caplen = struct.unpack(endian + "I", data[off + 8:off + 12])[0]
        pkt = data[off + 16:off + 16 + caplen]
        off += 16 + caplen
        if linktype == 1:		# Ethernet
            ether = struct.unpack("!H", pkt[12:14])[0]
            ip = pkt[14:]
        elif linktype == 113:		# Linux cooked (any)
            ether = struct.unpack("!H", pkt[14:16])[0]
            ip = pkt[16:]
        else:
            continue
        if ether not in (0x0800, 0x86DD):
            continue
        line = segment(ip)
        if line:
            out.append(line)
    sys.stdout.write("".join(s + "\n" for s in out))
    return 0


if __name__ == "__main__":
    sys.exit(main())

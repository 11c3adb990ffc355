#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""tool_zerocopy - a program that sends with MSG_ZEROCOPY, as Linux documents it.

  tool_zerocopy.py server ADDR PORT
  tool_zerocopy.py client ADDR PORT BYTES

The server takes one connection, reads it to EOF and answers with the
count and SHA-256 of what it read.  The client turns SO_ZEROCOPY on,
sends BYTES pseudo-random bytes in calls of up to 256 KiB with
MSG_ZEROCOPY, shuts its side down and reads the server's answer; then it
reads its error queue until the zero-copy completions cover every send
call (Documentation/networking/msg_zerocopy.rst).  It prints "ok BYTES"
and exits 0 when the server read exactly what was sent and each call
completed once, else a line saying what went wrong and exits 1.  Nothing
here picks the TCP stack: under atcpize, SO_ZEROCOPY becomes atcp's
ATCP_ZEROCOPY.
"""
import hashlib
import random
import select
import socket
import struct
import sys
import time

SO_ZEROCOPY = 60
MSG_ZEROCOPY = 0x4000000
SO_EE_ORIGIN_ZEROCOPY = 5
RECVERR = {(socket.SOL_IP, 11), (socket.IPPROTO_IPV6, 25)}
CHUNK = 256 * 1024
LIMIT = 30.0


def serve(addr, port):
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    lsk = socket.socket(fam, socket.SOCK_STREAM)
    lsk.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsk.bind((addr, port))
    lsk.listen(1)
    lsk.settimeout(LIMIT)
    sk, _ = lsk.accept()
    sk.settimeout(LIMIT)
    digest = hashlib.sha256()
    count = 0
    while True:
        data = sk.recv(65536)
        if not data:
            break
        digest.update(data)
        count += len(data)
    sk.sendall(b"%d %s" % (count, digest.hexdigest().encode()))
    sk.close()
    return 0


def completions(sk, calls):
    """Call numbers the error queue reports complete, as a list."""
    seen = []
    end = time.monotonic() + LIMIT
    while len(seen) < calls and time.monotonic() < end:
        try:
            _, anc, _, _ = sk.recvmsg(0, 1024, socket.MSG_ERRQUEUE)
        except BlockingIOError:
            select.select([], [], [sk], 0.1)
            continue
        for level, ctype, data in anc:
            errno_, origin = struct.unpack_from("=IB", data)
            lo, hi = struct.unpack_from("=II", data, 8)
            if (level, ctype) not in RECVERR or \
               origin != SO_EE_ORIGIN_ZEROCOPY or errno_:
                raise OSError("not a zero-copy completion: %r" %
                              ((level, ctype, data),))
            seen.extend(range(lo, hi + 1))
    return seen


def client(addr, port, nbytes):
    payload = random.Random(nbytes).randbytes(nbytes)
    sk = socket.create_connection((addr, port), timeout=LIMIT)
    try:
        sk.setsockopt(socket.SOL_SOCKET, SO_ZEROCOPY, 1)
    except OSError as e:
        print("SO_ZEROCOPY: %s" % e.strerror)
        return 1
    view = memoryview(payload)
    off = calls = 0
    while off < nbytes:
        off += sk.sendmsg([view[off:off + CHUNK]], [], MSG_ZEROCOPY)
        calls += 1
    sk.shutdown(socket.SHUT_WR)
    answer = b""
    while True:
        data = sk.recv(4096)
        if not data:
            break
        answer += data
    want = b"%d %s" % (nbytes, hashlib.sha256(payload).hexdigest().encode())
    if answer != want:
        print("the server read %r, not %r" % (answer, want))
        return 1
    sk.setblocking(False)
    seen = completions(sk, calls)
    if sorted(seen) != list(range(calls)):
        print("completions for %r, not for calls 0 to %d" % (seen, calls - 1))
        return 1
    print("ok %d" % nbytes)
    return 0


def main(argv):
    if len(argv) == 4 and argv[1] == "server":
        return serve(argv[2], int(argv[3]))
    if len(argv) == 5 and argv[1] == "client":
        return client(argv[2], int(argv[3]), int(argv[4]))
    print(__doc__.strip(), file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))

#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""tool_asyncecho - an asyncio echo server and a client that checks it.

  tool_asyncecho.py server ADDR PORT [--ready FILE] [--reuse-port]
  tool_asyncecho.py client ADDR PORT CONNS BYTES

The server echoes every byte of every connection back until the client
shuts its side down, then closes, and prints a line "conn" for each
connection it took.  It serves until killed; --ready FILE is created once
it listens; --reuse-port listens with SO_REUSEPORT (asyncio's reuse_port),
so that several servers may share the port.  The client opens CONNS connections at once; on
each it writes BYTES pseudo-random bytes (a different seed each) while it
reads the echo, then shuts down its side and reads to EOF.  It prints
"ok CONNS BYTES" and exits 0 when every connection got back exactly what
it sent, else a line saying which did not and exits 1.  Nothing here
picks the TCP stack: run it under atcpize for atcp.
"""
import asyncio
import hashlib
import random
import sys

CHUNK = 65536
LIMIT = 60.0


async def echo(reader, writer):
    print("conn", flush=True)
    try:
        while True:
            data = await reader.read(CHUNK)
            if not data:
                break
            writer.write(data)
            await writer.drain()
    finally:
        writer.close()


async def serve(addr, port, ready, reuse_port):
    server = await asyncio.start_server(echo, addr, port,
                                        reuse_port=reuse_port)
    if ready:
        with open(ready, "w", encoding="ascii"):
            pass
    async with server:
        await server.serve_forever()


async def one_conn(addr, port, index, nbytes):
    rng = random.Random(index)
    reader, writer = await asyncio.open_connection(addr, port)
    sent = hashlib.sha256()

    async def send():
        left = nbytes
        while left:
            n = min(CHUNK, left)
            data = rng.randbytes(n)
            sent.update(data)
            writer.write(data)
            await writer.drain()
            left -= n
        writer.write_eof()

    async def receive():
        got = hashlib.sha256()
        count = 0
        while True:
            data = await reader.read(CHUNK)
            if not data:
                break
            got.update(data)
            count += len(data)
        return count, got

    _, (count, got) = await asyncio.gather(send(), receive())
    writer.close()
    if count != nbytes:
        return f"connection {index}: {count} bytes back, want {nbytes}"
    if got.digest() != sent.digest():
        return f"connection {index}: {count} bytes back, but not the ones sent"
    return None


async def client(addr, port, conns, nbytes):
    jobs = [one_conn(addr, port, i, nbytes) for i in range(conns)]
    results = await asyncio.wait_for(
        asyncio.gather(*jobs, return_exceptions=True), LIMIT)
    bad = [str(r) for r in results if r is not None]
    if bad:
        print("fail " + "; ".join(bad))
        return 1
    print(f"ok {conns} {nbytes}")
    return 0


def main(argv):
    if len(argv) >= 4 and argv[1] == "server":
        opts = argv[4:]
        reuse_port = "--reuse-port" in opts
        if reuse_port:
            opts.remove("--reuse-port")
        ready = opts[1] if len(opts) == 2 and opts[0] == "--ready" else None
        asyncio.run(serve(argv[2], int(argv[3]), ready, reuse_port))
        return 0
    if len(argv) == 6 and argv[1] == "client":
        return asyncio.run(client(argv[2], int(argv[3]), int(argv[4]),
                                  int(argv[5])))
    print("usage: tool_asyncecho.py server ADDR PORT [--ready FILE] "
          "[--reuse-port]\n"
          "       tool_asyncecho.py client ADDR PORT CONNS BYTES",
          file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))

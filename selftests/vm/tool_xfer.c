// SPDX-License-Identifier: GPL-2.0
/*
 * tool_xfer - verified bulk transfer over one stream connection, client and
 * server, for the interop and impairment selftests.
 *
 *	tool_xfer server [-p PROTO] [-4|-6] -l ADDR:PORT [options]
 *	tool_xfer client [-p PROTO] [-4|-6] -c ADDR:PORT [options]
 *
 *	-p, --proto N       socket(family, SOCK_STREAM, N); default 0 (Linux TCP)
 *	-4, -6              address family (default: from the address)
 *	-l, --listen A:P    server: listen on A:P (IPv6 as [addr]:port)
 *	-c, --connect A:P   client: connect to A:P
 *	-s, --send N        bytes to send (suffixes K, M, G: powers of 1024)
 *	-r, --recv N        bytes expected from the peer, then EOF
 *	-m, --mode M        send | recv | both (two threads at once) |
 *	                    send-recv (send, SHUT_WR, then receive) |
 *	                    recv-send (receive to EOF, then send);
 *	                    default: both if -s and -r, else send or recv
 *	-H, --half-close    after sending, shutdown(SHUT_WR) and read to EOF
 *	                    (implied by both and send-recv)
 *	-E, --no-eof        do not wait for EOF after the -r bytes
 *	-x, --seed N        seed of the data streams (default 1)
 *	-b, --chunk N       write and read size (default 64K)
 *	-N, --nodelay       TCP_NODELAY: each write goes out at once, small
 *	                    writes as small segments
 *	-t, --timeout S     limit of every blocking call, seconds (default 60)
 *	-1, --once          server: serve one connection, then exit
 *	-R, --ready FILE    server: create FILE once listening
 *
 * The data is a deterministic pseudo-random stream: byte i of the stream a
 * client sends is byte (i % 8) of splitmix64(seed, 2 * (i / 8)), the server's
 * uses odd counters.  The receiver regenerates the stream it expects and
 * compares every byte, so nothing is stored and a lost, duplicated,
 * reordered or corrupted byte is found at its offset.  Both sides print a
 * 64-bit hash of what they sent and received, for diagnostics, and the
 * data segments TCP_INFO counted (tcpi_data_segs_in and _out), the
 * segments it resent (tcpi_total_retrans) and whether ECN was agreed and
 * ECN-capable segments came (TCPI_OPT_ECN, TCPI_OPT_ECN_SEEN), and how
 * many of the segments it sent the peer acknowledged with ECE
 * (tcpi_delivered_ce).
 *
 * Every blocking call has a limit (SO_RCVTIMEO, SO_SNDTIMEO, and a watchdog
 * thread in case the stack ignores them).  Exit status: 0 when every byte
 * arrived exactly once, in order, and EOF came where expected; 1 on any
 * error or mismatch; 2 on a usage error; 3 when the watchdog fired.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <linux/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>

enum mode { M_AUTO, M_SEND, M_RECV, M_BOTH, M_SEND_RECV, M_RECV_SEND };

static struct {
	bool server;
	int proto;
	int family;
	const char *addr;
	uint64_t nsend;
	uint64_t nrecv;
	enum mode mode;
	bool half_close;
	bool no_eof;
	uint64_t seed;
	size_t chunk;
	bool nodelay;
	int timeout;
	bool once;
	const char *ready;
} opt = {
	.seed = 1,
	.chunk = 64 * 1024,
	.timeout = 60,
};

static const char *role;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

__attribute__((format(printf, 1, 2)))
static void msg(const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fprintf(stderr, "tool_xfer %s: %s\n", role, buf);
}

/* ---- watchdog: a backstop for calls that ignore SO_*TIMEO ---------------- */

#define WD_SLOTS 2

static pthread_mutex_t wd_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	const char *what;
	double deadline;
} wd[WD_SLOTS];

static void wd_arm(int slot, const char *what)
{
	pthread_mutex_lock(&wd_lock);
	wd[slot].what = what;
	/* a little later than SO_*TIMEO, which should fire first */
	wd[slot].deadline = now() + opt.timeout + 2;
	pthread_mutex_unlock(&wd_lock);
}

static void wd_disarm(int slot)
{
	pthread_mutex_lock(&wd_lock);
	wd[slot].what = NULL;
	pthread_mutex_unlock(&wd_lock);
}

static void *wd_thread(void *arg)
{
	for (;;) {
		double t;
		int i;

		usleep(200 * 1000);
		t = now();
		pthread_mutex_lock(&wd_lock);
		for (i = 0; i < WD_SLOTS; i++) {
			if (wd[i].what && t > wd[i].deadline) {
				msg("ERROR: %s still blocked after %d s (watchdog)",
				    wd[i].what, opt.timeout);
				fflush(stderr);
				_exit(3);
			}
		}
		pthread_mutex_unlock(&wd_lock);
	}
	return NULL;
}

/* ---- the data stream ---------------------------------------------------- */

static inline uint64_t splitmix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* Stream @dir (0: client's, 1: server's) of @seed, bytes [off, off + len). */
static void stream_fill(uint8_t *buf, uint64_t seed, int dir, uint64_t off,
			size_t len)
{
	uint64_t base = seed * 0x100000001b3ULL;
	uint64_t w = off / 8;
	size_t i = 0;
	uint64_t v;

	if (off % 8) {
		unsigned int skip = off % 8;

		v = splitmix64(base + 2 * w + dir);
		v >>= 8 * skip;		/* little-endian byte order */
		while (skip < 8 && i < len) {
			buf[i++] = v & 0xff;
			v >>= 8;
			skip++;
		}
		w++;
	}
	for (; i + 8 <= len; i += 8, w++) {
		v = splitmix64(base + 2 * w + dir);
		memcpy(buf + i, &v, 8);	/* x86: little-endian */
	}
	if (i < len) {
		v = splitmix64(base + 2 * w + dir);
		while (i < len) {
			buf[i++] = v & 0xff;
			v >>= 8;
		}
	}
}

/* 64-bit hash of a byte stream, independent of how it was cut in pieces. */
struct hash {
	uint64_t h;
	uint64_t len;
	uint8_t part[8];
	unsigned int npart;
};

static inline uint64_t hash_mix(uint64_t h, uint64_t w)
{
	h ^= w;
	h *= 0x9fb21c651e98df25ULL;
	return h ^ (h >> 29);
}

static void hash_init(struct hash *hs)
{
	memset(hs, 0, sizeof(*hs));
	hs->h = 0xcbf29ce484222325ULL;
}

static void hash_update(struct hash *hs, const uint8_t *p, size_t len)
{
	uint64_t w;

	hs->len += len;
	while (hs->npart && len) {
		hs->part[hs->npart++] = *p++;
		len--;
		if (hs->npart == 8) {
			memcpy(&w, hs->part, 8);
			hs->h = hash_mix(hs->h, w);
			hs->npart = 0;
		}
	}
	for (; len >= 8; p += 8, len -= 8) {
		memcpy(&w, p, 8);
		hs->h = hash_mix(hs->h, w);
	}
	while (len--)
		hs->part[hs->npart++] = *p++;
}

static uint64_t hash_final(const struct hash *hs)
{
	uint64_t w = 0, h = hs->h;

	if (hs->npart) {
		memcpy(&w, hs->part, hs->npart);
		h = hash_mix(h, w);
	}
	return hash_mix(h, hs->len);
}

/* ---- helpers ------------------------------------------------------------ */

static int parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		return -1;
	switch (*end) {
	case 'k': case 'K':
		v <<= 10; end++; break;
	case 'm': case 'M':
		v <<= 20; end++; break;
	case 'g': case 'G':
		v <<= 30; end++; break;
	}
	if (*end)
		return -1;
	*out = v;
	return 0;
}

/* "1.2.3.4:80" or "[2001:db8::1]:80" */
static int parse_addr(const char *s, int family, struct sockaddr_storage *ss,
		      socklen_t *len)
{
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	char host[INET6_ADDRSTRLEN + 2];
	const char *colon;
	unsigned long port;
	char *end;
	size_t n;

	memset(ss, 0, sizeof(*ss));
	if (s[0] == '[') {
		const char *rb = strchr(s, ']');

		if (!rb || rb[1] != ':')
			return -1;
		n = rb - s - 1;
		colon = rb + 1;
		s++;
		if (family == AF_INET)
			return -1;
		family = AF_INET6;
	} else {
		colon = strrchr(s, ':');
		if (!colon)
			return -1;
		n = colon - s;
		if (family == AF_UNSPEC)
			family = AF_INET;
	}
	if (n >= sizeof(host))
		return -1;
	memcpy(host, s, n);
	host[n] = 0;
	errno = 0;
	port = strtoul(colon + 1, &end, 10);
	if (errno || *end || end == colon + 1 || port > 65535)
		return -1;
	if (family == AF_INET) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		if (inet_pton(AF_INET, host, &s4->sin_addr) != 1)
			return -1;
		*len = sizeof(*s4);
	} else {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		if (inet_pton(AF_INET6, host, &s6->sin6_addr) != 1)
			return -1;
		*len = sizeof(*s6);
	}
	return family;
}

/* The limits of blocking calls, and TCP_NODELAY under -N. */
static void set_sockopts(int fd)
{
	struct timeval tv = { .tv_sec = opt.timeout };
	int one = 1;

	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0)
		msg("warning: SO_RCVTIMEO: %s", strerror(errno));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0)
		msg("warning: SO_SNDTIMEO: %s", strerror(errno));
	if (opt.nodelay &&
	    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) < 0) {
		msg("ERROR: TCP_NODELAY: %s", strerror(errno));
		exit(1);
	}
}

static const char *errstr(int e)
{
	if (e == EAGAIN || e == EINPROGRESS)
		return "timed out";
	return strerror(e);
}

/* ---- one connection ----------------------------------------------------- */

struct conn {
	int fd;
	int send_dir;		/* stream we send: 0 client, 1 server */
	int err;		/* any error in either direction */
	atomic_bool failed;	/* one direction failed: stop the other */
	uint64_t sent, rcvd;
	uint64_t send_hash, recv_hash;
};

/*
 * One direction failed: shut the connection down so that the other
 * direction (the other thread in "both" mode) stops at once instead of
 * crawling on until its own timeout.
 */
static void conn_fail(struct conn *c)
{
	if (!atomic_exchange(&c->failed, true))
		shutdown(c->fd, SHUT_RDWR);
}

static int do_send(struct conn *c, int slot)
{
	uint8_t *buf = malloc(opt.chunk);
	struct hash hs;

	if (!buf) {
		msg("ERROR: out of memory");
		return -1;
	}
	hash_init(&hs);
	while (c->sent < opt.nsend) {
		size_t n = opt.chunk;
		size_t done = 0;

		if (opt.nsend - c->sent < n)
			n = opt.nsend - c->sent;
		stream_fill(buf, opt.seed, c->send_dir, c->sent, n);
		hash_update(&hs, buf, n);
		while (done < n) {
			ssize_t r;

			wd_arm(slot, "send()");
			r = send(c->fd, buf + done, n - done, MSG_NOSIGNAL);
			wd_disarm(slot);
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0 || atomic_load(&c->failed)) {
				msg("ERROR: send at offset %" PRIu64 ": %s",
				    c->sent + done,
				    r > 0 || atomic_load(&c->failed) ?
				    "stopped: the other direction failed" :
				    r ? errstr(errno) : "0");
				conn_fail(c);
				free(buf);
				return -1;
			}
			done += r;
		}
		c->sent += n;
	}
	c->send_hash = hash_final(&hs);
	free(buf);
	return 0;
}

static int do_shut_wr(struct conn *c)
{
	if (atomic_load(&c->failed))
		return -1;
	if (shutdown(c->fd, SHUT_WR) < 0) {
		msg("ERROR: shutdown(SHUT_WR): %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* Receive exactly opt.nrecv bytes of the peer's stream, then EOF. */
static int do_recv(struct conn *c, int slot)
{
	uint8_t *buf = malloc(opt.chunk), *want = malloc(opt.chunk);
	int peer_dir = !c->send_dir;
	struct hash hs;
	int ret = -1;

	if (!buf || !want) {
		msg("ERROR: out of memory");
		goto out;
	}
	hash_init(&hs);
	while (!(opt.no_eof && c->rcvd == opt.nrecv)) {
		ssize_t r;
		size_t i;

		if (atomic_load(&c->failed)) {
			msg("ERROR: recv at offset %" PRIu64
			    ": stopped: the other direction failed", c->rcvd);
			goto out;
		}
		wd_arm(slot, "recv()");
		r = recv(c->fd, buf, opt.chunk, 0);
		wd_disarm(slot);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			msg("ERROR: recv at offset %" PRIu64 " of %" PRIu64 ": %s",
			    c->rcvd, opt.nrecv, atomic_load(&c->failed) ?
			    "stopped: the other direction failed" :
			    errstr(errno));
			goto out;
		}
		if (r == 0 && atomic_load(&c->failed))
			continue;	/* reported at the top of the loop */
		if (r == 0) {
			if (c->rcvd < opt.nrecv) {
				msg("ERROR: EOF after %" PRIu64 " of %" PRIu64
				    " bytes", c->rcvd, opt.nrecv);
				goto out;
			}
			break;
		}
		if (c->rcvd + r > opt.nrecv) {
			msg("ERROR: %" PRIu64 " bytes more than the %" PRIu64
			    " expected", c->rcvd + r - opt.nrecv, opt.nrecv);
			goto out;
		}
		stream_fill(want, opt.seed, peer_dir, c->rcvd, r);
		if (memcmp(buf, want, r)) {
			for (i = 0; buf[i] == want[i]; i++)
				;
			msg("ERROR: data mismatch at offset %" PRIu64
			    ": got 0x%02x, want 0x%02x (segment of %zd bytes at %"
			    PRIu64 ")", c->rcvd + i, buf[i], want[i], r,
			    c->rcvd);
			goto out;
		}
		hash_update(&hs, buf, r);
		c->rcvd += r;
	}
	c->recv_hash = hash_final(&hs);
	ret = 0;
out:
	if (ret)
		conn_fail(c);
	free(buf);
	free(want);
	return ret;
}

static void *send_thread(void *arg)
{
	struct conn *c = arg;

	if (do_send(c, 1) || do_shut_wr(c))
		c->err = 1;
	return NULL;
}

static int run_conn(struct conn *c)
{
	pthread_t th;
	double t0 = now(), dt;
	struct tcp_info ti;
	socklen_t tilen = sizeof(ti);
	struct hash empty;
	int err = 0;

	hash_init(&empty);
	c->send_hash = hash_final(&empty);
	c->recv_hash = c->send_hash;

	switch (opt.mode) {
	case M_SEND:
		err = do_send(c, 0);
		if (!err && opt.half_close)
			err = do_shut_wr(c) || do_recv(c, 0);
		break;
	case M_RECV:
		err = do_recv(c, 0);
		break;
	case M_BOTH:
		if (pthread_create(&th, NULL, send_thread, c)) {
			msg("ERROR: pthread_create failed");
			return -1;
		}
		err = do_recv(c, 0);
		pthread_join(th, NULL);
		err |= c->err;
		break;
	case M_SEND_RECV:
		err = do_send(c, 0) || do_shut_wr(c) || do_recv(c, 0);
		break;
	case M_RECV_SEND:
		err = do_recv(c, 0) || do_send(c, 0) ||
		      (opt.half_close && do_shut_wr(c));
		break;
	default:
		return -1;
	}
	dt = now() - t0;
	memset(&ti, 0, sizeof(ti));
	if (getsockopt(c->fd, IPPROTO_TCP, TCP_INFO, &ti, &tilen) < 0)
		memset(&ti, 0, sizeof(ti));
	if (close(c->fd) < 0) {
		msg("ERROR: close: %s", strerror(errno));
		err = 1;
	}
	c->fd = -1;
	printf("tool_xfer %s: %s sent %" PRIu64 " B hash %016" PRIx64
	       " recv %" PRIu64 " B hash %016" PRIx64
	       " in %.3f s, %.1f Mbit/s, data segments in %u out %u,"
	       " retrans %u, ecn %d ecnseen %d delivered_ce %u\n",
	       role, err ? "FAIL" : "OK", c->sent, c->send_hash, c->rcvd,
	       c->recv_hash, dt, dt > 0 ? (c->sent + c->rcvd) * 8 / dt / 1e6 : 0,
	       ti.tcpi_data_segs_in, ti.tcpi_data_segs_out,
	       ti.tcpi_total_retrans, !!(ti.tcpi_options & TCPI_OPT_ECN),
	       !!(ti.tcpi_options & TCPI_OPT_ECN_SEEN), ti.tcpi_delivered_ce);
	fflush(stdout);
	return err ? -1 : 0;
}

static int open_socket(int family)
{
	int fd = socket(family, SOCK_STREAM, opt.proto);

	if (fd < 0) {
		msg("ERROR: socket(%s, SOCK_STREAM, %d): %s",
		    family == AF_INET ? "AF_INET" : "AF_INET6", opt.proto,
		    strerror(errno));
		return -1;
	}
	set_sockopts(fd);
	return fd;
}

static int client(void)
{
	struct sockaddr_storage ss;
	struct conn c = { .send_dir = 0 };
	socklen_t len;
	int family;

	family = parse_addr(opt.addr, opt.family, &ss, &len);
	if (family < 0) {
		msg("bad address %s", opt.addr);
		return 2;
	}
	c.fd = open_socket(family);
	if (c.fd < 0)
		return 1;
	wd_arm(0, "connect()");
	if (connect(c.fd, (struct sockaddr *)&ss, len) < 0) {
		msg("ERROR: connect to %s: %s", opt.addr, errstr(errno));
		return 1;
	}
	wd_disarm(0);
	return run_conn(&c) ? 1 : 0;
}

static int server(void)
{
	struct sockaddr_storage ss, peer;
	char pbuf[INET6_ADDRSTRLEN];
	socklen_t len, plen;
	int family, lfd, one = 1, status = 0;

	family = parse_addr(opt.addr, opt.family, &ss, &len);
	if (family < 0) {
		msg("bad address %s", opt.addr);
		return 2;
	}
	lfd = open_socket(family);
	if (lfd < 0)
		return 1;
	if (setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0)
		msg("warning: SO_REUSEADDR: %s", strerror(errno));
	if (bind(lfd, (struct sockaddr *)&ss, len) < 0) {
		msg("ERROR: bind %s: %s", opt.addr, strerror(errno));
		return 1;
	}
	if (listen(lfd, 16) < 0) {
		msg("ERROR: listen: %s", strerror(errno));
		return 1;
	}
	if (opt.ready) {
		int fd = open(opt.ready, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (fd >= 0)
			close(fd);
		else
			msg("warning: %s: %s", opt.ready, strerror(errno));
	}
	do {
		struct conn c = { .send_dir = 1 };

		plen = sizeof(peer);
		wd_arm(0, "accept()");
		c.fd = accept(lfd, (struct sockaddr *)&peer, &plen);
		wd_disarm(0);
		if (c.fd < 0) {
			msg("ERROR: accept: %s", errstr(errno));
			return 1;
		}
		set_sockopts(c.fd);
		if (peer.ss_family == AF_INET)
			inet_ntop(AF_INET,
				  &((struct sockaddr_in *)&peer)->sin_addr,
				  pbuf, sizeof(pbuf));
		else
			inet_ntop(AF_INET6,
				  &((struct sockaddr_in6 *)&peer)->sin6_addr,
				  pbuf, sizeof(pbuf));
		msg("connection from %s", pbuf);
		if (run_conn(&c))
			status = 1;
	} while (!opt.once);
	close(lfd);
	return status;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: tool_xfer server [-p PROTO] [-4|-6] -l ADDR:PORT [options]\n"
		"       tool_xfer client [-p PROTO] [-4|-6] -c ADDR:PORT [options]\n"
		"options: -s BYTES -r BYTES -m send|recv|both|send-recv|recv-send\n"
		"         -H (half-close) -E (no EOF wait) -x SEED -b CHUNK\n"
		"         -N (TCP_NODELAY)\n"
		"         -t TIMEOUT -1 (--once) -R READYFILE\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "proto", required_argument, NULL, 'p' },
		{ "listen", required_argument, NULL, 'l' },
		{ "connect", required_argument, NULL, 'c' },
		{ "send", required_argument, NULL, 's' },
		{ "recv", required_argument, NULL, 'r' },
		{ "mode", required_argument, NULL, 'm' },
		{ "half-close", no_argument, NULL, 'H' },
		{ "no-eof", no_argument, NULL, 'E' },
		{ "seed", required_argument, NULL, 'x' },
		{ "chunk", required_argument, NULL, 'b' },
		{ "nodelay", no_argument, NULL, 'N' },
		{ "timeout", required_argument, NULL, 't' },
		{ "once", no_argument, NULL, '1' },
		{ "ready", required_argument, NULL, 'R' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t v;
	pthread_t wdt;
	int c;

	if (argc < 2)
		usage();
	if (!strcmp(argv[1], "server"))
		opt.server = true;
	else if (strcmp(argv[1], "client"))
		usage();
	role = argv[1];
	optind = 2;
	while ((c = getopt_long(argc, argv, "p:46l:c:s:r:m:HEx:b:Nt:1R:",
				lopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			opt.proto = atoi(optarg);
			break;
		case '4':
			opt.family = AF_INET;
			break;
		case '6':
			opt.family = AF_INET6;
			break;
		case 'l':
		case 'c':
			if ((c == 'l') != opt.server)
				usage();
			opt.addr = optarg;
			break;
		case 's':
			if (parse_size(optarg, &opt.nsend))
				usage();
			break;
		case 'r':
			if (parse_size(optarg, &opt.nrecv))
				usage();
			break;
		case 'm':
			if (!strcmp(optarg, "send"))
				opt.mode = M_SEND;
			else if (!strcmp(optarg, "recv"))
				opt.mode = M_RECV;
			else if (!strcmp(optarg, "both"))
				opt.mode = M_BOTH;
			else if (!strcmp(optarg, "send-recv"))
				opt.mode = M_SEND_RECV;
			else if (!strcmp(optarg, "recv-send"))
				opt.mode = M_RECV_SEND;
			else
				usage();
			break;
		case 'H':
			opt.half_close = true;
			break;
		case 'E':
			opt.no_eof = true;
			break;
		case 'x':
			if (parse_size(optarg, &opt.seed))
				usage();
			break;
		case 'b':
			if (parse_size(optarg, &v) || !v || v > (64 << 20))
				usage();
			opt.chunk = v;
			break;
		case 'N':
			opt.nodelay = true;
			break;
		case 't':
			opt.timeout = atoi(optarg);
			if (opt.timeout <= 0)
				usage();
			break;
		case '1':
			opt.once = true;
			break;
		case 'R':
			opt.ready = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind != argc || !opt.addr)
		usage();
	if (opt.mode == M_AUTO) {
		if (opt.nsend && opt.nrecv)
			opt.mode = M_BOTH;
		else if (opt.nsend)
			opt.mode = M_SEND;
		else
			opt.mode = M_RECV;
	}
	/* a sender that is not also reading must not expect data */
	if ((opt.mode == M_SEND && !opt.half_close && opt.nrecv) ||
	    (opt.mode == M_RECV && opt.nsend))
		usage();
	pthread_create(&wdt, NULL, wd_thread, NULL);
	return opt.server ? server() : client();
}

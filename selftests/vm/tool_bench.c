// SPDX-License-Identifier: GPL-2.0
/*
 * tool_bench - load generator of `make bench`: bulk throughput, connection
 * rate and request/response latency over one stream protocol.
 *
 *	tool_bench server [-p PROTO] -l ADDR:PORT [-R FILE] [-w THREADS]
 *	tool_bench client [-p PROTO] -c ADDR:PORT -m bulk|crr|rr|conn
 *			  [-d SECS] [-n CLIENTS] [-b BYTES] [-N CONNS] [-V | -Z]
 *
 *	-p N	socket(family, SOCK_STREAM, N); default 0 (Linux TCP)
 *	-l A:P	server: listen on A:P (IPv4 A.B.C.D:P or IPv6 [A]:P; the
 *		address's family is the sockets')
 *	-R FILE	server: create FILE once listening
 *	-w N	server: N threads blocked in accept() (default 16)
 *	-c A:P	client: connect to A:P
 *	-m M	client: what to measure
 *		bulk  one connection, writes of -b bytes (default 128K) for
 *		      -d seconds, then SHUT_WR; the server answers with the
 *		      byte count it read.  Prints mbps= (receiver's count over
 *		      the time from the first write to the server's answer).
 *		      With -V the client sends a pattern (period 65521, so a
 *		      byte lost, duplicated or out of place shows) and the
 *		      server compares every byte; -b is 256K at most.
 *		crr   -n threads (default 4), each in a loop: connect, send
 *		      1 byte, read the 1-byte answer, read EOF (the server
 *		      closes first, so TIME_WAIT stays on the server), close.
 *		      Prints cps= (completed connections per second).
 *		rr    one connection with TCP_NODELAY, 1-byte ping-pong for
 *		      -d seconds after 200 warm-up rounds.  Prints p50_us=,
 *		      p99_us= of the round-trip times.
 *		conn  -N connections in all, shared by -n threads: each is
 *		      connect, a 1-byte request, the 1-byte answer, EOF,
 *		      close, as in crr, but a failure does not stop the run.
 *		      Prints ok=, fail=, and p50_ms=, p99_ms= of the time
 *		      from socket() to the answer of the connections that
 *		      succeeded.  Exit status 0 whenever the run completed.
 *	-d S	client: duration in seconds (default 5)
 *	-N N	client: connections of -m conn (default 1000)
 *	-V	client: bulk with every byte checked
 *	-Z	client: bulk sent with MSG_ZEROCOPY (SO_ZEROCOPY on Linux TCP,
 *		ATCP_ZEROCOPY on atcp), the completions read from the error
 *		queue as they come; prints zc_calls=, zc_copied= (completions
 *		that say the data was copied), and fails unless every call
 *		completed once
 *
 * The first byte a client sends picks the server's behaviour ('B' bulk,
 * 'C' crr, 'R' rr).  Every blocking call is bounded (SO_RCVTIMEO and
 * SO_SNDTIMEO of 5 s, alarm() on the whole client), so a broken stack makes
 * the client fail, never hang.  The bulk client waits up to DRAIN_S for
 * the server's count: over a lossy link, the data still queued when it
 * stops writing (as much as the send buffer grew to hold) may take more
 * than 5 s to arrive.  Exit status 0 with one "result ..." line on
 * stdout, 1 on error.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/atcp.h>
#include <linux/errqueue.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "tool_inet.h"

#define IO_TIMEOUT_S	5
#define DRAIN_S		30

static int proto;
static struct sockaddr_storage addr;
static socklen_t addrlen;
static double duration = 5;
static int nclients = 4;
static size_t wsize = 128 << 10;
static int verify;
static int zerocopy;

#define RECV_SIZE	(256 << 10)
#define PAT_PERIOD	65521		/* prime: no segment size divides it */

/*
 * The data of a verified bulk transfer: byte i of the stream is
 * pattern()[i % PAT_PERIOD], and the buffer repeats its start past the
 * period so that any RECV_SIZE bytes from any offset are contiguous.
 */
static const unsigned char *pattern(void)
{
	static unsigned char *pat;
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	uint32_t x = 2463534242u;
	size_t i;

	pthread_mutex_lock(&lock);
	if (!pat) {
		pat = malloc(PAT_PERIOD + RECV_SIZE);
		for (i = 0; pat && i < PAT_PERIOD + RECV_SIZE; i++) {
			if (i < PAT_PERIOD) {
				x ^= x << 13;
				x ^= x >> 17;
				x ^= x << 5;
				pat[i] = x;
			} else {
				pat[i] = pat[i - PAT_PERIOD];
			}
		}
	}
	pthread_mutex_unlock(&lock);
	if (!pat) {
		perror("malloc");
		exit(1);
	}
	return pat;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void bound_io(int fd, int secs)
{
	struct timeval tv = { secs, 0 };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

static void nodelay(int fd)
{
	int one = 1;

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

static int read_full(int fd, void *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = recv(fd, (char *)buf + got, len - got, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		got += n;
	}
	return 0;
}

static int write_full(int fd, const void *buf, size_t len)
{
	size_t put = 0;

	while (put < len) {
		ssize_t n = send(fd, (const char *)buf + put, len - put,
				 MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		put += n;
	}
	return 0;
}

/* ---- server ---------------------------------------------------------------- */

static void serve(int fd)
{
	static __thread char *buf;
	const unsigned char *pat;
	uint64_t count = 0;
	int bad = 0;
	char c;
	ssize_t n;

	if (!buf)
		buf = malloc(RECV_SIZE);
	if (read_full(fd, &c, 1))
		return;
	switch (c) {
	case 'B':
		while ((n = recv(fd, buf, RECV_SIZE, 0)) > 0)
			count += n;
		if (n == 0)
			write_full(fd, &count, sizeof(count));
		break;
	case 'V':
		pat = pattern();
		while ((n = recv(fd, buf, RECV_SIZE, 0)) > 0) {
			if (!bad && memcmp(buf, pat + count % PAT_PERIOD, n))
				bad = 1;
			count += n;
		}
		if (bad)
			count = UINT64_MAX;
		if (n == 0)
			write_full(fd, &count, sizeof(count));
		break;
	case 'C':
		write_full(fd, "c", 1);
		break;
	case 'R':
		nodelay(fd);
		do {
			if (write_full(fd, &c, 1))
				break;
		} while (read_full(fd, &c, 1) == 0);
		break;
	}
}

static void *server_thread(void *arg)
{
	int lfd = (long)arg;

	for (;;) {
		int fd = accept(lfd, NULL, NULL);

		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED ||
			    errno == EAGAIN)
				continue;
			perror("accept");
			exit(1);
		}
		bound_io(fd, IO_TIMEOUT_S);
		serve(fd);
		close(fd);
	}
	return NULL;
}

static int server(const char *ready, int threads)
{
	int lfd = socket(addr.ss_family, SOCK_STREAM, proto), one = 1, i;
	pthread_t th;

	if (lfd < 0) {
		perror("socket");
		return 1;
	}
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(lfd, (struct sockaddr *)&addr, addrlen) < 0 ||
	    listen(lfd, 1024) < 0) {
		perror("bind/listen");
		return 1;
	}
	for (i = 0; i < threads; i++)
		if (pthread_create(&th, NULL, server_thread, (void *)(long)lfd)) {
			perror("pthread_create");
			return 1;
		}
	if (ready) {
		FILE *f = fopen(ready, "w");

		if (f)
			fclose(f);
	}
	for (;;)
		pause();
	return 0;
}

/* ---- client ---------------------------------------------------------------- */

static int client_socket(void)
{
	int fd = socket(addr.ss_family, SOCK_STREAM, proto);

	if (fd < 0)
		return -1;
	bound_io(fd, IO_TIMEOUT_S);
	if (connect(fd, (struct sockaddr *)&addr, addrlen) < 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* MSG_ZEROCOPY completions of one bulk connection */
struct zc_count {
	uint64_t calls;		/* send calls that queued data */
	uint64_t done;		/* call numbers reported complete */
	uint64_t copied;	/* of them, reported as copied */
	uint32_t next;		/* the number expected next */
	int bad;		/* numbers out of order, or a report not ours */
};

/* Read what the error queue holds, waiting up to @ms for something. */
static void zc_reap(int fd, struct zc_count *z, int ms)
{
	for (;;) {
		char control[128];
		struct msghdr m = {
			.msg_control = control,
			.msg_controllen = sizeof(control),
		};
		struct sock_extended_err *ee;
		struct cmsghdr *cm;

		if (recvmsg(fd, &m, MSG_ERRQUEUE | MSG_DONTWAIT) < 0) {
			struct pollfd p = { .fd = fd };

			if (errno != EAGAIN || !ms || poll(&p, 1, ms) <= 0)
				return;
			ms = 0;
			continue;
		}
		cm = CMSG_FIRSTHDR(&m);
		if (!cm || !((cm->cmsg_level == SOL_IP &&
			      cm->cmsg_type == IP_RECVERR) ||
			     (cm->cmsg_level == SOL_IPV6 &&
			      cm->cmsg_type == IPV6_RECVERR))) {
			z->bad = 1;
			continue;
		}
		ee = (struct sock_extended_err *)CMSG_DATA(cm);
		if (ee->ee_origin != SO_EE_ORIGIN_ZEROCOPY || ee->ee_errno ||
		    ee->ee_info != z->next || ee->ee_data < ee->ee_info) {
			z->bad = 1;
			continue;
		}
		z->done += ee->ee_data - ee->ee_info + 1ULL;
		if (ee->ee_code & SO_EE_CODE_ZEROCOPY_COPIED)
			z->copied += ee->ee_data - ee->ee_info + 1ULL;
		z->next = ee->ee_data + 1;
	}
}

/*
 * All of @buf with MSG_ZEROCOPY; the completions read in between.  When
 * too many are outstanding (optmem_max), send() fails with ENOBUFS until
 * some are read.
 */
static int zc_write_full(int fd, const char *buf, size_t len,
			 struct zc_count *z)
{
	while (len) {
		ssize_t n = send(fd, buf, len, MSG_ZEROCOPY);

		if (n < 0 && errno == ENOBUFS) {
			zc_reap(fd, z, 10);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		z->calls++;
		buf += n;
		len -= n;
	}
	zc_reap(fd, z, 0);
	return 0;
}

static int zc_enable(int fd)
{
	int one = 1;

	if (proto == 0 || proto == IPPROTO_TCP)
		return setsockopt(fd, SOL_SOCKET, SO_ZEROCOPY, &one,
				  sizeof(one));
	return setsockopt(fd, IPPROTO_TCP, ATCP_ZEROCOPY, &one, sizeof(one));
}

static int bulk(void)
{
	struct zc_count z = { 0 };
	const unsigned char *pat = NULL;
	uint64_t count = 0, sent = 0;
	double t0, t1;
	char *buf;
	int fd;

	fd = client_socket();
	if (fd < 0) {
		perror("connect");
		return 1;
	}
	buf = malloc(wsize);
	memset(buf, 'b', wsize);
	buf[0] = 'B';
	t0 = now();
	if (zerocopy) {
		/*
		 * The socket holds the buffer's pages until they are
		 * acknowledged: the mode byte goes alone, the buffer never
		 * changes.
		 */
		if (zc_enable(fd) < 0) {
			perror("zero-copy");
			return 1;
		}
		if (write_full(fd, "B", 1)) {
			perror("send");
			return 1;
		}
		buf[0] = 'b';
		sent = 1;
	}
	if (verify) {
		/* the mode byte alone, then the pattern from offset 0 */
		pat = pattern();
		if (write_full(fd, "V", 1)) {
			perror("send");
			return 1;
		}
	}
	do {
		const void *p = verify ? (const void *)(pat + sent % PAT_PERIOD) :
					 (const void *)buf;

		if (zerocopy ? zc_write_full(fd, p, wsize, &z) :
			       write_full(fd, p, wsize)) {
			perror("send");
			return 1;
		}
		sent += wsize;
		if (!zerocopy)
			buf[0] = 'b';
	} while (now() - t0 < duration);
	shutdown(fd, SHUT_WR);
	bound_io(fd, DRAIN_S);
	if (read_full(fd, &count, sizeof(count))) {
		perror("recv count");
		return 1;
	}
	t1 = now();
	/* everything is acknowledged: every completion comes now */
	while (zerocopy && z.done < z.calls && !z.bad && now() - t1 < 2)
		zc_reap(fd, &z, 100);
	close(fd);
	if (zerocopy && (z.bad || z.done != z.calls)) {
		fprintf(stderr, "%llu send calls, %llu completions%s\n",
			(unsigned long long)z.calls,
			(unsigned long long)z.done,
			z.bad ? ", some wrong" : "");
		return 1;
	}
	if (count == UINT64_MAX) {
		fprintf(stderr, "the server received other data than sent\n");
		return 1;
	}
	if (!verify)
		count++;	/* the mode byte was the first of the data */
	if (count != sent) {
		fprintf(stderr, "server read %llu bytes of %llu\n",
			(unsigned long long)count, (unsigned long long)sent);
		return 1;
	}
	printf("result mbps=%.1f bytes=%llu secs=%.3f verified=%d",
	       count * 8 / (t1 - t0) / 1e6, (unsigned long long)sent,
	       t1 - t0, verify);
	if (zerocopy)
		printf(" zc_calls=%llu zc_copied=%llu",
		       (unsigned long long)z.calls,
		       (unsigned long long)z.copied);
	printf("\n");
	return 0;
}

struct crr {
	pthread_t th;
	double end;
	unsigned long conns, errors;
	int first_err;
};

static void *crr_thread(void *arg)
{
	struct crr *c = arg;
	char ch;

	while (now() < c->end) {
		int fd = client_socket();
		ssize_t n;

		if (fd < 0)
			goto err;
		if (write_full(fd, "C", 1) || read_full(fd, &ch, 1)) {
			close(fd);
			goto err;
		}
		n = recv(fd, &ch, 1, 0);
		close(fd);
		if (n != 0)
			goto err;
		c->conns++;
		continue;
err:
		if (!c->errors++)
			c->first_err = errno;
		if (c->errors > 100 && c->errors > c->conns)
			break;
	}
	return NULL;
}

static int crr(void)
{
	struct crr *c = calloc(nclients, sizeof(*c));
	unsigned long conns = 0, errors = 0;
	double t0 = now(), t1;
	int i, first_err = 0;

	for (i = 0; i < nclients; i++) {
		c[i].end = t0 + duration;
		pthread_create(&c[i].th, NULL, crr_thread, &c[i]);
	}
	for (i = 0; i < nclients; i++) {
		pthread_join(c[i].th, NULL);
		conns += c[i].conns;
		errors += c[i].errors;
		if (!first_err)
			first_err = c[i].first_err;
	}
	t1 = now();
	if (errors)
		fprintf(stderr, "%lu failed connections, the first: %s\n",
			errors, strerror(first_err));
	if (!conns || errors * 100 > conns)
		return 1;
	printf("result cps=%.1f conns=%lu errors=%lu secs=%.3f\n",
	       conns / (t1 - t0), conns, errors, t1 - t0);
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static long conn_total = 1000;
static atomic_long conn_next;

struct conn {
	pthread_t th;
	double *ms;		/* latencies of the successes */
	long ok, fail;
	int first_err;
};

/* One connection of -m conn: 0 with its latency in *ms, or -1. */
static int conn_once(double *ms)
{
	double t0 = now();
	int fd = client_socket();
	char ch;

	if (fd < 0)
		return -1;
	if (write_full(fd, "C", 1) || read_full(fd, &ch, 1)) {
		close(fd);
		return -1;
	}
	*ms = (now() - t0) * 1e3;
	if (recv(fd, &ch, 1, 0) != 0) {
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

static void *conn_thread(void *arg)
{
	struct conn *c = arg;

	c->ms = malloc(conn_total * sizeof(*c->ms));
	while (atomic_fetch_add(&conn_next, 1) < conn_total) {
		if (!conn_once(&c->ms[c->ok])) {
			c->ok++;
		} else if (!c->fail++) {
			c->first_err = errno;
		}
	}
	return NULL;
}

static int conn(void)
{
	struct conn *c = calloc(nclients, sizeof(*c));
	double *ms = malloc(conn_total * sizeof(*ms)), t0 = now();
	long ok = 0, fail = 0;
	int i, first_err = 0;

	for (i = 0; i < nclients; i++)
		pthread_create(&c[i].th, NULL, conn_thread, &c[i]);
	for (i = 0; i < nclients; i++) {
		pthread_join(c[i].th, NULL);
		memcpy(ms + ok, c[i].ms, c[i].ok * sizeof(*ms));
		ok += c[i].ok;
		fail += c[i].fail;
		if (!first_err)
			first_err = c[i].first_err;
	}
	if (fail)
		fprintf(stderr, "%ld failed connections, the first: %s\n",
			fail, strerror(first_err));
	qsort(ms, ok, sizeof(*ms), cmp_double);
	printf("result ok=%ld fail=%ld p50_ms=%.2f p99_ms=%.2f secs=%.3f\n",
	       ok, fail, ok ? ms[ok / 2] : 0, ok ? ms[(size_t)(ok * 0.99)] : 0,
	       now() - t0);
	return 0;
}

static int rr(void)
{
	size_t n = 0, cap = 1 << 16;
	double *rtt = malloc(cap * sizeof(*rtt)), t0, end;
	char c = 'R';
	int fd, i;

	fd = client_socket();
	if (fd < 0) {
		perror("connect");
		return 1;
	}
	nodelay(fd);
	for (i = 0; i < 200; i++) {
		if (write_full(fd, &c, 1) || read_full(fd, &c, 1)) {
			perror("ping-pong warm-up");
			return 1;
		}
	}
	end = now() + duration;
	do {
		t0 = now();
		if (write_full(fd, &c, 1) || read_full(fd, &c, 1)) {
			perror("ping-pong");
			return 1;
		}
		if (n == cap) {
			cap *= 2;
			rtt = realloc(rtt, cap * sizeof(*rtt));
		}
		rtt[n++] = (now() - t0) * 1e6;
	} while (t0 < end);
	close(fd);
	qsort(rtt, n, sizeof(*rtt), cmp_double);
	printf("result p50_us=%.1f p99_us=%.1f n=%zu\n", rtt[n / 2],
	       rtt[(size_t)(n * 0.99)], n);
	return 0;
}

static int usage(void)
{
	fprintf(stderr,
		"Usage: tool_bench server [-p PROTO] -l ADDR:PORT [-R FILE] [-w THREADS]\n"
		"       tool_bench client [-p PROTO] -c ADDR:PORT -m bulk|crr|rr|conn [-d SECS] [-n CLIENTS] [-b BYTES] [-N CONNS] [-V | -Z]\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *mode = NULL, *ready = NULL, *a = NULL;
	int is_server, opt, threads = 16;

	if (argc < 2)
		return usage();
	is_server = !strcmp(argv[1], "server");
	if (!is_server && strcmp(argv[1], "client"))
		return usage();
	optind = 2;
	while ((opt = getopt(argc, argv, "p:l:c:R:w:m:d:n:b:N:VZ")) != -1) {
		switch (opt) {
		case 'p':
			proto = atoi(optarg);
			break;
		case 'l':
		case 'c':
			a = optarg;
			break;
		case 'R':
			ready = optarg;
			break;
		case 'w':
			threads = atoi(optarg);
			break;
		case 'm':
			mode = optarg;
			break;
		case 'd':
			duration = atof(optarg);
			break;
		case 'n':
			nclients = atoi(optarg);
			break;
		case 'b':
			wsize = strtoul(optarg, NULL, 0);
			break;
		case 'N':
			conn_total = atol(optarg);
			break;
		case 'V':
			verify = 1;
			break;
		case 'Z':
			zerocopy = 1;
			break;
		default:
			return usage();
		}
	}
	if (!a || tool_parse_inet(a, &addr, &addrlen) < 0 || threads < 1 ||
	    nclients < 1 || wsize < 1 || (verify && wsize > RECV_SIZE) ||
	    (verify && zerocopy))
		return usage();
	signal(SIGPIPE, SIG_IGN);
	if (is_server)
		return server(ready, threads);
	if (mode && !strcmp(mode, "conn")) {
		/* each connection is bounded by IO_TIMEOUT_S per call */
		alarm(600);
		return conn_total > 0 ? conn() : usage();
	}
	alarm((unsigned int)duration + DRAIN_S + 15);
	if (mode && !strcmp(mode, "bulk"))
		return bulk();
	if (mode && !strcmp(mode, "crr"))
		return crr();
	if (mode && !strcmp(mode, "rr"))
		return rr();
	return usage();
}

// SPDX-License-Identifier: GPL-2.0
/*
 * tool_connloop - open and close connections in a loop, the client closing
 * first, so that every connection leaves a TIME-WAIT entry on the client.
 *
 *	tool_connloop server [-p PROTO] -l ADDR:PORT[-LAST] [-R FILE]
 *	tool_connloop client [-p PROTO] -c ADDR:PORT[-LAST] -n N [-j THREADS]
 *			     [-x] [-q] [-H]
 *
 *	-p N	socket(AF_INET, SOCK_STREAM, N); default 0 (Linux TCP)
 *	-l	server: listen on every port from PORT to LAST; each accepted
 *		connection is read to EOF and closed (one epoll thread)
 *	-R FILE	server: create FILE once listening
 *	-c	client: connect to the ports PORT..LAST in turn
 *	-n N	client: N connections in all; each is connect(),
 *		shutdown(SHUT_WR), a read of the server's EOF, close(), so
 *		the client's FIN goes first and the loop waits for the
 *		server: every connection is in TIME-WAIT before the next
 *	-j T	client: T threads share the N connections (default 1)
 *	-x	client: expect the local ports to run out: stop at the first
 *		failed connect() and report it
 *	-q	client: quiet; no progress lines on stderr
 *	-H	client: hold every connection open and idle instead: connect()
 *		and nothing more; once all N are up, print the "ok" line and
 *		wait for a signal (the server holds its ends as long)
 *
 * Client output, one line: "ok N secs=S cps=R" when all N connected, or
 * "err ERRNAME after I ms=M" for the first failure, after I connections,
 * M being how long the failing connect() took.  Exit status 0 for "ok", 1
 * for "err" (with -x, 0 for "err" and 1 for "ok"), 2 for bad usage.
 * Every connect() and read is bounded by SO_SNDTIMEO and SO_RCVTIMEO of
 * 10 s.  Both sides raise their open-file limit to what they need.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "tool_inet.h"

#define MAX_PORTS	256

static int proto;
static struct in_addr addr;
static int port_lo, port_hi;
static long total;
static bool expect_exhaustion, quiet, hold;
static atomic_long next_conn, done_conns;
static atomic_bool stop;
static pthread_mutex_t fail_lock = PTHREAD_MUTEX_INITIALIZER;
static int fail_errno;
static long fail_after;
static double fail_ms;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static const char *errname(int e)
{
	switch (e) {
	case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
	case EADDRINUSE: return "EADDRINUSE";
	case ECONNREFUSED: return "ECONNREFUSED";
	case ECONNRESET: return "ECONNRESET";
	case ETIMEDOUT: return "ETIMEDOUT";
	case EAGAIN: return "EAGAIN";
	case ENOBUFS: return "ENOBUFS";
	case ENOMEM: return "ENOMEM";
	case EMFILE: return "EMFILE";
	case EPROTO: return "EPROTO";
	default: return "EOTHER";
	}
}

/* Room for N more descriptors; root may raise the hard limit too. */
static void raise_nofile(long n)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return;
	n += 64;
	if ((rlim_t)n <= rl.rlim_cur)
		return;
	rl.rlim_cur = n;
	if (rl.rlim_max < (rlim_t)n)
		rl.rlim_max = n;
	if (setrlimit(RLIMIT_NOFILE, &rl))
		perror("setrlimit(RLIMIT_NOFILE)");
}

static int parse_target(const char *s)
{
	const char *ports;

	if (tool_parse_ipv4(s, &addr, &ports))
		return -1;
	if (sscanf(ports, "%d-%d", &port_lo, &port_hi) < 2)
		port_hi = port_lo;
	if (port_lo < 1 || port_hi > 65535 || port_hi < port_lo ||
	    port_hi - port_lo >= MAX_PORTS)
		return -1;
	return 0;
}

static struct sockaddr_in target(int port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };

	sin.sin_addr = addr;
	sin.sin_port = htons(port);
	return sin;
}

static int server(const char *ready)
{
	struct epoll_event ev, evs[64];
	int lfds[MAX_PORTS], n = port_hi - port_lo + 1, ep, i, one = 1;
	char buf[4096];

	raise_nofile(1 << 20);
	ep = epoll_create1(0);
	if (ep < 0)
		return perror("epoll_create1"), 1;
	for (i = 0; i < n; i++) {
		struct sockaddr_in sin = target(port_lo + i);

		lfds[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, proto);
		if (lfds[i] < 0)
			return perror("socket"), 1;
		setsockopt(lfds[i], SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(lfds[i], (struct sockaddr *)&sin, sizeof(sin)) ||
		    listen(lfds[i], 4096))
			return perror("bind/listen"), 1;
		ev.events = EPOLLIN;
		ev.data.u64 = (uint64_t)lfds[i] << 1 | 1;
		epoll_ctl(ep, EPOLL_CTL_ADD, lfds[i], &ev);
	}
	if (ready) {
		int fd = open(ready, O_CREAT | O_WRONLY, 0644);

		if (fd >= 0)
			close(fd);
	}
	for (;;) {
		int k = epoll_wait(ep, evs, 64, -1);

		for (i = 0; i < k; i++) {
			int fd = evs[i].data.u64 >> 1;

			if (evs[i].data.u64 & 1) {
				int c;

				while ((c = accept4(fd, NULL, NULL,
						    SOCK_NONBLOCK)) >= 0) {
					ev.events = EPOLLIN | EPOLLRDHUP;
					ev.data.u64 = (uint64_t)c << 1;
					epoll_ctl(ep, EPOLL_CTL_ADD, c, &ev);
				}
				continue;
			}
			for (;;) {
				ssize_t r = read(fd, buf, sizeof(buf));

				if (r > 0)
					continue;
				if (r < 0 && errno == EAGAIN)
					break;
				close(fd);	/* EOF or error */
				break;
			}
		}
	}
}

static void fail(int err, long after, double ms)
{
	pthread_mutex_lock(&fail_lock);
	if (!fail_errno) {
		fail_errno = err;
		fail_after = after;
		fail_ms = ms;
	}
	pthread_mutex_unlock(&fail_lock);
	atomic_store(&stop, true);
}

static void *client_thread(void *arg)
{
	struct timeval tv = { .tv_sec = 10 };
	long i;

	while (!atomic_load(&stop) &&
	       (i = atomic_fetch_add(&next_conn, 1)) < total) {
		struct sockaddr_in sin;
		double t0;
		char byte;
		int fd;

		sin = target(port_lo + i % (port_hi - port_lo + 1));
		fd = socket(AF_INET, SOCK_STREAM, proto);
		if (fd < 0) {
			fail(errno, atomic_load(&done_conns), 0);
			break;
		}
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		t0 = now();
		if (connect(fd, (struct sockaddr *)&sin, sizeof(sin))) {
			int err = errno;

			fail(err, atomic_load(&done_conns), (now() - t0) * 1e3);
			close(fd);
			break;
		}
		if (hold) {
			/* the descriptor stays open until the process ends */
			atomic_fetch_add(&done_conns, 1);
			continue;
		}
		errno = 0;
		if (shutdown(fd, SHUT_WR) || read(fd, &byte, 1) != 0) {
			fail(errno ? errno : EPROTO, atomic_load(&done_conns),
			     0);
			close(fd);
			break;
		}
		close(fd);
		i = atomic_fetch_add(&done_conns, 1) + 1;
		if (!quiet && i % 10000 == 0)
			fprintf(stderr, "connloop: %ld connections\n", i);
	}
	return NULL;
}

static int client(int threads)
{
	pthread_t tids[64];
	double t0 = now(), secs;
	int i;

	if (hold)
		raise_nofile(total);
	for (i = 0; i < threads; i++)
		pthread_create(&tids[i], NULL, client_thread, NULL);
	for (i = 0; i < threads; i++)
		pthread_join(tids[i], NULL);
	secs = now() - t0;
	if (fail_errno) {
		printf("err %s after %ld ms=%.1f\n", errname(fail_errno),
		       fail_after, fail_ms);
		return expect_exhaustion ? 0 : 1;
	}
	printf("ok %ld secs=%.1f cps=%.0f\n", total, secs, total / secs);
	if (hold) {
		fflush(stdout);
		for (;;)
			pause();
	}
	return expect_exhaustion ? 1 : 0;
}

static int usage(void)
{
	fprintf(stderr,
		"usage: tool_connloop server [-p PROTO] -l ADDR:PORT[-LAST] [-R FILE]\n"
		"       tool_connloop client [-p PROTO] -c ADDR:PORT[-LAST] -n N [-j T] [-x] [-q] [-H]\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *ready = NULL, *where = NULL;
	int threads = 1, c;
	bool is_server;

	if (argc < 2)
		return usage();
	is_server = !strcmp(argv[1], "server");
	if (!is_server && strcmp(argv[1], "client"))
		return usage();
	optind = 2;
	while ((c = getopt(argc, argv, "p:l:c:R:n:j:xqH")) != -1) {
		switch (c) {
		case 'p':
			proto = atoi(optarg);
			break;
		case 'l':
		case 'c':
			where = optarg;
			break;
		case 'R':
			ready = optarg;
			break;
		case 'n':
			total = atol(optarg);
			break;
		case 'j':
			threads = atoi(optarg);
			break;
		case 'x':
			expect_exhaustion = true;
			break;
		case 'q':
			quiet = true;
			break;
		case 'H':
			hold = true;
			break;
		default:
			return usage();
		}
	}
	if (!where || parse_target(where))
		return usage();
	if (is_server)
		return server(ready);
	if (total < 1 || threads < 1 || threads > 64)
		return usage();
	return client(threads);
}

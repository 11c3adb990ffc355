// SPDX-License-Identifier: GPL-2.0
/*
 * test_many - 1000 concurrent connections.
 *
 * Two network namespaces joined by veth (198.18.0.1 <-> 198.18.0.2).  An
 * echo server (one epoll thread) listens in the second; 8 client threads in
 * the first open 125 connections each, send a 64-byte request on each,
 * check its echo, and keep every connection open until all 1000 are up and
 * verified; then all clients close, and the server must read EOF on every
 * connection and close it too.  Variants: atcp server with atcp clients,
 * Linux TCP server with atcp clients, atcp server with Linux TCP clients,
 * and atcp on both sides again while another server thread keeps locking
 * the listener (so handshakes complete from its backlog).
 * At the peak both sides must list 1000 ESTABLISHED connections
 * (/proc/net/tcp, or /proc/net/atcp for atcp), afterwards the clients 1000
 * TIME-WAIT entries and the server none.
 *
 * The "atcp" protocol is $ATCP_PROTO (default 253); ATCP_PROTO=6 runs the
 * same test with Linux TCP everywhere.  Client ports are left to the stack
 * (atcp has its own ephemeral range).  Every wait has a deadline.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/atcp.h>
#include "tap.h"

#define NTHREADS	8
#define PER_THREAD	125
#define NCONN		(NTHREADS * PER_THREAD)
#define REQ_LEN		64
#define IO_TIMEOUT	10	/* s, every blocking socket call */
#define PHASE_TIMEOUT	60	/* s, all connections up */
#define ADDR_A		"198.18.0.1"
#define ADDR_B		"198.18.0.2"

static int atcp_proto;
static char ns_a[64], ns_b[64];
static int nsfd_a = -1, nsfd_b = -1, nsfd_self = -1;
static bool topo_up;

/* ---- helpers ---------------------------------------------------------- */

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

__attribute__((format(printf, 1, 2)))
static int run(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st)) {
		tap_diag("command failed: %s", cmd);
		return -1;
	}
	return 0;
}

static const char *pname(int proto)
{
	return proto ? "atcp" : "Linux";
}

static const char *proc_file(int proto)
{
	return proto && proto != 6 ? "/proc/net/atcp" : "ss";
}

static void cleanup(void)
{
	char cmd[256];

	if (!topo_up)
		return;
	topo_up = false;
	snprintf(cmd, sizeof(cmd),
		 "ip netns del %s 2>/dev/null; ip netns del %s 2>/dev/null",
		 ns_a, ns_b);
	if (system(cmd) != 0)
		fprintf(stderr, "test_many: %s failed\n", cmd);
}

static void on_signal(int sig)
{
	cleanup();
	signal(sig, SIG_DFL);
	raise(sig);
}

static int topo_setup(void)
{
	char path[128];

	snprintf(ns_a, sizeof(ns_a), "atcp-many-a-%d", getpid());
	snprintf(ns_b, sizeof(ns_b), "atcp-many-b-%d", getpid());
	if (system("modprobe veth 2>/dev/null") != 0)
		tap_diag("modprobe veth failed (built in?)");
	if (run("ip netns add %s", ns_a) || run("ip netns add %s", ns_b))
		return -1;
	topo_up = true;
	if (run("ip -n %s link add veth0 type veth peer name veth0 netns %s",
		ns_a, ns_b) ||
	    run("ip -n %s link set lo up && ip -n %s link set lo up", ns_a, ns_b) ||
	    run("ip -n %s addr add %s/24 dev veth0", ns_a, ADDR_A) ||
	    run("ip -n %s addr add %s/24 dev veth0", ns_b, ADDR_B) ||
	    run("ip -n %s link set veth0 up && ip -n %s link set veth0 up",
		ns_a, ns_b))
		return -1;
	/*
	 * Under load in a TCG guest a server's FIN can be retransmitted
	 * spuriously after the client's ACK; the closed server answers the
	 * TIME-WAIT's second ACK with a RST, which by RFC 9293 (rfc1337=0)
	 * ends the TIME-WAIT early.  RFC 1337 protection keeps the count of
	 * TIME-WAIT entries exact, for both stacks.
	 */
	run("ip netns exec %s sysctl -qw net.ipv4.tcp_rfc1337=1", ns_a);
	if (system("test -e /proc/sys/net/atcp/rfc1337") == 0)
		run("ip netns exec %s sh -c 'echo 1 > /proc/sys/net/atcp/rfc1337'",
		    ns_a);
	snprintf(path, sizeof(path), "/run/netns/%s", ns_a);
	nsfd_a = open(path, O_RDONLY);
	snprintf(path, sizeof(path), "/run/netns/%s", ns_b);
	nsfd_b = open(path, O_RDONLY);
	nsfd_self = open("/proc/self/ns/net", O_RDONLY);
	if (nsfd_a < 0 || nsfd_b < 0 || nsfd_self < 0) {
		tap_diag("cannot open the namespaces: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static void set_timeouts(int fd)
{
	struct timeval tv = { .tv_sec = IO_TIMEOUT };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

static void sockaddr_of(struct sockaddr_in *sin, const char *addr, int port)
{
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(port);
	inet_pton(AF_INET, addr, &sin->sin_addr);
}

/*
 * count_states(nsfd, proto, port, local, st): connections in that namespace
 * whose local (or remote) port is @port and whose state is @st (1
 * ESTABLISHED, 6 TIME_WAIT, ..., 0: any but LISTEN and TIME_WAIT); -1 when
 * they cannot be listed.  Linux TCP's come from ss (sock_diag: reading a
 * big /proc/net/tcp while it changes is not a consistent snapshot), atcp's
 * from /proc/net/atcp.
 */
static int count_states(int nsfd, int proto, int port, bool local, int st)
{
	char line[512];
	int n = 0;
	FILE *f;

	if (!proto || proto == 6) {
		const char *ns = nsfd == nsfd_a ? ns_a : ns_b;

		snprintf(line, sizeof(line),
			 "ss -N %s -tanH '( %s = :%d )' 2>/dev/null", ns,
			 local ? "sport" : "dport", port);
		f = popen(line, "r");
		if (!f)
			return -1;
		while (fgets(line, sizeof(line), f)) {
			static const char *const names[] = { "?", "ESTAB",
				"SYN-SENT", "SYN-RECV", "FIN-WAIT-1",
				"FIN-WAIT-2", "TIME-WAIT", "CLOSE",
				"CLOSE-WAIT", "LAST-ACK", "LISTEN", "CLOSING" };
			int state;

			for (state = 1; state <= 11; state++)
				if (!strncmp(line, names[state],
					     strlen(names[state])) &&
				    line[strlen(names[state])] == ' ')
					break;
			if (st ? state == st : state != 10 && state != 6)
				n++;
		}
		return pclose(f) ? -1 : n;
	}

	if (setns(nsfd, CLONE_NEWNET))
		return -1;
	f = fopen("/proc/thread-self/net/atcp", "r");
	if (setns(nsfd_self, CLONE_NEWNET))
		tap_diag("cannot return to the initial namespace");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		unsigned int lport, rport, state;

		if (sscanf(line, " %*d: %*x:%x %*x:%x %x", &lport, &rport,
			   &state) != 3)
			continue;
		if ((local ? lport : rport) != (unsigned int)port)
			continue;
		if (st ? state == (unsigned int)st :
			 state != 10 && state != 6)
			n++;
	}
	fclose(f);
	return n;
}

/* state_hist(): "STATE:COUNT ..." of the entries on @port, for diagnostics */
/*
 * /proc/net/atcp of namespace @nsfd, read @chunk bytes per read(): its
 * entries as "local rem st" strings, NULL on error.  *n gets their count;
 * *numbered is false unless the "sl" column counts 0, 1, 2, ...
 */
static char **proc_entries(int nsfd, size_t chunk, int *n, bool *numbered)
{
	size_t len = 0, cap = 1 << 20;
	char *text = malloc(cap), *line, *save;
	char **ent = NULL;
	int fd, cnt = 0, room = 0;
	ssize_t r;

	*n = 0;
	*numbered = true;
	if (!text || setns(nsfd, CLONE_NEWNET)) {
		free(text);
		return NULL;
	}
	fd = open("/proc/thread-self/net/atcp", O_RDONLY);
	if (setns(nsfd_self, CLONE_NEWNET))
		tap_diag("cannot return to the initial namespace");
	if (fd < 0) {
		free(text);
		return NULL;
	}
	for (;;) {
		if (cap - len < chunk + 1) {
			char *t = realloc(text, cap *= 2);

			if (!t)
				break;
			text = t;
		}
		r = read(fd, text + len, chunk);
		if (r <= 0)
			break;
		len += r;
	}
	close(fd);
	text[len] = 0;
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char local[32], rem[32], st[8];
		int sl;

		if (sscanf(line, " %d: %31s %31s %7s", &sl, local, rem, st) != 4)
			continue;
		if (sl != cnt)
			*numbered = false;
		if (cnt == room) {
			char **e = realloc(ent, (room = room * 2 + 64) * sizeof(*e));

			if (!e)
				break;
			ent = e;
		}
		if (asprintf(&ent[cnt], "%s %s %s", local, rem, st) < 0)
			break;
		cnt++;
	}
	free(text);
	*n = cnt;
	return ent;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * A reader that takes /proc/net/atcp 61 bytes at a time sees the entries
 * of one large read: the file is produced a hash chain at a time and
 * resumed between reads, and must neither lose, repeat nor renumber lines.
 */
static void check_proc_reads(const char *tag, int nsfd, int want)
{
	int n_small, n_big, i, same = 0;
	bool num_small, num_big;
	char **small = proc_entries(nsfd, 61, &n_small, &num_small);
	char **big = proc_entries(nsfd, 1 << 20, &n_big, &num_big);

	if (small && big && n_small == n_big) {
		qsort(small, n_small, sizeof(*small), cmp_str);
		qsort(big, n_big, sizeof(*big), cmp_str);
		for (i = 0; i < n_small; i++)
			same += !strcmp(small[i], big[i]);
	}
	tap_ok(small && big && n_big >= want && n_small == n_big &&
	       same == n_big && num_small && num_big,
	       "%s: /proc/net/atcp read 61 bytes at a time lists the %d entries of one large read, numbered alike (%d, %d same, numbered %s/%s)",
	       tag, n_big, n_small, same, num_small ? "yes" : "no",
	       num_big ? "yes" : "no");
	for (i = 0; small && i < n_small; i++)
		free(small[i]);
	for (i = 0; big && i < n_big; i++)
		free(big[i]);
	free(small);
	free(big);
}

static void state_hist(int nsfd, int proto, int port, bool local)
{
	static const char *const names[] = { "?", "ESTAB", "SYN-SENT",
		"SYN-RECV", "FIN-WAIT-1", "FIN-WAIT-2", "TIME-WAIT", "CLOSE",
		"CLOSE-WAIT", "LAST-ACK", "LISTEN", "CLOSING" };
	char out[256] = "";
	int st, n;

	for (st = 1; st <= 11; st++) {
		n = count_states(nsfd, proto, port, local, st);
		if (n > 0)
			snprintf(out + strlen(out), sizeof(out) - strlen(out),
				 " %s:%d", names[st], n);
	}
	tap_diag("states on port %d:%s", port, out[0] ? out : " none");
}

/* Linux's counters about closing, in TAP comments */
static void show_counters(const char *ns)
{
	run("ip netns exec %s nstat -asz | "
	    "grep -E 'TW|TimeWait|Abort|Rst|Reset|Orphan|Opens|Retrans|Timeouts|Drop' | "
	    "sed 's/^/# %s: /'", ns, ns);
	run("ip netns exec %s sh -c 'cat /proc/net/atcp_stat 2>/dev/null' | "
	    "grep -E '^(TW|InSegs|OutSegs|RetransSegs|OutRsts|InErrs)' | "
	    "sed 's/^/# %s atcp: /'", ns, ns);
}

/* ---- the echo server ---------------------------------------------------- */

struct server {
	int proto, port;
	bool busy;		/* keep the listener locked by setsockopt() */
	pthread_t th;
	int status;		/* 0 starting, 1 listening, -errno failed */
	atomic_int accepted, open_now, peak, eofs, errors;
	atomic_long busy_calls;
	atomic_bool stop;
	int lfd;
	char err[160];
};

static void server_error(struct server *s, const char *what, int e)
{
	if (!s->err[0])
		snprintf(s->err, sizeof(s->err), "%s: %s", what, strerror(e));
	atomic_fetch_add(&s->errors, 1);
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t r = write(fd, p, n);

		if (r < 0 && errno == EAGAIN) {
			struct pollfd pfd = { .fd = fd, .events = POLLOUT };

			if (poll(&pfd, 1, IO_TIMEOUT * 1000) <= 0)
				return -1;
			continue;
		}
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		n -= r;
	}
	return 0;
}

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static int conn_fds[NCONN + 64];
static int nconn_fds;

static void server_accept(struct server *s, int lfd, int epfd)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int c, open_now;

	for (;;) {
		c = accept4(lfd, NULL, NULL, SOCK_NONBLOCK);
		if (c < 0) {
			if (errno != EAGAIN && errno != EINTR)
				server_error(s, "accept", errno);
			return;
		}
		ev.data.fd = c;
		if (epoll_ctl(epfd, EPOLL_CTL_ADD, c, &ev)) {
			server_error(s, "epoll_ctl", errno);
			close(c);
			continue;
		}
		if (nconn_fds < (int)ARRAY_SIZE(conn_fds))
			conn_fds[nconn_fds++] = c;
		atomic_fetch_add(&s->accepted, 1);
		open_now = atomic_fetch_add(&s->open_now, 1) + 1;
		if (open_now > atomic_load(&s->peak))
			atomic_store(&s->peak, open_now);
	}
}

/* echo what arrived on @fd; on EOF or error, close it */
static void server_echo(struct server *s, int fd, int epfd)
{
	char buf[4096];
	ssize_t r;
	int k;

	r = read(fd, buf, sizeof(buf));
	if (r < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (r > 0) {
		if (write_all(fd, buf, r))
			server_error(s, "echo write", errno);
		return;
	}
	if (r < 0)
		server_error(s, "read", errno);
	else
		atomic_fetch_add(&s->eofs, 1);
	epoll_ctl(epfd, EPOLL_CTL_DEL, fd, NULL);
	close(fd);
	atomic_fetch_sub(&s->open_now, 1);
	for (k = 0; k < nconn_fds; k++) {
		if (conn_fds[k] == fd) {
			conn_fds[k] = conn_fds[--nconn_fds];
			break;
		}
	}
}

/*
 * Lock the listener from user space again and again: a setsockopt() with
 * no effect holds the socket, so the segments of new connections pile up
 * in its backlog and are processed together when it is released.  A third
 * ACK and the data right behind it then reach the listener one after the
 * other, after the first has already made the connection.
 */
static void *listener_busy_thread(void *arg)
{
	struct server *s = arg;
	int zero = 0;

	while (!atomic_load(&s->stop)) {
		if (setsockopt(s->lfd, SOL_SOCKET, SO_PRIORITY, &zero,
			       sizeof(zero)) == 0)
			atomic_fetch_add(&s->busy_calls, 1);
	}
	return NULL;
}

static void *server_thread(void *arg)
{
	struct server *s = arg;
	struct epoll_event ev, evs[64];
	struct sockaddr_in sin;
	int lfd, epfd, one = 1, i;
	pthread_t busy_th;

	nconn_fds = 0;
	if (setns(nsfd_b, CLONE_NEWNET)) {
		s->status = -errno;
		return NULL;
	}
	lfd = socket(AF_INET, SOCK_STREAM, s->proto);
	if (lfd < 0) {
		s->status = -errno;
		server_error(s, "socket", errno);
		return NULL;
	}
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	sockaddr_of(&sin, ADDR_B, s->port);
	if (bind(lfd, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	    listen(lfd, 1024) < 0 ||
	    fcntl(lfd, F_SETFL, O_NONBLOCK) < 0) {
		s->status = -errno;
		server_error(s, "bind/listen", errno);
		close(lfd);
		return NULL;
	}
	epfd = epoll_create1(0);
	ev.events = EPOLLIN;
	ev.data.fd = lfd;
	if (epfd < 0 || epoll_ctl(epfd, EPOLL_CTL_ADD, lfd, &ev)) {
		s->status = -errno;
		server_error(s, "epoll", errno);
		close(lfd);
		return NULL;
	}
	s->lfd = lfd;
	if (s->busy && pthread_create(&busy_th, NULL, listener_busy_thread, s)) {
		server_error(s, "pthread_create", EAGAIN);
		s->busy = false;
	}
	s->status = 1;

	while (!atomic_load(&s->stop)) {
		int n = epoll_wait(epfd, evs, ARRAY_SIZE(evs), 100);

		for (i = 0; i < n; i++) {
			if (evs[i].data.fd == lfd)
				server_accept(s, lfd, epfd);
			else
				server_echo(s, evs[i].data.fd, epfd);
		}
	}
	if (s->busy)
		pthread_join(busy_th, NULL);
	for (i = 0; i < nconn_fds; i++)
		close(conn_fds[i]);
	close(epfd);
	close(lfd);
	return NULL;
}

/* ---- clients ------------------------------------------------------------- */

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int phase1_done, threads_done;
static bool release_clients;

struct client {
	int id, proto, port;
	pthread_t th;
	int fds[PER_THREAD];
	int nconn, nverified, nclosed;
	char err[160];
};

static void client_error(struct client *c, int i, const char *what, int e)
{
	if (!c->err[0])
		snprintf(c->err, sizeof(c->err), "thread %d conn %d: %s: %s",
			 c->id, i, what, e ? strerror(e) : "short read");
}

static void fill_request(char *req, int thread, int conn)
{
	int i, n = snprintf(req, REQ_LEN, "request t%d c%d ", thread, conn);

	for (i = n; i < REQ_LEN; i++)
		req[i] = 'a' + (thread * 7 + conn * 13 + i) % 26;
}

static int one_conn(struct client *c, int i)
{
	char req[REQ_LEN + 1], rsp[REQ_LEN];
	struct sockaddr_in sin;
	size_t got = 0;
	int fd;

	fd = socket(AF_INET, SOCK_STREAM, c->proto);
	if (fd < 0) {
		client_error(c, i, "socket", errno);
		return -1;
	}
	c->fds[i] = fd;
	set_timeouts(fd);
	sockaddr_of(&sin, ADDR_B, c->port);
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		client_error(c, i, "connect", errno);
		return -1;
	}
	c->nconn++;
	fill_request(req, c->id, i);
	if (write_all(fd, req, REQ_LEN)) {
		client_error(c, i, "send", errno);
		return -1;
	}
	while (got < REQ_LEN) {
		ssize_t r = recv(fd, rsp + got, REQ_LEN - got, 0);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			client_error(c, i, "recv", r ? errno : 0);
			return -1;
		}
		got += r;
	}
	if (memcmp(req, rsp, REQ_LEN)) {
		client_error(c, i, "echo differs", EBADMSG);
		return -1;
	}
	c->nverified++;
	return 0;
}

static void *client_thread(void *arg)
{
	struct client *c = arg;
	struct timespec dl;
	int i;

	for (i = 0; i < PER_THREAD; i++)
		c->fds[i] = -1;
	if (setns(nsfd_a, CLONE_NEWNET)) {
		client_error(c, 0, "setns", errno);
	} else {
		for (i = 0; i < PER_THREAD; i++)
			if (one_conn(c, i))
				break;	/* one error is enough: fail fast */
	}

	pthread_mutex_lock(&lock);
	phase1_done++;
	pthread_cond_broadcast(&cond);
	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_sec += PHASE_TIMEOUT + 60;
	while (!release_clients)
		if (pthread_cond_timedwait(&cond, &lock, &dl) == ETIMEDOUT)
			break;
	pthread_mutex_unlock(&lock);

	for (i = 0; i < PER_THREAD; i++) {
		if (c->fds[i] < 0)
			continue;
		if (close(c->fds[i]) == 0)
			c->nclosed++;
		c->fds[i] = -1;
	}
	pthread_mutex_lock(&lock);
	threads_done++;
	pthread_cond_broadcast(&cond);
	pthread_mutex_unlock(&lock);
	return NULL;
}

/* wait until *counter >= want, at most secs; returns the counter */
static int wait_count(int *counter, int want, int secs)
{
	struct timespec dl;
	int v;

	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_sec += secs;
	pthread_mutex_lock(&lock);
	while (*counter < want)
		if (pthread_cond_timedwait(&cond, &lock, &dl) == ETIMEDOUT)
			break;
	v = *counter;
	pthread_mutex_unlock(&lock);
	return v;
}

static int wait_atomic(atomic_int *a, int want, int secs)
{
	double end = now() + secs;

	while (atomic_load(a) < want && now() < end)
		sleep_ms(20);
	return atomic_load(a);
}

/* poll count_states() until it returns @want, at most @secs */
static int wait_states(int nsfd, int proto, int port, bool local, int st,
		       int want, int secs)
{
	double end = now() + secs;
	int n;

	for (;;) {
		n = count_states(nsfd, proto, port, local, st);
		if (n == want || now() > end)
			return n;
		sleep_ms(100);
	}
}

/* ---- one variant ------------------------------------------------------- */

static void variant(int sproto, int cproto, int port, bool busy)
{
	static struct client clients[NTHREADS];
	static struct server srv;
	char tag[96];
	int i, nconn = 0, nver = 0, nclosed = 0, n, done;
	const char *cfile = proc_file(cproto), *sfile = proc_file(sproto);
	double t0;
	bool stuck = false;

	snprintf(tag, sizeof(tag), "%s server%s, %s clients", pname(sproto),
		 busy ? " (listener busy)" : "", pname(cproto));
	memset(&srv, 0, sizeof(srv));
	srv.proto = sproto;
	srv.port = port;
	srv.busy = busy;
	phase1_done = 0;
	threads_done = 0;
	release_clients = false;

	if (pthread_create(&srv.th, NULL, server_thread, &srv)) {
		tap_ok(0, "%s: server thread", tag);
		return;
	}
	for (i = 0; i < 500 && !srv.status; i++)
		sleep_ms(10);
	tap_ok(srv.status == 1, "%s: the server listens on %s:%d (%s)", tag,
	       ADDR_B, port, srv.status == 1 ? "ok" :
	       srv.err[0] ? srv.err : "no answer");
	tap_diag("%s: atcp protocol %d", tag, atcp_proto);
	if (srv.status != 1) {
		pthread_join(srv.th, NULL);
		tap_ok(0, "%s: %d connections established (no server)", tag, NCONN);
		tap_ok(0, "%s: %d echoes verified (no server)", tag, NCONN);
		tap_ok(0, "%s: all held open at once (no server)", tag);
		tap_ok(0, "%s: clients list %d ESTABLISHED (no server)", tag, NCONN);
		tap_ok(0, "%s: server lists %d ESTABLISHED (no server)", tag, NCONN);
		tap_ok(0, "%s: clients close all (no server)", tag);
		tap_ok(0, "%s: server reads EOF on all (no server)", tag);
		tap_ok(0, "%s: clients keep %d TIME-WAIT (no server)", tag, NCONN);
		tap_ok(0, "%s: server keeps nothing (no server)", tag);
		return;
	}

	t0 = now();
	for (i = 0; i < NTHREADS; i++) {
		memset(&clients[i], 0, sizeof(clients[i]));
		clients[i].id = i;
		clients[i].proto = cproto;
		clients[i].port = port;
		if (pthread_create(&clients[i].th, NULL, client_thread,
				   &clients[i])) {
			tap_diag("pthread_create failed");
			pthread_mutex_lock(&lock);
			phase1_done++;
			threads_done++;
			pthread_mutex_unlock(&lock);
			clients[i].th = 0;
		}
	}
	done = wait_count(&phase1_done, NTHREADS, PHASE_TIMEOUT);
	for (i = 0; i < NTHREADS; i++) {
		nconn += clients[i].nconn;
		nver += clients[i].nverified;
		if (clients[i].err[0])
			tap_diag("%s", clients[i].err);
	}
	tap_diag("%s: %d of %d client threads done in %.1f s", tag, done,
		 NTHREADS, now() - t0);
	tap_ok(nconn == NCONN, "%s: %d connections established (%d)", tag,
	       NCONN, nconn);
	tap_ok(nver == NCONN, "%s: %d echoes verified (%d)", tag, NCONN, nver);
	if (busy)
		tap_ok(atomic_load(&srv.busy_calls) >= 1000,
		       "%s: another thread locked the listener all along (%ld setsockopt calls)",
		       tag, atomic_load(&srv.busy_calls));

	n = nconn ? wait_atomic(&srv.open_now, NCONN, 10) : 0;
	if (srv.err[0])
		tap_diag("server: %s", srv.err);
	tap_ok(n == NCONN && nconn == NCONN,
	       "%s: the server holds all %d open at once (%d, peak %d, %d errors)",
	       tag, NCONN, n, atomic_load(&srv.peak), atomic_load(&srv.errors));
	n = nconn ? wait_states(nsfd_a, cproto, port, false,
				1, NCONN, 3) : 0;
	tap_ok(n == NCONN, "%s: the client side lists %d ESTABLISHED (%s: %d)",
	       tag, NCONN, cfile, n);
	n = nconn ? wait_states(nsfd_b, sproto, port, true,
				1, NCONN, 3) : 0;
	tap_ok(n == NCONN, "%s: the server side lists %d ESTABLISHED (%s: %d)",
	       tag, NCONN, sfile, n);

	pthread_mutex_lock(&lock);
	release_clients = true;
	pthread_cond_broadcast(&cond);
	pthread_mutex_unlock(&lock);
	done = wait_count(&threads_done, NTHREADS, 60);
	for (i = 0; i < NTHREADS; i++)
		nclosed += clients[i].nclosed;
	if (done < NTHREADS) {
		tap_diag("%d client threads are stuck", NTHREADS - done);
		stuck = true;
	}
	tap_ok(nclosed == nconn && nconn == NCONN && !stuck,
	       "%s: the clients close all %d and finish (%d)", tag, NCONN,
	       nclosed);
	n = nconn ? wait_atomic(&srv.eofs, NCONN, 30) : 0;
	tap_ok(n == NCONN, "%s: the server reads EOF on all %d and closes them (%d, %d errors)",
	       tag, NCONN, n, atomic_load(&srv.errors));
	n = nconn ? wait_states(nsfd_a, cproto, port, false,
				6, NCONN, 10) : 0;
	if (!tap_ok(n == NCONN, "%s: the clients (active closers) keep %d TIME-WAIT (%s: %d)",
		    tag, NCONN, cfile, n)) {
		state_hist(nsfd_a, cproto, port, false);
		show_counters(ns_a);
		show_counters(ns_b);
	}
	if (cproto && cproto != 6)
		check_proc_reads(tag, nsfd_a, NCONN);
	n = nconn ? wait_states(nsfd_b, sproto, port, true,
				0, 0, 10) : -1;
	if (!tap_ok(n == 0, "%s: the server side keeps nothing but its listener (%s: %d)",
		    tag, sfile, n)) {
		state_hist(nsfd_b, sproto, port, true);
		show_counters(ns_a);
		show_counters(ns_b);
	}

	atomic_store(&srv.stop, true);
	pthread_join(srv.th, NULL);
	for (i = 0; i < NTHREADS && !stuck; i++)
		if (clients[i].th)
			pthread_join(clients[i].th, NULL);
	tap_diag("%s: %.1f s", tag, now() - t0);
}

int main(void)
{
	const char *p = getenv("ATCP_PROTO");
	struct rlimit rl = { 8192, 8192 };

	atcp_proto = p ? atoi(p) : IPPROTO_ATCP;
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (setrlimit(RLIMIT_NOFILE, &rl))
		tap_diag("setrlimit(RLIMIT_NOFILE, 8192): %s", strerror(errno));
	getrlimit(RLIMIT_NOFILE, &rl);
	if (rl.rlim_cur < 2 * NCONN + 64) {
		tap_ok(0, "RLIMIT_NOFILE raised to %d (%lu)", 2 * NCONN + 64,
		       (unsigned long)rl.rlim_cur);
		return tap_finish();
	}

	atexit(cleanup);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	signal(SIGPIPE, SIG_IGN);
	if (topo_setup()) {
		tap_ok(0, "topology: two namespaces joined by veth");
		return tap_finish();
	}

	variant(atcp_proto, atcp_proto, 24001, false);
	variant(0, atcp_proto, 24002, false);
	variant(atcp_proto, 0, 24003, false);
	variant(atcp_proto, atcp_proto, 24004, true);
	return tap_finish();
}

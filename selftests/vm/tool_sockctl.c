// SPDX-License-Identifier: GPL-2.0
/*
 * tool_sockctl - drive one stream connection (and one listener) step by step
 * from a script: commands on stdin, one reply line per command on stdout.
 * The shell selftests hold sockets open between steps with it and look at
 * the peer with ss(8) in between.
 *
 *	tool_sockctl [-p PROTO] [-t TIMEOUT]
 *
 * PROTO is the socket() protocol (default 0, Linux TCP); TIMEOUT (default 10
 * s) limits every blocking call.  Several commands may share a line,
 * separated by " ; ", and then give one reply line each.  Replies are
 * "ok [...]", "err ERRNAME [...]", or for recv "eof N" (EOF after N bytes)
 * and for recv-eof "data N" (N bytes instead of EOF).
 *
 *	listen A:P [BACKLOG] [v6only] [dstopts] [dscp] [dev=NAME] [reuseport]
 *	       [cbpf=N]
 *	                       listener socket, SO_REUSEADDR, bind, listen
 *	                       (backlog 16 by default); v6only: an IPv6
 *	                       listener with IPV6_V6ONLY; dstopts: with a
 *	                       16-byte IPV6_DSTOPTS header (sockopt dstopts);
 *	                       dscp: with IP_TOS (IPV6_TCLASS) 0x20 and
 *	                       IP_TTL (IPV6_UNICAST_HOPS) 33; dev=NAME:
 *	                       bound to device NAME (SO_BINDTODEVICE);
 *	                       reuseport: with SO_REUSEPORT; cbpf=N: once
 *	                       listening, attach to its SO_REUSEPORT group a
 *	                       classic BPF program that sends every new
 *	                       connection to the group's listener N
 *	                       (SO_ATTACH_REUSEPORT_CBPF)
 *	accept                 accept a connection from the listener
 *	bind A:P               connection socket bound to A:P (for connect)
 *	connect A:P [flow L]   blocking connect; over IPv6, L (hex or
 *	                       decimal) as sin6_flowinfo's flow label
 *	connect-nb A:P         non-blocking connect: ok or err EINPROGRESS
 *	wait-connect           after connect-nb: poll for POLLOUT, SO_ERROR
 *	send N [more]          send N bytes of the test pattern, in calls of
 *	                       16 KiB at most; more: each with MSG_MORE
 *	recv N                 receive exactly N bytes, checking the pattern
 *	recv-eof               the next read must return 0
 *	shutdown wr|rd|rdwr
 *	linger0                SO_LINGER on, 0 s: close() will reset
 *	socket [6]             a fresh connection socket (IPv4, or IPv6), to
 *	                       set options on before connect
 *	sockopt NAME V         set an int option of the connection socket:
 *	                       keepalive (SO_KEEPALIVE), sndbuf, rcvbuf
 *	                       (SO_*), keepidle, keepintvl, keepcnt,
 *	                       user_timeout, maxseg, notsent_lowat,
 *	                       thin_linear_timeouts, linger2, nodelay,
 *	                       cork, quickack
 *	                       (TCP_*),
 *	                       max_pacing_rate
 *	                       (SO_MAX_PACING_RATE, bytes a second),
 *	                       flowinfo_send (IPV6_FLOWINFO_SEND),
 *	                       addrform (IPV6_ADDRFORM: 2 for AF_INET),
 *	                       ip_add_membership (IP_ADD_MEMBERSHIP, an int:
 *	                       only the errno tells), tos, ttl (IP_*),
 *	                       tclass (IPV6_TCLASS), hops
 *	                       (IPV6_UNICAST_HOPS), mark (SO_MARK),
 *	                       dstopts (IPV6_DSTOPTS: a destination options
 *	                       header of V bytes, 0 for none)
 *	getsockopt NAME        an int option of the connection socket, by
 *	                       the names sockopt takes: ok V
 *	lsockopt NAME V, lgetsockopt NAME
 *	                       the same for the listener; both know
 *	                       fastopen, fastopen_connect, fastopen_no_cookie
 *	                       (TCP_FASTOPEN*) too
 *	fokey [HEX]            the listener's TCP_FASTOPEN_KEY: set from 32 or
 *	                       64 hex digits, or read: ok HEX
 *	sendto-fo A:P N        sendto() N bytes (at most 16384) with
 *	                       MSG_FASTOPEN, connecting: ok SENT
 *	cc [NAME]              TCP_CONGESTION: set NAME, or read: ok NAME
 *	info FIELD             a TCP_INFO field: ok N; FIELD is snd_mss,
 *	                       snd_cwnd, snd_ssthresh, reordering, min_rtt,
 *	                       total_retrans, ca_state (0 Open ... 4 Loss),
 *	                       unacked, lost, retrans, sacked (segments),
 *	                       rcv_rtt, rtt, rto (us), rcv_space (bytes),
 *	                       or ecn, ecnseen and syn_data (tcpi_options
 *	                       bits, 0 or 1), fo_fail
 *	                       (tcpi_fastopen_client_fail);
 *	                       "info pacing" reads one TCP_INFO: ok
 *	                       PACING_RATE MAX_PACING_RATE SND_CWND SND_MSS
 *	                       RTT SND_SSTHRESH
 *	notsent                bytes queued but not yet sent (SIOCOUTQNSD)
 *	outq                   bytes queued and not yet acknowledged (SIOCOUTQ)
 *	inq                    bytes received and not yet read (SIOCINQ)
 *	send-nb N              non-blocking send of up to N bytes: ok SENT
 *	writable               poll() for POLLOUT, without waiting: ok 1 / ok 0
 *	close                  close the connection
 *	close-listener
 *	state                  TCP_INFO tcpi_state: ok ESTABLISHED, ...
 *	trace-states MS        sample tcpi_state every 0.5 ms for MS ms or until
 *	                       CLOSE: ok STATE STATE ... (distinct in sequence)
 *	sockerr                SO_ERROR: ok 0, ok ECONNRESET, ...
 *	device                 SO_BINDTODEVICE: ok NAME, or ok - if unbound
 *	names                  getsockname() and getpeername(): ok FAMILY
 *	                       LOCAL PEER (inet 198.18.0.1:61000 ..., or
 *	                       inet6 [::ffff:198.18.0.1]:61000 ...)
 *	sleep MS
 *	at MS CMD...           wait until CLOCK_REALTIME is MS ms since the
 *	                       epoch (a barrier across processes), then CMD
 *	quit
 *
 * The test pattern is byte i = (i * 7 + i / 251) & 0xff in each direction,
 * counted from the start of the connection.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <linux/filter.h>
#include <linux/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/sockios.h>
#include <time.h>
#include <unistd.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#ifndef IPV6_FLOWINFO_SEND
#define IPV6_FLOWINFO_SEND 33		/* <linux/in6.h> */
#endif

static int proto;
static int timeout_s = 10;
static int lfd = -1, cfd = -1;
static uint64_t sent, rcvd;

/*
 * tcpi_state: the kernel's TCP_* states (include/net/tcp_states.h), not in
 * the uapi <linux/tcp.h> this file includes for the whole struct tcp_info
 */
static const char *const state_names[] = {
	"NONE", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1",
	"FIN_WAIT2", "TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK",
	"LISTEN", "CLOSING",
};

#define STATE_CLOSE 7

static const char *errname(int e)
{
	static char buf[32];

	switch (e) {
	case 0: return "0";
	case EAGAIN: return "EAGAIN";
	case EINPROGRESS: return "EINPROGRESS";
	case ECONNREFUSED: return "ECONNREFUSED";
	case ECONNRESET: return "ECONNRESET";
	case ECONNABORTED: return "ECONNABORTED";
	case EPIPE: return "EPIPE";
	case ETIMEDOUT: return "ETIMEDOUT";
	case ENOTCONN: return "ENOTCONN";
	case EISCONN: return "EISCONN";
	case EALREADY: return "EALREADY";
	case EADDRINUSE: return "EADDRINUSE";
	case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
	case EPROTO: return "EPROTO";
	case EBADF: return "EBADF";
	case EINVAL: return "EINVAL";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case ENOPROTOOPT: return "ENOPROTOOPT";
	case ENOENT: return "ENOENT";
	case EPROTONOSUPPORT: return "EPROTONOSUPPORT";
	case EHOSTUNREACH: return "EHOSTUNREACH";
	case ENETUNREACH: return "ENETUNREACH";
	}
	snprintf(buf, sizeof(buf), "E%d", e);
	return buf;
}

static uint8_t pattern(uint64_t i)
{
	return (i * 7 + i / 251) & 0xff;
}

__attribute__((format(printf, 1, 2)))
static void reply(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static void reply_err(int e, const char *what)
{
	reply("err %s %s", errname(e), what);
}

/* A blocking call that ignores SO_*TIMEO still cannot hang the script. */
static void on_alarm(int sig)
{
	static const char m[] = "err WATCHDOG blocking call did not return\n";

	if (write(1, m, sizeof(m) - 1) < 0)
		_exit(3);
	_exit(3);
}

static void arm(void)
{
	alarm(timeout_s + 2);
}

static void disarm(void)
{
	alarm(0);
}

static int parse_addr(const char *s, struct sockaddr_storage *ss,
		      socklen_t *len)
{
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	char host[INET6_ADDRSTRLEN + 2];
	const char *colon;
	bool v6 = false;
	char *end;
	long port;
	size_t n;

	memset(ss, 0, sizeof(*ss));
	if (!s)
		return -1;
	if (s[0] == '[') {
		const char *rb = strchr(s, ']');

		if (!rb || rb[1] != ':')
			return -1;
		n = rb - s - 1;
		colon = rb + 1;
		s++;
		v6 = true;
	} else {
		colon = strrchr(s, ':');
		if (!colon)
			return -1;
		n = colon - s;
	}
	if (n >= sizeof(host))
		return -1;
	memcpy(host, s, n);
	host[n] = 0;
	port = strtol(colon + 1, &end, 10);
	if (*end || end == colon + 1 || port < 0 || port > 65535)
		return -1;
	if (!v6) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		*len = sizeof(*s4);
		return inet_pton(AF_INET, host, &s4->sin_addr) == 1 ? AF_INET : -1;
	}
	s6->sin6_family = AF_INET6;
	s6->sin6_port = htons(port);
	*len = sizeof(*s6);
	return inet_pton(AF_INET6, host, &s6->sin6_addr) == 1 ? AF_INET6 : -1;
}

static void set_timeouts(int fd)
{
	struct timeval tv = { .tv_sec = timeout_s };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

static int new_socket(int family)
{
	int one = 1;
	int fd = socket(family, SOCK_STREAM, proto);

	if (fd < 0)
		return -1;
	set_timeouts(fd);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	return fd;
}

static void addr_str(const struct sockaddr_storage *ss, char *buf, size_t len)
{
	char host[INET6_ADDRSTRLEN];

	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *s4 = (const void *)ss;

		inet_ntop(AF_INET, &s4->sin_addr, host, sizeof(host));
		snprintf(buf, len, "%s:%u", host, ntohs(s4->sin_port));
	} else {
		const struct sockaddr_in6 *s6 = (const void *)ss;

		inet_ntop(AF_INET6, &s6->sin6_addr, host, sizeof(host));
		snprintf(buf, len, "[%s]:%u", host, ntohs(s6->sin6_port));
	}
}

static int tcp_state(int fd)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	memset(&ti, 0, sizeof(ti));
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) < 0)
		return -errno;
	return ti.tcpi_state;
}

static const char *state_name(int st)
{
	if (st < 0 || st >= (int)ARRAY_SIZE(state_names) ||
	    !state_names[st])
		return "UNKNOWN";
	return state_names[st];
}

/*
 * IPV6_DSTOPTS on @fd: a destination options header of @len bytes (a
 * multiple of 8, at most 256), or none for 0.  It holds one option of
 * RFC 4727's experimental type 0x1e, which a receiver skips; not only
 * padding, which Linux drops beyond 7 bytes (RFC 8504 5.3).
 */
static int set_dstopts(int fd, int len)
{
	unsigned char hdr[256] = { 0 };

	if (len < 0 || len % 8 || len > (int)sizeof(hdr)) {
		errno = EINVAL;
		return -1;
	}
	if (!len)
		return setsockopt(fd, IPPROTO_IPV6, IPV6_DSTOPTS, NULL, 0);
	hdr[1] = len / 8 - 1;	/* in 8 bytes, the first not counted */
	hdr[2] = 0x1e;
	hdr[3] = len - 4;
	return setsockopt(fd, IPPROTO_IPV6, IPV6_DSTOPTS, hdr, len);
}

/* The listen word dscp: DSCP 8 (0x20) and a TTL or hop limit of 33. */
static int set_dscp(int fd, int family)
{
	int tos = 0x20, ttl = 33;

	if (family == AF_INET6)
		return setsockopt(fd, IPPROTO_IPV6, IPV6_TCLASS, &tos,
				  sizeof(tos)) ?:
		       setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &ttl,
				  sizeof(ttl));
	return setsockopt(fd, IPPROTO_IP, IP_TOS, &tos, sizeof(tos)) ?:
	       setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl));
}

static void cmd_listen(const char *arg)
{
	struct sockaddr_storage ss;
	char addr[128], *sp, *word;
	socklen_t len;
	int family, backlog = 16, v6only = 0, dstopts = 0, dscp = 0;
	int reuseport = 0, cbpf = -1;
	const char *dev = NULL;

	snprintf(addr, sizeof(addr), "%s", arg);
	sp = strchr(addr, ' ');
	if (sp) {
		*sp++ = 0;
		while ((word = strsep(&sp, " ")) != NULL) {
			if (!strcmp(word, "v6only"))
				v6only = 1;
			else if (!strcmp(word, "dstopts"))
				dstopts = 16;
			else if (!strcmp(word, "dscp"))
				dscp = 1;
			else if (!strncmp(word, "dev=", 4))
				dev = word + 4;
			else if (!strcmp(word, "reuseport"))
				reuseport = 1;
			else if (!strncmp(word, "cbpf=", 5))
				cbpf = atoi(word + 5);
			else if (*word)
				backlog = atoi(word);
		}
	}
	family = parse_addr(addr, &ss, &len);

	if (family < 0)
		return reply("err EINVAL bad address");
	if (lfd >= 0)
		close(lfd);
	lfd = new_socket(family);
	if (lfd < 0)
		return reply_err(errno, "socket");
	if (v6only && setsockopt(lfd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only,
				 sizeof(v6only)) < 0)
		return reply_err(errno, "IPV6_V6ONLY");
	if (dstopts && set_dstopts(lfd, dstopts) < 0)
		return reply_err(errno, "IPV6_DSTOPTS");
	if (dscp && set_dscp(lfd, family) < 0)
		return reply_err(errno, "IP_TOS/IP_TTL");
	if (dev && setsockopt(lfd, SOL_SOCKET, SO_BINDTODEVICE, dev,
			      strlen(dev)) < 0)
		return reply_err(errno, "SO_BINDTODEVICE");
	if (reuseport && setsockopt(lfd, SOL_SOCKET, SO_REUSEPORT, &reuseport,
				    sizeof(reuseport)) < 0)
		return reply_err(errno, "SO_REUSEPORT");
	if (bind(lfd, (struct sockaddr *)&ss, len) < 0)
		return reply_err(errno, "bind");
	if (listen(lfd, backlog) < 0)
		return reply_err(errno, "listen");
	if (cbpf >= 0) {
		struct sock_filter code[] = { BPF_STMT(BPF_RET | BPF_K, cbpf) };
		struct sock_fprog prog = { .len = 1, .filter = code };

		if (setsockopt(lfd, SOL_SOCKET, SO_ATTACH_REUSEPORT_CBPF,
			       &prog, sizeof(prog)) < 0)
			return reply_err(errno, "SO_ATTACH_REUSEPORT_CBPF");
	}
	reply("ok");
}

static void cmd_accept(void)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char buf[64];
	int fd;

	arm();
	fd = accept(lfd, (struct sockaddr *)&ss, &len);
	disarm();
	if (fd < 0)
		return reply_err(errno, "accept");
	if (cfd >= 0)
		close(cfd);
	cfd = fd;
	set_timeouts(cfd);
	sent = 0;
	rcvd = 0;
	addr_str(&ss, buf, sizeof(buf));
	reply("ok %s", buf);
}

static void cmd_bind(const char *arg)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int family = parse_addr(arg, &ss, &len);

	if (family < 0)
		return reply("err EINVAL bad address");
	if (cfd >= 0)
		close(cfd);
	cfd = new_socket(family);
	if (cfd < 0)
		return reply_err(errno, "socket");
	sent = 0;
	rcvd = 0;
	if (bind(cfd, (struct sockaddr *)&ss, len) < 0)
		return reply_err(errno, "bind");
	reply("ok");
}

/* The connection socket: a new one of @family unless there is one. */
static int conn_socket(int family)
{
	if (cfd < 0) {
		cfd = new_socket(family);
		sent = 0;
		rcvd = 0;
	}
	return cfd;
}

static void cmd_connect(const char *arg, bool nb)
{
	const char *flow = arg ? strstr(arg, " flow ") : NULL;
	char addr[INET6_ADDRSTRLEN + 16];
	struct sockaddr_storage ss;
	int family, r;
	socklen_t len;

	snprintf(addr, sizeof(addr), "%.*s",
		 flow ? (int)(flow - arg) : (int)sizeof(addr), arg ? arg : "");
	family = parse_addr(addr, &ss, &len);
	if (family < 0 || (flow && family != AF_INET6))
		return reply("err EINVAL bad address");
	if (flow)
		((struct sockaddr_in6 *)&ss)->sin6_flowinfo =
			htonl(strtoul(flow + 6, NULL, 0) & 0xfffff);
	if (conn_socket(family) < 0)
		return reply_err(errno, "socket");
	if (nb && fcntl(cfd, F_SETFL, fcntl(cfd, F_GETFL) | O_NONBLOCK) < 0)
		return reply_err(errno, "fcntl");
	arm();
	r = connect(cfd, (struct sockaddr *)&ss, len);
	disarm();
	if (r < 0)
		return reply_err(errno, "connect");
	reply("ok");
}

/*
 * Fast Open: sendto() N bytes of the pattern with MSG_FASTOPEN to A:P,
 * connecting the socket from "socket" (or a new one), blocking: ok SENT.
 */
static void cmd_sendto_fo(char *arg)
{
	char *n = arg ? strrchr(arg, ' ') : NULL;
	struct sockaddr_storage ss;
	uint8_t buf[16384];
	size_t k, i;
	socklen_t len;
	ssize_t r;
	int family;

	if (!n)
		return reply("err EINVAL usage: sendto-fo A:P N");
	*n++ = 0;
	family = parse_addr(arg, &ss, &len);
	if (family < 0)
		return reply("err EINVAL bad address");
	k = strtoul(n, NULL, 0);
	if (k > sizeof(buf))
		k = sizeof(buf);
	if (conn_socket(family) < 0)
		return reply_err(errno, "socket");
	for (i = 0; i < k; i++)
		buf[i] = pattern(sent + i);
	arm();
	r = sendto(cfd, buf, k, MSG_FASTOPEN | MSG_NOSIGNAL,
		   (struct sockaddr *)&ss, len);
	disarm();
	if (r < 0)
		return reply_err(errno, "sendto");
	sent += r;
	reply("ok %zd", r);
}

/*
 * TCP_FASTOPEN_KEY of the listener: "fokey HEX" sets it from 32 or 64 hex
 * digits; "fokey" reads it: ok HEX (nothing after ok when it has none).
 */
static void cmd_fokey(const char *arg)
{
	uint8_t key[32];
	socklen_t len = sizeof(key);
	char out[2 * sizeof(key) + 1] = "";
	size_t n, i;

	if (arg) {
		n = strlen(arg) / 2;
		if (n > sizeof(key))
			n = sizeof(key);
		for (i = 0; i < n; i++)
			if (sscanf(arg + 2 * i, "%2hhx", &key[i]) != 1)
				return reply("err EINVAL bad key");
		if (setsockopt(lfd, IPPROTO_TCP, TCP_FASTOPEN_KEY, key, n) < 0)
			return reply_err(errno, "TCP_FASTOPEN_KEY");
		return reply("ok");
	}
	if (getsockopt(lfd, IPPROTO_TCP, TCP_FASTOPEN_KEY, key, &len) < 0)
		return reply_err(errno, "TCP_FASTOPEN_KEY");
	for (i = 0; i < len; i++)
		sprintf(out + 2 * i, "%02x", key[i]);
	reply("ok%s%s", len ? " " : "", out);
}

static void cmd_wait_connect(void)
{
	struct pollfd pfd = { .fd = cfd, .events = POLLOUT };
	socklen_t len = sizeof(int);
	int r, e = 0;

	r = poll(&pfd, 1, timeout_s * 1000);
	if (r < 0)
		return reply_err(errno, "poll");
	if (r == 0)
		return reply("err ETIMEDOUT poll");
	if (getsockopt(cfd, SOL_SOCKET, SO_ERROR, &e, &len) < 0)
		return reply_err(errno, "getsockopt SO_ERROR");
	fcntl(cfd, F_SETFL, fcntl(cfd, F_GETFL) & ~O_NONBLOCK);
	if (e)
		return reply_err(e, "SO_ERROR");
	reply("ok");
}

/* Send N bytes; @nb: without blocking, stopping at the first EAGAIN. */
static void cmd_send(const char *arg, bool nb)
{
	char *end = NULL;
	uint64_t n = arg ? strtoull(arg, &end, 0) : 0, done = 0;
	int more = end && !strcmp(end, " more") ? MSG_MORE : 0;
	uint8_t buf[16384];

	while (done < n) {
		size_t k = n - done < sizeof(buf) ? n - done : sizeof(buf);
		ssize_t r;
		size_t i;

		for (i = 0; i < k; i++)
			buf[i] = pattern(sent + i);
		arm();
		r = send(cfd, buf, k,
			 MSG_NOSIGNAL | more | (nb ? MSG_DONTWAIT : 0));
		disarm();
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == EAGAIN && nb)
			break;
		if (r <= 0)
			return reply("err %s send after %llu bytes",
				     r ? errname(errno) : "0",
				     (unsigned long long)done);
		sent += r;
		done += r;
	}
	reply("ok %llu", (unsigned long long)done);
}

static void cmd_recv(const char *arg)
{
	uint64_t n = arg ? strtoull(arg, NULL, 0) : 0, done = 0;
	uint8_t buf[16384];

	while (done < n) {
		size_t k = n - done < sizeof(buf) ? n - done : sizeof(buf);
		ssize_t r, i;

		arm();
		r = recv(cfd, buf, k, 0);
		disarm();
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return reply("err %s recv after %llu bytes",
				     errname(errno), (unsigned long long)done);
		if (r == 0)
			return reply("eof %llu", (unsigned long long)done);
		for (i = 0; i < r; i++) {
			if (buf[i] != pattern(rcvd + i))
				return reply("err EBADMSG data mismatch at offset %llu",
					     (unsigned long long)(rcvd + i));
		}
		rcvd += r;
		done += r;
	}
	reply("ok %llu", (unsigned long long)done);
}

static void cmd_recv_eof(void)
{
	uint8_t buf[4096];
	ssize_t r;

	arm();
	r = recv(cfd, buf, sizeof(buf), 0);
	disarm();
	if (r < 0)
		return reply_err(errno, "recv");
	if (r > 0)
		return reply("data %zd", r);
	reply("ok");
}

static void cmd_shutdown(const char *arg)
{
	int how;

	if (!arg)
		return reply("err EINVAL usage");
	if (!strcmp(arg, "wr"))
		how = SHUT_WR;
	else if (!strcmp(arg, "rd"))
		how = SHUT_RD;
	else if (!strcmp(arg, "rdwr"))
		how = SHUT_RDWR;
	else
		return reply("err EINVAL usage");
	if (shutdown(cfd, how) < 0)
		return reply_err(errno, "shutdown");
	reply("ok");
}

static void cmd_linger0(void)
{
	struct linger l = { .l_onoff = 1, .l_linger = 0 };

	if (setsockopt(cfd, SOL_SOCKET, SO_LINGER, &l, sizeof(l)) < 0)
		return reply_err(errno, "SO_LINGER");
	reply("ok");
}

static const struct {
	const char *name;
	int level, opt;
} int_opts[] = {
	{ "keepalive", SOL_SOCKET, SO_KEEPALIVE },
	{ "keepidle", IPPROTO_TCP, TCP_KEEPIDLE },
	{ "keepintvl", IPPROTO_TCP, TCP_KEEPINTVL },
	{ "keepcnt", IPPROTO_TCP, TCP_KEEPCNT },
	{ "user_timeout", IPPROTO_TCP, TCP_USER_TIMEOUT },
	{ "sndbuf", SOL_SOCKET, SO_SNDBUF },
	{ "rcvbuf", SOL_SOCKET, SO_RCVBUF },
	{ "maxseg", IPPROTO_TCP, TCP_MAXSEG },
	{ "notsent_lowat", IPPROTO_TCP, TCP_NOTSENT_LOWAT },
	{ "thin_linear_timeouts", IPPROTO_TCP, TCP_THIN_LINEAR_TIMEOUTS },
	{ "max_pacing_rate", SOL_SOCKET, SO_MAX_PACING_RATE },
	{ "linger2", IPPROTO_TCP, TCP_LINGER2 },
	{ "nodelay", IPPROTO_TCP, TCP_NODELAY },
	{ "cork", IPPROTO_TCP, TCP_CORK },
	{ "quickack", IPPROTO_TCP, TCP_QUICKACK },
	{ "flowinfo_send", IPPROTO_IPV6, IPV6_FLOWINFO_SEND },
	{ "addrform", IPPROTO_IPV6, IPV6_ADDRFORM },
	{ "ip_add_membership", IPPROTO_IP, IP_ADD_MEMBERSHIP },
	{ "tos", IPPROTO_IP, IP_TOS },
	{ "ttl", IPPROTO_IP, IP_TTL },
	{ "tclass", IPPROTO_IPV6, IPV6_TCLASS },
	{ "hops", IPPROTO_IPV6, IPV6_UNICAST_HOPS },
	{ "mark", SOL_SOCKET, SO_MARK },
	{ "fastopen", IPPROTO_TCP, TCP_FASTOPEN },
	{ "fastopen_connect", IPPROTO_TCP, TCP_FASTOPEN_CONNECT },
	{ "fastopen_no_cookie", IPPROTO_TCP, TCP_FASTOPEN_NO_COOKIE },
};

static void cmd_sockopt(int fd, char *arg)
{
	char *val = arg ? strchr(arg, ' ') : NULL;
	size_t i;
	int v;

	if (!val)
		return reply("err EINVAL usage: sockopt NAME VALUE");
	*val++ = 0;
	v = atoi(val);
	if (!strcmp(arg, "dstopts")) {
		if (set_dstopts(cfd, v) < 0)
			return reply_err(errno, arg);
		return reply("ok");
	}
	for (i = 0; i < ARRAY_SIZE(int_opts); i++) {
		if (strcmp(arg, int_opts[i].name))
			continue;
		if (setsockopt(fd, int_opts[i].level, int_opts[i].opt, &v,
			       sizeof(v)) < 0)
			return reply_err(errno, arg);
		return reply("ok");
	}
	reply("err EINVAL unknown option '%s'", arg);
}

static void cmd_names(void)
{
	struct sockaddr_storage l, p;
	socklen_t ll = sizeof(l), pl = sizeof(p);
	char ls[64], ps[64];

	if (getsockname(cfd, (struct sockaddr *)&l, &ll) < 0)
		return reply_err(errno, "getsockname");
	if (getpeername(cfd, (struct sockaddr *)&p, &pl) < 0)
		return reply_err(errno, "getpeername");
	addr_str(&l, ls, sizeof(ls));
	addr_str(&p, ps, sizeof(ps));
	reply("ok %s %s %s", l.ss_family == AF_INET ? "inet" : "inet6", ls,
	      ps);
}

static void cmd_cc(const char *arg)
{
	char name[16] = "";
	socklen_t len = sizeof(name);

	if (arg) {
		if (setsockopt(cfd, IPPROTO_TCP, TCP_CONGESTION, arg,
			       strlen(arg)) < 0)
			return reply_err(errno, "TCP_CONGESTION");
		return reply("ok");
	}
	if (getsockopt(cfd, IPPROTO_TCP, TCP_CONGESTION, name, &len) < 0)
		return reply_err(errno, "TCP_CONGESTION");
	name[sizeof(name) - 1] = 0;
	reply("ok %s", name);
}

static void cmd_getsockopt(int fd, const char *arg)
{
	socklen_t len = sizeof(int);
	size_t i;
	int v;

	for (i = 0; arg && i < ARRAY_SIZE(int_opts); i++) {
		if (strcmp(arg, int_opts[i].name))
			continue;
		if (getsockopt(fd, int_opts[i].level, int_opts[i].opt, &v,
			       &len) < 0)
			return reply_err(errno, arg);
		return reply("ok %d", v);
	}
	reply("err EINVAL usage: getsockopt NAME");
}

static void cmd_socket(const char *arg)
{
	if (cfd >= 0)
		close(cfd);
	cfd = new_socket(arg && !strcmp(arg, "6") ? AF_INET6 : AF_INET);
	if (cfd < 0)
		return reply_err(errno, "socket");
	sent = 0;
	rcvd = 0;
	reply("ok");
}

static void cmd_info(const char *arg)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	memset(&ti, 0, sizeof(ti));
	if (getsockopt(cfd, IPPROTO_TCP, TCP_INFO, &ti, &len) < 0)
		return reply_err(errno, "TCP_INFO");
	if (!arg)
		return reply("err EINVAL usage: info FIELD");
	if (!strcmp(arg, "pacing"))
		return reply("ok %llu %llu %u %u %u %u",
			     (unsigned long long)ti.tcpi_pacing_rate,
			     (unsigned long long)ti.tcpi_max_pacing_rate,
			     ti.tcpi_snd_cwnd, ti.tcpi_snd_mss, ti.tcpi_rtt,
			     ti.tcpi_snd_ssthresh);
	{
		const struct {
			const char *name;
			unsigned int value;
		} fields[] = {
			{ "snd_mss", ti.tcpi_snd_mss },
			{ "snd_cwnd", ti.tcpi_snd_cwnd },
			{ "snd_ssthresh", ti.tcpi_snd_ssthresh },
			{ "total_retrans", ti.tcpi_total_retrans },
			{ "min_rtt", ti.tcpi_min_rtt },
			{ "rtt", ti.tcpi_rtt },
			{ "rto", ti.tcpi_rto },
			{ "reordering", ti.tcpi_reordering },
			{ "ecn", !!(ti.tcpi_options & TCPI_OPT_ECN) },
			{ "ecnseen", !!(ti.tcpi_options & TCPI_OPT_ECN_SEEN) },
			{ "ca_state", ti.tcpi_ca_state },
			{ "unacked", ti.tcpi_unacked },
			{ "lost", ti.tcpi_lost },
			{ "retrans", ti.tcpi_retrans },
			{ "sacked", ti.tcpi_sacked },
			{ "rcv_rtt", ti.tcpi_rcv_rtt },
			{ "rcv_space", ti.tcpi_rcv_space },
			{ "syn_data", !!(ti.tcpi_options & TCPI_OPT_SYN_DATA) },
			{ "fo_fail", ti.tcpi_fastopen_client_fail },
		};
		size_t i;

		for (i = 0; i < ARRAY_SIZE(fields); i++)
			if (!strcmp(arg, fields[i].name))
				return reply("ok %u", fields[i].value);
	}
	reply("err EINVAL unknown field '%s'", arg);
}

/* The bytes a queue holds, by ioctl: SIOCINQ, SIOCOUTQ or SIOCOUTQNSD. */
static void cmd_queued(unsigned long req, const char *name)
{
	int v;

	if (ioctl(cfd, req, &v) < 0)
		return reply_err(errno, name);
	reply("ok %d", v);
}

static void cmd_writable(void)
{
	struct pollfd pfd = { .fd = cfd, .events = POLLOUT };
	int r = poll(&pfd, 1, 0);

	if (r < 0)
		return reply_err(errno, "poll");
	reply("ok %d", r > 0 && (pfd.revents & POLLOUT));
}

static void cmd_close(int *fd)
{
	int r;

	if (*fd < 0)
		return reply_err(EBADF, "close");
	arm();
	r = close(*fd);
	disarm();
	*fd = -1;
	if (r < 0)
		return reply_err(errno, "close");
	reply("ok");
}

static void cmd_state(void)
{
	int st = tcp_state(cfd);

	if (st < 0)
		return reply_err(-st, "TCP_INFO");
	reply("ok %s", state_name(st));
}

static double now_ms(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void cmd_trace_states(const char *arg)
{
	double end = now_ms(CLOCK_MONOTONIC) + (arg ? atof(arg) : 1000);
	char out[512] = "ok";
	int last = -1000;

	for (;;) {
		int st = tcp_state(cfd);

		if (st < 0)
			return reply_err(-st, "TCP_INFO");
		if (st != last) {
			size_t l = strlen(out);

			snprintf(out + l, sizeof(out) - l, " %s", state_name(st));
			last = st;
		}
		if (st == STATE_CLOSE || now_ms(CLOCK_MONOTONIC) > end)
			break;
		usleep(500);
	}
	reply("%s", out);
}

static void cmd_sockerr(void)
{
	socklen_t len = sizeof(int);
	int e = 0;

	if (getsockopt(cfd, SOL_SOCKET, SO_ERROR, &e, &len) < 0)
		return reply_err(errno, "SO_ERROR");
	reply("ok %s", errname(e));
}

static void cmd_device(void)
{
	char name[IFNAMSIZ + 1] = "";
	socklen_t len = IFNAMSIZ;

	if (getsockopt(cfd, SOL_SOCKET, SO_BINDTODEVICE, name, &len) < 0)
		return reply_err(errno, "SO_BINDTODEVICE");
	name[len < IFNAMSIZ ? len : IFNAMSIZ] = 0;
	reply("ok %s", *name ? name : "-");
}

static void cmd_sleep(const char *arg)
{
	long ms = arg ? atol(arg) : 0;
	struct timespec ts = { .tv_sec = ms / 1000,
			       .tv_nsec = (ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
	reply("ok");
}

static void run(char *line);

static void cmd_at(char *arg)
{
	char *rest = NULL;
	double ms = arg ? strtod(arg, &rest) : 0;
	struct timespec ts;

	if (!rest || (*rest && *rest != ' '))
		return reply("err EINVAL usage: at MS CMD");
	ts.tv_sec = (time_t)(ms / 1000);
	ts.tv_nsec = (long)((ms - ts.tv_sec * 1000.0) * 1e6);
	if (ts.tv_nsec < 0)
		ts.tv_nsec = 0;
	if (ts.tv_nsec > 999999999)
		ts.tv_nsec = 999999999;
	while (clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
	while (*rest == ' ')
		rest++;
	run(rest);
}

static void run(char *line)
{
	char *cmd = line, *arg;

	while (*cmd == ' ')
		cmd++;
	arg = strchr(cmd, ' ');
	if (arg) {
		*arg++ = 0;
		while (*arg == ' ')
			arg++;
		if (!*arg)
			arg = NULL;
	}
	if (!strcmp(cmd, "listen"))
		cmd_listen(arg);
	else if (!strcmp(cmd, "accept"))
		cmd_accept();
	else if (!strcmp(cmd, "bind"))
		cmd_bind(arg);
	else if (!strcmp(cmd, "connect"))
		cmd_connect(arg, false);
	else if (!strcmp(cmd, "connect-nb"))
		cmd_connect(arg, true);
	else if (!strcmp(cmd, "wait-connect"))
		cmd_wait_connect();
	else if (!strcmp(cmd, "socket"))
		cmd_socket(arg);
	else if (!strcmp(cmd, "getsockopt"))
		cmd_getsockopt(cfd, arg);
	else if (!strcmp(cmd, "lgetsockopt"))
		cmd_getsockopt(lfd, arg);
	else if (!strcmp(cmd, "fokey"))
		cmd_fokey(arg);
	else if (!strcmp(cmd, "sendto-fo"))
		cmd_sendto_fo(arg);
	else if (!strcmp(cmd, "cc"))
		cmd_cc(arg);
	else if (!strcmp(cmd, "info"))
		cmd_info(arg);
	else if (!strcmp(cmd, "send-nb"))
		cmd_send(arg, true);
	else if (!strcmp(cmd, "notsent"))
		cmd_queued(SIOCOUTQNSD, "SIOCOUTQNSD");
	else if (!strcmp(cmd, "outq"))
		cmd_queued(SIOCOUTQ, "SIOCOUTQ");
	else if (!strcmp(cmd, "inq"))
		cmd_queued(SIOCINQ, "SIOCINQ");
	else if (!strcmp(cmd, "writable"))
		cmd_writable();
	else if (!strcmp(cmd, "send"))
		cmd_send(arg, false);
	else if (!strcmp(cmd, "recv"))
		cmd_recv(arg);
	else if (!strcmp(cmd, "recv-eof"))
		cmd_recv_eof();
	else if (!strcmp(cmd, "shutdown"))
		cmd_shutdown(arg);
	else if (!strcmp(cmd, "linger0"))
		cmd_linger0();
	else if (!strcmp(cmd, "sockopt"))
		cmd_sockopt(cfd, arg);
	else if (!strcmp(cmd, "lsockopt"))
		cmd_sockopt(lfd, arg);
	else if (!strcmp(cmd, "close"))
		cmd_close(&cfd);
	else if (!strcmp(cmd, "close-listener"))
		cmd_close(&lfd);
	else if (!strcmp(cmd, "state"))
		cmd_state();
	else if (!strcmp(cmd, "trace-states"))
		cmd_trace_states(arg);
	else if (!strcmp(cmd, "sockerr"))
		cmd_sockerr();
	else if (!strcmp(cmd, "names"))
		cmd_names();
	else if (!strcmp(cmd, "device"))
		cmd_device();
	else if (!strcmp(cmd, "sleep"))
		cmd_sleep(arg);
	else if (!strcmp(cmd, "at"))
		cmd_at(arg);
	else if (!strcmp(cmd, "quit"))
		exit(0);
	else
		reply("err EINVAL unknown command '%s'", cmd);
}

int main(int argc, char **argv)
{
	char line[1024];
	int c;

	while ((c = getopt(argc, argv, "p:t:")) != -1) {
		switch (c) {
		case 'p':
			proto = atoi(optarg);
			break;
		case 't':
			timeout_s = atoi(optarg);
			break;
		default:
			fprintf(stderr, "usage: tool_sockctl [-p PROTO] [-t TIMEOUT]\n");
			return 2;
		}
	}
	signal(SIGALRM, on_alarm);
	signal(SIGPIPE, SIG_IGN);
	while (fgets(line, sizeof(line), stdin)) {
		char *p = line, *sep;

		line[strcspn(line, "\n")] = 0;
		do {
			sep = strstr(p, " ; ");
			if (sep)
				*sep = 0;
			if (*p)
				run(p);
			if (sep)
				p = sep + 3;
		} while (sep);
	}
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * libatcpize.so - run an unmodified program on atcp (see scripts/atcpize).
 *
 * Preloaded into a program (LD_PRELOAD), it takes the place of libc's
 * socket(): a request for a TCP socket, that is
 * socket(AF_INET or AF_INET6, SOCK_STREAM [| flags], 0 or IPPROTO_TCP), is
 * passed on to libc with atcp's protocol number instead, so the program
 * gets an atcp socket and everything it does with it afterwards (bind,
 * listen, accept, connect, setsockopt at IPPROTO_TCP, ...) is served by
 * atcp.  Any other socket is left as the program asked for it.
 *
 * The protocol number is $ATCPIZE_PROTOCOL if set, else the one the loaded
 * module uses (/sys/module/atcp/parameters/protocol), else 253.  When atcp
 * is not loaded the program's socket() fails with EPROTONOSUPPORT rather
 * than quietly falling back to Linux TCP: whoever asked for atcp must know
 * they did not get it.
 *
 * It also stands in for libc's setsockopt(), for the one option that
 * Linux 6.1 answers in its core and refuses to any protocol but TCP and
 * UDP: SO_ZEROCOPY on an atcp socket becomes atcp's ATCP_ZEROCOPY, so
 * that a program's send(..., MSG_ZEROCOPY) works as it does on Linux TCP.
 *
 * A program that makes the system call itself (Go's runtime, for one) or
 * is linked statically does not go through libc's socket() and is not
 * changed.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>

#include <linux/atcp.h>

#define ATCPIZE_DEFAULT_PROTOCOL	253
#define ATCPIZE_PARAM	"/sys/module/atcp/parameters/protocol"

typedef int (*socket_fn)(int domain, int type, int protocol);
typedef int (*setsockopt_fn)(int fd, int level, int optname,
			     const void *optval, socklen_t optlen);

static socket_fn real_socket;
static setsockopt_fn real_setsockopt;
static int atcp_protocol = -1;

/*
 * A protocol number from text, 1..255, else -1.  6 (IPPROTO_TCP) is
 * allowed: it leaves every socket on Linux TCP, a baseline to compare with.
 */
static int parse_protocol(const char *s)
{
	char *end;
	long v;

	if (!s || !*s)
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	while (*end == '\n' || *end == ' ')
		end++;
	if (errno || *end || v < 1 || v > 255)
		return -1;
	return (int)v;
}

static int module_protocol(void)
{
	char buf[16] = "";
	FILE *f = fopen(ATCPIZE_PARAM, "re");

	if (!f)
		return -1;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	return parse_protocol(buf);
}

/*
 * Runs when the library is loaded, before the program's main(); socket()
 * repeats it if another library's constructor calls socket() first.  Both
 * compute the same values, so a race between threads is harmless.
 */
__attribute__((constructor))
static void atcpize_init(void)
{
	const char *env = getenv("ATCPIZE_PROTOCOL");
	int p = -1;

	if (!real_socket)
		real_socket = (socket_fn)dlsym(RTLD_NEXT, "socket");
	if (!real_setsockopt)
		real_setsockopt = (setsockopt_fn)dlsym(RTLD_NEXT, "setsockopt");
	if (env) {
		p = parse_protocol(env);
		if (p < 0)
			fprintf(stderr,
				"atcpize: ATCPIZE_PROTOCOL=%s is not a protocol number (1-255); using %d\n",
				env, ATCPIZE_DEFAULT_PROTOCOL);
	} else {
		p = module_protocol();
	}
	atcp_protocol = p > 0 ? p : ATCPIZE_DEFAULT_PROTOCOL;
}

int socket(int domain, int type, int protocol)
{
	if (!real_socket || atcp_protocol < 0)
		atcpize_init();
	if (!real_socket) {
		errno = ENOSYS;
		return -1;
	}
	/* the type's low bits; SOCK_NONBLOCK and SOCK_CLOEXEC sit above */
	if ((domain == AF_INET || domain == AF_INET6) &&
	    (type & 0xf) == SOCK_STREAM &&
	    (protocol == 0 || protocol == IPPROTO_TCP))
		protocol = atcp_protocol;
	return real_socket(domain, type, protocol);
}

/* Is @fd an atcp socket?  Only a TCP-like stream socket asks. */
static int is_atcp(int fd)
{
	int proto = 0;
	socklen_t len = sizeof(proto);

	if (atcp_protocol == IPPROTO_TCP)
		return 0;
	return !getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &proto, &len) &&
	       proto == atcp_protocol;
}

int setsockopt(int fd, int level, int optname, const void *optval,
	       socklen_t optlen)
{
	if (!real_setsockopt || atcp_protocol < 0)
		atcpize_init();
	if (!real_setsockopt) {
		errno = ENOSYS;
		return -1;
	}
	if (level == SOL_SOCKET && optname == SO_ZEROCOPY && is_atcp(fd))
		return real_setsockopt(fd, atcp_protocol, ATCP_ZEROCOPY,
				       optval, optlen);
	return real_setsockopt(fd, level, optname, optval, optlen);
}

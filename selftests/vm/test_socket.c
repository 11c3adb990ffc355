// SPDX-License-Identifier: GPL-2.0
/*
 * test_socket - atcp is selected per socket by its protocol number, and
 * every other socket keeps Linux's own stack.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/atcp.h>
#include "tap.h"

static int proto;

static int sockopt_int(int fd, int level, int name)
{
	socklen_t len = sizeof(int);
	int v = -1;

	if (getsockopt(fd, level, name, &v, &len) < 0)
		return -errno;
	return v;
}

int main(void)
{
	const char *p = getenv("ATCP_PROTO");
	int fd, err;

	proto = p ? atoi(p) : IPPROTO_ATCP;

	fd = socket(AF_INET, SOCK_STREAM, proto);
	err = errno;
	tap_ok(fd >= 0, "socket(AF_INET, SOCK_STREAM, %d) succeeds (%s)",
	       proto, fd < 0 ? strerror(err) : "ok");
	if (fd >= 0) {
		tap_ok(sockopt_int(fd, SOL_SOCKET, SO_PROTOCOL) == proto,
		       "atcp socket reports SO_PROTOCOL %d", proto);
		tap_ok(sockopt_int(fd, SOL_SOCKET, SO_TYPE) == SOCK_STREAM,
		       "atcp socket reports SO_TYPE SOCK_STREAM");
		tap_ok(sockopt_int(fd, SOL_SOCKET, SO_DOMAIN) == AF_INET,
		       "atcp socket reports SO_DOMAIN AF_INET");
		tap_ok(close(fd) == 0, "close() of an unused atcp socket");
	}

	fd = socket(AF_INET, SOCK_STREAM, 0);
	tap_ok(fd >= 0 &&
	       sockopt_int(fd, SOL_SOCKET, SO_PROTOCOL) == IPPROTO_TCP,
	       "socket(AF_INET, SOCK_STREAM, 0) is still Linux TCP");
	close(fd);

	fd = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
	tap_ok(fd >= 0 &&
	       sockopt_int(fd, SOL_SOCKET, SO_PROTOCOL) == IPPROTO_TCP,
	       "socket(AF_INET, SOCK_STREAM, IPPROTO_TCP) is still Linux TCP");
	close(fd);

	fd = socket(AF_INET, SOCK_DGRAM, proto);
	err = errno;
	tap_ok(fd < 0 && err == EPROTONOSUPPORT,
	       "socket(AF_INET, SOCK_DGRAM, %d) fails with EPROTONOSUPPORT (%s)",
	       proto, fd < 0 ? strerror(err) : "succeeded");
	if (fd >= 0)
		close(fd);

	return tap_finish();
}

// SPDX-License-Identifier: GPL-2.0
/*
 * tool_socket - create one socket and say what it is.
 *
 *	tool_socket PROTO [TYPE [FAMILY]]
 *
 * Prints the socket's SO_PROTOCOL on success, or the errno name (e.g.
 * EPROTONOSUPPORT) and exits 1 on failure.  Used by the shell selftests,
 * where starting python for every socket() would be slow in a TCG guest.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char *errname(int e)
{
	switch (e) {
	case EPROTONOSUPPORT: return "EPROTONOSUPPORT";
	case ESOCKTNOSUPPORT: return "ESOCKTNOSUPPORT";
	case EAFNOSUPPORT: return "EAFNOSUPPORT";
	case EINVAL: return "EINVAL";
	case EPERM: return "EPERM";
	case EACCES: return "EACCES";
	case ENOMEM: return "ENOMEM";
	}
	return strerror(e);
}

int main(int argc, char **argv)
{
	int type = argc > 2 ? atoi(argv[2]) : SOCK_STREAM;
	int family = argc > 3 ? atoi(argv[3]) : AF_INET;
	socklen_t len = sizeof(int);
	int fd, proto = -1;

	if (argc < 2) {
		fprintf(stderr, "usage: tool_socket PROTO [TYPE [FAMILY]]\n");
		return 2;
	}
	fd = socket(family, type, atoi(argv[1]));
	if (fd < 0) {
		printf("%s\n", errname(errno));
		return 1;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &proto, &len) < 0) {
		printf("getsockopt: %s\n", errname(errno));
		return 1;
	}
	printf("%d\n", proto);
	close(fd);
	return 0;
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tool_inet.h - what the load tools (tool_bench, tool_connloop,
 * tool_synflood) share: reading an "ADDR:PORT" argument.
 */
#ifndef _TOOL_INET_H
#define _TOOL_INET_H

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/*
 * Split "ADDR:PORT" at its last colon: the IPv4 address into @ip, and
 * @port pointed at what follows the colon, for the caller to read.
 * Returns 0, or -1 when there is no colon or no valid address.
 */
static inline int tool_parse_ipv4(const char *s, struct in_addr *ip,
				  const char **port)
{
	const char *colon = strrchr(s, ':');
	char host[64];

	if (!colon || colon - s >= (int)sizeof(host))
		return -1;
	memcpy(host, s, colon - s);
	host[colon - s] = 0;
	*port = colon + 1;
	return inet_pton(AF_INET, host, ip) == 1 ? 0 : -1;
}

/*
 * Read "A.B.C.D:PORT" or "[IPV6]:PORT" into @ss; @len gets the size of
 * the address.  Returns the family, or -1 for anything else.
 */
static inline int tool_parse_inet(const char *s, struct sockaddr_storage *ss,
				  socklen_t *len)
{
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	const char *rb, *port;
	char host[64], *end;
	unsigned long n;

	memset(ss, 0, sizeof(*ss));
	if (s[0] != '[') {
		if (tool_parse_ipv4(s, &s4->sin_addr, &port))
			return -1;
		s4->sin_family = AF_INET;
		*len = sizeof(*s4);
	} else {
		rb = strchr(s, ']');
		if (!rb || rb[1] != ':' || rb - s - 1 >= (int)sizeof(host))
			return -1;
		memcpy(host, s + 1, rb - s - 1);
		host[rb - s - 1] = 0;
		if (inet_pton(AF_INET6, host, &s6->sin6_addr) != 1)
			return -1;
		s6->sin6_family = AF_INET6;
		*len = sizeof(*s6);
		port = rb + 2;
	}
	n = strtoul(port, &end, 10);
	if (end == port || *end || n > 65535)
		return -1;
	/* sin_port and sin6_port sit at the same offset */
	s4->sin_port = htons(n);
	return ss->ss_family;
}

#endif /* _TOOL_INET_H */

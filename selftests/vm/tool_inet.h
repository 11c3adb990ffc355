/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tool_inet.h - what the IPv4 load tools (tool_bench, tool_connloop)
 * share: reading an "ADDR:PORT" argument.
 */
#ifndef _TOOL_INET_H
#define _TOOL_INET_H

#include <arpa/inet.h>
#include <string.h>

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

#endif /* _TOOL_INET_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * tool_synflood - a bounded SYN flood for the tests and `make bench`.
 *
 *	tool_synflood -s NET/PREFIX -d ADDR:PORT [-n COUNT] [-t SECS]
 *		      [-r RATE] [-o]
 *
 *	-s	spoofed sources: random addresses in NET/PREFIX, which must
 *		lie in 198.18.0.0/15 (the benchmarking range); the source
 *		port and sequence number are random too
 *	-d	the listener to flood
 *	-n	stop after COUNT SYNs (default 100000)
 *	-t	stop after SECS seconds (default 10, at most 600)
 *	-r	at most RATE SYNs per second (default: as fast as it can)
 *	-o	SYNs carry no options; by default they carry MSS 1460, SACK-
 *		permitted, a timestamp and window scale 7, as Linux sends
 *
 * Sends from a raw socket (IP_HDRINCL), so it needs CAP_NET_RAW; run it
 * in a namespace of its own.  Replies go to addresses nobody has: route
 * them to a host that drops them.  Prints "sent N secs=S pps=R".
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "tool_inet.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* xorshift64*: fast, and good enough to scatter sources and ISNs */
static uint64_t rng_state;

static uint32_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 2685821657736338717ULL) >> 32);
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static uint32_t csum_add(uint32_t sum, const void *data, size_t len)
{
	const uint8_t *p = data;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static int usage(void)
{
	fprintf(stderr,
		"Usage: tool_synflood -s NET/PREFIX -d ADDR:PORT [-n COUNT] [-t SECS] [-r RATE] [-o]\n");
	return 2;
}

int main(int argc, char **argv)
{
	static const uint8_t opts_linux[20] = {
		2, 4, 0x05, 0xb4,		/* MSS 1460 */
		4, 2,				/* SACK-permitted */
		8, 10, 0, 0, 0, 0, 0, 0, 0, 0,	/* TS (TSval below) */
		1, 3, 3, 7,			/* NOP, WS 7 */
	};
	struct sockaddr_in dst = { .sin_family = AF_INET };
	uint32_t net = 0, mask = 0, sum;
	long count = 100000, sent = 0;
	double secs = 10, rate = 0, t0, t;
	int fd, opt, prefix = -1, one = 1;
	const char *port;
	uint8_t pkt[60];
	struct iphdr *iph = (struct iphdr *)pkt;
	struct tcphdr *th = (struct tcphdr *)(pkt + sizeof(*iph));
	uint8_t *topt = (uint8_t *)(th + 1);
	size_t optlen = sizeof(opts_linux), len;
	char *slash;

	while ((opt = getopt(argc, argv, "s:d:n:t:r:o")) != -1) {
		switch (opt) {
		case 's': {
			struct in_addr a;

			slash = strchr(optarg, '/');
			if (!slash)
				return usage();
			*slash = 0;
			if (inet_pton(AF_INET, optarg, &a) != 1)
				return usage();
			prefix = atoi(slash + 1);
			if (prefix < 15 || prefix > 32)
				return usage();
			mask = prefix ? ~0U << (32 - prefix) : 0;
			net = ntohl(a.s_addr) & mask;
			break;
		}
		case 'd':
			if (tool_parse_ipv4(optarg, &dst.sin_addr, &port))
				return usage();
			dst.sin_port = htons(atoi(port));
			break;
		case 'n':
			count = atol(optarg);
			break;
		case 't':
			secs = atof(optarg);
			break;
		case 'r':
			rate = atof(optarg);
			break;
		case 'o':
			optlen = 0;
			break;
		default:
			return usage();
		}
	}
	if (prefix < 0 || !dst.sin_port || count < 1 || secs <= 0 ||
	    secs > 600 || rate < 0)
		return usage();
	/* 198.18.0.0/15 only: never spoof anybody's real address */
	if ((net & 0xfffe0000U) != 0xc6120000U) {
		fprintf(stderr, "tool_synflood: sources must be in 198.18.0.0/15\n");
		return 2;
	}

	fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	if (fd < 0 || setsockopt(fd, IPPROTO_IP, IP_HDRINCL, &one,
				 sizeof(one)) < 0) {
		perror("tool_synflood: raw socket");
		return 1;
	}
	rng_state = (uint64_t)getpid() << 32 ^ (uint64_t)(now() * 1e9) ^ 1;
	len = sizeof(*iph) + sizeof(*th) + optlen;

	t0 = now();
	for (t = t0; sent < count && t - t0 < secs; t = now()) {
		uint32_t saddr = net | (rnd() & ~mask);
		uint32_t tsval = (uint32_t)(t * 1000);

		if (rate && sent > (t - t0) * rate) {
			usleep(1000);
			continue;
		}
		memset(pkt, 0, sizeof(pkt));
		iph->version = 4;
		iph->ihl = 5;
		iph->ttl = 64;
		iph->protocol = IPPROTO_TCP;
		iph->tot_len = htons(len);
		iph->id = htons(rnd());
		iph->saddr = htonl(saddr);
		iph->daddr = dst.sin_addr.s_addr;
		/* the kernel fills in the IP checksum of IP_HDRINCL packets */

		th->source = htons(1024 + rnd() % 64512);
		th->dest = dst.sin_port;
		th->seq = htonl(rnd());
		th->doff = (sizeof(*th) + optlen) / 4;
		th->syn = 1;
		th->window = htons(64240);
		memcpy(topt, opts_linux, optlen);
		if (optlen) {
			uint32_t v = htonl(tsval);

			memcpy(topt + 8, &v, 4);
		}
		/* pseudo header, then the segment */
		sum = csum_add(0, &iph->saddr, 8);
		sum += IPPROTO_TCP + (uint32_t)(sizeof(*th) + optlen);
		sum = csum_add(sum, th, sizeof(*th) + optlen);
		th->check = htons(csum_fold(sum));

		if (sendto(fd, pkt, len, 0, (struct sockaddr *)&dst,
			   sizeof(dst)) < 0) {
			if (errno == ENOBUFS || errno == EAGAIN) {
				usleep(100);
				continue;
			}
			perror("tool_synflood: sendto");
			return 1;
		}
		sent++;
	}
	t = now() - t0;
	printf("sent %ld secs=%.3f pps=%.0f\n", sent, t, t > 0 ? sent / t : 0);
	return 0;
}

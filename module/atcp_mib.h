/* SPDX-License-Identifier: GPL-2.0 */
/*
 * atcp_mib.h - atcp's counters, per network namespace and per CPU, with
 * the MIB names Linux users know from /proc/net/snmp and netstat.
 */
#ifndef _ATCP_MIB_H
#define _ATCP_MIB_H

#include <linux/percpu.h>

#include "atcp.h"

enum atcp_mib_field {
	ATCP_MIB_ACTIVEOPENS,
	ATCP_MIB_PASSIVEOPENS,
	ATCP_MIB_ATTEMPTFAILS,
	ATCP_MIB_ESTABRESETS,
	ATCP_MIB_INSEGS,
	ATCP_MIB_OUTSEGS,
	ATCP_MIB_RETRANSSEGS,
	ATCP_MIB_INERRS,
	ATCP_MIB_OUTRSTS,
	ATCP_MIB_INCSUMERRORS,
	ATCP_MIB_LISTENOVERFLOWS,
	ATCP_MIB_LISTENDROPS,
	ATCP_MIB_TW,
	ATCP_MIB_TWKILLED,
	ATCP_MIB_TWRECYCLED,
	ATCP_MIB_DELAYEDACKS,
	ATCP_MIB_FASTRETRANS,
	ATCP_MIB_TIMEOUTS,
	ATCP_MIB_CHALLENGEACKS,
	ATCP_MIB_PAWSDROPS,
	ATCP_MIB_OFOQUEUE,
	ATCP_MIB_INICMPS,
	ATCP_MIB_OUTOFWINDOWICMPS,
	ATCP_MIB_KEEPALIVEPROBES,
	ATCP_MIB_ABORTONMEMORY,
	ATCP_MIB_TWOVERFLOW,
	ATCP_MIB_MAX
};

struct atcp_mib {
	unsigned long mibs[ATCP_MIB_MAX];
};

extern const char *const atcp_mib_names[ATCP_MIB_MAX];

#define ATCP_ADD_STATS(net, field, n) \
	this_cpu_add(atcp_net(net)->mib->mibs[field], n)
#define ATCP_INC_STATS(net, field) ATCP_ADD_STATS(net, field, 1)

#endif /* _ATCP_MIB_H */

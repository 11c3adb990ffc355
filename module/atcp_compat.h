/* SPDX-License-Identifier: GPL-2.0 */
/*
 * atcp_compat.h - the only header the pure protocol code may include.
 *
 * The state engine, sequence arithmetic, option codec, syncookie codec,
 * RTO estimator, RACK loss detection, CUBIC's window arithmetic, PRR and
 * TIME_WAIT hashing are written once and compiled twice: into atcp.ko and
 * into the user-space unit tests and fuzzers under selftests/unit/.  This
 * header maps the few kernel facilities they use onto libc when __KERNEL__
 * is not defined, so the very same source runs in both places.
 */
#ifndef _ATCP_COMPAT_H
#define _ATCP_COMPAT_H

#ifdef __KERNEL__

#include <linux/types.h>
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/string.h>
#include <linux/bug.h>
#include <linux/siphash.h>
#include <asm/byteorder.h>
#include <asm/unaligned.h>

#else
/* User space: libc stand-ins, from selftests/unit/atcp_user.h. */
#include "atcp_user.h"
#endif /* __KERNEL__ */

#endif /* _ATCP_COMPAT_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * Protocol memory: the pages all atcp sockets' queues hold, counted against
 * the "mem" limits as Linux counts TCP's against tcp_mem.
 *
 * The sock layer does the counting once struct proto names the counters
 * below: sk_wmem_schedule() and sk_rmem_schedule() reserve whole pages in
 * sk_forward_alloc before an skb is queued, sk_mem_charge() and
 * sk_mem_uncharge() move its truesize in and out, and sk_mem_reclaim()
 * gives whole free pages back.  What atcp decides is what happens when a
 * reservation is refused: a writer waits, a segment is dropped for the
 * sender to resend, an orphan is reset.  The counters are protocol-wide,
 * so "mem" is too: like tcp_mem, only the initial namespace has it.
 */
#include <linux/percpu.h>
#include <linux/percpu_counter.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "atcp.h"
#include "atcp_mib.h"

atomic_long_t atcp_memory_allocated ____cacheline_aligned_in_smp;
DEFINE_PER_CPU(int, atcp_memory_per_cpu_fw_alloc);
struct percpu_counter atcp_sockets_allocated ____cacheline_aligned_in_smp;
long sysctl_atcp_mem[3] __read_mostly;
/* when the pressure began, in jiffies (never 0); 0 without pressure */
unsigned long atcp_memory_pressure __read_mostly;

void atcp_enter_memory_pressure(struct sock *sk)
{
	unsigned long val;

	if (READ_ONCE(atcp_memory_pressure))
		return;
	val = jiffies ? : 1;
	if (!cmpxchg(&atcp_memory_pressure, 0, val))
		ATCP_INC_STATS(sock_net(sk), ATCP_MIB_MEMORYPRESSURES);
}

void atcp_leave_memory_pressure(struct sock *sk)
{
	unsigned long val;

	if (!READ_ONCE(atcp_memory_pressure))
		return;
	val = xchg(&atcp_memory_pressure, 0);
	if (val)
		ATCP_ADD_STATS(sock_net(sk), ATCP_MIB_MEMORYPRESSURESCHRONO,
			       jiffies_to_msecs(jiffies - val));
}

/*
 * The pages counted now, exactly: the sock layer keeps up to
 * net.core.mem_pcpu_rsv of them per CPU before it adds them to the
 * protocol's total, which is all /proc/net/protocols shows.
 */
long atcp_memory_pages(void)
{
	long pages = atomic_long_read(&atcp_memory_allocated);
	int cpu;

	for_each_possible_cpu(cpu)
		pages += per_cpu(atcp_memory_per_cpu_fw_alloc, cpu);
	return pages;
}

/*
 * Is orphan @sk to be reset rather than kept (Linux: tcp_check_oom())?
 * When there are more orphans than max_orphans, or when atcp is over its
 * hard limit and the orphan holds data: nobody will read it, and the
 * memory is what live connections need.
 */
bool atcp_check_oom(struct sock *sk)
{
	struct atcp_net *an = atcp_net(sock_net(sk));
	bool too_many, out_of_memory;

	too_many = atomic_read(&an->orphans) > READ_ONCE(an->sysctl.max_orphans);
	if (too_many)
		net_info_ratelimited("atcp: too many orphaned sockets\n");
	out_of_memory = sk->sk_wmem_queued > SOCK_MIN_SNDBUF &&
			sk_memory_allocated(sk) > sk_prot_mem_limits(sk, 2);
	if (out_of_memory)
		net_info_ratelimited("atcp: out of memory -- consider tuning atcp mem\n");
	return too_many || out_of_memory;
}

/*
 * Room for @size more bytes of send buffer (Linux: tcp_wmem_schedule()):
 * the bytes that may be queued, up to @size; 0 sends the writer to wait.
 * Over the hard limit, a socket with less than wmem[0] queued still gets
 * up to that much, so that every connection makes progress.  That part is
 * charged ahead of the pages that hold it (sk_forward_alloc goes below
 * zero), and the next reservation that succeeds pays it back.
 */
int atcp_wmem_schedule(struct sock *sk, int size)
{
	int left;

	if (likely(sk_wmem_schedule(sk, size)))
		return size;
	left = READ_ONCE(atcp_net(sock_net(sk))->sysctl.wmem[0]) -
	       sk->sk_wmem_queued;
	return min(size, max3(left, sk->sk_forward_alloc, 0));
}

/*
 * The minimum buffers the sock layer grants a socket under pressure are
 * the initial namespace's rmem[0] and wmem[0], @an's: struct proto has
 * room for one value, not one per namespace.  Before any socket exists.
 */
void atcp_mem_init_net(struct atcp_net *an)
{
	atcp_prot.sysctl_rmem = &an->sysctl.rmem[0];
	atcp_prot.sysctl_wmem = &an->sysctl.wmem[0];
#if IS_ENABLED(CONFIG_IPV6)
	atcpv6_prot.sysctl_rmem = &an->sysctl.rmem[0];
	atcpv6_prot.sysctl_wmem = &an->sysctl.wmem[0];
#endif
}

/* The limits start as tcp_mem's, which Linux sized from the memory at boot. */
int atcp_mem_init(void)
{
	int i;

	for (i = 0; i < 3; i++)
		sysctl_atcp_mem[i] = READ_ONCE(sysctl_tcp_mem[i]);
	return percpu_counter_init(&atcp_sockets_allocated, 0, GFP_KERNEL);
}

void atcp_mem_exit(void)
{
	percpu_counter_destroy(&atcp_sockets_allocated);
}

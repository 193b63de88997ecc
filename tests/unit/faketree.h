/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * A fake sysfs + procfs tree for the tune tests: CPUs, NUMA nodes, network devices with their
 * queues, IRQs (/proc/interrupts, /proc/irq/N/...) and /proc/sys/net sysctls, laid out as the
 * kernel shows them, so the library runs on it through vxoff_ctx_opts.sysfs_root/procfs_root.
 *
 * Plain files: what is written reads back verbatim. To play a kernel that adjusts a value
 * (clamping, managed IRQs), ft_rewrite() registers the value a later write turns into; the
 * test then routes write(2) through ft_after_write() (see its comment).
 *
 * Failures of the helpers themselves print and abort(): they are test setup, not tests.
 */
#ifndef VXOFF_TESTS_FAKETREE_H
#define VXOFF_TESTS_FAKETREE_H

#include <stdbool.h>
#include <stdint.h>

struct vxoff_ctx;
struct faketree;

/*
 * A new tree under /tmp with @ncpus possible CPUs (all online), @nnodes NUMA nodes (CPUs split
 * in equal contiguous blocks: 4 CPUs on 2 nodes = 0-1, 2-3; nnodes 0 = no node directory),
 * core_id = cpu % (ncpus / 2 or 1) (SMT siblings cpu and cpu + ncpus/2), package = node.
 * /proc/sys/net/core and ipv4 get the usual sysctls with kernel defaults.
 */
struct faketree *ft_new(uint32_t ncpus, uint32_t nnodes);

/* Remove the whole tree and free @ft (NULL accepted). */
void ft_free(struct faketree *ft);

/* The roots to pass as vxoff_ctx_opts.sysfs_root / procfs_root. */
const char *ft_sysfs(const struct faketree *ft);
const char *ft_procfs(const struct faketree *ft);
uint32_t ft_ncpus(const struct faketree *ft);

/* A context on this tree (caller's namespace); free with vxoff_ctx_free(). */
struct vxoff_ctx *ft_ctx(const struct faketree *ft);

struct ft_dev {
	const char *name;
	uint32_t ifindex;
	uint32_t rx_queues; /* queues/rx-0 .. rx-(n-1) */
	uint32_t tx_queues; /* queues/tx-0 .. */
	int32_t numa_node;  /* device/numa_node; -1 as the kernel writes for none */
	uint32_t first_irq; /* 0 = no IRQs (virtual device); else one IRQ per queue pair from
			     * here, "<name>-TxRx-<i>" in /proc/interrupts */
	uint32_t mtu;	    /* 0 = 1500 */
	bool no_napi_files; /* leave out threaded, napi_defer_hard_irqs, gro_flush_timeout */
};

/* Add a device: class/net/NAME/{ifindex,mtu,threaded,napi_defer_hard_irqs,gro_flush_timeout},
 * device/numa_node, queues/rx-N/{rps_cpus,rps_flow_cnt}, queues/tx-N/{xps_cpus,xps_rxqs}, and
 * its IRQs. Masks start empty in the kernel's format ("00000000,00000000" on 64 CPUs). */
void ft_add_dev(struct faketree *ft, const struct ft_dev *dev);

/* Add one IRQ: /proc/irq/N/{smp_affinity(_list),effective_affinity(_list),node} (all CPUs,
 * effective the first CPU) and a /proc/interrupts line ending in @action. */
void ft_add_irq(struct faketree *ft, uint32_t irq, const char *action);

/* Path of a file of the tree: "sys/..." or "proc/..." relative to the tree's top. Static
 * buffer of @ft, valid until the next call. */
const char *ft_path(struct faketree *ft, const char *rel);

/* Write @content (no newline added) to "sys/..." or "proc/..." (parents created). */
void ft_write(struct faketree *ft, const char *rel, const char *content);

/* Read a file back: heap string, trailing newline stripped; NULL if it cannot be read. */
char *ft_read(struct faketree *ft, const char *rel);

/* Remove one file (a device without that knob). */
void ft_remove(struct faketree *ft, const char *rel);

/*
 * Kernel-like adjustment: after any write to @rel, its content becomes @value (NULL = stop).
 * Takes effect through ft_after_write(); a test that needs it links with -Wl,--wrap=write and
 * defines
 *	ssize_t __real_write(int, const void *, size_t);
 *	ssize_t __wrap_write(int fd, const void *b, size_t n)
 *	{ ssize_t r = __real_write(fd, b, n); ft_after_write(fd); return r; }
 * Up to 16 rules at a time.
 */
void ft_rewrite(struct faketree *ft, const char *rel, const char *value);

/* Apply the rewrite rules to the file behind @fd, if it is one of them (uses stdio only). */
void ft_after_write(int fd);

/* The kernel's mask text for a cpulist of this tree ("3" -> "00000000,00000003" on 64 CPUs).
 * Heap. */
char *ft_mask(const struct faketree *ft, const char *cpulist);

#endif

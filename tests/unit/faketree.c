/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/* A fake sysfs + procfs tree for the tune tests: see faketree.h. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <vxoff/common.h>

#include "faketree.h"

#define FT_MAX_RULES 16

struct faketree {
	char top[PATH_MAX];
	char sys[PATH_MAX + 8];
	char proc[PATH_MAX + 8];
	char path[2 * PATH_MAX];
	uint32_t ncpus;
	uint32_t nnodes;
	struct {
		char path[2 * PATH_MAX];
		char *value;
	} rules[FT_MAX_RULES];
};

/* ft_after_write() is called from a write(2) wrapper that knows no tree: the tree with
 * rules is remembered here (tests only). */
static struct faketree *ft_rules_owner;

static void die(const char *what, const char *path)
{
	fprintf(stderr, "faketree: %s %s: %s\n", what, path, strerror(errno));
	abort();
}

static void mkparents(char *path)
{
	for (char *s = strchr(path + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			die("mkdir", path);
		*s = '/';
	}
}

static void write_abs(const char *abs, const char *content)
{
	char path[2 * PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s", abs);
	mkparents(path);
	f = fopen(path, "w");
	if (!f)
		die("fopen", path);
	fputs(content, f);
	if (fclose(f) != 0)
		die("fclose", path);
}

const char *ft_path(struct faketree *ft, const char *rel)
{
	snprintf(ft->path, sizeof(ft->path), "%s/%s", ft->top, rel);
	return ft->path;
}

void ft_write(struct faketree *ft, const char *rel, const char *content)
{
	write_abs(ft_path(ft, rel), content);
}

static void ft_writef(struct faketree *ft, const char *content, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void ft_writef(struct faketree *ft, const char *content, const char *fmt, ...)
{
	char rel[PATH_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(rel, sizeof(rel), fmt, ap);
	va_end(ap);
	ft_write(ft, rel, content);
}

char *ft_read(struct faketree *ft, const char *rel)
{
	FILE *f = fopen(ft_path(ft, rel), "r");
	char *buf = NULL;
	size_t cap = 0;
	ssize_t n;

	if (!f)
		return NULL;
	n = getdelim(&buf, &cap, '\0', f);
	fclose(f);
	if (n < 0) {
		free(buf);
		return strdup("");
	}
	while (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	return buf;
}

void ft_remove(struct faketree *ft, const char *rel)
{
	if (unlink(ft_path(ft, rel)) < 0 && errno != ENOENT)
		die("unlink", ft->path);
}

char *ft_mask(const struct faketree *ft, const char *cpulist)
{
	uint32_t ngroups = (ft->ncpus + 31) / 32;
	uint32_t *g = calloc(ngroups, sizeof(*g));
	char *out = malloc(ngroups * 9 + 1), *o = out;
	const char *p = cpulist;

	if (!g || !out)
		abort();
	while (*p) {
		char *end;
		unsigned long a = strtoul(p, &end, 10), b = a;

		if (end == p)
			break;
		p = end;
		if (*p == '-') {
			b = strtoul(p + 1, &end, 10);
			p = end;
		}
		for (unsigned long c = a; c <= b && c < ft->ncpus; c++)
			g[c / 32] |= 1u << (c % 32);
		if (*p == ',')
			p++;
	}
	/* the kernel prints every group with 8 digits, most significant first, except that a
	 * bitmap of fewer than 32 bits prints only the digits it has */
	for (uint32_t i = ngroups; i-- > 0;) {
		uint32_t bits = i == ngroups - 1 && ft->ncpus % 32 ? ft->ncpus % 32 : 32;

		o += sprintf(o, "%s%0*x", i == ngroups - 1 ? "" : ",", (int)((bits + 3) / 4), g[i]);
	}
	free(g);
	return out;
}

static void cpurange(char *buf, size_t cap, uint32_t first, uint32_t last)
{
	if (first == last)
		snprintf(buf, cap, "%u", first);
	else
		snprintf(buf, cap, "%u-%u", first, last);
}

struct faketree *ft_new(uint32_t ncpus, uint32_t nnodes)
{
	struct faketree *ft = calloc(1, sizeof(*ft));
	char tmpl[] = "/tmp/vxoff-ft-XXXXXX", all[64], v[64];
	uint32_t half = ncpus / 2 ? ncpus / 2 : 1;

	if (!ft || !ncpus || (nnodes && ncpus % nnodes))
		abort();
	if (!mkdtemp(tmpl))
		die("mkdtemp", tmpl);
	/* resolved, so that ft_after_write() can match the paths /proc/self/fd shows */
	if (!realpath(tmpl, ft->top))
		die("realpath", tmpl);
	snprintf(ft->sys, sizeof(ft->sys), "%s/sys", ft->top);
	snprintf(ft->proc, sizeof(ft->proc), "%s/proc", ft->top);
	ft->ncpus = ncpus;
	ft->nnodes = nnodes;

	cpurange(all, sizeof(all), 0, ncpus - 1);
	ft_write(ft, "sys/devices/system/cpu/possible", all);
	ft_write(ft, "sys/devices/system/cpu/present", all);
	ft_write(ft, "sys/devices/system/cpu/online", all);
	ft_write(ft, "sys/devices/system/cpu/offline", "");
	for (uint32_t c = 0; c < ncpus; c++) {
		uint32_t node = nnodes ? c / (ncpus / nnodes) : 0;

		if (c) /* cpu0 has no online file on x86: it cannot go offline */
			ft_writef(ft, "1", "sys/devices/system/cpu/cpu%u/online", c);
		snprintf(v, sizeof(v), "%u", c % half);
		ft_writef(ft, v, "sys/devices/system/cpu/cpu%u/topology/core_id", c);
		snprintf(v, sizeof(v), "%u", node);
		ft_writef(ft, v, "sys/devices/system/cpu/cpu%u/topology/physical_package_id", c);
	}
	if (nnodes) {
		cpurange(v, sizeof(v), 0, nnodes - 1);
		ft_write(ft, "sys/devices/system/node/possible", v);
		ft_write(ft, "sys/devices/system/node/online", v);
		for (uint32_t n = 0; n < nnodes; n++) {
			uint32_t per = ncpus / nnodes;

			cpurange(v, sizeof(v), n * per, (n + 1) * per - 1);
			ft_writef(ft, v, "sys/devices/system/node/node%u/cpulist", n);
		}
	}

	/* /proc/interrupts header: one column per CPU */
	{
		FILE *f;

		ft_write(ft, "proc/interrupts", "");
		f = fopen(ft_path(ft, "proc/interrupts"), "w");
		if (!f)
			die("fopen", ft->path);
		fprintf(f, "    ");
		for (uint32_t c = 0; c < ncpus; c++)
			fprintf(f, "       CPU%-3u", c);
		fprintf(f, "\n");
		fclose(f);
	}
	{
		char *m = ft_mask(ft, all);

		ft_write(ft, "proc/irq/default_smp_affinity", m);
		free(m);
	}

	/* sysctls: values of a 6.18 kernel; which ones are per namespace is the library's call */
	ft_write(ft, "proc/sys/net/core/somaxconn", "4096");
	ft_write(ft, "proc/sys/net/core/optmem_max", "131072");
	ft_write(ft, "proc/sys/net/core/rmem_max", "212992");
	ft_write(ft, "proc/sys/net/core/wmem_max", "212992");
	ft_write(ft, "proc/sys/net/core/rmem_default", "212992");
	ft_write(ft, "proc/sys/net/core/wmem_default", "212992");
	ft_write(ft, "proc/sys/net/core/netdev_max_backlog", "1000");
	ft_write(ft, "proc/sys/net/core/netdev_budget", "300");
	ft_write(ft, "proc/sys/net/core/busy_poll", "0");
	ft_write(ft, "proc/sys/net/core/busy_read", "0");
	ft_write(ft, "proc/sys/net/core/rps_sock_flow_entries", "0");
	{
		char *m = ft_mask(ft, "");

		ft_write(ft, "proc/sys/net/core/rps_default_mask", m);
		free(m);
	}
	ft_write(ft, "proc/sys/net/ipv4/tcp_rmem", "4096\t131072\t6291456");
	ft_write(ft, "proc/sys/net/ipv4/tcp_wmem", "4096\t16384\t4194304");
	ft_write(ft, "proc/sys/net/ipv4/tcp_congestion_control", "cubic");
	return ft;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void ft_free(struct faketree *ft)
{
	if (!ft)
		return;
	nftw(ft->top, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	for (uint32_t i = 0; i < FT_MAX_RULES; i++)
		free(ft->rules[i].value);
	if (ft_rules_owner == ft)
		ft_rules_owner = NULL;
	free(ft);
}

const char *ft_sysfs(const struct faketree *ft)
{
	return ft->sys;
}

const char *ft_procfs(const struct faketree *ft)
{
	return ft->proc;
}

uint32_t ft_ncpus(const struct faketree *ft)
{
	return ft->ncpus;
}

struct vxoff_ctx *ft_ctx(const struct faketree *ft)
{
	VXOFF_OPTS(vxoff_ctx_opts, o, .sysfs_root = ft->sys, .procfs_root = ft->proc);
	struct vxoff_ctx *ctx = NULL;

	if (vxoff_ctx_new(&o, &ctx) < 0 || !ctx) {
		fprintf(stderr, "faketree: vxoff_ctx_new failed\n");
		abort();
	}
	return ctx;
}

void ft_add_irq(struct faketree *ft, uint32_t irq, const char *action)
{
	char all[64], *m;
	FILE *f;

	cpurange(all, sizeof(all), 0, ft->ncpus - 1);
	m = ft_mask(ft, all);
	ft_writef(ft, all, "proc/irq/%u/smp_affinity_list", irq);
	ft_writef(ft, m, "proc/irq/%u/smp_affinity", irq);
	free(m);
	m = ft_mask(ft, "0");
	ft_writef(ft, "0", "proc/irq/%u/effective_affinity_list", irq);
	ft_writef(ft, m, "proc/irq/%u/effective_affinity", irq);
	free(m);
	ft_writef(ft, "0", "proc/irq/%u/node", irq);
	f = fopen(ft_path(ft, "proc/interrupts"), "a");
	if (!f)
		die("fopen", ft->path);
	fprintf(f, "%4u:", irq);
	for (uint32_t c = 0; c < ft->ncpus; c++)
		fprintf(f, " %10u", c == 0 ? 12345u : 0u);
	fprintf(f, "  IR-PCI-MSI 524288-edge      %s\n", action);
	fclose(f);
}

void ft_add_dev(struct faketree *ft, const struct ft_dev *d)
{
	char v[64], *empty = ft_mask(ft, "");
	uint32_t nq = d->rx_queues > d->tx_queues ? d->rx_queues : d->tx_queues;
	/* xps_rxqs is a mask over the RX queues, printed as the kernel does: 1 group minimum */
	char *rxq_empty;

	{
		struct faketree tmp = {.ncpus = d->rx_queues ? d->rx_queues : 1};

		rxq_empty = ft_mask(&tmp, "");
	}
	snprintf(v, sizeof(v), "%u", d->ifindex);
	ft_writef(ft, v, "sys/class/net/%s/ifindex", d->name);
	snprintf(v, sizeof(v), "%u", d->mtu ? d->mtu : 1500);
	ft_writef(ft, v, "sys/class/net/%s/mtu", d->name);
	if (!d->no_napi_files) {
		ft_writef(ft, "0", "sys/class/net/%s/threaded", d->name);
		ft_writef(ft, "0", "sys/class/net/%s/napi_defer_hard_irqs", d->name);
		ft_writef(ft, "0", "sys/class/net/%s/gro_flush_timeout", d->name);
	}
	snprintf(v, sizeof(v), "%d", d->numa_node);
	ft_writef(ft, v, "sys/class/net/%s/device/numa_node", d->name);
	for (uint32_t q = 0; q < d->rx_queues; q++) {
		ft_writef(ft, empty, "sys/class/net/%s/queues/rx-%u/rps_cpus", d->name, q);
		ft_writef(ft, "0", "sys/class/net/%s/queues/rx-%u/rps_flow_cnt", d->name, q);
	}
	for (uint32_t q = 0; q < d->tx_queues; q++) {
		ft_writef(ft, empty, "sys/class/net/%s/queues/tx-%u/xps_cpus", d->name, q);
		ft_writef(ft, rxq_empty, "sys/class/net/%s/queues/tx-%u/xps_rxqs", d->name, q);
	}
	if (d->first_irq) {
		for (uint32_t q = 0; q < nq; q++) {
			snprintf(v, sizeof(v), "%s-TxRx-%u", d->name, q);
			ft_add_irq(ft, d->first_irq + q, v);
		}
	}
	free(empty);
	free(rxq_empty);
}

void ft_rewrite(struct faketree *ft, const char *rel, const char *value)
{
	char path[2 * PATH_MAX];
	int free_slot = -1;

	snprintf(path, sizeof(path), "%s/%s", ft->top, rel);
	for (int i = 0; i < FT_MAX_RULES; i++) {
		if (ft->rules[i].value && !strcmp(ft->rules[i].path, path)) {
			free(ft->rules[i].value);
			ft->rules[i].value = NULL;
		}
		if (!ft->rules[i].value && free_slot < 0)
			free_slot = i;
	}
	if (value) {
		if (free_slot < 0)
			abort();
		snprintf(ft->rules[free_slot].path, sizeof(ft->rules[free_slot].path), "%s", path);
		ft->rules[free_slot].value = strdup(value);
		if (!ft->rules[free_slot].value)
			abort();
	}
	ft_rules_owner = ft;
}

void ft_after_write(int fd)
{
	struct faketree *ft = ft_rules_owner;
	char link[64], path[2 * PATH_MAX];
	ssize_t n;

	if (!ft)
		return;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, path, sizeof(path) - 1);
	if (n <= 0)
		return;
	path[n] = '\0';
	for (int i = 0; i < FT_MAX_RULES; i++) {
		if (ft->rules[i].value && !strcmp(ft->rules[i].path, path)) {
			FILE *f = fopen(path, "w"); /* stdio: not through the write(2) wrapper */

			if (!f)
				die("fopen", path);
			fputs(ft->rules[i].value, f);
			fclose(f);
		}
	}
}

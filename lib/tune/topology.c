/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * CPUs and NUMA nodes from sysfs, the NUMA node of a device, and CPU masks as the kernel
 * writes and reads them (32-bit hex groups, "ff,00000001", or one hex number), any number of
 * CPUs up to VXOFF__CPU_LIMIT. CPU lists are lib/netlink/cpulist.c's.
 */
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tune/tune_internal.h"

struct vxoff_topology {
	struct vxoff_cpu_info *cpus; /* every possible CPU, by number */
	uint32_t ncpus;
	char *online;	  /* cpulist */
	char **node_cpus; /* by node id; NULL = no such node */
	uint32_t nnodes;  /* entries of node_cpus (highest id + 1) */
};

/* ---- lists and masks ---- */

static void skip_space(const char **p)
{
	while (isspace((unsigned char)**p))
		(*p)++;
}

static bool bit_set(const uint64_t *bits, uint32_t i)
{
	return (bits[i / 64] >> (i % 64)) & 1;
}

/* A hex mask into bits: comma-separated 32-bit groups, most significant first, or one hex
 * number of any length; "0x" prefix, spaces and a trailing newline accepted. */
int vxoff__mask_parse(const char *mask, uint64_t *bits, uint32_t nbits)
{
	const char *p = mask, *end;
	uint32_t ngroups = 1, g = 0;
	bool grouped;

	memset(bits, 0, ((nbits + 63) / 64) * sizeof(uint64_t));
	if (!mask)
		return -EINVAL;
	skip_space(&p);
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		p += 2;
	end = p + strlen(p);
	while (end > p && isspace((unsigned char)end[-1]))
		end--;
	if (end == p)
		return -EINVAL;
	for (const char *s = p; s < end; s++)
		ngroups += *s == ',';
	grouped = ngroups > 1;
	/* walk groups from the least significant (the last) one */
	while (end > p) {
		const char *start = end;
		uint32_t nib = 0;

		while (start > p && start[-1] != ',')
			start--;
		if (start == end || (grouped && end - start > 8))
			return -EINVAL;
		for (const char *s = end; s > start; s--, nib++) {
			int c = (unsigned char)s[-1], v;
			uint64_t base = (uint64_t)g * 32 + (uint64_t)nib * 4;

			if (!isxdigit(c))
				return -EINVAL;
			v = isdigit(c) ? c - '0' : tolower(c) - 'a' + 10;
			for (int b = 0; b < 4; b++) {
				if (!(v & (1 << b)))
					continue;
				if (base + b >= nbits)
					return -ERANGE;
				bits[(base + b) / 64] |= 1ull << ((base + b) % 64);
			}
		}
		if (!grouped) /* one long number: its nibbles went on counting across groups */
			break;
		g++;
		end = start > p ? start - 1 : start;
		if (start > p && end == p) /* ",..." */
			return -EINVAL;
	}
	return 0;
}

char *vxoff__mask_format(const uint64_t *bits, uint32_t nbits)
{
	struct vxoff__strbuf sb;
	int top = -1;

	for (uint32_t i = 0; i < nbits; i++)
		if (bit_set(bits, i))
			top = (int)(i / 32);
	vxoff__sb_init(&sb);
	if (top < 0) {
		vxoff__sb_add(&sb, "0");
		return vxoff__sb_steal(&sb);
	}
	for (int g = top; g >= 0; g--) {
		uint32_t w = (uint32_t)(bits[g / 2] >> ((g % 2) * 32));

		if (g == top)
			vxoff__sb_add(&sb, "%x", w);
		else
			vxoff__sb_add(&sb, ",%08x", w);
	}
	return vxoff__sb_steal(&sb);
}

static uint64_t *bits_new(void)
{
	return calloc(VXOFF__CPU_LIMIT / 64, sizeof(uint64_t));
}

/* in (a list or a mask, as parse reads) into bits and out again as format writes it */
static int convert(const char *in, char **ret, int (*parse)(const char *, uint64_t *, uint32_t),
		   char *(*format)(const uint64_t *, uint32_t))
{
	uint64_t *bits;
	int r;

	if (!in || !ret)
		return -EINVAL;
	bits = bits_new();
	if (!bits)
		return -ENOMEM;
	r = parse(in, bits, VXOFF__CPU_LIMIT);
	if (r == 0) {
		*ret = format(bits, VXOFF__CPU_LIMIT);
		r = *ret ? 0 : -ENOMEM;
	}
	free(bits);
	return r;
}

int vxoff_cpulist_to_mask(const char *list, char **ret)
{
	return convert(list, ret, vxoff__cpulist_parse, vxoff__mask_format);
}

int vxoff_mask_to_cpulist(const char *mask, char **ret)
{
	return convert(mask, ret, vxoff__mask_parse, vxoff__cpulist_format);
}

int vxoff_cpulist_normalize(const char *list, char **ret)
{
	return convert(list, ret, vxoff__cpulist_parse, vxoff__cpulist_format);
}

/* ---- topology ---- */

static int read_text(struct vxoff_ctx *ctx, const char *rel, char *buf, size_t cap, bool need)
{
	char path[PATH_MAX];
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%s", vxoff__ctx_sysfs_root(ctx), rel);
	n = vxoff__read_file(path, buf, cap);
	if (n < 0 && need)
		return vxoff__err(ctx, (int)n, VXOFF_REASON_SYSTEM, "reading %s: %s", path,
				  strerror((int)-n));
	if (n >= 0 && (size_t)n >= cap - 1)
		return vxoff__err(ctx, -EPROTO, VXOFF_REASON_MALFORMED, "%s: longer than %zu bytes",
				  path, cap - 1);
	return n < 0 ? (int)n : 0;
}

static int read_int(struct vxoff_ctx *ctx, const char *rel, int32_t *v)
{
	char buf[32], *end;
	long x;

	if (read_text(ctx, rel, buf, sizeof(buf), false) < 0)
		return -ENOENT;
	errno = 0;
	x = strtol(buf, &end, 10);
	if (errno || end == buf || *end || x < INT32_MIN || x > INT32_MAX)
		return vxoff__err(ctx, -EPROTO, VXOFF_REASON_MALFORMED, "%s/%s: not a number: '%s'",
				  vxoff__ctx_sysfs_root(ctx), rel, buf);
	*v = (int32_t)x;
	return 0;
}

/* A cpulist file into bits; -ENOENT quietly when absent and !need. */
static int read_set(struct vxoff_ctx *ctx, const char *rel, uint64_t *bits, bool need)
{
	char *buf = malloc(VXOFF__CPU_LIMIT);
	int r;

	if (!buf)
		return -ENOMEM;
	r = read_text(ctx, rel, buf, VXOFF__CPU_LIMIT, need);
	if (r == 0) {
		r = vxoff__cpulist_parse(buf, bits, VXOFF__CPU_LIMIT);
		if (r < 0)
			r = vxoff__err(ctx, -EPROTO, VXOFF_REASON_MALFORMED,
				       "%s/%s: not a CPU list: '%.64s'", vxoff__ctx_sysfs_root(ctx),
				       rel, buf);
	}
	free(buf);
	return r;
}

void vxoff_topology_free(struct vxoff_topology *topo)
{
	if (!topo)
		return;
	for (uint32_t i = 0; i < topo->nnodes; i++)
		free(topo->node_cpus[i]);
	free(topo->node_cpus);
	free(topo->online);
	free(topo->cpus);
	free(topo);
}

static int read_nodes(struct vxoff_ctx *ctx, struct vxoff_topology *t, uint64_t *bits)
{
	char path[PATH_MAX], rel[64];
	struct dirent *e;
	DIR *d;
	int r = 0;

	snprintf(path, sizeof(path), "%s/devices/system/node", vxoff__ctx_sysfs_root(ctx));
	d = opendir(path);
	if (!d) /* no NUMA support built in: one node, unknown */
		return 0;
	/* cppcheck-suppress readdirCalled ; this DIR is ours alone */
	while ((e = readdir(d))) {
		unsigned long id;
		char *end, **v;
		uint32_t cap;

		if (strncmp(e->d_name, "node", 4) || !isdigit((unsigned char)e->d_name[4]))
			continue;
		id = strtoul(e->d_name + 4, &end, 10);
		if (*end || id > 4095)
			continue;
		snprintf(rel, sizeof(rel), "devices/system/node/node%lu/cpulist", id);
		r = read_set(ctx, rel, bits, true);
		if (r < 0)
			break;
		if (id >= t->nnodes) {
			cap = t->nnodes;
			v = realloc(t->node_cpus, (id + 1) * sizeof(*v));
			if (!v) {
				r = -ENOMEM;
				break;
			}
			t->node_cpus = v;
			t->nnodes = (uint32_t)id + 1;
			memset(v + cap, 0, (t->nnodes - cap) * sizeof(*v));
		}
		free(t->node_cpus[id]);
		t->node_cpus[id] = vxoff__cpulist_format(bits, VXOFF__CPU_LIMIT);
		if (!t->node_cpus[id]) {
			r = -ENOMEM;
			break;
		}
		for (uint32_t c = 0; c < t->ncpus; c++)
			if (bit_set(bits, t->cpus[c].cpu))
				t->cpus[c].node = (int32_t)id;
	}
	closedir(d);
	return r;
}

/* full = false: possible and online CPUs only (no core, package or node files: a check of a
 * CPU list before a write reads two files, not two per CPU). */
static int topo_read(struct vxoff_ctx *ctx, struct vxoff_topology **ret, bool full)
{
	struct vxoff_topology *t = calloc(1, sizeof(*t));
	uint64_t *possible = bits_new(), *online = bits_new(), *tmp = bits_new();
	char rel[96];
	int r;

	if (!t || !possible || !online || !tmp) {
		r = -ENOMEM;
		goto fail;
	}
	r = read_set(ctx, "devices/system/cpu/possible", possible, true);
	if (r == -ENOENT)
		r = vxoff__err_prefix(ctx, -ENOENT, "no CPU directory: ");
	if (r < 0)
		goto fail;
	r = read_set(ctx, "devices/system/cpu/online", online, true);
	if (r < 0)
		goto fail;
	for (uint32_t c = 0; c < VXOFF__CPU_LIMIT; c++) {
		struct vxoff_cpu_info *v;

		if (!bit_set(possible, c))
			continue;
		v = realloc(t->cpus, (t->ncpus + 1) * sizeof(*v));
		if (!v) {
			r = -ENOMEM;
			goto fail;
		}
		t->cpus = v;
		v = &t->cpus[t->ncpus++];
		*v = (struct vxoff_cpu_info){
			.sz = sizeof(*v), .cpu = c, .node = -1, .core = -1, .package = -1};
		v->online = bit_set(online, c);
		if (!full)
			continue;
		snprintf(rel, sizeof(rel), "devices/system/cpu/cpu%u/topology/core_id", c);
		r = read_int(ctx, rel, &v->core);
		if (r < 0 && r != -ENOENT)
			goto fail;
		snprintf(rel, sizeof(rel), "devices/system/cpu/cpu%u/topology/physical_package_id",
			 c);
		r = read_int(ctx, rel, &v->package);
		if (r < 0 && r != -ENOENT)
			goto fail;
	}
	t->online = vxoff__cpulist_format(online, VXOFF__CPU_LIMIT);
	if (!t->online) {
		r = -ENOMEM;
		goto fail;
	}
	r = full ? read_nodes(ctx, t, tmp) : 0;
	if (r < 0)
		goto fail;
	free(possible);
	free(online);
	free(tmp);
	*ret = t;
	return 0;
fail:
	free(possible);
	free(online);
	free(tmp);
	vxoff_topology_free(t);
	return r;
}

int vxoff__topology_read(struct vxoff_ctx *ctx, struct vxoff_topology **ret)
{
	return topo_read(ctx, ret, true);
}

int vxoff__cpus_check_online(struct vxoff_ctx *ctx, const char *list, const char *what)
{
	struct vxoff_topology *topo = NULL;
	int r = topo_read(ctx, &topo, false);

	if (r == -ENOMEM)
		return r;
	if (r < 0) { /* no CPU directory to judge by: the kernel judges */
		vxoff__err_clear(ctx);
		return 0;
	}
	r = vxoff__cpus_check(ctx, topo, list, what);
	vxoff_topology_free(topo);
	return r;
}

int vxoff_topology_read(struct vxoff_ctx *ctx, struct vxoff_topology **ret)
{
	int r = vxoff__ctx_enter(ctx);

	if (r < 0)
		return r;
	if (!ret)
		r = vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG, "vxoff_topology_read: ret is NULL");
	else
		r = vxoff__topology_read(ctx, ret);
	vxoff__ctx_leave(ctx);
	return r;
}

uint32_t vxoff_topology_cpu_count(const struct vxoff_topology *topo)
{
	return topo ? topo->ncpus : 0;
}

int vxoff_topology_cpu(const struct vxoff_topology *topo, uint32_t idx, struct vxoff_cpu_info *out)
{
	if (!topo || !out)
		return -EINVAL;
	if (idx >= topo->ncpus)
		return -ERANGE;
	return vxoff__copy_out(out, &topo->cpus[idx], sizeof(topo->cpus[idx]),
			       VXOFF_CPU_INFO_SZ_0_1);
}

const char *vxoff_topology_online(const struct vxoff_topology *topo)
{
	return topo ? topo->online : NULL;
}

int vxoff_topology_node_cpus(const struct vxoff_topology *topo, uint32_t node, const char **ret)
{
	if (!topo || !ret)
		return -EINVAL;
	if (node >= topo->nnodes || !topo->node_cpus[node])
		return -ENOENT;
	*ret = topo->node_cpus[node];
	return 0;
}

uint32_t vxoff__topology_node_count(const struct vxoff_topology *topo)
{
	return topo ? topo->nnodes : 0;
}

int vxoff__cpus_check(struct vxoff_ctx *ctx, const struct vxoff_topology *topo, const char *list,
		      const char *what)
{
	uint64_t *bits = bits_new();
	uint32_t bad = 0, last = topo && topo->ncpus ? topo->cpus[topo->ncpus - 1].cpu : 0;
	int r;

	if (!bits)
		return -ENOMEM;
	r = vxoff__cpulist_parse_ex(list, bits, VXOFF__CPU_LIMIT, &bad);
	if (r == -ERANGE) {
		r = vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG,
			       "%s: CPU %u in '%s' is out of range (CPUs 0-%u here)", what, bad,
			       list, last);
		goto out;
	}
	if (r < 0) {
		r = vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG, "%s: '%s' is not a CPU list", what,
			       list ? list : "(null)");
		goto out;
	}
	for (uint32_t c = 0; c < VXOFF__CPU_LIMIT && topo; c++) {
		const struct vxoff_cpu_info *ci = NULL;

		if (!bit_set(bits, c))
			continue;
		for (uint32_t i = 0; i < topo->ncpus; i++)
			if (topo->cpus[i].cpu == c)
				ci = &topo->cpus[i];
		if (!ci) {
			r = vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG,
				       "%s: CPU %u in '%s' is out of range (CPUs 0-%u here)", what,
				       c, list, last);
			goto out;
		}
		if (!ci->online) {
			r = vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG,
				       "%s: CPU %u in '%s' is offline (online: %s)", what, c, list,
				       topo->online);
			goto out;
		}
	}
	r = 0;
out:
	free(bits);
	return r;
}

/* ---- device NUMA node ---- */

struct numa_job {
	const char *dev;
	int32_t node;
	int err;
	char path[PATH_MAX];
};

static int numa_walk(void *arg, const char *root)
{
	struct numa_job *j = arg;
	char buf[32], *end;
	ssize_t n;
	long v;

	snprintf(j->path, sizeof(j->path), "%s/class/net/%s", root, j->dev);
	if (access(j->path, F_OK) < 0) {
		j->err = -ENODEV;
		return 0;
	}
	snprintf(j->path, sizeof(j->path), "%s/class/net/%s/device/numa_node", root, j->dev);
	n = vxoff__read_file(j->path, buf, sizeof(buf));
	if (n < 0) { /* virtual devices have no device/ link */
		j->node = -1;
		return 0;
	}
	errno = 0;
	v = strtol(buf, &end, 10);
	if (errno || end == buf || *end || v < -1 || v > INT32_MAX) {
		j->err = -EPROTO;
		return 0;
	}
	j->node = (int32_t)v;
	return 0;
}

int vxoff__device_numa_node(struct vxoff_ctx *ctx, const char *dev, int32_t *ret)
{
	struct numa_job j = {.dev = dev, .node = -1};
	int r;

	if (!dev || !*dev || strchr(dev, '/') || strlen(dev) >= 16 || !ret)
		return vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG, "'%s' is not an interface name",
				  dev ? dev : "(null)");
	r = vxoff__with_sysfs(ctx, numa_walk, &j);
	if (r < 0)
		return r;
	if (j.err == -ENODEV)
		return vxoff__err(ctx, -ENODEV, VXOFF_REASON_NO_DEVICE,
				  "no device %s in the sysfs %s", dev,
				  vxoff__ctx_sysfs_overridden(ctx) ? "given" : "of the namespace");
	if (j.err < 0)
		return vxoff__err(ctx, -EINVAL, VXOFF_REASON_MALFORMED, "%s: not a node number",
				  j.path);
	*ret = j.node;
	return 0;
}

int vxoff_device_numa_node(struct vxoff_ctx *ctx, const char *dev, int32_t *ret)
{
	int r = vxoff__ctx_enter(ctx);

	if (r < 0)
		return r;
	r = vxoff__device_numa_node(ctx, dev, ret);
	vxoff__ctx_leave(ctx);
	return r;
}

/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * Knobs that live in files, read and written under the context's roots: IRQ affinity
 * (/proc/irq, global), RPS/RFS/XPS per queue and the device-wide NAPI settings (the sysfs
 * of the context's namespace: vxoff__with_sysfs), per-NAPI settings through netdev netlink
 * NAPI_GET/NAPI_SET (6.13+; threaded 6.17+), and sysctls that belong to the namespace
 * (/proc/sys/net, opened inside the namespace: it follows the opener's namespace).
 *
 * Every write is read back; a different value is -EIO naming the value in effect.
 */
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/genetlink.h>

#include "netlink/compat.h"
#include "tune/tune_internal.h"

/* A mask of 8192 CPUs is 256 groups of 9 bytes; sysctl lines are short. */
#define FS_BUF 4096

enum fs_root {
	FS_SYS,	     /* the sysfs of the context's namespace */
	FS_PROC,     /* procfs, global parts (/proc/irq, /proc/interrupts) */
	FS_PROC_NET, /* /proc/sys/net of the context's namespace */
};

/* One file operation, run where the file shows the right namespace; never touches ctx. */
struct fs_job {
	const char *rel;
	const char *root; /* procfs root for FS_PROC_NET */
	const char *text; /* write this first; NULL = read only */
	char path[PATH_MAX];
	char buf[FS_BUF];
	ssize_t len;	    /* bytes read, or -errno */
	int werr;	    /* -errno of the write */
	const char *dev;    /* sysfs: the device directory must exist (else -ENODEV) */
	mode_t mode;	    /* st_mode of the file */
	bool private_sysfs; /* sysroot is the core's own read-only mount in a helper thread */
};

static int fs_do(struct fs_job *j, const char *root)
{
	int fd;

	snprintf(j->path, sizeof(j->path), "%s/%s", root, j->rel);
	if (j->dev) {
		char dir[PATH_MAX];

		snprintf(dir, sizeof(dir), "%s/class/net/%s", root, j->dev);
		if (access(dir, F_OK) < 0) {
			j->werr = -ENODEV;
			j->len = -ENODEV;
			return 0;
		}
	}
	if (j->text) {
		size_t n = strlen(j->text);
		ssize_t w;

		fd = open(j->path, O_WRONLY | O_TRUNC | O_CLOEXEC);
		if (fd < 0) {
			j->werr = -errno;
			return 0;
		}
		w = write(fd, j->text, n);
		if (w < 0)
			j->werr = -errno;
		else if ((size_t)w != n)
			j->werr = -EIO;
		if (close(fd) < 0 && !j->werr)
			j->werr = -errno;
		if (j->werr)
			return 0;
	}
	{
		struct stat st;

		if (stat(j->path, &st) == 0)
			j->mode = st.st_mode;
	}
	j->len = vxoff__read_file(j->path, j->buf, sizeof(j->buf));
	return 0;
}

static int fs_sys_cb(void *arg, const char *sysroot)
{
	struct fs_job *j = arg;

	/*
	 * Inside another namespace the core mounts a fresh sysfs read-only in the helper
	 * thread's private mount namespace (the probe only reads). A write makes that private
	 * mount writable first: the mount and the thread are gone when the call returns.
	 */
	if (j->text && j->private_sysfs) {
		unsigned long fl = MS_REMOUNT | MS_NOSUID | MS_NODEV | MS_NOEXEC;

		/* the mount, then its superblock: both were made read-only by that mount (the
		 * type is ignored on a remount; "none" rather than NULL for valgrind) */
		if (mount(NULL, sysroot, "none", fl | MS_BIND, NULL) < 0 ||
		    mount(NULL, sysroot, "none", fl, NULL) < 0) {
			j->werr = -errno;
			return 0;
		}
	}
	return fs_do(arg, sysroot);
}

static int fs_net_cb(void *arg)
{
	struct fs_job *j = arg;

	return fs_do(j, j->root);
}

/* Run the job under its root. Return 0 (outcome in j->werr/j->len) or the namespace
 * switch's error (already in ctx). */
static int fs_run(struct vxoff_ctx *ctx, enum fs_root root, struct fs_job *j)
{
	j->len = -ENOENT;
	switch (root) {
	case FS_SYS:
		j->private_sysfs =
			vxoff__ctx_netns_fd(ctx) >= 0 && !vxoff__ctx_sysfs_overridden(ctx);
		return vxoff__with_sysfs(ctx, fs_sys_cb, j);
	case FS_PROC_NET:
		j->root = vxoff__ctx_procfs_root(ctx);
		/* a given procfs root is a fake tree: no namespace to enter */
		return strcmp(j->root, "/proc") ? fs_net_cb(j) : vxoff__in_netns(ctx, fs_net_cb, j);
	case FS_PROC:
	default:
		return fs_do(j, vxoff__ctx_procfs_root(ctx));
	}
}

/* ---- where each knob lives ---- */

/* A sysctl that a namespace owns (kernel source: the per-netns tables of net/core and
 * net/ipv4). Global ones (rmem_max, wmem_max, busy_poll, busy_read, netdev_max_backlog,
 * rps_sock_flow_entries) are absent or read-only mirrors in a child namespace. */
static const char *const netns_sysctls[] = {
	"net.core.somaxconn",
	"net.core.optmem_max",
	"net.core.txrehash",
	"net.core.rps_default_mask",
	"net.ipv4.tcp_rmem",
	"net.ipv4.tcp_wmem",
	"net.ipv4.tcp_congestion_control",
	"net.ipv4.tcp_mtu_probing",
	"net.ipv4.tcp_slow_start_after_idle",
	"net.ipv4.tcp_notsent_lowat",
	"net.ipv4.tcp_autocorking",
	"net.ipv4.tcp_limit_output_bytes",
	"net.ipv4.tcp_no_metrics_save",
	"net.ipv4.tcp_window_scaling",
	"net.ipv4.tcp_timestamps",
	"net.ipv4.tcp_sack",
	"net.ipv4.tcp_ecn",
	"net.ipv4.tcp_adv_win_scale",
	"net.ipv4.tcp_min_tso_segs",
	"net.ipv4.udp_rmem_min",
	"net.ipv4.udp_wmem_min",
	"net.ipv4.ip_local_port_range",
};

bool vxoff__sysctl_is_netns(const char *name)
{
	for (size_t i = 0; i < sizeof(netns_sysctls) / sizeof(netns_sysctls[0]); i++)
		if (!strcmp(name, netns_sysctls[i]))
			return true;
	return false;
}

/* "net.ipv4.tcp_rmem" -> "sys/net/ipv4/tcp_rmem"; false for anything odd. */
static bool sysctl_rel(const char *name, char *rel, size_t cap)
{
	size_t n = strlen(name);

	if (strncmp(name, "net.", 4) || n + 5 >= cap || strstr(name, "..") || strchr(name, '/'))
		return false;
	snprintf(rel, cap, "sys/%s", name);
	for (char *p = rel + 4; *p; p++)
		if (*p == '.')
			*p = '/';
	return true;
}

static bool key_queue(const char *key, const char **type, uint32_t *n)
{
	static const char *const types[] = {"rx", "tx", "combined"};
	char *end;
	unsigned long v;

	if (!key)
		return false;
	for (size_t i = 0; i < 3; i++) {
		size_t l = strlen(types[i]);

		if (strncmp(key, types[i], l) || key[l] != '-' ||
		    !isdigit((unsigned char)key[l + 1]))
			continue;
		errno = 0;
		v = strtoul(key + l + 1, &end, 10);
		if (errno || *end || v > INT32_MAX)
			return false;
		*type = types[i];
		*n = (uint32_t)v;
		return true;
	}
	return false;
}

static bool valid_dev(const char *dev)
{
	return dev && *dev && strlen(dev) < 16 && !strchr(dev, '/') && strcmp(dev, ".") &&
	       strcmp(dev, "..");
}

/* The relative path and root of a file knob (not per-NAPI, not IRQ). */
static int knob_file(const struct vxoff__knob *k, char *rel, size_t cap, enum fs_root *root)
{
	*root = FS_SYS;
	switch (k->kind) {
	case VXOFF_KNOB_RPS_CPUS:
		snprintf(rel, cap, "class/net/%s/queues/rx-%d/rps_cpus", k->dev, k->index);
		break;
	case VXOFF_KNOB_RPS_FLOW_CNT:
		snprintf(rel, cap, "class/net/%s/queues/rx-%d/rps_flow_cnt", k->dev, k->index);
		break;
	case VXOFF_KNOB_XPS_CPUS:
		snprintf(rel, cap, "class/net/%s/queues/tx-%d/xps_cpus", k->dev, k->index);
		break;
	case VXOFF_KNOB_XPS_RXQS:
		snprintf(rel, cap, "class/net/%s/queues/tx-%d/xps_rxqs", k->dev, k->index);
		break;
	case VXOFF_KNOB_THREADED:
		snprintf(rel, cap, "class/net/%s/threaded", k->dev);
		break;
	case VXOFF_KNOB_GRO_FLUSH_TIMEOUT:
		snprintf(rel, cap, "class/net/%s/gro_flush_timeout", k->dev);
		break;
	case VXOFF_KNOB_DEFER_HARD_IRQS:
		snprintf(rel, cap, "class/net/%s/napi_defer_hard_irqs", k->dev);
		break;
	case VXOFF_KNOB_SYSCTL:
		*root = FS_PROC_NET;
		return sysctl_rel(k->key, rel, cap) ? 0 : -EINVAL;
	default:
		return -EINVAL;
	}
	return 0;
}

static bool is_mask_kind(uint32_t kind)
{
	return kind == VXOFF_KNOB_RPS_CPUS || kind == VXOFF_KNOB_XPS_CPUS ||
	       kind == VXOFF_KNOB_XPS_RXQS;
}

/* File text -> canonical value (heap). */
static int canonical(uint32_t kind, const char *text, char **value)
{
	if (is_mask_kind(kind)) {
		uint64_t *bits = calloc(VXOFF__CPU_LIMIT / 64, sizeof(uint64_t));
		int r;

		if (!bits)
			return -ENOMEM;
		r = vxoff__mask_parse(text, bits, VXOFF__CPU_LIMIT);
		if (r == 0) {
			*value = vxoff__cpulist_format(bits, VXOFF__CPU_LIMIT);
			r = *value ? 0 : -ENOMEM;
		} else {
			r = -EPROTO;
		}
		free(bits);
		return r;
	}
	if (kind == VXOFF_KNOB_SYSCTL || kind == VXOFF_KNOB_IRQ_AFFINITY) {
		/* tcp_rmem separates with tabs: one space between words */
		struct vxoff__strbuf sb;
		const char *p = text;

		vxoff__sb_init(&sb);
		vxoff__sb_add(&sb, "%s", "");
		while (*p) {
			size_t n;

			p += strspn(p, " \t\n");
			n = strcspn(p, " \t\n");
			if (n)
				vxoff__sb_add(&sb, "%s%.*s", sb.len ? " " : "", (int)n, p);
			p += n;
		}
		*value = vxoff__sb_steal(&sb);
		return *value ? 0 : -ENOMEM;
	}
	*value = strdup(text);
	return *value ? 0 : -ENOMEM;
}

/* Canonical value -> the text the file takes. */
static int file_text(struct vxoff_ctx *ctx, const struct vxoff__knob *k, char **text)
{
	char d[160];
	bool ok;

	if (is_mask_kind(k->kind)) {
		uint64_t *bits = calloc(VXOFF__CPU_LIMIT / 64, sizeof(uint64_t));
		int r;

		if (!bits)
			return -ENOMEM;
		r = vxoff__cpulist_parse_ex(k->value, bits, VXOFF__CPU_LIMIT, NULL);
		if (r == 0) {
			char *m = vxoff__mask_format(bits, VXOFF__CPU_LIMIT);

			*text = m;
			r = m ? 0 : -ENOMEM;
		} else {
			r = vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG, "%s: '%s' is not a %s list",
				       vxoff__knob_describe(k, d, sizeof(d)), k->value,
				       k->kind == VXOFF_KNOB_XPS_RXQS ? "queue" : "CPU");
		}
		free(bits);
		return r;
	}
	if (k->kind == VXOFF_KNOB_SYSCTL) {
		*text = strdup(k->value);
		return *text ? 0 : -ENOMEM;
	}
	/* numbers, and on/off for threaded */
	{
		const char *v = k->value;
		char *end;
		unsigned long long n;

		if (k->kind == VXOFF_KNOB_THREADED || k->kind == VXOFF_KNOB_NAPI_THREADED) {
			ok = true;
			if (!strcmp(v, "on") || !strcmp(v, "1"))
				v = "1";
			else if (!strcmp(v, "off") || !strcmp(v, "0"))
				v = "0";
			else
				ok = false;
			if (!ok)
				return vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG,
						  "%s: '%s' is not 0, 1, on or off",
						  vxoff__knob_describe(k, d, sizeof(d)), k->value);
			*text = strdup(v);
			return *text ? 0 : -ENOMEM;
		}
		errno = 0;
		n = strtoull(v, &end, 10);
		if (!isdigit((unsigned char)*v) || errno || *end)
			return vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG,
					  "%s: '%s' is not an unsigned number",
					  vxoff__knob_describe(k, d, sizeof(d)), k->value);
		(void)n;
		*text = strdup(v);
		return *text ? 0 : -ENOMEM;
	}
}

static int io_err(struct vxoff_ctx *ctx, const struct vxoff__knob *k, const struct fs_job *j,
		  int err, bool writing)
{
	char d[160];

	if (err == -ENODEV)
		return vxoff__err(ctx, -ENODEV, VXOFF_REASON_NO_DEVICE,
				  "%s: no device %s in the sysfs of the namespace",
				  vxoff__knob_describe(k, d, sizeof(d)), k->dev);
	if (err == -ENOENT)
		return vxoff__err(ctx, -EOPNOTSUPP, VXOFF_REASON_KERNEL,
				  "%s: %s does not exist (the device or this kernel has no such "
				  "knob)",
				  vxoff__knob_describe(k, d, sizeof(d)), j->path);
	return vxoff__err(
		ctx, err,
		err == -EPERM || err == -EACCES ? VXOFF_REASON_PRIVILEGE : VXOFF_REASON_KERNEL,
		"%s %s: %s%s", writing ? "writing" : "reading", j->path, strerror(-err),
		err == -EPERM || err == -EACCES ? " (needs CAP_NET_ADMIN in the initial "
						  "user namespace, or a kernel-managed IRQ)"
						: "");
}

/* ---- per-NAPI settings (netdev netlink) ---- */

struct napi_vals {
	uint16_t family;
	bool found;
	bool has_config; /* defer and gro_flush_timeout (6.13+) */
	bool has_threaded;
	uint32_t ifindex;
	uint32_t defer;
	uint64_t gro_flush;
	uint32_t threaded;
};

static int napi_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[VXOFF_NETDEV_A_NAPI_MAX + 1];
	struct napi_vals *v = data;

	if (nlh->nlmsg_type != v->family)
		return 0;
	if (vxoff__attr_parse_msg(nlh, GENL_HDRLEN, tb, VXOFF_NETDEV_A_NAPI_MAX) < 0)
		return -EPROTO;
	v->found = true;
	if (tb[NETDEV_A_NAPI_IFINDEX] && vxoff__attr_u32(tb[NETDEV_A_NAPI_IFINDEX], &v->ifindex))
		return -EPROTO;
	if (tb[NETDEV_A_NAPI_DEFER_HARD_IRQS] && tb[NETDEV_A_NAPI_GRO_FLUSH_TIMEOUT]) {
		if (vxoff__attr_u32(tb[NETDEV_A_NAPI_DEFER_HARD_IRQS], &v->defer) < 0 ||
		    vxoff__attr_uint(tb[NETDEV_A_NAPI_GRO_FLUSH_TIMEOUT], &v->gro_flush) < 0)
			return -EPROTO;
		v->has_config = true;
	}
	if (tb[NETDEV_A_NAPI_THREADED]) {
		if (vxoff__attr_u32(tb[NETDEV_A_NAPI_THREADED], &v->threaded) < 0)
			return -EPROTO;
		v->has_threaded = true;
	} else if (tb[NETDEV_A_NAPI_PID]) {
		v->threaded = 1; /* before 6.17 a PID is what says threaded */
		v->has_threaded = true;
	}
	return 0;
}

static int napi_family(struct vxoff_ctx *ctx, const struct vxoff__knob *k, uint8_t cmd,
		       uint16_t *family)
{
	uint64_t ops = 0;
	char d[160];
	int fam = vxoff__genl_family(ctx, NETDEV_FAMILY_NAME, &ops);

	if (fam == -ENOENT || (fam > 0 && !(ops & (1ull << cmd))))
		return vxoff__err(ctx, -EOPNOTSUPP, VXOFF_REASON_NO_FAMILY,
				  "%s: this kernel has no netdev netlink %s (per-NAPI settings "
				  "need 6.13)",
				  vxoff__knob_describe(k, d, sizeof(d)),
				  cmd == NETDEV_CMD_NAPI_SET ? "NAPI_SET" : "NAPI_GET");
	if (fam < 0)
		return fam;
	*family = (uint16_t)fam;
	return 0;
}

static int napi_get(struct vxoff_ctx *ctx, const struct vxoff__knob *k, struct napi_vals *v)
{
	union vxoff__req_buf rb = {.buf = {0}};
	struct vxoff__nl_handler h = {.msg = napi_cb, .data = v};
	struct nlmsghdr *nlh;
	char what[96], d[160];
	int r;

	memset(v, 0, sizeof(*v));
	r = napi_family(ctx, k, NETDEV_CMD_NAPI_GET, &v->family);
	if (r < 0)
		return r;
	nlh = vxoff__genl_put(rb.buf, v->family, NETDEV_CMD_NAPI_GET, NETDEV_FAMILY_VERSION, 0);
	mnl_attr_put_u32(nlh, NETDEV_A_NAPI_ID, (uint32_t)k->index);
	snprintf(what, sizeof(what), "netdev NAPI_GET of NAPI %d", k->index);
	r = vxoff__nl_request(ctx, VXOFF__NL_GENL, nlh, &h, what);
	if (r == -ENOENT)
		return vxoff__err(ctx, -ENOENT, VXOFF_REASON_KERNEL,
				  "%s: no NAPI %d (gone after a channel or GRO change?)",
				  vxoff__knob_describe(k, d, sizeof(d)), k->index);
	if (r < 0)
		return r;
	if (!v->found)
		return vxoff__err(ctx, -EPROTO, VXOFF_REASON_MALFORMED,
				  "%s: NAPI_GET answered without the NAPI",
				  vxoff__knob_describe(k, d, sizeof(d)));
	return 0;
}

static int napi_value(struct vxoff_ctx *ctx, const struct vxoff__knob *k, const struct napi_vals *v,
		      char **value)
{
	char buf[32], d[160];

	if (k->kind == VXOFF_KNOB_NAPI_THREADED) {
		if (!v->has_threaded && !v->has_config)
			return vxoff__err(ctx, -EOPNOTSUPP, VXOFF_REASON_KERNEL,
					  "%s: this kernel does not report whether a NAPI is "
					  "threaded",
					  vxoff__knob_describe(k, d, sizeof(d)));
		snprintf(buf, sizeof(buf), "%u", v->has_threaded ? v->threaded : 0);
	} else {
		if (!v->has_config)
			return vxoff__err(ctx, -EOPNOTSUPP, VXOFF_REASON_KERNEL,
					  "%s: this kernel has no per-NAPI settings (6.13+)",
					  vxoff__knob_describe(k, d, sizeof(d)));
		if (k->kind == VXOFF_KNOB_DEFER_HARD_IRQS)
			snprintf(buf, sizeof(buf), "%u", v->defer);
		else
			snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v->gro_flush);
	}
	*value = strdup(buf);
	return *value ? 0 : -ENOMEM;
}

struct napi_ids {
	uint16_t family;
	uint32_t *ids;
	uint32_t n, cap;
};

static int napi_id_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[VXOFF_NETDEV_A_NAPI_MAX + 1];
	struct napi_ids *l = data;
	uint32_t id, *v;

	if (nlh->nlmsg_type != l->family)
		return 0;
	if (vxoff__attr_parse_msg(nlh, GENL_HDRLEN, tb, VXOFF_NETDEV_A_NAPI_MAX) < 0 ||
	    !tb[NETDEV_A_NAPI_ID] || vxoff__attr_u32(tb[NETDEV_A_NAPI_ID], &id) < 0)
		return -EPROTO;
	v = vxoff__grow(l->ids, &l->cap, l->n, sizeof(*v));
	if (!v)
		return -ENOMEM;
	l->ids = v;
	l->ids[l->n++] = id;
	return 0;
}

static void napi_id_reset(void *data)
{
	((struct napi_ids *)data)->n = 0;
}

int vxoff__napi_list(struct vxoff_ctx *ctx, const char *dev, uint32_t ifindex, uint32_t **ids,
		     uint32_t *n)
{
	struct vxoff__knob k = {.kind = VXOFF_KNOB_NAPI_THREADED, .index = -1, .dev = (char *)dev};
	union vxoff__req_buf rb = {.buf = {0}};
	struct napi_ids l = {0};
	struct vxoff__nl_handler h = {.msg = napi_id_cb, .reset = napi_id_reset, .data = &l};
	struct nlmsghdr *nlh;
	char what[96];
	int r;

	r = napi_family(ctx, &k, NETDEV_CMD_NAPI_GET, &l.family);
	if (r < 0)
		return r;
	/* virtual devices link no queue to its NAPI: list the device's NAPIs themselves */
	nlh = vxoff__genl_put(rb.buf, l.family, NETDEV_CMD_NAPI_GET, NETDEV_FAMILY_VERSION,
			      NLM_F_DUMP);
	mnl_attr_put_u32(nlh, NETDEV_A_NAPI_IFINDEX, ifindex);
	snprintf(what, sizeof(what), "netdev NAPI_GET dump of %s", dev);
	r = vxoff__nl_request(ctx, VXOFF__NL_GENL, nlh, &h, what);
	if (r < 0) {
		free(l.ids);
		return r;
	}
	*ids = l.ids;
	*n = l.n;
	return 0;
}

static bool per_napi(const struct vxoff__knob *k)
{
	return k->kind == VXOFF_KNOB_NAPI_THREADED || ((k->kind == VXOFF_KNOB_GRO_FLUSH_TIMEOUT ||
							k->kind == VXOFF_KNOB_DEFER_HARD_IRQS) &&
						       k->index >= 0);
}

static int napi_set(struct vxoff_ctx *ctx, const struct vxoff__knob *k, const char *text)
{
	union vxoff__req_buf rb = {.buf = {0}};
	struct nlmsghdr *nlh;
	unsigned long long n;
	uint16_t family;
	char what[96];
	int r;

	r = napi_family(ctx, k, NETDEV_CMD_NAPI_SET, &family);
	if (r < 0)
		return r;
	n = strtoull(text, NULL, 10);
	nlh = vxoff__genl_put(rb.buf, family, NETDEV_CMD_NAPI_SET, NETDEV_FAMILY_VERSION, 0);
	mnl_attr_put_u32(nlh, NETDEV_A_NAPI_ID, (uint32_t)k->index);
	if (k->kind == VXOFF_KNOB_NAPI_THREADED)
		mnl_attr_put_u32(nlh, NETDEV_A_NAPI_THREADED, (uint32_t)n);
	else if (k->kind == VXOFF_KNOB_DEFER_HARD_IRQS)
		mnl_attr_put_u32(nlh, NETDEV_A_NAPI_DEFER_HARD_IRQS, (uint32_t)n);
	else
		mnl_attr_put_u64(nlh, NETDEV_A_NAPI_GRO_FLUSH_TIMEOUT, (uint64_t)n);
	snprintf(what, sizeof(what), "netdev NAPI_SET of NAPI %d", k->index);
	return vxoff__nl_request(ctx, VXOFF__NL_GENL, nlh, NULL, what);
}

/* ---- IRQs ---- */

/* The IRQ behind an IRQ_AFFINITY knob: found again from the queue, else the saved number. */
static int knob_irq(struct vxoff_ctx *ctx, const struct vxoff__knob *k, uint32_t *irq)
{
	char d[160];
	int r;

	if (k->dev && k->key) {
		r = vxoff__queue_irq(ctx, k->dev, k->key, irq);
		if (r == 0)
			return 0;
		if (r != -ENOENT)
			return r;
	}
	if (k->index >= 0) {
		vxoff__err_clear(ctx);
		*irq = (uint32_t)k->index;
		return 0;
	}
	return vxoff__err(ctx, -EOPNOTSUPP, VXOFF_REASON_KERNEL, "%s: the queue has no IRQ",
			  vxoff__knob_describe(k, d, sizeof(d)));
}

static int irq_read(struct vxoff_ctx *ctx, const struct vxoff__knob *k, uint32_t irq,
		    const char *file, char **value)
{
	struct fs_job *j = calloc(1, sizeof(*j));
	char rel[64];
	int r;

	if (!j)
		return -ENOMEM;
	snprintf(rel, sizeof(rel), "irq/%u/%s", irq, file);
	j->rel = rel;
	r = fs_run(ctx, FS_PROC, j);
	if (r == 0 && j->len < 0)
		r = io_err(ctx, k, j, (int)j->len, false);
	if (r == 0)
		r = canonical(VXOFF_KNOB_IRQ_AFFINITY, j->buf, value);
	free(j);
	return r;
}

/* ---- reading ---- */

int vxoff__knob_read_fs(struct vxoff_ctx *ctx, const struct vxoff__knob *k, char **value)
{
	struct fs_job *j;
	enum fs_root root;
	char rel[PATH_MAX], d[160];
	int r;

	if (k->kind == VXOFF_KNOB_IRQ_AFFINITY) {
		uint32_t irq;

		r = knob_irq(ctx, k, &irq);
		return r < 0 ? r : irq_read(ctx, k, irq, "smp_affinity_list", value);
	}
	if (per_napi(k)) {
		struct napi_vals v;

		r = napi_get(ctx, k, &v);
		return r < 0 ? r : napi_value(ctx, k, &v, value);
	}
	if (k->kind != VXOFF_KNOB_SYSCTL && !valid_dev(k->dev))
		return vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG,
				  "%s: '%s' is not an interface name",
				  vxoff__knob_describe(k, d, sizeof(d)), k->dev ? k->dev : "");
	if (knob_file(k, rel, sizeof(rel), &root) < 0)
		return vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG, "%s: not a file knob",
				  vxoff__knob_describe(k, d, sizeof(d)));
	j = calloc(1, sizeof(*j));
	if (!j)
		return -ENOMEM;
	j->rel = rel;
	j->dev = root == FS_SYS ? k->dev : NULL;
	r = fs_run(ctx, root, j);
	if (r == 0 && j->len < 0)
		r = io_err(ctx, k, j, (int)j->len, false);
	if (r == 0 && (size_t)j->len >= sizeof(j->buf) - 1)
		r = vxoff__err(ctx, -EPROTO, VXOFF_REASON_MALFORMED, "%s: longer than %zu bytes",
			       j->path, sizeof(j->buf) - 1);
	if (r == 0) {
		r = canonical(k->kind, j->buf, value);
		if (r == -EPROTO)
			r = vxoff__err(ctx, -EPROTO, VXOFF_REASON_MALFORMED,
				       "%s: not a mask: '%.64s'", j->path, j->buf);
	}
	free(j);
	return r;
}

/* ---- writing ---- */

static int mismatch(struct vxoff_ctx *ctx, const struct vxoff__knob *k, const char *now,
		    const char *extra)
{
	char d[160];

	return vxoff__err(ctx, -EIO, VXOFF_REASON_KERNEL, "%s: wrote '%s' but '%s' is in effect%s",
			  vxoff__knob_describe(k, d, sizeof(d)), k->value, now, extra ? extra : "");
}

/* CPUs that are offline or beyond this machine's are refused before anything is written. */
static int check_cpus(struct vxoff_ctx *ctx, const struct vxoff__knob *k)
{
	char d[160];

	if (k->kind != VXOFF_KNOB_IRQ_AFFINITY && k->kind != VXOFF_KNOB_RPS_CPUS &&
	    k->kind != VXOFF_KNOB_XPS_CPUS)
		return 0;
	return vxoff__cpus_check_online(ctx, k->value, vxoff__knob_describe(k, d, sizeof(d)));
}

static int write_irq(struct vxoff_ctx *ctx, const struct vxoff__knob *k)
{
	struct fs_job *j;
	char rel[64], *list = NULL, *now = NULL, *eff = NULL;
	uint32_t irq;
	int r;

	r = vxoff_cpulist_normalize(k->value, &list);
	if (r < 0 || !*list) {
		free(list);
		return vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG,
				  "IRQ affinity of %s %s: '%s' is not a non-empty CPU list",
				  k->dev ? k->dev : "?", k->key ? k->key : "?", k->value);
	}
	r = knob_irq(ctx, k, &irq);
	if (r < 0)
		goto out;
	j = calloc(1, sizeof(*j));
	if (!j) {
		r = -ENOMEM;
		goto out;
	}
	snprintf(rel, sizeof(rel), "irq/%u/smp_affinity_list", irq);
	j->rel = rel;
	j->text = list;
	r = fs_run(ctx, FS_PROC, j);
	if (r == 0 && j->werr)
		r = io_err(ctx, k, j, j->werr, true);
	free(j);
	if (r < 0)
		goto out;
	r = irq_read(ctx, k, irq, "smp_affinity_list", &now);
	if (r < 0)
		goto out;
	/* effective_affinity is what the interrupt controller targets (x86: one CPU) */
	if (irq_read(ctx, k, irq, "effective_affinity_list", &eff) < 0) {
		vxoff__err_clear(ctx);
		eff = NULL;
	}
	if (!vxoff__knob_value_eq(VXOFF_KNOB_IRQ_AFFINITY, now, list)) {
		char extra[128];

		snprintf(extra, sizeof(extra), " (IRQ %u, effective %s)", irq, eff ? eff : "?");
		r = mismatch(ctx, k, now, extra);
		goto out;
	}
	if (eff && *eff) {
		uint64_t *want = calloc((size_t)2 * (VXOFF__CPU_LIMIT / 64), sizeof(uint64_t));
		bool inside = true;

		if (want && vxoff__cpulist_parse_ex(list, want, VXOFF__CPU_LIMIT, NULL) == 0 &&
		    vxoff__cpulist_parse_ex(eff, want + VXOFF__CPU_LIMIT / 64, VXOFF__CPU_LIMIT,
					NULL) == 0)
			for (uint32_t w = 0; w < VXOFF__CPU_LIMIT / 64; w++)
				if (want[VXOFF__CPU_LIMIT / 64 + w] & ~want[w])
					inside = false;
		free(want);
		/* some controllers move the IRQ at its next interrupt: say so, not fail */
		if (!inside)
			vxoff__warn(
				ctx, VXOFF_WARN_ADJUSTED, "irq_affinity", 0, 0,
				"IRQ %u of %s %s: affinity %s set, but it still fires on CPU %s "
				"(moves at its next interrupt)",
				irq, k->dev ? k->dev : "?", k->key ? k->key : "?", list, eff);
	}
	r = 0;
out:
	free(list);
	free(now);
	free(eff);
	return r;
}

static int write_napi(struct vxoff_ctx *ctx, const struct vxoff__knob *k, const char *text)
{
	struct napi_vals v;
	char *now = NULL;
	int r = napi_set(ctx, k, text);

	if (r < 0)
		return r;
	r = napi_get(ctx, k, &v);
	if (r == 0)
		r = napi_value(ctx, k, &v, &now);
	if (r == 0 && !vxoff__knob_value_eq(k->kind, now, text))
		r = mismatch(ctx, k, now, NULL);
	free(now);
	return r;
}

static int sysctl_allowed(struct vxoff_ctx *ctx, const struct vxoff__knob *k, const char *rel)
{
	struct fs_job *j;
	int r;

	if (!vxoff__sysctl_is_netns(k->key))
		return vxoff__err(ctx, -EOPNOTSUPP, VXOFF_REASON_ARG,
				  "sysctl %s is global, not per network namespace: not written "
				  "(it would change every namespace)",
				  k->key);
	/* this kernel may still keep it global: then it is absent or read-only here */
	j = calloc(1, sizeof(*j));
	if (!j)
		return -ENOMEM;
	j->rel = rel;
	r = fs_run(ctx, FS_PROC_NET, j);
	if (r == 0 && j->len < 0)
		r = vxoff__err(ctx, -EOPNOTSUPP, VXOFF_REASON_KERNEL,
			       "sysctl %s: not in this namespace (%s)", k->key,
			       strerror((int)-j->len));
	else if (r == 0 && !(j->mode & 0222))
		r = vxoff__err(ctx, -EOPNOTSUPP, VXOFF_REASON_KERNEL,
			       "sysctl %s is read-only in this namespace (global in this kernel)",
			       k->key);
	free(j);
	return r;
}

int vxoff__knob_write_fs(struct vxoff_ctx *ctx, const struct vxoff__knob *k)
{
	struct fs_job *j = NULL;
	enum fs_root root;
	char rel[PATH_MAX], d[160], *text = NULL, *now = NULL;
	int r;

	if (k->kind == VXOFF_KNOB_IRQ_AFFINITY) {
		r = check_cpus(ctx, k);
		return r < 0 ? r : write_irq(ctx, k);
	}
	if (k->kind != VXOFF_KNOB_SYSCTL && !valid_dev(k->dev))
		return vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG,
				  "%s: '%s' is not an interface name",
				  vxoff__knob_describe(k, d, sizeof(d)), k->dev ? k->dev : "");
	if (!per_napi(k) && knob_file(k, rel, sizeof(rel), &root) < 0)
		return vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG, "%s: not a file knob",
				  vxoff__knob_describe(k, d, sizeof(d)));
	r = file_text(ctx, k, &text);
	if (r < 0)
		return r;
	r = check_cpus(ctx, k);
	if (r < 0)
		goto out;
	if (per_napi(k)) {
		r = write_napi(ctx, k, text);
		goto out;
	}
	if (k->kind == VXOFF_KNOB_SYSCTL) {
		r = sysctl_allowed(ctx, k, rel);
		if (r < 0)
			goto out;
	}
	j = calloc(1, sizeof(*j));
	if (!j) {
		r = -ENOMEM;
		goto out;
	}
	j->rel = rel;
	j->text = text;
	j->dev = root == FS_SYS ? k->dev : NULL;
	r = fs_run(ctx, root, j);
	if (r < 0)
		goto out;
	if (j->werr) {
		r = io_err(ctx, k, j, j->werr, true);
		goto out;
	}
	if (j->len < 0) {
		r = io_err(ctx, k, j, (int)j->len, false);
		goto out;
	}
	r = canonical(k->kind, j->buf, &now);
	if (r == -EPROTO)
		r = vxoff__err(ctx, -EPROTO, VXOFF_REASON_MALFORMED, "%s: not a mask: '%.64s'",
			       j->path, j->buf);
	if (r == 0 && !vxoff__knob_value_eq(k->kind, now, k->value))
		r = mismatch(ctx, k, now, NULL);
out:
	free(j);
	free(text);
	free(now);
	return r;
}

/* ---- the IRQ of a queue ---- */

/* Action names of /proc/interrupts that belong to queue n of dev, best first. */
static int irq_name_rank(const char *name, const char *dev, const char *type, uint32_t n,
			 bool own_irq)
{
	char want[64];
	const char *p;

	snprintf(want, sizeof(want), "%s-TxRx-%u", dev, n);
	if (!strcasecmp(name, want))
		return 1;
	if (strcmp(type, "tx")) {
		snprintf(want, sizeof(want), "%s-rx-%u", dev, n);
		if (!strcmp(name, want))
			return 2;
	}
	if (strcmp(type, "rx")) {
		snprintf(want, sizeof(want), "%s-tx-%u", dev, n);
		if (!strcmp(name, want))
			return 2;
	}
	snprintf(want, sizeof(want), "%s-%u", dev, n);
	if (!strcmp(name, want))
		return 3;
	if (!own_irq) /* names without the device's name: only among its own MSI vectors */
		return 0;
	/* mlx4-3@pci:0000:04:00.0, mlx5_comp3@pci:... */
	snprintf(want, sizeof(want), "mlx4-%u@", n);
	if (!strncmp(name, want, strlen(want)))
		return 4;
	snprintf(want, sizeof(want), "mlx5_comp%u@", n);
	if (!strncmp(name, want, strlen(want)))
		return 4;
	/* virtio0-input.3 / virtio0-output.3 */
	p = strchr(name, '-');
	if (!strncmp(name, "virtio", 6) && p) {
		snprintf(want, sizeof(want), "-%s.%u", strcmp(type, "tx") ? "input" : "output", n);
		if (!strcmp(p, want))
			return 4;
	}
	return 0;
}

struct msi_job {
	const char *dev;
	uint32_t *irqs;
	uint32_t n, cap;
	int err;
};

/* The device's MSI vectors from sysfs (device/msi_irqs, or the parent's for virtio). */
static int msi_cb(void *arg, const char *sysroot)
{
	static const char *const where[] = {"device/msi_irqs", "device/../msi_irqs"};
	struct msi_job *m = arg;
	char path[PATH_MAX];

	for (size_t w = 0; w < 2 && !m->n; w++) {
		struct dirent *e;
		DIR *d;

		snprintf(path, sizeof(path), "%s/class/net/%s/%s", sysroot, m->dev, where[w]);
		d = opendir(path);
		if (!d)
			continue;
		/* cppcheck-suppress readdirCalled ; this DIR is ours alone */
		while ((e = readdir(d))) {
			uint32_t *v;

			if (!isdigit((unsigned char)e->d_name[0]))
				continue;
			v = vxoff__grow(m->irqs, &m->cap, m->n, sizeof(*v));
			if (!v) {
				m->err = -ENOMEM;
				break;
			}
			m->irqs = v;
			m->irqs[m->n++] = (uint32_t)strtoul(e->d_name, NULL, 10);
		}
		closedir(d);
	}
	return 0;
}

int vxoff__queue_irq_procfs(struct vxoff_ctx *ctx, const char *dev, const char *key, uint32_t *irq)
{
	struct msi_job m = {.dev = dev};
	char path[PATH_MAX], *line = NULL;
	size_t cap = 0;
	const char *type;
	uint32_t n;
	int best = 0, r;
	FILE *f;

	if (!valid_dev(dev) || !key_queue(key, &type, &n))
		return vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG,
				  "'%s' of '%s' is not a queue (rx-N, tx-N or combined-N)",
				  key ? key : "", dev ? dev : "");
	r = vxoff__with_sysfs(ctx, msi_cb, &m);
	if (r < 0 || m.err) {
		free(m.irqs);
		return r < 0 ? r : m.err;
	}
	snprintf(path, sizeof(path), "%s/interrupts", vxoff__ctx_procfs_root(ctx));
	f = fopen(path, "re");
	if (!f) {
		r = -errno;
		free(m.irqs);
		return vxoff__err(ctx, r, VXOFF_REASON_SYSTEM, "reading %s: %s", path,
				  strerror(-r));
	}
	while (getline(&line, &cap, f) > 0) {
		char *colon, *end, *name;
		unsigned long no;
		bool own = false;
		size_t len;
		int rank;

		/* "  45:   0  12  IR-PCI-MSI 524288-edge  eth0-TxRx-0" */
		no = strtoul(line, &end, 10);
		colon = end;
		if (end == line || *colon != ':')
			continue;
		len = strlen(line);
		while (len && isspace((unsigned char)line[len - 1]))
			line[--len] = '\0';
		name = strrchr(line, ' ');
		name = name ? name + 1 : colon + 1;
		for (uint32_t i = 0; i < m.n; i++)
			own |= m.irqs[i] == no;
		rank = irq_name_rank(name, dev, type, n, own);
		if (rank && (!best || rank < best)) {
			best = rank;
			*irq = (uint32_t)no;
		}
	}
	free(line);
	fclose(f);
	free(m.irqs);
	if (!best)
		return vxoff__err(ctx, -ENOENT, VXOFF_REASON_KERNEL,
				  "%s %s: no IRQ in %s (virtual devices have none)", dev, key,
				  path);
	return 0;
}

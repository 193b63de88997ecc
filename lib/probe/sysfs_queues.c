/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * Per-queue RPS/XPS settings and the device-wide NAPI knobs from sysfs, for any number of
 * devices inside one vxoff__with_sysfs() call: one helper thread and one sysfs mount per call,
 * not per device. Only the files we report are opened; the queues/ directory is listed only
 * when the queues item did not give us the queues.
 *
 * The helper thread only reads files and fills the devinfos; outcomes are kept aside and turned
 * into item states by the calling thread afterwards, so the context (and the caller's log
 * callback) is never used from the helper thread.
 */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "probe_internal.h"

/* A CPU mask of 8192 CPUs (NR_CPUS on MAXSMP) is 256 groups of 9 bytes. */
#define MASK_BUF 4096

struct sq_res {
	int err;	/* why the item is UNKNOWN; 0 = YES */
	char *msg;	/* heap */
	bool matched;	/* sysfs has the device, with our ifindex */
	bool foreign;	/* sysfs lacks the device or has another ifindex for it */
	bool listed;	/* its queue list came from sysfs */
};

struct sq_job {
	struct vxoff_devinfo **devs;
	uint32_t count;
	struct sq_res *res;
	int fatal; /* -ENOMEM: give up on the whole call */
	struct sq_res *cur;
	int dfd;	     /* the current device's directory: one path walk per device */
	char path[PATH_MAX]; /* its path, for messages */
	char buf[MASK_BUF];
};

static void dev_fail(struct sq_job *j, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Record the first error of the current device; later ones add nothing new. */
static void dev_fail(struct sq_job *j, int err, const char *fmt, ...)
{
	char line[PATH_MAX + 256];
	va_list ap;

	if (j->cur->err)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	j->cur->msg = strdup(line);
	if (!j->cur->msg)
		j->fatal = -ENOMEM;
	j->cur->err = err;
}

/*
 * Read rel under the device's directory into j->buf, trailing newline dropped. Return its
 * length or -errno. sysfs hands over a whole attribute in one read ending in '\n', so a short
 * read with that ending is the end: open, read, close and no fourth syscall per file.
 */
static ssize_t read_rel(struct sq_job *j, const char *rel)
{
	return vxoff__read_fileat(j->dfd, rel, j->buf, sizeof(j->buf));
}

/* A file a device or kernel may simply not have: not an error, the value is absent. */
static bool absent(int err)
{
	return err == -ENOENT || err == -EOPNOTSUPP;
}

/* Read rel as an unsigned decimal number. Return 1 read, 0 absent, -1 error (recorded). */
static int get_u64(struct sq_job *j, const char *rel, uint64_t *v)
{
	ssize_t n = read_rel(j, rel);
	unsigned long long u;
	char *end;

	if (n < 0) {
		if (absent((int)n))
			return 0;
		dev_fail(j, (int)n, "reading %s/%s: %s", j->path, rel, strerror((int)-n));
		return -1;
	}
	errno = 0;
	u = strtoull(j->buf, &end, 10);
	if (!n || j->buf[0] < '0' || j->buf[0] > '9' || errno || *end) {
		dev_fail(j, -EPROTO, "%s/%s: not an unsigned number: '%.64s'", j->path, rel,
			 j->buf);
		return -1;
	}
	*v = u;
	return 1;
}

/* Read rel, a hex mask, as a list ("" = none). Return 1 read, 0 absent, -1 error. */
static int get_mask(struct sq_job *j, const char *rel, char **list)
{
	ssize_t n = read_rel(j, rel);
	int r;

	if (n < 0) {
		if (absent((int)n))
			return 0;
		dev_fail(j, (int)n, "reading %s/%s: %s", j->path, rel, strerror((int)-n));
		return -1;
	}
	if ((size_t)n >= sizeof(j->buf) - 1) {
		dev_fail(j, -EPROTO, "%s/%s: mask longer than %d bytes", j->path, rel,
			 MASK_BUF - 1);
		return -1;
	}
	free(*list);
	*list = NULL;
	/* "" is what an empty mask would read as; "0" (the kernel's way) becomes "" below */
	r = n ? vxoff__mask_to_cpulist(j->buf, list) : ((*list = strdup("")) ? 0 : -ENOMEM);
	if (r == -ENOMEM) {
		j->fatal = -ENOMEM;
		return -1;
	}
	if (r < 0) {
		dev_fail(j, -EPROTO, "%s/%s: not a hex mask: '%.64s'", j->path, rel, j->buf);
		return -1;
	}
	return 1;
}

static void read_queue(struct sq_job *j, const struct vxoff_devinfo *di, struct vxoff__queue *q)
{
	const char *dir = q->q.type == VXOFF_QUEUE_RX ? "rx" : "tx";
	char rel[64];
	uint64_t v;

	q->q.present &= ~(VXOFF_QUEUE_HAS_RPS | VXOFF_QUEUE_HAS_XPS_CPUS |
			  VXOFF_QUEUE_HAS_XPS_RXQS);
	q->q.rps_flow_cnt = 0;
	if (q->q.type == VXOFF_QUEUE_RX) {
		snprintf(rel, sizeof(rel), "queues/%s-%u/rps_cpus", dir, q->q.id);
		if (get_mask(j, rel, &q->rps_cpus) > 0)
			q->q.present |= VXOFF_QUEUE_HAS_RPS;
		snprintf(rel, sizeof(rel), "queues/%s-%u/rps_flow_cnt", dir, q->q.id);
		if (get_u64(j, rel, &v) > 0)
			q->q.rps_flow_cnt = v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
		return;
	}
	/*
	 * A device with a single TX queue (vxlan, bridge, tun) has no XPS by CPU: the file
	 * exists but reading it fails with ENOENT. Skip the three syscalls when the link says
	 * so: a tenth of the time with 1000 vxlan devices.
	 */
	if (!(di->link.present & VXOFF_LINK_HAS_QUEUES) || di->link.num_tx_queues > 1) {
		snprintf(rel, sizeof(rel), "queues/%s-%u/xps_cpus", dir, q->q.id);
		if (get_mask(j, rel, &q->xps_cpus) > 0)
			q->q.present |= VXOFF_QUEUE_HAS_XPS_CPUS;
	}
	snprintf(rel, sizeof(rel), "queues/%s-%u/xps_rxqs", dir, q->q.id);
	if (get_mask(j, rel, &q->xps_rxqs) > 0)
		q->q.present |= VXOFF_QUEUE_HAS_XPS_RXQS;
}

static int by_type_id(const void *a, const void *b)
{
	const struct vxoff__queue *x = a, *y = b;

	if (x->q.type != y->q.type)
		return x->q.type < y->q.type ? -1 : 1;
	return x->q.id < y->q.id ? -1 : x->q.id > y->q.id;
}

/* "rx-12" -> type, id; false for anything else. */
static bool parse_queue_dir(const char *name, uint32_t *type, uint32_t *id)
{
	unsigned long v;
	char *end;

	if (!strncmp(name, "rx-", 3))
		*type = VXOFF_QUEUE_RX;
	else if (!strncmp(name, "tx-", 3))
		*type = VXOFF_QUEUE_TX;
	else
		return false;
	if (name[3] < '0' || name[3] > '9')
		return false;
	errno = 0;
	v = strtoul(name + 3, &end, 10);
	if (errno || *end || v > UINT32_MAX)
		return false;
	*id = (uint32_t)v;
	return true;
}

/* The queues item did not list this device's queues: take them from queues/. */
static void list_queues(struct sq_job *j, struct vxoff_devinfo *di)
{
	struct vxoff__queue *v = NULL;
	uint32_t n = 0, cap = 0;
	struct dirent *e;
	DIR *d;
	int fd = openat(j->dfd, "queues", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	d = fd < 0 ? NULL : fdopendir(fd);
	if (!d) {
		int err = -errno;

		if (fd >= 0)
			close(fd);
		if (!absent(err))
			dev_fail(j, err, "listing %s/queues: %s", j->path, strerror(-err));
		return;
	}
	/* cppcheck-suppress readdirCalled ; readdir_r() is deprecated; this DIR is ours alone */
	while ((e = readdir(d))) {
		struct vxoff__queue *p;
		uint32_t type, id;

		if (!parse_queue_dir(e->d_name, &type, &id))
			continue;
		p = vxoff__grow(v, &cap, n, sizeof(*p));
		if (!p) {
			j->fatal = -ENOMEM;
			goto out;
		}
		v = p;
		memset(&v[n], 0, sizeof(v[n]));
		v[n].q.sz = sizeof(v[n].q);
		v[n].q.type = type;
		v[n].q.id = id;
		n++;
	}
	if (n)
		qsort(v, n, sizeof(*v), by_type_id);
	di->queues = v;
	di->nqueues = n;
	j->cur->listed = true;
	v = NULL;
out:
	free(v);
	closedir(d);
}

/*
 * `threaded` reads 0 on 6.18 for every device, also one without any NAPI (bridge, tun, lo,
 * veth without GRO/XDP), where writing 1 fails with EOPNOTSUPP. So 0 is reported as off (NO)
 * only when netdev netlink listed NAPIs of the device: the queues item leaves that in
 * napi.threaded (netdev.c); otherwise "off" and "no NAPI" look alike and we say UNKNOWN. This
 * also leaves vxlan UNKNOWN while off: it accepts threaded=1 for its GRO-cell NAPIs, which the
 * kernel does not list.
 */
static uint32_t threaded_cap(uint32_t netdev_view, uint64_t v)
{
	if (v)
		return VXOFF_CAP_YES;
	return netdev_view == VXOFF_CAP_UNKNOWN ? VXOFF_CAP_UNKNOWN : VXOFF_CAP_NO;
}

static void read_dev(struct sq_job *j, struct vxoff_devinfo *di, const char *root)
{
	uint32_t netdev_view = di->napi.threaded;
	uint64_t v;
	int n, r;

	di->napi.threaded = VXOFF_CAP_UNKNOWN;
	di->napi.present = 0;
	di->napi.gro_flush_timeout_ns = 0;
	di->napi.napi_defer_hard_irqs = 0;

	n = snprintf(j->path, sizeof(j->path), "%s/class/net/%s", root, di->ifname);
	if (n < 0 || (size_t)n >= sizeof(j->path)) {
		dev_fail(j, -ENAMETOOLONG, "sysfs root '%s' is too long", root);
		return;
	}
	/* O_PATH: only a base for openat(), nothing is read from the directory itself */
	j->dfd = open(j->path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (j->dfd < 0) {
		r = -errno;
		if (r == -ENOENT) {
			j->cur->foreign = true;
			dev_fail(j, -ENODEV,
				 "%s: no such directory: the sysfs at %s does not show %s (a sysfs "
				 "of another network namespace, or the device is gone)",
				 j->path, root, di->ifname);
		} else {
			dev_fail(j, r, "opening %s: %s", j->path, strerror(-r));
		}
		return;
	}

	/* the sysfs of another namespace may have a device of the same name: check ifindex */
	r = get_u64(j, "ifindex", &v);
	if (r <= 0) {
		if (r == 0) /* absent: no device directory after all */
			dev_fail(j, -ENODEV, "%s/ifindex: absent", j->path);
		goto out;
	}
	if (v != di->link.ifindex) {
		j->cur->foreign = true;
		dev_fail(j, -ENODEV,
			 "%s is ifindex %llu in the sysfs at %s but %u here: that sysfs shows "
			 "another network namespace; not reading it",
			 di->ifname, (unsigned long long)v, root, di->link.ifindex);
		goto out;
	}
	j->cur->matched = true;

	/* absent on kernels before 5.12 (threaded) or without GRO flush settings */
	r = get_u64(j, "threaded", &v);
	if (r > 0)
		di->napi.threaded = threaded_cap(netdev_view, v);
	if (get_u64(j, "gro_flush_timeout", &v) > 0) {
		di->napi.gro_flush_timeout_ns = v;
		di->napi.present |= VXOFF_NAPI_HAS_GRO_FLUSH_TIMEOUT;
	}
	if (get_u64(j, "napi_defer_hard_irqs", &v) > 0) {
		di->napi.napi_defer_hard_irqs = v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
		di->napi.present |= VXOFF_NAPI_HAS_DEFER_HARD_IRQS;
	}

	if (!di->nqueues)
		list_queues(j, di);
	for (uint32_t i = 0; i < di->nqueues && !j->fatal; i++)
		read_queue(j, di, &di->queues[i]);
out:
	close(j->dfd);
	j->dfd = -1;
}

/* Drop what read_dev() took from a sysfs that turned out not to be the device's. */
static void forget(struct vxoff_devinfo *di, bool listed)
{
	di->napi.threaded = VXOFF_CAP_UNKNOWN;
	di->napi.present = 0;
	for (uint32_t i = 0; i < di->nqueues; i++) {
		struct vxoff__queue *q = &di->queues[i];

		q->q.present &= ~(VXOFF_QUEUE_HAS_RPS | VXOFF_QUEUE_HAS_XPS_CPUS |
				  VXOFF_QUEUE_HAS_XPS_RXQS);
		q->q.rps_flow_cnt = 0;
		free(q->rps_cpus);
		free(q->xps_cpus);
		free(q->xps_rxqs);
		q->rps_cpus = q->xps_cpus = q->xps_rxqs = NULL;
	}
	if (listed) {
		free(di->queues);
		di->queues = NULL;
		di->nqueues = 0;
	}
}

/*
 * lo is ifindex 1 in every namespace, so its own check passes in a sysfs of another namespace.
 * When every other device failed the check, that sysfs is foreign: don't trust lo either.
 */
static void check_loopback(struct sq_job *j, const char *root)
{
	uint32_t foreign = 0;

	for (uint32_t d = 0; d < j->count; d++) {
		if (j->res[d].matched && j->devs[d]->link.ifindex != 1)
			return;
		foreign += j->res[d].foreign;
	}
	for (uint32_t d = 0; d < j->count && foreign; d++) {
		if (!j->res[d].matched)
			continue;
		j->cur = &j->res[d];
		free(j->cur->msg);
		j->cur->msg = NULL;
		j->cur->err = 0;
		dev_fail(j, -ENODEV,
			 "the sysfs at %s shows another network namespace (%u other devices "
			 "are missing there or have another ifindex); %s, ifindex 1 in every "
			 "namespace, cannot be told apart: not reading it",
			 root, foreign, j->devs[d]->ifname);
		forget(j->devs[d], j->cur->listed);
	}
}

static int walk(void *arg, const char *root)
{
	struct sq_job *j = arg;

	for (uint32_t d = 0; d < j->count && !j->fatal; d++) {
		j->cur = &j->res[d];
		read_dev(j, j->devs[d], root);
	}
	if (!j->fatal)
		check_loopback(j, root);
	return j->fatal;
}

int vxoff__sysfs_fill(struct vxoff_ctx *ctx, struct vxoff_devinfo **devs, uint32_t count)
{
	struct sq_job *j;
	char *msg = NULL;
	int r;

	if (!count)
		return 0;
	j = calloc(1, sizeof(*j));
	if (!j)
		return -ENOMEM;
	j->res = calloc(count, sizeof(*j->res));
	if (!j->res) {
		r = -ENOMEM;
		goto out;
	}
	j->devs = devs;
	j->count = count;
	r = vxoff__with_sysfs(ctx, walk, j);
	if (r == -ENOMEM)
		goto out;
	if (r < 0) {
		/* no sysfs at all (mount refused, no privilege): the same reason for everyone */
		msg = strdup(vxoff__last_err(ctx) && vxoff__last_msg(ctx) ? vxoff__last_msg(ctx)
									  : strerror(-r));
		if (!msg) {
			r = -ENOMEM;
			goto out;
		}
		for (uint32_t d = 0; d < count; d++) {
			vxoff__err(ctx, r, VXOFF_REASON_SYSTEM, "%s", msg);
			vxoff__item_set(ctx, devs[d], VXOFF_ITEM_SYSFS, r);
			/* the device can't be blamed for our sysfs */
			devs[d]->items[VXOFF_ITEM_SYSFS].cap = VXOFF_CAP_UNKNOWN;
		}
		r = 0;
		goto out;
	}
	for (uint32_t d = 0; d < count; d++) {
		struct sq_res *res = &j->res[d];

		if (res->err)
			vxoff__err(ctx, res->err,
				   res->err == -EPROTO ? VXOFF_REASON_MALFORMED
						       : VXOFF_REASON_SYSTEM,
				   "%s", res->msg ? res->msg : strerror(-res->err));
		vxoff__item_set(ctx, devs[d], VXOFF_ITEM_SYSFS, res->err);
		if (res->err) /* a file we could not read says nothing about the device */
			devs[d]->items[VXOFF_ITEM_SYSFS].cap = VXOFF_CAP_UNKNOWN;
	}
	r = 0;
out:
	free(msg);
	if (j->res)
		for (uint32_t d = 0; d < count; d++)
			free(j->res[d].msg);
	free(j->res);
	free(j);
	return r;
}

/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * Queues and NAPI instances through the netdev generic netlink family (QUEUE_GET and NAPI_GET,
 * kernel 6.8+): one QUEUE_GET dump and one NAPI_GET dump per call, filtered by ifindex for one
 * device, unfiltered for the whole namespace. Queues are joined to their NAPI through the NAPI
 * id, which is unique system-wide.
 *
 * What this does not invent: the link's IFLA_NUM_RX/TX_QUEUES count the queues the device
 * allocated, not those in use (a veth on 2 CPUs: 2 allocated, 1 in use), so when the kernel
 * cannot list the queues (no netdev family, no QUEUE_GET before 6.8, or a device that is down,
 * which the kernel leaves out of both dumps) the item is UNKNOWN and the queue list stays
 * empty; the sysfs item, when asked for, then lists the queue directories that really exist.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/genetlink.h>

#include "netlink/compat.h"
#include "probe_internal.h"

struct nd_queue {
	uint32_t ifindex;
	uint32_t type; /* NETDEV_QUEUE_TYPE_RX or _TX */
	uint32_t id;
	uint32_t napi_id;
	bool has_napi;
};

struct nd_napi {
	uint32_t id;
	uint32_t ifindex;
	uint32_t present; /* VXOFF_QUEUE_HAS_IRQ, _NAPI_PID, _NAPI_CONFIG */
	uint32_t irq;
	uint32_t pid;
	uint32_t defer_hard_irqs;
	uint64_t gro_flush_timeout_ns;
};

struct nd_dump {
	uint16_t family;
	struct nd_queue *q;
	uint32_t nq, capq;
	struct nd_napi *n;
	uint32_t nn, capn;
};

static int queue_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[VXOFF_NETDEV_A_QUEUE_MAX + 1];
	struct nd_dump *d = data;
	struct nd_queue q = { 0 }, *v;

	if (nlh->nlmsg_type != d->family)
		return 0;
	if (vxoff__attr_parse_msg(nlh, GENL_HDRLEN, tb, VXOFF_NETDEV_A_QUEUE_MAX) < 0)
		return -EPROTO;
	/* the kernel always sends these three: without them the message is not a queue */
	if (!tb[NETDEV_A_QUEUE_ID] || !tb[NETDEV_A_QUEUE_IFINDEX] || !tb[NETDEV_A_QUEUE_TYPE] ||
	    vxoff__attr_u32(tb[NETDEV_A_QUEUE_ID], &q.id) < 0 ||
	    vxoff__attr_u32(tb[NETDEV_A_QUEUE_IFINDEX], &q.ifindex) < 0 ||
	    vxoff__attr_u32(tb[NETDEV_A_QUEUE_TYPE], &q.type) < 0)
		return -EPROTO;
	if (q.type != NETDEV_QUEUE_TYPE_RX && q.type != NETDEV_QUEUE_TYPE_TX)
		return 0; /* a queue type newer than this library */
	if (tb[NETDEV_A_QUEUE_NAPI_ID]) {
		if (vxoff__attr_u32(tb[NETDEV_A_QUEUE_NAPI_ID], &q.napi_id) < 0)
			return -EPROTO;
		q.has_napi = true;
	}
	v = vxoff__grow(d->q, &d->capq, d->nq, sizeof(*v));
	if (!v)
		return -ENOMEM;
	d->q = v;
	d->q[d->nq++] = q;
	return 0;
}

static int napi_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[VXOFF_NETDEV_A_NAPI_MAX + 1];
	struct nd_dump *d = data;
	struct nd_napi n = { 0 }, *v;
	uint32_t threaded = 1;

	if (nlh->nlmsg_type != d->family)
		return 0;
	if (vxoff__attr_parse_msg(nlh, GENL_HDRLEN, tb, VXOFF_NETDEV_A_NAPI_MAX) < 0)
		return -EPROTO;
	if (!tb[NETDEV_A_NAPI_ID] || !tb[NETDEV_A_NAPI_IFINDEX] ||
	    vxoff__attr_u32(tb[NETDEV_A_NAPI_ID], &n.id) < 0 ||
	    vxoff__attr_u32(tb[NETDEV_A_NAPI_IFINDEX], &n.ifindex) < 0)
		return -EPROTO;
	if (tb[NETDEV_A_NAPI_IRQ]) {
		if (vxoff__attr_u32(tb[NETDEV_A_NAPI_IRQ], &n.irq) < 0)
			return -EPROTO;
		n.present |= VXOFF_QUEUE_HAS_IRQ;
	}
	if (tb[NETDEV_A_NAPI_THREADED] &&
	    vxoff__attr_u32(tb[NETDEV_A_NAPI_THREADED], &threaded) < 0)
		return -EPROTO;
	if (tb[NETDEV_A_NAPI_PID]) {
		if (vxoff__attr_u32(tb[NETDEV_A_NAPI_PID], &n.pid) < 0)
			return -EPROTO;
		/* 6.17+ says outright whether it is threaded; trust that over a PID alone */
		if (threaded != NETDEV_NAPI_THREADED_DISABLED)
			n.present |= VXOFF_QUEUE_HAS_NAPI_PID;
	}
	/* per-NAPI config came in one release (6.13): both or neither */
	if (tb[NETDEV_A_NAPI_DEFER_HARD_IRQS] && tb[NETDEV_A_NAPI_GRO_FLUSH_TIMEOUT]) {
		if (vxoff__attr_u32(tb[NETDEV_A_NAPI_DEFER_HARD_IRQS], &n.defer_hard_irqs) < 0 ||
		    vxoff__attr_uint(tb[NETDEV_A_NAPI_GRO_FLUSH_TIMEOUT],
				     &n.gro_flush_timeout_ns) < 0)
			return -EPROTO;
		n.present |= VXOFF_QUEUE_HAS_NAPI_CONFIG;
	}
	v = vxoff__grow(d->n, &d->capn, d->nn, sizeof(*v));
	if (!v)
		return -ENOMEM;
	d->n = v;
	d->n[d->nn++] = n;
	return 0;
}

static void queue_reset(void *data)
{
	((struct nd_dump *)data)->nq = 0;
}

static void napi_reset(void *data)
{
	((struct nd_dump *)data)->nn = 0;
}

static int by_ifindex_type_id(const void *a, const void *b)
{
	const struct nd_queue *x = a, *y = b;

	if (x->ifindex != y->ifindex)
		return x->ifindex < y->ifindex ? -1 : 1;
	if (x->type != y->type) /* RX (0) before TX (1) */
		return x->type < y->type ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

static int by_napi_id(const void *a, const void *b)
{
	const struct nd_napi *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/* First queue of ifindex in the sorted array (or nq). */
static uint32_t first_queue(const struct nd_dump *d, uint32_t ifindex)
{
	uint32_t lo = 0, hi = d->nq;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (d->q[mid].ifindex < ifindex)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void free_queues(struct vxoff_devinfo *di)
{
	for (uint32_t i = 0; i < di->nqueues; i++) {
		free(di->queues[i].rps_cpus);
		free(di->queues[i].xps_cpus);
		free(di->queues[i].xps_rxqs);
	}
	free(di->queues);
	di->queues = NULL;
	di->nqueues = 0;
}

/* Give di the n queues at q, with what their NAPI says. */
static int build_queues(struct vxoff_devinfo *di, const struct nd_queue *q, uint32_t n,
			const struct nd_dump *d)
{
	struct vxoff__queue *v = calloc(n, sizeof(*v));

	if (!v)
		return -ENOMEM;
	for (uint32_t i = 0; i < n; i++) {
		struct vxoff_queue_info *qi = &v[i].q;
		const struct nd_napi *napi;
		struct nd_napi key = { .id = q[i].napi_id };

		qi->sz = sizeof(*qi);
		qi->type = q[i].type == NETDEV_QUEUE_TYPE_RX ? VXOFF_QUEUE_RX : VXOFF_QUEUE_TX;
		qi->id = q[i].id;
		if (!q[i].has_napi)
			continue;
		qi->present |= VXOFF_QUEUE_HAS_NAPI;
		qi->napi_id = q[i].napi_id;
		napi = d->nn ? bsearch(&key, d->n, d->nn, sizeof(*d->n), by_napi_id) : NULL;
		if (!napi)
			continue; /* NAPI dump failed, or the NAPI went away in between */
		qi->present |= napi->present;
		qi->irq = napi->irq;
		qi->napi_pid = napi->pid;
		qi->defer_hard_irqs = napi->defer_hard_irqs;
		qi->gro_flush_timeout_ns = napi->gro_flush_timeout_ns;
	}
	free_queues(di);
	di->queues = v;
	di->nqueues = n;
	return 0;
}

static int dev_by_ifindex(const void *key, const void *elem)
{
	uint32_t k = *(const uint32_t *)key;
	uint32_t v = (*(struct vxoff_devinfo *const *)elem)->link.ifindex;

	return k < v ? -1 : k > v;
}

/*
 * Drivers need not link queues to NAPIs (veth with GRO has one NAPI per RX queue, yet its
 * queues carry no NAPI id), so whether a device has NAPIs at all is only in the NAPI dump.
 * It goes into napi.threaded, the field it is evidence for: YES if a NAPI runs in a kthread,
 * NO if the device has NAPIs and none does, UNKNOWN if the kernel listed none. The sysfs item
 * reads the device-wide `threaded` knob and needs it to tell "off" from "no NAPI" (see
 * sysfs_queues.c); without the sysfs item vxoff_devinfo_napi() does not show it.
 */
static void napi_presence(struct vxoff_devinfo **devs, uint32_t count, const struct nd_dump *d)
{
	for (uint32_t i = 0; i < d->nn; i++) {
		struct vxoff_devinfo **p = bsearch(&d->n[i].ifindex, devs, count, sizeof(*devs),
						   dev_by_ifindex);

		if (!p)
			continue;
		if (d->n[i].present & VXOFF_QUEUE_HAS_NAPI_PID)
			(*p)->napi.threaded = VXOFF_CAP_YES;
		else if ((*p)->napi.threaded == VXOFF_CAP_UNKNOWN)
			(*p)->napi.threaded = VXOFF_CAP_NO;
	}
}

/* Errors that end the whole probe rather than one item. */
static bool fatal(int err)
{
	return err == -ENOMEM || err == -ENOTRECOVERABLE || err == -ECHILD;
}

/*
 * Record err for the item of every device, each with the context's current message. A kernel
 * without the family or the command is UNKNOWN, not NO: NO would say the device can't.
 */
static int mark_all(struct vxoff_ctx *ctx, struct vxoff_devinfo **devs, uint32_t count, int err,
		    bool kernel_lacks)
{
	char *msg = NULL;

	if (vxoff__last_err(ctx) && vxoff__last_msg(ctx)) {
		msg = strdup(vxoff__last_msg(ctx));
		if (!msg)
			return -ENOMEM;
	}
	for (uint32_t i = 0; i < count; i++) {
		free_queues(devs[i]);
		if (msg)
			vxoff__err(ctx, err, VXOFF_REASON_NONE, "%s", msg);
		vxoff__item_set(ctx, devs[i], VXOFF_ITEM_QUEUES, err);
		if (kernel_lacks)
			devs[i]->items[VXOFF_ITEM_QUEUES].cap = VXOFF_CAP_UNKNOWN;
	}
	free(msg);
	return 0;
}

/* A device the dump did not list: say why, invent nothing (see the top of this file). */
static void mark_absent(struct vxoff_ctx *ctx, struct vxoff_devinfo *di)
{
	free_queues(di);
	if (!(di->link.flags & IFF_UP)) {
		vxoff__err(ctx, -ENETDOWN, VXOFF_REASON_KERNEL,
			   "%s is down: the kernel lists queues and NAPIs of devices that are up",
			   di->ifname);
		vxoff__item_set(ctx, di, VXOFF_ITEM_QUEUES, -ENETDOWN);
		return;
	}
	vxoff__err(ctx, -ENOENT, VXOFF_REASON_KERNEL,
		   "%s is not in the kernel's queue list (it changed during the probe?)",
		   di->ifname);
	vxoff__item_set(ctx, di, VXOFF_ITEM_QUEUES, -ENOENT);
}

/*
 * Fill the queues item of devs (sorted by ifindex, as a devlist is). ifindex 0: dump the whole
 * namespace; else only that device, devs[0].
 */
static int fill(struct vxoff_ctx *ctx, struct vxoff_devinfo **devs, uint32_t count,
		uint32_t ifindex)
{
	union vxoff__req_buf rb = { .buf = { 0 } };
	struct nd_dump d = { 0 };
	struct vxoff__nl_handler hq = {
		.msg = queue_cb, .reset = queue_reset, .data = &d, .hdrlen = GENL_HDRLEN
	};
	struct vxoff__nl_handler hn = {
		.msg = napi_cb, .reset = napi_reset, .data = &d, .hdrlen = GENL_HDRLEN
	};
	struct nlmsghdr *nlh;
	uint64_t ops = 0;
	char what[96], *napi_msg = NULL;
	int fam, r, napi_err = 0;

	if (!count)
		return 0;
	fam = vxoff__genl_family(ctx, NETDEV_FAMILY_NAME, &ops);
	if (fam < 0) {
		if (fatal(fam))
			return fam;
		/* < 6.3: no family at all; the message says so */
		return mark_all(ctx, devs, count, fam, fam == -EOPNOTSUPP);
	}
	d.family = (uint16_t)fam;
	/* ops is 0 when the kernel listed none (or a replay): then ask and see */
	if (ops && !(ops & (1ull << NETDEV_CMD_QUEUE_GET))) {
		vxoff__err(ctx, -EOPNOTSUPP, VXOFF_REASON_NO_FAMILY,
			   "this kernel's netdev family has no QUEUE_GET (needs 6.8)");
		return mark_all(ctx, devs, count, -EOPNOTSUPP, true);
	}

	nlh = vxoff__genl_put(rb.buf, d.family, NETDEV_CMD_QUEUE_GET, NETDEV_FAMILY_VERSION,
			      NLM_F_DUMP);
	if (ifindex) {
		mnl_attr_put_u32(nlh, NETDEV_A_QUEUE_IFINDEX, ifindex);
		snprintf(what, sizeof(what), "netdev QUEUE_GET on %s", devs[0]->ifname);
	} else {
		snprintf(what, sizeof(what), "dumping queues (netdev QUEUE_GET)");
	}
	r = vxoff__nl_request(ctx, VXOFF__NL_GENL, nlh, &hq, what);
	if (r < 0) {
		if (fatal(r))
			goto out;
		if (r == -EOPNOTSUPP)
			vxoff__err_prefix(ctx, r, "this kernel has no QUEUE_GET (needs 6.8)");
		r = mark_all(ctx, devs, count, r, r == -EOPNOTSUPP);
		goto out;
	}

	if (!d.nq) /* nothing up (down devices are not listed): no NAPIs either */
		goto join;
	nlh = vxoff__genl_put(rb.buf, d.family, NETDEV_CMD_NAPI_GET, NETDEV_FAMILY_VERSION,
			      NLM_F_DUMP);
	if (ifindex) {
		mnl_attr_put_u32(nlh, NETDEV_A_NAPI_IFINDEX, ifindex);
		snprintf(what, sizeof(what), "netdev NAPI_GET on %s", devs[0]->ifname);
	} else {
		snprintf(what, sizeof(what), "dumping NAPIs (netdev NAPI_GET)");
	}
	r = vxoff__nl_request(ctx, VXOFF__NL_GENL, nlh, &hn, what);
	if (r < 0) {
		if (fatal(r))
			goto out;
		/*
		 * The queue list is right without its NAPIs: keep it (the sysfs item then reads
		 * the same queues), but the item is not YES since irq/pid/config are missing.
		 */
		d.nn = 0;
		napi_err = r;
		vxoff__err_prefix(ctx, r, "queues listed without NAPI details");
		napi_msg = strdup(vxoff__last_msg(ctx) ? vxoff__last_msg(ctx) : "");
		vxoff__err_clear(ctx);
		if (!napi_msg) {
			r = -ENOMEM;
			goto out;
		}
	}

join:
	if (d.nq) /* qsort(NULL, 0) is undefined */
		qsort(d.q, d.nq, sizeof(*d.q), by_ifindex_type_id);
	if (d.nn)
		qsort(d.n, d.nn, sizeof(*d.n), by_napi_id);
	for (uint32_t i = 0; i < count; i++)
		devs[i]->napi.threaded = VXOFF_CAP_UNKNOWN;
	napi_presence(devs, count, &d);
	for (uint32_t i = 0; i < count; i++) {
		struct vxoff_devinfo *di = devs[i];
		uint32_t a = first_queue(&d, di->link.ifindex), b = a;

		while (b < d.nq && d.q[b].ifindex == di->link.ifindex)
			b++;
		if (a == b) {
			mark_absent(ctx, di);
			continue;
		}
		if (build_queues(di, &d.q[a], b - a, &d) < 0) {
			r = -ENOMEM;
			goto out;
		}
		if (napi_err)
			vxoff__err(ctx, napi_err, VXOFF_REASON_KERNEL, "%s", napi_msg);
		vxoff__item_set(ctx, di, VXOFF_ITEM_QUEUES, napi_err);
		if (napi_err) /* the details are unknown; the device is not to blame */
			di->items[VXOFF_ITEM_QUEUES].cap = VXOFF_CAP_UNKNOWN;
	}
	r = 0;
out:
	free(napi_msg);
	free(d.q);
	free(d.n);
	return r;
}

int vxoff__netdev_fill(struct vxoff_ctx *ctx, struct vxoff_devinfo *di)
{
	return fill(ctx, &di, 1, di->link.ifindex);
}

int vxoff__netdev_fill_all(struct vxoff_ctx *ctx, struct vxoff_devlist *l)
{
	return fill(ctx, l->devs, l->count, 0);
}

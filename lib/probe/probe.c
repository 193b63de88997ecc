/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/* vxoff_probe_device() and vxoff_probe_all(): which sources to ask, in which order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe_internal.h"

#define ALL_ITEMS ((1u << VXOFF_ITEM_COUNT) - 1)

struct vxoff_devinfo *vxoff__devinfo_new(void)
{
	struct vxoff_devinfo *di = calloc(1, sizeof(*di));

	if (di)
		di->napi.threaded = VXOFF_CAP_UNKNOWN;
	return di;
}

void vxoff__strset_put(struct vxoff__strset *s)
{
	if (!s || --s->refs)
		return;
	for (uint32_t i = 0; i < s->count; i++)
		free(s->names[i]);
	free(s->names);
	free(s);
}

void vxoff__devinfo_free(struct vxoff_devinfo *di)
{
	if (!di)
		return;
	for (uint32_t i = 0; i < VXOFF_ITEM_COUNT; i++)
		free(di->items[i].msg);
	vxoff__strset_put(di->fnames);
	free(di->rss_indir);
	free(di->rss_key);
	free(di->tables);
	free(di->ports);
	for (uint32_t i = 0; i < di->nqueues; i++) {
		free(di->queues[i].rps_cpus);
		free(di->queues[i].xps_cpus);
		free(di->queues[i].xps_rxqs);
	}
	free(di->queues);
	free(di->rtext);
	free(di);
}

void vxoff_devinfo_free(struct vxoff_devinfo *di)
{
	vxoff__devinfo_free(di);
}

void vxoff_devlist_free(struct vxoff_devlist *list)
{
	if (!list)
		return;
	for (uint32_t i = 0; i < list->count; i++)
		vxoff__devinfo_free(list->devs[i]);
	free(list->devs);
	free(list);
}

struct vxoff_devinfo *vxoff__devlist_find(const struct vxoff_devlist *l, uint32_t ifindex)
{
	uint32_t lo = 0, hi = l->count;

	while (lo < hi) { /* sorted by ifindex */
		uint32_t mid = lo + (hi - lo) / 2;
		uint32_t v = l->devs[mid]->link.ifindex;

		if (v == ifindex)
			return l->devs[mid];
		if (v < ifindex)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

void vxoff__item_set(struct vxoff_ctx *ctx, struct vxoff_devinfo *di, uint32_t item, int err)
{
	struct vxoff__item *it = &di->items[item];
	const char *m;

	free(it->msg);
	it->msg = NULL;
	it->err = err;
	if (!err) {
		it->cap = VXOFF_CAP_YES;
		return;
	}
	it->cap = err == -EOPNOTSUPP ? VXOFF_CAP_NO : VXOFF_CAP_UNKNOWN;
	m = vxoff__last_err(ctx) ? vxoff__last_msg(ctx) : NULL;
	if (m)
		it->msg = strdup(m);
	else if (err == -EOPNOTSUPP)
		it->msg = strdup("not supported by this device");
	else
		it->msg = strdup(strerror(-err));
	/* a per-item failure is a finding, not the call's error */
	vxoff__err_clear(ctx);
}

bool vxoff__item_ok(const struct vxoff_devinfo *di, uint32_t item)
{
	return di->items[item].cap == VXOFF_CAP_YES;
}

static int copy_opts(struct vxoff_ctx *ctx, const struct vxoff_probe_opts *opts,
		     struct vxoff_probe_opts *o)
{
	int r = vxoff__copy_in(o, sizeof(*o), opts, VXOFF_PROBE_OPTS_SZ_0_1);

	if (r < 0)
		return vxoff__err(ctx, r, VXOFF_REASON_STRUCT_SIZE,
				  "vxoff_probe_opts: %s",
				  r == -EINVAL ? "sz is below the 0.1 size"
					       : "bytes this library does not know are set");
	if (o->flags & ~VXOFF_PROBE_F_NO_VERDICT_PEERS)
		return vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG,
				  "vxoff_probe_opts.flags: unknown bits 0x%x", o->flags);
	if (o->items & ~ALL_ITEMS)
		return vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG,
				  "vxoff_probe_opts.items: unknown item bits 0x%x",
				  o->items & ~ALL_ITEMS);
	if (o->reserved0)
		return vxoff__err(ctx, -E2BIG, VXOFF_REASON_STRUCT_SIZE,
				  "vxoff_probe_opts.reserved0 is not 0");
	if (!o->items)
		o->items = ALL_ITEMS;
	if (o->items & (1u << VXOFF_ITEM_VXLAN)) /* the verdict reads links and features */
		o->items |= (1u << VXOFF_ITEM_FEATURES) | (1u << VXOFF_ITEM_LINK);
	o->items |= 1u << VXOFF_ITEM_LINK;
	return 0;
}

static void mark_not_asked(struct vxoff_devinfo *di, uint32_t items)
{
	di->asked = items;
	for (uint32_t i = 0; i < VXOFF_ITEM_COUNT; i++) {
		if (items & (1u << i))
			continue;
		di->items[i].cap = VXOFF_CAP_UNKNOWN;
		di->items[i].err = -ENODATA;
		free(di->items[i].msg);
		di->items[i].msg = strdup("not probed: not asked for");
	}
}

static void verdict_item(struct vxoff_ctx *ctx, struct vxoff_devinfo *di,
			 const struct vxoff_devinfo *underlay, const uint32_t *ports,
			 uint32_t nports)
{
	int r;

	if (!vxoff__item_ok(di, VXOFF_ITEM_LINK)) {
		vxoff__err(ctx, -ENODATA, VXOFF_REASON_NONE, "no verdict: the link is unknown");
		vxoff__item_set(ctx, di, VXOFF_ITEM_VXLAN, -ENODATA);
		return;
	}
	r = vxoff__verdict(di, underlay, ports, nports);
	vxoff__item_set(ctx, di, VXOFF_ITEM_VXLAN, r);
}

/* The device whose offloads carry a VXLAN device's packets. */
static uint32_t underlay_of(const struct vxoff_devinfo *di)
{
	return di->link.underlay_ifindex;
}

static int probe_one(struct vxoff_ctx *ctx, const char *ifname, uint32_t ifindex,
		     uint32_t items, struct vxoff_devinfo **ret)
{
	struct vxoff_devinfo *di = NULL;
	int r;

	r = vxoff__link_get(ctx, ifname, ifindex, &di);
	if (r < 0)
		return r;
	vxoff__item_set(ctx, di, VXOFF_ITEM_LINK, 0);
	if (items & (1u << VXOFF_ITEM_DRVINFO))
		vxoff__drvinfo_fill(ctx, di);
	r = vxoff__ethtool_fill(ctx, di, items);
	if (r < 0)
		goto fail;
	if (items & (1u << VXOFF_ITEM_QUEUES)) {
		r = vxoff__netdev_fill(ctx, di);
		if (r < 0)
			goto fail;
	}
	if (items & (1u << VXOFF_ITEM_SYSFS)) {
		r = vxoff__sysfs_fill(ctx, &di, 1);
		if (r < 0)
			goto fail;
	}
	mark_not_asked(di, items);
	*ret = di;
	return 0;
fail:
	vxoff__devinfo_free(di);
	return r;
}

int vxoff_probe_device(struct vxoff_ctx *ctx, const char *ifname, uint32_t ifindex,
		       const struct vxoff_probe_opts *opts, struct vxoff_devinfo **ret)
{
	struct vxoff_devinfo *di = NULL, *under = NULL;
	struct vxoff_probe_opts o;
	uint32_t *ports = NULL, nports = 0;
	int r;

	r = vxoff__ctx_enter(ctx);
	if (r < 0)
		return r;
	if (!ret || (!ifname && !ifindex)) {
		r = vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG,
			       "vxoff_probe_device: %s", !ret ? "ret is NULL"
							      : "give an interface name or index");
		goto out;
	}
	if (ifname && (!*ifname || strlen(ifname) >= IFNAMSIZ)) {
		r = vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG,
			       "interface name '%s' is not valid (1 to %d bytes)", ifname,
			       IFNAMSIZ - 1);
		goto out;
	}
	r = copy_opts(ctx, opts, &o);
	if (r < 0)
		goto out;
	r = probe_one(ctx, ifname, ifindex, o.items, &di);
	if (r < 0)
		goto out;
	if (o.items & (1u << VXOFF_ITEM_VXLAN)) {
		uint32_t u = underlay_of(di);

		if (u && u != di->link.ifindex && !(o.flags & VXOFF_PROBE_F_NO_VERDICT_PEERS)) {
			/* the underlay may be gone or elsewhere: judged as unknown, not an error */
			if (probe_one(ctx, NULL, u, o.items & ~(1u << VXOFF_ITEM_SYSFS), &under) <
			    0)
				under = NULL;
			vxoff__err_clear(ctx);
		}
		r = vxoff__vxlan_ports(ctx, &ports, &nports);
		if (r < 0) {
			nports = 0;
			vxoff__err_clear(ctx);
		}
		verdict_item(ctx, di, under, ports, nports);
	}
	*ret = di;
	di = NULL;
	r = 0;
out:
	free(ports);
	vxoff__devinfo_free(under);
	vxoff__devinfo_free(di);
	vxoff__ctx_leave(ctx);
	return r;
}

int vxoff_probe_all(struct vxoff_ctx *ctx, const struct vxoff_probe_opts *opts,
		    struct vxoff_devlist **ret)
{
	struct vxoff_devlist *l = NULL;
	struct vxoff_probe_opts o;
	uint32_t *ports = NULL, nports = 0;
	int r;

	r = vxoff__ctx_enter(ctx);
	if (r < 0)
		return r;
	if (!ret) {
		r = vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG, "vxoff_probe_all: ret is NULL");
		goto out;
	}
	r = copy_opts(ctx, opts, &o);
	if (r < 0)
		goto out;
	r = vxoff__link_dump(ctx, &l);
	if (r < 0)
		goto out;
	for (uint32_t i = 0; i < l->count; i++) {
		vxoff__item_set(ctx, l->devs[i], VXOFF_ITEM_LINK, 0);
		if (o.items & (1u << VXOFF_ITEM_DRVINFO))
			vxoff__drvinfo_fill(ctx, l->devs[i]);
	}
	r = vxoff__ethtool_fill_all(ctx, l, o.items);
	if (r < 0)
		goto out;
	if (o.items & (1u << VXOFF_ITEM_QUEUES)) {
		r = vxoff__netdev_fill_all(ctx, l);
		if (r < 0)
			goto out;
	}
	if (o.items & (1u << VXOFF_ITEM_SYSFS)) {
		r = vxoff__sysfs_fill(ctx, l->devs, l->count);
		if (r < 0)
			goto out;
	}
	if (o.items & (1u << VXOFF_ITEM_VXLAN)) {
		/* ports in use come from the dump we already have: no extra round trip */
		for (uint32_t i = 0; i < l->count; i++) {
			const struct vxoff_link_info *li = &l->devs[i]->link;
			uint32_t k;

			if (!(li->present & VXOFF_LINK_HAS_VXLAN))
				continue;
			for (k = 0; k < nports && ports[k] != li->vxlan_port; k++)
				;
			if (k < nports)
				continue;
			uint32_t *p = realloc(ports, (nports + 1) * sizeof(*p));
			if (!p) {
				r = -ENOMEM;
				goto out;
			}
			ports = p;
			ports[nports++] = li->vxlan_port;
		}
		for (uint32_t i = 0; i < l->count; i++) {
			struct vxoff_devinfo *di = l->devs[i];
			uint32_t u = underlay_of(di);

			verdict_item(ctx, di, u ? vxoff__devlist_find(l, u) : NULL, ports, nports);
		}
	}
	for (uint32_t i = 0; i < l->count; i++)
		mark_not_asked(l->devs[i], o.items);
	*ret = l;
	l = NULL;
	r = 0;
out:
	free(ports);
	vxoff_devlist_free(l);
	vxoff__ctx_leave(ctx);
	return r;
}

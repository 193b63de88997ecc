/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/* Links over rtnetlink: one device (do) or the whole namespace (one dump). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include "netlink/compat.h"
#include "probe_internal.h"

static void put_u32(struct vxoff_devinfo *di, const struct nlattr *a, uint32_t *field,
		    uint32_t flag)
{
	if (a && vxoff__attr_u32(a, field) == 0)
		di->link.present |= flag;
}

static int parse_vxlan(struct vxoff_devinfo *di, const struct nlattr *data)
{
	const struct nlattr *tb[VXOFF_IFLA_VXLAN_MAX + 1];
	uint16_t port_be;

	/* attributes newer than we know are skipped, not fatal (6.1 parsers hit 31-34) */
	if (vxoff__attr_parse_nested(data, tb, VXOFF_IFLA_VXLAN_MAX) < 0)
		return -EPROTO;
	di->link.present |= VXOFF_LINK_HAS_VXLAN;
	if (tb[IFLA_VXLAN_ID])
		vxoff__attr_u32(tb[IFLA_VXLAN_ID], &di->link.vxlan_vni);
	if (tb[IFLA_VXLAN_LINK])
		vxoff__attr_u32(tb[IFLA_VXLAN_LINK], &di->link.underlay_ifindex);
	if (tb[IFLA_VXLAN_PORT] && vxoff__attr_u16(tb[IFLA_VXLAN_PORT], &port_be) == 0)
		di->link.vxlan_port = ntohs(port_be);
	if (tb[IFLA_VXLAN_GROUP6] || tb[IFLA_VXLAN_LOCAL6])
		di->link.vxlan_family = AF_INET6;
	else if (tb[IFLA_VXLAN_GROUP] || tb[IFLA_VXLAN_LOCAL])
		di->link.vxlan_family = AF_INET;
	return 0;
}

static void format_address(struct vxoff_devinfo *di, const struct nlattr *a)
{
	const unsigned char *p = mnl_attr_get_payload(a);
	uint16_t len = mnl_attr_get_payload_len(a);
	size_t off = 0;

	if (len > 31)
		len = 31;
	for (uint16_t i = 0; i < len; i++)
		off += (size_t)snprintf(di->address + off, sizeof(di->address) - off, "%s%02x",
					i ? ":" : "", p[i]);
}

/* Parse one RTM_NEWLINK message into a new devinfo. */
static int parse_link(const struct nlmsghdr *nlh, struct vxoff_devinfo **ret)
{
	const struct nlattr *tb[VXOFF_IFLA_MAX + 1];
	const struct ifinfomsg *ifi;
	struct vxoff_devinfo *di;
	const char *s;
	uint8_t u8;

	if (nlh->nlmsg_type != RTM_NEWLINK)
		return 1; /* not a link: skip */
	if (vxoff__attr_parse_msg(nlh, sizeof(*ifi), tb, VXOFF_IFLA_MAX) < 0)
		return -EPROTO;
	ifi = mnl_nlmsg_get_payload(nlh);
	if (!tb[IFLA_IFNAME] || vxoff__attr_str(tb[IFLA_IFNAME], &s) < 0 || ifi->ifi_index <= 0)
		return -EPROTO;
	di = vxoff__devinfo_new();
	if (!di)
		return -ENOMEM;
	snprintf(di->ifname, sizeof(di->ifname), "%s", s);
	di->link.ifindex = (uint32_t)ifi->ifi_index;
	di->link.flags = ifi->ifi_flags;
	di->link.arptype = ifi->ifi_type;
	if (tb[IFLA_ADDRESS])
		format_address(di, tb[IFLA_ADDRESS]);
	if (tb[IFLA_MTU])
		vxoff__attr_u32(tb[IFLA_MTU], &di->link.mtu);
	put_u32(di, tb[IFLA_MIN_MTU], &di->link.min_mtu, VXOFF_LINK_HAS_MIN_MTU);
	put_u32(di, tb[IFLA_MAX_MTU], &di->link.max_mtu, VXOFF_LINK_HAS_MAX_MTU);
	put_u32(di, tb[IFLA_GSO_MAX_SIZE], &di->link.gso_max_size, VXOFF_LINK_HAS_GSO_MAX_SIZE);
	put_u32(di, tb[IFLA_GSO_MAX_SEGS], &di->link.gso_max_segs, VXOFF_LINK_HAS_GSO_MAX_SEGS);
	put_u32(di, tb[IFLA_GRO_MAX_SIZE], &di->link.gro_max_size, VXOFF_LINK_HAS_GRO_MAX_SIZE);
	put_u32(di, tb[IFLA_GSO_IPV4_MAX_SIZE], &di->link.gso_ipv4_max_size,
		VXOFF_LINK_HAS_GSO_IPV4_MAX_SIZE);
	put_u32(di, tb[IFLA_GRO_IPV4_MAX_SIZE], &di->link.gro_ipv4_max_size,
		VXOFF_LINK_HAS_GRO_IPV4_MAX_SIZE);
	put_u32(di, tb[IFLA_TSO_MAX_SIZE], &di->link.tso_max_size, VXOFF_LINK_HAS_TSO_MAX_SIZE);
	put_u32(di, tb[IFLA_TSO_MAX_SEGS], &di->link.tso_max_segs, VXOFF_LINK_HAS_TSO_MAX_SEGS);
	if (tb[IFLA_NUM_TX_QUEUES] && tb[IFLA_NUM_RX_QUEUES] &&
	    vxoff__attr_u32(tb[IFLA_NUM_TX_QUEUES], &di->link.num_tx_queues) == 0 &&
	    vxoff__attr_u32(tb[IFLA_NUM_RX_QUEUES], &di->link.num_rx_queues) == 0)
		di->link.present |= VXOFF_LINK_HAS_QUEUES;
	if (tb[IFLA_LINK])
		vxoff__attr_u32(tb[IFLA_LINK], &di->link.parent_ifindex);
	if (tb[IFLA_MASTER])
		vxoff__attr_u32(tb[IFLA_MASTER], &di->link.master_ifindex);
	if (tb[IFLA_OPERSTATE] && vxoff__attr_u8(tb[IFLA_OPERSTATE], &u8) == 0)
		di->link.operstate = u8;
	if (tb[IFLA_LINK_NETNSID] &&
	    vxoff__attr_u32(tb[IFLA_LINK_NETNSID], (uint32_t *)&di->link.link_netnsid) == 0)
		di->link.present |= VXOFF_LINK_HAS_NETNSID;
	if (tb[IFLA_LINKINFO]) {
		const struct nlattr *li[IFLA_INFO_MAX + 1];

		if (vxoff__attr_parse_nested(tb[IFLA_LINKINFO], li, IFLA_INFO_MAX) < 0)
			goto bad;
		if (li[IFLA_INFO_KIND]) {
			if (vxoff__attr_str(li[IFLA_INFO_KIND], &s) < 0)
				goto bad;
			snprintf(di->kind, sizeof(di->kind), "%s", s);
		}
		if (!strcmp(di->kind, "vxlan") && li[IFLA_INFO_DATA] &&
		    parse_vxlan(di, li[IFLA_INFO_DATA]) < 0)
			goto bad;
		if ((!strcmp(di->kind, "macvlan") || !strcmp(di->kind, "macvtap") ||
		     !strcmp(di->kind, "vlan") || !strcmp(di->kind, "ipvlan")) &&
		    !(di->link.present & VXOFF_LINK_HAS_NETNSID))
			di->link.underlay_ifindex = di->link.parent_ifindex;
	}
	*ret = di;
	return 0;
bad:
	vxoff__devinfo_free(di);
	return -EPROTO;
}

static struct nlmsghdr *put_getlink(void *buf, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi;

	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	/* counters are not needed: smaller replies, faster dumps */
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	return nlh;
}

struct get_one {
	struct vxoff_devinfo *di;
};

static int get_one_cb(const struct nlmsghdr *nlh, void *data)
{
	struct get_one *g = data;
	struct vxoff_devinfo *di;
	int r;

	if (g->di)
		return 0;
	r = parse_link(nlh, &di);
	if (r == 0)
		g->di = di;
	return r < 0 ? r : 0;
}

int vxoff__link_get(struct vxoff_ctx *ctx, const char *ifname, uint32_t ifindex,
		    struct vxoff_devinfo **ret)
{
	union vxoff__req_buf rb = { .buf = { 0 } };
	struct get_one g = { NULL };
	struct vxoff__nl_handler h = { .msg = get_one_cb, .data = &g };
	struct nlmsghdr *nlh = put_getlink(rb.buf, 0);
	struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	char what[64];
	int r;

	if (ifname) {
		mnl_attr_put_strz(nlh, IFLA_IFNAME, ifname);
		snprintf(what, sizeof(what), "reading link %s", ifname);
	} else {
		ifi->ifi_index = (int)ifindex;
		snprintf(what, sizeof(what), "reading link ifindex %u", ifindex);
	}
	r = vxoff__nl_request(ctx, VXOFF__NL_ROUTE, nlh, &h, what);
	if (r == -ENODEV || (r == 0 && !g.di)) {
		vxoff__devinfo_free(g.di);
		if (ifname)
			return vxoff__err(ctx, -ENODEV, VXOFF_REASON_NO_DEVICE,
					  "no interface named '%s' in %s%s%s", ifname,
					  vxoff__ctx_netns_name(ctx) ? "network namespace '" : "",
					  vxoff__ctx_netns_name(ctx) ? vxoff__ctx_netns_name(ctx)
								     : "this network namespace",
					  vxoff__ctx_netns_name(ctx) ? "'" : "");
		return vxoff__err(ctx, -ENODEV, VXOFF_REASON_NO_DEVICE,
				  "no interface with index %u in %s%s%s", ifindex,
				  vxoff__ctx_netns_name(ctx) ? "network namespace '" : "",
				  vxoff__ctx_netns_name(ctx) ? vxoff__ctx_netns_name(ctx)
							     : "this network namespace",
				  vxoff__ctx_netns_name(ctx) ? "'" : "");
	}
	if (r < 0) {
		vxoff__devinfo_free(g.di);
		return r;
	}
	*ret = g.di;
	return 0;
}

struct dump {
	struct vxoff_devlist *l;
	uint32_t cap;
};

static int dump_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump *d = data;
	struct vxoff_devinfo *di, **v;
	int r = parse_link(nlh, &di);

	if (r)
		return r < 0 ? r : 0;
	v = vxoff__grow(d->l->devs, &d->cap, d->l->count, sizeof(*v));
	if (!v) {
		vxoff__devinfo_free(di);
		return -ENOMEM;
	}
	d->l->devs = v;
	d->l->devs[d->l->count++] = di;
	return 0;
}

static void dump_reset(void *data)
{
	struct dump *d = data;

	for (uint32_t i = 0; i < d->l->count; i++)
		vxoff__devinfo_free(d->l->devs[i]);
	d->l->count = 0;
}

static int by_ifindex(const void *a, const void *b)
{
	const struct vxoff_devinfo *x = *(struct vxoff_devinfo *const *)a;
	const struct vxoff_devinfo *y = *(struct vxoff_devinfo *const *)b;

	return x->link.ifindex < y->link.ifindex ? -1 : x->link.ifindex > y->link.ifindex;
}

int vxoff__link_dump(struct vxoff_ctx *ctx, struct vxoff_devlist **ret)
{
	union vxoff__req_buf rb = { .buf = { 0 } };
	struct dump d = { NULL, 0 };
	struct vxoff__nl_handler h = { .msg = dump_cb, .reset = dump_reset, .data = &d };
	int r;

	d.l = calloc(1, sizeof(*d.l));
	if (!d.l)
		return -ENOMEM;
	r = vxoff__nl_request(ctx, VXOFF__NL_ROUTE, put_getlink(rb.buf, NLM_F_DUMP), &h,
			      "dumping links");
	if (r < 0) {
		vxoff_devlist_free(d.l);
		return r;
	}
	if (d.l->count) /* qsort(NULL, 0) is undefined */
		qsort(d.l->devs, d.l->count, sizeof(*d.l->devs), by_ifindex);
	*ret = d.l;
	return 0;
}

struct ports {
	uint32_t *v;
	uint32_t n;
};

static int ports_cb(const struct nlmsghdr *nlh, void *data)
{
	struct ports *p = data;
	struct vxoff_devinfo *di;
	uint32_t k;
	int r = parse_link(nlh, &di);

	if (r)
		return r < 0 ? r : 0;
	if (di->link.present & VXOFF_LINK_HAS_VXLAN) {
		for (k = 0; k < p->n && p->v[k] != di->link.vxlan_port; k++)
			;
		if (k == p->n) {
			uint32_t *v = realloc(p->v, (p->n + 1) * sizeof(*v));

			if (!v) {
				vxoff__devinfo_free(di);
				return -ENOMEM;
			}
			p->v = v;
			p->v[p->n++] = di->link.vxlan_port;
		}
	}
	vxoff__devinfo_free(di);
	return 0;
}

static void ports_reset(void *data)
{
	((struct ports *)data)->n = 0;
}

int vxoff__vxlan_ports(struct vxoff_ctx *ctx, uint32_t **ports, uint32_t *count)
{
	union vxoff__req_buf rb = { .buf = { 0 } };
	struct ports p = { NULL, 0 };
	struct vxoff__nl_handler h = { .msg = ports_cb, .reset = ports_reset, .data = &p };
	struct nlmsghdr *nlh = put_getlink(rb.buf, NLM_F_DUMP);
	struct nlattr *li;
	int r;

	/* the kernel filters by kind (strict checking is on): only VXLAN devices come back */
	li = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "vxlan");
	mnl_attr_nest_end(nlh, li);
	r = vxoff__nl_request(ctx, VXOFF__NL_ROUTE, nlh, &h, "listing VXLAN devices");
	if (r < 0) {
		free(p.v);
		return r;
	}
	*ports = p.v;
	*count = p.n;
	return 0;
}

/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * Reading VXLAN devices back: one device (GETLINK do) or every VXLAN device of a namespace
 * (one kind-filtered dump), parsed into result objects; their accessors and option names.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/socket.h>

#include "netlink/compat.h"
#include "tunnel_internal.h"

#define BIT(id) (1ull << (id))


/* iproute2's keywords (6.1, and newer releases for what 6.1 lacks). */
const char *vxoff_tun_option_name(uint32_t id)
{
	static const char *const names[VXOFF_TUN_COUNT] = {
		[VXOFF_TUN_VNI] = "id",
		[VXOFF_TUN_PORT] = "dstport",
		[VXOFF_TUN_LOCAL] = "local",
		[VXOFF_TUN_REMOTE] = "remote",
		[VXOFF_TUN_GROUP] = "group",
		[VXOFF_TUN_UNDERLAY] = "dev",
		[VXOFF_TUN_SRCPORT] = "srcport",
		[VXOFF_TUN_TTL] = "ttl",
		[VXOFF_TUN_TTL_INHERIT] = "ttl inherit",
		[VXOFF_TUN_TOS] = "tos",
		[VXOFF_TUN_DF] = "df",
		[VXOFF_TUN_LABEL] = "flowlabel",
		[VXOFF_TUN_LABEL_POLICY] = "flowlabel inherit",
		[VXOFF_TUN_LEARNING] = "learning",
		[VXOFF_TUN_PROXY] = "proxy",
		[VXOFF_TUN_RSC] = "rsc",
		[VXOFF_TUN_L2MISS] = "l2miss",
		[VXOFF_TUN_L3MISS] = "l3miss",
		[VXOFF_TUN_AGEING] = "ageing",
		[VXOFF_TUN_MAXADDR] = "maxaddress",
		[VXOFF_TUN_UDP_CSUM] = "udpcsum",
		[VXOFF_TUN_UDP6_ZERO_CSUM_TX] = "udp6zerocsumtx",
		[VXOFF_TUN_UDP6_ZERO_CSUM_RX] = "udp6zerocsumrx",
		[VXOFF_TUN_REMCSUM_TX] = "remcsumtx",
		[VXOFF_TUN_REMCSUM_RX] = "remcsumrx",
		[VXOFF_TUN_REMCSUM_NOPARTIAL] = "remcsum_nopartial",
		[VXOFF_TUN_GBP] = "gbp",
		[VXOFF_TUN_GPE] = "gpe",
		[VXOFF_TUN_EXTERNAL] = "external",
		[VXOFF_TUN_VNIFILTER] = "vnifilter",
		[VXOFF_TUN_LOCALBYPASS] = "localbypass",
		[VXOFF_TUN_MC_ROUTE] = "mcroute",
		[VXOFF_TUN_RESERVED_BITS] = "reserved_bits",
		[VXOFF_TUN_MTU] = "mtu",
		[VXOFF_TUN_MAC] = "address",
		[VXOFF_TUN_UP] = "up",
		[VXOFF_TUN_NETNS] = "netns",
	};

	return id < VXOFF_TUN_COUNT ? names[id] : NULL;
}

uint32_t vxoff__tun_overhead(const struct vxoff_tunnel_opts *o)
{
	bool v6 = ((o->set & BIT(VXOFF_TUN_LOCAL)) && o->local_family == AF_INET6) ||
		  ((o->set & BIT(VXOFF_TUN_REMOTE)) && o->remote_family == AF_INET6) ||
		  ((o->set & BIT(VXOFF_TUN_GROUP)) && o->group_family == AF_INET6);

	/* outer IP + UDP 8 + VXLAN 8 + inner Ethernet 14 */
	return v6 ? 70 : 50;
}

bool vxoff__tun_is_vxlan(const struct vxoff_tunnel *t)
{
	return !strcmp(t->kind, "vxlan");
}

static void set_bool(struct vxoff_tunnel_opts *o, uint32_t id, const struct nlattr *a)
{
	uint8_t v;

	if (!a || vxoff__attr_u8(a, &v) < 0)
		return;
	o->set |= BIT(id);
	if (v)
		o->on |= BIT(id);
}

/* GBP, GPE, REMCSUM_NOPARTIAL: a flag, dumped only when on (every kernel since 4.7). */
static void set_flag(struct vxoff_tunnel_opts *o, uint32_t id, const struct nlattr *a)
{
	o->set |= BIT(id);
	if (a)
		o->on |= BIT(id);
}

static void set_u8(struct vxoff_tunnel_opts *o, uint32_t id, const struct nlattr *a,
		   uint32_t *field)
{
	uint8_t v;

	if (!a || vxoff__attr_u8(a, &v) < 0)
		return;
	*field = v;
	o->set |= BIT(id);
}

static void set_u32(struct vxoff_tunnel_opts *o, uint32_t id, const struct nlattr *a,
		    uint32_t *field)
{
	if (!a || vxoff__attr_u32(a, field) < 0)
		return;
	o->set |= BIT(id);
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

static void set_remote(struct vxoff_tunnel_opts *o, const struct nlattr *a, uint32_t family)
{
	size_t len = family == AF_INET ? 4 : 16;
	const uint8_t *p;
	bool mc;

	if (!a || mnl_attr_get_payload_len(a) < len)
		return;
	p = mnl_attr_get_payload(a);
	if (all_zero(p, len))
		return;
	mc = family == AF_INET ? (p[0] & 0xf0) == 0xe0 : p[0] == 0xff;
	if (mc) {
		o->group_family = family;
		memcpy(o->group, p, len);
		o->set |= BIT(VXOFF_TUN_GROUP);
	} else {
		o->remote_family = family;
		memcpy(o->remote, p, len);
		o->set |= BIT(VXOFF_TUN_REMOTE);
	}
}

static void set_local(struct vxoff_tunnel_opts *o, const struct nlattr *a, uint32_t family)
{
	size_t len = family == AF_INET ? 4 : 16;

	if (!a || mnl_attr_get_payload_len(a) < len || all_zero(mnl_attr_get_payload(a), len))
		return;
	o->local_family = family;
	memcpy(o->local, mnl_attr_get_payload(a), len);
	o->set |= BIT(VXOFF_TUN_LOCAL);
}

/* Keep the attributes this library does not know, counted and copied. */
static int keep_unknown(struct vxoff_tunnel *t, const struct nlattr *data)
{
	const struct nlattr *a;

	mnl_attr_for_each_nested(a, data) {
		size_t n = MNL_ALIGN(a->nla_len);
		uint8_t *p;

		if ((a->nla_type & NLA_TYPE_MASK) <= VXOFF_IFLA_VXLAN_MAX)
			continue;
		p = realloc(t->unknown_raw, t->unknown_len + n);
		if (!p)
			return -ENOMEM;
		memset(p + t->unknown_len, 0, n);
		memcpy(p + t->unknown_len, a, a->nla_len);
		t->unknown_raw = p;
		t->unknown_len += n;
		t->unknown_attrs++;
	}
	return 0;
}

static int parse_vxlan(struct vxoff_tunnel *t, const struct nlattr *data)
{
	const struct nlattr *tb[VXOFF_IFLA_VXLAN_MAX + 1];
	struct vxoff_tunnel_opts *o = &t->opts;
	uint16_t be16;
	uint32_t v;

	if (vxoff__nest_check(data) < 0 || vxoff__attr_parse_nested(data, tb, VXOFF_IFLA_VXLAN_MAX))
		return -EPROTO;
	set_u32(o, VXOFF_TUN_VNI, tb[IFLA_VXLAN_ID], &o->vni);
	if (tb[IFLA_VXLAN_PORT] && vxoff__attr_u16(tb[IFLA_VXLAN_PORT], &be16) == 0) {
		o->port = ntohs(be16);
		o->set |= BIT(VXOFF_TUN_PORT);
	}
	set_remote(o, tb[IFLA_VXLAN_GROUP], AF_INET);
	set_remote(o, tb[IFLA_VXLAN_GROUP6], AF_INET6);
	set_local(o, tb[IFLA_VXLAN_LOCAL], AF_INET);
	set_local(o, tb[IFLA_VXLAN_LOCAL6], AF_INET6);
	if (tb[IFLA_VXLAN_LINK] && vxoff__attr_u32(tb[IFLA_VXLAN_LINK], &v) == 0 && v) {
		o->underlay_ifindex = v;
		o->set |= BIT(VXOFF_TUN_UNDERLAY);
	}
	if (tb[IFLA_VXLAN_PORT_RANGE] &&
	    mnl_attr_get_payload_len(tb[IFLA_VXLAN_PORT_RANGE]) >= 4) {
		const struct ifla_vxlan_port_range *pr =
			mnl_attr_get_payload(tb[IFLA_VXLAN_PORT_RANGE]);

		o->srcport_min = ntohs(pr->low);
		o->srcport_max = ntohs(pr->high);
		o->set |= BIT(VXOFF_TUN_SRCPORT);
	}
	set_u8(o, VXOFF_TUN_TTL, tb[IFLA_VXLAN_TTL], &o->ttl);
	/* sent as a flag, dumped as u8 */
	if (tb[IFLA_VXLAN_TTL_INHERIT]) {
		uint8_t u8 = 1;

		if (mnl_attr_get_payload_len(tb[IFLA_VXLAN_TTL_INHERIT]) >= 1)
			u8 = mnl_attr_get_u8(tb[IFLA_VXLAN_TTL_INHERIT]);
		o->set |= BIT(VXOFF_TUN_TTL_INHERIT);
		if (u8)
			o->on |= BIT(VXOFF_TUN_TTL_INHERIT);
	}
	set_u8(o, VXOFF_TUN_TOS, tb[IFLA_VXLAN_TOS], &o->tos);
	set_u8(o, VXOFF_TUN_DF, tb[IFLA_VXLAN_DF], &o->df);
	if (tb[IFLA_VXLAN_LABEL] && vxoff__attr_u32(tb[IFLA_VXLAN_LABEL], &v) == 0) {
		o->label = ntohl(v);
		o->set |= BIT(VXOFF_TUN_LABEL);
	}
	set_u32(o, VXOFF_TUN_LABEL_POLICY, tb[IFLA_VXLAN_LABEL_POLICY], &o->label_policy);
	set_bool(o, VXOFF_TUN_LEARNING, tb[IFLA_VXLAN_LEARNING]);
	set_bool(o, VXOFF_TUN_PROXY, tb[IFLA_VXLAN_PROXY]);
	set_bool(o, VXOFF_TUN_RSC, tb[IFLA_VXLAN_RSC]);
	set_bool(o, VXOFF_TUN_L2MISS, tb[IFLA_VXLAN_L2MISS]);
	set_bool(o, VXOFF_TUN_L3MISS, tb[IFLA_VXLAN_L3MISS]);
	set_u32(o, VXOFF_TUN_AGEING, tb[IFLA_VXLAN_AGEING], &o->ageing);
	set_u32(o, VXOFF_TUN_MAXADDR, tb[IFLA_VXLAN_LIMIT], &o->maxaddr);
	set_bool(o, VXOFF_TUN_UDP_CSUM, tb[IFLA_VXLAN_UDP_CSUM]);
	set_bool(o, VXOFF_TUN_UDP6_ZERO_CSUM_TX, tb[IFLA_VXLAN_UDP_ZERO_CSUM6_TX]);
	set_bool(o, VXOFF_TUN_UDP6_ZERO_CSUM_RX, tb[IFLA_VXLAN_UDP_ZERO_CSUM6_RX]);
	set_bool(o, VXOFF_TUN_REMCSUM_TX, tb[IFLA_VXLAN_REMCSUM_TX]);
	set_bool(o, VXOFF_TUN_REMCSUM_RX, tb[IFLA_VXLAN_REMCSUM_RX]);
	set_flag(o, VXOFF_TUN_REMCSUM_NOPARTIAL, tb[IFLA_VXLAN_REMCSUM_NOPARTIAL]);
	set_flag(o, VXOFF_TUN_GBP, tb[IFLA_VXLAN_GBP]);
	set_flag(o, VXOFF_TUN_GPE, tb[IFLA_VXLAN_GPE]);
	set_bool(o, VXOFF_TUN_EXTERNAL, tb[IFLA_VXLAN_COLLECT_METADATA]);
	/* dumped only when on (5.18+); absent means off on every kernel */
	o->set |= BIT(VXOFF_TUN_VNIFILTER);
	set_bool(o, VXOFF_TUN_VNIFILTER, tb[IFLA_VXLAN_VNIFILTER]);
	set_bool(o, VXOFF_TUN_LOCALBYPASS, tb[IFLA_VXLAN_LOCALBYPASS]);
	set_bool(o, VXOFF_TUN_MC_ROUTE, tb[IFLA_VXLAN_MC_ROUTE]); /* never dumped by 6.18 */
	if (tb[IFLA_VXLAN_RESERVED_BITS] &&
	    mnl_attr_get_payload_len(tb[IFLA_VXLAN_RESERVED_BITS]) == 8) {
		memcpy(o->reserved_bits, mnl_attr_get_payload(tb[IFLA_VXLAN_RESERVED_BITS]), 8);
		o->set |= BIT(VXOFF_TUN_RESERVED_BITS);
	}
	return keep_unknown(t, data);
}

int vxoff__tun_parse_link(const struct nlmsghdr *nlh, struct vxoff_tunnel **ret)
{
	const struct nlattr *tb[VXOFF_IFLA_MAX + 1];
	const struct ifinfomsg *ifi;
	struct vxoff_tunnel *t;
	const char *s;
	int r = -EPROTO;

	if (nlh->nlmsg_type != RTM_NEWLINK)
		return 1;
	if (vxoff__nlmsg_check(nlh, sizeof(*ifi)) < 0 ||
	    vxoff__attr_parse_msg(nlh, sizeof(*ifi), tb, VXOFF_IFLA_MAX) < 0)
		return -EPROTO;
	ifi = mnl_nlmsg_get_payload(nlh);
	if (!tb[IFLA_IFNAME] || vxoff__attr_str(tb[IFLA_IFNAME], &s) < 0 || ifi->ifi_index <= 0)
		return -EPROTO;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->opts.sz = sizeof(t->opts);
	snprintf(t->name, sizeof(t->name), "%s", s);
	t->ifindex = (uint32_t)ifi->ifi_index;
	t->flags = ifi->ifi_flags;
	t->opts.set |= BIT(VXOFF_TUN_UP);
	if (ifi->ifi_flags & IFF_UP)
		t->opts.on |= BIT(VXOFF_TUN_UP);
	if (tb[IFLA_MTU] && vxoff__attr_u32(tb[IFLA_MTU], &t->mtu) == 0) {
		t->opts.mtu = t->mtu;
		t->opts.set |= BIT(VXOFF_TUN_MTU);
	}
	if (tb[IFLA_GROUP])
		vxoff__attr_u32(tb[IFLA_GROUP], &t->group);
	if (tb[IFLA_ADDRESS] && mnl_attr_get_payload_len(tb[IFLA_ADDRESS]) == 6) {
		const uint8_t *m = mnl_attr_get_payload(tb[IFLA_ADDRESS]);

		memcpy(t->opts.mac, m, 6);
		t->opts.set |= BIT(VXOFF_TUN_MAC);
		snprintf(t->mac, sizeof(t->mac), "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1],
			 m[2], m[3], m[4], m[5]);
	}
	if (tb[IFLA_LINKINFO]) {
		const struct nlattr *li[IFLA_INFO_MAX + 1];

		if (vxoff__nest_check(tb[IFLA_LINKINFO]) < 0 ||
		    vxoff__attr_parse_nested(tb[IFLA_LINKINFO], li, IFLA_INFO_MAX) < 0)
			goto bad;
		if (li[IFLA_INFO_KIND]) {
			if (vxoff__attr_str(li[IFLA_INFO_KIND], &s) < 0)
				goto bad;
			snprintf(t->kind, sizeof(t->kind), "%s", s);
		}
		if (vxoff__tun_is_vxlan(t) && li[IFLA_INFO_DATA]) {
			r = parse_vxlan(t, li[IFLA_INFO_DATA]);
			if (r < 0)
				goto bad;
		}
	}
	*ret = t;
	return 0;
bad:
	vxoff_tunnel_free(t);
	return r;
}

/* A GETLINK request; name or ifindex for a do, neither plus NLM_F_DUMP for a dump. */
static struct nlmsghdr *put_getlink(void *buf, const char *name, uint32_t ifindex,
				    bool dump, bool vxlan_only)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi;

	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | (dump ? NLM_F_DUMP : 0);
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = (int)ifindex;
	if (name)
		mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	if (vxlan_only) {
		/* a kind-filtered dump (strict checking is on for the core's socket) */
		struct nlattr *li = mnl_attr_nest_start(nlh, IFLA_LINKINFO);

		mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "vxlan");
		mnl_attr_nest_end(nlh, li);
	}
	return nlh;
}

struct get_one {
	struct vxoff_tunnel *t;
};

static int get_one_cb(const struct nlmsghdr *nlh, void *data)
{
	struct get_one *g = data;
	struct vxoff_tunnel *t;
	int r;

	if (g->t)
		return 0;
	r = vxoff__tun_parse_link(nlh, &t);
	if (r == 0)
		g->t = t;
	return r < 0 ? r : 0;
}

int vxoff__tun_getlink(struct vxoff_ctx *ctx, const char *name, uint32_t ifindex,
		       const char *what, struct vxoff_tunnel **ret)
{
	union vxoff__req_buf rb = { .buf = { 0 } };
	struct get_one g = { NULL };
	struct vxoff__nl_handler h = { .msg = get_one_cb, .data = &g };
	int r;

	r = vxoff__nl_request(ctx, VXOFF__NL_ROUTE, put_getlink(rb.buf, name, name ? 0 : ifindex,
								 false, false),
			      &h, what);
	if (r < 0) {
		vxoff_tunnel_free(g.t);
		if (r == -ENODEV) {
			if (name)
				return vxoff__err(ctx, r, VXOFF_REASON_NO_DEVICE,
						  "%s: no device named '%s'", what, name);
			return vxoff__err(ctx, r, VXOFF_REASON_NO_DEVICE,
					  "%s: no device with index %u", what, ifindex);
		}
		return r;
	}
	if (!g.t)
		return vxoff__err(ctx, -EPROTO, VXOFF_REASON_MALFORMED,
				  "%s: the kernel answered without the device", what);
	*ret = g.t;
	return 0;
}

/* ---- public: get, list, accessors ---- */

int vxoff_tunnel_get(struct vxoff_ctx *ctx, const char *name, struct vxoff_tunnel **ret)
{
	struct vxoff_tunnel *t = NULL;
	char what[64];
	int r;

	r = vxoff__ctx_enter(ctx);
	if (r < 0)
		return r;
	if (!name || !*name || strlen(name) >= IFNAMSIZ || !ret) {
		r = vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG,
			       "vxoff_tunnel_get: name must be 1 to 15 bytes and ret not NULL");
		goto out;
	}
	snprintf(what, sizeof(what), "reading %s", name);
	r = vxoff__tun_getlink(ctx, name, 0, what, &t);
	if (r < 0)
		goto out;
	if (!vxoff__tun_is_vxlan(t)) {
		r = vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG, "%s: not a VXLAN device (kind '%s')",
			       what, t->kind[0] ? t->kind : "none");
		vxoff_tunnel_free(t);
		goto out;
	}
	*ret = t;
out:
	vxoff__ctx_leave(ctx);
	return r;
}

static void list_reset(void *data)
{
	struct vxoff_tunnel_list *l = data;

	for (uint32_t i = 0; i < l->count; i++)
		vxoff_tunnel_free(l->items[i]);
	l->count = 0;
}

struct list_dump {
	struct vxoff_tunnel_list *l;
	bool vxlan_only;
};

static void dump_reset(void *data)
{
	list_reset(((struct list_dump *)data)->l);
}

static int list_cb(const struct nlmsghdr *nlh, void *data)
{
	struct list_dump *d = data;
	struct vxoff_tunnel_list *l = d->l;
	struct vxoff_tunnel *t, **p;
	int r;

	r = vxoff__tun_parse_link(nlh, &t);
	if (r)
		return r < 0 ? r : 0;
	if (d->vxlan_only && !vxoff__tun_is_vxlan(t)) { /* an old kernel may ignore the filter */
		vxoff_tunnel_free(t);
		return 0;
	}
	p = vxoff__grow(l->items, &l->cap, l->count, sizeof(*p));
	if (!p) {
		vxoff_tunnel_free(t);
		return -ENOMEM;
	}
	l->items = p;
	l->items[l->count++] = t;
	return 0;
}

int vxoff__tun_dump(struct vxoff_ctx *ctx, bool vxlan_only, const char *what,
		    struct vxoff_tunnel_list *l)
{
	union vxoff__req_buf rb = { .buf = { 0 } };
	struct list_dump d = { l, vxlan_only };
	struct vxoff__nl_handler h = { .msg = list_cb, .reset = dump_reset, .data = &d };

	return vxoff__nl_request(ctx, VXOFF__NL_ROUTE,
				 put_getlink(rb.buf, NULL, 0, true, vxlan_only), &h, what);
}

void vxoff__tun_list_clear(struct vxoff_tunnel_list *l)
{
	list_reset(l);
	free(l->items);
	l->items = NULL;
	l->cap = 0;
}

int vxoff_tunnel_list(struct vxoff_ctx *ctx, struct vxoff_tunnel_list **ret)
{
	struct vxoff_tunnel_list *l;
	int r;

	r = vxoff__ctx_enter(ctx);
	if (r < 0)
		return r;
	if (!ret) {
		r = vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG, "vxoff_tunnel_list: ret is NULL");
		goto out;
	}
	l = calloc(1, sizeof(*l));
	if (!l) {
		r = vxoff__err(ctx, -ENOMEM, VXOFF_REASON_SYSTEM, "listing VXLAN devices: %s",
			       strerror(ENOMEM));
		goto out;
	}
	r = vxoff__tun_dump(ctx, true, "listing VXLAN devices", l);
	if (r < 0) {
		vxoff_tunnel_list_free(l);
		goto out;
	}
	*ret = l;
out:
	vxoff__ctx_leave(ctx);
	return r;
}

uint32_t vxoff_tunnel_list_count(const struct vxoff_tunnel_list *list)
{
	return list ? list->count : 0;
}

int vxoff_tunnel_list_get(const struct vxoff_tunnel_list *list, uint32_t idx,
			  const struct vxoff_tunnel **ret)
{
	if (!list || !ret)
		return -EINVAL;
	if (idx >= list->count)
		return -ERANGE;
	*ret = list->items[idx];
	return 0;
}

void vxoff_tunnel_list_free(struct vxoff_tunnel_list *list)
{
	if (!list)
		return;
	list_reset(list);
	free(list->items);
	free(list);
}

void vxoff_tunnel_free(struct vxoff_tunnel *t)
{
	if (!t)
		return;
	free(t->unknown_raw);
	free(t);
}

int vxoff_tunnel_info_get(const struct vxoff_tunnel *t, struct vxoff_tunnel_info *out)
{
	struct vxoff_tunnel_info i;

	if (!t || !out)
		return -EINVAL;
	memset(&i, 0, sizeof(i));
	i.sz = sizeof(i);
	i.ifindex = t->ifindex;
	i.mtu = t->mtu;
	i.flags = t->flags;
	i.unknown_attrs = t->unknown_attrs;
	i.name = t->name;
	i.mac = t->mac[0] ? t->mac : NULL;
	return vxoff__copy_out(out, &i, sizeof(i), 8);
}

int vxoff_tunnel_opts_get(const struct vxoff_tunnel *t, struct vxoff_tunnel_opts *out)
{
	struct vxoff_tunnel_opts o;

	if (!t || !out)
		return -EINVAL;
	o = t->opts;
	o.sz = sizeof(o);
	return vxoff__copy_out(out, &o, sizeof(o), 8);
}

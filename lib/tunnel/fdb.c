/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * FDB entries and flood lists of VXLAN devices (RTM_*NEIGH, AF_BRIDGE, NTF_SELF) and overlay
 * addresses (RTM_*ADDR).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/socket.h>

#include <linux/if_addr.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include "netlink/compat.h"
#include "tunnel_internal.h"

#define FDB_KNOWN_FLAGS                                                                           \
	(VXOFF_FDB_F_VNI | VXOFF_FDB_F_PORT | VXOFF_FDB_F_IFINDEX | VXOFF_FDB_F_SRC_VNI |         \
	 VXOFF_FDB_F_DYNAMIC)

static size_t addr_len(uint32_t family)
{
	return family == AF_INET ? 4 : 16;
}

static bool mac_is_zero(const uint8_t *m)
{
	return !(m[0] | m[1] | m[2] | m[3] | m[4] | m[5]);
}

int vxoff__fdb_check(struct vxoff_ctx *ctx, const void *entry, uint32_t entry_sz,
		     const char *what, struct vxoff_fdb_entry *out)
{
	uint32_t usz;
	int r;

	if (!entry)
		return vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG, "%s: the FDB entry is NULL",
				  what);
	memcpy(&usz, entry, sizeof(usz));
	if (entry_sz && usz > entry_sz)
		return vxoff__err(ctx, -EINVAL, VXOFF_REASON_STRUCT_SIZE,
				  "%s: FDB entry sz %u is larger than fdb_entry_sz %u", what, usz,
				  entry_sz);
	r = vxoff__copy_in(out, sizeof(*out), entry, VXOFF_FDB_ENTRY_SZ_0_1);
	if (r < 0)
		return vxoff__err(
			ctx, r, VXOFF_REASON_STRUCT_SIZE,
			r == -EINVAL ? "%s: FDB entry sz %u is below the 0.1 size"
				     : "%s: FDB entry (sz %u) has bytes this library does not know",
			what, usz);
	if (out->flags & ~FDB_KNOWN_FLAGS)
		return vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG,
				  "%s: FDB entry flags 0x%x has unknown bits", what, out->flags);
	if (out->reserved0[0] || out->reserved0[1] || out->reserved1)
		return vxoff__err(ctx, -E2BIG, VXOFF_REASON_STRUCT_SIZE,
				  "%s: FDB entry reserved fields are not 0", what);
	if (out->dst_family && out->dst_family != AF_INET && out->dst_family != AF_INET6)
		return vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG,
				  "%s: FDB entry dst_family %u is neither AF_INET nor AF_INET6",
				  what, out->dst_family);
	if (!out->dst_family)
		memset(out->dst, 0, sizeof(out->dst));
	else if (out->dst_family == AF_INET)
		memset(out->dst + 4, 0, 12);
	if ((out->flags & VXOFF_FDB_F_VNI) && out->vni >= (1u << 24))
		return vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG,
				  "%s: FDB entry vni %u is not below 2^24", what, out->vni);
	if ((out->flags & VXOFF_FDB_F_SRC_VNI) && out->src_vni >= (1u << 24))
		return vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG,
				  "%s: FDB entry src_vni %u is not below 2^24", what, out->src_vni);
	if ((out->flags & VXOFF_FDB_F_PORT) && (out->port == 0 || out->port > 65535))
		return vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG,
				  "%s: FDB entry port %u is not 1 to 65535", what, out->port);
	if ((out->flags & VXOFF_FDB_F_IFINDEX) && out->ifindex == 0)
		return vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG,
				  "%s: FDB entry ifindex is 0 with VXOFF_FDB_F_IFINDEX", what);
	return 0;
}

uint16_t vxoff__fdb_create_flags(const struct vxoff_fdb_entry *e)
{
	/* the flood list and multicast MACs take several remotes; a unicast MAC takes one */
	if (mac_is_zero(e->mac) || (e->mac[0] & 1))
		return NLM_F_CREATE | NLM_F_APPEND;
	return NLM_F_CREATE | NLM_F_EXCL;
}

int vxoff__fdb_send(struct vxoff_ctx *ctx, uint16_t type, uint16_t nlflags, uint32_t ifindex,
		    const struct vxoff_fdb_entry *e, const char *what)
{
	union vxoff__req_buf rb = { .buf = { 0 } };
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(rb.buf);
	struct ndmsg *ndm;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | nlflags;
	ndm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ndm));
	ndm->ndm_family = AF_BRIDGE;
	ndm->ndm_ifindex = (int)ifindex;
	ndm->ndm_state = (e->flags & VXOFF_FDB_F_DYNAMIC) ? NUD_REACHABLE : NUD_PERMANENT;
	ndm->ndm_flags = NTF_SELF;
	mnl_attr_put(nlh, NDA_LLADDR, 6, e->mac);
	if (e->dst_family)
		mnl_attr_put(nlh, NDA_DST, addr_len(e->dst_family), e->dst);
	if (e->flags & VXOFF_FDB_F_PORT)
		mnl_attr_put_u16(nlh, NDA_PORT, htons((uint16_t)e->port));
	if (e->flags & VXOFF_FDB_F_VNI)
		mnl_attr_put_u32(nlh, NDA_VNI, e->vni);
	if (e->flags & VXOFF_FDB_F_IFINDEX)
		mnl_attr_put_u32(nlh, NDA_IFINDEX, e->ifindex);
	if (e->flags & VXOFF_FDB_F_SRC_VNI)
		mnl_attr_put_u32(nlh, NDA_SRC_VNI, e->src_vni);
	return vxoff__nl_request(ctx, VXOFF__NL_ROUTE, nlh, NULL, what);
}

struct fdb_dump {
	uint32_t ifindex;
	struct vxoff_fdb_entry *v;
	uint32_t n, cap;
};

static void fdb_reset(void *data)
{
	((struct fdb_dump *)data)->n = 0;
}

static int fdb_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[NDA_MAX + 1];
	struct fdb_dump *d = data;
	const struct ndmsg *ndm;
	struct vxoff_fdb_entry e, *p;
	uint16_t be16;

	if (nlh->nlmsg_type != RTM_NEWNEIGH)
		return 0;
	if (vxoff__nlmsg_check(nlh, sizeof(*ndm)) < 0 ||
	    vxoff__attr_parse_msg(nlh, sizeof(*ndm), tb, NDA_MAX) < 0)
		return -EPROTO;
	ndm = mnl_nlmsg_get_payload(nlh);
	if (ndm->ndm_family != AF_BRIDGE || (uint32_t)ndm->ndm_ifindex != d->ifindex)
		return 0;
	if (!tb[NDA_LLADDR] || mnl_attr_get_payload_len(tb[NDA_LLADDR]) != 6)
		return 0; /* not an Ethernet FDB entry */
	memset(&e, 0, sizeof(e));
	e.sz = sizeof(e);
	memcpy(e.mac, mnl_attr_get_payload(tb[NDA_LLADDR]), 6);
	if (tb[NDA_DST]) {
		uint16_t len = mnl_attr_get_payload_len(tb[NDA_DST]);

		if (len == 4 || len == 16) {
			e.dst_family = len == 4 ? AF_INET : AF_INET6;
			memcpy(e.dst, mnl_attr_get_payload(tb[NDA_DST]), len);
		}
	}
	if (tb[NDA_PORT] && vxoff__attr_u16(tb[NDA_PORT], &be16) == 0) {
		e.port = ntohs(be16);
		e.flags |= VXOFF_FDB_F_PORT;
	}
	if (tb[NDA_VNI] && vxoff__attr_u32(tb[NDA_VNI], &e.vni) == 0)
		e.flags |= VXOFF_FDB_F_VNI;
	if (tb[NDA_IFINDEX] && vxoff__attr_u32(tb[NDA_IFINDEX], &e.ifindex) == 0)
		e.flags |= VXOFF_FDB_F_IFINDEX;
	if (tb[NDA_SRC_VNI] && vxoff__attr_u32(tb[NDA_SRC_VNI], &e.src_vni) == 0)
		e.flags |= VXOFF_FDB_F_SRC_VNI;
	if (!(ndm->ndm_state & (NUD_PERMANENT | NUD_NOARP)))
		e.flags |= VXOFF_FDB_F_DYNAMIC;
	p = vxoff__grow(d->v, &d->cap, d->n, sizeof(*p));
	if (!p)
		return -ENOMEM;
	d->v = p;
	d->v[d->n++] = e;
	return 0;
}

int vxoff__fdb_dump(struct vxoff_ctx *ctx, uint32_t ifindex, const char *what,
		    struct vxoff_fdb_entry **ret, uint32_t *count)
{
	union vxoff__req_buf rb = { .buf = { 0 } };
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(rb.buf);
	struct fdb_dump d = { .ifindex = ifindex };
	struct vxoff__nl_handler h = { .msg = fdb_cb, .reset = fdb_reset, .data = &d };
	struct ndmsg *ndm;
	int r;

	nlh->nlmsg_type = RTM_GETNEIGH;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	ndm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ndm));
	ndm->ndm_family = AF_BRIDGE;
	ndm->ndm_ifindex = (int)ifindex; /* strict dump: entries of this device only */
	r = vxoff__nl_request(ctx, VXOFF__NL_ROUTE, nlh, &h, what);
	if (r < 0) {
		free(d.v);
		return r;
	}
	*ret = d.v;
	*count = d.n;
	return 0;
}

/* ---- addresses ---- */

int vxoff__addr_check(struct vxoff_ctx *ctx, const void *addr, uint32_t addr_sz,
		      const char *what, struct vxoff_tunnel_addr *out)
{
	uint32_t usz;
	int r;

	if (!addr)
		return vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG, "%s: the address is NULL", what);
	memcpy(&usz, addr, sizeof(usz));
	if (addr_sz && usz > addr_sz)
		return vxoff__err(ctx, -EINVAL, VXOFF_REASON_STRUCT_SIZE,
				  "%s: address sz %u is larger than addr_entry_sz %u", what, usz,
				  addr_sz);
	r = vxoff__copy_in(out, sizeof(*out), addr, VXOFF_TUNNEL_ADDR_SZ_0_1);
	if (r < 0)
		return vxoff__err(
			ctx, r, VXOFF_REASON_STRUCT_SIZE,
			r == -EINVAL ? "%s: address sz %u is below the 0.1 size"
				     : "%s: address (sz %u) has bytes this library does not know",
			what, usz);
	if (out->reserved0)
		return vxoff__err(ctx, -E2BIG, VXOFF_REASON_STRUCT_SIZE,
				  "%s: address reserved0 is not 0", what);
	if (out->family != AF_INET && out->family != AF_INET6)
		return vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG,
				  "%s: address family %u is neither AF_INET nor AF_INET6", what,
				  out->family);
	if (out->prefixlen > (out->family == AF_INET ? 32u : 128u))
		return vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG,
				  "%s: prefix length %u is out of range for %s", what,
				  out->prefixlen,
				  out->family == AF_INET ? "IPv4 (0-32)" : "IPv6 (0-128)");
	if (out->family == AF_INET)
		memset(out->addr + 4, 0, 12);
	return 0;
}

int vxoff__addr_send(struct vxoff_ctx *ctx, uint16_t type, uint32_t ifindex,
		     const struct vxoff_tunnel_addr *a, const char *what)
{
	union vxoff__req_buf rb = { .buf = { 0 } };
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(rb.buf);
	struct ifaddrmsg *ifa;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | (type == RTM_NEWADDR ? NLM_F_CREATE | NLM_F_EXCL : 0);
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = (uint8_t)a->family;
	ifa->ifa_prefixlen = (uint8_t)a->prefixlen;
	ifa->ifa_index = ifindex;
	mnl_attr_put(nlh, IFA_LOCAL, addr_len(a->family), a->addr);
	mnl_attr_put(nlh, IFA_ADDRESS, addr_len(a->family), a->addr);
	return vxoff__nl_request(ctx, VXOFF__NL_ROUTE, nlh, NULL, what);
}

struct addr_dump {
	uint32_t ifindex;
	struct vxoff_tunnel_addr *v;
	uint32_t n, cap;
};

static void addr_reset(void *data)
{
	((struct addr_dump *)data)->n = 0;
}

static int addr_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[IFA_MAX + 1];
	struct addr_dump *d = data;
	const struct ifaddrmsg *ifa;
	const struct nlattr *a;
	struct vxoff_tunnel_addr x, *v;
	uint32_t flags;

	if (nlh->nlmsg_type != RTM_NEWADDR)
		return 0;
	if (vxoff__nlmsg_check(nlh, sizeof(*ifa)) < 0 ||
	    vxoff__attr_parse_msg(nlh, sizeof(*ifa), tb, IFA_MAX) < 0)
		return -EPROTO;
	ifa = mnl_nlmsg_get_payload(nlh);
	if (ifa->ifa_index != d->ifindex ||
	    (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6))
		return 0;
	flags = ifa->ifa_flags;
	if (tb[IFA_FLAGS])
		vxoff__attr_u32(tb[IFA_FLAGS], &flags);
	if (!(flags & IFA_F_PERMANENT))
		return 0; /* SLAAC, temporary: not ours to keep */
	if (tb[IFA_PROTO]) {
		uint8_t proto;

		/* made by the kernel (link-local, RA, loopback): the new device makes its own */
		if (vxoff__attr_u8(tb[IFA_PROTO], &proto) == 0 && proto >= IFAPROT_KERNEL_LO &&
		    proto <= IFAPROT_KERNEL_LL)
			return 0;
	} else if (ifa->ifa_family == AF_INET6 && tb[IFA_ADDRESS] &&
		   mnl_attr_get_payload_len(tb[IFA_ADDRESS]) == 16) {
		const uint8_t *p = mnl_attr_get_payload(tb[IFA_ADDRESS]);

		if (p[0] == 0xfe && (p[1] & 0xc0) == 0x80)
			return 0; /* before 6.3 (no IFA_PROTO): take fe80::/10 as the kernel's */
	}
	a = tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
	if (!a || mnl_attr_get_payload_len(a) != addr_len(ifa->ifa_family))
		return 0;
	memset(&x, 0, sizeof(x));
	x.sz = sizeof(x);
	x.family = ifa->ifa_family;
	x.prefixlen = ifa->ifa_prefixlen;
	memcpy(x.addr, mnl_attr_get_payload(a), addr_len(x.family));
	v = vxoff__grow(d->v, &d->cap, d->n, sizeof(*v));
	if (!v)
		return -ENOMEM;
	d->v = v;
	d->v[d->n++] = x;
	return 0;
}

int vxoff__addr_dump(struct vxoff_ctx *ctx, uint32_t ifindex, const char *what,
		     struct vxoff_tunnel_addr **ret, uint32_t *count)
{
	struct addr_dump d = { .ifindex = ifindex };
	struct vxoff__nl_handler h = { .msg = addr_cb, .reset = addr_reset, .data = &d };
	static const uint8_t fams[] = { AF_INET, AF_INET6 };
	int r = 0;

	for (size_t i = 0; i < sizeof(fams) && r == 0; i++) {
		union vxoff__req_buf rb = { .buf = { 0 } };
		struct nlmsghdr *nlh = mnl_nlmsg_put_header(rb.buf);
		struct ifaddrmsg *ifa;

		nlh->nlmsg_type = RTM_GETADDR;
		nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
		ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
		ifa->ifa_family = fams[i];
		ifa->ifa_index = ifindex; /* strict dump: this device only */
		r = vxoff__nl_request(ctx, VXOFF__NL_ROUTE, nlh, &h, what);
	}
	if (r < 0) {
		free(d.v);
		return r;
	}
	*ret = d.v;
	*count = d.n;
	return 0;
}

/* ---- public ---- */

/* Resolve dev to a VXLAN device: 0, -EINVAL (bad name / not VXLAN), -ENODEV. */
static int vxlan_dev(struct vxoff_ctx *ctx, const char *dev, const char *what,
		     struct vxoff_tunnel **ret)
{
	struct vxoff_tunnel *t;
	int r;

	if (!dev || !*dev || strlen(dev) >= IFNAMSIZ)
		return vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG,
				  "%s: the device name must be 1 to 15 bytes", what);
	r = vxoff__tun_getlink(ctx, dev, 0, what, &t);
	if (r < 0)
		return r;
	if (!vxoff__tun_is_vxlan(t)) {
		r = vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG, "%s: %s is not a VXLAN device", what,
			       dev);
		vxoff_tunnel_free(t);
		return r;
	}
	*ret = t;
	return 0;
}

int vxoff_fdb_add(struct vxoff_ctx *ctx, const char *dev, const struct vxoff_fdb_entry *entry,
		  uint32_t flags)
{
	struct vxoff_tunnel *t = NULL;
	struct vxoff_fdb_entry e;
	uint16_t nlflags = NLM_F_CREATE;
	char what[96];
	int r;

	r = vxoff__ctx_enter(ctx);
	if (r < 0)
		return r;
	snprintf(what, sizeof(what), "adding an FDB entry to %s", dev ? dev : "(null)");
	if (flags & ~(VXOFF_FDB_ADD_APPEND | VXOFF_FDB_ADD_REPLACE) ||
	    flags == (VXOFF_FDB_ADD_APPEND | VXOFF_FDB_ADD_REPLACE)) {
		r = vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG,
			       "%s: flags 0x%x: unknown bits, or both APPEND and REPLACE", what,
			       flags);
		goto out;
	}
	r = vxoff__fdb_check(ctx, entry, 0, what, &e);
	if (r < 0)
		goto out;
	if (!e.dst_family) {
		r = vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG,
			       "%s: the entry needs a destination (dst_family)", what);
		goto out;
	}
	r = vxlan_dev(ctx, dev, what, &t);
	if (r < 0)
		goto out;
	if (flags & VXOFF_FDB_ADD_APPEND)
		nlflags |= NLM_F_APPEND;
	else if (flags & VXOFF_FDB_ADD_REPLACE)
		nlflags |= NLM_F_REPLACE;
	else
		nlflags |= NLM_F_EXCL;
	r = vxoff__fdb_send(ctx, RTM_NEWNEIGH, nlflags, t->ifindex, &e, what);
out:
	vxoff_tunnel_free(t);
	vxoff__ctx_leave(ctx);
	return r;
}

/* Does an entry of the dump match what a delete of e would remove? Omitted port/vni in the
 * dump are the device's own. */
static bool fdb_match(const struct vxoff_tunnel *t, const struct vxoff_fdb_entry *have,
		      const struct vxoff_fdb_entry *e)
{
	uint32_t hport = (have->flags & VXOFF_FDB_F_PORT) ? have->port : t->opts.port;
	uint32_t hvni = (have->flags & VXOFF_FDB_F_VNI) ? have->vni : t->opts.vni;
	uint32_t eport = (e->flags & VXOFF_FDB_F_PORT) ? e->port : t->opts.port;
	uint32_t evni = (e->flags & VXOFF_FDB_F_VNI) ? e->vni : t->opts.vni;

	if (memcmp(have->mac, e->mac, 6))
		return false;
	if ((e->flags & VXOFF_FDB_F_SRC_VNI) &&
	    (!(have->flags & VXOFF_FDB_F_SRC_VNI) || have->src_vni != e->src_vni))
		return false;
	if (!e->dst_family)
		return true;
	if (have->dst_family != e->dst_family ||
	    memcmp(have->dst, e->dst, addr_len(e->dst_family)) || hport != eport || hvni != evni)
		return false;
	if ((e->flags & VXOFF_FDB_F_IFINDEX) &&
	    ((have->flags & VXOFF_FDB_F_IFINDEX) ? have->ifindex : 0) != e->ifindex)
		return false;
	return true;
}

int vxoff_fdb_del(struct vxoff_ctx *ctx, const char *dev, const struct vxoff_fdb_entry *entry)
{
	struct vxoff_fdb_entry e, *v = NULL;
	struct vxoff_tunnel *t = NULL;
	uint32_t n = 0, i;
	char what[96];
	int r;

	r = vxoff__ctx_enter(ctx);
	if (r < 0)
		return r;
	snprintf(what, sizeof(what), "deleting an FDB entry from %s", dev ? dev : "(null)");
	r = vxoff__fdb_check(ctx, entry, 0, what, &e);
	if (r < 0)
		goto out;
	r = vxlan_dev(ctx, dev, what, &t);
	if (r < 0)
		goto out;
	/* the kernel acknowledges a remote that matches nothing: look first, to say ENOENT */
	r = vxoff__fdb_dump(ctx, t->ifindex, what, &v, &n);
	if (r < 0)
		goto out;
	for (i = 0; i < n && !fdb_match(t, &v[i], &e); i++)
		;
	if (i == n) {
		char dst[INET6_ADDRSTRLEN] = "";

		if (e.dst_family)
			inet_ntop((int)e.dst_family, e.dst, dst, sizeof(dst));
		r = vxoff__err(ctx, -ENOENT, VXOFF_REASON_ARG,
			       "%s: no entry %02x:%02x:%02x:%02x:%02x:%02x%s%s", what, e.mac[0],
			       e.mac[1], e.mac[2], e.mac[3], e.mac[4], e.mac[5],
			       e.dst_family ? " dst " : "", dst);
		goto out;
	}
	r = vxoff__fdb_send(ctx, RTM_DELNEIGH, 0, t->ifindex, &e, what);
out:
	free(v);
	vxoff_tunnel_free(t);
	vxoff__ctx_leave(ctx);
	return r;
}

int vxoff_fdb_list(struct vxoff_ctx *ctx, const char *dev, struct vxoff_fdb_entry **ret,
		   uint32_t *count)
{
	struct vxoff_tunnel *t = NULL;
	struct vxoff_fdb_entry *v;
	char what[96];
	uint32_t n;
	int r;

	r = vxoff__ctx_enter(ctx);
	if (r < 0)
		return r;
	snprintf(what, sizeof(what), "listing the FDB of %s", dev ? dev : "(null)");
	if (!ret || !count) {
		r = vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG, "%s: ret and count must not be NULL",
			       what);
		goto out;
	}
	r = vxlan_dev(ctx, dev, what, &t);
	if (r < 0)
		goto out;
	r = vxoff__fdb_dump(ctx, t->ifindex, what, &v, &n);
	if (r < 0)
		goto out;
	*ret = v;
	*count = n;
out:
	vxoff_tunnel_free(t);
	vxoff__ctx_leave(ctx);
	return r;
}

static int addr_op(struct vxoff_ctx *ctx, const char *dev, const struct vxoff_tunnel_addr *addr,
		   uint16_t type)
{
	struct vxoff_tunnel *t = NULL;
	struct vxoff_tunnel_addr a;
	char what[96];
	int r;

	r = vxoff__ctx_enter(ctx);
	if (r < 0)
		return r;
	snprintf(what, sizeof(what), "%s an address %s %s",
		 type == RTM_NEWADDR ? "adding" : "deleting", type == RTM_NEWADDR ? "to" : "from",
		 dev ? dev : "(null)");
	r = vxoff__addr_check(ctx, addr, 0, what, &a);
	if (r < 0)
		goto out;
	r = vxlan_dev(ctx, dev, what, &t);
	if (r < 0)
		goto out;
	r = vxoff__addr_send(ctx, type, t->ifindex, &a, what);
out:
	vxoff_tunnel_free(t);
	vxoff__ctx_leave(ctx);
	return r;
}

int vxoff_tunnel_addr_add(struct vxoff_ctx *ctx, const char *dev,
			  const struct vxoff_tunnel_addr *addr)
{
	return addr_op(ctx, dev, addr, RTM_NEWADDR);
}

int vxoff_tunnel_addr_del(struct vxoff_ctx *ctx, const char *dev,
			  const struct vxoff_tunnel_addr *addr)
{
	return addr_op(ctx, dev, addr, RTM_DELADDR);
}

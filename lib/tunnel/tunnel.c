/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * VXLAN devices over rtnetlink: create (one transaction: device, FDB, addresses, up, undone
 * on failure), change, replace, delete, delete many, each verified by reading the device back.
 *
 * Round trips of a create: the device (RTM_NEWLINK with every option, MTU, MAC, target
 * namespace, and IFF_UP when nothing else follows), one RTM_GETLINK that verifies it and gives
 * the ifindex, one RTM_NEWNEIGH per FDB entry, one RTM_NEWADDR per address, then up.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <linux/if_addr.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include "netlink/compat.h"
#include "tunnel_internal.h"

#define BIT(id) (1ull << (id))
#define KNOWN_SET (BIT(VXOFF_TUN_COUNT) - 1)
#define KNOWN_FLAGS (VXOFF_TUNNEL_F_MTU_AUTO | VXOFF_TUNNEL_F_NETNS_FD)
#define BOOLS                                                                                     \
	(BIT(VXOFF_TUN_TTL_INHERIT) | BIT(VXOFF_TUN_LEARNING) | BIT(VXOFF_TUN_PROXY) |            \
	 BIT(VXOFF_TUN_RSC) | BIT(VXOFF_TUN_L2MISS) | BIT(VXOFF_TUN_L3MISS) |                     \
	 BIT(VXOFF_TUN_UDP_CSUM) | BIT(VXOFF_TUN_UDP6_ZERO_CSUM_TX) |                              \
	 BIT(VXOFF_TUN_UDP6_ZERO_CSUM_RX) | BIT(VXOFF_TUN_REMCSUM_TX) |                            \
	 BIT(VXOFF_TUN_REMCSUM_RX) | BIT(VXOFF_TUN_REMCSUM_NOPARTIAL) | BIT(VXOFF_TUN_GBP) |      \
	 BIT(VXOFF_TUN_GPE) | BIT(VXOFF_TUN_EXTERNAL) | BIT(VXOFF_TUN_VNIFILTER) |                \
	 BIT(VXOFF_TUN_LOCALBYPASS) | BIT(VXOFF_TUN_MC_ROUTE) | BIT(VXOFF_TUN_UP))
/* What changelink accepts on a live device (measured on 6.18), plus the link-level ones. */
#define CHANGEABLE                                                                                \
	(BIT(VXOFF_TUN_TTL) | BIT(VXOFF_TUN_TOS) | BIT(VXOFF_TUN_DF) | BIT(VXOFF_TUN_LABEL) |     \
	 BIT(VXOFF_TUN_LABEL_POLICY) | BIT(VXOFF_TUN_LEARNING) | BIT(VXOFF_TUN_AGEING) |          \
	 BIT(VXOFF_TUN_REMOTE) | BIT(VXOFF_TUN_GROUP) | BIT(VXOFF_TUN_LOCAL) |                    \
	 BIT(VXOFF_TUN_UNDERLAY) | BIT(VXOFF_TUN_LOCALBYPASS) | BIT(VXOFF_TUN_MC_ROUTE) |         \
	 BIT(VXOFF_TUN_MTU) | BIT(VXOFF_TUN_MAC) | BIT(VXOFF_TUN_UP))
/* Options that live in IFLA_INFO_DATA. */
#define VXLAN_ATTRS (BIT(VXOFF_TUN_MTU) - 1)

#define NAME_OPT 0xffffu /* pseudo option: IFLA_IFNAME */

/* A prepared request: the caller's options copied in and checked, FDB and addresses. */
struct treq {
	struct vxoff_tunnel_opts o; /* pointers cleared; underlay resolved to underlay_ifindex */
	char underlay[IFNAMSIZ];
	char netns[256];
	struct vxoff_fdb_entry *fdb;
	uint32_t nfdb;
	struct vxoff_tunnel_addr *addrs;
	uint32_t naddr;
	uint32_t link_mtu; /* underlay MTU; 0 = no underlay */
};

static void treq_free(struct treq *q)
{
	free(q->fdb);
	free(q->addrs);
	q->fdb = NULL;
	q->addrs = NULL;
}

/* Attribute offsets of a request, to name the option the kernel's extack points at. */
struct amap {
	uint32_t n;
	struct {
		uint32_t off, len, opt;
	} e[64];
};

static void am_put(struct nlmsghdr *nlh, struct amap *m, uint32_t opt, uint16_t type, size_t len,
		   const void *data)
{
	uint32_t off = nlh->nlmsg_len;

	mnl_attr_put(nlh, type, len, data);
	if (m && m->n < sizeof(m->e) / sizeof(m->e[0])) {
		m->e[m->n].off = off;
		m->e[m->n].len = nlh->nlmsg_len - off;
		m->e[m->n].opt = opt;
		m->n++;
	}
}

static void am_u8(struct nlmsghdr *nlh, struct amap *m, uint32_t opt, uint16_t type, uint8_t v)
{
	am_put(nlh, m, opt, type, 1, &v);
}

static void am_u32(struct nlmsghdr *nlh, struct amap *m, uint32_t opt, uint16_t type, uint32_t v)
{
	am_put(nlh, m, opt, type, 4, &v);
}

static const char *opt_name(uint32_t opt)
{
	if (opt == NAME_OPT)
		return "name";
	return vxoff_tun_option_name(opt);
}

/*
 * After a failed request sent with `what` as its prefix: when the kernel pointed at an
 * attribute of ours, say which option it was ("<what>: option dstport: <strerror>; kernel
 * says: ...").
 */
static int name_option(struct vxoff_ctx *ctx, int r, const char *what, const struct amap *m)
{
	VXOFF_OUT(vxoff_error, e);
	size_t wl = strlen(what);
	char *rest;

	if (!m || vxoff_ctx_last_error(ctx, &e) < 0 || !e.msg || !e.nl_attr_offset)
		return r;
	for (uint32_t i = 0; i < m->n; i++) {
		if (e.nl_attr_offset < m->e[i].off || e.nl_attr_offset >= m->e[i].off + m->e[i].len)
			continue;
		if (strncmp(e.msg, what, wl) || strncmp(e.msg + wl, ": ", 2))
			return r;
		rest = strdup(e.msg + wl + 2);
		if (!rest)
			return r;
		vxoff__err(ctx, r, e.reason, "%s: option %s: %s", what, opt_name(m->e[i].opt),
			   rest);
		free(rest);
		return r;
	}
	return r;
}

/* Copy the error of an inner context (target namespace) into the caller's. */
static int propagate(struct vxoff_ctx *ctx, struct vxoff_ctx *dctx, int r)
{
	VXOFF_OUT(vxoff_error, e);

	if (dctx == ctx || vxoff_ctx_last_error(dctx, &e) < 0 || !e.err)
		return r;
	return vxoff__err(
		ctx, r, e.reason, "%s%s%s", e.msg ? e.msg : strerror(-r),
		e.kernel_msg && (!e.msg || !strstr(e.msg, e.kernel_msg)) ? "; kernel says: " : "",
		e.kernel_msg && (!e.msg || !strstr(e.msg, e.kernel_msg)) ? e.kernel_msg : "");
}

static void copy_warnings(struct vxoff_ctx *ctx, struct vxoff_ctx *dctx)
{
	uint32_t n = vxoff_ctx_warning_count(dctx);

	if (dctx == ctx)
		return;
	for (uint32_t i = 0; i < n; i++) {
		VXOFF_OUT(vxoff_warning, w);

		if (vxoff_ctx_warning(dctx, i, &w) == 0)
			vxoff__warn(ctx, w.code, w.what, w.requested, w.applied, "%s",
				    w.msg ? w.msg : "");
	}
}

/* ---- one option at a time ---- */

static size_t alen(uint32_t family)
{
	return family == AF_INET ? 4 : 16;
}

static bool addr_mc(uint32_t family, const uint8_t *a)
{
	return family == AF_INET ? (a[0] & 0xf0) == 0xe0 : a[0] == 0xff;
}

static bool addr_any(uint32_t family, const uint8_t *a)
{
	for (size_t i = 0; i < alen(family); i++)
		if (a[i])
			return false;
	return true;
}

/* Copy option id's value from src to dst (set and on bits too). */
static void opt_copy(struct vxoff_tunnel_opts *d, const struct vxoff_tunnel_opts *s, uint32_t id)
{
	d->set |= BIT(id);
	d->on = (d->on & ~BIT(id)) | (s->on & BIT(id));
	switch (id) {
	case VXOFF_TUN_VNI:
		d->vni = s->vni;
		break;
	case VXOFF_TUN_PORT:
		d->port = s->port;
		break;
	case VXOFF_TUN_LOCAL:
		d->local_family = s->local_family;
		memcpy(d->local, s->local, 16);
		break;
	case VXOFF_TUN_REMOTE:
		d->remote_family = s->remote_family;
		memcpy(d->remote, s->remote, 16);
		d->set &= ~BIT(VXOFF_TUN_GROUP);
		break;
	case VXOFF_TUN_GROUP:
		d->group_family = s->group_family;
		memcpy(d->group, s->group, 16);
		d->set &= ~BIT(VXOFF_TUN_REMOTE);
		break;
	case VXOFF_TUN_UNDERLAY:
		d->underlay_ifindex = s->underlay_ifindex;
		break;
	case VXOFF_TUN_SRCPORT:
		d->srcport_min = s->srcport_min;
		d->srcport_max = s->srcport_max;
		break;
	case VXOFF_TUN_TTL:
		d->ttl = s->ttl;
		break;
	case VXOFF_TUN_TOS:
		d->tos = s->tos;
		break;
	case VXOFF_TUN_DF:
		d->df = s->df;
		break;
	case VXOFF_TUN_LABEL:
		d->label = s->label;
		break;
	case VXOFF_TUN_LABEL_POLICY:
		d->label_policy = s->label_policy;
		break;
	case VXOFF_TUN_AGEING:
		d->ageing = s->ageing;
		break;
	case VXOFF_TUN_MAXADDR:
		d->maxaddr = s->maxaddr;
		break;
	case VXOFF_TUN_RESERVED_BITS:
		memcpy(d->reserved_bits, s->reserved_bits, 8);
		break;
	case VXOFF_TUN_MTU:
		d->mtu = s->mtu;
		break;
	case VXOFF_TUN_MAC:
		memcpy(d->mac, s->mac, 6);
		break;
	default: /* booleans: the on bit above */
		break;
	}
}

/* Is option id the same in a and b (both hold it)? */
static bool opt_equal(const struct vxoff_tunnel_opts *a, const struct vxoff_tunnel_opts *b,
		      uint32_t id)
{
	struct vxoff_tunnel_opts x, y;

	memset(&x, 0, sizeof(x));
	memset(&y, 0, sizeof(y));
	opt_copy(&x, a, id);
	opt_copy(&y, b, id);
	x.set = y.set = 0;
	if (id == VXOFF_TUN_LOCAL && x.local_family == AF_INET)
		memset(x.local + 4, 0, 12), memset(y.local + 4, 0, 12);
	return !memcmp(&x, &y, sizeof(x));
}

/* The value of option id as text, for messages. */
static const char *opt_text(const struct vxoff_tunnel_opts *o, uint32_t id, char *buf, size_t n)
{
	switch (id) {
	case VXOFF_TUN_LOCAL:
		if (!inet_ntop((int)o->local_family, o->local, buf, (socklen_t)n))
			snprintf(buf, n, "?");
		return buf;
	case VXOFF_TUN_REMOTE:
		if (!inet_ntop((int)o->remote_family, o->remote, buf, (socklen_t)n))
			snprintf(buf, n, "?");
		return buf;
	case VXOFF_TUN_GROUP:
		if (!inet_ntop((int)o->group_family, o->group, buf, (socklen_t)n))
			snprintf(buf, n, "?");
		return buf;
	case VXOFF_TUN_SRCPORT:
		snprintf(buf, n, "%u-%u", o->srcport_min, o->srcport_max);
		return buf;
	case VXOFF_TUN_MAC:
		snprintf(buf, n, "%02x:%02x:%02x:%02x:%02x:%02x", o->mac[0], o->mac[1], o->mac[2],
			 o->mac[3], o->mac[4], o->mac[5]);
		return buf;
	case VXOFF_TUN_RESERVED_BITS:
		snprintf(buf, n, "0x");
		for (size_t i = 0; i < 8; i++)
			snprintf(buf + 2 + 2 * i, n - 2 - 2 * i, "%02x", o->reserved_bits[i]);
		return buf;
	default:
		break;
	}
	if (BOOLS & BIT(id)) {
		snprintf(buf, n, "%s", (o->on & BIT(id)) ? "on" : "off");
		return buf;
	}
	{
		uint32_t v = 0;

		switch (id) {
		case VXOFF_TUN_VNI: v = o->vni; break;
		case VXOFF_TUN_PORT: v = o->port; break;
		case VXOFF_TUN_UNDERLAY: v = o->underlay_ifindex; break;
		case VXOFF_TUN_TTL: v = o->ttl; break;
		case VXOFF_TUN_TOS: v = o->tos; break;
		case VXOFF_TUN_DF: v = o->df; break;
		case VXOFF_TUN_LABEL: v = o->label; break;
		case VXOFF_TUN_LABEL_POLICY: v = o->label_policy; break;
		case VXOFF_TUN_AGEING: v = o->ageing; break;
		case VXOFF_TUN_MAXADDR: v = o->maxaddr; break;
		case VXOFF_TUN_MTU: v = o->mtu; break;
		default: break;
		}
		snprintf(buf, n, "%u", v);
	}
	return buf;
}

/* ---- checks before any kernel call ---- */

static int bad(struct vxoff_ctx *ctx, const char *what, uint32_t id, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int bad(struct vxoff_ctx *ctx, const char *what, uint32_t id, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG, "%s: option %s: %s", what, opt_name(id),
			  msg);
}
#ifdef __clang_analyzer__
/* For clang-tidy only, as vxoff__err() in core.h: the analyser does not step into variadic
 * functions, so tell it the result, always -EINVAL. */
#define bad(ctx, what, id, ...) (bad(ctx, what, id, __VA_ARGS__), -EINVAL)
#endif

static int check_name(struct vxoff_ctx *ctx, const char *what, const char *name)
{
	size_t n = name ? strlen(name) : 0;

	if (!n || n >= IFNAMSIZ)
		return bad(ctx, what, NAME_OPT, "an interface name is 1 to 15 bytes, not %zu", n);
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return bad(ctx, what, NAME_OPT, "'%s' is not a valid interface name", name);
	for (size_t i = 0; i < n; i++)
		if (name[i] == '/' || name[i] == ':' || name[i] == ' ' ||
		    (name[i] >= '\t' && name[i] <= '\r'))
			return bad(ctx, what, NAME_OPT,
				   "'%s' contains '/', ':' or whitespace, which the kernel rejects",
				   name);
	return 0;
}

static int check_family(struct vxoff_ctx *ctx, const char *what, uint32_t id, uint32_t family)
{
	if (family != AF_INET && family != AF_INET6)
		return bad(ctx, what, id, "family %u is neither AF_INET nor AF_INET6", family);
	return 0;
}

/* Field ranges, bits and reserved bytes of one opts struct. */
static int check_fields(struct vxoff_ctx *ctx, const char *what, struct vxoff_tunnel_opts *o)
{
	uint64_t s;
	int r;

	if (o->flags & ~KNOWN_FLAGS)
		return vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG,
				  "%s: vxoff_tunnel_opts.flags 0x%x has unknown bits", what,
				  o->flags);
	if (o->flags & VXOFF_TUNNEL_F_MTU_AUTO)
		o->set |= BIT(VXOFF_TUN_MTU);
	if (o->flags & VXOFF_TUNNEL_F_NETNS_FD)
		o->set |= BIT(VXOFF_TUN_NETNS);
	s = o->set;
	if (s & ~KNOWN_SET)
		return vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG,
				  "%s: vxoff_tunnel_opts.set has unknown bits 0x%llx", what,
				  (unsigned long long)(s & ~KNOWN_SET));
	if (o->on & ~BOOLS)
		return vxoff__err(
			ctx, -EINVAL, VXOFF_REASON_ARG,
			"%s: vxoff_tunnel_opts.on has bits 0x%llx of options that are not "
			"booleans",
			what, (unsigned long long)(o->on & ~BOOLS));
	if (o->on & ~s) {
		uint32_t id = (uint32_t)__builtin_ctzll(o->on & ~s);

		return bad(ctx, what, id, "its bit is in .on but not in .set");
	}
	if (o->reserved0[0] || o->reserved0[1] || o->reserved1)
		return vxoff__err(ctx, -E2BIG, VXOFF_REASON_STRUCT_SIZE,
				  "%s: vxoff_tunnel_opts reserved fields are not 0", what);
	if ((s & BIT(VXOFF_TUN_VNI)) && o->vni >= (1u << 24))
		return bad(ctx, what, VXOFF_TUN_VNI, "VNI %u is not below 2^24", o->vni);
	if ((s & BIT(VXOFF_TUN_PORT)) && (o->port == 0 || o->port > 65535))
		return bad(ctx, what, VXOFF_TUN_PORT, "port %u is not 1 to 65535", o->port);
	if (s & BIT(VXOFF_TUN_LOCAL)) {
		r = check_family(ctx, what, VXOFF_TUN_LOCAL, o->local_family);
		if (r < 0)
			return r;
		if (addr_mc(o->local_family, o->local))
			return bad(ctx, what, VXOFF_TUN_LOCAL,
				   "a local address cannot be multicast");
	}
	if (s & BIT(VXOFF_TUN_REMOTE)) {
		r = check_family(ctx, what, VXOFF_TUN_REMOTE, o->remote_family);
		if (r < 0)
			return r;
		if (addr_mc(o->remote_family, o->remote))
			return bad(ctx, what, VXOFF_TUN_REMOTE,
				   "the remote is a multicast address: use group");
		if (addr_any(o->remote_family, o->remote))
			return bad(ctx, what, VXOFF_TUN_REMOTE, "the remote is the any address");
	}
	if (s & BIT(VXOFF_TUN_GROUP)) {
		r = check_family(ctx, what, VXOFF_TUN_GROUP, o->group_family);
		if (r < 0)
			return r;
		if (!addr_mc(o->group_family, o->group))
			return bad(ctx, what, VXOFF_TUN_GROUP,
				   "the group is not a multicast address: use remote");
	}
	if ((s & BIT(VXOFF_TUN_REMOTE)) && (s & BIT(VXOFF_TUN_GROUP)))
		return bad(ctx, what, VXOFF_TUN_GROUP, "give remote or group, not both");
	if (s & BIT(VXOFF_TUN_UNDERLAY)) {
		if (o->underlay && o->underlay_ifindex)
			return bad(ctx, what, VXOFF_TUN_UNDERLAY,
				   "give underlay or underlay_ifindex, not both");
		if (!o->underlay && !o->underlay_ifindex)
			return bad(ctx, what, VXOFF_TUN_UNDERLAY,
				   "neither underlay nor underlay_ifindex is given");
		if (o->underlay && (!*o->underlay || strlen(o->underlay) >= IFNAMSIZ))
			return bad(ctx, what, VXOFF_TUN_UNDERLAY,
				   "an interface name is 1 to 15 bytes");
	} else if (o->underlay || o->underlay_ifindex) {
		return bad(ctx, what, VXOFF_TUN_UNDERLAY,
			   "underlay is given but VXOFF_TUN_UNDERLAY is not in .set");
	}
	if ((s & BIT(VXOFF_TUN_SRCPORT)) &&
	    (o->srcport_min > o->srcport_max || o->srcport_max > 65535))
		return bad(ctx, what, VXOFF_TUN_SRCPORT,
			   "%u-%u: min must not exceed max, max at most 65535", o->srcport_min,
			   o->srcport_max);
	if ((s & BIT(VXOFF_TUN_TTL)) && o->ttl > 255)
		return bad(ctx, what, VXOFF_TUN_TTL, "%u is above 255", o->ttl);
	if ((s & BIT(VXOFF_TUN_TOS)) && o->tos > 255)
		return bad(ctx, what, VXOFF_TUN_TOS, "%u is above 255", o->tos);
	if ((s & BIT(VXOFF_TUN_DF)) && o->df > VXOFF_DF_INHERIT)
		return bad(ctx, what, VXOFF_TUN_DF, "%u is not unset (0), set (1) or inherit (2)",
			   o->df);
	if ((s & BIT(VXOFF_TUN_LABEL)) && o->label >= (1u << 20))
		return bad(ctx, what, VXOFF_TUN_LABEL, "%u is not below 2^20", o->label);
	if ((s & BIT(VXOFF_TUN_LABEL_POLICY)) && o->label_policy > VXOFF_LABEL_INHERIT)
		return bad(ctx, what, VXOFF_TUN_LABEL_POLICY, "%u is not fixed (0) or inherit (1)",
			   o->label_policy);
	if ((s & BIT(VXOFF_TUN_MTU)) && !(o->flags & VXOFF_TUNNEL_F_MTU_AUTO) &&
	    (o->mtu < 68 || o->mtu > 65535))
		return bad(ctx, what, VXOFF_TUN_MTU, "%u is not 68 to 65535", o->mtu);
	if ((s & BIT(VXOFF_TUN_MAC)) &&
	    ((o->mac[0] & 1) || !(o->mac[0] | o->mac[1] | o->mac[2] | o->mac[3] | o->mac[4] |
				  o->mac[5])))
		return bad(ctx, what, VXOFF_TUN_MAC, "a multicast or all-zero MAC address");
	if (s & BIT(VXOFF_TUN_NETNS)) {
		bool fd = o->flags & VXOFF_TUNNEL_F_NETNS_FD;

		if (fd == (o->target_netns != NULL))
			return bad(
				ctx, what, VXOFF_TUN_NETNS,
				"give target_netns or target_netns_fd (VXOFF_TUNNEL_F_NETNS_FD), "
				"exactly one");
		if (fd && o->target_netns_fd < 0)
			return bad(ctx, what, VXOFF_TUN_NETNS, "target_netns_fd is negative");
		if (!fd && (!*o->target_netns || strchr(o->target_netns, '/') ||
			    strlen(o->target_netns) > 255))
			return bad(ctx, what, VXOFF_TUN_NETNS, "'%s' is not a namespace name",
				   o->target_netns);
	} else if (o->target_netns) {
		return bad(ctx, what, VXOFF_TUN_NETNS,
			   "target_netns is given but VXOFF_TUN_NETNS is not in .set");
	}
	return 0;
}

static uint32_t dev_family(const struct vxoff_tunnel_opts *m)
{
	return vxoff__tun_overhead(m) == 70 ? AF_INET6 : AF_INET;
}

/* Checks across options: q = what was asked, m = the device as it will be. */
static int check_cross(struct vxoff_ctx *ctx, const char *what, const struct vxoff_tunnel_opts *q,
		       const struct vxoff_tunnel_opts *m)
{
	uint64_t s = m->set;
	uint32_t dst = 0;

	if (s & BIT(VXOFF_TUN_REMOTE))
		dst = m->remote_family;
	if (s & BIT(VXOFF_TUN_GROUP))
		dst = m->group_family;
	if ((s & BIT(VXOFF_TUN_LOCAL)) && dst && m->local_family != dst)
		return bad(ctx, what,
			   (q->set & BIT(VXOFF_TUN_LOCAL)) ? VXOFF_TUN_LOCAL
			   : (s & BIT(VXOFF_TUN_GROUP))	   ? VXOFF_TUN_GROUP
							   : VXOFF_TUN_REMOTE,
			   "local and remote/group addresses must be of the same family");
	if ((s & BIT(VXOFF_TUN_GROUP)) && !(s & BIT(VXOFF_TUN_UNDERLAY)))
		return bad(ctx, what, VXOFF_TUN_GROUP,
			   "a multicast group needs an underlay device (dev)");
	if ((q->set & BIT(VXOFF_TUN_LABEL)) && dev_family(m) != AF_INET6)
		return bad(ctx, what, VXOFF_TUN_LABEL, "a flow label applies to IPv6 devices only");
	if ((q->set & BIT(VXOFF_TUN_LABEL_POLICY)) && dev_family(m) != AF_INET6)
		return bad(ctx, what, VXOFF_TUN_LABEL_POLICY,
			   "a flow label policy applies to IPv6 devices only");
	if (m->on & BIT(VXOFF_TUN_GPE)) {
		if (!(m->on & BIT(VXOFF_TUN_EXTERNAL)))
			return bad(ctx, what, VXOFF_TUN_GPE, "gpe needs external");
		if (!(s & BIT(VXOFF_TUN_LEARNING)) || (m->on & BIT(VXOFF_TUN_LEARNING)))
			return bad(ctx, what, VXOFF_TUN_GPE,
				   "gpe needs learning off (the kernel's default is on)");
	}
	if ((m->on & BIT(VXOFF_TUN_VNIFILTER)) && !(m->on & BIT(VXOFF_TUN_EXTERNAL)))
		return bad(ctx, what, VXOFF_TUN_VNIFILTER, "vnifilter needs external");
	return 0;
}

/* Copy in and check the FDB entries and addresses of opts. */
static int copy_lists(struct vxoff_ctx *ctx, const char *what, const struct vxoff_tunnel_opts *o,
		      struct treq *q)
{
	char w[160];
	int r;

	if (o->fdb_count) {
		if (!o->fdb || o->fdb_entry_sz < VXOFF_FDB_ENTRY_SZ_0_1 ||
		    o->fdb_entry_sz > VXOFF_STRUCT_MAX_SZ)
			return vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG,
					  "%s: fdb is NULL or fdb_entry_sz %u is not %u to %u",
					  what, o->fdb_entry_sz, VXOFF_FDB_ENTRY_SZ_0_1,
					  VXOFF_STRUCT_MAX_SZ);
		q->fdb = calloc(o->fdb_count, sizeof(*q->fdb));
		if (!q->fdb)
			return vxoff__err(ctx, -ENOMEM, VXOFF_REASON_SYSTEM, "%s: out of memory",
					  what);
		for (uint32_t i = 0; i < o->fdb_count; i++) {
			snprintf(w, sizeof(w), "%s: fdb entry %u", what, i);
			r = vxoff__fdb_check(ctx,
					     (const char *)o->fdb + (size_t)i * o->fdb_entry_sz,
					     o->fdb_entry_sz, w, &q->fdb[i]);
			if (r < 0)
				return r;
			if (!q->fdb[i].dst_family)
				return vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG,
						  "%s: the entry needs a destination (dst_family)",
						  w);
			q->nfdb++;
		}
	} else if (o->fdb) {
		return vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG,
				  "%s: fdb is given with fdb_count 0", what);
	}
	if (o->addr_count) {
		if (!o->addrs || o->addr_entry_sz < VXOFF_TUNNEL_ADDR_SZ_0_1 ||
		    o->addr_entry_sz > VXOFF_STRUCT_MAX_SZ)
			return vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG,
					  "%s: addrs is NULL or addr_entry_sz %u is not %u to %u",
					  what, o->addr_entry_sz, VXOFF_TUNNEL_ADDR_SZ_0_1,
					  VXOFF_STRUCT_MAX_SZ);
		q->addrs = calloc(o->addr_count, sizeof(*q->addrs));
		if (!q->addrs)
			return vxoff__err(ctx, -ENOMEM, VXOFF_REASON_SYSTEM, "%s: out of memory",
					  what);
		for (uint32_t i = 0; i < o->addr_count; i++) {
			snprintf(w, sizeof(w), "%s: address %u", what, i);
			r = vxoff__addr_check(ctx,
					      (const char *)o->addrs + (size_t)i * o->addr_entry_sz,
					      o->addr_entry_sz, w, &q->addrs[i]);
			if (r < 0)
				return r;
			q->naddr++;
		}
	} else if (o->addrs) {
		return vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG,
				  "%s: addrs is given with addr_count 0", what);
	}
	return 0;
}

/*
 * The underlay's index and MTU by device ioctls: two system calls instead of a GETLINK that
 * makes the kernel write the whole device out, once per tunnel created. 0, -ENODEV, or
 * another -errno for "ask over netlink".
 */
static int underlay_by_ioctl(struct vxoff_ctx *ctx, struct treq *q)
{
	struct ifreq ifr;
	int r;

	memset(&ifr, 0, sizeof(ifr));
	if (q->underlay[0]) {
		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", q->underlay);
		r = vxoff__dev_ioctl(ctx, SIOCGIFINDEX, &ifr);
	} else {
		ifr.ifr_ifindex = (int)q->o.underlay_ifindex;
		r = vxoff__dev_ioctl(ctx, SIOCGIFNAME, &ifr);
	}
	if (r < 0)
		return r;
	if (ifr.ifr_ifindex <= 0)
		return -EPROTO;
	q->o.underlay_ifindex = (uint32_t)ifr.ifr_ifindex;
	r = vxoff__dev_ioctl(ctx, SIOCGIFMTU, &ifr);
	if (r < 0)
		return r;
	q->link_mtu = (uint32_t)ifr.ifr_mtu;
	return 0;
}

/* Resolve the underlay in the context's namespace: ifindex and MTU. */
static int resolve_underlay(struct vxoff_ctx *ctx, const char *what, struct treq *q)
{
	struct vxoff_tunnel *u = NULL;
	char w[96];
	int r;

	if (!(q->o.set & BIT(VXOFF_TUN_UNDERLAY)))
		return 0;
	/* ENODEV goes through the netlink path too: it words the error */
	if (underlay_by_ioctl(ctx, q) == 0)
		return 0;
	snprintf(w, sizeof(w), "%s: option dev", what);
	r = vxoff__tun_getlink(ctx, q->underlay[0] ? q->underlay : NULL, q->o.underlay_ifindex, w,
			       &u);
	if (r < 0)
		return r;
	q->o.underlay_ifindex = u->ifindex;
	q->link_mtu = u->mtu;
	vxoff_tunnel_free(u);
	return 0;
}

/* The MTU: auto from the underlay, or an explicit one the underlay can carry. */
static int settle_mtu(struct vxoff_ctx *ctx, const char *what, struct vxoff_tunnel_opts *o,
		      const struct vxoff_tunnel_opts *m, uint32_t link_mtu)
{
	uint32_t ovh = vxoff__tun_overhead(m), max;

	if (!(o->set & BIT(VXOFF_TUN_MTU)))
		return 0;
	if (o->flags & VXOFF_TUNNEL_F_MTU_AUTO) {
		if (!link_mtu)
			return bad(ctx, what, VXOFF_TUN_MTU, "auto needs an underlay device (dev)");
		if (link_mtu < 68 + ovh)
			return bad(ctx, what, VXOFF_TUN_MTU,
				   "the underlay's MTU %u leaves less than 68 after %u bytes of "
				   "encapsulation", link_mtu, ovh);
		o->mtu = link_mtu - ovh;
		o->flags &= ~VXOFF_TUNNEL_F_MTU_AUTO;
		return 0;
	}
	max = link_mtu ? link_mtu - ovh : 65535;
	if (link_mtu && o->mtu > max)
		return bad(ctx, what, VXOFF_TUN_MTU,
			   "%u does not fit the underlay: its MTU %u minus %u bytes of %s "
			   "encapsulation allows at most %u", o->mtu, link_mtu, ovh,
			   ovh == 70 ? "IPv6" : "IPv4", max);
	return 0;
}

/* Copy in and check the caller's options for a create (or replace). */
static int prepare(struct vxoff_ctx *ctx, const char *what, const struct vxoff_tunnel_opts *opts,
		   struct treq *q)
{
	int r;

	memset(q, 0, sizeof(*q));
	if (!opts)
		return bad(ctx, what, VXOFF_TUN_PORT, "opts is NULL, and dstport must be given "
			   "(the kernel's default 8472 is not IANA's 4789)");
	r = vxoff__copy_in(&q->o, sizeof(q->o), opts, VXOFF_TUNNEL_OPTS_SZ_0_1);
	if (r < 0)
		return vxoff__err(ctx, r, VXOFF_REASON_STRUCT_SIZE,
				  r == -EINVAL
					  ? "%s: vxoff_tunnel_opts.sz %u is below the 0.1 size"
					  : "%s: vxoff_tunnel_opts (sz %u) has bytes this library "
					    "does not know",
				  what, opts->sz);
	r = check_fields(ctx, what, &q->o);
	if (r < 0)
		return r;
	if (!(q->o.set & BIT(VXOFF_TUN_PORT)))
		return bad(ctx, what, VXOFF_TUN_PORT, "missing: the destination port must be given "
			   "(the kernel's default 8472 is not IANA's 4789)");
	r = check_cross(ctx, what, &q->o, &q->o);
	if (r < 0)
		return r;
	r = copy_lists(ctx, what, &q->o, q);
	if (r < 0)
		return r;
	if (q->o.underlay)
		snprintf(q->underlay, sizeof(q->underlay), "%s", q->o.underlay);
	if (q->o.target_netns)
		snprintf(q->netns, sizeof(q->netns), "%s", q->o.target_netns);
	q->o.underlay = NULL;
	q->o.target_netns = NULL;
	q->o.fdb = NULL;
	q->o.addrs = NULL;
	r = resolve_underlay(ctx, what, q);
	if (r < 0)
		return r;
	return settle_mtu(ctx, what, &q->o, &q->o, q->link_mtu);
}

/* ---- requests ---- */

static void put_vxlan_attrs(struct nlmsghdr *nlh, struct amap *m, const struct vxoff_tunnel_opts *o,
			    uint64_t ids)
{
	uint64_t s = o->set & ids;
	uint64_t on = o->on;

	if (s & BIT(VXOFF_TUN_VNI))
		am_u32(nlh, m, VXOFF_TUN_VNI, IFLA_VXLAN_ID, o->vni);
	if (s & BIT(VXOFF_TUN_PORT)) {
		uint16_t be = htons((uint16_t)o->port);

		am_put(nlh, m, VXOFF_TUN_PORT, IFLA_VXLAN_PORT, 2, &be);
	}
	if (s & BIT(VXOFF_TUN_LOCAL))
		am_put(nlh, m, VXOFF_TUN_LOCAL,
		       o->local_family == AF_INET ? IFLA_VXLAN_LOCAL : IFLA_VXLAN_LOCAL6,
		       alen(o->local_family), o->local);
	if (s & BIT(VXOFF_TUN_REMOTE))
		am_put(nlh, m, VXOFF_TUN_REMOTE,
		       o->remote_family == AF_INET ? IFLA_VXLAN_GROUP : IFLA_VXLAN_GROUP6,
		       alen(o->remote_family), o->remote);
	if (s & BIT(VXOFF_TUN_GROUP))
		am_put(nlh, m, VXOFF_TUN_GROUP,
		       o->group_family == AF_INET ? IFLA_VXLAN_GROUP : IFLA_VXLAN_GROUP6,
		       alen(o->group_family), o->group);
	if (s & BIT(VXOFF_TUN_UNDERLAY))
		am_u32(nlh, m, VXOFF_TUN_UNDERLAY, IFLA_VXLAN_LINK, o->underlay_ifindex);
	if (s & BIT(VXOFF_TUN_SRCPORT)) {
		struct ifla_vxlan_port_range pr = { htons((uint16_t)o->srcport_min),
						    htons((uint16_t)o->srcport_max) };

		am_put(nlh, m, VXOFF_TUN_SRCPORT, IFLA_VXLAN_PORT_RANGE, sizeof(pr), &pr);
	}
	if (s & BIT(VXOFF_TUN_TTL))
		am_u8(nlh, m, VXOFF_TUN_TTL, IFLA_VXLAN_TTL, (uint8_t)o->ttl);
	/* a flag on the way in (a u8 is ERANGE), a u8 on the way out */
	if ((s & on) & BIT(VXOFF_TUN_TTL_INHERIT))
		am_put(nlh, m, VXOFF_TUN_TTL_INHERIT, IFLA_VXLAN_TTL_INHERIT, 0, NULL);
	if (s & BIT(VXOFF_TUN_TOS))
		am_u8(nlh, m, VXOFF_TUN_TOS, IFLA_VXLAN_TOS, (uint8_t)o->tos);
	if (s & BIT(VXOFF_TUN_DF))
		am_u8(nlh, m, VXOFF_TUN_DF, IFLA_VXLAN_DF, (uint8_t)o->df);
	if (s & BIT(VXOFF_TUN_LABEL))
		am_u32(nlh, m, VXOFF_TUN_LABEL, IFLA_VXLAN_LABEL, htonl(o->label)); /* be32 */
	if (s & BIT(VXOFF_TUN_LABEL_POLICY))
		am_u32(nlh, m, VXOFF_TUN_LABEL_POLICY, IFLA_VXLAN_LABEL_POLICY, o->label_policy);
	if (s & BIT(VXOFF_TUN_AGEING))
		am_u32(nlh, m, VXOFF_TUN_AGEING, IFLA_VXLAN_AGEING, o->ageing);
	if (s & BIT(VXOFF_TUN_MAXADDR))
		am_u32(nlh, m, VXOFF_TUN_MAXADDR, IFLA_VXLAN_LIMIT, o->maxaddr);
	static const struct {
		uint8_t id;
		uint8_t type;
		uint8_t flag; /* sent as an empty flag when on, omitted when off */
	} bools[] = {
		{ VXOFF_TUN_LEARNING, IFLA_VXLAN_LEARNING, 0 },
		{ VXOFF_TUN_PROXY, IFLA_VXLAN_PROXY, 0 },
		{ VXOFF_TUN_RSC, IFLA_VXLAN_RSC, 0 },
		{ VXOFF_TUN_L2MISS, IFLA_VXLAN_L2MISS, 0 },
		{ VXOFF_TUN_L3MISS, IFLA_VXLAN_L3MISS, 0 },
		{ VXOFF_TUN_UDP_CSUM, IFLA_VXLAN_UDP_CSUM, 0 },
		{ VXOFF_TUN_UDP6_ZERO_CSUM_TX, IFLA_VXLAN_UDP_ZERO_CSUM6_TX, 0 },
		{ VXOFF_TUN_UDP6_ZERO_CSUM_RX, IFLA_VXLAN_UDP_ZERO_CSUM6_RX, 0 },
		{ VXOFF_TUN_REMCSUM_TX, IFLA_VXLAN_REMCSUM_TX, 0 },
		/* omitted when off (the default): 6.18 counts the RCO bits as used whenever the
		 * attribute is present, even as 0, and then refuses RESERVED_BITS (measured) */
		{ VXOFF_TUN_REMCSUM_RX, IFLA_VXLAN_REMCSUM_RX, 1 },
		{ VXOFF_TUN_REMCSUM_NOPARTIAL, IFLA_VXLAN_REMCSUM_NOPARTIAL, 1 },
		{ VXOFF_TUN_GBP, IFLA_VXLAN_GBP, 1 },
		{ VXOFF_TUN_GPE, IFLA_VXLAN_GPE, 1 },
		{ VXOFF_TUN_EXTERNAL, IFLA_VXLAN_COLLECT_METADATA, 0 },
		{ VXOFF_TUN_VNIFILTER, IFLA_VXLAN_VNIFILTER, 0 },
		{ VXOFF_TUN_LOCALBYPASS, IFLA_VXLAN_LOCALBYPASS, 0 },
		{ VXOFF_TUN_MC_ROUTE, IFLA_VXLAN_MC_ROUTE, 0 },
	};
	for (size_t i = 0; i < sizeof(bools) / sizeof(bools[0]); i++) {
		uint64_t b = BIT(bools[i].id);

		if (!(s & b))
			continue;
		if (bools[i].flag) {
			if ((on & b) && bools[i].type == IFLA_VXLAN_REMCSUM_RX)
				am_u8(nlh, m, bools[i].id, bools[i].type, 1);
			else if (on & b)
				am_put(nlh, m, bools[i].id, bools[i].type, 0, NULL);
		} else {
			am_u8(nlh, m, bools[i].id, bools[i].type, (on & b) ? 1 : 0);
		}
	}
	if (s & BIT(VXOFF_TUN_RESERVED_BITS))
		am_put(nlh, m, VXOFF_TUN_RESERVED_BITS, IFLA_VXLAN_RESERVED_BITS, 8,
		       o->reserved_bits);
}

/* RTM_NEWLINK for a new device (ifindex 0) or a changelink of the vxlan attributes ids. */
static struct nlmsghdr *put_newlink(void *buf, struct amap *m, const char *name,
				    uint32_t ifindex, const struct vxoff_tunnel_opts *o,
				    uint64_t ids, bool up, int netns_fd)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi;
	struct nlattr *li, *data;

	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | (ifindex ? 0 : NLM_F_CREATE | NLM_F_EXCL);
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = (int)ifindex;
	if (up) {
		ifi->ifi_flags = IFF_UP;
		ifi->ifi_change = IFF_UP;
	}
	if (!ifindex) {
		am_put(nlh, m, NAME_OPT, IFLA_IFNAME, strlen(name) + 1, name);
		if (o->set & BIT(VXOFF_TUN_MTU))
			am_u32(nlh, m, VXOFF_TUN_MTU, IFLA_MTU, o->mtu);
		if (o->set & BIT(VXOFF_TUN_MAC))
			am_put(nlh, m, VXOFF_TUN_MAC, IFLA_ADDRESS, 6, o->mac);
		if (netns_fd >= 0)
			am_u32(nlh, m, VXOFF_TUN_NETNS, IFLA_NET_NS_FD, (uint32_t)netns_fd);
	}
	li = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "vxlan");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	put_vxlan_attrs(nlh, m, o, ids);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, li);
	return nlh;
}

/* Link-level change without IFLA_LINKINFO (IFLA_MTU with it is EOPNOTSUPP on a vxlan):
 * MTU, MAC, and/or up/down. */
static int setlink(struct vxoff_ctx *ctx, const char *what, uint32_t ifindex,
		   const struct vxoff_tunnel_opts *o, uint64_t ids)
{
	union vxoff__req_buf rb = { .buf = { 0 } };
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(rb.buf);
	struct ifinfomsg *ifi;
	struct amap m = { 0 };
	int r;

	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = (int)ifindex;
	if (ids & o->set & BIT(VXOFF_TUN_UP)) {
		ifi->ifi_change = IFF_UP;
		ifi->ifi_flags = (o->on & BIT(VXOFF_TUN_UP)) ? IFF_UP : 0;
	}
	if (ids & o->set & BIT(VXOFF_TUN_MTU))
		am_u32(nlh, &m, VXOFF_TUN_MTU, IFLA_MTU, o->mtu);
	if (ids & o->set & BIT(VXOFF_TUN_MAC))
		am_put(nlh, &m, VXOFF_TUN_MAC, IFLA_ADDRESS, 6, o->mac);
	r = vxoff__nl_request(ctx, VXOFF__NL_ROUTE, nlh, NULL, what);
	return r < 0 ? name_option(ctx, r, what, &m) : 0;
}

/* Delete by index, or by name when the index is not known (0). */
static int dellink(struct vxoff_ctx *ctx, const char *what, uint32_t ifindex, const char *name)
{
	union vxoff__req_buf rb = { .buf = { 0 } };
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(rb.buf);
	struct ifinfomsg *ifi;

	nlh->nlmsg_type = RTM_DELLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = (int)ifindex;
	if (!ifindex)
		mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	return vxoff__nl_request(ctx, VXOFF__NL_ROUTE, nlh, NULL, what);
}

/* ---- verification ---- */

/* Compare every option of q in ids with what the kernel reports in t. */
static int verify(struct vxoff_ctx *ctx, const char *what, const struct vxoff_tunnel_opts *q,
		  uint64_t ids, const struct vxoff_tunnel *t)
{
	const struct vxoff_tunnel_opts *k = &t->opts;
	char a[64], b[64];

	for (uint32_t id = 0; id < VXOFF_TUN_COUNT; id++) {
		if (!(q->set & ids & BIT(id)) || id == VXOFF_TUN_UP || id == VXOFF_TUN_NETNS)
			continue;
		if (!(k->set & BIT(id))) {
			if (id == VXOFF_TUN_MC_ROUTE) {
				/* accepted but never dumped (6.18): nothing to compare with */
				vxoff__warn(ctx, VXOFF_WARN_ADJUSTED, "mcroute",
					    (q->on & BIT(id)) ? 1 : 0, 0,
					    "%s: option mcroute was sent, but the kernel does not "
					    "report it, so it cannot be verified", what);
				continue;
			}
			return vxoff__err(ctx, -EOPNOTSUPP, VXOFF_REASON_KERNEL,
					  "%s: option %s: the kernel did not report it back: this "
					  "kernel does not know it and ignored it", what,
					  opt_name(id));
		}
		if (opt_equal(q, k, id))
			continue;
		if (id == VXOFF_TUN_AGEING && q->ageing == 0) {
			vxoff__warn(ctx, VXOFF_WARN_ADJUSTED, "ageing", 0, k->ageing,
				    "%s: the kernel replaced ageing 0 with its default %u", what,
				    k->ageing);
			continue;
		}
		return vxoff__err(ctx, -EOPNOTSUPP, VXOFF_REASON_KERNEL,
				  "%s: option %s: asked for %s, the kernel reports %s", what,
				  opt_name(id), opt_text(q, id, a, sizeof(a)),
				  opt_text(k, id, b, sizeof(b)));
	}
	return 0;
}

/* ---- create ---- */

/* The device's namespace: the caller's context, or a second context in the target one. */
struct devns {
	struct vxoff_ctx *dctx;
	int fd;	     /* for IFLA_NET_NS_FD; -1 = none */
	bool own_fd;
};

static int devns_open(struct vxoff_ctx *ctx, const char *what, const struct treq *q,
		      struct devns *d)
{
	char err[256] = "";
	int r;

	d->dctx = ctx;
	d->fd = -1;
	d->own_fd = false;
	if (!(q->o.set & BIT(VXOFF_TUN_NETNS)))
		return 0;
	if (q->o.flags & VXOFF_TUNNEL_F_NETNS_FD) {
		VXOFF_OPTS(vxoff_ctx_opts, co, .flags = VXOFF_CTX_F_NETNS_FD,
			   .netns_fd = q->o.target_netns_fd);

		d->fd = q->o.target_netns_fd;
		r = vxoff_ctx_new_err(&co, &d->dctx, err, sizeof(err));
	} else {
		char path[300];
		VXOFF_OPTS(vxoff_ctx_opts, co, .netns = q->netns);

		snprintf(path, sizeof(path), "/run/netns/%s", q->netns);
		d->fd = open(path, O_RDONLY | O_CLOEXEC);
		if (d->fd < 0) {
			r = -errno;
			d->dctx = ctx;
			return vxoff__err(ctx, r, VXOFF_REASON_NO_NETNS,
					  "%s: option netns: namespace '%s': %s", what, q->netns,
					  strerror(-r));
		}
		d->own_fd = true;
		r = vxoff_ctx_new_err(&co, &d->dctx, err, sizeof(err));
	}
	if (r < 0) {
		if (d->own_fd)
			close(d->fd);
		d->fd = -1;
		d->own_fd = false;
		d->dctx = ctx;
		return vxoff__err(ctx, r, VXOFF_REASON_NO_NETNS, "%s: option netns: %s", what,
				  err[0] ? err : strerror(-r));
	}
	return 0;
}

static void devns_close(struct vxoff_ctx *ctx, struct devns *d)
{
	if (d->dctx && d->dctx != ctx)
		vxoff_ctx_free(d->dctx);
	if (d->own_fd)
		close(d->fd);
	d->dctx = NULL;
	d->fd = -1;
	d->own_fd = false;
}

/* Undo a half-made device: delete it; keep the first error, mention a failed undo. */
/* Delete what a failed create made: by ifindex, or by name before it was read back. */
static int undo_create(struct vxoff_ctx *ctx, struct vxoff_ctx *dctx, const char *what,
		       uint32_t ifindex, const char *name, int r)
{
	char *msg, w[96];
	int r2;

	r = propagate(ctx, dctx, r);
	if (!ifindex && !name)
		return r;
	msg = strdup(vxoff__last_msg(ctx) ? vxoff__last_msg(ctx) : strerror(-r));
	snprintf(w, sizeof(w), "%s: undo", what);
	r2 = dellink(dctx, w, ifindex, name); /* on success the first error stays as it is */
	if (msg) {
		VXOFF_OUT(vxoff_error, e);

		vxoff_ctx_last_error(dctx, &e);
		if (r2 < 0)
			vxoff__err(ctx, r, VXOFF_REASON_KERNEL, "%s; deleting the device again "
				   "ALSO failed: %s", msg, e.msg ? e.msg : strerror(-r2));
	}
	free(msg);
	return r;
}

/*
 * The create transaction in ctx's namespace (moved to the target one when asked): device,
 * read back and verified, FDB, addresses, up. Anything failing deletes the device again.
 */
static int do_create(struct vxoff_ctx *ctx, const char *name, const struct treq *q,
		     struct vxoff_tunnel **ret)
{
	union vxoff__req_buf rb = { .buf = { 0 } };
	bool up = (q->o.set & q->o.on & BIT(VXOFF_TUN_UP)) != 0;
	bool up_now = up && !q->nfdb && !q->naddr;
	struct vxoff_tunnel *t = NULL;
	struct devns d;
	struct amap m = { 0 };
	char what[64], w[192];
	uint32_t ifindex = 0;
	int r;

	snprintf(what, sizeof(what), "creating %s", name);
	r = devns_open(ctx, what, q, &d);
	if (r < 0)
		return r;

	snprintf(w, sizeof(w), "%s: step 'device'", what);
	r = vxoff__nl_request(ctx, VXOFF__NL_ROUTE,
			      put_newlink(rb.buf, &m, name, 0, &q->o, VXLAN_ATTRS, up_now, d.fd),
			      NULL, w);
	if (r < 0) {
		r = name_option(ctx, r, w, &m);
		if (r == -EEXIST && !vxoff__last_kernel_msg(ctx))
			vxoff__err(ctx, r, VXOFF_REASON_KERNEL, "%s: %s: a device named %s exists",
				   w, strerror(-r), name);
		goto out;
	}

	snprintf(w, sizeof(w), "%s: step 'verify'", what);
	r = vxoff__tun_getlink(d.dctx, name, 0, w, &t);
	if (r < 0) {
		/* created with NLM_F_EXCL a moment ago: the name is ours to delete */
		r = undo_create(ctx, d.dctx, what, 0, name, r);
		goto out;
	}
	ifindex = t->ifindex;
	if (!vxoff__tun_is_vxlan(t)) {
		/* someone replaced it in between: never delete a device we did not make */
		r = vxoff__err(ctx, -EPROTO, VXOFF_REASON_MALFORMED, "%s: %s is not a VXLAN device",
			       w, name);
		goto out;
	}
	r = verify(ctx, w, &q->o, KNOWN_SET, t);
	if (r < 0)
		goto undo;

	for (uint32_t i = 0; i < q->nfdb; i++) {
		const struct vxoff_fdb_entry *e = &q->fdb[i];
		char dst[INET6_ADDRSTRLEN] = "?";

		inet_ntop((int)e->dst_family, e->dst, dst, sizeof(dst));
		snprintf(w, sizeof(w),
			 "%s: step 'fdb': entry %u (%02x:%02x:%02x:%02x:%02x:%02x dst %s)", what, i,
			 e->mac[0], e->mac[1], e->mac[2], e->mac[3], e->mac[4], e->mac[5], dst);
		r = vxoff__fdb_send(d.dctx, RTM_NEWNEIGH, vxoff__fdb_create_flags(e), ifindex, e,
				    w);
		if (r < 0)
			goto undo;
	}
	for (uint32_t i = 0; i < q->naddr; i++) {
		const struct vxoff_tunnel_addr *a = &q->addrs[i];
		char txt[INET6_ADDRSTRLEN] = "?";

		inet_ntop((int)a->family, a->addr, txt, sizeof(txt));
		snprintf(w, sizeof(w), "%s: step 'address': %s/%u", what, txt, a->prefixlen);
		r = vxoff__addr_send(d.dctx, RTM_NEWADDR, ifindex, a, w);
		if (r < 0)
			goto undo;
	}
	if (up && !up_now) {
		snprintf(w, sizeof(w), "%s: step 'up'", what);
		r = setlink(d.dctx, w, ifindex, &q->o, BIT(VXOFF_TUN_UP));
		if (r < 0)
			goto undo;
		/* acknowledged: dev_change_flags() set it before the ACK */
		t->flags |= IFF_UP;
		t->opts.on |= BIT(VXOFF_TUN_UP);
	}
	if (up && !(t->flags & IFF_UP)) {
		r = vxoff__err(ctx, -EPROTO, VXOFF_REASON_KERNEL,
			       "%s: step 'up': the device is not up after the request", what);
		goto undo;
	}
	copy_warnings(ctx, d.dctx);
	if (ret)
		*ret = t;
	else
		vxoff_tunnel_free(t);
	t = NULL;
	goto out;
undo:
	r = undo_create(ctx, d.dctx, what, ifindex, NULL, r);
out:
	vxoff_tunnel_free(t);
	devns_close(ctx, &d);
	return r;
}

int vxoff_tunnel_create(struct vxoff_ctx *ctx, const char *name,
			const struct vxoff_tunnel_opts *opts, struct vxoff_tunnel **ret)
{
	struct treq q = { 0 };
	char what[64];
	int r;

	r = vxoff__ctx_enter(ctx);
	if (r < 0)
		return r;
	snprintf(what, sizeof(what), "creating %s", name ? name : "(null)");
	r = check_name(ctx, what, name);
	if (r == 0)
		r = prepare(ctx, what, opts, &q);
	if (r == 0)
		r = do_create(ctx, name, &q, ret);
	treq_free(&q);
	vxoff__ctx_leave(ctx);
	return r;
}

/* ---- delete ---- */

/* Read name and check that it is a VXLAN device. */
static int get_vxlan(struct vxoff_ctx *ctx, const char *what, const char *name,
		     struct vxoff_tunnel **ret)
{
	struct vxoff_tunnel *t;
	int r;

	r = check_name(ctx, what, name);
	if (r < 0)
		return r;
	r = vxoff__tun_getlink(ctx, name, 0, what, &t);
	if (r < 0)
		return r;
	if (!vxoff__tun_is_vxlan(t)) {
		r = vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG, "%s: %s is not a VXLAN device (kind "
			       "'%s')", what, name, t->kind[0] ? t->kind : "none");
		vxoff_tunnel_free(t);
		return r;
	}
	*ret = t;
	return 0;
}

int vxoff_tunnel_delete(struct vxoff_ctx *ctx, const char *name)
{
	struct vxoff_tunnel *t = NULL;
	char what[64];
	int r;

	r = vxoff__ctx_enter(ctx);
	if (r < 0)
		return r;
	snprintf(what, sizeof(what), "deleting %s", name ? name : "(null)");
	r = get_vxlan(ctx, what, name, &t);
	if (r == 0)
		r = dellink(ctx, what, t->ifindex, NULL);
	vxoff_tunnel_free(t);
	vxoff__ctx_leave(ctx);
	return r;
}

/* ---- delete many: one unregister batch through a device group ---- */

static int cmp_name(const void *a, const void *b)
{
	return strcmp((*(struct vxoff_tunnel *const *)a)->name,
		      (*(struct vxoff_tunnel *const *)b)->name);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static int set_group(struct vxoff_ctx *ctx, const char *what, uint32_t ifindex, uint32_t group)
{
	union vxoff__req_buf rb = { .buf = { 0 } };
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(rb.buf);
	struct ifinfomsg *ifi;

	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = (int)ifindex;
	mnl_attr_put_u32(nlh, IFLA_GROUP, group);
	return vxoff__nl_request(ctx, VXOFF__NL_ROUTE, nlh, NULL, what);
}

int vxoff_tunnel_delete_many(struct vxoff_ctx *ctx, const char *const *names, uint32_t count)
{
	union vxoff__req_buf rb = { .buf = { 0 } };
	struct vxoff_tunnel_list all = { 0 };
	struct vxoff_tunnel **pick = NULL;
	uint32_t *groups = NULL, gid, done = 0;
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;
	char what[96];
	int r;

	r = vxoff__ctx_enter(ctx);
	if (r < 0)
		return r;
	snprintf(what, sizeof(what), "deleting %u VXLAN devices", count);
	if (!names && count) {
		r = vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG, "%s: names is NULL", what);
		goto out;
	}
	if (count > INT32_MAX) {
		r = vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG, "%s: too many", what);
		goto out;
	}
	if (!count)
		goto out;
	for (uint32_t i = 0; i < count; i++) {
		r = check_name(ctx, what, names[i]);
		if (r < 0)
			goto out;
	}
	/* one dump: every device's kind and group */
	r = vxoff__tun_dump(ctx, false, what, &all);
	if (r < 0)
		goto out;
	qsort(all.items, all.count, sizeof(*all.items), cmp_name);
	pick = calloc(count, sizeof(*pick));
	groups = calloc(all.count + 1, sizeof(*groups));
	if (!pick || !groups) {
		r = vxoff__err(ctx, -ENOMEM, VXOFF_REASON_SYSTEM, "%s: out of memory", what);
		goto out;
	}
	for (uint32_t i = 0; i < count; i++) {
		struct vxoff_tunnel key, *kp = &key, **f;

		snprintf(key.name, sizeof(key.name), "%s", names[i]);
		f = bsearch(&kp, all.items, all.count, sizeof(*all.items), cmp_name);
		if (!f) {
			r = vxoff__err(ctx, -ENODEV, VXOFF_REASON_NO_DEVICE,
				       "%s: no device named '%s'; nothing was deleted", what,
				       names[i]);
			goto out;
		}
		if (!vxoff__tun_is_vxlan(*f)) {
			r = vxoff__err(
				ctx, -EINVAL, VXOFF_REASON_ARG,
				"%s: %s is not a VXLAN device (kind '%s'); nothing was deleted",
				what, names[i], (*f)->kind[0] ? (*f)->kind : "none");
			goto out;
		}
		pick[i] = *f;
	}
	/* a name given twice would be moved twice and counted twice */
	{
		struct vxoff_tunnel **sorted = malloc(count * sizeof(*sorted));

		if (!sorted) {
			r = vxoff__err(ctx, -ENOMEM, VXOFF_REASON_SYSTEM, "%s: out of memory",
				       what);
			goto out;
		}
		memcpy(sorted, pick, count * sizeof(*sorted));
		qsort(sorted, count, sizeof(*sorted), cmp_name);
		for (uint32_t i = 1; i < count; i++)
			if (sorted[i] == sorted[i - 1]) {
				r = vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG,
					       "%s: %s is named twice", what, sorted[i]->name);
				free(sorted);
				goto out;
			}
		free(sorted);
	}
	/* a group id no device uses */
	for (uint32_t i = 0; i < all.count; i++)
		groups[i] = all.items[i]->group;
	qsort(groups, all.count, sizeof(*groups), cmp_u32);
	gid = 0x56580000u; /* "VX": away from 0 (default) and small admin-chosen ids */
	for (uint32_t i = 0; i < all.count; i++) {
		if (groups[i] < gid)
			continue;
		if (groups[i] == gid)
			gid++;
		else
			break;
	}
	for (done = 0; done < count; done++) {
		char w[192];

		snprintf(w, sizeof(w), "%s: moving %s into device group %u", what,
			 pick[done]->name, gid);
		r = set_group(ctx, w, pick[done]->ifindex, gid);
		if (r < 0)
			goto restore;
	}
	memset(rb.buf, 0, 256);
	nlh = mnl_nlmsg_put_header(rb.buf);
	nlh->nlmsg_type = RTM_DELLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = 0;
	mnl_attr_put_u32(nlh, IFLA_GROUP, gid);
	{
		char w[160];

		snprintf(w, sizeof(w), "%s: deleting device group %u", what, gid);
		r = vxoff__nl_request(ctx, VXOFF__NL_ROUTE, nlh, NULL, w);
	}
	if (r < 0)
		goto restore;
	r = (int)count;
	goto out;
restore:
	{
		char *msg = strdup(vxoff__last_msg(ctx) ? vxoff__last_msg(ctx) : "");
		uint32_t failed = 0;

		for (uint32_t i = 0; i < done; i++)
			if (set_group(ctx, what, pick[i]->ifindex, pick[i]->group) < 0)
				failed++;
		if (msg)
			vxoff__err(ctx, r, VXOFF_REASON_KERNEL,
				   "%s; nothing was deleted%s", msg,
				   failed ? ", and restoring some device groups failed" : "");
		free(msg);
	}
out:
	free(pick);
	free(groups);
	vxoff__tun_list_clear(&all);
	vxoff__ctx_leave(ctx);
	return r;
}

/* ---- change ---- */

/* A device as read back, as options that re-create it (for replace and its rollback). */
static void readback_to_create(const struct vxoff_tunnel *t, struct treq *q)
{
	const struct vxoff_tunnel_opts *k = &t->opts;
	struct vxoff_tunnel_opts *o = &q->o;
	uint64_t keep = BIT(VXOFF_TUN_VNI) | BIT(VXOFF_TUN_PORT) | BIT(VXOFF_TUN_LOCAL) |
			BIT(VXOFF_TUN_REMOTE) | BIT(VXOFF_TUN_GROUP) | BIT(VXOFF_TUN_UNDERLAY) |
			BIT(VXOFF_TUN_TTL) | BIT(VXOFF_TUN_TOS) | BIT(VXOFF_TUN_DF) |
			BIT(VXOFF_TUN_LEARNING) | BIT(VXOFF_TUN_PROXY) | BIT(VXOFF_TUN_RSC) |
			BIT(VXOFF_TUN_L2MISS) | BIT(VXOFF_TUN_L3MISS) | BIT(VXOFF_TUN_AGEING) |
			BIT(VXOFF_TUN_MAXADDR) | BIT(VXOFF_TUN_UDP_CSUM) |
			BIT(VXOFF_TUN_UDP6_ZERO_CSUM_TX) | BIT(VXOFF_TUN_UDP6_ZERO_CSUM_RX) |
			BIT(VXOFF_TUN_REMCSUM_TX) | BIT(VXOFF_TUN_REMCSUM_RX) |
			BIT(VXOFF_TUN_EXTERNAL) | BIT(VXOFF_TUN_LOCALBYPASS) |
			BIT(VXOFF_TUN_RESERVED_BITS) | BIT(VXOFF_TUN_MTU) | BIT(VXOFF_TUN_MAC) |
			BIT(VXOFF_TUN_UP);

	memset(o, 0, sizeof(*o));
	o->sz = sizeof(*o);
	for (uint32_t id = 0; id < VXOFF_TUN_COUNT; id++)
		if (k->set & keep & BIT(id))
			opt_copy(o, k, id);
	/* sent only when not the default: flags, and what IPv4 devices refuse */
	if (k->on & BIT(VXOFF_TUN_TTL_INHERIT))
		opt_copy(o, k, VXOFF_TUN_TTL_INHERIT);
	if (k->on & BIT(VXOFF_TUN_REMCSUM_NOPARTIAL))
		opt_copy(o, k, VXOFF_TUN_REMCSUM_NOPARTIAL);
	if (k->on & BIT(VXOFF_TUN_GBP))
		opt_copy(o, k, VXOFF_TUN_GBP);
	if (k->on & BIT(VXOFF_TUN_GPE))
		opt_copy(o, k, VXOFF_TUN_GPE);
	if (k->on & BIT(VXOFF_TUN_VNIFILTER))
		opt_copy(o, k, VXOFF_TUN_VNIFILTER);
	if ((k->set & BIT(VXOFF_TUN_SRCPORT)) && (k->srcport_min || k->srcport_max))
		opt_copy(o, k, VXOFF_TUN_SRCPORT);
	if ((k->set & BIT(VXOFF_TUN_LABEL)) && k->label)
		opt_copy(o, k, VXOFF_TUN_LABEL);
	if ((k->set & BIT(VXOFF_TUN_LABEL_POLICY)) && k->label_policy)
		opt_copy(o, k, VXOFF_TUN_LABEL_POLICY);
}

int vxoff_tunnel_change(struct vxoff_ctx *ctx, const char *name,
			const struct vxoff_tunnel_opts *opts, struct vxoff_tunnel **ret)
{
	union vxoff__req_buf rb = { .buf = { 0 } };
	struct vxoff_tunnel *cur = NULL, *t = NULL;
	struct vxoff_tunnel_opts m, undo_o;
	struct treq q = { 0 };
	struct amap am = { 0 };
	uint32_t fdb_done = 0, addr_done = 0;
	uint64_t send, link_ids;
	bool vx_done = false, link_done = false, up_done = false;
	char what[64], w[192];
	int r;

	r = vxoff__ctx_enter(ctx);
	if (r < 0)
		return r;
	snprintf(what, sizeof(what), "changing %s", name ? name : "(null)");
	r = check_name(ctx, what, name);
	if (r < 0)
		goto out;
	if (!opts) {
		r = vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG, "%s: opts is NULL", what);
		goto out;
	}
	r = vxoff__copy_in(&q.o, sizeof(q.o), opts, VXOFF_TUNNEL_OPTS_SZ_0_1);
	if (r < 0) {
		r = vxoff__err(ctx, r, VXOFF_REASON_STRUCT_SIZE,
			       r == -EINVAL
				       ? "%s: vxoff_tunnel_opts.sz %u is below the 0.1 size"
				       : "%s: vxoff_tunnel_opts (sz %u) has bytes this library "
					 "does not know",
			       what, opts->sz);
		goto out;
	}
	r = check_fields(ctx, what, &q.o);
	if (r < 0)
		goto out;
	r = copy_lists(ctx, what, &q.o, &q);
	if (r < 0)
		goto out;
	if (q.o.underlay)
		snprintf(q.underlay, sizeof(q.underlay), "%s", q.o.underlay);
	q.o.underlay = NULL;
	q.o.target_netns = NULL;
	q.o.fdb = NULL;
	q.o.addrs = NULL;
	r = get_vxlan(ctx, what, name, &cur);
	if (r < 0)
		goto out;
	/* create-only options: fine when they keep the current value, else replace */
	send = q.o.set;
	for (uint32_t id = 0; id < VXOFF_TUN_COUNT; id++) {
		if (!(q.o.set & BIT(id)) || (CHANGEABLE & BIT(id)))
			continue;
		if ((cur->opts.set & BIT(id)) && opt_equal(&q.o, &cur->opts, id) &&
		    id != VXOFF_TUN_NETNS) {
			send &= ~BIT(id);
			continue;
		}
		r = vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG,
			       "%s: option %s cannot be changed on a live device; use "
			       "vxoff_tunnel_replace() (delete and re-create, keeping FDB entries "
			       "and addresses)", what, opt_name(id));
		goto out;
	}
	/* the addresses keep their family on a live device */
	{
		uint32_t fam = (cur->opts.set & BIT(VXOFF_TUN_LOCAL)) ? cur->opts.local_family
			     : (cur->opts.set & BIT(VXOFF_TUN_REMOTE)) ? cur->opts.remote_family
			     : (cur->opts.set & BIT(VXOFF_TUN_GROUP)) ? cur->opts.group_family : 0;
		static const uint32_t ids[] = {VXOFF_TUN_LOCAL, VXOFF_TUN_REMOTE, VXOFF_TUN_GROUP};

		for (size_t i = 0; i < 3 && fam; i++) {
			uint32_t f = ids[i] == VXOFF_TUN_LOCAL	  ? q.o.local_family
				     : ids[i] == VXOFF_TUN_REMOTE ? q.o.remote_family
								  : q.o.group_family;

			if ((q.o.set & BIT(ids[i])) && f != fam) {
				r = bad(ctx, what, ids[i], "a live device keeps its address family "
					"(%s); use vxoff_tunnel_replace()",
					fam == AF_INET ? "IPv4" : "IPv6");
				goto out;
			}
		}
	}
	m = cur->opts;
	for (uint32_t id = 0; id < VXOFF_TUN_COUNT; id++)
		if (q.o.set & BIT(id))
			opt_copy(&m, &q.o, id);
	r = check_cross(ctx, what, &q.o, &m);
	if (r < 0)
		goto out;
	/* the underlay (new, or the device's own) bounds the MTU */
	if (q.o.set & BIT(VXOFF_TUN_UNDERLAY)) {
		r = resolve_underlay(ctx, what, &q);
		if (r < 0)
			goto out;
		m.underlay_ifindex = q.o.underlay_ifindex;
	} else if ((q.o.set & BIT(VXOFF_TUN_MTU)) && (cur->opts.set & BIT(VXOFF_TUN_UNDERLAY))) {
		struct vxoff_tunnel *u;

		snprintf(w, sizeof(w), "%s: option dev", what);
		r = vxoff__tun_getlink(ctx, NULL, cur->opts.underlay_ifindex, w, &u);
		if (r < 0)
			goto out;
		q.link_mtu = u->mtu;
		vxoff_tunnel_free(u);
	}
	r = settle_mtu(ctx, what, &q.o, &m, q.link_mtu);
	if (r < 0)
		goto out;
	m.mtu = q.o.mtu;

	/* what undoes it: the same options, as they were */
	memset(&undo_o, 0, sizeof(undo_o));
	for (uint32_t id = 0; id < VXOFF_TUN_COUNT; id++)
		if ((send & BIT(id)) && (cur->opts.set & BIT(id)))
			opt_copy(&undo_o, &cur->opts, id);
	if ((send & BIT(VXOFF_TUN_REMOTE)) && !(cur->opts.set & (BIT(VXOFF_TUN_REMOTE) |
								 BIT(VXOFF_TUN_GROUP)))) {
		undo_o.set |= BIT(VXOFF_TUN_REMOTE); /* no remote before: the any address */
		undo_o.remote_family = q.o.remote_family;
	}
	if (cur->opts.set & BIT(VXOFF_TUN_GROUP) && (send & BIT(VXOFF_TUN_REMOTE)))
		opt_copy(&undo_o, &cur->opts, VXOFF_TUN_GROUP);
	if (cur->opts.set & BIT(VXOFF_TUN_REMOTE) && (send & BIT(VXOFF_TUN_GROUP)))
		opt_copy(&undo_o, &cur->opts, VXOFF_TUN_REMOTE);

	if (send & VXLAN_ATTRS) {
		snprintf(w, sizeof(w), "%s: step 'device'", what);
		r = vxoff__nl_request(ctx, VXOFF__NL_ROUTE,
				      put_newlink(rb.buf, &am, name, cur->ifindex, &q.o,
						  send & VXLAN_ATTRS, false, -1), NULL, w);
		if (r < 0) {
			r = name_option(ctx, r, w, &am);
			goto undo;
		}
		vx_done = true;
	}
	link_ids = send & (BIT(VXOFF_TUN_MTU) | BIT(VXOFF_TUN_MAC));
	if (link_ids) {
		snprintf(w, sizeof(w), "%s: step 'link'", what);
		r = setlink(ctx, w, cur->ifindex, &q.o, link_ids);
		if (r < 0)
			goto undo;
		link_done = true;
	}
	for (; fdb_done < q.nfdb; fdb_done++) {
		snprintf(w, sizeof(w), "%s: step 'fdb': entry %u", what, fdb_done);
		r = vxoff__fdb_send(ctx, RTM_NEWNEIGH, vxoff__fdb_create_flags(&q.fdb[fdb_done]),
				    cur->ifindex, &q.fdb[fdb_done], w);
		if (r < 0)
			goto undo;
	}
	for (; addr_done < q.naddr; addr_done++) {
		snprintf(w, sizeof(w), "%s: step 'address' %u", what, addr_done);
		r = vxoff__addr_send(ctx, RTM_NEWADDR, cur->ifindex, &q.addrs[addr_done], w);
		if (r < 0)
			goto undo;
	}
	if (send & BIT(VXOFF_TUN_UP)) {
		snprintf(w, sizeof(w), "%s: step 'up'", what);
		r = setlink(ctx, w, cur->ifindex, &q.o, BIT(VXOFF_TUN_UP));
		if (r < 0)
			goto undo;
		up_done = true;
	}
	snprintf(w, sizeof(w), "%s: step 'verify'", what);
	r = vxoff__tun_getlink(ctx, NULL, cur->ifindex, w, &t);
	if (r < 0)
		goto undo;
	r = verify(ctx, w, &q.o, send, t);
	if (r < 0)
		goto undo;
	if ((send & BIT(VXOFF_TUN_UP)) &&
	    !!(t->flags & IFF_UP) != !!(q.o.on & BIT(VXOFF_TUN_UP))) {
		r = vxoff__err(ctx, -EPROTO, VXOFF_REASON_KERNEL, "%s: option up: not applied", w);
		goto undo;
	}
	if (ret) {
		*ret = t;
		t = NULL;
	}
	goto out;
undo:
	{
		char *msg = strdup(vxoff__last_msg(ctx) ? vxoff__last_msg(ctx) : strerror(-r));
		VXOFF_OUT(vxoff_error, e);
		int fails = 0;

		vxoff_ctx_last_error(ctx, &e);
		if (up_done) {
			undo_o.set |= BIT(VXOFF_TUN_UP);
			undo_o.on = (undo_o.on & ~BIT(VXOFF_TUN_UP)) |
				    ((cur->flags & IFF_UP) ? BIT(VXOFF_TUN_UP) : 0);
			fails += setlink(ctx, what, cur->ifindex, &undo_o, BIT(VXOFF_TUN_UP)) < 0;
		}
		while (addr_done--)
			fails += vxoff__addr_send(ctx, RTM_DELADDR, cur->ifindex,
						  &q.addrs[addr_done], what) < 0;
		while (fdb_done--)
			fails += vxoff__fdb_send(ctx, RTM_DELNEIGH, 0, cur->ifindex,
						 &q.fdb[fdb_done], what) < 0;
		if (link_done)
			fails += setlink(ctx, what, cur->ifindex, &undo_o, link_ids) < 0;
		if (vx_done && (undo_o.set & VXLAN_ATTRS)) {
			union vxoff__req_buf ub = { .buf = { 0 } };

			fails += vxoff__nl_request(ctx, VXOFF__NL_ROUTE,
						   put_newlink(ub.buf, NULL, name, cur->ifindex,
							       &undo_o, undo_o.set & VXLAN_ATTRS,
							       false, -1), NULL, what) < 0;
		}
		if (msg)
			vxoff__err(ctx, r, e.reason, "%s; %s", msg,
				   fails ? "undoing the change failed in part"
					 : "the device was restored as it was");
		free(msg);
	}
out:
	vxoff_tunnel_free(cur);
	vxoff_tunnel_free(t);
	treq_free(&q);
	vxoff__ctx_leave(ctx);
	return r;
}

/* ---- replace ---- */

/* The FDB entry the kernel made from the remote/group option itself. */
static bool is_default_entry(const struct vxoff_tunnel *t, const struct vxoff_fdb_entry *e)
{
	const struct vxoff_tunnel_opts *k = &t->opts;
	static const uint8_t zero[6];

	if (memcmp(e->mac, zero, 6) || (e->flags & (VXOFF_FDB_F_PORT | VXOFF_FDB_F_VNI)))
		return false;
	if ((k->set & BIT(VXOFF_TUN_REMOTE)) && e->dst_family == k->remote_family &&
	    !memcmp(e->dst, k->remote, alen(e->dst_family)))
		return true;
	if ((k->set & BIT(VXOFF_TUN_GROUP)) && e->dst_family == k->group_family &&
	    !memcmp(e->dst, k->group, alen(e->dst_family)))
		return true;
	return false;
}

static int append_lists(struct vxoff_ctx *ctx, const char *what, struct treq *q,
			const struct vxoff_fdb_entry *fdb, uint32_t nfdb,
			const struct vxoff_tunnel_addr *addrs, uint32_t naddr)
{
	struct vxoff_fdb_entry *f = realloc(q->fdb, (q->nfdb + nfdb + 1) * sizeof(*f));
	struct vxoff_tunnel_addr *a;

	if (!f)
		return vxoff__err(ctx, -ENOMEM, VXOFF_REASON_SYSTEM, "%s: out of memory", what);
	q->fdb = f;
	for (uint32_t i = 0; i < nfdb; i++) {
		uint32_t j;

		for (j = 0; j < q->nfdb && memcmp(&q->fdb[j], &fdb[i], sizeof(fdb[i])); j++)
			;
		if (j == q->nfdb)
			q->fdb[q->nfdb++] = fdb[i];
	}
	a = realloc(q->addrs, (q->naddr + naddr + 1) * sizeof(*a));
	if (!a)
		return vxoff__err(ctx, -ENOMEM, VXOFF_REASON_SYSTEM, "%s: out of memory", what);
	q->addrs = a;
	for (uint32_t i = 0; i < naddr; i++) {
		uint32_t j;

		for (j = 0; j < q->naddr && memcmp(&q->addrs[j], &addrs[i], sizeof(addrs[i])); j++)
			;
		if (j == q->naddr)
			q->addrs[q->naddr++] = addrs[i];
	}
	return 0;
}

int vxoff_tunnel_replace(struct vxoff_ctx *ctx, const char *name,
			 const struct vxoff_tunnel_opts *opts, struct vxoff_tunnel **ret)
{
	struct vxoff_tunnel *cur = NULL;
	struct vxoff_fdb_entry *fdb = NULL;
	struct vxoff_tunnel_addr *addrs = NULL;
	uint32_t nfdb = 0, naddr = 0, keep = 0;
	struct treq q = { 0 }, old = { 0 };
	char what[64];
	int r;

	r = vxoff__ctx_enter(ctx);
	if (r < 0)
		return r;
	snprintf(what, sizeof(what), "replacing %s", name ? name : "(null)");
	r = check_name(ctx, what, name);
	if (r < 0)
		goto out;
	r = get_vxlan(ctx, what, name, &cur);
	if (r < 0)
		goto out;
	r = prepare(ctx, what, opts, &q);
	if (r < 0)
		goto out;
	r = vxoff__fdb_dump(ctx, cur->ifindex, what, &fdb, &nfdb);
	if (r == 0)
		r = vxoff__addr_dump(ctx, cur->ifindex, what, &addrs, &naddr);
	if (r < 0)
		goto out;
	/* the entries the caller made (not the remote option's own, not learned ones) */
	for (uint32_t i = 0; i < nfdb; i++)
		if (!is_default_entry(cur, &fdb[i]) && fdb[i].dst_family &&
		    !(fdb[i].flags & VXOFF_FDB_F_DYNAMIC))
			fdb[keep++] = fdb[i];
	nfdb = keep;
	r = append_lists(ctx, what, &q, fdb, nfdb, addrs, naddr);
	if (r < 0)
		goto out;
	if (!(q.o.set & BIT(VXOFF_TUN_UP)) && (cur->flags & IFF_UP))
		q.o.set |= BIT(VXOFF_TUN_UP), q.o.on |= BIT(VXOFF_TUN_UP);
	/* the old device, to be re-created if the new one fails */
	readback_to_create(cur, &old);
	if (old.o.set & BIT(VXOFF_TUN_UNDERLAY)) {
		r = resolve_underlay(ctx, what, &old);
		if (r < 0)
			goto out;
	}
	r = append_lists(ctx, what, &old, fdb, nfdb, addrs, naddr);
	if (r < 0)
		goto out;

	r = dellink(ctx, what, cur->ifindex, NULL);
	if (r < 0)
		goto out;
	r = do_create(ctx, name, &q, ret);
	if (r < 0) {
		char *msg = strdup(vxoff__last_msg(ctx) ? vxoff__last_msg(ctx) : strerror(-r));
		VXOFF_OUT(vxoff_error, e);
		int r2;

		vxoff_ctx_last_error(ctx, &e);
		r2 = do_create(ctx, name, &old, NULL);
		if (msg) {
			char *m2 = r2 < 0 ? strdup(vxoff__last_msg(ctx) ? vxoff__last_msg(ctx)
								       : strerror(-r2)) : NULL;

			if (r2 < 0)
				vxoff__err(ctx, r, e.reason, "%s; re-creating the old device ALSO "
					   "failed: %s", msg, m2 ? m2 : strerror(-r2));
			else
				vxoff__err(ctx, r, e.reason, "%s; the old device was re-created "
					   "with its options, FDB entries and addresses", msg);
			free(m2);
		}
		free(msg);
	}
out:
	free(fdb);
	free(addrs);
	vxoff_tunnel_free(cur);
	treq_free(&q);
	treq_free(&old);
	vxoff__ctx_leave(ctx);
	return r;
}

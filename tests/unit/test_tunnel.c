/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * vxoff tunnels without a kernel, against a fake one (fk_*, below) that answers rtnetlink
 * requests as 6.18 does (kernel-interfaces.md §1): it keeps devices, FDB entries and addresses,
 * fills RTM_NEWLINK replies the way vxlan_fill_info() does (TTL_INHERIT dumped as u8, GBP/GPE
 * only when set, VNIFILTER only when on, MC_ROUTE never) and records every request.
 *
 *  - golden bytes: the IFLA_INFO_DATA of the create request, for a set of option
 *    combinations, compared attribute by attribute with bytes built here with libmnl from the
 *    reference table (types and byte orders), never from the library's own code;
 *  - bad input: -EINVAL naming the option, and not one request sent;
 *  - read-back: an option the kernel ignored is an error, and the device is deleted again;
 *  - rollback: failing each step of a create in turn leaves nothing behind;
 *  - JSON: members exactly for the options the API reports.
 *
 * Attribute numbers are written out here from the reference, not taken from lib/.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <json-c/json.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include <vxoff/probe.h>
#include <vxoff/tunnel.h>

#include "testutil.h"

/* IFLA_VXLAN_* (kernel-interfaces.md §1.2); 31-34 are newer than the 6.1 headers */
enum {
	A_ID = 1, A_GROUP = 2, A_LINK = 3, A_LOCAL = 4, A_TTL = 5, A_TOS = 6, A_LEARNING = 7,
	A_AGEING = 8, A_LIMIT = 9, A_PORT_RANGE = 10, A_PROXY = 11, A_RSC = 12, A_L2MISS = 13,
	A_L3MISS = 14, A_PORT = 15, A_GROUP6 = 16, A_LOCAL6 = 17, A_UDP_CSUM = 18,
	A_ZCSUM6_TX = 19, A_ZCSUM6_RX = 20, A_REMCSUM_TX = 21, A_REMCSUM_RX = 22, A_GBP = 23,
	A_REMCSUM_NOPARTIAL = 24, A_COLLECT_METADATA = 25, A_LABEL = 26, A_GPE = 27,
	A_TTL_INHERIT = 28, A_DF = 29, A_VNIFILTER = 30, A_LOCALBYPASS = 31,
	A_LABEL_POLICY = 32, A_RESERVED_BITS = 33, A_MC_ROUTE = 34, A_MAX = 34,
};

#define B(id) (1ull << (id))
#define K_IFF_UP 0x1u
#define K_NTF_SELF 0x02u

/* ======================================================================================== */
/* The fake kernel                                                                          */
/* ======================================================================================== */

#define FK_DEVS 16
#define FK_REQS 256
#define FK_OUT 1024

struct fk_dev {
	bool used, vxlan;
	uint32_t ifindex, mtu, flags, group;
	char name[16];
	uint8_t mac[6];
	/* IFLA_VXLAN_* as the dump carries it: has[t], payload */
	bool has[A_MAX + 1];
	uint8_t len[A_MAX + 1];
	uint8_t val[A_MAX + 1][16];
};

struct fk_neigh {
	uint32_t ifindex, family;
	uint8_t mac[6], dst[16];
};

struct fk_addr {
	uint32_t ifindex, family, plen;
	uint8_t addr[16];
};

struct fk {
	struct fk_dev devs[FK_DEVS];
	uint32_t next_ifindex;
	struct fk_neigh neigh[32];
	uint32_t nneigh;
	struct fk_addr addrs[32];
	uint32_t naddrs;
	/* every request, in order */
	struct {
		unsigned char *p;
		size_t len;
	} req[FK_REQS];
	uint32_t nreq;
	/* datagrams to hand out, in order */
	struct tu_dgram *out[FK_OUT];
	uint32_t nout, nextout;
	/* faults */
	uint32_t fail_at;	 /* 1-based request number answered with fail_err */
	int fail_err;
	bool old_localbypass;	 /* a kernel before 6.5: LOCALBYPASS ignored and not dumped */
	bool newer_kernel;	 /* dumps carry IFLA_VXLAN_* attributes no library knows yet */
	uint32_t unhandled;
};

static struct fk_dev *fk_add_dev(struct fk *k, const char *name, bool vxlan)
{
	for (int i = 0; i < FK_DEVS; i++) {
		struct fk_dev *d = &k->devs[i];

		if (d->used)
			continue;
		memset(d, 0, sizeof(*d));
		d->used = true;
		d->vxlan = vxlan;
		d->ifindex = k->next_ifindex++;
		snprintf(d->name, sizeof(d->name), "%s", name);
		d->mtu = 1500;
		d->flags = vxlan ? 0x1002u : 0x1003u; /* BROADCAST|MULTICAST (|UP) */
		d->mac[0] = 0x02;
		d->mac[5] = (uint8_t)d->ifindex;
		return d;
	}
	fail_msg("fake kernel: no room for another device");
	return NULL;
}

static struct fk *fk_new(void)
{
	struct fk *k = calloc(1, sizeof(*k));

	assert_non_null(k);
	k->next_ifindex = 1;
	fk_add_dev(k, "lo", false)->mtu = 65536;
	fk_add_dev(k, "veth0", false);
	k->next_ifindex = 10;
	k->fail_err = -EIO;
	return k;
}

static struct fk_dev *fk_by_index(struct fk *k, uint32_t idx)
{
	for (int i = 0; i < FK_DEVS; i++)
		if (k->devs[i].used && k->devs[i].ifindex == idx)
			return &k->devs[i];
	return NULL;
}

static struct fk_dev *fk_by_name(struct fk *k, const char *name)
{
	for (int i = 0; i < FK_DEVS; i++)
		if (k->devs[i].used && !strcmp(k->devs[i].name, name))
			return &k->devs[i];
	return NULL;
}

static uint32_t fk_vxlan_count(struct fk *k)
{
	uint32_t n = 0;

	for (int i = 0; i < FK_DEVS; i++)
		n += k->devs[i].used && k->devs[i].vxlan;
	return n;
}

static void fk_del_dev(struct fk *k, struct fk_dev *d)
{
	uint32_t j = 0;

	for (uint32_t i = 0; i < k->nneigh; i++)
		if (k->neigh[i].ifindex != d->ifindex)
			k->neigh[j++] = k->neigh[i];
	k->nneigh = j;
	j = 0;
	for (uint32_t i = 0; i < k->naddrs; i++)
		if (k->addrs[i].ifindex != d->ifindex)
			k->addrs[j++] = k->addrs[i];
	k->naddrs = j;
	d->used = false;
}

static struct tu_dgram *fk_dgram(struct fk *k)
{
	struct tu_dgram *d = calloc(1, sizeof(*d));

	assert_non_null(d);
	assert_true(k->nout < FK_OUT);
	k->out[k->nout++] = d;
	return d;
}

static void fk_set(struct fk_dev *d, int t, const void *p, size_t len)
{
	d->has[t] = true;
	d->len[t] = (uint8_t)len;
	if (len)
		memcpy(d->val[t], p, len);
}

static void fk_set_u8(struct fk_dev *d, int t, uint8_t v)
{
	fk_set(d, t, &v, 1);
}

static void fk_set_u32(struct fk_dev *d, int t, uint32_t v)
{
	fk_set(d, t, &v, 4);
}

/* What a 6.18 dump always carries, before the request's attributes (§1.3). */
static void fk_vxlan_defaults(struct fk *k, struct fk_dev *d)
{
	static const uint8_t resv[8] = {0xf7, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0xff};
	uint16_t port = htons(8472);
	uint32_t zero = 0;

	fk_set_u32(d, A_ID, 0);
	fk_set_u8(d, A_TTL, 0);
	fk_set_u8(d, A_TTL_INHERIT, 0);
	fk_set_u8(d, A_TOS, 0);
	fk_set_u8(d, A_DF, 0);
	fk_set(d, A_LABEL, &zero, 4);
	fk_set_u32(d, A_LABEL_POLICY, 0);
	fk_set_u8(d, A_LEARNING, 1);
	fk_set_u8(d, A_PROXY, 0);
	fk_set_u8(d, A_RSC, 0);
	fk_set_u8(d, A_L2MISS, 0);
	fk_set_u8(d, A_L3MISS, 0);
	fk_set_u8(d, A_COLLECT_METADATA, 0);
	fk_set_u32(d, A_AGEING, 300);
	fk_set_u32(d, A_LIMIT, 0);
	fk_set(d, A_PORT, &port, 2);
	fk_set_u8(d, A_UDP_CSUM, 1);
	fk_set_u8(d, A_ZCSUM6_TX, 0);
	fk_set_u8(d, A_ZCSUM6_RX, 0);
	fk_set_u8(d, A_REMCSUM_TX, 0);
	fk_set_u8(d, A_REMCSUM_RX, 0);
	if (!k->old_localbypass)
		fk_set_u8(d, A_LOCALBYPASS, 1);
	fk_set(d, A_PORT_RANGE, &zero, 4);
	fk_set(d, A_RESERVED_BITS, resv, 8);
}

/* Apply IFLA_INFO_DATA as newlink/changelink does; 0 or -errno with *why. */
static int fk_apply_vxlan(struct fk *k, struct fk_dev *d, const struct nlattr *data,
			  bool create, const char **why)
{
	const struct nlattr *a;
	bool port_given = false;

	mnl_attr_for_each_nested(a, data) {
		uint16_t t = mnl_attr_get_type(a);
		uint16_t len = mnl_attr_get_payload_len(a);
		const void *p = mnl_attr_get_payload(a);

		if (t == 0 || t > A_MAX) {
			*why = "unknown attribute";
			continue;
		}
		switch (t) {
		case A_GBP:
		case A_GPE:
		case A_REMCSUM_NOPARTIAL:
		case A_TTL_INHERIT:
			/* NLA_FLAG: a payload fails the policy (§1.3) */
			if (len) {
				*why = "flag with a payload";
				return -ERANGE;
			}
			if (t == A_TTL_INHERIT)
				fk_set_u8(d, t, 1);
			else
				fk_set(d, t, NULL, 0);
			break;
		case A_VNIFILTER:
			if (len < 1)
				return -ERANGE;
			if (*(const uint8_t *)p)
				fk_set_u8(d, t, 1);
			else
				d->has[t] = false;
			break;
		case A_MC_ROUTE:
			if (len != 1)
				return -ERANGE;
			break; /* accepted, never dumped */
		case A_LOCALBYPASS:
			if (k->old_localbypass)
				break; /* unknown to an old kernel: silently ignored */
			if (len != 1 || *(const uint8_t *)p > 1)
				return -ERANGE;
			fk_set(d, t, p, 1);
			break;
		case A_RESERVED_BITS:
			if (len != 8)
				return -ERANGE;
			fk_set(d, t, p, 8);
			break;
		case A_GROUP:
		case A_LOCAL:
			if (len != 4)
				return -ERANGE;
			fk_set(d, t, p, 4);
			break;
		case A_GROUP6:
		case A_LOCAL6:
			if (len != 16)
				return -ERANGE;
			fk_set(d, t, p, 16);
			break;
		default:
			if (len > 16)
				return -ERANGE;
			fk_set(d, t, p, len);
			if (t == A_PORT)
				port_given = true;
		}
	}
	if (create && !port_given && d->has[A_GPE]) {
		uint16_t gport = htons(4790);

		fk_set(d, A_PORT, &gport, 2);
	}
	/* the kernel's own checks that a test might trip over (§1.3) */
	if (d->has[A_VNIFILTER] && !d->val[A_COLLECT_METADATA][0]) {
		*why = "vnifilter needs external";
		return -EINVAL;
	}
	if (d->has[A_GPE] && (!d->val[A_COLLECT_METADATA][0] || d->val[A_LEARNING][0])) {
		*why = "gpe needs external and no learning";
		return -EINVAL;
	}
	return 0;
}

static bool fk_v6(const struct fk_dev *d)
{
	return d->has[A_GROUP6] || d->has[A_LOCAL6];
}

static void fk_put_link(struct fk *k, struct tu_dgram *g, const struct fk_dev *d, uint16_t flags)
{
	struct nlmsghdr *nlh = tu_msg(g, RTM_NEWLINK, flags);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	struct nlattr *li, *data;

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_type = 1; /* ARPHRD_ETHER */
	ifi->ifi_index = (int)d->ifindex;
	ifi->ifi_flags = d->flags;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, d->name);
	mnl_attr_put_u32(nlh, IFLA_MTU, d->mtu);
	mnl_attr_put_u32(nlh, IFLA_GROUP, d->group);
	mnl_attr_put(nlh, IFLA_ADDRESS, 6, d->mac);
	li = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, d->vxlan ? "vxlan" : "veth");
	if (d->vxlan) {
		data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
		for (int t = 1; t <= A_MAX; t++)
			if (d->has[t])
				mnl_attr_put(nlh, (uint16_t)t, d->len[t], d->val[t]);
		if (k->newer_kernel) { /* two attributes from the future, one of them a nest */
			struct nlattr *nest;

			mnl_attr_put_u32(nlh, A_MAX + 1, 0xdeadbeef);
			nest = mnl_attr_nest_start(nlh, A_MAX + 7);
			mnl_attr_put_u8(nlh, 1, 1);
			mnl_attr_nest_end(nlh, nest);
		}
		mnl_attr_nest_end(nlh, data);
	}
	mnl_attr_nest_end(nlh, li);
	tu_end(g, nlh);
}

static void fk_ack(struct fk *k, const struct nlmsghdr *req, int err, const char *msg)
{
	tu_err(fk_dgram(k), req, err, msg, 0, false);
}

/* The device a link request names: ifi_index, else IFLA_IFNAME. */
static struct fk_dev *fk_target(struct fk *k, const struct nlmsghdr *req, const char **name)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(req);
	const struct nlattr *a;

	*name = NULL;
	mnl_attr_for_each(a, req, sizeof(*ifi))
		if (mnl_attr_get_type(a) == IFLA_IFNAME)
			*name = mnl_attr_get_str(a);
	if (ifi->ifi_index)
		return fk_by_index(k, (uint32_t)ifi->ifi_index);
	return *name ? fk_by_name(k, *name) : NULL;
}

static void fk_getlink(struct fk *k, const struct nlmsghdr *req)
{
	const char *name;
	struct fk_dev *d;

	if ((req->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP) {
		struct tu_dgram *g = fk_dgram(k);

		for (int i = 0; i < FK_DEVS; i++)
			if (k->devs[i].used)
				fk_put_link(k, g, &k->devs[i], NLM_F_MULTI);
		tu_done(g, NLM_F_MULTI);
		return;
	}
	d = fk_target(k, req, &name);
	if (!d) {
		fk_ack(k, req, -ENODEV, NULL);
		return;
	}
	fk_put_link(k, fk_dgram(k), d, 0);
	fk_ack(k, req, 0, NULL);
}

static int fk_newlink(struct fk *k, const struct nlmsghdr *req, const char **why)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(req);
	const struct nlattr *a, *li = NULL, *data = NULL, *mtu = NULL, *addr = NULL, *grp = NULL;
	const struct nlattr *nsfd = NULL;
	const char *name;
	struct fk_dev *d = fk_target(k, req, &name);
	bool created = false;
	int r;

	mnl_attr_for_each(a, req, sizeof(*ifi)) {
		switch (mnl_attr_get_type(a) & NLA_TYPE_MASK) {
		case IFLA_LINKINFO:
			li = a;
			break;
		case IFLA_MTU:
			mtu = a;
			break;
		case IFLA_ADDRESS:
			addr = a;
			break;
		case IFLA_GROUP:
			grp = a;
			break;
		case IFLA_NET_NS_FD:
		case IFLA_NET_NS_PID:
			nsfd = a;
			break;
		}
	}
	if (li) {
		const struct nlattr *b;

		mnl_attr_for_each_nested(b, li)
			if ((mnl_attr_get_type(b) & NLA_TYPE_MASK) == IFLA_INFO_DATA)
				data = b;
	}
	if (!d) {
		if (!(req->nlmsg_flags & NLM_F_CREATE))
			return -ENODEV;
		if (!name || !li)
			return -EINVAL;
		d = fk_add_dev(k, name, true);
		created = true;
		fk_vxlan_defaults(k, d);
	} else if ((req->nlmsg_flags & NLM_F_EXCL) && (req->nlmsg_flags & NLM_F_CREATE)) {
		return -EEXIST;
	} else if (li && mtu) {
		*why = "mtu with linkinfo on an existing device";
		return -EOPNOTSUPP;
	}
	if (data) {
		r = fk_apply_vxlan(k, d, data, created, why);
		if (r < 0) {
			if (created)
				fk_del_dev(k, d);
			return r;
		}
	}
	if (created) {
		if (d->has[A_LINK]) {
			uint32_t link;
			struct fk_dev *u;

			memcpy(&link, d->val[A_LINK], 4);
			u = fk_by_index(k, link);
			if (!u) {
				fk_del_dev(k, d);
				return -ENODEV;
			}
			d->mtu = u->mtu - (fk_v6(d) ? 70 : 50);
		}
		if (mtu && (!d->has[A_LINK] || mnl_attr_get_u32(mtu) < d->mtu))
			d->mtu = mnl_attr_get_u32(mtu);
	} else if (mtu) {
		d->mtu = mnl_attr_get_u32(mtu);
	}
	if (addr && mnl_attr_get_payload_len(addr) == 6)
		memcpy(d->mac, mnl_attr_get_payload(addr), 6);
	if (grp)
		d->group = mnl_attr_get_u32(grp);
	if (ifi->ifi_change & K_IFF_UP)
		d->flags = (d->flags & ~K_IFF_UP) | (ifi->ifi_flags & K_IFF_UP);
	else if (ifi->ifi_change == 0 && (ifi->ifi_flags & K_IFF_UP))
		d->flags |= K_IFF_UP; /* ifi_change 0 = every flag given (rtnetlink) */
	if (nsfd)
		fk_del_dev(k, d); /* gone to another namespace */
	return 0;
}

static int fk_dellink(struct fk *k, const struct nlmsghdr *req)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(req);
	const struct nlattr *a;
	const char *name;
	struct fk_dev *d;

	if (!ifi->ifi_index) {
		mnl_attr_for_each(a, req, sizeof(*ifi)) {
			uint32_t g, n = 0;

			if (mnl_attr_get_type(a) != IFLA_GROUP)
				continue;
			/* delete by group: every device in it */
			g = mnl_attr_get_u32(a);
			for (int i = 0; i < FK_DEVS; i++)
				if (k->devs[i].used && k->devs[i].group == g) {
					fk_del_dev(k, &k->devs[i]);
					n++;
				}
			return n ? 0 : -ENODEV;
		}
	}
	d = fk_target(k, req, &name);
	if (!d)
		return -ENODEV;
	fk_del_dev(k, d);
	return 0;
}

static int fk_neigh(struct fk *k, const struct nlmsghdr *req, bool add)
{
	const struct ndmsg *nd = mnl_nlmsg_get_payload(req);
	const struct nlattr *a;
	struct fk_neigh n = {.ifindex = (uint32_t)nd->ndm_ifindex};
	bool has_mac = false;

	if (nd->ndm_family != AF_BRIDGE || !(nd->ndm_flags & K_NTF_SELF))
		return -EOPNOTSUPP;
	if (!fk_by_index(k, n.ifindex))
		return -ENODEV;
	mnl_attr_for_each(a, req, sizeof(*nd)) {
		uint16_t t = mnl_attr_get_type(a), len = mnl_attr_get_payload_len(a);

		if (t == NDA_LLADDR && len == 6) {
			memcpy(n.mac, mnl_attr_get_payload(a), 6);
			has_mac = true;
		} else if (t == NDA_DST && (len == 4 || len == 16)) {
			n.family = len == 4 ? AF_INET : AF_INET6;
			memcpy(n.dst, mnl_attr_get_payload(a), len);
		} else if (t == NDA_PORT && len != 2) {
			return -EINVAL;
		}
	}
	if (!has_mac)
		return -EINVAL;
	if (add) {
		if (!n.family)
			return -EINVAL;
		assert_true(k->nneigh < 32);
		k->neigh[k->nneigh++] = n;
		return 0;
	}
	for (uint32_t i = 0; i < k->nneigh; i++) {
		struct fk_neigh *m = &k->neigh[i];

		if (m->ifindex == n.ifindex && !memcmp(m->mac, n.mac, 6) &&
		    (!n.family || (m->family == n.family && !memcmp(m->dst, n.dst, 16)))) {
			k->neigh[i] = k->neigh[--k->nneigh];
			return 0;
		}
	}
	return -ENOENT;
}

static void fk_getneigh(struct fk *k)
{
	struct tu_dgram *g = fk_dgram(k);

	for (uint32_t i = 0; i < k->nneigh; i++) {
		struct nlmsghdr *nlh = tu_msg(g, RTM_NEWNEIGH, NLM_F_MULTI);
		struct ndmsg *nd = mnl_nlmsg_put_extra_header(nlh, sizeof(*nd));

		nd->ndm_family = AF_BRIDGE;
		nd->ndm_ifindex = (int)k->neigh[i].ifindex;
		nd->ndm_state = 0x80;
		nd->ndm_flags = K_NTF_SELF;
		mnl_attr_put(nlh, NDA_LLADDR, 6, k->neigh[i].mac);
		mnl_attr_put(nlh, NDA_DST, k->neigh[i].family == AF_INET ? 4 : 16,
			     k->neigh[i].dst);
		tu_end(g, nlh);
	}
	tu_done(g, NLM_F_MULTI);
}

static int fk_addr(struct fk *k, const struct nlmsghdr *req, bool add)
{
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(req);
	const struct nlattr *a;
	struct fk_addr n = {.ifindex = ifa->ifa_index, .family = ifa->ifa_family,
			    .plen = ifa->ifa_prefixlen};

	if (!fk_by_index(k, n.ifindex))
		return -ENODEV;
	mnl_attr_for_each(a, req, sizeof(*ifa))
		if (mnl_attr_get_type(a) == IFA_LOCAL || mnl_attr_get_type(a) == IFA_ADDRESS)
			memcpy(n.addr, mnl_attr_get_payload(a),
			       mnl_attr_get_payload_len(a) > 16 ? 16
								: mnl_attr_get_payload_len(a));
	if (add) {
		assert_true(k->naddrs < 32);
		k->addrs[k->naddrs++] = n;
		return 0;
	}
	for (uint32_t i = 0; i < k->naddrs; i++)
		if (k->addrs[i].ifindex == n.ifindex && !memcmp(k->addrs[i].addr, n.addr, 16)) {
			k->addrs[i] = k->addrs[--k->naddrs];
			return 0;
		}
	return -EADDRNOTAVAIL;
}

static void fk_getaddr(struct fk *k)
{
	struct tu_dgram *g = fk_dgram(k);

	for (uint32_t i = 0; i < k->naddrs; i++) {
		struct nlmsghdr *nlh = tu_msg(g, RTM_NEWADDR, NLM_F_MULTI);
		struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
		size_t len = k->addrs[i].family == AF_INET ? 4 : 16;

		ifa->ifa_family = (uint8_t)k->addrs[i].family;
		ifa->ifa_prefixlen = (uint8_t)k->addrs[i].plen;
		ifa->ifa_index = k->addrs[i].ifindex;
		mnl_attr_put(nlh, IFA_ADDRESS, len, k->addrs[i].addr);
		mnl_attr_put(nlh, IFA_LOCAL, len, k->addrs[i].addr);
		tu_end(g, nlh);
	}
	tu_done(g, NLM_F_MULTI);
}

static int fk_send(void *priv, struct vxoff_ctx *ctx, uint32_t proto, const void *buf,
		   size_t len)
{
	struct fk *k = priv;
	const struct nlmsghdr *req = buf;
	const char *why = NULL;
	bool dump = (req->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
	int r = 0;

	(void)ctx;
	assert_true(k->nreq < FK_REQS);
	k->req[k->nreq].p = malloc(len);
	assert_non_null(k->req[k->nreq].p);
	memcpy(k->req[k->nreq].p, buf, len);
	k->req[k->nreq].len = len;
	k->nreq++;
	if (proto != 0) { /* rtnetlink only */
		k->unhandled++;
		fk_ack(k, req, -EOPNOTSUPP, "fake kernel: not rtnetlink");
		return 0;
	}
	if (k->fail_at == k->nreq) {
		fk_ack(k, req, k->fail_err, "injected failure");
		return 0;
	}
	switch (req->nlmsg_type) {
	case RTM_GETLINK:
		fk_getlink(k, req);
		return 0;
	case RTM_GETNEIGH:
		if (!dump)
			break;
		fk_getneigh(k);
		return 0;
	case RTM_GETADDR:
		if (!dump)
			break;
		fk_getaddr(k);
		return 0;
	case RTM_NEWLINK:
	case RTM_SETLINK:
		r = fk_newlink(k, req, &why);
		fk_ack(k, req, r, r < 0 ? why : NULL);
		return 0;
	case RTM_DELLINK:
		fk_ack(k, req, fk_dellink(k, req), NULL);
		return 0;
	case RTM_NEWNEIGH:
	case RTM_DELNEIGH:
		fk_ack(k, req, fk_neigh(k, req, req->nlmsg_type == RTM_NEWNEIGH), NULL);
		return 0;
	case RTM_NEWADDR:
	case RTM_DELADDR:
		fk_ack(k, req, fk_addr(k, req, req->nlmsg_type == RTM_NEWADDR), NULL);
		return 0;
	}
	k->unhandled++;
	print_message("fake kernel: unhandled message type %u flags %#x\n", req->nlmsg_type,
		      req->nlmsg_flags);
	fk_ack(k, req, -EOPNOTSUPP, "fake kernel: unhandled");
	return 0;
}

static ssize_t fk_recv(void *priv, struct vxoff_ctx *ctx, uint32_t proto, void *buf, size_t cap)
{
	struct fk *k = priv;
	struct tu_dgram *g;
	const struct nlmsghdr *last;
	size_t off = 0;

	(void)ctx;
	(void)proto;
	if (k->nextout >= k->nout)
		return -ENOMSG;
	g = k->out[k->nextout];
	if (g->len > cap)
		return (ssize_t)g->len;
	memcpy(buf, g->buf, g->len);
	/* every message answers the last request: its seq, our port */
	last = (const void *)k->req[k->nreq - 1].p;
	while (g->len - off >= sizeof(struct nlmsghdr)) {
		struct nlmsghdr *nlh = (void *)((char *)buf + off);

		nlh->nlmsg_seq = last->nlmsg_seq;
		nlh->nlmsg_pid = TU_SCRIPT_PORTID;
		off += NLMSG_ALIGN(nlh->nlmsg_len);
	}
	off = g->len;
	k->out[k->nextout++] = NULL; /* consumed: 128 KiB each, freed at once */
	free(g);
	return (ssize_t)off;
}

static uint32_t fk_portid(void *priv, uint32_t proto)
{
	(void)priv;
	(void)proto;
	return TU_SCRIPT_PORTID;
}

static int fk_ioctl(void *priv, struct vxoff_ctx *ctx, const char *ifname, void *data,
		    size_t len)
{
	(void)priv;
	(void)ctx;
	(void)ifname;
	(void)data;
	(void)len;
	return -EOPNOTSUPP;
}

static void fk_free(void *priv)
{
	struct fk *k = priv;

	for (uint32_t i = 0; i < k->nreq; i++)
		free(k->req[i].p);
	for (uint32_t i = 0; i < k->nout; i++)
		free(k->out[i]);
	free(k);
}

/* A context talking to a fresh fake kernel (owned by the context). */
static struct vxoff_ctx *fk_ctx(struct fk **ret)
{
	struct vxoff_ctx *ctx = tu_ctx(NULL);
	struct fk *k = fk_new();
	struct vxoff__transport t = {
		.send = fk_send,
		.recv = fk_recv,
		.portid = fk_portid,
		.ethtool_ioctl = fk_ioctl,
		.free = fk_free,
		.priv = k,
	};

	vxoff__ctx_set_transport(ctx, &t);
	*ret = k;
	return ctx;
}

static const struct nlmsghdr *fk_req(const struct fk *k, uint32_t i)
{
	return (const void *)k->req[i].p;
}

/* Index of the create request (RTM_NEWLINK with NLM_F_CREATE), or -1. */
static int fk_find_create(const struct fk *k)
{
	for (uint32_t i = 0; i < k->nreq; i++)
		if (fk_req(k, i)->nlmsg_type == RTM_NEWLINK &&
		    (fk_req(k, i)->nlmsg_flags & NLM_F_CREATE))
			return (int)i;
	return -1;
}

static uint32_t fk_count(const struct fk *k, uint16_t type, uint32_t from)
{
	uint32_t n = 0;

	for (uint32_t i = from; i < k->nreq; i++)
		n += fk_req(k, i)->nlmsg_type == type;
	return n;
}

/* ======================================================================================== */
/* Expected bytes, from the reference table                                                */
/* ======================================================================================== */

struct expect {
	union {
		unsigned char buf[1024];
		struct nlmsghdr align;
	};
	struct nlmsghdr *nlh; /* a scratch message holding the expected attributes */
	uint32_t mtu;	      /* expected IFLA_MTU, 0 = none */
	const uint8_t *mac;   /* expected IFLA_ADDRESS, NULL = none */
};

static void ex_init(struct expect *e)
{
	memset(e, 0, sizeof(*e));
	e->nlh = mnl_nlmsg_put_header(e->buf);
}

static void ex_u8(struct expect *e, uint16_t t, uint8_t v)
{
	mnl_attr_put_u8(e->nlh, t, v);
}

static void ex_u32(struct expect *e, uint16_t t, uint32_t v)
{
	mnl_attr_put_u32(e->nlh, t, v);
}

static void ex_be16(struct expect *e, uint16_t t, uint16_t v)
{
	uint16_t be = htons(v);

	mnl_attr_put(e->nlh, t, 2, &be);
}

static void ex_be32(struct expect *e, uint16_t t, uint32_t v)
{
	uint32_t be = htonl(v);

	mnl_attr_put(e->nlh, t, 4, &be);
}

static void ex_flag(struct expect *e, uint16_t t)
{
	mnl_attr_put(e->nlh, t, 0, NULL);
}

static void ex_bin(struct expect *e, uint16_t t, const void *p, size_t len)
{
	mnl_attr_put(e->nlh, t, len, p);
}

static void ex_port_range(struct expect *e, uint16_t lo, uint16_t hi)
{
	uint16_t r[2] = {htons(lo), htons(hi)};

	mnl_attr_put(e->nlh, A_PORT_RANGE, 4, r);
}

static void hex(char *out, size_t cap, const void *p, size_t len)
{
	const unsigned char *b = p;

	out[0] = '\0';
	for (size_t i = 0; i < len && 3 * i + 3 < cap; i++)
		snprintf(out + 3 * i, cap - 3 * i, "%02x ", b[i]);
}

/*
 * The INFO_DATA of req against e: the same attributes, each the same bytes (header
 * included); the order is the library's choice.
 */
static void ex_compare(const struct expect *e, const struct nlattr *data, const char *what)
{
	const struct nlattr *a, *b;
	uint32_t n_exp = 0, n_act = 0;
	char h1[128], h2[128];

	mnl_attr_for_each_nested(a, data) {
		n_act++;
		bool found = false;

		mnl_attr_for_each(b, e->nlh, 0) {
			if (mnl_attr_get_type(b) != mnl_attr_get_type(a))
				continue;
			found = true;
			hex(h1, sizeof(h1), a, a->nla_len);
			hex(h2, sizeof(h2), b, b->nla_len);
			if (a->nla_len != b->nla_len || memcmp(a, b, a->nla_len))
				fail_msg("%s: IFLA_VXLAN attribute %u: sent [%s], expected [%s]",
					 what, mnl_attr_get_type(a), h1, h2);
		}
		if (!found)
			fail_msg("%s: IFLA_VXLAN attribute %u (payload %u bytes) was not asked for",
				 what, mnl_attr_get_type(a), mnl_attr_get_payload_len(a));
	}
	mnl_attr_for_each(b, e->nlh, 0) {
		n_exp++;
		bool found = false;

		mnl_attr_for_each_nested(a, data)
			found |= mnl_attr_get_type(a) == mnl_attr_get_type(b);
		if (!found)
			fail_msg("%s: IFLA_VXLAN attribute %u was not sent", what,
				 mnl_attr_get_type(b));
	}
	assert_int_equal(n_act, n_exp);
}

/* A top-level attribute of the create request, or of a later link request for the device. */
static const struct nlattr *find_link_attr(const struct fk *k, int create, uint16_t type)
{
	for (uint32_t i = (uint32_t)create; i < k->nreq; i++) {
		const struct nlmsghdr *req = fk_req(k, i);
		const struct nlattr *a;

		if (req->nlmsg_type != RTM_NEWLINK && req->nlmsg_type != RTM_SETLINK)
			continue;
		mnl_attr_for_each(a, req, sizeof(struct ifinfomsg))
			if (mnl_attr_get_type(a) == type)
				return a;
	}
	return NULL;
}

/* ======================================================================================== */
/* Golden request bytes                                                                     */
/* ======================================================================================== */

#define VETH0 2u

static void v4(uint8_t *dst, const char *s)
{
	memset(dst, 0, 16);
	assert_int_equal(inet_pton(AF_INET, s, dst), 1);
}

static void v6(uint8_t *dst, const char *s)
{
	assert_int_equal(inet_pton(AF_INET6, s, dst), 1);
}

struct golden {
	const char *name;
	void (*setup)(struct vxoff_tunnel_opts *o, struct expect *e);
};

/* Every case: id 42 (or as set), dstport 4789. */
static void base(struct vxoff_tunnel_opts *o, struct expect *e)
{
	o->set |= B(VXOFF_TUN_VNI) | B(VXOFF_TUN_PORT);
	o->vni = 42;
	o->port = 4789;
	ex_u32(e, A_ID, 42);
	ex_be16(e, A_PORT, 4789);
}

static void g_minimal(struct vxoff_tunnel_opts *o, struct expect *e)
{
	base(o, e);
}

static void g_ipv4_dev(struct vxoff_tunnel_opts *o, struct expect *e)
{
	uint8_t a[16];

	base(o, e);
	o->set |= B(VXOFF_TUN_LOCAL) | B(VXOFF_TUN_REMOTE) | B(VXOFF_TUN_UNDERLAY);
	o->local_family = o->remote_family = AF_INET;
	v4(o->local, "198.18.0.1");
	v4(o->remote, "198.18.0.2");
	o->underlay_ifindex = VETH0;
	v4(a, "198.18.0.2");
	ex_bin(e, A_GROUP, a, 4);
	v4(a, "198.18.0.1");
	ex_bin(e, A_LOCAL, a, 4);
	ex_u32(e, A_LINK, VETH0);
}

static void g_ipv6_label(struct vxoff_tunnel_opts *o, struct expect *e)
{
	uint8_t a[16];

	base(o, e);
	o->set |= B(VXOFF_TUN_LOCAL) | B(VXOFF_TUN_REMOTE) | B(VXOFF_TUN_LABEL) |
		  B(VXOFF_TUN_LABEL_POLICY);
	o->local_family = o->remote_family = AF_INET6;
	v6(o->local, "2001:db8::1");
	v6(o->remote, "2001:db8::2");
	o->label = 0xabcde;
	o->label_policy = VXOFF_LABEL_INHERIT;
	v6(a, "2001:db8::2");
	ex_bin(e, A_GROUP6, a, 16);
	v6(a, "2001:db8::1");
	ex_bin(e, A_LOCAL6, a, 16);
	ex_be32(e, A_LABEL, 0xabcde);
	ex_u32(e, A_LABEL_POLICY, 1);
}

static void g_multicast(struct vxoff_tunnel_opts *o, struct expect *e)
{
	uint8_t a[16];

	base(o, e);
	o->set |= B(VXOFF_TUN_GROUP) | B(VXOFF_TUN_UNDERLAY);
	o->group_family = AF_INET;
	v4(o->group, "239.1.1.1");
	o->underlay_ifindex = VETH0;
	v4(a, "239.1.1.1");
	ex_bin(e, A_GROUP, a, 4);
	ex_u32(e, A_LINK, VETH0);
}

static void g_multicast6_by_name(struct vxoff_tunnel_opts *o, struct expect *e)
{
	uint8_t a[16];

	base(o, e);
	o->set |= B(VXOFF_TUN_GROUP) | B(VXOFF_TUN_UNDERLAY);
	o->group_family = AF_INET6;
	v6(o->group, "ff05::42");
	o->underlay = "veth0"; /* resolved in the context's namespace: over netlink */
	v6(a, "ff05::42");
	ex_bin(e, A_GROUP6, a, 16);
	ex_u32(e, A_LINK, VETH0);
}

static void g_external_vnifilter(struct vxoff_tunnel_opts *o, struct expect *e)
{
	base(o, e);
	o->set |= B(VXOFF_TUN_EXTERNAL) | B(VXOFF_TUN_VNIFILTER);
	o->on |= B(VXOFF_TUN_EXTERNAL) | B(VXOFF_TUN_VNIFILTER);
	ex_u8(e, A_COLLECT_METADATA, 1);
	ex_u8(e, A_VNIFILTER, 1);
}

static void g_gpe(struct vxoff_tunnel_opts *o, struct expect *e)
{
	base(o, e);
	o->set |= B(VXOFF_TUN_GPE) | B(VXOFF_TUN_EXTERNAL) | B(VXOFF_TUN_LEARNING);
	o->on |= B(VXOFF_TUN_GPE) | B(VXOFF_TUN_EXTERNAL); /* learning off */
	ex_flag(e, A_GPE);
	ex_u8(e, A_COLLECT_METADATA, 1);
	ex_u8(e, A_LEARNING, 0);
}

/* Every boolean on (GPE excepted: it wants learning off, see g_gpe). */
static void g_all_bools(struct vxoff_tunnel_opts *o, struct expect *e)
{
	static const struct {
		uint32_t id;
		uint16_t attr;
		bool flag;
	} bools[] = {
		{VXOFF_TUN_TTL_INHERIT, A_TTL_INHERIT, true},
		{VXOFF_TUN_LEARNING, A_LEARNING, false},
		{VXOFF_TUN_PROXY, A_PROXY, false},
		{VXOFF_TUN_RSC, A_RSC, false},
		{VXOFF_TUN_L2MISS, A_L2MISS, false},
		{VXOFF_TUN_L3MISS, A_L3MISS, false},
		{VXOFF_TUN_UDP_CSUM, A_UDP_CSUM, false},
		{VXOFF_TUN_UDP6_ZERO_CSUM_TX, A_ZCSUM6_TX, false},
		{VXOFF_TUN_UDP6_ZERO_CSUM_RX, A_ZCSUM6_RX, false},
		{VXOFF_TUN_REMCSUM_TX, A_REMCSUM_TX, false},
		{VXOFF_TUN_REMCSUM_RX, A_REMCSUM_RX, false},
		{VXOFF_TUN_REMCSUM_NOPARTIAL, A_REMCSUM_NOPARTIAL, true},
		{VXOFF_TUN_GBP, A_GBP, true},
		{VXOFF_TUN_EXTERNAL, A_COLLECT_METADATA, false},
		{VXOFF_TUN_VNIFILTER, A_VNIFILTER, false},
		{VXOFF_TUN_LOCALBYPASS, A_LOCALBYPASS, false},
		{VXOFF_TUN_MC_ROUTE, A_MC_ROUTE, false},
	};

	base(o, e);
	for (size_t i = 0; i < sizeof(bools) / sizeof(bools[0]); i++) {
		o->set |= B(bools[i].id);
		o->on |= B(bools[i].id);
		if (bools[i].flag)
			ex_flag(e, bools[i].attr);
		else
			ex_u8(e, bools[i].attr, 1);
	}
}

static void g_ttl_tos_df(struct vxoff_tunnel_opts *o, struct expect *e)
{
	base(o, e);
	o->set |= B(VXOFF_TUN_TTL_INHERIT) | B(VXOFF_TUN_TOS) | B(VXOFF_TUN_DF) |
		  B(VXOFF_TUN_AGEING) | B(VXOFF_TUN_MAXADDR);
	o->on |= B(VXOFF_TUN_TTL_INHERIT);
	o->tos = 1;
	o->df = VXOFF_DF_INHERIT;
	o->ageing = 600;
	o->maxaddr = 1000;
	ex_flag(e, A_TTL_INHERIT);
	ex_u8(e, A_TOS, 1);
	ex_u8(e, A_DF, 2);
	ex_u32(e, A_AGEING, 600);
	ex_u32(e, A_LIMIT, 1000);
}

static void g_ttl_value(struct vxoff_tunnel_opts *o, struct expect *e)
{
	base(o, e);
	o->set |= B(VXOFF_TUN_TTL);
	o->ttl = 64;
	ex_u8(e, A_TTL, 64);
}

static void g_srcport(struct vxoff_tunnel_opts *o, struct expect *e)
{
	base(o, e);
	o->set |= B(VXOFF_TUN_SRCPORT);
	o->srcport_min = 49152;
	o->srcport_max = 65535;
	ex_port_range(e, 49152, 65535);
}

static void g_reserved_bits(struct vxoff_tunnel_opts *o, struct expect *e)
{
	static const uint8_t bits[8] = {0x77, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0xff};

	base(o, e);
	o->set |= B(VXOFF_TUN_RESERVED_BITS);
	memcpy(o->reserved_bits, bits, 8);
	ex_bin(e, A_RESERVED_BITS, bits, 8);
}

static void g_mtu(struct vxoff_tunnel_opts *o, struct expect *e)
{
	base(o, e);
	o->set |= B(VXOFF_TUN_MTU);
	o->mtu = 1400;
	e->mtu = 1400;
}

static void g_mac(struct vxoff_tunnel_opts *o, struct expect *e)
{
	static const uint8_t mac[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55};

	base(o, e);
	o->set |= B(VXOFF_TUN_MAC);
	memcpy(o->mac, mac, 6);
	e->mac = mac;
}

static const struct golden goldens[] = {
	{"minimal", g_minimal},
	{"ipv4 unicast with dev", g_ipv4_dev},
	{"ipv6 with label and label_policy", g_ipv6_label},
	{"multicast group", g_multicast},
	{"ipv6 multicast group, dev by name", g_multicast6_by_name},
	{"external + vnifilter", g_external_vnifilter},
	{"gpe", g_gpe},
	{"every boolean on", g_all_bools},
	{"ttl inherit, tos, df, ageing, maxaddress", g_ttl_tos_df},
	{"ttl 64", g_ttl_value},
	{"srcport range", g_srcport},
	{"reserved bits", g_reserved_bits},
	{"mtu", g_mtu},
	{"mac", g_mac},
};

static void golden_request_bytes(void **state)
{
	(void)state;
	for (size_t c = 0; c < sizeof(goldens) / sizeof(goldens[0]); c++) {
		VXOFF_OPTS(vxoff_tunnel_opts, o, .set = 0);
		struct vxoff_tunnel *t = NULL;
		const struct nlattr *a, *li = NULL, *data = NULL;
		const struct nlmsghdr *req;
		const char *ifname = NULL, *kind = NULL;
		struct expect e;
		struct fk *k;
		struct vxoff_ctx *ctx = fk_ctx(&k);
		int r, ci;

		ex_init(&e);
		goldens[c].setup(&o, &e);
		r = vxoff_tunnel_create(ctx, "vx0", &o, &t);
		if (r < 0)
			fail_msg("%s: create failed: %d %s", goldens[c].name, r,
				 tu_last_error(ctx).msg);
		ci = fk_find_create(k);
		assert_true(ci >= 0);
		req = fk_req(k, (uint32_t)ci);
		assert_true(req->nlmsg_flags & NLM_F_EXCL);
		mnl_attr_for_each(a, req, sizeof(struct ifinfomsg)) {
			if (mnl_attr_get_type(a) == IFLA_IFNAME)
				ifname = mnl_attr_get_str(a);
			if ((mnl_attr_get_type(a) & NLA_TYPE_MASK) == IFLA_LINKINFO)
				li = a;
		}
		assert_non_null(ifname);
		assert_string_equal(ifname, "vx0");
		assert_non_null(li);
		mnl_attr_for_each_nested(a, li) {
			if ((mnl_attr_get_type(a) & NLA_TYPE_MASK) == IFLA_INFO_KIND)
				kind = mnl_attr_get_str(a);
			if ((mnl_attr_get_type(a) & NLA_TYPE_MASK) == IFLA_INFO_DATA)
				data = a;
		}
		assert_non_null(kind);
		assert_string_equal(kind, "vxlan");
		assert_non_null(data);
		ex_compare(&e, data, goldens[c].name);
		a = find_link_attr(k, ci, IFLA_MTU);
		if (e.mtu) {
			assert_non_null(a);
			assert_int_equal(mnl_attr_get_payload_len(a), 4);
			assert_int_equal(mnl_attr_get_u32(a), e.mtu);
		} else {
			assert_null(a);
		}
		a = find_link_attr(k, ci, IFLA_ADDRESS);
		if (e.mac) {
			assert_non_null(a);
			assert_int_equal(mnl_attr_get_payload_len(a), 6);
			assert_memory_equal(mnl_attr_get_payload(a), e.mac, 6);
		} else {
			assert_null(a);
		}
		/* nothing left behind by a successful create, nothing unexpected asked */
		assert_int_equal(k->unhandled, 0);
		assert_int_equal(fk_count(k, RTM_DELLINK, 0), 0);
		assert_non_null(t);
		vxoff_tunnel_free(t);
		vxoff_ctx_free(ctx);
	}
}

/* ======================================================================================== */
/* Bad input: -EINVAL naming the option, no request                                         */
/* ======================================================================================== */

struct bad {
	const char *what;
	const char *name;	/* device name */
	const char *needle;	/* the message must contain one of these '|'-separated words */
	int err;		/* 0 = -EINVAL */
	void (*setup)(struct vxoff_tunnel_opts *o);
};

static void ok_base(struct vxoff_tunnel_opts *o)
{
	o->set = B(VXOFF_TUN_VNI) | B(VXOFF_TUN_PORT);
	o->vni = 42;
	o->port = 4789;
}

static void b_nothing(struct vxoff_tunnel_opts *o)
{
	ok_base(o);
}

static void b_vni(struct vxoff_tunnel_opts *o)
{
	ok_base(o);
	o->vni = 1u << 24;
}

static void b_port0(struct vxoff_tunnel_opts *o)
{
	ok_base(o);
	o->port = 0;
}

static void b_port_big(struct vxoff_tunnel_opts *o)
{
	ok_base(o);
	o->port = 65536;
}

static void b_port_missing(struct vxoff_tunnel_opts *o)
{
	ok_base(o);
	o->set &= ~B(VXOFF_TUN_PORT);
}

static void b_mixed(struct vxoff_tunnel_opts *o)
{
	ok_base(o);
	o->set |= B(VXOFF_TUN_LOCAL) | B(VXOFF_TUN_REMOTE);
	o->local_family = AF_INET;
	v4(o->local, "198.18.0.1");
	o->remote_family = AF_INET6;
	v6(o->remote, "2001:db8::2");
}

static void b_group_unicast(struct vxoff_tunnel_opts *o)
{
	ok_base(o);
	o->set |= B(VXOFF_TUN_GROUP) | B(VXOFF_TUN_UNDERLAY);
	o->group_family = AF_INET;
	v4(o->group, "198.18.0.2");
	o->underlay_ifindex = VETH0;
}

static void b_group6_unicast(struct vxoff_tunnel_opts *o)
{
	ok_base(o);
	o->set |= B(VXOFF_TUN_GROUP) | B(VXOFF_TUN_UNDERLAY);
	o->group_family = AF_INET6;
	v6(o->group, "2001:db8::2");
	o->underlay_ifindex = VETH0;
}

static void b_remote_multicast(struct vxoff_tunnel_opts *o)
{
	ok_base(o);
	o->set |= B(VXOFF_TUN_REMOTE);
	o->remote_family = AF_INET;
	v4(o->remote, "239.1.1.1");
}

static void b_remote_and_group(struct vxoff_tunnel_opts *o)
{
	ok_base(o);
	o->set |= B(VXOFF_TUN_GROUP) | B(VXOFF_TUN_REMOTE) | B(VXOFF_TUN_UNDERLAY);
	o->group_family = o->remote_family = AF_INET;
	v4(o->group, "239.1.1.1");
	v4(o->remote, "198.18.0.2");
	o->underlay_ifindex = VETH0;
}

static void b_group_no_dev(struct vxoff_tunnel_opts *o)
{
	ok_base(o);
	o->set |= B(VXOFF_TUN_GROUP);
	o->group_family = AF_INET;
	v4(o->group, "239.1.1.1");
}

static void b_bad_family(struct vxoff_tunnel_opts *o)
{
	ok_base(o);
	o->set |= B(VXOFF_TUN_REMOTE);
	o->remote_family = AF_PACKET;
}

static void b_unknown_set(struct vxoff_tunnel_opts *o)
{
	ok_base(o);
	o->set |= B(VXOFF_TUN_COUNT);
}

static void b_unknown_set_high(struct vxoff_tunnel_opts *o)
{
	ok_base(o);
	o->set |= 1ull << 63;
}

static void b_unknown_flags(struct vxoff_tunnel_opts *o)
{
	ok_base(o);
	o->flags = 1u << 31;
}

static void b_reserved0(struct vxoff_tunnel_opts *o)
{
	ok_base(o);
	o->reserved0[1] = 1;
}

static void b_reserved1(struct vxoff_tunnel_opts *o)
{
	ok_base(o);
	o->reserved1 = 1;
}

static const struct vxoff_fdb_entry fdb_ok = {
	.sz = sizeof(struct vxoff_fdb_entry), .dst_family = AF_INET,
	.dst = {198, 18, 0, 2},
};

static void b_fdb_sz(struct vxoff_tunnel_opts *o)
{
	ok_base(o);
	o->fdb = &fdb_ok;
	o->fdb_count = 1;
	o->fdb_entry_sz = 8;
}

static const struct vxoff_fdb_entry fdb_bad_sz = {
	.sz = 3, .dst_family = AF_INET, .dst = {198, 18, 0, 2},
};

static void b_fdb_entry_sz(struct vxoff_tunnel_opts *o)
{
	ok_base(o);
	o->fdb = &fdb_bad_sz;
	o->fdb_count = 1;
	o->fdb_entry_sz = sizeof(fdb_bad_sz);
}

static void b_fdb_null(struct vxoff_tunnel_opts *o)
{
	ok_base(o);
	o->fdb = NULL;
	o->fdb_count = 1;
	o->fdb_entry_sz = sizeof(struct vxoff_fdb_entry);
}

static const struct vxoff_tunnel_addr addr_ok = {
	.sz = sizeof(struct vxoff_tunnel_addr), .family = AF_INET,
	.addr = {198, 19, 0, 1}, .prefixlen = 24,
};

static void b_addr_sz(struct vxoff_tunnel_opts *o)
{
	ok_base(o);
	o->addrs = &addr_ok;
	o->addr_count = 1;
	o->addr_entry_sz = 4;
}

static const struct vxoff_tunnel_addr addr_bad_plen = {
	.sz = sizeof(struct vxoff_tunnel_addr), .family = AF_INET,
	.addr = {198, 19, 0, 1}, .prefixlen = 33,
};

static void b_addr_plen(struct vxoff_tunnel_opts *o)
{
	ok_base(o);
	o->addrs = &addr_bad_plen;
	o->addr_count = 1;
	o->addr_entry_sz = sizeof(addr_bad_plen);
}

static void b_ttl(struct vxoff_tunnel_opts *o)
{
	ok_base(o);
	o->set |= B(VXOFF_TUN_TTL);
	o->ttl = 256;
}

static void b_tos(struct vxoff_tunnel_opts *o)
{
	ok_base(o);
	o->set |= B(VXOFF_TUN_TOS);
	o->tos = 256;
}

static void b_df(struct vxoff_tunnel_opts *o)
{
	ok_base(o);
	o->set |= B(VXOFF_TUN_DF);
	o->df = 3;
}

static void b_label(struct vxoff_tunnel_opts *o)
{
	ok_base(o);
	o->set |= B(VXOFF_TUN_LABEL);
	o->label = 1u << 20;
}

static void b_label_policy(struct vxoff_tunnel_opts *o)
{
	ok_base(o);
	o->set |= B(VXOFF_TUN_LABEL_POLICY);
	o->label_policy = 2;
}

static void b_srcport(struct vxoff_tunnel_opts *o)
{
	ok_base(o);
	o->set |= B(VXOFF_TUN_SRCPORT);
	o->srcport_min = 2000;
	o->srcport_max = 1000;
}

static void b_srcport_big(struct vxoff_tunnel_opts *o)
{
	ok_base(o);
	o->set |= B(VXOFF_TUN_SRCPORT);
	o->srcport_min = 1000;
	o->srcport_max = 70000;
}

static void b_vnifilter_no_external(struct vxoff_tunnel_opts *o)
{
	ok_base(o);
	o->set |= B(VXOFF_TUN_VNIFILTER);
	o->on |= B(VXOFF_TUN_VNIFILTER);
}

static void b_gpe_learning(struct vxoff_tunnel_opts *o)
{
	ok_base(o);
	o->set |= B(VXOFF_TUN_GPE) | B(VXOFF_TUN_EXTERNAL);
	o->on |= B(VXOFF_TUN_GPE) | B(VXOFF_TUN_EXTERNAL);
}

static void b_label_v4(struct vxoff_tunnel_opts *o)
{
	ok_base(o);
	o->set |= B(VXOFF_TUN_LABEL) | B(VXOFF_TUN_REMOTE);
	o->label = 5;
	o->remote_family = AF_INET;
	v4(o->remote, "198.18.0.2");
}

static void b_underlay_none(struct vxoff_tunnel_opts *o)
{
	ok_base(o);
	o->set |= B(VXOFF_TUN_UNDERLAY);
}

static const struct bad bads[] = {
	{"VNI 2^24", "vx0", "id", 0, b_vni},
	{"port 0", "vx0", "dstport", 0, b_port0},
	{"port 65536", "vx0", "dstport", 0, b_port_big},
	{"port missing", "vx0", "dstport", 0, b_port_missing},
	{"name of 16 bytes", "vx0123456789abcd", "name|vx0123456789abcd", 0, b_nothing},
	{"name with '/'", "vx/0", "name|vx/0", 0, b_nothing},
	{"name with a space", "vx 0", "name|vx 0", 0, b_nothing},
	{"empty name", "", "name", 0, b_nothing},
	{"mixed families", "vx0", "local|remote|famil", 0, b_mixed},
	{"group not multicast", "vx0", "group", 0, b_group_unicast},
	{"IPv6 group not multicast", "vx0", "group", 0, b_group6_unicast},
	{"remote multicast", "vx0", "remote|group", 0, b_remote_multicast},
	{"remote and group", "vx0", "remote|group", 0, b_remote_and_group},
	{"group without dev", "vx0", "group|dev", 0, b_group_no_dev},
	{"address family 17", "vx0", "remote|famil", 0, b_bad_family},
	{"unknown .set bit", "vx0", "set|unknown|option", 0, b_unknown_set},
	{"unknown .set bit 63", "vx0", "set|unknown|option", 0, b_unknown_set_high},
	{"unknown flag", "vx0", "flag", 0, b_unknown_flags},
	{"reserved0", "vx0", "reserved", -E2BIG, b_reserved0},
	{"reserved1", "vx0", "reserved", -E2BIG, b_reserved1},
	{"fdb entry size 8", "vx0", "fdb", 0, b_fdb_sz},
	{"fdb entry with sz 3", "vx0", "fdb", 0, b_fdb_entry_sz},
	{"fdb NULL with a count", "vx0", "fdb", 0, b_fdb_null},
	{"addr entry size 4", "vx0", "addr", 0, b_addr_sz},
	{"addr prefix 33", "vx0", "addr|prefix", 0, b_addr_plen},
	{"ttl 256", "vx0", "ttl", 0, b_ttl},
	{"tos 256", "vx0", "tos", 0, b_tos},
	{"df 3", "vx0", "df", 0, b_df},
	{"label 2^20", "vx0", "flowlabel|label", 0, b_label},
	{"label policy 2", "vx0", "label", 0, b_label_policy},
	{"srcport min > max", "vx0", "srcport", 0, b_srcport},
	{"srcport 70000", "vx0", "srcport", 0, b_srcport_big},
	{"vnifilter without external", "vx0", "vnifilter|external", 0, b_vnifilter_no_external},
	{"gpe with learning", "vx0", "gpe|learning", 0, b_gpe_learning},
	{"flowlabel on IPv4", "vx0", "flowlabel|label", 0, b_label_v4},
	{"underlay bit without one", "vx0", "dev|underlay", 0, b_underlay_none},
};

static bool has_needle(const char *msg, const char *needles)
{
	char buf[128], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", needles);
	for (char *w = strtok_r(buf, "|", &save); w; w = strtok_r(NULL, "|", &save))
		if (strstr(msg, w))
			return true;
	return false;
}

static void bad_input_sends_nothing(void **state)
{
	(void)state;
	for (size_t c = 0; c < sizeof(bads) / sizeof(bads[0]); c++) {
		VXOFF_OPTS(vxoff_tunnel_opts, o, .set = 0);
		struct vxoff_tunnel *t = NULL;
		struct vxoff_error e;
		struct fk *k;
		struct vxoff_ctx *ctx = fk_ctx(&k);
		int want = bads[c].err ? bads[c].err : -EINVAL;
		int r;

		bads[c].setup(&o);
		r = vxoff_tunnel_create(ctx, bads[c].name, &o, &t);
		e = tu_last_error(ctx);
		if (r != want && !(bads[c].err == -E2BIG && r == -EINVAL))
			fail_msg("%s: returned %d (%s), want %d", bads[c].what, r,
				 e.msg ? e.msg : "no message", want);
		assert_null(t);
		if (!e.msg || !has_needle(e.msg, bads[c].needle))
			fail_msg("%s: message '%s' names none of '%s'", bads[c].what,
				 e.msg ? e.msg : "(none)", bads[c].needle);
		if (k->nreq)
			fail_msg("%s: %u requests sent (first type %u)", bads[c].what, k->nreq,
				 fk_req(k, 0)->nlmsg_type);
		vxoff_ctx_free(ctx);

		/*
		 * replace checks the same before it touches anything: the device it would
		 * replace survives, and no request changes anything.
		 */
		if (!bads[c].name[0] || strlen(bads[c].name) > 15 || strchr(bads[c].name, '/') ||
		    strchr(bads[c].name, ' '))
			continue;
		ctx = fk_ctx(&k);
		{
			VXOFF_OPTS(vxoff_tunnel_opts, ok, .set = 0);
			uint32_t before;

			ok_base(&ok);
			assert_int_equal(vxoff_tunnel_create(ctx, bads[c].name, &ok, NULL), 0);
			before = k->nreq;
			r = vxoff_tunnel_replace(ctx, bads[c].name, &o, &t);
			if (r != want && !(bads[c].err == -E2BIG && r == -EINVAL))
				fail_msg("%s (replace): returned %d (%s), want %d", bads[c].what,
					 r, tu_last_error(ctx).msg, want);
			assert_null(t);
			assert_non_null(fk_by_name(k, bads[c].name));
			for (uint32_t i = before; i < k->nreq; i++)
				if (fk_req(k, i)->nlmsg_type != RTM_GETLINK &&
				    fk_req(k, i)->nlmsg_type != RTM_GETNEIGH &&
				    fk_req(k, i)->nlmsg_type != RTM_GETADDR)
					fail_msg("%s (replace): sent request type %u",
						 bads[c].what, fk_req(k, i)->nlmsg_type);
		}
		vxoff_ctx_free(ctx);
	}
}

static void bad_arguments(void **state)
{
	VXOFF_OPTS(vxoff_tunnel_opts, o, .set = B(VXOFF_TUN_PORT), .port = 4789);
	struct vxoff_tunnel *t = NULL;
	struct fk *k;
	struct vxoff_ctx *ctx = fk_ctx(&k);
	struct vxoff_tunnel_opts small = o;

	(void)state;
	assert_int_equal(vxoff_tunnel_create(NULL, "vx0", &o, &t), -EINVAL);
	assert_int_equal(vxoff_tunnel_create(ctx, NULL, &o, &t), -EINVAL);
	/* no opts: no port, and the kernel's 8472 is never chosen silently */
	assert_int_equal(vxoff_tunnel_create(ctx, "vx0", NULL, &t), -EINVAL);
	small.sz = 16;
	assert_int_equal(vxoff_tunnel_create(ctx, "vx0", &small, &t), -EINVAL);
	assert_int_equal(vxoff_tunnel_delete_many(ctx, NULL, 2), -EINVAL);
	assert_int_equal(k->nreq, 0);
	vxoff_ctx_free(ctx);
}

/* ======================================================================================== */
/* Read-back verification, rollback                                                         */
/* ======================================================================================== */

static void readback_mismatch_deletes(void **state)
{
	VXOFF_OPTS(vxoff_tunnel_opts, o, .set = 0);
	struct vxoff_tunnel *t = NULL;
	struct vxoff_error e;
	struct fk *k;
	struct vxoff_ctx *ctx = fk_ctx(&k);
	int r, ci;

	(void)state;
	ok_base(&o);
	o.set |= B(VXOFF_TUN_LOCALBYPASS); /* off: an old kernel ignores it and keeps it on */
	k->old_localbypass = true;
	r = vxoff_tunnel_create(ctx, "vx0", &o, &t);
	e = tu_last_error(ctx);
	assert_true(r < 0);
	assert_null(t);
	assert_non_null(e.msg);
	if (!strstr(e.msg, "localbypass"))
		fail_msg("message '%s' does not name localbypass", e.msg);
	ci = fk_find_create(k);
	assert_true(ci >= 0);
	assert_int_equal(fk_count(k, RTM_DELLINK, (uint32_t)ci + 1), 1);
	assert_int_equal(fk_vxlan_count(k), 0);
	vxoff_ctx_free(ctx);
}

/* A create with every kind of step: device, MTU, MAC, two FDB entries, two addresses, up. */
static void full_opts(struct vxoff_tunnel_opts *o, struct vxoff_fdb_entry *fdb,
		      struct vxoff_tunnel_addr *addrs)
{
	memset(fdb, 0, 2 * sizeof(*fdb));
	memset(addrs, 0, 2 * sizeof(*addrs));
	ok_base(o);
	o->set |= B(VXOFF_TUN_REMOTE) | B(VXOFF_TUN_UNDERLAY) | B(VXOFF_TUN_MTU) |
		  B(VXOFF_TUN_MAC) | B(VXOFF_TUN_UP);
	o->on |= B(VXOFF_TUN_UP);
	o->remote_family = AF_INET;
	v4(o->remote, "198.18.0.2");
	o->underlay_ifindex = VETH0;
	o->mtu = 1400;
	memcpy(o->mac, (uint8_t[6]){0x02, 0, 0, 0, 0, 0x42}, 6);
	for (int i = 0; i < 2; i++) {
		fdb[i].sz = sizeof(fdb[i]);
		fdb[i].dst_family = AF_INET;
		v4(fdb[i].dst, i ? "198.18.0.4" : "198.18.0.3");
		addrs[i].sz = sizeof(addrs[i]);
	}
	fdb[1].mac[0] = 0x02;
	fdb[1].mac[5] = 0x07;
	addrs[0].family = AF_INET;
	v4(addrs[0].addr, "198.19.0.1");
	addrs[0].prefixlen = 24;
	addrs[1].family = AF_INET6;
	v6(addrs[1].addr, "2001:db8:1::1");
	addrs[1].prefixlen = 64;
	o->fdb = fdb;
	o->fdb_count = 2;
	o->fdb_entry_sz = sizeof(*fdb);
	o->addrs = addrs;
	o->addr_count = 2;
	o->addr_entry_sz = sizeof(*addrs);
}

static void full_create_succeeds(void **state)
{
	struct vxoff_fdb_entry fdb[2];
	struct vxoff_tunnel_addr addrs[2];
	VXOFF_OPTS(vxoff_tunnel_opts, o, .set = 0);
	VXOFF_OUT(vxoff_tunnel_info, info);
	struct vxoff_tunnel *t = NULL;
	struct fk *k;
	struct vxoff_ctx *ctx = fk_ctx(&k);
	struct fk_dev *d;

	(void)state;
	full_opts(&o, fdb, addrs);
	if (vxoff_tunnel_create(ctx, "vx0", &o, &t) < 0)
		fail_msg("create: %s", tu_last_error(ctx).msg);
	d = fk_by_name(k, "vx0");
	assert_non_null(d);
	assert_int_equal(d->mtu, 1400);
	assert_true(d->flags & K_IFF_UP);
	assert_int_equal(d->mac[5], 0x42);
	assert_int_equal(k->nneigh, 2);
	assert_int_equal(k->naddrs, 2);
	assert_int_equal(vxoff_tunnel_info_get(t, &info), 0);
	assert_string_equal(info.name, "vx0");
	assert_int_equal(info.ifindex, d->ifindex);
	assert_int_equal(info.mtu, 1400);
	assert_true(info.flags & K_IFF_UP);
	assert_string_equal(info.mac, "02:00:00:00:00:42");
	vxoff_tunnel_free(t);
	vxoff_ctx_free(ctx);
}

static void rollback_each_step(void **state)
{
	struct vxoff_fdb_entry fdb[2];
	struct vxoff_tunnel_addr addrs[2];
	VXOFF_OPTS(vxoff_tunnel_opts, o, .set = 0);
	struct vxoff_tunnel *t = NULL;
	struct fk *k;
	struct vxoff_ctx *ctx = fk_ctx(&k);
	uint32_t n;

	(void)state;
	full_opts(&o, fdb, addrs);
	/* a clean run: how many requests a create makes */
	if (vxoff_tunnel_create(ctx, "vx0", &o, &t) < 0)
		fail_msg("create: %s", tu_last_error(ctx).msg);
	vxoff_tunnel_free(t);
	n = k->nreq;
	assert_true(n >= 6); /* device, 2 FDB, 2 addresses, up (MTU/MAC may ride along) */
	vxoff_ctx_free(ctx);

	/* every step is tried; the failures are listed together at the end */
	char report[4096] = "";
	size_t used = 0;

	for (uint32_t step = 1; step <= n; step++) {
		struct vxoff_error e;
		uint32_t dels;
		int r, ci;

		ctx = fk_ctx(&k);
		k->fail_at = step;
		t = NULL;
		r = vxoff_tunnel_create(ctx, "vx0", &o, &t);
		e = tu_last_error(ctx);
		assert_null(t);
		ci = fk_find_create(k);
		dels = fk_count(k, RTM_DELLINK, step);
#define ROLLBACK_FAIL(...)                                                                 \
	do {                                                                               \
		if (used < sizeof(report))                                                 \
			used += (size_t)snprintf(report + used, sizeof(report) - used,     \
						 __VA_ARGS__);                             \
	} while (0)
		if (r != -EIO)
			ROLLBACK_FAIL("\n  step %u (type %u): returned %d, want -EIO", step,
				      fk_req(k, step - 1)->nlmsg_type, r);
		if (!e.msg || !strstr(e.msg, "injected failure"))
			ROLLBACK_FAIL("\n  step %u: message '%s' lacks the kernel's text", step,
				      e.msg ? e.msg : "");
		/* once the device exists, undoing means deleting it (FDB, addresses go along) */
		if (ci >= 0 && (uint32_t)ci + 1 < step && dels != 1)
			ROLLBACK_FAIL("\n  step %u (type %u, %u after the create): %u RTM_DELLINK",
				      step, fk_req(k, step - 1)->nlmsg_type,
				      step - (uint32_t)ci - 1, dels);
		if ((ci < 0 || (uint32_t)ci + 1 >= step) && fk_count(k, RTM_DELLINK, 0))
			ROLLBACK_FAIL("\n  step %u: RTM_DELLINK though nothing was created", step);
		/* nothing left: no device, no FDB entry, no address, nothing odd asked */
		if (fk_vxlan_count(k) || k->nneigh || k->naddrs || k->unhandled)
			ROLLBACK_FAIL("\n  step %u (type %u): left %u devices, %u FDB entries, "
				      "%u addresses (%u unhandled requests)",
				      step, fk_req(k, step - 1)->nlmsg_type, fk_vxlan_count(k),
				      k->nneigh, k->naddrs, k->unhandled);
#undef ROLLBACK_FAIL
		vxoff_ctx_free(ctx);
	}
	if (used)
		fail_msg("rollback of a %u-request create:%s", n, report);
}

static void create_exists(void **state)
{
	VXOFF_OPTS(vxoff_tunnel_opts, o, .set = 0);
	struct vxoff_tunnel *t = NULL;
	struct fk *k;
	struct vxoff_ctx *ctx = fk_ctx(&k);

	(void)state;
	ok_base(&o);
	assert_int_equal(vxoff_tunnel_create(ctx, "vx0", &o, &t), 0);
	vxoff_tunnel_free(t);
	t = NULL;
	/* the existing device must survive a failed second create */
	assert_int_equal(vxoff_tunnel_create(ctx, "vx0", &o, &t), -EEXIST);
	assert_null(t);
	assert_non_null(fk_by_name(k, "vx0"));
	vxoff_ctx_free(ctx);
}

static void delete_many_one_batch(void **state)
{
	VXOFF_OPTS(vxoff_tunnel_opts, o, .set = 0);
	const char *names[3] = {"vx0", "vx1", "vx2"};
	struct fk *k;
	struct vxoff_ctx *ctx = fk_ctx(&k);
	uint32_t before;

	(void)state;
	ok_base(&o);
	for (int i = 0; i < 3; i++) {
		o.vni = 100 + (uint32_t)i;
		assert_int_equal(vxoff_tunnel_create(ctx, names[i], &o, NULL), 0);
	}
	assert_int_equal(fk_vxlan_count(k), 3);
	before = k->nreq;
	assert_int_equal(vxoff_tunnel_delete_many(ctx, names, 3), 3);
	assert_int_equal(fk_vxlan_count(k), 0);
	assert_non_null(fk_by_name(k, "veth0"));
	/* one unregister batch: a single RTM_DELLINK */
	assert_int_equal(fk_count(k, RTM_DELLINK, before), 1);
	/* a missing name: nothing deleted */
	assert_int_equal(vxoff_tunnel_create(ctx, "vx0", &o, NULL), 0);
	names[1] = "nope";
	assert_int_equal(vxoff_tunnel_delete_many(ctx, names, 2), -ENODEV);
	assert_non_null(fk_by_name(k, "vx0"));
	vxoff_ctx_free(ctx);
}

/* ======================================================================================== */
/* JSON                                                                                     */
/* ======================================================================================== */

static void json_matches_api(void **state)
{
	VXOFF_OPTS(vxoff_tunnel_opts, o, .set = 0);
	VXOFF_OUT(vxoff_tunnel_opts, back);
	struct vxoff_tunnel_list *list = NULL;
	struct vxoff_tunnel *t = NULL;
	struct json_object *doc, *opts, *v, *arr;
	struct expect e;
	struct fk *k;
	struct vxoff_ctx *ctx = fk_ctx(&k);
	char *s = NULL;

	(void)state;
	ex_init(&e);
	g_ipv4_dev(&o, &e);
	o.set |= B(VXOFF_TUN_MC_ROUTE) | B(VXOFF_TUN_SRCPORT) | B(VXOFF_TUN_DF);
	o.on |= B(VXOFF_TUN_MC_ROUTE);
	o.srcport_min = 1000;
	o.srcport_max = 2000;
	o.df = VXOFF_DF_INHERIT;
	if (vxoff_tunnel_create(ctx, "vx0", &o, &t) < 0)
		fail_msg("create: %s", tu_last_error(ctx).msg);
	assert_int_equal(vxoff_tunnel_opts_get(t, &back), 0);
	assert_int_equal(vxoff_tunnel_json(t, 0, &s), 0);
	doc = json_tokener_parse(s);
	assert_non_null(doc);
	assert_true(json_object_object_get_ex(doc, "ifname", &v));
	assert_string_equal(json_object_get_string(v), "vx0");
	assert_true(json_object_object_get_ex(doc, "options", &opts));
	/* a member exactly for each option the API reports */
	for (uint32_t id = 0; id < VXOFF_TUN_COUNT; id++) {
		const char *key = vxoff_tun_option_name(id);
		bool in = key && json_object_object_get_ex(opts, key, &v);

		assert_non_null(key);
		if (id == VXOFF_TUN_NETNS)
			continue;
		/* TTL and TTL_INHERIT may share ip's keyword "ttl" */
		if (id == VXOFF_TUN_TTL_INHERIT &&
		    !strcmp(key, vxoff_tun_option_name(VXOFF_TUN_TTL)))
			continue;
		if (in != !!(back.set & B(id)))
			fail_msg("option %s: in JSON %d, reported %d", key, in,
				 !!(back.set & B(id)));
	}
	/* MC_ROUTE is never dumped (6.18): absent, not a guessed false */
	assert_false(json_object_object_get_ex(opts, vxoff_tun_option_name(VXOFF_TUN_MC_ROUTE),
					       NULL));
	assert_true(json_object_object_get_ex(opts, vxoff_tun_option_name(VXOFF_TUN_VNI), &v));
	assert_int_equal(json_object_get_int64(v), 42);
	assert_true(json_object_object_get_ex(opts, vxoff_tun_option_name(VXOFF_TUN_PORT), &v));
	assert_int_equal(json_object_get_int64(v), 4789);
	assert_true(json_object_object_get_ex(opts, vxoff_tun_option_name(VXOFF_TUN_REMOTE), &v));
	assert_string_equal(json_object_get_string(v), "198.18.0.2");
	assert_true(json_object_object_get_ex(opts, vxoff_tun_option_name(VXOFF_TUN_DF), &v));
	assert_string_equal(json_object_get_string(v), "inherit");
	assert_true(json_object_object_get_ex(opts, vxoff_tun_option_name(VXOFF_TUN_SRCPORT), &v));
	assert_true(json_object_object_get_ex(v, "min", &v));
	assert_int_equal(json_object_get_int64(v), 1000);
	json_object_put(doc);
	vxoff_free(s);

	assert_int_equal(vxoff_tunnel_list(ctx, &list), 0);
	assert_int_equal(vxoff_tunnel_list_count(list), 1); /* veth0 and lo are not VXLAN */
	assert_int_equal(vxoff_tunnel_list_json(list, VXOFF_JSON_PRETTY, &s), 0);
	doc = json_tokener_parse(s);
	assert_non_null(doc);
	assert_true(json_object_object_get_ex(doc, "schema", &v));
	assert_string_equal(json_object_get_string(v), "vxoff-tunnel/1");
	assert_true(json_object_object_get_ex(doc, "tunnels", &arr));
	assert_int_equal(json_object_array_length(arr), 1);
	json_object_put(doc);
	vxoff_free(s);
	assert_int_equal(vxoff_tunnel_json(t, 1u << 7, &s), -EINVAL);
	assert_int_equal(vxoff_tunnel_json(NULL, 0, &s), -EINVAL);
	assert_int_equal(vxoff_tunnel_list_json(NULL, 0, &s), -EINVAL);
	vxoff_tunnel_list_free(list);
	vxoff_tunnel_free(t);
	vxoff_ctx_free(ctx);
}

static void option_names(void **state)
{
	/* iproute2's keywords (ip-link(8)) for the ones ip has */
	static const struct {
		uint32_t id;
		const char *kw;
	} names[] = {
		{VXOFF_TUN_VNI, "id"},		   {VXOFF_TUN_PORT, "dstport"},
		{VXOFF_TUN_LOCAL, "local"},	   {VXOFF_TUN_REMOTE, "remote"},
		{VXOFF_TUN_GROUP, "group"},	   {VXOFF_TUN_UNDERLAY, "dev"},
		{VXOFF_TUN_SRCPORT, "srcport"},	   {VXOFF_TUN_TTL, "ttl"},
		{VXOFF_TUN_TOS, "tos"},		   {VXOFF_TUN_DF, "df"},
		{VXOFF_TUN_LABEL, "flowlabel"},	   {VXOFF_TUN_LEARNING, "learning"},
		{VXOFF_TUN_PROXY, "proxy"},	   {VXOFF_TUN_RSC, "rsc"},
		{VXOFF_TUN_L2MISS, "l2miss"},	   {VXOFF_TUN_L3MISS, "l3miss"},
		{VXOFF_TUN_AGEING, "ageing"},	   {VXOFF_TUN_MAXADDR, "maxaddress"},
		{VXOFF_TUN_UDP_CSUM, "udpcsum"},   {VXOFF_TUN_GBP, "gbp"},
		{VXOFF_TUN_GPE, "gpe"},		   {VXOFF_TUN_EXTERNAL, "external"},
		{VXOFF_TUN_VNIFILTER, "vnifilter"}, {VXOFF_TUN_MTU, "mtu"},
		{VXOFF_TUN_UDP6_ZERO_CSUM_TX, "udp6zerocsumtx"},
		{VXOFF_TUN_UDP6_ZERO_CSUM_RX, "udp6zerocsumrx"},
		{VXOFF_TUN_REMCSUM_TX, "remcsumtx"}, {VXOFF_TUN_REMCSUM_RX, "remcsumrx"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const char *n = vxoff_tun_option_name(names[i].id);

		assert_non_null(n);
		assert_string_equal(n, names[i].kw);
	}
	for (uint32_t id = 0; id < VXOFF_TUN_COUNT; id++)
		assert_non_null(vxoff_tun_option_name(id));
	assert_null(vxoff_tun_option_name(VXOFF_TUN_COUNT));
}

/* A dump from a newer kernel: unknown IFLA_VXLAN_* attributes are counted, the rest parses. */
static void newer_kernel_attrs(void **state)
{
	VXOFF_OPTS(vxoff_tunnel_opts, o, .set = 0);
	VXOFF_OUT(vxoff_tunnel_opts, back);
	VXOFF_OUT(vxoff_tunnel_info, info);
	struct vxoff_tunnel_list *list = NULL;
	const struct vxoff_tunnel *t;
	struct expect e;
	struct fk *k;
	struct vxoff_ctx *ctx = fk_ctx(&k);

	(void)state;
	ex_init(&e);
	g_ipv4_dev(&o, &e);
	if (vxoff_tunnel_create(ctx, "vx0", &o, NULL) < 0)
		fail_msg("create: %s", tu_last_error(ctx).msg);
	k->newer_kernel = true;
	assert_int_equal(vxoff_tunnel_list(ctx, &list), 0);
	assert_int_equal(vxoff_tunnel_list_count(list), 1);
	assert_int_equal(vxoff_tunnel_list_get(list, 0, &t), 0);
	assert_int_equal(vxoff_tunnel_info_get(t, &info), 0);
	assert_string_equal(info.name, "vx0");
	assert_int_equal(info.unknown_attrs, 2);
	assert_int_equal(vxoff_tunnel_opts_get(t, &back), 0);
	assert_true(back.set & B(VXOFF_TUN_VNI));
	assert_int_equal(back.vni, o.vni);
	assert_int_equal(back.port, o.port);
	vxoff_tunnel_list_free(list);
	vxoff_ctx_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(option_names),
		cmocka_unit_test(golden_request_bytes),
		cmocka_unit_test(bad_input_sends_nothing),
		cmocka_unit_test(bad_arguments),
		cmocka_unit_test(readback_mismatch_deletes),
		cmocka_unit_test(full_create_succeeds),
		cmocka_unit_test(rollback_each_step),
		cmocka_unit_test(create_exists),
		cmocka_unit_test(delete_many_one_batch),
		cmocka_unit_test(json_matches_api),
		cmocka_unit_test(newer_kernel_attrs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * The lab's testbed: two network namespaces joined by a veth pair with a VXLAN on each end,
 * or, with a user's underlay, only the VXLAN devices on it. Preconditions are checked first
 * and create nothing; each object is written to the state file before it is made.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>

#include <vxoff/tune.h>
#include <vxoff/tunnel.h>

#include "lab_internal.h"

#define NETNS_DIR "/run/netns"

int vxoff__lab_err_from(struct vxoff_ctx *to, struct vxoff_ctx *from, int err, const char *what)
{
	VXOFF_OUT(vxoff_error, e);

	if (from && vxoff_ctx_last_error(from, &e) == 0 && e.err && e.msg)
		return vxoff__err(to, err, e.reason, "%s: %s", what, e.msg);
	return vxoff__err(to, err, VXOFF_REASON_SYSTEM, "%s: %s", what, strerror(-err));
}

/* ---- namespaces ---- */

bool vxoff__lab_netns_exists(const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), NETNS_DIR "/%s", name);
	return access(path, F_OK) == 0;
}

struct ns_job {
	const char *path;
	int err;
};

/* On its own thread: unshare() changes the namespace of the calling thread only. */
static void *ns_thread(void *p)
{
	struct ns_job *j = p;

	if (unshare(CLONE_NEWNET) < 0 ||
	    mount("/proc/thread-self/ns/net", j->path, "none", MS_BIND, NULL) < 0)
		j->err = -errno;
	return NULL;
}

/* As `ip netns add`: /run/netns a shared mount point, so the bind mounts reach other mount
 * namespaces, and a file there with the new namespace bound onto it. */
static int netns_add(struct vxoff_ctx *ctx, const char *name)
{
	struct ns_job j = { 0 };
	char path[256];
	pthread_t t;
	int fd, r;

	snprintf(path, sizeof(path), NETNS_DIR "/%s", name);
	j.path = path;
	if (mkdir(NETNS_DIR, 0755) < 0 && errno != EEXIST)
		return vxoff__err(ctx, -errno, VXOFF_REASON_SYSTEM, "creating %s: %s", NETNS_DIR,
				  strerror(errno));
	if (mount("", NETNS_DIR, "none", MS_SHARED | MS_REC, NULL) < 0) {
		if (errno != EINVAL ||
		    mount(NETNS_DIR, NETNS_DIR, "none", MS_BIND | MS_REC, NULL) < 0 ||
		    mount("", NETNS_DIR, "none", MS_SHARED | MS_REC, NULL) < 0)
			return vxoff__err(ctx, -errno, VXOFF_REASON_SYSTEM,
					  "making %s a shared mount: %s", NETNS_DIR,
					  strerror(errno));
	}
	fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
	if (fd < 0)
		return vxoff__err(ctx, -errno, VXOFF_REASON_SYSTEM,
				  "creating namespace %s: %s: %s", name, path, strerror(errno));
	close(fd);
	r = pthread_create(&t, NULL, ns_thread, &j);
	if (r == 0)
		pthread_join(t, NULL);
	else
		j.err = -r;
	if (j.err < 0) {
		unlink(path);
		return vxoff__err(ctx, j.err, VXOFF_REASON_SYSTEM, "creating namespace %s: %s",
				  name, strerror(-j.err));
	}
	return 0;
}

int vxoff__lab_netns_del(const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), NETNS_DIR "/%s", name);
	if (access(path, F_OK) < 0)
		return -ENOENT;
	if (umount2(path, MNT_DETACH) < 0 && errno != EINVAL)
		return -errno;
	if (unlink(path) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

/* ---- devices and addresses ---- */

static int ifindex_of(struct vxoff_ctx *ctx, const char *dev, uint32_t *ifindex, uint32_t *mtu)
{
	struct ifreq ifr;
	int r;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev);
	r = vxoff__dev_ioctl(ctx, SIOCGIFINDEX, &ifr);
	if (r < 0)
		return r;
	*ifindex = (uint32_t)ifr.ifr_ifindex;
	if (mtu) {
		r = vxoff__dev_ioctl(ctx, SIOCGIFMTU, &ifr);
		if (r < 0)
			return r;
		*mtu = (uint32_t)ifr.ifr_mtu;
	}
	return 0;
}

static int link_set_up(struct vxoff_ctx *ctx, const char *dev)
{
	union vxoff__req_buf rb = { .buf = { 0 } };
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(rb.buf);
	struct ifinfomsg *ifi;
	char what[64];

	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_flags = IFF_UP;
	ifi->ifi_change = IFF_UP;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, dev);
	snprintf(what, sizeof(what), "setting %s up", dev);
	return vxoff__nl_request(ctx, VXOFF__NL_ROUTE, nlh, NULL, what);
}

int vxoff__lab_link_del(struct vxoff_ctx *ctx, const char *dev)
{
	union vxoff__req_buf rb = { .buf = { 0 } };
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(rb.buf);
	char what[64];

	nlh->nlmsg_type = RTM_DELLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	mnl_nlmsg_put_extra_header(nlh, sizeof(struct ifinfomsg));
	mnl_attr_put_strz(nlh, IFLA_IFNAME, dev);
	snprintf(what, sizeof(what), "deleting %s", dev);
	return vxoff__nl_request(ctx, VXOFF__NL_ROUTE, nlh, NULL, what);
}

/* veth pair: @dev in @ctx's namespace, its peer of the same name in the namespace @peer_fd. */
static int veth_add(struct vxoff_ctx *ctx, const char *dev, int peer_fd, uint32_t mtu)
{
	union vxoff__req_buf rb = { .buf = { 0 } };
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(rb.buf);
	struct nlattr *li, *data, *peer;
	struct ifinfomsg *pifi;
	char what[64];

	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL;
	mnl_nlmsg_put_extra_header(nlh, sizeof(struct ifinfomsg));
	mnl_attr_put_strz(nlh, IFLA_IFNAME, dev);
	mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	li = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	peer = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	pifi = mnl_nlmsg_put_extra_header(nlh, sizeof(struct ifinfomsg));
	memset(pifi, 0, sizeof(*pifi));
	mnl_attr_put_strz(nlh, IFLA_IFNAME, dev);
	mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)peer_fd);
	mnl_attr_nest_end(nlh, peer);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, li);
	snprintf(what, sizeof(what), "creating veth pair %s (MTU %u)", dev, mtu);
	return vxoff__nl_request(ctx, VXOFF__NL_ROUTE, nlh, NULL, what);
}

static int parse_prefix(const char *s, struct in_addr *a, uint32_t *plen)
{
	char buf[64];
	char *slash;

	snprintf(buf, sizeof(buf), "%s", s);
	slash = strchr(buf, '/');
	*plen = 32;
	if (slash) {
		*slash = 0;
		*plen = (uint32_t)strtoul(slash + 1, NULL, 10);
	}
	return inet_pton(AF_INET, buf, a) == 1 && *plen <= 32 ? 0 : -EINVAL;
}

static int addr_op(struct vxoff_ctx *ctx, uint16_t type, const char *dev, const char *addr)
{
	union vxoff__req_buf rb = { .buf = { 0 } };
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(rb.buf);
	struct ifaddrmsg *ifa;
	struct in_addr a;
	uint32_t ifindex, plen;
	char what[96];
	int r;

	if (parse_prefix(addr, &a, &plen) < 0)
		return vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG, "bad address '%s'", addr);
	r = ifindex_of(ctx, dev, &ifindex, NULL);
	if (r < 0)
		return r == -ENODEV ? r
				    : vxoff__err(ctx, r, VXOFF_REASON_SYSTEM, "%s: %s", dev,
						 strerror(-r));
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | (type == RTM_NEWADDR ? NLM_F_CREATE | NLM_F_EXCL : 0);
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = (uint8_t)plen;
	ifa->ifa_index = ifindex;
	mnl_attr_put(nlh, IFA_LOCAL, 4, &a);
	mnl_attr_put(nlh, IFA_ADDRESS, 4, &a);
	snprintf(what, sizeof(what), "%s address %s on %s",
		 type == RTM_NEWADDR ? "adding" : "deleting", addr, dev);
	return vxoff__nl_request(ctx, VXOFF__NL_ROUTE, nlh, NULL, what);
}

int vxoff__lab_addr_del(struct vxoff_ctx *ctx, const char *dev, const char *addr)
{
	return addr_op(ctx, RTM_DELADDR, dev, addr);
}

/* Find an IPv4 address in a namespace: by address (@want set), or the first on @ifindex. */
struct addr_find {
	struct in_addr want;
	bool by_addr;
	uint32_t ifindex;
	bool found;
	struct in_addr got;
	uint32_t got_ifindex;
};

static void addr_find_reset(void *data)
{
	((struct addr_find *)data)->found = false;
}

static int addr_find_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[IFA_MAX + 1];
	struct addr_find *f = data;
	const struct ifaddrmsg *ifa;
	const struct nlattr *a;
	struct in_addr v;

	if (nlh->nlmsg_type != RTM_NEWADDR || f->found)
		return 0;
	if (vxoff__nlmsg_check(nlh, sizeof(*ifa)) < 0 ||
	    vxoff__attr_parse_msg(nlh, sizeof(*ifa), tb, IFA_MAX) < 0)
		return -EPROTO;
	ifa = mnl_nlmsg_get_payload(nlh);
	a = tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
	if (ifa->ifa_family != AF_INET || !a || mnl_attr_get_payload_len(a) != 4)
		return 0;
	memcpy(&v, mnl_attr_get_payload(a), 4);
	if (f->by_addr ? v.s_addr == f->want.s_addr : ifa->ifa_index == f->ifindex) {
		f->found = true;
		f->got = v;
		f->got_ifindex = ifa->ifa_index;
	}
	return 0;
}

static int addr_find(struct vxoff_ctx *ctx, struct addr_find *f)
{
	union vxoff__req_buf rb = { .buf = { 0 } };
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(rb.buf);
	struct vxoff__nl_handler h = { .msg = addr_find_cb, .reset = addr_find_reset, .data = f };
	struct ifaddrmsg *ifa;

	nlh->nlmsg_type = RTM_GETADDR;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = AF_INET;
	return vxoff__nl_request(ctx, VXOFF__NL_ROUTE, nlh, &h, "listing IPv4 addresses");
}

/* Is @addr (numeric IPv4) on any device of @ctx's namespace? 1 yes, 0 no, -errno. */
static int addr_in_use(struct vxoff_ctx *ctx, const char *addr)
{
	struct addr_find f = { .by_addr = true };
	int r;

	if (inet_pton(AF_INET, addr, &f.want) != 1)
		return -EINVAL;
	r = addr_find(ctx, &f);
	return r < 0 ? r : f.found;
}

struct stats_q {
	uint64_t tx_bytes;
	bool found;
};

static void stats_reset(void *data)
{
	((struct stats_q *)data)->found = false;
}

static int stats_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[IFLA_MAX + 1];
	struct stats_q *q = data;
	struct rtnl_link_stats64 s;

	if (nlh->nlmsg_type != RTM_NEWLINK)
		return 0;
	if (vxoff__nlmsg_check(nlh, sizeof(struct ifinfomsg)) < 0 ||
	    vxoff__attr_parse_msg(nlh, sizeof(struct ifinfomsg), tb, IFLA_MAX) < 0)
		return -EPROTO;
	if (!tb[IFLA_STATS64] || mnl_attr_get_payload_len(tb[IFLA_STATS64]) < sizeof(s))
		return 0;
	memcpy(&s, mnl_attr_get_payload(tb[IFLA_STATS64]), sizeof(s));
	q->tx_bytes = s.tx_bytes;
	q->found = true;
	return 0;
}

int vxoff__lab_dev_tx_bytes(struct vxoff_ctx *ctx, const char *dev, uint64_t *ret)
{
	union vxoff__req_buf rb = { .buf = { 0 } };
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(rb.buf);
	struct stats_q q = { 0 };
	struct vxoff__nl_handler h = { .msg = stats_cb, .reset = stats_reset, .data = &q };
	int r;

	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	mnl_nlmsg_put_extra_header(nlh, sizeof(struct ifinfomsg));
	mnl_attr_put_strz(nlh, IFLA_IFNAME, dev);
	r = vxoff__nl_request(ctx, VXOFF__NL_ROUTE, nlh, &h, "reading device counters");
	if (r < 0)
		return r;
	if (!q.found)
		return -ENODATA;
	*ret = q.tx_bytes;
	return 0;
}

/* ---- preconditions ---- */

/* Root, or CAP_NET_ADMIN and CAP_SYS_ADMIN (namespaces, mounts) in the effective set. */
static bool privileged(void)
{
	char line[256];
	bool ok = false;
	FILE *f;

	if (geteuid() == 0)
		return true;
	f = fopen("/proc/self/status", "re");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long eff;
		char *end;

		if (strncmp(line, "CapEff:", 7))
			continue;
		errno = 0;
		eff = strtoull(line + 7, &end, 16);
		if (!errno && end != line + 7)
			ok = (eff & (1ull << 12)) && (eff & (1ull << 21));
	}
	fclose(f);
	return ok;
}

static struct vxoff_ctx *ns_ctx(struct vxoff_ctx *err_ctx, const char *netns, int *err)
{
	VXOFF_OPTS(vxoff_ctx_opts, o, .netns = netns);
	struct vxoff_ctx *c = NULL;
	char msg[256] = "";

	*err = vxoff_ctx_new_err(&o, &c, msg, sizeof(msg));
	if (*err < 0)
		*err = vxoff__err(err_ctx, *err,
				  *err == -ENOENT ? VXOFF_REASON_NO_NETNS : VXOFF_REASON_SYSTEM,
				  "namespace %s: %s", netns, msg[0] ? msg : strerror(-*err));
	return c;
}

static int check_free_addr(struct vxoff_ctx *err_ctx, struct vxoff_ctx *c, const char *where,
			   const char *addr)
{
	int r = addr_in_use(c, addr);

	if (r < 0)
		return vxoff__lab_err_from(err_ctx, c, r, "checking addresses");
	if (r > 0)
		return vxoff__err(err_ctx, -EADDRINUSE, VXOFF_REASON_ARG,
				  "address %s, which the lab would use, is already in use in %s; "
				  "remove it or run the lab where it is free",
				  addr, where);
	return 0;
}

int vxoff__lab_check(struct vxoff_ctx *err_ctx, struct vxoff_ctx *host,
		     const struct vxoff__lab_tb_opts *o, struct vxoff__lab_testbed *tb)
{
	struct vxoff_ctx *peer = NULL;
	char *state_path;
	uint32_t idx, mtu;
	int r;

	memset(tb, 0, sizeof(*tb));
	if (!privileged())
		return vxoff__err(err_ctx, -EPERM, VXOFF_REASON_PRIVILEGE,
				  "the lab creates namespaces and devices: run it as root "
				  "(CAP_NET_ADMIN and CAP_SYS_ADMIN)");
	state_path = vxoff__lab_state_path(o->name);
	if (!state_path)
		return vxoff__err(err_ctx, -ENOMEM, VXOFF_REASON_SYSTEM, "out of memory");
	if (access(state_path, F_OK) == 0) {
		r = vxoff__err(err_ctx, -EEXIST, VXOFF_REASON_STATE,
			       "an earlier lab run named '%s' left %s behind: run "
			       "`vxoff lab --cleanup --name %s` first",
			       o->name, state_path, o->name);
		free(state_path);
		return r;
	}
	free(state_path);
	snprintf(tb->ov_a, sizeof(tb->ov_a), "%s", VXOFF__LAB_OV_A);
	snprintf(tb->ov_b, sizeof(tb->ov_b), "%s", VXOFF__LAB_OV_B);

	if (!o->underlay) {
		tb->created_ns = true;
		snprintf(tb->ns_a, sizeof(tb->ns_a), "%s-a", o->name);
		snprintf(tb->ns_b, sizeof(tb->ns_b), "%s-b", o->name);
		snprintf(tb->ul_a, sizeof(tb->ul_a), "%s", VXOFF__LAB_VETH);
		snprintf(tb->ul_b, sizeof(tb->ul_b), "%s", VXOFF__LAB_VETH);
		snprintf(tb->addr_a, sizeof(tb->addr_a), "%s", VXOFF__LAB_UL_A);
		snprintf(tb->addr_b, sizeof(tb->addr_b), "%s", VXOFF__LAB_UL_B);
		tb->ul_mtu = o->mtu ? o->mtu : 1500;
		tb->ov_mtu = tb->ul_mtu - 50;
		if (vxoff__lab_netns_exists(tb->ns_a) || vxoff__lab_netns_exists(tb->ns_b))
			return vxoff__err(err_ctx, -EEXIST, VXOFF_REASON_ARG,
					  "network namespace %s already exists: the lab creates "
					  "its own; choose another --name or delete it",
					  vxoff__lab_netns_exists(tb->ns_a) ? tb->ns_a : tb->ns_b);
		/* The test addresses must not be in use where the lab is started either: a
		 * clash there means this range is real on this host. */
		for (int i = 0; i < 4; i++) {
			const char *a[] = { tb->addr_a, tb->addr_b, tb->ov_a, tb->ov_b };

			r = check_free_addr(err_ctx, host, "the caller's namespace", a[i]);
			if (r < 0)
				return r;
		}
		return 0;
	}

	/* A user's underlay: the peer namespace, the peer's address and our names. */
	if (!o->peer_ns || !o->peer_addr)
		return vxoff__err(err_ctx, -EINVAL, VXOFF_REASON_ARG,
				  "an underlay (%s) needs a peer namespace and the peer's address",
				  o->underlay);
	r = ifindex_of(host, o->underlay, &idx, &mtu);
	if (r < 0)
		return vxoff__err(err_ctx, r == -ENODEV ? -ENODEV : r,
				  r == -ENODEV ? VXOFF_REASON_NO_DEVICE : VXOFF_REASON_SYSTEM,
				  "underlay %s: %s", o->underlay,
				  r == -ENODEV ? "no such device" : strerror(-r));
	tb->ul_mtu = mtu;
	tb->ov_mtu = mtu - 50;
	snprintf(tb->ul_a, sizeof(tb->ul_a), "%s", o->underlay);
	if (o->host_ns)
		snprintf(tb->ns_a, sizeof(tb->ns_a), "%s", o->host_ns);
	{
		struct addr_find f = { .ifindex = idx };

		r = addr_find(host, &f);
		if (r < 0)
			return vxoff__lab_err_from(err_ctx, host, r, "underlay addresses");
		if (!f.found)
			return vxoff__err(err_ctx, -EADDRNOTAVAIL, VXOFF_REASON_ARG,
					  "underlay %s has no IPv4 address", o->underlay);
		inet_ntop(AF_INET, &f.got, tb->addr_a, sizeof(tb->addr_a));
	}
	if (!vxoff__lab_netns_exists(o->peer_ns))
		return vxoff__err(err_ctx, -ENOENT, VXOFF_REASON_NO_NETNS,
				  "peer namespace %s does not exist", o->peer_ns);
	snprintf(tb->ns_b, sizeof(tb->ns_b), "%s", o->peer_ns);
	snprintf(tb->addr_b, sizeof(tb->addr_b), "%s", o->peer_addr);
	peer = ns_ctx(err_ctx, o->peer_ns, &r);
	if (!peer)
		return r;
	{
		struct addr_find f = { .by_addr = true };
		struct ifreq ifr;

		if (inet_pton(AF_INET, o->peer_addr, &f.want) != 1) {
			r = vxoff__err(err_ctx, -EINVAL, VXOFF_REASON_ARG,
				       "peer address '%s' is not a numeric IPv4 address",
				       o->peer_addr);
			goto out;
		}
		r = addr_find(peer, &f);
		if (r < 0) {
			r = vxoff__lab_err_from(err_ctx, peer, r, "peer addresses");
			goto out;
		}
		if (!f.found) {
			r = vxoff__err(err_ctx, -EADDRNOTAVAIL, VXOFF_REASON_ARG,
				       "no device in namespace %s has the peer address %s",
				       o->peer_ns, o->peer_addr);
			goto out;
		}
		memset(&ifr, 0, sizeof(ifr));
		ifr.ifr_ifindex = (int)f.got_ifindex;
		r = vxoff__dev_ioctl(peer, SIOCGIFNAME, &ifr);
		if (r < 0) {
			r = vxoff__err(err_ctx, r, VXOFF_REASON_SYSTEM, "peer device: %s",
				       strerror(-r));
			goto out;
		}
		snprintf(tb->ul_b, sizeof(tb->ul_b), "%s", ifr.ifr_name);
	}
	for (int end = 0; end < 2; end++) {
		struct vxoff_ctx *c = end ? peer : host;
		const char *where = end ? o->peer_ns : "the caller's namespace";
		uint32_t x;

		if (ifindex_of(c, VXOFF__LAB_VXLAN, &x, NULL) == 0) {
			r = vxoff__err(err_ctx, -EEXIST, VXOFF_REASON_ARG,
				       "a device named %s already exists in %s", VXOFF__LAB_VXLAN,
				       where);
			goto out;
		}
		r = check_free_addr(err_ctx, c, where, tb->ov_a);
		if (r == 0)
			r = check_free_addr(err_ctx, c, where, tb->ov_b);
		if (r < 0)
			goto out;
	}
	r = 0;
out:
	vxoff_ctx_free(peer);
	return r;
}

/* ---- build ---- */

static int vxlan_create(struct vxoff_ctx *err_ctx, struct vxoff_ctx *c,
			const struct vxoff__lab_tb_opts *o, const char *ul, const char *local,
			const char *remote, const char *overlay)
{
	VXOFF_OPTS(vxoff_tunnel_opts, t, .flags = VXOFF_TUNNEL_F_MTU_AUTO);
	VXOFF_OPTS(vxoff_tunnel_addr, a, .family = AF_INET, .prefixlen = VXOFF__LAB_OV_PREFIX);
	int r;

	t.set = (1ull << VXOFF_TUN_VNI) | (1ull << VXOFF_TUN_PORT) | (1ull << VXOFF_TUN_LOCAL) |
		(1ull << VXOFF_TUN_REMOTE) | (1ull << VXOFF_TUN_UNDERLAY) |
		(1ull << VXOFF_TUN_MTU) | (1ull << VXOFF_TUN_UP);
	t.on = 1ull << VXOFF_TUN_UP;
	t.vni = o->vni;
	t.port = o->port;
	t.underlay = ul;
	t.local_family = AF_INET;
	t.remote_family = AF_INET;
	inet_pton(AF_INET, local, t.local);
	inet_pton(AF_INET, remote, t.remote);
	inet_pton(AF_INET, overlay, a.addr);
	t.addrs = &a;
	t.addr_count = 1;
	t.addr_entry_sz = sizeof(a);
	r = vxoff_tunnel_create(c, VXOFF__LAB_VXLAN, &t, NULL);
	if (r < 0)
		return vxoff__lab_err_from(err_ctx, c, r, "creating the VXLAN device");
	return 0;
}

static int no_tnl_offload(struct vxoff_ctx *err_ctx, struct vxoff_ctx *c,
			  struct vxoff__lab_state *st, const char *netns, const char *dev)
{
	static const char *const keys[] = { "tx-udp_tnl-segmentation",
					    "tx-udp_tnl-csum-segmentation" };

	for (size_t i = 0; i < 2; i++) {
		VXOFF_OPTS(vxoff_knob, k, .kind = VXOFF_KNOB_FEATURE, .index = -1, .dev = dev,
			   .key = keys[i], .value = "off");
		int r = vxoff__lab_state_add(err_ctx, st, VXOFF__LAB_OBJ_FEATURE, netns, dev,
					     keys[i]);

		if (r < 0)
			return r;
		r = vxoff_tune_set(c, &k);
		if (r < 0)
			return vxoff__lab_err_from(err_ctx, c, r,
						   "emulating a NIC without tunnel offload");
	}
	return 0;
}

int vxoff__lab_build(struct vxoff_ctx *err_ctx, struct vxoff_ctx *host,
		     const struct vxoff__lab_tb_opts *o, struct vxoff__lab_testbed *tb,
		     struct vxoff__lab_state *st)
{
	struct vxoff_ctx *ca = NULL, *cb = NULL;
	const char *na = tb->ns_a[0] ? tb->ns_a : NULL;
	char pfx[64];
	int r, fd_b = -1;

	if (tb->created_ns) {
		const char *ns[2] = { tb->ns_a, tb->ns_b };

		for (int i = 0; i < 2; i++) {
			r = vxoff__lab_state_add(err_ctx, st, VXOFF__LAB_OBJ_NETNS, NULL, NULL,
						 ns[i]);
			if (r < 0)
				return r;
			r = netns_add(err_ctx, ns[i]);
			if (r < 0)
				return r;
		}
	}
	ca = na ? ns_ctx(err_ctx, na, &r) : NULL;
	if (na && !ca)
		return r;
	cb = ns_ctx(err_ctx, tb->ns_b, &r);
	if (!cb)
		goto out;
	if (!ca)
		ca = host;

	if (tb->created_ns) {
		char path[256];

		for (int i = 0; i < 2; i++) {
			r = link_set_up(i ? cb : ca, "lo");
			if (r < 0) {
				r = vxoff__lab_err_from(err_ctx, i ? cb : ca, r, "loopback");
				goto out;
			}
		}
		snprintf(path, sizeof(path), NETNS_DIR "/%s", tb->ns_b);
		fd_b = open(path, O_RDONLY | O_CLOEXEC);
		if (fd_b < 0) {
			r = vxoff__err(err_ctx, -errno, VXOFF_REASON_SYSTEM, "opening %s: %s", path,
				       strerror(errno));
			goto out;
		}
		r = vxoff__lab_state_add(err_ctx, st, VXOFF__LAB_OBJ_LINK, tb->ns_a, tb->ul_a, NULL);
		if (r < 0)
			goto out;
		r = veth_add(ca, tb->ul_a, fd_b, tb->ul_mtu);
		if (r < 0) {
			r = vxoff__lab_err_from(err_ctx, ca, r, "testbed");
			goto out;
		}
		for (int i = 0; i < 2; i++) {
			struct vxoff_ctx *c = i ? cb : ca;

			snprintf(pfx, sizeof(pfx), "%s/%u", i ? tb->addr_b : tb->addr_a,
				 VXOFF__LAB_UL_PREFIX);
			r = vxoff__lab_state_add(err_ctx, st, VXOFF__LAB_OBJ_ADDR,
						 i ? tb->ns_b : tb->ns_a, tb->ul_a, pfx);
			if (r < 0)
				goto out;
			r = addr_op(c, RTM_NEWADDR, tb->ul_a, pfx);
			if (r == 0)
				r = link_set_up(c, tb->ul_a);
			if (r < 0) {
				r = vxoff__lab_err_from(err_ctx, c, r, "testbed");
				goto out;
			}
		}
	}
	if (o->no_tnl_offload) {
		r = no_tnl_offload(err_ctx, ca, st, na, tb->ul_a);
		if (r < 0)
			goto out;
	}
	for (int i = 0; i < 2; i++) {
		r = vxoff__lab_state_add(err_ctx, st, VXOFF__LAB_OBJ_LINK, i ? tb->ns_b : na,
					 VXOFF__LAB_VXLAN, NULL);
		if (r < 0)
			goto out;
		r = vxlan_create(err_ctx, i ? cb : ca, o, i ? tb->ul_b : tb->ul_a,
				 i ? tb->addr_b : tb->addr_a, i ? tb->addr_a : tb->addr_b,
				 i ? tb->ov_b : tb->ov_a);
		if (r < 0)
			goto out;
	}
	{
		uint32_t idx, mtu = 0;

		if (ifindex_of(ca, VXOFF__LAB_VXLAN, &idx, &mtu) == 0)
			tb->ov_mtu = mtu;
	}
	r = 0;
out:
	if (fd_b >= 0)
		close(fd_b);
	if (ca != host)
		vxoff_ctx_free(ca);
	vxoff_ctx_free(cb);
	return r;
}

/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * Transports: the real one (libmnl sockets opened lazily inside the context's namespace) and a
 * recorder that writes every exchange to a replay fixture (see replay.c for the format).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/utsname.h>

#include <linux/sockios.h>

#include "ctx_internal.h"
#include "replay.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

struct real_tr {
	struct mnl_socket *nl[VXOFF__NL_NPROTO];
};

struct open_args {
	int bus;
	struct mnl_socket *nl;
	int err;
};

static int open_in_ns(void *arg)
{
	struct open_args *a = arg;

	a->nl = mnl_socket_open2(a->bus, SOCK_CLOEXEC);
	if (!a->nl)
		a->err = -errno;
	return 0;
}

static int real_open(struct real_tr *rt, struct vxoff_ctx *ctx, uint32_t proto)
{
	struct open_args a = { .bus = proto == VXOFF__NL_ROUTE ? NETLINK_ROUTE : NETLINK_GENERIC };
	int one = 1, r;

	if (rt->nl[proto])
		return 0;
	/* a socket belongs to the namespace it was created in: create it there */
	r = vxoff__in_netns(ctx, open_in_ns, &a);
	if (r < 0)
		return r;
	if (!a.nl)
		return vxoff__err(ctx, a.err, VXOFF_REASON_SYSTEM, "opening a netlink socket: %s",
				  strerror(-a.err));
	/* textual reasons with every error; no echo of our request in error replies */
	mnl_socket_setsockopt(a.nl, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(a.nl, NETLINK_CAP_ACK, &one, sizeof(one));
	if (proto == VXOFF__NL_ROUTE)
		mnl_socket_setsockopt(a.nl, NETLINK_GET_STRICT_CHK, &one, sizeof(one));
	if (mnl_socket_bind(a.nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		r = -errno;
		mnl_socket_close(a.nl);
		return vxoff__err(ctx, r, VXOFF_REASON_SYSTEM, "binding a netlink socket: %s",
				  strerror(-r));
	}
	rt->nl[proto] = a.nl;
	return 0;
}

static int real_send(void *priv, struct vxoff_ctx *ctx, uint32_t proto, const void *buf,
		     size_t len)
{
	struct real_tr *rt = priv;
	int r = real_open(rt, ctx, proto);

	if (r < 0)
		return r;
	if (mnl_socket_sendto(rt->nl[proto], buf, len) < 0)
		return -errno;
	return 0;
}

static ssize_t real_recv(void *priv, struct vxoff_ctx *ctx, uint32_t proto, void *buf,
			 size_t cap)
{
	struct real_tr *rt = priv;
	int fd;

	(void)ctx;
	if (!rt->nl[proto])
		return -ENOTCONN;
	fd = mnl_socket_get_fd(rt->nl[proto]);
	for (;;) {
		struct sockaddr_nl sa;
		socklen_t salen = sizeof(sa);
		ssize_t n;

		/* peek first: a datagram larger than buf stays queued for a bigger buffer */
		n = recv(fd, buf, cap, MSG_PEEK | MSG_TRUNC);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if ((size_t)n > cap)
			return n;
		n = recvfrom(fd, buf, cap, 0, (struct sockaddr *)&sa, &salen);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		/* a full-size salen means recvfrom() wrote sa, which the analyser does not model */
		/* NOLINTNEXTLINE(clang-analyzer-core.UndefinedBinaryOperatorResult) */
		if (salen != sizeof(sa) || sa.nl_pid != 0)
			continue; /* not from the kernel: spoofed or stray */
		return n;
	}
}

static uint32_t real_portid(void *priv, uint32_t proto)
{
	struct real_tr *rt = priv;

	return rt->nl[proto] ? mnl_socket_get_portid(rt->nl[proto]) : 0;
}

static int real_ioctl(void *priv, struct vxoff_ctx *ctx, const char *ifname, void *data,
		      size_t len)
{
	struct real_tr *rt = priv;
	struct ifreq ifr;
	int r;

	(void)len;
	/* any socket of the namespace reaches dev_ioctl(); reuse the rtnetlink one */
	r = real_open(rt, ctx, VXOFF__NL_ROUTE);
	if (r < 0)
		return r;
	if (strlen(ifname) >= IFNAMSIZ)
		return -ENODEV;
	memset(&ifr, 0, sizeof(ifr));
	/* NOLINTNEXTLINE(clang-analyzer-security.insecureAPI.strcpy): length checked */
	strcpy(ifr.ifr_name, ifname);
	ifr.ifr_data = data;
	if (ioctl(mnl_socket_get_fd(rt->nl[VXOFF__NL_ROUTE]), SIOCETHTOOL, &ifr) < 0)
		return -errno;
	return 0;
}

static int real_dev_ioctl(void *priv, struct vxoff_ctx *ctx, unsigned long req, void *ifr)
{
	struct real_tr *rt = priv;
	int r;

	if (req != SIOCGIFINDEX && req != SIOCGIFNAME && req != SIOCGIFMTU)
		return -EINVAL; /* read-only requests only */
	r = real_open(rt, ctx, VXOFF__NL_ROUTE);
	if (r < 0)
		return r;
	if (ioctl(mnl_socket_get_fd(rt->nl[VXOFF__NL_ROUTE]), req, ifr) < 0)
		return -errno;
	return 0;
}

static void real_free(void *priv)
{
	struct real_tr *rt = priv;

	if (!rt)
		return;
	for (int i = 0; i < VXOFF__NL_NPROTO; i++)
		if (rt->nl[i])
			mnl_socket_close(rt->nl[i]);
	free(rt);
}

int vxoff__transport_real_new(struct vxoff__transport *ret)
{
	struct real_tr *rt = calloc(1, sizeof(*rt));

	if (!rt)
		return -ENOMEM;
	ret->send = real_send;
	ret->recv = real_recv;
	ret->portid = real_portid;
	ret->ethtool_ioctl = real_ioctl;
	ret->dev_ioctl = real_dev_ioctl;
	ret->free = real_free;
	ret->priv = rt;
	return 0;
}

int vxoff__dev_ioctl(struct vxoff_ctx *ctx, unsigned long req, void *ifr)
{
	if (!ctx->tr.dev_ioctl)
		return -EOPNOTSUPP;
	return ctx->tr.dev_ioctl(ctx->tr.priv, ctx, req, ifr);
}

int vxoff__ethtool_ioctl(struct vxoff_ctx *ctx, const char *ifname, void *data, size_t len)
{
	if (!ctx->tr.ethtool_ioctl)
		return -EOPNOTSUPP;
	return ctx->tr.ethtool_ioctl(ctx->tr.priv, ctx, ifname, data, len);
}

/* ---- recorder ---- */

struct rec_tr {
	struct vxoff__transport inner;
	FILE *f;
};

static int rec_send(void *priv, struct vxoff_ctx *ctx, uint32_t proto, const void *buf,
		    size_t len)
{
	struct rec_tr *rt = priv;

	vxoff__replay_write(rt->f, "req", proto, buf, len, true);
	return rt->inner.send(rt->inner.priv, ctx, proto, buf, len);
}

static ssize_t rec_recv(void *priv, struct vxoff_ctx *ctx, uint32_t proto, void *buf,
			size_t cap)
{
	struct rec_tr *rt = priv;
	ssize_t n = rt->inner.recv(rt->inner.priv, ctx, proto, buf, cap);

	if (n > 0 && (size_t)n <= cap)
		vxoff__replay_write(rt->f, "rep", proto, buf, (size_t)n, true);
	return n;
}

static uint32_t rec_portid(void *priv, uint32_t proto)
{
	struct rec_tr *rt = priv;

	return rt->inner.portid(rt->inner.priv, proto);
}

static int rec_ioctl(void *priv, struct vxoff_ctx *ctx, const char *ifname, void *data,
		     size_t len)
{
	struct rec_tr *rt = priv;
	int r = rt->inner.ethtool_ioctl(rt->inner.priv, ctx, ifname, data, len);

	vxoff__replay_write_ioctl(rt->f, ifname, r, data, len);
	return r;
}

static void rec_free(void *priv)
{
	struct rec_tr *rt = priv;

	if (!rt)
		return;
	rt->inner.free(rt->inner.priv);
	fclose(rt->f);
	free(rt);
}

int vxoff__transport_record_new(struct vxoff_ctx *ctx, const char *path,
				struct vxoff__transport *ret)
{
	struct rec_tr *rt = calloc(1, sizeof(*rt));
	struct utsname u;
	int r;

	(void)ctx;
	if (!rt)
		return -ENOMEM;
	r = vxoff__transport_real_new(&rt->inner);
	if (r < 0) {
		free(rt);
		return r;
	}
	rt->f = fopen(path, "we");
	if (!rt->f) {
		r = -errno;
		rt->inner.free(rt->inner.priv);
		free(rt);
		return r;
	}
	fprintf(rt->f, "# vxoff netlink replay v1\n");
	if (uname(&u) == 0)
		fprintf(rt->f, "# recorded on Linux %s %s\n", u.release, u.machine);
	ret->send = rec_send;
	ret->recv = rec_recv;
	ret->portid = rec_portid;
	ret->ethtool_ioctl = rec_ioctl;
	/* not recorded, so not offered: what a recording needs goes over netlink */
	ret->dev_ioctl = NULL;
	ret->free = rec_free;
	ret->priv = rt;
	return 0;
}

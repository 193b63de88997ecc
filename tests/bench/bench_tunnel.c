/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * bench_tunnel - time creating and deleting many VXLAN devices through libvxoff and through
 * libnl3, in the caller's network namespace (run it under `ip netns exec`; bench_tunnel.sh
 * does, in a throwaway namespace with a veth underlay v0). Not a test: it prints figures.
 *
 *   bench_tunnel vxoff N   N x vxoff_tunnel_create(id i, dstport 4789, dev v0, one FDB flood
 *                          entry to 198.18.0.2, up), then one vxoff_tunnel_delete_many()
 *   bench_tunnel libnl N   the same with libnl-route-3: rtnl_link_vxlan_* + rtnl_link_add,
 *                          rtnl_neigh_add (NTF_SELF, append), rtnl_link_change (up), then
 *                          rtnl_link_delete one by one
 *
 * Output: "RESULT <method> <phase> <seconds>" lines (create, delete), then a sanity check that
 * every device was made and is gone again (exit 1 otherwise).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <vxoff/vxoff.h>
#include <vxoff/tunnel.h>

#ifdef HAVE_LIBNL
#include <linux/neighbour.h>
#include <netlink/route/link.h>
#include <netlink/route/link/vxlan.h>
#include <netlink/route/neighbour.h>
#endif

#define PREFIX "vxb"

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* VXLAN devices named PREFIX* in this namespace (through /sys/class/net). */
static unsigned count_devices(void)
{
	struct if_nameindex *ni = if_nameindex(), *p;
	unsigned n = 0;
	for (p = ni; p && p->if_name; p++)
		n += strncmp(p->if_name, PREFIX, strlen(PREFIX)) == 0;
	if_freenameindex(ni);
	return n;
}

static int bench_vxoff(unsigned n)
{
	struct vxoff_ctx *ctx = NULL;
	char (*names)[IF_NAMESIZE] = calloc(n, IF_NAMESIZE);
	const char **ptrs = calloc(n, sizeof(*ptrs));
	struct vxoff_fdb_entry e = { .sz = sizeof(e), .dst_family = AF_INET };
	int r;

	if (!names || !ptrs || vxoff_ctx_new(NULL, &ctx) != 0)
		return 1;
	inet_pton(AF_INET, "198.18.0.2", e.dst);
	double t0 = now();
	for (unsigned i = 0; i < n; i++) {
		VXOFF_OPTS(vxoff_tunnel_opts, o, .vni = i + 1, .port = 4789, .underlay = "v0",
			   .fdb = &e, .fdb_count = 1, .fdb_entry_sz = sizeof(e));
		o.set = (1ull << VXOFF_TUN_VNI) | (1ull << VXOFF_TUN_PORT) |
			(1ull << VXOFF_TUN_UNDERLAY) | (1ull << VXOFF_TUN_UP);
		o.on = 1ull << VXOFF_TUN_UP;
		snprintf(names[i], IF_NAMESIZE, PREFIX "%u", i);
		ptrs[i] = names[i];
		r = vxoff_tunnel_create(ctx, names[i], &o, NULL);
		if (r != 0) {
			VXOFF_OUT(vxoff_error, err);
			vxoff_ctx_last_error(ctx, &err);
			fprintf(stderr, "vxoff create %s: %d %s\n", names[i], r, err.msg);
			return 1;
		}
	}
	double t1 = now();
	unsigned made = count_devices();
	double t2 = now();
	r = vxoff_tunnel_delete_many(ctx, ptrs, n);
	double t3 = now();
	if (r != (int)n) {
		VXOFF_OUT(vxoff_error, err);
		vxoff_ctx_last_error(ctx, &err);
		fprintf(stderr, "vxoff delete_many: %d %s\n", r, err.msg);
		return 1;
	}
	printf("RESULT vxoff create %.4f\nRESULT vxoff delete %.4f\n", t1 - t0, t3 - t2);
	vxoff_ctx_free(ctx);
	free(names);
	free(ptrs);
	if (made != n || count_devices() != 0) {
		fprintf(stderr, "vxoff: made %u of %u, %u left\n", made, n, count_devices());
		return 1;
	}
	return 0;
}

#ifdef HAVE_LIBNL
static int bench_libnl(unsigned n)
{
	struct nl_sock *sk = nl_socket_alloc();
	struct nl_addr *dst = NULL, *zero = NULL;
	int r, v0;
	char name[IF_NAMESIZE];

	if (!sk || nl_connect(sk, NETLINK_ROUTE) < 0)
		return 1;
	v0 = (int)if_nametoindex("v0");
	nl_addr_parse("198.18.0.2", AF_INET, &dst);
	nl_addr_parse("00:00:00:00:00:00", AF_LLC, &zero);
	double t0 = now();
	for (unsigned i = 0; i < n; i++) {
		struct rtnl_link *l = rtnl_link_vxlan_alloc(), *k = NULL, *up = rtnl_link_alloc();
		snprintf(name, sizeof(name), PREFIX "%u", i);
		rtnl_link_set_name(l, name);
		rtnl_link_vxlan_set_id(l, i + 1);
		rtnl_link_vxlan_set_port(l, 4789);
		rtnl_link_set_link(l, v0);
		r = rtnl_link_add(sk, l, NLM_F_CREATE | NLM_F_EXCL);
		if (r < 0) {
			fprintf(stderr, "libnl add %s: %s\n", name, nl_geterror(r));
			return 1;
		}
		/* the new index: one GETLINK, as any libnl user must */
		r = rtnl_link_get_kernel(sk, 0, name, &k);
		if (r < 0) {
			fprintf(stderr, "libnl get %s: %s\n", name, nl_geterror(r));
			return 1;
		}
		struct rtnl_neigh *ne = rtnl_neigh_alloc();
		rtnl_neigh_set_ifindex(ne, rtnl_link_get_ifindex(k));
		/* dst before family: set_dst refuses a dst of another family than the entry's */
		rtnl_neigh_set_lladdr(ne, zero);
		if (rtnl_neigh_set_dst(ne, dst) < 0)
			return 1;
		rtnl_neigh_set_family(ne, AF_BRIDGE);
		rtnl_neigh_set_state(ne, NUD_PERMANENT);
		rtnl_neigh_set_flags(ne, NTF_SELF);
		r = rtnl_neigh_add(sk, ne, NLM_F_CREATE | NLM_F_APPEND);
		if (r < 0) {
			fprintf(stderr, "libnl neigh %s: %s\n", name, nl_geterror(r));
			return 1;
		}
		rtnl_link_set_flags(up, IFF_UP);
		r = rtnl_link_change(sk, k, up, 0);
		if (r < 0) {
			fprintf(stderr, "libnl up %s: %s\n", name, nl_geterror(r));
			return 1;
		}
		rtnl_neigh_put(ne);
		rtnl_link_put(l);
		rtnl_link_put(k);
		rtnl_link_put(up);
	}
	double t1 = now();
	unsigned made = count_devices();
	double t2 = now();
	for (unsigned i = 0; i < n; i++) {
		struct rtnl_link *l = rtnl_link_alloc();
		snprintf(name, sizeof(name), PREFIX "%u", i);
		rtnl_link_set_name(l, name);
		r = rtnl_link_delete(sk, l);
		rtnl_link_put(l);
		if (r < 0) {
			fprintf(stderr, "libnl delete %s: %s\n", name, nl_geterror(r));
			return 1;
		}
	}
	double t3 = now();
	printf("RESULT libnl create %.4f\nRESULT libnl delete %.4f\n", t1 - t0, t3 - t2);
	nl_addr_put(dst);
	nl_addr_put(zero);
	nl_socket_free(sk);
	if (made != n || count_devices() != 0) {
		fprintf(stderr, "libnl: made %u of %u, %u left\n", made, n, count_devices());
		return 1;
	}
	return 0;
}
#endif

int main(int argc, char **argv)
{
	unsigned n = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 0) : 1000;

	if (argc < 2) {
		fprintf(stderr, "usage: %s vxoff|libnl [N]\n", argv[0]);
		return 2;
	}
	if (strcmp(argv[1], "vxoff") == 0)
		return bench_vxoff(n);
	if (strcmp(argv[1], "libnl") == 0) {
#ifdef HAVE_LIBNL
		return bench_libnl(n);
#else
		fprintf(stderr, "built without libnl-route-3 (apt-get install libnl-route-3-dev)\n");
		return 3;
#endif
	}
	fprintf(stderr, "unknown method %s\n", argv[1]);
	return 2;
}

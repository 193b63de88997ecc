/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * examples/tunnel.c - create a VXLAN device, read it back, delete it.
 *
 *   tunnel NETNS UNDERLAY
 *
 * Inside network namespace NETNS (/run/netns/NETNS), creates vx42: VNI 42, UDP port 4789,
 * remote VTEP 198.18.0.2 over UNDERLAY, with one flood-list FDB entry and an overlay address,
 * brought up. It prints what the kernel reports back, then deletes the device. Needs
 * CAP_NET_ADMIN. Build against the installed library:
 *
 *   cc tunnel.c $(pkg-config --cflags --libs vxoff) -o tunnel
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include <vxoff/vxoff.h>
#include <vxoff/tunnel.h>

/* Every failing call leaves its reason in the context: what, on which device, and why. */
static int fail(struct vxoff_ctx *ctx, const char *call, int err)
{
	VXOFF_OUT(vxoff_error, e);

	if (vxoff_ctx_last_error(ctx, &e) == 0 && e.msg)
		fprintf(stderr, "%s: %s\n", call, e.msg);
	else
		fprintf(stderr, "%s: %s\n", call, strerror(-err));
	return 1;
}

int main(int argc, char **argv)
{
	struct vxoff_ctx *ctx = NULL;
	struct vxoff_tunnel *t = NULL;
	char errbuf[256] = "", *json = NULL;
	int r, rc = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: %s NETNS UNDERLAY\n", argv[0]);
		return 2;
	}

	/* A context whose netlink sockets live in NETNS; this thread stays where it is. */
	VXOFF_OPTS(vxoff_ctx_opts, co, .netns = argv[1]);
	r = vxoff_ctx_new_err(&co, &ctx, errbuf, sizeof(errbuf));
	if (r < 0) {
		fprintf(stderr, "vxoff_ctx_new: %s\n", errbuf[0] ? errbuf : strerror(-r));
		return 1;
	}

	/* The flood (BUM) list: all-zero MAC, one remote VTEP. */
	VXOFF_OPTS(vxoff_fdb_entry, flood, .dst_family = AF_INET);
	inet_pton(AF_INET, "198.18.0.2", flood.dst);

	/* An overlay address on the tunnel itself. */
	VXOFF_OPTS(vxoff_tunnel_addr, addr, .family = AF_INET, .prefixlen = 24);
	inet_pton(AF_INET, "198.19.42.1", addr.addr);

	/*
	 * An option counts only when its bit is in .set (0 is a real TTL, a real VNI ...); a
	 * boolean's value is its bit in .on. The destination port is always required: the
	 * kernel's default, 8472, is not the IANA port NICs offload.
	 */
	VXOFF_OPTS(vxoff_tunnel_opts, o,
		   .set = 1ull << VXOFF_TUN_VNI | 1ull << VXOFF_TUN_PORT |
			  1ull << VXOFF_TUN_REMOTE | 1ull << VXOFF_TUN_UNDERLAY |
			  1ull << VXOFF_TUN_UP,
		   .on = 1ull << VXOFF_TUN_UP,
		   .vni = 42, .port = 4789, .remote_family = AF_INET, .underlay = argv[2],
		   .fdb = &flood, .fdb_count = 1, .fdb_entry_sz = sizeof(flood),
		   .addrs = &addr, .addr_count = 1, .addr_entry_sz = sizeof(addr));
	inet_pton(AF_INET, "198.18.0.2", o.remote);

	/* One transaction: on failure nothing is left behind. */
	r = vxoff_tunnel_create(ctx, "vx42", &o, &t);
	if (r < 0) {
		rc = fail(ctx, "vxoff_tunnel_create", r);
		goto out;
	}

	/* What the kernel reports, as the library read it back. */
	VXOFF_OUT(vxoff_tunnel_info, info);
	VXOFF_OUT(vxoff_tunnel_opts, back);
	if (vxoff_tunnel_info_get(t, &info) == 0 && vxoff_tunnel_opts_get(t, &back) == 0) {
		printf("%s: index %u, mtu %u, %s, VNI %u, port %u, underlay index %u\n",
		       info.name, info.ifindex, info.mtu, info.flags & 1u ? "up" : "down",
		       back.vni, back.port, back.underlay_ifindex);
	}
	/* The same, as JSON (schema vxoff-tunnel/1). */
	r = vxoff_tunnel_json(t, VXOFF_JSON_PRETTY, &json);
	if (r < 0)
		fprintf(stderr, "vxoff_tunnel_json: %s\n", strerror(-r));
	else
		printf("%s\n", json);
	vxoff_free(json);

	r = vxoff_tunnel_delete(ctx, "vx42");
	if (r < 0)
		rc = fail(ctx, "vxoff_tunnel_delete", r);
out:
	vxoff_tunnel_free(t);
	vxoff_ctx_free(ctx);
	return rc;
}

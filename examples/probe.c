/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * examples/probe.c - is a device ready for VXLAN?
 *
 *   probe [-n NETNS] [IFACE]
 *
 * Probes IFACE (or every device) in the current network namespace or in NETNS, then prints
 * the VXLAN verdict with its reasons and whether the device segments TCP inside UDP tunnels
 * (the tx-udp_tnl-segmentation feature). Build against the installed library:
 *
 *   cc probe.c $(pkg-config --cflags --libs vxoff) -o probe
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <vxoff/vxoff.h>

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

static void report(const struct vxoff_devinfo *di)
{
	VXOFF_OUT(vxoff_link_info, link);
	VXOFF_OUT(vxoff_vxlan_verdict, v);
	VXOFF_OUT(vxoff_feature, f);
	VXOFF_OUT(vxoff_item_status, st);
	int r;

	/* the link item is always probed; its strings belong to di */
	if (vxoff_devinfo_link(di, &link) < 0)
		return;
	printf("%s (index %u, kind %s)\n", link.ifname, link.ifindex,
	       link.kind[0] ? link.kind : "none");

	/* -ENODATA: no verdict; vxoff_devinfo_item() says why */
	if (vxoff_devinfo_vxlan(di, &v) == 0) {
		printf("  VXLAN readiness: %s\n", vxoff_verdict_name(v.verdict));
		for (uint32_t i = 0; i < v.reason_count; i++) {
			VXOFF_OUT(vxoff_vxlan_reason, why);

			if (vxoff_devinfo_vxlan_reason(di, i, &why) == 0)
				printf("    %-7s %s\n", vxoff_severity_name(why.severity),
				       why.text);
		}
	} else if (vxoff_devinfo_item(di, VXOFF_ITEM_VXLAN, &st) == 0) {
		printf("  VXLAN readiness: unknown (%s)\n", st.msg ? st.msg : "no reason given");
	}

	/* Features are tri-state too: read, not supported, or unknown with a reason. */
	r = vxoff_devinfo_feature_find(di, "tx-udp_tnl-segmentation", &f);
	if (r == 0)
		printf("  tx-udp_tnl-segmentation: %s\n",
		       f.flags & VXOFF_FEATURE_ACTIVE ? "active" : "not active");
	else if (r == -ENOENT)
		puts("  tx-udp_tnl-segmentation: this kernel has no such feature");
	else if (vxoff_devinfo_item(di, VXOFF_ITEM_FEATURES, &st) == 0)
		printf("  tx-udp_tnl-segmentation: unknown (%s)\n",
		       st.msg ? st.msg : "no reason given");
}

int main(int argc, char **argv)
{
	const char *netns = NULL, *ifname = NULL;
	struct vxoff_ctx *ctx = NULL;
	char why[256] = "";
	int r, rc = 0;

	if (argc > 2 && !strcmp(argv[1], "-n")) {
		netns = argv[2];
		argc -= 2;
		argv += 2;
	}
	if (argc > 2 || (argc == 2 && argv[1][0] == '-')) {
		fprintf(stderr, "usage: probe [-n NETNS] [IFACE]\n");
		return 2;
	}
	if (argc == 2)
		ifname = argv[1];

	/*
	 * One context per thread. Opts are size-prefixed: VXOFF_OPTS() sets .sz and zeroes the
	 * rest, so a program built now keeps working with later libraries.
	 */
	VXOFF_OPTS(vxoff_ctx_opts, opts, .netns = netns);
	r = vxoff_ctx_new_err(&opts, &ctx, why, sizeof(why));
	if (r < 0) {
		/* no context yet to ask: the message comes back in our buffer */
		fprintf(stderr, "vxoff_ctx_new: %s\n", why[0] ? why : strerror(-r));
		return 1;
	}

	if (ifname) {
		struct vxoff_devinfo *di = NULL;

		/* NULL opts: every item; a VXLAN device's underlay is judged along with it */
		r = vxoff_probe_device(ctx, ifname, 0, NULL, &di);
		if (r < 0) {
			rc = fail(ctx, "vxoff_probe_device", r);
		} else {
			report(di);
			vxoff_devinfo_free(di);
		}
	} else {
		struct vxoff_devlist *list = NULL;

		/* one dump per item for the whole namespace, sorted by ifindex */
		r = vxoff_probe_all(ctx, NULL, &list);
		if (r < 0) {
			rc = fail(ctx, "vxoff_probe_all", r);
		} else {
			for (uint32_t i = 0; i < vxoff_devlist_count(list); i++) {
				const struct vxoff_devinfo *di;

				/* owned by the list: never freed on its own */
				if (vxoff_devlist_get(list, i, &di) == 0)
					report(di);
			}
			vxoff_devlist_free(list);
		}
	}

	/* results stay valid after this; only the context's sockets close */
	vxoff_ctx_free(ctx);
	return rc;
}

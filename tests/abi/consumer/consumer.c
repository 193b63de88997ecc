/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/* A consumer of the installed library: built with pkg-config and with find_package(vxoff). */
#include <stdio.h>
#include <string.h>

#include <vxoff/vxoff.h>

int main(void)
{
	VXOFF_OPTS(vxoff_probe_opts, po, .items = 1u << VXOFF_ITEM_LINK);
	VXOFF_OUT(vxoff_link_info, li);
	VXOFF_OUT(vxoff_item_status, st);
	struct vxoff_devinfo *di = NULL;
	struct vxoff_ctx *ctx = NULL;
	uint32_t v = vxoff_version();
	int r;

	/* the loaded library: same major, not older than the headers we were built with */
	if (v >> 16 != VXOFF_VERSION_MAJOR || v < VXOFF_VERSION_NUM) {
		fprintf(stderr, "library %s (0x%06x) vs headers %s\n", vxoff_version_string(),
			(unsigned)v, VXOFF_VERSION_STRING);
		return 1;
	}
	r = vxoff_ctx_new(NULL, &ctx);
	if (r < 0) {
		fprintf(stderr, "vxoff_ctx_new: %d\n", r);
		return 1;
	}
	r = vxoff_probe_device(ctx, "lo", 0, &po, &di);
	if (r < 0) {
		VXOFF_OUT(vxoff_error, e);

		vxoff_ctx_last_error(ctx, &e);
		fprintf(stderr, "vxoff_probe_device(lo): %d %s\n", r, e.msg ? e.msg : "");
		vxoff_ctx_free(ctx);
		return 1;
	}
	if (vxoff_devinfo_item(di, VXOFF_ITEM_LINK, &st) != 0 || st.cap != VXOFF_CAP_YES ||
	    vxoff_devinfo_link(di, &li) != 0 || strcmp(li.ifname, "lo") != 0) {
		fprintf(stderr, "lo: link item %u, ifname %s\n", (unsigned)st.cap,
			li.ifname ? li.ifname : "(none)");
		r = -1;
	} else {
		printf("consumer ok: libvxoff %s, lo has ifindex %u, mtu %u\n",
		       vxoff_version_string(), (unsigned)li.ifindex, (unsigned)li.mtu);
	}
	vxoff_devinfo_free(di);
	vxoff_ctx_free(ctx);
	return r < 0;
}

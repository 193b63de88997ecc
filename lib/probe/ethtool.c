/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/* STUB: ethtool netlink items (to be written). */
#include "probe_internal.h"

int vxoff__ethtool_fill(struct vxoff_ctx *ctx, struct vxoff_devinfo *di, uint32_t items)
{
	for (uint32_t i = VXOFF_ITEM_FEATURES; i <= VXOFF_ITEM_TUNNEL_PORTS; i++)
		if (items & (1u << i))
			vxoff__item_set(ctx, di, i, -ENOSYS);
	return 0;
}

int vxoff__ethtool_fill_all(struct vxoff_ctx *ctx, struct vxoff_devlist *l, uint32_t items)
{
	for (uint32_t d = 0; d < l->count; d++)
		vxoff__ethtool_fill(ctx, l->devs[d], items);
	return 0;
}

void vxoff__drvinfo_fill(struct vxoff_ctx *ctx, struct vxoff_devinfo *di)
{
	vxoff__item_set(ctx, di, VXOFF_ITEM_DRVINFO, -ENOSYS);
}

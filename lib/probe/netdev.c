/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/* STUB: netdev netlink queues and NAPIs (to be written). */
#include "probe_internal.h"

int vxoff__netdev_fill(struct vxoff_ctx *ctx, struct vxoff_devinfo *di)
{
	vxoff__item_set(ctx, di, VXOFF_ITEM_QUEUES, -ENOSYS);
	return 0;
}

int vxoff__netdev_fill_all(struct vxoff_ctx *ctx, struct vxoff_devlist *l)
{
	for (uint32_t d = 0; d < l->count; d++)
		vxoff__netdev_fill(ctx, l->devs[d]);
	return 0;
}

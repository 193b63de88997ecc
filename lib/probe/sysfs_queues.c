/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/* STUB: sysfs per-queue settings (to be written). */
#include "probe_internal.h"

int vxoff__sysfs_fill(struct vxoff_ctx *ctx, struct vxoff_devinfo **devs, uint32_t count)
{
	for (uint32_t d = 0; d < count; d++)
		vxoff__item_set(ctx, devs[d], VXOFF_ITEM_SYSFS, -ENOSYS);
	return 0;
}

/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/* STUB: JSON output (to be written). */
#include "probe_internal.h"

int vxoff_devinfo_json(const struct vxoff_devinfo *di, uint32_t flags, char **ret)
{
	(void)di; (void)flags; (void)ret;
	return -ENOSYS;
}

int vxoff_devlist_json(const struct vxoff_devlist *list, uint32_t flags, char **ret)
{
	(void)list; (void)flags; (void)ret;
	return -ENOSYS;
}

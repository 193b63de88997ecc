/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/* STUB: VXLAN readiness verdict (to be written). */
#include "probe_internal.h"

int vxoff__verdict(struct vxoff_devinfo *di, const struct vxoff_devinfo *underlay,
		   const uint32_t *ports, uint32_t nports)
{
	(void)di; (void)underlay; (void)ports; (void)nports;
	return -ENOSYS;
}

const char *vxoff_vxlan_reason_name(uint32_t code)
{
	(void)code;
	return "unknown";
}

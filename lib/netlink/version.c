/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
#include <vxoff/version.h>

#include "core.h"

uint32_t vxoff_version(void)
{
	return VXOFF_VERSION_NUM;
}

const char *vxoff_version_string(void)
{
	return VXOFF_VERSION_STRING;
}

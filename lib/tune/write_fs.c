/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/* lib/tune/write_fs.c: see tune_internal.h for what this file owns. (Being written.) */
#include "tune/tune_internal.h"

int vxoff__knob_write_fs(struct vxoff_ctx *ctx, const struct vxoff__knob *k)
{
	char d[160];

	return vxoff__err(ctx, -EOPNOTSUPP, VXOFF_REASON_INTERNAL, "%s: not written yet",
			  vxoff__knob_describe(k, d, sizeof(d)));
}

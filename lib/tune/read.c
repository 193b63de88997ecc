/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/* lib/tune/read.c: see tune_internal.h for what this file owns. (Being written.) */
#include "tune/tune_internal.h"

int vxoff__knob_read(struct vxoff_ctx *ctx, const struct vxoff__knob *id, char **value)
{
	char d[160];

	(void)value;
	return vxoff__err(ctx, -EOPNOTSUPP, VXOFF_REASON_INTERNAL, "%s: not read yet",
			  vxoff__knob_describe(id, d, sizeof(d)));
}

int vxoff__tune_read_dev(struct vxoff_ctx *ctx, const char *dev, uint32_t flags,
			 struct vxoff_tune_state *st)
{
	(void)flags;
	(void)st;
	return vxoff__err(ctx, -EOPNOTSUPP, VXOFF_REASON_INTERNAL, "%s: not read yet", dev);
}

int vxoff_tune_read(struct vxoff_ctx *ctx, const char *dev, uint32_t flags,
		    struct vxoff_tune_state **ret)
{
	(void)flags;
	(void)ret;
	return vxoff__err(ctx, -EOPNOTSUPP, VXOFF_REASON_INTERNAL, "%s: not read yet", dev);
}

int vxoff__queue_irq(struct vxoff_ctx *ctx, const char *dev, const char *key, uint32_t *irq)
{
	(void)irq;
	return vxoff__err(ctx, -ENOENT, VXOFF_REASON_INTERNAL, "%s %s: not read yet", dev, key);
}

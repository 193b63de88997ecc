/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/* STUB: ethtool bitsets and string sets (to be written). */
#include "probe_internal.h"

int vxoff__bitset_parse(const struct nlattr *nest, uint32_t *words, uint32_t nwords,
			uint32_t *nbits, const struct vxoff__strset *names)
{
	(void)nest; (void)words; (void)nwords; (void)nbits; (void)names;
	return -ENOSYS;
}

int vxoff__strset_get(struct vxoff_ctx *ctx, uint32_t set_id, struct vxoff__strset **ret)
{
	(void)ctx; (void)set_id; (void)ret;
	return -ENOSYS;
}

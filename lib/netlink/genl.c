/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/* Generic netlink: families resolved by name, once per context. */
#include <string.h>

#include <linux/genetlink.h>

#include "ctx_internal.h"

struct nlmsghdr *vxoff__genl_put(void *buf, uint16_t family, uint8_t cmd, uint8_t version,
				 uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = family;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = version;
	return nlh;
}

struct family_reply {
	int id;
	uint64_t ops;
};

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[CTRL_ATTR_MAX + 1];
	struct family_reply *fr = data;
	const struct nlattr *op;
	uint16_t id;

	if (vxoff__attr_parse_msg(nlh, GENL_HDRLEN, tb, CTRL_ATTR_MAX) < 0)
		return -EPROTO;
	if (!tb[CTRL_ATTR_FAMILY_ID] || vxoff__attr_u16(tb[CTRL_ATTR_FAMILY_ID], &id) < 0)
		return -EPROTO;
	fr->id = id;
	if (tb[CTRL_ATTR_OPS]) {
		if (vxoff__nest_check(tb[CTRL_ATTR_OPS]) < 0)
			return -EPROTO;
		mnl_attr_for_each_nested(op, tb[CTRL_ATTR_OPS]) {
			const struct nlattr *otb[CTRL_ATTR_OP_MAX + 1];
			uint32_t cmd;

			if (vxoff__nest_check(op) < 0 ||
			    vxoff__attr_parse_nested(op, otb, CTRL_ATTR_OP_MAX) < 0)
				return -EPROTO;
			if (otb[CTRL_ATTR_OP_ID] &&
			    vxoff__attr_u32(otb[CTRL_ATTR_OP_ID], &cmd) == 0 && cmd < 64)
				fr->ops |= 1ull << cmd;
		}
	}
	return 0;
}

int vxoff__genl_family(struct vxoff_ctx *ctx, const char *name, uint64_t *ops_mask)
{
	union vxoff__req_buf rb = { .buf = { 0 } };
	struct family_reply fr = { 0, 0 };
	struct vxoff__nl_handler h = { .msg = family_cb, .data = &fr, .hdrlen = GENL_HDRLEN };
	struct vxoff__family *f;
	struct nlmsghdr *nlh;
	char what[96];
	uint32_t i;
	int r;

	for (i = 0; i < ctx->nfams; i++) {
		if (!strcmp(ctx->fams[i].name, name)) {
			if (ctx->fams[i].id < 0)
				goto missing;
			if (ops_mask)
				*ops_mask = ctx->fams[i].ops;
			return ctx->fams[i].id;
		}
	}
	if (strlen(name) >= sizeof(ctx->fams[0].name))
		return -EINVAL;
	nlh = vxoff__genl_put(rb.buf, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, 0);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, name);
	snprintf(what, sizeof(what), "resolving generic netlink family '%s'", name);
	r = vxoff__nl_request(ctx, VXOFF__NL_GENL, nlh, &h, what);
	if (r < 0 && r != -ENOENT)
		return r;
	if (ctx->nfams < VXOFF__MAX_FAMILIES) {
		f = &ctx->fams[ctx->nfams++];
		/* NOLINTNEXTLINE(clang-analyzer-security.insecureAPI.strcpy): length checked */
		strcpy(f->name, name);
		f->id = r < 0 ? -ENOENT : fr.id;
		f->ops = fr.ops;
	}
	if (r < 0)
		goto missing;
	if (ops_mask)
		*ops_mask = fr.ops;
	return fr.id;
missing:
	return vxoff__err(ctx, -ENOENT, VXOFF_REASON_NO_FAMILY,
			  "this kernel has no '%s' generic netlink family", name);
}

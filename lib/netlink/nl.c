/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * The netlink request loop: sequence and port checks, extended ack, DUMP_INTR retries,
 * receive buffers that grow for big dumps, and every length checked before libmnl sees it
 * (libmnl 1.0.4 trusts nlmsg_len).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/genetlink.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include "ctx_internal.h"

#define RXBUF_MIN 32768u
#define RXBUF_MAX (16u << 20)
#define DUMP_INTR_RETRIES 8

/* ---- attribute helpers ---- */

int vxoff__attr_u8(const struct nlattr *a, uint8_t *v)
{
	if (mnl_attr_get_payload_len(a) < sizeof(uint8_t))
		return -EPROTO;
	*v = mnl_attr_get_u8(a);
	return 0;
}

int vxoff__attr_u16(const struct nlattr *a, uint16_t *v)
{
	if (mnl_attr_get_payload_len(a) < sizeof(uint16_t))
		return -EPROTO;
	*v = mnl_attr_get_u16(a);
	return 0;
}

int vxoff__attr_u32(const struct nlattr *a, uint32_t *v)
{
	if (mnl_attr_get_payload_len(a) < sizeof(uint32_t))
		return -EPROTO;
	*v = mnl_attr_get_u32(a);
	return 0;
}

int vxoff__attr_uint(const struct nlattr *a, uint64_t *v)
{
	uint32_t v32;

	switch (mnl_attr_get_payload_len(a)) {
	case 4:
		memcpy(&v32, mnl_attr_get_payload(a), 4);
		*v = v32;
		return 0;
	case 8:
		memcpy(v, mnl_attr_get_payload(a), 8);
		return 0;
	default:
		return -EPROTO;
	}
}

int vxoff__attr_str(const struct nlattr *a, const char **v)
{
	uint16_t len = mnl_attr_get_payload_len(a);
	const char *s = mnl_attr_get_payload(a);

	if (len == 0 || !memchr(s, '\0', len))
		return -EPROTO;
	*v = s;
	return 0;
}

int vxoff__attr_parse(const void *start, size_t len, const struct nlattr **tb, uint32_t max)
{
	const char *p = start;
	size_t off = 0;

	memset(tb, 0, (max + 1) * sizeof(*tb));
	while (off < len) {
		const struct nlattr *a = (const void *)(p + off);
		uint16_t type;

		if (len - off < sizeof(struct nlattr) || a->nla_len < sizeof(struct nlattr) ||
		    a->nla_len > len - off)
			return -EPROTO;
		type = a->nla_type & NLA_TYPE_MASK;
		if (type <= max)
			tb[type] = a;
		off += MNL_ALIGN(a->nla_len);
	}
	return 0;
}

int vxoff__attr_parse_nested(const struct nlattr *nest, const struct nlattr **tb, uint32_t max)
{
	return vxoff__attr_parse(mnl_attr_get_payload(nest), mnl_attr_get_payload_len(nest), tb,
				 max);
}

int vxoff__nest_check(const struct nlattr *nest)
{
	const char *p = mnl_attr_get_payload(nest);
	size_t len = mnl_attr_get_payload_len(nest), off = 0;

	while (off < len) {
		const struct nlattr *a = (const void *)(p + off);

		if (len - off < sizeof(struct nlattr) || a->nla_len < sizeof(struct nlattr) ||
		    a->nla_len > len - off)
			return -EPROTO;
		off += MNL_ALIGN(a->nla_len);
	}
	return 0;
}

int vxoff__nlmsg_check(const struct nlmsghdr *nlh, size_t hdrlen)
{
	if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + MNL_ALIGN(hdrlen))
		return -EPROTO;
	return 0;
}

int vxoff__attr_parse_msg(const struct nlmsghdr *nlh, size_t hdrlen, const struct nlattr **tb,
			  uint32_t max)
{
	size_t off = MNL_NLMSG_HDRLEN + MNL_ALIGN(hdrlen);

	if (nlh->nlmsg_len < off)
		return -EPROTO;
	return vxoff__attr_parse((const char *)nlh + off, nlh->nlmsg_len - off, tb, max);
}

/* ---- extended ack ---- */

static uint32_t family_hdrlen(uint32_t proto, uint16_t type)
{
	if (proto == VXOFF__NL_GENL)
		return GENL_HDRLEN;
	switch (type) {
	case RTM_NEWLINK:
	case RTM_DELLINK:
	case RTM_GETLINK:
	case RTM_SETLINK:
		return sizeof(struct ifinfomsg);
	case RTM_NEWADDR:
	case RTM_DELADDR:
	case RTM_GETADDR:
		return sizeof(struct ifaddrmsg);
	case RTM_NEWNEIGH:
	case RTM_DELNEIGH:
	case RTM_GETNEIGH:
		return sizeof(struct ndmsg);
	default:
		return 0;
	}
}

/* Find the attribute starting at byte off of the stream, recursing into nests. */
static int attr_path(const char *p, size_t len, size_t base, uint32_t off, char *path,
		     size_t cap, uint32_t *leaf)
{
	size_t pos = 0;

	while (pos + sizeof(struct nlattr) <= len) {
		const struct nlattr *a = (const void *)(p + pos);
		size_t start = base + pos;
		uint16_t type = a->nla_type & NLA_TYPE_MASK;
		size_t used = strlen(path);

		if (a->nla_len < sizeof(struct nlattr) || a->nla_len > len - pos)
			return -1;
		if (off == start) {
			snprintf(path + used, cap - used, "%s%u", used ? "/" : "", type);
			*leaf = type;
			return 0;
		}
		if (off > start && off < start + a->nla_len) {
			snprintf(path + used, cap - used, "%s%u", used ? "/" : "", type);
			if (attr_path(p + pos + NLA_HDRLEN, a->nla_len - NLA_HDRLEN,
				      start + NLA_HDRLEN, off, path, cap, leaf) == 0)
				return 0;
			*leaf = type; /* inside a non-nested payload: blame the attribute */
			return 0;
		}
		pos += NLA_ALIGN(a->nla_len);
	}
	return -1;
}

struct extack {
	const char *msg;
	uint32_t offs;
	bool has_offs;
	uint32_t miss_type;
	bool has_miss;
};

static void parse_extack(const struct nlmsghdr *nlh, struct extack *ea)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t off, len = nlh->nlmsg_len;

	memset(ea, 0, sizeof(*ea));
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	off = MNL_NLMSG_HDRLEN + sizeof(int);
	if (nlh->nlmsg_type == NLMSG_DONE)
		; /* netlink_dump_done(): the errno, then the attributes; no request echoed */
	else if (nlh->nlmsg_flags & NLM_F_CAPPED)
		off += sizeof(struct nlmsghdr);
	else if (len >= off + sizeof(struct nlmsghdr))
		off += NLMSG_ALIGN(e->msg.nlmsg_len);
	else
		return;
	if (off >= len)
		return;
	if (vxoff__attr_parse((const char *)nlh + off, len - off, tb, NLMSGERR_ATTR_MAX) < 0)
		return;
	if (tb[NLMSGERR_ATTR_MSG])
		vxoff__attr_str(tb[NLMSGERR_ATTR_MSG], &ea->msg);
	if (tb[NLMSGERR_ATTR_OFFS] && vxoff__attr_u32(tb[NLMSGERR_ATTR_OFFS], &ea->offs) == 0)
		ea->has_offs = true;
	if (tb[NLMSGERR_ATTR_MISS_TYPE] &&
	    vxoff__attr_u32(tb[NLMSGERR_ATTR_MISS_TYPE], &ea->miss_type) == 0)
		ea->has_miss = true;
}

static int kernel_error(struct vxoff_ctx *ctx, uint32_t proto, const struct nlmsghdr *req,
			const struct vxoff__nl_handler *h, const char *what, int err,
			const struct extack *ea)
{
	uint32_t reason = VXOFF_REASON_KERNEL, leaf = 0;
	char path[128] = "";
	const char *hint = "";

	if (err == -EPERM || err == -EACCES) {
		reason = VXOFF_REASON_PRIVILEGE;
		hint = " (needs CAP_NET_ADMIN in the namespace's user namespace)";
	} else if (err == -ENODEV) {
		reason = VXOFF_REASON_NO_DEVICE;
	}
	if (ea->has_offs && ea->offs < req->nlmsg_len) {
		uint32_t hl = h && h->hdrlen ? h->hdrlen : family_hdrlen(proto, req->nlmsg_type);
		size_t start = MNL_NLMSG_HDRLEN + MNL_ALIGN(hl);

		if (start < req->nlmsg_len)
			attr_path((const char *)req + start, req->nlmsg_len - start, start,
				  ea->offs, path, sizeof(path), &leaf);
	}
	vxoff__err(ctx, err, reason, "%s: %s%s%s%s%s%s", what, strerror(-err), hint,
		   ea->msg ? "; kernel says: " : "", ea->msg ? ea->msg : "",
		   path[0] ? "; attribute " : "", path);
	if (ea->msg)
		ctx->kernel_msg = strdup(ea->msg);
	ctx->attr_offset = ea->has_offs ? ea->offs : 0;
	ctx->attr_type = leaf;
	if (ea->has_miss && !leaf)
		ctx->attr_type = ea->miss_type;
	return err;
}

static int ensure_rxbuf(struct vxoff_ctx *ctx, size_t need)
{
	size_t cap = ctx->rxcap ? ctx->rxcap : RXBUF_MIN;
	char *b;

	while (cap < need)
		cap *= 2;
	if (cap > RXBUF_MAX)
		return -EMSGSIZE;
	if (cap == ctx->rxcap && ctx->rxbuf)
		return 0;
	b = realloc(ctx->rxbuf, cap);
	if (!b)
		return -ENOMEM;
	ctx->rxbuf = b;
	ctx->rxcap = cap;
	return 0;
}

static bool is_dump(const struct nlmsghdr *req)
{
	return (req->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
}

/* One attempt. Return 0, -errno, or 1 when a dump was interrupted and should be retried. */
static int request_once(struct vxoff_ctx *ctx, uint32_t proto, struct nlmsghdr *req,
			const struct vxoff__nl_handler *h, const char *what)
{
	bool dump = is_dump(req), intr = false, done = false;
	int cb_err = 0, r;
	uint32_t seq, portid;

	seq = ++ctx->seq;
	if (!seq)
		seq = ++ctx->seq;
	req->nlmsg_seq = seq;
	req->nlmsg_pid = 0;
	req->nlmsg_flags |= NLM_F_REQUEST;
	if (!dump)
		req->nlmsg_flags |= NLM_F_ACK;

	r = ctx->tr.send(ctx->tr.priv, ctx, proto, req, req->nlmsg_len);
	if (r < 0) {
		if (vxoff__last_err(ctx))
			return vxoff__err_prefix(ctx, r, "%s", what);
		return vxoff__err(ctx, r, VXOFF_REASON_SYSTEM, "%s: sending the request: %s", what,
				  strerror(-r));
	}
	portid = ctx->tr.portid(ctx->tr.priv, proto);

	while (!done) {
		ssize_t n;
		size_t off = 0;

		r = ensure_rxbuf(ctx, 0);
		if (r < 0)
			return vxoff__err(ctx, r, VXOFF_REASON_SYSTEM, "%s: receive buffer", what);
		n = ctx->tr.recv(ctx->tr.priv, ctx, proto, ctx->rxbuf, ctx->rxcap);
		if (n < 0) {
			if (vxoff__last_err(ctx))
				return vxoff__err_prefix(ctx, (int)n, "%s", what);
			return vxoff__err(ctx, (int)n, VXOFF_REASON_SYSTEM,
					  "%s: receiving the reply: %s", what, strerror((int)-n));
		}
		if ((size_t)n > ctx->rxcap) {
			/* the datagram is still queued: grow and read it again */
			r = ensure_rxbuf(ctx, (size_t)n);
			if (r < 0)
				return vxoff__err(ctx, r, VXOFF_REASON_MALFORMED,
						  "%s: a %zd-byte reply is too large", what, n);
			continue;
		}
		while (off < (size_t)n && !done) {
			const struct nlmsghdr *nlh = (const void *)(ctx->rxbuf + off);
			size_t left = (size_t)n - off;

			if (left < sizeof(*nlh) || nlh->nlmsg_len < sizeof(*nlh) ||
			    nlh->nlmsg_len > left)
				return vxoff__err(ctx, -EPROTO, VXOFF_REASON_MALFORMED,
						  "%s: malformed reply: message length %u with %zu "
						  "bytes left",
						  what, left >= sizeof(*nlh) ? nlh->nlmsg_len : 0,
						  left);
			off += NLMSG_ALIGN(nlh->nlmsg_len);
			if (nlh->nlmsg_seq != seq || (portid && nlh->nlmsg_pid != portid)) {
				/* left over from an earlier, aborted request, or not ours */
				vxoff__log(ctx, VXOFF_LOG_DEBUG,
					   "%s: dropped message seq %u pid %u (want %u/%u)", what,
					   nlh->nlmsg_seq, nlh->nlmsg_pid, seq, portid);
				continue;
			}
			if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
				intr = true;
			switch (nlh->nlmsg_type) {
			case NLMSG_NOOP:
				break;
			case NLMSG_OVERRUN:
				return vxoff__err(ctx, -EPROTO, VXOFF_REASON_MALFORMED,
						  "%s: netlink overrun", what);
			case NLMSG_ERROR: {
				const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
				struct extack ea;

				if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + sizeof(int))
					return vxoff__err(ctx, -EPROTO, VXOFF_REASON_MALFORMED,
							  "%s: truncated error message", what);
				parse_extack(nlh, &ea);
				if (e->error > 0 || e->error < -4095)
					return vxoff__err(ctx, -EPROTO, VXOFF_REASON_MALFORMED,
							  "%s: error code %d out of range", what,
							  e->error);
				if (e->error)
					return kernel_error(ctx, proto, req, h, what, e->error,
							    &ea);
				if (ea.msg)
					vxoff__warn(ctx, VXOFF_WARN_KERNEL_MSG, what, 0, 0, "%s",
						    ea.msg);
				done = true;
				break;
			}
			case NLMSG_DONE: {
				int derr = 0;

				if (nlh->nlmsg_len >= MNL_NLMSG_HDRLEN + sizeof(int))
					memcpy(&derr, mnl_nlmsg_get_payload(nlh), sizeof(int));
				if (derr < 0 && derr >= -4095) {
					struct extack ea;

					parse_extack(nlh, &ea);
					return kernel_error(ctx, proto, req, h, what, derr, &ea);
				}
				done = true;
				break;
			}
			default:
				if (!cb_err && h && h->msg) {
					cb_err = h->msg(nlh, h->data);
					if (cb_err > 0)
						cb_err = 0;
				}
				/* a plain do-request without ACK support ends with its reply */
				break;
			}
		}
	}
	if (cb_err) {
		if (!vxoff__last_err(ctx))
			vxoff__err(ctx, cb_err,
				   cb_err == -EPROTO ? VXOFF_REASON_MALFORMED : VXOFF_REASON_NONE,
				   "%s: %s in the reply", what,
				   cb_err == -EPROTO ? "malformed attributes" : strerror(-cb_err));
		else
			vxoff__err_prefix(ctx, cb_err, "%s", what);
		return cb_err;
	}
	if (intr && dump)
		return 1;
	return 0;
}

int vxoff__nl_request(struct vxoff_ctx *ctx, uint32_t proto, struct nlmsghdr *req,
		      const struct vxoff__nl_handler *h, const char *what)
{
	int attempt, r;

	if (proto >= VXOFF__NL_NPROTO || req->nlmsg_len < sizeof(*req))
		return vxoff__err(ctx, -ENOTRECOVERABLE, VXOFF_REASON_INTERNAL,
				  "%s: bad request", what);
	for (attempt = 0; attempt <= DUMP_INTR_RETRIES; attempt++) {
		r = request_once(ctx, proto, req, h, what);
		if (r <= 0)
			return r;
		vxoff__log(ctx, VXOFF_LOG_DEBUG, "%s: dump interrupted, retrying", what);
		if (h && h->reset)
			h->reset(h->data);
	}
	return vxoff__err(ctx, -EAGAIN, VXOFF_REASON_DUMP_INTR,
			  "%s: the dump was interrupted %d times in a row by concurrent changes",
			  what, DUMP_INTR_RETRIES + 1);
}

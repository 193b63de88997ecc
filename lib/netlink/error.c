/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/* Last error, warnings, log callback, struct copy-in/out. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctx_internal.h"

#undef vxoff__err /* core.h's model for the analyser: here is the real one */

int vxoff__copy_in(void *dst, size_t ksize, const void *src, uint32_t min_sz)
{
	const unsigned char *p = src;
	uint32_t usz;
	size_t i;

	memset(dst, 0, ksize);
	if (!src)
		return 0;
	memcpy(&usz, src, sizeof(usz));
	if (usz < min_sz)
		return -EINVAL;
	if (usz > VXOFF_STRUCT_MAX_SZ)
		return -E2BIG;
	for (i = ksize; i < usz; i++) /* a newer caller: what we don't know must be 0 */
		if (p[i])
			return -E2BIG;
	memcpy(dst, src, usz < ksize ? usz : ksize);
	return 0;
}

int vxoff__copy_out(void *out, const void *src, size_t ksize, uint32_t min_sz)
{
	unsigned char *o = out;
	uint32_t usz;

	if (!out)
		return -EINVAL;
	memcpy(&usz, out, sizeof(usz));
	if (usz < min_sz || usz > VXOFF_STRUCT_MAX_SZ)
		return -EINVAL;
	if (usz <= ksize) {
		memcpy(o, src, usz);
	} else {
		memcpy(o, src, ksize);
		memset(o + ksize, 0, usz - ksize); /* fields we don't know read 0 = unknown */
	}
	memcpy(o, &usz, sizeof(usz)); /* sz stays what the caller knows */
	return 0;
}

static __attribute__((format(printf, 1, 0))) char *vfmt(const char *fmt, va_list ap)
{
	char *s = NULL;

	if (vasprintf(&s, fmt, ap) < 0)
		return NULL;
	return s;
}

void vxoff__err_clear(struct vxoff_ctx *ctx)
{
	free(ctx->msg);
	free(ctx->kernel_msg);
	ctx->msg = NULL;
	ctx->kernel_msg = NULL;
	ctx->err = 0;
	ctx->reason = VXOFF_REASON_NONE;
	ctx->attr_offset = 0;
	ctx->attr_type = 0;
}

int vxoff__err(struct vxoff_ctx *ctx, int err, uint32_t reason, const char *fmt, ...)
{
	va_list ap;

	free(ctx->msg);
	free(ctx->kernel_msg);
	ctx->kernel_msg = NULL;
	ctx->attr_offset = 0;
	ctx->attr_type = 0;
	ctx->err = err;
	ctx->reason = reason;
	va_start(ap, fmt);
	ctx->msg = vfmt(fmt, ap);
	va_end(ap);
	if (ctx->msg)
		vxoff__log(ctx, VXOFF_LOG_DEBUG, "error %d: %s", err, ctx->msg);
	return err;
}

int vxoff__err_prefix(struct vxoff_ctx *ctx, int err, const char *fmt, ...)
{
	char *pre, *s = NULL;
	va_list ap;

	va_start(ap, fmt);
	pre = vfmt(fmt, ap);
	va_end(ap);
	if (!pre)
		return err;
	if (!ctx->err) {
		ctx->err = err;
		ctx->reason = VXOFF_REASON_NONE;
	}
	if (asprintf(&s, "%s: %s", pre, ctx->msg ? ctx->msg : strerror(-err)) >= 0) {
		free(ctx->msg);
		ctx->msg = s;
	}
	free(pre);
	return err;
}

int vxoff__last_err(struct vxoff_ctx *ctx)
{
	return ctx->err;
}

const char *vxoff__last_msg(struct vxoff_ctx *ctx)
{
	return ctx->msg;
}

const char *vxoff__last_kernel_msg(struct vxoff_ctx *ctx)
{
	return ctx->kernel_msg;
}

int vxoff_ctx_last_error(struct vxoff_ctx *ctx, struct vxoff_error *out)
{
	struct vxoff_error e;

	if (!ctx || !out)
		return -EINVAL;
	memset(&e, 0, sizeof(e));
	e.sz = sizeof(e);
	e.err = ctx->err;
	e.reason = ctx->reason;
	e.nl_attr_offset = ctx->attr_offset;
	e.nl_attr_type = ctx->attr_type;
	e.msg = ctx->err ? (ctx->msg ? ctx->msg : strerror(-ctx->err)) : NULL;
	e.kernel_msg = ctx->kernel_msg;
	return vxoff__copy_out(out, &e, sizeof(e), 8);
}

int vxoff__warn(struct vxoff_ctx *ctx, uint32_t code, const char *what, uint64_t requested,
		uint64_t applied, const char *fmt, ...)
{
	struct vxoff__warning *w;
	va_list ap;

	if (ctx->nwarns == ctx->capwarns) {
		uint32_t cap = ctx->capwarns ? ctx->capwarns * 2 : 8;

		w = realloc(ctx->warns, cap * sizeof(*w));
		if (!w)
			return -ENOMEM;
		ctx->warns = w;
		ctx->capwarns = cap;
	}
	w = &ctx->warns[ctx->nwarns];
	w->code = code;
	w->requested = requested;
	w->applied = applied;
	w->what = strdup(what ? what : "");
	va_start(ap, fmt);
	w->msg = vfmt(fmt, ap);
	va_end(ap);
	if (!w->what || !w->msg) {
		free(w->what);
		free(w->msg);
		return -ENOMEM;
	}
	ctx->nwarns++;
	vxoff__log(ctx, VXOFF_LOG_WARNING, "%s: %s", w->what, w->msg);
	return 0;
}

uint32_t vxoff_ctx_warning_count(struct vxoff_ctx *ctx)
{
	return ctx ? ctx->nwarns : 0;
}

int vxoff_ctx_warning(struct vxoff_ctx *ctx, uint32_t idx, struct vxoff_warning *out)
{
	struct vxoff_warning w;

	if (!ctx || !out)
		return -EINVAL;
	if (idx >= ctx->nwarns)
		return -ERANGE;
	memset(&w, 0, sizeof(w));
	w.sz = sizeof(w);
	w.code = ctx->warns[idx].code;
	w.requested = ctx->warns[idx].requested;
	w.applied = ctx->warns[idx].applied;
	w.what = ctx->warns[idx].what;
	w.msg = ctx->warns[idx].msg;
	return vxoff__copy_out(out, &w, sizeof(w), 8);
}

void vxoff__log(struct vxoff_ctx *ctx, uint32_t level, const char *fmt, ...)
{
	vxoff_log_fn fn = ctx->log_fn;
	va_list ap;
	char *s;

	if (!fn || level > ctx->log_level)
		return;
	va_start(ap, fmt);
	s = vfmt(fmt, ap);
	va_end(ap);
	if (!s)
		return;
	fn(ctx->log_user, level, s);
	free(s);
}

const char *vxoff_reason_name(uint32_t reason)
{
	static const char *const names[] = {
		[VXOFF_REASON_NONE] = "none",
		[VXOFF_REASON_KERNEL] = "kernel",
		[VXOFF_REASON_ARG] = "argument",
		[VXOFF_REASON_STRUCT_SIZE] = "struct-size",
		[VXOFF_REASON_NO_DEVICE] = "no-device",
		[VXOFF_REASON_NO_NETNS] = "no-netns",
		[VXOFF_REASON_PRIVILEGE] = "privilege",
		[VXOFF_REASON_MALFORMED] = "malformed",
		[VXOFF_REASON_NO_FAMILY] = "no-family",
		[VXOFF_REASON_FORK] = "fork",
		[VXOFF_REASON_REENTERED] = "reentered",
		[VXOFF_REASON_INTERNAL] = "internal",
		[VXOFF_REASON_DUMP_INTR] = "dump-interrupted",
		[VXOFF_REASON_SYSTEM] = "system",
		[VXOFF_REASON_REPLAY] = "replay",
		[VXOFF_REASON_PROTOCOL] = "protocol",
		[VXOFF_REASON_PEER] = "peer",
		[VXOFF_REASON_TIMEOUT] = "timeout",
		[VXOFF_REASON_STATE] = "state",
	};

	if (reason < sizeof(names) / sizeof(names[0]) && names[reason])
		return names[reason];
	return "unknown";
}

void vxoff_free(void *p)
{
	free(p);
}

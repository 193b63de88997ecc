/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/* Context: namespace, roots, transport; one per thread, no global state. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "ctx_internal.h"

/* NSFS_MAGIC from <linux/magic.h>, to tell a network namespace fd from any other file. */
#include <linux/magic.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/vfs.h>

static int set_errbuf(char *errbuf, size_t errlen, int err, const char *msg)
{
	if (errbuf && errlen) {
		size_t n = strlen(msg);

		if (n >= errlen)
			n = errlen - 1;
		memcpy(errbuf, msg, n);
		errbuf[n] = '\0';
	}
	return err;
}

static int is_nsfs(int fd)
{
	struct statfs sfs;
	int type;

	if (fstatfs(fd, &sfs) < 0)
		return -errno;
	if (sfs.f_type != NSFS_MAGIC)
		return -EBADF;
	/* any namespace lives on nsfs: a uts or mount namespace fd must not pass (4.11+; an
	 * older kernel answers ENOTTY and the type stays unchecked) */
	type = ioctl(fd, NS_GET_NSTYPE);
	if (type >= 0 && type != CLONE_NEWNET)
		return -EBADF;
	return 0;
}

static int open_netns(struct vxoff_ctx *ctx, const struct vxoff_ctx_opts *o, char *errbuf,
		      size_t errlen)
{
	char path[4096 + 16];
	char msg[4400];
	int fd, r;

	if (o->netns && (o->flags & VXOFF_CTX_F_NETNS_FD))
		return set_errbuf(errbuf, errlen, -EINVAL,
				  "vxoff_ctx_opts: give either netns or netns_fd, not both");
	if (o->netns) {
		if (!*o->netns || strchr(o->netns, '/') || strlen(o->netns) > 255) {
			snprintf(msg, sizeof(msg), "network namespace name '%s' is not valid",
				 o->netns);
			return set_errbuf(errbuf, errlen, -EINVAL, msg);
		}
		snprintf(path, sizeof(path), "/run/netns/%s", o->netns);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			r = -errno;
			snprintf(msg, sizeof(msg), "network namespace '%s' %s (%s)", o->netns,
				 r == -ENOENT ? "does not exist" : "cannot be opened", path);
			return set_errbuf(errbuf, errlen, r, msg);
		}
		r = is_nsfs(fd);
		if (r < 0) {
			close(fd);
			snprintf(msg, sizeof(msg), "%s is not a network namespace", path);
			return set_errbuf(errbuf, errlen, -ENOENT, msg);
		}
		ctx->netns_name = strdup(o->netns);
		if (!ctx->netns_name) {
			close(fd);
			return -ENOMEM;
		}
		ctx->netns_fd = fd;
	} else if (o->flags & VXOFF_CTX_F_NETNS_FD) {
		if (o->netns_fd < 0)
			return set_errbuf(errbuf, errlen, -EBADF,
					  "vxoff_ctx_opts.netns_fd is negative");
		r = is_nsfs(o->netns_fd);
		if (r < 0) {
			snprintf(msg, sizeof(msg), "netns_fd %d is not a namespace file",
				 (int)o->netns_fd);
			return set_errbuf(errbuf, errlen, -EBADF, msg);
		}
		fd = fcntl(o->netns_fd, F_DUPFD_CLOEXEC, 3);
		if (fd < 0)
			return set_errbuf(errbuf, errlen, -errno, "cannot duplicate netns_fd");
		ctx->netns_fd = fd;
	}
	return 0;
}

int vxoff_ctx_new_err(const struct vxoff_ctx_opts *opts, struct vxoff_ctx **ret, char *errbuf,
		      size_t errlen)
{
	struct vxoff_ctx_opts o;
	struct vxoff_ctx *ctx;
	int r;

	if (errbuf && errlen)
		errbuf[0] = '\0';
	if (!ret)
		return set_errbuf(errbuf, errlen, -EINVAL, "vxoff_ctx_new: ret is NULL");
	r = vxoff__copy_in(&o, sizeof(o), opts, VXOFF_CTX_OPTS_SZ_0_1);
	if (r < 0)
		return set_errbuf(errbuf, errlen, r,
				  r == -EINVAL
					  ? "vxoff_ctx_opts.sz is below the 0.1 size"
					  : "vxoff_ctx_opts has bytes this library does not know");
	if (o.flags & ~VXOFF_CTX_F_NETNS_FD)
		return set_errbuf(errbuf, errlen, -EINVAL, "vxoff_ctx_opts.flags has unknown bits");
	if (o.reserved0)
		return set_errbuf(errbuf, errlen, -E2BIG, "vxoff_ctx_opts.reserved0 is not 0");

	ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return -ENOMEM;
	ctx->pid = getpid();
	ctx->netns_fd = -1;
	ctx->log_level = VXOFF_LOG_ERR;
	r = open_netns(ctx, &o, errbuf, errlen);
	if (r < 0)
		goto fail;
	ctx->sysfs_overridden = o.sysfs_root != NULL;
	ctx->sysfs_root = strdup(o.sysfs_root ? o.sysfs_root : "/sys");
	ctx->procfs_root = strdup(o.procfs_root ? o.procfs_root : "/proc");
	if (!ctx->sysfs_root || !ctx->procfs_root) {
		r = -ENOMEM;
		goto fail;
	}
	r = vxoff__transport_real_new(&ctx->tr);
	if (r < 0)
		goto fail;
	*ret = ctx;
	return 0;
fail:
	vxoff_ctx_free(ctx);
	return r;
}

int vxoff_ctx_new(const struct vxoff_ctx_opts *opts, struct vxoff_ctx **ret)
{
	return vxoff_ctx_new_err(opts, ret, NULL, 0);
}

void vxoff_ctx_free(struct vxoff_ctx *ctx)
{
	if (!ctx)
		return;
	if (ctx->tr.free)
		ctx->tr.free(ctx->tr.priv);
	vxoff__err_clear(ctx);
	for (uint32_t i = 0; i < ctx->nwarns; i++) { /* the last call's warnings */
		free(ctx->warns[i].what);
		free(ctx->warns[i].msg);
	}
	free(ctx->warns);
	if (ctx->netns_fd >= 0)
		close(ctx->netns_fd);
	free(ctx->netns_name);
	free(ctx->sysfs_root);
	free(ctx->procfs_root);
	free(ctx->rxbuf);
	free(ctx);
}

void vxoff__ctx_set_transport(struct vxoff_ctx *ctx, const struct vxoff__transport *t)
{
	if (ctx->tr.free)
		ctx->tr.free(ctx->tr.priv);
	ctx->tr = *t;
	ctx->nfams = 0; /* family ids belong to the transport's kernel */
}

int vxoff__ctx_enter(struct vxoff_ctx *ctx)
{
	if (!ctx)
		return -EINVAL;
	if (ctx->busy)
		return -EBUSY; /* nothing is cleared: the outer call's state stays intact */
	vxoff__err_clear(ctx);
	for (uint32_t i = 0; i < ctx->nwarns; i++) {
		free(ctx->warns[i].what);
		free(ctx->warns[i].msg);
	}
	ctx->nwarns = 0;
	if (ctx->pid != getpid())
		return vxoff__err(
			ctx, -ECHILD, VXOFF_REASON_FORK,
			"this context was created by process %d; make a new one after fork()",
			(int)ctx->pid);
	ctx->busy = 1;
	return 0;
}

void vxoff__ctx_leave(struct vxoff_ctx *ctx)
{
	ctx->busy = 0;
}

const char *vxoff__ctx_sysfs_root(struct vxoff_ctx *ctx)
{
	return ctx->sysfs_root;
}

const char *vxoff__ctx_procfs_root(struct vxoff_ctx *ctx)
{
	return ctx->procfs_root;
}

bool vxoff__ctx_sysfs_overridden(struct vxoff_ctx *ctx)
{
	return ctx->sysfs_overridden;
}

int vxoff__ctx_netns_fd(struct vxoff_ctx *ctx)
{
	return ctx->netns_fd;
}

const char *vxoff__ctx_netns_name(struct vxoff_ctx *ctx)
{
	return ctx->netns_name;
}

int vxoff_ctx_set_log(struct vxoff_ctx *ctx, vxoff_log_fn fn, void *user, uint32_t max_level)
{
	if (!ctx || max_level < VXOFF_LOG_ERR || max_level > VXOFF_LOG_DEBUG)
		return -EINVAL;
	ctx->log_fn = fn;
	ctx->log_user = user;
	ctx->log_level = max_level;
	return 0;
}

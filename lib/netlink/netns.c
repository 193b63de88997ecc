/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * Working inside another network namespace without the caller calling setns(): sockets are
 * created there by the calling thread (and it returns at once), sysfs is read by a short-lived
 * helper thread with a private mount namespace, because sysfs shows the namespace of its
 * mount, not of the reader (a bare setns() still lists the old devices).
 */
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>

#include "ctx_internal.h"

static int enter_err(struct vxoff_ctx *ctx, int r)
{
	return vxoff__err(ctx, r, r == -EPERM ? VXOFF_REASON_PRIVILEGE : VXOFF_REASON_SYSTEM,
			  "entering network namespace '%s': %s%s",
			  ctx->netns_name ? ctx->netns_name : "(fd)", strerror(-r),
			  r == -EPERM ? " (needs CAP_SYS_ADMIN)" : "");
}

int vxoff__in_netns(struct vxoff_ctx *ctx, int (*fn)(void *arg), void *arg)
{
	int self, r;

	if (ctx->netns_fd < 0)
		return fn(arg);
	self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (self < 0)
		return vxoff__err(ctx, -errno, VXOFF_REASON_SYSTEM,
				  "opening this thread's network namespace: %s", strerror(errno));
	if (setns(ctx->netns_fd, CLONE_NEWNET) < 0) {
		r = -errno;
		close(self);
		return enter_err(ctx, r);
	}
	r = fn(arg);
	if (setns(self, CLONE_NEWNET) < 0) {
		close(self);
		return vxoff__err(ctx, -ENOTRECOVERABLE, VXOFF_REASON_INTERNAL,
				  "could not return to the caller's network namespace: %s",
				  strerror(errno));
	}
	close(self);
	return r;
}

struct sysfs_job {
	struct vxoff_ctx *ctx;
	int (*fn)(void *arg, const char *sysroot);
	void *arg;
	int setup_err;
	const char *step;
	int ret;
};

static void *sysfs_thread(void *p)
{
	struct sysfs_job *j = p;

	/* a private mount namespace for this thread only (CLONE_NEWNS implies CLONE_FS) */
	if (unshare(CLONE_NEWNS) < 0) {
		j->setup_err = -errno;
		j->step = "unsharing the mount namespace";
		return NULL;
	}
	/* a propagation change: the kernel ignores the type ("none", as NULL upsets valgrind) */
	if (mount(NULL, "/", "none", MS_REC | MS_SLAVE, NULL) < 0) {
		j->setup_err = -errno;
		j->step = "making mounts private";
		return NULL;
	}
	if (setns(j->ctx->netns_fd, CLONE_NEWNET) < 0) {
		j->setup_err = -errno;
		j->step = "entering the network namespace";
		return NULL;
	}
	if (mount("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY,
		  NULL) < 0) {
		j->setup_err = -errno;
		j->step = "mounting sysfs";
		return NULL;
	}
	j->ret = j->fn(j->arg, "/sys");
	return NULL;
}

int vxoff__with_sysfs(struct vxoff_ctx *ctx, int (*fn)(void *arg, const char *sysroot),
		      void *arg)
{
	struct sysfs_job j = { .ctx = ctx, .fn = fn, .arg = arg };
	pthread_t t;
	int r;

	if (ctx->sysfs_overridden || ctx->netns_fd < 0)
		return fn(arg, ctx->sysfs_root);
	r = pthread_create(&t, NULL, sysfs_thread, &j);
	if (r)
		return vxoff__err(ctx, -r, VXOFF_REASON_SYSTEM,
				  "starting a thread to read sysfs: %s", strerror(r));
	pthread_join(t, NULL);
	if (j.setup_err)
		return vxoff__err(
			ctx, j.setup_err,
			j.setup_err == -EPERM ? VXOFF_REASON_PRIVILEGE : VXOFF_REASON_SYSTEM,
			"reading sysfs of network namespace '%s': %s: %s%s",
			ctx->netns_name ? ctx->netns_name : "(fd)", j.step, strerror(-j.setup_err),
			j.setup_err == -EPERM ? " (needs CAP_SYS_ADMIN)" : "");
	return j.ret;
}

/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/* The context's layout: known to lib/netlink/ only. */
#ifndef VXOFF_LIB_NETLINK_CTX_INTERNAL_H
#define VXOFF_LIB_NETLINK_CTX_INTERNAL_H

#include "core.h"

struct vxoff__warning {
	uint32_t code;
	uint64_t requested;
	uint64_t applied;
	char *what;
	char *msg;
};

struct vxoff__family {
	char name[32];
	int id;
	uint64_t ops;
};

#define VXOFF__MAX_FAMILIES 4

struct vxoff_ctx {
	pid_t pid;	/* creator: a forked child gets -ECHILD */
	int busy;	/* inside a call: re-entry from a callback gets -EBUSY */
	int netns_fd;	/* -1 = the caller's namespace */
	char *netns_name;
	char *sysfs_root;
	char *procfs_root;
	bool sysfs_overridden;

	struct vxoff__transport tr;
	uint32_t seq;

	/* last error */
	int err;
	uint32_t reason;
	uint32_t attr_offset;
	uint32_t attr_type;
	char *msg;
	char *kernel_msg;

	struct vxoff__warning *warns;
	uint32_t nwarns;
	uint32_t capwarns;

	vxoff_log_fn log_fn;
	void *log_user;
	uint32_t log_level;

	struct vxoff__family fams[VXOFF__MAX_FAMILIES];
	uint32_t nfams;

	char *rxbuf;
	size_t rxcap;
};

/* The real transport over libmnl sockets opened in the context's namespace. */
int vxoff__transport_real_new(struct vxoff__transport *ret);

#endif

/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * Internals of the tunnel capability, shared by the files of lib/tunnel. Never installed. json.c
 * uses the public accessors only; everything here may change without notice.
 */
#ifndef VXOFF_LIB_TUNNEL_INTERNAL_H
#define VXOFF_LIB_TUNNEL_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <vxoff/tunnel.h>

#include "netlink/core.h"

/* One device as read back (RTM_NEWLINK from a GETLINK do or dump). */
struct vxoff_tunnel {
	char name[16];
	char mac[18];	    /* "aa:bb:cc:dd:ee:ff", "" when the device has no address */
	char kind[16];	    /* IFLA_INFO_KIND: "vxlan" for every object handed out */
	uint32_t ifindex;
	uint32_t mtu;
	uint32_t flags;	    /* IFF_* */
	uint32_t group;	    /* IFLA_GROUP */
	uint32_t unknown_attrs;
	struct vxoff_tunnel_opts opts; /* .set = what the kernel reported; pointers NULL */
	uint8_t *unknown_raw; /* the unknown IFLA_VXLAN_* attributes, as an nlattr stream */
	size_t unknown_len;
};

struct vxoff_tunnel_list {
	struct vxoff_tunnel **items;
	uint32_t count;
	uint32_t cap;
};

/* Dump links into l (appended): every link, or only VXLAN devices (kind-filtered). */
int vxoff__tun_dump(struct vxoff_ctx *ctx, bool vxlan_only, const char *what,
		    struct vxoff_tunnel_list *l);
/* Free the items of a list that lives on the stack. */
void vxoff__tun_list_clear(struct vxoff_tunnel_list *l);



/* ---- read.c ---- */

/* Read one link (any kind) by name or, when name is NULL, by ifindex: 0, -ENODEV, -errno.
 * what prefixes errors. The object is for vxoff_tunnel_free(). */
int vxoff__tun_getlink(struct vxoff_ctx *ctx, const char *name, uint32_t ifindex,
		       const char *what, struct vxoff_tunnel **ret);
/* Parse one RTM_NEWLINK message: 0, 1 (not a link), -EPROTO, -ENOMEM. */
int vxoff__tun_parse_link(const struct nlmsghdr *nlh, struct vxoff_tunnel **ret);
bool vxoff__tun_is_vxlan(const struct vxoff_tunnel *t);
/* Overhead of VXLAN encapsulation for the device's family: 50 (IPv4) or 70 (IPv6). */
uint32_t vxoff__tun_overhead(const struct vxoff_tunnel_opts *o);

/* ---- fdb.c ---- */

/* FDB entries of ifindex (one dump); heap array for free(). */
int vxoff__fdb_dump(struct vxoff_ctx *ctx, uint32_t ifindex, const char *what,
		    struct vxoff_fdb_entry **ret, uint32_t *count);
/* Add (nlflags: NLM_F_CREATE | APPEND / EXCL / REPLACE) or delete one checked entry. */
int vxoff__fdb_send(struct vxoff_ctx *ctx, uint16_t type, uint16_t nlflags, uint32_t ifindex,
		    const struct vxoff_fdb_entry *e, const char *what);
/* Check one caller entry (entry_sz bytes; copied in to out): 0 or -EINVAL/-E2BIG. */
int vxoff__fdb_check(struct vxoff_ctx *ctx, const void *entry, uint32_t entry_sz,
		     const char *what, struct vxoff_fdb_entry *out);
/* The nlmsg flags for adding e as part of a create (flood lists append). */
uint16_t vxoff__fdb_create_flags(const struct vxoff_fdb_entry *e);

int vxoff__addr_check(struct vxoff_ctx *ctx, const void *addr, uint32_t addr_sz,
		      const char *what, struct vxoff_tunnel_addr *out);
int vxoff__addr_send(struct vxoff_ctx *ctx, uint16_t type, uint32_t ifindex,
		     const struct vxoff_tunnel_addr *a, const char *what);
/* Permanent addresses of ifindex (one dump), for replace. */
int vxoff__addr_dump(struct vxoff_ctx *ctx, uint32_t ifindex, const char *what,
		     struct vxoff_tunnel_addr **ret, uint32_t *count);

#endif

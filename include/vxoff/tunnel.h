/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * vxoff/tunnel.h - create, change, show and delete VXLAN devices over rtnetlink, with every
 * option the kernel knows, as one transaction, verified by reading the device back.
 *
 * Options live in struct vxoff_tunnel_opts. Because 0 is a real value for most of them (TTL 0,
 * TOS 0, learning off), a field counts only when its bit (1 << VXOFF_TUN_*) is in .set; a
 * boolean option's value is its bit in .on. An option not in .set is not sent: the kernel's
 * default applies, except the destination port, which must always be given (the kernel's
 * default, 8472, misses the offload tables of NICs, which know IANA's 4789).
 */
#ifndef VXOFF_TUNNEL_H
#define VXOFF_TUNNEL_H

#include <stddef.h>
#include <stdint.h>

#include <vxoff/common.h>

#ifdef __cplusplus
extern "C" {
#endif

struct vxoff_tunnel;	 /* one VXLAN device as read back from the kernel */
struct vxoff_tunnel_list; /* every VXLAN device of a namespace */

/* Option ids: bit (1 << id) in vxoff_tunnel_opts.set (and .on for booleans). Append-only. */
#define VXOFF_TUN_VNI 0u		/* u32 vni, 0 .. 2^24-1 */
#define VXOFF_TUN_PORT 1u		/* u32 port: UDP destination port, 1 .. 65535 (required) */
#define VXOFF_TUN_LOCAL 2u		/* local_family + local */
#define VXOFF_TUN_REMOTE 3u		/* remote_family + remote: a unicast remote VTEP */
#define VXOFF_TUN_GROUP 4u		/* group_family + group: a multicast group (needs underlay) */
#define VXOFF_TUN_UNDERLAY 5u		/* underlay (name) or underlay_ifindex */
#define VXOFF_TUN_SRCPORT 6u		/* srcport_min .. srcport_max, outer UDP source ports */
#define VXOFF_TUN_TTL 7u		/* u32 ttl 0 .. 255 (0 = route default) */
#define VXOFF_TUN_TTL_INHERIT 8u	/* bool: copy the inner TTL */
#define VXOFF_TUN_TOS 9u		/* u32 tos 0 .. 255 (1 = inherit) */
#define VXOFF_TUN_DF 10u		/* u32 df: VXOFF_DF_* */
#define VXOFF_TUN_LABEL 11u		/* u32 label: IPv6 flow label, 0 .. 2^20-1 */
#define VXOFF_TUN_LABEL_POLICY 12u	/* u32 label_policy: VXOFF_LABEL_* (kernel 6.8+) */
#define VXOFF_TUN_LEARNING 13u		/* bool (kernel default on) */
#define VXOFF_TUN_PROXY 14u		/* bool: ARP/ND proxy */
#define VXOFF_TUN_RSC 15u		/* bool: route short-circuit */
#define VXOFF_TUN_L2MISS 16u		/* bool */
#define VXOFF_TUN_L3MISS 17u		/* bool */
#define VXOFF_TUN_AGEING 18u		/* u32 ageing, seconds */
#define VXOFF_TUN_MAXADDR 19u		/* u32 maxaddr: FDB entries at most, 0 = unlimited */
#define VXOFF_TUN_UDP_CSUM 20u		/* bool: outer UDP checksum over IPv4 (default on) */
#define VXOFF_TUN_UDP6_ZERO_CSUM_TX 21u /* bool */
#define VXOFF_TUN_UDP6_ZERO_CSUM_RX 22u /* bool */
#define VXOFF_TUN_REMCSUM_TX 23u	/* bool */
#define VXOFF_TUN_REMCSUM_RX 24u	/* bool */
#define VXOFF_TUN_REMCSUM_NOPARTIAL 25u /* bool */
#define VXOFF_TUN_GBP 26u		/* bool: Group Based Policy */
#define VXOFF_TUN_GPE 27u		/* bool: VXLAN-GPE (needs external, learning off) */
#define VXOFF_TUN_EXTERNAL 28u		/* bool: collect metadata (flow-based) */
#define VXOFF_TUN_VNIFILTER 29u		/* bool: per-VNI filtering (needs external; 5.18+) */
#define VXOFF_TUN_LOCALBYPASS 30u	/* bool (kernel default on; 6.5+) */
#define VXOFF_TUN_MC_ROUTE 31u		/* bool: multicast through mroute (6.17+) */
#define VXOFF_TUN_RESERVED_BITS 32u	/* reserved_bits[8] (6.14+) */
#define VXOFF_TUN_MTU 33u		/* u32 mtu, or VXOFF_TUNNEL_F_MTU_AUTO */
#define VXOFF_TUN_MAC 34u		/* mac[6] */
#define VXOFF_TUN_UP 35u		/* bool: bring it up (last step of a create) */
#define VXOFF_TUN_NETNS 36u		/* target_netns or target_netns_fd: move it there */
#define VXOFF_TUN_COUNT 37u		/* ids this version knows */

#define VXOFF_DF_UNSET 0u
#define VXOFF_DF_SET 1u
#define VXOFF_DF_INHERIT 2u

#define VXOFF_LABEL_FIXED 0u
#define VXOFF_LABEL_INHERIT 1u

/* Flags of vxoff_tunnel_opts. */
#define VXOFF_TUNNEL_F_MTU_AUTO (1u << 0)  /* MTU = underlay MTU - 50 (IPv4) or - 70 (IPv6) */
#define VXOFF_TUNNEL_F_NETNS_FD (1u << 1)  /* target_netns_fd is set (0 is a valid fd) */

struct vxoff_fdb_entry {
	uint32_t sz;
	uint32_t flags;		  /* VXOFF_FDB_F_* */
	uint8_t mac[6];		  /* 00:00:00:00:00:00 = the flood (BUM) list */
	uint8_t reserved0[2];
	uint32_t dst_family;	  /* AF_INET or AF_INET6: the remote VTEP */
	uint8_t dst[16];
	uint32_t vni;		  /* with VXOFF_FDB_F_VNI */
	uint32_t port;		  /* with VXOFF_FDB_F_PORT */
	uint32_t ifindex;	  /* egress underlay, with VXOFF_FDB_F_IFINDEX */
	uint32_t src_vni;	  /* with VXOFF_FDB_F_SRC_VNI (external devices) */
	uint32_t reserved1;
};
#define VXOFF_FDB_ENTRY_SZ_0_1 56u

#define VXOFF_FDB_F_VNI (1u << 0)
#define VXOFF_FDB_F_PORT (1u << 1)
#define VXOFF_FDB_F_IFINDEX (1u << 2)
#define VXOFF_FDB_F_SRC_VNI (1u << 3)
#define VXOFF_FDB_F_DYNAMIC (1u << 4) /* ages out (NUD_REACHABLE) instead of permanent */

struct vxoff_tunnel_addr {
	uint32_t sz;
	uint32_t family;	  /* AF_INET or AF_INET6 */
	uint8_t addr[16];
	uint32_t prefixlen;
	uint32_t reserved0;
};
#define VXOFF_TUNNEL_ADDR_SZ_0_1 32u

struct vxoff_tunnel_opts {
	uint32_t sz;
	uint32_t flags;		  /* VXOFF_TUNNEL_F_*; unknown bits: -EINVAL */
	uint64_t set;		  /* bit (1 << VXOFF_TUN_*) for each option given */
	uint64_t on;		  /* value of each boolean option given in set */
	uint32_t vni;
	uint32_t port;
	uint32_t srcport_min;
	uint32_t srcport_max;
	uint32_t ttl;
	uint32_t tos;
	uint32_t df;
	uint32_t label;
	uint32_t label_policy;
	uint32_t ageing;
	uint32_t maxaddr;
	uint32_t mtu;
	uint32_t underlay_ifindex;
	uint32_t local_family;	  /* AF_INET or AF_INET6 */
	uint8_t local[16];
	uint32_t remote_family;
	uint32_t group_family;
	uint8_t remote[16];
	uint8_t group[16];
	uint8_t reserved_bits[8];
	uint8_t mac[6];
	uint8_t reserved0[2];
	int32_t target_netns_fd;  /* with VXOFF_TUNNEL_F_NETNS_FD */
	uint32_t fdb_count;	  /* entries in fdb */
	const char *underlay;	  /* name, resolved in the context's namespace; borrowed */
	const char *target_netns; /* name under /run/netns; borrowed */
	const struct vxoff_fdb_entry *fdb;	/* fdb_count entries of fdb_entry_sz bytes */
	const struct vxoff_tunnel_addr *addrs;	/* addr_count entries of addr_entry_sz bytes */
	uint32_t fdb_entry_sz;	  /* sizeof(struct vxoff_fdb_entry) as the caller knows it */
	uint32_t addr_count;
	uint32_t addr_entry_sz;
	uint32_t reserved1;
};
#define VXOFF_TUNNEL_OPTS_SZ_0_1 208u

/* Flags of vxoff_fdb_add(). */
#define VXOFF_FDB_ADD_APPEND (1u << 0) /* add another remote to the flood list (all-zero MAC) */
#define VXOFF_FDB_ADD_REPLACE (1u << 1) /* rewrite an existing unicast entry */

/* struct vxoff_tunnel_info - identity of a device read back; options via
 * vxoff_tunnel_opts_get(). */
struct vxoff_tunnel_info {
	uint32_t sz;
	uint32_t ifindex;
	uint32_t mtu;
	uint32_t flags;		   /* IFF_* (IFF_UP ...) */
	uint32_t unknown_attrs;	   /* IFLA_VXLAN_* attributes newer than this library */
	uint32_t reserved0;
	const char *name;	   /* owned by the tunnel object */
	const char *mac;	   /* "aa:bb:cc:dd:ee:ff"; owned by the tunnel object */
};

/**
 * vxoff_tunnel_create() - create a VXLAN device as one transaction: the device, its FDB
 * entries, its addresses, then up; verified by reading every requested option back.
 * @ctx:  context; the device is created in its namespace (the underlay is looked up there).
 * @name: interface name, 1 to 15 bytes, no '/' or whitespace; borrowed.
 * @opts: the options; .set must hold VXOFF_TUN_PORT (no silent 8472).
 * @ret:  NULL, or on success the device as read back, for vxoff_tunnel_free().
 *
 * Bad options are found before any kernel call. If a step fails, every step done so far is
 * undone, and the error names the step, the option and the kernel's extended-ack message. An
 * option the kernel ignored or changed is an error (a documented adjustment is a warning).
 *
 * Return: 0, -EINVAL (a bad option; the message names it), -E2BIG (unknown struct bytes),
 * -EEXIST (name, or VNI and port, taken), -ENODEV (no such underlay), -EPERM (needs
 * CAP_NET_ADMIN), -EOPNOTSUPP (this kernel lacks an option asked for), or a kernel errno.
 * Since: 0.1
 */
VXOFF_API int vxoff_tunnel_create(struct vxoff_ctx *ctx, const char *name,
				  const struct vxoff_tunnel_opts *opts, struct vxoff_tunnel **ret);

/**
 * vxoff_tunnel_change() - change options of a live device, verified by reading it back.
 * @ctx:  context.
 * @name: the device; borrowed.
 * @opts: only options the kernel can change on a live device (VXOFF_TUN_TTL, TOS, DF,
 *        LABEL, LABEL_POLICY, LEARNING, AGEING, REMOTE/GROUP/LOCAL of the same family,
 *        UNDERLAY, LOCALBYPASS, MC_ROUTE, MTU, MAC, UP); FDB entries and addresses are added.
 * @ret:  NULL, or on success the device as read back.
 *
 * Return: 0, -EINVAL (a create-only option: the message names it and says to use
 * vxoff_tunnel_replace()), -ENODEV, -EPERM, or a kernel errno.
 * Since: 0.1
 */
VXOFF_API int vxoff_tunnel_change(struct vxoff_ctx *ctx, const char *name,
				  const struct vxoff_tunnel_opts *opts, struct vxoff_tunnel **ret);

/**
 * vxoff_tunnel_replace() - delete and re-create a device with new options, keeping its FDB
 * entries and addresses; if re-creation fails, the old device is restored.
 * Return: as vxoff_tunnel_create(), plus -ENODEV when @name does not exist.
 * Since: 0.1
 */
VXOFF_API int vxoff_tunnel_replace(struct vxoff_ctx *ctx, const char *name,
				   const struct vxoff_tunnel_opts *opts, struct vxoff_tunnel **ret);

/**
 * vxoff_tunnel_delete() - delete one VXLAN device.
 * Return: 0, -ENODEV, -EINVAL (@name is not a VXLAN device), -EPERM, or a kernel errno.
 * Since: 0.1
 */
VXOFF_API int vxoff_tunnel_delete(struct vxoff_ctx *ctx, const char *name);

/**
 * vxoff_tunnel_delete_many() - delete many VXLAN devices in one kernel unregister batch.
 * @ctx:   context.
 * @names: @count device names; borrowed.
 * @count: number of names.
 *
 * The devices are moved into a device group no other device of the namespace uses and the
 * group is deleted at once, which is far faster than one delete each. Every name is checked
 * to be a VXLAN device first; on failure nothing is deleted and group changes are undone.
 *
 * Return: the number deleted (= @count), -ENODEV (a name does not exist; named), -EINVAL,
 * -EPERM, or a kernel errno.
 * Since: 0.1
 */
VXOFF_API int vxoff_tunnel_delete_many(struct vxoff_ctx *ctx, const char *const *names,
				       uint32_t count);

/**
 * vxoff_tunnel_get() - read one VXLAN device back.
 * @ret: on success the device, for vxoff_tunnel_free().
 * Return: 0, -ENODEV, -EINVAL (not a VXLAN device), or a kernel errno.
 * Since: 0.1
 */
VXOFF_API int vxoff_tunnel_get(struct vxoff_ctx *ctx, const char *name,
			       struct vxoff_tunnel **ret);

/**
 * vxoff_tunnel_list() - every VXLAN device of the namespace, from one dump.
 * @ret: on success a list for vxoff_tunnel_list_free().
 * Return: 0 or a kernel errno.
 * Since: 0.1
 */
VXOFF_API int vxoff_tunnel_list(struct vxoff_ctx *ctx, struct vxoff_tunnel_list **ret);

/** vxoff_tunnel_list_count() - devices in @list (0 for NULL). Since: 0.1 */
VXOFF_API uint32_t vxoff_tunnel_list_count(const struct vxoff_tunnel_list *list);

/**
 * vxoff_tunnel_list_get() - one device of @list, owned by the list.
 * Return: 0, -EINVAL, -ERANGE. Since: 0.1
 */
VXOFF_API int vxoff_tunnel_list_get(const struct vxoff_tunnel_list *list, uint32_t idx,
				    const struct vxoff_tunnel **ret);

/** vxoff_tunnel_list_free() - free a list and its devices; NULL is accepted. Since: 0.1 */
VXOFF_API void vxoff_tunnel_list_free(struct vxoff_tunnel_list *list);

/** vxoff_tunnel_free() - free a device object; NULL is accepted. Since: 0.1 */
VXOFF_API void vxoff_tunnel_free(struct vxoff_tunnel *t);

/**
 * vxoff_tunnel_info_get() - name, index, MTU, flags of a device read back.
 * @out: caller struct with .sz set; strings owned by @t.
 * Return: 0, -EINVAL. Since: 0.1
 */
VXOFF_API int vxoff_tunnel_info_get(const struct vxoff_tunnel *t, struct vxoff_tunnel_info *out);

/**
 * vxoff_tunnel_opts_get() - the options the kernel reports for @t, as an opts struct: .set
 * holds a bit for each option the kernel reported (the dump always carries most of them).
 * @out: caller struct with .sz set; its pointers (underlay name, fdb, addrs) are NULL.
 * Return: 0, -EINVAL. Since: 0.1
 */
VXOFF_API int vxoff_tunnel_opts_get(const struct vxoff_tunnel *t, struct vxoff_tunnel_opts *out);

/**
 * vxoff_tunnel_json() - @t as a JSON object (docs/tunnel-json.md); heap string for
 * vxoff_free(). Return: 0, -EINVAL, -ENOMEM. Since: 0.1
 */
VXOFF_API int vxoff_tunnel_json(const struct vxoff_tunnel *t, uint32_t flags, char **ret);

/**
 * vxoff_tunnel_list_json() - {"schema": "vxoff-tunnel/1", "tunnels": [...]}; for vxoff_free().
 * Return: 0, -EINVAL, -ENOMEM. Since: 0.1
 */
VXOFF_API int vxoff_tunnel_list_json(const struct vxoff_tunnel_list *list, uint32_t flags,
				     char **ret);

/**
 * vxoff_tun_option_name() - iproute2's keyword of a VXOFF_TUN_* option ("id", "dstport").
 * Return: a static string, NULL for an unknown id. Since: 0.1
 */
VXOFF_API const char *vxoff_tun_option_name(uint32_t id);

/**
 * vxoff_fdb_add() - add an FDB entry (or a flood-list remote) to a VXLAN device.
 * @dev:   the VXLAN device; borrowed.
 * @entry: struct with .sz set.
 * @flags: VXOFF_FDB_ADD_*.
 * Return: 0, -EINVAL, -ENODEV, -EEXIST (entry exists without APPEND/REPLACE), -EPERM, or a
 * kernel errno. Since: 0.1
 */
VXOFF_API int vxoff_fdb_add(struct vxoff_ctx *ctx, const char *dev,
			    const struct vxoff_fdb_entry *entry, uint32_t flags);

/**
 * vxoff_fdb_del() - delete an FDB entry: the remote matching dst (and vni/port/ifindex when
 * flagged), or the whole MAC entry when dst_family is 0.
 * Return: 0, -EINVAL, -ENODEV, -ENOENT (no such entry), -EPERM, or a kernel errno.
 * Since: 0.1
 */
VXOFF_API int vxoff_fdb_del(struct vxoff_ctx *ctx, const char *dev,
			    const struct vxoff_fdb_entry *entry);

/**
 * vxoff_fdb_list() - the FDB entries of a VXLAN device (one dump).
 * @ret:   on success a heap array of *count entries for vxoff_free().
 * @count: number of entries.
 * Return: 0, -EINVAL, -ENODEV, or a kernel errno. Since: 0.1
 */
VXOFF_API int vxoff_fdb_list(struct vxoff_ctx *ctx, const char *dev,
			     struct vxoff_fdb_entry **ret, uint32_t *count);

/**
 * vxoff_tunnel_addr_add() - add an overlay address to a device.
 * Return: 0, -EINVAL, -ENODEV, -EEXIST, -EPERM, or a kernel errno. Since: 0.1
 */
VXOFF_API int vxoff_tunnel_addr_add(struct vxoff_ctx *ctx, const char *dev,
				    const struct vxoff_tunnel_addr *addr);

/**
 * vxoff_tunnel_addr_del() - delete an overlay address from a device.
 * Return: 0, -EINVAL, -ENODEV, -EADDRNOTAVAIL, -EPERM, or a kernel errno. Since: 0.1
 */
VXOFF_API int vxoff_tunnel_addr_del(struct vxoff_ctx *ctx, const char *dev,
				    const struct vxoff_tunnel_addr *addr);

#ifdef __cplusplus
}
#endif

#endif /* VXOFF_TUNNEL_H */

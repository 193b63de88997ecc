/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * vxoff/tune.h - steering and affinity: read every knob, plan a profile as a diff, apply it
 * as a transaction verified by reading back, and restore exactly from a snapshot file.
 *
 * A knob is (kind, device, index, key) with its value as canonical text: "4", "on",
 * "0-3,8" (CPU lists), "sdfn" (hash fields). Text keeps snapshots and plans generic and
 * lets FFI callers handle every kind alike. Sysfs and procfs come from the context's roots
 * (vxoff_ctx_opts.sysfs_root/procfs_root), so tests run on a fake tree.
 */
#ifndef VXOFF_TUNE_H
#define VXOFF_TUNE_H

#include <stddef.h>
#include <stdint.h>

#include <vxoff/common.h>

#ifdef __cplusplus
extern "C" {
#endif

struct vxoff_tune_state; /* knob values read from the system */
struct vxoff_tune_plan;	 /* changes: current value -> target, each with its reason */
struct vxoff_topology;	 /* CPUs and NUMA nodes */

/* Knob kinds (append-only). The comment gives key, index and value. */
#define VXOFF_KNOB_CHANNELS 1u	    /* key rx|tx|combined|other; count */
#define VXOFF_KNOB_RING 2u	    /* key rx|rx-mini|rx-jumbo|tx; entries */
#define VXOFF_KNOB_COALESCE 3u	    /* key as ethtool ("rx-usecs", "adaptive-rx"); n or on|off */
#define VXOFF_KNOB_FEATURE 4u	    /* key as ethtool -k ("rx-gro", "rx-gro-hw"); on|off */
#define VXOFF_KNOB_MTU 5u	    /* bytes (intrusive: plans need VXOFF_TUNE_ALLOW_MTU) */
#define VXOFF_KNOB_LINK_SIZE 6u	    /* key gso_max_size|gro_max_size|gso_ipv4_max_size|... */
#define VXOFF_KNOB_RSS_INDIR 7u	    /* queue per entry, space-separated */
#define VXOFF_KNOB_RSS_KEY 8u	    /* hex bytes "6d:5a:..." */
#define VXOFF_KNOB_RXFH_FIELDS 9u   /* key tcp4|udp4|tcp6|udp6; ethtool letters "sdfn" */
#define VXOFF_KNOB_IRQ_AFFINITY 10u /* index IRQ number, key the queue ("rx-0"); cpulist */
#define VXOFF_KNOB_RPS_CPUS 11u	    /* index rx queue; cpulist, "" = off */
#define VXOFF_KNOB_RPS_FLOW_CNT 12u /* index rx queue; count */
#define VXOFF_KNOB_XPS_CPUS 13u	    /* index tx queue; cpulist, "" = none */
#define VXOFF_KNOB_XPS_RXQS 14u	    /* index tx queue; list of rx queues */
#define VXOFF_KNOB_THREADED 15u	    /* device-wide threaded NAPI; 0|1 */
#define VXOFF_KNOB_NAPI_THREADED 16u /* index NAPI id (netdev netlink, 6.13+); 0|1 */
#define VXOFF_KNOB_GRO_FLUSH_TIMEOUT 17u /* index -1 device (sysfs) or NAPI id; nanoseconds */
#define VXOFF_KNOB_DEFER_HARD_IRQS 18u	 /* index -1 device (sysfs) or NAPI id; count */
#define VXOFF_KNOB_SYSCTL 19u	    /* key "net.ipv4.tcp_rmem"; only per-namespace sysctls */
#define VXOFF_KNOB_TUNNEL_PORT 20u  /* read-only: key "vxlan"; ports in the NIC's table */
#define VXOFF_KNOB_CHANNELS_MAX 21u /* read-only: key as CHANNELS; the device's maximum */
#define VXOFF_KNOB_RING_MAX 22u	    /* read-only: key as RING */
#define VXOFF_KNOB_KIND_COUNT 23u

/* Knob flags. */
#define VXOFF_KNOB_F_READONLY (1u << 0)	   /* reported, never written */
#define VXOFF_KNOB_F_UNSUPPORTED (1u << 1) /* the device cannot: value says why */
#define VXOFF_KNOB_F_FIXED (1u << 2)	   /* a feature the device cannot change */

struct vxoff_knob {
	uint32_t sz;
	uint32_t kind;		/* VXOFF_KNOB_* */
	int32_t index;		/* queue, IRQ or NAPI id; -1 = the device (or namespace) */
	uint32_t flags;		/* VXOFF_KNOB_F_* */
	const char *dev;	/* interface; NULL for a namespace sysctl */
	const char *key;	/* NULL where the kind has none */
	const char *value;	/* canonical text */
};
#define VXOFF_KNOB_SZ_0_1 40u

/**
 * vxoff_knob_kind_name() - "channels", "rps_cpus", ...; "unknown" otherwise. Since: 0.1
 */
VXOFF_API const char *vxoff_knob_kind_name(uint32_t kind);

/**
 * vxoff_knob_stage() - where a kind goes in the apply and restore order: 0 channels,
 * 1 link, rings, coalescing and features, 2 RSS, 3 IRQ affinity, 4 RPS/RFS/XPS, 5 NAPI,
 * 6 sysctls. Return: the stage, or -EINVAL for an unknown kind. Since: 0.1
 */
VXOFF_API int vxoff_knob_stage(uint32_t kind);

#define VXOFF_TUNE_READ_F_SYSCTLS (1u << 0) /* also the namespace's sysctls */

/**
 * vxoff_tune_read() - every knob of a device as it is now (tune show).
 * @ctx:   context.
 * @dev:   interface name; borrowed.
 * @flags: VXOFF_TUNE_READ_F_*.
 * @ret:   on success the state, for vxoff_tune_state_free().
 *
 * A kind the device cannot do appears once, flagged VXOFF_KNOB_F_UNSUPPORTED, its value the
 * reason ("veth has no IRQs"); it is never left out silently nor invented.
 * Return: 0, -EINVAL, -ENODEV, -ENOMEM, or a kernel errno.
 * Since: 0.1
 */
VXOFF_API int vxoff_tune_read(struct vxoff_ctx *ctx, const char *dev, uint32_t flags,
			      struct vxoff_tune_state **ret);

/** vxoff_tune_state_count() - knobs in @st (0 for NULL). Since: 0.1 */
VXOFF_API uint32_t vxoff_tune_state_count(const struct vxoff_tune_state *st);

/** vxoff_tune_state_get() - one knob; strings owned by @st. Return: 0, -EINVAL, -ERANGE.
 * Since: 0.1 */
VXOFF_API int vxoff_tune_state_get(const struct vxoff_tune_state *st, uint32_t idx,
				   struct vxoff_knob *out);

/**
 * vxoff_tune_state_find() - the knob matching kind, dev, index and key of @id.
 * Return: 0, -EINVAL, -ENOENT. Since: 0.1
 */
VXOFF_API int vxoff_tune_state_find(const struct vxoff_tune_state *st,
				    const struct vxoff_knob *id, struct vxoff_knob *out);

/** vxoff_tune_state_json() - {"schema":"vxoff-tune-state/1", ...}; heap string for
 * vxoff_free(). Return: 0, -EINVAL, -ENOMEM. Since: 0.1 */
VXOFF_API int vxoff_tune_state_json(const struct vxoff_tune_state *st, uint32_t flags,
				    char **ret);

/** vxoff_tune_state_free() - NULL is accepted. Since: 0.1 */
VXOFF_API void vxoff_tune_state_free(struct vxoff_tune_state *st);

/**
 * vxoff_tune_set() - write one knob and read it back.
 * @knob: kind, dev, index, key and the value to write; borrowed.
 *
 * Return: 0; -EIO when the value read back differs (the message gives the value in effect);
 * -EINVAL (bad value, read-only kind), -ENODEV, -EOPNOTSUPP (the device cannot), -EPERM, or
 * a kernel errno. Nothing else is changed.
 * Since: 0.1
 */
VXOFF_API int vxoff_tune_set(struct vxoff_ctx *ctx, const struct vxoff_knob *knob);

/* ---- plans ---- */

#define VXOFF_PROFILE_SINGLE_STREAM 1u /* IRQ and app apart on one node, GRO, jumbo MTU */
#define VXOFF_PROFILE_MANY_FLOW 2u     /* channels = cores, UDP RSS, IRQ and XPS 1:1 */
#define VXOFF_PROFILE_LATENCY 3u       /* low coalescing, busy polling */

/** vxoff_profile_name() - "single-stream", ...; NULL for an unknown id. Since: 0.1 */
VXOFF_API const char *vxoff_profile_name(uint32_t profile);

/** vxoff_profile_from_name() - the id of a profile name. Return: 0, -EINVAL (unknown).
 * Since: 0.1 */
VXOFF_API int vxoff_profile_from_name(const char *name, uint32_t *ret);

#define VXOFF_TUNE_ALLOW_MTU (1u << 0)	    /* the plan may change MTUs */
#define VXOFF_TUNE_ALLOW_CHANNELS (1u << 1) /* the plan may change channel counts */

struct vxoff_tune_plan_opts {
	uint32_t sz;
	uint32_t flags;		  /* VXOFF_TUNE_ALLOW_* */
	uint32_t profile;	  /* VXOFF_PROFILE_* */
	uint32_t underlay_mtu;	  /* MTU the whole underlay path carries (ALLOW_MTU); 0 = keep */
	const char *app_cpus;	  /* cpulist of the application; NULL = the plan picks */
	const char *overlay;	  /* VXLAN device on @dev to tune too; NULL = every one on it */
};
#define VXOFF_TUNE_PLAN_OPTS_SZ_0_1 32u

/**
 * vxoff_tune_plan_new() - turn a profile and the device's probe into a plan. Changes nothing.
 * @ctx:  context.
 * @dev:  the underlay (the device the traffic arrives on); borrowed.
 * @opts: profile and CPUs; required.
 * @ret:  on success the plan, for vxoff_tune_plan_free(); items already at their target are
 *        left out.
 * Return: 0, -EINVAL (unknown profile; app_cpus offline or out of range: named), -ENODEV,
 * -ENOMEM, or a kernel errno.
 * Since: 0.1
 */
VXOFF_API int vxoff_tune_plan_new(struct vxoff_ctx *ctx, const char *dev,
				  const struct vxoff_tune_plan_opts *opts,
				  struct vxoff_tune_plan **ret);

/** vxoff_tune_plan_empty() - a plan with no items, to fill with vxoff_tune_plan_add().
 * Return: 0, -EINVAL, -ENOMEM. Since: 0.1 */
VXOFF_API int vxoff_tune_plan_empty(struct vxoff_tune_plan **ret);

/**
 * vxoff_tune_plan_add() - add (or replace) the item for @target's knob.
 * @target: the knob and its target value; copied.
 * @reason: why, in words; copied; NULL = "".
 * Return: 0, -EINVAL (read-only or unknown kind), -ENOMEM. Since: 0.1
 */
VXOFF_API int vxoff_tune_plan_add(struct vxoff_tune_plan *plan, const struct vxoff_knob *target,
				  const char *reason);

struct vxoff_plan_item {
	uint32_t sz;
	uint32_t kind;
	int32_t index;
	uint32_t flags;		/* VXOFF_PLAN_F_* */
	const char *dev;	/* strings owned by the plan */
	const char *key;
	const char *current;	/* value when planned; NULL if not known (a loaded plan) */
	const char *target;
	const char *reason;	/* why, in words */
	const char *gain;	/* what it is expected to win */
};
#define VXOFF_PLAN_ITEM_SZ_0_1 64u

#define VXOFF_PLAN_F_ADVICE (1u << 0) /* cannot be applied by tune (e.g. recreate the tunnel
				       * with dstport 4789): shown, skipped by apply */

/** vxoff_tune_plan_count() - items in @plan (0 for NULL). Since: 0.1 */
VXOFF_API uint32_t vxoff_tune_plan_count(const struct vxoff_tune_plan *plan);

/** vxoff_tune_plan_item() - one item, in apply order. Return: 0, -EINVAL, -ERANGE.
 * Since: 0.1 */
VXOFF_API int vxoff_tune_plan_item(const struct vxoff_tune_plan *plan, uint32_t idx,
				   struct vxoff_plan_item *out);

/** vxoff_tune_plan_json() - {"schema":"vxoff-tune-plan/1","items":[...]}; heap string for
 * vxoff_free(). Return: 0, -EINVAL, -ENOMEM. Since: 0.1 */
VXOFF_API int vxoff_tune_plan_json(const struct vxoff_tune_plan *plan, uint32_t flags,
				   char **ret);

/**
 * vxoff_tune_plan_load() - read a plan written by vxoff_tune_plan_json() from @path.
 * Return: 0, -ENOENT, -EINVAL (malformed: the message names the member; VXOFF_REASON_STATE
 * for a newer schema), -ENOMEM. Since: 0.1
 */
VXOFF_API int vxoff_tune_plan_load(struct vxoff_ctx *ctx, const char *path,
				   struct vxoff_tune_plan **ret);

/** vxoff_tune_plan_free() - NULL is accepted. Since: 0.1 */
VXOFF_API void vxoff_tune_plan_free(struct vxoff_tune_plan *plan);

/* ---- apply and restore ---- */

#define VXOFF_TUNE_APPLY_F_OVERWRITE (1u << 0) /* replace an existing snapshot file */

/**
 * vxoff_tune_apply() - apply @plan as one transaction.
 * @ctx:      context: the namespace of the plan's devices.
 * @plan:     the plan; advice items are skipped.
 * @snapshot: path of the snapshot file: before the first change, every value the plan
 *            touches is saved there (versioned JSON, written to a temporary file, synced,
 *            renamed), so vxoff_tune_restore() works from the file alone.
 * @flags:    VXOFF_TUNE_APPLY_F_*.
 *
 * Items are applied stage by stage (vxoff_knob_stage()), each read back. If one fails, every
 * earlier one is undone in reverse order, the snapshot file is removed and the error names
 * the knob. After a channel change, the queue-to-IRQ map is read again before IRQ affinity
 * is written.
 *
 * Return: 0; -EEXIST (@snapshot exists, no OVERWRITE); the failing knob's errno (-EIO: read
 * back differs); -ENOTRECOVERABLE when the rollback itself failed (the snapshot is kept:
 * restore from it).
 * Since: 0.1
 */
VXOFF_API int vxoff_tune_apply(struct vxoff_ctx *ctx, const struct vxoff_tune_plan *plan,
			       const char *snapshot, uint32_t flags);

#define VXOFF_TUNE_RESTORE_F_REMOVE (1u << 0) /* delete the snapshot after a full restore */
#define VXOFF_TUNE_RESTORE_F_DRY_RUN (1u << 1) /* check and compare only, write nothing */

/**
 * vxoff_tune_restore() - put back every value saved in @snapshot, in the safe order
 * (channels, link/rings/coalescing, RSS, IRQ affinity, XPS/RPS/RFS, NAPI, features, sysctls),
 * each read back. Idempotent: values already in place are not written.
 * @ret_changed: NULL, or the number of knobs written.
 *
 * Return: 0; -EINVAL with VXOFF_REASON_STATE (truncated or malformed file, a newer schema, a
 * device that is not the one saved: named), -ENOENT, or the errno of the first knob that
 * could not be restored (the others are still tried).
 * Since: 0.1
 */
VXOFF_API int vxoff_tune_restore(struct vxoff_ctx *ctx, const char *snapshot, uint32_t flags,
				 uint32_t *ret_changed);

/* ---- CPUs ---- */

struct vxoff_cpu_info {
	uint32_t sz;
	uint32_t cpu;
	uint32_t online;	/* 0 or 1 */
	int32_t node;		/* NUMA node, -1 = unknown */
	int32_t core;		/* core_id, -1 = unknown */
	int32_t package;	/* physical_package_id, -1 = unknown */
};
#define VXOFF_CPU_INFO_SZ_0_1 24u

/**
 * vxoff_topology_read() - CPUs and nodes from the context's sysfs root.
 * @ret: on success the topology, for vxoff_topology_free().
 * Return: 0, -ENOENT (no cpu directory), -EPROTO (a malformed file, named), -ENOMEM.
 * Since: 0.1
 */
VXOFF_API int vxoff_topology_read(struct vxoff_ctx *ctx, struct vxoff_topology **ret);

/** vxoff_topology_cpu_count() - possible CPUs (0 for NULL). Since: 0.1 */
VXOFF_API uint32_t vxoff_topology_cpu_count(const struct vxoff_topology *topo);

/** vxoff_topology_cpu() - one CPU by index. Return: 0, -EINVAL, -ERANGE. Since: 0.1 */
VXOFF_API int vxoff_topology_cpu(const struct vxoff_topology *topo, uint32_t idx,
				 struct vxoff_cpu_info *out);

/** vxoff_topology_online() - online CPUs as a cpulist, owned by @topo. Since: 0.1 */
VXOFF_API const char *vxoff_topology_online(const struct vxoff_topology *topo);

/** vxoff_topology_node_cpus() - CPUs of a NUMA node as a cpulist, owned by @topo.
 * Return: 0, -EINVAL, -ENOENT. Since: 0.1 */
VXOFF_API int vxoff_topology_node_cpus(const struct vxoff_topology *topo, uint32_t node,
				       const char **ret);

/** vxoff_topology_free() - NULL is accepted. Since: 0.1 */
VXOFF_API void vxoff_topology_free(struct vxoff_topology *topo);

/**
 * vxoff_device_numa_node() - the NUMA node of a device (sysfs device/numa_node).
 * @ret: the node, -1 when the device has none (virtual devices, one-node machines).
 * Return: 0, -ENODEV, -EINVAL. Since: 0.1
 */
VXOFF_API int vxoff_device_numa_node(struct vxoff_ctx *ctx, const char *dev, int32_t *ret);

/**
 * vxoff_cpulist_to_mask() - "0,32-39" to the sysfs hex mask "ff,00000001" (32-bit groups).
 * Accepts ranges, strides ("0-15:2"), spaces and a trailing newline. Context-free.
 * @ret: heap string for vxoff_free().
 * Return: 0, -EINVAL (malformed: @list), -ERANGE (a CPU >= 65536), -ENOMEM. Since: 0.1
 */
VXOFF_API int vxoff_cpulist_to_mask(const char *list, char **ret);

/**
 * vxoff_mask_to_cpulist() - a sysfs hex mask ("ff,00000001" or "0x3") to "0,32-39".
 * @ret: heap string for vxoff_free(); "" for an empty mask.
 * Return: 0, -EINVAL, -ERANGE, -ENOMEM. Since: 0.1
 */
VXOFF_API int vxoff_mask_to_cpulist(const char *mask, char **ret);

/**
 * vxoff_cpulist_normalize() - canonical form of a cpulist ("3,0-1,2" -> "0-3").
 * Return: 0, -EINVAL, -ERANGE, -ENOMEM. Since: 0.1
 */
VXOFF_API int vxoff_cpulist_normalize(const char *list, char **ret);

#ifdef __cplusplus
}
#endif

#endif /* VXOFF_TUNE_H */

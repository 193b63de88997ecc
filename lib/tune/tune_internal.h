/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * Internals of the tune capability, shared by its files only.
 *
 * Files and what they own:
 *   knob.c      the knob table (names, stages, read-only kinds), state object, public getters
 *   read.c      vxoff_tune_read(): every knob of a device (reads through the public probe
 *               API, sysfs and procfs of the context's roots)
 *   write_nl.c  writers over ethtool netlink / rtnetlink / the ethtool ioctl: channels, rings,
 *               coalescing, features, RSS, hash fields, MTU and GSO/GRO sizes
 *   write_fs.c  writers over sysfs/procfs: IRQ affinity, RPS/RFS, XPS, threaded, NAPI
 *               (sysfs and netdev netlink napi-set), per-namespace sysctls
 *   topology.c  CPUs, nodes, device NUMA node, public cpulist/mask functions
 *   plan.c      profiles -> plans, plan objects, plan JSON load/save
 *   snapshot.c  snapshot file: write atomically, load, validate
 *   apply.c     vxoff_tune_apply() / vxoff_tune_restore(): order, read-back, rollback
 */
#ifndef VXOFF_LIB_TUNE_INTERNAL_H
#define VXOFF_LIB_TUNE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vxoff/tune.h>

#include "netlink/core.h"

/* A knob with owned strings. dev NULL = the namespace (sysctls). */
struct vxoff__knob {
	uint32_t kind;
	int32_t index;
	uint32_t flags;
	uint32_t reserved0;
	char *dev;
	char *key;
	char *value;
};

void vxoff__knob_clear(struct vxoff__knob *k);		/* frees the strings */
int vxoff__knob_copy(struct vxoff__knob *dst, const struct vxoff__knob *src); /* -ENOMEM */
/* Same kind, dev, key and index (IRQ affinity: same key, the IRQ number may differ). */
bool vxoff__knob_same(const struct vxoff__knob *a, const struct vxoff__knob *b);
/* Values equal in meaning: cpulists and masks compared as sets, "on"/"1"... per kind. */
bool vxoff__knob_value_eq(uint32_t kind, const char *a, const char *b);
/* "rps_cpus dev veth0 rx-0" style name for messages; never NULL (static fallback). */
const char *vxoff__knob_describe(const struct vxoff__knob *k, char *buf, size_t cap);

struct vxoff_tune_state {
	struct vxoff__knob *knobs;
	uint32_t count;
	uint32_t cap;
};

/* Append a copy; -ENOMEM. */
int vxoff__tune_state_add(struct vxoff_tune_state *st, uint32_t kind, const char *dev,
			  int32_t index, const char *key, const char *value, uint32_t flags);
struct vxoff__knob *vxoff__tune_state_lookup(struct vxoff_tune_state *st,
					     const struct vxoff__knob *id);

/* read.c: every knob of dev into st (appends). */
int vxoff__tune_read_dev(struct vxoff_ctx *ctx, const char *dev, uint32_t flags,
			 struct vxoff_tune_state *st);
/* Read one knob now; *value heap. IRQ affinity: the IRQ is found again from the key. */
int vxoff__knob_read(struct vxoff_ctx *ctx, const struct vxoff__knob *id, char **value);

/*
 * Write one knob (k->value) and read it back. -EIO when the value read back differs: the
 * message gives the value in effect. Dispatches to write_nl.c or write_fs.c by kind.
 */
int vxoff__knob_write(struct vxoff_ctx *ctx, const struct vxoff__knob *k);
int vxoff__knob_write_nl(struct vxoff_ctx *ctx, const struct vxoff__knob *k);
int vxoff__knob_write_fs(struct vxoff_ctx *ctx, const struct vxoff__knob *k);

/* IRQ of a device queue named key ("rx-0", "tx-1", "combined-2"): from netdev netlink (the
 * queue's NAPI's irq) or /proc/interrupts; -ENOENT when the queue has none. */
int vxoff__queue_irq(struct vxoff_ctx *ctx, const char *dev, const char *key, uint32_t *irq);

/* Test seam: the nth knob write (1-based) of this apply or restore fails with -EIO before
 * touching anything; 0 = never. Used by the fault-injection tests only. */
int vxoff__tune_apply_ex(struct vxoff_ctx *ctx, const struct vxoff_tune_plan *plan,
			 const char *snapshot, uint32_t flags, uint32_t fail_write_nth);

/* ---- plan.c, snapshot.c, apply.c (helper TP) ---- */

struct vxoff__plan_item {
	struct vxoff__knob k;	/* the knob; k.value is the target */
	char *current;		/* value when planned; NULL = unknown (loaded plan, new queue) */
	char *reason;
	char *gain;
	uint32_t flags;		/* VXOFF_PLAN_F_* */
	uint32_t reserved0;
};

struct vxoff_tune_plan {
	struct vxoff__plan_item *items; /* in apply order: stage, then insertion */
	uint32_t count;
	uint32_t cap;
	uint32_t profile;		/* VXOFF_PROFILE_*, 0 = built by hand */
	uint32_t reserved0;
	char *dev;			/* the underlay it was planned for; NULL = by hand */
};

/* Add or replace an item (copies everything); -EINVAL for an unknown kind, -ENOMEM. */
int vxoff__plan_put(struct vxoff_tune_plan *plan, const struct vxoff__knob *target,
		    const char *current, const char *reason, const char *gain, uint32_t flags);

/* An overlay (VXLAN device) on the planned underlay. */
struct vxoff__plan_overlay {
	const char *name;
	uint32_t family;	/* AF_INET, AF_INET6, 0 = unknown (taken as IPv4) */
	uint32_t port;		/* UDP destination port, 0 = unknown */
};

/* Everything a profile needs, gathered by vxoff_tune_plan_new() or given by a unit test. */
struct vxoff__plan_input {
	const char *dev;
	const struct vxoff_tune_plan_opts *opts;
	const struct vxoff_tune_state *st;	/* knobs of dev and of the overlays */
	const struct vxoff_topology *topo;
	int32_t dev_node;			/* -1 = none */
	uint32_t max_mtu;			/* of dev; 0 = unknown */
	const struct vxoff__plan_overlay *overlays;
	uint32_t n_overlays;
};

/* The profile's plan from what is in @in; no I/O. -EINVAL names the bad input. */
int vxoff__tune_plan_build(struct vxoff_ctx *ctx, const struct vxoff__plan_input *in,
			   struct vxoff_tune_plan **ret);

/* plan.c: JSON helpers shared with snapshot.c. @type is a json_type. */
struct json_object;
/* Member @name of @o of @type; absent or null is 0 with *ret NULL when @opt. -EINVAL with
 * VXOFF_REASON_STATE naming @where and the member otherwise. */
int vxoff__json_member(struct vxoff_ctx *ctx, const char *where, struct json_object *o,
		       const char *name, int type, bool opt, struct json_object **ret);
/* "schema": "<prefix>N" with 1 <= N <= max_version; -EINVAL naming @where (newer, other). */
int vxoff__json_schema(struct vxoff_ctx *ctx, const char *where, struct json_object *root,
		       const char *prefix, int max_version);
/* The kind of a vxoff_knob_kind_name(); 0 if unknown. */
uint32_t vxoff__knob_kind_from_name(const char *name);

/* A knob saved in a snapshot that did not exist then (a queue the plan adds). */
#define VXOFF__KNOB_F_ABSENT (1u << 31)

#define VXOFF__SNAPSHOT_SCHEMA "vxoff-tune-snapshot/1"
#define VXOFF__SNAPSHOT_VERSION 1

struct vxoff__snapshot {
	char *device;		/* the underlay: the file names it */
	char *netns;		/* NULL = the caller's namespace */
	char *kernel;		/* uname release when saved */
	char *time;		/* UTC, ISO 8601 */
	int64_t ifindex;	/* of device when saved; 0 = unknown */
	struct vxoff_tune_state st; /* values before the change, in apply order */
};

void vxoff__snapshot_clear(struct vxoff__snapshot *s);
/* Write atomically (temp file in the same directory, fsync, rename or link, fsync of the
 * directory). -EEXIST when @path exists and !overwrite. */
int vxoff__snapshot_write(struct vxoff_ctx *ctx, const char *path,
			  const struct vxoff__snapshot *s, bool overwrite);
/* Load and validate; @expect_dev / @expect_ns NULL = not checked. -ENOENT, -EINVAL with
 * VXOFF_REASON_STATE naming the file and the reason. */
int vxoff__snapshot_load(struct vxoff_ctx *ctx, const char *path, const char *expect_dev,
			 const char *expect_ns, struct vxoff__snapshot *s);
/* Remove the file and sync its directory. */
int vxoff__snapshot_remove(struct vxoff_ctx *ctx, const char *path);

/* vxoff_tune_restore() with the fail_write_nth seam (as vxoff__tune_apply_ex). */
int vxoff__tune_restore_ex(struct vxoff_ctx *ctx, const char *snapshot, uint32_t flags,
			   uint32_t *ret_changed, uint32_t fail_write_nth);

/* ---- topology.c: CPU sets (helpers of every file that handles CPU lists) ---- */

/* CPU numbers below this are accepted in lists and masks (as vxoff_cpulist_to_mask). */
#define VXOFF__CPU_LIMIT 65536u
/* Cpulists are parsed and printed by the core (vxoff__cpulist_parse_ex, vxoff__cpulist_format). */
/* A hex mask ("ff,00000001", "0x3") into bits. -EINVAL, -ERANGE. */
int vxoff__mask_parse(const char *mask, uint64_t *bits, uint32_t nbits);
/* Canonical mask ("0" when empty) of bits; heap, NULL = ENOMEM. */
char *vxoff__mask_format(const uint64_t *bits, uint32_t nbits);
/* vxoff_topology_read() without the enter/leave bracket (for callers inside the library). */
int vxoff__topology_read(struct vxoff_ctx *ctx, struct vxoff_topology **ret);
uint32_t vxoff__topology_node_count(const struct vxoff_topology *topo);
/* -EINVAL (REASON_ARG) naming the first CPU of list that is offline or out of range, or a
 * malformed list; what names the input ("--app-cpus"). */
int vxoff__cpus_check(struct vxoff_ctx *ctx, const struct vxoff_topology *topo, const char *list,
		      const char *what);
/* vxoff__cpus_check() against the possible and online CPUs read now (two files); 0 when
 * there is no CPU directory to judge by. */
int vxoff__cpus_check_online(struct vxoff_ctx *ctx, const char *list, const char *what);
/* vxoff_device_numa_node() without the bracket. */
int vxoff__device_numa_node(struct vxoff_ctx *ctx, const char *dev, int32_t *ret);

/* ---- read.c / write_fs.c / write_nl.c shared helpers ---- */

struct vxoff_devinfo;
/* vxoff_probe_device() from inside a tune call (the context is entered: the probe's own
 * bracket would refuse). items: (1 << VXOFF_ITEM_*). The probe's error stays the last one. */
int vxoff__tune_probe(struct vxoff_ctx *ctx, const char *dev, uint32_t items,
		      struct vxoff_devinfo **ret);
/* A file knob (RPS/XPS, threaded, NAPI, IRQ affinity, sysctl) read now; *value heap. */
int vxoff__knob_read_fs(struct vxoff_ctx *ctx, const struct vxoff__knob *k, char **value);
/* A netlink knob read now from a probe of its device; *value heap. */
int vxoff__knob_read_nl(struct vxoff_ctx *ctx, const struct vxoff__knob *k, char **value);
/* True for a sysctl that a network namespace owns (writable per namespace). */
bool vxoff__sysctl_is_netns(const char *name);
/* NAPI ids of a device (netdev NAPI_GET dump); *ids heap. -EOPNOTSUPP before 6.8. */
int vxoff__napi_list(struct vxoff_ctx *ctx, const char *dev, uint32_t ifindex, uint32_t **ids,
		     uint32_t *n);
/* vxoff__queue_irq() from /proc/interrupts alone (driver naming, the device's MSI vectors). */
int vxoff__queue_irq_procfs(struct vxoff_ctx *ctx, const char *dev, const char *key,
			    uint32_t *irq);

#endif /* VXOFF_LIB_TUNE_INTERNAL_H */

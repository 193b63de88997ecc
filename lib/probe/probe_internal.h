/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/* The probe capability's internals: the result layout and the per-source fillers. */
#ifndef VXOFF_LIB_PROBE_INTERNAL_H
#define VXOFF_LIB_PROBE_INTERNAL_H

#include <net/if.h>

#include <vxoff/probe.h>

#include "netlink/core.h"

/* Outcome of one item of one device. */
struct vxoff__item {
	uint32_t cap; /* VXOFF_CAP_* */
	int err;      /* -errno behind NO/UNKNOWN */
	char *msg;    /* heap, NULL for YES */
};

/* Features the verdict reads, looked up by name once per string set, not once per device. */
enum vxoff__wk_feature {
	VXOFF__WK_TX_UDP_TNL_SEG,
	VXOFF__WK_TX_UDP_TNL_CSUM_SEG,
	VXOFF__WK_RX_CHECKSUM,
	VXOFF__WK_RX_UDP_TNL_PORT,
	VXOFF__WK_RX_GRO,
	VXOFF__WK_RX_GRO_HW,
	VXOFF__WK_COUNT,
};

/* Feature names of this kernel (ETH_SS_FEATURES), shared by every device of a probe. */
struct vxoff__strset {
	uint32_t refs;
	uint32_t count;
	char **names;
	bool wk_done;		       /* wk[] filled */
	int32_t wk[VXOFF__WK_COUNT]; /* index of each well-known feature, -1 = this kernel lacks it
				      */
};

struct vxoff__tunnel_table {
	uint32_t size;
	uint32_t types;
	uint32_t first_port; /* index into ports[] */
	uint32_t port_count;
};

struct vxoff__queue {
	struct vxoff_queue_info q; /* strings below are linked in by the accessor */
	char *rps_cpus;
	char *xps_cpus;
	char *xps_rxqs;
};

struct vxoff__reason {
	uint32_t code;
	uint32_t severity;
	uint32_t text_off; /* into vxoff_devinfo.rtext */
};

/* Reasons per device at most: the verdict adds about ten. */
#define VXOFF__MAX_REASONS 24

#define VXOFF__FEATURE_WORDS 8 /* up to 256 feature bits */

struct vxoff_devinfo {
	struct vxoff__item items[VXOFF_ITEM_COUNT];
	uint32_t asked; /* items the caller asked for (1 << VXOFF_ITEM_*) */
	/* strings of vxoff_link_info */
	char ifname[IFNAMSIZ];
	char kind[32];
	char address[3 * 32];
	char driver[32];
	char bus_info[32];
	char fw_version[32];
	struct vxoff_link_info link; /* string pointers are set by the accessor */

	struct vxoff__strset *fnames;
	uint32_t nfeatures; /* number of feature bits (SIZE of the bitsets) */
	uint32_t f_hw[VXOFF__FEATURE_WORDS];
	uint32_t f_wanted[VXOFF__FEATURE_WORDS];
	uint32_t f_active[VXOFF__FEATURE_WORDS];
	uint32_t f_nochange[VXOFF__FEATURE_WORDS];

	struct vxoff_channels channels;
	struct vxoff_rings rings;
	uint32_t coal[VXOFF_COAL_PARAM_MAX + 1];
	uint64_t coal_present; /* bit n: coal[n] reported */

	struct vxoff_rss rss; /* hfunc_name linked by the accessor */
	char hfunc_name[32];
	uint32_t *rss_indir;
	uint8_t *rss_key;

	struct vxoff__tunnel_table *tables;
	uint32_t ntables;
	struct vxoff_tunnel_port *ports;
	uint32_t nports;

	struct vxoff__queue *queues; /* RX queues first, then TX, each by id */
	uint32_t nqueues;
	struct vxoff_napi_info napi;

	uint32_t verdict;
	uint32_t checked_ifindex;
	struct vxoff__reason reasons[VXOFF__MAX_REASONS];
	uint32_t nreasons;
	char *rtext; /* every reason's text, NUL-separated: one allocation a device */
	uint32_t rtext_len;
	uint32_t rtext_cap;
};

struct vxoff_devlist {
	struct vxoff_devinfo **devs; /* sorted by ifindex */
	uint32_t count;
};

/* ---- lifecycle and helpers (probe.c) ---- */

struct vxoff_devinfo *vxoff__devinfo_new(void);
void vxoff__devinfo_free(struct vxoff_devinfo *di);
/* Find a device of a list by ifindex (NULL if absent). */
struct vxoff_devinfo *vxoff__devlist_find(const struct vxoff_devlist *l, uint32_t ifindex);
/* Record an item's outcome. For err: -EOPNOTSUPP = VXOFF_CAP_NO, other = UNKNOWN; the message
 * is taken from the context's last error (then cleared), or built from strerror. */
void vxoff__item_set(struct vxoff_ctx *ctx, struct vxoff_devinfo *di, uint32_t item, int err);
bool vxoff__item_ok(const struct vxoff_devinfo *di, uint32_t item);

void vxoff__strset_put(struct vxoff__strset *s);

/* ---- fillers: each fills its item of one device (do) or of every device of a list (dump).
 * Return 0, or -errno when the whole request failed (then the caller marks the item of every
 * device); per-device problems are recorded with vxoff__item_set() instead. ---- */

/* link.c: rtnetlink. ifname may be NULL (use ifindex). -ENODEV when absent. */
int vxoff__link_get(struct vxoff_ctx *ctx, const char *ifname, uint32_t ifindex,
		    struct vxoff_devinfo **ret);
/* Every link of the namespace; ret->devs sorted by ifindex. */
int vxoff__link_dump(struct vxoff_ctx *ctx, struct vxoff_devlist **ret);
/* Ports of every VXLAN device in the namespace (kind-filtered dump), host order, unique. */
int vxoff__vxlan_ports(struct vxoff_ctx *ctx, uint32_t **ports, uint32_t *count);

/* ethtool.c: each item, one device or all. items = the caller's item mask. */
int vxoff__ethtool_fill(struct vxoff_ctx *ctx, struct vxoff_devinfo *di, uint32_t items);
int vxoff__ethtool_fill_all(struct vxoff_ctx *ctx, struct vxoff_devlist *l, uint32_t items);
/* drvinfo by ioctl (no netlink message exists for it). */
void vxoff__drvinfo_fill(struct vxoff_ctx *ctx, struct vxoff_devinfo *di);

/* bitset.c: an ethtool bitset nest, compact or verbose, into words[nwords]; *nbits = SIZE.
 * names (may be NULL) resolves verbose bits given by name only. Return 0 or -EPROTO. */
int vxoff__bitset_parse(const struct nlattr *nest, uint32_t *words, uint32_t nwords,
			uint32_t *nbits, const struct vxoff__strset *names);
/* A string set (STRSET_GET reply) into a new strset. */
int vxoff__strset_get(struct vxoff_ctx *ctx, uint32_t set_id, struct vxoff__strset **ret);

/* netdev.c: queues and NAPIs through netdev netlink (kernel 6.8+). */
int vxoff__netdev_fill(struct vxoff_ctx *ctx, struct vxoff_devinfo *di);
int vxoff__netdev_fill_all(struct vxoff_ctx *ctx, struct vxoff_devlist *l);

/* sysfs_queues.c: RPS/XPS per queue, threaded, gro_flush_timeout, napi_defer_hard_irqs. */
int vxoff__sysfs_fill(struct vxoff_ctx *ctx, struct vxoff_devinfo **devs, uint32_t count);

/* verdict.c: the VXLAN verdict of di; underlay may be NULL (none or not probed); ports =
 * VXLAN ports in use in the namespace. */
int vxoff__verdict(struct vxoff_devinfo *di, const struct vxoff_devinfo *underlay,
		   const uint32_t *ports, uint32_t nports);

/* Feature lookups by name (NULL strset or unknown name: false). */
int vxoff__feature_index(const struct vxoff_devinfo *di, const char *name);
/* Index of a well-known feature (VXOFF__WK_*), or -ENOENT. */
int vxoff__feature_wk(const struct vxoff_devinfo *di, enum vxoff__wk_feature wk);
/* VXOFF_FEATURE_* flags of feature i (i < vxoff_devinfo_feature_count()). */
uint32_t vxoff__feature_flags(const struct vxoff_devinfo *di, uint32_t i);
/* Bit i of a feature bitset. */
bool vxoff__feature_bit(const uint32_t *words, int i);
bool vxoff__feature_has(const struct vxoff_devinfo *di, const uint32_t *words, const char *name);

#endif

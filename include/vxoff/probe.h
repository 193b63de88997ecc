/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * vxoff/probe.h - what each network device can offload, and whether it is ready for VXLAN.
 *
 * A probe returns a result object (struct vxoff_devinfo, opaque) read through accessors that
 * fill caller-allocated, size-prefixed structs. Every item of a device is tri-state: probed
 * (VXOFF_CAP_YES), not supported by this device (VXOFF_CAP_NO, the kernel said EOPNOTSUPP), or
 * unknown (VXOFF_CAP_UNKNOWN, with the errno and message that stopped us).
 */
#ifndef VXOFF_PROBE_H
#define VXOFF_PROBE_H

#include <stddef.h>
#include <stdint.h>

#include <vxoff/common.h>

#ifdef __cplusplus
extern "C" {
#endif

struct vxoff_devinfo;
struct vxoff_devlist;

/* Items of a probe (bit (1 << item) in vxoff_probe_opts.items). */
#define VXOFF_ITEM_LINK 0u	   /* rtnetlink link: name, kind, MTU, queues, GSO/GRO sizes */
#define VXOFF_ITEM_DRVINFO 1u	   /* driver, firmware, bus (SIOCETHTOOL GDRVINFO) */
#define VXOFF_ITEM_FEATURES 2u	   /* ethtool features */
#define VXOFF_ITEM_CHANNELS 3u	   /* ethtool channels */
#define VXOFF_ITEM_RINGS 4u	   /* ethtool ring sizes */
#define VXOFF_ITEM_COALESCE 5u	   /* ethtool interrupt coalescing */
#define VXOFF_ITEM_RSS 6u	   /* RSS indirection table, key, hash function, flow hash */
#define VXOFF_ITEM_TUNNEL_PORTS 7u /* UDP tunnel port tables */
#define VXOFF_ITEM_QUEUES 8u	   /* queues and NAPI instances (netdev netlink) */
#define VXOFF_ITEM_SYSFS 9u	   /* RPS/XPS masks, threaded NAPI, gro_flush_timeout (sysfs) */
#define VXOFF_ITEM_VXLAN 10u	   /* VXLAN readiness verdict (needs link and features) */
#define VXOFF_ITEM_COUNT 11u	   /* number of items this version knows */

/* Flags of vxoff_probe_opts. */
#define VXOFF_PROBE_F_NO_VERDICT_PEERS (1u << 0) /* don't probe a VXLAN device's underlay */

struct vxoff_probe_opts {
	uint32_t sz;
	uint32_t flags; /* VXOFF_PROBE_F_*; unknown bits: -EINVAL */
	uint32_t items; /* bitmask of (1 << VXOFF_ITEM_*); 0 = every item */
	uint32_t reserved0;
};
#define VXOFF_PROBE_OPTS_SZ_0_1 16u

/* struct vxoff_item_status - how one item of one device went. */
struct vxoff_item_status {
	uint32_t sz;
	uint32_t cap;	 /* VXOFF_CAP_*: YES probed, NO unsupported by the device, UNKNOWN */
	int32_t err;	 /* the -errno behind NO or UNKNOWN; 0 for YES */
	uint32_t reserved0;
	const char *msg; /* why, with the kernel's extack text; NULL for YES; owned by the devinfo */
};

/* Link flags in vxoff_link_info.present. */
#define VXOFF_LINK_HAS_MIN_MTU (1u << 0)
#define VXOFF_LINK_HAS_MAX_MTU (1u << 1)
#define VXOFF_LINK_HAS_GSO_MAX_SIZE (1u << 2)
#define VXOFF_LINK_HAS_GSO_MAX_SEGS (1u << 3)
#define VXOFF_LINK_HAS_GRO_MAX_SIZE (1u << 4)
#define VXOFF_LINK_HAS_GSO_IPV4_MAX_SIZE (1u << 5)
#define VXOFF_LINK_HAS_GRO_IPV4_MAX_SIZE (1u << 6)
#define VXOFF_LINK_HAS_TSO_MAX_SIZE (1u << 7)
#define VXOFF_LINK_HAS_TSO_MAX_SEGS (1u << 8)
#define VXOFF_LINK_HAS_QUEUES (1u << 9)
#define VXOFF_LINK_HAS_VXLAN (1u << 10) /* vxlan_* fields are set */
#define VXOFF_LINK_HAS_NETNSID (1u << 11)

/* RFC 2863 operational state, as IF_OPER_* */
#define VXOFF_OPER_UNKNOWN 0u
#define VXOFF_OPER_DOWN 2u
#define VXOFF_OPER_UP 6u

struct vxoff_link_info {
	uint32_t sz;
	uint32_t present;	    /* VXOFF_LINK_HAS_*: which optional fields the kernel reported */
	uint32_t ifindex;
	uint32_t parent_ifindex;    /* IFLA_LINK: veth peer, macvlan lower device; 0 = none */
	uint32_t underlay_ifindex;  /* VXLAN: IFLA_VXLAN_LINK; macvlan/vlan: the lower device */
	uint32_t master_ifindex;    /* bridge or bond it is enslaved to; 0 = none */
	int32_t link_netnsid;	    /* netns id of the parent, with VXOFF_LINK_HAS_NETNSID */
	uint32_t flags;		    /* IFF_* */
	uint32_t operstate;	    /* IF_OPER_*: VXOFF_OPER_UP, VXOFF_OPER_DOWN, ... */
	uint32_t arptype;	    /* ARPHRD_* */
	uint32_t mtu;
	uint32_t min_mtu;
	uint32_t max_mtu;
	uint32_t gso_max_size;
	uint32_t gso_max_segs;
	uint32_t gro_max_size;
	uint32_t gso_ipv4_max_size; /* BIG TCP for IPv4, kernel 6.3+ */
	uint32_t gro_ipv4_max_size;
	uint32_t tso_max_size;
	uint32_t tso_max_segs;
	uint32_t num_tx_queues;
	uint32_t num_rx_queues;
	uint32_t vxlan_vni;	    /* with VXOFF_LINK_HAS_VXLAN */
	uint32_t vxlan_port;	    /* UDP destination port, host order */
	uint32_t vxlan_family;	    /* AF_INET, AF_INET6 or 0: family of the remote/local address */
	uint32_t reserved0;
	const char *ifname;	    /* strings owned by the devinfo; never NULL */
	const char *kind;	    /* "vxlan", "veth"... "" for a device without IFLA_INFO_KIND */
	const char *address;	    /* link-layer address "aa:bb:..", "" if none */
	const char *driver;	    /* from ethtool drvinfo, "" if unknown (see VXOFF_ITEM_DRVINFO) */
	const char *bus_info;
	const char *fw_version;
};

/* Feature flags in vxoff_feature.flags. */
#define VXOFF_FEATURE_ACTIVE (1u << 0)	 /* in effect */
#define VXOFF_FEATURE_WANTED (1u << 1)	 /* requested */
#define VXOFF_FEATURE_HW (1u << 2)	 /* the user may change it (hw_features) */
#define VXOFF_FEATURE_NOCHANGE (1u << 3) /* never changeable */
#define VXOFF_FEATURE_FIXED (1u << 4)	 /* not changeable: !HW or NOCHANGE, as ethtool's [fixed] */

struct vxoff_feature {
	uint32_t sz;
	uint32_t flags;	  /* VXOFF_FEATURE_* */
	const char *name; /* the kernel's string ("tx-udp_tnl-segmentation"); owned by the devinfo */
};

/* Bits of vxoff_channels.present: 1 << ETHTOOL_A_CHANNELS_* attribute id. */
#define VXOFF_CH_RX_MAX (1u << 2)
#define VXOFF_CH_TX_MAX (1u << 3)
#define VXOFF_CH_OTHER_MAX (1u << 4)
#define VXOFF_CH_COMBINED_MAX (1u << 5)
#define VXOFF_CH_RX_COUNT (1u << 6)
#define VXOFF_CH_TX_COUNT (1u << 7)
#define VXOFF_CH_OTHER_COUNT (1u << 8)
#define VXOFF_CH_COMBINED_COUNT (1u << 9)

struct vxoff_channels {
	uint32_t sz;
	uint32_t present; /* VXOFF_CH_*: a missing value means that channel type is unsupported */
	uint32_t rx_max;
	uint32_t tx_max;
	uint32_t other_max;
	uint32_t combined_max;
	uint32_t rx_count;
	uint32_t tx_count;
	uint32_t other_count;
	uint32_t combined_count;
};

/* Bits of vxoff_rings.present: 1 << ETHTOOL_A_RINGS_* attribute id. */
#define VXOFF_RING_RX_MAX (1u << 2)
#define VXOFF_RING_RX_MINI_MAX (1u << 3)
#define VXOFF_RING_RX_JUMBO_MAX (1u << 4)
#define VXOFF_RING_TX_MAX (1u << 5)
#define VXOFF_RING_RX (1u << 6)
#define VXOFF_RING_RX_MINI (1u << 7)
#define VXOFF_RING_RX_JUMBO (1u << 8)
#define VXOFF_RING_TX (1u << 9)
#define VXOFF_RING_RX_BUF_LEN (1u << 10)
#define VXOFF_RING_TCP_DATA_SPLIT (1u << 11)
#define VXOFF_RING_CQE_SIZE (1u << 12)
#define VXOFF_RING_TX_PUSH (1u << 13)
#define VXOFF_RING_RX_PUSH (1u << 14)
#define VXOFF_RING_TX_PUSH_BUF_LEN (1u << 15)
#define VXOFF_RING_TX_PUSH_BUF_LEN_MAX (1u << 16)
#define VXOFF_RING_HDS_THRESH (1u << 17)
#define VXOFF_RING_HDS_THRESH_MAX (1u << 18)

struct vxoff_rings {
	uint32_t sz;
	uint32_t present; /* VXOFF_RING_* */
	uint32_t rx_max;
	uint32_t rx_mini_max;
	uint32_t rx_jumbo_max;
	uint32_t tx_max;
	uint32_t rx;
	uint32_t rx_mini;
	uint32_t rx_jumbo;
	uint32_t tx;
	uint32_t rx_buf_len;
	uint32_t tcp_data_split; /* 0 unknown, 1 off, 2 on */
	uint32_t cqe_size;
	uint32_t tx_push;
	uint32_t rx_push;
	uint32_t tx_push_buf_len;
	uint32_t tx_push_buf_len_max;
	uint32_t hds_thresh;
	uint32_t hds_thresh_max;
	uint32_t reserved0;
};

/*
 * Interrupt coalescing: one value per ETHTOOL_A_COALESCE_* attribute id (2 .. 32), read with
 * vxoff_devinfo_coalesce_param(); the names are ethtool's ("rx-usecs", "adaptive-rx").
 */
#define VXOFF_COAL_RX_USECS 2u
#define VXOFF_COAL_RX_MAX_FRAMES 3u
#define VXOFF_COAL_RX_USECS_IRQ 4u
#define VXOFF_COAL_RX_MAX_FRAMES_IRQ 5u
#define VXOFF_COAL_TX_USECS 6u
#define VXOFF_COAL_TX_MAX_FRAMES 7u
#define VXOFF_COAL_TX_USECS_IRQ 8u
#define VXOFF_COAL_TX_MAX_FRAMES_IRQ 9u
#define VXOFF_COAL_STATS_BLOCK_USECS 10u
#define VXOFF_COAL_USE_ADAPTIVE_RX 11u
#define VXOFF_COAL_USE_ADAPTIVE_TX 12u
#define VXOFF_COAL_PKT_RATE_LOW 13u
#define VXOFF_COAL_RX_USECS_LOW 14u
#define VXOFF_COAL_RX_MAX_FRAMES_LOW 15u
#define VXOFF_COAL_TX_USECS_LOW 16u
#define VXOFF_COAL_TX_MAX_FRAMES_LOW 17u
#define VXOFF_COAL_PKT_RATE_HIGH 18u
#define VXOFF_COAL_RX_USECS_HIGH 19u
#define VXOFF_COAL_RX_MAX_FRAMES_HIGH 20u
#define VXOFF_COAL_TX_USECS_HIGH 21u
#define VXOFF_COAL_TX_MAX_FRAMES_HIGH 22u
#define VXOFF_COAL_RATE_SAMPLE_INTERVAL 23u
#define VXOFF_COAL_USE_CQE_MODE_TX 24u
#define VXOFF_COAL_USE_CQE_MODE_RX 25u
#define VXOFF_COAL_TX_AGGR_MAX_BYTES 26u
#define VXOFF_COAL_TX_AGGR_MAX_FRAMES 27u
#define VXOFF_COAL_TX_AGGR_TIME_USECS 28u
#define VXOFF_COAL_RX_CQE_FRAMES 31u
#define VXOFF_COAL_RX_CQE_NSECS 32u
#define VXOFF_COAL_PARAM_MAX 32u

/* Hash functions (bit n = string n of ETH_SS_RSS_HASH_FUNCS). */
#define VXOFF_RSS_HFUNC_TOEPLITZ (1u << 0)
#define VXOFF_RSS_HFUNC_XOR (1u << 1)
#define VXOFF_RSS_HFUNC_CRC32 (1u << 2)

/* Flow-hash fields, RXH_* values. */
#define VXOFF_RXH_L2DA (1u << 1)
#define VXOFF_RXH_VLAN (1u << 2)
#define VXOFF_RXH_L3_PROTO (1u << 3)
#define VXOFF_RXH_IP_SRC (1u << 4)
#define VXOFF_RXH_IP_DST (1u << 5)
#define VXOFF_RXH_L4_B_0_1 (1u << 6) /* source port: the VXLAN flow entropy */
#define VXOFF_RXH_L4_B_2_3 (1u << 7)
#define VXOFF_RXH_DISCARD (1u << 31)

/* Bits of vxoff_rss.present. */
#define VXOFF_RSS_HAS_HFUNC (1u << 0)
#define VXOFF_RSS_HAS_INDIR (1u << 1)
#define VXOFF_RSS_HAS_KEY (1u << 2)
#define VXOFF_RSS_HAS_INPUT_XFRM (1u << 3)
#define VXOFF_RSS_HAS_UDP4_FIELDS (1u << 4)
#define VXOFF_RSS_HAS_UDP6_FIELDS (1u << 5)
#define VXOFF_RSS_HAS_TCP4_FIELDS (1u << 6)
#define VXOFF_RSS_HAS_TCP6_FIELDS (1u << 7)

struct vxoff_rss {
	uint32_t sz;
	uint32_t present;     /* VXOFF_RSS_HAS_* */
	uint32_t hfunc;	      /* VXOFF_RSS_HFUNC_* bit of the active function */
	uint32_t input_xfrm;  /* RXH_XFRM_*: 1 symmetric-xor, 2 symmetric-or-xor */
	uint32_t indir_size;  /* entries; read them with vxoff_devinfo_rss_indir() */
	uint32_t key_size;    /* bytes; read it with vxoff_devinfo_rss_key() */
	uint32_t udp4_fields; /* VXOFF_RXH_* */
	uint32_t udp6_fields;
	uint32_t tcp4_fields;
	uint32_t tcp6_fields;
	const char *hfunc_name; /* "toeplitz", "" if unknown; owned by the devinfo */
};

/* UDP tunnel types, ETHTOOL_UDP_TUNNEL_TYPE_* */
#define VXOFF_UDP_TUNNEL_VXLAN 0u
#define VXOFF_UDP_TUNNEL_GENEVE 1u
#define VXOFF_UDP_TUNNEL_VXLAN_GPE 2u

struct vxoff_tunnel_table {
	uint32_t sz;
	uint32_t size;	      /* most entries the table holds */
	uint32_t types;	      /* bit (1 << VXOFF_UDP_TUNNEL_*) per type it accepts */
	uint32_t port_count;  /* entries in use */
};

struct vxoff_tunnel_port {
	uint32_t sz;
	uint32_t table;	/* index of its table */
	uint32_t port;	/* UDP port, host order */
	uint32_t type;	/* VXOFF_UDP_TUNNEL_* */
};

/* Queue types. */
#define VXOFF_QUEUE_RX 0u
#define VXOFF_QUEUE_TX 1u

/* Bits of vxoff_queue_info.present. */
#define VXOFF_QUEUE_HAS_NAPI (1u << 0)	   /* napi_id is set */
#define VXOFF_QUEUE_HAS_IRQ (1u << 1)	   /* irq is set */
#define VXOFF_QUEUE_HAS_NAPI_PID (1u << 2) /* NAPI runs threaded, in kthread napi_pid */
#define VXOFF_QUEUE_HAS_RPS (1u << 3)	   /* rps_cpus and rps_flow_cnt are set (rx) */
#define VXOFF_QUEUE_HAS_XPS_CPUS (1u << 4) /* xps_cpus is set (tx) */
#define VXOFF_QUEUE_HAS_XPS_RXQS (1u << 5) /* xps_rxqs is set (tx) */
#define VXOFF_QUEUE_HAS_NAPI_CONFIG (1u << 6) /* defer_hard_irqs, gro_flush_timeout (6.13+) */

struct vxoff_queue_info {
	uint32_t sz;
	uint32_t type;	       /* VXOFF_QUEUE_RX or VXOFF_QUEUE_TX */
	uint32_t id;	       /* queue index */
	uint32_t present;      /* VXOFF_QUEUE_HAS_* */
	uint32_t napi_id;
	uint32_t irq;
	uint32_t napi_pid;
	uint32_t defer_hard_irqs;
	uint64_t gro_flush_timeout_ns;
	uint32_t rps_flow_cnt;
	uint32_t reserved0;
	const char *rps_cpus; /* cpulist "0-3,8", "" = off; owned by the devinfo */
	const char *xps_cpus; /* cpulist */
	const char *xps_rxqs; /* list of rx queue indexes */
};

/* Device-wide NAPI settings from sysfs. */
struct vxoff_napi_info {
	uint32_t sz;
	uint32_t threaded;	 /* VXOFF_CAP_*: NO = off, YES = on, UNKNOWN = no NAPI or unread */
	uint64_t gro_flush_timeout_ns;
	uint32_t napi_defer_hard_irqs;
	uint32_t present;	 /* VXOFF_NAPI_HAS_* */
};
#define VXOFF_NAPI_HAS_GRO_FLUSH_TIMEOUT (1u << 0)
#define VXOFF_NAPI_HAS_DEFER_HARD_IRQS (1u << 1)

/* VXLAN readiness verdicts. */
#define VXOFF_VERDICT_UNKNOWN 0u
#define VXOFF_VERDICT_NONE 1u	 /* no VXLAN offload: the CPU does all of it */
#define VXOFF_VERDICT_PARTIAL 2u /* some offloads, with gaps listed in the reasons */
#define VXOFF_VERDICT_READY 3u	 /* every check passed */

/* Severity of a reason. */
#define VXOFF_SEVERITY_OK 1u	  /* this check passed */
#define VXOFF_SEVERITY_INFO 2u	  /* worth knowing, costs nothing */
#define VXOFF_SEVERITY_WARN 3u	  /* available but not in use, or a limit: tuning can fix it */
#define VXOFF_SEVERITY_MISSING 4u /* the device cannot do it */

/*
 * VXLAN reason codes: stable, documented in docs/vxlan-reasons.md, never reused.
 */
#define VXOFF_VX_TX_TNL_TSO_ON 1u	     /* tunnel segmentation offload active */
#define VXOFF_VX_TX_TNL_TSO_OFF 2u	     /* supported but turned off */
#define VXOFF_VX_TX_TNL_TSO_NONE 3u	     /* not supported: software GSO segments */
#define VXOFF_VX_TX_TNL_CSUM_TSO_ON 4u	     /* also with outer UDP checksum */
#define VXOFF_VX_TX_TNL_CSUM_TSO_NONE 5u     /* only without outer checksum */
#define VXOFF_VX_RX_CSUM_ON 6u		     /* receive checksum offload active */
#define VXOFF_VX_RX_CSUM_OFF 7u
#define VXOFF_VX_RX_CSUM_NONE 8u
#define VXOFF_VX_PORT_IN_TABLE 9u	     /* the VXLAN port in use is in the NIC's table */
#define VXOFF_VX_PORT_NOT_IN_TABLE 10u	     /* a table exists, the port in use is not in it */
#define VXOFF_VX_PORT_OFFLOAD_OFF 11u	     /* rx-udp_tunnel-port-offload supported, off */
#define VXOFF_VX_PORT_TABLE_NONE 12u	     /* no UDP tunnel port table */
#define VXOFF_VX_PORT_NONE_IN_USE 13u	     /* a table exists; no VXLAN device uses a port yet */
#define VXOFF_VX_GRO_ON 14u		     /* GRO active */
#define VXOFF_VX_GRO_OFF 15u
#define VXOFF_VX_GRO_NONE 16u
#define VXOFF_VX_GRO_HW_ON 17u		     /* hardware GRO active */
#define VXOFF_VX_RSS_L4 18u		     /* UDP hash includes the source port */
#define VXOFF_VX_RSS_IP_ONLY 19u	     /* UDP hash on addresses only: one queue per VTEP pair */
#define VXOFF_VX_RSS_NONE 20u		     /* no RSS */
#define VXOFF_VX_RSS_FIELDS_UNKNOWN 21u	     /* RSS present, UDP hash fields unreadable */
#define VXOFF_VX_MTU_HEADROOM_OK 22u	     /* the underlay carries overlay MTU + 50 (70 IPv6) */
#define VXOFF_VX_MTU_HEADROOM_SHORT 23u
#define VXOFF_VX_MULTIQUEUE 24u		     /* more than one RX queue/channel */
#define VXOFF_VX_SINGLE_QUEUE 25u
#define VXOFF_VX_NO_UNDERLAY 26u	     /* VXLAN device without a bound underlay device */
#define VXOFF_VX_UNDERLAY_UNKNOWN 27u	     /* the underlay could not be probed */
#define VXOFF_VX_OVERLAY_GRO_ON 28u	     /* GRO on the VXLAN device itself */
#define VXOFF_VX_OVERLAY_GRO_OFF 29u
#define VXOFF_VX_PORT_8472 30u		     /* VXLAN device on Linux's legacy port 8472 */
#define VXOFF_VX_FEATURES_UNKNOWN 31u	     /* features could not be read */
#define VXOFF_VX_PORT_TABLE_UNKNOWN 32u	     /* the tunnel port table could not be read */
#define VXOFF_VX_RSS_UNKNOWN 33u	     /* RSS could not be read */

struct vxoff_vxlan_verdict {
	uint32_t sz;
	uint32_t verdict;      /* VXOFF_VERDICT_* */
	uint32_t reason_count; /* read each with vxoff_devinfo_vxlan_reason() */
	uint32_t checked_ifindex; /* the device whose offloads were judged (the underlay) */
};

struct vxoff_vxlan_reason {
	uint32_t sz;
	uint32_t code;	   /* VXOFF_VX_* */
	uint32_t severity; /* VXOFF_SEVERITY_* */
	uint32_t reserved0;
	const char *name;  /* stable slug, "tx-tunnel-tso-on"; static */
	const char *text;  /* a sentence for people; owned by the devinfo */
};

/**
 * vxoff_probe_device() - probe one device of the context's namespace.
 * @ctx: context, one thread at a time.
 * @ifname: interface name (borrowed), or NULL to use @ifindex.
 * @ifindex: interface index, used when @ifname is NULL.
 * @opts: NULL for every item, or a struct with .sz set.
 * @ret: on success a result for vxoff_devinfo_free(); untouched on failure.
 *
 * A VXLAN device's verdict judges its underlay, which is probed as well unless
 * VXOFF_PROBE_F_NO_VERDICT_PEERS. Items the device lacks are not errors: see
 * vxoff_devinfo_item().
 *
 * Return: 0, -EINVAL (bad argument, unknown flag or item bit), -E2BIG (unknown opts bytes),
 * -ENODEV (no such device; the message names it), -EPROTO (malformed kernel reply),
 * -ECHILD (after fork), -ENOMEM, or a kernel errno; details in vxoff_ctx_last_error().
 * Since: 0.1
 */
VXOFF_API int vxoff_probe_device(struct vxoff_ctx *ctx, const char *ifname, uint32_t ifindex,
				 const struct vxoff_probe_opts *opts,
				 struct vxoff_devinfo **ret);

/**
 * vxoff_probe_all() - probe every device of the namespace with one dump per item.
 * @ctx: context.
 * @opts: NULL or a struct with .sz set.
 * @ret: on success a list for vxoff_devlist_free(); untouched on failure.
 *
 * Return: as vxoff_probe_device(), without -ENODEV.
 * Since: 0.1
 */
VXOFF_API int vxoff_probe_all(struct vxoff_ctx *ctx, const struct vxoff_probe_opts *opts,
			      struct vxoff_devlist **ret);

/**
 * vxoff_devlist_count() - number of devices in @list (0 for NULL).
 * Since: 0.1
 */
VXOFF_API uint32_t vxoff_devlist_count(const struct vxoff_devlist *list);

/**
 * vxoff_devlist_get() - one device of @list, in ifindex order.
 * @list: the list.
 * @idx: 0 .. count - 1.
 * @ret: the device, owned by @list (never free it), valid until vxoff_devlist_free().
 *
 * Return: 0, -EINVAL (NULL), -ERANGE (@idx out of range).
 * Since: 0.1
 */
VXOFF_API int vxoff_devlist_get(const struct vxoff_devlist *list, uint32_t idx,
				const struct vxoff_devinfo **ret);

/**
 * vxoff_devlist_free() - free a list and every device in it. NULL is accepted.
 * Since: 0.1
 */
VXOFF_API void vxoff_devlist_free(struct vxoff_devlist *list);

/**
 * vxoff_devinfo_free() - free a result of vxoff_probe_device(). NULL is accepted.
 * Since: 0.1
 */
VXOFF_API void vxoff_devinfo_free(struct vxoff_devinfo *di);

/**
 * vxoff_devinfo_item() - status of one item: probed, unsupported or unknown, and why.
 * @di: the device.
 * @item: VXOFF_ITEM_*.
 * @out: caller struct with .sz set.
 *
 * Return: 0, -EINVAL (NULL, sz too small, or an item this library does not know).
 * Since: 0.1
 */
VXOFF_API int vxoff_devinfo_item(const struct vxoff_devinfo *di, uint32_t item,
				 struct vxoff_item_status *out);

/**
 * vxoff_item_name() - stable name of an item ("features", "tunnel_ports").
 * Return: a static string, "unknown" for an unknown item.
 * Since: 0.1
 */
VXOFF_API const char *vxoff_item_name(uint32_t item);

/**
 * vxoff_devinfo_link() - link attributes.
 * @di: the device.
 * @out: caller struct with .sz set; its strings are owned by @di.
 *
 * Return: 0, -EINVAL (NULL or sz too small), -ENODATA (the link item was not probed).
 * Since: 0.1
 */
VXOFF_API int vxoff_devinfo_link(const struct vxoff_devinfo *di, struct vxoff_link_info *out);

/**
 * vxoff_devinfo_feature_count() - number of features (0 unless the item is VXOFF_CAP_YES).
 * Since: 0.1
 */
VXOFF_API uint32_t vxoff_devinfo_feature_count(const struct vxoff_devinfo *di);

/**
 * vxoff_devinfo_feature() - one feature, in the kernel's bit order.
 * @di: the device.
 * @idx: 0 .. count - 1.
 * @out: caller struct with .sz set; the name is owned by @di.
 *
 * Return: 0, -EINVAL, -ERANGE (@idx out of range).
 * Since: 0.1
 */
VXOFF_API int vxoff_devinfo_feature(const struct vxoff_devinfo *di, uint32_t idx,
				    struct vxoff_feature *out);

/**
 * vxoff_devinfo_feature_find() - a feature by its kernel name.
 * @di: the device.
 * @name: e.g. "rx-gro" (borrowed).
 * @out: caller struct with .sz set.
 *
 * Return: 0, -EINVAL, -ENODATA (features not probed), -ENOENT (no feature of that name).
 * Since: 0.1
 */
VXOFF_API int vxoff_devinfo_feature_find(const struct vxoff_devinfo *di, const char *name,
					 struct vxoff_feature *out);

/**
 * vxoff_devinfo_channels() - channel counts and maxima.
 * @di: the device.
 * @out: caller struct with .sz set.
 *
 * Return: 0, -EINVAL, -EOPNOTSUPP (the device has no channel settings), -ENODATA (unknown:
 * see vxoff_devinfo_item()).
 * Since: 0.1
 */
VXOFF_API int vxoff_devinfo_channels(const struct vxoff_devinfo *di, struct vxoff_channels *out);

/**
 * vxoff_devinfo_rings() - ring sizes. Return: as vxoff_devinfo_channels(). Since: 0.1
 */
VXOFF_API int vxoff_devinfo_rings(const struct vxoff_devinfo *di, struct vxoff_rings *out);

/**
 * vxoff_devinfo_coalesce_param() - one coalescing parameter.
 * @di: the device.
 * @param: VXOFF_COAL_*.
 * @ret: the value; untouched on failure.
 *
 * Return: 0, -EINVAL (NULL or unknown @param), -EOPNOTSUPP (no coalescing settings),
 * -ENODATA (item unknown), -ENOENT (the driver does not report this parameter).
 * Since: 0.1
 */
VXOFF_API int vxoff_devinfo_coalesce_param(const struct vxoff_devinfo *di, uint32_t param,
					   uint32_t *ret);

/**
 * vxoff_coalesce_param_name() - ethtool's name of a VXOFF_COAL_* parameter ("rx-usecs").
 * Return: a static string, NULL for an unknown parameter.
 * Since: 0.1
 */
VXOFF_API const char *vxoff_coalesce_param_name(uint32_t param);

/**
 * vxoff_devinfo_rss() - RSS summary. Return: as vxoff_devinfo_channels(). Since: 0.1
 */
VXOFF_API int vxoff_devinfo_rss(const struct vxoff_devinfo *di, struct vxoff_rss *out);

/**
 * vxoff_devinfo_rss_indir() - copy the indirection table.
 * @di: the device.
 * @buf: caller array of @n entries; may be NULL when @n is 0.
 * @n: its capacity.
 *
 * Return: the table's size (copying min(size, @n) entries), -EINVAL, -EOPNOTSUPP, -ENODATA.
 * Since: 0.1
 */
VXOFF_API int vxoff_devinfo_rss_indir(const struct vxoff_devinfo *di, uint32_t *buf, uint32_t n);

/**
 * vxoff_devinfo_rss_key() - copy the hash key. Return: its size in bytes, as above. Since: 0.1
 */
VXOFF_API int vxoff_devinfo_rss_key(const struct vxoff_devinfo *di, uint8_t *buf, uint32_t n);

/**
 * vxoff_devinfo_tunnel_table_count() - number of UDP tunnel port tables. Since: 0.1
 */
VXOFF_API uint32_t vxoff_devinfo_tunnel_table_count(const struct vxoff_devinfo *di);

/**
 * vxoff_devinfo_tunnel_table() - one table. Return: 0, -EINVAL, -ERANGE. Since: 0.1
 */
VXOFF_API int vxoff_devinfo_tunnel_table(const struct vxoff_devinfo *di, uint32_t idx,
					 struct vxoff_tunnel_table *out);

/**
 * vxoff_devinfo_tunnel_port_count() - ports in all tables together. Since: 0.1
 */
VXOFF_API uint32_t vxoff_devinfo_tunnel_port_count(const struct vxoff_devinfo *di);

/**
 * vxoff_devinfo_tunnel_port() - one port entry. Return: 0, -EINVAL, -ERANGE. Since: 0.1
 */
VXOFF_API int vxoff_devinfo_tunnel_port(const struct vxoff_devinfo *di, uint32_t idx,
					struct vxoff_tunnel_port *out);

/**
 * vxoff_devinfo_queue_count() - number of queues known (RX first, then TX). Since: 0.1
 */
VXOFF_API uint32_t vxoff_devinfo_queue_count(const struct vxoff_devinfo *di);

/**
 * vxoff_devinfo_queue() - one queue with its NAPI, IRQ and RPS/XPS settings.
 * @di: the device.
 * @idx: 0 .. count - 1.
 * @out: caller struct with .sz set; strings owned by @di.
 *
 * Return: 0, -EINVAL, -ERANGE.
 * Since: 0.1
 */
VXOFF_API int vxoff_devinfo_queue(const struct vxoff_devinfo *di, uint32_t idx,
				  struct vxoff_queue_info *out);

/**
 * vxoff_devinfo_napi() - device-wide NAPI settings (threaded, gro_flush_timeout, defer).
 * Return: 0, -EINVAL, -ENODATA (the sysfs item is unknown). Since: 0.1
 */
VXOFF_API int vxoff_devinfo_napi(const struct vxoff_devinfo *di, struct vxoff_napi_info *out);

/**
 * vxoff_devinfo_vxlan() - the VXLAN readiness verdict.
 * @di: the device.
 * @out: caller struct with .sz set.
 *
 * Return: 0, -EINVAL, -ENODATA (no verdict: link or features unknown, or not asked for).
 * Since: 0.1
 */
VXOFF_API int vxoff_devinfo_vxlan(const struct vxoff_devinfo *di, struct vxoff_vxlan_verdict *out);

/**
 * vxoff_devinfo_vxlan_reason() - one reason behind the verdict.
 * @di: the device.
 * @idx: 0 .. reason_count - 1.
 * @out: caller struct with .sz set; text owned by @di.
 *
 * Return: 0, -EINVAL, -ERANGE, -ENODATA.
 * Since: 0.1
 */
VXOFF_API int vxoff_devinfo_vxlan_reason(const struct vxoff_devinfo *di, uint32_t idx,
					 struct vxoff_vxlan_reason *out);

/**
 * vxoff_verdict_name() - "ready", "partial", "none" or "unknown". Static. Since: 0.1
 */
VXOFF_API const char *vxoff_verdict_name(uint32_t verdict);

/**
 * vxoff_vxlan_reason_name() - stable slug of a VXOFF_VX_* code; "unknown" if not known.
 * Static. Since: 0.1
 */
VXOFF_API const char *vxoff_vxlan_reason_name(uint32_t code);

/**
 * vxoff_severity_name() - "ok", "info", "warn", "missing" or "unknown". Static. Since: 0.1
 */
VXOFF_API const char *vxoff_severity_name(uint32_t severity);

/* The "schema" member of vxoff_devlist_json()'s document (docs/probe-json.md). */
#define VXOFF_PROBE_JSON_SCHEMA "vxoff-probe/1"

/* Flags of the JSON functions: VXOFF_JSON_PRETTY (common.h). */

/**
 * vxoff_devinfo_json() - one device as a JSON object (schema: docs/probe-json.md).
 * @di: the device.
 * @flags: VXOFF_JSON_*; unknown bits: -EINVAL.
 * @ret: on success a NUL-terminated string for vxoff_free(); untouched on failure.
 *
 * Return: 0, -EINVAL, -ENOMEM.
 * Since: 0.1
 */
VXOFF_API int vxoff_devinfo_json(const struct vxoff_devinfo *di, uint32_t flags, char **ret);

/**
 * vxoff_devlist_json() - every device of @list as a JSON document
 * {"schema": "vxoff-probe/1", "devices": [...]}.
 * @list: the list.
 * @flags: VXOFF_JSON_*.
 * @ret: on success a string for vxoff_free(); untouched on failure.
 *
 * Return: 0, -EINVAL, -ENOMEM.
 * Since: 0.1
 */
VXOFF_API int vxoff_devlist_json(const struct vxoff_devlist *list, uint32_t flags, char **ret);

/**
 * vxoff_devlist_json_fd() - as vxoff_devlist_json(), written to @fd as it is built (with a
 * final newline), so a document of thousands of devices never sits in memory whole.
 * @list: the list.
 * @flags: VXOFF_JSON_*.
 * @fd: an open file descriptor, borrowed (not closed); the library only write()s to it.
 *
 * Return: 0, -EINVAL, -ENOMEM, or the errno of a failed write (e.g. -EPIPE); after a failure
 * part of the document may have been written.
 * Since: 0.1
 */
VXOFF_API int vxoff_devlist_json_fd(const struct vxoff_devlist *list, uint32_t flags, int32_t fd);

/**
 * vxoff_operstate_name() - RFC 2863 name of vxoff_link_info.operstate ("up", "down",
 * "unknown" ...). Return: a static string, NULL for a value this library has no name for.
 * Since: 0.1
 */
VXOFF_API const char *vxoff_operstate_name(uint32_t state);

/**
 * vxoff_rxh_field_name() - name of flow-hash field bit n (VXOFF_RXH_* = 1 << n): "ip-src",
 * "l4-src-port" ... Return: a static string, NULL for a bit without a name. Since: 0.1
 */
VXOFF_API const char *vxoff_rxh_field_name(uint32_t bit);

/**
 * vxoff_udp_tunnel_type_name() - "vxlan", "geneve" or "vxlan-gpe" for VXOFF_UDP_TUNNEL_*.
 * Return: a static string, NULL for an unknown type. Since: 0.1
 */
VXOFF_API const char *vxoff_udp_tunnel_type_name(uint32_t type);

#ifdef __cplusplus
}
#endif

#endif /* VXOFF_PROBE_H */

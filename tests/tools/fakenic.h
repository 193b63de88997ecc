/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * A scripted stand-in for the kernel: a transport whose send() reads each request (message
 * type, genl command, header DEV_INDEX, flags) and synthesises the replies a 6.18 kernel would
 * give for a modelled set of devices, built with libmnl from the documented layouts
 * (uapi ethtool_netlink.h, kernel-interfaces.md §1.4, §2, §4). Used by gen-nic-fixture (with a
 * fixture writer) and by the unit tests for scenarios a recording cannot show.
 *
 * It is deliberately independent of lib/probe: nothing here calls the code under test.
 */
#ifndef VXOFF_TESTS_FAKENIC_H
#define VXOFF_TESTS_FAKENIC_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "netlink/core.h"

#define FK_MAX_DEVS 8
#define FK_ETHTOOL_FAMILY 21
#define FK_NETDEV_FAMILY 20
#define FK_PORTID 0x4e494321u

/* ETHTOOL_A_* attribute ids are small: one slot per id, 0 = not reported. */
struct fk_dev {
	uint32_t ifindex;
	const char *name;
	const char *kind;	/* IFLA_INFO_KIND, NULL for a physical device */
	uint16_t arptype;
	uint32_t flags;		/* IFF_*; only IFF_UP devices show up in netdev dumps */
	uint32_t mtu, min_mtu, max_mtu;
	uint8_t mac[6];
	uint32_t num_txq, num_rxq;
	uint32_t link;		/* IFLA_LINK */
	/* vxlan */
	uint32_t vxlan_vni, vxlan_link, vxlan_remote_be;
	uint16_t vxlan_port;	/* host order */

	/* ethtool; false = EOPNOTSUPP */
	bool has_features;
	uint64_t f_hw, f_wanted, f_active, f_nochange;
	bool has_channels;
	uint32_t ch[10];
	uint32_t ch_present;	/* bit n: ch[n] is sent */
	bool has_rings;
	uint32_t rg[21];
	uint32_t rg_present;
	bool has_coalesce;
	uint32_t co[33];
	uint64_t co_present;
	bool has_rss;
	uint32_t hfunc, indir_size, indir_queues, key_size, input_xfrm;
	uint8_t key[64];
	uint32_t flow[28];
	uint32_t flow_present;
	bool has_tunnel;
	uint32_t tsize, ttypes, nentries;
	uint16_t tport[4];	/* host order */
	uint32_t ttype[4];

	/* netdev: queues of an IFF_UP device; napi_base 0 = queues without NAPI */
	uint32_t nq_rx, nq_tx, napi_base, irq_base;

	/* SIOCETHTOOL GDRVINFO; driver NULL = EOPNOTSUPP */
	const char *driver, *version, *fw, *bus;
};

struct fk_model {
	struct fk_dev devs[FK_MAX_DEVS]; /* by ifindex, ascending */
	uint32_t ndevs;
	bool no_ethtool_family;
	bool no_netdev_family;
	bool verbose_always;	  /* verbose bitsets even when compact ones were asked for */
	uint32_t vanish_ifindex;  /* present for rtnetlink, gone for ethtool/netdev/ioctl */
	bool rss_no_dump;	  /* RSS_GET without dumpit (before 6.12): a dump is EOPNOTSUPP */
	bool no_flow_hash;	  /* no ETHTOOL_A_RSS_FLOW_HASH (before 6.17): SIOCETHTOOL GRXFH */
	uint32_t unhandled;	  /* requests the model did not understand (see log) */
	FILE *log;		  /* where to say so; NULL = stderr */
};

/* The 64 feature names of 6.18 (ETH_SS_FEATURES), "" for unnamed bits. */
extern const char *const fk_feature_names[64];
/* Bit of a feature name (asserts it exists). */
uint64_t fk_feature(const char *name);

/* lo (1), eth0 (2, a 63-channel NIC) and vxlan100 (3, VNI 100, port 4789 over eth0).
 * tunnel_offload = the mlx5-like NIC; false = an older NIC without tunnel offloads. */
void fk_model_nic(struct fk_model *m, bool tunnel_offload);

/* A transport over m (borrowed, must outlive it). rec != NULL: every exchange is written to
 * it as a replay fixture (vxoff__replay_write), a repeated request only once. */
int fk_transport_new(struct fk_model *m, FILE *rec, struct vxoff__transport *ret);

#endif

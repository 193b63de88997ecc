/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * uapi constants newer than Debian 12's 6.1 headers, with the kernel release that added each.
 * The system headers come first, so on newer headers these macros shadow enum constants of
 * the same value. Values are the kernel's ABI and never change.
 */
#ifndef VXOFF_LIB_NETLINK_COMPAT_H
#define VXOFF_LIB_NETLINK_COMPAT_H

#include <linux/ethtool.h>
#include <linux/ethtool_netlink.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

/* rtnetlink link attributes */
#define IFLA_DEVLINK_PORT 62		   /* 6.2 */
#define IFLA_GSO_IPV4_MAX_SIZE 63	   /* 6.3 */
#define IFLA_GRO_IPV4_MAX_SIZE 64	   /* 6.3 */
#define IFLA_DPLL_PIN 65		   /* 6.7 */
#define IFLA_MAX_PACING_OFFLOAD_HORIZON 66 /* 6.13 */
#define IFLA_NETNS_IMMUTABLE 67		   /* 6.15 */
#define IFLA_HEADROOM 68		   /* 6.18 */
#define IFLA_TAILROOM 69		   /* 6.18 */
#define VXOFF_IFLA_MAX 69

/* VXLAN attributes */
#define IFLA_VXLAN_LOCALBYPASS 31    /* 6.5 */
#define IFLA_VXLAN_LABEL_POLICY 32   /* 6.8 */
#define IFLA_VXLAN_RESERVED_BITS 33  /* 6.14 */
#define IFLA_VXLAN_MC_ROUTE 34	     /* 6.17 */
#define VXOFF_IFLA_VXLAN_MAX 34
#define VXLAN_LABEL_FIXED 0	     /* 6.8 */
#define VXLAN_LABEL_INHERIT 1	     /* 6.8 */

/* ethtool netlink: header */
#define ETHTOOL_A_HEADER_PHY_INDEX 4 /* 6.12 */

/* ethtool netlink: messages, user to kernel */
#define ETHTOOL_MSG_RSS_GET 38		  /* 6.2 */
#define ETHTOOL_MSG_PLCA_GET_CFG 39	  /* 6.3 */
#define ETHTOOL_MSG_MM_GET 42		  /* 6.3 */
#define ETHTOOL_MSG_PHY_GET 45		  /* 6.12 */
#define ETHTOOL_MSG_TSCONFIG_GET 46	  /* 6.14 */
#define ETHTOOL_MSG_RSS_SET 48		  /* 6.17 */
#define ETHTOOL_MSG_RSS_CREATE_ACT 49	  /* 6.17 */
#define ETHTOOL_MSG_RSS_DELETE_ACT 50	  /* 6.17 */
/* kernel to user */
#define ETHTOOL_MSG_RSS_GET_REPLY 38	  /* 6.2 */

/* rings: 6.3 RX_PUSH, 6.4 TX_PUSH_BUF_LEN(_MAX), 6.14 HDS_THRESH(_MAX), post-6.18 pacing */
#define ETHTOOL_A_RINGS_RX_PUSH 14
#define ETHTOOL_A_RINGS_TX_PUSH_BUF_LEN 15
#define ETHTOOL_A_RINGS_TX_PUSH_BUF_LEN_MAX 16
#define ETHTOOL_A_RINGS_HDS_THRESH 17
#define ETHTOOL_A_RINGS_HDS_THRESH_MAX 18
#define VXOFF_ETHTOOL_A_RINGS_MAX 20

/* coalesce: 6.3 TX aggregation, 6.11 profiles, post-6.18 CQE frames/nsecs */
#define ETHTOOL_A_COALESCE_TX_AGGR_MAX_BYTES 26
#define ETHTOOL_A_COALESCE_TX_AGGR_MAX_FRAMES 27
#define ETHTOOL_A_COALESCE_TX_AGGR_TIME_USECS 28
#define ETHTOOL_A_COALESCE_RX_PROFILE 29
#define ETHTOOL_A_COALESCE_TX_PROFILE 30
#define ETHTOOL_A_COALESCE_RX_CQE_FRAMES 31
#define ETHTOOL_A_COALESCE_RX_CQE_NSECS 32
#define VXOFF_ETHTOOL_A_COALESCE_MAX 32

/* RSS (6.2; INPUT_XFRM 6.8, START_CONTEXT 6.12, FLOW_HASH 6.17) */
#define ETHTOOL_A_RSS_HEADER 1
#define ETHTOOL_A_RSS_CONTEXT 2
#define ETHTOOL_A_RSS_HFUNC 3
#define ETHTOOL_A_RSS_INDIR 4
#define ETHTOOL_A_RSS_HKEY 5
#define ETHTOOL_A_RSS_INPUT_XFRM 6
#define ETHTOOL_A_RSS_START_CONTEXT 7
#define ETHTOOL_A_RSS_FLOW_HASH 8
#define VXOFF_ETHTOOL_A_RSS_MAX 8

/* flow types inside ETHTOOL_A_RSS_FLOW_HASH (6.17) */
#define ETHTOOL_A_FLOW_ETHER 1
#define ETHTOOL_A_FLOW_IP4 2
#define ETHTOOL_A_FLOW_IP6 3
#define ETHTOOL_A_FLOW_TCP4 4
#define ETHTOOL_A_FLOW_TCP6 5
#define ETHTOOL_A_FLOW_UDP4 6
#define ETHTOOL_A_FLOW_UDP6 7
#define VXOFF_ETHTOOL_A_FLOW_MAX 27

/* RSS hash fields and input transforms */
#define RXH_GTP_TEID (1 << 8)	   /* 6.9 */
#define RXH_IP6_FL (1 << 9)	   /* 6.17 */
#define RXH_XFRM_SYM_XOR (1 << 0)  /* 6.8 */
#define RXH_XFRM_SYM_OR_XOR (1 << 1) /* 6.15 */
#define RXH_XFRM_NO_CHANGE 0xff	   /* 6.8 */

/* string sets */
#define ETH_SS_STATS_PHY 21 /* 6.16 */
#define ETH_SS_TS_FLAGS 22  /* 6.14 */

/* ---- the netdev generic netlink family: no <linux/netdev.h> in 6.1 at all ---- */
#define NETDEV_FAMILY_NAME "netdev"
#define NETDEV_FAMILY_VERSION 1
#define NETDEV_MCGRP_MGMT "mgmt"
#define NETDEV_MCGRP_PAGE_POOL "page-pool"

#define NETDEV_CMD_DEV_GET 1	   /* 6.3 */
#define NETDEV_CMD_PAGE_POOL_GET 5 /* 6.8 */
#define NETDEV_CMD_QUEUE_GET 10	   /* 6.8 */
#define NETDEV_CMD_NAPI_GET 11	   /* 6.8 */
#define NETDEV_CMD_QSTATS_GET 12   /* 6.9 */
#define NETDEV_CMD_NAPI_SET 14	   /* 6.13 */

#define NETDEV_A_NAPI_IFINDEX 1		    /* 6.8 */
#define NETDEV_A_NAPI_ID 2		    /* 6.8 */
#define NETDEV_A_NAPI_IRQ 3		    /* 6.8 */
#define NETDEV_A_NAPI_PID 4		    /* 6.8 */
#define NETDEV_A_NAPI_DEFER_HARD_IRQS 5	    /* 6.13 */
#define NETDEV_A_NAPI_GRO_FLUSH_TIMEOUT 6   /* 6.13 */
#define NETDEV_A_NAPI_IRQ_SUSPEND_TIMEOUT 7 /* 6.13 */
#define NETDEV_A_NAPI_THREADED 8	    /* 6.17 */
#define VXOFF_NETDEV_A_NAPI_MAX 8

#define NETDEV_A_QUEUE_ID 1	  /* 6.8 */
#define NETDEV_A_QUEUE_IFINDEX 2  /* 6.8 */
#define NETDEV_A_QUEUE_TYPE 3	  /* 6.8 */
#define NETDEV_A_QUEUE_NAPI_ID 4  /* 6.8 */
#define NETDEV_A_QUEUE_DMABUF 5	  /* 6.12 */
#define NETDEV_A_QUEUE_IO_URING 6 /* 6.15 */
#define NETDEV_A_QUEUE_XSK 7	  /* 6.15 */
#define VXOFF_NETDEV_A_QUEUE_MAX 8

#define NETDEV_QUEUE_TYPE_RX 0
#define NETDEV_QUEUE_TYPE_TX 1

#define NETDEV_NAPI_THREADED_DISABLED 0	 /* 6.17 */
#define NETDEV_NAPI_THREADED_ENABLED 1	 /* 6.17 */
#define NETDEV_NAPI_THREADED_BUSY_POLL 2 /* 6.19 */

#endif

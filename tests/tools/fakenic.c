/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * The fake kernel of fakenic.h. Reply layouts follow the kernel's fill functions:
 * rtnl_fill_ifinfo(), ctrl_fill_info(), ethnl_fill_reply_header(), ethnl_put_bitset32() (compact:
 * NOMASK, SIZE, VALUE, MASK; verbose: NOMASK, SIZE, BITS), strset/features/channels/rings/
 * coalesce/rss/tunnels fill_reply(), netdev_nl_queue_fill_one(), netdev_nl_napi_fill_one(),
 * netlink_ack() with NETLINK_CAP_ACK and extended ack, netlink_dump_done().
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <net/if_arp.h>

#include <linux/ethtool.h>
#include <linux/ethtool_netlink.h>
#include <linux/genetlink.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "netlink/compat.h"
#include "netlink/replay.h"
#include "fakenic.h"

/* <linux/if.h> clashes with <net/if.h>: the few values needed */
#define FK_IFF_LOWER_UP 0x10000u
#define FK_OPER_UNKNOWN 0
#define FK_OPER_UP 6

const char *const fk_feature_names[64] = {
	"tx-scatter-gather", "tx-checksum-ipv4", "", "tx-checksum-ip-generic",
	"tx-checksum-ipv6", "highdma", "tx-scatter-gather-fraglist", "tx-vlan-hw-insert",
	"rx-vlan-hw-parse", "rx-vlan-filter", "vlan-challenged", "tx-generic-segmentation",
	"", "", "rx-gro", "rx-lro",
	"tx-tcp-segmentation", "tx-gso-robust", "tx-tcp-ecn-segmentation",
	"tx-tcp-mangleid-segmentation",
	"tx-tcp6-segmentation", "tx-fcoe-segmentation", "tx-gre-segmentation",
	"tx-gre-csum-segmentation",
	"tx-ipxip4-segmentation", "tx-ipxip6-segmentation", "tx-udp_tnl-segmentation",
	"tx-udp_tnl-csum-segmentation",
	"tx-gso-partial", "tx-tunnel-remcsum-segmentation", "tx-sctp-segmentation",
	"tx-esp-segmentation",
	"", "tx-udp-segmentation", "tx-gso-list", "tx-tcp-accecn-segmentation",
	"tx-checksum-fcoe-crc", "tx-checksum-sctp", "rx-ntuple-filter", "rx-hashing",
	"rx-checksum", "tx-nocache-copy", "loopback", "rx-fcs",
	"rx-all", "tx-vlan-stag-hw-insert", "rx-vlan-stag-hw-parse", "rx-vlan-stag-filter",
	"l2-fwd-offload", "hw-tc-offload", "esp-hw-offload", "esp-tx-csum-hw-offload",
	"rx-udp_tunnel-port-offload", "tls-hw-tx-offload", "tls-hw-rx-offload", "rx-gro-hw",
	"tls-hw-record", "rx-gro-list", "macsec-hw-offload", "rx-udp-gro-forwarding",
	"hsr-tag-ins-offload", "hsr-tag-rm-offload", "hsr-fwd-offload", "hsr-dup-offload",
};

static const char *const hfunc_names[] = { "toeplitz", "xor", "crc32" };
static const char *const tunnel_type_names[] = { "vxlan", "geneve", "vxlan-gpe" };

uint64_t fk_feature(const char *name)
{
	for (int i = 0; i < 64; i++)
		if (fk_feature_names[i][0] && !strcmp(fk_feature_names[i], name))
			return 1ull << i;
	fprintf(stderr, "fakenic: no feature '%s'\n", name);
	abort();
}

static uint64_t feats(const char *const *names)
{
	uint64_t v = 0;

	for (; *names; names++)
		v |= fk_feature(*names);
	return v;
}

/* ---- the devices ---- */

static void dev_lo(struct fk_dev *d)
{
	static const char *const hw[] = { "tx-udp-segmentation", "rx-gro",
					  "rx-udp-gro-forwarding", "rx-gro-list", NULL };
	static const char *const active[] = {
		"tx-scatter-gather", "tx-checksum-ip-generic", "highdma",
		"tx-scatter-gather-fraglist", "tx-generic-segmentation", "rx-gro",
		"tx-tcp-segmentation", "tx-tcp-ecn-segmentation", "tx-tcp-mangleid-segmentation",
		"tx-tcp6-segmentation", "tx-sctp-segmentation", "tx-udp-segmentation",
		"tx-gso-list", "rx-checksum", "loopback", "vlan-challenged", NULL
	};

	memset(d, 0, sizeof(*d));
	d->ifindex = 1;
	d->name = "lo";
	d->arptype = ARPHRD_LOOPBACK;
	d->flags = IFF_UP | IFF_LOOPBACK | IFF_RUNNING | FK_IFF_LOWER_UP;
	d->mtu = 65536;
	d->min_mtu = 0;
	d->max_mtu = 0;
	d->num_txq = d->num_rxq = 1;
	d->has_features = true;
	d->f_hw = feats(hw);
	d->f_active = feats(active);
	d->f_wanted = d->f_active & d->f_hw;
	d->f_nochange = fk_feature("vlan-challenged");
	d->nq_rx = d->nq_tx = 1;
}

static void dev_vxlan(struct fk_dev *d)
{
	static const char *const hw[] = { "tx-scatter-gather", "tx-checksum-ip-generic",
					  "tx-generic-segmentation", "rx-gro",
					  "tx-tcp-segmentation", "tx-tcp6-segmentation",
					  "tx-udp-segmentation", "rx-checksum",
					  "rx-udp-gro-forwarding", "rx-gro-list", NULL };
	static const char *const active[] = { "tx-scatter-gather", "tx-checksum-ip-generic",
					      "tx-generic-segmentation", "rx-gro",
					      "tx-tcp-segmentation", "tx-tcp6-segmentation",
					      "tx-udp-segmentation", "rx-checksum", NULL };

	memset(d, 0, sizeof(*d));
	d->ifindex = 3;
	d->name = "vxlan100";
	d->kind = "vxlan";
	d->arptype = ARPHRD_ETHER;
	d->flags = IFF_UP | IFF_BROADCAST | IFF_MULTICAST | IFF_RUNNING | FK_IFF_LOWER_UP;
	d->mtu = 1450;
	d->min_mtu = 68;
	d->max_mtu = 65535;
	memcpy(d->mac, "\x02\x00\x5e\x10\x00\x64", 6);
	d->num_txq = d->num_rxq = 1;
	d->vxlan_vni = 100;
	d->vxlan_link = 2;
	d->vxlan_port = 4789;
	d->vxlan_remote_be = htonl(0xc6120002); /* 198.18.0.2 */
	d->has_features = true;
	d->f_hw = feats(hw);
	d->f_active = feats(active);
	d->f_wanted = d->f_active;
	d->f_nochange = 0;
	d->nq_rx = d->nq_tx = 1;
	d->driver = "vxlan";
	d->version = "0.1";
	d->fw = "";
	d->bus = "";
}

static void dev_nic(struct fk_dev *d, bool tnl)
{
	static const char *const hw_common[] = {
		"tx-scatter-gather", "tx-checksum-ipv4", "tx-checksum-ipv6", "tx-vlan-hw-insert",
		"rx-vlan-hw-parse", "rx-vlan-filter", "tx-generic-segmentation", "rx-gro", "rx-lro",
		"tx-tcp-segmentation", "tx-tcp-ecn-segmentation", "tx-tcp-mangleid-segmentation",
		"tx-tcp6-segmentation", "tx-udp-segmentation", "rx-ntuple-filter", "rx-hashing",
		"rx-checksum", "rx-fcs", "rx-all", "hw-tc-offload", "rx-gro-hw", "rx-gro-list",
		"rx-udp-gro-forwarding", NULL
	};
	static const char *const active_common[] = {
		"tx-scatter-gather", "tx-checksum-ipv4", "tx-checksum-ipv6", "highdma",
		"tx-vlan-hw-insert", "rx-vlan-hw-parse", "rx-vlan-filter",
		"tx-generic-segmentation", "rx-gro", "tx-tcp-segmentation",
		"tx-tcp-ecn-segmentation", "tx-tcp-mangleid-segmentation", "tx-tcp6-segmentation",
		"tx-udp-segmentation", "rx-hashing", "rx-checksum", NULL
	};
	static const char *const tnl_feats[] = { "tx-udp_tnl-segmentation",
						 "tx-udp_tnl-csum-segmentation", "tx-gso-partial",
						 "rx-udp_tunnel-port-offload", NULL };
	/* a 40-byte Toeplitz key (the one from Microsoft's RSS spec, widely used as default) */
	static const uint8_t key[40] = {
		0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3,
		0x8f, 0xb0, 0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3,
		0x80, 0x30, 0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
	};
	const uint32_t l4 = RXH_IP_SRC | RXH_IP_DST | RXH_L4_B_0_1 | RXH_L4_B_2_3;
	const uint32_t ip = RXH_IP_SRC | RXH_IP_DST;
	uint32_t nq = tnl ? 63 : 8;

	memset(d, 0, sizeof(*d));
	d->ifindex = 2;
	d->name = "eth0";
	d->arptype = ARPHRD_ETHER;
	d->flags = IFF_UP | IFF_BROADCAST | IFF_MULTICAST | IFF_RUNNING | FK_IFF_LOWER_UP;
	d->mtu = 1500;
	d->min_mtu = 68;
	d->max_mtu = tnl ? 9978 : 9216;
	memcpy(d->mac, tnl ? "\x02\x00\x5e\x00\x53\x01" : "\x02\x00\x5e\x00\x53\x02", 6);
	d->num_txq = nq;
	d->num_rxq = nq;

	d->has_features = true;
	d->f_hw = feats(hw_common) | (tnl ? feats(tnl_feats) : 0);
	d->f_active = feats(active_common) | (tnl ? feats(tnl_feats) : 0);
	d->f_wanted = d->f_active & d->f_hw;
	d->f_nochange = fk_feature("vlan-challenged");

	d->has_channels = true;
	d->ch[ETHTOOL_A_CHANNELS_COMBINED_MAX] = nq;
	d->ch[ETHTOOL_A_CHANNELS_COMBINED_COUNT] = nq;
	d->ch_present = 1u << ETHTOOL_A_CHANNELS_COMBINED_MAX |
			1u << ETHTOOL_A_CHANNELS_COMBINED_COUNT;

	d->has_rings = true;
	d->rg[ETHTOOL_A_RINGS_RX_MAX] = tnl ? 8192 : 4096;
	d->rg[ETHTOOL_A_RINGS_TX_MAX] = tnl ? 8192 : 4096;
	d->rg[ETHTOOL_A_RINGS_RX] = tnl ? 1024 : 256;
	d->rg[ETHTOOL_A_RINGS_TX] = tnl ? 1024 : 256;
	d->rg[ETHTOOL_A_RINGS_TCP_DATA_SPLIT] = ETHTOOL_TCP_DATA_SPLIT_DISABLED;
	d->rg_present = 1u << ETHTOOL_A_RINGS_RX_MAX | 1u << ETHTOOL_A_RINGS_TX_MAX |
			1u << ETHTOOL_A_RINGS_RX | 1u << ETHTOOL_A_RINGS_TX |
			1u << ETHTOOL_A_RINGS_TCP_DATA_SPLIT | 1u << ETHTOOL_A_RINGS_TX_PUSH |
			1u << ETHTOOL_A_RINGS_RX_PUSH;

	d->has_coalesce = true;
	if (tnl) {
		d->co[ETHTOOL_A_COALESCE_RX_USECS] = 8;
		d->co[ETHTOOL_A_COALESCE_RX_MAX_FRAMES] = 128;
		d->co[ETHTOOL_A_COALESCE_TX_USECS] = 16;
		d->co[ETHTOOL_A_COALESCE_TX_MAX_FRAMES] = 32;
		d->co[ETHTOOL_A_COALESCE_USE_ADAPTIVE_RX] = 1;
		d->co[ETHTOOL_A_COALESCE_USE_ADAPTIVE_TX] = 0;
		d->co[ETHTOOL_A_COALESCE_USE_CQE_MODE_RX] = 1;
		d->co[ETHTOOL_A_COALESCE_USE_CQE_MODE_TX] = 1;
		d->co_present = 1ull << ETHTOOL_A_COALESCE_RX_USECS |
				1ull << ETHTOOL_A_COALESCE_RX_MAX_FRAMES |
				1ull << ETHTOOL_A_COALESCE_TX_USECS |
				1ull << ETHTOOL_A_COALESCE_TX_MAX_FRAMES |
				1ull << ETHTOOL_A_COALESCE_USE_ADAPTIVE_RX |
				1ull << ETHTOOL_A_COALESCE_USE_ADAPTIVE_TX |
				1ull << ETHTOOL_A_COALESCE_USE_CQE_MODE_TX |
				1ull << ETHTOOL_A_COALESCE_USE_CQE_MODE_RX;
	} else {
		d->co[ETHTOOL_A_COALESCE_RX_USECS] = 3;
		d->co[ETHTOOL_A_COALESCE_TX_USECS] = 3;
		d->co_present = 1ull << ETHTOOL_A_COALESCE_RX_USECS |
				1ull << ETHTOOL_A_COALESCE_TX_USECS;
	}

	d->has_rss = true;
	d->hfunc = 1u << 0; /* toeplitz */
	d->indir_size = 128;
	d->indir_queues = nq;
	d->key_size = sizeof(key);
	memcpy(d->key, key, sizeof(key));
	d->flow[ETHTOOL_A_FLOW_IP4] = ip;
	d->flow[ETHTOOL_A_FLOW_IP6] = ip;
	d->flow[ETHTOOL_A_FLOW_TCP4] = l4;
	d->flow[ETHTOOL_A_FLOW_TCP6] = l4;
	d->flow[ETHTOOL_A_FLOW_UDP4] = tnl ? l4 : ip;
	d->flow[ETHTOOL_A_FLOW_UDP6] = tnl ? l4 : ip;
	d->flow_present = 1u << ETHTOOL_A_FLOW_IP4 | 1u << ETHTOOL_A_FLOW_IP6 |
			  1u << ETHTOOL_A_FLOW_TCP4 | 1u << ETHTOOL_A_FLOW_TCP6 |
			  1u << ETHTOOL_A_FLOW_UDP4 | 1u << ETHTOOL_A_FLOW_UDP6;

	d->has_tunnel = tnl;
	if (tnl) {
		d->tsize = 4;
		d->ttypes = 1u << ETHTOOL_UDP_TUNNEL_TYPE_VXLAN | 1u << ETHTOOL_UDP_TUNNEL_TYPE_GENEVE;
		d->nentries = 1;
		d->tport[0] = 4789;
		d->ttype[0] = ETHTOOL_UDP_TUNNEL_TYPE_VXLAN;
	}

	d->nq_rx = d->nq_tx = nq;
	d->napi_base = 8193;
	d->irq_base = 140;

	d->driver = tnl ? "mlx5_core" : "oldnic";
	d->version = tnl ? "6.18.0" : "2.1.0";
	d->fw = tnl ? "22.39.1002 (MT_0000000359)" : "1.63, 0x800009fa";
	d->bus = tnl ? "0000:3b:00.0" : "0000:05:00.0";
}

void fk_model_nic(struct fk_model *m, bool tunnel_offload)
{
	memset(m, 0, sizeof(*m));
	dev_lo(&m->devs[0]);
	dev_nic(&m->devs[1], tunnel_offload);
	dev_vxlan(&m->devs[2]);
	m->ndevs = 3;
}

/* ---- reply construction ---- */

#define DG_CAP (256 * 1024)
#define DG_SPLIT (16 * 1024) /* a dump datagram holds about this much, as an skb would */

struct dgram {
	unsigned char *p;
	size_t len;
};

struct out {
	struct dgram d[512];
	uint32_t n;
	bool want_new; /* the next message starts a datagram */
	uint32_t seq;
};

static unsigned char *cur(struct out *o)
{
	if (!o->n || o->want_new) {
		if (o->n == 512)
			abort();
		o->d[o->n].p = calloc(1, DG_CAP);
		if (!o->d[o->n].p)
			abort();
		o->d[o->n].len = 0;
		o->n++;
		o->want_new = false;
	}
	return o->d[o->n - 1].p;
}

/* Start a new datagram for the next message. */
static void next_dgram(struct out *o)
{
	if (o->n && o->d[o->n - 1].len)
		o->want_new = true;
}

static struct nlmsghdr *msg_start(struct out *o, uint16_t type, uint16_t flags)
{
	unsigned char *p = cur(o);
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(p + o->d[o->n - 1].len);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = o->seq;
	nlh->nlmsg_pid = FK_PORTID;
	return nlh;
}

static void msg_end(struct out *o, struct nlmsghdr *nlh, bool dump)
{
	o->d[o->n - 1].len += NLMSG_ALIGN(nlh->nlmsg_len);
	if (o->d[o->n - 1].len > DG_CAP - 65536)
		abort();
	if (dump && o->d[o->n - 1].len >= DG_SPLIT)
		next_dgram(o);
}

static struct nlmsghdr *genl_start(struct out *o, uint16_t fam, uint8_t cmd, uint8_t version,
				   uint16_t flags)
{
	struct nlmsghdr *nlh = msg_start(o, fam, flags);
	struct genlmsghdr *g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));

	g->cmd = cmd;
	g->version = version;
	return nlh;
}

/* netlink_ack() for a socket with NETLINK_CAP_ACK and NETLINK_EXT_ACK. */
static void ack(struct out *o, const struct nlmsghdr *req, int err, const char *msg,
		uint32_t offs)
{
	struct nlmsghdr *nlh;
	struct nlmsgerr *e;

	next_dgram(o);
	nlh = msg_start(o, NLMSG_ERROR, NLM_F_CAPPED | (msg || offs ? NLM_F_ACK_TLVS : 0));
	e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));
	e->error = err;
	e->msg = *req;
	if (msg)
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, msg);
	if (offs)
		mnl_attr_put_u32(nlh, NLMSGERR_ATTR_OFFS, offs);
	msg_end(o, nlh, false);
}

/* netlink_dump_done(): appended to the last datagram of the dump. */
static void done(struct out *o, int err)
{
	struct nlmsghdr *nlh = msg_start(o, NLMSG_DONE, NLM_F_MULTI);
	int *v = mnl_nlmsg_put_extra_header(nlh, sizeof(int));

	*v = err;
	msg_end(o, nlh, false);
}

/* ethnl_put_bitset32() */
static void put_bitset(struct nlmsghdr *nlh, uint16_t type, const uint32_t *val,
		       const uint32_t *mask, uint32_t nbits, const char *const *names,
		       bool compact)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, type), *bits, *bit;
	uint32_t nwords = (nbits + 31) / 32;

	if (!mask)
		mnl_attr_put(nlh, ETHTOOL_A_BITSET_NOMASK, 0, NULL);
	mnl_attr_put_u32(nlh, ETHTOOL_A_BITSET_SIZE, nbits);
	if (compact) {
		mnl_attr_put(nlh, ETHTOOL_A_BITSET_VALUE, nwords * 4, val);
		if (mask)
			mnl_attr_put(nlh, ETHTOOL_A_BITSET_MASK, nwords * 4, mask);
	} else {
		bits = mnl_attr_nest_start(nlh, ETHTOOL_A_BITSET_BITS);
		for (uint32_t i = 0; i < nbits; i++) {
			const uint32_t *w = mask ? mask : val;

			if (!(w[i / 32] >> (i % 32) & 1))
				continue;
			bit = mnl_attr_nest_start(nlh, ETHTOOL_A_BITSET_BITS_BIT);
			mnl_attr_put_u32(nlh, ETHTOOL_A_BITSET_BIT_INDEX, i);
			mnl_attr_put_strz(nlh, ETHTOOL_A_BITSET_BIT_NAME, names[i]);
			if (mask && (val[i / 32] >> (i % 32) & 1))
				mnl_attr_put(nlh, ETHTOOL_A_BITSET_BIT_VALUE, 0, NULL);
			mnl_attr_nest_end(nlh, bit);
		}
		mnl_attr_nest_end(nlh, bits);
	}
	mnl_attr_nest_end(nlh, nest);
}

static void put_bitset64(struct nlmsghdr *nlh, uint16_t type, uint64_t val, const uint64_t *mask,
			 bool compact)
{
	uint32_t v[2] = { (uint32_t)val, (uint32_t)(val >> 32) };
	uint32_t m[2];

	if (mask) {
		m[0] = (uint32_t)*mask;
		m[1] = (uint32_t)(*mask >> 32);
	}
	put_bitset(nlh, type, v, mask ? m : NULL, 64, fk_feature_names, compact);
}

/* ---- the model ---- */

struct fk_tr {
	struct fk_model *m;
	FILE *rec;
	struct out o;
	uint32_t next;
	bool dup;		/* the current request was recorded before: record nothing */
	struct seen {
		uint32_t proto;
		unsigned char *p;
		size_t len;
	} *seen;		/* requests recorded so far (normalised) */
	uint32_t nseen;
	char **ioc_seen;
	uint32_t nioc;
};

static void say(struct fk_model *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void say(struct fk_model *m, const char *fmt, ...)
{
	va_list ap;

	m->unhandled++;
	va_start(ap, fmt);
	fprintf(m->log ? m->log : stderr, "fakenic: ");
	vfprintf(m->log ? m->log : stderr, fmt, ap);
	fputc('\n', m->log ? m->log : stderr);
	va_end(ap);
}

static struct fk_dev *dev_by_index(struct fk_model *m, uint32_t ifindex)
{
	for (uint32_t i = 0; i < m->ndevs; i++)
		if (m->devs[i].ifindex == ifindex)
			return &m->devs[i];
	return NULL;
}

static struct fk_dev *dev_by_name(struct fk_model *m, const char *name)
{
	for (uint32_t i = 0; i < m->ndevs; i++)
		if (!strcmp(m->devs[i].name, name))
			return &m->devs[i];
	return NULL;
}

/* Parse a stream of attributes (the tests' input is the library's: trusted to be sane, but
 * still bounded). */
static void attrs(const void *p, size_t len, const struct nlattr **tb, uint32_t max)
{
	size_t off = 0;

	memset(tb, 0, (max + 1) * sizeof(*tb));
	while (len - off >= 4) {
		const struct nlattr *a = (const void *)((const char *)p + off);
		uint16_t t = a->nla_type & NLA_TYPE_MASK;

		if (a->nla_len < 4 || a->nla_len > len - off)
			return;
		if (t <= max)
			tb[t] = a;
		off += NLA_ALIGN(a->nla_len);
	}
}

static void nested(const struct nlattr *a, const struct nlattr **tb, uint32_t max)
{
	attrs(mnl_attr_get_payload(a), mnl_attr_get_payload_len(a), tb, max);
}

/* -- rtnetlink -- */

static void put_link(struct out *o, const struct fk_dev *d, uint16_t flags, bool dump)
{
	struct nlmsghdr *nlh = msg_start(o, RTM_NEWLINK, flags);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_type = d->arptype;
	ifi->ifi_index = (int)d->ifindex;
	ifi->ifi_flags = d->flags;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, d->name);
	mnl_attr_put_u32(nlh, IFLA_TXQLEN, 1000);
	mnl_attr_put_u8(nlh, IFLA_OPERSTATE,
			d->arptype == ARPHRD_LOOPBACK ? FK_OPER_UNKNOWN : FK_OPER_UP);
	mnl_attr_put_u8(nlh, IFLA_LINKMODE, 0);
	mnl_attr_put_u32(nlh, IFLA_MTU, d->mtu);
	mnl_attr_put_u32(nlh, IFLA_MIN_MTU, d->min_mtu);
	mnl_attr_put_u32(nlh, IFLA_MAX_MTU, d->max_mtu);
	mnl_attr_put_u32(nlh, IFLA_GROUP, 0);
	mnl_attr_put_u32(nlh, IFLA_PROMISCUITY, 0);
	mnl_attr_put_u32(nlh, IFLA_ALLMULTI, 0);
	mnl_attr_put_u32(nlh, IFLA_NUM_TX_QUEUES, d->num_txq);
	mnl_attr_put_u32(nlh, IFLA_GSO_MAX_SEGS, 65535);
	mnl_attr_put_u32(nlh, IFLA_GSO_MAX_SIZE, 65536);
	mnl_attr_put_u32(nlh, IFLA_GRO_MAX_SIZE, 65536);
	mnl_attr_put_u32(nlh, IFLA_GSO_IPV4_MAX_SIZE, 65536);
	mnl_attr_put_u32(nlh, IFLA_GRO_IPV4_MAX_SIZE, 65536);
	mnl_attr_put_u32(nlh, IFLA_TSO_MAX_SIZE, d->kind ? 524280 : 262144);
	mnl_attr_put_u32(nlh, IFLA_TSO_MAX_SEGS, 65535);
	mnl_attr_put_u32(nlh, IFLA_NUM_RX_QUEUES, d->num_rxq);
	mnl_attr_put_u8(nlh, IFLA_CARRIER, 1);
	mnl_attr_put_u32(nlh, IFLA_CARRIER_CHANGES, 2);
	mnl_attr_put_strz(nlh, IFLA_QDISC, d->num_txq > 1 ? "mq" : "noqueue");
	mnl_attr_put(nlh, IFLA_ADDRESS, 6, d->mac);
	mnl_attr_put(nlh, IFLA_BROADCAST, 6, d->arptype == ARPHRD_LOOPBACK ? d->mac : bcast);
	if (d->link)
		mnl_attr_put_u32(nlh, IFLA_LINK, d->link);
	if (!d->kind && d->arptype == ARPHRD_ETHER) {
		mnl_attr_put(nlh, IFLA_PERM_ADDRESS, 6, d->mac);
		mnl_attr_put_strz(nlh, IFLA_PARENT_DEV_NAME, d->bus);
		mnl_attr_put_strz(nlh, IFLA_PARENT_DEV_BUS_NAME, "pci");
	}
	if (d->kind) {
		struct nlattr *li = mnl_attr_nest_start(nlh, IFLA_LINKINFO), *data;

		mnl_attr_put_strz(nlh, IFLA_INFO_KIND, d->kind);
		if (!strcmp(d->kind, "vxlan")) {
			data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
			mnl_attr_put_u32(nlh, IFLA_VXLAN_ID, d->vxlan_vni);
			mnl_attr_put_u32(nlh, IFLA_VXLAN_GROUP, d->vxlan_remote_be);
			mnl_attr_put_u32(nlh, IFLA_VXLAN_LINK, d->vxlan_link);
			mnl_attr_put_u8(nlh, IFLA_VXLAN_TTL, 0);
			mnl_attr_put_u8(nlh, IFLA_VXLAN_TTL_INHERIT, 0);
			mnl_attr_put_u8(nlh, IFLA_VXLAN_TOS, 0);
			mnl_attr_put_u8(nlh, IFLA_VXLAN_DF, 0);
			mnl_attr_put_u32(nlh, IFLA_VXLAN_LABEL, 0);
			mnl_attr_put_u32(nlh, IFLA_VXLAN_LABEL_POLICY, 0);
			mnl_attr_put_u8(nlh, IFLA_VXLAN_LEARNING, 1);
			mnl_attr_put_u32(nlh, IFLA_VXLAN_AGEING, 300);
			mnl_attr_put_u32(nlh, IFLA_VXLAN_LIMIT, 0);
			mnl_attr_put_u16(nlh, IFLA_VXLAN_PORT, htons(d->vxlan_port));
			mnl_attr_put_u8(nlh, IFLA_VXLAN_UDP_CSUM, 1);
			mnl_attr_put_u8(nlh, IFLA_VXLAN_LOCALBYPASS, 1);
			mnl_attr_put(nlh, IFLA_VXLAN_RESERVED_BITS, 8,
				     "\xf7\xff\xff\xff\x00\x00\x00\xff");
			mnl_attr_nest_end(nlh, data);
		}
		mnl_attr_nest_end(nlh, li);
	}
	msg_end(o, nlh, dump);
}

static void rt_request(struct fk_tr *t, const struct nlmsghdr *req)
{
	struct fk_model *m = t->m;
	const struct nlattr *tb[IFLA_MAX + 1];
	const struct ifinfomsg *ifi;
	struct fk_dev *d = NULL;

	if (req->nlmsg_type != RTM_GETLINK || req->nlmsg_len < NLMSG_LENGTH(sizeof(*ifi))) {
		say(m, "unhandled rtnetlink message type %u", req->nlmsg_type);
		ack(&t->o, req, -EOPNOTSUPP, "fakenic: not modelled", 0);
		return;
	}
	ifi = mnl_nlmsg_get_payload(req);
	attrs((const char *)ifi + NLMSG_ALIGN(sizeof(*ifi)),
	      req->nlmsg_len - NLMSG_LENGTH(sizeof(*ifi)), tb, IFLA_MAX);
	if ((req->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP) {
		const char *kind = NULL;

		if (tb[IFLA_LINKINFO]) { /* strict checking: a kind filter */
			const struct nlattr *li[IFLA_INFO_MAX + 1];

			nested(tb[IFLA_LINKINFO], li, IFLA_INFO_MAX);
			if (li[IFLA_INFO_KIND])
				kind = mnl_attr_get_str(li[IFLA_INFO_KIND]);
		}
		for (uint32_t i = 0; i < m->ndevs; i++)
			if (!kind || (m->devs[i].kind && !strcmp(kind, m->devs[i].kind)))
				put_link(&t->o, &m->devs[i], NLM_F_MULTI, true);
		done(&t->o, 0);
		return;
	}
	if (tb[IFLA_IFNAME])
		d = dev_by_name(m, mnl_attr_get_str(tb[IFLA_IFNAME]));
	else if (ifi->ifi_index > 0)
		d = dev_by_index(m, (uint32_t)ifi->ifi_index);
	if (!d) {
		ack(&t->o, req, -ENODEV, NULL, 0);
		return;
	}
	put_link(&t->o, d, 0, false);
	if (req->nlmsg_flags & NLM_F_ACK)
		ack(&t->o, req, 0, NULL, 0);
}

/* -- genl controller -- */

static void ctrl_request(struct fk_tr *t, const struct nlmsghdr *req)
{
	struct fk_model *m = t->m;
	const struct nlattr *tb[CTRL_ATTR_MAX + 1];
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(req);
	struct nlattr *ops, *op, *grps, *grp;
	struct nlmsghdr *nlh;
	const char *name;
	bool eth;
	static const uint8_t netdev_ops[] = { 1, 5, 10, 11, 12, 13, 14, 15 };

	attrs((const char *)g + GENL_HDRLEN, req->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN), tb,
	      CTRL_ATTR_MAX);
	if (g->cmd != CTRL_CMD_GETFAMILY || !tb[CTRL_ATTR_FAMILY_NAME]) {
		say(m, "unhandled genl controller command %u", g->cmd);
		ack(&t->o, req, -EOPNOTSUPP, "fakenic: not modelled", 0);
		return;
	}
	name = mnl_attr_get_str(tb[CTRL_ATTR_FAMILY_NAME]);
	eth = !strcmp(name, "ethtool");
	if ((!eth && strcmp(name, "netdev")) || (eth && m->no_ethtool_family) ||
	    (!eth && m->no_netdev_family)) {
		ack(&t->o, req, -ENOENT, NULL, 0);
		return;
	}
	nlh = genl_start(&t->o, GENL_ID_CTRL, CTRL_CMD_NEWFAMILY, 2, 0);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, name);
	mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, eth ? FK_ETHTOOL_FAMILY : FK_NETDEV_FAMILY);
	mnl_attr_put_u32(nlh, CTRL_ATTR_VERSION, 1);
	mnl_attr_put_u32(nlh, CTRL_ATTR_HDRSIZE, 0);
	mnl_attr_put_u32(nlh, CTRL_ATTR_MAXATTR, 0);
	ops = mnl_attr_nest_start(nlh, CTRL_ATTR_OPS);
	for (uint32_t i = 0; i < (eth ? 50u : sizeof(netdev_ops)); i++) {
		op = mnl_attr_nest_start(nlh, (uint16_t)(i + 1));
		mnl_attr_put_u32(nlh, CTRL_ATTR_OP_ID, eth ? i + 1 : netdev_ops[i]);
		mnl_attr_put_u32(nlh, CTRL_ATTR_OP_FLAGS, GENL_CMD_CAP_DO | GENL_CMD_CAP_HASPOL);
		mnl_attr_nest_end(nlh, op);
	}
	mnl_attr_nest_end(nlh, ops);
	grps = mnl_attr_nest_start(nlh, CTRL_ATTR_MCAST_GROUPS);
	grp = mnl_attr_nest_start(nlh, 1);
	mnl_attr_put_strz(nlh, CTRL_ATTR_MCAST_GRP_NAME, eth ? "monitor" : "mgmt");
	mnl_attr_put_u32(nlh, CTRL_ATTR_MCAST_GRP_ID, eth ? 5 : 6);
	mnl_attr_nest_end(nlh, grp);
	mnl_attr_nest_end(nlh, grps);
	msg_end(&t->o, nlh, false);
	if (req->nlmsg_flags & NLM_F_ACK)
		ack(&t->o, req, 0, NULL, 0);
}

/* -- ethtool -- */

struct eth_req {
	const struct nlmsghdr *req;
	uint8_t cmd;
	bool dump;
	bool compact;
	struct fk_dev *dev;	/* do: the device */
	const struct nlattr *tb[16];
};

static void eth_header(struct nlmsghdr *nlh, const struct fk_dev *d)
{
	struct nlattr *h = mnl_attr_nest_start(nlh, 1);

	mnl_attr_put_u32(nlh, ETHTOOL_A_HEADER_DEV_INDEX, d->ifindex);
	mnl_attr_put_strz(nlh, ETHTOOL_A_HEADER_DEV_NAME, d->name);
	mnl_attr_nest_end(nlh, h);
}

static void put_strset(struct nlmsghdr *nlh, uint32_t id, const char *const *names, uint32_t n)
{
	struct nlattr *set = mnl_attr_nest_start(nlh, ETHTOOL_A_STRINGSETS_STRINGSET), *strs, *s;

	mnl_attr_put_u32(nlh, ETHTOOL_A_STRINGSET_ID, id);
	mnl_attr_put_u32(nlh, ETHTOOL_A_STRINGSET_COUNT, n);
	strs = mnl_attr_nest_start(nlh, ETHTOOL_A_STRINGSET_STRINGS);
	for (uint32_t i = 0; i < n; i++) {
		s = mnl_attr_nest_start(nlh, ETHTOOL_A_STRINGS_STRING);
		mnl_attr_put_u32(nlh, ETHTOOL_A_STRING_INDEX, i);
		mnl_attr_put_strz(nlh, ETHTOOL_A_STRING_VALUE, names[i]);
		mnl_attr_nest_end(nlh, s);
	}
	mnl_attr_nest_end(nlh, strs);
	mnl_attr_nest_end(nlh, set);
}

static void eth_strset(struct fk_tr *t, struct eth_req *r)
{
	const struct nlattr *sets = r->tb[ETHTOOL_A_STRSET_STRINGSETS], *set;
	struct nlmsghdr *nlh;
	struct nlattr *out;

	nlh = genl_start(&t->o, FK_ETHTOOL_FAMILY, ETHTOOL_MSG_STRSET_GET_REPLY, 1, 0);
	if (r->dev)
		eth_header(nlh, r->dev);
	out = mnl_attr_nest_start(nlh, ETHTOOL_A_STRSET_STRINGSETS);
	if (sets) {
		mnl_attr_for_each_nested(set, sets) {
			const struct nlattr *stb[ETHTOOL_A_STRINGSET_MAX + 1];
			uint32_t id;

			nested(set, stb, ETHTOOL_A_STRINGSET_MAX);
			if (!stb[ETHTOOL_A_STRINGSET_ID])
				continue;
			id = mnl_attr_get_u32(stb[ETHTOOL_A_STRINGSET_ID]);
			if (id == ETH_SS_FEATURES)
				put_strset(nlh, id, fk_feature_names, 64);
			else if (id == ETH_SS_RSS_HASH_FUNCS)
				put_strset(nlh, id, hfunc_names, 3);
			else if (id == ETH_SS_UDP_TUNNEL_TYPES)
				put_strset(nlh, id, tunnel_type_names, 3);
			else
				say(t->m, "string set %u is not modelled", id);
		}
	} else {
		say(t->m, "STRSET_GET of every set is not modelled");
	}
	mnl_attr_nest_end(nlh, out);
	msg_end(&t->o, nlh, false);
	if (r->req->nlmsg_flags & NLM_F_ACK)
		ack(&t->o, r->req, 0, NULL, 0);
}

static uint8_t reply_cmd(uint8_t cmd)
{
	switch (cmd) {
	case ETHTOOL_MSG_FEATURES_GET:
		return ETHTOOL_MSG_FEATURES_GET_REPLY;
	case ETHTOOL_MSG_CHANNELS_GET:
		return ETHTOOL_MSG_CHANNELS_GET_REPLY;
	case ETHTOOL_MSG_RINGS_GET:
		return ETHTOOL_MSG_RINGS_GET_REPLY;
	case ETHTOOL_MSG_COALESCE_GET:
		return ETHTOOL_MSG_COALESCE_GET_REPLY;
	case ETHTOOL_MSG_RSS_GET:
		return ETHTOOL_MSG_RSS_GET_REPLY;
	case ETHTOOL_MSG_TUNNEL_INFO_GET:
		return ETHTOOL_MSG_TUNNEL_INFO_GET_REPLY;
	default:
		return 0;
	}
}

static bool dev_has(const struct fk_dev *d, uint8_t cmd)
{
	switch (cmd) {
	case ETHTOOL_MSG_FEATURES_GET:
		return d->has_features;
	case ETHTOOL_MSG_CHANNELS_GET:
		return d->has_channels;
	case ETHTOOL_MSG_RINGS_GET:
		return d->has_rings;
	case ETHTOOL_MSG_COALESCE_GET:
		return d->has_coalesce;
	case ETHTOOL_MSG_RSS_GET:
		return d->has_rss;
	case ETHTOOL_MSG_TUNNEL_INFO_GET:
		return d->has_tunnel;
	default:
		return false;
	}
}

/* One reply message of cmd for d. */
static void eth_reply(struct fk_tr *t, const struct eth_req *r, struct fk_dev *d, uint16_t flags)
{
	bool compact = r->compact && !t->m->verbose_always;
	struct nlmsghdr *nlh = genl_start(&t->o, FK_ETHTOOL_FAMILY, reply_cmd(r->cmd), 1, flags);
	uint64_t all = UINT64_MAX;

	eth_header(nlh, d);
	switch (r->cmd) {
	case ETHTOOL_MSG_FEATURES_GET:
		put_bitset64(nlh, ETHTOOL_A_FEATURES_HW, d->f_hw, &all, compact);
		put_bitset64(nlh, ETHTOOL_A_FEATURES_WANTED, d->f_wanted, NULL, compact);
		put_bitset64(nlh, ETHTOOL_A_FEATURES_ACTIVE, d->f_active, NULL, compact);
		put_bitset64(nlh, ETHTOOL_A_FEATURES_NOCHANGE, d->f_nochange, NULL, compact);
		break;
	case ETHTOOL_MSG_CHANNELS_GET:
		for (uint16_t a = ETHTOOL_A_CHANNELS_RX_MAX; a <= ETHTOOL_A_CHANNELS_COMBINED_COUNT;
		     a++)
			if (d->ch_present & (1u << a))
				mnl_attr_put_u32(nlh, a, d->ch[a]);
		break;
	case ETHTOOL_MSG_RINGS_GET:
		for (uint16_t a = ETHTOOL_A_RINGS_RX_MAX; a <= 20; a++) {
			if (!(d->rg_present & (1u << a)))
				continue;
			if (a == ETHTOOL_A_RINGS_TCP_DATA_SPLIT || a == ETHTOOL_A_RINGS_TX_PUSH ||
			    a == ETHTOOL_A_RINGS_RX_PUSH)
				mnl_attr_put_u8(nlh, a, (uint8_t)d->rg[a]);
			else
				mnl_attr_put_u32(nlh, a, d->rg[a]);
		}
		break;
	case ETHTOOL_MSG_COALESCE_GET:
		for (uint16_t a = ETHTOOL_A_COALESCE_RX_USECS; a <= 32; a++) {
			if (!(d->co_present & (1ull << a)))
				continue;
			if (a == ETHTOOL_A_COALESCE_USE_ADAPTIVE_RX ||
			    a == ETHTOOL_A_COALESCE_USE_ADAPTIVE_TX ||
			    a == ETHTOOL_A_COALESCE_USE_CQE_MODE_TX ||
			    a == ETHTOOL_A_COALESCE_USE_CQE_MODE_RX)
				mnl_attr_put_u8(nlh, a, (uint8_t)d->co[a]);
			else
				mnl_attr_put_u32(nlh, a, d->co[a]);
		}
		break;
	case ETHTOOL_MSG_RSS_GET: {
		uint32_t indir[256];
		struct nlattr *fh;

		for (uint32_t i = 0; i < d->indir_size; i++)
			indir[i] = i % d->indir_queues; /* ethtool_rxfh_indir_default() */
		if (d->hfunc)
			mnl_attr_put_u32(nlh, ETHTOOL_A_RSS_HFUNC, d->hfunc);
		if (d->input_xfrm)
			mnl_attr_put_u32(nlh, ETHTOOL_A_RSS_INPUT_XFRM, d->input_xfrm);
		if (d->indir_size)
			mnl_attr_put(nlh, ETHTOOL_A_RSS_INDIR, d->indir_size * 4, indir);
		if (d->key_size)
			mnl_attr_put(nlh, ETHTOOL_A_RSS_HKEY, d->key_size, d->key);
		if (d->flow_present && !t->m->no_flow_hash) {
			fh = mnl_attr_nest_start(nlh, ETHTOOL_A_RSS_FLOW_HASH);
			for (uint16_t a = 1; a < 28; a++) /* nla_put_uint: 4 bytes when it fits */
				if (d->flow_present & (1u << a))
					mnl_attr_put_u32(nlh, a, d->flow[a]);
			mnl_attr_nest_end(nlh, fh);
		}
		break;
	}
	case ETHTOOL_MSG_TUNNEL_INFO_GET: {
		struct nlattr *ports = mnl_attr_nest_start(nlh, ETHTOOL_A_TUNNEL_INFO_UDP_PORTS);
		struct nlattr *table = mnl_attr_nest_start(nlh, ETHTOOL_A_TUNNEL_UDP_TABLE), *e;

		mnl_attr_put_u32(nlh, ETHTOOL_A_TUNNEL_UDP_TABLE_SIZE, d->tsize);
		put_bitset(nlh, ETHTOOL_A_TUNNEL_UDP_TABLE_TYPES, &d->ttypes, NULL, 3,
			   tunnel_type_names, compact);
		for (uint32_t i = 0; i < d->nentries; i++) {
			e = mnl_attr_nest_start(nlh, ETHTOOL_A_TUNNEL_UDP_TABLE_ENTRY);
			mnl_attr_put_u16(nlh, ETHTOOL_A_TUNNEL_UDP_ENTRY_PORT, htons(d->tport[i]));
			mnl_attr_put_u32(nlh, ETHTOOL_A_TUNNEL_UDP_ENTRY_TYPE, d->ttype[i]);
			mnl_attr_nest_end(nlh, e);
		}
		mnl_attr_nest_end(nlh, table);
		mnl_attr_nest_end(nlh, ports);
		break;
	}
	}
	msg_end(&t->o, nlh, r->dump);
}

static bool gone(struct fk_model *m, const struct fk_dev *d)
{
	return m->vanish_ifindex && d->ifindex == m->vanish_ifindex;
}

static void eth_request(struct fk_tr *t, const struct nlmsghdr *req)
{
	struct fk_model *m = t->m;
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(req);
	const struct nlattr *htb[ETHTOOL_A_HEADER_MAX + 1];
	const struct nlattr *hdr;
	struct eth_req r = { .req = req, .cmd = g->cmd };
	uint32_t hflags = 0;

	r.dump = (req->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
	attrs((const char *)g + GENL_HDRLEN, req->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN), r.tb, 15);
	hdr = r.tb[1];
	if (!hdr) {
		/* every GET we model needs a header, global STRSET too (measured) */
		ack(&t->o, req, -EINVAL, "request header missing", 0);
		return;
	}
	if (!(hdr->nla_type & NLA_F_NESTED)) {
		ack(&t->o, req, -EINVAL, "NLA_F_NESTED is missing",
		    (uint32_t)((const char *)hdr - (const char *)req));
		return;
	}
	nested(hdr, htb, ETHTOOL_A_HEADER_MAX);
	if (htb[ETHTOOL_A_HEADER_FLAGS]) {
		hflags = mnl_attr_get_u32(htb[ETHTOOL_A_HEADER_FLAGS]);
		if (hflags & ~(uint32_t)ETHTOOL_FLAG_ALL) {
			ack(&t->o, req, -EINVAL, "unrecognized request flags",
			    (uint32_t)((const char *)htb[ETHTOOL_A_HEADER_FLAGS] -
				       (const char *)req));
			return;
		}
	}
	r.compact = hflags & ETHTOOL_FLAG_COMPACT_BITSETS;
	if (htb[ETHTOOL_A_HEADER_DEV_INDEX] && !r.dump) {
		const struct nlattr *a = htb[ETHTOOL_A_HEADER_DEV_INDEX];

		r.dev = dev_by_index(m, mnl_attr_get_u32(a));
		if (!r.dev || gone(m, r.dev)) {
			ack(&t->o, req, -ENODEV, "no device matches ifindex",
			    (uint32_t)((const char *)a - (const char *)req));
			return;
		}
	} else if (htb[ETHTOOL_A_HEADER_DEV_NAME] && !r.dump) {
		say(m, "ethtool requests by device name are not modelled");
		ack(&t->o, req, -EOPNOTSUPP, "fakenic: not modelled", 0);
		return;
	}

	if (r.cmd == ETHTOOL_MSG_STRSET_GET && !r.dump) {
		eth_strset(t, &r);
		return;
	}
	if (!reply_cmd(r.cmd)) {
		say(m, "unhandled ethtool command %u", r.cmd);
		ack(&t->o, req, -EOPNOTSUPP, "fakenic: not modelled", 0);
		return;
	}
	if (!r.dump) {
		if (!r.dev) {
			ack(&t->o, req, -EINVAL, "neither ifindex nor name specified", 0);
			return;
		}
		if (!dev_has(r.dev, r.cmd)) {
			ack(&t->o, req, -EOPNOTSUPP,
			    r.cmd == ETHTOOL_MSG_TUNNEL_INFO_GET
				    ? "device does not report tunnel offload info"
				    : NULL,
			    0);
			return;
		}
		eth_reply(t, &r, r.dev, 0);
		if (req->nlmsg_flags & NLM_F_ACK)
			ack(&t->o, req, 0, NULL, 0);
		return;
	}
	if (r.cmd == ETHTOOL_MSG_RSS_GET && m->rss_no_dump) {
		ack(&t->o, req, -EOPNOTSUPP, NULL, 0); /* genl: an op without dumpit */
		return;
	}
	/* ethnl_default_dumpit() skips devices without the op; tunnels.c's own dumpit keeps
	 * the last device's EOPNOTSUPP as the dump's result */
	{
		int last = 0;

		for (uint32_t i = 0; i < m->ndevs; i++) {
			struct fk_dev *d = &m->devs[i];

			if (gone(m, d))
				continue;
			if (!dev_has(d, r.cmd)) {
				last = -EOPNOTSUPP;
				continue;
			}
			last = 0;
			eth_reply(t, &r, d, NLM_F_MULTI);
		}
		done(&t->o, r.cmd == ETHTOOL_MSG_TUNNEL_INFO_GET ? last : 0);
	}
}

/* -- netdev -- */

static void netdev_request(struct fk_tr *t, const struct nlmsghdr *req)
{
	struct fk_model *m = t->m;
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(req);
	const struct nlattr *tb[16];
	uint32_t filter = 0;
	uint16_t fattr;

	attrs((const char *)g + GENL_HDRLEN, req->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN), tb, 15);
	if ((g->cmd != NETDEV_CMD_QUEUE_GET && g->cmd != NETDEV_CMD_NAPI_GET) ||
	    (req->nlmsg_flags & NLM_F_DUMP) != NLM_F_DUMP) {
		say(m, "unhandled netdev command %u (flags 0x%x)", g->cmd, req->nlmsg_flags);
		ack(&t->o, req, -EOPNOTSUPP, "fakenic: not modelled", 0);
		return;
	}
	fattr = g->cmd == NETDEV_CMD_QUEUE_GET ? NETDEV_A_QUEUE_IFINDEX : NETDEV_A_NAPI_IFINDEX;
	if (tb[fattr]) {
		struct fk_dev *d;

		filter = mnl_attr_get_u32(tb[fattr]);
		d = dev_by_index(m, filter);
		if (!d || gone(m, d)) {
			ack(&t->o, req, -ENODEV, NULL, 0);
			return;
		}
	}
	for (uint32_t i = 0; i < m->ndevs; i++) {
		const struct fk_dev *d = &m->devs[i];

		if ((filter && d->ifindex != filter) || gone(m, d) || !(d->flags & IFF_UP))
			continue;
		if (g->cmd == NETDEV_CMD_QUEUE_GET) {
			for (uint32_t type = 0; type < 2; type++) {
				uint32_t n = type == NETDEV_QUEUE_TYPE_RX ? d->nq_rx : d->nq_tx;

				for (uint32_t q = 0; q < n; q++) {
					struct nlmsghdr *nlh = genl_start(&t->o, FK_NETDEV_FAMILY,
									  NETDEV_CMD_QUEUE_GET, 1,
									  NLM_F_MULTI);

					mnl_attr_put_u32(nlh, NETDEV_A_QUEUE_ID, q);
					mnl_attr_put_u32(nlh, NETDEV_A_QUEUE_TYPE, type);
					mnl_attr_put_u32(nlh, NETDEV_A_QUEUE_IFINDEX, d->ifindex);
					if (d->napi_base)
						mnl_attr_put_u32(nlh, NETDEV_A_QUEUE_NAPI_ID,
								 d->napi_base + q);
					msg_end(&t->o, nlh, true);
				}
			}
		} else if (d->napi_base) {
			/* the device's napi_list is newest first: so is the dump */
			for (uint32_t q = d->nq_rx; q-- > 0;) {
				struct nlmsghdr *nlh = genl_start(&t->o, FK_NETDEV_FAMILY,
								  NETDEV_CMD_NAPI_GET, 1,
								  NLM_F_MULTI);

				mnl_attr_put_u32(nlh, NETDEV_A_NAPI_ID, d->napi_base + q);
				mnl_attr_put_u32(nlh, NETDEV_A_NAPI_IFINDEX, d->ifindex);
				if (d->irq_base)
					mnl_attr_put_u32(nlh, NETDEV_A_NAPI_IRQ, d->irq_base + q);
				mnl_attr_put_u32(nlh, NETDEV_A_NAPI_THREADED, 0);
				mnl_attr_put_u32(nlh, NETDEV_A_NAPI_DEFER_HARD_IRQS, 0);
				mnl_attr_put_u32(nlh, NETDEV_A_NAPI_IRQ_SUSPEND_TIMEOUT, 0);
				mnl_attr_put_u32(nlh, NETDEV_A_NAPI_GRO_FLUSH_TIMEOUT, 0);
				msg_end(&t->o, nlh, true);
			}
		}
	}
	done(&t->o, 0);
}

/* ---- the transport ---- */

static void out_clear(struct out *o)
{
	for (uint32_t i = 0; i < o->n; i++)
		free(o->d[i].p);
	o->n = 0;
	o->want_new = false;
}

static bool seen_before(struct fk_tr *t, uint32_t proto, const void *buf, size_t len)
{
	struct seen *s;
	unsigned char *norm = malloc(len ? len : 1);

	if (!norm)
		abort();
	memcpy(norm, buf, len); /* malloc'd: aligned for the normaliser's nlmsghdr access */
	vxoff__nl_normalise(norm, len, 0, 0);
	for (uint32_t i = 0; i < t->nseen; i++)
		if (t->seen[i].proto == proto && t->seen[i].len == len &&
		    !memcmp(t->seen[i].p, norm, len)) {
			free(norm);
			return true;
		}
	s = realloc(t->seen, (t->nseen + 1) * sizeof(*s));
	if (!s)
		abort();
	t->seen = s;
	s[t->nseen].proto = proto;
	s[t->nseen].p = norm;
	s[t->nseen].len = len;
	t->nseen++;
	return false;
}

static int fk_send(void *priv, struct vxoff_ctx *ctx, uint32_t proto, const void *buf,
		   size_t len)
{
	struct fk_tr *t = priv;
	const struct nlmsghdr *req = buf;

	(void)ctx;
	out_clear(&t->o);
	t->next = 0;
	t->o.seq = req->nlmsg_seq;
	if (t->rec) {
		t->dup = seen_before(t, proto, buf, len);
		if (!t->dup)
			vxoff__replay_write(t->rec, "req", proto, buf, len, true);
	}
	if (len < sizeof(*req) || req->nlmsg_len != len) {
		say(t->m, "a request of %zu bytes says nlmsg_len %u", len,
		    len >= sizeof(*req) ? req->nlmsg_len : 0);
		return -EINVAL;
	}
	if (proto == VXOFF__NL_ROUTE) {
		rt_request(t, req);
	} else if (len < NLMSG_LENGTH(GENL_HDRLEN)) {
		say(t->m, "a genl request without genlmsghdr");
		ack(&t->o, req, -EINVAL, NULL, 0);
	} else if (req->nlmsg_type == GENL_ID_CTRL) {
		ctrl_request(t, req);
	} else if (req->nlmsg_type == FK_ETHTOOL_FAMILY && !t->m->no_ethtool_family) {
		eth_request(t, req);
	} else if (req->nlmsg_type == FK_NETDEV_FAMILY && !t->m->no_netdev_family) {
		netdev_request(t, req);
	} else {
		say(t->m, "genl request to unknown family %u", req->nlmsg_type);
		ack(&t->o, req, -ENOENT, NULL, 0);
	}
	return 0;
}

static ssize_t fk_recv(void *priv, struct vxoff_ctx *ctx, uint32_t proto, void *buf, size_t cap)
{
	struct fk_tr *t = priv;
	struct dgram *d;

	(void)ctx;
	if (t->next >= t->o.n) {
		say(t->m, "the library waits for a reply that the kernel would not send");
		return -EAGAIN;
	}
	d = &t->o.d[t->next];
	if (d->len > cap)
		return (ssize_t)d->len; /* stays queued: MSG_PEEK | MSG_TRUNC */
	memcpy(buf, d->p, d->len);
	if (t->rec && !t->dup)
		vxoff__replay_write(t->rec, "rep", proto, d->p, d->len, true);
	t->next++;
	return (ssize_t)d->len;
}

static uint32_t fk_portid(void *priv, uint32_t proto)
{
	(void)priv;
	(void)proto;
	return FK_PORTID;
}

static int fk_ioctl(void *priv, struct vxoff_ctx *ctx, const char *ifname, void *data,
		    size_t len)
{
	struct fk_tr *t = priv;
	struct fk_dev *d = dev_by_name(t->m, ifname);
	uint32_t cmd;
	int err = 0;
	char key[64];
	bool dup = false;

	(void)ctx;
	memcpy(&cmd, data, sizeof(cmd));
	if (!d || gone(t->m, d)) {
		err = -ENODEV;
	} else if (cmd == ETHTOOL_GDRVINFO && len >= sizeof(struct ethtool_drvinfo)) {
		struct ethtool_drvinfo *di = data;

		if (!d->driver) {
			err = -EOPNOTSUPP;
		} else {
			snprintf(di->driver, sizeof(di->driver), "%s", d->driver);
			snprintf(di->version, sizeof(di->version), "%s", d->version);
			snprintf(di->fw_version, sizeof(di->fw_version), "%s", d->fw);
			snprintf(di->bus_info, sizeof(di->bus_info), "%s", d->bus);
			di->n_stats = d->num_rxq * 4;
		}
	} else if (cmd == ETHTOOL_GRXFH && len >= sizeof(struct ethtool_rxnfc)) {
		struct ethtool_rxnfc *nfc = data;
		uint32_t a = nfc->flow_type == TCP_V4_FLOW   ? ETHTOOL_A_FLOW_TCP4
			     : nfc->flow_type == UDP_V4_FLOW ? ETHTOOL_A_FLOW_UDP4
			     : nfc->flow_type == TCP_V6_FLOW ? ETHTOOL_A_FLOW_TCP6
			     : nfc->flow_type == UDP_V6_FLOW ? ETHTOOL_A_FLOW_UDP6
							     : 0;

		if (!d->has_rss || !a || !(d->flow_present & (1u << a)))
			err = -EOPNOTSUPP;
		else
			nfc->data = d->flow[a];
	} else {
		say(t->m, "ioctl command 0x%x on %s is not modelled", cmd, ifname);
		err = -EOPNOTSUPP;
	}
	if (t->rec) {
		snprintf(key, sizeof(key), "%s/%u", ifname, cmd);
		for (uint32_t i = 0; i < t->nioc && !dup; i++)
			dup = !strcmp(t->ioc_seen[i], key);
		if (!dup) {
			char **v = realloc(t->ioc_seen, (t->nioc + 1) * sizeof(*v));

			if (!v || !(v[t->nioc] = strdup(key)))
				abort();
			t->ioc_seen = v;
			t->nioc++;
			vxoff__replay_write_ioctl(t->rec, ifname, err, data, len);
		}
	}
	return err;
}

static void fk_free(void *priv)
{
	struct fk_tr *t = priv;

	out_clear(&t->o);
	for (uint32_t i = 0; i < t->nseen; i++)
		free(t->seen[i].p);
	free(t->seen);
	for (uint32_t i = 0; i < t->nioc; i++)
		free(t->ioc_seen[i]);
	free(t->ioc_seen);
	free(t);
}

int fk_transport_new(struct fk_model *m, FILE *rec, struct vxoff__transport *ret)
{
	struct fk_tr *t = calloc(1, sizeof(*t));

	if (!t)
		return -ENOMEM;
	t->m = m;
	t->rec = rec;
	ret->send = fk_send;
	ret->recv = fk_recv;
	ret->portid = fk_portid;
	ret->ethtool_ioctl = fk_ioctl;
	ret->free = fk_free;
	ret->priv = t;
	return 0;
}

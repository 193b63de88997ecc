/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * ethtool items over generic netlink: features, channels, rings, coalescing, RSS and UDP tunnel
 * port tables, for one device (a do request per item) or every device of the namespace (one
 * dump per message). Plus drvinfo, which only the legacy SIOCETHTOOL ioctl has.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include <linux/genetlink.h>

#include "netlink/compat.h"
#include "probe_internal.h"

#define ETHTOOL_ITEMS                                                                              \
	((1u << VXOFF_ITEM_FEATURES) | (1u << VXOFF_ITEM_CHANNELS) | (1u << VXOFF_ITEM_RINGS) |    \
	 (1u << VXOFF_ITEM_COALESCE) | (1u << VXOFF_ITEM_RSS) | (1u << VXOFF_ITEM_TUNNEL_PORTS))

/* Every message we read has its request header at attribute 1. */
#define HDR_ATTR 1
/* Largest attribute id any reply we parse uses (coalesce). */
#define TB_MAX VXOFF_ETHTOOL_A_COALESCE_MAX

/* State of one fill call, shared by every device it probes. */
struct fill {
	struct vxoff_ctx *ctx;
	uint16_t fam;
	uint64_t ops;		      /* CTRL_ATTR_OPS of the family; 0 = not listed */
	struct vxoff__strset *fnames; /* ETH_SS_FEATURES, one reference per device using it */
	struct vxoff__strset *hfuncs; /* ETH_SS_RSS_HASH_FUNCS, fetched on first need */
	bool hfuncs_tried;
};

/* msgs[] initialises by position, in this field order: 6 const rows, 8 bytes spare in each */
/* NOLINTNEXTLINE(clang-analyzer-optin.performance.Padding) */
struct msg {
	uint32_t item;
	uint8_t cmd;   /* user -> kernel */
	uint8_t reply; /* kernel -> user: a different numbering */
	uint32_t maxattr;
	uint32_t hflags; /* ETHTOOL_A_HEADER_FLAGS */
	const char *name;
	/* Fill di from the reply's attributes: 0, -EPROTO or -ENOMEM. */
	int (*parse)(struct fill *f, struct vxoff_devinfo *di, const struct nlattr *const *tb);
	/* A reply that is not about the device as a whole (an RSS context): skip it. */
	bool (*skip)(const struct nlattr *const *tb);
	/*
	 * The dump may end in EOPNOTSUPP after a complete walk: tunnels.c's dumpit skips a
	 * device without tables but returns its EOPNOTSUPP when that device was the last one.
	 */
	bool eopnotsupp_ends_dump;
};

/* ---- item data ---- */

static void item_clear(struct vxoff_devinfo *di, uint32_t item)
{
	switch (item) {
	case VXOFF_ITEM_FEATURES:
		vxoff__strset_put(di->fnames);
		di->fnames = NULL;
		di->nfeatures = 0;
		memset(di->f_hw, 0, sizeof(di->f_hw));
		memset(di->f_wanted, 0, sizeof(di->f_wanted));
		memset(di->f_active, 0, sizeof(di->f_active));
		memset(di->f_nochange, 0, sizeof(di->f_nochange));
		break;
	case VXOFF_ITEM_CHANNELS:
		memset(&di->channels, 0, sizeof(di->channels));
		break;
	case VXOFF_ITEM_RINGS:
		memset(&di->rings, 0, sizeof(di->rings));
		break;
	case VXOFF_ITEM_COALESCE:
		memset(&di->coal, 0, sizeof(di->coal));
		di->coal_present = 0;
		break;
	case VXOFF_ITEM_RSS:
		free(di->rss_indir);
		free(di->rss_key);
		di->rss_indir = NULL;
		di->rss_key = NULL;
		memset(&di->rss, 0, sizeof(di->rss));
		di->hfunc_name[0] = '\0';
		break;
	case VXOFF_ITEM_TUNNEL_PORTS:
		free(di->tables);
		free(di->ports);
		di->tables = NULL;
		di->ports = NULL;
		di->ntables = 0;
		di->nports = 0;
		break;
	}
}

/* Record an outcome with a message of our own (no last error involved). */
static int item_mark(struct vxoff_devinfo *di, uint32_t item, uint32_t cap, int err,
		     const char *msg)
{
	struct vxoff__item *it = &di->items[item];

	free(it->msg);
	it->cap = cap;
	it->err = err;
	it->msg = strdup(msg);
	return it->msg ? 0 : -ENOMEM;
}

/* ---- parsers ---- */

static int parse_features(struct fill *f, struct vxoff_devinfo *di, const struct nlattr *const *tb)
{
	static const uint32_t attrs[] = { ETHTOOL_A_FEATURES_HW, ETHTOOL_A_FEATURES_WANTED,
					  ETHTOOL_A_FEATURES_ACTIVE, ETHTOOL_A_FEATURES_NOCHANGE };
	uint32_t *words[] = { di->f_hw, di->f_wanted, di->f_active, di->f_nochange };
	uint32_t nbits[4];

	for (size_t i = 0; i < 4; i++) {
		/* the kernel always sends all four: a missing one is a broken reply */
		if (!tb[attrs[i]] ||
		    vxoff__bitset_parse(tb[attrs[i]], words[i], VXOFF__FEATURE_WORDS, &nbits[i],
					f->fnames) < 0)
			return -EPROTO;
	}
	di->nfeatures = nbits[0];
	if (di->nfeatures > VXOFF__FEATURE_WORDS * 32)
		di->nfeatures = VXOFF__FEATURE_WORDS * 32; /* bits past our words read as unset */
	di->fnames = f->fnames;
	f->fnames->refs++;
	return 0;
}

#define CH(a, m) [ETHTOOL_A_CHANNELS_##a] = offsetof(struct vxoff_channels, m)
static const uint8_t ch_off[ETHTOOL_A_CHANNELS_COMBINED_COUNT + 1] = {
	CH(RX_MAX, rx_max),	      CH(TX_MAX, tx_max),
	CH(OTHER_MAX, other_max),     CH(COMBINED_MAX, combined_max),
	CH(RX_COUNT, rx_count),	      CH(TX_COUNT, tx_count),
	CH(OTHER_COUNT, other_count), CH(COMBINED_COUNT, combined_count),
};
#undef CH

static int parse_channels(struct fill *f, struct vxoff_devinfo *di, const struct nlattr *const *tb)
{
	(void)f;
	for (uint32_t a = ETHTOOL_A_CHANNELS_RX_MAX; a <= ETHTOOL_A_CHANNELS_COMBINED_COUNT; a++) {
		uint32_t v;

		if (!tb[a])
			continue; /* that channel type is unsupported */
		if (vxoff__attr_u32(tb[a], &v) < 0)
			return -EPROTO;
		memcpy((char *)&di->channels + ch_off[a], &v, sizeof(v));
		di->channels.present |= 1u << a;
	}
	return 0;
}

#define RG(a, m) [ETHTOOL_A_RINGS_##a] = offsetof(struct vxoff_rings, m)
static const uint8_t ring_off[ETHTOOL_A_RINGS_HDS_THRESH_MAX + 1] = {
	RG(RX_MAX, rx_max),
	RG(RX_MINI_MAX, rx_mini_max),
	RG(RX_JUMBO_MAX, rx_jumbo_max),
	RG(TX_MAX, tx_max),
	RG(RX, rx),
	RG(RX_MINI, rx_mini),
	RG(RX_JUMBO, rx_jumbo),
	RG(TX, tx),
	RG(RX_BUF_LEN, rx_buf_len),
	RG(TCP_DATA_SPLIT, tcp_data_split),
	RG(CQE_SIZE, cqe_size),
	RG(TX_PUSH, tx_push),
	RG(RX_PUSH, rx_push),
	RG(TX_PUSH_BUF_LEN, tx_push_buf_len),
	RG(TX_PUSH_BUF_LEN_MAX, tx_push_buf_len_max),
	RG(HDS_THRESH, hds_thresh),
	RG(HDS_THRESH_MAX, hds_thresh_max),
};
#undef RG

/* Read a u8 or u32 attribute into a u32. */
static int attr_num(const struct nlattr *a, bool is_u8, uint32_t *v)
{
	uint8_t b;

	if (!is_u8)
		return vxoff__attr_u32(a, v);
	if (vxoff__attr_u8(a, &b) < 0)
		return -EPROTO;
	*v = b;
	return 0;
}

static int parse_rings(struct fill *f, struct vxoff_devinfo *di, const struct nlattr *const *tb)
{
	(void)f;
	for (uint32_t a = ETHTOOL_A_RINGS_RX_MAX; a <= ETHTOOL_A_RINGS_HDS_THRESH_MAX; a++) {
		bool is_u8 = a == ETHTOOL_A_RINGS_TCP_DATA_SPLIT || a == ETHTOOL_A_RINGS_TX_PUSH ||
			     a == ETHTOOL_A_RINGS_RX_PUSH;
		uint32_t v;

		if (!tb[a])
			continue;
		if (attr_num(tb[a], is_u8, &v) < 0)
			return -EPROTO;
		memcpy((char *)&di->rings + ring_off[a], &v, sizeof(v));
		di->rings.present |= 1u << a;
	}
	return 0;
}

static int parse_coalesce(struct fill *f, struct vxoff_devinfo *di, const struct nlattr *const *tb)
{
	(void)f;
	for (uint32_t a = ETHTOOL_A_COALESCE_RX_USECS; a <= VXOFF_COAL_PARAM_MAX; a++) {
		bool is_u8 = a == ETHTOOL_A_COALESCE_USE_ADAPTIVE_RX ||
			     a == ETHTOOL_A_COALESCE_USE_ADAPTIVE_TX ||
			     a == ETHTOOL_A_COALESCE_USE_CQE_MODE_TX ||
			     a == ETHTOOL_A_COALESCE_USE_CQE_MODE_RX;

		/* the IRQ moderation profiles are nests, not parameters */
		if (!tb[a] || a == ETHTOOL_A_COALESCE_RX_PROFILE ||
		    a == ETHTOOL_A_COALESCE_TX_PROFILE)
			continue;
		if (attr_num(tb[a], is_u8, &di->coal[a]) < 0)
			return -EPROTO;
		di->coal_present |= 1ull << a;
	}
	return 0;
}

static int parse_flow_hash(struct vxoff_devinfo *di, const struct nlattr *nest)
{
	static const struct {
		uint32_t attr;
		uint32_t has;
		size_t off;
	} flows[] = {
		{ ETHTOOL_A_FLOW_UDP4, VXOFF_RSS_HAS_UDP4_FIELDS,
		  offsetof(struct vxoff_rss, udp4_fields) },
		{ ETHTOOL_A_FLOW_UDP6, VXOFF_RSS_HAS_UDP6_FIELDS,
		  offsetof(struct vxoff_rss, udp6_fields) },
		{ ETHTOOL_A_FLOW_TCP4, VXOFF_RSS_HAS_TCP4_FIELDS,
		  offsetof(struct vxoff_rss, tcp4_fields) },
		{ ETHTOOL_A_FLOW_TCP6, VXOFF_RSS_HAS_TCP6_FIELDS,
		  offsetof(struct vxoff_rss, tcp6_fields) },
	};
	const struct nlattr *tb[VXOFF_ETHTOOL_A_FLOW_MAX + 1];

	if (vxoff__attr_parse_nested(nest, tb, VXOFF_ETHTOOL_A_FLOW_MAX) < 0)
		return -EPROTO;
	for (size_t i = 0; i < sizeof(flows) / sizeof(flows[0]); i++) {
		uint64_t v;
		uint32_t v32;

		if (!tb[flows[i].attr])
			continue;
		if (vxoff__attr_uint(tb[flows[i].attr], &v) < 0)
			return -EPROTO;
		v32 = (uint32_t)v; /* RXH_* bits all lie below bit 32 */
		memcpy((char *)&di->rss + flows[i].off, &v32, sizeof(v32));
		di->rss.present |= flows[i].has;
	}
	return 0;
}

static bool rss_other_context(const struct nlattr *const *tb)
{
	uint32_t c;

	/* a dump (6.12+) lists every additional context after context 0: only 0 is "the" RSS */
	return tb[ETHTOOL_A_RSS_CONTEXT] && vxoff__attr_u32(tb[ETHTOOL_A_RSS_CONTEXT], &c) == 0 &&
	       c != 0;
}

static int parse_rss(struct fill *f, struct vxoff_devinfo *di, const struct nlattr *const *tb)
{
	const struct nlattr *a;
	uint32_t len;

	(void)f;
	if (tb[ETHTOOL_A_RSS_HFUNC]) {
		if (vxoff__attr_u32(tb[ETHTOOL_A_RSS_HFUNC], &di->rss.hfunc) < 0)
			return -EPROTO;
		di->rss.present |= VXOFF_RSS_HAS_HFUNC;
	}
	if (tb[ETHTOOL_A_RSS_INPUT_XFRM]) {
		if (vxoff__attr_u32(tb[ETHTOOL_A_RSS_INPUT_XFRM], &di->rss.input_xfrm) < 0)
			return -EPROTO;
		di->rss.present |= VXOFF_RSS_HAS_INPUT_XFRM;
	}
	a = tb[ETHTOOL_A_RSS_INDIR];
	if (a) {
		len = mnl_attr_get_payload_len(a);
		if (len % sizeof(uint32_t))
			return -EPROTO;
		if (len) {
			di->rss_indir = malloc(len);
			if (!di->rss_indir)
				return -ENOMEM;
			memcpy(di->rss_indir, mnl_attr_get_payload(a), len);
		}
		di->rss.indir_size = len / sizeof(uint32_t);
		di->rss.present |= VXOFF_RSS_HAS_INDIR;
	}
	a = tb[ETHTOOL_A_RSS_HKEY];
	if (a) {
		len = mnl_attr_get_payload_len(a);
		if (len) {
			di->rss_key = malloc(len);
			if (!di->rss_key)
				return -ENOMEM;
			memcpy(di->rss_key, mnl_attr_get_payload(a), len);
		}
		di->rss.key_size = len;
		di->rss.present |= VXOFF_RSS_HAS_KEY;
	}
	if (tb[ETHTOOL_A_RSS_FLOW_HASH])
		return parse_flow_hash(di, tb[ETHTOOL_A_RSS_FLOW_HASH]);
	return 0;
}

/* Count, or with tables/ports set fill, the tables and entries of UDP_PORTS. */
static int walk_tunnel(const struct nlattr *ports, struct vxoff__tunnel_table *tables,
		       struct vxoff_tunnel_port *pv, uint32_t *ntables, uint32_t *nports)
{
	const struct nlattr *t, *e;
	uint32_t nt = 0, np = 0;

	if (vxoff__nest_check(ports) < 0)
		return -EPROTO;
	mnl_attr_for_each_nested(t, ports) {
		const struct nlattr *ttb[ETHTOOL_A_TUNNEL_UDP_TABLE_MAX + 1];
		uint32_t size, types = 0, first = np;

		if (mnl_attr_get_type(t) != ETHTOOL_A_TUNNEL_UDP_TABLE)
			continue;
		if (vxoff__nest_check(t) < 0 ||
		    vxoff__attr_parse_nested(t, ttb, ETHTOOL_A_TUNNEL_UDP_TABLE_MAX) < 0 ||
		    !ttb[ETHTOOL_A_TUNNEL_UDP_TABLE_SIZE] ||
		    vxoff__attr_u32(ttb[ETHTOOL_A_TUNNEL_UDP_TABLE_SIZE], &size) < 0)
			return -EPROTO;
		/* bit n = ETH_SS_UDP_TUNNEL_TYPES string n = ETHTOOL_UDP_TUNNEL_TYPE_* n */
		if (ttb[ETHTOOL_A_TUNNEL_UDP_TABLE_TYPES] &&
		    vxoff__bitset_parse(ttb[ETHTOOL_A_TUNNEL_UDP_TABLE_TYPES], &types, 1, NULL,
					NULL) < 0)
			return -EPROTO;
		mnl_attr_for_each_nested(e, t) {
			const struct nlattr *etb[ETHTOOL_A_TUNNEL_UDP_ENTRY_MAX + 1];
			uint16_t port_be;
			uint32_t type;

			if (mnl_attr_get_type(e) != ETHTOOL_A_TUNNEL_UDP_TABLE_ENTRY)
				continue;
			if (vxoff__attr_parse_nested(e, etb, ETHTOOL_A_TUNNEL_UDP_ENTRY_MAX) < 0 ||
			    !etb[ETHTOOL_A_TUNNEL_UDP_ENTRY_PORT] ||
			    !etb[ETHTOOL_A_TUNNEL_UDP_ENTRY_TYPE] ||
			    vxoff__attr_u16(etb[ETHTOOL_A_TUNNEL_UDP_ENTRY_PORT], &port_be) < 0 ||
			    vxoff__attr_u32(etb[ETHTOOL_A_TUNNEL_UDP_ENTRY_TYPE], &type) < 0)
				return -EPROTO;
			if (pv) {
				pv[np].sz = sizeof(pv[np]);
				pv[np].table = nt;
				pv[np].port = ntohs(port_be); /* the only big-endian attribute */
				pv[np].type = type;
			}
			np++;
		}
		if (tables) {
			tables[nt].size = size;
			tables[nt].types = types;
			tables[nt].first_port = first;
			tables[nt].port_count = np - first;
		}
		nt++;
	}
	*ntables = nt;
	*nports = np;
	return 0;
}

static int parse_tunnel(struct fill *f, struct vxoff_devinfo *di, const struct nlattr *const *tb)
{
	const struct nlattr *ports = tb[ETHTOOL_A_TUNNEL_INFO_UDP_PORTS];
	uint32_t nt, np;
	int r;

	(void)f;
	if (!ports)
		return 0; /* no tables */
	r = walk_tunnel(ports, NULL, NULL, &nt, &np);
	if (r < 0)
		return r;
	if (nt) {
		di->tables = calloc(nt, sizeof(*di->tables));
		if (!di->tables)
			return -ENOMEM;
	}
	if (np) {
		di->ports = calloc(np, sizeof(*di->ports));
		if (!di->ports)
			return -ENOMEM;
	}
	r = walk_tunnel(ports, di->tables, di->ports, &di->ntables, &di->nports);
	return r;
}

static const struct msg msgs[] = {
	{ VXOFF_ITEM_FEATURES, ETHTOOL_MSG_FEATURES_GET, ETHTOOL_MSG_FEATURES_GET_REPLY,
	  ETHTOOL_A_FEATURES_MAX, ETHTOOL_FLAG_COMPACT_BITSETS, "FEATURES_GET", parse_features,
	  NULL },
	{ VXOFF_ITEM_CHANNELS, ETHTOOL_MSG_CHANNELS_GET, ETHTOOL_MSG_CHANNELS_GET_REPLY,
	  ETHTOOL_A_CHANNELS_COMBINED_COUNT, 0, "CHANNELS_GET", parse_channels, NULL },
	{ VXOFF_ITEM_RINGS, ETHTOOL_MSG_RINGS_GET, ETHTOOL_MSG_RINGS_GET_REPLY,
	  ETHTOOL_A_RINGS_HDS_THRESH_MAX, 0, "RINGS_GET", parse_rings, NULL },
	{ VXOFF_ITEM_COALESCE, ETHTOOL_MSG_COALESCE_GET, ETHTOOL_MSG_COALESCE_GET_REPLY,
	  VXOFF_ETHTOOL_A_COALESCE_MAX, 0, "COALESCE_GET", parse_coalesce, NULL },
	{ VXOFF_ITEM_RSS, ETHTOOL_MSG_RSS_GET, ETHTOOL_MSG_RSS_GET_REPLY, VXOFF_ETHTOOL_A_RSS_MAX,
	  0, "RSS_GET", parse_rss, rss_other_context },
	{ VXOFF_ITEM_TUNNEL_PORTS, ETHTOOL_MSG_TUNNEL_INFO_GET, ETHTOOL_MSG_TUNNEL_INFO_GET_REPLY,
	  ETHTOOL_A_TUNNEL_INFO_MAX, ETHTOOL_FLAG_COMPACT_BITSETS, "TUNNEL_INFO_GET", parse_tunnel,
	  NULL, true },
};

/* ---- RSS details that need another request: hash function name, legacy flow hash ---- */

static int rss_finish(struct fill *f, struct vxoff_devinfo *di)
{
	static const struct {
		uint32_t flow_type;
		uint32_t has;
		size_t off;
	} flows[] = {
		{ UDP_V4_FLOW, VXOFF_RSS_HAS_UDP4_FIELDS, offsetof(struct vxoff_rss, udp4_fields) },
		{ UDP_V6_FLOW, VXOFF_RSS_HAS_UDP6_FIELDS, offsetof(struct vxoff_rss, udp6_fields) },
		{ TCP_V4_FLOW, VXOFF_RSS_HAS_TCP4_FIELDS, offsetof(struct vxoff_rss, tcp4_fields) },
		{ TCP_V6_FLOW, VXOFF_RSS_HAS_TCP6_FIELDS, offsetof(struct vxoff_rss, tcp6_fields) },
	};
	const uint32_t fields = VXOFF_RSS_HAS_UDP4_FIELDS | VXOFF_RSS_HAS_UDP6_FIELDS |
				VXOFF_RSS_HAS_TCP4_FIELDS | VXOFF_RSS_HAS_TCP6_FIELDS;
	int r;

	if (di->rss.hfunc && !f->hfuncs_tried) {
		f->hfuncs_tried = true;
		r = vxoff__strset_get(f->ctx, ETH_SS_RSS_HASH_FUNCS, &f->hfuncs);
		if (r == -ENOMEM)
			return r;
		/* without names the function is still known by its bit */
		vxoff__err_clear(f->ctx);
	}
	if (di->rss.hfunc && f->hfuncs) {
		uint32_t bit = (uint32_t)__builtin_ctz(di->rss.hfunc);

		if (bit < f->hfuncs->count && f->hfuncs->names[bit])
			snprintf(di->hfunc_name, sizeof(di->hfunc_name), "%s",
				 f->hfuncs->names[bit]);
	}
	if (di->rss.present & fields)
		return 0;
	/* no FLOW_HASH (before 6.17): the legacy ioctl has the same RXH_* bits */
	for (size_t i = 0; i < sizeof(flows) / sizeof(flows[0]); i++) {
		struct ethtool_rxnfc nfc;
		uint32_t v;

		memset(&nfc, 0, sizeof(nfc));
		nfc.cmd = ETHTOOL_GRXFH;
		nfc.flow_type = flows[i].flow_type;
		if (vxoff__ethtool_ioctl(f->ctx, di->ifname, &nfc, sizeof(nfc)) < 0) {
			vxoff__err_clear(f->ctx); /* the fields stay unknown, RSS itself is fine */
			continue;
		}
		v = (uint32_t)nfc.data;
		memcpy((char *)&di->rss + flows[i].off, &v, sizeof(v));
		di->rss.present |= flows[i].has;
	}
	return 0;
}

/* ---- requests ---- */

/* A do request for ifindex, or with di NULL a dump of every device (an empty header). */
static struct nlmsghdr *put_request(void *buf, const struct fill *f, const struct msg *m,
				    const struct vxoff_devinfo *di)
{
	struct nlmsghdr *nlh;
	struct nlattr *hdr;

	nlh = vxoff__genl_put(buf, f->fam, m->cmd, ETHTOOL_GENL_VERSION, di ? 0 : NLM_F_DUMP);
	/* the kernel rejects a header nest without NLA_F_NESTED (EINVAL) */
	hdr = mnl_attr_nest_start(nlh, HDR_ATTR);
	hdr->nla_type |= NLA_F_NESTED;
	if (di)
		mnl_attr_put_u32(nlh, ETHTOOL_A_HEADER_DEV_INDEX, di->link.ifindex);
	if (m->hflags)
		mnl_attr_put_u32(nlh, ETHTOOL_A_HEADER_FLAGS, m->hflags);
	mnl_attr_nest_end(nlh, hdr);
	return nlh;
}

struct req_state {
	struct fill *f;
	const struct msg *m;
	struct vxoff_devinfo *di; /* do: the device */
	struct vxoff_devlist *l;  /* dump: every device */
	bool seen;		  /* do: the reply came */
	uint32_t orphans;	  /* dump: replies that name no device we can tell */
};

/* Parse a reply's attributes and device. 1 = not a reply to us, 0, or -EPROTO. */
static int reply_open(const struct msg *m, const struct nlmsghdr *nlh, const struct nlattr **tb,
		      uint32_t *ifindex)
{
	const struct nlattr *htb[ETHTOOL_A_HEADER_DEV_INDEX + 1];
	const struct genlmsghdr *g;

	if (vxoff__nlmsg_check(nlh, GENL_HDRLEN) < 0)
		return -EPROTO;
	g = mnl_nlmsg_get_payload(nlh);
	if (g->cmd != m->reply)
		return 1;
	if (vxoff__attr_parse_msg(nlh, GENL_HDRLEN, tb, m->maxattr) < 0)
		return -EPROTO;
	*ifindex = 0;
	if (!tb[HDR_ATTR])
		return 0;
	if (vxoff__attr_parse_nested(tb[HDR_ATTR], htb, ETHTOOL_A_HEADER_DEV_INDEX) < 0 ||
	    (htb[ETHTOOL_A_HEADER_DEV_INDEX] &&
	     vxoff__attr_u32(htb[ETHTOOL_A_HEADER_DEV_INDEX], ifindex) < 0))
		return -EPROTO;
	return 0;
}

static int reply_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[TB_MAX + 1];
	struct req_state *st = data;
	const struct msg *m = st->m;
	struct vxoff_devinfo *di;
	uint32_t ifindex = 0;
	int r;

	r = reply_open(m, nlh, tb, &ifindex);
	if (r > 0)
		return 0;
	if (st->l) {
		if (r < 0 || !ifindex) {
			st->orphans++;
			return 0;
		}
		di = vxoff__devlist_find(st->l, ifindex);
		if (!di)
			return 0; /* created after the link dump */
	} else {
		if (r < 0)
			return r;
		if (ifindex && ifindex != st->di->link.ifindex)
			return 0;
		di = st->di;
	}
	if (m->skip && m->skip(tb))
		return 0;
	item_clear(di, m->item);
	r = m->parse(st->f, di, tb);
	if (r < 0)
		item_clear(di, m->item);
	if (!st->l) {
		st->seen = r == 0;
		return r;
	}
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		vxoff__err(st->f->ctx, r, VXOFF_REASON_MALFORMED,
			   "ethtool %s dump: malformed reply for %s", m->name, di->ifname);
	/* one device's broken reply is that device's finding, the dump goes on */
	vxoff__item_set(st->f->ctx, di, m->item, r);
	return 0;
}

/* The item of one device by a do request. Return 0 or -ENOMEM; the rest is the item's. */
static int do_item(struct fill *f, const struct msg *m, struct vxoff_devinfo *di)
{
	union vxoff__req_buf rb = { .buf = { 0 } };
	struct req_state st = { .f = f, .m = m, .di = di };
	struct vxoff__nl_handler h = { .msg = reply_cb, .data = &st, .hdrlen = GENL_HDRLEN };
	char what[64];
	int r;

	item_clear(di, m->item);
	snprintf(what, sizeof(what), "ethtool %s on %s", m->name, di->ifname);
	r = vxoff__nl_request(f->ctx, VXOFF__NL_GENL, put_request(rb.buf, f, m, di), &h,
			      what);
	if (r == 0 && !st.seen)
		r = vxoff__err(f->ctx, -EPROTO, VXOFF_REASON_MALFORMED, "%s: no reply", what);
	if (r == 0 && m->item == VXOFF_ITEM_RSS)
		r = rss_finish(f, di);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		item_clear(di, m->item);
	vxoff__item_set(f->ctx, di, m->item, r);
	return 0;
}

static void dump_reset(void *data)
{
	struct req_state *st = data;

	st->orphans = 0;
	for (uint32_t i = 0; i < st->l->count; i++) {
		struct vxoff__item *it = &st->l->devs[i]->items[st->m->item];

		item_clear(st->l->devs[i], st->m->item);
		free(it->msg);
		/* UNKNOWN with err 0 = no reply yet (a recorded outcome always has an err) */
		it->msg = NULL;
		it->cap = VXOFF_CAP_UNKNOWN;
		it->err = 0;
	}
}

/* The item of every device by one dump. Return 0 or -ENOMEM. */
static int dump_item(struct fill *f, const struct msg *m, struct vxoff_devlist *l)
{
	union vxoff__req_buf rb = { .buf = { 0 } };
	struct req_state st = { .f = f, .m = m, .l = l };
	struct vxoff__nl_handler h = {
		.msg = reply_cb, .reset = dump_reset, .data = &st, .hdrlen = GENL_HDRLEN
	};
	char what[64], nomsg[96], gonemsg[96], *orphan_msg = NULL;
	int r;

	dump_reset(&st);
	snprintf(what, sizeof(what), "ethtool %s dump", m->name);
	r = vxoff__nl_request(f->ctx, VXOFF__NL_GENL, put_request(rb.buf, f, m, NULL), &h, what);
	if (r == -ENOMEM)
		return r;
	if (r == -EOPNOTSUPP && m->eopnotsupp_ends_dump)
		r = 0; /* every reply came: the error is the last device's, which has none */
	if (r < 0) {
		/*
		 * No dump: the op has no dumpit (RSS before 6.12), or one device's error other
		 * than EOPNOTSUPP aborted it. Ask each device, so only that one is affected.
		 */
		vxoff__log(f->ctx, VXOFF_LOG_DEBUG, "%s failed (%s): one request per device", what,
			   vxoff__last_msg(f->ctx) ? vxoff__last_msg(f->ctx) : "");
		vxoff__err_clear(f->ctx);
		dump_reset(&st);
		for (uint32_t i = 0; i < l->count; i++) {
			r = do_item(f, m, l->devs[i]);
			if (r < 0)
				return r;
		}
		return 0;
	}
	vxoff__err_clear(f->ctx);
	if (st.orphans && asprintf(&orphan_msg,
				   "%s: %u replies without a readable device index; this "
				   "device's may be one of them",
				   what, st.orphans) < 0)
		return -ENOMEM;
	snprintf(nomsg, sizeof(nomsg), "ethtool %s: not supported by this device", m->name);
	snprintf(gonemsg, sizeof(gonemsg),
		 "ethtool %s: the device disappeared during the probe", m->name);
	r = 0;
	for (uint32_t i = 0; i < l->count && r == 0; i++) {
		struct vxoff_devinfo *di = l->devs[i];
		struct vxoff__item *it = &di->items[m->item];

		if (it->cap == VXOFF_CAP_UNKNOWN && it->err == 0) {
			const struct vxoff__item *feat = &di->items[VXOFF_ITEM_FEATURES];

			/*
			 * The dump skips devices that answer EOPNOTSUPP, and devices that are
			 * gone. Every device answers FEATURES_GET: absent there means gone
			 * (removed since the link dump), and so for the later messages too.
			 */
			if (orphan_msg)
				r = item_mark(di, m->item, VXOFF_CAP_UNKNOWN, -EPROTO, orphan_msg);
			else if (m->item == VXOFF_ITEM_FEATURES || feat->err == -ENODEV)
				r = item_mark(di, m->item, VXOFF_CAP_UNKNOWN, -ENODEV, gonemsg);
			else
				r = item_mark(di, m->item, VXOFF_CAP_NO, -EOPNOTSUPP, nomsg);
		} else if (it->cap == VXOFF_CAP_YES && m->item == VXOFF_ITEM_RSS) {
			r = rss_finish(f, di);
		}
	}
	free(orphan_msg);
	return r;
}

/* ---- entry points ---- */

/* Mark the asked ethtool items of devs with one message (the family or a string set failed). */
static int mark_all(struct vxoff_devinfo **devs, uint32_t count, uint32_t items, int err,
		    const char *msg)
{
	for (uint32_t i = 0; i < count; i++)
		for (uint32_t it = 0; it < VXOFF_ITEM_COUNT; it++)
			if ((items & (1u << it)) &&
			    item_mark(devs[i], it, VXOFF_CAP_UNKNOWN, err, msg) < 0)
				return -ENOMEM;
	return 0;
}

/* Copy the last error's message (cleared) to mark items with it; NULL on ENOMEM. */
static char *take_msg(struct vxoff_ctx *ctx, int err)
{
	const char *m = vxoff__last_msg(ctx);
	char *s = strdup(m ? m : strerror(-err));

	vxoff__err_clear(ctx);
	return s;
}

static int fill_items(struct vxoff_ctx *ctx, struct vxoff_devinfo **devs, uint32_t count,
		      struct vxoff_devlist *l, uint32_t items)
{
	struct fill f = { .ctx = ctx };
	char *msg = NULL;
	int fam, r = 0;

	items &= ETHTOOL_ITEMS;
	if (!items || !count)
		return 0;
	fam = vxoff__genl_family(ctx, ETHTOOL_GENL_NAME, &f.ops);
	if (fam == -ENOMEM)
		return fam;
	if (fam < 0) {
		/* no ethtool netlink (before 5.6, or disabled): unknown, not "the device lacks" */
		msg = take_msg(ctx, fam);
		r = msg ? mark_all(devs, count, items, fam, msg) : -ENOMEM;
		goto out;
	}
	f.fam = (uint16_t)fam;

	if (items & (1u << VXOFF_ITEM_FEATURES)) {
		/* feature bits are indexes into this kernel's names: fetch them once for all */
		r = vxoff__strset_get(ctx, ETH_SS_FEATURES, &f.fnames);
		if (r == -ENOMEM)
			goto out;
		if (r < 0) {
			msg = take_msg(ctx, r);
			r = msg ? mark_all(devs, count, 1u << VXOFF_ITEM_FEATURES, r, msg)
				: -ENOMEM;
			if (r < 0)
				goto out;
			items &= ~(1u << VXOFF_ITEM_FEATURES);
		}
	}
	if ((items & (1u << VXOFF_ITEM_RSS)) && f.ops && !(f.ops & (1ull << ETHTOOL_MSG_RSS_GET))) {
		/* on older kernels the unknown message is EOPNOTSUPP too: not the device's lack */
		r = mark_all(devs, count, 1u << VXOFF_ITEM_RSS, -EOPNOTSUPP,
			     "ethtool RSS_GET: this kernel does not have it (Linux 6.2+)");
		if (r < 0)
			goto out;
		items &= ~(1u << VXOFF_ITEM_RSS);
	}

	for (size_t i = 0; i < sizeof(msgs) / sizeof(msgs[0]); i++) {
		if (!(items & (1u << msgs[i].item)))
			continue;
		if (l) {
			r = dump_item(&f, &msgs[i], l);
		} else {
			for (uint32_t d = 0; d < count && r == 0; d++)
				r = do_item(&f, &msgs[i], devs[d]);
		}
		if (r < 0)
			goto out;
	}
out:
	free(msg);
	vxoff__strset_put(f.fnames);
	vxoff__strset_put(f.hfuncs);
	return r;
}

int vxoff__ethtool_fill(struct vxoff_ctx *ctx, struct vxoff_devinfo *di, uint32_t items)
{
	return fill_items(ctx, &di, 1, NULL, items);
}

int vxoff__ethtool_fill_all(struct vxoff_ctx *ctx, struct vxoff_devlist *l, uint32_t items)
{
	return fill_items(ctx, l->devs, l->count, l, items);
}

void vxoff__drvinfo_fill(struct vxoff_ctx *ctx, struct vxoff_devinfo *di)
{
	struct ethtool_drvinfo d;
	int r;

	memset(&d, 0, sizeof(d));
	d.cmd = ETHTOOL_GDRVINFO;
	r = vxoff__ethtool_ioctl(ctx, di->ifname, &d, sizeof(d));
	if (r < 0) {
		if (vxoff__last_err(ctx))
			vxoff__err_prefix(ctx, r, "ethtool GDRVINFO on %s", di->ifname);
		else
			vxoff__err(ctx, r, VXOFF_REASON_KERNEL, "ethtool GDRVINFO on %s: %s",
				   di->ifname, strerror(-r));
		vxoff__item_set(ctx, di, VXOFF_ITEM_DRVINFO, r);
		return;
	}
	/* the kernel's fields are fixed arrays, NUL-terminated by convention only */
	snprintf(di->driver, sizeof(di->driver), "%.*s", (int)sizeof(d.driver), d.driver);
	snprintf(di->bus_info, sizeof(di->bus_info), "%.*s", (int)sizeof(d.bus_info), d.bus_info);
	snprintf(di->fw_version, sizeof(di->fw_version), "%.*s", (int)sizeof(d.fw_version),
		 d.fw_version);
	vxoff__item_set(ctx, di, VXOFF_ITEM_DRVINFO, 0);
}

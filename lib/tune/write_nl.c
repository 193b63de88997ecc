/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * Knobs written over netlink or the ethtool ioctl: channels, rings, coalescing and features
 * (ethtool netlink *_SET), RSS indirection table and key (RSS_SET where the kernel has it,
 * 6.17+, else ETHTOOL_SRSSH), UDP flow-hash fields (ETHTOOL_SRXFH), MTU and GSO/GRO sizes
 * (rtnetlink RTM_NEWLINK on the existing device, found by name).
 *
 * Each write is read back through a fresh probe; a different value is -EIO naming the value
 * in effect (drivers clamp rings, a fixed feature "succeeds" and stays as it was).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/ethtool.h>
#include <linux/genetlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>

#include <vxoff/probe.h>

#include "netlink/compat.h"
#include "tune/tune_internal.h"

#define HDR_ATTR 1 /* ETHTOOL_A_*_HEADER in every message */

static const char *const channel_keys[] = {"rx", "tx", "other", "combined"};
static const char *const ring_keys[] = {"rx", "rx-mini", "rx-jumbo", "tx"};

static int key_index(const char *const *keys, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (key && !strcmp(keys[i], key))
			return (int)i;
	return -1;
}

static int parse_u32(struct vxoff_ctx *ctx, const struct vxoff__knob *k, uint32_t *v)
{
	char d[160], *end;
	unsigned long long n;

	errno = 0;
	n = strtoull(k->value, &end, 10);
	if (!isdigit((unsigned char)k->value[0]) || errno || *end || n > UINT32_MAX)
		return vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG,
				  "%s: '%s' is not a number of 0 to %u",
				  vxoff__knob_describe(k, d, sizeof(d)), k->value, UINT32_MAX);
	*v = (uint32_t)n;
	return 0;
}

static int parse_bool(struct vxoff_ctx *ctx, const struct vxoff__knob *k, bool *on)
{
	char d[160];

	if (!strcmp(k->value, "on") || !strcmp(k->value, "1"))
		*on = true;
	else if (!strcmp(k->value, "off") || !strcmp(k->value, "0"))
		*on = false;
	else
		return vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG, "%s: '%s' is not on or off",
				  vxoff__knob_describe(k, d, sizeof(d)), k->value);
	return 0;
}

/* ---- ethtool netlink ---- */

static int ethtool_family(struct vxoff_ctx *ctx, const struct vxoff__knob *k, uint8_t cmd,
			  uint16_t *family)
{
	uint64_t ops = 0;
	char d[160];
	int fam = vxoff__genl_family(ctx, ETHTOOL_GENL_NAME, &ops);

	if (fam == -ENOENT || (fam > 0 && cmd < 64 && !(ops & (1ull << cmd))))
		return vxoff__err(ctx, -EOPNOTSUPP, VXOFF_REASON_NO_FAMILY,
				  "%s: this kernel's ethtool netlink has no command %u",
				  vxoff__knob_describe(k, d, sizeof(d)), cmd);
	if (fam < 0)
		return fam;
	*family = (uint16_t)fam;
	return 0;
}

static struct nlmsghdr *ethtool_start(union vxoff__req_buf *rb, uint16_t family, uint8_t cmd,
				      const char *dev)
{
	struct nlmsghdr *nlh = vxoff__genl_put(rb->buf, family, cmd, ETHTOOL_GENL_VERSION, 0);
	struct nlattr *hdr = mnl_attr_nest_start(nlh, HDR_ATTR);

	/* libmnl 1.0.4 leaves NLA_F_NESTED out; the kernel wants it (EINVAL otherwise) */
	hdr->nla_type |= NLA_F_NESTED;
	mnl_attr_put_strz(nlh, ETHTOOL_A_HEADER_DEV_NAME, dev);
	/* the SET replies (FEATURES_SET) are not needed: we read back anyway */
	mnl_attr_put_u32(nlh, ETHTOOL_A_HEADER_FLAGS, ETHTOOL_FLAG_OMIT_REPLY);
	mnl_attr_nest_end(nlh, hdr);
	return nlh;
}

static int ethtool_send(struct vxoff_ctx *ctx, const struct vxoff__knob *k, struct nlmsghdr *nlh,
			const char *cmdname)
{
	char what[128];

	snprintf(what, sizeof(what), "ethtool %s on %s", cmdname, k->dev);
	return vxoff__nl_request(ctx, VXOFF__NL_GENL, nlh, NULL, what);
}

static int write_channels(struct vxoff_ctx *ctx, const struct vxoff__knob *k)
{
	union vxoff__req_buf rb = {.buf = {0}};
	struct nlmsghdr *nlh;
	uint16_t family;
	uint32_t v;
	char d[160];
	int i = key_index(channel_keys, 4, k->key), r;

	if (i < 0)
		return vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG,
				  "%s: key must be rx, tx, other or combined",
				  vxoff__knob_describe(k, d, sizeof(d)));
	if ((r = parse_u32(ctx, k, &v)) < 0 ||
	    (r = ethtool_family(ctx, k, ETHTOOL_MSG_CHANNELS_SET, &family)) < 0)
		return r;
	nlh = ethtool_start(&rb, family, ETHTOOL_MSG_CHANNELS_SET, k->dev);
	mnl_attr_put_u32(nlh, (uint16_t)(ETHTOOL_A_CHANNELS_RX_COUNT + i), v);
	return ethtool_send(ctx, k, nlh, "CHANNELS_SET");
}

static int write_ring(struct vxoff_ctx *ctx, const struct vxoff__knob *k)
{
	union vxoff__req_buf rb = {.buf = {0}};
	struct nlmsghdr *nlh;
	uint16_t family;
	uint32_t v;
	char d[160];
	int i = key_index(ring_keys, 4, k->key), r;

	if (i < 0)
		return vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG,
				  "%s: key must be rx, rx-mini, rx-jumbo or tx",
				  vxoff__knob_describe(k, d, sizeof(d)));
	if ((r = parse_u32(ctx, k, &v)) < 0 ||
	    (r = ethtool_family(ctx, k, ETHTOOL_MSG_RINGS_SET, &family)) < 0)
		return r;
	nlh = ethtool_start(&rb, family, ETHTOOL_MSG_RINGS_SET, k->dev);
	mnl_attr_put_u32(nlh, (uint16_t)(ETHTOOL_A_RINGS_RX + i), v);
	return ethtool_send(ctx, k, nlh, "RINGS_SET");
}

static bool coal_is_bool(uint32_t p)
{
	return p == ETHTOOL_A_COALESCE_USE_ADAPTIVE_RX || p == ETHTOOL_A_COALESCE_USE_ADAPTIVE_TX ||
	       p == ETHTOOL_A_COALESCE_USE_CQE_MODE_RX || p == ETHTOOL_A_COALESCE_USE_CQE_MODE_TX;
}

static int write_coalesce(struct vxoff_ctx *ctx, const struct vxoff__knob *k)
{
	union vxoff__req_buf rb = {.buf = {0}};
	struct nlmsghdr *nlh;
	uint16_t family;
	uint32_t p, v = 0;
	char d[160];
	int r;

	/* the probe's parameter ids are the ETHTOOL_A_COALESCE_* attribute ids */
	for (p = 2; p <= VXOFF_COAL_PARAM_MAX; p++) {
		const char *n = vxoff_coalesce_param_name(p);

		if (n && k->key && !strcmp(n, k->key))
			break;
	}
	if (p > VXOFF_COAL_PARAM_MAX || p == ETHTOOL_A_COALESCE_RX_PROFILE ||
	    p == ETHTOOL_A_COALESCE_TX_PROFILE)
		return vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG,
				  "%s: not a coalescing parameter this library can set",
				  vxoff__knob_describe(k, d, sizeof(d)));
	if (coal_is_bool(p)) {
		bool on;

		r = parse_bool(ctx, k, &on);
		v = on;
	} else {
		r = parse_u32(ctx, k, &v);
	}
	if (r < 0 || (r = ethtool_family(ctx, k, ETHTOOL_MSG_COALESCE_SET, &family)) < 0)
		return r;
	nlh = ethtool_start(&rb, family, ETHTOOL_MSG_COALESCE_SET, k->dev);
	if (coal_is_bool(p))
		mnl_attr_put_u8(nlh, (uint16_t)p, (uint8_t)v);
	else
		mnl_attr_put_u32(nlh, (uint16_t)p, v);
	return ethtool_send(ctx, k, nlh, "COALESCE_SET");
}

static int write_feature(struct vxoff_ctx *ctx, const struct vxoff__knob *k)
{
	union vxoff__req_buf rb = {.buf = {0}};
	struct nlattr *set, *bits, *bit;
	struct nlmsghdr *nlh;
	uint16_t family;
	char d[160];
	bool on;
	int r;

	if (!k->key || !*k->key || strlen(k->key) >= ETH_GSTRING_LEN)
		return vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG, "%s: no feature name",
				  vxoff__knob_describe(k, d, sizeof(d)));
	if ((r = parse_bool(ctx, k, &on)) < 0 ||
	    (r = ethtool_family(ctx, k, ETHTOOL_MSG_FEATURES_SET, &family)) < 0)
		return r;
	/* a verbose bitset naming one bit: listed bits without VALUE are cleared, unlisted bits
	 * keep their state */
	nlh = ethtool_start(&rb, family, ETHTOOL_MSG_FEATURES_SET, k->dev);
	set = mnl_attr_nest_start(nlh, ETHTOOL_A_FEATURES_WANTED);
	bits = mnl_attr_nest_start(nlh, ETHTOOL_A_BITSET_BITS);
	bit = mnl_attr_nest_start(nlh, ETHTOOL_A_BITSET_BITS_BIT);
	set->nla_type |= NLA_F_NESTED;
	bits->nla_type |= NLA_F_NESTED;
	bit->nla_type |= NLA_F_NESTED;
	mnl_attr_put_strz(nlh, ETHTOOL_A_BITSET_BIT_NAME, k->key);
	if (on)
		mnl_attr_put(nlh, ETHTOOL_A_BITSET_BIT_VALUE, 0, NULL);
	mnl_attr_nest_end(nlh, bit);
	mnl_attr_nest_end(nlh, bits);
	mnl_attr_nest_end(nlh, set);
	return ethtool_send(ctx, k, nlh, "FEATURES_SET");
}

/* ---- RSS ---- */

/* "0 1 0 1" -> u32[]; "6d:5a:..." -> bytes. */
static int parse_list(struct vxoff_ctx *ctx, const struct vxoff__knob *k, bool hex, void **out,
		      uint32_t *n)
{
	const char *p = k->value;
	uint32_t cap = 0, cnt = 0;
	uint8_t *bytes = NULL;
	uint32_t *words = NULL;
	char d[160];

	while (*p) {
		char *end;
		unsigned long v;

		p += strspn(p, hex ? ": \t" : " \t,");
		if (!*p)
			break;
		errno = 0;
		v = strtoul(p, &end, hex ? 16 : 10);
		if (end == p || errno || (hex && v > 0xff) || v > UINT32_MAX ||
		    (*end && !strchr(hex ? ": \t" : " \t,", *end)))
			goto bad;
		p = end;
		if (hex) {
			uint8_t *g = vxoff__grow(bytes, &cap, cnt, 1);

			if (!g)
				goto nomem;
			bytes = g;
			bytes[cnt++] = (uint8_t)v;
		} else {
			uint32_t *g = vxoff__grow(words, &cap, cnt, sizeof(*g));

			if (!g)
				goto nomem;
			words = g;
			words[cnt++] = (uint32_t)v;
		}
	}
	if (!cnt)
		goto bad;
	*out = hex ? (void *)bytes : (void *)words;
	*n = cnt;
	return 0;
bad:
	free(bytes);
	free(words);
	return vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG, "%s: '%.64s' is not a %s",
			  vxoff__knob_describe(k, d, sizeof(d)), k->value,
			  hex ? "key of hex bytes (6d:5a:...)" : "list of queue numbers");
nomem:
	free(bytes);
	free(words);
	return -ENOMEM;
}

static int write_rss(struct vxoff_ctx *ctx, const struct vxoff__knob *k)
{
	bool key = k->kind == VXOFF_KNOB_RSS_KEY;
	uint64_t ops = 0;
	void *data = NULL;
	uint32_t n = 0;
	int fam, r;

	r = parse_list(ctx, k, key, &data, &n);
	if (r < 0)
		return r;
	fam = vxoff__genl_family(ctx, ETHTOOL_GENL_NAME, &ops);
	if (fam > 0 && (ops & (1ull << ETHTOOL_MSG_RSS_SET))) {
		union vxoff__req_buf rb = {.buf = {0}};
		struct nlmsghdr *nlh =
			ethtool_start(&rb, (uint16_t)fam, ETHTOOL_MSG_RSS_SET, k->dev);
		size_t len = key ? n : n * sizeof(uint32_t);

		if (len > VXOFF__REQ_BUF_SIZE - 256) {
			free(data);
			return vxoff__err(ctx, -E2BIG, VXOFF_REASON_ARG, "RSS %s of %s: too long",
					  key ? "key" : "table", k->dev);
		}
		mnl_attr_put(nlh, key ? ETHTOOL_A_RSS_HKEY : ETHTOOL_A_RSS_INDIR, len, data);
		r = ethtool_send(ctx, k, nlh, "RSS_SET");
	} else {
		/* before 6.17: ETHTOOL_SRSSH, the part not written marked "no change" */
		size_t len = sizeof(struct ethtool_rxfh) + (key ? n : n * sizeof(uint32_t));
		struct ethtool_rxfh *rx = calloc(1, len);

		if (!rx) {
			free(data);
			return -ENOMEM;
		}
		vxoff__err_clear(ctx);
		rx->cmd = ETHTOOL_SRSSH;
		rx->hfunc = 0; /* ETH_RSS_HASH_NO_CHANGE (kernel-internal name) */
		if (key) {
			rx->indir_size = ETH_RXFH_INDIR_NO_CHANGE;
			rx->key_size = n;
			memcpy(rx->rss_config, data, n);
		} else {
			rx->indir_size = n;
			memcpy(rx->rss_config, data, n * sizeof(uint32_t));
		}
		r = vxoff__ethtool_ioctl(ctx, k->dev, rx, len);
		if (r < 0 && !vxoff__last_err(ctx))
			r = vxoff__err(ctx, r, VXOFF_REASON_KERNEL, "ethtool SRSSH on %s: %s",
				       k->dev, strerror(-r));
		free(rx);
	}
	free(data);
	return r;
}

static int write_rxfh(struct vxoff_ctx *ctx, const struct vxoff__knob *k)
{
	static const struct {
		const char *key;
		uint32_t flow;
	} flows[] = {{"tcp4", TCP_V4_FLOW},
		     {"udp4", UDP_V4_FLOW},
		     {"tcp6", TCP_V6_FLOW},
		     {"udp6", UDP_V6_FLOW}};
	struct ethtool_rxnfc nfc;
	uint64_t data = 0;
	char d[160];
	int r, f = -1;

	for (int i = 0; i < 4; i++)
		if (k->key && !strcmp(k->key, flows[i].key))
			f = i;
	if (f < 0)
		return vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG,
				  "%s: key must be tcp4, udp4, tcp6 or udp6",
				  vxoff__knob_describe(k, d, sizeof(d)));
	for (const char *p = k->value; *p; p++) {
		switch (*p) {
		case 'm':
			data |= RXH_L2DA;
			break;
		case 'v':
			data |= RXH_VLAN;
			break;
		case 't':
			data |= RXH_L3_PROTO;
			break;
		case 's':
			data |= RXH_IP_SRC;
			break;
		case 'd':
			data |= RXH_IP_DST;
			break;
		case 'f':
			data |= RXH_L4_B_0_1;
			break;
		case 'n':
			data |= RXH_L4_B_2_3;
			break;
		case 'r':
			data |= RXH_DISCARD;
			break;
		default:
			return vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG,
					  "%s: '%c' is not an ethtool hash field (m v t s d f n r)",
					  vxoff__knob_describe(k, d, sizeof(d)), *p);
		}
	}
	memset(&nfc, 0, sizeof(nfc));
	nfc.cmd = ETHTOOL_SRXFH;
	nfc.flow_type = flows[f].flow;
	nfc.data = data;
	r = vxoff__ethtool_ioctl(ctx, k->dev, &nfc, sizeof(nfc));
	if (r < 0 && !vxoff__last_err(ctx))
		r = vxoff__err(ctx, r, VXOFF_REASON_KERNEL, "ethtool SRXFH %s on %s: %s", k->key,
			       k->dev, strerror(-r));
	return r;
}

/* ---- rtnetlink ---- */

static int write_link(struct vxoff_ctx *ctx, const struct vxoff__knob *k)
{
	static const struct {
		const char *key;
		uint16_t attr;
	} sizes[] = {
		{"gso_max_size", IFLA_GSO_MAX_SIZE},
		{"gro_max_size", IFLA_GRO_MAX_SIZE},
		{"gso_ipv4_max_size", IFLA_GSO_IPV4_MAX_SIZE},
		{"gro_ipv4_max_size", IFLA_GRO_IPV4_MAX_SIZE},
		{"gso_max_segs", IFLA_GSO_MAX_SEGS},
	};
	union vxoff__req_buf rb = {.buf = {0}};
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;
	uint16_t attr = IFLA_MTU;
	char d[160], what[96];
	uint32_t v;
	int r;

	if (k->kind == VXOFF_KNOB_LINK_SIZE) {
		attr = 0;
		for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
			if (k->key && !strcmp(k->key, sizes[i].key))
				attr = sizes[i].attr;
		if (!attr)
			return vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG,
					  "%s: key must be gso_max_size, gro_max_size, "
					  "gso_ipv4_max_size, gro_ipv4_max_size or gso_max_segs",
					  vxoff__knob_describe(k, d, sizeof(d)));
	}
	r = parse_u32(ctx, k, &v);
	if (r < 0)
		return r;
	if (strlen(k->dev) >= IFNAMSIZ)
		return vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG, "'%s' is not an interface name",
				  k->dev);
	nlh = mnl_nlmsg_put_header(rb.buf);
	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	/* ifindex 0 and IFLA_IFNAME: the kernel finds the device by name, in our namespace */
	mnl_attr_put_strz(nlh, IFLA_IFNAME, k->dev);
	mnl_attr_put_u32(nlh, attr, v);
	snprintf(what, sizeof(what), "setting %s of %s", k->key ? k->key : "mtu", k->dev);
	return vxoff__nl_request(ctx, VXOFF__NL_ROUTE, nlh, NULL, what);
}

int vxoff__knob_write_nl(struct vxoff_ctx *ctx, const struct vxoff__knob *k)
{
	char d[160], *now = NULL;
	int r;

	switch (k->kind) {
	case VXOFF_KNOB_CHANNELS:
		r = write_channels(ctx, k);
		break;
	case VXOFF_KNOB_RING:
		r = write_ring(ctx, k);
		break;
	case VXOFF_KNOB_COALESCE:
		r = write_coalesce(ctx, k);
		break;
	case VXOFF_KNOB_FEATURE:
		r = write_feature(ctx, k);
		break;
	case VXOFF_KNOB_RSS_INDIR:
	case VXOFF_KNOB_RSS_KEY:
		r = write_rss(ctx, k);
		break;
	case VXOFF_KNOB_RXFH_FIELDS:
		r = write_rxfh(ctx, k);
		break;
	case VXOFF_KNOB_MTU:
	case VXOFF_KNOB_LINK_SIZE:
		r = write_link(ctx, k);
		break;
	default:
		return vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG, "%s: not a netlink knob",
				  vxoff__knob_describe(k, d, sizeof(d)));
	}
	if (r == -ENODEV)
		return vxoff__err_prefix(ctx, r, "%s: ", vxoff__knob_describe(k, d, sizeof(d)));
	if (r < 0)
		return r;
	r = vxoff__knob_read_nl(ctx, k, &now);
	if (r < 0)
		return vxoff__err_prefix(
			ctx, r, "reading back %s: ", vxoff__knob_describe(k, d, sizeof(d)));
	if (!vxoff__knob_value_eq(k->kind, now, k->value)) {
		r = vxoff__err(ctx, -EIO, VXOFF_REASON_KERNEL,
			       "%s: wrote '%s' but '%s' is in effect%s",
			       vxoff__knob_describe(k, d, sizeof(d)), k->value, now,
			       k->kind == VXOFF_KNOB_FEATURE
				       ? " (the device cannot change it, or another feature it "
					 "depends on is off)"
				       : "");
	}
	free(now);
	return r;
}

/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * vxoff_tune_read(): every knob of a device. The netlink side (link, features, channels,
 * rings, coalescing, RSS, tunnel ports, queues and NAPIs) comes from the probe capability's
 * public API; the files (RPS/XPS, threaded, NAPI settings, IRQ affinity, sysctls) through
 * write_fs.c's reader, the same one that verifies writes.
 *
 * A kind the device cannot do is one knob flagged VXOFF_KNOB_F_UNSUPPORTED whose value says
 * why; nothing is left out silently and nothing is invented.
 */
#include <ctype.h>
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <vxoff/probe.h>

#include "tune/tune_internal.h"

/* The netlink items a full read needs. */
#define NL_ITEMS                                                                                   \
	((1u << VXOFF_ITEM_LINK) | (1u << VXOFF_ITEM_FEATURES) | (1u << VXOFF_ITEM_CHANNELS) |     \
	 (1u << VXOFF_ITEM_RINGS) | (1u << VXOFF_ITEM_COALESCE) | (1u << VXOFF_ITEM_RSS) |         \
	 (1u << VXOFF_ITEM_TUNNEL_PORTS) | (1u << VXOFF_ITEM_QUEUES))

/* The features a tuning plan may touch (issue: GRO, HW GRO, LRO, UDP GRO forwarding, tunnel
 * segmentation offloads). */
static const char *const tuned_features[] = {
	"rx-gro",
	"rx-gro-hw",
	"rx-lro",
	"rx-udp-gro-forwarding",
	"rx-gro-list",
	"tx-udp_tnl-segmentation",
	"tx-udp_tnl-csum-segmentation",
	"tx-gso-partial",
	"rx-udp_tunnel-port-offload",
};

/* Sysctls reported with VXOFF_TUNE_READ_F_SYSCTLS; the global ones as not the namespace's. */
static const char *const shown_sysctls[] = {
	"net.ipv4.tcp_rmem",
	"net.ipv4.tcp_wmem",
	"net.core.optmem_max",
	"net.core.rmem_max",
	"net.core.wmem_max",
	"net.core.rmem_default",
	"net.core.wmem_default",
	"net.core.busy_poll",
	"net.core.busy_read",
	"net.core.netdev_max_backlog",
	"net.core.rps_sock_flow_entries",
};

static const char *const channel_keys[] = {"rx", "tx", "other", "combined"};
static const char *const ring_keys[] = {"rx", "rx-mini", "rx-jumbo", "tx"};
static const char *const rxfh_keys[] = {"tcp4", "udp4", "tcp6", "udp6"};

/* ---- the probe from inside a tune call ---- */

/* The warnings of the call so far: the probe's bracket clears them, they are put back. */
struct saved_warns {
	struct vxoff_warning *w;
	char **what, **msg;
	uint32_t n;   /* saved */
	uint32_t cap; /* entries allocated */
};

static int warns_save(struct vxoff_ctx *ctx, struct saved_warns *sw)
{
	uint32_t n = vxoff_ctx_warning_count(ctx);

	memset(sw, 0, sizeof(*sw));
	if (!n)
		return 0;
	sw->w = calloc(n, sizeof(*sw->w));
	sw->what = calloc(n, sizeof(*sw->what));
	sw->msg = calloc(n, sizeof(*sw->msg));
	if (!sw->w || !sw->what || !sw->msg)
		return -ENOMEM;
	sw->cap = n;
	for (uint32_t i = 0; i < n; i++) {
		sw->w[i].sz = sizeof(sw->w[i]);
		if (vxoff_ctx_warning(ctx, i, &sw->w[i]) < 0)
			continue;
		sw->what[i] = strdup(sw->w[i].what ? sw->w[i].what : "");
		sw->msg[i] = strdup(sw->w[i].msg ? sw->w[i].msg : "");
		if (!sw->what[i] || !sw->msg[i])
			return -ENOMEM;
		sw->n = i + 1;
	}
	return 0;
}

static void warns_restore(struct vxoff_ctx *ctx, struct saved_warns *sw)
{
	for (uint32_t i = 0; i < sw->n; i++)
		vxoff__warn(ctx, sw->w[i].code, sw->what[i], sw->w[i].requested, sw->w[i].applied,
			    "%s", sw->msg[i]);
}

static void warns_free(struct saved_warns *sw)
{
	for (uint32_t i = 0; i < sw->cap; i++) {
		free(sw->what[i]);
		free(sw->msg[i]);
	}
	free(sw->w);
	free(sw->what);
	free(sw->msg);
}

int vxoff__tune_probe(struct vxoff_ctx *ctx, const char *dev, uint32_t items,
		      struct vxoff_devinfo **ret)
{
	VXOFF_OPTS(vxoff_probe_opts, o, .items = items, .flags = VXOFF_PROBE_F_NO_VERDICT_PEERS);
	VXOFF_OUT(vxoff_error, e);
	struct saved_warns sw;
	char *msg = NULL;
	int r, re;

	r = warns_save(ctx, &sw);
	if (r < 0) {
		warns_free(&sw);
		return r;
	}
	/* the probe brackets itself: step out of our bracket for its call */
	vxoff__ctx_leave(ctx);
	r = vxoff_probe_device(ctx, dev, 0, &o, ret);
	if (r < 0 && vxoff_ctx_last_error(ctx, &e) == 0 && e.msg)
		msg = strdup(e.msg);
	re = vxoff__ctx_enter(ctx);
	if (re < 0) {
		free(msg);
		warns_free(&sw);
		if (r == 0)
			vxoff_devinfo_free(*ret);
		return re;
	}
	warns_restore(ctx, &sw);
	warns_free(&sw);
	if (r < 0)
		vxoff__err(ctx, r, e.reason ? e.reason : VXOFF_REASON_KERNEL, "%s",
			   msg ? msg : strerror(-r));
	free(msg);
	return r;
}

/* ---- netlink values ---- */

static int coal_param(const char *key)
{
	for (uint32_t p = 2; p <= VXOFF_COAL_PARAM_MAX; p++) {
		const char *n = vxoff_coalesce_param_name(p);

		if (n && key && !strcmp(n, key))
			return (int)p;
	}
	return -1;
}

static bool coal_is_bool(uint32_t p)
{
	return p == VXOFF_COAL_USE_ADAPTIVE_RX || p == VXOFF_COAL_USE_ADAPTIVE_TX ||
	       p == VXOFF_COAL_USE_CQE_MODE_RX || p == VXOFF_COAL_USE_CQE_MODE_TX;
}

static int key_index(const char *const *keys, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (key && !strcmp(keys[i], key))
			return (int)i;
	return -1;
}

/* ethtool -n's letters for RXH_* bits. */
static void rxh_letters(uint32_t f, char *buf, size_t cap)
{
	static const struct {
		uint32_t bit;
		char c;
	} l[] = {
		/* clang-format off */
		{ VXOFF_RXH_L2DA, 'm' },     { VXOFF_RXH_VLAN, 'v' },
		{ VXOFF_RXH_L3_PROTO, 't' }, { VXOFF_RXH_IP_SRC, 's' },
		{ VXOFF_RXH_IP_DST, 'd' },   { VXOFF_RXH_L4_B_0_1, 'f' },
		{ VXOFF_RXH_L4_B_2_3, 'n' }, { VXOFF_RXH_DISCARD, 'r' },
		/* clang-format on */
	};
	size_t o = 0;

	for (size_t i = 0; i < sizeof(l) / sizeof(l[0]) && o + 1 < cap; i++)
		if (f & l[i].bit)
			buf[o++] = l[i].c;
	buf[o] = '\0';
}

static char *fmt_u(uint64_t v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);
	return strdup(buf);
}

static int item_err(struct vxoff_ctx *ctx, const struct vxoff_devinfo *di, uint32_t item,
		    const struct vxoff__knob *k)
{
	VXOFF_OUT(vxoff_item_status, s);
	char d[160];

	if (vxoff_devinfo_item(di, item, &s) < 0 || s.cap == VXOFF_CAP_YES)
		return 0;
	return vxoff__err(ctx, s.cap == VXOFF_CAP_NO ? -EOPNOTSUPP : (s.err ? s.err : -ENODATA),
			  s.cap == VXOFF_CAP_NO ? VXOFF_REASON_KERNEL : VXOFF_REASON_SYSTEM,
			  "%s: %s", vxoff__knob_describe(k, d, sizeof(d)),
			  s.msg ? s.msg : "not readable");
}

/* The value of a netlink knob from a probe result: 0, -EOPNOTSUPP (named), -ENOMEM. */
static int nl_value(struct vxoff_ctx *ctx, const struct vxoff_devinfo *di,
		    const struct vxoff__knob *k, char **value, uint32_t *flags)
{
	char d[160], buf[64];
	int r, i;

	*flags = 0;
	switch (k->kind) {
	case VXOFF_KNOB_CHANNELS:
	case VXOFF_KNOB_CHANNELS_MAX: {
		VXOFF_OUT(vxoff_channels, c);
		const uint32_t *cnt = &c.rx_count, *max = &c.rx_max;

		r = item_err(ctx, di, VXOFF_ITEM_CHANNELS, k);
		if (r < 0 || (r = vxoff_devinfo_channels(di, &c)) < 0)
			return r;
		i = key_index(channel_keys, 4, k->key);
		if (i < 0)
			goto bad_key;
		if (k->kind == VXOFF_KNOB_CHANNELS_MAX) {
			if (!(c.present & (VXOFF_CH_RX_MAX << i)))
				goto no_key;
			*value = fmt_u(max[i]);
		} else {
			if (!(c.present & (VXOFF_CH_RX_COUNT << i)))
				goto no_key;
			*value = fmt_u(cnt[i]);
		}
		break;
	}
	case VXOFF_KNOB_RING:
	case VXOFF_KNOB_RING_MAX: {
		VXOFF_OUT(vxoff_rings, g);
		const uint32_t *cur = &g.rx, *max = &g.rx_max;

		r = item_err(ctx, di, VXOFF_ITEM_RINGS, k);
		if (r < 0 || (r = vxoff_devinfo_rings(di, &g)) < 0)
			return r;
		i = key_index(ring_keys, 4, k->key);
		if (i < 0)
			goto bad_key;
		if (k->kind == VXOFF_KNOB_RING_MAX) {
			if (!(g.present & (VXOFF_RING_RX_MAX << i)))
				goto no_key;
			*value = fmt_u(max[i]);
		} else {
			if (!(g.present & (VXOFF_RING_RX << i)))
				goto no_key;
			*value = fmt_u(cur[i]);
		}
		break;
	}
	case VXOFF_KNOB_COALESCE: {
		uint32_t v;
		int p = coal_param(k->key);

		r = item_err(ctx, di, VXOFF_ITEM_COALESCE, k);
		if (r < 0)
			return r;
		if (p < 0)
			goto bad_key;
		r = vxoff_devinfo_coalesce_param(di, (uint32_t)p, &v);
		if (r == -ENOENT)
			goto no_key;
		if (r < 0)
			return r;
		*value = coal_is_bool((uint32_t)p) ? strdup(v ? "on" : "off") : fmt_u(v);
		break;
	}
	case VXOFF_KNOB_FEATURE: {
		VXOFF_OUT(vxoff_feature, f);

		r = item_err(ctx, di, VXOFF_ITEM_FEATURES, k);
		if (r < 0)
			return r;
		r = vxoff_devinfo_feature_find(di, k->key ? k->key : "", &f);
		if (r == -ENOENT)
			return vxoff__err(ctx, -EOPNOTSUPP, VXOFF_REASON_KERNEL,
					  "%s: this kernel has no such feature",
					  vxoff__knob_describe(k, d, sizeof(d)));
		if (r < 0)
			return r;
		*value = strdup(f.flags & VXOFF_FEATURE_ACTIVE ? "on" : "off");
		if (f.flags & VXOFF_FEATURE_FIXED)
			*flags |= VXOFF_KNOB_F_FIXED;
		break;
	}
	case VXOFF_KNOB_MTU:
	case VXOFF_KNOB_LINK_SIZE: {
		VXOFF_OUT(vxoff_link_info, l);

		r = item_err(ctx, di, VXOFF_ITEM_LINK, k);
		if (r < 0 || (r = vxoff_devinfo_link(di, &l)) < 0)
			return r;
		if (k->kind == VXOFF_KNOB_MTU) {
			*value = fmt_u(l.mtu);
			break;
		}
		if (!k->key)
			goto bad_key;
		if (!strcmp(k->key, "gso_max_size") && (l.present & VXOFF_LINK_HAS_GSO_MAX_SIZE))
			*value = fmt_u(l.gso_max_size);
		else if (!strcmp(k->key, "gro_max_size") &&
			 (l.present & VXOFF_LINK_HAS_GRO_MAX_SIZE))
			*value = fmt_u(l.gro_max_size);
		else if (!strcmp(k->key, "gso_ipv4_max_size") &&
			 (l.present & VXOFF_LINK_HAS_GSO_IPV4_MAX_SIZE))
			*value = fmt_u(l.gso_ipv4_max_size);
		else if (!strcmp(k->key, "gro_ipv4_max_size") &&
			 (l.present & VXOFF_LINK_HAS_GRO_IPV4_MAX_SIZE))
			*value = fmt_u(l.gro_ipv4_max_size);
		else if (!strcmp(k->key, "gso_max_segs") &&
			 (l.present & VXOFF_LINK_HAS_GSO_MAX_SEGS))
			*value = fmt_u(l.gso_max_segs);
		else
			goto no_key;
		break;
	}
	case VXOFF_KNOB_RSS_INDIR:
	case VXOFF_KNOB_RSS_KEY:
	case VXOFF_KNOB_RXFH_FIELDS: {
		VXOFF_OUT(vxoff_rss, s);
		struct vxoff__strbuf sb;

		r = item_err(ctx, di, VXOFF_ITEM_RSS, k);
		if (r < 0 || (r = vxoff_devinfo_rss(di, &s)) < 0)
			return r;
		vxoff__sb_init(&sb);
		vxoff__sb_add(&sb, "%s", "");
		if (k->kind == VXOFF_KNOB_RSS_INDIR) {
			uint32_t *t;

			if (!(s.present & VXOFF_RSS_HAS_INDIR) || !s.indir_size) {
				vxoff__sb_free(&sb);
				goto no_key;
			}
			t = calloc(s.indir_size, sizeof(*t));
			if (!t) {
				vxoff__sb_free(&sb);
				return -ENOMEM;
			}
			vxoff_devinfo_rss_indir(di, t, s.indir_size);
			for (uint32_t e = 0; e < s.indir_size; e++)
				vxoff__sb_add(&sb, "%s%u", e ? " " : "", t[e]);
			free(t);
		} else if (k->kind == VXOFF_KNOB_RSS_KEY) {
			uint8_t *b;

			if (!(s.present & VXOFF_RSS_HAS_KEY) || !s.key_size) {
				vxoff__sb_free(&sb);
				goto no_key;
			}
			b = calloc(s.key_size, 1);
			if (!b) {
				vxoff__sb_free(&sb);
				return -ENOMEM;
			}
			vxoff_devinfo_rss_key(di, b, s.key_size);
			for (uint32_t e = 0; e < s.key_size; e++)
				vxoff__sb_add(&sb, "%s%02x", e ? ":" : "", b[e]);
			free(b);
		} else {
			static const uint32_t has[] = {
				VXOFF_RSS_HAS_TCP4_FIELDS, VXOFF_RSS_HAS_UDP4_FIELDS,
				VXOFF_RSS_HAS_TCP6_FIELDS, VXOFF_RSS_HAS_UDP6_FIELDS};
			const uint32_t fields[] = {s.tcp4_fields, s.udp4_fields, s.tcp6_fields,
						   s.udp6_fields};

			i = key_index(rxfh_keys, 4, k->key);
			if (i < 0) {
				vxoff__sb_free(&sb);
				goto bad_key;
			}
			if (!(s.present & has[i])) {
				vxoff__sb_free(&sb);
				goto no_key;
			}
			rxh_letters(fields[i], buf, sizeof(buf));
			vxoff__sb_add(&sb, "%s", buf);
		}
		*value = vxoff__sb_steal(&sb);
		break;
	}
	case VXOFF_KNOB_TUNNEL_PORT: {
		struct vxoff__strbuf sb;
		uint32_t n = vxoff_devinfo_tunnel_port_count(di), shown = 0;

		r = item_err(ctx, di, VXOFF_ITEM_TUNNEL_PORTS, k);
		if (r < 0)
			return r;
		if (!vxoff_devinfo_tunnel_table_count(di))
			return vxoff__err(ctx, -EOPNOTSUPP, VXOFF_REASON_KERNEL,
					  "%s: the device has no UDP tunnel port table",
					  vxoff__knob_describe(k, d, sizeof(d)));
		vxoff__sb_init(&sb);
		vxoff__sb_add(&sb, "%s", "");
		for (uint32_t p = 0; p < n; p++) {
			VXOFF_OUT(vxoff_tunnel_port, tp);

			if (vxoff_devinfo_tunnel_port(di, p, &tp) == 0 &&
			    tp.type == VXOFF_UDP_TUNNEL_VXLAN)
				vxoff__sb_add(&sb, "%s%u", shown++ ? " " : "", tp.port);
		}
		*value = vxoff__sb_steal(&sb);
		break;
	}
	default:
		return vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG, "%s: not a netlink knob",
				  vxoff__knob_describe(k, d, sizeof(d)));
	}
	return *value ? 0 : -ENOMEM;
bad_key:
	return vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG, "%s: unknown key '%s'",
			  vxoff__knob_describe(k, d, sizeof(d)), k->key ? k->key : "");
no_key:
	return vxoff__err(ctx, -EOPNOTSUPP, VXOFF_REASON_KERNEL,
			  "%s: the device does not report it",
			  vxoff__knob_describe(k, d, sizeof(d)));
}

static uint32_t kind_item(uint32_t kind)
{
	switch (kind) {
	case VXOFF_KNOB_CHANNELS:
	case VXOFF_KNOB_CHANNELS_MAX:
		return VXOFF_ITEM_CHANNELS;
	case VXOFF_KNOB_RING:
	case VXOFF_KNOB_RING_MAX:
		return VXOFF_ITEM_RINGS;
	case VXOFF_KNOB_COALESCE:
		return VXOFF_ITEM_COALESCE;
	case VXOFF_KNOB_FEATURE:
		return VXOFF_ITEM_FEATURES;
	case VXOFF_KNOB_RSS_INDIR:
	case VXOFF_KNOB_RSS_KEY:
	case VXOFF_KNOB_RXFH_FIELDS:
		return VXOFF_ITEM_RSS;
	case VXOFF_KNOB_TUNNEL_PORT:
		return VXOFF_ITEM_TUNNEL_PORTS;
	default:
		return VXOFF_ITEM_LINK;
	}
}

int vxoff__knob_read_nl(struct vxoff_ctx *ctx, const struct vxoff__knob *k, char **value)
{
	struct vxoff_devinfo *di = NULL;
	uint32_t flags;
	int r;

	if (!k->dev || !*k->dev)
		return vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG, "%s knob without a device",
				  vxoff_knob_kind_name(k->kind));
	r = vxoff__tune_probe(ctx, k->dev, (1u << VXOFF_ITEM_LINK) | (1u << kind_item(k->kind)),
			      &di);
	if (r < 0)
		return r;
	r = nl_value(ctx, di, k, value, &flags);
	vxoff_devinfo_free(di);
	return r;
}

static bool is_fs_kind(uint32_t kind)
{
	return kind == VXOFF_KNOB_IRQ_AFFINITY || kind == VXOFF_KNOB_RPS_CPUS ||
	       kind == VXOFF_KNOB_RPS_FLOW_CNT || kind == VXOFF_KNOB_XPS_CPUS ||
	       kind == VXOFF_KNOB_XPS_RXQS || kind == VXOFF_KNOB_THREADED ||
	       kind == VXOFF_KNOB_NAPI_THREADED || kind == VXOFF_KNOB_GRO_FLUSH_TIMEOUT ||
	       kind == VXOFF_KNOB_DEFER_HARD_IRQS || kind == VXOFF_KNOB_SYSCTL;
}

int vxoff__knob_read(struct vxoff_ctx *ctx, const struct vxoff__knob *id, char **value)
{
	if (!id || !value)
		return vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG, "no knob to read");
	if (id->kind >= VXOFF_KNOB_KIND_COUNT || vxoff_knob_stage(id->kind) < 0)
		return vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG, "unknown knob kind %u", id->kind);
	return is_fs_kind(id->kind) ? vxoff__knob_read_fs(ctx, id, value)
				    : vxoff__knob_read_nl(ctx, id, value);
}

/* ---- the IRQ of a queue ---- */

static bool parse_key(const char *key, uint32_t *type, uint32_t *n)
{
	const char *num;
	char *end;
	unsigned long v;

	if (!key)
		return false;
	if (!strncmp(key, "rx-", 3)) {
		*type = VXOFF_QUEUE_RX;
		num = key + 3;
	} else if (!strncmp(key, "combined-", 9)) {
		*type = VXOFF_QUEUE_RX;
		num = key + 9;
	} else if (!strncmp(key, "tx-", 3)) {
		*type = VXOFF_QUEUE_TX;
		num = key + 3;
	} else {
		return false;
	}
	if (!isdigit((unsigned char)*num))
		return false;
	errno = 0;
	v = strtoul(num, &end, 10);
	if (errno || *end || v > INT32_MAX)
		return false;
	*n = (uint32_t)v;
	return true;
}

static int irq_from_devinfo(const struct vxoff_devinfo *di, uint32_t type, uint32_t n,
			    uint32_t *irq)
{
	uint32_t count = vxoff_devinfo_queue_count(di);

	for (uint32_t i = 0; i < count; i++) {
		VXOFF_OUT(vxoff_queue_info, q);

		if (vxoff_devinfo_queue(di, i, &q) < 0 || q.type != type || q.id != n)
			continue;
		if (q.present & VXOFF_QUEUE_HAS_IRQ) {
			*irq = q.irq;
			return 0;
		}
	}
	return -ENOENT;
}

int vxoff__queue_irq(struct vxoff_ctx *ctx, const char *dev, const char *key, uint32_t *irq)
{
	struct vxoff_devinfo *di = NULL;
	uint32_t type, n;

	if (!dev || !*dev || !parse_key(key, &type, &n) || !irq)
		return vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG,
				  "'%s' of '%s' is not a queue (rx-N, tx-N or combined-N)",
				  key ? key : "", dev ? dev : "");
	/* netdev netlink links queue -> NAPI -> IRQ where the driver registers both */
	if (vxoff__tune_probe(ctx, dev, 1u << VXOFF_ITEM_QUEUES, &di) == 0) {
		int r = irq_from_devinfo(di, type, n, irq);

		vxoff_devinfo_free(di);
		if (r == 0)
			return 0;
	}
	vxoff__err_clear(ctx);
	return vxoff__queue_irq_procfs(ctx, dev, key, irq);
}

/* ---- a whole device ---- */

struct reader {
	struct vxoff_ctx *ctx;
	struct vxoff_tune_state *st;
	const char *dev;
	const struct vxoff_devinfo *di; /* NULL: the kernel does not know dev (a fake tree) */
	const char *no_di;		/* why di is NULL */
	const char *kind;		/* link kind ("veth"), "" unknown */
};

/* Add a knob read by fn; an unreadable one becomes UNSUPPORTED with the reason. Only
 * -ENOMEM and -ENODEV stop the read. */
static int add_read(struct reader *rd, uint32_t kind, int32_t index, const char *key,
		    uint32_t extra_flags)
{
	struct vxoff__knob k = {
		.kind = kind, .index = index, .dev = (char *)rd->dev, .key = (char *)key};
	uint32_t flags = extra_flags;
	char *value = NULL, *why = NULL;
	int r;

	if (vxoff_knob_stage(kind) >= 0 &&
	    (kind == VXOFF_KNOB_TUNNEL_PORT || kind == VXOFF_KNOB_CHANNELS_MAX ||
	     kind == VXOFF_KNOB_RING_MAX))
		flags |= VXOFF_KNOB_F_READONLY;
	if (is_fs_kind(kind)) {
		r = vxoff__knob_read_fs(rd->ctx, &k, &value);
	} else if (!rd->di) {
		r = vxoff__err(rd->ctx, -EOPNOTSUPP, VXOFF_REASON_NO_DEVICE,
			       "the kernel does not know %s: %s", rd->dev, rd->no_di);
	} else {
		uint32_t f = 0;

		r = nl_value(rd->ctx, rd->di, &k, &value, &f);
		flags |= f;
	}
	if (r == -ENOMEM || r == -ENODEV)
		return r;
	if (r < 0) {
		const char *m = vxoff__last_msg(rd->ctx);

		why = strdup(m ? m : strerror(-r));
		vxoff__err_clear(rd->ctx);
		if (!why)
			return -ENOMEM;
		flags |= VXOFF_KNOB_F_UNSUPPORTED;
	}
	r = vxoff__tune_state_add(rd->st, kind, rd->dev, index, key, why ? why : value, flags);
	free(value);
	free(why);
	return r;
}

/* Add one UNSUPPORTED knob with a reason of our own. */
static int add_unsupported(struct reader *rd, uint32_t kind, int32_t index, const char *key,
			   const char *why)
{
	return vxoff__tune_state_add(rd->st, kind, rd->dev, index, key, why,
				     VXOFF_KNOB_F_UNSUPPORTED);
}

/* Add every key whose item answered; the item's reason once when it did not. */
static int add_keys(struct reader *rd, uint32_t kind, const char *const *keys, size_t n)
{
	size_t added = 0;
	int r;

	for (size_t i = 0; i < n; i++) {
		struct vxoff__knob k = {
			.kind = kind, .index = -1, .dev = (char *)rd->dev, .key = (char *)keys[i]};
		char *v = NULL;
		uint32_t f;

		if (!rd->di)
			break;
		r = nl_value(rd->ctx, rd->di, &k, &v, &f);
		free(v);
		vxoff__err_clear(rd->ctx);
		if (r == -ENOMEM)
			return r;
		if (r < 0)
			continue;
		r = add_read(rd, kind, -1, keys[i], 0);
		if (r < 0)
			return r;
		added++;
	}
	if (added)
		return 0;
	/* nothing: the reason of the first key is the item's */
	return add_read(rd, kind, -1, keys[0], 0);
}

struct qlist {
	uint32_t rx, tx;
};

static int count_queues_cb(void *arg, const char *sysroot)
{
	struct {
		const char *dev;
		struct qlist q;
		bool found;
	} *j = arg;
	char path[PATH_MAX];
	struct dirent *e;
	DIR *d;

	snprintf(path, sizeof(path), "%s/class/net/%s/queues", sysroot, j->dev);
	d = opendir(path);
	if (!d)
		return 0;
	j->found = true;
	/* cppcheck-suppress readdirCalled ; this DIR is ours alone */
	while ((e = readdir(d))) {
		unsigned long n;
		char *end;

		if (strncmp(e->d_name, "rx-", 3) && strncmp(e->d_name, "tx-", 3))
			continue;
		n = strtoul(e->d_name + 3, &end, 10);
		if (*end || n > 65535)
			continue;
		if (e->d_name[0] == 'r' && n + 1 > j->q.rx)
			j->q.rx = (uint32_t)n + 1;
		if (e->d_name[0] == 't' && n + 1 > j->q.tx)
			j->q.tx = (uint32_t)n + 1;
	}
	closedir(d);
	return 0;
}

/* The queues sysfs shows: those in use, the ones RPS/XPS can be set on. */
static int sysfs_queues(struct reader *rd, struct qlist *q)
{
	struct {
		const char *dev;
		struct qlist q;
		bool found;
	} j = {.dev = rd->dev};
	int r = vxoff__with_sysfs(rd->ctx, count_queues_cb, &j);

	if (r < 0)
		return r;
	if (!j.found)
		return vxoff__err(rd->ctx, -ENODEV, VXOFF_REASON_NO_DEVICE,
				  "no device %s in the sysfs of the namespace", rd->dev);
	*q = j.q;
	return 0;
}

static int read_irqs(struct reader *rd, const struct qlist *q)
{
	uint32_t *seen = NULL, nseen = 0, cap = 0;
	char key[32], why[128];
	int r = 0;

	for (uint32_t t = 0; t < 2 && r >= 0; t++) {
		uint32_t n = t == 0 ? q->rx : q->tx;

		for (uint32_t i = 0; i < n; i++) {
			uint32_t irq = 0, *v;
			bool dup = false;

			snprintf(key, sizeof(key), "%s-%u", t == 0 ? "rx" : "tx", i);
			if (!rd->di ||
			    irq_from_devinfo(rd->di, t == 0 ? VXOFF_QUEUE_RX : VXOFF_QUEUE_TX, i,
					     &irq) < 0) {
				r = vxoff__queue_irq_procfs(rd->ctx, rd->dev, key, &irq);
				vxoff__err_clear(rd->ctx);
				if (r == -ENOMEM)
					goto out;
				if (r < 0) {
					r = 0;
					continue;
				}
			}
			for (uint32_t s = 0; s < nseen; s++)
				dup |= seen[s] == irq;
			if (dup) /* combined channels: rx-N and tx-N share one IRQ */
				continue;
			v = vxoff__grow(seen, &cap, nseen, sizeof(*v));
			if (!v) {
				r = -ENOMEM;
				goto out;
			}
			seen = v;
			seen[nseen++] = irq;
			r = add_read(rd, VXOFF_KNOB_IRQ_AFFINITY, (int32_t)irq, key, 0);
			if (r < 0)
				goto out;
		}
	}
	if (!nseen) {
		snprintf(why, sizeof(why), "%s%s%s has no IRQs for its queues", rd->kind,
			 *rd->kind ? " device " : "", rd->dev);
		r = add_unsupported(rd, VXOFF_KNOB_IRQ_AFFINITY, -1, NULL, why);
	}
out:
	free(seen);
	return r;
}

static int read_napis(struct reader *rd)
{
	uint32_t *ids = NULL, n = 0;
	char why[256];
	int r = -EOPNOTSUPP;

	if (rd->di) {
		VXOFF_OUT(vxoff_link_info, l);

		r = vxoff_devinfo_link(rd->di, &l);
		if (r == 0)
			r = vxoff__napi_list(rd->ctx, rd->dev, l.ifindex, &ids, &n);
	}
	if (r == -ENOMEM)
		return r;
	for (uint32_t i = 0; i < n && r >= 0; i++) {
		if ((r = add_read(rd, VXOFF_KNOB_NAPI_THREADED, (int32_t)ids[i], NULL, 0)) < 0 ||
		    (r = add_read(rd, VXOFF_KNOB_GRO_FLUSH_TIMEOUT, (int32_t)ids[i], NULL, 0)) < 0)
			break;
		r = add_read(rd, VXOFF_KNOB_DEFER_HARD_IRQS, (int32_t)ids[i], NULL, 0);
	}
	free(ids);
	if (n || r == -ENOMEM) /* listed (r: add_read's -ENOMEM or -ENODEV), or out of memory */
		return r;
	if (r < 0 && vxoff__last_msg(rd->ctx))
		snprintf(why, sizeof(why), "no NAPI list: %s", vxoff__last_msg(rd->ctx));
	else
		snprintf(why, sizeof(why), "%s has no NAPI instances%s", rd->dev,
			 !strcmp(rd->kind, "veth") ? " (veth has them only with GRO or XDP on)"
						   : "");
	vxoff__err_clear(rd->ctx);
	return add_unsupported(rd, VXOFF_KNOB_NAPI_THREADED, -1, NULL, why);
}

static int read_sysctls(struct reader *rd)
{
	for (size_t i = 0; i < sizeof(shown_sysctls) / sizeof(shown_sysctls[0]); i++) {
		const char *name = shown_sysctls[i];
		struct vxoff__knob k = {
			.kind = VXOFF_KNOB_SYSCTL, .index = -1, .key = (char *)name};
		char *v = NULL, why[192];
		int r;

		if (vxoff__sysctl_is_netns(name)) {
			const char *dev = rd->dev;

			rd->dev = NULL;
			r = add_read(rd, VXOFF_KNOB_SYSCTL, -1, name, 0);
			rd->dev = dev;
			if (r < 0)
				return r;
			continue;
		}
		/* global: shown with its value, as not the namespace's to change */
		r = vxoff__knob_read_fs(rd->ctx, &k, &v);
		vxoff__err_clear(rd->ctx);
		if (r == -ENOMEM)
			return r;
		snprintf(why, sizeof(why), "global, not per network namespace (%s%s)",
			 r == 0 ? "value " : "absent in this namespace", r == 0 ? v : "");
		free(v);
		r = vxoff__tune_state_add(rd->st, VXOFF_KNOB_SYSCTL, NULL, -1, name, why,
					  VXOFF_KNOB_F_READONLY | VXOFF_KNOB_F_UNSUPPORTED);
		if (r < 0)
			return r;
	}
	return 0;
}

int vxoff__tune_read_dev(struct vxoff_ctx *ctx, const char *dev, uint32_t flags,
			 struct vxoff_tune_state *st)
{
	struct vxoff_devinfo *di = NULL;
	struct reader rd = {.ctx = ctx, .st = st, .dev = dev, .kind = ""};
	struct qlist q = {0, 0};
	char *no_di = NULL;
	int r;

	if (!dev || !*dev || strlen(dev) >= 16 || strchr(dev, '/'))
		return vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG, "'%s' is not an interface name",
				  dev ? dev : "(null)");
	r = vxoff__tune_probe(ctx, dev, NL_ITEMS, &di);
	if (r < 0 && r != -ENOMEM && vxoff__ctx_sysfs_overridden(ctx)) {
		/* a device of a fake tree: its files are read, its netlink side is unknown */
		no_di = strdup(vxoff__last_msg(ctx) ? vxoff__last_msg(ctx) : "no such device");
		vxoff__err_clear(ctx);
		if (!no_di)
			return -ENOMEM;
		r = 0;
	}
	if (r < 0)
		return r;
	rd.di = di;
	rd.no_di = no_di;
	if (di) {
		VXOFF_OUT(vxoff_link_info, l);

		if (vxoff_devinfo_link(di, &l) == 0 && l.kind)
			rd.kind = l.kind;
	}
	r = sysfs_queues(&rd, &q);
	if (r < 0)
		goto out;

	/* stage order, as a snapshot will be restored */
	if ((r = add_keys(&rd, VXOFF_KNOB_CHANNELS, channel_keys, 4)) < 0 ||
	    (r = add_keys(&rd, VXOFF_KNOB_CHANNELS_MAX, channel_keys, 4)) < 0 ||
	    (r = add_read(&rd, VXOFF_KNOB_MTU, -1, NULL, 0)) < 0)
		goto out;
	{
		static const char *const sizes[] = {"gso_max_size", "gro_max_size",
						    "gso_ipv4_max_size", "gro_ipv4_max_size"};

		if ((r = add_keys(&rd, VXOFF_KNOB_LINK_SIZE, sizes, 4)) < 0)
			goto out;
	}
	if ((r = add_keys(&rd, VXOFF_KNOB_RING, ring_keys, 4)) < 0 ||
	    (r = add_keys(&rd, VXOFF_KNOB_RING_MAX, ring_keys, 4)) < 0)
		goto out;
	{
		const char *names[VXOFF_COAL_PARAM_MAX + 1];
		size_t n = 0;

		for (uint32_t p = 2; p <= VXOFF_COAL_PARAM_MAX; p++)
			if (vxoff_coalesce_param_name(p))
				names[n++] = vxoff_coalesce_param_name(p);
		if ((r = add_keys(&rd, VXOFF_KNOB_COALESCE, names, n)) < 0)
			goto out;
	}
	for (size_t i = 0; i < sizeof(tuned_features) / sizeof(tuned_features[0]); i++)
		if ((r = add_read(&rd, VXOFF_KNOB_FEATURE, -1, tuned_features[i], 0)) < 0)
			goto out;
	if ((r = add_read(&rd, VXOFF_KNOB_TUNNEL_PORT, -1, "vxlan", 0)) < 0 ||
	    (r = add_read(&rd, VXOFF_KNOB_RSS_INDIR, -1, NULL, 0)) < 0 ||
	    (r = add_read(&rd, VXOFF_KNOB_RSS_KEY, -1, NULL, 0)) < 0 ||
	    (r = add_keys(&rd, VXOFF_KNOB_RXFH_FIELDS, rxfh_keys, 4)) < 0)
		goto out;
	if ((r = read_irqs(&rd, &q)) < 0)
		goto out;
	for (uint32_t i = 0; i < q.rx; i++)
		if ((r = add_read(&rd, VXOFF_KNOB_RPS_CPUS, (int32_t)i, NULL, 0)) < 0 ||
		    (r = add_read(&rd, VXOFF_KNOB_RPS_FLOW_CNT, (int32_t)i, NULL, 0)) < 0)
			goto out;
	for (uint32_t i = 0; i < q.tx; i++)
		if ((r = add_read(&rd, VXOFF_KNOB_XPS_CPUS, (int32_t)i, NULL, 0)) < 0 ||
		    (r = add_read(&rd, VXOFF_KNOB_XPS_RXQS, (int32_t)i, NULL, 0)) < 0)
			goto out;
	if ((r = add_read(&rd, VXOFF_KNOB_THREADED, -1, NULL, 0)) < 0 ||
	    (r = add_read(&rd, VXOFF_KNOB_GRO_FLUSH_TIMEOUT, -1, NULL, 0)) < 0 ||
	    (r = add_read(&rd, VXOFF_KNOB_DEFER_HARD_IRQS, -1, NULL, 0)) < 0 ||
	    (r = read_napis(&rd)) < 0)
		goto out;
	if (flags & VXOFF_TUNE_READ_F_SYSCTLS)
		r = read_sysctls(&rd);
out:
	if (r == -ENOMEM)
		r = vxoff__err(ctx, -ENOMEM, VXOFF_REASON_SYSTEM, "reading %s: out of memory", dev);
	vxoff_devinfo_free(di);
	free(no_di);
	return r;
}

int vxoff_tune_read(struct vxoff_ctx *ctx, const char *dev, uint32_t flags,
		    struct vxoff_tune_state **ret)
{
	struct vxoff_tune_state *st = NULL;
	int r = vxoff__ctx_enter(ctx);

	if (r < 0)
		return r;
	if (!ret || (flags & ~VXOFF_TUNE_READ_F_SYSCTLS)) {
		r = vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG, "vxoff_tune_read: %s",
			       !ret ? "ret is NULL" : "unknown flags");
		goto out;
	}
	st = calloc(1, sizeof(*st));
	if (!st) {
		r = -ENOMEM;
		goto out;
	}
	r = vxoff__tune_read_dev(ctx, dev, flags, st);
	if (r < 0) {
		vxoff_tune_state_free(st);
		goto out;
	}
	*ret = st;
out:
	vxoff__ctx_leave(ctx);
	return r;
}

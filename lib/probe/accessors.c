/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/* Public accessors of probe results: copy out into the caller's size-prefixed structs. */
#include <string.h>

#include "probe_internal.h"

#define OUT_MIN 8u /* sz and one field: smaller is -EINVAL */

static const char *const item_names[VXOFF_ITEM_COUNT] = {
	[VXOFF_ITEM_LINK] = "link",
	[VXOFF_ITEM_DRVINFO] = "drvinfo",
	[VXOFF_ITEM_FEATURES] = "features",
	[VXOFF_ITEM_CHANNELS] = "channels",
	[VXOFF_ITEM_RINGS] = "rings",
	[VXOFF_ITEM_COALESCE] = "coalesce",
	[VXOFF_ITEM_RSS] = "rss",
	[VXOFF_ITEM_TUNNEL_PORTS] = "tunnel_ports",
	[VXOFF_ITEM_QUEUES] = "queues",
	[VXOFF_ITEM_SYSFS] = "sysfs",
	[VXOFF_ITEM_VXLAN] = "vxlan",
};

const char *vxoff_item_name(uint32_t item)
{
	return item < VXOFF_ITEM_COUNT ? item_names[item] : "unknown";
}

/* 0 when the item is YES, else -EOPNOTSUPP (NO) or -ENODATA (UNKNOWN). */
static int item_state(const struct vxoff_devinfo *di, uint32_t item)
{
	switch (di->items[item].cap) {
	case VXOFF_CAP_YES:
		return 0;
	case VXOFF_CAP_NO:
		return -EOPNOTSUPP;
	default:
		return -ENODATA;
	}
}

int vxoff_devinfo_item(const struct vxoff_devinfo *di, uint32_t item,
		       struct vxoff_item_status *out)
{
	struct vxoff_item_status s;

	if (!di || !out || item >= VXOFF_ITEM_COUNT)
		return -EINVAL;
	memset(&s, 0, sizeof(s));
	s.sz = sizeof(s);
	s.cap = di->items[item].cap;
	s.err = di->items[item].err;
	s.msg = di->items[item].msg;
	return vxoff__copy_out(out, &s, sizeof(s), OUT_MIN);
}

int vxoff_devinfo_link(const struct vxoff_devinfo *di, struct vxoff_link_info *out)
{
	struct vxoff_link_info l;
	int r;

	if (!di || !out)
		return -EINVAL;
	r = item_state(di, VXOFF_ITEM_LINK);
	if (r < 0)
		return -ENODATA;
	l = di->link;
	l.sz = sizeof(l);
	l.ifname = di->ifname;
	l.kind = di->kind;
	l.address = di->address;
	l.driver = di->driver;
	l.bus_info = di->bus_info;
	l.fw_version = di->fw_version;
	return vxoff__copy_out(out, &l, sizeof(l), OUT_MIN);
}

uint32_t vxoff_devinfo_feature_count(const struct vxoff_devinfo *di)
{
	if (!di || item_state(di, VXOFF_ITEM_FEATURES) < 0 || !di->fnames)
		return 0;
	return di->nfeatures < di->fnames->count ? di->nfeatures : di->fnames->count;
}

static bool bit(const uint32_t *w, uint32_t i)
{
	return i < VXOFF__FEATURE_WORDS * 32 && (w[i / 32] >> (i % 32)) & 1;
}

uint32_t vxoff__feature_flags(const struct vxoff_devinfo *di, uint32_t i)
{
	uint32_t f = 0;

	if (bit(di->f_active, i))
		f |= VXOFF_FEATURE_ACTIVE;
	if (bit(di->f_wanted, i))
		f |= VXOFF_FEATURE_WANTED;
	if (bit(di->f_hw, i))
		f |= VXOFF_FEATURE_HW;
	if (bit(di->f_nochange, i))
		f |= VXOFF_FEATURE_NOCHANGE;
	/* as ethtool prints [fixed]: not user-changeable, or never changeable */
	if (!(f & VXOFF_FEATURE_HW) || (f & VXOFF_FEATURE_NOCHANGE))
		f |= VXOFF_FEATURE_FIXED;
	return f;
}

int vxoff_devinfo_feature(const struct vxoff_devinfo *di, uint32_t idx, struct vxoff_feature *out)
{
	struct vxoff_feature f;

	if (!di || !out)
		return -EINVAL;
	if (idx >= vxoff_devinfo_feature_count(di))
		return -ERANGE;
	f.sz = sizeof(f);
	f.flags = vxoff__feature_flags(di, idx);
	f.name = di->fnames->names[idx] ? di->fnames->names[idx] : "";
	return vxoff__copy_out(out, &f, sizeof(f), OUT_MIN);
}

int vxoff__feature_index(const struct vxoff_devinfo *di, const char *name)
{
	uint32_t n = vxoff_devinfo_feature_count(di);

	for (uint32_t i = 0; i < n; i++)
		if (di->fnames->names[i] && !strcmp(di->fnames->names[i], name))
			return (int)i;
	return -ENOENT;
}

int vxoff__feature_wk(const struct vxoff_devinfo *di, enum vxoff__wk_feature wk)
{
	static const char *const names[VXOFF__WK_COUNT] = {
		[VXOFF__WK_TX_UDP_TNL_SEG] = "tx-udp_tnl-segmentation",
		[VXOFF__WK_TX_UDP_TNL_CSUM_SEG] = "tx-udp_tnl-csum-segmentation",
		[VXOFF__WK_RX_CHECKSUM] = "rx-checksum",
		[VXOFF__WK_RX_UDP_TNL_PORT] = "rx-udp_tunnel-port-offload",
		[VXOFF__WK_RX_GRO] = "rx-gro",
		[VXOFF__WK_RX_GRO_HW] = "rx-gro-hw",
	};
	struct vxoff__strset *fs = di->fnames;

	if (!fs || vxoff_devinfo_feature_count(di) == 0)
		return -ENOENT;
	if (!fs->wk_done) { /* the set is shared: the first device fills it for all */
		for (uint32_t k = 0; k < VXOFF__WK_COUNT; k++) {
			fs->wk[k] = -1;
			for (uint32_t i = 0; i < fs->count; i++)
				if (fs->names[i] && !strcmp(fs->names[i], names[k])) {
					fs->wk[k] = (int32_t)i;
					break;
				}
		}
		fs->wk_done = true;
	}
	if (fs->wk[wk] < 0 || (uint32_t)fs->wk[wk] >= vxoff_devinfo_feature_count(di))
		return -ENOENT;
	return fs->wk[wk];
}

bool vxoff__feature_bit(const uint32_t *words, int i)
{
	return i >= 0 && bit(words, (uint32_t)i);
}

bool vxoff__feature_has(const struct vxoff_devinfo *di, const uint32_t *words, const char *name)
{
	int i = vxoff__feature_index(di, name);

	return i >= 0 && bit(words, (uint32_t)i);
}

int vxoff_devinfo_feature_find(const struct vxoff_devinfo *di, const char *name,
			       struct vxoff_feature *out)
{
	int i;

	if (!di || !name || !out)
		return -EINVAL;
	if (item_state(di, VXOFF_ITEM_FEATURES) < 0)
		return -ENODATA;
	i = vxoff__feature_index(di, name);
	if (i < 0)
		return -ENOENT;
	return vxoff_devinfo_feature(di, (uint32_t)i, out);
}

int vxoff_devinfo_channels(const struct vxoff_devinfo *di, struct vxoff_channels *out)
{
	struct vxoff_channels c;
	int r;

	if (!di || !out)
		return -EINVAL;
	r = item_state(di, VXOFF_ITEM_CHANNELS);
	if (r < 0)
		return r;
	c = di->channels;
	c.sz = sizeof(c);
	return vxoff__copy_out(out, &c, sizeof(c), OUT_MIN);
}

int vxoff_devinfo_rings(const struct vxoff_devinfo *di, struct vxoff_rings *out)
{
	struct vxoff_rings g;
	int r;

	if (!di || !out)
		return -EINVAL;
	r = item_state(di, VXOFF_ITEM_RINGS);
	if (r < 0)
		return r;
	g = di->rings;
	g.sz = sizeof(g);
	return vxoff__copy_out(out, &g, sizeof(g), OUT_MIN);
}

static const char *const coal_names[VXOFF_COAL_PARAM_MAX + 1] = {
	[VXOFF_COAL_RX_USECS] = "rx-usecs",
	[VXOFF_COAL_RX_MAX_FRAMES] = "rx-frames",
	[VXOFF_COAL_RX_USECS_IRQ] = "rx-usecs-irq",
	[VXOFF_COAL_RX_MAX_FRAMES_IRQ] = "rx-frames-irq",
	[VXOFF_COAL_TX_USECS] = "tx-usecs",
	[VXOFF_COAL_TX_MAX_FRAMES] = "tx-frames",
	[VXOFF_COAL_TX_USECS_IRQ] = "tx-usecs-irq",
	[VXOFF_COAL_TX_MAX_FRAMES_IRQ] = "tx-frames-irq",
	[VXOFF_COAL_STATS_BLOCK_USECS] = "stats-block-usecs",
	[VXOFF_COAL_USE_ADAPTIVE_RX] = "adaptive-rx",
	[VXOFF_COAL_USE_ADAPTIVE_TX] = "adaptive-tx",
	[VXOFF_COAL_PKT_RATE_LOW] = "pkt-rate-low",
	[VXOFF_COAL_RX_USECS_LOW] = "rx-usecs-low",
	[VXOFF_COAL_RX_MAX_FRAMES_LOW] = "rx-frame-low",
	[VXOFF_COAL_TX_USECS_LOW] = "tx-usecs-low",
	[VXOFF_COAL_TX_MAX_FRAMES_LOW] = "tx-frame-low",
	[VXOFF_COAL_PKT_RATE_HIGH] = "pkt-rate-high",
	[VXOFF_COAL_RX_USECS_HIGH] = "rx-usecs-high",
	[VXOFF_COAL_RX_MAX_FRAMES_HIGH] = "rx-frame-high",
	[VXOFF_COAL_TX_USECS_HIGH] = "tx-usecs-high",
	[VXOFF_COAL_TX_MAX_FRAMES_HIGH] = "tx-frame-high",
	[VXOFF_COAL_RATE_SAMPLE_INTERVAL] = "sample-interval",
	[VXOFF_COAL_USE_CQE_MODE_TX] = "cqe-mode-tx",
	[VXOFF_COAL_USE_CQE_MODE_RX] = "cqe-mode-rx",
	[VXOFF_COAL_TX_AGGR_MAX_BYTES] = "tx-aggr-max-bytes",
	[VXOFF_COAL_TX_AGGR_MAX_FRAMES] = "tx-aggr-max-frames",
	[VXOFF_COAL_TX_AGGR_TIME_USECS] = "tx-aggr-time-usecs",
	[VXOFF_COAL_RX_CQE_FRAMES] = "rx-cqe-frames",
	[VXOFF_COAL_RX_CQE_NSECS] = "rx-cqe-nsecs",
};

const char *vxoff_coalesce_param_name(uint32_t param)
{
	return param <= VXOFF_COAL_PARAM_MAX ? coal_names[param] : NULL;
}

int vxoff_devinfo_coalesce_param(const struct vxoff_devinfo *di, uint32_t param, uint32_t *ret)
{
	int r;

	if (!di || !ret || !vxoff_coalesce_param_name(param))
		return -EINVAL;
	r = item_state(di, VXOFF_ITEM_COALESCE);
	if (r < 0)
		return r;
	if (!(di->coal_present & (1ull << param)))
		return -ENOENT;
	*ret = di->coal[param];
	return 0;
}

int vxoff_devinfo_rss(const struct vxoff_devinfo *di, struct vxoff_rss *out)
{
	struct vxoff_rss s;
	int r;

	if (!di || !out)
		return -EINVAL;
	r = item_state(di, VXOFF_ITEM_RSS);
	if (r < 0)
		return r;
	s = di->rss;
	s.sz = sizeof(s);
	s.hfunc_name = di->hfunc_name;
	return vxoff__copy_out(out, &s, sizeof(s), OUT_MIN);
}

int vxoff_devinfo_rss_indir(const struct vxoff_devinfo *di, uint32_t *buf, uint32_t n)
{
	uint32_t size;
	int r;

	if (!di || (!buf && n))
		return -EINVAL;
	r = item_state(di, VXOFF_ITEM_RSS);
	if (r < 0)
		return r;
	size = di->rss.indir_size;
	if (buf && size)
		memcpy(buf, di->rss_indir, (n < size ? n : size) * sizeof(*buf));
	return (int)size;
}

int vxoff_devinfo_rss_key(const struct vxoff_devinfo *di, uint8_t *buf, uint32_t n)
{
	uint32_t size;
	int r;

	if (!di || (!buf && n))
		return -EINVAL;
	r = item_state(di, VXOFF_ITEM_RSS);
	if (r < 0)
		return r;
	size = di->rss.key_size;
	if (buf && size)
		memcpy(buf, di->rss_key, n < size ? n : size);
	return (int)size;
}

uint32_t vxoff_devinfo_tunnel_table_count(const struct vxoff_devinfo *di)
{
	return di && item_state(di, VXOFF_ITEM_TUNNEL_PORTS) == 0 ? di->ntables : 0;
}

int vxoff_devinfo_tunnel_table(const struct vxoff_devinfo *di, uint32_t idx,
			       struct vxoff_tunnel_table *out)
{
	struct vxoff_tunnel_table t;

	if (!di || !out)
		return -EINVAL;
	if (idx >= vxoff_devinfo_tunnel_table_count(di))
		return -ERANGE;
	t.sz = sizeof(t);
	t.size = di->tables[idx].size;
	t.types = di->tables[idx].types;
	t.port_count = di->tables[idx].port_count;
	return vxoff__copy_out(out, &t, sizeof(t), OUT_MIN);
}

uint32_t vxoff_devinfo_tunnel_port_count(const struct vxoff_devinfo *di)
{
	return di && item_state(di, VXOFF_ITEM_TUNNEL_PORTS) == 0 ? di->nports : 0;
}

int vxoff_devinfo_tunnel_port(const struct vxoff_devinfo *di, uint32_t idx,
			      struct vxoff_tunnel_port *out)
{
	struct vxoff_tunnel_port p;

	if (!di || !out)
		return -EINVAL;
	if (idx >= vxoff_devinfo_tunnel_port_count(di))
		return -ERANGE;
	p = di->ports[idx];
	p.sz = sizeof(p);
	return vxoff__copy_out(out, &p, sizeof(p), OUT_MIN);
}

uint32_t vxoff_devinfo_queue_count(const struct vxoff_devinfo *di)
{
	return di ? di->nqueues : 0;
}

int vxoff_devinfo_queue(const struct vxoff_devinfo *di, uint32_t idx, struct vxoff_queue_info *out)
{
	struct vxoff_queue_info q;

	if (!di || !out)
		return -EINVAL;
	if (idx >= di->nqueues)
		return -ERANGE;
	q = di->queues[idx].q;
	q.sz = sizeof(q);
	q.rps_cpus = di->queues[idx].rps_cpus ? di->queues[idx].rps_cpus : "";
	q.xps_cpus = di->queues[idx].xps_cpus ? di->queues[idx].xps_cpus : "";
	q.xps_rxqs = di->queues[idx].xps_rxqs ? di->queues[idx].xps_rxqs : "";
	return vxoff__copy_out(out, &q, sizeof(q), OUT_MIN);
}

int vxoff_devinfo_napi(const struct vxoff_devinfo *di, struct vxoff_napi_info *out)
{
	struct vxoff_napi_info n;

	if (!di || !out)
		return -EINVAL;
	if (item_state(di, VXOFF_ITEM_SYSFS) < 0)
		return -ENODATA;
	n = di->napi;
	n.sz = sizeof(n);
	return vxoff__copy_out(out, &n, sizeof(n), OUT_MIN);
}

int vxoff_devinfo_vxlan(const struct vxoff_devinfo *di, struct vxoff_vxlan_verdict *out)
{
	struct vxoff_vxlan_verdict v;

	if (!di || !out)
		return -EINVAL;
	if (item_state(di, VXOFF_ITEM_VXLAN) < 0)
		return -ENODATA;
	v.sz = sizeof(v);
	v.verdict = di->verdict;
	v.reason_count = di->nreasons;
	v.checked_ifindex = di->checked_ifindex;
	return vxoff__copy_out(out, &v, sizeof(v), OUT_MIN);
}

int vxoff_devinfo_vxlan_reason(const struct vxoff_devinfo *di, uint32_t idx,
			       struct vxoff_vxlan_reason *out)
{
	struct vxoff_vxlan_reason r;

	if (!di || !out)
		return -EINVAL;
	if (item_state(di, VXOFF_ITEM_VXLAN) < 0)
		return -ENODATA;
	if (idx >= di->nreasons)
		return -ERANGE;
	memset(&r, 0, sizeof(r));
	r.sz = sizeof(r);
	r.code = di->reasons[idx].code;
	r.severity = di->reasons[idx].severity;
	r.name = vxoff_vxlan_reason_name(r.code);
	r.text = di->rtext + di->reasons[idx].text_off;
	return vxoff__copy_out(out, &r, sizeof(r), OUT_MIN);
}

uint32_t vxoff_devlist_count(const struct vxoff_devlist *list)
{
	return list ? list->count : 0;
}

int vxoff_devlist_get(const struct vxoff_devlist *list, uint32_t idx,
		      const struct vxoff_devinfo **ret)
{
	if (!list || !ret)
		return -EINVAL;
	if (idx >= list->count)
		return -ERANGE;
	*ret = list->devs[idx];
	return 0;
}

const char *vxoff_verdict_name(uint32_t verdict)
{
	switch (verdict) {
	case VXOFF_VERDICT_NONE:
		return "none";
	case VXOFF_VERDICT_PARTIAL:
		return "partial";
	case VXOFF_VERDICT_READY:
		return "ready";
	default:
		return "unknown";
	}
}

const char *vxoff_severity_name(uint32_t severity)
{
	switch (severity) {
	case VXOFF_SEVERITY_OK:
		return "ok";
	case VXOFF_SEVERITY_INFO:
		return "info";
	case VXOFF_SEVERITY_WARN:
		return "warn";
	case VXOFF_SEVERITY_MISSING:
		return "missing";
	default:
		return "unknown";
	}
}

const char *vxoff_operstate_name(uint32_t state)
{
	static const char *const names[] = {
		"unknown", "notpresent", "down", "lowerlayerdown", "testing", "dormant", "up",
	};

	return state < sizeof(names) / sizeof(names[0]) ? names[state] : NULL;
}

const char *vxoff_rxh_field_name(uint32_t bit)
{
	switch (bit) {
	case 1:
		return "l2-dst";
	case 2:
		return "vlan";
	case 3:
		return "l3-proto";
	case 4:
		return "ip-src";
	case 5:
		return "ip-dst";
	case 6:
		return "l4-src-port";
	case 7:
		return "l4-dst-port";
	case 8:
		return "gtp-teid";
	case 9:
		return "ip6-flow-label";
	case 31:
		return "discard";
	default:
		return NULL;
	}
}

const char *vxoff_udp_tunnel_type_name(uint32_t type)
{
	static const char *const names[] = {
		[VXOFF_UDP_TUNNEL_VXLAN] = "vxlan",
		[VXOFF_UDP_TUNNEL_GENEVE] = "geneve",
		[VXOFF_UDP_TUNNEL_VXLAN_GPE] = "vxlan-gpe",
	};

	return type < sizeof(names) / sizeof(names[0]) ? names[type] : NULL;
}

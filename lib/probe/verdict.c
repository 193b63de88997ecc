/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * The VXLAN readiness verdict. A VXLAN device is judged by its underlay, the device whose
 * offloads carry its packets; any other device is judged as a candidate underlay. Each check
 * adds one reason with a stable code (docs/vxlan-reasons.md); the verdict follows from them:
 * ready = nothing to warn about, none = neither tunnel segmentation nor a tunnel port table,
 * partial otherwise, unknown when the deciding items could not be read.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "probe_internal.h"

/* Outer headers VXLAN adds: inner Ethernet 14 + VXLAN 8 + UDP 8 + IPv4 20 (IPv6 40). */
#define VXLAN_OVERHEAD_V4 50u
#define VXLAN_OVERHEAD_V6 70u
#define OVERLAY_MTU_STD 1500u
#define VXLAN_PORT_IANA 4789u
#define VXLAN_PORT_LINUX 8472u

static const char *const reason_names[] = {
	[VXOFF_VX_TX_TNL_TSO_ON] = "tx-tunnel-tso-on",
	[VXOFF_VX_TX_TNL_TSO_OFF] = "tx-tunnel-tso-off",
	[VXOFF_VX_TX_TNL_TSO_NONE] = "tx-tunnel-tso-missing",
	[VXOFF_VX_TX_TNL_CSUM_TSO_ON] = "tx-tunnel-csum-tso-on",
	[VXOFF_VX_TX_TNL_CSUM_TSO_NONE] = "tx-tunnel-csum-tso-missing",
	[VXOFF_VX_RX_CSUM_ON] = "rx-csum-on",
	[VXOFF_VX_RX_CSUM_OFF] = "rx-csum-off",
	[VXOFF_VX_RX_CSUM_NONE] = "rx-csum-missing",
	[VXOFF_VX_PORT_IN_TABLE] = "port-in-table",
	[VXOFF_VX_PORT_NOT_IN_TABLE] = "port-not-in-table",
	[VXOFF_VX_PORT_OFFLOAD_OFF] = "port-offload-off",
	[VXOFF_VX_PORT_TABLE_NONE] = "port-table-missing",
	[VXOFF_VX_PORT_NONE_IN_USE] = "port-table-unused",
	[VXOFF_VX_GRO_ON] = "gro-on",
	[VXOFF_VX_GRO_OFF] = "gro-off",
	[VXOFF_VX_GRO_NONE] = "gro-missing",
	[VXOFF_VX_GRO_HW_ON] = "gro-hw-on",
	[VXOFF_VX_RSS_L4] = "rss-l4",
	[VXOFF_VX_RSS_IP_ONLY] = "rss-ip-only",
	[VXOFF_VX_RSS_NONE] = "rss-missing",
	[VXOFF_VX_RSS_FIELDS_UNKNOWN] = "rss-fields-unknown",
	[VXOFF_VX_MTU_HEADROOM_OK] = "mtu-headroom-ok",
	[VXOFF_VX_MTU_HEADROOM_SHORT] = "mtu-headroom-short",
	[VXOFF_VX_MULTIQUEUE] = "multiqueue",
	[VXOFF_VX_SINGLE_QUEUE] = "single-queue",
	[VXOFF_VX_NO_UNDERLAY] = "no-underlay",
	[VXOFF_VX_UNDERLAY_UNKNOWN] = "underlay-unknown",
	[VXOFF_VX_OVERLAY_GRO_ON] = "overlay-gro-on",
	[VXOFF_VX_OVERLAY_GRO_OFF] = "overlay-gro-off",
	[VXOFF_VX_PORT_8472] = "port-8472",
	[VXOFF_VX_FEATURES_UNKNOWN] = "features-unknown",
	[VXOFF_VX_PORT_TABLE_UNKNOWN] = "port-table-unknown",
	[VXOFF_VX_RSS_UNKNOWN] = "rss-unknown",
};

const char *vxoff_vxlan_reason_name(uint32_t code)
{
	if (code < sizeof(reason_names) / sizeof(reason_names[0]) && reason_names[code])
		return reason_names[code];
	return "unknown";
}

struct judge {
	struct vxoff_devinfo *di;
	int err;
};

static void add(struct judge *j, uint32_t code, uint32_t severity, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void add(struct judge *j, uint32_t code, uint32_t severity, const char *fmt, ...)
{
	struct vxoff_devinfo *di = j->di;
	char text[512];
	va_list ap;
	size_t n;
	int len;

	if (j->err)
		return;
	if (di->nreasons == VXOFF__MAX_REASONS) {
		j->err = -ENOTRECOVERABLE; /* more checks than reasons room: a vxoff bug */
		return;
	}
	va_start(ap, fmt);
	len = vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (len < 0) {
		j->err = -ENOTRECOVERABLE;
		return;
	}
	n = (size_t)len < sizeof(text) ? (size_t)len : sizeof(text) - 1;
	if (di->rtext_len + n + 1 > di->rtext_cap) {
		uint32_t cap = di->rtext_cap ? di->rtext_cap * 2 : 1024;
		char *t;

		while (cap < di->rtext_len + n + 1)
			cap *= 2;
		t = realloc(di->rtext, cap);
		if (!t) {
			j->err = -ENOMEM;
			return;
		}
		di->rtext = t;
		di->rtext_cap = cap;
	}
	memcpy(di->rtext + di->rtext_len, text, n);
	di->rtext[di->rtext_len + n] = '\0';
	di->reasons[di->nreasons].code = code;
	di->reasons[di->nreasons].severity = severity;
	di->reasons[di->nreasons].text_off = di->rtext_len;
	di->rtext_len += (uint32_t)n + 1;
	di->nreasons++;
}

enum fstate { F_ON, F_OFF, F_NONE };

/* On, off but switchable by the user, or not available at all. */
static enum fstate feature(const struct vxoff_devinfo *d, enum vxoff__wk_feature wk)
{
	int i = vxoff__feature_wk(d, wk);

	if (vxoff__feature_bit(d->f_active, i))
		return F_ON;
	if (vxoff__feature_bit(d->f_hw, i) && !vxoff__feature_bit(d->f_nochange, i))
		return F_OFF;
	return F_NONE;
}

static void check_tx(struct judge *j, const struct vxoff_devinfo *nic, bool *tso)
{
	switch (feature(nic, VXOFF__WK_TX_UDP_TNL_SEG)) {
	case F_ON:
		*tso = true;
		add(j, VXOFF_VX_TX_TNL_TSO_ON, VXOFF_SEVERITY_OK,
		    "%s segments TCP inside VXLAN itself (tx-udp_tnl-segmentation on)",
		    nic->ifname);
		break;
	case F_OFF:
		*tso = true;
		add(j, VXOFF_VX_TX_TNL_TSO_OFF, VXOFF_SEVERITY_WARN,
		    "%s can segment TCP inside VXLAN but tx-udp_tnl-segmentation is off: the CPU "
		    "segments every packet (ethtool -K %s tx-udp_tnl-segmentation on)",
		    nic->ifname, nic->ifname);
		break;
	case F_NONE:
		add(j, VXOFF_VX_TX_TNL_TSO_NONE, VXOFF_SEVERITY_MISSING,
		    "%s cannot segment TCP inside UDP tunnels: software GSO segments every VXLAN "
		    "packet on the sending CPU",
		    nic->ifname);
		return;
	}
	if (feature(nic, VXOFF__WK_TX_UDP_TNL_CSUM_SEG) == F_ON)
		add(j, VXOFF_VX_TX_TNL_CSUM_TSO_ON, VXOFF_SEVERITY_OK,
		    "%s also segments tunnels with an outer UDP checksum "
		    "(tx-udp_tnl-csum-segmentation on)",
		    nic->ifname);
	else
		add(j, VXOFF_VX_TX_TNL_CSUM_TSO_NONE, VXOFF_SEVERITY_INFO,
		    "%s segments tunnels only without an outer UDP checksum: create IPv4 VXLAN "
		    "devices with noudpcsum, or rely on GSO partial",
		    nic->ifname);
}

static void check_rx_csum(struct judge *j, const struct vxoff_devinfo *nic)
{
	switch (feature(nic, VXOFF__WK_RX_CHECKSUM)) {
	case F_ON:
		add(j, VXOFF_VX_RX_CSUM_ON, VXOFF_SEVERITY_OK,
		    "%s validates receive checksums (rx-checksum on)", nic->ifname);
		break;
	case F_OFF:
		add(j, VXOFF_VX_RX_CSUM_OFF, VXOFF_SEVERITY_WARN,
		    "%s can validate receive checksums but rx-checksum is off", nic->ifname);
		break;
	case F_NONE:
		add(j, VXOFF_VX_RX_CSUM_NONE, VXOFF_SEVERITY_MISSING,
		    "%s does not validate receive checksums: the CPU checksums every inner packet",
		    nic->ifname);
		break;
	}
}

static bool port_in_table(const struct vxoff_devinfo *nic, uint32_t port)
{
	for (uint32_t i = 0; i < nic->nports; i++)
		if (nic->ports[i].port == port && nic->ports[i].type == VXOFF_UDP_TUNNEL_VXLAN)
			return true;
	return false;
}

static void check_table(struct judge *j, const struct vxoff_devinfo *nic, const uint32_t *ports,
			uint32_t nports, bool *table)
{
	const struct vxoff__item *it = &nic->items[VXOFF_ITEM_TUNNEL_PORTS];

	if (it->cap == VXOFF_CAP_NO || (it->cap == VXOFF_CAP_YES && nic->ntables == 0)) {
		add(j, VXOFF_VX_PORT_TABLE_NONE, VXOFF_SEVERITY_MISSING,
		    "%s has no UDP tunnel port table: it cannot recognise VXLAN, so no inner "
		    "checksum validation or inner RSS",
		    nic->ifname);
		return;
	}
	if (it->cap != VXOFF_CAP_YES) {
		add(j, VXOFF_VX_PORT_TABLE_UNKNOWN, VXOFF_SEVERITY_INFO,
		    "the UDP tunnel port table of %s could not be read: %s", nic->ifname,
		    it->msg ? it->msg : "unknown error");
		return;
	}
	*table = true;
	if (feature(nic, VXOFF__WK_RX_UDP_TNL_PORT) == F_OFF)
		add(j, VXOFF_VX_PORT_OFFLOAD_OFF, VXOFF_SEVERITY_WARN,
		    "%s has a UDP tunnel port table but rx-udp_tunnel-port-offload is off: no port "
		    "reaches it (ethtool -K %s rx-udp_tunnel-port-offload on)",
		    nic->ifname, nic->ifname);
	if (nports == 0) {
		add(j, VXOFF_VX_PORT_NONE_IN_USE, VXOFF_SEVERITY_INFO,
		    "%s has a UDP tunnel port table; no VXLAN device of this namespace uses a port "
		    "yet",
		    nic->ifname);
		return;
	}
	for (uint32_t i = 0; i < nports; i++) {
		if (port_in_table(nic, ports[i]))
			add(j, VXOFF_VX_PORT_IN_TABLE, VXOFF_SEVERITY_OK,
			    "VXLAN port %u is in the UDP tunnel port table of %s", ports[i],
			    nic->ifname);
		else
			add(j, VXOFF_VX_PORT_NOT_IN_TABLE, VXOFF_SEVERITY_WARN,
			    "VXLAN port %u is in use but not in the UDP tunnel port table of %s: "
			    "its packets get no inner offloads%s",
			    ports[i], nic->ifname,
			    ports[i] == VXLAN_PORT_LINUX ? " (8472 is Linux's legacy default; "
							   "use dstport 4789)"
							 : "");
	}
}

static void check_gro(struct judge *j, const struct vxoff_devinfo *nic)
{
	switch (feature(nic, VXOFF__WK_RX_GRO)) {
	case F_ON:
		add(j, VXOFF_VX_GRO_ON, VXOFF_SEVERITY_OK,
		    "%s aggregates received packets (rx-gro on), tunnelled ones included",
		    nic->ifname);
		break;
	case F_OFF:
		add(j, VXOFF_VX_GRO_OFF, VXOFF_SEVERITY_WARN,
		    "%s has GRO off: every received VXLAN packet is decapsulated and delivered "
		    "alone (ethtool -K %s gro on)",
		    nic->ifname, nic->ifname);
		break;
	case F_NONE:
		add(j, VXOFF_VX_GRO_NONE, VXOFF_SEVERITY_MISSING, "%s cannot do GRO", nic->ifname);
		break;
	}
	if (feature(nic, VXOFF__WK_RX_GRO_HW) == F_ON)
		add(j, VXOFF_VX_GRO_HW_ON, VXOFF_SEVERITY_INFO,
		    "%s aggregates in hardware too (rx-gro-hw on)", nic->ifname);
}

static void check_rss(struct judge *j, const struct vxoff_devinfo *nic)
{
	const struct vxoff__item *it = &nic->items[VXOFF_ITEM_RSS];

	if (it->cap == VXOFF_CAP_NO) {
		add(j, VXOFF_VX_RSS_NONE, VXOFF_SEVERITY_WARN,
		    "%s has no RSS: every flow is received on one queue and one CPU", nic->ifname);
		return;
	}
	if (it->cap != VXOFF_CAP_YES) {
		add(j, VXOFF_VX_RSS_UNKNOWN, VXOFF_SEVERITY_INFO, "RSS of %s could not be read: %s",
		    nic->ifname, it->msg ? it->msg : "unknown error");
		return;
	}
	if (!(nic->rss.present & VXOFF_RSS_HAS_UDP4_FIELDS)) {
		add(j, VXOFF_VX_RSS_FIELDS_UNKNOWN, VXOFF_SEVERITY_INFO,
		    "%s has RSS, but its UDP hash fields could not be read", nic->ifname);
		return;
	}
	if (nic->rss.udp4_fields & VXOFF_RXH_L4_B_0_1)
		add(j, VXOFF_VX_RSS_L4, VXOFF_SEVERITY_OK,
		    "%s hashes UDP on ports too: VXLAN source ports spread flows over queues",
		    nic->ifname);
	else
		add(j, VXOFF_VX_RSS_IP_ONLY, VXOFF_SEVERITY_WARN,
		    "%s hashes UDP/IPv4 %s, not on the source port: all VXLAN traffic between two "
		    "VTEPs lands on one queue (ethtool -N %s rx-flow-hash udp4 sdfn)",
		    nic->ifname,
		    nic->rss.udp4_fields & (VXOFF_RXH_IP_SRC | VXOFF_RXH_IP_DST)
			    ? "on addresses only"
			    : "on no field at all",
		    nic->ifname);
}

static uint32_t rx_queues(const struct vxoff_devinfo *nic)
{
	const struct vxoff_channels *c = &nic->channels;

	if (nic->items[VXOFF_ITEM_CHANNELS].cap == VXOFF_CAP_YES) {
		uint32_t n = 0;

		if (c->present & VXOFF_CH_COMBINED_COUNT)
			n += c->combined_count;
		if (c->present & VXOFF_CH_RX_COUNT)
			n += c->rx_count;
		if (c->present & (VXOFF_CH_COMBINED_COUNT | VXOFF_CH_RX_COUNT))
			return n;
	}
	return nic->link.present & VXOFF_LINK_HAS_QUEUES ? nic->link.num_rx_queues : 0;
}

static void check_queues(struct judge *j, const struct vxoff_devinfo *nic)
{
	uint32_t n = rx_queues(nic);

	if (n > 1)
		add(j, VXOFF_VX_MULTIQUEUE, VXOFF_SEVERITY_OK,
		    "%s receives on %u queues", nic->ifname, n);
	else
		add(j, VXOFF_VX_SINGLE_QUEUE, VXOFF_SEVERITY_WARN,
		    "%s receives on a single queue: one CPU takes every interrupt and all GRO work",
		    nic->ifname);
}

static void check_mtu(struct judge *j, const struct vxoff_devinfo *di,
		      const struct vxoff_devinfo *nic, bool is_vxlan)
{
	uint32_t overhead = is_vxlan && di->link.vxlan_family == AF_INET6 ? VXLAN_OVERHEAD_V6
									  : VXLAN_OVERHEAD_V4;
	uint32_t overlay = is_vxlan ? di->link.mtu : OVERLAY_MTU_STD;

	if (overlay + overhead <= nic->link.mtu)
		add(j, VXOFF_VX_MTU_HEADROOM_OK, VXOFF_SEVERITY_OK,
		    "%s's MTU %u carries a %u-byte overlay MTU plus %u bytes of VXLAN headers",
		    nic->ifname, nic->link.mtu, overlay, overhead);
	else if (is_vxlan)
		add(j, VXOFF_VX_MTU_HEADROOM_SHORT, VXOFF_SEVERITY_WARN,
		    "overlay MTU %u plus %u bytes of VXLAN headers exceeds %s's MTU %u: packets "
		    "are fragmented or dropped",
		    overlay, overhead, nic->ifname, nic->link.mtu);
	else
		add(j, VXOFF_VX_MTU_HEADROOM_SHORT, VXOFF_SEVERITY_WARN,
		    "%s's MTU %u leaves a VXLAN overlay %u bytes at most (1500 needs %u); raise it "
		    "for full-size inner frames%s",
		    nic->ifname, nic->link.mtu,
		    nic->link.mtu > overhead ? nic->link.mtu - overhead : 0,
		    OVERLAY_MTU_STD + overhead,
		    (nic->link.present & VXOFF_LINK_HAS_MAX_MTU) &&
				    nic->link.max_mtu >= OVERLAY_MTU_STD + overhead
			    ? " (the device allows it)"
			    : "");
}

static void check_overlay(struct judge *j, const struct vxoff_devinfo *di)
{
	if (di->items[VXOFF_ITEM_FEATURES].cap == VXOFF_CAP_YES) {
		if (feature(di, VXOFF__WK_RX_GRO) == F_ON)
			add(j, VXOFF_VX_OVERLAY_GRO_ON, VXOFF_SEVERITY_OK,
			    "%s aggregates decapsulated packets (rx-gro on)", di->ifname);
		else
			add(j, VXOFF_VX_OVERLAY_GRO_OFF, VXOFF_SEVERITY_WARN,
			    "%s has GRO off: decapsulated packets reach TCP one by one",
			    di->ifname);
	}
	if (di->link.vxlan_port == VXLAN_PORT_LINUX)
		add(j, VXOFF_VX_PORT_8472, VXOFF_SEVERITY_WARN,
		    "%s uses UDP port 8472, Linux's legacy default; NICs offload IANA's 4789 "
		    "(create it with dstport 4789)",
		    di->ifname);
}

int vxoff__verdict(struct vxoff_devinfo *di, const struct vxoff_devinfo *underlay,
		   const uint32_t *ports, uint32_t nports)
{
	struct judge j = { di, 0 };
	bool is_vxlan = (di->link.present & VXOFF_LINK_HAS_VXLAN) != 0;
	const struct vxoff_devinfo *nic = di;
	bool tso = false, table = false;
	uint32_t own_port;

	di->verdict = VXOFF_VERDICT_UNKNOWN;
	di->checked_ifindex = 0;
	if (is_vxlan) {
		check_overlay(&j, di);
		if (!di->link.underlay_ifindex) {
			add(&j, VXOFF_VX_NO_UNDERLAY, VXOFF_SEVERITY_INFO,
			    "%s has no underlay device (dev): its offloads are those of whichever "
			    "device the route picks; probe that device, or create %s with dev",
			    di->ifname, di->ifname);
			return j.err;
		}
		if (!underlay || !vxoff__item_ok(underlay, VXOFF_ITEM_LINK)) {
			add(&j, VXOFF_VX_UNDERLAY_UNKNOWN, VXOFF_SEVERITY_INFO,
			    "the underlay of %s (ifindex %u) could not be probed", di->ifname,
			    di->link.underlay_ifindex);
			return j.err;
		}
		nic = underlay;
		/* the device's own port is the one that must be in the table */
		own_port = di->link.vxlan_port;
		ports = &own_port;
		nports = 1;
	}
	di->checked_ifindex = nic->link.ifindex;
	if (nic->items[VXOFF_ITEM_FEATURES].cap != VXOFF_CAP_YES) {
		add(&j, VXOFF_VX_FEATURES_UNKNOWN, VXOFF_SEVERITY_INFO,
		    "the features of %s could not be read: %s", nic->ifname,
		    nic->items[VXOFF_ITEM_FEATURES].msg ? nic->items[VXOFF_ITEM_FEATURES].msg
							 : "unknown error");
		return j.err;
	}
	check_tx(&j, nic, &tso);
	check_rx_csum(&j, nic);
	check_table(&j, nic, ports, nports, &table);
	check_gro(&j, nic);
	check_rss(&j, nic);
	check_queues(&j, nic);
	check_mtu(&j, di, nic, is_vxlan);
	if (j.err)
		return j.err;

	if (!tso && !table) {
		di->verdict = VXOFF_VERDICT_NONE;
	} else {
		di->verdict = VXOFF_VERDICT_READY;
		for (uint32_t i = 0; i < di->nreasons; i++)
			if (di->reasons[i].severity >= VXOFF_SEVERITY_WARN)
				di->verdict = VXOFF_VERDICT_PARTIAL;
	}
	return 0;
}

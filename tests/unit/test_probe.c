/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * vxoff_probe_device() / vxoff_probe_all() without a kernel:
 *  - on the generated NIC fixtures (tests/replay/nic-*.nlrec, see tests/tools/gen-nic-fixture):
 *    every value is checked against what the fixture's model says the driver reports;
 *  - on recordings of virtual devices (tests/replay/virtual-6.18*.nlrec), checked against the
 *    measured table of kernel-interfaces.md §6 (skipped with the reason if not recorded);
 *  - on fakenic directly for what a recording cannot show: verbose bitsets, a kernel without
 *    the ethtool or netdev family, a device that disappears;
 *  - every public accessor's error paths and the struct copy-out rules.
 * The SYSFS item reads a fake sysfs tree made with mkdtemp().
 */
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/ethtool.h>
#include <linux/ethtool_netlink.h>

#include <vxoff/probe.h>

#include "../tools/fakenic.h"
#include "netlink/compat.h"
#include "probe/probe_internal.h"
#include "testutil.h"

#define NIC_TNL "nic-tunnel-offload.nlrec"
#define NIC_OLD "nic-no-tunnel-offload.nlrec"
#define ALL_ITEMS ((1u << VXOFF_ITEM_COUNT) - 1)

/* ---- fake sysfs of the NIC model ---- */

static void sysfs_dev(const char *root, const char *dev, uint32_t ifindex, uint32_t nq,
		      bool multi_tx)
{
	char rel[256], val[32];

	snprintf(rel, sizeof(rel), "class/net/%s/ifindex", dev);
	snprintf(val, sizeof(val), "%u\n", ifindex);
	tu_write(root, rel, val);
	snprintf(rel, sizeof(rel), "class/net/%s/threaded", dev);
	tu_write(root, rel, "0\n");
	snprintf(rel, sizeof(rel), "class/net/%s/gro_flush_timeout", dev);
	tu_write(root, rel, "20000\n");
	snprintf(rel, sizeof(rel), "class/net/%s/napi_defer_hard_irqs", dev);
	tu_write(root, rel, "2\n");
	for (uint32_t q = 0; q < nq; q++) {
		snprintf(rel, sizeof(rel), "class/net/%s/queues/rx-%u/rps_cpus", dev, q);
		tu_write(root, rel, q == 0 ? "f\n" : "00000000,00000000\n");
		snprintf(rel, sizeof(rel), "class/net/%s/queues/rx-%u/rps_flow_cnt", dev, q);
		tu_write(root, rel, q == 0 ? "4096\n" : "0\n");
		if (multi_tx) {
			snprintf(rel, sizeof(rel), "class/net/%s/queues/tx-%u/xps_cpus", dev, q);
			tu_write(root, rel, q == 0 ? "ff,00000001\n" : "0\n");
			snprintf(rel, sizeof(rel), "class/net/%s/queues/tx-%u/xps_rxqs", dev, q);
			tu_write(root, rel, "0\n");
		} else {
			/* a single TX queue has no xps files: only the directory */
			snprintf(rel, sizeof(rel), "class/net/%s/queues/tx-%u/tx_timeout", dev, q);
			tu_write(root, rel, "0\n");
		}
	}
}

static char *nic_sysfs(uint32_t nq)
{
	char *root = tu_mkdtemp();

	sysfs_dev(root, "lo", 1, 1, false);
	sysfs_dev(root, "eth0", 2, nq, true);
	sysfs_dev(root, "vxlan100", 3, 1, false);
	return root;
}

/* ---- small helpers ---- */

static struct vxoff_item_status item(const struct vxoff_devinfo *di, uint32_t it)
{
	struct vxoff_item_status s = { .sz = sizeof(s) };

	assert_int_equal(vxoff_devinfo_item(di, it, &s), 0);
	return s;
}

static void assert_item(const struct vxoff_devinfo *di, uint32_t it, uint32_t cap)
{
	struct vxoff_item_status s = item(di, it);

	if (s.cap != cap)
		fail_msg("item %s: cap %u (err %d, %s), want %u", vxoff_item_name(it), s.cap, s.err,
			 s.msg ? s.msg : "", cap);
	if (cap == VXOFF_CAP_YES) {
		assert_int_equal(s.err, 0);
		assert_null(s.msg);
	} else {
		assert_int_not_equal(s.err, 0);
		assert_non_null(s.msg);
	}
}

static uint32_t fflags(const struct vxoff_devinfo *di, const char *name)
{
	struct vxoff_feature f = { .sz = sizeof(f) };

	if (vxoff_devinfo_feature_find(di, name, &f) != 0)
		fail_msg("feature %s not found", name);
	assert_string_equal(f.name, name);
	return f.flags;
}

static bool has_reason(const struct vxoff_devinfo *di, uint32_t code, uint32_t *severity)
{
	struct vxoff_vxlan_verdict v = { .sz = sizeof(v) };

	assert_int_equal(vxoff_devinfo_vxlan(di, &v), 0);
	for (uint32_t i = 0; i < v.reason_count; i++) {
		struct vxoff_vxlan_reason r = { .sz = sizeof(r) };

		assert_int_equal(vxoff_devinfo_vxlan_reason(di, i, &r), 0);
		assert_non_null(r.text);
		assert_string_equal(r.name, vxoff_vxlan_reason_name(r.code));
		if (r.code == code) {
			if (severity)
				*severity = r.severity;
			return true;
		}
	}
	return false;
}

static uint32_t verdict(const struct vxoff_devinfo *di, uint32_t *checked)
{
	struct vxoff_vxlan_verdict v = { .sz = sizeof(v) };

	assert_int_equal(vxoff_devinfo_vxlan(di, &v), 0);
	if (checked)
		*checked = v.checked_ifindex;
	return v.verdict;
}

/* Reasons of severity >= WARN, as a bitmask of codes (all codes are < 64). */
static uint64_t warn_codes(const struct vxoff_devinfo *di)
{
	struct vxoff_vxlan_verdict v = { .sz = sizeof(v) };
	uint64_t m = 0;

	assert_int_equal(vxoff_devinfo_vxlan(di, &v), 0);
	for (uint32_t i = 0; i < v.reason_count; i++) {
		struct vxoff_vxlan_reason r = { .sz = sizeof(r) };

		assert_int_equal(vxoff_devinfo_vxlan_reason(di, i, &r), 0);
		if (r.severity >= VXOFF_SEVERITY_WARN)
			m |= 1ull << r.code;
	}
	return m;
}

/* A context on a committed fixture; NULL (after printing why) if it is not there. */
static struct vxoff_ctx *fixture_ctx(const char *name, const char *sysroot)
{
	struct vxoff_ctx *ctx = tu_ctx(sysroot);
	char path[4096];

	if (!tu_replay_file(ctx, name)) {
		print_message("SKIP: fixture %s is missing (virtual-*: record it as root with "
			      "tests/tools/record-fixtures.sh; nic-*: cmake --build BUILD --target "
			      "regen-nic-fixtures)\n",
			      tu_fixture_path(name, path, sizeof(path)));
		vxoff_ctx_free(ctx);
		return NULL;
	}
	return ctx;
}

static struct vxoff_devinfo *probe(struct vxoff_ctx *ctx, const char *dev)
{
	struct vxoff_devinfo *di = NULL;
	int r = vxoff_probe_device(ctx, dev, 0, NULL, &di);

	if (r != 0) {
		struct vxoff_error e = tu_last_error(ctx);

		fail_msg("probe_device %s: %d %s", dev, r, e.msg ? e.msg : "");
	}
	assert_non_null(di);
	return di;
}

/* A context on fakenic (model m) with the NIC's fake sysfs. */
static struct vxoff_ctx *fake_ctx(struct fk_model *m, const char *sysroot)
{
	struct vxoff_ctx *ctx = tu_ctx(sysroot);
	struct vxoff__transport t;

	assert_int_equal(fk_transport_new(m, NULL, &t), 0);
	vxoff__ctx_set_transport(ctx, &t);
	return ctx;
}

/* ---- the NIC with tunnel offloads ---- */

static void check_nic_tunnel_eth0(const struct vxoff_devinfo *di, bool with_sysfs)
{
	struct vxoff_link_info li = { .sz = sizeof(li) };
	struct vxoff_channels ch = { .sz = sizeof(ch) };
	struct vxoff_rings rg = { .sz = sizeof(rg) };
	struct vxoff_rss rss = { .sz = sizeof(rss) };
	struct vxoff_tunnel_table tt = { .sz = sizeof(tt) };
	struct vxoff_tunnel_port tp = { .sz = sizeof(tp) };
	struct vxoff_queue_info q = { .sz = sizeof(q) };
	const uint32_t l4 = VXOFF_RXH_IP_SRC | VXOFF_RXH_IP_DST | VXOFF_RXH_L4_B_0_1 |
			    VXOFF_RXH_L4_B_2_3;
	uint32_t indir[130], v, sev;
	uint8_t key[64];

	for (uint32_t i = 0; i < VXOFF_ITEM_COUNT; i++)
		if (i != VXOFF_ITEM_SYSFS || with_sysfs)
			assert_item(di, i, VXOFF_CAP_YES);

	/* link and drvinfo */
	assert_int_equal(vxoff_devinfo_link(di, &li), 0);
	assert_string_equal(li.ifname, "eth0");
	assert_int_equal(li.ifindex, 2);
	assert_string_equal(li.kind, "");
	assert_int_equal(li.mtu, 1500);
	assert_true(li.present & VXOFF_LINK_HAS_MIN_MTU);
	assert_true(li.present & VXOFF_LINK_HAS_MAX_MTU);
	assert_int_equal(li.min_mtu, 68);
	assert_int_equal(li.max_mtu, 9978);
	assert_true(li.present & VXOFF_LINK_HAS_QUEUES);
	assert_int_equal(li.num_rx_queues, 63);
	assert_int_equal(li.num_tx_queues, 63);
	assert_false(li.present & VXOFF_LINK_HAS_VXLAN);
	assert_int_equal(li.operstate, VXOFF_OPER_UP);
	assert_string_equal(li.address, "02:00:5e:00:53:01");
	assert_string_equal(li.driver, "mlx5_core");
	assert_string_equal(li.bus_info, "0000:3b:00.0");
	assert_string_equal(li.fw_version, "22.39.1002 (MT_0000000359)");

	/* features, by name, with the kernel's own bit order */
	assert_int_equal(vxoff_devinfo_feature_count(di), 64);
	{
		struct vxoff_feature f = { .sz = sizeof(f) };

		assert_int_equal(vxoff_devinfo_feature(di, 26, &f), 0); /* 6.18's bit 26 */
		assert_string_equal(f.name, "tx-udp_tnl-segmentation");
		assert_int_equal(vxoff_devinfo_feature(di, 2, &f), 0); /* an unnamed bit */
		assert_string_equal(f.name, "");
	}
	for (const char *const *n = (const char *const[]){ "tx-udp_tnl-segmentation",
							   "tx-udp_tnl-csum-segmentation",
							   "rx-checksum", "rx-gro",
							   "rx-udp_tunnel-port-offload", "rx-hashing",
							   NULL };
	     *n; n++) {
		v = fflags(di, *n);
		if ((v & (VXOFF_FEATURE_ACTIVE | VXOFF_FEATURE_HW | VXOFF_FEATURE_FIXED |
			  VXOFF_FEATURE_WANTED)) !=
		    (VXOFF_FEATURE_ACTIVE | VXOFF_FEATURE_HW | VXOFF_FEATURE_WANTED))
			fail_msg("%s: flags 0x%x", *n, v);
	}
	v = fflags(di, "highdma"); /* on, but not the user's to change */
	assert_true(v & VXOFF_FEATURE_ACTIVE);
	assert_true(v & VXOFF_FEATURE_FIXED);
	assert_false(v & VXOFF_FEATURE_HW);
	v = fflags(di, "rx-lro"); /* changeable, off */
	assert_false(v & VXOFF_FEATURE_ACTIVE);
	assert_true(v & VXOFF_FEATURE_HW);
	assert_false(v & VXOFF_FEATURE_FIXED);
	v = fflags(di, "vlan-challenged"); /* never changeable */
	assert_true(v & VXOFF_FEATURE_NOCHANGE);
	assert_true(v & VXOFF_FEATURE_FIXED);
	assert_false(v & VXOFF_FEATURE_ACTIVE);
	{
		struct vxoff_feature f = { .sz = sizeof(f) };

		assert_int_equal(vxoff_devinfo_feature_find(di, "no-such-feature", &f), -ENOENT);
		assert_int_equal(vxoff_devinfo_feature(di, 64, &f), -ERANGE);
	}

	/* channels: only combined ones, as mlx5 reports */
	assert_int_equal(vxoff_devinfo_channels(di, &ch), 0);
	assert_int_equal(ch.present, VXOFF_CH_COMBINED_MAX | VXOFF_CH_COMBINED_COUNT);
	assert_int_equal(ch.combined_max, 63);
	assert_int_equal(ch.combined_count, 63);
	assert_int_equal(ch.rx_max, 0);

	/* rings */
	assert_int_equal(vxoff_devinfo_rings(di, &rg), 0);
	assert_int_equal(rg.rx, 1024);
	assert_int_equal(rg.tx, 1024);
	assert_int_equal(rg.rx_max, 8192);
	assert_int_equal(rg.tx_max, 8192);
	assert_true(rg.present & VXOFF_RING_TCP_DATA_SPLIT);
	assert_int_equal(rg.tcp_data_split, 1); /* off */
	assert_true(rg.present & VXOFF_RING_TX_PUSH);
	assert_false(rg.present & VXOFF_RING_RX_MINI);
	assert_false(rg.present & VXOFF_RING_CQE_SIZE);

	/* coalescing */
	assert_int_equal(vxoff_devinfo_coalesce_param(di, VXOFF_COAL_RX_USECS, &v), 0);
	assert_int_equal(v, 8);
	assert_int_equal(vxoff_devinfo_coalesce_param(di, VXOFF_COAL_USE_ADAPTIVE_RX, &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(vxoff_devinfo_coalesce_param(di, VXOFF_COAL_USE_ADAPTIVE_TX, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(vxoff_devinfo_coalesce_param(di, VXOFF_COAL_RX_MAX_FRAMES, &v), 0);
	assert_int_equal(v, 128);
	assert_int_equal(vxoff_devinfo_coalesce_param(di, VXOFF_COAL_TX_USECS, &v), 0);
	assert_int_equal(v, 16);
	v = 777;
	assert_int_equal(vxoff_devinfo_coalesce_param(di, VXOFF_COAL_RX_USECS_IRQ, &v), -ENOENT);
	assert_int_equal(v, 777); /* untouched on failure */

	/* RSS */
	assert_int_equal(vxoff_devinfo_rss(di, &rss), 0);
	assert_int_equal(rss.indir_size, 128);
	assert_int_equal(rss.key_size, 40);
	assert_int_equal(rss.hfunc, VXOFF_RSS_HFUNC_TOEPLITZ);
	assert_string_equal(rss.hfunc_name, "toeplitz");
	assert_true(rss.present & VXOFF_RSS_HAS_UDP4_FIELDS);
	assert_true(rss.udp4_fields & VXOFF_RXH_L4_B_0_1);
	assert_int_equal(rss.udp4_fields, l4);
	assert_int_equal(rss.udp6_fields, l4);
	assert_int_equal(rss.tcp4_fields, l4);
	memset(indir, 0xee, sizeof(indir));
	assert_int_equal(vxoff_devinfo_rss_indir(di, indir, 130), 128);
	for (uint32_t i = 0; i < 128; i++) /* spread over all 63 queues */
		assert_int_equal(indir[i], i % 63);
	assert_int_equal(indir[128], 0xeeeeeeee);
	memset(indir, 0xee, sizeof(indir));
	assert_int_equal(vxoff_devinfo_rss_indir(di, indir, 10), 128); /* a short buffer */
	assert_int_equal(indir[9], 9);
	assert_int_equal(indir[10], 0xeeeeeeee);
	assert_int_equal(vxoff_devinfo_rss_indir(di, NULL, 0), 128);
	assert_int_equal(vxoff_devinfo_rss_key(di, key, sizeof(key)), 40);
	assert_int_equal(key[0], 0x6d);
	assert_int_equal(key[39], 0xfa);

	/* the UDP tunnel port table */
	assert_int_equal(vxoff_devinfo_tunnel_table_count(di), 1);
	assert_int_equal(vxoff_devinfo_tunnel_table(di, 0, &tt), 0);
	assert_int_equal(tt.size, 4);
	assert_int_equal(tt.types, (1u << VXOFF_UDP_TUNNEL_VXLAN) | (1u << VXOFF_UDP_TUNNEL_GENEVE));
	assert_int_equal(tt.port_count, 1);
	assert_int_equal(vxoff_devinfo_tunnel_port_count(di), 1);
	assert_int_equal(vxoff_devinfo_tunnel_port(di, 0, &tp), 0);
	assert_int_equal(tp.port, 4789);
	assert_int_equal(tp.type, VXOFF_UDP_TUNNEL_VXLAN);
	assert_int_equal(tp.table, 0);
	assert_int_equal(vxoff_devinfo_tunnel_table(di, 1, &tt), -ERANGE);
	assert_int_equal(vxoff_devinfo_tunnel_port(di, 1, &tp), -ERANGE);

	/* queues: RX first, each with its NAPI and IRQ */
	assert_int_equal(vxoff_devinfo_queue_count(di), 126);
	for (uint32_t i = 0; i < 126; i++) {
		uint32_t id = i % 63;

		assert_int_equal(vxoff_devinfo_queue(di, i, &q), 0);
		assert_int_equal(q.type, i < 63 ? VXOFF_QUEUE_RX : VXOFF_QUEUE_TX);
		assert_int_equal(q.id, id);
		assert_true(q.present & VXOFF_QUEUE_HAS_NAPI);
		assert_true(q.present & VXOFF_QUEUE_HAS_IRQ);
		assert_false(q.present & VXOFF_QUEUE_HAS_NAPI_PID);
		assert_int_equal(q.napi_id, 8193 + id);
		assert_int_equal(q.irq, 140 + id);
	}
	assert_int_equal(vxoff_devinfo_queue(di, 126, &q), -ERANGE);
	if (with_sysfs) {
		struct vxoff_napi_info n = { .sz = sizeof(n) };

		assert_int_equal(vxoff_devinfo_queue(di, 0, &q), 0);
		assert_true(q.present & VXOFF_QUEUE_HAS_RPS);
		assert_string_equal(q.rps_cpus, "0-3");
		assert_int_equal(q.rps_flow_cnt, 4096);
		assert_int_equal(vxoff_devinfo_queue(di, 1, &q), 0);
		assert_string_equal(q.rps_cpus, "");
		assert_int_equal(vxoff_devinfo_queue(di, 63, &q), 0); /* tx-0 */
		assert_true(q.present & VXOFF_QUEUE_HAS_XPS_CPUS);
		assert_string_equal(q.xps_cpus, "0,32-39");
		assert_true(q.present & VXOFF_QUEUE_HAS_XPS_RXQS);
		assert_string_equal(q.xps_rxqs, "");
		assert_int_equal(vxoff_devinfo_napi(di, &n), 0);
		/* NAPIs exist (netdev listed them) and sysfs says 0: off, not unknown */
		assert_int_equal(n.threaded, VXOFF_CAP_NO);
		assert_int_equal(n.gro_flush_timeout_ns, 20000);
		assert_int_equal(n.napi_defer_hard_irqs, 2);
		assert_int_equal(n.present,
				 VXOFF_NAPI_HAS_GRO_FLUSH_TIMEOUT | VXOFF_NAPI_HAS_DEFER_HARD_IRQS);
	}

	/* verdict, judged on eth0 itself: every offload there, but a 1500 MTU cannot carry a
	 * 1500-byte overlay (1550 needed), which the device could fix (max 9978) */
	assert_int_equal(verdict(di, &v), VXOFF_VERDICT_PARTIAL);
	assert_int_equal(v, 2);
	assert_true(has_reason(di, VXOFF_VX_TX_TNL_TSO_ON, &sev));
	assert_int_equal(sev, VXOFF_SEVERITY_OK);
	assert_true(has_reason(di, VXOFF_VX_TX_TNL_CSUM_TSO_ON, NULL));
	assert_true(has_reason(di, VXOFF_VX_RX_CSUM_ON, NULL));
	assert_true(has_reason(di, VXOFF_VX_PORT_IN_TABLE, NULL));
	assert_true(has_reason(di, VXOFF_VX_GRO_ON, NULL));
	assert_true(has_reason(di, VXOFF_VX_RSS_L4, NULL));
	assert_true(has_reason(di, VXOFF_VX_MULTIQUEUE, NULL));
	assert_int_equal(warn_codes(di), 1ull << VXOFF_VX_MTU_HEADROOM_SHORT);
}

static void nic_tunnel_probe_device(void **state)
{
	char *root = nic_sysfs(63);
	struct vxoff_ctx *ctx = fixture_ctx(NIC_TNL, root);
	struct vxoff_devinfo *di;

	(void)state;
	if (!ctx) {
		tu_rmtree(root);
		free(root);
		skip();
	}
	di = probe(ctx, "eth0");
	check_nic_tunnel_eth0(di, true);
	vxoff_devinfo_free(di);
	/* the same device again on the same context: the fixture serves it again */
	di = probe(ctx, "eth0");
	assert_int_equal(vxoff_devinfo_queue_count(di), 126);
	vxoff_devinfo_free(di);
	vxoff_ctx_free(ctx);
	tu_rmtree(root);
	free(root);
}

static void nic_tunnel_vxlan_is_ready(void **state)
{
	char *root = nic_sysfs(63);
	struct vxoff_ctx *ctx = fixture_ctx(NIC_TNL, root);
	struct vxoff_link_info li = { .sz = sizeof(li) };
	struct vxoff_channels ch = { .sz = sizeof(ch) };
	struct vxoff_devinfo *di;
	uint32_t checked;

	(void)state;
	if (!ctx) {
		tu_rmtree(root);
		free(root);
		skip();
	}
	di = probe(ctx, "vxlan100");
	assert_int_equal(vxoff_devinfo_link(di, &li), 0);
	assert_string_equal(li.kind, "vxlan");
	assert_true(li.present & VXOFF_LINK_HAS_VXLAN);
	assert_int_equal(li.vxlan_vni, 100);
	assert_int_equal(li.vxlan_port, 4789);
	assert_int_equal(li.vxlan_family, AF_INET);
	assert_int_equal(li.underlay_ifindex, 2);
	assert_int_equal(li.mtu, 1450);
	assert_string_equal(li.driver, "vxlan");
	/* a virtual device: none of the NIC items */
	for (uint32_t i = VXOFF_ITEM_CHANNELS; i <= VXOFF_ITEM_TUNNEL_PORTS; i++)
		assert_item(di, i, VXOFF_CAP_NO);
	assert_int_equal(vxoff_devinfo_channels(di, &ch), -EOPNOTSUPP);
	assert_non_null(strstr(item(di, VXOFF_ITEM_TUNNEL_PORTS).msg,
			       "device does not report tunnel offload info"));
	/* judged by eth0, whose offloads carry it; 1450 + 50 fits eth0's 1500 */
	assert_int_equal(verdict(di, &checked), VXOFF_VERDICT_READY);
	assert_string_equal(vxoff_verdict_name(VXOFF_VERDICT_READY), "ready");
	assert_int_equal(checked, 2);
	assert_true(has_reason(di, VXOFF_VX_PORT_IN_TABLE, NULL));
	assert_true(has_reason(di, VXOFF_VX_TX_TNL_TSO_ON, NULL));
	assert_true(has_reason(di, VXOFF_VX_MTU_HEADROOM_OK, NULL));
	assert_true(has_reason(di, VXOFF_VX_OVERLAY_GRO_ON, NULL));
	assert_int_equal(warn_codes(di), 0);
	vxoff_devinfo_free(di);
	vxoff_ctx_free(ctx);
	tu_rmtree(root);
	free(root);
}

static void nic_tunnel_probe_all(void **state)
{
	char *root = nic_sysfs(63);
	struct vxoff_ctx *ctx = fixture_ctx(NIC_TNL, root);
	struct vxoff_devlist *l = NULL;
	const struct vxoff_devinfo *lo, *eth0, *vx;
	struct vxoff_devinfo *di = NULL;
	struct vxoff_queue_info q = { .sz = sizeof(q) };
	uint32_t checked;

	(void)state;
	if (!ctx) {
		tu_rmtree(root);
		free(root);
		skip();
	}
	/* the generator's sessions, in its order: then every exchange is used */
	di = probe(ctx, "eth0");
	vxoff_devinfo_free(di);
	di = probe(ctx, "vxlan100");
	vxoff_devinfo_free(di);
	di = (void *)0x1;
	assert_int_equal(vxoff_probe_device(ctx, "eth9", 0, NULL, &di), -ENODEV);
	assert_int_equal(vxoff_probe_all(ctx, NULL, &l), 0);
	assert_int_equal(vxoff__replay_unused(ctx), 0);

	assert_int_equal(vxoff_devlist_count(l), 3);
	assert_int_equal(vxoff_devlist_get(l, 0, &lo), 0);
	assert_int_equal(vxoff_devlist_get(l, 1, &eth0), 0);
	assert_int_equal(vxoff_devlist_get(l, 2, &vx), 0);
	assert_int_equal(vxoff_devlist_get(l, 3, &vx), -ERANGE);
	/* one dump per item gives the same eth0 as the do requests */
	check_nic_tunnel_eth0((struct vxoff_devinfo *)eth0, true);
	/* lo: features only; no drvinfo (EOPNOTSUPP), no NIC items */
	assert_item(lo, VXOFF_ITEM_FEATURES, VXOFF_CAP_YES);
	assert_item(lo, VXOFF_ITEM_DRVINFO, VXOFF_CAP_NO);
	for (uint32_t i = VXOFF_ITEM_CHANNELS; i <= VXOFF_ITEM_TUNNEL_PORTS; i++)
		assert_item(lo, i, VXOFF_CAP_NO);
	assert_true(fflags(lo, "loopback") & VXOFF_FEATURE_ACTIVE);
	/* lo's queues: one each way, no NAPI */
	assert_item(lo, VXOFF_ITEM_QUEUES, VXOFF_CAP_YES);
	assert_int_equal(vxoff_devinfo_queue_count(lo), 2);
	assert_int_equal(vxoff_devinfo_queue(lo, 0, &q), 0);
	assert_int_equal(q.present & (VXOFF_QUEUE_HAS_NAPI | VXOFF_QUEUE_HAS_IRQ), 0);
	/* the VXLAN device, judged by eth0 found in the same list */
	assert_int_equal(verdict(vx, &checked), VXOFF_VERDICT_READY);
	assert_int_equal(checked, 2);
	assert_item(vx, VXOFF_ITEM_TUNNEL_PORTS, VXOFF_CAP_NO);
	vxoff_devlist_free(l);
	vxoff_ctx_free(ctx);
	tu_rmtree(root);
	free(root);
}

static void nic_no_tunnel_offload(void **state)
{
	char *root = nic_sysfs(8);
	struct vxoff_ctx *ctx = fixture_ctx(NIC_OLD, root);
	struct vxoff_rss rss = { .sz = sizeof(rss) };
	struct vxoff_tunnel_port tp = { .sz = sizeof(tp) };
	struct vxoff_item_status s;
	struct vxoff_devinfo *di;
	uint32_t sev, f, checked;

	(void)state;
	if (!ctx) {
		tu_rmtree(root);
		free(root);
		skip();
	}
	di = probe(ctx, "eth0");
	/* no tunnel table: the device lacks it (NO), with the kernel's extack text */
	s = item(di, VXOFF_ITEM_TUNNEL_PORTS);
	assert_int_equal(s.cap, VXOFF_CAP_NO);
	assert_int_equal(s.err, -EOPNOTSUPP);
	assert_non_null(strstr(s.msg, "device does not report tunnel offload info"));
	assert_non_null(strstr(s.msg, "eth0"));
	assert_int_equal(vxoff_devinfo_tunnel_table_count(di), 0);
	assert_int_equal(vxoff_devinfo_tunnel_port_count(di), 0);
	assert_int_equal(vxoff_devinfo_tunnel_port(di, 0, &tp), -ERANGE);
	/* tunnel TSO: the name is known to this kernel, the device neither has nor may set it */
	f = fflags(di, "tx-udp_tnl-segmentation");
	assert_false(f & (VXOFF_FEATURE_ACTIVE | VXOFF_FEATURE_HW));
	assert_true(f & VXOFF_FEATURE_FIXED);
	assert_false(fflags(di, "rx-udp_tunnel-port-offload") & VXOFF_FEATURE_HW);
	/* RSS hashes UDP on addresses only */
	assert_int_equal(vxoff_devinfo_rss(di, &rss), 0);
	assert_int_equal(rss.udp4_fields, VXOFF_RXH_IP_SRC | VXOFF_RXH_IP_DST);
	assert_false(rss.udp6_fields & VXOFF_RXH_L4_B_0_1);
	assert_true(rss.tcp4_fields & VXOFF_RXH_L4_B_0_1);
	assert_int_equal(vxoff_devinfo_rss_indir(di, NULL, 0), 128);
	assert_int_equal(vxoff_devinfo_queue_count(di), 16);
	/* neither tunnel segmentation nor a port table: no VXLAN offload at all */
	assert_int_equal(verdict(di, NULL), VXOFF_VERDICT_NONE);
	assert_string_not_equal(vxoff_verdict_name(verdict(di, NULL)), "ready");
	assert_true(has_reason(di, VXOFF_VX_TX_TNL_TSO_NONE, &sev));
	assert_int_equal(sev, VXOFF_SEVERITY_MISSING);
	assert_true(has_reason(di, VXOFF_VX_PORT_TABLE_NONE, &sev));
	assert_int_equal(sev, VXOFF_SEVERITY_MISSING);
	assert_true(has_reason(di, VXOFF_VX_RSS_IP_ONLY, &sev));
	assert_int_equal(sev, VXOFF_SEVERITY_WARN);
	assert_false(has_reason(di, VXOFF_VX_TX_TNL_TSO_ON, NULL));
	vxoff_devinfo_free(di);
	/* and the VXLAN device over it */
	di = probe(ctx, "vxlan100");
	assert_int_equal(verdict(di, &checked), VXOFF_VERDICT_NONE);
	assert_int_equal(checked, 2);
	assert_true(has_reason(di, VXOFF_VX_PORT_TABLE_NONE, NULL));
	vxoff_devinfo_free(di);
	vxoff_ctx_free(ctx);
	tu_rmtree(root);
	free(root);
}

static void device_not_found(void **state)
{
	struct vxoff_ctx *ctx = fixture_ctx(NIC_TNL, "/nonexistent");
	struct vxoff_devinfo *di = (void *)0x1;
	struct vxoff_error e;
	struct fk_model m;

	(void)state;
	if (ctx) {
		assert_int_equal(vxoff_probe_device(ctx, "eth9", 0, NULL, &di), -ENODEV);
		assert_ptr_equal(di, (void *)0x1);
		e = tu_last_error(ctx);
		assert_int_equal(e.err, -ENODEV);
		assert_int_equal(e.reason, VXOFF_REASON_NO_DEVICE);
		assert_non_null(strstr(e.msg, "eth9"));
		vxoff_ctx_free(ctx);
	}
	/* by index */
	fk_model_nic(&m, true);
	ctx = fake_ctx(&m, "/nonexistent");
	assert_int_equal(vxoff_probe_device(ctx, NULL, 42, NULL, &di), -ENODEV);
	e = tu_last_error(ctx);
	assert_non_null(strstr(e.msg, "42"));
	assert_int_equal(m.unhandled, 0);
	vxoff_ctx_free(ctx);
}

static void device_disappears(void **state)
{
	struct fk_model m;
	struct vxoff_ctx *ctx;
	struct vxoff_devinfo *di;
	struct vxoff_devlist *l = NULL;
	struct vxoff_item_status s;

	(void)state;
	fk_model_nic(&m, true);
	m.vanish_ifindex = 2; /* rtnetlink still has it, ethtool and netdev no longer */
	ctx = fake_ctx(&m, "/nonexistent");
	di = probe(ctx, "eth0");
	assert_item(di, VXOFF_ITEM_LINK, VXOFF_CAP_YES);
	for (uint32_t i = VXOFF_ITEM_DRVINFO; i <= VXOFF_ITEM_QUEUES; i++) {
		s = item(di, i);
		if (s.cap != VXOFF_CAP_UNKNOWN || s.err != -ENODEV)
			fail_msg("%s: cap %u err %d", vxoff_item_name(i), s.cap, s.err);
		assert_non_null(strstr(s.msg, "eth0")); /* names it */
	}
	assert_non_null(strstr(item(di, VXOFF_ITEM_FEATURES).msg, "no device matches ifindex"));
	/* no verdict without features: unknown, and it says why */
	assert_int_equal(verdict(di, NULL), VXOFF_VERDICT_UNKNOWN);
	assert_true(has_reason(di, VXOFF_VX_FEATURES_UNKNOWN, NULL));
	vxoff_devinfo_free(di);
	/* the whole namespace: the others are still probed */
	assert_int_equal(vxoff_probe_all(ctx, NULL, &l), 0);
	assert_int_equal(vxoff_devlist_count(l), 3);
	{
		const struct vxoff_devinfo *lo;

		const struct vxoff_devinfo *gone = NULL;

		assert_int_equal(vxoff_devlist_get(l, 0, &lo), 0);
		assert_item(lo, VXOFF_ITEM_FEATURES, VXOFF_CAP_YES);
		for (uint32_t i = 0; i < vxoff_devlist_count(l); i++) {
			const struct vxoff_devinfo *d;
			VXOFF_OUT(vxoff_link_info, li);

			assert_int_equal(vxoff_devlist_get(l, i, &d), 0);
			assert_int_equal(vxoff_devinfo_link(d, &li), 0);
			if (li.ifindex == 2)
				gone = d;
		}
		assert_non_null(gone);
		/* gone between the dumps: unknown, never "the device lacks it" */
		for (uint32_t i = VXOFF_ITEM_FEATURES; i <= VXOFF_ITEM_TUNNEL_PORTS; i++) {
			s = item(gone, i);
			if (s.cap != VXOFF_CAP_UNKNOWN || s.err != -ENODEV)
				fail_msg("dump, %s: cap %u err %d", vxoff_item_name(i), s.cap,
					 s.err);
		}
	}
	vxoff_devlist_free(l);
	assert_int_equal(m.unhandled, 0);
	vxoff_ctx_free(ctx);
}

static void ethtool_family_missing(void **state)
{
	struct fk_model m;
	struct vxoff_ctx *ctx;
	struct vxoff_devinfo *di;
	struct vxoff_devlist *l = NULL;
	struct vxoff_item_status s;

	(void)state;
	fk_model_nic(&m, true);
	m.no_ethtool_family = true;
	ctx = fake_ctx(&m, "/nonexistent");
	di = probe(ctx, "eth0");
	for (uint32_t i = VXOFF_ITEM_FEATURES; i <= VXOFF_ITEM_TUNNEL_PORTS; i++) {
		s = item(di, i);
		/* the kernel lacks the interface: unknown, never "the device cannot" */
		if (s.cap != VXOFF_CAP_UNKNOWN)
			fail_msg("%s: cap %u", vxoff_item_name(i), s.cap);
		assert_int_not_equal(s.err, 0);
		assert_non_null(s.msg);
		assert_non_null(strstr(s.msg, "ethtool"));
	}
	assert_item(di, VXOFF_ITEM_DRVINFO, VXOFF_CAP_YES); /* the ioctl still works */
	assert_item(di, VXOFF_ITEM_QUEUES, VXOFF_CAP_YES);
	assert_int_equal(vxoff_devinfo_feature_count(di), 0);
	assert_int_equal(verdict(di, NULL), VXOFF_VERDICT_UNKNOWN);
	vxoff_devinfo_free(di);
	assert_int_equal(vxoff_probe_all(ctx, NULL, &l), 0);
	{
		const struct vxoff_devinfo *d;

		assert_int_equal(vxoff_devlist_get(l, 1, &d), 0);
		assert_int_equal(item(d, VXOFF_ITEM_RSS).cap, VXOFF_CAP_UNKNOWN);
	}
	vxoff_devlist_free(l);
	vxoff_ctx_free(ctx);

	/* without the netdev family: queues unknown, the rest fine */
	fk_model_nic(&m, true);
	m.no_netdev_family = true;
	ctx = fake_ctx(&m, "/nonexistent");
	di = probe(ctx, "eth0");
	s = item(di, VXOFF_ITEM_QUEUES);
	assert_int_equal(s.cap, VXOFF_CAP_UNKNOWN);
	assert_non_null(strstr(s.msg, "netdev"));
	assert_item(di, VXOFF_ITEM_FEATURES, VXOFF_CAP_YES);
	vxoff_devinfo_free(di);
	assert_int_equal(m.unhandled, 0);
	vxoff_ctx_free(ctx);
}

/* Verbose replies (as to a request without COMPACT_BITSETS) read the same as compact ones. */
static void verbose_bitsets_match_compact(void **state)
{
	struct fk_model mc, mv;
	struct vxoff_ctx *cc, *cv;
	struct vxoff_devinfo *dc, *dv;
	struct vxoff_tunnel_table tc = { .sz = sizeof(tc) }, tv = { .sz = sizeof(tv) };

	(void)state;
	fk_model_nic(&mc, true);
	fk_model_nic(&mv, true);
	mv.verbose_always = true;
	cc = fake_ctx(&mc, "/nonexistent");
	cv = fake_ctx(&mv, "/nonexistent");
	dc = probe(cc, "eth0");
	dv = probe(cv, "eth0");
	assert_item(dv, VXOFF_ITEM_FEATURES, VXOFF_CAP_YES);
	assert_int_equal(vxoff_devinfo_feature_count(dv), vxoff_devinfo_feature_count(dc));
	for (uint32_t i = 0; i < vxoff_devinfo_feature_count(dc); i++) {
		struct vxoff_feature a = { .sz = sizeof(a) }, b = { .sz = sizeof(b) };

		assert_int_equal(vxoff_devinfo_feature(dc, i, &a), 0);
		assert_int_equal(vxoff_devinfo_feature(dv, i, &b), 0);
		assert_string_equal(a.name, b.name);
		if (a.flags != b.flags)
			fail_msg("%s: compact 0x%x, verbose 0x%x", a.name, a.flags, b.flags);
	}
	/* and against the model itself */
	for (int i = 0; i < 64; i++) {
		struct vxoff_feature b = { .sz = sizeof(b) };
		const struct fk_dev *d = &mv.devs[1];

		assert_int_equal(vxoff_devinfo_feature(dv, (uint32_t)i, &b), 0);
		assert_int_equal(!!(b.flags & VXOFF_FEATURE_ACTIVE), !!(d->f_active >> i & 1));
		assert_int_equal(!!(b.flags & VXOFF_FEATURE_HW), !!(d->f_hw >> i & 1));
		assert_int_equal(!!(b.flags & VXOFF_FEATURE_WANTED), !!(d->f_wanted >> i & 1));
		assert_int_equal(!!(b.flags & VXOFF_FEATURE_NOCHANGE), !!(d->f_nochange >> i & 1));
	}
	assert_int_equal(vxoff_devinfo_tunnel_table(dc, 0, &tc), 0);
	assert_int_equal(vxoff_devinfo_tunnel_table(dv, 0, &tv), 0);
	assert_int_equal(tv.types, tc.types);
	assert_int_equal(tv.types, 3);
	assert_int_equal(mc.unhandled + mv.unhandled, 0);
	vxoff_devinfo_free(dc);
	vxoff_devinfo_free(dv);
	vxoff_ctx_free(cc);
	vxoff_ctx_free(cv);
}

/* Before 6.12 RSS_GET has no dump, before 6.17 no flow hash: per-device requests and the
 * legacy GRXFH ioctl must give the same answers. */
static void rss_on_older_kernels(void **state)
{
	const uint32_t l4 = VXOFF_RXH_IP_SRC | VXOFF_RXH_IP_DST | VXOFF_RXH_L4_B_0_1 |
			    VXOFF_RXH_L4_B_2_3;
	struct vxoff_rss rss = { .sz = sizeof(rss) };
	struct vxoff_devlist *l = NULL;
	const struct vxoff_devinfo *lo, *eth0;
	struct vxoff_ctx *ctx;
	struct fk_model m;

	(void)state;
	fk_model_nic(&m, true);
	m.rss_no_dump = true;
	m.no_flow_hash = true;
	ctx = fake_ctx(&m, "/nonexistent");
	assert_int_equal(vxoff_probe_all(ctx, NULL, &l), 0);
	assert_int_equal(vxoff_devlist_get(l, 0, &lo), 0);
	assert_int_equal(vxoff_devlist_get(l, 1, &eth0), 0);
	assert_item(lo, VXOFF_ITEM_RSS, VXOFF_CAP_NO);
	assert_item(eth0, VXOFF_ITEM_RSS, VXOFF_CAP_YES);
	assert_int_equal(vxoff_devinfo_rss(eth0, &rss), 0);
	assert_int_equal(rss.indir_size, 128);
	assert_int_equal(rss.key_size, 40);
	assert_string_equal(rss.hfunc_name, "toeplitz");
	assert_true(rss.present & VXOFF_RSS_HAS_UDP4_FIELDS);
	assert_int_equal(rss.udp4_fields, l4);
	assert_int_equal(rss.udp6_fields, l4);
	assert_int_equal(rss.tcp6_fields, l4);
	assert_true(has_reason(eth0, VXOFF_VX_RSS_L4, NULL));
	assert_int_equal(m.unhandled, 0);
	vxoff_devlist_free(l);
	vxoff_ctx_free(ctx);
}

/* ---- bitsets, directly ---- */

static struct tu_dgram B;

static struct nlattr *bs_start(void)
{
	struct nlmsghdr *nlh;

	B.len = 0;
	nlh = tu_msg(&B, 100, 0);
	return (struct nlattr *)mnl_nlmsg_get_payload_tail(nlh);
}

static void bitsets_direct(void **state)
{
	struct nlmsghdr *nlh;
	struct nlattr *nest, *bits, *bit;
	struct vxoff__strset names = { .refs = 1, .count = 3 };
	char *nm[3] = { "alpha", "beta", "gamma" };
	uint32_t w[2], n, val[2] = { 0xf0f0000f, 0x3 }, mask[2] = { 0x0000ffff, 0x1 };

	(void)state;
	names.names = nm;
	/* compact with a mask: bits outside the mask are not set */
	nest = bs_start();
	nlh = &B.align;
	nest = mnl_attr_nest_start(nlh, 1);
	mnl_attr_put_u32(nlh, ETHTOOL_A_BITSET_SIZE, 40);
	mnl_attr_put(nlh, ETHTOOL_A_BITSET_VALUE, 8, val);
	mnl_attr_put(nlh, ETHTOOL_A_BITSET_MASK, 8, mask);
	mnl_attr_nest_end(nlh, nest);
	assert_int_equal(vxoff__bitset_parse(nest, w, 2, &n, NULL), 0);
	assert_int_equal(n, 40);
	assert_int_equal(w[0], 0x0000000f);
	assert_int_equal(w[1], 0x1);
	/* fewer words than the set: the rest is ignored, no overflow */
	assert_int_equal(vxoff__bitset_parse(nest, w, 1, &n, NULL), 0);
	assert_int_equal(w[0], 0x0000000f);

	/* compact NOMASK; bits past SIZE are cut */
	bs_start();
	nest = mnl_attr_nest_start(nlh, 1);
	mnl_attr_put(nlh, ETHTOOL_A_BITSET_NOMASK, 0, NULL);
	mnl_attr_put_u32(nlh, ETHTOOL_A_BITSET_SIZE, 34);
	mnl_attr_put(nlh, ETHTOOL_A_BITSET_VALUE, 8, (uint32_t[]){ 0x80000001, 0xff });
	mnl_attr_nest_end(nlh, nest);
	assert_int_equal(vxoff__bitset_parse(nest, w, 2, &n, NULL), 0);
	assert_int_equal(w[0], 0x80000001);
	assert_int_equal(w[1], 0x3);

	/* a VALUE of the wrong length is not a bitset, and leaves nothing behind */
	bs_start();
	nest = mnl_attr_nest_start(nlh, 1);
	mnl_attr_put_u32(nlh, ETHTOOL_A_BITSET_SIZE, 64);
	mnl_attr_put(nlh, ETHTOOL_A_BITSET_VALUE, 4, (uint32_t[]){ 0xffffffff });
	mnl_attr_nest_end(nlh, nest);
	w[0] = w[1] = 0x55;
	assert_int_equal(vxoff__bitset_parse(nest, w, 2, &n, NULL), -EPROTO);
	assert_int_equal(w[0], 0);
	assert_int_equal(w[1], 0);
	/* compact without SIZE */
	bs_start();
	nest = mnl_attr_nest_start(nlh, 1);
	mnl_attr_put(nlh, ETHTOOL_A_BITSET_VALUE, 4, (uint32_t[]){ 1 });
	mnl_attr_nest_end(nlh, nest);
	assert_int_equal(vxoff__bitset_parse(nest, w, 2, &n, NULL), -EPROTO);

	/* verbose value/mask: listed bits set only with VALUE; by index or by name */
	bs_start();
	nest = mnl_attr_nest_start(nlh, 1);
	mnl_attr_put_u32(nlh, ETHTOOL_A_BITSET_SIZE, 3);
	bits = mnl_attr_nest_start(nlh, ETHTOOL_A_BITSET_BITS);
	bit = mnl_attr_nest_start(nlh, ETHTOOL_A_BITSET_BITS_BIT);
	mnl_attr_put_u32(nlh, ETHTOOL_A_BITSET_BIT_INDEX, 0);
	mnl_attr_put_strz(nlh, ETHTOOL_A_BITSET_BIT_NAME, "alpha");
	mnl_attr_nest_end(nlh, bit);
	bit = mnl_attr_nest_start(nlh, ETHTOOL_A_BITSET_BITS_BIT);
	mnl_attr_put_strz(nlh, ETHTOOL_A_BITSET_BIT_NAME, "gamma");
	mnl_attr_put(nlh, ETHTOOL_A_BITSET_BIT_VALUE, 0, NULL);
	mnl_attr_nest_end(nlh, bit);
	mnl_attr_nest_end(nlh, bits);
	mnl_attr_nest_end(nlh, nest);
	assert_int_equal(vxoff__bitset_parse(nest, w, 1, &n, &names), 0);
	assert_int_equal(w[0], 0x4);
	assert_int_equal(n, 3);
	/* a bit named only by a name nobody knows */
	assert_int_equal(vxoff__bitset_parse(nest, w, 1, &n, NULL), -EPROTO);

	/* verbose NOMASK: listed = set; an index past SIZE is malformed */
	bs_start();
	nest = mnl_attr_nest_start(nlh, 1);
	mnl_attr_put(nlh, ETHTOOL_A_BITSET_NOMASK, 0, NULL);
	mnl_attr_put_u32(nlh, ETHTOOL_A_BITSET_SIZE, 8);
	bits = mnl_attr_nest_start(nlh, ETHTOOL_A_BITSET_BITS);
	for (uint32_t i = 1; i < 8; i += 3) {
		bit = mnl_attr_nest_start(nlh, ETHTOOL_A_BITSET_BITS_BIT);
		mnl_attr_put_u32(nlh, ETHTOOL_A_BITSET_BIT_INDEX, i);
		mnl_attr_nest_end(nlh, bit);
	}
	mnl_attr_nest_end(nlh, bits);
	mnl_attr_nest_end(nlh, nest);
	assert_int_equal(vxoff__bitset_parse(nest, w, 1, &n, NULL), 0);
	assert_int_equal(w[0], (1u << 1) | (1u << 4) | (1u << 7));
	bs_start();
	nest = mnl_attr_nest_start(nlh, 1);
	mnl_attr_put(nlh, ETHTOOL_A_BITSET_NOMASK, 0, NULL);
	mnl_attr_put_u32(nlh, ETHTOOL_A_BITSET_SIZE, 8);
	bits = mnl_attr_nest_start(nlh, ETHTOOL_A_BITSET_BITS);
	bit = mnl_attr_nest_start(nlh, ETHTOOL_A_BITSET_BITS_BIT);
	mnl_attr_put_u32(nlh, ETHTOOL_A_BITSET_BIT_INDEX, 8);
	mnl_attr_nest_end(nlh, bit);
	mnl_attr_nest_end(nlh, bits);
	mnl_attr_nest_end(nlh, nest);
	assert_int_equal(vxoff__bitset_parse(nest, w, 1, &n, NULL), -EPROTO);
	/* a bit with neither index nor name */
	bs_start();
	nest = mnl_attr_nest_start(nlh, 1);
	bits = mnl_attr_nest_start(nlh, ETHTOOL_A_BITSET_BITS);
	bit = mnl_attr_nest_start(nlh, ETHTOOL_A_BITSET_BITS_BIT);
	mnl_attr_put(nlh, ETHTOOL_A_BITSET_BIT_VALUE, 0, NULL);
	mnl_attr_nest_end(nlh, bit);
	mnl_attr_nest_end(nlh, bits);
	mnl_attr_nest_end(nlh, nest);
	assert_int_equal(vxoff__bitset_parse(nest, w, 1, &n, NULL), -EPROTO);
	assert_int_equal(vxoff__bitset_parse(NULL, w, 1, &n, NULL), -EPROTO);
}

/* ---- accessors: error paths and copy-out ---- */

static void accessor_errors(void **state)
{
	struct fk_model m;
	struct vxoff_ctx *ctx;
	struct vxoff_devinfo *eth0, *vx, *linkonly;
	struct vxoff_probe_opts o = { .sz = sizeof(o), .items = 1u << VXOFF_ITEM_LINK };
	struct vxoff_link_info li = { .sz = sizeof(li) };
	struct vxoff_channels ch = { .sz = sizeof(ch) };
	struct vxoff_rings rg = { .sz = sizeof(rg) };
	struct vxoff_rss rss = { .sz = sizeof(rss) };
	struct vxoff_feature f = { .sz = sizeof(f) };
	struct vxoff_item_status st = { .sz = sizeof(st) };
	struct vxoff_tunnel_table tt = { .sz = sizeof(tt) };
	struct vxoff_tunnel_port tp = { .sz = sizeof(tp) };
	struct vxoff_queue_info q = { .sz = sizeof(q) };
	struct vxoff_napi_info n = { .sz = sizeof(n) };
	struct vxoff_vxlan_verdict v = { .sz = sizeof(v) };
	struct vxoff_vxlan_reason vr = { .sz = sizeof(vr) };
	const struct vxoff_devinfo *cd;
	uint32_t u32, small = 4, buf[4];
	uint8_t key[4];

	(void)state;
	fk_model_nic(&m, true);
	ctx = fake_ctx(&m, "/nonexistent");
	eth0 = probe(ctx, "eth0");
	vx = probe(ctx, "vxlan100");
	linkonly = NULL;
	assert_int_equal(vxoff_probe_device(ctx, "eth0", 0, &o, &linkonly), 0);

	/* -EINVAL: NULL anything */
	assert_int_equal(vxoff_devinfo_item(NULL, 0, &st), -EINVAL);
	assert_int_equal(vxoff_devinfo_item(eth0, 0, NULL), -EINVAL);
	assert_int_equal(vxoff_devinfo_item(eth0, VXOFF_ITEM_COUNT, &st), -EINVAL);
	assert_int_equal(vxoff_devinfo_link(NULL, &li), -EINVAL);
	assert_int_equal(vxoff_devinfo_link(eth0, NULL), -EINVAL);
	assert_int_equal(vxoff_devinfo_feature(NULL, 0, &f), -EINVAL);
	assert_int_equal(vxoff_devinfo_feature(eth0, 0, NULL), -EINVAL);
	assert_int_equal(vxoff_devinfo_feature_find(eth0, NULL, &f), -EINVAL);
	assert_int_equal(vxoff_devinfo_feature_find(NULL, "rx-gro", &f), -EINVAL);
	assert_int_equal(vxoff_devinfo_channels(NULL, &ch), -EINVAL);
	assert_int_equal(vxoff_devinfo_channels(eth0, NULL), -EINVAL);
	assert_int_equal(vxoff_devinfo_rings(NULL, &rg), -EINVAL);
	assert_int_equal(vxoff_devinfo_coalesce_param(NULL, VXOFF_COAL_RX_USECS, &u32), -EINVAL);
	assert_int_equal(vxoff_devinfo_coalesce_param(eth0, VXOFF_COAL_RX_USECS, NULL), -EINVAL);
	assert_int_equal(vxoff_devinfo_coalesce_param(eth0, 99, &u32), -EINVAL);
	assert_int_equal(vxoff_devinfo_coalesce_param(eth0, ETHTOOL_A_COALESCE_RX_PROFILE, &u32),
			 -EINVAL); /* a nest, not a parameter */
	assert_int_equal(vxoff_devinfo_rss(NULL, &rss), -EINVAL);
	assert_int_equal(vxoff_devinfo_rss_indir(NULL, buf, 4), -EINVAL);
	assert_int_equal(vxoff_devinfo_rss_indir(eth0, NULL, 4), -EINVAL);
	assert_int_equal(vxoff_devinfo_rss_key(eth0, NULL, 4), -EINVAL);
	assert_int_equal(vxoff_devinfo_tunnel_table(NULL, 0, &tt), -EINVAL);
	assert_int_equal(vxoff_devinfo_tunnel_port(eth0, 0, NULL), -EINVAL);
	assert_int_equal(vxoff_devinfo_queue(NULL, 0, &q), -EINVAL);
	assert_int_equal(vxoff_devinfo_napi(NULL, &n), -EINVAL);
	assert_int_equal(vxoff_devinfo_vxlan(NULL, &v), -EINVAL);
	assert_int_equal(vxoff_devinfo_vxlan_reason(eth0, 0, NULL), -EINVAL);
	assert_int_equal(vxoff_devlist_get(NULL, 0, &cd), -EINVAL);
	/* sz below the minimum */
	assert_int_equal(vxoff_devinfo_channels(eth0, (void *)&small), -EINVAL);
	assert_int_equal(vxoff_devinfo_link(eth0, (void *)&small), -EINVAL);
	assert_int_equal(vxoff_devinfo_item(eth0, 0, (void *)&small), -EINVAL);
	/* counts of nothing */
	assert_int_equal(vxoff_devinfo_feature_count(NULL), 0);
	assert_int_equal(vxoff_devinfo_queue_count(NULL), 0);
	assert_int_equal(vxoff_devinfo_tunnel_table_count(NULL), 0);
	assert_int_equal(vxoff_devinfo_tunnel_port_count(NULL), 0);
	assert_int_equal(vxoff_devlist_count(NULL), 0);
	/* names */
	assert_string_equal(vxoff_item_name(VXOFF_ITEM_TUNNEL_PORTS), "tunnel_ports");
	assert_string_equal(vxoff_item_name(99), "unknown");
	assert_string_equal(vxoff_coalesce_param_name(VXOFF_COAL_RX_USECS), "rx-usecs");
	assert_string_equal(vxoff_coalesce_param_name(VXOFF_COAL_USE_ADAPTIVE_RX), "adaptive-rx");
	assert_null(vxoff_coalesce_param_name(99));
	assert_string_equal(vxoff_verdict_name(99), "unknown");
	assert_string_equal(vxoff_severity_name(VXOFF_SEVERITY_MISSING), "missing");
	assert_string_equal(vxoff_vxlan_reason_name(9999), "unknown");

	/* -ERANGE */
	assert_int_equal(vxoff_devinfo_feature(eth0, 9999, &f), -ERANGE);
	assert_int_equal(vxoff_devinfo_queue(eth0, 9999, &q), -ERANGE);
	assert_int_equal(vxoff_devinfo_tunnel_table(eth0, 9999, &tt), -ERANGE);
	assert_int_equal(vxoff_devinfo_vxlan_reason(eth0, 9999, &vr), -ERANGE);

	/* -EOPNOTSUPP: the device lacks it */
	assert_int_equal(vxoff_devinfo_channels(vx, &ch), -EOPNOTSUPP);
	assert_int_equal(vxoff_devinfo_rings(vx, &rg), -EOPNOTSUPP);
	assert_int_equal(vxoff_devinfo_rss(vx, &rss), -EOPNOTSUPP);
	assert_int_equal(vxoff_devinfo_rss_indir(vx, buf, 4), -EOPNOTSUPP);
	assert_int_equal(vxoff_devinfo_rss_key(vx, key, 4), -EOPNOTSUPP);
	u32 = 5;
	assert_int_equal(vxoff_devinfo_coalesce_param(vx, VXOFF_COAL_RX_USECS, &u32), -EOPNOTSUPP);
	assert_int_equal(u32, 5);
	assert_int_equal(vxoff_devinfo_tunnel_table_count(vx), 0);

	/* -ENODATA: not probed */
	assert_int_equal(vxoff_devinfo_item(linkonly, VXOFF_ITEM_FEATURES, &st), 0);
	assert_int_equal(st.cap, VXOFF_CAP_UNKNOWN);
	assert_int_equal(st.err, -ENODATA);
	assert_int_equal(vxoff_devinfo_feature_find(linkonly, "rx-gro", &f), -ENODATA);
	assert_int_equal(vxoff_devinfo_feature_count(linkonly), 0);
	assert_int_equal(vxoff_devinfo_channels(linkonly, &ch), -ENODATA);
	assert_int_equal(vxoff_devinfo_rings(linkonly, &rg), -ENODATA);
	assert_int_equal(vxoff_devinfo_rss(linkonly, &rss), -ENODATA);
	assert_int_equal(vxoff_devinfo_coalesce_param(linkonly, VXOFF_COAL_RX_USECS, &u32),
			 -ENODATA);
	assert_int_equal(vxoff_devinfo_napi(linkonly, &n), -ENODATA);
	assert_int_equal(vxoff_devinfo_vxlan(linkonly, &v), -ENODATA);
	assert_int_equal(vxoff_devinfo_vxlan_reason(linkonly, 0, &vr), -ENODATA);
	assert_int_equal(vxoff_devinfo_queue_count(linkonly), 0);
	assert_int_equal(vxoff_devinfo_link(linkonly, &li), 0);
	assert_string_equal(li.ifname, "eth0");
	assert_string_equal(li.driver, ""); /* drvinfo not asked: "" never NULL */
	/* the sysfs item unknown (a root without the device): napi -ENODATA */
	assert_int_equal(item(eth0, VXOFF_ITEM_SYSFS).cap, VXOFF_CAP_UNKNOWN);
	assert_int_equal(vxoff_devinfo_napi(eth0, &n), -ENODATA);

	vxoff_devinfo_free(eth0);
	vxoff_devinfo_free(vx);
	vxoff_devinfo_free(linkonly);
	vxoff_devinfo_free(NULL);
	vxoff_devlist_free(NULL);
	vxoff_ctx_free(ctx);
}

static void probe_argument_errors(void **state)
{
	struct vxoff_ctx *ctx = tu_ctx("/nonexistent");
	struct vxoff_devinfo *di = (void *)0x1;
	struct vxoff_devlist *l = (void *)0x1;

	(void)state;
	tu_replay_mem(ctx, "# nothing: no request may be sent\n");
	{
		struct vxoff_probe_opts o = { .sz = sizeof(o), .items = 1u << VXOFF_ITEM_COUNT };

		assert_int_equal(vxoff_probe_device(ctx, "eth0", 0, &o, &di), -EINVAL);
		assert_non_null(strstr(tu_last_error(ctx).msg, "items"));
		assert_int_equal(vxoff_probe_all(ctx, &o, &l), -EINVAL);
		o.items = 0;
		o.flags = 1u << 5;
		assert_int_equal(vxoff_probe_device(ctx, "eth0", 0, &o, &di), -EINVAL);
		o.flags = 0;
		o.reserved0 = 1;
		assert_int_equal(vxoff_probe_device(ctx, "eth0", 0, &o, &di), -E2BIG);
		o.reserved0 = 0;
		o.sz = VXOFF_PROBE_OPTS_SZ_0_1 - 4;
		assert_int_equal(vxoff_probe_device(ctx, "eth0", 0, &o, &di), -EINVAL);
		assert_int_equal(tu_last_error(ctx).reason, VXOFF_REASON_STRUCT_SIZE);
	}
	{
		unsigned char big[32] = { 0 };
		struct vxoff_probe_opts o = { .sz = sizeof(big) };

		memcpy(big, &o, sizeof(o));
		big[sizeof(o)] = 1;
		assert_int_equal(vxoff_probe_device(ctx, "eth0", 0, (void *)big, &di), -E2BIG);
	}
	assert_int_equal(vxoff_probe_device(ctx, "eth0", 0, NULL, NULL), -EINVAL);
	assert_int_equal(vxoff_probe_device(ctx, NULL, 0, NULL, &di), -EINVAL);
	assert_int_equal(vxoff_probe_device(ctx, "", 0, NULL, &di), -EINVAL);
	assert_int_equal(vxoff_probe_device(ctx, "0123456789abcdef", 0, NULL, &di), -EINVAL);
	assert_int_equal(vxoff_probe_device(NULL, "eth0", 0, NULL, &di), -EINVAL);
	assert_int_equal(vxoff_probe_all(ctx, NULL, NULL), -EINVAL);
	assert_int_equal(vxoff_probe_all(NULL, NULL, &l), -EINVAL);
	assert_ptr_equal(di, (void *)0x1);
	assert_ptr_equal(l, (void *)0x1);
	vxoff_ctx_free(ctx);
}

static void struct_copy_out(void **state)
{
	struct fk_model m;
	struct vxoff_ctx *ctx;
	struct vxoff_devinfo *di;
	unsigned char out[sizeof(struct vxoff_link_info) + 32];
	struct vxoff_channels ch;
	uint32_t sz;

	(void)state;
	fk_model_nic(&m, true);
	ctx = fake_ctx(&m, "/nonexistent");
	di = probe(ctx, "eth0");

	/* an older caller's channels: up to combined_max; the rest untouched */
	sz = (uint32_t)offsetof(struct vxoff_channels, combined_max);
	memset(out, 0xee, sizeof(out));
	memcpy(out, &sz, 4);
	assert_int_equal(vxoff_devinfo_channels(di, (void *)out), 0);
	memcpy(&ch, out, sz);
	assert_int_equal(ch.sz, sz);
	assert_int_equal(ch.present, VXOFF_CH_COMBINED_MAX | VXOFF_CH_COMBINED_COUNT);
	for (size_t i = sz; i < sizeof(out); i++)
		assert_int_equal(out[i], 0xee);
	/* a newer caller's: the tail it knows and we don't reads zero */
	sz = sizeof(struct vxoff_channels) + 16;
	memset(out, 0xee, sizeof(out));
	memcpy(out, &sz, 4);
	assert_int_equal(vxoff_devinfo_channels(di, (void *)out), 0);
	memcpy(&ch, out, sizeof(ch));
	assert_int_equal(ch.sz, sz); /* the caller's size stays */
	assert_int_equal(ch.combined_count, 63);
	for (size_t i = sizeof(ch); i < sz; i++)
		assert_int_equal(out[i], 0);
	for (size_t i = sz; i < sizeof(out); i++)
		assert_int_equal(out[i], 0xee);
	/* link info: cut before the strings, then larger than ours */
	sz = (uint32_t)offsetof(struct vxoff_link_info, ifname);
	memset(out, 0xee, sizeof(out));
	memcpy(out, &sz, 4);
	assert_int_equal(vxoff_devinfo_link(di, (void *)out), 0);
	for (size_t i = sz; i < sizeof(out); i++)
		assert_int_equal(out[i], 0xee);
	{
		struct vxoff_link_info li;

		sz = sizeof(struct vxoff_link_info) + 24;
		memset(out, 0xee, sizeof(out));
		memcpy(out, &sz, 4);
		assert_int_equal(vxoff_devinfo_link(di, (void *)out), 0);
		memcpy(&li, out, sizeof(li));
		assert_string_equal(li.ifname, "eth0");
		for (size_t i = sizeof(li); i < sz; i++)
			assert_int_equal(out[i], 0);
	}
	/* above the struct size limit */
	sz = VXOFF_STRUCT_MAX_SZ + 1;
	memcpy(out, &sz, 4);
	assert_true(vxoff_devinfo_channels(di, (void *)out) < 0);
	vxoff_devinfo_free(di);
	vxoff_ctx_free(ctx);
}

static void sysfs_of_another_namespace(void **state)
{
	char *root = tu_mkdtemp();
	struct fk_model m;
	struct vxoff_ctx *ctx;
	struct vxoff_devinfo *di;
	struct vxoff_item_status s;

	(void)state;
	/* a sysfs where eth0 is another device (ifindex 7): not read */
	sysfs_dev(root, "eth0", 7, 2, true);
	fk_model_nic(&m, true);
	ctx = fake_ctx(&m, root);
	di = probe(ctx, "eth0");
	s = item(di, VXOFF_ITEM_SYSFS);
	assert_int_equal(s.cap, VXOFF_CAP_UNKNOWN);
	assert_int_equal(s.err, -ENODEV);
	assert_non_null(strstr(s.msg, "eth0"));
	for (uint32_t i = 0; i < vxoff_devinfo_queue_count(di); i++) {
		struct vxoff_queue_info q = { .sz = sizeof(q) };

		assert_int_equal(vxoff_devinfo_queue(di, i, &q), 0);
		assert_false(q.present & (VXOFF_QUEUE_HAS_RPS | VXOFF_QUEUE_HAS_XPS_CPUS));
	}
	vxoff_devinfo_free(di);
	vxoff_ctx_free(ctx);
	tu_rmtree(root);
	free(root);
}

/* ---- recordings of virtual devices (tests/tools/record-fixtures.sh) ---- */

static const struct vxoff_devinfo *by_name(const struct vxoff_devlist *l, const char *name)
{
	for (uint32_t i = 0; i < vxoff_devlist_count(l); i++) {
		const struct vxoff_devinfo *d;
		struct vxoff_link_info li = { .sz = sizeof(li) };

		assert_int_equal(vxoff_devlist_get(l, i, &d), 0);
		assert_int_equal(vxoff_devinfo_link(d, &li), 0);
		if (!strcmp(li.ifname, name))
			return d;
	}
	fail_msg("no device %s in the recording", name);
	return NULL;
}

static uint32_t ifindex_of(const struct vxoff_devinfo *d)
{
	struct vxoff_link_info li = { .sz = sizeof(li) };

	assert_int_equal(vxoff_devinfo_link(d, &li), 0);
	return li.ifindex;
}

/* The measured table of kernel-interfaces.md §6, item by item. */
static void check_virtual(const struct vxoff_devlist *l)
{
	const struct vxoff_devinfo *lo = by_name(l, "lo"), *v0 = by_name(l, "vxt-v0"),
				   *v1 = by_name(l, "vxt-v1"), *vx = by_name(l, "vxt-vx"),
				   *br = by_name(l, "vxt-br"), *mv = by_name(l, "vxt-mv"),
				   *ifb = by_name(l, "vxt-ifb"), *tun = by_name(l, "vxt-tun");
	const struct vxoff_devinfo *all[] = { lo, v0, v1, vx, br, mv, ifb, tun };
	struct vxoff_link_info li = { .sz = sizeof(li) };
	struct vxoff_channels ch = { .sz = sizeof(ch) };
	uint32_t v, checked;

	/* every device: features and queues; nobody has rings, RSS or a tunnel table */
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		assert_item(all[i], VXOFF_ITEM_LINK, VXOFF_CAP_YES);
		assert_item(all[i], VXOFF_ITEM_FEATURES, VXOFF_CAP_YES);
		assert_item(all[i], VXOFF_ITEM_RINGS, VXOFF_CAP_NO);
		assert_item(all[i], VXOFF_ITEM_RSS, VXOFF_CAP_NO);
		assert_item(all[i], VXOFF_ITEM_TUNNEL_PORTS, VXOFF_CAP_NO);
		assert_true(vxoff_devinfo_feature_count(all[i]) >= 60);
	}
	/* channels: veth and tun only */
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (all[i] != v0 && all[i] != v1 && all[i] != tun)
			assert_item(all[i], VXOFF_ITEM_CHANNELS, VXOFF_CAP_NO);
	assert_int_equal(vxoff_devinfo_channels(v0, &ch), 0);
	assert_true(ch.present & VXOFF_CH_RX_MAX);
	assert_true(ch.rx_max >= 1);
	assert_int_equal(ch.rx_count, 1);
	assert_int_equal(vxoff_devinfo_channels(tun, &ch), 0);
	assert_int_equal(ch.combined_max, 1);
	assert_int_equal(ch.combined_count, 0);
	/* coalescing: tun only, rx-max-frames only */
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (all[i] != tun)
			assert_item(all[i], VXOFF_ITEM_COALESCE, VXOFF_CAP_NO);
	assert_int_equal(vxoff_devinfo_coalesce_param(tun, VXOFF_COAL_RX_MAX_FRAMES, &v), 0);
	assert_int_equal(vxoff_devinfo_coalesce_param(tun, VXOFF_COAL_RX_USECS, &v), -ENOENT);
	/* drvinfo: everywhere but lo */
	assert_item(lo, VXOFF_ITEM_DRVINFO, VXOFF_CAP_NO);
	assert_int_equal(vxoff_devinfo_link(v0, &li), 0);
	assert_string_equal(li.driver, "veth");
	assert_string_equal(li.kind, "veth");
	assert_int_equal(vxoff_devinfo_link(tun, &li), 0);
	assert_string_equal(li.driver, "tun");
	/* default features (H = changeable, A = active) */
	v = fflags(v0, "tx-udp_tnl-segmentation"); /* veth: HA */
	assert_true(v & VXOFF_FEATURE_ACTIVE);
	assert_true(v & VXOFF_FEATURE_HW);
	assert_false(fflags(vx, "tx-udp_tnl-segmentation") & (VXOFF_FEATURE_ACTIVE |
							      VXOFF_FEATURE_HW)); /* vxlan: - */
	assert_true(fflags(br, "tx-gso-partial") & VXOFF_FEATURE_ACTIVE); /* bridge: HA */
	assert_true(fflags(v0, "rx-gro") & VXOFF_FEATURE_ACTIVE);	   /* turned on */
	v = fflags(v1, "rx-gro");					   /* veth: H (off) */
	assert_false(v & VXOFF_FEATURE_ACTIVE);
	assert_true(v & VXOFF_FEATURE_HW);
	/* macvlan: H, off by default, but it follows its lower device, vxt-v0, where it is on */
	assert_true(fflags(mv, "rx-gro") & VXOFF_FEATURE_HW);
	assert_true(fflags(lo, "rx-checksum") & VXOFF_FEATURE_ACTIVE);
	assert_false(fflags(ifb, "rx-checksum") & VXOFF_FEATURE_ACTIVE);
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		assert_false(fflags(all[i], "rx-udp_tunnel-port-offload") & VXOFF_FEATURE_ACTIVE);
	/* links */
	assert_int_equal(vxoff_devinfo_link(vx, &li), 0);
	assert_string_equal(li.kind, "vxlan");
	assert_int_equal(li.vxlan_port, 4789);
	assert_int_equal(li.vxlan_vni, 42);
	assert_int_equal(li.vxlan_family, AF_INET);
	assert_int_equal(li.underlay_ifindex, ifindex_of(v0));
	assert_int_equal(li.mtu, 1450); /* 1500 - 50 */
	assert_int_equal(vxoff_devinfo_link(mv, &li), 0);
	assert_int_equal(li.underlay_ifindex, ifindex_of(v0));
	assert_int_equal(vxoff_devinfo_link(v0, &li), 0);
	assert_int_equal(li.parent_ifindex, ifindex_of(v1)); /* the peer */
	/* queues: every device that is up lists one RX and one TX queue or more */
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		struct vxoff_queue_info q = { .sz = sizeof(q) };
		bool rx = false, tx = false;

		if (item(all[i], VXOFF_ITEM_QUEUES).cap != VXOFF_CAP_YES)
			continue; /* down (tun without a process has no carrier, but is up) */
		for (uint32_t k = 0; k < vxoff_devinfo_queue_count(all[i]); k++) {
			assert_int_equal(vxoff_devinfo_queue(all[i], k, &q), 0);
			rx |= q.type == VXOFF_QUEUE_RX;
			tx |= q.type == VXOFF_QUEUE_TX;
			assert_false(q.present & VXOFF_QUEUE_HAS_IRQ); /* virtual: no IRQ */
		}
		assert_true(rx && tx);
	}
	assert_item(v0, VXOFF_ITEM_QUEUES, VXOFF_CAP_YES);
	/* the VXLAN device is judged by its underlay: no tunnel table there */
	assert_int_equal(verdict(vx, &checked), VXOFF_VERDICT_PARTIAL);
	assert_int_equal(checked, ifindex_of(v0));
	assert_true(has_reason(vx, VXOFF_VX_PORT_TABLE_NONE, NULL));
	assert_true(has_reason(vx, VXOFF_VX_TX_TNL_TSO_ON, NULL));
}

static void virtual_probe_all(void **state)
{
	struct vxoff_ctx *ctx = fixture_ctx("virtual-6.18.nlrec", "/nonexistent");
	struct vxoff_devlist *l = NULL;

	(void)state;
	if (!ctx)
		skip();
	assert_int_equal(vxoff_probe_all(ctx, NULL, &l), 0);
	assert_int_equal(vxoff__replay_unused(ctx), 0);
	assert_int_equal(vxoff_devlist_count(l), 8);
	check_virtual(l);
	vxoff_devlist_free(l);
	vxoff_ctx_free(ctx);
}

static void virtual_probe_device(void **state)
{
	static const char *const devs[] = { "lo", "vxt-v0", "vxt-v1", "vxt-vx",
					    "vxt-br", "vxt-mv", "vxt-ifb", "vxt-tun" };
	struct vxoff_ctx *all;
	struct vxoff_devlist *l = NULL;

	(void)state;
	for (size_t i = 0; i < sizeof(devs) / sizeof(devs[0]); i++) {
		char name[64], path[4096];

		snprintf(name, sizeof(name), "virtual-6.18-%s.nlrec", devs[i]);
		if (access(tu_fixture_path(name, path, sizeof(path)), R_OK) < 0) {
			print_message("SKIP: fixture %s is missing (record it as root: "
				      "tests/tools/record-fixtures.sh)\n", path);
			skip();
		}
	}
	all = fixture_ctx("virtual-6.18.nlrec", "/nonexistent");
	if (!all)
		skip();
	assert_int_equal(vxoff_probe_all(all, NULL, &l), 0);
	for (size_t i = 0; i < sizeof(devs) / sizeof(devs[0]); i++) {
		char name[64];
		struct vxoff_ctx *ctx;
		struct vxoff_devinfo *di;
		const struct vxoff_devinfo *ref = by_name(l, devs[i]);

		snprintf(name, sizeof(name), "virtual-6.18-%s.nlrec", devs[i]);
		ctx = fixture_ctx(name, "/nonexistent");
		assert_non_null(ctx);
		di = probe(ctx, devs[i]);
		assert_int_equal(vxoff__replay_unused(ctx), 0);
		/* one device by do requests reads as in the dumps of the whole namespace */
		for (uint32_t it = 0; it < VXOFF_ITEM_COUNT; it++) {
			if (it == VXOFF_ITEM_SYSFS)
				continue;
			if (item(di, it).cap != item(ref, it).cap)
				fail_msg("%s %s: %u alone, %u in the dump", devs[i],
					 vxoff_item_name(it), item(di, it).cap,
					 item(ref, it).cap);
		}
		assert_int_equal(vxoff_devinfo_feature_count(di), vxoff_devinfo_feature_count(ref));
		for (uint32_t k = 0; k < vxoff_devinfo_feature_count(di); k++) {
			struct vxoff_feature a = { .sz = sizeof(a) }, b = { .sz = sizeof(b) };

			assert_int_equal(vxoff_devinfo_feature(di, k, &a), 0);
			assert_int_equal(vxoff_devinfo_feature(ref, k, &b), 0);
			assert_int_equal(a.flags, b.flags);
		}
		vxoff_devinfo_free(di);
		vxoff_ctx_free(ctx);
	}
	vxoff_devlist_free(l);
	vxoff_ctx_free(all);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(nic_tunnel_probe_device),
		cmocka_unit_test(nic_tunnel_vxlan_is_ready),
		cmocka_unit_test(nic_tunnel_probe_all),
		cmocka_unit_test(nic_no_tunnel_offload),
		cmocka_unit_test(device_not_found),
		cmocka_unit_test(device_disappears),
		cmocka_unit_test(ethtool_family_missing),
		cmocka_unit_test(verbose_bitsets_match_compact),
		cmocka_unit_test(rss_on_older_kernels),
		cmocka_unit_test(bitsets_direct),
		cmocka_unit_test(accessor_errors),
		cmocka_unit_test(probe_argument_errors),
		cmocka_unit_test(struct_copy_out),
		cmocka_unit_test(sysfs_of_another_namespace),
		cmocka_unit_test(virtual_probe_all),
		cmocka_unit_test(virtual_probe_device),
	};

	return cmocka_run_group_tests_name("probe", tests, NULL, NULL);
}
